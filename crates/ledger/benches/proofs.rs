//! Proof generation/verification at 10^6 and 10^8 leaves, and append throughput.
//!
//! Building a real 10^8-leaf tree per bench run is out of the question, so the
//! tiles are synthesized. They must still be a *consistent* tree (a level-L
//! hash equal to the root of the tile below it), or proofs would not verify
//! against `tree_root`. A periodic tree gives that cheaply: every level-0 tile
//! holds the same 256 leaf hashes, SHA-256 of (level, position), so every tile
//! at level L is 256 copies of the root of a level L-1 tile. Proof work (tile
//! reads, in-tile hashing, verification) is the same as for a real tree.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use dauys_ledger::*;
use sha2::{Digest, Sha256};
use std::time::Duration;

fn synthetic_tiles() -> Vec<Vec<u8>> {
    let mut tiles: Vec<Vec<u8>> = Vec::new();
    let mut level0 = Vec::with_capacity(8192);
    for pos in 0u64..256 {
        let mut h = Sha256::new();
        h.update([0u8]);
        h.update(pos.to_be_bytes());
        level0.extend_from_slice(&h.finalize());
    }
    tiles.push(level0);
    for _ in 1..8 {
        let below = tile_hashes(tiles.last().expect("level 0 exists")).expect("valid tile");
        let mut hashes = below;
        while hashes.len() > 1 {
            hashes = hashes.chunks(2).map(|p| node_hash(&p[0], &p[1])).collect();
        }
        tiles.push(hashes[0].0.repeat(256));
    }
    tiles
}

fn bench_proofs(c: &mut Criterion) {
    let tiles = synthetic_tiles();
    let source = TileHashSource::new(|level: u8, _index: u64| Ok(tiles[usize::from(level)].clone()));
    for size in [1_000_000u64, 100_000_000] {
        let root = tree_root(&source, size).expect("root");
        let old = size / 3 + 7;
        let old_root = tree_root(&source, old).expect("old root");
        let index = size / 2 + 12_345;
        let leaf = source.subtree(0, index).expect("leaf");

        let mut g = c.benchmark_group(format!("size_{size}"));
        g.bench_function("tree_root", |b| b.iter(|| tree_root(&source, black_box(size)).expect("root")));
        g.bench_function("inclusion_proof", |b| {
            b.iter(|| inclusion_proof(&source, black_box(index), size).expect("proof"))
        });
        let proof = inclusion_proof(&source, index, size).expect("proof");
        verify_inclusion(&leaf, index, size, &proof, &root).expect("inclusion verifies");
        g.bench_function("verify_inclusion", |b| {
            b.iter(|| verify_inclusion(&leaf, black_box(index), size, &proof, &root))
        });
        g.bench_function("consistency_proof", |b| {
            b.iter(|| consistency_proof(&source, black_box(old), size).expect("proof"))
        });
        let proof = consistency_proof(&source, old, size).expect("proof");
        verify_consistency(old, size, &old_root, &root, &proof).expect("consistency verifies");
        g.bench_function("verify_consistency", |b| {
            b.iter(|| verify_consistency(black_box(old), size, &old_root, &root, &proof))
        });
        g.finish();
    }
}

fn bench_append(c: &mut Criterion) {
    let leaves: Vec<Hash> = (0u64..100_000).map(|i| leaf_hash(&i.to_be_bytes())).collect();
    let mut g = c.benchmark_group("tree_builder");
    g.throughput(criterion::Throughput::Elements(leaves.len() as u64));
    g.sample_size(10);
    g.bench_function("append_100k_then_take_tiles", |b| {
        b.iter(|| {
            let mut t = TreeBuilder::new();
            for l in &leaves {
                t.append(*l);
            }
            black_box(t.take_changed_tiles().len());
            t.root()
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench_proofs, bench_append
}
criterion_main!(benches);
