//! Getting the log's files: the [`Fetch`] seam and its HTTP implementation.

use crate::AuditError;
use std::io::Read;
use std::time::Duration;

/// Where the auditor reads the log's published files from.
///
/// `path` is relative to the log's base: `checkpoint`, `tile/0/x001/234`,
/// `tile/entries/000.p/7`, `api/v1/log`. Returns `Ok(None)` when the resource does not exist
/// (HTTP 404), so the caller decides whether that is an error. Implementations cap what they
/// read (see [`size_limit`]): the auditor reads hostile input.
pub trait Fetch {
    fn get(&self, path: &str) -> Result<Option<Vec<u8>>, AuditError>;
}

/// Largest legitimate size of the resource at `path`, in bytes.
pub fn size_limit(path: &str) -> u64 {
    if path.starts_with("tile/entries/") {
        // 256 entries, each a two-byte length and at most 65535 bytes.
        256 * (2 + 65_535)
    } else if path.starts_with("tile/") {
        256 * 32
    } else {
        // Checkpoints (a few hundred bytes plus cosignatures) and the JSON description.
        1 << 20
    }
}

/// [`Fetch`] over HTTP(S) with [`ureq`]: timeouts, a size cap per resource and a bounded
/// number of retries with exponential backoff on connection errors, 429 and 5xx.
pub struct HttpFetch {
    base: String,
    agent: ureq::Agent,
    attempts: u32,
    first_backoff: Duration,
}

impl HttpFetch {
    /// A client for the log at `base_url` (e.g. `https://dauys.example.kz`), whose files are
    /// at `<base_url>/checkpoint`, `<base_url>/tile/...`.
    pub fn new(base_url: &str) -> Result<HttpFetch, AuditError> {
        let trimmed = base_url.trim().trim_end_matches('/');
        if !(trimmed.starts_with("http://") || trimmed.starts_with("https://")) {
            return Err(AuditError::InvalidBaseUrl {
                url: base_url.to_owned(),
                reason: "expected an http:// or https:// URL".into(),
            });
        }
        if trimmed.contains(['?', '#']) {
            return Err(AuditError::InvalidBaseUrl {
                url: base_url.to_owned(),
                reason: "a base URL has no query or fragment".into(),
            });
        }
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(10))
            .timeout_read(Duration::from_secs(60))
            .timeout_write(Duration::from_secs(30))
            .user_agent(concat!("dauys-audit/", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(HttpFetch { base: trimmed.to_owned(), agent, attempts: 4, first_backoff: Duration::from_millis(250) })
    }

    /// Sets how many times a request is tried before giving up (at least 1), and the first
    /// backoff (doubled each retry).
    pub fn with_retries(mut self, attempts: u32, first_backoff: Duration) -> HttpFetch {
        self.attempts = attempts.max(1);
        self.first_backoff = first_backoff;
        self
    }

    fn try_once(&self, url: &str, limit: u64) -> Attempt {
        let response = match self.agent.get(url).call() {
            Ok(r) => r,
            Err(ureq::Error::Status(404, _)) => return Attempt::Done(Ok(None)),
            Err(ureq::Error::Status(status, _)) if status == 429 || status >= 500 => {
                return Attempt::Retry(format!("HTTP {status}"))
            }
            Err(ureq::Error::Status(status, _)) => {
                return Attempt::Done(Err(AuditError::HttpStatus { url: url.to_owned(), status }))
            }
            Err(ureq::Error::Transport(t)) => return Attempt::Retry(t.to_string()),
        };
        if response.status() != 200 {
            return Attempt::Done(Err(AuditError::HttpStatus { url: url.to_owned(), status: response.status() }));
        }
        // Reading one byte past the limit tells "exactly at the limit" from "too large"
        // without trusting Content-Length.
        let mut body = Vec::new();
        match response.into_reader().take(limit + 1).read_to_end(&mut body) {
            Ok(_) if body.len() as u64 > limit => {
                Attempt::Done(Err(AuditError::TooLarge { url: url.to_owned(), limit }))
            }
            Ok(_) => Attempt::Done(Ok(Some(body))),
            Err(e) => Attempt::Retry(format!("reading the body: {e}")),
        }
    }
}

enum Attempt {
    Done(Result<Option<Vec<u8>>, AuditError>),
    Retry(String),
}

impl Fetch for HttpFetch {
    fn get(&self, path: &str) -> Result<Option<Vec<u8>>, AuditError> {
        let url = format!("{}/{}", self.base, path.trim_start_matches('/'));
        let limit = size_limit(path);
        let mut backoff = self.first_backoff;
        let mut last_reason = String::new();
        for attempt in 1..=self.attempts {
            match self.try_once(&url, limit) {
                Attempt::Done(result) => return result,
                Attempt::Retry(reason) => last_reason = reason,
            }
            if attempt < self.attempts {
                std::thread::sleep(backoff);
                backoff = backoff.saturating_mul(2);
            }
        }
        Err(AuditError::Http { url, reason: last_reason, attempts: self.attempts })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_follow_the_resource_kind() {
        assert_eq!(size_limit("tile/0/001"), 8192);
        assert_eq!(size_limit("tile/2/000.p/3"), 8192);
        assert_eq!(size_limit("tile/entries/x001/234.p/5"), 256 * 65_537);
        assert_eq!(size_limit("checkpoint"), 1 << 20);
    }

    #[test]
    fn base_urls_are_checked() {
        assert!(HttpFetch::new("ftp://example.org").is_err());
        assert!(HttpFetch::new("https://example.org/?x").is_err());
        let f = HttpFetch::new("https://example.org/log/").map_err(|e| e.to_string());
        assert_eq!(f.map(|f| f.base), Ok("https://example.org/log".to_owned()));
    }

    #[test]
    fn unreachable_servers_fail_after_bounded_retries() {
        // Port 9 (discard) on localhost is closed on any sane test machine.
        let fetch = HttpFetch::new("http://127.0.0.1:9").map(|f| f.with_retries(2, Duration::from_millis(1)));
        let Ok(fetch) = fetch else { panic!("valid URL refused") };
        match fetch.get("checkpoint") {
            Err(AuditError::Http { attempts: 2, .. }) => {}
            other => panic!("expected a transport error after 2 attempts, got {other:?}"),
        }
    }
}
