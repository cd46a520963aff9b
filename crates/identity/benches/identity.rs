//! Costs of the identity primitives a request may pay: password hashing and checking, sealing
//! and opening a record, wrapping a data key, deriving a pseudonym.
//!
//! `cargo bench -p dauys-identity --bench identity -- --quick`

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use dauys_identity::iin::Iin;
use dauys_identity::password::{hash_password, verify_against_dummy, verify_password, PasswordParams};
use dauys_identity::pseudonym::{PseudonymContext, PseudonymKeyRing};
use dauys_identity::vault::{DataKey, MasterKey};

fn password(c: &mut Criterion) {
    let params = PasswordParams::default();
    let phc = hash_password(&params, "correct horse battery staple").expect("valid params");
    let mut group = c.benchmark_group("password (argon2id, m=19 MiB, t=2, p=1)");
    // Each hash takes tens of milliseconds; ten samples are enough to see the figure.
    group.sample_size(10);
    group.bench_function("hash", |b| b.iter(|| hash_password(&params, black_box("correct horse battery staple"))));
    group.bench_function("verify", |b| b.iter(|| verify_password(&phc, black_box("correct horse battery staple"))));
    group.bench_function("verify_against_dummy", |b| {
        b.iter(|| verify_against_dummy(&params, black_box("correct horse battery staple")))
    });
    group.finish();
}

fn vault(c: &mut Criterion) {
    let master = MasterKey::parse(&MasterKey::generate_text()).expect("generated text parses");
    let data_key = DataKey::generate();
    let mut group = c.benchmark_group("vault (XChaCha20-Poly1305)");
    for size in [100usize, 1024] {
        let record = vec![0x5au8; size];
        let sealed = data_key.seal(b"person:42:contacts", &record);
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(BenchmarkId::new("seal", size), &record, |b, record| {
            b.iter(|| data_key.seal(b"person:42:contacts", black_box(record)))
        });
        group.bench_with_input(BenchmarkId::new("open", size), &sealed, |b, sealed| {
            b.iter(|| data_key.open(b"person:42:contacts", black_box(sealed)))
        });
    }
    group.throughput(Throughput::Elements(1));
    let wrapped = master.wrap_data_key(&data_key, b"person:42:data-key");
    group.bench_function("wrap data key", |b| {
        b.iter(|| master.wrap_data_key(black_box(&data_key), b"person:42:data-key"))
    });
    group.bench_function("unwrap data key", |b| {
        b.iter(|| master.unwrap_data_key(black_box(&wrapped), b"person:42:data-key"))
    });
    group.finish();
}

fn pseudonym(c: &mut Criterion) {
    let ring = PseudonymKeyRing::generate();
    let iin = Iin::parse("900515301234").expect("valid IIN");
    let petition = PseudonymContext::Petition("p-2026-0001".into());
    let mut group = c.benchmark_group("pseudonym (HMAC-SHA-256)");
    group.bench_function("derive person", |b| b.iter(|| ring.derive(black_box(&iin), &PseudonymContext::Person)));
    group.bench_function("derive petition", |b| b.iter(|| ring.derive(black_box(&iin), &petition)));
    group.bench_function("parse IIN", |b| b.iter(|| Iin::parse(black_box("900515301234"))));
    group.finish();
}

criterion_group!(benches, password, vault, pseudonym);
criterion_main!(benches);
