//! Time and position as recorded in the log.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::{Date, OffsetDateTime};

/// Milliseconds since the Unix epoch, UTC, assigned by the sequencer when an entry is appended.
///
/// This is the only notion of "now" the rules ever see: a replay of the log must reach the same
/// state on any machine at any later time, so no code in this crate reads a clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Timestamp(pub u64);

/// Julian day number of 1970-01-01, so that a day count since the epoch maps onto [`time::Date`].
const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;
const MS_PER_DAY: i64 = 86_400_000;

impl Timestamp {
    /// The latest timestamp an entry may carry: 9999-12-31T23:59:59.999Z. Beyond it dates stop
    /// having four-digit years, which RFC 3339 and most auditors' tooling cannot represent.
    pub const MAX: Timestamp = Timestamp(253_402_300_799_999);

    /// RFC 3339 in UTC with millisecond precision, e.g. `2026-03-02T09:30:00.000Z`.
    /// Values beyond [`Timestamp::MAX`] are shown as `Timestamp::MAX` (such entries are never
    /// accepted into the log, so this only affects values built by hand).
    pub fn to_rfc3339(&self) -> String {
        let ms = self.0.min(Self::MAX.0);
        let secs = (ms / 1000) as i64;
        let millis = ms % 1000;
        match OffsetDateTime::from_unix_timestamp(secs) {
            Ok(t) => format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                millis
            ),
            // Unreachable for ms <= MAX; keep a total function rather than panic.
            Err(_) => format!("{}ms", self.0),
        }
    }

    /// The civil date at this instant in a zone `utc_offset_minutes` east of UTC (Kazakhstan:
    /// +300). Used to decide which calendar day an act happened on for working-day rules.
    /// Saturates at the bounds of [`time::Date`].
    pub fn date_at_offset(&self, utc_offset_minutes: i16) -> Date {
        let local_ms = i128::from(self.0) + i128::from(utc_offset_minutes) * 60_000;
        let days = local_ms.div_euclid(i128::from(MS_PER_DAY));
        let jd = i128::from(UNIX_EPOCH_JULIAN_DAY) + days;
        let jd = jd.clamp(i128::from(Date::MIN.to_julian_day()), i128::from(Date::MAX.to_julian_day()));
        // The clamp keeps jd inside Date's range, which fits in i32.
        Date::from_julian_day(jd as i32).unwrap_or(Date::MAX)
    }
}

impl Timestamp {
    /// The instant the civil day `date` ends (the next day's midnight) in a zone
    /// `utc_offset_minutes` east of UTC: a deadline "by `date`" has passed from this instant.
    /// Saturates at 0 and [`Timestamp::MAX`].
    pub fn end_of_day(date: Date, utc_offset_minutes: i16) -> Timestamp {
        let days = i128::from(date.to_julian_day()) + 1 - i128::from(UNIX_EPOCH_JULIAN_DAY);
        let ms = days * i128::from(MS_PER_DAY) - i128::from(utc_offset_minutes) * 60_000;
        Timestamp(ms.clamp(0, i128::from(Self::MAX.0)) as u64)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// Zero-based position of an entry in the log (the Merkle leaf index).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LogIndex(pub u64);

impl fmt::Display for LogIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn rfc3339() {
        assert_eq!(Timestamp(0).to_rfc3339(), "1970-01-01T00:00:00.000Z");
        assert_eq!(Timestamp(1_772_443_800_123).to_rfc3339(), "2026-03-02T09:30:00.123Z");
        assert_eq!(Timestamp::MAX.to_rfc3339(), "9999-12-31T23:59:59.999Z");
        assert_eq!(Timestamp(u64::MAX).to_rfc3339(), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn date_at_offset() {
        // 2026-03-01T20:00:00Z is already 2 March in Astana (UTC+5).
        let t = Timestamp(1_772_395_200_000);
        assert_eq!(t.date_at_offset(0), date!(2026 - 03 - 01));
        assert_eq!(t.date_at_offset(300), date!(2026 - 03 - 02));
        assert_eq!(Timestamp(0).date_at_offset(-1), date!(1969 - 12 - 31));
        assert_eq!(Timestamp(u64::MAX).date_at_offset(840), Date::MAX);
    }
}
