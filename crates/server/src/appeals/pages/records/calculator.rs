//! The deadline calculator (`GET /deadline`): a form of a start date and a number of working
//! days, and the last day they lead to, with the holidays and transferred working days met
//! on the way. The count is the API's ([`deadline_of`]), on the deployment's published
//! calendar, so the page, `/api/v1/deadline` and the rules agree.

use std::collections::BTreeSet;

use axum::extract::State;
use axum::http::StatusCode;
use dauys_core::{format_date, parse_date};
use fluent_templates::fluent_bundle::FluentValue;
use maud::{html, Markup};
use serde::Deserialize;
use time::Date;

use crate::appeals::api::{deadline_of, Counted, MAX_CALCULATOR_DAYS};
use crate::appeals::SECTION;
use crate::web::extract::{urlencode, PageQuery, PageResult};
use crate::web::forms::{date_el, described_by, error_line, error_summary, invalid, FieldError};
use crate::web::utc_offset_label;
use crate::web::Page;
use crate::AppState;

/// Working days when the appeal rules are not yet published (the Administrative Procedural
/// Code's term).
const DEFAULT_DAYS: u32 = 15;

/// The form's fields as given; empty ones take the defaults (today, the rules' term).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CalculatorQuery {
    from: String,
    working_days: String,
}

fn dates(p: &Page, id: &str, list: &[String]) -> Markup {
    html! {
        @if list.is_empty() {
            span id=(id) { (p.t("ap-calc-none")) }
        } @else {
            ul id=(id) {
                @for d in list {
                    li { @match parse_date(d) { Ok(date) => (date_el(p.lang, date)), Err(_) => (d) } }
                }
            }
        }
    }
}

/// GET /deadline?from=YYYY-MM-DD&working_days=N
pub(super) async fn page(
    State(app): State<AppState>,
    p: Page,
    PageQuery(query): PageQuery<CalculatorQuery>,
) -> PageResult {
    let appeals = &app.capabilities.appeals;
    let term = appeals.view().rules().map_or(DEFAULT_DAYS, |r| u32::from(r.rules.terms.consideration_working_days));
    let from = match query.from.trim() {
        "" => format_date(appeals.today()),
        given => given.to_owned(),
    };
    let days = match query.working_days.trim() {
        "" => term.to_string(),
        given => given.to_owned(),
    };
    let mut errors = Vec::new();
    if parse_date(&from).is_err() {
        errors.push(FieldError::new("from", p.t("ap-calc-from-invalid")));
    }
    let n = days.parse::<u32>().ok().filter(|n| (1..=MAX_CALCULATOR_DAYS).contains(n));
    if n.is_none() {
        let max = [("max", FluentValue::from(MAX_CALCULATOR_DAYS))];
        errors.push(FieldError::new("working_days", p.t_args("ap-calc-days-invalid", &max)));
    }
    let counted = match n {
        Some(n) if errors.is_empty() => Some(deadline_of(&app, &from, n).map_err(|problem| p.problem(problem))?),
        _ => None,
    };
    let zone = utc_offset_label(app.deployment.utc_offset_minutes());
    let title = p.t("ap-calc-title");
    let main = html! {
        h1 { (title) }
        p.lead { (p.t("ap-calc-lead")) }
        @if !errors.is_empty() { (error_summary("calc-errors", &p.t("ap-calc-errors"), &errors)) }
        form.stack #calculator method="get" action="/deadline" {
            label for="from" { (p.t("ap-calc-from")) }
            p.hint #from-hint { (p.t("ap-calc-from-hint")) }
            (error_line(&errors, "from"))
            input #from name="from" type="date" required value=(from)
                aria-invalid=[invalid(&errors, "from")] aria-describedby=[described_by(&errors, "from", Some("from-hint"))];
            label for="working_days" { (p.t("ap-calc-days")) }
            p.hint #working_days-hint { (p.t_args("ap-calc-days-hint", &[("days", FluentValue::from(term))])) }
            (error_line(&errors, "working_days"))
            input #working_days name="working_days" type="number" required min="1" max=(MAX_CALCULATOR_DAYS) step="1"
                value=(days) aria-invalid=[invalid(&errors, "working_days")]
                aria-describedby=[described_by(&errors, "working_days", Some("working_days-hint"))];
            button #count type="submit" { (p.t("ap-calc-button")) }
        }
        @if let Some(c) = &counted { (result(&app, &p, c, &zone)) }
        p #time-zone { (p.t_args("ap-calc-time-zone-text", &[("zone", FluentValue::from(zone.clone()))])) }
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    Ok(p.render(status, &title, SECTION, main))
}

fn result(app: &AppState, p: &Page, c: &Counted, zone: &str) -> Markup {
    let json = format!("/api/v1/deadline?from={}&working_days={}", urlencode(&c.from), c.working_days);
    let missing = uncovered_years(app, &c.from, &c.due);
    html! {
        section #result aria-labelledby="result-heading" {
            h2 #result-heading { (p.t("ap-calc-result-heading")) }
            dl.fields {
                dt { (p.t("ap-calc-from")) } dd { (dated(p.lang, &c.from)) }
                dt { (p.t("ap-calc-days")) } dd #counted-days { (c.working_days) }
                dt { (p.t("ap-calc-due")) } dd #due { strong { (dated(p.lang, &c.due)) } }
                dt { (p.t("ap-calc-holidays")) } dd { (dates(p, "holidays", &c.holidays)) }
                dt { (p.t("ap-calc-transferred")) } dd { (dates(p, "transferred", &c.transferred_working_days)) }
                dt { (p.t("ap-calc-time-zone")) } dd #zone { (zone) }
            }
            @for year in &missing {
                p.note { (p.t_args("ap-calc-no-calendar", &[("year", FluentValue::from(year.to_string()))])) }
            }
            p { a #json-link href=(json) { (p.t("ap-calc-json")) } }
        }
    }
}

fn dated(lang: dauys_core::Lang, s: &str) -> Markup {
    match parse_date(s) {
        Ok(d) => date_el(lang, d),
        Err(_) => html! { (s) },
    }
}

/// Years from `from` to `due` for which the calendar holds no day at all: none was
/// published, so only Saturdays and Sundays were skipped in them.
fn uncovered_years(app: &AppState, from: &str, due: &str) -> Vec<i32> {
    let (Ok(from), Ok(due)) = (parse_date(from), parse_date(due)) else { return Vec::new() };
    let calendar = app.deployment.calendar();
    let covered: BTreeSet<i32> =
        calendar.holidays().chain(calendar.transferred_working_days()).map(|d: Date| d.year()).collect();
    (from.year()..=due.year()).filter(|y| !covered.contains(y)).collect()
}
