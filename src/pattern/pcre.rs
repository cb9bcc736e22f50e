//! PCRE2 as `src/shared/expression.c` uses it (`w_expression_compile` with options 0,
//! `w_expression_match`, `w_expression_PCRE2_fill_regex_match`); docs/analysis-patterns.md
//! "PCRE2". Case-sensitive, byte mode (no UTF), searched from offset 0. The answer
//! is always the interpreter's, as the daemon runs no JIT; a JIT copy only answers
//! "no match" early (see [`Pcre::exec`]).

use std::cell::RefCell;
use std::ops::Range;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use pcre2::bytes::{CaptureLocations, Regex, RegexBuilder};
use rustc_hash::FxHashMap;

use super::PatternError;

/// The match limit: PCRE2's own default (`MATCH_LIMIT`, 10 000 000), which is what the
/// daemon runs with. Written into the pattern so it holds whatever the linked PCRE2
/// was built with; hitting it is "no match", as `rc <= 0` is in the daemon.
pub(crate) const MATCH_LIMIT: u32 = 10_000_000;

/// `OS_MAXSTR`: no subject in the daemon is longer (logtest refuses bigger requests,
/// the queue cuts at it), so a longer one is cut here. The match limit does not bound
/// time on its own: a possessive run counts as one step (`(\w+)\s` over `aaa…`).
pub(crate) const MAX_SUBJECT: usize = 65536;

/// A compiled PCRE2 pattern.
#[derive(Debug)]
pub(crate) struct Pcre {
    regex: Spared,
    /// The same pattern JIT-compiled, built at its first use (most patterns of a
    /// ruleset never run); None when JIT is not available.
    jit: OnceLock<Option<Spared>>,
    /// The pattern as compiled (with its limit), for the JIT copy.
    source: String,
}

impl Clone for Pcre {
    fn clone(&self) -> Pcre {
        Pcre {
            regex: Spared::new(self.regex.regex.clone()),
            jit: OnceLock::new(),
            source: self.source.clone(),
        }
    }
}

/// A regex and, per thread, the match data of its searches: the crate's own
/// searches take theirs from a pool that allocates when another thread than the
/// first asks, and a new `CaptureLocations` is an allocation and a
/// `pcre2_match_data_create` per call. Each thread keeps the match data of the
/// regexes it ran, by the regex's own number (not its address, which a later regex
/// may reuse), so a search takes no lock.
#[derive(Debug)]
struct Spared {
    regex: Regex,
    id: u64,
}

/// Match data a thread keeps at most (a ruleset has about a thousand PCRE2
/// patterns).
const MAX_SPARE: usize = 8192;

thread_local! {
    /// This thread's match data, by [`Spared::id`].
    static SPARE: RefCell<FxHashMap<u64, CaptureLocations>> = RefCell::default();
}

impl Spared {
    fn new(regex: Regex) -> Spared {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        Spared {
            regex,
            id: NEXT.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// `captures_read` with this thread's match data for the regex.
    fn captures_read<T>(
        &self,
        subject: &[u8],
        then: impl FnOnce(&CaptureLocations, Option<usize>) -> T,
    ) -> Option<T> {
        let read = |locs: &mut CaptureLocations| {
            let end = self
                .regex
                .captures_read(locs, subject)
                .map(|m| m.map(|m| m.end()));
            end.ok().map(|end| then(locs, end))
        };
        SPARE.with(|spare| match spare.try_borrow_mut() {
            Ok(mut spare) => {
                // Regexes come and go with the rulesets an editor loads: the
                // match data of gone ones is dropped now and then.
                if spare.len() >= MAX_SPARE && !spare.contains_key(&self.id) {
                    spare.clear();
                }
                let locs = spare
                    .entry(self.id)
                    .or_insert_with(|| self.regex.capture_locations());
                read(locs)
            }
            // Not reached (nothing searches inside a search); a fresh one then.
            Err(_) => read(&mut self.regex.capture_locations()),
        })
    }
}

impl Pcre {
    /// `pcre2_compile(pattern, PCRE2_ZERO_TERMINATED, 0, …)`.
    pub(crate) fn compile(pattern: &str) -> Result<Pcre, PatternError> {
        Self::compile_limited(pattern, MATCH_LIMIT)
    }

    /// Compiles with a given match limit (tests use a small one).
    pub(crate) fn compile_limited(pattern: &str, limit: u32) -> Result<Pcre, PatternError> {
        let pattern = pattern.split('\0').next().unwrap_or_default();
        let limited = format!("(*LIMIT_MATCH={limit}){pattern}");
        let regex = RegexBuilder::new()
            .build(&limited)
            .map_err(|e| PatternError {
                message: e.to_string(),
            })?;
        Ok(Pcre {
            regex: Spared::new(regex),
            jit: OnceLock::new(),
            source: limited,
        })
    }

    /// "Certainly no match", from the JIT copy: a JIT search that ends without a
    /// match proves that none exists (the interpreter then finds none either, or
    /// stops at its limit: no match both ways). A JIT error (its own limits) or a
    /// match proves nothing, and the interpreter decides.
    fn jit_says_no(&self, subject: &[u8]) -> bool {
        let jit = self.jit.get_or_init(|| {
            RegexBuilder::new()
                .jit(true)
                .build(&self.source)
                .ok()
                .map(Spared::new)
        });
        jit.as_ref()
            .is_some_and(|j| j.captures_read(subject, |_, end| end.is_none()) == Some(true))
    }

    /// `w_expression_match` for PCRE2: the end pointer is the last matched byte
    /// (`ovector[1] - 1`), the captures are groups 1 to the last one set; a group in
    /// between that took no part is `""`. Errors (the match limit) are no match.
    ///
    /// The interpreter's search costs quadratic time on long subjects for patterns
    /// such as `[^%]*%FTD-`, and most searches of a decoder's prematch fail; the
    /// JIT copy answers those failures, the interpreter everything else, so the
    /// result, the match limit included, is the daemon's.
    pub(crate) fn exec(&self, subject: &[u8]) -> Option<(isize, Vec<Range<usize>>)> {
        self.exec_cut(&subject[..memchr::memchr(0, subject).unwrap_or(subject.len())])
    }

    /// [`Pcre::exec`] on a subject already cut at its first NUL (none is left).
    pub(crate) fn exec_cut(&self, subject: &[u8]) -> Option<(isize, Vec<Range<usize>>)> {
        let subject = &subject[..subject.len().min(MAX_SUBJECT)];
        if self.jit_says_no(subject) {
            return None;
        }
        self.regex
            .captures_read(subject, |locs, end| {
                let end = end?;
                let last_set = (1..locs.len()).rev().find(|&i| locs.get(i).is_some());
                let captures = (1..=last_set.unwrap_or(0))
                    .map(|i| locs.get(i).map_or(0..0, |(a, b)| a..b))
                    .collect();
                Some((end as isize - 1, captures))
            })
            .flatten()
    }
}
