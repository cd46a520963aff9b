//! Storage for the Dauys log: entries, hash tiles, signed checkpoints and the projection
//! rows folded from them, in SQLite (embedded, the default) or PostgreSQL, behind one
//! interface.
//!
//! The store knows nothing of events, hashing or rules: it keeps bytes that the sequencer
//! (in `dauys-server`) has already computed, and it commits each batch in one transaction
//! so a crash never leaves entries without their tiles or projection, or the reverse.
//!
//! ```
//! use dauys_store::{open, Batch, NewEntry};
//! let dir = tempfile::tempdir().unwrap();
//! let (mut writer, reader) = open(&dir.path().join("log.sqlite3").display().to_string()).unwrap();
//! let head = writer.head().unwrap();
//! assert_eq!(head.size, 0);
//! writer.commit(&Batch {
//!     entries: vec![NewEntry { index: 0, leaf_hash: [7; 32], body: b"{}".to_vec() }],
//!     ..Batch::default()
//! }).unwrap();
//! assert_eq!(reader.entries(0, 1).unwrap(), vec![b"{}".to_vec()]);
//! ```
//!
//! What it is not: a cache of anything derived (that is the projection's job, and the
//! projection is written only by the sequencer), and not a place for rules.
//!
//! Exactly one [`Writer`] may exist per log, or the log could fork: the SQLite writer holds
//! an exclusive lock on a file beside the database, the PostgreSQL writer holds a session
//! advisory lock. Readers never block the writer (SQLite in WAL mode; PostgreSQL MVCC).
//!
//! Beside the log, the private store ([`open_private`]) keeps the private side of identity
//! and of the capabilities, in parts by job: [`people`] (accounts and sessions, each
//! person's record of who opened their data, the mail outbox, the imported registry) and
//! the moderators' [`flags`] on petition signatures, and [`sealed`] records of any
//! capability by typed id. **It is not part of the log** (nothing in it is ever
//! published or replayed), **it never sees plaintext personal data** (identifiers arrive as
//! keyed hashes, everything else sealed by the caller) and **it does no cryptography**:
//! erasing an account forgets its wrapped data key, which leaves the person's sealed records
//! unreadable. With SQLite it is a file of its own beside the log, written by many request
//! handlers and untouched by the log's writer lock; with PostgreSQL, the `people_*` tables of
//! the log's database.

pub mod flags;
pub mod people;
mod pool;
mod postgres_store;
mod private;
pub mod sealed;
mod sql;
mod sqlite_store;

use std::sync::Arc;

pub use flags::{FlagRow, Flags};
pub use people::{
    people_sqlite_path, AccountRow, Accounts, MailRow, OpeningRow, Openings, Outbox, Registry, RegistryRow, SessionRow,
};
pub use pool::MaxConnections;
pub use postgres_store::open_postgres;
pub use private::{open_private, PrivateStore};
pub use sealed::{RecordId, RecordKind, SealedRecord, SealedRecords};
pub use sqlite_store::open_sqlite;
#[cfg(unix)]
pub use sqlite_store::restrict_to_owner;

/// What can go wrong in storage. The messages name the database and what to check.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("SQLite error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL error: {0}")]
    Postgres(#[from] postgres::Error),
    #[error("cannot open the data file {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("another Dauys writer already holds this log ({0}); only one sequencer may append, or the log would fork")]
    WriterLocked(String),
    #[error(
        "batch starts at index {got} but the log holds {expected} entries; refusing to leave a gap or reuse an index"
    )]
    OutOfOrder { expected: u64, got: u64 },
    #[error("the stored log is inconsistent: {0}")]
    Corrupt(String),
    /// A unique value is already held by another row: `"email"`, `"account id"`, `"person"`,
    /// `"session"`, `"opening"`, `"registry row"` or `"sealed record"`.
    #[error("another record already has this {what}; choose another or update the existing one")]
    Conflict { what: &'static str },
    /// The row to change, or the account a row refers to, does not exist: `"account"`,
    /// `"mail"` or `"registry row"`.
    #[error("no such {what}; check the id (it may never have existed)")]
    NotFound { what: &'static str },
    /// No pooled connection became free (all `max` busy) or could be opened in time.
    #[error(
        "no database connection was free within {waited:?} ({max} at most are open; raise max_read_connections if the database can take more): {detail}"
    )]
    Unavailable { max: u32, waited: std::time::Duration, detail: String },
    /// A sealed record over its kind's size limit (see [`RecordKind::max_sealed_bytes`]).
    #[error("a sealed {kind} of {size} bytes is over its limit of {max} bytes; send a smaller one")]
    TooLarge { kind: &'static str, size: usize, max: usize },
    /// A record id that is empty, too long or not made of `A-Z a-z 0-9 - _`.
    #[error("{0:?} is not a record id: 1 to 64 of A-Z, a-z, 0-9, '-' and '_'")]
    InvalidRecordId(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// One entry to append: its position, RFC 6962 leaf hash and canonical bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEntry {
    pub index: u64,
    pub leaf_hash: [u8; 32],
    pub body: Vec<u8>,
}

/// A signed checkpoint as stored: the tree size it covers and the whole signed note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCheckpoint {
    pub size: u64,
    pub note: String,
    pub signed_at_ms: u64,
}

/// Everything one sequencer cycle writes, committed atomically.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    /// Consecutive entries, the first at the current size of the log.
    pub entries: Vec<NewEntry>,
    /// Hash tiles touched by the batch: (level, index, current bytes).
    pub tiles: Vec<(u8, u64, Vec<u8>)>,
    /// Projection rows: upsert on `Some`, delete on `None`.
    pub rows: Vec<(String, Option<String>)>,
    pub checkpoint: Option<StoredCheckpoint>,
}

/// What a writer needs to resume: the log's size, the projection and the latest checkpoint.
#[derive(Clone, Debug, Default)]
pub struct Head {
    pub size: u64,
    pub rows: Vec<(String, String)>,
    pub latest_checkpoint: Option<StoredCheckpoint>,
}

/// The single write path of a log. Owned by the sequencer thread.
pub trait Writer: Send {
    /// Reads the state to resume from; also remembers the size to check later batches.
    fn head(&mut self) -> Result<Head>;
    /// Reads the current bytes of the given hash tiles (missing tiles are `None`).
    fn tiles(&mut self, ids: &[(u8, u64)]) -> Result<Vec<Option<Vec<u8>>>>;
    /// Commits a batch in one transaction; nothing of it is visible or durable before this returns.
    fn commit(&mut self, batch: &Batch) -> Result<()>;
    /// Replaces the whole projection (used by `dauys replay`), in one transaction.
    fn replace_projection(&mut self, rows: &[(String, String)]) -> Result<()>;
}

/// Read access for the HTTP server and the CLI. Cheap to share between threads.
pub trait Reader: Send + Sync {
    /// Number of entries committed.
    fn size(&self) -> Result<u64>;
    fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>>;
    /// Checkpoints signed for sizes in `[from, to]`, oldest first, at most `limit`.
    fn checkpoints(&self, from: u64, to: u64, limit: u32) -> Result<Vec<StoredCheckpoint>>;
    fn tile(&self, level: u8, index: u64) -> Result<Option<Vec<u8>>>;
    /// Entry bodies for indexes `[start, end)`; shorter if the log ends before `end`.
    fn entries(&self, start: u64, end: u64) -> Result<Vec<Vec<u8>>>;
    /// Indexes of entries with this leaf hash, lowest first (the same bytes may be logged twice).
    fn indexes_of_leaf(&self, leaf_hash: &[u8; 32]) -> Result<Vec<u64>>;
    fn projection_row(&self, key: &str) -> Result<Option<String>>;
    /// Every projection row, sorted by key.
    fn projection_rows(&self) -> Result<Vec<(String, String)>>;
    /// The projection rows whose key starts with `prefix`, sorted by key, through the key
    /// index (the projection holds a row per signature, so reading it whole is not cheap).
    fn projection_rows_with_prefix(&self, prefix: &str) -> Result<Vec<(String, String)>>;
}

/// The smallest string greater than every string starting with `prefix` (`None` when there
/// is none, e.g. an empty prefix): range scans use `prefix <= key < upper`.
fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = char::from_u32(u32::from(last) + 1) {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// Opens a log by location: a `postgres://` or `postgresql://` URL, or a SQLite file path,
/// with readers pooled up to [`MaxConnections::DEFAULT`].
pub fn open(location: &str) -> Result<(Box<dyn Writer>, Arc<dyn Reader>)> {
    open_with(location, MaxConnections::DEFAULT)
}

/// [`open`] with at most `max_readers` reader connections open at once.
pub fn open_with(location: &str, max_readers: MaxConnections) -> Result<(Box<dyn Writer>, Arc<dyn Reader>)> {
    if is_postgres_url(location) {
        let (w, r) = open_postgres(location, max_readers)?;
        Ok((Box::new(w), Arc::new(r)))
    } else {
        let (w, r) = open_sqlite(std::path::Path::new(location), max_readers)?;
        Ok((Box::new(w), Arc::new(r)))
    }
}

/// Opens read access only: no writer lock is taken, so it works beside a running server.
pub fn open_reader(location: &str) -> Result<Arc<dyn Reader>> {
    if is_postgres_url(location) {
        Ok(Arc::new(postgres_store::PgReader::connect(location, MaxConnections::DEFAULT)?))
    } else {
        Ok(Arc::new(sqlite_store::SqliteReader::open(std::path::Path::new(location), MaxConnections::DEFAULT)?))
    }
}

/// Hides a password in a database URL before it reaches a log line or an error message.
pub fn redact(location: &str) -> String {
    match (location.find("://"), location.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…{}", &location[..scheme], &location[at..]),
        _ => location.to_string(),
    }
}

pub fn is_postgres_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

/// The embedded schema migrations, in order, per backend.
pub(crate) struct Migration {
    pub version: i64,
    pub sql: &'static str,
}

fn to_u64(value: i64, what: &str) -> Result<u64> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("negative {what}: {value}")))
}

fn to_i64(value: u64) -> i64 {
    // Indexes and sizes stay far below 2^63 (that would be 9e18 entries); saturate rather than wrap.
    i64::try_from(value).unwrap_or(i64::MAX)
}
