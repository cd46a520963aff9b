//! The embeddable counter: a small SVG image of a petition's title, count and progress that a
//! news site or a blog shows with an `<img>` inside a link to the petition. An image needs
//! no script and no framing (every page of ours refuses to be framed), so it works anywhere.

use super::*;

/// Title characters the badge shows before an ellipsis.
const BADGE_TITLE_CHARS: usize = 44;
const BADGE_WIDTH: u32 = 360;
const BADGE_HEIGHT: u32 = 96;

/// GET /petitions/{id}/badge.svg
pub(crate) async fn badge(p: Page, Known(pet): Known<Petition>) -> Response {
    let (title_lang, title) = pet.title.best(p.lang);
    let shown = ellipsized(title, BADGE_TITLE_CHARS);
    let (target, _) = target(&pet);
    let bar = (u64::from(BADGE_WIDTH - 24) * pet.signatures.min(target) / target.max(1)) as u32;
    let progress = progress_text(&p, &pet);
    let svg = html! {
        svg xmlns="http://www.w3.org/2000/svg" width=(BADGE_WIDTH) height=(BADGE_HEIGHT)
            viewBox={ "0 0 " (BADGE_WIDTH) " " (BADGE_HEIGHT) } role="img" aria-label={ (title) ": " (progress) } {
            title { (title) ": " (progress) }
            rect width=(BADGE_WIDTH) height=(BADGE_HEIGHT) rx="6" fill="#ffffff" stroke="#00557f" stroke-width="2" {}
            text x="12" y="26" font-family="sans-serif" font-size="15" font-weight="700" fill="#1a1a1a" lang=(title_lang.as_str()) { (shown) }
            text x="12" y="50" font-family="sans-serif" font-size="14" fill="#1a1a1a" { (progress) }
            rect x="12" y="60" width=(BADGE_WIDTH - 24) height="10" rx="3" fill="#e3f0f7" {}
            rect x="12" y="60" width=(bar) height="10" rx="3" fill="#00557f" {}
            text x="12" y="88" font-family="sans-serif" font-size="12" fill="#00557f" { (p.t("pp-badge-sign")) " — " (p.t("site-title")) }
        }
    };
    let mut response = (
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"), (header::VARY, "Accept-Language")],
        svg.into_string(),
    )
        .into_response();
    // Other sites show it: no framing is involved, and an image runs nothing.
    response.headers_mut().insert(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("cross-origin"),
    );
    crate::web::cache::shareable(response)
}

/// What a site owner pastes to show the counter: the image inside a link to the petition,
/// as HTML (escaped by maud like every page of ours).
pub(super) fn embed_snippet(app: &AppState, p: &Page, pet: &Petition) -> String {
    let link = format!("{}{}", app.config.public_url(), petition_href(&pet.id));
    let (_, title) = pet.title.best(p.lang);
    html! {
        a href=(link) {
            img src={ (link) "/badge.svg?lang=" (p.lang.as_str()) } width=(BADGE_WIDTH) height=(BADGE_HEIGHT) alt=(title);
        }
    }
    .into_string()
}
