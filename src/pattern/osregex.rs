//! OS_Regex, ported from `src/os_regex/os_regex_compile.c` (`OSRegex_Compile`) and
//! `src/os_regex/os_regex_execute.c` (`OSRegex_Execute_ex`, `_OS_Regex`) statement by
//! statement (docs/analysis-patterns.md "OS_Regex"). It is not a backtracking engine:
//! a quantified class stops as soon as the next pattern element takes the current
//! byte, up to four resume points are kept, and a failed attempt restarts at most
//! once from a remembered position. The compiled form is the daemon's own: each
//! escape becomes `\` plus a class code (1..=15), `)` becomes the same marker byte
//! as `(`, everything else is lower-cased ASCII.

use std::ops::ControlFlow;

use super::PatternError;
use super::literal::{RunTable, latest_start, needle, ordered_runs};

/// `OS_PATTERN_MAXSIZE` (`src/os_regex/os_regex.h`).
pub(crate) const MAX_PATTERN: usize = 20480;

/// The marker byte both parentheses become (`prts()` in `os_regex_internal.h`).
pub(super) const MARK: u8 = b'(';
pub(super) const BACKSLASH: u8 = b'\\';

/// A step budget per execution: `_OS_Regex` restarts a failed attempt after the first
/// byte it consumed, which is quadratic (`a\w+b` over `aaa…a `; the shipped
/// `\S+,\S+,(\S+),…` decoder regex takes 344 turns per byte on a 1.3 KB JSON test
/// line). The daemon is bounded by its 64 KiB events; here the work is capped, high
/// enough that no line of the ruleset tests comes near it (docs/analysis-patterns.md
/// "Bounded time"). Past it the answer is "no match".
const BUDGET_BASE: u64 = 1 << 26;
const BUDGET_PER_BYTE: u64 = 64;

/// A compiled OS_Regex.
#[derive(Debug, Clone)]
pub(crate) struct OsRegex {
    subs: Vec<Sub>,
    /// The ordered runs of each alternative (see [`ordered_runs`]); None for a
    /// pattern whose runs do not fit the table (then no alternative is skipped).
    runs: Option<RunTable>,
    /// `prts_closure` is allocated: captures were asked for and the pattern has a `)`.
    closure: bool,
}

/// One `|` alternative (`reg->patterns[i]` with `reg->flags[i]`).
#[derive(Debug, Clone)]
struct Sub {
    pat: Vec<u8>,
    begin: bool,
    end: bool,
    /// For each byte of `pat` that is a marker, its index among the markers.
    marker_no: Vec<usize>,
    markers: usize,
    /// The longest run of literal bytes every match of this alternative consumes
    /// (empty when there is none): see [`needle`].
    needle: Vec<u8>,
    /// The literal bytes the alternative starts with (no `^`, no marker first), when
    /// there are two or more: see [`Run::skip`].
    lead: Vec<u8>,
}

/// The class code an escape letter gets (`OSRegex_Compile`'s switch).
fn escape_code(c: u8) -> Option<u8> {
    Some(match c {
        b'd' => 1,
        b'w' => 2,
        b's' => 3,
        b'p' => 4,
        b'(' => 5,
        b')' => 6,
        b'\\' => 7,
        b'D' => 8,
        b'W' => 9,
        b'S' => 10,
        b'.' => 11,
        b't' => 12,
        b'$' => 13,
        b'|' => 14,
        b'<' => 15,
        _ => return None,
    })
}

const fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'@' | b'_')
}

/// `Regex(code, byte)`: the `regexmap` tables of `os_regex_maps.c` (entries equal to 1).
const fn class_has_slow(code: u8, b: u8) -> bool {
    match code {
        1 => b.is_ascii_digit(),
        2 => is_word(b),
        3 => b == b' ',
        4 => matches!(
            b,
            b'!' | b'"'
                | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b'-'
                | b'.'
                | b':'
                | b';'
                | b'<'
                | b'='
                | b'>'
                | b'?'
                | b'['
                | b']'
                | b'{'
                | b'|'
                | b'}'
        ),
        5 => b == b'(',
        6 => b == b')',
        7 => b == b'\\',
        8 => !b.is_ascii_digit(),
        9 => !is_word(b),
        10 => b != b' ',
        11 => true,
        12 => b == b'\t',
        13 => b == b'$',
        14 => b == b'|',
        15 => b == b'<',
        _ => false,
    }
}

/// [`class_has_slow`] as one table per class code, like the daemon's `regexmap`
/// (the matcher asks it for every subject byte).
const CLASSES: [[bool; 256]; 16] = {
    let mut t = [[false; 256]; 16];
    let mut code = 0;
    while code < 16 {
        let mut b = 0;
        while b < 256 {
            t[code][b] = class_has_slow(code as u8, b as u8);
            b += 1;
        }
        code += 1;
    }
    t
};

/// `Regex(code, byte)`.
fn class_has(code: u8, b: u8) -> bool {
    CLASSES
        .get(usize::from(code))
        .is_some_and(|t| t[usize::from(b)])
}

pub(super) fn is_plus(b: u8) -> bool {
    b == b'+' || b == b'*'
}

/// A compile error: the reason only; callers add the file and the pattern.
fn error(why: &str) -> PatternError {
    PatternError {
        message: why.to_string(),
    }
}

impl OsRegex {
    /// `OSRegex_Compile(pattern, reg, captures ? OS_RETURN_SUBSTRING : 0)`; always
    /// case-insensitive (analysisd never passes `OS_CASE_SENSITIVE`).
    pub(crate) fn compile(pattern: &[u8], captures: bool) -> Result<OsRegex, PatternError> {
        // A C string ends at its first NUL.
        let pattern = &pattern[..memchr::memchr(0, pattern).unwrap_or(pattern.len())];
        if pattern.len() > MAX_PATTERN {
            return Err(error("the pattern is longer than 20480 bytes"));
        }
        let (work, closes) = translate(pattern)?;
        let subs: Vec<Sub> = work.split(|&b| b == b'|').map(make_sub).collect();
        let runs: Vec<(Vec<Vec<u8>>, bool)> = subs
            .iter()
            .map(|sub| {
                let runs = ordered_runs(&sub.pat);
                let lead_only = !sub.lead.is_empty() && runs == [sub.lead.as_slice()];
                (runs, lead_only)
            })
            .collect();
        Ok(OsRegex {
            subs,
            runs: RunTable::new(&runs),
            closure: captures && closes > 0,
        })
    }

    /// [`OsRegex::exec_cut_in`] on a subject cut at its first NUL first, every
    /// alternative tried.
    #[cfg(test)]
    pub(crate) fn exec(&self, subject: &[u8]) -> Option<(isize, Vec<std::ops::Range<usize>>)> {
        self.exec_cut_in(
            &subject[..memchr::memchr(0, subject).unwrap_or(subject.len())],
            u64::MAX,
        )
    }

    /// `OSRegex_Execute` on a subject already cut at its first NUL (none is left):
    /// the first alternative that matches gives the end pointer (`r`, one before the
    /// subject for a leading `\X*` that took nothing) and, in capture mode, its
    /// captures. Alternative `k` is skipped when bit `k` of `may` is clear: the
    /// caller knows its needle is not in the subject (a [`Prefilter`]), so its
    /// literal runs would not fit either and the search would skip it anyway.
    ///
    /// [`Prefilter`]: super::Prefilter
    pub(crate) fn exec_cut_in(
        &self,
        subject: &[u8],
        may: u64,
    ) -> Option<(isize, Vec<std::ops::Range<usize>>)> {
        let budget =
            BUDGET_BASE.saturating_add(BUDGET_PER_BYTE.saturating_mul(subject.len() as u64));
        self.exec_subs(subject, budget, Some(may))
    }

    /// [`OsRegex::exec`] with a given number of loop turns.
    #[cfg(test)]
    pub(crate) fn exec_budget(
        &self,
        subject: &[u8],
        budget: u64,
    ) -> Option<(isize, Vec<std::ops::Range<usize>>)> {
        let subject = &subject[..memchr::memchr(0, subject).unwrap_or(subject.len())];
        self.exec_subs(subject, budget, Some(u64::MAX))
    }

    /// The needle of every alternative, when each has one (see `Prefilter`): the
    /// test `exec` makes per alternative, for many patterns at once.
    pub(crate) fn required(&self) -> Option<Vec<Vec<u8>>> {
        self.subs
            .iter()
            .map(|sub| (!sub.needle.is_empty()).then(|| sub.needle.clone()))
            .collect()
    }

    /// Whether `subject` matches, spending loop turns from `budget`, which many
    /// subjects share; `None` once it is spent (the answer is then unknown).
    pub(crate) fn is_match_shared(&self, subject: &[u8], budget: &mut u64) -> Option<bool> {
        let subject = &subject[..memchr::memchr(0, subject).unwrap_or(subject.len())];
        // The literal filter and the skips read the subject outside the loop's
        // turns: each alternative is charged one turn per 32 bytes, so that a shared
        // budget bounds patterns of many alternatives too.
        let scan = 1 + subject.len() as u64 / 32;
        match self.search(subject, budget, Some(u64::MAX), scan) {
            Found::Match(_, caps) => Some(caps.is_some()),
            Found::NoMatch => Some(false),
            Found::Spent => None,
        }
    }

    /// [`OsRegex::search`] with a budget of its own: the end pointer and captures.
    fn exec_subs(
        &self,
        subject: &[u8],
        mut budget: u64,
        filter: Option<u64>,
    ) -> Option<(isize, Vec<std::ops::Range<usize>>)> {
        match self.search(subject, &mut budget, filter, 0) {
            Found::Match(r, Some(caps)) => Some((r, caps)),
            _ => None,
        }
    }

    /// Every alternative in order. With a `filter`, an alternative whose literal
    /// runs are not all in the subject, in order, is skipped: it cannot match, and
    /// skipping it only leaves more of the step budget (which the daemon does not
    /// have) to the others; so is alternative `k` when bit `k` of the filter is
    /// clear (its needle is not in the subject: its runs would not fit). Each run
    /// skips the bytes its pattern cannot start at ([`Run::skip`]) and stops past
    /// the last place a match could start. Each alternative costs `scan` turns of
    /// the budget before it runs.
    fn search(&self, subject: &[u8], budget: &mut u64, filter: Option<u64>, scan: u64) -> Found {
        let mut parts = self.runs.as_ref().map(RunTable::parts);
        for (k, sub) in self.subs.iter().enumerate() {
            if *budget < scan {
                return Found::Spent;
            }
            *budget -= scan;
            let (part, lead_only) = parts
                .as_mut()
                .and_then(Iterator::next)
                .map_or((None, false), |(part, flag)| (Some(part), flag));
            if filter.is_some_and(|may| k < 64 && may & (1 << k) == 0) {
                continue;
            }
            let filter = filter.is_some();
            // An alternative whose only literal run is its lead does not place it
            // when matching an event: the skips find every place of the lead, from
            // the first on, and an attempt that matches there ends the search
            // before the rest of the subject is read. Against the short group
            // strings of a shared budget, placing it first is the cheaper way to
            // rule the alternative out.
            let place = filter && !(lead_only && scan == 0);
            let limit = match part.filter(|_| place) {
                Some(part) => match latest_start(subject, part) {
                    Some(limit) => limit,
                    None => continue,
                },
                None => usize::MAX,
            };
            // Marker positions: on the stack for the usual handful.
            let mut small = [None; 16];
            let mut big = Vec::new();
            let caps: &mut [Option<isize>] = match small.get_mut(..sub.markers) {
                Some(caps) => caps,
                None => {
                    big.resize(sub.markers, None);
                    &mut big
                }
            };
            let mut run = Run {
                sub,
                s: subject,
                closure: self.closure,
                caps: &mut *caps,
                budget: &mut *budget,
                fast: filter,
                limit,
            };
            if let Some(r) = run.run() {
                return Found::Match(r, collect(caps));
            }
            if *budget == 0 {
                return Found::Spent;
            }
        }
        Found::NoMatch
    }

    /// [`OsRegex::exec`] without the literal prefilter and the skips: the daemon's loop
    /// turn for turn (the reference in tests).
    #[cfg(test)]
    pub(crate) fn exec_unfiltered(
        &self,
        subject: &[u8],
    ) -> Option<(isize, Vec<std::ops::Range<usize>>)> {
        let budget =
            BUDGET_BASE.saturating_add(BUDGET_PER_BYTE.saturating_mul(subject.len() as u64));
        let subject = &subject[..memchr::memchr(0, subject).unwrap_or(subject.len())];
        self.exec_subs(subject, budget, None)
    }

    /// Loop turns one execution takes (tests measure the budget's headroom).
    #[cfg(test)]
    pub(crate) fn turns(&self, subject: &[u8]) -> u64 {
        let start = BUDGET_BASE + BUDGET_PER_BYTE * subject.len() as u64;
        let mut budget = start;
        for sub in &self.subs {
            let mut caps = vec![None; sub.markers];
            let mut run = Run {
                sub,
                s: subject,
                closure: self.closure,
                caps: &mut caps,
                budget: &mut budget,
                fast: false,
                limit: usize::MAX,
            };
            if run.run().is_some() {
                break;
            }
        }
        start - budget
    }

    /// Whether some alternative is empty and unanchored at the end, so it matches every
    /// subject (`^` alone does too; `$` and `^$` match only an empty one).
    pub(crate) fn matches_everything(&self) -> bool {
        self.subs.iter().any(|s| s.pat.is_empty() && !s.end)
    }
}

/// The first loop of `OSRegex_Compile`: escapes to codes, `)` to the marker, ASCII
/// lower case, and the parenthesis checks. Returns the work string and the number of
/// `)` seen (`prts_size`).
fn translate(pattern: &[u8]) -> Result<(Vec<u8>, usize), PatternError> {
    let mut out = Vec::with_capacity(pattern.len());
    let (mut depth, mut closes, mut i) = (0i32, 0usize, 0usize);
    while i < pattern.len() {
        let mut b = pattern[i];
        if b == BACKSLASH {
            let next = pattern.get(i + 1).copied().unwrap_or(0);
            let code = escape_code(next).ok_or_else(|| match next {
                0 => error("it ends with a backslash"),
                _ => error(&format!(
                    "'\\{}' is not an OSRegex escape",
                    char::from(next)
                )),
            })?;
            out.extend_from_slice(&[BACKSLASH, code]);
            i += 2;
            continue;
        } else if b == b'(' {
            depth += 1;
        } else if b == b')' {
            b = MARK;
            depth -= 1;
            closes += 1;
        }
        if depth > 1 {
            return Err(error("parentheses nested more than one level"));
        }
        if depth < 0 {
            return Err(error("')' without '('"));
        }
        b = b.to_ascii_lowercase();
        if b == b'|' && depth != 0 {
            return Err(error("'|' inside parentheses"));
        }
        out.push(b);
        i += 1;
    }
    if depth != 0 {
        return Err(error("'(' without ')'"));
    }
    Ok((out, closes))
}

/// An alternative without its leading `^` and then its last `$`.
fn strip_anchors(part: &[u8]) -> &[u8] {
    let part = part.strip_prefix(b"^").unwrap_or(part);
    part.strip_suffix(b"$").unwrap_or(part)
}

/// One alternative: a leading `^` sets BEGIN, then a last `$` sets END.
fn make_sub(whole: &[u8]) -> Sub {
    let begin = whole.first() == Some(&b'^');
    let end = whole.get(usize::from(begin)..).and_then(<[u8]>::last) == Some(&b'$');
    let part = strip_anchors(whole);
    let mut marker_no = vec![0; part.len()];
    let mut markers = 0;
    for (i, &b) in part.iter().enumerate() {
        if b == MARK {
            marker_no[i] = markers;
            markers += 1;
        }
    }
    let lead_len = part
        .iter()
        .take_while(|&&b| b != BACKSLASH && b != MARK)
        .count();
    let lead = if begin || lead_len < 2 {
        Vec::new()
    } else {
        part[..lead_len].to_vec()
    };
    Sub {
        lead,
        needle: needle(part),
        pat: part.to_vec(),
        begin,
        end,
        marker_no,
        markers,
    }
}

/// The captures of a match: pairs of marker positions up to the first unset one. A
/// pair that runs backwards makes `OSRegex_Execute` fail (its length wraps around).
fn collect(caps: &[Option<isize>]) -> Option<Vec<std::ops::Range<usize>>> {
    let mut out = Vec::with_capacity(caps.len() / 2);
    for pair in caps.chunks(2) {
        let (Some(a), Some(&Some(b))) = (pair[0], pair.get(1)) else {
            break;
        };
        let (Ok(a), Ok(b)) = (usize::try_from(a), usize::try_from(b)) else {
            return None;
        };
        if b < a {
            return None;
        }
        out.push(a..b);
    }
    Some(out)
}

/// How a search over the alternatives ends.
enum Found {
    /// An alternative matched: the end pointer, and the captures (None when a pair
    /// runs backwards, which makes `OSRegex_Execute` fail).
    Match(isize, Option<Vec<std::ops::Range<usize>>>),
    /// No alternative matched.
    NoMatch,
    /// The step budget ran out: the answer is unknown.
    Spent,
}

/// The state of one `_OS_Regex` call.
struct Run<'a> {
    sub: &'a Sub,
    s: &'a [u8],
    closure: bool,
    caps: &'a mut [Option<isize>],
    budget: &'a mut u64,
    /// Skip bytes the pattern's start cannot take ([`Run::skip`]); off, the loop is
    /// the daemon's turn for turn (the reference in tests).
    fast: bool,
    /// With `fast`, the last place a match can start ([`latest_start`]): a new
    /// attempt past it fails.
    limit: usize,
}

/// What one turn of the main loop decides.
enum Turn {
    /// `continue`: go to the next byte (`++st`).
    Next,
    /// Fall through to the error handling.
    Mismatch,
    /// `return r_code`.
    Return(Option<isize>),
}

/// The mutable variables of `_OS_Regex`.
struct State {
    pt: usize,
    st: isize,
    r: Option<isize>,
    matched: bool,
    st_error: Option<isize>,
    stack: [Option<(usize, isize)>; 4],
}

impl Run<'_> {
    /// The pattern byte at `i`, NUL past the end.
    fn p(&self, i: usize) -> u8 {
        self.sub.pat.get(i).copied().unwrap_or(0)
    }

    /// The subject byte at `i`, NUL past the end.
    fn s(&self, i: isize) -> u8 {
        // A negative `i` wraps to an index past any slice: NUL too.
        self.s.get(i as usize).copied().unwrap_or(0)
    }

    /// Records the position of the marker at pattern offset `pt`.
    fn mark(&mut self, pt: usize, at: isize) {
        if self.closure && self.p(pt) == MARK {
            let k = self.sub.marker_no[pt];
            self.caps[k] = Some(at);
        }
    }

    /// `_OS_Regex`.
    fn run(&mut self) -> Option<isize> {
        let mut v = State {
            pt: 0,
            st: 0,
            r: Some(0),
            matched: false,
            st_error: None,
            stack: [None; 4],
        };
        while self.s(v.st) != 0 {
            if self.fast && v.pt == 0 && self.restarts_quietly(&v) {
                let next = self.skip(v.st, v.matched);
                // This attempt and every later one start past the last place the
                // literal runs allow: none can match.
                if usize::try_from(next).is_ok_and(|at| at > self.limit) {
                    return None;
                }
                if next != v.st {
                    v.st = next;
                    v.r = None;
                    continue;
                }
            }
            if self.fast && v.matched {
                let taken = self.quantified_run(&v);
                if taken > 0 {
                    *self.budget -= taken as u64;
                    v.st += taken as isize;
                    v.r = Some(v.st - 1);
                    continue;
                }
            }
            if self.fast && !matches!(self.p(v.pt), 0 | MARK | BACKSLASH) {
                let taken = self.literal_run(&v);
                if taken > 0 {
                    *self.budget -= taken as u64;
                    v.st_error.get_or_insert(v.st);
                    v.pt += taken;
                    v.st += taken as isize;
                    v.r = Some(v.st - 1);
                    continue;
                }
            }
            if *self.budget == 0 {
                return None;
            }
            *self.budget -= 1;
            match self.turn(&mut v) {
                Turn::Next => {}
                Turn::Return(r) => return r,
                Turn::Mismatch => {
                    if let ControlFlow::Break(r) = self.mismatch(&mut v) {
                        return r;
                    }
                }
            }
            v.st += 1;
        }
        self.finish(&v)
    }

    /// Whether a mismatch at the pattern's start would only move on one byte: no
    /// `^`, nothing on the stack, no earlier partial match to go back to.
    fn restarts_quietly(&self, v: &State) -> bool {
        !self.sub.begin && v.st_error.is_none() && v.stack.iter().all(Option::is_none)
    }

    /// From the pattern's start (see [`Run::restarts_quietly`]), the first position at
    /// or after `st` where the first atom can take the subject byte. Every byte before
    /// it would be a turn that fails and restarts with nothing changed but `st` (and
    /// `r`, set to none by the restart), so jumping there gives the same result as
    /// the daemon's loop: a literal fails on any other byte; a class fails on bytes
    /// outside it unless a quantifier is running (`matched`) or it is starred.
    /// Returns `st` itself when nothing can be skipped; the search stops one byte
    /// past `limit`.
    fn skip(&self, st: isize, matched: bool) -> isize {
        let Ok(from) = usize::try_from(st) else {
            return st;
        };
        let all = self.s.get(from..).unwrap_or_default();
        let rest = &all[..all.len().min(self.up_to_limit(from))];
        let found = match self.p(0) {
            0 | MARK => return st,
            BACKSLASH => {
                let (code, q) = (self.p(1), self.p(2));
                if matched || q == b'*' {
                    return st;
                }
                rest.iter().position(|&b| class_has(code, b))
            }
            // An attempt that starts on `lit` but not on the whole leading run fails
            // inside it: a literal's mismatch with nothing on the stack restarts one
            // byte after the attempt's start, as the quiet restart does.
            lit => {
                let lead = &self.sub.lead;
                memchr::memchr2_iter(lit, lit.to_ascii_uppercase(), rest).find(|&i| {
                    lead.is_empty()
                        || all
                            .get(i..i + lead.len())
                            .is_some_and(|w| w.eq_ignore_ascii_case(lead))
                })
            }
        };
        let at = from + found.unwrap_or(rest.len());
        isize::try_from(at).unwrap_or(st)
    }

    /// How many bytes from `from` up to one past `limit`, where a new attempt fails.
    fn up_to_limit(&self, from: usize) -> usize {
        self.limit.saturating_add(1).saturating_sub(from)
    }

    /// With a quantifier running at `pt`, how many bytes from `st` on take the turn
    /// that changes nothing but `r` and `st`: the byte is in the class, and the
    /// element after the quantifier does not take it ([`Run::lookahead`] finds
    /// nothing). They are counted in one tight loop instead of one turn each, within
    /// the budget and, at the pattern's start, up to one byte past `limit`.
    fn quantified_run(&self, v: &State) -> usize {
        let pt = v.pt;
        if self.p(pt) != BACKSLASH || !is_plus(self.p(pt + 2)) {
            return 0;
        }
        let code = self.p(pt + 1);
        let mut np = pt + 3;
        if self.p(np) == MARK {
            np += 1;
        }
        // At the pattern's end, the lookahead takes every byte.
        let next = self.p(np);
        if next == 0 {
            return 0;
        }
        let next_code = self.p(np + 1);
        let Ok(from) = usize::try_from(v.st) else {
            return 0;
        };
        let mut most = usize::try_from(*self.budget).unwrap_or(usize::MAX);
        if pt == 0 && self.restarts_quietly(v) {
            most = most.min(self.up_to_limit(from));
        }
        let rest = self.s.get(from..).unwrap_or_default();
        let rest = &rest[..rest.len().min(most)];
        let stops = |b: u8| {
            b == 0
                || !class_has(code, b)
                || if next == BACKSLASH {
                    class_has(next_code, b)
                } else {
                    next == b.to_ascii_lowercase()
                }
        };
        rest.iter().position(|&b| stops(b)).unwrap_or(rest.len())
    }

    /// How many literal bytes of the pattern from `pt` on the subject takes from `st`
    /// on (ASCII case folded), within the budget. Each would be a turn that only
    /// moves `pt` and `st`, sets `r` to the byte taken and `st_error` if unset;
    /// they are taken in one loop instead.
    fn literal_run(&self, v: &State) -> usize {
        let (Some(pat), Ok(from)) = (self.sub.pat.get(v.pt..), usize::try_from(v.st)) else {
            return 0;
        };
        let subject = self.s.get(from..).unwrap_or_default();
        let most = usize::try_from(*self.budget).unwrap_or(usize::MAX);
        pat.iter()
            .zip(subject)
            .take(most)
            .take_while(|&(&p, &c)| {
                p != 0 && p != MARK && p != BACKSLASH && p == c.to_ascii_lowercase()
            })
            .count()
    }

    /// The body of the main loop up to the error handling.
    fn turn(&mut self, v: &mut State) -> Turn {
        let end = self.sub.end;
        match self.p(v.pt) {
            0 if !end => return Turn::Return(v.r),
            MARK => {
                self.mark(v.pt, v.st);
                v.pt += 1;
                if self.p(v.pt) == 0 && !end {
                    return Turn::Return(v.r);
                }
            }
            _ => {}
        }
        let c = self.s(v.st);
        if self.p(v.pt) == BACKSLASH {
            if class_has(self.p(v.pt + 1), c) {
                return self.class_hit(v);
            }
            return self.class_miss(v);
        }
        if self.p(v.pt) == c.to_ascii_lowercase() {
            v.pt += 1;
            v.st_error.get_or_insert(v.st);
            v.r = Some(v.st);
            return Turn::Next;
        }
        Turn::Mismatch
    }

    /// The current byte is in the class of the escape at `pt`.
    fn class_hit(&mut self, v: &mut State) -> Turn {
        let mut np = v.pt + 2;
        if !is_plus(self.p(np)) {
            v.pt = np;
            v.st_error.get_or_insert(v.st);
            v.r = Some(v.st);
            return Turn::Next;
        }
        if self.p(np) == b'*' {
            v.matched = true;
        }
        if v.matched {
            np += 1;
            if let Some(()) = self.lookahead(v, np) {
                return Turn::Next;
            }
        } else {
            np += 1;
            if self.closure && self.p(np) == MARK {
                let at = if self.s(v.st + 1) == 0 {
                    v.st + 1
                } else {
                    v.st
                };
                self.mark(np, at);
            }
            v.matched = true;
        }
        v.r = Some(v.st);
        Turn::Next
    }

    /// A running quantifier looks at the element after it (`ok_here`). Returns
    /// `Some(())` for the early `continue` that leaves `r` alone.
    fn lookahead(&mut self, v: &mut State, mut np: usize) -> Option<()> {
        let c = self.s(v.st);
        let mut ok: i32 = -1;
        if self.p(np) == MARK {
            np += 1;
        }
        if self.p(np) == 0 {
            ok = 1;
        } else if self.p(np) == BACKSLASH {
            if class_has(self.p(np + 1), c) {
                ok = if is_plus(self.p(np + 2)) { 0 } else { 2 };
            }
        } else if self.p(np) == c.to_ascii_lowercase() {
            v.matched = false;
            ok = 1;
        }
        if ok < 0 {
            return None;
        }
        if self.p(np - 1) == MARK {
            let at = if v.matched && ok == 1 { v.st + 1 } else { v.st };
            self.mark(np - 1, at);
        }
        if self.p(np) == 0 {
            return Some(());
        }
        np += ok as usize;
        if let Some(slot) = v.stack.iter_mut().find(|s| s.is_none()) {
            *slot = Some((v.pt, v.st));
        }
        v.pt = np;
        None
    }

    /// The current byte is not in the class of the escape at `pt`.
    fn class_miss(&mut self, v: &mut State) -> Turn {
        let (q, after) = (self.p(v.pt + 2), self.p(v.pt + 3));
        if (q == 0 || after == 0) && v.matched && v.r.is_some() {
            v.r = Some(v.st);
            if !self.sub.end {
                return Turn::Return(v.r);
            }
        } else if q == b'+' && v.matched {
            v.pt += 3;
            v.st -= 1;
            v.matched = false;
            return Turn::Next;
        } else if q == b'*' {
            v.pt += 3;
            v.st -= 1;
            v.r = Some(v.st);
            v.matched = false;
            return Turn::Next;
        }
        v.matched = false;
        Turn::Mismatch
    }

    /// The error handling: resume from the stack, give up (`^`), or restart.
    /// `Break(r)` returns `r` from `_OS_Regex`.
    fn mismatch(&mut self, v: &mut State) -> ControlFlow<Option<isize>> {
        if let Some(slot) = v.stack.iter_mut().rev().find(|s| s.is_some()) {
            if let Some((pt, st)) = slot.take() {
                v.pt = pt;
                v.st = st;
            }
            return ControlFlow::Continue(());
        }
        if self.sub.begin {
            return ControlFlow::Break(None);
        }
        if let Some(e) = v.st_error.take() {
            v.st = e;
        }
        v.pt = 0;
        v.r = None;
        ControlFlow::Continue(())
    }

    /// `ENDOFFILE`: skips one marker, then tests for the pattern's end.
    fn eof(&self, pt: &mut usize) -> bool {
        if self.p(*pt) == MARK {
            *pt += 1;
        }
        self.p(*pt) == 0
    }

    /// After the subject: the last marker, then the three success tests of the
    /// "Clean up" expression, with `pt` moving forward between them as in C.
    fn finish(&mut self, v: &State) -> Option<isize> {
        let mut pt = v.pt;
        if self.closure {
            while self.p(pt) != MARK && self.p(pt) != 0 {
                if self.p(pt) == BACKSLASH && self.p(pt + 2) == b'*' {
                    pt += 3;
                } else {
                    break;
                }
            }
            self.mark(pt, v.st);
        }
        let ok = self.eof(&mut pt) || self.ends_plus(&mut pt, v.matched) || self.ends_star(&mut pt);
        if ok { v.r } else { None }
    }

    /// `\X+` (while running), then the end or a `\X*` and the end.
    fn ends_plus(&self, pt: &mut usize, matched: bool) -> bool {
        if self.p(*pt) != BACKSLASH || !matched {
            return false;
        }
        *pt += 2;
        if !is_plus(self.p(*pt)) {
            return false;
        }
        *pt += 1;
        self.eof(pt) || self.ends_star(pt)
    }

    /// `\X*`, then the end.
    fn ends_star(&self, pt: &mut usize) -> bool {
        if self.p(*pt) != BACKSLASH {
            return false;
        }
        *pt += 2;
        if self.p(*pt) != b'*' {
            return false;
        }
        *pt += 1;
        self.eof(pt)
    }
}
