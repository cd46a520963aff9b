//! The auditor against a log built in memory with the same ledger and rules crates the
//! server uses, served through an in-memory [`Fetch`] that a test can tamper with.

use super::*;
use dauys_core::{Event, LocalizedText, Timestamp};
use dauys_ledger::{encode_bundle, entry_bundles_for_size, parse_tile_path, Cosigner, NoteSigner, TilePath};
use std::collections::HashMap;
use std::sync::Mutex;

const ORIGIN: &str = "dauys.test/log";
const FIRST_TS: u64 = 1_772_443_800_000;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The canonical bytes of the `i`th entry of a log; `salt` makes a different log with the
/// same shape (for rewritten histories and tampering).
fn entry_bytes(i: u64, salt: &str) -> Vec<u8> {
    let event = if i.is_multiple_of(64) {
        Event::NoticePublished {
            notice: format!("n-{salt}-{i}").parse().expect("valid notice id"),
            title: LocalizedText::new(format!("Хабарландыру {i}"), format!("Объявление {i}"), format!("Notice {i}")),
            text: LocalizedText::new("Мәтін", "Текст", "Text"),
        }
    } else {
        // Re-configuring replaces the previous one, so long logs keep a small state.
        Event::DeploymentConfigured {
            name: LocalizedText::new(format!("Сынақ {salt} {i}"), format!("Тест {i}"), format!("Test {i}")),
            utc_offset_minutes: 300,
            act_rule: None,
        }
    };
    Entry::new(Timestamp(FIRST_TS + i * 1000), event).encode()
}

/// A log as its operator would publish it: bundles, tiles, checkpoint, `api/v1/log`.
struct FakeLog {
    signer: NoteSigner,
    salt: String,
    entries: Vec<Vec<u8>>,
    builder: TreeBuilder,
    files: HashMap<String, Vec<u8>>,
}

impl FakeLog {
    fn new(salt: &str) -> FakeLog {
        Self::with_key(salt, [7; 32])
    }

    fn with_key(salt: &str, seed: [u8; 32]) -> FakeLog {
        let signer = NoteSigner::from_seed(ORIGIN, seed).expect("valid key name");
        let info = format!(r#"{{"origin":"{ORIGIN}","vkey":"{}","checkpoint":null}}"#, signer.vkey());
        let mut log = FakeLog {
            signer,
            salt: salt.to_owned(),
            entries: Vec::new(),
            builder: TreeBuilder::new(),
            files: HashMap::new(),
        };
        log.files.insert(LOG_INFO_PATH.into(), info.into_bytes());
        log.publish();
        log
    }

    fn vkey(&self) -> String {
        self.signer.vkey()
    }

    fn grow_to(&mut self, size: u64) -> &mut Self {
        for i in self.entries.len() as u64..size {
            let bytes = entry_bytes(i, &self.salt);
            self.push_raw(bytes);
        }
        self.publish();
        self
    }

    fn push_raw(&mut self, bytes: Vec<u8>) {
        self.builder.append(leaf_hash(&bytes));
        self.entries.push(bytes);
    }

    fn publish(&mut self) {
        let size = self.builder.size();
        for (index, width) in entry_bundles_for_size(size) {
            let path = entries_path(index, width);
            if !self.files.contains_key(&path) {
                let start = (index * TILE_WIDTH) as usize;
                let entries = &self.entries[start..start + usize::from(width)];
                let bundle = encode_bundle(entries.iter().map(Vec::as_slice)).expect("bundle");
                self.files.insert(path, bundle);
            }
        }
        for (tile, bytes) in self.builder.take_changed_tiles() {
            self.files.insert(tile.path(), bytes);
        }
        let checkpoint = Checkpoint { origin: ORIGIN.into(), size, root: self.builder.root(), extensions: vec![] };
        let note = checkpoint.sign(&self.signer).expect("sign");
        self.files.insert(CHECKPOINT_PATH.into(), note.into_bytes());
    }

    fn server(&self) -> FakeServer {
        FakeServer { files: self.files.clone(), fetched: Mutex::new(Vec::new()) }
    }
}

struct FakeServer {
    files: HashMap<String, Vec<u8>>,
    fetched: Mutex<Vec<String>>,
}

impl FakeServer {
    fn bundles_fetched(&self) -> Vec<String> {
        self.fetched.lock().expect("lock").iter().filter(|p| p.starts_with("tile/entries/")).cloned().collect()
    }

    /// Replaces entry `index` in every published version of its bundle.
    fn replace_entry(&mut self, index: u64, bytes: Vec<u8>) {
        let full = entries_path(index / TILE_WIDTH, TILE_WIDTH as u16);
        let partial_prefix = format!("{full}.p/");
        let offset = (index % TILE_WIDTH) as usize;
        let mut replaced = 0;
        for (path, bundle) in self.files.iter_mut() {
            if *path != full && !path.starts_with(&partial_prefix) {
                continue;
            }
            let mut entries: Vec<Vec<u8>> =
                decode_bundle(bundle).expect("valid bundle").into_iter().map(<[u8]>::to_vec).collect();
            if let Some(entry) = entries.get_mut(offset) {
                *entry = bytes.clone();
                *bundle = encode_bundle(entries.iter().map(Vec::as_slice)).expect("bundle");
                replaced += 1;
            }
        }
        assert!(replaced > 0, "entry {index} is not published");
    }
}

impl Fetch for FakeServer {
    fn get(&self, path: &str) -> Result<Option<Vec<u8>>, AuditError> {
        self.fetched.lock().expect("lock").push(path.to_owned());
        Ok(self.files.get(path).cloned())
    }
}

fn options(dir: &Path, vkey: Option<String>) -> AuditOptions {
    AuditOptions {
        base_url: "http://fake.invalid".into(),
        state_dir: dir.join("state"),
        vkey,
        progress: false,
        mirror_dir: None,
        witnesses: None,
    }
}

/// The state a replay of the first `size` entries of `salt`'s log must reach.
fn expected_state(size: u64, salt: &str) -> PublicState {
    let mut state = State::default();
    for i in 0..size {
        let entry = Entry::decode(&entry_bytes(i, salt)).expect("valid entry");
        state.apply(LogIndex(i), &entry).expect("valid log");
    }
    state.public_state()
}

#[test]
fn a_clean_log_verifies_and_replays_to_its_state() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut log = FakeLog::new("a");
    log.grow_to(300);
    let report = audit_with(&log.server(), &options(dir.path(), Some(log.vkey())))?;
    assert_eq!(report.origin, ORIGIN);
    assert_eq!(report.checkpoint.size, 300);
    assert_eq!(report.checkpoint.root, log.builder.root());
    assert_eq!(report.entries_checked, 300);
    // tile/0/000 full, then the partials tile/0/001.p/44 and tile/1/000.p/1.
    assert_eq!(report.tiles_checked, 3);
    assert_eq!(report.resumed_from, 0);
    assert!(report.previous.is_none());
    assert!(!report.key_pinned_now);
    assert_eq!(report.public_state, expected_state(300, "a"));
    assert_eq!(report.public_state.notices.count, 5);
    Ok(())
}

#[test]
fn an_empty_log_verifies() -> TestResult {
    let dir = tempfile::tempdir()?;
    let log = FakeLog::new("a");
    let report = audit_with(&log.server(), &options(dir.path(), Some(log.vkey())))?;
    assert_eq!(report.checkpoint.size, 0);
    assert_eq!(report.public_state, State::default().public_state());
    let mut log = log;
    log.grow_to(3);
    let report = audit_with(&log.server(), &options(dir.path(), None))?;
    assert_eq!((report.resumed_from, report.entries_checked), (0, 3));
    Ok(())
}

#[test]
fn without_a_key_the_servers_key_is_trusted_once_and_pinned() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut log = FakeLog::new("a");
    log.grow_to(10);
    let first = audit_with(&log.server(), &options(dir.path(), None))?;
    assert!(first.key_pinned_now);
    let pinned = std::fs::read_to_string(dir.path().join("state/vkey"))?;
    assert_eq!(pinned.trim(), log.vkey());

    // The next run uses the pinned key and does not ask the server for one.
    log.grow_to(20);
    let server = log.server();
    let second = audit_with(&server, &options(dir.path(), None))?;
    assert!(!second.key_pinned_now);
    assert!(!server.fetched.lock().expect("lock").iter().any(|p| p == LOG_INFO_PATH));

    // A key given now must agree with the pinned one.
    let other = FakeLog::with_key("a", [9; 32]);
    match audit_with(&log.server(), &options(dir.path(), Some(other.vkey()))) {
        Err(AuditError::KeyMismatch { .. }) => Ok(()),
        other => panic!("expected KeyMismatch, got {other:?}"),
    }
}

#[test]
fn a_given_key_is_pinned_but_not_reported_as_trusted_on_first_use() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut log = FakeLog::new("a");
    log.grow_to(5);
    let report = audit_with(&log.server(), &options(dir.path(), Some(log.vkey())))?;
    assert!(!report.key_pinned_now);
    let pinned = std::fs::read_to_string(dir.path().join("state/vkey"))?;
    assert_eq!(pinned.trim(), log.vkey());
    Ok(())
}

/// Audits the same growing log at each size in turn, in one state directory.
fn audit_growing(sizes: &[u64]) -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut log = FakeLog::new("g");
    let mut before = 0;
    for &size in sizes {
        log.grow_to(size);
        let server = log.server();
        let report = audit_with(&server, &options(dir.path(), Some(log.vkey())))?;
        assert_eq!(report.checkpoint.size, size);
        assert_eq!(report.resumed_from, before, "resumed at the last audited size");
        assert_eq!(report.entries_checked, size - before);
        assert_eq!(report.previous.as_ref().map(|c| c.size), (before > 0).then_some(before));
        // Only bundles not verified in full before are fetched again.
        let first_new = before / TILE_WIDTH;
        for path in server.bundles_fetched() {
            let Ok(TilePath::Entries { index, .. }) = parse_tile_path(&path) else {
                panic!("{path} is not a bundle path");
            };
            assert!(index >= first_new, "{path} was verified before size {before}");
        }
        let expected_fetches = size.div_ceil(TILE_WIDTH) - first_new;
        assert_eq!(server.bundles_fetched().len() as u64, expected_fetches);
        assert_eq!(report.public_state, expected_state(size, "g"));
        before = size;
    }
    Ok(())
}

#[test]
fn audits_resume_across_bundle_boundaries() -> TestResult {
    audit_growing(&[1, 255, 256, 257, 511, 513, 513, 768, 1000])
}

#[test]
fn audits_resume_across_tile_levels() -> TestResult {
    // 65536 fills a level-1 tile; 70000 goes past it.
    audit_growing(&[255, 65_535, 65_536, 65_537, 70_000])
}

#[test]
fn fresh_audits_of_every_awkward_size_verify() -> TestResult {
    for size in [1, 2, 255, 256, 257, 511, 512, 513, 65_536] {
        let dir = tempfile::tempdir()?;
        let mut log = FakeLog::new("f");
        log.grow_to(size);
        let report = audit_with(&log.server(), &options(dir.path(), Some(log.vkey())))?;
        assert_eq!(report.entries_checked, size);
        assert_eq!(report.checkpoint.root, log.builder.root());
    }
    Ok(())
}

#[test]
fn an_undecodable_entry_is_named_by_its_index() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut log = FakeLog::new("a");
    log.grow_to(300);
    let mut server = log.server();
    server.replace_entry(10, br#"{"event":{"type":"nonsense"},"ts":1,"v":1}"#.to_vec());
    match audit_with(&server, &options(dir.path(), Some(log.vkey()))) {
        Err(AuditError::InvalidEntry { index: 10, .. }) => Ok(()),
        other => panic!("expected InvalidEntry at 10, got {other:?}"),
    }
}

#[test]
fn a_non_canonical_entry_is_refused() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut log = FakeLog::new("a");
    log.grow_to(3);
    let mut server = log.server();
    let mut spaced = entry_bytes(1, "a");
    spaced.insert(1, b' ');
    server.replace_entry(1, spaced);
    match audit_with(&server, &options(dir.path(), Some(log.vkey()))) {
        Err(AuditError::InvalidEntry { index: 1, .. }) => Ok(()),
        other => panic!("expected InvalidEntry at 1, got {other:?}"),
    }
}

#[test]
fn a_valid_but_altered_entry_is_caught_by_the_tiles() -> TestResult {
    let mut log = FakeLog::new("a");
    log.grow_to(300);
    // In a full bundle: the full level-0 tile no longer matches.
    let dir = tempfile::tempdir()?;
    let mut server = log.server();
    server.replace_entry(10, entry_bytes(10, "evil"));
    match audit_with(&server, &options(dir.path(), Some(log.vkey()))) {
        Err(AuditError::TileMismatch { path }) => assert_eq!(path, "tile/0/000"),
        other => panic!("expected TileMismatch, got {other:?}"),
    }
    // In the partial bundle: the partial tile no longer matches.
    let dir = tempfile::tempdir()?;
    let mut server = log.server();
    server.replace_entry(290, entry_bytes(290, "evil"));
    match audit_with(&server, &options(dir.path(), Some(log.vkey()))) {
        Err(AuditError::TileMismatch { path }) => assert_eq!(path, "tile/0/001.p/44"),
        other => panic!("expected TileMismatch, got {other:?}"),
    }
    Ok(())
}

#[test]
fn a_consistently_altered_log_is_caught_by_the_root() -> TestResult {
    // Entries and tiles altered together, checkpoint not re-signed.
    let mut log = FakeLog::new("a");
    log.grow_to(20);
    let mut evil = FakeLog::new("evil");
    evil.grow_to(20);
    let mut server = evil.server();
    server.files.insert(CHECKPOINT_PATH.into(), log.files[CHECKPOINT_PATH].clone());
    let dir = tempfile::tempdir()?;
    match audit_with(&server, &options(dir.path(), Some(log.vkey()))) {
        Err(AuditError::RootMismatch { size: 20, .. }) => Ok(()),
        other => panic!("expected RootMismatch, got {other:?}"),
    }
}

#[test]
fn a_tampered_tile_is_detected() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut log = FakeLog::new("a");
    log.grow_to(600);
    let mut server = log.server();
    let tile = server.files.get_mut("tile/0/001").ok_or("tile published")?;
    tile[0] ^= 1;
    match audit_with(&server, &options(dir.path(), Some(log.vkey()))) {
        Err(AuditError::TileMismatch { path }) => assert_eq!(path, "tile/0/001"),
        other => panic!("expected TileMismatch, got {other:?}"),
    }
    // And nothing was saved, so a later audit starts from scratch.
    assert!(!dir.path().join("state/audited.json").exists());
    Ok(())
}

#[test]
fn a_bad_signature_is_detected() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut log = FakeLog::new("a");
    log.grow_to(300);
    let mut server = log.server();
    let note = String::from_utf8(server.files[CHECKPOINT_PATH].clone())?;
    let forged = note.replacen("\n300\n", "\n299\n", 1);
    assert_ne!(note, forged);
    server.files.insert(CHECKPOINT_PATH.into(), forged.into_bytes());
    match audit_with(&server, &options(dir.path(), Some(log.vkey()))) {
        Err(AuditError::BadCheckpoint { .. }) => Ok(()),
        other => panic!("expected BadCheckpoint, got {other:?}"),
    }
}

#[test]
fn a_checkpoint_signed_by_another_key_is_refused() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut log = FakeLog::new("a");
    log.grow_to(5);
    let impostor = FakeLog::with_key("a", [8; 32]);
    match audit_with(&log.server(), &options(dir.path(), Some(impostor.vkey()))) {
        Err(AuditError::BadCheckpoint { .. }) => Ok(()),
        other => panic!("expected BadCheckpoint, got {other:?}"),
    }
}

#[test]
fn an_invalid_key_is_refused_with_the_expected_format() -> TestResult {
    let dir = tempfile::tempdir()?;
    let log = FakeLog::new("a");
    match audit_with(&log.server(), &options(dir.path(), Some("not a key".into()))) {
        Err(e @ AuditError::InvalidKey { .. }) => {
            assert!(e.to_string().contains("<name>+<key id hex>+<base64 key>"));
            Ok(())
        }
        other => panic!("expected InvalidKey, got {other:?}"),
    }
}

/// Audits `log` at `size`, then presents `later` and expects the history check to fail
/// without touching the saved state.
fn expect_inconsistent(mut log: FakeLog, size: u64, later: &FakeLog) -> TestResult {
    let dir = tempfile::tempdir()?;
    log.grow_to(size);
    audit_with(&log.server(), &options(dir.path(), Some(log.vkey())))?;
    let saved = std::fs::read(dir.path().join("state/audited.json"))?;
    let evidence = match audit_with(&later.server(), &options(dir.path(), None)) {
        Err(e @ AuditError::Inconsistent { .. }) => {
            assert!(e.to_string().starts_with("THE LOG'S HISTORY DIFFERS"), "{e}");
            let AuditError::Inconsistent { saved, .. } = e else { unreachable!() };
            saved
        }
        other => panic!("expected Inconsistent, got {other:?}"),
    };
    assert_eq!(std::fs::read(dir.path().join("state/audited.json"))?, saved);
    // The evidence: both checkpoints as the log signed them, each verifying with its key.
    assert!(evidence.starts_with(dir.path().join("state/evidence")), "{}", evidence.display());
    let text = std::fs::read_to_string(&evidence)?;
    let (_, signed) = text.split_once("--- the checkpoint an earlier audit verified ---\n").expect("the earlier one");
    let (earlier, now) = signed.split_once("--- the checkpoint served now ---\n").expect("the one served now");
    let verifier = NoteVerifier::from_vkey(&log.vkey())?;
    let (earlier, now) = (Checkpoint::open(earlier, &verifier)?, Checkpoint::open(now, &verifier)?);
    assert_eq!(earlier.size, size);
    assert_eq!((now.size, now.root), (later.builder.size(), later.builder.root()));
    // The honest log still audits from the saved state.
    let report = audit_with(&log.server(), &options(dir.path(), None))?;
    assert_eq!(report.resumed_from, size);
    Ok(())
}

#[test]
fn a_shrunk_log_is_inconsistent() -> TestResult {
    let mut shrunk = FakeLog::new("a");
    shrunk.grow_to(200);
    expect_inconsistent(FakeLog::new("a"), 300, &shrunk)
}

#[test]
fn a_fork_at_the_same_size_is_inconsistent() -> TestResult {
    let mut fork = FakeLog::new("b");
    fork.grow_to(300);
    expect_inconsistent(FakeLog::new("a"), 300, &fork)
}

#[test]
fn a_rewritten_history_is_inconsistent() -> TestResult {
    for (old, new) in [(300, 400), (256, 1000), (7, 70_000)] {
        let mut rewritten = FakeLog::new("b");
        rewritten.grow_to(new);
        expect_inconsistent(FakeLog::new("a"), old, &rewritten)?;
    }
    Ok(())
}

#[test]
fn a_changed_entry_below_the_saved_size_is_inconsistent() -> TestResult {
    // The server keeps its tiles (so the consistency proof passes) but alters an entry
    // the previous audit verified, in the partial bundle that is fetched again.
    let dir = tempfile::tempdir()?;
    let mut log = FakeLog::new("a");
    log.grow_to(290);
    audit_with(&log.server(), &options(dir.path(), Some(log.vkey())))?;
    log.grow_to(300);
    let mut server = log.server();
    server.replace_entry(280, entry_bytes(280, "evil"));
    match audit_with(&server, &options(dir.path(), None)) {
        Err(AuditError::Inconsistent { reason, .. }) => {
            assert!(reason.contains("entry 280"), "{reason}");
            Ok(())
        }
        other => panic!("expected Inconsistent, got {other:?}"),
    }
}

#[test]
fn a_rule_violation_in_the_log_is_named_by_its_index() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut log = FakeLog::new("a");
    log.grow_to(5);
    // Notice `n-a-0` again, with a later timestamp: well-formed, but the rules forbid
    // publishing one notice twice.
    let first = Entry::decode(&entry_bytes(0, "a"))?;
    log.push_raw(Entry::new(Timestamp(FIRST_TS + 10_000), first.event).encode());
    log.publish();
    match audit_with(&log.server(), &options(dir.path(), Some(log.vkey()))) {
        Err(AuditError::RuleViolation { index: 5, source }) => {
            assert_eq!(source.code(), "notice-exists");
            Ok(())
        }
        other => panic!("expected RuleViolation at 5, got {other:?}"),
    }
}

/// An act "by" a person who holds a signing key must carry their signature: an audit of a
/// log where the operator wrote one unsigned, or signed with a key that is not theirs, names
/// the entry; the same act signed by them passes.
#[test]
fn an_act_without_its_authors_signature_is_a_rule_violation() -> TestResult {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    use ed25519_dalek::Signer as _;
    let admin: dauys_core::AccountId = "u-admin".parse()?;
    let sign = |key: &ed25519_dalek::SigningKey, event: &Event| dauys_core::ActSignature {
        key: dauys_core::signers::signer_key_id(key.verifying_key().as_bytes()),
        sig: STANDARD.encode(key.sign(&dauys_core::act_statement(event)).to_bytes()),
    };
    let holder = ed25519_dalek::SigningKey::from_bytes(&[3; 32]);
    let public = STANDARD.encode(holder.verifying_key().as_bytes());
    let proof = STANDARD.encode(holder.sign(format!("dauys-signer/v1\n{admin}\n{public}\n").as_bytes()).to_bytes());
    let grant = Event::RoleGranted {
        account: "u-mod".parse()?,
        role: dauys_core::Role::Moderator,
        body: None,
        by: Some(admin.clone()),
        name: None,
    };
    // Revoking a role is among the acts a key holder must sign (`SIGNATURE_REQUIRED_V1`).
    let revoke = Event::RoleRevoked {
        account: "u-mod".parse()?,
        role: dauys_core::Role::Moderator,
        body: None,
        by: admin.clone(),
    };
    let build = |signature: Option<dauys_core::ActSignature>| {
        let mut log = FakeLog::new("signed");
        log.grow_to(2);
        let mut at = FIRST_TS + 100_000;
        let mut push = |log: &mut FakeLog, event: Event, signature| {
            at += 1000;
            log.push_raw(Entry::signed(Timestamp(at), event, signature).encode());
        };
        let first = Event::RoleGranted {
            account: admin.clone(),
            role: dauys_core::Role::Administrator,
            body: None,
            by: None,
            name: None,
        };
        push(&mut log, first, None);
        push(
            &mut log,
            Event::SignerRegistered { account: admin.clone(), key: public.clone(), proof: proof.clone() },
            None,
        );
        push(&mut log, grant.clone(), Some(sign(&holder, &grant)));
        push(&mut log, revoke.clone(), signature);
        log.publish();
        log
    };
    let dir = tempfile::tempdir()?;
    let signed = build(Some(sign(&holder, &revoke)));
    audit_with(&signed.server(), &options(&dir.path().join("a"), Some(signed.vkey())))?;
    let forged = ed25519_dalek::SigningKey::from_bytes(&[4; 32]);
    for (signature, code) in [(None, "act-not-signed"), (Some(sign(&forged, &revoke)), "bad-act-signature")] {
        let log = build(signature);
        match audit_with(&log.server(), &options(&dir.path().join(code), Some(log.vkey()))) {
            Err(AuditError::RuleViolation { index: 5, source }) => assert_eq!(source.code(), code),
            other => panic!("expected {code} at entry 5, got {other:?}"),
        }
    }
    Ok(())
}

#[test]
fn a_missing_bundle_is_reported() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut log = FakeLog::new("a");
    log.grow_to(300);
    let mut server = log.server();
    server.files.remove("tile/entries/001.p/44");
    match audit_with(&server, &options(dir.path(), Some(log.vkey()))) {
        Err(AuditError::Missing { path }) => assert_eq!(path, "tile/entries/001.p/44"),
        other => panic!("expected Missing, got {other:?}"),
    }
    Ok(())
}

#[test]
fn a_damaged_state_directory_is_refused() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut log = FakeLog::new("a");
    log.grow_to(300);
    audit_with(&log.server(), &options(dir.path(), Some(log.vkey())))?;
    let path = dir.path().join("state/audited.json");
    let damaged = std::fs::read_to_string(&path)?.replacen("\"hashes\":\"", "\"hashes\":\"00", 1);
    std::fs::write(&path, damaged)?;
    match audit_with(&log.server(), &options(dir.path(), None)) {
        Err(e @ AuditError::SavedState { .. }) => {
            assert!(e.to_string().contains("remove that directory"));
            Ok(())
        }
        other => panic!("expected SavedState, got {other:?}"),
    }
}

#[test]
fn the_mirror_holds_exactly_the_verified_files() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mirror = dir.path().join("mirror");
    let mut log = FakeLog::new("a");
    let mut opts = options(dir.path(), Some(log.vkey()));
    opts.mirror_dir = Some(mirror.clone());
    for size in [300, 600] {
        log.grow_to(size);
        audit_with(&log.server(), &opts)?;
    }
    let at_600 = [
        "checkpoint",
        "tile/entries/000",
        "tile/entries/001",
        "tile/entries/002.p/88",
        "tile/0/000",
        "tile/0/001",
        "tile/0/002.p/88",
        "tile/1/000.p/2",
    ];
    for path in at_600 {
        assert_eq!(std::fs::read(mirror.join(path))?, log.files[path], "{path}");
    }
    Ok(())
}

#[test]
fn the_report_explains_inconsistency_loudly() {
    let e = AuditError::Inconsistent { reason: "the log shrank".into(), saved: PathBuf::from("/x/audited.json") };
    let text = e.to_string();
    assert!(text.starts_with("THE LOG'S HISTORY DIFFERS FROM WHAT THIS AUDITOR SAW BEFORE: the log shrank"));
    assert!(text.contains("/x/audited.json"));
}

/// Cosigns the checkpoint `log` serves now with each of `witnesses`.
fn cosign(server: &mut FakeServer, witnesses: &[&Cosigner]) {
    let note = String::from_utf8(server.files[CHECKPOINT_PATH].clone()).expect("utf-8");
    let text = Note::parse(&note).expect("note").text;
    let lines: String = witnesses.iter().map(|w| w.cosign(&text, 1_800_000_000).expect("cosign")).collect();
    server.files.insert(CHECKPOINT_PATH.into(), format!("{note}{lines}").into_bytes());
}

#[test]
fn a_witness_policy_refuses_a_checkpoint_without_its_quorum_and_outvotes_a_lying_witness() {
    let witnesses: Vec<Cosigner> =
        (1..=3).map(|i| Cosigner::from_seed(&format!("w{i}.example"), [i; 32]).expect("key")).collect();
    let policy = WitnessPolicy::new(witnesses.iter().map(Cosigner::verifier).collect(), 2).expect("policy");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log = FakeLog::new("honest");
    log.grow_to(300);
    let vkey = Some(log.vkey());
    let with_policy = |state: &str| AuditOptions {
        witnesses: Some(policy.clone()),
        ..options(&dir.path().join(state), vkey.clone())
    };

    // Unwitnessed, or by one witness alone: refused, and nothing is saved.
    let mut server = log.server();
    assert!(matches!(audit_with(&server, &with_policy("a")), Err(AuditError::NotWitnessed { size: 300, .. })));
    cosign(&mut server, &[&witnesses[0]]);
    let refused = audit_with(&server, &with_policy("a")).expect_err("one of three is not a quorum of two");
    assert!(refused.to_string().contains("1 of the 3"), "{refused}");
    assert!(!dir.path().join("a/state").join("audited.json").exists());

    // Two of three: verified, and the report names them.
    cosign(&mut server, &[&witnesses[2]]);
    let report = audit_with(&server, &with_policy("a")).expect("two of three");
    let names: Vec<&str> = report.cosignatures.iter().map(|c| c.witness.as_str()).collect();
    assert_eq!(names, ["w1.example", "w3.example"]);
    assert!(report.cosignatures.iter().all(|c| c.timestamp == 1_800_000_000));

    // A fork signed with the log's key, cosigned by one lying witness: outvoted.
    let mut fork = FakeLog::new("forked");
    fork.grow_to(300);
    let mut forked = fork.server();
    cosign(&mut forked, &[&witnesses[1]]);
    assert!(matches!(audit_with(&forked, &with_policy("b")), Err(AuditError::NotWitnessed { .. })));
    // Without the policy, a fresh auditor would have accepted it: what witnesses are for.
    audit_with(&forked, &options(&dir.path().join("c"), vkey.clone())).expect("an unwitnessed audit trusts the log");
}

mod monitoring {
    use super::*;
    use crate::monitor::{round, AlertKind, MonitorOptions};
    use std::collections::BTreeSet;

    const NOW: u64 = 1_800_000_000;

    fn witness_files(checkpoint: &[u8], evidence: usize) -> FakeServer {
        let origin = ORIGIN;
        let kept: Vec<serde_json::Value> = (0..evidence)
            .map(|_| serde_json::json!({"received_at": 1, "reason": "the log has forked", "request": ""}))
            .collect();
        let files = HashMap::from([
            (format!("checkpoint?origin={origin}"), checkpoint.to_vec()),
            (format!("evidence?origin={origin}"), serde_json::json!({ "evidence": kept }).to_string().into_bytes()),
        ]);
        FakeServer { files, fetched: Mutex::new(Vec::new()) }
    }

    struct Setup {
        _dir: tempfile::TempDir,
        options: MonitorOptions,
        witnesses: Vec<Cosigner>,
    }

    fn setup(witness_count: usize) -> Setup {
        let witnesses: Vec<Cosigner> =
            (1..=3).map(|i| Cosigner::from_seed(&format!("w{i}.example"), [i; 32]).expect("key")).collect();
        let policy = WitnessPolicy::new(witnesses.iter().map(Cosigner::verifier).collect(), 2).expect("policy");
        let dir = tempfile::tempdir().expect("tempdir");
        let audit =
            AuditOptions { witnesses: Some(policy), ..options(dir.path(), Some(FakeLog::new("honest").vkey())) };
        let options = MonitorOptions {
            audit,
            witness_urls: (0..witness_count).map(|i| format!("http://w{i}.invalid")).collect(),
            max_age_secs: Some(600),
        };
        Setup { _dir: dir, options, witnesses }
    }

    fn cosigned(log: &FakeLog, witnesses: &[Cosigner], at: u64) -> FakeServer {
        let mut server = log.server();
        let note = String::from_utf8(server.files[CHECKPOINT_PATH].clone()).expect("utf-8");
        let text = Note::parse(&note).expect("note").text;
        let lines: String = witnesses.iter().map(|w| w.cosign(&text, at).expect("cosign")).collect();
        server.files.insert(CHECKPOINT_PATH.into(), format!("{note}{lines}").into_bytes());
        server
    }

    fn kinds(alerts: &[crate::monitor::Alert]) -> Vec<AlertKind> {
        alerts.iter().map(|a| a.kind).collect()
    }

    #[test]
    fn an_honest_witnessed_log_raises_nothing_and_a_stale_one_does() {
        let s = setup(1);
        let mut log = FakeLog::new("honest");
        log.grow_to(300);
        let server = cosigned(&log, &s.witnesses, NOW - 10);
        let witness = witness_files(&server.files[CHECKPOINT_PATH], 0);
        let first = round(&s.options, &server, &[witness], NOW, &BTreeSet::new());
        assert_eq!(first.alerts, vec![]);
        assert_eq!(first.report.expect("audited").checkpoint.size, 300);

        let witness = witness_files(&server.files[CHECKPOINT_PATH], 0);
        let later = round(&s.options, &server, &[witness], NOW + 3600, &BTreeSet::new());
        assert_eq!(kinds(&later.alerts), [AlertKind::Stale]);
    }

    #[test]
    fn a_witness_that_saw_the_log_grow_since_the_audit_raises_nothing() {
        let s = setup(1);
        let mut log = FakeLog::new("honest");
        log.grow_to(300);
        let at_300 = cosigned(&log, &s.witnesses, NOW).files[CHECKPOINT_PATH].clone();
        log.grow_to(350);
        let witness = witness_files(&cosigned(&log, &s.witnesses, NOW).files[CHECKPOINT_PATH], 0);
        // The log already serves the tiles of 350, but this round audited its checkpoint of 300.
        let mut server = log.server();
        server.files.insert(CHECKPOINT_PATH.into(), at_300);
        let result = round(&s.options, &server, &[witness], NOW, &BTreeSet::new());
        assert_eq!(result.alerts, vec![]);
    }

    #[test]
    fn a_witness_holding_a_forked_checkpoint_or_evidence_raises_a_split_view() {
        let s = setup(3);
        let mut log = FakeLog::new("honest");
        log.grow_to(300);
        let server = cosigned(&log, &s.witnesses, NOW);
        let mut fork = FakeLog::new("forked");
        fork.grow_to(300);
        let mut bigger_fork = FakeLog::new("forked");
        bigger_fork.grow_to(400);
        let witnesses = [
            witness_files(&cosigned(&fork, &s.witnesses[..1], NOW).files[CHECKPOINT_PATH], 0),
            witness_files(&cosigned(&bigger_fork, &s.witnesses[1..2], NOW).files[CHECKPOINT_PATH], 0),
            witness_files(&server.files[CHECKPOINT_PATH], 2),
        ];
        let result = round(&s.options, &server, &witnesses, NOW, &BTreeSet::new());
        assert_eq!(kinds(&result.alerts), [AlertKind::SplitView, AlertKind::SplitView, AlertKind::WitnessEvidence]);
        assert!(result.alerts[0].message.contains("not in the history"), "{}", result.alerts[0].message);
        assert!(result.alerts.iter().any(|a| a.message.contains("does not serve")), "{:?}", result.alerts);
    }

    #[test]
    fn a_fork_or_an_unwitnessed_checkpoint_is_an_alert_not_a_crash() {
        let s = setup(0);
        let mut log = FakeLog::new("honest");
        log.grow_to(300);
        assert_eq!(
            kinds(&round(&s.options, &log.server(), &[] as &[FakeServer], NOW, &BTreeSet::new()).alerts),
            [AlertKind::NotWitnessed]
        );
        assert!(round(&s.options, &cosigned(&log, &s.witnesses, NOW), &[] as &[FakeServer], NOW, &BTreeSet::new())
            .alerts
            .is_empty());
        let mut fork = FakeLog::new("forked");
        fork.grow_to(320);
        let result =
            round(&s.options, &cosigned(&fork, &s.witnesses, NOW), &[] as &[FakeServer], NOW, &BTreeSet::new());
        assert_eq!(kinds(&result.alerts), [AlertKind::HistoryDiffers]);
    }
}
