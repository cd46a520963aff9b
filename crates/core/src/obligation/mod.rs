//! Obligations: what a body owes once something opened it — a petition past its threshold,
//! or an appeal filed with it. The due date, the overdue mark and the signed answer are the same
//! whatever opened it, so their rules live here once; the capability that opened an
//! obligation keeps it with the opening item (a petition's row holds its obligation) and asks
//! this module whether an event on it may be logged.

pub(crate) mod records;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::registry::Registry;
use crate::{AccountId, AppealId, BodyId, EventError, LogIndex, PartialText, PetitionId, RuleError, Timestamp};

/// What opened an obligation, and so what its events name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Opener {
    Petition(PetitionId),
    Appeal(AppealId),
}

impl Opener {
    /// What its errors name: "petition `p-1`", "appeal `a-1`".
    fn id(&self) -> String {
        match self {
            Opener::Petition(id) => format!("petition `{id}`"),
            Opener::Appeal(id) => format!("appeal `{id}`"),
        }
    }
}

/// The last day to answer when the clock starts at `from` and the body has `working_days`
/// working days.
pub(crate) fn due_date(registry: &Registry, from: Timestamp, working_days: u16) -> Date {
    registry.add_working_days(from, working_days)
}

/// What the body decided on a petition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Supported,
    PartiallySupported,
    NotSupported,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Decision::Supported, Decision::PartiallySupported, Decision::NotSupported];

    pub fn as_str(&self) -> &'static str {
        match self {
            Decision::Supported => "supported",
            Decision::PartiallySupported => "partially_supported",
            Decision::NotSupported => "not_supported",
        }
    }
}

impl std::str::FromStr for Decision {
    type Err = EventError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Decision::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| EventError::UnknownDecision { value: s.chars().take(40).collect() })
    }
}

/// Whether the body has answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObligationStatus {
    Awaiting,
    Answered,
    Overdue,
}

impl ObligationStatus {
    pub const ALL: [ObligationStatus; 3] =
        [ObligationStatus::Awaiting, ObligationStatus::Answered, ObligationStatus::Overdue];

    pub fn as_str(&self) -> &'static str {
        match self {
            ObligationStatus::Awaiting => "awaiting",
            ObligationStatus::Answered => "answered",
            ObligationStatus::Overdue => "overdue",
        }
    }
}

/// The body's published answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub by: AccountId,
    pub decision: Decision,
    pub answer: PartialText,
    pub discussion: PartialText,
    pub head_statement: PartialText,
    pub answered_at: Timestamp,
    pub index: LogIndex,
}

/// What its opening put on the addressed body: to give an answer of type `A` (a petition's
/// [`Answer`], an appeal's `AppealAnswer`) by the due day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "A: Deserialize<'de>"))]
pub struct Obligation<A = Answer> {
    pub body: BodyId,
    pub status: ObligationStatus,
    /// The last day to answer, in the deployment's time zone.
    #[serde(with = "crate::dates::one")]
    pub due: Date,
    /// The instant the due day ends; an answer at or after it is late.
    pub due_at: Timestamp,
    pub opened_at: Timestamp,
    pub index: LogIndex,
    /// When the rules marked it overdue (kept after a late answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<A>,
}

impl<A> Obligation<A> {
    /// The obligation `body` takes on at `at`: to answer by the end of the local day `due`,
    /// which ends at `due_at`.
    pub(crate) fn open(body: BodyId, due: Date, due_at: Timestamp, at: Timestamp, index: LogIndex) -> Obligation<A> {
        Obligation {
            body,
            status: ObligationStatus::Awaiting,
            due,
            due_at,
            opened_at: at,
            index,
            overdue_at: None,
            answer: None,
        }
    }

    /// Has the due day ended without an answer, so that the rules require `overdue`?
    pub(crate) fn is_overdue_at(&self, at: Timestamp) -> bool {
        self.status == ObligationStatus::Awaiting && at >= self.due_at
    }

    /// May the rules mark it overdue at `at`?
    pub(crate) fn check_overdue(&self, opener: &Opener, at: Timestamp) -> Result<(), RuleError> {
        match self.status {
            ObligationStatus::Awaiting => {}
            ObligationStatus::Overdue => return Err(RuleError::AlreadyOverdue(opener.id())),
            ObligationStatus::Answered => return Err(RuleError::AlreadyAnswered(opener.id())),
        }
        RuleError::unless_due("the end of the due day", Some(self.due_at), at)
    }

    pub(crate) fn mark_overdue(&mut self, at: Timestamp) {
        self.status = ObligationStatus::Overdue;
        self.overdue_at = Some(at);
    }

    /// May `by` answer it? Only an official or the head of the body, once; a late answer is
    /// still an answer (the overdue mark stays on the record).
    pub(crate) fn check_answer(&self, opener: &Opener, registry: &Registry, by: &AccountId) -> Result<(), RuleError> {
        if !registry.acts_for(by, &self.body) {
            return Err(RuleError::NotOfficialOfBody { official: by.to_string(), body: self.body.to_string() });
        }
        if self.status == ObligationStatus::Answered {
            return Err(RuleError::AlreadyAnswered(opener.id()));
        }
        Ok(())
    }

    pub(crate) fn answer(&mut self, answer: A) {
        self.status = ObligationStatus::Answered;
        self.answer = Some(answer);
    }

    /// The answer is now owed by the end of the local day `due` (an extension, a clock
    /// paused for a clarification, a case forwarded to the competent body).
    pub(crate) fn set_due(&mut self, due: Date, due_at: Timestamp) {
        self.due = due;
        self.due_at = due_at;
    }

    /// Another body owes it now (forwarded, or its body reorganised).
    pub(crate) fn move_to(&mut self, body: BodyId) {
        self.body = body;
    }
}
