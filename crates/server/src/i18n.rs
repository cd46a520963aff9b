//! Translations (Fluent files under `locales/{kk,ru,en}`) and the choice of language for a
//! request: `?lang=` first, then the `lang` cookie, then the browser's Accept-Language,
//! then Kazakh.

use std::collections::HashMap;

use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
use axum::http::request::Parts;
use dauys_core::Lang;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{static_loader, LanguageIdentifier, Loader};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "kk",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

fn langid(lang: Lang) -> LanguageIdentifier {
    // The three identifiers are constant and valid.
    lang.as_str().parse().unwrap_or_default()
}

/// The translation of `id`; a missing id shows itself, so a gap is visible, not silent.
pub fn t(lang: Lang, id: &str) -> String {
    LOCALES.try_lookup(&langid(lang), id).unwrap_or_else(|| id.to_string())
}

pub fn t_args(lang: Lang, id: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
    let args: HashMap<std::borrow::Cow<'static, str>, FluentValue<'static>> =
        args.iter().map(|(k, v)| (std::borrow::Cow::Borrowed(*k), v.clone())).collect();
    LOCALES.try_lookup_with_args(&langid(lang), id, &args).unwrap_or_else(|| id.to_string())
}

/// The language a request is answered in, and whether it came from an explicit choice
/// (which is then remembered in a cookie).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UiLang {
    pub lang: Lang,
    pub chosen: bool,
}

fn parse_lang(s: &str) -> Option<Lang> {
    let primary = s.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    primary.parse().ok()
}

/// Picks the first supported language by quality from an Accept-Language header.
pub fn from_accept_language(header: &str) -> Option<Lang> {
    let mut choices: Vec<(u32, usize, Lang)> = header
        .split(',')
        .enumerate()
        .filter_map(|(pos, item)| {
            let mut parts = item.split(';');
            let lang = parse_lang(parts.next()?)?;
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (q > 0.0).then_some(((q * 1000.0) as u32, pos, lang))
        })
        .collect();
    choices.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    choices.first().map(|c| c.2)
}

impl<S: Send + Sync> FromRequestParts<S> for UiLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        if let Some(lang) = query.split('&').find_map(|kv| kv.strip_prefix("lang=")).and_then(parse_lang) {
            return Ok(UiLang { lang, chosen: true });
        }
        let cookie = parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.split(';').find_map(|kv| kv.trim().strip_prefix("lang=")).and_then(parse_lang));
        if let Some(lang) = cookie {
            return Ok(UiLang { lang, chosen: false });
        }
        let accept = parts.headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(from_accept_language);
        Ok(UiLang { lang: accept.unwrap_or(Lang::Kk), chosen: false })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_by_quality() {
        assert_eq!(from_accept_language("ru-RU,ru;q=0.9,en;q=0.8"), Some(Lang::Ru));
        assert_eq!(from_accept_language("de, en;q=0.5, kk;q=0.7"), Some(Lang::Kk));
        assert_eq!(from_accept_language("fr, de"), None);
        assert_eq!(from_accept_language("kk;q=0, en"), Some(Lang::En));
    }

    #[test]
    fn every_language_has_every_message() {
        for lang in Lang::ALL {
            for id in ["site-title", "problem-not-found", "nav-log"] {
                assert_ne!(t(lang, id), id, "{id} missing in {}", lang.as_str());
            }
        }
    }

    /// The message ids a Fluent file defines (messages and terms), after checking that it
    /// parses without errors.
    fn message_ids(lang: &str, source: &str) -> std::collections::BTreeSet<String> {
        use fluent_templates::fluent_bundle::FluentResource;
        if let Err((_, errors)) = FluentResource::try_new(source.to_string()) {
            panic!("locales/{lang}/main.ftl does not parse: {errors:?}");
        }
        source
            .lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic() || c == '-'))
            .filter_map(|l| l.split_once('=').map(|(id, _)| id.trim().to_string()))
            .collect()
    }

    #[test]
    fn all_languages_define_the_same_messages() {
        let kk = message_ids("kk", include_str!("../locales/kk/main.ftl"));
        let ru = message_ids("ru", include_str!("../locales/ru/main.ftl"));
        let en = message_ids("en", include_str!("../locales/en/main.ftl"));
        assert!(kk.len() > 100, "only {} messages in kk", kk.len());
        assert_eq!(kk.symmetric_difference(&ru).collect::<Vec<_>>(), Vec::<&String>::new(), "kk vs ru");
        assert_eq!(kk.symmetric_difference(&en).collect::<Vec<_>>(), Vec::<&String>::new(), "kk vs en");
    }

    #[test]
    fn every_problem_code_has_a_title() {
        let codes = [
            "not-found",
            "invalid-parameter",
            "invalid-json",
            "invalid-event",
            "unsupported-media-type",
            "payload-too-large",
            "unauthorized",
            "rejected",
            "busy",
            "storage-unavailable",
            "shutting-down",
            "timeout",
            "no-checkpoint",
            "not-yet-checkpointed",
            "receipt-mismatch",
            "invalid-tile-path",
            "invalid-proof-request",
            "method-not-allowed",
            "internal",
        ];
        for lang in Lang::ALL {
            for code in codes {
                let id = format!("problem-{code}");
                assert_ne!(t(lang, &id), id, "{id} missing in {}", lang.as_str());
            }
            for status in [400, 401, 404, 405, 409, 413, 415, 500, 503] {
                let id = format!("problem-status-{status}");
                assert_ne!(t(lang, &id), id, "{id} missing in {}", lang.as_str());
            }
        }
    }
}
