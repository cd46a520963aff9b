//! The registry's rules: who may verify people, grant roles and open personal data.

use super::{Body, CalendarYear, Closure, Deployment, Registry, RegistrySummary, Reorganisation};
use crate::capability::{counts_mismatch, Capability, Changes, Context, Placement};
use crate::people::{
    validate_bases, validate_grant_shape, AccessBases, DataOpening, Grant, KeyVersion, Staff, VerifiedPerson,
};
use crate::rows::{invalid_row, load_once, parse_row, row_json, RowKey, RowPrefix};
use crate::signers::{ActKey, ActKeys};
use crate::{AccountId, BodyId, Event, LogIndex, Role, RuleError, Timestamp};

const MS_PER_DAY: u64 = 86_400_000;

impl Registry {
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

    fn administrators(&self) -> usize {
        self.staff.values().filter(|s| s.holds(Role::Administrator, None)).count()
    }

    fn load_staff(&mut self, key: &str, value: &str) -> Result<(), RuleError> {
        let staff: Staff = parse_row(key, value)?;
        if RowKey::staff(&staff.account) != key || staff.grants.is_empty() {
            return Err(invalid_row(key, "key does not match the account, or no grants"));
        }
        for g in &staff.grants {
            validate_grant_shape(g.role, g.body.as_ref()).map_err(|e| invalid_row(key, e.to_string()))?;
        }
        load_once(&mut self.staff, staff.account.clone(), staff, key)
    }
}

impl Registry {
    /// Closes `body` by a reorganisation; the capabilities holding its open cases are told to
    /// move them (a follow-up on the body's row).
    fn close(&mut self, body: &BodyId, how: Reorganisation, at: Timestamp, index: LogIndex, changes: &mut Changes) {
        if let Some(b) = self.bodies.get_mut(body) {
            b.closed = Some(Closure { reorganisation: how, at, index });
        }
        changes.row(RowKey::body(body));
        changes.follow_up(RowKey::body(body));
    }
}

impl Reorganisation {
    /// The event that closed `body` this way (for a merger, as if `body` alone were merged).
    pub(crate) fn as_event(&self, body: &BodyId) -> Event {
        match self.clone() {
            Reorganisation::Merged { into } => Event::BodyMerged { bodies: vec![body.clone()], into },
            Reorganisation::Abolished { successor } => Event::BodyAbolished { body: body.clone(), successor },
            Reorganisation::Split { successors, rule, otherwise, cases } => Event::BodySplit {
                body: body.clone(),
                successors,
                rule,
                otherwise,
                cases: (!cases.is_empty()).then_some(cases),
            },
        }
    }
}

/// Re-validates a loaded row through the event that would have produced it.
fn valid_as(key: &str, event: Event) -> Result<(), RuleError> {
    event.validate().map_err(|e| invalid_row(key, e.to_string()))
}

impl Capability for Registry {
    type Decision = ();

    fn check(&self, _ctx: &Context<'_>, event: &Event, _at: Timestamp) -> Result<(), RuleError> {
        match event {
            // Re-configuring and re-publishing a year replace what was there: the operator
            // corrects a name or a decree changes the calendar, and the log keeps both.
            Event::DeploymentConfigured { act_rule, .. } => {
                let current = self.act_rule();
                if let Some(got) = act_rule.filter(|got| *got < current) {
                    return Err(RuleError::ActRuleLowered { current, got });
                }
                Ok(())
            }
            Event::CalendarPublished { .. } => Ok(()),
            Event::BodyRegistered { body, parent, .. } => {
                if self.bodies.contains_key(body) {
                    return Err(RuleError::BodyExists(body.to_string()));
                }
                match parent {
                    Some(p) if !self.bodies.contains_key(p) => Err(RuleError::UnknownParent(p.to_string())),
                    // A new body answers to an open one.
                    Some(p) => self.check_open(p).map(drop),
                    None => Ok(()),
                }
            }
            Event::BodyRenamed { body, .. } => self.check_open(body).map(drop),
            Event::BodyMerged { bodies, into } => {
                bodies.iter().chain([into]).try_for_each(|b| self.check_open(b).map(drop))
            }
            Event::BodySplit { body, successors, .. } => {
                [body].into_iter().chain(successors).try_for_each(|b| self.check_open(b).map(drop))
            }
            Event::BodyAbolished { body, successor } => {
                self.check_open(body)?;
                self.check_open(successor).map(drop)
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
            Event::RoleGranted { account, role, body, by, .. } => {
                match by {
                    Some(by) => self.check_administrator(by)?,
                    None if self.administrators() > 0 => return Err(RuleError::AdministratorExists),
                    None => {}
                }
                self.check_body(body.as_ref())?;
                if self.holds(account, *role, body.as_ref()) {
                    return Err(RuleError::GrantExists {
                        account: account.to_string(),
                        role: role.as_str(),
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
                        role: role.as_str(),
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
                if !self.acts_for(official, body) {
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
            Event::SignerRegistered { account, key, .. } => {
                let id = crate::signers::key_id_of(key)?;
                if self.signer_key(&id).is_some() {
                    return Err(RuleError::SignerKeyExists(id));
                }
                if self.signers.get(account).is_some_and(|s| s.in_force().count() >= crate::signers::MAX_SIGNER_KEYS) {
                    return Err(RuleError::TooManySignerKeys(account.to_string()));
                }
                Ok(())
            }
            Event::SignerRevoked { account, key } => {
                if !self.signers.get(account).is_some_and(|s| s.in_force().any(|k| &k.id == key)) {
                    return Err(RuleError::UnknownSignerKey { account: account.to_string(), key: key.clone() });
                }
                Ok(())
            }
            other => unreachable!("the registry does not rule on {}", other.kind()),
        }
    }

    fn apply(&mut self, _: (), index: LogIndex, at: Timestamp, event: &Event, changes: &mut Changes) {
        match event {
            Event::DeploymentConfigured { name, utc_offset_minutes, act_rule } => {
                // A configuration that names no version keeps the one in force.
                let act_rule = act_rule.or_else(|| self.deployment.as_ref().and_then(|d| d.act_rule));
                self.deployment = Some(Deployment {
                    name: name.clone(),
                    utc_offset_minutes: *utc_offset_minutes,
                    act_rule,
                    configured_at: at,
                    index,
                });
                changes.row(RowKey::deployment());
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
                changes.row(RowKey::calendar(*year));
            }
            Event::BodyRegistered { body, name, kind, parent, territory, competences } => {
                self.bodies.insert(
                    body.clone(),
                    Body {
                        id: body.clone(),
                        name: name.clone(),
                        kind: *kind,
                        parent: parent.clone(),
                        territory: territory.clone(),
                        competences: competences.clone().unwrap_or_default(),
                        registered_at: at,
                        index,
                        former_names: Vec::new(),
                        closed: None,
                    },
                );
                changes.row(RowKey::body(body));
            }
            Event::BodyRenamed { body, name } => {
                if let Some(b) = self.bodies.get_mut(body) {
                    let former = std::mem::replace(&mut b.name, name.clone());
                    b.former_names.push(former);
                }
                changes.row(RowKey::body(body));
            }
            Event::BodyMerged { bodies, into } => {
                for body in bodies {
                    self.close(body, Reorganisation::Merged { into: into.clone() }, at, index, changes);
                }
            }
            Event::BodySplit { body, successors, rule, otherwise, cases } => {
                let how = Reorganisation::Split {
                    successors: successors.clone(),
                    rule: *rule,
                    otherwise: otherwise.clone(),
                    cases: cases.clone().unwrap_or_default(),
                };
                self.close(body, how, at, index, changes);
            }
            Event::BodyAbolished { body, successor } => {
                self.close(body, Reorganisation::Abolished { successor: successor.clone() }, at, index, changes);
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
                changes.row(RowKey::person(person));
            }
            Event::PersonErased { person } => {
                self.persons.remove(person);
                changes.row(RowKey::person(person));
            }
            Event::RoleGranted { account, role, body, by, name } => {
                let staff = self
                    .staff
                    .entry(account.clone())
                    .or_insert_with(|| Staff { account: account.clone(), grants: vec![] });
                staff.grants.push(Grant {
                    role: *role,
                    body: body.clone(),
                    by: by.clone(),
                    name: name.clone(),
                    granted_at: at,
                    index,
                });
                changes.row(RowKey::staff(account));
            }
            Event::RoleRevoked { account, role, body, .. } => {
                if let Some(staff) = self.staff.get_mut(account) {
                    staff.grants.retain(|g| !(g.role == *role && g.body == *body));
                    if staff.grants.is_empty() {
                        self.staff.remove(account);
                    }
                }
                changes.row(RowKey::staff(account));
            }
            Event::AccessBasesPublished { bases } => {
                self.access_bases = Some(AccessBases { bases: bases.clone(), published_at: at, index });
                changes.row(RowKey::access_bases());
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
                changes.row(RowKey::opening(index));
            }
            // Counted in `meta`; nothing else to keep.
            Event::RegistryImported { .. } => {}
            Event::KeyRotated { key, version, by } => {
                self.keys
                    .insert(*key, KeyVersion { key: *key, version: *version, by: by.clone(), rotated_at: at, index });
                changes.row(RowKey::key_version(*key));
            }
            Event::SignerRegistered { account, key, .. } => {
                // Checked by `check`: the key parses.
                if let Ok(id) = crate::signers::key_id_of(key) {
                    let signers = self
                        .signers
                        .entry(account.clone())
                        .or_insert_with(|| ActKeys { account: account.clone(), keys: Vec::new() });
                    signers.keys.push(ActKey {
                        id,
                        public: key.clone(),
                        registered: index,
                        registered_at: at,
                        revoked: None,
                    });
                    changes.row(RowKey::signers(account));
                }
            }
            Event::SignerRevoked { account, key } => {
                if let Some(k) = self.signers.get_mut(account).and_then(|s| s.keys.iter_mut().find(|k| &k.id == key)) {
                    k.revoked = Some(index);
                }
                changes.row(RowKey::signers(account));
            }
            other => unreachable!("the registry does not rule on {}", other.kind()),
        }
    }

    fn row(&self, key: &str) -> Option<String> {
        if key == super::DEPLOYMENT_KEY {
            return self.deployment.as_ref().map(row_json);
        }
        if key == super::ACCESS_BASES_KEY {
            return self.access_bases.as_ref().map(row_json);
        }
        if let Some(year) = RowPrefix::CALENDAR.id_in(key) {
            return self.calendars.get(&year.parse().ok()?).map(row_json);
        }
        if let Some(id) = RowPrefix::BODY.id_in(key) {
            return self.bodies.get(id).map(row_json);
        }
        if let Some(id) = RowPrefix::PERSON.id_in(key) {
            return self.persons.get(&id.parse().ok()?).map(row_json);
        }
        if let Some(id) = RowPrefix::STAFF.id_in(key) {
            return self.staff.get(id).map(row_json);
        }
        if let Some(index) = RowPrefix::OPENING.id_in(key) {
            return self.openings.get(&LogIndex(index.parse().ok()?)).map(row_json);
        }
        if let Some(kind) = RowPrefix::KEY.id_in(key) {
            return self.keys.values().find(|k| k.key.as_str() == kind).map(row_json);
        }
        if let Some(account) = RowPrefix::SIGNER.id_in(key) {
            return self.signers.get(account).map(row_json);
        }
        None
    }

    fn rows(&self, out: &mut Vec<(String, String)>) {
        let mut put = |key: RowKey, json: String| out.push((key.into_string(), json));
        if let Some(d) = &self.deployment {
            put(RowKey::deployment(), row_json(d));
        }
        for (year, c) in &self.calendars {
            put(RowKey::calendar(*year), row_json(c));
        }
        for (id, b) in &self.bodies {
            put(RowKey::body(id), row_json(b));
        }
        for (id, p) in &self.persons {
            put(RowKey::person(id), row_json(p));
        }
        for (id, s) in &self.staff {
            put(RowKey::staff(id), row_json(s));
        }
        if let Some(b) = &self.access_bases {
            put(RowKey::access_bases(), row_json(b));
        }
        for (index, o) in &self.openings {
            put(RowKey::opening(*index), row_json(o));
        }
        for k in self.keys.values() {
            put(RowKey::key_version(k.key), row_json(k));
        }
        for (account, s) in &self.signers {
            put(RowKey::signers(account), row_json(s));
        }
    }

    fn load_row(&mut self, key: &str, value: &str) -> Result<bool, RuleError> {
        let duplicate = || invalid_row(key, "duplicate row");
        if key == super::DEPLOYMENT_KEY {
            let d: Deployment = parse_row(key, value)?;
            valid_as(
                key,
                Event::DeploymentConfigured {
                    name: d.name.clone(),
                    utc_offset_minutes: d.utc_offset_minutes,
                    act_rule: d.act_rule,
                },
            )?;
            if self.deployment.replace(d).is_some() {
                return Err(duplicate());
            }
        } else if let Some(year) = RowPrefix::CALENDAR.id_in(key) {
            let c: CalendarYear = parse_row(key, value)?;
            if year != c.year.to_string() {
                return Err(invalid_row(key, format!("key does not match year {}", c.year)));
            }
            valid_as(
                key,
                Event::CalendarPublished {
                    year: c.year,
                    holidays: c.holidays.clone(),
                    transferred_working_days: c.transferred_working_days.clone(),
                },
            )?;
            load_once(&mut self.calendars, c.year, c, key)?;
        } else if let Some(id) = RowPrefix::BODY.id_in(key) {
            let b: Body = parse_row(key, value)?;
            if id != b.id.as_str() {
                return Err(invalid_row(key, format!("key does not match id `{}`", b.id)));
            }
            valid_as(
                key,
                Event::BodyRegistered {
                    body: b.id.clone(),
                    name: b.name.clone(),
                    kind: b.kind,
                    parent: b.parent.clone(),
                    territory: b.territory.clone(),
                    competences: (!b.competences.is_empty()).then(|| b.competences.clone()),
                },
            )?;
            if let Some(c) = &b.closed {
                valid_as(key, c.reorganisation.as_event(&b.id))?;
            }
            load_once(&mut self.bodies, b.id.clone(), b, key)?;
        } else if let Some(id) = RowPrefix::PERSON.id_in(key) {
            let p: VerifiedPerson = parse_row(key, value)?;
            if id != p.person.as_str() {
                return Err(invalid_row(key, format!("key does not match pseudonym `{}`", p.person)));
            }
            valid_as(
                key,
                Event::PersonVerified {
                    person: p.person.clone(),
                    locality: p.locality.clone(),
                    method: p.method,
                    by: p.by.clone(),
                },
            )?;
            load_once(&mut self.persons, p.person.clone(), p, key)?;
        } else if RowPrefix::STAFF.id_in(key).is_some() {
            self.load_staff(key, value)?;
        } else if key == super::ACCESS_BASES_KEY {
            let b: AccessBases = parse_row(key, value)?;
            validate_bases(&b.bases).map_err(|e| invalid_row(key, e.to_string()))?;
            if self.access_bases.replace(b).is_some() {
                return Err(duplicate());
            }
        } else if RowPrefix::OPENING.id_in(key).is_some() {
            let o: DataOpening = parse_row(key, value)?;
            if RowKey::opening(o.index) != key || o.disclosed_from < o.opened_at {
                return Err(invalid_row(key, "key does not match the index, or disclosed before opened"));
            }
            valid_as(
                key,
                Event::PersonalDataOpened {
                    subject: o.subject.clone(),
                    body: o.body.clone(),
                    official: o.official.clone(),
                    basis: o.basis.clone(),
                    purpose: o.purpose.clone(),
                    case: o.case.clone(),
                },
            )?;
            load_once(&mut self.openings, o.index, o, key)?;
        } else if let Some(kind) = RowPrefix::KEY.id_in(key) {
            let k: KeyVersion = parse_row(key, value)?;
            if kind != k.key.as_str() || k.version < 2 {
                return Err(invalid_row(key, "key does not match the key kind, or version below 2"));
            }
            load_once(&mut self.keys, k.key, k, key)?;
        } else if RowPrefix::SIGNER.id_in(key).is_some() {
            let s: ActKeys = parse_row(key, value)?;
            if RowKey::signers(&s.account) != key || s.keys.is_empty() {
                return Err(invalid_row(key, "key does not match the account, or no keys"));
            }
            for k in &s.keys {
                let id = crate::signers::key_id_of(&k.public).map_err(|e| invalid_row(key, e.to_string()))?;
                if id != k.id || k.revoked.is_some_and(|r| r <= k.registered) {
                    return Err(invalid_row(key, "a key's id does not match it, or it was revoked before registered"));
                }
            }
            load_once(&mut self.signers, s.account.clone(), s, key)?;
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    fn check_consistency(&self, ctx: &Context<'_>, placed: &mut Placement) -> Result<(), RuleError> {
        if let Some(d) = &self.deployment {
            placed.place(&RowKey::deployment(), d.index, d.configured_at)?;
        }
        for c in self.calendars.values() {
            placed.place(&RowKey::calendar(c.year), c.index, c.published_at)?;
        }
        for b in self.bodies.values() {
            let key = RowKey::body(&b.id);
            placed.place(&key, b.index, b.registered_at)?;
            // Parents are registered before their children, so their index is lower.
            let parent_ok = b.parent.as_ref().is_none_or(|p| self.bodies.get(p).is_some_and(|pb| pb.index < b.index));
            if !parent_ok {
                return Err(invalid_row(key.as_str(), "parent body missing or registered later"));
            }
            // Successors were registered, and open, when it closed.
            if let Some(c) = &b.closed {
                let successors_ok = c.reorganisation.successors().all(|s| {
                    self.bodies
                        .get(s)
                        .is_some_and(|sb| sb.index < c.index && sb.closed.as_ref().is_none_or(|sc| sc.index > c.index))
                });
                if c.index <= b.index || c.at < b.registered_at || !successors_ok {
                    return Err(invalid_row(key.as_str(), "closed before registered, or successors unknown then"));
                }
            }
        }
        for p in self.persons.values() {
            placed.place(&RowKey::person(&p.person), p.index, p.verified_at)?;
        }
        for s in self.staff.values() {
            for g in &s.grants {
                placed.place(&RowKey::staff(&s.account), g.index, g.granted_at)?;
            }
        }
        if let Some(b) = &self.access_bases {
            placed.place(&RowKey::access_bases(), b.index, b.published_at)?;
        }
        for o in self.openings.values() {
            placed.place(&RowKey::opening(o.index), o.index, o.opened_at)?;
        }
        for k in self.keys.values() {
            placed.place(&RowKey::key_version(k.key), k.index, k.rotated_at)?;
        }
        let count = |kind| ctx.count(kind);
        for s in self.signers.values() {
            for k in &s.keys {
                placed.place(&RowKey::signers(&s.account), k.registered, k.registered_at)?;
            }
        }
        let signer_keys: usize = self.signers.values().map(|s| s.keys.len()).sum();
        let revoked: usize = self.signers.values().map(|s| s.keys.iter().filter(|k| k.revoked.is_some()).count()).sum();
        if signer_keys as u64 != count("signer.registered") || revoked as u64 != count("signer.revoked") {
            return Err(counts_mismatch("the signing key rows"));
        }
        let grants: usize = self.staff.values().map(|s| s.grants.len()).sum();
        if self.openings.len() as u64 != count("personal_data.opened")
            || self.persons.len() as u64 > count("person.verified")
            || grants as u64 > count("role.granted")
            || self.access_bases.is_some() != (count("access_bases.published") > 0)
            || self.keys.len() as u64 > count("key.rotated")
            || self.keys.is_empty() != (count("key.rotated") == 0)
        {
            return Err(counts_mismatch("the people rows"));
        }
        let closed_by = |how: fn(&Reorganisation) -> bool| {
            self.bodies.values().filter(|b| b.closed.as_ref().is_some_and(|c| how(&c.reorganisation))).count() as u64
        };
        let renames: usize = self.bodies.values().map(|b| b.former_names.len()).sum();
        if renames as u64 != count("body.renamed")
            || closed_by(|r| matches!(r, Reorganisation::Split { .. })) != count("body.split")
            || closed_by(|r| matches!(r, Reorganisation::Abolished { .. })) != count("body.abolished")
            || closed_by(|r| matches!(r, Reorganisation::Merged { .. })) < count("body.merged")
        {
            return Err(counts_mismatch("the body rows"));
        }
        if self.bodies.len() as u64 != count("body.registered")
            || self.deployment.is_some() != (count("deployment.configured") > 0)
            || (self.calendars.len() as u64) > count("calendar.published")
            || self.calendars.is_empty() != (count("calendar.published") == 0)
        {
            return Err(counts_mismatch("the rows"));
        }
        Ok(())
    }

    type Summary = RegistrySummary;

    fn summary(&self) -> RegistrySummary {
        RegistrySummary {
            deployment: self.deployment.clone(),
            calendar_years: self.calendars.keys().copied().collect(),
            bodies: self.bodies.values().cloned().collect(),
            verified_people: self.persons.len() as u64,
            staff: self.staff.values().cloned().collect(),
            access_bases: self.access_bases.as_ref().map(|b| b.bases.clone()).unwrap_or_default(),
            data_openings: self.openings.len() as u64,
        }
    }
}
