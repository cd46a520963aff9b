//! The appeals read model: every appeal as of the last committed batch, the bodies' records
//! (appeals and petitions' obligations together, as `dauys audit` recomputes them), the rules
//! in force, and the steps the applicants are to be told of.
//!
//! As with petitions, reads never touch the database or the sequencer: the committer
//! publishes each changed appeal (an immutable `Arc`) after its batch is durable.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard};

use dauys_core::{
    Appeal, AppealId, AppealStatus, BodyId, BodyRecord, Entry, Event, PublishedAppealRules, State, Timestamp,
};
use tokio::sync::mpsc::UnboundedSender;

use crate::projection::{BatchProjection, Projector};

#[derive(Default)]
struct ViewData {
    appeals: HashMap<AppealId, Arc<Appeal>>,
    /// Public appeals, newest first when iterated backwards.
    public: BTreeSet<(Timestamp, AppealId)>,
    /// Open appeals by the body holding them.
    open_by_body: HashMap<BodyId, BTreeSet<AppealId>>,
    records: Arc<BTreeMap<BodyId, BodyRecord>>,
    rules: Option<Arc<PublishedAppealRules>>,
}

/// A step an applicant is to be told of: the appeal as it stands after it, and which step.
#[derive(Clone, Debug)]
pub struct Notice {
    pub appeal: Arc<Appeal>,
    /// The kind of the event (`appeal.forwarded`, ...).
    pub event: String,
}

/// The shared read model; cheap to read from any number of threads.
#[derive(Default)]
pub struct AppealsView {
    data: Arc<RwLock<ViewData>>,
    /// Where published steps go to be told to the applicants, once the service runs.
    notices: RwLock<Option<UnboundedSender<Notice>>>,
}

impl AppealsView {
    fn read(&self) -> RwLockReadGuard<'_, ViewData> {
        self.data.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sends every step published from now on to `sender` (the service's notifier).
    pub(crate) fn notify_to(&self, sender: UnboundedSender<Notice>) {
        *self.notices.write().unwrap_or_else(PoisonError::into_inner) = Some(sender);
    }

    pub fn get(&self, id: &AppealId) -> Option<Arc<Appeal>> {
        self.read().appeals.get(id).cloned()
    }

    pub fn rules(&self) -> Option<Arc<PublishedAppealRules>> {
        self.read().rules.clone()
    }

    /// Public appeals, newest first, `offset`..`offset + limit`, and how many there are.
    pub fn public(&self, offset: usize, limit: usize) -> (Vec<Arc<Appeal>>, usize) {
        let data = self.read();
        let page =
            data.public.iter().rev().skip(offset).take(limit).filter_map(|(_, id)| data.appeals.get(id).cloned());
        (page.collect(), data.public.len())
    }

    /// Public appeals that are overdue now, most recently overdue first (the Atom feed).
    pub fn overdue_public(&self, limit: usize) -> Vec<Arc<Appeal>> {
        let data = self.read();
        let mut overdue: Vec<Arc<Appeal>> = data
            .open_by_body
            .values()
            .flatten()
            .filter_map(|id| data.appeals.get(id))
            .filter(|a| a.status == AppealStatus::Overdue && a.visibility == dauys_core::Visibility::Public)
            .cloned()
            .collect();
        overdue.sort_by_key(|a| std::cmp::Reverse(a.obligation.overdue_at));
        overdue.truncate(limit);
        overdue
    }

    /// The open appeals `body` holds, soonest due first: its inbox.
    pub fn open_at(&self, body: &BodyId) -> Vec<Arc<Appeal>> {
        let data = self.read();
        let mut open: Vec<Arc<Appeal>> =
            data.open_by_body.get(body).into_iter().flatten().filter_map(|id| data.appeals.get(id).cloned()).collect();
        open.sort_by_key(|a| (a.obligation.due_at, a.id.clone()));
        open
    }

    /// Every body's record, appeals and petitions' obligations together.
    pub fn records(&self) -> Arc<BTreeMap<BodyId, BodyRecord>> {
        self.read().records.clone()
    }
}

impl Projector for AppealsView {
    fn rebuild(&self, state: &State) {
        let mut data = ViewData {
            records: Arc::new(state.body_records()),
            rules: state.appeals().rules().cloned().map(Arc::new),
            ..ViewData::default()
        };
        for appeal in state.appeals().all() {
            data.put(appeal.clone());
        }
        *self.data.write().unwrap_or_else(PoisonError::into_inner) = data;
    }

    fn begin(&self) -> Box<dyn BatchProjection> {
        Box::new(Batch {
            data: self.data.clone(),
            notices: self.notices.read().unwrap_or_else(PoisonError::into_inner).clone(),
            changed: Vec::new(),
            appeals: Vec::new(),
            records: None,
            rules: None,
            touches_records: false,
        })
    }
}

impl ViewData {
    fn put(&mut self, appeal: Arc<Appeal>) {
        if let Some(old) = self.appeals.get(&appeal.id) {
            if let Some(open) = self.open_by_body.get_mut(old.body()) {
                open.remove(&old.id);
            }
        }
        if appeal.visibility == dauys_core::Visibility::Public {
            self.public.insert((appeal.filed_at, appeal.id.clone()));
        }
        if appeal.status.is_open() {
            self.open_by_body.entry(appeal.body().clone()).or_default().insert(appeal.id.clone());
        }
        self.appeals.insert(appeal.id.clone(), appeal);
    }
}

/// What one batch changes.
struct Batch {
    data: Arc<RwLock<ViewData>>,
    notices: Option<UnboundedSender<Notice>>,
    /// Appeal steps in the batch, in log order: (appeal, event kind).
    changed: Vec<(AppealId, String)>,
    appeals: Vec<Arc<Appeal>>,
    records: Option<BTreeMap<BodyId, BodyRecord>>,
    rules: Option<Arc<PublishedAppealRules>>,
    /// Whether an event of the batch may change a body's record.
    touches_records: bool,
}

impl BatchProjection for Batch {
    fn applied(&mut self, state: &State, entry: &Entry) {
        let event = &entry.event;
        if let Event::AppealRulesPublished { .. } = event {
            self.rules = state.appeals().rules().cloned().map(Arc::new);
        }
        if let Some(id) = event.appeal() {
            self.changed.push((id.clone(), event.kind().to_owned()));
        }
        // A complaint changes the appeal it is about too.
        if let Event::AppealFiled { complaint_about: Some(original), .. } = event {
            self.changed.push((original.clone(), String::new()));
        }
        self.touches_records |= event.appeal().is_some()
            || matches!(
                event,
                Event::ObligationOpened { .. }
                    | Event::ObligationOverdue { .. }
                    | Event::ObligationAnswered { .. }
                    | Event::PetitionReassigned { .. }
            );
    }

    fn seal(&mut self, state: &State, _log_size: u64) {
        let ids: BTreeSet<&AppealId> = self.changed.iter().map(|(id, _)| id).collect();
        self.appeals = ids.into_iter().filter_map(|id| state.appeals().get(id).cloned()).collect();
        if self.touches_records {
            self.records = Some(state.body_records());
        }
    }

    fn publish(self: Box<Self>) {
        if self.appeals.is_empty() && self.records.is_none() && self.rules.is_none() {
            return;
        }
        let published: HashMap<AppealId, Arc<Appeal>> =
            self.appeals.iter().map(|a| (a.id.clone(), a.clone())).collect();
        {
            let mut data = self.data.write().unwrap_or_else(PoisonError::into_inner);
            for appeal in self.appeals {
                data.put(appeal);
            }
            if let Some(records) = self.records {
                data.records = Arc::new(records);
            }
            if let Some(rules) = self.rules {
                data.rules = Some(rules);
            }
        }
        if let Some(sender) = &self.notices {
            for (id, event) in self.changed.into_iter().filter(|(_, event)| !event.is_empty()) {
                if let Some(appeal) = published.get(&id) {
                    // The notifier has stopped only when the server is stopping.
                    let _ = sender.send(Notice { appeal: appeal.clone(), event });
                }
            }
        }
    }
}
