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
//! be: the operator's acts through the operator API (the body, small petition rules: 2
//! initial supporters, 3 signatures at the oblast level), and every person's act through the
//! web pages in that person's session — sign-up and sign-in, the administrator's role grants
//! and verifications in person, petitions drafted, launched and signed by verified people of
//! Almaty, the moderator's acceptances. Debian's headless Chromium runs the journeys
//! (playwright-core) with axe-core checking the pages. Chromium or Node.js missing is a
//! failure (run `scripts/setup`), never a skip.

use std::path::Path;
use std::time::Duration;

use dauys_e2e::visitor::{publish, text, wait_for_count, Person, Visitor, PASSWORD_SUFFIX};
use dauys_e2e::{run_browser_journey, Server, ServerOptions, OIDC_PEOPLE};
use serde_json::json;

const ADMIN_EMAIL: &str = "admin@example.kz";
/// The body the petitions address; the official works for it.
const BODY: &str = "akimat-almaty";
/// The petitions' territory: the oblast level, Almaty city (where the citizen lives).
const TERRITORY: &str = "almaty-city";
/// A word of the Kazakh title of the petition to sign, for the search.
const SEARCH_KK: &str = "аялдама";

/// Where a journey leaves a screenshot and the HTML of each open page when it fails.
fn artifacts_dir(name: &str) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir.to_string_lossy().into_owned()
}

/// What the petitions' set-up does through a person's [`Visitor`].
trait PetitionActs {
    fn draft_and_launch(&mut self, topic: &str, titles: [&str; 3]) -> String;
    fn sign(&mut self, petition: &str);
    fn accept(&mut self, petition: &str);
}

impl PetitionActs for Visitor<'_> {
    /// A verified author drafts a petition to the body at the oblast level (the territory
    /// is their home region) and launches it, which signs it; returns its id.
    fn draft_and_launch(&mut self, topic: &str, [title_kk, title_ru, title_en]: [&str; 3]) -> String {
        let drafted = self.act(
            "/petitions/new",
            "/petitions/new",
            &[
                ("body", BODY),
                ("level", "oblast_akimat"),
                ("topic", topic),
                ("title_kk", title_kk),
                ("text_kk", "Қала тұрғындары осы мәселені шешуді сұрайды."),
                ("title_ru", title_ru),
                ("text_ru", "Жители города просят решить этот вопрос."),
                ("title_en", title_en),
                ("text_en", "The city's residents ask for this to be solved."),
            ],
            "/me/drafts/p-",
        );
        // `/me/drafts/<id>?done=drafted`: the author's private draft, launched from there.
        let draft = drafted.split('?').next().unwrap_or_default().to_owned();
        let id = draft.trim_start_matches("/me/drafts/").to_owned();
        self.act(&draft, &format!("{draft}/launch"), &[], &format!("/petitions/{id}?done=launched"));
        id
    }

    /// A verified person signs a petition from its page.
    fn sign(&mut self, petition: &str) {
        let page = format!("/petitions/{petition}");
        self.act(&page, &format!("{page}/sign"), &[], &format!("{page}/receipt"));
    }

    /// The moderator accepts a petition in moderation from the queue.
    fn accept(&mut self, petition: &str) {
        self.act("/moderation", &format!("/moderation/{petition}/accept"), &[], "/moderation?done=accepted");
    }
}

struct Setup {
    server: Server,
    citizen_email: &'static str,
    moderator_email: &'static str,
    official_email: &'static str,
    /// Open, two signatures of three: the citizen's is the third.
    to_sign: String,
    /// Past its threshold: an obligation awaits the official.
    to_answer: String,
    /// In moderation, about a forbidden topic.
    to_reject: String,
    /// Launched, with its author's signature only: reachable by link, not listed.
    gathering: String,
}

/// A fresh server with the body, the rules, the people and four petitions: one open to
/// sign (two signatures of three), one that reached its threshold (an obligation awaits the
/// official), one in moderation and one still gathering its initial supporters.
fn set_up() -> Setup {
    let server = Server::start_with(ServerOptions {
        extra_env: vec![
            ("DAUYS_FIRST_ADMINISTRATOR_EMAIL".into(), ADMIN_EMAIL.into()),
            // Everyone signs up and in from 127.0.0.1.
            ("DAUYS_SIGN_IN_PER_MINUTE".into(), "1000".into()),
            ("DAUYS_SIGN_UP_PER_HOUR".into(), "1000".into()),
        ],
        ..ServerOptions::default()
    });
    let (citizen_email, moderator_email, official_email) =
        ("aigerim@example.kz", "moderator@example.kz", "official@example.kz");

    let mut admin = Visitor::new(&server);
    admin.sign_up_and_in(ADMIN_EMAIL);
    let citizen_id = Visitor::new(&server).sign_up_and_in(citizen_email);
    let mut moderator = Visitor::new(&server);
    let moderator_id = moderator.sign_up_and_in(moderator_email);
    let official_id = Visitor::new(&server).sign_up_and_in(official_email);
    // The petitions' author and the people who support and sign them.
    let mut author = Visitor::new(&server);
    let author_id = author.sign_up_and_in("author@example.kz");
    let mut supporter = Visitor::new(&server);
    let supporter_id = supporter.sign_up_and_in("supporter@example.kz");
    let mut signer = Visitor::new(&server);
    let signer_id = signer.sign_up_and_in("signer@example.kz");

    publish(
        &server,
        json!({
            "type": "body.registered",
            "body": BODY,
            "name": text("Алматы қаласының әкімдігі", "Акимат города Алматы", "Akimat of Almaty"),
            "kind": "akimat",
        }),
    );
    admin.grant_role(&moderator_id, "moderator", "");
    admin.grant_role(&official_id, "official", BODY);

    // Verified in person by the administrator, all living in Almaty: the citizen (as the
    // OpenID Connect provider knows her), the author, the supporter and the third signer.
    let citizen = OIDC_PEOPLE[0];
    assert_eq!(citizen.locality, TERRITORY);
    let [author_iin, supporter_iin, signer_iin]: [String; 3] =
        dauys_testkit::adult_iins(3).try_into().expect("three IINs");
    for (account, person) in [
        (
            &citizen_id,
            Person { iin: citizen.iin.into(), given_name: citizen.given_name, family_name: citizen.family_name },
        ),
        (&author_id, Person { iin: author_iin, given_name: "Ерлан", family_name: "Сәрсенбаев" }),
        (&supporter_id, Person { iin: supporter_iin, given_name: "Бауыржан", family_name: "Қасымов" }),
        (&signer_id, Person { iin: signer_iin, given_name: "Асхат", family_name: "Тоқтаров" }),
    ] {
        admin.verify_in_person(account, &person, TERRITORY);
    }

    let topic = |code: &str, kk: &str, ru: &str, en: &str| json!({"code": code, "name": text(kk, ru, en)});
    publish(
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

    // Four petitions by one author, each launched (the author's signature is the first);
    // the supporter's makes three of them reach the initial supporters, so the rules send
    // them to moderation, and one still gathers its supporters.
    let to_sign = author.draft_and_launch(
        "transport",
        [
            "Әл-Фараби даңғылына жаңа аялдама салу",
            "Построить новую остановку на проспекте аль-Фараби",
            "Build a new bus stop on al-Farabi Avenue",
        ],
    );
    let to_answer = author.draft_and_launch(
        "urban",
        ["Абай даңғылындағы саябақты жарықтандыру", "Осветить парк на проспекте Абая", "Light the park on Abai Avenue"],
    );
    let gathering = author.draft_and_launch(
        "transport",
        ["Түнгі автобус бағытын ашу", "Открыть ночной автобусный маршрут", "Open a night bus route"],
    );
    let to_reject = author.draft_and_launch(
        "urban",
        [
            "Аудандық соттың төрағасын ауыстыру",
            "Сменить председателя районного суда",
            "Replace the chairman of the district court",
        ],
    );
    for petition in [&to_sign, &to_answer, &to_reject] {
        supporter.sign(petition);
    }
    wait_for_count(&server, "petition.submitted", 3);
    for petition in [&to_sign, &to_answer] {
        moderator.accept(petition);
    }
    // The third signature of TO_ANSWER reaches its threshold: an obligation opens on the body.
    signer.sign(&to_answer);
    wait_for_count(&server, "obligation.opened", 1);
    Setup { server, citizen_email, moderator_email, official_email, to_sign, to_answer, to_reject, gathering }
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
        ("E2E_PETITION_TO_SIGN", setup.to_sign.as_str()),
        ("E2E_PETITION_TO_ANSWER", setup.to_answer.as_str()),
        ("E2E_PETITION_TO_REJECT", setup.to_reject.as_str()),
        ("E2E_PETITION_GATHERING", setup.gathering.as_str()),
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
