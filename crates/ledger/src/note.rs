//! C2SP signed notes (c2sp.org/signed-note), Ed25519 only.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::LedgerError;

/// Signature type byte assigned to Ed25519 by the signed-note spec.
pub(crate) const ALG_ED25519: u8 = 0x01;
/// Bounds the work a hostile note can cause; checkpoints are a few hundred bytes.
pub const MAX_NOTE_BYTES: usize = 1 << 20;
/// The spec requires accepting at least 16; Go's implementation rejects > 100.
pub const MAX_SIGNATURES: usize = 100;
pub(crate) const SIG_PREFIX: &str = "\u{2014} ";

/// Key names end up on signature lines and inside `+`-separated key strings,
/// so spaces and `+` would make those ambiguous.
pub(crate) fn check_key_name(name: &str) -> Result<(), LedgerError> {
    let ok = !name.is_empty() && !name.contains('+') && !name.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(LedgerError::InvalidKeyName { name: crate::hash::truncate_for_message(name) })
    }
}

/// The key id of a signed note key: the first four bytes of SHA-256(name, newline, the
/// signature type byte, the public key). `alg` is 0x01 for note signatures and 0x04 for
/// cosignatures, so one public key has a different id in each role.
pub(crate) fn compute_key_id(name: &str, alg: u8, public: &[u8; 32]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([alg]);
    h.update(public);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// Parses the 8-hex-digit key id field of a key string.
pub(crate) fn parse_key_id(s: &str) -> Result<u32, LedgerError> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(LedgerError::InvalidKey { reason: format!("key id {s:?} is not 8 hex digits") });
    }
    u32::from_str_radix(s, 16)
        .map_err(|_| LedgerError::InvalidKey { reason: format!("key id {s:?} is not 8 hex digits") })
}

/// Decodes `base64(alg || 32 bytes)`, the key encoding shared by signer and
/// verifier key strings.
pub(crate) fn decode_ed25519_key(b64: &str, what: &str, alg: u8) -> Result<[u8; 32], LedgerError> {
    let raw = STANDARD
        .decode(b64.as_bytes())
        .map_err(|_| LedgerError::InvalidKey { reason: format!("{what} is not valid standard base64") })?;
    match raw.split_first() {
        Some((&found, rest)) if found == alg => rest.try_into().map_err(|_| LedgerError::InvalidKey {
            reason: format!("{what} is {} bytes; an Ed25519 key is 32 bytes", rest.len()),
        }),
        Some((found, _)) => Err(LedgerError::InvalidKey {
            reason: format!("{what} has algorithm byte {found:#04x}; this key must be {alg:#04x}"),
        }),
        None => Err(LedgerError::InvalidKey { reason: format!("{what} is empty") }),
    }
}

/// Splits a signer key string, `PRIVATE+KEY+<name>+<key id>+<base64(alg || seed)>` (the format
/// of golang.org/x/mod/sumdb/note; `alg` 0x01 for notes, 0x04 for cosignatures): the name, the
/// key id it states, and the seed. `what` names the key in errors.
pub(crate) fn split_skey<'a>(skey: &'a str, alg: u8, what: &str) -> Result<(&'a str, u32, [u8; 32]), LedgerError> {
    let mut parts = skey.splitn(5, '+');
    let (Some("PRIVATE"), Some("KEY"), Some(name), Some(id), Some(key)) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(LedgerError::InvalidKey {
            reason: format!("{what} must look like PRIVATE+KEY+<name>+<8 hex key id>+<base64 key>"),
        });
    };
    check_key_name(name)?;
    let stated = parse_key_id(id)?;
    Ok((name, stated, decode_ed25519_key(key, &format!("{what} (private)"), alg)?))
}

/// Parses a verifier key string, `<name>+<key id>+<base64(alg || public key)>`, and checks
/// that the stated id is the key's: the name, the id and the key.
pub(crate) fn split_vkey(vkey: &str, alg: u8, what: &str) -> Result<(String, u32, VerifyingKey), LedgerError> {
    let mut parts = vkey.splitn(3, '+');
    let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(LedgerError::InvalidKey {
            reason: format!("{what} must look like <name>+<8 hex key id>+<base64 key>"),
        });
    };
    check_key_name(name)?;
    let stated = parse_key_id(id)?;
    let public = decode_ed25519_key(key, what, alg)?;
    check_stated_id(name, stated, compute_key_id(name, alg, &public))?;
    let key = VerifyingKey::from_bytes(&public)
        .map_err(|_| LedgerError::InvalidKey { reason: format!("{what} is not a valid Ed25519 point") })?;
    Ok((name.to_string(), stated, key))
}

/// Refuses a key string whose stated key id is not the one its key hashes to.
pub(crate) fn check_stated_id(name: &str, stated: u32, computed: u32) -> Result<(), LedgerError> {
    if stated == computed {
        Ok(())
    } else {
        Err(LedgerError::KeyIdMismatch { name: name.to_string(), stated, computed })
    }
}

pub(crate) fn encode_ed25519_key(alg: u8, key: &[u8; 32]) -> String {
    let mut raw = Vec::with_capacity(33);
    raw.push(alg);
    raw.extend_from_slice(key);
    STANDARD.encode(raw)
}

/// Note text must be what the signature lines can be unambiguously appended
/// to: newline-terminated, no control characters other than newline.
pub(crate) fn check_text(text: &str) -> Result<(), LedgerError> {
    if !text.ends_with('\n') {
        return Err(LedgerError::MalformedNote { reason: "text must end with a newline".into() });
    }
    if let Some(c) = text.chars().find(|&c| c < ' ' && c != '\n') {
        return Err(LedgerError::MalformedNote { reason: format!("text contains control character {c:?}") });
    }
    if text.len() > MAX_NOTE_BYTES {
        return Err(LedgerError::MalformedNote { reason: format!("note is larger than {MAX_NOTE_BYTES} bytes") });
    }
    Ok(())
}

/// An Ed25519 note signing key with its key name.
pub struct NoteSigner {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl NoteSigner {
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<NoteSigner, LedgerError> {
        check_key_name(name)?;
        let key = SigningKey::from_bytes(&seed);
        let key_id = compute_key_id(name, ALG_ED25519, key.verifying_key().as_bytes());
        Ok(NoteSigner { name: name.to_string(), key_id, key })
    }

    /// Parses `PRIVATE+KEY+<name>+<keyid>+<base64(0x01||seed)>`, the format of
    /// golang.org/x/mod/sumdb/note, and checks the key id against the key.
    pub fn from_skey(skey: &str) -> Result<NoteSigner, LedgerError> {
        let (name, stated, seed) = split_skey(skey, ALG_ED25519, "signer key")?;
        let signer = NoteSigner::from_seed(name, seed)?;
        check_stated_id(name, stated, signer.key_id)?;
        Ok(signer)
    }

    pub fn to_skey(&self) -> String {
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.key_id,
            encode_ed25519_key(ALG_ED25519, self.key.as_bytes())
        )
    }

    /// The public verifier key string, `<name>+<keyid>+<base64(0x01||pubkey)>`.
    pub fn vkey(&self) -> String {
        format!(
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            encode_ed25519_key(ALG_ED25519, self.key.verifying_key().as_bytes())
        )
    }

    pub fn verifier(&self) -> NoteVerifier {
        NoteVerifier { name: self.name.clone(), key_id: self.key_id, key: self.key.verifying_key() }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// Signs `text` and returns the complete signed note.
    pub fn sign(&self, text: &str) -> Result<String, LedgerError> {
        check_text(text)?;
        let sig = self.key.sign(text.as_bytes());
        let mut blob = Vec::with_capacity(68);
        blob.extend_from_slice(&self.key_id.to_be_bytes());
        blob.extend_from_slice(&sig.to_bytes());
        Ok(format!("{text}\n{SIG_PREFIX}{} {}\n", self.name, STANDARD.encode(blob)))
    }
}

impl std::fmt::Debug for NoteSigner {
    // Never print the private key, even in debug logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoteSigner")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .finish_non_exhaustive()
    }
}

/// An Ed25519 note verifier key with its key name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteVerifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl NoteVerifier {
    pub fn from_vkey(vkey: &str) -> Result<NoteVerifier, LedgerError> {
        let (name, key_id, key) = split_vkey(vkey, ALG_ED25519, "verifier key")?;
        Ok(NoteVerifier { name, key_id, key })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    pub fn vkey(&self) -> String {
        format!("{}+{:08x}+{}", self.name, self.key_id, encode_ed25519_key(ALG_ED25519, self.key.as_bytes()))
    }
}

/// One signature line of a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature {
    pub name: String,
    pub key_id: u32,
    /// The signature bytes after the 4-byte key id.
    pub signature: Vec<u8>,
}

/// A parsed, not yet verified, signed note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The signed text, including its final newline.
    pub text: String,
    pub signatures: Vec<NoteSignature>,
}

impl Note {
    /// Parses a signed note. Structure only: nothing here is trustworthy until
    /// [`Note::verify`] succeeds.
    pub fn parse(note: &str) -> Result<Note, LedgerError> {
        let bad = |reason: &str| LedgerError::MalformedNote { reason: reason.to_string() };
        if note.len() > MAX_NOTE_BYTES {
            return Err(bad("note is larger than 1 MiB"));
        }
        if let Some(c) = note.chars().find(|&c| c < ' ' && c != '\n') {
            return Err(LedgerError::MalformedNote { reason: format!("note contains control character {c:?}") });
        }
        if !note.ends_with('\n') {
            return Err(bad("note must end with a newline"));
        }
        // The spec separates text from signatures at the *last* blank line,
        // so the text itself may contain blank lines.
        let split = note.rfind("\n\n").ok_or_else(|| bad("no blank line separating text from signatures"))?;
        let text = &note[..split + 1];
        let sig_block = &note[split + 2..];
        if sig_block.is_empty() {
            return Err(bad("note has no signature lines"));
        }
        let lines: Vec<&str> = sig_block[..sig_block.len() - 1].split('\n').collect();
        if lines.len() > MAX_SIGNATURES {
            return Err(bad("note has more than 100 signatures"));
        }
        let mut signatures = Vec::with_capacity(lines.len());
        for line in lines {
            let rest = line
                .strip_prefix(SIG_PREFIX)
                .ok_or_else(|| bad("signature line does not start with an em dash and a space"))?;
            let (name, b64) = rest
                .split_once(' ')
                .ok_or_else(|| bad("signature line has no space between key name and signature"))?;
            check_key_name(name).map_err(|_| bad("signature line has an invalid key name"))?;
            let blob = STANDARD.decode(b64.as_bytes()).map_err(|_| bad("signature is not valid standard base64"))?;
            if blob.len() < 5 {
                return Err(bad("signature is shorter than a key id plus one byte"));
            }
            let key_id = u32::from_be_bytes([blob[0], blob[1], blob[2], blob[3]]);
            signatures.push(NoteSignature { name: name.to_string(), key_id, signature: blob[4..].to_vec() });
        }
        Ok(Note { text: text.to_string(), signatures })
    }

    /// Ok(()) if at least one signature line is by `verifier` (name and key
    /// id) and verifies; an error if none matches or a matching one fails.
    /// Lines from other keys are ignored, as the spec requires, so witnesses
    /// can add cosignatures.
    pub fn verify(&self, verifier: &NoteVerifier) -> Result<(), LedgerError> {
        let mut verified = false;
        for s in &self.signatures {
            if s.name != verifier.name || s.key_id != verifier.key_id {
                continue;
            }
            let invalid = || LedgerError::InvalidSignature { name: verifier.name.clone(), key_id: verifier.key_id };
            let sig = ed25519_dalek::Signature::from_slice(&s.signature).map_err(|_| invalid())?;
            // verify_strict rejects malleable signatures and weak keys, so a
            // note has one valid signature per key, not several.
            verifier.key.verify_strict(self.text.as_bytes(), &sig).map_err(|_| invalid())?;
            verified = true;
        }
        if verified {
            Ok(())
        } else {
            Err(LedgerError::NoMatchingSignature { name: verifier.name.clone(), key_id: verifier.key_id })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Vectors from golang/mod sumdb/note/note_test.go (TestNewVerifier,
    // TestNewSigner, TestSign, TestOpen).
    const PETER_SKEY: &str = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
    const TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                        then you don't know what your problem is.\n";
    const PETER_SIG: &str = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    const ENOCH_SIG: &str = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

    #[test]
    fn go_sign_vector() {
        let signer = NoteSigner::from_skey(PETER_SKEY).unwrap();
        assert_eq!(signer.name(), "PeterNeumann");
        assert_eq!(signer.key_id(), 0xc74f20a3);
        assert_eq!(signer.vkey(), PETER_VKEY);
        assert_eq!(signer.to_skey(), PETER_SKEY);
        let signed = signer.sign(TEXT).unwrap();
        assert_eq!(signed, format!("{TEXT}\n{PETER_SIG}"));
        assert!(signer.sign("abc").is_err());
        assert!(signer.sign("a\u{1}b\n").is_err());
    }

    #[test]
    fn go_open_vectors() {
        let peter = NoteVerifier::from_vkey(PETER_VKEY).unwrap();
        let enoch = NoteVerifier::from_vkey(ENOCH_VKEY).unwrap();
        assert_eq!(peter.vkey(), PETER_VKEY);
        assert_eq!(enoch.key_id(), 0xaf0cfe78);
        let n = Note::parse(&format!("{TEXT}\n{PETER_SIG}{ENOCH_SIG}")).unwrap();
        assert_eq!(n.text, TEXT);
        assert_eq!(n.signatures.len(), 2);
        assert_eq!(n.signatures[0].key_id, 0xc74f20a3);
        assert_eq!(n.signatures[1].name, "EnochRoot");
        assert_eq!(n.verify(&peter), Ok(()));
        assert_eq!(n.verify(&enoch), Ok(()));

        // Only unknown keys signed.
        let n = Note::parse(&format!("{TEXT}\n{ENOCH_SIG}")).unwrap();
        assert!(matches!(n.verify(&peter), Err(LedgerError::NoMatchingSignature { .. })));

        // Too many signatures.
        assert!(Note::parse(&format!("{TEXT}\n{}", PETER_SIG.repeat(101))).is_err());
        assert!(Note::parse(&format!("{TEXT}\n{}", PETER_SIG.repeat(100))).is_ok());

        // A corrupted signature from the known key.
        let corrupt = format!("{TEXT}\n{}ABCD{}", &PETER_SIG[..60], &PETER_SIG[60..]);
        let n = Note::parse(&corrupt).unwrap();
        assert!(matches!(n.verify(&peter), Err(LedgerError::InvalidSignature { .. })));

        // Malformed encodings (TestOpen badMsgs; the two non-UTF-8 ones are
        // unrepresentable as &str and covered by the fuzz target instead).
        for msg in [
            TEXT.to_string(),
            format!("{TEXT}\n"),
            format!("{TEXT}\n{}", &PETER_SIG[..PETER_SIG.len() - 1]),
            format!("\u{1}{TEXT}\n{PETER_SIG}"),
            format!("{TEXT}\n\u{2014} Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="),
            format!("{TEXT}\n{PETER_SIG}Unexpected line.\n"),
        ] {
            assert!(Note::parse(&msg).is_err(), "accepted {msg:?}");
        }

        // Wrong name with right id, and right name with wrong id, are unknown keys.
        let misnamed = PETER_SIG.replace("PeterNeumann", "CarmenSandiego");
        let n = Note::parse(&format!("{TEXT}\n{misnamed}")).unwrap();
        assert!(matches!(n.verify(&peter), Err(LedgerError::NoMatchingSignature { .. })));
        let wrong_id = PETER_SIG.replace("x08g", "xxxx");
        let n = Note::parse(&format!("{TEXT}\n{wrong_id}")).unwrap();
        assert!(matches!(n.verify(&peter), Err(LedgerError::NoMatchingSignature { .. })));
    }

    // TestNewVerifier / TestNewSigner: every proper substring and every
    // single-byte increment of the key strings must be rejected.
    #[test]
    fn go_key_manglings_rejected() {
        for key in [PETER_VKEY, PETER_SKEY] {
            let parse = |k: &str| {
                if key == PETER_VKEY {
                    NoteVerifier::from_vkey(k).map(|_| ())
                } else {
                    NoteSigner::from_skey(k).map(|_| ())
                }
            };
            assert!(parse(key).is_ok());
            let b = key.as_bytes();
            for i in 0..=b.len() {
                for j in i + 1..=b.len() {
                    if i == 0 && j == b.len() {
                        continue;
                    }
                    let s = std::str::from_utf8(&b[i..j]).unwrap();
                    assert!(parse(s).is_err(), "accepted {s:?}");
                }
            }
            for i in 0..b.len() {
                let mut m = b.to_vec();
                m[i] += 1;
                if let Ok(s) = std::str::from_utf8(&m) {
                    assert!(parse(s).is_err(), "accepted {s:?}");
                }
            }
        }
        // Wrong key length and unknown algorithm, each with an adjusted key id.
        assert!(NoteVerifier::from_vkey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
            .is_err());
        assert!(NoteVerifier::from_vkey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").is_err());
    }

    // The signed-note spec's own example (C2SP/C2SP signed-note.md): text
    // with an internal blank line, split at the last blank line.
    #[test]
    fn spec_example_structure() {
        let note = "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n\u{2014} quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";
        let n = Note::parse(note).unwrap();
        assert_eq!(
            n.text,
            "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n"
        );
        assert_eq!(n.signatures[0].name, "quasimodo.example/salvatore");
        assert_eq!(n.signatures[0].signature.len(), 64);
    }

    #[test]
    fn key_names_validated() {
        for name in ["", "a+b", "a b", "a\u{a0}b", "a\tb", "a\u{3000}b", "a\u{1}b"] {
            assert!(NoteSigner::from_seed(name, [1; 32]).is_err(), "{name:?}");
        }
        let s = NoteSigner::from_seed("example.com/log", [7; 32]).unwrap();
        let v = NoteVerifier::from_vkey(&s.vkey()).unwrap();
        assert_eq!(v, s.verifier());
        assert_eq!(NoteSigner::from_skey(&s.to_skey()).unwrap().vkey(), s.vkey());
        assert!(!format!("{s:?}").contains(&s.to_skey()[40..]));
    }

    proptest! {
        #[test]
        fn sign_parse_verify(text in "[^\\x00-\\x1f]{0,40}(\n[^\\x00-\\x1f]{0,40}){0,4}\n") {
            let s = NoteSigner::from_seed("k", [9; 32]).unwrap();
            let signed = s.sign(&text).unwrap();
            let n = Note::parse(&signed).unwrap();
            prop_assert_eq!(&n.text, &text);
            prop_assert_eq!(n.verify(&s.verifier()), Ok(()));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,300}") {
            let _ = Note::parse(&s);
            let _ = NoteVerifier::from_vkey(&s);
            let _ = NoteSigner::from_skey(&s);
        }

        #[test]
        fn parse_note_like(text in "[a-z\n]{0,20}", sigs in proptest::collection::vec("\u{2014} [a-z+ ]{0,6} [A-Za-z0-9+/=]{0,100}", 0..4)) {
            let msg = format!("{text}\n\n{}\n", sigs.join("\n"));
            let _ = Note::parse(&msg);
        }
    }
}
