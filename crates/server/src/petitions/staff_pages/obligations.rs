//! Officials and heads: what their bodies owe, and publishing the answer.

use super::*;
use crate::web::forms::{act_signature, act_signing};

/// Where an obligation stands, as an official reads it: overdue as soon as the due day has
/// ended, even before the rules' `obligation.overdue` is logged.
fn obligation_status(p: &Petition, now: Timestamp) -> Option<ObligationStatus> {
    let o = p.obligation.as_ref()?;
    Some(match o.status {
        ObligationStatus::Awaiting if now >= o.due_at => ObligationStatus::Overdue,
        s => s,
    })
}

fn status_el(p: &Page, pet: &Petition, now: Timestamp) -> Markup {
    let late = pet.obligation.as_ref().is_some_and(|o| o.overdue_at.is_some());
    match obligation_status(pet, now) {
        Some(ObligationStatus::Overdue) => {
            html! { strong.overdue { (p.t("staff-obligation-overdue")) } }
        }
        Some(ObligationStatus::Answered) if late => html! { (p.t("staff-obligation-answered-late")) },
        Some(ObligationStatus::Answered) => html! { (p.t("staff-obligation-answered")) },
        _ => html! { (p.t("staff-obligation-awaiting")) },
    }
}

/// GET /office/petitions — the obligations of the official's bodies, unanswered first.
pub(crate) async fn obligations(
    State(app): State<AppState>,
    p: Page,
    PageQuery(done): PageQuery<DoneQuery>,
    Official { session, bodies, .. }: Official<Answering>,
) -> Response {
    // An official does not answer a petition they wrote: the link is not offered.
    let wrote = app.capabilities.petitions.written_by(&session.account);
    let names = body_names(&app, p.lang, bodies.clone());
    let now = Timestamp(super::super::now_ms());
    let view = app.capabilities.petitions.view();
    let main = html! {
        h1 { (p.t("staff-office-title")) }
        p.lead { (p.t("staff-office-lead")) }
        (done_notice(&app, &p, &done))
        @for (n, body) in bodies.iter().enumerate() {
            @let owed = view.obligations_of(body);
            section aria-labelledby={ "body-" (n) } {
                h2 id={ "body-" (n) } { (body_label(&names, body)) }
                @if owed.is_empty() {
                    p { (p.t("staff-office-none")) }
                } @else {
                    table.entries id={ "obligations-" (body) } {
                        caption { (p.t_args("staff-office-caption", &[("body", FluentValue::from(body_label(&names, body)))])) }
                        thead {
                            tr {
                                th scope="col" { (p.t("staff-col-petition")) }
                                th scope="col" { (p.t("staff-col-signatures")) }
                                th scope="col" { (p.t("staff-col-due")) }
                                th scope="col" { (p.t("staff-col-status")) }
                                th scope="col" { (p.t("staff-col-actions")) }
                            }
                        }
                        tbody {
                            @for (pet, o) in owed.iter().filter_map(|pet| pet.obligation.as_ref().map(|o| (pet, o))) {
                                tr id={ "owed-" (pet.id) } {
                                    th scope="row" data-label=(p.t("staff-col-petition")) { a href=(petition_href(&pet.id)) { (title_of(&p, pet)) } }
                                    td data-label=(p.t("staff-col-signatures")) { (pet.signatures) }
                                    td data-label=(p.t("staff-col-due")) { (date_el(p.lang, o.due)) }
                                    td data-label=(p.t("staff-col-status")) { (status_el(&p, pet, now)) }
                                    td data-label=(p.t("staff-col-actions")) {
                                        @if o.status == ObligationStatus::Answered {
                                            a href=(petition_href(&pet.id)) { (p.t("staff-see-answer")) }
                                        } @else if wrote(pet.as_ref()) {
                                            span id={ "own-" (pet.id) } { (p.t("staff-own-petition-answer")) }
                                        } @else {
                                            a href={ "/office/petitions/" (pet.id) "/answer" } { (p.t("staff-write-answer")) }
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
    p.render(StatusCode::OK, &p.t("staff-office-title"), Section::Admin, main)
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct AnswerFields {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    answer_kk: String,
    #[serde(default)]
    answer_ru: String,
    #[serde(default)]
    answer_en: String,
    #[serde(default)]
    discussion_kk: String,
    #[serde(default)]
    discussion_ru: String,
    #[serde(default)]
    discussion_en: String,
    #[serde(default)]
    head_kk: String,
    #[serde(default)]
    head_ru: String,
    #[serde(default)]
    head_en: String,
    /// The official's own signature of the act, when their browser holds a key
    /// (`static/sign.js`).
    #[serde(default)]
    act_key: String,
    #[serde(default)]
    act_sig: String,
    /// Which button sent the form: `review` (the first), `edit` (back from the review) or
    /// `publish` (from the review: sign and publish for good).
    #[serde(default)]
    step: String,
}

/// The three texts of an answer: form prefix, legend, hint and limit.
const TEXTS: [(&str, &str, &str, usize); 3] = [
    ("answer", "staff-answer-text", "staff-answer-text-hint", MAX_ANSWER_CHARS),
    ("discussion", "staff-answer-discussion", "staff-answer-discussion-hint", MAX_STATEMENT_CHARS),
    ("head", "staff-answer-head", "staff-answer-head-hint", MAX_STATEMENT_CHARS),
];

impl AnswerFields {
    fn text(&self, group: &str, lang: Lang) -> &str {
        match (group, lang) {
            ("answer", Lang::Kk) => &self.answer_kk,
            ("answer", Lang::Ru) => &self.answer_ru,
            ("answer", Lang::En) => &self.answer_en,
            ("discussion", Lang::Kk) => &self.discussion_kk,
            ("discussion", Lang::Ru) => &self.discussion_ru,
            ("discussion", Lang::En) => &self.discussion_en,
            (_, Lang::Kk) => &self.head_kk,
            (_, Lang::Ru) => &self.head_ru,
            (_, Lang::En) => &self.head_en,
        }
    }
}

/// The petition, if it owes an answer that the official may give; else the page to show
/// instead. [`Official`] holds the bodies [`authorize`] lets them answer for.
fn answerable(p: &Page, bodies: &[BodyId], pet: Arc<Petition>) -> Result<Arc<Petition>, PageError> {
    let Some(o) = &pet.obligation else {
        return Err(p
            .error(StatusCode::NOT_FOUND, &p.t("staff-not-found-title"), &p.t("staff-err-no-obligation"))
            .into());
    };
    if !bodies.contains(&o.body) {
        return Err(p.forbidden("staff-forbidden-other-body"));
    }
    Ok(pet)
}

/// GET /office/petitions/{id}/answer
pub(crate) async fn answer_form(
    State(app): State<AppState>,
    p: Page,
    Official { session, bodies, .. }: Official<Answering>,
    Known(pet): Known<Petition>,
) -> PageResult {
    let pet = answerable(&p, &bodies, pet)?;
    Ok(answer_page(&app, &p, &session, &pet, &AnswerFields::default(), &[], None, StatusCode::OK).await)
}

#[allow(clippy::too_many_arguments)]
async fn answer_page(
    app: &AppState,
    p: &Page,
    session: &Session,
    pet: &Petition,
    v: &AnswerFields,
    errors: &[FieldError],
    failure: Option<String>,
    status: StatusCode,
) -> Response {
    let Some(o) = &pet.obligation else { return no_petition(p, pet.id.as_str()).into_response() };
    let names = body_names(app, p.lang, vec![o.body.clone()]);
    let now = Timestamp(super::super::now_ms());
    let title = p.t("staff-answer-title");
    let own = app.capabilities.petitions.written_by(&session.account)(pet);
    // The page's language first: most answers are written in it.
    let mut langs = vec![p.lang];
    langs.extend(Lang::ALL.into_iter().filter(|l| *l != p.lang));
    let main = html! {
        h1 { (title) }
        p.lead { a href=(petition_href(&pet.id)) #petition-title { (title_of(p, pet)) } }
        dl.fields {
            dt { (p.t("staff-field-body")) } dd { (body_label(&names, &o.body)) }
            dt { (p.t("staff-col-signatures")) } dd { (pet.signatures) }
            dt { (p.t("staff-col-due")) } dd { (date_el(p.lang, o.due)) }
            dt { (p.t("staff-col-status")) } dd #obligation-status { (status_el(p, pet, now)) }
        }
        details {
            summary { (p.t("staff-show-text")) }
            (partial(p, &pet.text))
        }
        @if let Some(answer) = &o.answer {
            div.notice role="status" #already-answered {
                p { (p.t("staff-err-already-answered")) " " a href={ "/log/" (answer.index) } { (p.t("staff-see-on-log")) } }
            }
        } @else if own {
            @if let Some(message) = &failure {
                div.error role="alert" #answer-failed { p { (message) } }
            }
            div.notice #own-petition { p { (p.t("staff-own-petition-answer")) } }
        } @else {
            div.box #who-signs {
                p { (p.t("staff-answer-signed-by")) " " code #signer { (session.account.id) } }
                p { (p.t("staff-answer-public")) }
            }
            @if let Some(message) = &failure {
                div.error role="alert" #answer-failed { p { (message) } }
            }
            @if !errors.is_empty() {
                (error_summary("answer-errors", &p.t("staff-form-problems"), errors))
            }
            form.stack method="post" action={ "/office/petitions/" (pet.id) "/answer" } {
                (csrf_field(&session.csrf))
                label for="decision" { (p.t("staff-decision")) }
                select #decision name="decision" required aria-invalid=[invalid(errors, "decision")] aria-describedby=[described_by(errors, "decision", None)] {
                    option value="" { (p.t("staff-choose")) }
                    @for d in Decision::ALL {
                        option value=(d.as_str()) selected[v.decision == d.as_str()] { (decision_label(p, d)) }
                    }
                }
                (error_line(errors, "decision"))
                @for (group, legend, hint, max) in TEXTS {
                    @let first = format!("{group}-{}", p.lang.as_str());
                    fieldset id={ (group) "-group" } aria-describedby=[described_by(errors, &first, Some(&format!("{group}-hint")))] {
                        legend { (p.t(legend)) }
                        p.hint id={ (group) "-hint" } { (p.t(hint)) }
                        (error_line(errors, &first))
                        @for lang in langs.iter().copied() {
                            @let field = format!("{group}-{}", lang.as_str());
                            @let lang_error = lang != p.lang && field_error(errors, &field).is_some();
                            label for=(field) { (p.t(legend)) " — " (p.t(&format!("staff-lang-{}", lang.as_str()))) }
                            textarea id=(field) name={ (group) "_" (lang.as_str()) } lang=(lang.as_str()) maxlength=(max)
                                aria-invalid=[invalid(errors, &field)] aria-describedby=[described_by(errors, &field, None)] { (v.text(group, lang)) }
                            @if lang_error { (error_line(errors, &field)) }
                        }
                    }
                }
                button #review type="submit" name="step" value="review" { (p.t("staff-answer-review")) }
            }
        }
    };
    p.render(status, &title, Section::Admin, main)
}

/// The answer as it will be published, before anything irreversible: the decision and each
/// text in the languages it is written in, a warning when none of them is a language the
/// petition is written in, the form's values carried in hidden fields, and two buttons —
/// publish for good, or go back and change it.
fn review_page(
    app: &AppState,
    p: &Page,
    session: &Session,
    pet: &Petition,
    v: &AnswerFields,
    act: &AnswerForm,
) -> Response {
    let decision = act.decision;
    // What the official signs, if their browser holds a key: the answer exactly as logged.
    let statement = dauys_core::act_statement(&act.event(&pet.id, &session.account.id));
    let keys = app.deployment.act_keys(&session.account.id);
    let title = p.t("staff-review-title");
    let written: Vec<Lang> = Lang::ALL.into_iter().filter(|l| !v.text("answer", *l).trim().is_empty()).collect();
    let petition_langs: Vec<Lang> = pet.title.langs().collect();
    let foreign = !written.iter().any(|l| petition_langs.contains(l));
    let lang_names =
        |langs: &[Lang]| langs.iter().map(|l| p.t(&format!("lang-{}", l.as_str()))).collect::<Vec<_>>().join(", ");
    let main = html! {
        h1 { (title) }
        p.lead { a href=(petition_href(&pet.id)) { (title_of(p, pet)) } }
        div.note #review-warning role="note" { p { strong { (p.t("staff-review-final")) } } }
        @if foreign {
            div.note #review-languages { p { (p.t_args("staff-review-other-language", &[
                ("written", FluentValue::from(lang_names(&written))),
                ("petition", FluentValue::from(lang_names(&petition_langs))),
            ])) } }
        }
        dl.fields #review {
            dt { (p.t("staff-decision")) } dd #review-decision { strong { (decision_label(p, decision)) } }
            @for (group, legend, _, _) in TEXTS {
                dt { (p.t(legend)) }
                dd {
                    @for lang in Lang::ALL {
                        @let text = v.text(group, lang).trim();
                        @if !text.is_empty() {
                            p.muted { (p.t(&format!("staff-lang-{}", lang.as_str()))) ":" }
                            div.text lang=(lang.as_str()) { @for para in text.lines().filter(|l| !l.trim().is_empty()) { p { (para) } } }
                        }
                    }
                }
            }
        }
        form.stack method="post" action={ "/office/petitions/" (pet.id) "/answer" } {
            (csrf_field(&session.csrf))
            input type="hidden" name="decision" value=(v.decision);
            @for (group, _, _, _) in TEXTS {
                @for lang in Lang::ALL {
                    input type="hidden" name={ (group) "_" (lang.as_str()) } value=(v.text(group, lang));
                }
            }
            p.hint #signer-hint { (p.t("staff-answer-signed-by")) " " code { (session.account.id) } }
            (act_signing(&session.account.id, keys.as_deref(), Some(&statement), Some("publish")))
            button #publish type="submit" name="step" value="publish" aria-describedby="signer-hint" { (p.t("staff-answer-publish")) }
            button.secondary #change type="submit" name="step" value="edit" formnovalidate { (p.t("staff-review-change")) }
        }
    };
    let head = html! { script src=(crate::web::sign_script_href()) defer {} };
    p.render_with_head(StatusCode::OK, &title, Section::Admin, head, main)
}

/// One text of an answer in each language written: line breaks normalised, each at most
/// `max` characters, no control characters but line feeds; at least one language.
/// A missing text is reported on the field of the page's language, shown first.
fn decision_label(p: &Page, d: Decision) -> String {
    p.t(&value_id("staff-decision-", d.as_str()))
}

fn check_texts(p: &Page, v: &AnswerFields, group: &str, max: usize, errors: &mut Vec<FieldError>) -> PartialText {
    let mut text = PartialText::default();
    for lang in Lang::ALL {
        let field = format!("{group}-{}", lang.as_str());
        let s = v.text(group, lang).replace("\r\n", "\n").replace('\r', "\n");
        let s = s.trim();
        if s.is_empty() {
            continue;
        }
        if s.chars().count() > max {
            errors.push(FieldError::new(field, p.t_args("staff-err-too-long", &[("max", FluentValue::from(max))])));
        } else if s.chars().any(|c| c.is_control() && c != '\n') {
            errors.push(FieldError::new(field, p.t("staff-err-control")));
        } else {
            text.set(lang, s);
        }
    }
    if text.langs().next().is_none() && !errors.iter().any(|e| e.field.starts_with(group)) {
        let section = TEXTS.iter().find(|t| t.0 == group).map(|t| p.t(t.1)).unwrap_or_default();
        errors.push(FieldError::new(
            format!("{group}-{}", p.lang.as_str()),
            p.t_args("staff-err-one-language", &[("section", FluentValue::from(section))]),
        ));
    }
    text
}

/// POST /office/petitions/{id}/answer — checks the answer and shows it for review; from the
/// review, signs and publishes it (`step=publish`) or goes back to the form (`step=edit`).
pub(crate) async fn answer(
    State(app): State<AppState>,
    p: Page,
    Official { session, bodies, .. }: Official<Answering>,
    Known(pet): Known<Petition>,
    CsrfForm(form): CsrfForm<AnswerFields>,
) -> PageResult {
    let pet = answerable(&p, &bodies, pet)?;
    let mut errors = Vec::new();
    let decision = form.decision.parse::<Decision>().ok();
    if decision.is_none() {
        errors.push(FieldError::new("decision", p.t("staff-err-choose-decision")));
    }
    let [answer, discussion, head_statement] =
        TEXTS.map(|(group, _, _, max)| check_texts(&p, &form, group, max, &mut errors));
    let Some(decision) = decision.filter(|_| errors.is_empty()) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(answer_page(&app, &p, &session, &pet, &form, &errors, None, status).await);
    };
    // The author of the petition is refused at once, not shown a review of what they may not
    // publish.
    let own = app.capabilities.petitions.written_by(&session.account)(&pet);
    let submitted = AnswerForm { decision, answer, discussion, head_statement };
    match form.step.as_str() {
        "publish" => {}
        _ if own => {}
        "edit" => return Ok(answer_page(&app, &p, &session, &pet, &form, &[], None, StatusCode::OK).await),
        _ => return Ok(review_page(&app, &p, &session, &pet, &form, &submitted)),
    }
    let signature = act_signature(&form.act_key, &form.act_sig);
    Ok(match app.capabilities.petitions.answer_signed(&session.account, &pet.id, submitted, signature).await {
        Ok(_) => Redirect::to(&format!("{}?done=answered", petition_href(&pet.id))).into_response(),
        Err(e) => {
            let pet = app.capabilities.petitions.view().get(&pet.id).unwrap_or(pet);
            answer_page(&app, &p, &session, &pet, &form, &[], Some(error_message(&p, &e)), e.status()).await
        }
    })
}
