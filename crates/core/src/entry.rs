//! Log entries and their canonical bytes.

use crate::envelope::{encode_parts, ENTRY_VERSION, MAX_ENTRY_BYTES};
use crate::event::LAYOUTS;
use crate::{ActSignature, DecodeError, Event, Timestamp};
use serde_json::{Map, Value};

/// An event with the timestamp the sequencer gave it: exactly one leaf of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub timestamp: Timestamp,
    pub event: Event,
    /// The acting person's own signature of the event, when they hold a signing key
    /// (`crate::signers`); the envelope's `sig` member, omitted when absent.
    pub signature: Option<ActSignature>,
}

impl Entry {
    pub fn new(timestamp: Timestamp, event: Event) -> Self {
        Entry { timestamp, event, signature: None }
    }

    /// An entry of an act signed by the person who does it.
    pub fn signed(timestamp: Timestamp, event: Event, signature: Option<ActSignature>) -> Self {
        Entry { timestamp, event, signature }
    }

    /// The canonical bytes, `{"event":{...,"type":"..."},"ts":<ms>,"v":1}`: the Merkle leaf
    /// data. See SPEC.md.
    pub fn encode(&self) -> Vec<u8> {
        encode_parts(self.timestamp, &self.event, self.signature.as_ref())
    }

    /// Parses and fully checks an entry read from the log. Accepts exactly the byte strings
    /// that [`Entry::encode`] produces for valid events, so two implementations can never
    /// disagree about which leaves are valid or what they mean.
    pub fn decode(bytes: &[u8]) -> Result<Entry, DecodeError> {
        if bytes.len() > MAX_ENTRY_BYTES {
            return Err(DecodeError::TooLong { len: bytes.len(), max: MAX_ENTRY_BYTES });
        }
        let text = std::str::from_utf8(bytes).map_err(|e| DecodeError::InvalidUtf8 { valid_up_to: e.valid_up_to() })?;
        let value: Value = serde_json::from_str(text).map_err(|e| DecodeError::InvalidJson(e.to_string()))?;
        if let Some(field) = crate::canonical::float_path(&value) {
            return Err(DecodeError::NonIntegerNumber { field });
        }
        let Value::Object(mut top) = value else {
            return Err(DecodeError::NotAnObject { context: "entry" });
        };
        check_fields(&top, &["event", "ts", "v"], &["sig"], "the entry")?;

        let version = take(&mut top, "v")?;
        if version.as_u64() != Some(u64::from(ENTRY_VERSION)) {
            return Err(DecodeError::UnsupportedVersion(version.to_string()));
        }
        let ts = take(&mut top, "ts")?;
        let ts = ts.as_u64().ok_or_else(|| DecodeError::InvalidValue {
            context: "field `ts`".into(),
            reason: format!("expected milliseconds as a non-negative integer, got {ts}"),
        })?;
        if ts > Timestamp::MAX.0 {
            return Err(DecodeError::TimestampOutOfRange(ts));
        }

        let event = take(&mut top, "event")?;
        let Value::Object(ev) = &event else {
            return Err(DecodeError::NotAnObject { context: "event" });
        };
        let kind = match ev.get("type") {
            None => return Err(DecodeError::MissingField { field: "type", context: "the event".into() }),
            Some(Value::String(s)) => s.as_str(),
            Some(other) => {
                return Err(DecodeError::InvalidValue {
                    context: "field `type`".into(),
                    reason: format!("expected a string, got {other}"),
                })
            }
        };
        let Some(layout) = LAYOUTS.iter().find(|l| l.kind == kind) else {
            return Err(DecodeError::UnknownEventType(kind.chars().take(80).collect()));
        };
        let context = format!("event `{kind}`");
        let names = |optional| layout.fields.iter().filter(move |f| f.optional == optional).map(|f| f.name);
        let required: Vec<&'static str> = names(false).collect();
        let allowed: Vec<&str> = names(true).chain(["type"]).collect();
        check_fields(ev, &required, &allowed, &context)?;
        // Sorted, as in `check_fields`, so that which field an error names does not depend on
        // the order the fields are declared in.
        let mut texts: Vec<&str> = layout.fields.iter().filter(|f| f.text).map(|f| f.name).collect();
        texts.sort_unstable();
        for field in texts {
            let Some(Value::Object(t)) = ev.get(field) else {
                return Err(DecodeError::InvalidValue {
                    context: format!("field `{field}` of {context}"),
                    reason: "expected an object {\"en\":...,\"kk\":...,\"ru\":...}".into(),
                });
            };
            check_fields(t, &["en", "kk", "ru"], &[], &format!("field `{field}` of {context}"))?;
        }
        let event: Event = serde_json::from_value(event.clone())
            .map_err(|e| DecodeError::InvalidValue { context, reason: e.to_string() })?;
        event.validate()?;
        let signature = match top.remove("sig") {
            None => None,
            Some(sig) => Some(
                serde_json::from_value::<ActSignature>(sig)
                    .map_err(|e| DecodeError::InvalidValue { context: "field `sig`".into(), reason: e.to_string() })?,
            ),
        };
        let entry = Entry { timestamp: Timestamp(ts), event, signature };
        if entry.encode() != bytes {
            return Err(DecodeError::NonCanonical);
        }
        Ok(entry)
    }
}

fn take(map: &mut Map<String, Value>, key: &'static str) -> Result<Value, DecodeError> {
    map.remove(key).ok_or(DecodeError::MissingField { field: key, context: "the entry".into() })
}

fn check_fields(
    map: &Map<String, Value>,
    required: &[&'static str],
    optional: &[&str],
    context: &str,
) -> Result<(), DecodeError> {
    // The first by name, so the error names the same field whatever order the bytes had or
    // the fields were declared in.
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    if let Some(k) = keys.into_iter().find(|k| !required.contains(&k.as_str()) && !optional.contains(&k.as_str())) {
        return Err(DecodeError::UnknownField { field: k.chars().take(80).collect(), context: context.to_owned() });
    }
    if let Some(f) = required.iter().copied().filter(|f| !map.contains_key(*f)).min() {
        return Err(DecodeError::MissingField { field: f, context: context.to_owned() });
    }
    Ok(())
}
