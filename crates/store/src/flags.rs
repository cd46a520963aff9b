//! Moderators' flags on petition signatures: part of the petitions capability, kept in the
//! private store (never the log) because a flag is a suspicion, not a fact. The table keeps
//! its first name, `people_flags`, since deployed databases created it so.

use std::sync::Arc;

use crate::sql::{Db, Row};
use crate::{to_i64, Result};

const FLAG_COLUMNS: &str = "id, petition, signer, reason, created_at_ms, resolved_at_ms";

/// A moderator's hint about one signature: it came in a suspicious pattern. A flag never
/// drops or hides the signature; a moderator reviews it and invalidates the signature (a log
/// event, recorded elsewhere) or dismisses the flag, and either resolves it. Holds no
/// personal data: never the network address behind a burst (the caller counts bursts in
/// memory only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagRow {
    /// Increasing in order of creation.
    pub id: u64,
    /// The petition's id (its slug).
    pub petition: String,
    /// The signer's per-petition pseudonym, as public in the log.
    pub signer: String,
    /// Why, e.g. `"address_burst"` or `"new_account"`; at most 40 characters (the caller checks).
    pub reason: String,
    pub created_at_ms: u64,
    /// When a moderator invalidated the signature or dismissed the flag; `None` while open.
    pub resolved_at_ms: Option<u64>,
}

/// Flags on signatures, by petition. Every method blocks (see [`crate::people`]).
#[derive(Clone)]
pub struct Flags {
    db: Arc<Db>,
}

fn flag_from_row(r: &Row<'_>) -> Result<FlagRow> {
    Ok(FlagRow {
        id: r.get_u64(0, "flag id")?,
        petition: r.get(1)?,
        signer: r.get(2)?,
        reason: r.get(3)?,
        created_at_ms: r.get_u64(4, "flag time")?,
        resolved_at_ms: r.get_opt_u64(5, "flag resolution time")?,
    })
}

impl Flags {
    pub(crate) fn new(db: Arc<Db>) -> Flags {
        Flags { db }
    }

    /// Flags a signature; returns the flag's id. Idempotent: if the signature already has a
    /// flag for this reason, open or resolved, returns its id and changes nothing (a
    /// resolved flag stays resolved).
    pub fn add(&self, petition: &str, signer: &str, reason: &str, created_at_ms: u64) -> Result<u64> {
        self.db.with(|c| {
            let inserted = c.query_opt(
                "INSERT INTO people_flags (petition, signer, reason, created_at_ms) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (petition, signer, reason) DO NOTHING RETURNING id",
                &[&petition, &signer, &reason, &to_i64(created_at_ms)],
                |r| r.get_u64(0, "flag id"),
            )?;
            match inserted {
                Some(id) => Ok(id),
                // Not in one transaction: the insert waited for a concurrent one of the same
                // flag to commit (SQLite: it held the write lock), and this statement then
                // sees it (flags are never deleted).
                None => c.query_one(
                    "SELECT id FROM people_flags WHERE petition = ?1 AND signer = ?2 AND reason = ?3",
                    &[&petition, &signer, &reason],
                    |r| r.get_u64(0, "flag id"),
                ),
            }
        })
    }

    /// Unresolved flags of one petition (of all if `None`), oldest first, at most `limit`.
    pub fn open(&self, petition: Option<&str>, limit: u32) -> Result<Vec<FlagRow>> {
        let limit = i64::from(limit);
        self.db.with(|c| match petition {
            Some(petition) => c.query(
                &format!(
                    "SELECT {FLAG_COLUMNS} FROM people_flags WHERE resolved_at_ms IS NULL AND petition = ?1
                     ORDER BY created_at_ms, id LIMIT ?2"
                ),
                &[&petition, &limit],
                flag_from_row,
            ),
            None => c.query(
                &format!(
                    "SELECT {FLAG_COLUMNS} FROM people_flags WHERE resolved_at_ms IS NULL
                     ORDER BY created_at_ms, id LIMIT ?1"
                ),
                &[&limit],
                flag_from_row,
            ),
        })
    }

    /// How many flags of one petition (of all if `None`) are unresolved.
    pub fn count_open(&self, petition: Option<&str>) -> Result<u64> {
        let count = |r: &Row<'_>| r.get_u64(0, "flag count");
        self.db.with(|c| match petition {
            Some(petition) => c.query_one(
                "SELECT COUNT(*) FROM people_flags WHERE resolved_at_ms IS NULL AND petition = ?1",
                &[&petition],
                count,
            ),
            None => c.query_one("SELECT COUNT(*) FROM people_flags WHERE resolved_at_ms IS NULL", &[], count),
        })
    }

    /// Resolves every open flag of the signature at `at_ms` (the signature was invalidated or
    /// its flags dismissed); returns how many. None open is not an error: it returns 0.
    pub fn resolve(&self, petition: &str, signer: &str, at_ms: u64) -> Result<u64> {
        self.db.with(|c| {
            c.execute(
                "UPDATE people_flags SET resolved_at_ms = ?3
                 WHERE petition = ?1 AND signer = ?2 AND resolved_at_ms IS NULL",
                &[&petition, &signer, &to_i64(at_ms)],
            )
        })
    }
}
