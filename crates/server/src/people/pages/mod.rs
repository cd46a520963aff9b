//! Pages for people, by audience: `account` (a person's own pages), `verify` (verifying one's
//! identity), `office` (officials opening records), `admin` (administrators and auditors).
//! This module holds what they share: failure pages, cookies, and projection lookups; the
//! guards are the extractors of [`crate::web::extract`] (every decision goes to `authorize`).
//! Plain HTML forms, no JavaScript, but for `signing` (keys are made in the browser); every
//! form that changes something carries a CSRF token.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use dauys_core::{AccountId, BasisCode, BodyId, Lang, Locality, Region, Role, RowKey, RowPrefix, VerificationMethod};
use dauys_identity::policy::Action;
use maud::{html, Markup};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::guard::{DEVICE_COOKIE, DEVICE_COOKIE_SECS};
use super::session::{site_cookie, Limits, Session, FORM_COOKIE, SESSION_COOKIE};
use super::{run_blocking, IdentityClaim, PeopleError};
use crate::problem::Problem;
use crate::web::extract::{
    acting_bodies, BodyAct, Citizen, ClientAddr, CsrfForm, Official, Opening, PageQuery, PageResult, SignedOutForm,
};
pub(crate) use crate::web::forms::csrf_field;
use crate::web::forms::{NoFields, PendingFields};
use crate::web::sign::sign_pending_page;
use crate::web::{role_label, time_el, Page, Section};
use crate::AppState;

mod account;
mod admin;
mod office;
mod signing;
mod verify;

pub use account::*;
pub use admin::*;
pub use office::*;
pub use signing::*;
pub use verify::*;

fn now_ms() -> u64 {
    super::now_ms()
}

/// The translated message for a failure, or its English text when there is none.
fn message(p: &Page, e: &PeopleError) -> String {
    let id = format!("err-{}", e.code());
    let text = p.t(&id);
    if text == id {
        e.to_string()
    } else {
        text
    }
}

fn error_box(p: &Page, e: &PeopleError) -> Markup {
    html! { div.error role="alert" id="form-error" { p { (message(p, e)) } } }
}

fn status_of(e: &PeopleError) -> StatusCode {
    match e {
        PeopleError::Denied(_) => StatusCode::FORBIDDEN,
        PeopleError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
        PeopleError::NoSuchAccount => StatusCode::NOT_FOUND,
        e if e.is_client_error() => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// The page for a failed operation: its status, and the translated reason.
pub(crate) fn failure_page(p: &Page, e: &PeopleError) -> Response {
    // Back-pressure (busy hashing slots) is expected under a flood, not a fault.
    if !e.is_client_error() && e.retry_after_secs().is_none() {
        tracing::error!(error = %e, "people operation failed");
    }
    with_retry_after(p.error(status_of(e), &p.t("err-title"), &message(p, e)), e)
}

fn secure(app: &AppState) -> bool {
    app.config.public_url().starts_with("https://")
}

/// Adds `Retry-After` when the failure says when to come back (rate limits, busy hashing).
pub(crate) fn with_retry_after(mut response: Response, e: &PeopleError) -> Response {
    if let Some(secs) = e.retry_after_secs() {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// Where to go after signing in: a path on this site; the person's page when none is given,
/// the home page when the one given is not safe. Browsers drop tabs
/// and line breaks from URLs and read `\` as `/`, so `/\t/evil.example` would become
/// `//evil.example` — another site. Only visible ASCII is allowed, no backslash, and the
/// result must parse as a path with no scheme or host.
fn safe_next(next: Option<&str>) -> String {
    let n = match next {
        None | Some("") => return "/me".to_string(),
        Some(n) => n,
    };
    let visible = n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    let local = n.starts_with('/') && !n.starts_with("//");
    let parses_as_path = n.parse::<Uri>().is_ok_and(|u| u.scheme().is_none() && u.authority().is_none());
    if visible && local && parses_as_path {
        n.to_string()
    } else {
        "/".to_string()
    }
}

/// A fresh double-submit token for a signed-out form, and the cookies that set it.
pub(crate) fn form_token(app: &AppState) -> (String, CookieJar) {
    let mut bytes = [0u8; 16];
    let _ = getrandom::getrandom(&mut bytes);
    let token = hex::encode(bytes);
    let cookie = site_cookie(FORM_COOKIE, token.clone(), 3600, secure(app), SameSite::Strict);
    (token, CookieJar::new().add(cookie))
}

/// The cookie that ends this browser's session.
fn session_cleared(app: &AppState) -> Cookie<'static> {
    site_cookie(SESSION_COOKIE, String::new(), 0, secure(app), SameSite::Lax)
}

fn method_label(p: &Page, method: VerificationMethod) -> String {
    p.t(match method {
        VerificationMethod::Oidc => "method-oidc",
        VerificationMethod::Registry => "method-registry",
        VerificationMethod::Manual => "method-manual",
    })
}

/// One projection row, parsed. A storage or parse failure is logged and reads as absent, so a
/// page still renders (with identifiers in place of names) rather than failing whole.
async fn projection_row<T: serde::de::DeserializeOwned + Send + 'static>(app: &AppState, key: RowKey) -> Option<T> {
    let reader = app.reader.clone();
    let key = key.into_string();
    let read = run_blocking(move || Ok(reader.projection_row(&key)?.map(|json| (key, json)))).await;
    match read {
        Ok(Some((key, json))) => {
            serde_json::from_str(&json).map_err(|e| tracing::warn!(key, error = %e, "unreadable projection row")).ok()
        }
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(error = %e, "projection row not read");
            None
        }
    }
}

async fn access_bases(app: &AppState) -> Vec<dauys_core::AccessBasis> {
    projection_row::<dauys_core::AccessBases>(app, RowKey::access_bases()).await.map(|b| b.bases).unwrap_or_default()
}

fn basis_name(bases: &[dauys_core::AccessBasis], lang: Lang, code: &BasisCode) -> String {
    bases.iter().find(|b| &b.code == code).map_or_else(|| code.to_string(), |b| b.name.get(lang).to_string())
}

async fn all_staff(app: &AppState) -> Vec<dauys_core::Staff> {
    projection_rows_with_prefix(app, RowPrefix::STAFF).await
}

/// Every projection row under `prefix`, parsed; rows that do not parse are skipped (the
/// projection is checked when loaded, so none should be).
pub(crate) async fn projection_rows_with_prefix<T: serde::de::DeserializeOwned + Send + 'static>(
    app: &AppState,
    prefix: RowPrefix,
) -> Vec<T> {
    let reader = app.reader.clone();
    let rows =
        run_blocking(move || Ok(reader.projection_rows_with_prefix(prefix.as_str())?)).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "projection rows not read");
            Vec::new()
        });
    rows.into_iter().filter_map(|(_, v)| serde_json::from_str::<T>(&v).ok()).collect()
}

async fn all_bodies(app: &AppState) -> Vec<(BodyId, dauys_core::LocalizedText)> {
    projection_rows_with_prefix::<dauys_core::Body>(app, RowPrefix::BODY)
        .await
        .into_iter()
        .map(|b| (b.id, b.name))
        .collect()
}
