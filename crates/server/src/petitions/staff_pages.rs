//! Staff pages for petitions: moderators review the queue and flagged signatures at
//! `/moderation`; officials and heads of bodies see what their bodies owe at
//! `/office/petitions` and publish the answer.
//!
//! Every decision is the [`Petitions`](super::Petitions) service's (which calls `authorize`);
//! the pages only refuse early, so that a person without the role sees a translated 403
//! instead of a form they cannot use. Plain HTML forms, no JavaScript; each form carries the
//! session's CSRF token. After an action the browser is sent back (303) with `?done=…`,
//! which the page shows as a status message.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use dauys_core::{
    BodyId, Decision, Lang, ObligationStatus, PartialText, Petition, PetitionId, Pseudonym, RejectionReason, Role,
    Timestamp, TopicCode, MAX_ANSWER_CHARS, MAX_REASON_CHARS, MAX_STATEMENT_CHARS,
};
use dauys_identity::policy::Action;
use fluent_templates::fluent_bundle::FluentValue;
use maud::{html, Markup};
use serde::Deserialize;
use time::Date;

use super::{level_label, topic_label, AnswerForm, PetitionError};
use crate::i18n::UiLang;
use crate::people::pages::csrf_field;
use crate::people::session::{MaybeSession, Session};
use crate::people::Account;
use crate::web::{time_el, Page, Section};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/moderation", get(moderation))
        .route("/moderation/{id}/accept", post(accept))
        .route("/moderation/{id}/reject", post(reject))
        .route("/moderation/{id}/signatures/invalidate", post(invalidate))
        .route("/moderation/{id}/signatures/dismiss", post(dismiss))
        .route("/office/petitions", get(obligations))
        .route("/office/petitions/{id}/answer", get(answer_form).post(answer))
}

/// How many open flags the moderation page lists.
const FLAG_LIMIT: u32 = 500;

// ---------------------------------------------------------------------------------------
// Shared bits

/// A signed-out visitor goes to sign in and comes back to `next`.
fn sign_in(next: &str) -> Response {
    Redirect::to(&format!("/login?next={next}")).into_response()
}

fn forbidden(p: &Page, message_id: &str) -> Response {
    p.error(StatusCode::FORBIDDEN, &p.t("staff-forbidden-title"), &p.t(message_id))
}

fn form_expired(p: &Page) -> Response {
    p.error(StatusCode::FORBIDDEN, &p.t("staff-forbidden-title"), &p.t("staff-form-expired"))
}

/// The public page of a petition.
fn petition_href(id: &PetitionId) -> String {
    format!("/petitions/{id}")
}

/// A value of the query string; only for the plain tokens this module puts there.
fn query_value<'a>(uri: &'a Uri, name: &str) -> Option<&'a str> {
    uri.query()?.split('&').find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
}

fn today(app: &AppState) -> Date {
    Timestamp(super::now_ms()).date_at_offset(app.petitions.view().utc_offset_minutes())
}

fn date_el(d: Date) -> Markup {
    let s = dauys_core::format_date(d);
    html! { time datetime=(s) { (s) } }
}

/// A translated message for a service failure, by its stable code.
fn error_message(p: &Page, e: &PetitionError) -> String {
    if matches!(e, PetitionError::Ledger(_) | PetitionError::People(_) | PetitionError::Internal(_)) {
        tracing::error!(error = %e, "petition staff action failed");
    }
    let id = format!("staff-err-{}", e.code().replace('_', "-"));
    let text = p.t(&id);
    if text == id {
        p.t("staff-err-other")
    } else {
        text
    }
}

/// The text in the page's language or the first one written, marked with its language.
fn partial(p: &Page, text: &PartialText) -> Markup {
    let (lang, s) = text.best(p.lang);
    html! {
        div lang=(lang.as_str()) {
            @for para in s.split('\n').filter(|l| !l.trim().is_empty()) { p { (para) } }
        }
    }
}

fn title_of(p: &Page, petition: &Petition) -> Markup {
    let (lang, s) = petition.title.best(p.lang);
    html! { span lang=(lang.as_str()) { (s) } }
}

/// The status message for `?done=…`.
fn done_notice(app: &AppState, p: &Page, uri: &Uri) -> Markup {
    const KNOWN: [&str; 5] = ["accepted", "rejected", "invalidated", "dismissed", "answered"];
    let Some(done) = query_value(uri, "done").filter(|d| KNOWN.contains(d)) else { return html! {} };
    let petition = query_value(uri, "petition").and_then(|s| s.parse::<PetitionId>().ok());
    let found = petition.and_then(|id| app.petitions.view().get(&id));
    html! {
        div.notice role="status" #done {
            p {
                (p.t(&format!("staff-done-{done}")))
                @if let Some(pet) = &found {
                    " " a href=(petition_href(&pet.id)) { (title_of(p, pet)) }
                }
            }
        }
    }
}

/// The names of `bodies` in the page's language (their identifiers where unknown).
fn body_names(app: &AppState, lang: Lang, bodies: Vec<BodyId>) -> HashMap<BodyId, String> {
    let view = app.petitions.view();
    bodies.into_iter().filter_map(|b| view.body(&b).map(|x| (b, x.name.get(lang).to_string()))).collect()
}

fn body_label(names: &HashMap<BodyId, String>, body: &BodyId) -> String {
    names.get(body).cloned().unwrap_or_else(|| body.to_string())
}

/// `ps1-3fa2…` — enough to tell signers apart on the page; the full pseudonym is in the title.
fn short_pseudonym(s: &str) -> String {
    match s.char_indices().nth(14) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// A one-line reason: trimmed, required, at most [`MAX_REASON_CHARS`], no control characters.
fn check_line(p: &Page, value: &str) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(p.t("staff-err-required"));
    }
    if v.chars().count() > MAX_REASON_CHARS {
        return Err(p.t_args("staff-err-too-long", &[("max", FluentValue::from(MAX_REASON_CHARS))]));
    }
    if v.chars().any(char::is_control) {
        return Err(p.t("staff-err-one-line"));
    }
    Ok(v.to_owned())
}

/// One field's problem, shown next to it and in the form's alert.
struct FieldError {
    /// The `id` of the input.
    field: String,
    message: String,
}

fn alert(id: &str, heading: &str, errors: &[FieldError]) -> Markup {
    html! {
        div.error role="alert" id=(id) {
            p { strong { (heading) } }
            ul { @for e in errors { li { a href={ "#" (e.field) } { (e.message) } } } }
        }
    }
}

fn field_error<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a FieldError> {
    errors.iter().find(|e| e.field == field)
}

/// `aria-invalid` and the message under a field.
fn invalid(errors: &[FieldError], field: &str) -> Option<&'static str> {
    field_error(errors, field).map(|_| "true")
}

fn error_line(errors: &[FieldError], field: &str) -> Markup {
    html! {
        @if let Some(e) = field_error(errors, field) {
            p.hint id={ (field) "-error" } { strong { (e.message) } }
        }
    }
}

fn described_by(errors: &[FieldError], field: &str, hint: Option<&str>) -> Option<String> {
    let mut ids: Vec<String> = hint.map(str::to_owned).into_iter().collect();
    if field_error(errors, field).is_some() {
        ids.push(format!("{field}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

// ---------------------------------------------------------------------------------------
// Moderation

/// Whether the account may moderate `petition` (a moderator bound to a body moderates only
/// that body's petitions, as the rules have it).
fn moderates(account: &Account, petition: &Petition) -> bool {
    account.staff.as_ref().is_some_and(|s| {
        s.grants.iter().any(|g| g.role == Role::Moderator && g.body.as_ref().is_none_or(|b| b == &petition.body))
    })
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct RejectFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    forbidden_topic: String,
    #[serde(default)]
    duplicate_of: String,
    #[serde(default)]
    comment: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct SignerFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    signer: String,
    #[serde(default)]
    reason: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// What went wrong with a moderator's form, to show it again with the values kept.
enum Failed {
    Reject {
        petition: PetitionId,
        fields: RejectFields,
        errors: Vec<FieldError>,
    },
    Invalidate {
        petition: PetitionId,
        signer: String,
        reason: String,
        message: String,
    },
    /// The service refused (someone else acted first, the ledger is busy, …).
    Action {
        petition: PetitionId,
        message: String,
    },
}

impl Failed {
    fn petition(&self) -> &PetitionId {
        match self {
            Failed::Reject { petition, .. } | Failed::Invalidate { petition, .. } | Failed::Action { petition, .. } => {
                petition
            }
        }
    }
}

/// The moderator's session, or the page to show instead (sign in, 403).
fn moderator(p: &Page, session: Option<Session>) -> Result<Session, Box<Response>> {
    let Some(session) = session else { return Err(Box::new(sign_in("/moderation"))) };
    if !session.account.may(&Action::ModeratePetitions) {
        return Err(Box::new(forbidden(p, "staff-forbidden-moderation")));
    }
    Ok(session)
}

/// For a moderator's form post: also the CSRF token and a well-formed petition id.
fn moderator_form(
    p: &Page,
    session: Option<Session>,
    csrf: &str,
    id: &str,
) -> Result<(Session, PetitionId), Box<Response>> {
    let session = moderator(p, session)?;
    if !session.form_is_genuine(csrf) {
        return Err(Box::new(form_expired(p)));
    }
    let id = id.parse::<PetitionId>().map_err(|_| Box::new(not_found(p)))?;
    Ok((session, id))
}

fn not_found(p: &Page) -> Response {
    p.error(StatusCode::NOT_FOUND, &p.t("staff-not-found-title"), &p.t("staff-not-found"))
}

fn done(what: &str, petition: &PetitionId) -> Response {
    Redirect::to(&format!("/moderation?done={what}&petition={petition}")).into_response()
}

/// GET /moderation — the queue and the flagged signatures.
pub async fn moderation(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
) -> Response {
    let p = Page::new(ui, &uri);
    let session = match moderator(&p, session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    moderation_page(&app, &p, &uri, &session, None, StatusCode::OK).await
}

async fn moderation_page(
    app: &AppState,
    p: &Page,
    uri: &Uri,
    session: &Session,
    failed: Option<Failed>,
    status: StatusCode,
) -> Response {
    let view = app.petitions.view();
    let queue: Vec<Arc<Petition>> =
        view.moderation_queue().into_iter().filter(|x| moderates(&session.account, x)).collect();
    let (flags, flags_error) = match app.petitions.open_flags(&session.account, None, FLAG_LIMIT).await {
        Ok(f) => (f, None),
        Err(e) => (Vec::new(), Some(error_message(p, &e))),
    };
    // Flags by petition (oldest flag first), then by signer, with every reason.
    let mut flagged: BTreeMap<String, BTreeMap<String, Vec<(String, u64)>>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for f in flags {
        if !flagged.contains_key(&f.petition) {
            order.push(f.petition.clone());
        }
        flagged.entry(f.petition).or_default().entry(f.signer).or_default().push((f.reason, f.created_at_ms));
    }
    let mut bodies: Vec<BodyId> = queue.iter().map(|x| x.body.clone()).collect();
    bodies.sort();
    bodies.dedup();
    let names = body_names(app, p.lang, bodies);
    let rules = view.rules();
    let forbidden: Vec<(TopicCode, String)> = rules
        .as_ref()
        .map(|r| r.rules.forbidden_topics.iter().map(|t| (t.code.clone(), t.name.get(p.lang).to_string())).collect())
        .unwrap_or_default();
    let today = today(app);
    // The acts the rules would refuse a moderator on a petition they wrote are not offered.
    let wrote = app.petitions.written_by(&session.account);
    let failed = failed.as_ref();
    let action_error = |id: &PetitionId| match failed {
        Some(Failed::Action { petition, message }) if petition == id => Some(message.clone()),
        _ => None,
    };
    let stray =
        failed.filter(|f| !queue.iter().any(|x| &x.id == f.petition()) && !flagged.contains_key(f.petition().as_str()));

    let main = html! {
        h1 { (p.t("staff-moderation-title")) }
        p.lead { (p.t("staff-moderation-lead")) }
        (done_notice(app, p, uri))
        @if let Some(f) = stray {
            div.error role="alert" { p { (match f {
                Failed::Action { message, .. } => message.clone(),
                _ => p.t("staff-err-petition-status"),
            }) } }
        }
        section aria-labelledby="queue-heading" {
            h2 #queue-heading { (p.t_args("staff-queue-heading", &[("count", FluentValue::from(queue.len()))])) }
            @if queue.is_empty() {
                p #queue-empty { (p.t("staff-queue-empty")) }
            }
            @for pet in &queue {
                @let id = pet.id.as_str();
                @let reject_failed = match failed { Some(Failed::Reject { petition, fields, errors }) if petition == &pet.id => Some((fields, errors.as_slice())), _ => None };
                @let (values, errors) = reject_failed.map_or((None, &[][..]), |(v, e)| (Some(v), e));
                article.queued id={ "queued-" (id) } aria-labelledby={ "title-" (id) } {
                    h3 id={ "title-" (id) } { a href=(petition_href(&pet.id)) { (title_of(p, pet)) } }
                    dl.fields {
                        dt { (p.t("staff-field-petition")) } dd { code { (id) } }
                        dt { (p.t("staff-field-level")) } dd { (level_label(p.lang, pet.level)) }
                        dt { (p.t("staff-field-body")) } dd { (body_label(&names, &pet.body)) }
                        dt { (p.t("staff-field-topic")) } dd { (topic_label(&app.petitions, p.lang, &pet.topic)) }
                        dt { (p.t("staff-field-supporters")) } dd { (pet.signatures) }
                        dt { (p.t("staff-field-moderation-due")) }
                        dd {
                            @match pet.moderation_due {
                                Some(due) if due < today => {
                                    strong.overdue { (date_el(due)) " — " (p.t("staff-past-due")) }
                                }
                                Some(due) => { (date_el(due)) }
                                None => { "—" }
                            }
                        }
                    }
                    details {
                        summary { (p.t("staff-show-text")) }
                        (partial(p, &pet.text))
                    }
                    @if let Some(message) = action_error(&pet.id) {
                        div.error role="alert" id={ "action-error-" (id) } { p { (message) } }
                    }
                    @if wrote(pet.as_ref()) {
                        div.notice id={ "own-" (id) } { p { (p.t("staff-own-petition-moderation")) } }
                    } @else {
                        form.inline method="post" action={ "/moderation/" (id) "/accept" } {
                            (csrf_field(&session.csrf))
                            button type="submit" id={ "accept-" (id) } aria-describedby={ "title-" (id) } { (p.t("staff-accept")) }
                        }
                        (reject_form(p, session, pet, &forbidden, values, errors))
                    }
                }
            }
        }
        section aria-labelledby="flags-heading" {
            h2 #flags-heading { (p.t("staff-flags-heading")) }
            p { (p.t("staff-flags-lead")) }
            @if let Some(message) = &flags_error {
                div.error role="alert" { p { (message) } }
            }
            @if order.is_empty() && flags_error.is_none() {
                p #flags-empty { (p.t("staff-flags-empty")) }
            }
            @for (n, petition) in order.iter().enumerate() {
                @let pet = petition.parse::<PetitionId>().ok().and_then(|id| view.get(&id));
                @let signers = &flagged[petition];
                @let own = pet.as_ref().is_some_and(|x| wrote(x.as_ref()));
                section.flags id={ "flags-" (petition) } aria-labelledby={ "flags-title-" (n) } {
                    h3 id={ "flags-title-" (n) } {
                        @match &pet {
                            Some(pet) => { a href=(petition_href(&pet.id)) { (title_of(p, pet)) } }
                            None => { code { (petition) } }
                        }
                    }
                    @if let Some(pet) = &pet {
                        p { (p.t_args("staff-flags-count", &[("count", FluentValue::from(pet.signatures)), ("invalidated", FluentValue::from(pet.invalidated))])) }
                    }
                    @if let Some(message) = pet.as_ref().and_then(|x| action_error(&x.id)) {
                        div.error role="alert" { p { (message) } }
                    }
                    @if own {
                        div.notice id={ "own-flags-" (petition) } { p { (p.t("staff-own-petition-signatures")) } }
                    }
                    table.entries {
                        caption { (p.t("staff-flags-caption")) }
                        thead {
                            tr {
                                th scope="col" { (p.t("staff-col-signer")) }
                                th scope="col" { (p.t("staff-col-why")) }
                                th scope="col" { (p.t("staff-col-when")) }
                                th scope="col" { (p.t("staff-col-actions")) }
                            }
                        }
                        tbody {
                            @for (m, (signer, reasons)) in signers.iter().enumerate() {
                                @let field = format!("invalidate-reason-{n}-{m}");
                                @let kept = match failed { Some(Failed::Invalidate { petition: fp, signer: s, reason, message }) if fp.as_str() == petition.as_str() && s == signer => Some((reason.as_str(), message)), _ => None };
                                @let errors: Vec<FieldError> = kept.map(|(_, m)| FieldError { field: field.clone(), message: m.clone() }).into_iter().collect();
                                tr {
                                    th scope="row" data-label=(p.t("staff-col-signer")) { code title=(signer) { (short_pseudonym(signer)) } }
                                    td data-label=(p.t("staff-col-why")) {
                                        @for (i, (reason, _)) in reasons.iter().enumerate() {
                                            @if i > 0 { ", " }
                                            (flag_reason(p, reason))
                                        }
                                    }
                                    td data-label=(p.t("staff-col-when")) {
                                        @if let Some((_, at)) = reasons.first() { (time_el(app, *at)) }
                                    }
                                    td data-label=(p.t("staff-col-actions")) {
                                        @if own {
                                            "—"
                                        } @else {
                                            @if !errors.is_empty() {
                                                (alert(&format!("{field}-alert"), &p.t("staff-form-problems"), &errors))
                                            }
                                            form.stack method="post" action={ "/moderation/" (petition) "/signatures/invalidate" } {
                                                (csrf_field(&session.csrf))
                                                input type="hidden" name="signer" value=(signer);
                                                label for=(field) { (p.t("staff-invalidate-reason")) }
                                                input type="text" id=(field) name="reason" required maxlength=(MAX_REASON_CHARS)
                                                    value=(kept.map_or("", |(r, _)| r))
                                                    aria-invalid=[invalid(&errors, &field)]
                                                    aria-describedby=[described_by(&errors, &field, None)];
                                                (error_line(&errors, &field))
                                                button.danger type="submit" { (p.t("staff-invalidate")) }
                                            }
                                            form.inline method="post" action={ "/moderation/" (petition) "/signatures/dismiss" } {
                                                (csrf_field(&session.csrf))
                                                input type="hidden" name="signer" value=(signer);
                                                button type="submit" { (p.t("staff-dismiss")) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    p.render(status, &p.t("staff-moderation-title"), Section::Admin, main)
}

fn flag_reason(p: &Page, reason: &str) -> String {
    match reason {
        "address_burst" => p.t("staff-flag-address-burst"),
        "new_account" => p.t("staff-flag-new-account"),
        other => other.to_owned(),
    }
}

fn reject_form(
    p: &Page,
    session: &Session,
    pet: &Petition,
    forbidden: &[(TopicCode, String)],
    values: Option<&RejectFields>,
    errors: &[FieldError],
) -> Markup {
    let id = pet.id.as_str();
    let f = |name: &str| format!("{name}-{id}");
    let (reason, topic, duplicate, comment) = (f("reason"), f("forbidden-topic"), f("duplicate"), f("comment"));
    let v = values.cloned().unwrap_or_default();
    html! {
        @if !errors.is_empty() {
            (alert(&format!("reject-error-{id}"), &p.t("staff-form-problems"), errors))
        }
        form.stack method="post" action={ "/moderation/" (id) "/reject" } {
            (csrf_field(&session.csrf))
            fieldset {
                legend { (p.t("staff-reject-summary")) }
                label for=(reason) { (p.t("staff-reject-reason")) }
                select id=(reason) name="reason" required aria-invalid=[invalid(errors, &reason)] aria-describedby=[described_by(errors, &reason, None)] {
                    option value="" { (p.t("staff-choose")) }
                    @for r in RejectionReason::ALL {
                        option value=(r.as_str()) selected[v.reason == r.as_str()] { (reason_label(p, r)) }
                    }
                }
                (error_line(errors, &reason))
                label for=(topic) { (p.t("staff-forbidden-topic")) }
                select id=(topic) name="forbidden_topic" aria-invalid=[invalid(errors, &topic)]
                    aria-describedby=[described_by(errors, &topic, Some(&format!("{topic}-hint")))] {
                    option value="" { "—" }
                    @for (code, name) in forbidden {
                        option value=(code) selected[v.forbidden_topic == code.as_str()] { (name) }
                    }
                }
                p.hint id={ (topic) "-hint" } { (p.t("staff-forbidden-topic-hint")) }
                (error_line(errors, &topic))
                label for=(duplicate) { (p.t("staff-duplicate-of")) }
                input type="text" id=(duplicate) name="duplicate_of" maxlength="64" value=(v.duplicate_of)
                    aria-invalid=[invalid(errors, &duplicate)]
                    aria-describedby=[described_by(errors, &duplicate, Some(&format!("{duplicate}-hint")))];
                p.hint id={ (duplicate) "-hint" } { (p.t("staff-duplicate-hint")) }
                (error_line(errors, &duplicate))
                label for=(comment) { (p.t("staff-comment")) }
                input type="text" id=(comment) name="comment" required maxlength=(MAX_REASON_CHARS) value=(v.comment)
                    aria-invalid=[invalid(errors, &comment)]
                    aria-describedby=[described_by(errors, &comment, Some(&format!("{comment}-hint")))];
                p.hint id={ (comment) "-hint" } { (p.t("staff-comment-hint")) }
                (error_line(errors, &comment))
                button.danger type="submit" id={ "reject-" (id) } { (p.t("staff-reject")) }
            }
        }
    }
}

fn reason_label(p: &Page, r: RejectionReason) -> String {
    p.t(&format!("staff-reason-{}", r.as_str().replace('_', "-")))
}

fn decision_label(p: &Page, d: Decision) -> String {
    p.t(&format!("staff-decision-{}", d.as_str().replace('_', "-")))
}

/// After a refused action: the moderation page again, with the reason.
async fn moderation_failed(
    app: &AppState,
    p: &Page,
    session: &Session,
    failed: Failed,
    status: StatusCode,
) -> Response {
    moderation_page(app, p, &Uri::from_static(MODERATION), session, Some(failed), status).await
}

const MODERATION: &str = "/moderation";

fn action_failed(p: &Page, petition: PetitionId, e: &PetitionError) -> (Failed, StatusCode) {
    (Failed::Action { petition, message: error_message(p, e) }, e.status())
}

/// After a moderator's act: back to the queue with `?done=` on success, else the queue again
/// with what failed.
async fn moderation_outcome<T>(
    app: &AppState,
    p: &Page,
    session: &Session,
    id: PetitionId,
    outcome: Result<T, PetitionError>,
    done_key: &str,
) -> Response {
    match outcome {
        Ok(_) => done(done_key, &id),
        Err(e) => {
            let (failed, status) = action_failed(p, id, &e);
            moderation_failed(app, p, session, failed, status).await
        }
    }
}

/// POST /moderation/{id}/accept
pub async fn accept(
    State(app): State<AppState>,
    ui: UiLang,
    MaybeSession(session): MaybeSession,
    Path(id): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    // Shown again on failure: the language switcher must lead to the page, not the action.
    let p = Page::new(ui, &Uri::from_static(MODERATION));
    let (session, id) = match moderator_form(&p, session, &form.csrf, &id) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let outcome = app.petitions.accept(&session.account, &id).await;
    moderation_outcome(&app, &p, &session, id, outcome, "accepted").await
}

/// The checked parts of a rejection.
struct Rejection {
    reason: RejectionReason,
    forbidden_topic: Option<TopicCode>,
    duplicate_of: Option<PetitionId>,
    comment: String,
}

fn check_rejection(app: &AppState, p: &Page, id: &PetitionId, v: &RejectFields) -> Result<Rejection, Vec<FieldError>> {
    let field = |name: &str| format!("{name}-{id}");
    let mut errors = Vec::new();
    let reason = v.reason.parse::<RejectionReason>().ok();
    if reason.is_none() {
        errors.push(FieldError { field: field("reason"), message: p.t("staff-err-choose-reason") });
    }
    let rules = app.petitions.view().rules();
    let topic = v.forbidden_topic.trim();
    let forbidden_topic = match (reason, topic.is_empty()) {
        (Some(RejectionReason::ForbiddenTopic), true) => {
            errors.push(FieldError { field: field("forbidden-topic"), message: p.t("staff-err-topic-required") });
            None
        }
        (Some(RejectionReason::ForbiddenTopic), false) => {
            let known = topic
                .parse::<TopicCode>()
                .ok()
                .filter(|code| rules.as_ref().is_some_and(|r| r.rules.forbidden_topic(code).is_some()));
            if known.is_none() {
                errors.push(FieldError { field: field("forbidden-topic"), message: p.t("staff-err-topic-unknown") });
            }
            known
        }
        (_, false) => {
            errors.push(FieldError { field: field("forbidden-topic"), message: p.t("staff-err-topic-not-allowed") });
            None
        }
        (_, true) => None,
    };
    let duplicate = v.duplicate_of.trim();
    let duplicate_of = match (reason, duplicate.is_empty()) {
        (Some(RejectionReason::Duplicate), true) => {
            errors.push(FieldError { field: field("duplicate"), message: p.t("staff-err-duplicate-required") });
            None
        }
        (Some(RejectionReason::Duplicate), false) => {
            let other =
                duplicate.parse::<PetitionId>().ok().filter(|o| o != id && app.petitions.view().get(o).is_some());
            if other.is_none() {
                errors.push(FieldError { field: field("duplicate"), message: p.t("staff-err-duplicate-unknown") });
            }
            other
        }
        (_, false) => {
            errors.push(FieldError { field: field("duplicate"), message: p.t("staff-err-duplicate-not-allowed") });
            None
        }
        (_, true) => None,
    };
    let comment = match check_line(p, &v.comment) {
        Ok(c) => Some(c),
        Err(message) => {
            errors.push(FieldError { field: field("comment"), message });
            None
        }
    };
    match (reason, comment) {
        (Some(reason), Some(comment)) if errors.is_empty() => {
            Ok(Rejection { reason, forbidden_topic, duplicate_of, comment })
        }
        _ => Err(errors),
    }
}

/// POST /moderation/{id}/reject
pub async fn reject(
    State(app): State<AppState>,
    ui: UiLang,
    MaybeSession(session): MaybeSession,
    Path(id): Path<String>,
    Form(form): Form<RejectFields>,
) -> Response {
    // Shown again on failure: the language switcher must lead to the page, not the action.
    let p = Page::new(ui, &Uri::from_static(MODERATION));
    let (session, id) = match moderator_form(&p, session, &form.csrf, &id) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let checked = match check_rejection(&app, &p, &id, &form) {
        Ok(c) => c,
        Err(errors) => {
            let failed = Failed::Reject { petition: id, fields: form, errors };
            return moderation_failed(&app, &p, &session, failed, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let outcome = app
        .petitions
        .reject(&session.account, &id, checked.reason, checked.forbidden_topic, checked.duplicate_of, &checked.comment)
        .await;
    moderation_outcome(&app, &p, &session, id, outcome, "rejected").await
}

/// POST /moderation/{id}/signatures/invalidate — strikes out a flagged signature.
pub async fn invalidate(
    State(app): State<AppState>,
    ui: UiLang,
    MaybeSession(session): MaybeSession,
    Path(id): Path<String>,
    Form(form): Form<SignerFields>,
) -> Response {
    // Shown again on failure: the language switcher must lead to the page, not the action.
    let p = Page::new(ui, &Uri::from_static(MODERATION));
    let (session, id) = match moderator_form(&p, session, &form.csrf, &id) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let Ok(signer) = form.signer.trim().parse::<Pseudonym>() else { return not_found(&p) };
    let reason = match check_line(&p, &form.reason) {
        Ok(r) => r,
        Err(message) => {
            let failed = Failed::Invalidate { petition: id, signer: form.signer, reason: form.reason, message };
            return moderation_failed(&app, &p, &session, failed, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let outcome = app.petitions.invalidate(&session.account, &id, &signer, &reason).await;
    moderation_outcome(&app, &p, &session, id, outcome, "invalidated").await
}

/// POST /moderation/{id}/signatures/dismiss — the flagged signature is genuine.
pub async fn dismiss(
    State(app): State<AppState>,
    ui: UiLang,
    MaybeSession(session): MaybeSession,
    Path(id): Path<String>,
    Form(form): Form<SignerFields>,
) -> Response {
    // Shown again on failure: the language switcher must lead to the page, not the action.
    let p = Page::new(ui, &Uri::from_static(MODERATION));
    let (session, id) = match moderator_form(&p, session, &form.csrf, &id) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let Ok(signer) = form.signer.trim().parse::<Pseudonym>() else { return not_found(&p) };
    let outcome = app.petitions.dismiss_flags(&session.account, &id, &signer).await;
    moderation_outcome(&app, &p, &session, id, outcome, "dismissed").await
}

// ---------------------------------------------------------------------------------------
// Officials: what their bodies owe

/// The bodies the account acts for as an official or head.
fn official_bodies(account: &Account) -> Vec<BodyId> {
    let mut bodies: Vec<BodyId> = account
        .staff
        .iter()
        .flat_map(|s| s.grants.iter())
        .filter(|g| matches!(g.role, Role::Official | Role::Head))
        .filter_map(|g| g.body.clone())
        .collect();
    bodies.sort();
    bodies.dedup();
    bodies
}

/// The official's session and bodies, or the page to show instead.
fn official(p: &Page, session: Option<Session>, next: &str) -> Result<(Session, Vec<BodyId>), Box<Response>> {
    let Some(session) = session else { return Err(Box::new(sign_in(next))) };
    let bodies = official_bodies(&session.account);
    if bodies.is_empty() {
        return Err(Box::new(forbidden(p, "staff-forbidden-office")));
    }
    Ok((session, bodies))
}

/// Where an obligation stands, as an official reads it: overdue as soon as the due day has
/// ended, even before the rules' `obligation.overdue` is logged.
fn obligation_status(p: &Petition, now: Timestamp) -> Option<ObligationStatus> {
    let o = p.obligation.as_ref()?;
    Some(match o.status {
        ObligationStatus::Awaiting if now >= o.due_at => ObligationStatus::Overdue,
        s => s,
    })
}

fn status_el(p: &Page, pet: &Petition, now: Timestamp) -> Markup {
    let late = pet.obligation.as_ref().is_some_and(|o| o.overdue_at.is_some());
    match obligation_status(pet, now) {
        Some(ObligationStatus::Overdue) => {
            html! { strong.overdue { (p.t("staff-obligation-overdue")) } }
        }
        Some(ObligationStatus::Answered) if late => html! { (p.t("staff-obligation-answered-late")) },
        Some(ObligationStatus::Answered) => html! { (p.t("staff-obligation-answered")) },
        _ => html! { (p.t("staff-obligation-awaiting")) },
    }
}

/// GET /office/petitions — the obligations of the official's bodies, unanswered first.
pub async fn obligations(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
) -> Response {
    let p = Page::new(ui, &uri);
    let (session, bodies) = match official(&p, session, "/office/petitions") {
        Ok(x) => x,
        Err(r) => return *r,
    };
    // An official does not answer a petition they wrote: the link is not offered.
    let wrote = app.petitions.written_by(&session.account);
    let names = body_names(&app, p.lang, bodies.clone());
    let now = Timestamp(super::now_ms());
    let view = app.petitions.view();
    let main = html! {
        h1 { (p.t("staff-office-title")) }
        p.lead { (p.t("staff-office-lead")) }
        (done_notice(&app, &p, &uri))
        @for (n, body) in bodies.iter().enumerate() {
            @let owed = view.obligations_of(body);
            section aria-labelledby={ "body-" (n) } {
                h2 id={ "body-" (n) } { (body_label(&names, body)) }
                @if owed.is_empty() {
                    p { (p.t("staff-office-none")) }
                } @else {
                    table.entries id={ "obligations-" (body) } {
                        caption { (p.t_args("staff-office-caption", &[("body", FluentValue::from(body_label(&names, body)))])) }
                        thead {
                            tr {
                                th scope="col" { (p.t("staff-col-petition")) }
                                th scope="col" { (p.t("staff-col-signatures")) }
                                th scope="col" { (p.t("staff-col-due")) }
                                th scope="col" { (p.t("staff-col-status")) }
                                th scope="col" { (p.t("staff-col-actions")) }
                            }
                        }
                        tbody {
                            @for (pet, o) in owed.iter().filter_map(|pet| pet.obligation.as_ref().map(|o| (pet, o))) {
                                tr id={ "owed-" (pet.id) } {
                                    th scope="row" data-label=(p.t("staff-col-petition")) { a href=(petition_href(&pet.id)) { (title_of(&p, pet)) } }
                                    td data-label=(p.t("staff-col-signatures")) { (pet.signatures) }
                                    td data-label=(p.t("staff-col-due")) { (date_el(o.due)) }
                                    td data-label=(p.t("staff-col-status")) { (status_el(&p, pet, now)) }
                                    td data-label=(p.t("staff-col-actions")) {
                                        @if o.status == ObligationStatus::Answered {
                                            a href=(petition_href(&pet.id)) { (p.t("staff-see-answer")) }
                                        } @else if wrote(pet.as_ref()) {
                                            span id={ "own-" (pet.id) } { (p.t("staff-own-petition-answer")) }
                                        } @else {
                                            a href={ "/office/petitions/" (pet.id) "/answer" } { (p.t("staff-write-answer")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    p.render(StatusCode::OK, &p.t("staff-office-title"), Section::Admin, main)
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct AnswerFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    answer_kk: String,
    #[serde(default)]
    answer_ru: String,
    #[serde(default)]
    answer_en: String,
    #[serde(default)]
    discussion_kk: String,
    #[serde(default)]
    discussion_ru: String,
    #[serde(default)]
    discussion_en: String,
    #[serde(default)]
    head_kk: String,
    #[serde(default)]
    head_ru: String,
    #[serde(default)]
    head_en: String,
}

/// The three texts of an answer: form prefix, legend, hint and limit.
const TEXTS: [(&str, &str, &str, usize); 3] = [
    ("answer", "staff-answer-text", "staff-answer-text-hint", MAX_ANSWER_CHARS),
    ("discussion", "staff-answer-discussion", "staff-answer-discussion-hint", MAX_STATEMENT_CHARS),
    ("head", "staff-answer-head", "staff-answer-head-hint", MAX_STATEMENT_CHARS),
];

impl AnswerFields {
    fn text(&self, group: &str, lang: Lang) -> &str {
        match (group, lang) {
            ("answer", Lang::Kk) => &self.answer_kk,
            ("answer", Lang::Ru) => &self.answer_ru,
            ("answer", Lang::En) => &self.answer_en,
            ("discussion", Lang::Kk) => &self.discussion_kk,
            ("discussion", Lang::Ru) => &self.discussion_ru,
            ("discussion", Lang::En) => &self.discussion_en,
            (_, Lang::Kk) => &self.head_kk,
            (_, Lang::Ru) => &self.head_ru,
            (_, Lang::En) => &self.head_en,
        }
    }
}

/// The petition, if the official may answer it; else the page to show instead.
fn answerable(p: &Page, app: &AppState, bodies: &[BodyId], id: &str) -> Result<Arc<Petition>, Box<Response>> {
    let pet = id.parse::<PetitionId>().ok().and_then(|id| app.petitions.view().get(&id));
    let Some(pet) = pet else { return Err(Box::new(not_found(p))) };
    let Some(o) = &pet.obligation else {
        return Err(Box::new(p.error(
            StatusCode::NOT_FOUND,
            &p.t("staff-not-found-title"),
            &p.t("staff-err-no-obligation"),
        )));
    };
    if !bodies.contains(&o.body) {
        return Err(Box::new(forbidden(p, "staff-forbidden-other-body")));
    }
    Ok(pet)
}

/// GET /office/petitions/{id}/answer
pub async fn answer_form(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Path(id): Path<String>,
) -> Response {
    let p = Page::new(ui, &uri);
    let (session, bodies) = match official(&p, session, &format!("/office/petitions/{}/answer", urlsafe(&id))) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let pet = match answerable(&p, &app, &bodies, &id) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    answer_page(&app, &p, &session, &pet, &AnswerFields::default(), &[], None, StatusCode::OK).await
}

/// Only slug characters (ids are slugs), so `next=` stays a plain local path.
fn urlsafe(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect()
}

#[allow(clippy::too_many_arguments)]
async fn answer_page(
    app: &AppState,
    p: &Page,
    session: &Session,
    pet: &Petition,
    v: &AnswerFields,
    errors: &[FieldError],
    failure: Option<String>,
    status: StatusCode,
) -> Response {
    let Some(o) = &pet.obligation else { return not_found(p) };
    let names = body_names(app, p.lang, vec![o.body.clone()]);
    let now = Timestamp(super::now_ms());
    let title = p.t("staff-answer-title");
    let own = app.petitions.written_by(&session.account)(pet);
    // The page's language first: most answers are written in it.
    let mut langs = vec![p.lang];
    langs.extend(Lang::ALL.into_iter().filter(|l| *l != p.lang));
    let main = html! {
        h1 { (title) }
        p.lead { a href=(petition_href(&pet.id)) #petition-title { (title_of(p, pet)) } }
        dl.fields {
            dt { (p.t("staff-field-body")) } dd { (body_label(&names, &o.body)) }
            dt { (p.t("staff-col-signatures")) } dd { (pet.signatures) }
            dt { (p.t("staff-col-due")) } dd { (date_el(o.due)) }
            dt { (p.t("staff-col-status")) } dd #obligation-status { (status_el(p, pet, now)) }
        }
        details {
            summary { (p.t("staff-show-text")) }
            (partial(p, &pet.text))
        }
        @if let Some(answer) = &o.answer {
            div.notice role="status" #already-answered {
                p { (p.t("staff-err-already-answered")) " " a href={ "/log/" (answer.index) } { (p.t("staff-see-on-log")) } }
            }
        } @else if own {
            @if let Some(message) = &failure {
                div.error role="alert" #answer-failed { p { (message) } }
            }
            div.notice #own-petition { p { (p.t("staff-own-petition-answer")) } }
        } @else {
            div.box #who-signs {
                p { (p.t("staff-answer-signed-by")) " " code #signer { (session.account.id) } }
                p { (p.t("staff-answer-public")) }
            }
            @if let Some(message) = &failure {
                div.error role="alert" #answer-failed { p { (message) } }
            }
            @if !errors.is_empty() {
                (alert("answer-errors", &p.t("staff-form-problems"), errors))
            }
            form.stack method="post" action={ "/office/petitions/" (pet.id) "/answer" } {
                (csrf_field(&session.csrf))
                label for="decision" { (p.t("staff-decision")) }
                select #decision name="decision" required aria-invalid=[invalid(errors, "decision")] aria-describedby=[described_by(errors, "decision", None)] {
                    option value="" { (p.t("staff-choose")) }
                    @for d in Decision::ALL {
                        option value=(d.as_str()) selected[v.decision == d.as_str()] { (decision_label(p, d)) }
                    }
                }
                (error_line(errors, "decision"))
                @for (group, legend, hint, max) in TEXTS {
                    @let first = format!("{group}-{}", p.lang.as_str());
                    fieldset id={ (group) "-group" } aria-describedby=[described_by(errors, &first, Some(&format!("{group}-hint")))] {
                        legend { (p.t(legend)) }
                        p.hint id={ (group) "-hint" } { (p.t(hint)) }
                        (error_line(errors, &first))
                        @for lang in langs.iter().copied() {
                            @let field = format!("{group}-{}", lang.as_str());
                            @let lang_error = lang != p.lang && field_error(errors, &field).is_some();
                            label for=(field) { (p.t(legend)) " — " (p.t(&format!("staff-lang-{}", lang.as_str()))) }
                            textarea id=(field) name={ (group) "_" (lang.as_str()) } lang=(lang.as_str()) maxlength=(max)
                                aria-invalid=[invalid(errors, &field)] aria-describedby=[described_by(errors, &field, None)] { (v.text(group, lang)) }
                            @if lang_error { (error_line(errors, &field)) }
                        }
                    }
                }
                button #publish type="submit" { (p.t("staff-answer-publish")) }
            }
        }
    };
    p.render(status, &title, Section::Admin, main)
}

/// One text of an answer in each language written: line breaks normalised, each at most
/// `max` characters, no control characters but line feeds; at least one language.
/// A missing text is reported on the field of the page's language, shown first.
fn check_texts(p: &Page, v: &AnswerFields, group: &str, max: usize, errors: &mut Vec<FieldError>) -> PartialText {
    let mut text = PartialText::default();
    for lang in Lang::ALL {
        let field = format!("{group}-{}", lang.as_str());
        let s = v.text(group, lang).replace("\r\n", "\n").replace('\r', "\n");
        let s = s.trim();
        if s.is_empty() {
            continue;
        }
        if s.chars().count() > max {
            errors.push(FieldError {
                field,
                message: p.t_args("staff-err-too-long", &[("max", FluentValue::from(max))]),
            });
        } else if s.chars().any(|c| c.is_control() && c != '\n') {
            errors.push(FieldError { field, message: p.t("staff-err-control") });
        } else {
            text.set(lang, s);
        }
    }
    if text.langs().next().is_none() && !errors.iter().any(|e| e.field.starts_with(group)) {
        errors
            .push(FieldError { field: format!("{group}-{}", p.lang.as_str()), message: p.t("staff-err-one-language") });
    }
    text
}

/// POST /office/petitions/{id}/answer — signs and publishes the body's answer.
pub async fn answer(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Path(id): Path<String>,
    Form(form): Form<AnswerFields>,
) -> Response {
    let p = Page::new(ui, &uri);
    let (session, bodies) = match official(&p, session, &format!("/office/petitions/{}/answer", urlsafe(&id))) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    if !session.form_is_genuine(&form.csrf) {
        return form_expired(&p);
    }
    let pet = match answerable(&p, &app, &bodies, &id) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let mut errors = Vec::new();
    let decision = form.decision.parse::<Decision>().ok();
    if decision.is_none() {
        errors.push(FieldError { field: "decision".into(), message: p.t("staff-err-choose-decision") });
    }
    let [answer, discussion, head_statement] =
        TEXTS.map(|(group, _, _, max)| check_texts(&p, &form, group, max, &mut errors));
    let Some(decision) = decision.filter(|_| errors.is_empty()) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return answer_page(&app, &p, &session, &pet, &form, &errors, None, status).await;
    };
    let submitted = AnswerForm { decision, answer, discussion, head_statement };
    match app.petitions.answer(&session.account, &pet.id, submitted).await {
        Ok(_) => Redirect::to(&petition_href(&pet.id)).into_response(),
        Err(e) => {
            let pet = app.petitions.view().get(&pet.id).unwrap_or(pet);
            answer_page(&app, &p, &session, &pet, &form, &[], Some(error_message(&p, &e)), e.status()).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message this module uses exists in Kazakh, Russian and English, and the three
    /// files define the same messages.
    #[test]
    fn i18n_staff_pages_have_every_message() {
        let files = [
            ("kk", include_str!("../../locales/kk/petition-staff.ftl")),
            ("ru", include_str!("../../locales/ru/petition-staff.ftl")),
            ("en", include_str!("../../locales/en/petition-staff.ftl")),
        ];
        let ids = |source: &str| -> std::collections::BTreeSet<String> {
            source
                .lines()
                .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
                .filter_map(|l| l.split_once('=').map(|(id, _)| id.trim().to_string()))
                .collect()
        };
        let kk = ids(files[0].1);
        for (lang, source) in &files[1..] {
            let other = ids(source);
            assert_eq!(kk.symmetric_difference(&other).collect::<Vec<_>>(), Vec::<&String>::new(), "kk vs {lang}");
        }
        assert!(kk.iter().all(|id| id.starts_with("staff-")), "ids outside the staff- prefix");
        let this = include_str!("staff_pages.rs");
        // Every literal id in this file (ids built with format! are added below).
        let mut used: Vec<String> = this
            .match_indices("\"staff-")
            .filter_map(|(at, _)| this[at + 1..].split('"').next())
            .filter(|id| !id.ends_with('-') && id.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
            .map(str::to_owned)
            .collect();
        for r in RejectionReason::ALL {
            used.push(format!("staff-reason-{}", r.as_str().replace('_', "-")));
        }
        for d in Decision::ALL {
            used.push(format!("staff-decision-{}", d.as_str().replace('_', "-")));
        }
        for l in Lang::ALL {
            used.push(format!("staff-lang-{}", l.as_str()));
        }
        for done in ["accepted", "rejected", "invalidated", "dismissed", "answered"] {
            used.push(format!("staff-done-{done}"));
        }
        // Every variable any message takes, so that messages with variables resolve too.
        let args = [
            ("max", FluentValue::from(1)),
            ("count", FluentValue::from(1)),
            ("invalidated", FluentValue::from(1)),
            ("body", FluentValue::from("x")),
        ];
        for lang in Lang::ALL {
            for id in &used {
                assert_ne!(crate::i18n::t_args(lang, id, &args), *id, "{id} missing in {}", lang.as_str());
            }
        }
    }

    #[test]
    fn pseudonyms_are_shortened() {
        let s = format!("ps1-{}", "a".repeat(64));
        assert_eq!(short_pseudonym(&s), format!("ps1-{}…", "a".repeat(10)));
        assert_eq!(short_pseudonym("ps1-ab"), "ps1-ab");
    }
}
