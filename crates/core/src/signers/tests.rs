use ed25519_dalek::{Signer as _, SigningKey};

use super::*;
use crate::acts::act_statement;
use crate::{Entry, Role, State, Timestamp};
use crate::{Event, RuleError};

fn account(s: &str) -> AccountId {
    s.parse().expect("account id")
}

/// A person's key, as their browser would hold it.
struct Holder {
    key: SigningKey,
}

impl Holder {
    fn new(seed: u8) -> Holder {
        Holder { key: SigningKey::from_bytes(&[seed; 32]) }
    }

    fn public(&self) -> String {
        STANDARD.encode(self.key.verifying_key().as_bytes())
    }

    fn id(&self) -> String {
        signer_key_id(self.key.verifying_key().as_bytes())
    }

    fn registration(&self, account: &AccountId) -> Event {
        let key = self.public();
        let proof = STANDARD.encode(self.key.sign(&key_proof_statement(account, &key)).to_bytes());
        Event::SignerRegistered { account: account.clone(), key, proof }
    }

    fn sign(&self, event: &Event) -> ActSignature {
        ActSignature { key: self.id(), sig: STANDARD.encode(self.key.sign(&act_statement(event)).to_bytes()) }
    }
}

struct Log {
    state: State,
    at: u64,
}

impl Log {
    fn new() -> Log {
        Log { state: State::new(), at: 1_780_000_000_000 }
    }

    fn submit(&mut self, event: Event, signature: Option<ActSignature>) -> Result<(), RuleError> {
        self.at += 1000;
        let index = crate::LogIndex(self.state.size());
        let entry = Entry::signed(Timestamp(self.at), event, signature);
        // What is applied is what the log holds: the entry's canonical bytes, decoded.
        let entry = Entry::decode(&entry.encode()).expect("the entry round-trips");
        self.state.apply(index, &entry)
    }

    fn code(&mut self, event: Event, signature: Option<ActSignature>) -> &'static str {
        match self.submit(event, signature) {
            Ok(()) => "accepted",
            Err(e) => e.code(),
        }
    }
}

fn grant(to: &AccountId, by: &AccountId) -> Event {
    Event::RoleGranted { account: to.clone(), role: Role::Moderator, body: None, by: Some(by.clone()), name: None }
}

#[test]
fn once_a_person_holds_a_key_only_their_signature_acts_for_them() {
    let (admin, other) = (account("u-admin"), account("u-moderator"));
    let alice = Holder::new(1);
    let mut log = Log::new();
    let first =
        Event::RoleGranted { account: admin.clone(), role: Role::Administrator, body: None, by: None, name: None };
    log.submit(first, None).expect("the first administrator");
    // Before a key, an unsigned act is the account's (as every act was before signing keys).
    log.submit(alice.registration(&admin), None).expect("the first key needs only its proof");

    // Now the operator cannot act for her: unsigned, signed by another key, or altered.
    let revoke_first =
        Event::RoleRevoked { account: admin.clone(), role: Role::Administrator, body: None, by: admin.clone() };
    assert_eq!(log.code(revoke_first, None), "act-not-signed");
    let mallory = Holder::new(9);
    assert_eq!(log.code(grant(&other, &admin), Some(mallory.sign(&grant(&other, &admin)))), "bad-act-signature");
    let signed_for_someone_else = alice.sign(&grant(&account("u-else"), &admin));
    assert_eq!(log.code(grant(&other, &admin), Some(signed_for_someone_else)), "bad-act-signature");
    let size = log.state.size();
    // Her own signature acts.
    assert_eq!(log.code(grant(&other, &admin), Some(alice.sign(&grant(&other, &admin)))), "accepted");
    assert_eq!(log.state.size(), size + 1);

    // A second key is registered only by an act she signs with the first.
    let phone = Holder::new(2);
    assert_eq!(log.code(phone.registration(&admin), None), "act-not-signed");
    assert_eq!(log.code(phone.registration(&admin), Some(alice.sign(&phone.registration(&admin)))), "accepted");
    // The same key cannot be registered twice, to anyone.
    assert_eq!(log.code(phone.registration(&other), None), "signer-key-exists");

    // A revoked key signs nothing from then on; the other still does.
    let revoke = Event::SignerRevoked { account: admin.clone(), key: alice.id() };
    assert_eq!(log.code(revoke.clone(), Some(phone.sign(&revoke))), "accepted");
    let again = Event::RoleRevoked { account: other.clone(), role: Role::Moderator, body: None, by: admin.clone() };
    assert_eq!(log.code(again.clone(), Some(alice.sign(&again))), "bad-act-signature");
    assert_eq!(log.code(again.clone(), Some(phone.sign(&again))), "accepted");

    // An act not (yet) among those that must be signed goes unsigned; signed, it is checked.
    let imported =
        Event::RegistryImported { records: 3, digest: crate::Commitment::from_digest(&[9; 32]), by: admin.clone() };
    assert_eq!(log.code(imported.clone(), Some(alice.sign(&imported))), "bad-act-signature", "alice's key is revoked");
    assert_eq!(log.code(imported, None), "accepted");

    // A registry verification names the importing administrator but is not their act: it
    // goes unsigned while they hold a key, and cannot be signed for them.
    let claimed = Event::PersonVerified {
        person: crate::test_world::ps(2),
        locality: "astana".parse().expect("locality"),
        method: crate::VerificationMethod::Registry,
        by: Some(admin.clone()),
    };
    assert_eq!(log.code(claimed.clone(), Some(phone.sign(&claimed))), "bad-act-signature");
    assert_eq!(log.code(claimed, None), "accepted");
    let manual = Event::PersonVerified {
        person: crate::test_world::ps(3),
        locality: "astana".parse().expect("locality"),
        method: crate::VerificationMethod::Manual,
        by: Some(admin.clone()),
    };
    assert_eq!(log.code(manual.clone(), None), "act-not-signed");
    assert_eq!(log.code(manual.clone(), Some(phone.sign(&manual))), "accepted");

    // A signature on an event no person acts in is refused.
    let notice = Event::NoticePublished {
        notice: "n".parse().expect("id"),
        title: crate::test_world::lt("t"),
        text: crate::test_world::lt("t"),
    };
    assert_eq!(log.code(notice.clone(), Some(phone.sign(&notice))), "bad-act-signature");

    // What the rules decided survives a reload from the projection rows.
    let reloaded = State::from_rows(log.state.rows()).expect("rows reload");
    assert_eq!(reloaded, log.state);
    let keys = reloaded.registry().signers(&admin).expect("her keys");
    assert_eq!(keys.in_force().map(|k| k.id.clone()).collect::<Vec<_>>(), [phone.id()]);
}

#[test]
fn a_registration_must_prove_its_key_and_a_revocation_name_one_in_force() {
    let admin = account("u-admin");
    let alice = Holder::new(1);
    // Proof by another key, or for another account: invalid on its own.
    let mut stolen = alice.registration(&admin);
    if let Event::SignerRegistered { key, .. } = &mut stolen {
        *key = Holder::new(3).public();
    }
    assert_eq!(stolen.validate().map_err(|e| e.code()), Err("invalid-signer-key"));
    let mut moved = alice.registration(&admin);
    if let Event::SignerRegistered { account: a, .. } = &mut moved {
        *a = account("u-other");
    }
    assert!(moved.validate().is_err());
    for bad in ["", "AAAA", &STANDARD.encode([0u8; 32])] {
        assert!(parse_public_key(bad).is_err(), "{bad:?}");
    }
    let mut log = Log::new();
    let unknown = Event::SignerRevoked { account: admin.clone(), key: alice.id() };
    assert_eq!(log.code(unknown, None), "unknown-signer-key");
    assert_eq!(
        Event::SignerRevoked { account: admin, key: "XYZ".into() }.validate().map_err(|e| e.code()),
        Err("invalid-signer-key")
    );
}

#[test]
fn an_account_holds_at_most_ten_keys_in_force() {
    let admin = account("u-admin");
    let mut log = Log::new();
    let first = Holder::new(1);
    log.submit(first.registration(&admin), None).expect("first");
    for seed in 2..=MAX_SIGNER_KEYS as u8 {
        let next = Holder::new(seed).registration(&admin);
        log.submit(next.clone(), Some(first.sign(&next))).expect("more keys");
    }
    let one_too_many = Holder::new(50).registration(&admin);
    assert_eq!(log.code(one_too_many.clone(), Some(first.sign(&one_too_many))), "too-many-signer-keys");
}

/// The statement is the event's canonical JSON after a fixed line: a known answer, so that
/// a browser or a second implementation can build the same bytes.
#[test]
fn the_act_statement_is_the_canonical_event() {
    let event = Event::PetitionAccepted { petition: "p-1".parse().expect("id"), by: account("u-7") };
    assert_eq!(
        String::from_utf8(act_statement(&event)).expect("utf-8"),
        "dauys-act/v1\n{\"by\":\"u-7\",\"petition\":\"p-1\",\"type\":\"petition.accepted\"}"
    );
    assert_eq!(
        String::from_utf8(key_proof_statement(&account("u-7"), "KEY")).expect("utf-8"),
        "dauys-signer/v1\nu-7\nKEY\n"
    );
}

/// Version 2 of the rule also requires an official's opening of personal data and their
/// answer and request for clarification of an appeal to be signed; a log runs under the
/// last version a `deployment.configured` named (none: 1), which never goes down.
#[test]
fn the_acts_that_must_be_signed_follow_the_version_the_log_names() {
    let official = account("u-official");
    let key = Holder::new(4);
    let mut log = Log::new();
    let configure = |act_rule| Event::DeploymentConfigured {
        name: crate::test_world::lt("dauys"),
        utc_offset_minutes: 300,
        act_rule,
    };
    log.submit(configure(None), None).expect("a log configured before versions");
    log.submit(key.registration(&official), None).expect("her first key");
    let opening = Event::PersonalDataOpened {
        subject: crate::Commitment::from_digest(&[7; 32]),
        body: "akimat".parse().expect("id"),
        official: official.clone(),
        basis: "appeal".parse().expect("basis"),
        purpose: "to answer the appeal".into(),
        case: "a-1".into(),
    };
    // Under version 1 the opening may go unsigned: past the signature rule, its own rules
    // refuse it here (no bases published), so the code names that rule, not the signature.
    let own_rules = log.code(opening.clone(), None);
    assert_ne!(own_rules, "act-not-signed");
    assert_eq!(log.code(configure(Some(2)), None), "accepted");
    assert_eq!(log.code(opening.clone(), None), "act-not-signed");
    assert_eq!(log.code(opening.clone(), Some(Holder::new(5).sign(&opening))), "bad-act-signature");
    assert_eq!(log.code(opening.clone(), Some(key.sign(&opening))), own_rules, "signed, only its own rules remain");
    for kind in [
        "appeal.answered",
        "appeal.clarification_requested",
        "personal_data.opened",
        "registry.imported",
        "key.rotated",
    ] {
        assert!(!crate::signature_required(1, kind) && crate::signature_required(2, kind), "{kind}");
    }

    // The version never goes back; a configuration that names none keeps it.
    assert_eq!(log.code(configure(Some(1)), None), "act-rule-lowered");
    assert_eq!(log.code(configure(None), None), "accepted");
    assert_eq!(log.state.registry().act_rule(), 2);
    assert_eq!(log.code(opening.clone(), None), "act-not-signed");
    assert_eq!(log.code(configure(Some(2)), None), "accepted");
    let reloaded = State::from_rows(log.state.rows()).expect("rows reload");
    assert_eq!(reloaded.registry().act_rule(), 2);
}
