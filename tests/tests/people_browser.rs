//! People in a real browser: sign-up → an administrator verifies the person → an official
//! opens the person's data, stating why → the person sees it on "Who looked at my data".
//! The real `dauys` binary, Debian's headless Chromium driven by `tests/browser/people.mjs`
//! (playwright-core), and an axe-core accessibility check of every page. Chromium or Node.js
//! missing is a failure (run `scripts/setup`), never a skip.

use std::time::Duration;

use dauys_e2e::{run_browser_journey, Server, ServerOptions};
use serde_json::json;

const ADMIN_EMAIL: &str = "admin@example.kz";
/// The body the official works for, registered through the operator API (not with `--demo`:
/// the demo creates its own first administrator).
const BODY: &str = "akimat-almaty";

#[test]
fn sign_up_verify_open_and_see_who_looked() {
    let server = Server::start_with(ServerOptions {
        extra_env: vec![("DAUYS_FIRST_ADMINISTRATOR_EMAIL".into(), ADMIN_EMAIL.into())],
        ..ServerOptions::default()
    });
    let (status, receipt) = server.submit(&json!({
        "type": "body.registered",
        "body": BODY,
        "name": {"kk": "Алматы қаласының әкімдігі", "ru": "Акимат города Алматы", "en": "Akimat of Almaty"},
        "kind": "akimat",
    }));
    assert_eq!(status, 201, "registering {BODY}: {receipt}");
    // On failure the script leaves a screenshot and the HTML of each person's page here.
    let artifacts = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("people_browser");
    let _ = std::fs::remove_dir_all(&artifacts);
    let artifacts = artifacts.to_string_lossy().into_owned();

    let output = run_browser_journey(
        "people.mjs",
        &server.base_url,
        &[("E2E_ADMIN_EMAIL", ADMIN_EMAIL), ("E2E_BODY", BODY), ("E2E_ARTIFACTS_DIR", &artifacts)],
        Duration::from_secs(300),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "node tests/browser/people.mjs {} failed ({}); screenshots and pages in {artifacts}\n\
         --- stdout:\n{stdout}\n--- stderr:\n{stderr}\n--- server log:\n{}",
        server.base_url,
        output.status,
        server.log()
    );
    assert!(stdout.contains("steps passed"), "the journey ended without its summary:\n{stdout}\n{stderr}");
    eprintln!("{stdout}");
}
