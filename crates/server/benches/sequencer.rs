//! Durable appends per second through the sequencer, on SQLite or PostgreSQL, and the
//! server's resident memory as the log grows. Prints figures; asserts nothing.
//!
//! ```sh
//! cargo bench -p dauys-server --bench sequencer -- --backend sqlite --bytes 200 --count 200000
//! cargo bench -p dauys-server --bench sequencer -- --backend postgres --bytes 2000 --count 100000
//! cargo bench -p dauys-server --bench sequencer -- --backend sqlite --bytes 200 --count 10000000 --kind deployment
//! ```
//!
//! `--kind notice` (default) appends public notices, each of which adds to the public state;
//! `--kind deployment` re-issues the deployment's configuration, which replaces state, so
//! the memory figures isolate what the log machinery itself holds.

use std::sync::Arc;
use std::time::Instant;

use dauys_core::{Event, LocalizedText, MAX_ENTRY_BYTES};
use dauys_server::config::Config;
use dauys_server::Instance;
use dauys_testkit::{Backend, TestDatabase};

struct Args {
    backend: Backend,
    bytes: usize,
    count: u64,
    submitters: usize,
    kind: String,
}

fn parse_args() -> Args {
    let mut args =
        Args { backend: Backend::Sqlite, bytes: 200, count: 100_000, submitters: 4096, kind: "notice".into() };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--backend" => args.backend = value().parse().unwrap_or_else(|e: String| panic!("{e}")),
            "--bytes" => args.bytes = value().parse().expect("--bytes N"),
            "--count" => args.count = value().parse().expect("--count N"),
            "--submitters" => args.submitters = value().parse().expect("--submitters N"),
            "--kind" => args.kind = value(),
            "--bench" => {}
            other => panic!("unknown flag {other}"),
        }
    }
    args
}

/// An event whose canonical entry is `bytes` long (or as close as the event allows).
fn event(kind: &str, n: u64, bytes: usize) -> Event {
    let with_filler = |len: usize| {
        let filler = "x".repeat(len);
        match kind {
            "deployment" => Event::DeploymentConfigured {
                name: LocalizedText { kk: format!("k{filler}"), ru: format!("r{filler}"), en: format!("e{filler}") },
                utc_offset_minutes: (n % 600) as i16,
                act_rule: None,
            },
            _ => Event::NoticePublished {
                notice: format!("bench-{n}").parse().expect("valid id"),
                title: LocalizedText { kk: "Т".into(), ru: "Т".into(), en: "T".into() },
                text: LocalizedText { kk: format!("k{filler}"), ru: format!("r{filler}"), en: format!("e{filler}") },
            },
        }
    };
    let base = dauys_core::Entry::new(dauys_core::Timestamp(1_780_000_000_000), with_filler(0)).encode().len();
    let cap = if kind == "deployment" { 299 } else { 9_999 };
    with_filler((bytes.saturating_sub(base) / 3).min(cap))
}

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let args = parse_args();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(run(args));
}

async fn run(args: Args) {
    let db = TestDatabase::new(args.backend);
    let config = Config { data_dir: db.dir.path().to_path_buf(), database_url: db.database_url(), ..Config::default() };
    let instance = Instance::start(config).await.expect("instance");
    let sample = dauys_core::Entry::new(dauys_core::Timestamp(1_780_000_000_000), event(&args.kind, 0, args.bytes));
    let entry_bytes = sample.encode().len();
    assert!(entry_bytes <= MAX_ENTRY_BYTES);
    println!(
        "backend={:?} kind={} entry_bytes={} count={} submitters={}",
        args.backend, args.kind, entry_bytes, args.count, args.submitters
    );
    println!("rss_start_mib={:.1}", rss_mib());
    let next = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let started = Instant::now();
    let report_every = (args.count / 10).max(1);
    let tasks: Vec<_> = (0..args.submitters)
        .map(|_| {
            let sequencer = instance.state.sequencer.clone();
            let next = next.clone();
            let (kind, bytes, count) = (args.kind.clone(), args.bytes, args.count);
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if n >= count {
                        break;
                    }
                    sequencer.submit(event(&kind, n, bytes)).await.expect("append");
                    if (n + 1).is_multiple_of(report_every) {
                        let secs = started.elapsed().as_secs_f64();
                        println!(
                            "  {:>10} appended  {:>8.0}/s  rss={:.1} MiB",
                            n + 1,
                            (n + 1) as f64 / secs,
                            rss_mib()
                        );
                    }
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("submitter");
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "durable_appends_per_sec={:.0} seconds={:.2} mib_per_sec={:.1} rss_end_mib={:.1}",
        args.count as f64 / secs,
        secs,
        (args.count as f64 * entry_bytes as f64) / secs / (1024.0 * 1024.0),
        rss_mib()
    );
    let publish_started = Instant::now();
    loop {
        let size = instance.state.shared.latest_checkpoint().map_or(0, |c| c.checkpoint.size);
        if size > args.count {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    println!("checkpoint_lag_after_last_ack_ms={:.0}", publish_started.elapsed().as_secs_f64() * 1000.0);
    instance.shutdown().await.expect("shutdown");
}
