//! Which events are a person's acts, what they sign, and the rule on an entry's signature
//! (see [`crate::signers`] for the keys).

use crate::canonical::to_canonical;
use crate::signers::{parse_public_key, verifies, ActKeys, ActSignature};
use crate::{AccountId, Event, RuleError, VerificationMethod};

/// What a person signs for an act: a fixed first line, then the event's canonical JSON. The
/// timestamp is not in it: the sequencer assigns it after the person signed.
pub fn act_statement(event: &Event) -> Vec<u8> {
    let value = match serde_json::to_value(event) {
        Ok(v) => v,
        Err(e) => unreachable!("event serialization cannot fail: {e}"),
    };
    let json = match to_canonical(&value) {
        Ok(s) => s,
        Err(e) => unreachable!("events contain no floats (found one at {})", e.path),
    };
    let mut statement = b"dauys-act/v1\n".to_vec();
    statement.extend_from_slice(json.as_bytes());
    statement
}

/// The account whose act `event` is, if it is a person's act that names its author by
/// account: the one whose key must sign it once they hold one.
pub fn act_author(event: &Event) -> Option<&AccountId> {
    match event {
        Event::RoleGranted { by, .. } => by.as_ref(),
        // A registry verification is the person's own claim, made with the code sent to them;
        // the administrator it names acted, and signs, when importing the file
        // (`registry.imported`).
        Event::PersonVerified { by, method: VerificationMethod::Manual, .. } => by.as_ref(),
        Event::RoleRevoked { by, .. }
        | Event::RegistryImported { by, .. }
        | Event::KeyRotated { by, .. }
        | Event::PetitionAccepted { by, .. }
        | Event::PetitionRejected { by, .. }
        | Event::SignatureInvalidated { by, .. }
        | Event::ObligationAnswered { by, .. }
        | Event::AppealForwarded { by, .. }
        | Event::AppealClarificationRequested { by, .. }
        | Event::AppealExtended { by, .. }
        | Event::AppealAnswered { by, .. } => Some(by),
        Event::PersonalDataOpened { official, .. } => Some(official),
        Event::SignerRegistered { account, .. } | Event::SignerRevoked { account, .. } => Some(account),
        _ => None,
    }
}

/// The acts an author who holds a key in force must sign under version 1 of the rule: those
/// whose pages signed them when signing keys came. A log that names no version (SPEC §1.1,
/// `deployment.configured`'s `act_rule`) is under this one, so it replays as it was written.
pub const SIGNATURE_REQUIRED_V1: [&str; 11] = [
    "person.verified",
    "appeal.forwarded",
    "appeal.extended",
    "obligation.answered",
    "petition.accepted",
    "petition.rejected",
    "signature.invalidated",
    "role.granted",
    "role.revoked",
    "signer.registered",
    "signer.revoked",
];

/// What version 2 of the rule adds: an official's opening of personal data, an official's
/// answer and request for clarification of an appeal (their pages sign them before anything
/// is sealed or shown), and an administrator's registry import and key rotation (their
/// pages sign them before anything is stored) — every act that has an author.
pub const SIGNATURE_REQUIRED_V2: [&str; 5] =
    ["personal_data.opened", "appeal.answered", "appeal.clarification_requested", "registry.imported", "key.rotated"];

/// Whether an act of `kind` must be signed (by an author who holds a key in force) under
/// `version` of the rule.
pub fn signature_required(version: u16, kind: &str) -> bool {
    SIGNATURE_REQUIRED_V1.contains(&kind) || (version >= 2 && SIGNATURE_REQUIRED_V2.contains(&kind))
}

/// The rule on an entry's signature, before its event's own rules: a signature must be by a
/// key in force of the act's author and verify over the act; an act that `version` of the
/// rule requires signed ([`signature_required`]) by an account holding a key in force must
/// carry one. `keys` gives an account's keys.
pub fn check_act<'a>(
    version: u16,
    event: &Event,
    signature: Option<&ActSignature>,
    keys: impl Fn(&AccountId) -> Option<&'a ActKeys>,
) -> Result<(), RuleError> {
    let author = act_author(event);
    let held = author.and_then(&keys);
    match (signature, author) {
        (None, Some(author))
            if signature_required(version, event.kind()) && held.is_some_and(|s| s.in_force().next().is_some()) =>
        {
            Err(RuleError::ActNotSigned { account: author.to_string() })
        }
        (None, _) => Ok(()),
        (Some(_), None) => {
            Err(RuleError::BadActSignature { reason: format!("`{}` names no person who acts", event.kind()) })
        }
        (Some(sig), Some(author)) => {
            let key = held.and_then(|s| s.in_force().find(|k| k.id == sig.key)).ok_or_else(|| {
                RuleError::BadActSignature {
                    reason: format!("key {} is not a key in force of account {author}", sig.key),
                }
            })?;
            let public = parse_public_key(&key.public).map_err(RuleError::from)?;
            if !verifies(&public, &act_statement(event), &sig.sig) {
                return Err(RuleError::BadActSignature {
                    reason: format!("the signature by key {} does not verify over this act", sig.key),
                });
            }
            Ok(())
        }
    }
}
