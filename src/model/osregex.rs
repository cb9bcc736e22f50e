//! The two pattern languages of the daemons that binding and gating use: OSRegex
//! (`rules_group`, `<rule_dir pattern>`) and OSMatch (host names in
//! `<global><white_list>`). docs/config-semantics.md §4.4, §5.1.
//!
//! Thin adapters over the `pattern` layer, which ports the daemon's engines
//! (docs/analysis-patterns.md): OSRegex is compiled without captures, as
//! `OS_Regex()`/`OSRegex_Compile(…, 0)` do, case-insensitive, and runs the daemon's
//! own lazy matcher (not a backtracking search).

use crate::pattern::{self, Engine, Expression, PatternError};

/// A compiled OSRegex; `compile` returns `None` where the daemon's compile fails.
#[derive(Debug, Clone)]
pub struct OsRegex {
    source: String,
    compiled: std::sync::Arc<Expression>,
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
        let compiled = Expression::compile_without_captures(Engine::OsRegex, pattern)?;
        Ok(OsRegex {
            source: pattern.to_string(),
            compiled: std::sync::Arc::new(compiled),
        })
    }

    /// Does the pattern match `text` (as `OS_Regex` does)?
    pub fn is_match(&self, text: &str) -> bool {
        self.compiled.is_match(text.as_bytes())
    }

    /// Does one alternative match everything (an empty one without `$`, docs/config-semantics.md
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

    #[test]
    fn compile_errors_say_why() {
        // docs/config-semantics.md §4.4: one level of parentheses, no `|` inside, known
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

    // Expected values from docs/config-semantics.md §4.4, worked out by hand.
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
