//! The petition rules: which petition events the state accepts, what they change, and which
//! events the rules themselves require (deadlines passed, counts reached).
//!
//! Deadlines are computed from the entries' timestamps, the deployment's time zone and the
//! published working-day calendar, never from a clock, so a replay reaches the same dates.
//! Events that the rules require carry what they decide (a due date, whether the threshold was
//! reached) so that a reader of the log sees it; the state refuses them unless they match
//! what it computes, and refuses a deadline event before its deadline.

use crate::petition::{
    Answer, Invalidation, Obligation, ObligationStatus, Petition, PetitionStatus, PublishedRules, Rejection,
    RejectionReason, Signature, SignatureFact, SignerKey, StaffAct, Terms, Threshold, Transition,
};
use crate::state::State;
use crate::{AccountId, Event, LogIndex, PetitionId, Pseudonym, Role, RuleError, Timestamp};
use time::{Date, Duration};

pub(crate) const PETITION_RULES_KEY: &str = "petition-rules";
pub(crate) const PETITION_PREFIX: &str = "petition/";
pub(crate) const SIGNATURE_PREFIX: &str = "signature/";

pub(crate) fn signature_key(petition: &PetitionId, signer: &Pseudonym) -> String {
    format!("{SIGNATURE_PREFIX}{petition}/{signer}")
}

impl State {
    fn petition_or_err(&self, id: &PetitionId) -> Result<&Petition, RuleError> {
        self.petitions.get(id).ok_or_else(|| RuleError::UnknownPetition(id.to_string()))
    }

    fn check_moderator(&self, account: &AccountId, petition: &Petition) -> Result<(), RuleError> {
        if self.holds(account, Role::Moderator, None) || self.holds(account, Role::Moderator, Some(&petition.body)) {
            Ok(())
        } else {
            Err(RuleError::NotModerator(account.to_string()))
        }
    }

    fn local_date(&self, at: Timestamp) -> Date {
        at.date_at_offset(self.utc_offset_minutes())
    }

    fn add_working_days(&self, at: Timestamp, days: u16) -> Date {
        self.calendar().add_working_days(self.local_date(at), u32::from(days))
    }

    /// The terms a petition drafted now takes.
    fn terms_for(&self, event: &Event) -> Result<Terms, RuleError> {
        let Event::PetitionDrafted { level, territory, topic, body, .. } = event else {
            unreachable!("terms are taken by petition.drafted only");
        };
        let published = self.petition_rules.as_ref().ok_or(RuleError::NoPetitionRules)?;
        let rules = &published.rules;
        let rule = rules.level(*level).ok_or(RuleError::LevelNotPetitionable(*level))?;
        let b = self.bodies.get(body).ok_or_else(|| RuleError::UnknownBody(body.to_string()))?;
        if !level.addresses(b.kind) {
            return Err(RuleError::BodyNotAtLevel { body: body.to_string(), kind: b.kind, level: *level });
        }
        if rules.topic(topic).is_none() {
            return Err(RuleError::UnknownTopic(topic.to_string()));
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

    pub(crate) fn check_petition(&self, event: &Event, at: Timestamp) -> Result<(), RuleError> {
        let status_err = |p: &Petition, needed: &'static str| RuleError::PetitionStatus {
            petition: p.id.to_string(),
            status: p.status,
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
                self.terms_for(event).map(|_| ())
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
                matches("moderation_due", self.add_working_days(at, p.terms.moderation_working_days), *moderation_due)
            }
            Event::PetitionModerationOverdue { petition } => {
                let p = self.petition_or_err(petition)?;
                if p.status != PetitionStatus::Moderation {
                    return Err(status_err(p, "in moderation"));
                }
                if p.moderation_overdue_at.is_some() {
                    return Err(RuleError::AlreadyOverdue(petition.to_string()));
                }
                due("the end of the moderation due day", self.moderation_deadline(p), at)
            }
            Event::PetitionExpired { petition } => {
                let p = self.petition_or_err(petition)?;
                if p.status != PetitionStatus::Gathering {
                    return Err(status_err(p, "gathering supporters"));
                }
                due("the end of the initial window", p.gathering_ends_at, at)?;
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
                self.check_moderator(by, p)?;
                if p.status != PetitionStatus::Moderation {
                    return Err(status_err(p, "in moderation"));
                }
                Ok(())
            }
            Event::PetitionRejected { petition, by, reason, forbidden_topic, duplicate_of, .. } => {
                let p = self.petition_or_err(petition)?;
                // Its author may not do this; the log cannot tell (see `check_conflict_of_interest`).
                self.check_moderator(by, p)?;
                if !matches!(p.status, PetitionStatus::Gathering | PetitionStatus::Moderation) {
                    return Err(status_err(p, "gathering supporters or in moderation"));
                }
                if let Some(code) = forbidden_topic {
                    let rules = self.petition_rules.as_ref().ok_or(RuleError::NoPetitionRules)?;
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
                due("the end of the collection window", p.closes_at, at)?;
                if p.threshold_reached_at.is_some() && p.obligation.is_none() {
                    // The obligation comes first, so the log never shows a petition closed
                    // with its threshold reached and nothing owed.
                    return Err(RuleError::NoObligation(petition.to_string()));
                }
                matches("threshold_reached", p.threshold_reached_at.is_some(), *threshold_reached)
            }
            Event::SignatureInvalidated { petition, signer, by, .. } => {
                let p = self.petition_or_err(petition)?;
                // Its author may not do this; the log cannot tell (see `check_conflict_of_interest`).
                self.check_moderator(by, p)?;
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
                matches("body", p.body.to_string(), body.to_string())?;
                matches("due", self.add_working_days(reached, p.terms.consideration_working_days), *due)
            }
            Event::ObligationOverdue { petition } => {
                let p = self.petition_or_err(petition)?;
                let o = p.obligation.as_ref().ok_or_else(|| RuleError::NoObligation(petition.to_string()))?;
                match o.status {
                    ObligationStatus::Awaiting => {}
                    ObligationStatus::Overdue => return Err(RuleError::AlreadyOverdue(petition.to_string())),
                    ObligationStatus::Answered => return Err(RuleError::AlreadyAnswered(petition.to_string())),
                }
                due("the end of the due day", Some(o.due_at), at)
            }
            Event::ObligationAnswered { petition, by, .. } => {
                let p = self.petition_or_err(petition)?;
                // Its author may not do this; the log cannot tell (see `check_conflict_of_interest`).
                let o = p.obligation.as_ref().ok_or_else(|| RuleError::NoObligation(petition.to_string()))?;
                if !self.holds(by, Role::Official, Some(&o.body)) && !self.holds(by, Role::Head, Some(&o.body)) {
                    return Err(RuleError::NotOfficialOfBody { official: by.to_string(), body: o.body.to_string() });
                }
                if o.status == ObligationStatus::Answered {
                    return Err(RuleError::AlreadyAnswered(petition.to_string()));
                }
                Ok(())
            }
            _ => unreachable!("check_petition is called for petition events only"),
        }
    }

    /// Applies a checked petition event; returns the main projection row it changed (others
    /// are marked dirty here).
    pub(crate) fn apply_petition(&mut self, index: LogIndex, at: Timestamp, event: &Event) -> String {
        if let Event::PetitionRulesPublished { rules } = event {
            self.petition_rules = Some(PublishedRules { rules: rules.clone(), published_at: at, index });
            return PETITION_RULES_KEY.to_owned();
        }
        if let Event::PetitionDrafted { petition, author, body, level, territory, topic, title, text } = event {
            let terms = match self.terms_for(event) {
                Ok(t) => t,
                Err(e) => unreachable!("checked before applying: {e}"),
            };
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
            return format!("{PETITION_PREFIX}{petition}");
        }
        let Some(id) = event.petition().cloned() else {
            unreachable!("apply_petition is called for petition events only");
        };
        // Computed before borrowing the petition mutably.
        let offset = self.utc_offset_minutes();
        let calendar = match event {
            Event::PetitionLaunched { .. } => Some(self.calendar()),
            _ => None,
        };
        let Some(p) = self.petitions.get_mut(&id) else {
            unreachable!("checked before applying: petition `{id}` exists");
        };
        let moved = |p: &mut Petition, status: PetitionStatus, by: Option<&AccountId>| {
            p.status = status;
            p.transitions.push(Transition { event: event.kind().to_owned(), status, by: by.cloned(), at, index });
        };
        match event {
            Event::PetitionLaunched { .. } => {
                let start = at.date_at_offset(offset);
                let last =
                    calendar.unwrap_or_default().add_working_days(start, p.terms.initial_window_working_days.into());
                p.gathering_ends_at = Some(Timestamp::end_of_day(last, offset));
                moved(p, PetitionStatus::Gathering, None);
            }
            Event::PetitionSigned { petition, signer, region } => {
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
                    self.pending_follow_ups.insert(id.clone());
                }
                self.signatures.entry(petition.clone()).or_default().insert(
                    SignerKey::of(signer),
                    SignatureFact { region: *region, signed_at: at, index, invalidated: false },
                );
                self.dirty.insert(signature_key(petition, signer));
            }
            Event::PetitionSubmitted { moderation_due, .. } => {
                p.moderation_due = Some(*moderation_due);
                moved(p, PetitionStatus::Moderation, None);
            }
            Event::PetitionModerationOverdue { .. } => {
                p.moderation_overdue_at = Some(at);
                moved(p, PetitionStatus::Moderation, None);
            }
            Event::PetitionExpired { .. } => moved(p, PetitionStatus::Expired, None),
            Event::PetitionAccepted { by, .. } => {
                // Saturates like every other deadline, rather than overflow near year 9999.
                let start = at.date_at_offset(offset);
                let last = start.checked_add(Duration::days(p.terms.collection_days.into())).unwrap_or(Date::MAX);
                p.closes_at = Some(Timestamp::end_of_day(last, offset));
                if p.signatures >= p.terms.threshold {
                    p.threshold_reached_at = Some(at);
                    self.pending_follow_ups.insert(id.clone());
                }
                moved(p, PetitionStatus::Open, Some(by));
            }
            Event::PetitionRejected { by, reason, forbidden_topic, duplicate_of, comment, .. } => {
                p.rejection = Some(Rejection {
                    reason: *reason,
                    forbidden_topic: forbidden_topic.clone(),
                    duplicate_of: duplicate_of.clone(),
                    comment: comment.clone(),
                    by: by.clone(),
                });
                moved(p, PetitionStatus::Rejected, Some(by));
            }
            Event::PetitionWithdrawn { reason, .. } => {
                p.withdrawal_reason = Some(reason.clone());
                moved(p, PetitionStatus::Withdrawn, None);
            }
            Event::PetitionClosed { .. } => moved(p, PetitionStatus::Closed, None),
            Event::SignatureInvalidated { petition, signer, by, reason } => {
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
                self.dirty.insert(signature_key(petition, signer));
            }
            Event::ObligationOpened { body, due, .. } => {
                p.obligation = Some(Obligation {
                    body: body.clone(),
                    status: ObligationStatus::Awaiting,
                    due: *due,
                    due_at: Timestamp::end_of_day(*due, offset),
                    opened_at: at,
                    index,
                    overdue_at: None,
                    answer: None,
                });
            }
            Event::ObligationOverdue { .. } => {
                if let Some(o) = &mut p.obligation {
                    o.status = ObligationStatus::Overdue;
                    o.overdue_at = Some(at);
                }
            }
            Event::ObligationAnswered { by, decision, answer, discussion, head_statement, .. } => {
                if let Some(o) = &mut p.obligation {
                    o.status = ObligationStatus::Answered;
                    o.answer = Some(Answer {
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
            _ => unreachable!("apply_petition is called for petition events only"),
        }
        format!("{PETITION_PREFIX}{id}")
    }

    /// The instant the moderation due day ends.
    fn moderation_deadline(&self, p: &Petition) -> Option<Timestamp> {
        p.moderation_due.map(|d| Timestamp::end_of_day(d, self.utc_offset_minutes()))
    }

    /// Events the rules require at `at` for one petition, in the order they must be logged.
    fn due_for(&self, p: &Petition, at: Timestamp) -> Vec<Event> {
        let mut due = Vec::new();
        let petition = p.id.clone();
        match p.status {
            PetitionStatus::Gathering if p.signatures >= u64::from(p.terms.initial_supporters) => {
                let moderation_due = self.add_working_days(at, p.terms.moderation_working_days);
                due.push(Event::PetitionSubmitted { petition: petition.clone(), moderation_due });
            }
            PetitionStatus::Gathering if p.gathering_ends_at.is_some_and(|end| at >= end) => {
                due.push(Event::PetitionExpired { petition: petition.clone() })
            }
            PetitionStatus::Moderation
                if p.moderation_overdue_at.is_none() && self.moderation_deadline(p).is_some_and(|end| at >= end) =>
            {
                due.push(Event::PetitionModerationOverdue { petition: petition.clone() })
            }
            _ => {}
        }
        if let (Some(reached), None) = (p.threshold_reached_at, &p.obligation) {
            let date = self.add_working_days(reached, p.terms.consideration_working_days);
            due.push(Event::ObligationOpened { petition: petition.clone(), body: p.body.clone(), due: date });
        }
        if p.status == PetitionStatus::Open && p.closes_at.is_some_and(|end| at >= end) {
            due.push(Event::PetitionClosed {
                petition: petition.clone(),
                threshold_reached: p.threshold_reached_at.is_some(),
            });
        }
        if let Some(o) = &p.obligation {
            if o.status == ObligationStatus::Awaiting && at >= o.due_at {
                due.push(Event::ObligationOverdue { petition });
            }
        }
        due
    }

    /// Every event the rules require at `at`: deadlines that have passed and counts that were
    /// reached. The sequencer logs them as soon as they are due; an auditor can check that a
    /// log left none pending for long.
    pub fn due_events(&self, at: Timestamp) -> Vec<Event> {
        self.petitions.values().flat_map(|p| self.due_for(p, at)).collect()
    }

    /// The events required by what the last applied entries did (a count reached, a petition
    /// accepted past its threshold). The sequencer logs them right after, in the same batch.
    pub fn take_follow_ups(&mut self, at: Timestamp) -> Vec<Event> {
        let pending = std::mem::take(&mut self.pending_follow_ups);
        pending.iter().filter_map(|id| self.petitions.get(id)).flat_map(|p| self.due_for(p, at)).collect()
    }

    /// The petition rules in force, if published.
    pub fn petition_rules(&self) -> Option<&PublishedRules> {
        self.petition_rules.as_ref()
    }

    pub fn petition(&self, id: &PetitionId) -> Option<&Petition> {
        self.petitions.get(id)
    }

    /// Every petition, by id.
    pub fn petitions(&self) -> impl Iterator<Item = &Petition> {
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
    /// than [`State::signatures_of`] when only the times are needed.
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

    pub(crate) fn petition_signature_rows(&self) -> Vec<(String, Signature)> {
        self.signatures
            .iter()
            .flat_map(|(id, facts)| {
                facts.keys().filter_map(move |k| {
                    let signer = k.pseudonym();
                    self.signature(id, &signer).map(|s| (signature_key(id, &signer), s))
                })
            })
            .collect()
    }

    /// Loads a signature row into the state (used when rebuilding from rows).
    pub(crate) fn load_signature(&mut self, s: Signature) -> bool {
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

    /// Petition rows agree with their signature rows and with the log's counts.
    pub(crate) fn check_petitions_consistency(&self) -> Result<(), RuleError> {
        let bad = |key: String, reason: String| Err(RuleError::InvalidRow { key, reason });
        let count = |kind: &str| self.counts().get(kind).copied().unwrap_or(0);
        let mut logged: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
        for p in self.petitions.values() {
            let key = format!("{PETITION_PREFIX}{}", p.id);
            let facts = self.signatures.get(&p.id);
            let valid = facts.map_or(0, |f| f.values().filter(|s| !s.invalidated).count()) as u64;
            let invalid = facts.map_or(0, |f| f.values().filter(|s| s.invalidated).count()) as u64;
            let mut by_region = std::collections::BTreeMap::new();
            for f in facts.into_iter().flat_map(|f| f.values()).filter(|f| !f.invalidated) {
                *by_region.entry(f.region).or_insert(0u64) += 1;
            }
            if valid != p.signatures || invalid != p.invalidated || by_region != p.by_region {
                return bad(key, "counts do not match the signature rows".into());
            }
            // The first step is the first draft, steps are in log order, the last one gives the
            // status.
            let first_ok = p
                .transitions
                .first()
                .is_some_and(|t| t.event == "petition.drafted" && t.index == p.index && t.at == p.drafted_at);
            let ordered = p.transitions.windows(2).all(|w| w[0].index < w[1].index && w[0].at <= w[1].at);
            let last_ok = p.transitions.last().is_some_and(|t| t.status == p.status && t.index.0 < self.size());
            if !first_ok || !ordered || !last_ok {
                return bad(key, "transitions inconsistent with the petition or meta".into());
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
        ];
        if logged.keys().any(|k| !marks.contains(k))
            || marks.iter().any(|k| logged.get(k).copied().unwrap_or(0) != count(k))
        {
            return bad("meta".into(), "counts do not match the petition rows".into());
        }
        if self.signatures.keys().any(|id| !self.petitions.contains_key(id)) {
            return bad(SIGNATURE_PREFIX.into(), "a signature of an unknown petition".into());
        }
        if self.signature_count() as u64 != count("petition.signed")
            || self.invalidations.len() as u64 != count("signature.invalidated")
            || self.petition_rules.is_some() != (count("petition_rules.published") > 0)
        {
            return bad("meta".into(), "counts do not match the petition rows".into());
        }
        Ok(())
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
            return Err(RuleError::ConflictOfInterest { petition: self.id.to_string(), act });
        }
        Ok(())
    }
}

/// Refuses a deadline event before its deadline.
fn due(what: &'static str, deadline: Option<Timestamp>, at: Timestamp) -> Result<(), RuleError> {
    match deadline {
        Some(d) if at >= d => Ok(()),
        Some(d) => Err(RuleError::NotYetDue { what, due: d }),
        None => Err(RuleError::NotYetDue { what, due: Timestamp::MAX }),
    }
}

/// Refuses a rule-required event whose stated decision differs from the rules'.
fn matches<T: PartialEq + std::fmt::Debug>(field: &'static str, expected: T, got: T) -> Result<(), RuleError> {
    if expected == got {
        Ok(())
    } else {
        Err(RuleError::RuleMismatch { field, expected: format!("{expected:?}"), got: format!("{got:?}") })
    }
}
