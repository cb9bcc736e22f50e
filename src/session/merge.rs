//! Re-applying the session's edits onto a file someone else changed meanwhile: a
//! three-way merge by lines of the text as read (`base`), ours and theirs. Each of our
//! changes is a splice of base lines; it is replayed onto theirs where their change did
//! not touch those lines, so their bytes and ours both survive and nothing else moves.
//! Where both changed the same place, the clash is narrowed to what truly differs: line
//! by line when both rewrote the same lines (one field is one line), and two
//! insertions of different fields at one place both go in. What is left, the same
//! field changed both ways, is a [`Conflict`], settled one by one ([`Choose`];
//! docs/ARCHITECTURE.md "Two writers").

use similar::{Algorithm, DiffOp, capture_diff_slices};

/// One place both sides changed differently: the same field changed both ways.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// 1-based line of the text as read where the clash starts.
    pub line: usize,
    /// Our version of those lines (empty: we removed them).
    pub ours: String,
    /// Theirs.
    pub theirs: String,
    /// The element the lines are about (`level`, `active-response`…), when one is.
    pub field: Option<String>,
    /// The block they are in, as the editor names it (`response #2`), when known.
    pub block: Option<String>,
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

/// The changes from `base` to `side`: the gaps between the lines the diff found
/// equal. (Taken from the equal runs alone, whose positions are consistent on both
/// sides; the positions `similar` gives its insertions after a deletion are not always.)
fn changes<'a>(base: &[&'a str], side: &[&'a str]) -> Vec<Change<'a>> {
    let mut out = Vec::new();
    let (mut old_at, mut new_at) = (0, 0);
    let equal = capture_diff_slices(Algorithm::Myers, base, side)
        .into_iter()
        .filter_map(|op| match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => Some((old_index, new_index, len)),
            _ => None,
        })
        .chain(std::iter::once((base.len(), side.len(), 0)));
    for (old, new, len) in equal {
        if old < old_at || new < new_at {
            continue;
        }
        if old > old_at || new > new_at {
            out.push(Change {
                start: old_at,
                end: old,
                lines: side[new_at..new].to_vec(),
            });
        }
        (old_at, new_at) = (old + len, new + len);
    }
    out
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

/// Whose version wins a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The session's edits.
    Ours,
    /// What the file holds now.
    Theirs,
}

/// How conflicts are settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choose {
    /// Not at all: any conflict fails the merge, which reports them.
    Ask,
    /// Every conflict by this side.
    All(Side),
    /// Conflict `k` (in the order [`merge`] reports them) by the `k`-th side.
    Each(Vec<Side>),
}

impl Choose {
    fn side(&self, k: usize) -> Option<Side> {
        match self {
            Choose::Ask => None,
            Choose::All(s) => Some(*s),
            Choose::Each(v) => v.get(k).copied(),
        }
    }
}

/// `conflicts` (lines of `base`) with the block each is in: `response #N`,
/// `command NAME`.
pub fn name_blocks(base: &str, mut conflicts: Vec<Conflict>) -> Vec<Conflict> {
    let doc = crate::xml::parse(base);
    let cfg = crate::model::Config::from_document(&doc);
    let starts: Vec<usize> = std::iter::once(0)
        .chain(base.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    for c in &mut conflicts {
        let Some(&at) = starts.get(c.line - 1) else {
            continue;
        };
        let inside = |e| doc.element(e).span().contains(&at);
        let response = cfg.responses.iter().find(|r| inside(r.element));
        let command = cfg.commands.iter().find(|k| inside(k.element));
        c.block = match (response, command) {
            (Some(r), _) => Some(format!("response #{}", r.index)),
            (_, Some(k)) => Some(match k.name() {
                Some(n) => format!("command {n}"),
                None => format!("command #{}", k.index),
            }),
            _ => None,
        };
    }
    conflicts
}

/// A piece of the merged text: settled lines, or a clash still to settle.
enum Piece<'a> {
    Lines(Vec<&'a str>),
    Clash {
        at: usize,
        ours: Vec<&'a str>,
        theirs: Vec<&'a str>,
    },
}

/// `theirs` with our changes (from `base` to `ours`) replayed onto it; the conflicts
/// when some of ours clash with theirs.
pub fn merge(base: &str, ours: &str, theirs: &str) -> Result<String, Vec<Conflict>> {
    merge_choosing(base, ours, theirs, &Choose::Ask)
}

/// Like [`merge`]; `choose` settles the conflicts it can (those it leaves are
/// reported, and nothing is merged).
pub fn merge_choosing(
    base: &str,
    ours: &str,
    theirs: &str,
    choose: &Choose,
) -> Result<String, Vec<Conflict>> {
    let base_lines = lines(base);
    let ours_c = changes(&base_lines, &lines(ours));
    let theirs_c = changes(&base_lines, &lines(theirs));
    let mut out = String::with_capacity(theirs.len() + ours.len());
    let mut conflicts = Vec::new();
    let mut k = 0;
    for piece in pieces(&base_lines, &ours_c, &theirs_c) {
        match piece {
            Piece::Lines(l) => out.extend(l),
            Piece::Clash { at, ours, theirs } => {
                match choose.side(k) {
                    Some(Side::Ours) => out.extend(ours),
                    Some(Side::Theirs) => out.extend(theirs),
                    None => conflicts.push(conflict(at, &ours, &theirs)),
                }
                k += 1;
            }
        }
    }
    match conflicts.is_empty() {
        true => Ok(out),
        false => Err(conflicts),
    }
}

fn conflict(at: usize, ours: &[&str], theirs: &[&str]) -> Conflict {
    let (ours, theirs) = (ours.concat(), theirs.concat());
    let field = element_name(&ours).or_else(|| element_name(&theirs));
    Conflict {
        line: at + 1,
        ours,
        theirs,
        field,
        block: None,
    }
}

/// The name of the first start tag in `text`.
fn element_name(text: &str) -> Option<String> {
    let at = text.find('<')?;
    let name: String = text[at + 1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
        .collect();
    (!name.is_empty()).then_some(name)
}

/// The merged text as pieces, in base order: the changes of both sides grouped where
/// they clash, each group settled or narrowed to its clashes.
fn pieces<'a>(base: &[&'a str], ours_c: &[Change<'a>], theirs_c: &[Change<'a>]) -> Vec<Piece<'a>> {
    let mut out = Vec::new();
    let mut at = 0;
    for g in groups(ours_c, theirs_c) {
        out.push(Piece::Lines(base[at..g.lo].to_vec()));
        let region = &base[g.lo..g.hi];
        let o = splice(region, g.lo, &g.ours);
        let t = splice(region, g.lo, &g.theirs);
        match (g.ours.is_empty(), g.theirs.is_empty()) {
            (true, _) => out.push(Piece::Lines(t)),
            (_, true) => out.push(Piece::Lines(o)),
            _ if o == t => out.push(Piece::Lines(o)),
            _ => out.extend(narrow(region, g.lo, o, t)),
        }
        at = g.hi;
    }
    out.push(Piece::Lines(base[at..].to_vec()));
    out
}

/// Changes of both sides that clash, and the base lines they span.
struct Group<'c, 'a> {
    lo: usize,
    hi: usize,
    ours: Vec<&'c Change<'a>>,
    theirs: Vec<&'c Change<'a>>,
}

/// Every change in one group with those it clashes with (transitively), in order.
fn groups<'c, 'a>(ours_c: &'c [Change<'a>], theirs_c: &'c [Change<'a>]) -> Vec<Group<'c, 'a>> {
    let mut all: Vec<(bool, &Change<'a>)> = ours_c
        .iter()
        .map(|c| (true, c))
        .chain(theirs_c.iter().map(|c| (false, c)))
        .collect();
    all.sort_by_key(|(mine, c)| (c.start, c.end, !mine));
    let mut out: Vec<Group<'c, 'a>> = Vec::new();
    for (mine, c) in all {
        let joins = out.last().is_some_and(|g| {
            let other = if mine { &g.theirs } else { &g.ours };
            other.iter().any(|o| clash(o, c)) || c.start < g.hi
        });
        if !joins {
            out.push(Group {
                lo: c.start,
                hi: c.end,
                ours: Vec::new(),
                theirs: Vec::new(),
            });
        }
        if let Some(g) = out.last_mut() {
            g.hi = g.hi.max(c.end);
            g.lo = g.lo.min(c.start);
            match mine {
                true => g.ours.push(c),
                false => g.theirs.push(c),
            }
        }
    }
    out
}

/// `region` (base lines from `lo`) with one side's changes made.
fn splice<'a>(region: &[&'a str], lo: usize, changes: &[&Change<'a>]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut at = 0;
    for c in changes {
        out.extend(region[at..c.start - lo].iter().copied());
        out.extend(c.lines.iter().copied());
        at = c.end - lo;
    }
    out.extend(region[at..].iter().copied());
    out
}

/// A region both sides changed differently, narrowed to what truly clashes: the lines
/// of a line-for-line rewrite that both changed differently, or nothing when both
/// inserted different elements at one place (theirs go first, then ours).
fn narrow<'a>(region: &[&'a str], lo: usize, o: Vec<&'a str>, t: Vec<&'a str>) -> Vec<Piece<'a>> {
    if region.is_empty() && disjoint(&o, &t) {
        return vec![Piece::Lines(t.into_iter().chain(o).collect())];
    }
    if o.len() != region.len() || t.len() != region.len() {
        return vec![Piece::Clash {
            at: lo,
            ours: o,
            theirs: t,
        }];
    }
    let mut out = Vec::new();
    for (i, b) in region.iter().enumerate() {
        let (oi, ti) = (o[i], t[i]);
        if oi == ti || ti == *b {
            out.push(Piece::Lines(vec![oi]));
        } else if oi == *b {
            out.push(Piece::Lines(vec![ti]));
        } else {
            out.push(Piece::Clash {
                at: lo + i,
                ours: vec![oi],
                theirs: vec![ti],
            });
        }
    }
    out
}

/// Can two insertions at one place both go in? When each adds whole blocks (two new
/// commands, two new responses), or fields of different names.
fn disjoint(o: &[&str], t: &[&str]) -> bool {
    let names = |l: &[&str]| -> Vec<String> {
        l.iter()
            .filter(|x| !x.trim_start().starts_with("</"))
            .filter_map(|x| element_name(x))
            .collect()
    };
    let (a, b) = (names(o), names(t));
    let block = |n: &[String]| {
        n.first()
            .is_some_and(|f| f == "command" || f == "active-response")
    };
    match (a.is_empty() || b.is_empty(), block(&a) && block(&b)) {
        (true, _) => false,
        (false, true) => true,
        (false, false) => a.iter().all(|n| !b.contains(n)),
    }
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
                theirs: "theirs\n".into(),
                field: None,
                block: None,
            }]
        );
    }

    #[test]
    fn a_winner_resolves_the_clash_and_keeps_the_rest() {
        let (ours, theirs) = ("a\nmine\nc\nd\ne\n", "a\ntheirs\nc\nd\nE\n");
        assert_eq!(
            merge_choosing(BASE, ours, theirs, &Choose::All(Side::Ours)),
            Ok("a\nmine\nc\nd\nE\n".into())
        );
        assert_eq!(
            merge_choosing(BASE, ours, theirs, &Choose::All(Side::Theirs)),
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

    const BLOCK: &str = "<ossec_config>\n  <active-response>\n    <command>fd</command>\n    <level>10</level>\n    <timeout>600</timeout>\n  </active-response>\n</ossec_config>\n";

    #[test]
    fn two_fields_of_a_rewrite_clash_one_by_one_and_are_settled_each_way() {
        // Ours: level 12, timeout 60 (one hunk of two lines); theirs: level 11,
        // timeout 300 and the command renamed.
        let ours = BLOCK.replace("10", "12").replace("600", "60");
        let theirs = BLOCK
            .replace("10", "11")
            .replace("600", "300")
            .replace(">fd<", ">fw<");
        let e = merge(BLOCK, &ours, &theirs).expect_err("two clashes");
        let found: Vec<(usize, &str, &str, Option<&str>)> = e
            .iter()
            .map(|c| (c.line, c.ours.trim(), c.theirs.trim(), c.field.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                (4, "<level>12</level>", "<level>11</level>", Some("level")),
                (
                    5,
                    "<timeout>60</timeout>",
                    "<timeout>300</timeout>",
                    Some("timeout")
                ),
            ]
        );
        let named = name_blocks(BLOCK, e);
        assert_eq!(named[1].block.as_deref(), Some("response #1"));
        let each = Choose::Each(vec![Side::Ours, Side::Theirs]);
        let expected = BLOCK
            .replace(">fd<", ">fw<")
            .replace("10", "12")
            .replace("600", "300");
        assert_eq!(merge_choosing(BLOCK, &ours, &theirs, &each), Ok(expected));
    }

    #[test]
    fn different_fields_inserted_at_one_place_both_go_in() {
        let at = "    <level>10</level>\n";
        let ours = BLOCK.replace(at, &format!("{at}    <rules_id>5712</rules_id>\n"));
        let theirs = BLOCK.replace(at, &format!("{at}    <agent_id>003</agent_id>\n"));
        let both = BLOCK.replace(
            at,
            &format!("{at}    <agent_id>003</agent_id>\n    <rules_id>5712</rules_id>\n"),
        );
        assert_eq!(merge(BLOCK, &ours, &theirs), Ok(both));
        // The same field inserted with two values is a true conflict.
        let theirs = BLOCK.replace(at, &format!("{at}    <rules_id>31151</rules_id>\n"));
        let e = merge(BLOCK, &ours, &theirs).expect_err("same field");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field.as_deref(), Some("rules_id"));
    }

    #[test]
    fn two_new_blocks_at_one_place_both_go_in() {
        let end = "</ossec_config>\n";
        let block = |n: &str| format!("  <command>\n    <name>{n}</name>\n  </command>\n");
        let ours = BLOCK.replace(end, &format!("{}{end}", block("a")));
        let theirs = BLOCK.replace(end, &format!("{}{end}", block("b")));
        let both = BLOCK.replace(end, &format!("{}{}{end}", block("b"), block("a")));
        assert_eq!(merge(BLOCK, &ours, &theirs), Ok(both));
    }

    #[test]
    fn a_block_they_removed_and_we_edited_is_a_conflict_with_an_empty_side() {
        let ours = BLOCK.replace("600", "60");
        let block_at = BLOCK.find("  <active-response>").expect("block");
        let block_end = BLOCK.find("</ossec_config>").expect("end");
        let theirs = format!("{}{}", &BLOCK[..block_at], &BLOCK[block_end..]);
        let e = merge(BLOCK, &ours, &theirs).expect_err("edit vs removal");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].theirs, "");
        assert!(e[0].ours.contains("<timeout>60</timeout>"), "{:?}", e[0]);
        let kept = merge_choosing(BLOCK, &ours, &theirs, &Choose::All(Side::Theirs));
        assert_eq!(kept, Ok(theirs.clone()));
    }

    /// Regression: `similar` placed an insertion after a deletion before the line the
    /// diff kept equal, so the same change on both sides came out reordered.
    #[test]
    fn an_insertion_after_a_kept_line_stays_after_it() {
        let base = "  <timeout>5</timeout>\n  <level>2</level>\n";
        let x = "  <level>2</level>\n  <level>2</level>\na\na\na\na\na\na\na\n";
        assert_eq!(merge(base, x, x), Ok(x.to_string()));
        assert_eq!(merge(base, base, x), Ok(x.to_string()));
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        fn text() -> impl Strategy<Value = String> {
            let line = prop::sample::select(vec![
                "a\n",
                "b\n",
                "  <level>1</level>\n",
                "  <level>2</level>\n",
                "  <timeout>5</timeout>\n",
                "<command>\n",
                "</command>\n",
                "\n",
                "z",
            ]);
            prop::collection::vec(line, 0..12).prop_map(|v| v.concat())
        }

        proptest! {
            #[test]
            fn one_side_unchanged_gives_the_other(b in text(), x in text()) {
                prop_assert_eq!(merge(&b, &b, &x), Ok(x.clone()));
                prop_assert_eq!(merge(&b, &x, &b), Ok(x.clone()));
                prop_assert_eq!(merge(&b, &x, &x), Ok(x));
            }

            #[test]
            fn every_conflict_settled_merges(b in text(), o in text(), t in text()) {
                for side in [Side::Ours, Side::Theirs] {
                    prop_assert!(merge_choosing(&b, &o, &t, &Choose::All(side)).is_ok());
                }
                if let Err(c) = merge(&b, &o, &t) {
                    let each = Choose::Each(vec![Side::Ours; c.len()]);
                    prop_assert_eq!(
                        merge_choosing(&b, &o, &t, &each),
                        merge_choosing(&b, &o, &t, &Choose::All(Side::Ours))
                    );
                    let named = name_blocks(&b, c);
                    prop_assert!(named.iter().all(|c| c.line >= 1));
                }
            }
        }
    }
}
