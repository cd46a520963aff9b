//! Following a log continuously, as Certificate Transparency monitors do: each round is an
//! incremental [audit](crate::audit) (new entries replayed through the rules, the history
//! proven to extend the last one), plus what one audit cannot see alone:
//!
//! - a checkpoint whose witnesses vouched for it too long ago (the log may be withholding
//!   entries from this monitor);
//! - an event the rules required that stays missing from one round to the next (the server is
//!   not keeping the rules' deadlines);
//! - a checkpoint, signed with the log's key, that a witness cosigned and that contradicts the
//!   log this monitor verified (a split view), and the contradicting checkpoints a witness
//!   kept as evidence.
//!
//! A round returns its [`Alert`]s; the caller prints them and sends them on (a webhook).

use std::collections::BTreeSet;

use dauys_ledger::{Checkpoint, NoteVerifier};
use serde::Serialize;

use crate::{audit_with, check_extends, AuditError, AuditOptions, AuditReport, Fetch, HttpFetch};

/// What a monitor watches besides the log itself.
pub struct MonitorOptions {
    /// The audit each round runs (with its witness policy, if any).
    pub audit: AuditOptions,
    /// Witnesses to ask what they cosigned for this log (their monitoring URLs).
    pub witness_urls: Vec<String>,
    /// Alert when the newest cosignature on the checkpoint is older than this (seconds).
    /// Needs a witness policy: without witnesses nothing tells an idle log from a stale one.
    pub max_age_secs: Option<u64>,
}

/// Why a monitor raised an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AlertKind {
    /// The log now shows a history that contradicts one it signed before.
    HistoryDiffers,
    /// An entry the rules forbid, or one that is not a valid entry, under a valid signature.
    RuleBroken,
    /// The checkpoint lacks the cosignatures the policy demands.
    NotWitnessed,
    /// The witnesses last vouched for the checkpoint longer ago than allowed.
    Stale,
    /// An event the rules required was still missing a round later.
    RulesNotKept,
    /// A witness holds a checkpoint signed by the log that contradicts this monitor's view.
    SplitView,
    /// A witness kept contradicting checkpoints of this log as evidence.
    WitnessEvidence,
    /// The log or a witness could not be read, or what it sent did not verify.
    Unreachable,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Alert {
    pub kind: AlertKind,
    pub message: String,
}

/// One round's outcome.
pub struct Round {
    /// The audit's report, when it passed.
    pub report: Option<AuditReport>,
    pub alerts: Vec<Alert>,
}

/// Runs one round against the log behind `fetch` and the witnesses behind `witness_fetch`
/// (one per URL, same order). `now_secs` is the wall clock; `pending_before` the rule events
/// pending after the previous round.
pub fn round(
    options: &MonitorOptions,
    fetch: &impl Fetch,
    witness_fetch: &[impl Fetch],
    now_secs: u64,
    pending_before: &BTreeSet<String>,
) -> Round {
    let mut alerts = BTreeSet::new();
    let mut alert = |kind, message: String| {
        alerts.insert(Alert { kind, message });
    };
    let report = match audit_with(fetch, &options.audit) {
        Ok(report) => Some(report),
        Err(e) => {
            let kind = match &e {
                AuditError::Inconsistent { .. } => AlertKind::HistoryDiffers,
                AuditError::RuleViolation { .. } | AuditError::InvalidEntry { .. } => AlertKind::RuleBroken,
                AuditError::NotWitnessed { .. } => AlertKind::NotWitnessed,
                AuditError::TileMismatch { .. }
                | AuditError::RootMismatch { .. }
                | AuditError::BadCheckpoint { .. } => AlertKind::HistoryDiffers,
                _ => AlertKind::Unreachable,
            };
            alert(kind, e.to_string());
            None
        }
    };
    if let Some(report) = &report {
        if let (Some(max_age), Some(newest)) =
            (options.max_age_secs, report.cosignatures.iter().map(|c| c.timestamp).max())
        {
            let age = now_secs.saturating_sub(newest);
            if age > max_age {
                alert(
                    AlertKind::Stale,
                    format!(
                        "the witnesses last vouched for checkpoint {} {age} s ago (allowed: {max_age} s)",
                        report.checkpoint.size
                    ),
                );
            }
        }
        for pending in report.pending_rule_events.iter().filter(|p| pending_before.contains(*p)) {
            alert(AlertKind::RulesNotKept, format!("required by the rules and still not logged: {pending}"));
        }
        for (url, witness) in options.witness_urls.iter().zip(witness_fetch) {
            compare_with_witness(fetch, witness, url, &report.log_key, &report.checkpoint, &mut alert);
        }
    }
    Round { report, alerts: alerts.into_iter().collect() }
}

/// Asks one witness what it cosigned and what evidence it keeps for this log, and checks that
/// its checkpoint and `ours` are one history.
fn compare_with_witness(
    log: &impl Fetch,
    witness: &impl Fetch,
    url: &str,
    key: &NoteVerifier,
    ours: &Checkpoint,
    alert: &mut impl FnMut(AlertKind, String),
) {
    let origin = query_value(key.name());
    match witness.get(&format!("evidence?origin={origin}")) {
        Ok(Some(body)) => {
            let kept = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["evidence"].as_array().map(|a| (a.len(), a.first().cloned())));
            match kept {
                Some((0, _)) => {}
                Some((n, first)) => alert(
                    AlertKind::WitnessEvidence,
                    format!(
                        "witness {url} keeps {n} checkpoint(s) of this log that contradict what it cosigned; first: {}",
                        first.and_then(|f| f["reason"].as_str().map(str::to_owned)).unwrap_or_default()
                    ),
                ),
                None => alert(AlertKind::Unreachable, format!("witness {url}: its evidence is not the expected JSON")),
            }
        }
        Ok(None) => {}
        Err(e) => alert(AlertKind::Unreachable, format!("witness {url}: {e}")),
    }
    let note = match witness.get(&format!("checkpoint?origin={origin}")) {
        Ok(Some(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
        Ok(None) => return,
        Err(e) => return alert(AlertKind::Unreachable, format!("witness {url}: {e}")),
    };
    let theirs = match Checkpoint::open(&note, key) {
        Ok(c) => c,
        Err(e) => {
            return alert(
                AlertKind::Unreachable,
                format!("witness {url} serves a checkpoint that does not verify: {e}"),
            )
        }
    };
    // The log may have grown since this round's audit: a larger checkpoint must then extend
    // ours, through the tiles the log serves for its size. A log that cannot serve them shows
    // a smaller tree than one it had a witness cosign.
    let scratch = std::env::temp_dir();
    let consistent = if theirs.size <= ours.size {
        check_extends(log, &theirs, ours, &scratch)
    } else {
        check_extends(log, ours, &theirs, &scratch).map_err(|e| match e {
            AuditError::Missing { path } => AuditError::Inconsistent {
                reason: format!("the log does not serve {path}, which a tree of the size the witness cosigned has"),
                saved: scratch.clone(),
            },
            other => other,
        })
    };
    match consistent {
        Ok(()) => {}
        Err(AuditError::Inconsistent { reason, .. }) => alert(
            AlertKind::SplitView,
            format!(
                "witness {url} cosigned a checkpoint signed by the log (size {}, root {}) that is not in the history this monitor verified: {reason}\n{note}",
                theirs.size, theirs.root
            ),
        ),
        Err(e) => alert(AlertKind::Unreachable, format!("comparing with witness {url}: {e}")),
    }
}

/// Percent-encodes a query value (an origin may hold `&` or `#`).
fn query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Clients for the witnesses' URLs.
pub fn witness_clients(urls: &[String]) -> Result<Vec<HttpFetch>, AuditError> {
    urls.iter().map(|u| HttpFetch::new(u).map(|f| f.with_retries(2, std::time::Duration::from_millis(200)))).collect()
}
