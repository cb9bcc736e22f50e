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
    /// Literals (lower case) of which every match holds one (see [`needles`]).
    needles: Option<Vec<Vec<u8>>>,
}

impl Clone for Pcre {
    fn clone(&self) -> Pcre {
        Pcre {
            regex: Spared::new(self.regex.regex.clone()),
            jit: OnceLock::new(),
            source: self.source.clone(),
            needles: self.needles.clone(),
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
            needles: needles(pattern.as_bytes()),
        })
    }

    /// Literals (lower case) of which every match holds one, ASCII case folded
    /// (see [`needles`]).
    pub(crate) fn required(&self) -> Option<Vec<Vec<u8>>> {
        self.needles.clone()
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

/// For the prefilters: per top-level alternative of a PCRE2 pattern (compiled with
/// no options), its longest run of literal bytes outside any group that every match
/// of the alternative takes, lower case; None when an alternative has none or the
/// pattern uses anything this reading does not follow. Written by hand because
/// only the literals are wanted, from a small, safe part of the syntax: a byte
/// followed by a quantifier (`?`, `*`, `+`, `{`) is left out, groups, classes,
/// `.`, anchors and class escapes end a run, and an escaped punctuation byte is
/// that byte. Anything else that could change what the bytes mean gives up: a
/// verb `(*…)`, an option other than `(?i)` (whose case folding the prefilters
/// apply to every needle anyway), `\Q`, escapes that take more bytes (`\x`,
/// `\p`, back references), a POSIX class inside a class, a trailing backslash.
fn needles(p: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let (mut best, mut run): (Vec<u8>, Vec<u8>) = (Vec::new(), Vec::new());
    let mut depth = 0usize;
    let mut i = 0;
    fn end(run: &mut Vec<u8>, best: &mut Vec<u8>) {
        if run.len() > best.len() {
            std::mem::swap(run, best);
        }
        run.clear();
    }
    while i < p.len() {
        match p[i] {
            b'\\' => {
                let d = *p.get(i + 1)?;
                if d.is_ascii_punctuation() {
                    if depth == 0 {
                        run.push(d);
                    }
                } else if b"dDsSwWhHvVRbBAzZGKXCnrtfea".contains(&d) {
                    end(&mut run, &mut best);
                } else {
                    return None;
                }
                i += 2;
            }
            b'[' => {
                end(&mut run, &mut best);
                let mut j = i + 1;
                if p.get(j) == Some(&b'^') {
                    j += 1;
                }
                if p.get(j) == Some(&b']') {
                    j += 1;
                }
                loop {
                    match *p.get(j)? {
                        b']' => break,
                        b'\\' => j += 2,
                        b'[' if p.get(j + 1) == Some(&b':') => return None,
                        _ => j += 1,
                    }
                }
                i = j + 1;
            }
            b'(' => {
                end(&mut run, &mut best);
                match (p.get(i + 1), p.get(i + 2), p.get(i + 3)) {
                    (Some(b'?'), Some(b':'), _) => {
                        depth += 1;
                        i += 3;
                    }
                    (Some(b'?'), Some(b'i'), Some(b')')) => i += 4,
                    (Some(b'?' | b'*'), _, _) => return None,
                    _ => {
                        depth += 1;
                        i += 1;
                    }
                }
            }
            b')' => {
                end(&mut run, &mut best);
                depth = depth.checked_sub(1)?;
                i += 1;
            }
            b'|' if depth == 0 => {
                end(&mut run, &mut best);
                if best.is_empty() {
                    return None;
                }
                out.push(std::mem::take(&mut best).to_ascii_lowercase());
                i += 1;
            }
            b'?' | b'*' | b'+' | b'{' => {
                // The byte before is optional or repeated: not a whole run.
                run.pop();
                end(&mut run, &mut best);
                i += 1;
                // A counted quantifier's own bytes (a `{` that is not one is a
                // literal, left out too).
                if p[i - 1] == b'{'
                    && let Some(k) = p[i..].iter().position(|&b| b == b'}')
                    && p[i..i + k]
                        .iter()
                        .all(|&b| b.is_ascii_digit() || b == b',' || b == b' ')
                {
                    i += k + 1;
                }
            }
            b'.' | b'^' | b'$' | b'|' => {
                end(&mut run, &mut best);
                i += 1;
            }
            b => {
                if depth == 0 {
                    run.push(b);
                }
                i += 1;
            }
        }
    }
    end(&mut run, &mut best);
    if best.is_empty() || depth != 0 {
        return None;
    }
    out.push(best.to_ascii_lowercase());
    Some(out)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Pcre, needles};
    use crate::pattern::literal::contains_ignore_case;

    fn n(p: &str) -> Option<Vec<String>> {
        needles(p.as_bytes()).map(|v| {
            v.into_iter()
                .map(|b| String::from_utf8(b).expect("ascii"))
                .collect()
        })
    }

    /// Shipped patterns and the edges of the syntax the reading follows.
    #[test]
    fn needles_are_the_literals_every_match_takes() {
        assert_eq!(
            n(r"[^%]*%FTD-[0-7]-[^:\s]+[:\s].*"),
            Some(vec!["%ftd-".into()])
        );
        assert_eq!(
            n(r"^integration_installation(?:_request)?\..*"),
            Some(vec!["integration_installation".into()])
        );
        assert_eq!(
            n(r"(?i)powershell\.exe"),
            Some(vec!["powershell.exe".into()])
        );
        assert_eq!(n(r"^issues?\..*"), Some(vec!["issue".into()]));
        assert_eq!(n(r#""granted":\strue"#), Some(vec!["\"granted\":".into()]));
        assert_eq!(n(r"ab\d|cd"), Some(vec!["ab".into(), "cd".into()]));
        assert_eq!(n(r"a{2}bc"), Some(vec!["bc".into()]));
        assert_eq!(n(r"x[]|]yz"), Some(vec!["yz".into()]));
        assert_eq!(n(r"(ab|cd)ef"), Some(vec!["ef".into()]));
        for none in [
            "abc|",
            "(abc)",
            "(?x)a b",
            r"\x41bc",
            r"(*UTF)\N{U+202E}",
            "[[:alpha:]]abc",
            r"ab\",
            r"\Qa.b\E",
            r"(?=ab)cd|",
            "(?<=x)ab",
            r"(a)\1bc",
            "ab)",
            "(ab",
            "",
        ] {
            assert_eq!(n(none), None, "{none}");
        }
    }

    fn pattern() -> impl Strategy<Value = String> {
        let atom = prop::sample::select(vec![
            "a", "B", "ab", "x", " ", "1", ".", "^", "$", "|", "(", ")", "(?:", "(?i)", "?", "*",
            "+", "{2}", "{1,}", "[ab]", "[^a]", "\\d", "\\s", "\\w", "\\.", "\\|", "\\b", "]", "}",
        ]);
        prop::collection::vec(atom, 0..10).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]
        /// Whatever subject a pattern matches holds one of its needles.
        #[test]
        fn a_match_holds_a_needle(p in pattern(), s in "[aAbBx1 .|]{0,16}") {
            if let (Ok(re), Some(needles)) = (Pcre::compile(&p), needles(p.as_bytes()))
                && re.exec(s.as_bytes()).is_some()
            {
                prop_assert!(
                    needles.iter().any(|n| contains_ignore_case(s.as_bytes(), n)),
                    "{needles:?}"
                );
            }
        }
    }
}
