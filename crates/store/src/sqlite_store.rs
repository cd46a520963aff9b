//! The embedded backend: one SQLite file in WAL mode. The writer commits with
//! `synchronous=FULL`, so an acknowledged batch survives power loss; readers use their own
//! connections and never block it.

use std::fs::File;
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::pool::{MaxConnections, Pool};
use crate::{to_i64, to_u64, Batch, Head, Migration, Reader, Result, StoreError, StoredCheckpoint, Writer};

const MIGRATIONS: &[Migration] = &[Migration { version: 1, sql: include_str!("../migrations/sqlite/0001_log.sql") }];

pub struct SqliteWriter {
    conn: Connection,
    size: u64,
    // Held for the writer's lifetime: the OS releases the lock if the process dies.
    _lock: File,
    _checkpointer: WalCheckpointer,
}

/// A thread that moves committed WAL frames into the database file in the background
/// (SQLite's PASSIVE checkpoint never blocks the writer or readers). Stops when dropped.
struct WalCheckpointer {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl WalCheckpointer {
    const PERIOD: std::time::Duration = std::time::Duration::from_millis(250);

    fn start(path: &Path) -> Result<WalCheckpointer> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(1))?;
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpointer".into())
            .spawn(move || {
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(Self::PERIOD) {
                    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                        tracing::warn!(error = %e, "WAL checkpoint failed; will retry");
                    }
                }
            })
            .map_err(|source| StoreError::Io { path: "sqlite-checkpointer thread".into(), source })?;
        Ok(WalCheckpointer { stop: Some(stop), thread: Some(thread) })
    }
}

impl Drop for WalCheckpointer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub struct SqliteReader {
    pool: Pool<Connection>,
}

/// Makes a SQLite database file private to the server's user (mode 0600) before SQLite
/// opens it: creates it empty with that mode if it is absent — SQLite takes an empty file
/// as a new database, and creates the `-wal` and `-shm` files with the permissions of the
/// database file — and takes group and other permissions off the file and its `-wal` and
/// `-shm` if they already exist with them (files of an older version, created 0644),
/// saying so in the log. A umask would do it too, but it is the whole process's and would
/// race with every other thread that creates a file.
pub(crate) fn make_private(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let name = path.as_os_str();
        if name == ":memory:" || name.to_string_lossy().starts_with("file:") {
            return Ok(());
        }
        match File::options().write(true).create_new(true).mode(0o600).open(path) {
            Ok(_) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(source) => return Err(StoreError::Io { path: path.display().to_string(), source }),
        }
        for suffix in ["", "-wal", "-shm"] {
            let mut file = name.to_owned();
            file.push(suffix);
            restrict_to_owner(Path::new(&file));
        }
    }
    Ok(())
}

/// Takes group and other permissions off an existing file or directory, with a warning that
/// says what changed; one that is absent or already private is left alone. One the server may
/// not change (another user's) is reported, not fatal: the server still works. Shared with
/// the server, which keeps its data directory and mail spool private the same way.
#[cfg(unix)]
pub fn restrict_to_owner(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = std::fs::metadata(path) else { return };
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 == 0 {
        return;
    }
    let private = mode & 0o700;
    let (was, now) = (format!("{mode:o}"), format!("{private:o}"));
    match std::fs::set_permissions(path, std::fs::Permissions::from_mode(private)) {
        Ok(()) => tracing::warn!(
            path = %path.display(), was, now,
            "this was open to other users of this machine; made it private to the server's user"
        ),
        Err(e) => tracing::warn!(
            path = %path.display(), was, error = %e,
            "this is open to other users of this machine and could not be made private; run `chmod {now} PATH` on it"
        ),
    }
}

/// Opens (creating if needed) a SQLite log, runs migrations and takes the writer lock.
pub fn open_sqlite(path: &Path, max_readers: MaxConnections) -> Result<(SqliteWriter, SqliteReader)> {
    let lock_path = path.with_extension("writer.lock");
    let mut options = File::options();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let lock =
        options.open(&lock_path).map_err(|source| StoreError::Io { path: lock_path.display().to_string(), source })?;
    if lock.try_lock().is_err() {
        return Err(StoreError::WriterLocked(path.display().to_string()));
    }
    #[cfg(unix)]
    restrict_to_owner(&lock_path);
    make_private(path)?;
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // The writer touches the right edge of every table and index; 64 MiB of page cache keeps
    // the leaf-hash index (random keys) mostly in memory.
    conn.pragma_update(None, "cache_size", -65_536)?;
    // Copying the WAL back into the database is the checkpointer's job (below), so commits
    // don't pay for it; the writer checkpoints itself only if the WAL grows past ~400 MiB.
    conn.pragma_update(None, "wal_autocheckpoint", 100_000)?;
    migrate(&mut conn, MIGRATIONS)?;
    let checkpointer = WalCheckpointer::start(path)?;
    let writer = SqliteWriter { conn, size: 0, _lock: lock, _checkpointer: checkpointer };
    let reader = SqliteReader::open(path, max_readers)?;
    Ok((writer, reader))
}

/// Applies the given embedded migrations not yet recorded in the file's `schema_migrations`.
/// Each runs in an IMMEDIATE transaction, so two processes opening one file at once wait for
/// each other instead of both applying it.
pub(crate) fn migrate(conn: &mut Connection, migrations: &[Migration]) -> Result<()> {
    conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)")?;
    for m in migrations {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let done: Option<i64> = tx
            .query_row("SELECT version FROM schema_migrations WHERE version = ?1", [m.version], |r| r.get(0))
            .optional()?;
        if done.is_none() {
            tracing::info!(version = m.version, "applying SQLite migration");
            tx.execute_batch(m.sql)?;
            tx.execute("INSERT INTO schema_migrations (version) VALUES (?1)", [m.version])?;
        }
        tx.commit()?;
    }
    Ok(())
}

fn read_size(conn: &Connection) -> Result<u64> {
    let max: Option<i64> = conn.query_row("SELECT MAX(idx) FROM entries", [], |r| r.get(0))?;
    match max {
        None => Ok(0),
        Some(m) => Ok(to_u64(m, "entry index")? + 1),
    }
}

fn checkpoint_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, String, i64)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
}

fn stored_checkpoint((size, note, at): (i64, String, i64)) -> Result<StoredCheckpoint> {
    Ok(StoredCheckpoint { size: to_u64(size, "checkpoint size")?, note, signed_at_ms: to_u64(at, "checkpoint time")? })
}

fn latest_checkpoint(conn: &Connection) -> Result<Option<StoredCheckpoint>> {
    conn.query_row(
        "SELECT size, note, signed_at_ms FROM checkpoints ORDER BY size DESC LIMIT 1",
        [],
        checkpoint_from_row,
    )
    .optional()?
    .map(stored_checkpoint)
    .transpose()
}

fn projection_rows(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached("SELECT key, value FROM projection ORDER BY key")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Writer for SqliteWriter {
    fn head(&mut self) -> Result<Head> {
        let size = read_size(&self.conn)?;
        self.size = size;
        Ok(Head { size, rows: projection_rows(&self.conn)?, latest_checkpoint: latest_checkpoint(&self.conn)? })
    }

    fn tiles(&mut self, ids: &[(u8, u64)]) -> Result<Vec<Option<Vec<u8>>>> {
        let mut stmt = self.conn.prepare_cached("SELECT data FROM tiles WHERE level = ?1 AND idx = ?2")?;
        ids.iter()
            .map(|&(level, index)| Ok(stmt.query_row(params![level, to_i64(index)], |r| r.get(0)).optional()?))
            .collect()
    }

    fn commit(&mut self, batch: &Batch) -> Result<()> {
        if let Some(first) = batch.entries.first() {
            if first.index != self.size {
                return Err(StoreError::OutOfOrder { expected: self.size, got: first.index });
            }
        }
        let tx = self.conn.transaction()?;
        {
            let mut insert = tx.prepare_cached("INSERT INTO entries (idx, leaf_hash, body) VALUES (?1, ?2, ?3)")?;
            for e in &batch.entries {
                insert.execute(params![to_i64(e.index), &e.leaf_hash[..], &e.body])?;
            }
            let mut tile = tx.prepare_cached(
                "INSERT INTO tiles (level, idx, data) VALUES (?1, ?2, ?3)
                 ON CONFLICT (level, idx) DO UPDATE SET data = excluded.data",
            )?;
            for (level, index, data) in &batch.tiles {
                tile.execute(params![level, to_i64(*index), data])?;
            }
            let mut upsert = tx.prepare_cached(
                "INSERT INTO projection (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?;
            let mut delete = tx.prepare_cached("DELETE FROM projection WHERE key = ?1")?;
            for (key, value) in &batch.rows {
                match value {
                    Some(v) => upsert.execute(params![key, v])?,
                    None => delete.execute(params![key])?,
                };
            }
            if let Some(c) = &batch.checkpoint {
                tx.execute(
                    "INSERT INTO checkpoints (size, note, signed_at_ms) VALUES (?1, ?2, ?3)
                     ON CONFLICT (size) DO NOTHING",
                    params![to_i64(c.size), c.note, to_i64(c.signed_at_ms)],
                )?;
            }
        }
        tx.commit()?;
        self.size += batch.entries.len() as u64;
        Ok(())
    }

    fn replace_projection(&mut self, rows: &[(String, String)]) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM projection", [])?;
        {
            let mut insert = tx.prepare_cached("INSERT INTO projection (key, value) VALUES (?1, ?2)")?;
            for (k, v) in rows {
                insert.execute(params![k, v])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

impl SqliteReader {
    pub fn open(path: &Path, max: MaxConnections) -> Result<SqliteReader> {
        if !path.exists() {
            return Err(StoreError::Io {
                path: path.display().to_string(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such database file"),
            });
        }
        let path = path.to_path_buf();
        let pool = Pool::new(max, move || {
            let conn = Connection::open_with_flags(
                &path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.busy_timeout(std::time::Duration::from_secs(5))?;
            Ok(conn)
        });
        Ok(SqliteReader { pool })
    }
}

impl Reader for SqliteReader {
    fn size(&self) -> Result<u64> {
        self.pool.with(|c| read_size(c))
    }

    fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>> {
        self.pool.with(|c| latest_checkpoint(c))
    }

    fn checkpoints(&self, from: u64, to: u64, limit: u32) -> Result<Vec<StoredCheckpoint>> {
        self.pool.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT size, note, signed_at_ms FROM checkpoints WHERE size >= ?1 AND size <= ?2 ORDER BY size LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![to_i64(from), to_i64(to), limit], checkpoint_from_row)?;
            rows.map(|r| stored_checkpoint(r?)).collect()
        })
    }

    fn tile(&self, level: u8, index: u64) -> Result<Option<Vec<u8>>> {
        self.pool.with(|c| {
            let mut stmt = c.prepare_cached("SELECT data FROM tiles WHERE level = ?1 AND idx = ?2")?;
            Ok(stmt.query_row(params![level, to_i64(index)], |r| r.get(0)).optional()?)
        })
    }

    fn entries(&self, start: u64, end: u64) -> Result<Vec<Vec<u8>>> {
        self.pool.with(|c| {
            let mut stmt = c.prepare_cached("SELECT body FROM entries WHERE idx >= ?1 AND idx < ?2 ORDER BY idx")?;
            let rows = stmt.query_map(params![to_i64(start), to_i64(end)], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    fn indexes_of_leaf(&self, leaf_hash: &[u8; 32]) -> Result<Vec<u64>> {
        self.pool.with(|c| {
            let mut stmt = c.prepare_cached("SELECT idx FROM entries WHERE leaf_hash = ?1 ORDER BY idx LIMIT 100")?;
            let rows = stmt.query_map(params![&leaf_hash[..]], |r| r.get::<_, i64>(0))?;
            rows.map(|r| to_u64(r?, "entry index")).collect()
        })
    }

    fn projection_row(&self, key: &str) -> Result<Option<String>> {
        self.pool.with(|c| {
            let mut stmt = c.prepare_cached("SELECT value FROM projection WHERE key = ?1")?;
            Ok(stmt.query_row(params![key], |r| r.get(0)).optional()?)
        })
    }

    fn projection_rows(&self) -> Result<Vec<(String, String)>> {
        self.pool.with(|c| projection_rows(c))
    }

    fn projection_rows_with_prefix(&self, prefix: &str) -> Result<Vec<(String, String)>> {
        let Some(upper) = crate::prefix_upper_bound(prefix) else { return self.projection_rows() };
        self.pool.with(|c| {
            let mut stmt =
                c.prepare_cached("SELECT key, value FROM projection WHERE key >= ?1 AND key < ?2 ORDER BY key")?;
            let rows = stmt.query_map(params![prefix, upper], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).expect("metadata").permissions().mode() & 0o777
    }

    /// Every file of a SQLite log and its people store — the databases, their `-wal` and
    /// `-shm`, the writer lock — is readable by the server's user only.
    #[test]
    fn database_files_are_private() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let log = dir.path().join("dauys.sqlite3");
        let (mut writer, reader) = open_sqlite(&log, MaxConnections::DEFAULT).expect("log opens");
        let people =
            crate::open_private(&log.display().to_string(), MaxConnections::DEFAULT).expect("people store opens");
        writer
            .commit(&Batch {
                entries: Vec::new(),
                tiles: Vec::new(),
                rows: vec![("k".into(), Some("v".into()))],
                checkpoint: None,
            })
            .expect("commit");
        assert_eq!(reader.projection_row("k").expect("read"), Some("v".into()));
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for expected in ["dauys.sqlite3", "dauys.sqlite3-wal", "dauys.sqlite3-shm", "dauys.people.sqlite3-wal"] {
            assert!(names.iter().any(|n| n == expected), "{expected} in {names:?}");
        }
        for name in &names {
            assert_eq!(mode(&dir.path().join(name)), 0o600, "{name}");
        }
        drop((writer, reader, people));
    }

    /// Files an older version left readable by others are made private when opened again.
    #[test]
    fn readable_database_files_are_made_private() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let log = dir.path().join("dauys.sqlite3");
        drop(open_sqlite(&log, MaxConnections::DEFAULT).expect("log opens"));
        let wal = dir.path().join("dauys.sqlite3-wal");
        std::fs::write(&wal, b"").expect("wal");
        for file in [&log, &wal, &dir.path().join("dauys.writer.lock")] {
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        }
        let again = open_sqlite(&log, MaxConnections::DEFAULT).expect("log opens again");
        for file in [&log, &wal, &dir.path().join("dauys.writer.lock")] {
            assert_eq!(mode(file), 0o600, "{}", file.display());
        }
        drop(again);
    }
}
