//! Petitions under load: many distinct verified people sign over HTTP while others read the
//! petition page and the count endpoint; and the server's memory with a million signatures.
//! Prints figures and ratios against the aims; asserts nothing about time.
//!
//! ```sh
//! cargo bench -p dauys-server --bench petitions -- --seconds 10
//! cargo bench -p dauys-server --bench petitions -- --seconds 10 --backend postgres
//! cargo bench -p dauys-server --bench petitions -- --memory
//! ```
//!
//! Load mode: a real server on a real TCP socket (127.0.0.1, an ephemeral port) on its own
//! Tokio runtime; the load generator runs in the same process on a second runtime, so both
//! share the machine's cores. `--people` verified people (cheap Argon2id parameters for the
//! setup only: nobody signs in by password here; each gets a session directly), `--petitions`
//! open petitions. `--signers` keep-alive connections POST
//! `/api/v1/petitions/{id}/signatures` (session cookie and `X-CSRF-Token`), each person
//! signing each petition once; `--readers` keep-alive connections GET `/petitions/{id}` and
//! `/api/v1/petitions/{id}/count` alternately, as browsers do: the page as a new visitor
//! (`Accept-Encoding: gzip`, no validator), the count as the page's script polls it (with the
//! last `ETag`, so an unchanged count is a `304`). Only `201 Created` counts as an accepted
//! signature: the server answers it after the batch holding the signature is durable.
//!
//! `--page-cache-ms 0` renders every page (the baseline before the public page cache);
//! `--no-gzip` reads pages without asking for gzip. The CPU each thread group used is
//! printed, the load generator's (`client`) included, since it shares the two cores.
//!
//! `--viewers N`: instead, N people have the first petition's page open and its script polls
//! the count every 5 s, spread evenly over the `--readers` connections at a fixed rate (N / 5
//! per second). Latency is measured from when each poll was due, so a server that falls
//! behind shows it (no coordinated omission).
//!
//! All load comes from one address, so the bench raises the per-address signing limit and
//! the burst-flagging thresholds (which would otherwise flag, and store a flag for, nearly
//! every signature) and says so in its output.
//!
//! Memory mode (`--memory`): writes a log with `--signatures` (1,000,000) signatures on
//! `--petitions` (10,000) petitions straight through the sequencer (synthetic per-petition
//! pseudonyms), then starts the server again on that log in a child process and reports its
//! start-up time and resident set (VmRSS, VmHWM) once loaded.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dauys_core::{AccountId, BodyKind, Event, Level, LocalizedText, PetitionId, PetitionStatus, Region, Role};
use dauys_server::config::Config;
use dauys_server::petitions::{default_rules, Draft};
use dauys_server::{AppState, Instance};
use dauys_testkit::{bench_petition_texts, synthetic_pseudonym, Backend, TestDatabase};
use http_body_util::Full;
use hyper::body::Bytes;

mod load;
use load::{config_for, get, get_with, mib, status_kib, Connection, Person, Serving, Tally};

const AIM_SIGNATURES_PER_SEC: f64 = 5_000.0;
const AIM_READS_PER_SEC: f64 = 20_000.0;
const AIM_P99_MS: f64 = 100.0;
const BODY: &str = "bench-government";

#[derive(Clone, Debug)]
struct Args {
    backend: Backend,
    people: usize,
    petitions: usize,
    signers: usize,
    readers: usize,
    seconds: u64,
    /// People polling one petition's count every 5 s (0: the readers read pages and counts).
    viewers: u64,
    /// The server's `public_page_cache_ms` (0: every page rendered, the baseline).
    page_cache_ms: u64,
    /// Readers do not ask for gzip (as the bench did before the page cache).
    no_gzip: bool,
    client_threads: usize,
    server_threads: usize,
    memory: bool,
    signatures: u64,
    /// Internal: the child process of `--memory` that starts the server on an existing log.
    load_only: Option<(String, String)>,
}

fn parse_args() -> Args {
    let mut args = Args {
        backend: Backend::Sqlite,
        people: 20_000,
        petitions: 8,
        signers: 256,
        readers: 64,
        seconds: 10,
        viewers: 0,
        page_cache_ms: Config::default().public_page_cache_ms,
        no_gzip: false,
        client_threads: 1,
        server_threads: 2,
        memory: false,
        signatures: 1_000_000,
        load_only: None,
    };
    let mut petitions_given = false;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--backend" => args.backend = value().parse().unwrap_or_else(|e: String| panic!("{e}")),
            "--people" => args.people = value().parse().expect("--people N"),
            "--petitions" => {
                args.petitions = value().parse().expect("--petitions N");
                petitions_given = true;
            }
            "--signers" => args.signers = value().parse().expect("--signers N"),
            "--readers" => args.readers = value().parse().expect("--readers N"),
            "--seconds" => args.seconds = value().parse().expect("--seconds N"),
            "--viewers" => args.viewers = value().parse().expect("--viewers N"),
            "--page-cache-ms" => args.page_cache_ms = value().parse().expect("--page-cache-ms N"),
            "--no-gzip" => args.no_gzip = true,
            "--client-threads" => args.client_threads = value().parse().expect("--client-threads N"),
            "--server-threads" => args.server_threads = value().parse().expect("--server-threads N"),
            "--memory" => args.memory = true,
            "--signatures" => args.signatures = value().parse().expect("--signatures N"),
            "--load-only" => {
                let dir = value();
                let url = it.next().unwrap_or_default();
                args.load_only = Some((dir, url));
            }
            "--bench" => {}
            other => panic!("unknown flag {other}"),
        }
    }
    if args.memory && !petitions_given {
        args.petitions = 10_000;
    }
    args
}

fn main() {
    let args = parse_args();
    if let Some((dir, url)) = args.load_only.clone() {
        return load_only(&dir, &url, args.server_threads);
    }
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.server_threads)
        .thread_name("server")
        .enable_all()
        .build()
        .expect("server runtime");
    if args.memory {
        server.block_on(memory(args));
    } else {
        load(&server, args);
    }
}

// ---------------------------------------------------------------------------------------
// Setup shared by both modes
// ---------------------------------------------------------------------------------------

/// Registers the Government body and republishes the rules with one initial supporter (the
/// author), so a launched petition goes to moderation at once.
async fn prepare_log(state: &AppState) {
    let body = Event::BodyRegistered {
        body: BODY.parse().expect("body id"),
        name: LocalizedText::new("Үкімет", "Правительство", "Government"),
        kind: BodyKind::Government,
        parent: None,
        territory: None,
        competences: None,
    };
    state.sequencer.submit(body).await.expect("body registered");
    let mut rules = default_rules();
    rules.initial_supporters = 1;
    state.sequencer.submit(Event::PetitionRulesPublished { rules }).await.expect("rules published");
}

fn petition_draft(n: usize) -> Draft {
    let (title, text) = bench_petition_texts(n);
    Draft {
        petition: None,
        body: BODY.parse().expect("body id"),
        level: Level::Government,
        topic: "transport".parse().expect("topic"),
        title,
        text,
    }
}

// ---------------------------------------------------------------------------------------
// Load mode
// ---------------------------------------------------------------------------------------

struct Setup {
    instance: Instance,
    _db: TestDatabase,
    people: Arc<Vec<Person>>,
    petitions: Arc<Vec<PetitionId>>,
    authors: usize,
}

async fn setup(args: &Args) -> Setup {
    let db = TestDatabase::new(args.backend);
    let config = Config { public_page_cache_ms: args.page_cache_ms, ..config_for(&db) };
    let instance = Instance::start(config.clone()).await.expect("instance");
    let state = instance.state.clone();
    prepare_log(&state).await;
    let (people, admin, persons) = load::verified_people(&state, &config, args.people).await;
    let moderator = Event::RoleGranted {
        account: admin.id.clone(),
        role: Role::Moderator,
        body: None,
        by: Some(admin.id.clone()),
        name: None,
    };
    state.sequencer.submit(moderator).await.expect("moderator");
    // The account as it is now, with the grant: the one read before it has no moderator role.
    let admin = {
        let (p, id) = (people.clone(), admin.id.to_string());
        tokio::task::spawn_blocking(move || p.account(&id)).await.expect("task").expect("moderator account")
    };

    // Petitions: the first people author them; drafted, launched (the author's signature is
    // the one initial supporter), then accepted by the moderator.
    let mut petitions = Vec::new();
    for (n, person) in persons.iter().enumerate().take(args.petitions) {
        let author = {
            let (p, token) = (people.clone(), person.token.clone());
            tokio::task::spawn_blocking(move || p.session(&token).expect("session").expect("live").account)
                .await
                .expect("task")
        };
        let id = state.capabilities.petitions.draft(&author, petition_draft(n)).await.expect("drafted");
        state.capabilities.petitions.launch(&author, &id).await.expect("launched");
        state.capabilities.petitions.accept(&admin, &id).await.expect("accepted");
        let p = state.capabilities.petitions.get(&id).expect("petition");
        assert_eq!(p.status, PetitionStatus::Open, "petition {id} is open");
        petitions.push(id);
    }
    println!("setup: {} open petitions (Government level, threshold 50,000)", petitions.len());
    drop(state);
    Setup { instance, _db: db, people: Arc::new(persons), authors: petitions.len(), petitions: Arc::new(petitions) }
}

fn sign_request(petition: &PetitionId, person: &Person) -> hyper::Request<Full<Bytes>> {
    hyper::Request::builder()
        .method("POST")
        .uri(format!("/api/v1/petitions/{petition}/signatures"))
        .header("host", "127.0.0.1")
        .header("content-type", "application/json")
        .header("cookie", format!("dauys_session={}", person.token))
        .header("x-csrf-token", &person.csrf)
        .body(Full::new(Bytes::from_static(b"{}")))
        .expect("request")
}

/// Which routes exist: a 404 on an open petition's URL means the route is not there yet.
fn load(server: &tokio::runtime::Runtime, args: Args) {
    let Setup { instance, _db, people, petitions, authors } = server.block_on(setup(&args));
    let state = instance.state.clone();
    let Serving { addr, stop: stop_tx, task: serving } = load::serve(server, &state);

    let client = load::client_runtime(args.client_threads);
    println!(
        "backend={:?} people={} petitions={} signers={} readers={} viewers={} page_cache_ms={} gzip={} seconds={} server_threads={} client_threads={} cores={}",
        args.backend,
        people.len(),
        petitions.len(),
        args.signers,
        args.readers,
        args.viewers,
        args.page_cache_ms,
        !args.no_gzip,
        args.seconds,
        args.server_threads,
        args.client_threads,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "raised for the bench (all load from 127.0.0.1): sign_per_minute_per_address=100000000 \
         flag_address_burst=100000000 flag_new_account_burst=100000000"
    );
    println!("the load generator runs in this process and shares the cores with the server");

    let cpu_before = load::cpu_by_thread();
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    // Pair n: person authors + n / P signs petition n % P, so signatures spread evenly.
    let next = Arc::new(AtomicU64::new(0));
    let pairs = (people.len() - authors) as u64 * petitions.len() as u64;
    let started = Instant::now();
    let signers: Vec<_> = (0..args.signers)
        .map(|_| {
            let (people, petitions, next) = (people.clone(), petitions.clone(), next.clone());
            client.spawn(async move {
                let mut tally = Tally::new();
                let mut conn = Connection::open(addr).await;
                while Instant::now() < deadline {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= pairs {
                        break;
                    }
                    let petition = &petitions[(n % petitions.len() as u64) as usize];
                    let person = &people[authors + (n / petitions.len() as u64) as usize];
                    let t = Instant::now();
                    let outcome = match conn.send(sign_request(petition, person)).await {
                        Ok(201) => Ok(()),
                        Ok(status) => Err(status.to_string()),
                        Err(e) => Err(e),
                    };
                    tally.record(t, outcome);
                }
                tally
            })
        })
        .collect();
    let readers: Vec<_> = (0..args.readers)
        .map(|r| {
            let petitions = petitions.clone();
            let viewers = args.viewers;
            let connections = args.readers;
            let encoding: &'static [(&'static str, &'static str)] =
                if args.no_gzip { &[] } else { &[("accept-encoding", "gzip, deflate, br")] };
            client.spawn(async move {
                let mut conn = Connection::open(addr).await;
                if viewers > 0 {
                    return (
                        Tally::new(),
                        poll_count(&mut conn, &petitions[0], r, connections, viewers, deadline).await,
                    );
                }
                let (mut pages, mut counts) = (Tally::new(), Tally::new());
                let mut etags: Vec<Option<String>> = vec![None; petitions.len()];
                let mut n = r;
                while Instant::now() < deadline {
                    let which = n % petitions.len();
                    let petition = &petitions[which];
                    n += 1;
                    let t = Instant::now();
                    let outcome = match conn.send(get_with(&format!("/petitions/{petition}"), encoding)).await {
                        Ok(200) => Ok(()),
                        Ok(status) => Err(status.to_string()),
                        Err(e) => Err(e),
                    };
                    pages.record(t, outcome);
                    let t = Instant::now();
                    let path = format!("/api/v1/petitions/{petition}/count");
                    let request = match &etags[which] {
                        Some(tag) => get_with(&path, &[("if-none-match", tag)]),
                        None => get(&path),
                    };
                    let outcome = match conn.send_tagged(request).await {
                        Ok((200, tag)) => {
                            etags[which] = tag;
                            Ok(())
                        }
                        Ok((304, _)) => Ok(()),
                        Ok((status, _)) => Err(status.to_string()),
                        Err(e) => Err(e),
                    };
                    counts.record(t, outcome);
                }
                (pages, counts)
            })
        })
        .collect();
    let mut rss_peak_during = 0;
    let (signed, pages, counts) = client.block_on(async {
        let sampler = tokio::spawn(async move {
            let mut peak = 0;
            while Instant::now() < deadline {
                peak = peak.max(status_kib("VmRSS:"));
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            peak
        });
        let mut signed = Tally::new();
        for s in signers {
            signed.merge(s.await.expect("signer"));
        }
        let (mut pages, mut counts) = (Tally::new(), Tally::new());
        for r in readers {
            let (p, c) = r.await.expect("reader");
            pages.merge(p);
            counts.merge(c);
        }
        rss_peak_during = sampler.await.unwrap_or(0);
        (signed, pages, counts)
    });
    let secs = started.elapsed().as_secs_f64();
    println!("elapsed_s={secs:.2}");
    load::report_cpu(&cpu_before, &load::cpu_by_thread(), secs);
    let sig_rate = signed.report("signatures (201, durable)", secs);
    let page_rate = pages.report("page reads (GET /petitions/{id}, 200)", secs);
    let count_rate = counts.report("count reads (GET /api/v1/petitions/{id}/count, 200 or 304)", secs);
    let total: u64 =
        petitions.iter().filter_map(|id| state.capabilities.petitions.view().get(id)).map(|p| p.signatures).sum();
    println!("signatures on the petitions in the read model: {total} (authors' included: {authors})");
    let p99 = |t: &Tally| t.latency.value_at_quantile(0.99) as f64 / 1000.0;
    let reads = page_rate + count_rate;
    println!("vs aims:");
    if args.viewers > 0 {
        // Every poll due before the deadline is sent, late if need be, and its latency counts
        // from when it was due: the server keeps up if that latency stays small.
        let due = counts.ok + counts.errors.values().sum::<u64>();
        let late = p99(&counts);
        println!(
            "  {} viewers polling every 5 s ({:.0} polls/s due): {} of {} due polls answered, p99 {:.1} ms after due / {:.0} ms = {:.2}  {}",
            args.viewers,
            args.viewers as f64 / 5.0,
            counts.ok,
            due,
            late,
            AIM_P99_MS,
            late / AIM_P99_MS,
            met(counts.ok == due && late < AIM_P99_MS)
        );
    }
    println!(
        "  signatures/s {:.0} / {:.0} = {:.2}  {}",
        sig_rate,
        AIM_SIGNATURES_PER_SEC,
        sig_rate / AIM_SIGNATURES_PER_SEC,
        met(sig_rate >= AIM_SIGNATURES_PER_SEC)
    );
    println!(
        "  page+count reads/s {:.0} / {:.0} = {:.2}  {}",
        reads,
        AIM_READS_PER_SEC,
        reads / AIM_READS_PER_SEC,
        met(reads >= AIM_READS_PER_SEC)
    );
    println!(
        "  signing p99 {:.1} ms / {:.0} ms = {:.2}  {}",
        p99(&signed),
        AIM_P99_MS,
        p99(&signed) / AIM_P99_MS,
        met(p99(&signed) < AIM_P99_MS)
    );
    let read_p99 = p99(&pages).max(p99(&counts));
    println!(
        "  read p99 {:.1} ms / {:.0} ms = {:.2}  {}",
        read_p99,
        AIM_P99_MS,
        read_p99 / AIM_P99_MS,
        met(read_p99 < AIM_P99_MS)
    );
    println!("rss_peak_during_load_mib={:.1} vm_hwm_mib={:.1}", mib(rss_peak_during), mib(status_kib("VmHWM:")));

    let _ = stop_tx.send(());
    drop(client);
    server.block_on(async move {
        let _ = serving.await;
        drop(state);
        instance.shutdown().await.expect("shutdown");
    });
}

/// One connection's share of `viewers` people polling `petition`'s count every 5 s: a poll
/// every `5 s × connections / viewers`, staggered by connection, each with the last `ETag`.
/// Latency counts from when the poll was due.
async fn poll_count(
    conn: &mut Connection,
    petition: &PetitionId,
    r: usize,
    connections: usize,
    viewers: u64,
    deadline: Instant,
) -> Tally {
    let mut tally = Tally::new();
    let every = Duration::from_secs_f64(5.0 * connections as f64 / viewers as f64);
    let path = format!("/api/v1/petitions/{petition}/count");
    let mut etag: Option<String> = None;
    let mut due = Instant::now() + every.mul_f64(r as f64 / connections as f64);
    while due < deadline {
        tokio::time::sleep_until(due.into()).await;
        let request = match &etag {
            Some(tag) => get_with(&path, &[("if-none-match", tag)]),
            None => get(&path),
        };
        let outcome = match conn.send_tagged(request).await {
            Ok((200, tag)) => {
                etag = tag;
                Ok(())
            }
            Ok((304, _)) => Ok(()),
            Ok((status, _)) => Err(status.to_string()),
            Err(e) => Err(e),
        };
        tally.record(due, outcome);
        due += every;
    }
    tally
}

fn met(yes: bool) -> &'static str {
    if yes {
        "met"
    } else {
        "NOT met"
    }
}

// ---------------------------------------------------------------------------------------
// Memory mode
// ---------------------------------------------------------------------------------------

/// Submits `events` from `concurrency` tasks; returns when all are durable.
async fn submit_all(state: &AppState, events: Vec<Event>, concurrency: usize) {
    let events = Arc::new(std::sync::Mutex::new(events));
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (sequencer, events) = (state.sequencer.clone(), events.clone());
            tokio::spawn(async move {
                loop {
                    let event = events.lock().expect("events").pop();
                    let Some(event) = event else { break };
                    sequencer.submit(event).await.expect("append");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("submitter");
    }
}

async fn memory(args: Args) {
    let db = TestDatabase::new(args.backend);
    let config = config_for(&db);
    let instance = Instance::start(config.clone()).await.expect("instance");
    let state = instance.state.clone();
    prepare_log(&state).await;
    let admin: AccountId = "u-bench00000000adm".parse().expect("account id");
    let grants = [
        Event::RoleGranted { account: admin.clone(), role: Role::Administrator, body: None, by: None, name: None },
        Event::RoleGranted {
            account: admin.clone(),
            role: Role::Moderator,
            body: None,
            by: Some(admin.clone()),
            name: None,
        },
    ];
    for g in grants {
        state.sequencer.submit(g).await.expect("role granted");
    }
    let petitions = args.petitions;
    let per_petition = (args.signatures / petitions as u64).max(1);
    println!(
        "memory: backend={:?} petitions={} signatures={} ({} each, the author's included)",
        args.backend,
        petitions,
        per_petition * petitions as u64,
        per_petition
    );
    let started = Instant::now();
    let ids: Vec<PetitionId> = (0..petitions).map(|n| format!("p-bench{n:06}").parse().expect("petition id")).collect();
    let drafts = ids
        .iter()
        .enumerate()
        .map(|(n, id)| {
            let d = petition_draft(n);
            Event::PetitionDrafted {
                petition: id.clone(),
                author: synthetic_pseudonym(0, n, 0),
                body: d.body,
                level: d.level,
                territory: None,
                topic: d.topic,
                title: d.title,
                text: d.text,
            }
        })
        .collect();
    submit_all(&state, drafts, 1024).await;
    let launches = ids
        .iter()
        .enumerate()
        .map(|(n, id)| Event::PetitionLaunched { petition: id.clone(), by: synthetic_pseudonym(0, n, 0) });
    submit_all(&state, launches.collect(), 1024).await;
    // The author's own signature: the one initial supporter, so each goes to moderation.
    let firsts = ids.iter().enumerate().map(|(n, id)| Event::PetitionSigned {
        petition: id.clone(),
        signer: synthetic_pseudonym(0, n, 0),
        region: Region::ALL[n % Region::ALL.len()],
    });
    submit_all(&state, firsts.collect(), 1024).await;
    let accepts = ids.iter().map(|id| Event::PetitionAccepted { petition: id.clone(), by: admin.clone() });
    submit_all(&state, accepts.collect(), 1024).await;
    println!("memory: {} petitions open after {:.1} s", petitions, started.elapsed().as_secs_f64());
    // The rest, interleaved over petitions, in chunks so the event list stays small.
    let signing = Instant::now();
    let remaining = per_petition - 1;
    let chunk = 100_000u64;
    let total = remaining * petitions as u64;
    let mut done = 0;
    while done < total {
        let events: Vec<Event> = (done..(done + chunk).min(total))
            .map(|k| {
                let (n, j) = ((k % petitions as u64) as usize, k / petitions as u64 + 1);
                Event::PetitionSigned {
                    petition: ids[n].clone(),
                    signer: synthetic_pseudonym(1, n, j),
                    region: Region::ALL[(k % 20) as usize],
                }
            })
            .collect();
        done += events.len() as u64;
        submit_all(&state, events, 4096).await;
        println!(
            "  {done:>9} signatures  {:>6.0}/s  rss={:.1} MiB",
            done as f64 / signing.elapsed().as_secs_f64(),
            mib(status_kib("VmRSS:"))
        );
    }
    let view_total: u64 =
        ids.iter().filter_map(|id| state.capabilities.petitions.view().get(id)).map(|p| p.signatures).sum();
    println!(
        "memory: log written in {:.1} s; signatures in the read model: {view_total}; this process's rss={:.1} MiB hwm={:.1} MiB",
        started.elapsed().as_secs_f64(),
        mib(status_kib("VmRSS:")),
        mib(status_kib("VmHWM:"))
    );
    drop(state);
    instance.shutdown().await.expect("shutdown");

    // A fresh process starts the server on that log: its resident set is the server's.
    let exe = std::env::current_exe().expect("own path");
    let output = std::process::Command::new(exe)
        .arg("--load-only")
        .arg(config.data_dir.as_os_str())
        .arg(&config.database_url)
        .arg("--server-threads")
        .arg(args.server_threads.to_string())
        .output()
        .expect("child");
    print!("{}", String::from_utf8_lossy(&output.stdout));
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "restart failed");
    drop(db);
}

/// The child of `--memory`: starts the server on an existing log and reports its memory.
fn load_only(dir: &str, url: &str, threads: usize) {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(threads).enable_all().build().expect("runtime");
    runtime.block_on(async move {
        let before = status_kib("VmRSS:");
        let config = Config { data_dir: dir.into(), database_url: url.to_string(), ..Config::default() };
        let started = Instant::now();
        let instance = Instance::start(config).await.expect("instance");
        let secs = started.elapsed().as_secs_f64();
        let view = instance.state.capabilities.petitions.view();
        let all = view.all();
        let signatures: u64 = all.iter().map(|p| p.signatures).sum();
        let open = all.iter().filter(|p| p.status == PetitionStatus::Open).count();
        let size = instance.state.shared.latest_checkpoint().map_or(0, |c| c.checkpoint.size);
        drop(all);
        println!(
            "restart: log_entries={size} petitions_open={open} signatures={signatures} startup_s={secs:.2} \
             rss_before_mib={:.1} rss_loaded_mib={:.1} vm_hwm_mib={:.1}",
            mib(before),
            mib(status_kib("VmRSS:")),
            mib(status_kib("VmHWM:"))
        );
        instance.shutdown().await.expect("shutdown");
    });
}
