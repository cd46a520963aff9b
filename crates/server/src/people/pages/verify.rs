//! Verifying one's own identity: the choices, the OpenID Connect round trip and the
//! registry's one-time code.

use super::*;

// ---------------------------------------------------------------------------------------
// Verifying one's own identity

/// GET /verify — the ways to verify.
pub(crate) async fn verify_choices(
    State(app): State<AppState>,
    p: Page,
    Citizen { session, .. }: Citizen,
) -> PageResult {
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
    Ok(p.render(StatusCode::OK, &p.t("verify-title"), Section::Account, main))
}

/// POST /verify/oidc — off to the identity provider.
pub(crate) async fn oidc_start(
    State(app): State<AppState>,
    p: Page,
    Citizen { session, .. }: Citizen,
    _: CsrfForm<NoFields>,
) -> PageResult {
    let oidc = app.oidc.clone().ok_or_else(|| failure_page(&p, &PeopleError::OidcDisabled))?;
    let account_id = session.account.row.id.clone();
    let url = run_blocking(move || oidc.start(&account_id)).await.map_err(|e| failure_page(&p, &e))?;
    Ok(Redirect::to(&url).into_response())
}

/// What the identity provider sends the browser back with (OpenID Connect Core 1.0, 3.1.2.5
/// and 3.1.2.6).
#[derive(Deserialize)]
pub struct ProviderAnswer {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// GET /verify/oidc/callback?code=…&state=… — back from the identity provider.
pub(crate) async fn oidc_callback(
    State(app): State<AppState>,
    p: Page,
    Citizen { session, .. }: Citizen,
    PageQuery(answer): PageQuery<ProviderAnswer>,
) -> PageResult {
    let failed = |e: PeopleError| failure_page(&p, &e);
    let oidc = app.oidc.clone().ok_or_else(|| failed(PeopleError::OidcDisabled))?;
    let (Some(code), Some(state)) = (answer.code, answer.state) else {
        // The person cancelled at the provider, or it reported an error.
        let reason = answer.error.unwrap_or_else(|| "no code".into());
        return Err(failed(PeopleError::OidcRefused(reason)).into());
    };
    let account_id = session.account.row.id.clone();
    let claims = run_blocking(move || oidc.finish(&account_id, &state, &code)).await.map_err(failed)?;
    let locality = claims
        .locality
        .parse::<Locality>()
        .map_err(|_| failed(PeopleError::InvalidField { field: "locality", max: 64 }))?;
    let claim =
        IdentityClaim { iin: claims.iin, given_name: claims.given_name, family_name: claims.family_name, locality };
    app.people.verify(&session.account.id, &claim, VerificationMethod::Oidc, None).await.map_err(failed)?;
    Ok(Redirect::to("/me").into_response())
}

#[derive(Deserialize)]
pub struct CodeForm {
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
pub(crate) async fn registry_code_form(p: Page, Citizen { session, .. }: Citizen) -> PageResult {
    Ok(code_page(&p, &session, false, None, StatusCode::OK))
}

/// POST /verify/registry — without `code`, sends one; with it, checks it.
pub(crate) async fn registry_code(
    State(app): State<AppState>,
    p: Page,
    Citizen { session, .. }: Citizen,
    ClientAddr(address): ClientAddr,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Response {
    if let Err(e) = Limits::check(&app.limits.sign_in, address) {
        return with_retry_after(code_page(&p, &session, false, Some(&e), StatusCode::TOO_MANY_REQUESTS), &e);
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
