//! The lossless span tree produced by the reader.
//!
//! Every byte of the source belongs to exactly one [`Token`]; the tree only records
//! byte ranges into the source, so emitting an untouched document is the source itself
//! and an edit is a byte-range splice (see [`super::Splice`]).

use std::ops::Range;

/// A byte range into [`Document::source`].
pub type Span = Range<usize>;

/// Index of an element in [`Document::elements`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ElementId(pub usize);

/// One piece of content: at top level or inside an element, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// Character data, kept byte for byte (whitespace and newlines included).
    Text(Span),
    /// A comment, `<!-- … -->` or the os_xml form `<! … !>`.
    Comment(Span),
    /// A child element.
    Element(ElementId),
    /// Bytes the reader could not make sense of (after an error); kept verbatim.
    Junk(Span),
}

/// An attribute as written: `name="value"` or `name='value'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The name's bytes.
    pub name: Span,
    /// The value's bytes, without quotes.
    pub value: Span,
    /// The quote character used (`"` or `'`).
    pub quote: u8,
}

/// An element with its start tag, content and end tag as spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// From the `<` of the start tag to the `>` of the end tag (or of the start tag
    /// when self-closed).
    pub span: Span,
    /// The start tag, `<name attr="v">` or `<name/>`.
    pub start_tag: Span,
    /// The name inside the start tag.
    pub name: Span,
    /// Attributes in the order written.
    pub attrs: Vec<Attribute>,
    /// Content between the start and end tag, in order.
    pub content: Vec<Item>,
    /// The end tag `</name>`; `None` when self-closed or never closed.
    pub end_tag: Option<Span>,
    /// The enclosing element; `None` for a top-level element.
    pub parent: Option<ElementId>,
    /// Nesting depth: 0 for a top-level element.
    pub depth: usize,
}

impl Element {
    /// The byte range between the start tag and the end tag (empty when self-closed).
    pub fn inner(&self) -> Span {
        match &self.end_tag {
            Some(end) => self.start_tag.end..end.start,
            None => self.start_tag.end..self.span.end,
        }
    }

    /// Child elements, in order.
    pub fn children(&self) -> impl Iterator<Item = ElementId> + '_ {
        self.content.iter().filter_map(|item| match item {
            Item::Element(id) => Some(*id),
            _ => None,
        })
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

/// A parsed document: the source text, the element arena and the top-level items.
#[derive(Debug, Clone)]
pub struct Document {
    pub(super) source: String,
    pub(super) elements: Vec<Element>,
    pub(super) top: Vec<Item>,
    pub(super) errors: Vec<XmlError>,
    pub(super) line_starts: Vec<usize>,
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
        &self.elements[id.0]
    }

    /// All elements, in document order of their start tags.
    pub fn elements(&self) -> impl Iterator<Item = (ElementId, &Element)> {
        self.elements
            .iter()
            .enumerate()
            .map(|(i, e)| (ElementId(i), e))
    }

    /// Top-level elements (roots, or the blocks of a root-less fragment).
    pub fn roots(&self) -> impl Iterator<Item = ElementId> + '_ {
        self.top.iter().filter_map(|item| match item {
            Item::Element(id) => Some(*id),
            _ => None,
        })
    }

    /// The text of a span.
    pub fn text(&self, span: &Span) -> &str {
        &self.source[span.clone()]
    }

    /// An element's name.
    pub fn name(&self, id: ElementId) -> &str {
        self.text(&self.element(id).name)
    }

    /// Child elements of `id` named `name`, in order.
    pub fn children_named<'a>(
        &'a self,
        id: ElementId,
        name: &'a str,
    ) -> impl Iterator<Item = ElementId> + 'a {
        self.element(id)
            .children()
            .filter(move |c| self.name(*c) == name)
    }

    /// The value Wazuh's reader gives an element: the text after its last child
    /// element, with comments removed, byte for byte (docs/wazuh-config.md §8.1, §8.3).
    pub fn value(&self, id: ElementId) -> String {
        let content = &self.element(id).content;
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
        self.element(id)
            .attrs
            .iter()
            .find(|a| self.text(&a.name) == name)
            .map(|a| self.text(&a.value))
    }

    /// 1-based line and column of a byte offset; the column counts the file's bytes
    /// (a stand-in for a byte that is not UTF-8 is one, `super::bytes`), after the
    /// BOM on the first line (docs/choices.md).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
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
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.source.len());
        self.source[start..end].trim_end_matches(['\n', '\r'])
    }

    /// The flat token list: every byte of the source is in exactly one token, in order.
    pub fn tokens(&self) -> Vec<Token> {
        let mut out = Vec::new();
        for item in &self.top {
            self.push_tokens(item, &mut out);
        }
        out
    }

    fn push_tokens(&self, item: &Item, out: &mut Vec<Token>) {
        let (kind, span) = match item {
            Item::Text(s) => (TokenKind::Text, s.clone()),
            Item::Comment(s) => (TokenKind::Comment, s.clone()),
            Item::Junk(s) => (TokenKind::Junk, s.clone()),
            Item::Element(id) => {
                let el = self.element(*id);
                out.push(Token {
                    kind: TokenKind::StartTag,
                    span: el.start_tag.clone(),
                });
                for child in &el.content {
                    self.push_tokens(child, out);
                }
                if let Some(end) = &el.end_tag {
                    out.push(Token {
                        kind: TokenKind::EndTag,
                        span: end.clone(),
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
