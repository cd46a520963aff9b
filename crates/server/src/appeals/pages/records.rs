//! The public face of every body's record (issue 11): the registry of bodies with their
//! figures (`/bodies`), one body's page with its trends by month and the appeals it has yet
//! to answer (`/bodies/{id}`, its months also as CSV), the deadline calculator
//! (`/deadline`) and the Atom feed of public appeals overdue now
//! (`/feeds/appeals/overdue.atom`).
//!
//! The figures are [`BodyRecord::figures`], computed one way for these pages, the API and
//! `dauys audit`; nothing here counts cases itself. Reads come from the appeals' read model
//! and the deployment's view, never from the database.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use dauys_core::{Body, BodyFigures, BodyId, BodyRecord, Lang, MonthRecord, Reorganisation};
use fluent_templates::fluent_bundle::FluentValue;
use maud::{html, Markup};
use serde::Deserialize;

use super::{body_link, shown_title, status_label, topic_label};
use crate::appeals::{appeal_href, SECTION};
use crate::web::extract::{PageError, PageQuery, PageResult};
use crate::web::forms::{alert, date_el};
use crate::web::{locality_label, num, Page};
use crate::AppState;

mod calculator;
mod chart;
mod feed;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/bodies", get(registry))
        .route("/bodies/{id}", get(body_page))
        .route("/bodies/{id}/record.csv", get(body_csv))
        .route("/deadline", get(calculator::page))
        .route(feed::PATH, get(feed::overdue))
}

// ---------------------------------------------------------------------------------------
// Shared pieces

/// `66.7%` in English, `66,7 %` in Russian, `66,7%` in Kazakh.
fn percent(lang: Lang, share: f64) -> String {
    let n = format!("{:.1}", share * 100.0);
    match lang {
        Lang::En => format!("{n}%"),
        Lang::Ru => format!("{}\u{a0}%", n.replace('.', ",")),
        Lang::Kk => format!("{}%", n.replace('.', ",")),
    }
}

/// The on-time share with its 95% interval, `66.7% (20.8–93.9%)`; a dash before any case is
/// decided.
fn share_text(lang: Lang, f: &BodyFigures) -> String {
    match (f.on_time_share, f.on_time_low, f.on_time_high) {
        (Some(share), Some(low), Some(high)) => {
            format!("{} ({}–{})", percent(lang, share), percent(lang, low), percent(lang, high))
        }
        _ => "—".to_owned(),
    }
}

fn days_text(days: Option<u32>) -> String {
    days.map_or_else(|| "—".to_owned(), |d| d.to_string())
}

/// A body as the registry lists it.
struct Row {
    id: BodyId,
    /// `None` for a body the records name but the registry does not (no log makes one).
    body: Option<Arc<Body>>,
    name: String,
    figures: BodyFigures,
}

/// Every registered body, and any other body a record names, with its figures (zero for a
/// body with no case yet).
fn rows(app: &AppState, lang: Lang) -> Vec<Row> {
    let records = app.capabilities.appeals.view().records();
    let mut bodies: BTreeMap<BodyId, Option<Arc<Body>>> =
        app.deployment.bodies().into_iter().map(|b| (b.id.clone(), Some(b))).collect();
    for id in records.keys() {
        bodies.entry(id.clone()).or_insert(None);
    }
    let none = BodyRecord::default();
    bodies
        .into_iter()
        .map(|(id, body)| {
            let name = body.as_ref().map_or_else(|| id.to_string(), |b| b.name.get(lang).to_owned());
            let figures = records.get(&id).unwrap_or(&none).figures();
            Row { id, body, name, figures }
        })
        .collect()
}

/// How the registry's table may be ordered (`?sort=`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Sort {
    /// By the lower end of the on-time share's 95% interval, highest first: a body with few
    /// cases cannot rank first by luck.
    #[default]
    OnTime,
    Name,
    Received,
}

impl Sort {
    const ALL: [Sort; 3] = [Sort::OnTime, Sort::Name, Sort::Received];

    fn as_str(self) -> &'static str {
        match self {
            Sort::OnTime => "on-time",
            Sort::Name => "name",
            Sort::Received => "received",
        }
    }

    fn parse(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|x| x.as_str() == s)
    }

    fn href(self) -> String {
        match self {
            Sort::OnTime => "/bodies".to_owned(),
            other => format!("/bodies?sort={}", other.as_str()),
        }
    }
}

fn by_name(a: &Row, b: &Row) -> Ordering {
    a.name.to_lowercase().cmp(&b.name.to_lowercase()).then_with(|| a.id.cmp(&b.id))
}

fn sort_rows(rows: &mut [Row], sort: Sort) {
    match sort {
        Sort::Name => rows.sort_by(by_name),
        Sort::Received => rows.sort_by(|a, b| b.figures.received.cmp(&a.figures.received).then_with(|| by_name(a, b))),
        Sort::OnTime => rows.sort_by(|a, b| {
            // Bodies with no decided case have no interval and come last.
            let by_low = match (a.figures.on_time_low, b.figures.on_time_low) {
                (Some(x), Some(y)) => y.total_cmp(&x),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            };
            by_low.then_with(|| b.figures.received.cmp(&a.figures.received)).then_with(|| by_name(a, b))
        }),
    }
}

/// "Closed on 2026-05-04: merged into …", with links to where its cases went.
fn closure(app: &AppState, p: &Page, body: &Body) -> Markup {
    let Some(closed) = &body.closed else { return html! {} };
    let (kind, label, to): (&str, &str, Vec<&BodyId>) = match &closed.reorganisation {
        Reorganisation::Merged { into } => ("merged", "ap-bodies-merged-into", vec![into]),
        Reorganisation::Split { successors, .. } => ("split", "ap-bodies-split-among", successors.iter().collect()),
        Reorganisation::Abolished { successor } => ("abolished", "ap-bodies-abolished", vec![successor]),
    };
    let on = closed.at.date_at_offset(app.deployment.utc_offset_minutes());
    html! {
        span.closed data-closed=(kind) {
            (p.t_args("ap-bodies-closed", &[("date", FluentValue::from(dauys_core::format_date(on)))])) " "
            (p.t(label)) " "
            @for (i, b) in to.iter().enumerate() {
                @if i > 0 { ", " }
                (body_link(app, p.lang, b))
            }
        }
    }
}

/// The figures' column headers, in the order [`figure_cells`] fills them.
const COLUMNS: [&str; 10] = [
    "ap-bodies-col-received",
    "ap-bodies-col-answered",
    "ap-bodies-col-on-time",
    "ap-bodies-col-overdue",
    "ap-bodies-col-unanswered",
    "ap-bodies-col-extended",
    "ap-bodies-col-escalated",
    "ap-bodies-col-median",
    "ap-bodies-col-p90",
    "ap-bodies-col-share",
];

fn figure_cells(p: &Page, f: &BodyFigures) -> Markup {
    let n = |v: u64| num(p.lang, v);
    html! {
        td.num data-col="received" { (n(f.received)) }
        td.num data-col="answered" { (n(f.answered)) }
        td.num data-col="answered-on-time" { (n(f.answered_on_time)) }
        td.num data-col="overdue" { (n(f.overdue)) }
        td.num data-col="overdue-unanswered" { (n(f.overdue_unanswered)) }
        td.num data-col="extended" { (n(f.extended)) }
        td.num data-col="escalated" { (n(f.escalated)) }
        td.num data-col="median" { (days_text(f.median_working_days)) }
        td.num data-col="p90" { (days_text(f.p90_working_days)) }
        td.num data-col="on-time-share" data-low=[f.on_time_low.map(|x| format!("{x:.4}"))] { (share_text(p.lang, f)) }
    }
}

// ---------------------------------------------------------------------------------------
// GET /bodies

#[derive(Deserialize, Default)]
#[serde(default)]
struct RegistryQuery {
    sort: String,
}

/// GET /bodies — every body and its record, ranked by the on-time share's interval unless
/// `?sort=name` or `?sort=received`.
async fn registry(State(app): State<AppState>, p: Page, PageQuery(query): PageQuery<RegistryQuery>) -> PageResult {
    let given = query.sort.trim();
    let sort = if given.is_empty() { Some(Sort::default()) } else { Sort::parse(given) };
    let mut rows = rows(&app, p.lang);
    sort_rows(&mut rows, sort.unwrap_or_default());
    let shown: String = given.chars().take(60).collect();
    let title = p.t("ap-bodies-title");
    let main = html! {
        h1 { (title) }
        p.lead { (p.t("ap-bodies-lead")) }
        @if sort.is_none() {
            (alert("sort-error", html! {
                p { (p.t_args("ap-bodies-sort-invalid", &[("value", FluentValue::from(shown))])) }
            }))
        }
        p.box #ranking { (p.t("ap-bodies-ranking")) }
        nav.actions #sort aria-labelledby="sort-label" {
            p #sort-label { strong { (p.t("ap-bodies-sort-label")) } }
            ul {
                @for s in Sort::ALL {
                    li {
                        a href=(s.href()) data-sort=(s.as_str()) aria-current=[(sort == Some(s)).then_some("true")] {
                            (p.t(&format!("ap-bodies-sort-{}", s.as_str())))
                        }
                    }
                }
            }
        }
        table.entries #bodies {
            caption { (p.t("ap-bodies-caption")) }
            thead { tr {
                th scope="col" { (p.t("ap-col-body")) }
                @for c in COLUMNS { th scope="col" { (p.t(c)) } }
            } }
            tbody {
                @for r in &rows {
                    tr data-body=(r.id) {
                        th scope="row" {
                            a href={ "/bodies/" (r.id) } { (r.name) }
                            @if let Some(b) = r.body.as_deref().filter(|b| b.closed.is_some()) {
                                br; small { (closure(&app, &p, b)) }
                            }
                        }
                        (figure_cells(&p, &r.figures))
                    }
                }
            }
        }
        p {
            a href="/api/v1/bodies" { (p.t("ap-bodies-all-json")) } " · "
            a href="/deadline" { (p.t("ap-calculator-link")) } " · "
            a href=(feed::PATH) { (p.t("ap-overdue-feed")) }
        }
    };
    let status = if sort.is_some() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    Ok(crate::web::cache::shareable(p.render(status, &title, SECTION, main)))
}

// ---------------------------------------------------------------------------------------
// GET /bodies/{id}

fn no_body(p: &Page, raw: &str) -> PageError {
    let shown: String = raw.chars().take(60).collect();
    let title = p.t("ap-bodies-not-found-title");
    let main = html! {
        h1 { (title) }
        p.lead { (p.t_args("ap-bodies-not-found-text", &[("id", FluentValue::from(shown))])) }
        p { a href="/bodies" { (p.t("ap-bodies-back")) } }
    };
    p.render(StatusCode::NOT_FOUND, &title, SECTION, main).into()
}

/// The registered body the path names (open or closed), else the not-found page.
fn known_body(app: &AppState, p: &Page, path: Result<Path<String>, PathRejection>) -> Result<Arc<Body>, PageError> {
    let Ok(Path(raw)) = path else { return Err(no_body(p, "")) };
    BodyId::from_str(&raw).ok().and_then(|id| app.deployment.body(&id)).ok_or_else(|| no_body(p, &raw))
}

fn record_of(app: &AppState, body: &BodyId) -> BodyRecord {
    app.capabilities.appeals.view().records().get(body).cloned().unwrap_or_default()
}

/// GET /bodies/{id} — one body: who it is, its figures, its months, the appeals it holds.
async fn body_page(State(app): State<AppState>, p: Page, path: Result<Path<String>, PathRejection>) -> PageResult {
    let body = known_body(&app, &p, path)?;
    let record = record_of(&app, &body.id);
    let figures = record.figures();
    let months = chart::every_month(&record.by_month);
    let open = app.capabilities.appeals.view().open_at(&body.id);
    let appeals = &app.capabilities.appeals;
    let title = body.name.get(p.lang).to_owned();
    let n = |v: u64| num(p.lang, v);
    let main = html! {
        h1 { (title) }
        @if body.closed.is_some() {
            div.note #closed { p { (closure(&app, &p, &body)) } }
        }
        dl.fields #about {
            dt { (p.t("field-body-kind")) } dd { (p.t(&format!("body-kind-{}", body.kind.as_str()))) }
            dt { (p.t("field-parent")) } dd #parent {
                @match &body.parent {
                    Some(parent) => (body_link(&app, p.lang, parent)),
                    None => (p.t("field-none")),
                }
            }
            dt { (p.t("field-territory")) } dd #territory {
                @match &body.territory {
                    Some(t) => (locality_label(p.lang, t)),
                    None => (p.t("ap-bodies-national")),
                }
            }
            dt { (p.t("field-competences")) } dd #competences {
                @if body.competences.is_empty() {
                    (p.t("field-none"))
                } @else {
                    ul { @for c in &body.competences { li data-topic=(c) { (topic_label(&app, p.lang, c)) } } }
                }
            }
            @if !body.former_names.is_empty() {
                dt { (p.t("ap-bodies-former-names")) } dd {
                    ul { @for name in &body.former_names { li { (name.get(p.lang)) } } }
                }
            }
        }
        section #figures aria-labelledby="figures-heading" {
            h2 #figures-heading { (p.t("ap-bodies-figures-heading")) }
            ul.stats {
                li data-figure="received" { strong { (n(figures.received)) } (p.t("ap-bodies-col-received")) }
                li data-figure="answered" { strong { (n(figures.answered)) } (p.t("ap-bodies-col-answered")) }
                li data-figure="answered-on-time" { strong { (n(figures.answered_on_time)) } (p.t("ap-bodies-col-on-time")) }
                li data-figure="overdue" { strong { (n(figures.overdue)) } (p.t("ap-bodies-col-overdue")) }
                li data-figure="overdue-unanswered" { strong { (n(figures.overdue_unanswered)) } (p.t("ap-bodies-col-unanswered")) }
                li data-figure="extended" { strong { (n(figures.extended)) } (p.t("ap-bodies-col-extended")) }
                li data-figure="escalated" { strong { (n(figures.escalated)) } (p.t("ap-bodies-col-escalated")) }
                li data-figure="forwarded" { strong { (n(figures.forwarded)) } (p.t("ap-bodies-col-forwarded")) }
                li data-figure="forwarded-late" { strong { (n(figures.forwarded_late)) } (p.t("ap-bodies-forwarded-late")) }
                li data-figure="extension-notices-late" { strong { (n(figures.extension_notices_late)) } (p.t("ap-bodies-notices-late")) }
                li data-figure="handed-over" { strong { (n(figures.handed_over)) } (p.t("ap-bodies-handed-over")) }
                li data-figure="open" { strong { (n(figures.open)) } (p.t("ap-bodies-col-open")) }
                li data-figure="median" { strong { (days_text(figures.median_working_days)) } (p.t("ap-bodies-col-median")) }
                li data-figure="p90" { strong { (days_text(figures.p90_working_days)) } (p.t("ap-bodies-col-p90")) }
                li data-figure="on-time-share" { strong { (share_text(p.lang, &figures)) } (p.t("ap-bodies-col-share")) }
            }
            p.hint { (p.t("ap-bodies-share-explained")) }
        }
        section #trends aria-labelledby="trends-heading" {
            h2 #trends-heading { (p.t("ap-bodies-trends-heading")) }
            (chart::months_chart(&p, &months))
            @if !months.is_empty() { (months_table(&p, &months)) }
        }
        @for section in app.capabilities.body_sections(&app, &p, &body.id) { (section) }
        section #open-appeals aria-labelledby="open-heading" {
            h2 #open-heading { (p.t("ap-bodies-open-heading")) " " span.muted { "(" (open.len()) ")" } }
            @if open.is_empty() {
                p.muted { (p.t("ap-bodies-open-none")) }
            } @else {
                table.entries {
                    thead { tr {
                        th scope="col" { (p.t("ap-col-appeal")) }
                        th scope="col" { (p.t("ap-col-status")) }
                        th scope="col" { (p.t("ap-col-due")) }
                        th scope="col" { (p.t("ap-col-waiting")) }
                    } }
                    tbody {
                        @for a in &open {
                            tr data-appeal=(a.id) {
                                td { a href=(appeal_href(&a.id)) { (shown_title(&p, a)) } }
                                td { (status_label(&p, a.status)) }
                                td { (date_el(p.lang, a.obligation.due)) }
                                td.num data-col="waiting" { (appeals.days_waiting(a)) }
                            }
                        }
                    }
                }
            }
        }
        section #data aria-labelledby="data-heading" {
            h2 #data-heading { (p.t("ap-bodies-data-heading")) }
            ul {
                li { a #json-link href={ "/api/v1/bodies/" (body.id) } { (p.t("ap-bodies-json")) } }
                li { a #csv-link href={ "/bodies/" (body.id) "/record.csv" } { (p.t("ap-bodies-csv")) } }
                li { a #feed-link href={ "/feeds/bodies/" (body.id) ".atom" } { (p.t("ap-bodies-feed")) } }
                li { a href=(feed::PATH) { (p.t("ap-overdue-feed")) } }
            }
            p { a href="/bodies" { (p.t("ap-bodies-back")) } }
        }
    };
    Ok(crate::web::cache::shareable(p.render(StatusCode::OK, &title, SECTION, main)))
}

/// The chart's numbers as a table: every month, oldest first.
fn months_table(p: &Page, months: &[(String, MonthRecord)]) -> Markup {
    let n = |v: u64| num(p.lang, v);
    html! {
        table.entries #months {
            caption { (p.t("ap-bodies-months-caption")) }
            thead { tr {
                th scope="col" { (p.t("ap-bodies-col-month")) }
                th scope="col" { (p.t("ap-bodies-col-received")) }
                th scope="col" { (p.t("ap-bodies-col-answered")) }
                th scope="col" { (p.t("ap-bodies-col-on-time")) }
                th scope="col" { (p.t("ap-bodies-col-overdue")) }
            } }
            tbody {
                @for (month, m) in months {
                    tr data-month=(month) {
                        th scope="row" { time datetime=(month) { (month) } }
                        td.num data-col="received" { (n(m.received)) }
                        td.num data-col="answered" { (n(m.answered)) }
                        td.num data-col="answered-on-time" { (n(m.answered_on_time)) }
                        td.num data-col="overdue" { (n(m.overdue)) }
                    }
                }
            }
        }
    }
}

/// GET /bodies/{id}/record.csv — the body's months, one row each.
async fn body_csv(State(app): State<AppState>, p: Page, path: Result<Path<String>, PathRejection>) -> PageResult {
    let body = known_body(&app, &p, path)?;
    let record = record_of(&app, &body.id);
    let mut out = String::from("month,received,answered,answered_on_time,overdue\n");
    for (month, m) in &record.by_month {
        out.push_str(&format!("{month},{},{},{},{}\n", m.received, m.answered, m.answered_on_time, m.overdue));
    }
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, name: &str, on_time: u64, decided: u64, received: u64) -> Row {
        let record = BodyRecord { received, answered: decided, answered_on_time: on_time, ..BodyRecord::default() };
        Row { id: id.parse().unwrap(), body: None, name: name.to_owned(), figures: record.figures() }
    }

    fn order(rows: &[Row]) -> Vec<&str> {
        rows.iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn the_interval_ranks_a_lucky_body_below_a_steady_one() {
        let mut rows = vec![
            row("none", "Z", 0, 0, 0),
            row("lucky", "A", 1, 1, 1),
            row("steady", "B", 990, 1000, 1000),
            row("poor", "C", 1, 10, 10),
        ];
        sort_rows(&mut rows, Sort::OnTime);
        assert_eq!(order(&rows), ["steady", "lucky", "poor", "none"]);
        sort_rows(&mut rows, Sort::Name);
        assert_eq!(order(&rows), ["lucky", "steady", "poor", "none"]);
        sort_rows(&mut rows, Sort::Received);
        assert_eq!(order(&rows), ["steady", "poor", "lucky", "none"]);
    }

    #[test]
    fn shares_are_written_the_way_each_language_writes_them() {
        let f = row("b", "B", 2, 3, 3).figures;
        assert_eq!(share_text(Lang::En, &f), "66.7% (20.8%–93.9%)");
        assert_eq!(share_text(Lang::Ru, &f), "66,7\u{a0}% (20,8\u{a0}%–93,9\u{a0}%)");
        assert_eq!(share_text(Lang::Kk, &f), "66,7% (20,8%–93,9%)");
        assert_eq!(share_text(Lang::En, &row("n", "N", 0, 0, 0).figures), "—");
        assert_eq!(num(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(num(Lang::Ru, 1_234), "1\u{a0}234");
        assert_eq!(Sort::parse("received"), Some(Sort::Received));
        assert_eq!(Sort::parse("random"), None);
    }
}
