//! Following a petition, or a body's petitions, by e-mail: "tell me when it is answered".
//! Anyone may ask, signed in or not. The address gets one message with a link; nothing else
//! is sent until the person opens it and confirms. Every message carries the link that stops
//! them, one click on a page that needs no sign-in. Each follower is told, in the language
//! they asked in, when the body answers the petition (any petition it owes, for a body's
//! follower) and when a deadline passes without an answer.
//!
//! Followers are sealed records in the private store (`RecordKind::Subscription`), listed
//! by what they follow; the record's id is a hash of the secret token in the links, so the
//! database alone cannot stop or confirm anyone. Messages go through the sealed outbox.

use std::str::FromStr;
use std::sync::{Arc, Weak};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use dauys_core::{BodyId, Lang, Petition, PetitionId};
use dauys_store::{RecordId, RecordKind, SealedRecords};
use fluent_templates::fluent_bundle::FluentValue;
use maud::{html, Markup};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc::UnboundedReceiver;

use super::view::{News, PetitionsView};
use super::{petition_href, Petitions};
use crate::people::mail::Mail;
use crate::people::{run_blocking, People, PeopleError};
use crate::web::extract::{ClientAddr, Known, PageResult, SignedOutForm};
use crate::web::forms::csrf_field;
use crate::web::{Page, Section};
use crate::AppState;

/// Followers told of one petition's news (a petition with more is told to the first ones;
/// the outbox sends them at its own pace).
const MAX_FOLLOWERS: u32 = 100_000;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/petitions/{id}/follow", get(follow_petition_form).post(follow_petition))
        .route("/bodies/{id}/follow", get(follow_body_form).post(follow_body))
        .route("/follow/{token}", get(following))
        .route("/follow/{token}/confirm", post(confirm))
        .route("/follow/{token}/stop", post(stop))
}

/// What someone follows.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Followed {
    Petition(PetitionId),
    /// Every petition the body owes an answer to.
    Body(BodyId),
}

impl Followed {
    /// The key its followers are listed under.
    fn owner(&self) -> String {
        match self {
            Followed::Petition(id) => format!("petition/{id}"),
            Followed::Body(id) => format!("body/{id}"),
        }
    }

    fn href(&self) -> String {
        match self {
            Followed::Petition(id) => petition_href(id),
            Followed::Body(id) => format!("/bodies/{id}"),
        }
    }

    /// The message that says what its followers are told.
    fn lead(&self) -> &'static str {
        match self {
            Followed::Petition(_) => "follow-lead",
            Followed::Body(_) => "follow-body-lead",
        }
    }

    /// Its name in `lang`: the petition's title, the body's name.
    fn name(&self, app: &AppState, lang: Lang) -> String {
        match self {
            Followed::Petition(id) => app
                .capabilities
                .petitions
                .view()
                .get(id)
                .map_or_else(|| id.to_string(), |p| p.title.best(lang).1.to_string()),
            Followed::Body(id) => app.deployment.body_name(id, lang),
        }
    }
}

/// One follower, sealed (under the master key, like the outbox): the link token is kept in
/// it so that every message can carry the link that stops them.
#[derive(Serialize, Deserialize)]
struct Follower {
    email: String,
    /// The language they asked in (`kk`, `ru`, `en`).
    lang: String,
    followed: Followed,
    confirmed: bool,
    token: String,
}

/// The record that holds the follower with this link token: a hash, so a copy of the
/// database does not hold the links.
fn record_id(token: &str) -> Option<RecordId> {
    let valid = token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit());
    valid.then(|| RecordId::new(&hex::encode(&Sha256::digest(token.as_bytes())[..24])).ok()).flatten()
}

fn aad(id: &RecordId) -> Vec<u8> {
    format!("dauys/follow/v1:{id}").into_bytes()
}

/// The followed item's address and the follower's own page (confirm, stop).
fn links(public_url: &str, followed: &Followed, token: &str) -> (String, String) {
    (format!("{public_url}{}", followed.href()), format!("{public_url}/follow/{token}"))
}

impl Petitions {
    fn seal_follower(&self, id: &RecordId, follower: &Follower) -> Result<Vec<u8>, PeopleError> {
        let plain = serde_json::to_vec(follower).map_err(|e| PeopleError::Internal(e.to_string()))?;
        Ok(self.people.seal_standalone(&aad(id), &plain))
    }

    fn open_follower(&self, id: &RecordId, sealed: &[u8]) -> Result<Follower, PeopleError> {
        let plain = self.people.open_standalone(&aad(id), sealed)?;
        serde_json::from_slice(&plain).map_err(|e| PeopleError::Internal(format!("follower record: {e}")))
    }

    /// Records `email` as a follower of `followed` (named `name` in `lang`), not yet
    /// confirmed, and sends the link that confirms it. Blocking.
    fn follow(
        &self,
        followed: Followed,
        name: &str,
        email: &str,
        lang: Lang,
        public_url: &str,
    ) -> Result<(), PeopleError> {
        let email = crate::people::normalize_email(email)?;
        let mut bytes = [0u8; 32];
        getrandom::getrandom(&mut bytes).map_err(|e| PeopleError::Internal(e.to_string()))?;
        let token = hex::encode(bytes);
        let id = record_id(&token).ok_or_else(|| PeopleError::Internal("follower id".into()))?;
        let (link, manage) = links(public_url, &followed, &token);
        let owner = followed.owner();
        let follower =
            Follower { email: email.clone(), lang: lang.as_str().to_string(), followed, confirmed: false, token };
        let sealed = self.seal_follower(&id, &follower)?;
        self.sealed.put(RecordKind::Subscription, &id, &sealed, Some(&owner), super::now_ms())?;
        self.people.enqueue_mail(&Mail::about_petition(&email, lang, "follow-confirm", name, &link, &manage))?;
        Ok(())
    }

    /// The follower the link's token names, if any. Blocking.
    fn follower(&self, token: &str) -> Result<Option<(RecordId, Follower)>, PeopleError> {
        let Some(id) = record_id(token) else { return Ok(None) };
        match self.sealed.get(RecordKind::Subscription, &id)? {
            Some(record) => Ok(Some((id.clone(), self.open_follower(&id, &record.sealed)?))),
            None => Ok(None),
        }
    }

    /// Confirms the follower the token names; `None` if there is none. Blocking.
    fn confirm_follower(&self, token: &str) -> Result<Option<Follower>, PeopleError> {
        let Some((id, mut follower)) = self.follower(token)? else { return Ok(None) };
        if !follower.confirmed {
            follower.confirmed = true;
            let sealed = self.seal_follower(&id, &follower)?;
            let owner = follower.followed.owner();
            self.sealed.replace(RecordKind::Subscription, &id, &sealed, Some(&owner), super::now_ms())?;
        }
        Ok(Some(follower))
    }

    /// Stops the messages to the follower the token names; whether there was one. Blocking.
    fn stop_follower(&self, token: &str) -> Result<bool, PeopleError> {
        let Some(id) = record_id(token) else { return Ok(false) };
        Ok(self.sealed.delete(RecordKind::Subscription, &id)?)
    }
}

/// Tells each confirmed follower of a petition, and of the body that owes its answer, the
/// petition's news, until the server stops. Holds the people service weakly, as the appeals'
/// notifier does, so it never keeps the sequencer up.
pub(super) async fn tell_followers(
    people: Weak<People>,
    sealed: SealedRecords,
    view: Arc<PetitionsView>,
    public_url: String,
    mut news: UnboundedReceiver<News>,
) {
    while let Some(News { petition, what }) = news.recv().await {
        let Some(people) = people.upgrade() else { return };
        let Some(pet) = view.get(&petition) else { continue };
        let mut followed = vec![Followed::Petition(pet.id.clone())];
        if let Some(o) = &pet.obligation {
            followed.push(Followed::Body(o.body.clone()));
        }
        let (sealed, public_url) = (sealed.clone(), public_url.clone());
        let told = run_blocking(move || {
            let mut told = 0;
            let link = format!("{public_url}{}", petition_href(&pet.id));
            for item in followed {
                for record in sealed.list_by_owner(RecordKind::Subscription, &item.owner(), MAX_FOLLOWERS)? {
                    let plain = people.open_standalone(&aad(&record.id), &record.sealed)?;
                    let Ok(follower) = serde_json::from_slice::<Follower>(&plain) else { continue };
                    if !follower.confirmed {
                        continue;
                    }
                    let lang = follower.lang.parse::<Lang>().unwrap_or(Lang::Kk);
                    let (_, manage) = links(&public_url, &follower.followed, &follower.token);
                    let title = pet.title.best(lang).1;
                    let prefix = format!("follow-{what}");
                    people.enqueue_mail(&Mail::about_petition(
                        &follower.email,
                        lang,
                        &prefix,
                        title,
                        &link,
                        &manage,
                    ))?;
                    told += 1;
                }
            }
            Ok(told)
        })
        .await;
        match told {
            Ok(n) => tracing::info!(%petition, what, followers = n, "followers told"),
            Err(e) => tracing::warn!(%petition, error = %e, "followers not told"),
        }
    }
}

/// GET /petitions/{id}/follow — the form: an address, and what will be sent to it.
async fn follow_petition_form(State(app): State<AppState>, p: Page, Known(pet): Known<Petition>) -> Response {
    follow_page(&app, &p, &Followed::Petition(pet.id.clone()), None, StatusCode::OK)
}

/// GET /bodies/{id}/follow
async fn follow_body_form(State(app): State<AppState>, p: Page, Path(id): Path<String>) -> Response {
    match known_body(&app, &id) {
        Some(followed) => follow_page(&app, &p, &followed, None, StatusCode::OK),
        None => no_body(&p, &id),
    }
}

/// The page for a body the deployment does not have.
fn no_body(p: &Page, id: &str) -> Response {
    crate::web::not_found_page(crate::i18n::UiLang { lang: p.lang, chosen: false }, &format!("/bodies/{id}/follow"))
}

fn known_body(app: &AppState, id: &str) -> Option<Followed> {
    let id = BodyId::from_str(id).ok()?;
    app.deployment.body(&id).map(|_| Followed::Body(id))
}

fn follow_page(app: &AppState, p: &Page, followed: &Followed, message: Option<Markup>, status: StatusCode) -> Response {
    let (csrf, cookie) = crate::people::pages::form_token(app);
    let title = p.t("follow-title");
    let main = html! {
        h1 { (title) }
        p.lead { a href=(followed.href()) { (followed.name(app, p.lang)) } }
        @if let Some(m) = message { (m) }
        p { (p.t(followed.lead())) }
        form.stack method="post" action={ (followed.href()) "/follow" } {
            (csrf_field(&csrf))
            label for="email" { (p.t("field-email")) }
            input #email type="email" name="email" autocomplete="email" required maxlength="254" aria-describedby="follow-hint";
            p.hint #follow-hint { (p.t("follow-hint")) }
            button #follow-button type="submit" { (p.t("follow-button")) }
        }
    };
    (cookie, p.render(status, &title, super::SECTION, main)).into_response()
}

#[derive(Deserialize)]
pub(crate) struct FollowForm {
    #[serde(default)]
    email: String,
}

/// POST /petitions/{id}/follow
async fn follow_petition(
    State(app): State<AppState>,
    p: Page,
    Known(pet): Known<Petition>,
    ClientAddr(address): ClientAddr,
    form: SignedOutForm<FollowForm>,
) -> Response {
    follow(&app, &p, Followed::Petition(pet.id.clone()), address, form).await
}

/// POST /bodies/{id}/follow
async fn follow_body(
    State(app): State<AppState>,
    p: Page,
    Path(id): Path<String>,
    ClientAddr(address): ClientAddr,
    form: SignedOutForm<FollowForm>,
) -> Response {
    match known_body(&app, &id) {
        Some(followed) => follow(&app, &p, followed, address, form).await,
        None => no_body(&p, &id),
    }
}

async fn follow(
    app: &AppState,
    p: &Page,
    followed: Followed,
    address: std::net::IpAddr,
    SignedOutForm { form, genuine }: SignedOutForm<FollowForm>,
) -> Response {
    let alert = |id: &str| html! { div.error role="alert" #follow-error { p { (p.t(id)) } } };
    if !genuine {
        return follow_page(app, p, &followed, Some(alert("follow-expired")), StatusCode::FORBIDDEN);
    }
    // The same budget as signing up: each request sends a message to an address it names.
    if let Err(e) = crate::people::session::Limits::check(&app.limits.sign_up, address) {
        let page = follow_page(app, p, &followed, Some(alert("follow-too-many")), StatusCode::TOO_MANY_REQUESTS);
        return crate::people::pages::with_retry_after(page, &e);
    }
    let name = followed.name(app, p.lang);
    let (petitions, lang, url, item) =
        (app.capabilities.petitions.clone(), p.lang, app.config.public_url(), followed.clone());
    match run_blocking(move || petitions.follow(item, &name, &form.email, lang, &url)).await {
        Ok(()) => {
            let sent = html! { div.notice role="status" #follow-sent { p { (p.t("follow-sent")) } } };
            follow_page(app, p, &followed, Some(sent), StatusCode::OK)
        }
        Err(PeopleError::InvalidEmail) => {
            follow_page(app, p, &followed, Some(alert("follow-bad-email")), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => {
            tracing::error!(error = %e, "following failed");
            follow_page(app, p, &followed, Some(alert("error-try-later")), StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}

#[derive(Clone, Copy)]
enum Step {
    Show,
    Confirm,
    Stop,
}

/// GET /follow/{token} — what the link is for: confirm, or stop. Acting takes a button, so a
/// mail program that opens links by itself changes nothing.
async fn following(State(app): State<AppState>, p: Page, Path(token): Path<String>) -> PageResult {
    act(&app, &p, &token, Step::Show).await
}

/// POST /follow/{token}/confirm
async fn confirm(State(app): State<AppState>, p: Page, Path(token): Path<String>) -> PageResult {
    act(&app, &p, &token, Step::Confirm).await
}

/// POST /follow/{token}/stop — one click, no sign-in.
async fn stop(State(app): State<AppState>, p: Page, Path(token): Path<String>) -> PageResult {
    act(&app, &p, &token, Step::Stop).await
}

async fn act(app: &AppState, p: &Page, token: &str, step: Step) -> PageResult {
    let (petitions, token) = (app.capabilities.petitions.clone(), token.to_string());
    let link_token = token.clone();
    let result = run_blocking(move || match step {
        Step::Show => Ok((petitions.follower(&token)?.map(|(_, f)| f), false)),
        Step::Confirm => Ok((petitions.confirm_follower(&token)?, false)),
        Step::Stop => Ok((None, petitions.stop_follower(&token)?)),
    })
    .await;
    let title = p.t("follow-title");
    let (follower, stopped) = match result {
        Ok(found) => found,
        Err(e) => {
            tracing::error!(error = %e, "a follow link failed");
            return Ok(p.error(StatusCode::SERVICE_UNAVAILABLE, &title, &p.t("error-try-later")));
        }
    };
    if stopped || (matches!(step, Step::Stop) && follower.is_none()) {
        let main = html! { h1 { (title) } div.notice role="status" #follow-stopped { p { (p.t("follow-stopped")) } } };
        return Ok(p.render(StatusCode::OK, &title, Section::None, main));
    }
    let Some(follower) = follower else {
        return Ok(p.error(StatusCode::NOT_FOUND, &title, &p.t("follow-unknown")));
    };
    let base = format!("/follow/{link_token}");
    let main = html! {
        h1 { (title) }
        p.lead { a href=(follower.followed.href()) { (follower.followed.name(app, p.lang)) } }
        p { (p.t(follower.followed.lead())) }
        @if follower.confirmed {
            div.notice role="status" #follow-confirmed {
                p { (p.t_args("follow-confirmed", &[("email", FluentValue::from(follower.email.clone()))])) }
            }
        } @else {
            p { (p.t_args("follow-confirm-lead", &[("email", FluentValue::from(follower.email.clone()))])) }
            form.inline method="post" action={ (base) "/confirm" } {
                button #follow-confirm type="submit" { (p.t("follow-confirm-button")) }
            }
        }
        form.inline method="post" action={ (base) "/stop" } {
            button.secondary #follow-stop type="submit" { (p.t("follow-stop-button")) }
        }
    };
    Ok(p.render(StatusCode::OK, &title, Section::None, main))
}
