//! Headers that every response carries so a browser refuses what our pages never do: run
//! scripts, load anything from elsewhere, be framed by another site (signing, erasing and
//! moderating could otherwise be clickjacked), guess content types, or be reached over plain
//! HTTP once seen over HTTPS.
//!
//! The pages use one stylesheet and one small script of our own (a live count; every page
//! works without it), so the policy can be strict: nothing but same-origin styles, scripts,
//! images and fetches, and forms that post to this site (and, when verification through an
//! identity provider is configured, redirect to it).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::config::Config;

/// The headers, built once from the configuration.
pub struct SecurityHeaders {
    content_security_policy: HeaderValue,
    /// Only when the public URL is HTTPS: over plain HTTP a browser ignores it anyway, and a
    /// local demo must not pin `localhost` to HTTPS.
    strict_transport_security: Option<HeaderValue>,
}

impl SecurityHeaders {
    pub fn from_config(config: &Config) -> Arc<SecurityHeaders> {
        // A form posted to /verify/oidc is answered with a redirect to the provider, and
        // `form-action` governs that redirect too.
        let provider = origin_of(&config.oidc_issuer_url).map(|o| format!(" {o}")).unwrap_or_default();
        let policy = format!(
            "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; \
             form-action 'self'{provider}; \
             frame-ancestors 'none'; base-uri 'none'"
        );
        let content_security_policy = HeaderValue::from_str(&policy)
            .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"));
        let strict_transport_security = config
            .public_url()
            .starts_with("https://")
            .then(|| HeaderValue::from_static("max-age=63072000; includeSubDomains"));
        Arc::new(SecurityHeaders { content_security_policy, strict_transport_security })
    }
}

/// `scheme://host[:port]` of a URL, if it is an http(s) URL whose host is plain enough to
/// put in a policy.
fn origin_of(url: &str) -> Option<String> {
    let uri: axum::http::Uri = url.parse().ok()?;
    let scheme = uri.scheme_str().filter(|s| *s == "https" || *s == "http")?;
    let authority = uri.authority()?.as_str();
    let plain = authority.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
    plain.then(|| format!("{scheme}://{authority}"))
}

/// Middleware: adds the headers a handler did not set itself (a page may ask for a stricter
/// `Referrer-Policy`, as the reset and confirmation pages do).
pub async fn add(State(headers): State<Arc<SecurityHeaders>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let out = response.headers_mut();
    let mut set = |name: HeaderName, value: HeaderValue| {
        out.entry(name).or_insert(value);
    };
    set(CONTENT_SECURITY_POLICY, headers.content_security_policy.clone());
    set(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    set(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    set(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    set(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
    set(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), geolocation=(), microphone=()"),
    );
    if let Some(hsts) = &headers.strict_transport_security {
        set(STRICT_TRANSPORT_SECURITY, hsts.clone());
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_provider_origin_is_allowed_as_a_form_target_and_nothing_odd_gets_in() {
        assert_eq!(origin_of("https://idp.egov.kz/realms/citizens").as_deref(), Some("https://idp.egov.kz"));
        assert_eq!(origin_of("http://127.0.0.1:4000").as_deref(), Some("http://127.0.0.1:4000"));
        assert_eq!(origin_of("javascript:alert(1)"), None);
        assert_eq!(origin_of(""), None);
        let config = Config { oidc_issuer_url: "https://idp.example.kz/x".into(), ..Config::default() };
        let policy = SecurityHeaders::from_config(&config).content_security_policy.to_str().unwrap().to_string();
        assert!(policy.contains("form-action 'self' https://idp.example.kz;"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    }

    #[test]
    fn hsts_only_when_served_over_https() {
        assert!(SecurityHeaders::from_config(&Config::default()).strict_transport_security.is_none());
        let https = Config { public_url: "https://dauys.example.kz".into(), ..Config::default() };
        assert!(SecurityHeaders::from_config(&https).strict_transport_security.is_some());
    }
}
