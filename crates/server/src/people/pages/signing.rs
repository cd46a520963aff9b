//! A person's signing keys (`/me/keys`): the keys they registered to sign their own acts, a
//! button that makes one in this browser (`static/sign.js`: WebCrypto Ed25519, the private
//! key never leaves the browser), and revocation. Once they hold a key, the rules refuse any
//! act "by" them that it does not sign, whoever submits it.

use super::*;
use crate::people::KeyRegistration;
use crate::web::forms::{act_signature, act_signing};
use crate::web::sign_script_href;

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// GET /me/keys
pub(crate) async fn signing_keys(
    State(app): State<AppState>,
    p: Page,
    Citizen { session, .. }: Citizen,
    PageQuery(q): PageQuery<DoneQuery>,
) -> Response {
    keys_page(&app, &p, &session, &q.done, None, StatusCode::OK)
}

fn keys_page(
    app: &AppState,
    p: &Page,
    session: &Session,
    done: &str,
    failure: Option<String>,
    status: StatusCode,
) -> Response {
    let account = &session.account.id;
    let keys = app.deployment.act_keys(account);
    let in_force: Vec<String> = keys.as_ref().map(|k| k.in_force().map(|k| k.id.clone()).collect()).unwrap_or_default();
    let waiting = app.people.keys_waiting(&session.account);
    let title = p.t("signing-title");
    let head = html! { script src=(sign_script_href()) defer {} };
    let main = html! {
        h1 { (title) }
        p.lead { (p.t("signing-lead")) }
        @match done {
            "registered" => div.notice role="status" #key-done { p { (p.t("signing-registered")) } },
            "revoked" => div.notice role="status" #key-done { p { (p.t("signing-revoked")) } },
            "waiting" => div.notice role="status" #key-waiting { p { (p.t("signing-waiting")) } },
            _ => {},
        }
        @if let Some(message) = &failure {
            div.error role="alert" #form-error { p { (message) } }
        }
        p.notice #browser-key hidden data-account=(account) data-keys=(in_force.join(" ")) {
            (p.t("signing-this-browser")) " " code {}
        }
        @match &keys {
            Some(keys) => {
                table #signing-keys {
                    caption { (p.t("signing-keys-caption")) }
                    thead { tr { th scope="col" { (p.t("signing-col-key")) } th scope="col" { (p.t("signing-col-registered")) } th scope="col" { (p.t("signing-col-status")) } } }
                    tbody {
                        @for k in &keys.keys {
                            tr {
                                td { code { (k.id) } }
                                td { a href={ "/log/" (k.registered) } { (p.t("see-on-log")) } }
                                td {
                                    @match k.revoked {
                                        Some(at) => { (p.t("signing-status-revoked")) " · " a href={ "/log/" (at) } { (p.t("see-on-log")) } },
                                        None => {
                                            (p.t("signing-status-in-force"))
                                            form.inline method="post" action="/me/keys/revoke" {
                                                (csrf_field(&session.csrf))
                                                input type="hidden" name="key" value=(k.id);
                                                (act_signing(account, Some(keys), Some(&revocation_statement(account, &k.id)), None))
                                                button.secondary type="submit" { (p.t("signing-revoke")) }
                                            }
                                        },
                                    }
                                }
                            }
                        }
                    }
                }
            },
            None => p #no-keys { (p.t("signing-none")) },
        }
        @if !waiting.is_empty() {
            section #keys-waiting aria-labelledby="keys-waiting-heading" {
                h2 #keys-waiting-heading { (p.t("signing-waiting-title")) }
                p { (p.t("signing-waiting-explained")) }
                ul {
                    @for w in &waiting {
                        @if let dauys_core::Event::SignerRegistered { key, proof, .. } = &w.registration {
                            li {
                                code { (w.id) } " "
                                form.inline method="post" action="/me/keys" {
                                    (csrf_field(&session.csrf))
                                    input type="hidden" name="key" value=(key);
                                    input type="hidden" name="proof" value=(proof);
                                    (act_signing(account, keys.as_deref(), Some(&dauys_core::act_statement(&w.registration)), None))
                                    button.secondary type="submit" { (p.t("signing-confirm")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (p.t("signing-new-title")) }
        p { (p.t("signing-new-explained")) }
        @if !in_force.is_empty() {
            p.hint { (p.t("signing-new-second")) }
        }
        form.stack #register-key method="post" action="/me/keys" {
            (csrf_field(&session.csrf))
            input type="hidden" name="key" value="";
            input type="hidden" name="proof" value="";
            (act_signing(account, keys.as_deref(), None, None))
            // Enabled by the script: without it no key can be made.
            button #make-key type="submit" disabled { (p.t("signing-make")) }
        }
        p.error #key-failed hidden role="alert" { (p.t("signing-failed")) " " code {} }
        noscript { p.notice { (p.t("signing-needs-script")) } }
    };
    p.render_with_head(status, &title, Section::Account, head, main)
}

/// What a revocation signs: the act's statement, built as the rules build it.
fn revocation_statement(account: &dauys_core::AccountId, key: &str) -> Vec<u8> {
    dauys_core::act_statement(&dauys_core::Event::SignerRevoked { account: account.clone(), key: key.to_string() })
}

#[derive(Deserialize)]
pub struct RegisterKeyForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    proof: String,
    #[serde(default)]
    act_key: String,
    #[serde(default)]
    act_sig: String,
}

/// POST /me/keys — registers the key the browser made.
pub(crate) async fn register_signing_key(
    State(app): State<AppState>,
    p: Page,
    Citizen { session, .. }: Citizen,
    CsrfForm(form): CsrfForm<RegisterKeyForm>,
) -> Response {
    let signature = act_signature(&form.act_key, &form.act_sig);
    let registered = app
        .people
        .register_signing_key(&session.account, form.key, form.proof, signature, &app.config.public_url)
        .await;
    match registered {
        Ok(KeyRegistration::Registered(_)) => Redirect::to("/me/keys?done=registered").into_response(),
        Ok(KeyRegistration::Waiting) => Redirect::to("/me/keys?done=waiting").into_response(),
        Err(e) => keys_page(&app, &p, &session, "", Some(message(&p, &e)), status_of(&e)),
    }
}

#[derive(Deserialize)]
pub struct RevokeKeyForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    act_key: String,
    #[serde(default)]
    act_sig: String,
}

/// POST /me/keys/revoke — ends a key, by an act signed with a key in force.
pub(crate) async fn revoke_signing_key(
    State(app): State<AppState>,
    p: Page,
    Citizen { session, .. }: Citizen,
    CsrfForm(form): CsrfForm<RevokeKeyForm>,
) -> Response {
    let signature = act_signature(&form.act_key, &form.act_sig);
    match app.people.revoke_signing_key(&session.account, form.key, signature, &app.config.public_url).await {
        Ok(_) => Redirect::to("/me/keys?done=revoked").into_response(),
        Err(e) => keys_page(&app, &p, &session, "", Some(message(&p, &e)), status_of(&e)),
    }
}
