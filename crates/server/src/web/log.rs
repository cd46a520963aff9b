//! The log's pages: the home page, a browser of the log and one page per entry with its
//! inclusion proof and how to check it by hand.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use dauys_core::{Entry, Event, Lang, VerificationMethod};
use dauys_ledger::{Checkpoint, Hash, NoteVerifier};
use fluent_templates::fluent_bundle::FluentValue;
use maud::{html, Markup};
use serde::Deserialize;

use super::extract::PageQuery;
use super::{
    event_label, locality_label, role_label, time_el, utc_offset_label, Page, Section, LEDGER_ENTRIES, PAGE_SIZE,
};
use crate::api::{self, EntryView, InclusionProof};
use crate::i18n::{t, t_args};
use crate::problem::Problem;
use crate::receipts::{self, walk_proof};
use crate::AppState;

fn short_hash(h: &Hash) -> String {
    let hex = h.to_string();
    format!("{}…", &hex[..hex.len().min(12)])
}

fn body_kind_label(lang: Lang, kind: dauys_core::BodyKind) -> String {
    t(lang, &format!("body-kind-{}", kind.as_str()))
}

/// One line saying what an entry is about, in the page's language, naming bodies and items
/// as people know them and linking to their pages.
fn summary(app: &AppState, lang: Lang, entry: &Entry) -> Markup {
    let text = match &entry.event {
        Event::DeploymentConfigured { name, utc_offset_minutes, .. } => t_args(
            lang,
            "summary-deployment",
            &[
                ("name", FluentValue::from(name.get(lang).to_string())),
                ("offset", FluentValue::from(utc_offset_label(*utc_offset_minutes))),
            ],
        ),
        Event::CalendarPublished { year, holidays, transferred_working_days } => t_args(
            lang,
            "summary-calendar",
            &[
                ("year", FluentValue::from(year.to_string())),
                ("holidays", FluentValue::from(holidays.len())),
                ("transferred", FluentValue::from(transferred_working_days.len())),
            ],
        ),
        Event::BodyRegistered { body, name, kind, .. } => {
            let kind = body_kind_label(lang, *kind).to_lowercase();
            return html! { a href={ "/bodies/" (body) } { (name.get(lang)) } " (" (kind) ")" };
        }
        Event::NoticePublished { title, .. } => title.get(lang).to_string(),
        Event::PersonVerified { person, locality, method, .. } => {
            let method = match method {
                VerificationMethod::Oidc => "method-oidc",
                VerificationMethod::Registry => "method-registry",
                VerificationMethod::Manual => "method-manual",
            };
            t_args(
                lang,
                "summary-person-verified",
                &[
                    ("person", FluentValue::from(short_text(person.as_str()))),
                    ("region", FluentValue::from(locality.region.name().get(lang).to_string())),
                    ("method", FluentValue::from(t(lang, method))),
                ],
            )
        }
        Event::PersonErased { person } => {
            t_args(lang, "summary-person-erased", &[("person", FluentValue::from(short_text(person.as_str())))])
        }
        Event::RoleGranted { account, role, body, .. } | Event::RoleRevoked { account, role, body, .. } => {
            let mut args = vec![
                ("role", FluentValue::from(role_label(lang, *role))),
                ("account", FluentValue::from(account.to_string())),
            ];
            match body {
                Some(body) => {
                    args.push(("body", FluentValue::from(app.deployment.body_name(body, lang))));
                    t_args(lang, "summary-role-in-body", &args)
                }
                None => t_args(lang, "summary-role", &args),
            }
        }
        Event::AccessBasesPublished { bases } => {
            t_args(lang, "summary-access-bases", &[("count", FluentValue::from(bases.len()))])
        }
        Event::PersonalDataOpened { body, official, basis, purpose, .. } => t_args(
            lang,
            "summary-opening",
            &[
                ("body", FluentValue::from(app.deployment.body_name(body, lang))),
                ("official", FluentValue::from(official.to_string())),
                ("purpose", FluentValue::from(purpose.clone())),
                ("basis", FluentValue::from(basis.to_string())),
            ],
        ),
        Event::RegistryImported { records, digest, .. } => t_args(
            lang,
            "summary-registry",
            &[("records", FluentValue::from(*records)), ("digest", FluentValue::from(short_text(&digest.to_hex())))],
        ),
        Event::KeyRotated { key, version, .. } => t_args(
            lang,
            "summary-key-rotated",
            &[
                ("key", FluentValue::from(t(lang, &format!("key-{}", key.as_str())))),
                ("version", FluentValue::from(*version)),
            ],
        ),
        other => return app.capabilities.log_summary(other, lang).unwrap_or_default(),
    };
    html! { (text) }
}

fn short_text(s: &str) -> String {
    match s.char_indices().nth(16) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

fn entries_table(app: &AppState, p: &Page, caption: &str, entries: &[EntryView]) -> Markup {
    let (c_index, c_time, c_event, c_summary, c_hash) =
        (p.t("col-index"), p.t("col-time"), p.t("col-event"), p.t("col-summary"), p.t("col-leaf-hash"));
    html! {
        table.entries role="table" {
            caption { (caption) }
            thead role="rowgroup" {
                tr role="row" {
                    th scope="col" role="columnheader" { (c_index) }
                    th scope="col" role="columnheader" { (c_time) }
                    th scope="col" role="columnheader" { (c_event) }
                    th scope="col" role="columnheader" { (c_summary) }
                    th scope="col" role="columnheader" { (c_hash) }
                }
            }
            tbody role="rowgroup" {
                @for e in entries {
                    tr role="row" {
                        th.num scope="row" role="rowheader" data-label=(c_index) {
                            a href={ "/log/" (e.index) } { (e.index) }
                        }
                        td role="cell" data-label=(c_time) { (time_el(app, p.lang, e.entry.timestamp.0)) }
                        td role="cell" data-label=(c_event) { (event_label(p.lang, e.kind)) }
                        td role="cell" data-label=(c_summary) { (summary(app, p.lang, &e.entry)) }
                        td.leaf role="cell" data-label=(c_hash) { code title=(e.leaf_hash.to_string()) { (short_hash(&e.leaf_hash)) } }
                    }
                }
            }
        }
    }
}

async fn log_size(app: &AppState) -> Result<u64, Problem> {
    let reader = app.reader.clone();
    api::blocking(move || Ok(reader.size()?)).await
}

fn checkpoint_section(app: &AppState, p: &Page) -> Markup {
    match app.shared.latest_checkpoint() {
        None => html! { p.note { (p.t("checkpoint-none")) } },
        Some(c) => html! {
            dl.fields {
                dt { (p.t("checkpoint-size")) }
                dd { strong #tree-size { (c.checkpoint.size) } }
                dt { (p.t("checkpoint-root")) }
                dd { code.hash { (c.checkpoint.root) } }
                dt { (p.t("checkpoint-signed-at")) }
                dd { (time_el(app, p.lang, c.signed_at_ms)) }
                dt { (p.t("checkpoint-origin")) }
                dd { code { (c.checkpoint.origin) } }
            }
            h3 { (p.t("checkpoint-note")) }
            pre { code { (c.note) } }
        },
    }
}

// ---------------------------------------------------------------------------------------
// Pages

/// GET /ledger — the ledger at a glance: its size, its latest checkpoint, the newest entries
/// and how to verify it all.
pub(crate) async fn ledger(State(app): State<AppState>, p: Page) -> Response {
    let state = match api::load_public_state(&app).await {
        Ok(s) => s,
        Err(e) => return p.problem(e),
    };
    let size = match log_size(&app).await {
        Ok(s) => s,
        Err(e) => return p.problem(e),
    };
    let newest = match api::load_entries(&app, size.saturating_sub(LEDGER_ENTRIES), LEDGER_ENTRIES).await {
        Ok(v) => v,
        Err(e) => return p.problem(e),
    };
    let name = p.t("ledger-title");
    let deployment = state.registry.deployment.as_ref().map(|d| d.name.get(p.lang).to_string());
    let main = html! {
        h1 { (name) }
        p.lead { (p.t("home-intro")) }
        @if let Some(deployment) = deployment { p { (p.t("ledger-deployment")) " " strong #deployment-name { (deployment) } } }
        ul.stats {
            li { strong { (size) } (p.t("stat-entries")) }
            li { strong { (state.registry.bodies.len()) } (p.t("stat-bodies")) }
            li { strong { (state.notices.count) } (p.t("stat-notices")) }
        }
        section aria-labelledby="checkpoint-heading" {
            h2 #checkpoint-heading { (p.t("home-checkpoint-heading")) }
            p { (p.t("home-checkpoint-intro")) }
            (checkpoint_section(&app, &p))
        }
        section aria-labelledby="latest-heading" {
            h2 #latest-heading { (p.t("home-latest-heading")) }
            @if newest.is_empty() {
                p { (p.t("log-empty")) }
            } @else {
                (entries_table(&app, &p, &p.t("home-latest-caption"), &newest))
            }
            p { a href="/log" { (p.t("home-all-entries")) } }
        }
        section aria-labelledby="verify-heading" {
            h2 #verify-heading { (p.t("home-verify-heading")) }
            p { (p.t("home-verify-text")) }
            pre { code { "dauys audit " (app.config.public_url()) } }
        }
    };
    super::cache::shareable(p.render(StatusCode::OK, &name, Section::Log, main))
}

/// Where a page of the log ends: the entries before this position.
#[derive(Deserialize)]
pub(crate) struct BeforeQuery {
    before: Option<String>,
}

/// GET /log?before=N — the log, newest first.
pub(crate) async fn log_page(
    State(app): State<AppState>,
    p: Page,
    PageQuery(BeforeQuery { before }): PageQuery<BeforeQuery>,
) -> Response {
    let before = match before.as_deref() {
        None | Some("") => None,
        Some(raw) => match raw.parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let shown: String = raw.chars().take(40).collect();
                return p.error(
                    StatusCode::BAD_REQUEST,
                    &p.t("problem-invalid-parameter"),
                    &p.t_args("error-bad-position", &[("value", FluentValue::from(shown))]),
                );
            }
        },
    };
    let size = match log_size(&app).await {
        Ok(s) => s,
        Err(e) => return p.problem(e),
    };
    let end = before.unwrap_or(size).min(size);
    let start = end.saturating_sub(PAGE_SIZE);
    let entries = match api::load_entries(&app, start, end - start).await {
        Ok(v) => v,
        Err(e) => return p.problem(e),
    };
    let newer = (end < size).then(|| {
        let to = end.saturating_add(PAGE_SIZE);
        if to >= size {
            "/log".to_string()
        } else {
            format!("/log?before={to}")
        }
    });
    let older = (start > 0).then(|| format!("/log?before={start}"));
    let title = p.t("log-title");
    let range = p.t_args(
        "log-range",
        &[
            ("from", FluentValue::from(start)),
            ("to", FluentValue::from(end.saturating_sub(1))),
            ("total", FluentValue::from(size)),
        ],
    );
    let pager = html! {
        @if newer.is_some() || older.is_some() {
            nav.pager aria-label=(p.t("log-pages-label")) {
                ul {
                    li { @if let Some(h) = &newer { a href=(h) rel="prev" { (p.t("log-newer")) } } }
                    li { @if let Some(h) = &older { a href=(h) rel="next" { (p.t("log-older")) } } }
                }
            }
        }
    };
    let main = html! {
        h1 { (title) }
        p.lead { (p.t("log-intro")) }
        @if entries.is_empty() {
            p { (p.t("log-empty")) }
        } @else {
            (entries_table(&app, &p, &range, &entries))
        }
        (pager)
    };
    super::cache::shareable(p.render(StatusCode::OK, &title, Section::Log, main))
}

/// GET /log/{index} — one entry, its proof and how to check it.
pub(crate) async fn entry_page(State(app): State<AppState>, p: Page, Path(raw): Path<String>) -> Response {
    let Ok(index) = raw.parse::<u64>() else {
        let shown: String = raw.chars().take(40).collect();
        return p.error(
            StatusCode::BAD_REQUEST,
            &p.t("problem-invalid-parameter"),
            &p.t_args("error-bad-index", &[("value", FluentValue::from(shown))]),
        );
    };
    let size = match log_size(&app).await {
        Ok(s) => s,
        Err(e) => return p.problem(e),
    };
    let view = match api::load_entries(&app, index, 1).await {
        Ok(mut v) => v.pop(),
        Err(e) => return p.problem(e),
    };
    let Some(view) = view else {
        return p.error(
            StatusCode::NOT_FOUND,
            &p.t("error-no-entry-title"),
            &p.t_args("error-no-entry", &[("index", FluentValue::from(index)), ("size", FluentValue::from(size))]),
        );
    };
    let proof = match api::prove_inclusion(&app, Some(index), None, None).await {
        Ok(proof) => Some(proof),
        Err(e) if receipts::is_pending(e.code) => None,
        Err(e) => return p.problem(e),
    };
    let bytes = view.entry.encode();
    let json = String::from_utf8_lossy(&bytes).into_owned();
    let title = p.t_args("entry-title", &[("index", FluentValue::from(index))]);
    let public_url = app.config.public_url();

    let main = html! {
        h1 { (title) }
        p.lead { (event_label(p.lang, view.kind)) ": " (summary(&app, p.lang, &view.entry)) }
        section aria-labelledby="fields-heading" {
            h2 #fields-heading { (p.t("entry-fields-heading")) }
            dl.fields {
                dt { (p.t("col-index")) } dd { (index) }
                dt { (p.t("col-time")) } dd { (time_el(&app, p.lang, view.entry.timestamp.0)) " " span.muted { "(" code { "ts=" (view.entry.timestamp.0) } ")" } }
                dt { (p.t("col-event")) } dd { (event_label(p.lang, view.kind)) " " span.muted { "(" code { (view.kind) } ")" } }
                (event_fields(&p, &view.entry.event))
                dt { (p.t("col-leaf-hash")) } dd { code.hash #leaf-hash { (view.leaf_hash) } }
                dt { (p.t("col-signed-by")) }
                dd #act-signature {
                    @match &view.entry.signature {
                        Some(sig) => { (p.t("entry-signed-by-author")) " " code { (sig.key) } },
                        None if dauys_core::act_author(&view.entry.event).is_some() => (p.t("entry-signed-by-log")),
                        None => (p.t("entry-signed-no-author")),
                    }
                }
            }
        }
        section aria-labelledby="bytes-heading" {
            h2 #bytes-heading { (p.t("entry-bytes-heading")) }
            p { (p.t_args("entry-bytes-explain", &[("length", FluentValue::from(bytes.len()))])) }
            pre { code { (json) } }
            p { a href={ "/api/v1/entries/" (index) } { (p.t("entry-as-json")) } }
        }
        section aria-labelledby="proof-heading" #proof {
            h2 #proof-heading { (p.t("proof-heading")) }
            @match &proof {
                None => {
                    p.note role="status" { (p.t("proof-pending")) }
                    p { a href={ "/log/" (index) } { (p.t("proof-refresh")) } }
                }
                Some(proof) => {
                    (proof_section(&app, &p, proof))
                }
            }
        }
        section aria-labelledby="verify-heading" {
            h2 #verify-heading { (p.t("verify-heading")) }
            ol.steps {
                li { (p.t("verify-step-leaf")) }
                li { (p.t_args("verify-step-proof", &[("index", FluentValue::from(index)), ("size", FluentValue::from(proof.as_ref().map_or(size, |pr| pr.tree_size)))])) }
                li { (p.t("verify-step-root")) }
                li {
                    (p.t("verify-step-signature"))
                    pre { code #vkey { (app.vkey) } }
                }
            }
            p { (p.t("verify-tool")) }
            pre { code { "dauys audit " (public_url) } }
            p { (p.t("verify-mirror")) }
            p {
                a href={ "/api/v1/proof/inclusion?index=" (index) } { (p.t("verify-proof-json")) }
                " · " a href="/checkpoint" { (p.t("verify-checkpoint-link")) }
            }
        }
        nav.pager aria-label=(p.t("entry-nav-label")) {
            ul {
                li { @if index > 0 { a href={ "/log/" (index - 1) } rel="prev" { (p.t("entry-previous")) } } }
                li { a href={ "/log?before=" (index.saturating_add(1).saturating_add(PAGE_SIZE / 2).min(size)) } { (p.t("entry-in-log")) } }
                li { @if index + 1 < size { a href={ "/log/" (index + 1) } rel="next" { (p.t("entry-next")) } } }
            }
        }
    };
    super::cache::shareable(p.render(StatusCode::OK, &title, Section::Log, main))
}

fn proof_section(app: &AppState, p: &Page, proof: &InclusionProof) -> Markup {
    let (steps, ends_at_root) = walk_proof(proof);
    // The root the proof must reach, from the signed checkpoint it was made against.
    let signed = proof.checkpoint.as_deref().and_then(|note| {
        let verifier = NoteVerifier::from_vkey(&app.vkey).ok()?;
        Checkpoint::open(note, &verifier).ok()
    });
    let computed = steps.last().map_or(proof.leaf_hash, |s| s.result);
    let matches = ends_at_root && signed.as_ref().is_some_and(|c| c.root == computed && c.size == proof.tree_size);
    html! {
        dl.fields {
            dt { (p.t("proof-tree-size")) } dd { (proof.tree_size) }
            dt { (p.t("col-leaf-hash")) } dd { code.hash { (proof.leaf_hash) } }
        }
        @if steps.is_empty() {
            p { (p.t("proof-empty")) }
        } @else {
            h3 { (p.t_args("proof-steps-heading", &[("count", FluentValue::from(steps.len()))])) }
            ol.proof {
                @for s in &steps {
                    li {
                        (p.t(if s.sibling_is_left { "proof-sibling-left" } else { "proof-sibling-right" })) " "
                        code.hash { (s.sibling) }
                        br;
                        span.muted { "→ " } code.hash { (s.result) }
                    }
                }
            }
        }
        @if let Some(c) = &signed {
            p.box role="status" {
                @if matches {
                    (p.t_args("proof-matches", &[("size", FluentValue::from(c.size))]))
                } @else {
                    (p.t("proof-mismatch"))
                }
                br;
                code.hash { (c.root) }
            }
        }
        @if let Some(note) = &proof.checkpoint {
            h3 { (p.t("proof-checkpoint-heading")) }
            pre { code { (note) } }
        }
    }
}

/// A trilingual text with each language marked, Kazakh first.
fn lt(text: &dauys_core::LocalizedText) -> Markup {
    html! {
        ul {
            @for l in Lang::ALL {
                li lang=(l.as_str()) { span.muted { (l.as_str()) ": " } (text.get(l)) }
            }
        }
    }
}

fn dates(list: &[time::Date]) -> Markup {
    html! {
        @if list.is_empty() {
            "—"
        } @else {
            @for (i, d) in list.iter().enumerate() {
                @if i > 0 { ", " }
                time datetime=(dauys_core::format_date(*d)) { (dauys_core::format_date(*d)) }
            }
        }
    }
}

pub(crate) fn event_fields(p: &Page, event: &Event) -> Markup {
    match event {
        Event::DeploymentConfigured { name, utc_offset_minutes, act_rule } => html! {
            dt { (p.t("field-name")) } dd { (lt(name)) }
            dt { (p.t("field-utc-offset")) } dd { (utc_offset_label(*utc_offset_minutes)) }
            // Omitted, the version in force stays: nothing to show.
            @if let Some(version) = act_rule {
                dt { (p.t("field-act-rule")) } dd { (version) }
            }
        },
        Event::CalendarPublished { year, holidays, transferred_working_days } => html! {
            dt { (p.t("field-year")) } dd { (year) }
            dt { (p.t("field-holidays")) } dd { (dates(holidays)) }
            dt { (p.t("field-transferred")) } dd { (dates(transferred_working_days)) }
        },
        Event::BodyRegistered { body, name, kind, parent, territory, competences } => html! {
            dt { (p.t("field-body-id")) } dd { code { (body.as_str()) } }
            dt { (p.t("field-name")) } dd { (lt(name)) }
            dt { (p.t("field-body-kind")) } dd { (body_kind_label(p.lang, *kind)) }
            dt { (p.t("field-parent")) } dd {
                @match parent { Some(b) => code { (b.as_str()) }, None => (p.t("field-none")) }
            }
            @if let Some(t) = territory {
                dt { (p.t("field-territory")) } dd { (locality_label(p.lang, t)) }
            }
            @if let Some(topics) = competences {
                dt { (p.t("field-competences")) } dd {
                    @for (i, t) in topics.iter().enumerate() {
                        @if i > 0 { ", " }
                        code { (t.as_str()) }
                    }
                }
            }
        },
        Event::NoticePublished { notice, title, text } => html! {
            dt { (p.t("field-notice-id")) } dd { code { (notice.as_str()) } }
            dt { (p.t("field-title")) } dd { (lt(title)) }
            dt { (p.t("field-text")) } dd { (lt(text)) }
        },
        // People events hold identifiers and one-line texts: shown member by member.
        other => generic_fields(p, other),
    }
}

fn generic_fields(p: &Page, event: &Event) -> Markup {
    let value = serde_json::to_value(event).unwrap_or(serde_json::Value::Null);
    let members: Vec<(String, String)> = value
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.as_str() != "type")
                .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_string)))
                .collect()
        })
        .unwrap_or_default();
    html! {
        @for (name, shown) in &members {
            dt { (field_label(p, name)) } dd { code { (shown) } }
        }
    }
}

/// The translated label of an event member, or its name when it has none.
fn field_label(p: &Page, name: &str) -> String {
    let id = crate::i18n::value_id("field-", name);
    let label = p.t(&id);
    if label == id {
        name.to_string()
    } else {
        label
    }
}
