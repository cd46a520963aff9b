//! The petitions' machine interface: the list, the open-data document of one petition, the
//! count, signing with a receipt, one signature with its inclusion proof, the CSV export,
//! and the session a script needs to sign (its CSRF token). The Atom feeds are in
//! [`super::feeds`]; their routes are merged here.
//!
//! Everything except a signature row is read from the in-memory [`PetitionsView`]
//! (`super::view`), never from the database: the count endpoint in particular is what tens of
//! thousands of pages poll, so it takes one read lock, writes a few dozen bytes and is done.
//!
//! What it is not: the place for rules (they are in `dauys-core`) or for who may sign (that
//! is [`super::Petitions`]); handlers translate HTTP to those calls.

use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, Extensions, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use dauys_core::{
    format_date, AccountId, BodyId, BodyKind, Decision, Lang, Level, Locality, LocalizedText, ObligationStatus,
    PartialText, Petition, PetitionId, PetitionStatus, Pseudonym, Region, Rejection, Terms, Timestamp, TopicCode,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::view::{ListQuery, PetitionsView, Sort};
use super::{PetitionError, SignReceipt};
use crate::api::{prove_inclusion, ApiQuery, InclusionProof, ScriptSession};
use crate::i18n::UiLang;
use crate::people::session::MaybeSession;
use crate::problem::Problem;
use crate::AppState;

/// Longest search text accepted by the list.
const MAX_QUERY_CHARS: usize = 200;
/// How long a count, a document or a list page may be cached.
const SHORT_CACHE: &str = "public, max-age=1";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/petitions", get(list))
        .route("/api/v1/petitions.csv", get(csv_export))
        .route("/api/v1/petitions/{id}", get(document))
        .route("/api/v1/petitions/{id}/count", get(count))
        .route("/api/v1/petitions/{id}/signatures", post(sign))
        .route("/api/v1/petitions/{id}/signatures/{signer}", get(signature))
        .route("/api/v1/me/session", get(me_session))
        .merge(super::feeds::routes())
}

// ---------------------------------------------------------------------------------------
// Links and small conversions shared with the feeds.

/// The petition's HTML page.
pub(crate) fn html_path(id: &PetitionId) -> String {
    format!("/petitions/{id}")
}

fn api_path(id: &PetitionId) -> String {
    format!("/api/v1/petitions/{id}")
}

fn entry_path(index: u64) -> String {
    format!("/api/v1/entries/{index}")
}

fn rfc3339(t: Timestamp) -> String {
    t.to_rfc3339()
}

/// A petition by the id in a path; an id that is not even well-formed is simply unknown.
pub(crate) fn petition_by_path(app: &AppState, id: &str, lang: Lang) -> Result<Arc<Petition>, Problem> {
    PetitionId::from_str(id)
        .ok()
        .and_then(|id| app.capabilities.petitions.view().get(&id))
        .ok_or_else(|| unknown_petition(id).in_lang(lang))
}

fn unknown_petition(id: &str) -> Problem {
    let shown: String = id.chars().take(80).collect();
    Problem::new(StatusCode::NOT_FOUND, "petition-not-found", format!("there is no petition {shown:?}"))
}

/// A petition operation's failure as a problem: the error's stable code is the type's
/// suffix, its status the HTTP status.
fn petition_problem(e: &PetitionError, lang: Lang) -> Response {
    let mut problem = Problem::new(e.status(), e.code(), e.to_string()).in_lang(lang);
    let mut extensions = Map::new();
    match e {
        PetitionError::RateLimited => problem = problem.retry_after(60),
        PetitionError::Ledger(crate::sequencer::SubmitError::Busy) => problem = problem.retry_after(1),
        PetitionError::Ledger(_) => problem = problem.retry_after(5),
        PetitionError::AlreadySigned { signature: Some(s) } => {
            extensions.insert("index".into(), Value::from(s.index.0));
            extensions.insert(
                "signature".into(),
                json!({
                    "petition": s.petition,
                    "signer": s.signer,
                    "index": s.index.0,
                    "signed_at": rfc3339(s.signed_at),
                    "href": signature_path(&s.petition, &s.signer),
                }),
            );
        }
        PetitionError::Internal(detail) => {
            tracing::error!(error = %detail, "petition operation failed");
            problem.detail = "an internal error occurred; it has been logged".into();
        }
        _ => {}
    }
    problem.with_members(extensions)
}

fn signature_path(petition: &PetitionId, signer: &Pseudonym) -> String {
    format!("/api/v1/petitions/{petition}/signatures/{signer}")
}

fn with_cache(mut response: Response, cache: &'static str) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

// ---------------------------------------------------------------------------------------
// The list.

/// `GET /api/v1/petitions` query. Every value is text, checked here so a wrong one gets a
/// problem naming the parameter and what it may be; `lang` picks the problem's language.
#[derive(Deserialize, Default)]
pub struct ListParams {
    q: Option<String>,
    status: Option<String>,
    level: Option<String>,
    body: Option<String>,
    region: Option<String>,
    topic: Option<String>,
    answer: Option<String>,
    sort: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

fn invalid(
    lang: Lang,
    parameter: &'static str,
    value: &str,
    expected: &str,
    allowed: Option<Vec<String>>,
) -> Box<Response> {
    let shown: String = value.chars().take(80).collect();
    let detail = match &allowed {
        Some(list) => format!("{parameter}: {shown:?} is not one of: {}", list.join(", ")),
        None => format!("{parameter}: {shown:?} is not {expected}"),
    };
    let mut extensions = Map::new();
    extensions.insert("parameter".into(), Value::String(parameter.into()));
    match allowed {
        Some(list) => extensions.insert("allowed".into(), Value::from(list)),
        None => extensions.insert("expected".into(), Value::String(expected.into())),
    };
    Box::new(Problem::bad_request("invalid-parameter", detail).in_lang(lang).with_members(extensions))
}

/// A present, non-blank parameter (a form submits empty fields as `name=`).
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn codes<T>(all: impl IntoIterator<Item = T>, code: impl Fn(&T) -> &str) -> Vec<String> {
    all.into_iter().map(|x| code(&x).to_owned()).collect()
}

fn parse_list(params: &ListParams, view: &PetitionsView, lang: Lang) -> Result<ListQuery, Box<Response>> {
    let mut q = ListQuery { page: 1, per_page: ListQuery::DEFAULT_PER_PAGE, ..ListQuery::default() };
    if let Some(text) = given(&params.q) {
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(invalid(lang, "q", text, &format!("at most {MAX_QUERY_CHARS} characters long"), None));
        }
        q.text = Some(text.to_owned());
    }
    if let Some(s) = given(&params.status) {
        // Drafts and petitions still gathering supporters are never listed.
        let public = PetitionStatus::ALL.into_iter().filter(PetitionStatus::is_public);
        let status = PetitionStatus::from_str(s).ok().filter(PetitionStatus::is_public);
        q.status = Some(status.ok_or_else(|| invalid(lang, "status", s, "", Some(codes(public, |x| x.as_str()))))?);
    }
    if let Some(s) = given(&params.level) {
        let level = Level::from_str(s).ok();
        q.level = Some(level.ok_or_else(|| invalid(lang, "level", s, "", Some(codes(Level::ALL, |x| x.as_str()))))?);
    }
    if let Some(s) = given(&params.body) {
        let expected = "a body identifier: [a-z0-9][a-z0-9-]{0,63}, e.g. akimat-astana";
        q.body = Some(BodyId::from_str(s).map_err(|_| invalid(lang, "body", s, expected, None))?);
    }
    if let Some(s) = given(&params.region) {
        let region = Region::from_str(s).ok();
        q.region = Some(region.ok_or_else(|| invalid(lang, "region", s, "", Some(codes(Region::ALL, |r| r.code()))))?);
    }
    if let Some(s) = given(&params.topic) {
        let published: Vec<String> =
            view.rules().map(|r| r.rules.topics.iter().map(|t| t.code.to_string()).collect()).unwrap_or_default();
        let known = |t: &TopicCode| published.is_empty() || published.iter().any(|p| p == t.as_str());
        let topic = TopicCode::from_str(s).ok().filter(known);
        q.topic = Some(topic.ok_or_else(|| invalid(lang, "topic", s, "a topic code", Some(published.clone())))?);
    }
    if let Some(s) = given(&params.answer) {
        let answer = ObligationStatus::ALL.into_iter().find(|a| a.as_str() == s);
        q.answer = Some(
            answer.ok_or_else(|| invalid(lang, "answer", s, "", Some(codes(ObligationStatus::ALL, |a| a.as_str()))))?,
        );
    }
    if let Some(s) = given(&params.sort) {
        let sort = Sort::parse(s);
        q.sort = sort.ok_or_else(|| invalid(lang, "sort", s, "", Some(codes(Sort::ALL, |x| x.as_str()))))?;
    }
    if let Some(s) = given(&params.page) {
        let page = s.parse().ok().filter(|n: &usize| *n >= 1);
        q.page = page.ok_or_else(|| invalid(lang, "page", s, "a whole number from 1", None))?;
    }
    if let Some(s) = given(&params.per_page) {
        let expected = format!("a whole number from 1 to {}", ListQuery::MAX_PER_PAGE);
        let per_page = s.parse().ok().filter(|n| (1..=ListQuery::MAX_PER_PAGE).contains(n));
        q.per_page = per_page.ok_or_else(|| invalid(lang, "per_page", s, &expected, None))?;
    }
    Ok(q)
}

#[derive(Serialize)]
struct Links {
    #[serde(rename = "self")]
    api: String,
    html: String,
    count: String,
    feed: String,
}

fn links(id: &PetitionId) -> Links {
    Links {
        api: api_path(id),
        html: html_path(id),
        count: format!("/api/v1/petitions/{id}/count"),
        feed: format!("/feeds/petitions/{id}.atom"),
    }
}

#[derive(Serialize)]
struct ObligationSummary<'a> {
    body: &'a BodyId,
    status: &'static str,
    due: String,
}

/// A petition in a list.
#[derive(Serialize)]
struct Summary<'a> {
    id: &'a PetitionId,
    title: &'a PartialText,
    body: &'a BodyId,
    level: Level,
    territory: Option<&'a Locality>,
    topic: &'a TopicCode,
    status: PetitionStatus,
    signatures: u64,
    threshold: u64,
    progress_percent: u8,
    opened_at: Option<String>,
    closes_at: Option<String>,
    threshold_reached_at: Option<String>,
    obligation: Option<ObligationSummary<'a>>,
    links: Links,
}

fn summary(p: &Petition) -> Summary<'_> {
    Summary {
        id: &p.id,
        title: &p.title,
        body: &p.body,
        level: p.level,
        territory: p.territory.as_ref(),
        topic: &p.topic,
        status: p.status,
        signatures: p.signatures,
        threshold: p.terms.threshold,
        progress_percent: p.progress_percent(),
        opened_at: p.opened_at().map(rfc3339),
        closes_at: p.closes_at.map(rfc3339),
        threshold_reached_at: p.threshold_reached_at.map(rfc3339),
        obligation: p.obligation.as_ref().map(|o| ObligationSummary {
            body: &o.body,
            status: o.status.as_str(),
            due: format_date(o.due),
        }),
        links: links(&p.id),
    }
}

#[derive(Serialize)]
struct ListJson<'a> {
    items: Vec<Summary<'a>>,
    total: usize,
    page: usize,
    per_page: usize,
    pages: usize,
}

/// GET /api/v1/petitions — public petitions, filtered, sorted and paginated as on the page.
async fn list(
    State(app): State<AppState>,
    UiLang { lang, .. }: UiLang,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Response {
    let view = app.capabilities.petitions.view();
    let q = match parse_list(&params, view, lang) {
        Ok(q) => q,
        Err(problem) => return *problem,
    };
    let page = view.list(&q);
    let body = ListJson {
        items: page.items.iter().map(|p| summary(p)).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        pages: page.pages(),
    };
    with_cache(Json(body).into_response(), SHORT_CACHE)
}

// ---------------------------------------------------------------------------------------
// The open-data document.

/// The registered body, if it is (from the in-memory read model).
pub(crate) fn body_info(app: &AppState, body: &BodyId) -> Option<Arc<dauys_core::Body>> {
    app.deployment.body(body)
}

#[derive(Serialize)]
struct BodyJson<'a> {
    id: &'a BodyId,
    /// `null` while the body's registration is not readable.
    name: Option<&'a LocalizedText>,
    kind: Option<BodyKind>,
}

#[derive(Serialize)]
struct TopicJson<'a> {
    code: &'a TopicCode,
    name: Option<&'a LocalizedText>,
}

/// Valid signatures in every region, zeros included, in the regions' published order.
struct ByRegion<'a>(&'a std::collections::BTreeMap<Region, u64>);

impl Serialize for ByRegion<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(Region::ALL.len()))?;
        for r in Region::ALL {
            map.serialize_entry(r.code(), &self.0.get(&r).copied().unwrap_or(0))?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct TransitionJson<'a> {
    event: &'a str,
    status: PetitionStatus,
    /// The staff member who acted; `null` when the author or the rules did.
    by: Option<&'a AccountId>,
    at: String,
    index: u64,
    entry: String,
}

#[derive(Serialize)]
struct Deadlines {
    gathering_ends_at: Option<String>,
    moderation_due: Option<String>,
    /// When the rules recorded that moderators missed `moderation_due`.
    moderation_overdue_at: Option<String>,
    closes_at: Option<String>,
}

#[derive(Serialize)]
struct ObligationJson<'a> {
    body: &'a BodyId,
    status: &'static str,
    due: String,
    due_at: String,
    opened_at: String,
    overdue_at: Option<String>,
    index: u64,
    entry: String,
}

#[derive(Serialize)]
struct AnswerJson<'a> {
    by: &'a AccountId,
    decision: Decision,
    answer: &'a PartialText,
    discussion: &'a PartialText,
    head_statement: &'a PartialText,
    answered_at: String,
    /// Answered before the end of the due day.
    on_time: bool,
    index: u64,
    entry: String,
}

#[derive(Serialize)]
struct DocumentLinks {
    #[serde(flatten)]
    links: Links,
    /// Every log entry this document is folded from (signatures aside), oldest first.
    log_entries: Vec<String>,
    rules: String,
}

/// A petition as open data.
#[derive(Serialize)]
struct Document<'a> {
    id: &'a PetitionId,
    /// The author's pseudonym for this petition (the log never names them).
    author: &'a Pseudonym,
    title: &'a PartialText,
    text: &'a PartialText,
    body: BodyJson<'a>,
    level: Level,
    territory: Option<&'a Locality>,
    topic: TopicJson<'a>,
    status: PetitionStatus,
    listed: bool,
    terms: &'a Terms,
    signatures: u64,
    invalidated: u64,
    progress_percent: u8,
    by_region: ByRegion<'a>,
    drafted_at: String,
    opened_at: Option<String>,
    transitions: Vec<TransitionJson<'a>>,
    deadlines: Deadlines,
    threshold_reached_at: Option<String>,
    obligation: Option<ObligationJson<'a>>,
    answer: Option<AnswerJson<'a>>,
    rejection: Option<&'a Rejection>,
    withdrawal_reason: Option<&'a str>,
    links: DocumentLinks,
}

fn document_of<'a>(
    p: &'a Petition,
    body: Option<&'a dauys_core::Body>,
    rules: Option<&'a dauys_core::PublishedRules>,
) -> Document<'a> {
    let topic_name = rules.and_then(|r| r.rules.topic(&p.topic)).map(|t| &t.name);
    let mut log_entries: Vec<u64> = std::iter::once(p.index.0)
        .chain(p.transitions.iter().map(|t| t.index.0))
        .chain(p.obligation.iter().map(|o| o.index.0))
        .chain(p.obligation.iter().filter_map(|o| o.answer.as_ref()).map(|a| a.index.0))
        .collect();
    log_entries.sort_unstable();
    log_entries.dedup();
    Document {
        id: &p.id,
        author: &p.author,
        title: &p.title,
        text: &p.text,
        body: BodyJson { id: &p.body, name: body.map(|b| &b.name), kind: body.map(|b| b.kind) },
        level: p.level,
        territory: p.territory.as_ref(),
        topic: TopicJson { code: &p.topic, name: topic_name },
        status: p.status,
        listed: p.status.is_public(),
        terms: &p.terms,
        signatures: p.signatures,
        invalidated: p.invalidated,
        progress_percent: p.progress_percent(),
        by_region: ByRegion(&p.by_region),
        drafted_at: rfc3339(p.drafted_at),
        opened_at: p.opened_at().map(rfc3339),
        transitions: p
            .transitions
            .iter()
            .map(|t| TransitionJson {
                event: &t.event,
                status: t.status,
                by: t.by.as_ref(),
                at: rfc3339(t.at),
                index: t.index.0,
                entry: entry_path(t.index.0),
            })
            .collect(),
        deadlines: Deadlines {
            gathering_ends_at: p.gathering_ends_at.map(rfc3339),
            moderation_due: p.moderation_due.map(format_date),
            moderation_overdue_at: p.moderation_overdue_at.map(rfc3339),
            closes_at: p.closes_at.map(rfc3339),
        },
        threshold_reached_at: p.threshold_reached_at.map(rfc3339),
        obligation: p.obligation.as_ref().map(|o| ObligationJson {
            body: &o.body,
            status: o.status.as_str(),
            due: format_date(o.due),
            due_at: rfc3339(o.due_at),
            opened_at: rfc3339(o.opened_at),
            overdue_at: o.overdue_at.map(rfc3339),
            index: o.index.0,
            entry: entry_path(o.index.0),
        }),
        answer: p.obligation.as_ref().and_then(|o| {
            o.answer.as_ref().map(|a| AnswerJson {
                by: &a.by,
                decision: a.decision,
                answer: &a.answer,
                discussion: &a.discussion,
                head_statement: &a.head_statement,
                answered_at: rfc3339(a.answered_at),
                on_time: a.answered_at < o.due_at,
                index: a.index.0,
                entry: entry_path(a.index.0),
            })
        }),
        rejection: p.rejection.as_ref(),
        withdrawal_reason: p.withdrawal_reason.as_deref(),
        links: DocumentLinks {
            links: links(&p.id),
            log_entries: log_entries.into_iter().map(entry_path).collect(),
            rules: entry_path(p.terms.rules_index.0),
        },
    }
}

/// GET /api/v1/petitions/{id} — the open-data document (drafts and gathering petitions too:
/// they are reachable by link, only never listed).
async fn document(State(app): State<AppState>, UiLang { lang, .. }: UiLang, Path(id): Path<String>) -> Response {
    let p = match petition_by_path(&app, &id, lang) {
        Ok(p) => p,
        Err(problem) => return problem.into_response(),
    };
    let body = body_info(&app, &p.body);
    let rules = app.capabilities.petitions.view().rules();
    let doc = document_of(&p, body.as_deref(), rules.as_deref());
    with_cache(Json(doc).into_response(), SHORT_CACHE)
}

// ---------------------------------------------------------------------------------------
// The count: the hottest endpoint.

/// Does `If-None-Match` name `etag` (weak comparison, as RFC 9110 asks for this header)?
fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').map(str::trim).any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag))
}

/// GET /api/v1/petitions/{id}/count — `{petition, signatures, threshold, status,
/// as_of_log_size}`: one read lock, two small buffers, no database.
async fn count(
    State(app): State<AppState>,
    UiLang { lang, .. }: UiLang,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let found = PetitionId::from_str(&id).ok().and_then(|id| app.capabilities.petitions.view().get_as_of(&id));
    let Some((p, size)) = found else { return unknown_petition(&id).in_lang(lang).into_response() };
    let (signatures, threshold, status) = (p.signatures, p.terms.threshold, p.status.as_str());
    // The body is a function of exactly these values (the id is the URL's), so they make a
    // strong validator.
    let mut etag = String::with_capacity(64);
    let _ = write!(etag, "\"{signatures}-{threshold}-{status}-{size}\"");
    let etag = HeaderValue::from_maybe_shared(Bytes::from(etag)).unwrap_or(HeaderValue::from_static("\"\""));
    let fresh = etag.to_str().is_ok_and(|tag| not_modified(&headers, tag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        // Petition ids are slugs ([a-z0-9-]), so they need no JSON escaping.
        let mut body = String::with_capacity(160);
        let _ = write!(
            body,
            r#"{{"petition":"{}","signatures":{signatures},"threshold":{threshold},"status":"{status}","as_of_log_size":{size}}}"#,
            p.id
        );
        let mut r = Response::new(Body::from(body));
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        r
    };
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(SHORT_CACHE));
    h.insert(header::ETAG, etag);
    response
}

// ---------------------------------------------------------------------------------------
// Signing.

fn sign_in_first(lang: Lang) -> Response {
    Problem::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "sign in first: this request needs the dauys_session cookie of a live session",
    )
    .in_lang(lang)
    .into_response()
}

/// The receipt as the API returns it: where the signature is in the log, and how to prove it.
#[derive(Serialize)]
struct ReceiptJson<'a> {
    petition: &'a PetitionId,
    signer: &'a Pseudonym,
    shown_as: &'a str,
    region: Region,
    index: u64,
    leaf_hash: &'a str,
    timestamp: String,
    /// The inclusion proof of the entry in the smallest tree that holds it; it answers as
    /// soon as a checkpoint covers the entry (within the checkpoint interval).
    proof: String,
    /// The signature as the projection keeps it, with a proof against the latest checkpoint.
    signature: String,
}

fn receipt_json(r: &SignReceipt) -> ReceiptJson<'_> {
    ReceiptJson {
        petition: &r.petition,
        signer: &r.signer,
        shown_as: &r.shown_as,
        region: r.region,
        index: r.index,
        leaf_hash: &r.leaf_hash,
        timestamp: rfc3339(r.timestamp),
        proof: format!("/api/v1/proof/inclusion?index={}&size={}", r.index, r.index + 1),
        signature: signature_path(&r.petition, &r.signer),
    }
}

/// POST /api/v1/petitions/{id}/signatures — signs as the session's person. Needs the
/// session cookie and the session's CSRF token in `X-CSRF-Token`.
async fn sign(
    State(app): State<AppState>,
    UiLang { lang, .. }: UiLang,
    ScriptSession(session): ScriptSession,
    Path(id): Path<String>,
    extensions: Extensions,
) -> Response {
    let Ok(petition) = PetitionId::from_str(&id) else { return unknown_petition(&id).in_lang(lang).into_response() };
    let address =
        extensions.get::<ConnectInfo<SocketAddr>>().map_or(IpAddr::from([127, 0, 0, 1]), |ConnectInfo(a)| a.ip());
    match app.capabilities.petitions.sign(&session.account, &petition, address).await {
        Ok(receipt) => {
            let mut response = (StatusCode::CREATED, Json(receipt_json(&receipt))).into_response();
            if let Ok(location) = HeaderValue::from_str(&signature_path(&receipt.petition, &receipt.signer)) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            with_cache(response, "no-store")
        }
        Err(e) => petition_problem(&e, lang),
    }
}

#[derive(Serialize)]
struct InvalidationJson<'a> {
    by: &'a AccountId,
    reason: &'a str,
    at: String,
    index: u64,
}

#[derive(Serialize)]
struct SignatureLinks {
    petition: String,
    entry: String,
    proof: String,
}

#[derive(Serialize)]
struct SignatureJson<'a> {
    petition: &'a PetitionId,
    signer: &'a Pseudonym,
    region: Region,
    signed_at: String,
    index: u64,
    /// Counted unless a moderator invalidated it.
    counted: bool,
    invalidation: Option<InvalidationJson<'a>>,
    /// The entry's inclusion proof against the latest checkpoint (which it carries);
    /// `null` until a checkpoint covers the entry.
    inclusion: Option<InclusionProof>,
    links: SignatureLinks,
}

/// GET /api/v1/petitions/{id}/signatures/{signer} — one signature, with its proof.
async fn signature(
    State(app): State<AppState>,
    UiLang { lang, .. }: UiLang,
    Path((id, signer)): Path<(String, String)>,
) -> Response {
    let p = match petition_by_path(&app, &id, lang) {
        Ok(p) => p,
        Err(problem) => return problem.into_response(),
    };
    let no_signature = || {
        let shown: String = signer.chars().take(80).collect();
        Problem::new(
            StatusCode::NOT_FOUND,
            "signature-not-found",
            format!("petition {} has no signature by {shown:?}", p.id),
        )
        .in_lang(lang)
        .into_response()
    };
    let Ok(pseudonym) = Pseudonym::from_str(&signer) else { return no_signature() };
    let s = match app.capabilities.petitions.signature(&p.id, &pseudonym).await {
        Ok(Some(s)) => s,
        Ok(None) => return no_signature(),
        Err(e) => return petition_problem(&e, lang),
    };
    let inclusion = match prove_inclusion(&app, Some(s.index.0), None, None).await {
        Ok(proof) => Some(proof),
        Err(problem) if matches!(problem.code, "not-yet-checkpointed" | "no-checkpoint") => None,
        Err(problem) => return problem.in_lang(lang).into_response(),
    };
    let body = SignatureJson {
        petition: &s.petition,
        signer: &s.signer,
        region: s.region,
        signed_at: rfc3339(s.signed_at),
        index: s.index.0,
        counted: s.invalidation.is_none(),
        invalidation: s.invalidation.as_ref().map(|i| InvalidationJson {
            by: &i.by,
            reason: &i.reason,
            at: rfc3339(i.at),
            index: i.index.0,
        }),
        inclusion,
        links: SignatureLinks {
            petition: api_path(&s.petition),
            entry: entry_path(s.index.0),
            proof: format!("/api/v1/proof/inclusion?index={}", s.index.0),
        },
    };
    with_cache(Json(body).into_response(), "no-cache")
}

// ---------------------------------------------------------------------------------------
// The session a script signs with.

#[derive(Serialize)]
struct SessionJson<'a> {
    account: &'a AccountId,
    /// Echo it in `X-CSRF-Token` on every state-changing request of this session.
    csrf: &'a str,
    /// Whether the account's identity is verified (only verified people may sign).
    verified: bool,
}

/// GET /api/v1/me/session — the cookie's session: account, CSRF token, verified or not.
async fn me_session(
    State(app): State<AppState>,
    UiLang { lang, .. }: UiLang,
    MaybeSession(session): MaybeSession,
) -> Response {
    let Some(session) = session else { return sign_in_first(lang) };
    let verified = app.people.profile(&session.account.row).is_ok_and(|p| p.identity.is_some());
    let body = SessionJson { account: &session.account.id, csrf: &session.csrf, verified };
    with_cache(Json(body).into_response(), "no-store")
}

// ---------------------------------------------------------------------------------------
// CSV.

const CSV_HEADER: [&str; 16] = [
    "id",
    "title_kk",
    "title_ru",
    "title_en",
    "body",
    "level",
    "territory",
    "topic",
    "status",
    "signatures",
    "threshold",
    "opened_at",
    "closes_at",
    "obligation_status",
    "obligation_due",
    "answered_at",
];

/// A cell of text someone typed, made safe to open in a spreadsheet (OWASP, "CSV
/// Injection"): Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return as a formula — `=HYPERLINK(…)` in a petition's title
/// would become a link in the reader's sheet. Such a cell gets a leading `'`, which
/// spreadsheets read as "this is text" and do not show.
///
/// Only free text goes through here: the other cells are slugs (`[a-z0-9]…`), enum values,
/// counts and dates, which never start with those characters, and counts must stay numbers.
fn text_cell(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

fn csv_bytes(petitions: &[Arc<Petition>]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    w.write_record(CSV_HEADER)?;
    for p in petitions.iter().filter(|p| p.status.is_public()) {
        let answer = p.obligation.as_ref().and_then(|o| o.answer.as_ref());
        let title = |lang| text_cell(p.title.get(lang).unwrap_or(""));
        w.write_record([
            p.id.as_str(),
            &title(Lang::Kk),
            &title(Lang::Ru),
            &title(Lang::En),
            p.body.as_str(),
            p.level.as_str(),
            &p.territory.as_ref().map(ToString::to_string).unwrap_or_default(),
            p.topic.as_str(),
            p.status.as_str(),
            &p.signatures.to_string(),
            &p.terms.threshold.to_string(),
            &p.opened_at().map(rfc3339).unwrap_or_default(),
            &p.closes_at.map(rfc3339).unwrap_or_default(),
            p.obligation.as_ref().map_or("", |o| o.status.as_str()),
            &p.obligation.as_ref().map(|o| format_date(o.due)).unwrap_or_default(),
            &answer.map(|a| rfc3339(a.answered_at)).unwrap_or_default(),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// GET /api/v1/petitions.csv — every public petition, newest drafted first (RFC 4180).
async fn csv_export(State(app): State<AppState>, UiLang { lang, .. }: UiLang) -> Response {
    match csv_bytes(&app.capabilities.petitions.view().all()) {
        Ok(bytes) => {
            let mut r = bytes.into_response();
            let h = r.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8; header=present"));
            h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"petitions.csv\""));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
            r
        }
        Err(e) => Problem::internal(e).in_lang(lang).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::text_cell;

    #[test]
    fn text_cells_that_a_spreadsheet_would_run_are_quoted() {
        for (typed, written) in [
            ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
        ] {
            assert_eq!(text_cell(typed), written);
        }
        for plain in ["Автобус жолақтары", "Bus lanes = faster", "1+1", "", "'quoted"] {
            assert_eq!(text_cell(plain), plain);
        }
    }
}
