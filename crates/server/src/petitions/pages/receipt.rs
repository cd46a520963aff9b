//! The signer's receipt and its checked inclusion proof.

use super::*;
use crate::receipts::{check_receipt, ProofCheck, Receipt};

/// GET /petitions/{id}/receipt — the signer's receipt and its checked inclusion proof.
pub(crate) async fn receipt(
    State(app): State<AppState>,
    p: Page,
    Known(pet): Known<Petition>,
    citizen: Citizen,
) -> PageResult {
    let identity = citizen.identity(&app).ok().flatten();
    let signature = match citizen.petition_pseudonym(&app, &pet.id) {
        Some(signer) => app.capabilities.petitions.signature(&pet.id, &signer).await,
        None => Ok(None),
    };
    let signature =
        signature.map_err(|e| p.error(e.status(), &p.t("pp-err-title"), &error_text(&p, Some(&pet), &e)))?;
    let title = p.t("pp-receipt-title");
    let Some(sig) = signature else {
        let main = html! {
            h1 { (title) }
            p.lead #no-signature { (p.t("pp-receipt-none")) }
            p { a href=(petition_href(&pet.id)) { (partial_title(&p, &pet.title)) } }
        };
        return Err(p.render(StatusCode::NOT_FOUND, &title, crate::petitions::SECTION, main).into());
    };
    let Receipt { index, leaf, proof: check } = check_receipt(&app, sig.index.0, |event| {
        matches!(event, Event::PetitionSigned { petition, signer, .. } if petition == &pet.id && signer == &sig.signer)
    })
    .await;
    let leaf_hex = leaf.map(|h| h.to_string()).unwrap_or_default();
    let proof_json = format!("/api/v1/proof/inclusion?index={index}&hash={leaf_hex}");
    let shown_as = identity.map(crate::petitions::shown_as).unwrap_or_default();
    let here = format!("{}/receipt", petition_href(&pet.id));

    let main = html! {
        h1 { (title) }
        p.lead { (p.t("pp-receipt-lead")) }
        dl.fields #receipt {
            dt { (p.t("pp-field-petition")) } dd { a href=(petition_href(&pet.id)) { (partial_title(&p, &pet.title)) } }
            dt { (p.t("pp-field-shown-as")) } dd #shown-as { (shown_as) }
            dt { (p.t("pp-field-region")) } dd { (sig.region.name().get(p.lang)) }
            dt { (p.t("pp-field-signed-at")) } dd { (time_el(&app, p.lang, sig.signed_at.0)) }
            dt { (p.t("pp-field-log-index")) } dd #log-index { a href={ "/log/" (index) } { (index) } }
            dt { (p.t("pp-field-leaf-hash")) } dd { code.hash #leaf-hash { (leaf_hex) } }
            dt { (p.t("pp-field-pseudonym")) } dd { code.hash { (sig.signer) } }
            dt { (p.t("pp-field-counted")) } dd #counted {
                @match &sig.invalidation {
                    None => { strong { (p.t("pp-counted-yes")) } }
                    Some(inv) => {
                        strong { (p.t("pp-counted-no")) } " "
                        (p.t_args("pp-invalidated-because", &[("reason", FluentValue::from(inv.reason.clone()))])) " "
                        (time_el(&app, p.lang, inv.at.0)) " "
                        a href={ "/log/" (inv.index.0) } { (p.t_args("pp-log-entry", &[("index", FluentValue::from(inv.index.0))])) }
                    }
                }
            }
        }
        section #proof aria-labelledby="proof-heading" {
            h2 #proof-heading { (p.t("pp-proof-heading")) }
            @match &check {
                ProofCheck::Verified { size, root, hashes, note } => {
                    div.notice role="status" #proof-verified {
                        p { strong { (p.t("pp-proof-verified")) " ✓" } }
                        p { (p.t_args("pp-proof-verified-text", &[
                            ("index", FluentValue::from(index)),
                            ("size", FluentValue::from(*size)),
                            ("hashes", FluentValue::from(*hashes)),
                        ])) }
                    }
                    dl.fields {
                        dt { (p.t("pp-field-checkpoint-size")) } dd #checkpoint-size { (size) }
                        dt { (p.t("pp-field-checkpoint-root")) } dd { code.hash #checkpoint-root { (root) } }
                    }
                    details {
                        summary { (p.t("pp-proof-checkpoint-note")) }
                        pre { code { (note) } }
                    }
                }
                ProofCheck::Pending => {
                    p.note role="status" #proof-pending { (p.t("pp-proof-pending")) }
                    p { a href=(here) { (p.t("pp-reload")) } }
                }
                ProofCheck::Failed(why) => {
                    div.error role="alert" #proof-failed {
                        p { (p.t("pp-proof-failed")) }
                        p { code { (why) } }
                    }
                }
            }
        }
        section aria-labelledby="check-heading" {
            h2 #check-heading { (p.t("pp-check-heading")) }
            ol.steps {
                li {
                    (p.t_args("pp-check-step-entry", &[("index", FluentValue::from(index))])) " "
                    a href={ "/log/" (index) } { code { "/log/" (index) } } " · "
                    a href={ "/api/v1/entries/" (index) } { code { "/api/v1/entries/" (index) } }
                }
                li { (p.t("pp-check-step-proof")) " " a #proof-json href=(proof_json) { code { (proof_json) } } }
                li { (p.t("pp-check-step-checkpoint")) " " a href="/checkpoint" { code { "/checkpoint" } } }
                li { (p.t("pp-check-step-key")) pre { code { (app.vkey) } } }
            }
            p { (p.t("pp-check-tool")) }
            pre { code { "dauys audit " (app.config.public_url()) } }
            p { a href={ "/log/" (index) "#proof" } { (p.t("pp-check-walkthrough")) } }
        }
    };
    Ok(p.render(StatusCode::OK, &title, crate::petitions::SECTION, main))
}
