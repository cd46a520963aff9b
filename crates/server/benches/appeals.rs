//! Appeals filed over HTTP: many distinct verified people file appeals (mostly private, as
//! citizens' appeals are, so each is sealed into the private store as well as logged) through
//! `POST /api/v1/appeals` while others read appeal pages. Prints figures and the ratio to the
//! aim; asserts nothing about time.
//!
//! ```sh
//! cargo bench -p dauys-server --bench appeals -- --seconds 10
//! cargo bench -p dauys-server --bench appeals -- --seconds 10 --backend postgres
//! ```
//!
//! A real server on a real TCP socket (127.0.0.1, an ephemeral port) on its own Tokio
//! runtime; the load generator runs in the same process on a second runtime, so both share
//! the machine's cores. `--people` verified people with sessions (see `load`), `--filers`
//! keep-alive connections each filing appeals for the people in turn (session cookie and
//! `X-CSRF-Token`), `--readers` connections reading the pages of the appeals filed so far.
//! Only `201 Created` counts: the server answers it after the batch holding the appeal is
//! durable, and after its sealed record is stored.
//!
//! All load comes from one address and few people file many appeals, so the bench raises the
//! per-account filing limit and says so in its output.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dauys_core::{BodyKind, Event, LocalizedText};
use dauys_server::Instance;
use dauys_testkit::{Backend, TestDatabase};
use http_body_util::Full;
use hyper::body::Bytes;

mod load;
use load::{config_for, get, Connection, Person, Serving, Tally};

/// Appeals filed per second the server should sustain: Kazakhstan's e-Otinish receives a few
/// million appeals a year, about 0.1 a second on average; the aim leaves room for a peak
/// thousands of times that.
const AIM_FILED_PER_SEC: f64 = 300.0;
const AIM_P99_MS: f64 = 250.0;
/// Topics of the default appeal rules, each with a ministry competent for it.
const TOPICS: [&str; 6] = ["education", "health", "housing", "roads", "social", "environment"];

#[derive(Clone, Debug)]
struct Args {
    backend: Backend,
    people: usize,
    filers: usize,
    readers: usize,
    seconds: u64,
    client_threads: usize,
    server_threads: usize,
    /// Of every ten appeals, how many are private.
    private_in_ten: u64,
}

fn parse_args() -> Args {
    let mut args = Args {
        backend: Backend::Sqlite,
        people: 2_000,
        filers: 64,
        readers: 16,
        seconds: 10,
        client_threads: 1,
        server_threads: 2,
        private_in_ten: 7,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--backend" => args.backend = value().parse().unwrap_or_else(|e: String| panic!("{e}")),
            "--people" => args.people = value().parse().expect("--people N"),
            "--filers" => args.filers = value().parse().expect("--filers N"),
            "--readers" => args.readers = value().parse().expect("--readers N"),
            "--seconds" => args.seconds = value().parse().expect("--seconds N"),
            "--client-threads" => args.client_threads = value().parse().expect("--client-threads N"),
            "--server-threads" => args.server_threads = value().parse().expect("--server-threads N"),
            "--private-in-ten" => args.private_in_ten = value().parse().expect("--private-in-ten N"),
            "--bench" => {}
            other => panic!("unknown flag {other}"),
        }
    }
    args
}

/// The `n`th appeal's JSON: a topic in turn, no body (Dauys proposes the competent one),
/// private or public as `private` says, a Kazakh or Russian text of ordinary length.
fn filing(n: u64, private: bool) -> Vec<u8> {
    let topic = TOPICS[(n % TOPICS.len() as u64) as usize];
    let (lang, title, text) = if n.is_multiple_of(2) {
        (
            "kk",
            "Аулаға жарық орнату туралы",
            "Біздің үйдің ауласында кешке жарық жоқ, балалар қараңғыда ойнайды. Жарық шамдарын орнатуды сұраймыз.",
        )
    } else {
        ("ru", "О ремонте подъезда", "В нашем подъезде третий год не делают ремонт: протекает крыша, не работает освещение. Просим провести ремонт.")
    };
    serde_json::json!({
        "kind": "application",
        "topic": topic,
        "place": "astana/esil",
        "visibility": if private { "private" } else { "public" },
        "title": { lang: format!("{title} ({n})") },
        "text": { lang: text },
    })
    .to_string()
    .into_bytes()
}

fn file_request(person: &Person, body: Vec<u8>) -> hyper::Request<Full<Bytes>> {
    hyper::Request::builder()
        .method("POST")
        .uri("/api/v1/appeals")
        .header("host", "127.0.0.1")
        .header("content-type", "application/json")
        .header("cookie", format!("dauys_session={}", person.token))
        .header("x-csrf-token", &person.csrf)
        .body(Full::new(Bytes::from(body)))
        .expect("request")
}

fn main() {
    let args = parse_args();
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.server_threads)
        .thread_name("server")
        .enable_all()
        .build()
        .expect("server runtime");
    let db = TestDatabase::new(args.backend);
    let config = dauys_server::config::Config { appeals_per_hour_per_account: 100_000_000, ..config_for(&db) };
    let instance: Instance = server.block_on(Instance::start(config.clone())).expect("instance");
    let state = instance.state.clone();
    let people = server.block_on(async {
        let government = Event::BodyRegistered {
            body: "bench-government".parse().expect("id"),
            name: LocalizedText::new("Үкімет", "Правительство", "Government"),
            kind: BodyKind::Government,
            parent: None,
            territory: None,
            competences: None,
        };
        state.sequencer.submit(government).await.expect("government");
        for topic in TOPICS {
            let ministry = Event::BodyRegistered {
                body: format!("bench-{topic}").parse().expect("id"),
                name: LocalizedText::new(topic, topic, topic),
                kind: BodyKind::Ministry,
                parent: Some("bench-government".parse().expect("id")),
                territory: None,
                competences: Some(vec![topic.parse().expect("topic")]),
            };
            state.sequencer.submit(ministry).await.expect("ministry");
        }
        let (_, _, people) = load::verified_people(&state, &config, args.people).await;
        Arc::new(people)
    });

    let Serving { addr, stop: stop_tx, task: serving } = load::serve(&server, &state);
    let client = load::client_runtime(args.client_threads);
    println!(
        "backend={:?} people={} filers={} readers={} private_in_ten={} seconds={} server_threads={} client_threads={} cores={}",
        args.backend,
        people.len(),
        args.filers,
        args.readers,
        args.private_in_ten,
        args.seconds,
        args.server_threads,
        args.client_threads,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("raised for the bench (few people file many appeals): appeals_per_hour_per_account=100000000");
    println!("the load generator runs in this process and shares the cores with the server");

    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let next = Arc::new(AtomicU64::new(0));
    // The pages of appeals filed so far, for the readers.
    let filed: Arc<Mutex<Vec<String>>> = Arc::default();
    let started = Instant::now();
    let filers: Vec<_> = (0..args.filers)
        .map(|_| {
            let (people, next, filed, private_in_ten) =
                (people.clone(), next.clone(), filed.clone(), args.private_in_ten);
            client.spawn(async move {
                let mut tally = Tally::new();
                let mut conn = Connection::open(addr).await;
                while Instant::now() < deadline {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let person = &people[(n % people.len() as u64) as usize];
                    let t = Instant::now();
                    let request = file_request(person, filing(n, n % 10 < private_in_ten));
                    let outcome = match conn.send_located(request).await {
                        Ok((201, Some(location))) => {
                            let page = location.replace("/api/v1/appeals/", "/appeals/");
                            filed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(page);
                            Ok(())
                        }
                        Ok((status, _)) => Err(status.to_string()),
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
            let filed = filed.clone();
            client.spawn(async move {
                let mut tally = Tally::new();
                let mut conn = Connection::open(addr).await;
                let mut n = r;
                while Instant::now() < deadline {
                    let page = {
                        let filed = filed.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        (!filed.is_empty()).then(|| filed[n % filed.len()].clone())
                    };
                    let Some(page) = page else {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                        continue;
                    };
                    n += 7;
                    let t = Instant::now();
                    let outcome = match conn.send(get(&page)).await {
                        Ok(200) => Ok(()),
                        Ok(status) => Err(status.to_string()),
                        Err(e) => Err(e),
                    };
                    tally.record(t, outcome);
                }
                tally
            })
        })
        .collect();
    let mut filing_tally = Tally::new();
    for f in filers {
        filing_tally.merge(client.block_on(f).expect("filer"));
    }
    let mut reading = Tally::new();
    for r in readers {
        reading.merge(client.block_on(r).expect("reader"));
    }
    let secs = started.elapsed().as_secs_f64();
    let rate = filing_tally.report("file", secs);
    reading.report("read_page", secs);
    let p99 = filing_tally.latency.value_at_quantile(0.99) as f64 / 1000.0;
    println!(
        "aims: filed_per_sec {:.0}/{:.0} (ratio {:.2}) p99_ms {:.1}/{:.0} (ratio {:.2})",
        rate,
        AIM_FILED_PER_SEC,
        rate / AIM_FILED_PER_SEC,
        p99,
        AIM_P99_MS,
        p99 / AIM_P99_MS
    );
    let _ = stop_tx.send(());
    server.block_on(serving).expect("server stopped");
    drop(state);
    server.block_on(instance.shutdown()).expect("the server stops");
}
