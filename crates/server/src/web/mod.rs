//! Server-rendered pages: the home page, a browser of the log and one page per entry with
//! its inclusion proof and how to check it by hand. Plain HTML and one stylesheet — no
//! JavaScript — in Kazakh, Russian or English (every string comes from `locales/`).

use std::sync::OnceLock;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use dauys_core::{Entry, Event, Lang, Role, Timestamp, VerificationMethod};
use dauys_ledger::{Checkpoint, Hash, NoteVerifier};
use fluent_templates::fluent_bundle::FluentValue;
use maud::{html, Markup, DOCTYPE};

use crate::api::{self, EntryView, InclusionProof};
use crate::i18n::{t, t_args, UiLang};
use crate::people::session::Session;
use crate::problem::Problem;
use crate::receipts::{self, walk_proof};
use crate::AppState;

pub(crate) mod extract;
pub(crate) mod forms;

/// Entries per page of the log browser.
pub const PAGE_SIZE: u64 = 20;
/// Entries on the home page.
pub const HOME_ENTRIES: u64 = 10;

const STYLE: &str = include_str!("../../static/style.css");

/// A version tag for the stylesheet's URL, so it can be cached for a year and still change
/// with a new release.
fn style_version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        // FNV-1a: stable across builds and platforms, enough to bust a cache.
        let hash =
            STYLE.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        format!("{:012x}", hash & 0xffff_ffff_ffff)
    })
}

/// GET /static/style.css
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        STYLE,
    )
        .into_response()
}

/// Which section of the site a page belongs to, for `aria-current` in the navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Home,
    Log,
    Petitions,
    Account,
    Admin,
    None,
}

/// What every page needs to know about the request; handlers take it as an extractor
/// ([`extract`]), which also looks up the session.
#[derive(Clone)]
pub(crate) struct Page {
    pub(crate) lang: Lang,
    chosen: bool,
    /// The request's path, made safe to use as a relative link.
    path: String,
    /// The query without `lang=`, kept by the language switcher.
    query: Vec<String>,
    /// The visitor's session, when signed in.
    pub(crate) session: Option<Session>,
}

fn safe_path(path: &str) -> String {
    // Never produce a scheme-relative URL (`//host`) or a backslash browsers read as `/`.
    let trimmed = path.trim_start_matches(['/', '\\']);
    format!("/{}", trimmed.replace('\\', "%5C"))
}

impl Page {
    pub(crate) fn new(ui: UiLang, uri: &Uri) -> Page {
        let query = uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|kv| !kv.is_empty() && !kv.starts_with("lang="))
            .map(str::to_string)
            .collect();
        Page { lang: ui.lang, chosen: ui.chosen, path: safe_path(uri.path()), query, session: None }
    }

    fn for_path(ui: UiLang, path: &str) -> Page {
        Page { lang: ui.lang, chosen: ui.chosen, path: safe_path(path), query: Vec::new(), session: None }
    }

    /// The same page context for another page: a form's action shows the page the form is
    /// on again, and the language switcher must lead there, not to the action.
    pub(crate) fn at(self, path: &str) -> Page {
        Page { path: safe_path(path), query: Vec::new(), ..self }
    }

    pub(crate) fn t(&self, id: &str) -> String {
        t(self.lang, id)
    }

    pub(crate) fn t_args(&self, id: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        t_args(self.lang, id, args)
    }

    fn switch_href(&self, to: Lang) -> String {
        let mut parts = self.query.clone();
        parts.push(format!("lang={}", to.as_str()));
        format!("{}?{}", self.path, parts.join("&"))
    }

    pub(crate) fn render(&self, status: StatusCode, title: &str, section: Section, main: Markup) -> Response {
        let site = self.t("site-title");
        let full_title = if title.contains(site.as_str()) { title.to_string() } else { format!("{title} — {site}") };
        let current = |s: Section| (s == section).then_some("page");
        let markup = html! {
            (DOCTYPE)
            html lang=(self.lang.as_str()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (full_title) }
                    meta name="description" content=(self.t("site-tagline"));
                    link rel="stylesheet" href={ "/static/style.css?v=" (style_version()) };
                    @for l in Lang::ALL {
                        link rel="alternate" hreflang=(l.as_str()) href=(self.switch_href(l));
                    }
                }
                body {
                    a.skip href="#main" { (self.t("skip-to-content")) }
                    header.site {
                        div.wrap {
                            a.brand href="/" {
                                (site)
                                small { (self.t("site-tagline")) }
                            }
                            nav aria-label=(self.t("nav-label")) {
                                ul {
                                    li { a href="/" aria-current=[current(Section::Home)] { (self.t("nav-home")) } }
                                    li { a href="/log" aria-current=[current(Section::Log)] { (self.t("nav-log")) } }
                                    li { a href="/petitions" aria-current=[current(Section::Petitions)] { (self.t("pp-nav")) } }
                                    li { a href="/me" aria-current=[current(Section::Account)] { (self.t("nav-account")) } }
                                }
                            }
                            nav.langs aria-label=(self.t("lang-switcher-label")) {
                                span { (self.t("lang-switcher-label")) ":" }
                                ul {
                                    @for l in Lang::ALL {
                                        li {
                                            a href=(self.switch_href(l)) lang=(l.as_str()) hreflang=(l.as_str())
                                                aria-current=[(l == self.lang).then_some("true")] {
                                                (self.t(&format!("lang-{}", l.as_str())))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    main #main.wrap tabindex="-1" {
                        (main)
                    }
                    footer.site {
                        div.wrap {
                            p { (self.t("footer-about")) }
                            p { (self.t("footer-machine")) }
                            ul {
                                li { a href="/checkpoint" { code { "/checkpoint" } } " — " (self.t("footer-checkpoint")) }
                                li { code { "/tile/…" } " — " (self.t("footer-tiles")) }
                                li { a href="/api/v1/log" { code { "/api/v1/log" } } " — " (self.t("footer-log-info")) }
                                li { a href="/openapi.json" { code { "/openapi.json" } } " — " (self.t("footer-openapi")) }
                            }
                        }
                    }
                }
            }
        };
        let mut response = (status, markup).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(self.lang.as_str()));
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Language, Cookie"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        if self.chosen {
            let cookie = format!("lang={}; Path=/; Max-Age=31536000; SameSite=Lax", self.lang.as_str());
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                headers.insert(header::SET_COOKIE, v);
            }
        }
        response
    }

    /// A page for a failure: a heading, an explanation and the way home.
    pub(crate) fn error(&self, status: StatusCode, title: &str, text: &str) -> Response {
        let main = html! {
            h1 { (title) }
            p.lead { (text) }
            p { a href="/log" { (self.t("error-go-log")) } " · " a href="/" { (self.t("error-go-home")) } }
        };
        self.render(status, title, Section::None, main)
    }

    /// A problem from the shared API code, as a page in this language.
    pub(crate) fn problem(&self, problem: Problem) -> Response {
        let retry = problem.retry_after;
        let status = problem.status;
        let title = problem.in_lang(self.lang).title();
        let text = if status.is_server_error() { self.t("error-try-later") } else { self.t("error-check-address") };
        let mut response = self.error(status, &title, &text);
        if let Some(s) = retry {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        response
    }
}

/// The translated 404 page for any path no route serves.
pub fn not_found_page(lang: UiLang, path: &str) -> Response {
    let page = Page::for_path(lang, path);
    let shown: String = path.chars().take(200).collect();
    page.error(
        StatusCode::NOT_FOUND,
        &page.t("error-not-found-title"),
        &page.t_args("error-not-found-text", &[("path", FluentValue::from(shown))]),
    )
}

// ---------------------------------------------------------------------------------------
// Formatting

/// `2026-03-02 14:30:05 UTC+05:00` in the deployment's time zone, and the RFC 3339 instant.
fn local_time(ms: u64, utc_offset_minutes: i16) -> (String, String) {
    let rfc3339 = Timestamp(ms).to_rfc3339();
    let offset =
        time::UtcOffset::from_whole_seconds(i32::from(utc_offset_minutes) * 60).unwrap_or(time::UtcOffset::UTC);
    let shown = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(|t| t.to_offset(offset))
        .map(|t| {
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02} {}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                utc_offset_label(utc_offset_minutes)
            )
        })
        .unwrap_or_else(|_| rfc3339.clone());
    (shown, rfc3339)
}

fn utc_offset_label(minutes: i16) -> String {
    let sign = if minutes < 0 { '−' } else { '+' };
    let m = minutes.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

pub(crate) fn time_el(app: &AppState, ms: u64) -> Markup {
    let (shown, machine) = local_time(ms, app.config.utc_offset_minutes);
    html! { time datetime=(machine) { (shown) } }
}

fn short_hash(h: &Hash) -> String {
    let hex = h.to_string();
    format!("{}…", &hex[..hex.len().min(12)])
}

/// The human label of an event type, e.g. "Body registered".
fn event_label(lang: Lang, kind: &str) -> String {
    let id = format!("event-{}", kind.replace('.', "-"));
    let label = t(lang, &id);
    if label == id {
        kind.to_string()
    } else {
        label
    }
}

fn body_kind_label(lang: Lang, kind: dauys_core::BodyKind) -> String {
    t(lang, &format!("body-kind-{}", kind.as_str()))
}

/// One line saying what an entry is about, in the page's language.
fn summary(lang: Lang, entry: &Entry) -> String {
    match &entry.event {
        Event::DeploymentConfigured { name, utc_offset_minutes } => t_args(
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
        Event::BodyRegistered { name, kind, .. } => {
            format!("{} ({})", name.get(lang), body_kind_label(lang, *kind).to_lowercase())
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
                    args.push(("body", FluentValue::from(body.to_string())));
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
                ("body", FluentValue::from(body.to_string())),
                ("official", FluentValue::from(official.to_string())),
                ("purpose", FluentValue::from(purpose.clone())),
                ("basis", FluentValue::from(basis.to_string())),
            ],
        ),
        Event::RegistryImported { records, digest, .. } => t_args(
            lang,
            "summary-registry",
            &[("records", FluentValue::from(*records)), ("digest", FluentValue::from(short_text(digest.as_str())))],
        ),
        Event::KeyRotated { key, version, .. } => t_args(
            lang,
            "summary-key-rotated",
            &[
                ("key", FluentValue::from(t(lang, &format!("key-{}", key.as_str())))),
                ("version", FluentValue::from(*version)),
            ],
        ),
        Event::PetitionRulesPublished { rules } => {
            t_args(lang, "summary-petition-rules", &[("levels", FluentValue::from(rules.levels.len()))])
        }
        Event::PetitionDrafted { petition, title, .. } => format!("{petition}: {}", title.best(lang).1),
        other => other.petition().map(ToString::to_string).unwrap_or_default(),
    }
}

/// The translated name of a role.
pub(crate) fn role_label(lang: Lang, role: Role) -> String {
    t(lang, &format!("role-{}", role.as_str()))
}

/// The first characters of a long identifier, for tables.
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
                        td role="cell" data-label=(c_time) { (time_el(app, e.entry.timestamp.0)) }
                        td role="cell" data-label=(c_event) { (event_label(p.lang, e.kind)) }
                        td role="cell" data-label=(c_summary) { (summary(p.lang, &e.entry)) }
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
                dd { (time_el(app, c.signed_at_ms)) }
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

/// GET / — the deployment, its latest checkpoint and the newest entries.
pub async fn home(State(app): State<AppState>, ui: UiLang, uri: Uri) -> Response {
    let p = Page::new(ui, &uri);
    let state = match api::load_public_state(&app).await {
        Ok(s) => s,
        Err(e) => return p.problem(e),
    };
    let size = match log_size(&app).await {
        Ok(s) => s,
        Err(e) => return p.problem(e),
    };
    let newest = match api::load_entries(&app, size.saturating_sub(HOME_ENTRIES), HOME_ENTRIES).await {
        Ok(v) => v,
        Err(e) => return p.problem(e),
    };
    let site = p.t("site-title");
    let name = state.deployment.as_ref().map_or(site.clone(), |d| d.name.get(p.lang).to_string());
    let main = html! {
        h1 { (name) }
        p.lead { (p.t("home-intro")) }
        ul.stats {
            li { strong { (size) } (p.t("stat-entries")) }
            li { strong { (state.bodies.len()) } (p.t("stat-bodies")) }
            li { strong { (state.notices) } (p.t("stat-notices")) }
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
    p.render(StatusCode::OK, &name, Section::Home, main)
}

/// GET /log?before=N — the log, newest first.
pub async fn log_page(State(app): State<AppState>, ui: UiLang, uri: Uri) -> Response {
    let p = Page::new(ui, &uri);
    let raw_before = uri.query().unwrap_or("").split('&').find_map(|kv| kv.strip_prefix("before="));
    let before = match raw_before {
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
    p.render(StatusCode::OK, &title, Section::Log, main)
}

/// GET /log/{index} — one entry, its proof and how to check it.
pub async fn entry_page(State(app): State<AppState>, ui: UiLang, uri: Uri, Path(raw): Path<String>) -> Response {
    let p = Page::new(ui, &uri);
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
        p.lead { (event_label(p.lang, view.kind)) ": " (summary(p.lang, &view.entry)) }
        section aria-labelledby="fields-heading" {
            h2 #fields-heading { (p.t("entry-fields-heading")) }
            dl.fields {
                dt { (p.t("col-index")) } dd { (index) }
                dt { (p.t("col-time")) } dd { (time_el(&app, view.entry.timestamp.0)) " " span.muted { "(" code { "ts=" (view.entry.timestamp.0) } ")" } }
                dt { (p.t("col-event")) } dd { (event_label(p.lang, view.kind)) " " span.muted { "(" code { (view.kind) } ")" } }
                (event_fields(&p, &view.entry.event))
                dt { (p.t("col-leaf-hash")) } dd { code.hash #leaf-hash { (view.leaf_hash) } }
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
    p.render(StatusCode::OK, &title, Section::Log, main)
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

fn event_fields(p: &Page, event: &Event) -> Markup {
    match event {
        Event::DeploymentConfigured { name, utc_offset_minutes } => html! {
            dt { (p.t("field-name")) } dd { (lt(name)) }
            dt { (p.t("field-utc-offset")) } dd { (utc_offset_label(*utc_offset_minutes)) }
        },
        Event::CalendarPublished { year, holidays, transferred_working_days } => html! {
            dt { (p.t("field-year")) } dd { (year) }
            dt { (p.t("field-holidays")) } dd { (dates(holidays)) }
            dt { (p.t("field-transferred")) } dd { (dates(transferred_working_days)) }
        },
        Event::BodyRegistered { body, name, kind, parent } => html! {
            dt { (p.t("field-body-id")) } dd { code { (body.as_str()) } }
            dt { (p.t("field-name")) } dd { (lt(name)) }
            dt { (p.t("field-body-kind")) } dd { (body_kind_label(p.lang, *kind)) }
            dt { (p.t("field-parent")) } dd {
                @match parent { Some(b) => code { (b.as_str()) }, None => (p.t("field-none")) }
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
    let id = format!("field-{}", name.replace('_', "-"));
    let label = p.t(&id);
    if label == id {
        name.to_string()
    } else {
        label
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_paths_stay_on_this_site() {
        assert_eq!(safe_path("/log/3"), "/log/3");
        assert_eq!(safe_path("//evil.example/x"), "/evil.example/x");
        assert_eq!(safe_path("/\\evil.example"), "/evil.example");
        assert_eq!(safe_path(""), "/");
    }

    #[test]
    fn offsets_are_labelled() {
        assert_eq!(utc_offset_label(300), "UTC+05:00");
        assert_eq!(utc_offset_label(-90), "UTC−01:30");
        assert_eq!(local_time(0, 300).0, "1970-01-01 05:00:00 UTC+05:00");
    }
}
