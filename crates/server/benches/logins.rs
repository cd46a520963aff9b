//! Sign-ins per second through the real router: form parsing, CSRF check, rate limiter,
//! account lookup, Argon2id verification (default parameters: m = 19 MiB, t = 2, p = 1) and
//! session creation, on SQLite.
//!
//! ```sh
//! cargo bench -p dauys-server --bench logins -- --accounts 32 --seconds 10 --concurrency 8
//! ```
//!
//! Prints sign-ins per second and the p50/p99 latency. Argon2id dominates by design, so the
//! figure is roughly cores × (1 / verification time).

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use dauys_server::config::Config;
use dauys_server::{router, Instance};
use dauys_testkit::{Backend, TestDatabase};
use tower::ServiceExt;

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let (accounts, seconds, concurrency) = (arg("--accounts", 32), arg("--seconds", 10), arg("--concurrency", 8));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async move {
        let db = TestDatabase::new(Backend::Sqlite);
        let config = Config {
            data_dir: db.dir.path().to_path_buf(),
            database_url: db.database_url(),
            sign_in_per_minute: 1_000_000,
            ..Config::default()
        };
        let instance = Instance::start(config).await.expect("instance");
        let people = instance.state.people.clone();
        let emails: Vec<String> = (0..accounts).map(|n| format!("bench-{n}@example.kz")).collect();
        for email in emails.clone() {
            let p = people.clone();
            tokio::task::spawn_blocking(move || p.sign_up(&email, "correct horse battery staple"))
                .await
                .expect("task")
                .expect("sign-up");
        }
        println!("accounts={accounts} seconds={seconds} concurrency={concurrency} argon2id m=19456KiB t=2 p=1");
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let started = Instant::now();
        let tasks: Vec<_> = (0..concurrency)
            .map(|worker| {
                let (state, emails) = (instance.state.clone(), emails.clone());
                tokio::spawn(async move {
                    let mut latencies = Vec::new();
                    let mut n = worker as usize;
                    while Instant::now() < deadline {
                        let email = &emails[n % emails.len()];
                        n += concurrency as usize;
                        let body = format!("csrf=bench&next=/me&email={email}&password=correct+horse+battery+staple");
                        let request = Request::builder()
                            .method(Method::POST)
                            .uri("/login")
                            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                            .header(header::COOKIE, "dauys_form=bench")
                            .body(Body::from(body))
                            .expect("request");
                        let t = Instant::now();
                        let response = router(state.clone()).oneshot(request).await.expect("response");
                        assert_eq!(response.status(), StatusCode::SEE_OTHER, "sign-in failed");
                        latencies.push(t.elapsed());
                    }
                    latencies
                })
            })
            .collect();
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.expect("worker"));
        }
        let secs = started.elapsed().as_secs_f64();
        all.sort();
        let pct = |p: f64| all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1))).copied();
        println!(
            "sign_ins={} sign_ins_per_sec={:.1} p50_ms={:.1} p99_ms={:.1}",
            all.len(),
            all.len() as f64 / secs,
            pct(0.50).unwrap_or_default().as_secs_f64() * 1000.0,
            pct(0.99).unwrap_or_default().as_secs_f64() * 1000.0
        );
        drop(people);
        instance.shutdown().await.expect("shutdown");
    });
}
