//! Every error code is kebab-case (`already-signed`): the one convention of the core, the
//! services, the API's problem details and the message ids built from the codes.

use std::collections::HashSet;
use std::mem::discriminant;

use crate::{DecodeError, EventError, LogIndex, RuleError, Timestamp};

/// Words of lowercase ASCII letters and digits joined by single hyphens.
fn is_kebab_case(code: &str) -> bool {
    code.split('-').all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// The number of arms of `{name}::code()` in error.rs: one per variant, so that a variant
/// added there and not to the lists below fails the test.
fn code_arms(name: &str) -> usize {
    let source = include_str!("error.rs");
    let start = source.find(&format!("impl {name} {{")).expect("the impl with code()");
    let code_fn = &source[start..];
    let code_fn = &code_fn[..code_fn.find("\n    }\n").expect("the end of code()")];
    code_fn.lines().filter(|l| l.trim_start().starts_with(&format!("{name}::"))).count()
}

/// Every code is kebab-case, and `errors` has one of each of the `arms` variants.
fn assert_codes<E: std::fmt::Debug>(errors: &[E], arms: usize, code: impl Fn(&E) -> &'static str) {
    let variants: HashSet<_> = errors.iter().map(discriminant).collect();
    assert_eq!(variants.len(), errors.len(), "a variant is listed twice");
    assert_eq!(variants.len(), arms, "list one of each variant");
    for e in errors {
        assert!(is_kebab_case(code(e)), "{e:?} has the code {:?}, not kebab-case", code(e));
    }
}

fn event_errors() -> Vec<EventError> {
    let s = || "x".to_string();
    vec![
        EventError::EmptyText { field: "title", lang: "kk" },
        EventError::TextTooLong { field: "title", lang: "kk", max: 1, actual: 2 },
        EventError::ControlCharacter { field: "title", lang: "kk", code: 9, allowed: "none" },
        EventError::InvalidId { value: s() },
        EventError::InvalidSignerKey { reason: s() },
        EventError::UnknownLang(s()),
        EventError::UtcOffsetOutOfRange(900),
        EventError::UnknownActRule { got: 3, latest: 2 },
        EventError::YearOutOfRange(1999),
        EventError::InvalidDate(s()),
        EventError::DateOutsideYear { field: "holidays", date: s(), year: 2026 },
        EventError::DatesNotSortedUnique { field: "holidays", date: s() },
        EventError::TransferredNotWeekend(s()),
        EventError::CalendarConflict(s()),
        EventError::TooLarge { bytes: 2, max: 1 },
        EventError::EmptyField { field: "name" },
        EventError::FieldTooLong { field: "name", max: 1, actual: 2 },
        EventError::ControlCharacterIn { field: "name", code: 9 },
        EventError::InvalidPseudonym { value: s() },
        EventError::InvalidDigest { value: s() },
        EventError::UnknownRegion { value: s() },
        EventError::UnknownRole { value: s() },
        EventError::BodyRequired { role: "official" },
        EventError::BodyNotAllowed { role: "citizen" },
        EventError::AdministratorRequired { method: "manual" },
        EventError::AdministratorNotAllowed,
        EventError::NotSortedUnique { field: "competences", item: s() },
        EventError::SuccessorIsItself(s()),
        EventError::TooFewSuccessors,
        EventError::NotASuccessor(s()),
        EventError::CasesWithoutNamedRule,
        EventError::VisibilityShape,
        EventError::UnknownCode { what: "appeal kind", value: s() },
        EventError::DisclosureDelayTooLong { days: 2, max: 1 },
        EventError::DuplicateBasis { code: s() },
        EventError::KeyVersionZero,
        EventError::BlankTranslation { field: "title", lang: "ru" },
        EventError::UnknownLevel { value: s() },
        EventError::UnknownStatus { value: s() },
        EventError::UnknownReason { value: s() },
        EventError::UnknownDecision { value: s() },
        EventError::OutOfRange { field: "threshold", value: 0, min: 1, max: 2 },
        EventError::TooManyItems { field: "levels", max: 1, actual: 2 },
        EventError::DuplicateItem { field: "levels", item: s() },
        EventError::TerritoryShape { level: "government", needs: "no territory" },
        EventError::ShareWithoutTerritory { level: "government" },
        EventError::RejectionShape,
        EventError::InvisibleText { field: "title", lang: None },
        EventError::BidiControl { field: "title", lang: Some("en"), code: 0x202E },
    ]
}

fn decode_errors() -> Vec<DecodeError> {
    let s = || "x".to_string();
    vec![
        DecodeError::TooLong { len: 2, max: 1 },
        DecodeError::InvalidUtf8 { valid_up_to: 0 },
        DecodeError::InvalidJson(s()),
        DecodeError::NotAnObject { context: "entry" },
        DecodeError::NonIntegerNumber { field: s() },
        DecodeError::UnsupportedVersion(s()),
        DecodeError::UnknownEventType(s()),
        DecodeError::UnknownField { field: s(), context: s() },
        DecodeError::MissingField { field: "ts", context: s() },
        DecodeError::InvalidValue { context: s(), reason: s() },
        DecodeError::InvalidEvent(EventError::KeyVersionZero),
        DecodeError::TimestampOutOfRange(u64::MAX),
        DecodeError::NonCanonical,
    ]
}

fn rule_errors() -> Vec<RuleError> {
    let s = || "x".to_string();
    let (petition, signer) = (s(), s());
    vec![
        RuleError::InvalidEvent(EventError::KeyVersionZero),
        RuleError::WrongIndex { expected: LogIndex(1), got: LogIndex(2) },
        RuleError::TimestampRegression { last: Timestamp(2), got: Timestamp(1) },
        RuleError::TimestampOutOfRange(Timestamp::MAX),
        RuleError::BodyExists(s()),
        RuleError::UnknownParent(s()),
        RuleError::NoticeExists(s()),
        RuleError::InvalidRow { key: s(), reason: s() },
        RuleError::UnknownBody(s()),
        RuleError::BodyClosed(s()),
        RuleError::BodyOpen(s()),
        RuleError::NoAppealRules,
        RuleError::AppealExists(s()),
        RuleError::UnknownAppeal(s()),
        RuleError::UnknownAppealTopic(s()),
        RuleError::AppealStatus { appeal: s(), status: "answered", needed: "in progress" },
        RuleError::NotApplicant(s()),
        RuleError::NoSuperiorBody(s()),
        RuleError::AlreadyComplained { appeal: s(), complaint: s() },
        RuleError::ForwardToItself(s()),
        RuleError::TooManyClarifications { appeal: s(), max: 3 },
        RuleError::NotHeadOfBody { account: s(), body: s() },
        RuleError::AlreadyExtended(s()),
        RuleError::ExtensionDecidedOutsideTerm { decided_on: s(), from: s(), to: s() },
        RuleError::ExtensionOutOfRange { until: s(), after: s(), latest: s() },
        RuleError::AlreadyRated(s()),
        RuleError::DeadlinePassed(s()),
        RuleError::TooManyForwards { appeal: s(), max: 3 },
        RuleError::PersonAlreadyVerified(s()),
        RuleError::PersonNotVerified(s()),
        RuleError::NotAdministrator(s()),
        RuleError::AdministratorExists,
        RuleError::GrantExists { account: s(), role: "moderator", body: None },
        RuleError::GrantMissing { account: s(), role: "official", body: Some(s()) },
        RuleError::LastAdministrator(s()),
        RuleError::NotOfficialOfBody { official: s(), body: s() },
        RuleError::NoAccessBases,
        RuleError::UnknownBasis(s()),
        RuleError::KeyVersionNotNewer { key: "pseudonym", current: 2, got: 1 },
        RuleError::ActRuleLowered { current: 2, got: 1 },
        RuleError::ActNotSigned { account: s() },
        RuleError::BadActSignature { reason: s() },
        RuleError::SignerKeyExists(s()),
        RuleError::UnknownSignerKey { account: s(), key: s() },
        RuleError::TooManySignerKeys(s()),
        RuleError::NoPetitionRules,
        RuleError::LevelNotPetitionable("oblast_akimat"),
        RuleError::BodyNotAtLevel { body: s(), kind: "university", level: "government" },
        RuleError::UnknownTopic(s()),
        RuleError::UnknownForbiddenTopic(s()),
        RuleError::NoPopulation(s()),
        RuleError::UnknownPetition(s()),
        RuleError::NotAuthor(s()),
        RuleError::PetitionStatus { petition: s(), status: "draft", needed: "open" },
        RuleError::AlreadySigned(s()),
        RuleError::OutsideTerritory { petition: s(), territory: s(), region: s() },
        RuleError::WindowEnded(s()),
        RuleError::NotYetDue { what: "the deadline", due: Timestamp(1) },
        RuleError::RuleMismatch { field: "due", expected: s(), got: s() },
        RuleError::SupportersMissing { petition: s(), have: 1, need: 2 },
        RuleError::NotModerator(s()),
        RuleError::ThresholdReached(s()),
        RuleError::ThresholdNotReached(s()),
        RuleError::UnknownSignature { petition: petition.clone(), signer: signer.clone() },
        RuleError::AlreadyInvalidated { petition, signer },
        RuleError::NoObligation(s()),
        RuleError::ObligationExists(s()),
        RuleError::AlreadyAnswered(s()),
        RuleError::AlreadyOverdue(s()),
        RuleError::ConflictOfInterest { petition: s(), act: "accept it", left_to: "another moderator" },
    ]
}

#[test]
fn kebab_case_is_told_apart() {
    for good in ["already-signed", "invalid-utf8", "internal"] {
        assert!(is_kebab_case(good), "{good}");
    }
    for bad in ["already_signed", "Already-signed", "-signed", "signed-", "already--signed", "already signed", ""] {
        assert!(!is_kebab_case(bad), "{bad:?}");
    }
}

#[test]
fn every_event_error_code_is_kebab_case() {
    assert_codes(&event_errors(), code_arms("EventError"), EventError::code);
}

#[test]
fn every_decode_error_code_is_kebab_case() {
    assert_codes(&decode_errors(), code_arms("DecodeError"), DecodeError::code);
}

#[test]
fn every_rule_error_code_is_kebab_case() {
    assert_codes(&rule_errors(), code_arms("RuleError"), RuleError::code);
}
