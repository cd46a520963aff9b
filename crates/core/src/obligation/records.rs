//! Every body's public record of the cases it owes answers on, appeals and petitions' alike.
//! Each case adds its contribution (computed from its own row, so a state reloaded from rows
//! adds up to the same figures) and a changed case swaps its old contribution for its new
//! one: one event costs the same whatever the number of cases.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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

/// A body's headline figures, derived from its [`BodyRecord`]: what its public page, the API
/// and `dauys audit` show. The on-time share is of decided cases (answered, or deemed refused
/// by silence), with its 95% Wilson interval, so that bodies with few cases are ranked by the
/// interval's lower end rather than by luck.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BodyFigures {
    pub received: u64,
    pub forwarded: u64,
    /// Forwarded after the forwarding deadline.
    pub forwarded_late: u64,
    /// Open cases a reorganisation handed to a successor.
    pub handed_over: u64,
    pub answered: u64,
    pub answered_on_time: u64,
    pub overdue: u64,
    pub overdue_unanswered: u64,
    pub extended: u64,
    /// Extensions the applicant was told of after the notice deadline.
    pub extension_notices_late: u64,
    pub escalated: u64,
    pub open: u64,
    pub median_working_days: Option<u32>,
    pub p90_working_days: Option<u32>,
    pub on_time_share: Option<f64>,
    pub on_time_low: Option<f64>,
    pub on_time_high: Option<f64>,
}

impl std::fmt::Display for BodyFigures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "received {}, forwarded {} ({} late), handed over {}, answered {} ({} on time), overdue {} ({} unanswered), \
             extended {} ({} told late), escalated {}, open {}",
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
            self.open
        )?;
        if let (Some(median), Some(p90)) = (self.median_working_days, self.p90_working_days) {
            write!(f, "; median {median} and 90th percentile {p90} working days to answer")?;
        }
        if let (Some(share), Some(low), Some(high)) = (self.on_time_share, self.on_time_low, self.on_time_high) {
            write!(f, "; {:.1}% on time (95% interval {:.1}–{:.1}%)", share * 100.0, low * 100.0, high * 100.0)?;
        }
        Ok(())
    }
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

    /// The figures a body's page, the API and `dauys audit` show, computed one way for all.
    pub fn figures(&self) -> BodyFigures {
        let decided = self.decided();
        let interval = wilson_interval(self.answered_on_time, decided);
        BodyFigures {
            received: self.received,
            forwarded: self.forwarded,
            forwarded_late: self.forwarded_late,
            handed_over: self.handed_over,
            answered: self.answered,
            answered_on_time: self.answered_on_time,
            overdue: self.overdue,
            overdue_unanswered: self.overdue_unanswered,
            extended: self.extended,
            extension_notices_late: self.extension_notices_late,
            escalated: self.escalated,
            open: self.open,
            median_working_days: self.median_working_days(),
            p90_working_days: self.percentile_working_days(90),
            on_time_share: (decided > 0).then(|| self.answered_on_time as f64 / decided as f64),
            on_time_low: interval.map(|i| i.0),
            on_time_high: interval.map(|i| i.1),
        }
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

    /// Adds (or takes back) `delta` to `body`'s record, dropping a record that comes to nothing.
    pub(crate) fn apply(&mut self, body: &BodyId, delta: &BodyRecord, sign: Sign) {
        let record = self.by_body.entry(body.clone()).or_default();
        record.apply(delta, sign);
        if *record == BodyRecord::default() {
            self.by_body.remove(body);
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
