//! RFC 6962 / RFC 9162 Merkle tree hashing.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::LedgerError;

/// Height of a C2SP tile: each tile is a subtree of 2^8 hashes.
pub const TILE_HEIGHT: u32 = 8;
/// Number of hashes in a full tile.
pub const TILE_WIDTH: u64 = 256;

/// A SHA-256 Merkle tree hash.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// Parses 64 hex digits (either case).
    pub fn from_hex(s: &str) -> Result<Hash, LedgerError> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).map_err(|_| LedgerError::InvalidHex { input: truncate_for_message(s) })?;
        Ok(Hash(out))
    }

    /// Standard padded base64, the encoding checkpoints use.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// Parses standard padded base64; rejects non-canonical encodings so that
    /// one hash has exactly one textual form (checkpoints are compared as text).
    pub fn from_base64(s: &str) -> Result<Hash, LedgerError> {
        let err = || LedgerError::InvalidBase64 { input: truncate_for_message(s) };
        // 32 bytes always encode to 44 characters; checking first bounds the
        // work done on hostile input.
        if s.len() != 44 {
            return Err(err());
        }
        let bytes = STANDARD.decode(s).map_err(|_| err())?;
        let arr: [u8; 32] = bytes.try_into().map_err(|_| err())?;
        Ok(Hash(arr))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// Keeps error messages readable when the input is huge or hostile.
pub(crate) fn truncate_for_message(s: &str) -> String {
    const MAX: usize = 80;
    if s.len() <= MAX {
        return s.to_string();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl serde::Serialize for Hash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(self.0))
    }
}

impl<'de> serde::Deserialize<'de> for Hash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Hash;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a 64-digit lowercase hex SHA-256 hash")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Hash, E> {
                // Serialization is lowercase only, so accepting uppercase
                // would let two encodings of one hash into stored data.
                if v.bytes().any(|b| b.is_ascii_uppercase()) {
                    return Err(E::custom("hash must be lowercase hex"));
                }
                Hash::from_hex(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// RFC 6962 leaf hash: SHA-256(0x00 || data).
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    Hash(h.finalize().into())
}

/// RFC 6962 interior node hash: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left.0);
    h.update(right.0);
    Hash(h.finalize().into())
}

/// Root of the empty tree: SHA-256 of the empty string.
pub fn empty_root() -> Hash {
    Hash(Sha256::digest([]).into())
}

/// Hashes a power-of-two run of sibling hashes up to their common root.
/// Callers guarantee the length is a power of two (at most one tile).
pub(crate) fn perfect_root(hashes: &[Hash]) -> Hash {
    debug_assert!(hashes.len().is_power_of_two());
    let mut level: Vec<Hash> = hashes.to_vec();
    while level.len() > 1 {
        level = level.chunks_exact(2).map(|p| node_hash(&p[0], &p[1])).collect();
    }
    level.first().copied().unwrap_or_else(empty_root)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Known answers from transparency-dev/merkle testonly/constants.go
    // (LeafInputs, NodeHashes, EmptyRootHash).
    #[test]
    fn known_leaf_and_node_hashes() {
        assert_eq!(empty_root().to_string(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(leaf_hash(b"").to_string(), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
        assert_eq!(leaf_hash(&[0x00]).to_string(), "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7");
        assert_eq!(
            node_hash(&leaf_hash(b""), &leaf_hash(&[0x00])).to_string(),
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"
        );
    }

    #[test]
    fn serde_is_lowercase_hex() {
        let h = leaf_hash(b"");
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(json, "\"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d\"");
        assert_eq!(serde_json::from_str::<Hash>(&json).unwrap(), h);
        assert!(serde_json::from_str::<Hash>(&json.to_uppercase()).is_err());
        assert!(serde_json::from_str::<Hash>("\"abcd\"").is_err());
        assert!(serde_json::from_str::<Hash>("42").is_err());
    }

    #[test]
    fn hex_and_base64_round_trip() {
        let h = leaf_hash(b"x");
        assert_eq!(Hash::from_hex(&h.to_string()), Ok(h));
        assert_eq!(Hash::from_base64(&h.to_base64()), Ok(h));
        assert_eq!(format!("{h:?}"), h.to_string());
        assert!(Hash::from_hex("00").is_err());
        assert!(Hash::from_hex(&"g".repeat(64)).is_err());
        assert!(Hash::from_base64("AAAA").is_err());
        // Non-canonical trailing bits must be rejected.
        let mut b = h.to_base64();
        b.replace_range(42..43, "B");
        let canon = Hash::from_base64(&b).map(|x| x.to_base64());
        assert!(canon.is_err() || canon == Ok(b));
    }
}
