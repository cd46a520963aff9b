//! People on real storage, both backends: a stolen database reveals no personal data, and
//! every role against every protected page gets exactly the answer the policy promises.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{account, blocking, sign_up};
use dauys_core::{AccountId, Role, VerificationMethod};
use dauys_server::config::Config;
use dauys_server::people::IdentityClaim;
use dauys_server::{router, Instance};
use dauys_testkit::{Backend, TestDatabase};
use tower::ServiceExt;

use crate::common;

const BODY: &str = "akimat-test";

struct Person {
    email: &'static str,
    iin: &'static str,
    given: &'static str,
    family: &'static str,
    phone: &'static str,
    locality: &'static str,
}

/// Valid IINs (check digits computed by hand in dauys-identity's tests and the OIDC test
/// provider); names chosen so that no other text on the ledger contains them.
const PEOPLE: [Person; 3] = [
    Person {
        email: "aigerim.seitova@example.kz",
        iin: "900315401233",
        given: "Айгерім",
        family: "Сейітова",
        phone: "+77011234567",
        locality: "almaty-city",
    },
    Person {
        email: "nurlan.zhaksybekov@example.kz",
        iin: "851102304561",
        given: "Нұрлан",
        family: "Жақсыбеков",
        phone: "+77027654321",
        locality: "akmola/kokshetau",
    },
    Person {
        email: "dana.omarova@example.kz",
        iin: "040721607896",
        given: "Дана",
        family: "Омарова",
        phone: "+77719876543",
        locality: "astana",
    },
];

async fn start(backend: Backend) -> (Instance, TestDatabase) {
    let db = TestDatabase::new(backend);
    let config = Config { first_administrator_email: "admin@example.kz".into(), ..common::config(&db) };
    let instance = common::instance(config).await;
    let name = dauys_core::LocalizedText::new("Сынақ әкімдігі", "Тестовый акимат", "Test akimat");
    common::register_body(&instance, BODY, dauys_core::BodyKind::Akimat, name).await;
    (instance, db)
}

/// Fills an instance with people, verified, with phones, one of them opened by an official.
async fn populate(instance: &Instance) -> (AccountId, Vec<AccountId>) {
    let people = instance.state.people.clone();
    let admin = sign_up(&people, "admin@example.kz").await;
    people.grant_first_administrator(&admin).await.expect("first administrator");
    let official = sign_up(&people, "official@example.kz").await;
    common::grant(instance, &official, Role::Official, Some(BODY), &admin).await;
    let admin_account = account(&people, &admin).await;
    let mut ids = Vec::new();
    for person in &PEOPLE {
        let id = sign_up(&people, person.email).await;
        let claim = common::claim(person.iin, person.given, person.family, person.locality);
        people.verify(&id, &claim, VerificationMethod::Manual, Some(&admin_account)).await.expect("verified");
        let (p, a, phone) = (people.clone(), account(&people, &id).await, person.phone);
        let email = person.email;
        blocking(move || p.update_contacts(&a, email, phone, "http://dauys.test")).await.expect("phone saved");
        ids.push(id);
    }
    let official_account = account(&people, &official).await;
    let (profile, _) = people
        .open_personal_data(
            &official_account,
            ids[0].as_str(),
            &BODY.parse().unwrap(),
            &"appeal-consideration".parse().unwrap(),
            "Answer to appeal A-17",
            "A-17",
            None,
        )
        .await
        .expect("opened");
    assert_eq!(profile.identity.as_ref().map(|i| i.iin.as_str()), Some(PEOPLE[0].iin));
    (admin, ids)
}

/// Every encoding in which a value could sit in a file: as text, UTF-16, hex and base64.
fn encodings(value: &str) -> Vec<Vec<u8>> {
    use base64::Engine as _;
    let utf8 = value.as_bytes().to_vec();
    let utf16: Vec<u8> = value.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let mut forms = vec![utf8.clone(), utf16, hex::encode(&utf8).into_bytes(), hex::encode_upper(&utf8).into_bytes()];
    // Base64 of the value at each of the three alignments it could have inside a longer text.
    for shift in 0..3usize {
        let mut padded = vec![0u8; shift];
        padded.extend_from_slice(&utf8);
        let encoded = base64::engine::general_purpose::STANDARD.encode(&padded);
        let skip = (shift * 4).div_ceil(3);
        let keep = encoded.len().saturating_sub(skip + 4);
        if keep > 8 {
            forms.push(encoded.as_bytes()[skip..skip + keep].to_vec());
        }
    }
    forms
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Everything the database holds, as an attacker who copied it would have it.
fn database_bytes(backend: Backend, db: &TestDatabase) -> Vec<u8> {
    match backend {
        Backend::Sqlite => {
            let mut all = Vec::new();
            for entry in std::fs::read_dir(db.dir.path()).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                // The key files are what the operator keeps outside the database.
                if name.contains("sqlite") {
                    match std::fs::read(&path) {
                        Ok(bytes) => all.extend(bytes),
                        // A rollback journal the running server removed meanwhile.
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => panic!("{}: {e}", path.display()),
                    }
                }
            }
            all
        }
        Backend::Postgres => {
            let out = std::process::Command::new("pg_dump")
                .arg("--data-only")
                .arg(db.database_url())
                .output()
                .expect("pg_dump runs (PostgreSQL client tools, installed with the server)");
            assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
            out.stdout
        }
    }
}

async fn a_stolen_database_reveals_no_personal_data(backend: Backend) {
    let (instance, db) = start(backend).await;
    let (_, ids) = populate(&instance).await;
    instance.shutdown().await.expect("clean shutdown");
    let dump = database_bytes(backend, &db);

    // The search works: account ids, which are not personal data, are found in it.
    for id in &ids {
        assert!(contains(&dump, id.as_str().as_bytes()), "control: account id {id} not found in the copy");
    }
    for person in &PEOPLE {
        let phone_digits = person.phone.trim_start_matches('+');
        for secret in [person.iin, person.given, person.family, person.email, person.phone, phone_digits] {
            for (form, bytes) in encodings(secret).iter().enumerate() {
                assert!(!contains(&dump, bytes), "{secret:?} found in the copied database (encoding #{form})");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stolen_sqlite_database_reveals_no_personal_data() {
    a_stolen_database_reveals_no_personal_data(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stolen_postgres_dump_reveals_no_personal_data() {
    a_stolen_database_reveals_no_personal_data(Backend::Postgres).await;
}

/// Who is asking, in the role matrix.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Citizen,
    Moderator,
    Official,
    Head,
    Auditor,
    Administrator,
}

/// What a page answered, reduced to the authorization decision.
#[derive(Debug, PartialEq)]
enum Answer {
    /// Sent to the sign-in page.
    SignIn,
    Forbidden,
    /// Authorization passed (the page rendered, or the form was refused for its content).
    Allowed,
}

use Answer::{Allowed as A, Forbidden as F, SignIn as S};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_against_every_protected_page() {
    let (instance, _db) = start(Backend::Sqlite).await;
    let (admin, ids) = populate(&instance).await;
    let people = instance.state.people.clone();
    let subject = ids[1].clone();
    let mut tokens = Vec::new();
    for who in [Who::Citizen, Who::Moderator, Who::Official, Who::Head, Who::Auditor] {
        let email: &'static str = Box::leak(format!("{who:?}-matrix@example.kz").to_lowercase().into_boxed_str());
        let id = sign_up(&people, email).await;
        match who {
            Who::Moderator => common::grant(&instance, &id, Role::Moderator, None, &admin).await,
            Who::Official => common::grant(&instance, &id, Role::Official, Some(BODY), &admin).await,
            Who::Head => common::grant(&instance, &id, Role::Head, Some(BODY), &admin).await,
            Who::Auditor => common::grant(&instance, &id, Role::Auditor, None, &admin).await,
            _ => {}
        }
        tokens.push((who, id));
    }
    tokens.push((Who::Administrator, admin.clone()));
    let mut sessions = vec![(Who::Anonymous, None)];
    for (who, id) in tokens {
        let a = account(&people, &id).await;
        let p = people.clone();
        let session = blocking(move || {
            let token = p.start_session(&a, 3_600_000).expect("session");
            let s = p.session(&token).expect("session read").expect("live session");
            (token, s.csrf)
        })
        .await;
        sessions.push((who, Some(session)));
    }

    let verify = format!("/admin/people/{subject}/verify");
    // (method, path, form, expected for: anonymous, citizen, moderator, official, head, auditor, administrator)
    let matrix: Vec<(Method, String, &str, [Answer; 7])> = vec![
        (Method::GET, "/me".into(), "", [S, A, A, A, A, A, A]),
        (Method::GET, "/me/access".into(), "", [S, A, A, A, A, A, A]),
        (Method::GET, "/me/data.json".into(), "", [S, A, A, A, A, A, A]),
        (Method::GET, "/admin/people".into(), "", [S, F, F, F, F, F, A]),
        (Method::GET, verify.clone(), "", [S, F, F, F, F, F, A]),
        (Method::POST, verify.clone(), "iin=1", [S, F, F, F, F, F, A]),
        (Method::POST, "/admin/roles".into(), "account=&role=official", [S, F, F, F, F, F, A]),
        (Method::POST, "/admin/roles/revoke".into(), "account=&role=official", [S, F, F, F, F, F, A]),
        (Method::GET, "/admin/bodies".into(), "", [S, F, F, F, F, F, A]),
        (Method::POST, "/admin/bodies".into(), "body=", [S, F, F, F, F, F, A]),
        (Method::GET, "/admin/registry".into(), "", [S, F, F, F, F, F, A]),
        (Method::POST, "/admin/registry".into(), "csv=", [S, F, F, F, F, F, A]),
        (Method::GET, "/audit/openings".into(), "", [S, F, F, F, F, A, A]),
        (Method::GET, "/verify".into(), "", [S, A, A, A, A, A, A]),
        (Method::GET, "/verify/registry".into(), "", [S, A, A, A, A, A, A]),
        (Method::POST, "/verify/registry".into(), "iin=123", [S, A, A, A, A, A, A]),
        (Method::GET, "/admin/keys".into(), "", [S, F, F, F, F, F, A]),
        (Method::POST, "/admin/keys/rotate".into(), "", [S, F, F, F, F, F, A]),
        (Method::GET, "/office".into(), "", [S, F, F, A, A, F, F]),
        (Method::GET, "/office/person?account=SUBJECT".into(), "", [S, F, F, A, A, F, F]),
        (Method::GET, "/office/petitions".into(), "", [S, F, F, A, A, F, F]),
        (Method::GET, "/office/petitions/p-nosuchthing/answer".into(), "", [S, F, F, A, A, F, F]),
        (Method::GET, "/moderation".into(), "", [S, F, A, F, F, F, F]),
        (
            Method::POST,
            "/office/person".into(),
            "account=SUBJECT&body=akimat-test&basis=appeal-consideration&purpose=Check&case=C-1",
            [S, F, F, A, A, F, F],
        ),
    ];
    for (method, path, form, expected) in matrix {
        for ((who, session), expect) in sessions.iter().zip(expected) {
            let mut request = Request::builder().method(method.clone()).uri(path.replace("SUBJECT", subject.as_str()));
            let mut body = form.replace("SUBJECT", subject.as_str());
            if let Some((token, csrf)) = session {
                request = request.header(header::COOKIE, format!("dauys_session={token}"));
                body = if body.is_empty() { format!("csrf={csrf}") } else { format!("{body}&csrf={csrf}") };
            }
            let request = if method == Method::POST {
                request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from(body))
            } else {
                request.body(Body::empty())
            }
            .unwrap();
            let response = router(instance.state.clone()).oneshot(request).await.unwrap();
            let status = response.status();
            let location = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("");
            let got = if status.is_redirection() && location.starts_with("/login") {
                S
            } else if status == StatusCode::FORBIDDEN {
                F
            } else {
                A
            };
            assert_eq!(got, expect, "{who:?} {method} {path}: status {status}, location {location:?}");
        }
    }

    // The form to open a person's record is refused to a citizen as its submit is, with the
    // translated page, and shown to an official.
    let uri = format!("/office/person?account={subject}&lang=ru");
    for (who, want) in [(Who::Citizen, StatusCode::FORBIDDEN), (Who::Official, StatusCode::OK)] {
        let token = sessions.iter().find(|(w, _)| *w == who).and_then(|(_, s)| s.as_ref()).map(|(t, _)| t).unwrap();
        let request =
            Request::get(uri.as_str()).header(header::COOKIE, format!("dauys_session={token}")).body(Body::empty());
        let response = router(instance.state.clone()).oneshot(request.unwrap()).await.unwrap();
        assert_eq!(response.status(), want, "{who:?} GET {uri}");
        let html = String::from_utf8(axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap().to_vec());
        let html = html.unwrap();
        if who == Who::Citizen {
            assert!(html.contains("У вашей учётной записи нет нужной для этого роли."), "{html}");
            assert!(!html.contains("name=\"purpose\""), "no form for a citizen");
        } else {
            assert!(html.contains("name=\"purpose\"") && html.contains(subject.as_str()), "{html}");
        }
    }
}

/// An official finds a person by the IIN they were given. The look is logged whether or not
/// it finds an account (whether someone has one is theirs to know), the IIN never goes in an
/// address, and the person sees the look under the name the official's grant gave them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_official_opens_a_record_by_iin_and_is_named_to_the_person() {
    let (instance, _db) = start(Backend::Sqlite).await;
    let (admin, ids) = populate(&instance).await;
    let people = instance.state.people.clone();
    let named = sign_up(&people, "named.official@example.kz").await;
    let name = "Ерлан Асқаров, бас маман";
    let grant = dauys_core::Event::RoleGranted {
        account: named.clone(),
        role: Role::Official,
        body: Some(BODY.parse().unwrap()),
        by: Some(admin.clone()),
        name: Some(name.into()),
    };
    common::submit(&instance, grant).await;
    let official = common::sign_in(&people, account(&people, &named).await).await;

    // The form is on /office itself, and posts; an IIN put in the address is not carried in.
    let office = common::browse(&instance, Method::GET, "/office", Some(&official.token), String::new()).await;
    assert!(
        office.body.contains("method=\"post\" action=\"/office/person\"") && office.body.contains("IIN or account")
    );
    let by_address = format!("/office/person?account={}", PEOPLE[1].iin);
    let prefilled = common::browse(&instance, Method::GET, &by_address, Some(&official.token), String::new()).await;
    assert_eq!(prefilled.status, StatusCode::OK);
    assert!(!prefilled.body.contains(&format!("value=\"{}\"", PEOPLE[1].iin)), "{}", prefilled.body);
    let form = |subject: &str, purpose: &str| {
        format!(
            "account={subject}&body={BODY}&basis=appeal-consideration&purpose={purpose}&case=A-18&csrf={}",
            official.csrf
        )
    };
    let opened =
        common::browse(&instance, Method::POST, "/office/person", Some(&official.token), form(PEOPLE[1].iin, "Check"))
            .await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    assert!(opened.body.contains("id=\"opened-record\"") && opened.body.contains(PEOPLE[1].family), "{}", opened.body);

    // The person sees who looked, by name.
    let subject = common::sign_in(&people, account(&people, &ids[1]).await).await;
    let seen = common::browse(&instance, Method::GET, "/me/access", Some(&subject.token), String::new()).await;
    assert!(seen.body.contains(name) && seen.body.contains(named.as_str()), "{}", seen.body);

    // An IIN with no account: the search is logged all the same, and says so.
    let size = instance.state.reader.size().unwrap();
    let nobody = "870412300416";
    let none =
        common::browse(&instance, Method::POST, "/office/person", Some(&official.token), form(nobody, "Check")).await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(none.body.contains("id=\"no-account\"") && none.body.contains("No one with this IIN"), "{}", none.body);
    assert!(!none.body.contains("opened-record"));
    let logged = instance.state.reader.size().unwrap();
    assert!(logged > size, "the search is on the log");

    // Refused before anything is logged: an IIN whose check digit is wrong, no purpose, a citizen.
    for bad in [form("870412300417", "Check"), form(PEOPLE[1].iin, "")] {
        let refused = common::browse(&instance, Method::POST, "/office/person", Some(&official.token), bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert!(!refused.body.contains("opened-record"));
    }
    let citizen_form = format!(
        "account={}&body={BODY}&basis=appeal-consideration&purpose=Check&case=A-18&csrf={}",
        PEOPLE[2].iin, subject.csrf
    );
    let refused = common::browse(&instance, Method::POST, "/office/person", Some(&subject.token), citizen_form).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(instance.state.reader.size().unwrap(), logged, "no refused look was logged");
}

/// The data directory and all in it are the server's user's alone: the directory and the
/// mail spool 0700; every file — keys, databases with their `-wal` and `-shm`, the writer
/// lock, mail — 0600.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_directory_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let db = TestDatabase::new(Backend::Sqlite);
    // A directory the server creates (the test's own temporary one is already 0700).
    let data = db.dir.path().join("data");
    let instance = common::instance(Config { data_dir: data.clone(), ..common::config(&db) }).await;
    let (status, _, _) =
        form_post(&instance, "/signup", "email=private%40example.kz&password=correct+horse+battery+staple".into())
            .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    first_mail(&data.join("mail")).await;
    let mut seen = Vec::new();
    let mut dirs = vec![data.clone()];
    while let Some(dir) = dirs.pop() {
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", dir.display());
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            // A file SQLite removed meanwhile (a rollback journal) has nothing to check.
            let Ok(meta) = std::fs::metadata(&path) else { continue };
            if meta.is_dir() {
                dirs.push(path);
            } else {
                assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{}", path.display());
                seen.push(path.file_name().unwrap().to_string_lossy().into_owned());
            }
        }
    }
    for file in ["log-signing.key", "dauys.sqlite3", "dauys.sqlite3-wal", "dauys.people.sqlite3", "dauys.writer.lock"] {
        assert!(seen.iter().any(|s| s == file), "{file} in {seen:?}");
    }
    instance.shutdown().await.expect("shutdown");
}

/// The first message the file mail sender writes to `dir`, within 20 seconds.
async fn first_mail(dir: &std::path::Path) -> String {
    common::wait_for_mail(dir, "mail", |mails| !mails.is_empty()).await.swap_remove(0)
}

async fn form_post(instance: &Instance, path: &str, body: String) -> (StatusCode, String, String) {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, "dauys_form=tok")
        .body(Body::from(format!("csrf=tok&{body}")))
        .unwrap();
    let response = router(instance.state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let location = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, location, String::from_utf8_lossy(&bytes).into_owned())
}

/// The text of the element with `id`, tags stripped (enough for the notices here).
fn notice_text(html: &str, id: &str) -> Option<String> {
    let start = html.find(&format!("id=\"{id}\""))?;
    let end = html[start..].find("</div>")? + start;
    let inner = &html[start..end];
    let mut text = String::new();
    let mut in_tag = true;
    for c in inner.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    Some(text.trim().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_reset_link_works_once_and_ends_every_session() {
    let (instance, db) = start(Backend::Sqlite).await;
    let people = instance.state.people.clone();
    let id = sign_up(&people, "reset.me@example.kz").await;
    let a = account(&people, &id).await;
    let p = people.clone();
    let old_session = blocking(move || p.start_session(&a, 3_600_000).expect("session")).await;

    let (status, _, known) = form_post(&instance, "/reset", "email=Reset.Me%40example.kz".into()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, unknown) = form_post(&instance, "/reset", "email=nobody%40example.kz".into()).await;
    assert_eq!(status, StatusCode::OK);
    let said = notice_text(&known, "link-sent").expect("a notice that the link was sent");
    assert_eq!(Some(said), notice_text(&unknown, "link-sent"), "the answer tells whether an account exists");

    // The file sender writes the link; exactly one message, for the known address.
    let mail_dir = db.dir.path().join("mail");
    let message = first_mail(&mail_dir).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(std::fs::read_dir(&mail_dir).unwrap().count(), 1, "mail was sent for an unknown address");
    assert!(message.starts_with("To: reset.me@example.kz"), "{message}");
    let at = message.find("/reset/").expect("a reset link") + "/reset/".len();
    let token: String =
        message[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-').collect();

    let get = |path: String| {
        let state = instance.state.clone();
        async move {
            let response = router(state).oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
            response.status()
        }
    };
    assert_eq!(get(format!("/reset/{token}")).await, StatusCode::OK);
    let (status, _, _) = form_post(&instance, &format!("/reset/{token}"), "password=short".into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a too-short password is refused");
    let (status, location, _) =
        form_post(&instance, &format!("/reset/{token}"), "password=a+brand+new+passphrase".into()).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/login?reset=1"));

    let p = people.clone();
    let (old_ok, new_ok, session_left) = blocking(move || {
        (
            p.check_password("reset.me@example.kz", "correct horse battery staple").is_ok(),
            p.check_password("reset.me@example.kz", "a brand new passphrase").is_ok(),
            p.session(&old_session).expect("session lookup").is_some(),
        )
    })
    .await;
    assert!(!old_ok && new_ok && !session_left, "old password {old_ok}, new {new_ok}, old session {session_left}");

    // Once used, the link is dead; so is a tampered or expired one.
    let (status, _, _) =
        form_post(&instance, &format!("/reset/{token}"), "password=yet+another+passphrase".into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut tampered = token.clone();
    tampered.push('0');
    assert_eq!(get(format!("/reset/{tampered}")).await, StatusCode::UNPROCESSABLE_ENTITY);
    let (p, i) = (people.clone(), id.to_string());
    let expired = blocking(move || p.reset_token(&i, 1).expect("token")).await;
    assert_eq!(get(format!("/reset/{expired}")).await, StatusCode::UNPROCESSABLE_ENTITY);
    drop(people);
    instance.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_mails_a_link_that_confirms_the_address() {
    let (instance, db) = start(Backend::Sqlite).await;
    let (status, location, _) =
        form_post(&instance, "/signup", "email=confirm.me%40example.kz&password=correct+horse+battery+staple".into())
            .await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/login?created=1"));
    let message = first_mail(&db.dir.path().join("mail")).await;
    assert!(message.starts_with("To: confirm.me@example.kz"), "{message}");
    let at = message.find("/confirm/").expect("a confirmation link") + "/confirm/".len();
    let token: String =
        message[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-').collect();
    let account_id = token.split('.').next().unwrap().to_string();
    let confirmed = |id: String| {
        let people = instance.state.people.clone();
        blocking(move || people.account(&id).expect("account").row.email_verified)
    };
    assert!(!confirmed(account_id.clone()).await);
    let get = |path: String| {
        let state = instance.state.clone();
        async move { router(state).oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap().status() }
    };
    let mut tampered = token.clone();
    tampered.push('0');
    assert_eq!(get(format!("/confirm/{tampered}")).await, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!confirmed(account_id.clone()).await, "a tampered link confirmed the address");
    assert_eq!(get(format!("/confirm/{token}")).await, StatusCode::OK);
    assert!(confirmed(account_id).await);
    instance.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_pseudonym_key_rotation_nobody_is_lost_and_nobody_verifies_twice() {
    let (instance, db) = start(Backend::Sqlite).await;
    let (admin, ids) = populate(&instance).await;
    let people = instance.state.people.clone();
    let admin_account = account(&people, &admin).await;
    let citizen = account(&people, &ids[0]).await;
    assert!(matches!(
        people.rotate_pseudonym_key(&citizen, None).await,
        Err(dauys_server::people::PeopleError::Denied(_))
    ));
    people.rotate_pseudonym_key(&admin_account, None).await.expect("rotated");
    assert_eq!(people.pseudonym_key_version(), 2);
    let ring = std::fs::read_to_string(db.dir.path().join("pseudonym.keys")).expect("ring file");
    assert_eq!(ring.lines().filter(|l| l.starts_with('v')).count(), 2, "both versions are kept");
    let reader = instance.state.reader.clone();
    let logged =
        blocking(move || reader.projection_row("key/pseudonym").expect("row")).await.expect("key.rotated logged");
    assert!(logged.contains("\"version\":2"), "{logged}");

    // Accounts made before the rotation still sign in; their openings still open.
    let p = people.clone();
    let signed_in = blocking(move || p.check_password(PEOPLE[0].email, "correct horse battery staple").is_ok()).await;
    assert!(signed_in, "an account made before the rotation cannot sign in");
    let (p, c) = (people.clone(), citizen.clone());
    let seen = blocking(move || p.openings_seen_by(&c, u64::MAX).expect("openings")).await;
    assert_eq!(seen.len(), 1);
    assert!(seen[0].pseudonym.starts_with("ps1-"), "{}", seen[0].pseudonym);

    // The same person cannot be verified again under the new key version.
    let twin = sign_up(&people, "twin@example.kz").await;
    let claim = IdentityClaim {
        iin: PEOPLE[0].iin.into(),
        given_name: PEOPLE[0].given.into(),
        family_name: PEOPLE[0].family.into(),
        locality: PEOPLE[0].locality.parse().unwrap(),
    };
    let twice = people.verify(&twin, &claim, VerificationMethod::Manual, Some(&admin_account)).await;
    assert!(matches!(twice, Err(dauys_server::people::PeopleError::IdentityTaken)), "{twice:?}");
    // A new person gets a pseudonym of the new version.
    let newcomer = sign_up(&people, "newcomer@example.kz").await;
    let claim = IdentityClaim {
        iin: "950612401237".into(),
        given_name: "Сәуле".into(),
        family_name: "Ахметова".into(),
        locality: "astana".parse().unwrap(),
    };
    people.verify(&newcomer, &claim, VerificationMethod::Manual, Some(&admin_account)).await.expect("verified");
    let person = account(&people, &newcomer).await.row.person.expect("pseudonym");
    assert!(person.starts_with("ps2-"), "{person}");
    drop(people);
    instance.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_sign_in_address_needs_it_confirmed_again_and_frees_the_old_one() {
    let (instance, _db) = start(Backend::Sqlite).await;
    let people = instance.state.people.clone();
    let id = sign_up(&people, "old.address@example.kz").await;
    sign_up(&people, "taken@example.kz").await;
    let a = account(&people, &id).await;
    let p = people.clone();
    let taken = blocking(move || p.update_contacts(&a, "Taken@example.kz", "", "http://dauys.test")).await;
    assert!(matches!(taken, Err(dauys_server::people::PeopleError::EmailUnavailable)), "{taken:?}");
    let a = account(&people, &id).await;
    let p = people.clone();
    blocking(move || p.update_contacts(&a, "new.address@example.kz", "+77011234567", "http://dauys.test"))
        .await
        .expect("changed");
    let p = people.clone();
    let (old_ok, new_ok, reuse) = blocking(move || {
        (
            p.check_password("old.address@example.kz", "correct horse battery staple").is_ok(),
            p.check_password("new.address@example.kz", "correct horse battery staple").is_ok(),
            p.sign_up("old.address@example.kz", "correct horse battery staple").expect("sign-up").is_some(),
        )
    })
    .await;
    assert!(!old_ok && new_ok && reuse, "old address signs in {old_ok}, new {new_ok}, old reusable {reuse}");
    let a = account(&people, &id).await;
    assert!(!a.row.email_verified);
    let p = people.clone();
    let profile = blocking(move || p.profile(&a.row).expect("profile")).await;
    assert_eq!((profile.email.as_str(), profile.phone.as_deref()), ("new.address@example.kz", Some("+77011234567")));
    drop(people);
    instance.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_configured_first_administrator_is_granted_at_sign_in_if_sign_up_did_not() {
    let (instance, _db) = start(Backend::Sqlite).await;
    let people = instance.state.people.clone();
    // As if the server stopped between creating the account and logging the grant.
    let id = sign_up(&people, "admin@example.kz").await;
    assert!(account(&people, &id).await.staff.is_none());
    let (status, location, _) = form_post(
        &instance,
        "/login",
        "email=admin%40example.kz&password=correct+horse+battery+staple&next=/me".into(),
    )
    .await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/me"));
    let staff = account(&people, &id).await.staff.expect("a role after signing in");
    assert!(staff.holds(Role::Administrator, None));
    // Another account signing in changes nothing.
    let other = sign_up(&people, "someone@example.kz").await;
    let (status, _, _) =
        form_post(&instance, "/login", "email=someone%40example.kz&password=correct+horse+battery+staple".into()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(account(&people, &other).await.staff.is_none());
    drop(people);
    instance.shutdown().await.expect("shutdown");
}

/// An administrator who holds a signing key verifies a person only with its signature: sent
/// unsigned, the verification comes back as the page that asks for it, and nothing is linked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_who_holds_a_key_verifies_imports_and_rotates_only_with_its_signature() {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    use ed25519_dalek::Signer as _;
    let (instance, _db) = start(Backend::Sqlite).await;
    let people = instance.state.people.clone();
    let admin = sign_up(&people, "admin@example.kz").await;
    people.grant_first_administrator(&admin).await.expect("first administrator");
    let admin = common::sign_in(&people, account(&people, &admin).await).await;
    let holder = ed25519_dalek::SigningKey::from_bytes(&[51; 32]);
    let public = STANDARD.encode(holder.verifying_key().as_bytes());
    let proof = STANDARD
        .encode(holder.sign(format!("dauys-signer/v1\n{}\n{public}\n", admin.account.id).as_bytes()).to_bytes());
    people.register_signing_key(&admin.account, public, proof, None, "http://dauys.test").await.expect("registered");
    let key_id = dauys_core::signers::signer_key_id(holder.verifying_key().as_bytes());
    let person = sign_up(&people, "person@example.kz").await;
    let iin = dauys_testkit::adult_iins(1).remove(0);
    let fields =
        format!("iin={iin}&given_name=Aigerim&family_name=Seitova&region=astana&district=&csrf={}", admin.csrf);
    let path = format!("/admin/people/{person}/verify");

    let asked = common::browse(&instance, Method::POST, &path, Some(&admin.token), fields.clone()).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert!(asked.body.contains("Sign this act") && asked.body.contains("Person verified"), "{}", asked.body);
    assert!(account(&people, &person).await.row.person.is_none(), "linked unsigned");
    let shown = asked.body.split("data-act=\"").nth(1).and_then(|r| r.split('"').next()).expect("data-act");
    let statement = STANDARD.decode(shown).expect("base64");
    assert!(String::from_utf8_lossy(&statement).starts_with("dauys-act/v1\n{\"by\":"), "the act is not the statement");
    let sig = STANDARD.encode(holder.sign(&statement).to_bytes());
    let enc = |s: &str| s.bytes().map(|b| format!("%{b:02X}")).collect::<String>();
    let signed = format!("{fields}&act_key={key_id}&act_sig={}", enc(&sig));
    let done = common::browse(&instance, Method::POST, &path, Some(&admin.token), signed).await;
    assert_eq!((done.status, done.location.as_str()), (StatusCode::SEE_OTHER, "/admin/people"), "{}", done.body);
    assert!(account(&people, &person).await.row.person.is_some(), "not verified");

    // A registry import: shown for signing with the file, and nothing stored before it is
    // signed (a record stored for a refused import could be claimed with no import logged).
    let private = dauys_store::people_sqlite_path(std::path::Path::new(&instance.state.config.database_location()));
    let registry_rows = move || {
        let db = rusqlite::Connection::open(&private).expect("the private store");
        db.query_row("SELECT count(*) FROM people_registry", [], |r| r.get::<_, i64>(0)).expect("count")
    };
    let csv = format!(
        "iin,given_name,family_name,locality,email\n{},Dana,Omarova,astana,dana@example.kz\n",
        dauys_testkit::adult_iins(2)[1]
    );
    let import = format!("csv={}&csrf={}", enc(&csv), admin.csrf);
    let asked = common::browse(&instance, Method::POST, "/admin/registry", Some(&admin.token), import.clone()).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert!(asked.body.contains("Sign this act"), "{}", asked.body);
    assert_eq!(blocking(registry_rows.clone()).await, 0, "stored before the import was signed");
    let shown = asked.body.split("data-act=\"").nth(1).and_then(|r| r.split('"').next()).expect("data-act");
    let statement = STANDARD.decode(shown).expect("base64");
    let forged = ed25519_dalek::SigningKey::from_bytes(&[52; 32]).sign(&statement);
    let refused = format!("{import}&act_key={key_id}&act_sig={}", enc(&STANDARD.encode(forged.to_bytes())));
    let refused = common::browse(&instance, Method::POST, "/admin/registry", Some(&admin.token), refused).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(blocking(registry_rows.clone()).await, 0, "stored for a forged signature");
    let signed =
        format!("{import}&act_key={key_id}&act_sig={}", enc(&STANDARD.encode(holder.sign(&statement).to_bytes())));
    let done = common::browse(&instance, Method::POST, "/admin/registry", Some(&admin.token), signed).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("id=\"imported\""), "{}", done.body);
    assert_eq!(blocking(registry_rows.clone()).await, 1);

    // A key rotation: the keys page carries the act, so the browser signs it at once.
    let version = people.pseudonym_key_version();
    let page = common::browse(&instance, Method::GET, "/admin/keys", Some(&admin.token), String::new()).await;
    let shown = page.body.split("data-act=\"").nth(1).and_then(|r| r.split('"').next()).expect("data-act");
    let statement = STANDARD.decode(shown).expect("base64");
    let rotate = format!("csrf={}", admin.csrf);
    let unsigned =
        common::browse(&instance, Method::POST, "/admin/keys/rotate", Some(&admin.token), rotate.clone()).await;
    assert!(unsigned.body.contains("Sign this act"), "{}", unsigned.body);
    assert_eq!(people.pseudonym_key_version(), version, "rotated unsigned");
    let signed =
        format!("{rotate}&act_key={key_id}&act_sig={}", enc(&STANDARD.encode(holder.sign(&statement).to_bytes())));
    let done = common::browse(&instance, Method::POST, "/admin/keys/rotate", Some(&admin.token), signed).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(people.pseudonym_key_version(), version + 1);
    // People holds a sequencer handle: the shutdown waits for every one.
    drop(people);
    instance.shutdown().await.expect("shutdown");
}
