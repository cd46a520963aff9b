//! State machine tests: rules, projection rows, and replay equivalence.

use crate::*;
use proptest::prelude::*;
use std::collections::BTreeMap;
use time::macros::date;
use time::Date;

fn lt(s: &str) -> LocalizedText {
    LocalizedText::new(format!("{s} kk"), format!("{s} ru"), format!("{s} en"))
}

fn id<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().expect("valid id in test")
}

fn body(b: &str, parent: Option<&str>) -> Event {
    Event::BodyRegistered {
        body: id(b),
        name: lt(b),
        kind: BodyKind::Agency,
        parent: parent.map(id),
        territory: None,
        competences: None,
    }
}

fn notice(n: &str) -> Event {
    Event::NoticePublished { notice: id(n), title: lt("title"), text: lt("line\nline") }
}

/// Applies events at increasing timestamps; panics if any is refused.
fn fold(events: &[Event]) -> State {
    let mut s = State::default();
    for (i, e) in events.iter().enumerate() {
        let entry = Entry::new(Timestamp(1000 + i as u64), e.clone());
        if let Err(err) = s.apply(LogIndex(i as u64), &entry) {
            panic!("event {i} refused: {err}");
        }
    }
    s
}

#[track_caller]
fn refused(s: &mut State, e: Event, at: u64, code: &str) {
    let before = s.clone();
    let rows = s.rows();
    assert_eq!(s.check(&e, Timestamp(at)).map_err(|e| e.code()), Err(code));
    let got = s.apply(LogIndex(s.size()), &Entry::new(Timestamp(at), e));
    assert_eq!(got.map_err(|e| e.code()), Err(code));
    assert_eq!(*s, before);
    assert_eq!(s.rows(), rows);
}

fn grant(account: &str, role: Role, body: Option<&str>, by: Option<&str>) -> Event {
    Event::RoleGranted { account: id(account), role, body: body.map(id), by: by.map(id), name: None }
}

fn opening(official: &str, body: &str, basis: &str) -> Event {
    Event::PersonalDataOpened {
        subject: Commitment::from_digest(&[7; 32]),
        body: id(body),
        official: id(official),
        basis: id(basis),
        purpose: "answer appeal A-17".into(),
        case: "A-17".into(),
    }
}

fn bases() -> Event {
    Event::AccessBasesPublished {
        bases: vec![
            AccessBasis { code: id("appeal"), name: lt("appeal"), disclosure_delay_days: 0 },
            AccessBasis { code: id("crime"), name: lt("crime"), disclosure_delay_days: 90 },
        ],
    }
}

#[test]
fn roles_start_with_one_administrator_from_the_console() {
    let mut s = fold(&[body("gov", None), grant("u-admin", Role::Administrator, None, None)]);
    refused(&mut s, grant("u-other", Role::Administrator, None, None), 5000, "administrator-exists");
    refused(&mut s, grant("u-x", Role::Official, Some("gov"), Some("u-nobody")), 5000, "not-administrator");
    refused(&mut s, grant("u-x", Role::Official, Some("nope"), Some("u-admin")), 5000, "unknown-body");
    refused(&mut s, grant("u-x", Role::Official, None, Some("u-admin")), 5000, "body-required");
    refused(&mut s, grant("u-x", Role::Auditor, Some("gov"), Some("u-admin")), 5000, "body-not-allowed");
    refused(&mut s, grant("u-admin", Role::Administrator, None, Some("u-admin")), 5000, "grant-exists");
    let revoke_last =
        Event::RoleRevoked { account: id("u-admin"), role: Role::Administrator, body: None, by: id("u-admin") };
    refused(&mut s, revoke_last, 5000, "last-administrator");
    assert!(s.registry().holds(&id("u-admin"), Role::Administrator, None));
}

#[test]
fn only_an_official_of_the_body_opens_data_on_a_published_basis() {
    let mut s = fold(&[
        body("gov", None),
        body("akimat", None),
        grant("u-admin", Role::Administrator, None, None),
        grant("u-off", Role::Official, Some("akimat"), Some("u-admin")),
    ]);
    refused(&mut s, opening("u-off", "akimat", "appeal"), 5000, "no-access-bases");
    let at = 5000;
    s.apply(LogIndex(s.size()), &Entry::new(Timestamp(at), bases())).expect("bases");
    refused(&mut s, opening("u-off", "gov", "appeal"), at, "not-official-of-body");
    refused(&mut s, opening("u-admin", "akimat", "appeal"), at, "not-official-of-body");
    refused(&mut s, opening("u-off", "akimat", "gossip"), at, "unknown-basis");
    let mut blank = opening("u-off", "akimat", "appeal");
    if let Event::PersonalDataOpened { purpose, .. } = &mut blank {
        *purpose = "  ".into();
    }
    refused(&mut s, blank, at, "empty-field");

    let first = LogIndex(s.size());
    s.apply(first, &Entry::new(Timestamp(at), opening("u-off", "akimat", "appeal"))).expect("opening");
    let restricted = LogIndex(s.size());
    s.apply(restricted, &Entry::new(Timestamp(at), opening("u-off", "akimat", "crime"))).expect("opening");
    assert_eq!(s.registry().opening(first).map(|o| o.disclosed_from), Some(Timestamp(at)));
    // A restricted basis delays what the subject is shown by its days, never the event.
    assert_eq!(s.registry().opening(restricted).map(|o| o.disclosed_from), Some(Timestamp(at + 90 * 86_400_000)));
    assert_eq!(s.public_state().registry.data_openings, 2);
}

#[test]
fn one_identifier_one_verified_person() {
    let p = pseudonym(1);
    let verified =
        Event::PersonVerified { person: p.clone(), locality: id("astana"), method: VerificationMethod::Oidc, by: None };
    let mut s = fold(&[grant("u-admin", Role::Administrator, None, None), verified.clone()]);
    refused(&mut s, verified.clone(), 5000, "person-already-verified");
    let manual_without_admin = Event::PersonVerified {
        person: pseudonym(2),
        locality: id("astana"),
        method: VerificationMethod::Manual,
        by: None,
    };
    refused(&mut s, manual_without_admin, 5000, "administrator-required");
    let manual_by_nobody = Event::PersonVerified {
        person: pseudonym(2),
        locality: id("astana"),
        method: VerificationMethod::Manual,
        by: Some(id("u-x")),
    };
    refused(&mut s, manual_by_nobody, 5000, "not-administrator");
    refused(&mut s, Event::PersonErased { person: pseudonym(3) }, 5000, "person-not-verified");
    let erased = LogIndex(s.size());
    s.apply(erased, &Entry::new(Timestamp(5000), Event::PersonErased { person: p.clone() })).expect("erase");
    assert!(s.registry().verified_person(&p).is_none());
    // After erasure the person may verify again, as a new record.
    s.apply(LogIndex(s.size()), &Entry::new(Timestamp(5000), verified)).expect("verify again");
    assert_eq!(s.registry().verified_people(), 1);
}

#[test]
fn key_versions_only_go_up() {
    let rotate = |version| Event::KeyRotated { key: KeyKind::Pseudonym, version, by: id("u-admin") };
    let mut s = fold(&[grant("u-admin", Role::Administrator, None, None)]);
    assert_eq!(s.registry().key_version(KeyKind::Pseudonym), 1);
    refused(&mut s, rotate(1), 5000, "key-version-not-newer");
    refused(&mut s, rotate(0), 5000, "key-version-zero");
    s.apply(LogIndex(s.size()), &Entry::new(Timestamp(5000), rotate(2))).expect("rotate");
    assert_eq!(s.registry().key_version(KeyKind::Pseudonym), 2);
    assert_eq!(s.registry().key_version(KeyKind::VaultMaster), 1);
}

#[test]
fn people_types_parse_strictly() {
    assert!("ps1-".parse::<Pseudonym>().is_err());
    assert!(format!("ps01-{}", "a".repeat(64)).parse::<Pseudonym>().is_err());
    assert!(format!("ps1-{}", "A".repeat(64)).parse::<Pseudonym>().is_err());
    let p: Pseudonym = format!("ps12-{}", "0f".repeat(32)).parse().expect("valid");
    assert_eq!(p.version(), 12);
    assert_eq!("nowhere".parse::<Locality>().map_err(|e| e.code()), Err("unknown-region"));
    assert_eq!("akmola/Kokshetau".parse::<Locality>().map_err(|e| e.code()), Err("invalid-id"));
    let town: Locality = id("akmola/kokshetau");
    assert!(town.is_within(&id("akmola")));
    assert!(!id::<Locality>("akmola").is_within(&town));
    assert_eq!(Region::ALL.len(), 20);
    for r in Region::ALL {
        assert_eq!(r.code().parse::<Region>(), Ok(r));
    }
}

#[test]
fn body_rules() {
    let mut s = fold(&[body("gov", None), body("mon", Some("gov"))]);
    refused(&mut s, body("gov", None), 5000, "body-exists");
    refused(&mut s, body("x", Some("nope")), 5000, "unknown-parent");
    refused(&mut s, body("self", Some("self")), 5000, "unknown-parent");
    refused(&mut s, body("late", None), 999, "timestamp-regression");
    refused(&mut s, body("far", None), Timestamp::MAX.0 + 1, "timestamp-out-of-range");
    let mut bad_name = body("ok", None);
    if let Event::BodyRegistered { name, .. } = &mut bad_name {
        name.ru.clear();
    }
    refused(&mut s, bad_name, 5000, "empty-text");
    assert_eq!(s.registry().body(&id("mon")).and_then(|b| b.parent.clone()), Some(id("gov")));
    assert_eq!(s.registry().bodies().count(), 2);
    // Equal timestamps are fine: the sequencer may stamp two entries in one millisecond.
    let last = s.last_timestamp().map_or(0, |t| t.0);
    assert!(s.check(&body("same-ms", None), Timestamp(last)).is_ok());
}

#[test]
fn wrong_index_changes_nothing() {
    let mut s = fold(&[body("gov", None)]);
    let before = s.clone();
    let e = Entry::new(Timestamp(5000), body("x", None));
    for idx in [0, 2, u64::MAX] {
        let r = s.apply(LogIndex(idx), &e);
        assert_eq!(r.map_err(|e| e.code()), Err("wrong-index"));
        assert_eq!(s, before);
    }
}

#[test]
fn notices_and_reissues() {
    let cal = |holidays: Vec<Date>| Event::CalendarPublished { year: 2026, holidays, transferred_working_days: vec![] };
    let dep = |m| Event::DeploymentConfigured { name: lt("dauys"), utc_offset_minutes: m, act_rule: None };
    let mut s = fold(&[
        dep(0),
        cal(vec![date!(2026 - 03 - 23)]),
        notice("n1"),
        notice("n2"),
        dep(300),
        cal(vec![date!(2026 - 03 - 24)]),
    ]);
    refused(&mut s, notice("n1"), 9999, "notice-exists");
    assert_eq!(s.registry().utc_offset_minutes(), 300);
    assert!(s.registry().calendar().is_working_day(date!(2026 - 03 - 23)));
    assert!(!s.registry().calendar().is_working_day(date!(2026 - 03 - 24)));
    assert_eq!(s.counts().get("calendar.published"), Some(&2));
    let latest: Vec<&str> = s.notices().latest(5).iter().map(|n| n.id.as_str()).collect();
    assert_eq!(latest, ["n2", "n1"]);
    assert!(s.notices().get(&id("n1")).is_some());

    let p = s.public_state();
    assert_eq!(p.size, 6);
    assert_eq!(p.registry.calendar_years, [2026]);
    let json = serde_json::to_string(&p).expect("serializes");
    assert_eq!(serde_json::from_str::<PublicState>(&json).ok(), Some(p.clone()));
    let text = p.to_string();
    assert!(text.contains("Ledger: 6 entries, last at 1970-01-01T00:00:01.005Z"), "{text}");
    assert!(text.contains("UTC+05:00"), "{text}");
    assert!(text.contains("Calendars: 2026"), "{text}");
    assert!(text.contains("Bodies: 0\n"), "{text}");
    assert!(text.contains("Notices: 2 (latest: title kk)"), "{text}");
}

#[test]
fn changes_and_rows() {
    let mut s = State::default();
    assert!(s.rows().is_empty());
    assert!(s.take_changes().is_empty());
    assert_eq!(State::from_rows(Vec::new()), Ok(State::default()));
    s.apply(LogIndex(0), &Entry::new(Timestamp(7), body("gov", None))).expect("accepted");
    let changes = s.take_changes();
    assert_eq!(
        changes,
        vec![
            (
                "body/gov".to_owned(),
                Some(r#"{"id":"gov","index":0,"kind":"agency","name":{"en":"gov en","kk":"gov kk","ru":"gov ru"},"registered_at":7}"#.to_owned())
            ),
            (
                "meta".to_owned(),
                Some(r#"{"counts":{"body.registered":1},"last_ts":7,"size":1}"#.to_owned())
            ),
        ]
    );
    assert!(s.take_changes().is_empty());
    let rebuilt = State::from_rows(s.rows()).expect("rows are valid");
    assert_eq!(rebuilt, s);
}

#[test]
fn from_rows_refuses_damaged_rows() {
    let s = fold(&[body("gov", None), body("mon", Some("gov")), notice("n1")]);
    let rows = s.rows();
    let with = |key: &str, value: Option<&str>| -> Vec<(String, String)> {
        let mut r: Vec<(String, String)> = rows.iter().filter(|(k, _)| k != key).cloned().collect();
        if let Some(v) = value {
            r.push((key.to_owned(), v.to_owned()));
        }
        r
    };
    let code = |r: Vec<(String, String)>| State::from_rows(r).map(|_| ()).map_err(|e| e.code());
    assert_eq!(code(rows.clone()), Ok(()));
    assert_eq!(code(with("body/gov", None)), Err("invalid-row")); // parent of mon missing
    assert_eq!(code(with("meta", None)), Err("invalid-row"));
    assert_eq!(code(with("notice/n1", None)), Err("invalid-row")); // count mismatch
    assert_eq!(code(with("junk", Some("{}"))), Err("invalid-row"));
    let meta = &rows.iter().find(|(k, _)| k == "meta").expect("meta row").1;
    assert_eq!(code(with("meta", Some(&meta.replace("\"size\":3", "\"size\":4")))), Err("invalid-row"));
    assert_eq!(code(with("meta", Some(&meta.replace(":", ": ")))), Err("invalid-row"));
    let gov = &rows.iter().find(|(k, _)| k == "body/gov").expect("gov row").1;
    assert_eq!(code(with("body/gov", Some(&gov.replace("\"agency\"", "\"nope\"")))), Err("invalid-row"));
    assert_eq!(code(with("body/gov", Some(&gov.replace("gov kk", "")))), Err("invalid-row"));
    let mut renamed = with("body/gov", None);
    renamed.push(("body/gov2".to_owned(), gov.clone()));
    assert_eq!(code(renamed), Err("invalid-row"));
    let mut dup = rows.clone();
    dup.push(("body/gov".to_owned(), gov.clone()));
    assert_eq!(code(dup), Err("invalid-row"));
}

// ---- property tests -------------------------------------------------------------------

const BODIES: [&str; 5] = ["gov", "mon", "akimat", "a-1", "0"];
const NOTICES: [&str; 3] = ["n1", "n2", "welcome"];

fn text() -> impl Strategy<Value = LocalizedText> {
    prop_oneof![
        8 => "[a-zA-Zәіңғүұқөһ ]{1,12}".prop_map(|s| LocalizedText::new(format!("{s}!"), s.clone() + "?", s + ".")),
        1 => Just(LocalizedText::new("", "ru", "en")),
        1 => Just(LocalizedText::new("kk", "ru\u{7}", "en")),
        1 => Just(LocalizedText::new("kk \"q\" \\ ", "ru\nline", "en")),
    ]
}

fn dates(year: u16) -> impl Strategy<Value = Vec<Date>> {
    (prop::collection::vec(1u16..=365, 0..6), any::<bool>()).prop_map(move |(mut days, tidy)| {
        if tidy {
            days.sort_unstable();
            days.dedup();
        }
        days.into_iter().filter_map(|d| Date::from_ordinal_date(i32::from(year), d).ok()).collect()
    })
}

fn calendar_event() -> impl Strategy<Value = Event> {
    prop_oneof![Just(2025u16), Just(2026), Just(2027), Just(1999)].prop_flat_map(|year| {
        (dates(year), dates(year), any::<bool>()).prop_map(move |(holidays, t, weekends_only)| {
            let transferred_working_days = if weekends_only {
                t.into_iter().filter(|d| d.weekday().number_from_monday() >= 6 && !holidays.contains(d)).collect()
            } else {
                t
            };
            Event::CalendarPublished { year, holidays, transferred_working_days }
        })
    })
}

fn event() -> impl Strategy<Value = Event> {
    let body_id = prop::sample::select(BODIES.to_vec()).prop_map(id::<BodyId>);
    let notice_id = prop::sample::select(NOTICES.to_vec()).prop_map(id::<NoticeId>);
    let kind = prop::sample::select(BodyKind::ALL.to_vec());
    prop_oneof![
        1 => (text(), -800i16..900).prop_map(|(name, utc_offset_minutes)| Event::DeploymentConfigured { name, utc_offset_minutes, act_rule: None }),
        2 => calendar_event(),
        4 => (body_id.clone(), text(), kind, prop::option::of(body_id))
            .prop_map(|(body, name, kind, parent)| Event::BodyRegistered { body, name, kind, parent, territory: None, competences: None }),
        2 => (notice_id, text(), text()).prop_map(|(notice, title, text)| Event::NoticePublished { notice, title, text }),
        6 => people_event(),
        12 => petition_event(),
    ]
}

const ACCOUNTS: [&str; 3] = ["u-a", "u-b", "u-c"];
const BASES: [&str; 2] = ["law", "crime"];

fn pseudonym(n: u8) -> Pseudonym {
    Pseudonym::from_digest(1, &[n; 32]).expect("valid version")
}

fn people_event() -> impl Strategy<Value = Event> {
    let account = prop::sample::select(ACCOUNTS.to_vec()).prop_map(id::<AccountId>);
    let person = (0u8..4).prop_map(pseudonym);
    let role = prop::sample::select(Role::ALL.to_vec());
    let body_id = prop::option::of(prop::sample::select(BODIES.to_vec()).prop_map(id::<BodyId>));
    let method =
        prop::sample::select(vec![VerificationMethod::Oidc, VerificationMethod::Registry, VerificationMethod::Manual]);
    let locality = prop::sample::select(vec!["astana", "akmola/kokshetau", "almaty-city"]).prop_map(id::<Locality>);
    let basis = prop::sample::select(BASES.to_vec()).prop_map(id::<BasisCode>);
    prop_oneof![
        (person.clone(), locality, method, prop::option::of(account.clone()))
            .prop_map(|(person, locality, method, by)| Event::PersonVerified { person, locality, method, by }),
        person.prop_map(|person| Event::PersonErased { person }),
        (account.clone(), role.clone(), body_id.clone(), prop::option::of(account.clone()))
            .prop_map(|(account, role, body, by)| Event::RoleGranted { account, role, body, by, name: None }),
        (account.clone(), role, body_id, account.clone()).prop_map(|(account, role, body, by)| Event::RoleRevoked {
            account,
            role,
            body,
            by
        }),
        (0u16..3).prop_map(|delay| Event::AccessBasesPublished {
            bases: BASES
                .iter()
                .map(|b| AccessBasis { code: id(b), name: lt(b), disclosure_delay_days: delay * 30 })
                .collect()
        }),
        (any::<u8>(), prop::sample::select(BODIES.to_vec()).prop_map(id::<BodyId>), account.clone(), basis).prop_map(
            |(n, body, official, basis)| Event::PersonalDataOpened {
                subject: Commitment::from_digest(&[n; 32]),
                body,
                official,
                basis,
                purpose: "check an appeal".into(),
                case: "A-1".into(),
            }
        ),
        (account.clone(), 0u16..4).prop_map(|(by, version)| Event::KeyRotated { key: KeyKind::Pseudonym, version, by }),
        account.prop_map(|by| Event::RegistryImported { records: 10, digest: Commitment::from_digest(&[1; 32]), by }),
    ]
}

const PETITIONS: [&str; 3] = ["p-1", "p-2", "p-3"];
const PETITION_STAFF: [&str; 5] = ["u-mod", "u-bmod", "u-off", "u-head", "u-a"];

/// Rules small enough for generated petitions to reach every count and deadline.
fn small_rules(initial_supporters: u32, threshold: u64, days: u16) -> PetitionRules {
    let level =
        |level, threshold| LevelRule { level, threshold, collection_days: days, consideration_working_days: days };
    PetitionRules {
        initial_supporters,
        initial_window_working_days: days,
        moderation_working_days: days,
        levels: vec![
            level(Level::Government, Threshold::Signatures(threshold)),
            // A share of 150 people: 1.5 signatures per percent, rounded up.
            level(Level::OblastAkimat, Threshold::PopulationShare { basis_points: 100 * threshold as u16 }),
        ],
        populations: vec![Population { territory: id("akmola"), people: 150 }],
        topics: vec![Topic { code: id("roads"), name: lt("roads") }],
        forbidden_topics: vec![Topic { code: id("violence"), name: lt("violence") }],
    }
}

/// Bodies, staff and rules that let generated petitions run their course.
fn petition_setup() -> Vec<Event> {
    let body = |b: &str, kind| Event::BodyRegistered {
        body: id(b),
        name: lt(b),
        kind,
        parent: None,
        territory: None,
        competences: None,
    };
    vec![
        Event::DeploymentConfigured { name: lt("dauys"), utc_offset_minutes: 300, act_rule: None },
        Event::CalendarPublished {
            year: 2026,
            holidays: vec![date!(2026 - 03 - 23), date!(2026 - 03 - 24), date!(2026 - 03 - 25)],
            transferred_working_days: vec![],
        },
        body("p-gov", BodyKind::Government),
        body("p-akimat", BodyKind::Akimat),
        body("p-maslikhat", BodyKind::Maslikhat),
        grant("u-a", Role::Administrator, None, None),
        grant("u-mod", Role::Moderator, None, Some("u-a")),
        grant("u-bmod", Role::Moderator, Some("p-akimat"), Some("u-a")),
        grant("u-off", Role::Official, Some("p-akimat"), Some("u-a")),
        grant("u-head", Role::Head, Some("p-gov"), Some("u-a")),
        Event::PetitionRulesPublished { rules: small_rules(2, 3, 2) },
    ]
}

fn partial_text() -> impl Strategy<Value = PartialText> {
    prop_oneof![
        12 => Just(PartialText::one(Lang::Kk, "Жолды жөндеу")),
        1 => Just(PartialText::default()),
        1 => "[a-z ]{0,6}".prop_map(|s| PartialText { ru: Some(s), en: Some("en".into()), kk: None }),
    ]
}

fn petition_event() -> impl Strategy<Value = Event> {
    let petition = prop::sample::select(PETITIONS.to_vec()).prop_map(id::<PetitionId>);
    let author = prop_oneof![4 => Just(1u8), 1 => Just(2u8)].prop_map(pseudonym);
    let signer = (0u8..8).prop_map(pseudonym);
    let staff = prop::sample::select(PETITION_STAFF.to_vec()).prop_map(id::<AccountId>);
    let acting = prop_oneof![3 => Just("u-mod"), 2 => Just("u-off"), 2 => Just("u-head"), 1 => Just("u-bmod")]
        .prop_map(id::<AccountId>);
    let region = prop::sample::select(vec![Region::Akmola, Region::Astana]);
    // (level, body, territory): the first two fit, the others are refused.
    let addressee = prop_oneof![
        4 => Just((Level::Government, "p-gov", None)),
        4 => Just((Level::OblastAkimat, "p-akimat", Some("akmola"))),
        1 => Just((Level::OblastAkimat, "p-maslikhat", Some("akmola"))),
        1 => Just((Level::OblastMaslikhat, "p-maslikhat", Some("akmola"))),
        1 => Just((Level::Government, "p-gov", Some("astana"))),
    ];
    let topic = prop_oneof![5 => Just("roads"), 1 => Just("violence")].prop_map(id::<TopicCode>);
    let date = (1u16..=365).prop_map(|d| Date::from_ordinal_date(2026, d).unwrap_or(Date::MIN));
    use RejectionReason::*;
    let rejection = prop_oneof![
        Just((Offensive, None, None)),
        Just((ForbiddenTopic, Some("violence"), None)),
        petition.clone().prop_map(|p| (Duplicate, None, Some(p))),
        (
            prop::sample::select(RejectionReason::ALL.to_vec()),
            prop::option::of(prop::sample::select(vec!["violence", "roads"])),
            prop::option::of(petition.clone())
        ),
    ];
    let answer = partial_text();
    prop_oneof![
        3 => (petition.clone(), author.clone(), addressee, topic, partial_text()).prop_map(
            |(petition, author, (level, body, territory), topic, title)| Event::PetitionDrafted {
                petition,
                author,
                body: id(body),
                level,
                territory: territory.map(id),
                topic,
                title,
                text: PartialText::one(Lang::Ru, "Текст"),
            }
        ),
        2 => (petition.clone(), author.clone()).prop_map(|(petition, by)| Event::PetitionLaunched { petition, by }),
        10 => (petition.clone(), signer.clone(), region)
            .prop_map(|(petition, signer, region)| Event::PetitionSigned { petition, signer, region }),
        2 => (petition.clone(), staff.clone()).prop_map(|(petition, by)| Event::PetitionAccepted { petition, by }),
        2 => (petition.clone(), staff.clone(), rejection).prop_map(|(petition, by, (reason, topic, duplicate_of))| {
            Event::PetitionRejected {
                petition,
                by,
                reason,
                forbidden_topic: topic.map(id),
                duplicate_of,
                comment: "see the rules".into(),
            }
        }),
        1 => (petition.clone(), author).prop_map(|(petition, by)| Event::PetitionWithdrawn {
            petition,
            by,
            reason: "solved".into()
        }),
        2 => (petition.clone(), signer, staff).prop_map(|(petition, signer, by)| {
            Event::SignatureInvalidated { petition, signer, by, reason: "burst".into() }
        }),
        4 => (petition.clone(), acting, answer).prop_map(|(petition, by, answer)| Event::ObligationAnswered {
            petition,
            by,
            decision: Decision::Supported,
            answer,
            discussion: PartialText::one(Lang::En, "held"),
            head_statement: PartialText::one(Lang::En, "agreed"),
        }),
        // Rule events as a client might forge them, mostly refused.
        1 => (petition.clone(), date.clone())
            .prop_map(|(petition, moderation_due)| Event::PetitionSubmitted { petition, moderation_due }),
        1 => petition.clone().prop_map(|petition| Event::PetitionExpired { petition }),
        1 => (petition.clone(), any::<bool>())
            .prop_map(|(petition, threshold_reached)| Event::PetitionClosed { petition, threshold_reached }),
        1 => (petition.clone(), date).prop_map(|(petition, due)| Event::ObligationOpened {
            petition,
            body: id("p-akimat"),
            due
        }),
        1 => petition.clone().prop_map(|petition| Event::ObligationOverdue { petition }),
        1 => petition.prop_map(|petition| Event::PetitionModerationOverdue { petition }),
        1 => (1u32..=3, 1u64..=4, 1u16..=3).prop_map(|(initial, threshold, days)| Event::PetitionRulesPublished {
            rules: small_rules(initial, threshold, days)
        }),
    ]
}

/// One step of the sequencer: a submitted event (`None`: log what the rules require now), a
/// timestamp step (sometimes backwards), whether to log the follow-ups of an accepted event,
/// and whether to take changes afterwards.
type Step = (Option<Event>, i64, bool, bool);

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = prop_oneof![8 => 0i64..100_000, 2 => 0i64..3 * 86_400_000, 1 => -1000i64..0];
    let event = prop_oneof![10 => event().prop_map(Some), 1 => Just(None)];
    let single = (event, step, prop::bool::weighted(0.8), any::<bool>()).prop_map(|s| vec![s]);
    let chunk = prop_oneof![6 => single, 1 => petition_scenario()];
    prop::collection::vec(chunk, 0..32).prop_map(|chunks| chunks.into_iter().flatten().collect())
}

/// A petition drafted, launched, signed by a few people and (usually) accepted, minutes apart,
/// with the follow-ups logged: so that generated logs reach thresholds and deadlines.
fn petition_scenario() -> impl Strategy<Value = Vec<Step>> {
    let petition = prop::sample::select(PETITIONS.to_vec());
    let decision = prop_oneof![6 => Just(Some(true)), 2 => Just(Some(false)), 2 => Just(None)];
    let invalidated = prop::option::weighted(0.3, 1u8..6);
    let answered = prop::bool::weighted(0.4);
    let parts = (petition, any::<bool>(), 0u8..6, decision, invalidated, answered);
    parts.prop_map(|(p, local, signers, decision, invalidated, answered)| {
        let petition: PetitionId = id(p);
        let (level, body, territory) = if local {
            (Level::OblastAkimat, "p-akimat", Some(id::<Locality>("akmola")))
        } else {
            (Level::Government, "p-gov", None)
        };
        let mut events = vec![
            Event::PetitionDrafted {
                petition: petition.clone(),
                author: pseudonym(1),
                body: id(body),
                level,
                territory,
                topic: id("roads"),
                title: PartialText::one(Lang::Kk, "Жол"),
                text: PartialText::one(Lang::Kk, "Жолды жөндеу керек."),
            },
            Event::PetitionLaunched { petition: petition.clone(), by: pseudonym(1) },
        ];
        let sign =
            |n: u8| Event::PetitionSigned { petition: petition.clone(), signer: pseudonym(n), region: Region::Akmola };
        events.extend((1..=signers.min(3)).map(sign));
        match decision {
            Some(true) => events.push(Event::PetitionAccepted { petition: petition.clone(), by: id("u-mod") }),
            Some(false) => events.push(Event::PetitionRejected {
                petition: petition.clone(),
                by: id("u-mod"),
                reason: RejectionReason::Unclear,
                forbidden_topic: None,
                duplicate_of: None,
                comment: "no clear demand".into(),
            }),
            None => {}
        }
        events.extend((4..=signers).map(sign));
        events.extend(invalidated.map(|n| Event::SignatureInvalidated {
            petition: petition.clone(),
            signer: pseudonym(n),
            by: id("u-mod"),
            reason: "burst".into(),
        }));
        if answered {
            events.push(Event::ObligationAnswered {
                petition: petition.clone(),
                by: id(if local { "u-off" } else { "u-head" }),
                decision: Decision::NotSupported,
                answer: PartialText::one(Lang::Ru, "Нет"),
                discussion: PartialText::one(Lang::Ru, "Обсуждено"),
                head_statement: PartialText::one(Lang::Ru, "Согласен"),
            });
        }
        events.into_iter().map(|e| (Some(e), 60_000, true, false)).collect()
    })
}

/// Live state, the log's bytes so far, and the rows persisted from `take_changes`.
#[derive(Default)]
struct Sequenced {
    live: State,
    log: Vec<Vec<u8>>,
    persisted: BTreeMap<String, String>,
}

impl Sequenced {
    /// Offers `entry` as the sequencer would; returns whether it was logged.
    fn offer(&mut self, entry: Entry) -> Result<bool, TestCaseError> {
        let bytes = entry.encode();
        // The size check's shortcut measures exactly the canonical bytes.
        prop_assert_eq!(crate::envelope::encoded_len(entry.timestamp, &entry.event), bytes.len());
        // decode accepts exactly the valid events, and round-trips them.
        match entry.event.validate() {
            Ok(()) => prop_assert_eq!(Entry::decode(&bytes), Ok(entry.clone())),
            Err(e) => prop_assert_eq!(Entry::decode(&bytes), Err(DecodeError::InvalidEvent(e))),
        }
        let before = self.live.clone();
        let checked = self.live.check(&entry.event, entry.timestamp);
        let applied = self.live.apply(LogIndex(self.live.size()), &entry);
        prop_assert_eq!(&checked, &applied);
        match applied {
            Ok(()) => self.log.push(bytes),
            Err(_) => {
                prop_assert_eq!(&self.live, &before);
                prop_assert_eq!(self.live.rows(), before.rows());
            }
        }
        Ok(checked.is_ok())
    }

    /// Logs `events`, which the rules require: each must be accepted.
    fn require(&mut self, events: Vec<Event>, at: Timestamp) -> Result<(), TestCaseError> {
        for event in events {
            let kind = event.kind();
            let logged = self.offer(Entry::new(at, event))?;
            prop_assert!(logged, "the rules required a {} that they refuse", kind);
        }
        Ok(())
    }

    fn take_changes(&mut self) {
        for (k, v) in self.live.take_changes() {
            match v {
                Some(v) => self.persisted.insert(k, v),
                None => self.persisted.remove(&k),
            };
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn replay_equals_live(
        (start, steps) in (0u64..2_000_000_000_000, steps()),
        setup in prop::bool::weighted(0.75),
    ) {
        let mut seq = Sequenced::default();
        let mut ts = start;
        if setup {
            for event in petition_setup() {
                prop_assert!(seq.offer(Entry::new(Timestamp(ts), event))?);
            }
        }
        for (event, step, follow, take) in steps {
            ts = ts.saturating_add_signed(step);
            match event {
                Some(event) => {
                    if seq.offer(Entry::new(Timestamp(ts), event))? && follow {
                        // What the act requires is logged right after it, as the sequencer does.
                        let follow_ups = seq.live.take_follow_ups(Timestamp(ts));
                        seq.require(follow_ups, Timestamp(ts))?;
                    }
                }
                None => {
                    // Every deadline passed and count reached is logged; the rules settle
                    // within a few rounds (an obligation opened late may be overdue at once).
                    ts = ts.max(seq.live.last_timestamp().map_or(0, |t| t.0));
                    let at = Timestamp(ts);
                    for _ in 0..3 {
                        let due = seq.live.due_events(at);
                        seq.require(due, at)?;
                    }
                    prop_assert_eq!(seq.live.due_events(at), Vec::<Event>::new());
                }
            }
            if take {
                seq.take_changes();
            }
        }
        seq.take_changes();
        let Sequenced { live, log, persisted } = seq;
        let rows = live.rows();
        prop_assert_eq!(persisted.into_iter().collect::<Vec<_>>(), rows.clone());

        let mut replay = State::default();
        for (i, bytes) in log.iter().enumerate() {
            let entry = Entry::decode(bytes);
            prop_assert!(entry.is_ok(), "entry {} does not decode: {:?}", i, entry);
            if let Ok(entry) = entry {
                prop_assert_eq!(replay.apply(LogIndex(i as u64), &entry), Ok(()));
            }
        }
        prop_assert_eq!(replay.rows(), rows.clone());
        prop_assert_eq!(&replay, &live);
        prop_assert_eq!(replay.public_state(), live.public_state());
        prop_assert_eq!(replay.registry().calendar(), live.registry().calendar());
        // The rules require the same of any copy.
        let later = Timestamp(ts.saturating_add(30 * 86_400_000));
        prop_assert_eq!(replay.due_events(later), live.due_events(later));

        let rebuilt = State::from_rows(rows.clone());
        prop_assert_eq!(rebuilt.as_ref(), Ok(&live));
        if let Ok(mut rebuilt) = rebuilt {
            prop_assert!(rebuilt.take_changes().is_empty());
            prop_assert_eq!(rebuilt.rows(), rows);
            prop_assert_eq!(rebuilt.size(), live.size());
            prop_assert_eq!(rebuilt.last_timestamp(), live.last_timestamp());
            prop_assert_eq!(rebuilt.due_events(later), live.due_events(later));
        }
    }
}
