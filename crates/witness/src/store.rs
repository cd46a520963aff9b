//! What the witness remembers, in SQLite: per log, the latest checkpoint it cosigned (with
//! the cosignature), and the contradicting checkpoints it was sent.

use std::path::{Path, PathBuf};

use dauys_ledger::{AddCheckpoint, Checkpoint, Hash, Witnessed};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::WitnessError;

pub(crate) struct Store {
    db: Connection,
    path: PathBuf,
}

/// The latest checkpoint a witness cosigned for one log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Latest {
    pub size: u64,
    pub root: Hash,
    /// The log's signed checkpoint as it was sent, with the witness's cosignature line added.
    pub cosigned: String,
    pub cosigned_at: u64,
}

impl Latest {
    pub fn witnessed(&self) -> Witnessed {
        Witnessed { size: self.size, root: self.root }
    }
}

/// A validly signed checkpoint that contradicted what the witness had cosigned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub received_at: u64,
    pub reason: String,
    /// The `add-checkpoint` body as received: the signed checkpoint and the proof offered.
    pub request: String,
}

impl Store {
    pub(crate) fn open(path: &Path) -> Result<Store, WitnessError> {
        let fail = |source| WitnessError::Store { path: path.to_path_buf(), source };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| WitnessError::Io { path: dir.to_path_buf(), source })?;
        }
        let db = Connection::open(path).map_err(fail)?;
        // FULL: a cosignature is only handed out once what it vouches for is on disk.
        db.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS latest (
                 origin TEXT PRIMARY KEY,
                 size INTEGER NOT NULL,
                 root BLOB NOT NULL,
                 cosigned TEXT NOT NULL,
                 cosigned_at INTEGER NOT NULL
             );
             CREATE TABLE IF NOT EXISTS evidence (
                 id INTEGER PRIMARY KEY,
                 origin TEXT NOT NULL,
                 received_at INTEGER NOT NULL,
                 reason TEXT NOT NULL,
                 request TEXT NOT NULL
             );
             CREATE INDEX IF NOT EXISTS evidence_by_origin ON evidence (origin, id);",
        )
        .map_err(fail)?;
        Ok(Store { db, path: path.to_path_buf() })
    }

    fn fail(&self, source: rusqlite::Error) -> WitnessError {
        WitnessError::Store { path: self.path.clone(), source }
    }

    pub(crate) fn latest(&self, origin: &str) -> Result<Option<Latest>, WitnessError> {
        self.db
            .query_row(
                "SELECT size, root, cosigned, cosigned_at FROM latest WHERE origin = ?1",
                params![origin],
                |row| {
                    let size: i64 = row.get(0)?;
                    let root: Vec<u8> = row.get(1)?;
                    let cosigned_at: i64 = row.get(3)?;
                    Ok((size, root, row.get::<_, String>(2)?, cosigned_at))
                },
            )
            .optional()
            .map_err(|e| self.fail(e))?
            .map(|(size, root, cosigned, cosigned_at)| {
                let root: [u8; 32] = root.try_into().map_err(|_| {
                    self.fail(rusqlite::Error::InvalidColumnType(1, "root".into(), rusqlite::types::Type::Blob))
                })?;
                Ok(Latest { size: size as u64, root: Hash(root), cosigned, cosigned_at: cosigned_at as u64 })
            })
            .transpose()
    }

    /// Stores `checkpoint` as the latest for its log, with its cosignature line appended to
    /// the note the log sent. Committed (and synced) before returning.
    pub(crate) fn set_latest(
        &mut self,
        checkpoint: &Checkpoint,
        note: &str,
        cosignature: &str,
        cosigned_at: u64,
    ) -> Result<(), WitnessError> {
        let cosigned = format!("{note}{cosignature}");
        self.db
            .execute(
                "INSERT INTO latest (origin, size, root, cosigned, cosigned_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (origin) DO UPDATE SET size = ?2, root = ?3, cosigned = ?4, cosigned_at = ?5",
                params![
                    checkpoint.origin,
                    checkpoint.size as i64,
                    checkpoint.root.as_bytes().as_slice(),
                    cosigned,
                    cosigned_at as i64
                ],
            )
            .map_err(|e| self.fail(e))?;
        Ok(())
    }

    /// Keeps a contradicting request, unless `limit` are kept for that log already (the
    /// first ones prove the fork; more add nothing).
    pub(crate) fn keep_evidence(
        &mut self,
        origin: &str,
        request: &AddCheckpoint,
        reason: &str,
        limit: u64,
    ) -> Result<(), WitnessError> {
        if self.evidence_count(origin)? >= limit {
            return Ok(());
        }
        self.db
            .execute(
                "INSERT INTO evidence (origin, received_at, reason, request) VALUES (?1, ?2, ?3, ?4)",
                params![origin, crate::now_secs() as i64, reason, request.to_body()],
            )
            .map_err(|e| self.fail(e))?;
        Ok(())
    }

    pub(crate) fn evidence_count(&self, origin: &str) -> Result<u64, WitnessError> {
        self.db
            .query_row("SELECT COUNT(*) FROM evidence WHERE origin = ?1", params![origin], |row| row.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| self.fail(e))
    }

    pub(crate) fn evidence(&self, origin: &str) -> Result<Vec<Evidence>, WitnessError> {
        let mut statement = self
            .db
            .prepare("SELECT received_at, reason, request FROM evidence WHERE origin = ?1 ORDER BY id")
            .map_err(|e| self.fail(e))?;
        let rows = statement
            .query_map(params![origin], |row| {
                Ok(Evidence { received_at: row.get::<_, i64>(0)? as u64, reason: row.get(1)?, request: row.get(2)? })
            })
            .map_err(|e| self.fail(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.fail(e))
    }
}
