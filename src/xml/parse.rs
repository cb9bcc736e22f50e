//! The reader: Wazuh's `os_xml` state machine (docs/wazuh-config.md §8,
//! docs/ossec.md §9), rewritten to record byte spans and to recover after an
//! error so that every problem is reported, not only the first.
//!
//! Written by hand because no XML crate reads this dialect as the daemons do
//! (docs/wazuh-config.md §8: multiple roots, `\<` escapes, `<! … !>` comments,
//! no entities, `</a >` rejected) and none keeps every byte.

use std::collections::HashMap;

use super::tree::{
    Attribute, Document, Element, ElementId, Extent, Item, MAX_SOURCE, NONE, Span, XmlError,
};

/// Longest text run os_xml accepts (Wazuh's `XML_MAXSIZE`, docs/wazuh-config.md §8.3): the
/// reader reports a longer one, and edits refuse to write one.
pub const MAX_TEXT: usize = 20480;
/// Deepest nesting os_xml accepts (docs/wazuh-config.md §8.3).
const MAX_DEPTH: usize = 1024;
/// Attributes os_xml reads in one tag before "Too many attributes." (its
/// `XML_MAX_ATTR_DEPTH`, 48, counted from 0, `src/os_xml/os_xml_internal.h`).
const MAX_ATTRS: usize = 49;
/// Errors listed per file; the rest are counted (the daemon stops at the first).
const MAX_ERRORS: usize = 1000;

/// C's `isspace` in the "C" locale, which os_xml uses to end names and attributes
/// (and between a name and `/>`): space, `\t`, `\n`, `\r`, `\x0b`, `\x0c`. Takes a
/// byte or a char.
pub(super) fn is_space<C: Into<u32>>(c: C) -> bool {
    matches!(c.into(), 0x20 | 0x09 | 0x0a | 0x0d | 0x0b | 0x0c)
}

fn xml_error(message: String, offset: usize) -> XmlError {
    XmlError { message, offset }
}

/// How a start tag ends at `i` (`>` or `/`), and the offset after it.
fn tag_end(src: &[u8], i: usize) -> (TagEnd, usize) {
    if src[i] != b'/' {
        return (TagEnd::Open, i + 1);
    }
    let after = if src.get(i + 1) == Some(&b'>') {
        i + 2
    } else {
        i + 1
    };
    (TagEnd::SelfClosed, after)
}

/// Reads `source` the way Wazuh's reader does, keeping every byte.
pub fn parse(source: &str) -> Document {
    if source.len() > MAX_SOURCE {
        return oversize(source);
    }
    // At most one element per `<`, and at most one text between two of them: the
    // vectors that can hold that many are sized once and never double (a doubling
    // holds the old and the new buffer at once; capacity never written is not
    // memory in use).
    let tags = memchr::memchr_iter(b'<', source.as_bytes()).count();
    let mut p = Parser {
        src: source.as_bytes(),
        pos: 0,
        elements: Vec::with_capacity(tags),
        attrs: Vec::new(),
        items: Vec::with_capacity(2 * tags + 1),
        top: Vec::with_capacity(2 * tags + 1),
        stack: Vec::new(),
        // The root's content: the level that holds most items in a real file.
        open_content: vec![Vec::with_capacity(2 * tags + 1)],
        open_names: HashMap::new(),
        errors: Vec::new(),
        dropped_errors: 0,
    };
    p.run();
    if p.dropped_errors > 0 {
        let message = format!("{} more errors, not listed", p.dropped_errors);
        p.errors.push(XmlError {
            message,
            offset: source.len(),
        });
    }
    let mut line_starts = vec![0];
    line_starts.extend(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i as u32 + 1));
    Document {
        source: source.to_owned(),
        elements: p.elements,
        attrs: p.attrs,
        items: p.items,
        top: p.top,
        errors: p.errors,
        line_starts,
    }
}

/// A source too long for the tree's 32-bit offsets (4 GiB; the inputs are capped far
/// below): one junk token, kept whole, and an error.
fn oversize(source: &str) -> Document {
    Document {
        source: source.to_owned(),
        elements: Vec::new(),
        attrs: Vec::new(),
        items: Vec::new(),
        top: Vec::new(),
        errors: vec![xml_error(
            "XMLERR: File too large to read (4 GiB or more).".into(),
            0,
        )],
        line_starts: vec![0],
    }
}

struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
    elements: Vec<Element>,
    attrs: Vec<Attribute>,
    /// The content of closed elements, each a contiguous run.
    items: Vec<Item>,
    top: Vec<Item>,
    stack: Vec<ElementId>,
    /// The content read so far of each element on `stack` (same index); moved to
    /// `items` when it closes. The buffers are kept for the next element at that
    /// depth.
    open_content: Vec<Vec<Item>>,
    /// How many elements of each name are on `stack`: an end tag that closes none of
    /// them is known at once, without a walk down the stack (which made
    /// `<a>`×N `</b>`×N quadratic).
    open_names: HashMap<&'a [u8], usize>,
    errors: Vec<XmlError>,
    dropped_errors: usize,
}

/// How a start tag ended.
enum TagEnd {
    Open,
    SelfClosed,
}

impl<'a> Parser<'a> {
    /// Opens element `id` (its name is `name`).
    fn open(&mut self, id: ElementId, name: Span) {
        let src: &'a [u8] = self.src;
        *self.open_names.entry(&src[name]).or_default() += 1;
        self.stack.push(id);
        if self.open_content.len() < self.stack.len() {
            self.open_content.push(Vec::new());
        }
    }

    /// Pops the innermost open element, which ends at `end`, and files its content.
    fn pop(&mut self, end: usize) -> Option<ElementId> {
        let id = self.stack.pop()?;
        let src: &'a [u8] = self.src;
        let name = &src[self.name_of(id)];
        if let Some(n) = self.open_names.get_mut(name) {
            *n = n.saturating_sub(1);
        }
        let buf = &mut self.open_content[self.stack.len()];
        let el = &mut self.elements[id.index()];
        el.end = end as u32;
        el.content = self.items.len() as u32;
        el.content_len = buf.len() as u32;
        if self.items.is_empty() && buf.capacity() >= self.items.capacity() {
            // The first content filed is the root's (its children are empty, as in
            // a file of `<a/>`): moved, not copied, so that it is not held twice.
            // A smaller buffer is copied into `items`, which is sized for all.
            self.items = std::mem::take(buf);
        } else {
            self.items.extend_from_slice(buf);
            buf.clear();
        }
        if buf.capacity() > 1024 {
            // A large run is not kept for the next element at this depth.
            *buf = Vec::new();
        }
        Some(id)
    }

    /// The name of element `id` (found again as [`Document::name_span`] does).
    fn name_of(&self, id: ElementId) -> Span {
        let el = &self.elements[id.index()];
        let from = el.start as usize + 1;
        let tag = &self.src[from..el.tag_end as usize];
        let len = tag
            .iter()
            .position(|&c| c == b'>' || is_space(c))
            .unwrap_or(tag.len());
        let slash = len > 0 && tag[len - 1] == b'/';
        from..from + len - usize::from(slash)
    }

    /// Is an element named `name` open?
    fn is_open(&self, name: &[u8]) -> bool {
        self.open_names.get(name).is_some_and(|&n| n > 0)
    }

    fn run(&mut self) {
        while self.pos < self.src.len() {
            self.text_run();
            if self.pos >= self.src.len() {
                break;
            }
            match self.src.get(self.pos + 1) {
                Some(b'!') => self.comment(),
                Some(b'/') if self.stack.is_empty() => {
                    self.error("XMLERR: Element not opened.".into(), self.pos);
                    let end = self.find(b'>').map_or(self.src.len(), |e| e + 1);
                    self.push(Item::Junk(Extent::new(self.pos, end)));
                    self.pos = end;
                }
                Some(b'/') => self.end_tag(),
                _ => self.start_tag(),
            }
        }
        // A tag cut off by the end of the file has already said so.
        let said = self.errors.iter().any(|e| e.offset == self.src.len());
        if !self.stack.is_empty() {
            let msg = "XMLERR: End of file and some elements were not closed.";
            if !said {
                self.error(msg.into(), self.src.len());
            }
            while self.pop(self.src.len()).is_some() {}
        }
    }

    /// Consumes text up to the next `<` that starts markup; a backslash toggles an
    /// escape so that `\<` is text (docs/wazuh-config.md §8.1); comments are markup even after
    /// a backslash, as in os_xml where the comment check comes first.
    fn text_run(&mut self) {
        let start = self.pos;
        let mut escaped = false;
        while let Some(&c) = self.src.get(self.pos) {
            match c {
                b'\\' => escaped = !escaped,
                b'<' if self.src.get(self.pos + 1) == Some(&b'!') => break,
                b'<' if !escaped => break,
                _ => escaped = false,
            }
            self.pos += 1;
        }
        if self.pos > start {
            if !self.stack.is_empty() && self.pos - start >= MAX_TEXT {
                self.error("XMLERR: String overflow.".into(), start + MAX_TEXT);
            }
            self.push(Item::Text(Extent::new(start, self.pos)));
        }
    }

    fn comment(&mut self) {
        let start = self.pos;
        let body = &self.src[start + 2..];
        let end = (0..body.len())
            .find(|&i| body[i..].starts_with(b"!>") || body[i..].starts_with(b"-->"));
        let end = match end {
            Some(i) if body[i] == b'!' => start + 2 + i + 2,
            Some(i) => start + 2 + i + 3,
            None => {
                self.error("XMLERR: Comment not closed.".into(), self.src.len());
                self.src.len()
            }
        };
        self.push(Item::Comment(Extent::new(start, end)));
        self.pos = end;
    }

    fn start_tag(&mut self) {
        let start = self.pos;
        let name_start = start + 1;
        let mut i = name_start;
        while i < self.src.len() && self.src[i] != b'>' && !is_space(self.src[i]) {
            i += 1;
        }
        if i >= self.src.len() {
            self.eof_in_tag(start);
            return;
        }
        let slash = i > name_start && self.src[i - 1] == b'/';
        let name = name_start..if slash { i - 1 } else { i };
        let (attrs, end, tag_end) = if self.src[i] == b'>' {
            let end = if slash {
                TagEnd::SelfClosed
            } else {
                TagEnd::Open
            };
            (Vec::new(), end, i + 1)
        } else {
            match self.attributes(i) {
                Ok(parsed) => parsed,
                Err(e) => {
                    self.error(e.message, e.offset);
                    self.recover_tag(start, &name)
                }
            }
        };
        let end = if self.src[name.clone()].starts_with(b"?") {
            TagEnd::SelfClosed
        } else {
            end
        };
        if matches!(end, TagEnd::Open) && self.stack.len() >= MAX_DEPTH {
            // os_xml stops here; reading on would only hold more open elements
            // (memory grew 200-fold with the input), so the rest is one token.
            self.error("XMLERR: Max recursion level reached".into(), start);
            self.push(Item::Junk(Extent::new(start, self.src.len())));
            self.pos = self.src.len();
            return;
        }
        self.pos = tag_end;
        let id = ElementId(self.elements.len() as u32);
        self.elements.push(Element {
            start: start as u32,
            tag_end: tag_end as u32,
            end: tag_end as u32,
            end_tag: NONE,
            parent: self.stack.last().map_or(NONE, |p| p.0),
            attrs: self.attrs.len() as u32,
            content: 0,
            content_len: 0,
        });
        self.attrs.extend_from_slice(&attrs);
        self.push(Item::Element(id));
        if let TagEnd::Open = end {
            self.open(id, name);
        }
    }

    /// After an attribute error: the tag runs to the next `>`.
    fn recover_tag(&self, start: usize, name: &Span) -> (Vec<Attribute>, TagEnd, usize) {
        let gt = self.src[name.end..]
            .iter()
            .position(|&c| c == b'>')
            .map_or(self.src.len(), |p| name.end + p);
        let end = if gt > start && self.src[gt - 1] == b'/' || gt == self.src.len() {
            TagEnd::SelfClosed
        } else {
            TagEnd::Open
        };
        (Vec::new(), end, (gt + 1).min(self.src.len()))
    }

    fn eof_in_tag(&mut self, start: usize) {
        let msg = "XMLERR: End of file and some elements were not closed.";
        self.error(msg.into(), self.src.len());
        self.push(Item::Junk(Extent::new(start, self.src.len())));
        self.pos = self.src.len();
    }

    /// os_xml's `_getattributes`, from the space after the name; returns the
    /// attributes, how the tag ended and the offset after its end.
    fn attributes(&self, mut i: usize) -> Result<(Vec<Attribute>, TagEnd, usize), XmlError> {
        let src = self.src;
        let mut attrs: Vec<Attribute> = Vec::new();
        let mut name_start: Option<usize> = None;
        while i < src.len() {
            let c = src[i];
            if c == b'>' || c == b'/' {
                self.no_value(name_start, i)?;
                let (end, after) = tag_end(src, i);
                return Ok((attrs, end, after));
            } else if c == b'=' {
                let name = name_start.take().unwrap_or(i)..i;
                let Some((attr, next)) = self.attribute(name, i, &attrs)? else {
                    break;
                };
                attrs.push(attr);
                i = next;
                // os_xml reads each attribute after a space one level deeper and
                // stops past its limit, even when only `>` follows; this also keeps
                // the duplicate check above (a walk over `attrs`) bounded.
                if attrs.len() >= MAX_ATTRS && is_space(src[i - 1]) {
                    return Err(xml_error("XMLERR: Too many attributes.".into(), i));
                }
            } else if is_space(c) {
                self.no_value(name_start, i)?;
                i += 1;
            } else {
                name_start.get_or_insert(i);
                i += 1;
            }
        }
        Err(xml_error(
            "XMLERR: End of file while reading an attribute.".into(),
            src.len(),
        ))
    }

    /// A name that ends at `i` without `=`: the reader refuses it.
    fn no_value(&self, name_start: Option<usize>, i: usize) -> Result<(), XmlError> {
        match name_start {
            Some(s) => Err(xml_error(
                format!("XMLERR: Attribute '{}' has no value.", self.lossy(s..i)),
                i,
            )),
            None => Ok(()),
        }
    }

    /// The attribute named `name` whose `=` is at `eq`, with the offset where reading
    /// goes on after it; `None` when the input ends inside it.
    fn attribute(
        &self,
        name: Span,
        eq: usize,
        earlier: &[Attribute],
    ) -> Result<Option<(Attribute, usize)>, XmlError> {
        let src = self.src;
        let name_text = self.lossy(name.clone());
        if earlier
            .iter()
            .any(|a| src[a.name.range()] == src[name.clone()])
        {
            let m = format!("XMLERR: Attribute '{name_text}' already defined.");
            return Err(xml_error(m, eq));
        }
        let mut i = eq + 1;
        while i < src.len() && is_space(src[i]) {
            i += 1;
        }
        let quote = match src.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                let m = format!("XMLERR: Attribute '{name_text}' not followed by a \" or '.");
                return Err(xml_error(m, i));
            }
        };
        let Some(close) = self.closing_quote(i + 1, quote, &name_text)? else {
            return Ok(None);
        };
        let attr = Attribute {
            name: Extent::new(name.start, name.end),
            value: Extent::new(i + 1, close),
            quote,
        };
        let after = close + 1;
        match src.get(after) {
            Some(&c) if is_space(c) => Ok(Some((attr, after + 1))),
            Some(b'>' | b'/') => Ok(Some((attr, after))),
            Some(_) => {
                let v = self.lossy(attr.value.range());
                let m = format!("XMLERR: Bad attribute closing for '{name_text}'='{v}'.");
                Err(xml_error(m, after))
            }
            None => Ok(None),
        }
    }

    /// The offset of the quote that ends a value starting at `from`; a `>` before it
    /// is an error, the end of the input gives `None`.
    fn closing_quote(
        &self,
        from: usize,
        quote: u8,
        name_text: &str,
    ) -> Result<Option<usize>, XmlError> {
        for (j, &c) in self.src.iter().enumerate().skip(from) {
            if c == quote {
                return Ok(Some(j));
            }
            if c == b'>' {
                let m = format!("XMLERR: Attribute '{name_text}' not closed.");
                return Err(xml_error(m, j));
            }
        }
        Ok(None)
    }

    /// Source bytes as text, for messages.
    fn lossy(&self, span: Span) -> String {
        String::from_utf8_lossy(&self.src[span]).into_owned()
    }

    fn end_tag(&mut self) {
        let start = self.pos;
        let Some(gt) = self.find(b'>') else {
            self.eof_in_tag(start);
            return;
        };
        let end = gt + 1;
        let closed = &self.src[start + 2..gt];
        self.pos = end;
        let Some(&open) = self.stack.last() else {
            return;
        };
        let open_name = &self.src[self.name_of(open)];
        if closed == open_name {
            self.close(open, start..end);
            return;
        }
        let name = String::from_utf8_lossy(open_name).into_owned();
        self.error(format!("XMLERR: Element '{name}' not closed."), gt);
        let trimmed = closed.trim_ascii_end();
        // The walk down the stack happens only when it finds the element, and then
        // closes every element it passed: linear over the whole input.
        let target = self.is_open(trimmed).then(|| {
            self.stack
                .iter()
                .rposition(|id| &self.src[self.name_of(*id)] == trimmed)
        });
        match target.flatten() {
            Some(depth) => {
                while self.stack.len() > depth + 1 {
                    self.pop(start);
                }
                if let Some(&id) = self.stack.last() {
                    self.close(id, start..end);
                }
            }
            None => self.push(Item::Junk(Extent::new(start, end))),
        }
    }

    /// Closes the innermost open element `id` with the end tag at `tag`.
    fn close(&mut self, id: ElementId, tag: Span) {
        self.elements[id.index()].end_tag = tag.start as u32;
        self.pop(tag.end);
    }

    fn find(&self, c: u8) -> Option<usize> {
        self.src[self.pos..]
            .iter()
            .position(|&b| b == c)
            .map(|p| self.pos + p)
    }

    fn push(&mut self, item: Item) {
        match self.stack.len().checked_sub(1) {
            Some(d) => self.open_content[d].push(item),
            None => self.top.push(item),
        }
    }

    /// Records an error; past [`MAX_ERRORS`] they are only counted, in one last
    /// error, so that memory does not grow with a file made of errors.
    fn error(&mut self, message: String, offset: usize) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(XmlError { message, offset });
        } else {
            self.dropped_errors += 1;
        }
    }
}
