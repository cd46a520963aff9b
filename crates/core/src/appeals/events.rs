//! The appeal events: the published rules, filing, forwarding, clarification, extension,
//! answer, the overdue mark the rules derive, the move a reorganisation makes, and the
//! applicant's rating. A complaint about an answer or a silence is an appeal filed with the
//! superior body that names the appeal it is about. Declared here, gathered into
//! [`crate::Event`] with every capability's (`event.rs`).

/// Hands the appeal events on to `gather_events!`, which builds [`crate::Event`] (see
/// `registry/events.rs` for the shape).
macro_rules! events {
    ($gather:ident [$($pending:tt)*] $($gathered:tt)*) => {
        $gather! { [$($pending)*] $($gathered)*
            appeals: Appeals {
                events {
                    /// The appeal rules: the deadlines in working days, the longest extension, the
                    /// clarification clock and the topics. Replaces the previous rules for appeals
                    /// filed after it.
                    "appeal_rules.published" => AppealRulesPublished { rules: AppealRules },
                    /// A verified person filed an appeal with a body. `applicant` is their pseudonym
                    /// for this case (a complaint about it shares it). A public appeal carries its
                    /// title and text; a private one only `sealed`, a commitment to its text and
                    /// attachments, which are kept sealed off the log.
                    "appeal.filed" => AppealFiled {
                        appeal: AppealId,
                        applicant: Pseudonym,
                        body: BodyId,
                        kind: AppealKind,
                        topic: TopicCode,
                        /// Where the matter is, when it is somewhere: routes it and places it in a split.
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        place: Option<Locality>,
                        visibility: Visibility,
                        /// Public appeals only.
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        title: Option<PartialText>,
                        /// Public appeals only.
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        text: Option<PartialText>,
                        /// The files of a public appeal, by digest; a private appeal's are under `sealed`.
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        attachments: Option<Vec<Attachment>>,
                        /// Private appeals only.
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        sealed: Option<Commitment>,
                        /// The appeal this one complains about (its answer or its silence), filed with
                        /// the superior body of the one that owed the answer.
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        complaint_about: Option<AppealId>,
                    },
                    /// An official of the body it was filed with sent it on to the competent body: one
                    /// continuous case, whose clock starts again there.
                    "appeal.forwarded" => AppealForwarded { appeal: AppealId, by: AccountId, to: BodyId, reason: String },
                    /// By the rules: the body that held the case was closed by a reorganisation, and the
                    /// reorganisation gives the case to `to`. The deadline runs on.
                    "appeal.reassigned" => AppealReassigned { appeal: AppealId, from: BodyId, to: BodyId },
                    /// An official asked the applicant to clarify; the published clock rule says what
                    /// happens to the deadline meanwhile. `question` for a public appeal, `sealed` for
                    /// a private one.
                    "appeal.clarification_requested" => AppealClarificationRequested {
                        appeal: AppealId,
                        by: AccountId,
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        question: Option<PartialText>,
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        sealed: Option<Commitment>,
                    },
                    /// The applicant answered the request for clarification.
                    "appeal.clarified" => AppealClarified {
                        appeal: AppealId,
                        by: Pseudonym,
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        reply: Option<PartialText>,
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        sealed: Option<Commitment>,
                    },
                    /// The head of the body extended the deadline, once, with reasons, to `until`: at
                    /// most the published number of months after the case reached the body. Logging
                    /// it tells the applicant; the notice is due within the published working days of
                    /// `decided_on`, and a late one stays on the record.
                    "appeal.extended" => AppealExtended {
                        appeal: AppealId,
                        by: AccountId,
                        #[serde(with = "crate::dates::one")]
                        decided_on: Date,
                        #[serde(with = "crate::dates::one")]
                        until: Date,
                        reason: String,
                    },
                    /// An official or head of the body answered, under their account. `answer` for a
                    /// public appeal, `sealed` for a private one.
                    "appeal.answered" => AppealAnswered {
                        appeal: AppealId,
                        by: AccountId,
                        outcome: AppealOutcome,
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        answer: Option<PartialText>,
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        sealed: Option<Commitment>,
                    },
                    /// By the rules: the due day ended without an answer. The silence counts as a
                    /// refusal, which the applicant may complain about to the superior body.
                    "appeal.overdue" => AppealOverdue { appeal: AppealId },
                    /// The applicant rated the answer, 1 (poor) to 5 (good), once.
                    "appeal.rated" => AppealRated { appeal: AppealId, by: Pseudonym, rating: u8 },
                }
                operator_acts ["appeal_rules.published"]
                validate {
                    Event::AppealRulesPublished { rules } => rules.validate()?,
                    Event::AppealFiled { visibility, title, text, attachments, sealed, .. } => {
                        crate::appeals::events::validate_filing(
                            *visibility,
                            title.as_ref(),
                            text.as_ref(),
                            attachments.as_deref(),
                            sealed.as_ref(),
                        )?
                    }
                    Event::AppealForwarded { reason, .. } | Event::AppealExtended { reason, .. } => {
                        crate::people::validate_line("reason", reason, crate::MAX_REASON_CHARS)?
                    }
                    Event::AppealClarificationRequested { question: text, sealed, .. } => {
                        crate::appeals::events::validate_either("question", text.as_ref(), sealed.as_ref())?
                    }
                    Event::AppealClarified { reply: text, sealed, .. } => {
                        crate::appeals::events::validate_either("reply", text.as_ref(), sealed.as_ref())?
                    }
                    Event::AppealAnswered { answer: text, sealed, .. } => {
                        crate::appeals::events::validate_either("answer", text.as_ref(), sealed.as_ref())?
                    }
                    Event::AppealRated { rating, .. } if !(1..=5).contains(rating) => {
                        return Err(crate::EventError::OutOfRange {
                            field: "rating",
                            value: u64::from(*rating),
                            min: 1,
                            max: 5,
                        })
                    }
                }
                check_new {
                    Event::AppealRulesPublished { rules } => {
                        rules.topics.iter().try_for_each(|t| t.name.check_new(crate::text::TextUse::Name))?
                    }
                    Event::AppealFiled { title, text, .. } => {
                        if let Some(title) = title {
                            title.check_new("title", false)?;
                        }
                        if let Some(text) = text {
                            text.check_new("text", true)?;
                        }
                    }
                    Event::AppealForwarded { reason, .. } | Event::AppealExtended { reason, .. } => {
                        crate::text::check_new_line("reason", reason)?
                    }
                    Event::AppealClarificationRequested { question: Some(text), .. } => text.check_new("question", true)?,
                    Event::AppealClarified { reply: Some(text), .. } => text.check_new("reply", true)?,
                    Event::AppealAnswered { answer: Some(text), .. } => text.check_new("answer", true)?,
                }
            }
        }
    };
}
pub(crate) use events;

use crate::{Attachment, Commitment, EventError, PartialText, Visibility};

/// Most characters in an appeal's title, its text, and a question, reply or answer.
pub const MAX_APPEAL_TITLE_CHARS: usize = 200;
/// (A text in two or three languages must still fit one entry: `event-too-large` otherwise.)
pub const MAX_APPEAL_TEXT_CHARS: usize = 10_000;
/// Most files one appeal may carry, and bytes in one.
pub const MAX_ATTACHMENTS: usize = 5;
pub const MAX_ATTACHMENT_BYTES: u32 = 5 * 1024 * 1024;

/// A public appeal carries its title and text and no commitment; a private one only the
/// commitment to what is sealed (its files too, so it lists none).
pub(crate) fn validate_filing(
    visibility: Visibility,
    title: Option<&PartialText>,
    text: Option<&PartialText>,
    attachments: Option<&[Attachment]>,
    sealed: Option<&Commitment>,
) -> Result<(), EventError> {
    match (visibility, title, text, sealed) {
        (Visibility::Public, Some(title), Some(text), None) => {
            title.validate("title", MAX_APPEAL_TITLE_CHARS, false)?;
            text.validate("text", MAX_APPEAL_TEXT_CHARS, true)?;
        }
        (Visibility::Private, None, None, Some(_)) if attachments.is_none() => {}
        _ => return Err(EventError::VisibilityShape),
    }
    let Some(files) = attachments else { return Ok(()) };
    if files.is_empty() {
        return Err(EventError::EmptyField { field: "attachments" });
    }
    if files.len() > MAX_ATTACHMENTS {
        return Err(EventError::TooManyItems { field: "attachments", max: MAX_ATTACHMENTS, actual: files.len() });
    }
    for (i, file) in files.iter().enumerate() {
        if file.bytes == 0 || file.bytes > MAX_ATTACHMENT_BYTES {
            return Err(EventError::OutOfRange {
                field: "attachments.bytes",
                value: u64::from(file.bytes),
                min: 1,
                max: u64::from(MAX_ATTACHMENT_BYTES),
            });
        }
        if files[..i].iter().any(|f| f.digest == file.digest) {
            return Err(EventError::DuplicateItem { field: "attachments", item: file.digest.to_string() });
        }
    }
    Ok(())
}

/// A text on a case is either written out (a public appeal) or sealed (a private one), never
/// both and never neither; which one the appeal needs is a rule (`rules.rs`).
pub(crate) fn validate_either(
    field: &'static str,
    text: Option<&PartialText>,
    sealed: Option<&Commitment>,
) -> Result<(), EventError> {
    match (text, sealed) {
        (Some(text), None) => text.validate(field, MAX_APPEAL_TEXT_CHARS, true),
        (None, Some(_)) => Ok(()),
        _ => Err(EventError::VisibilityShape),
    }
}
