//! One petition's page: text, progress, deadlines, the obligation and the answer, the
//! sign box, signatures over time and by region; and signing.

use super::draft_href;
use super::*;
use crate::web::event_label;

/// What the petition page shows above its sections after an action.
pub(super) enum Flash {
    None,
    Notice(Markup),
    Error(Markup),
}

/// GET /petitions/{id}
pub(crate) async fn show(
    State(app): State<AppState>,
    p: Page,
    PageQuery(DoneQuery { done }): PageQuery<DoneQuery>,
    Known(pet): Known<Petition>,
) -> Response {
    let citizen = p.session.clone().map(Citizen::new);
    let viewer = viewer(&app, citizen.as_ref(), &pet).await;
    let flash = match done.as_deref() {
        Some("launched") if viewer.author => Flash::Notice(launched_notice(&app, &p, &pet)),
        Some("withdrawn") => Flash::Notice(html! { p { (p.t("pp-done-withdrawn")) } }),
        Some("answered") if citizen.is_some() => {
            Flash::Notice(html! { p #answered-notice { (p.t("pp-done-answered")) } })
        }
        _ => Flash::None,
    };
    let page = petition_page(&app, &p, &viewer, &pet, flash, StatusCode::OK).await;
    // The same for every anonymous reader; the cache keeps nothing for one signed in.
    crate::web::cache::shareable(page)
}

/// After launching: what the petition needs next, and where to share it (the share box).
fn launched_notice(app: &AppState, p: &Page, pet: &Petition) -> Markup {
    html! {
        p { strong { (p.t("pp-done-launched")) } " " (p.t("pp-done-launched-share")) }
        @if let Some(d) = deadline(p, app, pet, now_ms()) { p #launch-needs { (d) } }
    }
}

pub(super) async fn petition_page(
    app: &AppState,
    p: &Page,
    viewer: &Viewer,
    pet: &Petition,
    flash: Flash,
    status: StatusCode,
) -> Response {
    let now = now_ms();
    let body_name = body_label(app, p.lang, &pet.body);
    let (title_lang, title) = pet.title.best(p.lang);
    let rules = app.capabilities.petitions.view().rules();
    let daily = app.capabilities.petitions.view().daily(&pet.id);
    let recent = app.capabilities.petitions.recent(&pet.id);
    let link_only = matches!(pet.status, PetitionStatus::Draft | PetitionStatus::Gathering);
    let obligation_body = match &pet.obligation {
        Some(o) if o.body != pet.body => body_label(app, p.lang, &o.body),
        _ => body_name.clone(),
    };

    let signing = signing_until(pet, now).is_some();
    let main = html! {
        h1 lang=(title_lang.as_str()) { (title) }
        p.addressed #addressed { (p.t_args("pp-addressed-to", &[("body", FluentValue::from(body_name.clone()))])) " · " (level_label(p.lang, pet.level)) }
        (headline(p, app, pet, now))
        (other_languages(p, &pet.title))
        @match &flash {
            Flash::None => {}
            Flash::Notice(m) => { (notice("petition-notice", m.clone())) }
            Flash::Error(m) => { (alert("petition-error", m.clone())) }
        }
        @if link_only {
            p.note #link-only { (p.t(if pet.status == PetitionStatus::Draft { "pp-draft-note" } else { "pp-link-only" })) }
        }
        div.act {
            section #progress-section aria-labelledby="progress-heading" data-live-src={ "/api/v1/petitions/" (pet.id) "/count" } {
                h2 #progress-heading.compact { (p.t("pp-progress-heading")) }
                (progress(p, pet, "main"))
                @if pet.invalidated > 0 {
                    p.muted { (p.t_args("pp-invalidated-count", &[("count", FluentValue::from(pet.invalidated))])) }
                }
                @if let Some(d) = deadline(p, app, pet, now) { p #deadline { (d) } }
                @if let Some(at) = pet.threshold_reached_at {
                    p #threshold-reached { strong { (p.t("pp-threshold-reached")) } " " (time_el(app, p.lang, at.0)) }
                }
            }
            (sign_box(app, p, viewer, pet, now))
        }
        @if signing || pet.status == PetitionStatus::Closed {
            (share_box(app, p, pet))
        }
        @if viewer.author {
            (author_actions(p, viewer, pet))
        }
        section aria-labelledby="text-heading" {
            h2 #text-heading { (p.t("pp-text-heading")) }
            (partial_text(p, &pet.text))
            (other_languages(p, &pet.text))
            details #about-petition {
                summary { (p.t("pp-about-heading")) }
                dl.fields {
                    dt { (p.t("pp-field-status")) } dd #petition-status data-status=(pet.status.as_str()) { (status_label(p, pet.status)) }
                    dt { (p.t("pp-field-author")) } dd { (p.t("pp-by-verified-citizen")) }
                    dt { (p.t("pp-field-body")) } dd { a href={ "/bodies/" (pet.body) } { (body_name) } }
                    dt { (p.t("pp-field-level")) } dd { (level_label(p.lang, pet.level)) }
                    dt { (p.t("pp-field-topic")) } dd { (topic_label(&app.capabilities.petitions, p.lang, &pet.topic)) }
                    dt { (p.t("pp-field-territory")) } dd {
                        (territory_label(p.lang, pet.territory.as_ref()).unwrap_or_else(|| p.t("pp-whole-country")))
                    }
                    dt { (p.t("pp-field-drafted")) } dd { (time_el(app, p.lang, pet.drafted_at.0)) }
                }
            }
        }
        @if let Some(o) = &pet.obligation {
            section #obligation aria-labelledby="obligation-heading" {
                h2 #obligation-heading { (p.t("pp-obligation-heading")) }
                p { (p.t_args("pp-obligation-lead", &[("body", FluentValue::from(obligation_body.clone()))])) }
                @let shown = if o.status == ObligationStatus::Awaiting && now >= o.due_at.0 { ObligationStatus::Overdue } else { o.status };
                dl.fields {
                    dt { (p.t("pp-field-obligation-status")) } dd #obligation-status data-status=(shown.as_str()) { strong { (obligation_label(p, shown)) } }
                    dt { (p.t("pp-field-opened")) } dd { (time_el(app, p.lang, o.opened_at.0)) " " a href={ "/log/" (o.index.0) } { (p.t_args("pp-log-entry", &[("index", FluentValue::from(o.index.0))])) } }
                    dt { (p.t("pp-field-due")) } dd { (date_el(p.lang, o.due)) }
                    @if let Some(at) = o.overdue_at {
                        dt { (p.t("pp-field-overdue-since")) } dd { (time_el(app, p.lang, at.0)) }
                    }
                }
                @if let Some(a) = &o.answer {
                    h3 #answer-heading { (p.t("pp-answer-heading")) }
                    dl.fields {
                        dt { (p.t("pp-field-decision")) } dd #decision { strong { (decision_label(p, a.decision)) } }
                        dt { (p.t("pp-field-answered")) } dd { (time_el(app, p.lang, a.answered_at.0)) " " a href={ "/log/" (a.index.0) } { (p.t_args("pp-log-entry", &[("index", FluentValue::from(a.index.0))])) } }
                        dt { (p.t("pp-field-answered-by")) } dd { (p.t_args("pp-answered-by", &[("body", FluentValue::from(obligation_body.clone()))])) " " (crate::web::staff_el(app, &a.by)) }
                    }
                    h4 { (p.t("pp-answer-text")) }
                    (partial_text(p, &a.answer))
                    h4 { (p.t("pp-answer-discussion")) }
                    (partial_text(p, &a.discussion))
                    h4 { (p.t("pp-answer-head")) }
                    (partial_text(p, &a.head_statement))
                }
            }
        }
        @if let Some(r) = &pet.rejection {
            section #rejection aria-labelledby="rejection-heading" {
                h2 #rejection-heading { (p.t("pp-rejection-heading")) }
                dl.fields {
                    dt { (p.t("pp-field-reason")) } dd #rejection-reason data-reason=(r.reason.as_str()) { (reason_label(p, r.reason)) }
                    @if let Some(code) = &r.forbidden_topic {
                        @let name = rules.as_ref().and_then(|x| x.rules.forbidden_topic(code)).map_or_else(|| code.to_string(), |t| t.name.get(p.lang).to_string());
                        dt { (p.t("pp-field-forbidden-topic")) } dd { (name) }
                    }
                    @if let Some(other) = &r.duplicate_of {
                        dt { (p.t("pp-field-duplicate-of")) } dd {
                            a href=(petition_href(other)) {
                                @match app.capabilities.petitions.view().get(other) {
                                    Some(o) => { (partial_title(p, &o.title)) }
                                    None => { code { (other) } }
                                }
                            }
                        }
                    }
                    @if !r.comment.trim().is_empty() {
                        dt { (p.t("pp-field-comment")) } dd { (r.comment) }
                    }
                }
            }
        }
        @if let Some(reason) = &pet.withdrawal_reason {
            section #withdrawal aria-labelledby="withdrawal-heading" {
                h2 #withdrawal-heading { (p.t("pp-withdrawal-heading")) }
                p { (p.t("pp-withdrawal-lead")) }
                @if !reason.trim().is_empty() { blockquote { p { (reason) } } }
            }
        }
        section #chart aria-labelledby="chart-heading" {
            h2 #chart-heading { (p.t("pp-chart-heading")) }
            (chart(p, &daily))
        }
        section #regions aria-labelledby="regions-heading" {
            h2 #regions-heading { (p.t("pp-regions-heading")) }
            @if pet.by_region.is_empty() {
                p.muted #regions-empty { (p.t("pp-regions-empty")) }
            } @else {
                (region_map(&pet.by_region, p.lang, &p.t("pp-map-title")))
                (region_table(&pet.by_region, p.lang, &p.t("pp-regions-caption"), (&p.t("pp-col-region"), &p.t("pp-col-signatures"))))
            }
        }
        section #recent aria-labelledby="recent-heading" {
            h2 #recent-heading { (p.t("pp-recent-heading")) }
            @if recent.is_empty() {
                p.muted { (p.t("pp-recent-none")) }
            } @else {
                ul #recent-signers {
                    @for r in &recent {
                        li { strong { (r.shown_as) } ", " (r.region.name().get(p.lang)) " — " (time_el(app, p.lang, r.at.0)) }
                    }
                }
            }
        }
        section #history aria-labelledby="history-heading" {
            h2 #history-heading { (p.t("pp-history-heading")) }
            table.entries {
                caption { (p.t("pp-history-caption")) }
                thead { tr {
                    th scope="col" { (p.t("pp-col-status")) }
                    th scope="col" { (p.t("pp-col-event")) }
                    th scope="col" { (p.t("pp-col-time")) }
                    th scope="col" { (p.t("pp-col-entry")) }
                } }
                tbody {
                    @for tr in &pet.transitions {
                        tr {
                            th scope="row" data-label=(p.t("pp-col-status")) { (status_label(p, tr.status)) }
                            td data-label=(p.t("pp-col-event")) { (event_label(p.lang, &tr.event)) }
                            td data-label=(p.t("pp-col-time")) { (time_el(app, p.lang, tr.at.0)) }
                            td data-label=(p.t("pp-col-entry")) { a href={ "/log/" (tr.index.0) } { "#" (tr.index.0) } }
                        }
                    }
                }
            }
        }
        section aria-labelledby="data-heading" {
            h2 #data-heading { (p.t("pp-data-heading")) }
            p { (p.t("pp-data-lead")) }
            ul {
                li { a href={ "/api/v1/petitions/" (pet.id) } { (p.t("pp-data-json")) } }
                li { a href={ "/feeds/petitions/" (pet.id) ".atom" } { (p.t("pp-data-feed")) } }
                li { a href={ "/log/" (pet.index.0) } { (p.t_args("pp-log-entry", &[("index", FluentValue::from(pet.index.0))])) } }
            }
        }
        p { a href="/petitions" { (p.t("pp-back-to-list")) } }
    };
    let head = share_meta(app, p, pet, title);
    p.render_with_head(status, title, crate::petitions::SECTION, head, main)
}

/// What a link preview (WhatsApp, Telegram, Facebook) and a feed reader need: the petition's
/// own title and standing, its card, its address, its feed; and the script that keeps the
/// count live.
fn share_meta(app: &AppState, p: &Page, pet: &Petition, title: &str) -> Markup {
    let url = format!("{}{}", app.config.public_url(), petition_href(&pet.id));
    let description = format!("{} {}", progress_text(p, pet), standing_text(p, app, pet, now_ms()).1);
    // In the page's language: a preview shows the card the sharer saw.
    let card = format!("{url}/card.png?lang={}", p.lang.as_str());
    html! {
        link rel="canonical" href=(url);
        meta property="og:type" content="website";
        meta property="og:site_name" content=(p.t("site-title"));
        meta property="og:title" content=(title);
        meta property="og:description" content=(description);
        meta property="og:url" content=(url);
        meta property="og:locale" content=(og_locale(p.lang));
        meta property="og:image" content=(card);
        meta property="og:image:type" content="image/png";
        meta property="og:image:width" content=(super::card::CARD_WIDTH);
        meta property="og:image:height" content=(super::card::CARD_HEIGHT);
        meta property="og:image:alt" content=(description);
        meta name="twitter:card" content="summary_large_image";
        meta name="twitter:title" content=(title);
        meta name="twitter:description" content=(description);
        meta name="twitter:image" content=(card);
        link rel="alternate" type="application/atom+xml" title=(p.t("pp-data-feed")) href={ "/feeds/petitions/" (pet.id) ".atom" };
        link rel="alternate" type="application/json" href={ "/api/v1/petitions/" (pet.id) };
        script src=(crate::web::script_href()) defer {}
    }
}

fn og_locale(lang: Lang) -> &'static str {
    match lang {
        Lang::Kk => "kk_KZ",
        Lang::Ru => "ru_RU",
        Lang::En => "en_GB",
    }
}

/// Sharing and following, without scripts: the link to copy, WhatsApp, Telegram, e-mail, and
/// the petition's feed.
fn share_box(app: &AppState, p: &Page, pet: &Petition) -> Markup {
    let link = format!("{}{}", app.config.public_url(), petition_href(&pet.id));
    let (_, title) = pet.title.best(p.lang);
    let message = format!("{title} {link}");
    html! {
        section #share aria-labelledby="share-heading" {
            h2 #share-heading { (p.t("pp-share-heading")) }
            label for="share-link" { (p.t("pp-share-link")) }
            div.inline {
                input #share-link type="text" readonly value=(link);
                button #copy-link type="button" hidden data-copy="share-link" data-copied=(p.t("pp-share-copied")) { (p.t("pp-share-copy")) }
            }
            ul.share {
                li { a #share-whatsapp href={ "https://wa.me/?text=" (urlencode(&message)) } rel="noopener noreferrer" { "WhatsApp" } }
                li { a #share-telegram href={ "https://t.me/share/url?url=" (urlencode(&link)) "&text=" (urlencode(title)) } rel="noopener noreferrer" { "Telegram" } }
                li { a #share-email href={ "mailto:?subject=" (urlencode(title)) "&body=" (urlencode(&link)) } { (p.t("pp-share-email")) } }
                li { a #follow-feed href={ "/feeds/petitions/" (pet.id) ".atom" } { (p.t("pp-follow-feed")) } }
                li { a #follow-email href={ (petition_href(&pet.id)) "/follow" } { (p.t("pp-follow-email")) } }
            }
            details #embed {
                summary { (p.t("pp-embed-heading")) }
                p.hint #embed-hint { (p.t("pp-embed-hint")) }
                img src={ (petition_href(&pet.id)) "/badge.svg?lang=" (p.lang.as_str()) } alt="" width="360" height="96";
                label for="embed-code" { (p.t("pp-embed-code")) }
                textarea #embed-code readonly rows="3" aria-describedby="embed-hint" { (super::badge::embed_snippet(app, p, pet)) }
            }
        }
    }
}

/// Signing: the form, or why the visitor cannot sign, or their receipt.
fn sign_box(app: &AppState, p: &Page, viewer: &Viewer, pet: &Petition, now: u64) -> Markup {
    let open = signing_until(pet, now).is_some();
    let receipt = format!("{}/receipt", petition_href(&pet.id));
    let next = petition_href(&pet.id);
    html! {
        section #sign aria-labelledby="sign-heading" {
            h2 #sign-heading { (p.t("pp-sign-heading")) }
            @if let Some(sig) = &viewer.signature {
                p #already-signed {
                    (p.t("pp-you-signed")) " " (time_el(app, p.lang, sig.signed_at.0)) ". "
                    a #receipt-link href=(receipt) { (p.t("pp-see-receipt")) }
                }
                @if sig.invalidation.is_some() { p { (p.t("pp-your-signature-invalidated")) } }
            } @else if !open {
                p #sign-closed { (p.t("pp-sign-closed")) }
            } @else {
                @if let Some(t) = territory_label(p.lang, pet.territory.as_ref()) {
                    p { (p.t_args("pp-sign-territory", &[("territory", FluentValue::from(t))])) }
                } @else {
                    p { (p.t("pp-sign-anyone")) }
                }
                @if let Some(session) = &viewer.session {
                    @if viewer.verified {
                        form method="post" action={ (petition_href(&pet.id)) "/sign" } {
                            (csrf_field(&session.csrf))
                            p.hint #sign-hint { (p.t("pp-sign-hint")) }
                            button #sign-button type="submit" aria-describedby="sign-hint" { (p.t("pp-sign-button")) }
                        }
                    } @else {
                        p { (p.t("pp-verify-to-sign")) " " a #verify-to-sign href="/verify" { (p.t("pp-verify-link")) } }
                    }
                } @else {
                    p { a.button #sign-in-to-sign href=(sign_in_href(&next)) { (p.t("pp-sign-in-to-sign")) } }
                }
            }
        }
    }
}

/// The author's own controls: edit and launch a draft; withdraw before the threshold, folded
/// away and confirmed by a written reason, since it cannot be undone.
fn author_actions(p: &Page, viewer: &Viewer, pet: &Petition) -> Markup {
    let Some(session) = &viewer.session else { return html! {} };
    let base = petition_href(&pet.id);
    let withdrawable =
        matches!(pet.status, PetitionStatus::Gathering | PetitionStatus::Moderation | PetitionStatus::Open)
            && pet.threshold_reached_at.is_none();
    let window = pet.terms.initial_window_working_days;
    html! {
        section #author aria-labelledby="author-heading" {
            h2 #author-heading { (p.t("pp-author-heading")) }
            // A draft on the log (from before drafts were private) is edited and launched
            // from the author's page of it, as a private one is.
            @if pet.status == PetitionStatus::Draft {
                p { a #edit-link href={ (draft_href(&pet.id)) "/edit" } { (p.t("pp-edit")) } }
                form method="post" action={ (draft_href(&pet.id)) "/launch" } {
                    (csrf_field(&session.csrf))
                    p.hint #launch-hint { (p.t_args("pp-launch-hint", &[
                        ("need", FluentValue::from(pet.terms.initial_supporters)),
                        ("days", FluentValue::from(window)),
                    ])) }
                    button #launch-button type="submit" aria-describedby="launch-hint" { (p.t("pp-launch")) }
                }
            }
            @if withdrawable {
                details #withdraw {
                    summary { (p.t("pp-withdraw")) }
                    form.stack method="post" action={ (base) "/withdraw" } {
                        (csrf_field(&session.csrf))
                        label for="withdraw-reason" { (p.t("pp-withdraw-reason")) }
                        textarea #withdraw-reason name="reason" required maxlength=(MAX_REASON_CHARS) aria-describedby="withdraw-hint" {}
                        p.hint #withdraw-hint { (p.t("pp-withdraw-hint")) }
                        button.danger #withdraw-button type="submit" { (p.t("pp-withdraw-confirm")) }
                    }
                }
            }
            @if pet.status != PetitionStatus::Draft && !withdrawable {
                p.muted { (p.t("pp-author-nothing")) }
            }
        }
    }
}

/// Valid signatures per local day: bars in an SVG, and the same numbers in a table.
fn chart(p: &Page, daily: &[(Date, u64)]) -> Markup {
    if daily.is_empty() {
        return html! { p.muted #chart-empty { (p.t("pp-chart-empty")) } };
    }
    const W: f64 = 640.0;
    const H: f64 = 220.0;
    const LEFT: f64 = 56.0;
    const RIGHT: f64 = 8.0;
    const TOP: f64 = 12.0;
    const BOTTOM: f64 = 28.0;
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let max = daily.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let total: u64 = daily.iter().map(|(_, n)| *n).sum();
    let step = plot_w / daily.len() as f64;
    let bar = (step * 0.8).max(1.0);
    let (first, last) = (daily[0].0, daily[daily.len() - 1].0);
    let busiest = daily.iter().max_by_key(|(d, n)| (*n, std::cmp::Reverse(*d))).map(|(d, n)| (*d, *n));
    let desc = p.t_args(
        "pp-chart-desc",
        &[
            ("from", FluentValue::from(p.date(first))),
            ("to", FluentValue::from(p.date(last))),
            ("total", FluentValue::from(total)),
            ("days", FluentValue::from(daily.len())),
            ("busiest", FluentValue::from(busiest.map(|(d, _)| p.date(d)).unwrap_or_default())),
            ("most", FluentValue::from(busiest.map_or(0, |(_, n)| n))),
        ],
    );
    let totals: Vec<u64> = daily
        .iter()
        .scan(0u64, |sum, (_, n)| {
            *sum += n;
            Some(*sum)
        })
        .collect();
    html! {
        figure.chart {
            svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (W) " " (H) } role="img"
                aria-labelledby="chart-title chart-desc" width="100%" {
                title #chart-title { (p.t("pp-chart-title")) }
                desc #chart-desc { (desc) }
                g aria-hidden="true" font-family="sans-serif" font-size="12" fill="#1f1f1f" {
                    line x1=(LEFT) y1=(TOP) x2=(LEFT) y2=(TOP + plot_h) stroke="#595959" stroke-width="1" {}
                    line x1=(LEFT) y1=(TOP + plot_h) x2=(W - RIGHT) y2=(TOP + plot_h) stroke="#595959" stroke-width="1" {}
                    text x=(LEFT - 6.0) y=(TOP + 10.0) text-anchor="end" { (max) }
                    text x=(LEFT - 6.0) y=(TOP + plot_h) text-anchor="end" { "0" }
                    text x=(LEFT) y=(H - 8.0) text-anchor="start" { (p.date(first)) }
                    @if daily.len() > 1 {
                        text x=(W - RIGHT) y=(H - 8.0) text-anchor="end" { (p.date(last)) }
                    }
                }
                g fill="#2171b5" {
                    @for (i, (day, n)) in daily.iter().enumerate() {
                        @let h = plot_h * (*n as f64) / (max as f64);
                        rect x=(format!("{:.1}", LEFT + step * i as f64 + (step - bar) / 2.0)) y=(format!("{:.1}", TOP + plot_h - h))
                            width=(format!("{bar:.1}")) height=(format!("{h:.1}")) {
                            title { (p.date(*day)) ": " (n) }
                        }
                    }
                }
            }
            figcaption { (desc) }
        }
        details #chart-table {
            summary { (p.t("pp-chart-as-table")) }
            table.entries {
                caption { (p.t("pp-chart-title")) }
                thead { tr {
                    th scope="col" { (p.t("pp-col-day")) }
                    th scope="col" class="num" { (p.t("pp-col-signatures")) }
                    th scope="col" class="num" { (p.t("pp-col-total")) }
                } }
                tbody {
                    @for ((day, n), total) in daily.iter().zip(&totals) {
                        tr {
                            th scope="row" { (date_el(p.lang, *day)) }
                            td.num { (n) }
                            td.num { (total) }
                        }
                    }
                }
            }
        }
    }
}

/// POST /petitions/{id}/sign
pub(crate) async fn sign(
    State(app): State<AppState>,
    p: Page,
    Known(pet): Known<Petition>,
    citizen: Citizen,
    ClientAddr(address): ClientAddr,
    _: CsrfForm<NoFields>,
) -> Response {
    let result = match citizen.person(&app) {
        Ok(who) => app.capabilities.petitions.sign(who, &pet.id, address).await,
        Err(e) => Err(e.into()),
    };
    let pet = app.capabilities.petitions.view().get(&pet.id).unwrap_or(pet);
    match result {
        Ok(_) => Redirect::to(&format!("{}/receipt", petition_href(&pet.id))).into_response(),
        Err(e) => {
            let status = e.status();
            let message = error_text(&p, Some(&pet), &e);
            let receipt = format!("{}/receipt", petition_href(&pet.id));
            let flash = Flash::Error(html! {
                p { (message) }
                @if matches!(e, PetitionError::AlreadySigned { .. }) {
                    p { a href=(receipt) { (p.t("pp-see-receipt")) } }
                }
                @if matches!(e, PetitionError::NotVerified) {
                    p { a #verify-link href="/verify" { (p.t("pp-verify-link")) } }
                }
            });
            let viewer = viewer(&app, Some(&citizen), &pet).await;
            let mut response = petition_page(&app, &p, &viewer, &pet, flash, status).await;
            if matches!(e, PetitionError::RateLimited) {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
            }
            response
        }
    }
}
