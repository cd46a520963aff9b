//! A person's own pages: sign-up, sign-in, sessions, the profile, contacts, erasure, the
//! data download, "who looked at my data", password reset and address confirmation.

use super::*;
use crate::web::extract::urlencode;
use crate::web::locality_label;
use fluent_templates::fluent_bundle::FluentValue;

#[derive(Deserialize)]
pub struct CredentialsForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
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
    (cookie, p.render(status, &title, Section::Account, main)).into_response()
}

/// GET /signup
pub(crate) async fn signup_form(State(app): State<AppState>, p: Page) -> Response {
    credentials_page(&app, &p, true, "", "/me", None, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    /// Set after signing up.
    created: Option<String>,
    /// Set after a new password.
    reset: Option<String>,
}

/// GET /login
pub(crate) async fn login_form(State(app): State<AppState>, p: Page, PageQuery(q): PageQuery<LoginQuery>) -> Response {
    let next = safe_next(q.next.as_deref());
    let notice = if q.created.is_some() {
        Some(html! { div.notice role="status" { p { (p.t("signup-done")) } } })
    } else if q.reset.is_some() {
        Some(html! { div.notice role="status" id="password-changed" { p { (p.t("reset-done")) } } })
    } else {
        None
    };
    credentials_page(&app, &p, false, "", &next, notice, StatusCode::OK)
}

/// Above a signed-out form shown again: its token did not match its cookie.
fn expired_box(p: &Page) -> Markup {
    html! { div.error role="alert" id="form-error" { p { (p.t("err-form-expired")) } } }
}

fn form_expired(app: &AppState, p: &Page, signing_up: bool, form: &CredentialsForm) -> Response {
    let next = safe_next(Some(&form.next));
    credentials_page(app, p, signing_up, &form.email, &next, Some(expired_box(p)), StatusCode::FORBIDDEN)
}

/// POST /signup
pub(crate) async fn signup(
    State(app): State<AppState>,
    p: Page,
    ClientAddr(address): ClientAddr,
    SignedOutForm { form, genuine }: SignedOutForm<CredentialsForm>,
) -> Response {
    if !genuine {
        return form_expired(&app, &p, true, &form);
    }
    if let Err(e) = Limits::check(&app.limits.sign_up, address) {
        let n = error_box(&p, &e);
        let page = credentials_page(&app, &p, true, &form.email, "/me", Some(n), StatusCode::TOO_MANY_REQUESTS);
        return with_retry_after(page, &e);
    }
    let (email, password) = (form.email.clone(), Zeroizing::new(form.password.clone()));
    let created = app.people.hashing(move |people| people.sign_up(&email, &password)).await;
    match created {
        Ok(new_account) => {
            if let Some(id) = new_account {
                let (people, account, base) = (app.people.clone(), id.to_string(), app.config.public_url());
                if let Err(e) = run_blocking(move || people.send_email_confirmation(&account, &base)).await {
                    tracing::warn!(error = %e, "confirmation mail not queued");
                }
                app.people.ensure_first_administrator(&id, &form.email).await;
                tracing::info!(account = %id, "account created");
            }
            Redirect::to("/login?created=1").into_response()
        }
        Err(e) if e.is_client_error() => {
            let n = error_box(&p, &e);
            credentials_page(&app, &p, true, &form.email, "/me", Some(n), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => failure_page(&p, &e),
    }
}

/// POST /login
pub(crate) async fn login(
    State(app): State<AppState>,
    p: Page,
    ClientAddr(address): ClientAddr,
    jar: CookieJar,
    SignedOutForm { form, genuine }: SignedOutForm<CredentialsForm>,
) -> Response {
    let next = safe_next(Some(&form.next));
    if !genuine {
        return form_expired(&app, &p, false, &form);
    }
    let ttl = app.config.session_hours * 3_600_000;
    let signed_in = match Limits::check(&app.limits.sign_in, address) {
        Ok(()) => {
            let device = jar.get(DEVICE_COOKIE).map(Cookie::value);
            app.people.sign_in(&form.email, Zeroizing::new(form.password.clone()), device, ttl).await
        }
        Err(e) => Err(e),
    };
    match signed_in {
        Ok(signed_in) => {
            app.people.ensure_first_administrator(&signed_in.account.id, &form.email).await;
            let session = site_cookie(SESSION_COOKIE, signed_in.session_token, ttl / 1000, secure(&app), SameSite::Lax);
            let device =
                site_cookie(DEVICE_COOKIE, signed_in.device_cookie, DEVICE_COOKIE_SECS, secure(&app), SameSite::Strict);
            (jar.add(session).add(device), Redirect::to(&next)).into_response()
        }
        Err(e) if e.is_client_error() || e.retry_after_secs().is_some() => {
            let n = error_box(&p, &e);
            let page = credentials_page(&app, &p, false, &form.email, &next, Some(n), status_of(&e));
            with_retry_after(page, &e)
        }
        Err(e) => failure_page(&p, &e),
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    everywhere: Option<String>,
}

/// POST /logout — this session, or with `everywhere` every session of the account. Signing
/// out is never refused with a page: a visitor who is not signed in goes home, a form
/// without its token back to their page.
pub(crate) async fn logout(
    State(app): State<AppState>,
    p: Page,
    jar: CookieJar,
    Form(form): Form<LogoutForm>,
) -> Response {
    let jar = jar.add(session_cleared(&app));
    let Some(session) = p.session else { return (jar, Redirect::to("/")).into_response() };
    if !session.form_is_genuine(&form.csrf) {
        return Redirect::to("/me").into_response();
    }
    let people = app.people.clone();
    let everywhere = form.everywhere.is_some();
    let _ = run_blocking(move || {
        if everywhere {
            Ok(people.store().delete_sessions_of(&session.account.row.id).map(|_| ())?)
        } else {
            Ok(people.store().delete_session(&session.token_hash)?)
        }
    })
    .await;
    (jar, Redirect::to("/")).into_response()
}

// ---------------------------------------------------------------------------------------
// The citizen's own pages

/// GET /me — the profile.
pub(crate) async fn me(State(app): State<AppState>, p: Page, Citizen { session, .. }: Citizen) -> PageResult {
    let people = app.people.clone();
    let row = session.account.row.clone();
    let profile = run_blocking(move || people.profile(&row)).await.map_err(|e| failure_page(&p, &e))?;
    let account = &session.account;
    let opens = acting_bodies(account, Opening::action).is_ok();
    let answers = acting_bodies(account, crate::petitions::extract::Answering::action).is_ok();
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
                li { a #keys-link href="/me/keys" { (p.t("signing-title")) } }
                li { a href="/me/data.json" download="my-data.json" { (p.t("me-download")) } }
                @if account.may(&Action::ListPeople) { li { a href="/admin/people" { (p.t("admin-people-title")) } } }
                @if account.may(&Action::ImportRegistry) { li { a href="/admin/registry" { (p.t("registry-title")) } } }
                @if account.may(&Action::ManageBodies) { li { a href="/admin/bodies" { (p.t("bodies-title")) } } }
                @if account.may(&Action::RotateKeys) { li { a href="/admin/keys" { (p.t("keys-title")) } } }
                @if account.may(&Action::ViewAuditView) { li { a href="/audit/openings" { (p.t("audit-title")) } } }
                @if opens { li { a href="/office" { (p.t("office-title")) } } }
                @if account.may(&Action::ModeratePetitions) { li { a href="/moderation" { (p.t("staff-moderation-title")) } } }
                @if answers { li { a href="/office/petitions" { (p.t("staff-office-title")) } } }
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
        // Folded away at the end: it cannot be undone, and nobody should meet it by accident.
        details #erase {
            summary { (p.t("erase-title")) }
            p { (p.t("erase-explained")) }
            form.stack method="post" action="/me/erase" {
                (csrf_field(&session.csrf))
                label { input type="checkbox" name="confirm" value="yes" required; " " (p.t("erase-confirm")) }
                button.danger type="submit" { (p.t("erase-button")) }
            }
        }
    };
    Ok(p.render(StatusCode::OK, &p.t("me-title"), Section::Account, main))
}

#[derive(Deserialize)]
pub struct ContactsForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
}

/// POST /me/contacts
pub(crate) async fn update_contacts(
    State(app): State<AppState>,
    p: Page,
    Citizen { session, .. }: Citizen,
    CsrfForm(form): CsrfForm<ContactsForm>,
) -> Response {
    let people = app.people.clone();
    let base = app.config.public_url();
    match run_blocking(move || people.update_contacts(&session.account, &form.email, &form.phone, &base)).await {
        Ok(()) => Redirect::to("/me").into_response(),
        Err(e) => failure_page(&p, &e),
    }
}

#[derive(Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    confirm: String,
}

/// POST /me/erase
pub(crate) async fn erase(
    State(app): State<AppState>,
    p: Page,
    Citizen { session, .. }: Citizen,
    CsrfForm(form): CsrfForm<EraseForm>,
) -> Response {
    if form.confirm != "yes" {
        return p.error(StatusCode::UNPROCESSABLE_ENTITY, &p.t("err-title"), &p.t("err-erase-unconfirmed"));
    }
    match app.people.erase(&session.account).await {
        Ok(()) => {
            let main = html! { h1 { (p.t("erase-done-title")) } p { (p.t("erase-done")) } };
            let page = p.render(StatusCode::OK, &p.t("erase-done-title"), Section::Account, main);
            (CookieJar::new().add(session_cleared(&app)), page).into_response()
        }
        Err(e) => failure_page(&p, &e),
    }
}

/// GET /me/data.json — everything held about the account holder.
pub(crate) async fn my_data(State(app): State<AppState>, Citizen { session, .. }: Citizen) -> Response {
    let people = app.people.clone();
    let account = session.account.clone();
    let mut doc = match run_blocking(move || people.export(&account)).await {
        Ok(doc) => doc,
        Err(e) => return Problem::internal(e).into_response(),
    };
    // What the person did through each capability: the log names them only by pseudonyms.
    match app.capabilities.personal_data(&app.config.public_url(), &session.account).await {
        Ok(acts) => {
            if let Some(doc) = doc.as_object_mut() {
                doc.extend(acts);
            }
        }
        Err(e) => return Problem::internal(e).into_response(),
    }
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"my-data.json\""),
        ],
        serde_json::to_string_pretty(&doc).unwrap_or_default(),
    )
        .into_response()
}

/// A complaint to the body that opened the data, filled in with which opening it is about;
/// the person reads it, adds what they want and files it (or not).
fn dispute_href(app: &AppState, p: &Page, seen: &crate::people::SeenOpening) -> String {
    let o = &seen.opening;
    let text = p.t_args(
        "access-dispute-text",
        &[
            ("index", FluentValue::from(o.index.0)),
            ("official", FluentValue::from(crate::web::staff_text(app, &o.official))),
            ("purpose", FluentValue::from(o.purpose.clone())),
        ],
    );
    format!("/appeals/new?body={}&kind=complaint&text={}", urlencode(o.body.as_str()), urlencode(&text))
}

/// GET /me/access — "who looked at my data".
pub(crate) async fn who_looked(State(app): State<AppState>, p: Page, Citizen { session, .. }: Citizen) -> PageResult {
    let people = app.people.clone();
    let account = session.account.clone();
    let seen =
        run_blocking(move || people.openings_seen_by(&account, now_ms())).await.map_err(|e| failure_page(&p, &e))?;
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
                            td data-label=(p.t("col-time")) { (time_el(&app, p.lang, s.opening.opened_at.0)) }
                            td data-label=(p.t("col-body")) { (app.deployment.body_name(&s.opening.body, p.lang)) }
                            td data-label=(p.t("col-official")) { (crate::web::staff_el(&app, &s.opening.official)) }
                            td data-label=(p.t("col-purpose")) { (s.opening.purpose) " (" (s.opening.case) ")" }
                            td data-label=(p.t("col-basis")) { (basis_name(&bases, p.lang, &s.opening.basis)) }
                            td data-label=(p.t("col-check")) {
                                a href={ "/log/" (s.opening.index.0) } { (p.t("see-on-log")) }
                                " · "
                                a.dispute href=(dispute_href(&app, &p, s)) { (p.t("access-dispute")) }
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
    Ok(p.render(StatusCode::OK, &p.t("access-title"), Section::Account, main))
}

// ---------------------------------------------------------------------------------------
// Password reset

#[derive(Deserialize)]
pub struct ResetRequestForm {
    #[serde(default)]
    email: String,
}

#[derive(Deserialize)]
pub struct NewPasswordForm {
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
    (cookie, p.render(status, &p.t("reset-title"), Section::Account, main)).into_response()
}

/// GET /reset
pub(crate) async fn reset_request_form(State(app): State<AppState>, p: Page) -> Response {
    reset_request_page(&app, &p, None, StatusCode::OK)
}

/// POST /reset — sends a link if an account uses the address; the same answer either way.
pub(crate) async fn reset_request(
    State(app): State<AppState>,
    p: Page,
    ClientAddr(address): ClientAddr,
    SignedOutForm { form, genuine }: SignedOutForm<ResetRequestForm>,
) -> Response {
    if !genuine {
        return reset_request_page(&app, &p, Some(expired_box(&p)), StatusCode::FORBIDDEN);
    }
    if let Err(e) = Limits::check(&app.limits.sign_up, address) {
        let n = error_box(&p, &e);
        return with_retry_after(reset_request_page(&app, &p, Some(n), StatusCode::TOO_MANY_REQUESTS), &e);
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
    let mut response = (cookie, p.render(status, &p.t("reset-new-title"), Section::Account, main)).into_response();
    // The token is in the URL: keep it out of other sites' Referer headers.
    response.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// GET /reset/{token}
pub(crate) async fn new_password_form(State(app): State<AppState>, p: Page, Path(token): Path<String>) -> Response {
    let people = app.people.clone();
    let checked = {
        let token = token.clone();
        run_blocking(move || people.check_reset_token(&token)).await
    };
    match checked {
        Ok(_) => new_password_page(&app, &p, &token, None, StatusCode::OK),
        Err(e) => failure_page(&p, &e),
    }
}

/// POST /reset/{token}
pub(crate) async fn set_new_password(
    State(app): State<AppState>,
    p: Page,
    Path(token): Path<String>,
    SignedOutForm { form, genuine }: SignedOutForm<NewPasswordForm>,
) -> PageResult {
    if !genuine {
        return Err(p.form_expired());
    }
    let (t, password) = (token.clone(), Zeroizing::new(form.password.clone()));
    Ok(match app.people.hashing(move |people| people.reset_password(&t, &password)).await {
        Ok(()) => Redirect::to("/login?reset=1").into_response(),
        Err(e @ PeopleError::Password(_)) => {
            new_password_page(&app, &p, &token, Some(&e), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => failure_page(&p, &e),
    })
}

// ---------------------------------------------------------------------------------------
// Confirming the sign-in address

/// GET /confirm/{token}
pub(crate) async fn confirm_email(State(app): State<AppState>, p: Page, Path(token): Path<String>) -> Response {
    let people = app.people.clone();
    match run_blocking(move || people.confirm_email(&token)).await {
        Ok(()) => {
            let main = html! {
                h1 { (p.t("email-confirmed-title")) }
                p #email-confirmed { (p.t("email-confirmed-text")) }
                p { a href="/me" { (p.t("me-title")) } }
            };
            let mut response = p.render(StatusCode::OK, &p.t("email-confirmed-title"), Section::Account, main);
            response.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
            response
        }
        Err(e) => failure_page(&p, &e),
    }
}

/// POST /me/confirm-email — sends the confirmation link again.
pub(crate) async fn resend_confirmation(
    State(app): State<AppState>,
    p: Page,
    Citizen { session, .. }: Citizen,
    _: CsrfForm<NoFields>,
) -> Response {
    let (people, id, base) = (app.people.clone(), session.account.row.id.clone(), app.config.public_url());
    match run_blocking(move || people.send_email_confirmation(&id, &base)).await {
        Ok(()) => Redirect::to("/me").into_response(),
        Err(e) => failure_page(&p, &e),
    }
}
