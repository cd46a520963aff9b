//! The petitions' part of the home page (what waits for signatures, what was answered, which
//! answers are overdue, each a short list with the way to the whole list) and of a body's
//! page (the petitions it owes an answer to).

use super::list::petition_rows;
use super::*;

/// Petitions in each of the home page's lists.
const HOME_ROWS: usize = 3;

/// The petitions' sections of the home page.
pub(crate) fn home_sections(app: &AppState, p: &Page) -> Markup {
    let view = app.capabilities.petitions.view();
    let now = now_ms();
    let all = view.all();
    let mut open: Vec<Arc<Petition>> =
        all.iter().filter(|x| x.status == PetitionStatus::Open && signing_until(x, now).is_some()).cloned().collect();
    open.sort_by_key(|x| std::cmp::Reverse((x.signatures, x.index)));
    let answered_at = |x: &Petition| x.obligation.as_ref().and_then(|o| o.answer.as_ref()).map(|a| a.answered_at);
    let mut answered: Vec<Arc<Petition>> = all.iter().filter(|x| answered_at(x).is_some()).cloned().collect();
    answered.sort_by_key(|x| std::cmp::Reverse(answered_at(x)));
    let mut overdue: Vec<Arc<Petition>> = all
        .iter()
        .filter(|x| x.obligation.as_ref().is_some_and(|o| o.answer.is_none() && o.status == ObligationStatus::Overdue))
        .cloned()
        .collect();
    overdue.sort_by_key(|x| x.obligation.as_ref().map(|o| o.due_at));
    // Someone signed in and verified first sees what is open where they live (the page is
    // then theirs, never cached; an anonymous visitor's is the same for everyone).
    let home_region = p
        .session
        .clone()
        .and_then(|session| Citizen::new(session).identity(app).ok().flatten().map(|i| i.locality.region));
    let near: Vec<Arc<Petition>> = home_region
        .map(|r| open.iter().filter(|x| x.territory.as_ref().is_some_and(|t| t.region == r)).cloned().collect())
        .unwrap_or_default();
    let near_total = near.len();
    let near: Vec<Arc<Petition>> = near.into_iter().take(HOME_ROWS).collect();
    let (open_total, answered_total, overdue_total) = (open.len(), answered.len(), overdue.len());
    for list in [&mut open, &mut answered, &mut overdue] {
        list.truncate(HOME_ROWS);
    }
    let more = |href: &str, id: &str, total: usize| {
        html! { p { a href=(href) { (p.t_args(id, &[("count", FluentValue::from(total))])) } } }
    };
    html! {
        @if let Some(region) = home_region {
            section #home-near aria-labelledby="home-near-heading" {
                h2 #home-near-heading { (p.t_args("home-near-heading", &[("region", FluentValue::from(region.name().get(p.lang).to_string()))])) }
                @if near.is_empty() {
                    p.muted { (p.t("home-near-none")) " " a href="/petitions/new" { (p.t("pp-start")) } }
                } @else {
                    (petition_rows(app, p, &near, "home-near-list"))
                    (more(&format!("/petitions?status=open&region={}", region.code()), "home-near-all", near_total))
                }
            }
        }
        section #home-open aria-labelledby="home-open-heading" {
            h2 #home-open-heading { (p.t("home-open-heading")) }
            @if open.is_empty() {
                p.muted { (p.t("home-open-none")) " " a href="/petitions/new" { (p.t("pp-start")) } }
            } @else {
                (petition_rows(app, p, &open, "home-open-list"))
                (more("/petitions?status=open&sort=most_signed", "home-open-all", open_total))
            }
        }
        @if !overdue.is_empty() {
            section #home-overdue aria-labelledby="home-overdue-heading" {
                h2 #home-overdue-heading { (p.t("home-overdue-heading")) }
                p { (p.t("home-overdue-lead")) }
                (petition_rows(app, p, &overdue, "home-overdue-list"))
                (more("/petitions?answer=overdue", "home-overdue-all", overdue_total))
            }
        }
        section #home-answered aria-labelledby="home-answered-heading" {
            h2 #home-answered-heading { (p.t("home-answered-heading")) }
            @if answered.is_empty() {
                p.muted { (p.t("home-answered-none")) }
            } @else {
                (petition_rows(app, p, &answered, "home-answered-list"))
                (more("/petitions?answer=answered", "home-answered-all", answered_total))
            }
        }
    }
}

/// The petitions' section of a body's page: those it must answer, soonest due first, each
/// headed by its standing; and how many it has answered.
pub(crate) fn owed_by(app: &AppState, p: &Page, body: &BodyId) -> Markup {
    let owed = app.capabilities.petitions.view().obligations_of(body);
    let answered = owed.iter().filter(|x| x.obligation.as_ref().is_some_and(|o| o.answer.is_some())).count();
    let waiting: Vec<Arc<Petition>> =
        owed.into_iter().filter(|x| x.obligation.as_ref().is_some_and(|o| o.answer.is_none())).collect();
    html! {
        section #owed-petitions aria-labelledby="owed-petitions-heading" {
            h2 #owed-petitions-heading { (p.t("pp-body-owed-heading")) " " span.muted { "(" (waiting.len()) ")" } }
            @if waiting.is_empty() {
                p.muted { (p.t("pp-body-owed-none")) }
            } @else {
                (petition_rows(app, p, &waiting, "owed-petitions-list"))
            }
            p { a href={ "/petitions?answer=answered&body=" (body) } { (p.t_args("pp-body-answered", &[("count", FluentValue::from(answered))])) } }
            p { a #follow-body href={ "/bodies/" (body) "/follow" } { (p.t("pp-follow-body")) } }
        }
    }
}
