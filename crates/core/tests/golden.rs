//! The golden log: the demo's history as the build before the capability redesign wrote it
//! (23,579 entries: four months of petitions, their signatures and obligations, staff, a
//! registry import, a key rotation, an erasure), with the projection rows that server stored
//! batch by batch and the public state it served. The log is public and mirrored, so every
//! later build must fold these same entries into these same bytes.
//!
//! Written on 2026-12-07 by `dauys serve --demo` at commit f865337, then exported from its
//! SQLite file (`entries.body` one per line, `projection` as `key<TAB>value`); see
//! `tests/golden/README.md`.

use std::io::{BufRead, BufReader};
use std::path::Path;

use dauys_core::{Entry, LogIndex, State};
use flate2::read::GzDecoder;

fn golden_lines(name: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    BufReader::new(GzDecoder::new(file)).lines().map(|l| l.expect("golden files are UTF-8 text")).collect()
}

fn replay() -> State {
    let mut state = State::new();
    for (i, line) in golden_lines("demo-log.jsonl.gz").iter().enumerate() {
        let entry = Entry::decode(line.as_bytes()).unwrap_or_else(|e| panic!("entry {i} no longer decodes: {e}"));
        assert_eq!(entry.encode(), line.as_bytes(), "entry {i} re-encodes differently");
        state.apply(LogIndex(i as u64), &entry).unwrap_or_else(|e| panic!("entry {i} is refused: {e}"));
    }
    state
}

fn golden_rows() -> Vec<(String, String)> {
    golden_lines("demo-rows.tsv.gz")
        .into_iter()
        .map(|line| {
            let (key, value) = line.split_once('\t').expect("key<TAB>value");
            (key.to_owned(), value.to_owned())
        })
        .collect()
}

/// Compares row by row so that a failure names the first row that differs, not 23,000 of them.
fn assert_same_rows(got: &[(String, String)], expected: &[(String, String)]) {
    for (g, e) in got.iter().zip(expected) {
        assert_eq!(g, e, "the first row that differs");
    }
    assert_eq!(got.len(), expected.len(), "number of rows");
}

#[test]
fn the_golden_log_replays_to_the_same_rows_byte_for_byte() {
    let state = replay();
    assert_eq!(state.size(), 23_579);
    assert_same_rows(&state.rows(), &golden_rows());
}

#[test]
fn the_golden_rows_reload_to_the_replayed_state() {
    let reloaded = State::from_rows(golden_rows()).expect("the stored projection still loads");
    assert_eq!(reloaded, replay());
    assert_same_rows(&reloaded.rows(), &golden_rows());
}

#[test]
fn the_golden_log_replays_to_the_same_public_state() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/demo-public-state.json");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("golden public state")).expect("JSON");
    let got = serde_json::to_value(replay().public_state()).expect("the public state serializes");
    assert_eq!(got, expected);
}
