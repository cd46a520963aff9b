//! Opening the private store: one pool of connections, handed out as parts by job.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode};

use crate::flags::Flags;
use crate::people::{people_sqlite_path, Accounts, Openings, Outbox, Registry};
use crate::pool::{MaxConnections, Pool};
use crate::sealed::SealedRecords;
use crate::sql::{Db, Writers};
use crate::{Migration, Result, StoreError};

/// Applied to the private file only (the log's file has migration 1); numbered as on
/// PostgreSQL, where both share one database.
const SQLITE_MIGRATIONS: &[Migration] = &[
    Migration { version: 2, sql: include_str!("../migrations/sqlite/0002_people.sql") },
    Migration { version: 3, sql: include_str!("../migrations/sqlite/0003_people_flags.sql") },
    Migration { version: 4, sql: include_str!("../migrations/sqlite/0004_no_login_lock.sql") },
    Migration { version: 5, sql: include_str!("../migrations/sqlite/0005_sealed_records.sql") },
];

const BUSY_TIMEOUT: Duration = Duration::from_millis(5000);

/// The private store's parts, sharing one pool of at most the given connections. Each part
/// is cheap to clone; hand each capability only the parts it uses.
#[derive(Clone)]
pub struct PrivateStore {
    pub accounts: Accounts,
    pub openings: Openings,
    pub outbox: Outbox,
    pub registry: Registry,
    pub flags: Flags,
    pub sealed: SealedRecords,
}

/// Opens the private store that belongs to the log at `location` (what [`crate::open`]
/// takes): for a SQLite path, the file [`people_sqlite_path`] beside it; for a
/// `postgres://` URL, the same database. Creates it and runs migrations if needed. Takes no
/// lock: any number of stores may be open on one location, beside the log's writer.
pub fn open_private(location: &str, max: MaxConnections) -> Result<PrivateStore> {
    let db = Arc::new(if crate::is_postgres_url(location) {
        open_postgres(location, max)?
    } else {
        open_sqlite(&people_sqlite_path(Path::new(location)), max)?
    });
    Ok(PrivateStore {
        accounts: Accounts::new(db.clone()),
        openings: Openings::new(db.clone()),
        outbox: Outbox::new(db.clone()),
        registry: Registry::new(db.clone()),
        flags: Flags::new(db.clone()),
        sealed: SealedRecords::new(db),
    })
}

/// Connects once (so a wrong URL fails at start, not after the pool's wait) and applies any
/// missing migration.
fn open_postgres(url: &str, max: MaxConnections) -> Result<Db> {
    crate::postgres_store::migrate(&mut postgres::Client::connect(url, postgres::NoTls)?)?;
    let url = url.to_string();
    Ok(Db::Postgres(Pool::new(max, move || Ok(postgres::Client::connect(&url, postgres::NoTls)?))))
}

/// The private file: WAL, `synchronous=FULL`, a 5 s busy timeout and foreign keys, so
/// request handlers on many threads write here concurrently (SQLite queues them) while the
/// log's writer keeps its own file and lock.
fn open_sqlite(path: &Path, max: MaxConnections) -> Result<Db> {
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
        // On a connection of its own, not the pool's: the pool would retry a failing open
        // until its checkout wait ran out instead of saying why at once.
        match connect().and_then(|mut conn| {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            crate::sqlite_store::migrate(&mut conn, SQLITE_MIGRATIONS)?;
            Ok(conn)
        }) {
            Err(StoreError::Sqlite(e))
                if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy) && std::time::Instant::now() < give_up =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            outcome => break outcome?,
        }
    };
    let pool = Pool::new(max, connect);
    // One connection stays open in the pool from now on (the set-up one closes only after
    // it), so SQLite does not delete and recreate the `-wal` and `-shm` files whenever the
    // last connection closes.
    pool.with(|_| Ok(()))?;
    drop(set_up);
    Ok(Db::Sqlite(pool, Writers::default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pooled_connection_is_durable_patient_and_checks_references() {
        let dir = tempfile::tempdir().unwrap();
        let Db::Sqlite(pool, _) = open_sqlite(&dir.path().join("p.sqlite3"), MaxConnections::DEFAULT).unwrap() else {
            unreachable!("a SQLite path opens SQLite")
        };
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
        assert_eq!(pool.with(settings).unwrap(), expected);
        // A connection made later (the first is checked out) gets the same settings.
        pool.with(|first| {
            assert_eq!(settings(first)?, expected);
            assert_eq!(pool.with(settings)?, expected);
            Ok(())
        })
        .unwrap();
    }

    /// Eight threads write at once (one statement at a time, a `RETURNING` insert, and
    /// transactions) through connections that do not wait for SQLite's lock at all: each
    /// would fail with "database is locked" at its first collision unless the writers of one
    /// store take turns before they reach SQLite.
    #[test]
    fn writers_in_one_process_take_turns_instead_of_failing_busy() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.sqlite3");
        // Held open, as the server's pool holds one connection: were the last connection
        // closed, the impatient ones below would race to recreate the `-wal` and `-shm` files,
        // which answers SQLITE_BUSY with no busy handler asked (seen once in a full run) —
        // not the writers' contention this test is about.
        let _held_open = open_sqlite(&path, MaxConnections::DEFAULT).unwrap();
        let file = path.clone();
        let impatient = Pool::new(MaxConnections::DEFAULT, move || {
            let conn = Connection::open(&file)?;
            conn.busy_timeout(Duration::ZERO)?;
            Ok(conn)
        });
        let db = Db::Sqlite(impatient, Writers::default());
        let insert =
            "INSERT INTO sealed_records (kind, id, owner, sealed, created_ms) VALUES ('test', ?1, NULL, x'00', 0)";
        std::thread::scope(|s| {
            for t in 0..8 {
                let (db, insert) = (&db, insert);
                s.spawn(move || {
                    for i in 0..40 {
                        let id = format!("{t}-{i}");
                        match i % 3 {
                            0 => db.with(|c| c.execute(insert, &[&id])),
                            1 => db.with(|c| {
                                c.query_one(&format!("{insert} RETURNING id"), &[&id], |r| r.get::<String>(0))
                                    .map(|_| 1)
                            }),
                            _ => db.transaction(|c| c.execute(insert, &[&id])),
                        }
                        .unwrap_or_else(|e| panic!("write {id}: {e}"));
                    }
                });
            }
        });
        let count = db.with(|c| c.query_one("SELECT COUNT(*) FROM sealed_records", &[], |r| r.get_u64(0, "count")));
        assert_eq!(count.unwrap(), 8 * 40);
    }
}
