//! The appeal pages: filing (with the competent body proposed when the applicant does not
//! know it, and files attached: the form is `multipart/form-data`), the tracking page of one
//! appeal (where it is, its deadline and working days waiting, its whole history with links
//! to the log, its texts and files for whoever may read them, the applicant's and the body's
//! acts as forms), each file's download, the applicant's list and the official's inbox per
//! body.
//!
//! Every decision is the [`Appeals`](super::Appeals) service's or the rules'. Plain HTML
//! forms, no JavaScript; each form that changes something carries the session's CSRF token,
//! and after a change the browser is sent on with 303 (post/redirect/get), except opening a
//! private appeal, whose texts are shown once, on the answer to the act that logged it.

use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use dauys_core::{
    format_date, parse_date, Appeal, AppealId, AppealKind, AppealOutcome, AppealStatus, Attachment, BodyId, Lang,
    Locality, MediaType, PartialText, TopicCode, Visibility, MAX_APPEAL_TEXT_CHARS, MAX_APPEAL_TITLE_CHARS,
    MAX_ATTACHMENTS, MAX_REASON_CHARS,
};
use fluent_templates::fluent_bundle::FluentValue;
use maud::{html, Markup};
use serde::Deserialize;

use super::office::{OfficeRecord, MAX_NOTE_CHARS};
use super::{appeal_href, AppealError, CaseTexts, Filing, Upload, FILING_BODY_BYTES, SECTION};
use crate::pending_acts::{ActToSign, SignedPending};
use crate::people::session::Session;
use crate::people::PeopleError;
use crate::people::Profile;
use crate::web::extract::{
    sign_in_href, BodyAct, Citizen, CsrfForm, CsrfUpload, FormFile, IdPath, Known, Official, PageError, PageQuery,
    PageResult, PathItem,
};
use crate::web::forms::{act_signature, csrf_field, date_el, PendingFields};
use crate::web::sign::{sign_act_page, sign_pending_page};
use crate::web::{event_label, locality_label, time_el, Page};
use crate::AppState;

mod records;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/appeals", get(list))
        // Files come with the filing: its body may be larger than any other form's.
        .route("/appeals/new", get(new_form).merge(post(create).layer(DefaultBodyLimit::max(FILING_BODY_BYTES))))
        .route("/appeals/mine", get(mine))
        .route("/appeals/{id}", get(appeal_page))
        .route("/appeals/{id}/forward", post(forward))
        .route("/appeals/{id}/ask", post(ask))
        .route("/appeals/{id}/extend", post(extend))
        .route("/appeals/{id}/answer", post(answer))
        .route("/appeals/{id}/open", post(open))
        .route("/appeals/{id}/assign", post(assign))
        .route("/appeals/{id}/notes", post(add_note))
        .route("/appeals/{id}/clarify", post(clarify))
        .route("/appeals/{id}/rate", post(rate))
        .route("/appeals/{id}/complain", post(complain))
        .route("/appeals/{id}/files/{n}", get(download).post(download_signed))
        .route("/office/appeals", get(inbox))
        .merge(records::routes())
}

impl PathItem for Appeal {
    type Id = AppealId;

    fn find(app: &AppState, id: &AppealId) -> Option<Arc<Appeal>> {
        app.capabilities.appeals.view().get(id)
    }

    fn not_found(page: &Page, raw: &str) -> PageError {
        let shown: String = raw.chars().take(60).collect();
        let title = page.t("ap-not-found-title");
        let main = html! {
            h1 { (title) }
            p.lead { (page.t_args("ap-not-found-text", &[("id", FluentValue::from(shown))])) }
            p { a href="/appeals" { (page.t("ap-back-to-list")) } }
        };
        page.render(StatusCode::NOT_FOUND, &title, SECTION, main).into()
    }
}

/// Considering the appeals a body holds (`/office/appeals`).
pub(crate) struct Handling;

impl BodyAct for Handling {
    fn action(body: BodyId) -> dauys_identity::policy::Action {
        dauys_identity::policy::Action::HandleAppeal { body }
    }

    fn refusal(page: Page, _denied: dauys_identity::policy::Denied) -> PageError {
        page.forbidden("ap-office-forbidden")
    }
}

/// The text of an appeal error in the page's language: its code's message if there is one,
/// else the service's own words.
fn error_text(p: &Page, e: &AppealError) -> String {
    let id = crate::i18n::value_id("ap-err-", e.code());
    let text = p.t_args(&id, &e.message_args());
    if text == id {
        e.to_string()
    } else {
        text
    }
}

fn failed(p: &Page, e: &AppealError) -> PageError {
    p.error(e.status(), &p.t("ap-err-title"), &error_text(p, e)).into()
}

fn body_link(app: &AppState, lang: Lang, id: &BodyId) -> Markup {
    html! { a href={ "/bodies/" (id) } { (app.deployment.body_name(id, lang)) } }
}

fn topic_label(app: &AppState, lang: Lang, code: &TopicCode) -> String {
    app.capabilities
        .appeals
        .view()
        .rules()
        .and_then(|r| r.rules.topic(code).map(|t| t.name.get(lang).to_string()))
        .unwrap_or_else(|| code.to_string())
}

fn kind_label(p: &Page, kind: AppealKind) -> String {
    p.t(&crate::i18n::value_id("ap-kind-", kind.as_str()))
}

fn status_label(p: &Page, status: AppealStatus) -> String {
    p.t(&crate::i18n::value_id("ap-status-", status.as_str()))
}

fn outcome_label(p: &Page, outcome: AppealOutcome) -> String {
    p.t(&crate::i18n::value_id("ap-outcome-", outcome.as_str()))
}

fn text(p: &Page, t: &PartialText) -> Markup {
    let (lang, s) = t.best(p.lang);
    html! {
        div.text lang=(lang.as_str()) {
            @for para in s.split("\n\n") { p { (para) } }
        }
    }
}

/// What a visitor sees as an appeal's title: a public one's own, a private one's id.
fn shown_title(p: &Page, appeal: &Appeal) -> String {
    match &appeal.title {
        Some(t) => t.best(p.lang).1.to_string(),
        None => p.t_args("ap-private-title", &[("id", FluentValue::from(appeal.id.to_string()))]),
    }
}

/// One row per appeal: title, body, status, due.
fn appeal_rows(app: &AppState, p: &Page, appeals: &[Arc<Appeal>]) -> Markup {
    html! {
        table.appeals {
            thead { tr {
                th { (p.t("ap-col-appeal")) } th { (p.t("ap-col-body")) } th { (p.t("ap-col-status")) }
                th { (p.t("ap-col-due")) } th { (p.t("ap-col-waiting")) }
            } }
            tbody {
                @for a in appeals {
                    tr {
                        td { a href=(appeal_href(&a.id)) { (shown_title(p, a)) } }
                        td { (body_link(app, p.lang, a.body())) }
                        td { (status_label(p, a.status)) }
                        td { (date_el(p.lang, a.obligation.due)) }
                        td { @if a.status.is_open() { (app.capabilities.appeals.days_waiting(a)) } }
                    }
                }
            }
        }
    }
}

/// GET /appeals — public appeals, newest first, with the ways in.
async fn list(State(app): State<AppState>, p: Page) -> PageResult {
    let (items, total) = app.capabilities.appeals.view().public(0, 50);
    let title = p.t("ap-list-title");
    let main = html! {
        h1 { (title) }
        p.lead { (p.t("ap-list-lead")) }
        p.actions {
            a.button #file-link href="/appeals/new" { (p.t("ap-file-link")) } " "
            a href="/appeals/mine" { (p.t("ap-mine-link")) } " · "
            a href="/bodies" { (p.t("ap-bodies-link")) } " · "
            a href="/deadline" { (p.t("ap-calculator-link")) } " · "
            a href="/feeds/appeals/overdue.atom" { (p.t("ap-overdue-feed")) } " · "
            a href="/api/v1/appeals.csv" { "CSV" } " · "
            a href="/api/v1/appeals" { "JSON" }
        }
        p { (p.t_args("ap-list-count", &[("count", FluentValue::from(total))])) }
        (appeal_rows(&app, &p, &items))
    };
    Ok(crate::web::cache::shareable(p.render(StatusCode::OK, &title, SECTION, main)))
}

/// GET /appeals/mine — the appeals the signed-in person filed.
async fn mine(State(app): State<AppState>, p: Page, citizen: Citizen) -> PageResult {
    let mine = app.capabilities.appeals.filed_by(citizen.account()).await.map_err(|e| failed(&p, &e))?;
    let title = p.t("ap-mine-title");
    let main = html! {
        h1 { (title) }
        @if mine.is_empty() {
            p #no-appeals { (p.t("ap-mine-none")) " " a href="/appeals/new" { (p.t("ap-file-link")) } }
        } @else {
            (appeal_rows(&app, &p, &mine))
        }
    };
    Ok(p.render(StatusCode::OK, &title, SECTION, main))
}

/// The most of a text a link may fill in the filing form with.
const MAX_PREFILL_CHARS: usize = 2_000;

/// The filing form's fields, as posted.
#[derive(Deserialize, Default)]
struct FilingForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    visibility: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    text: String,
}

fn filing_form(app: &AppState, p: &Page, session: &Session, values: &FilingForm, error: Option<&str>) -> Markup {
    let mut bodies = app.deployment.bodies();
    bodies.retain(|b| b.is_open());
    bodies.sort_by(|a, b| a.name.get(p.lang).cmp(b.name.get(p.lang)));
    let topics = app.capabilities.appeals.view().rules().map(|r| r.rules.topics.clone()).unwrap_or_default();
    html! {
        @if let Some(error) = error { div.error role="alert" #form-error { p { (error) } } }
        form.stack method="post" action="/appeals/new" enctype="multipart/form-data" {
            (csrf_field(&session.csrf))
            label for="body" { (p.t("ap-field-body")) }
            select #body name="body" aria-describedby="body-hint" {
                option value="" selected[values.body.is_empty()] { (p.t("ap-body-unknown")) }
                @for b in &bodies {
                    option value=(b.id) selected[values.body == b.id.as_str()] { (b.name.get(p.lang)) }
                }
            }
            p.hint #body-hint { (p.t("ap-body-hint")) }
            label for="kind" { (p.t("ap-field-kind")) }
            select #kind name="kind" {
                @for k in AppealKind::ALL {
                    option value=(k.as_str()) selected[values.kind == k.as_str()] { (kind_label(p, *k)) }
                }
            }
            label for="topic" { (p.t("ap-field-topic")) }
            select #topic name="topic" {
                @for t in &topics {
                    option value=(t.code) selected[values.topic == t.code.as_str()] { (t.name.get(p.lang)) }
                }
            }
            label for="place" { (p.t("ap-field-place")) }
            input #place name="place" type="text" value=(values.place) placeholder="astana/esil" aria-describedby="place-hint";
            p.hint #place-hint { (p.t("ap-place-hint")) }
            fieldset {
                legend { (p.t("ap-field-visibility")) }
                label { input type="radio" name="visibility" value="private" checked[values.visibility != "public"]; " " (p.t("ap-private")) }
                label { input type="radio" name="visibility" value="public" checked[values.visibility == "public"]; " " (p.t("ap-public")) }
                p.hint { (p.t("ap-visibility-hint")) }
            }
            label for="title" { (p.t("ap-field-title")) }
            input #title name="title" type="text" required maxlength=(MAX_APPEAL_TITLE_CHARS) value=(values.title);
            label for="text" { (p.t("ap-field-text")) }
            textarea #text name="text" required rows="10" maxlength=(MAX_APPEAL_TEXT_CHARS) { (values.text) }
            label for="attachments" { (p.t("ap-field-attachments")) }
            input #attachments name="attachments" type="file" multiple accept=".pdf,.jpg,.jpeg,.png" aria-describedby="attachments-hint";
            p.hint #attachments-hint {
                (p.t_args("ap-attachments-hint", &[("max", FluentValue::from(MAX_ATTACHMENTS))]))
                @if error.is_some() { " " (p.t("ap-attachments-again")) }
            }
            button #file-button type="submit" { (p.t("ap-file-button")) }
        }
    }
}

/// GET /appeals/new — the filing form; a person not yet verified is told why they cannot file.
/// GET /appeals/new — the filing form; a link may fill in the body, the kind and the text
/// (`?body=…&kind=complaint&text=…`, as "who looked at my data" does to dispute an opening).
/// Nothing is filed until the person reads it and sends it.
async fn new_form(
    State(app): State<AppState>,
    p: Page,
    citizen: Citizen,
    PageQuery(prefill): PageQuery<FilingForm>,
) -> PageResult {
    let title = p.t("ap-new-title");
    let verified = citizen.identity(&app).ok().flatten().is_some();
    let prefill = FilingForm {
        body: prefill.body,
        kind: prefill.kind,
        text: prefill.text.chars().take(MAX_PREFILL_CHARS).collect(),
        ..FilingForm::default()
    };
    let main = html! {
        h1 { (title) }
        p.lead { (p.t("ap-new-lead")) }
        @if verified {
            (filing_form(&app, &p, &citizen.session, &prefill, None))
        } @else {
            div.notice role="status" #verify-first {
                p { (p.t("ap-err-not-verified")) }
                p { a href="/verify" { (p.t("ap-verify-link")) } }
            }
        }
    };
    Ok(p.render(StatusCode::OK, &title, SECTION, main))
}

/// The type a browser declared for a file; when it declared none or only "some bytes", the
/// one its name's extension stands for. Only a declaration: the service checks the bytes.
fn declared_type(file: &FormFile) -> String {
    match file.content_type.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() && !t.eq_ignore_ascii_case("application/octet-stream") => t.to_owned(),
        other => {
            let extension = file.file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
            match extension.as_deref() {
                Some("pdf") => MediaType::Pdf.as_str().to_owned(),
                Some("jpg" | "jpeg") => MediaType::Jpeg.as_str().to_owned(),
                Some("png") => MediaType::Png.as_str().to_owned(),
                _ => other.unwrap_or_default().to_owned(),
            }
        }
    }
}

/// POST /appeals/new — files the appeal, with its files, and shows its page.
async fn create(
    State(app): State<AppState>,
    p: Page,
    citizen: Citizen,
    CsrfUpload { form, files }: CsrfUpload<FilingForm>,
) -> PageResult {
    let p = p.at("/appeals/new");
    let refuse = |message: String| {
        let title = p.t("ap-new-title");
        let main = html! { h1 { (title) } (filing_form(&app, &p, &citizen.session, &form, Some(&message))) };
        PageError::from(p.render(StatusCode::UNPROCESSABLE_ENTITY, &title, SECTION, main))
    };
    let body = match form.body.trim() {
        "" => None,
        b => Some(BodyId::from_str(b).map_err(|_| refuse(p.t("ap-form-choose-body")))?),
    };
    let kind = AppealKind::from_str(&form.kind).map_err(|_| refuse(p.t("ap-form-choose-kind")))?;
    let topic = TopicCode::from_str(&form.topic).map_err(|_| refuse(p.t("ap-form-choose-topic")))?;
    let place = match form.place.trim() {
        "" => None,
        place => Some(Locality::from_str(place).map_err(|_| refuse(p.t("ap-form-place")))?),
    };
    let visibility = if form.visibility == "public" { Visibility::Public } else { Visibility::Private };
    let mut title = PartialText::default();
    title.set(p.lang, form.title.trim());
    let mut text = PartialText::default();
    text.set(p.lang, form.text.trim());
    if title.langs().next().is_none() || text.langs().next().is_none() {
        return Err(refuse(p.t("ap-form-write")));
    }
    let attachments = files
        .iter()
        .filter(|f| f.field == "attachments")
        .map(|f| Upload { declared: declared_type(f), bytes: f.bytes.clone() })
        .collect();
    let filing =
        Filing { body, kind, topic, place, visibility, title, text, complaint_about: None, attachments, lang: p.lang };
    let person = citizen.person(&app).map_err(|e| failed(&p, &e.into()))?;
    match app.capabilities.appeals.file(person, filing).await {
        Ok(receipt) => Ok(Redirect::to(&format!("{}?filed=1", appeal_href(&receipt.appeal))).into_response()),
        Err(e) => Err(refuse(error_text(&p, &e))),
    }
}

/// Who is looking at an appeal's page, and what they may do there.
struct Viewer {
    session: Option<Session>,
    applicant: bool,
    /// Acts for the body holding the appeal.
    official: bool,
    head: bool,
    /// The assignment and internal notes, for the officials of the body holding it.
    office: Option<OfficeRecord>,
}

async fn viewer(app: &AppState, p: &Page, appeal: &Appeal) -> Viewer {
    let Some(session) = p.session.clone() else {
        return Viewer { session: None, applicant: false, official: false, head: false, office: None };
    };
    let applicant = app.capabilities.appeals.is_applicant(&session.account, &appeal.id).await;
    let may = |action| dauys_identity::policy::authorize(&session.account.actor(), &action).is_ok();
    let official = may(dauys_identity::policy::Action::HandleAppeal { body: appeal.body().clone() });
    let head = may(dauys_identity::policy::Action::ExtendAppeal { body: appeal.body().clone() });
    // The body's own work on it, never for its applicant (the service refuses them).
    let office = if official && !applicant {
        app.capabilities.appeals.office_record(&session.account, &appeal.id).await.ok()
    } else {
        None
    };
    Viewer { session: Some(session), applicant, official, head, office }
}

#[derive(Deserialize, Default)]
struct AppealQuery {
    #[serde(default)]
    filed: Option<String>,
}

/// GET /appeals/{id} — where the appeal is, and what its applicant or body may do next.
async fn appeal_page(
    State(app): State<AppState>,
    p: Page,
    Known(appeal): Known<Appeal>,
    crate::web::extract::PageQuery(query): crate::web::extract::PageQuery<AppealQuery>,
) -> PageResult {
    let viewer = viewer(&app, &p, &appeal).await;
    let texts = if viewer.applicant {
        app.capabilities
            .appeals
            .texts_for_applicant(&viewer.session.as_ref().expect("an applicant is signed in").account, &appeal.id)
            .await
            .ok()
    } else if appeal.visibility == Visibility::Public {
        Some(CaseTexts::public(&appeal))
    } else {
        None
    };
    Ok(render_appeal(&app, &p, &appeal, &viewer, texts.as_ref(), None, query.filed.is_some()))
}

fn render_appeal(
    app: &AppState,
    p: &Page,
    appeal: &Appeal,
    viewer: &Viewer,
    texts: Option<&CaseTexts>,
    opened_by_official: Option<&Profile>,
    just_filed: bool,
) -> axum::response::Response {
    let title = shown_title(p, appeal);
    let waiting = appeal.status.is_open().then(|| app.capabilities.appeals.days_waiting(appeal));
    let main = html! {
        h1 { (title) }
        @if just_filed {
            div.notice role="status" #filed {
                p { strong { (p.t("ap-filed")) } }
                p { (p.t_args("ap-filed-text", &[("index", FluentValue::from(appeal.index.0))])) " "
                    a href={ "/log/" (appeal.index.0) "#proof" } { (p.t("ap-check-receipt")) } }
            }
        }
        dl.fields #appeal {
            dt { (p.t("ap-field-status")) } dd #status { strong { (status_label(p, appeal.status)) } }
            dt { (p.t("ap-field-body")) } dd #holder { (body_link(app, p.lang, appeal.body())) }
            @if appeal.was_moved() {
                dt { (p.t("ap-field-addressed-to")) } dd #addressed-to { (body_link(app, p.lang, &appeal.addressed_to)) }
            }
            dt { (p.t("ap-field-kind")) } dd { (kind_label(p, appeal.kind)) }
            dt { (p.t("ap-field-topic")) } dd { (topic_label(app, p.lang, &appeal.topic)) }
            @if let Some(place) = &appeal.place {
                dt { (p.t("ap-field-place")) } dd { (locality_label(p.lang, place)) }
            }
            dt { (p.t("ap-field-visibility")) } dd { (p.t(if appeal.visibility == Visibility::Public { "ap-public" } else { "ap-private" })) }
            dt { (p.t("ap-field-filed")) } dd { (time_el(app, p.lang, appeal.filed_at.0)) " · " a href={ "/log/" (appeal.index.0) } { (p.t_args("ap-log-entry", &[("index", FluentValue::from(appeal.index.0))])) } }
            dt { (p.t("ap-field-due")) } dd #due { (date_el(p.lang, appeal.obligation.due)) }
            @if let Some(days) = waiting {
                dt { (p.t("ap-field-waiting")) } dd #days-waiting { (p.t_args("ap-working-days", &[("days", FluentValue::from(days))])) }
            }
            @if let Some(ext) = &appeal.extension {
                dt { (p.t("ap-field-extension")) } dd #extension {
                    (p.t_args("ap-extended-text", &[("until", FluentValue::from(format_date(ext.until))), ("reason", FluentValue::from(ext.reason.clone()))]))
                    @if ext.notice_late { " " strong { (p.t("ap-notice-late")) } }
                }
            }
            @if let Some(c) = &appeal.complaint {
                dt { (p.t("ap-field-complaint")) } dd #complaint { a href=(appeal_href(&c.appeal)) { (c.appeal) } }
            }
            @if let Some(original) = &appeal.complaint_about {
                dt { (p.t("ap-field-complaint-about")) } dd { a href=(appeal_href(original)) { (original) } }
            }
        }
        @if let Some(profile) = opened_by_official {
            div.notice role="status" #opened {
                p { (p.t("ap-opened-logged")) }
                @if let Some(identity) = &profile.identity {
                    p #applicant-name { (identity.given_name) " " (identity.family_name) " · " (profile.email) }
                }
            }
        }
        (texts_section(p, appeal, texts))
        (answer_section(app, p, appeal, texts))
        (history(app, p, appeal))
        @if let Some(session) = &viewer.session {
            @if viewer.applicant { (applicant_forms(p, appeal, session)) }
            @if viewer.official { (official_forms(app, p, appeal, session, viewer.head, texts.is_some())) }
            @if let Some(office) = &viewer.office { (office_section(app, p, appeal, session, office)) }
        } @else {
            p { a href=(sign_in_href(&appeal_href(&appeal.id))) { (p.t("ap-sign-in-to-act")) } }
        }
    };
    p.render(StatusCode::OK, &title, SECTION, main)
}

fn texts_section(p: &Page, appeal: &Appeal, texts: Option<&CaseTexts>) -> Markup {
    html! {
        section #texts aria-labelledby="texts-heading" {
            h2 #texts-heading { (p.t("ap-texts-heading")) }
            @match texts {
                Some(t) => {
                    @if let Some(body) = &t.text { (text(p, body)) }
                    (files_list(p, appeal, &t.attachments))
                    @if let (Some(c), false) = (&appeal.sealed, t.nonce.is_empty()) {
                        details #commitment {
                            summary { (p.t("ap-commitment-check")) }
                            p { (p.t("ap-commitment")) " " code.hash { (c) } }
                            p { (p.t("ap-nonce")) " " code.hash #nonce { (t.nonce) } }
                            p.hint { (p.t("ap-commitment-how")) }
                        }
                    }
                    @for (n, q) in t.questions.iter().enumerate() {
                        div.clarification {
                            h3 { (p.t("ap-question")) }
                            (text(p, q))
                            @if let Some(r) = t.replies.get(n) { h3 { (p.t("ap-reply")) } (text(p, r)) }
                        }
                    }
                }
                None => {
                    p.muted #sealed { (p.t("ap-sealed")) }
                    @if let Some(c) = &appeal.sealed { p { (p.t("ap-commitment")) " " code.hash { (c) } } }
                }
            }
        }
    }
}

/// The files filed with an appeal, for whoever may read its texts: each by its number, type,
/// size and SHA-256 (a public appeal's are on the log, where anyone can check them), with its
/// download link.
fn files_list(p: &Page, appeal: &Appeal, files: &[Attachment]) -> Markup {
    if files.is_empty() {
        return html! {};
    }
    html! {
        section #files aria-labelledby="files-heading" {
            h3 #files-heading { (p.t("ap-files-heading")) }
            @if appeal.visibility == Visibility::Private { p.hint #files-hint { (p.t("ap-files-private-hint")) } }
            ul.files {
                @for (i, f) in files.iter().enumerate() {
                    li data-file=(i + 1) {
                        // No `download` attribute: the response says it is an attachment, and an
                        // official who signs their openings gets a page to sign first.
                        a href={ (appeal_href(&appeal.id)) "/files/" (i + 1) } {
                            (p.t_args("ap-file-name", &[("n", FluentValue::from(i + 1))]))
                        }
                        " · " (media_label(f.media_type)) " · "
                        (p.t_args("ap-file-bytes", &[("bytes", FluentValue::from(f.bytes))])) " · "
                        "SHA-256 " code.hash { (f.digest) }
                    }
                }
            }
        }
    }
}

fn media_label(media_type: MediaType) -> &'static str {
    match media_type {
        MediaType::Pdf => "PDF",
        MediaType::Jpeg => "JPEG",
        MediaType::Png => "PNG",
    }
}

fn media_extension(media_type: MediaType) -> &'static str {
    match media_type {
        MediaType::Pdf => "pdf",
        MediaType::Jpeg => "jpg",
        MediaType::Png => "png",
    }
}

/// GET /appeals/{id}/files/{n} — the `n`th file of an appeal (from 1): a public appeal's to
/// anyone; a private one's to its applicant, or to an official of the body holding it, whose
/// download is logged as an opening of the applicant's personal data before it is sent.
/// Always a download (never shown inline), never sniffed, and a private one never cached.
/// An official who holds a signing key gets the opening to sign first, which comes back as
/// a POST.
async fn download(
    State(app): State<AppState>,
    p: Page,
    headers: axum::http::HeaderMap,
    Path((raw, n)): Path<(String, String)>,
) -> PageResult {
    serve_file(&app, &p, &headers, &raw, &n, None).await
}

/// POST /appeals/{id}/files/{n} — the download again, with the official's signed opening.
async fn download_signed(
    State(app): State<AppState>,
    p: Page,
    headers: axum::http::HeaderMap,
    Path((raw, n)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<PendingFields>,
) -> PageResult {
    serve_file(&app, &p, &headers, &raw, &n, form.signed()).await
}

async fn serve_file(
    app: &AppState,
    p: &Page,
    headers: &axum::http::HeaderMap,
    raw: &str,
    n: &str,
    signed: Option<SignedPending>,
) -> PageResult {
    let Some(appeal) = raw.parse::<AppealId>().ok().and_then(|id| app.capabilities.appeals.view().get(&id)) else {
        return Err(Appeal::not_found(p, raw));
    };
    let not_found = || {
        let title = p.t("ap-file-not-found-title");
        let main = html! {
            h1 { (title) }
            p.lead { (p.t("ap-file-not-found-text")) }
            p { a href=(appeal_href(&appeal.id)) { (p.t("ap-file-back")) } }
        };
        PageError::from(p.render(StatusCode::NOT_FOUND, &title, SECTION, main))
    };
    // Digits only, from 1: `+1` or `01` name no file.
    let n = match n.parse::<usize>() {
        Ok(k) if k >= 1 && k.to_string() == n => k,
        _ => return Err(not_found()),
    };
    let reader = p.session.as_ref().map(|s| &s.account);
    if appeal.visibility == Visibility::Private && reader.is_none() {
        return Err(PageError::SignIn { next: format!("{}/files/{n}", appeal_href(&appeal.id)) });
    }
    // An official's download of a private file is logged as an opening: a link on another
    // site must not make their browser log one. Browsers say where a request comes from.
    let cross_site = headers.get("sec-fetch-site").is_some_and(|v| v.as_bytes() == b"cross-site");
    if appeal.visibility == Visibility::Private && cross_site {
        return Err(p.error(StatusCode::FORBIDDEN, &p.t("ap-err-title"), &p.t("ap-file-cross-site")).into());
    }
    let purpose = p.t_args("ap-file-purpose", &[("n", FluentValue::from(n))]);
    let file = match app.capabilities.appeals.attachment(reader, &appeal.id, n, &purpose, signed).await {
        Ok(file) => file,
        Err(AppealError::NotFound) => return Err(not_found()),
        Err(AppealError::People(PeopleError::ToSign(act))) => {
            let here = format!("{}/files/{n}", appeal_href(&appeal.id));
            let Some(session) = &p.session else { return Err(PageError::SignIn { next: here }) };
            return Ok(sign_pending_page(app, p, session, &act, &here, &[], &[]));
        }
        Err(e) => return Err(failed(p, &e)),
    };
    let name = format!("{}-{n}.{}", appeal.id, media_extension(file.media_type));
    let mut response = file.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(file.media_type.as_str()));
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    let cache = if file.private { "private, no-store" } else { "public, max-age=3600" };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(response)
}

fn answer_section(app: &AppState, p: &Page, appeal: &Appeal, texts: Option<&CaseTexts>) -> Markup {
    let Some(answer) = &appeal.obligation.answer else { return html! {} };
    // A private appeal's answer is sealed: shown to whoever may read the case's texts.
    let written = texts.and_then(|t| t.answer.as_ref()).or(answer.answer.as_deref());
    html! {
        section #answer aria-labelledby="answer-heading" {
            h2 #answer-heading { (p.t("ap-answer-heading")) }
            p #outcome { strong { (outcome_label(p, answer.outcome)) } }
            @match written {
                Some(t) => (text(p, t)),
                None => p.muted { (p.t("ap-sealed")) },
            }
            p {
                (p.t_args("ap-answered-by", &[("by", FluentValue::from(answer.by.to_string()))])) " "
                (time_el(app, p.lang, answer.answered_at.0)) " · "
                (p.t(if answer.on_time { "ap-on-time" } else { "ap-late" })) " · "
                (p.t_args("ap-working-days", &[("days", FluentValue::from(answer.working_days))])) " · "
                a #answer-proof href={ "/log/" (answer.index.0) "#proof" } { (p.t("ap-verify-answer")) }
            }
            @if let Some(r) = appeal.rating { p #rating { (p.t_args("ap-rated", &[("rating", FluentValue::from(r))])) } }
        }
    }
}

fn history(app: &AppState, p: &Page, appeal: &Appeal) -> Markup {
    html! {
        section #history aria-labelledby="history-heading" {
            h2 #history-heading { (p.t("ap-history-heading")) }
            ol.steps {
                @for s in &appeal.steps {
                    li data-event=(s.event) {
                        (time_el(app, p.lang, s.at.0)) " — " strong { (event_label(p.lang, s.event.as_str())) } " · "
                        (app.deployment.body_name(&s.body, p.lang))
                        @if let Some(to) = &s.to { " → " (app.deployment.body_name(to, p.lang)) }
                        @if s.late { " " em { (p.t("ap-late")) } }
                        " · " a href={ "/log/" (s.index.0) } { "#" (s.index.0) }
                    }
                }
            }
        }
    }
}

fn applicant_forms(p: &Page, appeal: &Appeal, session: &Session) -> Markup {
    let base = appeal_href(&appeal.id);
    html! {
        section #applicant aria-labelledby="applicant-heading" {
            h2 #applicant-heading { (p.t("ap-applicant-heading")) }
            @if appeal.status == AppealStatus::AwaitingClarification {
                form.stack method="post" action={ (base) "/clarify" } {
                    (csrf_field(&session.csrf))
                    label for="reply" { (p.t("ap-reply")) }
                    textarea #reply name="text" required rows="5" maxlength=(MAX_APPEAL_TEXT_CHARS) {}
                    button #clarify-button type="submit" { (p.t("ap-clarify-button")) }
                }
            }
            @if appeal.status == AppealStatus::Answered && appeal.rating.is_none() {
                form.inline method="post" action={ (base) "/rate" } {
                    (csrf_field(&session.csrf))
                    label for="rating-select" { (p.t("ap-rate-label")) }
                    select #rating-select name="rating" {
                        @for n in (1..=5).rev() { option value=(n) { (n) } }
                    }
                    button #rate-button type="submit" { (p.t("ap-rate-button")) }
                }
            }
            @if matches!(appeal.status, AppealStatus::Answered | AppealStatus::Overdue) && appeal.complaint.is_none() {
                form.stack method="post" action={ (base) "/complain" } {
                    (csrf_field(&session.csrf))
                    p.hint { (p.t(if appeal.status == AppealStatus::Overdue { "ap-complain-overdue" } else { "ap-complain-answered" })) }
                    label for="complaint-text" { (p.t("ap-field-text")) }
                    textarea #complaint-text name="text" required rows="5" maxlength=(MAX_APPEAL_TEXT_CHARS) {}
                    button #complain-button type="submit" { (p.t("ap-complain-button")) }
                }
            }
        }
    }
}

fn official_forms(app: &AppState, p: &Page, appeal: &Appeal, session: &Session, head: bool, can_read: bool) -> Markup {
    let base = appeal_href(&appeal.id);
    let in_progress = appeal.status == AppealStatus::InProgress;
    let mut bodies = app.deployment.bodies();
    bodies.retain(|b| b.is_open() && &b.id != appeal.body());
    bodies.sort_by(|a, b| a.name.get(p.lang).cmp(b.name.get(p.lang)));
    html! {
        section #office aria-labelledby="office-heading" {
            h2 #office-heading { (p.t("ap-office-heading")) }
            @if !can_read {
                form.stack method="post" action={ (base) "/open" } {
                    (csrf_field(&session.csrf))
                    p.hint #open-hint { (p.t("ap-open-hint")) }
                    label for="purpose" { (p.t("ap-open-purpose")) }
                    input #purpose name="purpose" type="text" required maxlength="200" value=(p.t("ap-open-purpose-default"));
                    button #open-button type="submit" aria-describedby="open-hint" { (p.t("ap-open-button")) }
                }
            }
            @if appeal.status.is_open() {
                form.stack method="post" action={ (base) "/answer" } {
                    (csrf_field(&session.csrf))
                    label for="outcome-select" { (p.t("ap-field-outcome")) }
                    select #outcome-select name="outcome" {
                        @for o in AppealOutcome::ALL { option value=(o.as_str()) { (outcome_label(p, *o)) } }
                    }
                    label for="answer-text" { (p.t("ap-answer-heading")) }
                    textarea #answer-text name="text" required rows="6" maxlength=(MAX_APPEAL_TEXT_CHARS) {}
                    button #answer-button type="submit" { (p.t("ap-answer-button")) }
                }
            }
            @if in_progress {
                form.stack method="post" action={ (base) "/forward" } {
                    (csrf_field(&session.csrf))
                    label for="to" { (p.t("ap-forward-to")) }
                    select #to name="to" {
                        @for b in &bodies { option value=(b.id) { (b.name.get(p.lang)) } }
                    }
                    label for="forward-reason" { (p.t("ap-reason")) }
                    input #forward-reason name="reason" type="text" required maxlength=(MAX_REASON_CHARS);
                    p.hint { (p.t_args("ap-forward-hint", &[("date", FluentValue::from(format_date(appeal.forward_by)))])) }
                    button #forward-button type="submit" { (p.t("ap-forward-button")) }
                }
                form.stack method="post" action={ (base) "/ask" } {
                    (csrf_field(&session.csrf))
                    label for="question" { (p.t("ap-question")) }
                    textarea #question name="text" required rows="4" maxlength=(MAX_APPEAL_TEXT_CHARS) {}
                    button #ask-button type="submit" { (p.t("ap-ask-button")) }
                }
            }
            @if head && appeal.extension.is_none() && matches!(appeal.status, AppealStatus::InProgress | AppealStatus::AwaitingClarification) {
                form.stack method="post" action={ (base) "/extend" } {
                    (csrf_field(&session.csrf))
                    label for="decided-on" { (p.t("ap-decided-on")) }
                    input #decided-on name="decided_on" type="date" required value=(format_date(app.capabilities.appeals.today()));
                    label for="until" { (p.t("ap-until")) }
                    input #until name="until" type="date" required;
                    label for="extend-reason" { (p.t("ap-reason")) }
                    input #extend-reason name="reason" type="text" required maxlength=(MAX_REASON_CHARS);
                    p.hint { (p.t_args("ap-extend-hint", &[("months", FluentValue::from(appeal.terms.extension_max_months))])) }
                    button #extend-button type="submit" { (p.t("ap-extend-button")) }
                }
            }
        }
    }
}

/// Who is to consider the appeal and the officials' internal notes, for the officials of the
/// body holding it: never logged, never shown to its applicant.
fn office_section(app: &AppState, p: &Page, appeal: &Appeal, session: &Session, office: &OfficeRecord) -> Markup {
    let base = appeal_href(&appeal.id);
    let me = &session.account.id;
    let assignee = office.assignment.as_ref().map(|a| &a.assignee);
    html! {
        section #internal aria-labelledby="internal-heading" {
            h2 #internal-heading { (p.t("ap-internal-heading")) }
            p.hint { (p.t("ap-internal-hint")) }
            p #assignee {
                strong { (p.t("ap-assignee")) } " "
                @match &office.assignment {
                    Some(a) => {
                        code { (a.assignee) } @if &a.assignee == me { " " (p.t("ap-assignee-me")) }
                        " · " (p.t_args("ap-assigned-by", &[("by", FluentValue::from(a.by.to_string()))])) " "
                        (time_el(app, p.lang, a.at_ms))
                    }
                    None => span.muted { (p.t("ap-unassigned")) },
                }
            }
            @if appeal.status.is_open() {
                form.inline #assign-form method="post" action={ (base) "/assign" } {
                    (csrf_field(&session.csrf))
                    label for="assignee-id" { (p.t("ap-assign-to")) }
                    input #assignee-id name="assignee" type="text" maxlength="64" value=(assignee.map(ToString::to_string).unwrap_or_default()) aria-describedby="assign-hint";
                    button #assign-button type="submit" { (p.t("ap-assign-button")) }
                }
                p.hint #assign-hint { (p.t("ap-assign-hint")) }
                @if assignee != Some(me) {
                    form.inline method="post" action={ (base) "/assign" } {
                        (csrf_field(&session.csrf))
                        input type="hidden" name="assignee" value=(me);
                        button #assign-me-button type="submit" { (p.t("ap-assign-me")) }
                    }
                }
            }
            section #notes aria-labelledby="notes-heading" {
                h3 #notes-heading { (p.t("ap-notes-heading")) }
                @if office.notes.is_empty() { p.muted #no-notes { (p.t("ap-notes-none")) } }
                ol.notes {
                    @for n in &office.notes {
                        li.note {
                            p.meta { code { (n.author) } " · " (time_el(app, p.lang, n.at_ms)) }
                            div.text { @for line in n.text.split('\n') { (line) br; } }
                        }
                    }
                }
                form.stack #note-form method="post" action={ (base) "/notes" } {
                    (csrf_field(&session.csrf))
                    label for="note-text" { (p.t("ap-note-label")) }
                    textarea #note-text name="text" required rows="3" maxlength=(MAX_NOTE_CHARS) {}
                    button #note-button type="submit" { (p.t("ap-note-button")) }
                }
            }
        }
    }
}

#[derive(Deserialize)]
struct AssignForm {
    #[serde(default)]
    assignee: String,
}

/// POST /appeals/{id}/assign — the body's official assigns the appeal to a colleague (or
/// themself), or clears the assignment with an empty field. Never logged.
async fn assign(
    State(app): State<AppState>,
    p: Page,
    official: Official<Handling>,
    IdPath(id): IdPath<Appeal>,
    CsrfForm(form): CsrfForm<AssignForm>,
) -> PageResult {
    let assignee = Some(form.assignee.trim()).filter(|a| !a.is_empty());
    let account = &official.session.account;
    app.capabilities.appeals.assign(account, &id, assignee).await.map_err(|e| failed(&p, &e))?;
    back(&id)
}

/// POST /appeals/{id}/notes — an internal note of the body's officials. Never logged.
async fn add_note(
    State(app): State<AppState>,
    p: Page,
    official: Official<Handling>,
    IdPath(id): IdPath<Appeal>,
    CsrfForm(form): CsrfForm<TextForm>,
) -> PageResult {
    let account = &official.session.account;
    app.capabilities.appeals.add_note(account, &id, &form.text).await.map_err(|e| failed(&p, &e))?;
    Ok(Redirect::to(&format!("{}#notes", appeal_href(&id))).into_response())
}

/// After an act, back to the appeal's page.
fn back(id: &AppealId) -> PageResult {
    Ok(Redirect::to(&appeal_href(id)).into_response())
}

#[derive(Deserialize)]
struct TextForm {
    #[serde(default)]
    text: String,
}

/// An official's text, with the signature of the act that carries it when it comes back from
/// "Sign this act".
#[derive(Deserialize)]
struct SignedTextForm {
    #[serde(default)]
    text: String,
    #[serde(flatten)]
    signing: PendingFields,
}

/// "Sign this act" for an official's act on a case, posting `fields` back to
/// `/appeals/{id}/{step}`. A private case's text (the field `text`) is sealed, so the act
/// carries only its commitment: the page shows the text beside it.
fn sign_follow_up(
    app: &AppState,
    p: &Page,
    session: &Session,
    act: &ActToSign,
    id: &AppealId,
    step: &str,
    fields: &[(&str, &str)],
) -> PageResult {
    let text = fields.iter().find(|(name, _)| *name == "text").map_or("", |(_, value)| value);
    let sealed = matches!(
        &act.event,
        dauys_core::Event::AppealAnswered { sealed: Some(_), .. }
            | dauys_core::Event::AppealClarificationRequested { sealed: Some(_), .. }
    );
    let shown: Vec<(String, String)> =
        if sealed { vec![(p.t("sign-act-sealed-text"), text.trim().to_string())] } else { Vec::new() };
    Ok(sign_pending_page(app, p, session, act, &format!("/appeals/{id}/{step}"), fields, &shown))
}

fn written(p: &Page, s: &str) -> Result<PartialText, PageError> {
    let mut t = PartialText::default();
    t.set(p.lang, s.trim());
    if t.langs().next().is_none() {
        return Err(p.error(StatusCode::UNPROCESSABLE_ENTITY, &p.t("ap-err-title"), &p.t("ap-form-write")).into());
    }
    Ok(t)
}

#[derive(Deserialize)]
struct ForwardForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    act_key: String,
    #[serde(default)]
    act_sig: String,
}

async fn forward(
    State(app): State<AppState>,
    p: Page,
    official: Official<Handling>,
    IdPath(id): IdPath<Appeal>,
    CsrfForm(form): CsrfForm<ForwardForm>,
) -> PageResult {
    let to = BodyId::from_str(&form.to).map_err(|_| failed(&p, &AppealError::NotFound))?;
    let session = &official.session;
    let signature = act_signature(&form.act_key, &form.act_sig);
    match app.capabilities.appeals.forward(&session.account, &id, to, &form.reason, signature).await {
        Ok(_) => back(&id),
        Err(AppealError::Unsigned(event)) => {
            let fields = [("to", form.to.as_str()), ("reason", &form.reason)];
            Ok(sign_act_page(&app, &p, session, &event, &format!("/appeals/{id}/forward"), &fields))
        }
        Err(e) => Err(failed(&p, &e)),
    }
}

async fn ask(
    State(app): State<AppState>,
    p: Page,
    official: Official<Handling>,
    IdPath(id): IdPath<Appeal>,
    CsrfForm(form): CsrfForm<SignedTextForm>,
) -> PageResult {
    let question = written(&p, &form.text)?;
    let session = &official.session;
    match app.capabilities.appeals.ask(&session.account, &id, question, form.signing.signed()).await {
        Ok(_) => back(&id),
        Err(AppealError::People(PeopleError::ToSign(act))) => {
            sign_follow_up(&app, &p, session, &act, &id, "ask", &[("text", &form.text)])
        }
        Err(e) => Err(failed(&p, &e)),
    }
}

#[derive(Deserialize)]
struct ExtendForm {
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    act_key: String,
    #[serde(default)]
    act_sig: String,
}

async fn extend(
    State(app): State<AppState>,
    p: Page,
    official: Official<Handling>,
    IdPath(id): IdPath<Appeal>,
    CsrfForm(form): CsrfForm<ExtendForm>,
) -> PageResult {
    let date = |s: &str| {
        parse_date(s.trim()).map_err(|_| {
            PageError::from(p.error(StatusCode::UNPROCESSABLE_ENTITY, &p.t("ap-err-title"), &p.t("ap-form-date")))
        })
    };
    let (decided_on, until) = (date(&form.decided_on)?, date(&form.until)?);
    let session = &official.session;
    let signature = act_signature(&form.act_key, &form.act_sig);
    match app.capabilities.appeals.extend(&session.account, &id, decided_on, until, &form.reason, signature).await {
        Ok(_) => back(&id),
        Err(AppealError::Unsigned(event)) => {
            let fields = [("decided_on", form.decided_on.as_str()), ("until", &form.until), ("reason", &form.reason)];
            Ok(sign_act_page(&app, &p, session, &event, &format!("/appeals/{id}/extend"), &fields))
        }
        Err(e) => Err(failed(&p, &e)),
    }
}

#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    text: String,
    #[serde(flatten)]
    signing: PendingFields,
}

async fn answer(
    State(app): State<AppState>,
    p: Page,
    official: Official<Handling>,
    IdPath(id): IdPath<Appeal>,
    CsrfForm(form): CsrfForm<AnswerForm>,
) -> PageResult {
    let outcome = AppealOutcome::from_str(&form.outcome).map_err(|_| {
        PageError::from(p.error(StatusCode::UNPROCESSABLE_ENTITY, &p.t("ap-err-title"), &p.t("ap-form-outcome")))
    })?;
    let text = written(&p, &form.text)?;
    let session = &official.session;
    match app.capabilities.appeals.answer(&session.account, &id, outcome, text, form.signing.signed()).await {
        Ok(_) => back(&id),
        Err(AppealError::People(PeopleError::ToSign(act))) => {
            let fields = [("outcome", form.outcome.as_str()), ("text", &form.text)];
            sign_follow_up(&app, &p, session, &act, &id, "answer", &fields)
        }
        Err(e) => Err(failed(&p, &e)),
    }
}

#[derive(Deserialize)]
struct OpenForm {
    #[serde(default)]
    purpose: String,
    #[serde(flatten)]
    signing: PendingFields,
}

/// POST /appeals/{id}/open — an official opens a private appeal: logged first, then shown.
async fn open(
    State(app): State<AppState>,
    p: Page,
    official: Official<Handling>,
    Known(appeal): Known<Appeal>,
    CsrfForm(form): CsrfForm<OpenForm>,
) -> PageResult {
    let p = p.at(&appeal_href(&appeal.id));
    let session = &official.session;
    let opened = app
        .capabilities
        .appeals
        .open_for_official(&session.account, &appeal.id, &form.purpose, form.signing.signed())
        .await;
    let (texts, profile, _) = match opened {
        Ok(opened) => opened,
        Err(AppealError::People(PeopleError::ToSign(act))) => {
            let action = format!("{}/open", appeal_href(&appeal.id));
            return Ok(sign_pending_page(&app, &p, session, &act, &action, &[("purpose", &form.purpose)], &[]));
        }
        Err(e) => return Err(failed(&p, &e)),
    };
    let viewer = viewer(&app, &p, &appeal).await;
    Ok(render_appeal(&app, &p, &appeal, &viewer, Some(&texts), Some(&profile), false))
}

async fn clarify(
    State(app): State<AppState>,
    p: Page,
    citizen: Citizen,
    IdPath(id): IdPath<Appeal>,
    CsrfForm(form): CsrfForm<TextForm>,
) -> PageResult {
    let reply = written(&p, &form.text)?;
    let person = citizen.person(&app).map_err(|e| failed(&p, &e.into()))?;
    app.capabilities.appeals.clarify(person, &id, reply).await.map_err(|e| failed(&p, &e))?;
    back(&id)
}

#[derive(Deserialize)]
struct RateForm {
    #[serde(default)]
    rating: String,
}

async fn rate(
    State(app): State<AppState>,
    p: Page,
    citizen: Citizen,
    IdPath(id): IdPath<Appeal>,
    CsrfForm(form): CsrfForm<RateForm>,
) -> PageResult {
    let rating = form.rating.trim().parse::<u8>().unwrap_or(0);
    let person = citizen.person(&app).map_err(|e| failed(&p, &e.into()))?;
    app.capabilities.appeals.rate(person, &id, rating).await.map_err(|e| failed(&p, &e))?;
    back(&id)
}

/// POST /appeals/{id}/complain — the applicant takes an answer or a silence to the superior body.
async fn complain(
    State(app): State<AppState>,
    p: Page,
    citizen: Citizen,
    Known(appeal): Known<Appeal>,
    CsrfForm(form): CsrfForm<TextForm>,
) -> PageResult {
    let text = written(&p, &form.text)?;
    let title =
        PartialText::one(p.lang, p.t_args("ap-complaint-title", &[("id", FluentValue::from(appeal.id.to_string()))]));
    let filing = Filing {
        body: None,
        kind: AppealKind::Complaint,
        topic: appeal.topic.clone(),
        place: appeal.place.clone(),
        visibility: appeal.visibility,
        title,
        text,
        complaint_about: Some(appeal.id.clone()),
        attachments: Vec::new(),
        lang: p.lang,
    };
    let person = citizen.person(&app).map_err(|e| failed(&p, &e.into()))?;
    let receipt = app.capabilities.appeals.file(person, filing).await.map_err(|e| failed(&p, &e))?;
    Ok(Redirect::to(&format!("{}?filed=1", appeal_href(&receipt.appeal))).into_response())
}

#[derive(Deserialize, Default)]
struct InboxQuery {
    /// `mine`, `unassigned`, or anything else for all.
    #[serde(default)]
    show: String,
}

/// Which of a body's open appeals the inbox shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Show {
    All,
    Mine,
    Unassigned,
}

/// One row per appeal of a body's inbox: title, status, due, working days waiting, assignee,
/// and whether it is new (reached the body in the last working day).
fn inbox_rows(
    app: &AppState,
    p: &Page,
    appeals: &[Arc<Appeal>],
    assignments: &std::collections::HashMap<AppealId, super::office::Assignment>,
    me: &dauys_core::AccountId,
) -> Markup {
    let service = &app.capabilities.appeals;
    html! {
        table.appeals {
            thead { tr {
                th { (p.t("ap-col-appeal")) } th { (p.t("ap-col-status")) } th { (p.t("ap-col-due")) }
                th { (p.t("ap-col-waiting")) } th { (p.t("ap-col-assignee")) }
            } }
            tbody {
                @for a in appeals {
                    @let waiting = service.days_waiting(a);
                    tr data-appeal=(a.id) {
                        td {
                            a href=(appeal_href(&a.id)) { (shown_title(p, a)) }
                            @if waiting <= 1 { " " strong.new { (p.t("ap-inbox-new-mark")) } }
                        }
                        td { (status_label(p, a.status)) }
                        td { (date_el(p.lang, a.obligation.due)) }
                        td { (waiting) }
                        td.assignee {
                            @match assignments.get(&a.id) {
                                Some(x) if &x.assignee == me => { code { (x.assignee) } " " (p.t("ap-assignee-me")) }
                                Some(x) => code { (x.assignee) },
                                None => span.muted { (p.t("ap-unassigned")) },
                            }
                        }
                    }
                }
            }
        }
    }
}

/// GET /office/appeals — each of the official's bodies' open appeals, soonest due first:
/// overdue, due within five working days, and the rest; each with its assignee and whether
/// it is new. `?show=mine` keeps those assigned to the official, `?show=unassigned` those
/// assigned to no one.
async fn inbox(
    State(app): State<AppState>,
    p: Page,
    official: Official<Handling>,
    crate::web::extract::PageQuery(query): crate::web::extract::PageQuery<InboxQuery>,
) -> PageResult {
    let title = p.t("ap-inbox-title");
    let appeals = &app.capabilities.appeals;
    let today = appeals.today();
    let soon = app.deployment.calendar().add_working_days(today, 5);
    let show = match query.show.as_str() {
        "mine" => Show::Mine,
        "unassigned" => Show::Unassigned,
        _ => Show::All,
    };
    let me = &official.session.account.id;
    let mut bodies = Vec::with_capacity(official.bodies.len());
    for body in &official.bodies {
        let assignments = appeals.assignments_at(&official.session.account, body).await.map_err(|e| failed(&p, &e))?;
        let open = appeals.view().open_at(body);
        let shown: Vec<Arc<Appeal>> = open
            .iter()
            .filter(|a| match show {
                Show::All => true,
                Show::Mine => assignments.get(&a.id).is_some_and(|x| &x.assignee == me),
                Show::Unassigned => !assignments.contains_key(&a.id),
            })
            .cloned()
            .collect();
        let new = open.iter().filter(|a| appeals.days_waiting(a) <= 1).count();
        bodies.push((body, open.len(), new, shown, assignments));
    }
    let main = html! {
        h1 { (title) }
        nav.filters #inbox-filters aria-label=(p.t("ap-inbox-filter")) {
            @for (value, label, this) in [("", "ap-inbox-all", Show::All), ("mine", "ap-inbox-mine", Show::Mine), ("unassigned", "ap-inbox-unassigned", Show::Unassigned)] {
                @let href = if value.is_empty() { "/office/appeals".to_owned() } else { format!("/office/appeals?show={value}") };
                @if this == show { strong aria-current="page" { (p.t(label)) } } @else { a href=(href) { (p.t(label)) } }
                " "
            }
        }
        @for (body, total, new, shown, assignments) in &bodies {
            section.inbox data-body=(body) {
                h2 { (app.deployment.body_name(body, p.lang)) " " span.muted { "(" (total) ")" } }
                @if *new > 0 { p.new-count { (p.t_args("ap-inbox-new", &[("count", FluentValue::from(*new))])) } }
                @for (heading, filter) in [
                    ("ap-inbox-overdue", &(|a: &Appeal| a.status == AppealStatus::Overdue) as &dyn Fn(&Appeal) -> bool),
                    ("ap-inbox-due-soon", &|a: &Appeal| a.status != AppealStatus::Overdue && a.obligation.due <= soon),
                    ("ap-inbox-later", &|a: &Appeal| a.status != AppealStatus::Overdue && a.obligation.due > soon),
                ] {
                    @let these: Vec<Arc<Appeal>> = shown.iter().filter(|a| filter(a)).cloned().collect();
                    @if !these.is_empty() {
                        h3 { (p.t(heading)) }
                        (inbox_rows(&app, &p, &these, assignments, me))
                    }
                }
                @if shown.is_empty() { p.muted { (p.t("ap-inbox-empty")) } }
            }
        }
    };
    Ok(p.render(StatusCode::OK, &title, SECTION, main))
}
