//! The demo's backdated history: written into an empty SQLite log it replays from scratch
//! without a refusal, holds a petition in every status, an answered and an overdue
//! obligation, and the server starts on it without logging its genesis entries again.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use dauys_core::{Entry, LogIndex, ObligationStatus, PetitionStatus, State};
use dauys_server::{demo, router, Instance};
use dauys_testkit::{Backend, TestDatabase};
use tower::ServiceExt;

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_history_replays_and_the_server_starts_on_it() {
    let db = TestDatabase::new(Backend::Sqlite);
    let config = common::config(&db);
    let started = std::time::Instant::now();
    let size = demo::seed_history(&config).expect("history is written").expect("the log was empty");
    eprintln!("demo history: {size} entries in {:?}", started.elapsed());
    assert!(size > 10_000, "a history of {size} entries");
    // A second run finds the log non-empty and writes nothing.
    assert_eq!(demo::seed_history(&config).expect("second run"), None);

    // Replay every entry into a fresh state, as an auditor would.
    let (writer, reader) = dauys_store::open(&config.database_location()).expect("open");
    assert_eq!(reader.size().expect("size"), size);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as u64;
    let mut state = State::default();
    let mut last = 0;
    let mut start = 0;
    while start < size {
        let bodies = reader.entries(start, (start + 5_000).min(size)).expect("entries");
        for body in bodies {
            let entry = Entry::decode(&body).expect("decodes");
            assert!(entry.timestamp.0 >= last && entry.timestamp.0 <= now, "timestamps in order, none in the future");
            last = entry.timestamp.0;
            state.apply(LogIndex(start), &entry).unwrap_or_else(|e| panic!("entry {start} refused: {e}"));
            start += 1;
        }
    }
    assert!(state.petitions().all().all(|p| p.id.as_str().starts_with(demo::history::SEEDED_PREFIX)));
    let statuses: BTreeSet<PetitionStatus> = state.petitions().all().map(|p| p.status).collect();
    for status in [
        PetitionStatus::Draft,
        PetitionStatus::Gathering,
        PetitionStatus::Moderation,
        PetitionStatus::Open,
        PetitionStatus::Closed,
        PetitionStatus::Rejected,
        PetitionStatus::Withdrawn,
        PetitionStatus::Expired,
    ] {
        assert!(statuses.contains(&status), "a petition is {status:?}");
    }
    let obligations: Vec<ObligationStatus> =
        state.petitions().all().filter_map(|p| p.obligation.as_ref().map(|o| o.status)).collect();
    for status in [ObligationStatus::Awaiting, ObligationStatus::Answered, ObligationStatus::Overdue] {
        assert!(obligations.contains(&status), "an obligation is {status:?}: {obligations:?}");
    }
    assert!(state.due_events(dauys_core::Timestamp(last)).is_empty(), "the rules left nothing pending");
    drop((writer, reader));

    // The server starts on it and adds no genesis entries.
    let instance = Instance::start(config).await.expect("instance starts");
    assert_eq!(instance.state.reader.size().expect("size"), size);
    let petitions = instance.state.capabilities.petitions.clone();
    let view = petitions.view();
    assert!(view.all().len() >= 15);

    // Without --demo there is no demo crowd page.
    let response = router(instance.state.clone())
        .oneshot(Request::get("/demo").body(Body::empty()).expect("request"))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    // With it, the page lists the open petitions, and the crowd carries one over its threshold.
    let mut state = instance.state.clone();
    state.demo = true;
    let response = router(state.clone())
        .oneshot(Request::get("/demo").body(Body::empty()).expect("request"))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let bus = view.get(&"p-demo-esil-bus-route".parse().expect("id")).expect("the bus petition");
    let missing = demo::crowd::missing(&bus);
    assert!(missing > 0);
    let added = demo::crowd::add_supporters(&state, &bus, missing).await.expect("supporters added");
    assert_eq!(added, missing);
    let bus = view.get(&bus.id).expect("the bus petition");
    assert!(bus.threshold_reached_at.is_some(), "threshold reached");
    assert_eq!(bus.obligation.as_ref().map(|o| o.status), Some(ObligationStatus::Awaiting));

    // The live demo adds supporters to the seeded open petitions, a few seconds apart.
    let seeded_signatures = || -> u64 {
        view.all()
            .iter()
            .filter(|p| p.status == PetitionStatus::Open && p.id.as_str().starts_with(demo::history::SEEDED_PREFIX))
            .map(|p| p.signatures)
            .sum()
    };
    let before = seeded_signatures();
    let live = tokio::spawn(demo::run(state.clone()));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while seeded_signatures() <= before {
        assert!(std::time::Instant::now() < deadline, "no demo supporter arrived");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    live.abort();
    drop((state, petitions, bus));
    instance.shutdown().await.expect("shutdown");
}
