//! Issue 11: the public appeal statistics for 1,000 bodies and 10 million appeals — the time
//! to compute them, the memory they take, and the cost of one new event.
//!
//! The history is made of real events folded by `State::apply`, as the sequencer folds them:
//! a deployment at UTC+5 with the 2026 and 2027 calendars, 1,000 bodies (a government, 20
//! ministries, 20 regional akimats and their district akimats and departments), one official
//! per body and a head at 41 of them, and the reference appeal rules. Then `DAUYS_BENCH_APPEALS`
//! appeals (default 10,000,000) filed over 2026, mostly sealed, spread over the bodies by a
//! Zipf law (a few bodies get most), each with a fate: answered by the body's official within
//! 1–25 working days (some late), forwarded to another body, extended by a head, or left to go
//! overdue, and then sometimes taken to the superior body as a complaint. The overdue marks are
//! never made up: once per simulated day the bench asks `State::due_events` what the rules
//! require and logs exactly that, and after every entry it logs `State::take_follow_ups`, as the
//! sequencer does. Projection rows are taken every 1,000 entries (a sequencer batch).
//!
//! The fold's figures are printed as plain lines; criterion then measures one new event, the
//! figures a registry page computes for all bodies, and one body's record, at that size and
//! at 10,000 appeals.
//!
//! Memory is measured two ways: the resident set size, and the heap bytes the state holds
//! (counted by the bench's allocator). Up to 2 million appeals the bench also reloads the state
//! from its rows, as a restarting server does, and checks it is equal and no larger. The state
//! takes about 1,100 bytes of resident memory an appeal, so the default 10 million needs about
//! 11 GiB: the bench refuses to start when `/proc/meminfo` says less is available
//! (`DAUYS_BENCH_FORCE=1` tries anyway). BENCHMARKS.md has the sizes it was run at.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use criterion::{black_box, Criterion};
use dauys_core::calendar::kazakhstan_2026_holidays;
use dauys_core::{
    kazakhstan_appeal_rules, wilson_interval, AccountId, AppealId, AppealKind, AppealOutcome, Attachment, BodyId,
    BodyKind, BodyRecord, Calendar, Commitment, Entry, Event, Lang, Locality, LocalizedText, LogIndex, MediaType,
    PartialText, Pseudonym, Region, Role, State, Timestamp, Topic, Visibility,
};
use time::macros::date;
use time::Date;

const OFFSET: i16 = 300;
const MINUTE: u64 = 60_000;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;
/// The small history the cost of one event is compared with.
const SMALL: u64 = 10_000;
/// Entries per sequencer batch, after which the projection rows are taken.
const BATCH: u64 = 1_000;
/// Bench-made appeals (criterion's) get indexes from here, apart from the history's.
const BENCH_IDS: u64 = 1 << 36;

// ---- memory -------------------------------------------------------------------------------------

/// The system allocator, counting the bytes live: what a structure holds, without the
/// allocator's own overhead and free lists (which the resident set size includes).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live_bytes() -> u64 {
    LIVE.load(Ordering::Relaxed) as u64
}

// ---- deterministic randomness ----------------------------------------------------------------

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(1);
        mix(self.0)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

fn digest(seed: u64) -> [u8; 32] {
    let mut d = [0u8; 32];
    for (i, chunk) in d.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(&mix(seed ^ (i as u64).wrapping_mul(0xA24B_AED4_963E_E407)).to_le_bytes());
    }
    d
}

/// What an appeal is, from its index alone, so that later acts on it need not remember it.
fn trait_of(i: u64, salt: u64) -> u64 {
    mix(i.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ salt)
}

fn is_public(i: u64) -> bool {
    trait_of(i, 1).is_multiple_of(10)
}

/// A random-looking id, as the server chooses them (`a-4k7q2m9x`): a bijection of the index
/// on 40 bits, so ids never collide and land all over the map.
fn appeal_id(i: u64) -> AppealId {
    const MASK: u64 = (1 << 40) - 1;
    const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
    let mut x = i & MASK;
    x = x.wrapping_mul(0x5_DEEC_E66D) & MASK;
    x ^= x >> 20;
    x = x.wrapping_mul(0xB_D9A3_4E2F) & MASK;
    let s: String = (0..8).map(|k| ALPHABET[((x >> (35 - 5 * k)) & 31) as usize] as char).collect();
    format!("a-{s}").parse().expect("valid appeal id")
}

fn account(salt: u64, n: u64) -> AccountId {
    format!("u-{:016x}", mix(salt ^ n.wrapping_mul(0x9E37_79B9))).parse().expect("valid account id")
}

fn id<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().expect("valid id")
}

/// `ms` after local midnight (UTC+5) starting `d`.
fn local(d: Date, ms: u64) -> Timestamp {
    Timestamp(Timestamp::end_of_day(d, OFFSET).0 - DAY + ms)
}

const BASE: Date = date!(2026 - 01 - 01);

fn day_no(d: Date) -> usize {
    (d - BASE).whole_days() as usize
}

fn rss_kib(field: &str) -> u64 {
    kib_in("/proc/self/status", field)
}

fn kib_in(path: &str, field: &str) -> u64 {
    let status = std::fs::read_to_string(path).unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix(field)?.trim().strip_suffix("kB")?.trim().parse().ok()).unwrap_or(0)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

// ---- the deployment ----------------------------------------------------------------------------

const TOPICS: &[(&str, &str, &str, &str)] = &[
    ("agriculture", "Ауыл шаруашылығы", "Сельское хозяйство", "Agriculture"),
    ("construction", "Құрылыс", "Строительство", "Construction"),
    ("culture", "Мәдениет", "Культура", "Culture"),
    ("digital-services", "Цифрлық қызметтер", "Цифровые услуги", "Digital services"),
    ("employment", "Жұмыспен қамту", "Занятость", "Employment"),
    ("environment", "Қоршаған орта", "Окружающая среда", "Environment"),
    ("health", "Денсаулық", "Здравоохранение", "Health"),
    ("housing", "Тұрғын үй", "Жильё", "Housing"),
    ("land", "Жер", "Земля", "Land"),
    ("pensions", "Зейнетақы", "Пенсии", "Pensions"),
    ("police", "Полиция", "Полиция", "Police"),
    ("roads", "Жолдар", "Дороги", "Roads"),
    ("schools", "Мектептер", "Школы", "Schools"),
    ("social-support", "Әлеуметтік көмек", "Социальная помощь", "Social support"),
    ("sport", "Спорт", "Спорт", "Sport"),
    ("taxes", "Салықтар", "Налоги", "Taxes"),
    ("transport", "Көлік", "Транспорт", "Transport"),
    ("utilities", "Коммуналдық қызметтер", "Коммунальные услуги", "Utilities"),
    ("water", "Су", "Вода", "Water"),
    ("youth", "Жастар", "Молодёжь", "Youth"),
];

/// A plausible 2027 calendar (the decree is not out): New Year, Christmas, 8 March, Nauryz
/// (21 March is a Sunday), 1 May (a Saturday), 7 and 10 May, Kurban ait, 6 July, 30 August,
/// 25 October, 16 December.
fn holidays_2027() -> Vec<Date> {
    vec![
        date!(2027 - 01 - 01),
        date!(2027 - 01 - 07),
        date!(2027 - 03 - 08),
        date!(2027 - 03 - 22),
        date!(2027 - 03 - 23),
        date!(2027 - 03 - 24),
        date!(2027 - 05 - 03),
        date!(2027 - 05 - 07),
        date!(2027 - 05 - 10),
        date!(2027 - 05 - 17),
        date!(2027 - 07 - 06),
        date!(2027 - 08 - 30),
        date!(2027 - 10 - 25),
        date!(2027 - 12 - 16),
    ]
}

struct BodyInfo {
    id: BodyId,
    parent: Option<usize>,
    territory: Option<Locality>,
    official: AccountId,
    head: Option<AccountId>,
}

/// The bench's own view of the deployment: who may act where, the calendar to plan acts on,
/// and how appeals spread over the bodies.
struct Plan {
    bodies: Vec<BodyInfo>,
    /// Cumulative Zipf weights (exponent 1) by body index.
    cdf: Vec<f64>,
    calendar: Calendar,
}

impl Plan {
    fn pick_body(&self, rng: &mut Rng) -> usize {
        let total = *self.cdf.last().expect("bodies");
        let u = rng.unit() * total;
        self.cdf.partition_point(|c| *c <= u).min(self.bodies.len() - 1)
    }

    fn working_days(&self, from: Date, n: u64) -> Date {
        self.calendar.add_working_days(from, n as u32)
    }
}

/// The set-up events and the plan.
fn deployment() -> (Vec<Event>, Plan) {
    let name = |kk: String, ru: String, en: String| LocalizedText::new(kk, ru, en);
    let mut events = vec![
        Event::DeploymentConfigured {
            name: LocalizedText::new("Dauys", "Dauys", "Dauys"),
            utc_offset_minutes: OFFSET,
            act_rule: None,
        },
        Event::CalendarPublished { year: 2026, holidays: kazakhstan_2026_holidays(), transferred_working_days: vec![] },
        Event::CalendarPublished { year: 2027, holidays: holidays_2027(), transferred_working_days: vec![] },
    ];
    let mut bodies: Vec<BodyInfo> = Vec::new();
    let register = |events: &mut Vec<Event>,
                    bodies: &mut Vec<BodyInfo>,
                    b: String,
                    n: LocalizedText,
                    kind: BodyKind,
                    parent: Option<usize>,
                    territory: Option<Locality>,
                    competences: Option<Vec<&str>>| {
        events.push(Event::BodyRegistered {
            body: id(&b),
            name: n,
            kind,
            parent: parent.map(|p| bodies[p].id.clone()),
            territory: territory.clone(),
            competences: competences.map(|c| c.into_iter().map(id).collect()),
        });
        let i = bodies.len() as u64;
        bodies.push(BodyInfo { id: id(&b), parent, territory, official: account(1, i), head: None });
    };
    register(
        &mut events,
        &mut bodies,
        "government".into(),
        LocalizedText::new("Үкімет", "Правительство", "Government"),
        BodyKind::Government,
        None,
        None,
        None,
    );
    for m in 1..=20usize {
        let mut competences: Vec<&str> = (0..3).map(|k| TOPICS[(m * 7 + k * 5) % TOPICS.len()].0).collect();
        competences.sort_unstable();
        competences.dedup();
        register(
            &mut events,
            &mut bodies,
            format!("ministry-{m:02}"),
            name(format!("{m}-министрлік"), format!("Министерство № {m}"), format!("Ministry no. {m}")),
            BodyKind::Ministry,
            Some(0),
            None,
            Some(competences),
        );
    }
    for r in Region::ALL {
        let en = r.name().get(Lang::En).to_owned();
        register(
            &mut events,
            &mut bodies,
            format!("akimat-{}", r.code()),
            name(
                format!("{} әкімдігі", r.name().get(Lang::Kk)),
                format!("Акимат: {}", r.name().get(Lang::Ru)),
                format!("Akimat of {en}"),
            ),
            BodyKind::Akimat,
            Some(0),
            Some(id(r.code())),
            None,
        );
    }
    // The rest (959): district akimats under their region's akimat, and departments under a
    // regional akimat or a ministry.
    let mut k = 0usize;
    while bodies.len() < 1_000 {
        let region = Region::ALL[k % 20];
        let regional = 21 + k % 20;
        let n = k / 20 + 1;
        match k % 3 {
            0 | 1 => register(
                &mut events,
                &mut bodies,
                format!("akimat-{}-d-{n:02}-{}", region.code(), k % 3),
                name(format!("{n}-аудан әкімдігі"), format!("Акимат района № {n}"), format!("District akimat no. {n}")),
                BodyKind::Akimat,
                Some(regional),
                Some(id(&format!("{}/d-{n:02}-{}", region.code(), k % 3))),
                None,
            ),
            _ if n.is_multiple_of(2) => register(
                &mut events,
                &mut bodies,
                format!("dept-{}-{n:02}", region.code()),
                name(format!("{n}-басқарма"), format!("Управление № {n}"), format!("Department no. {n}")),
                BodyKind::Other,
                Some(regional),
                Some(id(region.code())),
                None,
            ),
            _ => register(
                &mut events,
                &mut bodies,
                format!("agency-{:02}-{n:02}-{}", 1 + k % 20, region.code()),
                name(format!("{n}-комитет"), format!("Комитет № {n}"), format!("Committee no. {n}")),
                BodyKind::Agency,
                Some(1 + k % 20),
                None,
                None,
            ),
        }
        k += 1;
    }
    let admin = account(0, 0);
    events.push(Event::RoleGranted {
        account: admin.clone(),
        role: Role::Administrator,
        body: None,
        by: None,
        name: None,
    });
    for (i, b) in bodies.iter_mut().enumerate() {
        events.push(Event::RoleGranted {
            account: b.official.clone(),
            role: Role::Official,
            body: Some(b.id.clone()),
            by: Some(admin.clone()),
            name: None,
        });
        // The government, the ministries and the regional akimats have a head who extends.
        if i <= 40 {
            let head = account(2, i as u64);
            events.push(Event::RoleGranted {
                account: head.clone(),
                role: Role::Head,
                body: Some(b.id.clone()),
                by: Some(admin.clone()),
                name: None,
            });
            b.head = Some(head);
        }
    }
    let topics = TOPICS
        .iter()
        .map(|(code, kk, ru, en)| Topic { code: id(code), name: LocalizedText::new(*kk, *ru, *en) })
        .collect();
    events.push(Event::AppealRulesPublished { rules: kazakhstan_appeal_rules(topics) });

    // Ranks for the Zipf law: the ministries and regional akimats first (shuffled), then the
    // government, then the rest (shuffled).
    let mut rng = Rng(0x5EED);
    let mut top: Vec<usize> = (1..=40).collect();
    let mut rest: Vec<usize> = (41..bodies.len()).collect();
    for v in [&mut top, &mut rest] {
        for i in (1..v.len()).rev() {
            v.swap(i, rng.below(i as u64 + 1) as usize);
        }
    }
    let order: Vec<usize> = top.into_iter().chain([0]).chain(rest).collect();
    let mut weight = vec![0.0; bodies.len()];
    for (rank, b) in order.into_iter().enumerate() {
        weight[b] = 1.0 / (rank as f64 + 1.0);
    }
    let cdf = weight
        .iter()
        .scan(0.0, |acc, w| {
            *acc += w;
            Some(*acc)
        })
        .collect();
    let mut holidays = kazakhstan_2026_holidays();
    holidays.extend(holidays_2027());
    (events, Plan { bodies, cdf, calendar: Calendar::new(holidays, []) })
}

// ---- appeals and acts on them --------------------------------------------------------------------

fn filing(plan: &Plan, i: u64, body: usize, applicants: u64, complaint_about: Option<u64>) -> Event {
    let b = &plan.bodies[body];
    // The applicant of a complaint is the applicant of the appeal it is about.
    let who = complaint_about.unwrap_or(i);
    let applicant = Pseudonym::from_digest(1, &digest(trait_of(who, 2) % applicants)).expect("version 1");
    let topic = TOPICS[(trait_of(i, 3) % TOPICS.len() as u64) as usize].0;
    let kind = match (complaint_about, trait_of(i, 4) % 20) {
        (Some(_), _) => AppealKind::Complaint,
        (None, 0..=9) => AppealKind::Application,
        (None, 10..=13) => AppealKind::Complaint,
        (None, 14..=16) => AppealKind::InformationRequest,
        (None, 17..=18) => AppealKind::Proposal,
        (None, _) => AppealKind::Feedback,
    };
    let place = b.territory.clone();
    let common = |visibility, title, text, attachments, sealed| Event::AppealFiled {
        appeal: appeal_id(i),
        applicant: applicant.clone(),
        body: b.id.clone(),
        kind,
        topic: id(topic),
        place: place.clone(),
        visibility,
        title,
        text,
        attachments,
        sealed,
        complaint_about: complaint_about.map(appeal_id),
    };
    if is_public(i) {
        let street = 1 + trait_of(i, 5) % 120;
        let title = PartialText::one(Lang::Ru, format!("{topic}: улица № {street}"));
        let text = PartialText::one(
            Lang::Ru,
            format!(
                "Прошу принять меры: на улице № {street} ({topic}) проблема не решается уже несколько месяцев.\n\
                 Жители обращались устно, ответа не было. Прошу сообщить сроки."
            ),
        );
        let attachments = trait_of(i, 6).is_multiple_of(5).then(|| {
            vec![Attachment {
                digest: Commitment::from_digest(&digest(trait_of(i, 7))),
                bytes: 50_000 + (trait_of(i, 8) % 2_000_000) as u32,
                media_type: MediaType::Jpeg,
            }]
        });
        common(Visibility::Public, Some(title), Some(text), attachments, None)
    } else {
        common(Visibility::Private, None, None, None, Some(Commitment::from_digest(&digest(trait_of(i, 9)))))
    }
}

fn answering(i: u64, by: &AccountId, salt: u64) -> Event {
    let outcome = match trait_of(i, 10 + salt) % 20 {
        0..=7 => AppealOutcome::Satisfied,
        8..=12 => AppealOutcome::PartlySatisfied,
        _ => AppealOutcome::Refused,
    };
    let (answer, sealed) = if is_public(i) {
        (Some(PartialText::one(Lang::Ru, "Ваше обращение рассмотрено, работы включены в план на текущий год.")), None)
    } else {
        (None, Some(Commitment::from_digest(&digest(trait_of(i, 11 + salt)))))
    };
    Event::AppealAnswered { appeal: appeal_id(i), by: by.clone(), outcome, answer, sealed }
}

/// Something someone does on a later day.
#[derive(Clone, Copy)]
enum Act {
    /// The official of `body` answers appeal `appeal`.
    Answer { appeal: u32, body: u16 },
    /// The official of `body` sends it on to `to`.
    Forward { appeal: u32, body: u16, to: u16 },
    /// The head of `body` extends it, decided on day `decided`, to day `until`.
    Extend { appeal: u32, body: u16, decided: u16, until: u16 },
    /// Its applicant complains to the superior body of `body` about its silence.
    Complain { appeal: u32, body: u16 },
}

#[derive(Default)]
struct Tally {
    filed: u64,
    complaints: u64,
    forwarded: u64,
    extended: u64,
    answered: u64,
    overdue: u64,
}

/// The history being made: the state, what is planned, and where the time went.
struct Sim<'p> {
    plan: &'p Plan,
    state: State,
    rng: Rng,
    /// Acts planned, by day from 1 January 2026.
    days: Vec<Vec<Act>>,
    next: u64,
    applicants: u64,
    since_batch: u64,
    apply_time: Duration,
    rows_time: Duration,
    tally: Tally,
}

impl Sim<'_> {
    /// Logs `e` at `at`, then what the rules require right after it, as the sequencer does.
    fn log(&mut self, at: Timestamp, e: Event) {
        let t = Instant::now();
        self.apply_one(at, e);
        loop {
            let follow_ups = self.state.take_follow_ups(at);
            if follow_ups.is_empty() {
                break;
            }
            for f in follow_ups {
                self.apply_one(at, f);
            }
        }
        self.apply_time += t.elapsed();
        if self.since_batch >= BATCH {
            self.take_rows();
        }
    }

    fn apply_one(&mut self, at: Timestamp, e: Event) {
        let kind = e.kind();
        if let Err(err) = self.state.apply(LogIndex(self.state.size()), &Entry::new(at, e)) {
            panic!("{kind} refused at entry {}: {err}", self.state.size());
        }
        self.since_batch += 1;
    }

    fn take_rows(&mut self) {
        let t = Instant::now();
        black_box(self.state.take_changes());
        self.rows_time += t.elapsed();
        self.since_batch = 0;
    }

    /// Logs what the rules require at `at` (deadlines passed).
    fn tick(&mut self, at: Timestamp) {
        let t = Instant::now();
        let due = self.state.due_events(at);
        self.apply_time += t.elapsed();
        for e in due {
            if matches!(e, Event::AppealOverdue { .. }) {
                self.tally.overdue += 1;
            }
            self.log(at, e);
        }
    }

    fn plan_act(&mut self, on: Date, act: Act) {
        let d = day_no(on);
        if d >= self.days.len() {
            return; // After the simulated year: not part of this history.
        }
        self.days[d].push(act);
    }

    /// What will happen to appeal `i`, filed with `body` on `on`.
    fn decide_fate(&mut self, i: u64, body: usize, on: Date, may_move: bool) {
        let plan = self.plan;
        let due = plan.working_days(on, 15);
        let (appeal, b) = (i as u32, body as u16);
        let r = self.rng.unit();
        if may_move && r < 0.05 {
            // Misaddressed: forwarded within the 3 working days, one in ten late.
            let k = if self.rng.chance(0.1) { 4 + self.rng.below(2) } else { 1 + self.rng.below(3) };
            let mut to = plan.pick_body(&mut self.rng);
            if to == body {
                to = (body + 1) % plan.bodies.len();
            }
            self.plan_act(plan.working_days(on, k), Act::Forward { appeal, body: b, to: to as u16 });
        } else if may_move && plan.bodies[body].head.is_some() && r < 0.13 {
            // The head extends it (decided after 3–10 working days, told within 3, one in ten
            // late) to 20 days after the deadline; four in five are answered by then.
            let decided = plan.working_days(on, 3 + self.rng.below(8));
            let told = if self.rng.chance(0.1) { 4 + self.rng.below(2) } else { 1 + self.rng.below(3) };
            let until = due + time::Duration::days(20);
            let act = Act::Extend { appeal, body: b, decided: day_no(decided) as u16, until: day_no(until) as u16 };
            self.plan_act(plan.working_days(decided, told), act);
            if self.rng.chance(0.8) {
                let answer_on = plan.working_days(due, 1 + self.rng.below(12)).min(until);
                self.plan_act(answer_on, Act::Answer { appeal, body: b });
            }
        } else {
            self.plan_answer(i, body, on, due, may_move);
        }
    }

    /// Answered in 1–25 working days (mostly near the deadline, 15 % late), or never: then the
    /// rules mark it overdue, and one applicant in five complains to the superior body.
    fn plan_answer(&mut self, i: u64, body: usize, on: Date, due: Date, may_complain: bool) {
        let (appeal, b) = (i as u32, body as u16);
        if self.rng.chance(0.82) {
            let k = if self.rng.chance(0.85) {
                (1.0 + 15.0 * self.rng.unit().sqrt()).min(15.0) as u64
            } else {
                16 + self.rng.below(10)
            };
            self.plan_act(self.plan.working_days(on, k), Act::Answer { appeal, body: b });
        } else if may_complain && self.plan.bodies[body].parent.is_some() && self.rng.chance(0.2) {
            let on = due + time::Duration::days(1 + self.rng.below(10) as i64);
            self.plan_act(on, Act::Complain { appeal, body: b });
        }
    }

    fn new_index(&mut self) -> u64 {
        let i = self.next;
        self.next += 1;
        i
    }

    /// One simulated day: the rules' tick at midnight, then that day's filings and acts in
    /// time order.
    fn day(&mut self, on: Date, filings: u64) {
        let plan = self.plan;
        self.tick(local(on, 0));
        let mut today: Vec<(u64, Event)> = Vec::with_capacity(filings as usize * 2);
        for _ in 0..filings {
            let i = self.new_index();
            let body = plan.pick_body(&mut self.rng);
            today.push((8 * HOUR + self.rng.below(14 * HOUR), filing(plan, i, body, self.applicants, None)));
            self.decide_fate(i, body, on, true);
            self.tally.filed += 1;
        }
        for act in std::mem::take(&mut self.days[day_no(on)]) {
            let office_hours = 9 * HOUR + self.rng.below(9 * HOUR);
            let event = match act {
                Act::Answer { appeal, body } => {
                    self.tally.answered += 1;
                    answering(u64::from(appeal), &plan.bodies[usize::from(body)].official, 0)
                }
                Act::Forward { appeal, body, to } => {
                    self.tally.forwarded += 1;
                    self.plan_answer(u64::from(appeal), usize::from(to), on, plan.working_days(on, 15), false);
                    Event::AppealForwarded {
                        appeal: appeal_id(u64::from(appeal)),
                        by: plan.bodies[usize::from(body)].official.clone(),
                        to: plan.bodies[usize::from(to)].id.clone(),
                        reason: "Вопрос относится к компетенции другого органа".into(),
                    }
                }
                Act::Extend { appeal, body, decided, until } => {
                    self.tally.extended += 1;
                    let day = |n: u16| BASE + time::Duration::days(i64::from(n));
                    Event::AppealExtended {
                        appeal: appeal_id(u64::from(appeal)),
                        by: plan.bodies[usize::from(body)].head.clone().expect("a head"),
                        decided_on: day(decided),
                        until: day(until),
                        reason: "Требуется выезд на место и запрос в другие органы".into(),
                    }
                }
                Act::Complain { appeal, body } => {
                    self.tally.complaints += 1;
                    let i = self.new_index();
                    let parent = plan.bodies[usize::from(body)].parent.expect("a superior body");
                    self.plan_answer(i, parent, on, plan.working_days(on, 15), false);
                    let filed = filing(plan, i, parent, self.applicants, Some(u64::from(appeal)));
                    today.push((8 * HOUR + self.rng.below(14 * HOUR), filed));
                    continue;
                }
            };
            today.push((office_hours, event));
        }
        today.sort_by_key(|(ms, _)| *ms);
        for (ms, e) in today {
            self.log(local(on, ms), e);
        }
    }
}

struct Built {
    state: State,
    /// The instant benches log at: Monday 4 January 2027, 10:00.
    at: Timestamp,
    next: u64,
}

/// Folds the deployment and `n` appeals filed over 2026; prints what it measured if `report`.
fn build(plan: &Plan, setup: &[Event], n: u64, report: bool) -> Built {
    let mut sim = Sim {
        plan,
        state: State::new(),
        rng: Rng(0x0A99_EA15 ^ n),
        days: vec![Vec::new(); 366],
        next: 0,
        applicants: (n / 3).max(1_000),
        since_batch: 0,
        apply_time: Duration::ZERO,
        rows_time: Duration::ZERO,
        tally: Tally::default(),
    };
    let started = Instant::now();
    let set_up_at = local(date!(2025 - 12 - 30), 10 * HOUR);
    for e in setup {
        sim.log(set_up_at, e.clone());
    }
    // Filings per day: weekends and holidays get 40 % of a working day's.
    let year: Vec<Date> = (0..365).map(|d| BASE + time::Duration::days(d)).collect();
    let weight = |d: &Date| if plan.calendar.is_working_day(*d) { 1.0 } else { 0.4 };
    let total: f64 = year.iter().map(weight).sum();
    let mut filed = 0u64;
    let mut cumulative = 0.0;
    let mut month_start = (Instant::now(), sim.state.size(), sim.apply_time);
    for d in &year {
        cumulative += weight(d);
        let upto = ((n as f64) * cumulative / total).round() as u64;
        sim.day(*d, upto - filed);
        filed = upto;
        let next = d.next_day().expect("2026 has a next day");
        if report && next.month() != d.month() {
            let (t0, s0, a0) = month_start;
            let entries = sim.state.size() - s0;
            let applying = (sim.apply_time - a0).as_secs_f64();
            println!(
                "fold {}-{:02}: {entries} entries in {:.1} s ({:.0} entries/s applying), {} appeals so far, RSS {:.0} MiB",
                d.year(),
                u8::from(d.month()),
                t0.elapsed().as_secs_f64(),
                entries as f64 / applying,
                sim.next,
                mib(rss_kib("VmRSS:"))
            );
            month_start = (Instant::now(), sim.state.size(), sim.apply_time);
        }
    }
    // The year ends: what was due by midnight is logged; acts planned for 2027 are not part
    // of this history, so the state is a snapshot of a live deployment.
    sim.tick(local(date!(2027 - 01 - 01), 0));
    let at = local(date!(2027 - 01 - 04), 10 * HOUR);
    sim.tick(at);
    sim.take_rows();
    let elapsed = started.elapsed();
    if report {
        let entries = sim.state.size();
        let t = &sim.tally;
        println!(
            "fold: {entries} entries ({} appeals: {} filed + {} complaints; {} answered, {} overdue marks, {} forwarded, {} extended) in {:.1} s",
            t.filed + t.complaints,
            t.filed,
            t.complaints,
            t.answered,
            t.overdue,
            t.forwarded,
            t.extended,
            elapsed.as_secs_f64()
        );
        println!(
            "fold: {:.1} s in State::apply + take_follow_ups + due_events ({:.0} entries/s), {:.1} s in take_changes (rows every {BATCH} entries), {:.1} s making the events",
            sim.apply_time.as_secs_f64(),
            entries as f64 / sim.apply_time.as_secs_f64(),
            sim.rows_time.as_secs_f64(),
            (elapsed - sim.apply_time - sim.rows_time).as_secs_f64()
        );
        println!("fold: entries by type {:?}", sim.state.counts());
    }
    Built { state: sim.state, at, next: BENCH_IDS }
}

// ---- what pages compute ----------------------------------------------------------------------------

/// One body's line in the registry of bodies.
#[allow(dead_code)]
struct Figures<'a> {
    body: &'a BodyId,
    received: u64,
    open: u64,
    /// Answered on time, out of the cases decided (answered or deemed refused), with its
    /// Wilson interval.
    on_time: Option<(f64, f64, f64)>,
    overdue_share: Option<f64>,
    median_days: Option<u32>,
    p90_days: Option<u32>,
    latest_month: Option<(&'a str, u64, u64)>,
}

fn figures<'a>(body: &'a BodyId, r: &'a BodyRecord) -> Figures<'a> {
    let decided = r.decided();
    Figures {
        body,
        received: r.received,
        open: r.open,
        on_time: wilson_interval(r.answered_on_time, decided)
            .map(|(lo, hi)| (r.answered_on_time as f64 / decided as f64, lo, hi)),
        overdue_share: (r.received > 0).then(|| r.overdue as f64 / r.received as f64),
        median_days: r.median_working_days(),
        p90_days: r.percentile_working_days(90),
        latest_month: r.by_month.iter().next_back().map(|(m, f)| (m.as_str(), f.received, f.answered)),
    }
}

/// The registry page: every body's figures, ranked by the lower bound of its on-time share.
fn all_figures(records: &BTreeMap<BodyId, BodyRecord>) -> Vec<Figures<'_>> {
    let mut all: Vec<Figures<'_>> = records.iter().map(|(b, r)| figures(b, r)).collect();
    all.sort_by(|a, b| {
        let lo = |f: &Figures<'_>| f.on_time.map_or(-1.0, |t| t.1);
        lo(b).total_cmp(&lo(a))
    });
    all
}

fn report_records(state: &State) {
    let records = state.appeals().records();
    let t = Instant::now();
    let figs = all_figures(records);
    let once = t.elapsed();
    let rounds = 20;
    let t = Instant::now();
    for _ in 0..rounds {
        black_box(all_figures(black_box(records)));
    }
    let avg = t.elapsed() / rounds;
    println!(
        "figures: {} bodies (median, p90, on-time share with its Wilson interval, overdue share, latest month; ranked): first {:.2} ms, then {:.2} ms on average over {rounds}",
        figs.len(),
        once.as_secs_f64() * 1e3,
        avg.as_secs_f64() * 1e3
    );
    let json = serde_json::to_string(records).expect("records serialise");
    let months: usize = records.values().map(|r| r.by_month.len()).sum();
    let histogram: usize = records.values().map(|r| r.days_to_answer.len()).sum();
    println!(
        "records: {} bodies, {months} body-months, {histogram} histogram cells; serde_json {} bytes ({:.1} KiB, {:.0} bytes a body)",
        records.len(),
        json.len(),
        json.len() as f64 / 1024.0,
        json.len() as f64 / records.len().max(1) as f64
    );
    let received: u64 = records.values().map(|r| r.received).sum();
    let mut by_received: Vec<u64> = records.values().map(|r| r.received).collect();
    by_received.sort_unstable_by(|a, b| b.cmp(a));
    let top10: u64 = by_received.iter().take(10).sum();
    let top100: u64 = by_received.iter().take(100).sum();
    println!(
        "records: {received} receipts; the 10 busiest bodies have {:.0} %, the 100 busiest {:.0} %; busiest {}, median body {}",
        100.0 * top10 as f64 / received as f64,
        100.0 * top100 as f64 / received as f64,
        by_received.first().copied().unwrap_or(0),
        by_received.get(by_received.len() / 2).copied().unwrap_or(0)
    );
    if let Some(f) = figs.iter().max_by_key(|f| f.received) {
        println!(
            "records: busiest body {}: received {}, open {}, on time {:?}, median {:?} and p90 {:?} working days",
            f.body, f.received, f.open, f.on_time, f.median_days, f.p90_days
        );
    }
}

// ---- one new event -------------------------------------------------------------------------------------

/// Logs `events` at `at` as the sequencer does; returns the time taken.
fn log_all(state: &mut State, at: Timestamp, events: Vec<Event>) -> Duration {
    let t = Instant::now();
    for e in events {
        let kind = e.kind();
        if let Err(err) = state.apply(LogIndex(state.size()), &Entry::new(at, e)) {
            panic!("{kind} refused: {err}");
        }
        black_box(state.take_follow_ups(at));
    }
    t.elapsed()
}

/// `count` new appeals (filings), to Zipf-chosen bodies, with ids no history uses.
fn new_filings(plan: &Plan, next: &mut u64, rng: &mut Rng, count: u64) -> (Vec<Event>, Vec<(u64, usize)>) {
    let mut events = Vec::with_capacity(count as usize);
    let mut made = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let i = *next;
        *next += 1;
        let body = plan.pick_body(rng);
        events.push(filing(plan, i, body, 1_000_000, None));
        made.push((i, body));
    }
    (events, made)
}

/// Times `count` filings, then `count` answers to them; returns the cost of one of each.
fn one_event_cost(plan: &Plan, b: &mut Built, rng: &mut Rng, count: u64) -> (Duration, Duration) {
    let (filings, made) = new_filings(plan, &mut b.next, rng, count);
    let filing = log_all(&mut b.state, b.at, filings);
    let answers = made.iter().map(|(i, body)| answering(*i, &plan.bodies[*body].official, 1)).collect();
    let answer = log_all(&mut b.state, b.at, answers);
    black_box(b.state.take_changes());
    (filing / count as u32, answer / count as u32)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

/// The cost of one event at the big size and the small, measured alike (7 rounds of 2,000
/// filings and 2,000 answers; the small state is cloned afresh for each round so that it stays
/// small; the big one grows by 0.3 % at most).
fn report_ratio(plan: &Plan, big: &mut Built, small: &Built, n: u64) {
    let mut rng = Rng(0xC0FFEE);
    let (mut fb, mut ab, mut fs, mut as_) = (vec![], vec![], vec![], vec![]);
    for _ in 0..7 {
        let (f, a) = one_event_cost(plan, big, &mut rng, 2_000);
        fb.push(f);
        ab.push(a);
        let mut s = Built { state: small.state.clone(), at: small.at, next: small.next };
        let (f, a) = one_event_cost(plan, &mut s, &mut rng, 2_000);
        fs.push(f);
        as_.push(a);
    }
    let (fb, ab, fs, as_) = (median(fb), median(ab), median(fs), median(as_));
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "one event (apply + take_follow_ups, median of 7 rounds of 2,000): filing {:.2} µs at {n} appeals, {:.2} µs at {SMALL}: ratio {:.2}",
        us(fb),
        us(fs),
        us(fb) / us(fs)
    );
    println!(
        "one event (apply + take_follow_ups, median of 7 rounds of 2,000): answer {:.2} µs at {n} appeals, {:.2} µs at {SMALL}: ratio {:.2}",
        us(ab),
        us(as_),
        us(ab) / us(as_)
    );
}

// ---- criterion -------------------------------------------------------------------------------------------

/// Criterion's benches on `b`. The two that log events add an appeal per iteration; with
/// `pristine`, each of their measurements starts again from a copy of it, so that a small
/// state stays small.
fn bench_size(c: &mut Criterion, plan: &Plan, b: &mut Built, label: &str, pristine: Option<&State>) {
    let mut rng = Rng(0xBE7C4 ^ b.next);
    let mut g = c.benchmark_group(label);
    // Each iteration of the two first benches adds an appeal: keep their number modest.
    g.sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));
    g.bench_function("apply_appeal_filed", |bench| {
        bench.iter_custom(|iters| {
            if let Some(p) = pristine {
                b.state = p.clone();
            }
            let (filings, _) = new_filings(plan, &mut b.next, &mut rng, iters);
            let t = log_all(&mut b.state, b.at, filings);
            black_box(b.state.take_changes());
            t
        })
    });
    g.bench_function("apply_appeal_answered", |bench| {
        bench.iter_custom(|iters| {
            if let Some(p) = pristine {
                b.state = p.clone();
            }
            let (filings, made) = new_filings(plan, &mut b.next, &mut rng, iters);
            log_all(&mut b.state, b.at, filings);
            let answers = made.iter().map(|(i, body)| answering(*i, &plan.bodies[*body].official, 1)).collect();
            let t = log_all(&mut b.state, b.at, answers);
            black_box(b.state.take_changes());
            t
        })
    });
    println!(
        "{label}: {} appeals in the state after the benches that log events",
        b.state.counts().get("appeal.filed").copied().unwrap_or(0)
    );
    g.sample_size(20).measurement_time(Duration::from_secs(2));
    let state = &b.state;
    let at = b.at;
    g.bench_function("rules_tick_nothing_due", |bench| bench.iter(|| state.due_events(black_box(at))));
    let records = state.appeals().records();
    g.bench_function("figures_all_bodies", |bench| bench.iter(|| all_figures(black_box(records))));
    let (busiest, _) = records.iter().max_by_key(|(_, r)| r.received).expect("records");
    g.bench_function("figures_busiest_body", |bench| {
        bench.iter(|| figures(busiest, state.appeals().record(black_box(busiest)).expect("record")).on_time)
    });
    g.bench_function("record_busiest_body_json", |bench| {
        bench.iter(|| serde_json::to_string(state.appeals().record(black_box(busiest)).expect("record")))
    });
    g.finish();
}

/// Up to this size the bench also reloads the state from its rows, which needs room for the
/// rows and a second state besides the first.
const RELOAD_MAX: u64 = 2_000_000;

/// A server restarts from its cached rows, not from the log: the state reloaded from them must
/// be the same, and take no more memory than the folded one.
fn report_reload(state: &State, appeals: f64, folded: u64) {
    let before_rows = live_bytes();
    let rows = state.rows();
    let with_rows = live_bytes();
    let rows_bytes = with_rows - before_rows;
    let t = Instant::now();
    let reloaded = State::from_rows(rows).expect("the rows reload");
    let took = t.elapsed();
    let reloaded_bytes = live_bytes() + rows_bytes - with_rows;
    assert!(reloaded == *state, "the reloaded state equals the folded one");
    println!(
        "reload: {:.1} MiB of rows reloaded in {:.1} s to an equal state holding {:.1} MiB of heap ({:.0} bytes an appeal; folded {:.0})",
        rows_bytes as f64 / (1024.0 * 1024.0),
        took.as_secs_f64(),
        reloaded_bytes as f64 / (1024.0 * 1024.0),
        reloaded_bytes as f64 / appeals,
        folded as f64 / appeals
    );
}

fn appeals_from_env() -> u64 {
    match std::env::var("DAUYS_BENCH_APPEALS") {
        Ok(v) => v.replace('_', "").parse().expect("DAUYS_BENCH_APPEALS is a number"),
        Err(_) => 10_000_000,
    }
}

fn main() {
    let n = appeals_from_env();
    // Measured: about 1,100 bytes of resident memory an appeal, and complaints add 3 % to the
    // appeals filed; the 10,000-appeal state and the benches' new appeals come on top.
    let need_kib = n.saturating_mul(1_300) / 1024;
    let available_kib = kib_in("/proc/meminfo", "MemAvailable:");
    if need_kib > available_kib && std::env::var_os("DAUYS_BENCH_FORCE").is_none() {
        eprintln!(
            "appeal_records: {n} appeals need about {:.1} GiB and {:.1} GiB is available; set DAUYS_BENCH_APPEALS lower (e.g. 3000000), or DAUYS_BENCH_FORCE=1 to try anyway",
            mib(need_kib) / 1024.0,
            mib(available_kib) / 1024.0
        );
        std::process::exit(2);
    }
    let rss_start = rss_kib("VmRSS:");
    println!("appeal_records: {n} appeals over 2026, 1,000 bodies; RSS at start {:.1} MiB", mib(rss_start));
    let (setup, plan) = deployment();
    let live_start = live_bytes();
    let mut big = build(&plan, &setup, n, true);
    let live_state = live_bytes() - live_start;
    let rss_after = rss_kib("VmRSS:");
    let appeals = big.state.counts().get("appeal.filed").copied().unwrap_or(1) as f64;
    println!(
        "memory: RSS {:.1} MiB before, {:.1} MiB after the fold (+{:.1} MiB, {:.0} bytes an appeal); peak (VmHWM) {:.1} MiB",
        mib(rss_start),
        mib(rss_after),
        mib(rss_after.saturating_sub(rss_start)),
        (rss_after.saturating_sub(rss_start) * 1024) as f64 / appeals,
        mib(rss_kib("VmHWM:"))
    );
    println!(
        "memory: the folded state holds {:.1} MiB of heap ({:.0} bytes an appeal, the allocator's overhead aside)",
        live_state as f64 / (1024.0 * 1024.0),
        live_state as f64 / appeals
    );
    println!(
        "memory: an Appeal is {} bytes (held once, behind a shared pointer), a Step {}, a BodyRecord {}; ids are shared strings, held once for all cases",
        std::mem::size_of::<dauys_core::Appeal>(),
        std::mem::size_of::<dauys_core::Step>(),
        std::mem::size_of::<BodyRecord>()
    );
    if n <= RELOAD_MAX {
        report_reload(&big.state, appeals, live_state);
    }
    report_records(&big.state);
    let small = build(&plan, &setup, SMALL, false);
    report_ratio(&plan, &mut big, &small, n);

    let mut c = Criterion::default().configure_from_args();
    bench_size(&mut c, &plan, &mut big, &format!("appeals_{n}"), None);
    let pristine = small.state.clone();
    let mut small = small;
    bench_size(&mut c, &plan, &mut small, &format!("appeals_{SMALL}"), Some(&pristine));
    c.final_summary();
    println!(
        "memory: RSS {:.1} MiB at the end; peak (VmHWM) {:.1} MiB",
        mib(rss_kib("VmRSS:")),
        mib(rss_kib("VmHWM:"))
    );
}
