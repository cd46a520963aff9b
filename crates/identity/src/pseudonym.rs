//! Keyed pseudonyms: HMAC-SHA-256 of a national identifier under a secret, versioned key.
//!
//! Without the key nobody can compute a person's pseudonym from their IIN, or test guesses
//! (there are only about 10^8 valid IINs per century, so an unkeyed hash would be reversed in
//! minutes). The context separates uses: a person's pseudonym in one petition cannot be linked
//! to the same person's pseudonym in another. The exact bytes are in `SPEC.md`.

use crate::iin::Iin;
use crate::key_text::{self, KeyTextError, KEY_BYTES};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;
use zeroize::Zeroizing;

/// The public form, `ps<version>-<64 lowercase hex>`; parses with `FromStr` and serializes as
/// a string. It lives in `dauys-core` because events carry it.
pub use dauys_core::Pseudonym;

/// Domain-separation prefix of every pseudonym derivation (see `SPEC.md`).
const DERIVATION_DOMAIN: &[u8] = b"dauys/pseudonym/v1";
const LOOKUP_DOMAIN: &[u8] = b"dauys/lookup/v1";
const OPENING_DOMAIN: &[u8] = b"dauys/data-opening/v1";

/// The public commitment to the subject of an opening of personal data:
/// `SHA-256("dauys/data-opening/v1" || 0x00 || P || 0x00 || nonce)`, where `P` is the subject's
/// pseudonym in the [`PseudonymContext::DataAccess`] context (its text form) and `nonce` 32
/// random bytes kept, sealed, for the subject. See `dauys-core`'s SPEC §3.1.
pub fn opening_commitment(data_access_pseudonym: &Pseudonym, nonce: &[u8; 32]) -> [u8; 32] {
    use sha2::Digest;
    let mut hash = Sha256::new();
    for part in [OPENING_DOMAIN, &[0], data_access_pseudonym.as_str().as_bytes(), &[0], nonce] {
        hash.update(part);
    }
    hash.finalize().into()
}

/// What a pseudonym is for. Each context gives an unrelated pseudonym for the same person.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PseudonymContext {
    /// The one pseudonym of a person in the deployment: verification, roles, erasure.
    Person,
    /// A person's pseudonym inside one petition, so signatures cannot be linked across
    /// petitions. Holds the petition's id.
    Petition(String),
    /// A person's pseudonym as the applicant of one case: an appeal and the complaints about
    /// it share it, so the rules can tell the complaint comes from the applicant, and cases
    /// cannot be linked to each other. Holds the id of the case's first appeal.
    Appeal(String),
    /// The subject of an opening of personal data (the input of the public commitment).
    DataAccess,
}

impl PseudonymContext {
    /// The stable label hashed into the derivation.
    pub fn label(&self) -> &'static str {
        match self {
            PseudonymContext::Person => "person",
            PseudonymContext::Petition(_) => "petition",
            PseudonymContext::Appeal(_) => "appeal",
            PseudonymContext::DataAccess => "data-access",
        }
    }

    /// The context's id, empty for the deployment-wide contexts.
    pub fn id(&self) -> &str {
        match self {
            PseudonymContext::Petition(id) | PseudonymContext::Appeal(id) => id,
            PseudonymContext::Person | PseudonymContext::DataAccess => "",
        }
    }
}

/// One version of the deployment's secret pseudonym key.
pub struct PseudonymKey {
    version: u16,
    secret: Zeroizing<[u8; KEY_BYTES]>,
}

impl PseudonymKey {
    /// A key from its bytes; version 0 is refused (pseudonyms number versions from 1).
    pub fn from_bytes(version: u16, secret: [u8; KEY_BYTES]) -> Result<PseudonymKey, KeyTextError> {
        if version == 0 {
            return Err(KeyTextError::VersionZero);
        }
        Ok(PseudonymKey { version, secret: Zeroizing::new(secret) })
    }

    pub fn version(&self) -> u16 {
        self.version
    }

    /// The pseudonym of `iin` in `context` under this key.
    pub fn derive(&self, iin: &Iin, context: &PseudonymContext) -> Pseudonym {
        let digest = hmac_sha256(
            &self.secret[..],
            &[
                DERIVATION_DOMAIN,
                &[0],
                context.label().as_bytes(),
                &[0],
                context.id().as_bytes(),
                &[0],
                iin.expose_digits().as_bytes(),
            ],
        );
        // Version 0 is refused at construction, the only case `from_digest` rejects.
        Pseudonym::from_digest(self.version, &digest).expect("pseudonym key versions start at 1")
    }
}

impl PseudonymKey {
    /// A keyed hash for finding a record by a secret value (an e-mail address, an IIN in an
    /// imported registry) without storing the value: `HMAC(key, "dauys/lookup/v1" || 0x00 ||
    /// label || 0x00 || value)`. Not a pseudonym: never published.
    pub fn lookup(&self, label: &str, value: &str) -> [u8; 32] {
        hmac_sha256(&self.secret[..], &[LOOKUP_DOMAIN, &[0], label.as_bytes(), &[0], value.as_bytes()])
    }
}

impl fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PseudonymKey").field("version", &self.version).field("secret", &"<redacted>").finish()
    }
}

/// The current pseudonym key and every older version still needed to find records made
/// before a rotation.
///
/// Text form (a file the operator keeps outside the database): one key per line,
/// `v<version> <standard base64 of 32 bytes>`, blank lines and `#` comments allowed. The
/// highest version is current.
#[derive(Debug)]
pub struct PseudonymKeyRing {
    /// Newest first, never empty, versions distinct.
    keys: Vec<PseudonymKey>,
}

impl PseudonymKeyRing {
    /// A ring of the given keys; at least one, with distinct versions.
    pub fn new(mut keys: Vec<PseudonymKey>) -> Result<PseudonymKeyRing, KeyTextError> {
        if keys.is_empty() {
            return Err(KeyTextError::Empty);
        }
        keys.sort_by_key(|key| std::cmp::Reverse(key.version));
        if let Some(pair) = keys.windows(2).find(|pair| pair[0].version == pair[1].version) {
            return Err(KeyTextError::DuplicateVersion { version: pair[0].version });
        }
        Ok(PseudonymKeyRing { keys })
    }

    /// Parses the text form.
    pub fn parse(text: &str) -> Result<PseudonymKeyRing, KeyTextError> {
        let keys = key_text::parse_key_lines(text)?
            .into_iter()
            .map(|line| PseudonymKey { version: line.version, secret: line.secret })
            .collect();
        PseudonymKeyRing::new(keys)
    }

    /// A new ring with one random key, version 1.
    pub fn generate() -> PseudonymKeyRing {
        PseudonymKeyRing { keys: vec![PseudonymKey { version: 1, secret: key_text::random_key() }] }
    }

    /// The text of a new ring with one random key: the content of a fresh key file.
    pub fn generate_text() -> Zeroizing<String> {
        PseudonymKeyRing::generate().to_text()
    }

    /// This ring plus a new random key one version above the current, which becomes current.
    /// The old keys stay, so records made under them can still be found (see `SPEC.md`).
    pub fn rotated(&self) -> Result<PseudonymKeyRing, KeyTextError> {
        let version = self.current().version.checked_add(1).ok_or(KeyTextError::VersionsExhausted)?;
        let mut keys = vec![PseudonymKey { version, secret: key_text::random_key() }];
        keys.extend(self.keys.iter().map(|k| PseudonymKey { version: k.version, secret: k.secret.clone() }));
        Ok(PseudonymKeyRing { keys })
    }

    /// The text form, oldest key first.
    pub fn to_text(&self) -> Zeroizing<String> {
        key_text::format_key_lines(self.keys.iter().rev().map(|key| (key.version, &*key.secret)))
    }

    /// The key new pseudonyms are made with: the highest version.
    pub fn current(&self) -> &PseudonymKey {
        &self.keys[0]
    }

    /// The key of `version`, if the ring still holds it.
    pub fn get(&self, version: u16) -> Option<&PseudonymKey> {
        self.keys.iter().find(|k| k.version == version)
    }

    /// Every version in the ring, newest first.
    pub fn versions(&self) -> impl Iterator<Item = u16> + '_ {
        self.keys.iter().map(|k| k.version)
    }

    /// The pseudonym of `iin` in `context` under the current key.
    pub fn derive(&self, iin: &Iin, context: &PseudonymContext) -> Pseudonym {
        self.current().derive(iin, context)
    }

    /// [`PseudonymKey::lookup`] under the ring's oldest key. Lookup hashes stay in the private
    /// database and are never published, so they need no rotation; keeping them on one key
    /// means a rotation never strands an account or a registry record.
    pub fn lookup(&self, label: &str, value: &str) -> [u8; 32] {
        self.oldest().lookup(label, value)
    }

    /// The lowest version, which rotation never removes.
    pub fn oldest(&self) -> &PseudonymKey {
        // The ring is never empty (checked at construction).
        &self.keys[self.keys.len() - 1]
    }

    /// The pseudonym under every key version, newest first: to find a person's records made
    /// before a rotation.
    pub fn derive_all(&self, iin: &Iin, context: &PseudonymContext) -> Vec<Pseudonym> {
        self.keys.iter().map(|key| key.derive(iin, context)).collect()
    }
}

/// HMAC-SHA-256 of the concatenation of `parts` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length; `new_from_slice` only fails for fixed-size MACs.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Expected values computed independently with Python's `hashlib` and `hmac`.
    #[test]
    fn lookup_and_commitment_known_answers() {
        let key = PseudonymKey::from_bytes(1, core::array::from_fn(|i| i as u8)).unwrap();
        assert_eq!(
            hex::encode(key.lookup("email", "aigerim@example.kz")),
            "f3dae3d6d57cc3b7135c151a313f61a8f6120ad6655426f20c220ea3717b4fce"
        );
        let p: Pseudonym = format!("ps1-{}", "ab".repeat(32)).parse().unwrap();
        assert_eq!(
            hex::encode(opening_commitment(&p, &[7; 32])),
            "60aa9e1035b8e96aacc7515ed2b55525a62de708f24f90a2a03fc7e7862acc97"
        );
    }

    fn unhex(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    fn sequential_key(version: u16) -> PseudonymKey {
        PseudonymKey::from_bytes(version, std::array::from_fn(|i| i as u8)).unwrap()
    }

    #[test]
    fn hmac_matches_rfc4231() {
        // RFC 4231 test case 1: 20-byte key.
        assert_eq!(
            hmac_sha256(&[0x0b; 20], &[b"Hi There"]).to_vec(),
            unhex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        );
        // Test case 2: a key shorter than the output, data given in pieces as `derive` does.
        assert_eq!(
            hmac_sha256(b"Jefe", &[b"what do ya want ", b"", b"for nothing?"]).to_vec(),
            unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        );
        // Test case 6: a key longer than SHA-256's block, hashed first.
        assert_eq!(
            hmac_sha256(&[0xaa; 131], &[b"Test Using Larger Than Block-Size Key - Hash Key First"]).to_vec(),
            unhex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        );
    }

    /// The worked example of `SPEC.md` §2.4; also checked there with `openssl`.
    #[test]
    fn spec_worked_example() {
        let ring = PseudonymKeyRing::parse("v1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n").unwrap();
        let iin = Iin::parse("900515301234").unwrap();
        let person = ring.derive(&iin, &PseudonymContext::Person);
        assert_eq!(person.as_str(), "ps1-c4b675a147870bb75e0549d598bd9b0f3cdbd5a85ff54e7ca5109877fc65fc48");
        let petition = ring.derive(&iin, &PseudonymContext::Petition("p-2026-0001".into()));
        assert_eq!(petition.as_str(), "ps1-9622067eb6f3d5662e00a4c1f209c87cc397bcd12b49c67d0f59af8ccf6e9f58");
        let access = ring.derive(&iin, &PseudonymContext::DataAccess);
        assert_eq!(access.as_str(), "ps1-0f5460497c47e8aff771086786858ce7f49cea64dee39f8f75bf515a6f86d804");
    }

    #[test]
    fn text_form_parses_back_and_serializes_as_string() {
        let iin = Iin::parse("851223400454").unwrap();
        let p = sequential_key(3).derive(&iin, &PseudonymContext::Person);
        assert!(p.as_str().starts_with("ps3-"));
        assert_eq!(p.as_str().len(), 4 + 64);
        assert_eq!(p.as_str().parse::<Pseudonym>().unwrap(), p);
        assert_eq!(p.version(), 3);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, format!("\"{}\"", p.as_str()));
        assert_eq!(serde_json::from_str::<Pseudonym>(&json).unwrap(), p);
    }

    #[test]
    fn ring_uses_highest_version_and_derives_under_all() {
        let old = [1u8; 32];
        let new = [2u8; 32];
        let ring = PseudonymKeyRing::new(vec![
            PseudonymKey::from_bytes(1, old).unwrap(),
            PseudonymKey::from_bytes(2, new).unwrap(),
        ])
        .unwrap();
        assert_eq!(ring.current().version(), 2);
        assert_eq!(ring.versions().collect::<Vec<_>>(), [2, 1]);
        let iin = Iin::parse("780312400402").unwrap();
        let all = ring.derive_all(&iin, &PseudonymContext::Person);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0], ring.derive(&iin, &PseudonymContext::Person));
        assert_eq!(all[1], PseudonymKey::from_bytes(1, old).unwrap().derive(&iin, &PseudonymContext::Person));
        assert_eq!((all[0].version(), all[1].version()), (2, 1));
        assert!(ring.get(1).is_some() && ring.get(3).is_none());
    }

    #[test]
    fn ring_text_round_trips_and_rotation_keeps_old_keys() {
        let ring = PseudonymKeyRing::parse(&PseudonymKeyRing::generate_text()).unwrap();
        assert_eq!(ring.versions().collect::<Vec<_>>(), [1]);
        let rotated = ring.rotated().unwrap();
        let reparsed = PseudonymKeyRing::parse(&rotated.to_text()).unwrap();
        assert_eq!(reparsed.versions().collect::<Vec<_>>(), [2, 1]);
        let iin = Iin::parse("051130600905").unwrap();
        let ctx = PseudonymContext::Person;
        assert_eq!(reparsed.get(1).unwrap().derive(&iin, &ctx), ring.derive(&iin, &ctx));
        assert_eq!(reparsed.derive(&iin, &ctx), rotated.derive(&iin, &ctx));
        assert_ne!(reparsed.derive(&iin, &ctx), ring.derive(&iin, &ctx));
        let last = PseudonymKeyRing::new(vec![sequential_key(u16::MAX)]).unwrap();
        assert_eq!(last.rotated().unwrap_err().code(), "key-versions-exhausted");
    }

    #[test]
    fn ring_refuses_bad_sets_of_keys() {
        assert_eq!(PseudonymKeyRing::new(vec![]).unwrap_err(), KeyTextError::Empty);
        let dup = PseudonymKeyRing::new(vec![sequential_key(4), sequential_key(4)]).unwrap_err();
        assert_eq!(dup, KeyTextError::DuplicateVersion { version: 4 });
        assert_eq!(PseudonymKey::from_bytes(0, [0; 32]).unwrap_err().code(), "key-version-zero");
    }

    #[test]
    fn debug_hides_the_secret() {
        let ring = PseudonymKeyRing::new(vec![PseudonymKey::from_bytes(1, [0xab; 32]).unwrap()]).unwrap();
        let shown = format!("{ring:?}");
        assert!(shown.contains("<redacted>") && !shown.contains("171"), "{shown}");
    }

    fn iin_strategy() -> impl Strategy<Value = Iin> {
        (0u32..100, 1u32..=12, 1u32..=28, 1u32..=6, 0u32..10_000).prop_filter_map(
            "prefix without a check digit",
            |(yy, mm, dd, c, serial)| {
                let prefix = format!("{yy:02}{mm:02}{dd:02}{c}{serial:04}");
                (0..=9).find_map(|last| Iin::parse(&format!("{prefix}{last}")).ok())
            },
        )
    }

    proptest! {
        #[test]
        fn contexts_separate_and_derivation_is_deterministic(
            iin in iin_strategy(),
            other in iin_strategy(),
            petition_a in "[a-z0-9-]{1,20}",
            petition_b in "[a-z0-9-]{1,20}",
            secret in any::<[u8; 32]>(),
        ) {
            let key = PseudonymKey::from_bytes(1, secret).unwrap();
            let contexts = [
                PseudonymContext::Person,
                PseudonymContext::DataAccess,
                PseudonymContext::Petition(petition_a.clone()),
                PseudonymContext::Petition(String::new()),
            ];
            let derived: Vec<_> = contexts.iter().map(|c| key.derive(&iin, c)).collect();
            for i in 0..derived.len() {
                for j in 0..i {
                    prop_assert_ne!(&derived[i], &derived[j]);
                }
            }
            // Same inputs, same pseudonym, including from a separately built key.
            let again = PseudonymKey::from_bytes(1, secret).unwrap();
            prop_assert_eq!(again.derive(&iin, &contexts[0]), derived[0].clone());
            let in_a = key.derive(&iin, &PseudonymContext::Petition(petition_a.clone()));
            let in_b = key.derive(&iin, &PseudonymContext::Petition(petition_b.clone()));
            prop_assert_eq!(in_a == in_b, petition_a == petition_b);
            let theirs = key.derive(&other, &PseudonymContext::Person);
            prop_assert_eq!(theirs == derived[0], iin == other);
        }
    }
}
