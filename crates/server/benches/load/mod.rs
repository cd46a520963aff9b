//! What the server's load benches share: a test instance's configuration for load from one
//! address, verified people with live sessions (made through the real people service, with
//! cheap password hashing for the set-up only), keep-alive HTTP/1.1 connections, latency
//! tallies, and the process's memory figures.

// Each bench uses only some of these.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use dauys_core::{Locality, Region};
use dauys_identity::password::PasswordParams;
use dauys_server::config::Config;
use dauys_server::people::{Account, IdentityClaim, People};
use dauys_server::AppState;
use dauys_testkit::TestDatabase;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;

pub fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse().ok()))
        .unwrap_or(0)
}

pub fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

pub fn config_for(db: &TestDatabase) -> Config {
    Config {
        data_dir: db.dir.path().to_path_buf(),
        database_url: db.database_url(),
        // All load comes from 127.0.0.1: see the module documentation.
        sign_per_minute_per_address: 100_000_000,
        flag_address_burst: 100_000_000,
        flag_new_account_burst: 100_000_000,
        ..Config::default()
    }
}

/// A valid IIN for person `n`: born in 1960–1999 (so 18 or older), serial from `n`.
pub fn iin(n: usize) -> String {
    let day = time::Date::from_calendar_date(1960, time::Month::January, 1).expect("date")
        + time::Duration::days((n / 5_000) as i64 * 7 + 1);
    let prefix =
        format!("{:02}{:02}{:02}3{:04}", day.year() % 100, u8::from(day.month()), day.day(), n % 5_000 + 1_000);
    (0..=9)
        .map(|last| format!("{prefix}{last}"))
        .find(|candidate| dauys_identity::iin::Iin::parse(candidate).is_ok())
        .unwrap_or_else(|| iin(n + 1_000_000))
}

/// A verified person with a live session.
#[derive(Clone)]
pub struct Person {
    pub token: String,
    pub csrf: String,
}

/// Per-kind results of one worker.
pub struct Tally {
    pub latency: Histogram<u64>,
    pub ok: u64,
    pub errors: BTreeMap<String, u64>,
}

impl Tally {
    pub fn new() -> Tally {
        Tally {
            latency: Histogram::new_with_bounds(1, 600_000_000, 3).expect("histogram"),
            ok: 0,
            errors: BTreeMap::new(),
        }
    }

    pub fn record(&mut self, started: Instant, outcome: Result<(), String>) {
        let micros = started.elapsed().as_micros().clamp(1, 600_000_000) as u64;
        self.latency.saturating_record(micros);
        match outcome {
            Ok(()) => self.ok += 1,
            Err(e) => *self.errors.entry(e).or_insert(0) += 1,
        }
    }

    pub fn merge(&mut self, other: Tally) {
        self.latency.add(&other.latency).expect("same bounds");
        self.ok += other.ok;
        for (k, v) in other.errors {
            *self.errors.entry(k).or_insert(0) += v;
        }
    }

    pub fn report(&self, name: &str, secs: f64) -> f64 {
        let ms = |q: f64| self.latency.value_at_quantile(q) as f64 / 1000.0;
        let rate = self.ok as f64 / secs;
        println!(
            "{name}: ok={} per_sec={:.0} p50_ms={:.2} p99_ms={:.2} max_ms={:.2} errors={:?}",
            self.ok,
            rate,
            ms(0.50),
            ms(0.99),
            self.latency.max() as f64 / 1000.0,
            self.errors
        );
        rate
    }
}

/// One keep-alive HTTP/1.1 connection.
pub struct Connection {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
}

impl Connection {
    pub async fn open(addr: SocketAddr) -> Connection {
        let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.expect("handshake");
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Connection { sender }
    }

    /// Sends a request and reads the whole answer; returns the status.
    pub async fn send(&mut self, request: hyper::Request<Full<Bytes>>) -> Result<u16, String> {
        self.send_reading(request, "location").await.map(|(status, _)| status)
    }

    /// Sends a request and reads the whole answer; returns the status and the `ETag`.
    pub async fn send_tagged(&mut self, request: hyper::Request<Full<Bytes>>) -> Result<(u16, Option<String>), String> {
        self.send_reading(request, "etag").await
    }

    /// Sends a request and reads the whole answer; returns the status and the `Location`.
    pub async fn send_located(
        &mut self,
        request: hyper::Request<Full<Bytes>>,
    ) -> Result<(u16, Option<String>), String> {
        self.send_reading(request, "location").await
    }

    /// Sends a request and reads the whole answer; returns the status and one header's value.
    async fn send_reading(
        &mut self,
        request: hyper::Request<Full<Bytes>>,
        header: &str,
    ) -> Result<(u16, Option<String>), String> {
        self.sender.ready().await.map_err(|e| format!("connection: {e}"))?;
        let response = self.sender.send_request(request).await.map_err(|e| format!("request: {e}"))?;
        let status = response.status().as_u16();
        let value = response.headers().get(header).and_then(|v| v.to_str().ok()).map(str::to_owned);
        response.into_body().collect().await.map_err(|e| format!("body: {e}"))?;
        Ok((status, value))
    }
}

pub fn get(path: &str) -> hyper::Request<Full<Bytes>> {
    get_with(path, &[])
}

/// A GET with more headers, as a browser sends them (`accept-encoding`, `if-none-match`).
pub fn get_with(path: &str, headers: &[(&str, &str)]) -> hyper::Request<Full<Bytes>> {
    let mut request =
        hyper::Request::builder().method("GET").uri(path).header("host", "127.0.0.1").header("accept-language", "kk");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Full::new(Bytes::new())).expect("request")
}

/// `total` verified people with live sessions, verified by a first administrator (returned
/// too) as at a service centre, through a second people service over the instance's store and
/// keys with cheap password hashing: sign-up's Argon2id at the default cost would take
/// 20,000 × 28 ms, and nobody signs in by password here.
pub async fn verified_people(
    state: &AppState,
    config: &Config,
    total: usize,
) -> (Arc<People>, Arc<Account>, Vec<Person>) {
    let (location, max) = (config.database_location(), config.max_read_connections().expect("a valid maximum"));
    let store = tokio::task::spawn_blocking(move || dauys_store::open_private(&location, max))
        .await
        .expect("task")
        .expect("people store");
    let keys = dauys_server::keys::load_or_create_people_keys(config).expect("people keys");
    let cheap = PasswordParams { memory_kib: 8, iterations: 1, parallelism: 1 };
    let people = Arc::new(People::new(&store, state.reader.clone(), state.sequencer.clone(), keys, cheap, ""));

    let started = Instant::now();
    let admin_id = {
        let p = people.clone();
        tokio::task::spawn_blocking(move || p.sign_up("bench-admin@example.kz", "correct horse battery staple"))
            .await
            .expect("task")
            .expect("sign-up")
            .expect("new account")
    };
    people.grant_first_administrator(&admin_id).await.expect("administrator");
    let admin = {
        let (p, id) = (people.clone(), admin_id.to_string());
        Arc::new(tokio::task::spawn_blocking(move || p.account(&id)).await.expect("task").expect("admin"))
    };

    // People: sign up, verify (by the administrator, as at a service centre), start a session.
    let next = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..64)
        .map(|_| {
            let (people, admin, next) = (people.clone(), admin.clone(), next.clone());
            tokio::spawn(async move {
                let mut made = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed) as usize;
                    if n >= total {
                        break;
                    }
                    let p = people.clone();
                    let id = tokio::task::spawn_blocking(move || {
                        p.sign_up(&format!("bench-{n}@example.kz"), "correct horse battery staple")
                    })
                    .await
                    .expect("task")
                    .expect("sign-up")
                    .expect("new account");
                    let claim = IdentityClaim {
                        iin: iin(n),
                        given_name: "Айгүл".into(),
                        family_name: format!("Бенч{n}"),
                        locality: Locality { region: Region::ALL[n % Region::ALL.len()], district: None },
                    };
                    people
                        .verify(&id, &claim, dauys_core::VerificationMethod::Manual, Some(&admin))
                        .await
                        .expect("verified");
                    let p = people.clone();
                    let person = tokio::task::spawn_blocking(move || {
                        let account = p.account(id.as_str()).expect("account");
                        let token = p.start_session(&account, 24 * 3_600_000).expect("session");
                        let csrf = p.session(&token).expect("session read").expect("live session").csrf;
                        Person { token, csrf }
                    })
                    .await
                    .expect("task");
                    made.push((n, person));
                }
                made
            })
        })
        .collect();
    let mut made = Vec::with_capacity(total);
    for w in workers {
        made.extend(w.await.expect("worker"));
    }
    made.sort_by_key(|(n, _)| *n);
    let persons: Vec<Person> = made.into_iter().map(|(_, p)| p).collect();
    println!("setup: {} verified people with sessions in {:.1} s", persons.len(), started.elapsed().as_secs_f64());

    (people, admin, persons)
}

/// The server answering on a real TCP socket (127.0.0.1, an ephemeral port) on `runtime`.
pub struct Serving {
    pub addr: SocketAddr,
    /// Send to stop it gracefully; then await `task`.
    pub stop: tokio::sync::oneshot::Sender<()>,
    pub task: tokio::task::JoinHandle<()>,
}

/// Serves `state`'s router on `runtime`, as `dauys serve` does (with the peer's address).
pub fn serve(runtime: &tokio::runtime::Runtime, state: &AppState) -> Serving {
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("listen");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = dauys_server::router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let task = runtime.spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
            .expect("serve");
    });
    Serving { addr, stop, task }
}

/// The load generator's own runtime, so that it and the server share the cores as two
/// processes would.
/// CPU seconds (user + system) this process's threads have used, by thread name: the load
/// generator's threads are named `client`, the server's runtime `server`, the sequencer's
/// its own. Read from `/proc/self/task/*/stat` (Linux).
pub fn cpu_by_thread() -> BTreeMap<String, f64> {
    let ticks = 100.0; // USER_HZ, 100 on Linux
    let mut by_name = BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return by_name };
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else { continue };
        // `pid (comm) state …`: comm may hold spaces, so split at the last ')'.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else { continue };
        let name = stat[open + 1..close].to_string();
        let fields: Vec<&str> = stat[close + 2..].split_whitespace().collect();
        let (Some(utime), Some(stime)) = (fields.get(11), fields.get(12)) else { continue };
        let secs = (utime.parse::<f64>().unwrap_or(0.0) + stime.parse::<f64>().unwrap_or(0.0)) / ticks;
        *by_name.entry(name).or_insert(0.0) += secs;
    }
    by_name
}

/// Prints each thread group's share of the CPU used between two [`cpu_by_thread`] readings.
pub fn report_cpu(before: &BTreeMap<String, f64>, after: &BTreeMap<String, f64>, wall_secs: f64) {
    let used: Vec<(String, f64)> =
        after.iter().map(|(name, secs)| (name.clone(), secs - before.get(name).copied().unwrap_or(0.0))).collect();
    let total: f64 = used.iter().map(|(_, s)| s).sum();
    let client: f64 = used.iter().filter(|(n, _)| n.starts_with("client")).map(|(_, s)| s).sum();
    println!(
        "cpu: {total:.1} s in {wall_secs:.1} s ({:.2} cores); load generator (client threads) {client:.1} s = {:.0}% of it",
        total / wall_secs,
        100.0 * client / total.max(f64::EPSILON)
    );
    let mut rest: Vec<&(String, f64)> = used.iter().filter(|(_, s)| *s >= 0.05).collect();
    rest.sort_by(|a, b| b.1.total_cmp(&a.1));
    let parts: Vec<String> = rest.iter().map(|(n, s)| format!("{n} {s:.1} s")).collect();
    println!("cpu by thread: {}", parts.join(", "));
}

pub fn client_runtime(threads: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .thread_name("client")
        .enable_all()
        .build()
        .expect("client runtime")
}
