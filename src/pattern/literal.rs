//! The literal prefilter of OS_Regex and the in-place case-insensitive search of
//! OS_Match: fast "no match" answers that never change a result.

use super::osregex::{BACKSLASH, MARK, is_plus};

/// The longest run of consecutive literal atoms of an alternative (classes and
/// markers end a run). `_OS_Regex` only moves past a literal by taking a subject byte
/// equal to it (ASCII case folded), the next literal then compares the next byte,
/// and a failed comparison goes back before the run; so a match consumes each run
/// whole, at consecutive subject bytes. One exception: a class that misses while a
/// quantifier is running returns the match when the pattern ends one byte after that
/// class (`\w+\d\dx` matches `ab1z`), so a literal that ends the alternative right
/// after a class is not required (docs/analysis-patterns.md "OS_Regex").
pub(super) fn needle(pat: &[u8]) -> Vec<u8> {
    runs(pat).into_iter().fold(
        Vec::new(),
        |best, r| if r.len() > best.len() { r } else { best },
    )
}

/// Every run of consecutive literal atoms of an alternative, each of which a match
/// consumes whole (see [`needle`], the longest of them), without repeats.
pub(super) fn runs(pat: &[u8]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    for run in ordered_runs(pat) {
        if !out.contains(&run) {
            out.push(run);
        }
    }
    out
}

/// The runs of [`runs`] in pattern order, repeats kept. A match consumes them in
/// this order, each after the one before: `_OS_Regex` moves through the pattern
/// and the subject together, and a resume from its stack goes back to a state of
/// the same attempt, so the bytes of a match are taken once each, in order
/// (docs/analysis-patterns.md "OS_Regex").
pub(super) fn ordered_runs(pat: &[u8]) -> Vec<Vec<u8>> {
    let n = pat.len();
    let last_skippable = n >= 3 && pat[n - 3] == BACKSLASH;
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut push = |run: &[u8]| {
        if !run.is_empty() {
            out.push(run.to_vec());
        }
    };
    let mut start = 0;
    let mut i = 0;
    while i < n {
        if pat[i] == BACKSLASH {
            push(&pat[start..i]);
            i += 2;
            if is_plus(pat.get(i).copied().unwrap_or(0)) {
                i += 1;
            }
            start = i;
        } else if pat[i] == MARK || (i == n - 1 && last_skippable) {
            push(&pat[start..i]);
            i += 1;
            start = i;
        } else {
            i += 1;
        }
    }
    push(&pat[start..n.max(start)]);
    out
}

/// The ordered runs of every alternative of a pattern in one buffer, read before
/// anything else of an alternative (most are ruled out by them): one allocation
/// to load rather than one per alternative and one per run. Per alternative, the
/// byte length of its part (four bytes, the top bit set when the alternative is
/// "lead only", see `Sub::lead`), then its runs from the last to the first, each as
/// its length (two bytes) and its bytes; lengths little-endian.
#[derive(Debug, Clone, Default)]
pub(super) struct RunTable(Box<[u8]>);

impl RunTable {
    /// The table of these alternatives' ordered runs (see [`ordered_runs`]); None
    /// when a run or an alternative is too long to be written (no pattern comes
    /// near: they are at most 20,480 bytes).
    pub(super) fn new(alternatives: &[(Vec<Vec<u8>>, bool)]) -> Option<RunTable> {
        let mut out = Vec::new();
        for (runs, flag) in alternatives {
            let mut part = Vec::new();
            for run in runs.iter().rev() {
                part.extend_from_slice(&u16::try_from(run.len()).ok()?.to_le_bytes());
                part.extend_from_slice(run);
            }
            let len = u32::try_from(part.len()).ok().filter(|l| l >> 31 == 0)?;
            out.extend_from_slice(&(len | u32::from(*flag) << 31).to_le_bytes());
            out.extend_from_slice(&part);
        }
        Some(RunTable(out.into_boxed_slice()))
    }

    /// The part of each alternative, in order, and its flag.
    pub(super) fn parts(&self) -> impl Iterator<Item = (&[u8], bool)> {
        let mut rest = &self.0[..];
        std::iter::from_fn(move || {
            let (len, tail) = rest.split_first_chunk::<4>()?;
            let len = u32::from_le_bytes(*len);
            let (flag, len) = (len >> 31 == 1, (len & !(1 << 31)) as usize);
            let part = tail.get(..len)?;
            rest = &tail[len..];
            Some((part, flag))
        })
    }
}

/// The last position at which a match of an alternative can start, from its part
/// of a [`RunTable`]: each run is placed at its last occurrence that ends before
/// the next run's place, from the last run back. `None` when they do not all fit,
/// in order: no match at all. An attempt that starts later cannot take them all.
pub(super) fn latest_start(hay: &[u8], mut part: &[u8]) -> Option<usize> {
    let mut end = hay.len();
    while let Some((len, tail)) = part.split_first_chunk::<2>() {
        let len = usize::from(u16::from_le_bytes(*len));
        let (run, rest) = tail.split_at_checked(len)?;
        end = rfind_ignore_case(&hay[..end], run)?;
        part = rest;
    }
    Some(end)
}

/// Where the last occurrence of `needle` (lower case) in `hay` starts, ASCII case
/// folded.
fn rfind_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let last = hay.len().checked_sub(needle.len())?;
    let (&first, rest) = match needle.split_first() {
        Some(split) => split,
        None => return Some(hay.len()),
    };
    let upper = first.to_ascii_uppercase();
    let hay_first = &hay[..=last];
    if rest.is_empty() {
        return if upper == first {
            memchr::memrchr(first, hay_first)
        } else {
            memchr::memrchr2(first, upper, hay_first)
        };
    }
    memchr::memrchr2_iter(first, upper, hay_first)
        .find(|&i| hay[i + 1..i + needle.len()].eq_ignore_ascii_case(rest))
}

/// Whether `needle` (lower case) occurs in `hay`, ASCII case folded.
pub(crate) fn contains_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    let Some(last) = hay.len().checked_sub(needle.len()) else {
        return false;
    };
    let Some(&first) = needle.first() else {
        return true;
    };
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), &hay[..=last])
        .any(|i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::{RunTable, contains_ignore_case, latest_start};

    #[test]
    fn found_at_every_place_in_either_case() {
        for hay in [&b"XYZ sshd"[..], b"sshd xyz", b"a SsHd b", b"sshd"] {
            assert!(contains_ignore_case(hay, b"sshd"), "{hay:?}");
        }
        for hay in [&b"ssh d"[..], b"sshx", b"", b"shd"] {
            assert!(!contains_ignore_case(hay, b"sshd"), "{hay:?}");
        }
        assert!(contains_ignore_case(b"anything", b""));
        assert!(contains_ignore_case(b"key=value", b"y=v"));
    }

    #[test]
    fn the_latest_start_places_each_run_before_the_next() {
        // A subject, the ordered runs of an alternative, the latest start.
        type Case = (&'static [u8], &'static [&'static [u8]], Option<usize>);
        let cases: [Case; 6] = [
            // `:` `:` `%`: the second-last colon before the last percent sign.
            (b"a:b:c:d%e:f", &[b":", b":", b"%"], Some(3)),
            (b"x SSHD y sshd", &[b"sshd"], Some(9)),
            (b"ab", &[b"ab", b"ab"], None),
            (b"%:", &[b":", b"%"], None),
            (b"abab", &[b"ab", b"ab"], Some(0)),
            (b"anything", &[], Some(8)),
        ];
        let alternatives: Vec<(Vec<Vec<u8>>, bool)> = cases
            .iter()
            .enumerate()
            .map(|(i, (_, runs, _))| (runs.iter().map(|r| r.to_vec()).collect(), i % 2 == 0))
            .collect();
        let table = RunTable::new(&alternatives).expect("short runs");
        let parts: Vec<(&[u8], bool)> = table.parts().collect();
        assert_eq!(parts.len(), cases.len());
        for (i, ((hay, _, want), (part, flag))) in cases.iter().zip(parts).enumerate() {
            assert_eq!(latest_start(hay, part), *want, "{hay:?}");
            assert_eq!(flag, i % 2 == 0);
        }
    }
}
