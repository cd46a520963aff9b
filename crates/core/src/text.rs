//! Identifiers and trilingual text.

use crate::EventError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Interface and content languages, Kazakh first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    Kk,
    Ru,
    En,
}

impl Lang {
    /// All languages in display order (Kazakh first).
    pub const ALL: [Lang; 3] = [Lang::Kk, Lang::Ru, Lang::En];

    /// ISO 639-1 code, as used in field names and `Accept-Language`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Lang {
    type Err = EventError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "kk" => Ok(Lang::Kk),
            "ru" => Ok(Lang::Ru),
            "en" => Ok(Lang::En),
            other => Err(EventError::UnknownLang(other.to_owned())),
        }
    }
}

/// A public text in Kazakh, Russian and English. All three are required: a notice that exists
/// in one language only is not published in the others, and Kazakh is never optional.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalizedText {
    pub kk: String,
    pub ru: String,
    pub en: String,
}

/// How a [`LocalizedText`] is used, which decides its limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TextUse {
    /// One line; names of deployments and bodies.
    Name,
    /// One line; notice titles.
    Title,
    /// Multi-line body text.
    Text,
}

impl TextUse {
    pub(crate) fn field(self) -> &'static str {
        match self {
            TextUse::Name => "name",
            TextUse::Title => "title",
            TextUse::Text => "text",
        }
    }
    pub(crate) fn max_chars(self) -> usize {
        match self {
            TextUse::Name | TextUse::Title => 300,
            TextUse::Text => 10_000,
        }
    }
}

impl LocalizedText {
    /// Maximum length, in Unicode scalar values, of one translation of a name.
    pub const MAX_NAME_CHARS: usize = 300;
    /// Maximum length of one translation of a notice title.
    pub const MAX_TITLE_CHARS: usize = 300;
    /// Maximum length of one translation of a notice text.
    pub const MAX_TEXT_CHARS: usize = 10_000;

    pub fn new(kk: impl Into<String>, ru: impl Into<String>, en: impl Into<String>) -> Self {
        LocalizedText { kk: kk.into(), ru: ru.into(), en: en.into() }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Kk => &self.kk,
            Lang::Ru => &self.ru,
            Lang::En => &self.en,
        }
    }

    pub(crate) fn validate(&self, usage: TextUse) -> Result<(), EventError> {
        let field = usage.field();
        for lang in Lang::ALL {
            let s = self.get(lang);
            if s.trim().is_empty() {
                return Err(EventError::EmptyText { field, lang });
            }
            validate_translation(field, lang, s, usage.max_chars(), usage == TextUse::Text)?;
        }
        Ok(())
    }
}

/// Checks one translation's length and characters (not its emptiness, which the two kinds
/// of text treat differently).
pub(crate) fn validate_translation(
    field: &'static str,
    lang: Lang,
    s: &str,
    max: usize,
    multiline: bool,
) -> Result<(), EventError> {
    let actual = s.chars().count();
    if actual > max {
        return Err(EventError::TextTooLong { field, lang, max, actual });
    }
    // Control characters render invisibly or break layouts and terminals of people reading
    // the public log; only line breaks in long text have a legitimate use.
    if let Some(c) = s.chars().find(|&c| c.is_control() && !(multiline && c == '\n')) {
        return Err(EventError::ControlCharacter {
            field,
            lang,
            code: u32::from(c),
            allowed: if multiline {
                "only line feeds (\\n) are allowed"
            } else {
                "none are allowed in a one-line text"
            },
        });
    }
    Ok(())
}

/// Checks the slug syntax shared by all identifiers: `[a-z0-9][a-z0-9-]{0,63}`.
fn check_slug(s: &str) -> Result<(), EventError> {
    let b = s.as_bytes();
    let ok = !b.is_empty()
        && b.len() <= 64
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter().all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-');
    if ok {
        Ok(())
    } else {
        Err(EventError::InvalidId { value: s.chars().take(80).collect() })
    }
}

macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = EventError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                check_slug(&s)?;
                Ok($name(s))
            }
        }

        impl FromStr for $name {
            type Err = EventError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                check_slug(s)?;
                Ok($name(s.to_owned()))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

slug_id!(
    /// Identifier of a state body, chosen at registration, e.g. `akimat-astana`.
    /// Syntax `[a-z0-9][a-z0-9-]{0,63}`, so it is safe in URLs and projection keys.
    BodyId
);
slug_id!(
    /// Identifier of a public notice; same syntax as [`BodyId`].
    NoticeId
);

slug_id!(
    /// Public, opaque identifier of an account, e.g. `u-7f3a9c0e51d24b68`. Staff act under it
    /// in the public record; it is random, never derived from who the person is.
    AccountId
);
slug_id!(
    /// Code of a legal basis for opening personal data, e.g. `apc-article-64`.
    BasisCode
);
slug_id!(
    /// A district or town within a region, e.g. `kokshetau`.
    DistrictId
);
slug_id!(
    /// Identifier of a petition, chosen by the server when it is drafted, e.g. `p-4k7q2m9x`.
    PetitionId
);
slug_id!(
    /// Code of a petition topic or of a forbidden topic in the published petition rules,
    /// e.g. `transport` or `constitutional-order`.
    TopicCode
);

/// What kind of state body (or organisation) a body is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    Government,
    Ministry,
    Agency,
    Akimat,
    Maslikhat,
    University,
    Other,
}

impl BodyKind {
    pub const ALL: [BodyKind; 7] = [
        BodyKind::Government,
        BodyKind::Ministry,
        BodyKind::Agency,
        BodyKind::Akimat,
        BodyKind::Maslikhat,
        BodyKind::University,
        BodyKind::Other,
    ];

    /// The serialized form, e.g. `"akimat"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            BodyKind::Government => "government",
            BodyKind::Ministry => "ministry",
            BodyKind::Agency => "agency",
            BodyKind::Akimat => "akimat",
            BodyKind::Maslikhat => "maslikhat",
            BodyKind::University => "university",
            BodyKind::Other => "other",
        }
    }
}

impl fmt::Display for BodyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for ok in ["a", "0", "akimat-astana", "a-", &"a".repeat(64)] {
            assert!(ok.parse::<BodyId>().is_ok(), "{ok}");
        }
        for bad in ["", "-a", "A", "a_b", "a b", "ә", &"a".repeat(65)] {
            let e = bad.parse::<NoticeId>().unwrap_err();
            assert_eq!(e.code(), "invalid_id", "{bad}");
        }
        assert!(serde_json::from_str::<BodyId>("\"Bad\"").is_err());
        assert_eq!(serde_json::from_str::<BodyId>("\"ok-1\"").ok(), "ok-1".parse().ok());
    }

    #[test]
    fn langs() {
        for l in Lang::ALL {
            assert_eq!(l.as_str().parse::<Lang>(), Ok(l));
        }
        assert_eq!("de".parse::<Lang>().unwrap_err().code(), "unknown_lang");
    }

    #[test]
    fn text_rules() {
        let t = LocalizedText::new("Әкімдік", "Акимат", "Akimat");
        assert_eq!(t.get(Lang::Kk), "Әкімдік");
        assert!(t.validate(TextUse::Name).is_ok());
        let e = LocalizedText::new(" ", "a", "b").validate(TextUse::Name);
        assert!(matches!(e, Err(EventError::EmptyText { lang: Lang::Kk, .. })));
        let nl = LocalizedText::new("a\nb", "a", "b");
        assert!(nl.validate(TextUse::Text).is_ok());
        assert_eq!(nl.validate(TextUse::Title).unwrap_err().code(), "control_character");
        let tab = LocalizedText::new("a", "a\tb", "b");
        assert_eq!(tab.validate(TextUse::Text).unwrap_err().code(), "control_character");
        // Limits count characters, not bytes: 300 Cyrillic letters are fine.
        let long = LocalizedText::new("ә".repeat(300), "a", "b");
        assert!(long.validate(TextUse::Name).is_ok());
        let too_long = LocalizedText::new("ә".repeat(301), "a", "b");
        assert_eq!(too_long.validate(TextUse::Name).unwrap_err().code(), "text_too_long");
    }
}
