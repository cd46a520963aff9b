//! The demo's past: about four months of petitions and appeals at every stage, written into
//! an empty log before the server starts, as if every act had been submitted on its day.
//! The sequencer's [`HistoryImport`](crate::sequencer::HistoryImport) checks each act against
//! the rules and logs what the rules require (submissions, obligations, closings, overdue
//! obligations and appeals, the cases a reorganisation moves) at the same moments a live
//! server would have.
//!
//! Petitions are written as events: their signers are synthetic per-petition pseudonyms. The
//! demo's people and the appeals ([`super::appeals`]) go through the services themselves
//! (verification, filing, the bodies' acts), at the history's clock.
//!
//! Everything here is fictional: the staff who moderated and answered petitions in the past
//! are demo accounts that cannot sign in, and the people are the demo's.

use std::collections::HashMap;

use dauys_core::{
    AccountId, BodyId, Calendar, Decision, Event, Level, Locality, PartialText, PetitionId, Pseudonym, Region,
    RejectionReason, Role, Timestamp, TopicCode,
};
use sha2::{Digest, Sha256};

use super::appeals::Step;
use super::cast::{Who, MEMBERS};
use super::registry::{parse, BODIES};

/// The administrator who set the demo up months ago (not an account one can sign in to).
pub const HISTORY_ADMIN: &str = "u-demo-admin-2026";
/// The moderator who accepted and rejected the seeded petitions. Like the official below, a
/// staff account with no verified identity, and every seeded author is a synthetic pseudonym:
/// no seeded decision or answer is its author's own (the conflict-of-interest rule).
pub const HISTORY_MODERATOR: &str = "u-demo-moderator-2026";
/// The official of the Esil district akimat who answered the seeded obligation.
pub const HISTORY_OFFICIAL: &str = "u-demo-official-2026";
/// How every seeded petition's id starts (a visitor's petitions get random ids).
pub const SEEDED_PREFIX: &str = "p-demo-";
/// The district the citizen lives in, whose akimat has an awaiting and an overdue obligation.
pub const ESIL_AKIMAT: &str = "akimat-astana-esil";

const DAY_MS: f64 = 86_400_000.0;
/// The default rules' initial supporters, the author included.
const INITIAL_SUPPORTERS: u64 = 50;

/// A synthetic signer of one petition: the same `n` on two petitions gives unrelated pseudonyms.
pub fn demo_pseudonym(petition: &PetitionId, n: &str) -> Pseudonym {
    let digest: [u8; 32] = Sha256::new()
        .chain_update(b"dauys demo signer\0")
        .chain_update(petition.as_str().as_bytes())
        .chain_update(b"\0")
        .chain_update(n.as_bytes())
        .finalize()
        .into();
    match Pseudonym::from_digest(1, &digest) {
        Ok(p) => p,
        Err(e) => unreachable!("version 1 is valid: {e}"),
    }
}

/// A small deterministic generator (SplitMix64), so every demo has the same shape.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The country's regions with their populations, for signers of petitions to the Government.
fn populations() -> Vec<(Region, u64)> {
    crate::petitions::default_rules().populations.iter().map(|p| (p.territory.region, p.people)).collect()
}

/// A region drawn with probability proportional to its population.
fn weighted_region(mix: &mut Mix, weights: &[(Region, u64)]) -> Region {
    let total: u64 = weights.iter().map(|(_, n)| n).sum();
    let mut pick = mix.next() % total.max(1);
    for (region, people) in weights {
        if pick < *people {
            return *region;
        }
        pick -= people;
    }
    Region::Astana
}

/// Regions for a batch of demo signers of a petition to the Government, by population.
pub(crate) fn regions_by_population(seed: u64, count: usize) -> Vec<Region> {
    let (mut mix, weights) = (Mix(seed), populations());
    (0..count).map(|_| weighted_region(&mut mix, &weights)).collect()
}

fn kk_ru(kk: &str, ru: &str) -> PartialText {
    PartialText { kk: Some(kk.into()), ru: Some(ru.into()), en: None }
}

fn all3(kk: &str, ru: &str, en: &str) -> PartialText {
    PartialText { kk: Some(kk.into()), ru: Some(ru.into()), en: Some(en.into()) }
}

/// One seeded petition: who it addresses and what it says.
struct Spec {
    id: &'static str,
    body: &'static str,
    level: Level,
    territory: Option<&'static str>,
    topic: &'static str,
    title: PartialText,
    text: PartialText,
}

/// One act of the history: an event logged as it is, or a step through the services.
// Nearly every act is an event (a signature): the events' size is the acts' size anyway.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Act {
    Event(Event),
    Service(Step),
}

impl Act {
    pub fn kind(&self) -> &'static str {
        match self {
            Act::Event(e) => e.kind(),
            Act::Service(s) => s.kind(),
        }
    }
}

/// The acts of the history, in any order; [`History::into_acts`] sorts them by time.
pub struct History {
    now: u64,
    acts: Vec<(Timestamp, u64, Act)>,
    mix: Mix,
    weights: Vec<(Region, u64)>,
    /// The deployment's time zone and the calendar the history publishes: appeals are placed
    /// in working days before today, as the rules count their deadlines.
    utc_offset_minutes: i16,
    calendar: Calendar,
}

impl History {
    fn at_days_ago(&self, days_ago: f64) -> Timestamp {
        Timestamp(self.now.saturating_sub((days_ago * DAY_MS) as u64))
    }

    fn push_at(&mut self, at: Timestamp, act: Act) {
        let seq = self.acts.len() as u64;
        self.acts.push((at, seq, act));
    }

    fn push(&mut self, days_ago: f64, event: Event) {
        self.push_at(self.at_days_ago(days_ago), Act::Event(event));
    }

    /// A step through the services, `days_ago` days before now.
    pub(crate) fn step(&mut self, days_ago: f64, step: Step) {
        self.push_at(self.at_days_ago(days_ago), Act::Service(step));
    }

    /// A step through the services at `at`.
    pub(crate) fn at(&mut self, at: Timestamp, step: Step) {
        self.push_at(at, Act::Service(step));
    }

    /// `n` working days before today (by the history's calendar, in the deployment's time
    /// zone; today itself is the 0th), at `hour:minute` local time.
    pub(crate) fn wd(&self, n: u32, hour: u8, minute: u8) -> Timestamp {
        let offset = self.utc_offset_minutes;
        let mut day = Timestamp(self.now).date_at_offset(offset);
        let mut left = n;
        while left > 0 {
            match day.previous_day() {
                Some(d) => day = d,
                None => break,
            }
            if self.calendar.is_working_day(day) {
                left -= 1;
            }
        }
        let midnight = day.previous_day().map_or(Timestamp(0), |d| Timestamp::end_of_day(d, offset));
        Timestamp(midnight.0 + (u64::from(hour) * 60 + u64::from(minute)) * 60_000)
    }

    fn pid(spec: &Spec) -> PetitionId {
        parse(spec.id)
    }

    fn region(&mut self, spec: &Spec) -> Region {
        match spec.territory {
            Some(t) => parse::<Locality>(t).region,
            None => weighted_region(&mut self.mix, &self.weights),
        }
    }

    fn draft(&mut self, days_ago: f64, spec: &Spec) {
        let petition = Self::pid(spec);
        let author = demo_pseudonym(&petition, "author");
        self.push(
            days_ago,
            Event::PetitionDrafted {
                petition,
                author,
                body: parse(spec.body),
                level: spec.level,
                territory: spec.territory.map(parse::<Locality>),
                topic: parse::<TopicCode>(spec.topic),
                title: spec.title.clone(),
                text: spec.text.clone(),
            },
        );
    }

    /// Launch and the author's own signature, then `supporters` more by link over `days`
    /// (at most 49: the 50th supporter sends the petition to moderation).
    fn launch(&mut self, days_ago: f64, spec: &Spec, supporters: u64, days: f64) {
        let supporters = supporters.min(INITIAL_SUPPORTERS - 1);
        let petition = Self::pid(spec);
        let author = demo_pseudonym(&petition, "author");
        self.push(days_ago, Event::PetitionLaunched { petition: petition.clone(), by: author.clone() });
        let region = self.region(spec);
        self.push(days_ago, Event::PetitionSigned { petition, signer: author, region });
        self.sign(spec, "link", days_ago - 0.01, days_ago - days, supporters);
    }

    /// `count` signatures between two moments, more of them early on, as petitions go.
    fn sign(&mut self, spec: &Spec, phase: &str, from_days_ago: f64, to_days_ago: f64, count: u64) {
        let petition = Self::pid(spec);
        let span = from_days_ago - to_days_ago;
        for n in 0..count {
            let u = self.mix.unit();
            let days_ago = from_days_ago - span * u.powf(1.7);
            let region = self.region(spec);
            let signer = demo_pseudonym(&petition, &format!("{phase}-{n}"));
            self.push(days_ago, Event::PetitionSigned { petition: petition.clone(), signer, region });
        }
    }

    fn accept(&mut self, days_ago: f64, spec: &Spec) {
        let event = Event::PetitionAccepted { petition: Self::pid(spec), by: parse(HISTORY_MODERATOR) };
        self.push(days_ago, event);
    }

    /// The acts in the order the sequencer takes them.
    pub(crate) fn into_acts(mut self) -> Vec<(Timestamp, Act)> {
        self.acts.sort_by_key(|(at, seq, _)| (*at, *seq));
        self.acts.into_iter().map(|(at, _, e)| (at, e)).collect()
    }
}

/// The demo's history up to `now` (milliseconds since the epoch), starting about 120 days
/// earlier with the deployment's configuration, for the demo's accounts `accounts`.
pub(crate) fn history(now_ms: u64, deployment: Event, accounts: &HashMap<Who, AccountId>) -> History {
    let utc_offset_minutes = match &deployment {
        Event::DeploymentConfigured { utc_offset_minutes, .. } => *utc_offset_minutes,
        _ => 0,
    };
    let setup = super::setup_events();
    let calendar = Calendar::new(
        setup.iter().flat_map(|e| match e {
            Event::CalendarPublished { holidays, .. } => holidays.clone(),
            _ => Vec::new(),
        }),
        setup.iter().flat_map(|e| match e {
            Event::CalendarPublished { transferred_working_days, .. } => transferred_working_days.clone(),
            _ => Vec::new(),
        }),
    );
    let mut h =
        History { now: now_ms, acts: Vec::new(), mix: Mix(2026), weights: populations(), utc_offset_minutes, calendar };
    let start = 120.0;
    h.push(start, deployment);
    // Every body but the successors of the ministry split later (`split_ministry`).
    let successors: Vec<BodyId> = BODIES.iter().filter(|b| b.is_split_successor()).map(|b| parse(b.id)).collect();
    for event in setup {
        if !matches!(&event, Event::BodyRegistered { body, .. } if successors.contains(body)) {
            h.push(start, event);
        }
    }
    h.push(start, Event::AccessBasesPublished { bases: crate::people::default_access_bases() });
    h.push(start, Event::PetitionRulesPublished { rules: crate::petitions::default_rules() });
    h.push(start, Event::AppealRulesPublished { rules: crate::appeals::default_rules() });
    let admin: AccountId = parse(HISTORY_ADMIN);
    h.push(
        start,
        Event::RoleGranted { account: admin.clone(), role: Role::Administrator, body: None, by: None, name: None },
    );
    h.push(
        start,
        Event::RoleGranted {
            account: parse(HISTORY_MODERATOR),
            role: Role::Moderator,
            body: None,
            by: Some(admin.clone()),
            name: None,
        },
    );
    h.push(
        start,
        Event::RoleGranted {
            account: parse(HISTORY_OFFICIAL),
            role: Role::Official,
            body: Some(parse::<BodyId>(ESIL_AKIMAT)),
            by: Some(admin.clone()),
            name: None,
        },
    );
    staff(&mut h, start, &admin, accounts);
    petitions(&mut h);
    super::appeals::verifications(&mut h);
    super::appeals::appeals(&mut h);
    split_ministry(&mut h);
    h
}

/// The administrator who set the demo up hands over to the demo's administrator, who grants
/// the demo's staff their roles: roles for bodies registered from the start (the split's
/// successors have no staff in the demo).
fn staff(h: &mut History, start: f64, history_admin: &AccountId, accounts: &HashMap<Who, AccountId>) {
    let Some(admin) = accounts.get(&Who::Admin) else { return };
    h.push(
        start,
        Event::RoleGranted {
            account: admin.clone(),
            role: Role::Administrator,
            body: None,
            by: Some(history_admin.clone()),
            name: None,
        },
    );
    for m in MEMBERS {
        let Some(account) = accounts.get(&m.who) else { continue };
        for (role, body) in m.roles {
            h.push(
                start,
                Event::RoleGranted {
                    account: account.clone(),
                    role: *role,
                    body: body.map(parse::<BodyId>),
                    by: Some(admin.clone()),
                    name: None,
                },
            );
        }
    }
}

/// The Ministry of Education and Science is split by topic into the Ministry of Education and
/// the Ministry of Science and Higher Education, registered that morning. It held two open
/// appeals and an open petition: the rules move them (`appeal.reassigned`,
/// `petition.reassigned`) in the same batch.
fn split_ministry(h: &mut History) {
    let at = super::appeals::split_at(h);
    for b in BODIES.iter().filter(|b| b.is_split_successor()) {
        h.push_at(Timestamp(at.0.saturating_sub(30 * 60_000)), Act::Event(b.registration()));
    }
    h.push_at(at, Act::Event(super::registry::split()));
}

fn petitions(h: &mut History) {
    // Obligation overdue: the threshold was reached about two months ago, no answer came.
    let yard = Spec {
        id: "p-demo-esil-yards",
        body: ESIL_AKIMAT,
        level: Level::DistrictAkimat,
        territory: Some("astana/esil"),
        topic: "urban",
        title: kk_ru("Сарайшық көшесіндегі аулаларды абаттандыру", "Благоустройство дворов на улице Сарайшык"),
        text: kk_ru(
            "Сарайшық көшесіндегі 12 үйдің ауласында балалар алаңы мен жарық жоқ, асфальт бұзылған. Аудан әкімдігінен \
             2027 жылғы абаттандыру жоспарына осы аулаларды енгізуді сұраймыз.",
            "Во дворах 12 домов на улице Сарайшык нет детских площадок и освещения, асфальт разрушен. Просим акимат \
             района включить эти дворы в план благоустройства на 2027 год.",
        ),
    };
    h.draft(110.0, &yard);
    h.launch(109.9, &yard, 55, 2.0);
    h.accept(106.0, &yard);
    h.sign(&yard, "open", 105.9, 62.0, 2_450);
    h.sign(&yard, "late", 61.9, 20.0, 110);

    // Answered: threshold reached about 50 days ago, answered 30 days ago.
    let school = Spec {
        id: "p-demo-esil-school-heating",
        body: ESIL_AKIMAT,
        level: Level::DistrictAkimat,
        territory: Some("astana/esil"),
        topic: "education",
        title: all3(
            "№ 84 мектептегі жылуды қалпына келтіру",
            "Восстановить отопление в школе № 84",
            "Restore the heating at School No. 84",
        ),
        text: all3(
            "Өткен қыста № 84 мектептің екі қабатында сыныптағы температура 14 градустан аспады. Жылу жүйесін \
             жылу маусымы басталғанға дейін жөндеуді сұраймыз.",
            "Прошлой зимой на двух этажах школы № 84 температура в классах не поднималась выше 14 градусов. Просим \
             отремонтировать систему отопления до начала отопительного сезона.",
            "Last winter the classrooms on two floors of School No. 84 stayed below 14 °C. We ask for the heating \
             system to be repaired before the heating season starts.",
        ),
    };
    h.draft(100.0, &school);
    h.launch(99.8, &school, 60, 2.0);
    h.accept(96.0, &school);
    h.sign(&school, "open", 95.9, 50.0, 2_460);
    h.sign(&school, "late", 49.9, 8.0, 230);
    h.push(
        30.0,
        Event::ObligationAnswered {
            petition: History::pid(&school),
            by: parse(HISTORY_OFFICIAL),
            decision: Decision::Supported,
            answer: all3(
                "Мектептің жылу жүйесін жөндеу 2026 жылғы қазан айына жоспарланды, қаржы аудан бюджетінен бөлінді. \
                 Жұмысты мердігер 15 қазанға дейін аяқтайды.",
                "Ремонт системы отопления школы запланирован на октябрь 2026 года, средства выделены из бюджета \
                 района. Подрядчик завершит работы до 15 октября.",
                "The repair of the school's heating is scheduled for October 2026 and funded from the district \
                 budget. The contractor will finish by 15 October.",
            ),
            discussion: kk_ru(
                "Қоғамдық талқылау 2026 жылғы 20 қазанда мектепте өтті, 46 ата-ана мен мұғалім қатысты.",
                "Общественное обсуждение прошло в школе 20 октября 2026 года, участвовали 46 родителей и учителей.",
            ),
            head_statement: kk_ru(
                "Балалардың жылы сыныпта оқуы — біздің басымдығымыз. Жұмыстың барысын әр апта сайын жариялаймыз.",
                "Тёплые классы для детей — наш приоритет. Ход работ будем публиковать каждую неделю.",
            ),
        },
    );

    // Threshold reached eight days ago: the obligation is awaiting an answer.
    let lighting = Spec {
        id: "p-demo-esil-lighting",
        body: ESIL_AKIMAT,
        level: Level::DistrictAkimat,
        territory: Some("astana/esil"),
        topic: "urban",
        title: all3(
            "Есіл өзенінің сол жағалауындағы жаяу жолға жарық орнату",
            "Освещение пешеходной дорожки на левом берегу Есиля",
            "Lighting for the footpath on the left bank of the Esil",
        ),
        text: kk_ru(
            "Мәңгілік Ел даңғылынан өзенге дейінгі 1,2 шақырым жаяу жолда кешкі уақытта жарық жоқ. Қауіпсіздік үшін \
             шамдар орнатуды сұраймыз.",
            "На пешеходной дорожке длиной 1,2 км от проспекта Мангилик Ел до реки вечером нет освещения. Просим \
             установить фонари ради безопасности жителей.",
        ),
    };
    h.draft(45.0, &lighting);
    h.launch(44.8, &lighting, 52, 2.0);
    h.accept(41.0, &lighting);
    h.sign(&lighting, "open", 40.9, 8.0, 2_450);
    h.sign(&lighting, "late", 7.9, 0.05, 140);

    // Open, local to the citizen: the demo crowd can carry it over its threshold.
    let bus = Spec {
        id: "p-demo-esil-bus-route",
        body: ESIL_AKIMAT,
        level: Level::DistrictAkimat,
        territory: Some("astana/esil"),
        topic: "transport",
        title: all3(
            "Хан Шатыр — Нұрлы жол бағытына жаңа автобус маршруты",
            "Новый автобусный маршрут Хан Шатыр — Нурлы жол",
            "A new bus route from Khan Shatyr to Nurly Zhol station",
        ),
        text: all3(
            "Жаңа тұрғын үй кешендерінің тұрғындары вокзалға екі ауысыммен жетеді. Тікелей маршрут ашып, \
             қарбалас уақытта 10 минуттық интервал белгілеуді сұраймыз.",
            "Жителям новых жилых комплексов приходится добираться до вокзала с двумя пересадками. Просим открыть \
             прямой маршрут с интервалом 10 минут в часы пик.",
            "Residents of the new housing estates need two changes to reach the station. We ask for a direct route \
             running every 10 minutes at peak hours.",
        ),
    };
    h.draft(35.0, &bus);
    h.launch(34.8, &bus, 70, 2.5);
    h.accept(31.0, &bus);
    h.sign(&bus, "open", 30.9, 0.02, 1_770);

    let bike = Spec {
        id: "p-demo-bostandyk-bike-lane",
        body: "akimat-almaty-bostandyk",
        level: Level::DistrictAkimat,
        territory: Some("almaty-city/bostandyk"),
        topic: "transport",
        title: kk_ru("Әл-Фараби даңғылына веложол салу", "Велодорожка вдоль проспекта аль-Фараби"),
        text: kk_ru(
            "Розыбакиев көшесінен Байзақов көшесіне дейін бөлінген веложол салуды сұраймыз: қазір велосипедшілер \
             жаяу жүргіншілер жолымен жүреді.",
            "Просим построить выделенную велодорожку от улицы Розыбакиева до улицы Байзакова: сейчас велосипедисты \
             едут по тротуару вместе с пешеходами.",
        ),
    };
    h.draft(28.0, &bike);
    h.launch(27.9, &bike, 50, 1.5);
    h.accept(24.0, &bike);
    h.sign(&bike, "open", 23.9, 0.1, 920);

    let egov = Spec {
        id: "p-demo-egov-one-window",
        body: "mdai",
        level: Level::Government,
        territory: None,
        topic: "digital",
        title: all3(
            "eGov-та анықтамаларды бір өтініммен алу",
            "Получение справок на eGov одной заявкой",
            "One eGov request for all the certificates a service needs",
        ),
        text: all3(
            "Балабақшаға, мектепке немесе жұмысқа орналасу үшін бірнеше анықтаманы бөлек сұрауға тура келеді. \
             Қажетті анықтамаларды бір өтініммен беретін қызмет енгізуді сұраймыз.",
            "Для детского сада, школы или трудоустройства приходится запрашивать несколько справок по отдельности. \
             Просим ввести услугу, выдающую все нужные справки по одной заявке.",
            "For a kindergarten place, a school or a job one has to request several certificates separately. We ask \
             for a service that issues all of them on one request.",
        ),
    };
    h.draft(50.0, &egov);
    h.launch(49.9, &egov, 80, 2.0);
    h.accept(46.0, &egov);
    h.sign(&egov, "open", 45.9, 0.03, 4_220);

    let meals = Spec {
        id: "p-demo-school-meals",
        // The Ministry of Education and Science: its split moves the petition to the Ministry
        // of Education.
        body: super::registry::SPLIT_MINISTRY,
        level: Level::Government,
        territory: None,
        topic: "education",
        title: kk_ru(
            "1–4 сынып оқушыларына ыстық тамақ сапасын бақылау",
            "Контроль качества горячего питания для учеников 1–4 классов",
        ),
        text: kk_ru(
            "Мектеп асханаларындағы мәзір мен тексеру нәтижелерін ата-аналарға ашық жариялауды сұраймыз.",
            "Просим публиковать меню школьных столовых и результаты проверок в открытом доступе для родителей.",
        ),
    };
    h.draft(19.0, &meals);
    h.launch(18.9, &meals, 60, 1.0);
    h.accept(16.0, &meals);
    h.sign(&meals, "open", 15.9, 0.2, 2_240);

    let water = Spec {
        id: "p-demo-ulytau-water",
        body: "akimat-ulytau",
        level: Level::OblastAkimat,
        territory: Some("ulytau"),
        topic: "housing",
        title: kk_ru("Сәтбаев қаласындағы ауыз су құбырын ауыстыру", "Замена водопровода в Сатпаеве"),
        text: kk_ru(
            "Қаланың ескі аудандарында су құбыры 1970 жылдардан бері ауыстырылмаған, апат жиі болады.",
            "В старых районах города водопровод не меняли с 1970-х годов, аварии случаются постоянно.",
        ),
    };
    h.draft(25.0, &water);
    h.launch(24.9, &water, 50, 2.0);
    h.accept(21.0, &water);
    h.sign(&water, "open", 20.9, 0.3, 640);

    let park = Spec {
        id: "p-demo-astana-park",
        body: "maslikhat-astana",
        level: Level::OblastMaslikhat,
        territory: Some("astana"),
        topic: "environment",
        title: all3(
            "Тұраннағы бос алаңда көлік тұрағының орнына саябақ",
            "Сквер вместо парковки на пустыре по Турана",
            "A park instead of a car park on the Turan avenue lot",
        ),
        text: kk_ru(
            "Тұран даңғылындағы 2 гектар бос жерге көпқабатты тұрақ салу жоспарланған. Қалалық мәслихаттан бұл \
             жерді саябаққа беруді сұраймыз.",
            "На пустыре площадью 2 гектара на проспекте Туран планируют построить многоуровневую парковку. Просим \
             городской маслихат отдать этот участок под сквер.",
        ),
    };
    h.draft(15.0, &park);
    h.launch(14.9, &park, 90, 1.0);
    h.accept(12.0, &park);
    h.sign(&park, "open", 11.9, 0.1, 1_150);

    let shade = Spec {
        id: "p-demo-shymkent-stops",
        body: "akimat-shymkent",
        level: Level::OblastAkimat,
        territory: Some("shymkent"),
        topic: "transport",
        title: kk_ru("Шымкенттегі аялдамаларға көлеңке мен су", "Навесы и питьевая вода на остановках Шымкента"),
        text: kk_ru(
            "Жазда аялдамалардағы температура 45 градусқа жетеді. Аялдамаларға шатыр мен ауыз су бұрқақтарын \
             орнатуды сұраймыз.",
            "Летом на остановках бывает до 45 градусов. Просим установить навесы и питьевые фонтанчики.",
        ),
    };
    h.draft(60.0, &shade);
    h.launch(59.9, &shade, 50, 2.0);
    h.accept(56.0, &shade);
    h.sign(&shade, "open", 55.9, 0.1, 3_050);

    // Closed without its threshold: the collection window ended 18 days ago.
    let dogs = Spec {
        id: "p-demo-bostandyk-dog-areas",
        body: "akimat-almaty-bostandyk",
        level: Level::DistrictAkimat,
        territory: Some("almaty-city/bostandyk"),
        topic: "urban",
        title: kk_ru("Ит серуендететін алаңдар", "Площадки для выгула собак"),
        text: kk_ru(
            "Ауданда ит серуендететін бірде-бір қоршалған алаң жоқ. Үш алаң салуды сұраймыз.",
            "В районе нет ни одной огороженной площадки для выгула собак. Просим оборудовать три площадки.",
        ),
    };
    h.draft(112.0, &dogs);
    h.launch(111.8, &dogs, 50, 2.0);
    h.accept(108.0, &dogs);
    h.sign(&dogs, "open", 107.9, 19.0, 590);

    // Withdrawn by its author while open.
    let market = Spec {
        id: "p-demo-esil-market-hours",
        body: ESIL_AKIMAT,
        level: Level::DistrictAkimat,
        territory: Some("astana/esil"),
        topic: "economy",
        title: kk_ru("Демалыс күнгі базардың жұмыс уақыты", "Часы работы выходного рынка"),
        text: kk_ru(
            "Демалыс күнгі ауыл шаруашылығы базарын сағат 20:00-ге дейін ұзартуды сұраймыз.",
            "Просим продлить работу сельскохозяйственной ярмарки выходного дня до 20:00.",
        ),
    };
    h.draft(70.0, &market);
    h.launch(69.9, &market, 50, 1.5);
    h.accept(66.0, &market);
    h.sign(&market, "open", 65.9, 40.0, 250);
    let author = demo_pseudonym(&History::pid(&market), "author");
    h.push(
        38.0,
        Event::PetitionWithdrawn {
            petition: History::pid(&market),
            by: author,
            reason: "Әкімдік жәрмеңке уақытын өзі ұзартты. / Акимат сам продлил часы работы ярмарки.".into(),
        },
    );

    // Rejected: a forbidden topic.
    let akim = Spec {
        id: "p-demo-rejected-akim",
        body: "akimat-almaty",
        level: Level::OblastAkimat,
        territory: Some("almaty-city"),
        topic: "other",
        title: kk_ru("Аудан әкімін қызметінен босату", "Освободить акима района от должности"),
        text: kk_ru(
            "Аудан әкімін жолдарды жөндемегені үшін қызметінен босатуды талап етеміз.",
            "Требуем освободить акима района от должности за то, что дороги не ремонтируются.",
        ),
    };
    h.draft(60.0, &akim);
    h.launch(59.9, &akim, 55, 2.0);
    h.push(
        55.0,
        Event::PetitionRejected {
            petition: History::pid(&akim),
            by: parse(HISTORY_MODERATOR),
            reason: RejectionReason::ForbiddenTopic,
            forbidden_topic: Some(parse("appointments")),
            duplicate_of: None,
            comment: "Лауазымды тұлғаларды тағайындау мен босату петиция тақырыбы бола алмайды. / Назначение и \
                      освобождение должностных лиц не может быть предметом петиции."
                .into(),
        },
    );

    // Rejected: a duplicate of the open bus petition.
    let duplicate = Spec {
        id: "p-demo-duplicate-bus",
        body: ESIL_AKIMAT,
        level: Level::DistrictAkimat,
        territory: Some("astana/esil"),
        topic: "transport",
        title: kk_ru("Вокзалға тікелей автобус", "Прямой автобус до вокзала"),
        text: kk_ru("Хан Шатырдан вокзалға тікелей автобус қажет.", "Нужен прямой автобус от Хан Шатыра до вокзала."),
    };
    h.draft(20.0, &duplicate);
    h.launch(19.9, &duplicate, 50, 1.5);
    h.push(
        16.0,
        Event::PetitionRejected {
            petition: History::pid(&duplicate),
            by: parse(HISTORY_MODERATOR),
            reason: RejectionReason::Duplicate,
            forbidden_topic: None,
            duplicate_of: Some(History::pid(&bus)),
            comment: "Осы талап бойынша петиция ашық, соған қол қойыңыз. / Петиция с тем же требованием уже \
                      открыта, поддержите её."
                .into(),
        },
    );

    // Expired: launched, too few supporters in its initial window.
    let fountain = Spec {
        id: "p-demo-expired-fountain",
        body: "akimat-astana",
        level: Level::OblastAkimat,
        territory: Some("astana"),
        topic: "culture-sport",
        title: kk_ru("Орталық саябақтағы субұрқақты қалпына келтіру", "Восстановить фонтан в Центральном парке"),
        text: kk_ru(
            "Орталық саябақтағы ескі субұрқақ үш жыл бойы жұмыс істемейді.",
            "Старый фонтан в Центральном парке не работает уже три года.",
        ),
    };
    h.draft(40.0, &fountain);
    h.launch(39.9, &fountain, 11, 5.0);

    // In moderation: its supporters came in three days.
    let crossing = Spec {
        id: "p-demo-bostandyk-crossing",
        body: "akimat-almaty-bostandyk",
        level: Level::DistrictAkimat,
        territory: Some("almaty-city/bostandyk"),
        topic: "transport",
        title: all3(
            "Тимирязев — Жандосов қиылысындағы қауіпті өткел",
            "Опасный переход на пересечении Тимирязева и Жандосова",
            "The dangerous crossing at Timiryazev and Zhandosov streets",
        ),
        text: all3(
            "Мектеп жанындағы өткелде бағдаршам жоқ, биыл екі бала қағылды. Бағдаршам мен жасанды кедергі орнатуды \
             сұраймыз.",
            "На переходе возле школы нет светофора, в этом году сбиты двое детей. Просим установить светофор и \
             искусственную неровность.",
            "The crossing by the school has no traffic light; two children were hit this year. We ask for a \
             traffic light and a speed bump.",
        ),
    };
    h.draft(9.0, &crossing);
    h.launch(8.9, &crossing, 58, 3.0);

    // Gathering its initial supporters by link.
    let library = Spec {
        id: "p-demo-astana-library-hours",
        body: "akimat-astana",
        level: Level::OblastAkimat,
        territory: Some("astana"),
        topic: "culture-sport",
        title: kk_ru("Кітапханалар демалыс күндері де жұмыс істесін", "Библиотеки должны работать и в выходные"),
        text: kk_ru(
            "Қалалық кітапханалар сенбі мен жексенбіде жабық. Демалыс күндері кемінде 18:00-ге дейін ашық болуын \
             сұраймыз.",
            "Городские библиотеки закрыты по субботам и воскресеньям. Просим открыть их в выходные хотя бы до 18:00.",
        ),
    };
    h.draft(3.0, &library);
    h.launch(2.9, &library, 22, 2.7);
}
