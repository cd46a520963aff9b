#![no_main]
//! IIN text (`dauys_identity::iin::Iin::parse`), against a reference written from
//! `crates/identity/SPEC.md` §1 by hand: both must accept the same texts and refuse the others
//! with the same error, in the spec's order. What parses re-formats to the same digits and
//! parses again to the same IIN; its birth date and ages can always be computed.

use dauys_identity::iin::Iin;
use libfuzzer_sys::fuzz_target;
use time::{Date, Month};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = Iin::parse(text);
    assert_eq!(parsed.as_ref().map(|_| ()).map_err(|e| e.code()), reference(text), "{text:?}");
    let Ok(iin) = parsed else {
        return;
    };
    let digits = iin.expose_digits();
    assert_eq!(digits, text.trim());
    assert_eq!(Iin::parse(digits).ok().as_ref(), Some(&iin));
    let born = iin.birth_date();
    let yy = digits.as_bytes()[..2].iter().fold(0, |n, d| n * 10 + i32::from(d - b'0'));
    assert_eq!(born.year() % 100, yy);
    assert_eq!(iin.age_on(born), 0);
    let later = Date::from_calendar_date(born.year() + 18, Month::December, 31).expect("a date in range");
    assert_eq!(iin.age_on(later), 18);
    assert_eq!(iin.age_on(Date::MIN), 0);
    let _ = iin.age_on(Date::MAX);
});

/// SPEC.md §1, literally: the error code, or `Ok` for a valid IIN.
fn reference(input: &str) -> Result<(), &'static str> {
    let s = input.trim();
    if !s.chars().all(|c| c.is_ascii_digit()) {
        return Err("iin-not-digits");
    }
    if s.len() != 12 {
        return Err("iin-length");
    }
    let d: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
    let century = match d[6] {
        1 | 2 => 1800,
        3 | 4 => 1900,
        5 | 6 => 2000,
        _ => return Err("iin-century-digit"),
    };
    let year = century + d[0] * 10 + d[1];
    let month = d[2] * 10 + d[3];
    let day = d[4] * 10 + d[5];
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err("iin-birth-date"),
    };
    if day == 0 || day > days_in_month {
        return Err("iin-birth-date");
    }
    let first: u32 = (1..=11).map(|i| d[i - 1] * i as u32).sum::<u32>() % 11;
    let weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
    let check = if first == 10 {
        let second: u32 = (0..11).map(|i| d[i] * weights[i]).sum::<u32>() % 11;
        if second == 10 {
            return Err("iin-check-digit");
        }
        second
    } else {
        first
    };
    if d[11] != check {
        return Err("iin-check-digit");
    }
    Ok(())
}
