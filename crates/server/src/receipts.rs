//! Receipts of public acts: the act is the entry at log index N, with leaf hash H, and an
//! inclusion proof from H to the root of the latest signed checkpoint shows it is in the
//! log. The server checks the proof the way any verifier would before showing a receipt
//! (petition signatures today; ballots will reuse it), and the log's entry pages walk the
//! same proof step by step.

use dauys_core::Event;
use dauys_ledger::{node_hash, verify_inclusion, Checkpoint, Hash, NoteVerifier};

use crate::api::{self, InclusionProof};
use crate::AppState;

/// How a receipt's inclusion proof fared.
pub(crate) enum ProofCheck {
    /// Verified against the latest signed checkpoint.
    Verified { size: u64, root: Hash, hashes: usize, note: String },
    /// The entry is newer than the latest checkpoint.
    Pending,
    /// It did not verify, or could not be fetched: what went wrong.
    Failed(String),
}

/// A checked receipt of an act.
pub(crate) struct Receipt {
    pub(crate) index: u64,
    /// The entry's leaf hash, when the entry could be read.
    pub(crate) leaf: Option<Hash>,
    pub(crate) proof: ProofCheck,
}

/// The receipt of the act at log `index`: the entry there must be the act (`is_act`), and its
/// hash is where the inclusion proof starts.
pub(crate) async fn check_receipt(app: &AppState, index: u64, is_act: impl Fn(&Event) -> bool) -> Receipt {
    let entry = api::load_entries(app, index, 1).await.ok().and_then(|mut v| v.pop());
    let leaf = entry.as_ref().map(|v| v.leaf_hash);
    let proof = if entry.as_ref().is_some_and(|v| is_act(&v.entry.event)) {
        check_proof(app, index, leaf).await
    } else {
        ProofCheck::Failed(format!("entry {index} is not this act"))
    };
    Receipt { index, leaf, proof }
}

/// Fetches the entry's inclusion proof the way the JSON API serves it, and checks it here:
/// the checkpoint's signature with the log's key, then the path from the leaf to its root.
async fn check_proof(app: &AppState, index: u64, leaf: Option<Hash>) -> ProofCheck {
    let proof = match api::prove_inclusion(app, Some(index), leaf, None).await {
        Ok(proof) => proof,
        Err(e) if is_pending(e.code) => return ProofCheck::Pending,
        Err(e) => return ProofCheck::Failed(format!("{}: {}", e.code, e.detail)),
    };
    let Some(note) = proof.checkpoint.clone() else {
        return ProofCheck::Failed("the proof names no signed checkpoint".into());
    };
    let checkpoint = match NoteVerifier::from_vkey(&app.vkey).and_then(|v| Checkpoint::open(&note, &v)) {
        Ok(c) => c,
        Err(e) => return ProofCheck::Failed(format!("checkpoint: {e}")),
    };
    if checkpoint.size != proof.tree_size {
        return ProofCheck::Failed(format!("checkpoint size {} ≠ proof size {}", checkpoint.size, proof.tree_size));
    }
    match verify_inclusion(&proof.leaf_hash, proof.index, proof.tree_size, &proof.proof, &checkpoint.root) {
        Ok(()) => {
            ProofCheck::Verified { size: checkpoint.size, root: checkpoint.root, hashes: proof.proof.len(), note }
        }
        Err(e) => ProofCheck::Failed(e.to_string()),
    }
}

/// Whether a failed proof request only means "not in a signed checkpoint yet".
pub(crate) fn is_pending(code: &str) -> bool {
    code == "not-yet-checkpointed" || code == "no-checkpoint"
}

/// One step of walking an inclusion proof (RFC 9162 §2.1.3.2).
pub(crate) struct Step {
    pub(crate) sibling: Hash,
    pub(crate) sibling_is_left: bool,
    pub(crate) result: Hash,
}

/// Walks the proof exactly as a verifier would, so a page can show every step. Returns
/// the steps and whether the walk ended at the tree's root position.
pub(crate) fn walk_proof(proof: &InclusionProof) -> (Vec<Step>, bool) {
    let mut steps = Vec::with_capacity(proof.proof.len());
    if proof.index >= proof.tree_size {
        return (steps, false);
    }
    let (mut f, mut s) = (proof.index, proof.tree_size - 1);
    let mut r = proof.leaf_hash;
    for p in &proof.proof {
        if s == 0 {
            return (steps, false);
        }
        let left = f & 1 == 1 || f == s;
        if left {
            r = node_hash(p, &r);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        steps.push(Step { sibling: *p, sibling_is_left: left, result: r });
        f >>= 1;
        s >>= 1;
    }
    (steps, s == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dauys_ledger::leaf_hash;

    #[test]
    fn proof_walk_reaches_the_root() {
        // A tree of 5 leaves, built by hand.
        let leaves: Vec<Hash> = (0..5u8).map(|i| leaf_hash(&[i])).collect();
        let h01 = node_hash(&leaves[0], &leaves[1]);
        let h23 = node_hash(&leaves[2], &leaves[3]);
        let h0123 = node_hash(&h01, &h23);
        let root = node_hash(&h0123, &leaves[4]);
        // Leaf 2: siblings 3 (right), h01 (left), leaf 4 (right).
        let proof = InclusionProof {
            index: 2,
            tree_size: 5,
            leaf_hash: leaves[2],
            proof: vec![leaves[3], h01, leaves[4]],
            checkpoint: None,
        };
        let (steps, ok) = walk_proof(&proof);
        assert!(ok);
        assert_eq!(steps.last().map(|s| s.result), Some(root));
        assert_eq!(steps.iter().map(|s| s.sibling_is_left).collect::<Vec<_>>(), [false, true, false]);
        // Leaf 4 (the last, alone on the right edge): one sibling, h0123, on the left.
        let proof =
            InclusionProof { index: 4, tree_size: 5, leaf_hash: leaves[4], proof: vec![h0123], checkpoint: None };
        let (steps, ok) = walk_proof(&proof);
        assert!(ok);
        assert_eq!(steps[0].result, root);
    }
}
