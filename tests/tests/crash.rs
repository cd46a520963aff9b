//! SIGKILL during a stream of acknowledged appends, on both backends, three times over.
//! After each restart: every acknowledged entry is present with the leaf hash its receipt
//! named, no index was given twice, and the new checkpoint is consistent with every
//! checkpoint the server published before the kill.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use dauys_e2e::{Server, ServerOptions};
use dauys_ledger::{verify_consistency, Checkpoint, Hash, NoteVerifier};
use dauys_testkit::{Backend, TestDatabase};

fn notice(id: &str) -> String {
    serde_json::json!({
        "type": "notice.published",
        "notice": id,
        "title": {"kk": "Хабарландыру", "ru": "Объявление", "en": "Notice"},
        "text": {"kk": "Мәтін", "ru": "Текст", "en": "Text"},
    })
    .to_string()
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().timeout(Duration::from_secs(5)).build()
}

/// Submits until the server dies; returns the receipts it acknowledged (index → leaf hash).
fn submitter(base: String, token: String, prefix: String, stop: Arc<AtomicBool>) -> Vec<(u64, String)> {
    let agent = agent();
    let mut acked = Vec::new();
    for n in 0.. {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let response = agent
            .post(&format!("{base}/api/v1/events"))
            .set("Authorization", &format!("Bearer {token}"))
            .set("Content-Type", "application/json")
            .send_string(&notice(&format!("{prefix}-{n}")));
        match response {
            Ok(r) => {
                assert_eq!(r.status(), 201);
                let receipt: serde_json::Value = serde_json::from_str(&r.into_string().unwrap()).unwrap();
                acked.push((receipt["index"].as_u64().unwrap(), receipt["leaf_hash"].as_str().unwrap().to_string()));
            }
            // 503 while shutting down, or the connection dropping at the kill: not acknowledged.
            Err(ureq::Error::Status(503, _)) | Err(ureq::Error::Transport(_)) => break,
            Err(e) => panic!("unexpected answer: {e}"),
        }
    }
    acked
}

/// Records every checkpoint the server shows until it dies, verified with its key.
fn watcher(base: String, verifier: NoteVerifier, stop: Arc<AtomicBool>) -> Vec<Checkpoint> {
    let agent = agent();
    let mut seen = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        match agent.get(&format!("{base}/checkpoint")).call() {
            Ok(r) => {
                let note = r.into_string().unwrap();
                seen.push(Checkpoint::open(&note, &verifier).expect("every published checkpoint verifies"));
            }
            Err(_) => break,
        }
        std::thread::sleep(Duration::from_millis(15));
    }
    seen
}

fn crash_and_recover(backend: Backend) {
    let db = TestDatabase::new(backend);
    let database_url = (backend == Backend::Postgres).then(|| db.database_url());
    let mut server = Server::start_with(ServerOptions { database_url, ..ServerOptions::default() });
    let token = server.api_token();
    let vkey = server.get_json("/api/v1/log")["vkey"].as_str().unwrap().to_string();
    let verifier = NoteVerifier::from_vkey(&vkey).unwrap();
    let mut acked: BTreeMap<u64, String> = BTreeMap::new();
    let mut checkpoints: Vec<Checkpoint> = Vec::new();

    for round in 0..3 {
        let stop = Arc::new(AtomicBool::new(false));
        let submitters: Vec<_> = (0..8)
            .map(|t| {
                let (base, token, stop) = (server.base_url.clone(), token.clone(), stop.clone());
                std::thread::spawn(move || submitter(base, token, format!("r{round}-t{t}"), stop))
            })
            .collect();
        let watch = {
            let (base, verifier, stop) =
                (server.base_url.clone(), NoteVerifier::from_vkey(&vkey).unwrap(), stop.clone());
            std::thread::spawn(move || watcher(base, verifier, stop))
        };
        std::thread::sleep(Duration::from_millis(800));
        server.kill();
        stop.store(true, Ordering::SeqCst);
        for s in submitters {
            for (index, leaf) in s.join().unwrap() {
                if let Some(previous) = acked.insert(index, leaf.clone()) {
                    panic!("{backend:?}: index {index} acknowledged twice ({previous} and {leaf})");
                }
            }
        }
        checkpoints.extend(watch.join().unwrap());
        assert!(!acked.is_empty(), "{backend:?}: nothing was acknowledged before the kill");

        server.restart();
        let highest = *acked.keys().last().unwrap();
        let size = server.wait_for_checkpoint(highest + 1);
        let note = server.get("/checkpoint").1;
        let latest = Checkpoint::open(&note, &verifier).expect("the checkpoint after restart verifies");
        assert!(latest.size >= size);

        for (index, leaf) in &acked {
            let entry = server.get_json(&format!("/api/v1/entries/{index}"));
            assert_eq!(
                entry["leaf_hash"].as_str(),
                Some(leaf.as_str()),
                "{backend:?}: acknowledged entry {index} lost or changed"
            );
        }
        for old in &checkpoints {
            assert!(old.size <= latest.size, "{backend:?}: the log shrank from {} to {}", old.size, latest.size);
            let proof = server.get_json(&format!("/api/v1/proof/consistency?from={}&to={}", old.size, latest.size));
            let proof: Vec<Hash> = proof["proof"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| Hash::from_hex(h.as_str().unwrap()).unwrap())
                .collect();
            verify_consistency(old.size, latest.size, &old.root, &latest.root, &proof).unwrap_or_else(|e| {
                panic!("{backend:?}: checkpoint {} is not consistent with the new one: {e}", old.size)
            });
        }
        checkpoints.push(latest);
    }
}

#[test]
fn sigkill_loses_no_acknowledged_entry_sqlite() {
    crash_and_recover(Backend::Sqlite);
}

#[test]
fn sigkill_loses_no_acknowledged_entry_postgres() {
    crash_and_recover(Backend::Postgres);
}
