//! Popups: components drawn over the panes that take the keys while open. Each
//! answers keys with [`Msg`]s; none writes the document itself.

mod conflicts;
mod details;
mod help;
mod menu;
mod newcmd;
mod preview;
mod wizard;
mod wizard_view;

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub(crate) use conflicts::Conflicts;
pub(crate) use details::Details;
pub(crate) use help::Help;
pub(crate) use menu::{Choice, Menu, Pick};
pub(crate) use newcmd::{CommandForm, FormKey, Row, TextForm};
pub(crate) use preview::Preview;
pub(crate) use wizard::Wizard;

use super::app::{Ctx, Effect, Focus, Msg};
use super::fields::LOCATIONS;
use super::form::selector;
use super::input::pasted;
use super::keys::{self, Action, Mode};
use super::pane::Pane;
use super::rules_ui;
use super::session::merge::Side;
use super::session::{EditOp, Selector};
use super::sim::SimEvent;
use super::strings as s;
use super::text::{escape, wrap};
use super::theme::Theme;
use crate::model::{BlockRef, ConfigKind, Field, Placement, RootKind};
use crate::rules::RuleSet;

/// An open popup.
#[derive(Debug, Clone)]
pub(crate) enum Popup {
    /// The key help.
    Help(Help),
    /// The full text of what the screen cuts (`i`).
    Details(Details),
    /// The `location` dropdown of a response.
    Location {
        /// The response.
        sel: Selector,
        /// The choices.
        menu: Menu,
    },
    /// The `command` picker of a response.
    Command {
        /// The response.
        sel: Selector,
        /// The choices.
        menu: Menu,
    },
    /// "Delete this block?"
    Delete {
        /// The block.
        sel: Selector,
        /// How it is described in the question.
        what: String,
    },
    /// "No <ossec_config> root: add one?", before guided creation.
    AddRoot,
    /// Quitting with unsaved changes.
    QuitPrompt,
    /// The diff before saving.
    Preview(Preview),
    /// The file changed on disk since it was read.
    External,
    /// The fields both sides of a merge changed, to settle one by one.
    Conflicts(Conflicts),
    /// The file is read-only (this mode): write all the same?
    ReadOnly {
        /// Its mode.
        mode: u32,
    },
    /// Groups or rule ids of the loaded rules, for the field being typed.
    Rules {
        /// `rules_group` or `rules_id`.
        field: Field,
        /// The choices.
        menu: Menu,
    },
    /// The event the simulator fires the highlighted rule with.
    Event(TextForm),
    /// Guided creation of a response.
    Wizard(Box<Wizard>),
    /// Creation of a command.
    NewCommand(CommandForm),
}

impl Popup {
    /// The help overlay.
    pub(crate) fn help() -> Popup {
        Popup::Help(Help::default())
    }

    /// The location dropdown, on the current value.
    pub(crate) fn location(sel: Selector, current: Option<&str>) -> Popup {
        Popup::Location {
            sel,
            menu: location_menu(current),
        }
    }

    /// The command picker: defined commands with their executables.
    pub(crate) fn command_picker(sel: Selector, current: Option<&str>, ctx: &Ctx<'_>) -> Popup {
        let cfg = ctx.session.config();
        let doc = ctx.session.doc();
        let at = match &sel {
            Selector::Response(n) => cfg
                .response(*n)
                .map(|r| doc.element(r.element).span().start),
            Selector::Command(_) | Selector::CommandAt(_) | Selector::Match(_) => None,
        };
        let mut seen = Vec::new();
        let mut choices = Vec::new();
        for c in &cfg.commands {
            let Some(name) = c.name() else { continue };
            if seen.contains(&name) {
                continue;
            }
            seen.push(name);
            let exe = c.executable.as_ref().map_or("", |f| f.value.as_str());
            let mut choice = Choice::new(name, exe);
            if at.is_some_and(|at| doc.element(c.element).span().start > at) {
                choice.warning = Some(s::DEFINED_AFTER.to_string());
            }
            choices.push(choice);
        }
        Popup::Command {
            sel,
            menu: Menu::picker(choices, current),
        }
    }

    /// The picker of groups (for `rules_group`) or rules (for `rules_id`).
    pub(crate) fn rule_picker(field: Field, rules: &RuleSet) -> Popup {
        Popup::Rules {
            field,
            menu: rules_menu(field, rules),
        }
    }

    /// The simulator's event, to change.
    pub(crate) fn event(e: &SimEvent) -> Popup {
        let row = |name, v: &str| Row::other(name, true, v);
        Popup::Event(TextForm::new(vec![
            row("agent", &e.agent),
            row("srcip", &e.srcip),
            row("user", &e.user),
        ]))
    }

    /// The diff preview before saving.
    pub(crate) fn preview(diff: String, errors: Vec<String>) -> Popup {
        Popup::Preview(Preview::new(diff, errors))
    }
}

impl Pane for Popup {
    /// Who has the keys while this popup is open.
    fn mode(&self) -> Mode {
        match self {
            Popup::Help(_) | Popup::Details(_) => Mode::Help,
            Popup::Location { .. } => Mode::Menu,
            Popup::Command { .. } | Popup::Rules { .. } => Mode::Pick,
            Popup::Delete { .. } | Popup::ReadOnly { .. } | Popup::AddRoot => Mode::Confirm,
            Popup::QuitPrompt => Mode::QuitPrompt,
            Popup::Preview(p) if !p.errors.is_empty() => Mode::Blocked,
            Popup::Preview(_) => Mode::Preview,
            Popup::External => Mode::External,
            Popup::Conflicts(_) => Mode::Conflicts,
            Popup::Wizard(w) => w.mode(),
            Popup::NewCommand(c) => c.mode(),
            Popup::Event(_) => Mode::Edit,
        }
    }

    fn handle(&mut self, a: Option<Action>, k: &KeyEvent, ctx: &Ctx<'_>) -> Vec<Msg> {
        match self {
            Popup::Help(h) => h.handle(a, k, ctx),
            Popup::Details(d) => d.handle(a, k, ctx),
            Popup::Location { sel, menu } => match menu.handle(a, k) {
                Pick::Open => Vec::new(),
                Pick::Cancelled => vec![Msg::Close],
                Pick::Chosen(c) => location_chosen(sel, &c.value, ctx),
            },
            Popup::Command { sel, menu } => match menu.handle(a, k) {
                Pick::Open => Vec::new(),
                Pick::Cancelled => vec![Msg::Close],
                Pick::Chosen(c) => vec![Msg::Close, set(sel.clone(), Field::Command, &c.value)],
            },
            Popup::Rules { menu, .. } => match menu.handle(a, k) {
                Pick::Open => Vec::new(),
                Pick::Cancelled => vec![Msg::Close],
                Pick::Chosen(c) => vec![Msg::Close, Msg::Append(c.value)],
            },
            Popup::Delete { sel, .. } => match a {
                Some(Action::Yes) => vec![
                    Msg::Close,
                    Msg::Apply(EditOp::Remove {
                        sel: sel.clone(),
                        force: false,
                    }),
                ],
                Some(Action::No | Action::Cancel) => vec![Msg::Close],
                _ => Vec::new(),
            },
            Popup::ReadOnly { .. } => match a {
                Some(Action::Yes) => vec![Msg::Effect(Effect::SaveReadOnly {
                    text: ctx.session.source().to_string(),
                    expected: ctx.session.original().to_string(),
                })],
                Some(Action::No | Action::Cancel) => vec![Msg::Close],
                _ => Vec::new(),
            },
            Popup::AddRoot => add_root_answer(a, ctx),
            Popup::QuitPrompt => match a {
                Some(Action::SaveAndQuit) => vec![Msg::Close, Msg::SaveThenQuit],
                Some(Action::Discard) => vec![Msg::Effect(Effect::Quit)],
                Some(Action::Cancel) => vec![Msg::Close],
                _ => Vec::new(),
            },
            Popup::Preview(p) => p.handle(a, k, ctx),
            Popup::External => match a {
                Some(Action::Reload) => vec![Msg::Effect(Effect::Reload)],
                Some(Action::Merge) => vec![Msg::Effect(Effect::Merge(None))],
                Some(Action::MergeOurs) => vec![Msg::Effect(Effect::Merge(Some(Side::Ours)))],
                Some(Action::MergeTheirs) => {
                    vec![Msg::Effect(Effect::Merge(Some(Side::Theirs)))]
                }
                Some(Action::WriteAnyway) => vec![Msg::Effect(Effect::SaveOverwrite {
                    text: ctx.session.source().to_string(),
                })],
                Some(Action::Cancel) => vec![Msg::Close],
                _ => Vec::new(),
            },
            Popup::Conflicts(c) => c.handle(a, k, ctx),
            Popup::Wizard(w) => w.handle(a, k, ctx),
            Popup::NewCommand(c) => c.handle(a, k, ctx),
            Popup::Event(form) => match form.handle(a, k) {
                FormKey::Open => Vec::new(),
                FormKey::Cancel => vec![Msg::Close],
                FormKey::Submit => vec![
                    Msg::Close,
                    Msg::SetEvent(SimEvent {
                        agent: form.value("agent").to_string(),
                        srcip: form.value("srcip").to_string(),
                        user: form.value("user").to_string(),
                    }),
                ],
            },
        }
    }

    /// Draws the popup over `area` (the whole screen).
    fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx<'_>, focused: bool) {
        let theme = ctx.theme;
        match self {
            Popup::Help(h) => h.render(f, area, ctx, focused),
            Popup::Details(d) => d.render(f, area, ctx, focused),
            Popup::Location { menu, .. } => {
                let inner = frame(f, area, s::LOCATION_TITLE, 70, menu.height() + 2, theme);
                menu.render(f, inner, theme);
            }
            Popup::Command { menu, .. } => {
                let h = (menu.height() + 2).min(area.height.saturating_sub(4));
                let inner = frame(f, area, s::COMMAND_TITLE, 70, h, theme);
                menu.render(f, inner, theme);
            }
            Popup::Rules { field, menu } => {
                let h = (menu.height() + 2).min(area.height.saturating_sub(2));
                let inner = frame(f, area, s::rules_title(*field), 90, h, theme);
                menu.render(f, inner, theme);
            }
            Popup::Delete { what, .. } => {
                question(
                    f,
                    area,
                    s::DELETE_TITLE,
                    &s::delete_question(what),
                    Mode::Confirm,
                    theme,
                );
            }
            Popup::ReadOnly { mode } => {
                question(
                    f,
                    area,
                    s::READ_ONLY_TITLE,
                    &s::read_only_question(*mode),
                    Mode::Confirm,
                    theme,
                );
            }
            Popup::AddRoot => {
                question(
                    f,
                    area,
                    s::ADD_ROOT_TITLE,
                    s::ADD_ROOT_QUESTION,
                    Mode::Confirm,
                    theme,
                );
            }
            Popup::QuitPrompt => {
                question(
                    f,
                    area,
                    s::QUIT_TITLE,
                    s::QUIT_QUESTION,
                    Mode::QuitPrompt,
                    theme,
                );
            }
            Popup::External => {
                question(
                    f,
                    area,
                    s::EXTERNAL_TITLE,
                    s::EXTERNAL_QUESTION,
                    Mode::External,
                    theme,
                );
            }
            Popup::Preview(p) => p.render(f, area, ctx, focused),
            Popup::Conflicts(c) => c.render(f, area, ctx, focused),
            Popup::Wizard(w) => w.render(f, area, ctx, focused),
            Popup::NewCommand(c) => c.render(f, area, ctx, focused),
            Popup::Event(form) => {
                let inner = frame(f, area, s::EVENT_TITLE, 70, 8, theme);
                let cc = super::fields::CheckCtx {
                    config: ctx.session.config(),
                    command: None,
                    response_command: None,
                    profile: ctx.profile,
                    home: None,
                };
                form.render(f, inner, &cc, theme);
            }
        }
    }

    fn captures(&self) -> bool {
        true
    }

    /// Into the filter of a picker or the field being typed; `None` for a popup
    /// that types no text (a pasted `y` answers no question).
    fn paste(&mut self, text: &str, ctx: &Ctx<'_>) -> Option<Vec<Msg>> {
        match self {
            Popup::Location { menu, .. }
            | Popup::Command { menu, .. }
            | Popup::Rules { menu, .. } => menu.paste(text).map(pasted),
            Popup::Event(form) => Some(pasted(form.paste(text))),
            Popup::Wizard(w) => w.paste(text, ctx),
            Popup::NewCommand(c) => c.paste(text, ctx),
            Popup::Help(_)
            | Popup::Details(_)
            | Popup::Delete { .. }
            | Popup::AddRoot
            | Popup::QuitPrompt
            | Popup::Preview(_)
            | Popup::External
            | Popup::Conflicts(_)
            | Popup::ReadOnly { .. } => None,
        }
    }
}

/// The groups or the rules of the loaded ruleset as a picker.
pub(crate) fn rules_menu(field: Field, rules: &RuleSet) -> Menu {
    let choices = if field == Field::RulesGroup {
        rules_ui::group_choices(rules)
    } else {
        rules_ui::id_choices(rules)
    };
    Menu::picker(choices, None)
}

/// The four locations with their meanings.
pub(crate) fn location_menu(current: Option<&str>) -> Menu {
    let choices = LOCATIONS.iter().map(|(v, m)| Choice::new(v, m)).collect();
    Menu::new(choices, current)
}

fn set(sel: Selector, field: Field, value: &str) -> Msg {
    Msg::Apply(EditOp::Set {
        sel,
        field,
        value: value.to_string(),
    })
}

/// A location was chosen; `defined-agent` then needs an agent id, so its field opens.
fn location_chosen(sel: &Selector, value: &str, ctx: &Ctx<'_>) -> Vec<Msg> {
    let mut out = vec![Msg::Close, set(sel.clone(), Field::Location, value)];
    let has_agent = match sel {
        Selector::Response(n) => ctx
            .session
            .config()
            .response(*n)
            .and_then(|r| r.value(Field::AgentId))
            .is_some_and(|a| !a.is_empty()),
        Selector::Command(_) | Selector::CommandAt(_) | Selector::Match(_) => true,
    };
    if value == "defined-agent" && !has_agent {
        out.push(Msg::EditField(Field::AgentId));
    }
    out
}

/// The answer to "no root: add one?": yes adds it, then starts guided creation.
fn add_root_answer(a: Option<Action>, ctx: &Ctx<'_>) -> Vec<Msg> {
    match a {
        Some(Action::Yes) => vec![
            Msg::Close,
            Msg::Apply(EditOp::AddRoot),
            Msg::Open(Popup::Wizard(Box::new(Wizard::new(ctx)))),
        ],
        Some(Action::No | Action::Cancel) => vec![Msg::Close],
        _ => Vec::new(),
    }
}

/// `a`: guided creation of a response, or of a command in the commands section.
pub(crate) fn add(selected: Option<BlockRef>, ctx: &Ctx<'_>) -> Vec<Msg> {
    let roots = &ctx.session.config().roots;
    if roots.iter().all(|r| r.kind == RootKind::Other) {
        // Nowhere to add a block (an empty or plain-text file): ask first.
        return vec![Msg::Open(Popup::AddRoot)];
    }
    let cfg = ctx.session.config();
    if cfg.kind == ConfigKind::Agent {
        // An agent reads no command and no response definition, only its own
        // settings, and execd those of the first block of a root: that block's
        // form when there is one, else a new block (docs/agent-files.md).
        let first = cfg
            .responses
            .iter()
            .find(|r| matches!(r.placement, Placement::OssecConfig(_)));
        return match first {
            Some(r) => vec![
                Msg::Select(BlockRef::Response(r.index)),
                Msg::Focus(Focus::Form),
                Msg::Info(s::AGENT_EDIT_FIRST.into()),
            ],
            None => vec![Msg::Open(Popup::NewCommand(CommandForm::agent_settings()))],
        };
    }
    match selected {
        Some(BlockRef::Command(_)) => vec![Msg::Open(Popup::NewCommand(CommandForm::default()))],
        _ => vec![Msg::Open(Popup::Wizard(Box::new(Wizard::new(ctx))))],
    }
}

/// `d`: asks before deleting; a command in use is refused, naming its users.
pub(crate) fn delete(selected: Option<BlockRef>, ctx: &Ctx<'_>) -> Vec<Msg> {
    let Some(b) = selected else {
        return Vec::new();
    };
    let cfg = ctx.session.config();
    let sel = match selector(cfg, b) {
        Ok(sel) => sel,
        Err(e) => return vec![Msg::Error(e)],
    };
    let what = match b {
        BlockRef::Command(n) => {
            // Only the responses of the first command of a name use it.
            let name = cfg.command_at(n).and_then(|c| c.name()).unwrap_or_default();
            let users = super::form::command_users(cfg, n);
            if !users.is_empty() {
                return vec![Msg::Error(s::command_in_use(name, &users))];
            }
            s::command_label(name)
        }
        BlockRef::Response(n) => {
            let Some(r) = cfg.response(n) else {
                return vec![Msg::Error(s::NO_SUCH_BLOCK.to_string())];
            };
            s::response_label(
                n,
                r.command_name().unwrap_or("?"),
                r.value(Field::Location).unwrap_or("?"),
            )
        }
    };
    vec![Msg::Open(Popup::Delete { sel, what })]
}

/// A centred frame of at most `w`x`h` with a title; returns its inside.
pub(crate) fn frame(f: &mut Frame, area: Rect, title: &str, w: u16, h: u16, theme: &Theme) -> Rect {
    let w = w.min(area.width.saturating_sub(2));
    let h = h.min(area.height.saturating_sub(2));
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    f.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .border_style(theme.focused_border())
        .title(Span::styled(format!(" {title} "), theme.title()));
    let inner = block.inner(r);
    f.render_widget(block, r);
    inner
}

/// The key hints of a mode as one line.
pub(crate) fn hint_line(mode: Mode, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for (key, word) in keys::hints(mode) {
        if !spans.is_empty() {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(format!(" {word}")));
    }
    Line::from(spans)
}

/// A question with its answers from the key map.
fn question(f: &mut Frame, area: Rect, title: &str, text: &str, mode: Mode, theme: &Theme) {
    let width = 60u16;
    let body = wrap(&escape(text), width as usize - 4);
    let h = u16::try_from(body.len()).unwrap_or(1) + 4;
    let inner = frame(f, area, title, width, h, theme);
    let mut lines: Vec<Line> = body.into_iter().map(Line::raw).collect();
    lines.push(Line::raw(""));
    lines.push(hint_line(mode, theme));
    f.render_widget(Paragraph::new(lines), inner);
}
