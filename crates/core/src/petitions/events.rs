//! The petition events: the rules, a petition's lifecycle, its signatures and the obligation
//! it opens. Declared here, gathered into [`crate::Event`] with every capability's
//! (`event.rs`).

/// Hands the petition events on to `gather_events!`, which builds [`crate::Event`] (see
/// `registry/events.rs` for the shape).
macro_rules! events {
    ($gather:ident [$($pending:tt)*] $($gathered:tt)*) => {
        $gather! { [$($pending)*] $($gathered)*
            petitions: Petitions {
                events {
                    /// The petition rules: levels, thresholds, windows, deadlines, topics. Replaces the
                    /// previous rules for petitions drafted after it.
                    "petition_rules.published" => PetitionRulesPublished { rules: PetitionRules },
                    /// A verified person wrote (or, while it is a draft, rewrote) a petition. `author` is
                    /// their pseudonym for this petition.
                    "petition.drafted" => PetitionDrafted {
                        petition: PetitionId,
                        author: Pseudonym,
                        body: BodyId,
                        level: Level,
                        /// The region, or region and district, of a local petition; omitted for the Government.
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        territory: Option<Locality>,
                        topic: TopicCode,
                        title: PartialText,
                        text: PartialText,
                    },
                    /// The author launched the draft: it gathers its initial supporters by link.
                    "petition.launched" => PetitionLaunched { petition: PetitionId, by: Pseudonym },
                    /// A signature. `signer` is the signer's pseudonym for this petition, so one person signs
                    /// a petition once; `region` feeds the by-region counts.
                    "petition.signed" => PetitionSigned { petition: PetitionId, signer: Pseudonym, region: Region },
                    /// By the rules: the petition has its initial supporters and goes to moderation, which
                    /// must decide by `moderation_due`.
                    "petition.submitted" => PetitionSubmitted {
                        petition: PetitionId,
                        #[serde(with = "crate::dates::one")]
                        moderation_due: Date,
                    },
                    /// By the rules: moderators let the moderation deadline pass without deciding. The
                    /// petition stays in moderation; the lapse stays on its record.
                    "petition.moderation_overdue" => PetitionModerationOverdue { petition: PetitionId },
                    /// By the rules: the initial window ended without enough supporters.
                    "petition.expired" => PetitionExpired { petition: PetitionId },
                    /// A moderator accepted the petition: it is public and collects signatures.
                    "petition.accepted" => PetitionAccepted { petition: PetitionId, by: AccountId },
                    /// A moderator rejected the petition with a coded reason the author is shown.
                    "petition.rejected" => PetitionRejected {
                        petition: PetitionId,
                        by: AccountId,
                        reason: RejectionReason,
                        /// The forbidden topic cited; only with the reason `forbidden_topic`.
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        forbidden_topic: Option<TopicCode>,
                        /// The earlier petition; only with the reason `duplicate`.
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        duplicate_of: Option<PetitionId>,
                        comment: String,
                    },
                    /// The author withdrew the petition (only before its threshold is reached).
                    "petition.withdrawn" => PetitionWithdrawn { petition: PetitionId, by: Pseudonym, reason: String },
                    /// By the rules: the collection window ended.
                    "petition.closed" => PetitionClosed { petition: PetitionId, threshold_reached: bool },
                    /// A moderator struck out a signature (e.g. one of a flagged burst); the count follows.
                    "signature.invalidated" => SignatureInvalidated {
                        petition: PetitionId,
                        signer: Pseudonym,
                        by: AccountId,
                        reason: String,
                    },
                    /// By the rules: the threshold was reached, so the addressed body must answer by `due`
                    /// (working days counted from the day the threshold was reached).
                    "obligation.opened" => ObligationOpened {
                        petition: PetitionId,
                        body: BodyId,
                        #[serde(with = "crate::dates::one")]
                        due: Date,
                    },
                    /// By the rules: the due day ended without an answer.
                    "obligation.overdue" => ObligationOverdue { petition: PetitionId },
                    /// An official or head of the body published its answer, under their account.
                    "obligation.answered" => ObligationAnswered {
                        petition: PetitionId,
                        by: AccountId,
                        decision: Decision,
                        answer: PartialText,
                        /// The record of the public discussion the rules require.
                        discussion: PartialText,
                        /// The public statement of the body's head.
                        head_statement: PartialText,
                    },
                    /// By the rules: the body the petition addresses was closed by a reorganisation,
                    /// which gives the petition, and the obligation it opened, to `to`. Its deadlines
                    /// run on.
                    "petition.reassigned" => PetitionReassigned { petition: PetitionId, from: BodyId, to: BodyId },
                }
                operator_acts ["petition_rules.published"]
                validate {
                    Event::PetitionRulesPublished { rules } => rules.validate()?,
                    Event::PetitionDrafted { level, territory, title, text, .. } => {
                        title.validate("title", crate::MAX_PETITION_TITLE_CHARS, false)?;
                        text.validate("text", crate::MAX_PETITION_TEXT_CHARS, true)?;
                        if !level.fits(territory.as_ref()) {
                            return Err(level.territory_shape_error());
                        }
                    }
                    Event::PetitionRejected { reason, forbidden_topic, duplicate_of, comment, .. } => {
                        crate::people::validate_line("comment", comment, crate::MAX_REASON_CHARS)?;
                        crate::petitions::events::validate_rejection(*reason, forbidden_topic.as_ref(), duplicate_of.as_ref())?;
                    }
                    Event::PetitionWithdrawn { reason, .. } | Event::SignatureInvalidated { reason, .. } => {
                        crate::people::validate_line("reason", reason, crate::MAX_REASON_CHARS)?
                    }
                    Event::ObligationAnswered { answer, discussion, head_statement, .. } => {
                        answer.validate("answer", crate::MAX_ANSWER_CHARS, true)?;
                        discussion.validate("discussion", crate::MAX_STATEMENT_CHARS, true)?;
                        head_statement.validate("head_statement", crate::MAX_STATEMENT_CHARS, true)?;
                    }
                }
                check_new {
                    Event::PetitionRulesPublished { rules } => rules
                        .topics
                        .iter()
                        .chain(&rules.forbidden_topics)
                        .try_for_each(|t| t.name.check_new(crate::text::TextUse::Name))?,
                    Event::PetitionDrafted { title, text, .. } => {
                        title.check_new("title", false)?;
                        text.check_new("text", true)?;
                    }
                    Event::PetitionRejected { comment, .. } => crate::text::check_new_line("comment", comment)?,
                    Event::PetitionWithdrawn { reason, .. } | Event::SignatureInvalidated { reason, .. } => {
                        crate::text::check_new_line("reason", reason)?
                    }
                    Event::ObligationAnswered { answer, discussion, head_statement, .. } => {
                        answer.check_new("answer", true)?;
                        discussion.check_new("discussion", true)?;
                        head_statement.check_new("head_statement", true)?;
                    }
                }
            }
        }
    };
}
pub(crate) use events;

use crate::{EventError, PetitionId, RejectionReason, TopicCode};

/// A rejection cites a forbidden topic exactly when that is its reason, and an earlier
/// petition exactly when it is a duplicate.
pub(crate) fn validate_rejection(
    reason: RejectionReason,
    forbidden_topic: Option<&TopicCode>,
    duplicate_of: Option<&PetitionId>,
) -> Result<(), EventError> {
    let topic_ok = (reason == RejectionReason::ForbiddenTopic) == forbidden_topic.is_some();
    let duplicate_ok = (reason == RejectionReason::Duplicate) == duplicate_of.is_some();
    if !topic_ok || !duplicate_ok {
        return Err(EventError::RejectionShape);
    }
    Ok(())
}
