use thiserror::Error;

/// Everything that can go wrong in this crate.
///
/// Messages name the offending value and, where it helps, what a valid one
/// looks like, because most of these errors surface to an operator reading a
/// log line or a CLI message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LedgerError {
    #[error("invalid hex hash {input:?}: expected 64 lowercase or uppercase hex digits")]
    InvalidHex { input: String },

    #[error("invalid base64 hash {input:?}: expected standard padded base64 of exactly 32 bytes")]
    InvalidBase64 { input: String },

    #[error("invalid tile path {path:?}: {reason}")]
    InvalidTilePath { path: String, reason: &'static str },

    #[error("log entry {index} is {len} bytes; entry bundles hold at most 65535 bytes per entry")]
    EntryTooLarge { index: usize, len: usize },

    #[error("malformed entry bundle: {reason}")]
    MalformedBundle { reason: String },

    #[error("malformed hash tile: {reason}")]
    MalformedTile { reason: String },

    #[error("tile {level}/{index} is missing or too short: need {needed} hashes, have {have}")]
    MissingTile { level: u8, index: u64, needed: u64, have: u64 },

    /// The tile source (a database, a mirror) failed to answer; not a property of the log.
    #[error("could not read tile {level}/{index}: {reason}")]
    TileUnavailable { level: u8, index: u64, reason: String },

    #[error("invalid key name {name:?}: must be non-empty and contain no '+', whitespace or control characters")]
    InvalidKeyName { name: String },

    #[error("invalid key: {reason}")]
    InvalidKey { reason: String },

    #[error("key id mismatch for {name:?}: key string says {stated:08x} but the key hashes to {computed:08x}")]
    KeyIdMismatch { name: String, stated: u32, computed: u32 },

    #[error("malformed note: {reason}")]
    MalformedNote { reason: String },

    #[error("note is not signed by {name}+{key_id:08x}: no signature line with that key name and id")]
    NoMatchingSignature { name: String, key_id: u32 },

    #[error("signature by {name}+{key_id:08x} does not verify: the note was altered or signed with another key")]
    InvalidSignature { name: String, key_id: u32 },

    #[error("malformed checkpoint: {reason}")]
    MalformedCheckpoint { reason: String },

    #[error("checkpoint origin {origin:?} does not match the verifier key name {key_name:?}")]
    OriginMismatch { origin: String, key_name: String },

    #[error("invalid range [{start}, {end}): {reason}")]
    InvalidRange { start: u64, end: u64, reason: &'static str },

    #[error("leaf index {index} is out of range for a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },

    #[error("invalid tree sizes: old size {old_size} must not exceed new size {new_size}")]
    InvalidSizes { old_size: u64, new_size: u64 },

    #[error("subtree of height {height} at index {index} does not fit in a 64-bit tree")]
    InvalidSubtree { height: u32, index: u64 },

    #[error("proof has the wrong length for these tree sizes: {reason}")]
    WrongProofLength { reason: &'static str },

    #[error("proof does not verify: computed root {computed} but expected {expected}")]
    RootMismatch { expected: String, computed: String },

    #[error("invalid witness policy: {reason}")]
    InvalidPolicy { reason: String },

    #[error(
        "the checkpoint carries valid cosignatures from {have} of the {of} witnesses named, and {need} are required"
    )]
    NotEnoughCosignatures { have: usize, need: usize, of: usize },

    #[error("malformed add-checkpoint request: {reason}")]
    MalformedRequest { reason: String },

    #[error("cannot resume tree: {reason}")]
    InvalidResume { reason: String },
}
