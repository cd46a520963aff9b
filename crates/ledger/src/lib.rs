//! `dauys-ledger`: the transparency log core of Dauys, as a pure library.
//!
//! It implements, byte for byte:
//!
//! * RFC 6962 / RFC 9162 Merkle tree hashing, inclusion and consistency
//!   proofs (generation and verification);
//! * [C2SP tlog-tiles](https://c2sp.org/tlog-tiles): tile paths, hash tiles,
//!   entry bundles, and an incremental [`TreeBuilder`] that emits tiles;
//! * [C2SP tlog-checkpoint](https://c2sp.org/tlog-checkpoint) and
//!   [C2SP signed-note](https://c2sp.org/signed-note) with Ed25519 keys in the
//!   `golang.org/x/mod/sumdb/note` key format;
//! * [C2SP tlog-cosignature](https://c2sp.org/tlog-cosignature) (Ed25519,
//!   `cosignature/v1`), witness policies, and the `add-checkpoint` checks of
//!   [C2SP tlog-witness](https://c2sp.org/tlog-witness).
//!
//! Everything needed to audit a log is here, so a verifier can check
//! checkpoints, tiles and proofs without running (or trusting) a server.
//!
//! ```
//! use dauys_ledger::*;
//!
//! // A log appends leaves and publishes tiles and a signed checkpoint.
//! let mut tree = TreeBuilder::new();
//! for entry in [&b"first"[..], b"second", b"third"] {
//!     tree.append(leaf_hash(entry));
//! }
//! let tiles = tree.take_changed_tiles();
//! let signer = NoteSigner::from_seed("example.com/log", [42; 32])?;
//! let checkpoint = Checkpoint {
//!     origin: "example.com/log".into(),
//!     size: tree.size(),
//!     root: tree.root(),
//!     extensions: vec![],
//! };
//! let signed = checkpoint.sign(&signer)?;
//!
//! // An auditor, knowing only the public key, opens the checkpoint and checks
//! // that leaf 1 is in the tree, using nothing but the published tiles.
//! let verifier = NoteVerifier::from_vkey(&signer.vkey())?;
//! let cp = Checkpoint::open(&signed, &verifier)?;
//! let source = TileHashSource::new(|level, index| {
//!     tiles
//!         .iter()
//!         .find(|(id, _)| id.level == level && id.index == index)
//!         .map(|(_, bytes)| bytes.clone())
//!         .ok_or(LedgerError::MissingTile { level, index, needed: 1, have: 0 })
//! });
//! assert_eq!(tree_root(&source, cp.size)?, cp.root);
//! let proof = inclusion_proof(&source, 1, cp.size)?;
//! verify_inclusion(&leaf_hash(b"second"), 1, cp.size, &proof, &cp.root)?;
//! # Ok::<(), LedgerError>(())
//! ```
//!
//! What it is not: it does no I/O, keeps no clock, and draws no randomness.
//! Storage, HTTP serving, key generation, and deciding
//! *which* keys to trust belong to the callers. Only Ed25519 note signatures
//! and cosignatures are supported.

pub mod builder;
pub mod checkpoint;
mod error;
pub mod hash;
pub mod note;
pub mod proof;
pub mod tile;
pub mod witness;

pub use builder::TreeBuilder;
pub use checkpoint::Checkpoint;
pub use error::LedgerError;
pub use hash::{empty_root, leaf_hash, node_hash, Hash, TILE_HEIGHT, TILE_WIDTH};
pub use note::{Note, NoteSignature, NoteSigner, NoteVerifier, MAX_NOTE_BYTES, MAX_SIGNATURES};
pub use proof::{
    consistency_proof, inclusion_proof, range_hash, tree_root, verify_consistency, verify_inclusion, HashSource,
    TileHashSource,
};
pub use tile::{
    decode_bundle, encode_bundle, entries_path, entry_bundles_for_size, parse_tile_path, tile_hashes, tiles_for_size,
    TileId, TilePath,
};
pub use witness::{
    check_add_checkpoint, AddCheckpoint, Cosignature, CosignatureVerifier, Cosigner, Refusal, WitnessPolicy, Witnessed,
};
