//! Inclusion and consistency proofs (RFC 6962 section 2.1, RFC 9162 sections
//! 2.1.3 and 2.1.4), generated from any source of aligned subtree hashes.

use crate::hash::{empty_root, node_hash, perfect_root, Hash, TILE_HEIGHT};
use crate::tile::tile_hashes;
use crate::LedgerError;

/// Supplies hashes of complete, aligned subtrees. Everything a proof needs is
/// one of these, which lets tiles, databases, or in-memory trees back proofs.
pub trait HashSource {
    /// Hash of the complete, aligned subtree of 2^height leaves starting at
    /// leaf index * 2^height.
    fn subtree(&self, height: u32, index: u64) -> Result<Hash, LedgerError>;
}

impl<T: HashSource + ?Sized> HashSource for &T {
    fn subtree(&self, height: u32, index: u64) -> Result<Hash, LedgerError> {
        (**self).subtree(height, index)
    }
}

/// A [`HashSource`] reading C2SP hash tiles through a closure
/// `(level, tile index) -> tile bytes`. Any stored width that contains the
/// needed hashes will do, so a full tile can stand in for a partial one.
/// Heights that are not multiples of 8 are computed by hashing inside the tile.
pub struct TileHashSource<F> {
    read_tile: F,
}

impl<F: Fn(u8, u64) -> Result<Vec<u8>, LedgerError>> TileHashSource<F> {
    pub fn new(read_tile: F) -> Self {
        TileHashSource { read_tile }
    }
}

impl<F: Fn(u8, u64) -> Result<Vec<u8>, LedgerError>> HashSource for TileHashSource<F> {
    fn subtree(&self, height: u32, index: u64) -> Result<Hash, LedgerError> {
        check_subtree(height, index)?;
        let level = height / TILE_HEIGHT;
        let within = height % TILE_HEIGHT;
        // Position, among the hashes stored at this tile level, of the first
        // hash under the requested subtree; aligned, so it never straddles tiles.
        let first = index << within;
        let count = 1u64 << within;
        let tile_index = first >> TILE_HEIGHT;
        let offset = first & 0xff;
        // level <= 7 because height < 64.
        let level = level as u8;
        let bytes = (self.read_tile)(level, tile_index)?;
        let have = (bytes.len() / 32) as u64;
        if have < offset + count {
            return Err(LedgerError::MissingTile { level, index: tile_index, needed: offset + count, have });
        }
        if bytes.len() % 32 != 0 || bytes.len() > 256 * 32 {
            return Err(LedgerError::MalformedTile {
                reason: format!(
                    "tile {level}/{tile_index} is {} bytes; expected a multiple of 32 up to 8192",
                    bytes.len()
                ),
            });
        }
        // Only the hashes under the subtree are decoded.
        let (start, end) = (offset as usize * 32, (offset + count) as usize * 32);
        let hashes = tile_hashes(&bytes[start..end])?;
        Ok(perfect_root(&hashes))
    }
}

/// Rejects subtrees whose leaf range does not fit in u64 leaf indices.
fn check_subtree(height: u32, index: u64) -> Result<(), LedgerError> {
    let fits = height < 64 && index.checked_shl(height).is_some_and(|s| s >> height == index);
    // The last leaf, start + 2^height - 1, must also be addressable.
    let fits = fits && (index << height).checked_add((1u64 << height) - 1).is_some();
    if fits {
        Ok(())
    } else {
        Err(LedgerError::InvalidSubtree { height, index })
    }
}

/// Largest power of two strictly less than `n` (n >= 2): the RFC 6962 split.
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// MTH(D[start:end]), decomposed into the aligned complete subtrees the
/// source can answer for directly.
pub fn range_hash(source: &impl HashSource, start: u64, end: u64) -> Result<Hash, LedgerError> {
    if start > end {
        return Err(LedgerError::InvalidRange { start, end, reason: "start is after end" });
    }
    range_hash_inner(source, start, end)
}

fn range_hash_inner(source: &impl HashSource, start: u64, end: u64) -> Result<Hash, LedgerError> {
    let n = end - start;
    if n == 0 {
        return Ok(empty_root());
    }
    if n.is_power_of_two() && start.is_multiple_of(n) {
        let height = n.trailing_zeros();
        return source.subtree(height, start >> height);
    }
    let k = split_point(n);
    let left = range_hash_inner(source, start, start + k)?;
    let right = range_hash_inner(source, start + k, end)?;
    Ok(node_hash(&left, &right))
}

/// Root hash of the tree of the first `size` leaves; `empty_root()` for 0.
pub fn tree_root(source: &impl HashSource, size: u64) -> Result<Hash, LedgerError> {
    range_hash(source, 0, size)
}

/// RFC 6962 PATH(index, D[0:size]), ordered from the leaf upwards.
pub fn inclusion_proof(source: &impl HashSource, index: u64, size: u64) -> Result<Vec<Hash>, LedgerError> {
    if index >= size {
        return Err(LedgerError::IndexOutOfRange { index, size });
    }
    let mut proof = Vec::new();
    // Walk down from the root, collecting siblings; reversed at the end
    // because the proof lists the deepest sibling first.
    let (mut start, mut end) = (0u64, size);
    while end - start > 1 {
        let k = split_point(end - start);
        if index < start + k {
            proof.push(range_hash_inner(source, start + k, end)?);
            end = start + k;
        } else {
            proof.push(range_hash_inner(source, start, start + k)?);
            start += k;
        }
    }
    proof.reverse();
    Ok(proof)
}

/// RFC 6962 PROOF(old_size, D[0:new_size]); empty when old_size is 0 or
/// equals new_size.
pub fn consistency_proof(source: &impl HashSource, old_size: u64, new_size: u64) -> Result<Vec<Hash>, LedgerError> {
    if old_size > new_size {
        return Err(LedgerError::InvalidSizes { old_size, new_size });
    }
    if old_size == 0 || old_size == new_size {
        return Ok(Vec::new());
    }
    let mut proof = Vec::new();
    // SUBPROOF(m, D[start:end], b), unrolled: the recursion is a single path.
    let (mut m, mut start, mut end, mut whole) = (old_size, 0u64, new_size, true);
    loop {
        let n = end - start;
        if m == n {
            if !whole {
                proof.push(range_hash_inner(source, start, end)?);
            }
            break;
        }
        let k = split_point(n);
        if m <= k {
            proof.push(range_hash_inner(source, start + k, end)?);
            end = start + k;
        } else {
            proof.push(range_hash_inner(source, start, start + k)?);
            start += k;
            m -= k;
            whole = false;
        }
    }
    proof.reverse();
    Ok(proof)
}

fn mismatch(expected: &Hash, computed: &Hash) -> LedgerError {
    LedgerError::RootMismatch { expected: expected.to_string(), computed: computed.to_string() }
}

/// Verifies an inclusion proof (RFC 9162 section 2.1.3.2).
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> Result<(), LedgerError> {
    if index >= size {
        return Err(LedgerError::IndexOutOfRange { index, size });
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return Err(LedgerError::WrongProofLength {
                reason: "inclusion proof is longer than the path to the root",
            });
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(LedgerError::WrongProofLength { reason: "inclusion proof is shorter than the path to the root" });
    }
    if r != *root {
        return Err(mismatch(root, &r));
    }
    Ok(())
}

/// Verifies a consistency proof (RFC 9162 section 2.1.4.2). Stricter than the
/// RFC at the edges: a size-0 old tree must have the empty root, and equal
/// sizes need equal roots and an empty proof.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), LedgerError> {
    if old_size > new_size {
        return Err(LedgerError::InvalidSizes { old_size, new_size });
    }
    if old_size == 0 || old_size == new_size {
        if !proof.is_empty() {
            return Err(LedgerError::WrongProofLength {
                reason: "proof must be empty when the old tree is empty or sizes are equal",
            });
        }
        if old_size == 0 {
            let e = empty_root();
            return if *old_root == e { Ok(()) } else { Err(mismatch(&e, old_root)) };
        }
        return if old_root == new_root { Ok(()) } else { Err(mismatch(old_root, new_root)) };
    }
    let Some((first, rest)) = proof.split_first() else {
        return Err(LedgerError::WrongProofLength { reason: "proof is empty but the trees differ in size" });
    };
    // When the old tree is a complete subtree its root is the proof's
    // implicit first element.
    let (seed, rest) = if old_size.is_power_of_two() { (*old_root, proof) } else { (*first, rest) };
    let (mut f, mut s) = (old_size - 1, new_size - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (seed, seed);
    for c in rest {
        if s == 0 {
            return Err(LedgerError::WrongProofLength { reason: "consistency proof is too long" });
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(LedgerError::WrongProofLength { reason: "consistency proof is too short" });
    }
    if fr != *old_root {
        return Err(mismatch(old_root, &fr));
    }
    if sr != *new_root {
        return Err(mismatch(new_root, &sr));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::leaf_hash;

    // transparency-dev/merkle testonly/constants.go: LeafInputs and RootHashes.
    const LEAVES: [&str; 8] =
        ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
    const ROOTS: [&str; 8] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    fn h(s: &str) -> Hash {
        Hash::from_hex(s).unwrap()
    }

    /// The eight-leaf test tree as a plain in-memory subtree source.
    struct Leaves(Vec<Hash>);
    impl HashSource for Leaves {
        fn subtree(&self, height: u32, index: u64) -> Result<Hash, LedgerError> {
            let n = 1usize << height;
            let start = index as usize * n;
            self.0.get(start..start + n).map(perfect_root).ok_or(LedgerError::InvalidSubtree { height, index })
        }
    }

    fn vector_tree() -> Leaves {
        Leaves(LEAVES.iter().map(|l| leaf_hash(&hex::decode(l).unwrap())).collect())
    }

    #[test]
    fn known_roots() {
        let t = vector_tree();
        assert_eq!(tree_root(&t, 0).unwrap(), empty_root());
        for (i, r) in ROOTS.iter().enumerate() {
            assert_eq!(tree_root(&t, i as u64 + 1).unwrap(), h(r), "size {}", i + 1);
        }
    }

    // transparency-dev/merkle proof/verify_test.go: inclusionProofs (leaf
    // numbers there are 1-based) and consistencyProofs.
    #[test]
    fn known_inclusion_proofs() {
        let t = vector_tree();
        let cases: [(u64, u64, &[&str]); 5] = [
            (1, 1, &[]),
            (
                1,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                6,
                8,
                &[
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
            (3, 3, &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
            (
                2,
                5,
                &[
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
        ];
        for (leaf, size, want) in cases {
            let want: Vec<Hash> = want.iter().map(|s| h(s)).collect();
            let got = inclusion_proof(&t, leaf - 1, size).unwrap();
            assert_eq!(got, want, "leaf {leaf} size {size}");
            let root = h(ROOTS[size as usize - 1]);
            verify_inclusion(&t.0[leaf as usize - 1], leaf - 1, size, &want, &root).unwrap();
        }
        assert!(inclusion_proof(&t, 0, 0).is_err());
        assert!(verify_inclusion(&t.0[0], 0, 0, &[], &empty_root()).is_err());
    }

    #[test]
    fn known_consistency_proofs() {
        let t = vector_tree();
        let cases: [(u64, u64, &[&str]); 5] = [
            (1, 1, &[]),
            (
                1,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                6,
                8,
                &[
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
            (
                2,
                5,
                &[
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
            (
                6,
                7,
                &[
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
        ];
        for (old, new, want) in cases {
            let want: Vec<Hash> = want.iter().map(|s| h(s)).collect();
            assert_eq!(consistency_proof(&t, old, new).unwrap(), want, "{old}->{new}");
            let (r1, r2) = (h(ROOTS[old as usize - 1]), h(ROOTS[new as usize - 1]));
            verify_consistency(old, new, &r1, &r2, &want).unwrap();
            if !want.is_empty() {
                assert!(verify_consistency(old, new, &r2, &r1, &want).is_err());
                assert!(verify_consistency(old, new, &r1, &r2, &[]).is_err());
            }
        }
    }

    // Edge cases from transparency-dev/merkle proof/verify_test.go
    // TestVerifyConsistency, adapted: this crate additionally requires the
    // empty root for a size-0 old tree.
    #[test]
    fn consistency_edges() {
        let (a, b, e) = (leaf_hash(b"a"), leaf_hash(b"b"), empty_root());
        assert!(verify_consistency(0, 0, &e, &e, &[]).is_ok());
        assert!(verify_consistency(0, 1, &e, &b, &[]).is_ok());
        assert!(verify_consistency(0, 1, &a, &b, &[]).is_err());
        assert!(verify_consistency(1, 1, &a, &a, &[]).is_ok());
        assert!(verify_consistency(1, 1, &a, &b, &[]).is_err());
        assert!(verify_consistency(1, 0, &a, &b, &[]).is_err());
        assert!(verify_consistency(2, 1, &a, &b, &[]).is_err());
        assert!(verify_consistency(1, 2, &a, &b, &[]).is_err());
        assert!(verify_consistency(0, 0, &e, &e, &[e]).is_err());
        assert!(verify_consistency(1, 1, &e, &e, &[e]).is_err());
        assert!(consistency_proof(&vector_tree(), 3, 2).is_err());
    }

    #[test]
    fn tile_source_bounds() {
        let src = TileHashSource::new(|_, _| Ok(vec![0u8; 64]));
        assert!(src.subtree(1, 0).is_ok());
        assert!(matches!(src.subtree(2, 0), Err(LedgerError::MissingTile { .. })));
        assert!(src.subtree(64, 0).is_err());
        assert!(src.subtree(63, 2).is_err());
        assert!(src.subtree(1, u64::MAX).is_err());
        let odd = TileHashSource::new(|_, _| Ok(vec![0u8; 33]));
        assert!(odd.subtree(0, 0).is_err());
        assert!(range_hash(&src, 2, 1).is_err());
    }
}
