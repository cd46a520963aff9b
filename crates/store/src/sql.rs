//! One SQL text for both backends. The private stores write each statement once, with
//! SQLite's numbered placeholders (`?1`), and run it through [`Sql`]: on SQLite as written
//! (statements cached per connection), on PostgreSQL with the placeholders rewritten to
//! `$1` as the statement is prepared. Values go in as [`Value`]s and come out through
//! [`Row::get`], types both drivers convert (`i64`, `bool`, `String`, `Vec<u8>`, options).
//!
//! Not an ORM: the SQL stays visible, and where the backends really differ (PostgreSQL's
//! array inserts for big imports, how a violated constraint is named) the caller says so.

use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::{ffi, ErrorCode, TransactionBehavior};

use crate::pool::Pool;
use crate::{to_u64, Result, StoreError};

/// A parameter either driver can bind.
pub(crate) trait Value: rusqlite::ToSql + postgres::types::ToSql + Sync {}
impl<T: rusqlite::ToSql + postgres::types::ToSql + Sync + ?Sized> Value for T {}

/// A column type either driver can read.
pub(crate) trait Column: rusqlite::types::FromSql + for<'a> postgres::types::FromSql<'a> {}
impl<T: rusqlite::types::FromSql + for<'a> postgres::types::FromSql<'a>> Column for T {}

/// One result row of either driver.
pub(crate) enum Row<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Postgres(&'r postgres::Row),
}

impl Row<'_> {
    pub fn get<T: Column>(&self, column: usize) -> Result<T> {
        match self {
            Row::Sqlite(row) => Ok(row.get(column)?),
            Row::Postgres(row) => Ok(row.try_get(column)?),
        }
    }

    /// A count, time or id stored as a (signed) 64-bit integer; `what` names it if negative.
    pub fn get_u64(&self, column: usize, what: &str) -> Result<u64> {
        to_u64(self.get(column)?, what)
    }

    pub fn get_u32(&self, column: usize, what: &str) -> Result<u32> {
        let value: i64 = self.get(column)?;
        u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what} out of range: {value}")))
    }

    pub fn get_opt_u64(&self, column: usize, what: &str) -> Result<Option<u64>> {
        self.get::<Option<i64>>(column)?.map(|v| to_u64(v, what)).transpose()
    }
}

/// A connection (or open transaction) of either backend.
pub(crate) trait Sql {
    /// Runs a statement; returns how many rows it changed.
    fn execute(&mut self, sql: &str, params: &[&dyn Value]) -> Result<u64>;
    /// Runs a query and hands each row to `each`, in order.
    fn each_row(
        &mut self,
        sql: &str,
        params: &[&dyn Value],
        each: &mut dyn FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()>;
}

impl dyn Sql + '_ {
    pub fn query<T>(
        &mut self,
        sql: &str,
        params: &[&dyn Value],
        map: impl Fn(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut rows = Vec::new();
        self.each_row(sql, params, &mut |row| {
            rows.push(map(row)?);
            Ok(())
        })?;
        Ok(rows)
    }

    /// The row of a query that returns at most one (a lookup by key, `RETURNING`).
    pub fn query_opt<T>(
        &mut self,
        sql: &str,
        params: &[&dyn Value],
        map: impl Fn(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        Ok(self.query(sql, params, map)?.into_iter().next())
    }

    /// The first row of a query that always returns one (`COUNT(*)`, `EXISTS`, `RETURNING`).
    pub fn query_one<T>(&mut self, sql: &str, params: &[&dyn Value], map: impl Fn(&Row<'_>) -> Result<T>) -> Result<T> {
        self.query_opt(sql, params, map)?
            .ok_or_else(|| StoreError::Corrupt(format!("no row where one is always returned: {sql}")))
    }
}

/// A SQLite connection or transaction (a `Transaction` dereferences to its connection).
/// Outside a transaction, a statement that writes first takes its turn at the store's
/// [`Writers`] lock.
struct Lite<'c> {
    conn: &'c rusqlite::Connection,
    writers: Option<&'c Writers>,
}

impl Lite<'_> {
    fn turn(&self, stmt: &rusqlite::Statement<'_>) -> Option<MutexGuard<'_, ()>> {
        if stmt.readonly() {
            return None;
        }
        self.writers.map(Writers::turn)
    }
}

impl Sql for Lite<'_> {
    fn execute(&mut self, sql: &str, params: &[&dyn Value]) -> Result<u64> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let _turn = self.turn(&stmt);
        Ok(stmt.execute(lite(params).as_slice())? as u64)
    }

    fn each_row(
        &mut self,
        sql: &str,
        params: &[&dyn Value],
        each: &mut dyn FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let _turn = self.turn(&stmt);
        let mut rows = stmt.query(lite(params).as_slice())?;
        while let Some(row) = rows.next()? {
            each(&Row::Sqlite(row))?;
        }
        Ok(())
    }
}

/// A PostgreSQL client or transaction.
impl<C: postgres::GenericClient> Sql for C {
    fn execute(&mut self, sql: &str, params: &[&dyn Value]) -> Result<u64> {
        Ok(postgres::GenericClient::execute(self, numbered(sql).as_str(), &pg(params))?)
    }

    fn each_row(
        &mut self,
        sql: &str,
        params: &[&dyn Value],
        each: &mut dyn FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        for row in postgres::GenericClient::query(self, numbered(sql).as_str(), &pg(params))? {
            each(&Row::Postgres(&row))?;
        }
        Ok(())
    }
}

fn lite<'a>(params: &[&'a dyn Value]) -> Vec<&'a dyn rusqlite::ToSql> {
    params.iter().map(|&p| p as &dyn rusqlite::ToSql).collect()
}

fn pg<'a>(params: &[&'a dyn Value]) -> Vec<&'a (dyn postgres::types::ToSql + Sync)> {
    params.iter().map(|&p| p as &(dyn postgres::types::ToSql + Sync)).collect()
}

/// SQLite's `?1` placeholders as PostgreSQL's `$1`. The statements carry no string
/// literal with a `?` in it, so every `?` before a digit is a placeholder.
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        let placeholder = c == '?' && chars.peek().is_some_and(char::is_ascii_digit);
        out.push(if placeholder { '$' } else { c });
    }
    out
}

/// The pooled connections of one private store, on either backend.
pub(crate) enum Db {
    Sqlite(Pool<rusqlite::Connection>, Writers),
    Postgres(Pool<postgres::Client>),
}

/// SQLite lets one connection write at a time; the others wait in its busy handler, which
/// polls with growing sleeps and serves no one in order, so under a burst of writes (sign-ups,
/// sessions, verifications at once) one writer could lose every poll for the whole busy
/// timeout and fail with "database is locked". Within the process, writers queue here
/// instead and SQLite's handler is left to other processes.
#[derive(Default)]
pub(crate) struct Writers(Mutex<()>);

impl Writers {
    fn turn(&self) -> MutexGuard<'_, ()> {
        // The lock guards no data: a writer that panicked left nothing half-done here.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Db {
    /// Runs `f` on a pooled connection, each statement on its own.
    pub fn with<T>(&self, f: impl FnOnce(&mut dyn Sql) -> Result<T>) -> Result<T> {
        match self {
            Db::Sqlite(pool, writers) => pool.with(|c| f(&mut Lite { conn: c, writers: Some(writers) })),
            Db::Postgres(pool) => pool.with(|c| f(c)),
        }
    }

    /// Runs `f` in one transaction, committed if it returns `Ok`. On SQLite the write lock
    /// is taken up front (`BEGIN IMMEDIATE`), so concurrent writers wait in the busy handler
    /// instead of failing when a read snapshot cannot be upgraded, and a lookup after a
    /// failed statement sees what made it fail.
    pub fn transaction<T>(&self, f: impl FnOnce(&mut dyn Sql) -> Result<T>) -> Result<T> {
        match self {
            Db::Sqlite(pool, writers) => pool.with(|c| {
                let _turn = writers.turn();
                let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let out = f(&mut Lite { conn: &tx, writers: None })?;
                tx.commit()?;
                Ok(out)
            }),
            Db::Postgres(pool) => pool.with(|c| {
                let mut tx = c.transaction()?;
                let out = f(&mut tx)?;
                tx.commit()?;
                Ok(out)
            }),
        }
    }
}

/// A unique or foreign-key constraint a statement violated.
pub(crate) enum Violation<'e> {
    /// PostgreSQL names the constraint (the migrations name them); SQLite only tells a
    /// primary key from another unique key.
    Unique {
        constraint: Option<&'e str>,
        primary_key: bool,
    },
    ForeignKey,
}

pub(crate) fn violation(e: &StoreError) -> Option<Violation<'_>> {
    match e {
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) if f.code == ErrorCode::ConstraintViolation => {
            match f.extended_code {
                ffi::SQLITE_CONSTRAINT_PRIMARYKEY => Some(Violation::Unique { constraint: None, primary_key: true }),
                ffi::SQLITE_CONSTRAINT_UNIQUE => Some(Violation::Unique { constraint: None, primary_key: false }),
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY => Some(Violation::ForeignKey),
                _ => None,
            }
        }
        StoreError::Postgres(p) => {
            let d = p.as_db_error()?;
            if *d.code() == postgres::error::SqlState::UNIQUE_VIOLATION {
                let constraint = d.constraint();
                Some(Violation::Unique { constraint, primary_key: constraint.is_some_and(|c| c.ends_with("_pkey")) })
            } else if *d.code() == postgres::error::SqlState::FOREIGN_KEY_VIOLATION {
                Some(Violation::ForeignKey)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Maps the violations of a table with one unique key (`unique`) whose references point
/// to `referenced`: a duplicate is a Conflict, a dangling reference NotFound.
pub(crate) fn keyed(e: StoreError, unique: &'static str, referenced: &'static str) -> StoreError {
    match violation(&e) {
        Some(Violation::Unique { .. }) => StoreError::Conflict { what: unique },
        Some(Violation::ForeignKey) => StoreError::NotFound { what: referenced },
        None => e,
    }
}

/// `Ok` if a row changed, else NotFound `what`.
pub(crate) fn changed_one(changed: u64, what: &'static str) -> Result<()> {
    if changed == 0 {
        Err(StoreError::NotFound { what })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_numbered_the_postgresql_way() {
        assert_eq!(
            super::numbered("UPDATE t SET a = ?2, b = ?10 WHERE id = ?1 AND c IS NULL"),
            "UPDATE t SET a = $2, b = $10 WHERE id = $1 AND c IS NULL"
        );
    }
}
