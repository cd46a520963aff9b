//! The Atom feed (RFC 4287) of public appeals that are overdue now: a body owed an answer by
//! a day that ended, and its silence counts as a refusal. Read from the appeals' read model
//! (`overdue_public`), like the petitions' feeds (`petitions/feeds.rs`), whose approach this
//! follows: written with `atom_syndication`, titles in the request's language (`?lang=`, the
//! `lang` cookie or Accept-Language) falling back to one the applicant wrote in, marked with
//! `xml:lang`.
//!
//! An entry's id is its overdue mark's log entry (`{site}/log/{index}`), permanent; an
//! appeal leaves the feed once answered.

use atom_syndication::{Entry, Feed, FixedDateTime, Generator, Link, Person, Text};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use dauys_core::{format_date, Appeal, Lang, StepKind, Timestamp};
use fluent_templates::fluent_bundle::FluentValue;

use crate::appeals::appeal_href;
use crate::i18n::{t, t_args, UiLang};
use crate::problem::Problem;
use crate::AppState;

pub(super) const PATH: &str = "/feeds/appeals/overdue.atom";
/// Entries in the feed: the most recently overdue.
const ENTRIES: usize = 100;
const ATOM: &str = "application/atom+xml; charset=utf-8";

fn when(ts: Timestamp) -> FixedDateTime {
    ts.to_rfc3339().parse().unwrap_or_default()
}

fn link(href: String, rel: &str, mime: &str) -> Link {
    Link { href, rel: rel.to_owned(), mime_type: Some(mime.to_owned()), ..Link::default() }
}

/// What the entries of one request share.
struct Ctx {
    base: String,
    lang: Lang,
    /// `?lang=…` when the language was chosen explicitly, for the feed's own links.
    query: String,
}

fn entry(app: &AppState, ctx: &Ctx, a: &Appeal) -> Entry {
    let lang = ctx.lang;
    let mark = a.steps.iter().rev().find(|s| s.event == StepKind::Overdue);
    let overdue_at = a.obligation.overdue_at.or(mark.map(|s| s.at)).unwrap_or(a.obligation.due_at);
    let id = match mark {
        Some(step) => format!("{}/log/{}", ctx.base, step.index.0),
        // Not reached: the rules log the mark that makes an appeal overdue.
        None => format!("{}{}#overdue", ctx.base, appeal_href(&a.id)),
    };
    let (title_lang, title) = match &a.title {
        Some(t) => {
            let (l, s) = t.best(lang);
            (l, s.to_owned())
        }
        None => (lang, a.id.to_string()),
    };
    let body = app.deployment.body(a.body()).map_or_else(|| a.body().to_string(), |b| b.name.get(lang).to_owned());
    let summary = t_args(
        lang,
        "ap-feed-entry-summary",
        &[
            ("body", FluentValue::from(body)),
            ("due", FluentValue::from(format_date(a.obligation.due))),
            ("days", FluentValue::from(app.capabilities.appeals.days_waiting(a))),
        ],
    );
    Entry {
        id,
        title: Text {
            lang: Some(title_lang.as_str().to_owned()),
            ..Text::plain(t_args(lang, "ap-feed-entry-title", &[("title", FluentValue::from(title))]))
        },
        updated: when(overdue_at),
        published: Some(when(a.filed_at)),
        links: vec![link(format!("{}{}{}", ctx.base, appeal_href(&a.id), ctx.query), "alternate", "text/html")],
        summary: Some(Text { lang: Some(lang.as_str().to_owned()), ..Text::plain(summary) }),
        ..Entry::default()
    }
}

/// GET /feeds/appeals/overdue.atom — public appeals overdue now, most recently overdue first.
pub(super) async fn overdue(State(app): State<AppState>, ui: UiLang) -> Response {
    let lang = ui.lang;
    let ctx = Ctx {
        base: app.config.public_url(),
        lang,
        query: if ui.chosen { format!("?lang={}", lang.as_str()) } else { String::new() },
    };
    let appeals = app.capabilities.appeals.view();
    let entries: Vec<Entry> = appeals.overdue_public(ENTRIES).iter().map(|a| entry(&app, &ctx, a)).collect();
    // An empty feed is as old as the rules it follows.
    let fallback = appeals.rules().map_or(Timestamp(0), |r| r.published_at);
    let updated = entries.iter().map(|e| e.updated).max().unwrap_or_else(|| when(fallback));
    let names = &app.config.deployment_name;
    let site = match lang {
        Lang::Kk => &names.kk,
        Lang::Ru => &names.ru,
        Lang::En => &names.en,
    };
    let feed = Feed {
        id: format!("{}{PATH}", ctx.base),
        title: Text::plain(t(lang, "ap-feed-overdue-title")),
        subtitle: Some(Text::plain(t(lang, "ap-feed-overdue-subtitle"))),
        updated,
        authors: vec![Person { name: site.clone(), uri: Some(format!("{}/", ctx.base)), ..Person::default() }],
        generator: Some(Generator { value: "Dauys".into(), ..Generator::default() }),
        links: vec![
            link(format!("{}{PATH}{}", ctx.base, ctx.query), "self", "application/atom+xml"),
            link(format!("{}/bodies{}", ctx.base, ctx.query), "alternate", "text/html"),
        ],
        lang: Some(lang.as_str().to_owned()),
        entries,
        ..Feed::default()
    };
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
