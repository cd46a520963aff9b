//! "My petitions": what the signed-in person wrote, and what each waits for.

use super::*;

/// What the author does or waits for next.
fn next_step(p: &Page, app: &AppState, pet: &Petition, now: u64) -> String {
    match pet.status {
        PetitionStatus::Draft => p.t("pp-next-draft"),
        PetitionStatus::Gathering | PetitionStatus::Moderation => deadline(p, app, pet, now).unwrap_or_default(),
        PetitionStatus::Open if pet.threshold_reached_at.is_some() => p.t("pp-next-threshold"),
        PetitionStatus::Open => deadline(p, app, pet, now).unwrap_or_default(),
        PetitionStatus::Closed => match &pet.obligation {
            Some(o) if o.answer.is_some() => p.t("pp-next-answered"),
            Some(o) => p.t_args("pp-next-awaiting", &[("date", FluentValue::from(p.date(o.due)))]),
            None => p.t("pp-next-closed"),
        },
        PetitionStatus::Rejected => p.t("pp-next-rejected"),
        PetitionStatus::Withdrawn | PetitionStatus::Expired => p.t("pp-next-none"),
    }
}

/// GET /me/petitions — the petitions the signed-in person wrote: their private drafts, then
/// what they launched.
pub(crate) async fn mine(
    State(app): State<AppState>,
    p: Page,
    PageQuery(DoneQuery { done }): PageQuery<DoneQuery>,
    Citizen { session, .. }: Citizen,
) -> PageResult {
    let verified = session.account.row.person.is_some();
    let petitions = app.capabilities.petitions.authored_by(&session.account);
    let drafts = app
        .capabilities
        .petitions
        .private_drafts(&session.account)
        .await
        .map_err(|e| PageError::from(p.error(e.status(), &p.t("pp-err-title"), &error_text(&p, None, &e))))?;
    let now = now_ms();
    let title = p.t("pp-mine-title");
    let main = html! {
        h1 { (title) }
        @if done.as_deref() == Some("deleted") {
            (notice("petition-notice", html! { p { (p.t("pp-done-deleted")) } }))
        }
        p { a href="/petitions/new" { (p.t("pp-start")) } }
        @if !verified {
            div.notice #verify-first {
                p { (p.t("pp-verify-to-start")) " " a href="/verify" { (p.t("pp-verify-link")) } }
            }
        }
        @if !drafts.is_empty() {
            table.entries #my-drafts {
                caption { (p.t("pp-mine-drafts-caption")) }
                thead { tr {
                    th scope="col" { (p.t("pp-col-petition")) }
                    th scope="col" { (p.t("pp-col-saved")) }
                    th scope="col" { (p.t("pp-col-next")) }
                } }
                tbody {
                    @for d in &drafts {
                        tr data-draft=(d.petition.as_str()) {
                            th scope="row" data-label=(p.t("pp-col-petition")) { a href=(draft_href(&d.petition)) { (partial_title(&p, &d.title)) } }
                            td data-label=(p.t("pp-col-saved")) { (time_el(&app, p.lang, d.saved_at.0)) }
                            td data-label=(p.t("pp-col-next")) { (p.t("pp-next-draft")) }
                        }
                    }
                }
            }
        }
        @if petitions.is_empty() && drafts.is_empty() {
            p #mine-empty { (p.t("pp-mine-empty")) }
        } @else if !petitions.is_empty() {
            table.entries #my-petitions {
                caption { (p.t("pp-mine-caption")) }
                thead { tr {
                    th scope="col" { (p.t("pp-col-petition")) }
                    th scope="col" { (p.t("pp-col-status")) }
                    th scope="col" class="num" { (p.t("pp-col-signatures")) }
                    th scope="col" { (p.t("pp-col-next")) }
                } }
                tbody {
                    @for pet in &petitions {
                        tr data-petition=(pet.id.as_str()) {
                            th scope="row" data-label=(p.t("pp-col-petition")) { a href=(petition_href(&pet.id)) { (partial_title(&p, &pet.title)) } }
                            td data-label=(p.t("pp-col-status")) { (status_label(&p, pet.status)) }
                            td.num data-label=(p.t("pp-col-signatures")) { (num(p.lang, pet.signatures)) " / " (num(p.lang, pet.terms.threshold)) }
                            td data-label=(p.t("pp-col-next")) {
                                (next_step(&p, &app, pet, now))
                                @if pet.status == PetitionStatus::Draft {
                                    " " a href={ (draft_href(&pet.id)) "/edit" } { (p.t("pp-edit")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(p.render(StatusCode::OK, &title, Section::Account, main))
}
