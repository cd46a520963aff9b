//! The appeals' machine interface: filing (with a receipt and its inclusion proof), the list
//! and the document of public appeals, every body's record (the figures `dauys audit`
//! recomputes), the CSV of public appeals, and the deadline calculator.
//!
//! Reads come from the in-memory [`super::view::AppealsView`] and the deployment's view,
//! never from the database. Filing is a person's act: it needs a live session and its CSRF
//! token, like signing a petition. Files come in the filing's JSON, in base64; the filing
//! route alone accepts a body large enough for them.

use std::str::FromStr;

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use dauys_core::{
    format_date, parse_date, Appeal, AppealId, AppealKind, BodyId, BodyRecord, Lang, Locality, PartialText, TopicCode,
    Visibility,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{AppealError, Filing, Upload, API_FILING_BODY_BYTES};
use crate::api::{prove_inclusion, ApiJson, ApiQuery, ScriptSession};
use crate::i18n::UiLang;

use crate::problem::Problem;
use crate::AppState;

/// Most appeals one list page holds.
const MAX_PER_PAGE: usize = 100;
/// Most working days the calculator counts.
pub(crate) const MAX_CALCULATOR_DAYS: u32 = 250;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/appeals", get(list).merge(post(file).layer(DefaultBodyLimit::max(API_FILING_BODY_BYTES))))
        .route("/api/v1/appeals.csv", get(csv_export))
        .route("/api/v1/appeals/{id}", get(document))
        .route("/api/v1/bodies", get(bodies))
        .route("/api/v1/bodies/{id}", get(body))
        .route("/api/v1/deadline", get(deadline))
}

/// An appeal operation's failure as a problem.
pub(crate) fn appeal_problem(e: &AppealError, lang: Lang) -> Response {
    let mut problem = Problem::new(e.status(), e.code(), e.to_string()).in_lang(lang);
    if let AppealError::RateLimited = e {
        problem = problem.retry_after(60);
    } else if let AppealError::Ledger(crate::sequencer::SubmitError::Busy) = e {
        problem = problem.retry_after(1);
    } else if let AppealError::Ledger(_) = e {
        problem = problem.retry_after(5);
    }
    problem.into_response()
}

fn unknown_appeal(id: &str, lang: Lang) -> Response {
    let shown: String = id.chars().take(80).collect();
    Problem::new(StatusCode::NOT_FOUND, "appeal-not-found", format!("there is no appeal {shown:?}"))
        .in_lang(lang)
        .into_response()
}

/// A public appeal's document; a private one shows only what the log holds of it.
#[derive(Serialize)]
pub(crate) struct AppealJson<'a> {
    #[serde(flatten)]
    appeal: &'a Appeal,
    /// Working days it has waited at the body holding it, for an open appeal.
    #[serde(skip_serializing_if = "Option::is_none")]
    days_waiting: Option<u32>,
    html: String,
}

fn appeal_json<'a>(app: &AppState, appeal: &'a Appeal) -> AppealJson<'a> {
    let appeals = &app.capabilities.appeals;
    AppealJson {
        appeal,
        days_waiting: appeal.status.is_open().then(|| appeals.days_waiting(appeal)),
        html: super::appeal_href(&appeal.id),
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    page: Option<usize>,
    per_page: Option<usize>,
}

/// GET /api/v1/appeals — public appeals, newest first.
async fn list(State(app): State<AppState>, ApiQuery(params): ApiQuery<ListParams>) -> Response {
    let per_page = params.per_page.unwrap_or(20).clamp(1, MAX_PER_PAGE);
    let page = params.page.unwrap_or(1).max(1);
    let (items, total) = app.capabilities.appeals.view().public((page - 1).saturating_mul(per_page), per_page);
    let items: Vec<AppealJson<'_>> = items.iter().map(|a| appeal_json(&app, a)).collect();
    Json(json!({ "items": items, "total": total, "page": page, "per_page": per_page })).into_response()
}

/// GET /api/v1/appeals/{id} — what the log holds of an appeal (a private one's texts never).
async fn document(State(app): State<AppState>, UiLang { lang, .. }: UiLang, Path(id): Path<String>) -> Response {
    let Some(appeal) = AppealId::from_str(&id).ok().and_then(|id| app.capabilities.appeals.view().get(&id)) else {
        return unknown_appeal(&id, lang);
    };
    Json(appeal_json(&app, &appeal)).into_response()
}

/// The body of `POST /api/v1/appeals`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilingJson {
    /// Omitted: Dauys proposes the competent body for the topic and place.
    #[serde(default)]
    body: Option<BodyId>,
    kind: AppealKind,
    topic: TopicCode,
    #[serde(default)]
    place: Option<Locality>,
    visibility: Visibility,
    title: PartialText,
    text: PartialText,
    #[serde(default)]
    complaint_about: Option<AppealId>,
    /// Files, in order: at most 5, each PDF, JPEG or PNG of at most 5 MiB.
    #[serde(default)]
    attachments: Vec<AttachmentJson>,
}

/// A file in a filing: the type the client says it is (the server checks the bytes) and
/// its bytes in base64 (RFC 4648, with padding).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentJson {
    media_type: String,
    content_base64: String,
}

/// POST /api/v1/appeals — files an appeal for the signed-in, verified person.
async fn file(
    State(app): State<AppState>,
    UiLang { lang, .. }: UiLang,
    ScriptSession(session): ScriptSession,
    ApiJson(filing): ApiJson<FilingJson>,
) -> Response {
    let mut attachments = Vec::with_capacity(filing.attachments.len());
    for (i, file) in filing.attachments.into_iter().enumerate() {
        use base64::Engine as _;
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(file.content_base64.as_bytes()) else {
            return Problem::bad_request(
                "invalid-attachment-encoding",
                format!("attachments[{i}].content_base64 is not base64 (RFC 4648, with padding)"),
            )
            .in_lang(lang)
            .into_response();
        };
        attachments.push(Upload { declared: file.media_type, bytes: bytes.into() });
    }
    let filing = Filing {
        body: filing.body,
        kind: filing.kind,
        topic: filing.topic,
        place: filing.place,
        visibility: filing.visibility,
        title: filing.title,
        text: filing.text,
        complaint_about: filing.complaint_about,
        attachments,
        lang,
    };
    let person = crate::people::Person::from(&session.account);
    match app.capabilities.appeals.file(person, filing).await {
        Ok(receipt) => {
            let proof = prove_inclusion(&app, Some(receipt.index), None, None).await.ok();
            let location = format!("/api/v1/appeals/{}", receipt.appeal);
            let mut response =
                (StatusCode::CREATED, Json(json!({ "receipt": receipt, "inclusion_proof": proof }))).into_response();
            if let Ok(location) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        Err(e) => appeal_problem(&e, lang),
    }
}

/// One body's figures in the API: its record's headline figures and its months.
#[derive(Serialize)]
pub(crate) struct BodyJson<'a> {
    body: &'a BodyId,
    #[serde(flatten)]
    figures: dauys_core::BodyFigures,
    by_month: &'a std::collections::BTreeMap<String, dauys_core::MonthRecord>,
}

fn body_json<'a>(id: &'a BodyId, record: &'a BodyRecord) -> BodyJson<'a> {
    BodyJson { body: id, figures: record.figures(), by_month: &record.by_month }
}

/// GET /api/v1/bodies — every body's record (bodies with no cases have none).
async fn bodies(State(app): State<AppState>) -> Response {
    let records = app.capabilities.appeals.view().records();
    let items: Vec<BodyJson<'_>> = records.iter().map(|(id, r)| body_json(id, r)).collect();
    Json(json!({ "items": items })).into_response()
}

/// GET /api/v1/bodies/{id} — one body's record.
async fn body(State(app): State<AppState>, UiLang { lang, .. }: UiLang, Path(id): Path<String>) -> Response {
    let Some(body) = BodyId::from_str(&id).ok().and_then(|id| app.deployment.body(&id)) else {
        let shown: String = id.chars().take(80).collect();
        return Problem::not_found(format!("there is no body {shown:?}")).in_lang(lang).into_response();
    };
    let records = app.capabilities.appeals.view().records();
    let empty = BodyRecord::default();
    let record = records.get(&body.id).unwrap_or(&empty);
    Json(json!({ "record": body_json(&body.id, record), "body": body.as_ref() })).into_response()
}

/// GET /api/v1/appeals.csv — public appeals, one row each.
async fn csv_export(State(app): State<AppState>) -> Response {
    let (items, _) = app.capabilities.appeals.view().public(0, usize::MAX);
    let mut out =
        String::from("id,filed_at,kind,topic,addressed_to,body,status,due,answered_at,on_time,working_days\n");
    for a in items {
        let answer = a.obligation.answer.as_ref();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{}\n",
            a.id,
            a.filed_at.to_rfc3339(),
            a.kind,
            a.topic,
            a.addressed_to,
            a.body(),
            a.status.as_str(),
            format_date(a.obligation.due),
            answer.map(|x| x.answered_at.to_rfc3339()).unwrap_or_default(),
            answer.map(|x| x.on_time.to_string()).unwrap_or_default(),
            answer.map(|x| x.working_days.to_string()).unwrap_or_default(),
        ));
    }
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlineParams {
    from: String,
    working_days: u32,
}

/// GET /api/v1/deadline?from=YYYY-MM-DD&working_days=N — the day N working days after
/// `from`, and every holiday and transferred working day the count met.
async fn deadline(
    State(app): State<AppState>,
    UiLang { lang, .. }: UiLang,
    ApiQuery(params): ApiQuery<DeadlineParams>,
) -> Response {
    match deadline_of(&app, &params.from, params.working_days) {
        Ok(counted) => Json(counted).into_response(),
        Err(problem) => problem.in_lang(lang).into_response(),
    }
}

/// The deadline calculator's answer.
#[derive(Serialize)]
pub(crate) struct Counted {
    pub from: String,
    pub working_days: u32,
    pub due: String,
    /// Days off met on the way (weekdays that are holidays), ascending.
    pub holidays: Vec<String>,
    /// Saturdays and Sundays met on the way that are working days by decree.
    pub transferred_working_days: Vec<String>,
}

pub(crate) fn deadline_of(app: &AppState, from: &str, working_days: u32) -> Result<Counted, Problem> {
    let start = parse_date(from).map_err(|e| Problem::bad_request("invalid-parameter", format!("from: {e}")))?;
    if working_days == 0 || working_days > MAX_CALCULATOR_DAYS {
        return Err(Problem::bad_request(
            "invalid-parameter",
            format!("working_days: {working_days}; expected 1..={MAX_CALCULATOR_DAYS}"),
        ));
    }
    let calendar = app.deployment.calendar();
    let due = calendar.add_working_days(start, working_days);
    let in_range = |d: &time::Date| *d > start && *d <= due;
    Ok(Counted {
        from: format_date(start),
        working_days,
        due: format_date(due),
        holidays: calendar.holidays().filter(in_range).map(format_date).collect(),
        transferred_working_days: calendar.transferred_working_days().filter(in_range).map(format_date).collect(),
    })
}
