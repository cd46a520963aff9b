//! Helpers the server's integration tests share: an instance on a fresh test database,
//! people signed up, verified and signed in, roles, bodies and small petition rules, and
//! requests sent through the router.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use dauys_core::{
    AccountId, BodyKind, Event, Level, LevelRule, Locality, LocalizedText, PartialText, Role, VerificationMethod,
};
use dauys_server::config::Config;
use dauys_server::people::{Account, IdentityClaim, People};
use dauys_server::petitions::{default_rules, Draft};
use dauys_server::{router, Instance};
use dauys_testkit::TestDatabase;
use tower::ServiceExt;

/// The password every test account signs up with.
pub const PASSWORD: &str = "correct horse battery staple";

/// The configuration of a test instance on `db`: a test origin and checkpoints every 20 ms.
pub fn config(db: &TestDatabase) -> Config {
    Config {
        data_dir: db.dir.path().to_path_buf(),
        database_url: db.database_url(),
        origin: "test.dauys.example/log".into(),
        checkpoint_interval_ms: 20,
        ..Config::default()
    }
}

/// Starts an instance with `config`.
pub async fn instance(config: Config) -> Instance {
    Instance::start(config).await.expect("instance starts")
}

pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("blocking task")
}

/// Logs `event` and waits for it to be accepted.
pub async fn submit(instance: &Instance, event: Event) {
    instance.state.sequencer.submit(event).await.expect("event accepted");
}

pub async fn register_body(instance: &Instance, body: &str, kind: BodyKind, name: LocalizedText) {
    submit(
        instance,
        Event::BodyRegistered {
            body: body.parse().unwrap(),
            name,
            kind,
            parent: None,
            territory: None,
            competences: None,
        },
    )
    .await;
}

/// Publishes the default rules with 2 initial supporters and `levels` changed as given.
pub async fn publish_small_rules(instance: &Instance, levels: impl FnOnce(&mut Vec<LevelRule>)) {
    let mut rules = default_rules();
    rules.initial_supporters = 2;
    levels(&mut rules.levels);
    submit(instance, Event::PetitionRulesPublished { rules }).await;
}

/// Grants `account` the `role` (in `body`), by the administrator `by`.
pub async fn grant(instance: &Instance, account: &AccountId, role: Role, body: Option<&str>, by: &AccountId) {
    let event = Event::RoleGranted {
        account: account.clone(),
        role,
        body: body.map(|b| b.parse().unwrap()),
        by: Some(by.clone()),
        name: None,
    };
    submit(instance, event).await;
}

pub async fn sign_up(people: &Arc<People>, email: impl Into<String>) -> AccountId {
    let (p, email) = (people.clone(), email.into());
    blocking(move || p.sign_up(&email, PASSWORD)).await.expect("sign-up").expect("new account")
}

pub async fn account(people: &Arc<People>, id: &AccountId) -> Account {
    let (p, id) = (people.clone(), id.to_string());
    blocking(move || p.account(&id)).await.expect("account")
}

/// An identity as a verification would establish it.
pub fn claim(
    iin: impl Into<String>,
    given: impl Into<String>,
    family: impl Into<String>,
    locality: &str,
) -> IdentityClaim {
    IdentityClaim {
        iin: iin.into(),
        given_name: given.into(),
        family_name: family.into(),
        locality: locality.parse::<Locality>().unwrap(),
    }
}

/// A staff member signed in: `key@example.kz`, granted `role` in `body` by the administrator
/// `admin`.
pub async fn staff_member(instance: &Instance, key: &str, role: Role, body: &str, admin: &AccountId) -> User {
    let people = &instance.state.people;
    let id = sign_up(people, format!("{key}@example.kz")).await;
    grant(instance, &id, role, Some(body), admin).await;
    sign_in(people, account(people, &id).await).await
}

/// A citizen signed in: `email`, verified by `admin` as living in `locality` when `iin` is
/// given (Айгерім Сейітова), unverified otherwise.
pub async fn citizen(people: &Arc<People>, email: &str, iin: Option<&str>, locality: &str, admin: &Account) -> User {
    let id = sign_up(people, email).await;
    if let Some(iin) = iin {
        let claim = claim(iin, "Айгерім", "Сейітова", locality);
        people.verify(&id, &claim, VerificationMethod::Manual, Some(admin)).await.expect("verified");
    }
    sign_in(people, account(people, &id).await).await
}

/// A new petition's draft to `body`.
pub fn draft(body: &str, level: Level, topic: &str, title: PartialText, text: PartialText) -> Draft {
    Draft { petition: None, body: body.parse().unwrap(), level, topic: topic.parse().unwrap(), title, text }
}

/// Someone with an account and a live session, as a browser would hold it.
pub struct User {
    pub account: Account,
    /// The `dauys_session` cookie value.
    pub token: String,
    pub csrf: String,
}

/// A fresh session of `account`.
pub async fn sign_in(people: &Arc<People>, account: Account) -> User {
    let (p, a) = (people.clone(), account.clone());
    let (token, csrf) = blocking(move || {
        let token = p.start_session(&a, 3_600_000).expect("session");
        let csrf = p.session(&token).expect("session read").expect("live session").csrf;
        (token, csrf)
    })
    .await;
    User { account, token, csrf }
}

/// Sends `req` through the router: the status, headers and body of the answer.
pub async fn send(instance: &Instance, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
    let resp = router(instance.state.clone()).oneshot(req).await.unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 24).await.unwrap().to_vec();
    (status, headers, bytes)
}

/// An API request through the router: `body` as JSON, and the operator token when `token`.
pub async fn api_call(
    instance: &Instance,
    method: Method,
    uri: &str,
    body: Option<&serde_json::Value>,
    token: bool,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri);
    if token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {}", instance.state.api_token));
    }
    let req = match body {
        Some(v) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(v.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    send(instance, req).await
}

/// What the router answered a browser.
pub struct Reply {
    pub status: StatusCode,
    pub location: String,
    pub body: String,
}

/// A request as a browser sends it, in English: with the session cookie `token`, and a POST
/// with `form` as its urlencoded body.
pub async fn browse(instance: &Instance, method: Method, path: &str, token: Option<&str>, form: String) -> Reply {
    let mut request = Request::builder().method(method.clone()).uri(path).header(header::ACCEPT_LANGUAGE, "en");
    if let Some(token) = token {
        request = request.header(header::COOKIE, format!("dauys_session={token}"));
    }
    let request = if method == Method::POST {
        request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from(form))
    } else {
        request.body(Body::empty())
    }
    .unwrap();
    let (status, headers, bytes) = send(instance, request).await;
    let location = headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    Reply { status, location, body: String::from_utf8_lossy(&bytes).into_owned() }
}

/// Waits up to 20 s until the mail delivered to `dir` (one file per message, oldest first)
/// satisfies `done`; returns it all. Fails naming `what` it waited for.
pub async fn wait_for_mail(dir: &std::path::Path, what: &str, done: impl Fn(&[String]) -> bool) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let mut files: Vec<_> =
            std::fs::read_dir(dir).map(|d| d.filter_map(|e| Some(e.ok()?.path())).collect()).unwrap_or_default();
        files.sort();
        let mails: Vec<String> = files.iter().filter_map(|f| std::fs::read_to_string(f).ok()).collect();
        if done(&mails) {
            return mails;
        }
        assert!(std::time::Instant::now() < deadline, "no {what} in {}: {mails:?}", dir.display());
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
