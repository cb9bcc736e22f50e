//! The state one logtest session keeps for the rules (docs/analysis-rules.md
//! "Session state"; `src/analysisd/logtest.c`, `eventinfo_list.c`, `fts.c`,
//! `dodiff.c`): firing counts, ignore windows, the event memory and the lists of
//! `if_matched_sid`/`if_matched_group` rules, the FTS store and the `check_diff`
//! store. Everything lives here, so a new session is a new `RuleState`.

use std::collections::{HashMap, HashSet, VecDeque};

use rustc_hash::FxHashMap;
use std::sync::Arc;

use super::event::Event;
use super::ruletree::{ChildIndex, RuleTree};

/// The event memory size (`memorysize` in `config.c`).
pub const MEMORY_SIZE: usize = 8192;

/// An event kept for context rules, with the level of the context rule that last
/// counted it (`matched`).
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub(crate) event: Arc<Event>,
    pub(crate) matched: u32,
}

/// Per-session rule state.
#[derive(Debug, Clone, Default)]
pub struct RuleState {
    pub(crate) firedtimes: Vec<u32>,
    pub(crate) time_ignored: Vec<i64>,
    /// Event ids per list (oldest first).
    pub(crate) lists: Vec<VecDeque<u64>>,
    /// The last events (oldest first); `base` is the id of the first one.
    pub(crate) events: VecDeque<Stored>,
    pub(crate) base: u64,
    pub(crate) max_freq: u32,
    pub(crate) fts: HashSet<Vec<u8>>,
    pub(crate) diff: HashMap<(Vec<u8>, u32), Vec<u8>>,
    /// Per indexed node and decoder id: the positions of the children whose
    /// `decoded_as` lets such an event in (filled as events come).
    pub(crate) open_children: FxHashMap<(usize, Option<u32>), Arc<[usize]>>,
}

impl RuleState {
    /// A fresh session for a tree.
    pub fn new(tree: &RuleTree) -> RuleState {
        RuleState {
            firedtimes: vec![0; tree.len()],
            time_ignored: vec![0; tree.len()],
            lists: vec![VecDeque::new(); tree.list_count],
            max_freq: tree.max_freq,
            ..RuleState::default()
        }
    }

    /// Grows the per-rule and per-list tables to a tree (a state made for a
    /// smaller tree must not make evaluation panic).
    pub(crate) fn fit(&mut self, tree: &RuleTree) {
        if self.firedtimes.len() < tree.len() {
            self.firedtimes.resize(tree.len(), 0);
            self.time_ignored.resize(tree.len(), 0);
        }
        if self.lists.len() < tree.list_count {
            self.lists.resize(tree.list_count, VecDeque::new());
        }
    }

    /// The positions among `node`'s children (indexed by `index`) of those an
    /// event decoded by the decoder with this id passes `decoded_as`.
    pub(crate) fn open_children(
        &mut self,
        index: &ChildIndex,
        node: usize,
        decoder: Option<u32>,
    ) -> Arc<[usize]> {
        let open = self
            .open_children
            .entry((node, decoder))
            .or_insert_with(|| {
                let gates = &index.decoded_as;
                (0..gates.len())
                    .filter(|&i| gates[i].is_none_or(|d| Some(d) == decoder))
                    .collect()
            });
        Arc::clone(open)
    }

    /// How many times a rule fired in this session.
    pub fn firedtimes(&self, rule: usize) -> u32 {
        self.firedtimes.get(rule).copied().unwrap_or(0)
    }

    /// Number of events held for context rules.
    pub fn stored_events(&self) -> usize {
        self.events.len()
    }

    /// A stored event by id, if it is still in memory.
    pub(crate) fn get(&self, id: u64) -> Option<&Stored> {
        let i = id.checked_sub(self.base)?;
        self.events.get(usize::try_from(i).ok()?)
    }

    /// A stored event by id, mutable.
    pub(crate) fn get_mut(&mut self, id: u64) -> Option<&mut Stored> {
        let i = id.checked_sub(self.base)?;
        self.events.get_mut(usize::try_from(i).ok()?)
    }

    /// Ids of every stored event, newest first (the last-events list).
    pub(crate) fn newest_first(&self) -> Vec<u64> {
        (0..self.events.len() as u64)
            .rev()
            .map(|i| self.base + i)
            .collect()
    }

    /// `OS_AddEvent`: keeps the event; past the memory size, drops at least the 10
    /// oldest, and then every one older than the largest frequency in seconds (as
    /// the daemon compares them).
    pub(crate) fn push(&mut self, event: Arc<Event>, matched: u32) -> u64 {
        let now = event.time;
        self.events.push_back(Stored { event, matched });
        let id = self.base + self.events.len() as u64 - 1;
        if self.events.len() > MEMORY_SIZE {
            let mut dropped = 0;
            while self.events.len() > 1 {
                let old = self.events.front().map_or(0, |s| s.event.time);
                if dropped >= 10 && now - old <= i64::from(self.max_freq) {
                    break;
                }
                self.events.pop_front();
                self.base += 1;
                dropped += 1;
            }
            let base = self.base;
            for list in &mut self.lists {
                while list.front().is_some_and(|&i| i < base) {
                    list.pop_front();
                }
            }
        }
        id
    }
}
