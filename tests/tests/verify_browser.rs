//! A person verifies their own identity, in a real browser, the two ways that need no
//! administrator at the counter:
//!
//! - through an OpenID Connect provider (eGov ID's stand-in, `tests/oidc-provider`), driven by
//!   `tests/browser/verify_oidc.mjs`;
//! - with a one-time code sent to the address a registry lists, after an administrator
//!   imported the registry, driven by `tests/browser/verify_registry.mjs`.
//!
//! Each test has its own fresh `dauys` binary; Debian's headless Chromium runs the journeys
//! (playwright-core) with axe-core checking the pages. Chromium or Node.js missing is a
//! failure (run `scripts/setup`), never a skip.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use dauys_e2e::{
    free_port, run_browser_journey, OidcProvider, Server, ServerOptions, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET,
    OIDC_PEOPLE,
};

/// Where a journey leaves a screenshot and the HTML of each open page when it fails.
fn artifacts_dir(name: &str) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir.to_string_lossy().into_owned()
}

fn assert_journey(script: &str, output: &Output, server: &Server, artifacts: &str, more: &str) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "node tests/browser/{script} {} failed ({}); screenshots and pages in {artifacts}\n\
         --- stdout:\n{stdout}\n--- stderr:\n{stderr}\n{more}--- server log:\n{}",
        server.base_url,
        output.status,
        server.log()
    );
    assert!(stdout.contains("steps passed"), "the journey ended without its summary:\n{stdout}\n{stderr}");
    eprintln!("{stdout}");
}

#[test]
fn verify_through_the_identity_provider() {
    // The provider must allow our redirect URI before the server exists, so the port is
    // chosen first.
    let port = free_port();
    let public_url = format!("http://127.0.0.1:{port}");
    let provider = OidcProvider::start(&[&format!("{public_url}/verify/oidc/callback")]);
    let server = Server::start_with(ServerOptions {
        port: Some(port),
        extra_env: vec![
            ("DAUYS_OIDC_ISSUER_URL".into(), provider.issuer()),
            ("DAUYS_OIDC_CLIENT_ID".into(), OIDC_CLIENT_ID.into()),
            ("DAUYS_OIDC_CLIENT_SECRET".into(), OIDC_CLIENT_SECRET.into()),
            ("DAUYS_PUBLIC_URL".into(), public_url.clone()),
        ],
        ..ServerOptions::default()
    });
    assert_eq!(server.base_url, public_url);

    let person = OIDC_PEOPLE[0];
    let artifacts = artifacts_dir("verify_oidc_browser");
    let output = run_browser_journey(
        "verify_oidc.mjs",
        &server.base_url,
        &[
            ("E2E_OIDC_ISSUER", &provider.issuer()),
            ("E2E_OIDC_LOGIN", person.login),
            ("E2E_OIDC_PASSWORD", person.password),
            ("E2E_OIDC_SUB", person.sub),
            ("E2E_OIDC_IIN", person.iin),
            ("E2E_OIDC_GIVEN_NAME", person.given_name),
            ("E2E_OIDC_FAMILY_NAME", person.family_name),
            ("E2E_ARTIFACTS_DIR", &artifacts),
        ],
        Duration::from_secs(300),
    );
    let provider_log = format!("--- OIDC provider log:\n{}\n", provider.log());
    assert_journey("verify_oidc.mjs", &output, &server, &artifacts, &provider_log);

    // The same from outside the browser: one verification on the ledger.
    let state = server.get_json("/api/v1/state");
    assert_eq!(state["counts"]["person.verified"], 1, "{state}");
}

const ADMIN_EMAIL: &str = "admin@example.kz";

#[test]
fn verify_with_a_code_from_the_registry() {
    let server = Server::start_with(ServerOptions {
        extra_env: vec![("DAUYS_FIRST_ADMINISTRATOR_EMAIL".into(), ADMIN_EMAIL.into())],
        ..ServerOptions::default()
    });
    // The file mail sender's directory (DAUYS_MAIL_DIR unset: `<data_dir>/mail`).
    let mail_dir = server.data_dir.path().join("mail");
    let mail_dir_text = mail_dir.to_string_lossy().into_owned();
    let artifacts = artifacts_dir("verify_registry_browser");
    let output = run_browser_journey(
        "verify_registry.mjs",
        &server.base_url,
        &[("E2E_ADMIN_EMAIL", ADMIN_EMAIL), ("E2E_MAIL_DIR", &mail_dir_text), ("E2E_ARTIFACTS_DIR", &artifacts)],
        Duration::from_secs(300),
    );
    // Only registry codes: sign-ups also mail address confirmations to the accounts.
    let mut mails: Vec<std::path::PathBuf> = std::fs::read_dir(&mail_dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|p: &std::path::PathBuf| {
            std::fs::read_to_string(p).is_ok_and(|m| m.contains("Your Dauys verification code"))
        })
        .collect();
    mails.sort();
    let listing = format!("--- {}: {mails:?}\n", mail_dir.display());
    assert_journey("verify_registry.mjs", &output, &server, &artifacts, &listing);

    // Exactly one message went out — the code to the registry's address; none for the IIN
    // that is not listed, none to the account's own address.
    assert_eq!(mails.len(), 1, "{listing}");
    let eml = std::fs::read_to_string(&mails[0]).expect("the code's message");
    assert!(eml.starts_with("To: nurlan@example.kz\r\n"), "{eml}");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&mails[0]).expect("metadata").permissions());
    assert_eq!(mode & 0o777, 0o600, "{} has mode {:o}", mails[0].display(), mode & 0o777);

    let state = server.get_json("/api/v1/state");
    assert_eq!(state["counts"]["person.verified"], 1, "{state}");
    assert_eq!(state["counts"]["registry.imported"], 1, "{state}");
}
