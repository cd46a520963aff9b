//! Signing in under attack: nobody can lock an owner out, known and unknown addresses look
//! alike, password hashing is bounded, and `next` never leaves the site. Through the real
//! router, as a browser would post the form.

use crate::common;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use common::{config, instance, send, sign_up, PASSWORD};
use dauys_server::Instance;
use dauys_testkit::{Backend, TestDatabase};

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
    took: Duration,
}

impl Answer {
    fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    fn retry_after(&self) -> Option<u64> {
        self.headers.get(header::RETRY_AFTER)?.to_str().ok()?.parse().ok()
    }

    fn cookie(&self, name: &str) -> Option<String> {
        self.headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
            let value = c.strip_prefix(name)?.strip_prefix('=')?;
            Some(value.split(';').next().unwrap_or("").to_string())
        })
    }
}

fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// POST /login as a browser that fetched the form (double-submit CSRF cookie), with any
/// other cookies it holds.
async fn login(instance: &Instance, email: &str, password: &str, next: &str, cookies: &str) -> Answer {
    let body =
        format!("csrf=tok&email={}&password={}&next={}", form_encode(email), form_encode(password), form_encode(next));
    let request = Request::builder()
        .method(Method::POST)
        .uri("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT_LANGUAGE, "en")
        .header(header::COOKIE, format!("dauys_form=tok{cookies}"))
        .body(Body::from(body))
        .unwrap();
    let started = Instant::now();
    let (status, headers, bytes) = send(instance, request).await;
    Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned(), took: started.elapsed() }
}

async fn start(tune: impl FnOnce(&mut dauys_server::config::Config)) -> (Instance, TestDatabase) {
    let db = TestDatabase::new(Backend::Sqlite);
    let mut config = config(&db);
    // Every request through the router comes from one address: lift the per-address limit
    // so the per-name delay is what is tested (the address limit has its own test).
    config.sign_in_per_minute = 10_000;
    tune(&mut config);
    (instance(config).await, db)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_slow_a_name_down_without_locking_its_owner_out() {
    let (instance, _db) = start(|_| {}).await;
    let people = instance.state.people.clone();
    sign_up(&people, "owner@example.kz").await;

    // The owner signs in once from their own browser: it is now a known device.
    let first = login(&instance, "owner@example.kz", PASSWORD, "/me", "").await;
    assert_eq!((first.status, first.location()), (StatusCode::SEE_OTHER, "/me"));
    let device = first.cookie("dauys_device").expect("a device cookie after signing in");
    assert!(first.headers.get_all(header::SET_COOKIE).iter().any(|c| {
        let c = c.to_str().unwrap_or("");
        c.starts_with("dauys_device=") && c.contains("HttpOnly") && c.contains("SameSite=Strict")
    }));

    // One wrong password costs a known and an unknown address the same: one hash each.
    sign_up(&people, "twin1@example.kz").await;
    let (mut known_ms, mut unknown_ms) = (Vec::new(), Vec::new());
    for _ in 0..4 {
        let k = login(&instance, "twin1@example.kz", "not the password", "/", "").await;
        let u = login(&instance, "twin2@example.kz", "not the password", "/", "").await;
        assert_eq!((k.status, u.status), (StatusCode::UNPROCESSABLE_ENTITY, StatusCode::UNPROCESSABLE_ENTITY));
        assert_eq!(k.body.len(), u.body.len(), "the same page, byte for byte in length");
        known_ms.push(k.took.as_millis());
        unknown_ms.push(u.took.as_millis());
    }
    eprintln!("one wrong password, ms: known address {known_ms:?}, unknown address {unknown_ms:?}");

    // A burst of guesses at the owner's name, and at a name no account has, side by side.
    let burst = |email: &'static str| {
        let instance = &instance;
        futures_join_all(
            (0..8).map(move |n| async move { login(instance, email, &format!("guess number {n}"), "/", "").await }),
        )
    };
    let (known, unknown) = tokio::join!(burst("owner@example.kz"), burst("nobody@example.kz"));
    let statuses = |answers: &[Answer]| {
        let mut s = answers.iter().map(|a| a.status.as_u16()).collect::<Vec<_>>();
        s.sort_unstable();
        s
    };
    // Five free attempts, two held back (1 s, then 3 s), then a refusal that says when to
    // come back — the same for a name with an account and one without.
    let expected = [422, 422, 422, 422, 422, 422, 422, 429];
    assert_eq!(statuses(&known), expected);
    assert_eq!(statuses(&unknown), expected, "an unknown name must be treated exactly like a known one");
    for answers in [&known, &unknown] {
        let longest = answers.iter().map(|a| a.took).max().unwrap_or_default();
        assert!(longest >= Duration::from_millis(2_500), "the 7th attempt waits its turn: {longest:?}");
        let refused = answers.iter().find(|a| a.status == StatusCode::TOO_MANY_REQUESTS).expect("a refusal");
        let wait = refused.retry_after().expect("429 carries Retry-After");
        assert!((5..=8).contains(&wait), "Retry-After {wait}");
        assert!(refused.body.contains("Too many attempts"), "{}", refused.body);
    }

    // The owner's own browser is not held back, even now.
    let cookies = format!("; dauys_device={device}");
    let owner = login(&instance, "owner@example.kz", PASSWORD, "/me", &cookies).await;
    assert_eq!((owner.status, owner.location()), (StatusCode::SEE_OTHER, "/me"), "{}", owner.body);
    // A device cookie for one name does nothing for another: that name is still held back
    // (its next turn is seconds away), or refused.
    let other = login(&instance, "nobody@example.kz", "still guessing", "/", &cookies).await;
    assert!(
        other.status == StatusCode::TOO_MANY_REQUESTS || other.took >= Duration::from_secs(1),
        "{} after {:?}",
        other.status,
        other.took
    );
    drop(people);
    instance.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_gets_in_after_the_wait_even_from_a_new_device() {
    let (instance, _db) = start(|_| {}).await;
    sign_up(&instance.state.people, "owner@example.kz").await;
    let answers = futures_join_all((0..8).map(|n| {
        let instance = &instance;
        async move { login(instance, "owner@example.kz", &format!("guess {n}"), "/", "").await }
    }))
    .await;
    let refused = answers.iter().find(|a| a.status == StatusCode::TOO_MANY_REQUESTS).expect("the 8th is refused");
    tokio::time::sleep(Duration::from_secs(refused.retry_after().expect("Retry-After"))).await;
    let owner = login(&instance, "owner@example.kz", PASSWORD, "/me", "").await;
    assert_eq!((owner.status, owner.location()), (StatusCode::SEE_OTHER, "/me"), "{}", owner.body);
    // Getting in resets the count: the next mistake is free again.
    let slip = login(&instance, "owner@example.kz", "a slip of the finger", "/", "").await;
    assert_eq!(slip.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(slip.took < Duration::from_secs(1), "{:?}", slip.took);
    instance.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_address_limit_answers_429_with_retry_after() {
    let (instance, _db) = start(|c| c.sign_in_per_minute = 3).await;
    for n in 0..3 {
        let a = login(&instance, &format!("someone{n}@example.kz"), "wrong password here", "/", "").await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let refused = login(&instance, "someone-else@example.kz", "wrong password here", "/", "").await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.retry_after().is_some_and(|s| (1..=60).contains(&s)), "{:?}", refused.headers);
    instance.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_every_hashing_thread_is_busy_sign_in_answers_503_with_retry_after() {
    let (instance, _db) = start(|c| {
        c.password_hashes_in_flight = 1;
        c.password_queue_ms = 1;
    })
    .await;
    let attempts = (0..12).map(|n| {
        let instance = &instance;
        async move { login(instance, &format!("flood{n}@example.kz"), "wrong password here", "/", "").await }
    });
    let answers = futures_join_all(attempts).await;
    let busy: Vec<&Answer> = answers.iter().filter(|a| a.status == StatusCode::SERVICE_UNAVAILABLE).collect();
    assert!(!busy.is_empty(), "12 at once with one hashing thread and no queue: some must be refused");
    for a in &answers {
        assert!(
            [StatusCode::UNPROCESSABLE_ENTITY, StatusCode::SERVICE_UNAVAILABLE].contains(&a.status),
            "{} {}",
            a.status,
            a.body
        );
    }
    for a in busy {
        assert!(a.retry_after().is_some(), "503 without Retry-After");
        assert!(a.body.contains("busy"), "{}", a.body);
    }
    let metrics = send(&instance, Request::get("/metrics").body(Body::empty()).unwrap()).await;
    let text = String::from_utf8_lossy(&metrics.2).into_owned();
    assert!(text.lines().any(|l| l.starts_with("dauys_password_hash_refusals_total ") && !l.ends_with(" 0")), "{text}");
    instance.shutdown().await.expect("shutdown");
}

/// Runs futures concurrently on this task (no extra crate for `join_all`).
async fn futures_join_all<F: std::future::Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let mut set = Vec::new();
    for f in futures {
        set.push(Box::pin(f));
    }
    let mut out: Vec<Option<F::Output>> = set.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (slot, f) in out.iter_mut().zip(set.iter_mut()) {
            if slot.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *slot = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().flatten().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_signing_in_next_stays_on_this_site() {
    let (instance, _db) = start(|_| {}).await;
    sign_up(&instance.state.people, "owner@example.kz").await;
    let cases = [
        ("/petitions?q=water", "/petitions?q=water"),
        ("", "/me"),
        // Browsers drop the tab and line breaks: these would become //evil.example.
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/\r\n/evil.example", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/ /evil.example", "/"),
        ("/\u{3000}/evil.example", "/"),
    ];
    for (next, expected) in cases {
        let a = login(&instance, "owner@example.kz", PASSWORD, next, "").await;
        assert_eq!((a.status, a.location()), (StatusCode::SEE_OTHER, expected), "next={next:?}");
    }
    // The sign-in form itself never carries an unsafe `next`.
    let (status, _, body) =
        send(&instance, Request::get("/login?next=/%09/evil.example").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let body = String::from_utf8_lossy(&body);
    assert!(body.contains(r#"name="next" value="/""#), "{body}");
    instance.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_forbids_framing_sniffing_and_scripts_from_elsewhere() {
    let (instance, _db) = start(|c| c.public_url = "https://dauys.example.kz".into()).await;
    for path in ["/", "/login", "/petitions", "/api/v1/log", "/checkpoint", "/no-such-page", "/api/v1/nothing-here"] {
        let (status, headers, _) = send(&instance, Request::get(path).body(Body::empty()).unwrap()).await;
        let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let csp = get("content-security-policy");
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{path} {status}: {csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{path}: {csp}");
        // Our own one script, nothing from elsewhere.
        assert!(csp.contains("script-src 'self';") && csp.contains("connect-src 'self';"), "{path}: {csp}");
        assert_eq!(get("x-frame-options"), "DENY", "{path}");
        assert_eq!(get("x-content-type-options"), "nosniff", "{path}");
        assert!(!get("referrer-policy").is_empty(), "{path}");
        assert!(get("strict-transport-security").starts_with("max-age="), "{path}");
    }
    instance.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_deployments_send_no_hsts() {
    let (instance, _db) = start(|_| {}).await;
    let (_, headers, _) = send(&instance, Request::get("/").body(Body::empty()).unwrap()).await;
    assert!(headers.get("strict-transport-security").is_none());
    assert!(headers.get("content-security-policy").is_some());
    instance.shutdown().await.expect("shutdown");
}
