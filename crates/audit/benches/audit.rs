//! Verification-and-replay rate of the auditor, and its memory, on the log users produce.
//!
//! ```sh
//! cargo bench -p dauys-audit --bench audit -- --count 1000000
//! cargo bench -p dauys-audit --bench audit -- --count 1000000 --petitions 10000
//! cargo bench -p dauys-audit --bench audit -- --count 1000000 --workload configurations
//! ```
//!
//! Writes a signed log of about `--count` entries to a temporary directory laid out like the
//! server's URL space (the generator streams), then audits it with [`audit_with`] over a
//! [`Fetch`] that reads those files, as `dauys audit` would read a mirror. It prints the
//! entries verified per second and the auditor's peak resident memory, measured after the
//! generator's peak is reset (`/proc/self/clear_refs`).
//!
//! The default workload is the one citizens make: `--petitions` (1,000) petitions drafted,
//! launched, submitted and accepted, then signatures spread over them, each a new signer,
//! with every event the rules require logged where the sequencer would log it (the generator
//! folds each entry into a `State`, as the server does). The replayed state grows with the
//! signatures, as the server's does. `--workload configurations` re-issues the deployment's
//! configuration instead, so the state stays small and only the auditor's own memory shows:
//! run it at two sizes to see that verification streams.

use dauys_audit::{audit_with, AuditError, AuditOptions, Fetch};
use dauys_core::{
    kazakhstan_rules, AccountId, BodyKind, Entry, Event, Level, LocalizedText, LogIndex, PetitionId, Region, Role,
    State, Timestamp, Topic,
};
use dauys_ledger::{encode_bundle, entries_path, leaf_hash, Checkpoint, NoteSigner, TreeBuilder, TILE_WIDTH};
use dauys_testkit::{bench_petition_texts, synthetic_pseudonym};
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

/// Writes entries as they come: each full bundle, and the tiles it completes, at once.
struct LogWriter<'a> {
    root: &'a Path,
    builder: TreeBuilder,
    bundle: Vec<Vec<u8>>,
    count: u64,
    bytes_total: u64,
}

impl LogWriter<'_> {
    fn new(root: &Path) -> LogWriter<'_> {
        LogWriter { root, builder: TreeBuilder::new(), bundle: Vec::new(), count: 0, bytes_total: 0 }
    }

    fn push(&mut self, data: Vec<u8>) {
        self.bytes_total += data.len() as u64;
        self.builder.append(leaf_hash(&data));
        self.bundle.push(data);
        self.count += 1;
        if self.bundle.len() as u64 == TILE_WIDTH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.bundle.is_empty() {
            return;
        }
        let index = (self.count - 1) / TILE_WIDTH;
        let encoded = encode_bundle(self.bundle.iter().map(Vec::as_slice)).expect("bundle");
        write(self.root, &entries_path(index, self.bundle.len() as u16), &encoded);
        self.bundle.clear();
        for (tile, bytes) in self.builder.take_changed_tiles() {
            write(self.root, &tile.path(), &bytes);
        }
    }

    /// Writes the last bundle and the signed checkpoint; the log's verifier key.
    fn finish(mut self) -> String {
        self.flush();
        let signer = NoteSigner::from_seed(ORIGIN, [9; 32]).expect("valid key name");
        let checkpoint =
            Checkpoint { origin: ORIGIN.into(), size: self.count, root: self.builder.root(), extensions: vec![] };
        write(self.root, "checkpoint", checkpoint.sign(&signer).expect("sign").as_bytes());
        signer.vkey()
    }
}

/// Monday 2 March 2026, 10:00 in Astana.
const START_MS: u64 = 1_772_427_600_000;

/// `count` re-issues of the deployment's configuration.
fn configurations(log: &mut LogWriter, count: u64) {
    for i in 0..count {
        let event = Event::DeploymentConfigured {
            name: LocalizedText::new(format!("Сынақ {i}"), format!("Тест {i}"), format!("Test {i}")),
            utc_offset_minutes: 300,
            act_rule: None,
        };
        log.push(Entry::new(Timestamp(START_MS + i), event).encode());
    }
}

/// A new log as the server writes it: each entry folded into the rules' state, then what the
/// rules require of it logged right after, one millisecond apart.
struct Sequencer<'w, 'r> {
    log: &'w mut LogWriter<'r>,
    state: State,
    at: u64,
}

impl Sequencer<'_, '_> {
    fn submit(&mut self, event: Event) {
        let mut pending = vec![event];
        while let Some(event) = pending.pop() {
            self.at += 1;
            let entry = Entry::new(Timestamp(self.at), event);
            let index = LogIndex(self.log.count);
            if let Err(e) = self.state.apply(index, &entry) {
                panic!("the rules refuse the generated {}: {e}", entry.event.kind());
            }
            self.log.push(entry.encode());
            pending.extend(self.state.take_follow_ups(Timestamp(self.at)).into_iter().rev());
        }
    }
}

/// About `count` entries: `petitions` petitions to the Government opened for signatures, then
/// signatures spread over them, each by a new signer.
fn signatures(log: &mut LogWriter, count: u64, petitions: usize) {
    let mut seq = Sequencer { log, state: State::new(), at: START_MS };
    let admin: AccountId = "u-bench00000000adm".parse().expect("account id");
    let government: dauys_core::BodyId = "government".parse().expect("body id");
    let name = |s: &str| LocalizedText::new(s, s, s);
    seq.submit(Event::DeploymentConfigured {
        name: name("Dauys"),
        utc_offset_minutes: 300,
        act_rule: Some(dauys_core::ACT_RULE_LATEST),
    });
    seq.submit(Event::BodyRegistered {
        body: government.clone(),
        name: name("Government"),
        kind: BodyKind::Government,
        parent: None,
        territory: None,
        competences: None,
    });
    let topic = Topic { code: "transport".parse().expect("topic"), name: name("Transport") };
    let mut rules = kazakhstan_rules(Vec::new(), vec![topic], Vec::new());
    // The author alone opens a petition, so that signatures, not set-up, fill the log.
    rules.initial_supporters = 1;
    seq.submit(Event::PetitionRulesPublished { rules });
    seq.submit(Event::RoleGranted {
        account: admin.clone(),
        role: Role::Administrator,
        body: None,
        by: None,
        name: None,
    });
    seq.submit(Event::RoleGranted {
        account: admin.clone(),
        role: Role::Moderator,
        body: None,
        by: Some(admin.clone()),
        name: None,
    });
    let ids: Vec<PetitionId> = (0..petitions).map(|n| format!("p-bench{n:06}").parse().expect("petition id")).collect();
    for (n, petition) in ids.iter().enumerate() {
        let author = synthetic_pseudonym(0, n, 0);
        let (title, text) = bench_petition_texts(n);
        seq.submit(Event::PetitionDrafted {
            petition: petition.clone(),
            author: author.clone(),
            body: government.clone(),
            level: Level::Government,
            territory: None,
            topic: "transport".parse().expect("topic"),
            title,
            text,
        });
        seq.submit(Event::PetitionLaunched { petition: petition.clone(), by: author.clone() });
        seq.submit(Event::PetitionSigned { petition: petition.clone(), signer: author, region: Region::ALL[n % 20] });
        seq.submit(Event::PetitionAccepted { petition: petition.clone(), by: admin.clone() });
    }
    let mut k = 0u64;
    while seq.log.count < count {
        let n = (k % petitions as u64) as usize;
        let region = Region::ALL[(k % 20) as usize];
        seq.submit(Event::PetitionSigned { petition: ids[n].clone(), signer: synthetic_pseudonym(1, n, k), region });
        k += 1;
    }
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse().ok()))
        .unwrap_or(0)
}

fn main() {
    let (mut count, mut petitions, mut workload) = (1_000_000u64, 1_000usize, "signatures".to_string());
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--count" => count = args.next().and_then(|v| v.parse().ok()).expect("--count takes a number"),
            "--petitions" => petitions = args.next().and_then(|v| v.parse().ok()).expect("--petitions takes a number"),
            "--workload" => workload = args.next().expect("--workload takes signatures or configurations"),
            _ => {}
        }
    }
    let files = tempfile::tempdir().expect("temporary directory");
    let state = tempfile::tempdir().expect("temporary directory");
    let generating = Instant::now();
    let mut log = LogWriter::new(files.path());
    match workload.as_str() {
        "signatures" => signatures(&mut log, count, petitions.max(1)),
        "configurations" => configurations(&mut log, count),
        other => panic!("--workload {other}: expected signatures or configurations"),
    }
    let (count, bytes_total) = (log.count, log.bytes_total);
    let vkey = log.finish();
    println!(
        "generated workload={workload} petitions={petitions} count={count} entry_bytes_avg={} in {:.1}s",
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
