//! Accounts and their sessions: one part, because erasing an account ends its sessions in
//! the same transaction.

use std::sync::Arc;

use super::{AccountRow, SessionRow};
use crate::sql::{changed_one, keyed, violation, Db, Row, Sql, Violation};
use crate::{to_i64, Result, StoreError};

const ACCOUNT_COLUMNS: &str = "id, email_lookup, password_phc, created_at_ms, person, wrapped_key, sealed_profile, \
                               email_verified";

/// Accounts (by id, e-mail lookup or pseudonym) and signed-in sessions (by token hash).
#[derive(Clone)]
pub struct Accounts {
    db: Arc<Db>,
}

fn account_from_row(r: &Row<'_>) -> Result<AccountRow> {
    Ok(AccountRow {
        id: r.get(0)?,
        email_lookup: r.get(1)?,
        password_phc: r.get(2)?,
        created_at_ms: r.get_u64(3, "account creation time")?,
        person: r.get(4)?,
        wrapped_key: r.get(5)?,
        sealed_profile: r.get(6)?,
        email_verified: r.get(7)?,
    })
}

fn session_from_row(r: &Row<'_>) -> Result<SessionRow> {
    Ok(SessionRow {
        token_hash: r.get(0)?,
        account_id: r.get(1)?,
        csrf_token: r.get(2)?,
        created_at_ms: r.get_u64(3, "session creation time")?,
        expires_at_ms: r.get_u64(4, "session expiry")?,
    })
}

/// Maps a failed insert (`new`) or update of an account to the value that collided.
/// PostgreSQL names the constraint; SQLite tells a primary-key violation from a unique
/// one but not which unique column, so the caller's open IMMEDIATE transaction looks that
/// up with no race.
fn account_conflict(c: &mut dyn Sql, e: StoreError, account: &AccountRow, new: bool) -> StoreError {
    let what = match violation(&e) {
        Some(Violation::Unique { constraint: Some(constraint), .. }) => match constraint {
            "people_accounts_pkey" => Some("account id"),
            "people_accounts_email_unique" => Some("email"),
            "people_accounts_person_unique" => Some("person"),
            _ => None,
        },
        Some(Violation::Unique { constraint: None, primary_key: true }) if new => Some("account id"),
        Some(Violation::Unique { constraint: None, .. }) => match held_by_another(c, account) {
            Ok(what) => what.or(new.then_some("account id")),
            Err(lookup) => return lookup,
        },
        _ => None,
    };
    match what {
        Some(what) => StoreError::Conflict { what },
        None => e,
    }
}

/// Which unique value of `account` (`"email"`, `"person"`) another account holds, if any.
fn held_by_another(c: &mut dyn Sql, account: &AccountRow) -> Result<Option<&'static str>> {
    let mut exists = |column: &str, value: &dyn crate::sql::Value| -> Result<bool> {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM people_accounts WHERE {column} = ?1 AND id <> ?2)");
        c.query_one(&sql, &[value, &account.id], |r| r.get(0))
    };
    if exists("email_lookup", &account.email_lookup)? {
        return Ok(Some("email"));
    }
    match &account.person {
        Some(person) if exists("person", person)? => Ok(Some("person")),
        _ => Ok(None),
    }
}

impl Accounts {
    pub(crate) fn new(db: Arc<Db>) -> Accounts {
        Accounts { db }
    }

    fn one_account(&self, column: &str, key: &dyn crate::sql::Value) -> Result<Option<AccountRow>> {
        self.db.with(|c| {
            c.query_opt(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM people_accounts WHERE {column} = ?1"),
                &[key],
                account_from_row,
            )
        })
    }

    /// Creates an account. Conflict `"account id"` or `"email"` (or `"person"` if `person` is
    /// set and taken) if another account holds that value.
    pub fn create_account(&self, a: &AccountRow) -> Result<()> {
        self.db.transaction(|c| {
            let inserted = c.execute(
                &format!("INSERT INTO people_accounts ({ACCOUNT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
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
            );
            match inserted {
                Ok(_) => Ok(()),
                Err(e) => Err(account_conflict(c, e, a, true)),
            }
        })
    }

    pub fn account(&self, id: &str) -> Result<Option<AccountRow>> {
        self.one_account("id", &id)
    }

    pub fn account_by_email(&self, email_lookup: &[u8]) -> Result<Option<AccountRow>> {
        self.one_account("email_lookup", &email_lookup)
    }

    pub fn account_by_person(&self, person: &str) -> Result<Option<AccountRow>> {
        self.one_account("person", &person)
    }

    /// Writes every field but `id` and `created_at_ms`. NotFound `"account"` if there is no
    /// such id; Conflict `"email"` or `"person"` if another account holds the new value.
    pub fn update_account(&self, a: &AccountRow) -> Result<()> {
        self.db.transaction(|c| {
            let updated = c.execute(
                "UPDATE people_accounts SET email_lookup = ?2, password_phc = ?3, person = ?4, wrapped_key = ?5,
                     sealed_profile = ?6, email_verified = ?7
                 WHERE id = ?1",
                &[
                    &a.id,
                    &a.email_lookup,
                    &a.password_phc,
                    &a.person,
                    &a.wrapped_key,
                    &a.sealed_profile,
                    &a.email_verified,
                ],
            );
            match updated {
                Ok(changed) => changed_one(changed, "account"),
                Err(e) => Err(account_conflict(c, e, a, false)),
            }
        })
    }

    /// Records the pseudonym of the verified person. Conflict `"person"` if another account
    /// holds it (one identity, one account); NotFound `"account"` if there is no such id.
    pub fn set_person(&self, id: &str, person: &str) -> Result<()> {
        self.db.with(|c| {
            let changed = c
                .execute("UPDATE people_accounts SET person = ?2 WHERE id = ?1", &[&id, &person])
                .map_err(|e| keyed(e, "person", "account"))?;
            changed_one(changed, "account")
        })
    }

    /// Accounts with ids after `after_id` (all if `None`), in byte order of id, at most `limit`.
    pub fn list_accounts(&self, after_id: Option<&str>, limit: u32) -> Result<Vec<AccountRow>> {
        let limit = i64::from(limit);
        self.db.with(|c| match after_id {
            Some(after) => c.query(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM people_accounts WHERE id > ?1 ORDER BY id LIMIT ?2"),
                &[&after, &limit],
                account_from_row,
            ),
            None => c.query(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM people_accounts ORDER BY id LIMIT ?1"),
                &[&limit],
                account_from_row,
            ),
        })
    }

    pub fn count_accounts(&self) -> Result<u64> {
        self.db.with(|c| c.query_one("SELECT COUNT(*) FROM people_accounts", &[], |r| r.get_u64(0, "account count")))
    }

    /// Crypto-shredding, in one transaction: forgets the wrapped data key and the sealed
    /// profile, clears the pseudonym and ends every session of the account. Openings and
    /// other sealed records stay, unreadable. NotFound `"account"` if there is no such id.
    pub fn erase_account(&self, id: &str) -> Result<()> {
        self.db.transaction(|c| {
            let changed = c.execute(
                "UPDATE people_accounts SET wrapped_key = NULL, sealed_profile = NULL, person = NULL WHERE id = ?1",
                &[&id],
            )?;
            changed_one(changed, "account")?;
            c.execute("DELETE FROM people_sessions WHERE account_id = ?1", &[&id])?;
            Ok(())
        })
    }

    /// Conflict `"session"` on a reused token hash; NotFound `"account"` for an unknown account.
    pub fn create_session(&self, s: &SessionRow) -> Result<()> {
        self.db.with(|c| {
            c.execute(
                "INSERT INTO people_sessions (token_hash, account_id, csrf_token, created_at_ms, expires_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                &[&s.token_hash, &s.account_id, &s.csrf_token, &to_i64(s.created_at_ms), &to_i64(s.expires_at_ms)],
            )
            .map_err(|e| keyed(e, "session", "account"))?;
            Ok(())
        })
    }

    /// The session with this token hash, expired or not (the caller compares the expiry).
    pub fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRow>> {
        self.db.with(|c| {
            c.query_opt(
                "SELECT token_hash, account_id, csrf_token, created_at_ms, expires_at_ms
                 FROM people_sessions WHERE token_hash = ?1",
                &[&token_hash],
                session_from_row,
            )
        })
    }

    /// Deletes one session; deleting a missing one is not an error.
    pub fn delete_session(&self, token_hash: &[u8]) -> Result<()> {
        self.db.with(|c| c.execute("DELETE FROM people_sessions WHERE token_hash = ?1", &[&token_hash]).map(drop))
    }

    /// Deletes every session of the account (logout everywhere); returns how many.
    pub fn delete_sessions_of(&self, account_id: &str) -> Result<u64> {
        self.db.with(|c| c.execute("DELETE FROM people_sessions WHERE account_id = ?1", &[&account_id]))
    }

    /// Deletes the sessions with `expires_at_ms <= now_ms`; returns how many.
    pub fn delete_expired_sessions(&self, now_ms: u64) -> Result<u64> {
        self.db.with(|c| c.execute("DELETE FROM people_sessions WHERE expires_at_ms <= ?1", &[&to_i64(now_ms)]))
    }
}
