//! How the document changes and is kept: edits, undo/redo, the findings after each
//! change, and the save and reload round trips (docs/editor.md "Saving"). `impl App`, split from
//! `app.rs` to keep the event routing there short.

use super::app::{App, Effect, Msg, Notice, SaveResult};
use super::matching::{self, MatchAnswer, MatchJob};
use super::popup::{Conflicts, Popup};
use super::session::merge::{self, Choose};
use super::session::{EditOp, Selector, Session};
use super::strings as s;
use crate::model::{BlockRef, Diagnostic, Field};
use crate::validate::{self, Context};

/// How many (response, rule) bindings the ruleset-aware checks may evaluate after
/// each edit. A binding costs about 25-100 ns in a release build, and a key must
/// finish its frame within 16 ms: 250,000 is about 55 responses with the full Wazuh
/// ruleset (4,500 rules), 6-25 ms once per edit (moving around reuses the result).
/// Above it, only the selected response is checked and the status line says so.
const RULE_CHECK_BUDGET: usize = 250_000;

impl App {
    /// Applies edits in order as one undo step; a refusal of any leaves the document
    /// unchanged and is reported.
    pub(super) fn apply(&mut self, ops: Vec<EditOp>) -> Vec<Msg> {
        let mut out = Vec::new();
        match self.session.apply_all(ops) {
            Ok(changes) => {
                self.revision += u64::from(changes.iter().any(|c| c.changed));
                for change in changes {
                    if let Some(sel) = change.inserted {
                        out.push(Msg::Select(self.block_of(&sel)));
                    }
                    if !change.renamed_responses.is_empty() {
                        out.push(Msg::Info(s::renamed(&change.renamed_responses)));
                    }
                }
            }
            Err(e) => out.push(Msg::Error(e.to_string())),
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
            Selector::CommandAt(n) => BlockRef::Command(*n),
            Selector::Match(_) => match self
                .session
                .select(sel)
                .ok()
                .and_then(|v| v.first().cloned())
            {
                Some(one @ (Selector::Response(_) | Selector::CommandAt(_))) => self.block_of(&one),
                _ => BlockRef::Command(1),
            },
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
            (true, false) if self.set_aside.is_some() => s::NOTHING_TO_UNDO_RELOADED,
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
        self.checked = validate::check(&Context::new(
            self.session.doc(),
            cfg,
            self.profile,
            self.home.as_deref(),
        ));
        self.list.clamp(cfg);
        self.form.clamp(self.list.selected, cfg);
        self.rule_key = None;
        self.update_rule_findings();
    }

    /// Adds the ruleset-aware findings to the validator's, for every response (list
    /// marks and status counts). They cost one binding per response and rule: when
    /// that is more than an edit can afford, only the selected response is checked
    /// (its form shows them) and [`App::rule_checks_partial`] tells. Recomputed only
    /// when the document moved (or the selection, in that case).
    pub(crate) fn update_rule_findings(&mut self) {
        let Some(rules) = &self.rules else {
            if self.rule_key.is_none() {
                self.diags = self.checked.clone();
                self.rule_key = Some((self.revision, None));
            }
            return;
        };
        let cfg = self.session.config();
        let whole = cfg.responses.len().saturating_mul(rules.len()) <= RULE_CHECK_BUDGET;
        let scope = match self.list.selected {
            _ if whole => None,
            Some(BlockRef::Response(n)) => Some(n),
            _ => Some(0),
        };
        if self.rule_key == Some((self.revision, scope)) {
            return;
        }
        self.rule_key = Some((self.revision, scope));
        let patterns = cfg
            .responses
            .iter()
            .filter(|r| scope.is_none_or(|n| r.index == n))
            .filter_map(|r| r.value(Field::RulesGroup));
        let costly = matching::costly_together(rules, patterns);
        if costly {
            // Matched by a job: the validator's findings meanwhile.
            self.findings_pending = Some((self.revision, scope));
            self.diags = self.checked.clone();
            return;
        }
        self.findings_pending = None;
        let found = matching::rule_findings(cfg, self.session.doc(), rules, self.profile, scope);
        self.add_rule_findings(found);
    }

    /// The validator's findings and these ruleset-aware ones, in file order.
    fn add_rule_findings(&mut self, found: Vec<Diagnostic>) {
        let mut all = self.checked.clone();
        all.extend(found);
        all.sort_by(|a, b| a.offset.cmp(&b.offset).then(b.severity.cmp(&a.severity)));
        self.diags = all;
    }

    /// The matching job the state asks for, when none is out: the findings waiting
    /// for one, and the costly counts the last frame asked for. The event loop asks
    /// after each frame (drawing is what finds the counts wanted); key scripts ask
    /// when they choose, which lets a test hold a job's answer back.
    pub fn take_matching(&mut self) -> Option<Effect> {
        if self.match_asked || (self.findings_pending.is_none() && !self.counts.any_wanted()) {
            return None;
        }
        self.match_asked = true;
        Some(Effect::Match(MatchJob {
            text: self.session.source().to_string(),
            findings: self.findings_pending,
            counts: self.counts.take_wanted(),
            bind: self.counts.take_wanted_binding(),
        }))
    }

    /// A matching job's answer: its counts are kept; its findings are shown when the
    /// document is still the one they were made for (else the next job makes them).
    pub(super) fn matched(&mut self, answer: MatchAnswer) {
        self.match_asked = false;
        for (key, n) in answer.counts {
            self.counts.insert(key, n);
        }
        if let Some((key, binding)) = answer.bind {
            self.counts.set_binding(key, binding);
        }
        if let Some((key, found)) = answer.findings
            && self.findings_pending == Some(key)
        {
            self.findings_pending = None;
            self.add_rule_findings(found);
        }
    }

    /// Are the ruleset-aware findings or a count waiting for a matching job?
    pub fn matching_pending(&self) -> bool {
        self.findings_pending.is_some() || self.match_asked
    }

    /// Are the ruleset-aware findings limited to the selected response (a file too
    /// large to check them all after each edit)?
    pub fn rule_checks_partial(&self) -> bool {
        matches!(self.rule_key, Some((_, Some(_))))
    }

    /// Errors the edits added, following the blocks they renumbered (docs/choices.md: old
    /// errors do not block a save).
    pub fn new_errors(&self) -> Vec<&Diagnostic> {
        self.session.new_errors(&self.base_diags, &self.diags)
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
            SaveResult::Saved { text, backup, note } => {
                self.session.mark_saved(text);
                self.base_diags = self.diags.clone();
                let mut out = vec![
                    Msg::Close,
                    Msg::Info(s::saved(&self.path, backup.as_deref(), note.as_deref())),
                ];
                if self.quit_after_save {
                    out.push(Msg::Effect(Effect::Quit));
                }
                out
            }
            SaveResult::ChangedOnDisk => vec![Msg::Open(Popup::External)],
            SaveResult::ReadOnly(mode) => vec![Msg::Open(Popup::ReadOnly { mode })],
            SaveResult::Failed(why) => {
                self.quit_after_save = false;
                vec![Msg::Close, Msg::Error(s::save_failed(&why))]
            }
        }
    }

    /// Replays the edits onto the file as re-read; on success the findings of their
    /// version become the base (only errors the edits add block) and the diff opens.
    /// Fields both changed, unless `choose` settles them, open side by side.
    pub(super) fn merged(&mut self, r: Result<String, String>, choose: &Choose) -> Vec<Msg> {
        let theirs = match r {
            Ok(t) => t,
            Err(why) => return vec![Msg::Close, Msg::Error(why)],
        };
        let mut merged = self.session.clone();
        if let Err(conflicts) = merged.rebase(theirs.clone(), choose) {
            let popup = Conflicts::new(Some(theirs), conflicts);
            return vec![Msg::Open(Popup::Conflicts(popup))];
        }
        // Their version's findings, computed the way the current ones are.
        self.session = Session::new(theirs);
        self.revision += 1;
        self.refresh();
        self.base_diags = self.diags.clone();
        self.session = merged;
        self.revision += 1;
        self.refresh();
        let mut out = vec![Msg::Close, Msg::Info(s::MERGED.into())];
        out.extend(self.start_save());
        out
    }

    /// The file as re-read replaces the session; its edits are set aside for `R`.
    pub(super) fn reloaded(&mut self, r: Result<String, String>) -> Vec<Msg> {
        match r {
            Ok(text) => {
                if self.session.is_modified() {
                    let base = self.session.original().to_string();
                    self.set_aside = Some((base, self.session.source().to_string()));
                }
                self.session = Session::new(text);
                self.revision += 1;
                self.refresh();
                self.base_diags = self.diags.clone();
                self.form.reset();
                let done = match self.set_aside {
                    Some(_) => s::RELOADED_SET_ASIDE,
                    None => s::RELOADED,
                };
                vec![Msg::Close, Msg::Info(done.into())]
            }
            Err(why) => vec![Msg::Close, Msg::Error(why)],
        }
    }

    /// `R`: the edits a reload set aside, merged onto the text as it is now (the
    /// same merge as [`App::merged`]) as one undo step.
    pub(super) fn reapply(&mut self, choose: &Choose) -> Vec<Msg> {
        let Some((base, ours)) = self.set_aside.clone() else {
            return vec![Msg::Error(s::NOTHING_TO_REAPPLY.into())];
        };
        let now = self.session.source().to_string();
        match merge::merge_choosing(&base, &ours, &now, choose) {
            Err(conflicts) => {
                let conflicts = merge::name_blocks(&base, conflicts);
                vec![Msg::Open(Popup::Conflicts(Conflicts::new(None, conflicts)))]
            }
            Ok(text) => {
                self.set_aside = None;
                self.revision += u64::from(self.session.replace_text(&text));
                self.refresh();
                vec![Msg::Info(s::REAPPLIED.into())]
            }
        }
    }
}
