//! The petitions read model: what the petition pages, the list and the count endpoint serve.
//!
//! The UK petitions site fell over when tens of thousands reloaded one page while each
//! signature updated the petition's row. Here reads never touch the database or the
//! sequencer: the committer publishes each changed petition (as an immutable `Arc`) after
//! its batch is durable, and readers take a read lock only long enough to clone the `Arc`s
//! they need. A petition's count on its page is therefore at most one batch behind the log,
//! and never ahead of it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use tokio::sync::mpsc::UnboundedSender;

use dauys_core::{
    BodyId, Entry, Event, Lang, Level, ObligationStatus, Petition, PetitionId, PetitionStatus, PublishedRules, Region,
    State, Timestamp, TopicCode,
};
use time::Date;

use crate::projection::{BatchProjection, Projector};

#[derive(Default)]
struct ViewData {
    petitions: HashMap<PetitionId, Arc<Petition>>,
    /// Valid signatures per local day, per petition.
    daily: HashMap<PetitionId, BTreeMap<Date, i64>>,
    /// Lower-cased words of public petitions' titles and texts (all languages) → petitions.
    words: BTreeMap<String, BTreeSet<PetitionId>>,
    /// The words each petition is indexed under, to unindex it.
    indexed: HashMap<PetitionId, Vec<String>>,
    rules: Option<Arc<PublishedRules>>,
    /// The log entries before this index, and no others, are reflected here.
    log_size: u64,
}

/// How the list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Newest,
    MostSigned,
    ClosingSoon,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Newest, Sort::MostSigned, Sort::ClosingSoon];

    pub fn as_str(&self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::MostSigned => "most_signed",
            Sort::ClosingSoon => "closing_soon",
        }
    }

    pub fn parse(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A list request. Only public petitions (accepted or later) are ever listed.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    pub text: Option<String>,
    pub status: Option<PetitionStatus>,
    pub level: Option<Level>,
    pub body: Option<BodyId>,
    pub region: Option<Region>,
    pub topic: Option<TopicCode>,
    /// Only petitions whose obligation stands so (answered, awaiting, overdue).
    pub answer: Option<ObligationStatus>,
    pub sort: Sort,
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
}

impl ListQuery {
    pub const MAX_PER_PAGE: usize = 100;
    pub const DEFAULT_PER_PAGE: usize = 20;
}

/// One page of a list.
#[derive(Clone, Debug)]
pub struct ListPage {
    pub items: Vec<Arc<Petition>>,
    /// Matching petitions on all pages.
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
}

impl ListPage {
    pub fn pages(&self) -> usize {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

/// The shared read model; cheap to read from any number of threads. Petitions only: the
/// bodies they address and the time zone are the deployment's ([`DeploymentView`]).
///
/// [`DeploymentView`]: crate::projection::DeploymentView
#[derive(Default)]
pub struct PetitionsView {
    data: Arc<RwLock<ViewData>>,
    /// Where a petition's answer or missed deadline goes to be told to its followers, once
    /// the service runs.
    news: RwLock<Option<UnboundedSender<News>>>,
}

/// A petition's obligation was answered or fell overdue: what its followers are told.
#[derive(Clone, Debug)]
pub struct News {
    pub petition: PetitionId,
    /// `answered` or `overdue`.
    pub what: &'static str,
}

/// Splits text into lower-cased words of letters and digits (any script), at least two long.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().nth(1).is_some()).map(str::to_lowercase)
}

impl PetitionsView {
    /// Sends every answer and missed deadline published from now on to `sender`.
    pub(crate) fn news_to(&self, sender: UnboundedSender<News>) {
        *self.news.write().unwrap_or_else(PoisonError::into_inner) = Some(sender);
    }

    fn read(&self) -> RwLockReadGuard<'_, ViewData> {
        self.data.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, ViewData> {
        self.data.write().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn get(&self, id: &PetitionId) -> Option<Arc<Petition>> {
        self.read().petitions.get(id).cloned()
    }

    /// A petition and the log size it is exact for: it reflects every entry before that
    /// index and none after (both are published under one lock, batch by batch).
    pub fn get_as_of(&self, id: &PetitionId) -> Option<(Arc<Petition>, u64)> {
        let data = self.read();
        data.petitions.get(id).map(|p| (p.clone(), data.log_size))
    }

    /// Valid signatures of a petition per local day, oldest first.
    pub fn daily(&self, id: &PetitionId) -> Vec<(Date, u64)> {
        self.read()
            .daily
            .get(id)
            .map(|d| d.iter().map(|(day, n)| (*day, u64::try_from(*n).unwrap_or(0))).collect())
            .unwrap_or_default()
    }

    pub fn rules(&self) -> Option<Arc<PublishedRules>> {
        self.read().rules.clone()
    }

    /// Every petition (any status), for open-data exports and the author's own list.
    pub fn all(&self) -> Vec<Arc<Petition>> {
        let mut all: Vec<Arc<Petition>> = self.read().petitions.values().cloned().collect();
        all.sort_by_key(|p| std::cmp::Reverse(p.index));
        all
    }

    /// Petitions waiting for a moderator, the earliest due first.
    pub fn moderation_queue(&self) -> Vec<Arc<Petition>> {
        let mut queue: Vec<Arc<Petition>> =
            self.read().petitions.values().filter(|p| p.status == PetitionStatus::Moderation).cloned().collect();
        queue.sort_by_key(|p| (p.moderation_due, p.index));
        queue
    }

    /// Petitions whose obligation is on `body`: unanswered first, each group earliest due first.
    pub fn obligations_of(&self, body: &BodyId) -> Vec<Arc<Petition>> {
        let mut list: Vec<Arc<Petition>> = self
            .read()
            .petitions
            .values()
            .filter(|p| p.obligation.as_ref().is_some_and(|o| &o.body == body))
            .cloned()
            .collect();
        list.sort_by_key(|p| p.obligation.as_ref().map(|o| (o.status == ObligationStatus::Answered, o.due)));
        list
    }

    /// One page of public petitions matching `q`.
    pub fn list(&self, q: &ListQuery) -> ListPage {
        let data = self.read();
        let per_page = q.per_page.clamp(1, ListQuery::MAX_PER_PAGE);
        let page = q.page.max(1);
        let text_hits = q.text.as_deref().filter(|t| words(t).next().is_some()).map(|t| data.search(t));
        let mut hits: Vec<&Arc<Petition>> = data
            .petitions
            .values()
            .filter(|p| p.status.is_public())
            .filter(|p| q.status.is_none_or(|s| p.status == s))
            .filter(|p| q.level.is_none_or(|l| p.level == l))
            .filter(|p| q.body.as_ref().is_none_or(|b| &p.body == b))
            .filter(|p| q.region.is_none_or(|r| p.territory.as_ref().is_some_and(|t| t.region == r)))
            .filter(|p| q.topic.as_ref().is_none_or(|t| &p.topic == t))
            .filter(|p| q.answer.is_none_or(|a| p.obligation.as_ref().is_some_and(|o| o.status == a)))
            .filter(|p| text_hits.as_ref().is_none_or(|hits| hits.contains(&p.id)))
            .collect();
        match q.sort {
            Sort::Newest => hits.sort_by_key(|p| std::cmp::Reverse((p.opened_at(), p.index))),
            Sort::MostSigned => hits.sort_by_key(|p| (std::cmp::Reverse(p.signatures), std::cmp::Reverse(p.index))),
            Sort::ClosingSoon => hits.sort_by_key(|p| {
                // Open petitions first, the soonest to close first; the rest after, newest first.
                let open = p.status == PetitionStatus::Open;
                (!open, if open { p.closes_at } else { None }, std::cmp::Reverse(p.index))
            }),
        }
        let total = hits.len();
        // A page number from a URL can be anything up to usize::MAX: past the end is empty.
        let skip = page.saturating_sub(1).saturating_mul(per_page);
        let items = hits.into_iter().skip(skip).take(per_page).cloned().collect();
        ListPage { items, total, page, per_page }
    }
}

impl Projector for PetitionsView {
    fn rebuild(&self, state: &State) {
        let offset = state.registry().utc_offset_minutes();
        let mut data = ViewData {
            rules: state.petitions().rules().cloned().map(Arc::new),
            log_size: state.size(),
            ..ViewData::default()
        };
        for p in state.petitions().all() {
            let daily = data.daily.entry(p.id.clone()).or_default();
            for (at, invalidated) in state.petitions().signature_times(&p.id) {
                if !invalidated {
                    *daily.entry(at.date_at_offset(offset)).or_insert(0) += 1;
                }
            }
            data.put(p.clone());
        }
        *self.write() = data;
    }

    fn begin(&self) -> Box<dyn BatchProjection> {
        Box::new(Changes {
            data: self.data.clone(),
            news_to: self.news.read().unwrap_or_else(PoisonError::into_inner).clone(),
            news: Vec::new(),
            touched: BTreeSet::new(),
            signatures: Vec::new(),
            rules_published: false,
            petitions: Vec::new(),
            rules: None,
            utc_offset_minutes: 0,
            log_size: 0,
        })
    }
}

/// What one batch changes, collected on the sequencer thread from its state.
struct Changes {
    data: Arc<RwLock<ViewData>>,
    news_to: Option<UnboundedSender<News>>,
    /// Answers and missed deadlines in the batch, told once it is published.
    news: Vec<News>,
    /// Petitions an entry of the batch names, copied from the state when the batch is sealed.
    touched: BTreeSet<PetitionId>,
    /// `(petition, signed_at, +1 or -1)`: signatures added or invalidated, for the daily chart.
    signatures: Vec<(PetitionId, Timestamp, i64)>,
    rules_published: bool,
    petitions: Vec<Petition>,
    rules: Option<PublishedRules>,
    /// The time zone once the batch is in: the daily chart counts its signatures' days in it.
    utc_offset_minutes: i16,
    /// The log's size once the batch is in: what the view reflects after publishing.
    log_size: u64,
}

impl BatchProjection for Changes {
    fn applied(&mut self, state: &State, entry: &Entry) {
        match &entry.event {
            Event::PetitionSigned { petition, .. } => self.signatures.push((petition.clone(), entry.timestamp, 1)),
            Event::SignatureInvalidated { petition, signer, .. } => {
                if let Some(s) = state.petitions().signature(petition, signer) {
                    self.signatures.push((petition.clone(), s.signed_at, -1));
                }
            }
            Event::PetitionRulesPublished { .. } => self.rules_published = true,
            Event::ObligationAnswered { .. } | Event::ObligationOverdue { .. } => {
                if let Some(petition) = entry.event.petition() {
                    let what =
                        if matches!(entry.event, Event::ObligationAnswered { .. }) { "answered" } else { "overdue" };
                    self.news.push(News { petition: petition.clone(), what });
                }
            }
            _ => {}
        }
        if let Some(id) = entry.event.petition() {
            self.touched.insert(id.clone());
        }
    }

    fn seal(&mut self, state: &State, log_size: u64) {
        self.petitions = self.touched.iter().filter_map(|id| state.petitions().get(id).cloned()).collect();
        if self.rules_published {
            self.rules = state.petitions().rules().cloned();
        }
        self.utc_offset_minutes = state.registry().utc_offset_minutes();
        self.log_size = log_size;
    }

    fn publish(self: Box<Self>) {
        let mut data = self.data.write().unwrap_or_else(PoisonError::into_inner);
        data.log_size = self.log_size;
        if let Some(rules) = self.rules {
            data.rules = Some(Arc::new(rules));
        }
        for (id, at, delta) in self.signatures {
            *data.daily.entry(id).or_default().entry(at.date_at_offset(self.utc_offset_minutes)).or_insert(0) += delta;
        }
        for p in self.petitions {
            data.put(p);
        }
        drop(data);
        if let Some(sender) = &self.news_to {
            for news in self.news {
                // The sender has stopped only when the server is stopping.
                let _ = sender.send(news);
            }
        }
    }
}

impl ViewData {
    fn put(&mut self, p: Petition) {
        let id = p.id.clone();
        if let Some(old) = self.indexed.remove(&id) {
            for w in old {
                if let Some(set) = self.words.get_mut(&w) {
                    set.remove(&id);
                    if set.is_empty() {
                        self.words.remove(&w);
                    }
                }
            }
        }
        if p.status.is_public() {
            let mut mine: BTreeSet<String> = BTreeSet::new();
            for lang in Lang::ALL {
                for text in [p.title.get(lang), p.text.get(lang)].into_iter().flatten() {
                    mine.extend(words(text));
                }
            }
            mine.insert(id.to_string());
            for w in &mine {
                self.words.entry(w.clone()).or_default().insert(id.clone());
            }
            self.indexed.insert(id.clone(), mine.into_iter().collect());
        }
        self.petitions.insert(id, Arc::new(p));
    }

    /// Petitions with every query word as a prefix of one of their words.
    fn search(&self, query: &str) -> BTreeSet<PetitionId> {
        let mut result: Option<BTreeSet<PetitionId>> = None;
        for q in words(query) {
            let mut found = BTreeSet::new();
            for (_, ids) in self.words.range(q.clone()..).take_while(|(w, _)| w.starts_with(&q)) {
                found.extend(ids.iter().cloned());
            }
            result = Some(match result {
                None => found,
                Some(prev) => prev.intersection(&found).cloned().collect(),
            });
        }
        result.unwrap_or_default()
    }
}
