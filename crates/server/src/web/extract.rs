//! What page handlers need from a request, extracted once so that a handler starts with its
//! own work: the page context ([`Page`], with the session), a signed-in person
//! ([`Citizen`]), staff whose role [`authorize`] checked ([`Official`]), a
//! form whose CSRF token is the session's ([`CsrfForm`], and [`CsrfUpload`] for a form that
//! may carry files) or, before signing in, the
//! double-submit cookie's ([`SignedOutForm`]), the client's address ([`ClientAddr`]) and the
//! item of a capability a path names ([`IdPath`], [`Known`]). Nothing here knows a
//! capability: each supplies its own ([`PathItem`], [`BodyAct`], a staff extractor like the
//! petitions' `Moderator`).
//!
//! A refusal is a [`PageError`]: handlers return `Result<Response, PageError>` and use `?`.

use std::collections::HashSet;
use std::marker::PhantomData;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, CookieJar};
use dauys_core::BodyId;
use dauys_identity::policy::{authorize, Action, Denied};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::Page;
use crate::i18n::UiLang;
use crate::people::pages::failure_page;
use crate::people::session::{client_ip, MaybeSession, Session, FORM_COOKIE};
use crate::people::{Account, Identity, PeopleError, Person};
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
/// path where it also shows one, else the page its capability names (the petition, the
/// moderation queue it acts on).
fn return_to(parts: &Parts) -> String {
    let path = parts.uri.path();
    if parts.method == Method::GET || parts.method == Method::HEAD {
        return path.to_string();
    }
    crate::Capabilities::form_page(path).unwrap_or_else(|| path.to_string())
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

pub(crate) async fn signed_in(parts: &mut Parts, app: &AppState) -> Result<Session, PageError> {
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

    /// A body over the route's limit.
    fn too_large(&self) -> PageError {
        self.error(StatusCode::PAYLOAD_TOO_LARGE, &self.t("err-title"), &self.t("err-too-large")).into()
    }

    /// A staff page refused to someone without the role, saying which role it needs.
    pub(crate) fn forbidden(&self, message_id: &str) -> PageError {
        self.error(StatusCode::FORBIDDEN, &self.t("staff-forbidden-title"), &self.t(message_id)).into()
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

    /// The person as a capability's service takes them, with the identity this request
    /// opened (opening it now if nothing has yet).
    pub(crate) fn person(&self, app: &AppState) -> Result<Person<'_>, PeopleError> {
        Ok(Person::opened(self.account(), self.identity(app)?))
    }
}

impl FromRequestParts<AppState> for Citizen {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Citizen, PageError> {
        signed_in(parts, app).await.map(Citizen::new)
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
    let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), app).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            page.too_large()
        } else {
            page.bad_form()
        }
    })?;
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

/// A file a `multipart/form-data` form carried, as the client sent it: nothing here is
/// checked, its type least of all.
pub(crate) struct FormFile {
    /// The form field it came in.
    pub(crate) field: String,
    pub(crate) file_name: String,
    /// The media type the client declared, if any.
    pub(crate) content_type: Option<String>,
    pub(crate) bytes: Bytes,
}

/// A form that may carry files, posted by a signed-in person with their session's CSRF token:
/// `multipart/form-data` (its text fields read as `T`, as [`CsrfForm`] reads an urlencoded
/// body, and its files beside them), or urlencoded, without files. The token is checked the
/// same way: not the session's, the "form expired" page; not signed in, off to sign in; a body
/// over the route's limit, 413; an unreadable one, "form could not be read". A file input left
/// empty (no name, no bytes) is no file.
pub(crate) struct CsrfUpload<T> {
    pub(crate) form: T,
    pub(crate) files: Vec<FormFile>,
}

/// Most parts a multipart form may have (its fields and files together).
const MAX_FORM_PARTS: usize = 64;

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfUpload<T> {
    type Rejection = PageError;

    async fn from_request(request: Request, app: &AppState) -> Result<CsrfUpload<T>, PageError> {
        let multipart = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
        if !multipart {
            let CsrfForm(form) = CsrfForm::<T>::from_request(request, app).await?;
            return Ok(CsrfUpload { form, files: Vec::new() });
        }
        let (mut parts, body) = request.into_parts();
        let page = Page::from_request_parts(&mut parts, app).await?;
        let session = page.session.clone().ok_or_else(|| PageError::SignIn { next: return_to(&parts) })?;
        let refused = |e: axum::extract::multipart::MultipartError| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                page.too_large()
            } else {
                page.bad_form()
            }
        };
        let mut multipart = axum::extract::Multipart::from_request(Request::from_parts(parts.clone(), body), app)
            .await
            .map_err(|_| page.bad_form())?;
        let (mut fields, mut files) = (Vec::new(), Vec::new());
        while let Some(field) = multipart.next_field().await.map_err(refused)? {
            if fields.len() + files.len() >= MAX_FORM_PARTS {
                return Err(page.bad_form());
            }
            let name = field.name().unwrap_or_default().to_owned();
            match field.file_name().map(str::to_owned) {
                Some(file_name) => {
                    let content_type = field.content_type().map(str::to_owned);
                    let bytes = field.bytes().await.map_err(refused)?;
                    if !(file_name.is_empty() && bytes.is_empty()) {
                        files.push(FormFile { field: name, file_name, content_type, bytes });
                    }
                }
                None => fields.push((name, field.text().await.map_err(refused)?)),
            }
        }
        let csrf = fields.iter().find(|(name, _)| name == "csrf").map(|(_, v)| v.clone()).unwrap_or_default();
        if !session.form_is_genuine(&csrf) {
            return Err(page.form_expired());
        }
        // The text fields as the urlencoded body they would have been, read by `Form` like
        // every other form.
        let encoded = form_urlencoded::Serializer::new(String::new()).extend_pairs(&fields).finish();
        let as_form = Request::builder()
            .method(Method::POST)
            .header(axum::http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(encoded))
            .map_err(|_| page.bad_form())?;
        let Ok(Form(form)) = Form::<T>::from_request(as_form, app).await else { return Err(page.bad_form()) };
        Ok(CsrfUpload { form, files })
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

/// What a path can name by its id: an item of a capability (a petition, an appeal), found in
/// the capability's read model. The capability says how its ids parse, where its items are
/// and which page says one does not exist; [`IdPath`] and [`Known`] do the rest.
pub(crate) trait PathItem: Sized + Send + Sync + 'static {
    type Id: FromStr + Send;

    /// The item as the read model has it now.
    fn find(app: &AppState, id: &Self::Id) -> Option<Arc<Self>>;

    /// The page for a path that names none (`raw` as the path gave it).
    fn not_found(page: &Page, raw: &str) -> PageError;
}

/// A well-formed id of a `T` from the path; anything else is `T`'s not-found page.
pub(crate) struct IdPath<T: PathItem>(pub(crate) T::Id);

/// The `T` the path names, as the read model has it now; else `T`'s not-found page.
pub(crate) struct Known<T>(pub(crate) Arc<T>);

async fn raw_path<T: PathItem>(parts: &mut Parts, app: &AppState) -> Result<String, PageError> {
    match Path::<String>::from_request_parts(parts, app).await {
        Ok(Path(raw)) => Ok(raw),
        Err(_) => Err(T::not_found(&Page::from_request_parts(parts, app).await?, "")),
    }
}

impl<T: PathItem> FromRequestParts<AppState> for IdPath<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<IdPath<T>, PageError> {
        let raw = raw_path::<T>(parts, app).await?;
        match raw.parse().ok() {
            Some(id) => Ok(IdPath(id)),
            None => Err(T::not_found(&Page::from_request_parts(parts, app).await?, &raw)),
        }
    }
}

impl<T: PathItem> FromRequestParts<AppState> for Known<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Known<T>, PageError> {
        let raw = raw_path::<T>(parts, app).await?;
        match raw.parse::<T::Id>().ok().and_then(|id| T::find(app, &id)) {
            Some(item) => Ok(Known(item)),
            None => Err(T::not_found(&Page::from_request_parts(parts, app).await?, &raw)),
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
