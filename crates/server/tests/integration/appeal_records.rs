//! Every body's record, public (issue 11), driven through the router: the registry of bodies
//! and one body's page show the figures, and the API's figures are those of a `State`
//! replayed from the instance's log — what `dauys audit` recomputes; the deadline calculator
//! counts over Nauryz and says what to fix in bad input; the Atom feed of overdue appeals
//! parses back. Unknown bodies get a not-found page in the page's language.
//!
//! Nothing waits for a deadline to pass: before the server starts, a history backdated by 45
//! days is written into the empty log (as `dauys serve --demo` writes its own), in which one
//! appeal is answered on time and three are left to fall overdue; the rules mark them overdue
//! when the history closes. Then a verified citizen files through the HTTP API and an
//! official of the body answers through the service.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{Reply, User};
use dauys_core::{
    AppealId, AppealKind, AppealOutcome, BodyId, BodyKind, BodyRecord, Commitment, Entry, Event, Lang, LocalizedText,
    LogIndex, PartialText, Pseudonym, Role, State, Timestamp, VerificationMethod, Visibility,
};
use dauys_server::people::Account;
use dauys_server::Instance;
use dauys_testkit::{Backend, TestDatabase};
use serde_json::{json, Value};

use crate::common;

/// The city's akimat: holds the backdated appeals.
const AKIMAT: &str = "akimat-astana";
/// A district akimat under it: gets the live appeals.
const ESIL: &str = "akimat-esil";
/// Abolished, its open appeal handed to the city's akimat.
const OLD: &str = "akimat-old";
/// A national body with no case.
const MINISTRY: &str = "ministry-health";
/// The history's administrator and the akimat's official: accounts only the log knows.
const ADMIN: &str = "u-00000000000000a1";
const CLERK: &str = "u-00000000000000c1";
const DAY: u64 = 86_400_000;
const HOUR: u64 = 3_600_000;

struct Env {
    instance: Instance,
    _db: TestDatabase,
    /// The citizen's appeal to the district akimat, answered on time.
    answered: AppealId,
    /// Their second one, still open.
    open: AppealId,
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as u64
}

fn id<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().expect("valid id")
}

fn body(
    b: &str,
    kind: BodyKind,
    name: (&str, &str, &str),
    parent: Option<&str>,
    territory: Option<&str>,
    competences: &[&str],
) -> Event {
    Event::BodyRegistered {
        body: id(b),
        name: LocalizedText::new(name.0, name.1, name.2),
        kind,
        parent: parent.map(id),
        territory: territory.map(id),
        competences: (!competences.is_empty()).then(|| competences.iter().map(|c| id(c)).collect()),
    }
}

fn filed(appeal: &str, applicant: u8, to: &str, visibility: Visibility) -> Event {
    let public = visibility == Visibility::Public;
    Event::AppealFiled {
        appeal: id(appeal),
        applicant: Pseudonym::from_digest(1, &[applicant; 32]).expect("pseudonym"),
        body: id(to),
        kind: AppealKind::Application,
        topic: id("housing"),
        place: Some(id("astana/esil")),
        visibility,
        title: public.then(|| PartialText::one(Lang::Ru, format!("Обращение {appeal}"))),
        text: public.then(|| PartialText::one(Lang::Ru, "Во дворе не убран снег.")),
        attachments: None,
        sealed: (!public).then(|| Commitment::from_digest(&[applicant; 32])),
        complaint_about: None,
    }
}

/// The backdated history: the deployment, the 2026 calendar, four bodies, an official, the
/// appeal rules; four appeals filed 45 days ago, one answered two days later, one body
/// abolished; the rest fall overdue when the history closes at `now`.
fn history(config: &dauys_server::config::Config, now: u64) -> Vec<(Timestamp, Event)> {
    let t0 = now - 45 * DAY;
    let names = &config.deployment_name;
    let at = |offset: u64, event: Event| (Timestamp(t0 + offset), event);
    vec![
        at(
            0,
            Event::DeploymentConfigured {
                name: LocalizedText::new(&names.kk, &names.ru, &names.en),
                utc_offset_minutes: config.utc_offset_minutes,
                act_rule: None,
            },
        ),
        at(
            0,
            Event::CalendarPublished {
                year: 2026,
                holidays: dauys_core::calendar::kazakhstan_2026_holidays(),
                transferred_working_days: Vec::new(),
            },
        ),
        at(0, Event::RoleGranted { account: id(ADMIN), role: Role::Administrator, body: None, by: None, name: None }),
        at(
            0,
            body(
                AKIMAT,
                BodyKind::Akimat,
                ("Астана қаласының әкімдігі", "Акимат города Астаны", "Akimat of Astana"),
                None,
                Some("astana"),
                &["housing", "roads"],
            ),
        ),
        at(
            0,
            body(
                ESIL,
                BodyKind::Akimat,
                ("Есіл ауданының әкімдігі", "Акимат района Есиль", "Akimat of Esil district"),
                Some(AKIMAT),
                Some("astana/esil"),
                &["housing"],
            ),
        ),
        at(
            0,
            body(
                OLD,
                BodyKind::Other,
                ("Ескі басқарма", "Старое управление", "Old department"),
                None,
                Some("astana"),
                &[],
            ),
        ),
        at(
            0,
            body(
                MINISTRY,
                BodyKind::Ministry,
                ("Денсаулық сақтау министрлігі", "Министерство здравоохранения", "Ministry of Health"),
                None,
                None,
                &["health"],
            ),
        ),
        at(
            0,
            Event::RoleGranted {
                account: id(CLERK),
                role: Role::Official,
                body: Some(id(AKIMAT)),
                by: Some(id(ADMIN)),
                name: None,
            },
        ),
        at(0, Event::AppealRulesPublished { rules: dauys_server::appeals::default_rules() }),
        at(HOUR, filed("a-answered", 1, AKIMAT, Visibility::Public)),
        at(HOUR, filed("a-silent", 2, AKIMAT, Visibility::Public)),
        at(HOUR, filed("a-hidden", 3, AKIMAT, Visibility::Private)),
        at(HOUR, filed("a-moved", 4, OLD, Visibility::Public)),
        at(
            2 * DAY,
            Event::AppealAnswered {
                appeal: id("a-answered"),
                by: id(CLERK),
                outcome: AppealOutcome::Satisfied,
                answer: Some(PartialText::one(Lang::Ru, "Снег убран.")),
                sealed: None,
            },
        ),
        at(3 * DAY, Event::BodyAbolished { body: id(OLD), successor: id(AKIMAT) }),
    ]
}

/// The history written, the server started on it, and the live part: a verified citizen
/// files two appeals with the district akimat through the HTTP API, and its official
/// answers the first.
async fn start() -> Env {
    let db = TestDatabase::new(Backend::Sqlite);
    let config = common::config(&db);
    {
        dauys_server::keys::create_private_dir(&config.data_dir).expect("data dir");
        let signer = dauys_server::keys::load_or_create_signer(&config.data_dir, &config.origin).expect("signer");
        let (mut writer, _reader) = dauys_store::open(&config.database_location()).expect("store");
        let now = now_ms();
        let (mut import, _services) = dauys_server::sequencer::HistoryImport::start(
            writer.as_mut(),
            signer,
            &config.origin,
            Vec::new(),
            Timestamp(now),
        )
        .expect("an empty log");
        for (at, event) in history(&config, now) {
            import.advance(at, event.kind()).expect("in time order");
            import.log(event).expect("accepted by the rules");
        }
        import.finish().expect("the history is written");
    }
    let instance = common::instance(config).await;
    let appeals = &instance.state.capabilities.appeals;
    for (appeal, status) in [
        ("a-answered", dauys_core::AppealStatus::Answered),
        ("a-silent", dauys_core::AppealStatus::Overdue),
        ("a-hidden", dauys_core::AppealStatus::Overdue),
        ("a-moved", dauys_core::AppealStatus::Overdue),
    ] {
        assert_eq!(appeals.get(&id(appeal)).expect(appeal).status, status, "{appeal}");
    }
    assert_eq!(appeals.get(&id("a-moved")).unwrap().body().as_str(), AKIMAT, "handed to the successor");

    let people = &instance.state.people;
    let official = common::sign_up(people, "official@example.kz").await;
    common::grant(&instance, &official, Role::Official, Some(ESIL), &id(ADMIN)).await;
    let official: Account = common::account(people, &official).await;
    let citizen = common::sign_up(people, "citizen@example.kz").await;
    let claim = common::claim("880101300010", "Айгерім", "Сейітова", "astana/esil");
    // Through the identity provider: the history's administrator has no account to verify with.
    people.verify(&citizen, &claim, VerificationMethod::Oidc, None).await.expect("verified");
    let citizen = common::sign_in(people, common::account(people, &citizen).await).await;

    let answered = file(&instance, &citizen, "Тротуар на улице Сарайшық").await;
    let open = file(&instance, &citizen, "Фонарь во дворе").await;
    let text = PartialText::one(Lang::Ru, "Тротуар отремонтирован.");
    appeals.answer(&official, &answered, AppealOutcome::Satisfied, text, None).await.expect("answered");
    Env { instance, _db: db, answered, open }
}

/// POST /api/v1/appeals as the citizen's browser session, with its CSRF token.
async fn file(instance: &Instance, citizen: &User, title: &str) -> AppealId {
    let filing = json!({
        "body": ESIL,
        "kind": "application",
        "topic": "housing",
        "place": "astana/esil",
        "visibility": "public",
        "title": { "ru": title },
        "text": { "ru": "Просим починить." },
    });
    let request = |csrf: &str| {
        Request::builder()
            .method(Method::POST)
            .uri("/api/v1/appeals")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, format!("dauys_session={}", citizen.token))
            .header("x-csrf-token", csrf)
            .body(Body::from(filing.to_string()))
            .unwrap()
    };
    let (status, _, _) = common::send(instance, request("forged")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a filing without the session's token is refused");
    let (status, headers, bytes) = common::send(instance, request(&citizen.csrf)).await;
    assert_eq!(status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&bytes));
    assert!(headers.contains_key(header::LOCATION));
    let answer: Value = serde_json::from_slice(&bytes).unwrap();
    id(answer["receipt"]["appeal"].as_str().expect("the appeal's id"))
}

impl Env {
    async fn get(&self, path: &str) -> Reply {
        common::browse(&self.instance, Method::GET, path, None, String::new()).await
    }

    async fn json(&self, path: &str) -> Value {
        let (status, _, bytes) = common::api_call(&self.instance, Method::GET, path, None, false).await;
        assert_eq!(status, StatusCode::OK, "{path}: {}", String::from_utf8_lossy(&bytes));
        serde_json::from_slice(&bytes).expect("JSON")
    }

    /// The public state as `dauys audit` recomputes it: every entry of the log, replayed.
    fn replayed(&self) -> State {
        let reader = &self.instance.state.reader;
        let size = reader.size().expect("size");
        let mut state = State::default();
        let mut index = 0;
        while index < size {
            for bytes in reader.entries(index, (index + 1_000).min(size)).expect("entries") {
                let entry = Entry::decode(&bytes).expect("decodes");
                state.apply(LogIndex(index), &entry).unwrap_or_else(|e| panic!("entry {index} refused: {e}"));
                index += 1;
            }
        }
        state
    }
}

/// The `<tr>` that carries `attr`.
fn row<'a>(html: &'a str, attr: &str) -> &'a str {
    let start = html.find(attr).unwrap_or_else(|| panic!("no row {attr}"));
    let end = start + html[start..].find("</tr>").expect("the row ends");
    &html[start..end]
}

/// The text of the element carrying `attr` (up to its first child tag).
fn text_of(html: &str, attr: &str) -> String {
    let at = html.find(attr).unwrap_or_else(|| panic!("no {attr} in {html}"));
    let open = at + html[at..].find('>').unwrap() + 1;
    let close = open + html[open..].find('<').unwrap();
    html[open..close].to_owned()
}

fn cell(row: &str, col: &str) -> String {
    text_of(row, &format!("data-col=\"{col}\""))
}

/// A figure of a body's page: `<li data-figure="…"><strong>N</strong>…`.
fn figure(html: &str, name: &str) -> String {
    let at = html.find(&format!("data-figure=\"{name}\"")).unwrap_or_else(|| panic!("no figure {name}"));
    text_of(&html[at..], "<strong")
}

/// The bodies in the registry's table, in its order.
fn order(html: &str) -> Vec<String> {
    let table = &html[html.find("id=\"bodies\"").expect("the table")..];
    table
        .match_indices("<tr data-body=\"")
        .map(|(i, m)| table[i + m.len()..].split('"').next().unwrap().to_owned())
        .collect()
}

/// `value` as a client reads it from JSON text. serde_json reads a float back only to within
/// a unit in the last place, so the replayed figures go through the same text and reading as
/// the API's before they are compared.
fn as_read<T: serde::Serialize>(value: &T) -> Value {
    serde_json::from_str(&serde_json::to_string(value).expect("serializes")).expect("reads")
}

fn days(d: Option<u32>) -> String {
    d.map_or_else(|| "—".to_owned(), |d| d.to_string())
}

fn share(record: &BodyRecord) -> String {
    let f = record.figures();
    match (f.on_time_share, f.on_time_low, f.on_time_high) {
        (Some(s), Some(l), Some(h)) => format!("{:.1}% ({:.1}%–{:.1}%)", s * 100.0, l * 100.0, h * 100.0),
        _ => "—".to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_and_the_api_show_what_the_log_recomputes() {
    let env = start().await;
    let state = env.replayed();
    let records = state.body_records();
    let akimat = &records[&id::<BodyId>(AKIMAT)];
    let esil = &records[&id::<BodyId>(ESIL)];
    // What the history and the live part make, counted by hand.
    assert_eq!((akimat.received, akimat.answered, akimat.answered_on_time), (4, 1, 1), "{akimat:?}");
    assert_eq!((akimat.overdue, akimat.overdue_unanswered, akimat.open), (3, 3, 3), "{akimat:?}");
    assert_eq!((esil.received, esil.answered, esil.answered_on_time, esil.open), (2, 1, 1, 1), "{esil:?}");
    assert_eq!(records[&id::<BodyId>(OLD)].handed_over, 1);
    assert!(!records.contains_key(&id::<BodyId>(MINISTRY)), "a body with no case has no record");

    // The API's figures are the replayed ones, field by field and month by month.
    let api = env.json("/api/v1/bodies").await;
    let items = api["items"].as_array().expect("items");
    assert_eq!(items.len(), records.len());
    for (body, record) in &records {
        let item = items.iter().find(|i| i["body"] == body.as_str()).unwrap_or_else(|| panic!("{body} in the API"));
        let Value::Object(figures) = as_read(&record.figures()) else { unreachable!() };
        for (field, value) in &figures {
            assert_eq!(&item[field], value, "{body}: {field}");
        }
        assert_eq!(item["by_month"], as_read(&record.by_month), "{body}");
        let one = env.json(&format!("/api/v1/bodies/{body}")).await;
        assert_eq!(&one["record"], item, "{body}: one body's record is the list's");
    }

    // The registry: every body, with and without a record, ranked by the interval's lower end.
    let page = env.get("/bodies").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.body;
    assert_eq!(order(html), [ESIL, AKIMAT, OLD, MINISTRY], "ranked by the lower end of the interval");
    assert!(html.contains("id=\"ranking\"") && html.contains("lower end of the 95% Wilson interval"), "{html}");
    for (body, record) in [(AKIMAT, akimat), (ESIL, esil)] {
        let tr = row(html, &format!("data-body=\"{body}\""));
        let f = record.figures();
        assert!(tr.contains(&format!("href=\"/bodies/{body}\"")), "{tr}");
        for (col, n) in [
            ("received", f.received),
            ("answered", f.answered),
            ("answered-on-time", f.answered_on_time),
            ("overdue", f.overdue),
            ("overdue-unanswered", f.overdue_unanswered),
            ("extended", f.extended),
            ("escalated", f.escalated),
        ] {
            assert_eq!(cell(tr, col), n.to_string(), "{body}: {col}");
        }
        assert_eq!(cell(tr, "median"), days(f.median_working_days), "{body}");
        assert_eq!(cell(tr, "p90"), days(f.p90_working_days), "{body}");
        assert_eq!(cell(tr, "on-time-share"), share(record), "{body}");
    }
    assert_eq!(cell(row(html, "data-body=\"akimat-astana\""), "on-time-share"), "25.0% (4.6%–69.9%)");
    let old = row(html, &format!("data-body=\"{OLD}\""));
    assert!(old.contains("data-closed=\"abolished\"") && old.contains(&format!("href=\"/bodies/{AKIMAT}\"")), "{old}");
    let none = row(html, &format!("data-body=\"{MINISTRY}\""));
    assert_eq!((cell(none, "received"), cell(none, "on-time-share")), ("0".to_owned(), "—".to_owned()));

    let by_name = env.get("/bodies?sort=name").await;
    assert_eq!(order(&by_name.body), [AKIMAT, ESIL, MINISTRY, OLD], "Akimat of Astana, of Esil, Ministry, Old");
    assert!(by_name.body.contains("data-sort=\"name\" aria-current=\"true\""));
    let by_received = env.get("/bodies?sort=received").await;
    assert_eq!(order(&by_received.body), [AKIMAT, ESIL, OLD, MINISTRY]);
    let bad = env.get("/bodies?sort=luck").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("role=\"alert\"") && bad.body.contains("“luck” is not a way to sort"), "{}", bad.body);
    let ru = env.get("/bodies?lang=ru").await;
    assert!(ru.body.contains("Показатели органов") && ru.body.contains("25,0\u{a0}%"), "{}", ru.body);
    let kk = env.get("/bodies?lang=kk").await;
    assert!(kk.body.contains("Органдардың көрсеткіштері") && kk.body.contains("Астана қаласының әкімдігі"));

    // One body: who it is, its figures, its months as a chart and a table, its open appeals.
    let page = env.get(&format!("/bodies/{AKIMAT}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.body;
    assert!(html.contains("<h1>Akimat of Astana</h1>"));
    let f = akimat.figures();
    for (name, n) in [
        ("received", f.received),
        ("answered", f.answered),
        ("answered-on-time", f.answered_on_time),
        ("overdue", f.overdue),
        ("overdue-unanswered", f.overdue_unanswered),
        ("open", f.open),
        ("extended", f.extended),
        ("escalated", f.escalated),
        ("forwarded", f.forwarded),
        ("forwarded-late", f.forwarded_late),
        ("extension-notices-late", f.extension_notices_late),
        ("handed-over", f.handed_over),
    ] {
        assert_eq!(figure(html, name), n.to_string(), "{name}");
    }
    assert_eq!(figure(html, "on-time-share"), share(akimat));
    // The abolished body's page counts the open case its successor took over.
    let old_page = env.get(&format!("/bodies/{OLD}")).await;
    assert_eq!(figure(&old_page.body, "handed-over"), "1");
    assert!(html.contains("Housing and utilities") && html.contains("Roads and transport"), "competences by name");
    assert!(text_of(html, "id=\"territory\"").contains("Astana"));
    assert!(html.contains("role=\"img\"") && html.contains("id=\"months-chart-title\""), "the chart");
    for (month, m) in &akimat.by_month {
        let tr = row(html, &format!("<tr data-month=\"{month}\""));
        assert_eq!(cell(tr, "received"), m.received.to_string(), "{month}");
        assert_eq!(cell(tr, "overdue"), m.overdue.to_string(), "{month}");
        assert_eq!(html.matches(&format!("data-month=\"{month}\"")).count(), 1 + 4, "a table row and four bars");
    }
    let appeals = &env.instance.state.capabilities.appeals;
    for appeal in ["a-silent", "a-hidden", "a-moved"] {
        let a = appeals.get(&id(appeal)).unwrap();
        let tr = row(html, &format!("data-appeal=\"{appeal}\""));
        assert!(tr.contains(&format!("href=\"/appeals/{appeal}\"")), "{tr}");
        assert_eq!(cell(tr, "waiting"), appeals.days_waiting(&a).to_string(), "{appeal}");
        assert!(appeals.days_waiting(&a) > 15, "{appeal} has waited past its term");
    }
    assert!(row(html, "data-appeal=\"a-hidden\"").contains("Private appeal a-hidden"), "a private appeal by its id");
    assert!(!html.contains("data-appeal=\"a-answered\""), "an answered appeal is not open");
    for link in [
        format!("href=\"/api/v1/bodies/{AKIMAT}\""),
        format!("href=\"/feeds/bodies/{AKIMAT}.atom\""),
        format!("href=\"/bodies/{AKIMAT}/record.csv\""),
    ] {
        assert!(html.contains(&link), "{link}");
    }

    let esil_page = env.get(&format!("/bodies/{ESIL}?lang=ru")).await;
    assert!(esil_page.body.contains(&format!("<a href=\"/bodies/{AKIMAT}\">Акимат города Астаны</a>")), "the parent");
    assert!(esil_page.body.contains("город Астана, район Есиль"), "{}", esil_page.body);
    assert!(esil_page.body.contains(&format!("data-appeal=\"{}\"", env.open)));
    assert!(!esil_page.body.contains(&format!("data-appeal=\"{}\"", env.answered)));
    let old_page = env.get(&format!("/bodies/{OLD}")).await;
    assert!(old_page.body.contains("id=\"closed\"") && old_page.body.contains("Abolished; its cases went to"));
    let ministry = env.get(&format!("/bodies/{MINISTRY}?lang=kk")).await;
    assert_eq!(ministry.status, StatusCode::OK);
    assert!(ministry.body.contains("Бүкіл ел") && ministry.body.contains("Әзірге істер жоқ."), "{}", ministry.body);

    // The months as CSV.
    let csv = env.get(&format!("/bodies/{AKIMAT}/record.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[0], "month,received,answered,answered_on_time,overdue");
    let rows: BTreeMap<&str, &str> = lines[1..].iter().map(|l| l.split_once(',').unwrap()).collect();
    assert_eq!(rows.len(), akimat.by_month.len());
    for (month, m) in &akimat.by_month {
        assert_eq!(rows[month.as_str()], format!("{},{},{},{}", m.received, m.answered, m.answered_on_time, m.overdue));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calculator_counts_over_nauryz_and_says_what_to_fix() {
    let env = start().await;
    // 15 working days from Tuesday 10 March 2026: the 23rd to the 25th are Nauryz.
    let page = env.get("/deadline?from=2026-03-10&working_days=15").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let html = &page.body;
    assert!(
        text_of(html, "id=\"due\"").is_empty() && html.contains("<strong><time datetime=\"2026-04-03\">"),
        "{html}"
    );
    let holidays = &html[html.find("id=\"holidays\"").expect("the holidays met")..];
    let holidays = &holidays[..holidays.find("</ul>").unwrap()];
    for day in ["2026-03-23", "2026-03-24", "2026-03-25"] {
        assert!(holidays.contains(day), "{day} in {holidays}");
    }
    assert!(!holidays.contains("2026-03-09"), "a holiday before the start is not met");
    assert!(html.contains("UTC+05:00"), "the deployment's time zone");
    assert!(html.contains("value=\"2026-03-10\"") && html.contains("value=\"15\""), "the form keeps the values");
    let api = env.json("/api/v1/deadline?from=2026-03-10&working_days=15").await;
    assert_eq!(api["due"], "2026-04-03");
    assert_eq!(api["holidays"], json!(["2026-03-23", "2026-03-24", "2026-03-25"]));
    assert!(html.contains("href=\"/api/v1/deadline?from=2026-03-10&amp;working_days=15\""));

    // With nothing given: from today, the rules' 15 working days.
    let default = env.get("/deadline").await;
    assert_eq!(default.status, StatusCode::OK);
    assert!(default.body.contains("id=\"working_days\"") && default.body.contains("value=\"15\""));
    assert!(default.body.contains("id=\"result\""));

    // Bad input: 400, each field's problem said in words, the values kept.
    for (query, field, message) in [
        ("from=2026-02-30&working_days=15", "from", "Write the start date as YYYY-MM-DD"),
        ("from=10.03.2026&working_days=15", "from", "Write the start date as YYYY-MM-DD"),
        ("from=2026-03-10&working_days=0", "working_days", "a whole number from 1 to 250"),
        ("from=2026-03-10&working_days=251", "working_days", "a whole number from 1 to 250"),
        ("from=2026-03-10&working_days=fifteen", "working_days", "a whole number from 1 to 250"),
    ] {
        let bad = env.get(&format!("/deadline?{query}")).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(bad.body.contains("role=\"alert\""), "{query}");
        let error = bad.body.find(&format!("id=\"{field}-error\"")).unwrap_or_else(|| panic!("{query}: {}", bad.body));
        assert!(bad.body[error..].contains(message), "{query}: {}", bad.body);
        assert!(bad.body.contains("aria-invalid=\"true\""), "{query}");
        assert!(!bad.body.contains("id=\"result\""), "{query}: no result from bad input");
    }
    let ru = env.get("/deadline?from=2026-02-30&working_days=0&lang=ru").await;
    assert_eq!(ru.status, StatusCode::BAD_REQUEST);
    assert!(ru.body.contains("в виде ГГГГ-ММ-ДД") && ru.body.contains("от 1 до 250"), "{}", ru.body);
    let kk = env.get("/deadline?working_days=x&lang=kk").await;
    assert!(kk.body.contains("бүтін санмен"), "{}", kk.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overdue_feed_is_atom_of_public_overdue_appeals() {
    let env = start().await;
    let (status, headers, bytes) =
        common::send(&env.instance, Request::get("/feeds/appeals/overdue.atom?lang=en").body(Body::empty()).unwrap())
            .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/atom+xml; charset=utf-8");
    let xml = String::from_utf8(bytes.clone()).unwrap();
    roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("not XML: {e}\n{xml}"));
    let feed = atom_syndication::Feed::read_from(bytes.as_slice()).expect("Atom");
    assert_eq!(feed.title.value, "Overdue appeals");
    assert!(feed.id.ends_with("/feeds/appeals/overdue.atom"));
    assert!(feed.links.iter().any(|l| l.rel == "self"));
    let appeals: Vec<String> = feed
        .entries
        .iter()
        .map(|e| {
            let href = &e.links.iter().find(|l| l.rel == "alternate").expect("a link to the appeal").href;
            href.split("/appeals/").nth(1).expect("an appeal's page").trim_end_matches("?lang=en").to_owned()
        })
        .collect();
    let mut sorted = appeals.clone();
    sorted.sort();
    assert_eq!(sorted, ["a-moved", "a-silent"], "public and overdue only: not the private one, not the answered");
    let state = env.replayed();
    for entry in &feed.entries {
        assert!(entry.title.value.starts_with("Overdue: Обращение a-"), "{}", entry.title.value);
        assert_eq!(entry.title.lang.as_deref(), Some("ru"), "the title's own language");
        assert!(entry.summary.as_ref().is_some_and(|s| s.value.contains("Akimat of Astana had to answer by")));
        // The id is the overdue mark's entry on the log.
        let index: u64 = entry.id.rsplit_once("/log/").expect("a log entry").1.parse().unwrap();
        let appeal = state
            .appeals()
            .get(&id(entry.links[0].href.split("/appeals/").nth(1).unwrap().trim_end_matches("?lang=en")))
            .unwrap();
        let mark = appeal.steps.iter().find(|s| s.event == dauys_core::StepKind::Overdue).expect("marked overdue");
        assert_eq!(mark.index.0, index);
    }
    let (_, _, kk) = common::send(
        &env.instance,
        Request::get("/feeds/appeals/overdue.atom").header(header::ACCEPT_LANGUAGE, "kk").body(Body::empty()).unwrap(),
    )
    .await;
    let kk = atom_syndication::Feed::read_from(kk.as_slice()).expect("Atom");
    assert_eq!(kk.title.value, "Мерзімі өткен өтініштер");
    assert_eq!(kk.entries.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_bodies_get_a_not_found_page_in_the_page_language() {
    let env = start().await;
    for (path, text) in [
        ("/bodies/no-such-body", "There is no body “no-such-body”."),
        ("/bodies/Not%20An%20Id", "There is no body “Not An Id”."),
        ("/bodies/no-such-body?lang=ru", "Органа «no-such-body» нет."),
        ("/bodies/no-such-body?lang=kk", "«no-such-body» органы жоқ."),
        ("/bodies/no-such-body/record.csv", "There is no body “no-such-body”."),
    ] {
        let page = env.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains(text), "{path}: {}", page.body);
        assert!(page.body.contains("href=\"/bodies\""), "{path}: a way back");
    }
    let ru = env.get("/bodies/no-such-body?lang=ru").await;
    assert!(ru.body.contains("<html lang=\"ru\">"));
}

/// The message ids a locale file defines.
fn ftl_ids(source: &str) -> std::collections::BTreeSet<String> {
    source
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once('=').map(|(id, _)| id.trim().to_owned()))
        .collect()
}

#[test]
fn every_string_of_these_pages_is_in_kazakh_russian_and_english() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    let ours = |lang: &str| -> std::collections::BTreeSet<String> {
        let source = std::fs::read_to_string(dir.join(lang).join("appeals.ftl")).unwrap();
        ftl_ids(&source)
            .into_iter()
            .filter(|id| ["ap-bodies-", "ap-calc-", "ap-feed-"].iter().any(|p| id.starts_with(p)))
            .collect()
    };
    let (kk, ru, en) = (ours("kk"), ours("ru"), ours("en"));
    assert_eq!(kk, ru, "kk and ru differ");
    assert_eq!(kk, en, "kk and en differ");
    let code = [
        include_str!("../../src/appeals/pages/records.rs"),
        include_str!("../../src/appeals/pages/records/chart.rs"),
        include_str!("../../src/appeals/pages/records/calculator.rs"),
        include_str!("../../src/appeals/pages/records/feed.rs"),
    ]
    .concat();
    let mut used = std::collections::BTreeSet::new();
    for prefix in ["\"ap-bodies-", "\"ap-calc-", "\"ap-feed-"] {
        for (i, _) in code.match_indices(prefix) {
            let id: String = code[i + 1..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
            if !id.ends_with('-') {
                used.insert(id);
            }
        }
    }
    for sort in ["on-time", "name", "received"] {
        used.insert(format!("ap-bodies-sort-{sort}"));
    }
    let missing: Vec<_> = used.difference(&kk).collect();
    assert!(missing.is_empty(), "used but not defined: {missing:?}");
    let unused: Vec<_> = kk.difference(&used).filter(|id| *id != "ap-bodies-link").collect();
    assert!(unused.is_empty(), "defined but not used: {unused:?}");
}
