//! Prometheus metrics: what an operator needs to see that acknowledged is also published.

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

pub struct Metrics {
    registry: Registry,
    pub appends: Counter,
    pub rejections: Counter,
    pub batch_size: Histogram,
    pub append_latency_seconds: Histogram,
    pub commit_failures: Counter,
    pub tree_size: Gauge,
    pub checkpoint_size: Gauge,
    /// Client connections held now (bounded by `max_connections`).
    pub connections_open: Gauge,
    /// Password checks and hashes refused because the bounded hashing pool stayed full.
    pub password_hash_refusals: Counter,
    /// Stored entries found not to match their tile (1 at most: the first stops signing).
    pub corrupt_entries: Counter,
    /// Witness requests that did not end in a valid cosignature.
    pub witness_failures: Counter,
    /// Cosignatures on the checkpoint `/checkpoint` serves.
    pub witness_cosignatures: Gauge,
    checkpoint_age_seconds: Gauge<f64, std::sync::atomic::AtomicU64>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("dauys");
        let m = Metrics {
            appends: Counter::default(),
            rejections: Counter::default(),
            batch_size: Histogram::new(exponential_buckets(1.0, 4.0, 8)),
            append_latency_seconds: Histogram::new(exponential_buckets(0.0005, 2.0, 14)),
            commit_failures: Counter::default(),
            tree_size: Gauge::default(),
            checkpoint_size: Gauge::default(),
            connections_open: Gauge::default(),
            password_hash_refusals: Counter::default(),
            corrupt_entries: Counter::default(),
            witness_failures: Counter::default(),
            witness_cosignatures: Gauge::default(),
            checkpoint_age_seconds: Gauge::default(),
            registry: Registry::default(),
        };
        registry.register("appends", "Entries appended durably to the log", m.appends.clone());
        registry.register("rejections", "Submitted events rejected by the rules", m.rejections.clone());
        registry.register("batch_size", "Entries per committed batch", m.batch_size.clone());
        registry.register(
            "append_latency_seconds",
            "Time from submission to durable acknowledgement",
            m.append_latency_seconds.clone(),
        );
        registry.register("commit_failures", "Batch commits that failed and were retried", m.commit_failures.clone());
        registry.register("tree_size", "Entries in the log", m.tree_size.clone());
        registry.register("checkpoint_size", "Tree size of the latest signed checkpoint", m.checkpoint_size.clone());
        registry.register("connections_open", "Client connections held now", m.connections_open.clone());
        registry.register(
            "password_hash_refusals",
            "Sign-ins, sign-ups and resets answered 503 because every password-hashing slot stayed busy",
            m.password_hash_refusals.clone(),
        );
        registry.register(
            "corrupt_entries",
            "Stored entries found not to match the log's tree (served to no one; no checkpoint is signed after one)",
            m.corrupt_entries.clone(),
        );
        registry.register(
            "witness_failures",
            "Requests to witnesses that did not end in a valid cosignature",
            m.witness_failures.clone(),
        );
        registry.register(
            "witness_cosignatures",
            "Witness cosignatures on the checkpoint /checkpoint serves",
            m.witness_cosignatures.clone(),
        );
        registry.register(
            "checkpoint_age_seconds",
            "Seconds since the latest checkpoint was signed",
            m.checkpoint_age_seconds.clone(),
        );
        Metrics { registry, ..m }
    }
}

impl Metrics {
    /// The text exposition, with the checkpoint age computed now.
    pub fn render(&self, checkpoint_age_seconds: f64) -> String {
        self.checkpoint_age_seconds.set(checkpoint_age_seconds);
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}
