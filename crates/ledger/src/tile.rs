//! C2SP tlog-tiles: tile coordinates, paths, entry bundles.

use crate::hash::{Hash, TILE_WIDTH};
use crate::LedgerError;

/// Bytes in a full hash tile.
const FULL_TILE_BYTES: usize = 256 * 32;
/// Levels are capped by the spec so paths stay short and parsers bounded.
const MAX_LEVEL: u8 = 63;

/// A hash tile: `width` consecutive hashes at tree height `8 * level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TileId {
    pub level: u8,
    pub index: u64,
    /// 1..=256; 256 means the tile is full and has no `.p/` suffix.
    pub width: u16,
}

impl TileId {
    /// The path below the log prefix, e.g. `tile/0/x001/x234/067.p/8`.
    pub fn path(&self) -> String {
        format!("tile/{}/{}{}", self.level, encode_index(self.index), width_suffix(self.width))
    }

    pub fn is_full(&self) -> bool {
        u64::from(self.width) == TILE_WIDTH
    }
}

/// Path of an entry bundle, e.g. `tile/entries/x001/234.p/5`.
pub fn entries_path(index: u64, width: u16) -> String {
    format!("tile/entries/{}{}", encode_index(index), width_suffix(width))
}

fn width_suffix(width: u16) -> String {
    if u64::from(width) == TILE_WIDTH {
        String::new()
    } else {
        format!(".p/{width}")
    }
}

/// Groups of three digits, all but the last prefixed by `x`, so that a tile
/// path never names both a file and a directory.
fn encode_index(index: u64) -> String {
    let mut groups = Vec::new();
    let mut n = index;
    loop {
        groups.push(n % 1000);
        n /= 1000;
        if n == 0 {
            break;
        }
    }
    let mut out = String::new();
    for (i, g) in groups.iter().rev().enumerate() {
        if i + 1 < groups.len() {
            out.push_str(&format!("x{g:03}/"));
        } else {
            out.push_str(&format!("{g:03}"));
        }
    }
    out
}

/// What a tile path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TilePath {
    Hash(TileId),
    Entries { index: u64, width: u16 },
}

/// Parses a tile or entry-bundle path (without the log prefix or a leading
/// `/`). Only the canonical spelling is accepted, so that a cache or store
/// keyed by path can never hold two copies of one resource.
pub fn parse_tile_path(path: &str) -> Result<TilePath, LedgerError> {
    let bad =
        |reason: &'static str| LedgerError::InvalidTilePath { path: crate::hash::truncate_for_message(path), reason };
    // The longest canonical path is well under 64 bytes; refuse to scan more.
    if path.len() > 64 {
        return Err(bad("path is too long"));
    }
    let rest = path.strip_prefix("tile/").ok_or_else(|| bad("must start with \"tile/\""))?;
    let (first, rest) = rest.split_once('/').ok_or_else(|| bad("missing tile index"))?;
    let level = if first == "entries" {
        None
    } else {
        Some(parse_level(first).ok_or_else(|| bad("level must be 0..=63 without leading zeros"))?)
    };
    let (index_part, width) = match rest.split_once(".p/") {
        Some((idx, w)) => {
            let w = parse_width(w).ok_or_else(|| bad("partial width must be 1..=255 without leading zeros"))?;
            (idx, w)
        }
        None => (rest, TILE_WIDTH as u16),
    };
    let index = parse_index(index_part)
        .ok_or_else(|| bad("index must be 3-digit groups, all but the last prefixed with 'x', no leading x000"))?;
    Ok(match level {
        Some(level) => TilePath::Hash(TileId { level, index, width }),
        None => TilePath::Entries { index, width },
    })
}

fn parse_canonical_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0')) {
        return None;
    }
    s.parse().ok()
}

fn parse_level(s: &str) -> Option<u8> {
    let n = parse_canonical_decimal(s)?;
    u8::try_from(n).ok().filter(|&l| l <= MAX_LEVEL)
}

fn parse_width(s: &str) -> Option<u16> {
    let n = parse_canonical_decimal(s)?;
    u16::try_from(n).ok().filter(|w| (1..=255).contains(w))
}

fn parse_index(s: &str) -> Option<u64> {
    let groups: Vec<&str> = s.split('/').collect();
    // u64::MAX has 20 digits, i.e. 7 groups.
    if groups.is_empty() || groups.len() > 7 {
        return None;
    }
    let mut n: u64 = 0;
    for (i, g) in groups.iter().enumerate() {
        let last = i + 1 == groups.len();
        let digits = if last { *g } else { g.strip_prefix('x')? };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if i == 0 && !last && digits == "000" {
            return None;
        }
        let d: u64 = digits.parse().ok()?;
        n = n.checked_mul(1000)?.checked_add(d)?;
    }
    Some(n)
}

/// Encodes log entries as an entry bundle: each entry as a big-endian u16
/// length followed by its bytes.
pub fn encode_bundle<'a>(entries: impl IntoIterator<Item = &'a [u8]>) -> Result<Vec<u8>, LedgerError> {
    let mut out = Vec::new();
    for (i, e) in entries.into_iter().enumerate() {
        if i as u64 >= TILE_WIDTH {
            return Err(LedgerError::MalformedBundle { reason: "a bundle holds at most 256 entries".into() });
        }
        let len = u16::try_from(e.len()).map_err(|_| LedgerError::EntryTooLarge { index: i, len: e.len() })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(e);
    }
    Ok(out)
}

/// Splits an entry bundle into its entries, borrowing from `bytes`.
pub fn decode_bundle(bytes: &[u8]) -> Result<Vec<&[u8]>, LedgerError> {
    if bytes.is_empty() {
        return Err(LedgerError::MalformedBundle { reason: "bundle is empty; empty bundles are never served".into() });
    }
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        if out.len() as u64 == TILE_WIDTH {
            return Err(LedgerError::MalformedBundle { reason: "more than 256 entries".into() });
        }
        let (len, tail) = match rest {
            [a, b, tail @ ..] => (usize::from(u16::from_be_bytes([*a, *b])), tail),
            _ => {
                return Err(LedgerError::MalformedBundle {
                    reason: format!("entry {} has a truncated length prefix", out.len()),
                })
            }
        };
        if tail.len() < len {
            return Err(LedgerError::MalformedBundle {
                reason: format!("entry {} claims {} bytes but only {} remain", out.len(), len, tail.len()),
            });
        }
        let (entry, tail) = tail.split_at(len);
        out.push(entry);
        rest = tail;
    }
    Ok(out)
}

/// Splits a hash tile into its hashes.
pub fn tile_hashes(bytes: &[u8]) -> Result<Vec<Hash>, LedgerError> {
    if bytes.is_empty() || bytes.len() > FULL_TILE_BYTES || !bytes.len().is_multiple_of(32) {
        return Err(LedgerError::MalformedTile {
            reason: format!("tile is {} bytes; expected a multiple of 32 between 32 and 8192", bytes.len()),
        });
    }
    Ok(bytes
        .chunks_exact(32)
        .map(|c| {
            let mut h = [0u8; 32];
            h.copy_from_slice(c);
            Hash(h)
        })
        .collect())
}

/// `size >> (8 * level)`, or 0 once the shift would leave the u64.
pub(crate) fn hashes_at_level(size: u64, level: u32) -> u64 {
    size.checked_shr(TILE_HEIGHT_BITS * level).unwrap_or(0)
}

const TILE_HEIGHT_BITS: u32 = crate::hash::TILE_HEIGHT;

/// Every hash tile of a tree of `size` leaves, level by level, each level's
/// full tiles followed by its partial tile if any.
pub fn tiles_for_size(size: u64) -> Vec<TileId> {
    let mut out = Vec::new();
    let mut level = 0u32;
    loop {
        let n = hashes_at_level(size, level);
        if n == 0 {
            break;
        }
        for (index, width) in tiles_of_count(n) {
            out.push(TileId {
                // At most 8 levels exist in a u64 tree, so this cannot truncate.
                level: level as u8,
                index,
                width,
            });
        }
        level += 1;
    }
    out
}

/// (index, width) of the entry bundles of a tree of `size` leaves.
pub fn entry_bundles_for_size(size: u64) -> Vec<(u64, u16)> {
    tiles_of_count(size).collect()
}

fn tiles_of_count(n: u64) -> impl Iterator<Item = (u64, u16)> {
    let full = n / TILE_WIDTH;
    let partial = (n % TILE_WIDTH) as u16;
    (0..full).map(|i| (i, TILE_WIDTH as u16)).chain((partial > 0).then_some((full, partial)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Path examples from C2SP tlog-tiles (C2SP/C2SP tlog-tiles.md): index
    // 1234067 is encoded as "x001/x234/067".
    #[test]
    fn spec_path_examples() {
        let t = TileId { level: 0, index: 1234067, width: 8 };
        assert_eq!(t.path(), "tile/0/x001/x234/067.p/8");
        assert_eq!(parse_tile_path(&t.path()), Ok(TilePath::Hash(t)));
        assert_eq!(entries_path(1234067, 256), "tile/entries/x001/x234/067");
        assert_eq!(parse_tile_path("tile/entries/x001/x234/067"), Ok(TilePath::Entries { index: 1234067, width: 256 }));
        assert_eq!(
            parse_tile_path("tile/0/x001/234.p/5"),
            Ok(TilePath::Hash(TileId { level: 0, index: 1234, width: 5 }))
        );
        let max = TileId { level: 63, index: u64::MAX, width: 256 };
        assert_eq!(max.path(), "tile/63/x018/x446/x744/x073/x709/x551/615");
        assert_eq!(parse_tile_path(&max.path()), Ok(TilePath::Hash(max)));
    }

    #[test]
    fn non_canonical_paths_rejected() {
        for p in [
            "",
            "tile",
            "tile/",
            "/tile/0/000",
            "tile/0/",
            "tile/00/000",
            "tile/01/000",
            "tile/64/000",
            "tile/-1/000",
            "tile/+1/000",
            "tile/0/0",
            "tile/0/00",
            "tile/0/0000",
            "tile/0/x000/001",
            "tile/0/x001/x000",
            "tile/0/001/002",
            "tile/0/x001",
            "tile/0/x1/002",
            "tile/0/000.p/0",
            "tile/0/000.p/256",
            "tile/0/000.p/010",
            "tile/0/000.p/",
            "tile/0/000.p/1/",
            "tile/0/000/",
            "tile/0//000",
            "tile/0/000.p/1.p/1",
            "tile/entries/",
            "tile/entries/x000/000",
            "tile/0/x018/x446/x744/x073/x709/x551/616",
            "tile/0/x001/x018/x446/x744/x073/x709/x551/615",
            "tile/0/ 01",
            "tile/0/0a1",
            "tile/0/٣٣٣",
            "tile/data/000",
        ] {
            assert!(parse_tile_path(p).is_err(), "accepted {p:?}");
        }
    }

    #[test]
    fn tiles_for_size_matches_spec_examples() {
        // C2SP tlog-tiles: "a tree of size 70,000 will be represented by 273
        // full level 0 tiles, one partial level 0 tile of width 112, one full
        // level 1 tile, one partial level 1 tile of width 17, and one partial
        // level 2 tile of width 1."
        let tiles = tiles_for_size(70_000);
        let l0: Vec<_> = tiles.iter().filter(|t| t.level == 0).collect();
        assert_eq!(l0.len(), 274);
        assert_eq!(l0.iter().filter(|t| t.is_full()).count(), 273);
        assert_eq!(l0[273].width, 112);
        let l1: Vec<_> = tiles.iter().filter(|t| t.level == 1).collect();
        assert_eq!(l1.len(), 2);
        assert!(l1[0].is_full());
        assert_eq!((l1[1].index, l1[1].width), (1, 17));
        let l2: Vec<_> = tiles.iter().filter(|t| t.level == 2).collect();
        assert_eq!(l2.len(), 1);
        assert_eq!((l2[0].index, l2[0].width), (0, 1));
        assert_eq!(tiles.len(), 277);
        // "a tree of size 256 will be represented by a full level 0 tile and a
        // partial level 1 tile of width 1."
        assert_eq!(
            tiles_for_size(256),
            vec![TileId { level: 0, index: 0, width: 256 }, TileId { level: 1, index: 0, width: 1 }]
        );
        assert!(tiles_for_size(0).is_empty());
        assert_eq!(entry_bundles_for_size(70_000).len(), 274);
        assert_eq!(entry_bundles_for_size(512), vec![(0, 256), (1, 256)]);
        // Level arithmetic must not overflow at the largest sizes.
        assert_eq!(hashes_at_level(u64::MAX, 7), 255);
        assert_eq!(hashes_at_level(u64::MAX, 8), 0);
    }

    #[test]
    fn bundles() {
        let entries: Vec<&[u8]> = vec![b"", b"a", &[7u8; 300]];
        let enc = encode_bundle(entries.iter().copied()).unwrap();
        assert_eq!(&enc[..5], &[0, 0, 0, 1, b'a']);
        assert_eq!(decode_bundle(&enc).unwrap(), entries);
        assert!(decode_bundle(&enc[..enc.len() - 1]).is_err());
        assert!(decode_bundle(&[0]).is_err());
        assert!(decode_bundle(&[]).is_err());
        let big = vec![0u8; 65536];
        assert!(matches!(encode_bundle([big.as_slice()]), Err(LedgerError::EntryTooLarge { .. })));
        let max = vec![0u8; 65535];
        assert!(encode_bundle([max.as_slice()]).is_ok());
        let too_many = vec![0u8; 2 * 257];
        assert!(decode_bundle(&too_many).is_err());
        assert_eq!(decode_bundle(&too_many[..512]).map(|v| v.len()), Ok(256));
        assert!(encode_bundle(std::iter::repeat_n(&b""[..], 257)).is_err());
    }

    #[test]
    fn tile_hash_lengths() {
        assert!(tile_hashes(&[]).is_err());
        assert!(tile_hashes(&[0; 31]).is_err());
        assert!(tile_hashes(&[0; 8192 + 32]).is_err());
        assert_eq!(tile_hashes(&[0; 8192]).map(|v| v.len()), Ok(256));
    }

    proptest! {
        #[test]
        fn path_round_trip(level in 0u8..=63, index: u64, width in 1u16..=256) {
            let t = TileId { level, index, width };
            prop_assert_eq!(parse_tile_path(&t.path()), Ok(TilePath::Hash(t)));
            prop_assert_eq!(
                parse_tile_path(&entries_path(index, width)),
                Ok(TilePath::Entries { index, width })
            );
        }

        #[test]
        fn parse_path_never_panics(s in "\\PC{0,70}") {
            if let Ok(p) = parse_tile_path(&s) {
                let again = match p {
                    TilePath::Hash(t) => t.path(),
                    TilePath::Entries { index, width } => entries_path(index, width),
                };
                prop_assert_eq!(again, s);
            }
        }

        #[test]
        fn parse_path_like_strings(s in "tile/(entries|[0-9x]{1,3})(/[0-9x.p]{1,5}){1,8}") {
            if let Ok(p) = parse_tile_path(&s) {
                let again = match p {
                    TilePath::Hash(t) => t.path(),
                    TilePath::Entries { index, width } => entries_path(index, width),
                };
                prop_assert_eq!(again, s);
            }
        }

        #[test]
        fn bundle_decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            if let Ok(entries) = decode_bundle(&bytes) {
                prop_assert_eq!(&encode_bundle(entries.iter().copied()).unwrap(), &bytes);
            }
            let _ = tile_hashes(&bytes);
        }

        #[test]
        fn bundle_round_trip(entries in proptest::collection::vec(
            proptest::collection::vec(any::<u8>(), 0..40), 1..=256)) {
            let enc = encode_bundle(entries.iter().map(|e| e.as_slice())).unwrap();
            let dec = decode_bundle(&enc).unwrap();
            prop_assert_eq!(dec.len(), entries.len());
            for (a, b) in dec.iter().zip(&entries) {
                prop_assert_eq!(*a, b.as_slice());
            }
        }
    }
}
