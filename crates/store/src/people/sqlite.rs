//! The people store in its own SQLite file: WAL, `synchronous=FULL`, a 5 s busy timeout and
//! its own pool, so request handlers on many threads write here concurrently (SQLite queues
//! them) while the log's writer keeps its own file and lock.
//!
//! Multi-statement writes take the write lock up front (`BEGIN IMMEDIATE`), so they wait
//! for each other in the busy handler instead of failing with "database is locked" when a
//! read snapshot cannot be upgraded.

use std::path::Path;
use std::time::Duration;

use rusqlite::{ffi, params, Connection, ErrorCode, OptionalExtension, Row, TransactionBehavior};

use super::{last_of_each, AccountRow, FlagRow, MailRow, OpeningRow, PeopleStore, RegistryRow, SessionRow};
use crate::pool::{MaxConnections, Pool};
use crate::{to_i64, Migration, Result, StoreError};

/// Applied to the people file only (the log's file has migration 1); numbered as on
/// PostgreSQL, where both share one database.
const MIGRATIONS: &[Migration] = &[
    Migration { version: 2, sql: include_str!("../../migrations/sqlite/0002_people.sql") },
    Migration { version: 3, sql: include_str!("../../migrations/sqlite/0003_people_flags.sql") },
    Migration { version: 4, sql: include_str!("../../migrations/sqlite/0004_no_login_lock.sql") },
];

const FLAG_COLUMNS: &str = "id, petition, signer, reason, created_at_ms, resolved_at_ms";

const BUSY_TIMEOUT: Duration = Duration::from_millis(5000);

const ACCOUNT_COLUMNS: &str = "id, email_lookup, password_phc, created_at_ms, person, wrapped_key, sealed_profile, \
                               email_verified";

pub(super) struct SqlitePeople {
    pool: Pool<Connection>,
}

impl SqlitePeople {
    /// Opens (creating if needed) the people file at `path` and runs its migrations.
    pub(super) fn open(path: &Path, max: MaxConnections) -> Result<SqlitePeople> {
        crate::sqlite_store::make_private(path)?;
        let file = path.to_path_buf();
        let connect = move || {
            let conn = Connection::open(&file)?;
            conn.busy_timeout(BUSY_TIMEOUT)?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            Ok(conn)
        };
        // Several processes (or threads) may open a new file at once. Switching it to WAL can
        // answer SQLITE_BUSY without consulting the busy handler, so the set-up is retried
        // until the busy timeout has passed.
        let give_up = std::time::Instant::now() + BUSY_TIMEOUT;
        let set_up = loop {
            // On a connection of its own, not the pool's: the pool would retry a failing
            // open until its checkout wait ran out instead of saying why at once.
            match connect().and_then(|mut conn| {
                conn.pragma_update(None, "journal_mode", "WAL")?;
                crate::sqlite_store::migrate(&mut conn, MIGRATIONS)?;
                Ok(conn)
            }) {
                Err(StoreError::Sqlite(e))
                    if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                        && std::time::Instant::now() < give_up =>
                {
                    std::thread::sleep(Duration::from_millis(10));
                }
                outcome => break outcome?,
            }
        };
        let pool = Pool::new(max, connect);
        // One connection stays open in the pool from now on (the set-up one closes only after
        // it), so SQLite does not delete and recreate the `-wal` and `-shm` files whenever
        // the last connection closes.
        pool.with(|_| Ok(()))?;
        drop(set_up);
        Ok(SqlitePeople { pool })
    }
}

/// The extended result code of a constraint violation, if `e` is one.
fn violated(e: &rusqlite::Error) -> Option<i32> {
    match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::ConstraintViolation => Some(f.extended_code),
        _ => None,
    }
}

/// Maps the constraint violations of a table with one unique key (`what`) whose account
/// column refers to an account.
fn keyed(e: rusqlite::Error, what: &'static str) -> StoreError {
    match violated(&e) {
        Some(ffi::SQLITE_CONSTRAINT_PRIMARYKEY | ffi::SQLITE_CONSTRAINT_UNIQUE) => StoreError::Conflict { what },
        Some(ffi::SQLITE_CONSTRAINT_FOREIGNKEY) => StoreError::NotFound { what: "account" },
        _ => e.into(),
    }
}

/// Maps a failed insert (`new`) or update of an account. The code tells a primary-key
/// violation from a unique one, but not which unique column collided; the caller's open
/// IMMEDIATE transaction looks that up with no race.
fn account_conflict(conn: &Connection, e: rusqlite::Error, account: &AccountRow, new: bool) -> StoreError {
    let what = match violated(&e) {
        Some(ffi::SQLITE_CONSTRAINT_PRIMARYKEY) if new => Some("account id"),
        Some(ffi::SQLITE_CONSTRAINT_PRIMARYKEY | ffi::SQLITE_CONSTRAINT_UNIQUE) => {
            match held_by_another(conn, account) {
                Ok(what) => what.or(new.then_some("account id")),
                Err(lookup) => return lookup,
            }
        }
        _ => None,
    };
    match what {
        Some(what) => StoreError::Conflict { what },
        None => e.into(),
    }
}

/// Which unique value of `account` (`"email"`, `"person"`) another account holds, if any.
fn held_by_another(conn: &Connection, account: &AccountRow) -> Result<Option<&'static str>> {
    let exists = |column: &str, value: &dyn rusqlite::ToSql| -> Result<bool> {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM people_accounts WHERE {column} = ?1 AND id <> ?2)");
        Ok(conn.query_row(&sql, params![value, account.id], |r| r.get(0))?)
    };
    if exists("email_lookup", &account.email_lookup)? {
        return Ok(Some("email"));
    }
    match &account.person {
        Some(person) if exists("person", person)? => Ok(Some("person")),
        _ => Ok(None),
    }
}

fn account_from_row(r: &Row<'_>) -> rusqlite::Result<AccountRow> {
    Ok(AccountRow {
        id: r.get(0)?,
        email_lookup: r.get(1)?,
        password_phc: r.get(2)?,
        created_at_ms: r.get(3)?,
        person: r.get(4)?,
        wrapped_key: r.get(5)?,
        sealed_profile: r.get(6)?,
        email_verified: r.get(7)?,
    })
}

fn session_from_row(r: &Row<'_>) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        token_hash: r.get(0)?,
        account_id: r.get(1)?,
        csrf_token: r.get(2)?,
        created_at_ms: r.get(3)?,
        expires_at_ms: r.get(4)?,
    })
}

fn mail_from_row(r: &Row<'_>) -> rusqlite::Result<MailRow> {
    Ok(MailRow {
        id: r.get(0)?,
        sealed: r.get(1)?,
        created_at_ms: r.get(2)?,
        attempts: r.get(3)?,
        sent_at_ms: r.get(4)?,
    })
}

fn registry_from_row(r: &Row<'_>) -> rusqlite::Result<RegistryRow> {
    Ok(RegistryRow {
        iin_lookup: r.get(0)?,
        sealed_record: r.get(1)?,
        code_hash: r.get(2)?,
        code_expires_ms: r.get(3)?,
        code_attempts: r.get(4)?,
        claimed_by: r.get(5)?,
    })
}

fn flag_from_row(r: &Row<'_>) -> rusqlite::Result<FlagRow> {
    Ok(FlagRow {
        id: r.get(0)?,
        petition: r.get(1)?,
        signer: r.get(2)?,
        reason: r.get(3)?,
        created_at_ms: r.get(4)?,
        resolved_at_ms: r.get(5)?,
    })
}

fn one_account(conn: &Connection, column: &str, key: &dyn rusqlite::ToSql) -> Result<Option<AccountRow>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {ACCOUNT_COLUMNS} FROM people_accounts WHERE {column} = ?1"))?;
    Ok(stmt.query_row([key], account_from_row).optional()?)
}

/// `Ok` if exactly one row changed, else NotFound `what`.
fn changed_one(changed: usize, what: &'static str) -> Result<()> {
    if changed == 0 {
        Err(StoreError::NotFound { what })
    } else {
        Ok(())
    }
}

impl PeopleStore for SqlitePeople {
    fn create_account(&self, a: &AccountRow) -> Result<()> {
        self.pool.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let inserted = tx.execute(
                &format!("INSERT INTO people_accounts ({ACCOUNT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
                params![
                    a.id,
                    a.email_lookup,
                    a.password_phc,
                    to_i64(a.created_at_ms),
                    a.person,
                    a.wrapped_key,
                    a.sealed_profile,
                    a.email_verified,
                ],
            );
            if let Err(e) = inserted {
                return Err(account_conflict(&tx, e, a, true));
            }
            tx.commit()?;
            Ok(())
        })
    }

    fn account(&self, id: &str) -> Result<Option<AccountRow>> {
        self.pool.with(|c| one_account(c, "id", &id))
    }

    fn account_by_email(&self, email_lookup: &[u8]) -> Result<Option<AccountRow>> {
        self.pool.with(|c| one_account(c, "email_lookup", &email_lookup))
    }

    fn account_by_person(&self, person: &str) -> Result<Option<AccountRow>> {
        self.pool.with(|c| one_account(c, "person", &person))
    }

    fn update_account(&self, a: &AccountRow) -> Result<()> {
        self.pool.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let updated = tx.execute(
                "UPDATE people_accounts SET email_lookup = ?2, password_phc = ?3, person = ?4, wrapped_key = ?5,
                     sealed_profile = ?6, email_verified = ?7
                 WHERE id = ?1",
                params![
                    a.id,
                    a.email_lookup,
                    a.password_phc,
                    a.person,
                    a.wrapped_key,
                    a.sealed_profile,
                    a.email_verified,
                ],
            );
            match updated {
                Err(e) => Err(account_conflict(&tx, e, a, false)),
                Ok(changed) => {
                    changed_one(changed, "account")?;
                    tx.commit()?;
                    Ok(())
                }
            }
        })
    }

    fn set_person(&self, id: &str, person: &str) -> Result<()> {
        self.pool.with(|c| {
            let changed = c
                .execute("UPDATE people_accounts SET person = ?2 WHERE id = ?1", params![id, person])
                .map_err(|e| keyed(e, "person"))?;
            changed_one(changed, "account")
        })
    }

    fn list_accounts(&self, after_id: Option<&str>, limit: u32) -> Result<Vec<AccountRow>> {
        self.pool.with(|c| {
            let rows = match after_id {
                Some(after) => c
                    .prepare_cached(&format!(
                        "SELECT {ACCOUNT_COLUMNS} FROM people_accounts WHERE id > ?1 ORDER BY id LIMIT ?2"
                    ))?
                    .query_map(params![after, limit], account_from_row)?
                    .collect::<rusqlite::Result<_>>()?,
                None => c
                    .prepare_cached(&format!("SELECT {ACCOUNT_COLUMNS} FROM people_accounts ORDER BY id LIMIT ?1"))?
                    .query_map(params![limit], account_from_row)?
                    .collect::<rusqlite::Result<_>>()?,
            };
            Ok(rows)
        })
    }

    fn count_accounts(&self) -> Result<u64> {
        self.pool.with(|c| Ok(c.query_row("SELECT COUNT(*) FROM people_accounts", [], |r| r.get(0))?))
    }

    fn create_session(&self, s: &SessionRow) -> Result<()> {
        self.pool.with(|c| {
            c.prepare_cached(
                "INSERT INTO people_sessions (token_hash, account_id, csrf_token, created_at_ms, expires_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                s.token_hash,
                s.account_id,
                s.csrf_token,
                to_i64(s.created_at_ms),
                to_i64(s.expires_at_ms)
            ])
            .map_err(|e| keyed(e, "session"))?;
            Ok(())
        })
    }

    fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRow>> {
        self.pool.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT token_hash, account_id, csrf_token, created_at_ms, expires_at_ms
                 FROM people_sessions WHERE token_hash = ?1",
            )?;
            Ok(stmt.query_row([token_hash], session_from_row).optional()?)
        })
    }

    fn delete_session(&self, token_hash: &[u8]) -> Result<()> {
        self.pool.with(|c| {
            c.prepare_cached("DELETE FROM people_sessions WHERE token_hash = ?1")?.execute([token_hash])?;
            Ok(())
        })
    }

    fn delete_sessions_of(&self, account_id: &str) -> Result<u64> {
        self.pool.with(|c| {
            Ok(c.prepare_cached("DELETE FROM people_sessions WHERE account_id = ?1")?.execute([account_id])? as u64)
        })
    }

    fn delete_expired_sessions(&self, now_ms: u64) -> Result<u64> {
        self.pool.with(|c| {
            Ok(c.prepare_cached("DELETE FROM people_sessions WHERE expires_at_ms <= ?1")?.execute([to_i64(now_ms)])?
                as u64)
        })
    }

    fn add_opening(&self, o: &OpeningRow) -> Result<()> {
        self.pool.with(|c| {
            c.prepare_cached("INSERT INTO people_openings (account_id, log_index, sealed_nonce) VALUES (?1, ?2, ?3)")?
                .execute(params![o.account_id, to_i64(o.log_index), o.sealed_nonce])
                .map_err(|e| keyed(e, "opening"))?;
            Ok(())
        })
    }

    fn openings_of(&self, account_id: &str) -> Result<Vec<OpeningRow>> {
        self.pool.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT account_id, log_index, sealed_nonce FROM people_openings WHERE account_id = ?1 ORDER BY log_index",
            )?;
            let rows = stmt.query_map([account_id], |r| {
                Ok(OpeningRow { account_id: r.get(0)?, log_index: r.get(1)?, sealed_nonce: r.get(2)? })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    fn enqueue_mail(&self, sealed: &[u8], created_at_ms: u64) -> Result<u64> {
        self.pool.with(|c| {
            let mut stmt =
                c.prepare_cached("INSERT INTO people_mail (sealed, created_at_ms) VALUES (?1, ?2) RETURNING id")?;
            Ok(stmt.query_row(params![sealed, to_i64(created_at_ms)], |r| r.get(0))?)
        })
    }

    fn pending_mail(&self, limit: u32) -> Result<Vec<MailRow>> {
        self.pool.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, sealed, created_at_ms, attempts, sent_at_ms FROM people_mail
                 WHERE sent_at_ms IS NULL ORDER BY created_at_ms, id LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], mail_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    fn mark_mail_sent(&self, id: u64, at_ms: u64) -> Result<()> {
        self.pool.with(|c| {
            let changed = c
                .prepare_cached("UPDATE people_mail SET sent_at_ms = ?2 WHERE id = ?1")?
                .execute(params![to_i64(id), to_i64(at_ms)])?;
            changed_one(changed, "mail")
        })
    }

    fn mark_mail_failed(&self, id: u64) -> Result<()> {
        self.pool.with(|c| {
            let changed = c
                .prepare_cached("UPDATE people_mail SET attempts = attempts + 1 WHERE id = ?1")?
                .execute([to_i64(id)])?;
            changed_one(changed, "mail")
        })
    }

    fn upsert_registry(&self, rows: &[RegistryRow]) -> Result<u64> {
        let rows = last_of_each(rows);
        self.pool.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut upsert = tx.prepare_cached(
                    "INSERT INTO people_registry
                         (iin_lookup, sealed_record, code_hash, code_expires_ms, code_attempts, claimed_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (iin_lookup) DO UPDATE SET sealed_record = excluded.sealed_record",
                )?;
                for r in &rows {
                    upsert
                        .execute(params![
                            r.iin_lookup,
                            r.sealed_record,
                            r.code_hash,
                            to_i64(r.code_expires_ms),
                            r.code_attempts,
                            r.claimed_by
                        ])
                        .map_err(|e| keyed(e, "registry row"))?;
                }
            }
            tx.commit()?;
            Ok(rows.len() as u64)
        })
    }

    fn registry(&self, iin_lookup: &[u8]) -> Result<Option<RegistryRow>> {
        self.pool.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT iin_lookup, sealed_record, code_hash, code_expires_ms, code_attempts, claimed_by
                 FROM people_registry WHERE iin_lookup = ?1",
            )?;
            Ok(stmt.query_row([iin_lookup], registry_from_row).optional()?)
        })
    }

    fn update_registry(&self, r: &RegistryRow) -> Result<()> {
        self.pool.with(|c| {
            let changed = c
                .prepare_cached(
                    "UPDATE people_registry SET sealed_record = ?2, code_hash = ?3, code_expires_ms = ?4,
                         code_attempts = ?5, claimed_by = ?6
                     WHERE iin_lookup = ?1",
                )?
                .execute(params![
                    r.iin_lookup,
                    r.sealed_record,
                    r.code_hash,
                    to_i64(r.code_expires_ms),
                    r.code_attempts,
                    r.claimed_by
                ])
                .map_err(|e| keyed(e, "registry row"))?;
            changed_one(changed, "registry row")
        })
    }

    fn erase_account(&self, id: &str) -> Result<()> {
        self.pool.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let changed = tx.execute(
                "UPDATE people_accounts SET wrapped_key = NULL, sealed_profile = NULL, person = NULL WHERE id = ?1",
                [id],
            )?;
            changed_one(changed, "account")?;
            tx.execute("DELETE FROM people_sessions WHERE account_id = ?1", [id])?;
            tx.commit()?;
            Ok(())
        })
    }

    fn add_flag(&self, petition: &str, signer: &str, reason: &str, created_at_ms: u64) -> Result<u64> {
        self.pool.with(|c| {
            let inserted: Option<u64> = c
                .prepare_cached(
                    "INSERT INTO people_flags (petition, signer, reason, created_at_ms) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (petition, signer, reason) DO NOTHING RETURNING id",
                )?
                .query_row(params![petition, signer, reason, to_i64(created_at_ms)], |r| r.get(0))
                .optional()?;
            match inserted {
                Some(id) => Ok(id),
                // The flag exists (committed: the insert held the write lock) and is never deleted.
                None => Ok(c
                    .prepare_cached("SELECT id FROM people_flags WHERE petition = ?1 AND signer = ?2 AND reason = ?3")?
                    .query_row(params![petition, signer, reason], |r| r.get(0))?),
            }
        })
    }

    fn open_flags(&self, petition: Option<&str>, limit: u32) -> Result<Vec<FlagRow>> {
        self.pool.with(|c| {
            let rows = match petition {
                Some(petition) => c
                    .prepare_cached(&format!(
                        "SELECT {FLAG_COLUMNS} FROM people_flags WHERE resolved_at_ms IS NULL AND petition = ?1
                         ORDER BY created_at_ms, id LIMIT ?2"
                    ))?
                    .query_map(params![petition, limit], flag_from_row)?
                    .collect::<rusqlite::Result<_>>()?,
                None => c
                    .prepare_cached(&format!(
                        "SELECT {FLAG_COLUMNS} FROM people_flags WHERE resolved_at_ms IS NULL
                         ORDER BY created_at_ms, id LIMIT ?1"
                    ))?
                    .query_map(params![limit], flag_from_row)?
                    .collect::<rusqlite::Result<_>>()?,
            };
            Ok(rows)
        })
    }

    fn count_open_flags(&self, petition: Option<&str>) -> Result<u64> {
        self.pool.with(|c| {
            let count = match petition {
                Some(petition) => c
                    .prepare_cached("SELECT COUNT(*) FROM people_flags WHERE resolved_at_ms IS NULL AND petition = ?1")?
                    .query_row([petition], |r| r.get(0))?,
                None => c
                    .prepare_cached("SELECT COUNT(*) FROM people_flags WHERE resolved_at_ms IS NULL")?
                    .query_row([], |r| r.get(0))?,
            };
            Ok(count)
        })
    }

    fn resolve_flags(&self, petition: &str, signer: &str, at_ms: u64) -> Result<u64> {
        self.pool.with(|c| {
            let changed = c
                .prepare_cached(
                    "UPDATE people_flags SET resolved_at_ms = ?3
                     WHERE petition = ?1 AND signer = ?2 AND resolved_at_ms IS NULL",
                )?
                .execute(params![petition, signer, to_i64(at_ms)])?;
            Ok(changed as u64)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pooled_connection_is_durable_patient_and_checks_references() {
        let dir = tempfile::tempdir().unwrap();
        let people = SqlitePeople::open(&dir.path().join("p.sqlite3"), MaxConnections::DEFAULT).unwrap();
        let settings = |c: &mut Connection| -> Result<(String, i64, i64, i64)> {
            Ok((
                c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
                c.query_row("PRAGMA synchronous", [], |r| r.get(0))?,
                c.query_row("PRAGMA busy_timeout", [], |r| r.get(0))?,
                c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?,
            ))
        };
        // 2 = FULL.
        let expected = ("wal".to_string(), 2, 5000, 1);
        assert_eq!(people.pool.with(settings).unwrap(), expected);
        // A connection made later (the first is checked out) gets the same settings.
        people
            .pool
            .with(|first| {
                assert_eq!(settings(first)?, expected);
                assert_eq!(people.pool.with(settings)?, expected);
                Ok(())
            })
            .unwrap();
    }
}
