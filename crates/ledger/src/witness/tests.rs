use super::*;
use crate::builder::TreeBuilder;
use crate::hash::leaf_hash;
use crate::note::NoteSigner;
use crate::proof::{consistency_proof, TileHashSource};
use crate::tile::TileId;

const LOG: &str = "example.com/log";

fn cosigner(name: &str, seed: u8) -> Cosigner {
    Cosigner::from_seed(name, [seed; 32]).unwrap()
}

/// A tree of `size` entries; from index `fork_from` on, its entries differ from the honest log's.
fn tree(size: u64, fork_from: u64) -> (Hash, Vec<(TileId, Vec<u8>)>) {
    let mut tree = TreeBuilder::new();
    for i in 0..size {
        let body = if i >= fork_from { format!("forked {i}") } else { format!("entry {i}") };
        tree.append(leaf_hash(body.as_bytes()));
    }
    (tree.root(), tree.take_changed_tiles())
}

fn proof(tiles: &[(TileId, Vec<u8>)], old: u64, new: u64) -> Vec<Hash> {
    let source = TileHashSource::new(|level, index| {
        tiles
            .iter()
            .find(|(id, _)| id.level == level && id.index == index)
            .map(|(_, bytes)| bytes.clone())
            .ok_or(LedgerError::MissingTile { level, index, needed: 1, have: 0 })
    });
    consistency_proof(&source, old, new).unwrap()
}

fn log_signer() -> NoteSigner {
    NoteSigner::from_seed(LOG, [7; 32]).unwrap()
}

fn signed(signer: &NoteSigner, size: u64, root: Hash) -> String {
    Checkpoint { origin: LOG.into(), size, root, extensions: vec![] }.sign(signer).unwrap()
}

// Known answers from elsewhere ------------------------------------------------------------

/// A cosignature key published by a witness of the public network (transparency-dev/formats,
/// note/note_cosigv1_test.go): its key id only checks out if ours is computed with 0x04.
#[test]
fn a_published_witness_key_parses_with_its_key_id() {
    let vkey = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2";
    let v = CosignatureVerifier::from_vkey(vkey).unwrap();
    assert_eq!((v.name(), v.key_id()), ("remora.n621.de", 0xda77ade7));
    assert_eq!(v.vkey(), vkey);
    let wrong_id = vkey.replace("da77ade7", "da77ade8");
    assert!(matches!(CosignatureVerifier::from_vkey(&wrong_id), Err(LedgerError::KeyIdMismatch { .. })));
    // A note (0x01) key is not a cosignature key, and the other way round.
    assert!(NoteVerifier::from_vkey(vkey).is_err());
    let note_key = log_signer().vkey();
    assert!(CosignatureVerifier::from_vkey(&note_key).is_err());
}

/// The signed message and the line layout of the spec's example (C2SP tlog-cosignature):
/// key id, then the time as 8 big-endian bytes, then 64 bytes of signature.
#[test]
fn the_spec_example_message_and_line_layout() {
    let text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    assert_eq!(
        cosigned_message(text, 1679315147),
        "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    );
    let example = format!(
        "{text}\n\u{2014} example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n\u{2014} witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
    );
    let note = Note::parse(&example).unwrap();
    let line = &note.signatures[1];
    assert_eq!(line.signature.len(), 8 + 64);
    assert_eq!(u64::from_be_bytes(line.signature[..8].try_into().unwrap()), 1679315147);
    // Mine would have the same layout.
    let mine = Note::parse(&format!("{text}\n{}", cosigner("w", 1).cosign(text, 1679315147).unwrap())).unwrap();
    assert_eq!(mine.signatures[0].signature[..8], line.signature[..8]);
}

/// The example request of C2SP tlog-witness parses, and prints back byte for byte.
#[test]
fn the_spec_example_request_round_trips() {
    let body = "old 20852014\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\njrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\u{2014} example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n\u{2014} example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n";
    let request = AddCheckpoint::parse(body).unwrap();
    assert_eq!(request.old_size, 20852014);
    assert_eq!(request.proof.len(), 4);
    assert!(request.checkpoint.starts_with("example.com/behind-the-sofa\n20852163\n"));
    assert_eq!(request.to_body(), body);
}

// Cosignatures ------------------------------------------------------------------------------

#[test]
fn a_cosignature_verifies_and_carries_its_time() {
    let w = cosigner("witness.example/w1", 1);
    let note = signed(&log_signer(), 5, tree(5, u64::MAX).0);
    let text = Note::parse(&note).unwrap().text;
    let cosigned = format!("{note}{}", w.cosign(&text, 1_700_000_000).unwrap());
    let parsed = Note::parse(&cosigned).unwrap();
    assert_eq!(w.verifier().verify(&parsed), Ok(1_700_000_000));
    // The log's own signature still verifies on the cosigned note.
    parsed.verify(&log_signer().verifier()).unwrap();

    // Another witness finds no line of its own.
    let other = cosigner("witness.example/w2", 2).verifier();
    assert!(matches!(other.verify(&parsed), Err(LedgerError::NoMatchingSignature { .. })));
    // An altered tree size, or an altered time, breaks it.
    let altered = cosigned.replacen("\n5\n", "\n6\n", 1);
    assert!(matches!(w.verifier().verify(&Note::parse(&altered).unwrap()), Err(LedgerError::InvalidSignature { .. })));
    let mut retimed = parsed.clone();
    retimed.signatures[1].signature[7] ^= 1;
    assert!(matches!(w.verifier().verify(&retimed), Err(LedgerError::InvalidSignature { .. })));
    // A note signature by the same seed is not a cosignature (its key id differs: 0x01).
    let as_note = NoteSigner::from_seed("witness.example/w1", [1; 32]).unwrap().sign(&text).unwrap();
    assert!(w.verifier().verify(&Note::parse(&as_note).unwrap()).is_err());
}

#[test]
fn witness_keys_round_trip_and_bad_ones_are_refused() {
    let w = cosigner("witness.example/w1", 3);
    let again = Cosigner::from_skey(&w.to_skey()).unwrap();
    assert_eq!(again.vkey(), w.vkey());
    assert_eq!(CosignatureVerifier::from_vkey(&w.vkey()).unwrap(), w.verifier());
    assert!(Cosigner::from_skey(&log_signer().to_skey()).is_err(), "a note key (0x01) is not a witness key");
    assert!(Cosigner::from_skey(&w.to_skey().replacen("+KEY+", "+KEX+", 1)).is_err());
    assert!(Cosigner::from_seed("has space", [1; 32]).is_err());
    assert!(!format!("{w:?}").contains(&w.to_skey()[30..]), "Debug must not print the key");
}

// Policies ----------------------------------------------------------------------------------

#[test]
fn a_policy_counts_valid_cosignatures_by_distinct_listed_witnesses() {
    let witnesses: Vec<Cosigner> = (1..=3).map(|i| cosigner(&format!("w{i}.example"), i)).collect();
    let policy = WitnessPolicy::new(witnesses.iter().map(Cosigner::verifier).collect(), 2).unwrap();
    let note = signed(&log_signer(), 3, tree(3, u64::MAX).0);
    let text = Note::parse(&note).unwrap().text;
    let with = |signers: &[&Cosigner]| {
        let lines: String = signers.iter().map(|w| w.cosign(&text, 10).unwrap()).collect();
        Note::parse(&format!("{note}{lines}")).unwrap()
    };
    assert!(matches!(
        policy.check(&with(&[&witnesses[0]])),
        Err(LedgerError::NotEnoughCosignatures { have: 1, need: 2, of: 3 })
    ));
    // The same witness twice is one witness.
    assert!(policy.check(&with(&[&witnesses[0], &witnesses[0]])).is_err());
    // A witness nobody listed does not count.
    let stranger = cosigner("stranger.example", 9);
    assert!(policy.check(&with(&[&witnesses[0], &stranger])).is_err());
    let found = policy.check(&with(&[&witnesses[2], &witnesses[0]])).unwrap();
    assert_eq!(found.len(), 2);
    // A broken line by a listed witness counts as missing, and does not veto the others.
    let mut broken = with(&[&witnesses[0], &witnesses[1], &witnesses[2]]);
    broken.signatures[3].signature[20] ^= 1;
    assert_eq!(policy.check(&broken).unwrap().len(), 2);

    assert!(WitnessPolicy::new(vec![], 0).is_err());
    assert!(WitnessPolicy::new(vec![witnesses[0].verifier()], 2).is_err());
    let twice = vec![witnesses[0].verifier(), witnesses[0].verifier()];
    assert!(matches!(WitnessPolicy::new(twice, 1), Err(LedgerError::InvalidPolicy { .. })));
}

// The add-checkpoint request and the witness's checks -----------------------------------------

#[test]
fn malformed_requests_are_refused() {
    for (body, why) in [
        ("old 1\n\n", "checkpoint"),
        ("old 01\n\nx\n", "leading zeros"),
        ("old -1\n\nx\n", "negative"),
        ("olde 1\n\nx\n", "keyword"),
        ("old 1\nnot base64\n\nx\n", "proof line"),
        ("old 1", "no blank line"),
    ] {
        let parsed = AddCheckpoint::parse(body);
        assert!(parsed.is_err() || why == "checkpoint", "{why}: {parsed:?}");
    }
    let too_long = format!("old 1\n{}\nx\n", format!("{}\n", Hash([0; 32]).to_base64()).repeat(64));
    assert!(AddCheckpoint::parse(&too_long).is_err());
    assert!(AddCheckpoint::parse(&"x".repeat(MAX_ADD_CHECKPOINT_BYTES + 1)).is_err());
}

#[test]
fn a_witness_follows_one_log_and_refuses_a_fork() {
    let log = log_signer();
    let keys = [log.verifier()];
    let trusted = |origin: &str| (origin == LOG).then_some(&keys[..]);
    let (root4, _) = tree(4, u64::MAX);
    let (root10, tiles10) = tree(10, u64::MAX);
    let check = |old: u64, proof: Vec<Hash>, note: String, latest: Option<Witnessed>| {
        check_add_checkpoint(&AddCheckpoint { old_size: old, proof, checkpoint: note }, trusted, |_| latest)
            .map(|(_, c)| (c.size, c.root))
    };
    let at4 = Some(Witnessed { size: 4, root: root4 });

    // First sight, then growth with a proof, then the same checkpoint again.
    assert_eq!(check(0, vec![], signed(&log, 4, root4), None), Ok((4, root4)));
    assert_eq!(check(4, proof(&tiles10, 4, 10), signed(&log, 10, root10), at4.clone()), Ok((10, root10)));
    assert_eq!(check(4, vec![], signed(&log, 4, root4), at4.clone()), Ok((4, root4)));

    // A stale old size is told the witness's size.
    assert_eq!(
        check(0, vec![], signed(&log, 10, root10), at4.clone()).unwrap_err(),
        Refusal::SizeMismatch { old: 0, latest: 4 }
    );
    // A fork: the same key signs a tree that rewrote entry 2.
    let (forked10, forked_tiles) = tree(10, 2);
    let refused = check(4, proof(&forked_tiles, 4, 10), signed(&log, 10, forked10), at4.clone()).unwrap_err();
    assert_eq!(refused, Refusal::Inconsistent { old: 4, size: 10 });
    assert!(refused.is_evidence() && refused.http_status() == 422);
    // A fork at the same size.
    let (forked4, _) = tree(4, 2);
    let refused = check(4, vec![], signed(&log, 4, forked4), at4.clone()).unwrap_err();
    assert_eq!((refused.http_status(), refused.is_evidence()), (409, true));

    // Unknown log, a signature by another key, a size that goes back, a proof from zero.
    let other = NoteSigner::from_seed("other.example/log", [8; 32]).unwrap();
    let foreign = Checkpoint { origin: "other.example/log".into(), size: 4, root: root4, extensions: vec![] };
    assert_eq!(check(0, vec![], foreign.sign(&other).unwrap(), None).unwrap_err().http_status(), 404);
    let impostor = NoteSigner::from_seed(LOG, [9; 32]).unwrap();
    assert_eq!(check(0, vec![], signed(&impostor, 4, root4), None).unwrap_err().http_status(), 403);
    assert_eq!(
        check(10, vec![], signed(&log, 4, root4), None).unwrap_err(),
        Refusal::OldSizeTooLarge { old: 10, size: 4 }
    );
    assert_eq!(check(0, vec![root4], signed(&log, 4, root4), None).unwrap_err().http_status(), 400);
    assert_eq!(check(0, vec![], "not a note".into(), None).unwrap_err().http_status(), 400);
}
