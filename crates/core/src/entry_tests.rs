//! Encoding tests. Expected bytes are written by hand from SPEC.md, not produced by the code.

use crate::*;
use sha2::{Digest, Sha256};
use time::macros::date;

fn id<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().expect("valid id in test")
}

fn astana_akimat() -> Entry {
    Entry::new(
        Timestamp(1_772_443_800_000),
        Event::BodyRegistered {
            body: id("akimat-astana"),
            name: LocalizedText::new("Астана қаласының әкімдігі", "Акимат города Астаны", "Akimat of Astana"),
            kind: BodyKind::Akimat,
            parent: None,
            territory: None,
            competences: None,
        },
    )
}

const ASTANA_AKIMAT: &str = r#"{"event":{"body":"akimat-astana","kind":"akimat","name":{"en":"Akimat of Astana","kk":"Астана қаласының әкімдігі","ru":"Акимат города Астаны"},"type":"body.registered"},"ts":1772443800000,"v":1}"#;

fn fixed_examples() -> Vec<(Entry, &'static str)> {
    vec![
        (astana_akimat(), ASTANA_AKIMAT),
        (
            Entry::new(
                Timestamp(1_772_400_000_000),
                Event::DeploymentConfigured {
                    name: LocalizedText::new("Дауыс Астана", "Дауыс Астана", "Dauys Astana"),
                    utc_offset_minutes: 300,
                    act_rule: Some(2),
                },
            ),
            r#"{"event":{"act_rule":2,"name":{"en":"Dauys Astana","kk":"Дауыс Астана","ru":"Дауыс Астана"},"type":"deployment.configured","utc_offset_minutes":300},"ts":1772400000000,"v":1}"#,
        ),
        (
            Entry::new(
                Timestamp(1_772_400_000_001),
                Event::DeploymentConfigured {
                    name: LocalizedText::new("a", "b", "c"),
                    utc_offset_minutes: -90,
                    act_rule: None,
                },
            ),
            r#"{"event":{"name":{"en":"c","kk":"a","ru":"b"},"type":"deployment.configured","utc_offset_minutes":-90},"ts":1772400000001,"v":1}"#,
        ),
        (
            Entry::new(
                Timestamp(1_772_400_000_001),
                Event::CalendarPublished {
                    year: 2026,
                    holidays: vec![date!(2026 - 01 - 01), date!(2026 - 01 - 02), date!(2026 - 03 - 23)],
                    transferred_working_days: vec![date!(2026 - 01 - 03)],
                },
            ),
            r#"{"event":{"holidays":["2026-01-01","2026-01-02","2026-03-23"],"transferred_working_days":["2026-01-03"],"type":"calendar.published","year":2026},"ts":1772400000001,"v":1}"#,
        ),
        (
            Entry::new(
                Timestamp(0),
                Event::BodyRegistered {
                    body: id("mon"),
                    name: LocalizedText::new("ҒЖБМ", "МНВО", "MSHE"),
                    kind: BodyKind::Ministry,
                    parent: Some(id("government")),
                    territory: None,
                    competences: None,
                },
            ),
            r#"{"event":{"body":"mon","kind":"ministry","name":{"en":"MSHE","kk":"ҒЖБМ","ru":"МНВО"},"parent":"government","type":"body.registered"},"ts":0,"v":1}"#,
        ),
        (
            Entry::new(
                Timestamp(1_772_400_000_002),
                Event::NoticePublished {
                    notice: id("welcome-2026"),
                    title: LocalizedText::new("Қош келдіңіз", "Добро пожаловать", "Welcome"),
                    text: LocalizedText::new(
                        "Қош келдіңіз!",
                        "Добро пожаловать!",
                        "Line one.\nSay \"hello\" \\ ok </script> é",
                    ),
                },
            ),
            r#"{"event":{"notice":"welcome-2026","text":{"en":"Line one.\nSay \"hello\" \\ ok </script> é","kk":"Қош келдіңіз!","ru":"Добро пожаловать!"},"title":{"en":"Welcome","kk":"Қош келдіңіз","ru":"Добро пожаловать"},"type":"notice.published"},"ts":1772400000002,"v":1}"#,
        ),
    ]
}

#[test]
fn canonical_bytes_of_fixed_examples() {
    for (entry, expected) in fixed_examples() {
        assert_eq!(String::from_utf8_lossy(&entry.encode()), expected, "{}", entry.event.kind());
        assert_eq!(
            crate::envelope::encoded_len(entry.timestamp, &entry.event),
            expected.len(),
            "{}",
            entry.event.kind()
        );
        assert_eq!(Entry::decode(expected.as_bytes()), Ok(entry));
    }
}

#[test]
fn worked_example_leaf_hash() {
    // SPEC.md, "Worked example".
    let bytes = astana_akimat().encode();
    assert_eq!(bytes.len(), 235);
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(&bytes);
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, "0d682b27d44edc2d1c179d0a48ec583946a0f9e4ea8f9f4791a7ebef5ba04b48");
}

/// Decoding `bytes` fails with `code`.
#[track_caller]
fn rejects(bytes: impl AsRef<[u8]>, code: &str) {
    match Entry::decode(bytes.as_ref()) {
        Ok(e) => panic!("accepted {:?}", e),
        Err(e) => assert_eq!(e.code(), code, "{e}"),
    }
}

#[test]
fn decode_rejects_malformed() {
    let good = ASTANA_AKIMAT;
    let sub = |from: &str, to: &str| {
        assert!(good.contains(from), "{from}");
        good.replacen(from, to, 1)
    };
    rejects(sub("\"type\":\"body.registered\"", "\"type\":\"body.removed\""), "unknown-event-type");
    rejects(sub("\"kind\":", "\"knid\":"), "unknown-field");
    rejects(sub("\"ts\":", "\"time\":"), "unknown-field");
    rejects(sub("\"kind\":\"akimat\",", ""), "missing-field");
    rejects(sub(",\"ts\":1772443800000", ""), "missing-field");
    rejects(sub(",\"kk\":\"Астана қаласының әкімдігі\"", ""), "missing-field");
    rejects(sub("\"en\":\"Akimat of Astana\",", "\"de\":\"x\","), "unknown-field");
    rejects(sub("\"v\":1", "\"v\":2"), "unsupported-version");
    rejects(sub("\"v\":1", "\"v\":\"1\""), "unsupported-version");
    rejects(sub("\"ts\":", " \"ts\":"), "non-canonical");
    rejects(sub("\"ts\":", "\"ts\": "), "non-canonical");
    rejects(format!("{good}\n"), "non-canonical");
    rejects(
        sub(
            "\"kind\":\"akimat\",\"name\":",
            "\"name\":{\"en\":\"Akimat of Astana\",\"kk\":\"Астана қаласының әкімдігі\",\"ru\":\"Акимат города Астаны\"},\"kind\":\"akimat\",\"x\":",
        )
        .replacen(",\"x\":{\"en\":\"Akimat of Astana\",\"kk\":\"Астана қаласының әкімдігі\",\"ru\":\"Акимат города Астаны\"}", "", 1),
        "non-canonical",
    );
    rejects(
        sub(
            "{\"en\":\"Akimat of Astana\",\"kk\"",
            "{\"kk\":\"Астана қаласының әкімдігі\",\"en\":\"Akimat of Astana\",\"kk\"",
        )
        .replacen(
            "\"Астана қаласының әкімдігі\",\"kk\":\"Астана қаласының әкімдігі\"",
            "\"Астана қаласының әкімдігі\"",
            1,
        ),
        "non-canonical",
    );
    rejects(sub("\"v\":1", "\"v\":1,\"v\":1"), "non-canonical");
    rejects(sub("\"ts\":1772443800000", "\"ts\":1,\"ts\":1772443800000"), "non-canonical");
    rejects(
        sub("\"body\":\"akimat-astana\"", "\"body\":\"akimat-astana\",\"body\":\"akimat-astana\""),
        "non-canonical",
    );
    rejects(sub("1772443800000", "1772443800000.0"), "non-integer-number");
    rejects(sub("1772443800000", "1.7724438e12"), "non-integer-number");
    rejects(sub("1772443800000", "-1"), "invalid-field-value");
    rejects(sub("1772443800000", "99999999999999999"), "timestamp-out-of-range");
    rejects(sub("Akimat of Astana", "Akimat of \\u0041stana"), "non-canonical");
    rejects(sub("Akimat of Astana", "Akimat\\/of"), "non-canonical");
    rejects(sub("\"type\":\"body.registered\"", "\"parent\":null,\"type\":\"body.registered\""), "non-canonical");
    rejects(sub("akimat-astana", "Akimat-Astana"), "invalid-field-value");
    rejects(sub("akimat-astana", "-astana"), "invalid-field-value");
    rejects(sub("\"akimat\"", "\"village\""), "invalid-field-value");
    rejects(sub("Akimat of Astana", ""), "empty-text");
    rejects(sub("Akimat of Astana", "   "), "empty-text");
    rejects(sub("Akimat of Astana", "a\\tb"), "control-character");
    rejects(sub("Akimat of Astana", "a\\u0001b"), "control-character");
    rejects(sub("Akimat of Astana", &"a".repeat(MAX_ENTRY_BYTES)), "entry-too-long");
    rejects(b"{\"event\":{},\"ts\":1,\"v\":1}\xff", "invalid-utf8");
    rejects(&good.as_bytes()[..good.len() - 1], "invalid-json");
    rejects("[1]", "not-an-object");
    rejects(sub("{\"body\"", "[{\"body\"").replacen("\"},\"ts\"", "\"}],\"ts\"", 1), "not-an-object");
    rejects("", "invalid-json");
    rejects("{}", "missing-field");
}

#[test]
fn decode_rejects_invalid_calendar_values() {
    let cal = r#"{"event":{"holidays":["2026-01-01"],"transferred_working_days":[],"type":"calendar.published","year":2026},"ts":5,"v":1}"#;
    assert!(Entry::decode(cal.as_bytes()).is_ok());
    rejects(cal.replace("2026-01-01", "2026-1-1"), "invalid-field-value");
    rejects(cal.replace("2026-01-01", "2026-02-30"), "invalid-field-value");
    rejects(cal.replace("2026-01-01", "2025-12-31"), "date-outside-year");
    rejects(cal.replace(":2026}", ":1999}").replace("2026-01-01", "1999-01-01"), "year-out-of-range");
    rejects(cal.replace(":2026}", ":70000}"), "invalid-field-value");
    rejects(cal.replace("[\"2026-01-01\"]", "[\"2026-01-01\",\"2026-01-01\"]"), "dates-not-sorted-unique");
}

#[test]
fn every_rejection_has_a_message() {
    let e = Entry::decode(b"{\"event\":{\"type\":\"x\"},\"ts\":1,\"v\":1}").unwrap_err();
    assert_eq!(e.to_string(), "unknown event type `x`");
}

#[test]
fn worked_example_rows() {
    // SPEC.md §7.
    let mut s = State::default();
    s.apply(LogIndex(0), &astana_akimat()).expect("accepted");
    assert_eq!(
        s.rows(),
        vec![
            ("body/akimat-astana".to_owned(), r#"{"id":"akimat-astana","index":0,"kind":"akimat","name":{"en":"Akimat of Astana","kk":"Астана қаласының әкімдігі","ru":"Акимат города Астаны"},"registered_at":1772443800000}"#.to_owned()),
            ("meta".to_owned(), r#"{"counts":{"body.registered":1},"last_ts":1772443800000,"size":1}"#.to_owned()),
        ]
    );
}

#[test]
fn kinds_layouts_and_tags_agree() {
    let layouts: Vec<&str> = crate::event::LAYOUTS.iter().map(|l| l.kind).collect();
    assert_eq!(layouts, Event::KINDS);
    for (entry, _) in fixed_examples() {
        assert!(Event::KINDS.contains(&entry.event.kind()));
        let v = serde_json::to_value(&entry.event).expect("serializes");
        assert_eq!(v["type"], entry.event.kind());
    }
}

/// An entry with its author's signature (SPEC §1.1): `sig` sits between `event` and `ts`, and
/// round-trips; a `sig` with another member, or not an object, is refused.
#[test]
fn a_signed_entry_carries_sig_between_event_and_ts() {
    let event = Event::PetitionAccepted { petition: "p-1".parse().unwrap(), by: "u-7".parse().unwrap() };
    let signature = crate::ActSignature { key: "0123456789abcdef".into(), sig: "AAAA".into() };
    let entry = Entry::signed(Timestamp(5), event, Some(signature));
    let bytes = br#"{"event":{"by":"u-7","petition":"p-1","type":"petition.accepted"},"sig":{"key":"0123456789abcdef","sig":"AAAA"},"ts":5,"v":1}"#;
    assert_eq!(entry.encode(), bytes.to_vec());
    assert_eq!(Entry::decode(bytes).unwrap(), entry);
    for bad in [
        br#"{"event":{"by":"u-7","petition":"p-1","type":"petition.accepted"},"sig":{"key":"k","sig":"s","x":1},"ts":5,"v":1}"#.to_vec(),
        br#"{"event":{"by":"u-7","petition":"p-1","type":"petition.accepted"},"sig":"s","ts":5,"v":1}"#.to_vec(),
    ] {
        assert_eq!(Entry::decode(&bad).map_err(|e| e.code()), Err("invalid-field-value"));
    }
}
