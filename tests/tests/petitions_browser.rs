//! Petitions in a real browser (issue 4, item 11):
//!
//! - a citizen finds a petition (in Kazakh), signs in when asked, signs, lands on the receipt
//!   with its inclusion proof, and sees "you have signed" on the petition
//!   (`tests/browser/petitions-citizen.mjs`);
//! - an official answers the obligation a petition opened by reaching its threshold, and a
//!   moderator rejects a petition for a forbidden topic — first forgetting to pick the topic
//!   (in Russian; `tests/browser/petitions-staff.mjs`).
//!
//! Each test starts its own `dauys` binary and sets it up from outside, as a deployment would
//! be: accounts through the sign-up, sign-in and in-person verification forms, everything
//! else as events through the operator API — the body, small petition rules (2 initial
//! supporters, 3 signatures at the oblast level), the roles, and petitions whose other
//! supporters are test people known to the log only by pseudonym. Debian's headless Chromium
//! runs the journeys (playwright-core) with axe-core checking the pages. Chromium or Node.js
//! missing is a failure (run `scripts/setup`), never a skip.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use dauys_e2e::{run_browser_journey, Server, ServerOptions, OIDC_PEOPLE};
use serde_json::{json, Value};

const ADMIN_EMAIL: &str = "admin@example.kz";
const PASSWORD_SUFFIX: &str = " correct horse battery";
/// The body the petitions address; the official works for it.
const BODY: &str = "akimat-almaty";
/// The petitions' territory: the oblast level, Almaty city (where the citizen lives).
const TERRITORY: &str = "almaty-city";
/// Fixed petition ids (the server's own are random), so the journeys know them.
const TO_SIGN: &str = "p-signhere22";
const TO_ANSWER: &str = "p-answerme22";
const TO_REJECT: &str = "p-rejectme22";
/// Launched, with its author's signature only: reachable by link, not listed.
const GATHERING: &str = "p-gathering2";
/// A word of the Kazakh title of the petition to sign, for the search.
const SEARCH_KK: &str = "аялдама";

/// Where a journey leaves a screenshot and the HTML of each open page when it fails.
fn artifacts_dir(name: &str) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir.to_string_lossy().into_owned()
}

/// A person's browser without a browser: a cookie jar and the forms' CSRF tokens, for the
/// setup only (the journeys use Chromium).
struct Visitor<'a> {
    server: &'a Server,
    agent: ureq::Agent,
    cookies: BTreeMap<String, String>,
}

impl<'a> Visitor<'a> {
    fn new(server: &'a Server) -> Self {
        let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(10)).redirects(0).build();
        Visitor { server, agent, cookies: BTreeMap::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    /// Keeps the response's cookies; returns (status, Location, body).
    fn read(&mut self, result: Result<ureq::Response, ureq::Error>, what: &str) -> (u16, String, String) {
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{what}: {e}"),
        };
        for set in response.all("set-cookie") {
            let pair = set.split(';').next().unwrap_or("");
            if let Some((k, v)) = pair.split_once('=') {
                if v.is_empty() {
                    self.cookies.remove(k.trim());
                } else {
                    self.cookies.insert(k.trim().to_owned(), v.trim().to_owned());
                }
            }
        }
        let status = response.status();
        let location = response.header("location").unwrap_or("").to_owned();
        (status, location, response.into_string().unwrap_or_default())
    }

    fn get(&mut self, path: &str) -> (u16, String) {
        let request = self.agent.get(&self.server.url(path)).set("Cookie", &self.cookie_header());
        let (status, _, body) = self.read(request.call(), &format!("GET {path}"));
        (status, body)
    }

    /// GETs `form_page`, then posts `fields` and its CSRF token to `action`; returns (status,
    /// Location, body).
    fn submit(&mut self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
        let (status, page) = self.get(form_page);
        assert_eq!(status, 200, "GET {form_page}:\n{page}");
        let csrf = attribute_after(&page, "name=\"csrf\"", "value")
            .unwrap_or_else(|| panic!("GET {form_page}: no csrf field:\n{page}"));
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        let request = self.agent.post(&self.server.url(action)).set("Cookie", &self.cookie_header());
        self.read(request.send_form(&form), &format!("POST {action}"))
    }

    /// Signs up, signs in and returns the account id.
    fn sign_up_and_in(&mut self, email: &str) -> String {
        let password = format!("{email}{PASSWORD_SUFFIX}");
        let (status, location, body) =
            self.submit("/signup?lang=en", "/signup", &[("email", email), ("password", &password)]);
        assert!(
            (300..400).contains(&status) && location.starts_with("/login"),
            "sign-up of {email}: {status} → {location}\n{body}"
        );
        let (status, location, body) =
            self.submit("/login", "/login", &[("email", email), ("password", &password), ("next", "/me")]);
        assert!((300..400).contains(&status) && location == "/me", "sign-in of {email}: {status} → {location}\n{body}");
        let (status, me) = self.get("/me");
        assert_eq!(status, 200, "/me of {email}:\n{me}");
        let at = me.find("id=\"account-id\"").unwrap_or_else(|| panic!("/me of {email}: no #account-id:\n{me}"));
        let rest = &me[at..];
        let start = rest.find("u-").expect("an account id on /me");
        rest[start..start + 18].to_owned()
    }
}

/// The value of `attribute` in the first tag that contains `marker`.
fn attribute_after(html: &str, marker: &str, attribute: &str) -> Option<String> {
    let at = html.find(marker)?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let needle = format!("{attribute}=\"");
    let v = tag.find(&needle)? + needle.len();
    Some(tag[v..].split('"').next()?.to_owned())
}

fn submit_ok(server: &Server, event: Value) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (status, receipt) = server.submit(&event);
        if status == 201 {
            return;
        }
        // A role granted by the first administrator needs that grant committed first.
        assert!(Instant::now() < deadline && status != 400, "{}: {status} {receipt}", event["type"]);
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A test person's pseudonym for a petition: only the log knows them, by this.
fn pseudonym(n: u32) -> String {
    format!("ps1-{n:064x}")
}

fn text(kk: &str, ru: &str, en: &str) -> Value {
    json!({"kk": kk, "ru": ru, "en": en})
}

/// Polls /api/v1/state until `counts[kind]` is at least `n` (the rules' follow-up events
/// are committed after the batch that causes them).
fn wait_for_count(server: &Server, kind: &str, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let state = server.get_json("/api/v1/state");
        if state["counts"][kind].as_u64().unwrap_or(0) >= n {
            return;
        }
        assert!(Instant::now() < deadline, "counts[{kind}] did not reach {n} within 20 s: {state}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

struct Setup {
    server: Server,
    citizen_email: &'static str,
    moderator_email: &'static str,
    official_email: &'static str,
}

/// A fresh server with the body, the rules, the people and four petitions: one open to
/// sign (two signatures of three), one that reached its threshold (an obligation awaits the
/// official), one in moderation and one still gathering its initial supporters.
fn set_up() -> Setup {
    let server = Server::start_with(ServerOptions {
        extra_env: vec![
            ("DAUYS_FIRST_ADMINISTRATOR_EMAIL".into(), ADMIN_EMAIL.into()),
            // Everyone signs in from 127.0.0.1.
            ("DAUYS_SIGN_IN_PER_MINUTE".into(), "1000".into()),
            ("DAUYS_SIGN_UP_PER_HOUR".into(), "1000".into()),
        ],
        ..ServerOptions::default()
    });
    let (citizen_email, moderator_email, official_email) =
        ("aigerim@example.kz", "moderator@example.kz", "official@example.kz");

    let mut admin = Visitor::new(&server);
    let admin_id = admin.sign_up_and_in(ADMIN_EMAIL);
    let citizen_id = Visitor::new(&server).sign_up_and_in(citizen_email);
    let moderator_id = Visitor::new(&server).sign_up_and_in(moderator_email);
    let official_id = Visitor::new(&server).sign_up_and_in(official_email);

    submit_ok(
        &server,
        json!({
            "type": "body.registered",
            "body": BODY,
            "name": text("Алматы қаласының әкімдігі", "Акимат города Алматы", "Akimat of Almaty"),
            "kind": "akimat",
        }),
    );
    for (account, role, body) in [(&moderator_id, "moderator", None), (&official_id, "official", Some(BODY))] {
        let mut grant = json!({"type": "role.granted", "account": account, "role": role, "by": admin_id});
        if let Some(body) = body {
            grant["body"] = json!(body);
        }
        submit_ok(&server, grant);
    }

    // The citizen, verified in person by the administrator: she lives in Almaty.
    let person = OIDC_PEOPLE[0];
    assert_eq!(person.locality, TERRITORY);
    let verify = format!("/admin/people/{citizen_id}/verify");
    let (status, location, body) = admin.submit(
        &verify,
        &verify,
        &[
            ("iin", person.iin),
            ("given_name", person.given_name),
            ("family_name", person.family_name),
            ("region", TERRITORY),
            ("district", ""),
        ],
    );
    assert!((200..400).contains(&status), "verifying {citizen_id}: {status} → {location}\n{body}");

    let topic = |code: &str, kk: &str, ru: &str, en: &str| json!({"code": code, "name": text(kk, ru, en)});
    submit_ok(
        &server,
        json!({
            "type": "petition_rules.published",
            "rules": {
                "initial_supporters": 2,
                "initial_window_working_days": 5,
                "moderation_working_days": 3,
                "levels": [
                    {"level": "oblast_akimat", "threshold": {"signatures": 3}, "collection_days": 30, "consideration_working_days": 10},
                    {"level": "district_akimat", "threshold": {"signatures": 3}, "collection_days": 30, "consideration_working_days": 10},
                ],
                "populations": [],
                "topics": [
                    topic("transport", "Көлік және жолдар", "Транспорт и дороги", "Transport and roads"),
                    topic("urban", "Қала құрылысы және абаттандыру", "Градостроительство и благоустройство", "Urban planning and public spaces"),
                ],
                "forbidden_topics": [
                    topic("courts", "Соттардың қызметі", "Деятельность судов", "The work of the courts"),
                    topic("appointments", "Лауазымды тұлғаларды тағайындау және босату", "Назначение и освобождение должностных лиц", "Appointing and dismissing officials (akims, ministers)"),
                ],
            },
        }),
    );

    // Four petitions, each written and launched by a test person; three are supported by
    // one more, so the rules send them to moderation, and one still gathers its supporters.
    let petitions = [
        (
            TO_SIGN,
            "transport",
            text(
                "Әл-Фараби даңғылына жаңа аялдама салу",
                "Построить новую остановку на проспекте аль-Фараби",
                "Build a new bus stop on al-Farabi Avenue",
            ),
        ),
        (
            TO_ANSWER,
            "urban",
            text(
                "Абай даңғылындағы саябақты жарықтандыру",
                "Осветить парк на проспекте Абая",
                "Light the park on Abai Avenue",
            ),
        ),
        (
            GATHERING,
            "transport",
            text("Түнгі автобус бағытын ашу", "Открыть ночной автобусный маршрут", "Open a night bus route"),
        ),
        (
            TO_REJECT,
            "urban",
            text(
                "Аудандық соттың төрағасын ауыстыру",
                "Сменить председателя районного суда",
                "Replace the chairman of the district court",
            ),
        ),
    ];
    let mut n = 0;
    for (id, topic, title) in &petitions {
        n += 1;
        let author = pseudonym(n);
        submit_ok(
            &server,
            json!({
                "type": "petition.drafted", "petition": id, "author": author, "body": BODY,
                "level": "oblast_akimat", "territory": TERRITORY, "topic": topic, "title": title,
                "text": text(
                    "Қала тұрғындары осы мәселені шешуді сұрайды.",
                    "Жители города просят решить этот вопрос.",
                    "The city's residents ask for this to be solved.",
                ),
            }),
        );
        submit_ok(&server, json!({"type": "petition.launched", "petition": id, "by": author}));
        // The gathering petition has only its author's signature, one short of moderation.
        let supporters = if *id == GATHERING { vec![author] } else { vec![author, pseudonym(100 + n)] };
        for signer in supporters {
            submit_ok(
                &server,
                json!({"type": "petition.signed", "petition": id, "signer": signer, "region": TERRITORY}),
            );
        }
    }
    wait_for_count(&server, "petition.submitted", 3);
    for id in [TO_SIGN, TO_ANSWER] {
        submit_ok(&server, json!({"type": "petition.accepted", "petition": id, "by": moderator_id}));
    }
    // The third signature of TO_ANSWER reaches its threshold: an obligation opens on the body.
    submit_ok(
        &server,
        json!({"type": "petition.signed", "petition": TO_ANSWER, "signer": pseudonym(200), "region": TERRITORY}),
    );
    wait_for_count(&server, "obligation.opened", 1);
    Setup { server, citizen_email, moderator_email, official_email }
}

fn run_journey(setup: &Setup, script: &str, artifacts: &str, env: &[(&str, &str)]) {
    let server = &setup.server;
    let citizen_password = format!("{}{PASSWORD_SUFFIX}", setup.citizen_email);
    let moderator_password = format!("{}{PASSWORD_SUFFIX}", setup.moderator_email);
    let official_password = format!("{}{PASSWORD_SUFFIX}", setup.official_email);
    let person = OIDC_PEOPLE[0];
    let mut all: Vec<(&str, &str)> = vec![
        ("E2E_CITIZEN_EMAIL", setup.citizen_email),
        ("E2E_CITIZEN_PASSWORD", &citizen_password),
        ("E2E_CITIZEN_GIVEN_NAME", person.given_name),
        ("E2E_MODERATOR_EMAIL", setup.moderator_email),
        ("E2E_MODERATOR_PASSWORD", &moderator_password),
        ("E2E_OFFICIAL_EMAIL", setup.official_email),
        ("E2E_OFFICIAL_PASSWORD", &official_password),
        ("E2E_BODY", BODY),
        ("E2E_PETITION_TO_SIGN", TO_SIGN),
        ("E2E_PETITION_TO_ANSWER", TO_ANSWER),
        ("E2E_PETITION_TO_REJECT", TO_REJECT),
        ("E2E_PETITION_GATHERING", GATHERING),
        ("E2E_SEARCH_KK", SEARCH_KK),
        ("E2E_FORBIDDEN_TOPIC", "courts"),
        ("E2E_ARTIFACTS_DIR", artifacts),
    ];
    all.extend_from_slice(env);
    let output = run_browser_journey(script, &server.base_url, &all, Duration::from_secs(300));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "node tests/browser/{script} {} failed ({}); screenshots and pages in {artifacts}\n\
         --- stdout:\n{stdout}\n--- stderr:\n{stderr}\n--- server log:\n{}",
        server.base_url,
        output.status,
        server.log()
    );
    assert!(stdout.contains("steps passed"), "the journey ended without its summary:\n{stdout}\n{stderr}");
    eprintln!("{stdout}");
}

#[test]
fn a_citizen_finds_signs_and_checks_a_petition() {
    let setup = set_up();
    let artifacts = artifacts_dir("petitions_citizen_browser");
    run_journey(&setup, "petitions-citizen.mjs", &artifacts, &[]);
    // From outside the browser: her signature is the petition's third, which reached the
    // threshold, so a second obligation opened.
    wait_for_count(&setup.server, "obligation.opened", 2);
}

#[test]
fn an_official_answers_and_a_moderator_rejects() {
    let setup = set_up();
    let artifacts = artifacts_dir("petitions_staff_browser");
    run_journey(&setup, "petitions-staff.mjs", &artifacts, &[]);
    let state = setup.server.get_json("/api/v1/state");
    assert_eq!(state["counts"]["obligation.answered"], 1, "{state}");
    assert_eq!(state["counts"]["petition.rejected"], 1, "{state}");
}
