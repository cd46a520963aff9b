//! Kazakhstan's individual identification number (IIN; ЖСН in Kazakh, ИИН in Russian).
//!
//! Twelve digits: `YYMMDD` birth date, one digit for century and sex, four serial digits, one
//! check digit. [`Iin::parse`] checks all of it, so a typing error is caught before the number
//! is used to look anyone up.

use std::fmt;
use subtle::ConstantTimeEq;
use time::{Date, Month};
use zeroize::Zeroize;

/// Digits in an IIN.
pub const IIN_DIGITS: usize = 12;

/// A valid individual identification number.
///
/// It is personal data: `Debug` prints `Iin(<redacted>)`, there is no `Display` and no
/// `Serialize`, and the digits are overwritten when the value is dropped. Reading them needs
/// [`Iin::expose_digits`], so every place that does stands out in review.
#[derive(Clone)]
pub struct Iin {
    /// ASCII digits, checked by [`Iin::parse`].
    digits: [u8; IIN_DIGITS],
}

/// Why a text is not a valid IIN. Messages never repeat the number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IinError {
    #[error("an IIN is written with the digits 0-9 only, without spaces or other signs")]
    NotDigits,
    #[error("an IIN has exactly 12 digits; this has {len}")]
    Length { len: usize },
    #[error("the 7th digit of an IIN (century and sex) must be 1 to 6")]
    CenturyDigit,
    #[error("the first six digits of an IIN are the birth date YYMMDD, and this date does not exist")]
    BirthDate,
    #[error("the last digit of this IIN does not match the others; check it for a typing error")]
    CheckDigit,
}

impl IinError {
    /// A stable code for logs and problem details.
    pub fn code(&self) -> &'static str {
        match self {
            IinError::NotDigits => "iin-not-digits",
            IinError::Length { .. } => "iin-length",
            IinError::CenturyDigit => "iin-century-digit",
            IinError::BirthDate => "iin-birth-date",
            IinError::CheckDigit => "iin-check-digit",
        }
    }
}

impl Iin {
    /// Parses 12 ASCII digits, ignoring surrounding whitespace, and checks the century digit,
    /// the birth date and the check digit.
    pub fn parse(input: &str) -> Result<Iin, IinError> {
        let trimmed = input.trim();
        if !trimmed.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IinError::NotDigits);
        }
        // All ASCII, so bytes are characters.
        let digits: [u8; IIN_DIGITS] =
            trimmed.as_bytes().try_into().map_err(|_| IinError::Length { len: trimmed.len() })?;
        let iin = Iin { digits };
        decode_birth_date(&iin.digits)?;
        if check_digit(&iin.digits) != Some(iin.digit(11)) {
            return Err(IinError::CheckDigit);
        }
        Ok(iin)
    }

    /// The twelve digits. Named so that every use is visible: they must not reach the log, a
    /// log line, or the database in the clear.
    pub fn expose_digits(&self) -> &str {
        // `parse` admitted ASCII digits only.
        std::str::from_utf8(&self.digits).expect("IIN digits are ASCII")
    }

    /// The date of birth encoded in the first seven digits.
    pub fn birth_date(&self) -> Date {
        decode_birth_date(&self.digits).expect("IIN birth date checked by parse")
    }

    /// Age in full years on `day`; 0 before the birth date.
    ///
    /// A person born on 29 February completes a year on 28 February in common years, as civil
    /// law counts a period that ends in a month without the matching day (it ends on the last
    /// day of that month).
    pub fn age_on(&self, day: Date) -> u32 {
        let birth = self.birth_date();
        if day < birth {
            return 0;
        }
        let mut years = day.year() - birth.year();
        if day < anniversary(birth, day.year()) {
            years -= 1;
        }
        u32::try_from(years).unwrap_or(0)
    }

    fn digit(&self, index: usize) -> u8 {
        self.digits[index] - b'0'
    }
}

/// The `year` birthday of someone born on `birth`.
fn anniversary(birth: Date, year: i32) -> Date {
    Date::from_calendar_date(year, birth.month(), birth.day())
        .or_else(|_| Date::from_calendar_date(year, Month::February, 28))
        .expect("28 February exists in every year time supports")
}

fn decode_birth_date(digits: &[u8; IIN_DIGITS]) -> Result<Date, IinError> {
    let d = |i: usize| i32::from(digits[i] - b'0');
    let century = match d(6) {
        1 | 2 => 1800,
        3 | 4 => 1900,
        5 | 6 => 2000,
        _ => return Err(IinError::CenturyDigit),
    };
    let year = century + d(0) * 10 + d(1);
    let month = u8::try_from(d(2) * 10 + d(3)).map_err(|_| IinError::BirthDate)?;
    let month = Month::try_from(month).map_err(|_| IinError::BirthDate)?;
    let day = u8::try_from(d(4) * 10 + d(5)).map_err(|_| IinError::BirthDate)?;
    Date::from_calendar_date(year, month, day).map_err(|_| IinError::BirthDate)
}

/// The check digit for the first eleven digits, or `None` when both weightings give 10: such
/// prefixes are never issued.
fn check_digit(digits: &[u8; IIN_DIGITS]) -> Option<u8> {
    const FIRST: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const SECOND: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
    let weighted = |weights: &[u32; 11]| -> u32 {
        digits[..11].iter().zip(weights).map(|(d, w)| u32::from(d - b'0') * w).sum::<u32>() % 11
    };
    [weighted(&FIRST), weighted(&SECOND)].into_iter().find(|&r| r != 10).map(|r| r as u8)
}

impl fmt::Debug for Iin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Iin(<redacted>)")
    }
}

/// Constant-time, so comparing against a stored number reveals nothing through timing.
impl PartialEq for Iin {
    fn eq(&self, other: &Iin) -> bool {
        self.digits.ct_eq(&other.digits).into()
    }
}

impl Eq for Iin {}

impl Drop for Iin {
    fn drop(&mut self) {
        self.digits.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    // Each valid number below was checked by hand.
    //
    // 900515301234 — 1990-05-15 (7th digit 3: 1900s, male), serial 0123.
    //   weights 1..=11: 9·1 + 0·2 + 0·3 + 5·4 + 1·5 + 5·6 + 3·7 + 0·8 + 1·9 + 2·10 + 3·11
    //                 = 9 + 20 + 5 + 30 + 21 + 9 + 20 + 33 = 147; 147 mod 11 = 4 → check digit 4.
    // 851223400454 — 1985-12-23 (4: 1900s, female), serial 0045.
    //   8·1 + 5·2 + 1·3 + 2·4 + 2·5 + 3·6 + 4·7 + 0·8 + 0·9 + 4·10 + 5·11
    //   = 8 + 10 + 3 + 8 + 10 + 18 + 28 + 40 + 55 = 180; 180 mod 11 = 4 → 4.
    // 000229500018 — 2000-02-29, a leap day (5: 2000s, male), serial 0001.
    //   2·4 + 2·5 + 9·6 + 5·7 + 1·11 = 8 + 10 + 54 + 35 + 11 = 118; 118 mod 11 = 8 → 8.
    // 780312400402 — 1978-03-12 (4: 1900s, female), serial 0040; needs the second weighting.
    //   first:  7·1 + 8·2 + 0·3 + 3·4 + 1·5 + 2·6 + 4·7 + 0 + 0 + 4·10 + 0·11
    //         = 7 + 16 + 12 + 5 + 12 + 28 + 40 = 120; 120 mod 11 = 10 → use the second.
    //   second: 7·3 + 8·4 + 0·5 + 3·6 + 1·7 + 2·8 + 4·9 + 0 + 0 + 4·1 + 0·2
    //         = 21 + 32 + 18 + 7 + 16 + 36 + 4 = 134; 134 mod 11 = 2 → 2.
    // 051130600905 — 2005-11-30 (6: 2000s, female), serial 0090; second weighting.
    //   first:  5·2 + 1·3 + 1·4 + 3·5 + 6·7 + 9·10 = 10 + 3 + 4 + 15 + 42 + 90 = 164 → 10.
    //   second: 5·4 + 1·5 + 1·6 + 3·7 + 6·9 + 9·1 = 20 + 5 + 6 + 21 + 54 + 9 = 115 → 5.
    // 991231100010 — 1899-12-31 (1: 1800s, male), serial 0001.
    //   9·1 + 9·2 + 1·3 + 2·4 + 3·5 + 1·6 + 1·7 + 0 + 0 + 0 + 1·11
    //   = 9 + 18 + 3 + 8 + 15 + 6 + 7 + 11 = 77; 77 mod 11 = 0 → 0.
    const VALID: [(&str, Date); 6] = [
        ("900515301234", date!(1990 - 05 - 15)),
        ("851223400454", date!(1985 - 12 - 23)),
        ("000229500018", date!(2000 - 02 - 29)),
        ("780312400402", date!(1978 - 03 - 12)),
        ("051130600905", date!(2005 - 11 - 30)),
        ("991231100010", date!(1899 - 12 - 31)),
    ];

    #[test]
    fn hand_checked_numbers_are_valid() {
        for (digits, birth) in VALID {
            let iin = Iin::parse(digits).unwrap();
            assert_eq!(iin.expose_digits(), digits);
            assert_eq!(iin.birth_date(), birth, "{digits}");
        }
    }

    #[test]
    fn surrounding_whitespace_is_ignored() {
        assert_eq!(Iin::parse("  900515301234\n").unwrap(), Iin::parse("900515301234").unwrap());
    }

    #[test]
    fn every_error_has_its_case() {
        let cases = [
            ("", IinError::Length { len: 0 }),
            ("90051530123", IinError::Length { len: 11 }),
            ("9005153012345", IinError::Length { len: 13 }),
            ("9005153O1234", IinError::NotDigits), // letter O
            ("900515 301234", IinError::NotDigits),
            ("٩٠٠٥١٥٣٠١٢٣٤", IinError::NotDigits), // Arabic-Indic digits
            ("+90051530123", IinError::NotDigits),
            ("900515001234", IinError::CenturyDigit), // 7th digit 0
            ("900515701234", IinError::CenturyDigit),
            ("900515901234", IinError::CenturyDigit),
            ("901315301234", IinError::BirthDate),  // month 13
            ("900015301234", IinError::BirthDate),  // month 00
            ("900500301234", IinError::BirthDate),  // day 00
            ("900431301234", IinError::BirthDate),  // 31 April
            ("010229500012", IinError::BirthDate),  // 29 February 2001
            ("000229300012", IinError::BirthDate),  // 29 February 1900 (not a leap year)
            ("900515301235", IinError::CheckDigit), // last digit off by one
            ("900515301243", IinError::CheckDigit), // last two digits swapped
            ("780312400440", IinError::CheckDigit), // both weightings give 10, see below
        ];
        for (input, expected) in cases {
            assert_eq!(Iin::parse(input).err(), Some(expected), "{input:?}");
        }
        // 78031240044x: first weighting 7 + 16 + 12 + 5 + 12 + 28 + 40 + 44 = 164 → 10;
        // second 21 + 32 + 18 + 7 + 16 + 36 + 4 + 8 = 142 → 10. No last digit makes it valid.
        for last in 0..=9 {
            let input = format!("78031240044{last}");
            assert_eq!(Iin::parse(&input).err(), Some(IinError::CheckDigit));
        }
        let codes: Vec<_> = cases.iter().map(|(_, e)| e.code()).collect();
        for code in ["iin-length", "iin-not-digits", "iin-century-digit", "iin-birth-date", "iin-check-digit"] {
            assert!(codes.contains(&code), "{code}");
        }
    }

    #[test]
    fn debug_redacts_and_errors_do_not_echo() {
        let iin = Iin::parse("900515301234").unwrap();
        assert_eq!(format!("{iin:?}"), "Iin(<redacted>)");
        let e = Iin::parse("900515301235").unwrap_err();
        assert!(!format!("{e} {e:?}").contains("9005"));
    }

    #[test]
    fn age_counts_full_years() {
        let iin = Iin::parse("900515301234").unwrap(); // born 1990-05-15
        assert_eq!(iin.age_on(date!(1990 - 05 - 14)), 0);
        assert_eq!(iin.age_on(date!(1990 - 05 - 15)), 0);
        assert_eq!(iin.age_on(date!(2008 - 05 - 14)), 17);
        assert_eq!(iin.age_on(date!(2008 - 05 - 15)), 18);
        assert_eq!(iin.age_on(date!(2026 - 01 - 01)), 35);
    }

    #[test]
    fn leap_day_birthday_completes_on_28_february() {
        let iin = Iin::parse("000229500018").unwrap(); // born 2000-02-29
        assert_eq!(iin.age_on(date!(2018 - 02 - 27)), 17);
        assert_eq!(iin.age_on(date!(2018 - 02 - 28)), 18);
        assert_eq!(iin.age_on(date!(2020 - 02 - 28)), 19); // leap year: not yet 20
        assert_eq!(iin.age_on(date!(2020 - 02 - 29)), 20);
    }

    proptest! {
        /// For any 11 leading digits that form a valid century digit and date, at most one last
        /// digit makes a valid IIN, and none exactly when the prefix has no check digit.
        #[test]
        fn at_most_one_check_digit(
            yy in 0u32..100, month in 1u32..=12, day in 1u32..=31, century in 1u32..=6, serial in 0u32..10_000,
        ) {
            let prefix = format!("{yy:02}{month:02}{day:02}{century}{serial:04}");
            let mut digits = [0u8; IIN_DIGITS];
            digits[..11].copy_from_slice(prefix.as_bytes());
            prop_assume!(decode_birth_date(&digits).is_ok());
            let valid: Vec<u32> = (0..=9).filter(|last| Iin::parse(&format!("{prefix}{last}")).is_ok()).collect();
            prop_assert!(valid.len() <= 1, "{prefix}: {valid:?}");
            prop_assert_eq!(valid.is_empty(), check_digit(&digits).is_none());
            for last in 0..=9u32 {
                let result = Iin::parse(&format!("{prefix}{last}"));
                prop_assert!(result.is_ok() || result.err() == Some(IinError::CheckDigit));
            }
        }
    }
}
