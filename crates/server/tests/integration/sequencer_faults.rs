//! The sequencer when storage fails: a real SQLite writer wrapped so that chosen commits
//! fail. Nothing is acknowledged that was not stored, and the log continues without a gap
//! or a reused index once storage answers again.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dauys_core::{Entry, Event, LocalizedText, State};
use dauys_ledger::NoteSigner;
use dauys_server::metrics::Metrics;
use dauys_server::projection::{BatchProjection, Projector};
use dauys_server::sequencer::{Sequencer, SequencerConfig, Shared, SubmitError};
use dauys_store::{Batch, Head, StoreError, Writer};
use dauys_testkit::{Backend, TestDatabase};

/// Fails the next `failures` commits, then behaves.
struct FlakyWriter {
    inner: Box<dyn Writer>,
    failures: Arc<AtomicU32>,
}

impl Writer for FlakyWriter {
    fn head(&mut self) -> dauys_store::Result<Head> {
        self.inner.head()
    }
    fn tiles(&mut self, ids: &[(u8, u64)]) -> dauys_store::Result<Vec<Option<Vec<u8>>>> {
        self.inner.tiles(ids)
    }
    fn commit(&mut self, batch: &Batch) -> dauys_store::Result<()> {
        // One atomic step, so the test's reset to 0 is never overwritten by a stale count.
        if self.failures.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| left.checked_sub(1)).is_ok() {
            return Err(StoreError::Corrupt("injected failure".into()));
        }
        self.inner.commit(batch)
    }
    fn replace_projection(&mut self, rows: &[(String, String)]) -> dauys_store::Result<()> {
        self.inner.replace_projection(rows)
    }
}

fn notice(n: u32) -> Event {
    Event::NoticePublished {
        notice: format!("n-{n}").parse().unwrap(),
        title: LocalizedText { kk: "Т".into(), ru: "Т".into(), en: "T".into() },
        text: LocalizedText { kk: "М".into(), ru: "Т".into(), en: "T".into() },
    }
}

fn start(
    writer: Box<dyn Writer>,
    projectors: Vec<Arc<dyn Projector>>,
) -> (Sequencer, dauys_server::sequencer::SequencerHandle, Arc<Shared>) {
    let shared = Arc::new(Shared::default());
    let (sequencer, handle) = Sequencer::start(
        writer,
        NoteSigner::from_seed("faults.example/log", [7; 32]).unwrap(),
        SequencerConfig {
            origin: "faults.example/log".into(),
            checkpoint_interval: Duration::from_millis(10),
            max_batch: 64,
            queue_capacity: 1024,
        },
        Arc::new(Metrics::default()),
        shared.clone(),
        projectors,
    )
    .unwrap();
    (sequencer, handle, shared)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_batch_is_not_acknowledged_and_the_log_continues_without_a_gap() {
    let db = TestDatabase::new(Backend::Sqlite);
    let (writer, reader) = dauys_store::open(&db.location()).unwrap();
    let failures = Arc::new(AtomicU32::new(0));
    let (sequencer, handle, shared) =
        start(Box::new(FlakyWriter { inner: writer, failures: failures.clone() }), Vec::new());

    for n in 0..10 {
        handle.submit(notice(n)).await.unwrap();
    }
    // Every retry of the next batches fails: their submitters are told, nothing is stored.
    failures.store(1000, Ordering::SeqCst);
    let failed: Vec<_> = (10..30)
        .map(|n| {
            let h = handle.clone();
            tokio::spawn(async move { h.submit(notice(n)).await })
        })
        .collect();
    let mut refused = 0;
    for f in failed {
        match f.await.unwrap() {
            Err(SubmitError::Unavailable(_)) => refused += 1,
            other => panic!("expected Unavailable, got {other:?}"),
        }
    }
    assert_eq!(refused, 20);
    let stored = reader.size().unwrap();
    assert_eq!(stored, 10, "an unacknowledged entry reached storage");

    // Storage answers again: the same events are accepted (they were never logged) and
    // indexes continue right after what is stored.
    failures.store(0, Ordering::SeqCst);
    let mut indexes = Vec::new();
    for n in 10..30 {
        let receipt = loop {
            match handle.submit(notice(n)).await {
                Ok(r) => break r,
                // Batches prepared before the sequencer adopted the reload are refused too.
                Err(SubmitError::Unavailable(_)) => tokio::time::sleep(Duration::from_millis(5)).await,
                Err(e) => panic!("{e}"),
            }
        };
        indexes.push(receipt.index);
    }
    assert_eq!(indexes, (10..30).collect::<Vec<u64>>());
    drop(handle);
    tokio::task::spawn_blocking(move || sequencer.join()).await.unwrap();
    assert_eq!(reader.size().unwrap(), 30);
    assert_eq!(shared.latest_checkpoint().unwrap().checkpoint.size, 30);
}

/// What a read model was told, in order: `(read model, "rebuild" or "publish", log size)`.
type Journal = Arc<Mutex<Vec<(&'static str, &'static str, u64)>>>;

/// A read model that writes down every rebuild and every batch it publishes.
struct Recorder {
    name: &'static str,
    journal: Journal,
}

struct RecordedBatch {
    name: &'static str,
    journal: Journal,
    log_size: u64,
}

impl Projector for Recorder {
    fn rebuild(&self, state: &State) {
        self.journal.lock().unwrap().push((self.name, "rebuild", state.size()));
    }

    fn begin(&self) -> Box<dyn BatchProjection> {
        Box::new(RecordedBatch { name: self.name, journal: self.journal.clone(), log_size: 0 })
    }
}

impl BatchProjection for RecordedBatch {
    fn applied(&mut self, _state: &State, _entry: &Entry) {}

    fn seal(&mut self, _state: &State, log_size: u64) {
        self.log_size = log_size;
    }

    fn publish(self: Box<Self>) {
        self.journal.lock().unwrap().push((self.name, "publish", self.log_size));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_models_see_only_durable_batches_in_registration_order_and_are_rebuilt_after_a_failure() {
    let db = TestDatabase::new(Backend::Sqlite);
    let (writer, _reader) = dauys_store::open(&db.location()).unwrap();
    let failures = Arc::new(AtomicU32::new(0));
    let journal = Journal::default();
    let projectors: Vec<Arc<dyn Projector>> = ["first", "second"]
        .into_iter()
        .map(|name| Arc::new(Recorder { name, journal: journal.clone() }) as Arc<dyn Projector>)
        .collect();
    let (sequencer, handle, _shared) =
        start(Box::new(FlakyWriter { inner: writer, failures: failures.clone() }), projectors);

    for n in 0..3 {
        handle.submit(notice(n)).await.unwrap();
    }
    failures.store(1000, Ordering::SeqCst);
    assert!(matches!(handle.submit(notice(3)).await, Err(SubmitError::Unavailable(_))));
    failures.store(0, Ordering::SeqCst);
    loop {
        match handle.submit(notice(3)).await {
            Ok(_) => break,
            Err(SubmitError::Unavailable(_)) => tokio::time::sleep(Duration::from_millis(5)).await,
            Err(e) => panic!("{e}"),
        }
    }
    drop(handle);
    tokio::task::spawn_blocking(move || sequencer.join()).await.unwrap();

    let journal = journal.lock().unwrap().clone();
    // Each step reaches every read model, in the order they were registered.
    let steps: Vec<(&str, u64)> = journal
        .chunks(2)
        .map(|pair| {
            assert!(pair.len() == 2 && pair[0].0 == "first" && pair[1].0 == "second", "{journal:?}");
            assert_eq!((pair[0].1, pair[0].2), (pair[1].1, pair[1].2), "{journal:?}");
            (pair[0].1, pair[0].2)
        })
        .collect();
    assert_eq!(steps[0], ("rebuild", 0));
    // After the failure every read model is rebuilt from the three entries storage holds,
    // and the failed batch (a fourth entry) was never published before that.
    let last_rebuild = steps.iter().rposition(|&(what, _)| what == "rebuild").unwrap();
    assert!(last_rebuild > 0, "{steps:?}");
    for (n, &(what, size)) in steps.iter().enumerate().skip(1) {
        match what {
            "rebuild" => assert_eq!(size, 3, "{steps:?}"),
            _ if n < last_rebuild => assert!(size <= 3, "{steps:?}"),
            // A batch that only signs a checkpoint may be published between the rebuild and
            // the retried entry: it reflects the three stored entries.
            _ => assert!((3..=4).contains(&size), "{steps:?}"),
        }
    }
    assert_eq!(steps.last(), Some(&("publish", 4)));
}
