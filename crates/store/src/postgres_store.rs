//! The national-scale backend: PostgreSQL. Each batch is a handful of statements that
//! insert whole arrays (`unnest`), so a batch costs a few round trips, not one per entry.
//! The writer holds a session advisory lock so a second sequencer cannot start.

use postgres::{Client, NoTls};

use crate::pool::{MaxConnections, Pool};
use crate::{to_i64, to_u64, Batch, Head, Migration, Reader, Result, StoreError, StoredCheckpoint, Writer};

/// The log's tables and the people store's (`people_*`) share one database and one
/// migration sequence; whichever of [`open_postgres`] and [`crate::open_private`] runs first
/// applies them.
const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, sql: include_str!("../migrations/postgres/0001_log.sql") },
    Migration { version: 2, sql: include_str!("../migrations/postgres/0002_people.sql") },
    Migration { version: 3, sql: include_str!("../migrations/postgres/0003_people_flags.sql") },
    Migration { version: 4, sql: include_str!("../migrations/postgres/0004_no_login_lock.sql") },
    Migration { version: 5, sql: include_str!("../migrations/postgres/0005_sealed_records.sql") },
];

/// Advisory lock key of the single writer ("dauys" in ASCII).
const WRITER_LOCK_KEY: i64 = 0x0064_6175_7973;

/// Transaction advisory lock key that serialises migrations ("dauysm" in ASCII), so the log
/// and the people store (or two servers) opening one database at once never race.
const MIGRATION_LOCK_KEY: i64 = 0x6461_7579_736d;

/// How long opening waits for the writer lock before reporting another writer.
const WRITER_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

pub struct PgWriter {
    client: Client,
    size: u64,
}

pub struct PgReader {
    pool: Pool<Client>,
}

pub fn open_postgres(url: &str, max_readers: MaxConnections) -> Result<(PgWriter, PgReader)> {
    let mut client = Client::connect(url, NoTls)?;
    // A writer that just stopped releases its session lock only when the server notices its
    // connection closed, a moment later: a restart waits that moment out. A second writer
    // that is really running still gets WriterLocked.
    let deadline = std::time::Instant::now() + WRITER_LOCK_WAIT;
    loop {
        let locked: bool = client.query_one("SELECT pg_try_advisory_lock($1)", &[&WRITER_LOCK_KEY])?.get(0);
        if locked {
            break;
        }
        if std::time::Instant::now() >= deadline {
            return Err(StoreError::WriterLocked(crate::redact(url)));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    migrate(&mut client)?;
    Ok((PgWriter { client, size: 0 }, PgReader::connect(url, max_readers)?))
}

/// Applies the embedded migrations not yet recorded in `schema_migrations`, all in one
/// transaction under [`MIGRATION_LOCK_KEY`].
pub(crate) fn migrate(client: &mut Client) -> Result<()> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK_KEY])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)")?;
    for m in MIGRATIONS {
        let done = tx.query_opt("SELECT version FROM schema_migrations WHERE version = $1", &[&m.version])?;
        if done.is_none() {
            tracing::info!(version = m.version, "applying PostgreSQL migration");
            tx.batch_execute(m.sql)?;
            tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[&m.version])?;
        }
    }
    tx.commit()?;
    Ok(())
}

fn read_size(client: &mut Client) -> Result<u64> {
    let max: Option<i64> = client.query_one("SELECT MAX(idx) FROM entries", &[])?.get(0);
    match max {
        None => Ok(0),
        Some(m) => Ok(to_u64(m, "entry index")? + 1),
    }
}

fn checkpoint_from_row(row: &postgres::Row) -> Result<StoredCheckpoint> {
    Ok(StoredCheckpoint {
        size: to_u64(row.get(0), "checkpoint size")?,
        note: row.get(1),
        signed_at_ms: to_u64(row.get(2), "checkpoint time")?,
    })
}

fn latest_checkpoint(client: &mut Client) -> Result<Option<StoredCheckpoint>> {
    client
        .query_opt("SELECT size, note, signed_at_ms FROM checkpoints ORDER BY size DESC LIMIT 1", &[])?
        .as_ref()
        .map(checkpoint_from_row)
        .transpose()
}

fn projection_rows(client: &mut Client) -> Result<Vec<(String, String)>> {
    // COLLATE "C" so the order is by bytes, as SQLite sorts and as State::rows() does.
    let rows = client.query("SELECT key, value FROM projection ORDER BY key COLLATE \"C\"", &[])?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

impl Writer for PgWriter {
    fn head(&mut self) -> Result<Head> {
        let size = read_size(&mut self.client)?;
        self.size = size;
        Ok(Head {
            size,
            rows: projection_rows(&mut self.client)?,
            latest_checkpoint: latest_checkpoint(&mut self.client)?,
        })
    }

    fn tiles(&mut self, ids: &[(u8, u64)]) -> Result<Vec<Option<Vec<u8>>>> {
        let stmt = self.client.prepare("SELECT data FROM tiles WHERE level = $1 AND idx = $2")?;
        ids.iter()
            .map(|&(level, index)| {
                let row = self.client.query_opt(&stmt, &[&i16::from(level), &to_i64(index)])?;
                Ok(row.map(|r| r.get(0)))
            })
            .collect()
    }

    fn commit(&mut self, batch: &Batch) -> Result<()> {
        if let Some(first) = batch.entries.first() {
            if first.index != self.size {
                return Err(StoreError::OutOfOrder { expected: self.size, got: first.index });
            }
        }
        let mut tx = self.client.transaction()?;
        if !batch.entries.is_empty() {
            let idx: Vec<i64> = batch.entries.iter().map(|e| to_i64(e.index)).collect();
            let hashes: Vec<&[u8]> = batch.entries.iter().map(|e| &e.leaf_hash[..]).collect();
            let bodies: Vec<&[u8]> = batch.entries.iter().map(|e| e.body.as_slice()).collect();
            tx.execute(
                "INSERT INTO entries (idx, leaf_hash, body)
                 SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bytea[])",
                &[&idx, &hashes, &bodies],
            )?;
        }
        if !batch.tiles.is_empty() {
            let levels: Vec<i16> = batch.tiles.iter().map(|t| i16::from(t.0)).collect();
            let idx: Vec<i64> = batch.tiles.iter().map(|t| to_i64(t.1)).collect();
            let data: Vec<&[u8]> = batch.tiles.iter().map(|t| t.2.as_slice()).collect();
            tx.execute(
                "INSERT INTO tiles (level, idx, data)
                 SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])
                 ON CONFLICT (level, idx) DO UPDATE SET data = excluded.data",
                &[&levels, &idx, &data],
            )?;
        }
        let (upserts, deletes): (Vec<_>, Vec<_>) = batch.rows.iter().partition(|(_, v)| v.is_some());
        if !upserts.is_empty() {
            let keys: Vec<&str> = upserts.iter().map(|(k, _)| k.as_str()).collect();
            let values: Vec<&str> = upserts.iter().filter_map(|(_, v)| v.as_deref()).collect();
            tx.execute(
                "INSERT INTO projection (key, value) SELECT * FROM unnest($1::text[], $2::text[])
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&keys, &values],
            )?;
        }
        if !deletes.is_empty() {
            let keys: Vec<&str> = deletes.iter().map(|(k, _)| k.as_str()).collect();
            tx.execute("DELETE FROM projection WHERE key = ANY($1)", &[&keys])?;
        }
        if let Some(c) = &batch.checkpoint {
            tx.execute(
                "INSERT INTO checkpoints (size, note, signed_at_ms) VALUES ($1, $2, $3) ON CONFLICT (size) DO NOTHING",
                &[&to_i64(c.size), &c.note, &to_i64(c.signed_at_ms)],
            )?;
        }
        tx.commit()?;
        self.size += batch.entries.len() as u64;
        Ok(())
    }

    fn replace_projection(&mut self, rows: &[(String, String)]) -> Result<()> {
        let mut tx = self.client.transaction()?;
        tx.execute("DELETE FROM projection", &[])?;
        let keys: Vec<&str> = rows.iter().map(|(k, _)| k.as_str()).collect();
        let values: Vec<&str> = rows.iter().map(|(_, v)| v.as_str()).collect();
        tx.execute(
            "INSERT INTO projection (key, value) SELECT * FROM unnest($1::text[], $2::text[])",
            &[&keys, &values],
        )?;
        tx.commit()?;
        Ok(())
    }
}

impl PgReader {
    pub fn connect(url: &str, max: MaxConnections) -> Result<PgReader> {
        // Connect once now so a wrong URL fails at start, not on the first request (the
        // pool would retry until its checkout wait runs out).
        drop(Client::connect(url, NoTls)?);
        let url = url.to_string();
        let pool = Pool::new(max, move || Ok(Client::connect(&url, NoTls)?));
        Ok(PgReader { pool })
    }
}

impl Reader for PgReader {
    fn size(&self) -> Result<u64> {
        self.pool.with(read_size)
    }

    fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>> {
        self.pool.with(latest_checkpoint)
    }

    fn checkpoints(&self, from: u64, to: u64, limit: u32) -> Result<Vec<StoredCheckpoint>> {
        self.pool.with(|c| {
            let rows = c.query(
                "SELECT size, note, signed_at_ms FROM checkpoints WHERE size >= $1 AND size <= $2 ORDER BY size LIMIT $3",
                &[&to_i64(from), &to_i64(to), &i64::from(limit)],
            )?;
            rows.iter().map(checkpoint_from_row).collect()
        })
    }

    fn tile(&self, level: u8, index: u64) -> Result<Option<Vec<u8>>> {
        self.pool.with(|c| {
            let row = c.query_opt(
                "SELECT data FROM tiles WHERE level = $1 AND idx = $2",
                &[&i16::from(level), &to_i64(index)],
            )?;
            Ok(row.map(|r| r.get(0)))
        })
    }

    fn entries(&self, start: u64, end: u64) -> Result<Vec<Vec<u8>>> {
        self.pool.with(|c| {
            let rows = c.query(
                "SELECT body FROM entries WHERE idx >= $1 AND idx < $2 ORDER BY idx",
                &[&to_i64(start), &to_i64(end)],
            )?;
            Ok(rows.iter().map(|r| r.get(0)).collect())
        })
    }

    fn indexes_of_leaf(&self, leaf_hash: &[u8; 32]) -> Result<Vec<u64>> {
        self.pool.with(|c| {
            let rows =
                c.query("SELECT idx FROM entries WHERE leaf_hash = $1 ORDER BY idx LIMIT 100", &[&&leaf_hash[..]])?;
            rows.iter().map(|r| to_u64(r.get(0), "entry index")).collect()
        })
    }

    fn projection_row(&self, key: &str) -> Result<Option<String>> {
        self.pool.with(|c| {
            let row = c.query_opt("SELECT value FROM projection WHERE key = $1", &[&key])?;
            Ok(row.map(|r| r.get(0)))
        })
    }

    fn projection_rows(&self) -> Result<Vec<(String, String)>> {
        self.pool.with(projection_rows)
    }

    fn projection_rows_with_prefix(&self, prefix: &str) -> Result<Vec<(String, String)>> {
        let Some(upper) = crate::prefix_upper_bound(prefix) else { return self.projection_rows() };
        self.pool.with(|c| {
            let rows = c.query(
                "SELECT key, value FROM projection WHERE key COLLATE \"C\" >= $1 AND key COLLATE \"C\" < $2 \
                 ORDER BY key COLLATE \"C\"",
                &[&prefix, &upper],
            )?;
            Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
        })
    }
}
