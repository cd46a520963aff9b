//! `dauys audit` against a running server it shares nothing with but the URL: it verifies,
//! re-audits incrementally, and says loudly when a server with the same key shows a
//! different history (a fork).

use std::process::Command;

use dauys_e2e::{dauys_binary, notice, Server, ServerOptions};

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
    server.wait_for_checkpoint(server.log_notices(prefix, count))
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

/// `dauys replay --check` on a stopped server's database.
fn replay_check(server: &Server) -> (bool, String) {
    let out = Command::new(dauys_binary())
        .args(["replay", "--check", "--data-dir"])
        .arg(server.data_dir.path())
        .env_remove("DAUYS_DATA_DIR")
        .output()
        .expect("run dauys replay --check");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into())
}

/// One byte changed at rest — in an entry, or in a tile — is found by `dauys replay --check`,
/// which compares every stored tile with the one the entries make, not only the root the
/// latest checkpoint signs (a changed tile leaves that root as it was).
#[test]
fn replay_check_finds_a_byte_changed_at_rest() {
    let mut server = Server::start();
    fill(&server, "r", 300);
    server.kill();
    let (ok, stderr) = replay_check(&server);
    assert!(ok, "the untouched log fails its check:\n{stderr}");
    assert!(stderr.contains("tile versions and the checkpoint's root match"), "{stderr}");

    let db = rusqlite::Connection::open(server.data_dir.path().join("dauys.sqlite3")).unwrap();
    let original: Vec<u8> = db.query_row("SELECT body FROM entries WHERE idx = 40", [], |r| r.get(0)).unwrap();
    let text = String::from_utf8(original.clone()).unwrap();
    assert!(text.contains("Текст"), "{text}");
    // Still a canonical entry that keeps the rules: only its hash gives it away.
    let changed = text.replacen("Текст", "Тексу", 1).into_bytes();
    db.execute("UPDATE entries SET body = ?1 WHERE idx = 40", [&changed]).unwrap();
    let (ok, stderr) = replay_check(&server);
    assert!(!ok, "an entry changed at rest passed the check:\n{stderr}");
    assert!(stderr.contains("the stored tile tile/0/000") && stderr.contains("changed at rest"), "{stderr}");

    // The server starts on it, finds it (a first pass over the stored log at start), serves
    // the changed entry to no one, says so on /readyz and in its metrics, and signs no
    // checkpoint after it (it still logs and acknowledges acts).
    server.restart_until("/healthz");
    // Before anyone asks for the entry: the pass at start reports it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while server.get("/readyz").0 != 503 {
        assert!(std::time::Instant::now() < deadline, "the pass at start did not find the changed entry");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let signed = server.get_json("/api/v1/log")["checkpoint"]["size"].as_u64().unwrap();
    for path in ["/tile/entries/000", "/api/v1/entries/40", "/log/40", "/api/v1/proof/inclusion?index=40"] {
        let (status, body) = server.get(path);
        assert_eq!(status, 500, "{path} served a changed entry: {body}");
        assert!(!body.contains("Тексу"), "{path}: {body}");
    }
    let (status, ready) = server.get("/readyz");
    assert!(status == 503 && ready.contains("log-corrupt") && ready.contains("40"), "/readyz: {status} {ready}");
    assert!(server.get("/metrics").1.contains("dauys_corrupt_entries_total 1"));
    let (status, _) = server.submit(&notice("after"));
    assert_eq!(status, 201, "acts are still logged");
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let now_signed = server.get_json("/api/v1/log")["checkpoint"]["size"].as_u64().unwrap();
    assert_eq!(now_signed, signed, "a checkpoint was signed over a corrupt entry");
    server.kill();

    db.execute("UPDATE entries SET body = ?1 WHERE idx = 40", [&original]).unwrap();
    let (ok, stderr) = replay_check(&server);
    assert!(ok, "the entry put back:\n{stderr}");

    // A full tile of the first level, one byte flipped.
    let tile: Vec<u8> = db.query_row("SELECT data FROM tiles WHERE level = 0 AND idx = 0", [], |r| r.get(0)).unwrap();
    let mut flipped = tile.clone();
    flipped[100] ^= 1;
    db.execute("UPDATE tiles SET data = ?1 WHERE level = 0 AND idx = 0", [&flipped]).unwrap();
    let (ok, stderr) = replay_check(&server);
    assert!(!ok && stderr.contains("tile/0/000"), "a tile changed at rest passed the check:\n{stderr}");
}

/// Without `--state-dir`, the auditor's memory is the log's (its origin and key), not the
/// address's: one log reached as 127.0.0.1 and as localhost is one memory, so the second audit
/// resumes where the first ended (and a rollback shown under either name would be caught).
#[test]
fn the_audit_remembers_a_log_by_its_identity_not_its_address() {
    let server = Server::start();
    let size = fill(&server, "m", 20);
    let home = tempfile::tempdir().unwrap();
    let audit_at = |url: &str| {
        let out = Command::new(dauys_binary())
            .args(["audit", url])
            .env("HOME", home.path())
            .env_remove("DAUYS_DATA_DIR")
            .output()
            .expect("run dauys audit");
        (out.status.success(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    let (ok, stderr) = audit_at(&server.base_url);
    assert!(ok && stderr.contains("WARNING: no --vkey given"), "first audit:\n{stderr}");
    let other = server.base_url.replace("127.0.0.1", "localhost");
    let (ok, stderr) = audit_at(&other);
    assert!(ok, "audit under the other name:\n{stderr}");
    assert!(stderr.contains(&format!("resumed from {size}")), "a second memory for the same log:\n{stderr}");
    assert!(!stderr.contains("WARNING"), "the log's key was pinned already:\n{stderr}");
    let memory = home.path().join(".local/share/dauys/audit");
    assert_eq!(std::fs::read_dir(memory.join("logs")).unwrap().count(), 1, "one log, one memory");
    assert_eq!(std::fs::read_dir(memory.join("urls")).unwrap().count(), 2, "each address remembers its key");
}
