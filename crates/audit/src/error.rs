use dauys_core::{DecodeError, RuleError};
use dauys_ledger::LedgerError;
use std::path::PathBuf;
use thiserror::Error;

/// Why an audit did not succeed.
///
/// Three families, which a caller may want to tell apart:
/// - the log is wrong ([`AuditError::Inconsistent`], [`AuditError::InvalidEntry`],
///   [`AuditError::RuleViolation`], [`AuditError::TileMismatch`], [`AuditError::RootMismatch`],
///   [`AuditError::BadCheckpoint`], ...): the operator published something that does not
///   verify; keep the evidence, the saved state was not touched;
/// - the auditor could not find out ([`AuditError::Http`], [`AuditError::HttpStatus`],
///   [`AuditError::Missing`]): retry later;
/// - the local setup is wrong ([`AuditError::InvalidKey`], [`AuditError::KeyMismatch`],
///   [`AuditError::SavedState`], [`AuditError::Io`]).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum AuditError {
    /// The one error an auditor exists to raise: the server now presents a history that
    /// contradicts a checkpoint it signed before (shrunk, forked or rewritten).
    #[error(
        "THE LOG'S HISTORY DIFFERS FROM WHAT THIS AUDITOR SAW BEFORE: {reason}. \
         Keep {saved} as evidence and report it (it holds both signed checkpoints, or the one \
         verified earlier if they could not be written); the saved state was not changed"
    )]
    Inconsistent { reason: String, saved: PathBuf },

    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl { url: String, reason: String },

    #[error(
        "cannot fetch {url}: {reason} (gave up after {attempts} attempts; check the URL and the network, then retry)"
    )]
    Http { url: String, reason: String, attempts: u32 },

    #[error("{url} answered HTTP {status}; expected 200")]
    HttpStatus { url: String, status: u16 },

    #[error("{url} sent more than {limit} bytes, more than this resource can legitimately hold")]
    TooLarge { url: String, limit: u64 },

    #[error("the server does not serve {path} (404), which a log of this size must publish")]
    Missing { path: String },

    #[error("invalid verifier key: {source}; expected a note verifier key like `<name>+<key id hex>+<base64 key>`")]
    InvalidKey { source: LedgerError },

    #[error(
        "the key given ({given}) differs from the one pinned in {pinned_at} ({pinned}); \
         if the log really changed its key, audit into a fresh --state-dir"
    )]
    KeyMismatch { given: String, pinned: String, pinned_at: PathBuf },

    #[error("{url} is not the expected log description: {reason}")]
    BadLogInfo { url: String, reason: String },

    #[error(
        "the log's checkpoint (size {size}) is not vouched for by enough witnesses: {source}. \
         Without them, this view of the log may be one shown to you alone"
    )]
    NotWitnessed { size: u64, source: LedgerError },

    #[error("the checkpoint at {url} does not verify: {source}")]
    BadCheckpoint { url: String, source: LedgerError },

    #[error("entry bundle {path} is malformed: {source}")]
    MalformedBundle { path: String, source: LedgerError },

    #[error("entry bundle {path} holds {got} entries; its path says {expected}")]
    BundleWidth { path: String, expected: u16, got: usize },

    #[error("log entry {index} is not a valid Dauys entry: {source}")]
    InvalidEntry { index: u64, source: DecodeError },

    #[error("log entry {index} breaks the rules (the operator logged something the rules forbid): {source}")]
    RuleViolation { index: u64, source: RuleError },

    #[error("hash tile {path} from the server differs from the one computed from the entries")]
    TileMismatch { path: String },

    #[error("the entries hash to root {computed} at size {size}, but the checkpoint says {expected}")]
    RootMismatch { size: u64, expected: String, computed: String },

    #[error("cannot build the consistency proof from size {old_size} to {new_size} from the server's tiles: {source}")]
    Proof { old_size: u64, new_size: u64, source: LedgerError },

    #[error(
        "the audit state in {path} is unusable: {reason}; \
         remove that directory to audit the whole log again from scratch"
    )]
    SavedState { path: PathBuf, reason: String },

    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },

    /// A disagreement between this crate and `dauys-ledger` about the tree's shape; never
    /// caused by the log's contents.
    #[error("internal error in the auditor: {0}; please report it")]
    Internal(String),
}

impl AuditError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> AuditError {
        let path = path.into();
        move |source| AuditError::Io { path, source }
    }
}
