//! Petitions that bind: the published rules, a petition's lifecycle, its signatures and the
//! obligation that crossing the threshold opens on the addressed body.
//!
//! The rules themselves (which transitions are allowed, and the deadlines) are in `rules.rs`,
//! the petitions capability; this module holds the types and their field checks. The
//! obligation's own rules are in `crate::obligation`, shared with whatever else opens one.
//!
//! Signers appear only as per-petition pseudonyms (the same person has unrelated pseudonyms
//! on different petitions) and their region, which the by-region counts need. Who may sign
//! (verified, 18 or older, living in the petition's territory) is checked by the server
//! against private records before it submits the signature; the log cannot show it without
//! identifying the signer.

pub(crate) mod events;
mod rules;

pub(crate) use events::events;
#[cfg(test)]
mod tests;

pub use rules::Petitions;

use crate::obligation::Obligation;
use crate::{
    AccountId, BodyId, BodyKind, EventError, Locality, LocalizedText, LogIndex, PartialText, PetitionId, Pseudonym,
    Region, Timestamp, TopicCode,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use time::Date;

/// Maximum characters of a petition's title, per language.
pub const MAX_PETITION_TITLE_CHARS: usize = 200;
/// Maximum characters of a petition's text, per language.
pub const MAX_PETITION_TEXT_CHARS: usize = 5_000;
/// Maximum characters of an answer, per language.
pub const MAX_ANSWER_CHARS: usize = 4_000;
/// Maximum characters of the record of the public discussion, and of the head's statement.
pub const MAX_STATEMENT_CHARS: usize = 2_000;
/// Maximum characters of a moderator's or author's stated reason.
pub const MAX_REASON_CHARS: usize = 500;
/// The age from which a verified person may write and sign petitions. The server checks it
/// against the sealed profile (the log holds no birth dates), so an audit cannot re-check it.
pub const MIN_PETITION_AGE: u32 = 18;

/// The petitions' figures in the public summary ([`crate::PublicState`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PetitionsSummary {
    /// Petitions by status.
    #[serde(rename = "petitions")]
    pub by_status: BTreeMap<String, u64>,
    /// Valid signatures on all petitions.
    pub signatures: u64,
    /// Obligations by status (awaiting, answered, overdue).
    pub obligations: BTreeMap<String, u64>,
}

impl fmt::Display for PetitionsSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |m: &BTreeMap<String, u64>| {
            let parts: Vec<String> = m.iter().map(|(k, v)| format!("{k} {v}")).collect();
            if parts.is_empty() {
                "none".to_owned()
            } else {
                parts.join(", ")
            }
        };
        write!(
            f,
            "Petitions: {}; {} valid signatures; obligations: {}",
            join(&self.by_status),
            self.signatures,
            join(&self.obligations)
        )
    }
}

/// Which level of government a petition addresses; it decides the threshold and deadlines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The Government and central bodies (ministries, agencies).
    Government,
    OblastAkimat,
    OblastMaslikhat,
    /// Akimats of districts and towns (over 50,000 people, in Kazakhstan's rules).
    DistrictAkimat,
    DistrictMaslikhat,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Government,
        Level::OblastAkimat,
        Level::OblastMaslikhat,
        Level::DistrictAkimat,
        Level::DistrictMaslikhat,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Level::Government => "government",
            Level::OblastAkimat => "oblast_akimat",
            Level::OblastMaslikhat => "oblast_maslikhat",
            Level::DistrictAkimat => "district_akimat",
            Level::DistrictMaslikhat => "district_maslikhat",
        }
    }

    /// Central bodies answer within the longer, central deadline.
    pub fn is_central(&self) -> bool {
        matches!(self, Level::Government)
    }

    /// May a body of `kind` be addressed at this level?
    pub fn addresses(&self, kind: BodyKind) -> bool {
        match self {
            Level::Government => matches!(kind, BodyKind::Government | BodyKind::Ministry | BodyKind::Agency),
            Level::OblastAkimat | Level::DistrictAkimat => kind == BodyKind::Akimat,
            Level::OblastMaslikhat | Level::DistrictMaslikhat => kind == BodyKind::Maslikhat,
        }
    }

    /// The territory of a petition at this level to `body`: none for the Government; the
    /// body's own territory when the registry gives it one, so that a petition to the akimat
    /// of a district is signed by that district's residents whoever wrote it; otherwise, for a
    /// body registered without one, the author's region (or region and district) from `home`
    /// (refused if their locality names no district a district level needs).
    pub fn territory_for(&self, body: &crate::Body, home: &Locality) -> Result<Option<Locality>, EventError> {
        let territory = match (self, &body.territory) {
            (Level::Government, _) => None,
            (_, Some(served)) => Some(served.clone()),
            (Level::OblastAkimat | Level::OblastMaslikhat, None) => {
                Some(Locality { region: home.region, district: None })
            }
            (Level::DistrictAkimat | Level::DistrictMaslikhat, None) => Some(home.clone()),
        };
        if self.fits(territory.as_ref()) {
            Ok(territory)
        } else {
            Err(self.territory_shape_error())
        }
    }

    /// Does `territory` have the shape this level needs: none for the Government, a region
    /// for an oblast, a region and district for a district or town?
    pub fn fits(&self, territory: Option<&Locality>) -> bool {
        match (self, territory) {
            (Level::Government, None) => true,
            (Level::OblastAkimat | Level::OblastMaslikhat, Some(t)) => t.district.is_none(),
            (Level::DistrictAkimat | Level::DistrictMaslikhat, Some(t)) => t.district.is_some(),
            _ => false,
        }
    }
}

impl Level {
    /// The error for a territory of the wrong shape: none for the Government, a region for an
    /// oblast, a region and district below it.
    pub(crate) fn territory_shape_error(&self) -> EventError {
        let needs = match self {
            Level::Government => "no territory",
            Level::OblastAkimat | Level::OblastMaslikhat => "a region as its territory, e.g. `akmola`",
            _ => "a region and district as its territory, e.g. `akmola/kokshetau`",
        };
        EventError::TerritoryShape { level: self.as_str(), needs }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Level {
    type Err = EventError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| EventError::UnknownLevel { value: s.chars().take(40).collect() })
    }
}

/// How many signatures open an obligation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Threshold {
    /// A fixed number of signatures.
    Signatures(u64),
    /// A share of the territory's published population, in basis points (100 = 1%),
    /// rounded up to a whole signature.
    PopulationShare { basis_points: u16 },
}

impl Threshold {
    pub const MAX_SIGNATURES: u64 = 100_000_000;
}

/// The terms of one level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelRule {
    pub level: Level,
    pub threshold: Threshold,
    /// Calendar days a petition collects signatures after it is accepted.
    pub collection_days: u16,
    /// Working days the body has to answer once the threshold is reached.
    pub consideration_working_days: u16,
}

/// A population figure the share thresholds are computed from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Population {
    pub territory: Locality,
    pub people: u64,
}

/// A topic petitions are filed under, or a forbidden topic a moderator cites.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub code: TopicCode,
    pub name: LocalizedText,
}

/// The deployment's petition rules, from the latest `petition_rules.published`. A petition
/// takes the terms in force when it was last drafted and keeps them: a later change of rules
/// never applies to it retroactively.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PetitionRules {
    /// Supporters a launched petition needs (the author included) before it goes to moderation.
    pub initial_supporters: u32,
    /// Working days to gather them, else the petition expires.
    pub initial_window_working_days: u16,
    /// Working days moderators have to accept or reject.
    pub moderation_working_days: u16,
    /// One rule per level that may be petitioned; a level not listed cannot be.
    pub levels: Vec<LevelRule>,
    /// Population figures, one per territory at most.
    pub populations: Vec<Population>,
    pub topics: Vec<Topic>,
    /// The closed list of topics a petition may not address; moderators cite them when
    /// rejecting with the reason `forbidden_topic`.
    pub forbidden_topics: Vec<Topic>,
}

impl PetitionRules {
    pub const MAX_INITIAL_SUPPORTERS: u32 = 100_000;
    pub const MAX_WORKING_DAYS: u16 = 250;
    pub const MAX_COLLECTION_DAYS: u16 = 731;
    pub const MAX_LIST: usize = 200;

    pub fn level(&self, level: Level) -> Option<&LevelRule> {
        self.levels.iter().find(|l| l.level == level)
    }

    pub fn population(&self, territory: &Locality) -> Option<u64> {
        self.populations.iter().find(|p| &p.territory == territory).map(|p| p.people)
    }

    pub fn topic(&self, code: &TopicCode) -> Option<&Topic> {
        self.topics.iter().find(|t| &t.code == code)
    }

    pub fn forbidden_topic(&self, code: &TopicCode) -> Option<&Topic> {
        self.forbidden_topics.iter().find(|t| &t.code == code)
    }

    pub(crate) fn validate(&self) -> Result<(), EventError> {
        let range = |field: &'static str, value: u64, min: u64, max: u64| {
            if (min..=max).contains(&value) {
                Ok(())
            } else {
                Err(EventError::OutOfRange { field, value, min, max })
            }
        };
        range("initial_supporters", self.initial_supporters.into(), 1, Self::MAX_INITIAL_SUPPORTERS.into())?;
        let days = Self::MAX_WORKING_DAYS.into();
        range("initial_window_working_days", self.initial_window_working_days.into(), 1, days)?;
        range("moderation_working_days", self.moderation_working_days.into(), 1, days)?;
        if self.levels.is_empty() {
            return Err(EventError::EmptyField { field: "levels" });
        }
        for field in ["levels", "populations", "topics", "forbidden_topics"] {
            let len = match field {
                "levels" => self.levels.len(),
                "populations" => self.populations.len(),
                "topics" => self.topics.len(),
                _ => self.forbidden_topics.len(),
            };
            if len > Self::MAX_LIST {
                return Err(EventError::TooManyItems { field, max: Self::MAX_LIST, actual: len });
            }
        }
        for (i, l) in self.levels.iter().enumerate() {
            if self.levels[..i].iter().any(|o| o.level == l.level) {
                return Err(EventError::DuplicateItem { field: "levels", item: l.level.to_string() });
            }
            match l.threshold {
                Threshold::Signatures(n) => range("threshold.signatures", n, 1, Threshold::MAX_SIGNATURES)?,
                Threshold::PopulationShare { .. } if l.level == Level::Government => {
                    // A Government petition has no territory, so no population to take a share of.
                    return Err(EventError::ShareWithoutTerritory { level: l.level.as_str() });
                }
                Threshold::PopulationShare { basis_points } => {
                    range("threshold.population_share.basis_points", basis_points.into(), 1, 10_000)?
                }
            }
            range("collection_days", l.collection_days.into(), 1, Self::MAX_COLLECTION_DAYS.into())?;
            range("consideration_working_days", l.consideration_working_days.into(), 1, days)?;
        }
        for (i, p) in self.populations.iter().enumerate() {
            if self.populations[..i].iter().any(|o| o.territory == p.territory) {
                return Err(EventError::DuplicateItem { field: "populations", item: p.territory.to_string() });
            }
            range("populations.people", p.people, 1, 1_000_000_000)?;
        }
        for (field, list) in [("topics", &self.topics), ("forbidden_topics", &self.forbidden_topics)] {
            for (i, t) in list.iter().enumerate() {
                t.name.validate(crate::text::TextUse::Name)?;
                let clash = list[..i].iter().any(|o| o.code == t.code)
                    || (field == "forbidden_topics" && self.topics.iter().any(|o| o.code == t.code));
                if clash {
                    return Err(EventError::DuplicateItem { field, item: t.code.to_string() });
                }
            }
        }
        if self.topics.is_empty() {
            return Err(EventError::EmptyField { field: "topics" });
        }
        Ok(())
    }
}

/// Where a petition is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PetitionStatus {
    /// Written, not launched; the author may still change it.
    Draft,
    /// Launched and reachable by link only, gathering its initial supporters.
    Gathering,
    /// Enough supporters; waiting for a moderator.
    Moderation,
    /// Accepted and public, collecting signatures until its window ends.
    Open,
    /// The collection window ended.
    Closed,
    /// A moderator rejected it, with a coded reason.
    Rejected,
    /// The author withdrew it before the threshold.
    Withdrawn,
    /// It did not gather its initial supporters in time.
    Expired,
}

impl PetitionStatus {
    pub const ALL: [PetitionStatus; 8] = [
        PetitionStatus::Draft,
        PetitionStatus::Gathering,
        PetitionStatus::Moderation,
        PetitionStatus::Open,
        PetitionStatus::Closed,
        PetitionStatus::Rejected,
        PetitionStatus::Withdrawn,
        PetitionStatus::Expired,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            PetitionStatus::Draft => "draft",
            PetitionStatus::Gathering => "gathering",
            PetitionStatus::Moderation => "moderation",
            PetitionStatus::Open => "open",
            PetitionStatus::Closed => "closed",
            PetitionStatus::Rejected => "rejected",
            PetitionStatus::Withdrawn => "withdrawn",
            PetitionStatus::Expired => "expired",
        }
    }

    /// Listed and searchable (drafts and petitions still gathering are reachable by link only).
    pub fn is_public(&self) -> bool {
        !matches!(self, PetitionStatus::Draft | PetitionStatus::Gathering)
    }
}

impl fmt::Display for PetitionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for PetitionStatus {
    type Err = EventError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PetitionStatus::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| EventError::UnknownStatus { value: s.chars().take(40).collect() })
    }
}

/// Why a moderator rejected a petition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectionReason {
    /// It addresses a topic on the published forbidden list (named in `forbidden_topic`).
    ForbiddenTopic,
    /// The same demand is already petitioned (named in `duplicate_of`).
    Duplicate,
    /// The addressed body cannot decide it.
    NotWithinCompetence,
    /// Insults, obscenity, calls to violence or discrimination.
    Offensive,
    /// No clear demand a body could answer.
    Unclear,
}

impl RejectionReason {
    pub const ALL: [RejectionReason; 5] = [
        RejectionReason::ForbiddenTopic,
        RejectionReason::Duplicate,
        RejectionReason::NotWithinCompetence,
        RejectionReason::Offensive,
        RejectionReason::Unclear,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            RejectionReason::ForbiddenTopic => "forbidden_topic",
            RejectionReason::Duplicate => "duplicate",
            RejectionReason::NotWithinCompetence => "not_within_competence",
            RejectionReason::Offensive => "offensive",
            RejectionReason::Unclear => "unclear",
        }
    }
}

impl std::str::FromStr for RejectionReason {
    type Err = EventError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RejectionReason::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| EventError::UnknownReason { value: s.chars().take(40).collect() })
    }
}

/// The terms a petition took from the rules in force when it was drafted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Terms {
    /// Signatures that open an obligation.
    pub threshold: u64,
    pub collection_days: u16,
    pub consideration_working_days: u16,
    pub initial_supporters: u32,
    pub initial_window_working_days: u16,
    pub moderation_working_days: u16,
    /// The `petition_rules.published` entry they come from.
    pub rules_index: LogIndex,
}

/// One step of a petition's life: which event moved it, when, and who acted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// The event type, e.g. `petition.accepted`.
    pub event: String,
    pub status: PetitionStatus,
    /// The staff member who acted; omitted when the author acted or the rules did (a deadline
    /// passed or a count was reached).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<AccountId>,
    pub at: Timestamp,
    pub index: LogIndex,
}

/// A staff member's decision on one petition, which its author must never make: nobody judges
/// their own cause (see [`Petition::check_conflict_of_interest`]).
///
/// Not staff acts: `petition.withdrawn` is the author's own act and stays theirs, and signing
/// is a citizen's act that staff keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StaffAct {
    /// `petition.accepted`.
    Accept,
    /// `petition.rejected`.
    Reject,
    /// `signature.invalidated`, and dismissing a flag on a signature (kept off the log): which
    /// signatures of the petition count.
    ReviewSignatures,
    /// `obligation.answered`: the answer published on the body's behalf.
    Answer,
}

impl StaffAct {
    /// What the act does, as in "you may not accept it".
    pub fn what(&self) -> &'static str {
        match self {
            StaffAct::Accept => "accept it",
            StaffAct::Reject => "reject it",
            StaffAct::ReviewSignatures => "review its signatures",
            StaffAct::Answer => "answer it",
        }
    }

    /// Who else may do it.
    pub fn left_to(&self) -> &'static str {
        match self {
            StaffAct::Accept | StaffAct::Reject | StaffAct::ReviewSignatures => "another moderator",
            StaffAct::Answer => "another official or the head of the body",
        }
    }
}

/// A moderator's rejection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    pub reason: RejectionReason,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forbidden_topic: Option<TopicCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<PetitionId>,
    pub comment: String,
    pub by: AccountId,
}

/// A petition in the public state (its signatures are kept apart, one row each).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Petition {
    pub id: PetitionId,
    /// The author's pseudonym for this petition (their signature carries the same one).
    pub author: Pseudonym,
    pub body: BodyId,
    pub level: Level,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub territory: Option<Locality>,
    pub topic: TopicCode,
    pub title: PartialText,
    pub text: PartialText,
    pub terms: Terms,
    pub status: PetitionStatus,
    /// Valid signatures: signed minus invalidated.
    pub signatures: u64,
    pub invalidated: u64,
    /// Valid signatures by the signer's region; regions without any are omitted.
    pub by_region: BTreeMap<Region, u64>,
    pub drafted_at: Timestamp,
    /// Index of the first `petition.drafted`.
    pub index: LogIndex,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gathering_ends_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::dates::optional")]
    pub moderation_due: Option<Date>,
    /// When the rules recorded that moderators missed `moderation_due`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moderation_overdue_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold_reached_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection: Option<Rejection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal_reason: Option<String>,
    pub transitions: Vec<Transition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obligation: Option<Obligation>,
}

impl Petition {
    /// Share of the threshold reached, in whole percent, capped at 100.
    pub fn progress_percent(&self) -> u8 {
        let t = self.terms.threshold.max(1);
        (self.signatures.saturating_mul(100) / t).min(100) as u8
    }

    /// When it first became public (accepted by a moderator).
    pub fn opened_at(&self) -> Option<Timestamp> {
        self.transitions.iter().find(|t| t.status == PetitionStatus::Open).map(|t| t.at)
    }
}

/// A signer's pseudonym packed into 34 bytes, so a million signatures fit in little memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct SignerKey {
    version: u16,
    digest: [u8; 32],
}

impl SignerKey {
    pub(crate) fn of(p: &Pseudonym) -> SignerKey {
        let s = p.as_str();
        let mut digest = [0u8; 32];
        // A parsed pseudonym always ends in 64 lowercase hex digits.
        let hex_part = &s[s.len() - 64..];
        if hex::decode_to_slice(hex_part, &mut digest).is_err() {
            unreachable!("pseudonyms are checked to end in 64 hex digits");
        }
        SignerKey { version: p.version(), digest }
    }

    pub(crate) fn pseudonym(&self) -> Pseudonym {
        match Pseudonym::from_digest(self.version, &self.digest) {
            Ok(p) => p,
            Err(e) => unreachable!("a signer key comes from a valid pseudonym: {e}"),
        }
    }
}

/// What the state keeps of one signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SignatureFact {
    pub(crate) region: Region,
    pub(crate) signed_at: Timestamp,
    pub(crate) index: LogIndex,
    pub(crate) invalidated: bool,
}

/// A moderator's invalidation of one signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invalidation {
    pub by: AccountId,
    pub reason: String,
    pub at: Timestamp,
    pub index: LogIndex,
}

/// One signature, as its projection row and the signer's receipt show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    pub petition: PetitionId,
    pub signer: Pseudonym,
    pub region: Region,
    pub signed_at: Timestamp,
    /// The log index of the `petition.signed` entry: its inclusion proof is the receipt's proof.
    pub index: LogIndex,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalidation: Option<Invalidation>,
}

/// The published rules with where they were published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedRules {
    pub rules: PetitionRules,
    pub published_at: Timestamp,
    pub index: LogIndex,
}

/// Kazakhstan's reference rules (see the brief): moderation within 20 working days, 50
/// initial supporters within 10 working days, 50,000 signatures for the Government, 1% / 2% of
/// the population for an oblast's akimat / maslikhat, 2,500 / 5,000 for a district's or
/// town's, and 40 (central) or 20 (local) working days to answer. The collection window is not
/// fixed by those rules; 90 days is this deployment default.
pub fn kazakhstan_rules(
    populations: Vec<Population>,
    topics: Vec<Topic>,
    forbidden_topics: Vec<Topic>,
) -> PetitionRules {
    let level = |level, threshold, consideration_working_days| LevelRule {
        level,
        threshold,
        collection_days: 90,
        consideration_working_days,
    };
    PetitionRules {
        initial_supporters: 50,
        initial_window_working_days: 10,
        moderation_working_days: 20,
        levels: vec![
            level(Level::Government, Threshold::Signatures(50_000), 40),
            level(Level::OblastAkimat, Threshold::PopulationShare { basis_points: 100 }, 20),
            level(Level::OblastMaslikhat, Threshold::PopulationShare { basis_points: 200 }, 20),
            level(Level::DistrictAkimat, Threshold::Signatures(2_500), 20),
            level(Level::DistrictMaslikhat, Threshold::Signatures(5_000), 20),
        ],
        populations,
        topics,
        forbidden_topics,
    }
}
