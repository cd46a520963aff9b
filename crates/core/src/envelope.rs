//! The entry envelope, `{"event":{…},"ts":<ms>,"v":1}` (with `"sig":{…}` after `event` when
//! the acting person signed it): its version, its size limit and its canonical bytes. Apart from the event it wraps, so that an event can check its own size.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::canonical::to_canonical;
use crate::Timestamp;

/// Version of the entry format, the `v` field of every entry.
pub const ENTRY_VERSION: u8 = 1;
/// Largest encoded entry. The C2SP `tlog-tiles` entry bundle prefixes each entry with a
/// two-byte length.
pub const MAX_ENTRY_BYTES: usize = 65_535;

pub(crate) fn encode_parts(ts: Timestamp, event: &impl Serialize, signature: Option<&crate::ActSignature>) -> Vec<u8> {
    let event = match serde_json::to_value(event) {
        Ok(v) => v,
        // Event's Serialize impl only produces strings, integers, arrays and string-keyed
        // objects, for which serde_json cannot fail.
        Err(e) => unreachable!("event serialization cannot fail: {e}"),
    };
    let mut envelope = Map::new();
    envelope.insert("event".into(), event);
    if let Some(signature) = signature {
        let signature = match serde_json::to_value(signature) {
            Ok(v) => v,
            Err(e) => unreachable!("a signature is two strings: {e}"),
        };
        envelope.insert("sig".into(), signature);
    }
    envelope.insert("ts".into(), Value::from(ts.0));
    envelope.insert("v".into(), Value::from(ENTRY_VERSION));
    match to_canonical(&Value::Object(envelope)) {
        Ok(s) => s.into_bytes(),
        Err(e) => unreachable!("events contain no floats (found one at {})", e.path),
    }
}

/// The length of `encode_parts(ts, event, None)`, without building it: serde_json's compact form
/// of an event has exactly the canonical form's length (same members and values, only their
/// order differs, and both escape the same characters the same way), and the envelope adds
/// `{"event":` `,"ts":<digits>` `,"v":1}`. Checked against the real encoding by the tests.
pub(crate) fn encoded_len(ts: Timestamp, event: &impl Serialize) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    if let Err(e) = serde_json::to_writer(&mut count, event) {
        unreachable!("event serialization cannot fail: {e}");
    }
    let digits = ts.0.checked_ilog10().map_or(1, |d| d as usize + 1);
    count.0 + r#"{"event":,"ts":,"v":1}"#.len() + digits
}
