//! The appeal pages and API, driven through the router the way a browser and a script drive
//! them: a citizen files a private appeal to the wrong body; that body forwards it; the
//! competent body opens it (an accountable access the citizen sees), its head extends the
//! deadline, an official answers; the citizen reads the answer, rates it and contests it
//! before the superior body. With the refusals of each act, and the strings in kk/ru/en.

use std::collections::BTreeSet;
use std::str::FromStr;

use axum::http::{Method, StatusCode};
use common::{Reply, User};
use dauys_core::{AppealId, AppealStatus, BodyKind, Event, LocalizedText, Role};
use dauys_server::config::Config;
use dauys_server::Instance;
use dauys_testkit::{Backend, TestDatabase};

use crate::common;

struct Env {
    instance: Instance,
    db: TestDatabase,
    users: std::collections::HashMap<&'static str, User>,
}

/// (key, e-mail, IIN, locality); `None` stays unverified.
const CITIZENS: [(&str, &str, Option<&str>, &str); 3] = [
    ("citizen", "citizen@example.kz", Some("880101300010"), "astana/esil"),
    ("neighbour", "neighbour@example.kz", Some("920505400023"), "astana/esil"),
    ("unverified", "unverified@example.kz", None, "astana"),
];

/// (key, role, body).
const STAFF: [(&str, Role, &str); 5] = [
    ("mon-official", Role::Official, "mon"),
    ("moh-official", Role::Official, "moh"),
    ("moh-head", Role::Head, "moh"),
    ("gov-official", Role::Official, "government"),
    ("mon-head", Role::Head, "mon"),
];

async fn start() -> Env {
    let db = TestDatabase::new(Backend::Sqlite);
    let config = Config { first_administrator_email: "admin@example.kz".into(), ..common::config(&db) };
    let instance = common::instance(config).await;
    let body =
        |id: &str, kind, parent: Option<&str>, competences: &[&str], names: (&str, &str, &str)| Event::BodyRegistered {
            body: id.parse().unwrap(),
            name: LocalizedText::new(names.0, names.1, names.2),
            kind,
            parent: parent.map(|p| p.parse().unwrap()),
            territory: None,
            competences: (!competences.is_empty()).then(|| competences.iter().map(|c| c.parse().unwrap()).collect()),
        };
    for e in [
        body("government", BodyKind::Government, None, &[], ("Үкімет", "Правительство", "Government")),
        body(
            "mon",
            BodyKind::Ministry,
            Some("government"),
            &["education"],
            ("Оқу-ағарту министрлігі", "Министерство просвещения", "Ministry of Education"),
        ),
        body(
            "moh",
            BodyKind::Ministry,
            Some("government"),
            &["health"],
            ("Денсаулық сақтау министрлігі", "Министерство здравоохранения", "Ministry of Health"),
        ),
    ] {
        common::submit(&instance, e).await;
    }
    let people = &instance.state.people;
    let admin = common::sign_up(people, "admin@example.kz").await;
    people.grant_first_administrator(&admin).await.expect("first administrator");
    let admin_account = common::account(people, &admin).await;
    let mut users = std::collections::HashMap::new();
    for (key, role, body) in STAFF {
        users.insert(key, common::staff_member(&instance, key, role, body, &admin).await);
    }
    for (key, email, iin, locality) in CITIZENS {
        users.insert(key, common::citizen(people, email, iin, locality, &admin_account).await);
    }
    Env { instance, db, users }
}

/// Percent-encodes a form value.
fn enc(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

impl Env {
    async fn call(&self, method: Method, path: &str, who: Option<&str>, form: &str) -> Reply {
        let mut body = form.to_string();
        let token = who.map(|key| {
            let u = &self.users[key];
            if method == Method::POST {
                body = if body.is_empty() { format!("csrf={}", u.csrf) } else { format!("{body}&csrf={}", u.csrf) };
            }
            u.token.as_str()
        });
        common::browse(&self.instance, method, path, token, body).await
    }

    async fn get(&self, path: &str, who: Option<&str>) -> Reply {
        self.call(Method::GET, path, who, "").await
    }

    async fn post(&self, path: &str, who: Option<&str>, form: &str) -> Reply {
        self.call(Method::POST, path, who, form).await
    }

    /// Entries of type `kind` on the log, as /api/v1/state counts them.
    async fn count(&self, kind: &str) -> u64 {
        let (_, _, body) = common::api_call(&self.instance, Method::GET, "/api/v1/state", None, false).await;
        let state: serde_json::Value = serde_json::from_slice(&body).expect("the state is JSON");
        state["counts"][kind].as_u64().unwrap_or(0)
    }

    fn appeal(&self, id: &AppealId) -> std::sync::Arc<dauys_core::Appeal> {
        self.instance.state.capabilities.appeals.view().get(id).expect("appeal in the view")
    }

    /// Files an appeal through the form; its id, from where the browser is sent.
    async fn file(&self, who: &str, form: &str) -> AppealId {
        let reply = self.post("/appeals/new", Some(who), form).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let id = reply.location.trim_start_matches("/appeals/").trim_end_matches("?filed=1");
        AppealId::from_str(id).expect("an appeal id")
    }
}

const PRIVATE_HEALTH_TO_MON: &str =
    "body=mon&kind=complaint&topic=health&place=astana%2Fesil&visibility=private&title=Polyclinic%205&text=The%20polyclinic%20refuses%20to%20register%20my%20mother.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_appeal_filed_to_the_wrong_body_is_forwarded_opened_extended_answered_rated_and_contested() {
    let env = start().await;
    let form = env.get("/appeals/new", Some("citizen")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("I don&#39;t know") || form.body.contains("I don't know"),
        "the body may be left to Dauys"
    );

    let id = env.file("citizen", PRIVATE_HEALTH_TO_MON).await;
    let page = env.get(&format!("/appeals/{id}?filed=1"), Some("citizen")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Your appeal is on the log"));
    assert!(page.body.contains("The polyclinic refuses"), "the applicant reads their own private text");
    // The applicant can recompute the commitment on the log from the nonce their page shows
    // (SPEC §9.2): SHA-256 of the label, the nonce and the JSON of the title and text.
    let nonce = page.body.split("id=\"nonce\">").nth(1).and_then(|r| r.split('<').next()).expect("the nonce is shown");
    let written = (
        dauys_core::PartialText::one(dauys_core::Lang::En, "Polyclinic 5"),
        dauys_core::PartialText::one(dauys_core::Lang::En, "The polyclinic refuses to register my mother."),
    );
    let mut hash = <sha2::Sha256 as sha2::Digest>::new();
    sha2::Digest::update(&mut hash, format!("dauys/appeal/v1\n{nonce}\n").as_bytes());
    sha2::Digest::update(&mut hash, serde_json::to_vec(&written).unwrap());
    let digest: [u8; 32] = sha2::Digest::finalize(hash).into();
    assert_eq!(env.appeal(&id).sealed, Some(dauys_core::Commitment::from_digest(&digest)), "the commitment recomputes");
    assert!(page.body.contains("Ministry of Education"));
    // The log and a stranger see no text: a private appeal is a commitment on the log.
    let public = env.get(&format!("/appeals/{id}"), None).await;
    assert!(!public.body.contains("polyclinic"), "{}", public.body);
    assert!(public.body.contains("Private appeal"));
    let entry = env.get(&format!("/api/v1/entries/{}", env.appeal(&id).index.0), None).await;
    assert!(!entry.body.contains("polyclinic") && entry.body.contains("\"sealed\""), "{}", entry.body);
    // The wrong body's official sees the appeal but not its text until they open it.
    let at_mon = env.get(&format!("/appeals/{id}"), Some("mon-official")).await;
    assert!(at_mon.body.contains("Open the appeal") && !at_mon.body.contains("polyclinic"));

    // Another body cannot forward it; the holding body forwards it to the competent one.
    let refused = env.post(&format!("/appeals/{id}/forward"), Some("moh-official"), "to=moh&reason=x").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let to_itself = env.post(&format!("/appeals/{id}/forward"), Some("mon-official"), "to=mon&reason=x").await;
    assert_eq!(to_itself.status, StatusCode::UNPROCESSABLE_ENTITY);
    let forwarded = env
        .post(
            &format!("/appeals/{id}/forward"),
            Some("mon-official"),
            &format!("to=moh&reason={}", enc("Health is the ministry of health's")),
        )
        .await;
    assert_eq!(forwarded.status, StatusCode::SEE_OTHER, "{}", forwarded.body);
    let a = env.appeal(&id);
    assert_eq!((a.body().as_str(), a.addressed_to.as_str()), ("moh", "mon"));
    let page = env.get(&format!("/appeals/{id}"), Some("citizen")).await;
    assert!(page.body.contains("Appeal forwarded to the competent body"));
    assert!(page.body.contains("First addressed to"));

    // The competent body opens it: logged before the text is shown, and the citizen sees it.
    let openings_before = env.count("personal_data.opened").await;
    let opened =
        env.post(&format!("/appeals/{id}/open"), Some("moh-official"), "purpose=Considering%20the%20appeal").await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    assert!(opened.body.contains("The polyclinic refuses") && opened.body.contains("Айгерім"));
    let logged = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while env.count("personal_data.opened").await != openings_before + 1 {
        assert!(std::time::Instant::now() < logged, "the opening is not on the log");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let access = env.get("/me/access", Some("citizen")).await;
    assert!(access.body.contains(id.as_str()), "the citizen sees who opened their appeal");
    // The other ministry's official may not open it.
    let not_theirs = env.post(&format!("/appeals/{id}/open"), Some("mon-official"), "purpose=curious").await;
    assert_eq!(not_theirs.status, StatusCode::FORBIDDEN);

    // Only the head extends; once; to at most two months.
    let today = env.instance.state.capabilities.appeals.today();
    let until = dauys_core::format_date(env.appeal(&id).obligation.due.next_day().unwrap());
    let extend = |until: &str| {
        format!("decided_on={}&until={until}&reason={}", dauys_core::format_date(today), enc("An inspection is needed"))
    };
    let by_official = env.post(&format!("/appeals/{id}/extend"), Some("moh-official"), &extend(&until)).await;
    assert_eq!(by_official.status, StatusCode::FORBIDDEN);
    let too_far = dauys_core::format_date(today.checked_add(time::Duration::days(70)).unwrap());
    let refused = env.post(&format!("/appeals/{id}/extend"), Some("moh-head"), &extend(&too_far)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("no later than"), "{}", refused.body);
    let extended = env.post(&format!("/appeals/{id}/extend"), Some("moh-head"), &extend(&until)).await;
    assert_eq!(extended.status, StatusCode::SEE_OTHER, "{}", extended.body);
    let again = env.post(&format!("/appeals/{id}/extend"), Some("moh-head"), &extend(&until)).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("at most once"));

    // The answer, sealed for a private appeal; the citizen reads it, a stranger does not.
    let answered = env
        .post(
            &format!("/appeals/{id}/answer"),
            Some("moh-official"),
            &format!("outcome=partly_satisfied&text={}", enc("The polyclinic will register her on Monday.")),
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    assert_eq!(env.appeal(&id).status, AppealStatus::Answered);
    let page = env.get(&format!("/appeals/{id}"), Some("citizen")).await;
    assert!(page.body.contains("register her on Monday") && page.body.contains("Partly satisfied"));
    assert!(!env.get(&format!("/appeals/{id}"), None).await.body.contains("Monday"));

    // Rated once, by the applicant only.
    assert_eq!(
        env.post(&format!("/appeals/{id}/rate"), Some("neighbour"), "rating=1").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        env.post(&format!("/appeals/{id}/rate"), Some("citizen"), "rating=4").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        env.post(&format!("/appeals/{id}/rate"), Some("citizen"), "rating=5").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert!(env.get(&format!("/appeals/{id}"), None).await.body.contains("Rated 4 of 5"));

    // Contested before the superior body: a linked complaint, by the applicant only.
    let stranger = env.post(&format!("/appeals/{id}/complain"), Some("neighbour"), "text=No").await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    let complaint =
        env.post(&format!("/appeals/{id}/complain"), Some("citizen"), "text=Monday%20is%20too%20late.").await;
    assert_eq!(complaint.status, StatusCode::SEE_OTHER, "{}", complaint.body);
    let complaint_id =
        AppealId::from_str(complaint.location.trim_start_matches("/appeals/").trim_end_matches("?filed=1")).unwrap();
    let c = env.appeal(&complaint_id);
    assert_eq!((c.body().as_str(), c.complaint_about.as_ref()), ("government", Some(&id)));
    assert_eq!(env.appeal(&id).complaint.as_ref().map(|c| c.against.as_str()), Some("moh"));
    assert_eq!(
        env.post(&format!("/appeals/{id}/complain"), Some("citizen"), "text=again").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // "My appeals" lists both; the inboxes list what each body holds.
    let mine = env.get("/appeals/mine", Some("citizen")).await;
    assert!(mine.body.contains(id.as_str()) && mine.body.contains(complaint_id.as_str()));
    assert!(!env.get("/appeals/mine", Some("neighbour")).await.body.contains(id.as_str()));
    let inbox = env.get("/office/appeals", Some("gov-official")).await;
    assert!(inbox.body.contains(complaint_id.as_str()), "{}", inbox.body);
    assert_eq!(env.get("/office/appeals", Some("citizen")).await.status, StatusCode::FORBIDDEN);

    // Each step was told by e-mail, in the language the appeal was filed in (English here).
    common::wait_for_mail(&env.instance.state.config.mail_path(), &format!("notices about {id}"), |mails| {
        let about: Vec<&String> = mails.iter().filter(|m| m.contains(id.as_str())).collect();
        about.iter().any(|m| m.contains("Appeal answered")) && about.iter().any(|m| m.contains("forwarded"))
    })
    .await;
    drop(env.db);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_and_unverified_people_cannot_file_and_are_told_why() {
    let env = start().await;
    let anonymous = env.call(Method::POST, "/appeals/new", None, PRIVATE_HEALTH_TO_MON).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location.starts_with("/login"));
    let form = env.get("/appeals/new", Some("unverified")).await;
    assert!(form.body.contains("Anonymous appeals are not considered"), "{}", form.body);
    let refused = env.post("/appeals/new", Some("unverified"), PRIVATE_HEALTH_TO_MON).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Anonymous appeals are not considered"));
    // A forged form (no CSRF token of the session) changes nothing.
    let u = &env.users["citizen"];
    let forged =
        common::browse(&env.instance, Method::POST, "/appeals/new", Some(&u.token), PRIVATE_HEALTH_TO_MON.into()).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(env.instance.state.capabilities.appeals.view().public(0, 10).1, 0);
    // Bad input is refused with a message that says what to fix, and the form keeps it.
    let bad_place = env
        .post(
            "/appeals/new",
            Some("citizen"),
            "kind=proposal&topic=education&place=atlantis&visibility=public&title=T&text=X",
        )
        .await;
    assert_eq!(bad_place.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_place.body.contains("region/district"));
    let unknown = env.get("/appeals/a-nosuchappeal", None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_body_dauys_proposes_the_competent_one_and_the_api_files_with_a_receipt() {
    let env = start().await;
    let id = env
        .file(
            "citizen",
            "kind=proposal&topic=education&visibility=public&title=School%20bus&text=Please%20add%20a%20school%20bus.",
        )
        .await;
    assert_eq!(env.appeal(&id).body().as_str(), "mon");
    // The public appeal's text is on the log and in the open data.
    let doc = common::api_call(&env.instance, Method::GET, &format!("/api/v1/appeals/{id}"), None, false).await;
    assert_eq!(doc.0, StatusCode::OK);
    assert!(String::from_utf8_lossy(&doc.2).contains("school bus"));
    let csv = env.get("/api/v1/appeals.csv", None).await;
    assert!(csv.body.lines().nth(1).is_some_and(|l| l.starts_with(id.as_str())), "{}", csv.body);

    // The API: a session and its CSRF token; a receipt with the inclusion proof.
    let u = &env.users["neighbour"];
    let filing = serde_json::json!({
        "kind": "information_request", "topic": "health", "visibility": "public",
        "title": {"kk": "Емхана"}, "text": {"kk": "Емхананың жұмыс кестесі қандай?"}
    });
    let request = |csrf: Option<&str>| {
        let mut r = axum::http::Request::builder()
            .method(Method::POST)
            .uri("/api/v1/appeals?lang=kk")
            .header("cookie", format!("dauys_session={}", u.token))
            .header("content-type", "application/json");
        if let Some(c) = csrf {
            r = r.header("x-csrf-token", c);
        }
        r.body(axum::body::Body::from(filing.to_string())).unwrap()
    };
    let (status, _, _) = common::send(&env.instance, request(None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, headers, body) = common::send(&env.instance, request(Some(&u.csrf))).await;
    assert_eq!(status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&body));
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["receipt"]["body"], "moh", "proposed by competence");
    assert!(headers.get("location").is_some());
    let (unauthorised, _, _) =
        common::api_call(&env.instance, Method::POST, "/api/v1/appeals", Some(&filing), false).await;
    assert_eq!(unauthorised, StatusCode::UNAUTHORIZED);
    // Refused before the body is read: a body that is not even JSON gets the same 401, and
    // with a session but no CSRF token, 403.
    let garbage = |cookie: Option<&str>| {
        let mut r = axum::http::Request::builder()
            .method(Method::POST)
            .uri("/api/v1/appeals")
            .header("content-type", "application/json");
        if let Some(c) = cookie {
            r = r.header("cookie", format!("dauys_session={c}"));
        }
        r.body(axum::body::Body::from("{not json")).unwrap()
    };
    assert_eq!(common::send(&env.instance, garbage(None)).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(common::send(&env.instance, garbage(Some(&u.token))).await.0, StatusCode::FORBIDDEN);
    // No body competent for the topic: said so.
    let none = env
        .post("/appeals/new", Some("citizen"), "kind=proposal&topic=roads&visibility=public&title=Road&text=Potholes")
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.body.contains("No open body is competent"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_body_assigns_appeals_and_keeps_internal_notes_off_the_log_and_away_from_the_applicant() {
    let env = start().await;
    let id = env
        .file(
            "citizen",
            "body=mon&kind=proposal&topic=education&visibility=public&title=School%20bus&text=Please%20add%20a%20school%20bus.",
        )
        .await;
    let page = format!("/appeals/{id}");
    let (assign, notes) = (format!("{page}/assign"), format!("{page}/notes"));
    let account = |key: &str| env.users[key].account.id.to_string();
    let log_size = || env.instance.state.reader.size().expect("log size");

    // The body's inbox: new, and assigned to no one.
    let inbox = env.get("/office/appeals", Some("mon-official")).await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(inbox.body.contains(id.as_str()) && inbox.body.contains("Unassigned"), "{}", inbox.body);
    assert!(inbox.body.contains("1 new in the last working day"), "{}", inbox.body);
    let officials_page = env.get(&page, Some("mon-official")).await;
    assert!(officials_page.body.contains("id=\"assign-form\"") && officials_page.body.contains("id=\"note-form\""));

    // Who may not assign: a citizen, another body's official, a visitor; nor to a stranger.
    let to_head = format!("assignee={}", account("mon-head"));
    assert_eq!(env.post(&assign, Some("citizen"), &to_head).await.status, StatusCode::FORBIDDEN);
    assert_eq!(env.post(&assign, Some("moh-official"), &to_head).await.status, StatusCode::FORBIDDEN);
    let anonymous = env.post(&assign, None, &to_head).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location.starts_with("/login"), "{}", anonymous.location);
    for stranger in [account("moh-official"), account("citizen"), "u-nosuchaccount".to_owned(), "<b>".to_owned()] {
        let refused = env.post(&assign, Some("mon-official"), &format!("assignee={}", enc(&stranger))).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{stranger}");
        assert!(refused.body.contains("only to an official or the head of the body holding it"), "{}", refused.body);
    }
    // A forged form changes nothing.
    let u = &env.users["mon-official"];
    let forged = common::browse(&env.instance, Method::POST, &assign, Some(&u.token), to_head.clone()).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(env.get(&page, Some("mon-official")).await.body.contains("Unassigned"));

    // Assigned to the head, off the log; the filters follow it.
    let size = log_size();
    let assigned = env.post(&assign, Some("mon-official"), &to_head).await;
    assert_eq!(assigned.status, StatusCode::SEE_OTHER, "{}", assigned.body);
    assert_eq!(log_size(), size, "an assignment is not an act of the state");
    let head_page = env.get(&page, Some("mon-head")).await;
    assert!(head_page.body.contains(&account("mon-head")) && head_page.body.contains("(you)"), "{}", head_page.body);
    assert!(env.get("/office/appeals?show=mine", Some("mon-head")).await.body.contains(id.as_str()));
    assert!(!env.get("/office/appeals?show=mine", Some("mon-official")).await.body.contains(id.as_str()));
    assert!(!env.get("/office/appeals?show=unassigned", Some("mon-official")).await.body.contains(id.as_str()));
    let all = env.get("/office/appeals", Some("mon-official")).await;
    assert!(all.body.contains(id.as_str()) && all.body.contains(&account("mon-head")));
    // To oneself, and cleared.
    let me = format!("assignee={}", account("mon-official"));
    assert_eq!(env.post(&assign, Some("mon-official"), &me).await.status, StatusCode::SEE_OTHER);
    assert!(env.get("/office/appeals?show=mine", Some("mon-official")).await.body.contains(id.as_str()));
    assert_eq!(env.post(&assign, Some("mon-official"), "assignee=").await.status, StatusCode::SEE_OTHER);
    assert!(env.get("/office/appeals?show=unassigned", Some("mon-official")).await.body.contains(id.as_str()));
    assert_eq!(env.post(&assign, Some("mon-official"), &to_head).await.status, StatusCode::SEE_OTHER);

    // Notes: the body's officials write them; they never reach the log, the applicant, a
    // visitor, another body or the open data.
    let secret = "Call the school district before answering";
    let size = log_size();
    let added = env.post(&notes, Some("mon-official"), &format!("text={}", enc(secret))).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert_eq!(log_size(), size, "a note is never on the log");
    let head_page = env.get(&page, Some("mon-head")).await;
    assert!(head_page.body.contains(secret) && head_page.body.contains(&account("mon-official")), "{}", head_page.body);
    for who in [Some("citizen"), Some("neighbour"), Some("moh-official"), None] {
        let seen = env.get(&page, who).await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(!seen.body.contains(secret) && !seen.body.contains("Internal notes"), "{who:?} sees the notes");
        assert!(!seen.body.contains(&account("mon-head")), "{who:?} sees the assignee");
    }
    let applicants_page = env.get(&page, Some("citizen")).await;
    assert!(applicants_page.body.contains("school bus"), "the applicant still reads their appeal");
    let doc = common::api_call(&env.instance, Method::GET, &format!("/api/v1/appeals/{id}"), None, false).await;
    assert!(!String::from_utf8_lossy(&doc.2).contains(secret));
    let entries = env.get("/api/v1/log", None).await;
    assert!(!entries.body.contains(secret));

    // Who may not write one, and what is not a note.
    assert_eq!(env.post(&notes, Some("citizen"), "text=mine").await.status, StatusCode::FORBIDDEN);
    assert_eq!(env.post(&notes, Some("moh-official"), "text=ours").await.status, StatusCode::FORBIDDEN);
    let anonymous = env.post(&notes, None, "text=hello").await;
    assert!(anonymous.status == StatusCode::SEE_OTHER && anonymous.location.starts_with("/login"));
    let empty = env.post(&notes, Some("mon-official"), "text=%20%20").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Write the note first"));
    let long = env.post(&notes, Some("mon-official"), &format!("text={}", "a".repeat(2_001))).await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(long.body.contains("at most 2"), "{}", long.body);
    let forged = common::browse(&env.instance, Method::POST, &notes, Some(&u.token), "text=forged".into()).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let head_page = env.get(&page, Some("mon-head")).await;
    assert_eq!(head_page.body.matches("class=\"note\"").count(), 1, "only the one note was kept");
    // At most fifty on one appeal.
    for n in 1..50 {
        let added = env.post(&notes, Some("mon-head"), &format!("text=note%20{n}")).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "note {n}");
    }
    let full = env.post(&notes, Some("mon-official"), "text=one%20more").await;
    assert_eq!(full.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(full.body.contains("at most 50 notes"), "{}", full.body);
    assert_eq!(log_size(), size, "fifty notes and still nothing on the log");

    // Forwarded: the assignment no longer applies, and the new body does not read the notes.
    let forwarded = env.post(&format!("{page}/forward"), Some("mon-official"), "to=moh&reason=Not%20ours").await;
    assert_eq!(forwarded.status, StatusCode::SEE_OTHER, "{}", forwarded.body);
    let at_moh = env.get(&page, Some("moh-official")).await;
    assert!(at_moh.body.contains("Unassigned") && !at_moh.body.contains(secret), "{}", at_moh.body);
    let moh_inbox = env.get("/office/appeals?show=unassigned", Some("moh-official")).await;
    assert!(moh_inbox.body.contains(id.as_str()), "{}", moh_inbox.body);
    assert!(!env.get(&page, Some("mon-head")).await.body.contains(secret), "the former body no longer holds it");
    assert_eq!(env.post(&assign, Some("mon-official"), &to_head).await.status, StatusCode::FORBIDDEN);
    let refused = env.post(&assign, Some("moh-official"), &to_head).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "the former body's head is not staff here");
    let to_moh_head = format!("assignee={}", account("moh-head"));
    assert_eq!(env.post(&assign, Some("moh-official"), &to_moh_head).await.status, StatusCode::SEE_OTHER);
    assert!(env.get("/office/appeals?show=mine", Some("moh-head")).await.body.contains(id.as_str()));
    drop(env.db);
}

// ---------------------------------------------------------------------------------------
// Strings

fn ftl_ids(source: &str) -> BTreeSet<String> {
    source
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once('=').map(|(id, _)| id.trim().to_string()))
        .collect()
}

#[test]
fn every_appeal_string_is_in_kazakh_russian_and_english() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    let sets: Vec<BTreeSet<String>> = ["kk", "ru", "en"]
        .iter()
        .map(|l| ftl_ids(&std::fs::read_to_string(dir.join(l).join("appeals.ftl")).unwrap()))
        .collect();
    assert_eq!(sets[0], sets[1], "kk and ru differ");
    assert_eq!(sets[0], sets[2], "kk and en differ");
    let code = [include_str!("../../src/appeals/pages.rs"), include_str!("../../src/appeals/mod.rs")].concat();
    let mut used = BTreeSet::new();
    for (i, _) in code.match_indices("\"ap-") {
        let id: String = code[i + 1..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        if !id.ends_with('-') {
            used.insert(id);
        }
    }
    for k in dauys_core::AppealKind::ALL {
        used.insert(dauys_server::i18n::value_id("ap-kind-", k.as_str()));
    }
    for s in AppealStatus::ALL {
        used.insert(dauys_server::i18n::value_id("ap-status-", s.as_str()));
    }
    for o in dauys_core::AppealOutcome::ALL {
        used.insert(dauys_server::i18n::value_id("ap-outcome-", o.as_str()));
    }
    let missing: Vec<_> = used.difference(&sets[2]).collect();
    assert!(missing.is_empty(), "used but not translated: {missing:?}");
    for kind in dauys_core::Event::KINDS.iter().filter(|k| k.starts_with("appeal")) {
        let id = dauys_server::i18n::value_id("event-", &kind.replace('.', "-"));
        assert!(sets[2].contains(&id), "no label for {kind}");
    }
}

/// A key in the browser of `who`, registered on the log as theirs.
struct HeldKey {
    key: ed25519_dalek::SigningKey,
    id: String,
}

impl HeldKey {
    fn sign(&self, statement: &[u8]) -> String {
        use base64::Engine as _;
        use ed25519_dalek::Signer as _;
        base64::engine::general_purpose::STANDARD.encode(self.key.sign(statement).to_bytes())
    }

    /// The form fields the signing script adds to a form whose act it signs.
    fn fields(&self, statement: &[u8]) -> String {
        format!("act_key={}&act_sig={}", self.id, enc(&self.sign(statement)))
    }
}

impl Env {
    async fn hold_key(&self, who: &str, seed: u8) -> HeldKey {
        use base64::engine::general_purpose::STANDARD;
        use base64::Engine as _;
        use ed25519_dalek::Signer as _;
        let account = &self.users[who].account;
        let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
        let public = STANDARD.encode(key.verifying_key().as_bytes());
        let statement = format!("dauys-signer/v1\n{}\n{public}\n", account.id);
        let proof = STANDARD.encode(key.sign(statement.as_bytes()).to_bytes());
        let people = &self.instance.state.people;
        people.register_signing_key(account, public, proof, None, "http://dauys.test").await.expect("registered");
        let id = dauys_core::signers::signer_key_id(key.verifying_key().as_bytes());
        HeldKey { key, id }
    }
}

impl Env {
    /// The log's last entry is the act `statement` shows, signed with `key`.
    async fn assert_logged_as_signed(&self, key: &HeldKey, statement: &[u8]) {
        let reader = self.instance.state.reader.clone();
        let last = common::blocking(move || {
            let size = reader.size().expect("size");
            reader.entries(size - 1, size).expect("the last entry")
        })
        .await;
        let entry = dauys_core::Entry::decode(&last[0]).expect("an entry");
        assert_eq!(dauys_core::act_statement(&entry.event), statement, "logged as shown");
        assert_eq!(entry.signature.map(|s| s.key), Some(key.id.clone()), "signed with the official's key");
    }
}

impl Env {
    /// Sends `form` to `path` as `who`, whose act comes back to be signed; signs the act the
    /// page shows with `key` and sends it again, as the signing script does. The answer, and
    /// the statement signed.
    async fn send_signed(&self, who: &str, path: &str, form: &str, key: &HeldKey) -> (Reply, Vec<u8>) {
        let asked = self.post(path, Some(who), form).await;
        let (statement, token) = shown_act(&asked);
        let token = token.expect("an act that draws a nonce");
        let sent = self.post(path, Some(who), &format!("{form}&act_pending={token}&{}", key.fields(&statement))).await;
        (sent, statement)
    }
}

/// What a "Sign this act" page gives the signing script: the statement (decoded) and, for an
/// act that drew a nonce, the token of that nonce.
fn shown_act(page: &Reply) -> (Vec<u8>, Option<String>) {
    use base64::Engine as _;
    let attr = |name: &str| page.body.split(&format!("{name}=\"")).nth(1).and_then(|r| r.split('"').next());
    let statement = attr("data-act").expect("the page shows an act to sign");
    let statement = base64::engine::general_purpose::STANDARD.decode(statement).expect("base64");
    let token = page.body.split("name=\"act_pending\" value=\"").nth(1).and_then(|r| r.split('"').next());
    (statement, token.map(str::to_string))
}

/// An official who holds a signing key forwards an appeal only with its signature: sent
/// unsigned, the forwarding comes back as the page that shows the act and asks for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_official_who_holds_a_key_forwards_only_with_its_signature() {
    let env = start().await;
    let id = env.file("citizen", PRIVATE_HEALTH_TO_MON).await;
    let official = &env.users["mon-official"];
    let key = env.hold_key("mon-official", 41).await;

    let path = format!("/appeals/{id}/forward");
    let form = format!("to=moh&reason={}", enc("Health is the ministry of health's"));
    let asked = env.post(&path, Some("mon-official"), &form).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert!(asked.body.contains("Sign this act"), "{}", asked.body);
    assert_eq!(env.appeal(&id).body().as_str(), "mon", "forwarded unsigned");
    let forwarded = dauys_core::Event::AppealForwarded {
        appeal: id.clone(),
        by: official.account.id.clone(),
        to: "moh".parse().expect("body"),
        reason: "Health is the ministry of health's".into(),
    };
    let (shown, token) = shown_act(&asked);
    assert_eq!(shown, dauys_core::act_statement(&forwarded));
    assert_eq!(token, None, "a forwarding draws no nonce");
    let signed = env.post(&path, Some("mon-official"), &format!("{form}&{}", key.fields(&shown))).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    assert_eq!(env.appeal(&id).body().as_str(), "moh");
}

/// Acts that draw a nonce (an opening of personal data; the commitment to a private case's
/// sealed answer or question) are shown for signing with a token that finds their nonce
/// again: signed, they are logged as shown; the token works once, for its own official, and
/// only for the act it was shown with.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_official_who_holds_a_key_opens_asks_and_answers_only_with_its_signature() {
    let env = start().await;
    let id = env.file("citizen", PRIVATE_HEALTH_TO_MON).await;
    let key = env.hold_key("mon-official", 42).await;
    // Opening the case: shown for signing, with nothing shown of the case yet.
    let open = format!("/appeals/{id}/open");
    let purpose = "purpose=Considering%20the%20appeal";
    let opened_before = env.count("personal_data.opened").await;
    let asked = env.post(&open, Some("mon-official"), purpose).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert!(asked.body.contains("Sign this act") && !asked.body.contains("polyclinic"), "{}", asked.body);
    let (statement, token) = shown_act(&asked);
    let token = token.expect("an opening draws a nonce");
    assert_eq!(env.count("personal_data.opened").await, opened_before, "nothing logged before the signature");
    // Sent back unsigned (a browser without her key): the same act again (its nonce was never
    // logged), under a new token; the first is spent.
    let unsigned = env.post(&open, Some("mon-official"), &format!("{purpose}&act_pending={token}")).await;
    assert!(unsigned.body.contains("Sign this act"), "{}", unsigned.body);
    let (again, new_token) = shown_act(&unsigned);
    let new_token = new_token.expect("a new token");
    assert_eq!(again, statement);
    let spent = env.post(&open, Some("mon-official"), &format!("{purpose}&act_pending={token}")).await;
    assert!(spent.body.contains("no longer waiting to be signed"), "{}", spent.body);
    let token = new_token;
    // Signed by a key that is not hers: refused, and the token is spent.
    let stranger = HeldKey { key: ed25519_dalek::SigningKey::from_bytes(&[7; 32]), id: key.id.clone() };
    let forged = env
        .post(&open, Some("mon-official"), &format!("{purpose}&act_pending={token}&{}", stranger.fields(&again)))
        .await;
    assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", forged.body);
    assert!(!forged.body.contains("polyclinic"));
    let reused =
        env.post(&open, Some("mon-official"), &format!("{purpose}&act_pending={token}&{}", key.fields(&again))).await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reused.body);
    assert!(reused.body.contains("no longer waiting to be signed"), "{}", reused.body);
    // Another official cannot use her token, even with her signature.
    let asked = env.post(&open, Some("mon-official"), purpose).await;
    let (statement, token) = shown_act(&asked);
    let token = token.expect("token");
    let taken =
        env.post(&open, Some("mon-head"), &format!("{purpose}&act_pending={token}&{}", key.fields(&statement))).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", taken.body);
    assert_eq!(env.count("personal_data.opened").await, opened_before);
    // Her own signature opens the case, logged as she signed it.
    let opened = env
        .post(&open, Some("mon-official"), &format!("{purpose}&act_pending={token}&{}", key.fields(&statement)))
        .await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    assert!(opened.body.contains("The polyclinic refuses"), "{}", opened.body);
    env.assert_logged_as_signed(&key, &statement).await;
    assert_eq!(env.count("personal_data.opened").await, opened_before + 1);

    // A question for the applicant: the page shows the sealed text beside its commitment.
    let ask = format!("/appeals/{id}/ask");
    let question = format!("text={}", enc("Which polyclinic, and since when?"));
    let asked = env.post(&ask, Some("mon-official"), &question).await;
    assert!(asked.body.contains("Sign this act") && asked.body.contains("Which polyclinic, and since when?"));
    let (statement, token) = shown_act(&asked);
    let token = token.expect("a sealed text draws a nonce");
    // The token signs only the text it was shown with.
    let changed = format!("text={}", enc("Something else entirely"));
    let swapped = env
        .post(&ask, Some("mon-official"), &format!("{changed}&act_pending={token}&{}", key.fields(&statement)))
        .await;
    assert_eq!(swapped.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", swapped.body);
    assert_eq!(env.appeal(&id).status, AppealStatus::InProgress);
    let (sent, statement) = env.send_signed("mon-official", &ask, &question, &key).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    env.assert_logged_as_signed(&key, &statement).await;
    let page = env.get(&format!("/appeals/{id}"), Some("citizen")).await;
    assert!(page.body.contains("Which polyclinic, and since when?"), "the applicant reads the sealed question");

    // The answer, the same way.
    let answer = format!("/appeals/{id}/answer");
    let text = format!("outcome=satisfied&text={}", enc("Registered today."));
    let asked = env.post(&answer, Some("mon-official"), &text).await;
    assert!(asked.body.contains("Registered today."), "{}", asked.body);
    let (sent, statement) = env.send_signed("mon-official", &answer, &text, &key).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    env.assert_logged_as_signed(&key, &statement).await;
    assert_eq!(env.appeal(&id).status, AppealStatus::Answered);
    assert!(env.get(&format!("/appeals/{id}"), Some("citizen")).await.body.contains("Registered today."));
}

/// An official who holds a key opens a person's record from /office only once they signed
/// the opening; a token shown for one person opens no one else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_official_who_holds_a_key_opens_a_record_only_with_its_signature() {
    let env = start().await;
    let key = env.hold_key("mon-official", 43).await;
    let open = |iin: &str| {
        format!("account={iin}&body=mon&basis=appeal-consideration&purpose=Checking%20an%20address&case=A-9")
    };
    let before = env.count("personal_data.opened").await;
    let asked = env.post("/office/person", Some("mon-official"), &open("880101300010")).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert!(asked.body.contains("Sign this act") && asked.body.contains("880101300010"), "{}", asked.body);
    assert!(!asked.body.contains("Айгерім"), "nothing of the record before the signature");
    assert!(asked.body.contains("Sign, log and open the record"), "{}", asked.body);
    let (statement, token) = shown_act(&asked);
    let token = token.expect("an opening draws a nonce");
    // Signed for the citizen, sent for the neighbour: the act rebuilt for the neighbour is
    // not what she signed.
    let other = env
        .post(
            "/office/person",
            Some("mon-official"),
            &format!("{}&act_pending={token}&{}", open("920505400023"), key.fields(&statement)),
        )
        .await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", other.body);
    assert_eq!(env.count("personal_data.opened").await, before);
    let (opened, _) = env.send_signed("mon-official", "/office/person", &open("880101300010"), &key).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    assert!(opened.body.contains("opened-record"), "{}", opened.body);
    assert_eq!(env.count("personal_data.opened").await, before + 1);
    let access = env.get("/me/access", Some("citizen")).await;
    assert!(access.body.contains("Checking an address"), "the citizen sees the signed opening");
}
