//! Pieces that pages for every audience share: form fields and their errors, status boxes,
//! links and labels.

use base64::Engine as _;
use dauys_core::{AccountId, ActKeys, ActSignature, Lang};
use maud::{html, Markup};
use time::Date;

/// A problem with one field of a form: `field` is the input's id (or the form's).
pub(crate) struct FieldError {
    pub(crate) field: String,
    pub(crate) message: String,
}

impl FieldError {
    pub(crate) fn new(field: impl Into<String>, message: String) -> FieldError {
        FieldError { field: field.into(), message }
    }
}

pub(crate) fn field_error<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a FieldError> {
    errors.iter().find(|e| e.field == field)
}

/// `aria-invalid` of a field.
pub(crate) fn invalid(errors: &[FieldError], field: &str) -> Option<&'static str> {
    field_error(errors, field).map(|_| "true")
}

/// `aria-describedby` of a field: its error (when it has one) and its hint.
pub(crate) fn described_by(errors: &[FieldError], field: &str, hint: Option<&str>) -> Option<String> {
    let mut ids: Vec<String> = Vec::new();
    if field_error(errors, field).is_some() {
        ids.push(format!("{field}-error"));
    }
    ids.extend(hint.map(str::to_string));
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The message next to a field, when it has one.
pub(crate) fn error_line(errors: &[FieldError], field: &str) -> Markup {
    html! {
        @if let Some(e) = field_error(errors, field) {
            p.field-error id={ (field) "-error" } { (e.message) }
        }
    }
}

/// A box announced at once (`role="alert"`).
pub(crate) fn alert(id: &str, body: Markup) -> Markup {
    html! { div.error role="alert" id=(id) { (body) } }
}

/// A box announced politely (`role="status"`).
pub(crate) fn notice(id: &str, body: Markup) -> Markup {
    html! { div.notice role="status" id=(id) { (body) } }
}

/// Every problem of a form at its top, each a link to its field.
pub(crate) fn error_summary(id: &str, heading: &str, errors: &[FieldError]) -> Markup {
    alert(
        id,
        html! {
            p { strong { (heading) } }
            ul { @for e in errors { li { a href={ "#" (e.field) } { (e.message) } } } }
        },
    )
}

pub(crate) fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

/// A date as the page's language writes it, with its ISO form for machines.
pub(crate) fn date_el(lang: Lang, d: Date) -> Markup {
    html! { time datetime=(dauys_core::format_date(d)) { (crate::web::long_date(lang, d)) } }
}

/// A form with no fields of its own besides its CSRF token (a button).
#[derive(serde::Deserialize)]
pub(crate) struct NoFields {}

/// The fields of a form whose only content is an act its author may sign.
#[derive(serde::Deserialize, Default)]
pub(crate) struct ActFields {
    #[serde(default)]
    pub(crate) act_key: String,
    #[serde(default)]
    pub(crate) act_sig: String,
}

impl ActFields {
    pub(crate) fn signature(&self) -> Option<ActSignature> {
        act_signature(&self.act_key, &self.act_sig)
    }
}

/// What a "Sign this act" form sends back for an act that drew a nonce
/// ([`crate::pending_acts`]): the token of its nonce, and the signature. Flattened into the
/// form of the page that asked for the act.
#[derive(serde::Deserialize, Default)]
pub(crate) struct PendingFields {
    #[serde(default)]
    act_pending: String,
    #[serde(default)]
    act_key: String,
    #[serde(default)]
    act_sig: String,
}

impl PendingFields {
    /// `None` for the form's first sending, before anything was shown for signing.
    pub(crate) fn signed(&self) -> Option<crate::pending_acts::SignedPending> {
        (!self.act_pending.is_empty()).then(|| crate::pending_acts::SignedPending {
            token: self.act_pending.clone(),
            signature: act_signature(&self.act_key, &self.act_sig),
        })
    }
}

/// The signing script, for the head of a page with an act to sign.
pub(crate) fn sign_script() -> Markup {
    html! { script src=(crate::web::sign_script_href()) defer {} }
}

/// The author's signature a form brings when their browser signed the act (`static/sign.js`
/// fills `act_key` and `act_sig`); none when both are empty. Checked by the rules only.
pub(crate) fn act_signature(key: &str, sig: &str) -> Option<ActSignature> {
    (!key.is_empty() || !sig.is_empty()).then(|| ActSignature { key: key.to_string(), sig: sig.to_string() })
}

/// What the signing script needs inside a form that publishes an act: the act's statement
/// (`None` where the script builds it), the account and its key ids in force, and the two
/// inputs it fills. `step`: sign only when the form is submitted by the button of that value.
pub(crate) fn act_signing(
    account: &AccountId,
    keys: Option<&ActKeys>,
    statement: Option<&[u8]>,
    step: Option<&str>,
) -> Markup {
    let in_force: Vec<&str> = keys.map(|k| k.in_force().map(|k| k.id.as_str()).collect()).unwrap_or_default();
    let register = statement.is_none();
    let statement = statement.map(|s| base64::engine::general_purpose::STANDARD.encode(s));
    html! {
        div hidden data-act=[statement] data-register[register] data-account=(account) data-keys=(in_force.join(" ")) data-step=[step] {
            input type="hidden" name="act_key" value="";
            input type="hidden" name="act_sig" value="";
        }
    }
}
