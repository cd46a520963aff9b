//! Appeal rule tests: deadlines in working days over holidays and transferred days, forwarding
//! and extension limits, the clarification clock, answers, the overdue mark, complaints to
//! the superior body, ratings, reorganisations (by example and as a property), body records,
//! and rows that reload to the same state.
//!
//! Expected dates are counted by hand (the comments show the counting) on the 2026 calendar
//! at UTC+5, where Nauryz takes 23–25 March off.

use proptest::prelude::*;
use time::macros::date;
use time::Date;

use super::rules::add_months;
use crate::test_world::*;
use crate::*;

fn topic(code: &str) -> Topic {
    Topic { code: id(code), name: lt(code) }
}

fn body(b: &str, kind: BodyKind, parent: Option<&str>, territory: Option<&str>, competences: &[&str]) -> Event {
    Event::BodyRegistered {
        body: id(b),
        name: lt(b),
        kind,
        parent: parent.map(id),
        territory: territory.map(id),
        competences: (!competences.is_empty()).then(|| competences.iter().map(|c| id(c)).collect()),
    }
}

fn grant(account: &str, role: Role, body: &str) -> Event {
    Event::RoleGranted { account: id(account), role, body: Some(id(body)), by: Some(id("u-admin")), name: None }
}

/// A public appeal by `ps(applicant)` to `to` on `topic`.
fn file(a: &str, applicant: u8, to: &str, topic: &str) -> Event {
    Event::AppealFiled {
        appeal: id(a),
        applicant: ps(applicant),
        body: id(to),
        kind: AppealKind::Application,
        topic: id(topic),
        place: Some(id("akmola/kokshetau")),
        visibility: Visibility::Public,
        title: Some(pt("The school roof")),
        text: Some(pt("The roof of school 5 leaks.")),
        attachments: None,
        sealed: None,
        complaint_about: None,
    }
}

fn private(a: &str, applicant: u8, to: &str) -> Event {
    Event::AppealFiled {
        appeal: id(a),
        applicant: ps(applicant),
        body: id(to),
        kind: AppealKind::Complaint,
        topic: id("health"),
        place: None,
        visibility: Visibility::Private,
        title: None,
        text: None,
        attachments: None,
        sealed: Some(Commitment::from_digest(&[7; 32])),
        complaint_about: None,
    }
}

fn complaint(a: &str, applicant: u8, to: &str, about: &str) -> Event {
    let Event::AppealFiled {
        appeal, applicant, body, topic, place, visibility, title, text, attachments, sealed, ..
    } = file(a, applicant, to, "schools")
    else {
        unreachable!()
    };
    Event::AppealFiled {
        appeal,
        applicant,
        body,
        kind: AppealKind::Complaint,
        topic,
        place,
        visibility,
        title,
        text,
        attachments,
        sealed,
        complaint_about: Some(id(about)),
    }
}

fn forward(a: &str, by: &str, to: &str) -> Event {
    Event::AppealForwarded { appeal: id(a), by: id(by), to: id(to), reason: "not our competence".into() }
}

fn extend(a: &str, by: &str, decided_on: Date, until: Date) -> Event {
    Event::AppealExtended { appeal: id(a), by: id(by), decided_on, until, reason: "an inspection is needed".into() }
}

fn ask(a: &str, by: &str) -> Event {
    Event::AppealClarificationRequested { appeal: id(a), by: id(by), question: Some(pt("Which school?")), sealed: None }
}

fn clarify(a: &str, applicant: u8) -> Event {
    Event::AppealClarified { appeal: id(a), by: ps(applicant), reply: Some(pt("School 5.")), sealed: None }
}

fn answer(a: &str, by: &str) -> Event {
    Event::AppealAnswered {
        appeal: id(a),
        by: id(by),
        outcome: AppealOutcome::Satisfied,
        answer: Some(pt("The roof is repaired.")),
        sealed: None,
    }
}

fn overdue(a: &str) -> Event {
    Event::AppealOverdue { appeal: id(a) }
}

/// Filing day of most tests: Tuesday 10 March 2026, 10:00 local.
const FILED: Date = date!(2026 - 03 - 10);

/// A deployment at UTC+5 with the 2026 calendar and the reference appeal rules; bodies:
/// `government`; ministries `mon` (education) and `moh` (health) under it; the `akmola`
/// akimat under it. Staff: `u-off` official and `u-head` head of `mon`; `u-moh` official of
/// `moh`; `u-gov` official of `government`; `u-akm` official of `akmola`. Set up on `FILED`
/// at 10:00.
fn world() -> World {
    let mut w = World { s: State::default(), at: local(FILED, 10, 0) };
    for e in [
        Event::DeploymentConfigured { name: lt("dauys"), utc_offset_minutes: OFFSET, act_rule: None },
        calendar_2026(),
        body("government", BodyKind::Government, None, None, &[]),
        body("mon", BodyKind::Ministry, Some("government"), None, &["schools"]),
        body("moh", BodyKind::Ministry, Some("government"), None, &["health"]),
        body("akmola", BodyKind::Akimat, Some("government"), Some("akmola"), &["roads"]),
        Event::RoleGranted { account: id("u-admin"), role: Role::Administrator, body: None, by: None, name: None },
        grant("u-off", Role::Official, "mon"),
        grant("u-head", Role::Head, "mon"),
        grant("u-moh", Role::Official, "moh"),
        grant("u-gov", Role::Official, "government"),
        grant("u-akm", Role::Official, "akmola"),
        Event::AppealRulesPublished {
            rules: kazakhstan_appeal_rules(vec![topic("health"), topic("roads"), topic("schools")]),
        },
    ] {
        w.apply(e);
    }
    w
}

impl World {
    #[track_caller]
    fn a(&self, a: &str) -> &Appeal {
        self.s.appeals().get(&id(a)).expect("appeal exists")
    }

    #[track_caller]
    fn record(&self, body: &str) -> BodyRecord {
        self.s.appeals().record(&id(body)).cloned().unwrap_or_default()
    }

    /// The rows reload to the same state.
    #[track_caller]
    fn reloads(&self) {
        let reloaded = State::from_rows(self.s.rows()).expect("rows reload");
        assert_eq!(reloaded, self.s);
        assert_eq!(reloaded.appeals().records(), self.s.appeals().records());
    }
}

#[test]
fn an_appeal_is_due_in_15_working_days_counted_over_holidays() {
    let mut w = world();
    w.ok(file("a-1", 1, "mon", "schools"));
    let a = w.a("a-1");
    // After Tue 10 March: 11, 12, 13, 16, 17, 18, 19, 20 (8); 23–25 March are Nauryz; 26, 27,
    // 30, 31 (12); 1, 2, 3 April (15).
    assert_eq!(a.obligation.due, date!(2026 - 04 - 03));
    assert_eq!(a.obligation.due_at, end_of(date!(2026 - 04 - 03)));
    // Forward within 3 working days: 11, 12, 13 March.
    assert_eq!(a.forward_by, date!(2026 - 03 - 13));
    assert_eq!(a.status, AppealStatus::InProgress);
    assert_eq!(a.addressed_to, id("mon"));
    w.reloads();
}

#[test]
fn a_transferred_working_day_counts() {
    let mut w = world();
    // A decree makes Saturday 28 March a working day.
    w.apply(Event::CalendarPublished {
        year: 2026,
        holidays: calendar::kazakhstan_2026_holidays(),
        transferred_working_days: vec![date!(2026 - 03 - 28)],
    });
    w.ok(file("a-1", 1, "mon", "schools"));
    // As above to Fri 27 March (10), then Sat 28 (11), 30, 31, 1 April (14), 2 April (15).
    assert_eq!(w.a("a-1").obligation.due, date!(2026 - 04 - 02));
}

#[test]
fn filing_needs_rules_an_open_body_and_a_known_topic() {
    let mut w = world();
    w.refused(file("a-1", 1, "nowhere", "schools"), "unknown-body");
    w.refused(file("a-1", 1, "mon", "weather"), "unknown-appeal-topic");
    w.ok(file("a-1", 1, "mon", "schools"));
    w.refused(file("a-1", 2, "mon", "schools"), "appeal-exists");
    // A public appeal carries its texts; a private one only its commitment.
    let mut no_text = file("a-2", 1, "mon", "schools");
    if let Event::AppealFiled { text, .. } = &mut no_text {
        *text = None;
    }
    w.refused(no_text, "visibility-shape");
    let mut both = private("a-2", 1, "moh");
    if let Event::AppealFiled { title, .. } = &mut both {
        *title = Some(pt("Leaked"));
    }
    w.refused(both, "visibility-shape");
    w.ok(private("a-2", 1, "moh"));
    assert!(w.a("a-2").text.is_none() && w.a("a-2").sealed.is_some());

    let mut bare = World { s: State::default(), at: w.at };
    bare.apply(body("mon", BodyKind::Ministry, None, None, &[]));
    bare.refused(file("a-1", 1, "mon", "schools"), "no-appeal-rules");
}

#[test]
fn forwarding_starts_the_clock_again_at_the_competent_body_and_late_forwards_stay_on_record() {
    let mut w = world();
    w.ok(file("a-1", 1, "mon", "health"));
    w.ok(file("a-2", 1, "mon", "health"));
    w.refused(forward("a-1", "u-moh", "moh"), "not-official-of-body");
    w.refused(forward("a-1", "u-off", "mon"), "forward-to-itself");
    w.refused(forward("a-1", "u-off", "ghost"), "unknown-body");
    // Thu 12 March: within the 3 working days.
    w.at = local(date!(2026 - 03 - 12), 9, 0);
    w.ok(forward("a-1", "u-off", "moh"));
    let a = w.a("a-1");
    assert_eq!((a.body(), &a.addressed_to), (&id("moh"), &id("mon")));
    assert_eq!(a.received_on, date!(2026 - 03 - 12));
    // After Thu 12 March: 13, 16, 17, 18, 19, 20 (6); Nauryz; 26, 27, 30, 31 (10); 1, 2, 3,
    // 6, 7 April (15).
    assert_eq!(a.obligation.due, date!(2026 - 04 - 07));
    assert!(!a.steps[1].late);
    // Only the body holding it now acts on it.
    w.refused(answer("a-1", "u-off"), "not-official-of-body");

    // A forward after Fri 13 March is late, and the record shows it.
    w.at = local(date!(2026 - 03 - 16), 9, 0);
    w.ok(forward("a-2", "u-off", "moh"));
    assert!(w.a("a-2").steps[1].late);
    let mon = w.record("mon");
    assert_eq!((mon.received, mon.forwarded, mon.forwarded_late, mon.open), (2, 2, 1, 0));
    let moh = w.record("moh");
    assert_eq!((moh.received, moh.open), (2, 2));
    w.reloads();
}

#[test]
fn the_head_extends_once_to_at_most_two_months_and_the_notice_is_tracked() {
    let mut w = world();
    w.ok(file("a-1", 1, "mon", "schools"));
    w.at = local(date!(2026 - 03 - 20), 9, 0);
    // Only the head.
    w.refused(extend("a-1", "u-off", date!(2026 - 03 - 16), date!(2026 - 05 - 08)), "not-head-of-body");
    // Two months after 10 March is 10 May: 11 May is too far; the current deadline 3 April is
    // not an extension.
    w.refused(extend("a-1", "u-head", date!(2026 - 03 - 16), date!(2026 - 05 - 11)), "extension-out-of-range");
    w.refused(extend("a-1", "u-head", date!(2026 - 03 - 16), date!(2026 - 04 - 03)), "extension-out-of-range");
    // Decided before the case arrived, or after today: refused.
    w.refused(extend("a-1", "u-head", date!(2026 - 03 - 09), date!(2026 - 05 - 08)), "extension-decided-outside-term");
    w.refused(extend("a-1", "u-head", date!(2026 - 03 - 21), date!(2026 - 05 - 08)), "extension-decided-outside-term");
    // Decided Mon 16 March: the applicant is to be told within 17, 18, 19 March. Logged (and
    // so told) on the 20th: late, and the record keeps it.
    w.ok(extend("a-1", "u-head", date!(2026 - 03 - 16), date!(2026 - 05 - 10)));
    let a = w.a("a-1");
    let ext = a.extension.as_ref().expect("extended");
    assert_eq!(ext.notice_due, date!(2026 - 03 - 19));
    assert!(ext.notice_late);
    assert_eq!(a.obligation.due, date!(2026 - 05 - 10));
    assert_eq!(a.obligation.due_at, end_of(date!(2026 - 05 - 10)));
    // A second extension is refused.
    w.refused(extend("a-1", "u-head", date!(2026 - 03 - 20), date!(2026 - 05 - 10)), "already-extended");
    let mon = w.record("mon");
    assert_eq!((mon.extended, mon.extension_notices_late), (1, 1));
    // No overdue mark on the old deadline.
    assert!(w.tick(end_of(date!(2026 - 04 - 03))).is_empty());
    assert_eq!(w.tick(end_of(date!(2026 - 05 - 10))), vec![overdue("a-1")]);
    w.reloads();

    // Told in time: decided 16 March, logged the 18th.
    w.at = local(date!(2026 - 03 - 18), 9, 0);
    let mut in_time = world();
    in_time.ok(file("a-2", 1, "mon", "schools"));
    in_time.at = local(date!(2026 - 03 - 18), 9, 0);
    in_time.ok(extend("a-2", "u-head", date!(2026 - 03 - 16), date!(2026 - 04 - 30)));
    assert!(!in_time.a("a-2").extension.as_ref().expect("extended").notice_late);
}

#[test]
fn the_clock_stops_while_the_applicant_is_asked_to_clarify() {
    let mut w = world();
    w.ok(file("a-1", 1, "mon", "schools"));
    // Asked Mon 16 March, with 11 working days left to 3 April (17–20, 26, 27, 30, 31, 1–3).
    w.at = local(date!(2026 - 03 - 16), 9, 0);
    w.refused(ask("a-1", "u-moh"), "not-official-of-body");
    w.ok(ask("a-1", "u-off"));
    assert_eq!(w.a("a-1").status, AppealStatus::AwaitingClarification);
    // No overdue mark while the clock is stopped, even past the old deadline.
    assert!(w.tick(end_of(date!(2026 - 04 - 03))).is_empty());
    w.refused(overdue("a-1"), "appeal-status");
    w.refused(clarify("a-1", 2), "not-applicant");
    // Replied Thu 2 April: 11 working days from then are 3, 6–10, 13–17 April.
    w.at = local(date!(2026 - 04 - 02), 12, 0);
    w.ok(clarify("a-1", 1));
    let a = w.a("a-1");
    assert_eq!(a.status, AppealStatus::InProgress);
    assert_eq!(a.obligation.due, date!(2026 - 04 - 17));
    w.refused(clarify("a-1", 1), "appeal-status");
    // At most three requests per case.
    w.ok(ask("a-1", "u-off"));
    w.ok(clarify("a-1", 1));
    w.ok(ask("a-1", "u-off"));
    w.ok(clarify("a-1", 1));
    w.refused(ask("a-1", "u-off"), "too-many-clarifications");
    w.reloads();
}

#[test]
fn an_answer_records_its_working_days_and_whether_it_was_on_time() {
    let mut w = world();
    w.ok(file("a-1", 1, "mon", "schools"));
    w.ok(private("a-2", 2, "mon"));
    w.at = local(date!(2026 - 03 - 20), 15, 0);
    w.refused(answer("a-1", "u-gov"), "not-official-of-body");
    w.ok(answer("a-1", "u-off"));
    // 11, 12, 13, 16, 17, 18, 19, 20 March.
    let a = w.a("a-1").obligation.answer.clone().expect("answered");
    assert_eq!((a.working_days, a.on_time), (8, true));
    w.refused(answer("a-1", "u-head"), "already-answered");
    // A private appeal is answered under seal, never in the clear.
    w.refused(answer("a-2", "u-off"), "visibility-shape");
    // Overdue at the end of 3 April, not a millisecond before; then answered late.
    assert!(w.tick(Timestamp(end_of(date!(2026 - 04 - 03)).0 - 1)).is_empty());
    assert_eq!(w.tick(end_of(date!(2026 - 04 - 03))), vec![overdue("a-2")]);
    assert_eq!(w.a("a-2").status, AppealStatus::Overdue);
    w.refused(overdue("a-2"), "already-overdue");
    w.at = local(date!(2026 - 04 - 06), 10, 0);
    w.ok(Event::AppealAnswered {
        appeal: id("a-2"),
        by: id("u-head"),
        outcome: AppealOutcome::Refused,
        answer: None,
        sealed: Some(Commitment::from_digest(&[3; 32])),
    });
    let late = w.a("a-2").obligation.answer.clone().expect("answered");
    assert!(!late.on_time);
    assert_eq!(late.working_days, 16);
    let mon = w.record("mon");
    assert_eq!(
        (mon.received, mon.answered, mon.answered_on_time, mon.overdue, mon.overdue_unanswered),
        (2, 2, 1, 1, 0)
    );
    assert_eq!(mon.days_to_answer, [(8, 1), (16, 1)].into_iter().collect());
    assert_eq!(mon.by_month["2026-03"], MonthRecord { received: 2, answered: 1, answered_on_time: 1, overdue: 0 });
    assert_eq!(mon.by_month["2026-04"], MonthRecord { received: 0, answered: 1, answered_on_time: 0, overdue: 1 });
    w.reloads();
}

#[test]
fn silence_is_a_refusal_the_applicant_takes_to_the_superior_body() {
    let mut w = world();
    w.ok(file("a-1", 1, "mon", "schools"));
    // Not before it is answered or overdue.
    w.refused(complaint("c-1", 1, "government", "a-1"), "appeal-status");
    w.tick(end_of(date!(2026 - 04 - 03)));
    w.at = local(date!(2026 - 04 - 06), 10, 0);
    // Only its applicant, only to the superior body, only as a complaint, only once.
    w.refused(complaint("c-1", 2, "government", "a-1"), "not-applicant");
    w.refused(complaint("c-1", 1, "moh", "a-1"), "rule-mismatch");
    let mut not_complaint = complaint("c-1", 1, "government", "a-1");
    if let Event::AppealFiled { kind, .. } = &mut not_complaint {
        *kind = AppealKind::Proposal;
    }
    w.refused(not_complaint, "rule-mismatch");
    w.ok(complaint("c-1", 1, "government", "a-1"));
    assert_eq!(w.a("a-1").complaint, Some(Complaint { appeal: id("c-1"), against: id("mon") }));
    assert_eq!(w.a("c-1").complaint_about, Some(id("a-1")));
    w.refused(complaint("c-2", 1, "government", "a-1"), "already-complained");
    assert_eq!(w.record("mon").escalated, 1);
    assert_eq!((w.record("government").received, w.record("government").open), (1, 1));
    // The government has no superior.
    w.tick(end_of(date!(2026 - 04 - 30)));
    w.refused(complaint("c-2", 1, "government", "c-1"), "no-superior-body");
    w.reloads();
}

#[test]
fn the_applicant_rates_an_answer_once() {
    let mut w = world();
    w.ok(file("a-1", 1, "mon", "schools"));
    let rate = |by: u8, rating: u8| Event::AppealRated { appeal: id("a-1"), by: ps(by), rating };
    w.refused(rate(1, 5), "appeal-status");
    w.ok(answer("a-1", "u-off"));
    w.refused(rate(2, 5), "not-applicant");
    w.refused(rate(1, 6), "out-of-range");
    w.refused(rate(1, 0), "out-of-range");
    w.ok(rate(1, 4));
    w.refused(rate(1, 5), "already-rated");
    assert_eq!(w.a("a-1").rating, Some(4));
    w.reloads();
}

#[test]
fn a_split_moves_each_open_case_by_its_rule_and_keeps_its_history_and_deadline() {
    let mut w = world();
    w.apply(body("mosh", BodyKind::Ministry, Some("government"), None, &["schools"]));
    w.apply(body("mos", BodyKind::Ministry, Some("government"), None, &["sport"]));
    w.ok(file("a-1", 1, "mon", "schools"));
    w.ok(file("a-2", 2, "mon", "health"));
    w.ok(file("a-3", 3, "mon", "roads"));
    w.ok(answer("a-3", "u-off"));
    let due_before = w.a("a-1").obligation.due;
    let moved = w.ok(Event::BodySplit {
        body: id("mon"),
        successors: vec![id("mosh"), id("mos")],
        rule: SplitRule::ByTopic,
        otherwise: id("mos"),
        cases: None,
    });
    // Schools go to the ministry competent for them, the rest to `otherwise`; the answered
    // case stays where it was answered.
    assert_eq!(
        moved,
        vec![
            Event::AppealReassigned { appeal: id("a-1"), from: id("mon"), to: id("mosh") },
            Event::AppealReassigned { appeal: id("a-2"), from: id("mon"), to: id("mos") },
        ]
    );
    let a = w.a("a-1");
    assert_eq!((a.body(), &a.addressed_to, a.obligation.due), (&id("mosh"), &id("mon"), due_before));
    assert_eq!(a.steps.iter().map(|s| s.event.as_str()).collect::<Vec<_>>(), ["appeal.filed", "appeal.reassigned"]);
    assert_eq!(w.a("a-3").body(), &id("mon"));
    // The closed body takes nothing new, and moves can only go where the rules say.
    w.refused(file("a-4", 1, "mon", "schools"), "body-closed");
    w.refused(Event::AppealReassigned { appeal: id("a-1"), from: id("mosh"), to: id("mos") }, "body-open");
    assert_eq!((w.record("mon").handed_over, w.record("mon").open), (2, 0));
    assert_eq!(w.record("mosh").received, 1);
    // The deadline runs on at the successor.
    assert_eq!(w.tick(end_of(due_before)), vec![overdue("a-1"), overdue("a-2")]);
    w.reloads();
}

#[test]
fn merges_abolitions_and_chains_of_them_leave_no_case_behind() {
    let mut w = world();
    w.apply(body("mes", BodyKind::Ministry, Some("government"), None, &[]));
    w.ok(file("a-1", 1, "mon", "schools"));
    w.ok(file("a-2", 2, "moh", "health"));
    let moved = w.ok(Event::BodyMerged { bodies: vec![id("moh"), id("mon")], into: id("mes") });
    assert_eq!(moved.len(), 2);
    assert!(w.s.appeals().all().all(|a| a.body() == &id("mes")));
    w.refused(Event::BodyAbolished { body: id("mon"), successor: id("mes") }, "body-closed");
    w.refused(Event::BodyMerged { bodies: vec![id("akmola")], into: id("mon") }, "body-closed");
    let moved = w.ok(Event::BodyAbolished { body: id("mes"), successor: id("government") });
    assert_eq!(moved.len(), 2);
    assert!(w.s.appeals().all().all(|a| a.body() == &id("government")));
    w.reloads();
}

#[test]
fn named_and_territorial_splits() {
    let mut w = world();
    w.apply(body("north", BodyKind::Akimat, Some("government"), Some("akmola/kokshetau"), &[]));
    w.apply(body("south", BodyKind::Akimat, Some("government"), Some("akmola/stepnogorsk"), &[]));
    w.ok(file("a-1", 1, "akmola", "roads"));
    let mut elsewhere = file("a-2", 2, "akmola", "roads");
    if let Event::AppealFiled { place, .. } = &mut elsewhere {
        *place = Some(id("akmola/stepnogorsk"));
    }
    w.ok(elsewhere);
    let moved = w.ok(Event::BodySplit {
        body: id("akmola"),
        successors: vec![id("north"), id("south")],
        rule: SplitRule::ByTerritory,
        otherwise: id("north"),
        cases: None,
    });
    assert_eq!(
        moved,
        vec![
            Event::AppealReassigned { appeal: id("a-1"), from: id("akmola"), to: id("north") },
            Event::AppealReassigned { appeal: id("a-2"), from: id("akmola"), to: id("south") },
        ]
    );
    w.ok(file("a-3", 3, "north", "roads"));
    w.ok(file("a-4", 4, "north", "roads"));
    w.apply(body("east", BodyKind::Akimat, Some("government"), None, &[]));
    let moved = w.ok(Event::BodySplit {
        body: id("north"),
        successors: vec![id("east"), id("south")],
        rule: SplitRule::Named,
        otherwise: id("south"),
        cases: Some(vec![CaseAssignment { case: id("a-3"), to: id("east") }]),
    });
    assert_eq!(
        moved.iter().filter_map(|e| e.appeal().map(AppealId::as_str)).collect::<Vec<_>>(),
        ["a-1", "a-3", "a-4"]
    );
    assert_eq!(w.a("a-3").body(), &id("east"));
    assert_eq!(w.a("a-4").body(), &id("south"));
    w.reloads();
}

#[test]
fn split_declarations_are_checked() {
    let split = |successors: &[&str], rule, otherwise: &str, cases: Option<Vec<CaseAssignment>>| Event::BodySplit {
        body: id("mon"),
        successors: successors.iter().map(|s| id(s)).collect(),
        rule,
        otherwise: id(otherwise),
        cases,
    };
    let code = |e: Event| e.validate().map_err(|e| e.code());
    assert_eq!(code(split(&["a"], SplitRule::ByTopic, "a", None)), Err("too-few-successors"));
    assert_eq!(code(split(&["a", "mon"], SplitRule::ByTopic, "a", None)), Err("successor-is-itself"));
    assert_eq!(code(split(&["a", "a"], SplitRule::ByTopic, "a", None)), Err("duplicate-item"));
    assert_eq!(code(split(&["a", "b"], SplitRule::ByTopic, "c", None)), Err("not-a-successor"));
    assert_eq!(code(split(&["a", "b"], SplitRule::Named, "a", None)), Err("empty-field"));
    let named = Some(vec![CaseAssignment { case: id("a-1"), to: id("c") }]);
    assert_eq!(code(split(&["a", "b"], SplitRule::Named, "a", named.clone())), Err("not-a-successor"));
    assert_eq!(code(split(&["a", "b"], SplitRule::ByTopic, "a", named)), Err("cases-without-named-rule"));
    assert_eq!(code(split(&["a", "b"], SplitRule::ByTerritory, "b", None)), Ok(()));
    let merged = |bodies: &[&str]| Event::BodyMerged { bodies: bodies.iter().map(|s| id(s)).collect(), into: id("c") };
    assert_eq!(code(merged(&["b", "a"])), Err("not-sorted-unique"));
    assert_eq!(code(merged(&["a", "c"])), Err("successor-is-itself"));
    assert_eq!(code(merged(&[])), Err("empty-field"));
}

#[test]
fn two_months_end_on_the_last_day_of_a_shorter_month() {
    assert_eq!(add_months(date!(2026 - 03 - 10), 2), date!(2026 - 05 - 10));
    assert_eq!(add_months(date!(2025 - 12 - 31), 2), date!(2026 - 02 - 28));
    assert_eq!(add_months(date!(2027 - 12 - 31), 2), date!(2028 - 02 - 29));
    assert_eq!(add_months(date!(2026 - 11 - 30), 2), date!(2027 - 01 - 30));
}

#[test]
fn percentiles_and_the_wilson_interval_match_known_answers() {
    let record =
        BodyRecord { days_to_answer: [(3, 2), (5, 5), (14, 2), (20, 1)].into_iter().collect(), ..Default::default() };
    // Ten answers: 3 3 5 5 5 5 5 14 14 20. Nearest rank: the 5th is 5, the 9th is 14.
    assert_eq!(record.median_working_days(), Some(5));
    assert_eq!(record.percentile_working_days(90), Some(14));
    assert_eq!(BodyRecord::default().median_working_days(), None);
    // Wilson's 95% interval for 8 of 10 is 0.4902–0.9433 (Newcombe 1998, table I, method 3,
    // rounded); for 0 of 10, 0–0.2775; none for no trials.
    let (lo, hi) = wilson_interval(8, 10).expect("trials");
    assert!((lo - 0.4902).abs() < 5e-5 && (hi - 0.9433).abs() < 5e-5, "{lo} {hi}");
    let (lo, hi) = wilson_interval(0, 10).expect("trials");
    assert!(lo == 0.0 && (hi - 0.2775).abs() < 5e-5, "{hi}");
    assert_eq!(wilson_interval(0, 0), None);
    // One case of one on time does not rank above 990 of 1,000.
    assert!(wilson_interval(1, 1).expect("trials").0 < wilson_interval(990, 1_000).expect("trials").0);
}

#[test]
fn appeal_entries_round_trip_through_their_canonical_bytes() {
    let events = [
        file("a-1", 1, "mon", "schools"),
        private("a-2", 2, "moh"),
        forward("a-1", "u-off", "moh"),
        extend("a-1", "u-head", FILED, date!(2026 - 05 - 08)),
        ask("a-1", "u-off"),
        clarify("a-1", 1),
        answer("a-1", "u-off"),
        overdue("a-1"),
    ];
    for (i, e) in events.into_iter().enumerate() {
        let entry = Entry::new(Timestamp(1_772_443_800_000 + i as u64), e);
        assert_eq!(Entry::decode(&entry.encode()), Ok(entry.clone()), "{}", entry.event.kind());
    }
}

// ---- reorganisations as a property -------------------------------------------------------

/// One generated case: its topic, place, and whether it is answered before the
/// reorganisations.
#[derive(Clone, Debug)]
struct Case {
    topic: &'static str,
    place: Option<&'static str>,
    to_mon: bool,
    answered: bool,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::sample::select(vec!["health", "roads", "schools"]),
        prop::sample::select(vec![None, Some("akmola/kokshetau"), Some("akmola/stepnogorsk"), Some("astana")]),
        any::<bool>(),
        prop::bool::weighted(0.3),
    )
        .prop_map(|(topic, place, to_mon, answered)| Case { topic, place, to_mon, answered })
}

/// A reorganisation of the bodies `mon`, `moh`, `n1`, `n2`, `n3` (all ministries), as an
/// event built once the cases exist (a named split names some of them).
#[derive(Clone, Debug)]
enum Reorg {
    SplitByTopic,
    SplitByTerritory,
    SplitNamed(Vec<bool>),
    Merge,
    Abolish,
}

fn reorg() -> impl Strategy<Value = Reorg> {
    prop_oneof![
        Just(Reorg::SplitByTopic),
        Just(Reorg::SplitByTerritory),
        prop::collection::vec(any::<bool>(), 0..20).prop_map(Reorg::SplitNamed),
        Just(Reorg::Merge),
        Just(Reorg::Abolish),
    ]
}

impl Reorg {
    /// The event reorganising `from` (an open body) among the open bodies in `open`.
    fn event(&self, from: &str, open: &[&str], cases: usize) -> Event {
        let others: Vec<BodyId> = open.iter().filter(|b| **b != from).map(|b| id(b)).collect();
        let successors: Vec<BodyId> = others.iter().take(2).cloned().collect();
        match self {
            Reorg::SplitByTopic | Reorg::SplitByTerritory if successors.len() == 2 => Event::BodySplit {
                body: id(from),
                rule: if matches!(self, Reorg::SplitByTopic) { SplitRule::ByTopic } else { SplitRule::ByTerritory },
                otherwise: successors[1].clone(),
                successors,
                cases: None,
            },
            Reorg::SplitNamed(picks) if successors.len() == 2 && cases > 0 => {
                let mut named: Vec<CaseAssignment> = (0..cases)
                    .filter(|i| picks.get(*i).copied().unwrap_or(false))
                    .map(|i| CaseAssignment { case: id(&format!("a-{i}")), to: successors[i % 2].clone() })
                    .collect();
                if named.is_empty() {
                    named.push(CaseAssignment { case: id("a-0"), to: successors[0].clone() });
                }
                named.sort();
                Event::BodySplit {
                    body: id(from),
                    successors: successors.clone(),
                    rule: SplitRule::Named,
                    otherwise: successors[0].clone(),
                    cases: Some(named),
                }
            }
            Reorg::Merge if !others.is_empty() => Event::BodyMerged { bodies: vec![id(from)], into: others[0].clone() },
            _ => Event::BodyAbolished { body: id(from), successor: others[0].clone() },
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whatever the cases and the reorganisations, no case is lost or duplicated, every open
    /// case ends at an open body (the one the rules give), every case keeps its history and
    /// deadline, the body records add up, and the rows reload to the same state.
    #[test]
    fn reorganisations_lose_no_case(cases in prop::collection::vec(case(), 1..12), reorgs in prop::collection::vec(reorg(), 1..4)) {
        let mut w = world();
        w.apply(body("n1", BodyKind::Ministry, Some("government"), Some("akmola/kokshetau"), &["health"]));
        w.apply(body("n2", BodyKind::Ministry, Some("government"), Some("akmola/stepnogorsk"), &["schools"]));
        w.apply(body("n3", BodyKind::Ministry, Some("government"), None, &["roads"]));
        for (i, c) in cases.iter().enumerate() {
            let mut e = file(&format!("a-{i}"), i as u8, if c.to_mon { "mon" } else { "moh" }, c.topic);
            if let Event::AppealFiled { place, .. } = &mut e {
                *place = c.place.map(id);
            }
            w.ok(e);
            if c.answered {
                let by = if c.to_mon { "u-off" } else { "u-moh" };
                w.ok(answer(&format!("a-{i}"), by));
            }
        }
        let before: Vec<Appeal> = w.s.appeals().all().map(|a| Appeal::clone(a)).collect();
        let mut open = vec!["mon", "moh", "n1", "n2", "n3"];
        for r in &reorgs {
            if open.len() < 2 {
                break;
            }
            let from = open[0];
            w.ok(r.event(from, &open, cases.len()));
            open.retain(|b| *b != from);
        }
        let after: Vec<Appeal> = w.s.appeals().all().map(|a| Appeal::clone(a)).collect();
        prop_assert_eq!(after.len(), before.len());
        let registry = w.s.registry();
        let mut held = 0;
        for (b, a) in before.iter().zip(&after) {
            prop_assert_eq!(&b.id, &a.id);
            prop_assert_eq!(&a.steps[..b.steps.len()], &b.steps[..], "history kept");
            prop_assert_eq!(a.obligation.due, b.obligation.due, "deadline kept");
            prop_assert_eq!(&a.addressed_to, &b.addressed_to);
            if a.status.is_open() {
                prop_assert!(registry.body(a.body()).is_some_and(Body::is_open), "{} at closed {}", a.id, a.body());
                let facts = CaseFacts { id: a.id.as_str(), topic: &a.topic, place: a.place.as_ref() };
                prop_assert_eq!(registry.successor_for(b.body(), &facts).unwrap_or_else(|| b.body().clone()), a.body().clone());
                held += 1;
            } else {
                prop_assert_eq!(a.body(), b.body(), "an answered case stays where it was answered");
            }
        }
        let listed: usize = registry.bodies().map(|(id, _)| w.s.appeals().open_at(id).count()).sum();
        prop_assert_eq!(listed, held, "each open case is listed once, at its body");
        let open_in_records: u64 = w.s.appeals().records().values().map(|r| r.open).sum();
        prop_assert_eq!(open_in_records, held as u64);
        let received: u64 = w.s.appeals().records().values().map(|r| r.received).sum();
        let moves = w.s.counts().get("appeal.reassigned").copied().unwrap_or(0);
        prop_assert_eq!(received, before.len() as u64 + moves);
        prop_assert!(w.s.due_events(w.at).iter().all(|e| e.kind() != "appeal.reassigned"), "nothing left to move");
        let reloaded = State::from_rows(w.s.rows()).expect("rows reload");
        prop_assert_eq!(&reloaded, &w.s);
    }
}

#[test]
fn a_lapsed_deadline_is_not_extended_or_paused_after_the_fact_and_forwards_are_few() {
    let mut w = world();
    w.ok(file("a-1", 1, "mon", "schools"));
    // The due day, 3 April, has ended; the rules have not logged the overdue mark yet.
    w.at = end_of(date!(2026 - 04 - 03));
    w.refused(extend("a-1", "u-head", date!(2026 - 04 - 03), date!(2026 - 05 - 08)), "deadline-passed");
    w.refused(ask("a-1", "u-off"), "deadline-passed");
    // Forwarded three times, a case is not forwarded a fourth.
    let mut w = world();
    w.apply(grant("u-moh2", Role::Official, "moh"));
    w.apply(grant("u-gov", Role::Official, "mon"));
    w.ok(file("a-2", 1, "mon", "health"));
    w.ok(forward("a-2", "u-off", "moh"));
    w.ok(forward("a-2", "u-moh", "government"));
    w.ok(forward("a-2", "u-gov", "mon"));
    w.refused(forward("a-2", "u-off", "moh"), "too-many-forwards");
}

#[test]
fn the_competent_body_is_the_closest_open_one_serving_the_place() {
    let mut w = world();
    w.apply(body("akmola-roads", BodyKind::Akimat, Some("akmola"), Some("akmola"), &["roads"]));
    w.apply(body("kokshetau-roads", BodyKind::Akimat, Some("akmola"), Some("akmola/kokshetau"), &["roads"]));
    let propose = |w: &World, topic: &str, place: Option<&str>| {
        let place: Option<Locality> = place.map(id);
        competent_body(w.s.registry().bodies().map(|(_, b)| b), &id(topic), place.as_ref()).map(|b| b.to_string())
    };
    // The district's body before the region's; among the region's two (`akmola` and
    // `akmola-roads`), the smallest id; outside, nobody.
    assert_eq!(propose(&w, "roads", Some("akmola/kokshetau")).as_deref(), Some("kokshetau-roads"));
    assert_eq!(propose(&w, "roads", Some("akmola/stepnogorsk")).as_deref(), Some("akmola"));
    assert_eq!(propose(&w, "roads", Some("astana")), None);
    // A national body serves everywhere; ties go to the smallest id.
    w.apply(body("moa", BodyKind::Ministry, Some("government"), None, &["health"]));
    assert_eq!(propose(&w, "health", Some("astana")).as_deref(), Some("moa"));
    // A closed body is never proposed.
    w.ok(Event::BodyAbolished { body: id("kokshetau-roads"), successor: id("akmola-roads") });
    assert_eq!(propose(&w, "roads", Some("akmola/kokshetau")).as_deref(), Some("akmola"));
}
