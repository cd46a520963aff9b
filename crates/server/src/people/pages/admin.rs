//! Administrators' and auditors' pages: people, roles, manual verification, registry import,
//! bodies, keys, and the table of every opening of personal data.

use super::*;
use crate::web::forms::{act_signing, sign_script};
use dauys_core::known_districts;

// ---------------------------------------------------------------------------------------
// Administrators

/// Where a page of the list of people starts: after this account.
#[derive(Deserialize)]
pub struct AfterQuery {
    after: Option<String>,
}

/// GET /admin/people
pub(crate) async fn admin_people(
    State(app): State<AppState>,
    p: Page,
    PageQuery(AfterQuery { after }): PageQuery<AfterQuery>,
) -> PageResult {
    let session = p.authorize(&Action::ListPeople)?;
    let people = app.people.clone();
    let rows = run_blocking(move || Ok(people.store().list_accounts(after.as_deref(), 50)?))
        .await
        .map_err(|e| failure_page(&p, &e))?;
    let bodies = all_bodies(&app).await;
    let staff = all_staff(&app).await;
    let keys = app.deployment.act_keys(&session.account.id);
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
                th scope="col" { (p.t("field-public-name")) }
                th scope="col" { (p.t("field-role")) }
                th scope="col" { (p.t("field-body")) }
                th scope="col" { (p.t("col-actions")) }
            } }
            tbody {
                @for member in &staff {
                    @for g in &member.grants {
                        tr {
                            th scope="row" { code { (member.account) } }
                            td { (g.name.as_deref().unwrap_or("—")) }
                            td { (role_label(p.lang, g.role)) }
                            td { @if let Some(b) = &g.body { (app.deployment.body_name(b, p.lang)) } @else { "—" } }
                            td {
                                // Asked twice: a revocation is published on the ledger at once.
                                details.confirm {
                                    summary { (p.t("admin-revoke-button")) }
                                    form.inline method="post" action="/admin/roles/revoke" {
                                        (csrf_field(&session.csrf))
                                        input type="hidden" name="account" value=(member.account);
                                        input type="hidden" name="role" value=(g.role.as_str());
                                        input type="hidden" name="body" value=(g.body.as_ref().map(|b| b.as_str()).unwrap_or(""));
                                        (act_signing(&session.account.id, keys.as_deref(), Some(&dauys_core::act_statement(&dauys_core::Event::RoleRevoked { account: member.account.clone(), role: g.role, body: g.body.clone(), by: session.account.id.clone() })), None))
                                        p.hint { (p.t("admin-revoke-confirm")) }
                                        button.danger type="submit" { (p.t("admin-revoke-button")) }
                                    }
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
            label for="name" { (p.t("field-public-name")) }
            input #name type="text" name="name" maxlength=(dauys_core::MAX_STAFF_NAME_CHARS) aria-describedby="name-hint";
            p.hint #name-hint { (p.t("admin-name-hint")) }
            button #grant type="submit" { (p.t("admin-grant-button")) }
        }
    };
    Ok(p.render_with_head(StatusCode::OK, &p.t("admin-people-title"), Section::Admin, sign_script(), main))
}

#[derive(Deserialize)]
pub struct GrantForm {
    #[serde(default)]
    account: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    body: String,
    /// The name and position the holder acts under in public; granting only.
    #[serde(default)]
    name: String,
    /// The administrator's own signature of the act, when their browser signed it.
    #[serde(default)]
    act_key: String,
    #[serde(default)]
    act_sig: String,
}

/// POST /admin/roles
pub(crate) async fn grant_role(
    State(app): State<AppState>,
    p: Page,
    CsrfForm(form): CsrfForm<GrantForm>,
) -> PageResult {
    change_role(app, p, form, true).await
}

/// POST /admin/roles/revoke
pub(crate) async fn revoke_role(
    State(app): State<AppState>,
    p: Page,
    CsrfForm(form): CsrfForm<GrantForm>,
) -> PageResult {
    change_role(app, p, form, false).await
}

async fn change_role(app: AppState, p: Page, form: GrantForm, grant: bool) -> PageResult {
    let session = p.authorize(if grant { &Action::GrantRole } else { &Action::RevokeRole })?;
    let invalid = |field| failure_page(&p, &PeopleError::InvalidField { field, max: 64 });
    let account = form.account.trim().parse::<AccountId>().map_err(|_| invalid("account"))?;
    let role = form.role.parse::<Role>().map_err(|_| invalid("role"))?;
    let body = match form.body.trim() {
        "" => None,
        b => Some(b.parse::<BodyId>().map_err(|_| invalid("body"))?),
    };
    let name = match form.name.trim() {
        "" => None,
        name => Some(
            crate::people::clean_line("name", name, dauys_core::MAX_STAFF_NAME_CHARS)
                .map_err(|e| failure_page(&p, &e))?,
        ),
    };
    let by = session.account.id.clone();
    let event = if grant {
        dauys_core::Event::RoleGranted { account, role, body, by: Some(by), name }
    } else {
        dauys_core::Event::RoleRevoked { account, role, body, by }
    };
    let signature = crate::web::forms::act_signature(&form.act_key, &form.act_sig);
    Ok(match app.sequencer.submit_signed(event, signature).await.map_err(PeopleError::from) {
        Ok(_) => Redirect::to("/admin/people").into_response(),
        Err(PeopleError::Unsigned(event)) => {
            let action = if grant { "/admin/roles" } else { "/admin/roles/revoke" };
            let fields =
                [("account", form.account.as_str()), ("role", &form.role), ("body", &form.body), ("name", &form.name)];
            crate::web::sign::sign_act_page(&app, &p, session, &event, action, &fields)
        }
        Err(e) => failure_page(&p, &e),
    })
}

#[derive(Deserialize)]
pub struct VerifyForm {
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
    /// The administrator's own signature of the act, when their browser signed it.
    #[serde(default)]
    act_key: String,
    #[serde(default)]
    act_sig: String,
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
            input #district type="text" name="district" maxlength="64" pattern="[a-z0-9][a-z0-9\\-]*" aria-describedby="district-hint" list="known-districts";
            // The named districts, so the same identifier is typed for the same district.
            datalist #known-districts {
                @for r in Region::ALL {
                    @for (id, name) in known_districts(r) {
                        option value=(id) { (r.name().get(p.lang)) ", " (name.get(p.lang)) }
                    }
                }
            }
            p.hint #district-hint { (p.t("district-hint")) }
            button #verify type="submit" { (p.t("admin-verify-button")) }
        }
    };
    p.render(status, &p.t("admin-verify-title"), Section::Admin, main)
}

/// GET /admin/people/{id}/verify
pub(crate) async fn verify_form(p: Page, Path(id): Path<String>) -> PageResult {
    let session = p.authorize(&Action::VerifyPersonManually)?;
    Ok(verify_page(&p, session, &id, None, StatusCode::OK))
}

/// POST /admin/people/{id}/verify
pub(crate) async fn verify(
    State(app): State<AppState>,
    p: Page,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<VerifyForm>,
) -> PageResult {
    let session = p.authorize(&Action::VerifyPersonManually)?;
    let locality = if form.district.trim().is_empty() {
        form.region.clone()
    } else {
        format!("{}/{}", form.region, form.district.trim())
    };
    let Ok(locality) = locality.parse::<Locality>() else {
        let e = PeopleError::InvalidField { field: "locality", max: 64 };
        return Err(verify_page(&p, session, &id, Some(&e), StatusCode::UNPROCESSABLE_ENTITY).into());
    };
    let account_id = id.parse::<AccountId>().map_err(|_| failure_page(&p, &PeopleError::NoSuchAccount))?;
    let claim = IdentityClaim {
        iin: form.iin.clone(),
        given_name: form.given_name.clone(),
        family_name: form.family_name.clone(),
        locality,
    };
    let signature = crate::web::forms::act_signature(&form.act_key, &form.act_sig);
    let outcome = app
        .people
        .verify_signed(&account_id, &claim, VerificationMethod::Manual, Some(&session.account), signature)
        .await;
    Ok(match outcome {
        Ok(_) => Redirect::to("/admin/people").into_response(),
        Err(PeopleError::Unsigned(event)) => {
            let fields = [
                ("iin", form.iin.as_str()),
                ("given_name", &form.given_name),
                ("family_name", &form.family_name),
                ("region", &form.region),
                ("district", &form.district),
            ];
            crate::web::sign::sign_act_page(&app, &p, session, &event, &format!("/admin/people/{id}/verify"), &fields)
        }
        Err(e) if e.is_client_error() => verify_page(&p, session, &id, Some(&e), status_of(&e)),
        Err(e) => failure_page(&p, &e),
    })
}

// ---------------------------------------------------------------------------------------
// The registry path

#[derive(Deserialize)]
pub struct RegistryForm {
    #[serde(default)]
    csv: String,
    #[serde(flatten)]
    signing: crate::web::forms::ActFields,
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
pub(crate) async fn registry_form(p: Page) -> PageResult {
    let session = p.authorize(&Action::ImportRegistry)?;
    Ok(registry_page(&p, session, "", None, StatusCode::OK))
}

/// POST /admin/registry
pub(crate) async fn import_registry(
    State(app): State<AppState>,
    p: Page,
    CsrfForm(form): CsrfForm<RegistryForm>,
) -> PageResult {
    let session = p.authorize(&Action::ImportRegistry)?;
    let records = match app.people.parse_registry(&form.csv, &session.account) {
        Ok(r) => r,
        Err(crate::people::registry::ImportErrors(errors)) => {
            let n = html! {
                div.error role="alert" id="form-error" {
                    p { (p.t("registry-refused")) }
                    ul { @for (line, e) in &errors { li { (p.t("registry-line")) " " (line) ": " (message(&p, e)) } } }
                }
            };
            return Ok(registry_page(&p, session, &form.csv, Some(n), StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let count = records.len();
    Ok(match app.people.import_registry(&session.account, &form.csv, records, form.signing.signature()).await {
        Ok(receipt) => {
            let n = html! {
                div.notice role="status" id="imported" {
                    p { (p.t("registry-imported")) " " strong { (count) } " · " a href={ "/log/" (receipt.index) } { (p.t("see-on-log")) } }
                }
            };
            registry_page(&p, session, "", Some(n), StatusCode::OK)
        }
        // Its statement depends on the file typed: shown now, with the file, to be signed.
        Err(PeopleError::Unsigned(event)) => {
            crate::web::sign::sign_act_page(&app, &p, session, &event, "/admin/registry", &[("csv", &form.csv)])
        }
        Err(e) => failure_page(&p, &e),
    })
}

// ---------------------------------------------------------------------------------------
// Bodies and the auditor's view

#[derive(Deserialize)]
pub struct BodyForm {
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
    let bodies: Vec<dauys_core::Body> = projection_rows_with_prefix(app, dauys_core::RowPrefix::BODY).await;
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
                        td { @if let Some(parent) = &b.parent { (app.deployment.body_name(parent, p.lang)) } @else { "—" } }
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
pub(crate) async fn bodies(State(app): State<AppState>, p: Page) -> PageResult {
    let session = p.authorize(&Action::ManageBodies)?;
    Ok(bodies_page(&app, &p, session, None, StatusCode::OK).await)
}

/// POST /admin/bodies — registers a body on the ledger.
pub(crate) async fn register_body(
    State(app): State<AppState>,
    p: Page,
    CsrfForm(form): CsrfForm<BodyForm>,
) -> PageResult {
    let session = p.authorize(&Action::ManageBodies)?;
    let invalid = PeopleError::InvalidField { field: "body", max: 64 };
    let kind = dauys_core::BodyKind::ALL.into_iter().find(|k| k.as_str() == form.kind);
    let parent = match form.parent.trim() {
        "" => Ok(None),
        p => p.parse::<BodyId>().map(Some),
    };
    let (Ok(body), Some(kind), Ok(parent)) = (form.body.trim().parse::<BodyId>(), kind, parent) else {
        return Ok(bodies_page(&app, &p, session, Some(&invalid), StatusCode::UNPROCESSABLE_ENTITY).await);
    };
    let name = dauys_core::LocalizedText::new(form.name_kk.trim(), form.name_ru.trim(), form.name_en.trim());
    Ok(
        match app
            .sequencer
            .submit(dauys_core::Event::BodyRegistered { body, name, kind, parent, territory: None, competences: None })
            .await
        {
            Ok(_) => Redirect::to("/admin/bodies").into_response(),
            Err(e) => {
                let e = PeopleError::from(e);
                if e.is_client_error() {
                    bodies_page(&app, &p, session, Some(&e), status_of(&e)).await
                } else {
                    failure_page(&p, &e)
                }
            }
        },
    )
}

/// GET /audit/openings — every opening of personal data on the ledger, newest first, for
/// auditors (the same events anyone can read in the log; here gathered in one table).
pub(crate) async fn audit_openings(State(app): State<AppState>, p: Page) -> PageResult {
    p.authorize(&Action::ViewAuditView)?;
    let mut openings: Vec<dauys_core::DataOpening> =
        projection_rows_with_prefix(&app, dauys_core::RowPrefix::OPENING).await;
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
                        td { (time_el(&app, p.lang, o.opened_at.0)) }
                        td { (app.deployment.body_name(&o.body, p.lang)) }
                        td { (crate::web::staff_el(&app, &o.official)) }
                        td { (o.purpose) " (" (o.case) ")" }
                        td { (basis_name(&bases, p.lang, &o.basis)) }
                        td { (time_el(&app, p.lang, o.disclosed_from.0)) }
                    }
                }
            }
        }
    };
    Ok(p.render(StatusCode::OK, &p.t("audit-title"), Section::Admin, main))
}

// ---------------------------------------------------------------------------------------
// Keys

/// GET /admin/keys
pub(crate) async fn keys(State(app): State<AppState>, p: Page) -> PageResult {
    let session = p.authorize(&Action::RotateKeys)?;
    // The rotation's act is known now, so a key holder's browser signs it on the way out.
    let rotation = app.people.rotation_event(&session.account);
    let act_keys = app.deployment.act_keys(&session.account.id);
    let statement = dauys_core::act_statement(&rotation);
    let main = html! {
        h1 { (p.t("keys-title")) }
        p { (p.t("keys-lead")) }
        dl.fields {
            dt { (p.t("keys-pseudonym-version")) } dd #pseudonym-version { (app.people.pseudonym_key_version()) }
        }
        form.stack method="post" action="/admin/keys/rotate" {
            (csrf_field(&session.csrf))
            (act_signing(&session.account.id, act_keys.as_deref(), Some(&statement), None))
            p.hint { (p.t("keys-rotate-hint")) }
            button.danger #rotate type="submit" { (p.t("keys-rotate-button")) }
        }
    };
    Ok(p.render_with_head(StatusCode::OK, &p.t("keys-title"), Section::Admin, sign_script(), main))
}

/// POST /admin/keys/rotate
pub(crate) async fn rotate_keys(
    State(app): State<AppState>,
    p: Page,
    CsrfForm(form): CsrfForm<crate::web::forms::ActFields>,
) -> PageResult {
    let session = p.authorize(&Action::RotateKeys)?;
    Ok(match app.people.rotate_pseudonym_key(&session.account, form.signature()).await {
        Ok(_) => Redirect::to("/admin/keys").into_response(),
        Err(PeopleError::Unsigned(event)) => {
            crate::web::sign::sign_act_page(&app, &p, session, &event, "/admin/keys/rotate", &[])
        }
        Err(e) => failure_page(&p, &e),
    })
}
