//! Sessions and form protection.
//!
//! A session is a random 256-bit token in an HTTP-only, same-site cookie; the database keeps
//! only its SHA-256, so a copied database cannot be used to sign in. Each session has its
//! own CSRF token, which every state-changing form must echo. Forms shown before signing in
//! (sign-up, sign-in) use a double-submit token in a separate, strict cookie.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use dauys_store::people::SessionRow;
use governor::Quota;

use crate::rate::KeyedLimit;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::Duration;

use super::{Account, People, PeopleError};
use crate::AppState;

pub const SESSION_COOKIE: &str = "dauys_session";
pub const FORM_COOKIE: &str = "dauys_form";

/// A signed-in request.
#[derive(Clone, Debug)]
pub struct Session {
    pub account: Account,
    pub csrf: String,
    pub token_hash: Vec<u8>,
}

impl Session {
    /// Does the submitted form token match this session's?
    pub fn form_is_genuine(&self, submitted: &str) -> bool {
        bool::from(self.csrf.as_bytes().ct_eq(submitted.as_bytes()))
    }
}

fn random_token() -> Result<String, PeopleError> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| PeopleError::Internal(e.to_string()))?;
    Ok(hex::encode(bytes))
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A cookie of ours: for the whole site, hidden from scripts, `Secure` when the site is
/// served over HTTPS. A `max_age_secs` of 0 clears it.
pub fn site_cookie(
    name: &'static str,
    value: String,
    max_age_secs: u64,
    secure: bool,
    same_site: SameSite,
) -> Cookie<'static> {
    let max_age = Duration::seconds(i64::try_from(max_age_secs).unwrap_or(i64::MAX));
    Cookie::build((name, value)).path("/").max_age(max_age).http_only(true).same_site(same_site).secure(secure).build()
}

impl People {
    /// Starts a session for `account`; returns the cookie token. Blocking.
    pub fn start_session(&self, account: &Account, ttl_ms: u64) -> Result<String, PeopleError> {
        let token = random_token()?;
        let now = super::now_ms();
        self.store().create_session(&SessionRow {
            token_hash: token_hash(&token),
            account_id: account.row.id.clone(),
            csrf_token: random_token()?,
            created_at_ms: now,
            expires_at_ms: now + ttl_ms,
        })?;
        Ok(token)
    }

    /// The live session for a cookie token, if any. Blocking.
    pub fn session(&self, token: &str) -> Result<Option<Session>, PeopleError> {
        let hash = token_hash(token);
        let Some(row) = self.store().session(&hash)? else { return Ok(None) };
        if row.expires_at_ms <= super::now_ms() {
            self.store().delete_session(&hash)?;
            return Ok(None);
        }
        match self.account(&row.account_id) {
            Ok(account) if account.row.wrapped_key.is_some() => {
                Ok(Some(Session { account, csrf: row.csrf_token, token_hash: hash }))
            }
            Ok(_) | Err(PeopleError::NoSuchAccount) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The request's session, if it has a valid one.
pub struct MaybeSession(pub Option<Session>);

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = crate::problem::Problem;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = CookieJar::from_headers(&parts.headers).get(SESSION_COOKIE).map(|c| c.value().to_string())
        else {
            return Ok(MaybeSession(None));
        };
        if token.len() != 64 {
            return Ok(MaybeSession(None));
        }
        let people = app.people.clone();
        let session =
            crate::api::blocking(move || people.session(&token).map_err(crate::problem::Problem::internal)).await?;
        Ok(MaybeSession(session))
    }
}

/// The client's address, for per-address limits: the socket's peer, or — when the peer is
/// one of the configured `trusted_proxies` — the nearest address in `X-Forwarded-For` that
/// is not a trusted proxy itself. Addresses further left were written by the client and
/// prove nothing.
pub fn client_ip(app: &AppState, parts: &Parts) -> IpAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |ConnectInfo(addr)| addr.ip());
    forwarded_client(peer, &app.config.trusted_proxies, parts.headers.get_all("x-forwarded-for"))
}

fn forwarded_client<'a>(
    peer: IpAddr,
    trusted: &[IpAddr],
    forwarded_for: impl IntoIterator<Item = &'a axum::http::HeaderValue>,
) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<&str> =
        forwarded_for.into_iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).map(str::trim).collect();
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip,
            // A hop we cannot read: we cannot tell who is behind it, so it is the client.
            Err(_) => return peer,
        }
    }
    peer
}

/// Per-address limits on sign-in, sign-up and verification attempts: bursts are allowed,
/// floods wait.
pub struct Limits {
    pub sign_in: KeyedLimit<IpAddr>,
    pub sign_up: KeyedLimit<IpAddr>,
}

impl Limits {
    /// One attempt against a per-address limit; refused with the time until the next one.
    pub fn check(limiter: &KeyedLimit<IpAddr>, address: IpAddr) -> Result<(), PeopleError> {
        limiter.check(&address).map_err(|wait| PeopleError::TooManyAttempts { retry_after_secs: wait.as_secs().max(1) })
    }

    pub fn new(sign_in_per_minute: u32, sign_up_per_hour: u32) -> Arc<Limits> {
        let per_minute = NonZeroU32::new(sign_in_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let per_hour = NonZeroU32::new(sign_up_per_hour.max(1)).unwrap_or(NonZeroU32::MIN);
        Arc::new(Limits {
            sign_in: KeyedLimit::new(Quota::per_minute(per_minute)),
            sign_up: KeyedLimit::new(Quota::per_hour(per_hour)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn client(peer: &str, trusted: &[&str], header: &[&str]) -> String {
        let trusted: Vec<IpAddr> = trusted.iter().map(|t| t.parse().unwrap()).collect();
        let values: Vec<HeaderValue> = header.iter().map(|h| HeaderValue::from_str(h).unwrap()).collect();
        forwarded_client(peer.parse().unwrap(), &trusted, &values).to_string()
    }

    #[test]
    fn site_cookies_are_http_only_for_the_whole_site_and_secure_over_https() {
        let attributes = |c: Cookie| {
            let mut a: Vec<String> = c.to_string().split("; ").map(str::to_string).collect();
            a.sort();
            a.join("; ")
        };
        assert_eq!(
            attributes(site_cookie(SESSION_COOKIE, "ab".into(), 3600, true, SameSite::Lax)),
            "HttpOnly; Max-Age=3600; Path=/; SameSite=Lax; Secure; dauys_session=ab"
        );
        assert_eq!(
            attributes(site_cookie(FORM_COOKIE, String::new(), 0, false, SameSite::Strict)),
            "HttpOnly; Max-Age=0; Path=/; SameSite=Strict; dauys_form="
        );
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        // No proxy configured: the header is the client's own claim and is ignored.
        assert_eq!(client("203.0.113.9", &[], &["198.51.100.1"]), "203.0.113.9");
        // From an untrusted peer, ignored too.
        assert_eq!(client("203.0.113.9", &["127.0.0.1"], &["198.51.100.1"]), "203.0.113.9");
        // Behind the proxy: the address the proxy appended.
        assert_eq!(client("127.0.0.1", &["127.0.0.1"], &["198.51.100.1"]), "198.51.100.1");
        // A client that forges a leftmost address gets its real one, appended by the proxy.
        assert_eq!(client("127.0.0.1", &["127.0.0.1"], &["10.0.0.1, 198.51.100.1"]), "198.51.100.1");
        // Two proxies in a row, and two header lines.
        assert_eq!(client("127.0.0.1", &["127.0.0.1", "10.1.1.1"], &["198.51.100.7", "10.1.1.1"]), "198.51.100.7");
        // Garbage where the proxy's hop should be: the proxy itself, not a forged address.
        assert_eq!(client("127.0.0.1", &["127.0.0.1"], &["198.51.100.1, nonsense"]), "127.0.0.1");
        // No header at all.
        assert_eq!(client("127.0.0.1", &["127.0.0.1"], &[]), "127.0.0.1");
    }
}
