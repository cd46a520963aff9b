//! Events: the facts appended to the log.

use crate::dates::format_date;
use crate::people::{self, AccessBasis, Commitment, KeyKind, Locality, Pseudonym, Region, Role, VerificationMethod};
use crate::text::TextUse;
use crate::{
    AccountId, BasisCode, BodyId, BodyKind, Decision, EventError, Level, LocalizedText, NoticeId, PartialText,
    PetitionId, PetitionRules, RejectionReason, Timestamp, TopicCode, MAX_ANSWER_CHARS, MAX_PETITION_TEXT_CHARS,
    MAX_PETITION_TITLE_CHARS, MAX_REASON_CHARS, MAX_STATEMENT_CHARS,
};
use serde::{Deserialize, Serialize};
use time::{Date, Weekday};

/// Field layout of one event type. Decoding checks entries against it before deserializing,
/// to report unknown or missing fields precisely.
pub(crate) struct Layout {
    pub(crate) kind: &'static str,
    /// In declaration order, which is not the order of the encoded entry (sorted by name).
    pub(crate) fields: &'static [Field],
}

pub(crate) struct Field {
    pub(crate) name: &'static str,
    /// An `Option`, which the encoding omits when it is `None`.
    pub(crate) optional: bool,
    /// A [`LocalizedText`], whose three languages decoding checks by name.
    pub(crate) text: bool,
}

/// What decoding needs to know of a field, read from its type's name: `Option` is the one
/// type of field an entry may omit, `LocalizedText` the one whose members decoding checks.
macro_rules! field_layout {
    ($name:ident, Option) => {
        Field { name: stringify!($name), optional: true, text: false }
    };
    ($name:ident, LocalizedText) => {
        Field { name: stringify!($name), optional: false, text: true }
    };
    ($name:ident, $other:ident) => {
        Field { name: stringify!($name), optional: false, text: false }
    };
}

/// Declares the events, each once: `"type.tag" => Variant { field: Type, ... }` with their doc
/// comments and serde attributes. Makes the [`Event`] enum, [`Event::KINDS`] in declaration
/// order, [`Event::kind`] and the [`LAYOUTS`] of decoding, so that a type tag and a field list
/// cannot disagree between them.
///
/// A field's type is written as a bare name with at most one type argument (`Option<BodyId>`,
/// `Vec<Date>`, not `time::Date`), because the layout is read from that name (see
/// [`field_layout!`]); any other form of type does not match and fails to compile.
macro_rules! events {
    (
        $(#[$enum_attr:meta])*
        pub enum Event {
            $(
                $(#[$variant_attr:meta])*
                $tag:literal => $variant:ident {
                    $(
                        $(#[$field_attr:meta])*
                        $field:ident : $ty:ident $(<$arg:ty>)?
                    ),* $(,)?
                }
            ),* $(,)?
        }
    ) => {
        $(#[$enum_attr])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "type", deny_unknown_fields)]
        pub enum Event {
            $(
                $(#[$variant_attr])*
                #[serde(rename = $tag)]
                $variant { $($(#[$field_attr])* $field: $ty $(<$arg>)?),* },
            )*
        }

        pub(crate) const LAYOUTS: &[Layout] =
            &[$(Layout { kind: $tag, fields: &[$(field_layout!($field, $ty)),*] }),*];

        impl Event {
            /// All type tags, in the order the events are declared.
            pub const KINDS: [&'static str; [$($tag),*].len()] = [$($tag),*];

            /// The `type` tag, e.g. `"body.registered"`.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Event::$variant { .. } => $tag,)*
                }
            }
        }
    };
}

events! {
    /// An event as submitted by a client. It has no timestamp: the sequencer assigns one when it
    /// appends the event to the log, producing an [`crate::Entry`].
    ///
    /// The JSON form is an object with a `type` tag; unknown types and unknown fields are refused
    /// so that a typo never silently becomes a different, valid event.
    pub enum Event {
        /// Names the deployment and fixes the time zone in which calendar days are counted.
        /// May be re-issued; the latest one is in force.
        "deployment.configured" => DeploymentConfigured {
            name: LocalizedText,
            /// Minutes east of UTC, -720..=840 (Kazakhstan: 300).
            utc_offset_minutes: i16,
        },
        /// The official working-day calendar of one year. Republishing a year replaces it.
        "calendar.published" => CalendarPublished {
            /// 2000..=2100.
            year: u16,
            /// Days off other than ordinary Saturdays and Sundays (public holidays and weekdays
            /// made days off by decree), all in `year`, ascending, unique.
            #[serde(with = "crate::dates::list")]
            holidays: Vec<Date>,
            /// Saturdays and Sundays that are working days by decree, all in `year`, ascending,
            /// unique.
            #[serde(with = "crate::dates::list")]
            transferred_working_days: Vec<Date>,
        },
        /// Registers a state body that can receive appeals and petitions.
        "body.registered" => BodyRegistered {
            body: BodyId,
            name: LocalizedText,
            kind: BodyKind,
            /// The superior body, which must already be registered. Omitted (not `null`) when none.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            parent: Option<BodyId>,
        },
        /// A public notice from the operator (terms, maintenance, results).
        "notice.published" => NoticePublished { notice: NoticeId, title: LocalizedText, text: LocalizedText },
        /// A person's identity was verified. Only their pseudonym and locality are recorded; the
        /// same pseudonym cannot be verified twice (one national identifier, one person).
        "person.verified" => PersonVerified {
            person: Pseudonym,
            locality: Locality,
            method: VerificationMethod,
            /// The administrator who verified a registry or manual verification; omitted for an
            /// identity provider.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            by: Option<AccountId>,
        },
        /// A person's personal data was erased at their request (their data key destroyed). They
        /// are no longer verified; the log keeps what it recorded, which identifies no one.
        "person.erased" => PersonErased { person: Pseudonym },
        /// An administrator granted a role. `by` is omitted only for the first administrator,
        /// granted from the operator's console while no administrator exists.
        "role.granted" => RoleGranted {
            account: AccountId,
            role: Role,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            body: Option<BodyId>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            by: Option<AccountId>,
        },
        /// An administrator revoked a role.
        "role.revoked" => RoleRevoked {
            account: AccountId,
            role: Role,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            body: Option<BodyId>,
            by: AccountId,
        },
        /// The legal bases on which officials may open personal data. Replaces the previous list
        /// for openings after it.
        "access_bases.published" => AccessBasesPublished { bases: Vec<AccessBasis> },
        /// An official opened a person's personal data, stating why. The subject is named only by
        /// a commitment that the subject can open on their "who looked at my data" page.
        "personal_data.opened" => PersonalDataOpened {
            subject: Commitment,
            body: BodyId,
            official: AccountId,
            basis: BasisCode,
            purpose: String,
            case: String,
        },
        /// An administrator imported a census or registry file; `digest` is the file's SHA-256.
        "registry.imported" => RegistryImported { records: u32, digest: Commitment, by: AccountId },
        /// An administrator put a new version of a secret key in use.
        "key.rotated" => KeyRotated { key: KeyKind, version: u16, by: AccountId },
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
    }
}

impl Event {
    /// The operator's own acts: the type tags the operator may publish on its own
    /// authority (with the API token), because they are decisions of the deployment and name
    /// no person as their author. Every other event is an act of a person (an administrator,
    /// a moderator, an official, a citizen), which only that person's signed-in session may
    /// submit, or an event the rules require, which only the server's rules log.
    ///
    /// `body.registered` is here: it names no person (it has no `by`), the log shows it the
    /// same whichever way it came, and which state bodies a deployment serves is the
    /// deployment's decision like its calendar and rules. Administrators also register
    /// bodies from their pages.
    ///
    /// A type tag absent from this list is refused to the token, so a new event kind is a
    /// person's act until someone decides otherwise here.
    pub const OPERATOR_KINDS: [&'static str; 6] = [
        "deployment.configured",
        "calendar.published",
        "body.registered",
        "notice.published",
        "access_bases.published",
        "petition_rules.published",
    ];
    pub const MIN_UTC_OFFSET_MINUTES: i16 = -720;
    pub const MAX_UTC_OFFSET_MINUTES: i16 = 840;
    pub const MIN_CALENDAR_YEAR: u16 = 2000;
    pub const MAX_CALENDAR_YEAR: u16 = 2100;

    /// Whether the type tag `kind` is one of the operator's own acts ([`Event::OPERATOR_KINDS`]).
    pub fn is_operator_kind(kind: &str) -> bool {
        Self::OPERATOR_KINDS.contains(&kind)
    }

    /// Whether this event is one of the operator's own acts ([`Event::OPERATOR_KINDS`]),
    /// which the operator may publish without acting as anyone.
    pub fn is_operator_act(&self) -> bool {
        Self::is_operator_kind(self.kind())
    }

    /// The petition an event is about, for petition and obligation events.
    pub fn petition(&self) -> Option<&PetitionId> {
        match self {
            Event::PetitionDrafted { petition, .. }
            | Event::PetitionLaunched { petition, .. }
            | Event::PetitionSigned { petition, .. }
            | Event::PetitionSubmitted { petition, .. }
            | Event::PetitionModerationOverdue { petition }
            | Event::PetitionExpired { petition }
            | Event::PetitionAccepted { petition, .. }
            | Event::PetitionRejected { petition, .. }
            | Event::PetitionWithdrawn { petition, .. }
            | Event::PetitionClosed { petition, .. }
            | Event::SignatureInvalidated { petition, .. }
            | Event::ObligationOpened { petition, .. }
            | Event::ObligationOverdue { petition }
            | Event::ObligationAnswered { petition, .. } => Some(petition),
            _ => None,
        }
    }

    /// Checks the fields on their own (not against the state; see [`crate::State::check`]),
    /// including that any entry carrying this event fits in [`crate::MAX_ENTRY_BYTES`].
    pub fn validate(&self) -> Result<(), EventError> {
        match self {
            Event::DeploymentConfigured { name, utc_offset_minutes } => {
                name.validate(TextUse::Name)?;
                if !(Self::MIN_UTC_OFFSET_MINUTES..=Self::MAX_UTC_OFFSET_MINUTES).contains(utc_offset_minutes) {
                    return Err(EventError::UtcOffsetOutOfRange(*utc_offset_minutes));
                }
            }
            Event::CalendarPublished { year, holidays, transferred_working_days } => {
                validate_calendar(*year, holidays, transferred_working_days)?
            }
            Event::BodyRegistered { name, .. } => name.validate(TextUse::Name)?,
            Event::NoticePublished { title, text, .. } => {
                title.validate(TextUse::Title)?;
                text.validate(TextUse::Text)?;
            }
            Event::PersonVerified { method, by, .. } => match (method.needs_administrator(), by) {
                (true, None) => {
                    return Err(EventError::AdministratorRequired {
                        method: if *method == VerificationMethod::Manual { "manual" } else { "registry" },
                    })
                }
                (false, Some(_)) => return Err(EventError::AdministratorNotAllowed),
                _ => {}
            },
            Event::RoleGranted { role, body, .. } | Event::RoleRevoked { role, body, .. } => {
                people::validate_grant_shape(*role, body.as_ref())?
            }
            Event::AccessBasesPublished { bases } => people::validate_bases(bases)?,
            Event::PersonalDataOpened { purpose, case, .. } => {
                people::validate_line("purpose", purpose, people::MAX_PURPOSE_CHARS)?;
                people::validate_line("case", case, people::MAX_CASE_CHARS)?;
            }
            Event::KeyRotated { version: 0, .. } => return Err(EventError::KeyVersionZero),
            Event::PersonErased { .. } | Event::RegistryImported { .. } | Event::KeyRotated { .. } => {}
            Event::PetitionRulesPublished { rules } => rules.validate()?,
            Event::PetitionDrafted { level, territory, title, text, .. } => {
                title.validate("title", MAX_PETITION_TITLE_CHARS, false)?;
                text.validate("text", MAX_PETITION_TEXT_CHARS, true)?;
                if !level.fits(territory.as_ref()) {
                    return Err(level.territory_shape_error());
                }
            }
            Event::PetitionRejected { reason, forbidden_topic, duplicate_of, comment, .. } => {
                people::validate_line("comment", comment, MAX_REASON_CHARS)?;
                let topic_ok = (*reason == RejectionReason::ForbiddenTopic) == forbidden_topic.is_some();
                let duplicate_ok = (*reason == RejectionReason::Duplicate) == duplicate_of.is_some();
                if !topic_ok || !duplicate_ok {
                    return Err(EventError::RejectionShape);
                }
            }
            Event::PetitionWithdrawn { reason, .. } | Event::SignatureInvalidated { reason, .. } => {
                people::validate_line("reason", reason, MAX_REASON_CHARS)?
            }
            Event::ObligationAnswered { answer, discussion, head_statement, .. } => {
                answer.validate("answer", MAX_ANSWER_CHARS, true)?;
                discussion.validate("discussion", MAX_STATEMENT_CHARS, true)?;
                head_statement.validate("head_statement", MAX_STATEMENT_CHARS, true)?;
            }
            Event::PetitionLaunched { .. }
            | Event::PetitionSigned { .. }
            | Event::PetitionSubmitted { .. }
            | Event::PetitionModerationOverdue { .. }
            | Event::PetitionExpired { .. }
            | Event::PetitionAccepted { .. }
            | Event::PetitionClosed { .. }
            | Event::ObligationOpened { .. }
            | Event::ObligationOverdue { .. } => {}
        }
        // The largest timestamp gives the longest envelope, so this bound holds for any entry.
        let bytes = crate::envelope::encoded_len(Timestamp::MAX, self);
        if bytes > crate::MAX_ENTRY_BYTES {
            return Err(EventError::TooLarge { bytes, max: crate::MAX_ENTRY_BYTES });
        }
        Ok(())
    }

    /// Checks an event submitted now: [`Event::validate`], then the rules for public text
    /// added after logs already held entries — no text that shows nothing, no bidirectional
    /// controls in one-line texts ([`crate::check_new_text`]; `SPEC.md` §4.1).
    ///
    /// Replay does not apply them: [`crate::Entry::decode`] and [`crate::State::apply`] call
    /// `validate` only, so a log that already holds such a text still replays, here and in
    /// every auditor. The sequencer calls this on every submission before queueing it.
    pub fn check_new(&self) -> Result<(), EventError> {
        use crate::text::check_new_text;
        self.validate()?;
        let partial = |field, text: &PartialText, multiline| {
            text.langs().try_for_each(|lang| check_new_text(field, Some(lang), text.get(lang).unwrap_or(""), multiline))
        };
        let line = |field, s: &str| check_new_text(field, None, s, false);
        match self {
            Event::DeploymentConfigured { name, .. } | Event::BodyRegistered { name, .. } => {
                name.check_new(TextUse::Name)
            }
            Event::NoticePublished { title, text, .. } => {
                title.check_new(TextUse::Title)?;
                text.check_new(TextUse::Text)
            }
            Event::AccessBasesPublished { bases } => bases.iter().try_for_each(|b| b.name.check_new(TextUse::Name)),
            Event::PersonalDataOpened { purpose, case, .. } => {
                line("purpose", purpose)?;
                line("case", case)
            }
            Event::PetitionRulesPublished { rules } => {
                rules.topics.iter().chain(&rules.forbidden_topics).try_for_each(|t| t.name.check_new(TextUse::Name))
            }
            Event::PetitionDrafted { title, text, .. } => {
                partial("title", title, false)?;
                partial("text", text, true)
            }
            Event::PetitionRejected { comment, .. } => line("comment", comment),
            Event::PetitionWithdrawn { reason, .. } | Event::SignatureInvalidated { reason, .. } => {
                line("reason", reason)
            }
            Event::ObligationAnswered { answer, discussion, head_statement, .. } => {
                partial("answer", answer, true)?;
                partial("discussion", discussion, true)?;
                partial("head_statement", head_statement, true)
            }
            // No free text.
            Event::CalendarPublished { .. }
            | Event::PersonVerified { .. }
            | Event::PersonErased { .. }
            | Event::RoleGranted { .. }
            | Event::RoleRevoked { .. }
            | Event::RegistryImported { .. }
            | Event::KeyRotated { .. }
            | Event::PetitionLaunched { .. }
            | Event::PetitionSigned { .. }
            | Event::PetitionSubmitted { .. }
            | Event::PetitionModerationOverdue { .. }
            | Event::PetitionExpired { .. }
            | Event::PetitionAccepted { .. }
            | Event::PetitionClosed { .. }
            | Event::ObligationOpened { .. }
            | Event::ObligationOverdue { .. } => Ok(()),
        }
    }
}

fn validate_calendar(year: u16, holidays: &[Date], transferred: &[Date]) -> Result<(), EventError> {
    if !(Event::MIN_CALENDAR_YEAR..=Event::MAX_CALENDAR_YEAR).contains(&year) {
        return Err(EventError::YearOutOfRange(year));
    }
    for (field, list) in [("holidays", holidays), ("transferred_working_days", transferred)] {
        let mut prev: Option<Date> = None;
        for &d in list {
            if d.year() != i32::from(year) {
                return Err(EventError::DateOutsideYear { field, date: format_date(d), year });
            }
            if prev.is_some_and(|p| p >= d) {
                return Err(EventError::DatesNotSortedUnique { field, date: format_date(d) });
            }
            prev = Some(d);
        }
    }
    for &d in transferred {
        if !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
            return Err(EventError::TransferredNotWeekend(format_date(d)));
        }
        if holidays.binary_search(&d).is_ok() {
            return Err(EventError::CalendarConflict(format_date(d)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn lt(s: &str) -> LocalizedText {
        LocalizedText::new(format!("{s} kk"), format!("{s} ru"), format!("{s} en"))
    }

    fn id<T: std::str::FromStr>(s: &str) -> T
    where
        T::Err: std::fmt::Debug,
    {
        s.parse().expect("valid id in test")
    }

    /// Valid events of every kind, in the order of [`Event::KINDS`], giving between them a
    /// value to every optional field.
    fn examples() -> Vec<Event> {
        let ps = |n| Pseudonym::from_digest(1, &[n; 32]).expect("valid version");
        let pt = |s: &str| PartialText::one(crate::Lang::Ru, s);
        let p = || id::<PetitionId>("p-1");
        let admin = || id::<AccountId>("u-admin");
        let topic = |code: &str| crate::Topic { code: id(code), name: lt(code) };
        let rules = crate::kazakhstan_rules(
            vec![crate::Population { territory: id("akmola"), people: 1_250 }],
            vec![topic("roads")],
            vec![topic("elections")],
        );
        let rejected = |reason, forbidden_topic: Option<&str>, duplicate_of: Option<&str>| Event::PetitionRejected {
            petition: p(),
            by: id("u-mod"),
            reason,
            forbidden_topic: forbidden_topic.map(id),
            duplicate_of: duplicate_of.map(id),
            comment: "see the rules".into(),
        };
        vec![
            Event::DeploymentConfigured { name: lt("dauys"), utc_offset_minutes: 300 },
            Event::CalendarPublished {
                year: 2026,
                holidays: vec![date!(2026 - 01 - 01)],
                transferred_working_days: vec![date!(2026 - 01 - 03)],
            },
            Event::BodyRegistered {
                body: id("mon"),
                name: lt("mon"),
                kind: BodyKind::Ministry,
                parent: Some(id("government")),
            },
            Event::NoticePublished { notice: id("n"), title: lt("t"), text: lt("x") },
            Event::PersonVerified {
                person: ps(1),
                locality: id("akmola/kokshetau"),
                method: VerificationMethod::Manual,
                by: Some(admin()),
            },
            Event::PersonErased { person: ps(1) },
            Event::RoleGranted { account: id("u-off"), role: Role::Official, body: Some(id("mon")), by: Some(admin()) },
            Event::RoleRevoked { account: id("u-off"), role: Role::Official, body: Some(id("mon")), by: admin() },
            Event::AccessBasesPublished {
                bases: vec![AccessBasis { code: id("appeal"), name: lt("appeal"), disclosure_delay_days: 0 }],
            },
            Event::PersonalDataOpened {
                subject: Commitment::from_digest(&[7; 32]),
                body: id("mon"),
                official: id("u-off"),
                basis: id("appeal"),
                purpose: "an appeal".into(),
                case: "A-1".into(),
            },
            Event::RegistryImported { records: 10, digest: Commitment::from_digest(&[1; 32]), by: admin() },
            Event::KeyRotated { key: KeyKind::Pseudonym, version: 2, by: admin() },
            Event::PetitionRulesPublished { rules },
            Event::PetitionDrafted {
                petition: p(),
                author: ps(1),
                body: id("akmola-akimat"),
                level: Level::OblastAkimat,
                territory: Some(id("akmola")),
                topic: id("roads"),
                title: pt("Fix the road"),
                text: pt("The road to the school needs repair."),
            },
            Event::PetitionLaunched { petition: p(), by: ps(1) },
            Event::PetitionSigned { petition: p(), signer: ps(2), region: id("akmola") },
            Event::PetitionSubmitted { petition: p(), moderation_due: date!(2026 - 02 - 02) },
            Event::PetitionModerationOverdue { petition: p() },
            Event::PetitionExpired { petition: p() },
            Event::PetitionAccepted { petition: p(), by: id("u-mod") },
            rejected(RejectionReason::ForbiddenTopic, Some("elections"), None),
            rejected(RejectionReason::Duplicate, None, Some("p-0")),
            Event::PetitionWithdrawn { petition: p(), by: ps(1), reason: "solved".into() },
            Event::PetitionClosed { petition: p(), threshold_reached: true },
            Event::SignatureInvalidated { petition: p(), signer: ps(2), by: id("u-mod"), reason: "a burst".into() },
            Event::ObligationOpened { petition: p(), body: id("akmola-akimat"), due: date!(2026 - 03 - 02) },
            Event::ObligationOverdue { petition: p() },
            Event::ObligationAnswered {
                petition: p(),
                by: id("u-off"),
                decision: Decision::Supported,
                answer: pt("We will repair it."),
                discussion: pt("Discussed on 1 March."),
                head_statement: pt("Agreed."),
            },
        ]
    }

    /// The declaration makes the enum, the kinds and the layouts; this checks that what it
    /// makes agrees with what serde and decoding do with each kind.
    #[test]
    fn every_kind_round_trips_through_its_layout() {
        use serde_json::Value;
        let examples = examples();
        let mut kinds: Vec<&str> = examples.iter().map(Event::kind).collect();
        kinds.dedup();
        assert_eq!(kinds, Event::KINDS);
        assert_eq!(LAYOUTS.iter().map(|l| l.kind).collect::<Vec<_>>(), Event::KINDS);
        let mut members = std::collections::BTreeSet::new();
        for event in &examples {
            let kind = event.kind();
            let layout = LAYOUTS.iter().find(|l| l.kind == kind).expect("every kind has a layout");
            let Value::Object(json) = serde_json::to_value(event).expect("serializes") else {
                panic!("{kind} is not an object");
            };
            assert_eq!(json["type"], kind);
            assert_eq!(&serde_json::from_value::<Event>(Value::Object(json.clone())).expect(kind), event);
            for (name, value) in json.iter().filter(|(name, _)| *name != "type") {
                let field = layout.fields.iter().find(|f| f.name == name);
                let field = field.unwrap_or_else(|| panic!("{kind}: `{name}` is not in the layout"));
                let is_text = LocalizedText::deserialize(value).is_ok();
                assert_eq!(field.text, is_text, "{kind}: `{name}` is a LocalizedText: {is_text}");
                members.insert((kind, field.name));
            }
            for field in layout.fields {
                if !field.optional {
                    assert!(json.contains_key(field.name), "{kind}: required `{}` is missing", field.name);
                    continue;
                }
                // Decoding lets an optional field be left out, so leaving it out must deserialize
                // and serialize back to the same JSON (as an omission, not a `null`).
                let mut without = json.clone();
                without.remove(field.name);
                let event: Event = serde_json::from_value(Value::Object(without.clone())).expect(field.name);
                assert_eq!(serde_json::to_value(&event).expect("serializes"), Value::Object(without));
            }
            let entry = crate::Entry::new(Timestamp(1_772_400_000_000), event.clone());
            assert_eq!(crate::Entry::decode(&entry.encode()), Ok(entry), "{kind}");
        }
        for layout in LAYOUTS {
            for field in layout.fields {
                assert!(
                    members.contains(&(layout.kind, field.name)),
                    "no example of `{}` in {}",
                    field.name,
                    layout.kind
                );
            }
        }
    }

    #[test]
    fn operator_acts_are_a_closed_list_of_kinds() {
        let mut seen = std::collections::BTreeSet::new();
        for kind in Event::OPERATOR_KINDS {
            assert!(Event::KINDS.contains(&kind), "{kind} is not an event type");
            assert!(seen.insert(kind), "{kind} listed twice");
        }
        // Acts of people, and events only the rules may log, are never the operator's.
        for kind in [
            "person.verified",
            "role.granted",
            "role.revoked",
            "personal_data.opened",
            "key.rotated",
            "petition.signed",
            "petition.accepted",
            "petition.submitted",
            "obligation.opened",
            "obligation.answered",
        ] {
            assert!(!Event::is_operator_kind(kind), "{kind} must not be an operator act");
        }
        let notice = Event::NoticePublished { notice: "n".parse().expect("slug"), title: lt("t"), text: lt("x") };
        assert!(notice.is_operator_act());
        let erased = Event::PersonErased { person: format!("ps1-{}", "ab".repeat(32)).parse().expect("pseudonym") };
        assert!(!erased.is_operator_act());
    }

    #[test]
    fn client_json_is_strict() {
        let ok = r#"{"type":"body.registered","body":"mon","name":{"kk":"a","ru":"b","en":"c"},"kind":"ministry"}"#;
        let e: Event = serde_json::from_str(ok).expect("valid");
        assert_eq!(e.kind(), "body.registered");
        let unknown_field =
            r#"{"type":"body.registered","body":"mon","nmae":{"kk":"a","ru":"b","en":"c"},"kind":"ministry"}"#;
        let msg = serde_json::from_str::<Event>(unknown_field).unwrap_err().to_string();
        assert!(msg.contains("unknown field `nmae`"), "{msg}");
        let unknown_type = r#"{"type":"body.deleted","body":"mon"}"#;
        let msg = serde_json::from_str::<Event>(unknown_type).unwrap_err().to_string();
        assert!(msg.contains("unknown variant `body.deleted`"), "{msg}");
    }

    #[test]
    fn validation() {
        let cal = |year, h: Vec<Date>, t: Vec<Date>| Event::CalendarPublished {
            year,
            holidays: h,
            transferred_working_days: t,
        };
        assert!(cal(2026, vec![date!(2026 - 01 - 01)], vec![date!(2026 - 01 - 03)]).validate().is_ok());
        let code = |e: Event| e.validate().unwrap_err().code();
        assert_eq!(code(cal(1999, vec![], vec![])), "year-out-of-range");
        assert_eq!(code(cal(2026, vec![date!(2025 - 12 - 31)], vec![])), "date-outside-year");
        assert_eq!(
            code(cal(2026, vec![date!(2026 - 01 - 02), date!(2026 - 01 - 01)], vec![])),
            "dates-not-sorted-unique"
        );
        assert_eq!(
            code(cal(2026, vec![date!(2026 - 01 - 01), date!(2026 - 01 - 01)], vec![])),
            "dates-not-sorted-unique"
        );
        assert_eq!(code(cal(2026, vec![], vec![date!(2026 - 01 - 05)])), "transferred-not-weekend");
        assert_eq!(code(cal(2026, vec![date!(2026 - 01 - 03)], vec![date!(2026 - 01 - 03)])), "calendar-conflict");
        let dep = |m| Event::DeploymentConfigured { name: lt("x"), utc_offset_minutes: m };
        assert!(dep(300).validate().is_ok());
        assert!(dep(-720).validate().is_ok());
        assert_eq!(code(dep(841)), "utc-offset-out-of-range");
        // 10 000 three-byte characters per language pass the per-field limit but not the
        // entry size limit.
        let big = "€".repeat(10_000);
        let notice = Event::NoticePublished {
            notice: "n".parse().expect("slug"),
            title: lt("t"),
            text: LocalizedText::new(big.clone(), big.clone(), big),
        };
        assert_eq!(code(notice), "event-too-large");
    }
}
