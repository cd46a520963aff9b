//! The private people store: accounts, sessions, the record of who opened whose data, the
//! mail outbox, the imported census/registry and moderators' flags on signatures.
//!
//! **Invariants.** None of this is part of the public log, and none of it is plaintext
//! personal data: what identifies a person arrives as a keyed hash (`email_lookup`,
//! `iin_lookup`, the `person` pseudonym) and everything else personal arrives sealed
//! (`sealed_profile`, `sealed_record`, `sealed_nonce`, mail) under a data key the store only
//! holds in wrapped form. The store does no cryptography: it keeps the bytes, enforces
//! uniqueness (one address, one account; one identity, one account) and, on
//! [`PeopleStore::erase_account`], forgets the wrapped key so every sealed record of the
//! person becomes unreadable (crypto-shredding).
//!
//! Where it lives: with SQLite, in a file of its own beside the log ([`people_sqlite_path`]),
//! with its own connections and no writer lock — many request handlers write here, the
//! sequencer does not. With PostgreSQL, in the log's database as the `people_*` tables
//! (migrations 2 and 3).
//!
//! Every method blocks: call it from a blocking thread (`spawn_blocking`), never from an
//! async task (the PostgreSQL driver is synchronous and cannot run inside a runtime thread).
//!
//! ```
//! use dauys_store::people::{open_people, AccountRow};
//! let dir = tempfile::tempdir().unwrap();
//! let people = open_people(&dir.path().join("dauys.sqlite3").display().to_string(), Default::default()).unwrap();
//! let account = AccountRow {
//!     id: "u-00ff".into(),
//!     email_lookup: vec![1; 32],
//!     password_phc: "$argon2id$…".into(),
//!     created_at_ms: 1,
//!     person: None,
//!     wrapped_key: Some(vec![2; 72]),
//!     sealed_profile: Some(vec![3; 60]),
//!     email_verified: false,
//! };
//! people.create_account(&account).unwrap();
//! assert_eq!(people.account_by_email(&[1; 32]).unwrap(), Some(account));
//! assert!(dir.path().join("dauys.people.sqlite3").exists());
//! ```

mod postgres;
mod sqlite;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::{MaxConnections, Result};

/// An account. The id is public (it appears in the log when roles are granted); nothing
/// else here is readable without the caller's keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountRow {
    /// The public account id, e.g. `u-<hex>`.
    pub id: String,
    /// Keyed hash of the normalised e-mail address; unique.
    pub email_lookup: Vec<u8>,
    /// The password hash in PHC string format.
    pub password_phc: String,
    pub created_at_ms: u64,
    /// The global pseudonym once the person is verified; unique when set.
    pub person: Option<String>,
    /// The account's data key, wrapped under the master key; `None` after erasure.
    pub wrapped_key: Option<Vec<u8>>,
    /// The profile sealed under the data key; `None` after erasure.
    pub sealed_profile: Option<Vec<u8>>,
    pub email_verified: bool,
}

/// A signed-in session, found by the hash of its cookie token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    /// SHA-256 of the cookie token (the token itself is never stored).
    pub token_hash: Vec<u8>,
    pub account_id: String,
    pub csrf_token: String,
    pub created_at_ms: u64,
    pub expires_at_ms: u64,
}

/// One logged opening of a person's data: the log index of the `personal_data.opened`
/// event and the nonce of its subject commitment, sealed under the person's data key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningRow {
    pub account_id: String,
    pub log_index: u64,
    pub sealed_nonce: Vec<u8>,
}

/// A message in the outbox, sealed by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailRow {
    pub id: u64,
    pub sealed: Vec<u8>,
    pub created_at_ms: u64,
    pub attempts: u32,
    /// When it was handed to the mail server; `None` while pending.
    pub sent_at_ms: Option<u64>,
}

/// One person of the imported census/registry, with the state of a one-time code sent to
/// prove they are that person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryRow {
    /// Keyed hash of the IIN; the primary key.
    pub iin_lookup: Vec<u8>,
    pub sealed_record: Vec<u8>,
    /// Hash of the one-time code sent, if one is outstanding.
    pub code_hash: Option<Vec<u8>>,
    pub code_expires_ms: u64,
    pub code_attempts: u32,
    /// The account that proved to be this person, if any.
    pub claimed_by: Option<String>,
}

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

/// The people store's operations. Each is one transaction; all block (see the module docs).
///
/// Typed errors: a duplicate of a unique value is [`StoreError::Conflict`](crate::StoreError::Conflict)
/// naming it (`"email"`, `"account id"`, `"person"`, `"session"`, `"opening"`); an update of
/// a row that does not exist, or a row that refers to an account that does not exist, is
/// [`StoreError::NotFound`](crate::StoreError::NotFound) (`"account"`, `"mail"`, `"registry row"`).
pub trait PeopleStore: Send + Sync {
    /// Creates an account. Conflict `"account id"` or `"email"` (or `"person"` if `person` is
    /// set and taken) if another account holds that value.
    fn create_account(&self, account: &AccountRow) -> Result<()>;
    fn account(&self, id: &str) -> Result<Option<AccountRow>>;
    fn account_by_email(&self, email_lookup: &[u8]) -> Result<Option<AccountRow>>;
    fn account_by_person(&self, person: &str) -> Result<Option<AccountRow>>;
    /// Writes every field but `id` and `created_at_ms`. NotFound `"account"` if there is no
    /// such id; Conflict `"email"` or `"person"` if another account holds the new value.
    fn update_account(&self, account: &AccountRow) -> Result<()>;
    /// Records the pseudonym of the verified person. Conflict `"person"` if another account
    /// holds it (one identity, one account); NotFound `"account"` if there is no such id.
    fn set_person(&self, id: &str, person: &str) -> Result<()>;
    /// Accounts with ids after `after_id` (all if `None`), in byte order of id, at most `limit`.
    fn list_accounts(&self, after_id: Option<&str>, limit: u32) -> Result<Vec<AccountRow>>;
    fn count_accounts(&self) -> Result<u64>;

    /// Conflict `"session"` on a reused token hash; NotFound `"account"` for an unknown account.
    fn create_session(&self, session: &SessionRow) -> Result<()>;
    /// The session with this token hash, expired or not (the caller compares the expiry).
    fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRow>>;
    /// Deletes one session; deleting a missing one is not an error.
    fn delete_session(&self, token_hash: &[u8]) -> Result<()>;
    /// Deletes every session of the account (logout everywhere); returns how many.
    fn delete_sessions_of(&self, account_id: &str) -> Result<u64>;
    /// Deletes the sessions with `expires_at_ms <= now_ms`; returns how many.
    fn delete_expired_sessions(&self, now_ms: u64) -> Result<u64>;

    /// Conflict `"opening"` if the account already has one at that index; NotFound `"account"`.
    fn add_opening(&self, opening: &OpeningRow) -> Result<()>;
    /// The account's openings, lowest log index first.
    fn openings_of(&self, account_id: &str) -> Result<Vec<OpeningRow>>;

    /// Queues a sealed message; returns its id (increasing).
    fn enqueue_mail(&self, sealed: &[u8], created_at_ms: u64) -> Result<u64>;
    /// Unsent messages, oldest first, at most `limit`.
    fn pending_mail(&self, limit: u32) -> Result<Vec<MailRow>>;
    /// NotFound `"mail"` if there is no such id.
    fn mark_mail_sent(&self, id: u64, at_ms: u64) -> Result<()>;
    /// Counts a failed attempt (`attempts + 1`); the message stays pending. NotFound `"mail"`.
    fn mark_mail_failed(&self, id: u64) -> Result<()>;

    /// Imports registry rows in one transaction. A new IIN is inserted whole; an existing
    /// one gets the new `sealed_record` and keeps its code state and `claimed_by`. If one
    /// IIN appears more than once, the last row wins. Returns the number of distinct IINs
    /// written.
    fn upsert_registry(&self, rows: &[RegistryRow]) -> Result<u64>;
    fn registry(&self, iin_lookup: &[u8]) -> Result<Option<RegistryRow>>;
    /// Writes every field but the key. NotFound `"registry row"` if the IIN is not imported,
    /// NotFound `"account"` if `claimed_by` names no account.
    fn update_registry(&self, row: &RegistryRow) -> Result<()>;

    /// Crypto-shredding, in one transaction: forgets the wrapped data key and the sealed
    /// profile, clears the pseudonym and ends every session of the account. Openings and
    /// other sealed records stay, unreadable. NotFound `"account"` if there is no such id.
    fn erase_account(&self, id: &str) -> Result<()>;

    /// Flags a signature; returns the flag's id. Idempotent: if the signature already has a
    /// flag for this reason, open or resolved, returns its id and changes nothing (a
    /// resolved flag stays resolved).
    fn add_flag(&self, petition: &str, signer: &str, reason: &str, created_at_ms: u64) -> Result<u64>;
    /// Unresolved flags of one petition (of all if `None`), oldest first, at most `limit`.
    fn open_flags(&self, petition: Option<&str>, limit: u32) -> Result<Vec<FlagRow>>;
    /// How many flags of one petition (of all if `None`) are unresolved.
    fn count_open_flags(&self, petition: Option<&str>) -> Result<u64>;
    /// Resolves every open flag of the signature at `at_ms` (the signature was invalidated or
    /// its flags dismissed); returns how many. None open is not an error: it returns 0.
    fn resolve_flags(&self, petition: &str, signer: &str, at_ms: u64) -> Result<u64>;
}

/// Opens the people store that belongs to the log at `location` (what [`crate::open`]
/// takes): for a SQLite path, the file [`people_sqlite_path`] beside it; for a
/// `postgres://` URL, the same database. Creates it and runs migrations if needed. Takes no
/// lock: any number of stores may be open on one location, beside the log's writer.
pub fn open_people(location: &str, max: MaxConnections) -> Result<Arc<dyn PeopleStore>> {
    if crate::is_postgres_url(location) {
        Ok(Arc::new(postgres::PgPeople::connect(location, max)?))
    } else {
        Ok(Arc::new(sqlite::SqlitePeople::open(&people_sqlite_path(Path::new(location)), max)?))
    }
}

/// The people file of a SQLite log: beside it, named after it (`dauys.sqlite3` →
/// `dauys.people.sqlite3`), so each log has its own and it can never be the log's file.
pub fn people_sqlite_path(log: &Path) -> PathBuf {
    log.with_extension("people.sqlite3")
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

fn to_u32(value: i64, what: &str) -> Result<u32> {
    u32::try_from(value).map_err(|_| crate::StoreError::Corrupt(format!("{what} out of range: {value}")))
}
