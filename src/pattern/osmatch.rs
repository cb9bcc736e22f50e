//! OS_Match (`src/os_regex/os_match_compile.c`, `os_match_execute.c`) and
//! `OS_WordMatch` (`src/os_regex/os_regex_match.c`); docs/analysis-patterns.md
//! "OS_Match". Both are case-insensitive (ASCII) string tests, no classes.

use super::PatternError;
use super::osregex::MAX_PATTERN;

/// How one alternative compares (`reg->match_fp[i]`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Test {
    /// `^x$`: `_os_strcmp`, equality.
    Equal(Vec<u8>),
    /// An empty alternative: `_os_strmatch`, always true.
    Always,
    /// `x$`: `_os_strcmp_last`, suffix.
    Suffix(Vec<u8>),
    /// `^x`: `_os_strncmp`, prefix.
    Prefix(Vec<u8>),
    /// `x`: `_OS_Match`, substring.
    Contains(Vec<u8>),
}

/// A compiled OS_Match pattern.
#[derive(Debug, Clone)]
pub(crate) struct OsMatch {
    negate: bool,
    tests: Vec<Test>,
}

impl OsMatch {
    /// `OSMatch_Compile(pattern, reg, 0)`: a leading `!` negates the whole pattern, `|`
    /// separates alternatives (no escaping), each is lower-cased.
    pub(crate) fn compile(pattern: &[u8]) -> Result<OsMatch, PatternError> {
        let pattern = &pattern[..memchr::memchr(0, pattern).unwrap_or(pattern.len())];
        if pattern.len() > MAX_PATTERN {
            return Err(PatternError {
                message: "the pattern is longer than 20480 bytes".to_string(),
            });
        }
        let (negate, body) = match pattern.split_first() {
            Some((b'!', rest)) => (true, rest),
            _ => (false, pattern),
        };
        let lower = body.to_ascii_lowercase();
        let tests = lower.split(|&b| b == b'|').map(make_test).collect();
        Ok(OsMatch { negate, tests })
    }

    /// [`OsMatch::is_match_cut`] on a subject cut at its first NUL first.
    #[cfg(test)]
    pub(crate) fn is_match(&self, subject: &[u8]) -> bool {
        self.is_match_cut(&subject[..memchr::memchr(0, subject).unwrap_or(subject.len())])
    }

    /// `OSMatch_Execute` on a subject already cut at its first NUL: the first
    /// alternative that holds decides, then `!` flips.
    pub(crate) fn is_match_cut(&self, subject: &[u8]) -> bool {
        for test in &self.tests {
            let hit = match test {
                Test::Always => true,
                Test::Equal(p) => subject.eq_ignore_ascii_case(p),
                Test::Prefix(p) => {
                    subject.len() >= p.len() && subject[..p.len()].eq_ignore_ascii_case(p)
                }
                Test::Suffix(p) => {
                    subject.len() >= p.len()
                        && subject[subject.len() - p.len()..].eq_ignore_ascii_case(p)
                }
                // Searched in place: lowering a copy of every subject was a
                // quarter of the time of a rule pass.
                Test::Contains(p) => super::literal::contains_ignore_case(subject, p),
            };
            if hit {
                return !self.negate;
            }
        }
        self.negate
    }

    /// The literal of every alternative, when the pattern is not negated and each
    /// alternative has a non-empty one (see `Prefilter`).
    pub(crate) fn required(&self) -> Option<Vec<Vec<u8>>> {
        if self.negate {
            return None;
        }
        self.tests
            .iter()
            .map(|t| match t {
                Test::Always => None,
                Test::Equal(p) | Test::Prefix(p) | Test::Suffix(p) | Test::Contains(p) => {
                    (!p.is_empty()).then(|| p.clone())
                }
            })
            .collect()
    }

    /// [`OsMatch::is_match`] with a lowered copy of the subject (the reference in
    /// tests).
    #[cfg(test)]
    pub(crate) fn is_match_lowering(&self, subject: &[u8]) -> bool {
        let subject = &subject[..memchr::memchr(0, subject).unwrap_or(subject.len())];
        let low = subject.to_ascii_lowercase();
        for test in &self.tests {
            let hit = match test {
                Test::Always => true,
                Test::Equal(p) => low == *p,
                Test::Prefix(p) => low.starts_with(p),
                Test::Suffix(p) => low.ends_with(p),
                Test::Contains(p) => memchr::memmem::find(&low, p).is_some(),
            };
            if hit {
                return !self.negate;
            }
        }
        self.negate
    }
}

/// Which test one alternative gets, in the order `OSMatch_Compile` checks them.
fn make_test(part: &[u8]) -> Test {
    let begin = part.first() == Some(&b'^');
    let dollar = part.last() == Some(&b'$');
    if begin && dollar && part.len() >= 2 {
        Test::Equal(part[1..part.len() - 1].to_vec())
    } else if part.is_empty() {
        Test::Always
    } else if dollar {
        Test::Suffix(part[..part.len() - 1].to_vec())
    } else if begin {
        Test::Prefix(part[1..].to_vec())
    } else {
        Test::Contains(part.to_vec())
    }
}

/// `OS_WordMatch`, walked over the pattern as the C code does, including its quirks:
/// an empty pattern matches nothing, a trailing `|` matches everything, and an empty
/// part in the middle compares against the `|` that ends it.
pub(crate) fn word_match(pattern: &[u8], subject: &[u8]) -> bool {
    let pattern = &pattern[..memchr::memchr(0, pattern).unwrap_or(pattern.len())];
    let subject = &subject[..memchr::memchr(0, subject).unwrap_or(subject.len())];
    let at = |i: usize| pattern.get(i).copied().unwrap_or(0);
    if pattern.is_empty() {
        return false;
    }
    let (mut start, mut count) = (0usize, 0usize);
    loop {
        if at(start + count) == b'|' {
            if internal_match(pattern, start, count, subject) {
                return true;
            }
            start += count + 1;
            count = 0;
        } else {
            count += 1;
        }
        if at(start + count) == 0 {
            break;
        }
    }
    internal_match(pattern, start, count, subject)
}

/// `_InternalMatch(pattern + start, str, size)`: the part ends where the byte that
/// followed it in the pattern (`|` or NUL) is met again.
fn internal_match(pattern: &[u8], start: usize, size: usize, subject: &[u8]) -> bool {
    let p = |i: usize| pattern.get(start + i).copied().unwrap_or(0);
    let s = |i: usize| subject.get(i).copied().unwrap_or(0);
    let last = p(size);
    if p(0) == 0 {
        return true;
    }
    if p(0) == b'^' {
        return strncasecmp_eq(pattern, start + 1, size - 1, subject);
    }
    if s(0) == 0 {
        return false;
    }
    let mut st = 0usize;
    loop {
        if s(st).eq_ignore_ascii_case(&p(0)) {
            let (mut si, mut pi) = (st + 1, 1usize);
            loop {
                if p(pi) == last {
                    return true;
                }
                if s(si) == 0 {
                    return false;
                }
                if !p(pi).eq_ignore_ascii_case(&s(si)) {
                    break;
                }
                si += 1;
                pi += 1;
            }
        }
        st += 1;
        if s(st) == 0 {
            return false;
        }
    }
}

/// `strncasecmp(pattern + from, subject, n) == 0`, both C strings.
fn strncasecmp_eq(pattern: &[u8], from: usize, n: usize, subject: &[u8]) -> bool {
    for i in 0..n {
        let a = pattern.get(from + i).copied().unwrap_or(0);
        let b = subject.get(i).copied().unwrap_or(0);
        if !a.eq_ignore_ascii_case(&b) {
            return false;
        }
        if a == 0 {
            return true;
        }
    }
    true
}
