//! Where lines start and end around an element, read from the span tree so that an
//! edit point is always a token boundary or inside whitespace text, never inside a tag
//! or a comment.

use std::ops::Range;

use crate::xml::tree::{Document, ElementId, Item};

/// How the line of an element ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LineEnd {
    /// At the newline (`\r\n` or `\n`) that starts at this offset.
    Newline(usize),
    /// At the end of a file that has no final newline.
    Eof,
}

/// Only spaces and tabs (what indentation and blank lines are made of).
pub(super) fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b == b' ' || b == b'\t')
}

/// The items around `id` (its parent's content, or the top level) and its index there.
pub(super) fn siblings(doc: &Document, id: ElementId) -> (&[Item], usize) {
    let items = match doc.element(id).parent() {
        Some(p) => doc.content(p),
        None => doc.top(),
    };
    let idx = items
        .iter()
        .position(|i| *i == Item::Element(id))
        .unwrap_or(0);
    (items, idx)
}

/// The newline that starts at `pos`.
pub(super) fn newline_at(src: &str, pos: usize) -> &'static str {
    if src[pos..].starts_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// The newline that ends just before the line start `ls` (`\n` when `ls` is 0).
pub(super) fn newline_before(src: &str, ls: usize) -> &'static str {
    if ls >= 2 && &src.as_bytes()[ls - 2..ls] == b"\r\n" {
        "\r\n"
    } else {
        "\n"
    }
}

/// The start of the line holding `pos`.
fn line_start(src: &str, pos: usize) -> usize {
    src[..pos].rfind('\n').map_or(0, |p| p + 1)
}

/// When item `idx` starts its line (only spaces or tabs before it), where that line
/// starts.
pub(super) fn line_start_before(doc: &Document, items: &[Item], idx: usize) -> Option<usize> {
    let start = item_start(doc, &items[idx]);
    let Some(prev) = idx.checked_sub(1) else {
        return (start == 0).then_some(0);
    };
    let Item::Text(s) = &items[prev] else {
        return None;
    };
    let t = doc.text(s);
    match t.rfind('\n') {
        Some(p) => is_blank(&t[p + 1..]).then_some(s.start() + p + 1),
        None => (s.start() == 0 && is_blank(t)).then_some(0),
    }
}

fn item_start(doc: &Document, item: &Item) -> usize {
    match item {
        Item::Text(s) | Item::Comment(s) | Item::Junk(s) => s.start(),
        Item::Element(id) => doc.element(*id).span().start,
    }
}

/// When only spaces, tabs (and, with `comments`, one-line comments) follow item `idx`
/// on its line, where the line ends. At top level, the end of a file without a final
/// newline also ends the line.
pub(super) fn line_end_after(
    doc: &Document,
    items: &[Item],
    idx: usize,
    comments: bool,
    top: bool,
) -> Option<LineEnd> {
    for item in &items[idx + 1..] {
        match item {
            Item::Text(s) => {
                let t = doc.text(s);
                if let Some(p) = t.find('\n') {
                    let before = t[..p].strip_suffix('\r').unwrap_or(&t[..p]);
                    return is_blank(before).then_some(LineEnd::Newline(s.start() + before.len()));
                }
                if !is_blank(t) {
                    return None;
                }
            }
            Item::Comment(s) if comments && !doc.text(s).contains('\n') => {}
            _ => return None,
        }
    }
    top.then_some(LineEnd::Eof)
}

/// Does the whitespace between item `idx` and the next element sibling in direction
/// `step` (+1 or -1) hold a blank line? `None` when there is no such sibling.
pub(super) fn gap_has_blank(
    doc: &Document,
    items: &[Item],
    idx: usize,
    after: bool,
) -> Option<bool> {
    let mut blank = false;
    let range: Box<dyn Iterator<Item = &Item>> = if after {
        Box::new(items[idx + 1..].iter())
    } else {
        Box::new(items[..idx].iter().rev())
    };
    for item in range {
        match item {
            Item::Element(_) => return Some(blank),
            Item::Text(s) => blank |= has_blank_line(doc.text(s)),
            _ => {}
        }
    }
    None
}

/// Two newlines with only spaces and tabs (and a CR) between them.
fn has_blank_line(t: &str) -> bool {
    let mut lines = t.split('\n');
    lines.next();
    let mut inner: Vec<&str> = lines.collect();
    inner.pop();
    inner
        .iter()
        .any(|l| is_blank(l.strip_suffix('\r').unwrap_or(l)))
}

/// The blank line right before the line start `ls`, as a byte range, when it lies in
/// the text before item `idx`.
pub(super) fn blank_line_before(
    doc: &Document,
    items: &[Item],
    idx: usize,
    ls: usize,
) -> Option<Range<usize>> {
    let Some(Item::Text(text)) = idx.checked_sub(1).map(|i| &items[i]) else {
        return None;
    };
    blank_line_above(doc.source(), text.start(), ls).map(|start| start..ls)
}

/// The start of the blank line right above the line start `ls`, when that whole line
/// lies at or after `floor` (inside one whitespace text).
pub(super) fn blank_line_above(src: &str, floor: usize, ls: usize) -> Option<usize> {
    if ls == 0 || ls <= floor {
        return None;
    }
    let prev_end = ls - newline_before(src, ls).len();
    let prev_start = line_start(src, prev_end);
    (prev_start >= floor && is_blank(&src[prev_start..prev_end])).then_some(prev_start)
}

/// Removing the lines `ls..after` of element `idx`: also take the blank line before
/// them when the element is followed by another blank line or by no sibling, which is
/// how [`super::insert`] separates blocks, so that removing an inserted block restores
/// the file exactly.
pub(super) fn drop_blank_line_before(
    doc: &Document,
    items: &[Item],
    idx: usize,
    ls: usize,
) -> usize {
    let Some(blank) = blank_line_before(doc, items, idx, ls) else {
        return ls;
    };
    match gap_has_blank(doc, items, idx, true) {
        None | Some(true) => blank.start,
        Some(false) => ls,
    }
}

/// The span of an element sharing its line, widened by the spaces that separated it
/// from its neighbour: those before it unless they are the line's indentation, else
/// those after it unless they end the line.
pub(super) fn with_adjacent_spaces(src: &str, span: Range<usize>) -> Range<usize> {
    let b = src.as_bytes();
    let is_sp = |c: u8| c == b' ' || c == b'\t';
    let before = b[..span.start]
        .iter()
        .rev()
        .take_while(|c| is_sp(**c))
        .count();
    let run_start = span.start - before;
    if before > 0 && run_start > 0 && b[run_start - 1] != b'\n' {
        return run_start..span.end;
    }
    let after = b[span.end..].iter().take_while(|c| is_sp(**c)).count();
    let run_end = span.end + after;
    if after > 0 && run_end < b.len() && b[run_end] != b'\n' && b[run_end] != b'\r' {
        return span.start..run_end;
    }
    span
}

/// The indentation of element `id` when it starts its line.
pub(super) fn indent_of(doc: &Document, id: ElementId) -> Option<&str> {
    let (items, idx) = siblings(doc, id);
    let ls = line_start_before(doc, items, idx)?;
    Some(&doc.source()[ls..doc.element(id).span().start])
}

/// The indentation unit of the file near `near`: the extra indentation of a child
/// over its parent, looked for first around `near`, then anywhere; two spaces when
/// nothing is indented.
pub(super) fn indent_unit(doc: &Document, near: Option<ElementId>) -> String {
    let unit = |child: ElementId| -> Option<String> {
        let parent = doc.element(child).parent()?;
        let c = indent_of(doc, child)?;
        let p = indent_of(doc, parent)?;
        c.strip_prefix(p)
            .filter(|u| !u.is_empty())
            .map(str::to_string)
    };
    let mut around = Vec::new();
    let mut cur = near;
    while let Some(id) = cur {
        around.extend(doc.children(id).next());
        around.push(id);
        cur = doc.element(id).parent();
    }
    around
        .into_iter()
        .find_map(unit)
        .or_else(|| doc.elements().find_map(|(id, _)| unit(id)))
        .unwrap_or_else(|| "  ".to_string())
}

/// Moves a line start `ls` (of item `idx`) up over the one-line comments written on
/// the lines right above it, which describe that item and stay with it.
/// Returns the new line start and the index of the item that starts there.
pub(super) fn lift_over_comments(
    doc: &Document,
    items: &[Item],
    idx: usize,
    ls: usize,
) -> (usize, usize) {
    let mut ls = ls;
    let mut i = idx;
    while i >= 2 {
        let (Item::Text(gap), Item::Comment(_)) = (&items[i - 1], &items[i - 2]) else {
            break;
        };
        if doc.text(gap).matches('\n').count() != 1 {
            break;
        }
        match line_start_before(doc, items, i - 2) {
            Some(up) => ls = up,
            None => break,
        }
        i -= 2;
    }
    (ls, i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    #[test]
    fn blank_lines_are_found_only_between_two_newlines() {
        assert!(has_blank_line("\n\n  "));
        assert!(has_blank_line("\r\n  \r\n  "));
        assert!(!has_blank_line("\n  "));
        assert!(!has_blank_line("  "));
    }

    #[test]
    fn indent_unit_comes_from_the_nearest_nesting() {
        let doc = parse("<a>\n\t<b>\n\t\t<c/>\n\t</b>\n</a>\n");
        let c = doc
            .elements()
            .find(|(id, _)| doc.name(*id) == "c")
            .map(|(id, _)| id);
        assert_eq!(indent_unit(&doc, c), "\t");
        assert_eq!(indent_unit(&parse("<a><b/></a>"), None), "  ");
    }

    #[test]
    fn adjacent_spaces_go_with_a_shared_line_element() {
        let src = "<a> <b/> <c/></a>";
        assert_eq!(with_adjacent_spaces(src, 4..8), 3..8);
        let src = "  <b/> <c/>\n";
        assert_eq!(with_adjacent_spaces(src, 2..6), 2..7);
    }
}
