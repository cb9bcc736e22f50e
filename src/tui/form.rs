//! The form of the selected block (right pane): one row per field of docs/editor.md with
//! its widget, the validator's findings under the field they concern, and a text
//! input with a live check while a field is edited.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::app::{Ctx, Focus, Msg};
use super::fields::{self, CheckCtx, FieldSpec, Verdict, Widget};
use super::input::{Input, MAX_PASTE, pasted};
use super::keys::{Action, Mode};
use super::pane::Pane;
use super::popup::Popup;
use super::rules_ui;
use super::session::{EditOp, Selector};
use super::strings as s;
use crate::model::{BlockRef, Config, ConfigKind, Field, FieldValue, Location};

/// A field being typed into.
#[derive(Debug, Clone)]
pub(crate) struct Edit {
    /// Which field.
    pub(crate) spec: &'static FieldSpec,
    /// What is typed.
    pub(crate) input: Input,
    /// The check of what is typed.
    pub(crate) verdict: Verdict,
}

/// Focused field and the edit in progress.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormPane {
    /// Index of the focused field in the block's form.
    pub(crate) field: usize,
    /// The edit in progress.
    pub(crate) edit: Option<Edit>,
}

/// The fields of a block's form.
pub(crate) fn form_of(cfg: &Config, b: BlockRef) -> &'static [FieldSpec] {
    match b {
        BlockRef::Command(_) => fields::COMMAND_FORM,
        // On an agent, a response block holds what execd and modulesd read there.
        BlockRef::Response(_) if cfg.kind == ConfigKind::Agent => fields::AGENT_RESPONSE_FORM,
        BlockRef::Response(_) => fields::RESPONSE_FORM,
    }
}

/// A field of a block, as read.
pub(crate) fn field_of(cfg: &Config, b: BlockRef, field: Field) -> Option<&FieldValue> {
    cfg.field(b, field)
}

/// The selector the session edits a block by.
pub(crate) fn selector(cfg: &Config, b: BlockRef) -> Result<Selector, String> {
    match b {
        BlockRef::Response(n) => Ok(Selector::Response(n)),
        BlockRef::Command(n) => {
            let c = cfg.command_at(n).ok_or(s::NO_SUCH_BLOCK)?;
            let name = c.name().ok_or(s::COMMAND_WITHOUT_NAME)?;
            // A name defined twice reaches the block by its position.
            let unique = cfg
                .commands
                .iter()
                .filter(|c| c.name() == Some(name))
                .count()
                == 1;
            Ok(if unique {
                Selector::Command(name.to_string())
            } else {
                Selector::CommandAt(n)
            })
        }
    }
}

/// The responses that use command `n` (1-based): those naming it, when it is the
/// first command of its name (the daemons use that one; a later duplicate is dead).
pub(crate) fn command_users(cfg: &Config, n: usize) -> Vec<usize> {
    let Some(name) = cfg.command_at(n).and_then(|c| c.name()) else {
        return Vec::new();
    };
    if cfg.command(name).map(|c| c.index) != Some(n) {
        return Vec::new();
    }
    cfg.responses
        .iter()
        .filter(|r| r.command_name() == Some(name))
        .map(|r| r.index)
        .collect()
}

/// What the checks of a block's fields may look at.
pub(crate) fn check_ctx<'a>(ctx: &'a Ctx<'_>, b: BlockRef) -> CheckCtx<'a> {
    let cfg = ctx.session.config();
    CheckCtx {
        config: cfg,
        command: match b {
            BlockRef::Command(n) => Some(n),
            BlockRef::Response(_) => None,
        },
        response_command: match b {
            BlockRef::Response(n) => cfg.response(n).and_then(|r| r.command_name()),
            BlockRef::Command(_) => None,
        },
        profile: ctx.profile,
        home: ctx.home,
    }
}

impl FormPane {
    /// Is a field being typed into?
    pub(crate) fn editing(&self) -> bool {
        self.edit.is_some()
    }

    /// Back to the first field, no edit (another block was selected).
    pub(crate) fn reset(&mut self) {
        *self = FormPane::default();
    }

    /// Drops the edit in progress: the document keeps its value.
    pub(crate) fn cancel_edit(&mut self) {
        self.edit = None;
    }

    /// Keeps the focus on an existing field.
    pub(crate) fn clamp(&mut self, sel: Option<BlockRef>, cfg: &Config) {
        let n = sel.map_or(0, |b| form_of(cfg, b).len());
        self.field = self.field.min(n.saturating_sub(1));
    }

    /// Browse-mode actions with the form focused.
    fn browse(&mut self, a: Action, sel: Option<BlockRef>, ctx: &Ctx<'_>) -> Vec<Msg> {
        let Some(b) = sel else {
            return vec![Msg::Focus(Focus::List)];
        };
        let last = form_of(ctx.session.config(), b).len() - 1;
        match a {
            Action::Up => self.field = self.field.saturating_sub(1),
            Action::Down => self.field = (self.field + 1).min(last),
            Action::Top | Action::PageUp => self.field = 0,
            Action::Bottom | Action::PageDown => self.field = last,
            Action::NextPane if self.field == last => return vec![Msg::Focus(Focus::List)],
            Action::NextPane => self.field += 1,
            Action::PrevPane if self.field == 0 => return vec![Msg::Focus(Focus::List)],
            Action::PrevPane => self.field -= 1,
            Action::Cancel => return vec![Msg::Focus(Focus::List)],
            Action::Enter => return self.activate(b, ctx),
            Action::Unset => return self.unset(b, ctx),
            _ => {}
        }
        Vec::new()
    }

    /// Enter on a field: toggle, open the dropdown or picker, or start typing.
    fn activate(&mut self, b: BlockRef, ctx: &Ctx<'_>) -> Vec<Msg> {
        let cfg = ctx.session.config();
        let spec = &form_of(ctx.session.config(), b)[self.field];
        let sel = match selector(cfg, b) {
            Ok(sel) => sel,
            Err(e) => return vec![Msg::Error(e)],
        };
        let current = field_of(cfg, b, spec.field).map(|f| f.value.clone());
        match spec.widget() {
            Widget::Toggle => {
                let value = if current.as_deref() == Some("yes") {
                    "no"
                } else {
                    "yes"
                };
                vec![Msg::Apply(EditOp::Set {
                    sel,
                    field: spec.field,
                    value: value.to_string(),
                })]
            }
            Widget::Location => vec![Msg::Open(Popup::location(sel, current.as_deref()))],
            Widget::CommandPicker => {
                vec![Msg::Open(Popup::command_picker(
                    sel,
                    current.as_deref(),
                    ctx,
                ))]
            }
            Widget::Text => {
                if spec.field == Field::AgentId && !uses_agent(cfg, b) {
                    return vec![Msg::Info(s::AGENT_ONLY_DEFINED.into())];
                }
                self.start_edit(spec, current.as_deref().unwrap_or(""), b, ctx);
                Vec::new()
            }
        }
    }

    fn start_edit(&mut self, spec: &'static FieldSpec, value: &str, b: BlockRef, ctx: &Ctx<'_>) {
        let verdict = fields::check(spec.field, value, &check_ctx(ctx, b));
        self.edit = Some(Edit {
            spec,
            input: Input::new(value),
            verdict,
        });
    }

    /// Focuses the field and starts typing into it (after a dropdown choice that
    /// makes it required).
    pub(crate) fn start_edit_named(&mut self, field: Field, sel: Option<BlockRef>, ctx: &Ctx<'_>) {
        let Some(b) = sel else { return };
        let Some(i) = form_of(ctx.session.config(), b)
            .iter()
            .position(|f| f.field == field)
        else {
            return;
        };
        self.field = i;
        let current = field_of(ctx.session.config(), b, field).map(|f| f.value.clone());
        self.start_edit(
            &form_of(ctx.session.config(), b)[i],
            current.as_deref().unwrap_or(""),
            b,
            ctx,
        );
    }

    fn unset(&mut self, b: BlockRef, ctx: &Ctx<'_>) -> Vec<Msg> {
        let cfg = ctx.session.config();
        let spec = &form_of(ctx.session.config(), b)[self.field];
        if !spec.optional {
            return vec![Msg::Error(s::required(spec.field.name()))];
        }
        if field_of(cfg, b, spec.field).is_none() {
            return Vec::new();
        }
        match selector(cfg, b) {
            Ok(sel) => vec![Msg::Apply(EditOp::Unset {
                sel,
                field: spec.field,
            })],
            Err(e) => vec![Msg::Error(e)],
        }
    }

    /// Keys while a field is typed into: Enter commits a valid value, Esc restores.
    fn type_key(
        &mut self,
        a: Option<Action>,
        k: &KeyEvent,
        sel: Option<BlockRef>,
        ctx: &Ctx<'_>,
    ) -> Vec<Msg> {
        let (Some(edit), Some(b)) = (self.edit.as_mut(), sel) else {
            self.edit = None;
            return Vec::new();
        };
        match (a, k.code) {
            (Some(Action::Cancel), _) => {
                self.edit = None;
                return Vec::new();
            }
            (Some(Action::Enter), _) => return self.commit(b, ctx),
            (Some(Action::PickRules), _) => return rule_picker(edit.spec.field, ctx),
            (Some(a @ (Action::NextPane | Action::PrevPane | Action::Up | Action::Down)), _) => {
                // Moving on commits the value, as Enter would; a refused one stays.
                if edit.verdict.is_err() {
                    return vec![Msg::Error(s::REFUSED.into())];
                }
                let msgs = self.commit(b, ctx);
                let last = form_of(ctx.session.config(), b).len() - 1;
                self.field = match a {
                    Action::NextPane | Action::Down => (self.field + 1).min(last),
                    _ => self.field.saturating_sub(1),
                };
                return msgs;
            }
            (Some(a), _) => {
                edit.input.apply(a);
            }
            (None, KeyCode::Char(c)) => edit.input.insert(c),
            _ => return Vec::new(),
        }
        edit.verdict = fields::check(edit.spec.field, edit.input.value(), &check_ctx(ctx, b));
        Vec::new()
    }

    /// Pasted text into the field being typed, as one insertion: line ends dropped,
    /// and cut so that the value stays shorter than the longest text os_xml reads
    /// (`XML_MAXSIZE`, 20480 bytes), which edits refuse to write. `None` when no
    /// field is being typed.
    fn paste_text(&mut self, text: &str, sel: Option<BlockRef>, ctx: &Ctx<'_>) -> Option<Vec<Msg>> {
        let (Some(edit), Some(b)) = (self.edit.as_mut(), sel) else {
            return None;
        };
        let cut = edit.input.paste(text, MAX_PASTE);
        edit.verdict = fields::check(edit.spec.field, edit.input.value(), &check_ctx(ctx, b));
        Some(pasted(cut))
    }

    /// Adds a group or rule id picked from the rules to what is typed.
    pub(crate) fn append(&mut self, picked: &str, sel: Option<BlockRef>, ctx: &Ctx<'_>) {
        let (Some(edit), Some(b)) = (self.edit.as_mut(), sel) else {
            return;
        };
        let value = rules_ui::append(edit.spec.field, edit.input.value(), picked);
        edit.input = Input::new(&value);
        edit.verdict = fields::check(edit.spec.field, &value, &check_ctx(ctx, b));
    }

    fn commit(&mut self, b: BlockRef, ctx: &Ctx<'_>) -> Vec<Msg> {
        let Some(edit) = &self.edit else {
            return Vec::new();
        };
        if edit.verdict.is_err() {
            return vec![Msg::Error(s::REFUSED.into())];
        }
        let cfg = ctx.session.config();
        let value = edit.input.value().to_string();
        let field = edit.spec.field;
        if field_of(cfg, b, field).is_some_and(|f| f.value == value) {
            self.edit = None;
            return Vec::new();
        }
        // The edit stays open until the session has applied it: a refusal keeps what
        // was typed (docs/editor.md).
        match selector(cfg, b) {
            Ok(sel) => vec![Msg::ApplyField {
                op: EditOp::Set { sel, field, value },
                field: self.field,
            }],
            Err(e) => vec![Msg::Error(e)],
        }
    }
}

impl Pane for FormPane {
    fn mode(&self) -> Mode {
        if self.editing() {
            Mode::Edit
        } else {
            Mode::Browse
        }
    }

    fn captures(&self) -> bool {
        self.editing()
    }

    /// While a field is typed into, the keys of the edit; else the form's moves.
    fn handle(&mut self, a: Option<Action>, k: &KeyEvent, ctx: &Ctx<'_>) -> Vec<Msg> {
        if self.editing() {
            return self.type_key(a, k, ctx.selected, ctx);
        }
        a.map_or_else(Vec::new, |a| self.browse(a, ctx.selected, ctx))
    }

    fn paste(&mut self, text: &str, ctx: &Ctx<'_>) -> Option<Vec<Msg>> {
        self.paste_text(text, ctx.selected, ctx)
    }

    fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx<'_>, focused: bool) {
        self.draw(f, area, ctx.selected, ctx, focused);
    }
}

/// Ctrl-p in rules_group or rules_id: the picker of the loaded rules' groups or ids.
pub(crate) fn rule_picker(field: Field, ctx: &Ctx<'_>) -> Vec<Msg> {
    match (ctx.rules, field) {
        (None, _) => vec![Msg::Info(s::RULE_COUNTS_NEED_RULES.into())],
        (Some(rules), Field::RulesGroup | Field::RulesId) => {
            vec![Msg::Open(Popup::rule_picker(field, rules))]
        }
        _ => vec![Msg::Info(s::PICK_RULES_HINT.into())],
    }
}

/// Does the response's location read as `defined-agent`, as the daemon reads it
/// (the only one that reads agent_id; docs/wazuh-config.md §3.3)?
pub(crate) fn uses_agent(cfg: &Config, b: BlockRef) -> bool {
    match b {
        BlockRef::Response(n) => cfg
            .response(n)
            .and_then(|r| r.value(Field::Location))
            .is_some_and(|l| Location::read(l).has(Location::SPECIFIC_AGENT)),
        BlockRef::Command(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_id_is_read_where_the_daemon_reads_defined_agent() {
        let cfg = |loc: &str| {
            let text = format!(
                "<ossec_config><active-response><command>x</command><location>{loc}</location></active-response></ossec_config>"
            );
            Config::from_document(&crate::xml::parse(&text))
        };
        let r1 = BlockRef::Response(1);
        assert!(uses_agent(&cfg("defined-agent"), r1));
        assert!(uses_agent(&cfg("local,Defined-Agent"), r1), "by substring");
        assert!(!uses_agent(&cfg("defined_agent"), r1));
        assert!(!uses_agent(&cfg("local"), r1));
        assert!(!uses_agent(&cfg("defined-agent"), BlockRef::Command(1)));
    }
}
