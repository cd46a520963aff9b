//! `dauys-witness`: a small witness that a university, an NGO or a newspaper can run beside
//! any Dauys deployment (or any C2SP log), so that no operator can show two readers two
//! different logs without the witnesses seeing it.
//!
//! It follows the logs it is configured with (their origin and key), and answers
//! [C2SP tlog-witness](https://c2sp.org/tlog-witness) `add-checkpoint` requests: it cosigns
//! a checkpoint only if it is consistent with the latest one it cosigned for that log, and
//! persists it (with a full fsync) before it answers. A validly signed checkpoint that
//! contradicts what it cosigned is kept as evidence. It publishes, for each log, the latest
//! checkpoint it cosigned and the evidence it holds, for monitors and readers.
//!
//! The checks are `dauys_ledger::check_add_checkpoint`; this crate adds the key, the store,
//! the clock and HTTP ([`http`]).

pub mod http;
mod store;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use dauys_ledger::{check_add_checkpoint, AddCheckpoint, Cosigner, LedgerError, NoteVerifier, Refusal};
use serde::Serialize;

pub use store::{Evidence, Latest};

/// The file in the state directory that holds the witness's private key.
const KEY_FILE: &str = "witness.key";
/// Evidence rows kept per log: enough to publish a fork, bounded so a log that keeps sending
/// contradictions cannot fill the disk.
pub const MAX_EVIDENCE_PER_LOG: u64 = 100;

#[derive(Debug, thiserror::Error)]
pub enum WitnessError {
    #[error("the witness's store at {path}: {source}")]
    Store { path: PathBuf, source: rusqlite::Error },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("the witness key at {path}: {reason}")]
    Key { path: PathBuf, reason: String },
    #[error("log key {vkey:?}: {source}")]
    LogKey { vkey: String, source: LedgerError },
    #[error("the witness follows no log: give at least one log key")]
    NoLogs,
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("could not cosign: {0}")]
    Cosign(LedgerError),
}

impl WitnessError {
    /// The status tlog-witness gives a refusal; anything else is the witness's own failure.
    pub fn http_status(&self) -> u16 {
        match self {
            WitnessError::Refused(r) => r.http_status(),
            _ => 500,
        }
    }
}

/// What one witness process is configured with.
pub struct WitnessConfig {
    /// Holds `witness.key` (created on first start) and `witness.db`.
    pub state_dir: PathBuf,
    /// The witness's name, a schema-less URL (used when the key is first created).
    pub name: String,
    /// The verifier keys of the logs it follows; a log's origin is its key's name.
    pub log_keys: Vec<String>,
}

/// A witness: its key, the logs it follows, and what it cosigned.
pub struct Witness {
    cosigner: Cosigner,
    logs: BTreeMap<String, Vec<NoteVerifier>>,
    /// One connection, behind a lock: checking a request against the latest cosigned
    /// checkpoint and storing the new one must be one step, or two requests could roll a
    /// log back (the race tlog-witness describes).
    store: Mutex<store::Store>,
}

/// The latest cosigned checkpoint of one log, as `GET /logs` lists it.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct LogStatus {
    pub origin: String,
    pub size: Option<u64>,
    pub cosigned_at: Option<u64>,
    pub evidence: u64,
}

impl Witness {
    pub fn open(config: WitnessConfig) -> Result<Witness, WitnessError> {
        let cosigner = load_or_create_key(&config.state_dir, &config.name)?;
        let mut logs: BTreeMap<String, Vec<NoteVerifier>> = BTreeMap::new();
        for vkey in &config.log_keys {
            let verifier =
                NoteVerifier::from_vkey(vkey).map_err(|source| WitnessError::LogKey { vkey: vkey.clone(), source })?;
            logs.entry(verifier.name().to_string()).or_default().push(verifier);
        }
        if logs.is_empty() {
            return Err(WitnessError::NoLogs);
        }
        let store = store::Store::open(&config.state_dir.join("witness.db"))?;
        Ok(Witness { cosigner, logs, store: Mutex::new(store) })
    }

    /// The verifier key readers and logs configure for this witness.
    pub fn vkey(&self) -> String {
        self.cosigner.vkey()
    }

    pub fn name(&self) -> &str {
        self.cosigner.name()
    }

    /// Handles one `add-checkpoint` body: the cosignature line on success.
    pub fn add_checkpoint(&self, body: &str) -> Result<String, WitnessError> {
        let request =
            AddCheckpoint::parse(body).map_err(|e| WitnessError::Refused(Refusal::Malformed(e.to_string())))?;
        let mut store = self.store.lock().unwrap_or_else(|e| e.into_inner());
        let mut previous = None;
        let checked = check_add_checkpoint(
            &request,
            |origin| self.logs.get(origin).map(Vec::as_slice),
            |origin| {
                previous = store.latest(origin).ok().flatten();
                previous.as_ref().map(Latest::witnessed)
            },
        );
        let (note, checkpoint) = match checked {
            Ok(accepted) => accepted,
            Err(refusal) => {
                if refusal.is_evidence() {
                    if let Ok(cp) = dauys_ledger::Note::parse(&request.checkpoint)
                        .and_then(|n| dauys_ledger::Checkpoint::parse_text(&n.text))
                    {
                        tracing::warn!(origin = %cp.origin, size = cp.size, %refusal, "a log signed a checkpoint that contradicts one this witness cosigned");
                        store.keep_evidence(&cp.origin, &request, &refusal.to_string(), MAX_EVIDENCE_PER_LOG)?;
                    }
                }
                return Err(refusal.into());
            }
        };
        // Cosignature times never go back for a log, whatever the clock does.
        let timestamp = now_secs().max(previous.as_ref().map_or(0, |p| p.cosigned_at));
        let line = self.cosigner.cosign(&note.text, timestamp).map_err(WitnessError::Cosign)?;
        store.set_latest(&checkpoint, &request.checkpoint, &line, timestamp)?;
        Ok(line)
    }

    /// The latest checkpoint this witness cosigned for `origin`, with its cosignature.
    pub fn latest(&self, origin: &str) -> Result<Option<Latest>, WitnessError> {
        self.store.lock().unwrap_or_else(|e| e.into_inner()).latest(origin)
    }

    /// The contradicting checkpoints this witness kept for `origin`, oldest first.
    pub fn evidence(&self, origin: &str) -> Result<Vec<Evidence>, WitnessError> {
        self.store.lock().unwrap_or_else(|e| e.into_inner()).evidence(origin)
    }

    pub fn follows(&self, origin: &str) -> bool {
        self.logs.contains_key(origin)
    }

    /// Every log this witness follows, with what it cosigned last.
    pub fn status(&self) -> Result<Vec<LogStatus>, WitnessError> {
        let store = self.store.lock().unwrap_or_else(|e| e.into_inner());
        self.logs
            .keys()
            .map(|origin| {
                let latest = store.latest(origin)?;
                Ok(LogStatus {
                    origin: origin.clone(),
                    size: latest.as_ref().map(|l| l.size),
                    cosigned_at: latest.as_ref().map(|l| l.cosigned_at),
                    evidence: store.evidence_count(origin)?,
                })
            })
            .collect()
    }
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Reads `witness.key`, or creates it (readable by its owner only) on first start.
pub fn load_or_create_key(state_dir: &Path, name: &str) -> Result<Cosigner, WitnessError> {
    let path = state_dir.join(KEY_FILE);
    let bad = |reason: String| WitnessError::Key { path: path.clone(), reason };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let cosigner = Cosigner::from_skey(text.trim()).map_err(|e| bad(e.to_string()))?;
            if cosigner.name() != name {
                return Err(bad(format!(
                    "it names the witness {:?}, not {name:?}; a witness keeps its name with its key",
                    cosigner.name()
                )));
            }
            Ok(cosigner)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut seed = [0u8; 32];
            getrandom::getrandom(&mut seed).map_err(|e| bad(format!("no randomness: {e}")))?;
            let cosigner = Cosigner::from_seed(name, seed).map_err(|e| bad(e.to_string()))?;
            std::fs::create_dir_all(state_dir).map_err(|e| bad(e.to_string()))?;
            write_private(&path, &cosigner.to_skey()).map_err(|e| bad(e.to_string()))?;
            tracing::info!(vkey = %cosigner.vkey(), "created a witness key");
            Ok(cosigner)
        }
        Err(e) => Err(bad(e.to_string())),
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

#[cfg(test)]
mod tests;
