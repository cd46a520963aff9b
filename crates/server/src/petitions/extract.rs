//! What the petition pages extract from a request beyond the shared extractors
//! (`web::extract`): the petition a path names, a moderator, an official answering for their
//! bodies, and a signed-in person's pseudonym for a petition.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use dauys_core::{BodyId, Petition, PetitionId, Pseudonym};
use dauys_identity::iin::Iin;
use dauys_identity::policy::{authorize, Action, Denied};
use fluent_templates::fluent_bundle::FluentValue;
use maud::html;

use crate::people::session::Session;
use crate::web::extract::{signed_in, BodyAct, Citizen, PageError, PathItem};
use crate::web::Page;
use crate::AppState;

impl PathItem for Petition {
    type Id = PetitionId;

    fn find(app: &AppState, id: &PetitionId) -> Option<Arc<Petition>> {
        app.capabilities.petitions.view().get(id)
    }

    fn not_found(page: &Page, raw: &str) -> PageError {
        no_petition(page, raw)
    }
}

/// The page for a petition that does not exist (`raw` as the path gave it).
pub(crate) fn no_petition(page: &Page, raw: &str) -> PageError {
    let shown: String = raw.chars().take(60).collect();
    let title = page.t("pp-not-found-title");
    let main = html! {
        h1 { (title) }
        p.lead { (page.t_args("pp-not-found-text", &[("id", FluentValue::from(shown))])) }
        p { a href="/petitions" { (page.t("pp-back-to-list")) } }
    };
    page.render(StatusCode::NOT_FOUND, &title, crate::petitions::SECTION, main).into()
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

impl Citizen {
    /// The person's pseudonym for a petition, if verified (for "you signed this", receipts
    /// and "you wrote this").
    pub(crate) fn petition_pseudonym(&self, app: &AppState, petition: &PetitionId) -> Option<Pseudonym> {
        let identity = self.identity(app).ok()??;
        let iin = Iin::parse(&identity.iin).ok()?;
        Some(app.people.petition_pseudonym(&iin, petition))
    }
}
