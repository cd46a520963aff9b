//! One suite, both backends: every test runs against SQLite in a temporary directory and
//! against a fresh database on the real PostgreSQL server (`DAUYS_TEST_POSTGRES_URL`,
//! default `postgres://postgres@127.0.0.1:5432/test`; `.ci/run` starts the server).

use dauys_store::{open, Batch, NewEntry, StoreError, StoredCheckpoint};
use dauys_testkit::{Backend, TestDatabase};

fn both(test: impl Fn(TestDatabase)) {
    for backend in Backend::ALL {
        test(TestDatabase::new(backend));
    }
}

fn entry(index: u64) -> NewEntry {
    NewEntry { index, leaf_hash: [index as u8; 32], body: format!("entry {index}").into_bytes() }
}

#[test]
fn batches_commit_and_read_back() {
    both(|loc| {
        let (mut w, r) = open(&loc.location()).unwrap();
        assert_eq!(w.head().unwrap().size, 0);
        w.commit(&Batch {
            entries: (0..3).map(entry).collect(),
            tiles: vec![(0, 0, vec![1; 96])],
            rows: vec![("meta".into(), Some("{\"size\":3}".into())), ("b".into(), Some("x".into()))],
            checkpoint: Some(StoredCheckpoint { size: 3, note: "note\n".into(), signed_at_ms: 5 }),
        })
        .unwrap();
        w.commit(&Batch {
            entries: (3..5).map(entry).collect(),
            tiles: vec![(0, 0, vec![1; 160])],
            rows: vec![("b".into(), None)],
            checkpoint: None,
        })
        .unwrap();
        assert_eq!(r.size().unwrap(), 5);
        assert_eq!(r.entries(1, 3).unwrap(), vec![b"entry 1".to_vec(), b"entry 2".to_vec()]);
        assert_eq!(r.entries(4, 99).unwrap().len(), 1);
        assert_eq!(r.tile(0, 0).unwrap().unwrap().len(), 160);
        assert_eq!(r.tile(1, 0).unwrap(), None);
        assert_eq!(r.indexes_of_leaf(&[4; 32]).unwrap(), vec![4]);
        assert_eq!(r.projection_rows().unwrap(), vec![("meta".to_string(), "{\"size\":3}".to_string())]);
        assert_eq!(r.latest_checkpoint().unwrap().unwrap().size, 3);
        assert_eq!(r.checkpoints(0, 10, 10).unwrap().len(), 1);
        let head = w.head().unwrap();
        assert_eq!(head.size, 5);
        assert_eq!(head.rows.len(), 1);
    });
}

#[test]
fn a_gap_or_a_reused_index_is_refused() {
    both(|loc| {
        let (mut w, r) = open(&loc.location()).unwrap();
        w.head().unwrap();
        w.commit(&Batch { entries: vec![entry(0)], ..Batch::default() }).unwrap();
        let gap = w.commit(&Batch { entries: vec![entry(2)], ..Batch::default() });
        assert!(matches!(gap, Err(StoreError::OutOfOrder { expected: 1, got: 2 })), "{gap:?}");
        let reuse = w.commit(&Batch { entries: vec![entry(0)], ..Batch::default() });
        assert!(matches!(reuse, Err(StoreError::OutOfOrder { expected: 1, got: 0 })), "{reuse:?}");
        assert_eq!(r.size().unwrap(), 1);
    });
}

#[test]
fn a_failed_batch_leaves_nothing_behind() {
    both(|loc| {
        let (mut w, r) = open(&loc.location()).unwrap();
        w.head().unwrap();
        w.commit(&Batch { entries: vec![entry(0)], ..Batch::default() }).unwrap();
        // Two entries with one index: the second insert fails inside the transaction.
        let bad =
            Batch { entries: vec![entry(1), entry(1)], rows: vec![("k".into(), Some("v".into()))], ..Batch::default() };
        assert!(w.commit(&bad).is_err());
        assert_eq!(r.size().unwrap(), 1);
        assert_eq!(r.projection_rows().unwrap(), vec![]);
        // The writer is still usable and its idea of the size is unchanged.
        w.commit(&Batch { entries: vec![entry(1)], ..Batch::default() }).unwrap();
        assert_eq!(r.size().unwrap(), 2);
    });
}

#[test]
fn only_one_writer_at_a_time() {
    both(|loc| {
        let (_w, _r) = open(&loc.location()).unwrap();
        match open(&loc.location()) {
            Err(StoreError::WriterLocked(_)) => {}
            Err(other) => panic!("expected WriterLocked, got {other}"),
            Ok(_) => panic!("a second writer was allowed"),
        }
    });
}

#[test]
fn projection_can_be_replaced_whole() {
    both(|loc| {
        let (mut w, r) = open(&loc.location()).unwrap();
        w.head().unwrap();
        w.commit(&Batch { rows: vec![("old".into(), Some("1".into()))], ..Batch::default() }).unwrap();
        w.replace_projection(&[("a".into(), "1".into()), ("b".into(), "2".into())]).unwrap();
        assert_eq!(r.projection_rows().unwrap(), vec![("a".into(), "1".into()), ("b".into(), "2".into())]);
    });
}

#[test]
fn projection_rows_are_read_by_prefix_in_byte_order() {
    both(|loc| {
        let (mut w, r) = open(&loc.location()).unwrap();
        w.head().unwrap();
        // Keys chosen around the bounds: "body0" sorts right after every "body/…" key, "body."
        // right before, and upper case before lower case in byte order.
        let keys = ["body.", "body/B", "body/a", "body/zz", "body0", "bodz", "petition/p-1", "signature/p-1/ps1-a"];
        let rows: Vec<(String, String)> = keys.iter().map(|k| (k.to_string(), format!("v{k}"))).collect();
        w.replace_projection(&rows).unwrap();
        let got: Vec<String> = r.projection_rows_with_prefix("body/").unwrap().into_iter().map(|(k, _)| k).collect();
        assert_eq!(got, ["body/B", "body/a", "body/zz"]);
        assert_eq!(r.projection_rows_with_prefix("nothing/").unwrap(), vec![]);
        assert_eq!(r.projection_rows_with_prefix("").unwrap().len(), keys.len());
    });
}

#[test]
fn data_survives_reopening() {
    both(|loc| {
        {
            let (mut w, _r) = open(&loc.location()).unwrap();
            w.head().unwrap();
            w.commit(&Batch { entries: (0..4).map(entry).collect(), ..Batch::default() }).unwrap();
        }
        let (mut w, _r) = open(&loc.location()).unwrap();
        assert_eq!(w.head().unwrap().size, 4);
    });
}
