//! The Dauys auditor: fetches a Dauys log over its published C2SP `tlog-tiles` files,
//! verifies all of it and replays it into the public state, without trusting the server.
//!
//! One [`audit`] run
//! 1. picks the log's verifier key (given, pinned by an earlier run, or — said loudly in the
//!    report — trusted on first use from `<base>/api/v1/log`);
//! 2. verifies the signed `checkpoint`;
//! 3. if it audited this log before, proves that the new checkpoint extends the one it saw
//!    (else [`AuditError::Inconsistent`]) and resumes from there;
//! 4. streams the new entry bundles: every entry is hashed into the tree, decoded (only
//!    canonical, known entries pass) and applied by the rules of `dauys-core`; every hash
//!    tile the server publishes is compared with the one computed from the entries, and the
//!    root with the checkpoint's;
//! 5. optionally writes every verified file to a mirror directory that any static web server
//!    can serve under the same paths;
//! 6. saves what it verified for the next, incremental run.
//!
//! Memory does not grow with the length of the log, only with the size of the public state.
//!
//! ```no_run
//! let options = dauys_audit::AuditOptions {
//!     base_url: "https://dauys.example.kz".into(),
//!     state_dir: "/var/lib/dauys-audit/example".into(),
//!     vkey: Some("dauys.example.kz/log+1a2b3c4d+AV0K...".into()),
//!     progress: true,
//!     mirror_dir: None,
//!     witnesses: None,
//! };
//! let report = dauys_audit::audit(&options)?;
//! println!("{} verified at size {}:\n{}", report.origin, report.checkpoint.size, report.public_state);
//! # Ok::<(), dauys_audit::AuditError>(())
//! ```
//!
//! Tests and benchmarks run the same algorithm over any [`Fetch`] with [`audit_with`].
//!
//! Given a witness policy, it refuses a checkpoint that fewer than the quorum of those
//! witnesses cosigned: a view of the log shown to this auditor alone would lack them.
//!
//! What it is not: it does not check inclusion proofs of single receipts or the JSON API's
//! answers (only `api/v1/log`, for the key on first use);
//! and it never writes to the server. A mirror directory is complete only if it was given on
//! every run since the first.

mod error;
mod fetch;
mod local;
pub mod monitor;

pub use error::AuditError;
pub use fetch::{size_limit, Fetch, HttpFetch};

use dauys_core::{Entry, LogIndex, PublicState, State};
use dauys_ledger::{
    consistency_proof, decode_bundle, entries_path, leaf_hash, verify_consistency, Checkpoint, Cosignature, Hash,
    LedgerError, Note, NoteVerifier, TileHashSource, TileId, TreeBuilder, WitnessPolicy, TILE_WIDTH,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use local::{write_atomically, StateDir};
use serde::Deserialize;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Path of the signed checkpoint below the base URL.
const CHECKPOINT_PATH: &str = "checkpoint";
/// Path of the JSON description of the log (`{"origin":..,"vkey":..}`).
const LOG_INFO_PATH: &str = "api/v1/log";

/// What to audit and where to keep the results.
#[derive(Clone, Debug)]
pub struct AuditOptions {
    /// The instance's base URL, e.g. `https://dauys.example.kz`; the log's files are at
    /// `<base_url>/checkpoint` and `<base_url>/tile/...`.
    pub base_url: String,
    /// Where this auditor keeps the pinned key and the last verified checkpoint and state,
    /// one directory per log.
    pub state_dir: PathBuf,
    /// The log's verifier key (`<origin>+<key id>+<base64>`), obtained out of band. Without
    /// it, the key pinned in `state_dir`, else the server's own (trust on first use).
    pub vkey: Option<String>,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// Also write every verified bundle, tile and the checkpoint here, under their paths.
    pub mirror_dir: Option<PathBuf>,
    /// Refuse a checkpoint that fewer than the policy's quorum of witnesses cosigned. Two
    /// auditors who demand the same honest witnesses are shown the same log, or neither
    /// audit passes.
    pub witnesses: Option<WitnessPolicy>,
}

/// What a successful audit verified.
#[derive(Clone, Debug)]
pub struct AuditReport {
    pub origin: String,
    /// The checkpoint now verified, and saved for the next run.
    pub checkpoint: Checkpoint,
    /// The checkpoint saved by the previous run, which `checkpoint` was proven to extend.
    pub previous: Option<Checkpoint>,
    /// Entries decoded and applied in this run (not counting those verified before).
    pub entries_checked: u64,
    /// Hash tiles fetched and compared with the ones computed from the entries.
    pub tiles_checked: u64,
    pub public_state: PublicState,
    /// Every petition as recomputed from the log: counts, by-region counts, deadlines,
    /// obligations and their due dates.
    pub petitions: Vec<dauys_core::Petition>,
    /// Every body's record of the cases it owes answers on (appeals and petitions'
    /// obligations), as recomputed from the log: the figures its public page shows.
    pub bodies: std::collections::BTreeMap<dauys_core::BodyId, dauys_core::BodyRecord>,
    /// Events the rules required at the last entry's time that the log does not hold yet
    /// (e.g. `obligation.overdue p-…`). The server logs them within a second of falling due,
    /// so an entry here that stays across audits means the server is not keeping the rules.
    pub pending_rule_events: Vec<String>,
    /// Size of the log at which this run resumed (0 for a first audit).
    pub resumed_from: u64,
    /// True when no key was given or pinned, so the server's own key was trusted on first
    /// use and pinned now. Tell the user loudly: compare it with a key published elsewhere.
    pub key_pinned_now: bool,
    /// The valid cosignatures of the policy's witnesses on the checkpoint (empty without a
    /// policy), with the time each witness vouched for it.
    pub cosignatures: Vec<Cosignature>,
    /// The log key the checkpoint was verified with (given, pinned, or trusted now).
    pub log_key: NoteVerifier,
}

/// Audits the log at `options.base_url` over HTTP; see the crate documentation.
pub fn audit(options: &AuditOptions) -> Result<AuditReport, AuditError> {
    let fetch = HttpFetch::new(&options.base_url)?;
    audit_with(&fetch, options)
}

/// [`audit`] with the files read through `fetch` (`options.base_url` is only informative).
pub fn audit_with(fetch: &impl Fetch, options: &AuditOptions) -> Result<AuditReport, AuditError> {
    let state_dir = StateDir::new(&options.state_dir);
    let key = choose_key(fetch, &state_dir, options.vkey.as_deref())?;

    let note = fetch_required(fetch, CHECKPOINT_PATH)?;
    let note = String::from_utf8(note).map_err(|_| AuditError::BadCheckpoint {
        url: CHECKPOINT_PATH.into(),
        source: LedgerError::MalformedNote { reason: "not UTF-8".into() },
    })?;
    let checkpoint = Checkpoint::open(&note, &key.verifier)
        .map_err(|source| AuditError::BadCheckpoint { url: CHECKPOINT_PATH.into(), source })?;
    let cosignatures = match &options.witnesses {
        None => Vec::new(),
        Some(policy) => Note::parse(&note)
            .and_then(|parsed| policy.check(&parsed))
            .map_err(|source| AuditError::NotWitnessed { size: checkpoint.size, source })?,
    };

    let saved = state_dir.load(&key.verifier)?;
    let earlier = saved.as_ref().map(|s| s.note.clone());
    let checked = run(fetch, options, &state_dir, &key, &note, checkpoint, saved)
        .map(|report| AuditReport { cosignatures, ..report });
    match (checked, earlier) {
        (Err(AuditError::Inconsistent { reason, saved }), Some(earlier)) => {
            // Both signed checkpoints, kept where the person will look; if that fails, the
            // saved state still holds the earlier one.
            let kept = state_dir.keep_evidence(&options.base_url, &reason, &earlier, &note).unwrap_or(saved);
            Err(AuditError::Inconsistent { reason, saved: kept })
        }
        (other, _) => other,
    }
}

/// The audit past the checkpoint's signature: the history check against the saved state, the
/// replay, and saving what it verified.
fn run(
    fetch: &impl Fetch,
    options: &AuditOptions,
    state_dir: &StateDir,
    key: &ChosenKey,
    note: &str,
    checkpoint: Checkpoint,
    saved: Option<local::Audited>,
) -> Result<AuditReport, AuditError> {
    let mut replay = match saved {
        None => Replay::fresh(),
        Some(saved) => {
            check_extends(fetch, &saved.checkpoint, &checkpoint, &state_dir.audited_path())?;
            Replay::resume(saved, state_dir.audited_path())
        }
    };
    let resumed_from = replay.builder.size();
    let mirror = options.mirror_dir.as_deref().map(Mirror::new);

    let progress = progress_bar(options.progress, checkpoint.size - resumed_from);
    replay.run_to(fetch, &checkpoint, mirror.as_ref(), &progress)?;
    progress.finish_and_clear();

    let edge_tiles = replay.right_edge_tiles()?;
    if let Some(mirror) = &mirror {
        mirror.write(CHECKPOINT_PATH, note.as_bytes(), false)?;
    }
    if key.pin_now {
        state_dir.pin_key(&key.vkey)?;
    }
    state_dir.save(note, &replay.state, &edge_tiles)?;

    let pending_rule_events = replay
        .state
        .last_timestamp()
        .map(|at| {
            replay
                .state
                .due_events(at)
                .iter()
                .map(|e| {
                    let case = e.petition().map(|p| p.as_str()).or(e.appeal().map(|a| a.as_str()));
                    format!("{} {}", e.kind(), case.unwrap_or(""))
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(AuditReport {
        origin: checkpoint.origin.clone(),
        public_state: replay.state.public_state(),
        petitions: replay.state.petitions().all().cloned().collect(),
        bodies: replay.state.body_records(),
        pending_rule_events,
        checkpoint,
        previous: replay.previous,
        entries_checked: replay.entries_checked,
        tiles_checked: replay.tiles_checked,
        resumed_from,
        key_pinned_now: key.trusted_on_first_use,
        cosignatures: Vec::new(),
        log_key: key.verifier.clone(),
    })
}

struct ChosenKey {
    vkey: String,
    verifier: NoteVerifier,
    /// Write it to the state directory once the audit succeeds.
    pin_now: bool,
    trusted_on_first_use: bool,
}

#[derive(Deserialize)]
struct LogInfo {
    origin: String,
    vkey: String,
}

fn choose_key(fetch: &impl Fetch, state_dir: &StateDir, given: Option<&str>) -> Result<ChosenKey, AuditError> {
    let pinned = state_dir.pinned_key()?;
    let parse = |vkey: &str| NoteVerifier::from_vkey(vkey).map_err(|source| AuditError::InvalidKey { source });
    match (given.map(str::trim), pinned) {
        (Some(given), Some(pinned)) if given != pinned => {
            Err(AuditError::KeyMismatch { given: given.to_owned(), pinned, pinned_at: state_dir.pinned_key_path() })
        }
        (Some(vkey), pinned) => Ok(ChosenKey {
            verifier: parse(vkey)?,
            vkey: vkey.to_owned(),
            pin_now: pinned.is_none(),
            trusted_on_first_use: false,
        }),
        (None, Some(pinned)) => {
            Ok(ChosenKey { verifier: parse(&pinned)?, vkey: pinned, pin_now: false, trusted_on_first_use: false })
        }
        (None, None) => {
            let (vkey, verifier) = server_key(fetch)?;
            Ok(ChosenKey { verifier, vkey, pin_now: true, trusted_on_first_use: true })
        }
    }
}

/// The key the server says its log is signed with (`/api/v1/log`), checked to name the log's
/// origin. Only the server's word: trust it on first use at most, and say so.
pub fn server_key(fetch: &impl Fetch) -> Result<(String, NoteVerifier), AuditError> {
    let bytes = fetch_required(fetch, LOG_INFO_PATH)?;
    let bad = |reason: String| AuditError::BadLogInfo { url: LOG_INFO_PATH.into(), reason };
    let info: LogInfo =
        serde_json::from_slice(&bytes).map_err(|e| bad(format!("expected JSON {{\"origin\":..,\"vkey\":..}}: {e}")))?;
    let verifier = NoteVerifier::from_vkey(&info.vkey).map_err(|source| AuditError::InvalidKey { source })?;
    if verifier.name() != info.origin {
        return Err(bad(format!("its key is named {:?} but its origin is {:?}", verifier.name(), info.origin)));
    }
    Ok((info.vkey, verifier))
}

fn fetch_required(fetch: &impl Fetch, path: &str) -> Result<Vec<u8>, AuditError> {
    fetch.get(path)?.ok_or_else(|| AuditError::Missing { path: path.to_owned() })
}

/// Proves that `new` extends `old`, the checkpoint verified by the previous run.
pub(crate) fn check_extends(
    fetch: &impl Fetch,
    old: &Checkpoint,
    new: &Checkpoint,
    evidence: &Path,
) -> Result<(), AuditError> {
    let inconsistent = |reason: String| AuditError::Inconsistent { reason, saved: evidence.to_owned() };
    if new.size < old.size {
        return Err(inconsistent(format!(
            "the log shrank from {} entries (root {}) to {} (root {})",
            old.size, old.root, new.size, new.root
        )));
    }
    if new.size == old.size {
        if new.root != old.root {
            return Err(inconsistent(format!(
                "two checkpoints for size {} with different roots: {} before, {} now (a fork)",
                old.size, old.root, new.root
            )));
        }
        return Ok(());
    }
    if old.size == 0 {
        // Every tree extends the empty one.
        return Ok(());
    }
    // The replay below proves this too (it resumes from the saved tiles and must reach the
    // new root); the proof from the server's own tiles also catches a server whose tiles
    // disagree with its checkpoints, and fails fast, before any entry is downloaded.
    let fetch_failure: RefCell<Option<AuditError>> = RefCell::new(None);
    let source = TileHashSource::new(|level: u8, index: u64| {
        let tile = tile_at_size(new.size, level, index);
        let missing = LedgerError::MissingTile { level, index, needed: u64::from(tile.width), have: 0 };
        match fetch.get(&tile.path()) {
            Ok(Some(bytes)) => Ok(bytes),
            Ok(None) => {
                *fetch_failure.borrow_mut() = Some(AuditError::Missing { path: tile.path() });
                Err(missing)
            }
            Err(e) => {
                *fetch_failure.borrow_mut() = Some(e);
                Err(missing)
            }
        }
    });
    let proof = match consistency_proof(&source, old.size, new.size) {
        Ok(p) => p,
        Err(source) => {
            return Err(fetch_failure.take().unwrap_or(AuditError::Proof {
                old_size: old.size,
                new_size: new.size,
                source,
            }))
        }
    };
    verify_consistency(old.size, new.size, &old.root, &new.root, &proof).map_err(|e| {
        inconsistent(format!(
            "checkpoint {} (root {}) does not extend the saved {} (root {}): {e}",
            new.size, new.root, old.size, old.root
        ))
    })
}

/// The tile `(level, index)` as published for a tree of `size` leaves: full if the tree has
/// filled it, else partial with as many hashes as the tree has there.
fn tile_at_size(size: u64, level: u8, index: u64) -> TileId {
    let hashes = hashes_at_level(size, level);
    let width = if index < hashes / TILE_WIDTH { TILE_WIDTH } else { hashes % TILE_WIDTH };
    TileId {
        level,
        index,
        // A partial width is below 256, and a width of 0 (a tile beyond the tree) is asked
        // for as a full one so the server answers 404 rather than an invalid path.
        width: if width == 0 { TILE_WIDTH as u16 } else { width as u16 },
    }
}

fn hashes_at_level(size: u64, level: u8) -> u64 {
    size.checked_shr(8 * u32::from(level)).unwrap_or(0)
}

/// The partial tiles of a tree of `size` leaves, lowest level first: what the tree's right
/// edge looks like at that size. Computed rather than listed from all tiles, so that no
/// allocation grows with the log.
fn partial_tiles_at_size(size: u64) -> Vec<TileId> {
    (0u8..)
        .map(|level| (level, hashes_at_level(size, level)))
        .take_while(|&(_, hashes)| hashes > 0)
        .filter(|&(_, hashes)| hashes % TILE_WIDTH != 0)
        .map(|(level, hashes)| TileId { level, index: hashes / TILE_WIDTH, width: (hashes % TILE_WIDTH) as u16 })
        .collect()
}

/// The verification in progress: the tree and the state so far and the right edge of the
/// tree's tiles (at most one partial tile per level, so a handful).
struct Replay {
    builder: TreeBuilder,
    state: State,
    previous: Option<Checkpoint>,
    /// Latest bytes of the rightmost partial tile of each level.
    partial: BTreeMap<u8, (TileId, Vec<u8>)>,
    /// Leaf hashes of the entries of the partial bundle verified by the previous run; they
    /// are re-fetched with the bundle and must not have changed.
    known_leaves: Vec<Hash>,
    /// The saved audit, named in an [`AuditError::Inconsistent`].
    evidence: PathBuf,
    entries_checked: u64,
    tiles_checked: u64,
}

impl Replay {
    fn fresh() -> Replay {
        Replay {
            builder: TreeBuilder::new(),
            state: State::default(),
            previous: None,
            partial: BTreeMap::new(),
            known_leaves: Vec::new(),
            evidence: PathBuf::new(),
            entries_checked: 0,
            tiles_checked: 0,
        }
    }

    fn resume(saved: local::Audited, evidence: PathBuf) -> Replay {
        let mut replay = Replay {
            evidence,
            builder: saved.builder,
            state: saved.state,
            previous: Some(saved.checkpoint),
            ..Replay::fresh()
        };
        for (tile, bytes) in saved.edge_tiles {
            replay.remember(tile, bytes);
        }
        let old_size = replay.builder.size();
        if !old_size.is_multiple_of(TILE_WIDTH) {
            let bundle_index = old_size / TILE_WIDTH;
            if let Some((tile, bytes)) = replay.partial.get(&0) {
                if tile.index == bundle_index {
                    replay.known_leaves = bytes
                        .chunks_exact(32)
                        .map(|c| {
                            let mut h = [0u8; 32];
                            h.copy_from_slice(c);
                            Hash(h)
                        })
                        .collect();
                }
            }
        }
        replay
    }

    /// Keeps the rightmost partial tile of the tile's level; a tile that filled up leaves
    /// the right edge.
    fn remember(&mut self, tile: TileId, bytes: Vec<u8>) {
        let held_index = self.partial.get(&tile.level).map(|(held, _)| held.index);
        if held_index.is_some_and(|held| held > tile.index) {
            return;
        }
        if tile.is_full() {
            if held_index == Some(tile.index) {
                self.partial.remove(&tile.level);
            }
        } else {
            self.partial.insert(tile.level, (tile, bytes));
        }
    }

    /// Verifies every entry and tile from the current size up to `checkpoint`.
    fn run_to(
        &mut self,
        fetch: &impl Fetch,
        checkpoint: &Checkpoint,
        mirror: Option<&Mirror>,
        progress: &ProgressBar,
    ) -> Result<(), AuditError> {
        let size = checkpoint.size;
        let first_bundle = self.builder.size() / TILE_WIDTH;
        let bundles = size.div_ceil(TILE_WIDTH);
        for bundle_index in first_bundle..bundles {
            let start = bundle_index * TILE_WIDTH;
            let width = (size - start).min(TILE_WIDTH) as u16;
            let path = entries_path(bundle_index, width);
            let bundle = fetch_required(fetch, &path)?;
            self.replay_bundle(&path, start, width, &bundle, progress)?;
            self.check_completed_tiles(fetch, mirror)?;
            if let Some(mirror) = mirror {
                mirror.write(&path, &bundle, u64::from(width) == TILE_WIDTH)?;
            }
        }

        for expected in partial_tiles_at_size(size) {
            let bytes = match self.partial.get(&expected.level) {
                Some((held, bytes)) if *held == expected => bytes,
                other => {
                    return Err(AuditError::Internal(format!(
                        "after replaying to size {size} the tree's partial tile at level {} is {:?}, expected {}",
                        expected.level,
                        other.map(|(t, _)| t.path()),
                        expected.path()
                    )))
                }
            };
            compare_with_server(fetch, &expected, bytes)?;
            self.tiles_checked += 1;
            if let Some(mirror) = mirror {
                mirror.write(&expected.path(), bytes, false)?;
            }
        }

        let computed = self.builder.root();
        if computed != checkpoint.root {
            return Err(AuditError::RootMismatch {
                size,
                expected: checkpoint.root.to_string(),
                computed: computed.to_string(),
            });
        }
        Ok(())
    }

    fn replay_bundle(
        &mut self,
        path: &str,
        start: u64,
        width: u16,
        bundle: &[u8],
        progress: &ProgressBar,
    ) -> Result<(), AuditError> {
        let entries =
            decode_bundle(bundle).map_err(|source| AuditError::MalformedBundle { path: path.to_owned(), source })?;
        if entries.len() != usize::from(width) {
            return Err(AuditError::BundleWidth { path: path.to_owned(), expected: width, got: entries.len() });
        }
        for (index, data) in (start..).zip(entries) {
            let leaf = leaf_hash(data);
            if index < self.builder.size() {
                let offset = (index - start) as usize;
                match self.known_leaves.get(offset) {
                    Some(known) if *known == leaf => continue,
                    _ => {
                        return Err(AuditError::Inconsistent {
                            reason: format!(
                                "entry {index}, verified by the previous audit, now has other bytes (leaf hash {leaf})"
                            ),
                            saved: self.evidence.clone(),
                        })
                    }
                }
            }
            let entry = Entry::decode(data).map_err(|source| AuditError::InvalidEntry { index, source })?;
            self.state.apply(LogIndex(index), &entry).map_err(|source| AuditError::RuleViolation { index, source })?;
            self.builder.append(leaf);
            self.entries_checked += 1;
            progress.inc(1);
        }
        // An audit keeps no projection: which rows changed is of no use to it.
        self.state.discard_changes();
        Ok(())
    }

    /// Compares every tile the last bundle completed with the server's copy.
    fn check_completed_tiles(&mut self, fetch: &impl Fetch, mirror: Option<&Mirror>) -> Result<(), AuditError> {
        for (tile, bytes) in self.builder.take_changed_tiles() {
            if tile.is_full() {
                compare_with_server(fetch, &tile, &bytes)?;
                self.tiles_checked += 1;
                if let Some(mirror) = mirror {
                    mirror.write(&tile.path(), &bytes, true)?;
                }
            }
            self.remember(tile, bytes);
        }
        Ok(())
    }

    /// The tiles [`TreeBuilder::resume`] will need to continue from the current size.
    fn right_edge_tiles(&self) -> Result<Vec<(TileId, Vec<u8>)>, AuditError> {
        TreeBuilder::right_edge_tiles(self.builder.size())
            .into_iter()
            .map(|id| {
                self.partial
                    .get(&id.level)
                    .filter(|(held, _)| *held == id)
                    .map(|(_, bytes)| (id, bytes.clone()))
                    .ok_or_else(|| {
                        AuditError::Internal(format!(
                            "tile {} needed to resume is not at the tree's right edge",
                            id.path()
                        ))
                    })
            })
            .collect()
    }
}

fn compare_with_server(fetch: &impl Fetch, tile: &TileId, computed: &[u8]) -> Result<(), AuditError> {
    let path = tile.path();
    let served = fetch_required(fetch, &path)?;
    if served != computed {
        return Err(AuditError::TileMismatch { path });
    }
    Ok(())
}

fn progress_bar(enabled: bool, entries: u64) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(entries), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("verifying {bar:40} {human_pos}/{human_len} entries ({per_sec}, {eta} left)")
    {
        bar.set_style(style);
    }
    bar
}

/// A directory laid out like the log's URL space, so any static web server can serve it.
struct Mirror {
    root: PathBuf,
}

impl Mirror {
    fn new(root: &Path) -> Mirror {
        Mirror { root: root.to_owned() }
    }

    /// Writes a verified file. Full tiles and bundles never change, so an existing copy is
    /// kept; partial ones and the checkpoint are replaced.
    fn write(&self, path: &str, bytes: &[u8], immutable: bool) -> Result<(), AuditError> {
        let target = self.root.join(path);
        if immutable && target.exists() {
            return Ok(());
        }
        write_atomically(&target, bytes)
    }
}

#[cfg(test)]
mod tests;
