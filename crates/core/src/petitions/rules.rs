//! The petitions capability: which petition events the state accepts, what they change, and
//! which events the rules themselves require (deadlines passed, counts reached).
//!
//! Deadlines are computed from the entries' timestamps, the deployment's time zone and the
//! published working-day calendar, never from a clock, so a replay reaches the same dates.
//! Events that the rules require carry what they decide (a due date, whether the threshold was
//! reached) so that a reader of the log sees it; the state refuses them unless they match
//! what it computes, and refuses a deadline event before its deadline.

use std::collections::{BTreeMap, HashMap};

use time::{Date, Duration};

use super::{
    Invalidation, Petition, PetitionStatus, PetitionsSummary, PublishedRules, Rejection, RejectionReason, Signature,
    SignatureFact, SignerKey, StaffAct, Terms, Threshold, Transition,
};
use crate::capability::{counts_mismatch, Capability, Changes, Context, Placement, Scope};
use crate::obligation::records::{BodyRecord, Records, Sign};
use crate::obligation::{Answer, Obligation, ObligationStatus, Opener};
use crate::registry::{CaseFacts, Registry};
use crate::rows::{invalid_row, parse_row, row_json, RowKey, RowPrefix};
use crate::{AccountId, BodyId, Event, Locality, LogIndex, PetitionId, Pseudonym, Role, RuleError, Timestamp};

/// The petitions part of the public state: the rules in force, every petition with its
/// obligation, and every signature.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Petitions {
    rules: Option<PublishedRules>,
    petitions: BTreeMap<PetitionId, Petition>,
    /// Signatures by petition and signer (a hash map: a million of them are looked up, never
    /// listed in order, and rows are sorted when listed).
    signatures: HashMap<PetitionId, HashMap<SignerKey, SignatureFact>>,
    invalidations: BTreeMap<(PetitionId, SignerKey), Invalidation>,
    /// The obligations' part of every body's record, derived from the petitions.
    records: Records,
}

const RULES_KEY: &str = "petition-rules";

impl Event {
    /// The petition an event is about, for petition and obligation events.
    pub fn petition(&self) -> Option<&PetitionId> {
        match self {
            Event::PetitionDrafted { petition, .. }
            | Event::PetitionLaunched { petition, .. }
            | Event::PetitionSigned { petition, .. }
            | Event::PetitionSubmitted { petition, .. }
            | Event::PetitionModerationOverdue { petition }
            | Event::PetitionExpired { petition }
            | Event::PetitionAccepted { petition, .. }
            | Event::PetitionRejected { petition, .. }
            | Event::PetitionWithdrawn { petition, .. }
            | Event::PetitionClosed { petition, .. }
            | Event::SignatureInvalidated { petition, .. }
            | Event::ObligationOpened { petition, .. }
            | Event::ObligationOverdue { petition }
            | Event::ObligationAnswered { petition, .. }
            | Event::PetitionReassigned { petition, .. } => Some(petition),
            _ => None,
        }
    }
}

impl RowPrefix {
    pub const PETITION: RowPrefix = RowPrefix::new("petition/");
    pub const SIGNATURE: RowPrefix = RowPrefix::new("signature/");
}

impl RowKey {
    pub fn petition_rules() -> RowKey {
        RowKey::single(RULES_KEY)
    }

    pub fn petition(id: &PetitionId) -> RowKey {
        RowPrefix::PETITION.key(id)
    }

    pub fn signature(petition: &PetitionId, signer: &Pseudonym) -> RowKey {
        RowPrefix::SIGNATURE.key(format_args!("{petition}/{signer}"))
    }
}

/// What checking a petition event decided that applying it needs.
pub(crate) enum Decided {
    Nothing,
    /// A draft takes the terms of the rules in force.
    Terms(Terms),
    /// A launched petition gathers its initial supporters until then.
    GatheringEnds(Timestamp),
    /// An accepted petition collects signatures until then.
    Closes(Timestamp),
    /// An obligation's due day ends then.
    DueAt(Timestamp),
}

impl StaffAct {
    /// The staff act an event records, if it records one.
    pub fn of(event: &Event) -> Option<StaffAct> {
        match event {
            Event::PetitionAccepted { .. } => Some(StaffAct::Accept),
            Event::PetitionRejected { .. } => Some(StaffAct::Reject),
            Event::SignatureInvalidated { .. } => Some(StaffAct::ReviewSignatures),
            Event::ObligationAnswered { .. } => Some(StaffAct::Answer),
            _ => None,
        }
    }
}

impl Petitions {
    fn petition_or_err(&self, id: &PetitionId) -> Result<&Petition, RuleError> {
        self.petitions.get(id).ok_or_else(|| RuleError::UnknownPetition(id.to_string()))
    }

    /// The terms a petition drafted now takes.
    fn terms_for(&self, registry: &Registry, event: &Event) -> Result<Terms, RuleError> {
        let Event::PetitionDrafted { level, territory, topic, body, .. } = event else {
            unreachable!("terms are taken by petition.drafted only");
        };
        let published = self.rules.as_ref().ok_or(RuleError::NoPetitionRules)?;
        let rules = &published.rules;
        let rule = rules.level(*level).ok_or(RuleError::LevelNotPetitionable(level.as_str()))?;
        let b = registry.check_open(body)?;
        if !level.addresses(b.kind) {
            return Err(RuleError::BodyNotAtLevel {
                body: body.to_string(),
                kind: b.kind.as_str(),
                level: level.as_str(),
            });
        }
        if rules.topic(topic).is_none() {
            return Err(RuleError::UnknownTopic(topic.to_string()));
        }
        // A body that serves a territory is petitioned for that territory; bodies registered
        // without one (older logs) leave it to the author's locality, as before.
        if let (Some(served), false) = (&b.territory, *level == crate::Level::Government) {
            RuleError::unless_equal(
                "territory",
                served.to_string(),
                territory.as_ref().map_or_else(|| "none".to_owned(), Locality::to_string),
            )?;
        }
        let threshold = match rule.threshold {
            Threshold::Signatures(n) => n,
            Threshold::PopulationShare { basis_points } => {
                let territory = territory.as_ref().ok_or(RuleError::NoPopulation("the whole country".into()))?;
                let people =
                    rules.population(territory).ok_or_else(|| RuleError::NoPopulation(territory.to_string()))?;
                // Rounded up: 1% of 1,250 people is 13 signatures, not 12.
                (u128::from(people) * u128::from(basis_points)).div_ceil(10_000) as u64
            }
        };
        Ok(Terms {
            threshold: threshold.max(1),
            collection_days: rule.collection_days,
            consideration_working_days: rule.consideration_working_days,
            initial_supporters: rules.initial_supporters,
            initial_window_working_days: rules.initial_window_working_days,
            moderation_working_days: rules.moderation_working_days,
            rules_index: published.index,
        })
    }

    /// The obligation of a petition, for an event on it.
    fn obligation_of(&self, petition: &PetitionId) -> Result<&Obligation, RuleError> {
        let p = self.petition_or_err(petition)?;
        p.obligation.as_ref().ok_or_else(|| RuleError::NoObligation(petition.to_string()))
    }

    /// Events the rules require at `at` for one petition, in the order they must be logged.
    fn due_for(&self, registry: &Registry, p: &Petition, at: Timestamp) -> Vec<Event> {
        let mut due = Vec::new();
        let petition = p.id.clone();
        // The body the petition addresses once any move due now is logged: an obligation
        // opened in the same round is the successor's.
        let mut body = p.body.clone();
        if p.is_movable() {
            if let Some(to) = registry.successor_for(&p.body, &facts(p)) {
                due.push(Event::PetitionReassigned {
                    petition: petition.clone(),
                    from: p.body.clone(),
                    to: to.clone(),
                });
                body = to;
            }
        }
        match p.status {
            PetitionStatus::Gathering if p.signatures >= u64::from(p.terms.initial_supporters) => {
                let moderation_due = registry.add_working_days(at, p.terms.moderation_working_days);
                due.push(Event::PetitionSubmitted { petition: petition.clone(), moderation_due });
            }
            PetitionStatus::Gathering if p.gathering_ends_at.is_some_and(|end| at >= end) => {
                due.push(Event::PetitionExpired { petition: petition.clone() })
            }
            PetitionStatus::Moderation
                if p.moderation_overdue_at.is_none()
                    && moderation_deadline(registry, p).is_some_and(|end| at >= end) =>
            {
                due.push(Event::PetitionModerationOverdue { petition: petition.clone() })
            }
            _ => {}
        }
        if let (Some(reached), None) = (p.threshold_reached_at, &p.obligation) {
            let date = crate::obligation::due_date(registry, reached, p.terms.consideration_working_days);
            due.push(Event::ObligationOpened { petition: petition.clone(), body, due: date });
        }
        if p.status == PetitionStatus::Open && p.closes_at.is_some_and(|end| at >= end) {
            due.push(Event::PetitionClosed {
                petition: petition.clone(),
                threshold_reached: p.threshold_reached_at.is_some(),
            });
        }
        if p.obligation.as_ref().is_some_and(|o| o.is_overdue_at(at)) {
            due.push(Event::ObligationOverdue { petition });
        }
        due
    }

    /// The petition rules in force, if published.
    pub fn rules(&self) -> Option<&PublishedRules> {
        self.rules.as_ref()
    }

    pub fn get(&self, id: &PetitionId) -> Option<&Petition> {
        self.petitions.get(id)
    }

    /// Every petition, by id.
    pub fn all(&self) -> impl Iterator<Item = &Petition> {
        self.petitions.values()
    }

    /// One signature, as its row and the signer's receipt show it.
    pub fn signature(&self, petition: &PetitionId, signer: &Pseudonym) -> Option<Signature> {
        let key = SignerKey::of(signer);
        let fact = self.signatures.get(petition)?.get(&key)?;
        Some(Signature {
            petition: petition.clone(),
            signer: signer.clone(),
            region: fact.region,
            signed_at: fact.signed_at,
            index: fact.index,
            invalidation: self.invalidations.get(&(petition.clone(), key)).cloned(),
        })
    }

    /// Every signature of a petition (valid and invalidated), in no particular order.
    pub fn signatures_of(&self, petition: &PetitionId) -> Vec<Signature> {
        let Some(facts) = self.signatures.get(petition) else { return Vec::new() };
        facts.keys().filter_map(|k| self.signature(petition, &k.pseudonym())).collect()
    }

    /// When each signature of a petition was made, and whether it was invalidated; cheaper
    /// than [`Petitions::signatures_of`] when only the times are needed.
    pub fn signature_times(&self, petition: &PetitionId) -> Vec<(Timestamp, bool)> {
        self.signatures
            .get(petition)
            .map(|s| s.values().map(|f| (f.signed_at, f.invalidated)).collect())
            .unwrap_or_default()
    }

    /// Total signatures held (valid and invalidated) across petitions.
    pub fn signature_count(&self) -> usize {
        self.signatures.values().map(|s| s.len()).sum()
    }

    /// Loads a signature row into the state (used when rebuilding from rows).
    fn load_signature(&mut self, s: Signature) -> bool {
        let key = SignerKey::of(&s.signer);
        let fact = SignatureFact {
            region: s.region,
            signed_at: s.signed_at,
            index: s.index,
            invalidated: s.invalidation.is_some(),
        };
        if let Some(inv) = s.invalidation {
            self.invalidations.insert((s.petition.clone(), key), inv);
        }
        self.signatures.entry(s.petition).or_default().insert(key, fact).is_none()
    }
}

/// What a reorganisation looks at to place a petition.
fn facts(p: &Petition) -> CaseFacts<'_> {
    CaseFacts { id: p.id.as_str(), topic: &p.topic, place: p.territory.as_ref() }
}

impl Petition {
    /// Still in play for the body it addresses, so that a reorganisation moves it: not yet
    /// settled, or owed an answer.
    fn is_movable(&self) -> bool {
        let live = matches!(
            self.status,
            PetitionStatus::Draft | PetitionStatus::Gathering | PetitionStatus::Moderation | PetitionStatus::Open
        );
        live || self.obligation.as_ref().is_some_and(|o| o.status != ObligationStatus::Answered)
    }

    /// What its obligation adds to the record of the body that owes it: received, open or
    /// answered (on time or not), overdue. The working days an answer took and the months are
    /// the appeals' alone: a petition's consideration period is another measure.
    fn obligation_record(&self) -> Option<(&BodyId, BodyRecord)> {
        let o = self.obligation.as_ref()?;
        let answered = o.answer.as_ref();
        let record = BodyRecord {
            received: 1,
            answered: u64::from(answered.is_some()),
            answered_on_time: u64::from(answered.is_some_and(|a| a.answered_at < o.due_at)),
            overdue: u64::from(o.overdue_at.is_some()),
            overdue_unanswered: u64::from(o.status == ObligationStatus::Overdue),
            open: u64::from(answered.is_none()),
            ..BodyRecord::default()
        };
        Some((&o.body, record))
    }
}

impl Petitions {
    /// Applies a checked event on an existing petition.
    fn apply_to(
        &mut self,
        id: &PetitionId,
        decided: Decided,
        index: LogIndex,
        at: Timestamp,
        event: &Event,
        changes: &mut Changes,
    ) {
        let Some(p) = self.petitions.get_mut(id) else {
            unreachable!("checked before applying: petition `{id}` exists");
        };
        let moved = |p: &mut Petition, status: PetitionStatus, by: Option<&AccountId>| {
            p.status = status;
            p.transitions.push(Transition { event: event.kind().to_owned(), status, by: by.cloned(), at, index });
        };
        match (event, decided) {
            (Event::PetitionLaunched { .. }, Decided::GatheringEnds(end)) => {
                p.gathering_ends_at = Some(end);
                moved(p, PetitionStatus::Gathering, None);
            }
            (Event::PetitionSigned { petition, signer, region }, _) => {
                p.signatures += 1;
                *p.by_region.entry(*region).or_insert(0) += 1;
                let crossed = match p.status {
                    PetitionStatus::Gathering => p.signatures >= u64::from(p.terms.initial_supporters),
                    _ => p.threshold_reached_at.is_none() && p.signatures >= p.terms.threshold,
                };
                if crossed {
                    if p.status == PetitionStatus::Open {
                        p.threshold_reached_at = Some(at);
                    }
                    changes.follow_up(RowKey::petition(id));
                }
                self.signatures.entry(petition.clone()).or_default().insert(
                    SignerKey::of(signer),
                    SignatureFact { region: *region, signed_at: at, index, invalidated: false },
                );
                changes.row(RowKey::signature(petition, signer));
            }
            (Event::PetitionSubmitted { moderation_due, .. }, _) => {
                p.moderation_due = Some(*moderation_due);
                moved(p, PetitionStatus::Moderation, None);
            }
            (Event::PetitionModerationOverdue { .. }, _) => {
                p.moderation_overdue_at = Some(at);
                moved(p, PetitionStatus::Moderation, None);
            }
            (Event::PetitionExpired { .. }, _) => moved(p, PetitionStatus::Expired, None),
            (Event::PetitionAccepted { by, .. }, Decided::Closes(end)) => {
                p.closes_at = Some(end);
                if p.signatures >= p.terms.threshold {
                    p.threshold_reached_at = Some(at);
                    changes.follow_up(RowKey::petition(id));
                }
                moved(p, PetitionStatus::Open, Some(by));
            }
            (Event::PetitionRejected { by, reason, forbidden_topic, duplicate_of, comment, .. }, _) => {
                p.rejection = Some(Rejection {
                    reason: *reason,
                    forbidden_topic: forbidden_topic.clone(),
                    duplicate_of: duplicate_of.clone(),
                    comment: comment.clone(),
                    by: by.clone(),
                });
                moved(p, PetitionStatus::Rejected, Some(by));
            }
            (Event::PetitionWithdrawn { reason, .. }, _) => {
                p.withdrawal_reason = Some(reason.clone());
                moved(p, PetitionStatus::Withdrawn, None);
            }
            (Event::PetitionClosed { .. }, _) => moved(p, PetitionStatus::Closed, None),
            (Event::SignatureInvalidated { petition, signer, by, reason }, _) => {
                let key = SignerKey::of(signer);
                if let Some(fact) = self.signatures.get_mut(petition).and_then(|s| s.get_mut(&key)) {
                    fact.invalidated = true;
                    p.signatures -= 1;
                    p.invalidated += 1;
                    if let Some(n) = p.by_region.get_mut(&fact.region) {
                        *n -= 1;
                        if *n == 0 {
                            p.by_region.remove(&fact.region);
                        }
                    }
                }
                self.invalidations.insert(
                    (petition.clone(), key),
                    Invalidation { by: by.clone(), reason: reason.clone(), at, index },
                );
                changes.row(RowKey::signature(petition, signer));
            }
            (Event::ObligationOpened { body, due, .. }, Decided::DueAt(due_at)) => {
                p.obligation = Some(Obligation::open(body.clone(), *due, due_at, at, index));
            }
            (Event::ObligationOverdue { .. }, _) => {
                if let Some(o) = &mut p.obligation {
                    o.mark_overdue(at);
                }
            }
            (Event::ObligationAnswered { by, decision, answer, discussion, head_statement, .. }, _) => {
                if let Some(o) = &mut p.obligation {
                    o.answer(Answer {
                        by: by.clone(),
                        decision: *decision,
                        answer: answer.clone(),
                        discussion: discussion.clone(),
                        head_statement: head_statement.clone(),
                        answered_at: at,
                        index,
                    });
                }
            }
            (Event::PetitionReassigned { to, .. }, _) => {
                p.body = to.clone();
                if let Some(o) = &mut p.obligation {
                    o.move_to(to.clone());
                }
                let status = p.status;
                moved(p, status, None);
            }
            (other, _) => unreachable!("{} was checked without the decision it needs", other.kind()),
        }
    }

    /// Takes a petition's obligation out of the body records (before it changes) or puts it in.
    fn count(&mut self, id: &PetitionId, sign: Sign) {
        if let Some((body, record)) = self.petitions.get(id).and_then(Petition::obligation_record) {
            self.records.apply(body, &record, sign);
        }
    }
}

/// The instant the moderation due day ends.
fn moderation_deadline(registry: &Registry, p: &Petition) -> Option<Timestamp> {
    p.moderation_due.map(|d| registry.end_of_day(d))
}

fn check_moderator(registry: &Registry, account: &AccountId, petition: &Petition) -> Result<(), RuleError> {
    if registry.holds(account, Role::Moderator, None) || registry.holds(account, Role::Moderator, Some(&petition.body))
    {
        Ok(())
    } else {
        Err(RuleError::NotModerator(account.to_string()))
    }
}

impl Petitions {
    /// The checks of every petition event, before any decision is taken.
    fn check_event(&self, registry: &Registry, event: &Event, at: Timestamp) -> Result<(), RuleError> {
        let status_err = |p: &Petition, needed: &'static str| RuleError::PetitionStatus {
            petition: p.id.to_string(),
            status: p.status.as_str(),
            needed,
        };
        match event {
            Event::PetitionRulesPublished { .. } => Ok(()),
            Event::PetitionDrafted { petition, author, .. } => {
                if let Some(p) = self.petitions.get(petition) {
                    if &p.author != author {
                        return Err(RuleError::NotAuthor(petition.to_string()));
                    }
                    if p.status != PetitionStatus::Draft {
                        return Err(status_err(p, "a draft"));
                    }
                }
                Ok(())
            }
            Event::PetitionLaunched { petition, by } => {
                let p = self.petition_or_err(petition)?;
                if &p.author != by {
                    return Err(RuleError::NotAuthor(petition.to_string()));
                }
                if p.status != PetitionStatus::Draft {
                    return Err(status_err(p, "a draft"));
                }
                Ok(())
            }
            Event::PetitionSigned { petition, signer, region } => {
                let p = self.petition_or_err(petition)?;
                let ends = match p.status {
                    PetitionStatus::Gathering => p.gathering_ends_at,
                    PetitionStatus::Open => p.closes_at,
                    _ => return Err(status_err(p, "gathering supporters or open")),
                };
                if ends.is_some_and(|ends| at >= ends) {
                    return Err(RuleError::WindowEnded(petition.to_string()));
                }
                if let Some(t) = &p.territory {
                    if t.region != *region {
                        return Err(RuleError::OutsideTerritory {
                            petition: petition.to_string(),
                            territory: t.to_string(),
                            region: region.to_string(),
                        });
                    }
                }
                if self.signatures.get(petition).is_some_and(|s| s.contains_key(&SignerKey::of(signer))) {
                    return Err(RuleError::AlreadySigned(petition.to_string()));
                }
                Ok(())
            }
            Event::PetitionSubmitted { petition, moderation_due } => {
                let p = self.petition_or_err(petition)?;
                if p.status != PetitionStatus::Gathering {
                    return Err(status_err(p, "gathering supporters"));
                }
                let need = u64::from(p.terms.initial_supporters);
                if p.signatures < need {
                    return Err(RuleError::SupportersMissing {
                        petition: petition.to_string(),
                        have: p.signatures,
                        need,
                    });
                }
                RuleError::unless_equal(
                    "moderation_due",
                    registry.add_working_days(at, p.terms.moderation_working_days),
                    *moderation_due,
                )
            }
            Event::PetitionModerationOverdue { petition } => {
                let p = self.petition_or_err(petition)?;
                if p.status != PetitionStatus::Moderation {
                    return Err(status_err(p, "in moderation"));
                }
                if p.moderation_overdue_at.is_some() {
                    return Err(RuleError::AlreadyOverdue(format!("petition `{petition}`")));
                }
                RuleError::unless_due("the end of the moderation due day", moderation_deadline(registry, p), at)
            }
            Event::PetitionExpired { petition } => {
                let p = self.petition_or_err(petition)?;
                if p.status != PetitionStatus::Gathering {
                    return Err(status_err(p, "gathering supporters"));
                }
                RuleError::unless_due("the end of the initial window", p.gathering_ends_at, at)?;
                let need = u64::from(p.terms.initial_supporters);
                if p.signatures >= need {
                    // It has its supporters: it goes to moderation instead.
                    return Err(RuleError::RuleMismatch {
                        field: "petition",
                        expected: "petition.submitted".into(),
                        got: "petition.expired".into(),
                    });
                }
                Ok(())
            }
            Event::PetitionAccepted { petition, by } => {
                let p = self.petition_or_err(petition)?;
                // Its author may not do this; the log cannot tell (see `check_conflict_of_interest`).
                check_moderator(registry, by, p)?;
                if p.status != PetitionStatus::Moderation {
                    return Err(status_err(p, "in moderation"));
                }
                Ok(())
            }
            Event::PetitionRejected { petition, by, reason, forbidden_topic, duplicate_of, .. } => {
                let p = self.petition_or_err(petition)?;
                // Its author may not do this; the log cannot tell (see `check_conflict_of_interest`).
                check_moderator(registry, by, p)?;
                if !matches!(p.status, PetitionStatus::Gathering | PetitionStatus::Moderation) {
                    return Err(status_err(p, "gathering supporters or in moderation"));
                }
                if let Some(code) = forbidden_topic {
                    let rules = self.rules.as_ref().ok_or(RuleError::NoPetitionRules)?;
                    if rules.rules.forbidden_topic(code).is_none() {
                        return Err(RuleError::UnknownForbiddenTopic(code.to_string()));
                    }
                }
                if let Some(other) = duplicate_of {
                    if other == petition {
                        return Err(RuleError::RuleMismatch {
                            field: "duplicate_of",
                            expected: "another petition".into(),
                            got: other.to_string(),
                        });
                    }
                    self.petition_or_err(other)?;
                }
                debug_assert!(*reason != RejectionReason::ForbiddenTopic || forbidden_topic.is_some());
                Ok(())
            }
            Event::PetitionWithdrawn { petition, by, .. } => {
                let p = self.petition_or_err(petition)?;
                if &p.author != by {
                    return Err(RuleError::NotAuthor(petition.to_string()));
                }
                if !matches!(
                    p.status,
                    PetitionStatus::Draft
                        | PetitionStatus::Gathering
                        | PetitionStatus::Moderation
                        | PetitionStatus::Open
                ) {
                    return Err(status_err(p, "a draft, gathering supporters, in moderation or open"));
                }
                if p.threshold_reached_at.is_some() {
                    return Err(RuleError::ThresholdReached(petition.to_string()));
                }
                Ok(())
            }
            Event::PetitionClosed { petition, threshold_reached } => {
                let p = self.petition_or_err(petition)?;
                if p.status != PetitionStatus::Open {
                    return Err(status_err(p, "open"));
                }
                RuleError::unless_due("the end of the collection window", p.closes_at, at)?;
                if p.threshold_reached_at.is_some() && p.obligation.is_none() {
                    // The obligation comes first, so the log never shows a petition closed
                    // with its threshold reached and nothing owed.
                    return Err(RuleError::NoObligation(petition.to_string()));
                }
                RuleError::unless_equal("threshold_reached", p.threshold_reached_at.is_some(), *threshold_reached)
            }
            Event::SignatureInvalidated { petition, signer, by, .. } => {
                let p = self.petition_or_err(petition)?;
                // Its author may not do this; the log cannot tell (see `check_conflict_of_interest`).
                check_moderator(registry, by, p)?;
                let fact =
                    self.signatures.get(petition).and_then(|s| s.get(&SignerKey::of(signer))).ok_or_else(|| {
                        RuleError::UnknownSignature { petition: petition.to_string(), signer: signer.to_string() }
                    })?;
                if fact.invalidated {
                    return Err(RuleError::AlreadyInvalidated {
                        petition: petition.to_string(),
                        signer: signer.to_string(),
                    });
                }
                Ok(())
            }
            Event::ObligationOpened { petition, body, due } => {
                let p = self.petition_or_err(petition)?;
                let reached =
                    p.threshold_reached_at.ok_or_else(|| RuleError::ThresholdNotReached(petition.to_string()))?;
                if p.obligation.is_some() {
                    return Err(RuleError::ObligationExists(petition.to_string()));
                }
                RuleError::unless_equal("body", p.body.to_string(), body.to_string())?;
                RuleError::unless_equal(
                    "due",
                    crate::obligation::due_date(registry, reached, p.terms.consideration_working_days),
                    *due,
                )
            }
            Event::ObligationOverdue { petition } => {
                self.obligation_of(petition)?.check_overdue(&Opener::Petition(petition.clone()), at)
            }
            Event::ObligationAnswered { petition, by, .. } => {
                // Its author may not do this; the log cannot tell (see `check_conflict_of_interest`).
                self.obligation_of(petition)?.check_answer(&Opener::Petition(petition.clone()), registry, by)
            }
            Event::PetitionReassigned { petition, from, to } => {
                let p = self.petition_or_err(petition)?;
                if !p.is_movable() {
                    return Err(status_err(p, "not yet settled, or owed an answer"));
                }
                RuleError::unless_equal("from", p.body.to_string(), from.to_string())?;
                let successor =
                    registry.successor_for(from, &facts(p)).ok_or_else(|| RuleError::BodyOpen(from.to_string()))?;
                RuleError::unless_equal("to", successor.to_string(), to.to_string())
            }
            other => unreachable!("the petitions capability does not rule on {}", other.kind()),
        }
    }
}

impl Capability for Petitions {
    type Decision = Decided;

    fn check(&self, ctx: &Context<'_>, event: &Event, at: Timestamp) -> Result<Decided, RuleError> {
        let registry = ctx.registry;
        self.check_event(registry, event, at)?;
        Ok(match event {
            Event::PetitionDrafted { .. } => Decided::Terms(self.terms_for(registry, event)?),
            Event::PetitionLaunched { petition, .. } => {
                let p = self.petition_or_err(petition)?;
                let last = registry.add_working_days(at, p.terms.initial_window_working_days);
                Decided::GatheringEnds(registry.end_of_day(last))
            }
            Event::PetitionAccepted { petition, .. } => {
                let p = self.petition_or_err(petition)?;
                // Saturates like every other deadline, rather than overflow near year 9999.
                let last = registry
                    .local_date(at)
                    .checked_add(Duration::days(p.terms.collection_days.into()))
                    .unwrap_or(Date::MAX);
                Decided::Closes(registry.end_of_day(last))
            }
            Event::ObligationOpened { due, .. } => Decided::DueAt(registry.end_of_day(*due)),
            _ => Decided::Nothing,
        })
    }

    fn apply(&mut self, decided: Decided, index: LogIndex, at: Timestamp, event: &Event, changes: &mut Changes) {
        if let Event::PetitionRulesPublished { rules } = event {
            self.rules = Some(PublishedRules { rules: rules.clone(), published_at: at, index });
            changes.row(RowKey::petition_rules());
            return;
        }
        if let (
            Event::PetitionDrafted { petition, author, body, level, territory, topic, title, text },
            Decided::Terms(terms),
        ) = (event, &decided)
        {
            let terms = terms.clone();
            let transition =
                Transition { event: event.kind().to_owned(), status: PetitionStatus::Draft, by: None, at, index };
            match self.petitions.get_mut(petition) {
                Some(p) => {
                    p.body = body.clone();
                    p.level = *level;
                    p.territory = territory.clone();
                    p.topic = topic.clone();
                    p.title = title.clone();
                    p.text = text.clone();
                    p.terms = terms;
                    p.transitions.push(transition);
                }
                None => {
                    self.petitions.insert(
                        petition.clone(),
                        Petition {
                            id: petition.clone(),
                            author: author.clone(),
                            body: body.clone(),
                            level: *level,
                            territory: territory.clone(),
                            topic: topic.clone(),
                            title: title.clone(),
                            text: text.clone(),
                            terms,
                            status: PetitionStatus::Draft,
                            signatures: 0,
                            invalidated: 0,
                            by_region: Default::default(),
                            drafted_at: at,
                            index,
                            gathering_ends_at: None,
                            moderation_due: None,
                            moderation_overdue_at: None,
                            closes_at: None,
                            threshold_reached_at: None,
                            rejection: None,
                            withdrawal_reason: None,
                            transitions: vec![transition],
                            obligation: None,
                        },
                    );
                }
            }
            changes.row(RowKey::petition(petition));
            return;
        }
        let Some(id) = event.petition().cloned() else {
            unreachable!("every other petition event names its petition");
        };
        self.count(&id, Sign::Remove);
        self.apply_to(&id, decided, index, at, event, changes);
        self.count(&id, Sign::Add);
        changes.row(RowKey::petition(&id));
    }

    fn due_events(&self, ctx: &Context<'_>, at: Timestamp, scope: Scope<'_>) -> Vec<Event> {
        let registry = ctx.registry;
        match scope {
            Scope::All => self.petitions.values().flat_map(|p| self.due_for(registry, p, at)).collect(),
            Scope::Touched(keys) => {
                let closed: Vec<BodyId> =
                    keys.iter().filter_map(|k| RowPrefix::BODY.id_in(k.as_str())?.parse().ok()).collect();
                let of_closed = self.petitions.values().filter(|p| !closed.is_empty() && closed.contains(&p.body));
                let touched =
                    keys.iter().filter_map(|key| self.petitions.get(RowPrefix::PETITION.id_in(key.as_str())?));
                let mut seen = std::collections::BTreeSet::new();
                touched
                    .chain(of_closed)
                    .filter(|p| seen.insert(p.id.clone()))
                    .flat_map(|p| self.due_for(registry, p, at))
                    .collect()
            }
        }
    }

    fn row(&self, key: &str) -> Option<String> {
        if key == RULES_KEY {
            return self.rules.as_ref().map(row_json);
        }
        if let Some(id) = RowPrefix::PETITION.id_in(key) {
            return self.petitions.get(id).map(row_json);
        }
        let (id, signer) = RowPrefix::SIGNATURE.id_in(key)?.split_once('/')?;
        self.signature(&id.parse().ok()?, &signer.parse().ok()?).map(|s| row_json(&s))
    }

    fn rows(&self, out: &mut Vec<(String, String)>) {
        if let Some(r) = &self.rules {
            out.push((RowKey::petition_rules().into_string(), row_json(r)));
        }
        out.extend(self.petitions.iter().map(|(id, p)| (RowKey::petition(id).into_string(), row_json(p))));
        for (id, facts) in &self.signatures {
            for k in facts.keys() {
                let signer = k.pseudonym();
                if let Some(s) = self.signature(id, &signer) {
                    out.push((RowKey::signature(id, &signer).into_string(), row_json(&s)));
                }
            }
        }
    }

    fn load_row(&mut self, key: &str, value: &str) -> Result<bool, RuleError> {
        let duplicate = || invalid_row(key, "duplicate row");
        if key == RULES_KEY {
            let r: PublishedRules = parse_row(key, value)?;
            Event::PetitionRulesPublished { rules: r.rules.clone() }
                .validate()
                .map_err(|e| invalid_row(key, e.to_string()))?;
            if self.rules.replace(r).is_some() {
                return Err(duplicate());
            }
        } else if let Some(id) = RowPrefix::PETITION.id_in(key) {
            let p: Petition = parse_row(key, value)?;
            if id != p.id.as_str() {
                return Err(invalid_row(key, "key does not match the petition id"));
            }
            Event::PetitionDrafted {
                petition: p.id.clone(),
                author: p.author.clone(),
                body: p.body.clone(),
                level: p.level,
                territory: p.territory.clone(),
                topic: p.topic.clone(),
                title: p.title.clone(),
                text: p.text.clone(),
            }
            .validate()
            .map_err(|e| invalid_row(key, e.to_string()))?;
            let id = p.id.clone();
            if self.petitions.insert(id.clone(), p).is_some() {
                return Err(duplicate());
            }
            self.count(&id, Sign::Add);
        } else if RowPrefix::SIGNATURE.id_in(key).is_some() {
            let s: Signature = parse_row(key, value)?;
            if RowKey::signature(&s.petition, &s.signer) != key {
                return Err(invalid_row(key, "key does not match the signature"));
            }
            if !self.load_signature(s) {
                return Err(duplicate());
            }
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    /// Petition rows agree with their signature rows and with the log's counts.
    fn check_consistency(&self, ctx: &Context<'_>, placed: &mut Placement) -> Result<(), RuleError> {
        if let Some(r) = &self.rules {
            placed.place(&RowKey::petition_rules(), r.index, r.published_at)?;
        }
        for p in self.petitions.values() {
            placed.place(&RowKey::petition(&p.id), p.index, p.drafted_at)?;
        }
        let count = |kind| ctx.count(kind);
        let mut logged: BTreeMap<&str, u64> = BTreeMap::new();
        for p in self.petitions.values() {
            let key = RowKey::petition(&p.id);
            let facts = self.signatures.get(&p.id);
            let valid = facts.map_or(0, |f| f.values().filter(|s| !s.invalidated).count()) as u64;
            let invalid = facts.map_or(0, |f| f.values().filter(|s| s.invalidated).count()) as u64;
            let mut by_region = BTreeMap::new();
            for f in facts.into_iter().flat_map(|f| f.values()).filter(|f| !f.invalidated) {
                *by_region.entry(f.region).or_insert(0u64) += 1;
            }
            if valid != p.signatures || invalid != p.invalidated || by_region != p.by_region {
                return Err(invalid_row(key.as_str(), "counts do not match the signature rows"));
            }
            // The first step is the first draft, steps are in log order, the last one gives the
            // status.
            let first_ok = p
                .transitions
                .first()
                .is_some_and(|t| t.event == "petition.drafted" && t.index == p.index && t.at == p.drafted_at);
            let ordered = p.transitions.windows(2).all(|w| w[0].index < w[1].index && w[0].at <= w[1].at);
            let last_ok = p.transitions.last().is_some_and(|t| t.status == p.status && t.index.0 < ctx.meta.size);
            if !first_ok || !ordered || !last_ok {
                return Err(invalid_row(key.as_str(), "transitions inconsistent with the petition or meta"));
            }
            for t in &p.transitions {
                *logged.entry(t.event.as_str()).or_insert(0) += 1;
            }
            if let Some(o) = &p.obligation {
                *logged.entry("obligation.opened").or_insert(0) += 1;
                *logged.entry("obligation.overdue").or_insert(0) += u64::from(o.overdue_at.is_some());
                *logged.entry("obligation.answered").or_insert(0) += u64::from(o.answer.is_some());
            }
        }
        // Every petition event but signatures and invalidations (counted below) left exactly one
        // mark on a petition row, so a missing or altered row shows in these counts.
        let marks = [
            "petition.drafted",
            "petition.launched",
            "petition.submitted",
            "petition.moderation_overdue",
            "petition.expired",
            "petition.accepted",
            "petition.rejected",
            "petition.withdrawn",
            "petition.closed",
            "obligation.opened",
            "obligation.overdue",
            "obligation.answered",
            "petition.reassigned",
        ];
        if logged.keys().any(|k| !marks.contains(k))
            || marks.iter().any(|k| logged.get(k).copied().unwrap_or(0) != count(k))
        {
            return Err(counts_mismatch("the petition rows"));
        }
        if self.signatures.keys().any(|id| !self.petitions.contains_key(id)) {
            return Err(invalid_row(RowPrefix::SIGNATURE.as_str(), "a signature of an unknown petition"));
        }
        if self.signature_count() as u64 != count("petition.signed")
            || self.invalidations.len() as u64 != count("signature.invalidated")
            || self.rules.is_some() != (count("petition_rules.published") > 0)
        {
            return Err(counts_mismatch("the petition rows"));
        }
        Ok(())
    }

    fn body_records(&self) -> Option<&BTreeMap<BodyId, BodyRecord>> {
        Some(self.records.all())
    }

    type Summary = PetitionsSummary;

    fn summary(&self) -> PetitionsSummary {
        let mut summary = PetitionsSummary::default();
        for p in self.petitions.values() {
            *summary.by_status.entry(p.status.as_str().to_owned()).or_insert(0) += 1;
            summary.signatures += p.signatures;
            if let Some(o) = &p.obligation {
                *summary.obligations.entry(o.status.as_str().to_owned()).or_insert(0) += 1;
            }
        }
        summary
    }
}

impl Petition {
    /// Conflict of interest: the author of a petition never decides on it as staff — never
    /// accepts or rejects it, reviews its signatures or answers it on the body's behalf. `actor`
    /// is the acting staff member's pseudonym for this petition, derived as the author's is;
    /// `None` when they are not a verified person, who cannot have written a petition.
    ///
    /// The fold cannot apply this rule: staff act under their account, the author appears only
    /// as a per-petition pseudonym, and linking the two is exactly what the log must not show
    /// (§8.6 of SPEC.md). So the server, which can derive the staff member's pseudonym, calls
    /// this before it submits the act; the author never changes after the first draft, so the
    /// answer cannot go stale before the act is logged.
    ///
    /// Signers are not checked: signing is a citizen's act that staff keep, and an initial
    /// supporter is no more the petition's party than any other signer. Signatures are
    /// pseudonymous per petition too, so the log could not show it either. Appeals, when they
    /// come, take the same rule: whoever considers an appeal is never its applicant, checked the
    /// same way since the applicant is pseudonymous as well.
    pub fn check_conflict_of_interest(&self, act: StaffAct, actor: Option<&Pseudonym>) -> Result<(), RuleError> {
        if actor == Some(&self.author) {
            return Err(RuleError::ConflictOfInterest {
                petition: self.id.to_string(),
                act: act.what(),
                left_to: act.left_to(),
            });
        }
        Ok(())
    }
}
