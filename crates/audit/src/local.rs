//! What the auditor remembers between runs, in its state directory:
//! - `vkey`: the pinned verifier key;
//! - `audited.json`: the last checkpoint it verified (the signed note), the public state's
//!   projection rows at that size and the tree's right-edge tiles, enough to resume without
//!   re-reading the log.
//!
//! Every file is replaced atomically (temporary file, fsync, rename), so an interrupted run
//! leaves the previous audit intact.

use crate::AuditError;
use dauys_core::State;
use dauys_ledger::{Checkpoint, NoteVerifier, TileId, TreeBuilder};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

const PINNED_KEY_FILE: &str = "vkey";
const AUDITED_FILE: &str = "audited.json";
/// Bumped when `audited.json` changes shape; an older file is refused, not misread.
const AUDITED_FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditedFile {
    format: u32,
    /// The signed checkpoint note, verbatim: it is the evidence if the log later forks.
    checkpoint: String,
    rows: Vec<(String, String)>,
    edge_tiles: Vec<EdgeTile>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EdgeTile {
    level: u8,
    index: u64,
    width: u16,
    /// The tile's bytes (concatenated hashes) in hex.
    hashes: String,
}

/// A previous audit, re-verified on load.
pub(crate) struct Audited {
    pub checkpoint: Checkpoint,
    /// The checkpoint as the log signed it, verbatim.
    pub note: String,
    pub state: State,
    pub builder: TreeBuilder,
    pub edge_tiles: Vec<(TileId, Vec<u8>)>,
}

pub(crate) struct StateDir {
    dir: PathBuf,
}

impl StateDir {
    pub fn new(dir: &Path) -> StateDir {
        StateDir { dir: dir.to_owned() }
    }

    /// Writes the two signed checkpoints that cannot both be true, with why, to a new file in
    /// `evidence/` that a person can publish: anyone holding the log's key can check both
    /// signatures. Each note is verbatim and ends with its own newline. Returns its path.
    pub fn keep_evidence(&self, log: &str, reason: &str, earlier: &str, now: &str) -> Result<PathBuf, AuditError> {
        let dir = self.dir.join("evidence");
        std::fs::create_dir_all(&dir).map_err(AuditError::io(dir.clone()))?;
        let at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
        let path = dir.join(format!("{at}.txt"));
        let text = format!(
            "Two checkpoints signed by one log's key that cannot both be true.\n\
             log: {log}\nfound (ms since 1970): {at}\nwhy: {reason}\n\n\
             --- the checkpoint an earlier audit verified ---\n{earlier}\
             --- the checkpoint served now ---\n{now}"
        );
        write_atomically(&path, text.as_bytes())?;
        Ok(path)
    }

    pub fn pinned_key_path(&self) -> PathBuf {
        self.dir.join(PINNED_KEY_FILE)
    }

    pub fn audited_path(&self) -> PathBuf {
        self.dir.join(AUDITED_FILE)
    }

    pub fn pinned_key(&self) -> Result<Option<String>, AuditError> {
        let path = self.pinned_key_path();
        match std::fs::read_to_string(&path) {
            Ok(s) => Ok(Some(s.trim().to_owned())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(AuditError::io(path)(e)),
        }
    }

    pub fn pin_key(&self, vkey: &str) -> Result<(), AuditError> {
        write_atomically(&self.pinned_key_path(), format!("{vkey}\n").as_bytes())
    }

    /// The last successful audit, checked against `verifier` and against itself (the rows
    /// must form a state of the checkpoint's size, the tiles must hash to its root), so a
    /// damaged directory is refused rather than trusted.
    pub fn load(&self, verifier: &NoteVerifier) -> Result<Option<Audited>, AuditError> {
        let path = self.audited_path();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(AuditError::io(path)(e)),
        };
        let bad = |reason: String| AuditError::SavedState { path: path.clone(), reason };
        let file: AuditedFile =
            serde_json::from_slice(&bytes).map_err(|e| bad(format!("not the expected JSON: {e}")))?;
        if file.format != AUDITED_FORMAT {
            return Err(bad(format!("format {} is not the supported {AUDITED_FORMAT}", file.format)));
        }
        let checkpoint = Checkpoint::open(&file.checkpoint, verifier)
            .map_err(|e| bad(format!("the saved checkpoint does not verify with this key: {e}")))?;
        let state = State::from_rows(file.rows).map_err(|e| bad(format!("the saved public state is invalid: {e}")))?;
        if state.size() != checkpoint.size {
            return Err(bad(format!(
                "the saved state has {} entries but the saved checkpoint {}",
                state.size(),
                checkpoint.size
            )));
        }
        let expected = TreeBuilder::right_edge_tiles(checkpoint.size);
        if expected.len() != file.edge_tiles.len() {
            return Err(bad(format!(
                "{} right-edge tiles saved, {} needed at size {}",
                file.edge_tiles.len(),
                expected.len(),
                checkpoint.size
            )));
        }
        let mut edge_tiles = Vec::with_capacity(expected.len());
        for (id, saved) in expected.into_iter().zip(file.edge_tiles) {
            if (saved.level, saved.index, saved.width) != (id.level, id.index, id.width) {
                return Err(bad(format!(
                    "saved tile {}/{}/{} is not the needed {}",
                    saved.level,
                    saved.index,
                    saved.width,
                    id.path()
                )));
            }
            let bytes = hex::decode(&saved.hashes).map_err(|e| bad(format!("tile {} is not hex: {e}", id.path())))?;
            edge_tiles.push((id, bytes));
        }
        let tiles: Vec<Vec<u8>> = edge_tiles.iter().map(|(_, b)| b.clone()).collect();
        let builder = TreeBuilder::resume(checkpoint.size, &tiles)
            .map_err(|e| bad(format!("the saved tiles do not form a tree: {e}")))?;
        if builder.root() != checkpoint.root {
            return Err(bad(format!(
                "the saved tiles hash to {}, not to the saved checkpoint's root {}",
                builder.root(),
                checkpoint.root
            )));
        }
        Ok(Some(Audited { checkpoint, note: file.checkpoint, state, builder, edge_tiles }))
    }

    pub fn save(&self, note: &str, state: &State, edge_tiles: &[(TileId, Vec<u8>)]) -> Result<(), AuditError> {
        let file = AuditedFile {
            format: AUDITED_FORMAT,
            checkpoint: note.to_owned(),
            rows: state.rows(),
            edge_tiles: edge_tiles
                .iter()
                .map(|(id, bytes)| EdgeTile {
                    level: id.level,
                    index: id.index,
                    width: id.width,
                    hashes: hex::encode(bytes),
                })
                .collect(),
        };
        // Streamed to the file: with a million signatures the rows alone are hundreds of
        // megabytes, and a second copy as one JSON buffer would double the audit's peak.
        write_atomically_with(&self.audited_path(), |out| {
            serde_json::to_writer(out, &file).map_err(std::io::Error::other)
        })
    }
}

/// Replaces `path` with `bytes` so that readers see the old or the new file, never a part.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), AuditError> {
    write_atomically_with(path, |out| out.write_all(bytes))
}

/// Replaces `path` with what `write` writes, as [`write_atomically`] does.
fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<&std::fs::File>) -> std::io::Result<()>,
) -> Result<(), AuditError> {
    let dir = path.parent().ok_or_else(|| AuditError::Internal(format!("{} has no parent", path.display())))?;
    std::fs::create_dir_all(dir).map_err(AuditError::io(dir))?;
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    let file = std::fs::File::create(&tmp).map_err(AuditError::io(&tmp))?;
    let mut out = std::io::BufWriter::new(&file);
    write(&mut out).and_then(|()| out.flush()).map_err(AuditError::io(&tmp))?;
    drop(out);
    file.sync_all().map_err(AuditError::io(&tmp))?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(AuditError::io(path))
}
