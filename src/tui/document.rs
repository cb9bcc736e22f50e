//! How the document changes and is kept: edits, undo/redo, the findings after each
//! change, and the save and reload round trips (SPEC §4). `impl App`, split from
//! `app.rs` to keep the event routing there short.

use super::app::{App, Effect, Msg, Notice, SaveResult};
use super::popup::Popup;
use super::session::{EditOp, Selector, Session};
use super::strings as s;
use crate::model::{BlockRef, Diagnostic, Severity};
use crate::simulate;
use crate::validate::{self, Context};

impl App {
    /// Applies edits in order; the first refusal stops and is reported.
    pub(super) fn apply(&mut self, ops: Vec<EditOp>) -> Vec<Msg> {
        let mut out = Vec::new();
        for op in ops {
            match self.session.apply(op) {
                Ok(change) => {
                    self.revision += u64::from(change.changed);
                    if let Some(sel) = change.inserted {
                        out.push(Msg::Select(self.block_of(&sel)));
                    }
                    if !change.renamed_responses.is_empty() {
                        out.push(Msg::Info(s::renamed(&change.renamed_responses)));
                    }
                }
                Err(e) => {
                    out.push(Msg::Error(e.to_string()));
                    break;
                }
            }
        }
        self.refresh();
        out
    }

    pub(super) fn block_of(&self, sel: &Selector) -> BlockRef {
        match sel {
            Selector::Response(n) => BlockRef::Response(*n),
            Selector::Command(name) => {
                let c = self.session.config().command(name);
                BlockRef::Command(c.map_or(1, |c| c.index))
            }
        }
    }

    pub(super) fn undo(&mut self, undo: bool) {
        let done = if undo {
            self.session.undo()
        } else {
            self.session.redo()
        };
        self.revision += u64::from(done);
        let text = match (undo, done) {
            (true, true) => s::UNDONE,
            (true, false) => s::NOTHING_TO_UNDO,
            (false, true) => s::REDONE,
            (false, false) => s::NOTHING_TO_REDO,
        };
        self.notice = Some(Notice {
            text: text.into(),
            error: !done,
        });
        self.refresh();
    }

    /// Re-runs the validator (and the ruleset-aware checks when rules are loaded)
    /// and keeps the selection on an existing block.
    pub(crate) fn refresh(&mut self) {
        let cfg = self.session.config();
        let doc = self.session.doc();
        self.diags = validate::check(&Context {
            doc,
            config: cfg,
            profile: self.profile,
            home: self.home.as_deref(),
        });
        if let Some(rules) = &self.rules {
            self.diags
                .extend(simulate::diagnostics::check(cfg, doc, rules, self.profile));
            self.diags
                .sort_by(|a, b| a.offset.cmp(&b.offset).then(b.severity.cmp(&a.severity)));
        }
        self.list.clamp(cfg);
        self.form.clamp(self.list.selected, cfg);
    }

    /// Error findings by code and block, to tell new errors from old ones.
    pub(crate) fn error_keys(&self) -> Vec<(&'static str, Option<BlockRef>)> {
        self.diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| (d.code, d.block))
            .collect()
    }

    /// Errors the edits added (SPEC §7: old errors do not block a save).
    pub(crate) fn new_errors(&self) -> Vec<&Diagnostic> {
        let mut base = self.base_errors.clone();
        let mut out = Vec::new();
        for d in self.diags.iter().filter(|d| d.severity == Severity::Error) {
            match base.iter().position(|k| *k == (d.code, d.block)) {
                Some(i) => {
                    base.swap_remove(i);
                }
                None => out.push(d),
            }
        }
        out
    }

    pub(super) fn start_save(&mut self) -> Vec<Msg> {
        if !self.is_modified() {
            let msg = Msg::Info(s::NOTHING_TO_SAVE.into());
            if self.quit_after_save {
                return vec![msg, Msg::Effect(Effect::Quit)];
            }
            return vec![msg];
        }
        let diff = self.session.diff(&self.label);
        let errors = self
            .new_errors()
            .iter()
            .map(|d| d.message.clone())
            .collect();
        vec![Msg::Open(Popup::preview(diff, errors))]
    }

    pub(super) fn saved(&mut self, r: SaveResult) -> Vec<Msg> {
        match r {
            SaveResult::Saved { text, backup } => {
                self.session.mark_saved(text);
                self.base_errors = self.error_keys();
                let mut out = vec![
                    Msg::Close,
                    Msg::Info(s::saved(&self.path, backup.as_deref())),
                ];
                if self.quit_after_save {
                    out.push(Msg::Effect(Effect::Quit));
                }
                out
            }
            SaveResult::ChangedOnDisk => vec![Msg::Open(Popup::External)],
            SaveResult::Failed(why) => {
                self.quit_after_save = false;
                vec![Msg::Close, Msg::Error(s::save_failed(&why))]
            }
        }
    }

    pub(super) fn reloaded(&mut self, r: Result<String, String>) -> Vec<Msg> {
        match r {
            Ok(text) => {
                self.session = Session::new(text);
                self.revision += 1;
                self.refresh();
                self.base_errors = self.error_keys();
                self.form.reset();
                vec![Msg::Close, Msg::Info(s::RELOADED.into())]
            }
            Err(why) => vec![Msg::Close, Msg::Error(why)],
        }
    }
}
