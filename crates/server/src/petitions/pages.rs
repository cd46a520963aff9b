//! The citizens' petition pages: the list with search and filters, one page per petition
//! (text, progress, deadlines, the obligation and the body's answer, signatures over time and
//! by region), signing with a receipt whose inclusion proof the server checks before showing
//! it, and the author's pages (draft, edit, launch, withdraw, "my petitions").
//!
//! Reads come from the in-memory [`PetitionsView`](super::view::PetitionsView); a page reads
//! the database only for what is the visitor's own (their signature row) or rare (the bodies a
//! new petition may address). Every decision is the [`Petitions`](super::Petitions) service's
//! or the rules'; the pages check forms early only to re-show them with the values kept.
//! Plain HTML forms, no JavaScript; each form that changes something carries the session's
//! CSRF token, and after a change the browser is sent on with 303 (post/redirect/get).

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use dauys_core::{
    Body, BodyId, Decision, Event, Lang, Level, Locality, ObligationStatus, PartialText, Petition, PetitionId,
    PetitionStatus, Region, RejectionReason, Signature, Timestamp, TopicCode, MAX_PETITION_TEXT_CHARS,
    MAX_PETITION_TITLE_CHARS, MAX_REASON_CHARS,
};
use dauys_ledger::{verify_inclusion, Checkpoint, Hash, NoteVerifier};
use fluent_templates::fluent_bundle::FluentValue;
use maud::{html, Markup};
use serde::Deserialize;
use time::Date;

use super::api::body_info;
use super::map::{region_map, region_table};
use super::view::{ListPage, ListQuery, Sort};
use super::{level_label, topic_label, Draft, PetitionError};
use crate::i18n::UiLang;
use crate::people::pages::{csrf_field, locality_label, query_param, require_form, urlencode};
use crate::people::session::{client_ip, MaybeSession, Session};
use crate::people::Identity;
use crate::web::{time_el, Page, Section};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/petitions", get(list))
        .route("/petitions/new", get(new_form).post(create))
        .route("/petitions/{id}", get(show))
        .route("/petitions/{id}/sign", post(sign))
        .route("/petitions/{id}/receipt", get(receipt))
        .route("/petitions/{id}/edit", get(edit_form).post(edit))
        .route("/petitions/{id}/launch", post(launch))
        .route("/petitions/{id}/withdraw", post(withdraw))
        .route("/me/petitions", get(mine))
}

/// Longest search text the list accepts.
const MAX_QUERY_CHARS: usize = 200;
/// Petitions per page of the list.
const PER_PAGE: usize = ListQuery::DEFAULT_PER_PAGE;
const DAY_MS: u64 = 86_400_000;

// ---------------------------------------------------------------------------------------
// Small shared pieces

fn now_ms() -> u64 {
    super::now_ms()
}

fn petition_href(id: &PetitionId) -> String {
    format!("/petitions/{id}")
}

/// Off to sign in, and back to `next` (a local path) afterwards.
fn sign_in_to(next: &str) -> Response {
    Redirect::to(&format!("/login?next={}", urlencode(next))).into_response()
}

/// The session of a citizen's form about `pet`: signed-out visitors are sent to sign in and
/// back to the petition; a form without its CSRF token is refused.
fn citizen_form(
    p: &Page,
    uri: &Uri,
    session: Option<Session>,
    pet: &Petition,
    csrf: &str,
) -> Result<Session, Box<Response>> {
    if session.is_none() {
        return Err(Box::new(sign_in_to(&petition_href(&pet.id))));
    }
    require_form(p, uri, session, None, csrf)
}

fn find(app: &AppState, raw: &str) -> Option<Arc<Petition>> {
    let id: PetitionId = raw.parse().ok()?;
    app.petitions.view().get(&id)
}

fn not_found(p: &Page, raw: &str) -> Response {
    let shown: String = raw.chars().take(60).collect();
    let title = p.t("pp-not-found-title");
    let main = html! {
        h1 { (title) }
        p.lead { (p.t_args("pp-not-found-text", &[("id", FluentValue::from(shown))])) }
        p { a href="/petitions" { (p.t("pp-back-to-list")) } }
    };
    p.render(StatusCode::NOT_FOUND, &title, Section::Petitions, main)
}

/// A number with its thousands grouped the way the page's language writes them.
fn num(lang: Lang, n: u64) -> String {
    let digits = n.to_string();
    let sep = match lang {
        Lang::En => ",",
        Lang::Kk | Lang::Ru => "\u{a0}",
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

fn date_el(d: Date) -> Markup {
    let s = dauys_core::format_date(d);
    html! { time datetime=(s) { (s) } }
}

/// The last local day before `until` (an instant that ends a day).
fn last_day(app: &AppState, until: Timestamp) -> Date {
    Timestamp(until.0.saturating_sub(1)).date_at_offset(app.petitions.view().utc_offset_minutes())
}

/// Whole days left until `until`, counting a started day; `None` once it passed.
fn days_left(until: Timestamp, now: u64) -> Option<u64> {
    (until.0 > now).then(|| (until.0 - now).div_ceil(DAY_MS))
}

fn status_label(p: &Page, status: PetitionStatus) -> String {
    p.t(&format!("pp-status-{}", status.as_str()))
}

fn obligation_label(p: &Page, status: ObligationStatus) -> String {
    p.t(&format!("pp-obligation-{}", status.as_str()))
}

fn decision_label(p: &Page, d: Decision) -> String {
    p.t(&format!("pp-decision-{}", d.as_str().replace('_', "-")))
}

fn reason_label(p: &Page, r: RejectionReason) -> String {
    p.t(&format!("pp-reason-{}", r.as_str().replace('_', "-")))
}

fn sort_label(p: &Page, s: Sort) -> String {
    p.t(&format!("pp-sort-{}", s.as_str().replace('_', "-")))
}

fn body_label(app: &AppState, lang: Lang, body: &BodyId) -> String {
    body_info(app, body).map_or_else(|| body.to_string(), |b| b.name.get(lang).to_string())
}

/// A text written in one or more languages: the page's language if written, else the first
/// one, marked with its language.
fn partial_title(p: &Page, text: &PartialText) -> Markup {
    let (lang, s) = text.best(p.lang);
    html! { span lang=(lang.as_str()) { (s) } }
}

fn partial_text(p: &Page, text: &PartialText) -> Markup {
    let (lang, s) = text.best(p.lang);
    html! {
        div.text lang=(lang.as_str()) {
            @for para in s.split('\n').filter(|l| !l.trim().is_empty()) { p { (para) } }
        }
    }
}

/// Where a text is also written in other languages: links to the page in them.
fn other_languages(p: &Page, text: &PartialText) -> Markup {
    let (shown, _) = text.best(p.lang);
    let others: Vec<Lang> = text.langs().filter(|l| *l != shown).collect();
    html! {
        @if !others.is_empty() {
            p.muted {
                (p.t("pp-also-in")) " "
                @for (i, l) in others.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href={ "?lang=" (l.as_str()) } lang=(l.as_str()) hreflang=(l.as_str()) { (p.t(&format!("lang-{}", l.as_str()))) }
                }
            }
        }
    }
}

fn territory_label(lang: Lang, territory: Option<&Locality>) -> Option<String> {
    territory.map(|t| locality_label(lang, t))
}

/// Progress to the threshold: the numbers, and a bar with the same numbers for assistive
/// technology.
fn progress(p: &Page, pet: &Petition, id_suffix: &str) -> Markup {
    let label_id = format!("progress-{id_suffix}");
    let threshold = pet.terms.threshold.max(1);
    let text = p.t_args(
        "pp-progress",
        &[
            ("count", FluentValue::from(num(p.lang, pet.signatures))),
            ("threshold", FluentValue::from(num(p.lang, threshold))),
            ("percent", FluentValue::from(pet.progress_percent())),
        ],
    );
    html! {
        p.progress id=(label_id) { (text) }
        progress max=(threshold) value=(pet.signatures.min(threshold)) aria-labelledby=(label_id) {
            (pet.progress_percent()) "%"
        }
    }
}

/// What the petition's status means for its timing: who it waits for, and until when.
fn deadline(p: &Page, app: &AppState, pet: &Petition, now: u64) -> Option<String> {
    let date = |until: Timestamp| FluentValue::from(dauys_core::format_date(last_day(app, until)));
    match pet.status {
        PetitionStatus::Draft => Some(p.t("pp-deadline-draft")),
        PetitionStatus::Gathering => {
            let until = pet.gathering_ends_at?;
            let need = u64::from(pet.terms.initial_supporters).saturating_sub(pet.signatures);
            Some(match days_left(until, now) {
                Some(days) => p.t_args(
                    "pp-deadline-gathering",
                    &[("need", FluentValue::from(need)), ("date", date(until)), ("days", FluentValue::from(days))],
                ),
                None => p.t("pp-deadline-gathering-ended"),
            })
        }
        PetitionStatus::Moderation => {
            let due = pet.moderation_due?;
            Some(p.t_args("pp-deadline-moderation", &[("date", FluentValue::from(dauys_core::format_date(due)))]))
        }
        PetitionStatus::Open => {
            let until = pet.closes_at?;
            Some(match days_left(until, now) {
                Some(days) => p.t_args("pp-deadline-open", &[("date", date(until)), ("days", FluentValue::from(days))]),
                None => p.t("pp-deadline-open-ended"),
            })
        }
        PetitionStatus::Closed => Some(match pet.closes_at {
            Some(until) => p.t_args("pp-deadline-closed", &[("date", date(until))]),
            None => status_label(p, pet.status),
        }),
        PetitionStatus::Rejected | PetitionStatus::Withdrawn | PetitionStatus::Expired => None,
    }
}

/// The instant signing ends, if the petition takes signatures now.
fn signing_until(pet: &Petition, now: u64) -> Option<Timestamp> {
    let until = match pet.status {
        PetitionStatus::Gathering => pet.gathering_ends_at,
        PetitionStatus::Open => pet.closes_at,
        _ => None,
    }?;
    (until.0 > now).then_some(until)
}

/// A translated message for a failure of the service, by its stable code.
fn error_text(p: &Page, pet: Option<&Petition>, e: &PetitionError) -> String {
    if e.status().is_server_error() {
        tracing::error!(error = %e, "petition action failed");
    }
    match e {
        PetitionError::OutsideTerritory { territory } => {
            let shown = territory_label(p.lang, pet.and_then(|x| x.territory.as_ref())).unwrap_or(territory.clone());
            p.t_args("pp-err-outside-territory", &[("territory", FluentValue::from(shown))])
        }
        _ => {
            let id = format!("pp-err-{}", e.code().replace('_', "-"));
            let text = p.t(&id);
            if text == id {
                p.t_args("pp-err-other", &[("code", FluentValue::from(e.code()))])
            } else {
                text
            }
        }
    }
}

fn alert(id: &str, body: Markup) -> Markup {
    html! { div.error role="alert" id=(id) { (body) } }
}

fn notice(id: &str, body: Markup) -> Markup {
    html! { div.notice role="status" id=(id) { (body) } }
}

/// What a signed-in visitor is to a petition.
#[derive(Default)]
struct Viewer {
    session: Option<Session>,
    verified: bool,
    author: bool,
    signature: Option<Signature>,
}

async fn viewer(app: &AppState, session: Option<Session>, pet: &Petition) -> Viewer {
    let Some(session) = session else { return Viewer::default() };
    let pseudonym = app.petitions.pseudonym_of(&session.account, &pet.id);
    let signature = match &pseudonym {
        Some(signer) => app.petitions.signature(&pet.id, signer).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "signature row not read");
            None
        }),
        None => None,
    };
    Viewer {
        verified: pseudonym.is_some(),
        author: pseudonym.as_ref() == Some(&pet.author),
        signature,
        session: Some(session),
    }
}

// ---------------------------------------------------------------------------------------
// The list

/// The list's query, as given (for the form and the page links) and as understood.
struct ListForm {
    q: String,
    status: String,
    level: String,
    body: String,
    region: String,
    topic: String,
    sort: String,
}

impl ListForm {
    fn from_uri(uri: &Uri) -> ListForm {
        let get = |name: &str| query_param(uri, name).map(|v| v.trim().to_string()).unwrap_or_default();
        ListForm {
            q: get("q"),
            status: get("status"),
            level: get("level"),
            body: get("body"),
            region: get("region"),
            topic: get("topic"),
            sort: get("sort"),
        }
    }

    /// The non-empty parameters, for links to other pages of the same list.
    fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("q", self.q.as_str()),
            ("status", &self.status),
            ("level", &self.level),
            ("body", &self.body),
            ("region", &self.region),
            ("topic", &self.topic),
            ("sort", &self.sort),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect()
    }

    fn href(&self, page: usize) -> String {
        let mut parts: Vec<String> = self.pairs().into_iter().map(|(k, v)| format!("{k}={}", urlencode(v))).collect();
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            "/petitions".to_string()
        } else {
            format!("/petitions?{}", parts.join("&"))
        }
    }
}

/// A value that is not one of the choices: which field, and what was given.
struct Invalid {
    field: &'static str,
    value: String,
}

fn parse_list(app: &AppState, form: &ListForm, raw_page: Option<String>) -> (ListQuery, Vec<Invalid>) {
    let mut invalid = Vec::new();
    let mut pick = |field: &'static str, value: &str, ok: bool| {
        if !ok {
            invalid.push(Invalid { field, value: value.chars().take(60).collect() });
        }
    };
    let opt = |v: &str| (!v.is_empty()).then(|| v.to_string());
    let status = opt(&form.status).map(|v| v.parse::<PetitionStatus>().ok().filter(PetitionStatus::is_public));
    pick("status", &form.status, !matches!(status, Some(None)));
    let level = opt(&form.level).map(|v| v.parse::<Level>().ok());
    pick("level", &form.level, !matches!(level, Some(None)));
    let body = opt(&form.body).map(|v| v.parse::<BodyId>().ok());
    pick("body", &form.body, !matches!(body, Some(None)));
    let region = opt(&form.region).map(|v| Region::from_str(&v).ok());
    pick("region", &form.region, !matches!(region, Some(None)));
    let rules = app.petitions.view().rules();
    let topic = opt(&form.topic)
        .map(|v| v.parse::<TopicCode>().ok().filter(|t| rules.as_ref().is_some_and(|r| r.rules.topic(t).is_some())));
    pick("topic", &form.topic, !matches!(topic, Some(None)));
    let sort = opt(&form.sort).map(|v| Sort::parse(&v));
    pick("sort", &form.sort, !matches!(sort, Some(None)));
    pick("q", &form.q, form.q.chars().count() <= MAX_QUERY_CHARS);
    let page = match raw_page.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => 1,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if n >= 1 => n,
            _ => {
                pick("page", v, false);
                1
            }
        },
    };
    let query = ListQuery {
        text: (!form.q.is_empty()).then(|| form.q.clone()),
        status: status.flatten(),
        level: level.flatten(),
        body: body.flatten(),
        region: region.flatten(),
        topic: topic.flatten(),
        sort: sort.flatten().unwrap_or_default(),
        page,
        per_page: PER_PAGE,
    };
    (query, invalid)
}

fn field_label(p: &Page, field: &str) -> String {
    p.t(&format!("pp-filter-{field}"))
}

/// GET /petitions — public petitions, searchable and filtered.
pub async fn list(State(app): State<AppState>, ui: UiLang, uri: Uri) -> Response {
    let p = Page::new(ui, &uri);
    let form = ListForm::from_uri(&uri);
    let (query, mut invalid) = parse_list(&app, &form, query_param(&uri, "page"));
    let view = app.petitions.view();
    let page = invalid.is_empty().then(|| view.list(&query));
    if let Some(pg) = &page {
        if pg.total > 0 && query.page > pg.pages() {
            invalid.push(Invalid { field: "page", value: query.page.to_string() });
        }
    }
    let page = page.filter(|_| invalid.is_empty());
    let public: Vec<Arc<Petition>> = view.all().into_iter().filter(|x| x.status.is_public()).collect();
    let mut body_ids: Vec<BodyId> = public.iter().map(|x| x.body.clone()).collect();
    if let Ok(chosen) = form.body.parse::<BodyId>() {
        body_ids.push(chosen);
    }
    body_ids.sort();
    body_ids.dedup();
    let mut bodies = Vec::with_capacity(body_ids.len());
    for b in body_ids {
        let name = body_label(&app, p.lang, &b);
        bodies.push((b, name));
    }
    bodies.sort_by(|a, b| a.1.cmp(&b.1));
    let items = match &page {
        Some(pg) => list_items(&app, &p, pg).await,
        None => html! {},
    };

    let title = p.t("pp-list-title");
    let filtered = !form.pairs().is_empty();
    let main = html! {
        h1 { (title) }
        p.lead { (p.t("pp-list-lead")) }
        p { a #start-petition href="/petitions/new" { (p.t("pp-start")) } " · " a href="/me/petitions" { (p.t("pp-mine-title")) } }
        (filters(&app, &p, &form, &bodies))
        @if !invalid.is_empty() {
            (alert("list-error", html! {
                p { (p.t("pp-list-invalid")) }
                ul {
                    @for i in &invalid {
                        li { (p.t_args("pp-list-invalid-value", &[
                            ("field", FluentValue::from(field_label(&p, i.field))),
                            ("value", FluentValue::from(i.value.clone())),
                        ])) }
                    }
                }
                p { a href="/petitions" { (p.t("pp-list-clear")) } }
            }))
        }
        @if let Some(pg) = &page {
            section aria-labelledby="results-heading" {
                h2 #results-heading { (p.t("pp-results")) }
                p #result-count role="status" {
                    (p.t_args("pp-results-count", &[
                        ("count", FluentValue::from(pg.total)),
                        ("page", FluentValue::from(pg.page)),
                        ("pages", FluentValue::from(pg.pages())),
                    ]))
                }
                @if pg.total == 0 {
                    div.notice #no-results {
                        @if filtered {
                            p { (p.t("pp-results-none")) }
                            p { a href="/petitions" { (p.t("pp-list-clear")) } }
                        } @else {
                            p { (p.t("pp-results-none-yet")) }
                        }
                        p { a href="/petitions/new" { (p.t("pp-start")) } }
                    }
                } @else {
                    (items)
                    (pager(&p, &form, pg))
                }
            }
        }
    };
    let status = if invalid.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    p.render(status, &title, Section::Petitions, main)
}

fn filters(app: &AppState, p: &Page, form: &ListForm, bodies: &[(BodyId, String)]) -> Markup {
    let rules = app.petitions.view().rules();
    let levels: Vec<Level> =
        rules.as_ref().map_or_else(|| Level::ALL.to_vec(), |r| r.rules.levels.iter().map(|l| l.level).collect());
    let topics: Vec<(String, String)> = rules
        .as_ref()
        .map(|r| r.rules.topics.iter().map(|t| (t.code.to_string(), t.name.get(p.lang).to_string())).collect())
        .unwrap_or_default();
    let any = p.t("pp-filter-any");
    html! {
        form.stack #petition-search method="get" action="/petitions" role="search" aria-label=(p.t("pp-search-label")) {
            label for="q" { (p.t("pp-filter-q")) }
            input #q type="search" name="q" value=(form.q) maxlength=(MAX_QUERY_CHARS) aria-describedby="q-hint";
            p.hint #q-hint { (p.t("pp-filter-q-hint")) }
            div.filter-grid {
                div.filter {
                    label for="status" { (field_label(p, "status")) }
                    select #status name="status" {
                        option value="" { (any) }
                        @for s in PetitionStatus::ALL.into_iter().filter(PetitionStatus::is_public) {
                            option value=(s.as_str()) selected[form.status == s.as_str()] { (status_label(p, s)) }
                        }
                    }
                }
                div.filter {
                    label for="level" { (field_label(p, "level")) }
                    select #level name="level" {
                        option value="" { (any) }
                        @for l in &levels {
                            option value=(l.as_str()) selected[form.level == l.as_str()] { (level_label(p.lang, *l)) }
                        }
                    }
                }
                div.filter {
                    label for="body" { (field_label(p, "body")) }
                    select #body name="body" {
                        option value="" { (any) }
                        @for (id, name) in bodies {
                            option value=(id.as_str()) selected[form.body == id.as_str()] { (name) }
                        }
                    }
                }
                div.filter {
                    label for="region" { (field_label(p, "region")) }
                    select #region name="region" {
                        option value="" { (any) }
                        @for r in Region::ALL {
                            option value=(r.code()) selected[form.region == r.code()] { (r.name().get(p.lang)) }
                        }
                    }
                }
                div.filter {
                    label for="topic" { (field_label(p, "topic")) }
                    select #topic name="topic" {
                        option value="" { (any) }
                        @for (code, name) in &topics {
                            option value=(code) selected[&form.topic == code] { (name) }
                        }
                    }
                }
                div.filter {
                    label for="sort" { (field_label(p, "sort")) }
                    select #sort name="sort" {
                        @for s in Sort::ALL {
                            option value=(s.as_str()) selected[form.sort == s.as_str()] { (sort_label(p, s)) }
                        }
                    }
                }
            }
            button #search type="submit" { (p.t("pp-search")) }
        }
    }
}

async fn list_items(app: &AppState, p: &Page, page: &ListPage) -> Markup {
    let now = now_ms();
    let mut names = BTreeMap::new();
    for pet in &page.items {
        if !names.contains_key(&pet.body) {
            names.insert(pet.body.clone(), body_label(app, p.lang, &pet.body));
        }
    }
    html! {
        ol.petitions #results {
            @for pet in &page.items {
                li.petition data-petition=(pet.id.as_str()) {
                    h3 { a href=(petition_href(&pet.id)) { (partial_title(p, &pet.title)) } }
                    p.muted {
                        (names.get(&pet.body).cloned().unwrap_or_default()) " · "
                        (level_label(p.lang, pet.level)) " · "
                        (topic_label(&app.petitions, p.lang, &pet.topic))
                        @if let Some(t) = territory_label(p.lang, pet.territory.as_ref()) { " · " (t) }
                    }
                    p { strong { (p.t("pp-field-status")) ": " } (status_label(p, pet.status)) }
                    (progress(p, pet, pet.id.as_str()))
                    @if let Some(d) = deadline(p, app, pet, now) { p { (d) } }
                }
            }
        }
    }
}

fn pager(p: &Page, form: &ListForm, page: &ListPage) -> Markup {
    let pages = page.pages();
    html! {
        @if pages > 1 {
            nav.pager aria-label=(p.t("pp-pages-label")) {
                ul {
                    li { @if page.page > 1 { a href=(form.href(page.page - 1)) rel="prev" { (p.t("pp-page-previous")) } } }
                    li { (p.t_args("pp-page-of", &[("page", FluentValue::from(page.page)), ("pages", FluentValue::from(pages))])) }
                    li { @if page.page < pages { a href=(form.href(page.page + 1)) rel="next" { (p.t("pp-page-next")) } } }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// One petition

/// What the petition page shows above its sections after an action.
enum Flash {
    None,
    Notice(Markup),
    Error(Markup),
}

/// GET /petitions/{id}
pub async fn show(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Path(raw): Path<String>,
) -> Response {
    let p = Page::new(ui, &uri);
    let Some(pet) = find(&app, &raw) else { return not_found(&p, &raw) };
    let viewer = viewer(&app, session, &pet).await;
    let flash = match query_param(&uri, "done").as_deref() {
        Some("drafted") => Flash::Notice(html! { p { (p.t("pp-done-drafted")) } }),
        Some("launched") if viewer.author => Flash::Notice(launched_notice(&app, &p, &pet)),
        Some("withdrawn") => Flash::Notice(html! { p { (p.t("pp-done-withdrawn")) } }),
        _ => Flash::None,
    };
    petition_page(&app, &p, &viewer, &pet, flash, StatusCode::OK).await
}

/// After launching: the link to share, and what the petition needs next.
fn launched_notice(app: &AppState, p: &Page, pet: &Petition) -> Markup {
    let link = format!("{}{}", app.config.public_url(), petition_href(&pet.id));
    let now = now_ms();
    html! {
        p { strong { (p.t("pp-done-launched")) } }
        @if pet.status == PetitionStatus::Gathering {
            label for="share-link" { (p.t("pp-share-link")) }
            input #share-link type="text" readonly value=(link);
            @if let Some(d) = deadline(p, app, pet, now) { p #launch-needs { (d) } }
        } @else if let Some(d) = deadline(p, app, pet, now) {
            p #launch-needs { (d) }
        }
    }
}

async fn petition_page(
    app: &AppState,
    p: &Page,
    viewer: &Viewer,
    pet: &Petition,
    flash: Flash,
    status: StatusCode,
) -> Response {
    let now = now_ms();
    let body_name = body_label(app, p.lang, &pet.body);
    let (title_lang, title) = pet.title.best(p.lang);
    let rules = app.petitions.view().rules();
    let daily = app.petitions.view().daily(&pet.id);
    let recent = app.petitions.recent(&pet.id);
    let link_only = matches!(pet.status, PetitionStatus::Draft | PetitionStatus::Gathering);
    let obligation_body = match &pet.obligation {
        Some(o) if o.body != pet.body => body_label(app, p.lang, &o.body),
        _ => body_name.clone(),
    };

    let main = html! {
        h1 lang=(title_lang.as_str()) { (title) }
        (other_languages(p, &pet.title))
        @match &flash {
            Flash::None => {}
            Flash::Notice(m) => { (notice("petition-notice", m.clone())) }
            Flash::Error(m) => { (alert("petition-error", m.clone())) }
        }
        @if link_only {
            p.note #link-only { (p.t(if pet.status == PetitionStatus::Draft { "pp-draft-note" } else { "pp-link-only" })) }
        }
        dl.fields {
            dt { (p.t("pp-field-status")) } dd #petition-status data-status=(pet.status.as_str()) { (status_label(p, pet.status)) }
            dt { (p.t("pp-field-author")) } dd { (p.t("pp-by-verified-citizen")) }
            dt { (p.t("pp-field-body")) } dd { (body_name) }
            dt { (p.t("pp-field-level")) } dd { (level_label(p.lang, pet.level)) }
            dt { (p.t("pp-field-topic")) } dd { (topic_label(&app.petitions, p.lang, &pet.topic)) }
            dt { (p.t("pp-field-territory")) } dd {
                (territory_label(p.lang, pet.territory.as_ref()).unwrap_or_else(|| p.t("pp-whole-country")))
            }
            dt { (p.t("pp-field-drafted")) } dd { (time_el(app, pet.drafted_at.0)) }
        }
        section #progress-section aria-labelledby="progress-heading" {
            h2 #progress-heading { (p.t("pp-progress-heading")) }
            (progress(p, pet, "main"))
            @if pet.invalidated > 0 {
                p.muted { (p.t_args("pp-invalidated-count", &[("count", FluentValue::from(pet.invalidated))])) }
            }
            @if let Some(d) = deadline(p, app, pet, now) { p #deadline { (d) } }
            @if let Some(at) = pet.threshold_reached_at {
                p #threshold-reached { strong { (p.t("pp-threshold-reached")) } " " (time_el(app, at.0)) }
            }
        }
        (sign_box(app, p, viewer, pet, now))
        @if viewer.author {
            (author_actions(app, p, viewer, pet))
        }
        section aria-labelledby="text-heading" {
            h2 #text-heading { (p.t("pp-text-heading")) }
            (partial_text(p, &pet.text))
            (other_languages(p, &pet.text))
        }
        @if let Some(o) = &pet.obligation {
            section #obligation aria-labelledby="obligation-heading" {
                h2 #obligation-heading { (p.t("pp-obligation-heading")) }
                p { (p.t_args("pp-obligation-lead", &[("body", FluentValue::from(obligation_body.clone()))])) }
                @let shown = if o.status == ObligationStatus::Awaiting && now >= o.due_at.0 { ObligationStatus::Overdue } else { o.status };
                dl.fields {
                    dt { (p.t("pp-field-obligation-status")) } dd #obligation-status data-status=(shown.as_str()) { strong { (obligation_label(p, shown)) } }
                    dt { (p.t("pp-field-opened")) } dd { (time_el(app, o.opened_at.0)) " " a href={ "/log/" (o.index.0) } { (p.t_args("pp-log-entry", &[("index", FluentValue::from(o.index.0))])) } }
                    dt { (p.t("pp-field-due")) } dd { (date_el(o.due)) }
                    @if let Some(at) = o.overdue_at {
                        dt { (p.t("pp-field-overdue-since")) } dd { (time_el(app, at.0)) }
                    }
                }
                @if let Some(a) = &o.answer {
                    h3 #answer-heading { (p.t("pp-answer-heading")) }
                    dl.fields {
                        dt { (p.t("pp-field-decision")) } dd #decision { strong { (decision_label(p, a.decision)) } }
                        dt { (p.t("pp-field-answered")) } dd { (time_el(app, a.answered_at.0)) " " a href={ "/log/" (a.index.0) } { (p.t_args("pp-log-entry", &[("index", FluentValue::from(a.index.0))])) } }
                        dt { (p.t("pp-field-answered-by")) } dd { (p.t_args("pp-answered-by", &[("body", FluentValue::from(obligation_body.clone()))])) " " code { (a.by) } }
                    }
                    h4 { (p.t("pp-answer-text")) }
                    (partial_text(p, &a.answer))
                    h4 { (p.t("pp-answer-discussion")) }
                    (partial_text(p, &a.discussion))
                    h4 { (p.t("pp-answer-head")) }
                    (partial_text(p, &a.head_statement))
                }
            }
        }
        @if let Some(r) = &pet.rejection {
            section #rejection aria-labelledby="rejection-heading" {
                h2 #rejection-heading { (p.t("pp-rejection-heading")) }
                dl.fields {
                    dt { (p.t("pp-field-reason")) } dd #rejection-reason data-reason=(r.reason.as_str()) { (reason_label(p, r.reason)) }
                    @if let Some(code) = &r.forbidden_topic {
                        @let name = rules.as_ref().and_then(|x| x.rules.forbidden_topic(code)).map_or_else(|| code.to_string(), |t| t.name.get(p.lang).to_string());
                        dt { (p.t("pp-field-forbidden-topic")) } dd { (name) }
                    }
                    @if let Some(other) = &r.duplicate_of {
                        dt { (p.t("pp-field-duplicate-of")) } dd {
                            a href=(petition_href(other)) {
                                @match app.petitions.view().get(other) {
                                    Some(o) => { (partial_title(p, &o.title)) }
                                    None => { code { (other) } }
                                }
                            }
                        }
                    }
                    @if !r.comment.trim().is_empty() {
                        dt { (p.t("pp-field-comment")) } dd { (r.comment) }
                    }
                }
            }
        }
        @if let Some(reason) = &pet.withdrawal_reason {
            section #withdrawal aria-labelledby="withdrawal-heading" {
                h2 #withdrawal-heading { (p.t("pp-withdrawal-heading")) }
                p { (p.t("pp-withdrawal-lead")) }
                @if !reason.trim().is_empty() { blockquote { p { (reason) } } }
            }
        }
        section #chart aria-labelledby="chart-heading" {
            h2 #chart-heading { (p.t("pp-chart-heading")) }
            (chart(p, &daily))
        }
        section #regions aria-labelledby="regions-heading" {
            h2 #regions-heading { (p.t("pp-regions-heading")) }
            (region_map(&pet.by_region, p.lang, &p.t("pp-map-title")))
            (region_table(&pet.by_region, p.lang, &p.t("pp-regions-caption"), (&p.t("pp-col-region"), &p.t("pp-col-signatures"))))
        }
        section #recent aria-labelledby="recent-heading" {
            h2 #recent-heading { (p.t("pp-recent-heading")) }
            @if recent.is_empty() {
                p.muted { (p.t("pp-recent-none")) }
            } @else {
                ul #recent-signers {
                    @for r in &recent {
                        li { strong { (r.shown_as) } ", " (r.region.name().get(p.lang)) " — " (time_el(app, r.at.0)) }
                    }
                }
            }
        }
        section #history aria-labelledby="history-heading" {
            h2 #history-heading { (p.t("pp-history-heading")) }
            table.entries {
                caption { (p.t("pp-history-caption")) }
                thead { tr {
                    th scope="col" { (p.t("pp-col-status")) }
                    th scope="col" { (p.t("pp-col-event")) }
                    th scope="col" { (p.t("pp-col-time")) }
                    th scope="col" { (p.t("pp-col-entry")) }
                } }
                tbody {
                    @for tr in &pet.transitions {
                        tr {
                            th scope="row" data-label=(p.t("pp-col-status")) { (status_label(p, tr.status)) }
                            td data-label=(p.t("pp-col-event")) { (event_label(p, &tr.event)) }
                            td data-label=(p.t("pp-col-time")) { (time_el(app, tr.at.0)) }
                            td data-label=(p.t("pp-col-entry")) { a href={ "/log/" (tr.index.0) } { "#" (tr.index.0) } }
                        }
                    }
                }
            }
        }
        section aria-labelledby="data-heading" {
            h2 #data-heading { (p.t("pp-data-heading")) }
            p { (p.t("pp-data-lead")) }
            ul {
                li { a href={ "/api/v1/petitions/" (pet.id) } { (p.t("pp-data-json")) } }
                li { a href={ "/log/" (pet.index.0) } { (p.t_args("pp-log-entry", &[("index", FluentValue::from(pet.index.0))])) } }
            }
        }
        p { a href="/petitions" { (p.t("pp-back-to-list")) } }
    };
    p.render(status, title, Section::Petitions, main)
}

/// The label of a transition's event type, from the log's own labels.
fn event_label(p: &Page, event: &str) -> String {
    let id = format!("event-{}", event.replace('.', "-"));
    let label = p.t(&id);
    if label == id {
        event.to_string()
    } else {
        label
    }
}

/// Signing: the form, or why the visitor cannot sign, or their receipt.
fn sign_box(app: &AppState, p: &Page, viewer: &Viewer, pet: &Petition, now: u64) -> Markup {
    let open = signing_until(pet, now).is_some();
    let receipt = format!("{}/receipt", petition_href(&pet.id));
    let next = petition_href(&pet.id);
    html! {
        section #sign aria-labelledby="sign-heading" {
            h2 #sign-heading { (p.t("pp-sign-heading")) }
            @if let Some(sig) = &viewer.signature {
                p #already-signed {
                    (p.t("pp-you-signed")) " " (time_el(app, sig.signed_at.0)) ". "
                    a #receipt-link href=(receipt) { (p.t("pp-see-receipt")) }
                }
                @if sig.invalidation.is_some() { p { (p.t("pp-your-signature-invalidated")) } }
            } @else if !open {
                p #sign-closed { (p.t("pp-sign-closed")) }
            } @else {
                @if let Some(t) = territory_label(p.lang, pet.territory.as_ref()) {
                    p { (p.t_args("pp-sign-territory", &[("territory", FluentValue::from(t))])) }
                } @else {
                    p { (p.t("pp-sign-anyone")) }
                }
                @if let Some(session) = &viewer.session {
                    @if viewer.verified {
                        form method="post" action={ (petition_href(&pet.id)) "/sign" } {
                            (csrf_field(&session.csrf))
                            p.hint #sign-hint { (p.t("pp-sign-hint")) }
                            button #sign-button type="submit" aria-describedby="sign-hint" { (p.t("pp-sign-button")) }
                        }
                    } @else {
                        p { (p.t("pp-verify-to-sign")) " " a #verify-to-sign href="/verify" { (p.t("pp-verify-link")) } }
                    }
                } @else {
                    p { a #sign-in-to-sign href={ "/login?next=" (urlencode(&next)) } { (p.t("pp-sign-in-to-sign")) } }
                }
            }
        }
    }
}

/// The author's own controls: edit and launch a draft, withdraw before the threshold.
fn author_actions(app: &AppState, p: &Page, viewer: &Viewer, pet: &Petition) -> Markup {
    let Some(session) = &viewer.session else { return html! {} };
    let base = petition_href(&pet.id);
    let withdrawable =
        matches!(pet.status, PetitionStatus::Gathering | PetitionStatus::Moderation | PetitionStatus::Open)
            && pet.threshold_reached_at.is_none();
    let window = pet.terms.initial_window_working_days;
    html! {
        section #author aria-labelledby="author-heading" {
            h2 #author-heading { (p.t("pp-author-heading")) }
            @if pet.status == PetitionStatus::Draft {
                p { a #edit-link href={ (base) "/edit" } { (p.t("pp-edit")) } }
                form method="post" action={ (base) "/launch" } {
                    (csrf_field(&session.csrf))
                    p.hint #launch-hint { (p.t_args("pp-launch-hint", &[
                        ("need", FluentValue::from(pet.terms.initial_supporters)),
                        ("days", FluentValue::from(window)),
                    ])) }
                    button #launch-button type="submit" aria-describedby="launch-hint" { (p.t("pp-launch")) }
                }
            }
            @if pet.status == PetitionStatus::Gathering {
                label for="author-share-link" { (p.t("pp-share-link")) }
                input #author-share-link type="text" readonly value={ (app.config.public_url()) (base) };
            }
            @if withdrawable {
                form.stack method="post" action={ (base) "/withdraw" } {
                    (csrf_field(&session.csrf))
                    label for="withdraw-reason" { (p.t("pp-withdraw-reason")) }
                    textarea #withdraw-reason name="reason" required maxlength=(MAX_REASON_CHARS) aria-describedby="withdraw-hint" {}
                    p.hint #withdraw-hint { (p.t("pp-withdraw-hint")) }
                    button.danger #withdraw-button type="submit" { (p.t("pp-withdraw")) }
                }
            }
            @if pet.status != PetitionStatus::Draft && !withdrawable {
                p.muted { (p.t("pp-author-nothing")) }
            }
        }
    }
}

/// Valid signatures per local day: bars in an SVG, and the same numbers in a table.
fn chart(p: &Page, daily: &[(Date, u64)]) -> Markup {
    if daily.is_empty() {
        return html! { p.muted #chart-empty { (p.t("pp-chart-empty")) } };
    }
    const W: f64 = 640.0;
    const H: f64 = 220.0;
    const LEFT: f64 = 56.0;
    const RIGHT: f64 = 8.0;
    const TOP: f64 = 12.0;
    const BOTTOM: f64 = 28.0;
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let max = daily.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let total: u64 = daily.iter().map(|(_, n)| *n).sum();
    let step = plot_w / daily.len() as f64;
    let bar = (step * 0.8).max(1.0);
    let (first, last) = (daily[0].0, daily[daily.len() - 1].0);
    let busiest = daily.iter().max_by_key(|(d, n)| (*n, std::cmp::Reverse(*d))).map(|(d, n)| (*d, *n));
    let desc = p.t_args(
        "pp-chart-desc",
        &[
            ("from", FluentValue::from(dauys_core::format_date(first))),
            ("to", FluentValue::from(dauys_core::format_date(last))),
            ("total", FluentValue::from(total)),
            ("days", FluentValue::from(daily.len())),
            ("busiest", FluentValue::from(busiest.map(|(d, _)| dauys_core::format_date(d)).unwrap_or_default())),
            ("most", FluentValue::from(busiest.map_or(0, |(_, n)| n))),
        ],
    );
    let totals: Vec<u64> = daily
        .iter()
        .scan(0u64, |sum, (_, n)| {
            *sum += n;
            Some(*sum)
        })
        .collect();
    html! {
        figure.chart {
            svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (W) " " (H) } role="img"
                aria-labelledby="chart-title chart-desc" width="100%" {
                title #chart-title { (p.t("pp-chart-title")) }
                desc #chart-desc { (desc) }
                g aria-hidden="true" font-family="sans-serif" font-size="12" fill="#1f1f1f" {
                    line x1=(LEFT) y1=(TOP) x2=(LEFT) y2=(TOP + plot_h) stroke="#595959" stroke-width="1" {}
                    line x1=(LEFT) y1=(TOP + plot_h) x2=(W - RIGHT) y2=(TOP + plot_h) stroke="#595959" stroke-width="1" {}
                    text x=(LEFT - 6.0) y=(TOP + 10.0) text-anchor="end" { (max) }
                    text x=(LEFT - 6.0) y=(TOP + plot_h) text-anchor="end" { "0" }
                    text x=(LEFT) y=(H - 8.0) text-anchor="start" { (dauys_core::format_date(first)) }
                    @if daily.len() > 1 {
                        text x=(W - RIGHT) y=(H - 8.0) text-anchor="end" { (dauys_core::format_date(last)) }
                    }
                }
                g fill="#2171b5" {
                    @for (i, (day, n)) in daily.iter().enumerate() {
                        @let h = plot_h * (*n as f64) / (max as f64);
                        rect x=(format!("{:.1}", LEFT + step * i as f64 + (step - bar) / 2.0)) y=(format!("{:.1}", TOP + plot_h - h))
                            width=(format!("{bar:.1}")) height=(format!("{h:.1}")) {
                            title { (dauys_core::format_date(*day)) ": " (n) }
                        }
                    }
                }
            }
            figcaption { (desc) }
        }
        details #chart-table {
            summary { (p.t("pp-chart-as-table")) }
            table.entries {
                caption { (p.t("pp-chart-title")) }
                thead { tr {
                    th scope="col" { (p.t("pp-col-day")) }
                    th scope="col" class="num" { (p.t("pp-col-signatures")) }
                    th scope="col" class="num" { (p.t("pp-col-total")) }
                } }
                tbody {
                    @for ((day, n), total) in daily.iter().zip(&totals) {
                        tr {
                            th scope="row" { (date_el(*day)) }
                            td.num { (n) }
                            td.num { (total) }
                        }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Signing and the receipt

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// POST /petitions/{id}/sign
pub async fn sign(
    State(app): State<AppState>,
    ui: UiLang,
    MaybeSession(session): MaybeSession,
    Path(raw): Path<String>,
    request: Request,
) -> Response {
    let uri = request.uri().clone();
    let p = Page::new(ui, &uri);
    let Some(pet) = find(&app, &raw) else { return not_found(&p, &raw) };
    let (parts, body) = request.into_parts();
    let address = client_ip(&app, &parts);
    let Ok(Form(form)) = Form::<CsrfOnly>::from_request(Request::from_parts(parts, body), &app).await else {
        return p.error(StatusCode::BAD_REQUEST, &p.t("pp-err-title"), &p.t("pp-err-bad-form"));
    };
    let session = match citizen_form(&p, &uri, session, &pet, &form.csrf) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let result = app.petitions.sign(&session.account, &pet.id, address).await;
    let pet = app.petitions.view().get(&pet.id).unwrap_or(pet);
    match result {
        Ok(_) => Redirect::to(&format!("{}/receipt", petition_href(&pet.id))).into_response(),
        Err(e) => {
            let status = e.status();
            let message = error_text(&p, Some(&pet), &e);
            let receipt = format!("{}/receipt", petition_href(&pet.id));
            let flash = Flash::Error(html! {
                p { (message) }
                @if matches!(e, PetitionError::AlreadySigned { .. }) {
                    p { a href=(receipt) { (p.t("pp-see-receipt")) } }
                }
                @if matches!(e, PetitionError::NotVerified) {
                    p { a #verify-link href="/verify" { (p.t("pp-verify-link")) } }
                }
            });
            let viewer = viewer(&app, Some(session), &pet).await;
            let mut response = petition_page(&app, &p, &viewer, &pet, flash, status).await;
            if matches!(e, PetitionError::RateLimited) {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
            }
            response
        }
    }
}

/// How the receipt's inclusion proof fared.
enum ProofCheck {
    /// Verified against the latest signed checkpoint.
    Verified { size: u64, root: Hash, hashes: usize, note: String },
    /// The entry is newer than the latest checkpoint.
    Pending,
    /// It did not verify, or could not be fetched: what went wrong.
    Failed(String),
}

/// Fetches the entry's inclusion proof the way the JSON API serves it, and checks it here:
/// the checkpoint's signature with the log's key, then the path from the leaf to its root.
async fn check_proof(app: &AppState, index: u64, leaf: Option<Hash>) -> ProofCheck {
    let proof = match crate::api::prove_inclusion(app, Some(index), leaf, None).await {
        Ok(proof) => proof,
        Err(e) if e.code == "not-yet-checkpointed" || e.code == "no-checkpoint" => return ProofCheck::Pending,
        Err(e) => return ProofCheck::Failed(format!("{}: {}", e.code, e.detail)),
    };
    let Some(note) = proof.checkpoint.clone() else {
        return ProofCheck::Failed("the proof names no signed checkpoint".into());
    };
    let checkpoint = match NoteVerifier::from_vkey(&app.vkey).and_then(|v| Checkpoint::open(&note, &v)) {
        Ok(c) => c,
        Err(e) => return ProofCheck::Failed(format!("checkpoint: {e}")),
    };
    if checkpoint.size != proof.tree_size {
        return ProofCheck::Failed(format!("checkpoint size {} ≠ proof size {}", checkpoint.size, proof.tree_size));
    }
    match verify_inclusion(&proof.leaf_hash, proof.index, proof.tree_size, &proof.proof, &checkpoint.root) {
        Ok(()) => {
            ProofCheck::Verified { size: checkpoint.size, root: checkpoint.root, hashes: proof.proof.len(), note }
        }
        Err(e) => ProofCheck::Failed(e.to_string()),
    }
}

/// GET /petitions/{id}/receipt — the signer's receipt and its checked inclusion proof.
pub async fn receipt(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Path(raw): Path<String>,
) -> Response {
    let p = Page::new(ui, &uri);
    let Some(pet) = find(&app, &raw) else { return not_found(&p, &raw) };
    let Some(session) = session else { return sign_in_to(&format!("{}/receipt", petition_href(&pet.id))) };
    let identity: Option<Identity> = app.people.profile(&session.account.row).ok().and_then(|x| x.identity);
    let signature = match app.petitions.signature_of(&session.account, &pet.id).await {
        Ok(s) => s,
        Err(e) => {
            let msg = error_text(&p, Some(&pet), &e);
            return p.error(e.status(), &p.t("pp-err-title"), &msg);
        }
    };
    let title = p.t("pp-receipt-title");
    let Some(sig) = signature else {
        let main = html! {
            h1 { (title) }
            p.lead #no-signature { (p.t("pp-receipt-none")) }
            p { a href=(petition_href(&pet.id)) { (partial_title(&p, &pet.title)) } }
        };
        return p.render(StatusCode::NOT_FOUND, &title, Section::Petitions, main);
    };
    // The entry itself: it must be this signature, and its hash is what the proof starts from.
    let entry = crate::api::load_entries(&app, sig.index.0, 1).await.ok().and_then(|mut v| v.pop());
    let entry_matches = entry.as_ref().is_some_and(|v| {
        matches!(&v.entry.event, Event::PetitionSigned { petition, signer, .. } if petition == &pet.id && signer == &sig.signer)
    });
    let leaf = entry.as_ref().map(|v| v.leaf_hash);
    let check = if entry_matches {
        check_proof(&app, sig.index.0, leaf).await
    } else {
        ProofCheck::Failed(format!("entry {} is not this signature", sig.index.0))
    };
    let index = sig.index.0;
    let leaf_hex = leaf.map(|h| h.to_string()).unwrap_or_default();
    let proof_json = format!("/api/v1/proof/inclusion?index={index}&hash={leaf_hex}");
    let shown_as = identity.as_ref().map(super::shown_as).unwrap_or_default();
    let here = format!("{}/receipt", petition_href(&pet.id));

    let main = html! {
        h1 { (title) }
        p.lead { (p.t("pp-receipt-lead")) }
        dl.fields #receipt {
            dt { (p.t("pp-field-petition")) } dd { a href=(petition_href(&pet.id)) { (partial_title(&p, &pet.title)) } }
            dt { (p.t("pp-field-shown-as")) } dd #shown-as { (shown_as) }
            dt { (p.t("pp-field-region")) } dd { (sig.region.name().get(p.lang)) }
            dt { (p.t("pp-field-signed-at")) } dd { (time_el(&app, sig.signed_at.0)) }
            dt { (p.t("pp-field-log-index")) } dd #log-index { a href={ "/log/" (index) } { (index) } }
            dt { (p.t("pp-field-leaf-hash")) } dd { code.hash #leaf-hash { (leaf_hex) } }
            dt { (p.t("pp-field-pseudonym")) } dd { code.hash { (sig.signer) } }
            dt { (p.t("pp-field-counted")) } dd #counted {
                @match &sig.invalidation {
                    None => { strong { (p.t("pp-counted-yes")) } }
                    Some(inv) => {
                        strong { (p.t("pp-counted-no")) } " "
                        (p.t_args("pp-invalidated-because", &[("reason", FluentValue::from(inv.reason.clone()))])) " "
                        (time_el(&app, inv.at.0)) " "
                        a href={ "/log/" (inv.index.0) } { (p.t_args("pp-log-entry", &[("index", FluentValue::from(inv.index.0))])) }
                    }
                }
            }
        }
        section #proof aria-labelledby="proof-heading" {
            h2 #proof-heading { (p.t("pp-proof-heading")) }
            @match &check {
                ProofCheck::Verified { size, root, hashes, note } => {
                    div.notice role="status" #proof-verified {
                        p { strong { (p.t("pp-proof-verified")) " ✓" } }
                        p { (p.t_args("pp-proof-verified-text", &[
                            ("index", FluentValue::from(index)),
                            ("size", FluentValue::from(*size)),
                            ("hashes", FluentValue::from(*hashes)),
                        ])) }
                    }
                    dl.fields {
                        dt { (p.t("pp-field-checkpoint-size")) } dd #checkpoint-size { (size) }
                        dt { (p.t("pp-field-checkpoint-root")) } dd { code.hash #checkpoint-root { (root) } }
                    }
                    details {
                        summary { (p.t("pp-proof-checkpoint-note")) }
                        pre { code { (note) } }
                    }
                }
                ProofCheck::Pending => {
                    p.note role="status" #proof-pending { (p.t("pp-proof-pending")) }
                    p { a href=(here) { (p.t("pp-reload")) } }
                }
                ProofCheck::Failed(why) => {
                    div.error role="alert" #proof-failed {
                        p { (p.t("pp-proof-failed")) }
                        p { code { (why) } }
                    }
                }
            }
        }
        section aria-labelledby="check-heading" {
            h2 #check-heading { (p.t("pp-check-heading")) }
            ol.steps {
                li {
                    (p.t_args("pp-check-step-entry", &[("index", FluentValue::from(index))])) " "
                    a href={ "/log/" (index) } { code { "/log/" (index) } } " · "
                    a href={ "/api/v1/entries/" (index) } { code { "/api/v1/entries/" (index) } }
                }
                li { (p.t("pp-check-step-proof")) " " a #proof-json href=(proof_json) { code { (proof_json) } } }
                li { (p.t("pp-check-step-checkpoint")) " " a href="/checkpoint" { code { "/checkpoint" } } }
                li { (p.t("pp-check-step-key")) pre { code { (app.vkey) } } }
            }
            p { (p.t("pp-check-tool")) }
            pre { code { "dauys audit " (app.config.public_url()) } }
            p { a href={ "/log/" (index) "#proof" } { (p.t("pp-check-walkthrough")) } }
        }
    };
    p.render(StatusCode::OK, &title, Section::Petitions, main)
}

// ---------------------------------------------------------------------------------------
// The author's pages

#[derive(Deserialize, Default, Clone)]
pub struct DraftFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    title_kk: String,
    #[serde(default)]
    text_kk: String,
    #[serde(default)]
    title_ru: String,
    #[serde(default)]
    text_ru: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    text_en: String,
}

impl DraftFields {
    fn of(pet: &Petition) -> DraftFields {
        let s = |t: &PartialText, l: Lang| t.get(l).unwrap_or_default().to_string();
        DraftFields {
            csrf: String::new(),
            body: pet.body.to_string(),
            level: pet.level.as_str().to_string(),
            topic: pet.topic.to_string(),
            title_kk: s(&pet.title, Lang::Kk),
            text_kk: s(&pet.text, Lang::Kk),
            title_ru: s(&pet.title, Lang::Ru),
            text_ru: s(&pet.text, Lang::Ru),
            title_en: s(&pet.title, Lang::En),
            text_en: s(&pet.text, Lang::En),
        }
    }

    fn texts(&self, lang: Lang) -> (&str, &str) {
        match lang {
            Lang::Kk => (&self.title_kk, &self.text_kk),
            Lang::Ru => (&self.title_ru, &self.text_ru),
            Lang::En => (&self.title_en, &self.text_en),
        }
    }
}

/// A problem with one field of the draft form (`field` is the input's id, or `form`).
struct FieldError {
    field: String,
    message: String,
}

/// The bodies a petition may address under the rules in force (from the projection: this
/// is an author's form, not a hot path).
async fn petitionable_bodies(app: &AppState, lang: Lang) -> Vec<Body> {
    let levels: Vec<Level> =
        app.petitions.view().rules().map(|r| r.rules.levels.iter().map(|l| l.level).collect()).unwrap_or_default();
    let mut bodies: Vec<Body> = app.petitions.view().bodies().iter().map(|b| (**b).clone()).collect();
    bodies.retain(|b| levels.iter().any(|l| l.addresses(b.kind)));
    bodies.sort_by(|a, b| a.name.get(lang).cmp(b.name.get(lang)));
    bodies
}

fn check_draft(
    app: &AppState,
    p: &Page,
    v: &DraftFields,
    bodies: &[Body],
    identity: &Identity,
    petition: Option<PetitionId>,
) -> Result<Draft, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut err = |field: &str, message: String| errors.push(FieldError { field: field.to_string(), message });
    let rules = app.petitions.view().rules();
    let body = v.body.parse::<BodyId>().ok().and_then(|id| bodies.iter().find(|b| b.id == id));
    if body.is_none() {
        err("body", p.t("pp-form-choose-body"));
    }
    let level = v.level.parse::<Level>().ok().filter(|l| rules.as_ref().is_some_and(|r| r.rules.level(*l).is_some()));
    match level {
        None => err("level", p.t("pp-form-choose-level")),
        Some(level) => {
            if let Some(b) = body {
                if !level.addresses(b.kind) {
                    err("level", p.t("pp-form-level-body"));
                }
            }
            // The service takes the territory from the author's locality; say here why it cannot.
            if level.territory_from(&identity.locality).is_err() {
                err("level", p.t("pp-form-no-district"));
            }
        }
    }
    let topic =
        v.topic.parse::<TopicCode>().ok().filter(|t| rules.as_ref().is_some_and(|r| r.rules.topic(t).is_some()));
    if topic.is_none() {
        err("topic", p.t("pp-form-choose-topic"));
    }
    let (mut title, mut text) = (PartialText::default(), PartialText::default());
    for lang in Lang::ALL {
        let (t, x) = v.texts(lang);
        let (t, x) = (t.trim(), x.replace("\r\n", "\n"));
        let x = x.trim();
        let l = lang.as_str();
        if t.is_empty() && x.is_empty() {
            continue;
        }
        if t.is_empty() {
            err(&format!("title_{l}"), p.t("pp-form-title-missing"));
        }
        if x.is_empty() {
            err(&format!("text_{l}"), p.t("pp-form-text-missing"));
        }
        if t.chars().count() > MAX_PETITION_TITLE_CHARS {
            err(
                &format!("title_{l}"),
                p.t_args("pp-form-too-long", &[("max", FluentValue::from(MAX_PETITION_TITLE_CHARS))]),
            );
        }
        if x.chars().count() > MAX_PETITION_TEXT_CHARS {
            err(
                &format!("text_{l}"),
                p.t_args("pp-form-too-long", &[("max", FluentValue::from(MAX_PETITION_TEXT_CHARS))]),
            );
        }
        // The core's rules for new text: nothing only invisible, no direction controls.
        for (field, s, multiline) in [("title", t, false), ("text", x, true)] {
            // An empty text is reported as missing above.
            let checked =
                if s.is_empty() { Ok(()) } else { dauys_core::check_new_text(field, Some(lang), s, multiline) };
            if let Err(e) = checked {
                err(&format!("{field}_{l}"), p.t(&format!("pp-err-{}", e.code().replace('_', "-"))));
            }
        }
        title.set(lang, t);
        text.set(lang, x);
    }
    if title.langs().next().is_none() && text.langs().next().is_none() {
        err("title_kk", p.t("pp-form-one-language"));
    }
    match (body, level, topic) {
        (Some(b), Some(level), Some(topic)) if errors.is_empty() => {
            Ok(Draft { petition, body: b.id.clone(), level, topic, title, text })
        }
        _ => Err(errors),
    }
}

fn field_error<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a FieldError> {
    errors.iter().find(|e| e.field == field)
}

/// `aria-describedby` of a field: its error (when it has one) and its hint.
fn described_by(errors: &[FieldError], field: &str, hint: Option<&str>) -> Option<String> {
    let mut ids: Vec<String> = Vec::new();
    if field_error(errors, field).is_some() {
        ids.push(format!("{field}-error"));
    }
    ids.extend(hint.map(str::to_string));
    (!ids.is_empty()).then(|| ids.join(" "))
}

fn error_line(errors: &[FieldError], field: &str) -> Markup {
    html! {
        @if let Some(e) = field_error(errors, field) {
            p.field-error id={ (field) "-error" } { (e.message) }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn draft_page(
    app: &AppState,
    p: &Page,
    session: &Session,
    identity: &Identity,
    bodies: &[Body],
    v: &DraftFields,
    errors: &[FieldError],
    editing: Option<&PetitionId>,
    status: StatusCode,
) -> Response {
    let rules = app.petitions.view().rules();
    let levels: Vec<Level> =
        rules.as_ref().map(|r| r.rules.levels.iter().map(|l| l.level).collect()).unwrap_or_default();
    let topics: Vec<(String, String)> = rules
        .as_ref()
        .map(|r| r.rules.topics.iter().map(|t| (t.code.to_string(), t.name.get(p.lang).to_string())).collect())
        .unwrap_or_default();
    let (title, action) = match editing {
        Some(id) => (p.t("pp-edit-title"), format!("{}/edit", petition_href(id))),
        None => (p.t("pp-new-title"), "/petitions/new".to_string()),
    };
    let invalid = |field: &str| field_error(errors, field).is_some().then_some("true");
    let home = locality_label(p.lang, &identity.locality);
    let main = html! {
        h1 { (title) }
        p.lead { (p.t("pp-new-lead")) }
        @if !errors.is_empty() {
            div.error role="alert" #form-errors {
                p { (p.t("pp-form-problems")) }
                ul {
                    @for e in errors {
                        li { a href={ "#" (e.field) } { (e.message) } }
                    }
                }
            }
        }
        form.stack #draft-form method="post" action=(action) novalidate {
            (csrf_field(&session.csrf))
            label for="body" { (p.t("pp-field-body")) }
            (error_line(errors, "body"))
            select #body name="body" required aria-invalid=[invalid("body")] aria-describedby=[described_by(errors, "body", None)] {
                option value="" { (p.t("pp-form-choose")) }
                @for b in bodies {
                    option value=(b.id.as_str()) selected[v.body == b.id.as_str()] {
                        (b.name.get(p.lang)) " (" (p.t(&format!("body-kind-{}", b.kind.as_str()))) ")"
                    }
                }
            }
            label for="level" { (p.t("pp-field-level")) }
            (error_line(errors, "level"))
            select #level name="level" required aria-invalid=[invalid("level")] aria-describedby=[described_by(errors, "level", Some("level-hint"))] {
                option value="" { (p.t("pp-form-choose")) }
                @for l in &levels {
                    option value=(l.as_str()) selected[v.level == l.as_str()] { (level_label(p.lang, *l)) }
                }
            }
            p.hint #level-hint { (p.t_args("pp-form-level-hint", &[("home", FluentValue::from(home))])) }
            label for="topic" { (p.t("pp-field-topic")) }
            (error_line(errors, "topic"))
            select #topic name="topic" required aria-invalid=[invalid("topic")] aria-describedby=[described_by(errors, "topic", None)] {
                option value="" { (p.t("pp-form-choose")) }
                @for (code, name) in &topics {
                    option value=(code) selected[&v.topic == code] { (name) }
                }
            }
            p.hint #texts-hint { (p.t("pp-form-texts-hint")) }
            @for lang in Lang::ALL {
                @let l = lang.as_str();
                @let (t, x) = v.texts(lang);
                @let tf = format!("title_{l}");
                @let xf = format!("text_{l}");
                fieldset {
                    legend lang=(l) { (p.t(&format!("lang-{l}"))) }
                    label for=(tf) { (p.t("pp-field-title")) }
                    (error_line(errors, &tf))
                    input id=(tf) name=(tf) type="text" lang=(l) value=(t) maxlength=(MAX_PETITION_TITLE_CHARS)
                        aria-invalid=[invalid(&tf)] aria-describedby=[described_by(errors, &tf, Some("texts-hint"))];
                    label for=(xf) { (p.t("pp-field-text")) }
                    (error_line(errors, &xf))
                    textarea id=(xf) name=(xf) lang=(l) rows="10" maxlength=(MAX_PETITION_TEXT_CHARS)
                        aria-invalid=[invalid(&xf)] aria-describedby=[described_by(errors, &xf, None)] { (x) }
                }
            }
            button #save-draft type="submit" { (p.t("pp-save-draft")) }
        }
        @if let Some(id) = editing {
            p { a href=(petition_href(id)) { (p.t("pp-back-to-petition")) } }
        }
    };
    p.render(status, &title, Section::Petitions, main)
}

/// The signed-in, verified author, or the page to show instead.
fn author_identity(app: &AppState, p: &Page, session: &Session) -> Result<Identity, Box<Response>> {
    let profile = app.people.profile(&session.account.row).map_err(|e| {
        let e = PetitionError::People(e);
        Box::new(p.error(e.status(), &p.t("pp-err-title"), &error_text(p, None, &e)))
    })?;
    match profile.identity {
        Some(identity) => Ok(identity),
        None => {
            let title = p.t("pp-new-title");
            let main = html! {
                h1 { (title) }
                div.error role="alert" #verify-first {
                    p { (p.t("pp-verify-to-start")) }
                    p { a #verify-link href="/verify" { (p.t("pp-verify-link")) } }
                }
            };
            Err(Box::new(p.render(StatusCode::FORBIDDEN, &title, Section::Petitions, main)))
        }
    }
}

/// GET /petitions/new
pub async fn new_form(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
) -> Response {
    let p = Page::new(ui, &uri);
    let Some(session) = session else { return sign_in_to("/petitions/new") };
    let identity = match author_identity(&app, &p, &session) {
        Ok(i) => i,
        Err(r) => return *r,
    };
    let bodies = petitionable_bodies(&app, p.lang).await;
    draft_page(&app, &p, &session, &identity, &bodies, &DraftFields::default(), &[], None, StatusCode::OK)
}

/// POST /petitions/new
pub async fn create(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Form(v): Form<DraftFields>,
) -> Response {
    let p = Page::new(ui, &uri);
    if session.is_none() {
        return sign_in_to("/petitions/new");
    }
    let session = match require_form(&p, &uri, session, None, &v.csrf) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    save_draft(&app, &p, &session, &v, None).await
}

async fn save_draft(
    app: &AppState,
    p: &Page,
    session: &Session,
    v: &DraftFields,
    editing: Option<&PetitionId>,
) -> Response {
    let identity = match author_identity(app, p, session) {
        Ok(i) => i,
        Err(r) => return *r,
    };
    let bodies = petitionable_bodies(app, p.lang).await;
    let draft = match check_draft(app, p, v, &bodies, &identity, editing.cloned()) {
        Ok(d) => d,
        Err(errors) => {
            return draft_page(
                app,
                p,
                session,
                &identity,
                &bodies,
                v,
                &errors,
                editing,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    };
    match app.petitions.draft(&session.account, draft).await {
        Ok(id) => Redirect::to(&format!("{}?done=drafted", petition_href(&id))).into_response(),
        Err(e) => {
            let errors = [FieldError { field: "draft-form".into(), message: error_text(p, None, &e) }];
            draft_page(app, p, session, &identity, &bodies, v, &errors, editing, e.status())
        }
    }
}

/// The petition, if the session's person wrote it; else the page to show instead.
fn own_petition(app: &AppState, p: &Page, session: &Session, raw: &str) -> Result<Arc<Petition>, Box<Response>> {
    let Some(pet) = find(app, raw) else { return Err(Box::new(not_found(p, raw))) };
    if app.petitions.pseudonym_of(&session.account, &pet.id).as_ref() != Some(&pet.author) {
        let e = PetitionError::Rejected(dauys_core::RuleError::NotAuthor(pet.id.to_string()));
        return Err(Box::new(p.error(StatusCode::FORBIDDEN, &p.t("pp-err-title"), &error_text(p, Some(&pet), &e))));
    }
    Ok(pet)
}

fn not_a_draft(p: &Page, pet: &Petition) -> Response {
    let title = p.t("pp-edit-title");
    let main = html! {
        h1 { (title) }
        div.error role="alert" #not-a-draft { p { (p.t("pp-edit-not-draft")) } }
        p { a href=(petition_href(&pet.id)) { (p.t("pp-back-to-petition")) } }
    };
    p.render(StatusCode::CONFLICT, &title, Section::Petitions, main)
}

/// GET /petitions/{id}/edit — the author changes a draft.
pub async fn edit_form(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Path(raw): Path<String>,
) -> Response {
    let p = Page::new(ui, &uri);
    let Some(session) = session else { return sign_in_to(uri.path()) };
    let pet = match own_petition(&app, &p, &session, &raw) {
        Ok(pet) => pet,
        Err(r) => return *r,
    };
    if pet.status != PetitionStatus::Draft {
        return not_a_draft(&p, &pet);
    }
    let identity = match author_identity(&app, &p, &session) {
        Ok(i) => i,
        Err(r) => return *r,
    };
    let bodies = petitionable_bodies(&app, p.lang).await;
    draft_page(&app, &p, &session, &identity, &bodies, &DraftFields::of(&pet), &[], Some(&pet.id), StatusCode::OK)
}

/// POST /petitions/{id}/edit
pub async fn edit(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Path(raw): Path<String>,
    Form(v): Form<DraftFields>,
) -> Response {
    let p = Page::new(ui, &uri);
    if session.is_none() {
        return sign_in_to(uri.path());
    }
    let session = match require_form(&p, &uri, session, None, &v.csrf) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let pet = match own_petition(&app, &p, &session, &raw) {
        Ok(pet) => pet,
        Err(r) => return *r,
    };
    if pet.status != PetitionStatus::Draft {
        return not_a_draft(&p, &pet);
    }
    save_draft(&app, &p, &session, &v, Some(&pet.id)).await
}

/// POST /petitions/{id}/launch — the author launches a draft (and signs it first).
pub async fn launch(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Path(raw): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    let p = Page::new(ui, &uri);
    let Some(pet) = find(&app, &raw) else { return not_found(&p, &raw) };
    let session = match citizen_form(&p, &uri, session, &pet, &form.csrf) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    match app.petitions.launch(&session.account, &pet.id).await {
        Ok(_) => Redirect::to(&format!("{}?done=launched", petition_href(&pet.id))).into_response(),
        Err(e) => action_failed(&app, &p, session, &pet.id, &e).await,
    }
}

#[derive(Deserialize)]
pub struct WithdrawFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// POST /petitions/{id}/withdraw — the author withdraws, with a reason.
pub async fn withdraw(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Path(raw): Path<String>,
    Form(form): Form<WithdrawFields>,
) -> Response {
    let p = Page::new(ui, &uri);
    let Some(pet) = find(&app, &raw) else { return not_found(&p, &raw) };
    let session = match citizen_form(&p, &uri, session, &pet, &form.csrf) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let reason = form.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        let viewer = viewer(&app, Some(session), &pet).await;
        let message = p.t_args("pp-withdraw-reason-needed", &[("max", FluentValue::from(MAX_REASON_CHARS))]);
        let flash = Flash::Error(html! { p { (message) } });
        return petition_page(&app, &p, &viewer, &pet, flash, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match app.petitions.withdraw(&session.account, &pet.id, reason).await {
        Ok(_) => Redirect::to(&format!("{}?done=withdrawn", petition_href(&pet.id))).into_response(),
        Err(e) => action_failed(&app, &p, session, &pet.id, &e).await,
    }
}

/// The petition page again, with the failure's message on top.
async fn action_failed(app: &AppState, p: &Page, session: Session, id: &PetitionId, e: &PetitionError) -> Response {
    let Some(pet) = app.petitions.view().get(id) else { return not_found(p, id.as_str()) };
    let flash = Flash::Error(html! { p { (error_text(p, Some(&pet), e)) } });
    let viewer = viewer(app, Some(session), &pet).await;
    petition_page(app, p, &viewer, &pet, flash, e.status()).await
}

/// What the author does or waits for next.
fn next_step(p: &Page, app: &AppState, pet: &Petition, now: u64) -> String {
    match pet.status {
        PetitionStatus::Draft => p.t("pp-next-draft"),
        PetitionStatus::Gathering | PetitionStatus::Moderation => deadline(p, app, pet, now).unwrap_or_default(),
        PetitionStatus::Open if pet.threshold_reached_at.is_some() => p.t("pp-next-threshold"),
        PetitionStatus::Open => deadline(p, app, pet, now).unwrap_or_default(),
        PetitionStatus::Closed => match &pet.obligation {
            Some(o) if o.answer.is_some() => p.t("pp-next-answered"),
            Some(o) => p.t_args("pp-next-awaiting", &[("date", FluentValue::from(dauys_core::format_date(o.due)))]),
            None => p.t("pp-next-closed"),
        },
        PetitionStatus::Rejected => p.t("pp-next-rejected"),
        PetitionStatus::Withdrawn | PetitionStatus::Expired => p.t("pp-next-none"),
    }
}

/// GET /me/petitions — the petitions the signed-in person wrote.
pub async fn mine(State(app): State<AppState>, ui: UiLang, uri: Uri, MaybeSession(session): MaybeSession) -> Response {
    let p = Page::new(ui, &uri);
    let Some(session) = session else { return sign_in_to("/me/petitions") };
    let verified = session.account.row.person.is_some();
    let petitions = app.petitions.authored_by(&session.account);
    let now = now_ms();
    let title = p.t("pp-mine-title");
    let main = html! {
        h1 { (title) }
        p { a href="/petitions/new" { (p.t("pp-start")) } }
        @if !verified {
            div.notice #verify-first {
                p { (p.t("pp-verify-to-start")) " " a href="/verify" { (p.t("pp-verify-link")) } }
            }
        }
        @if petitions.is_empty() {
            p #mine-empty { (p.t("pp-mine-empty")) }
        } @else {
            table.entries #my-petitions {
                caption { (p.t("pp-mine-caption")) }
                thead { tr {
                    th scope="col" { (p.t("pp-col-petition")) }
                    th scope="col" { (p.t("pp-col-status")) }
                    th scope="col" class="num" { (p.t("pp-col-signatures")) }
                    th scope="col" { (p.t("pp-col-next")) }
                } }
                tbody {
                    @for pet in &petitions {
                        tr data-petition=(pet.id.as_str()) {
                            th scope="row" data-label=(p.t("pp-col-petition")) { a href=(petition_href(&pet.id)) { (partial_title(&p, &pet.title)) } }
                            td data-label=(p.t("pp-col-status")) { (status_label(&p, pet.status)) }
                            td.num data-label=(p.t("pp-col-signatures")) { (num(p.lang, pet.signatures)) " / " (num(p.lang, pet.terms.threshold)) }
                            td data-label=(p.t("pp-col-next")) {
                                (next_step(&p, &app, pet, now))
                                @if pet.status == PetitionStatus::Draft {
                                    " " a href={ (petition_href(&pet.id)) "/edit" } { (p.t("pp-edit")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    p.render(StatusCode::OK, &title, Section::Account, main)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_per_language() {
        assert_eq!(num(Lang::En, 0), "0");
        assert_eq!(num(Lang::En, 999), "999");
        assert_eq!(num(Lang::En, 50_000), "50,000");
        assert_eq!(num(Lang::Ru, 1_234_567), "1\u{a0}234\u{a0}567");
    }

    #[test]
    fn days_left_counts_a_started_day() {
        assert_eq!(days_left(Timestamp(DAY_MS * 2), 0), Some(2));
        assert_eq!(days_left(Timestamp(DAY_MS * 2), 1), Some(2));
        assert_eq!(days_left(Timestamp(DAY_MS * 2), DAY_MS + 1), Some(1));
        assert_eq!(days_left(Timestamp(DAY_MS), DAY_MS), None);
    }
}
