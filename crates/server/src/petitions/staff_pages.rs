//! Staff pages for petitions: moderators review the queue and flagged signatures at
//! `/moderation`; officials and heads of bodies see what their bodies owe at
//! `/office/petitions` and publish the answer.
//!
//! Every decision is the [`Petitions`](super::Petitions) service's (which calls `authorize`);
//! the pages only refuse early, so that a person without the role sees a translated 403
//! instead of a form they cannot use. Plain HTML forms, no JavaScript; each form carries the
//! session's CSRF token. After an action the browser is sent back (303) with `?done=…`,
//! which the page shows as a status message.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use dauys_core::{
    BodyId, Decision, Lang, ObligationStatus, PartialText, Petition, PetitionId, Pseudonym, RejectionReason, Timestamp,
    TopicCode, MAX_ANSWER_CHARS, MAX_REASON_CHARS, MAX_STATEMENT_CHARS,
};
use dauys_identity::policy::{authorize, Action};
use fluent_templates::fluent_bundle::FluentValue;
use maud::{html, Markup};
use serde::Deserialize;
use time::Date;

use super::extract::{no_petition, Answering, Moderator};
use super::petition_href;
use super::{level_label, topic_label, AnswerForm, PetitionError};
use crate::i18n::value_id;
use crate::people::session::Session;
use crate::people::Account;
use crate::web::extract::{CsrfForm, IdPath, Known, Official, PageError, PageQuery, PageResult};
use crate::web::forms::{
    csrf_field, date_el, described_by, error_line, error_summary, field_error, invalid, FieldError,
};
use crate::web::{time_el, Page, Section};
use crate::AppState;

mod moderation;
mod obligations;

use moderation::{accept, dismiss, invalidate, moderation, reject};
use obligations::{answer, answer_form, obligations};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/moderation", get(moderation))
        .route("/moderation/{id}/accept", post(accept))
        .route("/moderation/{id}/reject", post(reject))
        .route("/moderation/{id}/signatures/invalidate", post(invalidate))
        .route("/moderation/{id}/signatures/dismiss", post(dismiss))
        .route("/office/petitions", get(obligations))
        .route("/office/petitions/{id}/answer", get(answer_form).post(answer))
}

/// How many open flags the moderation page lists.
const FLAG_LIMIT: u32 = 500;

// ---------------------------------------------------------------------------------------
// Shared bits

fn today(app: &AppState) -> Date {
    Timestamp(super::now_ms()).date_at_offset(app.deployment.utc_offset_minutes())
}

/// A translated message for a service failure, by its stable code.
fn error_message(p: &Page, e: &PetitionError) -> String {
    if matches!(e, PetitionError::Ledger(_) | PetitionError::People(_) | PetitionError::Internal(_)) {
        tracing::error!(error = %e, "petition staff action failed");
    }
    let id = format!("staff-err-{}", e.code());
    let text = p.t(&id);
    if text == id {
        p.t("staff-err-other")
    } else {
        text
    }
}

/// The text in the page's language or the first one written, marked with its language.
fn partial(p: &Page, text: &PartialText) -> Markup {
    let (lang, s) = text.best(p.lang);
    html! {
        div lang=(lang.as_str()) {
            @for para in s.split('\n').filter(|l| !l.trim().is_empty()) { p { (para) } }
        }
    }
}

fn title_of(p: &Page, petition: &Petition) -> Markup {
    let (lang, s) = petition.title.best(p.lang);
    html! { span lang=(lang.as_str()) { (s) } }
}

/// What a staff page was sent back with after an act (`?done=accepted&petition=p-…`).
#[derive(Default, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
    petition: Option<String>,
}

/// The status message for `?done=…`.
fn done_notice(app: &AppState, p: &Page, q: &DoneQuery) -> Markup {
    const KNOWN: [&str; 5] = ["accepted", "rejected", "invalidated", "dismissed", "answered"];
    let Some(done) = q.done.as_deref().filter(|d| KNOWN.contains(d)) else { return html! {} };
    let petition = q.petition.as_deref().and_then(|s| s.parse::<PetitionId>().ok());
    let found = petition.and_then(|id| app.capabilities.petitions.view().get(&id));
    html! {
        div.notice role="status" #done {
            p {
                (p.t(&format!("staff-done-{done}")))
                @if let Some(pet) = &found {
                    " " a href=(petition_href(&pet.id)) { (title_of(p, pet)) }
                }
            }
        }
    }
}

/// The names of `bodies` in the page's language (their identifiers where unknown).
fn body_names(app: &AppState, lang: Lang, bodies: Vec<BodyId>) -> HashMap<BodyId, String> {
    bodies.into_iter().filter_map(|b| app.deployment.body(&b).map(|x| (b, x.name.get(lang).to_string()))).collect()
}

fn body_label(names: &HashMap<BodyId, String>, body: &BodyId) -> String {
    names.get(body).cloned().unwrap_or_else(|| body.to_string())
}

/// `ps1-3fa2…` — enough to tell signers apart on the page; the full pseudonym is in the title.
fn short_pseudonym(s: &str) -> String {
    match s.char_indices().nth(14) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// A one-line reason: trimmed, required, at most [`MAX_REASON_CHARS`], no control characters.
fn check_line(p: &Page, value: &str) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(p.t("staff-err-required"));
    }
    if v.chars().count() > MAX_REASON_CHARS {
        return Err(p.t_args("staff-err-too-long", &[("max", FluentValue::from(MAX_REASON_CHARS))]));
    }
    if v.chars().any(char::is_control) {
        return Err(p.t("staff-err-one-line"));
    }
    Ok(v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message this module uses exists in Kazakh, Russian and English, and the three
    /// files define the same messages.
    #[test]
    fn i18n_staff_pages_have_every_message() {
        let files = [
            ("kk", include_str!("../../locales/kk/petition-staff.ftl")),
            ("ru", include_str!("../../locales/ru/petition-staff.ftl")),
            ("en", include_str!("../../locales/en/petition-staff.ftl")),
        ];
        let ids = |source: &str| -> std::collections::BTreeSet<String> {
            source
                .lines()
                .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
                .filter_map(|l| l.split_once('=').map(|(id, _)| id.trim().to_string()))
                .collect()
        };
        let kk = ids(files[0].1);
        for (lang, source) in &files[1..] {
            let other = ids(source);
            assert_eq!(kk.symmetric_difference(&other).collect::<Vec<_>>(), Vec::<&String>::new(), "kk vs {lang}");
        }
        assert!(kk.iter().all(|id| id.starts_with("staff-")), "ids outside the staff- prefix");
        let this = [
            include_str!("staff_pages.rs"),
            include_str!("staff_pages/moderation.rs"),
            include_str!("staff_pages/obligations.rs"),
        ]
        .concat();
        // Every literal id in this file (ids built with format! are added below).
        let mut used: Vec<String> = this
            .match_indices("\"staff-")
            .filter_map(|(at, _)| this[at + 1..].split('"').next())
            .filter(|id| !id.ends_with('-') && id.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
            .map(str::to_owned)
            .collect();
        for r in RejectionReason::ALL {
            used.push(value_id("staff-reason-", r.as_str()));
        }
        for d in Decision::ALL {
            used.push(value_id("staff-decision-", d.as_str()));
        }
        for l in Lang::ALL {
            used.push(format!("staff-lang-{}", l.as_str()));
        }
        for done in ["accepted", "rejected", "invalidated", "dismissed", "answered"] {
            used.push(format!("staff-done-{done}"));
        }
        // Every variable any message takes, so that messages with variables resolve too.
        let args = [
            ("max", FluentValue::from(1)),
            ("count", FluentValue::from(1)),
            ("invalidated", FluentValue::from(1)),
            ("body", FluentValue::from("x")),
            ("section", FluentValue::from("x")),
            ("written", FluentValue::from("x")),
            ("petition", FluentValue::from("x")),
        ];
        for lang in Lang::ALL {
            for id in &used {
                assert_ne!(crate::i18n::t_args(lang, id, &args), *id, "{id} missing in {}", lang.as_str());
            }
        }
    }

    #[test]
    fn pseudonyms_are_shortened() {
        let s = format!("ps1-{}", "a".repeat(64));
        assert_eq!(short_pseudonym(&s), format!("ps1-{}…", "a".repeat(10)));
        assert_eq!(short_pseudonym("ps1-ab"), "ps1-ab");
    }
}
