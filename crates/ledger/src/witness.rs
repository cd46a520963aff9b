//! Witnessing: Ed25519 cosignatures ([C2SP tlog-cosignature](https://c2sp.org/tlog-cosignature),
//! `cosignature/v1`), witness policies (k of these n keys), and the `add-checkpoint` request
//! and the witness's decision on it ([C2SP tlog-witness](https://c2sp.org/tlog-witness)).
//!
//! A witness cosigns a checkpoint only if it is consistent with the latest one it cosigned for
//! that log, so a log that shows two views to two readers cannot get both cosigned by the same
//! honest witness. A reader who demands cosignatures from a quorum of witnesses is shown a
//! split view only if that many witnesses lie together.
//!
//! Pure, like the rest of the crate: the caller brings the clock (timestamps), the storage of
//! what a witness cosigned, and HTTP.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};

use crate::checkpoint::Checkpoint;
use crate::hash::Hash;
use crate::note::{
    check_key_name, check_stated_id, check_text, compute_key_id, encode_ed25519_key, split_skey, split_vkey, Note,
    NoteVerifier, SIG_PREFIX,
};
use crate::proof::verify_consistency;
use crate::LedgerError;

/// The signature type byte of an Ed25519 `cosignature/v1` key (tlog-cosignature).
pub const ALG_COSIGNATURE_V1: u8 = 0x04;
/// The most consistency proof lines an `add-checkpoint` request may carry (tlog-witness).
pub const MAX_PROOF_LINES: usize = 63;
/// Bounds an `add-checkpoint` body: a checkpoint with its signatures plus 63 hashes is a few
/// KiB; anything much larger is not a request a log sends.
pub const MAX_ADD_CHECKPOINT_BYTES: usize = 64 * 1024;

/// The message an Ed25519 cosignature signs: `cosignature/v1`, the time, then the note text.
pub fn cosigned_message(text: &str, timestamp: u64) -> String {
    format!("cosignature/v1\ntime {timestamp}\n{text}")
}

/// A witness's cosigning key with its name (a schema-less URL that names the witness).
pub struct Cosigner {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl Cosigner {
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<Cosigner, LedgerError> {
        check_key_name(name)?;
        let key = SigningKey::from_bytes(&seed);
        let key_id = compute_key_id(name, ALG_COSIGNATURE_V1, key.verifying_key().as_bytes());
        Ok(Cosigner { name: name.to_string(), key_id, key })
    }

    /// Parses `PRIVATE+KEY+<name>+<keyid>+<base64(0x04||seed)>`: the signer-key format of
    /// golang.org/x/mod/sumdb/note with the cosignature type byte.
    pub fn from_skey(skey: &str) -> Result<Cosigner, LedgerError> {
        let (name, stated, seed) = split_skey(skey, ALG_COSIGNATURE_V1, "witness key")?;
        let cosigner = Cosigner::from_seed(name, seed)?;
        check_stated_id(name, stated, cosigner.key_id)?;
        Ok(cosigner)
    }

    pub fn to_skey(&self) -> String {
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.key_id,
            encode_ed25519_key(ALG_COSIGNATURE_V1, self.key.as_bytes())
        )
    }

    /// The verifier key a log or a reader configures: `<name>+<keyid>+<base64(0x04||key)>`.
    pub fn vkey(&self) -> String {
        self.verifier().vkey()
    }

    pub fn verifier(&self) -> CosignatureVerifier {
        CosignatureVerifier { name: self.name.clone(), key_id: self.key_id, key: self.key.verifying_key() }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// One note signature line, `— <name> base64(key id || timestamp || signature)` and a
    /// newline, cosigning the note text `text` (its final newline included) at `timestamp`.
    pub fn cosign(&self, text: &str, timestamp: u64) -> Result<String, LedgerError> {
        check_text(text)?;
        if timestamp > i64::MAX as u64 {
            return Err(LedgerError::MalformedNote { reason: "a cosignature's time must not exceed 2^63 - 1".into() });
        }
        let signature = self.key.sign(cosigned_message(text, timestamp).as_bytes());
        let mut blob = Vec::with_capacity(4 + 8 + 64);
        blob.extend_from_slice(&self.key_id.to_be_bytes());
        blob.extend_from_slice(&timestamp.to_be_bytes());
        blob.extend_from_slice(&signature.to_bytes());
        Ok(format!("{SIG_PREFIX}{} {}\n", self.name, STANDARD.encode(blob)))
    }
}

impl std::fmt::Debug for Cosigner {
    // Never print the private key, even in debug logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cosigner")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .finish_non_exhaustive()
    }
}

/// A witness's public cosignature key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CosignatureVerifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl CosignatureVerifier {
    /// Parses a verifier key with the cosignature type byte (0x04).
    pub fn from_vkey(vkey: &str) -> Result<CosignatureVerifier, LedgerError> {
        let (name, key_id, key) = split_vkey(vkey, ALG_COSIGNATURE_V1, "witness key")?;
        Ok(CosignatureVerifier { name, key_id, key })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    pub fn vkey(&self) -> String {
        format!("{}+{:08x}+{}", self.name, self.key_id, encode_ed25519_key(ALG_COSIGNATURE_V1, self.key.as_bytes()))
    }

    /// The time of this witness's cosignature on `note`. An error if the note carries none by
    /// this key (name and key id), or if one that claims to be by it does not verify.
    pub fn verify(&self, note: &Note) -> Result<u64, LedgerError> {
        let mut newest = None;
        for line in note.signatures.iter().filter(|s| s.name == self.name && s.key_id == self.key_id) {
            let invalid = || LedgerError::InvalidSignature { name: self.name.clone(), key_id: self.key_id };
            let (time, signature) = line.signature.split_at_checked(8).ok_or_else(invalid)?;
            let timestamp = u64::from_be_bytes(time.try_into().map_err(|_| invalid())?);
            if timestamp > i64::MAX as u64 {
                return Err(invalid());
            }
            let signature = ed25519_dalek::Signature::from_slice(signature).map_err(|_| invalid())?;
            self.key
                .verify_strict(cosigned_message(&note.text, timestamp).as_bytes(), &signature)
                .map_err(|_| invalid())?;
            newest = newest.max(Some(timestamp));
        }
        newest.ok_or_else(|| LedgerError::NoMatchingSignature { name: self.name.clone(), key_id: self.key_id })
    }
}

/// A valid cosignature found on a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cosignature {
    pub witness: String,
    pub timestamp: u64,
}

/// What a reader demands of a checkpoint: valid cosignatures from at least `quorum` of these
/// witnesses.
#[derive(Clone, Debug)]
pub struct WitnessPolicy {
    witnesses: Vec<CosignatureVerifier>,
    quorum: usize,
}

impl WitnessPolicy {
    /// Refuses a quorum of zero (a policy that trusts the log alone is no policy), a quorum
    /// above the number of witnesses (nothing would satisfy it), and a witness named twice
    /// (one key would count as two).
    pub fn new(witnesses: Vec<CosignatureVerifier>, quorum: usize) -> Result<WitnessPolicy, LedgerError> {
        if quorum == 0 || quorum > witnesses.len() {
            return Err(LedgerError::InvalidPolicy {
                reason: format!("a quorum of {quorum} out of {} witnesses can never be met", witnesses.len()),
            });
        }
        for (i, w) in witnesses.iter().enumerate() {
            if witnesses[..i].iter().any(|v| v.key == w.key || (v.name == w.name && v.key_id == w.key_id)) {
                return Err(LedgerError::InvalidPolicy { reason: format!("witness {} is listed twice", w.name) });
            }
        }
        Ok(WitnessPolicy { witnesses, quorum })
    }

    pub fn witnesses(&self) -> &[CosignatureVerifier] {
        &self.witnesses
    }

    pub fn quorum(&self) -> usize {
        self.quorum
    }

    /// The valid cosignatures on `note` by this policy's witnesses; an error naming how many
    /// there are if fewer than the quorum. A line that claims to be by a listed witness and
    /// does not verify counts as missing, not as an error: a witness's bad line must not let
    /// whoever relays the note veto it.
    pub fn check(&self, note: &Note) -> Result<Vec<Cosignature>, LedgerError> {
        let found: Vec<Cosignature> = self
            .witnesses
            .iter()
            .filter_map(|w| w.verify(note).ok().map(|timestamp| Cosignature { witness: w.name.clone(), timestamp }))
            .collect();
        if found.len() < self.quorum {
            return Err(LedgerError::NotEnoughCosignatures {
                have: found.len(),
                need: self.quorum,
                of: self.witnesses.len(),
            });
        }
        Ok(found)
    }
}

/// The body of a tlog-witness `add-checkpoint` request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddCheckpoint {
    /// The size of the latest checkpoint the log believes the witness cosigned (0 if none).
    pub old_size: u64,
    /// A consistency proof from `old_size` to the checkpoint's size; empty from 0.
    pub proof: Vec<Hash>,
    /// The signed checkpoint, signature lines included.
    pub checkpoint: String,
}

impl AddCheckpoint {
    pub fn to_body(&self) -> String {
        let mut body = format!("old {}\n", self.old_size);
        for hash in &self.proof {
            body.push_str(&hash.to_base64());
            body.push('\n');
        }
        body.push('\n');
        body.push_str(&self.checkpoint);
        body
    }

    pub fn parse(body: &str) -> Result<AddCheckpoint, LedgerError> {
        let bad = |reason: &str| LedgerError::MalformedRequest { reason: reason.to_string() };
        if body.len() > MAX_ADD_CHECKPOINT_BYTES {
            return Err(bad("the request is larger than 64 KiB"));
        }
        let (head, checkpoint) = body.split_once("\n\n").ok_or_else(|| bad("no empty line before the checkpoint"))?;
        let mut lines = head.split('\n');
        let old = lines
            .next()
            .and_then(|l| l.strip_prefix("old "))
            .ok_or_else(|| bad("the first line must be \"old <size>\""))?;
        let canonical =
            !old.is_empty() && old.bytes().all(|b| b.is_ascii_digit()) && (old == "0" || !old.starts_with('0'));
        let old_size = old
            .parse::<u64>()
            .ok()
            .filter(|_| canonical)
            .ok_or_else(|| bad("the old size must be a decimal number without leading zeros"))?;
        let proof = lines
            .map(|l| Hash::from_base64(l).map_err(|_| bad("a consistency proof line is not base64 of 32 bytes")))
            .collect::<Result<Vec<_>, _>>()?;
        if proof.len() > MAX_PROOF_LINES {
            return Err(bad("more than 63 consistency proof lines"));
        }
        Ok(AddCheckpoint { old_size, proof, checkpoint: checkpoint.to_string() })
    }
}

/// What a witness remembers of one log: the latest checkpoint it cosigned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witnessed {
    pub size: u64,
    pub root: Hash,
}

/// Why a witness refuses to cosign, each with the HTTP status tlog-witness gives it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the request is malformed: {0}")]
    Malformed(String),
    #[error("this witness does not follow a log with origin {0:?}")]
    UnknownLog(String),
    #[error("no signature on the checkpoint verifies with a key this witness trusts for {0:?}")]
    Unsigned(String),
    #[error("the old size {old} is larger than the checkpoint's size {size}")]
    OldSizeTooLarge { old: u64, size: u64 },
    #[error("the latest checkpoint this witness cosigned has size {latest}, not {old}")]
    SizeMismatch { old: u64, latest: u64 },
    #[error("this witness cosigned another root at size {size}: the log has forked")]
    RootMismatch { size: u64 },
    #[error("the consistency proof from size {old} to {size} does not verify")]
    Inconsistent { old: u64, size: u64 },
}

impl Refusal {
    /// The status code tlog-witness assigns to this refusal.
    pub fn http_status(&self) -> u16 {
        match self {
            Refusal::Malformed(_) | Refusal::OldSizeTooLarge { .. } => 400,
            Refusal::Unsigned(_) => 403,
            Refusal::UnknownLog(_) => 404,
            Refusal::SizeMismatch { .. } | Refusal::RootMismatch { .. } => 409,
            Refusal::Inconsistent { .. } => 422,
        }
    }

    /// Evidence that the log misbehaved (as opposed to a stale or malformed request): a
    /// validly signed checkpoint that contradicts one this witness cosigned.
    pub fn is_evidence(&self) -> bool {
        matches!(self, Refusal::RootMismatch { .. } | Refusal::Inconsistent { .. })
    }
}

/// The witness's checks of tlog-witness, in the spec's order. `trusted` gives the log keys
/// the witness trusts for an origin (None: an unknown log); `latest` is what it cosigned for
/// that origin. On success the caller must store the returned checkpoint as its new latest
/// (atomically with the check) before it cosigns.
pub fn check_add_checkpoint<'k>(
    request: &AddCheckpoint,
    trusted: impl Fn(&str) -> Option<&'k [NoteVerifier]>,
    latest: impl FnOnce(&str) -> Option<Witnessed>,
) -> Result<(Note, Checkpoint), Refusal> {
    let note = Note::parse(&request.checkpoint).map_err(|e| Refusal::Malformed(e.to_string()))?;
    let checkpoint = Checkpoint::parse_text(&note.text).map_err(|e| Refusal::Malformed(e.to_string()))?;
    let keys = trusted(&checkpoint.origin).ok_or_else(|| Refusal::UnknownLog(checkpoint.origin.clone()))?;
    if !keys.iter().any(|k| note.verify(k).is_ok()) {
        return Err(Refusal::Unsigned(checkpoint.origin));
    }
    let (old, size) = (request.old_size, checkpoint.size);
    if old > size {
        return Err(Refusal::OldSizeTooLarge { old, size });
    }
    let latest = latest(&checkpoint.origin).unwrap_or(Witnessed { size: 0, root: crate::hash::empty_root() });
    if latest.size != old {
        return Err(Refusal::SizeMismatch { old, latest: latest.size });
    }
    if (old == 0 || old == size) && !request.proof.is_empty() {
        return Err(Refusal::Malformed(format!("a proof from size {old} to {size} is empty")));
    }
    if old == size {
        if latest.root != checkpoint.root {
            return Err(Refusal::RootMismatch { size });
        }
    } else if old != 0 && verify_consistency(old, size, &latest.root, &checkpoint.root, &request.proof).is_err() {
        return Err(Refusal::Inconsistent { old, size });
    }
    Ok((note, checkpoint))
}

#[cfg(test)]
mod tests;
