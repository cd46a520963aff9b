//! The petitions' JSON API, CSV export and Atom feeds, driven through the router as a client
//! would: list filters and pagination, the open-data document, the count with its ETag,
//! signing with a session and CSRF token (double and concurrent submits yield one
//! signature), a signature's inclusion proof checked with `dauys-ledger`, and the exports.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use common::User as Citizen;
use dauys_core::{
    BodyKind, Decision, Lang, Level, LocalizedText, PartialText, PetitionId, PetitionStatus, RejectionReason, Role,
    Threshold, VerificationMethod,
};
use dauys_ledger::{verify_inclusion, Checkpoint, Hash, NoteVerifier};
use dauys_server::config::Config;
use dauys_server::people::{Account, People};
use dauys_server::petitions::AnswerForm;
use dauys_server::{router, Instance};
use dauys_testkit::{Backend, TestDatabase};
use serde_json::Value;
use tower::ServiceExt;

use crate::common;

const GOV: &str = "government-test";
const AKIMAT: &str = "akimat-almaty-test";
const SITE: &str = "https://petitions.example.kz";

struct TestApp {
    instance: Instance,
    _db: TestDatabase,
}

struct Fixture {
    app: TestApp,
    moderator: Account,
    official: Account,
    citizens: Vec<Citizen>,
}

/// The `n`-th valid IIN of a man born on 2 January 1985 (check digits as the IIN rules say).
fn iin(n: usize) -> String {
    let check = |d: &[u32]| -> Option<u32> {
        let first: u32 = d.iter().enumerate().map(|(i, x)| x * (i as u32 + 1)).sum::<u32>() % 11;
        let second: u32 = d.iter().enumerate().map(|(i, x)| x * ((i as u32 + 2) % 11 + 1)).sum::<u32>() % 11;
        [first, second].into_iter().find(|&r| r != 10)
    };
    (0..10_000u32)
        .filter_map(|serial| {
            let prefix = format!("8501023{serial:04}");
            let digits: Vec<u32> = prefix.bytes().map(|b| u32::from(b - b'0')).collect();
            check(&digits).map(|c| format!("{prefix}{c}"))
        })
        .nth(n)
        .expect("enough IINs")
}

/// An instance with two bodies, small petition rules (2 initial supporters, 4 signatures for
/// the Government, 5 for an oblast's akimat), a moderator, an official of the Government
/// body and `citizens` verified people (the first three in Almaty, the rest in Astana).
async fn start(backend: Backend, citizens: usize) -> Fixture {
    let db = TestDatabase::new(backend);
    let config =
        Config { first_administrator_email: "admin@example.kz".into(), public_url: SITE.into(), ..common::config(&db) };
    let instance = common::instance(config).await;
    for (body, kind, name) in [
        (GOV, BodyKind::Government, LocalizedText::new("Сынақ Үкіметі", "Тестовое правительство", "Test Government")),
        (AKIMAT, BodyKind::Akimat, LocalizedText::new("Алматы әкімдігі", "Акимат Алматы", "Akimat of Almaty")),
    ] {
        common::register_body(&instance, body, kind, name).await;
    }
    common::publish_small_rules(&instance, |levels| {
        for level in levels {
            level.threshold = match level.level {
                Level::Government => Threshold::Signatures(4),
                _ => Threshold::Signatures(5),
            };
            level.collection_days = if level.level == Level::Government { 30 } else { 60 };
        }
    })
    .await;

    let people = instance.state.people.clone();
    let admin = common::sign_up(&people, "admin@example.kz").await;
    people.grant_first_administrator(&admin).await.expect("first administrator");
    let mut staff = Vec::new();
    for (email, role, body) in
        [("moderator@example.kz", Role::Moderator, None), ("official@example.kz", Role::Official, Some(GOV))]
    {
        let id = common::sign_up(&people, email).await;
        common::grant(&instance, &id, role, body, &admin).await;
        staff.push(common::account(&people, &id).await);
    }
    let mut list = Vec::new();
    for n in 0..citizens {
        let id = common::sign_up(&people, format!("citizen{n}@example.kz")).await;
        let locality = if n < 3 { "almaty-city" } else { "astana" };
        let claim = common::claim(iin(n), format!("Азамат{n}"), "Тестов", locality);
        people.verify(&id, &claim, VerificationMethod::Oidc, None).await.expect("verified");
        let a = common::account(&people, &id).await;
        list.push(common::sign_in(&people, a).await);
    }
    let official = staff.pop().unwrap();
    let moderator = staff.pop().unwrap();
    Fixture { app: TestApp { instance, _db: db }, moderator, official, citizens: list }
}

fn text(kk: &str, ru: &str, en: &str) -> PartialText {
    PartialText { kk: Some(kk.into()), ru: Some(ru.into()), en: Some(en.into()) }
}

impl Fixture {
    fn people(&self) -> &Arc<People> {
        &self.app.instance.state.people
    }

    /// Drafts a petition by citizen `author`; `launch` also launches it and has `supporter`
    /// sign, which sends it to moderation.
    async fn petition(
        &self,
        author: usize,
        level: Level,
        topic: &str,
        title: PartialText,
        supporter: Option<usize>,
    ) -> PetitionId {
        let petitions = &self.app.instance.state.capabilities.petitions;
        let body = if level == Level::Government { GOV } else { AKIMAT };
        let text = text("Мәтін: нақты талап.", "Текст: конкретное требование.", "Text: a concrete demand.");
        let draft = common::draft(body, level, topic, title, text);
        let author = &self.citizens[author].account;
        let id = petitions.draft(author, draft).await.expect("drafted");
        if let Some(supporter) = supporter {
            petitions.launch(author, &id).await.expect("launched");
            self.sign(supporter, &id).await;
            self.wait_for(&id, PetitionStatus::Moderation).await;
        }
        id
    }

    /// Signs and returns the signature's log index.
    async fn sign(&self, citizen: usize, id: &PetitionId) -> u64 {
        let a = &self.citizens[citizen].account;
        self.app
            .instance
            .state
            .capabilities
            .petitions
            .sign(a, id, [10, 0, 0, citizen as u8].into())
            .await
            .expect("signed")
            .index
    }

    async fn accept(&self, id: &PetitionId) {
        self.app.instance.state.capabilities.petitions.accept(&self.moderator, id).await.expect("accepted");
        self.wait_for(id, PetitionStatus::Open).await;
    }

    async fn wait_for(&self, id: &PetitionId, status: PetitionStatus) {
        for _ in 0..200 {
            if self.app.instance.state.capabilities.petitions.get(id).is_ok_and(|p| p.status == status) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("{id} never reached {status}");
    }
}

impl TestApp {
    async fn request(&self, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
        common::send(&self.instance, req).await
    }

    async fn get(&self, uri: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        self.request(Request::get(uri).body(Body::empty()).unwrap()).await
    }

    async fn get_json(&self, uri: &str) -> Value {
        let (status, _, body) = self.get(uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap()
    }

    /// A 400 problem for `uri` that names `parameter`.
    async fn bad_parameter(&self, uri: &str, parameter: &str) -> Value {
        let (status, headers, body) = self.get(uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
        let problem: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem["code"], "invalid-parameter", "{problem}");
        assert_eq!(problem["parameter"], parameter, "{problem}");
        assert!(problem["detail"].as_str().unwrap().contains(parameter), "{problem}");
        problem
    }

    async fn post_signature(&self, id: &str, cookie: Option<&str>, csrf: Option<&str>) -> (StatusCode, Value) {
        let mut req = Request::post(format!("/api/v1/petitions/{id}/signatures"));
        if let Some(token) = cookie {
            req = req.header(header::COOKIE, format!("dauys_session={token}"));
        }
        if let Some(csrf) = csrf {
            req = req.header("X-CSRF-Token", csrf);
        }
        let (status, _, body) = self.request(req.body(Body::empty()).unwrap()).await;
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    async fn checkpoint_at_least(&self, size: u64) -> Checkpoint {
        let verifier = NoteVerifier::from_vkey(&self.instance.state.vkey).unwrap();
        for _ in 0..300 {
            if let Some(c) = self.instance.state.shared.latest_checkpoint() {
                if c.checkpoint.size >= size {
                    return Checkpoint::open(&c.note, &verifier).expect("checkpoint verifies");
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("no checkpoint reached size {size}");
    }
}

fn ids(list: &Value) -> Vec<String> {
    list["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

fn is_rfc3339(v: &Value) -> bool {
    v.as_str().is_some_and(|s| time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).is_ok())
}

/// Petitions at every public stage and two that are not listed.
struct Petitions {
    /// Open, threshold reached, answered (Government, transport).
    answered: PetitionId,
    /// Open, in Almaty (oblast akimat, education).
    local: PetitionId,
    /// In moderation (Government, health).
    moderation: PetitionId,
    /// Rejected (Government, environment).
    rejected: PetitionId,
    /// A private draft, and a petition gathering its first supporters (reachable by link only).
    draft: PetitionId,
    gathering: PetitionId,
}

async fn populate(f: &Fixture) -> Petitions {
    let answered = f
        .petition(
            3,
            Level::Government,
            "transport",
            text("Автобус жолақтары", "Выделенные полосы для автобусов", "Bus lanes on every avenue"),
            Some(4),
        )
        .await;
    f.accept(&answered).await;
    let local = f
        .petition(
            0,
            Level::OblastAkimat,
            "education",
            text("Мектеп аулалары", "Школьные дворы", "Open school yards"),
            Some(1),
        )
        .await;
    f.accept(&local).await;
    for citizen in [5, 6] {
        f.sign(citizen, &answered).await;
    }
    // The fourth signature reaches the threshold: an obligation opens on the body.
    let petitions = &f.app.instance.state.capabilities.petitions;
    for _ in 0..200 {
        if petitions.get(&answered).is_ok_and(|p| p.obligation.is_some()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let form = AnswerForm {
        decision: Decision::PartiallySupported,
        answer: text("Жауап мәтіні.", "Текст ответа.", "Lanes on two avenues this year."),
        discussion: PartialText::one(Lang::En, "Discussed in public on 1 March."),
        head_statement: PartialText::one(Lang::En, "We will report in June."),
    };
    petitions.answer(&f.official, &answered, form).await.expect("answered");
    let moderation = f
        .petition(4, Level::Government, "health", text("Емхана", "Поликлиника", "A clinic in every district"), Some(3))
        .await;
    let rejected = f.petition(5, Level::Government, "environment", text("Ағаштар", "Деревья", "Trees"), Some(6)).await;
    petitions
        .reject(
            &f.moderator,
            &rejected,
            dauys_server::petitions::Rejection {
                reason: RejectionReason::Unclear,
                forbidden_topic: None,
                duplicate_of: None,
                comment: "No demand a body could answer.".into(),
            },
            None,
        )
        .await
        .expect("rejected");
    f.wait_for(&rejected, PetitionStatus::Rejected).await;
    let draft = f.petition(6, Level::Government, "digital", PartialText::one(Lang::Ru, "Черновик"), None).await;
    let gathering = f.petition(7, Level::Government, "housing", PartialText::one(Lang::En, "Gathering"), None).await;
    petitions.launch(&f.citizens[7].account, &gathering).await.expect("launched");
    f.wait_for(&gathering, PetitionStatus::Gathering).await;
    Petitions { answered, local, moderation, rejected, draft, gathering }
}

/// A title a spreadsheet would run as a formula comes out of the CSV as text (OWASP CSV
/// injection), while plain titles, counts and dates come out as they are.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_cells_cannot_run_formulas() {
    let f = start(Backend::Sqlite, 4).await;
    let formulas = f
        .petition(0, Level::Government, "transport", text("=HYPERLINK(\"http://evil\",\"x\")", "+1", "-2+3"), Some(1))
        .await;
    let plain = f
        .petition(2, Level::Government, "health", text("@SUM(A1)", "Обычное название", "A plain title"), Some(3))
        .await;
    let (status, _, body) = f.app.get("/api/v1/petitions.csv").await;
    assert_eq!(status, StatusCode::OK);
    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_reader(body.as_slice()).records().collect::<Result<_, _>>().expect("the CSV parses");
    let row = |id: &PetitionId| rows.iter().find(|r| &r[0] == id.as_str()).unwrap_or_else(|| panic!("no row {id}"));
    let r = row(&formulas);
    assert_eq!((&r[1], &r[2], &r[3]), ("'=HYPERLINK(\"http://evil\",\"x\")", "'+1", "'-2+3"));
    let r = row(&plain);
    assert_eq!((&r[1], &r[2], &r[3]), ("'@SUM(A1)", "Обычное название", "A plain title"));
    // Counts and dates are not text someone typed: they stay numbers and dates.
    assert_eq!((&r[9], &r[10]), ("2", "4"));
    assert!(r[9].parse::<u64>().is_ok() && !r[11].starts_with('\''), "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_document_count_csv_and_feeds() {
    let f = start(Backend::Sqlite, 8).await;
    let p = populate(&f).await;
    let app = &f.app;
    let s = |id: &PetitionId| id.to_string();

    // The list: public petitions only, newest opened first.
    let all = app.get_json("/api/v1/petitions").await;
    assert_eq!(all["total"], 4);
    assert_eq!(all["pages"], 1);
    assert_eq!(ids(&all)[..2], [s(&p.local), s(&p.answered)]);
    for hidden in [&p.draft, &p.gathering] {
        assert!(!ids(&all).contains(&s(hidden)), "{hidden} is listed");
    }
    let item = &all["items"][1];
    assert_eq!(item["title"]["en"], "Bus lanes on every avenue");
    assert_eq!(item["signatures"], 4);
    assert_eq!(item["threshold"], 4);
    assert_eq!(item["obligation"]["status"], "answered");
    assert_eq!(item["links"]["html"], format!("/petitions/{}", p.answered));

    // Filters, search and sorts.
    let only = |uri: &'static str| async move { ids(&app.get_json(uri).await) };
    assert_eq!(only("/api/v1/petitions?q=avenue").await, [s(&p.answered)]);
    assert_eq!(only("/api/v1/petitions?q=%D0%B4%D0%B2%D0%BE%D1%80%D1%8B").await, [s(&p.local)], "Cyrillic search");
    assert_eq!(only("/api/v1/petitions?status=rejected").await, [s(&p.rejected)]);
    assert_eq!(only("/api/v1/petitions?status=moderation").await, [s(&p.moderation)]);
    assert_eq!(only("/api/v1/petitions?level=oblast_akimat").await, [s(&p.local)]);
    assert_eq!(ids(&app.get_json(&format!("/api/v1/petitions?body={AKIMAT}")).await), [s(&p.local)]);
    assert_eq!(only("/api/v1/petitions?region=almaty-city").await, [s(&p.local)]);
    assert_eq!(only("/api/v1/petitions?topic=health").await, [s(&p.moderation)]);
    assert_eq!(only("/api/v1/petitions?status=open&sort=most_signed").await, [s(&p.answered), s(&p.local)]);
    assert_eq!(only("/api/v1/petitions?sort=closing_soon").await[..2], [s(&p.answered), s(&p.local)]);
    assert_eq!(only("/api/v1/petitions?status=&level=").await.len(), 4, "empty fields are no filter");
    assert_eq!(only("/api/v1/petitions?answer=answered").await, [s(&p.answered)]);
    assert_eq!(only("/api/v1/petitions?answer=overdue").await, Vec::<String>::new());
    let page2 = app.get_json("/api/v1/petitions?per_page=3&page=2").await;
    assert_eq!(
        (page2["total"].as_u64(), page2["pages"].as_u64(), page2["per_page"].as_u64()),
        (Some(4), Some(2), Some(3))
    );
    assert_eq!(ids(&page2).len(), 1);
    assert_eq!(ids(&app.get_json("/api/v1/petitions?per_page=3&page=9").await).len(), 0);
    // A page number near usize::MAX once overflowed into a panic.
    assert_eq!(ids(&app.get_json(&format!("/api/v1/petitions?per_page=100&page={}", usize::MAX)).await).len(), 0);
    assert_eq!(ids(&app.get_json("/api/v1/petitions?per_page=100&page=922337203685477582").await).len(), 0);

    // A wrong parameter is a problem naming it and what it may be.
    let problem = app.bad_parameter("/api/v1/petitions?status=draft", "status").await;
    let allowed: Vec<&str> = problem["allowed"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(allowed, ["moderation", "open", "closed", "rejected", "withdrawn", "expired"]);
    let problem = app.bad_parameter("/api/v1/petitions?answer=late", "answer").await;
    assert_eq!(problem["allowed"], serde_json::json!(["awaiting", "answered", "overdue"]));
    let problem = app.bad_parameter("/api/v1/petitions?sort=oldest", "sort").await;
    assert_eq!(problem["allowed"], serde_json::json!(["newest", "most_signed", "closing_soon"]));
    assert_eq!(
        app.bad_parameter("/api/v1/petitions?region=mars", "region").await["allowed"].as_array().unwrap().len(),
        20
    );
    app.bad_parameter("/api/v1/petitions?per_page=101", "per_page").await;
    app.bad_parameter("/api/v1/petitions?page=0", "page").await;
    app.bad_parameter("/api/v1/petitions?level=village", "level").await;
    app.bad_parameter("/api/v1/petitions?topic=weather", "topic").await;
    app.bad_parameter("/api/v1/petitions?body=Not%20An%20Id", "body").await;
    let req =
        Request::get("/api/v1/petitions?sort=x").header(header::ACCEPT_LANGUAGE, "ru").body(Body::empty()).unwrap();
    let (_, headers, body) = app.request(req).await;
    assert_eq!(headers[header::CONTENT_LANGUAGE], "ru");
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap()["title"], "Неверный параметр");

    // The open-data document.
    let doc = app.get_json(&format!("/api/v1/petitions/{}", p.answered)).await;
    assert_eq!(doc["id"], s(&p.answered));
    assert_eq!(doc["text"]["ru"], "Текст: конкретное требование.");
    assert_eq!(doc["body"]["id"], GOV);
    assert_eq!(doc["body"]["name"]["en"], "Test Government");
    assert_eq!(doc["level"], "government");
    assert_eq!(doc["territory"], Value::Null);
    assert_eq!(doc["topic"]["code"], "transport");
    assert_eq!(doc["topic"]["name"]["en"], "Transport and roads");
    assert_eq!(doc["status"], "open");
    assert_eq!(doc["terms"]["threshold"], 4);
    assert_eq!(doc["terms"]["collection_days"], 30);
    assert!(doc["terms"]["rules_index"].is_u64());
    assert_eq!(doc["signatures"], 4);
    assert_eq!(doc["invalidated"], 0);
    let by_region = doc["by_region"].as_object().unwrap();
    assert_eq!(by_region.len(), 20, "every region, zeros included");
    assert_eq!(by_region["astana"], 4);
    assert_eq!(by_region["almaty-city"], 0);
    assert_eq!(by_region["abai"], 0);
    let transitions = doc["transitions"].as_array().unwrap();
    let events: Vec<&str> = transitions.iter().map(|t| t["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["petition.drafted", "petition.launched", "petition.submitted", "petition.accepted"]);
    assert_eq!(transitions[3]["status"], "open");
    assert_eq!(transitions[3]["by"], f.moderator.id.as_str());
    assert_eq!(transitions[0]["by"], Value::Null);
    for t in transitions {
        assert!(is_rfc3339(&t["at"]), "{t}");
        assert_eq!(t["entry"], format!("/api/v1/entries/{}", t["index"]));
    }
    assert!(is_rfc3339(&doc["deadlines"]["closes_at"]));
    assert!(is_rfc3339(&doc["deadlines"]["gathering_ends_at"]));
    assert!(doc["deadlines"]["moderation_due"].as_str().is_some_and(|d| d.len() == 10));
    assert!(is_rfc3339(&doc["threshold_reached_at"]));
    let obligation = &doc["obligation"];
    assert_eq!(obligation["body"], GOV);
    assert_eq!(obligation["status"], "answered");
    assert!(obligation["due"].as_str().is_some_and(|d| d.len() == 10));
    assert!(is_rfc3339(&obligation["due_at"]));
    assert_eq!(obligation["overdue_at"], Value::Null);
    assert_eq!(doc["answer"]["decision"], "partially_supported");
    assert_eq!(doc["answer"]["answer"]["en"], "Lanes on two avenues this year.");
    assert_eq!(doc["answer"]["by"], f.official.id.as_str());
    assert_eq!(doc["answer"]["on_time"], true);
    assert_eq!(doc["rejection"], Value::Null);
    assert_eq!(doc["links"]["html"], format!("/petitions/{}", p.answered));
    assert_eq!(doc["links"]["count"], format!("/api/v1/petitions/{}/count", p.answered));
    assert_eq!(doc["links"]["feed"], format!("/feeds/petitions/{}.atom", p.answered));
    let entries = doc["links"]["log_entries"].as_array().unwrap();
    assert_eq!(entries.len(), 6, "drafted, launched, submitted, accepted, obligation, answer: {entries:?}");
    for entry in entries {
        app.get_json(entry.as_str().unwrap()).await;
    }
    let rejected = app.get_json(&format!("/api/v1/petitions/{}", p.rejected)).await;
    assert_eq!(rejected["rejection"]["reason"], "unclear");
    assert_eq!(rejected["rejection"]["comment"], "No demand a body could answer.");
    let local = app.get_json(&format!("/api/v1/petitions/{}", p.local)).await;
    assert_eq!(local["territory"], "almaty-city");
    assert_eq!(local["by_region"]["almaty-city"], 2);
    // Gathering: reachable by link, never listed. A draft is its author's alone until
    // launched: not on the log, so the open data does not know it.
    let doc = app.get_json(&format!("/api/v1/petitions/{}", p.gathering)).await;
    assert_eq!(doc["status"], "gathering");
    assert_eq!(doc["listed"], false);
    assert_eq!(app.get(&format!("/api/v1/petitions/{}", p.draft)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/feeds/petitions/{}.atom", p.draft)).await.0, StatusCode::NOT_FOUND);
    let (status, headers, body) = app.get("/api/v1/petitions/p-nosuchthing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap()["type"], "/problems/petition-not-found");

    // The count, with a strong ETag.
    let uri = format!("/api/v1/petitions/{}/count", p.local);
    let (status, headers, body) = app.get(&uri).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=1");
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "strong: {etag}");
    let count: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(count["petition"], s(&p.local));
    assert_eq!((count["signatures"].as_u64(), count["threshold"].as_u64()), (Some(2), Some(5)));
    assert_eq!(count["status"], "open");
    let as_of = count["as_of_log_size"].as_u64().unwrap();
    assert!(as_of > count["signatures"].as_u64().unwrap());
    let conditional = |tag: String| Request::get(&uri).header(header::IF_NONE_MATCH, tag).body(Body::empty()).unwrap();
    let (status, headers, body) = app.request(conditional(etag.clone())).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(headers[header::ETAG], etag.as_str());
    assert_eq!(app.request(conditional(format!("\"other\", W/{etag}"))).await.0, StatusCode::NOT_MODIFIED);
    let index = f.sign(2, &p.local).await;
    assert!(as_of <= index, "the count before the signature is as of a log without it");
    let (status, headers, body) = app.request(conditional(etag.clone())).await;
    assert_eq!(status, StatusCode::OK, "a new signature changes the ETag");
    assert_ne!(headers[header::ETAG], etag.as_str());
    let count: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(count["signatures"], 3);
    assert!(count["as_of_log_size"].as_u64().unwrap() > index, "the count with the signature is as of a log with it");
    assert_eq!(app.get("/api/v1/petitions/p-nosuchthing/count").await.0, StatusCode::NOT_FOUND);

    // CSV of the public petitions.
    let (status, headers, body) = app.get("/api/v1/petitions.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    assert!(headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment"));
    let mut reader = csv::Reader::from_reader(body.as_slice());
    let columns: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        columns,
        [
            "id",
            "title_kk",
            "title_ru",
            "title_en",
            "body",
            "level",
            "territory",
            "topic",
            "status",
            "signatures",
            "threshold",
            "opened_at",
            "closes_at",
            "obligation_status",
            "obligation_due",
            "answered_at"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    let row = |id: &PetitionId| rows.iter().find(|r| &r[0] == id.as_str()).unwrap_or_else(|| panic!("no row {id}"));
    let answered = row(&p.answered);
    assert_eq!(&answered[2], "Выделенные полосы для автобусов");
    assert_eq!((&answered[4], &answered[5], &answered[8], &answered[9]), (GOV, "government", "open", "4"));
    assert_eq!(&answered[13], "answered");
    assert!(is_rfc3339(&Value::from(&answered[15])) && is_rfc3339(&Value::from(&answered[11])));
    let local = row(&p.local);
    assert_eq!((&local[6], &local[9], &local[10], &local[13]), ("almaty-city", "3", "5", ""));
    assert_eq!(&row(&p.rejected)[8], "rejected");
    assert!(!rows.iter().any(|r| &r[0] == p.draft.as_str() || &r[0] == p.gathering.as_str()));

    // Atom feeds.
    let feed = |uri: String| async move {
        let (status, headers, body) = app.get(&uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {}", String::from_utf8_lossy(&body));
        assert_eq!(headers[header::CONTENT_TYPE], "application/atom+xml; charset=utf-8");
        let xml = String::from_utf8(body.clone()).unwrap();
        roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{uri} is not XML: {e}\n{xml}"));
        let feed = atom_syndication::Feed::read_from(body.as_slice()).expect("Atom");
        let mut seen = std::collections::BTreeSet::new();
        for e in feed.entries() {
            assert!(seen.insert(e.id().to_owned()), "{uri}: duplicate entry id {}", e.id());
            assert!(e.id().starts_with(&format!("{SITE}/log/")) || e.id().starts_with("tag:"), "{}", e.id());
            assert!(e.links().iter().any(|l| l.rel() == "alternate" && l.href().starts_with(SITE)));
        }
        feed
    };
    let new = feed("/feeds/petitions.atom?lang=ru".into()).await;
    assert_eq!(new.lang(), Some("ru"));
    assert_eq!(new.title().as_str(), "Новые петиции");
    let titles: Vec<&str> = new.entries().iter().map(|e| e.title().as_str()).collect();
    assert_eq!(titles.len(), 4, "{titles:?}");
    assert_eq!(titles[0], "Деревья", "the most recently made public first: {titles:?}");
    assert!(titles.contains(&"Выделенные полосы для автобусов"));
    assert!(!titles.contains(&"Черновик") && !titles.contains(&"Gathering"));
    let bus = new.entries().iter().find(|e| e.title().as_str() == "Выделенные полосы для автобусов").unwrap();
    assert_eq!(bus.links()[0].href(), format!("{SITE}/petitions/{}?lang=ru", p.answered));

    let req = Request::get(format!("/feeds/petitions/{}.atom", p.answered))
        .header(header::ACCEPT_LANGUAGE, "en")
        .body(Body::empty())
        .unwrap();
    let (_, _, body) = app.request(req).await;
    let one = atom_syndication::Feed::read_from(body.as_slice()).expect("Atom");
    let titles: Vec<&str> = one.entries().iter().map(|e| e.title().as_str()).collect();
    assert_eq!(titles.len(), 6, "{titles:?}");
    assert_eq!(titles[0], "Obligation answered: Bus lanes on every avenue", "newest first: {titles:?}");
    assert!(titles.contains(&"Obligation opened: Bus lanes on every avenue"));
    assert!(titles.contains(&"Petition accepted: Bus lanes on every avenue"));
    let answer = &one.entries()[0];
    assert_eq!(answer.content().and_then(|c| c.value()), Some("Lanes on two avenues this year."));
    let kk = feed(format!("/feeds/petitions/{}.atom?lang=kk", p.gathering)).await;
    assert_eq!(kk.entries().len(), 2, "drafted and launched");
    assert_eq!(kk.entries()[0].title().lang.as_deref(), Some("en"), "the author wrote in English only");

    let gov = feed(format!("/feeds/bodies/{GOV}.atom?lang=en")).await;
    assert_eq!(gov.title().as_str(), "Petitions to Test Government");
    let titles: Vec<&str> = gov.entries().iter().map(|e| e.title().as_str()).collect();
    for expected in [
        "Bus lanes on every avenue",
        "Obligation opened: Bus lanes on every avenue",
        "Obligation answered: Bus lanes on every avenue",
        "A clinic in every district",
        "Trees",
    ] {
        assert!(titles.contains(&expected), "{expected} missing from {titles:?}");
    }
    assert!(!titles.iter().any(|t| t.contains("school")), "another body's petition: {titles:?}");
    let akimat = feed(format!("/feeds/bodies/{AKIMAT}.atom?lang=en")).await;
    assert_eq!(akimat.entries().len(), 1);
    assert_eq!(akimat.entries()[0].title().as_str(), "Open school yards");
    assert_eq!(app.get("/feeds/bodies/nobody-here.atom").await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/feeds/petitions/{}.xml", p.answered)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/feeds/petitions/p-nosuchthing.atom").await.0, StatusCode::NOT_FOUND);

    // The OpenAPI document describes every endpoint here.
    let spec = app.get_json("/openapi.json").await;
    for path in [
        "/api/v1/petitions",
        "/api/v1/petitions.csv",
        "/api/v1/petitions/{id}",
        "/api/v1/petitions/{id}/count",
        "/api/v1/petitions/{id}/signatures",
        "/api/v1/petitions/{id}/signatures/{signer}",
        "/api/v1/me/session",
        "/feeds/petitions.atom",
        "/feeds/petitions/{id}.atom",
        "/feeds/bodies/{body}.atom",
    ] {
        assert!(spec["paths"].get(path).is_some(), "OpenAPI lacks {path}");
    }
    f.app.instance.shutdown().await.unwrap();
}

async fn signing_through_the_api(backend: Backend) {
    let f = start(backend, 6).await;
    let app = &f.app;
    let id = f.petition(3, Level::Government, "transport", text("Жол", "Дорога", "A road"), Some(4)).await;
    f.accept(&id).await;
    let signer = &f.citizens[5];

    // Who am I: the session's account and CSRF token.
    assert_eq!(app.get("/api/v1/me/session").await.0, StatusCode::UNAUTHORIZED);
    let req = Request::get("/api/v1/me/session")
        .header(header::COOKIE, format!("dauys_session={}", signer.token))
        .body(Body::empty())
        .unwrap();
    let (status, headers, body) = app.request(req).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    let me: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(me["account"], signer.account.id.as_str());
    assert_eq!(me["csrf"], signer.csrf.as_str());
    assert_eq!(me["verified"], true);

    // No session: 401; a session without its CSRF token, or with another: 403.
    let (status, problem) = app.post_signature(id.as_str(), None, Some(&signer.csrf)).await;
    assert_eq!((status, problem["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
    let (status, problem) = app.post_signature(id.as_str(), Some(&signer.token), None).await;
    assert_eq!((status, problem["code"].as_str()), (StatusCode::FORBIDDEN, Some("csrf-token-invalid")));
    let (status, _) = app.post_signature(id.as_str(), Some(&signer.token), Some(&f.citizens[4].csrf)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, problem) = app.post_signature("p-nosuchthing", Some(&signer.token), Some(&signer.csrf)).await;
    assert_eq!((status, problem["code"].as_str()), (StatusCode::NOT_FOUND, Some("petition-not-found")));
    assert_eq!(f.app.instance.state.capabilities.petitions.get(&id).unwrap().signatures, 2, "nothing was signed");

    // Signing: a receipt.
    let (status, receipt) = app.post_signature(id.as_str(), Some(&signer.token), Some(&signer.csrf)).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    assert_eq!(receipt["petition"], id.as_str());
    assert_eq!(receipt["region"], "astana");
    assert_eq!(receipt["shown_as"], "Азамат5 Т.");
    assert!(is_rfc3339(&receipt["timestamp"]));
    let index = receipt["index"].as_u64().unwrap();
    assert_eq!(receipt["proof"], format!("/api/v1/proof/inclusion?index={index}&size={}", index + 1));
    let pseudonym = receipt["signer"].as_str().unwrap().to_owned();
    assert_eq!(receipt["signature"], format!("/api/v1/petitions/{id}/signatures/{pseudonym}"));

    // Submitting again: one signature, and the answer says where it is.
    let (status, problem) = app.post_signature(id.as_str(), Some(&signer.token), Some(&signer.csrf)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["code"], "already-signed");
    assert_eq!(problem["type"], "/problems/already-signed");
    assert_eq!(problem["index"], index);
    assert_eq!(problem["signature"]["index"], index);
    let count = app.get_json(&format!("/api/v1/petitions/{id}/count")).await;
    assert_eq!(count["signatures"], 3);

    // Ten submits at once from one person: exactly one signature.
    let twin = &f.citizens[0];
    let before = f.app.instance.state.capabilities.petitions.get(&id).unwrap().signatures;
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let state = f.app.instance.state.clone();
            let (uri, cookie, csrf) = (
                format!("/api/v1/petitions/{id}/signatures"),
                format!("dauys_session={}", twin.token),
                twin.csrf.clone(),
            );
            tokio::spawn(async move {
                let req =
                    Request::post(uri).header(header::COOKIE, cookie).header("X-CSRF-Token", csrf).body(Body::empty());
                router(state).oneshot(req.unwrap()).await.unwrap().status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| [StatusCode::CREATED, StatusCode::CONFLICT].contains(s)), "{statuses:?}");
    let after = f.app.instance.state.capabilities.petitions.get(&id).unwrap().signatures;
    assert_eq!(after - before, 1, "the person's signatures counted");
    // The person is in the log once (their pseudonym for this petition).
    let twin_pseudonym = f.app.instance.state.capabilities.petitions.pseudonym_of(&twin.account, &id).unwrap();
    let log = app.get_json("/api/v1/entries?limit=100").await;
    let theirs = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "petition.signed" && e["event"]["signer"] == twin_pseudonym.as_str())
        .count();
    assert_eq!(theirs, 1);

    // A person not verified cannot sign.
    let people = f.people().clone();
    let stranger = common::sign_up(&people, "stranger@example.kz").await;
    let stranger = common::account(&people, &stranger).await;
    let Citizen { token, csrf, .. } = common::sign_in(&people, stranger).await;
    let (status, problem) = app.post_signature(id.as_str(), Some(&token), Some(&csrf)).await;
    assert_eq!((status, problem["code"].as_str()), (StatusCode::FORBIDDEN, Some("not-verified")), "{problem}");
    // It holds a sequencer handle, which must be gone before the instance shuts down.
    drop(people);

    // The signature, with an inclusion proof that verifies against the signed checkpoint.
    let checkpoint = app.checkpoint_at_least(index + 1).await;
    let uri = format!("/api/v1/petitions/{id}/signatures/{pseudonym}");
    let mut found = app.get_json(&uri).await;
    for _ in 0..300 {
        if !found["inclusion"].is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        found = app.get_json(&uri).await;
    }
    assert_eq!(found["petition"], id.as_str());
    assert_eq!(found["signer"], pseudonym.as_str());
    assert_eq!(found["region"], "astana");
    assert_eq!(found["index"], index);
    assert_eq!(found["counted"], true);
    assert_eq!(found["invalidation"], Value::Null);
    assert!(is_rfc3339(&found["signed_at"]));
    let inclusion = &found["inclusion"];
    let leaf = Hash::from_hex(inclusion["leaf_hash"].as_str().unwrap()).unwrap();
    assert_eq!(leaf.to_string(), receipt["leaf_hash"].as_str().unwrap());
    let verifier = NoteVerifier::from_vkey(&f.app.instance.state.vkey).unwrap();
    let signed = Checkpoint::open(inclusion["checkpoint"].as_str().unwrap(), &verifier).expect("signed checkpoint");
    assert!(signed.size >= checkpoint.size);
    let path: Vec<Hash> =
        inclusion["proof"].as_array().unwrap().iter().map(|h| Hash::from_hex(h.as_str().unwrap()).unwrap()).collect();
    assert_eq!(inclusion["tree_size"], signed.size);
    verify_inclusion(&leaf, index, signed.size, &path, &signed.root).expect("the signature is in the log");
    // The receipt's own proof link answers too.
    let proof = app.get_json(receipt["proof"].as_str().unwrap()).await;
    assert_eq!(proof["tree_size"], index + 1);
    assert_eq!(proof["leaf_hash"], receipt["leaf_hash"]);
    let other = f.app.instance.state.capabilities.petitions.pseudonym_of(&f.citizens[1].account, &id).unwrap();
    let (status, _, body) = app.get(&format!("/api/v1/petitions/{id}/signatures/{other}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{}", String::from_utf8_lossy(&body));
    assert_eq!(app.get(&format!("/api/v1/petitions/{id}/signatures/not-a-pseudonym")).await.0, StatusCode::NOT_FOUND);

    f.app.instance.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn signing_through_the_api_sqlite() {
    signing_through_the_api(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn signing_through_the_api_postgres() {
    signing_through_the_api(Backend::Postgres).await;
}
