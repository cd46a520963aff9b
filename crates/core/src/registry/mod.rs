//! The registry: the deployment and its time zone, the working-day calendar, state bodies,
//! verified people, staff and their roles, the legal bases for opening personal data, every
//! opening, and key versions. It is the context every other capability reads (see
//! [`crate::capability::Context`]); only its own events change it.

pub(crate) mod events;
mod rules;

pub(crate) use events::events;
pub use events::{CaseAssignment, SplitRule};

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::calendar::Calendar;
use crate::people::{AccessBases, AccessBasis, DataOpening, KeyVersion, Staff, VerifiedPerson};
use crate::rows::{RowKey, RowPrefix};
use crate::signers::{ActKey, ActKeys};
use crate::{
    AccountId, BodyId, BodyKind, KeyKind, Locality, LocalizedText, LogIndex, Pseudonym, Role, Timestamp, TopicCode,
};

/// The deployment's name and time zone, from the latest `deployment.configured`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    pub name: LocalizedText,
    pub utc_offset_minutes: i16,
    /// The version of the rule on signed acts; `None` (no configuration named one): 1.
    /// Omitted from the row when `None`, so rows written before stay byte for byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub act_rule: Option<u16>,
    pub configured_at: Timestamp,
    pub index: LogIndex,
}

impl Deployment {
    /// The version of the rule on signed acts this configuration leaves in force.
    pub fn act_rule(&self) -> u16 {
        self.act_rule.unwrap_or(1)
    }
}

/// One published year of the working-day calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarYear {
    pub year: u16,
    #[serde(with = "crate::dates::list")]
    pub holidays: Vec<Date>,
    #[serde(with = "crate::dates::list")]
    pub transferred_working_days: Vec<Date>,
    pub published_at: Timestamp,
    pub index: LogIndex,
}

/// A registered state body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    pub id: BodyId,
    pub name: LocalizedText,
    pub kind: BodyKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<BodyId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub territory: Option<Locality>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub competences: Vec<TopicCode>,
    pub registered_at: Timestamp,
    pub index: LogIndex,
    /// Names it had before a rename, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_names: Vec<LocalizedText>,
    /// When and how a reorganisation closed it; it then receives nothing new.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Closure>,
}

impl Body {
    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }

    /// Does it list `topic` among its competences?
    pub fn is_competent_for(&self, topic: &TopicCode) -> bool {
        self.competences.binary_search(topic).is_ok()
    }

    /// Does it serve `place` (a national body serves everywhere)?
    pub fn serves(&self, place: &Locality) -> bool {
        self.territory.as_ref().is_none_or(|t| place.is_within(t))
    }
}

/// How a body was closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Reorganisation {
    Merged {
        into: BodyId,
    },
    Split {
        successors: Vec<BodyId>,
        rule: SplitRule,
        otherwise: BodyId,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        cases: Vec<CaseAssignment>,
    },
    Abolished {
        successor: BodyId,
    },
}

impl Reorganisation {
    /// The bodies it may hand cases to.
    pub fn successors(&self) -> impl Iterator<Item = &BodyId> {
        let list: &[BodyId] = match self {
            Reorganisation::Merged { into } => std::slice::from_ref(into),
            Reorganisation::Abolished { successor } => std::slice::from_ref(successor),
            Reorganisation::Split { successors, .. } => successors,
        };
        list.iter()
    }
}

/// A body's closing by a reorganisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Closure {
    pub reorganisation: Reorganisation,
    pub at: Timestamp,
    pub index: LogIndex,
}

/// The open body that takes over a case of `body` after the reorganisations that closed it,
/// following successors that were closed in turn, with the bodies looked up by `lookup` (the
/// registry's, or a server's copy of them); `None` while `body` is open (or unknown).
pub fn successor_among<'a>(
    body: &BodyId,
    case: &CaseFacts<'_>,
    lookup: impl Fn(&BodyId) -> Option<&'a Body>,
) -> Option<BodyId> {
    let mut current = lookup(body)?;
    // Successors are open when named, so each step goes to a body closed later than the last
    // and the chain ends; the bound only guards against rows no log could produce.
    for _ in 0..MAX_SUCCESSION {
        let Some(closure) = &current.closed else {
            return (current.id != *body).then(|| current.id.clone());
        };
        let next = match &closure.reorganisation {
            Reorganisation::Merged { into } => into,
            Reorganisation::Abolished { successor } => successor,
            Reorganisation::Split { successors, rule, otherwise, cases } => {
                let chosen = match rule {
                    SplitRule::ByTopic => {
                        successors.iter().find(|s| lookup(s).is_some_and(|b| b.is_competent_for(case.topic)))
                    }
                    SplitRule::ByTerritory => case.place.and_then(|place| {
                        successors.iter().find(|s| lookup(s).is_some_and(|b| b.territory.is_some() && b.serves(place)))
                    }),
                    SplitRule::Named => cases.iter().find(|c| c.case.as_str() == case.id).map(|c| &c.to),
                };
                chosen.unwrap_or(otherwise)
            }
        };
        current = lookup(next)?;
    }
    None
}

/// The open body competent for `topic` that serves `place` most closely — a district's body
/// before its region's, a region's before a national one — among `bodies`; ties go to the
/// smallest id, so the choice does not depend on the order given. Where Dauys routes an
/// appeal whose applicant does not know the body.
pub fn competent_body<'a>(
    bodies: impl Iterator<Item = &'a Body>,
    topic: &TopicCode,
    place: Option<&Locality>,
) -> Option<&'a BodyId> {
    let closeness = |b: &Body| match (&b.territory, place) {
        (None, _) => Some(0),
        (Some(t), Some(p)) if p.is_within(t) => Some(if t.district.is_some() { 2 } else { 1 }),
        _ => None,
    };
    bodies
        .filter(|b| b.is_open() && b.is_competent_for(topic))
        .filter_map(|b| closeness(b).map(|c| (c, b)))
        .max_by(|(c1, b1), (c2, b2)| c1.cmp(c2).then_with(|| b2.id.cmp(&b1.id)))
        .map(|(_, b)| &b.id)
}

/// The longest chain of reorganisations followed.
const MAX_SUCCESSION: usize = 10_000;

/// What a reorganisation needs to know of an open case to say where it goes.
pub struct CaseFacts<'a> {
    pub id: &'a str,
    pub topic: &'a TopicCode,
    pub place: Option<&'a Locality>,
}

/// The registry's figures in the public summary ([`crate::PublicState`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrySummary {
    pub deployment: Option<Deployment>,
    pub calendar_years: Vec<u16>,
    /// All bodies, by id.
    pub bodies: Vec<Body>,
    /// Number of people verified now (verifications minus erasures).
    pub verified_people: u64,
    /// Every account holding a role other than citizen, with its grants.
    pub staff: Vec<Staff>,
    /// The legal bases in force for opening personal data.
    pub access_bases: Vec<AccessBasis>,
    /// Number of openings of personal data logged.
    pub data_openings: u64,
}

impl fmt::Display for RegistrySummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.deployment {
            Some(d) => {
                let m = d.utc_offset_minutes;
                let sign = if m < 0 { '-' } else { '+' };
                let m = m.unsigned_abs();
                writeln!(f, "Deployment: {} (UTC{sign}{:02}:{:02})", d.name.kk, m / 60, m % 60)?
            }
            None => writeln!(f, "Deployment: not configured")?,
        }
        let years: Vec<String> = self.calendar_years.iter().map(u16::to_string).collect();
        writeln!(f, "Calendars: {}", if years.is_empty() { "none".to_owned() } else { years.join(", ") })?;
        writeln!(f, "Bodies: {}", self.bodies.len())?;
        write!(
            f,
            "People: {} verified; {} staff accounts; {} openings of personal data",
            self.verified_people,
            self.staff.len(),
            self.data_openings
        )
    }
}

/// The registry's part of the public state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Registry {
    deployment: Option<Deployment>,
    calendars: BTreeMap<u16, CalendarYear>,
    bodies: BTreeMap<BodyId, Body>,
    persons: BTreeMap<Pseudonym, VerifiedPerson>,
    staff: BTreeMap<AccountId, Staff>,
    access_bases: Option<AccessBases>,
    openings: BTreeMap<LogIndex, DataOpening>,
    keys: BTreeMap<KeyKind, KeyVersion>,
    /// People's signing keys, by account (`crate::signers`).
    signers: BTreeMap<AccountId, ActKeys>,
}

impl RowPrefix {
    pub const CALENDAR: RowPrefix = RowPrefix::new("calendar/");
    pub const BODY: RowPrefix = RowPrefix::new("body/");
    pub const PERSON: RowPrefix = RowPrefix::new("person/");
    pub const STAFF: RowPrefix = RowPrefix::new("staff/");
    pub const OPENING: RowPrefix = RowPrefix::new("opening/");
    pub const KEY: RowPrefix = RowPrefix::new("key/");
    pub const SIGNER: RowPrefix = RowPrefix::new("signer/");
}

const DEPLOYMENT_KEY: &str = "deployment";
const ACCESS_BASES_KEY: &str = "access-bases";

impl RowKey {
    pub fn deployment() -> RowKey {
        RowKey::single(DEPLOYMENT_KEY)
    }

    pub fn calendar(year: u16) -> RowKey {
        RowPrefix::CALENDAR.key(year)
    }

    pub fn body(id: &BodyId) -> RowKey {
        RowPrefix::BODY.key(id)
    }

    pub fn person(person: &Pseudonym) -> RowKey {
        RowPrefix::PERSON.key(person)
    }

    pub fn staff(account: &AccountId) -> RowKey {
        RowPrefix::STAFF.key(account)
    }

    pub fn access_bases() -> RowKey {
        RowKey::single(ACCESS_BASES_KEY)
    }

    /// An opening of personal data, by its log index, zero-padded so keys sort by index.
    pub fn opening(index: LogIndex) -> RowKey {
        RowPrefix::OPENING.key(format_args!("{:020}", index.0))
    }

    pub fn key_version(key: KeyKind) -> RowKey {
        RowPrefix::KEY.key(key.as_str())
    }

    pub fn signers(account: &AccountId) -> RowKey {
        RowPrefix::SIGNER.key(account)
    }
}

impl Registry {
    pub fn deployment(&self) -> Option<&Deployment> {
        self.deployment.as_ref()
    }

    /// Minutes east of UTC in which calendar days are counted; UTC until configured.
    pub fn utc_offset_minutes(&self) -> i16 {
        self.deployment.as_ref().map_or(0, |d| d.utc_offset_minutes)
    }

    /// Published calendar years, ascending.
    pub fn calendar_years(&self) -> impl Iterator<Item = &CalendarYear> {
        self.calendars.values()
    }

    /// The working-day calendar merged from all published years.
    pub fn calendar(&self) -> Calendar {
        Calendar::new(
            self.calendars.values().flat_map(|c| c.holidays.iter().copied()),
            self.calendars.values().flat_map(|c| c.transferred_working_days.iter().copied()),
        )
    }

    /// The calendar day of `at` in the deployment's time zone.
    pub fn local_date(&self, at: Timestamp) -> Date {
        at.date_at_offset(self.utc_offset_minutes())
    }

    /// The day `days` working days after the local day of `at`.
    pub fn add_working_days(&self, at: Timestamp, days: u16) -> Date {
        self.calendar().add_working_days(self.local_date(at), u32::from(days))
    }

    /// The instant the local day `date` ends: a deadline on that day.
    pub fn end_of_day(&self, date: Date) -> Timestamp {
        Timestamp::end_of_day(date, self.utc_offset_minutes())
    }

    pub fn bodies(&self) -> impl Iterator<Item = (&BodyId, &Body)> {
        self.bodies.iter()
    }

    pub fn body(&self, id: &BodyId) -> Option<&Body> {
        self.bodies.get(id)
    }

    /// The open body that takes over a case of `body` after the reorganisations that closed
    /// it; `None` while `body` is open (or unknown). See [`successor_among`].
    pub fn successor_for(&self, body: &BodyId, case: &CaseFacts<'_>) -> Option<BodyId> {
        successor_among(body, case, |id| self.bodies.get(id))
    }

    /// Is `body` registered and open, so that it may receive a new case?
    pub fn check_open(&self, body: &BodyId) -> Result<&Body, crate::RuleError> {
        let b = self.bodies.get(body).ok_or_else(|| crate::RuleError::UnknownBody(body.to_string()))?;
        if !b.is_open() {
            return Err(crate::RuleError::BodyClosed(body.to_string()));
        }
        Ok(b)
    }

    /// Verified people by pseudonym.
    pub fn verified_person(&self, person: &Pseudonym) -> Option<&VerifiedPerson> {
        self.persons.get(person)
    }

    pub fn verified_people(&self) -> usize {
        self.persons.len()
    }

    /// Staff accounts and their roles, by account id.
    pub fn staff(&self) -> impl Iterator<Item = &Staff> {
        self.staff.values()
    }

    pub fn staff_member(&self, account: &AccountId) -> Option<&Staff> {
        self.staff.get(account)
    }

    /// Does `account` hold `role` (for `body`, or deployment-wide when `None`)?
    pub fn holds(&self, account: &AccountId, role: Role, body: Option<&BodyId>) -> bool {
        self.staff.get(account).is_some_and(|s| s.holds(role, body))
    }

    /// Does `account` act for `body` as its official or its head?
    pub fn acts_for(&self, account: &AccountId, body: &BodyId) -> bool {
        self.holds(account, Role::Official, Some(body)) || self.holds(account, Role::Head, Some(body))
    }

    /// The legal bases in force, if published.
    pub fn access_bases(&self) -> Option<&AccessBases> {
        self.access_bases.as_ref()
    }

    /// Every opening of personal data, by log index.
    pub fn openings(&self) -> impl DoubleEndedIterator<Item = &DataOpening> {
        self.openings.values()
    }

    pub fn opening(&self, index: LogIndex) -> Option<&DataOpening> {
        self.openings.get(&index)
    }

    /// The version of `key` in use: 1 until a rotation is logged.
    pub fn key_version(&self, key: KeyKind) -> u16 {
        self.keys.get(&key).map_or(1, |k| k.version)
    }

    /// The version of the rule on signed acts in force (SPEC §1.1): the last one a
    /// `deployment.configured` named, 1 when none did.
    pub fn act_rule(&self) -> u16 {
        self.deployment.as_ref().map_or(1, Deployment::act_rule)
    }

    /// The signing keys `account` registered, in force or revoked.
    pub fn signers(&self, account: &AccountId) -> Option<&ActKeys> {
        self.signers.get(account)
    }

    /// Every account's signing keys, by account.
    pub fn all_signers(&self) -> impl Iterator<Item = &ActKeys> {
        self.signers.values()
    }

    /// The key with this id, whoever registered it.
    pub fn signer_key(&self, id: &str) -> Option<(&AccountId, &ActKey)> {
        self.signers.values().find_map(|s| s.keys.iter().find(|k| k.id == id).map(|k| (&s.account, k)))
    }
}
