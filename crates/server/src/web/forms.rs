//! Pieces that pages for every audience share: form fields and their errors, status boxes,
//! links and labels.

use dauys_core::Lang;
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
