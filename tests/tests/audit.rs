//! `dauys audit` against a running server it shares nothing with but the URL: it verifies,
//! re-audits incrementally, and says loudly when a server with the same key shows a
//! different history (a fork).

use std::process::Command;

use dauys_e2e::{dauys_binary, Server, ServerOptions};

fn notice(id: &str) -> serde_json::Value {
    serde_json::json!({
        "type": "notice.published",
        "notice": id,
        "title": {"kk": "Хабарландыру", "ru": "Объявление", "en": "Notice"},
        "text": {"kk": "Мәтін", "ru": "Текст", "en": "Text"},
    })
}

fn audit(server: &Server, vkey: &str, state_dir: &std::path::Path) -> (bool, String, String) {
    let out = Command::new(dauys_binary())
        .args(["audit", &server.base_url, "--vkey", vkey, "--state-dir"])
        .arg(state_dir)
        .env_remove("DAUYS_DATA_DIR")
        .output()
        .expect("run dauys audit");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

/// Logs `count` notices and waits for a checkpoint that covers the last. (The size the state
/// reports before may lag the log while the genesis is still being published, so the last
/// receipt's index says where the log ends.)
fn fill(server: &Server, prefix: &str, count: usize) -> u64 {
    let mut last = 0;
    for n in 0..count {
        let (status, body) = server.submit(&notice(&format!("{prefix}-{n}")));
        assert_eq!(status, 201, "{body}");
        last = body["index"].as_u64().expect("the receipt's index");
    }
    server.wait_for_checkpoint(last + 1)
}

#[test]
fn audit_verifies_resumes_and_detects_a_fork() {
    let honest = Server::start();
    let size = fill(&honest, "a", 300);
    let vkey = honest.get_json("/api/v1/log")["vkey"].as_str().unwrap().to_string();
    let state = tempfile::tempdir().unwrap();

    let (ok, stdout, stderr) = audit(&honest, &vkey, state.path());
    assert!(ok, "audit failed:\n{stderr}");
    assert!(stderr.contains(&format!("at size {size}")), "{stderr}");
    assert!(stdout.contains("notice.published 300"), "the replayed state is missing:\n{stdout}");

    fill(&honest, "b", 20);
    let (ok, _, stderr) = audit(&honest, &vkey, state.path());
    assert!(ok, "second audit failed:\n{stderr}");
    assert!(stderr.contains(&format!("resumed from {size}")), "the re-audit was not incremental:\n{stderr}");

    // A second log signed with the same key but with another history.
    let forger = Server::start_with(ServerOptions {
        signing_key: Some(honest.data_dir.path().join("log-signing.key")),
        ..ServerOptions::default()
    });
    fill(&forger, "c", 400);
    let (ok, _, stderr) = audit(&forger, &vkey, state.path());
    assert!(!ok, "the auditor accepted a forked history:\n{stderr}");
    assert!(stderr.contains("HISTORY DIFFERS"), "{stderr}");

    // A wrong key is refused too.
    let other = Server::start();
    let other_key = other.get_json("/api/v1/log")["vkey"].as_str().unwrap().to_string();
    let (ok, _, stderr) = audit(&honest, &other_key, tempfile::tempdir().unwrap().path());
    assert!(!ok, "{stderr}");
}
