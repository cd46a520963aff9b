//! Checks of the short texts people type or registries list about them: an e-mail address and
//! a one-line field such as a name. Pure functions, shared by the server's forms and the
//! registry file parser ([`crate::registry`]).

/// Why a field was refused. Messages never repeat the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("not a valid e-mail address")]
    InvalidEmail,
    #[error("{field} is empty or too long (at most {max} characters)")]
    InvalidField { field: &'static str, max: usize },
}

impl FieldError {
    /// A stable code for logs and problem details.
    pub fn code(&self) -> &'static str {
        match self {
            FieldError::InvalidEmail => "invalid-email",
            FieldError::InvalidField { .. } => "invalid-field",
        }
    }
}

/// Longest e-mail address accepted, in bytes (RFC 5321's limit on a path).
pub const MAX_EMAIL_BYTES: usize = 254;

/// Trimmed and lower-cased; a light syntax check (the real check is the mail arriving): one
/// `@` split with a non-empty local part and a domain that has an inner dot, no whitespace or
/// control characters, at most [`MAX_EMAIL_BYTES`].
pub fn normalize_email(email: &str) -> Result<String, FieldError> {
    let e = email.trim().to_lowercase();
    let valid = e.len() <= MAX_EMAIL_BYTES
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        })
        && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(e)
    } else {
        Err(FieldError::InvalidEmail)
    }
}

/// A one-line field a person typed: trimmed, non-empty, at most `max` characters, no control
/// characters.
pub fn clean_line(field: &'static str, value: &str, max: usize) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(FieldError::InvalidField { field, max });
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emails() {
        assert_eq!(normalize_email("  Aigerim@Example.KZ \n").as_deref(), Ok("aigerim@example.kz"));
        for bad in ["", "a", "@example.kz", "a@kz", "a@.kz", "a@kz.", "a b@example.kz", "a@exa\u{7}mple.kz"] {
            assert_eq!(normalize_email(bad), Err(FieldError::InvalidEmail), "{bad:?}");
        }
        let long = format!("{}@example.kz", "a".repeat(MAX_EMAIL_BYTES));
        assert_eq!(normalize_email(&long), Err(FieldError::InvalidEmail));
    }

    #[test]
    fn lines() {
        assert_eq!(clean_line("name", "  Айгерім  ", 7).as_deref(), Ok("Айгерім"));
        assert_eq!(clean_line("name", "Айгерім", 6), Err(FieldError::InvalidField { field: "name", max: 6 }));
        assert!(clean_line("name", " \t ", 10).is_err());
        assert!(clean_line("name", "a\nb", 10).is_err());
    }

    proptest! {
        /// What is accepted is already in its normal form.
        #[test]
        fn idempotent(s in "\\PC{0,40}@?\\PC{0,20}") {
            if let Ok(e) = normalize_email(&s) {
                prop_assert_eq!(normalize_email(&e), Ok(e.clone()));
            }
            if let Ok(l) = clean_line("f", &s, 30) {
                prop_assert_eq!(clean_line("f", &l, 30), Ok(l.clone()));
            }
        }
    }
}
