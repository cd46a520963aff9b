//! The citizens' petition pages, driven through the router the way a browser drives them:
//! finding petitions, the petition page, signing (once), the receipt with its checked proof,
//! and an author's draft → edit → launch → withdraw. Plus the pages' strings in kk/ru/en.

use std::collections::{BTreeSet, HashMap};

use axum::http::{Method, StatusCode};
use common::{Reply, User as Person};
use dauys_core::{
    BodyKind, Decision, Level, PartialText, PetitionId, RejectionReason, Role, Threshold, VerificationMethod,
};
use dauys_server::config::Config;
use dauys_server::i18n::value_id;
use dauys_server::people::Account;
use dauys_server::petitions::{AnswerForm, Draft};
use dauys_server::Instance;
use dauys_testkit::{Backend, TestDatabase};

use crate::common;

const AKIMAT: &str = "akimat-almaty";
const GOVERNMENT: &str = "government-kz";
/// Signatures that open an obligation in these tests, at local levels and for the Government.
const THRESHOLD: u64 = 10;
const GOVERNMENT_THRESHOLD: u64 = 3;

struct Env {
    instance: Instance,
    _db: TestDatabase,
    moderator: Account,
    official: Account,
    people: HashMap<&'static str, Person>,
}

/// (key, e-mail, IIN, given name, family name, locality); `None` stays unverified.
type PersonSpec = (&'static str, &'static str, Option<&'static str>, &'static str, &'static str, &'static str);

/// The IINs' check digits are valid; "minor" was born in 2010.
const PEOPLE: [PersonSpec; 6] = [
    ("author", "author@example.kz", Some("880101300010"), "Айгерім", "Сейітова", "almaty-city"),
    ("signer", "signer@example.kz", Some("920505400023"), "Нұрлан", "Жақсыбеков", "almaty-city"),
    ("supporter", "supporter@example.kz", Some("950712300038"), "Дана", "Омарова", "almaty-city"),
    ("outsider", "outsider@example.kz", Some("791111400045"), "Бақыт", "Нұрланов", "akmola/kokshetau"),
    ("minor", "minor@example.kz", Some("100601600067"), "Әлия", "Серікова", "almaty-city"),
    ("unverified", "unverified@example.kz", None, "", "", "almaty-city"),
];

/// An instance with two bodies, rules that need 2 supporters and 10 signatures (3 for the
/// Government), a moderator, an official of the Government, and the people above signed in.
///
/// Pages are rendered for every request here, so a test sees an act at once even as an
/// anonymous reader; the cache's own test turns it on ([`start_with_page_cache`]).
async fn start() -> Env {
    start_with_cache_ms(0).await
}

/// The same, with public pages served from the cache for a second, as deployed.
async fn start_with_page_cache() -> Env {
    start_with_cache_ms(Config::default().public_page_cache_ms).await
}

async fn start_with_cache_ms(public_page_cache_ms: u64) -> Env {
    let db = TestDatabase::new(Backend::Sqlite);
    let config =
        Config { first_administrator_email: "admin@example.kz".into(), public_page_cache_ms, ..common::config(&db) };
    let instance = common::instance(config).await;
    for (id, kind, kk, ru, en) in [
        (AKIMAT, BodyKind::Akimat, "Алматы қаласының әкімдігі", "Акимат города Алматы", "Akimat of Almaty"),
        (GOVERNMENT, BodyKind::Government, "Қазақстан Үкіметі", "Правительство Казахстана", "Government of Kazakhstan"),
    ] {
        common::register_body(&instance, id, kind, dauys_core::LocalizedText::new(kk, ru, en)).await;
    }
    common::publish_small_rules(&instance, |levels| {
        for level in levels {
            let n = if level.level == Level::Government { GOVERNMENT_THRESHOLD } else { THRESHOLD };
            level.threshold = Threshold::Signatures(n);
        }
    })
    .await;

    let people = &instance.state.people;
    let admin = common::sign_up(people, "admin@example.kz").await;
    people.grant_first_administrator(&admin).await.expect("first administrator");
    let admin_account = common::account(people, &admin).await;
    let moderator = common::sign_up(people, "moderator@example.kz").await;
    common::grant(&instance, &moderator, Role::Moderator, None, &admin).await;
    let moderator = common::account(people, &moderator).await;
    let official = common::sign_up(people, "official@example.kz").await;
    common::grant(&instance, &official, Role::Official, Some(GOVERNMENT), &admin).await;
    let official = common::account(people, &official).await;

    let mut signed_in = HashMap::new();
    for (key, email, iin, given, family, locality) in PEOPLE {
        let id = common::sign_up(people, email).await;
        if let Some(iin) = iin {
            let claim = common::claim(iin, given, family, locality);
            people.verify(&id, &claim, VerificationMethod::Manual, Some(&admin_account)).await.expect("verified");
        }
        let account = common::account(people, &id).await;
        signed_in.insert(key, common::sign_in(people, account).await);
    }
    Env { instance, _db: db, moderator, official, people: signed_in }
}

/// Percent-encodes a form value (everything but ASCII letters and digits).
fn enc(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

impl Env {
    fn person(&self, key: &str) -> &Person {
        &self.people[key]
    }

    /// A request as a browser sends it, in English unless the path says `lang=`; a form post
    /// from a signed-in person carries their CSRF token.
    async fn call(&self, method: Method, path: &str, who: Option<&str>, form: Option<&str>) -> Reply {
        let mut body = form.unwrap_or("").to_string();
        let token = who.map(|key| {
            let p = self.person(key);
            if method == Method::POST && !body.contains("csrf=") {
                body = if body.is_empty() { format!("csrf={}", p.csrf) } else { format!("{body}&csrf={}", p.csrf) };
            }
            p.token.as_str()
        });
        common::browse(&self.instance, method, path, token, body).await
    }

    async fn get(&self, path: &str, who: Option<&str>) -> Reply {
        self.call(Method::GET, path, who, None).await
    }

    async fn post(&self, path: &str, who: Option<&str>, form: &str) -> Reply {
        self.call(Method::POST, path, who, Some(form)).await
    }

    /// A petition by "author", launched and supported by "supporter": in moderation.
    async fn moderated_petition(
        &self,
        body: &str,
        level: Level,
        topic: &str,
        title: PartialText,
        text: PartialText,
    ) -> PetitionId {
        let petitions = &self.instance.state.capabilities.petitions;
        let author = &self.person("author").account;
        let draft = common::draft(body, level, topic, title, text);
        let id = petitions.draft(author, draft).await.expect("drafted");
        petitions.launch(author, &id).await.expect("launched");
        let ip = std::net::IpAddr::from([10, 0, 0, 2]);
        petitions.sign(&self.person("supporter").account, &id, ip).await.expect("supported");
        assert_eq!(petitions.get(&id).unwrap().status, dauys_core::PetitionStatus::Moderation);
        id
    }

    /// The same, accepted: open, with two signatures.
    async fn open_petition(
        &self,
        body: &str,
        level: Level,
        topic: &str,
        title: PartialText,
        text: PartialText,
    ) -> PetitionId {
        let id = self.moderated_petition(body, level, topic, title, text).await;
        let petitions = &self.instance.state.capabilities.petitions;
        petitions.accept(&self.moderator, &id).await.expect("accepted");
        assert_eq!(petitions.get(&id).unwrap().status, dauys_core::PetitionStatus::Open);
        id
    }

    fn signatures(&self, id: &PetitionId) -> u64 {
        self.instance.state.capabilities.petitions.get(id).unwrap().signatures
    }
}

fn ru(title: &str, text: &str) -> (PartialText, PartialText) {
    (PartialText::one(dauys_core::Lang::Ru, title), PartialText::one(dauys_core::Lang::Ru, text))
}

/// How many petitions a list page shows.
fn items(html: &str) -> usize {
    html.matches("class=\"petition\"").count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_searches_in_kazakh_and_russian_filters_and_pages() {
    let env = start().await;
    let kk = dauys_core::Lang::Kk;
    env.open_petition(
        AKIMAT,
        Level::OblastAkimat,
        "transport",
        PartialText::one(kk, "Алматыда велосипед жолдарын салу"),
        PartialText::one(kk, "Қала орталығында қауіпсіз велосипед жолдары керек."),
    )
    .await;
    let (t, x) = ru("Построить парк у реки", "Просим разбить парк на пустыре у реки Есентай.");
    env.open_petition(AKIMAT, Level::OblastAkimat, "urban", t, x).await;
    let (t, x) = ru("Бесплатный интернет в сёлах", "Провести интернет во все сёла.");
    env.open_petition(GOVERNMENT, Level::Government, "digital", t, x).await;
    for i in 0..20 {
        let (t, x) = ru(&format!("Обычная петиция номер {i}"), "Текст обычной петиции.");
        env.open_petition(GOVERNMENT, Level::Government, "other", t, x).await;
    }
    // A draft is never listed.
    let draft = Draft {
        petition: None,
        body: GOVERNMENT.parse().unwrap(),
        level: Level::Government,
        topic: "other".parse().unwrap(),
        title: PartialText::one(kk, "Жарияланбаған жоба"),
        text: PartialText::one(kk, "Жоба мәтіні."),
    };
    env.instance.state.capabilities.petitions.draft(&env.person("author").account, draft).await.expect("drafted");

    let all = env.get("/petitions", None).await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("23 petitions found, page 1 of 2"), "{}", all.body);
    assert_eq!(items(&all.body), 20);
    assert!(all.body.contains("href=\"/petitions/new\""), "a link to start a petition");
    assert!(all.body.contains("href=\"/petitions?page=2\" rel=\"next\""));
    assert!(!all.body.contains("Жарияланбаған"), "drafts are not listed");
    let second = env.get("/petitions?page=2", None).await;
    assert_eq!(items(&second.body), 3);
    assert!(second.body.contains("rel=\"prev\""));

    // Kazakh and Russian words, as prefixes, in the page's language or not.
    let kazakh = env.get(&format!("/petitions?q={}", enc("жолдар")), None).await;
    assert!(kazakh.body.contains("Алматыда велосипед жолдарын салу") && items(&kazakh.body) == 1, "{}", kazakh.body);
    assert!(kazakh.body.contains("lang=\"kk\""), "the title is marked as Kazakh");
    let russian = env.get(&format!("/petitions?q={}&lang=ru", enc("парк")), None).await;
    assert!(russian.body.contains("Построить парк у реки") && items(&russian.body) == 1);
    assert!(russian.body.contains("Найдена 1 петиция"), "{}", russian.body);

    // Filters.
    let urban = env.get("/petitions?topic=urban", None).await;
    assert_eq!(items(&urban.body), 1);
    assert!(urban.body.contains("Построить парк"));
    let local = env.get("/petitions?region=almaty-city&level=oblast_akimat&body=akimat-almaty", None).await;
    assert_eq!(items(&local.body), 2, "{}", local.body);
    assert!(local.body.contains("selected") && local.body.contains("value=\"almaty-city\" selected"));
    let sorted = env.get("/petitions?sort=most_signed&status=open", None).await;
    assert_eq!(sorted.status, StatusCode::OK);
    assert_eq!(items(&sorted.body), 20);

    // Nothing found: a helpful message, not an empty page.
    let none = env.get(&format!("/petitions?q={}", enc("жоқсөзқазір")), None).await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(none.body.contains("id=\"no-results\"") && none.body.contains("No petition matches"));

    // Invalid values: a clear message and 400, never a 500.
    for query in [
        "status=draft",
        "level=ministry",
        "region=mars",
        "sort=random",
        "topic=courts",
        "page=0",
        "page=9",
        "body=%20%3C",
    ] {
        let bad = env.get(&format!("/petitions?{query}"), None).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            bad.body.contains("role=\"alert\"") && bad.body.contains("is not one of the choices"),
            "{query}: {}",
            bad.body
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_petition_page_shows_progress_the_map_and_the_signers_by_first_name_only() {
    let env = start().await;
    let (t, x) = ru("Светофор у школы № 12", "Просим поставить светофор у школы.");
    let id = env.open_petition(AKIMAT, Level::OblastAkimat, "transport", t, x).await;
    let page = env.get(&format!("/petitions/{id}"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.body;
    assert!(html.contains("<h1 lang=\"ru\">Светофор у школы № 12</h1>"), "{html}");
    assert!(html.contains("<strong data-live=\"count\">2</strong> of 10 signatures (20%)"), "{html}");
    assert!(html.contains("<progress max=\"10\" value=\"2\""));
    assert!(html.contains("Open for signatures until") && html.contains("days left"));
    assert!(html.contains("by a verified citizen"));
    assert!(html.contains("class=\"region-map\"") && html.contains("class=\"region-table\""));
    assert!(html.contains("data-region=\"almaty-city\""));
    assert!(html.contains("id=\"chart-title\"") && html.contains("id=\"chart-table\""));
    assert!(html.contains("Айгерім С.") && html.contains("Дана О."), "recent signers by first name and initial");
    assert!(!html.contains("Сейітова") && !html.contains("Омарова"), "family names are never shown");
    assert!(!html.contains("880101300010"));
    assert!(html.contains("href=\"/log/"), "transitions link to their entries");
    assert!(html.contains("Akimat of Almaty"));
    // Signed out: a way to sign in and come back.
    assert!(html.contains(&format!("href=\"/login?next=/petitions/{id}\"")), "{html}");
    // Kazakh and Russian pages.
    let kk = env.get(&format!("/petitions/{id}?lang=kk"), None).await;
    assert!(kk.body.contains("Қол қою үшін кіріңіз") && kk.body.contains("lang=\"ru\""));
    let missing = env.get("/petitions/p-nosuchthing", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("No such petition"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_twice_gives_one_signature_and_a_clear_message() {
    let env = start().await;
    let (t, x) = ru("Больше скамеек в парках", "Просим поставить скамейки.");
    let id = env.open_petition(AKIMAT, Level::OblastAkimat, "urban", t, x).await;
    let sign = format!("/petitions/{id}/sign");
    let first = env.post(&sign, Some("signer"), "").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    assert_eq!(first.location, format!("/petitions/{id}/receipt"));
    assert_eq!(env.signatures(&id), 3);
    let again = env.post(&sign, Some("signer"), "").await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("You have already signed this petition"), "{}", again.body);
    assert!(again.body.contains(&format!("href=\"/petitions/{id}/receipt\"")));
    assert_eq!(env.signatures(&id), 3);
    // The page now says so.
    let page = env.get(&format!("/petitions/{id}"), Some("signer")).await;
    assert!(page.body.contains("id=\"already-signed\"") && !page.body.contains("id=\"sign-button\""));

    // Two at once, as from a double click: one signature.
    let (t, x) = ru("Ещё одна петиция", "Текст.");
    let other = env.open_petition(AKIMAT, Level::OblastAkimat, "urban", t, x).await;
    let sign = format!("/petitions/{other}/sign");
    let (a, b) = tokio::join!(env.post(&sign, Some("signer"), ""), env.post(&sign, Some("signer"), ""));
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
    assert_eq!(env.signatures(&other), 3);
    // A form without this session's token is refused.
    let forged = env.post(&format!("/petitions/{id}/sign"), Some("supporter"), "csrf=forged").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unverified_are_sent_to_verify_and_outsiders_and_minors_are_refused() {
    let env = start().await;
    let (t, x) = ru("Освещение во дворах", "Просим осветить дворы.");
    let id = env.open_petition(AKIMAT, Level::OblastAkimat, "housing", t, x).await;
    let path = format!("/petitions/{id}");

    let page = env.get(&path, Some("unverified")).await;
    assert!(page.body.contains("id=\"verify-to-sign\" href=\"/verify\""), "{}", page.body);
    assert!(!page.body.contains("id=\"sign-button\""));
    let refused = env.post(&format!("{path}/sign"), Some("unverified"), "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("Verify your identity first") && refused.body.contains("href=\"/verify\""));

    let signed_out = env.post(&format!("{path}/sign"), None, "").await;
    assert!(signed_out.status.is_redirection());
    assert_eq!(signed_out.location, format!("/login?next={path}"));

    let page = env.get(&path, Some("outsider")).await;
    assert!(page.body.contains("Only people who live in Almaty may sign"), "{}", page.body);
    let outside = env.post(&format!("{path}/sign"), Some("outsider"), "").await;
    assert_eq!(outside.status, StatusCode::FORBIDDEN);
    assert!(
        outside.body.contains("This petition is for Almaty: only people living there may sign it."),
        "{}",
        outside.body
    );
    let outside_ru = env.post(&format!("{path}/sign?lang=ru"), Some("outsider"), "").await;
    assert!(outside_ru.body.contains("город Алматы"));

    let minor = env.post(&format!("{path}/sign"), Some("minor"), "").await;
    assert_eq!(minor.status, StatusCode::FORBIDDEN);
    assert!(minor.body.contains("18 or older"));
    assert_eq!(env.signatures(&id), 2);

    // The receipt needs signing in, and a signature.
    let receipt = env.get(&format!("{path}/receipt"), None).await;
    assert!(receipt.status.is_redirection() && receipt.location.starts_with("/login?next="));
    let none = env.get(&format!("{path}/receipt"), Some("outsider")).await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    assert!(none.body.contains("You have not signed this petition"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_receipt_shows_an_inclusion_proof_the_server_verified_and_anyone_can() {
    let env = start().await;
    let (t, x) = ru("Питьевые фонтанчики", "Просим установить фонтанчики.");
    let id = env.open_petition(AKIMAT, Level::OblastAkimat, "health", t, x).await;
    let signed = env.post(&format!("/petitions/{id}/sign"), Some("signer"), "").await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let receipt = loop {
        let r = env.get(&signed.location, Some("signer")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        if r.body.contains("id=\"proof-verified\"") {
            break r;
        }
        assert!(r.body.contains("id=\"proof-pending\""), "{}", r.body);
        assert!(std::time::Instant::now() < deadline, "no checkpoint covered the signature");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let html = &receipt.body;
    assert!(html.contains("Verified ✓"), "{html}");
    assert!(html.contains("Нұрлан Ж.") && !html.contains("Жақсыбеков"));
    assert!(html.contains("Yes, the signature is counted."));
    let signature = env
        .instance
        .state
        .capabilities
        .petitions
        .signature_of(&env.person("signer").account, &id)
        .await
        .unwrap()
        .expect("the signature row");
    assert!(html.contains(&format!("href=\"/log/{0}\">{0}</a>", signature.index.0)));

    // The JSON the page links to verifies on its own, against the signed checkpoint.
    let start = html.find("/api/v1/proof/inclusion?index=").expect("a link to the proof");
    let link = &html[start..start + html[start..].find('"').unwrap()];
    let json = env.get(&link.replace("&amp;", "&"), None).await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.body);
    let proof: dauys_server::api::InclusionProof = serde_json::from_str(&json.body).unwrap();
    assert_eq!(proof.index, signature.index.0);
    let verifier = dauys_ledger::NoteVerifier::from_vkey(&env.instance.state.vkey).unwrap();
    let checkpoint = dauys_ledger::Checkpoint::open(proof.checkpoint.as_deref().unwrap(), &verifier).unwrap();
    dauys_ledger::verify_inclusion(&proof.leaf_hash, proof.index, proof.tree_size, &proof.proof, &checkpoint.root)
        .expect("the proof verifies");
    assert!(html.contains(&proof.leaf_hash.to_string()));
}

/// Every entry of the log, as text (the tests' logs are small).
async fn log_text(env: &Env) -> String {
    let reader = env.instance.state.reader.clone();
    let entries = tokio::task::spawn_blocking(move || {
        let size = reader.size().expect("log size");
        reader.entries(0, size).expect("entries")
    })
    .await
    .unwrap();
    entries.iter().map(|e| String::from_utf8_lossy(e).into_owned()).collect::<Vec<_>>().join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_author_drafts_privately_edits_launches_and_withdraws() {
    let env = start().await;
    let form = env.get("/petitions/new", Some("author")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"csrf\"") && form.body.contains("value=\"akimat-almaty\""));
    assert!(form.body.contains("value=\"oblast_akimat\"") && form.body.contains("value=\"transport\""));
    // The form says who sees a saved draft before anything is saved.
    assert!(form.body.contains("id=\"draft-is-private\"") && form.body.contains("Only you can see a saved draft"));
    assert!(env.get("/petitions/new", None).await.location.starts_with("/login?next="));
    let unverified = env.get("/petitions/new", Some("unverified")).await;
    assert_eq!(unverified.status, StatusCode::FORBIDDEN);
    assert!(unverified.body.contains("href=\"/verify\""));

    // Mistakes: the form comes back with the values kept and each problem named.
    let bad =
        format!("body={AKIMAT}&level=district_akimat&topic=transport&title_ru={}&text_ru=", enc("Тротуары без ям"));
    let again = env.post("/petitions/new", Some("author"), &bad).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("value=\"Тротуары без ям\""), "{}", again.body);
    assert!(again.body.contains("id=\"text_ru-error\"") && again.body.contains("id=\"level-error\""));
    assert!(again.body.contains("no district or town"));
    let none = env.post("/petitions/new", Some("author"), "body=&level=&topic=").await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.body.contains("Choose the body") && none.body.contains("at least one language"));

    let good = format!(
        "body={AKIMAT}&level=oblast_akimat&topic=transport&title_ru={}&text_ru={}",
        enc("Тротуары без ям"),
        enc("Просим отремонтировать тротуары\r\nна улице Абая.")
    );
    let saved = env.post("/petitions/new", Some("author"), &good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let draft = saved.location.strip_suffix("?done=drafted").expect("to the draft").to_string();
    let id: PetitionId = draft.strip_prefix("/me/drafts/").expect("the author's draft page").parse().unwrap();
    let path = format!("/petitions/{id}");

    // Saved, the draft is the author's alone: nothing on the log, no public page.
    let petitions = &env.instance.state.capabilities.petitions;
    assert!(petitions.get(&id).is_err(), "a saved draft is not on the log");
    assert!(!log_text(&env).await.contains(id.as_str()), "the log does not name the draft");
    assert_eq!(env.get(&path, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(env.get(&format!("/api/v1/petitions/{id}"), None).await.status, StatusCode::NOT_FOUND);
    let author = &env.person("author").account;
    let kept = petitions.private_draft(author, &id).await.unwrap().expect("kept privately");
    assert_eq!(kept.text.get(dauys_core::Lang::Ru), Some("Просим отремонтировать тротуары\nна улице Абая."));

    let page = env.get(&saved.location, Some("author")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("The draft is saved") && page.body.contains("id=\"draft-private\""), "{}", page.body);
    assert!(page.body.contains("Only you can see this draft") && page.body.contains("Тротуары без ям"));
    assert!(page.body.contains("id=\"edit-link\"") && page.body.contains("id=\"launch-button\""));
    assert!(page.body.contains("data-status=\"draft\"") && page.body.contains("Private draft"));
    // Anyone else finds no such draft, whatever they try; a visitor is asked to sign in.
    for who in ["signer", "unverified"] {
        assert_eq!(env.get(&draft, Some(who)).await.status, StatusCode::NOT_FOUND, "{who}");
        assert_eq!(env.get(&format!("{draft}/edit"), Some(who)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(env.post(&format!("{draft}/edit"), Some(who), &good).await.status, StatusCode::NOT_FOUND);
        assert_eq!(env.post(&format!("{draft}/launch"), Some(who), "").await.status, StatusCode::NOT_FOUND);
        assert_eq!(env.post(&format!("{draft}/delete"), Some(who), "").await.status, StatusCode::NOT_FOUND);
    }
    assert!(env.get(&draft, None).await.location.starts_with("/login?next="));
    assert_eq!(env.get("/me/drafts/not-an-id", Some("author")).await.status, StatusCode::NOT_FOUND);
    // The service refuses another account's draft as unknown, so it cannot be overwritten.
    let (t, x) = ru("Чужой", "Чужой текст.");
    let theirs = dauys_server::petitions::Draft {
        petition: Some(id.clone()),
        ..common::draft(AKIMAT, Level::OblastAkimat, "transport", t, x)
    };
    let refused = petitions.draft(&env.person("signer").account, theirs).await.unwrap_err();
    assert_eq!(refused.code(), "petition-not-found");
    let mine = env.get("/me/petitions", Some("author")).await;
    assert!(mine.body.contains("id=\"my-drafts\"") && mine.body.contains(&format!("href=\"{draft}\"")));

    let edit = env.get(&format!("{draft}/edit"), Some("author")).await;
    assert!(edit.body.contains("value=\"Тротуары без ям\"") && edit.body.contains("на улице Абая."));
    let changed = format!(
        "{good}&title_kk={}&text_kk={}",
        enc("Шұңқырсыз тротуарлар"),
        enc("Абай көшесіндегі тротуарларды жөндеу.")
    );
    let edited = env.post(&format!("{draft}/edit"), Some("author"), &changed).await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    assert_eq!(edited.location, format!("{draft}?done=drafted"));
    let kk = env.get(&format!("{draft}?lang=kk"), Some("author")).await;
    assert!(kk.body.contains("<h1 lang=\"kk\">Шұңқырсыз тротуарлар</h1>"), "{}", kk.body);
    assert!(!log_text(&env).await.contains("Шұңқырсыз"), "an edit stays private too");

    let launched = env.post(&format!("{draft}/launch"), Some("author"), "").await;
    assert_eq!(launched.status, StatusCode::SEE_OTHER, "{}", launched.body);
    assert_eq!(launched.location, format!("{path}?done=launched"));
    // Launched, the last version is on the log: drafted, then launched, then signed.
    let pet = petitions.get(&id).expect("on the log");
    assert_eq!(pet.territory, Some("almaty-city".parse().unwrap()), "the territory is the author's region");
    assert_eq!(pet.title.get(dauys_core::Lang::Kk), Some("Шұңқырсыз тротуарлар"));
    assert_eq!(pet.text.get(dauys_core::Lang::Ru), Some("Просим отремонтировать тротуары\nна улице Абая."));
    let events: Vec<&str> = pet.transitions.iter().map(|t| t.event.as_str()).collect();
    assert_eq!(events[..2], ["petition.drafted", "petition.launched"], "{events:?}");
    assert_eq!(pet.signatures, 1, "the author's own signature");
    assert!(petitions.private_draft(author, &id).await.unwrap().is_none(), "the private copy is gone");
    let page = env.get(&launched.location, Some("author")).await;
    assert!(page.body.contains("Your petition is launched.") && page.body.contains("id=\"share-link\""));
    assert!(page.body.contains(&format!("{path}\"")), "the share link is the petition's");
    assert!(page.body.contains("Needs 1 more supporter by"), "{}", page.body);
    // The draft's page now leads to the petition's.
    let gone = env.get(&format!("{draft}/edit"), Some("author")).await;
    assert_eq!((gone.status, gone.location.as_str()), (StatusCode::SEE_OTHER, path.as_str()));
    let mine = env.get("/me/petitions", Some("author")).await;
    assert!(mine.body.contains("Тротуары без ям") || mine.body.contains("Шұңқырсыз"), "{}", mine.body);
    assert!(mine.body.contains("Gathering first supporters") && !mine.body.contains("id=\"my-drafts\""));

    let no_reason = env.post(&format!("{path}/withdraw"), Some("author"), "reason=%20").await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("Give a reason"));
    let not_yours = env.post(&format!("{path}/withdraw"), Some("signer"), "reason=mine").await;
    assert!(not_yours.status.is_client_error());
    let withdrawn =
        env.post(&format!("{path}/withdraw"), Some("author"), &format!("reason={}", enc("Решили иначе"))).await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER, "{}", withdrawn.body);
    let page = env.get(&format!("{path}?done=withdrawn"), None).await;
    assert!(page.body.contains("data-status=\"withdrawn\"") && page.body.contains("Решили иначе"));
    assert!(page.body.contains("The petition is withdrawn."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_draft_is_deleted_downloaded_and_bounded() {
    let env = start().await;
    let petitions = &env.instance.state.capabilities.petitions;
    let author = &env.person("author").account;
    let draft = |n: usize| {
        let (t, x) = ru(&format!("Черновик {n}"), "Текст черновика.");
        common::draft(AKIMAT, Level::OblastAkimat, "transport", t, x)
    };
    let first = petitions.draft(author, draft(0)).await.unwrap();
    let data = env.get("/me/data.json", Some("author")).await;
    assert!(data.body.contains("\"petition_drafts\"") && data.body.contains("Черновик 0"), "{}", data.body);

    // Deleting asks for a second click (folded), then the draft is gone for good.
    let page = env.get(&format!("/me/drafts/{first}"), Some("author")).await;
    assert!(page.body.contains("id=\"delete-draft\"") && page.body.contains("id=\"delete-button\""));
    let deleted = env.post(&format!("/me/drafts/{first}/delete"), Some("author"), "").await;
    assert_eq!((deleted.status, deleted.location.as_str()), (StatusCode::SEE_OTHER, "/me/petitions?done=deleted"));
    assert!(env.get(&deleted.location, Some("author")).await.body.contains("The draft is deleted."));
    assert_eq!(env.get(&format!("/me/drafts/{first}"), Some("author")).await.status, StatusCode::NOT_FOUND);
    assert!(petitions.private_drafts(author).await.unwrap().is_empty());
    let forged = env.post(&format!("/me/drafts/{first}/delete"), Some("author"), "csrf=forged").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // An account keeps a bounded number of drafts; the form says why it cannot save more.
    let max = dauys_server::petitions::MAX_DRAFTS_PER_ACCOUNT;
    for n in 0..max {
        petitions.draft(author, draft(n)).await.unwrap();
    }
    let refused = petitions.draft(author, draft(max)).await.unwrap_err();
    assert_eq!((refused.code(), refused.status()), ("too-many-drafts", StatusCode::CONFLICT));
    let form = format!("body={AKIMAT}&level=oblast_akimat&topic=transport&title_ru=A&text_ru=B");
    let again = env.post("/petitions/new", Some("author"), &form).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains(&format!("You keep {max} drafts already")), "{}", again.body);
    assert_eq!(petitions.private_drafts(author).await.unwrap().len(), max);
    // Editing one of them is not a new draft, so it still goes through.
    let some = petitions.private_drafts(author).await.unwrap()[0].petition.clone();
    let edited = env.post(&format!("/me/drafts/{some}/edit"), Some("author"), &form).await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
}

/// A title that shows nothing, or that direction controls re-order, is refused on the form's
/// title field in the page's language; the service refuses it too (the rule is the core's),
/// while honest Kazakh, Russian and English go through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_a_reorganisation_closed_is_not_offered() {
    let env = start().await;
    let name = dauys_core::LocalizedText::new("Ескі әкімдік", "Старый акимат", "The old akimat");
    common::register_body(&env.instance, "akimat-old", BodyKind::Akimat, name).await;
    let form = env.get("/petitions/new", Some("author")).await;
    assert!(form.body.contains("value=\"akimat-old\""), "offered while open");
    let abolished =
        dauys_core::Event::BodyAbolished { body: "akimat-old".parse().unwrap(), successor: AKIMAT.parse().unwrap() };
    common::submit(&env.instance, abolished).await;
    let form = env.get("/petitions/new", Some("author")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(!form.body.contains("value=\"akimat-old\""), "a closed body is not offered");
    assert!(form.body.contains(&format!("value=\"{AKIMAT}\"")), "its successor is");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deceptive_titles_are_refused_in_every_language() {
    let env = start().await;
    let text = enc("Просим отремонтировать тротуары на улице Абая.");
    for (lang, field, title, message) in [
        ("kk", "title_ru", "Тротуары \u{202E}мя зеб", "айналасындағы мәтіннің бағытын өзгертетін көрінбейтін таңба"),
        ("ru", "title_ru", "\u{200B}\u{200D}\u{3164}", "В этом тексте ничего не видно"),
        ("en", "title_ru", "\u{2066}Тротуары\u{2069}", "an invisible character that changes the direction"),
        ("en", "title_ru", "Тротуары\u{200F}", "an invisible character that changes the direction"),
    ] {
        let form = format!("body={AKIMAT}&level=oblast_akimat&topic=transport&{field}={}&text_ru={text}", enc(title));
        let again = env.post(&format!("/petitions/new?lang={lang}"), Some("author"), &form).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{title:?}");
        let error = again.body.find(&format!("id=\"{field}-error\"")).expect("an error on the title field");
        assert!(again.body[error..].contains(message), "{lang} {title:?}: {}", again.body);
    }
    // The text may hold a mark (a quotation in Arabic script), not an override.
    let form = |title: &str, text: &str| {
        format!("body={AKIMAT}&level=oblast_akimat&topic=transport&title_kk={}&text_kk={}", enc(title), enc(text))
    };
    let again = env.post("/petitions/new", Some("author"), &form("Жолдар", "Мәтін \u{202D}ьтінім")).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("id=\"text_kk-error\""), "{}", again.body);
    let fine = form("Жолдарды жөндеу 👨\u{200D}👩\u{200D}👧", "Абай көшесі \u{200F}(دوستى) жөнделсін.");
    let saved = env.post("/petitions/new", Some("author"), &fine).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    // Past the form, the service refuses it the same way.
    let (title, text) = ru("Тротуары \u{202E}мя зеб", "Просим отремонтировать тротуары.");
    let draft = common::draft(AKIMAT, Level::OblastAkimat, "transport", title, text);
    let refused =
        env.instance.state.capabilities.petitions.draft(&env.person("author").account, draft).await.unwrap_err();
    assert_eq!(refused.code(), "bidi-control", "{refused}");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_obligation_the_answer_and_rejections_are_shown_with_their_reasons() {
    let env = start().await;
    let petitions = &env.instance.state.capabilities.petitions;
    let (t, x) = ru("Открыть данные о бюджете", "Просим публиковать бюджет в открытом формате.");
    let id = env.open_petition(GOVERNMENT, Level::Government, "digital", t, x).await;
    let path = format!("/petitions/{id}");
    assert!(env.get(&path, None).await.body.contains("Any verified citizen aged 18 or over may sign"));
    assert_eq!(env.post(&format!("{path}/sign"), Some("outsider"), "").await.status, StatusCode::SEE_OTHER);
    let page = env.get(&path, Some("author")).await;
    assert!(page.body.contains("id=\"obligation\"") && page.body.contains("Awaiting the answer"), "{}", page.body);
    // Its standing heads the page: awaiting, due in so many working days.
    assert!(
        page.body.contains("<p class=\"headline\" data-standing=\"awaiting\">Awaiting the answer: due in "),
        "{}",
        page.body
    );
    assert!(page.body.contains("Answer due by") && page.body.contains("The threshold was reached:"));
    assert!(!page.body.contains("id=\"withdraw-button\""), "no withdrawing after the threshold");
    // The body's page lists it among the petitions it must answer.
    let body = petitions.get(&id).unwrap().obligation.as_ref().unwrap().body.clone();
    let body_page = env.get(&format!("/bodies/{body}"), None).await;
    assert_eq!(body_page.status, StatusCode::OK);
    let owed = body_page.body.split("id=\"owed-petitions\"").nth(1).expect("a section of petitions owed");
    assert!(
        owed.contains(&format!("data-petition=\"{id}\"")) && owed.contains("data-standing=\"awaiting\""),
        "{}",
        body_page.body
    );

    let answer = AnswerForm {
        decision: Decision::PartiallySupported,
        answer: PartialText::one(dauys_core::Lang::Ru, "Бюджет будет опубликован к лету."),
        discussion: PartialText::one(dauys_core::Lang::Ru, "Обсуждение прошло 3 марта."),
        head_statement: PartialText::one(dauys_core::Lang::Kk, "Басшының мәлімдемесі."),
    };
    petitions.answer(&env.official, &id, answer).await.expect("answered");
    let page = env.get(&path, None).await;
    assert!(page.body.contains("data-status=\"answered\"") && page.body.contains("Partially supported"));
    assert!(page.body.contains("<p class=\"headline\" data-standing=\"answered\">Answered on "), "{}", page.body);
    // The list heads its row the same way, and filters by the answer.
    let answered = env.get("/petitions?answer=answered", None).await;
    assert!(answered.body.contains(&format!("data-petition=\"{id}\"")), "{}", answered.body);
    assert!(answered.body.contains("data-standing=\"answered\">Answered on "));
    let awaiting = env.get("/petitions?answer=awaiting&lang=ru", None).await;
    assert!(!awaiting.body.contains(&format!("data-petition=\"{id}\"")), "{}", awaiting.body);
    let wrong = env.get("/petitions?answer=late", None).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.body.contains("The body's answer: “late” is not one of the choices."), "{}", wrong.body);
    assert!(page.body.contains("Бюджет будет опубликован к лету.") && page.body.contains("Обсуждение прошло 3 марта."));
    assert!(page.body.contains("<div class=\"text\" lang=\"kk\"><p>Басшының мәлімдемесі.</p></div>"), "{}", page.body);
    assert!(page.body.contains(env.official.id.as_str()), "who answered");
    let mine = env.get("/me/petitions", Some("author")).await;
    assert!(mine.body.contains("The threshold is reached; the body must answer."), "{}", mine.body);

    let (t, x) = ru("Изменить решение суда", "Просим пересмотреть решение суда.");
    let courts = env.moderated_petition(GOVERNMENT, Level::Government, "other", t, x).await;
    petitions
        .reject(
            &env.moderator,
            &courts,
            dauys_server::petitions::Rejection {
                reason: RejectionReason::ForbiddenTopic,
                forbidden_topic: Some("courts".parse().unwrap()),
                duplicate_of: None,
                comment: "Суды независимы.".into(),
            },
            None,
        )
        .await
        .expect("rejected");
    let page = env.get(&format!("/petitions/{courts}"), None).await;
    assert!(
        page.body.contains("The petition addresses a forbidden topic") && page.body.contains("The work of the courts")
    );
    assert!(page.body.contains("Суды независимы."));
    let (t, x) = ru("Открыть данные о бюджете снова", "То же самое.");
    let again = env.moderated_petition(GOVERNMENT, Level::Government, "digital", t, x).await;
    petitions
        .reject(
            &env.moderator,
            &again,
            dauys_server::petitions::Rejection {
                reason: RejectionReason::Duplicate,
                forbidden_topic: None,
                duplicate_of: Some(id.clone()),
                comment: "Повтор.".into(),
            },
            None,
        )
        .await
        .expect("rejected");
    let page = env.get(&format!("/petitions/{again}?lang=ru"), None).await;
    assert!(page.body.contains("Такое же требование уже выдвинуто"));
    assert!(page
        .body
        .contains(&format!("<a href=\"/petitions/{id}\"><span lang=\"ru\">Открыть данные о бюджете</span></a>")));
    let list = env.get("/petitions?status=rejected", None).await;
    assert_eq!(items(&list.body), 2);
}

// ---------------------------------------------------------------------------------------
// Strings

fn ftl_ids(source: &str) -> Vec<String> {
    source
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once('=').map(|(id, _)| id.trim().to_string()))
        .collect()
}

#[test]
fn every_page_string_is_in_kazakh_russian_and_english_and_clashes_with_no_other_file() {
    use fluent_templates::fluent_bundle::FluentResource;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    let mut ours: Vec<BTreeSet<String>> = Vec::new();
    for lang in ["kk", "ru", "en"] {
        let source = std::fs::read_to_string(dir.join(lang).join("petition-pages.ftl")).unwrap();
        if let Err((_, errors)) = FluentResource::try_new(source.clone()) {
            panic!("locales/{lang}/petition-pages.ftl does not parse: {errors:?}");
        }
        let ids = ftl_ids(&source);
        let set: BTreeSet<String> = ids.iter().cloned().collect();
        assert_eq!(set.len(), ids.len(), "an id is defined twice in {lang}");
        // All .ftl files of a language go into one bundle, which refuses a repeated id.
        for file in std::fs::read_dir(dir.join(lang)).unwrap() {
            let path = file.unwrap().path();
            if path.file_name().is_some_and(|n| n != "petition-pages.ftl") {
                let other: BTreeSet<String> = ftl_ids(&std::fs::read_to_string(&path).unwrap()).into_iter().collect();
                let clash: Vec<_> = set.intersection(&other).collect();
                assert!(clash.is_empty(), "{} also defines {clash:?}", path.display());
            }
        }
        ours.push(set);
    }
    assert_eq!(ours[0], ours[1], "kk and ru differ");
    assert_eq!(ours[0], ours[2], "kk and en differ");

    // Every file of the citizen pages, since they were split by what they show.
    let code = [
        include_str!("../../src/petitions/pages.rs"),
        include_str!("../../src/petitions/pages/list.rs"),
        include_str!("../../src/petitions/pages/petition.rs"),
        include_str!("../../src/petitions/pages/receipt.rs"),
        include_str!("../../src/petitions/pages/drafts.rs"),
        include_str!("../../src/petitions/pages/mine.rs"),
    ]
    .concat();
    let mut used: BTreeSet<String> = BTreeSet::new();
    for (i, _) in code.match_indices("\"pp-") {
        let id: String = code[i + 1..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        if !id.ends_with('-') {
            used.insert(id);
        }
    }
    for s in dauys_core::PetitionStatus::ALL {
        used.insert(format!("pp-status-{s}"));
    }
    for s in ["awaiting", "answered", "overdue"] {
        used.insert(format!("pp-obligation-{s}"));
    }
    for d in dauys_core::Decision::ALL {
        used.insert(value_id("pp-decision-", d.as_str()));
    }
    for r in dauys_core::RejectionReason::ALL {
        used.insert(value_id("pp-reason-", r.as_str()));
    }
    for s in ["newest", "most-signed", "closing-soon"] {
        used.insert(format!("pp-sort-{s}"));
    }
    for f in ["q", "status", "level", "body", "region", "topic", "answer", "sort", "page"] {
        used.insert(format!("pp-filter-{f}"));
    }
    for l in Level::ALL {
        used.insert(value_id("level-", l.as_str()));
    }
    for code in
        ["not-verified", "underage", "already-signed", "rate-limited", "window-ended", "petition-status", "not-author"]
    {
        used.insert(format!("pp-err-{code}"));
    }
    let missing: Vec<_> = used.difference(&ours[0]).collect();
    assert!(missing.is_empty(), "used but not defined: {missing:?}");
}

/// A GET as a browser sends it, with extra headers: status, headers, body.
async fn raw_get(env: &Env, path: &str, headers: &[(&str, &str)]) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut request = axum::http::Request::builder().uri(path).header("accept-language", "en");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    common::send(&env.instance, request.body(axum::body::Body::empty()).unwrap()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crowd_of_anonymous_readers_is_served_from_the_cache_and_nobody_gets_anothers_page() {
    let env = start_with_page_cache().await;
    let (t, x) = ru("Освещение во дворах", "Просим поставить фонари во дворах.");
    let id = env.open_petition(AKIMAT, Level::OblastAkimat, "urban", t, x).await;
    let path = format!("/petitions/{id}");

    // The first anonymous reader renders it; the next get the same bytes and the same ETag.
    let (status, first_headers, first) = raw_get(&env, &path, &[]).await;
    assert_eq!(status, StatusCode::OK);
    let etag = first_headers.get("etag").expect("an ETag on a public page").to_str().unwrap().to_string();
    assert_eq!(first_headers.get("cache-control").unwrap(), "public, max-age=1");
    let (_, headers, again) = raw_get(&env, &path, &[]).await;
    assert_eq!(headers.get("etag").unwrap().to_str().unwrap(), etag);
    assert_eq!(again, first);
    assert!(!env.instance.state.page_cache.is_empty());

    // A reader who has it gets 304 and no body; one who takes gzip gets the same page compressed.
    let (status, headers, body) = raw_get(&env, &path, &[("if-none-match", &etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(headers.get("etag").unwrap().to_str().unwrap(), etag);
    let (status, headers, gz) = raw_get(&env, &path, &[("accept-encoding", "gzip, br")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get("content-encoding").unwrap(), "gzip");
    assert!(gz.len() * 2 < first.len(), "compressed {} of {} bytes", gz.len(), first.len());
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut plain).unwrap();
    assert_eq!(plain, first, "the compressed page is the same page");
    let vary = headers.get_all("vary").iter().map(|v| v.to_str().unwrap().to_string()).collect::<Vec<_>>().join(", ");
    assert!(vary.contains("Accept-Encoding") && vary.contains("Cookie"), "vary: {vary}");

    // A language chosen by ?lang= comes from the same cache and is still remembered.
    let (_, headers, ru_page) = raw_get(&env, &format!("{path}?lang=ru"), &[]).await;
    assert!(String::from_utf8_lossy(&ru_page).contains("<html lang=\"ru\""));
    assert!(headers.get("set-cookie").is_some_and(|c| c.to_str().unwrap().starts_with("lang=ru")), "{headers:?}");

    // Someone signed in gets their own page, never cached, and never given to anyone else.
    let signer = env.person("signer");
    let cookie = format!("dauys_session={}", signer.token);
    let (_, headers, own) = raw_get(&env, &path, &[("cookie", &cookie)]).await;
    let own = String::from_utf8_lossy(&own).to_string();
    assert!(own.contains("id=\"sign-button\"") && own.contains(&signer.csrf), "the signer's own page");
    assert_ne!(headers.get("cache-control").unwrap(), "public, max-age=1");
    let (_, _, anonymous) = raw_get(&env, &path, &[]).await;
    let anonymous = String::from_utf8_lossy(&anonymous).to_string();
    assert!(
        !anonymous.contains(&signer.csrf) && !anonymous.contains("id=\"sign-button\""),
        "a session leaked into the cache"
    );

    // A signature shows to anonymous readers once the cached page expires (a second).
    let signed = env.post(&format!("{path}/sign"), Some("signer"), "").await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    // The first reader after expiry renders anew; a reader at the same moment may still get
    // the stale copy, never older than that.
    let (_, _, fresh) = raw_get(&env, &path, &[]).await;
    let fresh = String::from_utf8_lossy(&fresh).to_string();
    assert!(fresh.contains("<strong data-live=\"count\">3</strong>"), "count after expiry");

    // A preview card is kept too, and served as the PNG it is.
    for _ in 0..2 {
        let (status, headers, png) = raw_get(&env, &format!("{path}/card.png"), &[("accept-encoding", "gzip")]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers.get("content-encoding").is_none() && png.starts_with(b"\x89PNG"), "{headers:?}");
    }

    // Pages that are the visitor's own or act once are never kept.
    let before = env.instance.state.page_cache.len();
    let (status, _, _) = raw_get(&env, &format!("{path}/receipt"), &[]).await;
    assert_ne!(status, StatusCode::OK, "a receipt needs a session");
    raw_get(&env, "/me", &[]).await;
    raw_get(&env, "/petitions/p-nosuchthing", &[]).await;
    assert_eq!(env.instance.state.page_cache.len(), before, "only shareable pages are kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_names_petitions_and_bodies_and_a_badge_shows_the_count_anywhere() {
    let env = start().await;
    let (t, x) = ru("Тротуары на улице Абая", "Просим расширить тротуары.");
    let id = env.open_petition(AKIMAT, Level::OblastAkimat, "urban", t, x).await;

    // The log's rows say which petition and which body, in words, with links.
    let log = env.get("/log?lang=ru", None).await;
    assert_eq!(log.status, StatusCode::OK);
    assert!(log.body.contains(&format!("<a href=\"/petitions/{id}\">Тротуары на улице Абая</a>")), "{}", log.body);
    assert!(log.body.contains("<a href=\"/bodies/akimat-almaty\">Акимат города Алматы</a>"), "{}", log.body);
    assert!(!log.body.contains(&format!(">{id}<")), "a row shows the petition's identifier");

    // The badge: an image of the title and the count, for other sites.
    let (status, headers, svg) = raw_get(&env, &format!("/petitions/{id}/badge.svg?lang=en"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get("content-type").unwrap(), "image/svg+xml; charset=utf-8");
    assert_eq!(headers.get("cross-origin-resource-policy").unwrap(), "cross-origin");
    let svg = String::from_utf8(svg).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("the badge is well-formed XML");
    let texts: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
    assert_eq!(texts[0], "Тротуары на улице Абая");
    assert_eq!(texts[1], "2 of 10 signatures (20%)");
    // The page offers it, with the code to paste.
    let page = env.get(&format!("/petitions/{id}"), None).await;
    assert!(
        page.body.contains("id=\"embed-code\"") && page.body.contains(&format!("/petitions/{id}/badge.svg?lang=en"))
    );
    let missing = raw_get(&env, "/petitions/p-nosuchthing/badge.svg", &[]).await;
    assert_eq!(missing.0, StatusCode::NOT_FOUND);

    // The link-preview card: a 1200×630 PNG that the page names as its og:image, drawn anew
    // when the count changes, in the language asked for.
    let card = format!("/petitions/{id}/card.png");
    let (status, headers, en) = raw_get(&env, &format!("{card}?lang=en"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get("content-type").unwrap(), "image/png");
    assert_eq!(&en[..8], b"\x89PNG\r\n\x1a\n");
    let size = |png: &[u8]| {
        let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
        (be(16), be(20))
    };
    assert_eq!(size(&en), (1200, 630));
    let og = page.body.split("<meta property=\"og:image\" content=\"").nth(1).expect("an og:image");
    assert!(og.split('"').next().unwrap().ends_with(&format!("{card}?lang=en")), "{og}");
    assert!(page.body.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));
    let (_, _, kk) = raw_get(&env, &format!("{card}?lang=kk"), &[]).await;
    assert_ne!(kk, en, "the Kazakh card says it in Kazakh");
    let (_, _, again) = raw_get(&env, &format!("{card}?lang=en"), &[]).await;
    assert_eq!(again, en, "the same card while nothing changed");
    let signed = env.post(&format!("/petitions/{id}/sign"), Some("signer"), "").await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let (_, _, later) = raw_get(&env, &format!("{card}?lang=en"), &[]).await;
    assert_ne!(later, en, "a new count draws a new card");
    assert_eq!(raw_get(&env, "/petitions/p-nosuchthing/card.png", &[]).await.0, StatusCode::NOT_FOUND);
}

async fn my_data(env: &Env, who: &str) -> serde_json::Value {
    let reply = env.get("/me/data.json", Some(who)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_data_lists_the_petitions_i_wrote_and_signed() {
    let env = start().await;
    let (t, x) = ru("Лавочки у подъездов", "Просим поставить лавочки.");
    let id = env.open_petition(AKIMAT, Level::OblastAkimat, "urban", t, x).await;
    let signed = env.post(&format!("/petitions/{id}/sign"), Some("signer"), "").await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let author = my_data(&env, "author").await;
    assert_eq!(author["petitions_written"][0]["petition"], id.as_str(), "{author:#}");
    // The author's launch signature counts as signed too.
    assert!(author["petitions_signed"].as_array().unwrap().iter().any(|s| s["petition"] == id.as_str()), "{author:#}");
    let signer = my_data(&env, "signer").await;
    assert!(signer["petitions_written"].as_array().unwrap().is_empty());
    let signature = &signer["petitions_signed"][0];
    assert_eq!(signature["petition"], id.as_str(), "{signer:#}");
    assert!(signature["index"].as_u64().is_some(), "the ledger entry that holds it: {signer:#}");
    assert!(signer["appeals_filed"].as_array().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_shows_what_is_open_answered_and_near_the_person() {
    let env = start().await;
    let (t, x) = ru("Велодорожки в Алматы", "Просим построить велодорожки.");
    let id = env.open_petition(AKIMAT, Level::OblastAkimat, "transport", t, x).await;

    let anonymous = env.get("/", None).await;
    assert_eq!(anonymous.status, StatusCode::OK);
    let open = anonymous.body.split("id=\"home-open\"").nth(1).expect("the open petitions");
    assert!(open.contains(&format!("data-petition=\"{id}\"")), "{}", anonymous.body);
    assert!(anonymous.body.contains("id=\"home-answered\"") && anonymous.body.contains("id=\"home-appeals\""));
    assert!(!anonymous.body.contains("id=\"home-near\""), "an anonymous home page is the same for everyone");

    // Someone verified in Almaty sees what is open there first; someone in Akmola sees none.
    let near = env.get("/", Some("signer")).await;
    let section = near.body.split("id=\"home-near\"").nth(1).expect("a section near the person");
    assert!(section.contains("Almaty") && section.contains(&format!("data-petition=\"{id}\"")), "{}", near.body);
    let elsewhere = env.get("/", Some("outsider")).await;
    let section = elsewhere.body.split("id=\"home-near\"").nth(1).expect("a section near the person");
    assert!(!section.split("id=\"home-open\"").next().unwrap().contains(&format!("data-petition=\"{id}\"")));
    // The unverified have no locality to go by.
    assert!(!env.get("/", Some("unverified")).await.body.contains("id=\"home-near\""));
}

/// A POST as a browser sends it, with the given cookie: status and body.
async fn raw_post(env: &Env, path: &str, cookie: &str, form: &str) -> (StatusCode, String) {
    let request = axum::http::Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("accept-language", "en")
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(form.to_string()))
        .unwrap();
    let (status, _, body) = common::send(&env.instance, request).await;
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// Waits for a delivered message to `to` that contains `text`; returns it.
async fn mail_to(env: &Env, to: &str, text: &str) -> String {
    let is = |m: &String| m.contains(&format!("To: {to}")) && m.contains(text);
    let mails = common::wait_for_mail(
        &env.instance.state.config.mail_path(),
        &format!("mail to {to} with {text:?}"),
        |mails| mails.iter().any(is),
    )
    .await;
    mails.into_iter().find(is).expect("the mail waited for")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anyone_can_follow_a_petition_by_email_confirm_and_stop_in_one_click() {
    let env = start().await;
    let petitions = &env.instance.state.capabilities.petitions;
    let (t, x) = ru("Фонтан в парке", "Просим починить фонтан.");
    let id = env.open_petition(GOVERNMENT, Level::Government, "urban", t, x).await;
    let page = env.get(&format!("/petitions/{id}"), None).await;
    assert!(page.body.contains(&format!("href=\"/petitions/{id}/follow\"")), "the petition offers following");

    // The form, without an account: its token and the form cookie go together.
    let (status, headers, form) = raw_get(&env, &format!("/petitions/{id}/follow"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    let form = String::from_utf8(form).unwrap();
    let csrf = form.split("name=\"csrf\" value=\"").nth(1).and_then(|r| r.split('"').next()).expect("a CSRF token");
    let cookie = headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .find(|c| c.starts_with("dauys_form="))
        .and_then(|c| c.split(';').next())
        .expect("the form cookie")
        .to_string();
    let path = format!("/petitions/{id}/follow");

    // Refused: a forged form, an address that is none.
    let (status, _) = raw_post(&env, &path, "", &format!("csrf={csrf}&email=reader%40example.kz")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "without the form cookie");
    let (status, body) = raw_post(&env, &path, &cookie, &format!("csrf={csrf}&email=not-an-address")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("does not look like an e-mail address"));

    // Asked: one message with the link, nothing else until it is confirmed.
    let (status, body) = raw_post(&env, &path, &cookie, &format!("csrf={csrf}&email=Reader%40Example.kz")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("id=\"follow-sent\""));
    let confirm = mail_to(&env, "reader@example.kz", "Confirm: e-mails about").await;
    let token: String = confirm.split("/follow/").nth(1).expect("the link").chars().take(64).collect();
    assert_eq!(token.len(), 64, "{confirm}");
    let manage = format!("/follow/{token}");
    let shown = env.get(&manage, None).await;
    assert!(shown.body.contains("id=\"follow-confirm\"") && shown.body.contains("Фонтан в парке"), "{}", shown.body);
    let (status, body) = raw_post(&env, &format!("{manage}/confirm"), "", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("id=\"follow-confirmed\"") && body.contains("reader@example.kz"));

    // Someone else follows the body the petition is addressed to.
    let body_page = env.get(&format!("/bodies/{GOVERNMENT}"), None).await;
    assert!(
        body_page.body.contains(&format!("href=\"/bodies/{GOVERNMENT}/follow\"")),
        "the body's page offers following"
    );
    let body_path = format!("/bodies/{GOVERNMENT}/follow");
    let (status, body) = raw_post(&env, &body_path, &cookie, &format!("csrf={csrf}&email=watcher%40example.kz")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let confirm = mail_to(&env, "watcher@example.kz", "Government of Kazakhstan").await;
    let body_token: String = confirm.split("/follow/").nth(1).expect("the link").chars().take(64).collect();
    let (status, _) = raw_post(&env, &format!("/follow/{body_token}/confirm"), "", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(env.get("/bodies/no-such-body/follow", None).await.status, StatusCode::NOT_FOUND);

    // The answer is told, with the link that stops the messages.
    for signer in ["signer", "outsider"] {
        assert_eq!(env.post(&format!("/petitions/{id}/sign"), Some(signer), "").await.status, StatusCode::SEE_OTHER);
    }
    assert!(petitions.get(&id).unwrap().obligation.is_some(), "the threshold opened an obligation");
    let answer = AnswerForm {
        decision: Decision::Supported,
        answer: PartialText::one(dauys_core::Lang::Ru, "Фонтан починят."),
        discussion: PartialText::one(dauys_core::Lang::Ru, "Обсуждение прошло."),
        head_statement: PartialText::one(dauys_core::Lang::Ru, "Поручено."),
    };
    petitions.answer(&env.official, &id, answer).await.expect("answered");
    let news = mail_to(&env, "reader@example.kz", "Subject: The petition").await;
    assert!(news.contains(&format!("/petitions/{id}")) && news.contains(&manage), "{news}");
    let news = mail_to(&env, "watcher@example.kz", "Subject: The petition").await;
    assert!(news.contains(&format!("/petitions/{id}")) && news.contains(&body_token), "{news}");

    // One click stops them; the link then says so.
    let (status, body) = raw_post(&env, &format!("{manage}/stop"), "", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("id=\"follow-stopped\""));
    assert_eq!(env.get(&manage, None).await.status, StatusCode::NOT_FOUND);
    // A made-up or malformed link finds nothing.
    assert_eq!(env.get(&format!("/follow/{}", "0".repeat(64)), None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(env.get("/follow/short", None).await.status, StatusCode::NOT_FOUND);
}
