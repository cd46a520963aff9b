//! The page that asks a person who holds a signing key to sign an act their form sent
//! unsigned (their browser signed nothing: the act's page had no statement to sign, or the
//! script did not run). It shows the act as it will be logged and the same form again, with
//! the act's statement for `static/sign.js`; sent from a browser that holds their key, the act
//! goes out signed.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use dauys_core::Event;
use maud::html;

use super::forms::{act_signing, csrf_field, sign_script};
use super::{Page, Section};
use crate::pending_acts::ActToSign;
use crate::people::session::Session;
use crate::AppState;

/// The page for `event`, posting `fields` (the form as it was sent) back to `action`.
pub(crate) fn sign_act_page(
    app: &AppState,
    p: &Page,
    session: &Session,
    event: &Event,
    action: &str,
    fields: &[(&str, &str)],
) -> Response {
    sign_page(app, p, session, event, action, fields, None, &[])
}

/// The page for an act that drew a nonce ([`crate::pending_acts`]): as [`sign_act_page`],
/// with the token of its nonce in the form, and `shown`, what the act commits to without
/// saying (whose record is opened, the sealed text), as label and value.
pub(crate) fn sign_pending_page(
    app: &AppState,
    p: &Page,
    session: &Session,
    act: &ActToSign,
    action: &str,
    fields: &[(&str, &str)],
    shown: &[(String, String)],
) -> Response {
    sign_page(app, p, session, &act.event, action, fields, Some(&act.token), shown)
}

#[allow(clippy::too_many_arguments)]
fn sign_page(
    app: &AppState,
    p: &Page,
    session: &Session,
    event: &Event,
    action: &str,
    fields: &[(&str, &str)],
    pending: Option<&str>,
    shown: &[(String, String)],
) -> Response {
    let keys = app.deployment.act_keys(&session.account.id);
    let title = p.t("sign-act-title");
    let main = html! {
        h1 { (title) }
        p.lead { (p.t("sign-act-lead")) }
        dl.fields #act {
            dt { (p.t("col-event")) } dd { (crate::i18n::event_label(p.lang, event.kind())) }
            (super::log::event_fields(p, event))
            @for (label, value) in shown {
                dt { (label) } dd.written { (value) }
            }
        }
        form.stack #sign-act method="post" action=(action) {
            (csrf_field(&session.csrf))
            @for (name, value) in fields {
                input type="hidden" name=(name) value=(value);
            }
            @if let Some(token) = pending {
                input type="hidden" name="act_pending" value=(token);
            }
            (act_signing(&session.account.id, keys.as_deref(), Some(&dauys_core::act_statement(event)), None))
            button #sign-act-button type="submit" {
                // An opening is logged, then shows the data: nothing is published but the log entry.
                (p.t(if matches!(event, Event::PersonalDataOpened { .. }) { "sign-act-open-button" } else { "sign-act-button" }))
            }
        }
        p.hint { (p.t("sign-act-no-key")) " " a href="/me/keys" { (p.t("signing-title")) } }
    };
    let mut page = p.render_with_head(StatusCode::OK, &title, Section::Admin, sign_script(), main);
    // The form carries what was typed (an IIN, a registry file, a sealed text): kept by no cache.
    page.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    page
}
