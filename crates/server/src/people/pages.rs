//! Pages for people: sign-up, sign-in, the profile, "who looked at my data", the citizen's
//! own data, and the administrators' and officials' screens. Plain HTML forms, no
//! JavaScript; every form that changes something carries a CSRF token.

use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use dauys_core::{AccountId, BasisCode, BodyId, Lang, Locality, Region, Role, VerificationMethod};
use dauys_identity::policy::{authorize, Action};
use maud::{html, Markup};
use serde::Deserialize;

use super::session::{client_ip, cookie_value, set_cookie, MaybeSession, Session, FORM_COOKIE, SESSION_COOKIE};
use super::{Account, IdentityClaim, PeopleError};
use crate::i18n::UiLang;
use crate::problem::Problem;
use crate::web::{role_label, time_el, Page, Section};
use crate::AppState;

fn now_ms() -> u64 {
    super::now_ms()
}

/// The translated message for a failure, or its English text when there is none.
fn message(p: &Page, e: &PeopleError) -> String {
    let id = format!("err-{}", e.code().replace('_', "-"));
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
        PeopleError::Locked { .. } => StatusCode::TOO_MANY_REQUESTS,
        PeopleError::NoSuchAccount => StatusCode::NOT_FOUND,
        e if e.is_client_error() => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::SERVICE_UNAVAILABLE,
    }
}

fn failure_page(p: &Page, e: &PeopleError) -> Response {
    if !e.is_client_error() {
        tracing::error!(error = %e, "people operation failed");
    }
    p.error(status_of(e), &p.t("err-title"), &message(p, e))
}

fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

fn secure(app: &AppState) -> bool {
    app.config.public_url().starts_with("https://")
}

fn with_cookie(mut response: Response, cookie: String) -> Response {
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// Sends a signed-out visitor to the sign-in page, then back.
fn sign_in_first(uri: &Uri) -> Response {
    let back = uri.path();
    Redirect::to(&format!("/login?next={}", urlencode(back))).into_response()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Only local paths, so `next=` cannot send anyone to another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/me".to_string(),
    }
}

fn query_param(uri: &Uri, name: &str) -> Option<String> {
    uri.query()?.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| percent_decode(v))
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------------------
// Sign-up and sign-in

/// A fresh double-submit token for a signed-out form, and its cookie.
fn form_token(app: &AppState) -> (String, String) {
    let mut bytes = [0u8; 16];
    let _ = getrandom::getrandom(&mut bytes);
    let token = hex::encode(bytes);
    let cookie = set_cookie(FORM_COOKIE, &token, 3600, secure(app), "Strict");
    (token, cookie)
}

fn form_cookie_matches(request_cookie: Option<&str>, submitted: &str) -> bool {
    use subtle::ConstantTimeEq;
    request_cookie.is_some_and(|c| !c.is_empty() && bool::from(c.as_bytes().ct_eq(submitted.as_bytes())))
}

#[derive(Deserialize)]
pub struct CredentialsForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

fn credentials_page(
    app: &AppState,
    p: &Page,
    signing_up: bool,
    email: &str,
    next: &str,
    notice: Option<Markup>,
    status: StatusCode,
) -> Response {
    let (token, cookie) = form_token(app);
    let (title, action, button) = if signing_up {
        (p.t("signup-title"), "/signup", p.t("signup-button"))
    } else {
        (p.t("login-title"), "/login", p.t("login-button"))
    };
    let main = html! {
        h1 { (title) }
        @if let Some(n) = notice { (n) }
        form.stack method="post" action=(action) {
            (csrf_field(&token))
            input type="hidden" name="next" value=(next);
            label for="email" { (p.t("field-email")) }
            input #email type="email" name="email" value=(email) autocomplete="email" required maxlength="254";
            label for="password" { (p.t("field-password")) }
            @if signing_up {
                input #password type="password" name="password" autocomplete="new-password" required minlength="10" maxlength="1024" aria-describedby="password-hint";
                p.hint #password-hint { (p.t("password-hint")) }
            } @else {
                input #password type="password" name="password" autocomplete="current-password" required maxlength="1024";
            }
            button #submit type="submit" { (button) }
        }
        @if signing_up {
            p { (p.t("signup-have-account")) " " a href="/login" { (p.t("login-title")) } }
        } @else {
            p { (p.t("login-no-account")) " " a href="/signup" { (p.t("signup-title")) } }
            p { a #forgot href="/reset" { (p.t("reset-forgot")) } }
        }
    };
    with_cookie(p.render(status, &title, Section::Account, main), cookie)
}

/// GET /signup
pub async fn signup_form(State(app): State<AppState>, ui: UiLang, uri: Uri) -> Response {
    let p = Page::new(ui, &uri);
    credentials_page(&app, &p, true, "", "/me", None, StatusCode::OK)
}

/// GET /login
pub async fn login_form(State(app): State<AppState>, ui: UiLang, uri: Uri) -> Response {
    let p = Page::new(ui, &uri);
    let next = safe_next(query_param(&uri, "next").as_deref());
    let notice = if query_param(&uri, "created").is_some() {
        Some(html! { div.notice role="status" { p { (p.t("signup-done")) } } })
    } else if query_param(&uri, "reset").is_some() {
        Some(html! { div.notice role="status" id="password-changed" { p { (p.t("reset-done")) } } })
    } else {
        None
    };
    credentials_page(&app, &p, false, "", &next, notice, StatusCode::OK)
}

fn form_expired(app: &AppState, p: &Page, signing_up: bool, form: &CredentialsForm) -> Response {
    let notice = html! { div.error role="alert" id="form-error" { p { (p.t("err-form-expired")) } } };
    credentials_page(app, p, signing_up, &form.email, &safe_next(Some(&form.next)), Some(notice), StatusCode::FORBIDDEN)
}

/// POST /signup
pub async fn signup(State(app): State<AppState>, ui: UiLang, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let p = Page::new(ui, &parts.uri);
    let form_cookie = cookie_value(&parts, FORM_COOKIE).map(str::to_string);
    let Ok(Form(form)) = Form::<CredentialsForm>::from_request(Request::from_parts(parts.clone(), body), &app).await
    else {
        return p.error(StatusCode::BAD_REQUEST, &p.t("err-title"), &p.t("err-bad-form"));
    };
    if !form_cookie_matches(form_cookie.as_deref(), &form.csrf) {
        return form_expired(&app, &p, true, &form);
    }
    if app.limits.sign_up.check_key(&client_ip(&parts)).is_err() {
        let e = PeopleError::Locked { minutes: 60 };
        let n = error_box(&p, &e);
        return credentials_page(&app, &p, true, &form.email, "/me", Some(n), StatusCode::TOO_MANY_REQUESTS);
    }
    let people = app.people.clone();
    let (email, password) = (form.email.clone(), form.password.clone());
    let created = tokio::task::spawn_blocking(move || people.sign_up(&email, &password)).await;
    match created {
        Ok(Ok(new_account)) => {
            if let Some(id) = new_account {
                let (people, account, base) = (app.people.clone(), id.to_string(), app.config.public_url());
                if let Ok(Err(e)) =
                    tokio::task::spawn_blocking(move || people.send_email_confirmation(&account, &base)).await
                {
                    tracing::warn!(error = %e, "confirmation mail not queued");
                }
                if app.people.is_first_administrator(&form.email) {
                    if let Err(e) = app.people.grant_first_administrator(&id).await {
                        tracing::warn!(error = %e, "could not grant the first administrator role");
                    }
                }
                tracing::info!(account = %id, "account created");
            }
            Redirect::to("/login?created=1").into_response()
        }
        Ok(Err(e)) if e.is_client_error() => {
            let n = error_box(&p, &e);
            credentials_page(&app, &p, true, &form.email, "/me", Some(n), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Ok(Err(e)) => failure_page(&p, &e),
        Err(e) => failure_page(&p, &PeopleError::Internal(e.to_string())),
    }
}

/// POST /login
pub async fn login(State(app): State<AppState>, ui: UiLang, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let p = Page::new(ui, &parts.uri);
    let form_cookie = cookie_value(&parts, FORM_COOKIE).map(str::to_string);
    let Ok(Form(form)) = Form::<CredentialsForm>::from_request(Request::from_parts(parts.clone(), body), &app).await
    else {
        return p.error(StatusCode::BAD_REQUEST, &p.t("err-title"), &p.t("err-bad-form"));
    };
    let next = safe_next(Some(&form.next));
    if !form_cookie_matches(form_cookie.as_deref(), &form.csrf) {
        return form_expired(&app, &p, false, &form);
    }
    if app.limits.sign_in.check_key(&client_ip(&parts)).is_err() {
        let n = error_box(&p, &PeopleError::Locked { minutes: 1 });
        return credentials_page(&app, &p, false, &form.email, &next, Some(n), StatusCode::TOO_MANY_REQUESTS);
    }
    let people = app.people.clone();
    let ttl = app.config.session_hours * 3_600_000;
    let (email, password) = (form.email.clone(), form.password.clone());
    let outcome = tokio::task::spawn_blocking(move || {
        let account = people.check_password(&email, &password)?;
        people.start_session(&account, ttl)
    })
    .await;
    match outcome {
        Ok(Ok(token)) => {
            let cookie = set_cookie(SESSION_COOKIE, &token, ttl / 1000, secure(&app), "Lax");
            with_cookie(Redirect::to(&next).into_response(), cookie)
        }
        Ok(Err(e)) if e.is_client_error() => {
            let n = error_box(&p, &e);
            credentials_page(&app, &p, false, &form.email, &next, Some(n), status_of(&e))
        }
        Ok(Err(e)) => failure_page(&p, &e),
        Err(e) => failure_page(&p, &PeopleError::Internal(e.to_string())),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    everywhere: Option<String>,
}

/// POST /logout — this session, or with `everywhere` every session of the account.
pub async fn logout(
    State(app): State<AppState>,
    MaybeSession(session): MaybeSession,
    Form(form): Form<CsrfForm>,
) -> Response {
    let clear = set_cookie(SESSION_COOKIE, "", 0, secure(&app), "Lax");
    let Some(session) = session else { return with_cookie(Redirect::to("/").into_response(), clear) };
    if !session.form_is_genuine(&form.csrf) {
        return Redirect::to("/me").into_response();
    }
    let people = app.people.clone();
    let everywhere = form.everywhere.is_some();
    let _ = tokio::task::spawn_blocking(move || {
        if everywhere {
            people.store().delete_sessions_of(&session.account.row.id).map(|_| ())
        } else {
            people.store().delete_session(&session.token_hash)
        }
    })
    .await;
    with_cookie(Redirect::to("/").into_response(), clear)
}

// ---------------------------------------------------------------------------------------
// The citizen's own pages

/// GET /me — the profile.
pub async fn me(State(app): State<AppState>, ui: UiLang, uri: Uri, MaybeSession(session): MaybeSession) -> Response {
    let p = Page::new(ui, &uri);
    let Some(session) = session else { return sign_in_first(&uri) };
    let people = app.people.clone();
    let row = session.account.row.clone();
    let profile = match tokio::task::spawn_blocking(move || people.profile(&row)).await {
        Ok(Ok(profile)) => profile,
        Ok(Err(e)) => return failure_page(&p, &e),
        Err(e) => return failure_page(&p, &PeopleError::Internal(e.to_string())),
    };
    let account = &session.account;
    let main = html! {
        h1 { (p.t("me-title")) }
        dl.fields {
            dt { (p.t("field-account-id")) } dd { code #account-id { (account.id) } }
            dt { (p.t("field-email")) }
            dd {
                span #email { (profile.email) }
                " · "
                @if account.row.email_verified {
                    span #email-status { (p.t("email-confirmed")) }
                } @else {
                    span #email-status { (p.t("email-not-confirmed")) }
                    form.inline method="post" action="/me/confirm-email" {
                        (csrf_field(&session.csrf))
                        button #resend-confirmation type="submit" { (p.t("email-resend-button")) }
                    }
                }
            }
            dt { (p.t("field-phone")) } dd { (profile.phone.as_deref().unwrap_or("—")) }
            dt { (p.t("field-status")) }
            dd #verification-status {
                @match &profile.identity {
                    Some(_) => (p.t("status-verified")),
                    None => (p.t("status-not-verified")),
                }
            }
            @if let Some(identity) = &profile.identity {
                dt { (p.t("field-name")) } dd #full-name { (identity.given_name) " " (identity.family_name) }
                dt { (p.t("field-birth-date")) } dd { (identity.birth_date) }
                dt { (p.t("field-locality")) } dd { (locality_label(p.lang, &identity.locality)) }
                dt { (p.t("field-verified-by")) } dd { (method_label(&p, identity.method)) " · " a href={ "/log/" (identity.verified_index) } { (p.t("see-on-log")) } }
            }
            dt { (p.t("field-roles")) }
            dd #roles {
                (role_label(p.lang, Role::Citizen))
                @for g in account.staff.iter().flat_map(|s| s.grants.iter()) {
                    ", " (role_label(p.lang, g.role))
                    @if let Some(b) = &g.body { " (" code { (b) } ")" }
                }
            }
        }
        @if profile.identity.is_none() {
            p.notice { (p.t("me-how-to-verify")) }
        }
        nav.actions aria-label=(p.t("me-title")) {
            ul {
                @if account.row.person.is_none() { li { a #verify-link href="/verify" { (p.t("verify-title")) } } }
                li { a href="/me/access" { (p.t("access-title")) } }
                li { a href="/me/data.json" download="my-data.json" { (p.t("me-download")) } }
                @if account.may(&Action::ListPeople) { li { a href="/admin/people" { (p.t("admin-people-title")) } } }
                @if account.may(&Action::ImportRegistry) { li { a href="/admin/registry" { (p.t("registry-title")) } } }
                @if account.may(&Action::ManageBodies) { li { a href="/admin/bodies" { (p.t("bodies-title")) } } }
                @if account.may(&Action::RotateKeys) { li { a href="/admin/keys" { (p.t("keys-title")) } } }
                @if account.may(&Action::ViewAuditView) { li { a href="/audit/openings" { (p.t("audit-title")) } } }
                @if has_body_role(account) { li { a href="/office" { (p.t("office-title")) } } }
            }
        }
        h2 { (p.t("me-contacts")) }
        form.stack method="post" action="/me/contacts" {
            (csrf_field(&session.csrf))
            label for="new-email" { (p.t("field-email")) }
            input #new-email type="email" name="email" value=(profile.email) autocomplete="email" required maxlength="254" aria-describedby="email-hint";
            p.hint #email-hint { (p.t("email-change-hint")) }
            label for="phone" { (p.t("field-phone")) }
            input #phone type="tel" name="phone" value=(profile.phone.as_deref().unwrap_or("")) autocomplete="tel" maxlength="20";
            button type="submit" { (p.t("save-button")) }
        }
        h2 { (p.t("me-sessions")) }
        form.inline method="post" action="/logout" {
            (csrf_field(&session.csrf))
            button type="submit" { (p.t("logout-button")) }
        }
        form.inline method="post" action="/logout" {
            (csrf_field(&session.csrf))
            input type="hidden" name="everywhere" value="1";
            button type="submit" { (p.t("logout-everywhere-button")) }
        }
        h2 { (p.t("erase-title")) }
        p { (p.t("erase-explained")) }
        form.stack method="post" action="/me/erase" {
            (csrf_field(&session.csrf))
            label { input type="checkbox" name="confirm" value="yes" required; " " (p.t("erase-confirm")) }
            button.danger type="submit" { (p.t("erase-button")) }
        }
    };
    p.render(StatusCode::OK, &p.t("me-title"), Section::Account, main)
}

fn has_body_role(account: &Account) -> bool {
    account.staff.iter().flat_map(|s| s.grants.iter()).any(|g| matches!(g.role, Role::Official | Role::Head))
}

fn locality_label(lang: Lang, locality: &Locality) -> String {
    match &locality.district {
        Some(d) => format!("{}, {d}", locality.region.name().get(lang)),
        None => locality.region.name().get(lang).to_string(),
    }
}

fn method_label(p: &Page, method: VerificationMethod) -> String {
    p.t(match method {
        VerificationMethod::Oidc => "method-oidc",
        VerificationMethod::Registry => "method-registry",
        VerificationMethod::Manual => "method-manual",
    })
}

#[derive(Deserialize)]
pub struct ContactsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
}

/// POST /me/contacts
pub async fn update_contacts(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Form(form): Form<ContactsForm>,
) -> Response {
    let p = Page::new(ui, &uri);
    let session = match require_form(&p, &uri, session, None, &form.csrf) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let people = app.people.clone();
    let base = app.config.public_url();
    match tokio::task::spawn_blocking(move || people.update_contacts(&session.account, &form.email, &form.phone, &base))
        .await
    {
        Ok(Ok(())) => Redirect::to("/me").into_response(),
        Ok(Err(e)) => failure_page(&p, &e),
        Err(e) => failure_page(&p, &PeopleError::Internal(e.to_string())),
    }
}

#[derive(Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirm: String,
}

/// POST /me/erase
pub async fn erase(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Form(form): Form<EraseForm>,
) -> Response {
    let p = Page::new(ui, &uri);
    let session = match require_form(&p, &uri, session, None, &form.csrf) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if form.confirm != "yes" {
        return p.error(StatusCode::UNPROCESSABLE_ENTITY, &p.t("err-title"), &p.t("err-erase-unconfirmed"));
    }
    match app.people.erase(&session.account).await {
        Ok(()) => {
            let clear = set_cookie(SESSION_COOKIE, "", 0, secure(&app), "Lax");
            let main = html! { h1 { (p.t("erase-done-title")) } p { (p.t("erase-done")) } };
            with_cookie(p.render(StatusCode::OK, &p.t("erase-done-title"), Section::Account, main), clear)
        }
        Err(e) => failure_page(&p, &e),
    }
}

/// GET /me/data.json — everything held about the account holder.
pub async fn my_data(State(app): State<AppState>, uri: Uri, MaybeSession(session): MaybeSession) -> Response {
    let Some(session) = session else { return sign_in_first(&uri) };
    let people = app.people.clone();
    match tokio::task::spawn_blocking(move || people.export(&session.account)).await {
        Ok(Ok(doc)) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "no-store"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"my-data.json\""),
            ],
            serde_json::to_string_pretty(&doc).unwrap_or_default(),
        )
            .into_response(),
        Ok(Err(e)) => Problem::internal(e).into_response(),
        Err(e) => Problem::internal(e).into_response(),
    }
}

/// GET /me/access — "who looked at my data".
pub async fn who_looked(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
) -> Response {
    let p = Page::new(ui, &uri);
    let Some(session) = session else { return sign_in_first(&uri) };
    let people = app.people.clone();
    let account = session.account.clone();
    let seen = match tokio::task::spawn_blocking(move || people.openings_seen_by(&account, now_ms())).await {
        Ok(Ok(seen)) => seen,
        Ok(Err(e)) => return failure_page(&p, &e),
        Err(e) => return failure_page(&p, &PeopleError::Internal(e.to_string())),
    };
    let bases = access_bases(&app).await;
    let main = html! {
        h1 { (p.t("access-title")) }
        p.lead { (p.t("access-lead")) }
        @if seen.is_empty() {
            p #no-openings { (p.t("access-none")) }
        } @else {
            table.entries #openings {
                caption { (p.t("access-caption")) }
                thead { tr {
                    th scope="col" { (p.t("col-time")) }
                    th scope="col" { (p.t("col-body")) }
                    th scope="col" { (p.t("col-official")) }
                    th scope="col" { (p.t("col-purpose")) }
                    th scope="col" { (p.t("col-basis")) }
                    th scope="col" { (p.t("col-check")) }
                } }
                tbody {
                    @for s in &seen {
                        tr {
                            td data-label=(p.t("col-time")) { (time_el(&app, s.opening.opened_at.0)) }
                            td data-label=(p.t("col-body")) { (body_name(&app, p.lang, &s.opening.body).await) }
                            td data-label=(p.t("col-official")) { code { (s.opening.official) } }
                            td data-label=(p.t("col-purpose")) { (s.opening.purpose) " (" (s.opening.case) ")" }
                            td data-label=(p.t("col-basis")) { (basis_name(&bases, p.lang, &s.opening.basis)) }
                            td data-label=(p.t("col-check")) {
                                a href={ "/log/" (s.opening.index.0) } { (p.t("see-on-log")) }
                                details {
                                    summary { (p.t("access-verify")) }
                                    p { (p.t("access-verify-how")) }
                                    dl.fields {
                                        dt { "P" } dd { code { (s.pseudonym) } }
                                        dt { "nonce" } dd { code { (s.nonce_hex) } }
                                        dt { "subject" } dd { code { (s.opening.subject) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        p.note { (p.t("access-restricted-note")) }
    };
    p.render(StatusCode::OK, &p.t("access-title"), Section::Account, main)
}

async fn access_bases(app: &AppState) -> Vec<dauys_core::AccessBasis> {
    let reader = app.reader.clone();
    tokio::task::spawn_blocking(move || reader.projection_row("access-bases"))
        .await
        .ok()
        .and_then(Result::ok)
        .flatten()
        .and_then(|json| serde_json::from_str::<dauys_core::AccessBases>(&json).ok())
        .map(|b| b.bases)
        .unwrap_or_default()
}

fn basis_name(bases: &[dauys_core::AccessBasis], lang: Lang, code: &BasisCode) -> String {
    bases.iter().find(|b| &b.code == code).map_or_else(|| code.to_string(), |b| b.name.get(lang).to_string())
}

async fn body_name(app: &AppState, lang: Lang, body: &BodyId) -> String {
    let reader = app.reader.clone();
    let key = format!("body/{body}");
    tokio::task::spawn_blocking(move || reader.projection_row(&key))
        .await
        .ok()
        .and_then(Result::ok)
        .flatten()
        .and_then(|json| serde_json::from_str::<dauys_core::Body>(&json).ok())
        .map_or_else(|| body.to_string(), |b| b.name.get(lang).to_string())
}

// ---------------------------------------------------------------------------------------
// Administrators

/// The session, if it may do `action`; else the page to show instead.
fn require(p: &Page, uri: &Uri, session: Option<Session>, action: &Action) -> Result<Session, Box<Response>> {
    let Some(session) = session else { return Err(Box::new(sign_in_first(uri))) };
    match authorize(&session.account.actor(), action) {
        Ok(()) => Ok(session),
        Err(denied) => Err(Box::new(failure_page(p, &PeopleError::Denied(denied)))),
    }
}

/// For a form post: the session, if signed in, allowed `action` (when given) and the form's
/// CSRF token is this session's; else the page to show instead.
fn require_form(
    p: &Page,
    uri: &Uri,
    session: Option<Session>,
    action: Option<&Action>,
    csrf: &str,
) -> Result<Session, Box<Response>> {
    let session = match action {
        Some(action) => require(p, uri, session, action)?,
        None => session.ok_or_else(|| Box::new(sign_in_first(uri)))?,
    };
    if !session.form_is_genuine(csrf) {
        return Err(Box::new(p.error(StatusCode::FORBIDDEN, &p.t("err-title"), &p.t("err-form-expired"))));
    }
    Ok(session)
}

/// GET /admin/people
pub async fn admin_people(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
) -> Response {
    let p = Page::new(ui, &uri);
    let session = match require(&p, &uri, session, &Action::ListPeople) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let after = query_param(&uri, "after");
    let people = app.people.clone();
    let rows = match tokio::task::spawn_blocking(move || people.store().list_accounts(after.as_deref(), 50)).await {
        Ok(Ok(rows)) => rows,
        Ok(Err(e)) => return failure_page(&p, &PeopleError::Store(e)),
        Err(e) => return failure_page(&p, &PeopleError::Internal(e.to_string())),
    };
    let bodies = all_bodies(&app).await;
    let staff = all_staff(&app).await;
    let main = html! {
        h1 { (p.t("admin-people-title")) }
        table.entries #people {
            caption { (p.t("admin-people-caption")) }
            thead { tr {
                th scope="col" { (p.t("field-account-id")) }
                th scope="col" { (p.t("field-status")) }
                th scope="col" { (p.t("col-actions")) }
            } }
            tbody {
                @for row in &rows {
                    tr {
                        th scope="row" { code { (row.id) } }
                        td { @if row.wrapped_key.is_none() { (p.t("status-erased")) } @else if row.person.is_some() { (p.t("status-verified")) } @else { (p.t("status-not-verified")) } }
                        td {
                            @if row.person.is_none() && row.wrapped_key.is_some() {
                                a href={ "/admin/people/" (row.id) "/verify" } { (p.t("admin-verify")) }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(last) = rows.last().filter(|_| rows.len() == 50) {
            p { a href={ "/admin/people?after=" (last.id) } { (p.t("next-page")) } }
        }
        h2 { (p.t("admin-staff-title")) }
        table.entries #staff {
            caption { (p.t("admin-staff-caption")) }
            thead { tr {
                th scope="col" { (p.t("field-account-id")) }
                th scope="col" { (p.t("field-role")) }
                th scope="col" { (p.t("field-body")) }
                th scope="col" { (p.t("col-actions")) }
            } }
            tbody {
                @for member in &staff {
                    @for g in &member.grants {
                        tr {
                            th scope="row" { code { (member.account) } }
                            td { (role_label(p.lang, g.role)) }
                            td { @if let Some(b) = &g.body { code { (b) } } @else { "—" } }
                            td {
                                form.inline method="post" action="/admin/roles/revoke" {
                                    (csrf_field(&session.csrf))
                                    input type="hidden" name="account" value=(member.account);
                                    input type="hidden" name="role" value=(g.role.as_str());
                                    input type="hidden" name="body" value=(g.body.as_ref().map(|b| b.as_str()).unwrap_or(""));
                                    button.danger type="submit" { (p.t("admin-revoke-button")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (p.t("admin-grant-title")) }
        form.stack method="post" action="/admin/roles" {
            (csrf_field(&session.csrf))
            label for="account" { (p.t("field-account-id")) }
            input #account type="text" name="account" required maxlength="64" pattern="[a-z0-9][a-z0-9\\-]*";
            label for="role" { (p.t("field-role")) }
            select #role name="role" {
                @for role in Role::ALL.iter().filter(|r| **r != Role::Citizen) {
                    option value=(role.as_str()) { (role_label(p.lang, *role)) }
                }
            }
            label for="body" { (p.t("field-body")) }
            select #body name="body" aria-describedby="body-hint" {
                option value="" { "—" }
                @for (id, name) in &bodies {
                    option value=(id) { (name.get(p.lang)) }
                }
            }
            p.hint #body-hint { (p.t("admin-body-hint")) }
            button #grant type="submit" { (p.t("admin-grant-button")) }
        }
    };
    p.render(StatusCode::OK, &p.t("admin-people-title"), Section::Admin, main)
}

async fn all_staff(app: &AppState) -> Vec<dauys_core::Staff> {
    projection_rows_with_prefix(app, "staff/").await
}

/// Every projection row under `prefix`, parsed; rows that do not parse are skipped (the
/// projection is checked when loaded, so none should be).
async fn projection_rows_with_prefix<T: serde::de::DeserializeOwned + Send + 'static>(
    app: &AppState,
    prefix: &'static str,
) -> Vec<T> {
    let reader = app.reader.clone();
    tokio::task::spawn_blocking(move || reader.projection_rows())
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k.starts_with(prefix))
        .filter_map(|(_, v)| serde_json::from_str::<T>(&v).ok())
        .collect()
}

async fn all_bodies(app: &AppState) -> Vec<(BodyId, dauys_core::LocalizedText)> {
    projection_rows_with_prefix::<dauys_core::Body>(app, "body/").await.into_iter().map(|b| (b.id, b.name)).collect()
}

#[derive(Deserialize)]
pub struct GrantForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    body: String,
}

/// POST /admin/roles
pub async fn grant_role(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Form(form): Form<GrantForm>,
) -> Response {
    change_role(app, ui, uri, session, form, true).await
}

/// POST /admin/roles/revoke
pub async fn revoke_role(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Form(form): Form<GrantForm>,
) -> Response {
    change_role(app, ui, uri, session, form, false).await
}

async fn change_role(
    app: AppState,
    ui: UiLang,
    uri: Uri,
    session: Option<Session>,
    form: GrantForm,
    grant: bool,
) -> Response {
    let p = Page::new(ui, &uri);
    let action = if grant { Action::GrantRole } else { Action::RevokeRole };
    let session = match require_form(&p, &uri, session, Some(&action), &form.csrf) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let invalid = |field| failure_page(&p, &PeopleError::InvalidField { field, max: 64 });
    let Ok(account) = form.account.trim().parse::<AccountId>() else { return invalid("account") };
    let Ok(role) = form.role.parse::<Role>() else { return invalid("role") };
    let body = match form.body.trim() {
        "" => None,
        b => match b.parse::<BodyId>() {
            Ok(b) => Some(b),
            Err(_) => return invalid("body"),
        },
    };
    let by = session.account.id.clone();
    let event = if grant {
        dauys_core::Event::RoleGranted { account, role, body, by: Some(by) }
    } else {
        dauys_core::Event::RoleRevoked { account, role, body, by }
    };
    match app.sequencer.submit(event).await {
        Ok(_) => Redirect::to("/admin/people").into_response(),
        Err(e) => failure_page(&p, &PeopleError::from(e)),
    }
}

#[derive(Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    iin: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    district: String,
}

fn verify_page(p: &Page, session: &Session, id: &str, error: Option<&PeopleError>, status: StatusCode) -> Response {
    let main = html! {
        h1 { (p.t("admin-verify-title")) }
        p { (p.t("admin-verify-lead")) " " code { (id) } }
        @if let Some(e) = error { (error_box(p, e)) }
        form.stack method="post" action={ "/admin/people/" (id) "/verify" } {
            (csrf_field(&session.csrf))
            label for="iin" { (p.t("field-iin")) }
            input #iin type="text" name="iin" inputmode="numeric" pattern="[0-9]{12}" required maxlength="12" autocomplete="off";
            label for="given_name" { (p.t("field-given-name")) }
            input #given_name type="text" name="given_name" required maxlength="100";
            label for="family_name" { (p.t("field-family-name")) }
            input #family_name type="text" name="family_name" required maxlength="100";
            label for="region" { (p.t("field-region")) }
            select #region name="region" required {
                @for r in Region::ALL { option value=(r.code()) { (r.name().get(p.lang)) } }
            }
            label for="district" { (p.t("field-district")) }
            input #district type="text" name="district" maxlength="64" pattern="[a-z0-9][a-z0-9\\-]*" aria-describedby="district-hint";
            p.hint #district-hint { (p.t("district-hint")) }
            button #verify type="submit" { (p.t("admin-verify-button")) }
        }
    };
    p.render(status, &p.t("admin-verify-title"), Section::Admin, main)
}

/// GET /admin/people/{id}/verify
pub async fn verify_form(
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Path(id): Path<String>,
) -> Response {
    let p = Page::new(ui, &uri);
    match require(&p, &uri, session, &Action::VerifyPersonManually) {
        Ok(session) => verify_page(&p, &session, &id, None, StatusCode::OK),
        Err(r) => *r,
    }
}

/// POST /admin/people/{id}/verify
pub async fn verify(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Path(id): Path<String>,
    Form(form): Form<VerifyForm>,
) -> Response {
    let p = Page::new(ui, &uri);
    let session = match require_form(&p, &uri, session, Some(&Action::VerifyPersonManually), &form.csrf) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let locality = if form.district.trim().is_empty() {
        form.region.clone()
    } else {
        format!("{}/{}", form.region, form.district.trim())
    };
    let Ok(locality) = locality.parse::<Locality>() else {
        let e = PeopleError::InvalidField { field: "locality", max: 64 };
        return verify_page(&p, &session, &id, Some(&e), StatusCode::UNPROCESSABLE_ENTITY);
    };
    let Ok(account_id) = id.parse::<AccountId>() else {
        return failure_page(&p, &PeopleError::NoSuchAccount);
    };
    let claim = IdentityClaim {
        iin: form.iin.clone(),
        given_name: form.given_name.clone(),
        family_name: form.family_name.clone(),
        locality,
    };
    let outcome = app.people.verify(&account_id, &claim, VerificationMethod::Manual, Some(&session.account)).await;
    match outcome {
        Ok(_) => Redirect::to("/admin/people").into_response(),
        Err(e) if e.is_client_error() => verify_page(&p, &session, &id, Some(&e), status_of(&e)),
        Err(e) => failure_page(&p, &e),
    }
}

// ---------------------------------------------------------------------------------------
// Officials

/// GET /office — find a person by account id.
pub async fn office(ui: UiLang, uri: Uri, MaybeSession(session): MaybeSession) -> Response {
    let p = Page::new(ui, &uri);
    let Some(session) = session else { return sign_in_first(&uri) };
    if !has_body_role(&session.account) {
        let e =
            PeopleError::Denied(dauys_identity::policy::Denied::MissingRole { needed: &[Role::Official, Role::Head] });
        return failure_page(&p, &e);
    }
    let main = html! {
        h1 { (p.t("office-title")) }
        p { (p.t("office-lead")) }
        form.stack method="get" action="/office/person" {
            label for="account" { (p.t("field-account-id")) }
            input #account type="text" name="account" required maxlength="64";
            button #find type="submit" { (p.t("office-find")) }
        }
    };
    p.render(StatusCode::OK, &p.t("office-title"), Section::Admin, main)
}

/// GET /office/person?account=… — the form to open a person's data, stating why.
pub async fn open_form(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
) -> Response {
    let p = Page::new(ui, &uri);
    let Some(session) = session else { return sign_in_first(&uri) };
    let account = query_param(&uri, "account").unwrap_or_default();
    open_page(&app, &p, &session, account.trim(), None, StatusCode::OK).await
}

async fn open_page(
    app: &AppState,
    p: &Page,
    session: &Session,
    subject: &str,
    error: Option<&PeopleError>,
    status: StatusCode,
) -> Response {
    let bases = access_bases(app).await;
    let bodies: Vec<BodyId> = session
        .account
        .staff
        .iter()
        .flat_map(|s| s.grants.iter())
        .filter(|g| matches!(g.role, Role::Official | Role::Head))
        .filter_map(|g| g.body.clone())
        .collect();
    let mut body_names = Vec::new();
    for b in &bodies {
        body_names.push((b.clone(), body_name(app, p.lang, b).await));
    }
    let main = html! {
        h1 { (p.t("open-title")) }
        p.lead { (p.t("open-lead")) }
        @if let Some(e) = error { (error_box(p, e)) }
        form.stack method="post" action="/office/person" {
            (csrf_field(&session.csrf))
            label for="account" { (p.t("field-account-id")) }
            input #account type="text" name="account" value=(subject) required maxlength="64";
            label for="body" { (p.t("field-body")) }
            select #body name="body" required {
                @for (id, name) in &body_names { option value=(id) { (name) } }
            }
            label for="basis" { (p.t("field-basis")) }
            select #basis name="basis" required {
                @for b in &bases { option value=(b.code) { (b.name.get(p.lang)) } }
            }
            label for="purpose" { (p.t("field-purpose")) }
            input #purpose type="text" name="purpose" required maxlength="300";
            label for="case" { (p.t("field-case")) }
            input #case type="text" name="case" required maxlength="100";
            p.hint { (p.t("open-logged-warning")) }
            button #open type="submit" { (p.t("open-button")) }
        }
    };
    p.render(status, &p.t("open-title"), Section::Admin, main)
}

#[derive(Deserialize)]
pub struct OpenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    case: String,
}

/// POST /office/person — logs the opening, then shows the data.
pub async fn open(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Form(form): Form<OpenForm>,
) -> Response {
    let p = Page::new(ui, &uri);
    let session = match require_form(&p, &uri, session, None, &form.csrf) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let subject = form.account.trim().to_string();
    let (Ok(body), Ok(basis)) = (form.body.parse::<BodyId>(), form.basis.parse::<BasisCode>()) else {
        let e = PeopleError::InvalidField { field: "body", max: 64 };
        return open_page(&app, &p, &session, &subject, Some(&e), StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let outcome =
        app.people.open_personal_data(&session.account, &subject, &body, &basis, &form.purpose, &form.case).await;
    match outcome {
        Ok((profile, receipt)) => {
            let main = html! {
                h1 { (p.t("opened-title")) }
                p.notice role="status" { (p.t("opened-logged")) " " a href={ "/log/" (receipt.index) } { (p.t("see-on-log")) } }
                dl.fields #opened-record {
                    dt { (p.t("field-account-id")) } dd { code { (subject) } }
                    @if let Some(i) = &profile.identity {
                        dt { (p.t("field-iin")) } dd { (i.iin) }
                        dt { (p.t("field-name")) } dd { (i.given_name) " " (i.family_name) }
                        dt { (p.t("field-birth-date")) } dd { (i.birth_date) }
                        dt { (p.t("field-locality")) } dd { (locality_label(p.lang, &i.locality)) }
                    }
                    dt { (p.t("field-email")) } dd { (profile.email) }
                    dt { (p.t("field-phone")) } dd { (profile.phone.as_deref().unwrap_or("—")) }
                }
            };
            let mut response = p.render(StatusCode::OK, &p.t("opened-title"), Section::Admin, main);
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) if e.is_client_error() => open_page(&app, &p, &session, &subject, Some(&e), status_of(&e)).await,
        Err(e) => failure_page(&p, &e),
    }
}

// ---------------------------------------------------------------------------------------
// Verifying one's own identity

/// GET /verify — the ways to verify.
pub async fn verify_choices(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
) -> Response {
    let p = Page::new(ui, &uri);
    let Some(session) = session else { return sign_in_first(&uri) };
    let main = html! {
        h1 { (p.t("verify-title")) }
        @if session.account.row.person.is_some() {
            p #already-verified { (p.t("err-already-verified")) }
        } @else {
            h2 { (p.t("verify-oidc-title")) }
            @if app.oidc.is_some() {
                p { (p.t("verify-oidc-lead")) }
                form method="post" action="/verify/oidc" {
                    (csrf_field(&session.csrf))
                    button #verify-oidc type="submit" { (p.t("verify-oidc-button")) }
                }
            } @else {
                p { (p.t("err-oidc-disabled")) }
            }
            h2 { (p.t("verify-registry-title")) }
            p { (p.t("verify-registry-lead")) " " a #verify-registry href="/verify/registry" { (p.t("verify-registry-send")) } }
            h2 { (p.t("verify-in-person-title")) }
            p { (p.t("me-how-to-verify")) }
            p { (p.t("field-account-id")) ": " code { (session.account.id) } }
        }
    };
    p.render(StatusCode::OK, &p.t("verify-title"), Section::Account, main)
}

/// POST /verify/oidc — off to the identity provider.
pub async fn oidc_start(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Form(form): Form<CsrfForm>,
) -> Response {
    let p = Page::new(ui, &uri);
    let session = match require_form(&p, &uri, session, None, &form.csrf) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let Some(oidc) = app.oidc.clone() else { return failure_page(&p, &PeopleError::OidcDisabled) };
    let account_id = session.account.row.id.clone();
    match tokio::task::spawn_blocking(move || oidc.start(&account_id)).await {
        Ok(Ok(url)) => Redirect::to(&url).into_response(),
        Ok(Err(e)) => failure_page(&p, &e),
        Err(e) => failure_page(&p, &PeopleError::Internal(e.to_string())),
    }
}

/// GET /verify/oidc/callback?code=…&state=… — back from the identity provider.
pub async fn oidc_callback(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
) -> Response {
    let p = Page::new(ui, &uri);
    let Some(session) = session else { return sign_in_first(&uri) };
    let Some(oidc) = app.oidc.clone() else { return failure_page(&p, &PeopleError::OidcDisabled) };
    let (Some(code), Some(state)) = (query_param(&uri, "code"), query_param(&uri, "state")) else {
        // The person cancelled at the provider, or it reported an error.
        let reason = query_param(&uri, "error").unwrap_or_else(|| "no code".into());
        return failure_page(&p, &PeopleError::OidcRefused(reason));
    };
    let account_id = session.account.row.id.clone();
    let claims = match tokio::task::spawn_blocking(move || oidc.finish(&account_id, &state, &code)).await {
        Ok(Ok(claims)) => claims,
        Ok(Err(e)) => return failure_page(&p, &e),
        Err(e) => return failure_page(&p, &PeopleError::Internal(e.to_string())),
    };
    let Ok(locality) = claims.locality.parse::<Locality>() else {
        return failure_page(&p, &PeopleError::InvalidField { field: "locality", max: 64 });
    };
    let claim =
        IdentityClaim { iin: claims.iin, given_name: claims.given_name, family_name: claims.family_name, locality };
    let outcome = app.people.verify(&session.account.id, &claim, VerificationMethod::Oidc, None).await;
    match outcome {
        Ok(_) => Redirect::to("/me").into_response(),
        Err(e) => failure_page(&p, &e),
    }
}

// ---------------------------------------------------------------------------------------
// The registry path

#[derive(Deserialize)]
pub struct RegistryForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    csv: String,
}

fn registry_page(p: &Page, session: &Session, csv: &str, notice: Option<Markup>, status: StatusCode) -> Response {
    let main = html! {
        h1 { (p.t("registry-title")) }
        p { (p.t("registry-lead")) }
        @if let Some(n) = notice { (n) }
        form.stack method="post" action="/admin/registry" {
            (csrf_field(&session.csrf))
            label for="csv" { (p.t("registry-csv")) }
            textarea #csv name="csv" rows="10" required aria-describedby="csv-hint" { (csv) }
            p.hint #csv-hint { code { "iin,given_name,family_name,locality,email" } }
            button #import type="submit" { (p.t("registry-import-button")) }
        }
    };
    p.render(status, &p.t("registry-title"), Section::Admin, main)
}

/// GET /admin/registry
pub async fn registry_form(ui: UiLang, uri: Uri, MaybeSession(session): MaybeSession) -> Response {
    let p = Page::new(ui, &uri);
    match require(&p, &uri, session, &Action::ImportRegistry) {
        Ok(session) => registry_page(&p, &session, "", None, StatusCode::OK),
        Err(r) => *r,
    }
}

/// POST /admin/registry
pub async fn import_registry(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Form(form): Form<RegistryForm>,
) -> Response {
    let p = Page::new(ui, &uri);
    let session = match require_form(&p, &uri, session, Some(&Action::ImportRegistry), &form.csrf) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let records = match app.people.parse_registry(&form.csv, &session.account) {
        Ok(r) => r,
        Err(super::registry::ImportErrors(errors)) => {
            let n = html! {
                div.error role="alert" id="form-error" {
                    p { (p.t("registry-refused")) }
                    ul { @for (line, e) in &errors { li { (p.t("registry-line")) " " (line) ": " (e) } } }
                }
            };
            return registry_page(&p, &session, &form.csv, Some(n), StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let count = records.len();
    match app.people.import_registry(&session.account, &form.csv, records).await {
        Ok(receipt) => {
            let n = html! {
                div.notice role="status" id="imported" {
                    p { (p.t("registry-imported")) " " strong { (count) } " · " a href={ "/log/" (receipt.index) } { (p.t("see-on-log")) } }
                }
            };
            registry_page(&p, &session, "", Some(n), StatusCode::OK)
        }
        Err(e) => failure_page(&p, &e),
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    iin: String,
    #[serde(default)]
    code: String,
}

fn code_page(p: &Page, session: &Session, sent: bool, error: Option<&PeopleError>, status: StatusCode) -> Response {
    let main = html! {
        h1 { (p.t("verify-registry-title")) }
        @if let Some(e) = error { (error_box(p, e)) }
        @if sent { div.notice role="status" id="code-sent" { p { (p.t("verify-registry-sent")) } } }
        @if !sent {
            form.stack method="post" action="/verify/registry" {
                (csrf_field(&session.csrf))
                label for="iin" { (p.t("field-iin")) }
                input #iin type="text" name="iin" inputmode="numeric" pattern="[0-9]{12}" required maxlength="12" autocomplete="off";
                button #send-code type="submit" { (p.t("verify-registry-send")) }
            }
        }
        h2 { (p.t("verify-registry-have-code")) }
        form.stack method="post" action="/verify/registry" {
            (csrf_field(&session.csrf))
            label for=(if sent { "iin" } else { "iin-redeem" }) { (p.t("field-iin")) }
            input id=(if sent { "iin" } else { "iin-redeem" }) type="text" name="iin" inputmode="numeric" pattern="[0-9]{12}" required maxlength="12" autocomplete="off";
            label for="code" { (p.t("field-code")) }
            input #code type="text" name="code" inputmode="numeric" pattern="[0-9]{8}" required maxlength="8" autocomplete="one-time-code";
            button #redeem type="submit" { (p.t("verify-registry-redeem")) }
        }
    };
    p.render(status, &p.t("verify-registry-title"), Section::Account, main)
}

/// GET /verify/registry
pub async fn registry_code_form(ui: UiLang, uri: Uri, MaybeSession(session): MaybeSession) -> Response {
    let p = Page::new(ui, &uri);
    let Some(session) = session else { return sign_in_first(&uri) };
    code_page(&p, &session, false, None, StatusCode::OK)
}

/// POST /verify/registry — without `code`, sends one; with it, checks it.
pub async fn registry_code(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    request_parts: axum::http::request::Parts,
    Form(form): Form<CodeForm>,
) -> Response {
    let p = Page::new(ui, &uri);
    let session = match require_form(&p, &uri, session, None, &form.csrf) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if app.limits.sign_in.check_key(&client_ip(&request_parts)).is_err() {
        return code_page(
            &p,
            &session,
            false,
            Some(&PeopleError::Locked { minutes: 1 }),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    if form.code.trim().is_empty() {
        return match app.people.request_registry_code(&session.account, &form.iin) {
            // The same answer whether or not the IIN is listed.
            Ok(()) => code_page(&p, &session, true, None, StatusCode::OK),
            Err(e) if e.is_client_error() => code_page(&p, &session, false, Some(&e), status_of(&e)),
            Err(e) => failure_page(&p, &e),
        };
    }
    match app.people.redeem_registry_code(&session.account, &form.iin, &form.code).await {
        Ok(_) => Redirect::to("/me").into_response(),
        Err(e) if e.is_client_error() => code_page(&p, &session, true, Some(&e), status_of(&e)),
        Err(e) => failure_page(&p, &e),
    }
}

// ---------------------------------------------------------------------------------------
// Bodies and the auditor's view

#[derive(Deserialize)]
pub struct BodyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent: String,
    #[serde(default)]
    name_kk: String,
    #[serde(default)]
    name_ru: String,
    #[serde(default)]
    name_en: String,
}

async fn bodies_page(
    app: &AppState,
    p: &Page,
    session: &Session,
    error: Option<&PeopleError>,
    status: StatusCode,
) -> Response {
    let bodies: Vec<dauys_core::Body> = projection_rows_with_prefix(app, "body/").await;
    let main = html! {
        h1 { (p.t("bodies-title")) }
        @if let Some(e) = error { (error_box(p, e)) }
        table.entries #bodies {
            caption { (p.t("bodies-caption")) }
            thead { tr {
                th scope="col" { (p.t("field-body-id")) }
                th scope="col" { (p.t("field-name")) }
                th scope="col" { (p.t("field-parent")) }
            } }
            tbody {
                @for b in &bodies {
                    tr {
                        th scope="row" { code { (b.id) } }
                        td { (b.name.get(p.lang)) }
                        td { @if let Some(parent) = &b.parent { code { (parent) } } @else { "—" } }
                    }
                }
            }
        }
        h2 { (p.t("bodies-register-title")) }
        form.stack method="post" action="/admin/bodies" {
            (csrf_field(&session.csrf))
            label for="body" { (p.t("field-body-id")) }
            input #body type="text" name="body" required maxlength="64" pattern="[a-z0-9][a-z0-9\\-]*" aria-describedby="body-id-hint";
            p.hint #body-id-hint { (p.t("district-hint")) }
            label for="kind" { (p.t("field-body-kind")) }
            select #kind name="kind" {
                @for k in dauys_core::BodyKind::ALL { option value=(k.as_str()) { (p.t(&format!("body-kind-{}", k.as_str()))) } }
            }
            label for="parent" { (p.t("field-parent")) }
            select #parent name="parent" {
                option value="" { "—" }
                @for b in &bodies { option value=(b.id) { (b.name.get(p.lang)) } }
            }
            label for="name_kk" { (p.t("field-name")) " (қазақша)" }
            input #name_kk type="text" name="name_kk" lang="kk" required maxlength="300";
            label for="name_ru" { (p.t("field-name")) " (по-русски)" }
            input #name_ru type="text" name="name_ru" lang="ru" required maxlength="300";
            label for="name_en" { (p.t("field-name")) " (in English)" }
            input #name_en type="text" name="name_en" lang="en" required maxlength="300";
            button #register type="submit" { (p.t("bodies-register-button")) }
        }
    };
    p.render(status, &p.t("bodies-title"), Section::Admin, main)
}

/// GET /admin/bodies
pub async fn bodies(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
) -> Response {
    let p = Page::new(ui, &uri);
    match require(&p, &uri, session, &Action::ManageBodies) {
        Ok(session) => bodies_page(&app, &p, &session, None, StatusCode::OK).await,
        Err(r) => *r,
    }
}

/// POST /admin/bodies — registers a body on the ledger.
pub async fn register_body(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Form(form): Form<BodyForm>,
) -> Response {
    let p = Page::new(ui, &uri);
    let session = match require_form(&p, &uri, session, Some(&Action::ManageBodies), &form.csrf) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let invalid = PeopleError::InvalidField { field: "body", max: 64 };
    let kind = dauys_core::BodyKind::ALL.into_iter().find(|k| k.as_str() == form.kind);
    let parent = match form.parent.trim() {
        "" => Ok(None),
        p => p.parse::<BodyId>().map(Some),
    };
    let (Ok(body), Some(kind), Ok(parent)) = (form.body.trim().parse::<BodyId>(), kind, parent) else {
        return bodies_page(&app, &p, &session, Some(&invalid), StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let name = dauys_core::LocalizedText::new(form.name_kk.trim(), form.name_ru.trim(), form.name_en.trim());
    match app.sequencer.submit(dauys_core::Event::BodyRegistered { body, name, kind, parent }).await {
        Ok(_) => Redirect::to("/admin/bodies").into_response(),
        Err(e) => {
            let e = PeopleError::from(e);
            if e.is_client_error() {
                bodies_page(&app, &p, &session, Some(&e), status_of(&e)).await
            } else {
                failure_page(&p, &e)
            }
        }
    }
}

/// GET /audit/openings — every opening of personal data on the ledger, newest first, for
/// auditors (the same events anyone can read in the log; here gathered in one table).
pub async fn audit_openings(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
) -> Response {
    let p = Page::new(ui, &uri);
    if let Err(r) = require(&p, &uri, session, &Action::ViewAuditView) {
        return *r;
    }
    let mut openings: Vec<dauys_core::DataOpening> = projection_rows_with_prefix(&app, "opening/").await;
    openings.sort_by_key(|o| std::cmp::Reverse(o.index));
    let bases = access_bases(&app).await;
    let main = html! {
        h1 { (p.t("audit-title")) }
        p.lead { (p.t("audit-lead")) }
        table.entries #all-openings {
            caption { (p.t("audit-caption")) }
            thead { tr {
                th scope="col" { (p.t("col-index")) }
                th scope="col" { (p.t("col-time")) }
                th scope="col" { (p.t("col-body")) }
                th scope="col" { (p.t("col-official")) }
                th scope="col" { (p.t("col-purpose")) }
                th scope="col" { (p.t("col-basis")) }
                th scope="col" { (p.t("audit-disclosed-from")) }
            } }
            tbody {
                @for o in &openings {
                    tr {
                        th scope="row" { a href={ "/log/" (o.index.0) } { (o.index.0) } }
                        td { (time_el(&app, o.opened_at.0)) }
                        td { code { (o.body) } }
                        td { code { (o.official) } }
                        td { (o.purpose) " (" (o.case) ")" }
                        td { (basis_name(&bases, p.lang, &o.basis)) }
                        td { (time_el(&app, o.disclosed_from.0)) }
                    }
                }
            }
        }
    };
    p.render(StatusCode::OK, &p.t("audit-title"), Section::Admin, main)
}

// ---------------------------------------------------------------------------------------
// Password reset

#[derive(Deserialize)]
pub struct ResetRequestForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

#[derive(Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

fn reset_request_page(app: &AppState, p: &Page, notice: Option<Markup>, status: StatusCode) -> Response {
    let (token, cookie) = form_token(app);
    let main = html! {
        h1 { (p.t("reset-title")) }
        @if let Some(n) = notice { (n) }
        p { (p.t("reset-lead")) }
        form.stack method="post" action="/reset" {
            (csrf_field(&token))
            label for="email" { (p.t("field-email")) }
            input #email type="email" name="email" autocomplete="email" required maxlength="254";
            button #send-link type="submit" { (p.t("reset-send-button")) }
        }
    };
    with_cookie(p.render(status, &p.t("reset-title"), Section::Account, main), cookie)
}

/// GET /reset
pub async fn reset_request_form(State(app): State<AppState>, ui: UiLang, uri: Uri) -> Response {
    let p = Page::new(ui, &uri);
    reset_request_page(&app, &p, None, StatusCode::OK)
}

/// POST /reset — sends a link if an account uses the address; the same answer either way.
pub async fn reset_request(State(app): State<AppState>, ui: UiLang, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let p = Page::new(ui, &parts.uri);
    let form_cookie = cookie_value(&parts, FORM_COOKIE).map(str::to_string);
    let Ok(Form(form)) = Form::<ResetRequestForm>::from_request(Request::from_parts(parts.clone(), body), &app).await
    else {
        return p.error(StatusCode::BAD_REQUEST, &p.t("err-title"), &p.t("err-bad-form"));
    };
    if !form_cookie_matches(form_cookie.as_deref(), &form.csrf) {
        let n = html! { div.error role="alert" id="form-error" { p { (p.t("err-form-expired")) } } };
        return reset_request_page(&app, &p, Some(n), StatusCode::FORBIDDEN);
    }
    if app.limits.sign_up.check_key(&client_ip(&parts)).is_err() {
        let n = error_box(&p, &PeopleError::Locked { minutes: 60 });
        return reset_request_page(&app, &p, Some(n), StatusCode::TOO_MANY_REQUESTS);
    }
    match app.people.request_password_reset(&form.email, &app.config.public_url()) {
        Ok(()) => {
            let n = html! { div.notice role="status" id="link-sent" { p { (p.t("reset-sent")) } } };
            reset_request_page(&app, &p, Some(n), StatusCode::OK)
        }
        Err(e) => {
            let n = error_box(&p, &e);
            reset_request_page(&app, &p, Some(n), status_of(&e))
        }
    }
}

fn new_password_page(
    app: &AppState,
    p: &Page,
    token: &str,
    error: Option<&PeopleError>,
    status: StatusCode,
) -> Response {
    let (csrf, cookie) = form_token(app);
    let main = html! {
        h1 { (p.t("reset-new-title")) }
        @if let Some(e) = error { (error_box(p, e)) }
        form.stack method="post" action={ "/reset/" (token) } {
            (csrf_field(&csrf))
            label for="password" { (p.t("field-password")) }
            input #password type="password" name="password" autocomplete="new-password" required minlength="10" maxlength="1024" aria-describedby="password-hint";
            p.hint #password-hint { (p.t("password-hint")) }
            button #set-password type="submit" { (p.t("reset-set-button")) }
        }
    };
    let mut response = with_cookie(p.render(status, &p.t("reset-new-title"), Section::Account, main), cookie);
    // The token is in the URL: keep it out of other sites' Referer headers.
    response.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// GET /reset/{token}
pub async fn new_password_form(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    Path(token): Path<String>,
) -> Response {
    let p = Page::new(ui, &uri);
    let people = app.people.clone();
    let checked = {
        let token = token.clone();
        tokio::task::spawn_blocking(move || people.check_reset_token(&token)).await
    };
    match checked {
        Ok(Ok(_)) => new_password_page(&app, &p, &token, None, StatusCode::OK),
        Ok(Err(e)) => failure_page(&p, &e),
        Err(e) => failure_page(&p, &PeopleError::Internal(e.to_string())),
    }
}

/// POST /reset/{token}
pub async fn set_new_password(
    State(app): State<AppState>,
    ui: UiLang,
    Path(token): Path<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let p = Page::new(ui, &parts.uri);
    let form_cookie = cookie_value(&parts, FORM_COOKIE).map(str::to_string);
    let Ok(Form(form)) = Form::<NewPasswordForm>::from_request(Request::from_parts(parts.clone(), body), &app).await
    else {
        return p.error(StatusCode::BAD_REQUEST, &p.t("err-title"), &p.t("err-bad-form"));
    };
    if !form_cookie_matches(form_cookie.as_deref(), &form.csrf) {
        return p.error(StatusCode::FORBIDDEN, &p.t("err-title"), &p.t("err-form-expired"));
    }
    let people = app.people.clone();
    let t = token.clone();
    match tokio::task::spawn_blocking(move || people.reset_password(&t, &form.password)).await {
        Ok(Ok(())) => Redirect::to("/login?reset=1").into_response(),
        Ok(Err(e @ PeopleError::Password(_))) => {
            new_password_page(&app, &p, &token, Some(&e), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Ok(Err(e)) => failure_page(&p, &e),
        Err(e) => failure_page(&p, &PeopleError::Internal(e.to_string())),
    }
}

// ---------------------------------------------------------------------------------------
// Confirming the sign-in address

/// GET /confirm/{token}
pub async fn confirm_email(State(app): State<AppState>, ui: UiLang, uri: Uri, Path(token): Path<String>) -> Response {
    let p = Page::new(ui, &uri);
    let people = app.people.clone();
    match tokio::task::spawn_blocking(move || people.confirm_email(&token)).await {
        Ok(Ok(())) => {
            let main = html! {
                h1 { (p.t("email-confirmed-title")) }
                p #email-confirmed { (p.t("email-confirmed-text")) }
                p { a href="/me" { (p.t("me-title")) } }
            };
            let mut response = p.render(StatusCode::OK, &p.t("email-confirmed-title"), Section::Account, main);
            response.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
            response
        }
        Ok(Err(e)) => failure_page(&p, &e),
        Err(e) => failure_page(&p, &PeopleError::Internal(e.to_string())),
    }
}

/// POST /me/confirm-email — sends the confirmation link again.
pub async fn resend_confirmation(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Form(form): Form<CsrfForm>,
) -> Response {
    let p = Page::new(ui, &uri);
    let session = match require_form(&p, &uri, session, None, &form.csrf) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let (people, id, base) = (app.people.clone(), session.account.row.id.clone(), app.config.public_url());
    match tokio::task::spawn_blocking(move || people.send_email_confirmation(&id, &base)).await {
        Ok(Ok(())) => Redirect::to("/me").into_response(),
        Ok(Err(e)) => failure_page(&p, &e),
        Err(e) => failure_page(&p, &PeopleError::Internal(e.to_string())),
    }
}

// ---------------------------------------------------------------------------------------
// Keys

/// GET /admin/keys
pub async fn keys(State(app): State<AppState>, ui: UiLang, uri: Uri, MaybeSession(session): MaybeSession) -> Response {
    let p = Page::new(ui, &uri);
    let session = match require(&p, &uri, session, &Action::RotateKeys) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let main = html! {
        h1 { (p.t("keys-title")) }
        p { (p.t("keys-lead")) }
        dl.fields {
            dt { (p.t("keys-pseudonym-version")) } dd #pseudonym-version { (app.people.pseudonym_key_version()) }
        }
        form.stack method="post" action="/admin/keys/rotate" {
            (csrf_field(&session.csrf))
            p.hint { (p.t("keys-rotate-hint")) }
            button.danger #rotate type="submit" { (p.t("keys-rotate-button")) }
        }
    };
    p.render(StatusCode::OK, &p.t("keys-title"), Section::Admin, main)
}

/// POST /admin/keys/rotate
pub async fn rotate_keys(
    State(app): State<AppState>,
    ui: UiLang,
    uri: Uri,
    MaybeSession(session): MaybeSession,
    Form(form): Form<CsrfForm>,
) -> Response {
    let p = Page::new(ui, &uri);
    let session = match require_form(&p, &uri, session, Some(&Action::RotateKeys), &form.csrf) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    match app.people.rotate_pseudonym_key(&session.account).await {
        Ok(_) => Redirect::to("/admin/keys").into_response(),
        Err(e) => failure_page(&p, &e),
    }
}
