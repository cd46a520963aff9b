//! The people store in the log's PostgreSQL database (the `people_*` tables of migrations 2
//! to 4),
//! over its own pool of connections. A violated constraint is told apart by its name, which
//! the migration sets explicitly.

use postgres::error::SqlState;
use postgres::{Client, NoTls, Row};

use super::{last_of_each, to_u32, AccountRow, FlagRow, MailRow, OpeningRow, PeopleStore, RegistryRow, SessionRow};
use crate::pool::{MaxConnections, Pool};
use crate::{to_i64, to_u64, Result, StoreError};

const ACCOUNT_COLUMNS: &str = "id, email_lookup, password_phc, created_at_ms, person, wrapped_key, sealed_profile, \
                               email_verified";

const FLAG_COLUMNS: &str = "id, petition, signer, reason, created_at_ms, resolved_at_ms";

/// Registry rows per `INSERT … SELECT unnest(…)` statement: big imports stay a few round
/// trips without building one enormous message.
const REGISTRY_CHUNK: usize = 5_000;

pub(super) struct PgPeople {
    pool: Pool<Client>,
}

impl PgPeople {
    /// Connects (so a wrong URL fails at start) and applies any missing migration.
    pub(super) fn connect(url: &str, max: MaxConnections) -> Result<PgPeople> {
        crate::postgres_store::migrate(&mut Client::connect(url, NoTls)?)?;
        let url = url.to_string();
        let pool = Pool::new(max, move || Ok(Client::connect(&url, NoTls)?));
        Ok(PgPeople { pool })
    }
}

/// Maps unique and foreign-key violations of the people tables to typed errors.
fn db(e: postgres::Error) -> StoreError {
    if let Some(d) = e.as_db_error() {
        if *d.code() == SqlState::UNIQUE_VIOLATION {
            let what = match d.constraint() {
                Some("people_accounts_pkey") => Some("account id"),
                Some("people_accounts_email_unique") => Some("email"),
                Some("people_accounts_person_unique") => Some("person"),
                Some("people_sessions_pkey") => Some("session"),
                Some("people_openings_pkey") => Some("opening"),
                Some("people_registry_pkey") => Some("registry row"),
                _ => None,
            };
            if let Some(what) = what {
                return StoreError::Conflict { what };
            }
        }
        if *d.code() == SqlState::FOREIGN_KEY_VIOLATION {
            return StoreError::NotFound { what: "account" };
        }
    }
    e.into()
}

fn changed_one(changed: u64, what: &'static str) -> Result<()> {
    if changed == 0 {
        Err(StoreError::NotFound { what })
    } else {
        Ok(())
    }
}

fn account_from_row(r: &Row) -> Result<AccountRow> {
    Ok(AccountRow {
        id: r.get(0),
        email_lookup: r.get(1),
        password_phc: r.get(2),
        created_at_ms: to_u64(r.get(3), "account creation time")?,
        person: r.get(4),
        wrapped_key: r.get(5),
        sealed_profile: r.get(6),
        email_verified: r.get(7),
    })
}

fn session_from_row(r: &Row) -> Result<SessionRow> {
    Ok(SessionRow {
        token_hash: r.get(0),
        account_id: r.get(1),
        csrf_token: r.get(2),
        created_at_ms: to_u64(r.get(3), "session creation time")?,
        expires_at_ms: to_u64(r.get(4), "session expiry")?,
    })
}

fn mail_from_row(r: &Row) -> Result<MailRow> {
    Ok(MailRow {
        id: to_u64(r.get(0), "mail id")?,
        sealed: r.get(1),
        created_at_ms: to_u64(r.get(2), "mail time")?,
        attempts: to_u32(r.get(3), "mail attempts")?,
        sent_at_ms: r.get::<_, Option<i64>>(4).map(|at| to_u64(at, "mail sent time")).transpose()?,
    })
}

fn registry_from_row(r: &Row) -> Result<RegistryRow> {
    Ok(RegistryRow {
        iin_lookup: r.get(0),
        sealed_record: r.get(1),
        code_hash: r.get(2),
        code_expires_ms: to_u64(r.get(3), "code expiry")?,
        code_attempts: to_u32(r.get(4), "code attempts")?,
        claimed_by: r.get(5),
    })
}

fn flag_from_row(r: &Row) -> Result<FlagRow> {
    Ok(FlagRow {
        id: to_u64(r.get(0), "flag id")?,
        petition: r.get(1),
        signer: r.get(2),
        reason: r.get(3),
        created_at_ms: to_u64(r.get(4), "flag time")?,
        resolved_at_ms: r.get::<_, Option<i64>>(5).map(|at| to_u64(at, "flag resolution time")).transpose()?,
    })
}

fn one_account(c: &mut Client, column: &str, key: &(dyn postgres::types::ToSql + Sync)) -> Result<Option<AccountRow>> {
    let row = c.query_opt(&format!("SELECT {ACCOUNT_COLUMNS} FROM people_accounts WHERE {column} = $1"), &[key])?;
    row.as_ref().map(account_from_row).transpose()
}

impl PeopleStore for PgPeople {
    fn create_account(&self, a: &AccountRow) -> Result<()> {
        self.pool.with(|c| {
            c.execute(
                &format!("INSERT INTO people_accounts ({ACCOUNT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"),
                &[
                    &a.id,
                    &a.email_lookup,
                    &a.password_phc,
                    &to_i64(a.created_at_ms),
                    &a.person,
                    &a.wrapped_key,
                    &a.sealed_profile,
                    &a.email_verified,
                ],
            )
            .map_err(db)?;
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
            let changed = c
                .execute(
                    "UPDATE people_accounts SET email_lookup = $2, password_phc = $3, person = $4, wrapped_key = $5,
                         sealed_profile = $6, email_verified = $7
                     WHERE id = $1",
                    &[
                        &a.id,
                        &a.email_lookup,
                        &a.password_phc,
                        &a.person,
                        &a.wrapped_key,
                        &a.sealed_profile,
                        &a.email_verified,
                    ],
                )
                .map_err(db)?;
            changed_one(changed, "account")
        })
    }

    fn set_person(&self, id: &str, person: &str) -> Result<()> {
        self.pool.with(|c| {
            let changed =
                c.execute("UPDATE people_accounts SET person = $2 WHERE id = $1", &[&id, &person]).map_err(db)?;
            changed_one(changed, "account")
        })
    }

    fn list_accounts(&self, after_id: Option<&str>, limit: u32) -> Result<Vec<AccountRow>> {
        self.pool.with(|c| {
            let limit = i64::from(limit);
            let rows = match after_id {
                Some(after) => c.query(
                    &format!("SELECT {ACCOUNT_COLUMNS} FROM people_accounts WHERE id > $1 ORDER BY id LIMIT $2"),
                    &[&after, &limit],
                )?,
                None => {
                    c.query(&format!("SELECT {ACCOUNT_COLUMNS} FROM people_accounts ORDER BY id LIMIT $1"), &[&limit])?
                }
            };
            rows.iter().map(account_from_row).collect()
        })
    }

    fn count_accounts(&self) -> Result<u64> {
        self.pool.with(|c| to_u64(c.query_one("SELECT COUNT(*) FROM people_accounts", &[])?.get(0), "account count"))
    }

    fn create_session(&self, s: &SessionRow) -> Result<()> {
        self.pool.with(|c| {
            c.execute(
                "INSERT INTO people_sessions (token_hash, account_id, csrf_token, created_at_ms, expires_at_ms)
                 VALUES ($1, $2, $3, $4, $5)",
                &[&s.token_hash, &s.account_id, &s.csrf_token, &to_i64(s.created_at_ms), &to_i64(s.expires_at_ms)],
            )
            .map_err(db)?;
            Ok(())
        })
    }

    fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRow>> {
        self.pool.with(|c| {
            let row = c.query_opt(
                "SELECT token_hash, account_id, csrf_token, created_at_ms, expires_at_ms
                 FROM people_sessions WHERE token_hash = $1",
                &[&token_hash],
            )?;
            row.as_ref().map(session_from_row).transpose()
        })
    }

    fn delete_session(&self, token_hash: &[u8]) -> Result<()> {
        self.pool.with(|c| {
            c.execute("DELETE FROM people_sessions WHERE token_hash = $1", &[&token_hash])?;
            Ok(())
        })
    }

    fn delete_sessions_of(&self, account_id: &str) -> Result<u64> {
        self.pool.with(|c| Ok(c.execute("DELETE FROM people_sessions WHERE account_id = $1", &[&account_id])?))
    }

    fn delete_expired_sessions(&self, now_ms: u64) -> Result<u64> {
        self.pool.with(|c| Ok(c.execute("DELETE FROM people_sessions WHERE expires_at_ms <= $1", &[&to_i64(now_ms)])?))
    }

    fn add_opening(&self, o: &OpeningRow) -> Result<()> {
        self.pool.with(|c| {
            c.execute(
                "INSERT INTO people_openings (account_id, log_index, sealed_nonce) VALUES ($1, $2, $3)",
                &[&o.account_id, &to_i64(o.log_index), &o.sealed_nonce],
            )
            .map_err(db)?;
            Ok(())
        })
    }

    fn openings_of(&self, account_id: &str) -> Result<Vec<OpeningRow>> {
        self.pool.with(|c| {
            let rows = c.query(
                "SELECT account_id, log_index, sealed_nonce FROM people_openings WHERE account_id = $1 ORDER BY log_index",
                &[&account_id],
            )?;
            rows.iter()
                .map(|r| {
                    Ok(OpeningRow {
                        account_id: r.get(0),
                        log_index: to_u64(r.get(1), "opening index")?,
                        sealed_nonce: r.get(2),
                    })
                })
                .collect()
        })
    }

    fn enqueue_mail(&self, sealed: &[u8], created_at_ms: u64) -> Result<u64> {
        self.pool.with(|c| {
            let row = c.query_one(
                "INSERT INTO people_mail (sealed, created_at_ms) VALUES ($1, $2) RETURNING id",
                &[&sealed, &to_i64(created_at_ms)],
            )?;
            to_u64(row.get(0), "mail id")
        })
    }

    fn pending_mail(&self, limit: u32) -> Result<Vec<MailRow>> {
        self.pool.with(|c| {
            let rows = c.query(
                "SELECT id, sealed, created_at_ms, attempts, sent_at_ms FROM people_mail
                 WHERE sent_at_ms IS NULL ORDER BY created_at_ms, id LIMIT $1",
                &[&i64::from(limit)],
            )?;
            rows.iter().map(mail_from_row).collect()
        })
    }

    fn mark_mail_sent(&self, id: u64, at_ms: u64) -> Result<()> {
        self.pool.with(|c| {
            let changed =
                c.execute("UPDATE people_mail SET sent_at_ms = $2 WHERE id = $1", &[&to_i64(id), &to_i64(at_ms)])?;
            changed_one(changed, "mail")
        })
    }

    fn mark_mail_failed(&self, id: u64) -> Result<()> {
        self.pool.with(|c| {
            let changed = c.execute("UPDATE people_mail SET attempts = attempts + 1 WHERE id = $1", &[&to_i64(id)])?;
            changed_one(changed, "mail")
        })
    }

    fn upsert_registry(&self, rows: &[RegistryRow]) -> Result<u64> {
        let rows = last_of_each(rows);
        self.pool.with(|c| {
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
                tx.execute(&upsert, &[&iins, &records, &codes, &expiries, &attempts, &claimed]).map_err(db)?;
            }
            tx.commit()?;
            Ok(rows.len() as u64)
        })
    }

    fn registry(&self, iin_lookup: &[u8]) -> Result<Option<RegistryRow>> {
        self.pool.with(|c| {
            let row = c.query_opt(
                "SELECT iin_lookup, sealed_record, code_hash, code_expires_ms, code_attempts, claimed_by
                 FROM people_registry WHERE iin_lookup = $1",
                &[&iin_lookup],
            )?;
            row.as_ref().map(registry_from_row).transpose()
        })
    }

    fn update_registry(&self, r: &RegistryRow) -> Result<()> {
        self.pool.with(|c| {
            let changed = c
                .execute(
                    "UPDATE people_registry SET sealed_record = $2, code_hash = $3, code_expires_ms = $4,
                         code_attempts = $5, claimed_by = $6
                     WHERE iin_lookup = $1",
                    &[
                        &r.iin_lookup,
                        &r.sealed_record,
                        &r.code_hash,
                        &to_i64(r.code_expires_ms),
                        &i64::from(r.code_attempts),
                        &r.claimed_by,
                    ],
                )
                .map_err(db)?;
            changed_one(changed, "registry row")
        })
    }

    fn erase_account(&self, id: &str) -> Result<()> {
        self.pool.with(|c| {
            let mut tx = c.transaction()?;
            let changed = tx.execute(
                "UPDATE people_accounts SET wrapped_key = NULL, sealed_profile = NULL, person = NULL WHERE id = $1",
                &[&id],
            )?;
            changed_one(changed, "account")?;
            tx.execute("DELETE FROM people_sessions WHERE account_id = $1", &[&id])?;
            tx.commit()?;
            Ok(())
        })
    }

    fn add_flag(&self, petition: &str, signer: &str, reason: &str, created_at_ms: u64) -> Result<u64> {
        self.pool.with(|c| {
            let inserted = c.query_opt(
                "INSERT INTO people_flags (petition, signer, reason, created_at_ms) VALUES ($1, $2, $3, $4)
                 ON CONFLICT ON CONSTRAINT people_flags_unique DO NOTHING RETURNING id",
                &[&petition, &signer, &reason, &to_i64(created_at_ms)],
            )?;
            // Not in one transaction: the insert waits for a concurrent one of the same flag to
            // commit, and this second statement's snapshot then sees it (flags are never deleted).
            let row = match inserted {
                Some(row) => row,
                None => c.query_one(
                    "SELECT id FROM people_flags WHERE petition = $1 AND signer = $2 AND reason = $3",
                    &[&petition, &signer, &reason],
                )?,
            };
            to_u64(row.get(0), "flag id")
        })
    }

    fn open_flags(&self, petition: Option<&str>, limit: u32) -> Result<Vec<FlagRow>> {
        self.pool.with(|c| {
            let limit = i64::from(limit);
            let rows = match petition {
                Some(petition) => c.query(
                    &format!(
                        "SELECT {FLAG_COLUMNS} FROM people_flags WHERE resolved_at_ms IS NULL AND petition = $1
                         ORDER BY created_at_ms, id LIMIT $2"
                    ),
                    &[&petition, &limit],
                )?,
                None => c.query(
                    &format!(
                        "SELECT {FLAG_COLUMNS} FROM people_flags WHERE resolved_at_ms IS NULL
                         ORDER BY created_at_ms, id LIMIT $1"
                    ),
                    &[&limit],
                )?,
            };
            rows.iter().map(flag_from_row).collect()
        })
    }

    fn count_open_flags(&self, petition: Option<&str>) -> Result<u64> {
        self.pool.with(|c| {
            let row = match petition {
                Some(petition) => c.query_one(
                    "SELECT COUNT(*) FROM people_flags WHERE resolved_at_ms IS NULL AND petition = $1",
                    &[&petition],
                )?,
                None => c.query_one("SELECT COUNT(*) FROM people_flags WHERE resolved_at_ms IS NULL", &[])?,
            };
            to_u64(row.get(0), "flag count")
        })
    }

    fn resolve_flags(&self, petition: &str, signer: &str, at_ms: u64) -> Result<u64> {
        self.pool.with(|c| {
            Ok(c.execute(
                "UPDATE people_flags SET resolved_at_ms = $3
                 WHERE petition = $1 AND signer = $2 AND resolved_at_ms IS NULL",
                &[&petition, &signer, &to_i64(at_ms)],
            )?)
        })
    }
}
