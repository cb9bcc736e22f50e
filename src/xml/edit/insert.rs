//! Inserting a new element the way its siblings are written: their indentation and
//! newline style, one-line blocks kept on one line, blank lines between blocks kept.

use super::lines::{
    LineEnd, blank_line_above, blank_line_before, gap_has_blank, indent_of, indent_unit, is_blank,
    lift_over_comments, line_end_after, line_start_before, newline_at, newline_before, siblings,
};
use super::{EditError, Splice, check_name, check_text, is_self_closed, not_closed};
use crate::xml::parse::is_space;
use crate::xml::tree::{Document, ElementId, Item};

/// An element to insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewElement {
    /// Its name.
    pub name: String,
    /// Its content.
    pub body: Body,
}

/// The content of a [`NewElement`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// A value, written as is (see [`super::check_text`]).
    Text(String),
    /// Child elements, in order.
    Children(Vec<NewElement>),
}

impl NewElement {
    /// `<name>value</name>`.
    pub fn text(name: impl Into<String>, value: impl Into<String>) -> NewElement {
        NewElement {
            name: name.into(),
            body: Body::Text(value.into()),
        }
    }

    /// `<name>` with these children.
    pub fn parent(name: impl Into<String>, children: Vec<NewElement>) -> NewElement {
        NewElement {
            name: name.into(),
            body: Body::Children(children),
        }
    }

    fn check(&self) -> Result<(), EditError> {
        check_name(&self.name)?;
        match &self.body {
            Body::Text(v) => Ok(check_text(v)?),
            Body::Children(c) => c.iter().try_for_each(NewElement::check),
        }
    }
}

/// Where to insert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// Right after this element (on the next line when it ends its line).
    After(ElementId),
    /// Right before this element, above the comments written just above it.
    Before(ElementId),
    /// As the last child of this element.
    End(ElementId),
}

/// The splice that inserts `new` at `at`, laid out like its neighbours.
pub fn insert(doc: &Document, at: Position, new: &NewElement) -> Result<Splice, EditError> {
    new.check()?;
    Ok(match at {
        Position::After(s) => after(doc, s, new),
        Position::Before(s) => before(doc, s, new),
        Position::End(p) => at_end(doc, p, new)?,
    })
}

/// How the children of a new block are laid out.
#[derive(Debug, Clone)]
struct Style {
    /// One child per line (else all on the start tag's line).
    multiline: bool,
    /// One level of indentation.
    unit: String,
    /// Between children on one line.
    sep: String,
}

impl Style {
    fn inline(&self) -> Style {
        Style {
            multiline: false,
            ..self.clone()
        }
    }
}

/// The layout of an existing element with the same name shows how to lay out the new
/// one's children: a sibling first, else any such element in the file.
fn child_style(doc: &Document, items: &[Item], near: ElementId, new: &NewElement) -> Style {
    let fits = |id: ElementId| doc.name(id) == new.name && doc.children(id).next().is_some();
    let model = items
        .iter()
        .rev()
        .filter_map(|i| match i {
            Item::Element(id) if fits(*id) => Some(*id),
            _ => None,
        })
        .next()
        .or_else(|| doc.elements().map(|(id, _)| id).find(|id| fits(*id)));
    let fallback = || indent_unit(doc, Some(near));
    let Some(model) = model else {
        return Style {
            multiline: true,
            unit: fallback(),
            sep: String::new(),
        };
    };
    let first = doc.children(model).next();
    let first_indent = first.and_then(|c| indent_of(doc, c));
    let unit = match (first_indent, indent_of(doc, model)) {
        (Some(c), Some(p)) if c.len() > p.len() && c.starts_with(p) => c[p.len()..].to_string(),
        _ => fallback(),
    };
    Style {
        multiline: first_indent.is_some(),
        unit,
        sep: sibling_sep(doc, doc.content(model)),
    }
}

/// What separates two elements written on one line among `items`: the first such gap
/// of spaces, else nothing.
fn sibling_sep(doc: &Document, items: &[Item]) -> String {
    for w in items.windows(3) {
        match w {
            [Item::Element(_), Item::Element(_), _] => return String::new(),
            [Item::Element(_), Item::Text(s), Item::Element(_)] if is_blank(doc.text(s)) => {
                return doc.text(s).to_string();
            }
            _ => {}
        }
    }
    String::new()
}

/// The new element's markup, its children indented from `indent` with `nl`.
fn render(new: &NewElement, indent: &str, nl: &str, style: &Style) -> String {
    let n = &new.name;
    match &new.body {
        Body::Text(v) => format!("<{n}>{v}</{n}>"),
        Body::Children(children) if style.multiline && !children.is_empty() => {
            let inner = format!("{indent}{}", style.unit);
            let mut out = format!("<{n}>");
            for c in children {
                out.push_str(nl);
                out.push_str(&inner);
                out.push_str(&render(c, &inner, nl, style));
            }
            format!("{out}{nl}{indent}</{n}>")
        }
        Body::Children(children) => {
            let parts: Vec<String> = children
                .iter()
                .map(|c| render(c, indent, nl, style))
                .collect();
            format!("<{n}>{}</{n}>", parts.join(&style.sep))
        }
    }
}

fn after(doc: &Document, s: ElementId, new: &NewElement) -> Splice {
    let src = doc.source();
    let (items, idx) = siblings(doc, s);
    let el = doc.element(s);
    let style = child_style(doc, items, s, new);
    let start = line_start_before(doc, items, idx);
    let end = line_end_after(doc, items, idx, true, el.parent().is_none());
    let (Some(ls), Some(end)) = (start, end) else {
        let text = format!(
            "{}{}",
            sibling_sep(doc, items),
            render(new, "", "", &style.inline())
        );
        return Splice::new(el.span().end..el.span().end, text);
    };
    let indent = &src[ls..el.span().start];
    let (pos, nl) = match end {
        LineEnd::Newline(p) => (p, newline_at(src, p)),
        LineEnd::Eof if ls > 0 => (src.len(), newline_before(src, ls)),
        LineEnd::Eof => (src.len(), doc.newline()),
    };
    // Blocks separated by blank lines get one too; removing the block takes it back
    // (see `lines::drop_blank_line_before`).
    let spaced = gap_has_blank(doc, items, idx, true)
        .or_else(|| gap_has_blank(doc, items, idx, false))
        .unwrap_or(false);
    let blank = if spaced { nl } else { "" };
    let body = render(new, indent, nl, &style);
    Splice::new(pos..pos, format!("{nl}{blank}{indent}{body}"))
}

fn before(doc: &Document, s: ElementId, new: &NewElement) -> Splice {
    let src = doc.source();
    let (items, idx) = siblings(doc, s);
    let el = doc.element(s);
    let style = child_style(doc, items, s, new);
    let Some(own) = line_start_before(doc, items, idx) else {
        let text = format!(
            "{}{}",
            render(new, "", "", &style.inline()),
            sibling_sep(doc, items)
        );
        return Splice::new(el.span().start..el.span().start, text);
    };
    let indent = &src[own..el.span().start];
    let (ls, first) = lift_over_comments(doc, items, idx, own);
    let nl = if ls > 0 {
        newline_before(src, ls)
    } else {
        doc.newline()
    };
    // A blank line above stays above; a copy of it separates the new block from the
    // one it precedes.
    let blank = blank_line_before(doc, items, first, ls).map_or("", |b| &src[b]);
    let body = render(new, indent, nl, &style);
    Splice::new(ls..ls, format!("{indent}{body}{nl}{blank}"))
}

fn at_end(doc: &Document, p: ElementId, new: &NewElement) -> Result<Splice, EditError> {
    let src = doc.source();
    let el = doc.element(p);
    let style = child_style(doc, doc.content(p), p, new);
    if is_self_closed(doc, p) {
        return Ok(into_self_closed(doc, p, new, &style));
    }
    let Some(end_tag) = el.end_tag() else {
        return Err(not_closed(doc, p));
    };
    let Some(ls) = end_tag_line_start(doc, p) else {
        let sep = if doc.children(p).next().is_some() {
            sibling_sep(doc, doc.content(p))
        } else {
            String::new()
        };
        let text = format!("{sep}{}", render(new, "", "", &style.inline()));
        return Ok(Splice::new(end_tag.start..end_tag.start, text));
    };
    let content = doc.content(p);
    let text_start = match content.last() {
        Some(Item::Text(s)) => s.start(),
        _ => ls,
    };
    // Insert after the last non-blank line, so that blank lines above the end tag stay
    // where they are.
    let mut q = ls;
    while let Some(up) = blank_line_above(src, text_start, q) {
        q = up;
    }
    let last_child = content.iter().rposition(|i| matches!(i, Item::Element(_)));
    let indent = last_child
        .and_then(|i| match content[i] {
            Item::Element(c) => indent_of(doc, c).map(str::to_string),
            _ => None,
        })
        .unwrap_or_else(|| format!("{}{}", &src[ls..end_tag.start], style.unit));
    let spaced = last_child
        .and_then(|i| gap_has_blank(doc, content, i, false))
        .unwrap_or(false);
    let nl = newline_before(src, q);
    let blank = if spaced { nl } else { "" };
    let body = render(new, &indent, nl, &style);
    Ok(Splice::new(q..q, format!("{blank}{indent}{body}{nl}")))
}

/// `<p/>` becomes `<p><new/></p>`, all on one line.
fn into_self_closed(doc: &Document, p: ElementId, new: &NewElement, style: &Style) -> Splice {
    let el = doc.element(p);
    let tag = doc.text(&el.start_tag());
    let keep = tag[..tag.len() - 2]
        .trim_end_matches(is_space::<char>)
        .len();
    let text = format!(
        ">{}</{}>",
        render(new, "", "", &style.inline()),
        doc.name(p)
    );
    Splice::new(el.start_tag().start + keep..el.start_tag().end, text)
}

/// When the end tag of `p` starts its line, where that line starts.
fn end_tag_line_start(doc: &Document, p: ElementId) -> Option<usize> {
    let Some(Item::Text(s)) = doc.content(p).last() else {
        return None;
    };
    let t = doc.text(s);
    let nl = t.rfind('\n')?;
    is_blank(&t[nl + 1..]).then_some(s.start() + nl + 1)
}
