//! One pass over a subject for many expressions: which of them certainly do not
//! match. Each OS_Regex alternative consumes a literal run whole (its needle, see
//! `literal::needle`) and each OS_Match alternative is a literal, so an expression
//! whose every alternative has one cannot match a subject that contains none of
//! them. The decoder roots of a ruleset are hundreds of such expressions tried in
//! turn on every event; one Aho-Corasick scan finds every needle present at once
//! (docs/analysis-patterns.md "Prefilter"). The answer "may match" still runs the
//! expression itself, so results never change.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::Expression;

/// The shortest needle worth scanning for.
const MIN_NEEDLE: usize = 3;

/// The needles of a list of expressions, and which expression needs which.
#[derive(Debug, Default, Clone)]
pub struct Prefilter {
    /// All distinct needles (lower case), searched ASCII case folded; None when no
    /// expression has a requirement.
    automaton: Option<AhoCorasick>,
    /// Needle count (the size of a [`Present`]).
    needles: usize,
    /// Per expression: the needles of which at least one must be present, or None
    /// (no requirement: always run).
    needs: Vec<Option<Vec<usize>>>,
}

/// The needles found in one subject.
#[derive(Debug, Default, Clone)]
pub struct Present(Vec<bool>);

impl Prefilter {
    /// Builds the prefilter of `expressions`, in order (None: no expression at that
    /// position, nothing to rule out).
    pub fn new<'a>(expressions: impl IntoIterator<Item = Option<&'a Expression>>) -> Prefilter {
        let mut all: Vec<Vec<u8>> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let needs = expressions
            .into_iter()
            .map(|e| {
                let required = e?.matcher.required()?;
                // A needle of a byte or two (a space, `: `) is in nearly every
                // subject: it rules nothing out and makes the scan stop at each
                // occurrence. Such an expression always runs.
                if required.iter().any(|n| n.len() < MIN_NEEDLE) {
                    return None;
                }
                let ids = required
                    .into_iter()
                    .map(|n| {
                        *index.entry(n.clone()).or_insert_with(|| {
                            all.push(n);
                            all.len() - 1
                        })
                    })
                    .collect();
                Some(ids)
            })
            .collect();
        // A build error (too many needles for the automaton) leaves every
        // expression to run, which is always correct.
        let automaton = (!all.is_empty())
            .then(|| {
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    // A DFA: the scan runs on every event, the build once.
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&all)
                    .ok()
            })
            .flatten();
        let needs = if automaton.is_some() {
            needs
        } else {
            Vec::new()
        };
        Prefilter {
            automaton,
            needles: all.len(),
            needs,
        }
    }

    /// Scans `subject` (a C string: up to its first NUL) once.
    pub fn scan(&self, subject: &[u8]) -> Present {
        let mut present = vec![false; self.needles];
        if let Some(ac) = &self.automaton {
            let subject = &subject[..memchr::memchr(0, subject).unwrap_or(subject.len())];
            for m in ac.find_overlapping_iter(subject) {
                present[m.pattern().as_usize()] = true;
            }
        }
        Present(present)
    }

    /// [`Prefilter::may_match`] that scans `subject` into `present` the first time
    /// an expression with a requirement asks.
    pub fn may_match_lazy(&self, i: usize, subject: &[u8], present: &mut Option<Present>) -> bool {
        match self.needs.get(i) {
            Some(Some(_)) => {
                let present = present.get_or_insert_with(|| self.scan(subject));
                self.may_match(i, present)
            }
            _ => true,
        }
    }

    /// False when expression `i` certainly does not match the scanned subject.
    pub fn may_match(&self, i: usize, present: &Present) -> bool {
        match self.needs.get(i) {
            Some(Some(ids)) => ids
                .iter()
                .any(|&n| present.0.get(n).copied().unwrap_or(true)),
            _ => true,
        }
    }
}
