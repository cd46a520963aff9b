//! Incremental tree building over the right edge of the tile structure.

use std::collections::BTreeMap;

use crate::hash::{empty_root, node_hash, perfect_root, Hash, TILE_WIDTH};
use crate::tile::{hashes_at_level, TileId};
use crate::LedgerError;

/// A u64 tree has at most 8 tile levels (256^8 = 2^64).
const MAX_LEVELS: usize = 8;

/// Appends leaves to a tiled tree keeping only the right edge in memory: per
/// tile level, the hashes of the rightmost incomplete tile (fewer than 256).
/// Appending costs amortised O(1) per leaf, independent of the tree size.
#[derive(Clone, Debug, Default)]
pub struct TreeBuilder {
    size: u64,
    /// `levels[l]` holds `(size >> 8l) % 256` hashes of subtrees of height 8l.
    levels: Vec<Vec<Hash>>,
    /// Per level, the perfect subtrees (height above the level, hash) that the
    /// partial tile's hashes form, left to right; kept so that appending and
    /// `root` never rehash a whole tile.
    peaks: Vec<Vec<(u32, Hash)>>,
    /// Tiles completed since the last `take_changed_tiles`, with their bytes,
    /// because their hashes leave `levels` the moment they fill up.
    completed: BTreeMap<(u8, u64), Vec<u8>>,
    /// Levels whose partial tile changed since the last `take_changed_tiles`.
    dirty: [bool; MAX_LEVELS],
}

fn tile_bytes(hashes: &[Hash]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hashes.len() * 32);
    for h in hashes {
        out.extend_from_slice(&h.0);
    }
    out
}

/// Adds a hash to a level's peaks, merging equal-height neighbours: the
/// binary-counter carry that keeps the peaks matching the bits of the width.
fn push_peak(peaks: &mut Vec<(u32, Hash)>, hash: Hash) {
    let mut cur = (0u32, hash);
    while let Some(&(h, left)) = peaks.last() {
        if h != cur.0 {
            break;
        }
        peaks.pop();
        cur = (h + 1, node_hash(&left, &cur.1));
    }
    peaks.push(cur);
}

impl TreeBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Tiles a store must load to resume a tree of `size`: per level, the
    /// rightmost tile if it is partial (width 1..=255), in level order.
    pub fn right_edge_tiles(size: u64) -> Vec<TileId> {
        (0..MAX_LEVELS as u32)
            .filter_map(|level| {
                let n = hashes_at_level(size, level);
                let width = (n % TILE_WIDTH) as u16;
                (width > 0).then_some(TileId { level: level as u8, index: n / TILE_WIDTH, width })
            })
            .collect()
    }

    /// Resumes from the bytes of exactly the tiles named by
    /// [`TreeBuilder::right_edge_tiles`]`(size)`, in the same order. The
    /// hashes cannot be checked here; compare [`TreeBuilder::root`] with the
    /// last signed checkpoint before appending.
    pub fn resume(size: u64, tiles: &[Vec<u8>]) -> Result<TreeBuilder, LedgerError> {
        let ids = Self::right_edge_tiles(size);
        if ids.len() != tiles.len() {
            return Err(LedgerError::InvalidResume {
                reason: format!("a tree of size {size} needs {} right-edge tiles, got {}", ids.len(), tiles.len()),
            });
        }
        let mut levels: Vec<Vec<Hash>> = Vec::new();
        let mut peaks: Vec<Vec<(u32, Hash)>> = Vec::new();
        for (id, bytes) in ids.iter().zip(tiles) {
            let want = usize::from(id.width) * 32;
            if bytes.len() != want {
                return Err(LedgerError::InvalidResume {
                    reason: format!(
                        "tile {} should be {want} bytes ({} hashes), got {}",
                        id.path(),
                        id.width,
                        bytes.len()
                    ),
                });
            }
            let level = usize::from(id.level);
            if levels.len() <= level {
                levels.resize(level + 1, Vec::new());
                peaks.resize(level + 1, Vec::new());
            }
            let hashes = crate::tile::tile_hashes(bytes)?;
            for h in &hashes {
                push_peak(&mut peaks[level], *h);
            }
            levels[level] = hashes;
        }
        Ok(TreeBuilder { size, levels, peaks, completed: BTreeMap::new(), dirty: [false; MAX_LEVELS] })
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends a leaf hash and returns its index.
    ///
    /// # Panics
    /// If the tree already holds u64::MAX leaves, which cannot happen in practice.
    pub fn append(&mut self, leaf: Hash) -> u64 {
        let index = self.size;
        self.size = self.size.checked_add(1).expect("tree size exceeds u64::MAX");
        let mut hash = leaf;
        let mut level = 0usize;
        loop {
            if self.levels.len() <= level {
                self.levels.push(Vec::with_capacity(TILE_WIDTH as usize));
                self.peaks.push(Vec::new());
            }
            self.dirty[level] = true;
            let tile = &mut self.levels[level];
            tile.push(hash);
            push_peak(&mut self.peaks[level], hash);
            if tile.len() as u64 != TILE_WIDTH {
                break;
            }
            // The tile just filled: publish it, and carry its root (by now its
            // single peak) one level up.
            let tile_index = hashes_at_level(self.size, level as u32) / TILE_WIDTH - 1;
            self.completed.insert((level as u8, tile_index), tile_bytes(tile));
            hash = self.peaks[level].pop().map_or_else(|| perfect_root(tile), |p| p.1);
            self.peaks[level].clear();
            tile.clear();
            level += 1;
        }
        index
    }

    /// RFC 6962 root of the current tree, from the right edge alone.
    pub fn root(&self) -> Hash {
        // Left to right, the tree is made of perfect subtrees whose sizes are
        // the set bits of `size`; the highest tile level holds the leftmost.
        let peaks: Vec<Hash> = self.peaks.iter().rev().flat_map(|level| level.iter().map(|p| p.1)).collect();
        let Some((last, init)) = peaks.split_last() else {
            return empty_root();
        };
        init.iter().rev().fold(*last, |acc, p| node_hash(p, &acc))
    }

    /// Every hash tile touched since the last call, with its current bytes, in
    /// level then index order: tiles that became full, and the partial tile of
    /// each level that changed.
    pub fn take_changed_tiles(&mut self) -> Vec<(TileId, Vec<u8>)> {
        let mut out: Vec<(TileId, Vec<u8>)> = std::mem::take(&mut self.completed)
            .into_iter()
            .map(|((level, index), bytes)| (TileId { level, index, width: TILE_WIDTH as u16 }, bytes))
            .collect();
        for (level, tile) in self.levels.iter().enumerate() {
            if self.dirty[level] && !tile.is_empty() {
                out.push((
                    TileId {
                        level: level as u8,
                        index: hashes_at_level(self.size, level as u32) / TILE_WIDTH,
                        width: tile.len() as u16,
                    },
                    tile_bytes(tile),
                ));
            }
        }
        self.dirty = [false; MAX_LEVELS];
        out.sort_by_key(|(id, _)| (id.level, id.index));
        out
    }
}
