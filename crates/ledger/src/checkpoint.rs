//! C2SP tlog-checkpoint: the signed tree head body.

use crate::hash::Hash;
use crate::note::{Note, NoteSigner, NoteVerifier};
use crate::LedgerError;

/// A log checkpoint: origin, tree size, root hash, and optional extension lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    /// Opaque extra lines, each non-empty and without a newline.
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// The note text: `<origin>\n<size>\n<base64 root>\n` then each extension
    /// line followed by `\n`.
    pub fn to_text(&self) -> String {
        let mut s = format!("{}\n{}\n{}\n", self.origin, self.size, self.root.to_base64());
        for e in &self.extensions {
            s.push_str(e);
            s.push('\n');
        }
        s
    }

    /// Parses checkpoint note text (not a signed note; see [`Checkpoint::open`]).
    pub fn parse_text(text: &str) -> Result<Checkpoint, LedgerError> {
        let bad = |reason: &str| LedgerError::MalformedCheckpoint { reason: reason.to_string() };
        if text.len() > crate::note::MAX_NOTE_BYTES {
            return Err(bad("checkpoint is larger than 1 MiB"));
        }
        let body = text.strip_suffix('\n').ok_or_else(|| bad("text must end with a newline"))?;
        if text.chars().any(|c| c < ' ' && c != '\n') {
            return Err(bad("text contains a control character"));
        }
        let mut lines = body.split('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next()) else {
            return Err(bad("need at least three lines: origin, tree size, root hash"));
        };
        if origin.is_empty() {
            return Err(bad("origin line is empty"));
        }
        // Only canonical decimal, so that equal checkpoints have equal text.
        let size_ok =
            !size.is_empty() && size.bytes().all(|b| b.is_ascii_digit()) && (size == "0" || !size.starts_with('0'));
        let size: u64 = size
            .parse()
            .ok()
            .filter(|_| size_ok)
            .ok_or_else(|| bad("tree size must be a decimal integer without leading zeros"))?;
        let root = Hash::from_base64(root).map_err(|_| bad("root hash must be standard base64 of 32 bytes"))?;
        let extensions: Vec<String> = lines.map(str::to_string).collect();
        if extensions.iter().any(String::is_empty) {
            return Err(bad("extension lines must be non-empty"));
        }
        Ok(Checkpoint { origin: origin.to_string(), size, root, extensions })
    }

    /// Signs the checkpoint text, returning the signed note. Refuses
    /// checkpoints whose text would not parse back to the same value (empty
    /// origin, embedded newlines, empty extension lines) rather than sign
    /// something verifiers will reject or misread.
    pub fn sign(&self, signer: &NoteSigner) -> Result<String, LedgerError> {
        let text = self.to_text();
        if Checkpoint::parse_text(&text).as_ref() != Ok(self) {
            return Err(LedgerError::MalformedCheckpoint {
                reason: "origin or extensions contain newlines, control characters or empty lines".into(),
            });
        }
        signer.sign(&text)
    }

    /// Parses a signed checkpoint, verifies it with `verifier`, and checks that
    /// the origin equals the verifier's key name (the tlog-checkpoint
    /// convention), so a key cannot vouch for another log's tree.
    pub fn open(note: &str, verifier: &NoteVerifier) -> Result<Checkpoint, LedgerError> {
        let n = Note::parse(note)?;
        n.verify(verifier)?;
        let cp = Checkpoint::parse_text(&n.text)?;
        if cp.origin != verifier.name() {
            return Err(LedgerError::OriginMismatch { origin: cp.origin, key_name: verifier.name().to_string() });
        }
        Ok(cp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Example checkpoint from C2SP/C2SP tlog-checkpoint.md.
    const SPEC_EXAMPLE: &str = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\u{2014} example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";

    #[test]
    fn spec_example_parses() {
        let n = Note::parse(SPEC_EXAMPLE).unwrap();
        let cp = Checkpoint::parse_text(&n.text).unwrap();
        assert_eq!(cp.origin, "example.com/behind-the-sofa");
        assert_eq!(cp.size, 20852163);
        assert_eq!(cp.root.to_base64(), "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
        assert!(cp.extensions.is_empty());
        assert_eq!(cp.to_text(), n.text);
        assert_eq!(n.signatures[0].name, "example.com/behind-the-sofa");
    }

    #[test]
    fn sign_and_open() {
        let signer = NoteSigner::from_seed("example.com/log", [3; 32]).unwrap();
        let cp = Checkpoint {
            origin: "example.com/log".into(),
            size: 8,
            root: crate::hash::empty_root(),
            extensions: vec!["ext one".into()],
        };
        let signed = cp.sign(&signer).unwrap();
        assert_eq!(Checkpoint::open(&signed, &signer.verifier()), Ok(cp.clone()));

        let other = NoteSigner::from_seed("example.com/other", [3; 32]).unwrap();
        let cp2 = Checkpoint { origin: "example.com/log".into(), ..cp.clone() };
        let signed2 = cp2.sign(&other).unwrap();
        assert!(matches!(Checkpoint::open(&signed2, &other.verifier()), Err(LedgerError::OriginMismatch { .. })));
        assert!(Checkpoint::open(&signed2, &signer.verifier()).is_err());

        let tampered = signed.replacen("\n8\n", "\n9\n", 1);
        assert!(matches!(Checkpoint::open(&tampered, &signer.verifier()), Err(LedgerError::InvalidSignature { .. })));

        for bad in [
            Checkpoint { origin: String::new(), ..cp.clone() },
            Checkpoint { origin: "a\nb".into(), ..cp.clone() },
            Checkpoint { extensions: vec![String::new()], ..cp.clone() },
        ] {
            assert!(bad.sign(&signer).is_err());
        }
    }

    #[test]
    fn malformed_text_rejected() {
        let root = crate::hash::empty_root().to_base64();
        for t in [
            String::new(),
            "o\n1\n".to_string(),
            format!("o\n1\n{root}"),
            format!("\n1\n{root}\n"),
            format!("o\n01\n{root}\n"),
            format!("o\n+1\n{root}\n"),
            format!("o\n-1\n{root}\n"),
            format!("o\n\n{root}\n"),
            format!("o\n18446744073709551616\n{root}\n"),
            format!("o\n1\n{}\n", &root[..43]),
            "o\n1\nAAAA\n".to_string(),
            format!("o\n1\n{root}\n\n"),
            format!("o\n1\n{root}\next\n\n"),
            format!("o\t\n1\n{root}\n"),
        ] {
            assert!(Checkpoint::parse_text(&t).is_err(), "accepted {t:?}");
        }
        assert!(Checkpoint::parse_text(&format!("o\n0\n{root}\n")).is_ok());
        assert!(Checkpoint::parse_text(&format!("o\n18446744073709551615\n{root}\na\nb\n")).is_ok());
    }

    proptest! {
        #[test]
        fn parse_text_never_panics(s in "\\PC{0,200}") {
            if let Ok(cp) = Checkpoint::parse_text(&s) {
                prop_assert_eq!(cp.to_text(), s);
            }
        }

        #[test]
        fn parse_checkpoint_like(origin in "[a-z/]{0,5}", size in "[0-9+-]{0,4}", root in "[A-Za-z0-9+/=]{42,46}", ext in "(\n[a-z]{0,3}){0,2}") {
            let s = format!("{origin}\n{size}\n{root}{ext}\n");
            if let Ok(cp) = Checkpoint::parse_text(&s) {
                prop_assert_eq!(cp.to_text(), s);
            }
        }
    }
}
