//! Edits as byte-range splices that keep every neighbouring byte (docs/ARCHITECTURE.md
//! "Guarantees" 2, §5 `xml/`).
//!
//! Each function computes the [`Splice`]s of one change against a parsed [`Document`]:
//! replace an element's text, insert an element, remove an element. The caller applies
//! them with [`apply`] and re-parses; [`inverse`] gives the splices that undo them.
//! Nothing here knows about Wazuh options: the layout of inserted elements (indentation,
//! newline style, one-line blocks, blank lines between blocks) is copied from the
//! nearest siblings (docs/ARCHITECTURE.md "Habits" 2, docs/ARCHITECTURE.md "Habits" 2).

mod insert;
mod lines;

use std::ops::Range;

use super::parse::{MAX_TEXT, is_space};
use super::tree::{Document, ElementId, Item};

pub use insert::{Body, NewElement, Position, insert};

/// Replace the bytes `range` of a source text by `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splice {
    /// The bytes replaced (empty for a pure insertion).
    pub range: Range<usize>,
    /// What replaces them.
    pub text: String,
}

impl Splice {
    fn new(range: Range<usize>, text: impl Into<String>) -> Splice {
        Splice {
            range,
            text: text.into(),
        }
    }
}

/// Why an edit cannot be computed or applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The text cannot be written so that the reader gives it back.
    #[error(transparent)]
    Unrepresentable(#[from] Unrepresentable),
    /// The element has no end tag: the file is broken there.
    #[error("<{name}> (byte {offset}) is never closed, so nothing can be written inside it")]
    NotClosed {
        /// The element's name.
        name: String,
        /// Where its start tag is.
        offset: usize,
    },
    /// Not a name the reader would read back as one element name.
    #[error("'{0}' is not a valid element name")]
    BadName(String),
    /// Splices overlap or fall outside the text.
    #[error("edit ranges overlap or fall outside the text at byte {0}")]
    BadRange(usize),
}

/// A value that no bytes can express: the reader would read something else, or stop.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct Unrepresentable {
    /// What goes wrong, in the user's terms.
    pub reason: String,
}

/// Can `value` be written between a start and an end tag so that Wazuh's reader gives
/// back exactly `value`?
///
/// The reader decodes nothing (docs/wazuh-config.md §8.1): `&amp;` stays five
/// characters, so text is written as is and never escaped. What cannot be written:
/// a `<` not preceded by an odd run of backslashes (it starts a tag; `\<` is text, and
/// the daemon keeps the backslash), `<!` (always a comment), an odd run of backslashes
/// at the end (it escapes the `<` of the end tag, §8.2), a NUL byte (the C reader stops
/// there) and text of 20480 bytes or more (§8.3).
pub fn check_text(value: &str) -> Result<(), Unrepresentable> {
    let fail = |reason: &str| {
        Err(Unrepresentable {
            reason: reason.to_string(),
        })
    };
    if value.len() >= MAX_TEXT {
        return fail("it is longer than the 20480 bytes Wazuh's reader accepts in one text");
    }
    if value.contains('\0') {
        return fail("it contains a NUL byte, where the daemon's reader would stop");
    }
    if super::bytes::has_raw_bytes(value) {
        return fail(
            "it contains a character of U+10FF80 to U+10FFFF, which ossec-ar keeps for the \
             bytes of a file that are not UTF-8 (docs/bytes.md)",
        );
    }
    let bytes = value.as_bytes();
    let mut escaped = false;
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'<' if bytes.get(i + 1) == Some(&b'!') => {
                return fail("it contains '<!', which the reader always takes as a comment");
            }
            b'<' if !escaped => {
                return fail(
                    "it contains '<', which the reader takes as the start of a tag; write it \
                     '\\<' (Wazuh keeps the backslash: the daemon then reads '\\<')",
                );
            }
            b'\\' => escaped = !escaped,
            _ => escaped = false,
        }
    }
    if escaped {
        return fail(
            "it ends with an odd number of backslashes: the last one would escape the '<' of \
             the closing tag and the daemon would refuse the file; Wazuh keeps backslashes as \
             written, so no spelling gives this value",
        );
    }
    Ok(())
}

/// Is `name` read back as exactly one element name?
fn check_name(name: &str) -> Result<(), EditError> {
    // The reader ends a name at any C `isspace`, `\x0b` included.
    let bad = |b: u8| is_space(b) || b"<>/=!?\"'\\&".contains(&b);
    if name.is_empty() || name.bytes().any(bad) {
        return Err(EditError::BadName(name.to_string()));
    }
    Ok(())
}

/// Applies `splices` (ranges into `source`, not overlapping) and returns the new text.
pub fn apply(source: &str, splices: &[Splice]) -> Result<String, EditError> {
    let sorted = sorted(source, splices)?;
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for s in sorted {
        out.push_str(&source[at..s.range.start]);
        out.push_str(&s.text);
        at = s.range.end;
    }
    out.push_str(&source[at..]);
    Ok(out)
}

/// The splices that turn `apply(source, splices)` back into `source` (an undo step).
pub fn inverse(source: &str, splices: &[Splice]) -> Result<Vec<Splice>, EditError> {
    let mut delta: isize = 0;
    let mut out = Vec::new();
    for s in sorted(source, splices)? {
        let start = s.range.start.saturating_add_signed(delta);
        out.push(Splice::new(
            start..start + s.text.len(),
            &source[s.range.clone()],
        ));
        delta += s.text.len() as isize - s.range.len() as isize;
    }
    Ok(out)
}

/// The splices in order, checked to be inside `source`, on character boundaries and
/// not overlapping.
fn sorted<'a>(source: &str, splices: &'a [Splice]) -> Result<Vec<&'a Splice>, EditError> {
    let mut v: Vec<&Splice> = splices.iter().collect();
    v.sort_by_key(|s| (s.range.start, s.range.end));
    let mut at = 0;
    for s in &v {
        let r = &s.range;
        let inside = r.start <= r.end && r.end <= source.len();
        if r.start < at
            || !inside
            || !source.is_char_boundary(r.start)
            || !source.is_char_boundary(r.end)
        {
            return Err(EditError::BadRange(r.start));
        }
        at = r.end;
    }
    Ok(v)
}

/// Makes the reader give `value` for element `id`, changing only its text
/// (docs/ARCHITECTURE.md "Guarantees" 2).
///
/// The text replaced is what [`Document::value`] reads: everything after the last
/// child element up to the end tag. Comments inside it are kept; the value goes where
/// the old text was. A self-closed `<x/>` becomes `<x>value</x>`. Returns no splice
/// when the element already reads `value`.
pub fn set_text(doc: &Document, id: ElementId, value: &str) -> Result<Vec<Splice>, EditError> {
    check_text(value)?;
    let el = doc.element(id);
    if is_self_closed(doc, id) {
        if value.is_empty() {
            return Ok(Vec::new());
        }
        let tag = doc.text(&el.start_tag());
        let body = tag.len() - 2;
        let keep = tag[..body].trim_end_matches(is_space::<char>).len();
        let name = doc.name(id);
        let range = el.start_tag().start + keep..el.start_tag().end;
        return Ok(vec![Splice::new(range, format!(">{value}</{name}>"))]);
    }
    let Some(end_tag) = el.end_tag() else {
        return Err(not_closed(doc, id));
    };
    if doc.value(id) == value {
        return Ok(Vec::new());
    }
    let content = doc.content(id);
    let last_child = content.iter().rposition(|i| matches!(i, Item::Element(_)));
    let region_items = &content[last_child.map_or(0, |p| p + 1)..];
    let region_start = match last_child.map(|p| &content[p]) {
        Some(Item::Element(c)) => doc.element(*c).span().end,
        _ => el.start_tag().end,
    };
    let kept = |i: &Item| matches!(i, Item::Comment(_) | Item::Junk(_));
    if !region_items.iter().any(kept) {
        return Ok(vec![Splice::new(region_start..end_tag.start, value)]);
    }
    Ok(text_around_comments(doc, region_items, region_start, value))
}

/// Text interleaved with comments: the value replaces the text that holds the first
/// non-blank byte (or the first text); the other texts are emptied, so that the reader,
/// which joins them, reads exactly the value.
fn text_around_comments(
    doc: &Document,
    items: &[Item],
    region_start: usize,
    value: &str,
) -> Vec<Splice> {
    let texts: Vec<_> = items
        .iter()
        .filter_map(|i| match i {
            Item::Text(s) => Some(s.range()),
            _ => None,
        })
        .collect();
    let target = texts
        .iter()
        .position(|s| !doc.text(s).trim_ascii().is_empty())
        .or(if texts.is_empty() { None } else { Some(0) });
    let Some(target) = target else {
        return vec![Splice::new(region_start..region_start, value)];
    };
    texts
        .iter()
        .enumerate()
        .map(|(i, s)| Splice::new(s.clone(), if i == target { value } else { "" }))
        .filter(|s| doc.text(&s.range) != s.text)
        .collect()
}

/// Removes element `id` (docs/ARCHITECTURE.md "Guarantees" 2).
///
/// When it sits alone on its lines, the lines go, indentation and newline included
/// (with no final newline, the newline before it goes instead, so that the file still
/// ends without one); a blank line that separated it from the previous block goes too
/// when another blank line or the end of the parent follows, which undoes how
/// [`insert`] spaces blocks. When it shares a line, only its bytes go, with the spaces
/// that separated it from its neighbour.
pub fn remove(doc: &Document, id: ElementId) -> Splice {
    let (items, idx) = lines::siblings(doc, id);
    let src = doc.source();
    let span = doc.element(id).span();
    let start = lines::line_start_before(doc, items, idx);
    let end = lines::line_end_after(doc, items, idx, false, doc.element(id).parent().is_none());
    match (start, end) {
        (Some(ls), Some(lines::LineEnd::Newline(p))) => {
            let after = p + lines::newline_at(src, p).len();
            let from = lines::drop_blank_line_before(doc, items, idx, ls);
            Splice::new(from..after, "")
        }
        (Some(0), Some(lines::LineEnd::Eof)) => Splice::new(0..src.len(), ""),
        (Some(ls), Some(lines::LineEnd::Eof)) => {
            // No final newline: the newline before the line goes instead (and the
            // blank line above it, which nothing follows).
            let first = lines::blank_line_before(doc, items, idx, ls).map_or(ls, |b| b.start);
            let from = first.saturating_sub(lines::newline_before(src, first).len());
            Splice::new(from..src.len(), "")
        }
        _ => Splice::new(lines::with_adjacent_spaces(src, span), ""),
    }
}

/// `<x/>` or `<x a="1" />`: no end tag by construction (not an element left open at
/// the end of the file).
fn is_self_closed(doc: &Document, id: ElementId) -> bool {
    let el = doc.element(id);
    el.end_tag().is_none() && doc.text(&el.start_tag()).ends_with("/>")
}

fn not_closed(doc: &Document, id: ElementId) -> EditError {
    EditError::NotClosed {
        name: doc.name(id).to_string(),
        offset: doc.element(id).span().start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    /// Applies the splices and re-parses.
    fn edited(src: &str, splices: &[Splice]) -> String {
        let out = apply(src, splices).expect("apply");
        let back = inverse(src, splices).expect("inverse");
        assert_eq!(apply(&out, &back).expect("undo"), src, "inverse undoes");
        out
    }

    fn first(doc: &Document, name: &str) -> ElementId {
        doc.elements()
            .find(|(id, _)| doc.name(*id) == name)
            .map(|(id, _)| id)
            .expect("element present")
    }

    #[test]
    fn representable_values() {
        for ok in [
            "",
            "a&amp;b",
            "a & b",
            "C:\\\\",
            "\\<QueryList\\>",
            "x > y",
            "a\r\nb",
        ] {
            assert!(check_text(ok).is_ok(), "{ok:?}");
        }
        for bad in ["a<b", "C:\\", "x\\\\\\", "\\<!-- x", "\\\\<b", "a\0b"] {
            assert!(check_text(bad).is_err(), "{bad:?}");
        }
        assert!(check_text(&"x".repeat(MAX_TEXT)).is_err());
    }

    #[test]
    fn a_name_with_any_c_whitespace_is_refused() {
        // `\x0b` (vertical tab) is C whitespace, not Rust's ASCII whitespace: the
        // reader would end the name there.
        for bad in ["a b", "a\tb", "a\x0bb", "a\x0cb", "a\rb", ""] {
            assert_eq!(check_name(bad), Err(EditError::BadName(bad.to_string())));
        }
        assert_eq!(check_name("active-response"), Ok(()));
        let doc = parse("<a><b>1</b></a>");
        let b = first(&doc, "b");
        let got = insert(&doc, Position::After(b), &NewElement::text("c\x0bd", "2"));
        assert_eq!(got, Err(EditError::BadName("c\x0bd".to_string())));
    }

    proptest::proptest! {
        /// `check_text` accepts exactly the values the reader gives back unchanged,
        /// without an error, from `<a>value</a>` (NUL and the length bound aside,
        /// which are limits of the C reader, not of the grammar).
        #[test]
        fn check_text_accepts_exactly_what_reads_back(
            chars in proptest::collection::vec(
                proptest::sample::select(vec!['<', '\\', '!', '-', '&', '>', '/', 'a', ' ', '\n', '\r']),
                0..14,
            )
        ) {
            let v: String = chars.into_iter().collect();
            let src = format!("<a>{v}</a>");
            let doc = parse(&src);
            let reads_back = doc.errors().is_empty()
                && doc.roots().count() == 1
                && doc.value(first(&doc, "a")) == v;
            proptest::prop_assert_eq!(check_text(&v).is_ok(), reads_back, "{:?}", v);
            if reads_back {
                let doc = parse("<a>old</a>");
                let out = apply(doc.source(), &set_text(&doc, first(&doc, "a"), &v).expect("set"))
                    .expect("apply");
                let back = parse(&out);
                proptest::prop_assert_eq!(back.value(first(&back, "a")), v);
            }
        }
    }

    #[test]
    fn set_text_replaces_only_the_text_and_reads_back() {
        let src = "<a>\r\n  <b  x='1'>old</b> <!-- keep -->\r\n  <c/>\r\n</a>";
        let doc = parse(src);
        let out = edited(src, &set_text(&doc, first(&doc, "b"), "a&b").expect("set"));
        assert_eq!(
            out,
            "<a>\r\n  <b  x='1'>a&b</b> <!-- keep -->\r\n  <c/>\r\n</a>"
        );
        let doc2 = parse(&out);
        assert_eq!(doc2.value(first(&doc2, "b")), "a&b");
    }

    #[test]
    fn self_closed_element_gets_an_end_tag() {
        let src = "<a><c /><d k=\"v\"/></a>";
        let doc = parse(src);
        let mut s = set_text(&doc, first(&doc, "c"), "1").expect("set");
        s.extend(set_text(&doc, first(&doc, "d"), "2").expect("set"));
        assert_eq!(edited(src, &s), "<a><c>1</c><d k=\"v\">2</d></a>");
        assert!(
            set_text(&doc, first(&doc, "c"), "")
                .expect("set")
                .is_empty()
        );
    }

    #[test]
    fn comments_inside_the_text_are_kept() {
        let src = "<a>7 <!-- seven --></a>";
        let doc = parse(src);
        let out = edited(src, &set_text(&doc, first(&doc, "a"), "9").expect("set"));
        assert_eq!(out, "<a>9<!-- seven --></a>");
        let src = "<a><!-- none --></a>";
        let doc = parse(src);
        let out = edited(src, &set_text(&doc, first(&doc, "a"), "9").expect("set"));
        assert_eq!(out, "<a>9<!-- none --></a>");
    }

    #[test]
    fn unclosed_element_is_refused() {
        let doc = parse("<a><b>x");
        assert!(matches!(
            set_text(&doc, first(&doc, "b"), "y"),
            Err(EditError::NotClosed { .. })
        ));
    }

    #[test]
    fn overlapping_splices_are_refused() {
        let s = [Splice::new(0..3, "x"), Splice::new(2..4, "y")];
        assert_eq!(apply("abcdef", &s), Err(EditError::BadRange(2)));
        assert_eq!(
            apply("abc", &[Splice::new(2..9, "")]),
            Err(EditError::BadRange(2))
        );
    }

    #[test]
    fn remove_takes_whole_lines_or_only_shared_bytes() {
        let src = "<a>\n  <b>1</b>\n  <c>2</c> <d/>\n</a>";
        let doc = parse(src);
        let out = edited(src, &[remove(&doc, first(&doc, "b"))]);
        assert_eq!(out, "<a>\n  <c>2</c> <d/>\n</a>");
        let out = edited(src, &[remove(&doc, first(&doc, "d"))]);
        assert_eq!(out, "<a>\n  <b>1</b>\n  <c>2</c>\n</a>");
        let out = edited(src, &[remove(&doc, first(&doc, "c"))]);
        assert_eq!(out, "<a>\n  <b>1</b>\n  <d/>\n</a>");
    }

    #[test]
    fn remove_last_line_keeps_the_missing_final_newline() {
        let src = "<a/>\r\n<b/>";
        let doc = parse(src);
        assert_eq!(edited(src, &[remove(&doc, first(&doc, "b"))]), "<a/>");
    }
}
