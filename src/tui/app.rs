//! The application state and its one entry point, [`App::handle`]: an event in,
//! effects out, no I/O. Components (list, form, simulator, popups) are
//! [`Pane`]s: they own their keys and answer with [`Msg`]s; only `App` applies them,
//! so no popup writes the document itself.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crossterm::event::{KeyEvent, KeyEventKind};

use super::form::FormPane;
use super::jobs::Job;
use super::keys::{self, Action, Mode};
use super::list::ListPane;
use super::matching::MatchRun;
pub(crate) use super::msg::Msg;
pub(crate) use super::msg::{AppEvent, Effect, Focus, Notice, SaveResult};
use super::pane::Pane;
use super::popup::Popup;
use super::session::Session;
use super::session::merge::Choose;
use super::sim::SimPane;
use super::strings as s;
use super::theme::Theme;
use super::ui;
use crate::analysis::Ruleset;
use crate::model::{BlockRef, Diagnostic, Profile};
use crate::rules::RuleSet;

/// Read-only view of the document handed to components.
pub(crate) struct Ctx<'a> {
    pub(crate) session: &'a Session,
    pub(crate) rules: Option<&'a RuleSet>,
    /// The rule counts already made for [`Ctx::rules`] (drawing asks for them on
    /// every key).
    pub(crate) counts: &'a super::rules_ui::Counts,
    pub(crate) diags: &'a [Diagnostic],
    pub(crate) profile: Profile,
    pub(crate) home: Option<&'a Path>,
    pub(crate) label: &'a str,
    /// The analysis engine's decoders and rules, for `l` and `L`.
    pub(crate) engine: Option<&'a Ruleset>,
    /// The time the editor started (the clock of `l`: docs/logs.md "Time").
    pub(crate) now: i64,
    /// The colours.
    pub(crate) theme: &'a Theme,
    /// The block selected in the list (the form shows it).
    pub(crate) selected: Option<BlockRef>,
    /// Is a background job running?
    pub(crate) job: bool,
}

/// A [`Ctx`] borrowing only the fields it needs, so a component can be borrowed
/// mutably beside it.
macro_rules! ctx {
    ($app:ident) => {
        Ctx {
            session: &$app.session,
            rules: $app.rules.as_deref(),
            counts: &$app.counts,
            diags: &$app.diags,
            profile: $app.profile,
            home: $app.home.as_deref(),
            label: &$app.label,
            engine: $app.engine.as_deref(),
            now: $app.now,
            theme: &$app.theme,
            selected: $app.list.selected,
            job: $app.job.is_some(),
        }
    };
}

/// The whole editor state.
pub struct App {
    pub(crate) session: Session,
    /// The loaded ruleset, for counts, pickers and the simulator pane (shared with
    /// the matching jobs).
    pub(crate) rules: Option<Arc<RuleSet>>,
    /// Counts of rules bound by a trigger, made once per distinct trigger.
    pub(crate) counts: super::rules_ui::Counts,
    pub(crate) path: PathBuf,
    pub(crate) label: String,
    pub(crate) profile: Profile,
    pub(crate) home: Option<PathBuf>,
    pub(crate) theme: Theme,
    pub(crate) diags: Vec<Diagnostic>,
    /// The validator's findings alone (the ruleset-aware ones are added to `diags`).
    pub(crate) checked: Vec<Diagnostic>,
    /// The document revision and scope the ruleset-aware findings were made for.
    pub(crate) rule_key: Option<(u64, Option<usize>)>,
    /// The findings of the text on disk, to tell the errors the edits add (docs/choices.md).
    pub(crate) base_diags: Vec<Diagnostic>,
    pub(crate) size: (u16, u16),
    pub(crate) focus: Focus,
    pub(crate) list: ListPane,
    pub(crate) form: FormPane,
    pub(crate) popup: Option<Popup>,
    pub(crate) notice: Option<Notice>,
    /// The last notice, kept after the next key for the details overlay (`i`).
    pub(crate) last_notice: Option<Notice>,
    pub(crate) quit_after_save: bool,
    /// The simulator pane, when open.
    pub(crate) sim: Option<SimPane>,
    /// The closed pane's session and results (`l`, `L`), given back when it opens.
    pub(crate) sim_kept: Option<SimPane>,
    /// Counts the document's changes (edits, undo, redo, reload): the simulator
    /// recomputes only when it moved.
    pub(crate) revision: u64,
    /// The analysis engine, when decoders were found.
    pub(crate) engine: Option<Arc<Ruleset>>,
    /// The time the editor started.
    pub(crate) now: i64,
    /// The background job running, if any.
    pub(crate) job: Option<Job>,
    /// The matching job running, if any (docs/editor.md "Matching").
    pub(crate) matching: Option<MatchRun>,
    /// A matching job was asked for and has not answered.
    pub(crate) match_asked: bool,
    /// The revision and scope whose ruleset-aware findings a job is matching.
    pub(crate) findings_pending: Option<(u64, Option<usize>)>,
    /// The edits a reload dropped, as (text they were made on, text with them), for
    /// `R` to re-apply.
    pub(crate) set_aside: Option<(String, String)>,
}

/// How the app is opened.
#[derive(Debug, Clone)]
pub struct Options {
    /// The file, as shown in the status line and the diff header.
    pub path: PathBuf,
    /// Wazuh or OSSEC.
    pub profile: Profile,
    /// The install directory, when readable.
    pub home: Option<PathBuf>,
    /// Colour or monochrome.
    pub theme: Theme,
    /// The terminal size.
    pub size: (u16, u16),
    /// The rules, when some were loaded (`--rules`, or the config's `<ruleset>`
    /// under a readable home).
    pub rules: Option<RuleSet>,
}

impl App {
    /// An editor on `text`, read from `opts.path`.
    pub fn new(text: String, opts: Options) -> App {
        let label = opts.path.file_name().map_or_else(
            || opts.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut app = App {
            session: Session::new(text),
            rules: opts.rules.map(Arc::new),
            counts: super::rules_ui::Counts::default(),
            path: opts.path,
            label,
            profile: opts.profile,
            home: opts.home,
            theme: opts.theme,
            diags: Vec::new(),
            checked: Vec::new(),
            rule_key: None,
            base_diags: Vec::new(),
            size: opts.size,
            focus: Focus::List,
            list: ListPane::default(),
            form: FormPane::default(),
            popup: None,
            notice: None,
            last_notice: None,
            quit_after_save: false,
            sim: None,
            sim_kept: None,
            revision: 0,
            engine: None,
            now: 0,
            job: None,
            matching: None,
            match_asked: false,
            findings_pending: None,
            set_aside: None,
        };
        // A costly pattern is matched by a job from the first view on: the editor
        // opens at once (docs/editor.md "Matching"). The base then lacks the
        // ruleset-aware findings until the answer, which loses nothing: they are
        // warnings (src/simulate/diagnostics.rs) and only errors block a save.
        app.refresh();
        app.base_diags = app.diags.clone();
        app.list.select_first(app.session.config());
        app
    }

    /// Gives the simulator pane the analysis engine (`l`, `L`) and the time the
    /// editor started (the clock of `l`; docs/logs.md "Time").
    pub fn set_engine(&mut self, engine: Option<Arc<Ruleset>>, now: i64) {
        self.engine = engine;
        self.now = now;
    }

    /// Is a background job running?
    pub fn job_running(&self) -> bool {
        self.job.is_some()
    }

    /// The document being edited.
    pub fn source(&self) -> &str {
        self.session.source()
    }

    /// Are there unsaved changes?
    pub fn is_modified(&self) -> bool {
        self.session.is_modified()
    }

    /// The current findings.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diags
    }

    /// The notice in the status bar, if any.
    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    /// The block selected in the list.
    pub fn selected(&self) -> Option<BlockRef> {
        self.list.selected
    }

    /// Who has the keys now: the pane that captures them (in the order of
    /// `capturing`), else the focused pane.
    pub fn mode(&self) -> Mode {
        let panes: [Option<&dyn Pane>; 4] = [
            self.popup.as_ref().map(|p| p as &dyn Pane),
            Some(&self.list),
            Some(&self.form),
            self.sim.as_ref().map(|s| s as &dyn Pane),
        ];
        let focused: Option<&dyn Pane> = match self.focus {
            Focus::List => Some(&self.list),
            Focus::Form => Some(&self.form),
            Focus::Sim => self.sim.as_ref().map(|s| s as &dyn Pane),
        };
        panes
            .into_iter()
            .flatten()
            .find(|p| p.captures())
            .or(focused)
            .map_or(Mode::Browse, Pane::mode)
    }

    /// Is the simulator pane open?
    pub fn simulator_open(&self) -> bool {
        self.sim.is_some()
    }

    pub(crate) fn ctx(&self) -> Ctx<'_> {
        ctx!(self)
    }

    /// Handles one event; returns what `run` must do. No I/O happens here.
    pub fn handle(&mut self, event: AppEvent) -> Vec<Effect> {
        let msgs = match event {
            AppEvent::Key(k) if k.kind == KeyEventKind::Release => return Vec::new(),
            AppEvent::Key(k) => {
                self.notice = None;
                self.key(k)
            }
            AppEvent::Resize(w, h) => {
                self.size = (w, h);
                Vec::new()
            }
            AppEvent::Saved(r) => self.saved(r),
            AppEvent::Reloaded(r) => self.reloaded(r),
            AppEvent::Merged(r, winner) => self.merged(r, &winner.map_or(Choose::Ask, Choose::All)),
            AppEvent::Job(e) => {
                if let Some(sim) = self.sim.as_mut().or(self.sim_kept.as_mut()) {
                    sim.job_event(e);
                }
                Vec::new()
            }
            AppEvent::Paste(text) => {
                self.notice = None;
                self.paste(&text)
            }
            AppEvent::Matched(answer) => {
                self.matched(answer);
                Vec::new()
            }
        };
        let effects = self.process(msgs);
        if self.notice.is_some() {
            self.last_notice.clone_from(&self.notice);
        }
        // The line of file-level findings takes a row of the list.
        let file_rows = usize::from(!super::list::file_findings(&self.diags).is_empty());
        let height = ui::list_height(self.size).saturating_sub(file_rows);
        self.list.keep_in_view(self.session.config(), height);
        self.update_rule_findings();
        let (revision, selected) = (self.revision, self.list.selected);
        let ctx = ctx!(self);
        if let Some(sim) = self.sim.as_mut() {
            sim.update(&ctx, revision, selected);
        }
        effects
    }

    /// One key: to the pane that captures the keys (a popup, or text being typed),
    /// else the global keys, else the focused pane.
    fn key(&mut self, k: KeyEvent) -> Vec<Msg> {
        // Ctrl-z from anywhere, whatever the size: nothing is lost, the state stays.
        if keys::action(Mode::Browse, &k) == Some(Action::Suspend) {
            return vec![Msg::Effect(Effect::Suspend)];
        }
        if ui::too_small(self.size) {
            return self.key_when_too_small(&k);
        }
        let action = keys::action(self.mode(), &k);
        if action == Some(Action::Quit) {
            // Ctrl-c from anywhere: leave the edit or popup, then ask like `q`.
            self.popup = None;
            self.form.cancel_edit();
            self.list.stop_filter();
            return self.quit();
        }
        let ctx = ctx!(self);
        let panes = (
            &mut self.popup,
            &mut self.list,
            &mut self.form,
            &mut self.sim,
        );
        if let Some(p) = capturing(panes) {
            return p.handle(action, &k, &ctx);
        }
        let Some(a) = action else {
            return Vec::new();
        };
        if let Some(msgs) = self.global(a) {
            return msgs;
        }
        let ctx = ctx!(self);
        let pane: Option<&mut dyn Pane> = match self.focus {
            Focus::List => Some(&mut self.list),
            Focus::Form => Some(&mut self.form),
            Focus::Sim => self.sim.as_mut().map(|s| s as &mut dyn Pane),
        };
        pane.map_or_else(Vec::new, |p| p.handle(Some(a), &k, &ctx))
    }

    /// Pasted text: into the text being typed, as one insertion cut at the
    /// longest value the daemon reads (docs/editor.md "Paste"). Where nothing is
    /// typed the paste is not taken as keys: a pasted `d` or `y` must not delete.
    fn paste(&mut self, text: &str) -> Vec<Msg> {
        let ctx = ctx!(self);
        let panes = (
            &mut self.popup,
            &mut self.list,
            &mut self.form,
            &mut self.sim,
        );
        capturing(panes)
            .and_then(|p| p.paste(text, &ctx))
            .unwrap_or_else(|| vec![Msg::Info(s::PASTE_IGNORED.into())])
    }

    /// Below 80x24 only quitting works: nothing else can be shown. With changes, the
    /// quit question is a compact one: discard, or keep editing (saving needs the
    /// diff preview, hence a larger window).
    fn key_when_too_small(&mut self, k: &KeyEvent) -> Vec<Msg> {
        if matches!(self.popup, Some(Popup::QuitPrompt)) {
            return match keys::action(Mode::QuitPrompt, k) {
                Some(Action::Discard) => vec![Msg::Effect(Effect::Quit)],
                Some(Action::Cancel) => vec![Msg::Close],
                _ => Vec::new(),
            };
        }
        match keys::action(Mode::Browse, k) {
            Some(Action::Quit) => self.quit(),
            _ => Vec::new(),
        }
    }

    fn quit(&mut self) -> Vec<Msg> {
        if self.is_modified() {
            vec![Msg::Open(Popup::QuitPrompt)]
        } else {
            vec![Msg::Effect(Effect::Quit)]
        }
    }

    /// The keys that mean the same whichever pane is focused; `None` for the
    /// focused pane's own (the simulator's `/` filters its rules).
    fn global(&mut self, a: Action) -> Option<Vec<Msg>> {
        let ctx = ctx!(self);
        let sim_focused = self.focus == Focus::Sim && self.sim.is_some();
        Some(match a {
            Action::Undo => vec![Msg::Undo],
            Action::Redo => vec![Msg::Redo],
            Action::Reapply => vec![Msg::Reapply(Choose::Ask)],
            Action::Save => vec![Msg::Save],
            Action::Help => vec![Msg::Open(Popup::help())],
            Action::Details => vec![Msg::Open(Popup::Details(super::popup::Details::of(self)))],
            Action::Simulate => self.toggle_simulator(),
            Action::Add => super::popup::add(self.list.selected, &ctx),
            Action::Delete => super::popup::delete(self.list.selected, &ctx),
            Action::Filter if !sim_focused => {
                self.list.start_filter();
                Vec::new()
            }
            // Tab from the list goes to the simulator when open; Enter to the form.
            Action::NextPane | Action::PrevPane
                if self.focus == Focus::List && self.sim.is_some() =>
            {
                vec![Msg::Focus(Focus::Sim)]
            }
            _ => return None,
        })
    }

    /// Applies the components' messages; the only place the document changes.
    fn process(&mut self, msgs: Vec<Msg>) -> Vec<Effect> {
        let mut effects = Vec::new();
        let mut queue: std::collections::VecDeque<Msg> = msgs.into();
        while let Some(m) = queue.pop_front() {
            match m {
                Msg::Apply(op) => queue.extend(self.apply(vec![op])),
                Msg::ApplyAll(ops) => queue.extend(self.apply(ops)),
                Msg::ApplyField { op, field } => {
                    let out = self.apply(vec![op]);
                    if out.iter().any(|m| matches!(m, Msg::Error(_))) {
                        self.form.field = field;
                    } else {
                        self.form.edit = None;
                    }
                    queue.extend(out);
                }
                Msg::Select(b) => {
                    self.list.selected = Some(b);
                    self.form.reset();
                }
                Msg::Focus(f) => self.focus = f,
                Msg::SetEvent(e) => {
                    if let Some(sim) = self.sim.as_mut() {
                        sim.event = e;
                    }
                }
                Msg::EditField(name) => {
                    self.focus = Focus::Form;
                    let sel = self.list.selected;
                    let ctx = ctx!(self);
                    self.form.start_edit_named(name, sel, &ctx);
                }
                Msg::Open(p) => self.popup = Some(p),
                Msg::Close => {
                    // Going back from the save preview also drops a pending quit.
                    if matches!(self.popup, Some(Popup::Preview(_))) {
                        self.quit_after_save = false;
                    }
                    self.popup = None;
                }
                Msg::Info(t) => {
                    self.notice = Some(Notice {
                        text: t,
                        error: false,
                    })
                }
                Msg::Error(t) => {
                    self.notice = Some(Notice {
                        text: t,
                        error: true,
                    })
                }
                Msg::Effect(e) => effects.push(e),
                Msg::Undo => self.undo(true),
                Msg::Redo => self.undo(false),
                Msg::Save => queue.extend(self.start_save()),
                Msg::Append(v) => {
                    let sel = self.list.selected;
                    let ctx = ctx!(self);
                    self.form.append(&v, sel, &ctx);
                }
                Msg::Merge(theirs, choose) => queue.extend(self.merged(Ok(theirs), &choose)),
                Msg::Reapply(choose) => queue.extend(self.reapply(&choose)),
                Msg::SaveThenQuit => {
                    self.quit_after_save = true;
                    queue.extend(self.start_save());
                }
            }
        }
        effects
    }
}

/// The pane that takes every key now, in this order: the popup, the list's filter,
/// the field being typed, the simulator's filter or prompt.
fn capturing<'a>(
    (popup, list, form, sim): (
        &'a mut Option<Popup>,
        &'a mut ListPane,
        &'a mut FormPane,
        &'a mut Option<SimPane>,
    ),
) -> Option<&'a mut dyn Pane> {
    let panes: [Option<&'a mut dyn Pane>; 4] = [
        popup.as_mut().map(|p| p as &mut dyn Pane),
        Some(list),
        Some(form),
        sim.as_mut().map(|s| s as &mut dyn Pane),
    ];
    panes.into_iter().flatten().find(|p| p.captures())
}
