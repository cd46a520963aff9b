use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use dauys_ledger::witness::MAX_ADD_CHECKPOINT_BYTES;
use dauys_ledger::{
    consistency_proof, leaf_hash, Checkpoint, CosignatureVerifier, Hash, Note, NoteSigner, TileHashSource, TreeBuilder,
};
use tower::ServiceExt as _;

use super::*;

const LOG: &str = "log.example/dauys";

struct Fixture {
    _dir: tempfile::TempDir,
    config_dir: PathBuf,
    log: NoteSigner,
    witness: Witness,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let log = NoteSigner::from_seed(LOG, [3; 32]).unwrap();
    let config_dir = dir.path().join("w");
    let witness = Witness::open(config(&config_dir, &log)).unwrap();
    Fixture { _dir: dir, config_dir, log, witness }
}

fn config(dir: &Path, log: &NoteSigner) -> WitnessConfig {
    WitnessConfig { state_dir: dir.to_path_buf(), name: "witness.example/w1".into(), log_keys: vec![log.vkey()] }
}

/// The honest log's tree at `size`, or a fork that rewrote entries from `fork_from` on.
fn tree(size: u64, fork_from: u64) -> (Hash, Vec<(dauys_ledger::TileId, Vec<u8>)>) {
    let mut tree = TreeBuilder::new();
    for i in 0..size {
        tree.append(leaf_hash(if i >= fork_from { format!("fork {i}") } else { format!("entry {i}") }.as_bytes()));
    }
    (tree.root(), tree.take_changed_tiles())
}

fn request(log: &NoteSigner, old: u64, size: u64, fork_from: u64) -> String {
    let (root, tiles) = tree(size, fork_from);
    let source = TileHashSource::new(|level, index| {
        tiles
            .iter()
            .find(|(id, _)| id.level == level && id.index == index)
            .map(|(_, b)| b.clone())
            .ok_or(LedgerError::MissingTile { level, index, needed: 1, have: 0 })
    });
    let proof = consistency_proof(&source, old.min(size), size).unwrap();
    let checkpoint = Checkpoint { origin: LOG.into(), size, root, extensions: vec![] }.sign(log).unwrap();
    AddCheckpoint { old_size: old, proof, checkpoint }.to_body()
}

#[test]
fn it_cosigns_a_growing_log_remembers_across_restarts_and_keeps_a_fork_as_evidence() {
    let f = fixture();
    let verifier = CosignatureVerifier::from_vkey(&f.witness.vkey()).unwrap();
    let line = f.witness.add_checkpoint(&request(&f.log, 0, 5, u64::MAX)).unwrap();
    let first = f.witness.latest(LOG).unwrap().unwrap();
    assert_eq!(first.size, 5);
    assert!(first.cosigned.ends_with(&line));
    let t1 = verifier.verify(&Note::parse(&first.cosigned).unwrap()).unwrap();
    Note::parse(&first.cosigned).unwrap().verify(&f.log.verifier()).unwrap();

    f.witness.add_checkpoint(&request(&f.log, 5, 9, u64::MAX)).unwrap();
    // Kept across a restart, with the same key.
    let vkey = f.witness.vkey();
    drop(f.witness);
    let witness = Witness::open(config(&f.config_dir, &f.log)).unwrap();
    assert_eq!(witness.vkey(), vkey);
    let latest = witness.latest(LOG).unwrap().unwrap();
    assert_eq!(latest.size, 9);
    assert!(verifier.verify(&Note::parse(&latest.cosigned).unwrap()).unwrap() >= t1);

    // A stale size is told the witness's; a fork is refused and kept, once per request.
    let stale = witness.add_checkpoint(&request(&f.log, 5, 12, u64::MAX)).unwrap_err();
    assert!(matches!(stale, WitnessError::Refused(Refusal::SizeMismatch { latest: 9, .. })));
    assert_eq!(witness.evidence(LOG).unwrap(), vec![], "a stale request is not evidence");
    let fork = witness.add_checkpoint(&request(&f.log, 9, 12, 3)).unwrap_err();
    assert_eq!(fork.http_status(), 422);
    let same_size_fork = witness.add_checkpoint(&request(&f.log, 9, 9, 3)).unwrap_err();
    assert_eq!(same_size_fork.http_status(), 409);
    let kept = witness.evidence(LOG).unwrap();
    assert_eq!(kept.len(), 2);
    assert!(kept[0].request.contains("\n12\n") && kept[0].reason.contains("does not verify"));
    // The fork moved nothing.
    assert_eq!(witness.latest(LOG).unwrap().unwrap().size, 9);
    let status = witness.status().unwrap();
    assert_eq!(status[0].size, Some(9));
    assert_eq!(status[0].evidence, 2);
}

#[test]
fn evidence_is_bounded_per_log() {
    let f = fixture();
    f.witness.add_checkpoint(&request(&f.log, 0, 4, u64::MAX)).unwrap();
    for _ in 0..MAX_EVIDENCE_PER_LOG + 5 {
        assert!(f.witness.add_checkpoint(&request(&f.log, 4, 4, 1)).is_err());
    }
    assert_eq!(f.witness.evidence(LOG).unwrap().len() as u64, MAX_EVIDENCE_PER_LOG);
}

#[test]
fn a_key_file_for_another_name_or_no_logs_is_refused() {
    let f = fixture();
    let mut renamed = config(&f.config_dir, &f.log);
    renamed.name = "witness.example/other".into();
    assert!(matches!(Witness::open(renamed), Err(WitnessError::Key { .. })));
    let mut none = config(&f.config_dir, &f.log);
    none.log_keys.clear();
    assert!(matches!(Witness::open(none), Err(WitnessError::NoLogs)));
    let mut bad = config(&f.config_dir, &f.log);
    bad.log_keys = vec!["not a key".into()];
    assert!(matches!(Witness::open(bad), Err(WitnessError::LogKey { .. })));
}

async fn call(router: &axum::Router, method: &str, uri: &str, body: String) -> (StatusCode, String, String) {
    let mut request = Request::builder().method(method).uri(uri).body(Body::from(body)).unwrap();
    request.extensions_mut().insert(ConnectInfo(SocketAddr::from(([192, 0, 2, 1], 4000))));
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let kind =
        response.headers().get("content-type").map(|v| v.to_str().unwrap_or_default().to_string()).unwrap_or_default();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, kind, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn the_http_interface_speaks_tlog_witness() {
    let f = fixture();
    let log = NoteSigner::from_seed(LOG, [3; 32]).unwrap();
    let router = http::router(Arc::new(f.witness), 1000);

    let (status, _, body) = call(&router, "POST", "/add-checkpoint", request(&log, 0, 5, u64::MAX)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.starts_with("\u{2014} witness.example/w1 ") && body.ends_with('\n'));

    // The 409 of a stale size carries the witness's size as text/x.tlog.size.
    let (status, kind, body) = call(&router, "POST", "/add-checkpoint", request(&log, 0, 7, u64::MAX)).await;
    assert_eq!((status, kind.as_str(), body.as_str()), (StatusCode::CONFLICT, "text/x.tlog.size", "5\n"));
    let (status, ..) = call(&router, "POST", "/add-checkpoint", request(&log, 9, 7, u64::MAX)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, body) = call(&router, "POST", "/add-checkpoint", "old 0\n\nnot a checkpoint\n".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let stranger = NoteSigner::from_seed("elsewhere.example/log", [4; 32]).unwrap();
    let foreign =
        Checkpoint { origin: "elsewhere.example/log".into(), size: 1, root: tree(1, 9).0, extensions: vec![] };
    let body = AddCheckpoint { old_size: 0, proof: vec![], checkpoint: foreign.sign(&stranger).unwrap() }.to_body();
    assert_eq!(call(&router, "POST", "/add-checkpoint", body).await.0, StatusCode::NOT_FOUND);
    let impostor = NoteSigner::from_seed(LOG, [5; 32]).unwrap();
    assert_eq!(
        call(&router, "POST", "/add-checkpoint", request(&impostor, 5, 7, u64::MAX)).await.0,
        StatusCode::FORBIDDEN
    );
    let huge = format!("old 0\n\n{}", "a".repeat(MAX_ADD_CHECKPOINT_BYTES + 1));
    assert_eq!(call(&router, "POST", "/add-checkpoint", huge).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(call(&router, "GET", "/add-checkpoint", String::new()).await.0, StatusCode::METHOD_NOT_ALLOWED);

    // What it publishes.
    let (status, _, body) = call(&router, "GET", "/checkpoint?origin=log.example/dauys", String::new()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.starts_with("log.example/dauys\n5\n"));
    assert_eq!(call(&router, "GET", "/checkpoint?origin=nobody", String::new()).await.0, StatusCode::NOT_FOUND);
    assert_eq!(call(&router, "GET", "/checkpoint", String::new()).await.0, StatusCode::BAD_REQUEST);
    let (status, _, body) = call(&router, "GET", "/logs", String::new()).await;
    assert_eq!(status, StatusCode::OK);
    let logs: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(logs["logs"][0]["origin"], LOG);
    assert_eq!(logs["logs"][0]["size"], 5);
    let (status, _, body) = call(&router, "GET", "/evidence?origin=log.example/dauys", String::new()).await;
    assert_eq!((status, body.contains("\"evidence\":[]")), (StatusCode::OK, true));
}

#[tokio::test]
async fn one_address_is_limited() {
    let f = fixture();
    let router = http::router(Arc::new(f.witness), 1);
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(call(&router, "GET", "/logs", String::new()).await.0);
    }
    assert_eq!(statuses[0], StatusCode::OK);
    assert_eq!(statuses[4], StatusCode::TOO_MANY_REQUESTS);
}
