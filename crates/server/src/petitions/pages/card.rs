//! The link-preview card: a 1200×630 PNG of a petition's title, addressee, count and
//! standing, which WhatsApp, Telegram and Facebook show under a shared link (`og:image`; they
//! take no SVG). We write the card as SVG and resvg draws it with DejaVu Sans embedded, so
//! every server draws the same card, Kazakh letters included.
//!
//! A render costs tens of milliseconds, and anyone may ask for any card, so its cost is
//! bounded twice: a card is drawn once for what it shows (kept by the digest of its SVG; a
//! new count draws a new one) and one render runs at a time.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use resvg::{tiny_skia, usvg};
use sha2::{Digest, Sha256};

use super::*;

pub(super) const CARD_WIDTH: u32 = 1200;
pub(super) const CARD_HEIGHT: u32 = 630;
/// Characters of the title per line, and lines at most, at the title's size.
const TITLE_LINE_CHARS: usize = 30;
const TITLE_LINES: usize = 3;
/// Characters of the addressee's line (bodies have long names).
const ADDRESSED_CHARS: usize = 60;
/// Drawn cards kept; beyond, the store starts afresh (one card is ~30 KB).
const KEPT_CARDS: usize = 512;
/// How long a request waits for the one render slot before it is told to come back.
const RENDER_WAIT: Duration = Duration::from_secs(5);

type Drawn = Arc<Vec<u8>>;

fn kept() -> &'static Mutex<HashMap<[u8; 32], Drawn>> {
    static KEPT: OnceLock<Mutex<HashMap<[u8; 32], Drawn>>> = OnceLock::new();
    KEPT.get_or_init(Mutex::default)
}

fn render_slot() -> &'static tokio::sync::Semaphore {
    static SLOT: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);
    &SLOT
}

/// The embedded faces, parsed once.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_font_data(dejavu::sans::regular().to_vec());
            db.load_font_data(dejavu::sans::bold().to_vec());
            db.set_sans_serif_family("DejaVu Sans");
            Arc::new(db)
        })
        .clone()
}

/// The title in at most [`TITLE_LINES`] lines, broken between words (inside a word only if
/// it is longer than a line), the last one ending in "…" if the title goes on.
fn title_lines(title: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in title.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let used = line.chars().count();
            let room = if used == 0 { TITLE_LINE_CHARS } else { TITLE_LINE_CHARS.saturating_sub(used + 1) };
            if word.len() <= room {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.extend(&word);
                break;
            }
            if line.is_empty() {
                line.extend(&word[..TITLE_LINE_CHARS]);
                word.drain(..TITLE_LINE_CHARS);
            }
            lines.push(std::mem::take(&mut line));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > TITLE_LINES {
        lines.truncate(TITLE_LINES);
        let last = &mut lines[TITLE_LINES - 1];
        let kept: String = last.chars().take(TITLE_LINE_CHARS - 1).collect();
        *last = format!("{}…", kept.trim_end());
    }
    lines
}

/// The card as SVG: what it shows, in the page's language.
fn card_svg(app: &AppState, p: &Page, pet: &Petition) -> String {
    let (title_lang, title) = pet.title.best(p.lang);
    let (target, _) = target(pet);
    let width = CARD_WIDTH - 120;
    let bar = (u64::from(width) * pet.signatures.min(target) / target) as u32;
    let (standing, standing_line) = standing_text(p, app, pet, now_ms());
    let colour = match standing {
        "answered" => "#1d6b34",
        "overdue" => "#a3140c",
        _ => "#00557f",
    };
    let addressed = p.t_args("pp-addressed-to", &[("body", FluentValue::from(body_label(app, p.lang, &pet.body)))]);
    let addressed = ellipsized(&addressed, ADDRESSED_CHARS);
    let host = app.config.public_url();
    let host = host.split_once("://").map_or(host.as_str(), |(_, rest)| rest);
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width=(CARD_WIDTH) height=(CARD_HEIGHT) viewBox={ "0 0 " (CARD_WIDTH) " " (CARD_HEIGHT) } {
            rect width=(CARD_WIDTH) height=(CARD_HEIGHT) fill="#ffffff" {}
            rect width=(CARD_WIDTH) height="84" fill="#00557f" {}
            text x="60" y="56" font-family="sans-serif" font-size="34" font-weight="700" fill="#ffffff" { (p.t("site-title")) }
            text x=(CARD_WIDTH - 60) y="56" font-family="sans-serif" font-size="26" fill="#ffffff" text-anchor="end" { (host) }
            @for (n, line) in title_lines(title).iter().enumerate() {
                text x="60" y=(164 + 58 * n) font-family="sans-serif" font-size="48" font-weight="700" fill="#1a1a1a" lang=(title_lang.as_str()) { (line) }
            }
            text x="60" y="388" font-family="sans-serif" font-size="28" fill="#4d4d4d" { (addressed) }
            text x="60" y="458" font-family="sans-serif" font-size="34" fill="#1a1a1a" { (progress_text(p, pet)) }
            rect x="60" y="480" width=(width) height="24" rx="6" fill="#e3f0f7" {}
            rect x="60" y="480" width=(bar) height="24" rx="6" fill="#00557f" {}
            text x="60" y="572" font-family="sans-serif" font-size="32" font-weight="700" fill=(colour) { (standing_line) }
        }
    }
    .into_string()
}

fn draw(svg: &str) -> Result<Vec<u8>, String> {
    let options = usvg::Options { fontdb: fonts(), ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| format!("card SVG: {e}"))?;
    let mut pixmap = tiny_skia::Pixmap::new(CARD_WIDTH, CARD_HEIGHT).ok_or("card size")?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| format!("card PNG: {e}"))
}

/// The card drawn for `svg`: the one kept, or drawn now in the one render slot.
async fn drawn(svg: String) -> Result<Drawn, StatusCode> {
    let digest: [u8; 32] = Sha256::digest(svg.as_bytes()).into();
    let lookup = || kept().lock().unwrap_or_else(PoisonError::into_inner).get(&digest).cloned();
    if let Some(png) = lookup() {
        return Ok(png);
    }
    let _slot = tokio::time::timeout(RENDER_WAIT, render_slot().acquire())
        .await
        .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?
        .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
    // Another request may have drawn it while this one waited.
    if let Some(png) = lookup() {
        return Ok(png);
    }
    let png = tokio::task::spawn_blocking(move || draw(&svg)).await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let png = Arc::new(png.map_err(|e| {
        tracing::error!(error = %e, "could not draw a petition card");
        StatusCode::INTERNAL_SERVER_ERROR
    })?);
    let mut kept = kept().lock().unwrap_or_else(PoisonError::into_inner);
    if kept.len() >= KEPT_CARDS {
        kept.clear();
    }
    kept.insert(digest, png.clone());
    Ok(png)
}

/// GET /petitions/{id}/card.png
pub(crate) async fn card(State(app): State<AppState>, p: Page, Known(pet): Known<Petition>) -> Response {
    match drawn(card_svg(&app, &p, &pet)).await {
        Ok(png) => {
            let headers = [(header::CONTENT_TYPE, "image/png"), (header::VARY, "Accept-Language")];
            let mut response = (headers, png.as_ref().clone()).into_response();
            response.headers_mut().insert(
                header::HeaderName::from_static("cross-origin-resource-policy"),
                HeaderValue::from_static("cross-origin"),
            );
            crate::web::cache::shareable(response)
        }
        Err(status) => {
            let mut response = p.error(status, &p.t("pp-err-title"), &p.t("pp-err-card"));
            if status == StatusCode::SERVICE_UNAVAILABLE {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_breaks_between_words_and_ends_in_an_ellipsis_when_too_long() {
        assert_eq!(title_lines("Жолдарды жөндеу"), ["Жолдарды жөндеу"]);
        let long = "Астана қаласындағы барлық мектептердің ауласында балалар алаңдары мен спорт алаңдарын салу және жөндеу туралы";
        let lines = title_lines(long);
        assert_eq!(lines.len(), TITLE_LINES);
        assert!(lines.iter().all(|l| l.chars().count() <= TITLE_LINE_CHARS), "{lines:?}");
        assert!(lines[TITLE_LINES - 1].ends_with('…'), "{lines:?}");
        assert!(long.starts_with(&lines[0]) && !lines[0].ends_with(' '));
        // A line filled to the last character, then more.
        let full = format!("{} {}", "а".repeat(TITLE_LINE_CHARS), "бб");
        assert_eq!(title_lines(&full), ["а".repeat(TITLE_LINE_CHARS), "бб".to_string()]);
        let full = format!("{} {} бб", "а".repeat(10), "в".repeat(TITLE_LINE_CHARS - 11));
        assert_eq!(title_lines(&full).len(), 2);
        // A word longer than a line is cut, not lost.
        let word = "ө".repeat(TITLE_LINE_CHARS + 5);
        assert_eq!(title_lines(&word).concat(), word);
    }

    proptest::proptest! {
        /// Any title, however its words and spaces fall, fits the card's lines.
        #[test]
        fn any_title_fits_its_lines(title in "[а-я әө ]{0,200}|\\PC{0,200}") {
            let lines = title_lines(&title);
            proptest::prop_assert!(lines.len() <= TITLE_LINES);
            proptest::prop_assert!(lines.iter().all(|l| l.chars().count() <= TITLE_LINE_CHARS), "{:?}", lines);
        }
    }

    /// The card is a real PNG of the promised size, and its Kazakh text is drawn with the
    /// embedded font (no system font): a title of Kazakh letters colours many pixels dark.
    #[test]
    fn the_card_is_drawn_with_the_embedded_font() {
        let svg = |title: &str| {
            format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{CARD_WIDTH}\" height=\"{CARD_HEIGHT}\">\
                 <rect width=\"{CARD_WIDTH}\" height=\"{CARD_HEIGHT}\" fill=\"#ffffff\"/>\
                 <text x=\"60\" y=\"164\" font-family=\"sans-serif\" font-size=\"52\" font-weight=\"700\">{title}</text></svg>"
            )
        };
        let blank = draw(&svg("")).unwrap();
        let drawn = draw(&svg("Әңгүқөһі Ғылым")).unwrap();
        assert_eq!(&drawn[..8], b"\x89PNG\r\n\x1a\n");
        let decode = |png: &[u8]| {
            let pixmap = tiny_skia::Pixmap::decode_png(png).unwrap();
            assert_eq!((pixmap.width(), pixmap.height()), (CARD_WIDTH, CARD_HEIGHT));
            pixmap.pixels().iter().filter(|p| p.red() < 128).count()
        };
        assert_eq!(decode(&blank), 0);
        assert!(decode(&drawn) > 2_000, "the text left {} dark pixels", decode(&drawn));
    }
}
