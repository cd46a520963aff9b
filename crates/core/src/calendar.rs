//! The working-day calendar: which days count toward legal deadlines.
//!
//! Saturdays and Sundays are days off unless a decree made them working days
//! (`transferred_working_days`); any other day is a working day unless published as a
//! holiday. Years without a published calendar follow the plain Saturday/Sunday rule, so a
//! deadline computed before next year's calendar is published may move when it appears —
//! exactly as it does on paper.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use time::{Date, Weekday};

/// Kazakhstan's weekdays off in 2026, as the demo publishes them and the petition rules are
/// tested against:
/// 1–2 and 7 January; 9 March for Sunday 8 March; Nauryz 23 March and 24–25 March for the
/// weekend of 21–22; 1 and 7 May; 11 May for Saturday 9 May; 27 May (Kurban ait); 6 July;
/// 31 August for Sunday 30 August; 26 October for Sunday 25 October; 16 December. No
/// working day was transferred to a weekend.
pub fn kazakhstan_2026_holidays() -> Vec<Date> {
    use time::macros::date;
    vec![
        date!(2026 - 01 - 01),
        date!(2026 - 01 - 02),
        date!(2026 - 01 - 07),
        date!(2026 - 03 - 09),
        date!(2026 - 03 - 23),
        date!(2026 - 03 - 24),
        date!(2026 - 03 - 25),
        date!(2026 - 05 - 01),
        date!(2026 - 05 - 07),
        date!(2026 - 05 - 11),
        date!(2026 - 05 - 27),
        date!(2026 - 07 - 06),
        date!(2026 - 08 - 31),
        date!(2026 - 10 - 26),
        date!(2026 - 12 - 16),
    ]
}

/// Holidays and transferred working days from all published years.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    holidays: BTreeSet<Date>,
    transferred_working_days: BTreeSet<Date>,
}

/// A number of working days (e.g. a statutory response period).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct WorkingDays(pub u32);

impl fmt::Display for WorkingDays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} working days", self.0)
    }
}

impl Calendar {
    pub fn new(
        holidays: impl IntoIterator<Item = Date>,
        transferred_working_days: impl IntoIterator<Item = Date>,
    ) -> Self {
        Calendar {
            holidays: holidays.into_iter().collect(),
            transferred_working_days: transferred_working_days.into_iter().collect(),
        }
    }

    pub fn holidays(&self) -> impl Iterator<Item = Date> + '_ {
        self.holidays.iter().copied()
    }

    pub fn transferred_working_days(&self) -> impl Iterator<Item = Date> + '_ {
        self.transferred_working_days.iter().copied()
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        if self.transferred_working_days.contains(&d) {
            return true;
        }
        if self.holidays.contains(&d) {
            return false;
        }
        !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
    }

    /// The date that is `n` working days after `start` (start itself not counted), per the
    /// published calendar. `n = 0` gives `start`, even if `start` is not a working day.
    /// Saturates at [`Date::MAX`].
    pub fn add_working_days(&self, start: Date, n: u32) -> Date {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            match d.next_day() {
                Some(next) => d = next,
                None => return Date::MAX,
            }
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// The number of working days `d` with `from < d <= to` (0 if `to <= from`), so that
    /// `working_days_between(s, add_working_days(s, n)) == n`.
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut count = 0u32;
        let mut d = from;
        while d < to {
            match d.next_day() {
                Some(next) => d = next,
                None => break,
            }
            if self.is_working_day(d) {
                count = count.saturating_add(1);
            }
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// Kazakhstan 2026, ILLUSTRATIVE: the statutory holidays per the Labour Code, plus days
    /// off moved by an assumed decree for holidays that fall on a weekend. The real 2026
    /// transfers are set by government decree; these tests only need a plausible set.
    fn kz_2026() -> Calendar {
        Calendar::new(
            [
                date!(2026 - 01 - 01), // New Year
                date!(2026 - 01 - 02),
                date!(2026 - 01 - 07), // Orthodox Christmas
                date!(2026 - 03 - 09), // 8 March is a Sunday: Monday off (illustrative)
                date!(2026 - 03 - 23), // Nauryz 21–23; 21 and 22 are Sat/Sun
                date!(2026 - 03 - 24), // Nauryz days moved from the weekend (illustrative)
                date!(2026 - 03 - 25),
                date!(2026 - 05 - 01), // Unity Day
                date!(2026 - 05 - 07), // Defender's Day
                date!(2026 - 05 - 11), // Victory Day 9 May is a Saturday: Monday off
                date!(2026 - 07 - 06), // Capital Day
                date!(2026 - 08 - 31), // Constitution Day 30 Aug is a Sunday: Monday off
                date!(2026 - 10 - 26), // Republic Day 25 Oct is a Sunday: Monday off
                date!(2026 - 12 - 16), // Independence Day
            ],
            // A Saturday worked in exchange for a bridge day (illustrative).
            [date!(2026 - 01 - 03)],
        )
    }

    #[test]
    fn working_days_basic() {
        let c = kz_2026();
        assert!(!c.is_working_day(date!(2026 - 01 - 01)));
        assert!(c.is_working_day(date!(2026 - 01 - 03))); // transferred Saturday
        assert!(!c.is_working_day(date!(2026 - 01 - 04))); // Sunday
        assert!(c.is_working_day(date!(2026 - 03 - 20))); // Friday before Nauryz
        assert!(!c.is_working_day(date!(2026 - 03 - 21)));
        assert!(!c.is_working_day(date!(2026 - 03 - 25)));
        assert!(c.is_working_day(date!(2026 - 03 - 26)));
        // Unpublished years: plain weekends.
        assert!(c.is_working_day(date!(2027 - 01 - 01))); // a Friday
        assert!(!c.is_working_day(date!(2027 - 01 - 02)));
    }

    #[test]
    fn fifteen_working_days_across_nauryz() {
        let c = kz_2026();
        // Tuesday 17 March 2026. Working days after it: 18, 19, 20 (3), [21–25 off],
        // 26, 27 (5), 30, 31, 1 Apr, 2, 3 (10), 6, 7, 8, 9, 10 (15).
        let start = date!(2026 - 03 - 17);
        assert_eq!(c.add_working_days(start, 15), date!(2026 - 04 - 10));
        assert_eq!(c.working_days_between(start, date!(2026 - 04 - 10)), 15);
        assert_eq!(c.working_days_between(start, date!(2026 - 04 - 09)), 14);
        // Without the calendar only the weekend would be skipped.
        assert_eq!(Calendar::default().add_working_days(start, 15), date!(2026 - 04 - 07));
    }

    #[test]
    fn across_weekends_and_holidays() {
        let c = kz_2026();
        assert_eq!(c.add_working_days(date!(2026 - 03 - 17), 0), date!(2026 - 03 - 17));
        assert_eq!(c.add_working_days(date!(2026 - 03 - 21), 0), date!(2026 - 03 - 21));
        // Friday + 1 = Monday.
        assert_eq!(c.add_working_days(date!(2026 - 02 - 13), 1), date!(2026 - 02 - 16));
        // Friday 6 Mar + 1: Sat, Sun, Mon 9 Mar off -> Tuesday 10 Mar.
        assert_eq!(c.add_working_days(date!(2026 - 03 - 06), 1), date!(2026 - 03 - 10));
        // Wednesday 31 Dec 2025 + 1: 1, 2 Jan off, Sat 3 Jan is a working day.
        assert_eq!(c.add_working_days(date!(2025 - 12 - 31), 1), date!(2026 - 01 - 03));
        // Thursday 30 Apr + 3: 1 May off, weekend, Mon 4, Tue 5, Wed 6.
        assert_eq!(c.add_working_days(date!(2026 - 04 - 30), 3), date!(2026 - 05 - 06));
        // Wed 6 May + 1: 7 May off -> Fri 8; + 2: weekend, Mon 11 off -> Tue 12.
        assert_eq!(c.add_working_days(date!(2026 - 05 - 06), 1), date!(2026 - 05 - 08));
        assert_eq!(c.add_working_days(date!(2026 - 05 - 06), 2), date!(2026 - 05 - 12));
        assert_eq!(c.working_days_between(date!(2026 - 05 - 12), date!(2026 - 05 - 06)), 0);
        assert_eq!(c.add_working_days(Date::MAX, 1), Date::MAX);
    }

    #[test]
    fn between_inverts_add() {
        let c = kz_2026();
        let mut start = date!(2025 - 12 - 20);
        while start < date!(2027 - 01 - 10) {
            for n in [0, 1, 2, 5, 10, 15, 30] {
                let end = c.add_working_days(start, n);
                assert_eq!(c.working_days_between(start, end), n, "{start} + {n}");
            }
            start = start.next_day().unwrap_or(Date::MAX);
        }
    }
}
