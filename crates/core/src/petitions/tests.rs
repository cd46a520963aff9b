//! Petition rule tests: thresholds, terms that never change retroactively, deadlines counted in
//! working days of the deployment's calendar, the checks of every petition event with their
//! error codes, the events the rules require, projection rows and entries.
//!
//! Expected dates are counted by hand (the comments show the counting) on the 2026 calendar of
//! [`calendar_2026`] at UTC+5, where a day ends at 19:00 UTC.

use crate::test_world::*;
use crate::*;
use time::macros::date;
use time::Date;

fn topic(code: &str) -> Topic {
    Topic { code: id(code), name: lt(code) }
}

fn population(territory: &str, people: u64) -> Population {
    Population { territory: id(territory), people }
}

fn level(level: Level, threshold: Threshold, collection_days: u16, consideration_working_days: u16) -> LevelRule {
    LevelRule { level, threshold, collection_days, consideration_working_days }
}

/// Small rules, so that a test can sign a petition past every count: 3 initial supporters
/// within 10 working days, 20 working days of moderation; 5 signatures for the Government (90
/// days to collect, 40 working days to answer), 1% / 2% of the population for an oblast's
/// akimat / maslikhat, 4 for a district's akimat (30 days to collect, 20 working days to
/// answer). District maslikhats cannot be petitioned.
fn rules() -> PetitionRules {
    PetitionRules {
        initial_supporters: 3,
        initial_window_working_days: 10,
        moderation_working_days: 20,
        levels: vec![
            level(Level::Government, Threshold::Signatures(5), 90, 40),
            level(Level::OblastAkimat, Threshold::PopulationShare { basis_points: 100 }, 90, 20),
            level(Level::OblastMaslikhat, Threshold::PopulationShare { basis_points: 200 }, 90, 20),
            level(Level::DistrictAkimat, Threshold::Signatures(4), 30, 20),
        ],
        populations: vec![population("akmola", 1_250), population("kostanay", 1_251)],
        topics: vec![topic("roads"), topic("schools")],
        forbidden_topics: vec![topic("constitutional-order")],
    }
}

// ---- events ---------------------------------------------------------------------------

/// A draft by `ps(1)` on roads.
fn draft(p: &str, level: Level, body: &str, territory: Option<&str>) -> Event {
    Event::PetitionDrafted {
        petition: id(p),
        author: ps(1),
        body: id(body),
        level,
        territory: territory.map(id),
        topic: id("roads"),
        title: pt("Fix the road"),
        text: pt("The road to the school needs repair."),
    }
}

fn gov(p: &str) -> Event {
    draft(p, Level::Government, "government", None)
}

fn district(p: &str) -> Event {
    draft(p, Level::DistrictAkimat, "kokshetau-akimat", Some("akmola/kokshetau"))
}

/// `e` with a change.
fn changed(mut e: Event, change: impl FnOnce(&mut Event)) -> Event {
    change(&mut e);
    e
}

fn launch(p: &str) -> Event {
    Event::PetitionLaunched { petition: id(p), by: ps(1) }
}

fn sign_in(p: &str, n: u8, region: Region) -> Event {
    Event::PetitionSigned { petition: id(p), signer: ps(n), region }
}

fn sign(p: &str, n: u8) -> Event {
    sign_in(p, n, Region::Akmola)
}

fn accept(p: &str, by: &str) -> Event {
    Event::PetitionAccepted { petition: id(p), by: id(by) }
}

fn reject(p: &str, reason: RejectionReason, forbidden_topic: Option<&str>, duplicate_of: Option<&str>) -> Event {
    Event::PetitionRejected {
        petition: id(p),
        by: id("u-mod"),
        reason,
        forbidden_topic: forbidden_topic.map(id),
        duplicate_of: duplicate_of.map(id),
        comment: "see the rules".into(),
    }
}

fn withdraw(p: &str, author: u8) -> Event {
    Event::PetitionWithdrawn { petition: id(p), by: ps(author), reason: "solved".into() }
}

fn invalidate(p: &str, n: u8, by: &str) -> Event {
    Event::SignatureInvalidated { petition: id(p), signer: ps(n), by: id(by), reason: "flagged burst".into() }
}

fn submitted(p: &str, moderation_due: Date) -> Event {
    Event::PetitionSubmitted { petition: id(p), moderation_due }
}

fn expired(p: &str) -> Event {
    Event::PetitionExpired { petition: id(p) }
}

fn moderation_overdue(p: &str) -> Event {
    Event::PetitionModerationOverdue { petition: id(p) }
}

fn closed(p: &str, threshold_reached: bool) -> Event {
    Event::PetitionClosed { petition: id(p), threshold_reached }
}

fn obligation(p: &str, body: &str, due: Date) -> Event {
    Event::ObligationOpened { petition: id(p), body: id(body), due }
}

fn overdue(p: &str) -> Event {
    Event::ObligationOverdue { petition: id(p) }
}

fn answer(p: &str, by: &str) -> Event {
    Event::ObligationAnswered {
        petition: id(p),
        by: id(by),
        decision: Decision::PartiallySupported,
        answer: pt("The road is repaired in May."),
        discussion: pt("Discussed at the session of 20 April."),
        head_statement: pt("We agree in part."),
    }
}

// ---- the world ------------------------------------------------------------------------

impl World {
    /// A deployment at UTC+5 with the 2026 calendar, a body of each kind, staff, and `rules`
    /// if given, all set up on Monday 2 March 2026 at 10:00 local time.
    ///
    /// Staff: `u-admin` administrator; `u-mod` moderator of the deployment; `u-bmod` moderator
    /// of `kokshetau-akimat` only; `u-off` official and `u-head` head of `kokshetau-akimat`;
    /// `u-gov` official of `government`.
    fn with(rules: Option<PetitionRules>) -> World {
        let mut w = World { s: State::default(), at: local(date!(2026 - 03 - 02), 10, 0) };
        let body = |b: &str, kind| Event::BodyRegistered {
            body: id(b),
            name: lt(b),
            kind,
            parent: None,
            territory: None,
            competences: None,
        };
        let grant = |account: &str, role, body: Option<&str>| Event::RoleGranted {
            account: id(account),
            role,
            body: body.map(id),
            by: Some(id("u-admin")),
            name: None,
        };
        let mut setup = vec![
            Event::DeploymentConfigured { name: lt("dauys"), utc_offset_minutes: OFFSET, act_rule: None },
            calendar_2026(),
            body("government", BodyKind::Government),
            body("mdai", BodyKind::Ministry),
            body("akmola-akimat", BodyKind::Akimat),
            body("akmola-maslikhat", BodyKind::Maslikhat),
            body("kokshetau-akimat", BodyKind::Akimat),
            Event::RoleGranted { account: id("u-admin"), role: Role::Administrator, body: None, by: None, name: None },
            grant("u-mod", Role::Moderator, None),
            grant("u-bmod", Role::Moderator, Some("kokshetau-akimat")),
            grant("u-off", Role::Official, Some("kokshetau-akimat")),
            grant("u-head", Role::Head, Some("kokshetau-akimat")),
            grant("u-gov", Role::Official, Some("government")),
        ];
        setup.extend(rules.map(|rules| Event::PetitionRulesPublished { rules }));
        for e in setup {
            w.apply(e);
        }
        w
    }

    fn new() -> World {
        World::with(Some(rules()))
    }

    #[track_caller]
    fn p(&self, p: &str) -> &Petition {
        self.s.petitions().get(&id(p)).expect("petition exists")
    }

    #[track_caller]
    fn obligation(&self, p: &str) -> &Obligation {
        self.p(p).obligation.as_ref().expect("obligation opened")
    }

    /// Launches a drafted petition, gathers its initial supporters (pseudonyms 101, 102, ...)
    /// and has `u-mod` accept it, all now.
    #[track_caller]
    fn open_drafted(&mut self, p: &str) {
        self.ok(launch(p));
        for n in 0..self.p(p).terms.initial_supporters {
            self.ok(sign(p, 101 + n as u8));
        }
        self.ok(accept(p, "u-mod"));
        assert_eq!(self.p(p).status, PetitionStatus::Open);
    }

    /// Drafts and opens a petition now.
    #[track_caller]
    fn open(&mut self, draft: Event) {
        let p = draft.petition().cloned().expect("a petition event");
        self.ok(draft);
        self.open_drafted(p.as_str());
    }

    /// A staff act as the server submits it: first the conflict-of-interest rule with the
    /// staff member's pseudonym for the petition (`None`: not a verified person), then the
    /// fold and what the rules require after it. Refused with the rule's code, changing nothing.
    #[track_caller]
    fn staff_act(&mut self, e: Event, actor: Option<Pseudonym>) -> Result<(), &'static str> {
        let act = StaffAct::of(&e).expect("a staff act");
        let petition = e.petition().cloned().expect("a petition event");
        let before = (self.s.clone(), self.s.rows());
        let checked =
            self.s.petitions().get(&petition).expect("petition exists").check_conflict_of_interest(act, actor.as_ref());
        if let Err(refused) = checked {
            assert_eq!((self.s.clone(), self.s.rows()), before, "a refused {} changed the state", e.kind());
            return Err(refused.code());
        }
        self.ok(e);
        Ok(())
    }
}

// ---- thresholds and terms -------------------------------------------------------------

#[test]
fn thresholds_are_absolute_or_a_population_share_rounded_up() {
    let populations = vec![population("akmola", 1_250), population("kostanay", 1_251), population("abai", 1_300)];
    let mut w = World::with(Some(kazakhstan_rules(populations, vec![topic("roads")], vec![])));
    let rules_index = w.s.petitions().rules().map(|r| r.index);
    // (draft, threshold, working days to answer)
    let cases = [
        (gov("p-1"), 50_000, 40),
        (draft("p-2", Level::Government, "mdai", None), 50_000, 40),
        // 1% of 1,250 is 12.5: 13 signatures.
        (draft("p-3", Level::OblastAkimat, "akmola-akimat", Some("akmola")), 13, 20),
        // 1% of 1,300 is exactly 13.
        (draft("p-4", Level::OblastAkimat, "akmola-akimat", Some("abai")), 13, 20),
        // 2% of 1,250 is exactly 25; 2% of 1,251 is 25.02: 26.
        (draft("p-5", Level::OblastMaslikhat, "akmola-maslikhat", Some("akmola")), 25, 20),
        (draft("p-6", Level::OblastMaslikhat, "akmola-maslikhat", Some("kostanay")), 26, 20),
        (draft("p-7", Level::DistrictAkimat, "kokshetau-akimat", Some("akmola/kokshetau")), 2_500, 20),
        (draft("p-8", Level::DistrictMaslikhat, "akmola-maslikhat", Some("akmola/kokshetau")), 5_000, 20),
    ];
    for (e, threshold, answer_days) in cases {
        let p = e.petition().cloned().expect("petition");
        w.ok(e);
        let terms = &w.p(p.as_str()).terms;
        assert_eq!(terms.threshold, threshold, "{p}");
        assert_eq!(Some(terms.rules_index), rules_index);
        assert_eq!((terms.initial_supporters, terms.initial_window_working_days), (50, 10));
        assert_eq!((terms.moderation_working_days, terms.collection_days), (20, 90));
        assert_eq!(terms.consideration_working_days, answer_days, "{p}");
    }
}

#[test]
fn drafts_the_rules_cannot_price_are_refused() {
    World::with(None).refused(gov("p-1"), "no-petition-rules");

    let mut w = World::new();
    let oblast = |p: &str, body: &str, territory: Option<&str>| draft(p, Level::OblastAkimat, body, territory);
    w.refused(oblast("p-1", "akmola-akimat", Some("pavlodar")), "no-population-figure");
    w.refused(
        draft("p-1", Level::DistrictMaslikhat, "akmola-maslikhat", Some("akmola/kokshetau")),
        "level-not-petitionable",
    );
    w.refused(oblast("p-1", "akmola-maslikhat", Some("akmola")), "body-not-at-level");
    w.refused(draft("p-1", Level::Government, "akmola-akimat", None), "body-not-at-level");
    w.refused(draft("p-1", Level::OblastMaslikhat, "mdai", Some("akmola")), "body-not-at-level");
    w.refused(draft("p-1", Level::DistrictAkimat, "nowhere", Some("akmola/kokshetau")), "unknown-body");
    // The territory's shape follows the level.
    w.refused(draft("p-1", Level::Government, "government", Some("akmola")), "territory-shape");
    w.refused(oblast("p-1", "akmola-akimat", None), "territory-shape");
    w.refused(oblast("p-1", "akmola-akimat", Some("akmola/kokshetau")), "territory-shape");
    w.refused(draft("p-1", Level::DistrictAkimat, "kokshetau-akimat", Some("akmola")), "territory-shape");
    // Only listed topics; a forbidden topic is not one.
    for code in ["weather", "constitutional-order"] {
        w.refused(changed(gov("p-1"), |e| set_topic(e, code)), "unknown-topic");
    }
    w.refused(changed(gov("p-1"), |e| set_title(e, PartialText::default())), "empty-field");
    w.refused(
        changed(gov("p-1"), |e| set_title(e, PartialText { kk: Some(" ".into()), ..pt("x") })),
        "blank-translation",
    );

    // A share of the whole country cannot be computed (populations are per territory), so
    // rules that ask for one are refused before any petition could meet them.
    let mut national = rules();
    let government = national.levels.iter().position(|l| l.level == Level::Government).expect("government level");
    national.levels[government].threshold = Threshold::PopulationShare { basis_points: 1 };
    w.refused(Event::PetitionRulesPublished { rules: national }, "share-without-territory");
    assert_eq!(w.s.petitions().all().count(), 0);
}

fn set_topic(e: &mut Event, code: &str) {
    if let Event::PetitionDrafted { topic, .. } = e {
        *topic = id(code);
    }
}

fn set_title(e: &mut Event, text: PartialText) {
    if let Event::PetitionDrafted { title, .. } = e {
        *title = text;
    }
}

#[test]
fn new_rules_never_apply_retroactively() {
    let mut w = World::new();
    let rules_a = w.s.petitions().rules().map(|r| r.index).expect("rules");
    w.ok(gov("p-kept"));
    w.ok(gov("p-redrafted"));
    let first = w.p("p-redrafted").index;

    w.at = Timestamp(w.at.0 + HOUR);
    let mut b = rules();
    b.initial_supporters = 4;
    b.levels[0].threshold = Threshold::Signatures(7);
    b.levels[0].consideration_working_days = 30;
    w.ok(Event::PetitionRulesPublished { rules: b });
    let rules_b = w.s.petitions().rules().map(|r| r.index).expect("rules");

    let kept = &w.p("p-kept").terms;
    assert_eq!((kept.threshold, kept.initial_supporters, kept.consideration_working_days), (5, 3, 40));
    assert_eq!(kept.rules_index, rules_a);
    w.ok(gov("p-new"));
    let new = &w.p("p-new").terms;
    assert_eq!((new.threshold, new.initial_supporters, new.consideration_working_days), (7, 4, 30));
    assert_eq!(new.rules_index, rules_b);

    // The author's edit of a draft takes the rules in force; the petition keeps its id, its
    // first index and drafting time, and records the edit.
    w.at = Timestamp(w.at.0 + HOUR);
    w.ok(changed(gov("p-redrafted"), |e| set_title(e, pt("Fix both roads"))));
    let p = w.p("p-redrafted");
    assert_eq!((p.terms.threshold, p.terms.rules_index), (7, rules_b));
    assert_eq!((p.index, p.drafted_at), (first, local(date!(2026 - 03 - 02), 10, 0)));
    assert_eq!(p.title, pt("Fix both roads"));
    assert_eq!(p.transitions.len(), 2);
    assert!(p.transitions.iter().all(|t| t.event == "petition.drafted" && t.status == PetitionStatus::Draft));

    // Launched after the change, the old draft still needs only the old 3 supporters.
    w.ok(launch("p-kept"));
    assert!(w.ok(sign("p-kept", 1)).is_empty());
    assert!(w.ok(sign("p-kept", 2)).is_empty());
    assert!(matches!(w.ok(sign("p-kept", 3)).as_slice(), [Event::PetitionSubmitted { .. }]));
    // Only a draft can be edited, and only by its author.
    w.refused(gov("p-kept"), "petition-status");
    w.refused(changed(gov("p-new"), |e| set_author(e, 2)), "not-author");
    w.refused(Event::PetitionLaunched { petition: id("p-new"), by: ps(2) }, "not-author");
    w.refused(launch("p-none"), "unknown-petition");
}

fn set_author(e: &mut Event, n: u8) {
    if let Event::PetitionDrafted { author, .. } = e {
        *author = ps(n);
    }
}

// ---- deadlines ------------------------------------------------------------------------

#[test]
fn windows_are_counted_from_the_local_date() {
    // At UTC+5 a day ends at 19:00 UTC, and 00:30 local time is the previous UTC day.
    assert_eq!(end_of(date!(2026 - 04 - 02)).to_rfc3339(), "2026-04-02T19:00:00.000Z");
    assert_eq!(local(date!(2026 - 03 - 17), 0, 30).to_rfc3339(), "2026-03-16T19:30:00.000Z");

    let mut w = World::new();
    w.ok(gov("p-1"));
    w.ok(gov("p-2"));
    // Launched on Monday 16 March. Ten working days after it: 17, 18, 19, 20 (4), [21–22
    // weekend, 23–25 Nauryz], 26, 27 (6), [weekend], 30, 31 March, 1, 2 April (10).
    w.at = local(date!(2026 - 03 - 16), 10, 0);
    w.ok(launch("p-1"));
    assert_eq!(w.p("p-1").gathering_ends_at.map(|t| t.to_rfc3339()), Some("2026-04-02T19:00:00.000Z".into()));
    // Launched at 00:30 on Tuesday 17 March local time, still Monday in UTC: the window counts
    // from the local date and ends a working day later, on Friday 3 April.
    w.at = local(date!(2026 - 03 - 17), 0, 30);
    w.ok(launch("p-2"));
    assert_eq!(w.p("p-2").gathering_ends_at.map(|t| t.to_rfc3339()), Some("2026-04-03T19:00:00.000Z".into()));

    // The third supporter signs on Friday 20 March. Moderation is due 20 working days later:
    // [21–25 off], 26, 27, 30, 31 March, 1, 2, 3 April (7), 6–10 (12), 13–17 (17), 20, 21,
    // 22 April (20).
    w.at = local(date!(2026 - 03 - 20), 12, 0);
    assert!(w.ok(sign("p-1", 1)).is_empty());
    assert!(w.ok(sign("p-1", 2)).is_empty());
    assert_eq!(w.ok(sign("p-1", 3)), [submitted("p-1", date!(2026 - 04 - 22))]);
    let p = w.p("p-1");
    assert_eq!((p.status, p.moderation_due), (PetitionStatus::Moderation, Some(date!(2026 - 04 - 22))));

    // Accepted on Thursday 16 April, it collects for 90 calendar days (14 to 30 April, 31 in
    // May, 30 in June, 15 in July): until the end of Wednesday 15 July.
    w.at = local(date!(2026 - 04 - 16), 15, 0);
    w.ok(accept("p-1", "u-mod"));
    let p = w.p("p-1");
    assert_eq!(p.closes_at.map(|t| t.to_rfc3339()), Some("2026-07-15T19:00:00.000Z".into()));
    assert_eq!(p.opened_at(), Some(w.at));
    let steps: Vec<(&str, PetitionStatus)> = p.transitions.iter().map(|t| (t.event.as_str(), t.status)).collect();
    assert_eq!(
        steps,
        [
            ("petition.drafted", PetitionStatus::Draft),
            ("petition.launched", PetitionStatus::Gathering),
            ("petition.submitted", PetitionStatus::Moderation),
            ("petition.accepted", PetitionStatus::Open),
        ]
    );
    assert_eq!(p.transitions[3].by, Some(id("u-mod")));
}

#[test]
fn obligations_are_due_in_working_days_from_the_local_date_of_the_threshold() {
    let mut w = World::new();
    w.open(district("p-evening"));
    w.open(district("p-night"));
    // The fourth signature reaches the threshold at 23:59 on Tuesday 10 March: 20 working
    // days from 10 March are 11, 12, 13, 16–20 (8), [21–25 off], 26, 27, 30, 31 March,
    // 1, 2, 3 April (15), 6–10 (20): Friday 10 April.
    w.at = local(date!(2026 - 03 - 10), 23, 59);
    assert_eq!(w.ok(sign("p-evening", 1)), [obligation("p-evening", "kokshetau-akimat", date!(2026 - 04 - 10))]);
    // At 00:30 on Wednesday 11 March local time, still Tuesday in UTC, the local date counts:
    // one working day later, over the weekend of 11–12 April, Monday 13 April.
    w.at = local(date!(2026 - 03 - 11), 0, 30);
    assert_eq!(w.at.to_rfc3339(), "2026-03-10T19:30:00.000Z");
    assert_eq!(w.ok(sign("p-night", 1)), [obligation("p-night", "kokshetau-akimat", date!(2026 - 04 - 13))]);
    let p = w.p("p-night");
    assert_eq!(p.threshold_reached_at, Some(w.at));
    let o = w.obligation("p-night");
    assert_eq!((o.status, o.due, o.opened_at), (ObligationStatus::Awaiting, date!(2026 - 04 - 13), w.at));
    assert_eq!(o.due_at.to_rfc3339(), "2026-04-13T19:00:00.000Z");

    // Over the May holidays: a petition to the Government (40 working days) reaching its
    // threshold on Thursday 30 April: [1 May, weekend], 4, 5, 6 (3), [7 May], 8 (4), [weekend,
    // 11 May], 12–15 (8), 18–22 (13), 25, 26 (15), [27 May], 28, 29 (17), 1–5 June (22),
    // 8–12 (27), 15–19 (32), 22–26 (37), 29, 30 June, 1 July (40).
    w.open(gov("p-gov"));
    w.ok(sign("p-gov", 1));
    w.at = local(date!(2026 - 04 - 30), 12, 0);
    assert_eq!(w.ok(sign("p-gov", 2)), [obligation("p-gov", "government", date!(2026 - 07 - 01))]);
    assert_eq!(w.obligation("p-gov").due_at.to_rfc3339(), "2026-07-01T19:00:00.000Z");
}

#[test]
fn deadline_events_wait_for_the_end_of_the_day() {
    let mut w = World::new();
    w.ok(gov("p-few"));
    w.ok(gov("p-full"));
    // Launched on Monday 16 March: the initial window ends with Thursday 2 April.
    w.at = local(date!(2026 - 03 - 16), 10, 0);
    w.ok(launch("p-few"));
    w.ok(launch("p-full"));
    w.ok(sign("p-few", 1));
    // p-full has its supporters, but its petition.submitted is not logged yet.
    for n in 1..=3 {
        w.apply(sign("p-full", n));
    }
    let ends = end_of(date!(2026 - 04 - 02));
    assert_eq!(w.p("p-few").gathering_ends_at, Some(ends));

    w.at = Timestamp(ends.0 - 1);
    w.refused(expired("p-few"), "not-yet-due");
    w.refused(expired("p-full"), "not-yet-due");
    w.apply(sign("p-few", 2));
    // 20 working days after 2 April: 3, 6–10 (6), 13–17 (11), 20–24 (16), 27–30 April (20).
    assert_eq!(w.s.due_events(w.at), [submitted("p-full", date!(2026 - 04 - 30))]);

    w.at = ends;
    w.refused(sign("p-few", 3), "window-ended");
    // p-full has enough supporters: it goes to moderation, it does not expire.
    w.refused(expired("p-full"), "rule-mismatch");
    // From 3 April: 6–10 (5), 13–17 (10), 20–24 (15), 27–30 (19), [1 May, weekend], 4 May (20).
    w.refused(submitted("p-full", date!(2026 - 04 - 30)), "rule-mismatch");
    w.refused(submitted("p-few", date!(2026 - 05 - 04)), "supporters-missing");
    assert_eq!(w.tick(ends), [expired("p-few"), submitted("p-full", date!(2026 - 05 - 04))]);
    assert_eq!(w.p("p-few").status, PetitionStatus::Expired);
    assert_eq!(w.p("p-full").moderation_due, Some(date!(2026 - 05 - 04)));
    w.refused(expired("p-few"), "petition-status");
    w.refused(submitted("p-full", date!(2026 - 05 - 04)), "petition-status");

    // Moderators have until the end of Monday 4 May local time; a missed deadline is
    // recorded once, and the petition still waits for their decision.
    let moderation_ends = end_of(date!(2026 - 05 - 04));
    w.at = Timestamp(moderation_ends.0 - 1);
    w.refused(moderation_overdue("p-full"), "not-yet-due");
    assert_eq!(w.s.due_events(w.at), []);
    assert_eq!(w.tick(moderation_ends), [moderation_overdue("p-full")]);
    let p = w.p("p-full");
    assert_eq!((p.status, p.moderation_overdue_at), (PetitionStatus::Moderation, Some(moderation_ends)));
    w.refused(moderation_overdue("p-full"), "already-overdue");
    w.refused(moderation_overdue("p-few"), "petition-status");
    assert_eq!(w.tick(Timestamp(moderation_ends.0 + 86_400_000)), []);
    w.ok(accept("p-full", "u-mod"));
    assert_eq!(w.p("p-full").status, PetitionStatus::Open);
}

#[test]
fn closing_and_obligation_events_carry_what_the_rules_decide() {
    let mut w = World::new();
    w.open(district("p-short"));
    w.open(district("p-reached"));
    // The threshold is reached; obligation.opened is not logged yet.
    w.apply(sign("p-reached", 1));
    // Accepted on Monday 2 March, 30 days to collect: until the end of Wednesday 1 April.
    let closes = end_of(date!(2026 - 04 - 01));
    assert_eq!(w.p("p-short").closes_at, Some(closes));

    w.at = Timestamp(closes.0 - 1);
    w.refused(closed("p-short", false), "not-yet-due");
    // Signing is open until the last millisecond (the invalidation keeps p-short below 4).
    w.refused(invalidate("p-short", 101, "u-off"), "not-moderator");
    w.apply(invalidate("p-short", 101, "u-bmod"));
    w.apply(sign("p-short", 1));

    w.at = closes;
    w.refused(sign("p-short", 2), "window-ended");
    w.refused(closed("p-short", true), "rule-mismatch");
    w.refused(closed("p-reached", true), "no-obligation");
    // 20 working days from 2 March: 3–6 (4), [weekend, 9 March], 10–13 (8), 16–20 (13),
    // [21–25 off], 26, 27 (15), 30, 31 March, 1, 2, 3 April (20).
    w.refused(obligation("p-reached", "kokshetau-akimat", date!(2026 - 04 - 02)), "rule-mismatch");
    w.refused(obligation("p-reached", "akmola-akimat", date!(2026 - 04 - 03)), "rule-mismatch");
    w.refused(obligation("p-short", "kokshetau-akimat", date!(2026 - 04 - 03)), "threshold-not-reached");
    assert_eq!(
        w.tick(closes),
        [
            obligation("p-reached", "kokshetau-akimat", date!(2026 - 04 - 03)),
            closed("p-reached", true),
            closed("p-short", false),
        ]
    );
    w.refused(obligation("p-reached", "kokshetau-akimat", date!(2026 - 04 - 03)), "obligation-exists");
    w.refused(closed("p-reached", true), "petition-status");
    w.refused(sign("p-reached", 9), "petition-status");

    // Overdue from the end of the due day.
    let due_at = w.obligation("p-reached").due_at;
    assert_eq!(due_at.to_rfc3339(), "2026-04-03T19:00:00.000Z");
    w.at = Timestamp(due_at.0 - 1);
    w.refused(overdue("p-reached"), "not-yet-due");
    w.refused(overdue("p-short"), "no-obligation");
    assert!(w.s.due_events(w.at).is_empty());
    assert_eq!(w.tick(due_at), [overdue("p-reached")]);
    let o = w.obligation("p-reached");
    assert_eq!((o.status, o.overdue_at), (ObligationStatus::Overdue, Some(due_at)));
    w.refused(overdue("p-reached"), "already-overdue");

    // A late answer is published; the record keeps that it came late.
    w.at = Timestamp(due_at.0 + DAY);
    w.refused(answer("p-short", "u-off"), "no-obligation");
    w.refused(answer("p-reached", "u-admin"), "not-official-of-body");
    w.refused(answer("p-reached", "u-gov"), "not-official-of-body");
    w.refused(answer("p-reached", "u-bmod"), "not-official-of-body");
    w.ok(answer("p-reached", "u-head"));
    let o = w.obligation("p-reached");
    assert_eq!((o.status, o.overdue_at), (ObligationStatus::Answered, Some(due_at)));
    let a = o.answer.as_ref().expect("answer");
    assert_eq!((&a.by, a.decision, a.answered_at), (&id::<AccountId>("u-head"), Decision::PartiallySupported, w.at));
    w.refused(answer("p-reached", "u-off"), "already-answered");
    w.refused(overdue("p-reached"), "already-answered");
    assert!(w.s.due_events(Timestamp(w.at.0 + 365 * DAY)).is_empty());
    let summary = w.s.public_state();
    assert_eq!(summary.petitions.obligations.get("answered"), Some(&1));
    assert_eq!(summary.petitions.by_status.get("closed"), Some(&2));
}

#[test]
fn far_future_deadlines_saturate() {
    let mut w = World::new();
    w.ok(district("p-1"));
    // Near the last timestamp an entry may carry, every deadline is the end of 9999-12-31.
    w.at = Timestamp(Timestamp::MAX.0 - DAY);
    w.open_drafted("p-1");
    let p = w.p("p-1");
    let last = end_of(Date::MAX);
    assert_eq!(last.to_rfc3339(), "9999-12-31T19:00:00.000Z");
    assert_eq!((p.gathering_ends_at, p.closes_at), (Some(last), Some(last)));
    assert_eq!(p.moderation_due, Some(Date::MAX));
    assert_eq!(w.ok(sign("p-1", 1)), [obligation("p-1", "kokshetau-akimat", Date::MAX)]);
}

// ---- signing and follow-ups -----------------------------------------------------------

#[test]
fn signing_needs_an_open_window_the_territory_and_one_signature_per_person() {
    let mut w = World::new();
    w.ok(district("p-1"));
    w.refused(sign("p-1", 1), "petition-status");
    w.refused(sign("p-none", 1), "unknown-petition");
    w.ok(launch("p-1"));
    w.refused(sign_in("p-1", 1, Region::Astana), "outside-territory");
    w.ok(sign("p-1", 1));
    w.refused(sign("p-1", 1), "already-signed");
    w.ok(sign("p-1", 2));
    w.ok(sign("p-1", 3));
    assert_eq!(w.p("p-1").status, PetitionStatus::Moderation);
    w.refused(sign("p-1", 4), "petition-status");
    w.ok(accept("p-1", "u-bmod"));
    w.refused(sign("p-1", 2), "already-signed");
    // An invalidated signature still counts as signed: the person cannot sign again.
    w.ok(invalidate("p-1", 2, "u-mod"));
    w.refused(sign("p-1", 2), "already-signed");

    // A petition to the Government takes signers from every region.
    w.ok(gov("p-gov"));
    w.ok(launch("p-gov"));
    for (n, region) in [(1, Region::Astana), (2, Region::Shymkent), (3, Region::Akmola)] {
        w.ok(sign_in("p-gov", n, region));
    }
    let by_region: Vec<(Region, u64)> = w.p("p-gov").by_region.iter().map(|(r, n)| (*r, *n)).collect();
    assert_eq!(by_region, [(Region::Akmola, 1), (Region::Astana, 1), (Region::Shymkent, 1)]);
}

#[test]
fn follow_ups_come_when_the_counts_are_reached() {
    let mut w = World::new();
    w.ok(district("p-1"));
    w.ok(launch("p-1"));
    // Applied without logging what follows, which is returned instead.
    let apply = |w: &mut World, e: Event| {
        w.apply(e);
        w.s.take_follow_ups(w.at)
    };
    assert!(apply(&mut w, sign("p-1", 1)).is_empty());
    assert!(apply(&mut w, sign("p-1", 2)).is_empty());
    // 20 working days from Monday 2 March: 3–6 (4), [weekend, 9 March], 10–13 (8), 16–20
    // (13), [21–25 off], 26, 27 (15), 30, 31 March, 1, 2, 3 April (20).
    let third = apply(&mut w, sign("p-1", 3));
    assert_eq!(third, [submitted("p-1", date!(2026 - 04 - 03))]);
    // Taken once: the sequencer logs them right away.
    assert!(w.s.take_follow_ups(w.at).is_empty());
    w.ok(third[0].clone());
    assert!(apply(&mut w, accept("p-1", "u-mod")).is_empty());
    assert!(w.p("p-1").threshold_reached_at.is_none());
    // The threshold is 4: the fourth valid signature opens the obligation.
    w.at = local(date!(2026 - 03 - 03), 9, 0);
    w.ok(invalidate("p-1", 3, "u-mod"));
    assert!(apply(&mut w, sign("p-1", 4)).is_empty());
    let fifth = apply(&mut w, sign("p-1", 5));
    // 20 working days from 3 March: 4, 5, 6 (3), 10–13 (7), 16–20 (12), 26, 27 (14),
    // 30, 31 March, 1, 2, 3 (19), 6 April (20).
    assert_eq!(fifth, [obligation("p-1", "kokshetau-akimat", date!(2026 - 04 - 06))]);
    assert_eq!(w.p("p-1").threshold_reached_at, Some(w.at));
    w.ok(fifth[0].clone());
    assert!(apply(&mut w, sign("p-1", 6)).is_empty());

    // Accepted with the threshold already met (here the rules ask 2 signatures, fewer than
    // the 3 initial supporters): the acceptance reaches it, and the obligation follows.
    let mut low = rules();
    low.levels[0].threshold = Threshold::Signatures(2);
    w.ok(Event::PetitionRulesPublished { rules: low });
    w.ok(gov("p-low"));
    w.ok(launch("p-low"));
    for n in 1..=3 {
        w.ok(sign("p-low", n));
    }
    w.at = local(date!(2026 - 03 - 04), 9, 0);
    // 40 working days from Wednesday 4 March: 5, 6 (2), 10–13 (6), 16–20 (11), 26, 27 (13),
    // 30 March – 3 April (18), 6–10 (23), 13–17 (28), 20–24 (33), 27–30 April (37), [1 May,
    // weekend], 4, 5, 6 May (40).
    assert_eq!(w.ok(accept("p-low", "u-mod")), [obligation("p-low", "government", date!(2026 - 05 - 06))]);
    assert_eq!(w.p("p-low").threshold_reached_at, Some(w.at));
    assert_eq!(w.p("p-low").signatures, 3);
}

// ---- moderators, authors, officials ---------------------------------------------------

#[test]
fn moderation_is_for_moderators_with_coded_reasons() {
    let mut w = World::new();
    for p in ["p-gov", "p-dup", "p-topic"] {
        w.ok(gov(p));
        w.ok(launch(p));
    }
    w.ok(district("p-local"));
    w.ok(launch("p-local"));
    w.refused(accept("p-gov", "u-mod"), "petition-status");
    for n in 1..=3 {
        w.ok(sign("p-gov", n));
        w.ok(sign("p-local", n));
    }
    // A moderator of the deployment, or of the addressed body.
    w.refused(accept("p-gov", "u-bmod"), "not-moderator");
    w.refused(accept("p-gov", "u-gov"), "not-moderator");
    w.refused(accept("p-gov", "u-admin"), "not-moderator");
    w.refused(accept("p-none", "u-mod"), "unknown-petition");
    w.ok(accept("p-local", "u-bmod"));
    w.ok(accept("p-gov", "u-mod"));
    w.refused(accept("p-gov", "u-mod"), "petition-status");

    // Reasons and what they cite go together.
    use RejectionReason::*;
    w.refused(reject("p-topic", ForbiddenTopic, None, None), "rejection-shape");
    w.refused(reject("p-topic", Duplicate, Some("constitutional-order"), Some("p-gov")), "rejection-shape");
    w.refused(reject("p-topic", Offensive, None, Some("p-gov")), "rejection-shape");
    w.refused(reject("p-topic", Unclear, Some("constitutional-order"), None), "rejection-shape");
    w.refused(reject("p-topic", ForbiddenTopic, Some("elections"), None), "unknown-forbidden-topic");
    w.refused(reject("p-topic", ForbiddenTopic, Some("roads"), None), "unknown-forbidden-topic");
    w.refused(reject("p-dup", Duplicate, None, Some("p-dup")), "rule-mismatch");
    w.refused(reject("p-dup", Duplicate, None, Some("p-none")), "unknown-petition");
    w.refused(reject("p-gov", Unclear, None, None), "petition-status");
    w.refused(changed(reject("p-dup", Unclear, None, None), |e| set_by(e, "u-off")), "not-moderator");
    // A petition still gathering supporters may be rejected.
    w.ok(reject("p-dup", Duplicate, None, Some("p-gov")));
    w.ok(reject("p-topic", ForbiddenTopic, Some("constitutional-order"), None));
    let p = w.p("p-dup");
    let r = p.rejection.as_ref().expect("rejection");
    assert_eq!((p.status, r.reason, r.duplicate_of.clone()), (PetitionStatus::Rejected, Duplicate, Some(id("p-gov"))));
    assert_eq!(p.transitions.last().and_then(|t| t.by.clone()), Some(id("u-mod")));
    w.refused(sign("p-dup", 9), "petition-status");
    w.refused(withdraw("p-dup", 1), "petition-status");
}

fn set_by(e: &mut Event, account: &str) {
    if let Event::PetitionRejected { by, .. } = e {
        *by = id(account);
    }
}

#[test]
fn only_the_author_withdraws_and_only_before_the_threshold() {
    let mut w = World::new();
    w.ok(gov("p-draft"));
    w.ok(gov("p-gathering"));
    w.ok(launch("p-gathering"));
    w.open(district("p-open"));
    w.open(district("p-reached"));
    w.ok(sign("p-reached", 1));

    w.refused(withdraw("p-open", 2), "not-author");
    w.refused(withdraw("p-reached", 1), "threshold-reached");
    w.refused(withdraw("p-none", 1), "unknown-petition");
    for p in ["p-draft", "p-gathering", "p-open"] {
        w.ok(withdraw(p, 1));
        let p = w.p(p);
        assert_eq!((p.status, p.withdrawal_reason.as_deref()), (PetitionStatus::Withdrawn, Some("solved")));
        assert_eq!(p.transitions.last().map(|t| t.by.clone()), Some(None));
    }
    w.refused(withdraw("p-open", 1), "petition-status");
    w.refused(sign("p-open", 9), "petition-status");
    w.refused(changed(withdraw("p-reached", 1), |e| set_reason(e, " ")), "empty-field");
}

fn set_reason(e: &mut Event, text: &str) {
    if let Event::PetitionWithdrawn { reason, .. } = e {
        *reason = text.into();
    }
}

// ---- conflicts of interest ------------------------------------------------------------
//
// Every test petition is written by `ps(1)`. Staff act under their account and the author
// appears only by pseudonym, so the rule takes the staff member's pseudonym for the petition,
// as the server derives it; `u-mod` being `ps(1)` is a moderator who wrote the petition.

#[test]
fn an_author_who_moderates_cannot_accept_or_reject_their_own_petition() {
    let mut w = World::new();
    for p in ["p-accept", "p-reject", "p-gathering"] {
        w.ok(gov(p));
        w.ok(launch(p));
        w.ok(sign(p, 1));
    }
    for p in ["p-accept", "p-reject"] {
        w.ok(sign(p, 2));
        w.ok(sign(p, 3));
        assert_eq!(w.p(p).status, PetitionStatus::Moderation);
    }
    let author = Some(ps(1));
    use RejectionReason::Unclear;
    assert_eq!(w.staff_act(accept("p-accept", "u-mod"), author.clone()), Err("conflict-of-interest"));
    assert_eq!(w.staff_act(reject("p-reject", Unclear, None, None), author.clone()), Err("conflict-of-interest"));
    // Nor while it still gathers its supporters.
    assert_eq!(w.staff_act(reject("p-gathering", Unclear, None, None), author.clone()), Err("conflict-of-interest"));
    for p in ["p-accept", "p-reject"] {
        assert_eq!((w.p(p).status, w.p(p).transitions.len()), (PetitionStatus::Moderation, 3));
    }
    // The refusal says why and who may decide instead.
    let refused = w.p("p-accept").check_conflict_of_interest(StaffAct::Accept, author.as_ref());
    let message = refused.expect_err("refused").to_string();
    assert!(message.contains("you wrote petition `p-accept`") && message.contains("another moderator"), "{message}");
}

#[test]
fn another_moderator_decides_on_the_authors_petition() {
    let mut w = World::new();
    for p in ["p-accept", "p-reject"] {
        w.ok(gov(p));
        w.ok(launch(p));
        for n in 1..=3 {
            w.ok(sign(p, n));
        }
    }
    // A moderator who is not a verified person, and one who signed as an initial supporter:
    // signing is not a conflict (and the log could not show it).
    assert_eq!(w.staff_act(accept("p-accept", "u-mod"), None), Ok(()));
    assert_eq!(w.staff_act(reject("p-reject", RejectionReason::Unclear, None, None), Some(ps(2))), Ok(()));
    assert_eq!(w.p("p-accept").status, PetitionStatus::Open);
    assert_eq!(w.p("p-reject").status, PetitionStatus::Rejected);
    // Withdrawing is the author's own act, and signing a citizen's: neither is a staff act.
    assert_eq!(StaffAct::of(&withdraw("p-accept", 1)), None);
    assert_eq!(StaffAct::of(&sign("p-accept", 4)), None);
    w.ok(withdraw("p-accept", 1));
    assert_eq!(w.p("p-accept").status, PetitionStatus::Withdrawn);
}

#[test]
fn an_author_who_reviews_signatures_cannot_strike_out_those_of_their_own_petition() {
    let mut w = World::new();
    w.ok(gov("p-1"));
    w.ok(launch("p-1"));
    w.ok(sign("p-1", 1));
    w.ok(sign("p-1", 2));
    assert_eq!(w.staff_act(invalidate("p-1", 2, "u-mod"), Some(ps(1))), Err("conflict-of-interest"));
    assert_eq!((w.p("p-1").signatures, w.p("p-1").invalidated), (2, 0));
    assert_eq!(w.staff_act(invalidate("p-1", 2, "u-mod"), Some(ps(3))), Ok(()));
    assert_eq!((w.p("p-1").signatures, w.p("p-1").invalidated), (1, 1));
}

#[test]
fn an_author_who_is_an_official_cannot_answer_their_own_petition() {
    let mut w = World::new();
    w.open(district("p-reached"));
    w.ok(sign("p-reached", 1));
    assert_eq!(w.obligation("p-reached").status, ObligationStatus::Awaiting);
    // `u-off`, official of the obligated akimat, wrote the petition.
    assert_eq!(w.staff_act(answer("p-reached", "u-off"), Some(ps(1))), Err("conflict-of-interest"));
    assert_eq!(
        (w.obligation("p-reached").status, w.obligation("p-reached").answer.is_none()),
        (ObligationStatus::Awaiting, true)
    );
    let refused = w.p("p-reached").check_conflict_of_interest(StaffAct::Answer, Some(&ps(1)));
    assert!(refused.expect_err("refused").to_string().contains("another official or the head of the body"));
    // The head of the akimat, who did not, answers.
    assert_eq!(w.staff_act(answer("p-reached", "u-head"), Some(ps(7))), Ok(()));
    assert_eq!(w.obligation("p-reached").status, ObligationStatus::Answered);
}

#[test]
fn invalidations_update_the_counts() {
    let mut w = World::new();
    w.ok(gov("p-1"));
    w.ok(launch("p-1"));
    w.ok(sign_in("p-1", 1, Region::Akmola));
    w.ok(sign_in("p-1", 2, Region::Astana));
    w.refused(invalidate("p-1", 1, "u-gov"), "not-moderator");
    w.refused(invalidate("p-1", 9, "u-mod"), "unknown-signature");
    w.refused(invalidate("p-none", 1, "u-mod"), "unknown-petition");
    w.ok(invalidate("p-1", 2, "u-mod"));
    let p = w.p("p-1");
    assert_eq!((p.signatures, p.invalidated), (1, 1));
    assert_eq!(p.by_region.iter().map(|(r, n)| (*r, *n)).collect::<Vec<_>>(), [(Region::Akmola, 1)]);
    w.refused(invalidate("p-1", 2, "u-mod"), "already-invalidated");
    let s = w.s.petitions().signature(&id("p-1"), &ps(2)).expect("signature kept");
    let inv = s.invalidation.expect("invalidated");
    assert_eq!((inv.by, inv.reason, inv.at), (id("u-mod"), "flagged burst".to_owned(), w.at));
    w.ok(invalidate("p-1", 1, "u-mod"));
    let p = w.p("p-1");
    assert_eq!((p.signatures, p.invalidated, p.by_region.len()), (0, 2, 0));
    assert_eq!(w.s.petitions().signatures_of(&id("p-1")).len(), 2);
    assert_eq!(w.s.public_state().petitions.signatures, 0);
}

// ---- rows and entries -----------------------------------------------------------------

/// A state with petitions in every status, invalidations and an answered overdue obligation.
fn lifecycle() -> World {
    let mut w = World::new();
    w.ok(gov("p-draft"));
    w.ok(gov("p-expired"));
    w.ok(launch("p-expired"));
    w.ok(sign_in("p-expired", 1, Region::Astana));
    w.ok(gov("p-moderation"));
    w.ok(launch("p-moderation"));
    w.ok(gov("p-rejected"));
    w.ok(launch("p-rejected"));
    w.ok(reject("p-rejected", RejectionReason::Offensive, None, None));
    w.ok(gov("p-withdrawn"));
    w.ok(launch("p-withdrawn"));
    w.ok(withdraw("p-withdrawn", 1));
    w.open(district("p-closed"));
    w.open(gov("p-open"));
    for n in 1..=3 {
        w.ok(sign("p-moderation", n));
        w.ok(sign("p-closed", n));
    }
    w.ok(invalidate("p-closed", 2, "u-bmod"));
    w.ok(invalidate("p-open", 101, "u-mod"));
    w.tick(end_of(date!(2026 - 04 - 03)));
    w.tick(Timestamp(w.at.0 + DAY));
    w.ok(answer("p-closed", "u-off"));
    w
}

const DRAFT_ROW: &str = r#"{"author":"ps1-0101010101010101010101010101010101010101010101010101010101010101","body":"government","by_region":{},"drafted_at":1772427600000,"id":"p-draft","index":14,"invalidated":0,"level":"government","signatures":0,"status":"draft","terms":{"collection_days":90,"consideration_working_days":40,"initial_supporters":3,"initial_window_working_days":10,"moderation_working_days":20,"rules_index":13,"threshold":5},"text":{"ru":"The road to the school needs repair."},"title":{"ru":"Fix the road"},"topic":"roads","transitions":[{"at":1772427600000,"event":"petition.drafted","index":14,"status":"draft"}]}"#;

#[test]
fn rows_rebuild_the_state_and_tampering_is_refused() {
    let mut w = lifecycle();
    let statuses: Vec<PetitionStatus> = w.s.petitions().all().map(|p| p.status).collect();
    use PetitionStatus::*;
    assert_eq!(statuses, [Closed, Draft, Expired, Moderation, Open, Rejected, Withdrawn]);
    assert_eq!(w.obligation("p-closed").overdue_at, Some(end_of(date!(2026 - 04 - 03))));

    // The rows, as persisted change by change, rebuild the same state.
    let rows = w.s.rows();
    let persisted: Vec<(String, String)> =
        w.s.take_changes().into_iter().map(|(k, v)| (k, v.expect("no row is deleted"))).collect();
    assert_eq!(persisted, rows);
    assert_eq!(State::from_rows(rows.clone()).as_ref(), Ok(&w.s));
    let signature_key = format!("signature/p-closed/{}", ps(2));
    let keys: Vec<&str> = rows.iter().map(|(k, _)| k.as_str()).collect();
    for key in ["petition-rules", "petition/p-open", signature_key.as_str()] {
        assert!(keys.contains(&key), "{key}");
    }

    let row = |key: &str| rows.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).expect("row");
    // SPEC.md §8.5.
    assert_eq!(row("petition/p-draft"), DRAFT_ROW);
    let with = |key: &str, value: Option<String>| -> Vec<(String, String)> {
        let mut r: Vec<(String, String)> = rows.iter().filter(|(k, _)| k != key).cloned().collect();
        r.extend(value.map(|v| (key.to_owned(), v)));
        r
    };
    let code = |r: Vec<(String, String)>| State::from_rows(r).map(|_| ()).map_err(|e| e.code());
    let replaced = |key: &str, from: &str, to: &str| {
        let value = row(key);
        assert!(value.contains(from), "{from} in {value}");
        with(key, Some(value.replacen(from, to, 1)))
    };
    let count = w.p("p-open").signatures;
    let (count, more) = (format!("\"signatures\":{count}"), format!("\"signatures\":{}", count + 1));
    assert_eq!(code(replaced("petition/p-open", &count, &more)), Err("invalid-row"));
    assert_eq!(code(replaced("petition/p-open", "{\"akmola\":", "{\"astana\":")), Err("invalid-row"));
    assert_eq!(code(replaced("petition/p-open", "\"status\":\"open\"", "\"status\":\"closed\"")), Err("invalid-row"));
    assert_eq!(code(with("petition/p-draft", None)), Err("invalid-row"));
    assert_eq!(code(with("petition-rules", None)), Err("invalid-row"));
    assert_eq!(code(with(&signature_key, None)), Err("invalid-row"));
    // The signature row without its invalidation.
    let signature = row(&signature_key);
    let start = signature.find(",\"invalidation\":{").expect("invalidated");
    let end = start + signature[start..].find('}').expect("end of the invalidation") + 1;
    let valid = format!("{}{}", &signature[..start], &signature[end..]);
    assert_eq!(code(with(&signature_key, Some(valid))), Err("invalid-row"));
    // A signature of no petition.
    let mut orphan = rows.clone();
    orphan.push((format!("signature/p-nowhere/{}", ps(2)), signature.replace("p-closed", "p-nowhere")));
    assert_eq!(code(orphan), Err("invalid-row"));
}

/// One event of each petition type.
fn one_of_each() -> Vec<Event> {
    vec![
        Event::PetitionRulesPublished { rules: rules() },
        gov("p-1"),
        district("p-2"),
        launch("p-1"),
        sign("p-1", 2),
        submitted("p-1", date!(2026 - 04 - 22)),
        moderation_overdue("p-1"),
        expired("p-1"),
        accept("p-1", "u-mod"),
        reject("p-1", RejectionReason::Duplicate, None, Some("p-0")),
        reject("p-1", RejectionReason::ForbiddenTopic, Some("constitutional-order"), None),
        withdraw("p-1", 1),
        closed("p-1", true),
        invalidate("p-1", 2, "u-mod"),
        obligation("p-1", "government", date!(2026 - 07 - 01)),
        overdue("p-1"),
        answer("p-1", "u-gov"),
        Event::PetitionReassigned { petition: id("p-1"), from: id("government"), to: id("mdai") },
    ]
}

#[test]
fn petition_entries_round_trip() {
    let mut kinds: Vec<&str> = one_of_each().iter().map(Event::kind).collect();
    kinds.dedup();
    let at = |kind| Event::KINDS.iter().position(|k| *k == kind).expect("a kind");
    assert_eq!(kinds, Event::KINDS[at("petition_rules.published")..=at("petition.reassigned")]);
    for (i, e) in one_of_each().into_iter().enumerate() {
        let entry = Entry::new(Timestamp(1_772_443_800_000 + i as u64), e);
        let bytes = entry.encode();
        assert_eq!(crate::envelope::encoded_len(entry.timestamp, &entry.event), bytes.len());
        assert_eq!(Entry::decode(&bytes), Ok(entry.clone()), "{}", entry.event.kind());
        let json = serde_json::to_string(&entry.event).expect("serializes");
        assert_eq!(serde_json::from_str::<Event>(&json).ok(), Some(entry.event));
    }
}

const SIGNED: &str = r#"{"event":{"petition":"p-1","region":"akmola","signer":"ps1-0202020202020202020202020202020202020202020202020202020202020202","type":"petition.signed"},"ts":1772443800000,"v":1}"#;
const SUBMITTED: &str = r#"{"event":{"moderation_due":"2026-04-22","petition":"p-1","type":"petition.submitted"},"ts":1772443800000,"v":1}"#;
const DRAFTED: &str = r#"{"event":{"author":"ps1-0101010101010101010101010101010101010101010101010101010101010101","body":"government","level":"government","petition":"p-1","text":{"ru":"The road to the school needs repair."},"title":{"ru":"Fix the road"},"topic":"roads","type":"petition.drafted"},"ts":1772443800000,"v":1}"#;
const RULES: &str = r#"{"event":{"rules":{"forbidden_topics":[],"initial_supporters":50,"initial_window_working_days":10,"levels":[{"collection_days":90,"consideration_working_days":20,"level":"oblast_akimat","threshold":{"population_share":{"basis_points":100}}}],"moderation_working_days":20,"populations":[{"people":1250,"territory":"akmola"}],"topics":[{"code":"roads","name":{"en":"roads en","kk":"roads kk","ru":"roads ru"}}]},"type":"petition_rules.published"},"ts":1772443800000,"v":1}"#;

#[test]
fn petition_entries_have_the_bytes_the_spec_gives() {
    let mut one_level = kazakhstan_rules(vec![population("akmola", 1_250)], vec![topic("roads")], vec![]);
    one_level.levels.retain(|l| l.level == Level::OblastAkimat);
    let cases = [
        (sign("p-1", 2), SIGNED),
        (submitted("p-1", date!(2026 - 04 - 22)), SUBMITTED),
        (gov("p-1"), DRAFTED),
        (Event::PetitionRulesPublished { rules: one_level }, RULES),
    ];
    for (event, bytes) in cases {
        let entry = Entry::new(Timestamp(1_772_443_800_000), event);
        assert_eq!(String::from_utf8_lossy(&entry.encode()), bytes);
        assert_eq!(Entry::decode(bytes.as_bytes()), Ok(entry));
    }
}

#[track_caller]
fn rejects(good: &str, from: &str, to: &str, code: &str) {
    assert!(good.contains(from), "{from}");
    let bad = good.replacen(from, to, 1);
    assert_eq!(Entry::decode(bad.as_bytes()).map_err(|e| e.code()), Err(code), "{bad}");
}

#[test]
fn petition_entries_are_strict() {
    // Unknown members: of the event, of a text, of the rules.
    rejects(SIGNED, "{\"petition\"", "{\"extra\":1,\"petition\"", "unknown-field");
    rejects(DRAFTED, "\"title\":{\"ru\"", "\"title\":{\"de\":\"x\",\"ru\"", "invalid-field-value");
    rejects(RULES, "\"level\":\"oblast", "\"extra\":1,\"level\":\"oblast", "invalid-field-value");
    rejects(RULES, "{\"basis_points\":100}", "{\"basis_points\":100,\"people\":1}", "invalid-field-value");
    // Missing members, and values of the wrong kind.
    rejects(SIGNED, "\"region\":\"akmola\",", "", "missing-field");
    rejects(SIGNED, "\"akmola\"", "\"akmola/kokshetau\"", "invalid-field-value");
    rejects(SIGNED, "ps1-02", "ps01-02", "invalid-field-value");
    rejects(SUBMITTED, "2026-04-22", "2026-4-22", "invalid-field-value");
    rejects(DRAFTED, "\"level\":\"government\"", "\"level\":\"country\"", "invalid-field-value");
    // A language left out is omitted, never null or blank; at least one is required.
    rejects(DRAFTED, "\"title\":{\"ru\"", "\"title\":{\"en\":null,\"ru\"", "non-canonical");
    rejects(DRAFTED, "{\"ru\":\"Fix the road\"}", "{}", "empty-field");
    rejects(DRAFTED, "{\"ru\":\"Fix the road\"}", "{\"ru\":\" \"}", "blank-translation");
    // Field rules of §3 apply when decoding.
    rejects(DRAFTED, "\"level\":\"government\"", "\"level\":\"oblast_akimat\"", "territory-shape");
    rejects(RULES, "\"initial_supporters\":50", "\"initial_supporters\":0", "out-of-range");
    rejects(RULES, "\"basis_points\":100", "\"basis_points\":10001", "out-of-range");
}

#[test]
fn territory_follows_the_level_and_the_body() {
    let body = |territory: Option<&str>| crate::Body {
        id: id("akimat"),
        name: lt("akimat"),
        kind: BodyKind::Akimat,
        parent: None,
        territory: territory.map(id),
        competences: Vec::new(),
        registered_at: Timestamp(0),
        index: LogIndex(0),
        former_names: Vec::new(),
        closed: None,
    };
    let home: Locality = id("akmola/kokshetau");
    let unplaced = body(None);
    assert_eq!(Level::Government.territory_for(&unplaced, &home), Ok(None));
    assert_eq!(Level::OblastAkimat.territory_for(&unplaced, &home), Ok(Some(id("akmola"))));
    assert_eq!(Level::DistrictMaslikhat.territory_for(&unplaced, &home), Ok(Some(home.clone())));
    let city: Locality = id("astana");
    assert_eq!(Level::DistrictAkimat.territory_for(&unplaced, &city).map_err(|e| e.code()), Err("territory-shape"));
    // An Astana resident petitioning the akimat of Almaty's Bostandyk district petitions for
    // Bostandyk, whose residents sign it: the body's territory, not the author's.
    let bostandyk = body(Some("almaty-city/bostandyk"));
    assert_eq!(Level::DistrictAkimat.territory_for(&bostandyk, &city), Ok(Some(id("almaty-city/bostandyk"))));
    assert_eq!(
        Level::OblastAkimat.territory_for(&bostandyk, &city).map_err(|e| e.code()),
        Err("territory-shape"),
        "a district body is not addressed at an oblast level"
    );
}

#[test]
fn a_local_petition_is_for_the_territory_its_body_serves() {
    let mut w = World::new();
    w.apply(Event::BodyRegistered {
        body: id("bostandyk-akimat"),
        name: lt("bostandyk"),
        kind: BodyKind::Akimat,
        parent: None,
        territory: Some(id("almaty-city/bostandyk")),
        competences: None,
    });
    // Drafted by an Astana resident with their own locality as the territory: refused.
    let from_home = draft("p-home", Level::DistrictAkimat, "bostandyk-akimat", Some("astana/esil"));
    assert_eq!(w.s.check(&from_home, w.at).map_err(|e| e.code()), Err("rule-mismatch"));
    w.ok(draft("p-served", Level::DistrictAkimat, "bostandyk-akimat", Some("almaty-city/bostandyk")));
    let p = w.s.petitions().get(&id("p-served")).expect("drafted");
    assert_eq!(p.territory, Some(id("almaty-city/bostandyk")));
    // A body registered without a territory (an older log) keeps the author's locality.
    w.ok(draft("p-old", Level::DistrictAkimat, "kokshetau-akimat", Some("akmola/kokshetau")));
}

#[test]
fn a_reorganisation_moves_live_petitions_and_owed_obligations_and_the_body_records_follow() {
    let mut w = World::new();
    w.apply(Event::BodyRegistered {
        body: id("kokshetau-akimat-2"),
        name: lt("kokshetau 2"),
        kind: BodyKind::Akimat,
        parent: None,
        territory: None,
        competences: None,
    });
    // One petition reaches its threshold (an obligation owed), one is still a draft, one was
    // withdrawn (settled: it stays).
    w.open(district("p-owed"));
    for n in 0..4 {
        w.ok(sign("p-owed", 10 + n));
    }
    assert!(w.p("p-owed").obligation.is_some());
    w.ok(district("p-draft"));
    w.ok(district("p-gone"));
    w.ok(withdraw("p-gone", 1));
    let record = |w: &World, body: &str| w.s.body_records().get(&id::<BodyId>(body)).cloned().unwrap_or_default();
    assert_eq!((record(&w, "kokshetau-akimat").received, record(&w, "kokshetau-akimat").open), (1, 1));
    let moved = w.ok(Event::BodyAbolished { body: id("kokshetau-akimat"), successor: id("kokshetau-akimat-2") });
    let to = |p: &str| Event::PetitionReassigned {
        petition: id(p),
        from: id("kokshetau-akimat"),
        to: id("kokshetau-akimat-2"),
    };
    assert_eq!(moved, vec![to("p-draft"), to("p-owed")]);
    assert_eq!(w.p("p-gone").body, id("kokshetau-akimat"));
    let owed = w.obligation("p-owed");
    assert_eq!(owed.body, id("kokshetau-akimat-2"));
    assert_eq!(record(&w, "kokshetau-akimat"), BodyRecord::default());
    assert_eq!((record(&w, "kokshetau-akimat-2").received, record(&w, "kokshetau-akimat-2").open), (1, 1));
    // The old body's official no longer answers for it; the successor's does, counted there.
    w.refused(answer("p-owed", "u-off"), "not-official-of-body");
    w.apply(Event::RoleGranted {
        account: id("u-new"),
        role: Role::Official,
        body: Some(id("kokshetau-akimat-2")),
        by: Some(id("u-admin")),
        name: None,
    });
    w.ok(answer("p-owed", "u-new"));
    let successor = record(&w, "kokshetau-akimat-2");
    assert_eq!((successor.answered, successor.answered_on_time, successor.open), (1, 1, 0));
    let reloaded = State::from_rows(w.s.rows()).expect("rows reload");
    assert_eq!(reloaded, w.s);
    assert_eq!(reloaded.body_records(), w.s.body_records());
}
