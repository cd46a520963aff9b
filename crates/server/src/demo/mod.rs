//! Demo activity: a registry of real Kazakh state bodies, the 2026 holiday calendar, and every
//! few seconds a demo supporter on a seeded open petition (a public notice every thirty
//! seconds), so a first visitor sees a living log. Everything goes
//! through the sequencer like any other submission; nothing is written behind its back.
//!
//! On an empty log the demo first writes about four months of backdated history
//! ([`history`]): petitions at every stage, one obligation answered and one overdue. The
//! [`crowd`] page lets one person add synthetic supporters to walk a petition through its
//! whole life.

pub mod crowd;
pub mod history;

use std::time::Duration;

use dauys_core::{BodyId, BodyKind, Event, LocalizedText, NoticeId, VerificationMethod};

use crate::people::{run_blocking, IdentityClaim, PeopleError};
use crate::sequencer::{SequencerHandle, SubmitError};
use crate::AppState;

fn text(kk: &str, ru: &str, en: &str) -> LocalizedText {
    LocalizedText { kk: kk.into(), ru: ru.into(), en: en.into() }
}

fn id<T: std::str::FromStr>(s: &str) -> Option<T> {
    s.parse().ok()
}

/// A body the demo registers: id, kind, parent, and its name in kk, ru, en.
struct DemoBody(&'static str, BodyKind, Option<&'static str>, [&'static str; 3]);

const BODIES: &[DemoBody] = &[
    DemoBody(
        "government",
        BodyKind::Government,
        None,
        [
            "Қазақстан Республикасының Үкіметі",
            "Правительство Республики Казахстан",
            "Government of the Republic of Kazakhstan",
        ],
    ),
    DemoBody(
        "mdai",
        BodyKind::Ministry,
        Some("government"),
        [
            "Цифрлық даму, инновациялар және аэроғарыш өнеркәсібі министрлігі",
            "Министерство цифрового развития, инноваций и аэрокосмической промышленности",
            "Ministry of Digital Development, Innovations and Aerospace Industry",
        ],
    ),
    DemoBody(
        "mon",
        BodyKind::Ministry,
        Some("government"),
        ["Оқу-ағарту министрлігі", "Министерство просвещения", "Ministry of Education"],
    ),
    DemoBody(
        "mnvo",
        BodyKind::Ministry,
        Some("government"),
        [
            "Ғылым және жоғары білім министрлігі",
            "Министерство науки и высшего образования",
            "Ministry of Science and Higher Education",
        ],
    ),
    DemoBody(
        "akimat-shymkent",
        BodyKind::Akimat,
        Some("government"),
        ["Шымкент қаласының әкімдігі", "Акимат города Шымкент", "Akimat of Shymkent"],
    ),
    DemoBody(
        "maslikhat-shymkent",
        BodyKind::Maslikhat,
        None,
        ["Шымкент қалалық мәслихаты", "Шымкентский городской маслихат", "Shymkent City Maslikhat"],
    ),
    DemoBody(
        "akimat-almaty",
        BodyKind::Akimat,
        Some("government"),
        ["Алматы қаласының әкімдігі", "Акимат города Алматы", "Akimat of Almaty"],
    ),
    DemoBody(
        "akimat-astana",
        BodyKind::Akimat,
        Some("government"),
        ["Астана қаласының әкімдігі", "Акимат города Астаны", "Akimat of Astana"],
    ),
    DemoBody(
        "maslikhat-astana",
        BodyKind::Maslikhat,
        None,
        ["Астана қалалық мәслихаты", "Маслихат города Астаны", "Astana City Maslikhat"],
    ),
    DemoBody(
        "akimat-astana-esil",
        BodyKind::Akimat,
        Some("akimat-astana"),
        [
            "Астана қаласы Есіл ауданының әкімдігі",
            "Акимат района Есиль города Астаны",
            "Akimat of Esil District, Astana",
        ],
    ),
    DemoBody(
        "akimat-almaty-bostandyk",
        BodyKind::Akimat,
        Some("akimat-almaty"),
        [
            "Алматы қаласы Бостандық ауданының әкімдігі",
            "Акимат Бостандыкского района города Алматы",
            "Akimat of Bostandyk District, Almaty",
        ],
    ),
    DemoBody(
        "akimat-ulytau",
        BodyKind::Akimat,
        Some("government"),
        ["Ұлытау облысының әкімдігі", "Акимат области Улытау", "Akimat of Ulytau Region"],
    ),
];

const NOTICES: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "Жол жөндеу кестесі",
        "График ремонта дорог",
        "Road repair schedule",
        "Тұрғын аудандардағы жол жөндеу кестесі жарияланды.",
        "Опубликован график ремонта дорог в жилых массивах.",
        "The schedule of road repairs in residential districts is published.",
    ),
    (
        "Қатысымдық бюджет",
        "Бюджет участия",
        "Participatory budget",
        "Аудандардың жобаларын ұсыну басталды.",
        "Начат приём проектов районов.",
        "Submission of district projects has opened.",
    ),
    (
        "Қоғамдық тыңдау",
        "Общественные слушания",
        "Public hearing",
        "Қала құрылысы жоспары бойынша тыңдау өтеді.",
        "Пройдут слушания по градостроительному плану.",
        "A hearing on the city development plan will be held.",
    ),
    (
        "Ашық деректер",
        "Открытые данные",
        "Open data",
        "Тізілімнің толық көшірмесін кез келген адам тексере алады.",
        "Полную копию реестра может проверить любой.",
        "Anyone can verify a full copy of the ledger.",
    ),
];

/// Demo accounts: (e-mail, password, what it is). Printed at start and in the README.
pub const DEMO_ACCOUNTS: [(&str, &str, &str); 4] = [
    ("admin@demo.dauys.kz", "demo admin password", "administrator"),
    ("official@demo.dauys.kz", "demo official password", "official of akimat-astana and akimat-astana-esil"),
    (
        "citizen@demo.dauys.kz",
        "demo citizen password",
        "verified citizen of Astana, Esil district (fictional IIN 950612401237)",
    ),
    ("moderator@demo.dauys.kz", "demo moderator password", "petition moderator"),
];

/// Creates the demo accounts on a new instance: an administrator, an official of the Astana
/// akimat, and a verified citizen whose record the official opened once — so "who looked at
/// my data" has something to show. All through the same calls the pages use.
async fn seed_people(state: &AppState) -> Result<(), PeopleError> {
    let people = state.people.clone();
    let existing = {
        let people = people.clone();
        run_blocking(move || Ok(people.store().count_accounts()?)).await?
    };
    if existing > 0 {
        return Ok(());
    }
    let mut ids = Vec::new();
    for (email, password, _) in DEMO_ACCOUNTS {
        let people = people.clone();
        let id = run_blocking(move || people.sign_up(email, password))
            .await?
            .ok_or(PeopleError::Internal(format!("demo account {email} exists")))?;
        ids.push(id);
    }
    let [admin, official, citizen, moderator] = [ids[0].clone(), ids[1].clone(), ids[2].clone(), ids[3].clone()];
    if people.grant_first_administrator(&admin).await.is_err() {
        // The seeded history has its own administrator, who hands over to the demo's.
        let event = Event::RoleGranted {
            account: admin.clone(),
            role: dauys_core::Role::Administrator,
            body: None,
            by: Some(parse_id(history::HISTORY_ADMIN)?),
        };
        state.sequencer.submit(event).await?;
    }
    let astana: BodyId = parse_id("akimat-astana")?;
    let esil: BodyId = parse_id(history::ESIL_AKIMAT)?;
    let grants = [
        (official.clone(), dauys_core::Role::Official, Some(astana.clone())),
        (official.clone(), dauys_core::Role::Official, Some(esil)),
        (moderator, dauys_core::Role::Moderator, None),
    ];
    for (account, role, body) in grants {
        let event = Event::RoleGranted { account, role, body, by: Some(admin.clone()) };
        match state.sequencer.submit(event).await {
            // The Esil akimat exists only when the demo wrote its history.
            Ok(_) | Err(SubmitError::Rejected(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let admin_account = account(&people, &admin).await?;
    let claim = IdentityClaim {
        iin: "950612401237".into(),
        given_name: "Сәуле".into(),
        family_name: "Ахметова".into(),
        // Esil district of Astana: they may sign the city's and the district's petitions.
        locality: parse_id("astana/esil")?,
    };
    people.verify(&citizen, &claim, VerificationMethod::Manual, Some(&admin_account)).await?;
    let official_account = account(&people, &official).await?;
    let basis =
        "appeal-consideration".parse().map_err(|e: dauys_core::EventError| PeopleError::Internal(e.to_string()))?;
    people
        .open_personal_data(
            &official_account,
            citizen.as_str(),
            &astana,
            &basis,
            "Answer to appeal 2026-117",
            "2026-117",
        )
        .await?;
    for (email, password, what) in DEMO_ACCOUNTS {
        tracing::info!(email, password, what, "demo account");
    }
    Ok(())
}

fn parse_id<T: std::str::FromStr<Err = dauys_core::EventError>>(s: &str) -> Result<T, PeopleError> {
    s.parse().map_err(|e: dauys_core::EventError| PeopleError::Internal(e.to_string()))
}

async fn account(
    people: &std::sync::Arc<crate::people::People>,
    id: &dauys_core::AccountId,
) -> Result<crate::people::Account, PeopleError> {
    let (people, id) = (people.clone(), id.to_string());
    run_blocking(move || people.account(&id)).await
}

/// The bodies and the 2026 calendar the demo registers.
pub fn setup_events() -> Vec<Event> {
    let mut setup: Vec<Event> = Vec::new();
    for DemoBody(body, kind, parent, [kk, ru, en]) in BODIES {
        if let Some(body) = id::<BodyId>(body) {
            setup.push(Event::BodyRegistered {
                body,
                name: text(kk, ru, en),
                kind: *kind,
                parent: parent.and_then(id::<BodyId>),
                territory: None,
                competences: None,
            });
        }
    }
    setup.push(Event::CalendarPublished {
        year: 2026,
        holidays: dauys_core::calendar::kazakhstan_2026_holidays(),
        transferred_working_days: vec![],
    });
    setup
}

/// Writes the demo's backdated history ([`history`]) into the log, if the log is empty.
/// Runs before [`crate::Instance::start`], so the genesis steps find everything in place.
/// Returns the log's size after the import, or `None` when the log already had entries.
pub fn seed_history(config: &crate::config::Config) -> Result<Option<u64>, crate::ServeError> {
    crate::keys::create_private_dir(&config.data_dir)
        .map_err(|source| crate::ServeError::DataDir { path: config.data_dir.display().to_string(), source })?;
    let location = config.database_location();
    let store_error =
        |source| crate::ServeError::Store { location: dauys_store::redact(&config.database_location()), source };
    let (mut writer, reader) = dauys_store::open(&location).map_err(store_error)?;
    if reader.size().map_err(store_error)? > 0 {
        return Ok(None);
    }
    let signer = crate::keys::load_or_create_signer(&config.data_dir, &config.origin)?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
    let names = &config.deployment_name;
    let deployment = Event::DeploymentConfigured {
        name: LocalizedText { kk: names.kk.clone(), ru: names.ru.clone(), en: names.en.clone() },
        utc_offset_minutes: config.utc_offset_minutes,
    };
    let acts = history::history(now, deployment).into_acts();
    let size =
        crate::sequencer::import_history(writer.as_mut(), signer, &config.origin, acts, dauys_core::Timestamp(now))
            .map_err(|e| crate::ServeError::Demo(e.to_string()))?;
    Ok(Some(size))
}

/// Runs until aborted. Rejections (e.g. a body registered on an earlier run) are expected
/// and skipped; a full queue or shutdown ends the loop.
pub async fn run(state: AppState) {
    let sequencer = state.sequencer.clone();
    let published = state.shared.public_state().map(|s| s.registry.calendar_years.clone()).unwrap_or_default();
    // A year already published stays as it is: republishing it on every start would only add
    // identical entries to the log.
    let setup = setup_events()
        .into_iter()
        .filter(|e| !matches!(e, Event::CalendarPublished { year, .. } if published.contains(year)));
    for event in setup {
        if !submit(&sequencer, event).await {
            return;
        }
    }
    if let Err(e) = seed_people(&state).await {
        tracing::warn!(error = %e, "demo accounts not created");
    }
    let run_id = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    for n in 0u64.. {
        tokio::time::sleep(Duration::from_secs(3)).await;
        // Mostly a supporter on one of the seeded open petitions, so counts move while a
        // visitor watches; a notice every thirty seconds.
        if n % NOTICE_EVERY != NOTICE_EVERY - 1 {
            if let Some(petition) = next_open_demo_petition(&state, n) {
                match crowd::add_supporters(&state, &petition, 1).await {
                    Ok(_) => continue,
                    Err(e) => {
                        tracing::warn!(error = %e, "demo activity stops");
                        return;
                    }
                }
            }
        }
        let (tk, tr, te, bk, br, be) = NOTICES[((n / NOTICE_EVERY) % NOTICES.len() as u64) as usize];
        let Some(notice) = id::<NoticeId>(&format!("demo-{run_id}-{n}")) else { return };
        let event = Event::NoticePublished { notice, title: text(tk, tr, te), text: text(bk, br, be) };
        if !submit(&sequencer, event).await {
            return;
        }
    }
}

/// One tick in this many publishes a notice; the others add a demo supporter.
const NOTICE_EVERY: u64 = 10;

/// The seeded petitions open for signatures, taken in turn (never a petition a visitor wrote:
/// its count is theirs to drive from `/demo`).
fn next_open_demo_petition(state: &AppState, n: u64) -> Option<std::sync::Arc<dauys_core::Petition>> {
    let mut open: Vec<_> = state
        .capabilities
        .petitions
        .view()
        .all()
        .into_iter()
        .filter(|p| p.id.as_str().starts_with(history::SEEDED_PREFIX) && p.status == dauys_core::PetitionStatus::Open)
        .collect();
    open.sort_by(|a, b| a.id.cmp(&b.id));
    let count = open.len() as u64;
    (count > 0).then(|| open.swap_remove((n % count) as usize))
}

async fn submit(sequencer: &SequencerHandle, event: Event) -> bool {
    match sequencer.submit(event).await {
        Ok(_) | Err(SubmitError::Rejected(_)) => true,
        Err(e) => {
            tracing::warn!(error = %e, "demo activity stops");
            false
        }
    }
}
