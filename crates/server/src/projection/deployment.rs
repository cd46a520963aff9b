//! What every capability's pages need from the deployment: the bodies it registered (as
//! reorganisations left them), the time zone in which it counts calendar days, its
//! working-day calendar, the names its staff act under in public, and the keys people sign
//! their acts with.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard};

use dauys_core::{AccountId, ActKeys, Body, BodyId, Calendar, Entry, Event, State};

use super::{BatchProjection, Projector};

#[derive(Default)]
struct Data {
    utc_offset_minutes: i16,
    bodies: HashMap<BodyId, Arc<Body>>,
    calendar: Arc<Calendar>,
    /// Staff whose grants name them ([`dauys_core::Staff::public_name`]).
    staff_names: HashMap<AccountId, String>,
    /// People's signing keys (`dauys_core::signers`), by account.
    act_keys: HashMap<AccountId, Arc<ActKeys>>,
}

/// The deployment's bodies and time zone as of the last committed batch; cheap to read from
/// any number of threads.
#[derive(Default)]
pub struct DeploymentView {
    data: Arc<RwLock<Data>>,
}

impl DeploymentView {
    fn read(&self) -> RwLockReadGuard<'_, Data> {
        self.data.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn body(&self, id: &BodyId) -> Option<Arc<Body>> {
        self.read().bodies.get(id).cloned()
    }

    /// A body's name in `lang`, as every page shows it; its identifier if the log never
    /// registered it.
    pub fn body_name(&self, id: &BodyId, lang: dauys_core::Lang) -> String {
        self.body(id).map_or_else(|| id.to_string(), |b| b.name.get(lang).to_string())
    }

    /// Every registered body, in no particular order.
    pub fn bodies(&self) -> Vec<Arc<Body>> {
        self.read().bodies.values().cloned().collect()
    }

    /// The name and position a staff member acts under in public, if a grant gave one.
    pub fn staff_name(&self, account: &AccountId) -> Option<String> {
        self.read().staff_names.get(account).cloned()
    }

    /// The keys `account` registered to sign its acts, in force or revoked.
    pub fn act_keys(&self, account: &AccountId) -> Option<Arc<ActKeys>> {
        self.read().act_keys.get(account).cloned()
    }

    /// Minutes east of UTC in which calendar days are counted.
    pub fn utc_offset_minutes(&self) -> i16 {
        self.read().utc_offset_minutes
    }

    /// The published working-day calendar, all years merged.
    pub fn calendar(&self) -> Arc<Calendar> {
        self.read().calendar.clone()
    }
}

impl Projector for DeploymentView {
    fn rebuild(&self, state: &State) {
        let data = Data {
            utc_offset_minutes: state.registry().utc_offset_minutes(),
            bodies: state.registry().bodies().map(|(id, b)| (id.clone(), Arc::new(b.clone()))).collect(),
            calendar: Arc::new(state.registry().calendar()),
            staff_names: state
                .registry()
                .staff()
                .filter_map(|s| Some((s.account.clone(), s.public_name()?.to_owned())))
                .collect(),
            act_keys: state.registry().all_signers().map(|k| (k.account.clone(), Arc::new(k.clone()))).collect(),
        };
        *self.data.write().unwrap_or_else(PoisonError::into_inner) = data;
    }

    fn begin(&self) -> Box<dyn BatchProjection> {
        Box::new(Changes {
            data: self.data.clone(),
            utc_offset_minutes: None,
            bodies: Vec::new(),
            calendar: None,
            staff: Vec::new(),
            act_keys: Vec::new(),
        })
    }
}

/// What one batch changes: a new time zone, bodies registered or reorganised, a calendar,
/// the public names of staff whose roles changed.
struct Changes {
    data: Arc<RwLock<Data>>,
    utc_offset_minutes: Option<i16>,
    bodies: Vec<Body>,
    calendar: Option<Calendar>,
    staff: Vec<(AccountId, Option<String>)>,
    act_keys: Vec<ActKeys>,
}

impl BatchProjection for Changes {
    fn applied(&mut self, state: &State, entry: &Entry) {
        match &entry.event {
            Event::DeploymentConfigured { utc_offset_minutes, .. } => {
                self.utc_offset_minutes = Some(*utc_offset_minutes)
            }
            Event::BodyRegistered { body, .. }
            | Event::BodyRenamed { body, .. }
            | Event::BodySplit { body, .. }
            | Event::BodyAbolished { body, .. } => self.bodies.extend(state.registry().body(body).cloned()),
            Event::BodyMerged { bodies, .. } => {
                self.bodies.extend(bodies.iter().filter_map(|b| state.registry().body(b).cloned()))
            }
            Event::CalendarPublished { .. } => self.calendar = Some(state.registry().calendar()),
            Event::RoleGranted { account, .. } | Event::RoleRevoked { account, .. } => {
                let name = state.registry().staff_member(account).and_then(|s| s.public_name()).map(str::to_owned);
                self.staff.push((account.clone(), name));
            }
            Event::SignerRegistered { account, .. } | Event::SignerRevoked { account, .. } => {
                self.act_keys.extend(state.registry().signers(account).cloned())
            }
            _ => {}
        }
    }

    fn publish(self: Box<Self>) {
        // Most batches are signatures: they leave this view alone and take no write lock.
        if self.utc_offset_minutes.is_none()
            && self.bodies.is_empty()
            && self.calendar.is_none()
            && self.staff.is_empty()
            && self.act_keys.is_empty()
        {
            return;
        }
        let mut data = self.data.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(offset) = self.utc_offset_minutes {
            data.utc_offset_minutes = offset;
        }
        for b in self.bodies {
            data.bodies.insert(b.id.clone(), Arc::new(b));
        }
        if let Some(calendar) = self.calendar {
            data.calendar = Arc::new(calendar);
        }
        for keys in self.act_keys {
            data.act_keys.insert(keys.account.clone(), Arc::new(keys));
        }
        for (account, name) in self.staff {
            match name {
                Some(name) => data.staff_names.insert(account, name),
                None => data.staff_names.remove(&account),
            };
        }
    }
}
