//! Counts per target or source address in bounded memory (docs/limits.md
//! "Memory"): a replay of millions of distinct agents or addresses keeps exact counts
//! for [`MAX_KEYS`] of them and folds the rest into one count of executions and an
//! estimate of how many keys they were.
//!
//! The keys kept are the lowest in order (the order in which the outputs list them),
//! not the first seen: which keys those are does not depend on the order of the
//! lines or on how a replay's lines were shared among threads, a key kept has the
//! same exact count as without the cap (a key is folded only once [`MAX_KEYS`] lower
//! ones are known, and those stay lower), and merging two tallies is exact. Below the
//! cap nothing is folded and the counts are those of a plain map.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};

use serde::Serialize;

/// Distinct keys (agents, targets or source addresses) counted exactly per response:
/// a real manager's agents fit; each takes about 170 bytes.
pub const MAX_KEYS: usize = 10_000;

/// Registers of the distinct-count estimate (2^14: about 0.8 % error, 16 KiB).
const REGISTERS_LOG2: u32 = 14;

/// Counts per key: exact for the lowest [`MAX_KEYS`] keys, the rest folded.
#[derive(Debug, Clone, Default)]
pub(super) struct KeyCounts {
    kept: BTreeMap<String, u64>,
    folded: u64,
    /// HyperLogLog registers over the folded keys (allocated at the first fold).
    sketch: Option<Box<[u8]>>,
}

/// What a capped count left out: how many keys, and their executions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Folded {
    /// How many distinct keys were folded: an estimate (HyperLogLog, about 0.8 %
    /// off), exact while it is 0.
    pub distinct: u64,
    /// Their executions, exact.
    pub executions: u64,
}

impl Folded {
    /// Nothing folded (below the cap): the outputs then say nothing of it.
    pub fn is_empty(&self) -> bool {
        self.executions == 0
    }
}

impl KeyCounts {
    /// Adds `n` to `key`, borrowing it when it is already counted.
    pub(super) fn add(&mut self, key: &str, n: u64) {
        if let Some(c) = self.kept.get_mut(key) {
            *c += n;
            return;
        }
        self.insert(key.to_string(), n);
    }

    /// Adds `n` to an owned `key`.
    fn insert(&mut self, key: String, n: u64) {
        if let Some(c) = self.kept.get_mut(&key) {
            *c += n;
            return;
        }
        if self.kept.len() < MAX_KEYS {
            self.kept.insert(key, n);
            return;
        }
        let highest_is_lower = self.kept.last_key_value().is_some_and(|(k, _)| *k < key);
        if highest_is_lower {
            self.fold(&key, n);
            return;
        }
        if let Some((k, c)) = self.kept.pop_last() {
            self.fold(&k, c);
        }
        self.kept.insert(key, n);
    }

    fn fold(&mut self, key: &str, n: u64) {
        self.folded += n;
        let registers = self
            .sketch
            .get_or_insert_with(|| vec![0; 1 << REGISTERS_LOG2].into_boxed_slice());
        let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(key);
        let index = (hash >> (64 - REGISTERS_LOG2)) as usize;
        let rank = ((hash << REGISTERS_LOG2) | (1 << (REGISTERS_LOG2 - 1))).leading_zeros() + 1;
        registers[index] = registers[index].max(rank as u8);
    }

    /// Adds another tally (a thread's) into this one.
    pub(super) fn merge(&mut self, other: KeyCounts) {
        self.folded += other.folded;
        if let Some(theirs) = other.sketch {
            match &mut self.sketch {
                Some(ours) => ours
                    .iter_mut()
                    .zip(theirs.iter())
                    .for_each(|(a, b)| *a = (*a).max(*b)),
                None => self.sketch = Some(theirs),
            }
        }
        for (k, n) in other.kept {
            self.insert(k, n);
        }
    }

    /// The exact counts, and what was folded.
    pub(super) fn finish(self) -> (BTreeMap<String, u64>, Folded) {
        let distinct = self.sketch.as_deref().map_or(0, estimate);
        let folded = Folded {
            distinct,
            executions: self.folded,
        };
        (self.kept, folded)
    }
}

/// HyperLogLog's estimate of the distinct keys behind `registers` (Flajolet et al.
/// 2007, with linear counting for small counts); at least 1 when any key was folded.
fn estimate(registers: &[u8]) -> u64 {
    let m = registers.len() as f64;
    let sum: f64 = registers.iter().map(|&r| (-f64::from(r)).exp2()).sum();
    let raw = 0.7213 / (1.0 + 1.079 / m) * m * m / sum;
    let zeros = memchr::memchr_iter(0, registers).count();
    let e = if raw <= 2.5 * m && zeros > 0 {
        m * (m / zeros as f64).ln()
    } else {
        raw
    };
    (e.round() as u64).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: usize) -> String {
        format!("{i:06}")
    }

    #[test]
    fn below_the_cap_the_counts_are_a_plain_map() {
        let mut t = KeyCounts::default();
        for i in 0..MAX_KEYS {
            t.add(&key(i), 1);
        }
        t.add(&key(3), 2);
        let (kept, folded) = t.finish();
        assert_eq!(kept.len(), MAX_KEYS);
        assert_eq!(kept[&key(3)], 3);
        assert_eq!(folded, Folded::default());
    }

    /// The lowest keys stay, with their exact counts, whatever the order of the
    /// input and however it was split; the rest is folded and estimated.
    #[test]
    fn over_the_cap_the_lowest_keys_stay_exact() {
        let n = MAX_KEYS * 3;
        // Descending, so that every kept key was first seen after a key now folded.
        let mut one = KeyCounts::default();
        for i in (0..n).rev() {
            one.add(&key(i), 2);
        }
        // The same split over two tallies, one ascending and one descending.
        let (mut a, mut b) = (KeyCounts::default(), KeyCounts::default());
        for i in 0..n {
            if i % 2 == 0 {
                a.add(&key(i), 1);
            }
        }
        for i in (0..n).rev() {
            b.add(&key(i), 1);
            if i % 2 == 1 {
                b.add(&key(i), 1);
            }
        }
        a.merge(b);
        for t in [one, a] {
            let (kept, folded) = t.finish();
            assert_eq!(kept.len(), MAX_KEYS);
            assert_eq!(kept.keys().next(), Some(&key(0)));
            assert_eq!(kept.keys().last(), Some(&key(MAX_KEYS - 1)));
            assert!(kept.values().all(|&c| c == 2));
            assert_eq!(folded.executions, 2 * 2 * MAX_KEYS as u64);
            // 20,000 folded keys, estimated within 5 %.
            let off = folded.distinct.abs_diff(2 * MAX_KEYS as u64);
            assert!(off < 1000, "{}", folded.distinct);
        }
    }

    #[test]
    fn a_few_folded_keys_are_counted_about_right() {
        let mut t = KeyCounts::default();
        for i in 0..MAX_KEYS + 5 {
            t.add(&key(i), 1);
            t.add(&key(i), 1);
        }
        let (_, folded) = t.finish();
        assert_eq!(folded.executions, 10);
        assert_eq!(folded.distinct, 5);
    }
}
