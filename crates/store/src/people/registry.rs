//! The imported census/registry, by keyed hash of the IIN, with its one-time code state.

use std::sync::Arc;

use super::RegistryRow;
use crate::sql::{changed_one, keyed, Db, Row, Value};
use crate::{to_i64, Result};

/// Registry rows per PostgreSQL `INSERT … SELECT unnest(…)` statement: big imports stay a
/// few round trips without building one enormous message.
const REGISTRY_CHUNK: usize = 5_000;

/// Imported registry rows: one per IIN lookup.
#[derive(Clone)]
pub struct Registry {
    db: Arc<Db>,
}

fn registry_from_row(r: &Row<'_>) -> Result<RegistryRow> {
    Ok(RegistryRow {
        iin_lookup: r.get(0)?,
        sealed_record: r.get(1)?,
        code_hash: r.get(2)?,
        code_expires_ms: r.get_u64(3, "code expiry")?,
        code_attempts: r.get_u32(4, "code attempts")?,
        claimed_by: r.get(5)?,
    })
}

/// Runs `f` with the row's columns as parameters `?1` to `?6`, in table order.
fn with_values<T>(r: &RegistryRow, f: impl FnOnce(&[&dyn Value]) -> T) -> T {
    let (expires, attempts) = (to_i64(r.code_expires_ms), i64::from(r.code_attempts));
    f(&[&r.iin_lookup, &r.sealed_record, &r.code_hash, &expires, &attempts, &r.claimed_by])
}

/// Registry rows with one row per IIN, the last of each kept, in first-seen order.
fn last_of_each(rows: &[RegistryRow]) -> Vec<&RegistryRow> {
    let mut position = std::collections::HashMap::with_capacity(rows.len());
    let mut unique: Vec<&RegistryRow> = Vec::with_capacity(rows.len());
    for row in rows {
        match position.entry(row.iin_lookup.as_slice()) {
            std::collections::hash_map::Entry::Occupied(at) => unique[*at.get()] = row,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(unique.len());
                unique.push(row);
            }
        }
    }
    unique
}

impl Registry {
    pub(crate) fn new(db: Arc<Db>) -> Registry {
        Registry { db }
    }

    /// Imports registry rows in one transaction. A new IIN is inserted whole; an existing
    /// one gets the new `sealed_record` and keeps its code state and `claimed_by`. If one
    /// IIN appears more than once, the last row wins. Returns the number of distinct IINs
    /// written. NotFound `"account"` if a row's `claimed_by` names no account.
    pub fn upsert(&self, rows: &[RegistryRow]) -> Result<u64> {
        let rows = last_of_each(rows);
        match &*self.db {
            // Whole arrays per statement: a national registry in a few round trips.
            Db::Postgres(pool) => pool.with(|c| {
                let mut tx = c.transaction()?;
                let upsert = tx.prepare(
                    "INSERT INTO people_registry
                         (iin_lookup, sealed_record, code_hash, code_expires_ms, code_attempts, claimed_by)
                     SELECT * FROM unnest($1::bytea[], $2::bytea[], $3::bytea[], $4::bigint[], $5::bigint[], $6::text[])
                     ON CONFLICT (iin_lookup) DO UPDATE SET sealed_record = excluded.sealed_record",
                )?;
                for chunk in rows.chunks(REGISTRY_CHUNK) {
                    let iins: Vec<&[u8]> = chunk.iter().map(|r| r.iin_lookup.as_slice()).collect();
                    let records: Vec<&[u8]> = chunk.iter().map(|r| r.sealed_record.as_slice()).collect();
                    let codes: Vec<Option<&[u8]>> = chunk.iter().map(|r| r.code_hash.as_deref()).collect();
                    let expiries: Vec<i64> = chunk.iter().map(|r| to_i64(r.code_expires_ms)).collect();
                    let attempts: Vec<i64> = chunk.iter().map(|r| i64::from(r.code_attempts)).collect();
                    let claimed: Vec<Option<&str>> = chunk.iter().map(|r| r.claimed_by.as_deref()).collect();
                    tx.execute(&upsert, &[&iins, &records, &codes, &expiries, &attempts, &claimed])
                        .map_err(|e| keyed(e.into(), "registry row", "account"))?;
                }
                tx.commit()?;
                Ok(rows.len() as u64)
            }),
            // Embedded, a cached statement per row costs no round trip.
            Db::Sqlite(..) => self.db.transaction(|c| {
                for r in &rows {
                    with_values(r, |values| {
                        c.execute(
                            "INSERT INTO people_registry
                                 (iin_lookup, sealed_record, code_hash, code_expires_ms, code_attempts, claimed_by)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                             ON CONFLICT (iin_lookup) DO UPDATE SET sealed_record = excluded.sealed_record",
                            values,
                        )
                    })
                    .map_err(|e| keyed(e, "registry row", "account"))?;
                }
                Ok(rows.len() as u64)
            }),
        }
    }

    pub fn get(&self, iin_lookup: &[u8]) -> Result<Option<RegistryRow>> {
        self.db.with(|c| {
            c.query_opt(
                "SELECT iin_lookup, sealed_record, code_hash, code_expires_ms, code_attempts, claimed_by
                 FROM people_registry WHERE iin_lookup = ?1",
                &[&iin_lookup],
                registry_from_row,
            )
        })
    }

    /// Writes every field but the key. NotFound `"registry row"` if the IIN is not imported,
    /// NotFound `"account"` if `claimed_by` names no account.
    pub fn update(&self, r: &RegistryRow) -> Result<()> {
        self.db.with(|c| {
            let changed = with_values(r, |values| {
                c.execute(
                    "UPDATE people_registry SET sealed_record = ?2, code_hash = ?3, code_expires_ms = ?4,
                         code_attempts = ?5, claimed_by = ?6
                     WHERE iin_lookup = ?1",
                    values,
                )
            })
            .map_err(|e| keyed(e, "registry row", "account"))?;
            changed_one(changed, "registry row")
        })
    }
}
