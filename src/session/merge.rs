//! Re-applying the session's edits onto a file someone else changed meanwhile: a
//! three-way merge by lines of the text as read (`base`), ours and theirs. Each of our
//! changes is a splice of base lines; it is replayed onto theirs where their change did
//! not touch those lines, so their bytes and ours both survive and nothing else moves.
//! Where both changed the same lines differently, nothing is merged: the conflicts are
//! reported.

use similar::{Algorithm, DiffOp, capture_diff_slices};

/// Lines both sides changed differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// 1-based line of the text as read where the clash starts.
    pub line: usize,
    /// Our version of those lines.
    pub ours: String,
    /// Theirs.
    pub theirs: String,
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}: yours {:?}, theirs {:?}",
            self.line,
            self.ours.trim(),
            self.theirs.trim()
        )
    }
}

/// One side's change: base lines `start..end` become `lines`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Change<'a> {
    start: usize,
    end: usize,
    lines: Vec<&'a str>,
}

fn changes<'a>(base: &[&'a str], side: &[&'a str]) -> Vec<Change<'a>> {
    capture_diff_slices(Algorithm::Myers, base, side)
        .into_iter()
        .filter_map(|op| match op {
            DiffOp::Equal { .. } => None,
            other => {
                let (old, new) = (other.old_range(), other.new_range());
                Some(Change {
                    start: old.start,
                    end: old.end,
                    lines: side[new].to_vec(),
                })
            }
        })
        .collect()
}

/// Do two changes touch the same base lines (or insert at the same place)?
fn clash(a: &Change<'_>, b: &Change<'_>) -> bool {
    let overlap = a.start < b.end && b.start < a.end;
    let same_point = a.start == b.start && (a.start == a.end || b.start == b.end);
    let inside = |ins: &Change<'_>, other: &Change<'_>| {
        ins.start == ins.end && other.start < ins.start && ins.start < other.end
    };
    overlap || same_point || inside(a, b) || inside(b, a)
}

/// The lines of `text`, each with its line end (a missing final one stays missing).
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Whose version wins where both changed the same lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The session's edits.
    Ours,
    /// What the file holds now.
    Theirs,
}

/// `theirs` with our changes (from `base` to `ours`) replayed onto it; the conflicts
/// when some of ours clash with theirs.
pub fn merge(base: &str, ours: &str, theirs: &str) -> Result<String, Vec<Conflict>> {
    merge_resolving(base, ours, theirs, None)
}

/// Like [`merge`]; with `winner`, where both changed the same lines that side's
/// change is taken and the other's dropped, so there is no conflict.
pub fn merge_resolving(
    base: &str,
    ours: &str,
    theirs: &str,
    winner: Option<Side>,
) -> Result<String, Vec<Conflict>> {
    let base_lines = lines(base);
    let ours_c = changes(&base_lines, &lines(ours));
    let theirs_c = changes(&base_lines, &lines(theirs));
    let beaten = |t: &Change<'_>| ours_c.iter().any(|o| clash(o, t) && o != t);
    let mut all: Vec<&Change<'_>> = match winner {
        Some(Side::Ours) => theirs_c.iter().filter(|t| !beaten(t)).collect(),
        _ => theirs_c.iter().collect(),
    };
    let mut conflicts = Vec::new();
    for o in &ours_c {
        match (theirs_c.iter().find(|t| clash(o, t)), winner) {
            (Some(t), _) if t == o => {}
            (None, _) | (Some(_), Some(Side::Ours)) => all.push(o),
            (Some(_), Some(Side::Theirs)) => {}
            (Some(t), None) => conflicts.push(Conflict {
                line: o.start.min(t.start) + 1,
                ours: o.lines.concat(),
                theirs: t.lines.concat(),
            }),
        }
    }
    if !conflicts.is_empty() {
        return Err(conflicts);
    }
    all.sort_by_key(|c| (c.start, c.end));
    let mut out = String::with_capacity(theirs.len() + ours.len());
    let mut at = 0;
    for c in all {
        out.extend(base_lines[at..c.start].iter().copied());
        out.extend(c.lines.iter().copied());
        at = c.end;
    }
    out.extend(base_lines[at..].iter().copied());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "a\nb\nc\nd\ne\n";

    #[test]
    fn changes_to_different_lines_both_survive() {
        let ours = "a\nb\nC\nd\ne\n";
        let theirs = "A\nb\nc\nd\nnew\ne\n";
        assert_eq!(merge(BASE, ours, theirs), Ok("A\nb\nC\nd\nnew\ne\n".into()));
    }

    #[test]
    fn the_same_change_on_both_sides_is_taken_once() {
        let both = "a\nB\nc\nd\ne\n";
        assert_eq!(merge(BASE, both, both), Ok(both.into()));
    }

    #[test]
    fn the_same_line_changed_both_ways_is_a_conflict() {
        let e = merge(BASE, "a\nb\nmine\nd\ne\n", "a\nb\ntheirs\nd\ne\n").expect_err("clash");
        assert_eq!(
            e,
            [Conflict {
                line: 3,
                ours: "mine\n".into(),
                theirs: "theirs\n".into()
            }]
        );
    }

    #[test]
    fn a_winner_resolves_the_clash_and_keeps_the_rest() {
        let (ours, theirs) = ("a\nmine\nc\nd\ne\n", "a\ntheirs\nc\nd\nE\n");
        assert_eq!(
            merge_resolving(BASE, ours, theirs, Some(Side::Ours)),
            Ok("a\nmine\nc\nd\nE\n".into())
        );
        assert_eq!(
            merge_resolving(BASE, ours, theirs, Some(Side::Theirs)),
            Ok(theirs.into())
        );
    }

    #[test]
    fn crlf_and_a_missing_final_newline_are_kept() {
        let base = "a\r\nb\r\nc";
        assert_eq!(
            merge(base, "a\r\nB\r\nc", "a\r\nb\r\nC"),
            Ok("a\r\nB\r\nC".into())
        );
    }
}
