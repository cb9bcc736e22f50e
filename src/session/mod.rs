//! An editing session: the document, its typed view, and an undo/redo history of
//! committed edits, each stored as its splices and their inverses (docs/ARCHITECTURE.md,
//! docs/ARCHITECTURE.md "Habits" 10).
//!
//! The CLI (`set`, `unset`, `add`, `rm`) and the TUI drive the same [`Session`], so an
//! edit made either way produces the same bytes.

mod apply;
mod check;
pub mod merge;
mod op;
mod root;
mod select;
mod shift;

use std::rc::Rc;

use crate::model::{Config, Diagnostic};
use crate::xml::{self, Document};

pub use crate::model::BlockKind;
pub use check::{
    FieldProblem, defined_agent_problem, field_problem, problem_severity, unset_problem,
};
pub use op::{Change, EditError, EditOp, Selector, parse_fields};
pub use select::Pattern;
pub use shift::{Shift, new_errors, new_findings, renumber};

/// One undo step: the splice sets of one [`EditOp`], in the order applied.
#[derive(Debug, Clone)]
struct Step {
    edits: Vec<apply::Edit>,
    /// How the step moved block numbers.
    shifts: Vec<Shift>,
}

/// A document being edited, with its history.
#[derive(Debug, Clone)]
pub struct Session {
    original: String,
    doc: Document,
    /// Shared with edits in progress, which start from it.
    config: Rc<Config>,
    undo: Vec<Step>,
    redo: Vec<Step>,
    /// The numbering changes from the original to the current text, undos included.
    path: Vec<Shift>,
}

impl Session {
    /// A session on the text as read from disk.
    pub fn new(source: String) -> Session {
        let doc = xml::parse(&source);
        let config = Rc::new(Config::from_document(&doc));
        Session {
            original: source,
            doc,
            config,
            undo: Vec::new(),
            redo: Vec::new(),
            path: Vec::new(),
        }
    }

    /// The current text.
    pub fn source(&self) -> &str {
        self.doc.source()
    }

    /// The text as read (or as last saved).
    pub fn original(&self) -> &str {
        &self.original
    }

    /// The current document.
    pub fn doc(&self) -> &Document {
        &self.doc
    }

    /// The current typed view.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Does the current text differ from the original?
    pub fn is_modified(&self) -> bool {
        self.source() != self.original
    }

    /// Can [`Session::undo`] do anything?
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Can [`Session::redo`] do anything?
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Applies one edit as one undo step. A refused edit leaves everything unchanged;
    /// an edit that changes nothing adds no step and reports `changed: false`.
    pub fn apply(&mut self, op: EditOp) -> Result<Change, EditError> {
        let mut changes = self.apply_all(vec![op])?;
        Ok(changes.pop().unwrap_or_default())
    }

    /// Applies edits in order as one undo step (a command and the response that uses
    /// it): the first refusal leaves everything unchanged, the earlier edits included.
    pub fn apply_all(&mut self, ops: Vec<EditOp>) -> Result<Vec<Change>, EditError> {
        let mut txn = apply::Txn::new(&self.doc, Rc::clone(&self.config));
        let mut changes = Vec::with_capacity(ops.len());
        for op in ops {
            changes.push(apply::run(&mut txn, op)?);
        }
        if txn.doc.source() == self.doc.source() {
            return Ok(changes.iter().map(|_| Change::default()).collect());
        }
        if txn.doc.errors().len() > self.doc.errors().len() {
            let why = txn
                .doc
                .errors()
                .first()
                .map_or_else(String::new, |e| e.message.clone());
            return Err(EditError::NotReadBack(format!(
                "the file would no longer read: {why}"
            )));
        }
        self.config = txn.config();
        self.doc = txn.doc;
        let shifts: Vec<Shift> = changes.iter().filter_map(|c| c.shift).collect();
        for s in &shifts {
            shift::push(&mut self.path, *s);
        }
        self.undo.push(Step {
            edits: txn.edits,
            shifts,
        });
        self.redo.clear();
        Ok(changes)
    }

    /// Undoes the last step; `false` when there is none.
    pub fn undo(&mut self) -> bool {
        let Some(step) = self.undo.pop() else {
            return false;
        };
        let backward = step.edits.iter().rev().map(|e| &e.backward[..]);
        if !self.replay(backward) {
            self.undo.push(step);
            return false;
        }
        for s in step.shifts.iter().rev() {
            shift::push(&mut self.path, s.inverse());
        }
        self.redo.push(step);
        true
    }

    /// Redoes the last undone step; `false` when there is none.
    pub fn redo(&mut self) -> bool {
        let Some(step) = self.redo.pop() else {
            return false;
        };
        let forward = step.edits.iter().map(|e| &e.forward[..]);
        if !self.replay(forward) {
            self.redo.push(step);
            return false;
        }
        for s in &step.shifts {
            shift::push(&mut self.path, *s);
        }
        self.undo.push(step);
        true
    }

    /// Applies splice sets in turn; leaves the session unchanged when one does not fit
    /// (a history that does not match the text, which would be a bug).
    fn replay<'a>(&mut self, sets: impl Iterator<Item = &'a [xml::Splice]>) -> bool {
        let mut text = self.source().to_string();
        for splices in sets {
            match xml::edit::apply(&text, splices) {
                Ok(t) => text = t,
                Err(_) => return false,
            }
        }
        self.set_doc(xml::parse(&text));
        true
    }

    fn set_doc(&mut self, doc: Document) {
        self.config = Rc::new(Config::from_document(&doc));
        self.doc = doc;
    }

    /// A unified diff from the original to the current text; `label` names the file
    /// in the `---`/`+++` lines. Empty when nothing changed.
    pub fn diff(&self, label: &str) -> String {
        if !self.is_modified() {
            return String::new();
        }
        similar::TextDiff::from_lines(self.original.as_str(), self.source())
            .unified_diff()
            .context_radius(3)
            .header(label, label)
            .to_string()
    }

    /// Re-applies the edits made since the text was read (or last saved) onto
    /// `theirs`, what the file holds now that someone else changed it: a three-way
    /// merge by lines ([`merge::merge`]), its conflicts settled by `choose`.
    /// Afterwards `theirs` is the original, so the diff is against it, and the merge is
    /// the one undo step (undo gives their version back); the earlier history is
    /// dropped, as its splices are positions in the old text. On conflicts left
    /// unsettled nothing changes; each names the block it is in.
    pub fn rebase(
        &mut self,
        theirs: String,
        choose: &merge::Choose,
    ) -> Result<(), Vec<merge::Conflict>> {
        let merged = merge::merge_choosing(&self.original, self.source(), &theirs, choose)
            .map_err(|c| merge::name_blocks(&self.original, c))?;
        let shifts = std::mem::take(&mut self.path);
        self.set_doc(xml::parse(&theirs));
        self.original = theirs;
        self.undo.clear();
        self.redo.clear();
        self.replace_with_shifts(&merged, shifts);
        Ok(())
    }

    /// Replaces the whole text as one undo step, by one splice over what differs (the
    /// edits a reload set aside, merged back); `false` when nothing changes.
    pub fn replace_text(&mut self, text: &str) -> bool {
        self.replace_with_shifts(text, Vec::new())
    }

    /// [`Session::replace_text`], recording how it moves block numbers.
    fn replace_with_shifts(&mut self, text: &str, shifts: Vec<Shift>) -> bool {
        let old = self.source();
        if old == text {
            return false;
        }
        let (o, n) = (old.as_bytes(), text.as_bytes());
        let mut pre = o.iter().zip(n).take_while(|(a, b)| a == b).count();
        while !(old.is_char_boundary(pre) && text.is_char_boundary(pre)) {
            pre -= 1;
        }
        let room = o.len().min(n.len()) - pre;
        let mut suf = o
            .iter()
            .rev()
            .zip(n.iter().rev())
            .take(room)
            .take_while(|(a, b)| a == b)
            .count();
        while !(old.is_char_boundary(o.len() - suf) && text.is_char_boundary(n.len() - suf)) {
            suf -= 1;
        }
        let edit = apply::Edit {
            forward: vec![xml::Splice {
                range: pre..o.len() - suf,
                text: text[pre..n.len() - suf].to_string(),
            }],
            backward: vec![xml::Splice {
                range: pre..n.len() - suf,
                text: old[pre..o.len() - suf].to_string(),
            }],
        };
        self.set_doc(xml::parse(text));
        for s in &shifts {
            shift::push(&mut self.path, *s);
        }
        self.undo.push(Step {
            edits: vec![edit],
            shifts,
        });
        self.redo.clear();
        true
    }

    /// After a save: the text on disk becomes the original (the history is kept).
    pub fn mark_saved(&mut self, text_on_disk: String) {
        self.original = text_on_disk;
        self.path.clear();
    }

    /// The numbering changes from the original (or last saved) text to the current.
    pub fn shifts(&self) -> &[Shift] {
        &self.path
    }

    /// The errors of `after` (findings on the current text) that `before` (findings
    /// on the original) did not have, following the blocks the edits renumbered
    /// (docs/choices.md: only errors the edits add block a save).
    pub fn new_errors<'a>(
        &self,
        before: &[Diagnostic],
        after: &'a [Diagnostic],
    ) -> Vec<&'a Diagnostic> {
        shift::new_errors(before, after, &self.path)
    }

    /// Like [`Session::new_errors`], for findings of every severity.
    pub fn new_findings<'a>(
        &self,
        before: &[Diagnostic],
        after: &'a [Diagnostic],
    ) -> Vec<&'a Diagnostic> {
        shift::new_findings(before, after, &self.path)
    }

    /// The selectors of the blocks `sel` names, one per block, by position
    /// (`response:N`, `command#N`): a content selector may name none or several;
    /// the others name one (or refuse as [`Session::apply`] would).
    pub fn select(&self, sel: &Selector) -> Result<Vec<Selector>, EditError> {
        apply::select(&self.doc, &self.config, sel)
    }

    /// The block already there that the `add` of `op` would duplicate (same command
    /// name; same response identity as analysisd reads it under `profile`).
    pub fn existing(&self, op: &EditOp, profile: crate::model::Profile) -> Option<Selector> {
        select::existing(&self.config, op, profile)
    }

    /// The form-field problems of `op`'s values (docs/editor.md "Fields"), checked against the
    /// current document: the TUI refuses to commit them, the CLI unless `--force`.
    pub fn problems(&self, op: &EditOp) -> Vec<FieldProblem> {
        check::problems(self, op)
    }

    /// The problems across the fields of one block as it stands now (after a series of
    /// `set`s, since one field alone cannot show them).
    pub fn block_problems(&self, sel: &Selector) -> Vec<FieldProblem> {
        check::block_problems(self, sel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Field;

    const SRC: &str = "<ossec_config>\n  <command>\n    <name>fd</name>\n    <executable>firewall-drop</executable>\n  </command>\n  <active-response>\n    <command>fd</command>\n    <location>local</location>\n  </active-response>\n</ossec_config>\n";

    fn set(sel: &str, field: Field, value: &str) -> EditOp {
        EditOp::Set {
            sel: sel.parse().expect("selector"),
            field,
            value: value.into(),
        }
    }

    #[test]
    fn undo_redo_walk_the_history() {
        let mut s = Session::new(SRC.into());
        assert!(!s.undo());
        s.apply(set("response:1", Field::Level, "7")).expect("set");
        s.apply(set("response:1", Field::Level, "9")).expect("set");
        let nine = s.source().to_string();
        assert!(s.undo());
        assert!(s.source().contains("<level>7</level>"));
        assert!(s.undo());
        assert_eq!(s.source(), SRC);
        assert!(!s.is_modified());
        assert!(s.redo() && s.redo());
        assert_eq!(s.source(), nine);
        assert!(!s.redo());
    }

    #[test]
    fn a_no_op_adds_no_step_and_a_new_edit_clears_redo() {
        let mut s = Session::new(SRC.into());
        let c = s
            .apply(set("response:1", Field::Location, "local"))
            .expect("set");
        assert!(!c.changed);
        assert!(!s.can_undo());
        s.apply(set("response:1", Field::Location, "server"))
            .expect("set");
        s.undo();
        s.apply(set("response:1", Field::Timeout, "60"))
            .expect("set");
        assert!(!s.can_redo());
    }

    #[test]
    fn refused_edits_change_nothing() {
        let mut s = Session::new(SRC.into());
        let e = s
            .apply(set("response:1", Field::Level, "a<b"))
            .expect_err("refused");
        assert!(matches!(e, EditError::Unrepresentable { .. }), "{e}");
        let e = s
            .apply(EditOp::Remove {
                sel: "command:fd".parse().expect("sel"),
                force: false,
            })
            .expect_err("in use");
        assert_eq!(
            e,
            EditError::InUse {
                name: "fd".into(),
                users: vec![1]
            }
        );
        assert_eq!(s.source(), SRC);
        assert!(!s.can_undo());
    }

    #[test]
    fn apply_all_is_one_step_and_all_or_nothing() {
        let mut s = Session::new(SRC.into());
        let add = |name: &str| {
            EditOp::AddCommand(vec![
                (Field::Name, name.into()),
                (Field::Executable, "x.sh".into()),
            ])
        };
        let e = s
            .apply_all(vec![add("new"), set("response:9", Field::Level, "7")])
            .expect_err("no response 9");
        assert!(matches!(e, EditError::NoMatch { .. }), "{e}");
        assert_eq!(s.source(), SRC, "the command is not left behind");
        assert!(!s.can_undo());
        let changes = s
            .apply_all(vec![add("new"), set("response:1", Field::Command, "new")])
            .expect("both");
        assert_eq!(changes.len(), 2);
        assert!(s.source().contains("<name>new</name>"));
        assert!(s.undo());
        assert_eq!(s.source(), SRC, "one undo takes both back");
    }

    /// Regression: removing a field was recorded as removing its block, so findings
    /// after it were matched with the wrong block (an edit is refused only for the errors it adds).
    #[test]
    fn unset_moves_no_block_numbers() {
        let mut s = Session::new(SRC.into());
        let c = s
            .apply(EditOp::Unset {
                sel: "response:1".parse().expect("sel"),
                field: Field::Location,
            })
            .expect("unset");
        assert!(c.changed && c.shift.is_none());
        assert!(s.shifts().is_empty());
    }

    #[test]
    fn diff_and_mark_saved() {
        let mut s = Session::new(SRC.into());
        s.apply(set("command:fd", Field::Executable, "fw"))
            .expect("set");
        let d = s.diff("ossec.conf");
        assert!(d.starts_with("--- ossec.conf\n+++ ossec.conf\n"), "{d}");
        assert!(d.contains(
            "-    <executable>firewall-drop</executable>\n+    <executable>fw</executable>\n"
        ));
        let now = s.source().to_string();
        s.mark_saved(now);
        assert!(!s.is_modified());
        assert_eq!(s.diff("x"), "");
    }

    #[test]
    fn add_root_appends_an_empty_root_once_in_the_files_line_ending() {
        let mut s = Session::new("hello\r\nworld".into());
        assert!(s.apply(EditOp::AddRoot).expect("root").changed);
        assert_eq!(
            s.source(),
            "hello\r\nworld\r\n<ossec_config>\r\n</ossec_config>\r\n"
        );
        assert!(!s.apply(EditOp::AddRoot).expect("again").changed);
        let mut s = Session::new(SRC.into());
        assert!(!s.apply(EditOp::AddRoot).expect("has one").changed);
        assert_eq!(s.source(), SRC);
    }
}
