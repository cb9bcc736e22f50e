//! The pattern engines of the daemons, a leaf layer (docs/analysis-patterns.md):
//! OS_Regex with the daemon's own matching algorithm, OS_Match, PCRE2 through the
//! `pcre2` crate, `OS_WordMatch`, and IP lists. Subjects are bytes; a subject or a
//! pattern ends at its first NUL byte, as the daemon's C strings do.
//!
//! Every engine sits behind the [`Matcher`] trait; an [`Expression`] holds one of
//! them, chosen by the `type=` attribute of the XML (`src/shared/expression.c`).

mod iplist;
mod literal;
pub(crate) use literal::contains_ignore_case;
mod osmatch;
mod osregex;
mod pcre;
mod prefilter;

#[cfg(test)]
mod tests_osmatch;
#[cfg(test)]
mod tests_osregex;
#[cfg(test)]
mod tests_pcre_ip;
#[cfg(test)]
mod tests_prefilter;

use std::ops::Range;

pub use iplist::IpList;
pub use prefilter::{Prefilter, Present};

/// A successful match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Offset of the pointer the daemon's engine returns (OS_Regex's `r`, PCRE2's last
    /// matched byte). It is one *before* the subject when a leading `\X*` took nothing
    /// (OS_Regex) or the match is empty at offset 0 (PCRE2); `end` is then 0 and
    /// [`Match::next`] is 0. Decoders continue at [`Match::next`].
    pub end: usize,
    /// Where a decoder continues after this match (`pmatch`/`cmatch`/`regex_prev` in
    /// `src/analysisd/decoders/decoder.c`): `end + 1`, or `end` when that is already the
    /// end of the subject, or 0 when the pointer is one before the subject.
    pub next: usize,
    /// Captures in order (byte ranges of the subject; an empty range is `""`).
    pub captures: Vec<Range<usize>>,
    /// The daemon's pointer is one before the subject. The decoder then tests the
    /// byte there: when the subject is the event's `log` and that byte is a NUL in
    /// the daemon's buffer (`analysis::predecode::log_follows_nul`), the pointer
    /// stays and the next input is `""` instead of the subject (checked on the
    /// oracle; docs/analysis-patterns.md "End pointer").
    pub before_start: bool,
}

impl Match {
    /// Builds a match from the daemon's signed end pointer.
    fn from_pointer(r: isize, len: usize, captures: Vec<Range<usize>>) -> Match {
        let end = usize::try_from(r).unwrap_or(0);
        let next = if r < 0 {
            0
        } else if end < len {
            end + 1
        } else {
            end
        };
        Match {
            end,
            next,
            captures,
            before_start: r < 0,
        }
    }
}

/// Which engine an expression uses (`type=` attribute).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// OS_Regex.
    OsRegex,
    /// OS_Match.
    OsMatch,
    /// PCRE2 (case-sensitive, bytes).
    Pcre2,
    /// Plain byte equality (`strcmp`), the default of a rule's `<action>`.
    String,
}

/// Why a pattern does not compile, in the daemon's terms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PatternError {
    /// What is wrong.
    pub message: String,
}

/// One compiled pattern of any engine; `Expression` only dispatches to it
/// (ripgrep's `grep-matcher` idea: the caller never knows which engine runs).
/// A subject is a C string: it ends at its first NUL. The `_cut` methods take one
/// already cut there, so that a caller that has cut it once (decoding cuts `log`)
/// does not have it scanned again by every pattern.
pub trait Matcher: std::fmt::Debug + Send + Sync {
    /// Matches `subject`, which holds no NUL: the end pointer and the captures, or
    /// `None`.
    fn find_cut(&self, subject: &[u8]) -> Option<Match>;

    /// [`Matcher::find_cut`] told which alternatives certainly do not match: bit
    /// `k` of `may` is clear for alternative `k` (from a [`Prefilter`]; see
    /// [`Prefilter::alternatives`]). An engine may skip those; the answer is the same.
    fn find_cut_in(&self, subject: &[u8], may: u64) -> Option<Match> {
        let _ = may;
        self.find_cut(subject)
    }

    /// Whether `subject`, which holds no NUL, matches (no captures are built).
    fn is_match_cut(&self, subject: &[u8]) -> bool {
        self.find_cut(subject).is_some()
    }

    /// Literals (lower case) of which every match contains at least one, ASCII case
    /// folded; None when there is no such set (see [`Prefilter`]).
    fn required(&self) -> Option<Vec<Vec<u8>>> {
        None
    }
}

impl Matcher for osregex::OsRegex {
    fn find_cut(&self, subject: &[u8]) -> Option<Match> {
        self.find_cut_in(subject, u64::MAX)
    }

    fn find_cut_in(&self, subject: &[u8], may: u64) -> Option<Match> {
        self.exec_cut_in(subject, may)
            .map(|(r, caps)| Match::from_pointer(r, subject.len(), caps))
    }

    fn required(&self) -> Option<Vec<Vec<u8>>> {
        osregex::OsRegex::required(self)
    }
}

impl Matcher for osmatch::OsMatch {
    fn find_cut(&self, subject: &[u8]) -> Option<Match> {
        // `w_expression_match` leaves the end pointer unset for OS_Match.
        self.is_match_cut(subject)
            .then(|| Match::from_pointer(0, 0, Vec::new()))
    }

    fn is_match_cut(&self, subject: &[u8]) -> bool {
        osmatch::OsMatch::is_match_cut(self, subject)
    }

    fn required(&self) -> Option<Vec<Vec<u8>>> {
        osmatch::OsMatch::required(self)
    }
}

impl Matcher for pcre::Pcre {
    fn find_cut(&self, subject: &[u8]) -> Option<Match> {
        self.exec_cut(subject)
            .map(|(r, caps)| Match::from_pointer(r, subject.len(), caps))
    }

    fn required(&self) -> Option<Vec<Vec<u8>>> {
        pcre::Pcre::required(self)
    }
}

/// `strcmp(pattern, subject) == 0`.
#[derive(Debug, Clone)]
struct Exact(Vec<u8>);

impl Matcher for Exact {
    fn find_cut(&self, subject: &[u8]) -> Option<Match> {
        (subject == self.0.as_slice()).then(|| Match::from_pointer(0, 0, Vec::new()))
    }
}

/// The length of a subject as a C string.
fn subject_len(subject: &[u8]) -> usize {
    memchr::memchr(0, subject).unwrap_or(subject.len())
}

/// A compiled expression of any engine.
#[derive(Debug)]
pub struct Expression {
    engine: Engine,
    matcher: Box<dyn Matcher>,
}

impl Expression {
    /// Compiles `pattern` for `engine`, with captures (OS_Regex's
    /// `OS_RETURN_SUBSTRING`, which only a decoder's `<regex>` uses).
    pub fn compile(engine: Engine, pattern: &str) -> Result<Expression, PatternError> {
        Self::build(engine, pattern, true)
    }

    /// Compiles `pattern` for `engine` without captures (flags 0: every rule option,
    /// decoder `<prematch>` and `<program_name>`). For OS_Regex this changes how a
    /// match that reaches the end of the subject is judged (docs/analysis-patterns.md).
    pub fn compile_without_captures(
        engine: Engine,
        pattern: &str,
    ) -> Result<Expression, PatternError> {
        Self::build(engine, pattern, false)
    }

    fn build(engine: Engine, pattern: &str, captures: bool) -> Result<Expression, PatternError> {
        let matcher: Box<dyn Matcher> = match engine {
            Engine::OsRegex => Box::new(osregex::OsRegex::compile(pattern.as_bytes(), captures)?),
            Engine::OsMatch => Box::new(osmatch::OsMatch::compile(pattern.as_bytes())?),
            Engine::Pcre2 => Box::new(pcre::Pcre::compile(pattern)?),
            Engine::String => {
                let p = pattern.as_bytes();
                Box::new(Exact(p[..subject_len(p)].to_vec()))
            }
        };
        Ok(Expression { engine, matcher })
    }

    /// The engine this expression runs.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Matches `subject`; captures for OSRegex and PCRE2, none for the others.
    pub fn exec(&self, subject: &[u8]) -> Option<Match> {
        self.exec_cut(&subject[..subject_len(subject)])
    }

    /// [`Expression::exec`] on a subject already cut at its first NUL.
    pub fn exec_cut(&self, subject: &[u8]) -> Option<Match> {
        debug_assert!(!subject.contains(&0));
        self.matcher.find_cut(subject)
    }

    /// [`Expression::exec_cut`] told which alternatives certainly do not match (see
    /// [`Matcher::find_cut_in`]).
    pub fn exec_cut_in(&self, subject: &[u8], may: u64) -> Option<Match> {
        debug_assert!(!subject.contains(&0));
        self.matcher.find_cut_in(subject, may)
    }

    /// Literals (lower case) of which every match holds one, ASCII case folded;
    /// None when there is no such set.
    pub(crate) fn required(&self) -> Option<Vec<Vec<u8>>> {
        self.matcher.required()
    }

    /// Whether `subject` matches.
    pub fn is_match(&self, subject: &[u8]) -> bool {
        self.is_match_cut(&subject[..subject_len(subject)])
    }

    /// [`Expression::is_match`] on a subject already cut at its first NUL.
    pub fn is_match_cut(&self, subject: &[u8]) -> bool {
        debug_assert!(!subject.contains(&0));
        self.matcher.is_match_cut(subject)
    }
}

/// OS_Regex without captures, matched under a step budget the caller gives (and may
/// share between subjects): a `rules_group` against every loaded rule's group string,
/// where a costly pattern must not hold the editor (docs/analysis-patterns.md
/// "Bounded time").
#[derive(Debug, Clone)]
pub struct BudgetRegex(osregex::OsRegex);

impl BudgetRegex {
    /// Compiles like `OSRegex_Compile(pattern, reg, 0)`.
    pub fn compile(pattern: &str) -> Result<BudgetRegex, PatternError> {
        osregex::OsRegex::compile(pattern.as_bytes(), false).map(BudgetRegex)
    }

    /// Whether `subject` matches, spending loop turns from `budget`; `None` once it
    /// is spent (the answer is then unknown).
    pub fn is_match(&self, subject: &[u8], budget: &mut u64) -> Option<bool> {
        self.0.is_match_shared(subject, budget)
    }
}

/// `OS_WordMatch`: `|`-separated parts, each a case-insensitive substring (or, with a
/// leading `^`, prefix) test.
pub fn word_match(pattern: &str, subject: &[u8]) -> bool {
    osmatch::word_match(pattern.as_bytes(), subject)
}

/// Whether an OS_Regex pattern compiles (`OSRegex_Compile`), and why not.
pub fn os_regex_check(pattern: &str) -> Result<(), PatternError> {
    osregex::OsRegex::compile(pattern.as_bytes(), false).map(|_| ())
}

/// Whether an OS_Regex pattern has an alternative that matches every subject (an
/// empty one without `$`).
pub fn os_regex_matches_everything(pattern: &str) -> bool {
    osregex::OsRegex::compile(pattern.as_bytes(), false).is_ok_and(|r| r.matches_everything())
}
