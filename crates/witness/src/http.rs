//! The witness's HTTP interface.
//!
//! - `POST /add-checkpoint`: C2SP tlog-witness, byte for byte (statuses, `text/x.tlog.size`).
//! - `GET /logs`: the logs it follows, as JSON, with the size it cosigned last.
//! - `GET /checkpoint?origin=…`: the latest checkpoint it cosigned for a log, the log's
//!   signatures and its cosignature, as a signed note: what monitors compare with the log.
//! - `GET /evidence?origin=…`: the contradicting checkpoints it kept, as JSON.
//!
//! Every request is bounded: a body of at most 64 KiB, 10 seconds, and a rate per address
//! (the addresses remembered for it are bounded too).

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, DefaultBodyLimit, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use dauys_ledger::witness::MAX_ADD_CHECKPOINT_BYTES;
use dauys_ledger::Refusal;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Deserialize;

use crate::{Witness, WitnessError};

struct App {
    witness: Arc<Witness>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
}

/// Addresses the limiter remembers before it forgets those whose quota has refilled: without
/// it, every address that ever asked would stay in memory.
const REMEMBERED_ADDRESSES: usize = 10_000;

impl App {
    /// Whether `peer` may make a request now.
    fn allowed(&self, peer: &SocketAddr) -> bool {
        if self.per_address.len() > REMEMBERED_ADDRESSES {
            self.per_address.retain_recent();
        }
        self.per_address.check_key(&peer.ip()).is_ok()
    }
}

/// The router, with `per_second` requests allowed per client address (bursts of twice that).
pub fn router(witness: Arc<Witness>, per_second: u32) -> Router {
    let rate = NonZeroU32::new(per_second).unwrap_or(NonZeroU32::MIN);
    let quota = Quota::per_second(rate).allow_burst(rate.saturating_mul(NonZeroU32::new(2).unwrap_or(NonZeroU32::MIN)));
    let app = Arc::new(App { witness, per_address: RateLimiter::keyed(quota) });
    Router::new()
        .route("/add-checkpoint", post(add_checkpoint))
        .route("/logs", get(logs))
        .route("/checkpoint", get(checkpoint))
        .route("/evidence", get(evidence))
        .layer(DefaultBodyLimit::max(MAX_ADD_CHECKPOINT_BYTES))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(10),
        ))
        .with_state(app)
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    witness: Arc<Witness>,
    listener: tokio::net::TcpListener,
    per_second: u32,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = router(witness, per_second).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown).await
}

fn text(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

fn too_many() -> Response {
    let mut response = text(StatusCode::TOO_MANY_REQUESTS, "too many requests from this address\n".into());
    response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
    response
}

fn failure(e: WitnessError) -> Response {
    let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let WitnessError::Refused(Refusal::SizeMismatch { latest, .. }) = e {
        // The body tlog-witness prescribes: the witness's size, for the log to prove from.
        return (status, [(header::CONTENT_TYPE, "text/x.tlog.size")], format!("{latest}\n")).into_response();
    }
    if status.is_server_error() {
        tracing::error!(error = %e, "witness failure");
    }
    text(status, format!("{e}\n"))
}

async fn add_checkpoint(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: String,
) -> Response {
    if !app.allowed(&peer) {
        return too_many();
    }
    let witness = app.witness.clone();
    match tokio::task::spawn_blocking(move || witness.add_checkpoint(&body)).await {
        Ok(Ok(line)) => text(StatusCode::OK, line),
        Ok(Err(e)) => failure(e),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")),
    }
}

#[derive(Deserialize)]
struct OriginQuery {
    origin: String,
}

/// Runs a read on a blocking thread, after the rate limit, and answers 404 for a log this
/// witness does not follow.
async fn read<T: Send + 'static>(
    app: &App,
    peer: SocketAddr,
    origin: Option<&str>,
    f: impl FnOnce(&Witness) -> Result<T, WitnessError> + Send + 'static,
) -> Result<T, Response> {
    if !app.allowed(&peer) {
        return Err(too_many());
    }
    if let Some(origin) = origin.filter(|o| !app.witness.follows(o)) {
        return Err(text(
            StatusCode::NOT_FOUND,
            format!("this witness does not follow a log with origin {origin:?}\n"),
        ));
    }
    let witness = app.witness.clone();
    match tokio::task::spawn_blocking(move || f(&witness)).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(failure(e)),
        Err(e) => Err(text(StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n"))),
    }
}

async fn logs(State(app): State<Arc<App>>, ConnectInfo(peer): ConnectInfo<SocketAddr>) -> Response {
    let name = app.witness.name().to_string();
    let vkey = app.witness.vkey();
    match read(&app, peer, None, Witness::status).await {
        Ok(logs) => Json(serde_json::json!({ "witness": name, "vkey": vkey, "logs": logs })).into_response(),
        Err(response) => response,
    }
}

async fn checkpoint(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(OriginQuery { origin }): Query<OriginQuery>,
) -> Response {
    let key = origin.clone();
    match read(&app, peer, Some(&origin), move |w| w.latest(&key)).await {
        Ok(Some(latest)) => {
            let mut response = text(StatusCode::OK, latest.cosigned);
            response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-cache"));
            response
        }
        Ok(None) => {
            text(StatusCode::NOT_FOUND, format!("this witness has not cosigned a checkpoint of {origin:?} yet\n"))
        }
        Err(response) => response,
    }
}

async fn evidence(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(OriginQuery { origin }): Query<OriginQuery>,
) -> Response {
    let key = origin.clone();
    match read(&app, peer, Some(&origin), move |w| w.evidence(&key)).await {
        Ok(kept) => Json(serde_json::json!({ "origin": origin, "evidence": kept })).into_response(),
        Err(response) => response,
    }
}
