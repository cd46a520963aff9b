#![no_main]
//! Registry files (CSV) an administrator imports: `dauys_identity::registry::parse_registry`.
//!
//! Properties: it never panics; a refused file names 1 to 10 wrong lines, in increasing
//! order, a wrong header alone as line 1; in an accepted file every field is in its checked,
//! normal form (each check accepts it again unchanged), and the entries written back as CSV
//! parse to the same entries.

use dauys_identity::fields::{clean_line, normalize_email};
use dauys_identity::iin::Iin;
use dauys_identity::registry::{
    parse_registry, RegistryEntry, RegistryError, MAX_NAME_CHARS, MAX_REPORTED_ERRORS, REGISTRY_HEADER,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_registry(text) {
        Err(errors) => {
            assert!((1..=MAX_REPORTED_ERRORS).contains(&errors.len()), "{} errors", errors.len());
            assert!(errors.windows(2).all(|w| w[0].0 < w[1].0), "lines out of order: {errors:?}");
            if errors.iter().any(|(_, e)| *e == RegistryError::Header) {
                assert_eq!(errors, [(1, RegistryError::Header)]);
            } else {
                assert!(errors[0].0 >= 2, "a row error on the header's line: {errors:?}");
            }
        }
        Ok(entries) => {
            for e in &entries {
                check_normal(e);
            }
            match parse_registry(&write_back(&entries)) {
                Ok(again) => assert!(again == entries, "written back, the entries read differently"),
                Err(errors) => panic!("written back, the entries are refused: {errors:?}"),
            }
        }
    }
});

fn check_normal(e: &RegistryEntry) {
    let digits = e.iin.expose_digits();
    assert_eq!(Iin::parse(digits).ok().as_ref(), Some(&e.iin));
    assert_eq!(clean_line("given_name", &e.given_name, MAX_NAME_CHARS).as_deref(), Ok(e.given_name.as_str()));
    assert_eq!(clean_line("family_name", &e.family_name, MAX_NAME_CHARS).as_deref(), Ok(e.family_name.as_str()));
    assert_eq!(normalize_email(&e.email).as_deref(), Ok(e.email.as_str()));
    assert_eq!(e.locality.to_string().parse().ok().as_ref(), Some(&e.locality));
}

fn write_back(entries: &[RegistryEntry]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(REGISTRY_HEADER).expect("writing to memory");
    for e in entries {
        let locality = e.locality.to_string();
        w.write_record([e.iin.expose_digits(), &e.given_name, &e.family_name, &locality, &e.email])
            .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("flushing to memory")).expect("CSV of strings is UTF-8")
}
