//! Sealed records keyed by typed ids: one table for what a capability keeps privately —
//! an appeal's text and attachments first — so a new capability adds a [`RecordKind`], not
//! another table with twin SQL.
//!
//! Like the rest of the private store it keeps bytes sealed by the caller and never reads
//! them; it checks only what it can without them: the id's form and the kind's size limit.
//! Every method blocks (see [`crate::people`]).
//!
//! ```
//! use dauys_store::{open_private, MaxConnections, RecordId, RecordKind};
//! let dir = tempfile::tempdir().unwrap();
//! let store = open_private(&dir.path().join("dauys.sqlite3").display().to_string(), MaxConnections::DEFAULT).unwrap();
//! let id = RecordId::new("appeal-1").unwrap();
//! store.sealed.put(RecordKind::AppealText, &id, b"sealed bytes", Some("u-01"), 1_000).unwrap();
//! assert_eq!(store.sealed.get(RecordKind::AppealText, &id).unwrap().unwrap().sealed, b"sealed bytes");
//! ```

use std::sync::Arc;

use crate::sql::{keyed, Db, Row};
use crate::{to_i64, Result, StoreError};

/// What a sealed record is. Its code is stored, so a code never changes once released.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// The private text of an appeal (the applicant's words and contact details).
    AppealText,
    /// A file attached to an appeal.
    AppealAttachment,
    /// Which official of the body holding an appeal is to consider it: internal work
    /// organisation, never on the log. One per appeal, replaced when reassigned.
    AppealAssignment,
    /// An internal note of the officials of the body holding an appeal, never on the log.
    AppealNote,
    /// A person's wish to be told by e-mail when a petition is answered or falls overdue:
    /// the address, its language and whether it was confirmed. Listed by the petition.
    Subscription,
    /// A petition its author has not launched yet: private until launched, sealed under the
    /// author's own data key. Listed among the author's records.
    PetitionDraft,
}

impl RecordKind {
    /// The stored name of the kind.
    pub fn code(self) -> &'static str {
        match self {
            RecordKind::AppealText => "appeal_text",
            RecordKind::AppealAttachment => "appeal_attachment",
            RecordKind::AppealAssignment => "appeal_assignment",
            RecordKind::AppealNote => "appeal_note",
            RecordKind::Subscription => "subscription",
            RecordKind::PetitionDraft => "petition_draft",
        }
    }

    /// The largest sealed record of this kind the store accepts, in bytes (sealing adds a
    /// few dozen bytes to the plaintext). Explicit, so a client cannot fill the database
    /// through one record.
    pub fn max_sealed_bytes(self) -> usize {
        match self {
            // Ten thousand characters in each of three languages, up to four bytes each.
            RecordKind::AppealText => 256 * 1024,
            RecordKind::AppealAttachment => 8 * 1024 * 1024,
            // Three account ids, a body id and a time.
            RecordKind::AppealAssignment => 4 * 1024,
            // Two thousand characters of up to four bytes each, and who wrote them when.
            RecordKind::AppealNote => 16 * 1024,
            // An address of at most 254 characters, a language, a petition id and a flag.
            RecordKind::Subscription => 2 * 1024,
            // Three titles of 200 and three texts of 5,000 characters of up to four bytes
            // each, their JSON escapes, the body, level and topic.
            RecordKind::PetitionDraft => 128 * 1024,
        }
    }
}

/// A record's id within its kind: 1 to 64 of `A-Z a-z 0-9 - _`, so it is safe in a URL and
/// a log line.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId(String);

impl RecordId {
    pub const MAX_LEN: usize = 64;

    pub fn new(id: &str) -> Result<RecordId> {
        let valid = (1..=Self::MAX_LEN).contains(&id.len())
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if valid {
            Ok(RecordId(id.to_string()))
        } else {
            Err(StoreError::InvalidRecordId(id.chars().take(Self::MAX_LEN + 1).collect()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RecordId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A stored record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedRecord {
    pub id: RecordId,
    /// The account (or other holder) whose records it is listed among, if any.
    pub owner: Option<String>,
    pub sealed: Vec<u8>,
    pub created_at_ms: u64,
}

/// The store of sealed records, one table for every kind.
#[derive(Clone)]
pub struct SealedRecords {
    db: Arc<Db>,
}

const COLUMNS: &str = "id, owner, sealed, created_ms";

fn record_from_row(r: &Row<'_>) -> Result<SealedRecord> {
    let id: String = r.get(0)?;
    Ok(SealedRecord {
        id: RecordId::new(&id).map_err(|_| StoreError::Corrupt(format!("stored record id {id:?} is not valid")))?,
        owner: r.get(1)?,
        sealed: r.get(2)?,
        created_at_ms: r.get_u64(3, "record creation time")?,
    })
}

fn check_size(kind: RecordKind, sealed: &[u8]) -> Result<()> {
    let max = kind.max_sealed_bytes();
    if sealed.len() > max {
        return Err(StoreError::TooLarge { kind: kind.code(), size: sealed.len(), max });
    }
    Ok(())
}

impl SealedRecords {
    pub(crate) fn new(db: Arc<Db>) -> SealedRecords {
        SealedRecords { db }
    }

    /// Stores a new record. Records are written once: Conflict `"sealed record"` if the kind
    /// already has one with this id ([`replace`](Self::replace) changes one); TooLarge over
    /// the kind's [`RecordKind::max_sealed_bytes`].
    pub fn put(
        &self,
        kind: RecordKind,
        id: &RecordId,
        sealed: &[u8],
        owner: Option<&str>,
        created_at_ms: u64,
    ) -> Result<()> {
        check_size(kind, sealed)?;
        self.db.with(|c| {
            c.execute(
                "INSERT INTO sealed_records (kind, id, owner, sealed, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                &[&kind.code(), &id.as_str(), &owner, &sealed, &to_i64(created_at_ms)],
            )
            .map_err(|e| keyed(e, "sealed record", "sealed record"))?;
            Ok(())
        })
    }

    /// Stores the record, replacing the kind's record with this id if there is one, in one
    /// statement: a crash leaves the old record or the new one, never neither (as deleting,
    /// then putting, could). TooLarge over the kind's [`RecordKind::max_sealed_bytes`].
    pub fn replace(
        &self,
        kind: RecordKind,
        id: &RecordId,
        sealed: &[u8],
        owner: Option<&str>,
        created_at_ms: u64,
    ) -> Result<()> {
        check_size(kind, sealed)?;
        self.db.with(|c| {
            c.execute(
                "INSERT INTO sealed_records (kind, id, owner, sealed, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (kind, id) DO UPDATE
                 SET owner = excluded.owner, sealed = excluded.sealed, created_ms = excluded.created_ms",
                &[&kind.code(), &id.as_str(), &owner, &sealed, &to_i64(created_at_ms)],
            )?;
            Ok(())
        })
    }

    pub fn get(&self, kind: RecordKind, id: &RecordId) -> Result<Option<SealedRecord>> {
        self.db.with(|c| {
            c.query_opt(
                &format!("SELECT {COLUMNS} FROM sealed_records WHERE kind = ?1 AND id = ?2"),
                &[&kind.code(), &id.as_str()],
                record_from_row,
            )
        })
    }

    /// Forgets a record; returns whether there was one.
    pub fn delete(&self, kind: RecordKind, id: &RecordId) -> Result<bool> {
        self.db.with(|c| {
            let deleted =
                c.execute("DELETE FROM sealed_records WHERE kind = ?1 AND id = ?2", &[&kind.code(), &id.as_str()])?;
            Ok(deleted > 0)
        })
    }

    /// The owner's records of one kind, oldest first (then by id), at most `limit`.
    pub fn list_by_owner(&self, kind: RecordKind, owner: &str, limit: u32) -> Result<Vec<SealedRecord>> {
        self.db.with(|c| {
            c.query(
                &format!(
                    "SELECT {COLUMNS} FROM sealed_records WHERE owner = ?1 AND kind = ?2
                     ORDER BY created_ms, id LIMIT ?3"
                ),
                &[&owner, &kind.code(), &i64::from(limit)],
                record_from_row,
            )
        })
    }
}
