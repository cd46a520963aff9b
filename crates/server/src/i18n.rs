//! Translations (Fluent files under `locales/{kk,ru,en}`) and the choice of language for a
//! request: `?lang=` first, then the `lang` cookie, then the browser's Accept-Language,
//! then Kazakh.
//!
//! Pages take any `?lang=` leniently (`ru-RU` is Russian; an unknown value falls back, so an
//! old link still shows a page). The machine interface (`/api/…`, `/feeds/…`) is described
//! by its OpenAPI document, where `lang` is one of `kk`, `ru`, `en`: there any other value
//! is a 400 problem naming the parameter, as for every other parameter of the API.

use std::collections::HashMap;

use axum::extract::FromRequestParts;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use dauys_core::Lang;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{static_loader, LanguageIdentifier, Loader};
use serde_json::{Map, Value};

use crate::problem::Problem;

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

/// The message id of a wire value — a serde enum value such as `partially_supported` or
/// `oblast_akimat`, an event member such as `duplicate_of` — after `prefix`: message ids are
/// kebab-case, so `_` becomes `-` (`pp-decision-partially-supported`). The one place this
/// happens. Error codes need no such help: they are kebab-case already, and their ids are
/// `format!("{prefix}{code}")`.
pub fn value_id(prefix: &str, value: &str) -> String {
    format!("{prefix}{}", value.replace('_', "-"))
}

/// What an event is called in `lang` (`personal_data.opened` is "Personal data opened"): the
/// message `event-<type>`, with the type's `.` and `_` written `-`. Falls back to the type
/// itself, which a test keeps from happening for any event of [`dauys_core::Event::KINDS`].
pub fn event_label(lang: Lang, kind: &str) -> String {
    let id = value_id("event-", &kind.replace('.', "-"));
    let label = t(lang, &id);
    if label == id {
        kind.to_owned()
    } else {
        label
    }
}

pub fn t_args(lang: Lang, id: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
    let args: HashMap<std::borrow::Cow<'static, str>, FluentValue<'static>> =
        args.iter().map(|(k, v)| (std::borrow::Cow::Borrowed(*k), v.clone())).collect();
    LOCALES.try_lookup_with_args(&langid(lang), id, &args).unwrap_or_else(|| id.to_string())
}

/// The cookie that remembers a language chosen with `?lang=`.
pub const LANG_COOKIE: &str = "lang";

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

/// Whether `path` is part of the machine interface, where `?lang=` must be exactly one of
/// the three codes.
fn strict_lang_path(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/feeds/")
}

/// The value of every `lang` parameter in a query string, decoded (`lang` without `=` has the
/// empty value).
fn query_langs(query: &str) -> impl Iterator<Item = String> + '_ {
    form_urlencoded::parse(query.as_bytes()).filter(|(key, _)| key == "lang").map(|(_, value)| value.into_owned())
}

/// The parameters of a query string other than `lang` (as written, not decoded): what a page
/// keeps when only its language changes.
pub(crate) fn query_without_lang(query: &str) -> impl Iterator<Item = &str> {
    query.split('&').filter(|kv| !kv.is_empty() && *kv != "lang" && !kv.starts_with("lang="))
}

/// The language chosen without `?lang=`: the `lang` cookie, then Accept-Language, then Kazakh.
fn remembered_or_accepted(parts: &Parts) -> UiLang {
    if let Some(lang) = CookieJar::from_headers(&parts.headers).get(LANG_COOKIE).and_then(|c| parse_lang(c.value())) {
        return UiLang { lang, chosen: false };
    }
    let accept = parts.headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(from_accept_language);
    UiLang { lang: accept.unwrap_or(Lang::Kk), chosen: false }
}

/// A `?lang=` value the machine interface does not know: a 400 problem naming the parameter
/// and its allowed values, titled in the language the request would otherwise get.
#[derive(Debug)]
pub struct UnknownLang {
    value: String,
    lang: Lang,
}

impl IntoResponse for UnknownLang {
    fn into_response(self) -> Response {
        let allowed: Vec<&str> = Lang::ALL.iter().map(Lang::as_str).collect();
        let detail = format!("lang: {:?} is not one of: {}", self.value, allowed.join(", "));
        let problem = Problem::bad_request("invalid-parameter", detail).in_lang(self.lang);
        let mut extensions = Map::new();
        extensions.insert("parameter".into(), Value::String("lang".into()));
        extensions.insert("allowed".into(), Value::from(allowed));
        problem.with_members(extensions)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for UiLang {
    type Rejection = UnknownLang;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        if strict_lang_path(parts.uri.path()) {
            if let Some(value) = query_langs(query).find(|v| !Lang::ALL.iter().any(|l| l.as_str() == v)) {
                let value = value.chars().take(80).collect();
                return Err(UnknownLang { value, lang: remembered_or_accepted(parts).lang });
            }
        }
        // The first `lang` given a value; pages take it leniently.
        if let Some(lang) = query_langs(query).find(|v| !v.is_empty()).and_then(|v| parse_lang(&v)) {
            return Ok(UiLang { lang, chosen: true });
        }
        Ok(remembered_or_accepted(parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A log page, a history or an e-mail never shows a raw type such as `personal_data.opened`.
    #[test]
    fn every_event_is_named_in_every_language() {
        for lang in Lang::ALL {
            for kind in dauys_core::Event::KINDS {
                let label = event_label(lang, kind);
                assert!(label != kind && !label.contains('.') && !label.contains('_'), "{kind} in {lang:?}: {label}");
            }
        }
        let kinds: Vec<String> = Lang::ALL.iter().map(|l| event_label(*l, "personal_data.opened")).collect();
        assert_eq!(kinds, ["Дербес деректерге қол жеткізу", "Доступ к персональным данным", "Personal data opened"]);
    }

    /// A log page or a "Sign this act" page labels every member of every event in words, not
    /// by its name in the log (`forbidden_topic`, `subject`).
    #[test]
    fn every_event_member_is_labelled_in_every_language() {
        for lang in Lang::ALL {
            for kind in dauys_core::Event::KINDS {
                for member in dauys_core::Event::members(kind) {
                    let id = value_id("field-", member);
                    assert_ne!(t(lang, &id), id, "{kind}: `{member}` has no label in {lang:?}");
                }
            }
        }
        assert_eq!(dauys_core::Event::members("personal_data.opened").count(), 6);
    }

    #[test]
    fn accept_language_by_quality() {
        assert_eq!(from_accept_language("ru-RU,ru;q=0.9,en;q=0.8"), Some(Lang::Ru));
        assert_eq!(from_accept_language("de, en;q=0.5, kk;q=0.7"), Some(Lang::Kk));
        assert_eq!(from_accept_language("fr, de"), None);
        assert_eq!(from_accept_language("kk;q=0, en"), Some(Lang::En));
    }

    async fn ui_lang(uri: &str) -> Result<UiLang, UnknownLang> {
        let request = axum::http::Request::get(uri).header(ACCEPT_LANGUAGE, "ru").body(()).expect("request");
        let (mut parts, ()) = request.into_parts();
        UiLang::from_request_parts(&mut parts, &()).await
    }

    #[tokio::test]
    async fn the_api_refuses_an_unknown_lang_and_pages_fall_back() {
        assert_eq!(ui_lang("/api/v1/entries?lang=en").await.ok(), Some(UiLang { lang: Lang::En, chosen: true }));
        assert_eq!(ui_lang("/api/v1/entries").await.ok(), Some(UiLang { lang: Lang::Ru, chosen: false }));
        for uri in [
            "/api/v1/entries?lang=de",
            "/api/v1/entries?lang=",
            "/api/v1/entries?lang",
            "/api/v1/entries?lang=EN",
            "/api/v1/entries?lang=ru-RU",
            "/api/v1/entries?lang=kk&lang=xx",
            "/feeds/petitions.atom?lang=fr",
        ] {
            let refused = ui_lang(uri).await.expect_err(uri);
            assert_eq!(refused.lang, Lang::Ru, "{uri}: the title follows Accept-Language");
            let response = refused.into_response();
            assert_eq!(response.status(), axum::http::StatusCode::BAD_REQUEST, "{uri}");
            let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.expect("body");
            let problem: Value = serde_json::from_slice(&body).expect("json");
            assert_eq!(problem["code"], "invalid-parameter", "{uri}");
            assert_eq!(problem["parameter"], "lang", "{uri}");
            assert_eq!(problem["allowed"], serde_json::json!(["kk", "ru", "en"]), "{uri}");
        }
        // `language=` is another parameter; pages take any value and fall back.
        assert_eq!(ui_lang("/api/v1/entries?language=de").await.ok().map(|l| l.lang), Some(Lang::Ru));
        assert_eq!(ui_lang("/petitions?lang=de").await.ok(), Some(UiLang { lang: Lang::Ru, chosen: false }));
        assert_eq!(ui_lang("/petitions?lang=en-GB").await.ok(), Some(UiLang { lang: Lang::En, chosen: true }));
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
            "not-an-operator-act",
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
            for status in [400, 401, 403, 404, 405, 409, 413, 415, 500, 503] {
                let id = format!("problem-status-{status}");
                assert_ne!(t(lang, &id), id, "{id} missing in {}", lang.as_str());
            }
        }
    }
}
