//! The two pattern languages of the daemons that binding and gating use: OSRegex
//! (`rules_group`, `<rule_dir pattern>`) and OSMatch (host names in
//! `<global><white_list>`). Reference `wazuh-semantics.md` §4.4, §5.1.
//!
//! OSRegex, as the daemon compiles it: case-insensitive; `|` separates alternatives;
//! `^` at the start and `$` at the end of an alternative anchor it, otherwise it
//! matches anywhere; `.`, `,`, `+` and `*` after a literal are literal characters;
//! backslash classes `\d \w \s \p \D \W \S \.` (any character) `\t`, and escaped
//! literals `\( \) \\ \$ \| \<`, each optionally followed by `+` or `*`; parentheses
//! mark captures only, one level deep, with no `|` inside. Any other escape, nesting,
//! unbalanced parentheses or `|` inside them make the pattern fail to compile, and
//! the daemon then treats it as matching nothing. An empty alternative matches
//! everything.
//!
//! Matching here is a plain backtracking search; the daemon's engine is a greedy
//! scanner that can miss matches on exotic patterns (several adjacent quantified
//! classes). For the patterns found in configurations (words, `|`, anchors) the two
//! agree; the reference did not explore the exotic cases either (§13).

/// A compiled OSRegex; `compile` returns `None` where the daemon's compile fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsRegex {
    alternatives: Vec<Alternative>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Alternative {
    begin: bool,
    end: bool,
    atoms: Vec<Atom>,
    /// The bytes when every atom is a literal (the common case: group names),
    /// matched without backtracking.
    literal: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Atom {
    /// A literal byte, lower-cased.
    Literal(u8),
    /// A backslash class with its repetition.
    Class(Class, Repeat),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repeat {
    One,
    /// `+`: one or more.
    Plus,
    /// `*`: zero or more.
    Star,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Digit,
    Word,
    Space,
    Punct,
    NotDigit,
    NotWord,
    NotSpace,
    Any,
    /// `\t`, `\(`, `\)`, `\\`, `\$`, `\|`, `\<`: one exact byte.
    Exact(u8),
}

impl Class {
    fn from_escape(c: u8) -> Option<Class> {
        Some(match c {
            b'd' => Class::Digit,
            b'w' => Class::Word,
            b's' => Class::Space,
            b'p' => Class::Punct,
            b'D' => Class::NotDigit,
            b'W' => Class::NotWord,
            b'S' => Class::NotSpace,
            b'.' => Class::Any,
            b't' => Class::Exact(b'\t'),
            b'(' | b')' | b'\\' | b'$' | b'|' | b'<' => Class::Exact(c),
            _ => return None,
        })
    }

    /// Membership as the daemon's class tables define it (`\w` is letters, digits,
    /// `-`, `@` and `_`; `\p` is the punctuation set of the os_regex documentation).
    fn matches(self, b: u8) -> bool {
        let word = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'@' | b'_');
        match self {
            Class::Digit => b.is_ascii_digit(),
            Class::Word => word,
            Class::Space => b == b' ',
            Class::Punct => b"!\"#$%&'()*+,-.:;<=>?[]{|}".contains(&b),
            Class::NotDigit => !b.is_ascii_digit(),
            Class::NotWord => !word,
            Class::NotSpace => b != b' ',
            Class::Any => true,
            Class::Exact(c) => b == c,
        }
    }
}

impl OsRegex {
    /// Compiles like `OSRegex_Compile` (case-insensitive); `None` when the daemon
    /// refuses the pattern.
    pub fn compile(pattern: &str) -> Option<OsRegex> {
        Self::try_compile(pattern).ok()
    }

    /// Compiles, or says why the daemon refuses the pattern (it then matches nothing).
    pub fn try_compile(pattern: &str) -> Result<OsRegex, String> {
        check_parentheses(pattern.as_bytes())?;
        let alternatives = split_alternatives(pattern.as_bytes())
            .into_iter()
            .map(compile_alternative)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(OsRegex { alternatives })
    }

    /// Does the pattern match anywhere in `text` (as `OS_Regex` does)?
    pub fn is_match(&self, text: &str) -> bool {
        let text = text.as_bytes();
        self.alternatives.iter().any(|a| a.is_match(text))
    }

    /// Does one alternative match everything (an empty alternative, reference §4.4)?
    pub fn matches_everything(&self) -> bool {
        // `^$` is empty too but matches only an empty group string.
        self.alternatives
            .iter()
            .any(|a| a.atoms.is_empty() && !(a.begin && a.end))
    }
}

/// Compiles and matches in one go: a pattern that does not compile matches nothing.
pub fn os_regex(pattern: &str, text: &str) -> bool {
    OsRegex::compile(pattern).is_some_and(|r| r.is_match(text))
}

/// One level of parentheses, balanced, with no `|` inside; escaped characters do not
/// count.
fn check_parentheses(p: &[u8]) -> Result<(), String> {
    let mut depth = 0i32;
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            b'\\' => {
                // An escape needs a known character after it; checked when compiling.
                i += 2;
                continue;
            }
            b'(' => depth += 1,
            b')' => depth -= 1,
            b'|' if depth != 0 => return Err("'|' inside parentheses".into()),
            _ => {}
        }
        if depth > 1 {
            return Err("parentheses nested more than one level".into());
        }
        if depth < 0 {
            return Err("')' without '('".into());
        }
        i += 1;
    }
    if depth == 0 {
        Ok(())
    } else {
        Err("'(' without ')'".into())
    }
}

/// Splits on unescaped `|`.
fn split_alternatives(p: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < p.len() {
        match p[i] {
            b'\\' => i += 2,
            b'|' => {
                out.push(&p[start..i]);
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    out.push(&p[start.min(p.len())..]);
    out
}

fn compile_alternative(mut p: &[u8]) -> Result<Alternative, String> {
    let begin = p.first() == Some(&b'^');
    if begin {
        p = &p[1..];
    }
    // A final unescaped `$` anchors the end; `\$` is a literal dollar.
    let end = p.last() == Some(&b'$') && !ends_with_escape(&p[..p.len() - 1]);
    if end {
        p = &p[..p.len() - 1];
    }
    let mut atoms = Vec::new();
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            b'\\' => {
                let escaped = *p.get(i + 1).ok_or("it ends with a backslash")?;
                let class = Class::from_escape(escaped).ok_or_else(|| {
                    format!("'\\{}' is not an OSRegex escape", char::from(escaped))
                })?;
                i += 2;
                let repeat = match p.get(i) {
                    Some(b'+') => Repeat::Plus,
                    Some(b'*') => Repeat::Star,
                    _ => Repeat::One,
                };
                if repeat != Repeat::One {
                    i += 1;
                }
                atoms.push(Atom::Class(class, repeat));
            }
            // Parentheses only mark captures.
            b'(' | b')' => i += 1,
            c => {
                atoms.push(Atom::Literal(c.to_ascii_lowercase()));
                i += 1;
            }
        }
    }
    let literal = atoms
        .iter()
        .map(|a| match a {
            Atom::Literal(c) => Some(*c),
            Atom::Class(..) => None,
        })
        .collect();
    Ok(Alternative {
        begin,
        end,
        atoms,
        literal,
    })
}

/// Case-insensitive literal search, anchored as asked.
fn literal_match(text: &[u8], lit: &[u8], begin: bool, end: bool) -> bool {
    let eq = |w: &[u8]| w.eq_ignore_ascii_case(lit);
    match (begin, end) {
        (true, true) => eq(text),
        (true, false) => text.get(..lit.len()).is_some_and(eq),
        (false, true) => text.len() >= lit.len() && eq(&text[text.len() - lit.len()..]),
        (false, false) => lit.is_empty() || text.windows(lit.len()).any(eq),
    }
}

/// Does `p` end inside an escape (an odd run of trailing backslashes)?
fn ends_with_escape(p: &[u8]) -> bool {
    p.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

impl Alternative {
    fn is_match(&self, text: &[u8]) -> bool {
        if let Some(lit) = &self.literal {
            return literal_match(text, lit, self.begin, self.end);
        }
        if self.begin {
            return self.match_at(text, 0, 0);
        }
        (0..=text.len()).any(|start| self.match_at(text, 0, start))
    }

    /// Backtracking: does `atoms[a..]` match `text[t..]` (to the end when anchored)?
    fn match_at(&self, text: &[u8], a: usize, t: usize) -> bool {
        let Some(atom) = self.atoms.get(a) else {
            return !self.end || t == text.len();
        };
        match *atom {
            Atom::Literal(c) => {
                text.get(t).is_some_and(|b| b.to_ascii_lowercase() == c)
                    && self.match_at(text, a + 1, t + 1)
            }
            Atom::Class(class, repeat) => {
                let run = text[t..].iter().take_while(|&&b| class.matches(b)).count();
                let (min, max) = match repeat {
                    Repeat::One => (1, 1.min(run)),
                    Repeat::Plus => (1, run),
                    Repeat::Star => (0, run),
                };
                (min..=max)
                    .rev()
                    .any(|n| n <= run && self.match_at(text, a + 1, t + n))
            }
        }
    }
}

/// A compiled OSMatch (`OSMatch_Compile`): `|` alternatives of plain strings,
/// case-insensitive; `^x$` equal, `^x` prefix, `x$` suffix, otherwise substring; an
/// empty alternative matches everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsMatch {
    alternatives: Vec<(MatchKind, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MatchKind {
    Equal,
    Prefix,
    Suffix,
    Contains,
}

impl OsMatch {
    /// Compiles an OSMatch pattern (it always compiles).
    pub fn compile(pattern: &str) -> OsMatch {
        let alternatives = pattern
            .to_ascii_lowercase()
            .split('|')
            .map(|alt| {
                let begin = alt.starts_with('^');
                let body = if begin { &alt[1..] } else { alt };
                let end = alt.len() > usize::from(begin) && alt.ends_with('$');
                let body = if end { &body[..body.len() - 1] } else { body };
                let kind = match (begin, end) {
                    (true, true) => MatchKind::Equal,
                    (true, false) => MatchKind::Prefix,
                    (false, true) => MatchKind::Suffix,
                    (false, false) => MatchKind::Contains,
                };
                (kind, body.to_string())
            })
            .collect();
        OsMatch { alternatives }
    }

    /// Does `text` match one alternative?
    pub fn is_match(&self, text: &str) -> bool {
        let text = text.to_ascii_lowercase();
        self.alternatives.iter().any(|(kind, s)| match kind {
            MatchKind::Equal => text == *s,
            MatchKind::Prefix => text.starts_with(s.as_str()),
            MatchKind::Suffix => text.ends_with(s.as_str()),
            MatchKind::Contains => text.contains(s.as_str()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compile_errors_say_why() {
        // Reference §4.4: one level of parentheses, no `|` inside, known escapes only.
        let why = |p| OsRegex::try_compile(p).err().unwrap_or_default();
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

    // Expected values from reference §4.4, worked out by hand.
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
        for p in ["", "|sshd", "sshd|", "a||b", "^", "$"] {
            assert!(os_regex(p, "anything,at,all,"), "{p:?}");
        }
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
