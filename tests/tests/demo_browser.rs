//! Issue 4's "Done means", in a real browser: a new user starts the demo (`dauys serve --demo`
//! on an empty data directory) and walks a petition from draft to a signed, published answer,
//! following README.md's "Walk a petition from draft to answer" — the citizen in Kazakh, the
//! moderator and the official in Russian, the demo crowd (`/demo`) supplying the supporters
//! (`tests/browser/demo-walk.mjs`). Then, from outside: the JSON API shows the obligation
//! answered, and the real `dauys audit` replays the log and prints the same petition with its
//! answered obligation on the Esil akimat and the same count.
//!
//! Chromium or Node.js missing is a failure (run `scripts/setup`), never a skip.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use dauys_e2e::{dauys_binary, run_browser_journey, Server, ServerOptions};

const ESIL: &str = "akimat-astana-esil";

#[test]
fn a_new_user_walks_a_petition_from_draft_to_answer_in_the_demo() {
    let started = Instant::now();
    let server = Server::start_with(ServerOptions {
        demo: true,
        // One person signs in four times from 127.0.0.1.
        extra_env: vec![("DAUYS_SIGN_IN_PER_MINUTE".into(), "1000".into())],
        ..ServerOptions::default()
    });
    eprintln!("dauys serve --demo ready in {:.1?}", started.elapsed());

    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("demo_walk_browser");
    let _ = std::fs::remove_dir_all(&artifacts);
    let artifacts = artifacts.to_string_lossy().into_owned();
    let journey = Instant::now();
    let output = run_browser_journey(
        "demo-walk.mjs",
        &server.base_url,
        &[("E2E_ARTIFACTS_DIR", &artifacts)],
        Duration::from_secs(300),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "node tests/browser/demo-walk.mjs {} failed ({}); screenshots and pages in {artifacts}\n\
         --- stdout:\n{stdout}\n--- stderr:\n{stderr}\n--- server log:\n{}",
        server.base_url,
        output.status,
        server.log()
    );
    assert!(stdout.contains("steps passed"), "the journey ended without its summary:\n{stdout}\n{stderr}");
    eprintln!("{stdout}\nthe browser journey took {:.1?}", journey.elapsed());
    let id = stdout
        .lines()
        .find_map(|l| l.strip_prefix("petition "))
        .map(str::trim)
        .unwrap_or_else(|| panic!("the journey did not print `petition <id>`:\n{stdout}"))
        .to_owned();

    // The JSON API: the obligation on the Esil akimat is answered.
    let doc = server.get_json(&format!("/api/v1/petitions/{id}"));
    let doc = if doc.get("petition").is_some_and(|p| p.is_object()) { doc["petition"].clone() } else { doc };
    let status = doc["status"].as_str().unwrap_or_else(|| panic!("no status: {doc}")).to_owned();
    assert_eq!(doc["obligation"]["status"], "answered", "{doc}");
    assert_eq!(doc["obligation"]["body"], ESIL, "{doc}");
    assert_eq!(doc["body"]["id"], ESIL, "{doc}");
    assert_eq!(doc["level"], "district_akimat", "{doc}");
    assert!(doc["answer"].is_object(), "no answer: {doc}");
    let signatures = doc["signatures"].as_u64().unwrap_or_else(|| panic!("no signatures: {doc}"));
    let threshold = doc["terms"]["threshold"].as_u64().unwrap_or_else(|| panic!("no threshold: {doc}"));
    assert!(signatures >= threshold, "{signatures} signatures of {threshold}: {doc}");
    let due = doc["obligation"]["due"].as_str().unwrap_or_else(|| panic!("no due date: {doc}")).to_owned();

    // The answer on the log carries the official's own signature, by the key the browser made
    // (and the log's signature covers it): what the audit below re-checks with the rules.
    let key = stdout
        .lines()
        .find_map(|l| l.strip_prefix("signing key "))
        .map(str::trim)
        .unwrap_or_else(|| panic!("the journey did not print `signing key <id>`:\n{stdout}"))
        .to_owned();
    let index = doc["answer"]["index"].as_u64().unwrap_or_else(|| panic!("the answer has no index: {doc}"));
    let answer = server.get_json(&format!("/api/v1/entries/{index}"));
    assert_eq!(answer["type"], "obligation.answered", "{answer}");
    assert_eq!(answer["sig"]["key"], key.as_str(), "the answer is not signed by the official's key: {answer}");

    // `dauys audit` replays the log on its own and says the same.
    let size = server.get_json("/api/v1/log")["checkpoint"]["size"].as_u64().unwrap_or(0);
    server.wait_for_checkpoint(size.max(1));
    let vkey = server.get_json("/api/v1/log")["vkey"].as_str().expect("the log's vkey").to_owned();
    let state = tempfile::tempdir().expect("a state directory for the auditor");
    let audit_started = Instant::now();
    let out = Command::new(dauys_binary())
        .args(["audit", &server.base_url, "--vkey", &vkey, "--state-dir"])
        .arg(state.path())
        .env_remove("DAUYS_DATA_DIR")
        .output()
        .expect("run dauys audit");
    let audit_out = String::from_utf8_lossy(&out.stdout);
    let audit_err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "dauys audit failed:\n{audit_out}\n{audit_err}");
    eprintln!("dauys audit took {:.1?}", audit_started.elapsed());
    let line = audit_out
        .lines()
        .find(|l| l.starts_with(&format!("{id} ")))
        .unwrap_or_else(|| panic!("dauys audit does not list {id}:\n{audit_out}"));
    let expected =
        format!("{id} {status} {signatures}/{threshold} signatures; obligation on {ESIL} due {due} answered");
    assert_eq!(line, expected, "dauys audit disagrees with /api/v1/petitions/{id}");
    eprintln!("dauys audit: {line}\nthe whole test took {:.1?}", started.elapsed());
}
