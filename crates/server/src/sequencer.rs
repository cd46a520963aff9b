//! The sequencer: the single writer of the log.
//!
//! One thread owns the store's [`Writer`], the public [`State`] and the tree's right edge
//! ([`TreeBuilder`]). Submitters queue events; each cycle takes everything waiting (up to
//! `max_batch`) — it never waits to fill a batch, so an idle server answers at once — checks
//! every event against the rules, assigns consecutive indexes and one timestamp, and
//! commits entries, tiles, projection rows and (when due) a signed checkpoint in one
//! transaction. Only after the commit are receipts sent: acknowledged means durable.
//!
//! Two threads form a pipeline so the rules and hashing of one batch overlap the database
//! commit of the previous one: the *sequencer* thread prepares batches (rules, encoding,
//! tree, checkpoint signature) and the *committer* thread commits them in order and only
//! then answers. At most one prepared batch waits between them.
//!
//! A failed commit is retried; if storage stays down the batch's submitters get an error
//! (nothing was acknowledged), every batch prepared on top of it is refused too, and the
//! sequencer resumes from what storage holds, so memory and storage never disagree.
//!
//! It knows no capability: the read models pages serve are [`Projector`]s given at start,
//! fed every entry of a batch on the sequencer thread and published by the committer once
//! the batch is durable (see [`crate::projection`]).

use std::sync::mpsc::{self, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use dauys_core::{ActSignature, Entry, Event, LogIndex, PublicState, RuleError, State, Timestamp, MAX_ENTRY_BYTES};
use dauys_ledger::{leaf_hash, Checkpoint, Hash, Note, NoteSigner, TreeBuilder};
use dauys_store::{Batch, NewEntry, StoreError, StoredCheckpoint, Writer};
use tokio::sync::oneshot;

use crate::metrics::Metrics;
use crate::projection::{BatchProjection, Projector};

/// What a submitter keeps: where its entry is and what it hashes to.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Receipt {
    pub index: u64,
    pub leaf_hash: Hash,
    pub timestamp: Timestamp,
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error(transparent)]
    Rejected(#[from] RuleError),
    #[error("the entry would be {0} bytes; an entry holds at most {MAX_ENTRY_BYTES}")]
    TooLarge(usize),
    #[error("the sequencer's queue is full; retry shortly")]
    Busy,
    #[error("storage is unavailable, nothing was recorded: {0}")]
    Unavailable(String),
    #[error("the server is shutting down; nothing was recorded")]
    ShuttingDown,
    /// The act's author holds a signing key and the act is one they must sign: nothing was
    /// recorded. The act is handed back so a page can show it for signing.
    #[error("this act must be signed with its author's key; nothing was recorded")]
    Unsigned(Box<Event>),
}

/// The newest signed checkpoint, shared with readers without touching the database.
#[derive(Clone, Debug)]
pub struct PublishedCheckpoint {
    pub checkpoint: Checkpoint,
    pub note: String,
    pub signed_at_ms: u64,
}

#[derive(Default)]
pub struct Shared {
    latest: RwLock<Option<Arc<PublishedCheckpoint>>>,
    /// The public state as of the latest checkpoint (the home page and `/api/v1/state`).
    public: RwLock<Option<Arc<PublicState>>>,
    /// The newest checkpoint the witnesses' quorum cosigned (`crate::witnessing`).
    witnessed: RwLock<Option<Arc<crate::witnessing::WitnessedCheckpoint>>>,
    /// One more than the index of the first stored entry found not to match its tile; 0
    /// while none was.
    corrupt_entry: std::sync::atomic::AtomicU64,
}

impl Shared {
    pub fn latest_checkpoint(&self) -> Option<Arc<PublishedCheckpoint>> {
        self.latest.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The first stored entry found not to match the log's tree, if one was: the server then
    /// serves no such entry, says so on `/readyz`, and signs no new checkpoint.
    pub fn corrupt_entry(&self) -> Option<u64> {
        self.corrupt_entry.load(std::sync::atomic::Ordering::Acquire).checked_sub(1)
    }

    /// Records that entry `index` does not match its tile; true the first time.
    pub fn report_corrupt_entry(&self, index: u64) -> bool {
        use std::sync::atomic::Ordering::{AcqRel, Acquire};
        self.corrupt_entry.compare_exchange(0, index.saturating_add(1), AcqRel, Acquire).is_ok()
    }

    /// The newest checkpoint cosigned by the witnesses' quorum, once one is.
    pub fn witnessed_checkpoint(&self) -> Option<Arc<crate::witnessing::WitnessedCheckpoint>> {
        self.witnessed.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(crate) fn publish_witnessed(&self, c: crate::witnessing::WitnessedCheckpoint) {
        *self.witnessed.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(c));
    }

    fn publish(&self, c: PublishedCheckpoint) {
        *self.latest.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(c));
    }

    /// The public state as of the latest checkpoint, kept in memory so no reader folds the
    /// projection (which holds a row per signature).
    pub fn public_state(&self) -> Option<Arc<PublicState>> {
        self.public.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn publish_state(&self, state: Arc<PublicState>) {
        *self.public.write().unwrap_or_else(|e| e.into_inner()) = Some(state);
    }
}

struct Job {
    event: Event,
    /// The acting person's own signature of the event, if they made one.
    signature: Option<ActSignature>,
    queued_at: Instant,
    reply: oneshot::Sender<Result<Receipt, SubmitError>>,
}

/// A cheap handle to submit events; dropping every handle lets the sequencer finish.
#[derive(Clone)]
pub struct SequencerHandle {
    queue: SyncSender<Job>,
}

impl SequencerHandle {
    /// Queues an event and waits until it is durable (or refused).
    pub async fn submit(&self, event: Event) -> Result<Receipt, SubmitError> {
        self.submit_signed(event, None).await
    }

    /// Queues an act with its author's own signature (or none), and waits until it is durable
    /// or refused; the rules check the signature (`dauys_core::acts`).
    pub async fn submit_signed(&self, event: Event, signature: Option<ActSignature>) -> Result<Receipt, SubmitError> {
        check_new(&event)?;
        let (reply, answer) = oneshot::channel();
        match self.queue.try_send(Job { event, signature, queued_at: Instant::now(), reply }) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(SubmitError::Busy),
            Err(TrySendError::Disconnected(_)) => return Err(SubmitError::ShuttingDown),
        }
        answer.await.unwrap_or(Err(SubmitError::ShuttingDown))
    }
}

/// The rules that bind new submissions on top of those every replay applies
/// ([`Event::check_new`]: no public text that shows nothing or that bidirectional controls
/// re-order). Events the rules require carry no text, so only submissions pass here.
fn check_new(event: &Event) -> Result<(), SubmitError> {
    event.check_new().map_err(|e| SubmitError::Rejected(RuleError::InvalidEvent(e)))
}

pub struct SequencerConfig {
    pub origin: String,
    pub checkpoint_interval: Duration,
    pub max_batch: usize,
    pub queue_capacity: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the stored projection does not match the log ({0}); run `dauys replay` to rebuild it from the log")]
    Projection(String),
    #[error("the stored tiles do not match the log: {0}")]
    Tiles(String),
}

/// Running sequencer: join it after dropping all handles to flush the last batch.
pub struct Sequencer {
    sequencer: JoinHandle<()>,
    committer: JoinHandle<()>,
}

impl Sequencer {
    /// Resumes from storage and starts the two threads. `projectors` are the read models to
    /// keep, fed and published in this order.
    pub fn start(
        mut writer: Box<dyn Writer>,
        signer: NoteSigner,
        config: SequencerConfig,
        metrics: Arc<Metrics>,
        shared: Arc<Shared>,
        projectors: Vec<Arc<dyn Projector>>,
    ) -> Result<(Sequencer, SequencerHandle), StartError> {
        let resumed = resume(writer.as_mut())?;
        let (queue, jobs) = mpsc::sync_channel(config.queue_capacity);
        let (prepared_tx, prepared_rx) = mpsc::sync_channel(1);
        let (resets_tx, resets_rx) = mpsc::channel();
        metrics.tree_size.set(resumed.1.size() as i64);
        if let Some(last) = &resumed.2 {
            metrics.checkpoint_size.set(last.checkpoint.size as i64);
            shared.publish(last.clone());
        }
        for projector in &projectors {
            projector.rebuild(&resumed.0);
        }
        shared.publish_state(Arc::new(resumed.0.public_state()));
        let mut worker = Worker {
            signer,
            state: State::default(),
            builder: TreeBuilder::new(),
            signed_size: 0,
            signed_at: Instant::now(),
            last_timestamp: Timestamp(0),
            rules_checked_at: Instant::now(),
            generation: 0,
            config,
            metrics: metrics.clone(),
            projectors: projectors.clone(),
            prepared: prepared_tx,
            resets: resets_rx,
            shared: shared.clone(),
        };
        worker.adopt(resumed);
        let committer = Committer { writer, generation: 0, metrics, shared, projectors, resets: resets_tx };
        let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(name.into())
                .spawn(f)
                .map_err(|e| StoreError::Io { path: format!("{name} thread"), source: e })
        };
        let committer = spawn("committer", Box::new(move || committer.run(prepared_rx)))?;
        let sequencer = spawn("sequencer", Box::new(move || worker.run(jobs)))?;
        Ok((Sequencer { sequencer, committer }, SequencerHandle { queue }))
    }

    /// Waits for the writer to flush what was queued and sign a final checkpoint.
    pub fn join(self) {
        for (name, thread) in [("sequencer", self.sequencer), ("committer", self.committer)] {
            if thread.join().is_err() {
                tracing::error!("the {name} thread panicked");
            }
        }
    }
}

type Resumed = (State, TreeBuilder, Option<PublishedCheckpoint>);

fn resume(writer: &mut dyn Writer) -> Result<Resumed, StartError> {
    let head = writer.head()?;
    let state = State::from_rows(head.rows).map_err(|e| StartError::Projection(e.to_string()))?;
    if state.size() != head.size {
        return Err(StartError::Projection(format!(
            "the log holds {} entries but the projection covers {}",
            head.size,
            state.size()
        )));
    }
    let edge = TreeBuilder::right_edge_tiles(head.size);
    let ids: Vec<(u8, u64)> = edge.iter().map(|t| (t.level, t.index)).collect();
    let tiles = writer
        .tiles(&ids)?
        .into_iter()
        .zip(&edge)
        .map(|(bytes, id)| {
            let bytes = bytes.ok_or_else(|| StartError::Tiles(format!("tile {} is missing", id.path())))?;
            // A stored tile may have grown past the size we resume at only if the log did too.
            bytes
                .get(..usize::from(id.width) * 32)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| StartError::Tiles(format!("tile {} is shorter than the log", id.path())))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let builder = TreeBuilder::resume(head.size, &tiles).map_err(|e| StartError::Tiles(e.to_string()))?;
    let last = match head.latest_checkpoint {
        None => None,
        Some(stored) => {
            let checkpoint = Note::parse(&stored.note)
                .and_then(|note| Checkpoint::parse_text(&note.text))
                .map_err(|e| StartError::Tiles(format!("stored checkpoint: {e}")))?;
            if checkpoint.size == builder.size() && checkpoint.root != builder.root() {
                return Err(StartError::Tiles(format!(
                    "root {} does not match the signed checkpoint's root {} at size {}",
                    builder.root(),
                    checkpoint.root,
                    checkpoint.size
                )));
            }
            Some(PublishedCheckpoint { checkpoint, note: stored.note, signed_at_ms: stored.signed_at_ms })
        }
    };
    Ok((state, builder, last))
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// A submitter waiting for its entry to become durable.
struct Waiting {
    reply: oneshot::Sender<Result<Receipt, SubmitError>>,
    queued_at: Instant,
    receipt: Receipt,
}

/// A batch ready to commit, built on the state of `generation`.
struct Prepared {
    generation: u64,
    batch: Batch,
    waiting: Vec<Waiting>,
    checkpoint: Option<PublishedCheckpoint>,
    tree_size: u64,
    /// What the batch changes in each read model, to publish once it is durable.
    projections: Vec<Box<dyn BatchProjection>>,
    /// The state's public summary, computed when the batch carries a checkpoint.
    public: Option<Arc<PublicState>>,
}

/// The sequencer stage: rules, encoding, the tree, checkpoint signatures. No I/O.
struct Worker {
    signer: NoteSigner,
    state: State,
    builder: TreeBuilder,
    /// Size covered by the latest signed checkpoint (`u64::MAX` before the first one).
    signed_size: u64,
    signed_at: Instant,
    last_timestamp: Timestamp,
    /// When the rules were last asked for deadline events.
    rules_checked_at: Instant,
    /// Bumped by the committer each time a commit fails and storage is reloaded.
    generation: u64,
    config: SequencerConfig,
    metrics: Arc<Metrics>,
    projectors: Vec<Arc<dyn Projector>>,
    prepared: SyncSender<Prepared>,
    resets: mpsc::Receiver<(u64, Resumed)>,
    /// Read for the one thing the committer does not tell it: a corrupt stored entry.
    shared: Arc<Shared>,
}

const COMMIT_ATTEMPTS: u32 = 5;

/// How often the sequencer asks the rules whether a deadline passed. A deadline event is
/// therefore logged at most this late; the rules refuse any act that comes after a deadline
/// regardless, so the lag changes no count.
const RULES_TICK: Duration = Duration::from_secs(1);

/// A batch being built: entries, their submitters, and what readers must learn.
#[derive(Default)]
struct Building {
    entries: Vec<NewEntry>,
    waiting: Vec<Waiting>,
    projections: Vec<Box<dyn BatchProjection>>,
}

impl Worker {
    fn adopt(&mut self, (state, builder, last): Resumed) {
        self.last_timestamp = state.last_timestamp().unwrap_or(Timestamp(0));
        self.state = state;
        self.builder = builder;
        self.signed_size = last.as_ref().map_or(u64::MAX, |c| c.checkpoint.size);
    }

    /// An empty batch, with every read model collecting what it changes.
    fn building(&self) -> Building {
        Building { projections: self.projectors.iter().map(|p| p.begin()).collect(), ..Building::default() }
    }

    /// Whether the tree has grown past the last signed checkpoint and may be signed. Never
    /// while a stored entry is known not to match the tree: a checkpoint would vouch for it
    /// (and saying "pending" then would have the loop retry, and log, without pause).
    fn checkpoint_pending(&self) -> bool {
        self.signed_size != self.builder.size() && self.shared.corrupt_entry().is_none()
    }

    fn run(mut self, jobs: mpsc::Receiver<Job>) {
        // An unsigned tail (a crash between commit and checkpoint) is signed at once.
        if self.checkpoint_pending() {
            self.cycle(Vec::new(), true);
        }
        loop {
            let mut wait = RULES_TICK.saturating_sub(self.rules_checked_at.elapsed());
            if self.checkpoint_pending() {
                wait = wait.min(self.config.checkpoint_interval.saturating_sub(self.signed_at.elapsed()));
            }
            let first = match jobs.recv_timeout(wait) {
                Ok(job) => Some(job),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => break,
            };
            let mut batch: Vec<Job> = first.into_iter().collect();
            while batch.len() < self.config.max_batch {
                match jobs.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            self.cycle(batch, false);
        }
        if self.checkpoint_pending() {
            self.cycle(Vec::new(), true);
        }
        tracing::info!(size = self.builder.size(), "sequencer stopped");
    }

    fn cycle(&mut self, jobs: Vec<Job>, force_checkpoint: bool) {
        while let Ok((generation, resumed)) = self.resets.try_recv() {
            self.generation = generation;
            self.adopt(resumed);
        }
        let now = now_ms();
        let timestamp = Timestamp(now.max(self.last_timestamp.0));
        let mut building = self.building();
        if self.rules_checked_at.elapsed() >= RULES_TICK {
            self.rules_checked_at = Instant::now();
            for event in self.state.due_events(timestamp) {
                self.append_by_rules(event, timestamp, &mut building);
            }
        }
        for job in jobs {
            if job.signature.is_none() {
                if let Err(RuleError::ActNotSigned { .. }) = self.state.check_signature(&job.event, None) {
                    self.metrics.rejections.inc();
                    let _ = job.reply.send(Err(SubmitError::Unsigned(Box::new(job.event))));
                    continue;
                }
            }
            match self.append(Entry::signed(timestamp, job.event, job.signature), &mut building) {
                Ok(receipt) => {
                    building.waiting.push(Waiting { reply: job.reply, queued_at: job.queued_at, receipt });
                    // What the act requires by the rules is logged right after it, in the same batch.
                    for event in self.state.take_follow_ups(timestamp) {
                        self.append_by_rules(event, timestamp, &mut building);
                    }
                }
                Err(e) => {
                    self.metrics.rejections.inc();
                    let _ = job.reply.send(Err(e));
                }
            }
        }
        let Building { entries, waiting, mut projections } = building;
        let due = self.signed_at.elapsed() >= self.config.checkpoint_interval;
        let checkpoint = if self.checkpoint_pending() && (due || force_checkpoint) { self.sign(now) } else { None };
        if entries.is_empty() && checkpoint.is_none() {
            return;
        }
        self.last_timestamp = timestamp;
        if let Some(c) = &checkpoint {
            self.signed_size = c.checkpoint.size;
            self.signed_at = Instant::now();
        }
        let batch = Batch {
            tiles: self
                .builder
                .take_changed_tiles()
                .into_iter()
                .map(|(id, bytes)| (id.level, id.index, bytes))
                .collect(),
            rows: self.state.take_changes(),
            checkpoint: checkpoint.as_ref().map(|c| StoredCheckpoint {
                size: c.checkpoint.size,
                note: c.note.clone(),
                signed_at_ms: c.signed_at_ms,
            }),
            entries,
        };
        let public = checkpoint.as_ref().map(|_| Arc::new(self.state.public_state()));
        for projection in &mut projections {
            projection.seal(&self.state, self.builder.size());
        }
        let prepared = Prepared {
            generation: self.generation,
            batch,
            waiting,
            checkpoint,
            tree_size: self.builder.size(),
            projections,
            public,
        };
        if let Err(mpsc::SendError(lost)) = self.prepared.send(prepared) {
            for w in lost.waiting {
                let _ = w.reply.send(Err(SubmitError::ShuttingDown));
            }
        }
    }

    /// Checks, applies and encodes one entry onto the batch being built.
    fn append(&mut self, entry: Entry, building: &mut Building) -> Result<Receipt, SubmitError> {
        let body = entry.encode();
        if body.len() > MAX_ENTRY_BYTES {
            return Err(SubmitError::TooLarge(body.len()));
        }
        let index = self.builder.size();
        self.state.apply(LogIndex(index), &entry)?;
        let leaf = leaf_hash(&body);
        self.builder.append(leaf);
        building.entries.push(NewEntry { index, leaf_hash: leaf.0, body });
        for projection in &mut building.projections {
            projection.applied(&self.state, &entry);
        }
        Ok(Receipt { index, leaf_hash: leaf, timestamp: entry.timestamp })
    }

    /// Appends an event the rules require; nobody waits for it.
    fn append_by_rules(&mut self, event: Event, timestamp: Timestamp, building: &mut Building) {
        let kind = event.kind();
        if let Err(e) = self.append(Entry::new(timestamp, event), building) {
            // The rules produced an event they then refuse: a bug in the rules, not in the input.
            tracing::error!(error = %e, kind, "an event required by the rules was refused");
        }
    }

    fn sign(&self, now: u64) -> Option<PublishedCheckpoint> {
        let checkpoint = Checkpoint {
            origin: self.config.origin.clone(),
            size: self.builder.size(),
            root: self.builder.root(),
            extensions: Vec::new(),
        };
        match checkpoint.sign(&self.signer) {
            Ok(note) => Some(PublishedCheckpoint { checkpoint, note, signed_at_ms: now }),
            Err(e) => {
                tracing::error!(error = %e, "could not sign a checkpoint");
                None
            }
        }
    }
}

/// The committer stage: owns the store's writer; answers submitters only after commit.
struct Committer {
    writer: Box<dyn Writer>,
    generation: u64,
    metrics: Arc<Metrics>,
    shared: Arc<Shared>,
    projectors: Vec<Arc<dyn Projector>>,
    resets: mpsc::Sender<(u64, Resumed)>,
}

impl Committer {
    fn run(mut self, prepared: mpsc::Receiver<Prepared>) {
        for p in prepared {
            if p.generation != self.generation {
                // Built on a batch that failed: its indexes and state are void.
                for w in p.waiting {
                    let _ = w.reply.send(Err(SubmitError::Unavailable("an earlier batch could not be stored".into())));
                }
                continue;
            }
            let count = p.batch.entries.len();
            match self.commit(&p.batch) {
                Ok(()) => {
                    self.metrics.appends.inc_by(count as u64);
                    if count > 0 {
                        self.metrics.batch_size.observe(count as f64);
                    }
                    self.metrics.tree_size.set(p.tree_size as i64);
                    if let Some(c) = p.checkpoint {
                        self.metrics.checkpoint_size.set(c.checkpoint.size as i64);
                        self.shared.publish(c);
                    }
                    for projection in p.projections {
                        projection.publish();
                    }
                    if let Some(public) = p.public {
                        self.shared.publish_state(public);
                    }
                    for w in p.waiting {
                        self.metrics.append_latency_seconds.observe(w.queued_at.elapsed().as_secs_f64());
                        let _ = w.reply.send(Ok(w.receipt));
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, entries = count, "batch could not be committed; nothing of it was acknowledged");
                    // Reload before answering: a submitter who retries at once must meet a
                    // sequencer that has already dropped the failed batch's state, or its
                    // retry would be refused as a duplicate of an act that was never stored.
                    self.reload();
                    for w in p.waiting {
                        let _ = w.reply.send(Err(SubmitError::Unavailable(e.to_string())));
                    }
                }
            }
        }
    }

    /// Commits, retrying transient failures with a growing pause; never drops a batch silently.
    fn commit(&mut self, batch: &Batch) -> Result<(), StoreError> {
        let mut pause = Duration::from_millis(20);
        let mut attempt = 1;
        loop {
            match self.writer.commit(batch) {
                Ok(()) => return Ok(()),
                Err(e @ StoreError::OutOfOrder { .. }) => return Err(e),
                Err(e) if attempt >= COMMIT_ATTEMPTS => return Err(e),
                Err(e) => {
                    self.metrics.commit_failures.inc();
                    tracing::warn!(error = %e, attempt, "commit failed; retrying");
                    std::thread::sleep(pause);
                    pause *= 4;
                    attempt += 1;
                }
            }
        }
    }

    /// After a failed commit the sequencer is ahead of storage: it restarts from storage.
    fn reload(&mut self) {
        match resume(self.writer.as_mut()) {
            Ok(resumed) => {
                for projector in &self.projectors {
                    projector.rebuild(&resumed.0);
                }
                self.shared.publish_state(Arc::new(resumed.0.public_state()));
                self.generation += 1;
                let _ = self.resets.send((self.generation, resumed));
            }
            Err(e) => {
                // Without a consistent view of storage, appending could fork the log: stop.
                tracing::error!(error = %e, "cannot reload the log after a failed commit; the sequencer stops");
                std::process::abort();
            }
        }
    }
}

/// Why a history could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the log already holds {0} entries; a history is imported into an empty log only")]
    NotEmpty(u64),
    #[error("entry {index} ({kind}) was refused: {error}")]
    Refused { index: u64, kind: &'static str, error: SubmitError },
    #[error("entry {index} ({kind}) is earlier than the entry before it, or later than now")]
    OutOfOrder { index: u64, kind: &'static str },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Writes a backdated history into an empty log, exactly as the live sequencer would have
/// written it had each act been submitted at its time. The only difference is the clock: the
/// history's is set by the caller ([`HistoryImport::advance`], never backwards, never past
/// `now`) instead of read from the system. Before each act the rules' deadline events due at
/// its time are logged, after it the events it requires, and every entry is checked by
/// [`State::apply`]; deadline events due at `now` close the history ([`HistoryImport::finish`]).
///
/// Acts come two ways. The caller logs events itself ([`HistoryImport::log`]: many at a time,
/// such as a petition's synthetic signers, committed in large batches). And the services —
/// people's verification, appeals — run unchanged on the [`SequencerHandle`] it hands out:
/// [`HistoryImport::serve`] answers each of their submissions at the clock's time, and, as
/// the live sequencer does, only after the entry is committed and the read models given at
/// start have published it, so a service reads back what it just did. Blocking.
pub struct HistoryImport<'w> {
    writer: &'w mut dyn Writer,
    worker: Worker,
    building: Building,
    jobs: mpsc::Receiver<Job>,
    clock: Timestamp,
    now: Timestamp,
}

/// Entries the importer logs directly before it commits them.
const IMPORT_BATCH: usize = 4_096;

impl<'w> HistoryImport<'w> {
    /// Starts a history in the empty log `writer` holds, ending at `now`, with the read models
    /// the services need (`projectors`, fed and published as the live sequencer does).
    pub fn start(
        writer: &'w mut dyn Writer,
        signer: NoteSigner,
        origin: &str,
        projectors: Vec<Arc<dyn Projector>>,
        now: Timestamp,
    ) -> Result<(HistoryImport<'w>, SequencerHandle), ImportError> {
        let head = writer.head()?;
        if head.size > 0 {
            return Err(ImportError::NotEmpty(head.size));
        }
        let (prepared, _unused_prepared) = mpsc::sync_channel(1);
        let (_unused_resets, resets) = mpsc::channel();
        for projector in &projectors {
            projector.rebuild(&State::default());
        }
        let worker = Worker {
            signer,
            state: State::default(),
            builder: TreeBuilder::new(),
            signed_size: u64::MAX,
            signed_at: Instant::now(),
            last_timestamp: Timestamp(0),
            rules_checked_at: Instant::now(),
            generation: 0,
            config: SequencerConfig {
                origin: origin.to_owned(),
                checkpoint_interval: Duration::ZERO,
                max_batch: IMPORT_BATCH,
                queue_capacity: 64,
            },
            metrics: Arc::new(Metrics::default()),
            projectors,
            // Batches are committed here, never handed to a committer thread.
            prepared,
            resets,
            // A fresh history: nothing read from storage to find corrupt.
            shared: Arc::default(),
        };
        let (queue, jobs) = mpsc::sync_channel(worker.config.queue_capacity);
        let building = worker.building();
        let import = HistoryImport { writer, worker, building, jobs, clock: Timestamp(0), now };
        Ok((import, SequencerHandle { queue }))
    }

    /// The history's clock: the time the next entry is stamped with.
    pub fn clock(&self) -> Timestamp {
        self.clock
    }

    /// Moves the history's clock to `at`, for the act of kind `kind` (named if refused).
    pub fn advance(&mut self, at: Timestamp, kind: &'static str) -> Result<(), ImportError> {
        if at < self.clock || at > self.now {
            return Err(ImportError::OutOfOrder { index: self.worker.builder.size(), kind });
        }
        self.clock = at;
        Ok(())
    }

    /// Logs `event` at the clock's time, after the deadline events due then and before the
    /// events it requires; refused as a live submission would be.
    pub fn log(&mut self, event: Event) -> Result<Receipt, ImportError> {
        let kind = event.kind();
        check_new(&event).map_err(|error| self.refused(kind, error))?;
        let receipt = self.act(event)?.map_err(|error| self.refused(kind, error))?;
        if self.building.entries.len() >= IMPORT_BATCH {
            self.commit(false)?;
        }
        Ok(receipt)
    }

    /// Answers one submission the services made through the handle, if one arrives within
    /// `wait`: logged at the clock's time and committed before the answer. Returns whether
    /// one was served. A refused submission is the submitter's error, not the history's.
    pub fn serve(&mut self, wait: Duration) -> Result<bool, ImportError> {
        let job = match self.jobs.recv_timeout(wait) {
            Ok(job) => job,
            Err(_) => return Ok(false),
        };
        let answer = self.act(job.event)?;
        self.commit(false)?;
        let _ = job.reply.send(answer);
        Ok(true)
    }

    /// Commits what was logged so far and publishes it to the read models.
    pub fn flush(&mut self) -> Result<(), ImportError> {
        Ok(self.commit(false)?)
    }

    /// Logs the deadline events due at `now`, commits with a signed checkpoint and returns the
    /// log's size.
    pub fn finish(mut self) -> Result<u64, ImportError> {
        self.clock = self.now;
        for event in self.worker.state.due_events(self.now) {
            self.by_rules(event)?;
        }
        self.commit(true)?;
        Ok(self.worker.builder.size())
    }

    /// One act at the clock's time: the deadline events due then, the act, what it requires.
    /// The outer error is the history's (a rule refused its own event); the inner, the act's.
    fn act(&mut self, event: Event) -> Result<Result<Receipt, SubmitError>, ImportError> {
        for due in self.worker.state.due_events(self.clock) {
            self.by_rules(due)?;
        }
        let receipt = match self.worker.append(Entry::new(self.clock, event), &mut self.building) {
            Ok(receipt) => receipt,
            Err(e) => return Ok(Err(e)),
        };
        for event in self.worker.state.take_follow_ups(self.clock) {
            self.by_rules(event)?;
        }
        Ok(Ok(receipt))
    }

    fn by_rules(&mut self, event: Event) -> Result<(), ImportError> {
        let kind = event.kind();
        match self.worker.append(Entry::new(self.clock, event), &mut self.building) {
            Ok(_) => Ok(()),
            Err(error) => Err(self.refused(kind, error)),
        }
    }

    fn refused(&self, kind: &'static str, error: SubmitError) -> ImportError {
        ImportError::Refused { index: self.worker.builder.size(), kind, error }
    }

    /// Commits the entries built so far (the last batch with a signed checkpoint), then
    /// publishes them to the read models.
    fn commit(&mut self, last: bool) -> Result<(), StoreError> {
        if self.building.entries.is_empty() && !last {
            return Ok(());
        }
        let fresh = self.worker.building();
        let Building { entries, waiting: _, mut projections } = std::mem::replace(&mut self.building, fresh);
        let checkpoint = if last { self.worker.sign(now_ms()) } else { None };
        for projection in &mut projections {
            projection.seal(&self.worker.state, self.worker.builder.size());
        }
        let batch = Batch {
            tiles: self
                .worker
                .builder
                .take_changed_tiles()
                .into_iter()
                .map(|(id, bytes)| (id.level, id.index, bytes))
                .collect(),
            rows: self.worker.state.take_changes(),
            checkpoint: checkpoint.map(|c| StoredCheckpoint {
                size: c.checkpoint.size,
                note: c.note,
                signed_at_ms: c.signed_at_ms,
            }),
            entries,
        };
        self.writer.commit(&batch)?;
        for projection in projections {
            projection.publish();
        }
        Ok(())
    }
}
