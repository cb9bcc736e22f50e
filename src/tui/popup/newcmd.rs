//! A small form of text fields (used by the command form and the wizard's steps),
//! and the command form of `a` in the commands section.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::frame;
use super::wizard::Review;
use super::wizard_view::render_review;
use crate::model::{Field, Severity};
use crate::tui::app::{Ctx, Msg};
use crate::tui::fields::{self, CheckCtx, Verdict};
use crate::tui::input::{Input, MAX_PASTE, pasted};
use crate::tui::keys::{Action, Mode};
use crate::tui::pane::Pane;
use crate::tui::session::{EditOp, problem_severity};
use crate::tui::strings as s;
use crate::tui::text::{escape, wrap};
use crate::tui::theme::{Theme, mark};

/// One text field of a [`TextForm`].
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// The label: the element name of its field, if it has one.
    pub(crate) name: &'static str,
    /// The field of a block it sets (for its check); `None` for a value that is not
    /// written as a field (the simulator's event).
    pub(crate) field: Option<Field>,
    /// May it stay empty (then it is left out)?
    pub(crate) optional: bool,
    /// What is typed.
    pub(crate) input: Input,
}

impl Row {
    /// A field with a starting value.
    pub(crate) fn new(field: Field, optional: bool, value: &str) -> Row {
        Row {
            name: field.name(),
            field: Some(field),
            optional,
            input: Input::new(value),
        }
    }

    /// A value that is not a field, labelled `name`.
    pub(crate) fn other(name: &'static str, optional: bool, value: &str) -> Row {
        Row {
            name,
            field: None,
            optional,
            input: Input::new(value),
        }
    }
}

/// What a key did to a text form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FormKey {
    /// Still typing.
    Open,
    /// Enter.
    Submit,
    /// Esc.
    Cancel,
}

/// Text fields, one focused; Tab and arrows move between them.
#[derive(Debug, Clone)]
pub(crate) struct TextForm {
    /// The fields.
    pub(crate) rows: Vec<Row>,
    /// The focused one.
    pub(crate) at: usize,
}

impl TextForm {
    /// A form of these fields, the first focused.
    pub(crate) fn new(rows: Vec<Row>) -> TextForm {
        TextForm { rows, at: 0 }
    }

    /// The check of a field: an empty optional field is fine (left out).
    pub(crate) fn verdict(&self, i: usize, cc: &CheckCtx<'_>) -> Verdict {
        let r = &self.rows[i];
        if r.optional && r.input.value().is_empty() {
            return Ok(None);
        }
        match r.field {
            Some(field) => fields::check(field, r.input.value(), cc),
            None => fields::check_text(r.input.value()),
        }
    }

    /// The first refused field, with why.
    pub(crate) fn first_error(&self, cc: &CheckCtx<'_>) -> Option<(usize, String)> {
        (0..self.rows.len()).find_map(|i| self.verdict(i, cc).err().map(|e| (i, e)))
    }

    /// The non-empty fields as `(field, value)` pairs.
    pub(crate) fn pairs(&self) -> Vec<(Field, String)> {
        self.rows
            .iter()
            .filter(|r| !r.input.value().is_empty())
            .filter_map(|r| Some((r.field?, r.input.value().to_string())))
            .collect()
    }

    /// The value typed in the row labelled `name`.
    pub(crate) fn value(&self, name: &str) -> &str {
        self.rows
            .iter()
            .find(|r| r.name == name)
            .map_or("", |r| r.input.value())
    }

    /// The value typed for `field`.
    pub(crate) fn field_value(&self, field: Field) -> &str {
        self.rows
            .iter()
            .find(|r| r.field == Some(field))
            .map_or("", |r| r.input.value())
    }

    /// A paste into the field being typed, at once; true when it was cut at
    /// [`MAX_PASTE`].
    pub(crate) fn paste(&mut self, text: &str) -> bool {
        self.rows
            .get_mut(self.at)
            .is_some_and(|r| r.input.paste(text, MAX_PASTE))
    }

    /// Moves, types, submits or cancels.
    pub(crate) fn handle(&mut self, a: Option<Action>, k: &KeyEvent) -> FormKey {
        let last = self.rows.len().saturating_sub(1);
        match (a, k.code) {
            (Some(Action::Enter), _) => return FormKey::Submit,
            (Some(Action::Cancel), _) => return FormKey::Cancel,
            (Some(Action::NextPane | Action::Down), _) => self.at = (self.at + 1).min(last),
            (Some(Action::PrevPane | Action::Up), _) => self.at = self.at.saturating_sub(1),
            (Some(other), _) => {
                if let Some(r) = self.rows.get_mut(self.at) {
                    r.input.apply(other);
                }
            }
            (None, KeyCode::Char(c)) => {
                if let Some(r) = self.rows.get_mut(self.at) {
                    r.input.insert(c);
                }
            }
            _ => {}
        }
        FormKey::Open
    }

    /// The fields as lines, each followed by its problem or advice; sets the cursor.
    pub(crate) fn render(
        &self,
        f: &mut Frame,
        area: Rect,
        cc: &CheckCtx<'_>,
        theme: &Theme,
    ) -> u16 {
        let label_w = 20;
        let w = (area.width as usize).saturating_sub(label_w + 2);
        let mut lines: Vec<Line> = Vec::new();
        for (i, r) in self.rows.iter().enumerate() {
            let on = i == self.at;
            let (shown, col) = r.input.view(w);
            if on {
                let y = area.y + u16::try_from(lines.len()).unwrap_or(0);
                f.set_cursor_position((area.x + (label_w + 2 + col) as u16, y));
            }
            let pointer = if on { "> " } else { "  " };
            let label = Span::styled(
                format!("{pointer}{:<label_w$}", r.name),
                if on { theme.title() } else { theme.dim() },
            );
            lines.push(Line::from(vec![label, Span::raw(shown)]));
            let (sev, msg) = match self.verdict(i, cc) {
                Err(e) => (problem_severity(&e), e),
                Ok(Some(advice)) if on => (Severity::Note, advice),
                Ok(_) => continue,
            };
            let width = (area.width as usize).saturating_sub(label_w + 4);
            for (n, l) in wrap(&escape(&msg), width).into_iter().enumerate() {
                let m = if n == 0 { mark(sev) } else { " " };
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(label_w + 2)),
                    Span::styled(format!("{m} {l}"), theme.severity(sev)),
                ]));
            }
        }
        let h = u16::try_from(lines.len()).unwrap_or(area.height);
        f.render_widget(Paragraph::new(lines), area);
        h
    }
}

/// The command form: name, executable, timeout_allowed, extra_args; then the diff
/// of the block it adds, which `y` (or Enter) inserts.
#[derive(Debug, Clone)]
pub(crate) struct CommandForm {
    /// The fields.
    pub(crate) form: TextForm,
    /// An agent's `<active-response>` settings rather than a command.
    pub(crate) agent: bool,
    /// The diff preview, once the fields pass their checks.
    pub(crate) review: Option<Review>,
}

/// The rows of the yes/no fields that Enter toggles: timeout_allowed of a command;
/// disabled and ca_verification of an agent's settings.
const COMMAND_TOGGLES: &[usize] = &[2];
const AGENT_TOGGLES: &[usize] = &[0, 3];

impl Default for CommandForm {
    fn default() -> Self {
        CommandForm {
            form: TextForm::new(vec![
                Row::new(Field::Name, false, ""),
                Row::new(Field::Executable, false, ""),
                Row::new(Field::TimeoutAllowed, false, "yes"),
                Row::new(Field::ExtraArgs, true, ""),
            ]),
            agent: false,
            review: None,
        }
    }
}

fn check_ctx<'a>(ctx: &'a Ctx<'_>) -> CheckCtx<'a> {
    CheckCtx {
        config: ctx.session.config(),
        command: None,
        response_command: None,
        profile: ctx.profile,
        home: ctx.home,
    }
}

impl CommandForm {
    /// In an agent's ossec.conf, `a` offers what the agent reads in an
    /// `<active-response>` (execd, modulesd; docs/agent-files.md), not a command.
    pub(crate) fn agent_settings() -> CommandForm {
        let row = |field, value| Row::new(field, true, value);
        CommandForm {
            form: TextForm::new(vec![
                row(Field::Disabled, "no"),
                row(Field::RepeatedOffenders, ""),
                row(Field::CaStore, ""),
                row(Field::CaVerification, ""),
            ]),
            agent: true,
            review: None,
        }
    }

    fn toggles(&self) -> &'static [usize] {
        if self.agent {
            AGENT_TOGGLES
        } else {
            COMMAND_TOGGLES
        }
    }
}

impl Pane for CommandForm {
    /// Into the field being typed; nothing while the diff is shown.
    fn paste(&mut self, text: &str, _ctx: &Ctx<'_>) -> Option<Vec<Msg>> {
        if self.review.is_some() {
            return None;
        }
        Some(pasted(self.form.paste(text)))
    }

    fn captures(&self) -> bool {
        true
    }

    /// Typing, then reviewing the diff.
    fn mode(&self) -> Mode {
        if self.review.is_some() {
            Mode::Review
        } else {
            Mode::Edit
        }
    }

    /// Enter toggles timeout_allowed; on another field it shows the diff of the new
    /// block when every field passes its check; there `y` or Enter inserts it and Esc
    /// goes back to the fields.
    fn handle(&mut self, a: Option<Action>, k: &KeyEvent, ctx: &Ctx<'_>) -> Vec<Msg> {
        if let Some(review) = self.review.as_mut() {
            return match review.key(a) {
                Some(false) => {
                    self.review = None;
                    Vec::new()
                }
                Some(true) => match &review.diff {
                    Ok(_) => vec![Msg::Close, Msg::ApplyAll(review.ops.clone())],
                    Err(why) => vec![Msg::Error(why.clone())],
                },
                None => Vec::new(),
            };
        }
        match self.form.handle(a, k) {
            FormKey::Open => Vec::new(),
            FormKey::Cancel => vec![Msg::Close],
            FormKey::Submit if self.toggles().contains(&self.form.at) => {
                let row = &mut self.form.rows[self.form.at];
                let next = if row.input.value() == "yes" {
                    "no"
                } else {
                    "yes"
                };
                row.input = Input::new(next);
                Vec::new()
            }
            FormKey::Submit => match self.form.first_error(&check_ctx(ctx)) {
                Some((i, _)) => {
                    self.form.at = i;
                    vec![Msg::Error(s::REFUSED.into())]
                }
                None if self.agent && self.form.pairs().is_empty() => {
                    vec![Msg::Error(s::AGENT_SETTINGS_NEEDED.into())]
                }
                None => {
                    let pairs = self.form.pairs();
                    let op = if self.agent {
                        EditOp::AddResponse(pairs)
                    } else {
                        EditOp::AddCommand(pairs)
                    };
                    let ops = vec![op];
                    self.review = Some(Review::build(ops, ctx));
                    Vec::new()
                }
            },
        }
    }

    /// Draws the form (its keys are in the hint bar), or the diff to insert.
    fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx<'_>, _focused: bool) {
        let theme = ctx.theme;
        let (title, review_title, note) = if self.agent {
            (
                s::AGENT_FORM_TITLE,
                s::AGENT_REVIEW_TITLE,
                s::AGENT_FORM_NOTE,
            )
        } else {
            (
                s::NEW_COMMAND_TITLE,
                s::NEW_COMMAND_REVIEW_TITLE,
                s::NEW_COMMAND_NOTE,
            )
        };
        if let Some(review) = &self.review {
            let inner = frame(f, area, review_title, 76, 14, theme);
            render_review(review, f, inner, theme);
            return;
        }
        let inner = frame(f, area, title, 76, 13, theme);
        let h = self.form.render(f, inner, &check_ctx(ctx), theme);
        let note_at = Rect {
            y: inner.y + h.min(inner.height.saturating_sub(1)),
            height: 1,
            ..inner
        };
        if h < inner.height {
            f.render_widget(Line::styled(note, theme.dim()), note_at);
        }
    }
}
