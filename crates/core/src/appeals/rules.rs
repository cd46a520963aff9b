//! The appeals capability: which appeal events the state accepts, what they change, and which
//! events the rules require (a deadline passed, a body reorganised).
//!
//! Every date is computed from the entries' timestamps, the deployment's time zone and the
//! published working-day calendar, and fixed on the appeal when its event is applied (the
//! working days an answer took, whether it was on time), so a calendar republished later
//! never rewrites a case's history.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use time::{Date, Month};

use super::records;
use super::{
    Appeal, AppealAnswer, AppealStatus, AppealTerms, AppealsSummary, Clarification, ClarificationClock, Complaint,
    Extension, PublishedAppealRules, Step, StepKind, Visibility,
};
use crate::capability::{counts_mismatch, Capability, Changes, Context, Placement, Scope};
use crate::interner::Names;
use crate::obligation::records::{BodyRecord, Records, Sign};
use crate::obligation::{Obligation, Opener};
use crate::registry::{CaseFacts, Registry};
use crate::rows::{invalid_row, parse_row, row_json, RowKey, RowPrefix};
use crate::{
    AccountId, AppealId, AppealKind, BodyId, Commitment, Event, EventError, LogIndex, PartialText, Pseudonym, Role,
    RuleError, Timestamp,
};

/// Requests for clarification one case may have, so that asking cannot stop the clock forever.
pub const MAX_CLARIFICATIONS: usize = 3;
/// Forwards one case may have, so that bouncing it between bodies cannot keep it from
/// falling due.
pub const MAX_FORWARDS: usize = 3;

/// The appeals part of the public state: the rules in force, every appeal with its obligation
/// and history, and what is derived from them (every body's record, and the indexes the rules
/// look up when time passes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Appeals {
    rules: Option<PublishedAppealRules>,
    /// Shared with the server's read model, which publishes each appeal as it stands after a
    /// batch: an appeal a batch did not change is held once, not twice.
    appeals: BTreeMap<AppealId, Arc<Appeal>>,
    records: Records,
    /// Open appeals by the body that holds them: a reorganisation moves these.
    open_by_body: BTreeMap<BodyId, BTreeSet<AppealId>>,
    /// Appeals in progress by the instant their due day ends: the rules mark these overdue.
    by_deadline: BTreeSet<(Timestamp, AppealId)>,
    by_status: BTreeMap<AppealStatus, u64>,
    names: Names,
}

const RULES_KEY: &str = "appeal-rules";

impl RowPrefix {
    pub const APPEAL: RowPrefix = RowPrefix::new("appeal/");
}

impl RowKey {
    pub fn appeal_rules() -> RowKey {
        RowKey::single(RULES_KEY)
    }

    pub fn appeal(id: &AppealId) -> RowKey {
        RowPrefix::APPEAL.key(id)
    }
}

impl Event {
    /// The appeal an event is about, for appeal events.
    pub fn appeal(&self) -> Option<&AppealId> {
        match self {
            Event::AppealFiled { appeal, .. }
            | Event::AppealForwarded { appeal, .. }
            | Event::AppealReassigned { appeal, .. }
            | Event::AppealClarificationRequested { appeal, .. }
            | Event::AppealClarified { appeal, .. }
            | Event::AppealExtended { appeal, .. }
            | Event::AppealAnswered { appeal, .. }
            | Event::AppealOverdue { appeal }
            | Event::AppealRated { appeal, .. } => Some(appeal),
            _ => None,
        }
    }
}

/// What checking an appeal event decided that applying it needs: always the local day, and
/// for some events new dates or facts fixed now.
pub(crate) struct Decided {
    on: Date,
    what: Decision,
}

enum Decision {
    Nothing,
    /// A filed appeal's terms and first deadlines.
    Filed {
        terms: AppealTerms,
        due: Date,
        due_at: Timestamp,
        forward_by: Date,
    },
    /// A forwarded appeal's deadlines at the competent body.
    Moved {
        due: Date,
        due_at: Timestamp,
        forward_by: Date,
        late: bool,
    },
    /// The deadline after a clarification, or an extension.
    Due {
        due: Date,
        due_at: Timestamp,
    },
    Extended {
        due_at: Timestamp,
        notice_due: Date,
        late: bool,
    },
    Answered {
        working_days: u32,
        on_time: bool,
    },
}

/// The day `months` calendar months after `from` (the last day of the month when `from`'s day
/// does not exist there: 31 December + 2 months is the end of February).
pub(crate) fn add_months(from: Date, months: u8) -> Date {
    let index = from.year() * 12 + i32::from(u8::from(from.month())) - 1 + i32::from(months);
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u8 + 1);
    let Ok(month) = Month::try_from(month) else { return Date::MAX };
    let day = from.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MAX)
}

/// The text of a step on a case is written out for a public appeal and sealed for a private one.
fn check_shape(appeal: &Appeal, text: Option<&PartialText>, sealed: Option<&Commitment>) -> Result<(), RuleError> {
    let fits = match appeal.visibility {
        Visibility::Public => text.is_some() && sealed.is_none(),
        Visibility::Private => text.is_none() && sealed.is_some(),
    };
    if fits {
        Ok(())
    } else {
        Err(RuleError::InvalidEvent(EventError::VisibilityShape))
    }
}

impl Appeals {
    /// The appeal rules in force, if published.
    pub fn rules(&self) -> Option<&PublishedAppealRules> {
        self.rules.as_ref()
    }

    pub fn get(&self, id: &AppealId) -> Option<&Arc<Appeal>> {
        self.appeals.get(id)
    }

    /// Every appeal, by id.
    pub fn all(&self) -> impl Iterator<Item = &Arc<Appeal>> {
        self.appeals.values()
    }

    /// The open appeals `body` holds.
    pub fn open_at(&self, body: &BodyId) -> impl Iterator<Item = &Appeal> {
        self.open_by_body.get(body).into_iter().flatten().filter_map(|id| self.appeals.get(id).map(|a| &**a))
    }

    /// One body's record of appeals.
    pub fn record(&self, body: &BodyId) -> Option<&BodyRecord> {
        self.records.get(body)
    }

    /// Every body's record of appeals, by body.
    pub fn records(&self) -> &BTreeMap<BodyId, BodyRecord> {
        self.records.all()
    }

    fn appeal_or_err(&self, id: &AppealId) -> Result<&Appeal, RuleError> {
        self.appeals.get(id).map(|a| &**a).ok_or_else(|| RuleError::UnknownAppeal(id.to_string()))
    }

    /// The body a complaint about `original` goes to: the superior of the body that owed the
    /// answer, or that body's successor if it has since been closed.
    pub fn superior_for(&self, registry: &Registry, original: &Appeal) -> Result<BodyId, RuleError> {
        let owing = original.body();
        let parent = registry
            .body(owing)
            .and_then(|b| b.parent.clone())
            .ok_or_else(|| RuleError::NoSuperiorBody(owing.to_string()))?;
        let superior = registry.successor_for(&parent, &facts(original)).unwrap_or(parent);
        // A reorganisation may have merged the superior into the body itself.
        if &superior == owing {
            return Err(RuleError::NoSuperiorBody(owing.to_string()));
        }
        Ok(superior)
    }

    /// Takes an appeal's figures and index entries out before it changes.
    fn forget(&mut self, appeal: &Appeal) {
        records::count(&mut self.records, appeal, Sign::Remove);
        if let Some(open) = self.open_by_body.get_mut(appeal.body()) {
            open.remove(&appeal.id);
            if open.is_empty() {
                self.open_by_body.remove(appeal.body());
            }
        }
        self.by_deadline.remove(&(appeal.obligation.due_at, appeal.id.clone()));
        if let Some(n) = self.by_status.get_mut(&appeal.status) {
            *n -= 1;
            if *n == 0 {
                self.by_status.remove(&appeal.status);
            }
        }
    }

    /// Puts an appeal's figures and index entries in as it stands.
    fn remember(&mut self, appeal: &Appeal) {
        records::count(&mut self.records, appeal, Sign::Add);
        if appeal.status.is_open() {
            self.open_by_body.entry(appeal.body().clone()).or_default().insert(appeal.id.clone());
        }
        if appeal.status == AppealStatus::InProgress {
            self.by_deadline.insert((appeal.obligation.due_at, appeal.id.clone()));
        }
        *self.by_status.entry(appeal.status).or_insert(0) += 1;
    }

    /// Changes one appeal, keeping what is derived from it in step.
    fn change(&mut self, id: &AppealId, f: impl FnOnce(&mut Appeal)) {
        let Some(mut appeal) = self.appeals.remove(id) else { return };
        self.forget(&appeal);
        f(Arc::make_mut(&mut appeal));
        self.remember(&appeal);
        self.appeals.insert(id.clone(), appeal);
    }

    /// Makes a loaded appeal take the memory a folded one does: the state's copies of the ids
    /// it names, and no spare room.
    fn share_names(&mut self, a: &mut Appeal) {
        let names = &mut self.names;
        names.bodies.share_in_place(&mut a.addressed_to);
        names.bodies.share_in_place(&mut a.obligation.body);
        names.topics.share_in_place(&mut a.topic);
        if let Some(place) = &mut a.place {
            names.locality(place);
        }
        for s in &mut a.steps {
            names.bodies.share_in_place(&mut s.body);
            s.to.iter_mut().for_each(|to| names.bodies.share_in_place(to));
            s.by.iter_mut().for_each(|by| names.accounts.share_in_place(by));
        }
        if let Some(c) = &mut a.complaint {
            names.bodies.share_in_place(&mut c.against);
        }
        if let Some(answer) = &mut a.obligation.answer {
            names.accounts.share_in_place(&mut answer.by);
        }
        if let Some(e) = &mut a.extension {
            names.accounts.share_in_place(&mut e.by);
        }
        for c in &mut a.clarifications {
            names.accounts.share_in_place(&mut c.by);
        }
        // Parsed lists keep the spare room they grew into; a folded case keeps none.
        a.steps.shrink_to_fit();
        a.clarifications.shrink_to_fit();
        a.attachments.shrink_to_fit();
    }

    /// Events the rules require for one open appeal at `at`: its move, if its body was closed,
    /// then its overdue mark, if its due day has ended.
    fn due_for(&self, registry: &Registry, appeal: &Appeal, at: Timestamp, due: &mut Vec<Event>) {
        if let Some(to) = registry.successor_for(appeal.body(), &facts(appeal)) {
            due.push(Event::AppealReassigned { appeal: appeal.id.clone(), from: appeal.body().clone(), to });
        }
        if appeal.status == AppealStatus::InProgress && appeal.obligation.is_overdue_at(at) {
            due.push(Event::AppealOverdue { appeal: appeal.id.clone() });
        }
    }

    /// Open appeals held by closed bodies, which must move.
    fn held_by_closed<'a>(&'a self, registry: &'a Registry) -> impl Iterator<Item = &'a Appeal> + 'a {
        self.open_by_body
            .iter()
            .filter(|(body, _)| registry.body(body).is_some_and(|b| !b.is_open()))
            .flat_map(|(_, ids)| ids.iter().filter_map(|id| self.appeals.get(id).map(|a| &**a)))
    }
}

/// The step an appeal event adds to the case's history.
fn step_kind(event: &Event) -> StepKind {
    match event {
        Event::AppealForwarded { .. } => StepKind::Forwarded,
        Event::AppealReassigned { .. } => StepKind::Reassigned,
        Event::AppealClarificationRequested { .. } => StepKind::ClarificationRequested,
        Event::AppealClarified { .. } => StepKind::Clarified,
        Event::AppealExtended { .. } => StepKind::Extended,
        Event::AppealAnswered { .. } => StepKind::Answered,
        Event::AppealOverdue { .. } => StepKind::Overdue,
        Event::AppealRated { .. } => StepKind::Rated,
        Event::AppealFiled { .. } => StepKind::Filed,
        other => unreachable!("{} adds no step to an appeal", other.kind()),
    }
}

/// What a reorganisation looks at to place an appeal.
fn facts(appeal: &Appeal) -> CaseFacts<'_> {
    CaseFacts { id: appeal.id.as_str(), topic: &appeal.topic, place: appeal.place.as_ref() }
}

impl Appeals {
    /// The checks of every appeal event, and what applying it needs.
    fn decide(&self, registry: &Registry, event: &Event, at: Timestamp) -> Result<Decision, RuleError> {
        let status_err = |a: &Appeal, needed: &'static str| RuleError::AppealStatus {
            appeal: a.id.to_string(),
            status: a.status.as_str(),
            needed,
        };
        let applicant_only = |a: &Appeal, by: &Pseudonym| {
            if &a.applicant == by {
                Ok(())
            } else {
                Err(RuleError::NotApplicant(a.id.to_string()))
            }
        };
        let official_only = |a: &Appeal, by: &AccountId| {
            if registry.acts_for(by, a.body()) {
                Ok(())
            } else {
                Err(RuleError::NotOfficialOfBody { official: by.to_string(), body: a.body().to_string() })
            }
        };
        let today = registry.local_date(at);
        let calendar = || registry.calendar();
        Ok(match event {
            Event::AppealRulesPublished { .. } => Decision::Nothing,
            Event::AppealFiled { appeal, applicant, body, kind, topic, complaint_about, .. } => {
                let published = self.rules.as_ref().ok_or(RuleError::NoAppealRules)?;
                if self.appeals.contains_key(appeal) {
                    return Err(RuleError::AppealExists(appeal.to_string()));
                }
                registry.check_open(body)?;
                if published.rules.topic(topic).is_none() {
                    return Err(RuleError::UnknownAppealTopic(topic.to_string()));
                }
                if let Some(original) = complaint_about {
                    let o = self.appeal_or_err(original)?;
                    applicant_only(o, applicant)?;
                    if !matches!(o.status, AppealStatus::Answered | AppealStatus::Overdue) {
                        return Err(status_err(o, "answered or overdue"));
                    }
                    if let Some(c) = &o.complaint {
                        return Err(RuleError::AlreadyComplained {
                            appeal: o.id.to_string(),
                            complaint: c.appeal.to_string(),
                        });
                    }
                    RuleError::unless_equal("kind", AppealKind::Complaint.as_str(), kind.as_str())?;
                    RuleError::unless_equal("body", self.superior_for(registry, o)?.to_string(), body.to_string())?;
                }
                let terms = published.rules.terms;
                let due = registry.add_working_days(at, terms.consideration_working_days);
                let forward_by = registry.add_working_days(at, terms.forwarding_working_days);
                Decision::Filed { terms, due, due_at: registry.end_of_day(due), forward_by }
            }
            Event::AppealForwarded { appeal, by, to, .. } => {
                let a = self.appeal_or_err(appeal)?;
                if a.status != AppealStatus::InProgress {
                    return Err(status_err(a, "in progress"));
                }
                official_only(a, by)?;
                if to == a.body() {
                    return Err(RuleError::ForwardToItself(to.to_string()));
                }
                // Each forward starts the clock again, so a case bounced between bodies would
                // never fall due: it is forwarded a few times at most.
                if a.steps.iter().filter(|s| s.event == StepKind::Forwarded).count() >= MAX_FORWARDS {
                    return Err(RuleError::TooManyForwards { appeal: a.id.to_string(), max: MAX_FORWARDS });
                }
                registry.check_open(to)?;
                // The competent body counts its deadlines from the day the case reaches it.
                let due = registry.add_working_days(at, a.terms.consideration_working_days);
                Decision::Moved {
                    due,
                    due_at: registry.end_of_day(due),
                    forward_by: registry.add_working_days(at, a.terms.forwarding_working_days),
                    late: today > a.forward_by,
                }
            }
            Event::AppealReassigned { appeal, from, to } => {
                let a = self.appeal_or_err(appeal)?;
                if !a.status.is_open() {
                    return Err(status_err(a, "awaiting an answer"));
                }
                RuleError::unless_equal("from", a.body().to_string(), from.to_string())?;
                let successor =
                    registry.successor_for(from, &facts(a)).ok_or_else(|| RuleError::BodyOpen(from.to_string()))?;
                RuleError::unless_equal("to", successor.to_string(), to.to_string())?;
                Decision::Nothing
            }
            Event::AppealClarificationRequested { appeal, by, question, sealed } => {
                let a = self.appeal_or_err(appeal)?;
                if a.status != AppealStatus::InProgress {
                    return Err(status_err(a, "in progress"));
                }
                official_only(a, by)?;
                if at >= a.obligation.due_at {
                    return Err(RuleError::DeadlinePassed(a.id.to_string()));
                }
                check_shape(a, question.as_ref(), sealed.as_ref())?;
                if a.clarifications.len() >= MAX_CLARIFICATIONS {
                    return Err(RuleError::TooManyClarifications { appeal: a.id.to_string(), max: MAX_CLARIFICATIONS });
                }
                Decision::Nothing
            }
            Event::AppealClarified { appeal, by, reply, sealed } => {
                let a = self.appeal_or_err(appeal)?;
                if a.status != AppealStatus::AwaitingClarification {
                    return Err(status_err(a, "awaiting clarification"));
                }
                applicant_only(a, by)?;
                check_shape(a, reply.as_ref(), sealed.as_ref())?;
                let due = match a.terms.clarification_clock {
                    ClarificationClock::Paused => {
                        let asked = a.clarifications.last().map_or(a.received_on, |c| registry.local_date(c.asked_at));
                        let left = calendar().working_days_between(asked, a.obligation.due);
                        calendar().add_working_days(today, left)
                    }
                    // A restart never shortens a deadline an extension set.
                    ClarificationClock::Restarts => {
                        registry.add_working_days(at, a.terms.consideration_working_days).max(a.obligation.due)
                    }
                };
                Decision::Due { due, due_at: registry.end_of_day(due) }
            }
            Event::AppealExtended { appeal, by, decided_on, until, .. } => {
                let a = self.appeal_or_err(appeal)?;
                if !matches!(a.status, AppealStatus::InProgress | AppealStatus::AwaitingClarification) {
                    return Err(status_err(a, "in progress"));
                }
                if !registry.holds(by, Role::Head, Some(a.body())) {
                    return Err(RuleError::NotHeadOfBody { account: by.to_string(), body: a.body().to_string() });
                }
                if a.extension.is_some() {
                    return Err(RuleError::AlreadyExtended(a.id.to_string()));
                }
                // Decided and logged before the deadline runs out: a lapsed deadline is not
                // extended after the fact.
                if at >= a.obligation.due_at {
                    return Err(RuleError::DeadlinePassed(a.id.to_string()));
                }
                let due = a.obligation.due;
                if *decided_on < a.received_on || *decided_on > today || *decided_on > due {
                    return Err(RuleError::ExtensionDecidedOutsideTerm {
                        decided_on: crate::format_date(*decided_on),
                        from: crate::format_date(a.received_on),
                        to: crate::format_date(due.min(today)),
                    });
                }
                let latest = add_months(a.received_on, a.terms.extension_max_months);
                if *until <= due || *until > latest {
                    return Err(RuleError::ExtensionOutOfRange {
                        until: crate::format_date(*until),
                        after: crate::format_date(due),
                        latest: crate::format_date(latest),
                    });
                }
                let notice_due = calendar().add_working_days(*decided_on, a.terms.extension_notice_working_days.into());
                Decision::Extended { due_at: registry.end_of_day(*until), notice_due, late: today > notice_due }
            }
            Event::AppealAnswered { appeal, by, answer, sealed, .. } => {
                let a = self.appeal_or_err(appeal)?;
                a.obligation.check_answer(&Opener::Appeal(a.id.clone()), registry, by)?;
                check_shape(a, answer.as_ref(), sealed.as_ref())?;
                Decision::Answered {
                    working_days: calendar().working_days_between(a.received_on, today),
                    on_time: at < a.obligation.due_at,
                }
            }
            Event::AppealOverdue { appeal } => {
                let a = self.appeal_or_err(appeal)?;
                // While the applicant is asked to clarify, the clock does not run out.
                if a.status == AppealStatus::AwaitingClarification {
                    return Err(status_err(a, "in progress"));
                }
                a.obligation.check_overdue(&Opener::Appeal(a.id.clone()), at)?;
                Decision::Nothing
            }
            Event::AppealRated { appeal, by, .. } => {
                let a = self.appeal_or_err(appeal)?;
                applicant_only(a, by)?;
                if a.status != AppealStatus::Answered {
                    return Err(status_err(a, "answered"));
                }
                if a.rating.is_some() {
                    return Err(RuleError::AlreadyRated(a.id.to_string()));
                }
                Decision::Nothing
            }
            other => unreachable!("the appeals capability does not rule on {}", other.kind()),
        })
    }
}

impl Capability for Appeals {
    type Decision = Decided;

    fn check(&self, ctx: &Context<'_>, event: &Event, at: Timestamp) -> Result<Decided, RuleError> {
        let what = self.decide(ctx.registry, event, at)?;
        Ok(Decided { on: ctx.registry.local_date(at), what })
    }

    fn apply(&mut self, decided: Decided, index: LogIndex, at: Timestamp, event: &Event, changes: &mut Changes) {
        let Decided { on, what } = decided;
        if let Event::AppealRulesPublished { rules } = event {
            self.rules = Some(PublishedAppealRules { rules: rules.clone(), published_at: at, index });
            changes.row(RowKey::appeal_rules());
            return;
        }
        let Some(id) = event.appeal().cloned() else {
            unreachable!("every other appeal event names its appeal");
        };
        // The case keeps the state's copies of the ids the event names (see `interner.rs`).
        let (to, by) = match event {
            Event::AppealForwarded { to, by, .. } => (Some(to), Some(by)),
            Event::AppealReassigned { to, .. } => (Some(to), None),
            Event::AppealClarificationRequested { by, .. }
            | Event::AppealExtended { by, .. }
            | Event::AppealAnswered { by, .. } => (None, Some(by)),
            _ => (None, None),
        };
        let shared_to = to.map(|to| self.names.bodies.share(to));
        let shared_by = by.map(|by| self.names.accounts.share(by));
        let step = |body: &BodyId, to: Option<&BodyId>, by: Option<&AccountId>, late: bool| Step {
            event: step_kind(event),
            body: body.clone(),
            to: to.cloned(),
            by: by.cloned(),
            late,
            on,
            at,
            index,
        };
        if let (
            Event::AppealFiled {
                appeal,
                applicant,
                body,
                kind,
                topic,
                place,
                visibility,
                title,
                text,
                attachments,
                sealed,
                complaint_about,
            },
            Decision::Filed { terms, due, due_at, forward_by },
        ) = (event, &what)
        {
            let body = &self.names.bodies.share(body);
            let mut place = place.clone();
            if let Some(place) = &mut place {
                self.names.locality(place);
            }
            let filed = Appeal {
                id: appeal.clone(),
                applicant: applicant.clone(),
                kind: *kind,
                topic: self.names.topics.share(topic),
                place,
                visibility: *visibility,
                title: title.clone().map(Box::new),
                text: text.clone().map(Box::new),
                attachments: attachments.clone().unwrap_or_default(),
                sealed: sealed.clone(),
                addressed_to: body.clone(),
                complaint_about: complaint_about.clone(),
                complaint: None,
                status: AppealStatus::InProgress,
                filed_at: at,
                index,
                received_on: on,
                forward_by: *forward_by,
                terms: *terms,
                obligation: Obligation::open(body.clone(), *due, *due_at, at, index),
                extension: None,
                clarifications: Vec::new(),
                rating: None,
                steps: vec![step(body, None, None, false)],
            };
            self.remember(&filed);
            self.appeals.insert(appeal.clone(), Arc::new(filed));
            changes.row(RowKey::appeal(appeal));
            if let Some(original) = complaint_about {
                self.change(original, |o| {
                    o.complaint = Some(Complaint { appeal: appeal.clone(), against: o.body().clone() });
                });
                changes.row(RowKey::appeal(original));
            }
            return;
        }
        self.change(&id, |a| {
            let body = a.body().clone();
            match (event, what) {
                (Event::AppealForwarded { by, to, .. }, Decision::Moved { due, due_at, forward_by, late }) => {
                    let (to, by) = (shared_to.as_ref().unwrap_or(to), shared_by.as_ref().unwrap_or(by));
                    a.push_step(step(&body, Some(to), Some(by), late));
                    a.obligation.move_to(to.clone());
                    a.obligation.set_due(due, due_at);
                    a.received_on = on;
                    a.forward_by = forward_by;
                }
                (Event::AppealReassigned { to, .. }, _) => {
                    let to = shared_to.as_ref().unwrap_or(to);
                    a.push_step(step(&body, Some(to), None, false));
                    a.obligation.move_to(to.clone());
                }
                (Event::AppealClarificationRequested { by, question, sealed, .. }, _) => {
                    let by = shared_by.as_ref().unwrap_or(by);
                    a.push_step(step(&body, None, Some(by), false));
                    a.clarifications.push(Clarification {
                        by: by.clone(),
                        question: question.clone(),
                        question_sealed: sealed.clone(),
                        asked_at: at,
                        asked_index: index,
                        reply: None,
                        reply_sealed: None,
                        replied_at: None,
                    });
                    a.status = AppealStatus::AwaitingClarification;
                }
                (Event::AppealClarified { reply, sealed, .. }, Decision::Due { due, due_at }) => {
                    a.push_step(step(&body, None, None, false));
                    if let Some(c) = a.clarifications.last_mut() {
                        c.reply = reply.clone();
                        c.reply_sealed = sealed.clone();
                        c.replied_at = Some(at);
                    }
                    a.obligation.set_due(due, due_at);
                    a.status = AppealStatus::InProgress;
                }
                (
                    Event::AppealExtended { by, decided_on, until, reason, .. },
                    Decision::Extended { due_at, notice_due, late },
                ) => {
                    let by = shared_by.as_ref().unwrap_or(by);
                    a.push_step(step(&body, None, Some(by), late));
                    a.extension = Some(Box::new(Extension {
                        by: by.clone(),
                        decided_on: *decided_on,
                        until: *until,
                        reason: reason.clone(),
                        notice_due,
                        notice_late: late,
                        at,
                        index,
                    }));
                    a.obligation.set_due(*until, due_at);
                }
                (
                    Event::AppealAnswered { by, outcome, answer, sealed, .. },
                    Decision::Answered { working_days, on_time },
                ) => {
                    let by = shared_by.as_ref().unwrap_or(by);
                    a.push_step(step(&body, None, Some(by), false));
                    a.obligation.answer(AppealAnswer {
                        by: by.clone(),
                        outcome: *outcome,
                        answer: answer.clone().map(Box::new),
                        sealed: sealed.clone(),
                        answered_at: at,
                        index,
                        working_days,
                        on_time,
                    });
                    a.status = AppealStatus::Answered;
                }
                (Event::AppealOverdue { .. }, _) => {
                    a.push_step(step(&body, None, None, false));
                    a.obligation.mark_overdue(at);
                    a.status = AppealStatus::Overdue;
                }
                (Event::AppealRated { rating, .. }, _) => {
                    a.push_step(step(&body, None, None, false));
                    a.rating = Some(*rating);
                }
                (other, _) => unreachable!("{} was checked without the decision it needs", other.kind()),
            }
        });
        changes.row(RowKey::appeal(&id));
    }

    fn due_events(&self, ctx: &Context<'_>, at: Timestamp, scope: Scope<'_>) -> Vec<Event> {
        let registry = ctx.registry;
        let mut due = Vec::new();
        let mut seen = BTreeSet::new();
        let mut consider = |appeal: &Appeal, due: &mut Vec<Event>| {
            if seen.insert(appeal.id.clone()) {
                self.due_for(registry, appeal, at, due);
            }
        };
        match scope {
            Scope::All => {
                for appeal in self.held_by_closed(registry) {
                    consider(appeal, &mut due);
                }
                // Only appeals whose due day has ended can be overdue: the index starts there.
                let ended = self.by_deadline.iter().take_while(|(due_at, _)| *due_at <= at);
                for appeal in ended.filter_map(|(_, id)| self.appeals.get(id).map(|a| &**a)) {
                    consider(appeal, &mut due);
                }
            }
            Scope::Touched(keys) => {
                let bodies = keys.iter().filter_map(|k| RowPrefix::BODY.id_in(k.as_str())?.parse::<BodyId>().ok());
                for body in bodies {
                    for appeal in self.open_at(&body) {
                        consider(appeal, &mut due);
                    }
                }
            }
        }
        due
    }

    fn row(&self, key: &str) -> Option<String> {
        if key == RULES_KEY {
            return self.rules.as_ref().map(row_json);
        }
        let id = RowPrefix::APPEAL.id_in(key)?;
        self.appeals.get(id).map(|a| row_json(&**a))
    }

    fn rows(&self, out: &mut Vec<(String, String)>) {
        if let Some(r) = &self.rules {
            out.push((RowKey::appeal_rules().into_string(), row_json(r)));
        }
        out.extend(self.appeals.iter().map(|(id, a)| (RowKey::appeal(id).into_string(), row_json(&**a))));
    }

    fn load_row(&mut self, key: &str, value: &str) -> Result<bool, RuleError> {
        let duplicate = || invalid_row(key, "duplicate row");
        if key == RULES_KEY {
            let r: PublishedAppealRules = parse_row(key, value)?;
            r.rules.validate().map_err(|e| invalid_row(key, e.to_string()))?;
            if self.rules.replace(r).is_some() {
                return Err(duplicate());
            }
        } else if let Some(id) = RowPrefix::APPEAL.id_in(key) {
            let mut a: Appeal = parse_row(key, value)?;
            if id != a.id.as_str() {
                return Err(invalid_row(key, "key does not match the appeal id"));
            }
            Event::AppealFiled {
                appeal: a.id.clone(),
                applicant: a.applicant.clone(),
                body: a.addressed_to.clone(),
                kind: a.kind,
                topic: a.topic.clone(),
                place: a.place.clone(),
                visibility: a.visibility,
                title: a.title.as_deref().cloned(),
                text: a.text.as_deref().cloned(),
                attachments: (!a.attachments.is_empty()).then(|| a.attachments.clone()),
                sealed: a.sealed.clone(),
                complaint_about: a.complaint_about.clone(),
            }
            .validate()
            .map_err(|e| invalid_row(key, e.to_string()))?;
            if self.appeals.contains_key(&a.id) {
                return Err(duplicate());
            }
            self.share_names(&mut a);
            self.remember(&a);
            self.appeals.insert(a.id.clone(), Arc::new(a));
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    /// Appeal rows agree with each other (complaints both ways) and with the log's counts.
    fn check_consistency(&self, ctx: &Context<'_>, placed: &mut Placement) -> Result<(), RuleError> {
        if let Some(r) = &self.rules {
            placed.place(&RowKey::appeal_rules(), r.index, r.published_at)?;
        }
        let mut logged: BTreeMap<&str, u64> = BTreeMap::new();
        for a in self.appeals.values() {
            let key = RowKey::appeal(&a.id);
            placed.place(&key, a.index, a.filed_at)?;
            let first_ok = a.steps.first().is_some_and(|s| {
                s.event == StepKind::Filed && s.index == a.index && s.at == a.filed_at && s.body == a.addressed_to
            });
            let ordered = a.steps.windows(2).all(|w| w[0].index < w[1].index && w[0].at <= w[1].at);
            let last_ok = a.steps.last().is_some_and(|s| s.index.0 < ctx.meta.size);
            let holder = a.steps.iter().rev().find_map(|s| s.to.as_ref()).unwrap_or(&a.addressed_to);
            let status_ok = match a.status {
                AppealStatus::Answered => a.obligation.answer.is_some(),
                AppealStatus::Overdue => a.obligation.overdue_at.is_some() && a.obligation.answer.is_none(),
                AppealStatus::AwaitingClarification => a.clarifications.last().is_some_and(|c| c.replied_at.is_none()),
                AppealStatus::InProgress => a.obligation.answer.is_none() && a.obligation.overdue_at.is_none(),
            };
            if !first_ok || !ordered || !last_ok || holder != a.body() || !status_ok {
                return Err(invalid_row(key.as_str(), "history inconsistent with the appeal or meta"));
            }
            let complaint_ok =
                a.complaint.as_ref().is_none_or(|c| {
                    self.appeals.get(&c.appeal).is_some_and(|o| o.complaint_about.as_ref() == Some(&a.id))
                }) && a.complaint_about.as_ref().is_none_or(|o| {
                    self.appeals.get(o).and_then(|o| o.complaint.as_ref()).is_some_and(|c| c.appeal == a.id)
                });
            if !complaint_ok {
                return Err(invalid_row(key.as_str(), "a complaint without its appeal, or the other way round"));
            }
            for s in &a.steps {
                *logged.entry(s.event.as_str()).or_insert(0) += 1;
            }
        }
        if StepKind::ALL.iter().any(|k| logged.get(k.as_str()).copied().unwrap_or(0) != ctx.count(k.as_str()))
            || self.rules.is_some() != (ctx.count("appeal_rules.published") > 0)
        {
            return Err(counts_mismatch("the appeal rows"));
        }
        Ok(())
    }

    fn body_records(&self) -> Option<&BTreeMap<BodyId, BodyRecord>> {
        Some(self.records.all())
    }

    type Summary = AppealsSummary;

    fn summary(&self) -> AppealsSummary {
        AppealsSummary { appeals: self.by_status.iter().map(|(status, n)| (status.as_str().to_owned(), *n)).collect() }
    }
}
