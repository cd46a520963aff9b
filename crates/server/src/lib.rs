//! The Dauys server: it owns the log's single writer (the [`sequencer`]), serves the log
//! in the C2SP tlog-tiles layout, a JSON API and server-rendered pages in Kazakh, Russian
//! and English.
//!
//! ```no_run
//! # async fn demo() -> Result<(), dauys_server::ServeError> {
//! let config = dauys_server::config::Config::default();
//! dauys_server::serve(config, dauys_server::ServeOptions { demo: true }).await
//! # }
//! ```
//!
//! What it is not: a place for rules (they are in `dauys-core`) or for Merkle-tree code
//! (that is `dauys-ledger`); handlers translate HTTP into calls on those.
//!
//! **Architecture invariant:** only the sequencer thread writes to the log. Handlers read
//! through [`dauys_store::Reader`] and submit through [`sequencer::SequencerHandle`].

pub mod api;
pub mod appeals;
pub mod capability;
pub mod config;
pub mod connections;
pub mod demo;
pub mod i18n;
pub mod keys;
pub mod metrics;
pub mod openapi;
pub mod pending_acts;
pub mod people;
pub mod petitions;
pub mod problem;
pub mod projection;
pub mod rate;
mod receipts;
pub mod security_headers;
pub mod sequencer;
pub mod web;
pub mod witnessing;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use dauys_core::{Event, LocalizedText};
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::capability::Platform;
use crate::config::Config;
use crate::metrics::Metrics;
use crate::problem::Problem;
use crate::sequencer::{Sequencer, SequencerConfig, SequencerHandle, Shared};

capability::capabilities! {
    petitions: petitions::Petitions,
    appeals: appeals::Appeals,
}

/// Everything a handler may use. Cloned per request (all fields are shared handles).
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub reader: Arc<dyn dauys_store::Reader>,
    pub sequencer: SequencerHandle,
    pub shared: Arc<Shared>,
    /// The deployment's bodies and time zone, for every capability's pages.
    pub deployment: Arc<projection::DeploymentView>,
    pub metrics: Arc<Metrics>,
    pub vkey: String,
    pub api_token: Arc<str>,
    pub people: Arc<people::People>,
    pub limits: Arc<people::session::Limits>,
    /// Verification through an OpenID Connect provider, when configured.
    pub oidc: Option<Arc<people::oidc::OidcVerifier>>,
    pub capabilities: Capabilities,
    /// Running with `--demo`: the demo crowd page (`/demo`) exists. Set by [`serve`].
    pub demo: bool,
    /// Rendered public pages, served to anonymous readers (`web::cache`).
    pub page_cache: Arc<web::cache::PageCache>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("data directory {path}: {source}")]
    DataDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Key(#[from] keys::KeyError),
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("opening the log at {location}: {source}")]
    Store {
        location: String,
        #[source]
        source: dauys_store::StoreError,
    },
    #[error("starting the sequencer: {0}")]
    Sequencer(#[from] sequencer::StartError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("recording the deployment's configuration: {0}")]
    Genesis(sequencer::SubmitError),
    #[error("writing the demo's history: {0}")]
    Demo(String),
    #[error("outgoing mail: {0}")]
    Mail(String),
    #[error("internal: {0}")]
    Join(#[from] tokio::task::JoinError),
}

#[derive(Clone, Copy, Debug, Default)]
pub struct ServeOptions {
    /// Keep appending realistic public events so a first look at the log shows activity.
    pub demo: bool,
}

/// All routes, with limits and error handling. Used by `serve` and by the tests.
pub fn router(state: AppState) -> Router {
    let timeout = Duration::from_secs(state.config.request_timeout_secs);
    let body_limit = state.config.max_body_bytes;
    let security_headers = security_headers::SecurityHeaders::from_config(&state.config);
    Router::new()
        .route("/checkpoint", get(api::checkpoint))
        .route("/tile/{*rest}", get(api::tile))
        .route("/api/v1/log", get(api::log_info))
        .route("/api/v1/state", get(api::state))
        .route("/api/v1/entries", get(api::entries))
        .route("/api/v1/entries/{index}", get(api::entry))
        .route("/api/v1/proof/inclusion", get(api::inclusion))
        .route("/api/v1/proof/consistency", get(api::consistency))
        .route("/api/v1/events", post(api::submit))
        .route("/openapi.json", get(openapi::document))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .route("/", get(web::home))
        .merge(info_routes())
        .route("/ledger", get(web::ledger))
        .route("/log", get(web::log_page))
        .route("/log/{index}", get(web::entry_page))
        .route("/static/style.css", get(web::stylesheet))
        .route("/static/live.js", get(web::script))
        .route("/static/sign.js", get(web::sign_script))
        .route("/signup", get(people::pages::signup_form).post(people::pages::signup))
        .route("/login", get(people::pages::login_form).post(people::pages::login))
        .route("/logout", post(people::pages::logout))
        .route("/reset", get(people::pages::reset_request_form).post(people::pages::reset_request))
        .route("/reset/{token}", get(people::pages::new_password_form).post(people::pages::set_new_password))
        .route("/me", get(people::pages::me))
        .route("/me/contacts", post(people::pages::update_contacts))
        .route("/me/confirm-email", post(people::pages::resend_confirmation))
        .route("/confirm/{token}", get(people::pages::confirm_email))
        .route("/me/erase", post(people::pages::erase))
        .route("/me/data.json", get(people::pages::my_data))
        .route("/me/access", get(people::pages::who_looked))
        .route("/me/keys", get(people::pages::signing_keys).post(people::pages::register_signing_key))
        .route("/me/keys/revoke", post(people::pages::revoke_signing_key))
        .route("/verify", get(people::pages::verify_choices))
        .route("/verify/oidc", post(people::pages::oidc_start))
        .route("/verify/oidc/callback", get(people::pages::oidc_callback))
        .route("/verify/registry", get(people::pages::registry_code_form).post(people::pages::registry_code))
        .route("/admin/registry", get(people::pages::registry_form).post(people::pages::import_registry))
        .route("/admin/people", get(people::pages::admin_people))
        .route("/admin/people/{id}/verify", get(people::pages::verify_form).post(people::pages::verify))
        .route("/admin/roles", post(people::pages::grant_role))
        .route("/admin/roles/revoke", post(people::pages::revoke_role))
        .route("/admin/bodies", get(people::pages::bodies).post(people::pages::register_body))
        .route("/audit/openings", get(people::pages::audit_openings))
        .route("/admin/keys", get(people::pages::keys))
        .route("/admin/keys/rotate", post(people::pages::rotate_keys))
        .route("/office", get(people::pages::office))
        .route("/office/person", get(people::pages::open_form).post(people::pages::open))
        .merge(Capabilities::routes())
        .merge(demo::crowd::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.page_cache.clone(), web::cache::serve))
        .layer(middleware::from_fn_with_state(timeout, time_limit))
        .layer(middleware::from_fn_with_state(security_headers, security_headers::add))
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
        .layer(TraceLayer::new_for_http())
        // Everything else of some size (JSON, feeds, CSV, signed-in pages) compressed as it
        // goes out, at the fastest level: it is paid on every such response (level 6 cost
        // about as much as rendering the page). Cached pages come compressed once, at level 6,
        // and are left alone.
        .layer(
            CompressionLayer::new()
                .gzip(true)
                .quality(tower_http::CompressionLevel::Fastest)
                .compress_when(SizeAbove::new(1024).and(NotForContentType::IMAGES)),
        )
        .with_state(state)
}

/// /about, /help, /privacy, /accessibility, /contact.
fn info_routes() -> Router<AppState> {
    web::InfoPage::ALL.into_iter().fold(Router::new(), |router, page| {
        router.route(
            &format!("/{}", page.slug()),
            get(move |State(app): State<AppState>, p: web::Page| web::info(app, p, page)),
        )
    })
}

async fn not_found(lang: i18n::UiLang, request: Request) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/api/") || path.starts_with("/tile/") {
        Problem::not_found(format!("no such resource: {path}")).in_lang(lang.lang).into_response()
    } else {
        web::not_found_page(lang, &path).into_response()
    }
}

async fn method_not_allowed(lang: i18n::UiLang, request: Request) -> Response {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        format!("{} is not allowed on {}", request.method(), request.uri().path()),
    )
    .in_lang(lang.lang)
    .into_response()
}

async fn time_limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => Problem::new(StatusCode::SERVICE_UNAVAILABLE, "timeout", "the request took too long; try again")
            .retry_after(1)
            .into_response(),
    }
}

async fn healthz() -> &'static str {
    "ok\n"
}

/// Ready when storage answers and the log has a signed checkpoint.
async fn readyz(State(app): State<AppState>) -> Response {
    if let Some(index) = app.shared.corrupt_entry() {
        let detail =
            format!("stored entry {index} does not match the log's tree; no checkpoint is signed until it is mended");
        return Problem::new(StatusCode::SERVICE_UNAVAILABLE, "log-corrupt", detail).into_response();
    }
    let reader = app.reader.clone();
    let storage = api::blocking(move || Ok(reader.size()?)).await;
    match (storage, app.shared.latest_checkpoint()) {
        (Ok(_), Some(_)) => "ready\n".into_response(),
        (Err(p), _) => p.into_response(),
        (Ok(_), None) => Problem::new(StatusCode::SERVICE_UNAVAILABLE, "no-checkpoint", "no checkpoint signed yet")
            .retry_after(1)
            .into_response(),
    }
}

async fn metrics_text(State(app): State<AppState>) -> Response {
    let age = app.shared.latest_checkpoint().map_or(0.0, |c| {
        let now =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
        now.saturating_sub(c.signed_at_ms) as f64 / 1000.0
    });
    (
        [(axum::http::header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")],
        app.metrics.render(age),
    )
        .into_response()
}

/// A started instance: storage open, sequencer running, first entry logged. Not yet
/// listening — [`serve`] adds the socket; tests drive [`router`] directly.
pub struct Instance {
    pub state: AppState,
    sequencer: Sequencer,
    /// Delivers queued mail; holds a sequencer handle, so it is stopped before the drain.
    outbox: tokio::task::JoinHandle<()>,
    /// Reads the stored log back against its tiles now and then (`api::recheck_log`).
    recheck: Option<tokio::task::JoinHandle<()>>,
    /// Asks the witnesses to cosign each checkpoint (`witnessing::run`); ends at once without.
    witnessing: tokio::task::JoinHandle<()>,
}

impl Instance {
    pub async fn start(mut config: Config) -> Result<Instance, ServeError> {
        keys::create_private_dir(&config.data_dir)
            .map_err(|source| ServeError::DataDir { path: config.data_dir.display().to_string(), source })?;
        config.origin = keys::resolve_origin(&config)?;
        let signer = keys::load_or_create_signer(&config.data_dir, &config.origin)?;
        let api_token = keys::load_or_create_api_token(&config.data_dir)?;
        let location = config.database_location();
        let max_read = config.max_read_connections()?;
        let opened = {
            let location = location.clone();
            // The PostgreSQL driver blocks; keep it off the async workers.
            tokio::task::spawn_blocking(move || dauys_store::open_with(&location, max_read)).await?
        };
        let (writer, reader) =
            opened.map_err(|source| ServeError::Store { location: dauys_store::redact(&location), source })?;
        let people_keys = keys::load_or_create_people_keys(&config)?;
        let private_store = {
            let location = location.clone();
            tokio::task::spawn_blocking(move || dauys_store::open_private(&location, max_read)).await?
        }
        .map_err(|source| ServeError::Store { location: dauys_store::redact(&location), source })?;
        let metrics = Arc::new(Metrics::default());
        let shared = Arc::new(Shared::default());
        let deployment = Arc::new(projection::DeploymentView::default());
        let views = Views::default();
        // Every read model the sequencer keeps, in the order it publishes them: the
        // deployment's bodies, which the capabilities' views refer to, come first.
        let projectors = [vec![deployment.clone() as Arc<dyn projection::Projector>], views.projectors()].concat();
        let vkey = signer.vkey();
        let sequencer_config = SequencerConfig {
            origin: config.origin.clone(),
            checkpoint_interval: Duration::from_millis(config.checkpoint_interval_ms),
            max_batch: config.max_batch,
            queue_capacity: config.queue_capacity,
        };
        // Resuming reads storage through blocking drivers.
        let (sequencer, handle) = {
            let (metrics, shared) = (metrics.clone(), shared.clone());
            tokio::task::spawn_blocking(move || {
                Sequencer::start(writer, signer, sequencer_config, metrics, shared, projectors)
            })
            .await??
        };
        release_load_spike();
        return_large_blocks_to_the_os();
        let people = Arc::new(
            people::People::new(
                &private_store,
                reader.clone(),
                handle.clone(),
                people_keys,
                dauys_identity::password::PasswordParams::default(),
                &config.first_administrator_email,
            )
            .with_password_pool(
                config.password_hash_slots(),
                Duration::from_millis(config.password_queue_ms),
                metrics.password_hash_refusals.clone(),
            ),
        );
        let limits = people::session::Limits::new(config.sign_in_per_minute, config.sign_up_per_hour);
        let oidc = (!config.oidc_issuer_url.is_empty()).then(|| {
            Arc::new(people::oidc::OidcVerifier::new(people::oidc::OidcSettings {
                issuer_url: config.oidc_issuer_url.clone(),
                client_id: config.oidc_client_id.clone(),
                client_secret: config.oidc_client_secret.clone(),
                redirect_url: format!("{}/verify/oidc/callback", config.public_url()),
                iin_claim: config.oidc_iin_claim.clone(),
                locality_claim: config.oidc_locality_claim.clone(),
            }))
        });
        let capabilities = Capabilities::start(
            &Platform {
                config: &config,
                people: &people,
                private: &private_store,
                sequencer: &handle,
                deployment: &deployment,
            },
            views,
        );
        let config_page_cache_ms = config.public_page_cache_ms;
        let state = AppState {
            capabilities,
            config: Arc::new(config),
            reader,
            sequencer: handle,
            shared,
            deployment,
            metrics,
            vkey,
            api_token: api_token.into(),
            people,
            limits,
            oidc,
            demo: false,
            page_cache: Arc::new(web::cache::PageCache::new(Duration::from_millis(config_page_cache_ms))),
        };
        record_deployment(&state).await?;
        publish_access_bases(&state).await?;
        for event in state.capabilities.genesis() {
            state.sequencer.submit(event).await.map_err(ServeError::Genesis)?;
        }
        let sender = Arc::new(people::mail::Sender::from_config(&state.config).map_err(ServeError::Mail)?);
        let outbox = tokio::spawn(people::mail::run_outbox(state.people.clone(), sender));
        let recheck = (state.config.log_recheck_interval_secs > 0).then(|| {
            let interval = Duration::from_secs(state.config.log_recheck_interval_secs);
            tokio::spawn(api::recheck_log(api::LogIntegrity::of(&state), interval))
        });
        let witnessing = tokio::spawn(witnessing::run(api::LogIntegrity::of(&state), state.config.clone()));
        Ok(Instance { state, sequencer, outbox, recheck, witnessing })
    }

    /// Waits until every submission made so far is committed and covered by a signed
    /// checkpoint. Every clone of the state (and so of the sequencer handle) must be gone.
    pub async fn shutdown(self) -> Result<(), ServeError> {
        let Instance { state, sequencer, outbox, recheck, witnessing } = self;
        outbox.abort();
        let _ = outbox.await;
        witnessing.abort();
        let _ = witnessing.await;
        if let Some(recheck) = recheck {
            recheck.abort();
            let _ = recheck.await;
        }
        drop(state);
        tokio::task::spawn_blocking(move || sequencer.join()).await?;
        Ok(())
    }
}

/// Resuming reads every projection row (one per signature) into memory at once; freed
/// afterwards, those pages would otherwise stay in the process's resident set for good, as
/// glibc keeps small freed blocks. Returning them makes the reported memory the state's.
fn release_load_spike() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap pages to the OS; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Each password hash allocates ~19 MiB. glibc serves a block that size by mmap, but after
/// freeing one it raises its mmap threshold, so later hashes come from the thread's arena and
/// stay in the process when freed (a flood of sign-ins left hundreds of MiB held). A fixed
/// threshold keeps such blocks mmapped, so freeing a hash's memory returns it to the OS.
fn return_large_blocks_to_the_os() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's tuning; 4 MiB is a valid threshold.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 4 * 1024 * 1024);
    }
}

/// Starts everything, serves until SIGINT/SIGTERM, then drains: in-flight requests finish,
/// the sequencer commits what was queued and signs a last checkpoint.
pub async fn serve(config: Config, options: ServeOptions) -> Result<(), ServeError> {
    let listen = config.listen;
    if options.demo {
        // A new demo log gets months of backdated history before anything else is written.
        let started = std::time::Instant::now();
        if let Some(size) = demo::seed_history(&config).await? {
            tracing::info!(entries = size, ms = started.elapsed().as_millis() as u64, "demo history written");
        }
    }
    let instance = Instance::start(config).await?;
    let listener =
        tokio::net::TcpListener::bind(listen).await.map_err(|source| ServeError::Listen { addr: listen, source })?;
    let mut state = instance.state.clone();
    state.demo = options.demo;
    let demo = options.demo.then(|| tokio::spawn(demo::run(state.clone())));
    tracing::info!(
        url = %state.config.public_url(),
        database = %dauys_store::redact(&state.config.database_location()),
        origin = %state.config.origin,
        vkey = %state.vkey,
        "Dauys is serving"
    );
    let limits = connection_limits(&state.config);
    tracing::info!(
        max_connections = limits.max_connections,
        header_read_timeout_secs = limits.header_read_timeout.as_secs(),
        idle_timeout_secs = limits.idle_timeout.as_secs(),
        "accepting connections"
    );
    let metrics = state.metrics.clone();
    connections::serve(listener, router(state), limits, metrics, shutdown_signal()).await;
    if let Some(demo) = demo {
        demo.abort();
        let _ = demo.await;
    }
    tracing::info!("draining the sequencer");
    instance.shutdown().await
}

fn connection_limits(config: &Config) -> connections::ConnectionLimits {
    connections::ConnectionLimits {
        max_connections: connections::connections_that_fit(config.max_connections),
        header_read_timeout: Duration::from_secs(config.header_read_timeout_secs),
        idle_timeout: Duration::from_secs(config.idle_timeout_secs),
        drain_timeout: Duration::from_secs(config.request_timeout_secs),
    }
}

/// The first entry of a new log says what deployment it belongs to.
async fn record_deployment(state: &AppState) -> Result<(), ServeError> {
    let reader = state.reader.clone();
    let size = tokio::task::spawn_blocking(move || reader.size()).await?.map_err(|source| ServeError::Store {
        location: dauys_store::redact(&state.config.database_location()),
        source,
    })?;
    if size > 0 {
        return Ok(());
    }
    let names = &state.config.deployment_name;
    let event = Event::DeploymentConfigured {
        name: LocalizedText { kk: names.kk.clone(), ru: names.ru.clone(), en: names.en.clone() },
        utc_offset_minutes: state.config.utc_offset_minutes,
        act_rule: Some(dauys_core::ACT_RULE_LATEST),
    };
    state.sequencer.submit(event).await.map(|_| ()).map_err(ServeError::Genesis)
}

/// A new log gets the default legal bases for opening personal data, so officials can work
/// from the first day; a deployment republishes its own.
async fn publish_access_bases(state: &AppState) -> Result<(), ServeError> {
    let reader = state.reader.clone();
    let published =
        tokio::task::spawn_blocking(move || reader.projection_row("access-bases")).await?.map_err(|source| {
            ServeError::Store { location: dauys_store::redact(&state.config.database_location()), source }
        })?;
    if published.is_some() {
        return Ok(());
    }
    let event = Event::AccessBasesPublished { bases: people::default_access_bases() };
    state.sequencer.submit(event).await.map(|_| ()).map_err(ServeError::Genesis)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
}
