//! Sealed records, one suite on both backends: SQLite (the private file beside the log) and
//! a fresh database on the real PostgreSQL server (`DAUYS_TEST_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`).

use dauys_store::{open_private, MaxConnections, RecordId, RecordKind, SealedRecords, StoreError};
use dauys_testkit::{Backend, TestDatabase};

fn both(test: impl Fn(SealedRecords)) {
    for backend in Backend::ALL {
        let db = TestDatabase::new(backend);
        let store =
            open_private(&db.location(), MaxConnections::DEFAULT).unwrap_or_else(|e| panic!("{backend:?}: {e}"));
        test(store.sealed);
    }
}

fn id(text: &str) -> RecordId {
    RecordId::new(text).unwrap()
}

#[test]
fn records_are_put_read_and_deleted_by_kind_and_id() {
    both(|sealed| {
        sealed.put(RecordKind::AppealText, &id("a-1"), b"text", Some("u-01"), 10).unwrap();
        // The same id under another kind is another record.
        sealed.put(RecordKind::AppealAttachment, &id("a-1"), b"file", None, 11).unwrap();
        let text = sealed.get(RecordKind::AppealText, &id("a-1")).unwrap().unwrap();
        assert_eq!(
            (text.id.as_str(), text.owner.as_deref(), text.sealed.as_slice(), text.created_at_ms),
            ("a-1", Some("u-01"), &b"text"[..], 10)
        );
        assert_eq!(sealed.get(RecordKind::AppealAttachment, &id("a-1")).unwrap().unwrap().sealed, b"file");
        assert_eq!(sealed.get(RecordKind::AppealText, &id("a-2")).unwrap(), None);

        assert!(sealed.delete(RecordKind::AppealText, &id("a-1")).unwrap());
        assert!(!sealed.delete(RecordKind::AppealText, &id("a-1")).unwrap());
        assert_eq!(sealed.get(RecordKind::AppealText, &id("a-1")).unwrap(), None);
        assert!(sealed.get(RecordKind::AppealAttachment, &id("a-1")).unwrap().is_some());
    });
}

#[test]
fn a_record_is_written_once() {
    both(|sealed| {
        sealed.put(RecordKind::AppealText, &id("a-1"), b"first", None, 1).unwrap();
        match sealed.put(RecordKind::AppealText, &id("a-1"), b"second", None, 2) {
            Err(StoreError::Conflict { what: "sealed record" }) => {}
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert_eq!(sealed.get(RecordKind::AppealText, &id("a-1")).unwrap().unwrap().sealed, b"first");
        // Replacing is one statement; it also stores a record there was none of.
        sealed.replace(RecordKind::AppealText, &id("a-1"), b"second", Some("owner-2"), 2).unwrap();
        let replaced = sealed.get(RecordKind::AppealText, &id("a-1")).unwrap().unwrap();
        assert_eq!((replaced.sealed.as_slice(), replaced.owner.as_deref()), (&b"second"[..], Some("owner-2")));
        assert_eq!(sealed.list_by_owner(RecordKind::AppealText, "owner-2", 10).unwrap().len(), 1);
        sealed.replace(RecordKind::AppealText, &id("a-2"), b"new", None, 3).unwrap();
        assert_eq!(sealed.get(RecordKind::AppealText, &id("a-2")).unwrap().unwrap().sealed, b"new");
        let too_big = vec![0u8; RecordKind::AppealAssignment.max_sealed_bytes() + 1];
        assert!(matches!(
            sealed.replace(RecordKind::AppealAssignment, &id("a-3"), &too_big, None, 4),
            Err(StoreError::TooLarge { .. })
        ));
    });
}

#[test]
fn each_kind_has_an_explicit_size_limit() {
    both(|sealed| {
        let max = RecordKind::AppealText.max_sealed_bytes();
        sealed.put(RecordKind::AppealText, &id("at-limit"), &vec![7; max], None, 1).unwrap();
        assert_eq!(sealed.get(RecordKind::AppealText, &id("at-limit")).unwrap().unwrap().sealed.len(), max);
        match sealed.put(RecordKind::AppealText, &id("over"), &vec![7; max + 1], None, 1) {
            Err(StoreError::TooLarge { kind: "appeal_text", size, max: limit }) => {
                assert_eq!((size, limit), (max + 1, max))
            }
            other => panic!("expected TooLarge, got {other:?}"),
        }
        assert_eq!(sealed.get(RecordKind::AppealText, &id("over")).unwrap(), None);
        // An attachment may be larger than a text.
        assert!(RecordKind::AppealAttachment.max_sealed_bytes() > max);
        sealed.put(RecordKind::AppealAttachment, &id("big"), &vec![7; max + 1], None, 1).unwrap();
    });
}

#[test]
fn an_owners_records_are_listed_by_kind_oldest_first() {
    both(|sealed| {
        for (n, at) in [("c", 30), ("a", 10), ("b", 30), ("d", 20)] {
            sealed.put(RecordKind::AppealText, &id(n), n.as_bytes(), Some("u-01"), at).unwrap();
        }
        sealed.put(RecordKind::AppealText, &id("other"), b"x", Some("u-02"), 5).unwrap();
        sealed.put(RecordKind::AppealText, &id("nobody"), b"x", None, 5).unwrap();
        sealed.put(RecordKind::AppealAttachment, &id("file"), b"x", Some("u-01"), 5).unwrap();
        let ids = |owner: &str, kind: RecordKind, limit: u32| -> Vec<String> {
            sealed.list_by_owner(kind, owner, limit).unwrap().into_iter().map(|r| r.id.to_string()).collect()
        };
        assert_eq!(ids("u-01", RecordKind::AppealText, 10), ["a", "d", "b", "c"]);
        assert_eq!(ids("u-01", RecordKind::AppealText, 2), ["a", "d"]);
        assert_eq!(ids("u-01", RecordKind::AppealAttachment, 10), ["file"]);
        assert_eq!(ids("u-02", RecordKind::AppealText, 10), ["other"]);
        assert_eq!(ids("u-03", RecordKind::AppealText, 10), Vec::<String>::new());
    });
}

#[test]
fn record_ids_are_short_and_url_safe() {
    for good in ["a", "appeal-2026_01", &"x".repeat(RecordId::MAX_LEN)] {
        assert_eq!(RecordId::new(good).unwrap().as_str(), good);
    }
    for bad in ["", "has space", "slash/", "ünicode", "dot.", &"x".repeat(RecordId::MAX_LEN + 1)] {
        assert!(matches!(RecordId::new(bad), Err(StoreError::InvalidRecordId(_))), "{bad:?}");
    }
}
