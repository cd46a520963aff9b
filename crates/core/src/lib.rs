//! The pure core of Dauys, an e-participation server whose public state is a function of an
//! append-only, Merkle-tree log of events.
//!
//! This crate defines
//! - the [`Event`]s that can be appended, and their validation ([`Event::validate`], and
//!   for new submissions [`Event::check_new`]);
//! - the [`Entry`] (an event plus the sequencer's [`Timestamp`]) and its canonical bytes,
//!   which are the Merkle leaves ([`Entry::encode`], [`Entry::decode`]; see `SPEC.md`);
//! - the deterministic [`State`] machine that folds entries into public state and the
//!   projection rows a database caches ([`State::apply`], [`State::take_changes`]): a router
//!   over capabilities — the registry, notices, petitions, appeals — that each implement one trait
//!   (`capability.rs`), with the obligations a body owes in `obligation.rs`;
//! - the working-day [`calendar`] that deadlines are counted in.
//!
//! ```
//! use dauys_core::{BodyKind, Entry, Event, LocalizedText, LogIndex, State, Timestamp};
//!
//! let event = Event::BodyRegistered {
//!     body: "akimat-astana".parse()?,
//!     name: LocalizedText::new("Астана қаласының әкімдігі", "Акимат города Астаны", "Akimat of Astana"),
//!     kind: BodyKind::Akimat,
//!     parent: None,
//!     territory: None,
//!     competences: None,
//! };
//! let mut state = State::default();
//! state.check(&event, Timestamp(1_772_443_800_000))?;
//!
//! // The sequencer stamps the event; the bytes become a leaf of the log.
//! let entry = Entry::new(Timestamp(1_772_443_800_000), event);
//! let bytes = entry.encode();
//! assert!(bytes.starts_with(br#"{"event":{"body":"akimat-astana","#));
//!
//! // Anyone replaying the log decodes the same bytes and reaches the same state.
//! state.apply(LogIndex(0), &Entry::decode(&bytes)?)?;
//! assert_eq!(state.size(), 1);
//! let rows = state.take_changes();
//! assert_eq!(rows[0].0, "body/akimat-astana");
//! assert_eq!(rows[1].0, "meta");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What it is not: there is no I/O, no clock and no randomness here. Storage, the Merkle tree
//! and checkpoints, the sequencer that assigns timestamps, and the HTTP server live in other
//! crates; time enters only through the timestamps in entries, so a replay on any machine, at
//! any later date, reaches the same state. Events never carry personal data.

/// Every capability of the public state, once: its module, the type in it that rules on its
/// events (`capability.rs`) and the type of its figures in the public summary. The [`Event`]
/// enum (from each module's `events.rs`), the state's router and the [`PublicState`] are each
/// made from this list, so adding a capability is adding its module and its line here.
macro_rules! for_each_capability {
    ($then:ident) => {
        $then! {
            registry: Registry => RegistrySummary,
            notices: Notices => NoticesSummary,
            petitions: Petitions => PetitionsSummary,
            appeals: Appeals => AppealsSummary,
        }
    };
}

mod acts;
mod appeals;
mod canonical;
mod capability;
mod dates;
mod districts;
mod entry;
mod envelope;
mod error;
mod event;
mod interner;
mod notices;
mod obligation;
mod people;
mod petitions;
mod public_state;
mod registry;
mod rows;
pub mod signers;
mod stamp;
mod state;
mod text;

pub mod calendar;

pub use acts::{act_author, act_statement, check_act, signature_required};
pub use appeals::{
    kazakhstan_appeal_rules, Appeal, AppealAnswer, AppealKind, AppealOutcome, AppealRules, AppealStatus, AppealTerms,
    Appeals, AppealsSummary, Attachment, Clarification, ClarificationClock, Complaint, Extension, MediaType,
    PublishedAppealRules, Step, StepKind, Visibility, MAX_APPEAL_TEXT_CHARS, MAX_APPEAL_TITLE_CHARS, MAX_ATTACHMENTS,
    MAX_ATTACHMENT_BYTES, MAX_CLARIFICATIONS, MAX_FORWARDS,
};
pub use calendar::{Calendar, WorkingDays};
pub use dates::{format_date, parse_date};
pub use districts::{district_name, known_districts};
pub use entry::Entry;
pub use envelope::{ENTRY_VERSION, MAX_ENTRY_BYTES};
pub use error::{DecodeError, EventError, RuleError};
pub use event::Event;
pub use notices::{Notice, NoticeSummary, Notices, NoticesSummary, LATEST_NOTICES};
pub use obligation::records::{wilson_interval, BodyFigures, BodyRecord, MonthRecord};
pub use obligation::{Answer, Decision, Obligation, ObligationStatus, Opener};
pub use people::{
    AccessBases, AccessBasis, Commitment, DataOpening, Grant, KeyKind, KeyVersion, Locality, Pseudonym, Region, Role,
    Staff, VerificationMethod, VerifiedPerson, MAX_CASE_CHARS, MAX_PURPOSE_CHARS, MAX_STAFF_NAME_CHARS,
};
pub use petitions::{
    kazakhstan_rules, Invalidation, Level, LevelRule, Petition, PetitionRules, PetitionStatus, Petitions,
    PetitionsSummary, Population, PublishedRules, Rejection, RejectionReason, Signature, StaffAct, Terms, Threshold,
    Topic, Transition, MAX_ANSWER_CHARS, MAX_PETITION_TEXT_CHARS, MAX_PETITION_TITLE_CHARS, MAX_REASON_CHARS,
    MAX_STATEMENT_CHARS, MIN_PETITION_AGE,
};
pub use public_state::PublicState;
pub use registry::events::ACT_RULE_LATEST;
pub use registry::{
    competent_body, successor_among, Body, CalendarYear, CaseAssignment, CaseFacts, Closure, Deployment, Registry,
    RegistrySummary, Reorganisation, SplitRule,
};
pub use rows::{RowKey, RowPrefix};
pub use signers::{ActKey, ActKeys, ActSignature};
pub use stamp::{LogIndex, Timestamp};
pub use state::State;
pub use text::{
    check_new_text, AccountId, AppealId, BasisCode, BodyId, BodyKind, CaseId, DistrictId, Lang, LocalizedText,
    NoticeId, PartialText, PetitionId, TopicCode,
};

#[cfg(test)]
mod entry_tests;
#[cfg(test)]
mod error_tests;
#[cfg(test)]
mod state_tests;
#[cfg(test)]
mod test_world;
