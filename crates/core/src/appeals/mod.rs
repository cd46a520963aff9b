//! Appeals to state bodies: a verified person files a proposal, application, complaint,
//! request for information or feedback with a body, which owes an answer by a deadline in
//! working days (Kazakhstan's Administrative Procedural Code: 15 working days; the head may
//! extend it once, with reasons, to at most 2 months, telling the applicant within 3 working
//! days; a misaddressed appeal is forwarded to the competent body within 3 working days;
//! silence past the deadline counts as a refusal, which the applicant may take to the
//! superior body). Each of those durations is published configuration
//! (`appeal_rules.published`), and every date is recomputed from the log.
//!
//! The answer an appeal opens is an [`Obligation`], the same as a petition's: due dates,
//! the overdue mark and the signed answer follow one set of rules. Every body's record
//! ([`BodyRecord`]: received, answered on time, overdue, extended, escalated, working days to
//! answer) is kept as the sum of each case's contribution, so one new event costs the same
//! however many cases there are, and a state reloaded from rows adds up to the same figures.

pub(crate) mod events;
mod records;
mod rules;

pub(crate) use events::events;
pub use events::{MAX_APPEAL_TEXT_CHARS, MAX_APPEAL_TITLE_CHARS, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES};
pub use rules::{Appeals, MAX_CLARIFICATIONS, MAX_FORWARDS};

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::obligation::Obligation;
use crate::petitions::Topic;
use crate::{
    AccountId, AppealId, BodyId, Commitment, EventError, Locality, LogIndex, PartialText, Pseudonym, Timestamp,
    TopicCode,
};

macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $code:literal),+ $(,)? } $unknown:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $code)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn as_str(&self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = EventError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| EventError::UnknownCode {
                    what: $unknown,
                    value: s.chars().take(40).collect(),
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

code_enum!(
    /// The kinds of appeal the Administrative Procedural Code names.
    AppealKind {
        Proposal => "proposal",
        Application => "application",
        Complaint => "complaint",
        InformationRequest => "information_request",
        Feedback => "feedback",
    } "appeal kind"
);

code_enum!(
    /// Whether an appeal's texts go on the log or are sealed.
    Visibility {
        Public => "public",
        Private => "private",
    } "visibility"
);

code_enum!(
    /// What the body decided.
    AppealOutcome {
        Satisfied => "satisfied",
        PartlySatisfied => "partly_satisfied",
        Refused => "refused",
    } "appeal outcome"
);

code_enum!(
    /// What a request for clarification does to the deadline.
    ClarificationClock {
        /// The clock stops while the applicant is asked, and runs on with the working days that
        /// were left when the applicant replies.
        Paused => "paused",
        /// The full consideration period starts again on the day of the reply.
        Restarts => "restarts",
    } "clarification clock"
);

code_enum!(
    /// The event a step of an appeal's history records: its type tag, held as a code so that
    /// millions of steps hold no copies of it.
    StepKind {
        Filed => "appeal.filed",
        Forwarded => "appeal.forwarded",
        Reassigned => "appeal.reassigned",
        ClarificationRequested => "appeal.clarification_requested",
        Clarified => "appeal.clarified",
        Extended => "appeal.extended",
        Answered => "appeal.answered",
        Overdue => "appeal.overdue",
        Rated => "appeal.rated",
    } "appeal step"
);

code_enum!(
    /// The file types an appeal may carry.
    MediaType {
        Pdf => "application/pdf",
        Jpeg => "image/jpeg",
        Png => "image/png",
    } "media type"
);

/// One file of a public appeal: its SHA-256, size and type. The file is served from the
/// server's store; the digest lets anyone check it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pub digest: Commitment,
    pub bytes: u32,
    pub media_type: MediaType,
}

/// The deployment's appeal rules, from the latest `appeal_rules.published`: the terms an
/// appeal filed under them keeps, and the topics.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppealRules {
    pub terms: AppealTerms,
    /// What appeals may be about; bodies list their competences in these codes.
    pub topics: Vec<Topic>,
}

/// The durations an appeal is considered under, fixed when it is filed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppealTerms {
    /// Working days a body has to answer (Kazakhstan: 15).
    pub consideration_working_days: u16,
    /// Working days within which a misaddressed appeal is to be forwarded (3).
    pub forwarding_working_days: u16,
    /// The longest deadline an extension may set, in months after the case reached the body (2).
    pub extension_max_months: u8,
    /// Working days after the head's decision within which the applicant is told of an
    /// extension (3).
    pub extension_notice_working_days: u16,
    pub clarification_clock: ClarificationClock,
}

impl AppealRules {
    pub const MAX_WORKING_DAYS: u16 = 120;
    pub const MAX_MONTHS: u8 = 12;
    pub const MAX_TOPICS: usize = 200;

    pub fn topic(&self, code: &TopicCode) -> Option<&Topic> {
        self.topics.iter().find(|t| &t.code == code)
    }

    pub(crate) fn validate(&self) -> Result<(), EventError> {
        let range = |field, value: u64, max: u64| {
            if (1..=max).contains(&value) {
                Ok(())
            } else {
                Err(EventError::OutOfRange { field, value, min: 1, max })
            }
        };
        let days = u64::from(Self::MAX_WORKING_DAYS);
        let t = &self.terms;
        range("consideration_working_days", t.consideration_working_days.into(), days)?;
        range("forwarding_working_days", t.forwarding_working_days.into(), days)?;
        range("extension_notice_working_days", t.extension_notice_working_days.into(), days)?;
        range("extension_max_months", t.extension_max_months.into(), Self::MAX_MONTHS.into())?;
        if self.topics.is_empty() {
            return Err(EventError::EmptyField { field: "topics" });
        }
        if self.topics.len() > Self::MAX_TOPICS {
            return Err(EventError::TooManyItems { field: "topics", max: Self::MAX_TOPICS, actual: self.topics.len() });
        }
        for (i, t) in self.topics.iter().enumerate() {
            t.name.validate(crate::text::TextUse::Name)?;
            if self.topics[..i].iter().any(|o| o.code == t.code) {
                return Err(EventError::DuplicateItem { field: "topics", item: t.code.to_string() });
            }
        }
        Ok(())
    }
}

/// The reference rules of the Administrative Procedural Code: 15 working days to answer, 3 to
/// forward, an extension to at most 2 months told within 3 working days, and the clock paused
/// while the applicant is asked to clarify.
pub fn kazakhstan_appeal_rules(topics: Vec<Topic>) -> AppealRules {
    AppealRules {
        terms: AppealTerms {
            consideration_working_days: 15,
            forwarding_working_days: 3,
            extension_max_months: 2,
            extension_notice_working_days: 3,
            clarification_clock: ClarificationClock::Paused,
        },
        topics,
    }
}

/// The rules in force and where they were published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedAppealRules {
    pub rules: AppealRules,
    pub published_at: Timestamp,
    pub index: LogIndex,
}

/// Where an appeal is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealStatus {
    /// Registered with the body, which is considering it.
    InProgress,
    /// The body asked the applicant to clarify and waits for the reply.
    AwaitingClarification,
    Answered,
    /// The deadline passed without an answer: deemed refused.
    Overdue,
}

impl AppealStatus {
    pub const ALL: [AppealStatus; 4] =
        [AppealStatus::InProgress, AppealStatus::AwaitingClarification, AppealStatus::Answered, AppealStatus::Overdue];

    pub fn as_str(&self) -> &'static str {
        match self {
            AppealStatus::InProgress => "in_progress",
            AppealStatus::AwaitingClarification => "awaiting_clarification",
            AppealStatus::Answered => "answered",
            AppealStatus::Overdue => "overdue",
        }
    }

    /// Still owed an answer (an overdue appeal may yet be answered, late).
    pub fn is_open(&self) -> bool {
        *self != AppealStatus::Answered
    }
}

/// The body's answer to an appeal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppealAnswer {
    pub by: AccountId,
    pub outcome: AppealOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Box<PartialText>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<Commitment>,
    pub answered_at: Timestamp,
    pub index: LogIndex,
    /// Working days from the day the case reached the answering body to the day of the answer.
    pub working_days: u32,
    /// Answered by the end of the due day.
    pub on_time: bool,
}

/// The head's one extension.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    pub by: AccountId,
    #[serde(with = "crate::dates::one")]
    pub decided_on: Date,
    #[serde(with = "crate::dates::one")]
    pub until: Date,
    pub reason: String,
    /// The last day the applicant was to be told.
    #[serde(with = "crate::dates::one")]
    pub notice_due: Date,
    /// Logged (and so told) after `notice_due`.
    pub notice_late: bool,
    pub at: Timestamp,
    pub index: LogIndex,
}

/// A request for clarification and the applicant's reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clarification {
    pub by: AccountId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<PartialText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question_sealed: Option<Commitment>,
    pub asked_at: Timestamp,
    pub asked_index: LogIndex,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<PartialText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_sealed: Option<Commitment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replied_at: Option<Timestamp>,
}

/// A complaint filed about an appeal: which appeal it is, and which body's answer or silence
/// it is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Complaint {
    pub appeal: AppealId,
    pub against: BodyId,
}

/// One event on an appeal, as its history shows it: which body held the case, and the local
/// day (which the monthly figures count by).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub event: StepKind,
    pub body: BodyId,
    /// The body it went to, for a forward or a reassignment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<BodyId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<AccountId>,
    /// A forward after its deadline, or an extension told late.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub late: bool,
    #[serde(with = "crate::dates::one")]
    pub on: Date,
    pub at: Timestamp,
    pub index: LogIndex,
}

/// An appeal and its whole history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Appeal {
    pub id: AppealId,
    pub applicant: Pseudonym,
    pub kind: AppealKind,
    pub topic: TopicCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<Locality>,
    pub visibility: Visibility,
    // The texts and an extension are boxed: most appeals are private and never extended, and
    // an absent box takes a pointer's room where an absent text would take three strings'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Box<PartialText>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Box<PartialText>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<Commitment>,
    /// The body it was first addressed to; `obligation.body` holds it now.
    pub addressed_to: BodyId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaint_about: Option<AppealId>,
    /// The complaint filed about this appeal's answer or silence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaint: Option<Complaint>,
    pub status: AppealStatus,
    pub filed_at: Timestamp,
    pub index: LogIndex,
    /// The local day the case reached the body that holds it, from which its deadlines count.
    #[serde(with = "crate::dates::one")]
    pub received_on: Date,
    /// The last day to forward it, if misaddressed, from the body that holds it.
    #[serde(with = "crate::dates::one")]
    pub forward_by: Date,
    /// The terms of the rules it was filed under.
    pub terms: AppealTerms,
    pub obligation: Obligation<AppealAnswer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<Box<Extension>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clarifications: Vec<Clarification>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    pub steps: Vec<Step>,
}

impl Appeal {
    /// The body that holds the case now.
    pub fn body(&self) -> &BodyId {
        &self.obligation.body
    }

    /// Has it moved from the body it was filed with?
    pub fn was_moved(&self) -> bool {
        self.addressed_to != self.obligation.body
    }

    /// Adds a step to its history. A case has a few steps and gains one at a time: its
    /// history takes the room of its steps, not the spare room a growing vector keeps.
    pub(crate) fn push_step(&mut self, step: Step) {
        self.steps.reserve_exact(1);
        self.steps.push(step);
    }
}

/// The appeals' figures in the public summary ([`crate::PublicState`]); every body's record
/// is at `/api/v1/bodies`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealsSummary {
    /// Appeals by status.
    pub appeals: std::collections::BTreeMap<String, u64>,
}

impl fmt::Display for AppealsSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total: u64 = self.appeals.values().sum();
        let parts: Vec<String> = self.appeals.iter().map(|(s, n)| format!("{n} {s}")).collect();
        write!(f, "Appeals: {total}")?;
        if !parts.is_empty() {
            write!(f, " ({})", parts.join(", "))?;
        }
        Ok(())
    }
}
#[cfg(test)]
mod tests;
