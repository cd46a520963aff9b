//! The text form of secret keys: one key per line, `v<version> <standard base64 of 32 bytes>`.
//!
//! Both the pseudonym key ring and the vault's master key use it, so an operator learns one
//! format, and a key file can carry comments (`#`) saying when and why a key was made.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::fmt::Write;
use zeroize::Zeroizing;

/// Bytes in every secret key.
pub const KEY_BYTES: usize = 32;

/// Why a key text was refused. Messages never repeat key material.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyTextError {
    #[error("no key found: the text needs a line `v1 <base64 of 32 bytes>`")]
    Empty,
    #[error("line {line} is not `v<version> <base64 of 32 bytes>`")]
    Syntax { line: usize },
    #[error("line {line}: a key version is 1 to 65535, written without leading zeros")]
    Version { line: usize },
    #[error("key version 0 is not allowed; versions start at 1")]
    VersionZero,
    #[error("line {line}: the key is not 32 bytes in standard base64 (44 characters ending in `=`)")]
    Bytes { line: usize },
    #[error("key version {version} appears twice")]
    DuplicateVersion { version: u16 },
    #[error("expected exactly one key line, found {found}")]
    NotOneKey { found: usize },
    #[error("key version 65535 is the last one; no newer version can be made")]
    VersionsExhausted,
}

impl KeyTextError {
    /// A stable code for logs and problem details.
    pub fn code(&self) -> &'static str {
        match self {
            KeyTextError::Empty => "key-text-empty",
            KeyTextError::Syntax { .. } => "key-text-syntax",
            KeyTextError::Version { .. } => "key-version",
            KeyTextError::VersionZero => "key-version-zero",
            KeyTextError::Bytes { .. } => "key-bytes",
            KeyTextError::DuplicateVersion { .. } => "key-version-duplicate",
            KeyTextError::NotOneKey { .. } => "key-not-one",
            KeyTextError::VersionsExhausted => "key-versions-exhausted",
        }
    }
}

/// One parsed key line.
pub(crate) struct KeyLine {
    pub(crate) version: u16,
    pub(crate) secret: Zeroizing<[u8; KEY_BYTES]>,
}

/// Every key line of `text`, in file order. Blank lines and lines starting with `#` are skipped;
/// duplicate versions are refused.
pub(crate) fn parse_key_lines(text: &str) -> Result<Vec<KeyLine>, KeyTextError> {
    let mut keys: Vec<KeyLine> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut fields = trimmed.split_ascii_whitespace();
        let (Some(version), Some(encoded), None) = (fields.next(), fields.next(), fields.next()) else {
            return Err(KeyTextError::Syntax { line });
        };
        let version = version.strip_prefix('v').ok_or(KeyTextError::Syntax { line })?;
        let version = parse_version(version).ok_or(KeyTextError::Version { line })?;
        let secret = decode_key(encoded).ok_or(KeyTextError::Bytes { line })?;
        if keys.iter().any(|k| k.version == version) {
            return Err(KeyTextError::DuplicateVersion { version });
        }
        keys.push(KeyLine { version, secret });
    }
    if keys.is_empty() {
        return Err(KeyTextError::Empty);
    }
    Ok(keys)
}

/// A canonical decimal 1..=65535: no sign, no leading zero, so each version has one spelling.
fn parse_version(s: &str) -> Option<u16> {
    if s.is_empty() || s.starts_with('0') || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn decode_key(encoded: &str) -> Option<Zeroizing<[u8; KEY_BYTES]>> {
    // Decoding straight into zeroized buffers leaves no stray copy of the key in freed memory.
    // The buffer has room to spare so over-long input is reported as a wrong length, not as an
    // overflow.
    let mut buffer = Zeroizing::new([0u8; KEY_BYTES + 3]);
    let len = STANDARD.decode_slice(encoded, &mut buffer[..]).ok()?;
    if len != KEY_BYTES {
        return None;
    }
    let mut secret = Zeroizing::new([0u8; KEY_BYTES]);
    secret.copy_from_slice(&buffer[..KEY_BYTES]);
    Some(secret)
}

/// The text form of `keys`, one `v<version> <base64>` line each, in the order given.
pub(crate) fn format_key_lines<'a>(
    keys: impl ExactSizeIterator<Item = (u16, &'a [u8; KEY_BYTES])>,
) -> Zeroizing<String> {
    // One allocation of the final size: a growing string would leave copies of earlier keys
    // in freed, unzeroized memory each time it moved.
    let mut out = Zeroizing::new(String::with_capacity(keys.len() * KEY_LINE_MAX_LEN));
    for (version, secret) in keys {
        // Writing to a String cannot fail.
        let _ = write!(&mut *out, "v{version} ");
        STANDARD.encode_string(secret, &mut out);
        out.push('\n');
    }
    out
}

/// `v65535 ` + 44 base64 characters + newline.
const KEY_LINE_MAX_LEN: usize = 7 + 44 + 1;

/// 32 bytes from the operating system's random number generator.
///
/// # Panics
/// If the operating system cannot supply randomness, which on a running Linux system does not
/// happen; continuing without it would create guessable keys.
pub(crate) fn random_key() -> Zeroizing<[u8; KEY_BYTES]> {
    let mut secret = Zeroizing::new([0u8; KEY_BYTES]);
    fill_random(&mut secret[..]);
    secret
}

/// Fills `buf` from the operating system's random number generator; panics as [`random_key`].
pub(crate) fn fill_random(buf: &mut [u8]) {
    if let Err(e) = getrandom::getrandom(buf) {
        panic!("the operating system's random number generator failed: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_A: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="; // bytes 0x00..=0x1f

    #[test]
    fn parses_lines_comments_and_blank_lines() {
        let text = format!("# made 2026-01-01\n\n  v1 {KEY_A}  \nv12\t{KEY_A}\n");
        let keys = parse_key_lines(&text).unwrap();
        assert_eq!(keys.iter().map(|k| k.version).collect::<Vec<_>>(), [1, 12]);
        assert_eq!(keys[0].secret[31], 0x1f);
    }

    #[test]
    fn round_trips_through_format() {
        let secret: [u8; 32] = std::array::from_fn(|i| i as u8);
        let out = format_key_lines([(7, &secret), (65535, &[0xff; 32])].into_iter());
        assert!(out.starts_with(&format!("v7 {KEY_A}\nv65535 ")));
        // Never grown, so no copy of a key was left behind in freed memory.
        assert_eq!(out.capacity(), 2 * KEY_LINE_MAX_LEN);
        let keys = parse_key_lines(&out).unwrap();
        assert_eq!((keys[0].version, *keys[0].secret), (7, secret));
        assert_eq!((keys[1].version, *keys[1].secret), (65535, [0xff; 32]));
    }

    #[test]
    fn refuses_every_malformed_line_with_its_code() {
        let short = &KEY_A[..40];
        let long = format!("{KEY_A}AAAA");
        let cases: Vec<(String, &str)> = vec![
            (String::new(), "key-text-empty"),
            ("# only a comment\n".into(), "key-text-empty"),
            (format!("1 {KEY_A}"), "key-text-syntax"),
            ("v1".into(), "key-text-syntax"),
            (format!("v1 {KEY_A} extra"), "key-text-syntax"),
            (format!("v0 {KEY_A}"), "key-version"),
            (format!("v01 {KEY_A}"), "key-version"),
            (format!("v65536 {KEY_A}"), "key-version"),
            (format!("v-1 {KEY_A}"), "key-version"),
            (format!("v1 {short}"), "key-bytes"),
            (format!("v1 {long}"), "key-bytes"),
            ("v1 not*base64".into(), "key-bytes"),
            (format!("v1 {KEY_A}\nv1 {KEY_A}"), "key-version-duplicate"),
        ];
        for (text, code) in cases {
            match parse_key_lines(&text) {
                Err(e) => assert_eq!(e.code(), code, "{text:?}: {e}"),
                Ok(_) => panic!("{text:?} parsed"),
            }
        }
    }

    #[test]
    fn errors_name_the_line_but_not_the_key() {
        let e = parse_key_lines(&format!("v1 {KEY_A}\nv2 {}", &KEY_A[..43])).err().unwrap();
        assert_eq!(e, KeyTextError::Bytes { line: 2 });
        assert!(!e.to_string().contains(&KEY_A[..10]));
    }
}
