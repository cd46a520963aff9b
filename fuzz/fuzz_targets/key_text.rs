#![no_main]
//! Secret and public key texts an operator gives the server or an auditor: the pseudonym key
//! ring and the vault's master key (`v<N> <base64>` lines, `dauys_identity`), and the log's
//! signed-note keys (`<name>+<key id>+<base64>` verifier keys, `PRIVATE+KEY+...` signer keys,
//! `dauys_ledger`).
//!
//! Properties: no parser panics; what parses survives a round trip through its own text form
//! (same versions and the same keys, shown by the lookups they compute); a verifier or signer
//! key prints back as given, up to the case of its hex key id.

use dauys_identity::iin::Iin;
use dauys_identity::pseudonym::{PseudonymContext, PseudonymKeyRing};
use dauys_identity::vault::MasterKey;
use dauys_ledger::{NoteSigner, NoteVerifier};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    if let Ok(ring) = PseudonymKeyRing::parse(text) {
        let again = PseudonymKeyRing::parse(&ring.to_text()).expect("a ring's own text parses");
        let versions: Vec<u16> = ring.versions().collect();
        assert_eq!(versions, again.versions().collect::<Vec<_>>());
        assert!(versions.windows(2).all(|w| w[0] > w[1]), "versions not newest first: {versions:?}");
        assert_eq!(ring.current().version(), versions[0]);
        for v in versions {
            let (a, b) = (ring.get(v).expect("listed version"), again.get(v).expect("listed version"));
            assert_eq!(a.lookup("fuzz", text), b.lookup("fuzz", text));
        }
        let iin = Iin::parse("900315401233").expect("a valid IIN");
        assert_eq!(ring.derive(&iin, &PseudonymContext::Person), again.derive(&iin, &PseudonymContext::Person));
    }

    if let Ok(master) = MasterKey::parse(text) {
        let own = master.to_text();
        let again = MasterKey::parse(&own).expect("a master key's own text parses");
        assert_eq!(again.version(), master.version());
        assert_eq!(*again.to_text(), *own);
    }

    if let Ok(verifier) = NoteVerifier::from_vkey(text) {
        assert_eq!(verifier.vkey(), lowercase_key_id(text, 1));
        assert_eq!(NoteVerifier::from_vkey(&verifier.vkey()).as_ref(), Ok(&verifier));
    }

    if let Ok(signer) = NoteSigner::from_skey(text) {
        assert_eq!(signer.to_skey(), lowercase_key_id(text, 3));
        let again = NoteSigner::from_skey(&signer.to_skey()).expect("a signer's own key parses");
        assert_eq!(again.vkey(), signer.vkey());
    }
});

/// `key` with its `+`-separated field number `field` (the hex key id) in lower case.
fn lowercase_key_id(key: &str, field: usize) -> String {
    key.split('+')
        .enumerate()
        .map(|(i, part)| if i == field { part.to_ascii_lowercase() } else { part.to_owned() })
        .collect::<Vec<_>>()
        .join("+")
}
