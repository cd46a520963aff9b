//! Errors. Each has a stable machine `code()`, kebab-case like every error code of Dauys
//! (`already-signed`; used in HTTP problem details and by clients to pick a translated
//! message), and an English `Display` that says what to change.

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
    #[error("act_rule {got} is not a version of the rule on signed acts; expected 1..={latest}")]
    UnknownActRule { got: u16, latest: u16 },
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
    #[error("a public appeal carries its texts and no `sealed` commitment; a private one only `sealed` (and no files, which it seals)")]
    VisibilityShape,
    #[error("`{value}` is not a known {what}")]
    UnknownCode { what: &'static str, value: String },
    #[error("`{field}` must be sorted ascending without repeats; `{item}` is out of order or repeated")]
    NotSortedUnique { field: &'static str, item: String },
    #[error("body `{0}` cannot be its own successor")]
    SuccessorIsItself(String),
    #[error("a split needs at least two successors; to move everything to one body, abolish or merge")]
    TooFewSuccessors,
    #[error("`{0}` is not one of the split's successors")]
    NotASuccessor(String),
    #[error("`cases` goes with the rule `named` only")]
    CasesWithoutNamedRule,
    #[error("{} contains U+{code:04X}, an invisible character that changes the direction of the text around it; remove it", subject(.field, *.lang))]
    BidiControl { field: &'static str, lang: Option<&'static str>, code: u32 },
    #[error("invalid signing key: {reason}")]
    InvalidSignerKey { reason: String },
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
            EventError::EmptyText { .. } => "empty-text",
            EventError::TextTooLong { .. } => "text-too-long",
            EventError::ControlCharacter { .. } => "control-character",
            EventError::InvalidId { .. } => "invalid-id",
            EventError::InvalidSignerKey { .. } => "invalid-signer-key",
            EventError::UnknownLang(_) => "unknown-lang",
            EventError::UtcOffsetOutOfRange(_) => "utc-offset-out-of-range",
            EventError::UnknownActRule { .. } => "unknown-act-rule",
            EventError::YearOutOfRange(_) => "year-out-of-range",
            EventError::InvalidDate(_) => "invalid-date",
            EventError::DateOutsideYear { .. } => "date-outside-year",
            EventError::DatesNotSortedUnique { .. } => "dates-not-sorted-unique",
            EventError::TransferredNotWeekend(_) => "transferred-not-weekend",
            EventError::CalendarConflict(_) => "calendar-conflict",
            EventError::TooLarge { .. } => "event-too-large",
            EventError::EmptyField { .. } => "empty-field",
            EventError::FieldTooLong { .. } => "field-too-long",
            EventError::ControlCharacterIn { .. } => "control-character",
            EventError::InvalidPseudonym { .. } => "invalid-pseudonym",
            EventError::InvalidDigest { .. } => "invalid-digest",
            EventError::UnknownRegion { .. } => "unknown-region",
            EventError::UnknownRole { .. } => "unknown-role",
            EventError::BodyRequired { .. } => "body-required",
            EventError::BodyNotAllowed { .. } => "body-not-allowed",
            EventError::AdministratorRequired { .. } => "administrator-required",
            EventError::AdministratorNotAllowed => "administrator-not-allowed",
            EventError::DisclosureDelayTooLong { .. } => "disclosure-delay-too-long",
            EventError::DuplicateBasis { .. } => "duplicate-basis",
            EventError::KeyVersionZero => "key-version-zero",
            EventError::BlankTranslation { .. } => "blank-translation",
            EventError::UnknownLevel { .. } => "unknown-level",
            EventError::UnknownStatus { .. } => "unknown-status",
            EventError::UnknownReason { .. } => "unknown-reason",
            EventError::UnknownDecision { .. } => "unknown-decision",
            EventError::OutOfRange { .. } => "out-of-range",
            EventError::TooManyItems { .. } => "too-many-items",
            EventError::DuplicateItem { .. } => "duplicate-item",
            EventError::TerritoryShape { .. } => "territory-shape",
            EventError::RejectionShape => "rejection-shape",
            EventError::ShareWithoutTerritory { .. } => "share-without-territory",
            EventError::InvisibleText { .. } => "invisible-text",
            EventError::BidiControl { .. } => "bidi-control",
            EventError::NotSortedUnique { .. } => "not-sorted-unique",
            EventError::VisibilityShape => "visibility-shape",
            EventError::UnknownCode { .. } => "unknown-code",
            EventError::SuccessorIsItself(_) => "successor-is-itself",
            EventError::TooFewSuccessors => "too-few-successors",
            EventError::NotASuccessor(_) => "not-a-successor",
            EventError::CasesWithoutNamedRule => "cases-without-named-rule",
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
            DecodeError::TooLong { .. } => "entry-too-long",
            DecodeError::InvalidUtf8 { .. } => "invalid-utf8",
            DecodeError::InvalidJson(_) => "invalid-json",
            DecodeError::NotAnObject { .. } => "not-an-object",
            DecodeError::NonIntegerNumber { .. } => "non-integer-number",
            DecodeError::UnsupportedVersion(_) => "unsupported-version",
            DecodeError::UnknownEventType(_) => "unknown-event-type",
            DecodeError::UnknownField { .. } => "unknown-field",
            DecodeError::MissingField { .. } => "missing-field",
            DecodeError::InvalidValue { .. } => "invalid-field-value",
            DecodeError::InvalidEvent(e) => e.code(),
            DecodeError::TimestampOutOfRange(_) => "timestamp-out-of-range",
            DecodeError::NonCanonical => "non-canonical",
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
    #[error("body `{0}` was closed by a reorganisation; address its successor")]
    BodyClosed(String),
    #[error("body `{0}` is open; its cases stay with it")]
    BodyOpen(String),
    #[error("no appeal rules are published yet; publish them with appeal_rules.published")]
    NoAppealRules,
    #[error("appeal `{0}` already exists; choose another id")]
    AppealExists(String),
    #[error("appeal `{0}` does not exist")]
    UnknownAppeal(String),
    #[error("`{0}` is not a topic in the appeal rules in force")]
    UnknownAppealTopic(String),
    #[error("appeal `{appeal}` is {status}; this needs it to be {needed}")]
    AppealStatus { appeal: String, status: &'static str, needed: &'static str },
    #[error("only the applicant of appeal `{0}` may do this")]
    NotApplicant(String),
    #[error("body `{0}` has no superior body registered to hear a complaint about it")]
    NoSuperiorBody(String),
    #[error("appeal `{appeal}` already has its complaint, `{complaint}`")]
    AlreadyComplained { appeal: String, complaint: String },
    #[error("appeal is already at body `{0}`; forward it to another body")]
    ForwardToItself(String),
    #[error("appeal `{appeal}` has had {max} requests for clarification, the most one case may have")]
    TooManyClarifications { appeal: String, max: usize },
    #[error("account `{account}` is not the head of body `{body}`; only the head may extend a deadline")]
    NotHeadOfBody { account: String, body: String },
    #[error("appeal `{0}` was already extended once; a deadline is extended at most once")]
    AlreadyExtended(String),
    #[error("the extension was decided on {decided_on}; it must be decided between {from} and {to} (the case's arrival and its deadline or today)")]
    ExtensionDecidedOutsideTerm { decided_on: String, from: String, to: String },
    #[error("an extension to {until} is not allowed: it must be after the current deadline {after} and no later than {latest}")]
    ExtensionOutOfRange { until: String, after: String, latest: String },
    #[error("appeal `{0}` is already rated; an answer is rated once")]
    AlreadyRated(String),
    #[error("the deadline of appeal `{0}` has passed; this had to be done before it")]
    DeadlinePassed(String),
    #[error("appeal `{appeal}` was forwarded {max} times, the most one case may be")]
    TooManyForwards { appeal: String, max: usize },
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
    #[error("account `{account}` holds a signing key, so its acts must be signed with it")]
    ActNotSigned { account: String },
    #[error("version {got} of the rule on signed acts would lower the version {current} in force")]
    ActRuleLowered { current: u16, got: u16 },
    #[error("the act's signature is refused: {reason}")]
    BadActSignature { reason: String },
    #[error("signing key {0} is registered already")]
    SignerKeyExists(String),
    #[error("account `{account}` holds no signing key {key} in force")]
    UnknownSignerKey { account: String, key: String },
    #[error("account `{0}` holds the most signing keys in force allowed (10); revoke one first")]
    TooManySignerKeys(String),
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
    /// Names the case: "petition `p-1`", "appeal `a-1`".
    #[error("{0} is already answered")]
    AlreadyAnswered(String),
    /// Names the case, and for a petition which of its deadlines: "petition `p-1`".
    #[error("{0} (its moderation or its answer) is already marked overdue")]
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
            RuleError::WrongIndex { .. } => "wrong-index",
            RuleError::TimestampRegression { .. } => "timestamp-regression",
            RuleError::TimestampOutOfRange(_) => "timestamp-out-of-range",
            RuleError::BodyExists(_) => "body-exists",
            RuleError::UnknownParent(_) => "unknown-parent",
            RuleError::NoticeExists(_) => "notice-exists",
            RuleError::InvalidRow { .. } => "invalid-row",
            RuleError::UnknownBody(_) => "unknown-body",
            RuleError::PersonAlreadyVerified(_) => "person-already-verified",
            RuleError::PersonNotVerified(_) => "person-not-verified",
            RuleError::NotAdministrator(_) => "not-administrator",
            RuleError::AdministratorExists => "administrator-exists",
            RuleError::GrantExists { .. } => "grant-exists",
            RuleError::GrantMissing { .. } => "grant-missing",
            RuleError::LastAdministrator(_) => "last-administrator",
            RuleError::NotOfficialOfBody { .. } => "not-official-of-body",
            RuleError::NoAccessBases => "no-access-bases",
            RuleError::UnknownBasis(_) => "unknown-basis",
            RuleError::KeyVersionNotNewer { .. } => "key-version-not-newer",
            RuleError::ActNotSigned { .. } => "act-not-signed",
            RuleError::ActRuleLowered { .. } => "act-rule-lowered",
            RuleError::BadActSignature { .. } => "bad-act-signature",
            RuleError::SignerKeyExists(_) => "signer-key-exists",
            RuleError::UnknownSignerKey { .. } => "unknown-signer-key",
            RuleError::TooManySignerKeys(_) => "too-many-signer-keys",
            RuleError::NoPetitionRules => "no-petition-rules",
            RuleError::LevelNotPetitionable(_) => "level-not-petitionable",
            RuleError::BodyNotAtLevel { .. } => "body-not-at-level",
            RuleError::UnknownTopic(_) => "unknown-topic",
            RuleError::UnknownForbiddenTopic(_) => "unknown-forbidden-topic",
            RuleError::NoPopulation(_) => "no-population-figure",
            RuleError::UnknownPetition(_) => "unknown-petition",
            RuleError::NotAuthor(_) => "not-author",
            RuleError::PetitionStatus { .. } => "petition-status",
            RuleError::AlreadySigned(_) => "already-signed",
            RuleError::OutsideTerritory { .. } => "outside-territory",
            RuleError::WindowEnded(_) => "window-ended",
            RuleError::NotYetDue { .. } => "not-yet-due",
            RuleError::RuleMismatch { .. } => "rule-mismatch",
            RuleError::SupportersMissing { .. } => "supporters-missing",
            RuleError::NotModerator(_) => "not-moderator",
            RuleError::ThresholdReached(_) => "threshold-reached",
            RuleError::ThresholdNotReached(_) => "threshold-not-reached",
            RuleError::UnknownSignature { .. } => "unknown-signature",
            RuleError::AlreadyInvalidated { .. } => "already-invalidated",
            RuleError::NoObligation(_) => "no-obligation",
            RuleError::ObligationExists(_) => "obligation-exists",
            RuleError::AlreadyAnswered(_) => "already-answered",
            RuleError::AlreadyOverdue(_) => "already-overdue",
            RuleError::ConflictOfInterest { .. } => "conflict-of-interest",
            RuleError::BodyClosed(_) => "body-closed",
            RuleError::BodyOpen(_) => "body-open",
            RuleError::NoAppealRules => "no-appeal-rules",
            RuleError::AppealExists(_) => "appeal-exists",
            RuleError::UnknownAppeal(_) => "unknown-appeal",
            RuleError::UnknownAppealTopic(_) => "unknown-appeal-topic",
            RuleError::AppealStatus { .. } => "appeal-status",
            RuleError::NotApplicant(_) => "not-applicant",
            RuleError::NoSuperiorBody(_) => "no-superior-body",
            RuleError::AlreadyComplained { .. } => "already-complained",
            RuleError::ForwardToItself(_) => "forward-to-itself",
            RuleError::TooManyClarifications { .. } => "too-many-clarifications",
            RuleError::NotHeadOfBody { .. } => "not-head-of-body",
            RuleError::AlreadyExtended(_) => "already-extended",
            RuleError::ExtensionDecidedOutsideTerm { .. } => "extension-decided-outside-term",
            RuleError::ExtensionOutOfRange { .. } => "extension-out-of-range",
            RuleError::AlreadyRated(_) => "already-rated",
            RuleError::DeadlinePassed(_) => "deadline-passed",
            RuleError::TooManyForwards { .. } => "too-many-forwards",
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
