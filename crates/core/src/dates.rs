//! Dates in the log and in rows: exactly `YYYY-MM-DD`, and their serde forms.

use time::Date;

use crate::EventError;

/// `YYYY-MM-DD`. Dates in events are limited to years 2000..=2100, so four digits suffice.
pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parses exactly `YYYY-MM-DD` (four-digit year, no sign, no other forms).
pub fn parse_date(s: &str) -> Result<Date, EventError> {
    let err = || EventError::InvalidDate(s.chars().take(40).collect());
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(err());
    }
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return Err(err());
    };
    let month = u8::try_from(m).ok().and_then(|m| time::Month::try_from(m).ok()).ok_or_else(err)?;
    let day = u8::try_from(d).map_err(|_| err())?;
    // y < 10_000, so the cast is lossless.
    Date::from_calendar_date(y as i32, month, day).map_err(|_| err())
}

/// Serde for one `Date` as `"YYYY-MM-DD"`.
pub(crate) mod one {
    use super::{format_date, parse_date};
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(v: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_date(*v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        parse_date(&String::deserialize(d)?).map_err(D::Error::custom)
    }
}

/// Serde for `Option<Date>`, with `skip_serializing_if = "Option::is_none"`.
pub(crate) mod optional {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(v: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => super::one::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "super::one")] Date);
        Ok(Option::<Wrapped>::deserialize(d)?.map(|Wrapped(d)| d))
    }
}

/// Serde for `Vec<Date>` as `["YYYY-MM-DD", ...]`. time's own serde impl would produce a
/// (year, ordinal) tuple without its `serde-human-readable` feature.
pub(crate) mod list {
    use super::{format_date, parse_date};
    use serde::de::Error as _;
    use serde::ser::SerializeSeq;
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(v: &[Date], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for d in v {
            seq.serialize_element(&format_date(*d))?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Date>, D::Error> {
        let raw = Vec::<String>::deserialize(d)?;
        raw.iter().map(|s| parse_date(s).map_err(D::Error::custom)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(parse_date("2026-03-21").ok(), Some(date!(2026 - 03 - 21)));
        for bad in ["2026-3-21", "2026-02-30", "+026-03-21", "2026-03-21T00", "२०२६-03-21", ""] {
            assert_eq!(parse_date(bad).unwrap_err().code(), "invalid-date", "{bad}");
        }
    }
}
