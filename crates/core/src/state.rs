//! The deterministic state machine: public state folded from the log.

use crate::calendar::Calendar;
use crate::canonical::to_canonical;
use crate::people::{AccessBases, DataOpening, Grant, KeyVersion, Staff, VerifiedPerson};
use crate::petition::{Invalidation, Petition, PublishedRules, Signature, SignatureFact, SignerKey};
use crate::petition_rules::{signature_key, PETITION_PREFIX, PETITION_RULES_KEY, SIGNATURE_PREFIX};
use crate::PetitionId;
use crate::{
    AccountId, BodyId, BodyKind, Entry, Event, KeyKind, LocalizedText, LogIndex, NoticeId, Pseudonym, Role, RuleError,
    Timestamp,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use time::Date;

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
    #[serde(with = "crate::event::dates")]
    pub holidays: Vec<Date>,
    #[serde(with = "crate::event::dates")]
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

/// A published notice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    pub id: NoticeId,
    pub title: LocalizedText,
    pub text: LocalizedText,
    pub published_at: Timestamp,
    pub index: LogIndex,
}

/// The `meta` row: where the fold stands.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Meta {
    size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_ts: Option<Timestamp>,
    counts: BTreeMap<String, u64>,
}

/// The public state, folded from entries. Deterministic: same entries, same state, same rows.
///
/// Equality ignores which rows are pending in [`State::take_changes`]: two states are equal
/// when they describe the same log prefix.
#[derive(Clone, Debug, Default, Eq)]
pub struct State {
    meta: Meta,
    deployment: Option<Deployment>,
    calendars: BTreeMap<u16, CalendarYear>,
    pub(crate) bodies: BTreeMap<BodyId, Body>,
    notices: BTreeMap<NoticeId, Notice>,
    persons: BTreeMap<Pseudonym, VerifiedPerson>,
    staff: BTreeMap<AccountId, Staff>,
    access_bases: Option<AccessBases>,
    openings: BTreeMap<LogIndex, DataOpening>,
    keys: BTreeMap<KeyKind, KeyVersion>,
    pub(crate) petition_rules: Option<PublishedRules>,
    pub(crate) petitions: BTreeMap<PetitionId, Petition>,
    /// Signatures by petition and signer (a hash map: a million of them are looked up, never
    /// listed in order, and rows are sorted when listed).
    pub(crate) signatures: HashMap<PetitionId, HashMap<SignerKey, SignatureFact>>,
    pub(crate) invalidations: BTreeMap<(PetitionId, SignerKey), Invalidation>,
    /// Petitions whose last change may require an event by the rules (see `take_follow_ups`).
    pub(crate) pending_follow_ups: BTreeSet<PetitionId>,
    /// Keys of rows changed since the last `take_changes`.
    pub(crate) dirty: BTreeSet<String>,
}

impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        self.meta == other.meta
            && self.deployment == other.deployment
            && self.calendars == other.calendars
            && self.bodies == other.bodies
            && self.notices == other.notices
            && self.persons == other.persons
            && self.staff == other.staff
            && self.access_bases == other.access_bases
            && self.openings == other.openings
            && self.keys == other.keys
            && self.petition_rules == other.petition_rules
            && self.petitions == other.petitions
            && self.signatures == other.signatures
            && self.invalidations == other.invalidations
    }
}

const META_KEY: &str = "meta";
const DEPLOYMENT_KEY: &str = "deployment";
const CALENDAR_PREFIX: &str = "calendar/";
const BODY_PREFIX: &str = "body/";
const NOTICE_PREFIX: &str = "notice/";
const PERSON_PREFIX: &str = "person/";
const STAFF_PREFIX: &str = "staff/";
const ACCESS_BASES_KEY: &str = "access-bases";
const OPENING_PREFIX: &str = "opening/";
const KEY_PREFIX: &str = "key/";

/// Projection key of an opening: the log index, zero-padded so keys sort by index.
fn opening_key(index: LogIndex) -> String {
    format!("{OPENING_PREFIX}{:020}", index.0)
}

const MS_PER_DAY: u64 = 86_400_000;

/// How many of the most recent notices [`PublicState`] lists.
pub const LATEST_NOTICES: usize = 5;

fn row_json<T: Serialize>(v: &T) -> String {
    let value = match serde_json::to_value(v) {
        Ok(v) => v,
        // Row types hold only strings, integers, arrays and string-keyed maps.
        Err(e) => unreachable!("row serialization cannot fail: {e}"),
    };
    match to_canonical(&value) {
        Ok(s) => s,
        Err(e) => unreachable!("rows contain no floats (found one at {})", e.path),
    }
}

impl State {
    pub fn new() -> Self {
        Self::default()
    }

    /// Would `event` be accepted if sequenced at `at`? Checks the fields
    /// ([`Event::validate`]), the timestamp, and the rules against the current state.
    pub fn check(&self, event: &Event, at: Timestamp) -> Result<(), RuleError> {
        event.validate()?;
        if at > Timestamp::MAX {
            return Err(RuleError::TimestampOutOfRange(at));
        }
        if let Some(last) = self.meta.last_ts {
            if at < last {
                return Err(RuleError::TimestampRegression { last, got: at });
            }
        }
        match event {
            // Re-configuring and re-publishing a year replace what was there: the operator
            // corrects a name or a decree changes the calendar, and the log keeps both.
            Event::DeploymentConfigured { .. } | Event::CalendarPublished { .. } => Ok(()),
            Event::BodyRegistered { body, parent, .. } => {
                if self.bodies.contains_key(body) {
                    return Err(RuleError::BodyExists(body.to_string()));
                }
                match parent {
                    Some(p) if !self.bodies.contains_key(p) => Err(RuleError::UnknownParent(p.to_string())),
                    _ => Ok(()),
                }
            }
            Event::NoticePublished { notice, .. } => {
                if self.notices.contains_key(notice) {
                    return Err(RuleError::NoticeExists(notice.to_string()));
                }
                Ok(())
            }
            Event::PersonVerified { person, by, .. } => {
                if self.persons.contains_key(person) {
                    return Err(RuleError::PersonAlreadyVerified(person.to_string()));
                }
                by.as_ref().map_or(Ok(()), |by| self.check_administrator(by))
            }
            Event::PersonErased { person } => {
                if !self.persons.contains_key(person) {
                    return Err(RuleError::PersonNotVerified(person.to_string()));
                }
                Ok(())
            }
            Event::RoleGranted { account, role, body, by } => {
                match by {
                    Some(by) => self.check_administrator(by)?,
                    None if self.administrators() > 0 => return Err(RuleError::AdministratorExists),
                    None => {}
                }
                self.check_body(body.as_ref())?;
                if self.holds(account, *role, body.as_ref()) {
                    return Err(RuleError::GrantExists {
                        account: account.to_string(),
                        role: *role,
                        body: body.as_ref().map(BodyId::to_string),
                    });
                }
                Ok(())
            }
            Event::RoleRevoked { account, role, body, by } => {
                self.check_administrator(by)?;
                if !self.holds(account, *role, body.as_ref()) {
                    return Err(RuleError::GrantMissing {
                        account: account.to_string(),
                        role: *role,
                        body: body.as_ref().map(BodyId::to_string),
                    });
                }
                if *role == Role::Administrator && self.administrators() == 1 {
                    return Err(RuleError::LastAdministrator(account.to_string()));
                }
                Ok(())
            }
            Event::AccessBasesPublished { .. } => Ok(()),
            Event::PersonalDataOpened { body, official, basis, .. } => {
                self.check_body(Some(body))?;
                if !self.holds(official, Role::Official, Some(body)) && !self.holds(official, Role::Head, Some(body)) {
                    return Err(RuleError::NotOfficialOfBody {
                        official: official.to_string(),
                        body: body.to_string(),
                    });
                }
                let bases = self.access_bases.as_ref().ok_or(RuleError::NoAccessBases)?;
                if !bases.bases.iter().any(|b| &b.code == basis) {
                    return Err(RuleError::UnknownBasis(basis.to_string()));
                }
                Ok(())
            }
            Event::RegistryImported { by, .. } => self.check_administrator(by),
            Event::KeyRotated { key, version, by } => {
                self.check_administrator(by)?;
                let current = self.key_version(*key);
                if *version <= current {
                    return Err(RuleError::KeyVersionNotNewer { key: key.as_str(), current, got: *version });
                }
                Ok(())
            }
            Event::PetitionRulesPublished { .. }
            | Event::PetitionDrafted { .. }
            | Event::PetitionLaunched { .. }
            | Event::PetitionSigned { .. }
            | Event::PetitionSubmitted { .. }
            | Event::PetitionExpired { .. }
            | Event::PetitionAccepted { .. }
            | Event::PetitionRejected { .. }
            | Event::PetitionWithdrawn { .. }
            | Event::PetitionClosed { .. }
            | Event::SignatureInvalidated { .. }
            | Event::ObligationOpened { .. }
            | Event::ObligationOverdue { .. }
            | Event::PetitionModerationOverdue { .. }
            | Event::ObligationAnswered { .. } => self.check_petition(event, at),
        }
    }

    fn check_administrator(&self, account: &AccountId) -> Result<(), RuleError> {
        if self.holds(account, Role::Administrator, None) {
            Ok(())
        } else {
            Err(RuleError::NotAdministrator(account.to_string()))
        }
    }

    fn check_body(&self, body: Option<&BodyId>) -> Result<(), RuleError> {
        match body {
            Some(b) if !self.bodies.contains_key(b) => Err(RuleError::UnknownBody(b.to_string())),
            _ => Ok(()),
        }
    }

    /// Does `account` hold `role` (for `body`, or deployment-wide when `None`)?
    pub fn holds(&self, account: &AccountId, role: Role, body: Option<&BodyId>) -> bool {
        self.staff.get(account).is_some_and(|s| s.holds(role, body))
    }

    fn administrators(&self) -> usize {
        self.staff.values().filter(|s| s.holds(Role::Administrator, None)).count()
    }

    /// The version of `key` in use: 1 until a rotation is logged.
    pub fn key_version(&self, key: KeyKind) -> u16 {
        self.keys.get(&key).map_or(1, |k| k.version)
    }

    /// Applies the entry at `index`, which must be the next one (`index == self.size()`).
    /// On error the state is unchanged: every check happens before the first mutation.
    pub fn apply(&mut self, index: LogIndex, entry: &Entry) -> Result<(), RuleError> {
        if index.0 != self.meta.size {
            return Err(RuleError::WrongIndex { expected: LogIndex(self.meta.size), got: index });
        }
        let at = entry.timestamp;
        self.check(&entry.event, at)?;

        let key = match &entry.event {
            Event::DeploymentConfigured { name, utc_offset_minutes } => {
                self.deployment = Some(Deployment {
                    name: name.clone(),
                    utc_offset_minutes: *utc_offset_minutes,
                    configured_at: at,
                    index,
                });
                DEPLOYMENT_KEY.to_owned()
            }
            Event::CalendarPublished { year, holidays, transferred_working_days } => {
                self.calendars.insert(
                    *year,
                    CalendarYear {
                        year: *year,
                        holidays: holidays.clone(),
                        transferred_working_days: transferred_working_days.clone(),
                        published_at: at,
                        index,
                    },
                );
                format!("{CALENDAR_PREFIX}{year}")
            }
            Event::BodyRegistered { body, name, kind, parent } => {
                self.bodies.insert(
                    body.clone(),
                    Body {
                        id: body.clone(),
                        name: name.clone(),
                        kind: *kind,
                        parent: parent.clone(),
                        registered_at: at,
                        index,
                    },
                );
                format!("{BODY_PREFIX}{body}")
            }
            Event::NoticePublished { notice, title, text } => {
                self.notices.insert(
                    notice.clone(),
                    Notice { id: notice.clone(), title: title.clone(), text: text.clone(), published_at: at, index },
                );
                format!("{NOTICE_PREFIX}{notice}")
            }
            Event::PersonVerified { person, locality, method, by } => {
                self.persons.insert(
                    person.clone(),
                    VerifiedPerson {
                        person: person.clone(),
                        locality: locality.clone(),
                        method: *method,
                        by: by.clone(),
                        verified_at: at,
                        index,
                    },
                );
                format!("{PERSON_PREFIX}{person}")
            }
            Event::PersonErased { person } => {
                self.persons.remove(person);
                format!("{PERSON_PREFIX}{person}")
            }
            Event::RoleGranted { account, role, body, by } => {
                let staff = self
                    .staff
                    .entry(account.clone())
                    .or_insert_with(|| Staff { account: account.clone(), grants: vec![] });
                staff.grants.push(Grant { role: *role, body: body.clone(), by: by.clone(), granted_at: at, index });
                format!("{STAFF_PREFIX}{account}")
            }
            Event::RoleRevoked { account, role, body, .. } => {
                if let Some(staff) = self.staff.get_mut(account) {
                    staff.grants.retain(|g| !(g.role == *role && g.body == *body));
                    if staff.grants.is_empty() {
                        self.staff.remove(account);
                    }
                }
                format!("{STAFF_PREFIX}{account}")
            }
            Event::AccessBasesPublished { bases } => {
                self.access_bases = Some(AccessBases { bases: bases.clone(), published_at: at, index });
                ACCESS_BASES_KEY.to_owned()
            }
            Event::PersonalDataOpened { subject, body, official, basis, purpose, case } => {
                let delay_days = self
                    .access_bases
                    .as_ref()
                    .and_then(|b| b.bases.iter().find(|b| &b.code == basis))
                    .map_or(0, |b| u64::from(b.disclosure_delay_days));
                self.openings.insert(
                    index,
                    DataOpening {
                        subject: subject.clone(),
                        body: body.clone(),
                        official: official.clone(),
                        basis: basis.clone(),
                        purpose: purpose.clone(),
                        case: case.clone(),
                        opened_at: at,
                        disclosed_from: Timestamp(at.0 + delay_days * MS_PER_DAY),
                        index,
                    },
                );
                opening_key(index)
            }
            // Counted in `meta`; nothing else to keep.
            Event::RegistryImported { .. } => META_KEY.to_owned(),
            Event::KeyRotated { key, version, by } => {
                self.keys
                    .insert(*key, KeyVersion { key: *key, version: *version, by: by.clone(), rotated_at: at, index });
                format!("{KEY_PREFIX}{}", key.as_str())
            }
            petition_event => self.apply_petition(index, at, petition_event),
        };
        self.meta.size += 1;
        self.meta.last_ts = Some(at);
        *self.meta.counts.entry(entry.event.kind().to_owned()).or_insert(0) += 1;
        self.dirty.insert(key);
        self.dirty.insert(META_KEY.to_owned());
        Ok(())
    }

    /// Number of entries applied.
    pub fn size(&self) -> u64 {
        self.meta.size
    }

    /// Timestamp of the last applied entry.
    pub fn last_timestamp(&self) -> Option<Timestamp> {
        self.meta.last_ts
    }

    /// Applied entries by event type.
    pub fn counts(&self) -> &BTreeMap<String, u64> {
        &self.meta.counts
    }

    /// Projection rows changed since the last call, sorted by key: `(key, Some(json))` for
    /// upserts, `(key, None)` for deletions.
    pub fn take_changes(&mut self) -> Vec<(String, Option<String>)> {
        std::mem::take(&mut self.dirty)
            .into_iter()
            .map(|key| {
                let value = self.row(&key);
                (key, value)
            })
            .collect()
    }

    /// The current value of one projection row.
    pub fn row(&self, key: &str) -> Option<String> {
        if key == META_KEY {
            return Some(row_json(&self.meta));
        }
        if key == DEPLOYMENT_KEY {
            return self.deployment.as_ref().map(row_json);
        }
        if let Some(year) = key.strip_prefix(CALENDAR_PREFIX) {
            let year: u16 = year.parse().ok()?;
            return self.calendars.get(&year).map(row_json);
        }
        if let Some(id) = key.strip_prefix(BODY_PREFIX) {
            let id: BodyId = id.parse().ok()?;
            return self.bodies.get(&id).map(row_json);
        }
        if let Some(id) = key.strip_prefix(NOTICE_PREFIX) {
            let id: NoticeId = id.parse().ok()?;
            return self.notices.get(&id).map(row_json);
        }
        if let Some(id) = key.strip_prefix(PERSON_PREFIX) {
            let id: Pseudonym = id.parse().ok()?;
            return self.persons.get(&id).map(row_json);
        }
        if let Some(id) = key.strip_prefix(STAFF_PREFIX) {
            let id: AccountId = id.parse().ok()?;
            return self.staff.get(&id).map(row_json);
        }
        if key == ACCESS_BASES_KEY {
            return self.access_bases.as_ref().map(row_json);
        }
        if let Some(index) = key.strip_prefix(OPENING_PREFIX) {
            let index = LogIndex(index.parse().ok()?);
            return self.openings.get(&index).map(row_json);
        }
        if let Some(kind) = key.strip_prefix(KEY_PREFIX) {
            return self.keys.values().find(|k| k.key.as_str() == kind).map(row_json);
        }
        if key == PETITION_RULES_KEY {
            return self.petition_rules.as_ref().map(row_json);
        }
        if let Some(id) = key.strip_prefix(PETITION_PREFIX) {
            let id: PetitionId = id.parse().ok()?;
            return self.petitions.get(&id).map(row_json);
        }
        if let Some(rest) = key.strip_prefix(SIGNATURE_PREFIX) {
            let (id, signer) = rest.split_once('/')?;
            return self.signature(&id.parse().ok()?, &signer.parse().ok()?).map(|s| row_json(&s));
        }
        None
    }

    /// All projection rows, sorted by key. An empty state has no rows.
    pub fn rows(&self) -> Vec<(String, String)> {
        if *self == State::default() {
            return Vec::new();
        }
        let mut rows = vec![(META_KEY.to_owned(), row_json(&self.meta))];
        if let Some(d) = &self.deployment {
            rows.push((DEPLOYMENT_KEY.to_owned(), row_json(d)));
        }
        rows.extend(self.calendars.iter().map(|(y, c)| (format!("{CALENDAR_PREFIX}{y}"), row_json(c))));
        rows.extend(self.bodies.iter().map(|(id, b)| (format!("{BODY_PREFIX}{id}"), row_json(b))));
        rows.extend(self.notices.iter().map(|(id, n)| (format!("{NOTICE_PREFIX}{id}"), row_json(n))));
        rows.extend(self.persons.iter().map(|(id, p)| (format!("{PERSON_PREFIX}{id}"), row_json(p))));
        rows.extend(self.staff.iter().map(|(id, s)| (format!("{STAFF_PREFIX}{id}"), row_json(s))));
        if let Some(b) = &self.access_bases {
            rows.push((ACCESS_BASES_KEY.to_owned(), row_json(b)));
        }
        rows.extend(self.openings.iter().map(|(index, o)| (opening_key(*index), row_json(o))));
        rows.extend(self.keys.values().map(|k| (format!("{KEY_PREFIX}{}", k.key.as_str()), row_json(k))));
        if let Some(r) = &self.petition_rules {
            rows.push((PETITION_RULES_KEY.to_owned(), row_json(r)));
        }
        rows.extend(self.petitions.iter().map(|(id, p)| (format!("{PETITION_PREFIX}{id}"), row_json(p))));
        rows.extend(self.petition_signature_rows().into_iter().map(|(k, s)| (k, row_json(&s))));
        rows.sort();
        rows
    }

    /// Rebuilds a state from all its projection rows (as persisted from `take_changes` or
    /// `rows`). Rows are checked to be canonical and mutually consistent, so a damaged or
    /// tampered cache is refused rather than served; the fix is a replay from the log.
    pub fn from_rows(rows: impl IntoIterator<Item = (String, String)>) -> Result<State, RuleError> {
        let mut state = State::default();
        let mut meta: Option<Meta> = None;
        let mut any = false;
        for (key, value) in rows {
            any = true;
            let bad = |reason: String| RuleError::InvalidRow { key: key.clone(), reason };
            if key == META_KEY {
                if meta.replace(parse_row(&key, &value)?).is_some() {
                    return Err(bad("duplicate row".into()));
                }
            } else if key == DEPLOYMENT_KEY {
                let d: Deployment = parse_row(&key, &value)?;
                let ev = Event::DeploymentConfigured { name: d.name.clone(), utc_offset_minutes: d.utc_offset_minutes };
                ev.validate().map_err(|e| bad(e.to_string()))?;
                if state.deployment.replace(d).is_some() {
                    return Err(bad("duplicate row".into()));
                }
            } else if let Some(year) = key.strip_prefix(CALENDAR_PREFIX) {
                let c: CalendarYear = parse_row(&key, &value)?;
                if year != c.year.to_string() {
                    return Err(bad(format!("key does not match year {}", c.year)));
                }
                let ev = Event::CalendarPublished {
                    year: c.year,
                    holidays: c.holidays.clone(),
                    transferred_working_days: c.transferred_working_days.clone(),
                };
                ev.validate().map_err(|e| bad(e.to_string()))?;
                if state.calendars.insert(c.year, c).is_some() {
                    return Err(bad("duplicate row".into()));
                }
            } else if let Some(id) = key.strip_prefix(BODY_PREFIX) {
                let b: Body = parse_row(&key, &value)?;
                if id != b.id.as_str() {
                    return Err(bad(format!("key does not match id `{}`", b.id)));
                }
                let ev = Event::BodyRegistered {
                    body: b.id.clone(),
                    name: b.name.clone(),
                    kind: b.kind,
                    parent: b.parent.clone(),
                };
                ev.validate().map_err(|e| bad(e.to_string()))?;
                if state.bodies.insert(b.id.clone(), b).is_some() {
                    return Err(bad("duplicate row".into()));
                }
            } else if let Some(id) = key.strip_prefix(NOTICE_PREFIX) {
                let n: Notice = parse_row(&key, &value)?;
                if id != n.id.as_str() {
                    return Err(bad(format!("key does not match id `{}`", n.id)));
                }
                let ev = Event::NoticePublished { notice: n.id.clone(), title: n.title.clone(), text: n.text.clone() };
                ev.validate().map_err(|e| bad(e.to_string()))?;
                if state.notices.insert(n.id.clone(), n).is_some() {
                    return Err(bad("duplicate row".into()));
                }
            } else if !state.load_people_row(&key, &value)? && !state.load_petition_row(&key, &value)? {
                return Err(bad("unknown row key".into()));
            }
        }
        if !any {
            return Ok(state);
        }
        let Some(meta) = meta else {
            return Err(RuleError::InvalidRow { key: META_KEY.into(), reason: "missing".into() });
        };
        state.meta = meta;
        state.check_consistency()?;
        Ok(state)
    }

    /// Loads one row of the people part of the state; `false` if the key is not one of its.
    fn load_people_row(&mut self, key: &str, value: &str) -> Result<bool, RuleError> {
        let bad = |reason: String| RuleError::InvalidRow { key: key.to_owned(), reason };
        let duplicate = || bad("duplicate row".into());
        if let Some(id) = key.strip_prefix(PERSON_PREFIX) {
            let p: VerifiedPerson = parse_row(key, value)?;
            if id != p.person.as_str() {
                return Err(bad(format!("key does not match pseudonym `{}`", p.person)));
            }
            let ev = Event::PersonVerified {
                person: p.person.clone(),
                locality: p.locality.clone(),
                method: p.method,
                by: p.by.clone(),
            };
            ev.validate().map_err(|e| bad(e.to_string()))?;
            if self.persons.insert(p.person.clone(), p).is_some() {
                return Err(duplicate());
            }
        } else if let Some(id) = key.strip_prefix(STAFF_PREFIX) {
            let staff: Staff = parse_row(key, value)?;
            if id != staff.account.as_str() || staff.grants.is_empty() {
                return Err(bad("key does not match the account, or no grants".into()));
            }
            for g in &staff.grants {
                crate::people::validate_grant_shape(g.role, g.body.as_ref()).map_err(|e| bad(e.to_string()))?;
            }
            if self.staff.insert(staff.account.clone(), staff).is_some() {
                return Err(duplicate());
            }
        } else if key == ACCESS_BASES_KEY {
            let b: AccessBases = parse_row(key, value)?;
            crate::people::validate_bases(&b.bases).map_err(|e| bad(e.to_string()))?;
            if self.access_bases.replace(b).is_some() {
                return Err(duplicate());
            }
        } else if key.starts_with(OPENING_PREFIX) {
            let o: DataOpening = parse_row(key, value)?;
            if key != opening_key(o.index) || o.disclosed_from < o.opened_at {
                return Err(bad("key does not match the index, or disclosed before opened".into()));
            }
            let ev = Event::PersonalDataOpened {
                subject: o.subject.clone(),
                body: o.body.clone(),
                official: o.official.clone(),
                basis: o.basis.clone(),
                purpose: o.purpose.clone(),
                case: o.case.clone(),
            };
            ev.validate().map_err(|e| bad(e.to_string()))?;
            if self.openings.insert(o.index, o).is_some() {
                return Err(duplicate());
            }
        } else if let Some(kind) = key.strip_prefix(KEY_PREFIX) {
            let k: KeyVersion = parse_row(key, value)?;
            if kind != k.key.as_str() || k.version < 2 {
                return Err(bad("key does not match the key kind, or version below 2".into()));
            }
            if self.keys.insert(k.key, k).is_some() {
                return Err(duplicate());
            }
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    /// Loads one row of the petitions part of the state; `false` if the key is not one of its.
    fn load_petition_row(&mut self, key: &str, value: &str) -> Result<bool, RuleError> {
        let bad = |reason: &str| RuleError::InvalidRow { key: key.to_owned(), reason: reason.to_owned() };
        if key == PETITION_RULES_KEY {
            let r: PublishedRules = parse_row(key, value)?;
            let ev = Event::PetitionRulesPublished { rules: r.rules.clone() };
            ev.validate().map_err(|e| bad(&e.to_string()))?;
            if self.petition_rules.replace(r).is_some() {
                return Err(bad("duplicate row"));
            }
        } else if let Some(id) = key.strip_prefix(PETITION_PREFIX) {
            let p: Petition = parse_row(key, value)?;
            if id != p.id.as_str() {
                return Err(bad("key does not match the petition id"));
            }
            let ev = Event::PetitionDrafted {
                petition: p.id.clone(),
                author: p.author.clone(),
                body: p.body.clone(),
                level: p.level,
                territory: p.territory.clone(),
                topic: p.topic.clone(),
                title: p.title.clone(),
                text: p.text.clone(),
            };
            ev.validate().map_err(|e| bad(&e.to_string()))?;
            if self.petitions.insert(p.id.clone(), p).is_some() {
                return Err(bad("duplicate row"));
            }
        } else if key.starts_with(SIGNATURE_PREFIX) {
            let s: Signature = parse_row(key, value)?;
            if key != signature_key(&s.petition, &s.signer) {
                return Err(bad("key does not match the signature"));
            }
            if !self.load_signature(s) {
                return Err(bad("duplicate row"));
            }
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    /// Invariants that every folded state satisfies; used to vet rows loaded from a cache.
    fn check_consistency(&self) -> Result<(), RuleError> {
        let bad = |key: String, reason: String| Err(RuleError::InvalidRow { key, reason });
        let meta = &self.meta;
        let total: u64 = meta.counts.values().sum();
        if total != meta.size {
            return bad(META_KEY.into(), format!("counts sum to {total}, size is {}", meta.size));
        }
        if let Some(k) = meta.counts.keys().find(|k| !Event::KINDS.contains(&k.as_str())) {
            return bad(META_KEY.into(), format!("unknown event type `{k}` in counts"));
        }
        if meta.counts.values().any(|&c| c == 0) || (meta.size > 0) != meta.last_ts.is_some() {
            return bad(META_KEY.into(), "not a state any log produces".into());
        }
        let count = |kind: &str| meta.counts.get(kind).copied().unwrap_or(0);
        let last = meta.last_ts.unwrap_or(Timestamp(0));
        let mut seen_index = BTreeSet::new();
        let mut placed = |key: String, index: LogIndex, at: Timestamp| {
            if index.0 >= meta.size || at > last || !seen_index.insert(index) {
                return bad(key, "index or timestamp inconsistent with meta".into());
            }
            Ok(())
        };
        if let Some(d) = &self.deployment {
            placed(DEPLOYMENT_KEY.into(), d.index, d.configured_at)?;
        }
        for c in self.calendars.values() {
            placed(format!("{CALENDAR_PREFIX}{}", c.year), c.index, c.published_at)?;
        }
        for b in self.bodies.values() {
            let key = format!("{BODY_PREFIX}{}", b.id);
            placed(key.clone(), b.index, b.registered_at)?;
            // Parents are registered before their children, so their index is lower.
            let parent_ok = b.parent.as_ref().is_none_or(|p| self.bodies.get(p).is_some_and(|pb| pb.index < b.index));
            if !parent_ok {
                return bad(key, "parent body missing or registered later".into());
            }
        }
        for n in self.notices.values() {
            placed(format!("{NOTICE_PREFIX}{}", n.id), n.index, n.published_at)?;
        }
        for p in self.persons.values() {
            placed(format!("{PERSON_PREFIX}{}", p.person), p.index, p.verified_at)?;
        }
        for s in self.staff.values() {
            for g in &s.grants {
                placed(format!("{STAFF_PREFIX}{}", s.account), g.index, g.granted_at)?;
            }
        }
        if let Some(b) = &self.access_bases {
            placed(ACCESS_BASES_KEY.into(), b.index, b.published_at)?;
        }
        for o in self.openings.values() {
            placed(opening_key(o.index), o.index, o.opened_at)?;
        }
        for k in self.keys.values() {
            placed(format!("{KEY_PREFIX}{}", k.key.as_str()), k.index, k.rotated_at)?;
        }
        let grants: usize = self.staff.values().map(|s| s.grants.len()).sum();
        if self.openings.len() as u64 != count("personal_data.opened")
            || self.persons.len() as u64 > count("person.verified")
            || grants as u64 > count("role.granted")
            || self.access_bases.is_some() != (count("access_bases.published") > 0)
            || self.keys.len() as u64 > count("key.rotated")
            || self.keys.is_empty() != (count("key.rotated") == 0)
        {
            return bad(META_KEY.into(), "counts do not match the people rows".into());
        }
        let (bodies, notices) = (self.bodies.len() as u64, self.notices.len() as u64);
        if bodies != count("body.registered")
            || notices != count("notice.published")
            || self.deployment.is_some() != (count("deployment.configured") > 0)
            || (self.calendars.len() as u64) > count("calendar.published")
            || self.calendars.is_empty() != (count("calendar.published") == 0)
        {
            return bad(META_KEY.into(), "counts do not match the rows".into());
        }
        if let Some(r) = &self.petition_rules {
            placed(PETITION_RULES_KEY.into(), r.index, r.published_at)?;
        }
        for p in self.petitions.values() {
            placed(format!("{PETITION_PREFIX}{}", p.id), p.index, p.drafted_at)?;
        }
        self.check_petitions_consistency()
    }

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

    pub fn bodies(&self) -> impl Iterator<Item = (&BodyId, &Body)> {
        self.bodies.iter()
    }

    pub fn body(&self, id: &BodyId) -> Option<&Body> {
        self.bodies.get(id)
    }

    /// Notices by id.
    pub fn notices(&self) -> impl Iterator<Item = (&NoticeId, &Notice)> {
        self.notices.iter()
    }

    pub fn notice(&self, id: &NoticeId) -> Option<&Notice> {
        self.notices.get(id)
    }

    /// Up to `n` notices, most recently published first.
    pub fn latest_notices(&self, n: usize) -> Vec<&Notice> {
        let mut all: Vec<&Notice> = self.notices.values().collect();
        all.sort_by_key(|n| std::cmp::Reverse(n.index));
        all.truncate(n);
        all
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

    pub fn public_state(&self) -> PublicState {
        PublicState {
            size: self.meta.size,
            last_timestamp: self.meta.last_ts,
            counts: self.meta.counts.clone(),
            deployment: self.deployment.clone(),
            calendar_years: self.calendars.keys().copied().collect(),
            bodies: self.bodies.values().cloned().collect(),
            notices: self.notices.len() as u64,
            latest_notices: self
                .latest_notices(LATEST_NOTICES)
                .into_iter()
                .map(|n| NoticeSummary {
                    id: n.id.clone(),
                    title: n.title.clone(),
                    published_at: n.published_at,
                    index: n.index,
                })
                .collect(),
            verified_people: self.persons.len() as u64,
            staff: self.staff.values().cloned().collect(),
            access_bases: self.access_bases.as_ref().map(|b| b.bases.clone()).unwrap_or_default(),
            data_openings: self.openings.len() as u64,
            petitions: self.petitions.values().fold(BTreeMap::new(), |mut m, p| {
                *m.entry(p.status.as_str().to_owned()).or_insert(0) += 1;
                m
            }),
            signatures: self.petitions.values().map(|p| p.signatures).sum(),
            obligations: self.petitions.values().filter_map(|p| p.obligation.as_ref()).fold(
                BTreeMap::new(),
                |mut m, o| {
                    *m.entry(o.status.as_str().to_owned()).or_insert(0) += 1;
                    m
                },
            ),
        }
    }
}

fn parse_row<T: DeserializeOwned + Serialize>(key: &str, value: &str) -> Result<T, RuleError> {
    let parsed: T = serde_json::from_str(value)
        .map_err(|e| RuleError::InvalidRow { key: key.to_owned(), reason: e.to_string() })?;
    // Only canonical rows are accepted, so a rebuilt state re-emits byte-identical rows.
    if row_json(&parsed) != value {
        return Err(RuleError::InvalidRow { key: key.to_owned(), reason: "not in canonical form".into() });
    }
    Ok(parsed)
}

/// A summary of the public state, for `dauys replay`, `dauys audit` and the JSON API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicState {
    pub size: u64,
    pub last_timestamp: Option<Timestamp>,
    /// Entries by event type.
    pub counts: BTreeMap<String, u64>,
    pub deployment: Option<Deployment>,
    pub calendar_years: Vec<u16>,
    /// All bodies, by id.
    pub bodies: Vec<Body>,
    /// Number of notices.
    pub notices: u64,
    /// The most recent notices, newest first (at most [`LATEST_NOTICES`]).
    pub latest_notices: Vec<NoticeSummary>,
    /// Number of people verified now (verifications minus erasures).
    pub verified_people: u64,
    /// Every account holding a role other than citizen, with its grants.
    pub staff: Vec<Staff>,
    /// The legal bases in force for opening personal data.
    pub access_bases: Vec<crate::AccessBasis>,
    /// Number of openings of personal data logged.
    pub data_openings: u64,
    /// Petitions by status.
    pub petitions: BTreeMap<String, u64>,
    /// Valid signatures on all petitions.
    pub signatures: u64,
    /// Obligations by status (awaiting, answered, overdue).
    pub obligations: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeSummary {
    pub id: NoticeId,
    pub title: LocalizedText,
    pub published_at: Timestamp,
    pub index: LogIndex,
}

impl fmt::Display for PublicState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.last_timestamp {
            Some(t) => writeln!(f, "Ledger: {} entries, last at {t}", self.size)?,
            None => writeln!(f, "Ledger: {} entries", self.size)?,
        }
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
        write!(f, "Bodies: {}; notices: {}", self.bodies.len(), self.notices)?;
        if let Some(n) = self.latest_notices.first() {
            write!(f, " (latest: {})", n.title.kk)?;
        }
        writeln!(f)?;
        writeln!(
            f,
            "People: {} verified; {} staff accounts; {} openings of personal data",
            self.verified_people,
            self.staff.len(),
            self.data_openings
        )?;
        let join = |m: &BTreeMap<String, u64>| {
            let parts: Vec<String> = m.iter().map(|(k, v)| format!("{k} {v}")).collect();
            if parts.is_empty() {
                "none".to_owned()
            } else {
                parts.join(", ")
            }
        };
        writeln!(
            f,
            "Petitions: {}; {} valid signatures; obligations: {}",
            join(&self.petitions),
            self.signatures,
            join(&self.obligations)
        )?;
        let counts: Vec<String> = self.counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
        write!(f, "Events: {}", counts.join(", "))
    }
}
