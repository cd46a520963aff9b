//! Server-rendered pages (placeholder until the web pages land).

use axum::response::{Html, IntoResponse, Response};

use crate::i18n::UiLang;

pub async fn home() -> Html<&'static str> {
    Html("<!doctype html><title>Dauys</title>")
}
pub async fn log_page() -> Html<&'static str> {
    Html("<!doctype html><title>Dauys</title>")
}
pub async fn entry_page() -> Html<&'static str> {
    Html("<!doctype html><title>Dauys</title>")
}
pub async fn stylesheet() -> &'static str {
    ""
}
pub fn not_found_page(_lang: UiLang, _path: &str) -> Response {
    (axum::http::StatusCode::NOT_FOUND, Html("not found")).into_response()
}
