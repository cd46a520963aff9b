//! Envelope encryption of personal data with XChaCha20-Poly1305.
//!
//! Each person (or other owner of records) has a random [`DataKey`]. Their records are sealed
//! under it; the data key itself is stored only wrapped (encrypted) under the deployment's
//! [`MasterKey`], which lives outside the database (a file or an environment variable).
//!
//! **Crypto-shredding.** Destroying a person's wrapped data key makes every record sealed
//! under it unreadable, in the database and in every backup, without touching the records or
//! the public log. Erasure is therefore "delete one row", and it is final.
//!
//! **Associated data.** Every call takes `aad`, bytes that name the record's owner and field
//! (e.g. `b"person:42:contacts"`). They are authenticated, not stored: a ciphertext copied
//! into another row or field fails to open there. Wrap data keys with their own label (e.g.
//! `b"person:42:data-key"`).
//!
//! Formats (byte for byte in `SPEC.md`): a sealed record is `0x01 || nonce(24) ||
//! ciphertext || tag(16)`; a wrapped key is `0x01 || master version (u16, big-endian) ||
//! nonce(24) || encrypted key(32) || tag(16)`. Nonces are random: 24 bytes make collisions
//! negligible for any number of records one key will ever seal.

use crate::key_text::{self, KeyTextError, KEY_BYTES};
use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{Tag, XChaCha20Poly1305, XNonce};
use std::fmt;
use zeroize::Zeroizing;

/// Format byte of a sealed record.
pub const SEALED_FORMAT: u8 = 1;
/// Format byte of a wrapped data key.
pub const WRAPPED_KEY_FORMAT: u8 = 1;
/// Bytes of an XChaCha20 nonce.
pub const NONCE_BYTES: usize = 24;
/// Bytes of a Poly1305 tag.
pub const TAG_BYTES: usize = 16;
/// The shortest sealed record: format, nonce and tag around an empty plaintext.
pub const SEALED_OVERHEAD: usize = 1 + NONCE_BYTES + TAG_BYTES;
/// The length of every wrapped key.
pub const WRAPPED_KEY_BYTES: usize = 1 + 2 + NONCE_BYTES + KEY_BYTES + TAG_BYTES;

/// Why sealed bytes or a wrapped key could not be opened.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error("the sealed record is {len} bytes, shorter than the {min} of an empty one; it was cut off")]
    Truncated { len: usize, min: usize },
    #[error("unknown format {format}; this version reads format 1 (written by a newer version, or not ours)")]
    UnknownFormat { format: u8 },
    #[error("could not decrypt: wrong key, wrong owner or field (associated data), or altered bytes")]
    Decryption,
    #[error("the data key was wrapped under master key version {wrapped}, but master key version {have} was given")]
    MasterKeyVersion { wrapped: u16, have: u16 },
    #[error("a wrapped key is {expected} bytes, this is {len}")]
    WrappedKeyLength { len: usize, expected: usize },
}

impl VaultError {
    /// A stable code for logs and problem details.
    pub fn code(&self) -> &'static str {
        match self {
            VaultError::Truncated { .. } => "vault-truncated",
            VaultError::UnknownFormat { .. } => "vault-unknown-format",
            VaultError::Decryption => "vault-decryption-failed",
            VaultError::MasterKeyVersion { .. } => "vault-master-key-version",
            VaultError::WrappedKeyLength { .. } => "vault-wrapped-key-length",
        }
    }
}

/// The deployment's key-encryption key. Text form: `v<version> <standard base64 of 32 bytes>`
/// (one line; `#` comments allowed), read by the caller from a file or environment variable.
pub struct MasterKey {
    version: u16,
    key: Zeroizing<[u8; KEY_BYTES]>,
}

impl MasterKey {
    /// Parses the text form; exactly one key line.
    pub fn parse(text: &str) -> Result<MasterKey, KeyTextError> {
        let mut lines = key_text::parse_key_lines(text)?;
        if lines.len() != 1 {
            return Err(KeyTextError::NotOneKey { found: lines.len() });
        }
        let line = lines.remove(0);
        Ok(MasterKey { version: line.version, key: line.secret })
    }

    /// A master key from its bytes; version 0 is refused.
    pub fn from_bytes(version: u16, key: [u8; KEY_BYTES]) -> Result<MasterKey, KeyTextError> {
        if version == 0 {
            return Err(KeyTextError::VersionZero);
        }
        Ok(MasterKey { version, key: Zeroizing::new(key) })
    }

    /// A new random master key of `version` (1 for a new deployment; the next number when
    /// rotating, after which every wrapped key is unwrapped with the old and wrapped anew).
    pub fn generate(version: u16) -> Result<MasterKey, KeyTextError> {
        if version == 0 {
            return Err(KeyTextError::VersionZero);
        }
        Ok(MasterKey { version, key: key_text::random_key() })
    }

    /// The text of a new random master key, version 1.
    pub fn generate_text() -> Zeroizing<String> {
        MasterKey { version: 1, key: key_text::random_key() }.to_text()
    }

    /// The text form.
    pub fn to_text(&self) -> Zeroizing<String> {
        key_text::format_key_lines(std::iter::once((self.version, &*self.key)))
    }

    pub fn version(&self) -> u16 {
        self.version
    }

    /// Encrypts `data_key` under this master key, bound to `aad`.
    pub fn wrap_data_key(&self, data_key: &DataKey, aad: &[u8]) -> WrappedKey {
        let mut nonce = [0u8; NONCE_BYTES];
        key_text::fill_random(&mut nonce);
        self.wrap_data_key_with_nonce(data_key, &nonce, aad)
    }

    fn wrap_data_key_with_nonce(&self, data_key: &DataKey, nonce: &[u8; NONCE_BYTES], aad: &[u8]) -> WrappedKey {
        let mut encrypted_key = [0u8; KEY_BYTES];
        encrypted_key.copy_from_slice(&data_key.key[..]);
        let tag = seal_in_place(&self.key, nonce, aad, &mut encrypted_key);
        WrappedKey { master_version: self.version, nonce: *nonce, encrypted_key, tag: tag.into() }
    }

    /// Decrypts a wrapped data key; `aad` must be the bytes it was wrapped with.
    pub fn unwrap_data_key(&self, wrapped: &WrappedKey, aad: &[u8]) -> Result<DataKey, VaultError> {
        if wrapped.master_version != self.version {
            return Err(VaultError::MasterKeyVersion { wrapped: wrapped.master_version, have: self.version });
        }
        let mut key = Zeroizing::new(wrapped.encrypted_key);
        open_in_place(&self.key, &wrapped.nonce, aad, &mut key[..], &wrapped.tag)?;
        Ok(DataKey { key })
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MasterKey").field("version", &self.version).field("key", &"<redacted>").finish()
    }
}

/// A data key encrypted under a master key; safe to store next to the records it protects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrappedKey {
    master_version: u16,
    nonce: [u8; NONCE_BYTES],
    encrypted_key: [u8; KEY_BYTES],
    tag: [u8; TAG_BYTES],
}

impl WrappedKey {
    /// The version of the master key that unwraps it.
    pub fn master_version(&self) -> u16 {
        self.master_version
    }

    /// `0x01 || master version (big-endian u16) || nonce || encrypted key || tag`.
    pub fn to_bytes(&self) -> [u8; WRAPPED_KEY_BYTES] {
        let mut out = [0u8; WRAPPED_KEY_BYTES];
        out[0] = WRAPPED_KEY_FORMAT;
        out[1..3].copy_from_slice(&self.master_version.to_be_bytes());
        out[3..27].copy_from_slice(&self.nonce);
        out[27..59].copy_from_slice(&self.encrypted_key);
        out[59..].copy_from_slice(&self.tag);
        out
    }

    /// Reads [`WrappedKey::to_bytes`]; whether the key is authentic shows only on unwrapping.
    pub fn from_bytes(bytes: &[u8]) -> Result<WrappedKey, VaultError> {
        let bytes: &[u8; WRAPPED_KEY_BYTES] = bytes
            .try_into()
            .map_err(|_| VaultError::WrappedKeyLength { len: bytes.len(), expected: WRAPPED_KEY_BYTES })?;
        if bytes[0] != WRAPPED_KEY_FORMAT {
            return Err(VaultError::UnknownFormat { format: bytes[0] });
        }
        let mut wrapped = WrappedKey {
            master_version: u16::from_be_bytes([bytes[1], bytes[2]]),
            nonce: [0; NONCE_BYTES],
            encrypted_key: [0; KEY_BYTES],
            tag: [0; TAG_BYTES],
        };
        wrapped.nonce.copy_from_slice(&bytes[3..27]);
        wrapped.encrypted_key.copy_from_slice(&bytes[27..59]);
        wrapped.tag.copy_from_slice(&bytes[59..]);
        Ok(wrapped)
    }
}

/// A random key that seals one owner's records.
pub struct DataKey {
    key: Zeroizing<[u8; KEY_BYTES]>,
}

impl DataKey {
    /// A new random data key.
    pub fn generate() -> DataKey {
        DataKey { key: key_text::random_key() }
    }

    #[cfg(test)]
    pub(crate) fn from_bytes(key: [u8; KEY_BYTES]) -> DataKey {
        DataKey { key: Zeroizing::new(key) }
    }

    /// Encrypts `plaintext`, bound to `aad`, with a random nonce: `0x01 || nonce || ciphertext
    /// || tag`.
    pub fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_BYTES];
        key_text::fill_random(&mut nonce);
        self.seal_with_nonce(&nonce, aad, plaintext)
    }

    /// [`DataKey::seal`] with a given nonce, so known-answer tests can check the bytes. A nonce
    /// must never repeat under one key; only `seal` chooses them in production.
    pub(crate) fn seal_with_nonce(&self, nonce: &[u8; NONCE_BYTES], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        // Encrypting in the output buffer, reserved once, leaves no plaintext copy behind.
        let mut out = Vec::with_capacity(SEALED_OVERHEAD + plaintext.len());
        out.push(SEALED_FORMAT);
        out.extend_from_slice(nonce);
        out.extend_from_slice(plaintext);
        let tag = seal_in_place(&self.key, nonce, aad, &mut out[1 + NONCE_BYTES..]);
        out.extend_from_slice(&tag);
        out
    }

    /// Decrypts what [`DataKey::seal`] made; `aad` must be the same bytes.
    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        if sealed.len() < SEALED_OVERHEAD {
            return Err(VaultError::Truncated { len: sealed.len(), min: SEALED_OVERHEAD });
        }
        if sealed[0] != SEALED_FORMAT {
            return Err(VaultError::UnknownFormat { format: sealed[0] });
        }
        let (nonce, rest) = sealed[1..].split_at(NONCE_BYTES);
        let (ciphertext, tag) = rest.split_at(rest.len() - TAG_BYTES);
        let mut plaintext = Zeroizing::new(ciphertext.to_vec());
        let nonce: &[u8; NONCE_BYTES] = nonce.try_into().map_err(|_| VaultError::Decryption)?;
        let tag: &[u8; TAG_BYTES] = tag.try_into().map_err(|_| VaultError::Decryption)?;
        open_in_place(&self.key, nonce, aad, &mut plaintext, tag)?;
        Ok(plaintext)
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

/// XChaCha20-Poly1305 encryption of `buffer` in place; returns the tag.
fn seal_in_place(key: &[u8; KEY_BYTES], nonce: &[u8; NONCE_BYTES], aad: &[u8], buffer: &mut [u8]) -> Tag {
    // The cipher zeroizes its copy of the key when dropped.
    XChaCha20Poly1305::new(key.into())
        .encrypt_in_place_detached(XNonce::from_slice(nonce), aad, buffer)
        // The only failure is a plaintext over 256 GiB, which no caller can hold in memory.
        .expect("XChaCha20-Poly1305 plaintext within 256 GiB")
}

/// XChaCha20-Poly1305 decryption of `buffer` in place, checking `tag`.
fn open_in_place(
    key: &[u8; KEY_BYTES],
    nonce: &[u8; NONCE_BYTES],
    aad: &[u8],
    buffer: &mut [u8],
    tag: &[u8; TAG_BYTES],
) -> Result<(), VaultError> {
    XChaCha20Poly1305::new(key.into())
        .decrypt_in_place_detached(XNonce::from_slice(nonce), aad, buffer, Tag::from_slice(tag))
        .map_err(|_| VaultError::Decryption)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        hex::decode(s.split_whitespace().collect::<String>()).unwrap()
    }

    fn sequential<const N: usize>(start: u8) -> [u8; N] {
        std::array::from_fn(|i| start + i as u8)
    }

    /// draft-irtf-cfrg-xchacha-03, Appendix A.3.1 (AEAD_XChaCha20_Poly1305).
    #[test]
    fn xchacha20poly1305_known_answer() {
        let key = DataKey::from_bytes(sequential(0x80)); // 80 81 .. 9f
        let nonce: [u8; 24] = sequential(0x40); // 40 41 .. 57
        let aad = unhex("50515253c0c1c2c3c4c5c6c7");
        let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
        let ciphertext = unhex(
            "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb
             731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452
             2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9
             21f9664c97637da9768812f615c68b13b52e",
        );
        let tag = unhex("c0875924c1c7987947deafd8780acf49");

        let sealed = key.seal_with_nonce(&nonce, &aad, plaintext);
        assert_eq!(sealed[0], SEALED_FORMAT);
        assert_eq!(&sealed[1..25], &nonce);
        assert_eq!(&sealed[25..sealed.len() - 16], &ciphertext[..]);
        assert_eq!(&sealed[sealed.len() - 16..], &tag[..]);
        assert_eq!(&key.open(&aad, &sealed).unwrap()[..], &plaintext[..]);
    }

    #[test]
    fn seal_and_open_round_trip() {
        let key = DataKey::generate();
        for len in [0, 1, 100, 1024, 70_000] {
            let plaintext: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let sealed = key.seal(b"person:42:contacts", &plaintext);
            assert_eq!(sealed.len(), SEALED_OVERHEAD + len);
            assert_eq!(&key.open(b"person:42:contacts", &sealed).unwrap()[..], &plaintext[..]);
        }
        // Random nonces: sealing twice gives different bytes.
        assert_ne!(key.seal(b"a", b"same"), key.seal(b"a", b"same"));
    }

    #[test]
    fn open_refuses_wrong_aad_key_tampering_and_truncation() {
        let key = DataKey::generate();
        let sealed = key.seal(b"person:42:contacts", b"+7 701 000 0000");
        assert_eq!(key.open(b"person:43:contacts", &sealed).unwrap_err(), VaultError::Decryption);
        assert_eq!(key.open(b"person:42:address", &sealed).unwrap_err(), VaultError::Decryption);
        assert_eq!(DataKey::generate().open(b"person:42:contacts", &sealed).unwrap_err(), VaultError::Decryption);
        for i in 1..sealed.len() {
            let mut tampered = sealed.clone();
            tampered[i] ^= 0x01;
            assert_eq!(key.open(b"person:42:contacts", &tampered).unwrap_err(), VaultError::Decryption, "byte {i}");
        }
        let mut new_format = sealed.clone();
        new_format[0] = 2;
        assert_eq!(key.open(b"person:42:contacts", &new_format).unwrap_err().code(), "vault-unknown-format");
        // Cutting bytes off the end removes tag bytes: no longer authentic, or too short.
        assert_eq!(key.open(b"person:42:contacts", &sealed[..sealed.len() - 1]).unwrap_err(), VaultError::Decryption);
        for len in 0..SEALED_OVERHEAD {
            let e = key.open(b"person:42:contacts", &sealed[..len]).unwrap_err();
            assert_eq!(e, VaultError::Truncated { len, min: SEALED_OVERHEAD });
            assert_eq!(e.code(), "vault-truncated");
        }
    }

    #[test]
    fn wrap_and_unwrap_round_trip_through_bytes() {
        let master = MasterKey::parse(&MasterKey::generate_text()).unwrap();
        let data_key = DataKey::generate();
        let sealed = data_key.seal(b"person:7:contacts", b"secret");
        let wrapped = master.wrap_data_key(&data_key, b"person:7:data-key");
        let bytes = wrapped.to_bytes();
        assert_eq!(bytes.len(), WRAPPED_KEY_BYTES);
        assert_eq!((bytes[0], &bytes[1..3]), (WRAPPED_KEY_FORMAT, &[0u8, 1][..]));
        let restored = WrappedKey::from_bytes(&bytes).unwrap();
        assert_eq!(restored, wrapped);
        let unwrapped = master.unwrap_data_key(&restored, b"person:7:data-key").unwrap();
        assert_eq!(&unwrapped.open(b"person:7:contacts", &sealed).unwrap()[..], b"secret");
    }

    #[test]
    fn wrapping_is_deterministic_given_the_nonce() {
        let master = MasterKey::from_bytes(3, sequential(0)).unwrap();
        let data_key = DataKey::from_bytes(sequential(0x80));
        let a = master.wrap_data_key_with_nonce(&data_key, &sequential(0x40), b"person:1:data-key");
        let b = master.wrap_data_key_with_nonce(&data_key, &sequential(0x40), b"person:1:data-key");
        assert_eq!(a, b);
        assert_eq!(a.master_version(), 3);
        assert_ne!(a.encrypted_key, *data_key.key, "the key is stored encrypted");
    }

    #[test]
    fn unwrap_refuses_wrong_aad_key_version_and_tampering() {
        let master = MasterKey::from_bytes(1, sequential(0)).unwrap();
        let wrapped = master.wrap_data_key(&DataKey::generate(), b"person:7:data-key");
        assert_eq!(master.unwrap_data_key(&wrapped, b"person:8:data-key").unwrap_err(), VaultError::Decryption);
        let other = MasterKey::from_bytes(1, sequential(1)).unwrap();
        assert_eq!(other.unwrap_data_key(&wrapped, b"person:7:data-key").unwrap_err(), VaultError::Decryption);
        let newer = MasterKey::from_bytes(2, sequential(0)).unwrap();
        let e = newer.unwrap_data_key(&wrapped, b"person:7:data-key").unwrap_err();
        assert_eq!(e, VaultError::MasterKeyVersion { wrapped: 1, have: 2 });
        assert_eq!(e.code(), "vault-master-key-version");
        let bytes = wrapped.to_bytes();
        for i in 3..bytes.len() {
            let mut tampered = bytes;
            tampered[i] ^= 0x80;
            let tampered = WrappedKey::from_bytes(&tampered).unwrap();
            assert_eq!(master.unwrap_data_key(&tampered, b"person:7:data-key").unwrap_err(), VaultError::Decryption);
        }
        let e = WrappedKey::from_bytes(&bytes[..WRAPPED_KEY_BYTES - 1]).unwrap_err();
        assert_eq!(e, VaultError::WrappedKeyLength { len: WRAPPED_KEY_BYTES - 1, expected: WRAPPED_KEY_BYTES });
        assert_eq!(e.code(), "vault-wrapped-key-length");
        let mut future = bytes;
        future[0] = 9;
        assert_eq!(WrappedKey::from_bytes(&future).unwrap_err(), VaultError::UnknownFormat { format: 9 });
    }

    #[test]
    fn master_key_text() {
        let master = MasterKey::parse("# vault master key\nv2 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n").unwrap();
        assert_eq!(master.version(), 2);
        assert_eq!(master.to_text().as_str(), "v2 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
        let two =
            format!("{}{}", MasterKey::generate_text().as_str(), MasterKey::generate(2).unwrap().to_text().as_str());
        assert_eq!(MasterKey::parse(&two).unwrap_err(), KeyTextError::NotOneKey { found: 2 });
        assert_eq!(MasterKey::parse("").unwrap_err().code(), "key-text-empty");
        assert_eq!(MasterKey::generate(0).unwrap_err().code(), "key-version-zero");
        assert_eq!(format!("{master:?}"), "MasterKey { version: 2, key: \"<redacted>\" }");
    }
}
