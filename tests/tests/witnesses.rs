//! Witnesses, as real processes: a log with three `dauys witness` processes and a quorum of
//! two. The log's checkpoints are cosigned and kept fresh while idle; an auditor who demands
//! two of the three verifies it. A second log with the same key and another history (a fork)
//! is refused by every witness that saw the first, which keeps its checkpoint as evidence;
//! an auditor shown the fork alone refuses it for want of cosignatures; and a witness that
//! forgot what it saw, and so cosigns the fork, is outvoted.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use dauys_e2e::{dauys_binary, Server, ServerOptions, WitnessProcess};
use dauys_ledger::{CosignatureVerifier, Note, NoteSigner, WitnessPolicy};

const ORIGIN: &str = "dauys.localhost/log";

/// A server configuration naming `witnesses` with a quorum of two, refreshed every second.
fn config(dir: &Path, witnesses: &[&WitnessProcess]) -> std::path::PathBuf {
    let list: Vec<String> =
        witnesses.iter().map(|w| format!("{{ url = \"{}\", vkey = \"{}\" }}", w.url, w.vkey)).collect();
    let path = dir.join("dauys.toml");
    let text = format!("witnesses = [{}]\nwitness_quorum = 2\nwitness_refresh_secs = 1\n", list.join(", "));
    std::fs::write(&path, text).expect("write the configuration");
    path
}

/// Waits until `/checkpoint` serves a checkpoint of at least `size`; returns the note.
fn witnessed(server: &Server, size: u64) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, note) = server.get("/checkpoint");
        if status == 200 {
            let served: u64 = note.lines().nth(1).and_then(|l| l.parse().ok()).unwrap_or(0);
            if served >= size {
                return note;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no witnessed checkpoint of size {size} within 20 s: {status} {note}\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn audit(server: &Server, vkey: &str, state_dir: &Path, witnesses: &[&WitnessProcess]) -> (bool, String) {
    let mut cmd = Command::new(dauys_binary());
    cmd.args(["audit", &server.base_url, "--vkey", vkey, "--witness-quorum", "2", "--state-dir"]).arg(state_dir);
    for w in witnesses {
        cmd.args(["--witness", &w.vkey]);
    }
    let out = cmd.env_remove("DAUYS_DATA_DIR").output().expect("run dauys audit");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// `dauys monitor --once` against `server` with the witnesses' keys and URLs: (exit code,
/// stderr).
fn monitor(
    server: &Server,
    vkey: &str,
    state_dir: &Path,
    witnesses: &[&WitnessProcess],
    webhook: Option<&str>,
) -> (i32, String) {
    let mut cmd = Command::new(dauys_binary());
    cmd.args(["monitor", &server.base_url, "--once", "--vkey", vkey, "--witness-quorum", "2", "--max-age", "600"])
        .arg("--state-dir")
        .arg(state_dir);
    for w in witnesses {
        cmd.args(["--witness", &w.vkey, "--witness-url", &w.url]);
    }
    if let Some(url) = webhook {
        cmd.args(["--webhook", url]);
    }
    let out = cmd.env_remove("DAUYS_DATA_DIR").output().expect("run dauys monitor");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A one-shot webhook receiver: the body of each POST it gets, answered 200.
fn webhook() -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/alerts", listener.local_addr().expect("addr"));
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut length = 0;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let _ = reader.get_mut().write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            let _ = send.send(String::from_utf8_lossy(&body).into_owned());
        }
    });
    (url, receive)
}

fn policy(witnesses: &[&WitnessProcess]) -> WitnessPolicy {
    let keys = witnesses.iter().map(|w| CosignatureVerifier::from_vkey(&w.vkey).expect("witness key")).collect();
    WitnessPolicy::new(keys, 2).expect("policy")
}

/// The log's key (its file and vkey), made before the witnesses start since they are
/// configured with it, and `count` witnesses that follow it.
fn log_key_and_witnesses(dir: &Path, seed: u8, count: usize) -> (PathBuf, String, Vec<WitnessProcess>) {
    let log_key = NoteSigner::from_seed(ORIGIN, [seed; 32]).expect("key");
    let key_file = dir.join("log-signing.key");
    std::fs::write(&key_file, format!("{}\n", log_key.to_skey())).expect("write the log key");
    let vkey = log_key.vkey();
    let witnesses = (1..=count)
        .map(|i| WitnessProcess::start(&format!("w{i}.test/witness"), &dir.join(format!("w{i}")), &[&vkey]))
        .collect();
    (key_file, vkey, witnesses)
}

/// A log signed with the key in `key_file` (a second one is a fork) that asks `witnesses`,
/// its configuration in `dir/name`.
fn start_log(dir: &Path, name: &str, key_file: &Path, witnesses: &[&WitnessProcess]) -> Server {
    let log_dir = dir.join(name);
    std::fs::create_dir_all(&log_dir).expect("dir");
    Server::start_with(ServerOptions {
        config: Some(config(&log_dir, witnesses)),
        signing_key: Some(key_file.to_owned()),
        ..ServerOptions::default()
    })
}

#[test]
fn witnesses_cosign_one_history_and_expose_a_fork() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (key_file, vkey, witnesses) = log_key_and_witnesses(dir.path(), 42, 3);
    let all: Vec<&WitnessProcess> = witnesses.iter().collect();

    let honest = start_log(dir.path(), "honest", &key_file, &all);
    let size = honest.log_notices("a", 40);
    let note = witnessed(&honest, size);
    let cosignatures = policy(&all).check(&Note::parse(&note).expect("note")).expect("two of three cosigned");
    assert!(cosignatures.len() >= 2, "{note}");

    // Each witness publishes what it cosigned.
    for w in &all {
        let (status, theirs) = w.get(&format!("/checkpoint?origin={ORIGIN}"));
        assert_eq!(status, 200, "{theirs}");
        let theirs: u64 = theirs.lines().nth(1).and_then(|l| l.parse().ok()).expect("a size");
        assert!(theirs >= size.min(1), "witness {} cosigned nothing", w.name);
    }

    // An auditor who demands two of the three verifies the log, and says who vouched.
    let auditor_a = dir.path().join("auditor-a");
    let (ok, stderr) = audit(&honest, &vkey, &auditor_a, &all);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("cosigned by w"), "{stderr}");
    // A monitor that follows it, and asks the witnesses what they cosigned, finds nothing.
    let monitor_dir = dir.path().join("monitor");
    let (code, stderr) = monitor(&honest, &vkey, &monitor_dir, &all, None);
    assert_eq!(code, 0, "{stderr}");

    // While the log is idle its checkpoint is cosigned again: the newest time moves on.
    let newest = |note: &str| {
        policy(&all).check(&Note::parse(note).expect("note")).expect("cosigned").iter().map(|c| c.timestamp).max()
    };
    let before = newest(&note);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (_, now) = honest.get("/checkpoint");
        if newest(&now) > before {
            break;
        }
        assert!(Instant::now() < deadline, "the idle checkpoint was not cosigned again within 15 s");
        std::thread::sleep(Duration::from_millis(250));
    }

    // A fork: the same key, another history, longer than the first, sent to the same witnesses.
    let fork = start_log(dir.path(), "fork", &key_file, &all);
    let fork_size = fork.log_notices("forged", 80);
    assert!(fork_size > size);
    fork.wait_for_checkpoint(fork_size);
    // The witnesses refuse it, and keep it as evidence.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let kept: usize = all
            .iter()
            .map(|w| {
                let (_, body) = w.get(&format!("/evidence?origin={ORIGIN}"));
                let body: serde_json::Value = serde_json::from_str(&body).expect("json");
                body["evidence"].as_array().map_or(0, Vec::len)
            })
            .sum();
        if kept >= 3 {
            break;
        }
        assert!(Instant::now() < deadline, "the witnesses kept no evidence of the fork:\n{}", fork.log());
        std::thread::sleep(Duration::from_millis(200));
    }
    let (status, body) = fork.get("/checkpoint");
    assert_eq!(status, 503, "the fork must not be served as witnessed: {body}");
    // The monitor of the honest log hears of the fork from the witnesses, and posts it.
    let (hook, alerts) = webhook();
    let (code, stderr) = monitor(&honest, &vkey, &monitor_dir, &all, Some(&hook));
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("ALERT WitnessEvidence"), "{stderr}");
    let posted = alerts.recv_timeout(Duration::from_secs(10)).expect("an alert at the webhook");
    let posted: serde_json::Value = serde_json::from_str(&posted).expect("json");
    assert_eq!(posted["kind"], "witness-evidence", "{posted}");
    assert!(body.contains("no-witnessed-checkpoint"), "{body}");
    // The honest log is still cosigned: the fork moved no witness.
    for w in &all {
        let (_, theirs) = w.get(&format!("/checkpoint?origin={ORIGIN}"));
        let theirs: u64 = theirs.lines().nth(1).and_then(|l| l.parse().ok()).expect("a size");
        assert!(theirs < fork_size, "witness {} cosigned the fork", w.name);
    }

    // The fork's operator shows it to a second auditor without witnesses configured: an
    // auditor who demands the witnesses refuses it.
    drop(fork);
    let alone = Server::start_with(ServerOptions { signing_key: Some(key_file.clone()), ..ServerOptions::default() });
    alone.log_notices("shown-to-one", 60);
    let (ok, stderr) = audit(&alone, &vkey, &dir.path().join("auditor-b"), &all);
    assert!(!ok, "an auditor demanding witnesses accepted an unwitnessed fork:\n{stderr}");
    assert!(stderr.contains("not vouched for by enough witnesses"), "{stderr}");

    // A witness that lies (here: one that lost its memory, with its key) cosigns a fork, and
    // is outvoted: one cosignature is not two.
    let liar_dir = dir.path().join("liar");
    std::fs::create_dir_all(&liar_dir).expect("dir");
    std::fs::copy(witnesses[2].state_dir.join("witness.key"), liar_dir.join("witness.key")).expect("copy the key");
    let liar = WitnessProcess::start(&witnesses[2].name, &liar_dir, &[&vkey]);
    assert_eq!(liar.vkey, witnesses[2].vkey);
    let fooled = start_log(dir.path(), "fooled", &key_file, &[&witnesses[0], &witnesses[1], &liar]);
    let fooled_size = fooled.log_notices("fooled", 90);
    fooled.wait_for_checkpoint(fooled_size);
    let deadline = Instant::now() + Duration::from_secs(20);
    let lie = loop {
        let (status, note) = liar.get(&format!("/checkpoint?origin={ORIGIN}"));
        if status == 200 && note.lines().nth(1) == Some(&fooled_size.to_string()) {
            break note;
        }
        assert!(Instant::now() < deadline, "the forgetful witness did not cosign the fork: {status} {note}");
        std::thread::sleep(Duration::from_millis(200));
    };
    let outvoted = policy(&all).check(&Note::parse(&lie).expect("note")).expect_err("one lying witness is outvoted");
    assert!(outvoted.to_string().contains("1 of the 3"), "{outvoted}");
    let (status, _) = fooled.get("/checkpoint");
    assert_eq!(status, 503, "the fooled log reached no quorum and serves nothing as witnessed");
    // A monitor that asks the lying witness sees the split view: a checkpoint signed by the
    // log that is not in the history it verified.
    let (code, stderr) = monitor(&honest, &vkey, &monitor_dir, &[&witnesses[0], &witnesses[1], &liar], None);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("ALERT SplitView"), "{stderr}");
    // The auditor who verified the honest log still does.
    let (ok, stderr) = audit(&honest, &vkey, &auditor_a, &all);
    assert!(ok, "{stderr}");
}

/// A restarted log serves the last checkpoint its witnesses cosigned at once, even while they
/// are unreachable, instead of answering 503 until they come back; new entries wait for them.
#[test]
fn a_restarted_log_serves_its_last_witnessed_checkpoint_while_the_witnesses_are_away() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (key_file, _, witnesses) = log_key_and_witnesses(dir.path(), 43, 2);
    let all: Vec<&WitnessProcess> = witnesses.iter().collect();
    let mut server = start_log(dir.path(), "log", &key_file, &all);
    let size = server.log_notices("kept", 5);
    let before = witnessed(&server, size);
    let served_size = |note: &str| note.lines().nth(1).and_then(|l| l.parse::<u64>().ok()).expect("a size");
    let policy = policy(&all);
    drop(all);
    drop(witnesses);

    server.restart();
    // The kept checkpoint is checked against the log once the server has started.
    let deadline = Instant::now() + Duration::from_secs(10);
    let after = loop {
        let (status, after) = server.get("/checkpoint");
        if status == 200 {
            break after;
        }
        assert!(Instant::now() < deadline, "{status} {after}\n{}", server.log());
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(served_size(&after) >= size, "{after}");
    assert!(policy.check(&Note::parse(&after).expect("note")).expect("still cosigned").len() == 2, "{after}");
    assert!(served_size(&after) >= served_size(&before));
    // What is logged now waits for the witnesses: the kept checkpoint stays served.
    let grown = server.log_notices("after", 3);
    std::thread::sleep(Duration::from_secs(2));
    let (status, still) = server.get("/checkpoint");
    assert_eq!(status, 200);
    assert!(served_size(&still) < grown, "an unwitnessed checkpoint was served: {still}");
}
