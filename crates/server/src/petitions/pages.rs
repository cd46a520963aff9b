//! The citizens' petition pages: the list with search and filters, one page per petition
//! (text, progress, deadlines, the obligation and the body's answer, signatures over time and
//! by region), signing with a receipt whose inclusion proof the server checks before showing
//! it, and the author's pages (draft, edit, launch, withdraw, "my petitions").
//!
//! Reads come from the in-memory [`PetitionsView`](super::view::PetitionsView), and bodies and
//! the time zone from the deployment's (`app.deployment`); a page reads the database only for
//! what is the visitor's own (their signature row). Every decision is the [`Petitions`](super::Petitions) service's
//! or the rules'; the pages check forms early only to re-show them with the values kept.
//! Plain HTML forms, no JavaScript; each form that changes something carries the session's
//! CSRF token, and after a change the browser is sent on with 303 (post/redirect/get).

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use dauys_core::{
    Body, BodyId, Decision, Event, Lang, Level, Locality, ObligationStatus, PartialText, Petition, PetitionId,
    PetitionStatus, Region, RejectionReason, Signature, Timestamp, TopicCode, MAX_PETITION_TEXT_CHARS,
    MAX_PETITION_TITLE_CHARS, MAX_REASON_CHARS,
};
use fluent_templates::fluent_bundle::FluentValue;
use maud::{html, Markup};
use serde::Deserialize;
use time::Date;

use super::extract::no_petition;
use super::map::{region_map, region_table};
use super::petition_href;
use super::view::{ListPage, ListQuery, Sort};
use super::{level_label, topic_label, Draft, PetitionError};
use crate::i18n::value_id;
use crate::people::session::Session;
use crate::people::Identity;
use crate::people::Person;
use crate::web::extract::{
    sign_in_href, urlencode, Citizen, ClientAddr, CsrfForm, Known, PageError, PageQuery, PageResult,
};
use crate::web::forms::{
    alert, csrf_field, date_el, described_by, error_line, field_error, notice, FieldError, NoFields,
};
use crate::web::locality_label;
use crate::web::{num, time_el, Page, Section};
use crate::AppState;

mod badge;
mod card;
mod drafts;
mod home;
mod list;
mod mine;
mod petition;
mod receipt;

pub(crate) use drafts::draft_href;
use drafts::{create, delete, edit, edit_form, launch, new_form, show_draft, withdraw};
pub(crate) use home::{home_sections, owed_by};
use list::list;
use mine::mine;
use petition::{petition_page, show, sign, Flash};
use receipt::receipt;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/petitions", get(list))
        .route("/petitions/new", get(new_form).post(create))
        .route("/petitions/{id}", get(show))
        .route("/petitions/{id}/sign", post(sign))
        .route("/petitions/{id}/receipt", get(receipt))
        .route("/petitions/{id}/badge.svg", get(badge::badge))
        .route("/petitions/{id}/card.png", get(card::card))
        .route("/petitions/{id}/withdraw", post(withdraw))
        .route("/me/petitions", get(mine))
        .route("/me/drafts/{id}", get(show_draft))
        .route("/me/drafts/{id}/edit", get(edit_form).post(edit))
        .route("/me/drafts/{id}/launch", post(launch))
        .route("/me/drafts/{id}/delete", post(delete))
}

/// What a page was sent back with after the author's act (`?done=launched`).
#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// Longest search text the list accepts.
const MAX_QUERY_CHARS: usize = 200;
/// Petitions per page of the list.
const PER_PAGE: usize = ListQuery::DEFAULT_PER_PAGE;
const DAY_MS: u64 = 86_400_000;

// ---------------------------------------------------------------------------------------
// Small shared pieces

fn now_ms() -> u64 {
    super::now_ms()
}

/// The last local day before `until` (an instant that ends a day).
fn last_day(app: &AppState, until: Timestamp) -> Date {
    Timestamp(until.0.saturating_sub(1)).date_at_offset(app.deployment.utc_offset_minutes())
}

/// Whole days left until `until`, counting a started day; `None` once it passed.
fn days_left(until: Timestamp, now: u64) -> Option<u64> {
    (until.0 > now).then(|| (until.0 - now).div_ceil(DAY_MS))
}

fn status_label(p: &Page, status: PetitionStatus) -> String {
    p.t(&format!("pp-status-{}", status.as_str()))
}

/// A petition's standing: answered, awaiting an answer (due in so many working days) or
/// overdue (by so many days) once it reached its threshold; else its status. The first is
/// the `data-standing` that gives the colour.
fn standing_text(p: &Page, app: &AppState, pet: &Petition, now: u64) -> (&'static str, String) {
    let offset = app.deployment.utc_offset_minutes();
    let today = Timestamp(now).date_at_offset(offset);
    let date = |d: Date| FluentValue::from(p.date(d));
    match &pet.obligation {
        Some(o) => match (&o.answer, o.status) {
            (Some(answer), _) => (
                "answered",
                p.t_args("pp-headline-answered", &[("date", date(answer.answered_at.date_at_offset(offset)))]),
            ),
            (None, ObligationStatus::Overdue) => (
                "overdue",
                p.t_args(
                    "pp-headline-overdue",
                    &[("days", FluentValue::from((today - o.due).whole_days().max(1))), ("date", date(o.due))],
                ),
            ),
            (None, _) => {
                let left = app.deployment.calendar().working_days_between(today, o.due);
                (
                    "awaiting",
                    p.t_args("pp-headline-awaiting", &[("days", FluentValue::from(left)), ("date", date(o.due))]),
                )
            }
        },
        None => (pet.status.as_str(), status_label(p, pet.status)),
    }
}

/// The standing as the headline of a petition's page and of its row in the list.
fn headline(p: &Page, app: &AppState, pet: &Petition, now: u64) -> Markup {
    let (standing, text) = standing_text(p, app, pet, now);
    html! { p.headline data-standing=(standing) { (text) } }
}

fn obligation_label(p: &Page, status: ObligationStatus) -> String {
    p.t(&format!("pp-obligation-{}", status.as_str()))
}

fn decision_label(p: &Page, d: Decision) -> String {
    p.t(&value_id("pp-decision-", d.as_str()))
}

fn reason_label(p: &Page, r: RejectionReason) -> String {
    p.t(&value_id("pp-reason-", r.as_str()))
}

fn sort_label(p: &Page, s: Sort) -> String {
    p.t(&value_id("pp-sort-", s.as_str()))
}

fn body_label(app: &AppState, lang: Lang, body: &BodyId) -> String {
    app.deployment.body_name(body, lang)
}

/// A text written in one or more languages: the page's language if written, else the first
/// one, marked with its language.
fn partial_title(p: &Page, text: &PartialText) -> Markup {
    let (lang, s) = text.best(p.lang);
    html! { span lang=(lang.as_str()) { (s) } }
}

fn partial_text(p: &Page, text: &PartialText) -> Markup {
    let (lang, s) = text.best(p.lang);
    html! {
        div.text lang=(lang.as_str()) {
            @for para in s.split('\n').filter(|l| !l.trim().is_empty()) { p { (para) } }
        }
    }
}

/// Where a text is also written in other languages: links to the page in them.
fn other_languages(p: &Page, text: &PartialText) -> Markup {
    let (shown, _) = text.best(p.lang);
    let others: Vec<Lang> = text.langs().filter(|l| *l != shown).collect();
    html! {
        @if !others.is_empty() {
            p.muted {
                (p.t("pp-also-in")) " "
                @for (i, l) in others.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href={ "?lang=" (l.as_str()) } lang=(l.as_str()) hreflang=(l.as_str()) { (p.t(&format!("lang-{}", l.as_str()))) }
                }
            }
        }
    }
}

fn territory_label(lang: Lang, territory: Option<&Locality>) -> Option<String> {
    territory.map(|t| locality_label(lang, t))
}

/// What the count is measured against: the first supporters while gathering them, else the
/// threshold.
fn target(pet: &Petition) -> (u64, &'static str) {
    if pet.status == PetitionStatus::Gathering {
        (u64::from(pet.terms.initial_supporters).max(1), "pp-progress-gathering")
    } else {
        (pet.terms.threshold.max(1), "pp-progress")
    }
}

/// `text` cut to at most `max` characters, the last one "…" if it was longer: for the few
/// places (images) where a line cannot wrap.
fn ellipsized(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    text.chars().take(max - 1).chain(['…']).collect()
}

/// Marks where the live count goes in a translated sentence (a private-use character no
/// translation contains).
const COUNT_SLOT: char = '\u{E000}';

/// "1,234 of 50,000 signatures (2%)", in the page's language.
fn progress_text(p: &Page, pet: &Petition) -> String {
    progress_sentence(p, pet, num(p.lang, pet.signatures))
}

fn progress_sentence(p: &Page, pet: &Petition, count: String) -> String {
    let (target, id) = target(pet);
    let percent = (pet.signatures.saturating_mul(100) / target).min(100);
    p.t_args(
        id,
        &[
            ("count", FluentValue::from(count)),
            ("threshold", FluentValue::from(num(p.lang, target))),
            ("percent", FluentValue::from(percent)),
        ],
    )
}

/// Progress to the target: the numbers, and a bar with the same numbers for assistive
/// technology. The count is its own element, so the page's small script can keep it live.
fn progress(p: &Page, pet: &Petition, id_suffix: &str) -> Markup {
    let label_id = format!("progress-{id_suffix}");
    let (target, _) = target(pet);
    let sentence = progress_sentence(p, pet, COUNT_SLOT.to_string());
    let (before, after) = sentence.split_once(COUNT_SLOT).unwrap_or((sentence.as_str(), ""));
    let percent = (pet.signatures.saturating_mul(100) / target).min(100);
    html! {
        p.progress id=(label_id) { (before) strong data-live="count" { (num(p.lang, pet.signatures)) } (after) }
        progress max=(target) value=(pet.signatures.min(target)) aria-labelledby=(label_id) {
            (percent) "%"
        }
    }
}

/// What the petition's status means for its timing: who it waits for, and until when.
fn deadline(p: &Page, app: &AppState, pet: &Petition, now: u64) -> Option<String> {
    let date = |until: Timestamp| FluentValue::from(p.date(last_day(app, until)));
    match pet.status {
        PetitionStatus::Draft => Some(p.t("pp-deadline-draft")),
        PetitionStatus::Gathering => {
            let until = pet.gathering_ends_at?;
            let need = u64::from(pet.terms.initial_supporters).saturating_sub(pet.signatures);
            Some(match days_left(until, now) {
                Some(days) => p.t_args(
                    "pp-deadline-gathering",
                    &[("need", FluentValue::from(need)), ("date", date(until)), ("days", FluentValue::from(days))],
                ),
                None => p.t("pp-deadline-gathering-ended"),
            })
        }
        PetitionStatus::Moderation => {
            let due = pet.moderation_due?;
            Some(p.t_args("pp-deadline-moderation", &[("date", FluentValue::from(p.date(due)))]))
        }
        PetitionStatus::Open => {
            let until = pet.closes_at?;
            Some(match days_left(until, now) {
                Some(days) => p.t_args("pp-deadline-open", &[("date", date(until)), ("days", FluentValue::from(days))]),
                None => p.t("pp-deadline-open-ended"),
            })
        }
        PetitionStatus::Closed => Some(match pet.closes_at {
            Some(until) => p.t_args("pp-deadline-closed", &[("date", date(until))]),
            None => status_label(p, pet.status),
        }),
        PetitionStatus::Rejected | PetitionStatus::Withdrawn | PetitionStatus::Expired => None,
    }
}

/// The instant signing ends, if the petition takes signatures now.
fn signing_until(pet: &Petition, now: u64) -> Option<Timestamp> {
    let until = match pet.status {
        PetitionStatus::Gathering => pet.gathering_ends_at,
        PetitionStatus::Open => pet.closes_at,
        _ => None,
    }?;
    (until.0 > now).then_some(until)
}

/// A translated message for a failure of the service, by its stable code.
fn error_text(p: &Page, pet: Option<&Petition>, e: &PetitionError) -> String {
    if e.status().is_server_error() {
        tracing::error!(error = %e, "petition action failed");
    }
    match e {
        PetitionError::OutsideTerritory { territory } => {
            let shown = territory_label(p.lang, pet.and_then(|x| x.territory.as_ref())).unwrap_or(territory.clone());
            p.t_args("pp-err-outside-territory", &[("territory", FluentValue::from(shown))])
        }
        PetitionError::TooManyDrafts { max } => p.t_args("pp-err-too-many-drafts", &[("max", FluentValue::from(*max))]),
        _ => {
            let id = format!("pp-err-{}", e.code());
            let text = p.t(&id);
            if text == id {
                p.t_args("pp-err-other", &[("code", FluentValue::from(e.code()))])
            } else {
                text
            }
        }
    }
}

/// What a signed-in visitor is to a petition.
#[derive(Default)]
struct Viewer {
    session: Option<Session>,
    verified: bool,
    author: bool,
    signature: Option<Signature>,
}

async fn viewer(app: &AppState, citizen: Option<&Citizen>, pet: &Petition) -> Viewer {
    let Some(citizen) = citizen else { return Viewer::default() };
    let pseudonym = citizen.petition_pseudonym(app, &pet.id);
    let signature = match &pseudonym {
        Some(signer) => app.capabilities.petitions.signature(&pet.id, signer).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "signature row not read");
            None
        }),
        None => None,
    };
    Viewer {
        verified: pseudonym.is_some(),
        author: pseudonym.as_ref() == Some(&pet.author),
        signature,
        session: Some(citizen.session.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_per_language() {
        assert_eq!(num(Lang::En, 0), "0");
        assert_eq!(num(Lang::En, 999), "999");
        assert_eq!(num(Lang::En, 50_000), "50,000");
        assert_eq!(num(Lang::Ru, 1_234_567), "1\u{a0}234\u{a0}567");
    }

    #[test]
    fn days_left_counts_a_started_day() {
        assert_eq!(days_left(Timestamp(DAY_MS * 2), 0), Some(2));
        assert_eq!(days_left(Timestamp(DAY_MS * 2), 1), Some(2));
        assert_eq!(days_left(Timestamp(DAY_MS * 2), DAY_MS + 1), Some(1));
        assert_eq!(days_left(Timestamp(DAY_MS), DAY_MS), None);
    }
}
