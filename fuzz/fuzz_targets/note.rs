#![no_main]
//! Note and checkpoint parsers must never panic, and whatever they accept
//! must survive a round trip.

use dauys_ledger::{Checkpoint, Note, NoteVerifier};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

// Public key from golang.org/x/mod/sumdb/note tests; any fixed key will do.
const VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

fn verifier() -> &'static NoteVerifier {
    static V: OnceLock<NoteVerifier> = OnceLock::new();
    V.get_or_init(|| NoteVerifier::from_vkey(VKEY).expect("fixed test key parses"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(note) = Note::parse(s) {
        let _ = note.verify(verifier());
        assert!(s.starts_with(&note.text));
    }
    if let Ok(cp) = Checkpoint::parse_text(s) {
        assert_eq!(cp.to_text(), s);
    }
    let _ = Checkpoint::open(s, verifier());
    let _ = NoteVerifier::from_vkey(s);
});
