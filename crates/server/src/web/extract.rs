//! What page handlers need from a request, extracted once so that a handler starts with its
//! own work: the page context ([`Page`], with the session), a signed-in person
//! ([`Citizen`]), staff whose role [`authorize`] checked ([`Moderator`], [`Official`]), a
//! form whose CSRF token is the session's ([`CsrfForm`]) or, before signing in, the
//! double-submit cookie's ([`SignedOutForm`]), the client's address ([`ClientAddr`]) and the
//! petition a path names ([`PetitionPath`], [`KnownPetition`]).
//!
//! A refusal is a [`PageError`]: handlers return `Result<Response, PageError>` and use `?`.

use std::collections::HashSet;
use std::marker::PhantomData;
use std::net::IpAddr;
use std::sync::{Arc, OnceLock};

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, CookieJar};
use dauys_core::{BodyId, Petition, PetitionId, Pseudonym};
use dauys_identity::iin::Iin;
use dauys_identity::policy::{authorize, Action, Denied};
use fluent_templates::fluent_bundle::FluentValue;
use maud::html;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::{Page, Section};
use crate::i18n::UiLang;
use crate::people::pages::failure_page;
use crate::people::session::{client_ip, MaybeSession, Session, FORM_COOKIE};
use crate::people::{Account, Identity, PeopleError};
use crate::petitions::Person;
use crate::AppState;

/// Why a handler shows something other than its page.
pub(crate) enum PageError {
    /// Not signed in: off to sign in, then back to `next` (a local path).
    SignIn { next: String },
    /// A page (or problem) already rendered in the visitor's language: a refusal, a
    /// not-found page, a form shown again with what is wrong in it.
    Shown(Box<Response>),
}

impl From<Response> for PageError {
    fn from(response: Response) -> PageError {
        PageError::Shown(Box::new(response))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::SignIn { next } => Redirect::to(&sign_in_href(&next)).into_response(),
            PageError::Shown(response) => *response,
        }
    }
}

/// What page handlers return.
pub(crate) type PageResult = Result<Response, PageError>;

/// The sign-in page, coming back to `next` afterwards.
pub(crate) fn sign_in_href(next: &str) -> String {
    format!("/login?next={}", urlencode(next))
}

/// Percent-encodes all but the unreserved characters and `/`: a local path stays readable
/// in `?next=`, and nothing in it can end the parameter.
pub(crate) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where to come back after signing in. A page comes back to itself. A form's action
/// answers only POST, so the browser comes back to the page that shows the form: the same
/// path where it also shows one, else the petition or the moderation queue it acts on.
fn return_to(parts: &Parts) -> String {
    let path = parts.uri.path();
    if parts.method == Method::GET || parts.method == Method::HEAD {
        return path.to_string();
    }
    if path.starts_with("/moderation/") {
        return "/moderation".to_string();
    }
    if let Some(rest) = path.strip_prefix("/petitions/") {
        for action in ["/sign", "/launch", "/withdraw"] {
            if let Some(id) = rest.strip_suffix(action) {
                return format!("/petitions/{id}");
            }
        }
    }
    path.to_string()
}

/// The session, looked up once per request however many extractors ask.
#[derive(Clone)]
struct LookedUp(Option<Session>);

async fn session(parts: &mut Parts, app: &AppState) -> Result<Option<Session>, PageError> {
    if let Some(LookedUp(session)) = parts.extensions.get::<LookedUp>() {
        return Ok(session.clone());
    }
    let MaybeSession(session) =
        MaybeSession::from_request_parts(parts, app).await.map_err(|p| PageError::from(p.into_response()))?;
    parts.extensions.insert(LookedUp(session.clone()));
    Ok(session)
}

impl FromRequestParts<AppState> for Page {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Page, PageError> {
        let ui = UiLang::from_request_parts(parts, app).await.map_err(|e| PageError::from(e.into_response()))?;
        let session = session(parts, app).await?;
        Ok(Page { session, ..Page::new(ui, &parts.uri) })
    }
}

async fn signed_in(parts: &mut Parts, app: &AppState) -> Result<Session, PageError> {
    session(parts, app).await?.ok_or_else(|| PageError::SignIn { next: return_to(parts) })
}

impl Page {
    /// The session, if it may do `action`; else sign in first, or the refusal in words.
    pub(crate) fn authorize(&self, action: &Action) -> Result<&Session, PageError> {
        let session = self.session.as_ref().ok_or_else(|| PageError::SignIn { next: self.path.clone() })?;
        authorize(&session.account.actor(), action)
            .map_err(|denied| PageError::from(failure_page(self, &PeopleError::Denied(denied))))?;
        Ok(session)
    }

    /// The answer to a form whose CSRF token is not its session's.
    pub(crate) fn form_expired(&self) -> PageError {
        self.error(StatusCode::FORBIDDEN, &self.t("err-title"), &self.t("err-form-expired")).into()
    }

    fn bad_form(&self) -> PageError {
        self.error(StatusCode::BAD_REQUEST, &self.t("err-title"), &self.t("err-bad-form")).into()
    }

    /// A staff page refused to someone without the role, saying which role it needs.
    pub(crate) fn forbidden(&self, message_id: &str) -> PageError {
        self.error(StatusCode::FORBIDDEN, &self.t("staff-forbidden-title"), &self.t(message_id)).into()
    }

    /// The page for a petition that does not exist (`raw` as the path gave it).
    pub(crate) fn no_petition(&self, raw: &str) -> PageError {
        let shown: String = raw.chars().take(60).collect();
        let title = self.t("pp-not-found-title");
        let main = html! {
            h1 { (title) }
            p.lead { (self.t_args("pp-not-found-text", &[("id", FluentValue::from(shown))])) }
            p { a href="/petitions" { (self.t("pp-back-to-list")) } }
        };
        self.render(StatusCode::NOT_FOUND, &title, Section::Petitions, main).into()
    }
}

/// A signed-in person. Their sealed profile is opened at most once per request, when a
/// page first asks for their identity.
pub(crate) struct Citizen {
    pub(crate) session: Session,
    identity: OnceLock<Option<Identity>>,
}

impl Citizen {
    pub(crate) fn new(session: Session) -> Citizen {
        Citizen { session, identity: OnceLock::new() }
    }

    pub(crate) fn account(&self) -> &Account {
        &self.session.account
    }

    /// The person's verified identity; `None` when not verified (or erased).
    pub(crate) fn identity(&self, app: &AppState) -> Result<Option<&Identity>, PeopleError> {
        if let Some(identity) = self.identity.get() {
            return Ok(identity.as_ref());
        }
        let identity = match app.people.profile(&self.session.account.row) {
            Ok(profile) => profile.identity,
            Err(PeopleError::Erased) => None,
            Err(e) => return Err(e),
        };
        Ok(self.identity.get_or_init(|| identity).as_ref())
    }

    /// The person as the petitions service takes them, with the identity this request
    /// opened (opening it now if nothing has yet).
    pub(crate) fn person(&self, app: &AppState) -> Result<Person<'_>, PeopleError> {
        Ok(Person::opened(self.account(), self.identity(app)?))
    }

    /// The person's pseudonym for a petition, if verified (for "you signed this", receipts
    /// and "you wrote this").
    pub(crate) fn pseudonym(&self, app: &AppState, petition: &PetitionId) -> Option<Pseudonym> {
        let identity = self.identity(app).ok()??;
        let iin = Iin::parse(&identity.iin).ok()?;
        Some(app.people.petition_pseudonym(&iin, petition))
    }
}

impl FromRequestParts<AppState> for Citizen {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Citizen, PageError> {
        signed_in(parts, app).await.map(Citizen::new)
    }
}

/// A moderator, as [`authorize`] decides for [`Action::ModeratePetitions`].
pub(crate) struct Moderator(pub(crate) Session);

impl FromRequestParts<AppState> for Moderator {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Moderator, PageError> {
        let session = signed_in(parts, app).await?;
        if authorize(&session.account.actor(), &Action::ModeratePetitions).is_err() {
            let page = Page::from_request_parts(parts, app).await?.at("/moderation");
            return Err(page.forbidden("staff-forbidden-moderation"));
        }
        Ok(Moderator(session))
    }
}

/// The bodies the account may do `act` for, as [`authorize`] decides for each body its
/// grants name — so a page offers exactly what the act accepts — or why it may do it for
/// none.
pub(crate) fn acting_bodies(account: &Account, act: fn(BodyId) -> Action) -> Result<Vec<BodyId>, Denied> {
    let actor = account.actor();
    let mut named: Vec<BodyId> =
        account.staff.iter().flat_map(|s| s.grants.iter()).filter_map(|g| g.body.clone()).collect();
    named.sort();
    named.dedup();
    let (mut allowed, mut refusal) = (Vec::new(), None);
    for body in named {
        match authorize(&actor, &act(body.clone())) {
            Ok(()) => allowed.push(body),
            Err(denied) => {
                refusal.get_or_insert(denied);
            }
        }
    }
    if allowed.is_empty() {
        if let Some(denied) = refusal {
            return Err(denied);
        }
        // No grant names a body (a citizen, an administrator, an auditor): ask about any
        // body, so that the refusal is the policy's own.
        if let Ok(any) = "any".parse::<BodyId>() {
            authorize(&actor, &act(any))?;
        }
    }
    Ok(allowed)
}

/// What an official does for their bodies, and how a page refuses someone who may not.
pub(crate) trait BodyAct {
    fn action(body: BodyId) -> Action;
    fn refusal(page: Page, denied: Denied) -> PageError;
}

/// Answering the petitions a body owes an answer to (`/office/petitions`).
pub(crate) struct Answering;

impl BodyAct for Answering {
    fn action(body: BodyId) -> Action {
        Action::AnswerPetition { body }
    }

    fn refusal(page: Page, _: Denied) -> PageError {
        page.forbidden("staff-forbidden-office")
    }
}

/// Opening the records of a person whose case a body handles (`/office`).
pub(crate) struct Opening;

impl BodyAct for Opening {
    fn action(body: BodyId) -> Action {
        Action::OpenPersonalData { body }
    }

    fn refusal(page: Page, denied: Denied) -> PageError {
        failure_page(&page, &PeopleError::Denied(denied)).into()
    }
}

/// An official or head, with the bodies they may do `A` for (never none).
pub(crate) struct Official<A> {
    pub(crate) session: Session,
    pub(crate) bodies: Vec<BodyId>,
    act: PhantomData<A>,
}

impl<A: BodyAct> FromRequestParts<AppState> for Official<A> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Official<A>, PageError> {
        let session = signed_in(parts, app).await?;
        match acting_bodies(&session.account, A::action) {
            Ok(bodies) => Ok(Official { session, bodies, act: PhantomData }),
            Err(denied) => Err(A::refusal(Page::from_request_parts(parts, app).await?, denied)),
        }
    }
}

/// The client's address for per-address limits ([`client_ip`]: the peer [`ConnectInfo`]
/// gives, or the address a trusted proxy forwarded for).
///
/// [`ConnectInfo`]: axum::extract::ConnectInfo
pub(crate) struct ClientAddr(pub(crate) IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<ClientAddr, Self::Rejection> {
        Ok(ClientAddr(client_ip(app, parts)))
    }
}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// Reads an urlencoded form body as `T`, and its `csrf` field, with the page the answer is
/// shown on; an unreadable body is the translated "form could not be read" page.
async fn read_form<T: DeserializeOwned + Send>(
    request: Request,
    app: &AppState,
) -> Result<(Page, Parts, T, String), PageError> {
    let (mut parts, body) = request.into_parts();
    let page = Page::from_request_parts(&mut parts, app).await?;
    let bytes =
        Bytes::from_request(Request::from_parts(parts.clone(), body), app).await.map_err(|_| page.bad_form())?;
    let read = |bytes: Bytes| Request::from_parts(parts.clone(), Body::from(bytes));
    let Ok(Form(form)) = Form::<T>::from_request(read(bytes.clone()), app).await else { return Err(page.bad_form()) };
    let Ok(Form(CsrfField { csrf })) = Form::<CsrfField>::from_request(read(bytes), app).await else {
        return Err(page.bad_form());
    };
    Ok((page, parts, form, csrf))
}

/// A form posted by a signed-in person with their session's CSRF token: a visitor who is
/// not signed in is sent to sign in; a token that is not the session's gets the "form
/// expired" page.
pub(crate) struct CsrfForm<T>(pub(crate) T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = PageError;

    async fn from_request(request: Request, app: &AppState) -> Result<CsrfForm<T>, PageError> {
        let (page, parts, form, csrf) = read_form::<T>(request, app).await?;
        let session = page.session.as_ref().ok_or_else(|| PageError::SignIn { next: return_to(&parts) })?;
        if !session.form_is_genuine(&csrf) {
            return Err(page.form_expired());
        }
        Ok(CsrfForm(form))
    }
}

/// A form shown before signing in (sign-up, sign-in, password reset), and whether its CSRF
/// token matches the double-submit cookie; each page says so in its own way.
pub(crate) struct SignedOutForm<T> {
    pub(crate) form: T,
    pub(crate) genuine: bool,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for SignedOutForm<T> {
    type Rejection = PageError;

    async fn from_request(request: Request, app: &AppState) -> Result<SignedOutForm<T>, PageError> {
        let (_, parts, form, csrf) = read_form::<T>(request, app).await?;
        let jar = CookieJar::from_headers(&parts.headers);
        let cookie = jar.get(FORM_COOKIE).map(Cookie::value);
        let genuine = cookie.is_some_and(|c| !c.is_empty() && bool::from(c.as_bytes().ct_eq(csrf.as_bytes())));
        Ok(SignedOutForm { form, genuine })
    }
}

/// The page's query parameters as `T`, decoded: the first of a repeated parameter counts and
/// unknown ones are ignored, so an old or hand-edited link still shows its page. A page
/// checks the values itself and says in its own words what is wrong with them.
pub(crate) struct PageQuery<T>(pub(crate) T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for PageQuery<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<PageQuery<T>, PageError> {
        let mut seen = HashSet::new();
        let given = form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes());
        // `Query` refuses a repeated field; the first one is what the page reads.
        let first = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(given.filter(|(name, _)| seen.insert(name.clone())))
            .finish();
        let read = format!("/?{first}").parse().ok().and_then(|uri| Query::<T>::try_from_uri(&uri).ok());
        match read {
            Some(Query(query)) => Ok(PageQuery(query)),
            None => {
                let page = Page::from_request_parts(parts, app).await?;
                let (title, text) = (page.t("problem-invalid-parameter"), page.t("error-check-address"));
                Err(page.error(StatusCode::BAD_REQUEST, &title, &text).into())
            }
        }
    }
}

/// A well-formed petition id from the path; anything else is the petition not-found page.
pub(crate) struct PetitionPath(pub(crate) PetitionId);

async fn raw_path(parts: &mut Parts, app: &AppState) -> Result<String, PageError> {
    match Path::<String>::from_request_parts(parts, app).await {
        Ok(Path(raw)) => Ok(raw),
        Err(_) => Err(Page::from_request_parts(parts, app).await?.no_petition("")),
    }
}

impl FromRequestParts<AppState> for PetitionPath {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<PetitionPath, PageError> {
        let raw = raw_path(parts, app).await?;
        match raw.parse() {
            Ok(id) => Ok(PetitionPath(id)),
            Err(_) => Err(Page::from_request_parts(parts, app).await?.no_petition(&raw)),
        }
    }
}

/// The petition the path names, as the read model has it now; else the not-found page.
pub(crate) struct KnownPetition(pub(crate) Arc<Petition>);

impl FromRequestParts<AppState> for KnownPetition {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<KnownPetition, PageError> {
        let raw = raw_path(parts, app).await?;
        match raw.parse::<PetitionId>().ok().and_then(|id| app.capabilities.petitions.view().get(&id)) {
            Some(petition) => Ok(KnownPetition(petition)),
            None => Err(Page::from_request_parts(parts, app).await?.no_petition(&raw)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn back(method: Method, path: &str) -> String {
        let (parts, ()) = Request::builder().method(method).uri(path).body(()).expect("request").into_parts();
        return_to(&parts)
    }

    #[test]
    fn signing_in_comes_back_to_the_page_that_shows_the_form() {
        assert_eq!(back(Method::GET, "/petitions/p-1/receipt"), "/petitions/p-1/receipt");
        assert_eq!(back(Method::POST, "/petitions/p-1/sign"), "/petitions/p-1");
        assert_eq!(back(Method::POST, "/petitions/p-1/withdraw"), "/petitions/p-1");
        assert_eq!(back(Method::POST, "/petitions/p-1/edit"), "/petitions/p-1/edit");
        assert_eq!(back(Method::POST, "/moderation/p-1/signatures/dismiss"), "/moderation");
        assert_eq!(back(Method::POST, "/office/petitions/p-1/answer"), "/office/petitions/p-1/answer");
        assert_eq!(sign_in_href("/a b?c&d"), "/login?next=/a%20b%3Fc%26d");
    }
}
