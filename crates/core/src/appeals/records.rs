//! Every body's public record of the cases it owes answers on. Each appeal adds its
//! contribution (from its own history, so a state reloaded from rows adds up to the same
//! figures) and a changed appeal swaps its old contribution for its new one: one event costs
//! the same whatever the number of cases.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Appeal, AppealStatus};
use crate::BodyId;

/// One body's figures, all time. Only counts: the shares, medians and intervals pages show are
/// computed from them ([`BodyRecord::median_working_days`], [`wilson_interval`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyRecord {
    /// Cases that reached it: filed with it, forwarded to it, or handed to it by a
    /// reorganisation.
    pub received: u64,
    /// Cases it sent on to the competent body, and of those after the forwarding deadline.
    pub forwarded: u64,
    pub forwarded_late: u64,
    /// Open cases a reorganisation handed to its successors.
    pub handed_over: u64,
    pub answered: u64,
    pub answered_on_time: u64,
    /// Cases the rules marked overdue here (answered late or not at all).
    pub overdue: u64,
    /// Overdue cases still without an answer: deemed refused.
    pub overdue_unanswered: u64,
    pub extended: u64,
    /// Extensions the applicant was told of after the notice deadline.
    pub extension_notices_late: u64,
    /// Complaints to the superior body about its answers or silences.
    pub escalated: u64,
    /// Cases it holds that await an answer (overdue ones included).
    pub open: u64,
    /// How many answers took each number of working days.
    pub days_to_answer: BTreeMap<u32, u64>,
    /// By month (`YYYY-MM`, the local month of each step).
    pub by_month: BTreeMap<String, MonthRecord>,
}

/// One body's figures in one month.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthRecord {
    pub received: u64,
    pub answered: u64,
    pub answered_on_time: u64,
    pub overdue: u64,
}

impl BodyRecord {
    /// Cases whose outcome is known: answered, or deemed refused by silence.
    pub fn decided(&self) -> u64 {
        self.answered + self.overdue_unanswered
    }

    /// The median working days to answer (the lower middle of an even count).
    pub fn median_working_days(&self) -> Option<u32> {
        self.percentile_working_days(50)
    }

    /// The `p`th percentile (nearest rank) of working days to answer.
    pub fn percentile_working_days(&self, p: u64) -> Option<u32> {
        let total: u64 = self.days_to_answer.values().sum();
        if total == 0 {
            return None;
        }
        let rank = (p * total).div_ceil(100).max(1);
        let mut seen = 0;
        self.days_to_answer.iter().find_map(|(days, n)| {
            seen += n;
            (seen >= rank).then_some(*days)
        })
    }

    /// Adds `other`'s figures (a body's appeals and its petitions' obligations).
    pub fn add(&mut self, other: &BodyRecord) {
        self.apply(other, Sign::Add);
    }

    fn apply(&mut self, other: &BodyRecord, sign: Sign) {
        for (mine, n) in self.counts_mut().into_iter().zip(other.counts()) {
            sign.bump(mine, n);
        }
        for (days, n) in &other.days_to_answer {
            sign.bump_entry(&mut self.days_to_answer, *days, *n);
        }
        for (month, theirs) in &other.by_month {
            let mine = self.by_month.entry(month.clone()).or_default();
            sign.bump(&mut mine.received, theirs.received);
            sign.bump(&mut mine.answered, theirs.answered);
            sign.bump(&mut mine.answered_on_time, theirs.answered_on_time);
            sign.bump(&mut mine.overdue, theirs.overdue);
            if *mine == MonthRecord::default() {
                self.by_month.remove(month);
            }
        }
    }

    fn counts_mut(&mut self) -> [&mut u64; 12] {
        [
            &mut self.received,
            &mut self.forwarded,
            &mut self.forwarded_late,
            &mut self.handed_over,
            &mut self.answered,
            &mut self.answered_on_time,
            &mut self.overdue,
            &mut self.overdue_unanswered,
            &mut self.extended,
            &mut self.extension_notices_late,
            &mut self.escalated,
            &mut self.open,
        ]
    }

    fn counts(&self) -> [u64; 12] {
        [
            self.received,
            self.forwarded,
            self.forwarded_late,
            self.handed_over,
            self.answered,
            self.answered_on_time,
            self.overdue,
            self.overdue_unanswered,
            self.extended,
            self.extension_notices_late,
            self.escalated,
            self.open,
        ]
    }
}

/// Whether a contribution is being added or taken back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sign {
    Add,
    Remove,
}

impl Sign {
    fn bump(self, n: &mut u64, by: u64) {
        *n = match self {
            Sign::Add => n.saturating_add(by),
            Sign::Remove => n.saturating_sub(by),
        };
    }

    /// Bumps a keyed count, dropping it at zero so that equal figures are equal maps.
    fn bump_entry<K: Ord>(self, map: &mut BTreeMap<K, u64>, key: K, by: u64) {
        let n = map.entry(key).or_insert(0);
        self.bump(n, by);
        if *n == 0 {
            map.retain(|_, n| *n != 0);
        }
    }
}

/// The records of every body, kept as the sum of every case's contribution.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Records {
    by_body: BTreeMap<BodyId, BodyRecord>,
}

impl Records {
    pub(crate) fn get(&self, body: &BodyId) -> Option<&BodyRecord> {
        self.by_body.get(body)
    }

    pub(crate) fn all(&self) -> &BTreeMap<BodyId, BodyRecord> {
        &self.by_body
    }

    /// Adds or takes back what `appeal` contributes, as its history and status stand.
    pub(crate) fn count(&mut self, appeal: &Appeal, sign: Sign) {
        let mut one = |body: &BodyId, f: &dyn Fn(&mut BodyRecord)| {
            let mut delta = BodyRecord::default();
            f(&mut delta);
            let record = self.by_body.entry(body.clone()).or_default();
            record.apply(&delta, sign);
            if *record == BodyRecord::default() {
                self.by_body.remove(body);
            }
        };
        let month = |on: time::Date| format!("{:04}-{:02}", on.year(), u8::from(on.month()));
        for step in &appeal.steps {
            let m = month(step.on);
            let received = |r: &mut BodyRecord| {
                r.received = 1;
                r.by_month.insert(m.clone(), MonthRecord { received: 1, ..MonthRecord::default() });
            };
            match step.event.as_str() {
                "appeal.filed" => one(&step.body, &received),
                "appeal.forwarded" | "appeal.reassigned" => {
                    let forwarded = step.event == "appeal.forwarded";
                    one(&step.body, &|r| {
                        if forwarded {
                            r.forwarded = 1;
                            r.forwarded_late = u64::from(step.late);
                        } else {
                            r.handed_over = 1;
                        }
                    });
                    if let Some(to) = &step.to {
                        one(to, &received);
                    }
                }
                "appeal.extended" => one(&step.body, &|r| {
                    r.extended = 1;
                    r.extension_notices_late = u64::from(step.late);
                }),
                "appeal.overdue" => one(&step.body, &|r| {
                    r.overdue = 1;
                    r.by_month.insert(m.clone(), MonthRecord { overdue: 1, ..MonthRecord::default() });
                }),
                "appeal.answered" => {
                    let Some(answer) = &appeal.obligation.answer else { continue };
                    one(&step.body, &|r| {
                        let on_time = u64::from(answer.on_time);
                        r.answered = 1;
                        r.answered_on_time = on_time;
                        r.days_to_answer.insert(answer.working_days, 1);
                        r.by_month.insert(
                            m.clone(),
                            MonthRecord { answered: 1, answered_on_time: on_time, ..MonthRecord::default() },
                        );
                    })
                }
                _ => {}
            }
        }
        if let Some(complaint) = &appeal.complaint {
            one(&complaint.against, &|r| r.escalated = 1);
        }
        if appeal.status.is_open() {
            let overdue = appeal.status == AppealStatus::Overdue;
            one(appeal.body(), &|r| {
                r.open = 1;
                r.overdue_unanswered = u64::from(overdue);
            });
        }
    }
}

/// The Wilson score interval for `successes` out of `trials` at 95% confidence (z = 1.96):
/// unlike the plain share, it does not put a body with 1 case of 1 answered on time above one
/// with 990 of 1,000. `None` for no trials.
pub fn wilson_interval(successes: u64, trials: u64) -> Option<(f64, f64)> {
    if trials == 0 {
        return None;
    }
    const Z: f64 = 1.959_963_984_540_054;
    let n = trials as f64;
    let p = successes.min(trials) as f64 / n;
    let z2 = Z * Z;
    let centre = p + z2 / (2.0 * n);
    let margin = Z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let denominator = 1.0 + z2 / n;
    Some((((centre - margin) / denominator).max(0.0), ((centre + margin) / denominator).min(1.0)))
}
