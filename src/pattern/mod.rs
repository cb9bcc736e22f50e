//! The pattern engines of the daemons, a leaf layer (docs/analysis.md "Patterns"):
//! OSRegex with the daemon's own matching algorithm, OSMatch, PCRE2 through the
//! `pcre2` crate, `OS_WordMatch`, and IP lists. Subjects are bytes.
//!
//! INTERFACE STUB: the bodies are filled in by the pattern work; the signatures are the
//! contract the decoders and rules code against.

use std::ops::Range;

/// A successful match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Offset of the pointer the daemon's engine returns (OS_Regex's `r`, PCRE2's last
    /// matched byte). Decoder offsets continue at `end + 1` (clamped to the subject).
    pub end: usize,
    /// Captures in order (byte ranges of the subject; an empty range is `""`).
    pub captures: Vec<Range<usize>>,
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

/// A compiled expression of any engine.
#[derive(Debug)]
pub struct Expression {
    _engine: Engine,
}

impl Expression {
    /// Compiles `pattern` for `engine`.
    pub fn compile(engine: Engine, pattern: &str) -> Result<Expression, PatternError> {
        let _ = pattern;
        Ok(Expression { _engine: engine })
    }

    /// Matches `subject`; captures for OSRegex and PCRE2, none for the others.
    pub fn exec(&self, subject: &[u8]) -> Option<Match> {
        let _ = subject;
        unimplemented!("pattern stub")
    }

    /// Whether `subject` matches.
    pub fn is_match(&self, subject: &[u8]) -> bool {
        self.exec(subject).is_some()
    }
}

/// `OS_WordMatch`: `|`-separated parts, each a case-insensitive substring (or, with a
/// leading `^`, prefix) test.
pub fn word_match(pattern: &str, subject: &[u8]) -> bool {
    let _ = (pattern, subject);
    unimplemented!("pattern stub")
}

/// An IP list of a rule's `<srcip>`/`<dstip>` (`OS_IsValidIP`, `OS_IPFoundList`).
#[derive(Debug, Clone, Default)]
pub struct IpList {
    _entries: Vec<String>,
}

impl IpList {
    /// Adds one `<srcip>` value (a leading `!` is dropped, as the daemon does).
    pub fn push(&mut self, value: &str) -> Result<(), PatternError> {
        self._entries.push(value.to_string());
        Ok(())
    }

    /// Whether the event's value parses as an IP inside one of the entries.
    pub fn contains(&self, value: &[u8]) -> bool {
        let _ = value;
        unimplemented!("pattern stub")
    }
}
