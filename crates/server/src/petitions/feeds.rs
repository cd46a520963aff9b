//! Atom feeds (RFC 4287) of petitions: new public petitions, one petition's steps (its
//! transitions, the obligation it opened and the answer), and a body's petitions with their
//! obligations and answers. Read from the in-memory view like the rest of the API.
//!
//! Entries have permanent ids: the log entry's address (`{site}/log/{index}`) where the
//! step is an entry, or a `tag:` URI for an obligation's overdue mark, whose entry index the
//! petition does not keep. Titles are in the request's language (`?lang=`, the `lang`
//! cookie or Accept-Language), falling back to a language the author wrote in, marked with
//! `xml:lang`. Written with `atom_syndication`, which escapes and structures the XML.

use std::str::FromStr;
use std::sync::Arc;

use atom_syndication::{Content, Entry, Feed, FixedDateTime, Generator, Link, Person, Text};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use dauys_core::{format_date, BodyId, Lang, PartialText, Petition, PetitionStatus, Timestamp};
use fluent_templates::fluent_bundle::FluentValue;

use super::api::{body_info, html_path, petition_by_path};
use crate::i18n::{event_label, t, t_args, UiLang};
use crate::problem::Problem;
use crate::AppState;

/// Entries in the new-petitions feed.
const NEW_PETITIONS: usize = 50;
/// Entries in a body's feed.
const BODY_ENTRIES: usize = 100;
/// Entries in one petition's feed (a petition has few steps; redrafts could add some).
const PETITION_ENTRIES: usize = 200;
/// Characters of a petition's text shown in an entry's summary.
const EXCERPT_CHARS: usize = 280;
const ATOM: &str = "application/atom+xml; charset=utf-8";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/feeds/petitions.atom", get(new_petitions))
        .route("/feeds/petitions/{file}", get(petition_feed))
        .route("/feeds/bodies/{file}", get(body_feed))
}

/// What every feed of one request shares.
struct Ctx {
    base: String,
    lang: Lang,
    /// `?lang=…` when the language was chosen explicitly, for the feed's own links.
    query: String,
}

impl Ctx {
    fn new(app: &AppState, ui: UiLang) -> Ctx {
        let query = if ui.chosen { format!("?lang={}", ui.lang.as_str()) } else { String::new() };
        Ctx { base: app.config.public_url(), lang: ui.lang, query }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn page(&self, p: &Petition) -> String {
        format!("{}{}{}", self.base, html_path(&p.id), self.query)
    }

    /// The permanent id of a log entry: its page.
    fn entry_id(&self, index: u64) -> String {
        format!("{}/log/{index}", self.base)
    }

    /// A `tag:` URI (RFC 4151) under the site's host name, dated `date`.
    fn tag(&self, date: time::Date, specific: &str) -> String {
        let host = self.base.split_once("://").map_or(self.base.as_str(), |(_, rest)| rest);
        let host = host.split(['/', ':']).next().unwrap_or(host);
        format!("tag:{host},{}:{specific}", format_date(date))
    }
}

fn when(ts: Timestamp) -> FixedDateTime {
    ts.to_rfc3339().parse().unwrap_or_default()
}

/// A text in the caller's language if the author wrote one, else in one they did, marked.
fn written(text: &PartialText, lang: Lang) -> Text {
    let (l, s) = text.best(lang);
    Text { lang: Some(l.as_str().to_owned()), ..Text::plain(s) }
}

fn titled(label: String, title: &PartialText, lang: Lang) -> Text {
    let (l, s) = title.best(lang);
    Text { lang: Some(l.as_str().to_owned()), ..Text::plain(format!("{label}: {s}")) }
}

fn link(href: String, rel: &str, mime: Option<&str>) -> Link {
    Link { href, rel: rel.to_owned(), mime_type: mime.map(str::to_owned), ..Link::default() }
}

fn excerpt(text: &PartialText, lang: Lang) -> String {
    let (_, s) = text.best(lang);
    let mut out: String = s.chars().take(EXCERPT_CHARS).collect();
    if s.chars().nth(EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    out
}

fn status_label(lang: Lang, status: PetitionStatus) -> String {
    t(lang, &format!("feed-status-{}", status.as_str()))
}

/// "Open · 1,234 of 50,000 signatures".
fn progress(lang: Lang, p: &Petition) -> String {
    let count = t_args(
        lang,
        "feed-signatures",
        &[
            ("signatures", FluentValue::from(p.signatures as f64)),
            ("threshold", FluentValue::from(p.terms.threshold as f64)),
        ],
    );
    format!("{} · {count}", status_label(lang, p.status))
}

fn new_entry(ctx: &Ctx, p: &Petition, id: String, title: Text, updated: Timestamp, summary: String) -> Entry {
    Entry {
        id,
        title,
        updated: when(updated),
        links: vec![link(ctx.page(p), "alternate", Some("text/html"))],
        summary: Some(Text { lang: Some(ctx.lang.as_str().to_owned()), ..Text::plain(summary) }),
        ..Entry::default()
    }
}

/// When the petition became public (sent to moderation), and that step's log index.
fn made_public(p: &Petition) -> Option<(Timestamp, u64)> {
    p.transitions.iter().find(|t| t.status.is_public()).map(|t| (t.at, t.index.0))
}

/// The entry announcing a public petition: its title, status, count and the start of its text.
fn petition_entry(ctx: &Ctx, p: &Petition) -> Option<Entry> {
    let (at, index) = made_public(p)?;
    let updated = p.transitions.last().map_or(at, |t| t.at).max(at);
    let summary = format!("{}\n\n{}", progress(ctx.lang, p), excerpt(&p.text, ctx.lang));
    let mut entry = new_entry(ctx, p, ctx.entry_id(index), written(&p.title, ctx.lang), updated, summary);
    entry.published = Some(when(at));
    Some(entry)
}

/// The obligation a petition opened, its overdue mark and the answer, as entries.
fn obligation_entries(ctx: &Ctx, p: &Petition) -> Vec<Entry> {
    let Some(o) = &p.obligation else { return Vec::new() };
    let lang = ctx.lang;
    let due = format_date(o.due);
    let due_line = t_args(lang, "feed-due", &[("due", FluentValue::from(due.clone()))]);
    let mut entries = vec![new_entry(
        ctx,
        p,
        ctx.entry_id(o.index.0),
        titled(event_label(lang, "obligation.opened"), &p.title, lang),
        o.opened_at,
        due_line,
    )];
    if let Some(at) = o.overdue_at {
        let specific = format!("petitions/{}/obligation/overdue", p.id);
        entries.push(new_entry(
            ctx,
            p,
            ctx.tag(o.opened_at.date_at_offset(0), &specific),
            titled(event_label(lang, "obligation.overdue"), &p.title, lang),
            at,
            t_args(lang, "feed-overdue", &[("due", FluentValue::from(due))]),
        ));
    }
    if let Some(a) = &o.answer {
        let decision = t(lang, &format!("feed-decision-{}", a.decision.as_str()));
        let mut entry = new_entry(
            ctx,
            p,
            ctx.entry_id(a.index.0),
            titled(event_label(lang, "obligation.answered"), &p.title, lang),
            a.answered_at,
            decision,
        );
        let (l, text) = a.answer.best(lang);
        entry.content = Some(Content {
            value: Some(text.to_owned()),
            lang: Some(l.as_str().to_owned()),
            content_type: Some("text".into()),
            ..Content::default()
        });
        entries.push(entry);
    }
    entries
}

/// One petition's steps: every transition, then the obligation's.
fn petition_entries(ctx: &Ctx, p: &Petition) -> Vec<Entry> {
    let lang = ctx.lang;
    let mut entries: Vec<Entry> = p
        .transitions
        .iter()
        .map(|step| {
            new_entry(
                ctx,
                p,
                ctx.entry_id(step.index.0),
                titled(event_label(lang, &step.event), &p.title, lang),
                step.at,
                status_label(lang, step.status),
            )
        })
        .collect();
    entries.extend(obligation_entries(ctx, p));
    entries
}

/// The log index in an entry id of the form `…/log/{index}` (tag: ids have none).
fn log_position(id: &str) -> Option<u64> {
    id.rsplit_once("/log/").and_then(|(_, index)| index.parse().ok())
}

fn feed(ctx: &Ctx, app: &AppState, path: &str, title: String, mut entries: Vec<Entry>, limit: usize) -> Feed {
    // Steps logged in the same millisecond (an act and what the rules required after it)
    // keep their log order: the later entry is the newer.
    entries.sort_by(|a, b| {
        b.updated
            .cmp(&a.updated)
            .then_with(|| log_position(&b.id).cmp(&log_position(&a.id)))
            .then_with(|| a.id.cmp(&b.id))
    });
    entries.truncate(limit);
    let fallback = app.capabilities.petitions.view().rules().map_or(Timestamp(0), |r| r.published_at);
    let updated = entries.iter().map(|e| e.updated).max().unwrap_or_else(|| when(fallback));
    let names = &app.config.deployment_name;
    let site = match ctx.lang {
        Lang::Kk => &names.kk,
        Lang::Ru => &names.ru,
        Lang::En => &names.en,
    };
    Feed {
        id: ctx.url(path),
        title: Text::plain(title),
        updated,
        authors: vec![Person { name: site.clone(), uri: Some(ctx.url("/")), ..Person::default() }],
        generator: Some(Generator { value: "Dauys".into(), ..Generator::default() }),
        links: vec![
            link(format!("{}{}", ctx.url(path), ctx.query), "self", Some("application/atom+xml")),
            link(format!("{}{}", ctx.url("/petitions"), ctx.query), "alternate", Some("text/html")),
        ],
        lang: Some(ctx.lang.as_str().to_owned()),
        entries,
        ..Feed::default()
    }
}

fn atom_response(feed: &Feed, lang: Lang) -> Response {
    match feed.write_to(Vec::new()) {
        Ok(bytes) => {
            let mut r = bytes.into_response();
            let h = r.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ATOM));
            h.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.as_str()));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
            h.insert(header::VARY, HeaderValue::from_static("accept-language, cookie"));
            r
        }
        Err(e) => Problem::internal(e).in_lang(lang).into_response(),
    }
}

/// `{name}.atom` → `name`; anything else is not a feed here.
fn feed_name(file: &str, lang: Lang) -> Result<&str, Problem> {
    file.strip_suffix(".atom")
        .filter(|n| !n.is_empty())
        .ok_or_else(|| Problem::not_found(format!("no such feed: {file:?} (feeds end in .atom)")).in_lang(lang))
}

/// GET /feeds/petitions.atom — public petitions, the most recently made public first.
async fn new_petitions(State(app): State<AppState>, ui: UiLang) -> Response {
    let ctx = Ctx::new(&app, ui);
    let mut public: Vec<(Timestamp, Arc<Petition>)> = app
        .capabilities
        .petitions
        .view()
        .all()
        .into_iter()
        .filter_map(|p| made_public(&p).map(|(at, _)| (at, p)))
        .collect();
    public.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.index.cmp(&a.1.index)));
    let entries: Vec<Entry> = public.iter().take(NEW_PETITIONS).filter_map(|(_, p)| petition_entry(&ctx, p)).collect();
    let mut feed = feed(&ctx, &app, "/feeds/petitions.atom", t(ctx.lang, "feed-new-title"), entries, NEW_PETITIONS);
    // Newest made public first, as promised, even when an older one changed since.
    feed.entries.sort_by(|a, b| b.published.cmp(&a.published).then_with(|| a.id.cmp(&b.id)));
    atom_response(&feed, ctx.lang)
}

/// GET /feeds/petitions/{id}.atom — one petition's steps, newest first.
async fn petition_feed(State(app): State<AppState>, ui: UiLang, Path(file): Path<String>) -> Response {
    let lang = ui.lang;
    let p = match feed_name(&file, lang).and_then(|id| petition_by_path(&app, id, lang)) {
        Ok(p) => p,
        Err(problem) => return problem.into_response(),
    };
    let ctx = Ctx::new(&app, ui);
    let (_, title) = p.title.best(lang);
    let feed_title = t_args(lang, "feed-petition-title", &[("title", FluentValue::from(title.to_owned()))]);
    let path = format!("/feeds/petitions/{}.atom", p.id);
    let mut feed = feed(&ctx, &app, &path, feed_title, petition_entries(&ctx, &p), PETITION_ENTRIES);
    feed.links[1] = link(ctx.page(&p), "alternate", Some("text/html"));
    atom_response(&feed, lang)
}

/// GET /feeds/bodies/{body}.atom — public petitions to a body, and the obligations it holds.
async fn body_feed(State(app): State<AppState>, ui: UiLang, Path(file): Path<String>) -> Response {
    let lang = ui.lang;
    let body = match feed_name(&file, lang) {
        Ok(name) => BodyId::from_str(name).ok(),
        Err(problem) => return problem.into_response(),
    };
    let unknown = || Problem::new(StatusCode::NOT_FOUND, "not-found", format!("no body {file:?}")).in_lang(lang);
    let Some(body) = body else { return unknown().into_response() };
    let ctx = Ctx::new(&app, ui);
    let petitions: Vec<Arc<Petition>> = app
        .capabilities
        .petitions
        .view()
        .all()
        .into_iter()
        .filter(|p| p.status.is_public())
        .filter(|p| p.body == body || p.obligation.as_ref().is_some_and(|o| o.body == body))
        .collect();
    let registered = body_info(&app, &body);
    if registered.is_none() && petitions.is_empty() {
        return unknown().into_response();
    }
    let name = registered.map_or_else(|| body.to_string(), |b| b.name.get(lang).to_owned());
    let mut entries = Vec::new();
    for p in &petitions {
        if p.body == body {
            entries.extend(petition_entry(&ctx, p));
        }
        if p.obligation.as_ref().is_some_and(|o| o.body == body) {
            entries.extend(obligation_entries(&ctx, p));
        }
    }
    let title = t_args(lang, "feed-body-title", &[("body", FluentValue::from(name))]);
    let feed = feed(&ctx, &app, &format!("/feeds/bodies/{body}.atom"), title, entries, BODY_ENTRIES);
    atom_response(&feed, lang)
}
