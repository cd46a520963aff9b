//! Builder, tiles and proofs checked against a naive RFC 6962 implementation.

use std::collections::BTreeMap;

use dauys_ledger::*;
use proptest::prelude::*;

/// MTH straight from RFC 6962 section 2.1, deliberately naive.
fn naive_mth(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = 1usize << (usize::BITS - 1 - (n - 1).leading_zeros());
            node_hash(&naive_mth(&leaves[..k]), &naive_mth(&leaves[k..]))
        }
    }
}

fn leaf(i: u64) -> Hash {
    leaf_hash(&i.to_be_bytes())
}

fn leaves(n: u64) -> Vec<Hash> {
    (0..n).map(leaf).collect()
}

/// Latest bytes per (level, index), as a tile store would hold them.
type TileMap = BTreeMap<(u8, u64), Vec<u8>>;

fn store(map: &mut TileMap, changed: Vec<(TileId, Vec<u8>)>) {
    for (id, bytes) in changed {
        assert_eq!(bytes.len(), usize::from(id.width) * 32, "{id:?}");
        if let Some(old) = map.get(&(id.level, id.index)) {
            // Tiles only ever grow by appending hashes.
            assert!(bytes.starts_with(old), "tile {id:?} rewrote existing hashes");
        }
        map.insert((id.level, id.index), bytes);
    }
}

fn source(map: &TileMap) -> TileHashSource<impl Fn(u8, u64) -> Result<Vec<u8>, LedgerError> + '_> {
    TileHashSource::new(move |level, index| {
        map.get(&(level, index)).cloned().ok_or(LedgerError::MissingTile { level, index, needed: 1, have: 0 })
    })
}

/// The bytes tlog-tiles says tile (level, index) holds at width `width`.
fn truth_tile(all: &[Hash], level: u8, index: u64, width: u16) -> Vec<u8> {
    let span = 1usize << (8 * u32::from(level));
    let mut out = Vec::new();
    for i in 0..usize::from(width) {
        let start = (index as usize * 256 + i) * span;
        out.extend_from_slice(&naive_mth(&all[start..start + span]).0);
    }
    out
}

/// Deterministic, varied batch sizes, including ones that finish a tile in
/// the middle of a batch and ones that span several tiles.
fn batch_sizes() -> impl Iterator<Item = u64> {
    [1u64, 3, 250, 5, 256, 1, 255, 2, 511, 17, 700, 64].into_iter().cycle()
}

#[test]
fn builder_roots_and_tiles_exhaustive() {
    const N: u64 = 2000;
    let all = leaves(N);
    let mut b = TreeBuilder::new();
    assert_eq!(b.root(), empty_root());
    let mut map = TileMap::new();
    let mut roots = vec![empty_root()];
    for i in 0..N {
        assert_eq!(b.append(all[i as usize]), i);
        let size = i + 1;
        store(&mut map, b.take_changed_tiles());
        let root = b.root();
        assert_eq!(root, naive_mth(&all[..size as usize]), "size {size}");
        assert_eq!(tree_root(&source(&map), size).unwrap(), root, "size {size}");
        roots.push(root);
        // The store holds exactly the tiles the spec lists for this size.
        let want: Vec<(u8, u64, u16)> = tiles_for_size(size).iter().map(|t| (t.level, t.index, t.width)).collect();
        let have: Vec<(u8, u64, u16)> = map.iter().map(|(&(l, i), b)| (l, i, (b.len() / 32) as u16)).collect();
        assert_eq!(have, want, "size {size}");
    }
    for (&(level, index), bytes) in &map {
        assert_eq!(*bytes, truth_tile(&all, level, index, (bytes.len() / 32) as u16), "tile {level}/{index}");
    }

    // Every inclusion and consistency proof verifies in every tree up to 300
    // leaves, which crosses the first tile boundary.
    let src = source(&map);
    for size in 1..=300u64 {
        for index in 0..size {
            let p = inclusion_proof(&src, index, size).unwrap();
            verify_inclusion(&all[index as usize], index, size, &p, &roots[size as usize]).unwrap();
        }
        for old in 0..=size {
            let p = consistency_proof(&src, old, size).unwrap();
            verify_consistency(old, size, &roots[old as usize], &roots[size as usize], &p).unwrap();
        }
    }
    // Sampled proofs in larger trees.
    for size in (300..=N).step_by(37) {
        for index in (0..size).step_by(61) {
            let p = inclusion_proof(&src, index, size).unwrap();
            verify_inclusion(&all[index as usize], index, size, &p, &roots[size as usize]).unwrap();
            let p = consistency_proof(&src, index + 1, size).unwrap();
            verify_consistency(index + 1, size, &roots[index as usize + 1], &roots[size as usize], &p).unwrap();
        }
    }
}

/// A hash source for any size whose hashes are all zero: proofs from it have
/// the honest *shape* (length) for any tree, without building the tree.
struct Shape;
impl HashSource for Shape {
    fn subtree(&self, _height: u32, _index: u64) -> Result<Hash, LedgerError> {
        Ok(Hash::default())
    }
}

/// Every bit for small trees; a spread sample (one bit per byte, varying
/// position) for larger ones, to keep the debug-build test fast.
fn bits(size: u64) -> Box<dyn Iterator<Item = usize>> {
    if size <= 20 {
        Box::new(0..256)
    } else {
        Box::new((0..32).map(move |byte| byte * 8 + (byte + size as usize) % 8))
    }
}

fn flip(proof: &[Hash], i: usize, bit: usize) -> Vec<Hash> {
    let mut p = proof.to_vec();
    p[i].0[bit / 8] ^= 1 << (bit % 8);
    p
}

#[test]
fn corrupted_proofs_fail() {
    const N: u64 = 70;
    let all = leaves(N);
    let mut b = TreeBuilder::new();
    let mut map = TileMap::new();
    let mut roots = vec![empty_root()];
    for l in &all {
        b.append(*l);
        roots.push(b.root());
    }
    store(&mut map, b.take_changed_tiles());
    let src = source(&map);
    let junk = leaf_hash(b"junk");
    for size in 1..=N {
        let root = roots[size as usize];
        for index in 0..size {
            let lh = all[index as usize];
            let p = inclusion_proof(&src, index, size).unwrap();
            let ok = |l: &Hash, i: u64, s: u64, p: &[Hash], r: &Hash| verify_inclusion(l, i, s, p, r).is_ok();
            assert!(ok(&lh, index, size, &p, &root));
            for i in 0..p.len() {
                for bit in bits(size) {
                    assert!(!ok(&lh, index, size, &flip(&p, i, bit), &root));
                }
            }
            for bit in bits(size) {
                assert!(!ok(&flip(&[lh], 0, bit)[0], index, size, &p, &root));
                assert!(!ok(&lh, index, size, &p, &flip(&[root], 0, bit)[0]));
            }
            for wrong in [index.wrapping_sub(1), index + 1, index ^ 2, size] {
                if wrong != index {
                    assert!(!ok(&lh, wrong, size, &p, &root));
                }
            }
            // A proof binds the size only through its shape: it must fail
            // for any size whose path to the root has another length.
            for wrong in [size * 2, size / 2, size + 1, size - 1, u64::MAX] {
                let other_shape =
                    index >= wrong || inclusion_proof(&Shape, index, wrong).map(|q| q.len()) != Ok(p.len());
                if wrong != size && other_shape {
                    assert!(!ok(&lh, index, wrong, &p, &root), "{index} {size}->{wrong}");
                }
            }
            if !p.is_empty() {
                assert!(!ok(&lh, index, size, &p[..p.len() - 1], &root));
                assert!(!ok(&lh, index, size, &p[1..], &root));
            }
            let mut ext = p.clone();
            ext.push(junk);
            assert!(!ok(&lh, index, size, &ext, &root));
            let mut ext = p.clone();
            ext.push(root);
            assert!(!ok(&lh, index, size, &ext, &root));
            let mut pre = vec![junk];
            pre.extend_from_slice(&p);
            assert!(!ok(&lh, index, size, &pre, &root));
        }
        for old in 1..size {
            let (r1, r2) = (roots[old as usize], roots[size as usize]);
            let p = consistency_proof(&src, old, size).unwrap();
            let ok = |o: u64, n: u64, a: &Hash, b: &Hash, p: &[Hash]| verify_consistency(o, n, a, b, p).is_ok();
            assert!(ok(old, size, &r1, &r2, &p));
            for i in 0..p.len() {
                for bit in bits(size) {
                    assert!(!ok(old, size, &r1, &r2, &flip(&p, i, bit)));
                }
            }
            for bit in (0..256).step_by(7) {
                assert!(!ok(old, size, &flip(&[r1], 0, bit)[0], &r2, &p));
                assert!(!ok(old, size, &r1, &flip(&[r2], 0, bit)[0], &p));
            }
            for wrong in [old - 1, old + 1, old ^ 2] {
                if wrong != old && wrong <= size {
                    assert!(!ok(wrong, size, &r1, &r2, &p), "{old}->{wrong} {size}");
                }
            }
            for wrong in [size * 2, size / 2, size + 1, size - 1] {
                let other_shape = old > wrong || consistency_proof(&Shape, old, wrong).map(|q| q.len()) != Ok(p.len());
                if wrong != size && other_shape {
                    assert!(!ok(old, wrong, &r1, &r2, &p), "{old} {size}->{wrong}");
                }
            }
            assert!(!ok(old, size, &r2, &r1, &p));
            assert!(!ok(old, size, &r1, &r2, &[]));
            assert!(!ok(old, size, &r1, &r2, &p[..p.len() - 1]));
            for extra in [junk, r1, r2, p[0]] {
                let mut ext = p.clone();
                ext.push(extra);
                assert!(!ok(old, size, &r1, &r2, &ext));
                let mut pre = vec![extra];
                pre.extend_from_slice(&p);
                assert!(!ok(old, size, &r1, &r2, &pre));
            }
        }
    }
}

/// After one batch: the tree size, its root, and the tiles the batch changed.
type BatchOutcome = (u64, Hash, Vec<(TileId, Vec<u8>)>);

/// Appends `all[from..to]` in varied batches, taking changed tiles after each.
fn run_batches(
    b: &mut TreeBuilder,
    all: &[Hash],
    from: u64,
    to: u64,
    sizes: impl Iterator<Item = u64>,
) -> Vec<BatchOutcome> {
    let mut out = Vec::new();
    let mut at = from;
    for n in sizes {
        if at >= to {
            break;
        }
        let end = (at + n).min(to);
        for l in &all[at as usize..end as usize] {
            b.append(*l);
        }
        at = end;
        out.push((b.size(), b.root(), b.take_changed_tiles()));
    }
    out
}

#[test]
fn resume_at_every_size_matches_uninterrupted() {
    const N: u64 = 1200;
    const MORE: u64 = 600;
    let all = leaves(N + MORE);
    // A full tile store, built once; a tile at any earlier size is a prefix.
    let mut full = TreeBuilder::new();
    for l in &all {
        full.append(*l);
    }
    let mut map = TileMap::new();
    store(&mut map, full.take_changed_tiles());

    let mut reference = TreeBuilder::new();
    for size in 0..=N {
        let ids = TreeBuilder::right_edge_tiles(size);
        for id in &ids {
            assert!(!id.is_full());
        }
        let tiles: Vec<Vec<u8>> =
            ids.iter().map(|id| map[&(id.level, id.index)][..usize::from(id.width) * 32].to_vec()).collect();
        let mut resumed = TreeBuilder::resume(size, &tiles).unwrap();
        assert_eq!(resumed.size(), size);
        assert_eq!(resumed.root(), reference.root(), "size {size}");
        assert!(resumed.take_changed_tiles().is_empty());

        let mut uninterrupted = reference.clone();
        uninterrupted.take_changed_tiles();
        let skip = (size % 12) as usize;
        let a = run_batches(&mut resumed, &all, size, size + MORE, batch_sizes().skip(skip));
        let b = run_batches(&mut uninterrupted, &all, size, size + MORE, batch_sizes().skip(skip));
        assert_eq!(a, b, "resume at {size}");
        // And what was emitted is what the spec says those tiles hold.
        for (_, _, changed) in &a {
            for (id, bytes) in changed {
                assert_eq!(*bytes, map[&(id.level, id.index)][..bytes.len()], "{id:?}");
            }
        }

        if size < N {
            reference.append(all[size as usize]);
        }
    }
}

#[test]
fn tile_completed_across_two_calls() {
    let all = leaves(600);
    let mut b = TreeBuilder::new();
    for l in &all[..250] {
        b.append(*l);
    }
    let first = b.take_changed_tiles();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].0.width, 250);
    for l in &all[250..258] {
        b.append(*l);
    }
    let second = b.take_changed_tiles();
    let ids: Vec<TileId> = second.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        ids,
        vec![
            TileId { level: 0, index: 0, width: 256 },
            TileId { level: 0, index: 1, width: 2 },
            TileId { level: 1, index: 0, width: 1 },
        ]
    );
    assert_eq!(second[0].1, truth_tile(&all, 0, 0, 256));
    assert_eq!(second[2].1, naive_mth(&all[..256]).0.to_vec());
    // Nothing touched, nothing reported.
    assert!(b.take_changed_tiles().is_empty());
}

#[test]
fn resume_validates_lengths() {
    assert!(TreeBuilder::resume(0, &[]).is_ok());
    assert!(TreeBuilder::resume(0, &[vec![0; 32]]).is_err());
    assert!(TreeBuilder::resume(3, &[]).is_err());
    assert!(TreeBuilder::resume(3, &[vec![0; 64]]).is_err());
    assert!(TreeBuilder::resume(3, &[vec![0; 96]]).is_ok());
    assert!(TreeBuilder::resume(257, &[vec![0; 32]]).is_err());
    assert!(TreeBuilder::resume(257, &[vec![0; 32], vec![0; 32]]).is_ok());
    assert!(TreeBuilder::resume(256, &[vec![0; 32]]).is_ok());
    assert_eq!(
        TreeBuilder::right_edge_tiles(70_000),
        vec![
            TileId { level: 0, index: 273, width: 112 },
            TileId { level: 1, index: 1, width: 17 },
            TileId { level: 2, index: 0, width: 1 },
        ]
    );
    assert_eq!(TreeBuilder::right_edge_tiles(65536).len(), 1);
    // Level arithmetic holds at the largest representable tree.
    let top = TreeBuilder::right_edge_tiles(u64::MAX);
    assert_eq!(top.len(), 8);
    assert!(top.iter().all(|t| t.width == 255));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Multi-level trees: tiles from take_changed_tiles reproduce the root and
    /// serve proofs; a builder resumed midway matches the uninterrupted one.
    #[test]
    fn large_trees(
        size in 65_530u64..70_500,
        cut_frac in 0.0f64..1.0,
        batch in 20u64..3000,
        probes in proptest::collection::vec((0.0f64..1.0, 0.0f64..1.0), 12),
    ) {
        let all = leaves(size);
        let cut = ((size as f64) * cut_frac) as u64;
        let mut b = TreeBuilder::new();
        let mut map = TileMap::new();
        let mut roots = BTreeMap::new();
        let mut resumed = None;
        let mut resumed_out = Vec::new();
        let mut reference_out = Vec::new();
        let mut i = 0u64;
        while i < size {
            let end = (i + batch).min(size);
            if resumed.is_none() && i <= cut && cut < end {
                // Split this batch at `cut` and resume there from the store.
                for l in &all[i as usize..cut as usize] { b.append(*l); }
                store(&mut map, b.take_changed_tiles());
                let tiles: Vec<Vec<u8>> = TreeBuilder::right_edge_tiles(cut)
                    .iter()
                    .map(|id| map[&(id.level, id.index)].clone())
                    .collect();
                resumed = Some(TreeBuilder::resume(cut, &tiles).unwrap());
                i = cut;
                continue;
            }
            for l in &all[i as usize..end as usize] {
                b.append(*l);
                if let Some(r) = resumed.as_mut() { r.append(*l); }
            }
            i = end;
            roots.insert(i, b.root());
            let changed = b.take_changed_tiles();
            if let Some(r) = resumed.as_mut() {
                resumed_out.push((r.root(), r.take_changed_tiles()));
                reference_out.push((b.root(), changed.clone()));
            }
            store(&mut map, changed);
        }
        prop_assert_eq!(resumed_out, reference_out);
        let root = naive_mth(&all);
        prop_assert_eq!(b.root(), root);
        let src = source(&map);
        prop_assert_eq!(tree_root(&src, size).unwrap(), root);
        let want: Vec<(u8, u64)> = tiles_for_size(size).iter().map(|t| (t.level, t.index)).collect();
        let have: Vec<(u8, u64)> = map.keys().copied().collect();
        prop_assert_eq!(have, want);
        let sizes: Vec<u64> = roots.keys().copied().collect();
        for (a, c) in probes {
            let index = ((size as f64) * a) as u64;
            let p = inclusion_proof(&src, index, size).unwrap();
            prop_assert!(verify_inclusion(&all[index as usize], index, size, &p, &root).is_ok());
            let old = sizes[((sizes.len() as f64) * c) as usize];
            let p = consistency_proof(&src, old, size).unwrap();
            prop_assert!(verify_consistency(old, size, &roots[&old], &root, &p).is_ok());
            // Proofs into an older tree are served by the newer tiles too.
            if index < old {
                let p = inclusion_proof(&src, index, old).unwrap();
                prop_assert!(verify_inclusion(&all[index as usize], index, old, &p, &roots[&old]).is_ok());
            }
        }
    }

    #[test]
    fn verifiers_never_panic(
        leaf: [u8; 32], root: [u8; 32], index: u64, size: u64, old: u64,
        proof in proptest::collection::vec(any::<[u8; 32]>(), 0..70),
    ) {
        let proof: Vec<Hash> = proof.into_iter().map(Hash).collect();
        let _ = verify_inclusion(&Hash(leaf), index, size, &proof, &Hash(root));
        let _ = verify_consistency(old, size, &Hash(leaf), &Hash(root), &proof);
        let _ = verify_consistency(old % 1000, size % 1000, &Hash(leaf), &Hash(root), &proof);
    }
}
