//! The registry: the deployment and its time zone, the working-day calendar, state bodies,
//! verified people, staff and their roles, the legal bases for opening personal data, every
//! opening, and key versions. It is the context every other capability reads (see
//! [`crate::capability::Context`]); only its own events change it.

pub(crate) mod events;
mod rules;

pub(crate) use events::events;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::calendar::Calendar;
use crate::people::{AccessBases, AccessBasis, DataOpening, KeyVersion, Staff, VerifiedPerson};
use crate::rows::{RowKey, RowPrefix};
use crate::{AccountId, BodyId, BodyKind, KeyKind, LocalizedText, LogIndex, Pseudonym, Role, Timestamp};

/// The deployment's name and time zone, from the latest `deployment.configured`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    pub name: LocalizedText,
    pub utc_offset_minutes: i16,
    pub configured_at: Timestamp,
    pub index: LogIndex,
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
    pub registered_at: Timestamp,
    pub index: LogIndex,
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
}

impl RowPrefix {
    pub const CALENDAR: RowPrefix = RowPrefix::new("calendar/");
    pub const BODY: RowPrefix = RowPrefix::new("body/");
    pub const PERSON: RowPrefix = RowPrefix::new("person/");
    pub const STAFF: RowPrefix = RowPrefix::new("staff/");
    pub const OPENING: RowPrefix = RowPrefix::new("opening/");
    pub const KEY: RowPrefix = RowPrefix::new("key/");
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
}
