//! The demo crowd (`/demo`, only with `--demo`): one person can walk a petition through its
//! whole life by adding synthetic supporters — as many as the next step needs (the initial
//! supporters, then the threshold), at most [`MAX_PER_CLICK`] at a time. They are ordinary
//! `petition.signed` entries submitted through the sequencer, with pseudonyms no person holds;
//! the page says so. Without `--demo` the routes answer 404 like any unknown path.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use dauys_core::{Event, Petition, PetitionId, PetitionStatus, Region};
use fluent_templates::fluent_bundle::FluentValue;
use maud::html;
use serde::Deserialize;
use tokio::task::JoinSet;

use crate::i18n::UiLang;
use crate::web::extract::{CsrfForm, PageResult};
use crate::web::forms::csrf_field;
use crate::web::{Page, Section};
use crate::AppState;

/// Most demo supporters one click adds.
pub const MAX_PER_CLICK: u64 = 3_000;

pub fn routes() -> Router<AppState> {
    Router::new().route("/demo", get(page)).route("/demo/supporters", post(add))
}

/// How many supporters the next step needs: the initial supporters while gathering, the
/// threshold while open; zero when nothing more is needed.
pub fn missing(p: &Petition) -> u64 {
    let need = match p.status {
        PetitionStatus::Gathering => u64::from(p.terms.initial_supporters),
        PetitionStatus::Open if p.threshold_reached_at.is_none() => p.terms.threshold,
        _ => return 0,
    };
    need.saturating_sub(p.signatures).min(MAX_PER_CLICK)
}

/// Running with `--demo`. Without it the demo's paths are unknown: the 404 page any unknown
/// path gets, before anything else is looked at (session, form).
struct DemoRunning;

impl FromRequestParts<AppState> for DemoRunning {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<DemoRunning, Response> {
        if app.demo {
            return Ok(DemoRunning);
        }
        let ui = UiLang::from_request_parts(parts, app).await.map_err(IntoResponse::into_response)?;
        Err(crate::web::not_found_page(ui, parts.uri.path()))
    }
}

async fn page(_: DemoRunning, State(app): State<AppState>, p: Page) -> PageResult {
    let lang = p.lang;
    let session = &p.session;
    let petitions: Vec<_> = app
        .capabilities
        .petitions
        .view()
        .all()
        .into_iter()
        .filter(|x| matches!(x.status, PetitionStatus::Gathering | PetitionStatus::Open))
        .collect();
    let title = p.t("demo-crowd-title");
    let main = html! {
        h1 { (title) }
        p.lead { (p.t("demo-crowd-lead")) }
        p role="note" { strong { (p.t("demo-crowd-warning")) } }
        @if session.is_none() {
            p { a href={ "/login?next=%2Fdemo" } { (p.t("demo-crowd-sign-in")) } }
        }
        @if petitions.is_empty() {
            p { (p.t("demo-crowd-empty")) }
        } @else {
            table.entries {
                caption { (p.t("demo-crowd-caption")) }
                thead {
                    tr {
                        th scope="col" { (p.t("demo-crowd-col-petition")) }
                        th scope="col" { (p.t("demo-crowd-col-status")) }
                        th scope="col" { (p.t("demo-crowd-col-signatures")) }
                        th scope="col" { (p.t("demo-crowd-col-action")) }
                    }
                }
                tbody {
                    @for pet in &petitions {
                        @let n = missing(pet);
                        @let (_, name) = pet.title.best(lang);
                        tr {
                            td { a id={ "demo-" (pet.id) } href={ "/petitions/" (pet.id) } { (name) } }
                            td { (p.t(&format!("demo-crowd-status-{}", pet.status.as_str()))) }
                            td { (pet.signatures) }
                            td {
                                @if n == 0 {
                                    (p.t("demo-crowd-nothing-needed"))
                                } @else if let Some(s) = session {
                                    form method="post" action="/demo/supporters" {
                                        (csrf_field(&s.csrf))
                                        input type="hidden" name="petition" value=(pet.id);
                                        button type="submit" aria-describedby={ "demo-" (pet.id) } {
                                            (p.t_args("demo-crowd-add", &[("count", FluentValue::from(n))]))
                                        }
                                    }
                                } @else {
                                    (p.t_args("demo-crowd-missing", &[("count", FluentValue::from(n))]))
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(p.render(StatusCode::OK, &title, Section::None, main))
}

#[derive(Deserialize)]
struct AddForm {
    #[serde(default)]
    petition: String,
}

/// Adds the missing demo supporters, then back to `/demo`.
async fn add(_: DemoRunning, State(app): State<AppState>, p: Page, CsrfForm(form): CsrfForm<AddForm>) -> PageResult {
    let Some(petition) =
        form.petition.parse::<PetitionId>().ok().and_then(|id| app.capabilities.petitions.view().get(&id))
    else {
        return Err(p
            .error(StatusCode::NOT_FOUND, &p.t("demo-crowd-not-found"), &p.t("demo-crowd-not-found-text"))
            .into());
    };
    let n = missing(&petition);
    if n == 0 {
        return Ok(Redirect::to("/demo").into_response());
    }
    match add_supporters(&app, &petition, n).await {
        Ok(_) => Ok(Redirect::to("/demo").into_response()),
        Err(e) => {
            tracing::warn!(error = %e, petition = %petition.id, "demo supporters not added");
            Err(p.error(StatusCode::SERVICE_UNAVAILABLE, &p.t("err-title"), &p.t("demo-crowd-failed")).into())
        }
    }
}

/// Submits `count` demo signatures on `petition` and waits until they are durable; returns how
/// many the rules accepted (a window may end meanwhile).
pub async fn add_supporters(
    app: &AppState,
    petition: &Petition,
    count: u64,
) -> Result<u64, crate::sequencer::SubmitError> {
    let run = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let spread = super::history::regions_by_population(run as u64, count as usize);
    let mut tasks = JoinSet::new();
    for n in 0..count {
        let region = match &petition.territory {
            Some(t) => t.region,
            None => spread.get(n as usize).copied().unwrap_or(Region::Astana),
        };
        let signer = super::history::demo_pseudonym(&petition.id, &format!("crowd-{run}-{n}"));
        let event = Event::PetitionSigned { petition: petition.id.clone(), signer, region };
        let sequencer = app.sequencer.clone();
        tasks.spawn(async move { sequencer.submit(event).await });
    }
    let mut accepted = 0;
    let mut failure = None;
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(Ok(_)) => accepted += 1,
            Ok(Err(crate::sequencer::SubmitError::Rejected(_))) => {}
            Ok(Err(e)) => failure = Some(e),
            Err(e) => failure = Some(crate::sequencer::SubmitError::Unavailable(e.to_string())),
        }
    }
    match failure {
        Some(e) if accepted == 0 => Err(e),
        _ => Ok(accepted),
    }
}
