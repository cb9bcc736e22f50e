//! The lossless span tree produced by the reader.
//!
//! Every byte of the source belongs to exactly one [`Token`]; the tree only records
//! byte ranges into the source, so emitting an untouched document is the source itself
//! and an edit is a byte-range splice (see [`super::Splice`]).

use std::ops::Range;

/// A byte range into [`Document::source`].
pub type Span = Range<usize>;

/// Offset stored for "none" in the reader's 32-bit fields.
pub(super) const NONE: u32 = u32::MAX;

/// Longest source the reader records in 32-bit offsets; a longer one is read as one
/// junk token (the inputs are capped far below, docs/limits.md).
pub(super) const MAX_SOURCE: usize = NONE as usize - 1;

/// A byte range into [`Document::source`], stored in 8 bytes: the tree holds one or
/// more per element, and a file of millions of small elements must stay within a
/// small multiple of its size (docs/limits.md "Memory").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Extent {
    start: u32,
    end: u32,
}

impl Extent {
    /// The range `start..end` (both at most [`MAX_SOURCE`], which the reader checks).
    pub(super) fn new(start: usize, end: usize) -> Extent {
        Extent {
            start: start as u32,
            end: end as u32,
        }
    }

    /// The first byte.
    pub fn start(self) -> usize {
        self.start as usize
    }

    /// The byte after the last.
    pub fn end(self) -> usize {
        self.end as usize
    }

    /// As a [`Span`].
    pub fn range(self) -> Span {
        self.start()..self.end()
    }
}

impl From<Extent> for Span {
    fn from(e: Extent) -> Span {
        e.range()
    }
}

/// Something that names a byte range of the source: a [`Span`] or an [`Extent`]
/// (see [`Document::text`]).
pub trait ToSpan {
    /// The range.
    fn to_span(&self) -> Span;
}

impl ToSpan for Span {
    fn to_span(&self) -> Span {
        self.clone()
    }
}

impl ToSpan for Extent {
    fn to_span(&self) -> Span {
        self.range()
    }
}

/// Index of an element in the document, in document order of start tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ElementId(pub(super) u32);

impl ElementId {
    /// The position among the document's elements.
    pub(super) fn index(self) -> usize {
        self.0 as usize
    }
}

/// One piece of content: at top level or inside an element, in document order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// Character data, kept byte for byte (whitespace and newlines included).
    Text(Extent),
    /// A comment, `<!-- … -->` or the os_xml form `<! … !>`.
    Comment(Extent),
    /// A child element.
    Element(ElementId),
    /// Bytes the reader could not make sense of (after an error); kept verbatim.
    Junk(Extent),
}

/// An attribute as written: `name="value"` or `name='value'`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute {
    /// The name's bytes.
    pub name: Extent,
    /// The value's bytes, without quotes.
    pub value: Extent,
    /// The quote character used (`"` or `'`).
    pub quote: u8,
}

/// An element: where its start tag, content and end tag are. 32 bytes (offsets, not
/// ranges; the name is found again from the start tag); its content and attributes
/// are slices of the document's arenas ([`Document::content`], [`Document::attrs`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// The `<` of the start tag.
    pub(super) start: u32,
    /// After the start tag's `>`.
    pub(super) tag_end: u32,
    /// After the end tag (or the start tag when self-closed, or where it was cut).
    pub(super) end: u32,
    /// The `<` of the end tag, [`NONE`] when there is none.
    pub(super) end_tag: u32,
    /// The enclosing element, [`NONE`] for a top-level element.
    pub(super) parent: u32,
    /// The first of its attributes in the document's arena; they run to the next
    /// element's first.
    pub(super) attrs: u32,
    /// Its content in the document's item arena: first and count.
    pub(super) content: u32,
    pub(super) content_len: u32,
}

impl Element {
    /// From the `<` of the start tag to the `>` of the end tag (or of the start tag
    /// when self-closed).
    pub fn span(&self) -> Span {
        self.start as usize..self.end as usize
    }

    /// The start tag, `<name attr="v">` or `<name/>`.
    pub fn start_tag(&self) -> Span {
        self.start as usize..self.tag_end as usize
    }

    /// The end tag `</name>`; `None` when self-closed or never closed.
    pub fn end_tag(&self) -> Option<Span> {
        (self.end_tag != NONE).then_some(self.end_tag as usize..self.end as usize)
    }

    /// The enclosing element; `None` for a top-level element.
    pub fn parent(&self) -> Option<ElementId> {
        (self.parent != NONE).then_some(ElementId(self.parent))
    }

    /// The byte range between the start tag and the end tag (empty when self-closed).
    pub fn inner(&self) -> Span {
        let end = if self.end_tag == NONE {
            self.end
        } else {
            self.end_tag
        };
        self.tag_end as usize..end as usize
    }
}

/// The kind of a flat token, see [`Document::tokens`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Character data (top-level junk text included).
    Text,
    /// A comment.
    Comment,
    /// A start tag or self-closed tag.
    StartTag,
    /// An end tag.
    EndTag,
    /// Unparseable bytes kept verbatim.
    Junk,
}

/// A flat token: every byte of the source is in exactly one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// What the bytes are.
    pub kind: TokenKind,
    /// Where they are.
    pub span: Span,
}

/// A problem found by the reader, with the byte offset where the daemon would stop.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct XmlError {
    /// The message as Wazuh's `os_xml` logs it (`XMLERR: …`).
    pub message: String,
    /// Byte offset into the source.
    pub offset: usize,
}

/// The elements among `items`.
fn element_ids(items: &[Item]) -> impl Iterator<Item = ElementId> + '_ {
    items.iter().filter_map(|item| match item {
        Item::Element(id) => Some(*id),
        _ => None,
    })
}

/// A parsed document: the source text, the element arena and the top-level items.
#[derive(Debug, Clone)]
pub struct Document {
    pub(super) source: String,
    pub(super) elements: Vec<Element>,
    /// Every element's attributes, in document order.
    pub(super) attrs: Vec<Attribute>,
    /// Every element's content, each element's a contiguous run (in the order
    /// elements were closed).
    pub(super) items: Vec<Item>,
    pub(super) top: Vec<Item>,
    pub(super) errors: Vec<XmlError>,
    pub(super) line_starts: Vec<u32>,
}

impl Document {
    /// The bytes read, unchanged.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Top-level items in document order (roots, text and comments around them).
    pub fn top(&self) -> &[Item] {
        &self.top
    }

    /// Every problem found, the first being where the daemon stops reading.
    pub fn errors(&self) -> &[XmlError] {
        &self.errors
    }

    /// The element with this id.
    pub fn element(&self, id: ElementId) -> &Element {
        &self.elements[id.index()]
    }

    /// All elements, in document order of their start tags.
    pub fn elements(&self) -> impl Iterator<Item = (ElementId, &Element)> {
        self.elements
            .iter()
            .enumerate()
            .map(|(i, e)| (ElementId(i as u32), e))
    }

    /// Top-level elements (roots, or the blocks of a root-less fragment).
    pub fn roots(&self) -> impl Iterator<Item = ElementId> + '_ {
        element_ids(&self.top)
    }

    /// The content of `id` between its start and end tag, in order.
    pub fn content(&self, id: ElementId) -> &[Item] {
        let el = self.element(id);
        let first = el.content as usize;
        &self.items[first..first + el.content_len as usize]
    }

    /// The child elements of `id`, in order.
    pub fn children(&self, id: ElementId) -> impl Iterator<Item = ElementId> + '_ {
        element_ids(self.content(id))
    }

    /// The attributes of `id`, in the order written.
    pub fn attrs(&self, id: ElementId) -> &[Attribute] {
        let first = self.element(id).attrs as usize;
        let end = self
            .elements
            .get(id.index() + 1)
            .map_or(self.attrs.len(), |next| next.attrs as usize);
        &self.attrs[first..end]
    }

    /// The text of a span.
    pub fn text(&self, span: &impl ToSpan) -> &str {
        &self.source[span.to_span()]
    }

    /// Where an element's name is, inside its start tag: up to the first space or
    /// `>`, without a `/` just before it (the reader's rule, `super::parse`).
    pub fn name_span(&self, id: ElementId) -> Span {
        let el = self.element(id);
        let (from, tag_end) = (el.start as usize + 1, el.tag_end as usize);
        let tag = self
            .source
            .as_bytes()
            .get(from..tag_end)
            .unwrap_or_default();
        let len = tag
            .iter()
            .position(|&c| c == b'>' || super::parse::is_space(c))
            .unwrap_or(tag.len());
        let slash = len > 0 && tag[len - 1] == b'/';
        from..from + len - usize::from(slash)
    }

    /// An element's name.
    pub fn name(&self, id: ElementId) -> &str {
        self.text(&self.name_span(id))
    }

    /// Nesting depth: 0 for a top-level element.
    pub fn depth(&self, id: ElementId) -> usize {
        std::iter::successors(self.element(id).parent(), |p| self.element(*p).parent()).count()
    }

    /// Child elements of `id` named `name`, in order.
    pub fn children_named<'a>(
        &'a self,
        id: ElementId,
        name: &'a str,
    ) -> impl Iterator<Item = ElementId> + 'a {
        self.children(id).filter(move |c| self.name(*c) == name)
    }

    /// The value Wazuh's reader gives an element: the text after its last child
    /// element, with comments removed, byte for byte (docs/wazuh-config.md §8.1, §8.3).
    pub fn value(&self, id: ElementId) -> String {
        let content = self.content(id);
        let after_last_child = content
            .iter()
            .rposition(|i| matches!(i, Item::Element(_)))
            .map_or(0, |p| p + 1);
        content[after_last_child..]
            .iter()
            .filter_map(|item| match item {
                Item::Text(s) => Some(self.text(s)),
                _ => None,
            })
            .collect()
    }

    /// An attribute's value by name (exact match), as written.
    pub fn attr(&self, id: ElementId, name: &str) -> Option<&str> {
        self.attrs(id)
            .iter()
            .find(|a| self.text(&a.name) == name)
            .map(|a| self.text(&a.value))
    }

    /// 1-based line and column of a byte offset; the column counts the file's bytes
    /// (a stand-in for a byte that is not UTF-8 is one, `super::bytes`), after the
    /// BOM on the first line (docs/choices.md).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s as usize <= offset);
        let start = self.line_starts[line - 1] as usize;
        let bom = if line == 1 && self.source.starts_with('\u{feff}') {
            3
        } else {
            0
        };
        let width = self
            .source
            .get(start..offset)
            .map_or(offset - start, super::bytes::file_len);
        (line, width.saturating_sub(bom) + 1)
    }

    /// The text of the 1-based line `line`, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts.get(line - 1).map_or(0, |&s| s as usize);
        let end = self
            .line_starts
            .get(line)
            .map_or(self.source.len(), |&s| s as usize);
        self.source[start..end].trim_end_matches(['\n', '\r'])
    }

    /// The flat token list: every byte of the source is in exactly one token, in order.
    pub fn tokens(&self) -> Vec<Token> {
        let mut out = Vec::new();
        if self.source.len() > MAX_SOURCE {
            // Read as one junk token (`super::parse`).
            out.push(Token {
                kind: TokenKind::Junk,
                span: 0..self.source.len(),
            });
            return out;
        }
        for item in &self.top {
            self.push_tokens(item, &mut out);
        }
        out
    }

    fn push_tokens(&self, item: &Item, out: &mut Vec<Token>) {
        let (kind, span) = match item {
            Item::Text(s) => (TokenKind::Text, s.range()),
            Item::Comment(s) => (TokenKind::Comment, s.range()),
            Item::Junk(s) => (TokenKind::Junk, s.range()),
            Item::Element(id) => {
                let el = self.element(*id);
                out.push(Token {
                    kind: TokenKind::StartTag,
                    span: el.start_tag(),
                });
                for child in self.content(*id) {
                    self.push_tokens(child, out);
                }
                if let Some(end) = el.end_tag() {
                    out.push(Token {
                        kind: TokenKind::EndTag,
                        span: end,
                    });
                }
                return;
            }
        };
        out.push(Token { kind, span });
    }

    /// Concatenates the tokens' bytes: equals the source for any parsed document.
    pub fn emit(&self) -> String {
        self.tokens()
            .iter()
            .map(|t| &self.source[t.span.clone()])
            .collect()
    }

    /// The newline style of the file: `"\r\n"` when its first line ends so.
    pub fn newline(&self) -> &'static str {
        match self.source.find('\n') {
            Some(i) if i > 0 && self.source.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        }
    }
}
