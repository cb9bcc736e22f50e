//! A small stand-in for the `session` and `save` layers, with their API, so that the
//! editor can be built and tested before they exist. Replaced by `crate::session` and
//! `crate::save` when they land; nothing outside `tui/` uses it.

#![allow(dead_code)]

pub(crate) mod session {
    //! Document + undo/redo history, by whole-text snapshots.

    use std::fmt;

    use crate::model::{Config, Response};
    use crate::xml::{self, Document, ElementId};

    /// Which block an edit targets.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub(crate) enum Selector {
        /// `response:N`, 1-based.
        Response(usize),
        /// `command:NAME`.
        Command(String),
    }

    /// One edit.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub(crate) enum EditOp {
        /// Sets a field (adds the element when missing).
        Set {
            sel: Selector,
            field: String,
            value: String,
        },
        /// Removes a field.
        Unset { sel: Selector, field: String },
        /// Adds a `<command>`.
        AddCommand(Vec<(String, String)>),
        /// Adds an `<active-response>`.
        AddResponse(Vec<(String, String)>),
        /// Removes a block.
        Remove { sel: Selector, force: bool },
    }

    /// What an edit did.
    #[derive(Debug, Clone, Default)]
    pub(crate) struct Change {
        /// Did the text change?
        pub(crate) changed: bool,
        /// Responses renamed along with a command.
        pub(crate) renamed_responses: Vec<usize>,
        /// The block inserted, if any.
        pub(crate) inserted: Option<Selector>,
    }

    /// Why an edit was refused.
    #[derive(Debug, Clone)]
    pub(crate) struct EditError(pub(crate) String);

    impl fmt::Display for EditError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&self.0)
        }
    }

    /// The document being edited, its original text and its history.
    #[derive(Debug, Clone)]
    pub(crate) struct Session {
        original: String,
        doc: Document,
        config: Config,
        undo: Vec<String>,
        redo: Vec<String>,
    }

    impl Session {
        /// Opens a text.
        pub(crate) fn new(text: String) -> Session {
            let doc = xml::parse(&text);
            let config = Config::from_document(&doc);
            Session {
                original: text,
                doc,
                config,
                undo: Vec::new(),
                redo: Vec::new(),
            }
        }

        /// The current text.
        pub(crate) fn source(&self) -> &str {
            self.doc.source()
        }

        /// The text as read (or last saved).
        pub(crate) fn original(&self) -> &str {
            &self.original
        }

        /// The parsed current text.
        pub(crate) fn doc(&self) -> &Document {
            &self.doc
        }

        /// The typed view of the current text.
        pub(crate) fn config(&self) -> &Config {
            &self.config
        }

        /// Does the text differ from the original?
        pub(crate) fn is_modified(&self) -> bool {
            self.source() != self.original
        }

        fn replace(&mut self, text: String) {
            self.doc = xml::parse(&text);
            self.config = Config::from_document(&self.doc);
        }

        fn commit(&mut self, text: String) -> Change {
            if text == self.source() {
                return Change::default();
            }
            self.undo.push(self.source().to_string());
            self.redo.clear();
            self.replace(text);
            Change {
                changed: true,
                ..Change::default()
            }
        }

        /// Applies one edit as one undo step.
        pub(crate) fn apply(&mut self, op: EditOp) -> Result<Change, EditError> {
            let text = edit(self, &op)?;
            let mut change = self.commit(text);
            change.inserted = match op {
                EditOp::AddCommand(f) => f
                    .iter()
                    .find(|(k, _)| k == "name")
                    .map(|(_, v)| Selector::Command(v.clone())),
                EditOp::AddResponse(_) => Some(Selector::Response(self.config.responses.len())),
                _ => None,
            };
            Ok(change)
        }

        /// Undoes the last edit.
        pub(crate) fn undo(&mut self) -> bool {
            let Some(text) = self.undo.pop() else {
                return false;
            };
            self.redo.push(self.source().to_string());
            self.replace(text);
            true
        }

        /// Redoes the last undone edit.
        pub(crate) fn redo(&mut self) -> bool {
            let Some(text) = self.redo.pop() else {
                return false;
            };
            self.undo.push(self.source().to_string());
            self.replace(text);
            true
        }

        /// Unified diff from the original to the current text.
        pub(crate) fn diff(&self, label: &str) -> String {
            similar::TextDiff::from_lines(self.original.as_str(), self.source())
                .unified_diff()
                .header(&format!("a/{label}"), &format!("b/{label}"))
                .to_string()
        }

        /// The current text is now what is on disk.
        pub(crate) fn mark_saved(&mut self, text: String) {
            self.original = text;
        }
    }

    fn block(s: &Session, sel: &Selector) -> Result<ElementId, EditError> {
        let c = &s.config;
        let found = match sel {
            Selector::Response(n) => c.responses.get(n.wrapping_sub(1)).map(|r| r.element),
            Selector::Command(name) => c.command(name).map(|c| c.element),
        };
        found.ok_or_else(|| EditError(format!("no block matches {sel:?}")))
    }

    fn splice(src: &str, range: std::ops::Range<usize>, with: &str) -> String {
        format!("{}{}{}", &src[..range.start], with, &src[range.end..])
    }

    /// The whitespace before `id` on its line.
    fn indent_of(doc: &Document, id: ElementId) -> String {
        let at = doc.element(id).span.start;
        let line_start = doc.source()[..at].rfind('\n').map_or(0, |i| i + 1);
        doc.source()[line_start..at].to_string()
    }

    fn edit(s: &Session, op: &EditOp) -> Result<String, EditError> {
        let doc = &s.doc;
        let src = doc.source();
        let nl = doc.newline();
        match op {
            EditOp::Set { sel, field, value } => {
                let id = block(s, sel)?;
                let existing = doc.children_named(id, field).last();
                match existing {
                    Some(f) => {
                        let el = doc.element(f);
                        if el.is_self_closed() {
                            let name = doc.name(f);
                            Ok(splice(
                                src,
                                el.span.clone(),
                                &format!("<{name}>{value}</{name}>"),
                            ))
                        } else {
                            Ok(splice(src, el.inner(), value))
                        }
                    }
                    None => Ok(insert_child(
                        doc,
                        id,
                        &format!("<{field}>{value}</{field}>"),
                    )),
                }
            }
            EditOp::Unset { sel, field } => {
                let id = block(s, sel)?;
                let mut text = src.to_string();
                let all: Vec<ElementId> = doc.children_named(id, field).collect();
                for f in all.into_iter().rev() {
                    text = splice(&text, line_range(src, doc.element(f).span.clone()), "");
                }
                Ok(text)
            }
            EditOp::Remove { sel, .. } => {
                let id = block(s, sel)?;
                Ok(splice(
                    src,
                    line_range(src, doc.element(id).span.clone()),
                    "",
                ))
            }
            EditOp::AddCommand(fields) => add_block(s, "command", fields, nl),
            EditOp::AddResponse(fields) => add_block(s, "active-response", fields, nl),
        }
    }

    /// The span widened to whole lines when only whitespace surrounds it.
    fn line_range(src: &str, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let start = src[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let end = src[span.end..]
            .find('\n')
            .map_or(src.len(), |i| span.end + i + 1);
        if src[start..span.start].trim().is_empty() && src[span.end..end].trim().is_empty() {
            start..end
        } else {
            span
        }
    }

    fn insert_child(doc: &Document, id: ElementId, child: &str) -> String {
        let src = doc.source();
        let nl = doc.newline();
        let el = doc.element(id);
        let last = el.children().last();
        let indent = last.map_or_else(
            || format!("{}  ", indent_of(doc, id)),
            |c| indent_of(doc, c),
        );
        let at = last.map_or(el.start_tag.end, |c| doc.element(c).span.end);
        splice(src, at..at, &format!("{nl}{indent}{child}"))
    }

    fn add_block(
        s: &Session,
        name: &str,
        fields: &[(String, String)],
        nl: &str,
    ) -> Result<String, EditError> {
        let doc = &s.doc;
        let c = &s.config;
        let anchor = if name == "command" {
            c.commands.last().map(|x| x.element)
        } else {
            c.responses.last().map(|r: &Response| r.element)
        }
        .or_else(|| c.commands.last().map(|x| x.element))
        .ok_or_else(|| EditError("no place to insert".into()))?;
        let indent = indent_of(doc, anchor);
        let mut text = format!("{nl}{nl}{indent}<{name}>");
        for (k, v) in fields {
            text.push_str(&format!("{nl}{indent}  <{k}>{v}</{k}>"));
        }
        text.push_str(&format!("{nl}{indent}</{name}>"));
        let at = doc.element(anchor).span.end;
        Ok(splice(doc.source(), at..at, &text))
    }
}

pub(crate) mod save {
    //! Writes a file unless it changed on disk since it was read.

    use std::path::Path;

    /// Save options.
    #[derive(Debug, Clone, Default)]
    pub(crate) struct SaveOptions {
        /// Keep the previous content as a hidden backup.
        pub(crate) backup: bool,
    }

    /// What the save did.
    #[derive(Debug, Clone)]
    pub(crate) struct SaveOutcome {
        /// The backup written, if any.
        pub(crate) backup: Option<std::path::PathBuf>,
    }

    /// Why the save failed.
    #[derive(Debug, thiserror::Error)]
    pub(crate) enum SaveError {
        /// The file is not what was read.
        #[error("the file changed on disk since it was read")]
        ChangedOnDisk,
        /// Reading or writing failed.
        #[error("{0}")]
        Io(#[from] std::io::Error),
    }

    /// Writes `new_text` to `path` when the file still holds `expected_original`.
    pub(crate) fn save(
        path: &Path,
        expected_original: &str,
        new_text: &str,
        opts: &SaveOptions,
    ) -> Result<SaveOutcome, SaveError> {
        let now = std::fs::read(path)?;
        if now != expected_original.as_bytes() {
            return Err(SaveError::ChangedOnDisk);
        }
        let _ = opts;
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut tmp, new_text.as_bytes())?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| SaveError::Io(e.error))?;
        Ok(SaveOutcome { backup: None })
    }
}
