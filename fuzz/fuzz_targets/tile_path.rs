#![no_main]
//! Tile paths have one spelling: whatever parses must print back identically.

use dauys_ledger::{entries_path, parse_tile_path, TilePath};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = parse_tile_path(s) {
        let again = match p {
            TilePath::Hash(t) => t.path(),
            TilePath::Entries { index, width } => entries_path(index, width),
        };
        assert_eq!(again, s);
    }
});
