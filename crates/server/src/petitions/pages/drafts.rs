//! The author's pages: write and edit a draft (private, at `/me/drafts/{id}`), launch it or
//! delete it, withdraw a petition.

use super::*;
use crate::petitions::SavedDraft;

#[derive(Deserialize, Default, Clone)]
pub struct DraftFields {
    #[serde(default)]
    body: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    title_kk: String,
    #[serde(default)]
    text_kk: String,
    #[serde(default)]
    title_ru: String,
    #[serde(default)]
    text_ru: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    text_en: String,
}

impl DraftFields {
    fn of(pet: &SavedDraft) -> DraftFields {
        let s = |t: &PartialText, l: Lang| t.get(l).unwrap_or_default().to_string();
        DraftFields {
            body: pet.body.to_string(),
            level: pet.level.as_str().to_string(),
            topic: pet.topic.to_string(),
            title_kk: s(&pet.title, Lang::Kk),
            text_kk: s(&pet.text, Lang::Kk),
            title_ru: s(&pet.title, Lang::Ru),
            text_ru: s(&pet.text, Lang::Ru),
            title_en: s(&pet.title, Lang::En),
            text_en: s(&pet.text, Lang::En),
        }
    }

    fn texts(&self, lang: Lang) -> (&str, &str) {
        match lang {
            Lang::Kk => (&self.title_kk, &self.text_kk),
            Lang::Ru => (&self.title_ru, &self.text_ru),
            Lang::En => (&self.title_en, &self.text_en),
        }
    }
}

/// The bodies a petition may address under the rules in force, by name in `lang`: open ones
/// (a body a reorganisation closed receives nothing new; its drafts moved to its successor).
async fn petitionable_bodies(app: &AppState, lang: Lang) -> Vec<Body> {
    let levels: Vec<Level> = app
        .capabilities
        .petitions
        .view()
        .rules()
        .map(|r| r.rules.levels.iter().map(|l| l.level).collect())
        .unwrap_or_default();
    let mut bodies: Vec<Body> = app.deployment.bodies().iter().map(|b| (**b).clone()).collect();
    bodies.retain(|b| b.is_open() && levels.iter().any(|l| l.addresses(b.kind)));
    bodies.sort_by(|a, b| a.name.get(lang).cmp(b.name.get(lang)));
    bodies
}

fn check_draft(
    app: &AppState,
    p: &Page,
    v: &DraftFields,
    bodies: &[Body],
    identity: &Identity,
    petition: Option<PetitionId>,
) -> Result<Draft, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut err = |field: &str, message: String| errors.push(FieldError::new(field, message));
    let rules = app.capabilities.petitions.view().rules();
    let body = v.body.parse::<BodyId>().ok().and_then(|id| bodies.iter().find(|b| b.id == id));
    if body.is_none() {
        err("body", p.t("pp-form-choose-body"));
    }
    let level = v.level.parse::<Level>().ok().filter(|l| rules.as_ref().is_some_and(|r| r.rules.level(*l).is_some()));
    match level {
        None => err("level", p.t("pp-form-choose-level")),
        Some(level) => {
            if let Some(b) = body {
                if !level.addresses(b.kind) {
                    err("level", p.t("pp-form-level-body"));
                }
            }
            // The service takes the territory from the body, or from the author's locality
            // when the body has none; say here why it cannot.
            if body.is_some_and(|b| level.territory_for(b, &identity.locality).is_err()) {
                err("level", p.t("pp-form-no-district"));
            }
        }
    }
    let topic =
        v.topic.parse::<TopicCode>().ok().filter(|t| rules.as_ref().is_some_and(|r| r.rules.topic(t).is_some()));
    if topic.is_none() {
        err("topic", p.t("pp-form-choose-topic"));
    }
    let (mut title, mut text) = (PartialText::default(), PartialText::default());
    for lang in Lang::ALL {
        let (t, x) = v.texts(lang);
        let (t, x) = (t.trim(), x.replace("\r\n", "\n"));
        let x = x.trim();
        let l = lang.as_str();
        if t.is_empty() && x.is_empty() {
            continue;
        }
        if t.is_empty() {
            err(&format!("title_{l}"), p.t("pp-form-title-missing"));
        }
        if x.is_empty() {
            err(&format!("text_{l}"), p.t("pp-form-text-missing"));
        }
        if t.chars().count() > MAX_PETITION_TITLE_CHARS {
            err(
                &format!("title_{l}"),
                p.t_args("pp-form-too-long", &[("max", FluentValue::from(MAX_PETITION_TITLE_CHARS))]),
            );
        }
        if x.chars().count() > MAX_PETITION_TEXT_CHARS {
            err(
                &format!("text_{l}"),
                p.t_args("pp-form-too-long", &[("max", FluentValue::from(MAX_PETITION_TEXT_CHARS))]),
            );
        }
        // The core's rules for new text: nothing only invisible, no direction controls.
        for (field, s, multiline) in [("title", t, false), ("text", x, true)] {
            // An empty text is reported as missing above.
            let checked =
                if s.is_empty() { Ok(()) } else { dauys_core::check_new_text(field, Some(lang), s, multiline) };
            if let Err(e) = checked {
                err(&format!("{field}_{l}"), p.t(&format!("pp-err-{}", e.code())));
            }
        }
        title.set(lang, t);
        text.set(lang, x);
    }
    if title.langs().next().is_none() && text.langs().next().is_none() {
        err("title_kk", p.t("pp-form-one-language"));
    }
    match (body, level, topic) {
        (Some(b), Some(level), Some(topic)) if errors.is_empty() => {
            Ok(Draft { petition, body: b.id.clone(), level, topic, title, text })
        }
        _ => Err(errors),
    }
}

#[allow(clippy::too_many_arguments)]
fn draft_page(
    app: &AppState,
    p: &Page,
    session: &Session,
    identity: &Identity,
    bodies: &[Body],
    v: &DraftFields,
    errors: &[FieldError],
    editing: Option<&PetitionId>,
    status: StatusCode,
) -> Response {
    let rules = app.capabilities.petitions.view().rules();
    let levels: Vec<Level> =
        rules.as_ref().map(|r| r.rules.levels.iter().map(|l| l.level).collect()).unwrap_or_default();
    let topics: Vec<(String, String)> = rules
        .as_ref()
        .map(|r| r.rules.topics.iter().map(|t| (t.code.to_string(), t.name.get(p.lang).to_string())).collect())
        .unwrap_or_default();
    let (title, action) = match editing {
        Some(id) => (p.t("pp-edit-title"), format!("{}/edit", draft_href(id))),
        None => (p.t("pp-new-title"), "/petitions/new".to_string()),
    };
    let invalid = |field: &str| field_error(errors, field).is_some().then_some("true");
    let home = locality_label(p.lang, &identity.locality);
    let main = html! {
        h1 { (title) }
        p.lead { (p.t("pp-new-lead")) }
        p.notice #draft-is-private { (p.t("pp-new-lead-private")) }
        @if !errors.is_empty() {
            div.error role="alert" #form-errors {
                p { (p.t("pp-form-problems")) }
                ul {
                    @for e in errors {
                        li { a href={ "#" (e.field) } { (e.message) } }
                    }
                }
            }
        }
        form.stack #draft-form method="post" action=(action) novalidate {
            (csrf_field(&session.csrf))
            label for="body" { (p.t("pp-field-body")) }
            (error_line(errors, "body"))
            select #body name="body" required aria-invalid=[invalid("body")] aria-describedby=[described_by(errors, "body", None)] {
                option value="" { (p.t("pp-form-choose")) }
                @for b in bodies {
                    option value=(b.id.as_str()) selected[v.body == b.id.as_str()] {
                        (b.name.get(p.lang)) " (" (p.t(&format!("body-kind-{}", b.kind.as_str()))) ")"
                    }
                }
            }
            label for="level" { (p.t("pp-field-level")) }
            (error_line(errors, "level"))
            select #level name="level" required aria-invalid=[invalid("level")] aria-describedby=[described_by(errors, "level", Some("level-hint"))] {
                option value="" { (p.t("pp-form-choose")) }
                @for l in &levels {
                    option value=(l.as_str()) selected[v.level == l.as_str()] { (level_label(p.lang, *l)) }
                }
            }
            p.hint #level-hint { (p.t_args("pp-form-level-hint", &[("home", FluentValue::from(home))])) }
            label for="topic" { (p.t("pp-field-topic")) }
            (error_line(errors, "topic"))
            select #topic name="topic" required aria-invalid=[invalid("topic")] aria-describedby=[described_by(errors, "topic", None)] {
                option value="" { (p.t("pp-form-choose")) }
                @for (code, name) in &topics {
                    option value=(code) selected[&v.topic == code] { (name) }
                }
            }
            p.hint #texts-hint { (p.t("pp-form-texts-hint")) }
            @for lang in Lang::ALL {
                @let l = lang.as_str();
                @let (t, x) = v.texts(lang);
                @let tf = format!("title_{l}");
                @let xf = format!("text_{l}");
                fieldset {
                    legend lang=(l) { (p.t(&format!("lang-{l}"))) }
                    label for=(tf) { (p.t("pp-field-title")) }
                    (error_line(errors, &tf))
                    input id=(tf) name=(tf) type="text" lang=(l) value=(t) maxlength=(MAX_PETITION_TITLE_CHARS)
                        aria-invalid=[invalid(&tf)] aria-describedby=[described_by(errors, &tf, Some("texts-hint"))];
                    label for=(xf) { (p.t("pp-field-text")) }
                    (error_line(errors, &xf))
                    textarea id=(xf) name=(xf) lang=(l) rows="10" maxlength=(MAX_PETITION_TEXT_CHARS)
                        aria-invalid=[invalid(&xf)] aria-describedby=[described_by(errors, &xf, None)] { (x) }
                }
            }
            button #save-draft type="submit" { (p.t("pp-save-draft")) }
        }
        @if let Some(id) = editing {
            p { a href=(draft_href(id)) { (p.t("pp-back-to-draft")) } }
        }
    };
    p.render(status, &title, crate::petitions::SECTION, main)
}

/// The signed-in, verified author, or the page to show instead.
fn author_identity<'c>(app: &AppState, p: &Page, citizen: &'c Citizen) -> Result<&'c Identity, PageError> {
    let identity = citizen.identity(app).map_err(|e| {
        let e = PetitionError::People(e);
        PageError::from(p.error(e.status(), &p.t("pp-err-title"), &error_text(p, None, &e)))
    })?;
    identity.ok_or_else(|| {
        let title = p.t("pp-new-title");
        let main = html! {
            h1 { (title) }
            div.error role="alert" #verify-first {
                p { (p.t("pp-verify-to-start")) }
                p { a #verify-link href="/verify" { (p.t("pp-verify-link")) } }
            }
        };
        p.render(StatusCode::FORBIDDEN, &title, crate::petitions::SECTION, main).into()
    })
}

/// GET /petitions/new
pub(crate) async fn new_form(State(app): State<AppState>, p: Page, citizen: Citizen) -> PageResult {
    let identity = author_identity(&app, &p, &citizen)?;
    let bodies = petitionable_bodies(&app, p.lang).await;
    let (v, session) = (DraftFields::default(), &citizen.session);
    Ok(draft_page(&app, &p, session, identity, &bodies, &v, &[], None, StatusCode::OK))
}

/// POST /petitions/new
pub(crate) async fn create(
    State(app): State<AppState>,
    p: Page,
    citizen: Citizen,
    CsrfForm(v): CsrfForm<DraftFields>,
) -> PageResult {
    save_draft(&app, &p, &citizen, &v, None).await
}

async fn save_draft(
    app: &AppState,
    p: &Page,
    citizen: &Citizen,
    v: &DraftFields,
    editing: Option<&PetitionId>,
) -> PageResult {
    let identity = author_identity(app, p, citizen)?;
    let session = &citizen.session;
    let bodies = petitionable_bodies(app, p.lang).await;
    let draft = match check_draft(app, p, v, &bodies, identity, editing.cloned()) {
        Ok(d) => d,
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(draft_page(app, p, session, identity, &bodies, v, &errors, editing, status));
        }
    };
    Ok(match app.capabilities.petitions.draft(Person::opened(citizen.account(), Some(identity)), draft).await {
        Ok(id) => Redirect::to(&format!("{}?done=drafted", draft_href(&id))).into_response(),
        Err(e) => {
            let errors = [FieldError::new("draft-form", error_text(p, None, &e))];
            draft_page(app, p, session, identity, &bodies, v, &errors, editing, e.status())
        }
    })
}

/// The author's page of a draft.
pub(crate) fn draft_href(id: &PetitionId) -> String {
    format!("/me/drafts/{id}")
}

/// The signed-in author's draft the path names (private, or on the log from before drafts
/// were private), or the page to show instead: the petition's own page once it is launched,
/// and "no such draft" for anyone else's, since a draft is its author's alone.
async fn own_draft(app: &AppState, p: &Page, citizen: &Citizen, raw: &str) -> Result<SavedDraft, PageError> {
    let Ok(id) = raw.parse::<PetitionId>() else { return Err(no_petition(p, raw)) };
    let petitions = &app.capabilities.petitions;
    match petitions.editable_draft(citizen.account(), &id).await {
        Ok(Some(draft)) => Ok(draft),
        Ok(None) if petitions.view().get(&id).is_some_and(|pet| pet.status != PetitionStatus::Draft) => {
            Err(Redirect::to(&petition_href(&id)).into_response().into())
        }
        Ok(None) => Err(no_petition(p, raw)),
        Err(e) => Err(p.error(e.status(), &p.t("pp-err-title"), &error_text(p, None, &e)).into()),
    }
}

/// GET /me/drafts/{id} — the author's draft as it will read once launched, with its launch.
pub(crate) async fn show_draft(
    State(app): State<AppState>,
    p: Page,
    citizen: Citizen,
    PageQuery(DoneQuery { done }): PageQuery<DoneQuery>,
    axum::extract::Path(raw): axum::extract::Path<String>,
) -> PageResult {
    let draft = own_draft(&app, &p, &citizen, &raw).await?;
    let flash = match done.as_deref() {
        Some("drafted") => Flash::Notice(html! { p { (p.t("pp-done-drafted")) } }),
        _ => Flash::None,
    };
    Ok(draft_view(&app, &p, &citizen, &draft, flash, StatusCode::OK))
}

fn draft_view(
    app: &AppState,
    p: &Page,
    citizen: &Citizen,
    draft: &SavedDraft,
    flash: Flash,
    status: StatusCode,
) -> Response {
    let (title_lang, title) = draft.title.best(p.lang);
    let base = draft_href(&draft.petition);
    let csrf = &citizen.session.csrf;
    let rules = app.capabilities.petitions.view().rules();
    let (need, days) =
        rules.as_ref().map_or((0, 0), |r| (r.rules.initial_supporters, r.rules.initial_window_working_days));
    let territory = citizen.identity(app).ok().flatten().and_then(|identity| {
        let body = app.deployment.body(&draft.body)?;
        draft.level.territory_for(&body, &identity.locality).ok()
    });
    let main = html! {
        p.kicker { (p.t("pp-draft-kicker")) }
        h1 lang=(title_lang.as_str()) { (title) }
        p.addressed #addressed { (p.t_args("pp-addressed-to", &[("body", FluentValue::from(body_label(app, p.lang, &draft.body)))])) " · " (level_label(p.lang, draft.level)) }
        @match &flash {
            Flash::None => {}
            Flash::Notice(m) => { (notice("petition-notice", m.clone())) }
            Flash::Error(m) => { (alert("petition-error", m.clone())) }
        }
        @if draft.on_log {
            p.note #draft-on-log { (p.t("pp-draft-on-log")) }
        } @else {
            p.notice #draft-private { (p.t("pp-draft-private")) }
        }
        section.act #launch aria-labelledby="launch-heading" {
            h2 #launch-heading.compact { (p.t("pp-draft-launch-heading")) }
            form method="post" action={ (base) "/launch" } {
                (csrf_field(csrf))
                p.hint #launch-hint { (p.t_args("pp-launch-hint", &[
                    ("need", FluentValue::from(need)),
                    ("days", FluentValue::from(days)),
                ])) }
                button #launch-button type="submit" aria-describedby="launch-hint" { (p.t("pp-launch")) }
            }
            p { a #edit-link href={ (base) "/edit" } { (p.t("pp-edit")) } }
        }
        section aria-labelledby="text-heading" {
            h2 #text-heading { (p.t("pp-text-heading")) }
            (partial_text(p, &draft.text))
            (other_languages(p, &draft.text))
            dl.fields #draft-fields {
                dt { (p.t("pp-field-status")) } dd #petition-status data-status="draft" {
                    (p.t(if draft.on_log { "pp-status-draft" } else { "pp-status-private-draft" }))
                }
                dt { (p.t("pp-field-topic")) } dd { (topic_label(&app.capabilities.petitions, p.lang, &draft.topic)) }
                dt { (p.t("pp-field-territory")) } dd {
                    (territory_label(p.lang, territory.flatten().as_ref()).unwrap_or_else(|| p.t("pp-whole-country")))
                }
                dt { (p.t("pp-draft-saved-at")) } dd { (time_el(app, p.lang, draft.saved_at.0)) }
            }
        }
        @if !draft.on_log {
            details #delete-draft {
                summary { (p.t("pp-draft-delete")) }
                form.stack method="post" action={ (base) "/delete" } {
                    (csrf_field(csrf))
                    p.hint #delete-hint { (p.t("pp-draft-delete-hint")) }
                    button.danger #delete-button type="submit" aria-describedby="delete-hint" { (p.t("pp-draft-delete-confirm")) }
                }
            }
        }
        p { a href="/me/petitions" { (p.t("pp-mine-title")) } }
    };
    p.render(status, title, Section::Account, main)
}

/// GET /me/drafts/{id}/edit — the author changes a draft.
pub(crate) async fn edit_form(
    State(app): State<AppState>,
    p: Page,
    citizen: Citizen,
    axum::extract::Path(raw): axum::extract::Path<String>,
) -> PageResult {
    let draft = own_draft(&app, &p, &citizen, &raw).await?;
    let identity = author_identity(&app, &p, &citizen)?;
    let bodies = petitionable_bodies(&app, p.lang).await;
    let (v, session) = (DraftFields::of(&draft), &citizen.session);
    Ok(draft_page(&app, &p, session, identity, &bodies, &v, &[], Some(&draft.petition), StatusCode::OK))
}

/// POST /me/drafts/{id}/edit
pub(crate) async fn edit(
    State(app): State<AppState>,
    p: Page,
    citizen: Citizen,
    axum::extract::Path(raw): axum::extract::Path<String>,
    CsrfForm(v): CsrfForm<DraftFields>,
) -> PageResult {
    let draft = own_draft(&app, &p, &citizen, &raw).await?;
    save_draft(&app, &p, &citizen, &v, Some(&draft.petition)).await
}

/// POST /me/drafts/{id}/launch — the author launches a draft: it goes on the log, and the
/// author signs it first.
pub(crate) async fn launch(
    State(app): State<AppState>,
    p: Page,
    citizen: Citizen,
    axum::extract::Path(raw): axum::extract::Path<String>,
    _: CsrfForm<NoFields>,
) -> PageResult {
    let draft = own_draft(&app, &p, &citizen, &raw).await?;
    let launched = match citizen.person(&app) {
        Ok(who) => app.capabilities.petitions.launch(who, &draft.petition).await,
        Err(e) => Err(e.into()),
    };
    Ok(match launched {
        Ok(_) => Redirect::to(&format!("{}?done=launched", petition_href(&draft.petition))).into_response(),
        Err(e) => {
            let flash = Flash::Error(html! { p { (error_text(&p, None, &e)) } });
            // What is kept now: a refused launch may have logged the draft before it failed.
            let draft = own_draft(&app, &p, &citizen, &raw).await?;
            draft_view(&app, &p, &citizen, &draft, flash, e.status())
        }
    })
}

/// POST /me/drafts/{id}/delete — the author deletes a private draft for good.
pub(crate) async fn delete(
    State(app): State<AppState>,
    p: Page,
    citizen: Citizen,
    axum::extract::Path(raw): axum::extract::Path<String>,
    _: CsrfForm<NoFields>,
) -> PageResult {
    let draft = own_draft(&app, &p, &citizen, &raw).await?;
    Ok(match app.capabilities.petitions.delete_draft(citizen.account(), &draft.petition).await {
        Ok(()) => Redirect::to("/me/petitions?done=deleted").into_response(),
        Err(e) => {
            let flash = Flash::Error(html! { p { (error_text(&p, None, &e)) } });
            draft_view(&app, &p, &citizen, &draft, flash, e.status())
        }
    })
}

#[derive(Deserialize)]
pub struct WithdrawFields {
    #[serde(default)]
    reason: String,
}

/// POST /petitions/{id}/withdraw — the author withdraws, with a reason.
pub(crate) async fn withdraw(
    State(app): State<AppState>,
    p: Page,
    Known(pet): Known<Petition>,
    citizen: Citizen,
    CsrfForm(form): CsrfForm<WithdrawFields>,
) -> Response {
    let reason = form.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        let viewer = viewer(&app, Some(&citizen), &pet).await;
        let message = p.t_args("pp-withdraw-reason-needed", &[("max", FluentValue::from(MAX_REASON_CHARS))]);
        let flash = Flash::Error(html! { p { (message) } });
        return petition_page(&app, &p, &viewer, &pet, flash, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let withdrawn = match citizen.person(&app) {
        Ok(who) => app.capabilities.petitions.withdraw(who, &pet.id, reason).await,
        Err(e) => Err(e.into()),
    };
    match withdrawn {
        Ok(_) => Redirect::to(&format!("{}?done=withdrawn", petition_href(&pet.id))).into_response(),
        Err(e) => action_failed(&app, &p, &citizen, &pet.id, &e).await,
    }
}

/// The petition page again, with the failure's message on top.
async fn action_failed(app: &AppState, p: &Page, citizen: &Citizen, id: &PetitionId, e: &PetitionError) -> Response {
    let Some(pet) = app.capabilities.petitions.view().get(id) else {
        return no_petition(p, id.as_str()).into_response();
    };
    let flash = Flash::Error(html! { p { (error_text(p, Some(&pet), e)) } });
    let viewer = viewer(app, Some(citizen), &pet).await;
    petition_page(app, p, &viewer, &pet, flash, e.status()).await
}
