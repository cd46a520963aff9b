//! Moderators and officials on petitions, through the router as a browser would use it:
//! moderators accept and reject (with a coded reason) and review flagged signatures; the
//! officials of the obligated body answer; everyone else is refused, and so is a form
//! without its CSRF token.

use std::net::IpAddr;

use axum::http::{Method, StatusCode};
use common::{Reply, User};
use dauys_core::{
    AccountId, BodyKind, Lang, Level, LevelRule, LocalizedText, ObligationStatus, PartialText, PetitionId,
    PetitionStatus, RejectionReason, Role, Threshold, VerificationMethod,
};
use dauys_server::config::Config;
use dauys_server::people::Account;
use dauys_server::petitions::SignReceipt;
use dauys_server::Instance;
use dauys_testkit::{Backend, TestDatabase};

use crate::common;

/// The body the test petitions address, and one whose officials have nothing to answer.
const BODY: &str = "ministry-test";
const OTHER_BODY: &str = "ministry-other";

/// An instance with small petition rules (2 initial supporters, 3 signatures for the
/// Government level), two ministries, an administrator, a moderator, an official of each
/// ministry and verified citizens.
struct World {
    instance: Instance,
    _db: TestDatabase,
    admin: AccountId,
    moderator: User,
    official: User,
    other_official: User,
    citizens: Vec<User>,
}

/// `application/x-www-form-urlencoded`.
fn form(fields: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    fields.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

fn ip(last: u8) -> IpAddr {
    IpAddr::from([10, 0, 0, last])
}

/// A fresh session of the account, as a browser would hold it.
async fn session(instance: &Instance, id: &AccountId) -> User {
    let people = &instance.state.people;
    common::sign_in(people, common::account(people, id).await).await
}

/// A new account holding `role` (in `body`), granted by `admin`.
async fn staff(instance: &Instance, email: &str, admin: &Account, role: Role, body: Option<&str>) -> User {
    let id = common::sign_up(&instance.state.people, email).await;
    common::grant(instance, &id, role, body, &admin.id).await;
    session(instance, &id).await
}

impl World {
    async fn new(citizens: usize) -> World {
        let db = TestDatabase::new(Backend::Sqlite);
        let config = Config {
            first_administrator_email: "admin@example.kz".into(),
            // The second signature on a petition from one address is flagged.
            flag_address_burst: 1,
            ..common::config(&db)
        };
        let instance = common::instance(config).await;
        for (body, en) in [(BODY, "Ministry of Tests"), (OTHER_BODY, "Ministry of Other Things")] {
            let name = LocalizedText::new(format!("{en} (kk)"), format!("{en} (ru)"), en);
            common::register_body(&instance, body, BodyKind::Ministry, name).await;
        }
        common::publish_small_rules(&instance, |levels| {
            *levels = vec![LevelRule {
                level: Level::Government,
                threshold: Threshold::Signatures(3),
                collection_days: 30,
                consideration_working_days: 10,
            }]
        })
        .await;

        let people = &instance.state.people;
        let admin = common::sign_up(people, "admin@example.kz").await;
        people.grant_first_administrator(&admin).await.expect("first administrator");
        let admin = common::account(people, &admin).await;
        let moderator = staff(&instance, "moderator@example.kz", &admin, Role::Moderator, None).await;
        let official = staff(&instance, "official@example.kz", &admin, Role::Official, Some(BODY)).await;
        let other_official = staff(&instance, "other@example.kz", &admin, Role::Official, Some(OTHER_BODY)).await;
        let mut verified = Vec::new();
        for (n, iin) in dauys_testkit::adult_iins(citizens).into_iter().enumerate() {
            let id = common::sign_up(people, format!("citizen{n}@example.kz")).await;
            let claim = common::claim(iin, format!("Азамат{n}"), "Тестов", "astana");
            people.verify(&id, &claim, VerificationMethod::Manual, Some(&admin)).await.expect("verified");
            verified.push(session(&instance, &id).await);
        }
        World { instance, _db: db, admin: admin.id, moderator, official, other_official, citizens: verified }
    }

    /// A petition to the test ministry, launched by `author` and signed by `supporter`
    /// from `address`: with its two initial supporters, it is in moderation.
    async fn in_moderation(&self, author: &User, supporter: &User, title: &str, address: IpAddr) -> PetitionId {
        let petitions = &self.instance.state.capabilities.petitions;
        let (title, text) =
            (PartialText::one(Lang::En, title), PartialText::one(Lang::En, format!("{title}.\nA second paragraph.")));
        let draft = common::draft(BODY, Level::Government, "transport", title, text);
        let id = petitions.draft(&author.account, draft).await.expect("drafted");
        petitions.launch(&author.account, &id).await.expect("launched");
        self.sign(supporter, &id, address).await;
        assert_eq!(self.status(&id), PetitionStatus::Moderation);
        id
    }

    async fn sign(&self, who: &User, id: &PetitionId, address: IpAddr) -> SignReceipt {
        self.instance.state.capabilities.petitions.sign(&who.account, id, address).await.expect("signed")
    }

    fn petition(&self, id: &PetitionId) -> std::sync::Arc<dauys_core::Petition> {
        self.instance.state.capabilities.petitions.get(id).expect("petition")
    }

    fn status(&self, id: &PetitionId) -> PetitionStatus {
        self.petition(id).status
    }

    async fn request(&self, method: Method, who: Option<&User>, path: &str, body: String) -> Reply {
        common::browse(&self.instance, method, path, who.map(|u| u.token.as_str()), body).await
    }

    async fn get(&self, who: Option<&User>, path: &str) -> Reply {
        self.request(Method::GET, who, path, String::new()).await
    }

    /// Posts `fields` with the user's CSRF token.
    async fn post(&self, who: Option<&User>, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all = fields.to_vec();
        if let Some(user) = who {
            all.push(("csrf", user.csrf.as_str()));
        }
        self.request(Method::POST, who, path, form(&all)).await
    }

    /// Posts `fields` as they are: no CSRF token.
    async fn post_bare(&self, who: Option<&User>, path: &str, fields: &[(&str, &str)]) -> Reply {
        self.request(Method::POST, who, path, form(fields)).await
    }

    /// `who` granted `role` (in `body`) as well, with a fresh session that carries it.
    async fn also_staff(&self, who: &User, role: Role, body: Option<&str>) -> User {
        common::grant(&self.instance, &who.account.id, role, body, &self.admin).await;
        session(&self.instance, &who.account.id).await
    }

    /// The pseudonym `who` signs `id` under.
    fn pseudonym(&self, who: &User, id: &PetitionId) -> String {
        self.instance.state.capabilities.petitions.pseudonym_of(&who.account, id).expect("verified").to_string()
    }

    async fn shutdown(self) {
        let World { instance, _db, .. } = self;
        instance.shutdown().await.expect("shutdown");
    }
}

fn assert_sent_to_sign_in(reply: &Reply, what: &str) {
    assert!(
        reply.status.is_redirection() && reply.location.starts_with("/login"),
        "{what}: status {}, location {:?}",
        reply.status,
        reply.location
    );
}

fn assert_forbidden(reply: &Reply, what: &str) {
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{what}: {}", reply.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_accept_and_reject_and_nobody_else_may() {
    let w = World::new(4).await;
    let [a, b, c, d] = [&w.citizens[0], &w.citizens[1], &w.citizens[2], &w.citizens[3]];
    let to_accept = w.in_moderation(a, b, "Light the park paths", ip(1)).await;
    let to_reject = w.in_moderation(c, d, "Replace the judges of the district court", ip(2)).await;

    // Only moderators: the signed-out go to sign in, everyone else is refused in words.
    assert_sent_to_sign_in(&w.get(None, "/moderation").await, "anonymous GET /moderation");
    for (who, user) in [("citizen", a), ("official", &w.official)] {
        let reply = w.get(Some(user), "/moderation").await;
        assert_forbidden(&reply, &format!("{who} GET /moderation"));
        assert!(reply.body.contains("Only moderators"), "{who}: the refusal is not explained:\n{}", reply.body);
        for action in ["accept", "reject", "signatures/invalidate", "signatures/dismiss"] {
            let path = format!("/moderation/{to_accept}/{action}");
            let fields = [("reason", "unclear"), ("comment", "No."), ("signer", "ps1-00")];
            assert_forbidden(&w.post(Some(user), &path, &fields).await, &format!("{who} POST {path}"));
            assert_sent_to_sign_in(&w.post(None, &path, &fields).await, &format!("anonymous POST {path}"));
        }
    }
    assert_eq!(w.status(&to_accept), PetitionStatus::Moderation);

    // The queue lists both, with the level, the body and the supporters.
    let page = w.get(Some(&w.moderator), "/moderation").await;
    assert_eq!(page.status, StatusCode::OK);
    for id in [&to_accept, &to_reject] {
        assert!(page.body.contains(&format!("id=\"queued-{id}\"")), "{id} not in the queue:\n{}", page.body);
    }
    assert!(page.body.contains("Ministry of Tests") && page.body.contains("Light the park paths"));

    // A form without its CSRF token changes nothing.
    let bare = w.post_bare(Some(&w.moderator), &format!("/moderation/{to_accept}/accept"), &[]).await;
    assert_forbidden(&bare, "accept without CSRF");
    assert_eq!(w.status(&to_accept), PetitionStatus::Moderation);

    // Rejecting for a forbidden topic without naming it: the form again, with what was filled in.
    let reject = format!("/moderation/{to_reject}/reject");
    let comment = "Judges are appointed, not petitioned: a forbidden topic.";
    let reply = w
        .post(
            Some(&w.moderator),
            &reject,
            &[("reason", "forbidden_topic"), ("forbidden_topic", ""), ("comment", comment)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains("role=\"alert\"") && reply.body.contains("Choose the forbidden topic"),
        "{}",
        reply.body
    );
    assert!(reply.body.contains(&format!("value=\"{comment}\"")), "the comment was not kept:\n{}", reply.body);
    assert!(reply.body.contains("value=\"forbidden_topic\" selected"), "the reason was not kept");
    // A duplicate of a petition that does not exist, and a topic with another reason.
    let reply = w
        .post(
            Some(&w.moderator),
            &reject,
            &[("reason", "duplicate"), ("duplicate_of", "p-nosuchthing"), ("comment", "Dup.")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("There is no other petition with this identifier"), "{}", reply.body);
    let reply = w
        .post(
            Some(&w.moderator),
            &reject,
            &[("reason", "unclear"), ("forbidden_topic", "courts"), ("comment", "Unclear.")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(w.status(&to_reject), PetitionStatus::Moderation);

    // Accepting: back to the page with the result.
    let reply = w.post(Some(&w.moderator), &format!("/moderation/{to_accept}/accept"), &[]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location, format!("/moderation?done=accepted&petition={to_accept}"));
    assert_eq!(w.status(&to_accept), PetitionStatus::Open);
    let shown = w.get(Some(&w.moderator), &reply.location).await;
    assert!(
        shown.body.contains("role=\"status\"") && shown.body.contains("The petition was accepted"),
        "{}",
        shown.body
    );

    // Rejecting for a forbidden topic, named.
    let fields = [("reason", "forbidden_topic"), ("forbidden_topic", "courts"), ("comment", comment)];
    let reply = w.post(Some(&w.moderator), &reject, &fields).await;
    assert_eq!(
        (reply.status, reply.location.as_str()),
        (StatusCode::SEE_OTHER, &*format!("/moderation?done=rejected&petition={to_reject}"))
    );
    let rejected = w.petition(&to_reject);
    assert_eq!(rejected.status, PetitionStatus::Rejected);
    let rejection = rejected.rejection.as_ref().expect("a rejection");
    assert_eq!(rejection.reason, RejectionReason::ForbiddenTopic);
    assert_eq!(rejection.forbidden_topic.as_ref().map(|t| t.as_str()), Some("courts"));
    assert_eq!((rejection.comment.as_str(), &rejection.by), (comment, &w.moderator.account.id));
    // Anyone reads the reason in the petition's open data.
    let json = w.get(None, &format!("/api/v1/petitions/{to_reject}")).await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.body);
    for part in ["forbidden_topic", "courts", comment] {
        assert!(json.body.contains(part), "the petition's JSON does not show {part:?}:\n{}", json.body);
    }

    // The queue is empty; acting again on a decided petition is refused in words.
    let page = w.get(Some(&w.moderator), "/moderation").await;
    assert!(page.body.contains("id=\"queue-empty\""), "{}", page.body);
    let again = w.post(Some(&w.moderator), &format!("/moderation/{to_accept}/accept"), &[]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("no longer at this stage"), "{}", again.body);
    w.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officials_of_the_obligated_body_answer_and_no_one_else() {
    let w = World::new(3).await;
    let [a, b, c] = [&w.citizens[0], &w.citizens[1], &w.citizens[2]];
    let id = w.in_moderation(a, b, "Open a night bus line", ip(1)).await;
    w.instance.state.capabilities.petitions.accept(&w.moderator.account, &id).await.expect("accepted");
    w.sign(c, &id, ip(2)).await;
    let obligation = w.petition(&id).obligation.clone().expect("the threshold opened an obligation");
    assert_eq!((obligation.body.as_str(), obligation.status), (BODY, ObligationStatus::Awaiting));

    // The official of the body sees it, with its due date and a link to answer.
    let list = w.get(Some(&w.official), "/office/petitions").await;
    assert_eq!(list.status, StatusCode::OK);
    let answer_path = format!("/office/petitions/{id}/answer");
    assert!(list.body.contains(&format!("href=\"{answer_path}\"")), "{}", list.body);
    assert!(list.body.contains(&format!("datetime=\"{}\"", dauys_core::format_date(obligation.due))));
    assert!(list.body.contains("Awaiting the answer"));
    // The other ministry's official owes nothing, and may not answer for this one.
    let other = w.get(Some(&w.other_official), "/office/petitions").await;
    assert_eq!(other.status, StatusCode::OK);
    assert!(!other.body.contains(id.as_str()), "{}", other.body);
    assert_forbidden(&w.get(Some(&w.other_official), &answer_path).await, "another body's official GET the form");
    let fields = [("decision", "supported"), ("answer_en", "Yes."), ("discussion_en", "Held."), ("head_en", "Agreed.")];
    assert_forbidden(&w.post(Some(&w.other_official), &answer_path, &fields).await, "another body's official POST");
    // Neither citizens nor moderators have an office.
    for (who, user) in [("citizen", a), ("moderator", &w.moderator)] {
        assert_forbidden(&w.get(Some(user), "/office/petitions").await, &format!("{who} GET /office/petitions"));
        assert_forbidden(&w.post(Some(user), &answer_path, &fields).await, &format!("{who} POST the answer"));
    }
    assert_sent_to_sign_in(&w.get(None, "/office/petitions").await, "anonymous GET /office/petitions");
    assert_sent_to_sign_in(&w.post(None, &answer_path, &fields).await, "anonymous POST the answer");
    assert_forbidden(&w.post_bare(Some(&w.official), &answer_path, &fields).await, "the answer without CSRF");
    assert_eq!(w.petition(&id).obligation.as_ref().map(|o| o.status), Some(ObligationStatus::Awaiting));

    // The form says who signs; an incomplete answer comes back with the reasons.
    let page = w.get(Some(&w.official), &answer_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("<code id=\"signer\">{}</code>", w.official.account.id)), "{}", page.body);
    let reply = w.post(Some(&w.official), &answer_path, &[("decision", ""), ("answer_ru", "Будет сделано.")]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["Choose the decision.", "Record of the public discussion: write it in at least one language."] {
        assert!(reply.body.contains(message), "no {message:?}:\n{}", reply.body);
    }
    assert!(reply.body.contains("Будет сделано."), "the answer was not kept");

    // The answer is published under the official's account; the obligation is answered.
    let fields = [
        ("decision", "partially_supported"),
        ("answer_ru", "Ночной маршрут откроется летом.\r\nСначала на пробу."),
        ("answer_en", "A night line opens in summer."),
        ("discussion_kk", "Қоғамдық талқылау 12 қарашада өтті."),
        ("head_ru", "Министр поручил открыть маршрут."),
    ];
    // First the review: what will be published, nothing published yet.
    let review = w.post(Some(&w.official), &answer_path, &fields).await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    assert!(
        review.body.contains("Check the answer before you publish it") && review.body.contains("can never be changed")
    );
    assert!(review.body.contains("Ночной маршрут откроется летом.") && review.body.contains("id=\"publish\""));
    assert_eq!(w.petition(&id).obligation.as_ref().map(|o| o.status), Some(ObligationStatus::Awaiting));
    // "Change it" brings the form back with the values kept.
    let mut edit = fields.to_vec();
    edit.push(("step", "edit"));
    let back = w.post(Some(&w.official), &answer_path, &edit).await;
    assert!(
        back.status == StatusCode::OK && back.body.contains("id=\"review\"") && back.body.contains("Министр поручил")
    );
    let mut publish = fields.to_vec();
    publish.push(("step", "publish"));
    let reply = w.post(Some(&w.official), &answer_path, &publish).await;
    assert_eq!(
        (reply.status, reply.location.as_str()),
        (StatusCode::SEE_OTHER, &*format!("/petitions/{id}?done=answered")),
        "{}",
        reply.body
    );
    let done = w.get(Some(&w.official), &reply.location).await;
    assert!(done.body.contains("id=\"answered-notice\""), "no word that it is published:\n{}", done.body);
    let answered = w.petition(&id).obligation.clone().expect("obligation");
    assert_eq!(answered.status, ObligationStatus::Answered);
    let answer = answered.answer.expect("the answer");
    assert_eq!(answer.by, w.official.account.id);
    assert_eq!(answer.decision, dauys_core::Decision::PartiallySupported);
    assert_eq!(answer.answer.ru.as_deref(), Some("Ночной маршрут откроется летом.\nСначала на пробу."));
    assert_eq!(
        (answer.answer.kk.as_deref(), answer.discussion.kk.is_some(), answer.head_statement.ru.is_some()),
        (None, true, true)
    );
    let json = w.get(None, &format!("/api/v1/petitions/{id}")).await;
    assert!(json.body.contains("A night line opens in summer."), "the answer is not public:\n{}", json.body);

    let list = w.get(Some(&w.official), "/office/petitions").await;
    assert!(list.body.contains("Answered") && !list.body.contains(&format!("href=\"{answer_path}\"")), "{}", list.body);
    let again = w.post(Some(&w.official), &answer_path, &fields).await;
    assert_ne!(again.status, StatusCode::SEE_OTHER, "answered twice");
    w.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flagged_signatures_are_listed_and_invalidating_one_lowers_the_count() {
    let w = World::new(4).await;
    let [a, b, c, d] = [&w.citizens[0], &w.citizens[1], &w.citizens[2], &w.citizens[3]];
    let same_address = ip(7);
    let id = w.in_moderation(a, b, "Plant trees along the avenue", same_address).await;
    w.instance.state.capabilities.petitions.accept(&w.moderator.account, &id).await.expect("accepted");
    // The second and third signatures from one address are flagged, and counted.
    let c_sig = w.sign(c, &id, same_address).await;
    let d_sig = w.sign(d, &id, same_address).await;
    assert_eq!(w.petition(&id).signatures, 4);

    let page = w.get(Some(&w.moderator), "/moderation").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("id=\"flags-{id}\"")), "{}", page.body);
    for sig in [&c_sig, &d_sig] {
        assert!(page.body.contains(&format!("title=\"{}\"", sig.signer)), "{} not listed:\n{}", sig.signer, page.body);
    }
    assert!(!page.body.contains(&format!("title=\"{}\"", w.pseudonym(b, &id))), "an unflagged signature is listed");
    assert!(page.body.contains("many signatures from one network address"));

    // Invalidating needs a reason.
    let invalidate = format!("/moderation/{id}/signatures/invalidate");
    let reply = w.post(Some(&w.moderator), &invalidate, &[("signer", c_sig.signer.as_str()), ("reason", " ")]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Fill this in."), "{}", reply.body);
    assert_eq!(w.petition(&id).signatures, 4);

    let reason = "Twelve signatures from one address within a minute.";
    let reply = w.post(Some(&w.moderator), &invalidate, &[("signer", c_sig.signer.as_str()), ("reason", reason)]).await;
    assert_eq!(
        (reply.status, reply.location.as_str()),
        (StatusCode::SEE_OTHER, &*format!("/moderation?done=invalidated&petition={id}"))
    );
    let p = w.petition(&id);
    assert_eq!((p.signatures, p.invalidated), (3, 1));
    let signature =
        w.instance.state.capabilities.petitions.signature(&id, &c_sig.signer).await.expect("read").expect("signature");
    assert_eq!(signature.invalidation.map(|i| i.reason), Some(reason.to_string()));

    // The other flagged signature is genuine: its flag is dismissed and it still counts.
    let dismiss = format!("/moderation/{id}/signatures/dismiss");
    let reply = w.post(Some(&w.moderator), &dismiss, &[("signer", d_sig.signer.as_str())]).await;
    assert_eq!(
        (reply.status, reply.location.as_str()),
        (StatusCode::SEE_OTHER, &*format!("/moderation?done=dismissed&petition={id}"))
    );
    assert_eq!(w.petition(&id).signatures, 3);
    let page = w.get(Some(&w.moderator), &reply.location).await;
    assert!(page.body.contains("id=\"flags-empty\"") && page.body.contains("The flag was dismissed"), "{}", page.body);
    w.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderator_never_decides_on_a_petition_they_wrote() {
    let w = World::new(4).await;
    // A verified citizen who is also a moderator writes a petition, which reaches moderation.
    let author = w.also_staff(&w.citizens[0], Role::Moderator, None).await;
    let id = w.in_moderation(&author, &w.citizens[1], "Pave the courtyard of my building", ip(1)).await;

    // The queue lists it, with a line saying why there is nothing to do instead of the forms.
    let page = w.get(Some(&author), "/moderation").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("id=\"queued-{id}\"")), "{}", page.body);
    assert!(page.body.contains(&format!("id=\"own-{id}\"")), "no reason shown:\n{}", page.body);
    assert!(page.body.contains("You wrote this petition, so you cannot accept or reject it."), "{}", page.body);
    for action in ["accept", "reject"] {
        assert!(
            !page.body.contains(&format!("/moderation/{id}/{action}")),
            "the {action} form is offered:\n{}",
            page.body
        );
    }

    // Posting the forms anyway is refused, in words, and the petition stays in moderation.
    let accept = format!("/moderation/{id}/accept");
    let reply = w.post(Some(&author), &accept, &[]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    assert!(reply.body.contains("You wrote this petition, so you may not decide on it"), "{}", reply.body);
    let reject = format!("/moderation/{id}/reject");
    let reply =
        w.post(Some(&author), &format!("{reject}?lang=ru"), &[("reason", "unclear"), ("comment", "Unclear.")]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    assert!(reply.body.contains("Вы автор этой петиции"), "not refused in Russian:\n{}", reply.body);
    let p = w.petition(&id);
    assert_eq!((p.status, p.transitions.len()), (PetitionStatus::Moderation, 3));

    // Another moderator sees the forms and decides.
    let page = w.get(Some(&w.moderator), "/moderation").await;
    assert!(page.body.contains(&format!("id=\"accept-{id}\"")) && !page.body.contains(&format!("id=\"own-{id}\"")));
    let reply = w.post(Some(&w.moderator), &accept, &[]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(w.status(&id), PetitionStatus::Open);

    // Nor does the author review its flagged signatures.
    w.sign(&w.citizens[2], &id, ip(9)).await;
    let flagged = w.sign(&w.citizens[3], &id, ip(9)).await;
    let page = w.get(Some(&author), "/moderation").await;
    assert!(page.body.contains(&format!("id=\"flags-{id}\"")), "{}", page.body);
    assert!(page.body.contains(&format!("id=\"own-flags-{id}\"")), "no reason shown:\n{}", page.body);
    assert!(!page.body.contains(&format!("/moderation/{id}/signatures/")), "the review is offered:\n{}", page.body);
    for action in ["invalidate", "dismiss"] {
        let path = format!("/moderation/{id}/signatures/{action}");
        let reply = w.post(Some(&author), &path, &[("signer", flagged.signer.as_str()), ("reason", "Burst.")]).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{action}: {}", reply.body);
        assert!(reply.body.contains("You wrote this petition, so you may not decide on it"), "{}", reply.body);
    }
    let p = w.petition(&id);
    assert_eq!((p.signatures, p.invalidated), (4, 0));
    let page = w.get(Some(&w.moderator), "/moderation").await;
    assert!(page.body.contains(&format!("title=\"{}\"", flagged.signer)), "the flag was dismissed:\n{}", page.body);
    w.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_official_never_answers_a_petition_they_wrote() {
    let w = World::new(3).await;
    let [a, b, c] = [&w.citizens[0], &w.citizens[1], &w.citizens[2]];
    // A verified citizen who is also an official of the body the petition addresses.
    let author = w.also_staff(a, Role::Official, Some(BODY)).await;
    let id = w.in_moderation(&author, b, "Open a reading room in the ministry", ip(1)).await;
    w.instance.state.capabilities.petitions.accept(&w.moderator.account, &id).await.expect("accepted");
    w.sign(c, &id, ip(2)).await;
    assert_eq!(w.petition(&id).obligation.as_ref().map(|o| o.status), Some(ObligationStatus::Awaiting));

    // The office lists what the body owes, without the link to answer this one, and says why.
    let answer_path = format!("/office/petitions/{id}/answer");
    let list = w.get(Some(&author), "/office/petitions").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(&format!("id=\"own-{id}\"")), "no reason shown:\n{}", list.body);
    assert!(!list.body.contains(&format!("href=\"{answer_path}\"")), "the answer is offered:\n{}", list.body);
    let form = w.get(Some(&author), &answer_path).await;
    assert!(form.body.contains("id=\"own-petition\"") && !form.body.contains("id=\"publish\""), "{}", form.body);

    // Posting an answer anyway is refused, in words; nothing is answered.
    let fields = [("decision", "supported"), ("answer_en", "Yes."), ("discussion_en", "Held."), ("head_en", "Agreed.")];
    let reply = w.post(Some(&author), &answer_path, &fields).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    assert!(reply.body.contains("You wrote this petition, so you may not decide on it"), "{}", reply.body);
    assert_eq!(w.petition(&id).obligation.as_ref().map(|o| o.status), Some(ObligationStatus::Awaiting));

    // The body's other official answers.
    assert!(w.get(Some(&w.official), "/office/petitions").await.body.contains(&format!("href=\"{answer_path}\"")));
    let mut publish = fields.to_vec();
    publish.push(("step", "publish"));
    let reply = w.post(Some(&w.official), &answer_path, &publish).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(w.petition(&id).obligation.as_ref().map(|o| o.status), Some(ObligationStatus::Answered));
    w.shutdown().await;
}

/// The `data-act` statement and the key ids the review page hands the signing script.
fn act_data(page: &str) -> (Vec<u8>, String) {
    use base64::Engine as _;
    let attribute = |name: &str| {
        let start = page.find(&format!("{name}=\"")).unwrap_or_else(|| panic!("no {name}:\n{page}")) + name.len() + 2;
        page[start..start + page[start..].find('"').expect("attribute end")].to_string()
    };
    let statement = base64::engine::general_purpose::STANDARD.decode(attribute("data-act")).expect("base64");
    (statement, attribute("data-keys"))
}

/// Issue 13's "an official's answer verifies against that official's own key", through the
/// pages a browser uses (the browser's part, WebCrypto, is in tests/browser/demo-walk.mjs).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_official_who_holds_a_key_answers_only_with_its_signature() {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    use ed25519_dalek::Signer as _;
    let w = World::new(3).await;
    let [a, b, c] = [&w.citizens[0], &w.citizens[1], &w.citizens[2]];
    let id = w.in_moderation(a, b, "Light the park paths", ip(1)).await;
    w.instance.state.capabilities.petitions.accept(&w.moderator.account, &id).await.expect("accepted");
    w.sign(c, &id, ip(2)).await;
    let official = &w.official;
    let account = official.account.id.to_string();

    // The key, as the browser makes it, and its proof.
    let holder = ed25519_dalek::SigningKey::from_bytes(&[21; 32]);
    let public = STANDARD.encode(holder.verifying_key().as_bytes());
    let proof = STANDARD.encode(holder.sign(format!("dauys-signer/v1\n{account}\n{public}\n").as_bytes()).to_bytes());
    let key_id = dauys_core::signers::signer_key_id(holder.verifying_key().as_bytes());
    let register = [("key", public.as_str()), ("proof", proof.as_str())];

    // Refused: without the session's CSRF token, signed out, a key that is not one, a proof by
    // another key or for another account.
    assert_forbidden(&w.post_bare(Some(official), "/me/keys", &register).await, "registering without CSRF");
    assert_sent_to_sign_in(&w.post(None, "/me/keys", &register).await, "registering signed out");
    let garbage = w.post(Some(official), "/me/keys", &[("key", "not-a-key"), ("proof", proof.as_str())]).await;
    assert_eq!(garbage.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", garbage.body);
    assert!(garbage.body.contains("The key or its proof is not valid."), "{}", garbage.body);
    let someone_elses =
        STANDARD.encode(holder.sign(format!("dauys-signer/v1\nu-other\n{public}\n").as_bytes()).to_bytes());
    let moved =
        w.post(Some(official), "/me/keys", &[("key", public.as_str()), ("proof", someone_elses.as_str())]).await;
    assert_eq!(moved.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(w.instance.state.deployment.act_keys(&official.account.id).is_none(), "a refused key was logged");

    // Registered; the keys page lists it.
    let done = w.post(Some(official), "/me/keys", &register).await;
    assert_eq!(
        (done.status, done.location.as_str()),
        (StatusCode::SEE_OTHER, "/me/keys?done=registered"),
        "{}",
        done.body
    );
    let page = w.get(Some(official), "/me/keys").await;
    assert!(page.body.contains(&key_id) && page.body.contains("In force"), "{}", page.body);
    // The account's address is told, with the key and where to revoke it.
    let mail_dir = w.instance.state.config.mail_path();
    common::wait_for_mail(&mail_dir, "the notice of a new key", |mails| {
        mails.iter().any(|m| m.contains("A signing key was added") && m.contains(&key_id) && m.contains("/me/keys"))
    })
    .await;
    assert!(page.body.contains("/static/sign.js?v="), "the keys page loads no signing script");

    // A spare key made in another browser cannot sign its own registration: it waits, offered
    // on the keys page, until a browser that holds a key in force signs it there.
    let spare = ed25519_dalek::SigningKey::from_bytes(&[22; 32]);
    let spare_public = STANDARD.encode(spare.verifying_key().as_bytes());
    let spare_proof =
        STANDARD.encode(spare.sign(format!("dauys-signer/v1\n{account}\n{spare_public}\n").as_bytes()).to_bytes());
    let spare_id = dauys_core::signers::signer_key_id(spare.verifying_key().as_bytes());
    let spare_fields = [("key", spare_public.as_str()), ("proof", spare_proof.as_str())];
    let in_force = || w.instance.state.deployment.act_keys(&official.account.id).map_or(0, |k| k.in_force().count());
    let waiting = w.post(Some(official), "/me/keys", &spare_fields).await;
    assert_eq!((waiting.status, waiting.location.as_str()), (StatusCode::SEE_OTHER, "/me/keys?done=waiting"));
    assert_eq!(in_force(), 1, "the spare was registered unsigned");
    let page = w.get(Some(official), "/me/keys").await;
    let offered = page.body.find("id=\"keys-waiting\"").map(|at| &page.body[at..]).expect("the spare is offered");
    assert!(offered.contains(&spare_id), "{offered}");
    let (statement, _) = act_data(offered);
    let registration = dauys_core::Event::SignerRegistered {
        account: official.account.id.clone(),
        key: spare_public.clone(),
        proof: spare_proof.clone(),
    };
    assert_eq!(statement, dauys_core::act_statement(&registration));
    let signed_by = |key: &ed25519_dalek::SigningKey| STANDARD.encode(key.sign(&statement).to_bytes());
    let (by_spare, by_holder) = (signed_by(&spare), signed_by(&holder));
    let mut by_itself = spare_fields.to_vec();
    by_itself.extend([("act_key", spare_id.as_str()), ("act_sig", by_spare.as_str())]);
    let refused = w.post(Some(official), "/me/keys", &by_itself).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "the spare signed its own registration");
    let mut by_first = spare_fields.to_vec();
    by_first.extend([("act_key", key_id.as_str()), ("act_sig", by_holder.as_str())]);
    let confirmed = w.post(Some(official), "/me/keys", &by_first).await;
    assert_eq!(confirmed.location, "/me/keys?done=registered", "{}", confirmed.body);
    assert_eq!(in_force(), 2);
    assert!(!w.get(Some(official), "/me/keys").await.body.contains("id=\"keys-waiting\""), "still offered");

    // The review page hands the script the exact act and the key in force.
    let path = format!("/office/petitions/{id}/answer");
    let fields = [
        ("decision", "supported"),
        ("answer_en", "The paths will be lit."),
        ("discussion_en", "Held."),
        ("head_en", "Agreed."),
    ];
    let review = w.post(Some(official), &path, &fields).await;
    let (statement, keys) = act_data(&review.body);
    assert_eq!(keys, format!("{key_id} {spare_id}"), "both keys in force, in the order registered");
    let expected = dauys_server::petitions::AnswerForm {
        decision: dauys_core::Decision::Supported,
        answer: PartialText::one(Lang::En, "The paths will be lit."),
        discussion: PartialText::one(Lang::En, "Held."),
        head_statement: PartialText::one(Lang::En, "Agreed."),
    }
    .event(&id, &official.account.id);
    assert_eq!(statement, dauys_core::act_statement(&expected));

    // Unsigned, or signed by a key that is not theirs, the answer is refused and nothing moves.
    let mut publish = fields.to_vec();
    publish.push(("step", "publish"));
    let unsigned = w.post(Some(official), &path, &publish).await;
    assert!(unsigned.status.is_client_error(), "{}", unsigned.status);
    assert!(unsigned.body.contains("this browser holds none of your keys in force"), "{}", unsigned.body);
    let forger = ed25519_dalek::SigningKey::from_bytes(&[22; 32]);
    let forged = STANDARD.encode(forger.sign(&statement).to_bytes());
    let mut forged_fields = publish.clone();
    forged_fields.extend([("act_key", key_id.as_str()), ("act_sig", forged.as_str())]);
    assert!(w.post(Some(official), &path, &forged_fields).await.status.is_client_error());
    assert_eq!(w.petition(&id).obligation.as_ref().map(|o| o.status), Some(ObligationStatus::Awaiting));

    // Signed with their key: published, and the entry carries the signature.
    let signature = STANDARD.encode(holder.sign(&statement).to_bytes());
    let mut signed = publish.clone();
    signed.extend([("act_key", key_id.as_str()), ("act_sig", signature.as_str())]);
    let reply = w.post(Some(official), &path, &signed).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let index = w.petition(&id).obligation.clone().and_then(|o| o.answer).expect("answered").index.0;
    let entry = w.get(None, &format!("/api/v1/entries/{index}")).await;
    assert!(entry.body.contains(&format!("\"sig\":{{\"key\":\"{key_id}\"")), "{}", entry.body);
    let shown = w.get(None, &format!("/log/{index}")).await;
    assert!(shown.body.contains("its author, with their own key"), "{}", shown.body);

    // Revoking is an act too: refused unsigned, done signed.
    let revoke = dauys_core::Event::SignerRevoked { account: official.account.id.clone(), key: key_id.clone() };
    let revoke_fields = [("key", key_id.as_str())];
    assert_forbidden(&w.post_bare(Some(official), "/me/keys/revoke", &revoke_fields).await, "revoking without CSRF");
    assert_sent_to_sign_in(&w.post(None, "/me/keys/revoke", &revoke_fields).await, "revoking signed out");
    assert_sent_to_sign_in(&w.get(None, "/me/keys").await, "the keys page signed out");
    let unsigned = w.post(Some(official), "/me/keys/revoke", &revoke_fields).await;
    assert_eq!(unsigned.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unsigned.body);
    let sig = STANDARD.encode(holder.sign(&dauys_core::act_statement(&revoke)).to_bytes());
    let revoked = w
        .post(
            Some(official),
            "/me/keys/revoke",
            &[("key", key_id.as_str()), ("act_key", key_id.as_str()), ("act_sig", sig.as_str())],
        )
        .await;
    assert_eq!(
        (revoked.status, revoked.location.as_str()),
        (StatusCode::SEE_OTHER, "/me/keys?done=revoked"),
        "{}",
        revoked.body
    );
    assert!(w.get(Some(official), "/me/keys").await.body.contains("Revoked"));
    common::wait_for_mail(&mail_dir, "the notice of a revoked key", |mails| {
        mails.iter().any(|m| m.contains("was revoked") && m.contains(&key_id))
    })
    .await;
    w.shutdown().await;
}

/// A moderator who holds a key accepts only with its signature: the moderation page hands the
/// signing script each acceptance's statement.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderator_who_holds_a_key_accepts_only_with_its_signature() {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    use ed25519_dalek::Signer as _;
    let w = World::new(2).await;
    let id = w.in_moderation(&w.citizens[0], &w.citizens[1], "Plant trees", ip(1)).await;
    let moderator = &w.moderator;
    let holder = ed25519_dalek::SigningKey::from_bytes(&[31; 32]);
    let public = STANDARD.encode(holder.verifying_key().as_bytes());
    let proof = STANDARD
        .encode(holder.sign(format!("dauys-signer/v1\n{}\n{public}\n", moderator.account.id).as_bytes()).to_bytes());
    let key_id = dauys_core::signers::signer_key_id(holder.verifying_key().as_bytes());
    let people = &w.instance.state.people;
    people
        .register_signing_key(&moderator.account, public, proof, None, "http://dauys.test")
        .await
        .expect("registered");

    let page = w.get(Some(moderator), "/moderation").await;
    let (statement, keys) = act_data(&page.body);
    assert_eq!(keys, key_id);
    let accept = dauys_core::Event::PetitionAccepted { petition: id.clone(), by: moderator.account.id.clone() };
    assert_eq!(statement, dauys_core::act_statement(&accept));

    let path = format!("/moderation/{id}/accept");
    let unsigned = w.post(Some(moderator), &path, &[]).await;
    assert_eq!(w.status(&id), PetitionStatus::Moderation, "accepted unsigned: {}", unsigned.status);
    // Sent unsigned, the acceptance comes back as the page that asks for the signature.
    assert_eq!(unsigned.status, StatusCode::OK, "{}", unsigned.body);
    assert!(unsigned.body.contains("Sign this act"), "{}", unsigned.body);
    assert_eq!(act_data(&unsigned.body).0, statement);
    let sig = STANDARD.encode(holder.sign(&statement).to_bytes());
    let signed = w.post(Some(moderator), &path, &[("act_key", key_id.as_str()), ("act_sig", sig.as_str())]).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    assert_eq!(w.status(&id), PetitionStatus::Open);

    // A rejection has a comment, so its page cannot know the act before it is sent: sent
    // unsigned, it comes back with the act shown and the fields kept, to be signed.
    let other = w.in_moderation(&w.citizens[1], &w.citizens[0], "Paint the benches", ip(3)).await;
    let reject = format!("/moderation/{other}/reject");
    let fields = [("reason", "unclear"), ("comment", "  Say which benches.  ")];
    let asked = w.post(Some(moderator), &reject, &fields).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert!(asked.body.contains("Sign this act") && asked.body.contains("Say which benches."), "{}", asked.body);
    assert_eq!(w.status(&other), PetitionStatus::Moderation, "rejected unsigned");
    let (statement, _) = act_data(&asked.body);
    let rejected = dauys_core::Event::PetitionRejected {
        petition: other.clone(),
        by: moderator.account.id.clone(),
        reason: dauys_core::RejectionReason::Unclear,
        forbidden_topic: None,
        duplicate_of: None,
        comment: "Say which benches.".into(),
    };
    assert_eq!(statement, dauys_core::act_statement(&rejected));
    let sig = STANDARD.encode(holder.sign(&statement).to_bytes());
    let mut signed = fields.to_vec();
    signed.extend([("act_key", key_id.as_str()), ("act_sig", sig.as_str())]);
    let done = w.post(Some(moderator), &reject, &signed).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(w.status(&other), PetitionStatus::Rejected);
    w.shutdown().await;
}
