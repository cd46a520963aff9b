//! Registry files: the census or registry list an administrator imports so that the people it
//! lists can verify themselves with a one-time code (the server keeps the records sealed).
//!
//! The file is CSV (RFC 4180 quoting, UTF-8) with the header line
//! `iin,given_name,family_name,locality,email` and one person per line. Fields are trimmed.
//! Every line must be valid or nothing is imported: [`parse_registry`] reports the wrong lines
//! by number (the header is line 1), at most [`MAX_REPORTED_ERRORS`] of them.
//!
//! Outside input, so it is fuzzed (`fuzz/fuzz_targets/registry_csv.rs`).

use dauys_core::Locality;

use crate::fields::{clean_line, normalize_email, FieldError};
use crate::iin::{Iin, IinError};

/// The header line's fields, in order.
pub const REGISTRY_HEADER: [&str; 5] = ["iin", "given_name", "family_name", "locality", "email"];
/// Longest given or family name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Wrong lines listed before a refused file stops listing them.
pub const MAX_REPORTED_ERRORS: usize = 10;
/// The most characters a locality (`region` or `region/district`) is said to have in the
/// error for an unknown one.
const MAX_LOCALITY_CHARS: usize = 64;

/// One person as the registry lists them, every field checked. Personal data: no `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct RegistryEntry {
    pub iin: Iin,
    pub given_name: String,
    pub family_name: String,
    pub locality: Locality,
    /// Normalized by [`normalize_email`].
    pub email: String,
}

/// Why a line of a registry file was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("the first line of a registry file must be: iin,given_name,family_name,locality,email")]
    Header,
    #[error("a registry line is not valid CSV with five fields")]
    Row,
    #[error("{0}")]
    Iin(#[from] IinError),
    #[error("{0}")]
    Field(#[from] FieldError),
}

impl RegistryError {
    /// A stable code for logs and problem details (`crates/identity/SPEC.md` §6).
    pub fn code(&self) -> &'static str {
        match self {
            RegistryError::Header => "registry-header",
            RegistryError::Row => "registry-row",
            RegistryError::Iin(e) => e.code(),
            RegistryError::Field(e) => e.code(),
        }
    }
}

/// Parses and checks a registry file. On any wrong line, the wrong lines (line number, from 1
/// for the header, and why), at most [`MAX_REPORTED_ERRORS`], in file order.
pub fn parse_registry(csv_text: &str) -> Result<Vec<RegistryEntry>, Vec<(usize, RegistryError)>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).trim(csv::Trim::All).from_reader(csv_text.as_bytes());
    match reader.headers() {
        Ok(h) if h.iter().eq(REGISTRY_HEADER.iter().copied()) => {}
        _ => return Err(vec![(1, RegistryError::Header)]),
    }
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for (n, row) in reader.records().enumerate() {
        let line = n + 2;
        let parsed = row.map_err(|_| RegistryError::Row).and_then(|row| {
            let field = |i: usize| row.get(i).unwrap_or("");
            let iin = Iin::parse(field(0))?;
            let given_name = clean_line("given_name", field(1), MAX_NAME_CHARS)?;
            let family_name = clean_line("family_name", field(2), MAX_NAME_CHARS)?;
            let locality: Locality = field(3)
                .parse()
                .map_err(|_| FieldError::InvalidField { field: "locality", max: MAX_LOCALITY_CHARS })?;
            let email = normalize_email(field(4))?;
            Ok(RegistryEntry { iin, given_name, family_name, locality, email })
        });
        match parsed {
            Ok(entry) => entries.push(entry),
            Err(e) if errors.len() < MAX_REPORTED_ERRORS => errors.push((line, e)),
            Err(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "iin,given_name,family_name,locality,email";

    fn errors(text: &str) -> Vec<(usize, RegistryError)> {
        match parse_registry(text) {
            Ok(_) => panic!("{text:?} was accepted"),
            Err(e) => e,
        }
    }

    #[test]
    fn parses_trimmed_quoted_rows() {
        let text = format!(
            "{HEADER}\r\n 900315401233 ,\"Айгерім \",Сейітова,almaty-city, Aigerim@Example.KZ\n\
             851102304561,\"Nurlan, Jr.\",\"Жақсы\"\"беков\",akmola/kokshetau,nurlan@example.kz\n"
        );
        let entries = parse_registry(&text).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].iin.expose_digits(), "900315401233");
        assert_eq!(entries[0].given_name, "Айгерім");
        assert_eq!(entries[0].email, "aigerim@example.kz");
        assert_eq!(entries[1].given_name, "Nurlan, Jr.");
        assert_eq!(entries[1].family_name, "Жақсы\"беков");
        assert_eq!(entries[1].locality.to_string(), "akmola/kokshetau");
        assert!(parse_registry(HEADER).unwrap_or_else(|e| panic!("{e:?}")).is_empty());
    }

    #[test]
    fn refuses_a_wrong_header() {
        for text in ["", "iin,given_name,family_name,locality", "IIN,given_name,family_name,locality,email\n"] {
            assert_eq!(errors(text), [(1, RegistryError::Header)], "{text:?}");
        }
    }

    #[test]
    fn names_every_wrong_line_in_order() {
        let text = format!(
            "{HEADER}\n\
             900315401233,A,B,almaty-city,a@example.kz\n\
             900315401234,A,B,almaty-city,a@example.kz\n\
             900315401233,,B,almaty-city,a@example.kz\n\
             900315401233,A,B,atlantis,a@example.kz\n\
             900315401233,A,B,almaty-city,nobody\n\
             900315401233,A,B\n"
        );
        let found = errors(&text);
        let codes: Vec<&str> = found.iter().map(|(_, e)| e.code()).collect();
        assert_eq!(codes, ["iin-check-digit", "invalid-field", "invalid-field", "invalid-email", "registry-row"]);
        assert_eq!(
            found,
            [
                (3, RegistryError::Iin(IinError::CheckDigit)),
                (4, RegistryError::Field(FieldError::InvalidField { field: "given_name", max: 100 })),
                (5, RegistryError::Field(FieldError::InvalidField { field: "locality", max: 64 })),
                (6, RegistryError::Field(FieldError::InvalidEmail)),
                (7, RegistryError::Row),
            ]
        );
    }

    #[test]
    fn lists_at_most_ten_wrong_lines() {
        let text = format!("{HEADER}\n{}", "1,A,B,almaty-city,a@example.kz\n".repeat(25));
        let e = errors(&text);
        assert_eq!(e.len(), MAX_REPORTED_ERRORS);
        assert_eq!(e.first().map(|e| e.0), Some(2));
        assert_eq!(e.last().map(|e| e.0), Some(11));
    }
}
