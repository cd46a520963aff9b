//! The people's side of the private store: accounts and their sessions, the record of who
//! opened whose data, the mail outbox and the imported census/registry — each a part of
//! its own ([`Accounts`], [`Openings`], [`Outbox`], [`Registry`]), opened together by
//! [`open_private`](crate::open_private).
//!
//! **Invariants.** None of this is part of the public log, and none of it is plaintext
//! personal data: what identifies a person arrives as a keyed hash (`email_lookup`,
//! `iin_lookup`, the `person` pseudonym) and everything else personal arrives sealed
//! (`sealed_profile`, `sealed_record`, `sealed_nonce`, mail) under a data key the store only
//! holds in wrapped form. The store does no cryptography: it keeps the bytes, enforces
//! uniqueness (one address, one account; one identity, one account) and, on
//! [`Accounts::erase_account`], forgets the wrapped key so every sealed record of the
//! person becomes unreadable (crypto-shredding).
//!
//! Where it lives: with SQLite, in a file of its own beside the log ([`people_sqlite_path`]),
//! with its own connections and no writer lock — many request handlers write here, the
//! sequencer does not. With PostgreSQL, in the log's database as the `people_*` tables
//! (migrations 2 to 4).
//!
//! Every method blocks: call it from a blocking thread (`spawn_blocking`), never from an
//! async task (the PostgreSQL driver is synchronous and cannot run inside a runtime thread).
//! Each is one transaction. Typed errors: a duplicate of a unique value is
//! [`StoreError::Conflict`](crate::StoreError::Conflict) naming it (`"email"`, `"account
//! id"`, `"person"`, `"session"`, `"opening"`); an update of a row that does not exist, or
//! a row that refers to an account that does not exist, is
//! [`StoreError::NotFound`](crate::StoreError::NotFound) (`"account"`, `"mail"`, `"registry
//! row"`).
//!
//! ```
//! use dauys_store::{open_private, people::AccountRow, MaxConnections};
//! let dir = tempfile::tempdir().unwrap();
//! let location = dir.path().join("dauys.sqlite3").display().to_string();
//! let store = open_private(&location, MaxConnections::DEFAULT).unwrap();
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
//! store.accounts.create_account(&account).unwrap();
//! assert_eq!(store.accounts.account_by_email(&[1; 32]).unwrap(), Some(account));
//! assert!(dir.path().join("dauys.people.sqlite3").exists());
//! ```

mod accounts;
mod openings;
mod outbox;
mod registry;

use std::path::{Path, PathBuf};

pub use accounts::Accounts;
pub use openings::Openings;
pub use outbox::Outbox;
pub use registry::Registry;

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

/// The people file of a SQLite log: beside it, named after it (`dauys.sqlite3` →
/// `dauys.people.sqlite3`), so each log has its own and it can never be the log's file.
pub fn people_sqlite_path(log: &Path) -> PathBuf {
    log.with_extension("people.sqlite3")
}
