//! Errors as RFC 9457 problem details: a stable machine `code`, a `title` in the caller's
//! language, and a `detail` that says what to change.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use dauys_core::Lang;
use serde_json::{Map, Value};

use crate::i18n::t;

#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub lang: Lang,
    /// Seconds after which a retry may succeed (sets Retry-After).
    pub retry_after: Option<u32>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Problem {
        Problem { status, code, detail: detail.into(), lang: Lang::En, retry_after: None }
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    pub fn internal(detail: impl std::fmt::Display) -> Problem {
        tracing::error!(error = %detail, "internal error");
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "an internal error occurred; it has been logged")
    }

    pub fn in_lang(mut self, lang: Lang) -> Problem {
        self.lang = lang;
        self
    }

    pub fn retry_after(mut self, seconds: u32) -> Problem {
        self.retry_after = Some(seconds);
        self
    }

    /// The translated title of this problem's code, falling back to the status's title.
    pub fn title(&self) -> String {
        let id = format!("problem-{}", self.code);
        let title = t(self.lang, &id);
        if title == id {
            t(self.lang, &format!("problem-status-{}", self.status.as_u16()))
        } else {
            title
        }
    }
}

impl Problem {
    /// The response, with extension members (RFC 9457 §3.2) beside the standard ones, such
    /// as the `parameter` a request got wrong and the values it may take. A member named like
    /// a standard one is ignored.
    pub fn with_members(self, members: Map<String, Value>) -> Response {
        let mut body = Map::new();
        body.insert("type".into(), Value::String(format!("/problems/{}", self.code)));
        body.insert("title".into(), Value::String(self.title()));
        body.insert("status".into(), Value::from(self.status.as_u16()));
        body.insert("code".into(), Value::String(self.code.into()));
        body.insert("detail".into(), Value::String(self.detail.clone()));
        for (k, v) in members {
            body.entry(k).or_insert(v);
        }
        let json = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = (self.status, json).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(self.lang.as_str()));
        if let Some(s) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        response
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        self.with_members(Map::new())
    }
}

impl From<dauys_store::StoreError> for Problem {
    fn from(e: dauys_store::StoreError) -> Problem {
        tracing::error!(error = %e, "storage error");
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage-unavailable",
            "storage is unavailable; try again shortly",
        )
        .retry_after(5)
    }
}
