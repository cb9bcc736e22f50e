//! Drawing the form: a row per field, the findings that point at a field under it,
//! the block's own findings and a plain-words summary below, the focused field's
//! help at the bottom. Scrolls to keep the focused field in view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::Ctx;
use super::fields::{FieldSpec, LOCATIONS, Widget};
use super::form::{FormPane, field_of, form_of, uses_agent};
use super::rules_ui::{Counts, field_count};
use super::session::problem_severity;
use super::strings as s;
use super::summary;
use super::text::{escape, show_value, truncate, wrap};
use super::theme::{Theme, mark};
use crate::model::{BlockRef, Config, ConfigKind, Diagnostic, Field, Profile, Severity};
use crate::rules::RuleSet;
use crate::xml::{Document, ElementId};

const LABEL: usize = 19;

/// The lines of the form and where the focused field's row is.
struct Built {
    lines: Vec<Line<'static>>,
    focus: (usize, usize),
    cursor: Option<(usize, usize)>,
}

impl FormPane {
    /// Draws the form of block `b` (or a hint when nothing is selected).
    pub(super) fn draw(
        &self,
        f: &mut Frame,
        area: Rect,
        b: Option<BlockRef>,
        ctx: &Ctx<'_>,
        focused: bool,
    ) {
        let theme = ctx.theme;
        let cfg = ctx.session.config();
        let doc = ctx.session.doc();
        let title = b.map_or_else(|| s::NOTHING_SELECTED.to_string(), |b| title(doc, cfg, b));
        let inner = theme.pane(f, area, title, focused);
        let Some(b) = b else {
            f.render_widget(Paragraph::new(s::EMPTY_FILE_HINT), inner);
            return;
        };
        let w = inner.width as usize;
        let built = self.build(b, ctx, theme, focused, w);
        let about = &form_of(ctx.session.config(), b)
            [self.field.min(form_of(ctx.session.config(), b).len() - 1)];
        let about = wrap(about.about, w.saturating_sub(2));
        let rows = (inner.height as usize).saturating_sub(about.len() + 1);
        // Scroll just enough for the focused field and its notes to be visible.
        let offset = (built.focus.1 + 1).saturating_sub(rows).min(built.focus.0);
        let mut lines: Vec<Line> = built.lines.into_iter().skip(offset).take(rows).collect();
        lines.resize(rows, Line::raw(""));
        lines.push(Line::raw(""));
        lines.extend(
            about
                .into_iter()
                .map(|l| Line::styled(format!("  {l}"), theme.dim())),
        );
        f.render_widget(Paragraph::new(lines), inner);
        if let Some((row, col)) = built.cursor
            && row >= offset
            && row < offset + rows
        {
            f.set_cursor_position((inner.x + col as u16, inner.y + (row - offset) as u16));
        }
    }

    fn build(&self, b: BlockRef, ctx: &Ctx<'_>, theme: &Theme, focused: bool, w: usize) -> Built {
        let mut built = Built {
            lines: Vec::new(),
            focus: (0, 0),
            cursor: None,
        };
        let mut used = Vec::new();
        for (i, spec) in form_of(ctx.session.config(), b).iter().enumerate() {
            let start = built.lines.len();
            self.field_lines(&mut built, (i, spec), b, ctx, (theme, focused, w));
            used.extend(self.field_notes(&mut built.lines, spec, b, ctx, theme, w));
            if i == self.field {
                built.focus = (start, built.lines.len() - 1);
            }
        }
        let lines = &mut built.lines;
        lines.push(Line::raw(""));
        let typed = self.edit.as_ref().map(|e| (e.spec.field, e.input.value()));
        let (doc, cfg) = (ctx.session.doc(), ctx.session.config());
        for l in summary_lines(
            doc,
            cfg,
            ctx.profile,
            b,
            ctx.rules.map(|r| (r, ctx.counts)),
            typed,
        ) {
            for part in wrap(&escape(&l), w.saturating_sub(2)) {
                lines.push(Line::styled(format!("  {part}"), Style::new()));
            }
        }
        let block_level = ctx.diags.iter().enumerate();
        for (_, d) in block_level.filter(|(i, d)| d.block == Some(b) && !used.contains(i)) {
            push_note(lines, d.severity, Some(d.code), &d.message, theme, (2, w));
        }
        built
    }

    /// A field's row: its label, then the value (or the input being typed, with
    /// its check under it).
    fn field_lines(
        &self,
        built: &mut Built,
        (i, spec): (usize, &FieldSpec),
        b: BlockRef,
        ctx: &Ctx<'_>,
        (theme, focused, w): (&Theme, bool, usize),
    ) {
        let on = i == self.field;
        let field = field_of(ctx.session.config(), b, spec.field);
        let pointer = if on && focused { ">" } else { " " };
        let label_style = if on && focused {
            theme.selected()
        } else {
            theme.dim()
        };
        let label = Span::styled(format!("{pointer} {:<LABEL$}", spec.field), label_style);
        let lines = &mut built.lines;
        match self
            .edit
            .as_ref()
            .filter(|e| on && e.spec.field == spec.field)
        {
            Some(e) => {
                let (shown, col) = e.input.view(w.saturating_sub(LABEL + 3));
                built.cursor = Some((lines.len(), LABEL + 3 + col));
                lines.push(Line::from(vec![label, Span::raw(" "), Span::raw(shown)]));
                let note = match &e.verdict {
                    // Refused alike, marked by what the daemon does with it.
                    Err(why) => Some((problem_severity(why), why.clone())),
                    Ok(Some(advice)) => Some((Severity::Note, advice.clone())),
                    Ok(None) => None,
                };
                if let Some((sev, text)) = note {
                    push_note(lines, sev, None, &text, theme, (note_indent(w), w));
                }
            }
            None => {
                let mut spans = vec![label, Span::raw(" ")];
                spans.extend(value_spans(
                    spec,
                    field.as_ref().map(|f| f.value.as_str()),
                    ctx,
                    b,
                    theme,
                    w,
                ));
                if let Some(f) = field.as_ref().filter(|f| f.all.len() > 1) {
                    spans.push(Span::styled(
                        s::repeated(spec.field, f.all.len()),
                        theme.dim(),
                    ));
                }
                lines.push(Line::from(spans));
            }
        }
    }

    /// The findings that point at the field, under it; returns their indices.
    fn field_notes(
        &self,
        lines: &mut Vec<Line<'static>>,
        spec: &FieldSpec,
        b: BlockRef,
        ctx: &Ctx<'_>,
        theme: &Theme,
        w: usize,
    ) -> Vec<usize> {
        let field = field_of(ctx.session.config(), b, spec.field);
        let all = field.as_ref().map(|f| f.all.as_slice()).unwrap_or(&[]);
        let found = field_diags(ctx.diags, ctx.session.doc(), all);
        // While the field is typed, its live check replaces what was found of the
        // value before: those findings are stale (they come back once committed).
        if self
            .edit
            .as_ref()
            .is_some_and(|e| e.spec.field == spec.field)
        {
            return found;
        }
        // Many findings of one kind (twenty unknown ids) make one line, so that the
        // fields below stay on screen; all are in the details (`i`).
        let mut codes: Vec<&str> = Vec::new();
        for &i in &found {
            let d = &ctx.diags[i];
            if codes.contains(&d.code) {
                continue;
            }
            codes.push(d.code);
            let alike = found
                .iter()
                .filter(|&&j| ctx.diags[j].code == d.code)
                .count();
            let text = match alike {
                0..=2 => d.message.clone(),
                n => s::and_more_alike(&d.message, n - 1),
            };
            push_note(
                lines,
                d.severity,
                Some(d.code),
                &text,
                theme,
                (note_indent(w), w),
            );
            if alike == 2
                && let Some(&j) = found.iter().rev().find(|&&j| ctx.diags[j].code == d.code)
            {
                let d = &ctx.diags[j];
                push_note(
                    lines,
                    d.severity,
                    Some(d.code),
                    &d.message,
                    theme,
                    (note_indent(w), w),
                );
            }
        }
        found
    }
}

/// Where a field's notes start: under the value when there is room, else near the
/// left edge so that they do not wrap every few words.
fn note_indent(w: usize) -> usize {
    if w >= 60 { LABEL + 3 } else { 4 }
}

/// `response #3 · line 58` / `command firewall-drop · root 2 · line 12` (the root
/// only when there are several, docs/wazuh-config.md §10 pitfall 12).
fn title(doc: &Document, cfg: &Config, b: BlockRef) -> String {
    let (el, placement, what) = match b {
        BlockRef::Command(n) => match cfg.command_at(n) {
            Some(c) => (
                c.element,
                c.placement,
                format!("command {}", c.name().unwrap_or("(no name)")),
            ),
            None => return String::new(),
        },
        BlockRef::Response(n) => match cfg.response(n) {
            Some(r) => (r.element, r.placement, format!("response #{n}")),
            None => return String::new(),
        },
    };
    let line = doc.line_col(doc.element(el).span().start).0;
    let root = match (super::shared::target(doc, cfg, placement), cfg.roots.len()) {
        (Some(target), _) => format!(" · {target}"),
        (None, 0 | 1) => String::new(),
        (None, _) => format!(" · root {}", placement.root() + 1),
    };
    truncate(&escape(&format!(" {what}{root} · line {line} ")), 80)
}

/// The findings that point at one of a field's elements (docs/choices.md: a field's start
/// tag), as indices into `diags`.
fn field_diags(diags: &[Diagnostic], doc: &Document, all: &[ElementId]) -> Vec<usize> {
    let starts: Vec<usize> = all.iter().map(|id| doc.element(*id).span().start).collect();
    (0..diags.len())
        .filter(|&i| starts.contains(&diags[i].offset))
        .collect()
}

fn push_note(
    lines: &mut Vec<Line<'static>>,
    sev: Severity,
    code: Option<&str>,
    text: &str,
    theme: &Theme,
    (indent, w): (usize, usize),
) {
    let head = code.map_or_else(String::new, |c| format!("[{c}] "));
    for (i, part) in wrap(
        &escape(&format!("{head}{text}")),
        w.saturating_sub(indent + 2),
    )
    .into_iter()
    .enumerate()
    {
        let m = if i == 0 { mark(sev) } else { " " };
        lines.push(Line::from(vec![
            Span::raw(" ".repeat(indent)),
            Span::styled(format!("{m} {part}"), theme.severity(sev)),
        ]));
    }
}

/// The value of a field with what helps read it: a location's meaning, a command's
/// executable, "unused" for an agent id that no location reads.
fn value_spans(
    spec: &FieldSpec,
    value: Option<&str>,
    ctx: &Ctx<'_>,
    b: BlockRef,
    theme: &Theme,
    w: usize,
) -> Vec<Span<'static>> {
    let cfg = ctx.session.config();
    let room = w.saturating_sub(LABEL + 3);
    let Some(v) = value else {
        // modulesd verifies WPK packages unless told not to
        // (src/config/wmodules-agent-upgrade.c).
        let absent = if spec.field == Field::CaVerification {
            s::DEFAULT_YES
        } else if spec.widget() == Widget::Toggle {
            s::DEFAULT_NO
        } else {
            s::NOT_SET
        };
        return vec![Span::styled(absent, theme.dim())];
    };
    let shown = truncate(&show_value(v), room);
    let extra = match spec.widget() {
        Widget::Location => LOCATIONS
            .iter()
            .find(|(l, _)| *l == v)
            .map(|(_, m)| m.to_string()),
        Widget::CommandPicker => cfg
            .command(v)
            .and_then(|c| c.executable.as_ref())
            .map(|e| format!("runs {}", e.value)),
        _ if spec.field == Field::AgentId && !uses_agent(cfg, b) => {
            Some(s::AGENT_UNUSED.to_string())
        }
        _ if spec.field == Field::Expect && ctx.profile == Profile::Wazuh => {
            Some(s::EXPECT_IGNORED.to_string())
        }
        _ => match (ctx.rules, b) {
            (Some(rules), BlockRef::Response(_)) => field_count(rules, ctx.counts, spec.field, v),
            _ => None,
        },
    };
    let mut out = vec![Span::raw(shown.clone())];
    if let Some(x) = extra {
        let left = room.saturating_sub(shown.chars().count() + 2);
        if left > 6 {
            out.push(Span::styled(
                format!("  {}", truncate(&escape(&x), left)),
                theme.dim(),
            ));
        }
    }
    out
}

/// Below the fields: what the block does, in plain words.
fn summary_lines(
    doc: &Document,
    cfg: &Config,
    profile: Profile,
    b: BlockRef,
    rules: Option<(&RuleSet, &Counts)>,
    typed: Option<(Field, &str)>,
) -> Vec<String> {
    match b {
        BlockRef::Response(n) => {
            let Some(r) = cfg.response(n) else {
                return Vec::new();
            };
            let mut out = Vec::new();
            if cfg.kind == ConfigKind::Agent {
                // docs/choices.md: in an agent's file the block is execd's settings.
                out.push(s::AGENT_RESPONSE.to_string());
                if r.command.is_some() || r.location.is_some() {
                    out.push(s::AGENT_NOT_READ.to_string());
                }
                return out;
            }
            out.push(summary::predicate(r));
            if let Some((rules, counts)) = rules {
                // What is being typed counts already: the count is live.
                let value = |name: Field| match typed {
                    Some((field, v)) if field == name => Some(v).filter(|v| !v.is_empty()),
                    _ => r.value(name),
                };
                let n = counts.bound(
                    rules,
                    value(Field::Level),
                    value(Field::RulesGroup),
                    value(Field::RulesId),
                );
                out.push(n.map_or_else(s::binds_matching, s::binds));
            }
            if let Some(name) = summary::ar_name(doc, cfg, profile, r) {
                out.push(s::ar_name_line(&name));
            }
            if !r.unknown.is_empty() {
                out.push(s::OTHER_ELEMENTS.to_string());
            }
            out
        }
        BlockRef::Command(n) => {
            if cfg.command_at(n).is_none() {
                return Vec::new();
            }
            let mut out = vec![s::used_by(&super::form::command_users(cfg, n))];
            if cfg.kind == ConfigKind::Agent {
                out.push(s::AGENT_NOT_READ.to_string());
            }
            out
        }
    }
}
