//! Form bodies are outside input: every form route of the router, posted arbitrary bodies by
//! a user who may use it, never answers 5xx ("bad input is a 4xx, never a 500").
//!
//! The server has no home-made form parser: every form is axum's `Form`, serde_urlencoded
//! into a derived struct, and then the handler checks the fields. So this is not a libFuzzer
//! target (it would pull the whole server into the fuzz build) but a bounded property test
//! through the real router, with a real session, CSRF token and state for each route:
//! bodies are urlencoded fields named as the form names them (or not), holding known-good
//! values, near misses and arbitrary text, and sometimes raw bytes (bad escapes, invalid
//! UTF-8, another content type). `FORM_BODY_CASES` sets the cases per route (default 64).

use std::net::IpAddr;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::User;
use dauys_core::{AppealId, BodyKind, Lang, Level, LevelRule, LocalizedText, PartialText, PetitionId, Role, Threshold};
use dauys_server::config::Config;
use dauys_server::Instance;
use dauys_testkit::{Backend, TestDatabase};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};

use crate::common;

const BODY: &str = "ministry-test";

/// Who posts a form.
#[derive(Clone, Copy, Debug)]
enum Who {
    /// No session: the sign-up, sign-in and reset forms, with their cookie-bound CSRF token.
    Anonymous,
    Admin,
    Moderator,
    Official,
    /// The author of the test petitions (verified).
    Author,
    /// Another verified citizen.
    Citizen,
    /// Signed up, not verified.
    Unverified,
    /// A fresh account of its own, for a form that ends its session or erases it.
    Throwaway(usize),
}

/// The CSRF token an anonymous form carries, in its body and in the `dauys_form` cookie.
const ANON_CSRF: &str = "form-token-for-fuzzing";

struct World {
    instance: Instance,
    _db: TestDatabase,
    admin: User,
    moderator: User,
    official: User,
    author: User,
    citizen: User,
    unverified: User,
    throwaways: Vec<User>,
    /// A draft of the author's.
    draft: PetitionId,
    /// Launched, gathering its initial supporters.
    gathering: PetitionId,
    /// Waiting for a moderator.
    moderation: PetitionId,
    /// Accepted, past its threshold: the official's body owes an answer.
    obligated: PetitionId,
    /// A private appeal of the citizen's to the official's body.
    appeal: AppealId,
    /// Values a form would accept somewhere: ids, codes, names.
    known: Vec<String>,
}

fn address(last: u8) -> IpAddr {
    IpAddr::from([10, 0, 0, last])
}

impl World {
    /// The instance and everyone on it, started on `runtime`.
    fn new(runtime: &tokio::runtime::Runtime) -> World {
        runtime.block_on(async {
            let db = TestDatabase::new(Backend::Sqlite);
            let config = Config { first_administrator_email: "admin@example.kz".into(), ..common::config(&db) };
            let instance = common::instance(config).await;
            let name = LocalizedText::new("Сынақ министрлігі", "Тестовое министерство", "Ministry of Tests");
            common::register_body(&instance, BODY, BodyKind::Ministry, name).await;
            common::publish_small_rules(&instance, |levels| {
                *levels = vec![LevelRule {
                    level: Level::Government,
                    threshold: Threshold::Signatures(3),
                    collection_days: 30,
                    consideration_working_days: 10,
                }]
            })
            .await;

            let people = instance.state.people.clone();
            let session = |id| {
                let people = people.clone();
                async move { common::sign_in(&people, common::account(&people, &id).await).await }
            };
            let admin_id = common::sign_up(&people, "admin@example.kz").await;
            people.grant_first_administrator(&admin_id).await.expect("first administrator");
            let admin_account = common::account(&people, &admin_id).await;
            let mut staff = Vec::new();
            for (email, role, body) in
                [("moderator@example.kz", Role::Moderator, None), ("official@example.kz", Role::Official, Some(BODY))]
            {
                let id = common::sign_up(&people, email).await;
                common::grant(&instance, &id, role, body, &admin_id).await;
                staff.push(session(id).await);
            }
            let mut verified = Vec::new();
            for (n, iin) in dauys_testkit::adult_iins(4).into_iter().enumerate() {
                let id = common::sign_up(&people, format!("citizen{n}@example.kz")).await;
                let claim = common::claim(iin, format!("Азамат{n}"), "Тестов", "astana");
                people.verify(&id, &claim, dauys_core::VerificationMethod::Manual, Some(&admin_account)).await.unwrap();
                verified.push(session(id).await);
            }
            let unverified = session(common::sign_up(&people, "unverified@example.kz").await).await;
            let mut throwaways = Vec::new();
            for n in 0..2 {
                throwaways.push(session(common::sign_up(&people, format!("throwaway{n}@example.kz")).await).await);
            }

            let petitions = &instance.state.capabilities.petitions;
            let draft = |title: &str| {
                let text = PartialText::one(Lang::En, format!("{title}.\nA second paragraph."));
                common::draft(BODY, Level::Government, "transport", PartialText::one(Lang::En, title), text)
            };
            let (author, supporters) = (&verified[0], &verified[1..]);
            let new = |title: &'static str| petitions.draft(&author.account, draft(title));
            let draft_id = new("Paint the crossings").await.unwrap();
            let gathering = new("Light the park paths").await.unwrap();
            petitions.launch(&author.account, &gathering).await.unwrap();
            let moderation = new("Plant trees on the avenue").await.unwrap();
            petitions.launch(&author.account, &moderation).await.unwrap();
            petitions.sign(&supporters[0].account, &moderation, address(1)).await.unwrap();
            let obligated = new("Open a night bus line").await.unwrap();
            petitions.launch(&author.account, &obligated).await.unwrap();
            petitions.sign(&supporters[0].account, &obligated, address(2)).await.unwrap();
            petitions.accept(&staff[0].account, &obligated).await.unwrap();
            petitions.sign(&supporters[1].account, &obligated, address(3)).await.unwrap();
            assert!(petitions.get(&obligated).unwrap().obligation.is_some(), "the threshold opened an obligation");

            let citizen = &verified[3];
            let filing = dauys_server::appeals::Filing {
                body: Some(BODY.parse().unwrap()),
                kind: dauys_core::AppealKind::Complaint,
                topic: "health".parse().unwrap(),
                place: None,
                visibility: dauys_core::Visibility::Private,
                title: PartialText::one(Lang::En, "The clinic"),
                text: PartialText::one(Lang::En, "The clinic refuses to register me."),
                complaint_about: None,
                attachments: Vec::new(),
                lang: Lang::En,
            };
            let person = dauys_server::people::Person::from(&citizen.account);
            let appeal = instance.state.capabilities.appeals.file(person, filing).await.unwrap().appeal;

            let signer = petitions.pseudonym_of(&supporters[0].account, &moderation).unwrap().to_string();
            let mut known: Vec<String> = vec![
                BODY.into(),
                "government".into(),
                "transport".into(),
                "astana".into(),
                "akmola".into(),
                "kokshetau".into(),
                "almaty-city/bostandyk".into(),
                "ministry".into(),
                "official".into(),
                "moderator".into(),
                "administrator".into(),
                "appeal-consideration".into(),
                "forbidden_topic".into(),
                "duplicate".into(),
                "unclear".into(),
                "health".into(),
                "private".into(),
                "public".into(),
                "proposal".into(),
                "partly_satisfied".into(),
                "2026-12-01".into(),
                "4".into(),
                "accepted".into(),
                "partly".into(),
                "on".into(),
                "yes".into(),
                "900315401233".into(),
                "12345678".into(),
                "new@example.kz".into(),
                "+77011234567".into(),
                common::PASSWORD.into(),
                "iin,given_name,family_name,locality,email\n900315401233,Айгерім,Сейітова,almaty-city,a@example.kz\n"
                    .into(),
                signer,
            ];
            known.push(admin_id.to_string());
            for user in verified.iter().chain(&staff).chain([&unverified]) {
                known.push(user.account.id.to_string());
            }
            for id in [&draft_id, &gathering, &moderation, &obligated] {
                known.push(id.to_string());
            }
            known.push(appeal.to_string());
            let mut verified = verified.into_iter();
            let mut staff = staff.into_iter();
            World {
                _db: db,
                admin: common::sign_in(&people, admin_account).await,
                moderator: staff.next().unwrap(),
                official: staff.next().unwrap(),
                author: verified.next().unwrap(),
                citizen: verified.nth(2).unwrap(),
                unverified,
                throwaways,
                draft: draft_id,
                gathering,
                moderation,
                obligated,
                appeal,
                known,
                instance,
            }
        })
    }

    fn user(&self, who: Who) -> Option<&User> {
        match who {
            Who::Anonymous => None,
            Who::Admin => Some(&self.admin),
            Who::Moderator => Some(&self.moderator),
            Who::Official => Some(&self.official),
            Who::Author => Some(&self.author),
            Who::Citizen => Some(&self.citizen),
            Who::Unverified => Some(&self.unverified),
            Who::Throwaway(n) => Some(&self.throwaways[n]),
        }
    }

    /// Every form route: who posts it, its path, and the fields its form has.
    fn routes(&self) -> Vec<(Who, String, &'static [&'static str])> {
        const CREDENTIALS: &[&str] = &["csrf", "email", "password", "next"];
        const DRAFT: &[&str] =
            &["csrf", "body", "level", "topic", "title_kk", "text_kk", "title_ru", "text_ru", "title_en", "text_en"];
        const ANSWER: &[&str] = &[
            "csrf",
            "decision",
            "answer_kk",
            "answer_ru",
            "answer_en",
            "discussion_kk",
            "discussion_ru",
            "discussion_en",
            "head_kk",
            "head_ru",
            "head_en",
        ];
        let (draft, gathering, moderation, obligated, appeal) =
            (&self.draft, &self.gathering, &self.moderation, &self.obligated, &self.appeal);
        vec![
            (Who::Anonymous, "/signup".into(), CREDENTIALS),
            (Who::Anonymous, "/login".into(), CREDENTIALS),
            (Who::Anonymous, "/reset".into(), &["csrf", "email"]),
            (Who::Anonymous, "/reset/not-a-token".into(), &["csrf", "password"]),
            (Who::Author, "/me/contacts".into(), &["csrf", "email", "phone"]),
            (Who::Author, "/me/confirm-email".into(), &["csrf"]),
            (Who::Unverified, "/verify/oidc".into(), &["csrf"]),
            (Who::Unverified, "/verify/registry".into(), &["csrf", "iin", "code"]),
            (Who::Admin, "/admin/registry".into(), &["csrf", "csv"]),
            (
                Who::Admin,
                format!("/admin/people/{}/verify", self.unverified.account.id),
                &["csrf", "iin", "given_name", "family_name", "region", "district"],
            ),
            (Who::Admin, "/admin/bodies".into(), &["csrf", "body", "kind", "parent", "name_kk", "name_ru", "name_en"]),
            (Who::Admin, "/admin/roles".into(), &["csrf", "account", "role", "body"]),
            (Who::Admin, "/admin/keys/rotate".into(), &["csrf"]),
            (Who::Official, "/office/person".into(), &["csrf", "account", "body", "basis", "purpose", "case"]),
            (Who::Official, format!("/office/petitions/{obligated}/answer"), ANSWER),
            (Who::Moderator, format!("/moderation/{moderation}/signatures/invalidate"), &["csrf", "signer", "reason"]),
            (Who::Moderator, format!("/moderation/{moderation}/signatures/dismiss"), &["csrf", "signer", "reason"]),
            (
                Who::Moderator,
                format!("/moderation/{moderation}/reject"),
                &["csrf", "reason", "forbidden_topic", "duplicate_of", "comment"],
            ),
            (Who::Moderator, format!("/moderation/{moderation}/accept"), &["csrf"]),
            (Who::Citizen, "/demo/supporters".into(), &["csrf", "petition"]),
            (Who::Author, "/petitions/new".into(), DRAFT),
            (Who::Author, format!("/me/drafts/{draft}/edit"), DRAFT),
            (Who::Author, format!("/me/drafts/{draft}/launch"), &["csrf"]),
            (Who::Citizen, format!("/petitions/{gathering}/sign"), &["csrf"]),
            (Who::Author, format!("/petitions/{gathering}/withdraw"), &["csrf", "reason"]),
            (Who::Author, format!("/me/drafts/{draft}/delete"), &["csrf"]),
            (
                Who::Citizen,
                "/appeals/new".into(),
                &["csrf", "body", "kind", "topic", "place", "visibility", "title", "text"],
            ),
            (Who::Official, format!("/appeals/{appeal}/open"), &["csrf", "purpose"]),
            (Who::Official, format!("/appeals/{appeal}/assign"), &["csrf", "assignee"]),
            (Who::Official, format!("/appeals/{appeal}/notes"), &["csrf", "text"]),
            (Who::Official, format!("/appeals/{appeal}/extend"), &["csrf", "decided_on", "until", "reason"]),
            (Who::Official, format!("/appeals/{appeal}/ask"), &["csrf", "text"]),
            (Who::Citizen, format!("/appeals/{appeal}/clarify"), &["csrf", "text"]),
            (Who::Official, format!("/appeals/{appeal}/forward"), &["csrf", "to", "reason"]),
            (Who::Official, format!("/appeals/{appeal}/answer"), &["csrf", "outcome", "text"]),
            (Who::Citizen, format!("/appeals/{appeal}/rate"), &["csrf", "rating"]),
            (Who::Citizen, format!("/appeals/{appeal}/complain"), &["csrf", "text"]),
            // Last: they can take the administrator's own role or end sessions.
            (Who::Admin, "/admin/roles/revoke".into(), &["csrf", "account", "role", "body"]),
            (Who::Throwaway(0), "/logout".into(), &["csrf"]),
            (Who::Throwaway(1), "/me/erase".into(), &["csrf", "confirm"]),
        ]
    }

    /// Posts `body` to `path` as `who`; the status and the body of the answer.
    fn post(&self, runtime: &tokio::runtime::Runtime, who: Who, path: &str, body: &FormBody) -> (StatusCode, Vec<u8>) {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::ACCEPT_LANGUAGE, "en")
            .header(header::CONTENT_TYPE, body.content_type);
        request = match self.user(who) {
            Some(user) => request.header(header::COOKIE, format!("dauys_session={}", user.token)),
            None => request.header(header::COOKIE, format!("dauys_form={ANON_CSRF}")),
        };
        let request = request.body(Body::from(body.bytes.clone())).unwrap();
        let (status, _, answer) = runtime.block_on(common::send(&self.instance, request));
        (status, answer)
    }
}

/// A request body and its content type.
#[derive(Clone, Debug)]
struct FormBody {
    content_type: &'static str,
    bytes: Vec<u8>,
}

/// `application/x-www-form-urlencoded`, every byte but the unreserved ones escaped.
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Bodies for a form with `fields`, posted with the CSRF token `csrf`: mostly each field at
/// most once (duplicates and unknown fields are refused before the handler sees them, 422),
/// with the right token, so that the handler's own checks get the values.
fn bodies(fields: &'static [&'static str], csrf: String, known: Vec<String>) -> impl Strategy<Value = FormBody> {
    let value = prop_oneof![
        4 => proptest::sample::select(known),
        3 => "\\PC{0,40}",
        2 => "[ -~]{0,24}",
        1 => "[0-9]{0,16}",
        1 => ".{0,8}[\\x00-\\x1f\\x7f\\u{85}\\u{2028}\\u{202e}\\u{feff}]{1,4}.{0,8}",
        1 => (1usize..20_000).prop_map(|n| "ы".repeat(n)),
    ];
    let each_field = fields
        .iter()
        .filter(|f| **f != "csrf")
        .map(|f| proptest::option::weighted(0.8, value.clone()).prop_map(move |v| v.map(|v| (f.to_string(), v))))
        .collect::<Vec<_>>();
    let extra_name =
        prop_oneof![proptest::sample::select(fields).prop_map(str::to_string), "[a-z_]{1,12}", "\\PC{0,8}"];
    let extras = prop_oneof![3 => Just(Vec::new()), 1 => proptest::collection::vec((extra_name, value), 1..3)];
    let token = prop_oneof![8 => Just(Some(csrf)), 1 => Just(None), 1 => "\\PC{0,40}".prop_map(Some)];
    let urlencoded =
        (each_field, extras, token, any::<proptest::sample::Index>()).prop_map(|(each_field, extras, token, at)| {
            let mut pairs: Vec<(String, String)> = each_field.into_iter().flatten().chain(extras).collect();
            if let Some(token) = token {
                let at = at.index(pairs.len() + 1);
                pairs.insert(at, ("csrf".to_string(), token));
            }
            let text = pairs.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>();
            FormBody { content_type: "application/x-www-form-urlencoded", bytes: text.join("&").into_bytes() }
        });
    let raw = proptest::collection::vec(
        prop_oneof![
            3 => any::<u8>(),
            1 => proptest::sample::select(b"%=&+".to_vec()),
        ],
        0..300,
    )
    .prop_map(|bytes| FormBody { content_type: "application/x-www-form-urlencoded", bytes });
    let other_type =
        (proptest::sample::select(vec!["text/plain", "application/json", "multipart/form-data"]), ".{0,40}")
            .prop_map(|(content_type, text)| FormBody { content_type, bytes: text.into_bytes() });
    prop_oneof![8 => urlencoded, 1 => raw, 1 => other_type]
}

#[test]
fn no_form_body_makes_a_server_error() {
    let cases = std::env::var("FORM_BODY_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let world = World::new(&runtime);
    let mut failures = Vec::new();
    for (who, path, fields) in world.routes() {
        let csrf = world.user(who).map_or_else(|| ANON_CSRF.to_string(), |u| u.csrf.clone());
        let config =
            ProptestConfig { cases, failure_persistence: None, max_shrink_iters: 200, ..ProptestConfig::default() };
        let mut runner = TestRunner::new(config);
        let seen = std::cell::RefCell::new(std::collections::BTreeMap::<String, usize>::new());
        let result = runner.run(&bodies(fields, csrf, world.known.clone()), |body| {
            let (status, answer) = world.post(&runtime, who, &path, &body);
            // axum's own refusals (the body is not a form of these fields) are plain text.
            let by = if answer.starts_with(b"Failed to deserialize") { " by Form" } else { "" };
            *seen.borrow_mut().entry(format!("{}{by}", status.as_u16())).or_default() += 1;
            if status.is_server_error() {
                return Err(TestCaseError::fail(format!("answered {status}")));
            }
            Ok(())
        });
        // What the route answered, to see that the bodies got past the session and CSRF checks.
        eprintln!("{who:?} POST {path}: {:?}", seen.borrow());
        if let Err(e) = result {
            failures.push(format!("{who:?} POST {path}: {e}"));
        }
    }
    runtime.block_on(world.instance.shutdown()).expect("clean shutdown");
    assert!(failures.is_empty(), "form bodies that made a server error:\n{}", failures.join("\n"));
}
