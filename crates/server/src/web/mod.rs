//! Server-rendered pages: the page frame every page shares ([`Page`]), the extractors page
//! handlers start from ([`extract`]), shared form pieces ([`forms`]) and the log's own pages
//! (`log`). Plain HTML and one stylesheet — no JavaScript — in Kazakh, Russian or English
//! (every string comes from `locales/`).

use std::sync::OnceLock;

use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use dauys_core::{district_name, Lang, Locality, Role, Timestamp};
use fluent_templates::fluent_bundle::FluentValue;
use maud::{html, Markup, DOCTYPE};

use crate::i18n::{t, t_args, UiLang, LANG_COOKIE};
use crate::people::session::Session;
use crate::problem::Problem;
use crate::AppState;

pub(crate) mod cache;
pub(crate) mod extract;
pub(crate) mod forms;
mod home;
mod log;
pub(crate) mod sign;

pub(crate) use home::{home, info, InfoPage};
pub(crate) use log::{entry_page, ledger, log_page};

/// Entries per page of the log browser.
pub const PAGE_SIZE: u64 = 20;
/// Entries on the ledger's overview page.
pub const LEDGER_ENTRIES: u64 = 10;

const STYLE: &str = include_str!("../../static/style.css");
/// The one script: it keeps a petition's count live while the page is open and makes the
/// share box's copy button work. Every page works without it.
const SCRIPT: &str = include_str!("../../static/live.js");
/// Signs a person's acts with the key their browser holds (`static/sign.js`); only on pages
/// with an act to sign. Acts are published without it too, unsigned, while the person holds
/// no key.
const SIGN_SCRIPT: &str = include_str!("../../static/sign.js");

/// A version tag for a static file's URL, so it can be cached for a year and still change
/// with a new release.
fn version_of(text: &str) -> String {
    // FNV-1a: stable across builds and platforms, enough to bust a cache.
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    format!("{:012x}", hash & 0xffff_ffff_ffff)
}

fn style_version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| version_of(STYLE))
}

/// The script's address, versioned like the stylesheet's.
pub(crate) fn script_href() -> &'static str {
    static HREF: OnceLock<String> = OnceLock::new();
    HREF.get_or_init(|| format!("/static/live.js?v={}", version_of(SCRIPT)))
}

/// The signing script's address, versioned the same way.
pub(crate) fn sign_script_href() -> &'static str {
    static HREF: OnceLock<String> = OnceLock::new();
    HREF.get_or_init(|| format!("/static/sign.js?v={}", version_of(SIGN_SCRIPT)))
}

fn immutable(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")], body)
        .into_response()
}

/// GET /static/style.css
pub async fn stylesheet() -> Response {
    immutable("text/css; charset=utf-8", STYLE)
}

/// GET /static/live.js
pub async fn script() -> Response {
    immutable("text/javascript; charset=utf-8", SCRIPT)
}

/// GET /static/sign.js
pub async fn sign_script() -> Response {
    immutable("text/javascript; charset=utf-8", SIGN_SCRIPT)
}

/// A capability's entry in the site's navigation: where it leads, and the message id of its
/// label.
pub struct NavEntry {
    pub href: &'static str,
    pub label: &'static str,
}

/// Which section of the site a page belongs to, for `aria-current` in the navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Home,
    Log,
    /// A capability's pages, named by its navigation entry's address.
    Capability(&'static str),
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
        // Kept as written, not decoded: the switcher's links give the page back its own
        // query, only the language changed.
        let query = crate::i18n::query_without_lang(uri.query().unwrap_or("")).map(str::to_string).collect();
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

    /// A date as this page's language writes it.
    pub(crate) fn date(&self, d: time::Date) -> String {
        long_date(self.lang, d)
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
        self.render_with_head(status, title, section, html! {}, main)
    }

    /// [`render`](Self::render) with more in the page's head: a link preview's tags, feeds,
    /// the live count's script.
    pub(crate) fn render_with_head(
        &self,
        status: StatusCode,
        title: &str,
        section: Section,
        head: Markup,
        main: Markup,
    ) -> Response {
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
                    (head)
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
                                    @for entry in crate::Capabilities::navigation() {
                                        li { a href=(entry.href) aria-current=[current(Section::Capability(entry.href))] { (self.t(entry.label)) } }
                                    }
                                    li { a href="/ledger" aria-current=[current(Section::Log)] { (self.t("nav-log")) } }
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
                            nav aria-label=(self.t("footer-nav-label")) {
                                ul.footer-links {
                                    @for info in InfoPage::ALL {
                                        li { a href={ "/" (info.slug()) } { (self.t(&format!("info-{}-title", info.slug()))) } }
                                    }
                                    li { a href="/bodies" { (self.t("footer-bodies")) } }
                                    li { a href="/feeds/petitions.atom" { (self.t("footer-feed")) } }
                                }
                            }
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
        if !self.chosen {
            return response;
        }
        (CookieJar::new().add(lang_cookie(self.lang)), response).into_response()
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

/// The cookie that remembers a language chosen with `?lang=`: for a year, and not
/// `HttpOnly`, since it holds nothing secret.
pub(crate) fn lang_cookie(lang: Lang) -> Cookie<'static> {
    Cookie::build((LANG_COOKIE, lang.as_str()))
        .path("/")
        .max_age(time::Duration::days(365))
        .same_site(SameSite::Lax)
        .build()
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

/// An instant as the page's language writes it in the deployment's time zone ("7 December
/// 2026, 14:30"), with the offset as a hint, and the RFC 3339 instant for machines.
fn local_time(lang: Lang, ms: u64, utc_offset_minutes: i16) -> (String, String) {
    let rfc3339 = Timestamp(ms).to_rfc3339();
    let offset =
        time::UtcOffset::from_whole_seconds(i32::from(utc_offset_minutes) * 60).unwrap_or(time::UtcOffset::UTC);
    let shown = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(|t| t.to_offset(offset))
        .map(|t| format!("{}, {:02}:{:02}", long_date(lang, t.date()), t.hour(), t.minute()))
        .unwrap_or_else(|_| rfc3339.clone());
    (shown, rfc3339)
}

/// A date written out the way each language writes it: "7 December 2026", "7 декабря 2026",
/// "2026 жылғы 7 желтоқсан" (without Russian's "г.", which a sentence's full stop would double).
pub(crate) fn long_date(lang: Lang, d: time::Date) -> String {
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    // Russian names the month in the genitive after the day.
    const RU: [&str; 12] = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ];
    const KK: [&str; 12] = [
        "қаңтар",
        "ақпан",
        "наурыз",
        "сәуір",
        "мамыр",
        "маусым",
        "шілде",
        "тамыз",
        "қыркүйек",
        "қазан",
        "қараша",
        "желтоқсан",
    ];
    let month = usize::from(u8::from(d.month())) - 1;
    match lang {
        Lang::En => format!("{} {} {}", d.day(), EN[month], d.year()),
        Lang::Ru => format!("{} {} {}", d.day(), RU[month], d.year()),
        Lang::Kk => format!("{} жылғы {} {}", d.year(), d.day(), KK[month]),
    }
}

/// A number with its thousands grouped the way the page's language writes them.
pub(crate) fn num(lang: Lang, n: u64) -> String {
    let digits = n.to_string();
    let sep = match lang {
        Lang::En => ",",
        Lang::Kk | Lang::Ru => "\u{a0}",
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

/// `UTC+05:00`.
pub(crate) fn utc_offset_label(minutes: i16) -> String {
    let sign = if minutes < 0 { '−' } else { '+' };
    let m = minutes.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

/// A staff member as pages name them: the name and position their role grant gave them in
/// public, then the account the log names; the account alone if no grant named them.
pub(crate) fn staff_el(app: &AppState, account: &dauys_core::AccountId) -> Markup {
    match app.deployment.staff_name(account) {
        Some(name) => html! { span.staff { (name) " " small { "(" code { (account) } ")" } } },
        None => html! { code { (account) } },
    }
}

/// The same as text, for a message a person writes from it.
pub(crate) fn staff_text(app: &AppState, account: &dauys_core::AccountId) -> String {
    match app.deployment.staff_name(account) {
        Some(name) => format!("{name} ({account})"),
        None => account.to_string(),
    }
}

pub(crate) fn time_el(app: &AppState, lang: Lang, ms: u64) -> Markup {
    let offset = app.config.utc_offset_minutes;
    let (shown, machine) = local_time(lang, ms, offset);
    html! { time datetime=(machine) title=(utc_offset_label(offset)) { (shown) } }
}

pub(crate) use crate::i18n::event_label;

/// "Астана қаласы, Есіл ауданы": the region's name and, if the locality has one, its
/// district's (its identifier where the district table has no name for it).
pub(crate) fn locality_label(lang: Lang, locality: &Locality) -> String {
    let region = locality.region.name();
    match &locality.district {
        Some(d) => match district_name(locality.region, d) {
            Some(name) => format!("{}, {}", region.get(lang), name.get(lang)),
            None => format!("{}, {d}", region.get(lang)),
        },
        None => region.get(lang).to_string(),
    }
}

/// The translated name of a role.
pub(crate) fn role_label(lang: Lang, role: Role) -> String {
    t(lang, &format!("role-{}", role.as_str()))
}

/// The first characters of a long identifier, for tables.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localities_are_named_in_the_page_language() {
        let esil: Locality = "astana/esil".parse().unwrap();
        assert_eq!(locality_label(Lang::Kk, &esil), "Астана қаласы, Есіл ауданы");
        assert_eq!(locality_label(Lang::Ru, &esil), "город Астана, район Есиль");
        assert_eq!(locality_label(Lang::En, &esil), "Astana, Esil district");
        // A district the table does not name keeps its identifier; a region alone is its name.
        assert_eq!(locality_label(Lang::Ru, &"akmola/kokshetau".parse().unwrap()), "Акмолинская область, kokshetau");
        assert_eq!(locality_label(Lang::Kk, &"shymkent".parse().unwrap()), "Шымкент қаласы");
    }

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
        assert_eq!(local_time(Lang::En, 0, 300).0, "1 January 1970, 05:00");
    }

    #[test]
    fn dates_are_written_per_language() {
        let d = time::Date::from_calendar_date(2026, time::Month::December, 7).unwrap();
        assert_eq!(long_date(Lang::En, d), "7 December 2026");
        assert_eq!(long_date(Lang::Ru, d), "7 декабря 2026");
        assert_eq!(long_date(Lang::Kk, d), "2026 жылғы 7 желтоқсан");
        let d = time::Date::from_calendar_date(2027, time::Month::January, 31).unwrap();
        assert_eq!(long_date(Lang::Ru, d), "31 января 2027");
    }
}
