//! One pass over a subject for many expressions: which of them certainly do not
//! match. Each OS_Regex alternative consumes a literal run whole (its needle, see
//! `literal::needle`) and each OS_Match alternative is a literal, so an expression
//! whose every alternative has one cannot match a subject that contains none of
//! them. The decoder roots of a ruleset are hundreds of such expressions tried in
//! turn on every event; one pass over the subject tells which needles may be in it
//! (docs/analysis-patterns.md "Prefilter"). The answer "may match" still runs the
//! expression itself, so results never change.

use super::Expression;

/// The shortest needle worth looking for (and the length of the pieces a subject
/// is cut into).
const MIN_NEEDLE: usize = 3;
/// Bits of the hash of a three-byte piece: a set of 16,384 bits (2 KiB) per
/// subject.
const HASH_BITS: u32 = 14;

/// The needles of a list of expressions, and which expression needs which.
#[derive(Debug, Default, Clone)]
pub struct Prefilter {
    /// Per needle: the hashes of its three-byte pieces, each once.
    needles: Vec<Vec<u16>>,
    /// Per expression: the needles of which at least one must be present, or None
    /// (no requirement: always run).
    needs: Vec<Option<Vec<usize>>>,
}

/// The three-byte pieces of one subject, hashed: written by hand because what is
/// asked is not where literals occur but which of many may occur, for several lists
/// of expressions over the same subject. An Aho-Corasick automaton per list walks
/// the subject once per list, a table of up to a megabyte one dependent step per
/// byte; here the subject is hashed once, and a needle may be present when every
/// piece of it is. Case is folded by setting bit 5 of each byte, which only merges
/// more bytes (a few punctuation bytes with their neighbours), never fewer: the
/// answer is sometimes "may match" for an expression that then fails, never "no"
/// for one that matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Present(Box<[u64]>);

/// The hash of the three bytes at the start of `w`, ASCII case folded.
fn piece(w: &[u8]) -> u16 {
    let key = u32::from(w[0] | 0x20) | u32::from(w[1] | 0x20) << 8 | u32::from(w[2] | 0x20) << 16;
    (key.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as u16
}

impl Present {
    /// The pieces of `subject` (a C string: up to its first NUL).
    pub fn of(subject: &[u8]) -> Present {
        let subject = &subject[..memchr::memchr(0, subject).unwrap_or(subject.len())];
        let mut bits = vec![0u64; (1 << HASH_BITS) / 64].into_boxed_slice();
        for w in subject.windows(MIN_NEEDLE) {
            let h = usize::from(piece(w));
            bits[h / 64] |= 1 << (h % 64);
        }
        Present(bits)
    }

    fn has(&self, h: u16) -> bool {
        let h = usize::from(h);
        self.0[h / 64] & (1 << (h % 64)) != 0
    }
}

impl Prefilter {
    /// Builds the prefilter of `expressions`, in order (None: no expression at that
    /// position, nothing to rule out).
    pub fn new<'a>(expressions: impl IntoIterator<Item = Option<&'a Expression>>) -> Prefilter {
        let mut needles: Vec<Vec<u16>> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let needs = expressions
            .into_iter()
            .map(|e| {
                let required = e?.matcher.required()?;
                // A needle of a byte or two (a space, `: `) is in nearly every
                // subject and rules nothing out: such an expression always runs.
                if required.iter().any(|n| n.len() < MIN_NEEDLE) {
                    return None;
                }
                let ids = required
                    .into_iter()
                    .map(|n| {
                        *index.entry(n.clone()).or_insert_with(|| {
                            let mut pieces: Vec<u16> = n.windows(MIN_NEEDLE).map(piece).collect();
                            pieces.sort_unstable();
                            pieces.dedup();
                            needles.push(pieces);
                            needles.len() - 1
                        })
                    })
                    .collect();
                Some(ids)
            })
            .collect();
        Prefilter { needles, needs }
    }

    /// The pieces of `subject`: [`Present::of`], shared by every prefilter asked
    /// about the same subject.
    pub fn scan(&self, subject: &[u8]) -> Present {
        Present::of(subject)
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
                .any(|&n| self.needles[n].iter().all(|&h| present.has(h))),
            _ => true,
        }
    }
}
