//! Moderators: the queue of petitions to accept or reject, and flagged signatures.

use super::*;
use crate::petitions::Rejection;
use crate::web::forms::{act_signature, act_signing, sign_script, ActFields};

/// Whether the account may moderate `petition`, as [`authorize`] decides (a moderator bound
/// to a body moderates only that body's petitions).
fn moderates(account: &Account, petition: &Petition) -> bool {
    authorize(&account.actor(), &Action::ModeratePetitionTo { body: petition.body.clone() }).is_ok()
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct RejectFields {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    forbidden_topic: String,
    #[serde(default)]
    duplicate_of: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    act_key: String,
    #[serde(default)]
    act_sig: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct SignerFields {
    #[serde(default)]
    signer: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    act_key: String,
    #[serde(default)]
    act_sig: String,
}

/// What went wrong with a moderator's form, to show it again with the values kept.
enum Failed {
    Reject {
        petition: PetitionId,
        fields: RejectFields,
        errors: Vec<FieldError>,
    },
    Invalidate {
        petition: PetitionId,
        signer: String,
        reason: String,
        message: String,
    },
    /// The service refused (someone else acted first, the ledger is busy, …).
    Action {
        petition: PetitionId,
        message: String,
    },
}

impl Failed {
    fn petition(&self) -> &PetitionId {
        match self {
            Failed::Reject { petition, .. } | Failed::Invalidate { petition, .. } | Failed::Action { petition, .. } => {
                petition
            }
        }
    }
}

/// The answer to a flag's signer that is not a pseudonym.
fn no_signature(p: &Page) -> PageError {
    p.error(StatusCode::NOT_FOUND, &p.t("staff-not-found-title"), &p.t("staff-not-found")).into()
}

fn done(what: &str, petition: &PetitionId) -> Response {
    Redirect::to(&format!("/moderation?done={what}&petition={petition}")).into_response()
}

/// GET /moderation — the queue and the flagged signatures.
pub(crate) async fn moderation(
    State(app): State<AppState>,
    p: Page,
    PageQuery(done): PageQuery<DoneQuery>,
    Moderator(session): Moderator,
) -> Response {
    moderation_page(&app, &p, &done, &session, None, StatusCode::OK).await
}

async fn moderation_page(
    app: &AppState,
    p: &Page,
    done: &DoneQuery,
    session: &Session,
    failed: Option<Failed>,
    status: StatusCode,
) -> Response {
    let view = app.capabilities.petitions.view();
    let queue: Vec<Arc<Petition>> =
        view.moderation_queue().into_iter().filter(|x| moderates(&session.account, x)).collect();
    let (flags, flags_error) = match app.capabilities.petitions.open_flags(&session.account, None, FLAG_LIMIT).await {
        Ok(f) => (f, None),
        Err(e) => (Vec::new(), Some(error_message(p, &e))),
    };
    // Flags by petition (oldest flag first), then by signer, with every reason.
    let mut flagged: BTreeMap<String, BTreeMap<String, Vec<(String, u64)>>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for f in flags {
        if !flagged.contains_key(&f.petition) {
            order.push(f.petition.clone());
        }
        flagged.entry(f.petition).or_default().entry(f.signer).or_default().push((f.reason, f.created_at_ms));
    }
    let mut bodies: Vec<BodyId> = queue.iter().map(|x| x.body.clone()).collect();
    bodies.sort();
    bodies.dedup();
    let names = body_names(app, p.lang, bodies);
    let rules = view.rules();
    let forbidden: Vec<(TopicCode, String)> = rules
        .as_ref()
        .map(|r| r.rules.forbidden_topics.iter().map(|t| (t.code.clone(), t.name.get(p.lang).to_string())).collect())
        .unwrap_or_default();
    let today = today(app);
    // The acts the rules would refuse a moderator on a petition they wrote are not offered.
    let wrote = app.capabilities.petitions.written_by(&session.account);
    let failed = failed.as_ref();
    let action_error = |id: &PetitionId| match failed {
        Some(Failed::Action { petition, message }) if petition == id => Some(message.clone()),
        _ => None,
    };
    let stray =
        failed.filter(|f| !queue.iter().any(|x| &x.id == f.petition()) && !flagged.contains_key(f.petition().as_str()));

    let keys = app.deployment.act_keys(&session.account.id);
    let main = html! {
        h1 { (p.t("staff-moderation-title")) }
        p.lead { (p.t("staff-moderation-lead")) }
        (done_notice(app, p, done))
        @if let Some(f) = stray {
            div.error role="alert" { p { (match f {
                Failed::Action { message, .. } => message.clone(),
                _ => p.t("staff-err-petition-status"),
            }) } }
        }
        section aria-labelledby="queue-heading" {
            h2 #queue-heading { (p.t_args("staff-queue-heading", &[("count", FluentValue::from(queue.len()))])) }
            @if queue.is_empty() {
                p #queue-empty { (p.t("staff-queue-empty")) }
            }
            @for pet in &queue {
                @let id = pet.id.as_str();
                @let reject_failed = match failed { Some(Failed::Reject { petition, fields, errors }) if petition == &pet.id => Some((fields, errors.as_slice())), _ => None };
                @let (values, errors) = reject_failed.map_or((None, &[][..]), |(v, e)| (Some(v), e));
                article.queued id={ "queued-" (id) } aria-labelledby={ "title-" (id) } {
                    h3 id={ "title-" (id) } { a href=(petition_href(&pet.id)) { (title_of(p, pet)) } }
                    dl.fields {
                        dt { (p.t("staff-field-petition")) } dd { code { (id) } }
                        dt { (p.t("staff-field-level")) } dd { (level_label(p.lang, pet.level)) }
                        dt { (p.t("staff-field-body")) } dd { (body_label(&names, &pet.body)) }
                        dt { (p.t("staff-field-topic")) } dd { (topic_label(&app.capabilities.petitions, p.lang, &pet.topic)) }
                        dt { (p.t("staff-field-supporters")) } dd { (pet.signatures) }
                        dt { (p.t("staff-field-moderation-due")) }
                        dd {
                            @match pet.moderation_due {
                                Some(due) if due < today => {
                                    strong.overdue { (date_el(p.lang, due)) " — " (p.t("staff-past-due")) }
                                }
                                Some(due) => { (date_el(p.lang, due)) }
                                None => { "—" }
                            }
                        }
                    }
                    details {
                        summary { (p.t("staff-show-text")) }
                        (partial(p, &pet.text))
                    }
                    @if let Some(message) = action_error(&pet.id) {
                        div.error role="alert" id={ "action-error-" (id) } { p { (message) } }
                    }
                    @if wrote(pet.as_ref()) {
                        div.notice id={ "own-" (id) } { p { (p.t("staff-own-petition-moderation")) } }
                    } @else {
                        form.inline method="post" action={ "/moderation/" (id) "/accept" } {
                            (csrf_field(&session.csrf))
                            (act_signing(&session.account.id, keys.as_deref(), Some(&dauys_core::act_statement(&dauys_core::Event::PetitionAccepted { petition: pet.id.clone(), by: session.account.id.clone() })), None))
                            button type="submit" id={ "accept-" (id) } aria-describedby={ "title-" (id) } { (p.t("staff-accept")) }
                        }
                        (reject_form(p, session, pet, &forbidden, values, errors))
                    }
                }
            }
        }
        section aria-labelledby="flags-heading" {
            h2 #flags-heading { (p.t("staff-flags-heading")) }
            p { (p.t("staff-flags-lead")) }
            @if let Some(message) = &flags_error {
                div.error role="alert" { p { (message) } }
            }
            @if order.is_empty() && flags_error.is_none() {
                p #flags-empty { (p.t("staff-flags-empty")) }
            }
            @for (n, petition) in order.iter().enumerate() {
                @let pet = petition.parse::<PetitionId>().ok().and_then(|id| view.get(&id));
                @let signers = &flagged[petition];
                @let own = pet.as_ref().is_some_and(|x| wrote(x.as_ref()));
                section.flags id={ "flags-" (petition) } aria-labelledby={ "flags-title-" (n) } {
                    h3 id={ "flags-title-" (n) } {
                        @match &pet {
                            Some(pet) => { a href=(petition_href(&pet.id)) { (title_of(p, pet)) } }
                            None => { code { (petition) } }
                        }
                    }
                    @if let Some(pet) = &pet {
                        p { (p.t_args("staff-flags-count", &[("count", FluentValue::from(pet.signatures)), ("invalidated", FluentValue::from(pet.invalidated))])) }
                    }
                    @if let Some(message) = pet.as_ref().and_then(|x| action_error(&x.id)) {
                        div.error role="alert" { p { (message) } }
                    }
                    @if own {
                        div.notice id={ "own-flags-" (petition) } { p { (p.t("staff-own-petition-signatures")) } }
                    }
                    table.entries {
                        caption { (p.t("staff-flags-caption")) }
                        thead {
                            tr {
                                th scope="col" { (p.t("staff-col-signer")) }
                                th scope="col" { (p.t("staff-col-why")) }
                                th scope="col" { (p.t("staff-col-when")) }
                                th scope="col" { (p.t("staff-col-actions")) }
                            }
                        }
                        tbody {
                            @for (m, (signer, reasons)) in signers.iter().enumerate() {
                                @let field = format!("invalidate-reason-{n}-{m}");
                                @let kept = match failed { Some(Failed::Invalidate { petition: fp, signer: s, reason, message }) if fp.as_str() == petition.as_str() && s == signer => Some((reason.as_str(), message)), _ => None };
                                @let errors: Vec<FieldError> = kept.map(|(_, m)| FieldError::new(field.clone(), m.clone())).into_iter().collect();
                                tr {
                                    th scope="row" data-label=(p.t("staff-col-signer")) { code title=(signer) { (short_pseudonym(signer)) } }
                                    td data-label=(p.t("staff-col-why")) {
                                        @for (i, (reason, _)) in reasons.iter().enumerate() {
                                            @if i > 0 { ", " }
                                            (flag_reason(p, reason))
                                        }
                                    }
                                    td data-label=(p.t("staff-col-when")) {
                                        @if let Some((_, at)) = reasons.first() { (time_el(app, p.lang, *at)) }
                                    }
                                    td data-label=(p.t("staff-col-actions")) {
                                        @if own {
                                            "—"
                                        } @else {
                                            @if !errors.is_empty() {
                                                (error_summary(&format!("{field}-alert"), &p.t("staff-form-problems"), &errors))
                                            }
                                            form.stack method="post" action={ "/moderation/" (petition) "/signatures/invalidate" } {
                                                (csrf_field(&session.csrf))
                                                input type="hidden" name="signer" value=(signer);
                                                label for=(field) { (p.t("staff-invalidate-reason")) }
                                                input type="text" id=(field) name="reason" required maxlength=(MAX_REASON_CHARS)
                                                    value=(kept.map_or("", |(r, _)| r))
                                                    aria-invalid=[invalid(&errors, &field)]
                                                    aria-describedby=[described_by(&errors, &field, None)];
                                                (error_line(&errors, &field))
                                                button.danger type="submit" { (p.t("staff-invalidate")) }
                                            }
                                            form.inline method="post" action={ "/moderation/" (petition) "/signatures/dismiss" } {
                                                (csrf_field(&session.csrf))
                                                input type="hidden" name="signer" value=(signer);
                                                button type="submit" { (p.t("staff-dismiss")) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    p.render_with_head(status, &p.t("staff-moderation-title"), Section::Admin, sign_script(), main)
}

fn flag_reason(p: &Page, reason: &str) -> String {
    match reason {
        "address_burst" => p.t("staff-flag-address-burst"),
        "new_account" => p.t("staff-flag-new-account"),
        other => other.to_owned(),
    }
}

fn reject_form(
    p: &Page,
    session: &Session,
    pet: &Petition,
    forbidden: &[(TopicCode, String)],
    values: Option<&RejectFields>,
    errors: &[FieldError],
) -> Markup {
    let id = pet.id.as_str();
    let f = |name: &str| format!("{name}-{id}");
    let (reason, topic, duplicate, comment) = (f("reason"), f("forbidden-topic"), f("duplicate"), f("comment"));
    let v = values.cloned().unwrap_or_default();
    html! {
        @if !errors.is_empty() {
            (error_summary(&format!("reject-error-{id}"), &p.t("staff-form-problems"), errors))
        }
        form.stack method="post" action={ "/moderation/" (id) "/reject" } {
            (csrf_field(&session.csrf))
            fieldset {
                legend { (p.t("staff-reject-summary")) }
                label for=(reason) { (p.t("staff-reject-reason")) }
                select id=(reason) name="reason" required aria-invalid=[invalid(errors, &reason)] aria-describedby=[described_by(errors, &reason, None)] {
                    option value="" { (p.t("staff-choose")) }
                    @for r in RejectionReason::ALL {
                        option value=(r.as_str()) selected[v.reason == r.as_str()] { (reason_label(p, r)) }
                    }
                }
                (error_line(errors, &reason))
                label for=(topic) { (p.t("staff-forbidden-topic")) }
                select id=(topic) name="forbidden_topic" aria-invalid=[invalid(errors, &topic)]
                    aria-describedby=[described_by(errors, &topic, Some(&format!("{topic}-hint")))] {
                    option value="" { "—" }
                    @for (code, name) in forbidden {
                        option value=(code) selected[v.forbidden_topic == code.as_str()] { (name) }
                    }
                }
                p.hint id={ (topic) "-hint" } { (p.t("staff-forbidden-topic-hint")) }
                (error_line(errors, &topic))
                label for=(duplicate) { (p.t("staff-duplicate-of")) }
                input type="text" id=(duplicate) name="duplicate_of" maxlength="64" value=(v.duplicate_of)
                    aria-invalid=[invalid(errors, &duplicate)]
                    aria-describedby=[described_by(errors, &duplicate, Some(&format!("{duplicate}-hint")))];
                p.hint id={ (duplicate) "-hint" } { (p.t("staff-duplicate-hint")) }
                (error_line(errors, &duplicate))
                label for=(comment) { (p.t("staff-comment")) }
                input type="text" id=(comment) name="comment" required maxlength=(MAX_REASON_CHARS) value=(v.comment)
                    aria-invalid=[invalid(errors, &comment)]
                    aria-describedby=[described_by(errors, &comment, Some(&format!("{comment}-hint")))];
                p.hint id={ (comment) "-hint" } { (p.t("staff-comment-hint")) }
                (error_line(errors, &comment))
                button.danger type="submit" id={ "reject-" (id) } { (p.t("staff-reject")) }
            }
        }
    }
}

fn reason_label(p: &Page, r: RejectionReason) -> String {
    p.t(&value_id("staff-reason-", r.as_str()))
}

/// After a refused action: the moderation page again, with the reason.
async fn moderation_failed(
    app: &AppState,
    p: &Page,
    session: &Session,
    failed: Failed,
    status: StatusCode,
) -> Response {
    moderation_page(app, p, &DoneQuery::default(), session, Some(failed), status).await
}

const MODERATION: &str = "/moderation";

fn action_failed(p: &Page, petition: PetitionId, e: &PetitionError) -> (Failed, StatusCode) {
    (Failed::Action { petition, message: error_message(p, e) }, e.status())
}

/// After a moderator's act: back to the queue with `?done=` on success, else the queue again
/// with what failed.
/// Where a moderator's act was posted, and its fields: sent again, signed, when the act must
/// carry their signature.
struct Resubmit<'a> {
    action: String,
    fields: Vec<(&'static str, &'a str)>,
}

async fn moderation_outcome<T>(
    app: &AppState,
    p: &Page,
    session: &Session,
    id: PetitionId,
    outcome: Result<T, PetitionError>,
    done_key: &str,
    resubmit: Resubmit<'_>,
) -> Response {
    match outcome {
        Ok(_) => done(done_key, &id),
        Err(PetitionError::Unsigned(event)) => {
            crate::web::sign::sign_act_page(app, p, session, &event, &resubmit.action, &resubmit.fields)
        }
        Err(e) => {
            let (failed, status) = action_failed(p, id, &e);
            moderation_failed(app, p, session, failed, status).await
        }
    }
}

/// POST /moderation/{id}/accept
pub(crate) async fn accept(
    State(app): State<AppState>,
    p: Page,
    Moderator(session): Moderator,
    IdPath(id): IdPath<Petition>,
    CsrfForm(act): CsrfForm<ActFields>,
) -> PageResult {
    // Shown again on failure: the language switcher must lead to the page, not the action.
    let p = p.at(MODERATION);
    let outcome = app.capabilities.petitions.accept_signed(&session.account, &id, act.signature()).await;
    let resubmit = Resubmit { action: format!("/moderation/{id}/accept"), fields: Vec::new() };
    Ok(moderation_outcome(&app, &p, &session, id, outcome, "accepted", resubmit).await)
}

fn check_rejection(app: &AppState, p: &Page, id: &PetitionId, v: &RejectFields) -> Result<Rejection, Vec<FieldError>> {
    let field = |name: &str| format!("{name}-{id}");
    let mut errors = Vec::new();
    let reason = v.reason.parse::<RejectionReason>().ok();
    if reason.is_none() {
        errors.push(FieldError::new(field("reason"), p.t("staff-err-choose-reason")));
    }
    let rules = app.capabilities.petitions.view().rules();
    let topic = v.forbidden_topic.trim();
    let forbidden_topic = match (reason, topic.is_empty()) {
        (Some(RejectionReason::ForbiddenTopic), true) => {
            errors.push(FieldError::new(field("forbidden-topic"), p.t("staff-err-topic-required")));
            None
        }
        (Some(RejectionReason::ForbiddenTopic), false) => {
            let known = topic
                .parse::<TopicCode>()
                .ok()
                .filter(|code| rules.as_ref().is_some_and(|r| r.rules.forbidden_topic(code).is_some()));
            if known.is_none() {
                errors.push(FieldError::new(field("forbidden-topic"), p.t("staff-err-topic-unknown")));
            }
            known
        }
        (_, false) => {
            errors.push(FieldError::new(field("forbidden-topic"), p.t("staff-err-topic-not-allowed")));
            None
        }
        (_, true) => None,
    };
    let duplicate = v.duplicate_of.trim();
    let duplicate_of = match (reason, duplicate.is_empty()) {
        (Some(RejectionReason::Duplicate), true) => {
            errors.push(FieldError::new(field("duplicate"), p.t("staff-err-duplicate-required")));
            None
        }
        (Some(RejectionReason::Duplicate), false) => {
            let other = duplicate
                .parse::<PetitionId>()
                .ok()
                .filter(|o| o != id && app.capabilities.petitions.view().get(o).is_some());
            if other.is_none() {
                errors.push(FieldError::new(field("duplicate"), p.t("staff-err-duplicate-unknown")));
            }
            other
        }
        (_, false) => {
            errors.push(FieldError::new(field("duplicate"), p.t("staff-err-duplicate-not-allowed")));
            None
        }
        (_, true) => None,
    };
    let comment = match check_line(p, &v.comment) {
        Ok(c) => Some(c),
        Err(message) => {
            errors.push(FieldError { field: field("comment"), message });
            None
        }
    };
    match (reason, comment) {
        (Some(reason), Some(comment)) if errors.is_empty() => {
            Ok(Rejection { reason, forbidden_topic, duplicate_of, comment })
        }
        _ => Err(errors),
    }
}

/// POST /moderation/{id}/reject
pub(crate) async fn reject(
    State(app): State<AppState>,
    p: Page,
    Moderator(session): Moderator,
    IdPath(id): IdPath<Petition>,
    CsrfForm(form): CsrfForm<RejectFields>,
) -> PageResult {
    // Shown again on failure: the language switcher must lead to the page, not the action.
    let p = p.at(MODERATION);
    let checked = match check_rejection(&app, &p, &id, &form) {
        Ok(c) => c,
        Err(errors) => {
            let failed = Failed::Reject { petition: id, fields: form, errors };
            return Ok(moderation_failed(&app, &p, &session, failed, StatusCode::UNPROCESSABLE_ENTITY).await);
        }
    };
    let outcome = app
        .capabilities
        .petitions
        .reject(&session.account, &id, checked, act_signature(&form.act_key, &form.act_sig))
        .await;
    let resubmit = Resubmit {
        action: format!("/moderation/{id}/reject"),
        fields: vec![
            ("reason", &form.reason),
            ("forbidden_topic", &form.forbidden_topic),
            ("duplicate_of", &form.duplicate_of),
            ("comment", &form.comment),
        ],
    };
    Ok(moderation_outcome(&app, &p, &session, id, outcome, "rejected", resubmit).await)
}

/// POST /moderation/{id}/signatures/invalidate — strikes out a flagged signature.
pub(crate) async fn invalidate(
    State(app): State<AppState>,
    p: Page,
    Moderator(session): Moderator,
    IdPath(id): IdPath<Petition>,
    CsrfForm(form): CsrfForm<SignerFields>,
) -> PageResult {
    // Shown again on failure: the language switcher must lead to the page, not the action.
    let p = p.at(MODERATION);
    let signer = form.signer.trim().parse::<Pseudonym>().map_err(|_| no_signature(&p))?;
    let reason = match check_line(&p, &form.reason) {
        Ok(r) => r,
        Err(message) => {
            let failed = Failed::Invalidate { petition: id, signer: form.signer, reason: form.reason, message };
            return Ok(moderation_failed(&app, &p, &session, failed, StatusCode::UNPROCESSABLE_ENTITY).await);
        }
    };
    let signature = act_signature(&form.act_key, &form.act_sig);
    let outcome = app.capabilities.petitions.invalidate(&session.account, &id, &signer, &reason, signature).await;
    let resubmit = Resubmit {
        action: format!("/moderation/{id}/signatures/invalidate"),
        fields: vec![("signer", &form.signer), ("reason", &form.reason)],
    };
    Ok(moderation_outcome(&app, &p, &session, id, outcome, "invalidated", resubmit).await)
}

/// POST /moderation/{id}/signatures/dismiss — the flagged signature is genuine.
pub(crate) async fn dismiss(
    State(app): State<AppState>,
    p: Page,
    Moderator(session): Moderator,
    IdPath(id): IdPath<Petition>,
    CsrfForm(form): CsrfForm<SignerFields>,
) -> PageResult {
    // Shown again on failure: the language switcher must lead to the page, not the action.
    let p = p.at(MODERATION);
    let signer = form.signer.trim().parse::<Pseudonym>().map_err(|_| no_signature(&p))?;
    let outcome = app.capabilities.petitions.dismiss_flags(&session.account, &id, &signer).await;
    // Dismissing logs nothing, so it is never handed back for signing.
    let resubmit =
        Resubmit { action: format!("/moderation/{id}/signatures/dismiss"), fields: vec![("signer", &form.signer)] };
    Ok(moderation_outcome(&app, &p, &session, id, outcome, "dismissed", resubmit).await)
}
