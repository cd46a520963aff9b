//! Files attached to appeals, driven through the router the way a browser (a
//! `multipart/form-data` form) and a script (JSON, files in base64) send them: a public
//! appeal's files listed on the log and downloaded byte for byte by anyone; a private one's
//! sealed, covered by its commitment, read by its applicant and by the holding body through
//! a logged opening, by no one else; every refusal (a file that is not what it claims, a
//! sixth file, one over 5 MiB, the same file twice, a forged form) storing nothing; and a
//! database that holds no private text or file in the clear.

use std::str::FromStr;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use base64::Engine as _;
use common::User;
use dauys_core::{AppealId, BodyKind, Event, LocalizedText, Role};
use dauys_server::config::Config;
use dauys_server::Instance;
use dauys_store::{MaxConnections, RecordKind};
use dauys_testkit::{Backend, TestDatabase};
use ed25519_dalek::Signer as _;
use sha2::{Digest, Sha256};

use crate::common;

const MIB: usize = 1024 * 1024;

struct Env {
    instance: Instance,
    db: TestDatabase,
    users: std::collections::HashMap<&'static str, User>,
}

async fn start() -> Env {
    let db = TestDatabase::new(Backend::Sqlite);
    let config = Config { first_administrator_email: "admin@example.kz".into(), ..common::config(&db) };
    let instance = common::instance(config).await;
    let body =
        |id: &str, parent: Option<&str>, competences: &[&str], names: (&str, &str, &str)| Event::BodyRegistered {
            body: id.parse().unwrap(),
            name: LocalizedText::new(names.0, names.1, names.2),
            kind: if parent.is_some() { BodyKind::Ministry } else { BodyKind::Government },
            parent: parent.map(|p| p.parse().unwrap()),
            territory: None,
            competences: (!competences.is_empty()).then(|| competences.iter().map(|c| c.parse().unwrap()).collect()),
        };
    for e in [
        body("government", None, &[], ("Үкімет", "Правительство", "Government")),
        body("mon", Some("government"), &["education"], ("Оқу-ағарту", "Просвещение", "Ministry of Education")),
        body("moh", Some("government"), &["health"], ("Денсаулық", "Здравоохранение", "Ministry of Health")),
    ] {
        common::submit(&instance, e).await;
    }
    let people = &instance.state.people;
    let admin = common::sign_up(people, "admin@example.kz").await;
    people.grant_first_administrator(&admin).await.expect("first administrator");
    let admin_account = common::account(people, &admin).await;
    let mut users = std::collections::HashMap::new();
    for (key, body) in [("mon-official", "mon"), ("moh-official", "moh")] {
        users.insert(key, common::staff_member(&instance, key, Role::Official, body, &admin).await);
    }
    for (key, iin) in [("citizen", "880101300010"), ("neighbour", "920505400023")] {
        let email = format!("{key}@example.kz");
        users.insert(key, common::citizen(people, &email, Some(iin), "astana/esil", &admin_account).await);
    }
    Env { instance, db, users }
}

/// A file as a browser posts it: name, declared type, bytes.
struct File<'a>(&'a str, &'a str, Vec<u8>);

/// A PDF that is a PDF: its signature, then `fill` (so that two files differ), padded to
/// `size` bytes when that is larger.
fn pdf(fill: &str, size: usize) -> Vec<u8> {
    let mut bytes = format!("%PDF-1.4\n% {fill}\n").into_bytes();
    if bytes.len() < size {
        bytes.resize(size, b' ');
    }
    bytes
}

fn png(fill: &str) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(fill.as_bytes());
    bytes
}

fn jpeg(fill: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend_from_slice(fill.as_bytes());
    bytes
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

const BOUNDARY: &str = "----dauys-test-boundary-7MA4YWxkTrZu0gW";

/// A `multipart/form-data` body as a browser writes it.
fn multipart(fields: &[(&str, &str)], files: &[File<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for File(name, media_type, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"{name}\"\r\n\
                 Content-Type: {media_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// What the router answered.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    fn header(&self, name: header::HeaderName) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

impl Env {
    fn user(&self, key: &str) -> &User {
        &self.users[key]
    }

    async fn send(&self, request: axum::http::request::Builder, body: Vec<u8>) -> Answer {
        let request = request.header(header::ACCEPT_LANGUAGE, "en").body(Body::from(body)).unwrap();
        let (status, headers, bytes) = common::send(&self.instance, request).await;
        Answer { status, headers, bytes }
    }

    /// The filing form posted as a browser posts it, by `who`, with `csrf` as its token.
    async fn post_filing(&self, who: &str, csrf: &str, fields: &[(&str, &str)], files: &[File<'_>]) -> Answer {
        let mut all = vec![("csrf", csrf)];
        all.extend_from_slice(fields);
        let request = Request::builder()
            .method(Method::POST)
            .uri("/appeals/new")
            .header(header::COOKIE, format!("dauys_session={}", self.user(who).token))
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"));
        self.send(request, multipart(&all, files)).await
    }

    /// Files through the form with the session's token; the appeal's id.
    async fn file(&self, who: &str, fields: &[(&str, &str)], files: &[File<'_>]) -> AppealId {
        let csrf = self.user(who).csrf.clone();
        let answer = self.post_filing(who, &csrf, fields, files).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
        let location = answer.header(header::LOCATION);
        AppealId::from_str(location.trim_start_matches("/appeals/").trim_end_matches("?filed=1")).expect("an appeal id")
    }

    async fn get(&self, path: &str, who: Option<&str>) -> Answer {
        let mut request = Request::builder().method(Method::GET).uri(path);
        if let Some(who) = who {
            request = request.header(header::COOKIE, format!("dauys_session={}", self.user(who).token));
        }
        self.send(request, Vec::new()).await
    }

    /// The JSON of the log's entry `index`.
    async fn entry(&self, index: u64) -> serde_json::Value {
        let answer = self.get(&format!("/api/v1/entries/{index}"), None).await;
        assert_eq!(answer.status, StatusCode::OK);
        serde_json::from_slice(&answer.bytes).expect("an entry is JSON")
    }

    /// Entries of type `kind` on the log, as /api/v1/state counts them.
    async fn count(&self, kind: &str) -> u64 {
        let (_, _, body) = common::api_call(&self.instance, Method::GET, "/api/v1/state", None, false).await;
        let state: serde_json::Value = serde_json::from_slice(&body).expect("the state is JSON");
        state["counts"][kind].as_u64().unwrap_or(0)
    }

    /// `personal_data.opened` in the public state reaches `expected` (within 10 s) and stays
    /// there.
    async fn openings_counted(&self, expected: u64) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while self.count("personal_data.opened").await < expected {
            assert!(std::time::Instant::now() < deadline, "the opening is not counted");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(self.count("personal_data.opened").await, expected);
    }

    /// Openings of personal data for the case `id` committed to the log, read from storage
    /// (before any checkpoint covers them).
    async fn openings_logged(&self, id: &AppealId) -> usize {
        let reader = self.instance.state.reader.clone();
        let case = format!("\"case\":\"{id}\"");
        common::blocking(move || {
            let size = reader.size().expect("log size");
            let entries = reader.entries(0, size).expect("entries");
            entries
                .iter()
                .map(|e| String::from_utf8_lossy(e).into_owned())
                .filter(|e| e.contains("\"personal_data.opened\"") && e.contains(&case))
                .count()
        })
        .await
    }

    fn appeal(&self, id: &AppealId) -> std::sync::Arc<dauys_core::Appeal> {
        self.instance.state.capabilities.appeals.view().get(id).expect("appeal in the view")
    }

    /// The sealed records (appeal texts, appeal files) the private store lists among `who`'s.
    async fn sealed_records(&self, who: &str) -> (usize, usize) {
        let location = self.instance.state.config.database_location();
        let owner = self.user(who).account.id.to_string();
        common::blocking(move || {
            let store = dauys_store::open_private(&location, MaxConnections::DEFAULT).expect("the private store");
            let count = |kind| store.sealed.list_by_owner(kind, &owner, 500).expect("records").len();
            (count(RecordKind::AppealText), count(RecordKind::AppealAttachment))
        })
        .await
    }

    /// A refusal of the filing form stores nothing: no appeal on the log, no sealed record.
    async fn nothing_stored(&self, before: (u64, (usize, usize))) {
        assert_eq!(self.count("appeal.filed").await, before.0, "an appeal reached the log");
        assert_eq!(self.sealed_records("citizen").await, before.1, "a sealed record was left");
    }

    async fn snapshot(&self) -> (u64, (usize, usize)) {
        (self.count("appeal.filed").await, self.sealed_records("citizen").await)
    }
}

const PUBLIC_HEALTH: [(&str, &str); 5] = [
    ("kind", "complaint"),
    ("topic", "health"),
    ("visibility", "public"),
    ("title", "Broken lift at polyclinic 5"),
    ("text", "The lift has not worked for a month; photos and the reply of the clinic attached."),
];

fn private_health(text: &'static str) -> [(&'static str, &'static str); 6] {
    [
        ("body", "moh"),
        ("kind", "application"),
        ("topic", "health"),
        ("visibility", "private"),
        ("title", "My mother's referral"),
        ("text", text),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_appeals_files_are_listed_on_the_log_and_anyone_downloads_them() {
    let env = start().await;
    let (scan, photo) = (pdf("the clinic's reply", 0), png("a photo of the lift"));
    let id = env
        .file(
            "citizen",
            &PUBLIC_HEALTH,
            &[File("reply.pdf", "application/pdf", scan.clone()), File("lift.png", "image/png", photo.clone())],
        )
        .await;

    // The log lists each file by digest, size and type, in order.
    let entry = env.entry(env.appeal(&id).index.0).await;
    let listed = entry["event"]["attachments"].as_array().expect("the files are listed on the log").clone();
    assert_eq!(listed.len(), 2, "{entry}");
    for (file, (bytes, media_type)) in listed.iter().zip([(&scan, "application/pdf"), (&photo, "image/png")]) {
        assert_eq!(file["digest"], sha256_hex(bytes));
        assert_eq!(file["bytes"], bytes.len());
        assert_eq!(file["media_type"], media_type);
    }
    assert!(entry["event"].get("sealed").is_none());

    // Anyone downloads them byte for byte, as downloads of the type the log says.
    for (n, bytes, media_type) in [(1, &scan, "application/pdf"), (2, &photo, "image/png")] {
        let file = env.get(&format!("/appeals/{id}/files/{n}"), None).await;
        assert_eq!(file.status, StatusCode::OK, "{}", file.text());
        assert_eq!(&file.bytes, bytes);
        assert_eq!(file.header(header::CONTENT_TYPE), media_type);
        assert!(file.header(header::CONTENT_DISPOSITION).starts_with("attachment"), "{:?}", file.headers);
        assert_eq!(file.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    }
    // The page lists them for anyone, with their digests and download links.
    let page = env.get(&format!("/appeals/{id}"), None).await;
    assert!(page.text().contains(&format!("/appeals/{id}/files/2")), "{}", page.text());
    assert!(page.text().contains(&sha256_hex(&photo)));
    // No such file: the not-found page.
    for n in ["3", "0", "01", "x", "-1"] {
        let none = env.get(&format!("/appeals/{id}/files/{n}"), None).await;
        assert_eq!(none.status, StatusCode::NOT_FOUND, "file {n}");
    }
    assert_eq!(env.get("/appeals/a-nosuchappeal/files/1", None).await.status, StatusCode::NOT_FOUND);

    // Through the API: the files in base64, checked alike.
    use base64::Engine as _;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let photo2 = jpeg("another photo");
    let api = |attachments: serde_json::Value| {
        let filing = serde_json::json!({
            "kind": "complaint", "topic": "health", "visibility": "public",
            "title": {"en": "Lift"}, "text": {"en": "Still broken."}, "attachments": attachments,
        });
        let u = env.user("neighbour");
        Request::builder()
            .method(Method::POST)
            .uri("/api/v1/appeals?lang=en")
            .header(header::COOKIE, format!("dauys_session={}", u.token))
            .header("x-csrf-token", u.csrf.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(filing.to_string()))
            .unwrap()
    };
    let (status, _, body) = common::send(
        &env.instance,
        api(serde_json::json!([{"media_type": "image/jpeg", "content_base64": b64(&photo2)}])),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&body));
    let receipt: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let api_id = AppealId::from_str(receipt["receipt"]["appeal"].as_str().unwrap()).unwrap();
    assert_eq!(env.appeal(&api_id).attachments[0].digest.to_hex(), sha256_hex(&photo2));
    assert_eq!(env.get(&format!("/appeals/{api_id}/files/1"), None).await.bytes, photo2);
    let refusals = [
        (
            serde_json::json!([{"media_type": "image/png", "content_base64": b64(b"just text")}]),
            422,
            "attachment-content",
        ),
        (
            serde_json::json!([{"media_type": "text/plain", "content_base64": b64(b"just text")}]),
            422,
            "attachment-type",
        ),
        (
            serde_json::json!([{"media_type": "application/pdf", "content_base64": "%%%"}]),
            400,
            "invalid-attachment-encoding",
        ),
        (
            serde_json::json!([{"media_type": "application/pdf", "content_base64": b64(&pdf("big", 5 * MIB + 1))}]),
            413,
            "attachment-too-large",
        ),
    ];
    let before = env.count("appeal.filed").await;
    for (attachments, expected, code) in refusals {
        let (status, _, body) = common::send(&env.instance, api(attachments)).await;
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!((status.as_u16(), problem["code"].as_str()), (expected, Some(code)), "{problem}");
    }
    assert_eq!(env.count("appeal.filed").await, before);
    drop(env.db);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_appeals_file_is_read_by_its_applicant_and_the_holding_body_alone() {
    let env = start().await;
    let referral = pdf("the referral", 0);
    let before = env.sealed_records("citizen").await;
    let id = env
        .file(
            "citizen",
            &private_health("The polyclinic lost the referral; a copy is attached."),
            &[File("referral.pdf", "application/pdf", referral.clone())],
        )
        .await;
    assert_eq!(env.sealed_records("citizen").await, (before.0 + 1, before.1 + 1), "the case and its file, sealed");

    // The log holds no list of files, only the commitment that covers them.
    let entry = env.entry(env.appeal(&id).index.0).await;
    assert!(entry["event"].get("attachments").is_none(), "{entry}");
    assert!(entry["event"]["sealed"].is_string(), "{entry}");
    assert!(env.appeal(&id).attachments.is_empty());
    let path = format!("/appeals/{id}/files/1");

    // The applicant reads it, never to be cached; their page lists it.
    let own = env.get(&path, Some("citizen")).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text());
    assert_eq!(own.bytes, referral);
    assert_eq!(own.header(header::CONTENT_TYPE), "application/pdf");
    assert_eq!(own.header(header::CACHE_CONTROL), "private, no-store");
    assert!(own.header(header::CONTENT_DISPOSITION).starts_with("attachment"));
    assert_eq!(own.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    let page = env.get(&format!("/appeals/{id}"), Some("citizen")).await;
    assert!(page.text().contains(&path) && page.text().contains(&sha256_hex(&referral)), "{}", page.text());
    // A link on another site cannot make a browser fetch a private file (for an official,
    // that would log an opening): the browser says the request is cross-site.
    let mut cross = Request::builder().method(Method::GET).uri(&path);
    cross = cross.header(header::COOKIE, format!("dauys_session={}", env.user("citizen").token));
    let cross = env.send(cross.header("sec-fetch-site", "cross-site"), Vec::new()).await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    assert!(cross.bytes.is_empty() || !cross.text().contains("%PDF"), "no bytes of the file");
    // Visitors and strangers see no list.
    assert!(!env.get(&format!("/appeals/{id}"), None).await.text().contains(&path));
    assert!(!env.get(&format!("/appeals/{id}"), Some("neighbour")).await.text().contains(&path));

    // Not signed in: sign in first. A stranger, or an official of another body: 403, for any
    // file number (how many files a private appeal has is not theirs to learn).
    let anonymous = env.get(&path, None).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.header(header::LOCATION).starts_with("/login"));
    let openings = env.count("personal_data.opened").await;
    let logged = env.openings_logged(&id).await;
    for (who, n) in [("neighbour", 1), ("neighbour", 4), ("mon-official", 1), ("mon-official", 4)] {
        let refused = env.get(&format!("/appeals/{id}/files/{n}"), Some(who)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{who} file {n}");
        assert!(!refused.bytes.starts_with(b"%PDF"));
    }

    // An official of the holding body: an accountable opening, logged before the file is sent.
    let opened = env.get(&path, Some("moh-official")).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.text());
    assert_eq!(opened.bytes, referral);
    assert_eq!(opened.header(header::CACHE_CONTROL), "private, no-store");
    // Committed to the log before the answer was sent (the refusals above logged none)...
    assert_eq!(env.openings_logged(&id).await, logged + 1, "the opening is on the log before the file is sent");
    // ... and counted in the public state once a checkpoint covers it.
    env.openings_counted(openings + 1).await;
    let access = env.get("/me/access", Some("citizen")).await;
    assert!(access.text().contains(id.as_str()), "the applicant sees the opening");
    // A file it does not have: not found, and no opening logged.
    assert_eq!(env.get(&format!("/appeals/{id}/files/2"), Some("moh-official")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(env.openings_logged(&id).await, logged + 1);
    env.openings_counted(openings + 1).await;

    // Once the official holds a signing key, the download is an act she signs first: the link
    // shows the opening to sign, and the file comes with the signed form.
    let key = ed25519_dalek::SigningKey::from_bytes(&[44; 32]);
    let official = env.user("moh-official");
    let public = base64_of(key.verifying_key().as_bytes());
    let proof =
        base64_of(&key.sign(format!("dauys-signer/v1\n{}\n{public}\n", official.account.id).as_bytes()).to_bytes());
    let people = &env.instance.state.people;
    people.register_signing_key(&official.account, public, proof, None, "http://dauys.test").await.expect("registered");
    let asked = env.get(&path, Some("moh-official")).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.text());
    assert!(asked.text().contains("Sign this act") && !asked.bytes.starts_with(b"%PDF"), "{}", asked.text());
    assert_eq!(asked.header(header::CACHE_CONTROL), "private, no-store", "a page to sign is kept by no cache");
    assert_eq!(env.openings_logged(&id).await, logged + 1, "nothing logged before the signature");
    let attr = |page: &str, name: &str| {
        page.split(&format!("{name}=\"")).nth(1).and_then(|r| r.split('"').next()).map(str::to_string).expect(name)
    };
    let statement = base64::engine::general_purpose::STANDARD.decode(attr(&asked.text(), "data-act")).expect("base64");
    let token = attr(&asked.text().replace("name=\"act_pending\" value", "act_pending"), "act_pending");
    let signed = |csrf: &str| {
        let sig = base64_of(&key.sign(&statement).to_bytes());
        let key_id = dauys_core::signers::signer_key_id(key.verifying_key().as_bytes());
        let form = format!(
            "csrf={csrf}&act_pending={token}&act_key={key_id}&act_sig={}",
            sig.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D")
        );
        let request = Request::builder()
            .method(Method::POST)
            .uri(&path)
            .header(header::COOKIE, format!("dauys_session={}", official.token))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        (request, form.into_bytes())
    };
    let (request, form) = signed("forged");
    assert_eq!(env.send(request, form).await.status, StatusCode::FORBIDDEN, "a forged form is refused");
    // Another person's genuine form, carrying the official's token and signature: refused
    // as any read of this file by them is, with nothing logged.
    let neighbour = env.user("neighbour");
    let (_, form) = signed(&neighbour.csrf);
    let theirs = Request::builder()
        .method(Method::POST)
        .uri(&path)
        .header(header::COOKIE, format!("dauys_session={}", neighbour.token))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    let refused = env.send(theirs, form).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    assert!(!refused.bytes.starts_with(b"%PDF"));
    assert_eq!(env.openings_logged(&id).await, logged + 1, "nothing logged for the neighbour");
    let (request, form) = signed(&official.csrf);
    let file = env.send(request, form).await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.text());
    assert_eq!(file.bytes, referral);
    assert_eq!(file.header(header::CACHE_CONTROL), "private, no-store");
    assert_eq!(env.openings_logged(&id).await, logged + 2, "the signed opening is on the log");
    drop(env.db);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_is_not_what_it_claims_a_sixth_file_one_too_large_or_a_forged_form_is_refused_and_nothing_stored() {
    let env = start().await;
    let csrf = env.user("citizen").csrf.clone();
    let fields = private_health("Refused filings leave nothing behind.");
    let before = env.snapshot().await;
    let refused = |answer: &Answer, status: StatusCode, words: &str| {
        assert_eq!(answer.status, status, "{}", answer.text());
        assert!(answer.text().contains(words), "expected {words:?} in {}", answer.text());
    };

    // Text that says it is a PDF; a PDF that says it is a PNG; a type not allowed.
    let text = env.post_filing("citizen", &csrf, &fields, &[File("a.pdf", "application/pdf", b"hello".to_vec())]).await;
    refused(&text, StatusCode::UNPROCESSABLE_ENTITY, "File 1 is not the application/pdf file it claims to be");
    assert!(text.text().contains("Choose the files again"), "the form is shown again, with its words");
    let mislabelled = env
        .post_filing(
            "citizen",
            &csrf,
            &fields,
            &[File("a.pdf", "application/pdf", pdf("one", 0)), File("b.png", "image/png", pdf("two", 0))],
        )
        .await;
    refused(&mislabelled, StatusCode::UNPROCESSABLE_ENTITY, "File 2 is not the image/png file");
    let html = env.post_filing("citizen", &csrf, &fields, &[File("a.html", "text/html", b"<script>".to_vec())]).await;
    refused(&html, StatusCode::UNPROCESSABLE_ENTITY, "File 1 is not a PDF, JPEG or PNG file");
    env.nothing_stored(before).await;

    // A sixth file; the same file twice; an empty one.
    let six: Vec<File<'_>> = (0..6).map(|i| File("f.pdf", "application/pdf", pdf(&format!("file {i}"), 0))).collect();
    refused(
        &env.post_filing("citizen", &csrf, &fields, &six).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "at most 5 files",
    );
    let twice = [File("a.pdf", "application/pdf", pdf("same", 0)), File("b.pdf", "application/pdf", pdf("same", 0))];
    refused(
        &env.post_filing("citizen", &csrf, &fields, &twice).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "File 2 is the same as an earlier one",
    );
    let empty = [File("a.pdf", "application/pdf", Vec::new())];
    refused(
        &env.post_filing("citizen", &csrf, &fields, &empty).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "File 1 is empty",
    );
    env.nothing_stored(before).await;

    // One byte over 5 MiB: the route takes the body (its limit is larger than any other
    // route's), the service refuses the file.
    let big = [File("big.pdf", "application/pdf", pdf("big", 5 * MIB + 1))];
    refused(
        &env.post_filing("citizen", &csrf, &fields, &big).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "File 1 is larger than 5 MiB",
    );
    // A body over even the filing route's limit: 413, read no further.
    let huge: Vec<File<'_>> =
        (0..6).map(|i| File("f.pdf", "application/pdf", pdf(&format!("huge {i}"), 5 * MIB))).collect();
    refused(&env.post_filing("citizen", &csrf, &fields, &huge).await, StatusCode::PAYLOAD_TOO_LARGE, "too large");
    env.nothing_stored(before).await;

    // A forged token, or none: the "form expired" page, whatever the files.
    let good = [File("a.pdf", "application/pdf", pdf("genuine", 0))];
    let forged = env.post_filing("citizen", "forged-token", &fields, &good).await;
    refused(&forged, StatusCode::FORBIDDEN, "This form has expired");
    let request = Request::builder()
        .method(Method::POST)
        .uri("/appeals/new")
        .header(header::COOKIE, format!("dauys_session={}", env.user("citizen").token))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"));
    let tokenless = env.send(request, multipart(&fields, &good)).await;
    refused(&tokenless, StatusCode::FORBIDDEN, "This form has expired");
    // Another session's token is forged too.
    let other = env.user("neighbour").csrf.clone();
    refused(&env.post_filing("citizen", &other, &fields, &good).await, StatusCode::FORBIDDEN, "This form has expired");
    env.nothing_stored(before).await;

    // Sealed, then refused by the log's rules (a complaint about an appeal still being
    // considered): its sealed records are taken back.
    let id = env.file("citizen", &fields, &good).await;
    let filed = env.snapshot().await;
    let complaint = serde_json::json!({
        "kind": "complaint", "topic": "health", "visibility": "private", "complaint_about": id.as_str(),
        "title": {"en": "Complaint"}, "text": {"en": "No answer yet."},
        "attachments": [{"media_type": "image/png", "content_base64": base64_of(&png("evidence"))}],
    });
    let u = env.user("citizen");
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/appeals?lang=en")
        .header(header::COOKIE, format!("dauys_session={}", u.token))
        .header("x-csrf-token", u.csrf.clone())
        .header(header::CONTENT_TYPE, "application/json");
    let refused_by_rules = env.send(request, complaint.to_string().into_bytes()).await;
    assert_eq!(refused_by_rules.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused_by_rules.text());
    assert!(refused_by_rules.text().contains("\"code\":\"appeal-status\""), "refused by the rules, after sealing");
    env.nothing_stored(filed).await;

    // Every other route keeps the default limit (256 KiB).
    let big_form = format!("csrf={csrf}&text={}", "x".repeat(300 * 1024));
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/appeals/{id}/clarify"))
        .header(header::COOKIE, format!("dauys_session={}", env.user("citizen").token))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    assert_eq!(env.send(request, big_form.into_bytes()).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    drop(env.db);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stolen_database_holds_no_private_appeal_text() {
    let env = start().await;
    const PRIVATE_TEXT: &str = "Zebra-okapi 7731: my diagnosis is in the attached letter.";
    const PRIVATE_FILE: &str = "QUOKKA-FILE-SECRET-4412";
    const PUBLIC_TEXT: &str = "Pelican-marmot 5518: the public text is on the log.";
    env.file(
        "citizen",
        &private_health(PRIVATE_TEXT),
        &[
            File("letter.pdf", "application/pdf", pdf(PRIVATE_FILE, 0)),
            File("scan.png", "image/png", png(PRIVATE_FILE)),
        ],
    )
    .await;
    // The same check finds a public appeal's text, so it reads what the database holds.
    let mut public = PUBLIC_HEALTH;
    public[4] = ("text", PUBLIC_TEXT);
    env.file("neighbour", &public, &[]).await;

    let mut files = Vec::new();
    let mut dirs = vec![env.db.dir.path().to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.file_name().is_some_and(|n| n.to_string_lossy().contains(".sqlite3")) {
                files.push(path);
            }
        }
    }
    assert!(files.iter().any(|f| f.ends_with("dauys.people.sqlite3")), "{files:?}");
    let found = |needle: &str| {
        files.iter().any(|f| {
            let bytes = std::fs::read(f).unwrap_or_default();
            bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        })
    };
    assert!(found("Pelican-marmot 5518"), "the scan reads the database: {files:?}");
    for secret in ["Zebra-okapi 7731", "My mother's referral", PRIVATE_FILE] {
        assert!(!found(secret), "{secret:?} is in the database in the clear");
    }
    drop(env.db);
}
