//! The local OpenID Connect provider that stands in for eGov ID (`tests/oidc-provider`,
//! started by `scripts/oidc-provider`): it starts, publishes its discovery document and
//! leaves no process behind. Its full login flow is checked by `node selftest.mjs` there.

use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use dauys_e2e::{OidcProvider, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET};

fn get_json(url: &str) -> serde_json::Value {
    let response = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(10))
        .build()
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    assert_eq!(response.status(), 200, "GET {url}");
    let body = response.into_string().unwrap_or_else(|e| panic!("GET {url}: {e}"));
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {url}: {e}: {body}"))
}

fn strings(value: &serde_json::Value) -> Vec<&str> {
    value.as_array().map(|a| a.iter().filter_map(|v| v.as_str()).collect()).unwrap_or_default()
}

#[test]
fn discovery_document_and_clean_stop() {
    let provider = OidcProvider::start(&["http://127.0.0.1:9/verify/oidc/callback"]);
    let issuer = provider.issuer();
    assert!(issuer.starts_with("http://127.0.0.1:"), "{issuer}");

    let discovery = get_json(&format!("{issuer}/.well-known/openid-configuration"));
    assert_eq!(discovery["issuer"], issuer.as_str(), "{discovery}");
    assert!(strings(&discovery["code_challenge_methods_supported"]).contains(&"S256"), "{discovery}");
    assert_eq!(strings(&discovery["response_types_supported"]), ["code"]);
    let claims = strings(&discovery["claims_supported"]);
    for claim in ["sub", "iin", "given_name", "family_name", "birthdate", "locality"] {
        assert!(claims.contains(&claim), "{claim} in {discovery}");
    }
    let jwks = get_json(discovery["jwks_uri"].as_str().expect("jwks_uri"));
    assert_eq!(jwks["keys"][0]["alg"], "RS256", "{jwks}");
    assert!(!OIDC_CLIENT_ID.is_empty() && !OIDC_CLIENT_SECRET.is_empty());

    let pid = provider.id();
    let addr = issuer.trim_start_matches("http://").to_string();
    drop(provider);
    assert!(!Path::new(&format!("/proc/{pid}")).exists(), "the provider (pid {pid}) outlived its handle");
    assert!(TcpStream::connect(&addr).is_err(), "something still listens on {addr}");
}
