//! Officials' pages: find a person and open their record, stating purpose, basis and case.

use super::*;
use crate::web::locality_label;

// ---------------------------------------------------------------------------------------
// Officials

/// GET /office — open a person's record: the form itself, so that an IIN typed here goes in
/// a POST body, never in an address a browser's history or a proxy's log keeps.
pub(crate) async fn office(State(app): State<AppState>, p: Page, official: Official<Opening>) -> PageResult {
    Ok(open_page(&app, &p, &official, "", None, StatusCode::OK).await)
}

#[derive(Deserialize)]
pub struct AccountQuery {
    #[serde(default)]
    account: String,
}

/// GET /office/person?account=… — the form to open a person's data, stating why.
pub(crate) async fn open_form(
    State(app): State<AppState>,
    p: Page,
    official: Official<Opening>,
    PageQuery(q): PageQuery<AccountQuery>,
) -> PageResult {
    // Links prefill an account id. An IIN does not belong in an address (browser history,
    // proxy logs): one put there by hand is not carried into the form.
    let subject = Some(q.account.trim()).filter(|s| !looks_like_iin(s)).unwrap_or("");
    Ok(open_page(&app, &p, &official, subject, None, StatusCode::OK).await)
}

/// Twelve digits: an IIN, not an account id.
fn looks_like_iin(subject: &str) -> bool {
    subject.len() == 12 && subject.bytes().all(|b| b.is_ascii_digit())
}

/// The form offers exactly the bodies the submit accepts ([`Official`] asked `authorize`).
async fn open_page(
    app: &AppState,
    p: &Page,
    official: &Official<Opening>,
    subject: &str,
    error: Option<&PeopleError>,
    status: StatusCode,
) -> Response {
    let (session, bodies) = (&official.session, &official.bodies);
    let bases = access_bases(app).await;
    let mut body_names = Vec::new();
    for b in bodies {
        body_names.push((b.clone(), app.deployment.body_name(b, p.lang)));
    }
    let main = html! {
        h1 { (p.t("open-title")) }
        p.lead { (p.t("office-lead")) " " (p.t("open-lead")) }
        p { a #office-petitions href="/office/petitions" { (p.t("staff-office-title")) } }
        @if let Some(e) = error { (error_box(p, e)) }
        form.stack method="post" action="/office/person" {
            (csrf_field(&session.csrf))
            label for="account" { (p.t("field-person")) }
            p.hint #account-hint { (p.t("office-person-hint")) }
            input #account type="text" name="account" value=(subject) required maxlength="64" autocomplete="off" aria-describedby="account-hint";
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
    account: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    case: String,
    #[serde(flatten)]
    signing: PendingFields,
}

/// POST /office/person — logs the opening, then shows the data. An official who holds a
/// signing key signs the opening first: the form comes back as "Sign this act", which sends
/// it here again with the signature.
pub(crate) async fn open(
    State(app): State<AppState>,
    p: Page,
    official: Official<Opening>,
    CsrfForm(form): CsrfForm<OpenForm>,
) -> Response {
    let subject = form.account.trim().to_string();
    let (Ok(body), Ok(basis)) = (form.body.parse::<BodyId>(), form.basis.parse::<BasisCode>()) else {
        let e = PeopleError::InvalidField { field: "body", max: 64 };
        return open_page(&app, &p, &official, &subject, Some(&e), StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let account = &official.session.account;
    let by_iin = looks_like_iin(&subject);
    let (purpose, case, signed) = (&form.purpose, &form.case, form.signing.signed());
    let outcome = if by_iin {
        app.people.open_personal_data_by_iin(account, &subject, &body, &basis, purpose, case, signed).await
    } else {
        let opened = app.people.open_personal_data(account, &subject, &body, &basis, purpose, case, signed).await;
        opened.map(|(profile, receipt)| (Some(profile), receipt))
    };
    match outcome {
        Err(PeopleError::ToSign(act)) => {
            let fields = [
                ("account", subject.as_str()),
                ("body", &form.body),
                ("basis", &form.basis),
                ("purpose", purpose),
                ("case", case),
            ];
            let shown = [(p.t("field-person"), subject.clone())];
            sign_pending_page(&app, &p, &official.session, &act, "/office/person", &fields, &shown)
        }
        Ok((None, receipt)) => {
            let main = html! {
                h1 { (p.t("opened-title")) }
                div.note role="status" #no-account {
                    p { (p.t("opened-no-account")) }
                    p { a href={ "/log/" (receipt.index) } { (p.t("see-on-log")) } }
                }
                p { a href="/office" { (p.t("office-title")) } }
            };
            p.render(StatusCode::OK, &p.t("opened-title"), Section::Admin, main)
        }
        Ok((Some(profile), receipt)) => {
            let main = html! {
                h1 { (p.t("opened-title")) }
                p.notice role="status" { (p.t("opened-logged")) " " a href={ "/log/" (receipt.index) } { (p.t("see-on-log")) } }
                dl.fields #opened-record {
                    @if !by_iin { dt { (p.t("field-account-id")) } dd { code { (subject) } } }
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
        Err(e) if e.is_client_error() => open_page(&app, &p, &official, &subject, Some(&e), status_of(&e)).await,
        Err(e) => failure_page(&p, &e),
    }
}
