//! One pass over a subject for many expressions: which of them certainly do not
//! match. Each OS_Regex alternative consumes a literal run whole (its needle, see
//! `literal::needle`) and each OS_Match alternative is a literal, so an expression
//! whose every alternative has one cannot match a subject that contains none of
//! them. The decoder roots of a ruleset are hundreds of such expressions tried in
//! turn on every event; one pass over the subject tells which needles may be in it
//! (docs/analysis-patterns.md "Prefilter"). The answer "may match" still runs the
//! expression itself, so results never change.

use std::ops::Range;

use super::Expression;

/// The shortest needle worth looking for (and the length of the pieces a subject
/// is cut into).
const MIN_NEEDLE: usize = 3;
/// Bits of the hash of a three-byte piece: a set of at most 16,384 bits (2 KiB)
/// per subject.
const HASH_BITS: u32 = 14;

/// The needles of a list of expressions, and which expression needs which.
#[derive(Debug, Default, Clone)]
pub struct Prefilter {
    /// Per expression: its range of `alternatives`; an empty one when it has no
    /// requirement (it always runs).
    expressions: Vec<Range<u32>>,
    /// Per alternative (one must be present): its range of `pieces`.
    alternatives: Vec<Range<u32>>,
    /// The hashes of each needle's three-byte pieces, each once.
    pieces: Vec<u16>,
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
    hash(u32::from(w[0] | 0x20) | u32::from(w[1] | 0x20) << 8 | u32::from(w[2] | 0x20) << 16)
}

/// The hash of a piece's key (its three folded bytes, the first lowest).
fn hash(key: u32) -> u16 {
    (key.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as u16
}

impl Present {
    /// The pieces of `subject` (a C string: up to its first NUL). The set has about
    /// eight bits per byte of subject (a power of two, 512 to 16,384): a short line
    /// does not pay for a long one's set, and a hash is taken modulo the size, which
    /// only merges pieces.
    pub fn of(subject: &[u8]) -> Present {
        let subject = &subject[..memchr::memchr(0, subject).unwrap_or(subject.len())];
        let words = (subject.len() / 8)
            .next_power_of_two()
            .clamp(8, (1 << HASH_BITS) / 64);
        // Built in a set of the largest size, whose index the compiler sees is in
        // bounds, then cut to `words`.
        let mut bits = [0u64; (1 << HASH_BITS) / 64];
        let mask = words * 64 - 1;
        let mut set = |h: u16| {
            let h = usize::from(h) & mask;
            bits[(h / 64) % bits.len()] |= 1 << (h % 64);
        };
        // Eight bytes read and folded at once give the keys of six pieces (the same
        // as `piece` on each window); the last windows one by one.
        let mut i = 0;
        while let Some(chunk) = subject.get(i..).and_then(|r| r.first_chunk::<8>()) {
            let w = u64::from_le_bytes(*chunk) | 0x2020_2020_2020_2020;
            for j in 0..6 {
                set(hash((w >> (8 * j)) as u32 & 0x00FF_FFFF));
            }
            i += 6;
        }
        for w in subject[i..].windows(MIN_NEEDLE) {
            set(piece(w));
        }
        Present(bits[..words].into())
    }

    fn has(&self, h: u16) -> bool {
        let h = usize::from(h) & (self.0.len() * 64 - 1);
        self.0[h / 64] & (1 << (h % 64)) != 0
    }
}

impl Prefilter {
    /// Builds the prefilter of `expressions`, in order (None: no expression at that
    /// position, nothing to rule out).
    pub fn new<'a>(expressions: impl IntoIterator<Item = Option<&'a Expression>>) -> Prefilter {
        let mut f = Prefilter::default();
        for e in expressions {
            let start = f.alternatives.len() as u32;
            let required = e.and_then(|e| e.matcher.required());
            // A needle of a byte or two (a space, `: `) is in nearly every subject
            // and rules nothing out: such an expression always runs.
            for needle in required
                .filter(|r| r.iter().all(|n| n.len() >= MIN_NEEDLE))
                .unwrap_or_default()
            {
                let mut pieces: Vec<u16> = needle.windows(MIN_NEEDLE).map(piece).collect();
                pieces.sort_unstable();
                pieces.dedup();
                let from = f.pieces.len() as u32;
                f.pieces.extend(pieces);
                f.alternatives.push(from..f.pieces.len() as u32);
            }
            f.expressions.push(start..f.alternatives.len() as u32);
        }
        f
    }

    /// [`Prefilter::may_match`] that scans `subject` into `present` the first time
    /// an expression with a requirement asks.
    pub fn may_match_lazy(&self, i: usize, subject: &[u8], present: &mut Option<Present>) -> bool {
        if self.expressions.get(i).is_none_or(Range::is_empty) {
            return true;
        }
        let present = present.get_or_insert_with(|| Present::of(subject));
        self.may_match(i, present)
    }

    /// Per alternative of expression `i`, whether it may match the scanned subject:
    /// bit `k` is clear when alternative `k` certainly does not (its needle is not
    /// there); none set when the expression certainly does not match. Every bit is
    /// set when the expression has no requirement, or more than 64 alternatives
    /// and one of them may match.
    pub fn alternatives(&self, i: usize, present: &Present) -> u64 {
        let Some(alts) = self.expressions.get(i).filter(|r| !r.is_empty()) else {
            return u64::MAX;
        };
        let alts = &self.alternatives[span(alts)];
        let may = |alt: &Range<u32>| self.has_pieces(alt, present);
        if alts.len() > 64 {
            return if alts.iter().any(may) { u64::MAX } else { 0 };
        }
        alts.iter()
            .enumerate()
            .filter(|(_, alt)| may(alt))
            .fold(0, |bits, (k, _)| bits | 1 << k)
    }

    /// False when expression `i` certainly does not match the scanned subject.
    pub fn may_match(&self, i: usize, present: &Present) -> bool {
        let Some(alts) = self.expressions.get(i).filter(|r| !r.is_empty()) else {
            return true;
        };
        self.alternatives[span(alts)]
            .iter()
            .any(|alt| self.has_pieces(alt, present))
    }

    /// Whether every piece of the needle of alternative `alt` (its range of
    /// `pieces`) is in the scanned subject: the needle may be there.
    fn has_pieces(&self, alt: &Range<u32>, present: &Present) -> bool {
        self.pieces[span(alt)].iter().all(|&h| present.has(h))
    }
}

/// A range of the prefilter's tables as indices.
fn span(r: &Range<u32>) -> Range<usize> {
    r.start as usize..r.end as usize
}

#[cfg(test)]
mod tests {
    use super::{MIN_NEEDLE, Prefilter, Present, piece};
    use crate::pattern::{Engine, Expression};

    /// Bit `k` of an expression's alternatives is clear exactly when alternative
    /// `k`'s needle is absent; an expression without a requirement has them all.
    #[test]
    fn alternatives_clear_the_bits_of_absent_needles() {
        let e = |p: &str| Expression::compile(Engine::OsRegex, p).expect("compiles");
        let exprs = [e("user=(\\S+)|action=(\\S+)|srcip=(\\S+)"), e("\\w+")];
        let filter = Prefilter::new(exprs.iter().map(Some));
        let present = Present::of(b"date=x ACTION=drop srcip=1.2.3.4");
        assert_eq!(filter.alternatives(0, &present), 0b110);
        assert!(filter.may_match(0, &present));
        assert_eq!(filter.alternatives(0, &Present::of(b"nothing here")), 0);
        assert_eq!(filter.alternatives(1, &present), u64::MAX);
    }

    /// The keys [`Present::of`] takes eight bytes at a time set the bit of every
    /// window's `piece`, and only those, whatever the length.
    #[test]
    fn the_sliding_key_hashes_every_window() {
        for s in [
            &b""[..],
            b"ab",
            b"abc",
            b"Failed password for ROOT",
            b"0123456",
            b"01234567",
            b"0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH",
            b"\xff\x00\x80 x",
        ] {
            let present = Present::of(s);
            let s = &s[..s.iter().position(|&b| b == 0).unwrap_or(s.len())];
            let mut expected = vec![0u64; present.0.len()];
            let mask = expected.len() * 64 - 1;
            for w in s.windows(MIN_NEEDLE) {
                let h = usize::from(piece(w)) & mask;
                expected[h / 64] |= 1 << (h % 64);
            }
            assert_eq!(&present.0[..], &expected[..], "{s:?}");
        }
    }
}
