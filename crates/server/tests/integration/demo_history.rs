//! The demo's backdated history: written into an empty SQLite log it replays from scratch
//! without a refusal, holds a petition in every status, an answered and an overdue
//! obligation, appeals in every status among bodies with territories (forwarded, extended,
//! moved by a ministry's split, complained about), and the server starts on it without
//! logging its genesis entries again; the demo's applicants find their appeals, private
//! texts included.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use dauys_core::{AppealStatus, Entry, LogIndex, ObligationStatus, PetitionStatus, Reorganisation, State, Visibility};
use dauys_server::{demo, router, Instance};
use dauys_testkit::{Backend, TestDatabase};
use tower::ServiceExt;

use crate::common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_history_replays_and_the_server_starts_on_it() {
    let db = TestDatabase::new(Backend::Sqlite);
    let config = common::config(&db);
    let started = std::time::Instant::now();
    let size = demo::seed_history(&config).await.expect("history is written").expect("the log was empty");
    eprintln!("demo history: {size} entries in {:?}", started.elapsed());
    assert!(size > 10_000, "a history of {size} entries");
    // A second run finds the log non-empty and writes nothing.
    assert_eq!(demo::seed_history(&config).await.expect("second run"), None);

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
    // No drafts: they are private, off the log, until launched.
    assert!(!statuses.contains(&PetitionStatus::Draft), "a draft on the log");
    for status in [
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

    // Bodies serve territories and list competences; one ministry was split in two.
    let bodies: Vec<_> = state.registry().bodies().map(|(_, b)| b.clone()).collect();
    assert!(bodies.len() >= 25, "{} bodies", bodies.len());
    assert!(bodies.iter().filter(|b| b.territory.is_some()).count() >= 15, "bodies with a territory");
    assert!(bodies.iter().filter(|b| !b.competences.is_empty()).count() >= 20, "bodies with competences");
    let split: Vec<_> = bodies
        .iter()
        .filter(|b| b.closed.as_ref().is_some_and(|c| matches!(c.reorganisation, Reorganisation::Split { .. })))
        .collect();
    assert_eq!(split.len(), 1, "one body split");
    let split_body = split[0].id.clone();

    // Appeals at every stage.
    let appeals: Vec<_> = state.appeals().all().cloned().collect();
    let statuses: BTreeSet<AppealStatus> = appeals.iter().map(|a| a.status).collect();
    for status in AppealStatus::ALL {
        assert!(statuses.contains(&status), "an appeal is {status:?}");
    }
    let count = |status| appeals.iter().filter(|a| a.status == status).count();
    eprintln!(
        "demo appeals: {} ({} in progress, {} awaiting clarification, {} answered, {} overdue)",
        appeals.len(),
        count(AppealStatus::InProgress),
        count(AppealStatus::AwaitingClarification),
        count(AppealStatus::Answered),
        count(AppealStatus::Overdue)
    );
    let stepped = |kind: &str| appeals.iter().filter(|a| a.steps.iter().any(|s| s.event.as_str() == kind)).count();
    assert!(stepped("appeal.forwarded") >= 1, "one forwarded to the competent body");
    assert!(stepped("appeal.clarified") >= 1, "one clarified");
    assert!(stepped("appeal.rated") >= 1, "one rated");
    assert!(appeals.iter().any(|a| a.extension.is_some() && a.status == AppealStatus::InProgress), "one extended");
    let reassigned: Vec<_> = appeals
        .iter()
        .filter(|a| a.steps.iter().any(|s| s.event.as_str() == "appeal.reassigned" && s.body == split_body))
        .collect();
    assert!(reassigned.len() >= 2, "the split moved the open appeals: {}", reassigned.len());
    let successors: BTreeSet<_> = reassigned.iter().map(|a| a.body().clone()).collect();
    assert_eq!(successors.len(), 2, "to both successors, by topic");
    let split_successors: Vec<_> = split[0].closed.iter().flat_map(|c| c.reorganisation.successors()).collect();
    assert!(
        state
            .petitions()
            .all()
            .any(|p| split_successors.contains(&&p.body)
                && p.transitions.iter().any(|t| t.event == "petition.reassigned")),
        "the split moved a petition"
    );
    let complaint = appeals.iter().find(|a| a.complaint_about.is_some()).expect("a complaint");
    let original = state.appeals().get(complaint.complaint_about.as_ref().expect("about")).expect("its appeal");
    assert_eq!(original.status, AppealStatus::Overdue, "a complaint about a silence");
    let owing = state.registry().body(original.body()).expect("the owing body");
    assert_eq!(owing.parent.as_ref(), Some(complaint.body()), "filed with the parent body");
    assert!(appeals.iter().any(|a| a.visibility == Visibility::Private), "private appeals");
    assert!(appeals.iter().any(|a| a.visibility == Visibility::Public), "public appeals");
    for lang in [dauys_core::Lang::Kk, dauys_core::Lang::Ru, dauys_core::Lang::En] {
        let written = |a: &dauys_core::Appeal| a.text.as_ref().is_some_and(|t| t.get(lang).is_some());
        assert!(appeals.iter().any(|a| written(a)), "a public appeal in {lang:?}");
    }
    drop((writer, reader));

    // The server starts on it and adds no genesis entries.
    let instance = Instance::start(config).await.expect("instance starts");
    assert_eq!(instance.state.reader.size().expect("size"), size);
    let petitions = instance.state.capabilities.petitions.clone();
    let view = petitions.view();
    assert!(view.all().len() >= 15);

    // The demo's people find their appeals, private texts included; the citizen sees the
    // official's opening of hers.
    // (The service holds a sequencer handle: it is only borrowed, so shutting down can finish.)
    let people = instance.state.people.clone();
    let citizen = common::blocking(move || people.check_password("citizen@demo.dauys.kz", "demo citizen password"))
        .await
        .expect("the citizen signs in");
    let service = &instance.state.capabilities.appeals;
    let mine = service.filed_by(&citizen).await.expect("the citizen's appeals");
    assert!(mine.len() >= 5, "{} appeals", mine.len());
    let private = mine.iter().find(|a| a.visibility == Visibility::Private).expect("a private appeal");
    let texts = service.texts_for_applicant(&citizen, &private.id).await.expect("its texts");
    assert!(texts.text.is_some() && !texts.questions.is_empty(), "the sealed text and question: {texts:?}");
    let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis();
    let openings = instance.state.people.openings_seen_by(&citizen, now_ms as u64).expect("openings");
    assert_eq!(openings.len(), 1, "the official's opening of her private appeal");
    assert_eq!(openings[0].opening.case, private.id.as_str());

    // Every appeal's page, the list and the bodies' records render in each language, and
    // the JSON API serves every appeal (a private one without its texts).
    let get = |uri: String| {
        let app = router(instance.state.clone());
        async move {
            let response =
                app.oneshot(Request::get(&uri).body(Body::empty()).expect("request")).await.expect("response");
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), 4 << 20).await.expect("body");
            (status, String::from_utf8_lossy(&bytes).into_owned())
        }
    };
    for page_lang in dauys_core::Lang::ALL {
        let lang = page_lang.as_str();
        for uri in ["/appeals", "/api/v1/bodies", "/api/v1/appeals"] {
            let (status, _) = get(format!("{uri}?lang={lang}")).await;
            assert_eq!(status, StatusCode::OK, "{uri} in {lang}");
        }
        for a in &appeals {
            let (status, page) = get(format!("/appeals/{}?lang={lang}", a.id)).await;
            assert_eq!(status, StatusCode::OK, "the page of {} in {lang}", a.id);
            if let Some(title) = a.title.as_ref().and_then(|t| t.best(page_lang).1.split(' ').next()) {
                assert!(page.contains(title), "{} shows its title", a.id);
            }
            let (status, doc) = get(format!("/api/v1/appeals/{}", a.id)).await;
            assert_eq!(status, StatusCode::OK, "{}: {doc}", a.id);
        }
    }

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
