//! Errors. Each has a stable machine `code()` (used in HTTP problem details and by clients to
//! pick a translated message) and an English `Display` that says what to change.

use crate::{LogIndex, Timestamp};
use thiserror::Error;

/// An event whose fields are invalid on their own, whatever the state.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum EventError {
    #[error("the {lang} translation of `{field}` is empty; all three translations (kk, ru, en) are required")]
    EmptyText { field: &'static str, lang: &'static str },
    #[error("the {lang} translation of `{field}` has {actual} characters; at most {max} are allowed")]
    TextTooLong { field: &'static str, lang: &'static str, max: usize, actual: usize },
    #[error("the {lang} translation of `{field}` contains a control character (U+{code:04X}); {allowed}")]
    ControlCharacter { field: &'static str, lang: &'static str, code: u32, allowed: &'static str },
    #[error(
        "`{value}` is not a valid identifier: use 1 to 64 characters a-z, 0-9 and '-', starting with a letter or digit"
    )]
    InvalidId { value: String },
    #[error("unknown language `{0}`; expected one of kk, ru, en")]
    UnknownLang(String),
    #[error("utc_offset_minutes {0} is out of range; expected -720..=840")]
    UtcOffsetOutOfRange(i16),
    #[error("calendar year {0} is out of range; expected 2000..=2100")]
    YearOutOfRange(u16),
    #[error("`{0}` is not a valid date; expected YYYY-MM-DD")]
    InvalidDate(String),
    #[error("{date} in `{field}` is not in the calendar year {year}")]
    DateOutsideYear { field: &'static str, date: String, year: u16 },
    #[error("`{field}` must be sorted ascending without repeats; {date} is out of order or repeated")]
    DatesNotSortedUnique { field: &'static str, date: String },
    #[error("{0} is listed as a transferred working day but is not a Saturday or Sunday")]
    TransferredNotWeekend(String),
    #[error("{0} is listed both as a holiday and as a transferred working day")]
    CalendarConflict(String),
    #[error("the event would encode to {bytes} bytes; an entry may have at most {max} bytes — shorten the texts")]
    TooLarge { bytes: usize, max: usize },
    #[error("`{field}` is empty")]
    EmptyField { field: &'static str },
    #[error("`{field}` has {actual} characters; at most {max} are allowed")]
    FieldTooLong { field: &'static str, max: usize, actual: usize },
    #[error("`{field}` contains a control character (U+{code:04X}); write it on one line")]
    ControlCharacterIn { field: &'static str, code: u32 },
    #[error("`{value}` is not a pseudonym; expected ps<key version>-<64 lowercase hex digits>")]
    InvalidPseudonym { value: String },
    #[error("`{value}` is not a SHA-256 digest; expected 64 lowercase hex digits")]
    InvalidDigest { value: String },
    #[error("`{value}` is not a region code; expected one of abai, akmola, aktobe, almaty-region, atyrau, east-kazakhstan, jambyl, jetisu, karaganda, kostanay, kyzylorda, mangystau, north-kazakhstan, pavlodar, turkistan, ulytau, west-kazakhstan, astana, almaty-city, shymkent")]
    UnknownRegion { value: String },
    #[error("`{value}` is not a role; expected citizen, moderator, official, head, auditor or administrator")]
    UnknownRole { value: String },
    #[error("the role `{role}` acts for a body: give `body`")]
    BodyRequired { role: &'static str },
    #[error("the role `{role}` does not belong to a body: omit `body`")]
    BodyNotAllowed { role: &'static str },
    #[error("verification by `{method}` is an administrator's act: give `by`")]
    AdministratorRequired { method: &'static str },
    #[error("verification by an identity provider names no administrator: omit `by`")]
    AdministratorNotAllowed,
    #[error("a disclosure delay of {days} days is too long; at most {max}")]
    DisclosureDelayTooLong { days: u16, max: u16 },
    #[error("the legal basis `{code}` is listed twice")]
    DuplicateBasis { code: String },
    #[error("key versions start at 1")]
    KeyVersionZero,
    #[error("the {lang} text of `{field}` is blank; leave a language out rather than empty")]
    BlankTranslation { field: &'static str, lang: &'static str },
    #[error("`{value}` is not a petition level; expected government, oblast_akimat, oblast_maslikhat, district_akimat or district_maslikhat")]
    UnknownLevel { value: String },
    #[error("`{value}` is not a petition status")]
    UnknownStatus { value: String },
    #[error("`{value}` is not a rejection reason; expected forbidden_topic, duplicate, not_within_competence, offensive or unclear")]
    UnknownReason { value: String },
    #[error("`{value}` is not a decision; expected supported, partially_supported or not_supported")]
    UnknownDecision { value: String },
    #[error("`{field}` is {value}; expected {min}..={max}")]
    OutOfRange { field: &'static str, value: u64, min: u64, max: u64 },
    #[error("`{field}` lists {actual} items; at most {max} are allowed")]
    TooManyItems { field: &'static str, max: usize, actual: usize },
    #[error("`{item}` appears twice in `{field}`")]
    DuplicateItem { field: &'static str, item: String },
    #[error("a petition to the level `{level}` needs {needs}")]
    TerritoryShape { level: &'static str, needs: &'static str },
    #[error("the level `{level}` has no territory, so its threshold cannot be a share of a population; give a number of signatures")]
    ShareWithoutTerritory { level: &'static str },
    #[error("`forbidden_topic` goes with the reason forbidden_topic only, and `duplicate_of` with duplicate only")]
    RejectionShape,
    #[error("{} shows nothing: it has only spaces and invisible characters; write it in visible letters", subject(.field, *.lang))]
    InvisibleText { field: &'static str, lang: Option<&'static str> },
    #[error("{} contains U+{code:04X}, an invisible character that changes the direction of the text around it; remove it", subject(.field, *.lang))]
    BidiControl { field: &'static str, lang: Option<&'static str>, code: u32 },
}

/// "the kk translation of `title`", or "`reason`" for a text in no particular language.
fn subject(field: &str, lang: Option<&str>) -> String {
    match lang {
        Some(lang) => format!("the {lang} translation of `{field}`"),
        None => format!("`{field}`"),
    }
}

impl EventError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            EventError::EmptyText { .. } => "empty_text",
            EventError::TextTooLong { .. } => "text_too_long",
            EventError::ControlCharacter { .. } => "control_character",
            EventError::InvalidId { .. } => "invalid_id",
            EventError::UnknownLang(_) => "unknown_lang",
            EventError::UtcOffsetOutOfRange(_) => "utc_offset_out_of_range",
            EventError::YearOutOfRange(_) => "year_out_of_range",
            EventError::InvalidDate(_) => "invalid_date",
            EventError::DateOutsideYear { .. } => "date_outside_year",
            EventError::DatesNotSortedUnique { .. } => "dates_not_sorted_unique",
            EventError::TransferredNotWeekend(_) => "transferred_not_weekend",
            EventError::CalendarConflict(_) => "calendar_conflict",
            EventError::TooLarge { .. } => "event_too_large",
            EventError::EmptyField { .. } => "empty_field",
            EventError::FieldTooLong { .. } => "field_too_long",
            EventError::ControlCharacterIn { .. } => "control_character",
            EventError::InvalidPseudonym { .. } => "invalid_pseudonym",
            EventError::InvalidDigest { .. } => "invalid_digest",
            EventError::UnknownRegion { .. } => "unknown_region",
            EventError::UnknownRole { .. } => "unknown_role",
            EventError::BodyRequired { .. } => "body_required",
            EventError::BodyNotAllowed { .. } => "body_not_allowed",
            EventError::AdministratorRequired { .. } => "administrator_required",
            EventError::AdministratorNotAllowed => "administrator_not_allowed",
            EventError::DisclosureDelayTooLong { .. } => "disclosure_delay_too_long",
            EventError::DuplicateBasis { .. } => "duplicate_basis",
            EventError::KeyVersionZero => "key_version_zero",
            EventError::BlankTranslation { .. } => "blank_translation",
            EventError::UnknownLevel { .. } => "unknown_level",
            EventError::UnknownStatus { .. } => "unknown_status",
            EventError::UnknownReason { .. } => "unknown_reason",
            EventError::UnknownDecision { .. } => "unknown_decision",
            EventError::OutOfRange { .. } => "out_of_range",
            EventError::TooManyItems { .. } => "too_many_items",
            EventError::DuplicateItem { .. } => "duplicate_item",
            EventError::TerritoryShape { .. } => "territory_shape",
            EventError::RejectionShape => "rejection_shape",
            EventError::ShareWithoutTerritory { .. } => "share_without_territory",
            EventError::InvisibleText { .. } => "invisible_text",
            EventError::BidiControl { .. } => "bidi_control",
        }
    }
}

/// Bytes that are not a valid, canonical log entry.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum DecodeError {
    #[error("entry is {len} bytes; at most {max} are allowed")]
    TooLong { len: usize, max: usize },
    #[error("entry is not valid UTF-8 (at byte {valid_up_to})")]
    InvalidUtf8 { valid_up_to: usize },
    #[error("entry is not valid JSON: {0}")]
    InvalidJson(String),
    #[error("{context} must be a JSON object")]
    NotAnObject { context: &'static str },
    #[error("`{field}` is a non-integer number; only integers are allowed in entries")]
    NonIntegerNumber { field: String },
    #[error("unsupported entry version `{0}`; this software reads version 1")]
    UnsupportedVersion(String),
    #[error("unknown event type `{0}`")]
    UnknownEventType(String),
    #[error("unknown field `{field}` in {context}")]
    UnknownField { field: String, context: String },
    #[error("missing field `{field}` in {context}")]
    MissingField { field: &'static str, context: String },
    #[error("invalid value in {context}: {reason}")]
    InvalidValue { context: String, reason: String },
    #[error("invalid event: {0}")]
    InvalidEvent(#[from] EventError),
    #[error("timestamp {0} is beyond 9999-12-31T23:59:59.999Z")]
    TimestampOutOfRange(u64),
    #[error("entry is not in canonical form (check whitespace, key order, duplicate keys, string escapes and number format; see SPEC.md)")]
    NonCanonical,
}

impl DecodeError {
    /// Stable machine-readable code. Invalid events report the [`EventError`] code.
    pub fn code(&self) -> &'static str {
        match self {
            DecodeError::TooLong { .. } => "entry_too_long",
            DecodeError::InvalidUtf8 { .. } => "invalid_utf8",
            DecodeError::InvalidJson(_) => "invalid_json",
            DecodeError::NotAnObject { .. } => "not_an_object",
            DecodeError::NonIntegerNumber { .. } => "non_integer_number",
            DecodeError::UnsupportedVersion(_) => "unsupported_version",
            DecodeError::UnknownEventType(_) => "unknown_event_type",
            DecodeError::UnknownField { .. } => "unknown_field",
            DecodeError::MissingField { .. } => "missing_field",
            DecodeError::InvalidValue { .. } => "invalid_field_value",
            DecodeError::InvalidEvent(e) => e.code(),
            DecodeError::TimestampOutOfRange(_) => "timestamp_out_of_range",
            DecodeError::NonCanonical => "non_canonical",
        }
    }
}

/// An event or entry refused by the rules, or projection rows that do not form a state.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum RuleError {
    #[error(transparent)]
    InvalidEvent(#[from] EventError),
    #[error("entry index {got} is not the next one; expected {expected}")]
    WrongIndex { expected: LogIndex, got: LogIndex },
    #[error("timestamp {got} is earlier than the last entry's {last}; timestamps must not go backwards")]
    TimestampRegression { last: Timestamp, got: Timestamp },
    #[error("timestamp {0:?} is beyond 9999-12-31T23:59:59.999Z")]
    TimestampOutOfRange(Timestamp),
    #[error("body `{0}` is already registered; choose another id")]
    BodyExists(String),
    #[error("parent body `{0}` is not registered; register it first")]
    UnknownParent(String),
    #[error("notice `{0}` is already published; choose another id")]
    NoticeExists(String),
    #[error("projection row `{key}` is invalid: {reason}")]
    InvalidRow { key: String, reason: String },
    #[error("body `{0}` is not registered")]
    UnknownBody(String),
    #[error("person `{0}` is already verified: one national identifier, one verified person")]
    PersonAlreadyVerified(String),
    #[error("person `{0}` is not verified")]
    PersonNotVerified(String),
    #[error("account `{0}` is not an administrator, so it cannot do this")]
    NotAdministrator(String),
    #[error("an administrator exists, so this act must name the administrator in `by`")]
    AdministratorExists,
    #[error("account `{account}` already holds the role `{role}`{}", body_suffix(.body))]
    GrantExists { account: String, role: &'static str, body: Option<String> },
    #[error("account `{account}` does not hold the role `{role}`{}", body_suffix(.body))]
    GrantMissing { account: String, role: &'static str, body: Option<String> },
    #[error("account `{0}` is the last administrator; grant the role to another account first")]
    LastAdministrator(String),
    #[error("account `{official}` is not an official or head of body `{body}`")]
    NotOfficialOfBody { official: String, body: String },
    #[error("no legal bases are published yet; publish them with access_bases.published")]
    NoAccessBases,
    #[error("`{0}` is not a published legal basis")]
    UnknownBasis(String),
    #[error("version {got} of the {key} key is not newer than the current version {current}")]
    KeyVersionNotNewer { key: &'static str, current: u16, got: u16 },
    #[error("no petition rules are published yet; publish them with petition_rules.published")]
    NoPetitionRules,
    #[error("the petition rules in force do not allow petitions to the level `{0}`")]
    LevelNotPetitionable(&'static str),
    #[error("body `{body}` is a {kind} and cannot be addressed at the level `{level}`")]
    BodyNotAtLevel { body: String, kind: &'static str, level: &'static str },
    #[error("`{0}` is not a topic in the petition rules in force")]
    UnknownTopic(String),
    #[error("`{0}` is not a forbidden topic in the petition rules in force")]
    UnknownForbiddenTopic(String),
    #[error("the petition rules have no population figure for `{0}`, which the threshold is a share of")]
    NoPopulation(String),
    #[error("petition `{0}` does not exist")]
    UnknownPetition(String),
    #[error("only the author of petition `{0}` may do this")]
    NotAuthor(String),
    #[error("petition `{petition}` is {status}; this needs it to be {needed}")]
    PetitionStatus { petition: String, status: &'static str, needed: &'static str },
    #[error("this person has already signed petition `{0}`: one person, one signature")]
    AlreadySigned(String),
    #[error("petition `{petition}` is for {territory}; signers from {region} cannot sign it")]
    OutsideTerritory { petition: String, territory: String, region: String },
    #[error("the signing window of petition `{0}` has ended")]
    WindowEnded(String),
    #[error("{what} is not due before {due}")]
    NotYetDue { what: &'static str, due: Timestamp },
    #[error("`{field}` is {got}; the rules give {expected}")]
    RuleMismatch { field: &'static str, expected: String, got: String },
    #[error("petition `{petition}` has {have} supporters; {need} are needed")]
    SupportersMissing { petition: String, have: u64, need: u64 },
    #[error("account `{0}` is not a moderator")]
    NotModerator(String),
    #[error("petition `{0}` has reached its threshold, so it can no longer be withdrawn")]
    ThresholdReached(String),
    #[error("petition `{0}` has not reached its threshold")]
    ThresholdNotReached(String),
    #[error("no signature of `{signer}` on petition `{petition}`")]
    UnknownSignature { petition: String, signer: String },
    #[error("the signature of `{signer}` on petition `{petition}` is already invalidated")]
    AlreadyInvalidated { petition: String, signer: String },
    #[error("petition `{0}` has no obligation")]
    NoObligation(String),
    #[error("petition `{0}` already has its obligation")]
    ObligationExists(String),
    #[error("the obligation of petition `{0}` is already answered")]
    AlreadyAnswered(String),
    #[error("petition `{0}` (its moderation or its obligation) is already marked overdue")]
    AlreadyOverdue(String),
    #[error(
        "you wrote petition `{petition}`, so you may not {}: an author never decides on their own petition; leave it to {}",
        .act,
        .left_to
    )]
    ConflictOfInterest { petition: String, act: &'static str, left_to: &'static str },
}

fn body_suffix(body: &Option<String>) -> String {
    body.as_ref().map(|b| format!(" in body `{b}`")).unwrap_or_default()
}

impl RuleError {
    /// Stable machine-readable code. Invalid events report the [`EventError`] code.
    pub fn code(&self) -> &'static str {
        match self {
            RuleError::InvalidEvent(e) => e.code(),
            RuleError::WrongIndex { .. } => "wrong_index",
            RuleError::TimestampRegression { .. } => "timestamp_regression",
            RuleError::TimestampOutOfRange(_) => "timestamp_out_of_range",
            RuleError::BodyExists(_) => "body_exists",
            RuleError::UnknownParent(_) => "unknown_parent",
            RuleError::NoticeExists(_) => "notice_exists",
            RuleError::InvalidRow { .. } => "invalid_row",
            RuleError::UnknownBody(_) => "unknown_body",
            RuleError::PersonAlreadyVerified(_) => "person_already_verified",
            RuleError::PersonNotVerified(_) => "person_not_verified",
            RuleError::NotAdministrator(_) => "not_administrator",
            RuleError::AdministratorExists => "administrator_exists",
            RuleError::GrantExists { .. } => "grant_exists",
            RuleError::GrantMissing { .. } => "grant_missing",
            RuleError::LastAdministrator(_) => "last_administrator",
            RuleError::NotOfficialOfBody { .. } => "not_official_of_body",
            RuleError::NoAccessBases => "no_access_bases",
            RuleError::UnknownBasis(_) => "unknown_basis",
            RuleError::KeyVersionNotNewer { .. } => "key_version_not_newer",
            RuleError::NoPetitionRules => "no_petition_rules",
            RuleError::LevelNotPetitionable(_) => "level_not_petitionable",
            RuleError::BodyNotAtLevel { .. } => "body_not_at_level",
            RuleError::UnknownTopic(_) => "unknown_topic",
            RuleError::UnknownForbiddenTopic(_) => "unknown_forbidden_topic",
            RuleError::NoPopulation(_) => "no_population_figure",
            RuleError::UnknownPetition(_) => "unknown_petition",
            RuleError::NotAuthor(_) => "not_author",
            RuleError::PetitionStatus { .. } => "petition_status",
            RuleError::AlreadySigned(_) => "already_signed",
            RuleError::OutsideTerritory { .. } => "outside_territory",
            RuleError::WindowEnded(_) => "window_ended",
            RuleError::NotYetDue { .. } => "not_yet_due",
            RuleError::RuleMismatch { .. } => "rule_mismatch",
            RuleError::SupportersMissing { .. } => "supporters_missing",
            RuleError::NotModerator(_) => "not_moderator",
            RuleError::ThresholdReached(_) => "threshold_reached",
            RuleError::ThresholdNotReached(_) => "threshold_not_reached",
            RuleError::UnknownSignature { .. } => "unknown_signature",
            RuleError::AlreadyInvalidated { .. } => "already_invalidated",
            RuleError::NoObligation(_) => "no_obligation",
            RuleError::ObligationExists(_) => "obligation_exists",
            RuleError::AlreadyAnswered(_) => "already_answered",
            RuleError::AlreadyOverdue(_) => "already_overdue",
            RuleError::ConflictOfInterest { .. } => "conflict_of_interest",
        }
    }
}

impl RuleError {
    /// Refuses a deadline event before its deadline.
    pub(crate) fn unless_due(what: &'static str, deadline: Option<Timestamp>, at: Timestamp) -> Result<(), RuleError> {
        match deadline {
            Some(d) if at >= d => Ok(()),
            Some(d) => Err(RuleError::NotYetDue { what, due: d }),
            None => Err(RuleError::NotYetDue { what, due: Timestamp::MAX }),
        }
    }

    /// Refuses a rule-required event whose stated decision differs from the rules'.
    pub(crate) fn unless_equal<T: PartialEq + std::fmt::Debug>(
        field: &'static str,
        expected: T,
        got: T,
    ) -> Result<(), RuleError> {
        if expected == got {
            Ok(())
        } else {
            Err(RuleError::RuleMismatch { field, expected: format!("{expected:?}"), got: format!("{got:?}") })
        }
    }
}
