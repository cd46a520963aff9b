//! Identity verification through an OpenID Connect provider (how a national eGov ID
//! connects): authorization code flow with PKCE, a nonce and a state bound to the session,
//! the ID token's signature checked against the provider's published keys. The IIN and the
//! locality come from configurable claims; the names and birth date from the standard ones.
//!
//! The `openidconnect` crate does the protocol; its `ureq` client (already the auditor's
//! HTTP client) does the requests, with redirects off as the crate's security notes advise.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use openidconnect::core::{CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl,
    Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};

/// The client as discovery configures it: authorization endpoint set, token and userinfo
/// endpoints as the provider publishes them.
type ProviderClient =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

use super::PeopleError;

/// How long a person has to finish signing in at the provider.
const PENDING_TTL: Duration = Duration::from_secs(600);
/// Pending sign-ins kept at most (a flood of abandoned ones cannot grow memory).
const MAX_PENDING: usize = 10_000;

/// Where the provider is and which claims carry what.
#[derive(Clone, Debug)]
pub struct OidcSettings {
    pub issuer_url: String,
    pub client_id: String,
    pub client_secret: String,
    pub redirect_url: String,
    pub iin_claim: String,
    pub locality_claim: String,
}

/// What the provider vouched for.
#[derive(Clone, Debug)]
pub struct VerifiedClaims {
    pub iin: String,
    pub given_name: String,
    pub family_name: String,
    pub locality: String,
}

struct Pending {
    account_id: String,
    verifier: PkceCodeVerifier,
    nonce: Nonce,
    started: Instant,
}

/// The relying party: starts sign-ins and completes them.
pub struct OidcVerifier {
    settings: OidcSettings,
    pending: Mutex<HashMap<String, Pending>>,
}

fn oidc_error(stage: &str, e: impl std::fmt::Display) -> PeopleError {
    PeopleError::Oidc(format!("{stage}: {e}"))
}

/// The provider answered but did not vouch for the person (a refused, replayed or invalid
/// code or token): the person's to retry, not a server fault.
fn refused(stage: &str, e: impl std::fmt::Display) -> PeopleError {
    PeopleError::OidcRefused(format!("{stage}: {e}"))
}

fn http_client() -> ureq::Agent {
    ureq::AgentBuilder::new().redirects(0).timeout(Duration::from_secs(15)).build()
}

impl OidcVerifier {
    pub fn new(settings: OidcSettings) -> OidcVerifier {
        OidcVerifier { settings, pending: Mutex::new(HashMap::new()) }
    }

    /// Discovery on every flow: providers rotate their signing keys, and verifications
    /// are rare enough that a cache would only add staleness.
    fn client(&self, http: &ureq::Agent) -> Result<ProviderClient, PeopleError> {
        let issuer = IssuerUrl::new(self.settings.issuer_url.clone()).map_err(|e| oidc_error("issuer URL", e))?;
        let metadata = CoreProviderMetadata::discover(&issuer, http).map_err(|e| oidc_error("discovery", e))?;
        let redirect =
            RedirectUrl::new(self.settings.redirect_url.clone()).map_err(|e| oidc_error("redirect URL", e))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        )
        .set_redirect_uri(redirect);
        Ok(client)
    }

    /// The provider's URL to send `account_id`'s browser to. Blocking (discovery).
    pub fn start(&self, account_id: &str) -> Result<String, PeopleError> {
        let http = http_client();
        let client = self.client(&http)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scope(Scope::new("profile".into()))
            // The person at the keyboard must sign in at the provider now: on a shared
            // computer, a provider session left by someone else must not verify this account.
            .add_prompt(CoreAuthPrompt::Login)
            .set_pkce_challenge(challenge)
            .url();
        let mut pending = self.pending.lock().map_err(|_| PeopleError::Internal("pending sign-ins lock".into()))?;
        pending.retain(|_, p| p.started.elapsed() < PENDING_TTL);
        if pending.len() >= MAX_PENDING {
            return Err(PeopleError::TooManyAttempts { retry_after_secs: 60 });
        }
        pending.insert(
            state.secret().clone(),
            Pending { account_id: account_id.to_string(), verifier, nonce, started: Instant::now() },
        );
        Ok(url.to_string())
    }

    /// Completes a sign-in: `state` must be one this server issued to the same account, the
    /// code is exchanged with the PKCE verifier, and the ID token must be signed by the
    /// provider, meant for us, fresh, and carry our nonce. Blocking.
    pub fn finish(&self, account_id: &str, state: &str, code: &str) -> Result<VerifiedClaims, PeopleError> {
        let pending = self
            .pending
            .lock()
            .map_err(|_| PeopleError::Internal("pending sign-ins lock".into()))?
            .remove(state)
            .filter(|p| p.started.elapsed() < PENDING_TTL)
            .ok_or(PeopleError::OidcStateUnknown)?;
        if pending.account_id != account_id {
            return Err(PeopleError::OidcStateUnknown);
        }
        let http = http_client();
        let client = self.client(&http)?;
        let token = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| oidc_error("token endpoint", e))?
            .set_pkce_verifier(pending.verifier)
            .request(&http)
            .map_err(|e| refused("code exchange", e))?;
        let id_token = token.id_token().ok_or_else(|| refused("token response", "no ID token"))?;
        let claims =
            id_token.claims(&client.id_token_verifier(), &pending.nonce).map_err(|e| refused("ID token", e))?;
        let given_name = claims.given_name().and_then(|c| c.get(None)).map(|v| v.to_string()).unwrap_or_default();
        let family_name = claims.family_name().and_then(|c| c.get(None)).map(|v| v.to_string()).unwrap_or_default();
        // The signature is verified above, so the payload's other claims are the provider's.
        let payload = id_token.to_string();
        let extra = payload
            .split('.')
            .nth(1)
            .and_then(|p| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(p).ok())
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .unwrap_or_default();
        let claim = |name: &str| extra.get(name).and_then(|v| v.as_str()).map(str::to_string);
        let iin = claim(&self.settings.iin_claim).ok_or_else(|| refused("ID token", "no IIN claim"))?;
        let locality = claim(&self.settings.locality_claim).ok_or_else(|| refused("ID token", "no locality claim"))?;
        Ok(VerifiedClaims { iin, given_name, family_name, locality })
    }
}
