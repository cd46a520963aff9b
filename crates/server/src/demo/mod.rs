//! Demo activity: a registry of real Kazakh state bodies, the 2026 holiday calendar, and every
//! few seconds a demo supporter on a seeded open petition (a public notice every thirty
//! seconds), so a first visitor sees a living log. Everything goes
//! through the sequencer like any other submission; nothing is written behind its back.
//!
//! On an empty log the demo first writes about four months of backdated history
//! ([`history`]): petitions at every stage, one obligation answered and one overdue, and
//! appeals at every stage ([`appeals`]), filed and handled by the demo's people ([`cast`])
//! through the services, among bodies with territories and competences ([`registry`]), one
//! of them split in two. The [`crowd`] page lets one person add synthetic supporters to walk
//! a petition through its whole life.

pub mod appeals;
pub mod cast;
pub mod crowd;
pub mod history;
pub mod registry;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use dauys_core::{AppealId, BodyId, Event, LocalizedText, NoticeId, Timestamp, VerificationMethod};

use crate::people::{run_blocking, PeopleError};
use crate::sequencer::{HistoryImport, SequencerHandle, SubmitError};
use crate::AppState;

fn text(kk: &str, ru: &str, en: &str) -> LocalizedText {
    LocalizedText { kk: kk.into(), ru: ru.into(), en: en.into() }
}

fn id<T: std::str::FromStr>(s: &str) -> Option<T> {
    s.parse().ok()
}

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

/// On a log the demo's history did not write (a data directory first served without
/// `--demo`), creates the demo's first four accounts live: an administrator, an official of
/// the Astana akimat, a verified citizen whose record the official opened once — so "who
/// looked at my data" has something to show — and a moderator. All through the same calls
/// the pages use. When the history was written, it created every account itself.
async fn seed_people(state: &AppState) -> Result<(), PeopleError> {
    let people = state.people.clone();
    let existing = {
        let people = people.clone();
        run_blocking(move || Ok(people.store().count_accounts()?)).await?
    };
    if existing > 0 {
        return Ok(());
    }
    let mut ids = HashMap::new();
    let first = [cast::Who::Admin, cast::Who::Official, cast::Who::Citizen, cast::Who::Moderator];
    for who in first {
        let member = who.member();
        let (email, password) = (member.email, member.password.unwrap_or_default());
        let people = people.clone();
        let id = run_blocking(move || people.sign_up(email, password))
            .await?
            .ok_or(PeopleError::Internal(format!("demo account {email} exists")))?;
        ids.insert(who, id);
    }
    let id = |who| ids.get(&who).cloned().ok_or(PeopleError::Internal(format!("no demo account {who:?}")));
    let (admin, official, citizen, moderator) =
        (id(cast::Who::Admin)?, id(cast::Who::Official)?, id(cast::Who::Citizen)?, id(cast::Who::Moderator)?);
    if people.grant_first_administrator(&admin).await.is_err() {
        // The log has an administrator already (an older demo's history): it hands over.
        let event = Event::RoleGranted {
            account: admin.clone(),
            role: dauys_core::Role::Administrator,
            body: None,
            by: Some(parse_id(history::HISTORY_ADMIN)?),
            name: None,
        };
        state.sequencer.submit(event).await?;
    }
    let astana: BodyId = parse_id("akimat-astana")?;
    let esil: BodyId = parse_id(history::ESIL_AKIMAT)?;
    // The official answers in public under a (fictional) name; the moderator under the account.
    let official_name = Some("Ерлан Асқаров".to_owned());
    let grants = [
        (official.clone(), dauys_core::Role::Official, Some(astana.clone()), official_name.clone()),
        (official.clone(), dauys_core::Role::Official, Some(esil), official_name),
        (moderator, dauys_core::Role::Moderator, None, None),
    ];
    for (account, role, body, name) in grants {
        let event = Event::RoleGranted { account, role, body, by: Some(admin.clone()), name };
        match state.sequencer.submit(event).await {
            // The Esil akimat exists only when the demo registered its bodies.
            Ok(_) | Err(SubmitError::Rejected(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let admin_account = account(&people, &admin).await?;
    let claim = cast::Who::Citizen.member().claim().ok_or(PeopleError::Internal("the citizen's identity".into()))?;
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
            None,
        )
        .await?;
    for who in first {
        let m = who.member();
        tracing::info!(email = m.email, password = m.password, what = m.what, "demo account");
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

/// The bodies ([`registry`]) and the 2026 calendar the demo registers.
pub fn setup_events() -> Vec<Event> {
    let mut setup: Vec<Event> = registry::BODIES.iter().map(registry::DemoBody::registration).collect();
    setup.push(Event::CalendarPublished {
        year: 2026,
        holidays: dauys_core::calendar::kazakhstan_2026_holidays(),
        transferred_working_days: vec![],
    });
    setup
}

/// Writes the demo's backdated history ([`history`]) into the log, if the log is empty: the
/// demo's accounts first (the private store is not on the log), then every act at its time.
/// Runs before [`crate::Instance::start`], so the genesis steps find everything in place.
/// Returns the log's size after the import, or `None` when the log already had entries.
pub async fn seed_history(config: &crate::config::Config) -> Result<Option<u64>, crate::ServeError> {
    let config = config.clone();
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || write_history(&config, &runtime)).await?
}

fn write_history(
    config: &crate::config::Config,
    runtime: &tokio::runtime::Handle,
) -> Result<Option<u64>, crate::ServeError> {
    use crate::ServeError;
    crate::keys::create_private_dir(&config.data_dir)
        .map_err(|source| ServeError::DataDir { path: config.data_dir.display().to_string(), source })?;
    let location = config.database_location();
    let store_error = |source| ServeError::Store { location: dauys_store::redact(&config.database_location()), source };
    let (mut writer, reader) = dauys_store::open(&location).map_err(store_error)?;
    if reader.size().map_err(store_error)? > 0 {
        return Ok(None);
    }
    let origin = crate::keys::resolve_origin(config)?;
    let signer = crate::keys::load_or_create_signer(&config.data_dir, &origin)?;
    let people_keys = crate::keys::load_or_create_people_keys(config)?;
    let private = dauys_store::open_private(&location, config.max_read_connections()?).map_err(store_error)?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
    let names = &config.deployment_name;
    let deployment = Event::DeploymentConfigured {
        name: LocalizedText { kk: names.kk.clone(), ru: names.ru.clone(), en: names.en.clone() },
        utc_offset_minutes: config.utc_offset_minutes,
        act_rule: Some(dauys_core::ACT_RULE_LATEST),
    };
    let demo_error = |e: &dyn std::fmt::Display| ServeError::Demo(e.to_string());

    // The read models and services the live server has, on the history's sequencer.
    let deployment_view = Arc::new(crate::projection::DeploymentView::default());
    let appeals_view = Arc::new(crate::appeals::view::AppealsView::default());
    let projectors: Vec<Arc<dyn crate::projection::Projector>> = vec![deployment_view.clone(), appeals_view.clone()];
    let (mut import, handle) = HistoryImport::start(writer.as_mut(), signer, &origin, projectors, Timestamp(now))
        .map_err(|e| demo_error(&e))?;
    let people = Arc::new(crate::people::People::new(
        &private,
        reader,
        handle.clone(),
        people_keys,
        dauys_identity::password::PasswordParams::default(),
        &config.first_administrator_email,
    ));
    let platform = crate::capability::Platform {
        config,
        people: &people,
        private: &private,
        sequencer: &handle,
        deployment: &deployment_view,
    };
    let appeals = Arc::new(crate::appeals::Appeals::without_notices(&platform, appeals_view));
    let accounts = cast::create_accounts(&people).map_err(|e| demo_error(&e))?;
    let services = Arc::new(appeals::Services {
        people,
        appeals,
        accounts: accounts.clone(),
        utc_offset_minutes: config.utc_offset_minutes,
    });

    let mut cases: HashMap<&'static str, AppealId> = HashMap::new();
    for (at, act) in history::history(now, deployment, &accounts).into_acts() {
        import.advance(at, act.kind()).map_err(|e| demo_error(&e))?;
        match act {
            history::Act::Event(event) => {
                import.log(event).map_err(|e| demo_error(&e))?;
            }
            history::Act::Service(step) => {
                let kind = step.kind();
                let call = appeals::perform(step, services.clone(), cases.clone(), at);
                let filed = run_service(&mut import, runtime, call)?
                    .map_err(|e| ServeError::Demo(format!("{kind} at {at}: {e}")))?;
                cases.extend(filed);
            }
        }
    }
    let size = import.finish().map_err(|e| demo_error(&e))?;
    for (email, password, what) in cast::sign_in_accounts() {
        tracing::info!(email, password, what, "demo account");
    }
    Ok(Some(size))
}

/// Runs a service call at the history's clock: on the runtime, while this thread answers its
/// submissions as the sequencer would (each committed and published before the answer).
fn run_service<T: Send + 'static>(
    import: &mut HistoryImport<'_>,
    runtime: &tokio::runtime::Handle,
    call: impl std::future::Future<Output = T> + Send + 'static,
) -> Result<T, crate::ServeError> {
    // What was logged directly is committed first: the services read accounts' roles from
    // the store.
    import.flush().map_err(|e| crate::ServeError::Demo(e.to_string()))?;
    let task = runtime.spawn(call);
    while !task.is_finished() {
        import.serve(Duration::from_millis(1)).map_err(|e| crate::ServeError::Demo(e.to_string()))?;
    }
    Ok(runtime.block_on(task)?)
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
