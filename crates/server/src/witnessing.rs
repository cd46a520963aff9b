//! Asking witnesses to cosign the log's checkpoints (C2SP tlog-witness), and keeping the
//! newest checkpoint that enough of them cosigned: the one `/checkpoint` serves.
//!
//! A background task sends each new checkpoint to every configured witness with a
//! consistency proof from the size the witness last cosigned. A witness that has never seen
//! the log, or saw another size, answers 409 with its size; the task proves from there. The
//! same checkpoint goes out again every `witness_refresh_secs` while the log is idle, so the
//! cosignatures' times say the log is alive. Nothing here touches the sequencer: acts are
//! logged and acknowledged whether or not witnesses answer; only what `/checkpoint` serves
//! waits for them.
//!
//! The newest witnessed checkpoint is also kept in the data directory
//! (`witnessed-checkpoint`), so that a restarted server serves it at once, even while the
//! witnesses are unreachable, once it has checked that it is still cosigned as the policy
//! asks and consistent with the log it holds now.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dauys_ledger::{
    consistency_proof, verify_consistency, AddCheckpoint, Checkpoint, CosignatureVerifier, Note, WitnessPolicy,
};

use crate::api::LogIntegrity;
use crate::config::Config;
use crate::sequencer::PublishedCheckpoint;

/// A checkpoint with the cosignatures of at least the quorum of witnesses.
#[derive(Clone, Debug)]
pub struct WitnessedCheckpoint {
    pub size: u64,
    /// The log's signed note with every valid cosignature line appended.
    pub note: String,
    /// Witnesses whose cosignature it carries.
    pub cosigned_by: usize,
}

/// How often the task looks for a new checkpoint.
const TICK: Duration = Duration::from_millis(100);
/// After a round that did not reach the quorum, the wait before the next one.
const RETRY: Duration = Duration::from_secs(2);
/// The longest one witness may take to answer.
const WITNESS_TIMEOUT: Duration = Duration::from_secs(5);

/// One configured witness.
struct Witness {
    submit_url: String,
    verifier: CosignatureVerifier,
}

#[derive(Debug, thiserror::Error)]
enum AskError {
    #[error("{url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("{url} refused the checkpoint of size {size}: {status} {body}")]
    Refused { url: String, size: u64, status: u16, body: String },
    #[error("{url} says it cosigned size {theirs}, beyond this log's {ours}: the log lost entries it once published")]
    AheadOfUs { url: String, theirs: u64, ours: u64 },
    #[error("{url} answered without a valid cosignature by {name}")]
    BadCosignature { url: String, name: String },
    #[error("no consistency proof from {old} to {new}: {reason}")]
    Proof { old: u64, new: u64, reason: String },
}

/// The witnessing task. Returns at once if no witness is configured.
pub(crate) async fn run(log: LogIntegrity, config: Arc<Config>) {
    let policy = match config.witness_policy() {
        Ok(Some(policy)) => policy,
        Ok(None) => return,
        Err(e) => {
            tracing::error!(error = %e, "witnessing is off: the witness configuration is invalid");
            return;
        }
    };
    let refresh = Duration::from_secs(config.witness_refresh_secs);
    let witnesses: Arc<[Witness]> = config
        .witnesses
        .iter()
        .zip(policy.witnesses())
        .map(|(endpoint, verifier)| Witness {
            submit_url: format!("{}/add-checkpoint", endpoint.url.trim_end_matches('/')),
            verifier: verifier.clone(),
        })
        .collect();
    let kept = kept_path(&config);
    restore_kept(&log, &policy, &kept).await;
    // The size each witness last cosigned, as far as this log knows (learnt from a 409).
    let mut known: Vec<Option<u64>> = vec![None; witnesses.len()];
    let agent = ureq::AgentBuilder::new().timeout(WITNESS_TIMEOUT).build();
    // The size last sent, when, and whether that round met the quorum.
    let mut last: Option<(u64, Instant, bool)> = None;
    loop {
        tokio::time::sleep(TICK).await;
        let Some(latest) = log.shared.latest_checkpoint() else { continue };
        let size = latest.checkpoint.size;
        let due = match last {
            None => true,
            Some((sent, at, met)) => {
                let wait = if !met {
                    RETRY
                } else if sent != size {
                    Duration::ZERO
                } else {
                    refresh
                };
                at.elapsed() >= wait
            }
        };
        if !due {
            continue;
        }
        let rounds: Vec<_> = known
            .iter()
            .enumerate()
            .map(|(i, &size)| {
                let (agent, latest, log, witnesses) = (agent.clone(), latest.clone(), log.clone(), witnesses.clone());
                tokio::task::spawn_blocking(move || {
                    let mut size = size;
                    let answer = ask(&agent, &witnesses[i], &mut size, &latest, &log);
                    (size, answer)
                })
            })
            .collect();
        let mut lines = String::new();
        for (i, round) in rounds.into_iter().enumerate() {
            let answer = match round.await {
                Ok((size, answer)) => {
                    known[i] = size;
                    answer
                }
                Err(e) => Err(AskError::Unreachable { url: witnesses[i].submit_url.clone(), reason: e.to_string() }),
            };
            match answer {
                Ok(line) => lines.push_str(&line),
                Err(e) => {
                    log.metrics.witness_failures.inc();
                    tracing::warn!(error = %e, "a witness did not cosign");
                }
            }
        }
        let met = publish(&log, &policy, &latest, &lines);
        if met {
            keep(&log, &kept).await;
        }
        last = Some((size, Instant::now(), met));
    }
}

/// Where the newest witnessed checkpoint is kept across restarts.
fn kept_path(config: &Config) -> PathBuf {
    config.data_dir.join("witnessed-checkpoint")
}

/// Writes the checkpoint `/checkpoint` serves now to `path` (atomically, synced).
async fn keep(log: &LogIntegrity, path: &Path) {
    let Some(witnessed) = log.shared.witnessed_checkpoint() else { return };
    let path = path.to_owned();
    // Public, but written the way the keys are: whole or not at all, and synced.
    let kept = tokio::task::spawn_blocking(move || crate::keys::replace_secret(&path, &witnessed.note)).await;
    if let Err(e) = kept.map_err(|e| e.to_string()).and_then(|r| r.map_err(|e| e.to_string())) {
        tracing::warn!(error = %e, "the witnessed checkpoint could not be kept for the next start");
    }
}

/// Serves the checkpoint kept at `path` by an earlier run, if it is still cosigned as the
/// policy asks and consistent with the log as it is now; says why not otherwise.
async fn restore_kept(log: &LogIntegrity, policy: &WitnessPolicy, path: &Path) {
    let Ok(note) = std::fs::read_to_string(path) else { return };
    let latest = loop {
        match log.shared.latest_checkpoint() {
            Some(latest) => break latest,
            None => tokio::time::sleep(TICK).await,
        }
    };
    let checked = tokio::task::spawn_blocking({
        let (log, policy) = (log.clone(), policy.clone());
        move || still_holds(&log, &policy, &latest, note)
    })
    .await;
    match checked.map_err(|e| e.to_string()).and_then(|r| r) {
        Ok(witnessed) => {
            tracing::info!(size = witnessed.size, "serving the witnessed checkpoint kept by the last run");
            log.shared.publish_witnessed(witnessed);
        }
        Err(reason) => tracing::warn!(%reason, "the witnessed checkpoint kept by the last run is not served"),
    }
}

fn still_holds(
    log: &LogIntegrity,
    policy: &WitnessPolicy,
    latest: &PublishedCheckpoint,
    note: String,
) -> Result<WitnessedCheckpoint, String> {
    let parsed = Note::parse(&note).map_err(|e| e.to_string())?;
    let cosignatures = policy.check(&parsed).map_err(|e| e.to_string())?;
    let kept = Checkpoint::parse_text(&parsed.text).map_err(|e| e.to_string())?;
    let now = &latest.checkpoint;
    if kept.origin != now.origin {
        return Err(format!("it is of the log {:?}, this log is {:?}", kept.origin, now.origin));
    }
    if kept.size > now.size {
        return Err(format!("it is of size {}, beyond this log's {}: the log lost entries", kept.size, now.size));
    }
    let proof = consistency_proof(&crate::api::tile_source(log.reader.clone()), kept.size, now.size)
        .map_err(|e| e.to_string())?;
    verify_consistency(kept.size, now.size, &kept.root, &now.root, &proof)
        .map_err(|e| format!("it does not agree with this log: {e}"))?;
    Ok(WitnessedCheckpoint { size: kept.size, note, cosigned_by: cosignatures.len() })
}

/// Publishes the checkpoint with `lines` if they meet the policy; whether they did.
fn publish(log: &LogIntegrity, policy: &WitnessPolicy, latest: &PublishedCheckpoint, lines: &str) -> bool {
    let note = format!("{}{lines}", latest.note);
    let found = Note::parse(&note).map_err(|e| e.to_string()).and_then(|n| policy.check(&n).map_err(|e| e.to_string()));
    match found {
        Ok(cosignatures) => {
            log.metrics.witness_cosignatures.set(cosignatures.len() as i64);
            log.shared.publish_witnessed(WitnessedCheckpoint {
                size: latest.checkpoint.size,
                note,
                cosigned_by: cosignatures.len(),
            });
            true
        }
        Err(reason) => {
            tracing::warn!(size = latest.checkpoint.size, %reason, "the checkpoint is not served until enough witnesses cosign it");
            false
        }
    }
}

/// Sends `latest` to one witness, proving from `known`, the size it last cosigned; after a 409
/// that names another size, once more from that one. Updates `known`; the witness's
/// cosignature line on success.
fn ask(
    agent: &ureq::Agent,
    witness: &Witness,
    known: &mut Option<u64>,
    latest: &PublishedCheckpoint,
    log: &LogIntegrity,
) -> Result<String, AskError> {
    let size = latest.checkpoint.size;
    let url = witness.submit_url.clone();
    for _ in 0..2 {
        let old = known.unwrap_or(0);
        if old > size {
            return Err(AskError::AheadOfUs { url, theirs: old, ours: size });
        }
        let proof = consistency_proof(&crate::api::tile_source(log.reader.clone()), old, size)
            .map_err(|e| AskError::Proof { old, new: size, reason: e.to_string() })?;
        let body = AddCheckpoint { old_size: old, proof, checkpoint: latest.note.clone() }.to_body();
        match agent.post(&url).set("Content-Type", "text/plain; charset=utf-8").send_string(&body) {
            Ok(response) => {
                let answer = response
                    .into_string()
                    .map_err(|e| AskError::Unreachable { url: url.clone(), reason: e.to_string() })?;
                let line = own_line(&witness.verifier, &latest.note, &answer).ok_or_else(|| {
                    AskError::BadCosignature { url: url.clone(), name: witness.verifier.name().into() }
                })?;
                *known = Some(size);
                return Ok(line);
            }
            Err(ureq::Error::Status(409, response)) if response.content_type() == "text/x.tlog.size" => {
                let text = response.into_string().unwrap_or_default();
                let theirs = text.trim_end_matches('\n').parse::<u64>().map_err(|_| AskError::Refused {
                    url: url.clone(),
                    size,
                    status: 409,
                    body: text.clone(),
                })?;
                *known = Some(theirs);
            }
            Err(ureq::Error::Status(status, response)) => {
                let body = response.into_string().unwrap_or_default();
                return Err(AskError::Refused { url, size, status, body: body.trim().chars().take(300).collect() });
            }
            Err(e) => return Err(AskError::Unreachable { url, reason: e.to_string() }),
        }
    }
    Err(AskError::Refused { url, size, status: 409, body: "the witness's size changed twice in a row".into() })
}

/// The line of `answer` that is a valid cosignature of `note` by `verifier`, if any. The
/// witness may sign with several keys: lines of keys this log does not know are dropped.
fn own_line(verifier: &CosignatureVerifier, note: &str, answer: &str) -> Option<String> {
    answer.split_inclusive('\n').find_map(|line| {
        let cosigned = Note::parse(&format!("{note}{line}")).ok()?;
        verifier.verify(&cosigned).ok().map(|_| line.to_string())
    })
}
