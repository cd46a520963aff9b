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
                return Err(EventError::EmptyText { field, lang: lang.as_str() });
            }
            validate_translation(field, lang, s, usage.max_chars(), usage == TextUse::Text)?;
        }
        Ok(())
    }

    /// [`check_new_text`] for each translation: the rules for new submissions only.
    pub(crate) fn check_new(&self, usage: TextUse) -> Result<(), EventError> {
        for lang in Lang::ALL {
            check_new_text(usage.field(), Some(lang), self.get(lang), usage == TextUse::Text)?;
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
        return Err(EventError::TextTooLong { field, lang: lang.as_str(), max, actual });
    }
    // Control characters render invisibly or break layouts and terminals of people reading
    // the public log; only line breaks in long text have a legitimate use.
    if let Some(c) = s.chars().find(|&c| c.is_control() && !(multiline && c == '\n')) {
        return Err(EventError::ControlCharacter {
            field,
            lang: lang.as_str(),
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

/// The bidirectional formatting characters (Unicode UAX #9): the embeddings and overrides
/// U+202A–U+202E, the isolates U+2066–U+2069 and the marks U+200E, U+200F, U+061C. They are
/// invisible, yet change the order in which the characters around them are shown, so that
/// a text reads differently from what it holds ("Trojan Source").
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The embeddings, overrides and isolates: the bidirectional controls that act on the text
/// after them, up to the end of the paragraph, rather than only on their neighbours.
fn is_bidi_embedding(c: char) -> bool {
    is_bidi_control(c) && !matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}')
}

/// Characters that show nothing on their own: white space, the format characters (general
/// category Cf, listed here as of Unicode 15.1 so that the rule cannot change with a library
/// upgrade), the other default-ignorable code points (variation selectors, the Hangul
/// fillers, the combining grapheme joiner, tags) and the blank Braille pattern U+2800.
pub(crate) fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            u32::from(c),
            0x00AD
                | 0x034F
                | 0x0600..=0x0605
                | 0x061C
                | 0x06DD
                | 0x070F
                | 0x0890..=0x0891
                | 0x08E2
                | 0x115F..=0x1160
                | 0x17B4..=0x17B5
                | 0x180B..=0x180F
                | 0x200B..=0x200F
                | 0x202A..=0x202E
                | 0x2060..=0x206F
                | 0x2800
                | 0x3164
                | 0xFE00..=0xFE0F
                | 0xFEFF
                | 0xFFA0
                | 0xFFF0..=0xFFFB
                | 0x110BD
                | 0x110CD
                | 0x13430..=0x1343F
                | 0x1BCA0..=0x1BCA3
                | 0x1D173..=0x1D17A
                | 0xE0000..=0xE0FFF
        )
}

/// Checks one public text (one translation of it, or a one-line field such as a reason)
/// against the rules that new submissions follow on top of
/// [`Event::validate`](crate::Event::validate); see [`Event::check_new`](crate::Event::check_new)
/// and `SPEC.md` §4.1. `lang` is `None` for a text in no particular language.
///
/// * A text that shows nothing — only white space and invisible characters — is refused
///   (`invisible_text`): a blank title or name in a list deceives as much as an empty one.
/// * A one-line text (a title, a name, a reason) may hold no bidirectional control at all
///   (`bidi_control`): it is shown inline, beside other text, in lists, tables, feeds and
///   mail subjects, where even a mark moves the punctuation around it, and Kazakh, Russian
///   and English never need one.
/// * A multi-line text may hold the marks (LRM, RLM, ALM — single zero-width letters that
///   only settle the direction of their neighbours, as a quotation in Arabic script may
///   need) but no embedding, override or isolate: those re-order everything after them, so
///   what readers see would differ from what moderators search.
///
/// Other invisible characters inside visible text are accepted everywhere: the zero-width
/// joiner and non-joiner shape emoji sequences and words of several scripts, the soft hyphen
/// breaks long Kazakh words, and refusing them would turn away honest text while the
/// deception they allow (text that looks empty) is caught by the first rule.
pub fn check_new_text(field: &'static str, lang: Option<Lang>, s: &str, multiline: bool) -> Result<(), EventError> {
    if s.chars().all(is_invisible) {
        return Err(EventError::InvisibleText { field, lang: lang.map(|l| l.as_str()) });
    }
    let refused = |c: char| if multiline { is_bidi_embedding(c) } else { is_bidi_control(c) };
    if let Some(c) = s.chars().find(|&c| refused(c)) {
        return Err(EventError::BidiControl { field, lang: lang.map(|l| l.as_str()), code: u32::from(c) });
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
        ///
        /// Held as a shared string: a case names the same bodies, officials and topics as
        /// millions of others, and a clone of an id the state already holds costs no memory.
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(std::sync::Arc<str>);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = EventError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                check_slug(&s)?;
                Ok($name(s.into()))
            }
        }

        impl FromStr for $name {
            type Err = EventError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                check_slug(s)?;
                Ok($name(s.into()))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0.as_ref().to_owned()
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
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
    /// Identifier of an appeal, chosen by the server when it is filed, e.g. `a-4k7q2m9x`.
    AppealId
);
slug_id!(
    /// An appeal's or a petition's id, where a case of either kind is meant (a split that
    /// places cases by name).
    CaseId
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
            assert_eq!(e.code(), "invalid-id", "{bad}");
        }
        assert!(serde_json::from_str::<BodyId>("\"Bad\"").is_err());
        assert_eq!(serde_json::from_str::<BodyId>("\"ok-1\"").ok(), "ok-1".parse().ok());
    }

    #[test]
    fn langs() {
        for l in Lang::ALL {
            assert_eq!(l.as_str().parse::<Lang>(), Ok(l));
        }
        assert_eq!("de".parse::<Lang>().unwrap_err().code(), "unknown-lang");
    }

    #[test]
    fn text_rules() {
        let t = LocalizedText::new("Әкімдік", "Акимат", "Akimat");
        assert_eq!(t.get(Lang::Kk), "Әкімдік");
        assert!(t.validate(TextUse::Name).is_ok());
        let e = LocalizedText::new(" ", "a", "b").validate(TextUse::Name);
        assert!(matches!(e, Err(EventError::EmptyText { lang: "kk", .. })));
        let nl = LocalizedText::new("a\nb", "a", "b");
        assert!(nl.validate(TextUse::Text).is_ok());
        assert_eq!(nl.validate(TextUse::Title).unwrap_err().code(), "control-character");
        let tab = LocalizedText::new("a", "a\tb", "b");
        assert_eq!(tab.validate(TextUse::Text).unwrap_err().code(), "control-character");
        // Limits count characters, not bytes: 300 Cyrillic letters are fine.
        let long = LocalizedText::new("ә".repeat(300), "a", "b");
        assert!(long.validate(TextUse::Name).is_ok());
        let too_long = LocalizedText::new("ә".repeat(301), "a", "b");
        assert_eq!(too_long.validate(TextUse::Name).unwrap_err().code(), "text-too-long");
    }

    #[test]
    fn new_texts_show_something_and_keep_their_direction() {
        let one_line = |s: &str| check_new_text("title", Some(Lang::En), s, false).map_err(|e| e.code());
        let multi_line = |s: &str| check_new_text("text", Some(Lang::En), s, true).map_err(|e| e.code());
        // Kazakh, Russian and English, with the punctuation and symbols titles use.
        for ok in [
            "Алматыда велосипед жолдарын салу: 2026 жылға дейін",
            "Қоғамдық көлік — әр ауданға!",
            "Построить велодорожки в Алматы (до 2026 г.)",
            "Bike lanes in Almaty, by 2026 — 100% of avenues",
            "=HYPERLINK(\"x\")",
            // A zero-width joiner inside an emoji sequence, a soft hyphen inside a long word.
            "Отбасы 👨\u{200D}👩\u{200D}👧 үшін",
            "жауап\u{00AD}кершілік",
        ] {
            assert_eq!(one_line(ok), Ok(()), "{ok:?}");
            assert_eq!(multi_line(ok), Ok(()), "{ok:?}");
        }
        // Nothing visible: zero-width spaces and joiners, a BOM, a word joiner, no-break and
        // ideographic spaces, a Hangul filler, the blank Braille pattern, a tag, a variation
        // selector.
        for blank in [
            "\u{200B}",
            "\u{200B}\u{200C}\u{200D}",
            " \u{FEFF}\u{2060} ",
            "\u{00A0}\u{3000}",
            "\u{3164}",
            "\u{2800}\u{2800}",
            "\u{E0041}",
            "\u{FE0F}",
            "\u{200E}\u{202E}",
        ] {
            assert_eq!(one_line(blank), Err("invisible-text"), "{blank:?}");
            assert_eq!(multi_line(blank), Err("invisible-text"), "{blank:?}");
        }
        // Every bidirectional control is refused in a one-line text; in a multi-line text
        // the marks are allowed, the embeddings, overrides and isolates are not.
        for c in ('\u{202A}'..='\u{202E}').chain('\u{2066}'..='\u{2069}') {
            let s = format!("Petition {c}gnis");
            assert_eq!(one_line(&s), Err("bidi-control"), "U+{:04X}", u32::from(c));
            assert_eq!(multi_line(&s), Err("bidi-control"), "U+{:04X}", u32::from(c));
        }
        for c in ['\u{200E}', '\u{200F}', '\u{061C}'] {
            let s = format!("Petition {c}(1)");
            assert_eq!(one_line(&s), Err("bidi-control"), "U+{:04X}", u32::from(c));
            assert_eq!(multi_line(&s), Ok(()), "U+{:04X}", u32::from(c));
        }
        let e = check_new_text("title", Some(Lang::Kk), "a\u{202E}b", false).unwrap_err();
        assert_eq!(e, EventError::BidiControl { field: "title", lang: Some("kk"), code: 0x202E });
        assert!(e.to_string().contains("kk translation of `title`") && e.to_string().contains("U+202E"), "{e}");
        let e = check_new_text("reason", None, "\u{200B}", false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`reason` shows nothing: it has only spaces and invisible characters; write it in visible letters"
        );
    }

    /// The text rules bind new submissions (`Event::check_new`), not replay: an entry logged
    /// before them still decodes and applies.
    #[test]
    fn new_text_rules_are_not_replay_rules() {
        use crate::{Entry, Event, LogIndex, State, Timestamp};
        let body = |name: LocalizedText| Event::BodyRegistered {
            body: "akimat-astana".parse().expect("slug"),
            name,
            kind: BodyKind::Akimat,
            parent: None,
            territory: None,
            competences: None,
        };
        let spoofed = body(LocalizedText::new("Әкімдік", "Акимат \u{202E}анатсА", "\u{200B}"));
        assert_eq!(spoofed.validate(), Ok(()));
        let e = spoofed.check_new().unwrap_err();
        assert_eq!(
            (e.code(), e),
            ("bidi-control", EventError::BidiControl { field: "name", lang: Some("ru"), code: 0x202E })
        );
        let bytes = Entry::new(Timestamp(1_772_443_800_000), spoofed).encode();
        let mut state = State::new();
        state.apply(LogIndex(0), &Entry::decode(&bytes).expect("an old entry still decodes")).expect("and applies");
        assert!(body(LocalizedText::new("Әкімдік", "Акимат", "Akimat")).check_new().is_ok());

        let notice = |title: &str, text: &str| Event::NoticePublished {
            notice: "n-1".parse().expect("slug"),
            title: LocalizedText::new(title, "Заголовок", "Title"),
            text: LocalizedText::new(text, "Текст", "Text"),
        };
        assert_eq!(notice("\u{2066}Тақырып", "Мәтін").check_new().map_err(|e| e.code()), Err("bidi-control"));
        assert_eq!(notice("Тақырып", "\u{200D}\n\u{200D}").check_new().map_err(|e| e.code()), Err("invisible-text"));
        assert_eq!(notice("Тақырып", "Мәтін \u{200F}(1)").check_new(), Ok(()));
    }
}

/// Text written by a citizen or an official in one or more of Kazakh, Russian and English. At
/// least one is required; a language left out is omitted, never empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialText {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ru: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl PartialText {
    /// A text in one language.
    pub fn one(lang: Lang, text: impl Into<String>) -> Self {
        let mut t = PartialText::default();
        *t.slot(lang) = Some(text.into());
        t
    }

    fn slot(&mut self, lang: Lang) -> &mut Option<String> {
        match lang {
            Lang::Kk => &mut self.kk,
            Lang::Ru => &mut self.ru,
            Lang::En => &mut self.en,
        }
    }

    /// Sets (or, with an empty or blank text, removes) one language.
    pub fn set(&mut self, lang: Lang, text: &str) {
        *self.slot(lang) = (!text.trim().is_empty()).then(|| text.to_owned());
    }

    pub fn get(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Kk => self.kk.as_deref(),
            Lang::Ru => self.ru.as_deref(),
            Lang::En => self.en.as_deref(),
        }
    }

    /// The text in `lang` if written in it, else in the first language it has (Kazakh,
    /// Russian, English), with the language shown so the page can mark it.
    pub fn best(&self, lang: Lang) -> (Lang, &str) {
        if let Some(s) = self.get(lang) {
            return (lang, s);
        }
        Lang::ALL.into_iter().find_map(|l| self.get(l).map(|s| (l, s))).unwrap_or((lang, ""))
    }

    /// The languages it is written in.
    pub fn langs(&self) -> impl Iterator<Item = Lang> + '_ {
        Lang::ALL.into_iter().filter(|l| self.get(*l).is_some())
    }

    pub(crate) fn validate(&self, field: &'static str, max: usize, multiline: bool) -> Result<(), EventError> {
        if self.langs().next().is_none() {
            return Err(EventError::EmptyField { field });
        }
        for lang in Lang::ALL {
            let Some(s) = self.get(lang) else { continue };
            if s.trim().is_empty() {
                return Err(EventError::BlankTranslation { field, lang: lang.as_str() });
            }
            validate_translation(field, lang, s, max, multiline)?;
        }
        Ok(())
    }

    /// [`check_new_text`] for each language it is written in.
    pub(crate) fn check_new(&self, field: &'static str, multiline: bool) -> Result<(), EventError> {
        self.langs().try_for_each(|lang| check_new_text(field, Some(lang), self.get(lang).unwrap_or(""), multiline))
    }
}

/// [`check_new_text`] for a one-line text in no particular language (a reason, a comment).
pub(crate) fn check_new_line(field: &'static str, s: &str) -> Result<(), EventError> {
    check_new_text(field, None, s, false)
}
