//! The server against real storage, on both backends: submissions, receipts, checkpoints,
//! tiles and proofs, checked with `dauys-ledger`'s verifier as an auditor would; and every
//! endpoint's answer to malformed input.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use dauys_core::{Event, LocalizedText};
use dauys_ledger::{
    leaf_hash, tile_hashes, verify_consistency, verify_inclusion, Checkpoint, Hash, NoteVerifier, TreeBuilder,
};
use dauys_server::config::Config;
use dauys_server::{router, Instance};
use dauys_testkit::{Backend, TestDatabase};
use serde_json::Value;
use tower::ServiceExt;

use crate::common;

/// Entries a new log starts with: the deployment's configuration, the legal bases for
/// opening personal data, and each capability's default rules (petitions, appeals).
const GENESIS: u64 = 4;

struct TestApp {
    instance: Instance,
    _db: TestDatabase,
}

async fn start(backend: Backend) -> TestApp {
    let db = TestDatabase::new(backend);
    let instance = common::instance(common::config(&db)).await;
    TestApp { instance, _db: db }
}

impl TestApp {
    async fn call(
        &self,
        method: Method,
        uri: &str,
        body: Option<Value>,
        token: bool,
    ) -> (StatusCode, Vec<u8>, header::HeaderMap) {
        let (status, headers, bytes) = common::api_call(&self.instance, method, uri, body.as_ref(), token).await;
        (status, bytes, headers)
    }

    async fn get_json(&self, uri: &str) -> Value {
        let (status, body, _) = self.call(Method::GET, uri, None, false).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap()
    }

    async fn submit(&self, event: Value) -> Value {
        let (status, body, _) = self.call(Method::POST, "/api/v1/events", Some(event), true).await;
        assert_eq!(status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap()
    }

    /// Waits for a checkpoint covering `size` entries and returns it, verified.
    async fn checkpoint_at_least(&self, size: u64) -> Checkpoint {
        let verifier = NoteVerifier::from_vkey(&self.instance.state.vkey).unwrap();
        for _ in 0..200 {
            let (status, body, _) = self.call(Method::GET, "/checkpoint", None, false).await;
            if status == StatusCode::OK {
                let c = Checkpoint::open(std::str::from_utf8(&body).unwrap(), &verifier).expect("checkpoint verifies");
                if c.size >= size {
                    return c;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("no checkpoint reached size {size}");
    }
}

fn notice(n: usize) -> Value {
    serde_json::json!({
        "type": "notice.published",
        "notice": format!("n-{n}"),
        "title": {"kk": format!("Хабарландыру {n}"), "ru": format!("Объявление {n}"), "en": format!("Notice {n}")},
        "text": {"kk": "Мәтін", "ru": "Текст", "en": "Text"},
    })
}

fn hash(v: &Value) -> Hash {
    Hash::from_hex(v.as_str().unwrap()).unwrap()
}

fn hashes(v: &Value) -> Vec<Hash> {
    v.as_array().unwrap().iter().map(hash).collect()
}

async fn for_each_backend<F, Fut>(test: F)
where
    F: Fn(Backend) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in Backend::ALL {
        test(backend).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_submitters_get_consecutive_indexes_and_proofs_verify() {
    for_each_backend(|backend| async move {
        let app = std::sync::Arc::new(start(backend).await);
        // Entries 0 and 1 are the deployment's configuration and the legal bases for opening
        // personal data, logged on first start.
        let tasks: Vec<_> = (0..301 - GENESIS as usize)
            .map(|n| {
                let app = app.clone();
                tokio::spawn(async move { app.submit(notice(n)).await })
            })
            .collect();
        let mut indexes = Vec::new();
        for t in tasks {
            let receipt = t.await.unwrap();
            indexes.push(receipt["index"].as_u64().unwrap());
        }
        indexes.sort_unstable();
        assert_eq!(indexes, (GENESIS..=300).collect::<Vec<u64>>(), "{backend:?}: an index was reused or skipped");

        let checkpoint = app.checkpoint_at_least(301).await;
        assert_eq!(checkpoint.size, 301);
        assert_eq!(checkpoint.origin, "test.dauys.example/log");

        // Rebuild the tree from the entry bundles, as a mirror would.
        let mut tree = TreeBuilder::new();
        for (bundle, width) in [(0u64, 256u16), (1, 45)] {
            let path = if width == 256 {
                format!("/tile/entries/{bundle:03}")
            } else {
                format!("/tile/entries/{bundle:03}.p/{width}")
            };
            let (status, body, headers) = app.call(Method::GET, &path, None, false).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            // Full or partial, a tile path's bytes never change.
            assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable", "{path}");
            // Asked for gzip, a bundle comes compressed, and inflates to the same bytes.
            let request = axum::http::Request::get(path.as_str()).header(header::ACCEPT_ENCODING, "gzip");
            let (status, headers, gzipped) =
                common::send(&app.instance, request.body(axum::body::Body::empty()).unwrap()).await;
            assert_eq!(
                (status, headers.get(header::CONTENT_ENCODING).map(|v| v.as_bytes())),
                (StatusCode::OK, Some(&b"gzip"[..]))
            );
            let mut inflated = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(gzipped.as_slice()), &mut inflated).unwrap();
            assert_eq!(inflated, body, "{path}");
            for entry in dauys_ledger::decode_bundle(&body).unwrap() {
                dauys_core::Entry::decode(entry).expect("every logged entry is canonical");
                tree.append(leaf_hash(entry));
            }
        }
        assert_eq!(tree.root(), checkpoint.root, "{backend:?}: the entries do not hash to the checkpoint's root");
        // Hash tiles served equal the ones recomputed from the entries.
        let mut recomputed = std::collections::BTreeMap::new();
        for (id, bytes) in tree.take_changed_tiles() {
            recomputed.insert((id.level, id.index), (id, bytes));
        }
        for (id, bytes) in recomputed.values() {
            let (status, body, headers) = app.call(Method::GET, &format!("/{}", id.path()), None, false).await;
            assert_eq!(status, StatusCode::OK, "{}", id.path());
            assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable", "{}", id.path());
            assert_eq!(&body, bytes, "{backend:?}: tile {} differs", id.path());
            tile_hashes(&body).unwrap();
        }

        for index in [0u64, 1, 150, 255, 256, 300] {
            let proof = app.get_json(&format!("/api/v1/proof/inclusion?index={index}")).await;
            assert_eq!(proof["tree_size"], 301);
            let leaf = hash(&proof["leaf_hash"]);
            verify_inclusion(&leaf, index, 301, &hashes(&proof["proof"]), &checkpoint.root)
                .expect("inclusion verifies");
            // The same proof by leaf hash (the other half of a receipt).
            let by_hash = app.get_json(&format!("/api/v1/proof/inclusion?hash={leaf}&index={index}")).await;
            assert_eq!(by_hash["proof"], proof["proof"]);
        }

        // A later checkpoint is consistent with this one.
        app.submit(notice(1000)).await;
        let later = app.checkpoint_at_least(302).await;
        let proof = app.get_json(&format!("/api/v1/proof/consistency?from=301&to={}", later.size)).await;
        verify_consistency(301, later.size, &checkpoint.root, &later.root, &hashes(&proof["proof"]))
            .expect("consistent");
        let app = std::sync::Arc::into_inner(app).expect("no other owner");
        app.instance.shutdown().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn rule_violations_are_refused_and_nothing_is_logged() {
    for_each_backend(|backend| async move {
        let app = start(backend).await;
        app.submit(notice(1)).await;
        let (status, body, headers) = app.call(Method::POST, "/api/v1/events", Some(notice(1)), true).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
        let problem: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem["code"], "rejected");
        let page = app.get_json("/api/v1/entries").await;
        assert_eq!(page["size"], GENESIS + 1, "{backend:?}: a refused event reached the log");
        app.instance.shutdown().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn shutdown_flushes_and_a_restart_resumes_the_same_tree() {
    for_each_backend(|backend| async move {
        let db = TestDatabase::new(backend);
        let config = Config {
            data_dir: db.dir.path().to_path_buf(),
            database_url: db.database_url(),
            checkpoint_interval_ms: 1000,
            ..Config::default()
        };
        let first = Instance::start(config.clone()).await.unwrap();
        for n in 0..40 {
            first.state.sequencer.submit(event(n)).await.unwrap();
        }
        let vkey = first.state.vkey.clone();
        first.shutdown().await.unwrap();
        let second = Instance::start(config).await.unwrap();
        let latest = second.state.shared.latest_checkpoint().expect("a checkpoint after shutdown");
        assert_eq!(latest.checkpoint.size, GENESIS + 40, "{backend:?}: shutdown did not sign the tail");
        assert_eq!(second.state.vkey, vkey);
        second.state.sequencer.submit(event(99)).await.unwrap();
        second.shutdown().await.unwrap();
    })
    .await;
}

fn event(n: usize) -> Event {
    Event::NoticePublished {
        notice: format!("e-{n}").parse().unwrap(),
        title: LocalizedText { kk: "Т".into(), ru: "Т".into(), en: "T".into() },
        text: LocalizedText { kk: "М".into(), ru: "Т".into(), en: "T".into() },
    }
}

/// Malformed input to every endpoint: a 4xx problem document, never a 500, never a hang.
#[tokio::test]
async fn malformed_requests_get_problem_details() {
    let app = start(Backend::Sqlite).await;
    let too_big = serde_json::json!({"type": "notice.published", "notice": "x", "title": {"kk": "a".repeat(300_000), "ru": "a", "en": "a"}, "text": {"kk": "a", "ru": "a", "en": "a"}});
    let cases: Vec<(Method, &str, Option<Value>, bool, u16)> = vec![
        (Method::GET, "/tile/0/999", None, false, 404),
        (Method::GET, "/tile/0/x", None, false, 400),
        (Method::GET, "/tile/0/001.p/0", None, false, 400),
        (Method::GET, "/tile/0/001.p/256", None, false, 400),
        (Method::GET, "/tile/99/000", None, false, 400),
        (Method::GET, "/tile/entries/../../etc/passwd", None, false, 400),
        (Method::GET, "/tile/entries/x999/999", None, false, 404),
        (Method::GET, "/api/v1/proof/inclusion", None, false, 400),
        (Method::GET, "/api/v1/proof/inclusion?index=abc", None, false, 400),
        (Method::GET, "/api/v1/proof/inclusion?index=999999", None, false, 404),
        (Method::GET, "/api/v1/proof/inclusion?hash=zz", None, false, 400),
        (Method::GET, "/api/v1/proof/inclusion?index=0&size=99999", None, false, 404),
        (Method::GET, "/api/v1/proof/inclusion?index=0&bogus=1", None, false, 400),
        (Method::GET, "/api/v1/proof/consistency", None, false, 400),
        (Method::GET, "/api/v1/proof/consistency?from=5&to=2", None, false, 400),
        (Method::GET, "/api/v1/proof/consistency?from=18446744073709551615", None, false, 400),
        (Method::GET, "/api/v1/entries?limit=0", None, false, 400),
        (Method::GET, "/api/v1/entries?limit=100000", None, false, 400),
        (Method::GET, "/api/v1/entries?before=-1", None, false, 400),
        (Method::GET, "/api/v1/entries/abc", None, false, 400),
        (Method::GET, "/api/v1/entries/99999", None, false, 404),
        (Method::GET, "/api/v1/nothing", None, false, 404),
        (Method::DELETE, "/api/v1/events", None, false, 405),
        (Method::POST, "/api/v1/events", Some(notice(1)), false, 401),
        (Method::POST, "/api/v1/events", Some(serde_json::json!({"type": "nope"})), true, 400),
        (Method::POST, "/api/v1/events", Some(serde_json::json!({"type": "notice.published"})), true, 400),
        (Method::POST, "/api/v1/events", Some(serde_json::json!([1, 2])), true, 400),
        (
            Method::POST,
            "/api/v1/events",
            Some(
                serde_json::json!({"type": "notice.published", "notice": "BAD ID", "title": {"kk": "a", "ru": "a", "en": "a"}, "text": {"kk": "a", "ru": "a", "en": "a"}}),
            ),
            true,
            400,
        ),
        (
            Method::POST,
            "/api/v1/events",
            Some(
                serde_json::json!({"type": "notice.published", "notice": "n", "title": {"kk": "", "ru": "a", "en": "a"}, "text": {"kk": "a", "ru": "a", "en": "a"}}),
            ),
            true,
            400,
        ),
        (Method::POST, "/api/v1/events", Some(too_big), true, 413),
    ];
    for (method, uri, body, token, expected) in cases {
        let (status, bytes, headers) = app.call(method.clone(), uri, body, token).await;
        assert_eq!(status.as_u16(), expected, "{method} {uri}: {}", String::from_utf8_lossy(&bytes));
        assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json", "{method} {uri}");
        let problem: Value = serde_json::from_slice(&bytes).unwrap();
        assert!(problem["code"].as_str().is_some_and(|c| !c.is_empty()), "{uri}: {problem}");
        assert!(problem["title"].as_str().is_some_and(|t| !t.starts_with("problem-")), "{uri}: untranslated {problem}");
    }
    // Raw bytes that are not JSON, and a wrong content type.
    let req = Request::post("/api/v1/events")
        .header(header::AUTHORIZATION, format!("Bearer {}", app.instance.state.api_token))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(vec![0xff, 0xfe, b'{']))
        .unwrap();
    let resp = router(app.instance.state.clone()).oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let req = Request::post("/api/v1/events")
        .header(header::AUTHORIZATION, format!("Bearer {}", app.instance.state.api_token))
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(notice(5).to_string()))
        .unwrap();
    let resp = router(app.instance.state.clone()).oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Problem titles follow the caller's language.
    let req = Request::get("/api/v1/entries/abc").header(header::ACCEPT_LANGUAGE, "ru").body(Body::empty()).unwrap();
    let resp = router(app.instance.state.clone()).oneshot(req).await.unwrap();
    assert_eq!(resp.headers()[header::CONTENT_LANGUAGE], "ru");
    app.instance.shutdown().await.unwrap();
}

#[tokio::test]
async fn health_metrics_and_openapi() {
    let app = start(Backend::Sqlite).await;
    app.checkpoint_at_least(GENESIS).await;
    let (status, _, _) = app.call(Method::GET, "/healthz", None, false).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = app.call(Method::GET, "/readyz", None, false).await;
    assert_eq!(status, StatusCode::OK);
    let (_, metrics, _) = app.call(Method::GET, "/metrics", None, false).await;
    let metrics = String::from_utf8(metrics).unwrap();
    for name in [
        format!("dauys_appends_total {GENESIS}"),
        "dauys_batch_size".into(),
        "dauys_append_latency_seconds".into(),
        "dauys_checkpoint_age_seconds".into(),
        format!("dauys_tree_size {GENESIS}"),
    ] {
        assert!(metrics.contains(name.as_str()), "metrics lack {name}:\n{metrics}");
    }
    let spec = app.get_json("/openapi.json").await;
    for path in [
        "/checkpoint",
        "/tile/{path}",
        "/api/v1/log",
        "/api/v1/state",
        "/api/v1/entries",
        "/api/v1/entries/{index}",
        "/api/v1/proof/inclusion",
        "/api/v1/proof/consistency",
        "/api/v1/events",
    ] {
        assert!(spec["paths"].get(path).is_some(), "OpenAPI lacks {path}");
    }
    let info = app.get_json("/api/v1/log").await;
    assert_eq!(info["vkey"], app.instance.state.vkey.as_str());
    app.instance.shutdown().await.unwrap();
}

/// What the operator's token is refused, and what it is still allowed.
mod operator_token {
    use super::*;

    const GOV: &str = "gov";
    const ADMIN: &str = "real-admin";
    const MODERATOR: &str = "real-moderator";
    const OFFICIAL: &str = "real-official";
    const PETITION: &str = "p-water";

    fn pseudonym(n: u8) -> String {
        format!("ps1-{}", format!("{n:02x}").repeat(32))
    }

    fn text(s: &str) -> Value {
        serde_json::json!({"kk": format!("{s} (kk)"), "ru": format!("{s} (ru)"), "en": s})
    }

    /// Logs `event` as the server's own services do (straight to the sequencer, not through
    /// the token's endpoint).
    async fn log(app: &TestApp, event: Value) {
        let event: Event = serde_json::from_value(event).expect("an event");
        common::submit(&app.instance, event).await;
    }

    /// A log with a real administrator, moderator and official of the Government, and an
    /// open petition to the Government whose threshold (3) was reached: its obligation awaits
    /// the official's answer. Everything is logged as the people's own sessions would.
    async fn a_petition_awaiting_its_answer(backend: Backend) -> TestApp {
        let app = start(backend).await;
        common::register_body(
            &app.instance,
            GOV,
            dauys_core::BodyKind::Government,
            LocalizedText::new("Үкімет", "Правительство", "Government"),
        )
        .await;
        common::publish_small_rules(&app.instance, |levels| {
            for level in levels {
                level.threshold = dauys_core::Threshold::Signatures(3);
            }
        })
        .await;
        log(&app, serde_json::json!({"type": "role.granted", "account": ADMIN, "role": "administrator"})).await;
        for (account, role, body) in [(MODERATOR, "moderator", None), (OFFICIAL, "official", Some(GOV))] {
            let mut grant = serde_json::json!({"type": "role.granted", "account": account, "role": role, "by": ADMIN});
            if let Some(body) = body {
                grant["body"] = body.into();
            }
            log(&app, grant).await;
        }
        let author = pseudonym(1);
        log(
            &app,
            serde_json::json!({"type": "petition.drafted", "petition": PETITION, "author": author, "body": GOV,
                "level": "government", "topic": "transport", "title": text("Clean water"), "text": text("Please.")}),
        )
        .await;
        log(&app, serde_json::json!({"type": "petition.launched", "petition": PETITION, "by": author})).await;
        for n in 1..=2 {
            log(&app, serde_json::json!({"type": "petition.signed", "petition": PETITION, "signer": pseudonym(n), "region": "astana"}))
                .await;
        }
        log(&app, serde_json::json!({"type": "petition.accepted", "petition": PETITION, "by": MODERATOR})).await;
        log(&app, serde_json::json!({"type": "petition.signed", "petition": PETITION, "signer": pseudonym(3), "region": "astana"}))
            .await;
        wait_for_count(&app, "obligation.opened", 1).await;
        app
    }

    /// Waits until the public state (as of the latest checkpoint) counts `n` events of `kind`.
    async fn wait_for_count(app: &TestApp, kind: &str, n: u64) {
        for _ in 0..300 {
            if app.get_json("/api/v1/state").await["counts"][kind].as_u64() == Some(n) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the state never counted {n} {kind}: {}", app.get_json("/api/v1/state").await);
    }

    fn answer() -> Value {
        serde_json::json!({"type": "obligation.answered", "petition": PETITION, "by": OFFICIAL, "decision": "supported",
            "answer": {"en": "We will."}, "discussion": {"en": "Discussed."}, "head_statement": {"en": "Agreed."}})
    }

    async fn log_size(app: &TestApp) -> u64 {
        app.get_json("/api/v1/entries?limit=1").await["size"].as_u64().expect("size")
    }

    #[tokio::test]
    async fn the_token_cannot_act_as_anyone() {
        for_each_backend(|backend| async move {
            let app = a_petition_awaiting_its_answer(backend).await;
            let attacks = [
                // A role grant "by" the real administrator.
                serde_json::json!({"type": "role.granted", "account": "operator-friend", "role": "administrator", "by": ADMIN}),
                // A signature under an invented pseudonym.
                serde_json::json!({"type": "petition.signed", "petition": PETITION, "signer": pseudonym(99), "region": "astana"}),
                // The petition's answer "by" the real official.
                answer(),
                // Other people's acts, and events only the rules log.
                serde_json::json!({"type": "role.revoked", "account": OFFICIAL, "role": "official", "body": GOV, "by": ADMIN}),
                serde_json::json!({"type": "petition.closed", "petition": PETITION, "threshold_reached": true}),
                serde_json::json!({"type": "obligation.overdue", "petition": PETITION}),
                // Refused on its type alone, even when the rest would not parse.
                serde_json::json!({"type": "person.verified"}),
            ];
            for attack in attacks {
                let before = log_size(&app).await;
                let (status, body, headers) = app.call(Method::POST, "/api/v1/events", Some(attack.clone()), true).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?} {attack}: {}", String::from_utf8_lossy(&body));
                assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
                let problem: Value = serde_json::from_slice(&body).unwrap();
                assert_eq!(problem["code"], "not-an-operator-act", "{problem}");
                assert!(problem["detail"].as_str().unwrap().contains("signed-in session"), "{problem}");
                assert!(!problem["title"].as_str().unwrap().starts_with("problem-"), "untranslated: {problem}");
                assert_eq!(log_size(&app).await, before, "{backend:?}: {attack} reached the log");
            }
            // The same signature and answer, logged as the people's sessions would, are
            // accepted: the refusals above were the token's, not the rules'.
            log(&app, serde_json::json!({"type": "petition.signed", "petition": PETITION, "signer": pseudonym(99), "region": "astana"}))
                .await;
            log(&app, answer()).await;
            wait_for_count(&app, "obligation.answered", 1).await;

            // The operator's own acts still go through.
            let before = log_size(&app).await;
            let receipt = app.submit(notice(7)).await;
            assert_eq!(receipt["index"], before);
            let body = serde_json::json!({"type": "body.registered", "body": "akimat-astana", "kind": "akimat",
                "name": {"kk": "Астана әкімдігі", "ru": "Акимат Астаны", "en": "Akimat of Astana"}});
            app.submit(body).await;
            assert_eq!(log_size(&app).await, before + 2);
            app.instance.shutdown().await.unwrap();
        })
        .await;
    }

    /// The token is checked before the body is read: without it, a malformed body, a wrong
    /// content type or a person's act are all 401, never 400, 415 or 403.
    #[tokio::test]
    async fn the_token_is_checked_before_the_body() {
        let app = start(Backend::Sqlite).await;
        let bodies: [(&str, Vec<u8>); 4] = [
            ("application/json", b"{not json".to_vec()),
            ("application/json", vec![0xff, 0xfe, b'{']),
            ("text/plain", notice(1).to_string().into_bytes()),
            ("application/json", answer().to_string().into_bytes()),
        ];
        for token in [None, Some("wrong-token"), Some("")] {
            for (content_type, body) in &bodies {
                let mut req = Request::post("/api/v1/events").header(header::CONTENT_TYPE, *content_type);
                if let Some(token) = token {
                    req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
                }
                let (status, headers, bytes) =
                    common::send(&app.instance, req.body(Body::from(body.clone())).unwrap()).await;
                assert_eq!(
                    status,
                    StatusCode::UNAUTHORIZED,
                    "{token:?} {content_type}: {}",
                    String::from_utf8_lossy(&bytes)
                );
                assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
                assert!(headers[header::WWW_AUTHENTICATE].to_str().unwrap().starts_with("Bearer"));
                let problem: Value = serde_json::from_slice(&bytes).unwrap();
                assert_eq!(problem["code"], "unauthorized");
            }
        }
        // Nor is anything else about the request judged first.
        let req = Request::post("/api/v1/events?lang=de&bogus=1")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{"))
            .unwrap();
        assert_eq!(common::send(&app.instance, req).await.0, StatusCode::UNAUTHORIZED);
        // The scheme's name is case-insensitive (RFC 9110); the token is not.
        let token = app.instance.state.api_token.to_string();
        for (authorization, expected) in [
            (format!("bearer {token}"), StatusCode::CREATED),
            (format!("Bearer {}", token.to_uppercase()), StatusCode::UNAUTHORIZED),
            (format!("Bearer {token}x"), StatusCode::UNAUTHORIZED),
            (format!("Basic {token}"), StatusCode::UNAUTHORIZED),
        ] {
            let req = Request::post("/api/v1/events")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, authorization.clone())
                .body(Body::from(notice(2).to_string()))
                .unwrap();
            let (status, _, bytes) = common::send(&app.instance, req).await;
            assert_eq!(status, expected, "{authorization}: {}", String::from_utf8_lossy(&bytes));
        }
        // With the token, the same bad bodies get their own answers.
        for ((content_type, body), expected) in bodies.iter().zip([400, 400, 415, 403]) {
            let req = Request::post("/api/v1/events")
                .header(header::CONTENT_TYPE, *content_type)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::from(body.clone()))
                .unwrap();
            let (status, _, bytes) = common::send(&app.instance, req).await;
            assert_eq!(status.as_u16(), expected, "{content_type}: {}", String::from_utf8_lossy(&bytes));
        }
        app.instance.shutdown().await.unwrap();
    }

    #[tokio::test]
    async fn an_operator_notice_with_deceptive_text_is_a_bad_request() {
        let app = start(Backend::Sqlite).await;
        let before = log_size(&app).await;
        for (title, code) in [("\u{202E}txt.exe", "bidi-control"), ("\u{200B}\u{2060}", "invisible-text")] {
            let mut event = notice(9);
            event["title"]["en"] = title.into();
            let (status, body, _) = app.call(Method::POST, "/api/v1/events", Some(event), true).await;
            let problem: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
            assert_eq!(problem["code"], "invalid-event", "{problem}");
            assert!(problem["detail"].as_str().unwrap_or("").starts_with(code), "{problem}");
        }
        assert_eq!(log_size(&app).await, before);
        app.instance.shutdown().await.unwrap();
    }
}

/// An entry changed at rest that nobody asks for is found by the background check, which reads
/// the whole stored log back against its tiles: `/readyz` then says which entry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_check_finds_an_entry_nobody_reads() {
    let db = TestDatabase::new(Backend::Sqlite);
    let config = Config { log_recheck_interval_secs: 1, ..common::config(&db) };
    let app = TestApp { instance: common::instance(config).await, _db: db };
    for n in 0..10 {
        app.submit(notice(n)).await;
    }
    app.checkpoint_at_least(GENESIS + 10).await;
    let ready = app.call(Method::GET, "/readyz", None, false).await;
    assert_eq!(ready.0, StatusCode::OK);

    let file = app._db.dir.path().join("dauys.sqlite3");
    let changed = tokio::task::spawn_blocking(move || {
        let db = rusqlite::Connection::open(file).unwrap();
        db.execute(
            "UPDATE entries SET body = CAST(replace(body, 'Текст', 'Тексу') AS BLOB) WHERE idx = ?1",
            [GENESIS + 3],
        )
        .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(changed, 1);
    for _ in 0..100 {
        let (status, body, _) = app.call(Method::GET, "/readyz", None, false).await;
        if status == StatusCode::SERVICE_UNAVAILABLE {
            let text = String::from_utf8_lossy(&body);
            assert!(text.contains("log-corrupt") && text.contains(&format!("entry {}", GENESIS + 3)), "{text}");
            let metrics = app.call(Method::GET, "/metrics", None, false).await.1;
            assert!(String::from_utf8_lossy(&metrics).contains("dauys_corrupt_entries_total 1"));
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the background check did not find the changed entry within 10 s");
}
