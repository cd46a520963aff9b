//! People's signing keys (SPEC §1.1 and §3.2): their ids, their proofs, and the keys each
//! account holds. Which acts they sign, and the rule on it, are in [`crate::acts`].
//!
//! The log's own signature says only that the operator logged an entry. A person who
//! registers a signing key (Ed25519, made and kept in their browser) makes every later act of
//! theirs carry their own signature, over the act itself: from then on the rules refuse an act
//! "by" them that does not, so whoever holds the log key or the server cannot act in their
//! name unseen. An auditor replaying the log checks every such signature with the rules.
//!
//! - `signer.registered` adds a key to an account. It carries a proof that the key's holder
//!   made it (the key's signature over the account and the key), and, if the account already
//!   has a key in force, is itself an act of the account, signed with one of them.
//! - `signer.revoked` ends a key; an act of the account like any other.
//! - Any entry may carry a signature (`sig` in the envelope) if its event names an account
//!   that acts (`crate::acts::act_author`). It must be by a key of that account in force at
//!   that entry.
//! - An act by an account with at least one key in force must be signed.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{AccountId, EventError, LogIndex, Timestamp};

/// Keys in force an account may hold at once.
pub const MAX_SIGNER_KEYS: usize = 10;

/// A person's signature on the act an entry records: the envelope's `sig` member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActSignature {
    /// The key's id ([`signer_key_id`]).
    pub key: String,
    /// The Ed25519 signature of [`act_statement`], standard base64 of 64 bytes.
    pub sig: String,
}

/// What a new key signs to prove its holder made it, binding it to one account.
pub fn key_proof_statement(account: &AccountId, key: &str) -> Vec<u8> {
    format!("dauys-signer/v1\n{account}\n{key}\n").into_bytes()
}

/// A key's id: the first 8 bytes of SHA-256 of its 32 public bytes, in hex.
pub fn signer_key_id(public: &[u8; 32]) -> String {
    hex::encode(&Sha256::digest(public)[..8])
}

/// The id of the key in `key` (standard base64 of its public bytes).
pub fn key_id_of(key: &str) -> Result<String, EventError> {
    parse_public_key(key).map(|k| signer_key_id(k.as_bytes()))
}

/// Decodes a public key: standard base64 of 32 bytes that are an Ed25519 point.
pub fn parse_public_key(key: &str) -> Result<VerifyingKey, EventError> {
    let bad = |reason: &str| EventError::InvalidSignerKey { reason: reason.to_string() };
    let bytes: [u8; 32] = STANDARD
        .decode(key)
        .map_err(|_| bad("not standard base64"))?
        .try_into()
        .map_err(|_| bad("an Ed25519 public key is 32 bytes"))?;
    let key = VerifyingKey::from_bytes(&bytes).map_err(|_| bad("not an Ed25519 public key"))?;
    if key.is_weak() {
        return Err(bad("a key of small order signs anything"));
    }
    Ok(key)
}

/// Whether `sig` (standard base64 of 64 bytes) is `key`'s signature of `message`. Strict
/// verification: one valid signature per message and key, no malleability.
pub fn verifies(key: &VerifyingKey, message: &[u8], sig: &str) -> bool {
    let Ok(bytes) = STANDARD.decode(sig) else { return false };
    let Ok(signature) = Signature::from_slice(&bytes) else { return false };
    key.verify_strict(message, &signature).is_ok()
}

/// Checks a `signer.registered` on its own: the key parses and the proof is its signature.
pub(crate) fn validate_registration(account: &AccountId, key: &str, proof: &str) -> Result<(), EventError> {
    let public = parse_public_key(key)?;
    if !verifies(&public, &key_proof_statement(account, key), proof) {
        return Err(EventError::InvalidSignerKey {
            reason: "the proof is not this key's signature of the account and the key".into(),
        });
    }
    Ok(())
}

/// Checks a key id's shape: 16 lowercase hex digits.
pub(crate) fn validate_key_id(id: &str) -> Result<(), EventError> {
    if id.len() == 16 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        Ok(())
    } else {
        Err(EventError::InvalidSignerKey { reason: "a key id is 16 lowercase hex digits".into() })
    }
}

/// One registered key of an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActKey {
    pub id: String,
    /// Standard base64 of the 32 public bytes.
    pub public: String,
    pub registered: LogIndex,
    pub registered_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<LogIndex>,
}

/// The keys an account registered, in order, with those revoked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActKeys {
    pub account: AccountId,
    pub keys: Vec<ActKey>,
}

impl ActKeys {
    /// The keys in force.
    pub fn in_force(&self) -> impl Iterator<Item = &ActKey> {
        self.keys.iter().filter(|k| k.revoked.is_none())
    }
}

#[cfg(test)]
mod tests;
