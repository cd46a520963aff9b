//! The pure pieces of identity and personal-data protection in Dauys.
//!
//! - [`iin`]: Kazakhstan's 12-digit individual identification number, fully checked (birth
//!   date, century digit, check digit), redacted in `Debug` and zeroized on drop.
//! - [`pseudonym`]: keyed pseudonyms, HMAC-SHA-256 of an IIN under a versioned secret key, one
//!   per context (the person, each petition, data access). The public record knows people only
//!   by these.
//! - [`vault`]: envelope encryption of personal data with XChaCha20-Poly1305: per-owner data
//!   keys, wrapped under a master key kept outside the database; deleting a wrapped data key
//!   shreds every record sealed under it.
//! - [`password`]: Argon2id password hashing for local accounts, with a timing-safe answer for
//!   unknown accounts and a length policy.
//! - [`policy`]: authorization decided in one function, [`policy::authorize`].
//! - [`fields`]: the light checks of e-mail addresses and one-line fields people type.
//! - [`registry`]: parsing and checking a registry file (CSV) an administrator imports.
//!
//! Byte-level formats and derivations are specified in `SPEC.md` beside this crate.
//!
//! ```
//! use dauys_identity::iin::Iin;
//! use dauys_identity::policy::{authorize, Action, Actor, Role, RoleGrant};
//! use dauys_identity::pseudonym::{PseudonymContext, PseudonymKeyRing};
//! use dauys_identity::vault::{DataKey, MasterKey, WrappedKey};
//!
//! // Keys come from the caller (files or environment variables); this crate reads none.
//! let ring = PseudonymKeyRing::parse("v1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")?;
//! let master = MasterKey::parse(&MasterKey::generate_text())?;
//!
//! // A person signs in with their IIN; the log only ever sees the pseudonym.
//! let iin = Iin::parse("900515301234")?;
//! let person = ring.derive(&iin, &PseudonymContext::Person);
//! assert!(person.as_str().starts_with("ps1-"));
//!
//! // Their contacts are sealed under their own data key, bound to owner and field.
//! let data_key = DataKey::generate();
//! let sealed = data_key.seal(b"person:42:contacts", b"+7 701 000 00 00");
//! let wrapped = master.wrap_data_key(&data_key, b"person:42:data-key").to_bytes();
//!
//! // An official of the body handling the case may open them.
//! let official = Actor::signed_in(
//!     "u-7f3a9c0e51d24b68".parse()?,
//!     vec![RoleGrant::new(Role::Official, Some("akimat-astana".parse()?))?],
//! );
//! authorize(&official, &Action::OpenPersonalData { body: "akimat-astana".parse()? })?;
//! let wrapped = WrappedKey::from_bytes(&wrapped)?;
//! let data_key = master.unwrap_data_key(&wrapped, b"person:42:data-key")?;
//! assert_eq!(&data_key.open(b"person:42:contacts", &sealed)?[..], b"+7 701 000 00 00");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What it is not: no database, no network, no files, no clock. Keys are passed in by the
//! caller; the only outside input is the operating system's random number generator, for new
//! keys, salts and nonces (deterministic paths exist for known-answer tests). It does not
//! decide who a person is (that is the identity provider's or registry's job, wired in the
//! server), does not record accesses (the server appends `personal_data.opened` events), and
//! does not store anything.

pub mod fields;
pub mod iin;
mod key_text;
pub mod password;
pub mod policy;
pub mod pseudonym;
pub mod registry;
pub mod vault;

pub use key_text::KeyTextError;
