//! The citizens' home page: what a person can do here and what is happening now (each
//! capability's part), how it works in three steps, and the trust story in one line with the
//! way to the ledger's own pages. And the pages every public service needs: about, help,
//! privacy, accessibility, contact.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;

use super::cache::shareable;
use super::{Page, Section};
use crate::AppState;

/// GET / — for citizens first.
pub(crate) async fn home(State(app): State<AppState>, p: Page) -> Response {
    let sections = app.capabilities.home(&app, &p);
    let title = p.t("site-title");
    let main = html! {
        div.hero {
            h1 { (p.t("home-title")) }
            p.lead { (p.t("home-lead")) }
            ul.actions #home-actions {
                li { a.button #home-start href="/petitions/new" { (p.t("home-start-petition")) } }
                li { a.button.secondary #home-appeal href="/appeals/new" { (p.t("home-write-appeal")) } }
            }
            form.search #home-search method="get" action="/petitions" role="search" aria-label=(p.t("pp-search-label")) {
                label for="home-q" { (p.t("home-search-label")) }
                div.inline {
                    input #home-q type="search" name="q" maxlength="200";
                    button type="submit" { (p.t("pp-search")) }
                }
            }
        }
        @for section in sections { (section) }
        section #how aria-labelledby="how-heading" {
            h2 #how-heading { (p.t("home-how-heading")) }
            ol.steps {
                li { strong { (p.t("home-how-1-title")) } " " (p.t("home-how-1")) }
                li { strong { (p.t("home-how-2-title")) } " " (p.t("home-how-2")) }
                li { strong { (p.t("home-how-3-title")) } " " (p.t("home-how-3")) }
            }
            p { a href="/help" { (p.t("home-how-more")) } }
        }
        section #trust aria-labelledby="trust-heading" {
            h2 #trust-heading { (p.t("home-trust-heading")) }
            p { (p.t("home-trust")) " " a #ledger-link href="/ledger" { (p.t("home-trust-link")) } }
        }
    };
    shareable(p.render(StatusCode::OK, &title, Section::Home, main))
}

/// The pages of the footer, each a few headed paragraphs from `locales/*/info.ftl`.
#[derive(Clone, Copy)]
pub(crate) enum InfoPage {
    About,
    Help,
    Privacy,
    Accessibility,
    Contact,
}

impl InfoPage {
    pub(crate) const ALL: [InfoPage; 5] =
        [InfoPage::About, InfoPage::Help, InfoPage::Privacy, InfoPage::Accessibility, InfoPage::Contact];

    pub(crate) fn slug(self) -> &'static str {
        match self {
            InfoPage::About => "about",
            InfoPage::Help => "help",
            InfoPage::Privacy => "privacy",
            InfoPage::Accessibility => "accessibility",
            InfoPage::Contact => "contact",
        }
    }

    /// How many headed parts the page has (`info-<slug>-<n>-heading` and `-text`).
    fn parts(self) -> usize {
        match self {
            InfoPage::About => 4,
            InfoPage::Help => 6,
            InfoPage::Privacy => 6,
            InfoPage::Accessibility => 4,
            InfoPage::Contact => 3,
        }
    }
}

/// GET /about, /help, /privacy, /accessibility, /contact.
pub(crate) async fn info(app: AppState, p: Page, page: InfoPage) -> Response {
    let slug = page.slug();
    let title = p.t(&format!("info-{slug}-title"));
    let contact = &app.config.contact_email;
    let main = html! {
        h1 { (title) }
        p.lead { (p.t(&format!("info-{slug}-lead"))) }
        @for n in 1..=page.parts() {
            section aria-labelledby=(format!("part-{n}")) {
                h2 id=(format!("part-{n}")) { (p.t(&format!("info-{slug}-{n}-heading"))) }
                @for para in p.t(&format!("info-{slug}-{n}-text")).split("\n\n") { p { (para) } }
            }
        }
        @if matches!(page, InfoPage::Contact | InfoPage::Accessibility | InfoPage::Privacy) {
            @if contact.is_empty() {
                p.note #contact-missing { (p.t("info-contact-unset")) }
            } @else {
                p #contact { (p.t("info-contact-write")) " " a href={ "mailto:" (contact) } { (contact) } }
            }
        }
    };
    shareable(p.render(StatusCode::OK, &title, Section::None, main))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dauys_core::Lang;

    /// Every headed part each page says it has is written in Kazakh, Russian and English, and
    /// no page has a part it does not count.
    #[test]
    fn every_info_page_is_written_in_three_languages() {
        for lang in Lang::ALL {
            for page in InfoPage::ALL {
                let slug = page.slug();
                let mut ids = vec![format!("info-{slug}-title"), format!("info-{slug}-lead")];
                for n in 1..=page.parts() {
                    ids.push(format!("info-{slug}-{n}-heading"));
                    ids.push(format!("info-{slug}-{n}-text"));
                }
                for id in ids {
                    assert_ne!(crate::i18n::t(lang, &id), id, "{id} missing in {}", lang.as_str());
                }
                let beyond = format!("info-{slug}-{}-heading", page.parts() + 1);
                assert_eq!(crate::i18n::t(lang, &beyond), beyond, "{slug} has more parts than it shows");
            }
        }
    }
}
