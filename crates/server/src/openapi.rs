//! The OpenAPI description of the JSON API, kept as a document in the repository
//! (`openapi.json`) and checked against the router by the tests.

use axum::http::header;
use axum::response::IntoResponse;

pub const DOCUMENT: &str = include_str!("../openapi.json");

pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT)
}
