//! Public pages under a crowd: a page every anonymous visitor sees alike is rendered at most
//! about once a second (`public_page_cache_ms`) per (address, language) and then served from memory, compressed once,
//! with an `ETag` for `304 Not Modified` and a `Cache-Control` that lets a reverse proxy or a
//! CDN hold it for a second too.
//!
//! The UK petitions site fell over under its readers, not its signers: one popular link, a
//! hundred thousand people refreshing it. Here a hit costs a map lookup and a copy of a
//! reference-counted buffer, whatever the page renders (its chart, its map, its history).
//!
//! Only responses a handler marked [`Shareable`] are kept, and only for requests that carry
//! no session and no form cookie, so nothing personal is ever cached. A stale entry is served
//! while one request renders its successor (never more than [`STALE_AT_MOST`] old), so the
//! moment a page expires does not send every waiting reader into the renderer at once. The
//! number of entries is bounded: a flood of distinct query strings only turns itself into
//! misses, it cannot grow the memory.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use dauys_core::Lang;
use sha2::{Digest, Sha256};

use crate::i18n::{UiLang, LANG_COOKIE};
use crate::people::session::{FORM_COOKIE, SESSION_COOKIE};

/// The oldest a page may be served while its successor is being rendered.
pub const STALE_AT_MOST: Duration = Duration::from_secs(10);
/// The most pages kept. A page is 10–60 KB with its compressed copy, so about 100 MB at most.
pub const MAX_ENTRIES: usize = 2_048;
/// Addresses longer than this are never cached (a list's filters fit easily).
const MAX_KEY_BYTES: usize = 512;
/// What a shared cache may do with a cached page: keep it for a second.
const PUBLIC_CACHE: &str = "public, max-age=1";

/// A marker a handler puts on a response that is the same for every anonymous visitor in a
/// language (no session, no personal data, no one-time action): [`serve`] may cache it.
#[derive(Clone, Copy)]
pub struct Shareable;

/// Marks a response as shareable (see [`Shareable`]).
pub fn shareable(mut response: Response) -> Response {
    response.extensions_mut().insert(Shareable);
    response
}

struct Cached {
    status: StatusCode,
    headers: HeaderMap,
    plain: Bytes,
    gzip: Bytes,
    etag: HeaderValue,
    born: Instant,
    /// Set by the one request that renders the successor of a stale entry.
    refreshing: AtomicBool,
}

/// The rendered public pages, by language and address.
pub struct PageCache {
    entries: RwLock<HashMap<(Lang, String), Arc<Cached>>>,
    /// How long a rendered page is served as it is (`public_page_cache_ms`); zero turns the
    /// cache off.
    fresh_for: Duration,
}

/// What a lookup found.
enum Found {
    /// Serve this.
    Hit(Arc<Cached>),
    /// Render, and keep the result; `stale` when an expired entry waits for it.
    Miss { stale: bool },
}

impl PageCache {
    pub fn new(fresh_for: Duration) -> PageCache {
        PageCache { entries: RwLock::default(), fresh_for: fresh_for.min(STALE_AT_MOST) }
    }

    fn lookup(&self, key: &(Lang, String), now: Instant) -> Found {
        let entry = self.entries.read().unwrap_or_else(|e| e.into_inner()).get(key).cloned();
        let Some(entry) = entry else { return Found::Miss { stale: false } };
        let age = now.saturating_duration_since(entry.born);
        if age < self.fresh_for {
            return Found::Hit(entry);
        }
        // Stale: the first request renders anew, the others keep the stale copy meanwhile.
        if age < STALE_AT_MOST && entry.refreshing.swap(true, Ordering::AcqRel) {
            return Found::Hit(entry);
        }
        Found::Miss { stale: true }
    }

    fn store(&self, key: (Lang, String), entry: Cached) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            let now = Instant::now();
            entries.retain(|_, e| now.saturating_duration_since(e.born) < STALE_AT_MOST);
            // Still full (a flood of distinct addresses): the oldest goes. Popular pages are
            // rendered anew every second, so they are never the oldest for long.
            if entries.len() >= MAX_ENTRIES {
                let oldest = entries.iter().min_by_key(|(_, e)| e.born).map(|(k, _)| k.clone());
                if let Some(oldest) = oldest {
                    entries.remove(&oldest);
                }
            }
        }
        entries.insert(key, Arc::new(entry));
    }

    fn forget(&self, key: &(Lang, String)) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        entries.remove(key);
    }

    /// How many pages are held (for tests and metrics).
    pub fn len(&self) -> usize {
        self.entries.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Middleware: answers anonymous `GET`s of shareable pages from the cache, and keeps what
/// the handlers mark [`Shareable`].
pub async fn serve(State(cache): State<Arc<PageCache>>, request: Request, next: Next) -> Response {
    if cache.fresh_for.is_zero()
        || request.method() != Method::GET
        || machine_path(request.uri().path())
        || carries_a_session(request.headers())
    {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let Ok(ui) = UiLang::from_request_parts(&mut parts, &()).await else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let Some(address) = address_without_lang(&parts.uri) else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let key = (ui.lang, address);
    let gzip = accepts_gzip(&parts.headers);
    let if_none_match = parts.headers.get(header::IF_NONE_MATCH).cloned();
    let stale = match cache.lookup(&key, Instant::now()) {
        Found::Hit(entry) => return answer(&entry, gzip, if_none_match.as_ref(), ui),
        Found::Miss { stale } => stale,
    };
    let response = next.run(Request::from_parts(parts, body)).await;
    let keep = response.extensions().get::<Shareable>().is_some()
        && response.status() == StatusCode::OK
        && response.headers().get_all(header::SET_COOKIE).iter().all(|c| is_lang_cookie(c, ui.chosen));
    if !keep {
        // A page that stopped being shareable (gone, failed) is not served stale meanwhile.
        if stale {
            cache.forget(&key);
        }
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(plain) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let entry = cached(parts.status, parts.headers, plain);
    let response = answer(&entry, gzip, if_none_match.as_ref(), ui);
    cache.store(key, entry);
    response
}

/// The machine interface (API, tiles, feeds, the stylesheet) has its own validators and
/// caching headers, and no pages.
fn machine_path(path: &str) -> bool {
    ["/api/", "/tile/", "/static/", "/feeds/", "/checkpoint"].iter().any(|prefix| path.starts_with(prefix))
}

/// A request from someone signed in (or in the middle of a form) gets their own page.
fn carries_a_session(headers: &HeaderMap) -> bool {
    let jar = CookieJar::from_headers(headers);
    jar.get(SESSION_COOKIE).is_some() || jar.get(FORM_COOKIE).is_some()
}

/// The request's path and query without its `lang=` parameters (the language is the key's
/// other half), or `None` for an address too long to be worth keeping.
fn address_without_lang(uri: &axum::http::Uri) -> Option<String> {
    let mut address = String::with_capacity(uri.path().len() + uri.query().map_or(0, str::len) + 1);
    address.push_str(uri.path());
    let mut first = true;
    for kv in crate::i18n::query_without_lang(uri.query().unwrap_or("")) {
        address.push(if first { '?' } else { '&' });
        address.push_str(kv);
        first = false;
    }
    (address.len() <= MAX_KEY_BYTES).then_some(address)
}

/// The only cookie a shareable page may set: the language the visitor chose with `?lang=`.
fn is_lang_cookie(value: &HeaderValue, chosen: bool) -> bool {
    chosen && value.to_str().is_ok_and(|v| v.starts_with(&format!("{LANG_COOKIE}=")))
}

/// Whether the client takes gzip (`Accept-Encoding`, with a quality above zero).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |coding| {
            let mut params = coding.split(';').map(str::trim);
            let name = params.next().unwrap_or("");
            let q = params.find_map(|p| p.strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
            (name.eq_ignore_ascii_case("gzip") || name == "*") && q > 0.0
        },
    )
}

fn cached(status: StatusCode, mut headers: HeaderMap, plain: Bytes) -> Cached {
    // The language cookie belongs to one visitor's choice; `answer` sets it per request.
    headers.remove(header::SET_COOKIE);
    headers.remove(header::CONTENT_LENGTH);
    let digest = Sha256::digest(&plain);
    // Weak: the compressed and the plain bytes are the same page, not the same bytes.
    let etag = HeaderValue::from_str(&format!("W/\"{}\"", hex::encode(&digest[..12])))
        .unwrap_or_else(|_| HeaderValue::from_static("W/\"\""));
    // Images other than SVG are compressed already (the rule the response compression
    // layer follows too): gzip would only cost time on every refresh.
    let compressed = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"image/") && !t.as_bytes().starts_with(b"image/svg+xml"));
    let gzip = if compressed {
        Bytes::new()
    } else {
        let mut encoder =
            flate2::write::GzEncoder::new(Vec::with_capacity(plain.len() / 4), flate2::Compression::new(6));
        encoder.write_all(&plain).and_then(|()| encoder.finish()).map(Bytes::from).unwrap_or_default()
    };
    Cached { status, headers, plain, gzip, etag, born: Instant::now(), refreshing: AtomicBool::new(false) }
}

fn answer(entry: &Cached, gzip: bool, if_none_match: Option<&HeaderValue>, ui: UiLang) -> Response {
    let matches = if_none_match.and_then(|v| v.to_str().ok()).is_some_and(|v| {
        let ours = entry.etag.to_str().unwrap_or("");
        let strip = |t: &str| t.trim().trim_start_matches("W/").to_string();
        v.split(',').any(|t| t.trim() == "*" || strip(t) == strip(ours))
    });
    let mut response = if matches {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        for name in [header::CONTENT_LANGUAGE, header::VARY] {
            if let Some(v) = entry.headers.get(&name) {
                r.headers_mut().insert(name, v.clone());
            }
        }
        r
    } else {
        let use_gzip = gzip && !entry.gzip.is_empty() && entry.gzip.len() < entry.plain.len();
        let bytes = if use_gzip { entry.gzip.clone() } else { entry.plain.clone() };
        let mut r = Response::new(Body::from(bytes));
        *r.status_mut() = entry.status;
        *r.headers_mut() = entry.headers.clone();
        if use_gzip {
            r.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        r
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, entry.etag.clone());
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(PUBLIC_CACHE));
    headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if ui.chosen {
        if let Ok(cookie) = HeaderValue::from_str(&crate::web::lang_cookie(ui.lang).to_string()) {
            headers.append(header::SET_COOKIE, cookie);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRESH_FOR: Duration = Duration::from_secs(1);

    #[test]
    fn the_language_is_not_part_of_the_address() {
        let uri = |s: &str| s.parse::<axum::http::Uri>().unwrap();
        assert_eq!(address_without_lang(&uri("/petitions?lang=ru&q=su")).as_deref(), Some("/petitions?q=su"));
        assert_eq!(address_without_lang(&uri("/petitions?q=su&lang")).as_deref(), Some("/petitions?q=su"));
        assert_eq!(address_without_lang(&uri("/?lang=kk")).as_deref(), Some("/"));
        // `language=` is not `lang=`.
        assert_eq!(address_without_lang(&uri("/x?language=kk")).as_deref(), Some("/x?language=kk"));
        assert_eq!(address_without_lang(&uri(&format!("/petitions?q={}", "a".repeat(600)))), None);
    }

    #[test]
    fn gzip_is_taken_only_when_offered() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
            accepts_gzip(&h)
        };
        assert!(with("gzip, deflate, br"));
        assert!(with("br;q=1.0, GZIP;q=0.5"));
        assert!(with("*"));
        assert!(!with("gzip;q=0"));
        assert!(!with("br, identity"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn a_stale_page_is_rendered_by_one_request_while_the_others_keep_it() {
        let cache = PageCache::new(FRESH_FOR);
        let key = (Lang::Kk, "/petitions".to_string());
        assert!(matches!(cache.lookup(&key, Instant::now()), Found::Miss { .. }));
        cache.store(key.clone(), cached(StatusCode::OK, HeaderMap::new(), Bytes::from_static(b"<p>x</p>")));
        let born = Instant::now();
        assert!(matches!(cache.lookup(&key, born), Found::Hit(_)));
        let stale = born + FRESH_FOR + Duration::from_millis(1);
        assert!(
            matches!(cache.lookup(&key, stale), Found::Miss { stale: true }),
            "the first reader after expiry renders"
        );
        assert!(matches!(cache.lookup(&key, stale), Found::Hit(_)), "the others get the stale page meanwhile");
        let too_old = born + STALE_AT_MOST;
        assert!(matches!(cache.lookup(&key, too_old), Found::Miss { .. }), "never staler than STALE_AT_MOST");
    }

    #[test]
    fn the_cache_never_holds_more_than_its_bound() {
        let cache = PageCache::new(FRESH_FOR);
        for i in 0..MAX_ENTRIES + 10 {
            cache
                .store((Lang::En, format!("/petitions?q={i}")), cached(StatusCode::OK, HeaderMap::new(), Bytes::new()));
        }
        assert_eq!(cache.len(), MAX_ENTRIES);
        // The newest address is kept; the oldest made room for it.
        assert!(matches!(
            cache.lookup(&(Lang::En, format!("/petitions?q={}", MAX_ENTRIES + 9)), Instant::now()),
            Found::Hit(_)
        ));
        assert!(matches!(cache.lookup(&(Lang::En, "/petitions?q=0".to_string()), Instant::now()), Found::Miss { .. }));
    }
}
