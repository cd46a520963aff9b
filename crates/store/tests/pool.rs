//! The readers' pool has a maximum, counted where it matters: by the real PostgreSQL server
//! (`pg_stat_activity`), which refuses connections past its own `max_connections`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};

use dauys_store::{open_with, Batch, MaxConnections, NewEntry};
use dauys_testkit::{Backend, TestDatabase};

/// Connections to the test's database other than the counting one.
fn connections_to(db: &mut postgres::Client) -> i64 {
    db.query_one(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
        &[],
    )
    .expect("pg_stat_activity")
    .get(0)
}

#[test]
fn a_burst_of_readers_never_opens_more_than_the_maximum_of_connections() {
    const MAX: u32 = 3;
    const READERS: usize = 24;
    let db = TestDatabase::new(Backend::Postgres);
    let (mut writer, reader) =
        open_with(&db.location(), MaxConnections::new(MAX).expect("not zero")).expect("the log opens");
    writer.head().expect("head");
    let entries = (0..200).map(|i| NewEntry { index: i, leaf_hash: [i as u8; 32], body: vec![b'x'; 512] }).collect();
    writer.commit(&Batch { entries, ..Batch::default() }).expect("commit");

    let mut counter = postgres::Client::connect(&db.location(), postgres::NoTls).expect("a counting connection");
    let done = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(READERS + 1));
    let readers: Vec<_> = (0..READERS)
        .map(|_| {
            let (reader, start) = (reader.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                for _ in 0..40 {
                    assert_eq!(reader.entries(0, 200).expect("a read is served, if after a wait").len(), 200);
                }
            })
        })
        .collect();
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !done.load(Ordering::SeqCst) {
                peak = peak.max(connections_to(&mut counter));
            }
            peak
        })
    };
    start.wait();
    for r in readers {
        r.join().expect("reader thread");
    }
    done.store(true, Ordering::SeqCst);
    let peak = sampler.join().expect("sampler thread");
    // The writer holds one connection of its own; the readers share at most MAX.
    assert!(peak <= i64::from(MAX) + 1, "{peak} connections open at once");
    assert!(peak > 1, "the readers ran concurrently ({peak} connections at the peak)");
    drop((writer, reader));
}
