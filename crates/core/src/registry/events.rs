//! The registry's events: the deployment, its calendar, bodies, people, staff, the legal bases
//! for opening personal data, openings, imports and keys. Declared here, gathered into
//! [`crate::Event`] with every capability's (`event.rs`).

/// Hands the registry's events on to `gather_events!` (in `event.rs`), which builds [`crate::Event`].
/// The field checks are match arms over [`crate::Event`] spliced into [`crate::Event::validate`]
/// and [`crate::Event::check_new`]; they name what they call by its full path, since they
/// are compiled where the enum is.
macro_rules! events {
    ($gather:ident [$($pending:tt)*] $($gathered:tt)*) => {
        $gather! { [$($pending)*] $($gathered)*
            registry: Registry {
                events {
                    /// Names the deployment and fixes the time zone in which calendar days are counted.
                    /// May be re-issued; the latest one is in force.
                    "deployment.configured" => DeploymentConfigured {
                        name: LocalizedText,
                        /// Minutes east of UTC, -720..=840 (Kazakhstan: 300).
                        utc_offset_minutes: i16,
                        /// The version of the rule on signed acts in force from this entry
                        /// (SPEC §1.1), 1..=`ACT_RULE_LATEST`, never lower than the one in
                        /// force; omitted: the one in force (1 on a log that never named one).
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        act_rule: Option<u16>,
                    },
                    /// The official working-day calendar of one year. Republishing a year replaces it.
                    "calendar.published" => CalendarPublished {
                        /// 2000..=2100.
                        year: u16,
                        /// Days off other than ordinary Saturdays and Sundays (public holidays and weekdays
                        /// made days off by decree), all in `year`, ascending, unique.
                        #[serde(with = "crate::dates::list")]
                        holidays: Vec<Date>,
                        /// Saturdays and Sundays that are working days by decree, all in `year`, ascending,
                        /// unique.
                        #[serde(with = "crate::dates::list")]
                        transferred_working_days: Vec<Date>,
                    },
                    /// Registers a state body that can receive appeals and petitions.
                    "body.registered" => BodyRegistered {
                        body: BodyId,
                        name: LocalizedText,
                        kind: BodyKind,
                        /// The superior body, which must already be registered and hears complaints about
                        /// this one. Omitted (not `null`) when none.
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        parent: Option<BodyId>,
                        /// Where it serves: a region, or a region and district; omitted for a national
                        /// body. A local petition to it is for this territory.
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        territory: Option<Locality>,
                        /// The topics it is competent for (appeal and petition topic codes), ascending,
                        /// without repeats; omitted when none are listed.
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        competences: Option<Vec<TopicCode>>,
                    },
                    /// The body takes a new name; its id, cases and history stay.
                    "body.renamed" => BodyRenamed { body: BodyId, name: LocalizedText },
                    /// The bodies are merged into `into`, an open body registered before: they close,
                    /// and every open case and obligation of theirs moves to `into`.
                    "body.merged" => BodyMerged { bodies: Vec<BodyId>, into: BodyId },
                    /// The body is split among `successors`, open bodies registered before: it closes,
                    /// and `rule` says which successor takes each open case (`otherwise` takes what
                    /// the rule does not place).
                    "body.split" => BodySplit {
                        body: BodyId,
                        successors: Vec<BodyId>,
                        rule: SplitRule,
                        otherwise: BodyId,
                        /// The cases named one by one (appeal or petition ids), only with the rule `named`.
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        cases: Option<Vec<CaseAssignment>>,
                    },
                    /// The body is abolished: it closes, and its open cases move to `successor`.
                    "body.abolished" => BodyAbolished { body: BodyId, successor: BodyId },
                    /// A person's identity was verified. Only their pseudonym and locality are recorded; the
                    /// same pseudonym cannot be verified twice (one national identifier, one person).
                    "person.verified" => PersonVerified {
                        person: Pseudonym,
                        locality: Locality,
                        method: VerificationMethod,
                        /// The administrator who verified a registry or manual verification; omitted for an
                        /// identity provider.
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        by: Option<AccountId>,
                    },
                    /// A person's personal data was erased at their request (their data key destroyed). They
                    /// are no longer verified; the log keeps what it recorded, which identifies no one.
                    "person.erased" => PersonErased { person: Pseudonym },
                    /// An administrator granted a role. `by` is omitted only for the first administrator,
                    /// granted from the operator's console while no administrator exists.
                    "role.granted" => RoleGranted {
                        account: AccountId,
                        role: Role,
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        body: Option<BodyId>,
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        by: Option<AccountId>,
                        /// The name and position the holder acts under in public ("Айгүл Серікова,
                        /// бас маман"), shown beside their acts; omitted when the role acts
                        /// under the account alone.
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        name: Option<String>,
                    },
                    /// An administrator revoked a role.
                    "role.revoked" => RoleRevoked {
                        account: AccountId,
                        role: Role,
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        body: Option<BodyId>,
                        by: AccountId,
                    },
                    /// The legal bases on which officials may open personal data. Replaces the previous list
                    /// for openings after it.
                    "access_bases.published" => AccessBasesPublished { bases: Vec<AccessBasis> },
                    /// An official opened a person's personal data, stating why. The subject is named only by
                    /// a commitment that the subject can open on their "who looked at my data" page.
                    "personal_data.opened" => PersonalDataOpened {
                        subject: Commitment,
                        body: BodyId,
                        official: AccountId,
                        basis: BasisCode,
                        purpose: String,
                        case: String,
                    },
                    /// An administrator imported a census or registry file; `digest` is the file's SHA-256.
                    "registry.imported" => RegistryImported { records: u32, digest: Commitment, by: AccountId },
                    /// An administrator put a new version of a secret key in use.
                    "key.rotated" => KeyRotated { key: KeyKind, version: u16, by: AccountId },
                    /// A person registered a key to sign their own acts with (Ed25519, standard
                    /// base64 of the 32 public bytes). `proof` is that key's signature of the
                    /// account and the key, so no one registers a key they do not hold. From then
                    /// on every act of the account must be signed by a key of theirs in force;
                    /// a second key is registered by an act signed with a first.
                    "signer.registered" => SignerRegistered { account: AccountId, key: String, proof: String },
                    /// A person ended one of their signing keys (by its id), by an act signed with a
                    /// key of theirs in force (the same one, if it is the last).
                    "signer.revoked" => SignerRevoked { account: AccountId, key: String },
                }
                // `body.registered` names no person (it has no `by`), the log shows it the same
                // whichever way it came, and which state bodies a deployment serves is the
                // deployment's decision like its calendar. Administrators also register bodies
                // from their pages.
                operator_acts [
                    "deployment.configured",
                    "calendar.published",
                    "body.registered",
                    "body.renamed",
                    "body.merged",
                    "body.split",
                    "body.abolished",
                    "access_bases.published",
                ]
                validate {
                    Event::DeploymentConfigured { name, utc_offset_minutes, act_rule } => {
                        name.validate(crate::text::TextUse::Name)?;
                        crate::registry::events::validate_utc_offset(*utc_offset_minutes)?;
                        crate::registry::events::validate_act_rule(*act_rule)?;
                    }
                    Event::CalendarPublished { year, holidays, transferred_working_days } => {
                        crate::registry::events::validate_calendar(*year, holidays, transferred_working_days)?
                    }
                    Event::BodyRegistered { name, competences, .. } => {
                        name.validate(crate::text::TextUse::Name)?;
                        crate::registry::events::validate_competences(competences.as_deref())?;
                    }
                    Event::BodyRenamed { name, .. } => name.validate(crate::text::TextUse::Name)?,
                    Event::BodyMerged { bodies, into } => crate::registry::events::validate_merger(bodies, into)?,
                    Event::BodySplit { body, successors, rule, otherwise, cases } => {
                        crate::registry::events::validate_split(body, successors, *rule, otherwise, cases.as_deref())?
                    }
                    Event::BodyAbolished { body, successor } if body == successor => {
                        return Err(crate::EventError::SuccessorIsItself(body.to_string()))
                    }
                    Event::PersonVerified { method, by, .. } => {
                        crate::registry::events::validate_verifier(*method, by.as_ref())?
                    }
                    Event::RoleGranted { role, body, name, .. } => {
                        crate::people::validate_grant_shape(*role, body.as_ref())?;
                        if let Some(name) = name {
                            crate::people::validate_line("name", name, crate::people::MAX_STAFF_NAME_CHARS)?;
                        }
                    }
                    Event::RoleRevoked { role, body, .. } => crate::people::validate_grant_shape(*role, body.as_ref())?,
                    Event::AccessBasesPublished { bases } => crate::people::validate_bases(bases)?,
                    Event::PersonalDataOpened { purpose, case, .. } => {
                        crate::people::validate_line("purpose", purpose, crate::people::MAX_PURPOSE_CHARS)?;
                        crate::people::validate_line("case", case, crate::people::MAX_CASE_CHARS)?;
                    }
                    Event::KeyRotated { version: 0, .. } => return Err(crate::EventError::KeyVersionZero),
                    Event::SignerRegistered { account, key, proof } => {
                        crate::signers::validate_registration(account, key, proof)?
                    }
                    Event::SignerRevoked { key, .. } => crate::signers::validate_key_id(key)?,
                }
                check_new {
                    Event::DeploymentConfigured { name, .. }
                    | Event::BodyRegistered { name, .. }
                    | Event::BodyRenamed { name, .. } => {
                        name.check_new(crate::text::TextUse::Name)?
                    }
                    Event::AccessBasesPublished { bases } => {
                        bases.iter().try_for_each(|b| b.name.check_new(crate::text::TextUse::Name))?
                    }
                    Event::PersonalDataOpened { purpose, case, .. } => {
                        crate::text::check_new_line("purpose", purpose)?;
                        crate::text::check_new_line("case", case)?;
                    }
                    Event::RoleGranted { name: Some(name), .. } => crate::text::check_new_line("name", name)?,
                }
            }
        }
    };
}
pub(crate) use events;

use time::{Date, Weekday};

use crate::dates::format_date;
use serde::{Deserialize, Serialize};

use crate::{AccountId, BodyId, CaseId, EventError, TopicCode, VerificationMethod};

/// How a split decides which successor takes an open case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitRule {
    /// The first successor (in the order listed) competent for the case's topic.
    ByTopic,
    /// The first successor whose territory holds the case's place.
    ByTerritory,
    /// Each case as the split names it.
    Named,
}

/// One case a split places by name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseAssignment {
    pub case: CaseId,
    pub to: BodyId,
}

/// Minutes east of UTC a deployment's time zone may be.
pub(crate) const UTC_OFFSET_MINUTES: std::ops::RangeInclusive<i16> = -720..=840;
/// The years a calendar may be published for.
pub(crate) const CALENDAR_YEARS: std::ops::RangeInclusive<u16> = 2000..=2100;

/// The newest version of the rule on signed acts; a new log is configured under it.
pub const ACT_RULE_LATEST: u16 = 2;

/// A `deployment.configured` names a version of the rule this build knows, or none (1).
pub(crate) fn validate_act_rule(version: Option<u16>) -> Result<(), EventError> {
    match version {
        Some(got) if !(1..=ACT_RULE_LATEST).contains(&got) => {
            Err(EventError::UnknownActRule { got, latest: ACT_RULE_LATEST })
        }
        _ => Ok(()),
    }
}

pub(crate) fn validate_utc_offset(minutes: i16) -> Result<(), EventError> {
    if !UTC_OFFSET_MINUTES.contains(&minutes) {
        return Err(EventError::UtcOffsetOutOfRange(minutes));
    }
    Ok(())
}

/// A registry or manual verification names the administrator who did it; an identity
/// provider's names no one.
pub(crate) fn validate_verifier(method: VerificationMethod, by: Option<&AccountId>) -> Result<(), EventError> {
    match (method.needs_administrator(), by) {
        (true, None) => Err(EventError::AdministratorRequired {
            method: if method == VerificationMethod::Manual { "manual" } else { "registry" },
        }),
        (false, Some(_)) => Err(EventError::AdministratorNotAllowed),
        _ => Ok(()),
    }
}

pub(crate) fn validate_calendar(year: u16, holidays: &[Date], transferred: &[Date]) -> Result<(), EventError> {
    if !CALENDAR_YEARS.contains(&year) {
        return Err(EventError::YearOutOfRange(year));
    }
    for (field, list) in [("holidays", holidays), ("transferred_working_days", transferred)] {
        let mut prev: Option<Date> = None;
        for &d in list {
            if d.year() != i32::from(year) {
                return Err(EventError::DateOutsideYear { field, date: format_date(d), year });
            }
            if prev.is_some_and(|p| p >= d) {
                return Err(EventError::DatesNotSortedUnique { field, date: format_date(d) });
            }
            prev = Some(d);
        }
    }
    for &d in transferred {
        if !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
            return Err(EventError::TransferredNotWeekend(format_date(d)));
        }
        if holidays.binary_search(&d).is_ok() {
            return Err(EventError::CalendarConflict(format_date(d)));
        }
    }
    Ok(())
}

/// How many topics a body may list as its competences, and successors a split may name.
pub(crate) const MAX_COMPETENCES: usize = 100;
pub(crate) const MAX_SUCCESSORS: usize = 50;
/// How many cases a split may place one by one (more belong in a rule by topic or territory).
pub(crate) const MAX_NAMED_CASES: usize = 1_000;

/// Competences, when listed, are a non-empty, ascending list without repeats.
pub(crate) fn validate_competences(competences: Option<&[TopicCode]>) -> Result<(), EventError> {
    let Some(list) = competences else { return Ok(()) };
    if list.is_empty() {
        return Err(EventError::EmptyField { field: "competences" });
    }
    too_many("competences", list.len(), MAX_COMPETENCES)?;
    sorted_unique("competences", list.iter().map(TopicCode::as_str))
}

pub(crate) fn validate_merger(bodies: &[BodyId], into: &BodyId) -> Result<(), EventError> {
    if bodies.is_empty() {
        return Err(EventError::EmptyField { field: "bodies" });
    }
    too_many("bodies", bodies.len(), MAX_SUCCESSORS)?;
    sorted_unique("bodies", bodies.iter().map(BodyId::as_str))?;
    if bodies.contains(into) {
        return Err(EventError::SuccessorIsItself(into.to_string()));
    }
    Ok(())
}

/// A split names two or more successors other than the body, `otherwise` among them, and
/// cases one by one exactly when its rule is `named`, each to a successor, each once.
pub(crate) fn validate_split(
    body: &BodyId,
    successors: &[BodyId],
    rule: SplitRule,
    otherwise: &BodyId,
    cases: Option<&[CaseAssignment]>,
) -> Result<(), EventError> {
    if successors.len() < 2 {
        return Err(EventError::TooFewSuccessors);
    }
    too_many("successors", successors.len(), MAX_SUCCESSORS)?;
    if successors.contains(body) {
        return Err(EventError::SuccessorIsItself(body.to_string()));
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some(dup) = successors.iter().find(|s| !seen.insert(*s)) {
        return Err(EventError::DuplicateItem { field: "successors", item: dup.to_string() });
    }
    let not_successor = |b: &BodyId| EventError::NotASuccessor(b.to_string());
    if !successors.contains(otherwise) {
        return Err(not_successor(otherwise));
    }
    match (rule, cases) {
        (SplitRule::Named, Some(cases)) => {
            if cases.is_empty() {
                return Err(EventError::EmptyField { field: "cases" });
            }
            too_many("cases", cases.len(), MAX_NAMED_CASES)?;
            sorted_unique("cases", cases.iter().map(|c| c.case.as_str()))?;
            match cases.iter().find(|c| !successors.contains(&c.to)) {
                Some(c) => Err(not_successor(&c.to)),
                None => Ok(()),
            }
        }
        (SplitRule::Named, None) => Err(EventError::EmptyField { field: "cases" }),
        (_, Some(_)) => Err(EventError::CasesWithoutNamedRule),
        (_, None) => Ok(()),
    }
}

fn too_many(field: &'static str, actual: usize, max: usize) -> Result<(), EventError> {
    if actual > max {
        return Err(EventError::TooManyItems { field, max, actual });
    }
    Ok(())
}

/// Lists that are sets are written ascending without repeats, so one set has one encoding.
fn sorted_unique<'a>(field: &'static str, items: impl Iterator<Item = &'a str>) -> Result<(), EventError> {
    let mut prev: Option<&str> = None;
    for item in items {
        if prev.is_some_and(|p| p >= item) {
            return Err(EventError::NotSortedUnique { field, item: item.to_owned() });
        }
        prev = Some(item);
    }
    Ok(())
}
