#![no_main]
//! Log entries as `dauys audit` reads them from a log it does not trust: each line of the
//! input is one entry's bytes (canonical JSON has no raw newline, so a line is never half an
//! entry). Every line goes through `Entry::decode`, and what decodes is applied to the state
//! in order, as the auditor's replay does.
//!
//! Properties: decoding never panics, and accepts only canonical bytes (`Entry::decode`
//! re-encodes what it parsed and compares, so the round trip needs no second check here); the
//! rules never panic; a refused entry leaves the state untouched; the state's projection rows
//! restore the same state (what an incremental audit resumes from); the rule-required events
//! at the last entry's time and the printed public state can always be computed.

use dauys_core::{Entry, LogIndex, State};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut state = State::default();
    for line in data.split(|&b| b == b'\n') {
        let Ok(entry) = Entry::decode(line) else {
            continue;
        };
        let before = state.clone();
        if state.apply(LogIndex(state.size()), &entry).is_err() {
            assert!(state == before, "a refused entry changed the state");
        }
    }
    if state.size() == 0 {
        return;
    }
    let restored = State::from_rows(state.rows()).expect("the state's own rows load");
    assert!(restored == state, "the projection rows restore another state");
    if let Some(at) = state.last_timestamp() {
        let _ = state.due_events(at);
    }
    let _ = state.public_state().to_string();
    let _ = state.petitions().all().count();
});
