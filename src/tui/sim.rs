//! The simulator pane (docs/editor.md, `p`): for the selected response, the rules that
//! trigger it, and for the highlighted rule what fired mode (docs/cli.md "simulate") says: where
//! it runs, the response name, the message, the delete after the timeout, the
//! repeated-offender schedule. Computed from the document as it stands, unsaved
//! edits included; the results are kept until the document, the selection or the
//! event changes, so drawing never recomputes them.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::app::{Ctx, Effect, Focus, Msg};
use super::input::{Input, MAX_PASTE, pasted, type_filter};
use super::jobs::JobEvent;
use super::keys::{Action, Mode};
use super::pane::Pane;
use super::popup::Popup;
use super::probe::{self, History, MAX_EVENT, Responders, Tone};
use super::strings as s;
use crate::model::{BlockRef, Field};
use crate::rules::RuleSet;
use crate::simulate::{
    self, AlertEvent, Binding, Execution, Options, ResponseState, Responses, Simulator,
};

/// The hypothetical event the pane fires the highlighted rule with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SimEvent {
    /// The agent the event comes from (`000`: the manager).
    pub(crate) agent: String,
    /// `data.srcip` (empty: none).
    pub(crate) srcip: String,
    /// `data.dstuser` (empty: none).
    pub(crate) user: String,
}

impl Default for SimEvent {
    fn default() -> Self {
        // The manager, as `ossec-ar simulate` assumes without --agent, and a
        // documentation address (RFC 5737); the pane states both, `e` changes them.
        SimEvent {
            agent: simulate::DEFAULT_AGENT.into(),
            srcip: simulate::DEFAULT_SRCIP.into(),
            user: String::new(),
        }
    }
}

/// One rule of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RuleRow {
    /// Rule id.
    pub(crate) id: u32,
    /// Level.
    pub(crate) level: u8,
    /// The group string.
    pub(crate) groups: String,
    /// Description.
    pub(crate) description: String,
}

/// What the pane shows, computed for one state of the document.
#[derive(Debug, Clone, Default)]
pub(crate) struct SimView {
    /// The response shown (1-based), when a response is selected.
    pub(crate) index: Option<usize>,
    /// Why the block yields no response, when it yields none.
    pub(crate) inactive: Option<String>,
    /// The binding's notes (ignored timeout, erased queue bits).
    pub(crate) notes: Vec<String>,
    /// Every rule that triggers it.
    pub(crate) total: usize,
    /// The rules shown (the filter applied).
    pub(crate) rows: Vec<RuleRow>,
    /// What this response does when the highlighted rule fires.
    pub(crate) fired: Option<Execution>,
    /// The rules wait for a matching job (docs/editor.md "Matching").
    pub(crate) matching: bool,
}

/// The pane's state.
#[derive(Debug, Clone, Default)]
pub(crate) struct SimPane {
    /// The highlighted rule, an index into the rows.
    pub(crate) at: usize,
    /// The rule filter.
    pub(crate) filter: String,
    /// The filter being typed.
    pub(crate) typing: Option<Input>,
    /// The event.
    pub(crate) event: SimEvent,
    /// First line of the details shown.
    pub(crate) scroll: usize,
    /// The results.
    pub(crate) view: SimView,
    /// The state the binding was computed for.
    bind_key: Option<(u64, Option<BlockRef>, String)>,
    /// The rule and event fired mode was computed for.
    fire_key: Option<(u32, SimEvent)>,
    /// The one-line input of `l` or `L`, when open.
    pub(crate) prompt: Option<(Prompt, Input)>,
    /// The events given with `l` (the pane's session).
    pub(crate) history: History,
    /// How many events `l` was given: with the revision and the selection, what
    /// the probe was computed for.
    asked: u64,
    probe_key: Option<(u64, Option<BlockRef>, u64)>,
    /// What `l` shows.
    pub(crate) probe: Vec<(Tone, String)>,
    /// What `L` shows.
    pub(crate) logs: Option<LogsView>,
    /// Which result takes the place of the rules, if any.
    pub(crate) shown: Option<Shown>,
}

/// What the one-line input asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prompt {
    /// An event (`l`).
    Event,
    /// A log file (`L`).
    Log,
}

/// The result shown in the pane instead of the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shown {
    /// `l`'s.
    Probe,
    /// `L`'s.
    Logs,
}

/// `L`'s replay: running, or ended.
#[derive(Debug, Clone, Default)]
pub(crate) struct LogsView {
    /// The file, as typed.
    pub(crate) path: String,
    /// Lines matched so far and percent of the file read.
    pub(crate) progress: (u64, u64),
    /// The counts, or why there are none; `None` while it runs.
    pub(crate) result: Option<Result<crate::simulate::logs::LogCounts, String>>,
}

impl SimPane {
    /// Keys with the pane focused; `engine`: decoders are loaded; `job`: a replay
    /// runs.
    fn keys(&mut self, a: Option<Action>, k: &KeyEvent, engine: bool, job: bool) -> Vec<Msg> {
        if self.prompt.is_some() {
            return self.type_prompt(a, k);
        }
        match a {
            Some(Action::Probe | Action::ReplayLog) if !engine => {
                return vec![Msg::Error(s::NO_ENGINE.into())];
            }
            Some(Action::Probe) => {
                self.prompt = Some((Prompt::Event, Input::new("")));
                return Vec::new();
            }
            Some(Action::ReplayLog) if !job => {
                let last = self.logs.as_ref().map_or("", |l| l.path.as_str());
                self.prompt = Some((Prompt::Log, Input::new(last)));
                return Vec::new();
            }
            Some(Action::Cancel) if job => return vec![Msg::Effect(Effect::CancelJob)],
            Some(Action::Cancel) if self.shown.is_some() => {
                self.shown = None;
                return Vec::new();
            }
            _ => {}
        }
        if self.typing.is_some() {
            type_filter(&mut self.typing, &mut self.filter, a, k);
            self.at = 0;
            return Vec::new();
        }
        let last = self.view.rows.len().saturating_sub(1);
        match a {
            Some(Action::Up) => self.at = self.at.saturating_sub(1),
            Some(Action::Down) => self.at = (self.at + 1).min(last),
            // PgUp/PgDn scroll the details; the other moves pick another rule.
            Some(Action::PageUp) => {
                self.scroll = self.scroll.saturating_sub(5);
                return Vec::new();
            }
            Some(Action::PageDown) => {
                self.scroll += 5;
                return Vec::new();
            }
            Some(Action::Top) => self.at = 0,
            Some(Action::Bottom) => self.at = last,
            Some(Action::Filter) => self.typing = Some(Input::new(&self.filter)),
            Some(Action::EditEvent) => return vec![Msg::Open(Popup::event(&self.event))],
            Some(Action::Cancel | Action::NextPane | Action::PrevPane) => {
                return vec![Msg::Focus(Focus::List)];
            }
            _ => return Vec::new(),
        }
        self.scroll = 0;
        Vec::new()
    }

    /// Takes over the session and results of a pane that was closed (`l`'s events,
    /// `L`'s replay), so that closing the pane to edit keeps them.
    pub(crate) fn keep_session(&mut self, old: SimPane) {
        self.event = old.event;
        self.history = old.history;
        self.asked = old.asked;
        self.logs = old.logs;
        self.shown = old.shown;
    }

    /// One key in the prompt of `l` or `L`.
    fn type_prompt(&mut self, a: Option<Action>, k: &KeyEvent) -> Vec<Msg> {
        let Some((prompt, input)) = self.prompt.as_mut() else {
            return Vec::new();
        };
        match (a, k.code) {
            (Some(Action::Enter), _) => {
                let (prompt, value) = (*prompt, input.value().to_string());
                self.prompt = None;
                return self.submit(prompt, &value);
            }
            (Some(Action::Cancel), _) => self.prompt = None,
            (Some(a), _) => {
                input.apply(a);
            }
            (None, KeyCode::Char(c)) if input.value().len() < MAX_EVENT => input.insert(c),
            _ => {}
        }
        Vec::new()
    }

    /// Enter in the prompt.
    fn submit(&mut self, prompt: Prompt, value: &str) -> Vec<Msg> {
        if value.trim().is_empty() {
            return match prompt {
                Prompt::Event => vec![Msg::Error(s::EMPTY_EVENT.into())],
                Prompt::Log => Vec::new(),
            };
        }
        match prompt {
            Prompt::Event => {
                self.history.push(value);
                self.asked += 1;
                self.shown = Some(Shown::Probe);
                Vec::new()
            }
            Prompt::Log => {
                let path = PathBuf::from(value.trim());
                self.logs = Some(LogsView {
                    path: value.trim().to_string(),
                    ..LogsView::default()
                });
                self.shown = Some(Shown::Logs);
                vec![Msg::Effect(Effect::StartLogs { path })]
            }
        }
    }

    /// Pasted text into the prompt: line ends at the end dropped, others made
    /// spaces (one event is one line); cut at [`MAX_EVENT`] bytes. Into the rule
    /// filter, at once. `None` when nothing is typed.
    fn paste_text(&mut self, text: &str) -> Option<Vec<Msg>> {
        if let Some(input) = self.typing.as_mut() {
            let cut = input.paste(text, MAX_PASTE);
            self.filter = input.value().to_string();
            self.at = 0;
            return Some(pasted(cut));
        }
        let (_, input) = self.prompt.as_mut()?;
        let one = text
            .trim_end_matches(['\n', '\r'])
            .replace(['\n', '\r'], " ");
        let cut = input.paste(&one, MAX_EVENT);
        Some(if cut {
            vec![Msg::Error(s::event_paste_cut(MAX_EVENT))]
        } else {
            Vec::new()
        })
    }

    /// A message of the replay.
    pub(crate) fn job_event(&mut self, e: JobEvent) {
        let Some(logs) = self.logs.as_mut() else {
            return;
        };
        match e {
            JobEvent::Progress { lines, percent } => logs.progress = (lines, percent),
            JobEvent::Done(r) => logs.result = Some(r),
        }
    }

    /// Recomputes `l`'s result when the document, the selection or the events
    /// changed (unsaved edits change what runs).
    fn update_probe(&mut self, ctx: &Ctx<'_>, revision: u64, selected: Option<BlockRef>) {
        let key = (revision, selected, self.asked);
        let Some(engine) = ctx.engine else { return };
        if self.history.len() == 0 || self.probe_key == Some(key) {
            return;
        }
        let index = match selected {
            Some(BlockRef::Response(i)) => Some(i),
            _ => None,
        };
        let who = Responders {
            doc: ctx.session.doc(),
            config: ctx.session.config(),
            rules: ctx.rules,
            profile: ctx.profile,
            selected: index,
        };
        self.probe = probe::probe(engine, &self.history, ctx.now, &who);
        self.probe_key = Some(key);
    }

    /// Brings the results up to date with the document (`revision` counts its
    /// changes), the selection, the filter and the event; only what depends on
    /// something that changed is recomputed.
    pub(crate) fn update(&mut self, ctx: &Ctx<'_>, revision: u64, selected: Option<BlockRef>) {
        self.update_probe(ctx, revision, selected);
        let bind_key = (revision, selected, self.filter.clone());
        if self.bind_key.as_ref() != Some(&bind_key) {
            self.view = bind(ctx, selected, &self.filter, revision);
            // While a job matches, asked again at the next event (its answer is one).
            self.bind_key = (!self.view.matching).then_some(bind_key);
            self.fire_key = None;
        }
        self.at = self.at.min(self.view.rows.len().saturating_sub(1));
        let Some(row) = self.view.rows.get(self.at) else {
            self.view.fired = None;
            return;
        };
        let fire_key = (row.id, self.event.clone());
        if self.fire_key.as_ref() != Some(&fire_key) {
            self.view.fired = fire(ctx, self.view.index, row.id, &self.event);
            self.fire_key = Some(fire_key);
        }
    }
}

impl Pane for SimPane {
    fn mode(&self) -> Mode {
        if self.captures() {
            Mode::Edit
        } else {
            Mode::Sim
        }
    }

    /// Its filter or the prompt of `l` or `L` is being typed.
    fn captures(&self) -> bool {
        self.typing.is_some() || self.prompt.is_some()
    }

    fn handle(&mut self, a: Option<Action>, k: &KeyEvent, ctx: &Ctx<'_>) -> Vec<Msg> {
        self.keys(a, k, ctx.engine.is_some(), ctx.job)
    }

    fn paste(&mut self, text: &str, _ctx: &Ctx<'_>) -> Option<Vec<Msg>> {
        self.paste_text(text)
    }

    fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx<'_>, focused: bool) {
        self.draw(f, area, ctx.rules.is_some(), ctx.theme, focused);
    }
}

/// The block's state and the rules that trigger it (the filter applied); a costly
/// `rules_group` is bound by a matching job.
fn bind(ctx: &Ctx<'_>, selected: Option<BlockRef>, filter: &str, revision: u64) -> SimView {
    let Some(BlockRef::Response(index)) = selected else {
        return SimView::default();
    };
    let mut view = SimView {
        index: Some(index),
        ..SimView::default()
    };
    let cfg = ctx.session.config();
    let all = simulate::responses(cfg, ctx.session.doc(), ctx.profile);
    let Some(block) = all.block(index) else {
        return view;
    };
    if let ResponseState::Inactive { reason, .. } = block {
        view.inactive = Some(reason.clone());
    }
    let Some(rules) = ctx.rules else { return view };
    let costly = cfg
        .response(index)
        .and_then(|r| r.value(Field::RulesGroup))
        .is_some_and(|g| super::matching::costly(rules, g));
    let binding = if costly {
        let Some(b) = ctx.counts.binding((revision, index)) else {
            view.matching = true;
            return view;
        };
        b
    } else {
        let Some(b) = binding_of(&all, index, rules) else {
            return view;
        };
        b
    };
    view.notes = binding.notes;
    view.total = binding.rules.len();
    let needle = filter.to_lowercase();
    view.rows = binding
        .rules
        .iter()
        .filter_map(|id| rules.get(*id))
        .map(|r| RuleRow {
            id: r.id,
            level: r.level,
            groups: r.group.clone(),
            description: r.description.clone(),
        })
        .filter(|r| {
            needle.is_empty()
                || r.id.to_string().contains(&needle)
                || r.description.to_lowercase().contains(&needle)
                || r.groups.to_lowercase().contains(&needle)
        })
        .collect();
    view
}

/// The binding of response `index` alone: the others do not change its rules (only
/// the queue bits, which come with `all`).
pub(crate) fn binding_of(all: &Responses, index: usize, rules: &RuleSet) -> Option<Binding> {
    let one = Responses {
        blocks: vec![all.block(index)?.clone()],
        ..all.clone()
    };
    simulate::bind_responses(&one, rules).into_iter().next()
}

/// Fired mode for one rule and the event: what this response does.
fn fire(ctx: &Ctx<'_>, index: Option<usize>, rule: u32, event: &SimEvent) -> Option<Execution> {
    let (index, rules) = (index?, ctx.rules?);
    let ev = AlertEvent {
        rule,
        agent: Some(event.agent.clone()).filter(|a| !a.is_empty() && a != "000"),
        srcip: Some(event.srcip.clone()).filter(|s| !s.is_empty()),
        user: Some(event.user.clone()).filter(|u| !u.is_empty()),
    };
    let options = Options {
        profile: ctx.profile,
        ..Options::default()
    };
    let sim = Simulator::new(ctx.session.config(), ctx.session.doc(), rules, ctx.profile);
    sim.fire(&ev, &options)
        .fired
        .into_iter()
        .find(|x| x.index == index)
}

impl super::app::App {
    /// `p`: opens the pane (beside the form, with the keys); `p` again closes it,
    /// keeping its event and session for the next time.
    pub(super) fn toggle_simulator(&mut self) -> Vec<Msg> {
        if let Some(old) = self.sim.take() {
            self.sim_kept = Some(old);
            self.focus = Focus::List;
            return Vec::new();
        }
        let mut pane = SimPane::default();
        // The event, the log session and results stay for the whole editor session.
        if let Some(old) = self.sim_kept.take() {
            pane.keep_session(old);
        }
        self.sim = Some(pane);
        self.focus = Focus::Sim;
        match (&self.rules, self.list.selected) {
            (None, _) => vec![Msg::Info(s::RULE_COUNTS_NEED_RULES.into())],
            (_, Some(BlockRef::Response(_))) => Vec::new(),
            _ => vec![Msg::Info(s::SIM_SELECT_RESPONSE.into())],
        }
    }
}
