#![no_main]
//! Entry bundles have one encoding: whatever decodes must re-encode to the
//! exact input bytes.

use dauys_ledger::{decode_bundle, encode_bundle, tile_hashes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(entries) = decode_bundle(data) {
        assert!(entries.len() <= 256);
        let again = encode_bundle(entries.iter().copied()).expect("decoded entries re-encode");
        assert_eq!(again, data);
    }
    if let Ok(hashes) = tile_hashes(data) {
        assert_eq!(hashes.len() * 32, data.len());
    }
});
