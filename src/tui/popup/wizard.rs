//! Guided creation of a response (docs/editor.md "Guided creation"): command, trigger,
//! location (and agent), timeout and repeated offenders, then the exact diff of what
//! will be inserted. Esc goes back one step; nothing is written before the last one.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::menu::{Choice, Menu, Pick};
use super::newcmd::{FormKey, Row, TextForm};
use super::{location_menu, rules_menu};
use crate::model::Field;
use crate::tui::app::{Ctx, Msg};
use crate::tui::fields::{BUILTINS, Builtin, CheckCtx};
use crate::tui::input::{Input, pasted};
use crate::tui::keys::{Action, Mode};
use crate::tui::pane::Pane;
use crate::tui::rules_ui;
use crate::tui::session::{EditOp, Session};
use crate::tui::strings as s;

/// The steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Pick a defined command or a built-in script.
    Command,
    /// Level, groups, rule ids.
    Trigger,
    /// Where it runs.
    Location,
    /// The agent, for `defined-agent`.
    Agent,
    /// Timeout and repeated offenders.
    Timing,
    /// The diff of what will be inserted.
    Review,
}

/// The block to insert, as diffed on the last step.
#[derive(Debug, Clone)]
pub(crate) struct Review {
    /// The edits that insert it.
    pub(crate) ops: Vec<EditOp>,
    /// The diff they make, or why they cannot be made.
    pub(crate) diff: Result<String, String>,
    /// First diff line shown.
    pub(crate) scroll: usize,
}

impl Review {
    /// The edits and their diff, made on a scratch copy of the text as one step.
    pub(crate) fn build(ops: Vec<EditOp>, ctx: &Ctx<'_>) -> Review {
        let before = ctx.session.source();
        let mut scratch = Session::new(before.to_string());
        let diff = scratch
            .apply_all(ops.clone())
            .map_err(|e| e.to_string())
            .map(|_| {
                similar::TextDiff::from_lines(before, scratch.source())
                    .unified_diff()
                    .context_radius(1)
                    .header(ctx.label, ctx.label)
                    .to_string()
            });
        Review {
            ops,
            diff,
            scroll: 0,
        }
    }

    /// Review-step keys: `Some(true)` inserts, `Some(false)` goes back.
    pub(crate) fn key(&mut self, a: Option<Action>) -> Option<bool> {
        match a {
            Some(Action::Cancel) => return Some(false),
            Some(Action::Yes) => return Some(true),
            Some(Action::Up) => self.scroll = self.scroll.saturating_sub(1),
            Some(Action::Down) => self.scroll += 1,
            Some(Action::PageUp | Action::Top) => self.scroll = 0,
            Some(Action::PageDown | Action::Bottom) => self.scroll += 10,
            _ => {}
        }
        None
    }
}

/// The wizard's state: every step keeps what was entered, so going back loses nothing.
#[derive(Debug, Clone)]
pub(crate) struct Wizard {
    /// The current step.
    pub(crate) step: Step,
    /// Step 1.
    pub(crate) command: Menu,
    /// The built-in to define along with the response, when the command is new.
    pub(crate) builtin: Option<&'static Builtin>,
    /// Step 2.
    pub(crate) trigger: TextForm,
    /// Step 3.
    pub(crate) location: Menu,
    /// Step 3b.
    pub(crate) agent: TextForm,
    /// Step 4.
    pub(crate) timing: TextForm,
    /// Step 5.
    pub(crate) review: Option<Review>,
    /// The rule picker opened from the trigger step (Ctrl-p), with its field.
    pub(crate) picker: Option<(Field, Menu)>,
}

impl Wizard {
    /// Starts on the command step: defined commands, then built-ins not defined yet.
    pub(crate) fn new(ctx: &Ctx<'_>) -> Wizard {
        let cfg = ctx.session.config();
        let mut choices: Vec<Choice> = Vec::new();
        for c in &cfg.commands {
            let Some(name) = c.name() else { continue };
            if choices.iter().any(|x| x.value == name) {
                continue;
            }
            let exe = c.executable.as_ref().map_or("", |f| f.value.as_str());
            choices.push(Choice::new(name, &s::defined_command(exe)));
        }
        for b in BUILTINS.iter().filter(|b| cfg.command(b.name).is_none()) {
            choices.push(Choice::new(b.name, &s::new_builtin(b.about)));
        }
        Wizard {
            step: Step::Command,
            command: Menu::picker(choices, None),
            builtin: None,
            trigger: TextForm::new(vec![
                Row::new(Field::Level, true, ""),
                Row::new(Field::RulesGroup, true, ""),
                Row::new(Field::RulesId, true, ""),
            ]),
            location: location_menu(Some("local")),
            agent: TextForm::new(vec![Row::new(Field::AgentId, false, "")]),
            timing: TextForm::new(vec![
                Row::new(Field::Timeout, true, ""),
                Row::new(Field::RepeatedOffenders, true, ""),
            ]),
            review: None,
            picker: None,
        }
    }

    /// The chosen command's name.
    pub(crate) fn command_name(&self) -> Option<String> {
        self.command
            .visible()
            .get(self.command.at)
            .map(|c| c.value.clone())
    }

    /// The location chosen.
    pub(crate) fn location_value(&self) -> &str {
        self.location
            .choices
            .get(self.location.at)
            .map_or("local", |c| c.value.as_str())
    }

    /// What the checks may look at: the chosen command for the timeout advice.
    pub(crate) fn check_ctx<'a>(&self, ctx: &'a Ctx<'_>, command: Option<&'a str>) -> CheckCtx<'a> {
        CheckCtx {
            config: ctx.session.config(),
            command: None,
            response_command: command,
            profile: ctx.profile,
            home: ctx.home,
        }
    }

    /// Ctrl-p on the trigger step: groups or rule ids of the loaded rules.
    fn open_picker(&mut self, ctx: &Ctx<'_>) -> Vec<Msg> {
        let field = self.trigger.rows.get(self.trigger.at).and_then(|r| r.field);
        match (ctx.rules, field) {
            (None, _) => vec![Msg::Info(s::RULE_COUNTS_NEED_RULES.into())],
            (Some(rules), Some(field @ (Field::RulesGroup | Field::RulesId))) => {
                self.picker = Some((field, rules_menu(field, rules)));
                Vec::new()
            }
            _ => vec![Msg::Info(s::PICK_RULES_HINT.into())],
        }
    }

    fn go(&mut self, step: Step) -> Vec<Msg> {
        self.step = step;
        Vec::new()
    }

    fn chose_command(&mut self, name: &str, ctx: &Ctx<'_>) {
        let cfg = ctx.session.config();
        self.builtin = match cfg.command(name) {
            Some(_) => None,
            None => BUILTINS.iter().find(|b| b.name == name),
        };
        let stateful = match (cfg.command(name), self.builtin) {
            (Some(c), _) => c.allows_timeout(),
            (None, Some(b)) => b.timeout_allowed,
            (None, None) => false,
        };
        // A stateful script gets the templates' usual timeout; a stateless one none.
        let timeout = if stateful { "600" } else { "" };
        if self.timing.rows[0].input.value().is_empty() || !stateful {
            self.timing.rows[0] = Row::new(Field::Timeout, true, timeout);
        }
        self.step = Step::Trigger;
    }

    /// A step of text fields: Enter checks them and moves on, Esc goes back.
    fn text_step(
        &mut self,
        a: Option<Action>,
        k: &KeyEvent,
        ctx: &Ctx<'_>,
        back: Step,
        next: Step,
    ) -> Vec<Msg> {
        let step = self.step;
        let form = match step {
            Step::Trigger => &mut self.trigger,
            Step::Agent => &mut self.agent,
            _ => &mut self.timing,
        };
        match form.handle(a, k) {
            FormKey::Open => Vec::new(),
            FormKey::Cancel => self.go(back),
            FormKey::Submit => {
                let name = self.command_name();
                let cc = self.check_ctx(ctx, name.as_deref());
                let form = match step {
                    Step::Trigger => &self.trigger,
                    Step::Agent => &self.agent,
                    _ => &self.timing,
                };
                if let Some((i, _)) = form.first_error(&cc) {
                    let form = match step {
                        Step::Trigger => &mut self.trigger,
                        Step::Agent => &mut self.agent,
                        _ => &mut self.timing,
                    };
                    form.at = i;
                    return vec![Msg::Error(s::REFUSED.into())];
                }
                if step == Step::Trigger && self.trigger.pairs().is_empty() {
                    return vec![Msg::Error(s::TRIGGER_NEEDED.into())];
                }
                if next == Step::Review {
                    self.review = Some(self.build_review(ctx));
                }
                self.go(next)
            }
        }
    }

    fn review_key(&mut self, a: Option<Action>, _ctx: &Ctx<'_>) -> Vec<Msg> {
        let Some(review) = self.review.as_mut() else {
            return self.go(Step::Timing);
        };
        match review.key(a) {
            Some(false) => self.go(Step::Timing),
            Some(true) => match &review.diff {
                Ok(_) => vec![Msg::Close, Msg::ApplyAll(review.ops.clone())],
                Err(why) => vec![Msg::Error(why.clone())],
            },
            None => Vec::new(),
        }
    }

    /// The edits for what was entered, and their diff on a scratch copy of the text.
    pub(crate) fn ops(&self) -> Vec<EditOp> {
        let mut ops = Vec::new();
        let name = self.command_name().unwrap_or_default();
        if let Some(b) = self.builtin {
            let yes_no = if b.timeout_allowed { "yes" } else { "no" };
            ops.push(EditOp::AddCommand(vec![
                (Field::Name, b.name.into()),
                (Field::Executable, b.executable.into()),
                (Field::TimeoutAllowed, yes_no.into()),
            ]));
        }
        let mut fields = vec![
            (Field::Command, name),
            (Field::Location, self.location_value().to_string()),
        ];
        if self.location_value() == "defined-agent" {
            fields.extend(self.agent.pairs());
        }
        fields.extend(self.trigger.pairs());
        fields.extend(self.timing.pairs());
        ops.push(EditOp::AddResponse(fields));
        ops
    }

    fn build_review(&self, ctx: &Ctx<'_>) -> Review {
        Review::build(self.ops(), ctx)
    }
}

impl Pane for Wizard {
    /// Into the picker's filter, the command filter or the field being typed.
    fn paste(&mut self, text: &str, _ctx: &Ctx<'_>) -> Option<Vec<Msg>> {
        let cut = match (&mut self.picker, self.step) {
            (Some((_, menu)), _) => menu.paste(text)?,
            (None, Step::Command) => self.command.paste(text)?,
            (None, Step::Trigger) => self.trigger.paste(text),
            (None, Step::Agent) => self.agent.paste(text),
            (None, Step::Timing) => self.timing.paste(text),
            (None, Step::Location | Step::Review) => return None,
        };
        Some(pasted(cut))
    }

    fn captures(&self) -> bool {
        true
    }

    fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx<'_>, _focused: bool) {
        self.draw(f, area, ctx, ctx.theme);
    }

    /// Who has the keys on this step.
    fn mode(&self) -> Mode {
        if self.picker.is_some() {
            return Mode::Pick;
        }
        match self.step {
            Step::Command => Mode::Pick,
            Step::Location => Mode::Menu,
            Step::Trigger | Step::Agent | Step::Timing => Mode::Edit,
            Step::Review => Mode::Review,
        }
    }

    /// Handles a key on the current step.
    fn handle(&mut self, a: Option<Action>, k: &KeyEvent, ctx: &Ctx<'_>) -> Vec<Msg> {
        if let Some((field, menu)) = self.picker.as_mut() {
            match menu.handle(a, k) {
                Pick::Open => {}
                Pick::Cancelled => self.picker = None,
                Pick::Chosen(c) => {
                    let field = *field;
                    self.picker = None;
                    if let Some(row) = self
                        .trigger
                        .rows
                        .iter_mut()
                        .find(|r| r.field == Some(field))
                    {
                        let value = rules_ui::append(field, row.input.value(), &c.value);
                        row.input = Input::new(&value);
                    }
                }
            }
            return Vec::new();
        }
        if self.step == Step::Trigger && a == Some(Action::PickRules) {
            return self.open_picker(ctx);
        }
        match self.step {
            Step::Command => match self.command.handle(a, k) {
                Pick::Open => Vec::new(),
                Pick::Cancelled => vec![Msg::Close],
                Pick::Chosen(c) => {
                    self.chose_command(&c.value, ctx);
                    Vec::new()
                }
            },
            Step::Location => match self.location.handle(a, k) {
                Pick::Open => Vec::new(),
                Pick::Cancelled => self.go(Step::Trigger),
                Pick::Chosen(c) if c.value == "defined-agent" => self.go(Step::Agent),
                Pick::Chosen(_) => self.go(Step::Timing),
            },
            Step::Trigger => self.text_step(a, k, ctx, Step::Command, Step::Location),
            Step::Agent => self.text_step(a, k, ctx, Step::Location, Step::Timing),
            Step::Timing => {
                let back = if self.location_value() == "defined-agent" {
                    Step::Agent
                } else {
                    Step::Location
                };
                self.text_step(a, k, ctx, back, Step::Review)
            }
            Step::Review => self.review_key(a, ctx),
        }
    }
}
