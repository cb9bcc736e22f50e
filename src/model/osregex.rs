//! The two pattern languages of the daemons that binding and gating use: OSRegex
//! (`rules_group`, `<rule_dir pattern>`) and OSMatch (host names in
//! `<global><white_list>`). docs/wazuh-config.md §4.4, §5.1.
//!
//! Thin adapters over the `pattern` layer, which ports the daemon's engines
//! (docs/analysis-patterns.md): OSRegex is compiled without captures, as
//! `OS_Regex()`/`OSRegex_Compile(…, 0)` do, case-insensitive, and runs the daemon's
//! own lazy matcher (not a backtracking search).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::pattern::{self, BudgetRegex, Engine, Expression, PatternError};

/// Loop turns one match may take: group strings are a few hundred bytes, and the
/// real patterns need a few hundred turns on them; `\.*\.*\.*!`-like patterns of
/// thousands of elements needed 2^26 on each of 4,500 rules (minutes, and a frozen
/// editor). Past it the match counts as failed and [`OsRegex::gave_up`] tells
/// (docs/analysis-patterns.md "Bounded time").
pub const GROUP_STEPS: u64 = 1 << 14;

/// Loop turns one compiled pattern may take over all its matches: a pass over the
/// full Wazuh ruleset (4,500 group strings) with a real pattern takes well under
/// 10^6; past 2^23 (a few tens of milliseconds) every further match counts as failed
/// and [`OsRegex::gave_up`] tells, so that no pattern holds a key of the editor
/// longer than that per pass.
pub const PATTERN_STEPS: u64 = 1 << 23;

/// A compiled OSRegex; `compile` returns `None` where the daemon's compile fails.
#[derive(Debug, Clone)]
pub struct OsRegex {
    source: String,
    compiled: Arc<BudgetRegex>,
    /// Set when a match ran out of [`GROUP_STEPS`] or [`PATTERN_STEPS`].
    gave_up: Arc<AtomicBool>,
    /// What is left of [`PATTERN_STEPS`] (shared by clones).
    left: Arc<AtomicU64>,
}

impl PartialEq for OsRegex {
    fn eq(&self, other: &OsRegex) -> bool {
        self.source == other.source
    }
}

impl Eq for OsRegex {}

impl OsRegex {
    /// Compiles like `OSRegex_Compile` (case-insensitive); `None` when the daemon
    /// refuses the pattern.
    pub fn compile(pattern: &str) -> Option<OsRegex> {
        Self::try_compile(pattern).ok()
    }

    /// Compiles, or says why the daemon refuses the pattern (it then matches nothing).
    pub fn try_compile(pattern: &str) -> Result<OsRegex, PatternError> {
        let compiled = BudgetRegex::compile(pattern)?;
        Ok(OsRegex {
            source: pattern.to_string(),
            compiled: Arc::new(compiled),
            gave_up: Arc::new(AtomicBool::new(false)),
            left: Arc::new(AtomicU64::new(PATTERN_STEPS)),
        })
    }

    /// Does the pattern match `text` (as `OS_Regex` does)? A match that needs more
    /// than [`GROUP_STEPS`] turns, or more than what is left of [`PATTERN_STEPS`],
    /// is taken as failed and recorded.
    pub fn is_match(&self, text: &str) -> bool {
        let left = self.left.load(Ordering::Relaxed);
        let given = GROUP_STEPS.min(left);
        let mut budget = given;
        let answer = if given == 0 {
            None
        } else {
            self.compiled.is_match(text.as_bytes(), &mut budget)
        };
        let used = given - budget;
        // Clones share `left` across threads: never below zero.
        let _ = self
            .left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| {
                Some(l.saturating_sub(used))
            });
        answer.unwrap_or_else(|| {
            self.gave_up.store(true, Ordering::Relaxed);
            false
        })
    }

    /// Whether some match (of this value or a clone) ran out of [`GROUP_STEPS`], so
    /// that "no match" may be wrong.
    pub fn gave_up(&self) -> bool {
        self.gave_up.load(Ordering::Relaxed)
    }

    /// Does one alternative match everything (an empty one without `$`, docs/wazuh-config.md
    /// §4.4)?
    pub fn matches_everything(&self) -> bool {
        pattern::os_regex_matches_everything(&self.source)
    }
}

/// Compiles and matches in one go: a pattern that does not compile matches nothing.
pub fn os_regex(pattern: &str, text: &str) -> bool {
    OsRegex::compile(pattern).is_some_and(|r| r.is_match(text))
}

/// A compiled OSMatch (`OSMatch_Compile`): `|` alternatives of plain strings,
/// case-insensitive; `^x$` equal, `^x` prefix, `x$` suffix, otherwise substring; an
/// empty alternative matches everything; a leading `!` negates.
#[derive(Debug, Clone)]
pub struct OsMatch {
    source: String,
    compiled: Option<std::sync::Arc<Expression>>,
}

impl PartialEq for OsMatch {
    fn eq(&self, other: &OsMatch) -> bool {
        self.source == other.source
    }
}

impl Eq for OsMatch {}

impl OsMatch {
    /// Compiles an OSMatch pattern (only a pattern over 20480 bytes fails, and then
    /// matches nothing).
    pub fn compile(pattern: &str) -> OsMatch {
        OsMatch {
            source: pattern.to_string(),
            compiled: Expression::compile(Engine::OsMatch, pattern)
                .ok()
                .map(std::sync::Arc::new),
        }
    }

    /// Does `text` match one alternative?
    pub fn is_match(&self, text: &str) -> bool {
        self.compiled
            .as_ref()
            .is_some_and(|c| c.is_match(text.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `\w*` 5,000 times then `\s` took 2^26 turns on each group string (minutes
    /// over the shipped rules); now each match stops at GROUP_STEPS and the pattern
    /// as a whole at PATTERN_STEPS, and it says it gave up.
    #[test]
    fn a_costly_pattern_gives_up_and_says_so() {
        let re = OsRegex::compile(&format!("{}\\s", "\\w*".repeat(5000))).expect("compiles");
        let group = "authentication_failed,sshd,syslog,".repeat(4);
        let started = std::time::Instant::now();
        for _ in 0..2000 {
            assert!(!re.is_match(&group));
        }
        assert!(re.gave_up());
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        // An ordinary pattern over the same strings: no giving up, same answers.
        let plain = OsRegex::compile("sshd|web").expect("compiles");
        for _ in 0..2000 {
            assert!(plain.is_match(&group));
        }
        assert!(!plain.gave_up());
    }

    #[test]
    fn compile_errors_say_why() {
        // docs/wazuh-config.md §4.4: one level of parentheses, no `|` inside, known
        // escapes only.
        let why = |p| {
            OsRegex::try_compile(p)
                .err()
                .map(|e| e.message)
                .unwrap_or_default()
        };
        assert_eq!(why("(ssh|web)"), "'|' inside parentheses");
        assert_eq!(why("a(b"), "'(' without ')'");
        assert_eq!(why("a)"), "')' without '('");
        assert_eq!(why("((a))"), "parentheses nested more than one level");
        assert_eq!(why("\\z"), "'\\z' is not an OSRegex escape");
        assert_eq!(why("a\\"), "it ends with a backslash");
        assert!(OsRegex::try_compile("pci_dss_10.2.4|(ssh)d|\\w+\\|x").is_ok());
        assert!(OsRegex::try_compile("").is_ok());
    }

    #[test]
    fn anchored_empty_alternative_does_not_match_everything() {
        assert!(OsRegex::compile("sshd|").is_some_and(|r| r.matches_everything()));
        assert!(OsRegex::compile("^").is_some_and(|r| r.matches_everything()));
        assert!(!OsRegex::compile("^$").is_some_and(|r| r.matches_everything()));
    }

    // Expected values from docs/wazuh-config.md §4.4, worked out by hand.
    #[test]
    fn alternation_case_and_unanchored_search() {
        assert!(os_regex("sshd|web", "syslog,SSHD,authentication_failed,"));
        assert!(os_regex("WEB", "web,accesslog,"));
        assert!(!os_regex("ftp|mail", "syslog,sshd,"));
    }

    #[test]
    fn comma_and_dot_are_literal_backslash_dot_is_any() {
        assert!(!os_regex(
            "authentication_failed,authentication_failures",
            "authentication_failed,invalid_login,authentication_failures,"
        ));
        assert!(os_regex(
            "failed,invalid",
            "authentication_failed,invalid_login,"
        ));
        assert!(os_regex("pci_dss_10.2.4", "pci_dss_10.2.4,"));
        assert!(!os_regex("pci_dss_10.2.4", "pci_dss_10x2x4,"));
        assert!(os_regex("pci_dss_10\\.2", "pci_dss_10x2,"));
    }

    #[test]
    fn anchors() {
        assert!(os_regex("^syslog", "syslog,sshd,"));
        assert!(!os_regex("^sshd", "syslog,sshd,"));
        assert!(os_regex("sshd,$", "syslog,sshd,"));
        assert!(!os_regex("syslog$", "syslog,sshd,"));
        assert!(os_regex("^syslog,sshd,$", "syslog,sshd,"));
    }

    #[test]
    fn quantifiers_only_after_classes() {
        assert!(os_regex("pci_dss_\\d+", "pci_dss_10,"));
        assert!(os_regex("^\\w+,sshd", "syslog,sshd,"));
        assert!(!os_regex("ab+", "abb"));
        assert!(os_regex("ab+", "xab+y"));
        assert!(os_regex("a\\s*b", "ab"));
        assert!(os_regex("a\\s*b", "a  b"));
    }

    #[test]
    fn compile_failures_match_nothing() {
        for bad in ["(ssh|web)", "a(b", "a)b(", "((a))", "\\z", "abc\\"] {
            assert!(OsRegex::compile(bad).is_none(), "{bad}");
            assert!(!os_regex(bad, "ssh web a b abc"), "{bad}");
        }
        assert!(os_regex("(ssh)d", "sshd"));
    }

    #[test]
    fn empty_pattern_or_alternative_matches_everything() {
        for p in ["", "|sshd", "sshd|", "a||b", "^"] {
            assert!(os_regex(p, "anything,at,all,"), "{p:?}");
        }
        // `$` alone was expected to match everything here before the daemon's engine
        // was ported; `_OS_Regex` (src/os_regex/os_regex_execute.c) returns its end
        // pointer, which a failed first byte has reset to NULL, so `$` matches only an
        // empty text (checked by running the v4.14.7 C code; docs/analysis-patterns.md).
        assert!(!os_regex("$", "anything,at,all,"));
        assert!(os_regex("$", ""));
        assert!(!OsRegex::compile("$").is_some_and(|r| r.matches_everything()));
        assert!(OsRegex::compile("a||b").is_some_and(|r| r.matches_everything()));
        assert!(!OsRegex::compile("a|b").is_some_and(|r| r.matches_everything()));
    }

    #[test]
    fn escaped_specials_are_literals() {
        assert!(os_regex("a\\|b", "xa|b"));
        assert!(!os_regex("a\\|b", "a"));
        assert!(os_regex("cost\\$", "cost$5"));
        assert!(os_regex("\\(x\\)", "(x)"));
    }

    #[test]
    fn os_match_forms() {
        let m = OsMatch::compile("^localhost.localdomain$");
        assert!(m.is_match("LOCALHOST.localdomain"));
        assert!(!m.is_match("localhost.localdomain.evil"));
        assert!(OsMatch::compile("^10.0.").is_match("10.0.3.4"));
        assert!(OsMatch::compile(".example$").is_match("a.example"));
        assert!(OsMatch::compile("corp").is_match("host.corp.lan"));
        assert!(OsMatch::compile("x|").is_match("anything"));
        assert!(!OsMatch::compile("x|y").is_match("z"));
    }
}
