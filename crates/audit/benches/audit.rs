//! Verification-and-replay rate of the auditor, and whether its memory streams.
//!
//! ```sh
//! cargo bench -p dauys-audit --bench audit -- --count 1000000
//! ```
//!
//! Writes a signed log of `--count` entries to a temporary directory laid out like the
//! server's URL space (the generator streams too), then audits it with [`audit_with`] over a
//! [`Fetch`] that reads those files, as `dauys audit` would read a mirror. It prints the
//! entries verified per second and the auditor's peak resident memory, measured after the
//! generator's peak is reset (`/proc/self/clear_refs`). Run it at two sizes and compare the
//! peaks: streaming means they stay the same. The entries re-issue the deployment's
//! configuration, so the replayed state stays small and only the auditor's own memory shows.

use dauys_audit::{audit_with, AuditError, AuditOptions, Fetch};
use dauys_core::{Entry, Event, LocalizedText, Timestamp};
use dauys_ledger::{encode_bundle, entries_path, leaf_hash, Checkpoint, NoteSigner, TreeBuilder, TILE_WIDTH};
use std::path::{Path, PathBuf};
use std::time::Instant;

const ORIGIN: &str = "dauys.bench/log";

struct DirFetch {
    root: PathBuf,
}

impl Fetch for DirFetch {
    fn get(&self, path: &str) -> Result<Option<Vec<u8>>, AuditError> {
        match std::fs::read(self.root.join(path)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(AuditError::Internal(format!("reading {path}: {e}"))),
        }
    }
}

fn write(root: &Path, path: &str, bytes: &[u8]) {
    let target = root.join(path);
    std::fs::create_dir_all(target.parent().expect("file paths have a parent")).expect("create directory");
    std::fs::write(target, bytes).expect("write file");
}

fn entry(i: u64) -> Vec<u8> {
    let event = Event::DeploymentConfigured {
        name: LocalizedText::new(format!("Сынақ {i}"), format!("Тест {i}"), format!("Test {i}")),
        utc_offset_minutes: 300,
        act_rule: None,
    };
    Entry::new(Timestamp(1_772_443_800_000 + i), event).encode()
}

/// Writes the log's bundles, tiles and checkpoint under `root`; returns the verifier key.
fn generate(root: &Path, count: u64) -> (String, u64) {
    let signer = NoteSigner::from_seed(ORIGIN, [9; 32]).expect("valid key name");
    let mut builder = TreeBuilder::new();
    let mut bundle: Vec<Vec<u8>> = Vec::with_capacity(TILE_WIDTH as usize);
    let mut bytes_total = 0;
    for i in 0..count {
        let data = entry(i);
        bytes_total += data.len() as u64;
        builder.append(leaf_hash(&data));
        bundle.push(data);
        let last = i + 1 == count;
        if bundle.len() as u64 == TILE_WIDTH || last {
            let index = i / TILE_WIDTH;
            let encoded = encode_bundle(bundle.iter().map(Vec::as_slice)).expect("bundle");
            write(root, &entries_path(index, bundle.len() as u16), &encoded);
            bundle.clear();
            for (tile, bytes) in builder.take_changed_tiles() {
                write(root, &tile.path(), &bytes);
            }
        }
    }
    let checkpoint = Checkpoint { origin: ORIGIN.into(), size: count, root: builder.root(), extensions: vec![] };
    write(root, "checkpoint", checkpoint.sign(&signer).expect("sign").as_bytes());
    (signer.vkey(), bytes_total)
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse().ok()))
        .unwrap_or(0)
}

fn main() {
    let mut count = 1_000_000u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--count" {
            count = args.next().and_then(|v| v.parse().ok()).expect("--count takes a number");
        }
    }
    let files = tempfile::tempdir().expect("temporary directory");
    let state = tempfile::tempdir().expect("temporary directory");
    let generating = Instant::now();
    let (vkey, bytes_total) = generate(files.path(), count);
    println!(
        "generated count={count} entry_bytes_avg={} in {:.1}s",
        bytes_total / count.max(1),
        generating.elapsed().as_secs_f64()
    );
    // Reset the peak so that what follows is the auditor's alone.
    if let Err(e) = std::fs::write("/proc/self/clear_refs", "5") {
        println!("could not reset the peak resident memory ({e}); the peak below includes the generator");
    }
    let rss_before = status_kib("VmRSS:");
    let options = AuditOptions {
        base_url: "file://bench".into(),
        state_dir: state.path().to_owned(),
        vkey: Some(vkey),
        progress: false,
        mirror_dir: None,
        witnesses: None,
    };
    let fetch = DirFetch { root: files.path().to_owned() };
    let auditing = Instant::now();
    let report = audit_with(&fetch, &options).expect("the generated log verifies");
    let secs = auditing.elapsed().as_secs_f64();
    assert_eq!(report.entries_checked, count);
    println!(
        "audited entries={} tiles={} seconds={secs:.2} entries_per_sec={:.0} mib_per_sec={:.1}",
        report.entries_checked,
        report.tiles_checked,
        count as f64 / secs,
        bytes_total as f64 / secs / (1024.0 * 1024.0)
    );
    println!(
        "rss_before_audit_mib={:.1} peak_rss_during_audit_mib={:.1}",
        rss_before as f64 / 1024.0,
        status_kib("VmHWM:") as f64 / 1024.0
    );
}
