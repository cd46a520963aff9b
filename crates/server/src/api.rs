//! The machine interface: the C2SP tlog-tiles paths (`/checkpoint`, `/tile/...`) that any
//! tlog client can mirror, and the JSON API (`/api/v1/...`) for proofs, entries, state and
//! submission. Handlers only translate HTTP to calls; the log's logic is in `dauys-ledger`,
//! the rules in `dauys-core`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use dauys_core::{Entry, Event, Lang, PublicState};
use dauys_ledger::{
    consistency_proof, encode_bundle, inclusion_proof, parse_tile_path, Hash, LedgerError, TileHashSource, TilePath,
    TILE_WIDTH,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::i18n::UiLang;
use crate::problem::Problem;
use crate::sequencer::{Receipt, SubmitError};
use crate::AppState;

/// Runs a blocking storage call off the async workers.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    tokio::task::spawn_blocking(f).await.map_err(Problem::internal)?
}

/// `Json` whose rejections are problem details.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let (mut parts, body) = req.into_parts();
        let lang = UiLang::from_request_parts(&mut parts, state).await.map_or(Lang::Kk, |l| l.lang);
        let req = Request::from_parts(parts, body);
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_problem(rejection).in_lang(lang)),
        }
    }
}

fn json_problem(rejection: JsonRejection) -> Problem {
    let detail = rejection.body_text();
    match rejection {
        JsonRejection::MissingJsonContentType(_) => unsupported_media_type(),
        JsonRejection::BytesRejection(_) if detail.contains("length limit") => {
            Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large", detail)
        }
        JsonRejection::JsonDataError(_) => Problem::bad_request("invalid-event", detail),
        _ => Problem::bad_request("invalid-json", detail),
    }
}

fn unsupported_media_type() -> Problem {
    Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "send Content-Type: application/json")
}

/// `Query` whose rejections are problem details.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Problem> {
        let lang = UiLang::from_request_parts(parts, state).await.map_or(Lang::Kk, |l| l.lang);
        // `lang` is every API path's parameter, checked by `UiLang`; the handler's own
        // parameters are the rest, so a query type that refuses unknown fields accepts it.
        let given = form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes());
        let rest = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(given.filter(|(name, _)| name != "lang"))
            .finish();
        let uri: Uri = format!("/?{rest}")
            .parse()
            .map_err(|e| Problem::bad_request("invalid-parameter", format!("query: {e}")).in_lang(lang))?;
        axum::extract::Query::<T>::try_from_uri(&uri)
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| Problem::bad_request("invalid-parameter", e.body_text()).in_lang(lang))
    }
}

fn bytes_response(bytes: Vec<u8>, content_type: &'static str, cache: &'static str) -> Response {
    let mut r = bytes.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    r
}

// Every tile path names bytes that never change: a partial tile's width is in its path
// (c2sp.org/tlog-tiles), so a cached one stays true after the tile is full; a client then asks
// for the full tile by its own path.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Entries `[start, end)` as stored (clipped to the log), each checked against its hash in
/// the stored tiles: an entry changed at rest is served to no one. A mismatch is reported —
/// logged, counted, on `/readyz`, and the sequencer signs no checkpoint after it — and the
/// request gets 500 `log-corrupt`. Blocking (storage): call inside [`blocking`].
pub(crate) fn verified_entries(log: &LogIntegrity, start: u64, end: u64) -> Result<Vec<Vec<u8>>, Problem> {
    let bodies = log.reader.entries(start, end)?;
    // Entries and their tiles are committed together, and tiles only grow: tiles read after
    // the entries cover them.
    let mut tile: Option<(u64, Vec<u8>)> = None;
    for (i, body) in bodies.iter().enumerate() {
        let index = start + i as u64;
        let number = index / TILE_WIDTH;
        if tile.as_ref().is_none_or(|(n, _)| *n != number) {
            tile = Some((number, log.reader.tile(0, number)?.unwrap_or_default()));
        }
        let at = (index % TILE_WIDTH) as usize * 32;
        let stored = tile.as_ref().and_then(|(_, bytes)| bytes.get(at..at + 32));
        if stored != Some(&dauys_ledger::leaf_hash(body).0[..]) {
            if log.shared.report_corrupt_entry(index) {
                log.metrics.corrupt_entries.inc();
            }
            tracing::error!(entry = index, "a stored entry does not match its tile: it is not served");
            return Err(Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "log-corrupt",
                format!(
                    "entry {index} as stored does not match the log's tree; it is not served, and the operator is told"
                ),
            ));
        }
    }
    Ok(bodies)
}

/// What checking stored entries needs, without the rest of the state (the background check
/// must not hold the sequencer's handle, or shutdown would wait for it).
#[derive(Clone)]
pub(crate) struct LogIntegrity {
    pub reader: Arc<dyn dauys_store::Reader>,
    pub shared: Arc<crate::sequencer::Shared>,
    pub metrics: Arc<crate::metrics::Metrics>,
}

impl LogIntegrity {
    pub fn of(app: &AppState) -> LogIntegrity {
        LogIntegrity { reader: app.reader.clone(), shared: app.shared.clone(), metrics: app.metrics.clone() }
    }
}

/// Pause between two bundles of the background check: at most a bundle every 5 ms, so the
/// check never takes the storage from the people using the site.
const RECHECK_PAUSE: std::time::Duration = std::time::Duration::from_millis(5);

/// Walks the whole stored log through [`verified_entries`] at start and then once every
/// `interval`, a bundle at a time, so an entry nobody asks for is checked too (and a restart
/// does not forget one: the mark lives in memory). Ends at the first mismatch (reported
/// there: nothing more to find until an operator mends the database).
pub(crate) async fn recheck_log(log: LogIntegrity, interval: std::time::Duration) {
    let mut first = true;
    loop {
        if !std::mem::take(&mut first) {
            tokio::time::sleep(interval).await;
        }
        let reader = log.reader.clone();
        let Ok(size) = blocking(move || Ok(reader.size()?)).await else { continue };
        let mut start = 0;
        while start < size {
            let end = (start + TILE_WIDTH).min(size);
            let checked = log.clone();
            if blocking(move || verified_entries(&checked, start, end)).await.is_err()
                && log.shared.corrupt_entry().is_some()
            {
                return;
            }
            start = end;
            tokio::time::sleep(RECHECK_PAUSE).await;
        }
        tracing::info!(entries = size, "the stored log was checked against its tiles");
    }
}

/// GET /checkpoint — the latest signed checkpoint, from memory. With witnesses configured,
/// the latest one their quorum cosigned, with their cosignatures: nothing they did not see.
pub async fn checkpoint(State(app): State<AppState>, UiLang { lang, .. }: UiLang) -> Result<Response, Problem> {
    let note = if app.config.witnesses.is_empty() {
        app.shared.latest_checkpoint().ok_or_else(|| no_checkpoint().in_lang(lang))?.note.clone()
    } else {
        app.shared.witnessed_checkpoint().ok_or_else(|| no_witnessed_checkpoint().in_lang(lang))?.note.clone()
    };
    Ok(bytes_response(note.into_bytes(), "text/plain; charset=utf-8", "no-cache"))
}

fn no_witnessed_checkpoint() -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "no-witnessed-checkpoint",
        "no checkpoint has been cosigned by enough of the log's witnesses yet",
    )
    .retry_after(2)
}

fn no_checkpoint() -> Problem {
    Problem::new(StatusCode::SERVICE_UNAVAILABLE, "no-checkpoint", "the log has not signed a checkpoint yet")
        .retry_after(1)
}

/// GET /tile/... — hash tiles and entry bundles, byte for byte as c2sp.org/tlog-tiles.
pub async fn tile(
    State(app): State<AppState>,
    UiLang { lang, .. }: UiLang,
    Path(rest): Path<String>,
) -> Result<Response, Problem> {
    let path = format!("tile/{rest}");
    let parsed = parse_tile_path(&path)
        .map_err(|e| Problem::bad_request("invalid-tile-path", format!("{path}: {e}")).in_lang(lang))?;
    let found = blocking(move || match parsed {
        TilePath::Hash(id) => {
            let stored = app.reader.tile(id.level, id.index)?;
            let want = usize::from(id.width) * 32;
            Ok(stored.filter(|s| s.len() >= want).map(|mut s| {
                s.truncate(want);
                s
            }))
        }
        TilePath::Entries { index, width } => {
            let start = index.saturating_mul(TILE_WIDTH);
            let bodies = verified_entries(&LogIntegrity::of(&app), start, start + u64::from(width))?;
            if bodies.len() < usize::from(width) {
                return Ok(None);
            }
            let bundle = encode_bundle(bodies.iter().map(Vec::as_slice)).map_err(Problem::internal)?;
            Ok(Some(bundle))
        }
    })
    .await
    .map_err(|p| p.in_lang(lang))?;
    match found {
        Some(bytes) => Ok(bytes_response(bytes, "application/octet-stream", IMMUTABLE)),
        None => Err(Problem::not_found(format!("{path} is not (yet) in the log")).in_lang(lang)),
    }
}

/// The log's identity for auditors: origin, verifier key and the latest checkpoint.
#[derive(Serialize)]
pub struct LogInfo {
    pub origin: String,
    pub vkey: String,
    pub checkpoint: Option<CheckpointJson>,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct CheckpointJson {
    pub size: u64,
    pub root: Hash,
    pub signed_at: String,
    pub note: String,
}

fn checkpoint_json(app: &AppState) -> Option<CheckpointJson> {
    app.shared.latest_checkpoint().map(|c| CheckpointJson {
        size: c.checkpoint.size,
        root: c.checkpoint.root,
        signed_at: dauys_core::Timestamp(c.signed_at_ms).to_rfc3339(),
        note: c.note.clone(),
    })
}

/// GET /api/v1/log (`UiLang` only checks `?lang=`: nothing here is translated).
pub async fn log_info(State(app): State<AppState>, _: UiLang) -> Json<LogInfo> {
    Json(LogInfo { origin: app.config.origin.clone(), vkey: app.vkey.clone(), checkpoint: checkpoint_json(&app) })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionQuery {
    pub index: Option<u64>,
    pub hash: Option<String>,
    /// Tree size to prove against; the latest checkpoint by default.
    pub size: Option<u64>,
}

#[derive(Serialize, Deserialize, Debug)]
pub struct InclusionProof {
    pub index: u64,
    pub tree_size: u64,
    pub leaf_hash: Hash,
    pub proof: Vec<Hash>,
    /// The signed checkpoint the proof leads to, when the proof is against the latest one.
    pub checkpoint: Option<String>,
}

fn ledger_problem(e: LedgerError) -> Problem {
    match e {
        LedgerError::MissingTile { .. } | LedgerError::TileUnavailable { .. } => Problem::internal(e),
        other => Problem::bad_request("invalid-proof-request", other.to_string()),
    }
}

pub(crate) fn tile_source(
    reader: Arc<dyn dauys_store::Reader>,
) -> TileHashSource<impl Fn(u8, u64) -> Result<Vec<u8>, LedgerError>> {
    TileHashSource::new(move |level, index| {
        reader
            .tile(level, index)
            .map_err(|e| LedgerError::TileUnavailable { level, index, reason: e.to_string() })?
            .ok_or(LedgerError::TileUnavailable { level, index, reason: "not stored".into() })
    })
}

/// GET /api/v1/proof/inclusion?index=N or ?hash=HEX (a receipt has both; both are checked).
pub async fn inclusion(
    State(app): State<AppState>,
    UiLang { lang, .. }: UiLang,
    ApiQuery(q): ApiQuery<InclusionQuery>,
) -> Result<Json<InclusionProof>, Problem> {
    let wanted_hash = q
        .hash
        .as_deref()
        .map(|h| Hash::from_hex(h).map_err(|e| Problem::bad_request("invalid-parameter", format!("hash: {e}"))))
        .transpose()
        .map_err(|p| p.in_lang(lang))?;
    prove_inclusion(&app, q.index, wanted_hash, q.size).await.map(Json).map_err(|p| p.in_lang(lang))
}

/// The inclusion proof of one entry (by index, by leaf hash, or both, which must agree)
/// against the latest checkpoint or an earlier tree size. Shared by the JSON API and the
/// entry page; the caller sets the problem's language.
///
/// What a request that cannot be answered gets:
/// - no `index` and no `hash`, or an entry at or beyond an explicit `size` (an entry is in a
///   tree only if its index is below the tree's size, so `size=0` never is): 400;
/// - an explicit `size` the log has not reached yet, or an entry beyond the latest
///   checkpoint when no `size` is given: 409 `not-yet-checkpointed` with Retry-After if the
///   log already holds that many entries (a checkpoint will cover them within its
///   interval), else 404;
/// - an unknown leaf hash: 404; an index and a hash that disagree: 400.
pub async fn prove_inclusion(
    app: &AppState,
    index: Option<u64>,
    wanted_hash: Option<Hash>,
    size: Option<u64>,
) -> Result<InclusionProof, Problem> {
    let latest = app.shared.latest_checkpoint().ok_or_else(no_checkpoint)?;
    if index.is_none() && wanted_hash.is_none() {
        return Err(Problem::bad_request("invalid-parameter", "give index=N or hash=HEX (or both, from a receipt)"));
    }
    if size == Some(0) {
        return Err(Problem::bad_request("invalid-parameter", "size=0 is the empty tree, which holds no entry"));
    }
    if let (Some(i), Some(s)) = (index, size) {
        if i >= s {
            return Err(not_in_tree(i, s));
        }
    }
    let signed = latest.checkpoint.size;
    let tree_size = size.unwrap_or(signed);
    let app2 = app.clone();
    let (index, leaf_hash, proof) = blocking(move || {
        if tree_size > signed {
            return Err(beyond_checkpoint(
                app2.reader.size()?,
                tree_size,
                format!("no checkpoint has size {tree_size} yet"),
            ));
        }
        let index = match (index, wanted_hash) {
            (Some(i), _) => i,
            (None, Some(h)) => *app2
                .reader
                .indexes_of_leaf(&h.0)?
                .first()
                .ok_or_else(|| Problem::not_found(format!("no entry has leaf hash {h}")))?,
            (None, None) => return Err(Problem::bad_request("invalid-parameter", "give index=N or hash=HEX")),
        };
        if index >= tree_size {
            return Err(match size {
                Some(size) => not_in_tree(index, size),
                None => beyond_checkpoint(
                    app2.reader.size()?,
                    index.saturating_add(1),
                    format!("entry {index} is not covered by the latest checkpoint yet"),
                ),
            });
        }
        let body = verified_entries(&LogIntegrity::of(&app2), index, index + 1)?;
        let leaf = dauys_ledger::leaf_hash(body.first().ok_or_else(|| Problem::not_found(format!("entry {index}")))?);
        if let Some(h) = wanted_hash {
            if h != leaf {
                return Err(Problem::bad_request(
                    "receipt-mismatch",
                    format!("entry {index} has leaf hash {leaf}, not {h}: this receipt does not match the log"),
                ));
            }
        }
        let proof = inclusion_proof(&tile_source(app2.reader.clone()), index, tree_size).map_err(ledger_problem)?;
        Ok((index, leaf, proof))
    })
    .await?;
    Ok(InclusionProof {
        index,
        tree_size,
        leaf_hash,
        proof,
        checkpoint: (tree_size == latest.checkpoint.size).then(|| latest.note.clone()),
    })
}

/// An entry at or beyond a tree's size is not in that tree: a request that can never succeed.
fn not_in_tree(index: u64, size: u64) -> Problem {
    Problem::bad_request(
        "invalid-parameter",
        format!("entry {index} is not in a tree of size {size}: an index must be below the tree size"),
    )
}

/// A tree of `needed` entries that no checkpoint covers yet: 409 "not yet" if the log holds
/// that many entries already (the next checkpoint will cover them), else 404.
fn beyond_checkpoint(logged: u64, needed: u64, what: String) -> Problem {
    if logged >= needed {
        Problem::new(StatusCode::CONFLICT, "not-yet-checkpointed", format!("{what}; retry in a second")).retry_after(1)
    } else {
        Problem::not_found(format!("{what}: the log holds {logged} entries"))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyQuery {
    pub from: u64,
    pub to: Option<u64>,
}

#[derive(Serialize, Deserialize, Debug)]
pub struct ConsistencyProof {
    pub from: u64,
    pub to: u64,
    pub proof: Vec<Hash>,
    pub checkpoint: Option<String>,
}

/// GET /api/v1/proof/consistency?from=M[&to=N]
pub async fn consistency(
    State(app): State<AppState>,
    UiLang { lang, .. }: UiLang,
    ApiQuery(q): ApiQuery<ConsistencyQuery>,
) -> Result<Json<ConsistencyProof>, Problem> {
    let latest = app.shared.latest_checkpoint().ok_or_else(|| no_checkpoint().in_lang(lang))?;
    let to = q.to.unwrap_or(latest.checkpoint.size);
    if q.from > to {
        return Err(Problem::bad_request(
            "invalid-parameter",
            format!("need from <= to (an older tree size first), got from={} to={to}", q.from),
        )
        .in_lang(lang));
    }
    let (from, signed) = (q.from, latest.checkpoint.size);
    let app2 = app.clone();
    let proof = blocking(move || {
        if to > signed {
            let what = format!("no checkpoint has size {to} yet");
            return Err(beyond_checkpoint(app2.reader.size()?, to, what));
        }
        consistency_proof(&tile_source(app2.reader.clone()), from, to).map_err(ledger_problem)
    })
    .await
    .map_err(|p| p.in_lang(lang))?;
    Ok(Json(ConsistencyProof {
        from,
        to,
        proof,
        checkpoint: (to == latest.checkpoint.size).then(|| latest.note.clone()),
    }))
}

/// One entry as the JSON API and the web pages show it.
#[derive(Serialize, Debug, Clone)]
pub struct EntryView {
    pub index: u64,
    pub leaf_hash: Hash,
    pub timestamp: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub event: serde_json::Value,
    /// The acting person's own signature of the event, when they signed it.
    #[serde(rename = "sig", skip_serializing_if = "Option::is_none")]
    pub signature: Option<dauys_core::ActSignature>,
    #[serde(skip)]
    pub entry: Entry,
}

pub fn entry_view(index: u64, body: &[u8]) -> Result<EntryView, Problem> {
    let entry =
        Entry::decode(body).map_err(|e| Problem::internal(format!("stored entry {index} does not decode: {e}")))?;
    Ok(EntryView {
        index,
        leaf_hash: dauys_ledger::leaf_hash(body),
        timestamp: entry.timestamp.to_rfc3339(),
        kind: entry.event.kind(),
        event: serde_json::to_value(&entry.event).map_err(Problem::internal)?,
        signature: entry.signature.clone(),
        entry,
    })
}

/// Most entries one listing returns.
pub const MAX_PAGE: u64 = 100;

/// Entries `[start, start+limit)` clipped to the log, newest first.
pub async fn load_entries(app: &AppState, start: u64, limit: u64) -> Result<Vec<EntryView>, Problem> {
    let log = LogIntegrity::of(app);
    blocking(move || {
        let bodies = verified_entries(&log, start, start.saturating_add(limit.min(MAX_PAGE)))?;
        let mut views =
            bodies.iter().enumerate().map(|(i, b)| entry_view(start + i as u64, b)).collect::<Result<Vec<_>, _>>()?;
        views.reverse();
        Ok(views)
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntriesQuery {
    /// Show entries before this index (exclusive); the newest by default.
    pub before: Option<u64>,
    pub limit: Option<u64>,
}

#[derive(Serialize)]
pub struct EntriesPage {
    pub size: u64,
    pub entries: Vec<EntryView>,
}

/// GET /api/v1/entries?before=N&limit=K — newest first.
pub async fn entries(
    State(app): State<AppState>,
    UiLang { lang, .. }: UiLang,
    ApiQuery(q): ApiQuery<EntriesQuery>,
) -> Result<Json<EntriesPage>, Problem> {
    let limit = q.limit.unwrap_or(20);
    if limit == 0 || limit > MAX_PAGE {
        return Err(Problem::bad_request("invalid-parameter", format!("limit must be 1..={MAX_PAGE}")).in_lang(lang));
    }
    let reader = app.reader.clone();
    let size = blocking(move || Ok(reader.size()?)).await.map_err(|p| p.in_lang(lang))?;
    let end = q.before.unwrap_or(size).min(size);
    let start = end.saturating_sub(limit);
    let entries = load_entries(&app, start, end - start).await.map_err(|p| p.in_lang(lang))?;
    Ok(Json(EntriesPage { size, entries }))
}

/// GET /api/v1/entries/{index}
pub async fn entry(
    State(app): State<AppState>,
    UiLang { lang, .. }: UiLang,
    Path(index): Path<String>,
) -> Result<Json<EntryView>, Problem> {
    let index: u64 = index.parse().map_err(|_| {
        Problem::bad_request("invalid-parameter", format!("{index:?} is not an entry index")).in_lang(lang)
    })?;
    load_entries(&app, index, 1)
        .await
        .map_err(|p| p.in_lang(lang))?
        .pop()
        .map(Json)
        .ok_or_else(|| Problem::not_found(format!("the log has no entry {index}")).in_lang(lang))
}

/// The public state as of the latest checkpoint, from memory.
pub async fn load_public_state(app: &AppState) -> Result<PublicState, Problem> {
    app.shared.public_state().map(|s| (*s).clone()).ok_or_else(|| {
        Problem::new(StatusCode::SERVICE_UNAVAILABLE, "starting", "the server is still starting").retry_after(1)
    })
}

/// GET /api/v1/state — the public state folded from the log.
pub async fn state(State(app): State<AppState>, UiLang { lang, .. }: UiLang) -> Result<Json<PublicState>, Problem> {
    load_public_state(&app).await.map(Json).map_err(|p| p.in_lang(lang))
}

/// Whether the request carries the operator's token (`Authorization: Bearer <token>`).
fn authorised(app: &AppState, headers: &HeaderMap) -> bool {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map_or("", |(_, token)| token.trim());
    // Digests compared in constant time: neither the token's bytes nor its length leak
    // through the time a refusal takes.
    let (given, expected) = (Sha256::digest(given.as_bytes()), Sha256::digest(app.api_token.as_bytes()));
    !app.api_token.is_empty() && bool::from(given.ct_eq(&expected))
}

/// Proof that the request carries the operator's token. As a request-parts extractor it runs
/// before the handler's body extractor, so a caller without the token is refused (401)
/// before anything reads or parses what it sent.
pub struct OperatorToken;

impl FromRequestParts<AppState> for OperatorToken {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, app: &AppState) -> Result<Self, Response> {
        let lang = UiLang::from_request_parts(parts, app).await.map_or(Lang::Kk, |l| l.lang);
        if authorised(app, &parts.headers) {
            return Ok(OperatorToken);
        }
        let mut response = Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send Authorization: Bearer <token> with the token from the data directory's api.token",
        )
        .in_lang(lang)
        .into_response();
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"dauys\""));
        Err(response)
    }
}

/// Whether the request says its body is JSON (`application/json` or `application/*+json`).
fn json_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn bytes_problem(rejection: BytesRejection) -> Problem {
    let detail = rejection.body_text();
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large", detail)
    } else {
        Problem::bad_request("invalid-json", detail)
    }
}

/// The problem for an event the operator may not publish: an act of a person, or one only
/// the rules log.
fn not_an_operator_act(kind: &str) -> Problem {
    Problem::new(
        StatusCode::FORBIDDEN,
        "not-an-operator-act",
        format!(
            "{kind} is not an operator act: the operator token publishes only {}. Acts of a person go through that \
             person's signed-in session, and events the rules require are logged by the server's rules",
            Event::OPERATOR_KINDS.join(", ")
        ),
    )
}

/// The body of `POST /api/v1/events`: one of the operator's own acts
/// ([`Event::OPERATOR_KINDS`]). An event of another known type is refused (403) on its `type`
/// alone, whatever its other members; then the body must parse as that event.
pub struct OperatorEvent(pub Event);

impl FromRequest<AppState> for OperatorEvent {
    type Rejection = Problem;

    async fn from_request(req: Request, app: &AppState) -> Result<Self, Problem> {
        let (mut parts, body) = req.into_parts();
        let lang = UiLang::from_request_parts(&mut parts, app).await.map_or(Lang::Kk, |l| l.lang);
        if !json_content_type(&parts.headers) {
            return Err(unsupported_media_type().in_lang(lang));
        }
        let bytes = Bytes::from_request(Request::from_parts(parts, body), app)
            .await
            .map_err(|r| bytes_problem(r).in_lang(lang))?;
        /// Only the type tag; serde skips the other members.
        #[derive(Deserialize)]
        struct Tagged<'a> {
            #[serde(rename = "type", borrow)]
            kind: Option<std::borrow::Cow<'a, str>>,
        }
        if let Ok(Tagged { kind: Some(kind) }) = serde_json::from_slice::<Tagged>(&bytes) {
            if Event::KINDS.contains(&kind.as_ref()) && !Event::is_operator_kind(&kind) {
                return Err(not_an_operator_act(&kind).in_lang(lang));
            }
        }
        let Json(event) = Json::<Event>::from_bytes(&bytes).map_err(|r| json_problem(r).in_lang(lang))?;
        // The decision itself, on the parsed event (the look at the tag above only answers
        // sooner).
        if !event.is_operator_act() {
            return Err(not_an_operator_act(event.kind()).in_lang(lang));
        }
        Ok(OperatorEvent(event))
    }
}

/// POST /api/v1/events — the operator publishes one of its own acts (deployment settings,
/// calendars, bodies, access bases, petition rules, notices) with its token. Acts of people
/// go through their sessions; this endpoint cannot act as anyone.
pub async fn submit(
    State(app): State<AppState>,
    // Checked first, before anything else the request says, and before the body is read:
    // see `OperatorToken`.
    _: OperatorToken,
    UiLang { lang, .. }: UiLang,
    OperatorEvent(event): OperatorEvent,
) -> Result<(StatusCode, Json<Receipt>), Problem> {
    event.check_new().map_err(|e| Problem::bad_request("invalid-event", format!("{}: {e}", e.code())).in_lang(lang))?;
    match app.sequencer.submit(event).await {
        Ok(receipt) => Ok((StatusCode::CREATED, Json(receipt))),
        Err(e) => Err(submit_problem(e).in_lang(lang)),
    }
}

fn submit_problem(e: SubmitError) -> Problem {
    let detail = e.to_string();
    match e {
        SubmitError::Rejected(rule) => {
            Problem::new(StatusCode::CONFLICT, "rejected", format!("{}: {detail}", rule.code()))
        }
        SubmitError::TooLarge(_) => Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large", detail),
        SubmitError::Busy => Problem::new(StatusCode::SERVICE_UNAVAILABLE, "busy", detail).retry_after(1),
        SubmitError::Unavailable(_) => {
            Problem::new(StatusCode::SERVICE_UNAVAILABLE, "storage-unavailable", detail).retry_after(5)
        }
        SubmitError::ShuttingDown => {
            Problem::new(StatusCode::SERVICE_UNAVAILABLE, "shutting-down", detail).retry_after(5)
        }
        SubmitError::Unsigned(_) => Problem::new(StatusCode::CONFLICT, "rejected", format!("act-not-signed: {detail}")),
    }
}

/// A script's session for an act: a live session cookie and the session's CSRF token in
/// `X-CSRF-Token`. As a request-parts extractor it refuses before the body is read, so a
/// request without either costs no body parsing (401 `unauthorized`, 403
/// `csrf-token-invalid`).
pub struct ScriptSession(pub crate::people::session::Session);

/// The header a script echoes the session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

impl FromRequestParts<AppState> for ScriptSession {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, app: &AppState) -> Result<Self, Problem> {
        let lang = UiLang::from_request_parts(parts, app).await.map_or(Lang::Kk, |l| l.lang);
        let crate::people::session::MaybeSession(session) =
            crate::people::session::MaybeSession::from_request_parts(parts, app).await?;
        let Some(session) = session else {
            return Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "sign in first: this request needs the dauys_session cookie of a live session",
            )
            .in_lang(lang));
        };
        let token = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        if !token.is_some_and(|t| session.form_is_genuine(t)) {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "csrf-token-invalid",
                "send the header X-CSRF-Token with the csrf value of GET /api/v1/me/session",
            )
            .in_lang(lang));
        }
        Ok(ScriptSession(session))
    }
}
