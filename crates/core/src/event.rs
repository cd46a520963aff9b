//! Events: the facts appended to the log.
//!
//! Each capability declares its own events, in its `events.rs` (their fields, docs, field
//! checks and which of them are the operator's own acts); `gather_events!` collects them, in
//! the order `for_each_capability!` (in `lib.rs`) lists the capabilities, into the one
//! [`Event`] enum the log holds.

use serde::{Deserialize, Serialize};

// The declarations name their field types bare, as written in their capability's module (the
// layout is read from the name, see `field_layout!`), and are compiled here: the crate's
// public names are what they resolve against.
use crate::*;
use time::Date;

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

/// Collects every capability's event declarations: `[capability modules still to visit]`
/// then what was gathered so far. Each capability's `events!` macro is given this macro's
/// name, appends its own declarations and hands back here; when none is left,
/// [`declare_events!`] makes the enum.
macro_rules! gather_events {
    ([] $($gathered:tt)*) => {
        declare_events! { $($gathered)* }
    };
    ([$next:ident $(, $rest:ident)*] $($gathered:tt)*) => {
        crate::$next::events! { gather_events [$($rest),*] $($gathered)* }
    };
    // From `for_each_capability!`: nothing gathered yet.
    ($($capability:ident: $ty:ident => $summary:ident),+ $(,)?) => {
        gather_events! { [$($capability),+] }
    };
}

/// Makes the events from every capability's declarations, each event once: `"type.tag" =>
/// Variant { field: Type, ... }` with their doc comments and serde attributes. Makes the
/// [`Event`] enum, [`Event::KINDS`] in declaration order, [`Event::kind`], which capability
/// owns each event ([`Owner`]), [`Event::OPERATOR_KINDS`], the [`LAYOUTS`] of decoding, and
/// [`Event::validate`] and [`Event::check_new`] from each capability's match arms, so that a
/// type tag, its owner and its field list cannot disagree between them.
///
/// A field's type is written as a bare name with at most one type argument (`Option<BodyId>`,
/// `Vec<Date>`, not `time::Date`), because the layout is read from that name (see
/// [`field_layout!`]); any other form of type does not match and fails to compile.
macro_rules! declare_events {
    ($(
        $capability:ident: $owner:ident {
            events {
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
            operator_acts [$($operator:literal),* $(,)?]
            validate { $($validate:tt)* }
            check_new { $($check_new:tt)* }
        }
    )*) => {
        /// An event as submitted by a client. It has no timestamp: the sequencer assigns one when it
        /// appends the event to the log, producing an [`crate::Entry`].
        ///
        /// The JSON form is an object with a `type` tag; unknown types and unknown fields are refused
        /// so that a typo never silently becomes a different, valid event.
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "type", deny_unknown_fields)]
        pub enum Event {
            $($(
                $(#[$variant_attr])*
                #[serde(rename = $tag)]
                $variant { $($(#[$field_attr])* $field: $ty $(<$arg>)?),* },
            )*)*
        }

        /// The capability that rules on an event, one per module in `for_each_capability!`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Owner {
            $($owner,)*
        }

        pub(crate) const LAYOUTS: &[Layout] =
            &[$($(Layout { kind: $tag, fields: &[$(field_layout!($field, $ty)),*] },)*)*];

        impl Event {
            /// All type tags, in the order the events are declared.
            pub const KINDS: [&'static str; [$($($tag,)*)*].len()] = [$($($tag,)*)*];

            /// The members an event of `kind` may carry besides `type`, in declaration order
            /// (none for an unknown kind): what a page that shows an event labels.
            pub fn members(kind: &str) -> impl Iterator<Item = &'static str> + '_ {
                LAYOUTS.iter().filter(move |l| l.kind == kind).flat_map(|l| l.fields.iter().map(|f| f.name))
            }

            /// The operator's own acts: the type tags the operator may publish on its own
            /// authority (with the API token), because they are decisions of the deployment and
            /// name no person as their author. Every other event is an act of a person (an
            /// administrator, a moderator, an official, a citizen), which only that person's
            /// signed-in session may submit, or an event the rules require, which only the
            /// server's rules log.
            ///
            /// A type tag absent from this list is refused to the token, so a new event kind is a
            /// person's act until its capability says otherwise.
            pub const OPERATOR_KINDS: [&'static str; [$($($operator,)*)*].len()] = [$($($operator,)*)*];

            /// The `type` tag, e.g. `"body.registered"`.
            pub fn kind(&self) -> &'static str {
                match self {
                    $($(Event::$variant { .. } => $tag,)*)*
                }
            }

            /// The capability whose rules decide on this event.
            pub(crate) fn owner(&self) -> Owner {
                match self {
                    $($(Event::$variant { .. } => Owner::$owner,)*)*
                }
            }

            /// Checks the fields on their own (not against the state; see [`crate::State::check`]),
            /// including that any entry carrying this event fits in [`crate::MAX_ENTRY_BYTES`].
            pub fn validate(&self) -> Result<(), EventError> {
                match self {
                    $($($validate)*)*
                    _ => {}
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
                self.validate()?;
                match self {
                    $($($check_new)*)*
                    _ => {}
                }
                Ok(())
            }
        }
    };
}

for_each_capability!(gather_events);

impl Event {
    /// Whether the type tag `kind` is one of the operator's own acts ([`Event::OPERATOR_KINDS`]).
    pub fn is_operator_kind(kind: &str) -> bool {
        Self::OPERATOR_KINDS.contains(&kind)
    }

    /// Whether this event is one of the operator's own acts ([`Event::OPERATOR_KINDS`]),
    /// which the operator may publish without acting as anyone.
    pub fn is_operator_act(&self) -> bool {
        Self::is_operator_kind(self.kind())
    }
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
        let a = || id::<AppealId>("a-1");
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
            Event::DeploymentConfigured { name: lt("dauys"), utc_offset_minutes: 300, act_rule: Some(2) },
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
                territory: Some(id("akmola")),
                competences: Some(vec![id("roads"), id("schools")]),
            },
            Event::BodyRenamed { body: id("mon"), name: lt("mosh") },
            Event::BodyMerged { bodies: vec![id("a"), id("b")], into: id("c") },
            Event::BodySplit {
                body: id("mon"),
                successors: vec![id("mos"), id("moh")],
                rule: SplitRule::Named,
                otherwise: id("mos"),
                cases: Some(vec![CaseAssignment { case: id("a-1"), to: id("moh") }]),
            },
            Event::BodyAbolished { body: id("mon"), successor: id("mos") },
            Event::PersonVerified {
                person: ps(1),
                locality: id("akmola/kokshetau"),
                method: VerificationMethod::Manual,
                by: Some(admin()),
            },
            Event::PersonErased { person: ps(1) },
            Event::RoleGranted {
                account: id("u-off"),
                role: Role::Official,
                body: Some(id("mon")),
                by: Some(admin()),
                name: Some("Айгүл Серікова, бас маман".into()),
            },
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
            signer_registered(),
            Event::SignerRevoked { account: id("u-off"), key: "0123456789abcdef".into() },
            Event::NoticePublished { notice: id("n"), title: lt("t"), text: lt("x") },
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
            Event::PetitionReassigned { petition: p(), from: id("akmola-akimat"), to: id("akmola-akimat-2") },
            Event::AppealRulesPublished { rules: crate::kazakhstan_appeal_rules(vec![topic("roads")]) },
            Event::AppealFiled {
                appeal: a(),
                applicant: ps(3),
                body: id("mon"),
                kind: AppealKind::Complaint,
                topic: id("roads"),
                place: Some(id("akmola/kokshetau")),
                visibility: Visibility::Public,
                title: Some(pt("The road")),
                text: Some(pt("Please repair it.")),
                attachments: Some(vec![Attachment {
                    digest: Commitment::from_digest(&[9; 32]),
                    bytes: 1_000,
                    media_type: MediaType::Pdf,
                }]),
                sealed: None,
                complaint_about: Some(id("a-0")),
            },
            Event::AppealFiled {
                appeal: id("a-2"),
                applicant: ps(4),
                body: id("mon"),
                kind: AppealKind::InformationRequest,
                topic: id("roads"),
                place: None,
                visibility: Visibility::Private,
                title: None,
                text: None,
                attachments: None,
                sealed: Some(Commitment::from_digest(&[5; 32])),
                complaint_about: None,
            },
            Event::AppealForwarded { appeal: a(), by: id("u-off"), to: id("moh"), reason: "roads".into() },
            Event::AppealReassigned { appeal: a(), from: id("mon"), to: id("mos") },
            Event::AppealClarificationRequested {
                appeal: a(),
                by: id("u-off"),
                question: Some(pt("Which road?")),
                sealed: None,
            },
            Event::AppealClarificationRequested {
                appeal: a(),
                by: id("u-off"),
                question: None,
                sealed: Some(Commitment::from_digest(&[6; 32])),
            },
            Event::AppealClarified {
                appeal: a(),
                by: ps(3),
                reply: None,
                sealed: Some(Commitment::from_digest(&[4; 32])),
            },
            Event::AppealClarified { appeal: a(), by: ps(3), reply: Some(pt("The one to school")), sealed: None },
            Event::AppealExtended {
                appeal: a(),
                by: id("u-head"),
                decided_on: date!(2026 - 03 - 02),
                until: date!(2026 - 04 - 30),
                reason: "an inspection".into(),
            },
            Event::AppealAnswered {
                appeal: a(),
                by: id("u-off"),
                outcome: AppealOutcome::PartlySatisfied,
                answer: Some(pt("Repaired in May.")),
                sealed: None,
            },
            Event::AppealAnswered {
                appeal: a(),
                by: id("u-off"),
                outcome: AppealOutcome::Refused,
                answer: None,
                sealed: Some(Commitment::from_digest(&[8; 32])),
            },
            Event::AppealOverdue { appeal: a() },
            Event::AppealRated { appeal: a(), by: ps(3), rating: 4 },
        ]
    }

    /// A registration whose proof verifies, as decoding requires.
    fn signer_registered() -> Event {
        use base64::Engine as _;
        use ed25519_dalek::Signer as _;
        let holder = ed25519_dalek::SigningKey::from_bytes(&[5; 32]);
        let key = base64::engine::general_purpose::STANDARD.encode(holder.verifying_key().as_bytes());
        let statement = crate::signers::key_proof_statement(&id("u-off"), &key);
        let proof = base64::engine::general_purpose::STANDARD.encode(holder.sign(&statement).to_bytes());
        Event::SignerRegistered { account: id("u-off"), key, proof }
    }

    /// The newest rule on signed acts requires a signature on every act that has an author
    /// (a key holder's), so an event kind added with an author cannot be left out of it.
    #[test]
    fn the_latest_rule_requires_every_authored_act_signed() {
        for event in examples() {
            if crate::act_author(&event).is_some() {
                assert!(crate::signature_required(crate::ACT_RULE_LATEST, event.kind()), "{}", event.kind());
            }
        }
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

    /// Field checks are match arms each capability writes, and an event no arm matches passes
    /// unchecked. So every string in every kind's example is given a direction override:
    /// where the event still parses (a free text, not an id, a code or a date), `check_new`
    /// must refuse it.
    #[test]
    fn check_new_refuses_an_override_in_every_free_text() {
        use serde_json::Value;
        fn strings(value: &Value, pointer: String, out: &mut Vec<String>) {
            match value {
                Value::String(_) => out.push(pointer),
                Value::Array(items) => {
                    items.iter().enumerate().for_each(|(i, v)| strings(v, format!("{pointer}/{i}"), out))
                }
                Value::Object(members) => members.iter().for_each(|(k, v)| strings(v, format!("{pointer}/{k}"), out)),
                _ => {}
            }
        }
        let mut free_texts = std::collections::BTreeSet::new();
        for event in examples() {
            assert_eq!(event.check_new(), Ok(()), "{event:?}");
            let json = serde_json::to_value(&event).expect("serializes");
            let mut pointers = Vec::new();
            strings(&json, String::new(), &mut pointers);
            for pointer in pointers.into_iter().filter(|p| p != "/type") {
                let mut changed = json.clone();
                let leaf = changed.pointer_mut(&pointer).expect("a string member");
                *leaf = Value::String(format!("{}\u{202E}", leaf.as_str().unwrap_or_default()));
                let Ok(changed) = serde_json::from_value::<Event>(changed) else { continue };
                assert!(changed.check_new().is_err(), "{}{pointer} takes an override", event.kind());
                free_texts.insert(format!("{}{pointer}", event.kind()));
            }
        }
        // Free texts are in most kinds; the test found them, so it can fail.
        for text in ["notice.published/title/kk", "petition.drafted/text/ru", "personal_data.opened/case"] {
            assert!(free_texts.contains(text), "{text} not tried: {free_texts:?}");
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
        let dep = |m| Event::DeploymentConfigured { name: lt("x"), utc_offset_minutes: m, act_rule: None };
        assert!(dep(300).validate().is_ok());
        assert!(dep(-720).validate().is_ok());
        assert_eq!(code(dep(841)), "utc-offset-out-of-range");
        let rule = |v| Event::DeploymentConfigured { name: lt("x"), utc_offset_minutes: 300, act_rule: v };
        for known in [None, Some(1), Some(crate::ACT_RULE_LATEST)] {
            assert!(rule(known).validate().is_ok(), "{known:?}");
        }
        assert_eq!(code(rule(Some(0))), "unknown-act-rule");
        assert_eq!(code(rule(Some(crate::ACT_RULE_LATEST + 1))), "unknown-act-rule");
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
