//! What the rule tests of every capability share: ids and texts, the 2026 calendar at UTC+5,
//! and a [`World`] (a state and the sequencer's clock) that applies events as the sequencer
//! does and checks refusals change nothing.

use crate::*;
use time::Date;

pub(crate) const OFFSET: i16 = 300;
pub(crate) const MINUTE: u64 = 60_000;
pub(crate) const HOUR: u64 = 60 * MINUTE;
pub(crate) const DAY: u64 = 24 * HOUR;

pub(crate) fn id<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().expect("valid id in test")
}

pub(crate) fn lt(s: &str) -> LocalizedText {
    LocalizedText::new(format!("{s} kk"), format!("{s} ru"), format!("{s} en"))
}

pub(crate) fn pt(s: &str) -> PartialText {
    PartialText::one(Lang::Ru, s)
}

pub(crate) fn ps(n: u8) -> Pseudonym {
    Pseudonym::from_digest(1, &[n; 32]).expect("valid version")
}

/// `hh:mm` local time (UTC+5) on `d`: local midnight is the end of the day before.
pub(crate) fn local(d: Date, hh: u64, mm: u64) -> Timestamp {
    Timestamp(Timestamp::end_of_day(d, OFFSET).0 - DAY + hh * HOUR + mm * MINUTE)
}

pub(crate) fn end_of(d: Date) -> Timestamp {
    Timestamp::end_of_day(d, OFFSET)
}

/// The 2026 calendar the rules are tested against (Kazakhstan's weekdays off).
pub(crate) fn calendar_2026() -> Event {
    Event::CalendarPublished {
        year: 2026,
        holidays: calendar::kazakhstan_2026_holidays(),
        transferred_working_days: vec![],
    }
}

/// A state and the sequencer's clock.
pub(crate) struct World {
    pub(crate) s: State,
    pub(crate) at: Timestamp,
}

impl World {
    /// Applies `e` now; panics if it is refused.
    #[track_caller]
    pub(crate) fn apply(&mut self, e: Event) {
        let kind = e.kind();
        if let Err(err) = self.s.apply(LogIndex(self.s.size()), &Entry::new(self.at, e)) {
            panic!("{kind} refused: {err}");
        }
    }

    /// Applies `e` now and then, as the sequencer does, the events the rules require right
    /// after it; returns those.
    #[track_caller]
    pub(crate) fn ok(&mut self, e: Event) -> Vec<Event> {
        self.apply(e);
        let follow_ups = self.s.take_follow_ups(self.at);
        for f in follow_ups.clone() {
            self.apply(f);
        }
        follow_ups
    }

    /// Moves the clock to `at` and logs everything the rules require then; returns it.
    #[track_caller]
    pub(crate) fn tick(&mut self, at: Timestamp) -> Vec<Event> {
        self.at = at;
        let due = self.s.due_events(at);
        for e in due.clone() {
            self.apply(e);
        }
        due
    }

    /// `e` is refused now with `code`, by `check` and `apply` alike, and changes nothing.
    #[track_caller]
    pub(crate) fn refused(&mut self, e: Event, code: &str) {
        let before = self.s.clone();
        let rows = self.s.rows();
        assert_eq!(self.s.check(&e, self.at).map_err(|e| e.code()), Err(code), "check of {}", e.kind());
        let got = self.s.apply(LogIndex(self.s.size()), &Entry::new(self.at, e));
        assert_eq!(got.map_err(|e| e.code()), Err(code), "apply");
        assert_eq!(self.s, before);
        assert_eq!(self.s.rows(), rows);
    }
}
