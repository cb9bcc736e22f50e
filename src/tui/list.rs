//! The block list (left pane): commands, then responses, each response with its
//! `#N command -> location`, trigger, timeout and a mark for its worst finding.
//! `/` filters it.

use std::collections::HashMap;

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::{Ctx, Focus, Msg};
use super::input::{Input, MAX_PASTE, pasted, type_filter};
use super::keys::{Action, Mode};
use super::pane::Pane;
use super::strings as s;
use super::summary;
use super::text::{escape, truncate, truncate_with_details};
use super::theme::{Theme, mark};
use crate::model::{
    BlockRef, Config, ConfigKind, Diagnostic, Field, Placement, Response, Severity,
};
use crate::xml::Document;

/// Selection, scroll and filter of the list.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListPane {
    /// The selected block.
    pub(crate) selected: Option<BlockRef>,
    /// First visible line.
    pub(crate) offset: usize,
    /// The filter in force (empty: none).
    pub(crate) filter: String,
    /// The filter being typed.
    pub(crate) typing: Option<Input>,
}

/// One screen line of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListLine {
    /// "Commands (5)".
    CommandsHeader,
    /// "Responses (5)".
    ResponsesHeader,
    /// Nothing matches in a section.
    Empty,
    /// A block's first (0) or second (1) line.
    Row(BlockRef, u8),
}

/// The text a filter is matched against, and the command line of the list.
fn command_text(cfg: &Config, n: usize) -> String {
    let Some(c) = cfg.command_at(n) else {
        return String::new();
    };
    let name = c.name().unwrap_or("(no name)");
    match c.executable.as_ref().map(|f| f.value.as_str()) {
        Some(exe) if exe == name => name.to_string(),
        Some(exe) => format!("{name}: {exe}"),
        None => format!("{name}: (no executable)"),
    }
}

fn response_head(cfg: &Config, n: usize) -> String {
    let Some(r) = cfg.response(n) else {
        return String::new();
    };
    if is_execd_block(cfg, r) {
        return format!("#{} {}", r.index, s::EXECD_SETTINGS);
    }
    if matches!(r.placement, Placement::AgentConfig(_)) && r.command.is_none() {
        return format!("#{} {}", r.index, s::SHARED_BLOCK);
    }
    let loc = match (r.value(Field::Location), r.value(Field::AgentId)) {
        (Some("defined-agent"), Some(a)) => format!("agent {a}"),
        (Some(l), _) => l.to_string(),
        (None, _) => "?".to_string(),
    };
    format!("#{} {} -> {loc}", r.index, r.command_name().unwrap_or("?"))
}

/// In an agent's file, a block without command and location holds execd's
/// settings (docs/choices.md): it is shown as such, not as a response that fires on nothing.
fn is_execd_block(cfg: &Config, r: &Response) -> bool {
    cfg.kind == ConfigKind::Agent && r.command.is_none() && r.location.is_none()
}

fn response_tail(cfg: &Config, n: usize) -> String {
    let Some(r) = cfg.response(n) else {
        return String::new();
    };
    if is_execd_block(cfg, r) {
        let state = if r.is_disabled() { s::AR_OFF } else { s::AR_ON };
        return match r.value(Field::RepeatedOffenders) {
            Some(ro) => format!("   {state}, repeated offenders {ro}"),
            None => format!("   {state}"),
        };
    }
    let off = if r.is_disabled() { "disabled, " } else { "" };
    format!("   {off}{}, {}", summary::trigger(r), summary::timeout(r))
}

impl ListPane {
    /// Is the filter being typed?
    pub(crate) fn typing(&self) -> bool {
        self.typing.is_some()
    }

    /// The blocks shown, in order: commands then responses, filtered.
    pub(crate) fn rows(&self, cfg: &Config) -> Vec<BlockRef> {
        let commands = (1..=cfg.commands.len()).map(BlockRef::Command);
        let responses = (1..=cfg.responses.len()).map(BlockRef::Response);
        if self.filter.is_empty() {
            return commands.chain(responses).collect();
        }
        let needle = self.filter.to_lowercase();
        let keep = |b: &BlockRef| {
            let text = match *b {
                BlockRef::Command(n) => command_text(cfg, n),
                BlockRef::Response(n) => {
                    format!("{} {}", response_head(cfg, n), response_tail(cfg, n))
                }
            };
            text.to_lowercase().contains(&needle)
        };
        commands.chain(responses).filter(keep).collect()
    }

    /// The screen lines for these rows.
    pub(crate) fn lines(rows: &[BlockRef]) -> Vec<ListLine> {
        let split = rows.partition_point(|b| matches!(b, BlockRef::Command(_)));
        let mut out = vec![ListLine::CommandsHeader];
        out.extend(rows[..split].iter().map(|b| ListLine::Row(*b, 0)));
        if split == 0 {
            out.push(ListLine::Empty);
        }
        out.push(ListLine::ResponsesHeader);
        for b in &rows[split..] {
            out.extend([ListLine::Row(*b, 0), ListLine::Row(*b, 1)]);
        }
        if split == rows.len() {
            out.push(ListLine::Empty);
        }
        out
    }

    /// Selects the first block (or none in an empty file).
    pub(crate) fn select_first(&mut self, cfg: &Config) {
        self.selected = self.rows(cfg).first().copied();
        self.offset = 0;
    }

    /// Keeps the selection on a block that exists after an edit or undo.
    pub(crate) fn clamp(&mut self, cfg: &Config) {
        let (nc, nr) = (cfg.commands.len(), cfg.responses.len());
        self.selected = match self.selected {
            Some(BlockRef::Response(n)) if n > nr => (nr > 0)
                .then_some(BlockRef::Response(nr))
                .or((nc > 0).then_some(BlockRef::Command(nc))),
            Some(BlockRef::Command(n)) if n > nc => (nc > 0)
                .then_some(BlockRef::Command(nc))
                .or((nr > 0).then_some(BlockRef::Response(1))),
            None => self.rows(cfg).first().copied(),
            keep => keep,
        };
    }

    /// Scrolls so that the selected block's lines are on screen.
    pub(crate) fn keep_in_view(&mut self, cfg: &Config, height: usize) {
        let lines = Self::lines(&self.rows(cfg));
        let height = height.max(1);
        self.offset = self.offset.min(lines.len().saturating_sub(height));
        let Some(sel) = self.selected else { return };
        let Some(first) = lines.iter().position(|l| *l == ListLine::Row(sel, 0)) else {
            return;
        };
        let last = lines
            .iter()
            .rposition(|l| matches!(l, ListLine::Row(b, _) if *b == sel))
            .unwrap_or(first);
        // Show the section header above the first row of a section too.
        let top = if first > 0 && !matches!(lines[first - 1], ListLine::Row(..)) {
            first - 1
        } else {
            first
        };
        if top < self.offset {
            self.offset = top;
        } else if last >= self.offset + height {
            self.offset = last + 1 - height;
        }
    }

    /// Browse-mode actions with the list focused.
    fn browse(&mut self, a: Action, ctx: &Ctx<'_>) -> Vec<Msg> {
        let cfg = ctx.session.config();
        let rows = self.rows(cfg);
        let at = self
            .selected
            .and_then(|s| rows.iter().position(|r| *r == s));
        let last = rows.len().saturating_sub(1);
        let to = |i: usize| rows.get(i).map(|b| Msg::Select(*b)).into_iter().collect();
        match a {
            Action::Up => to(at.map_or(0, |i| i.saturating_sub(1))),
            Action::Down => to(at.map_or(0, |i| (i + 1).min(last))),
            Action::PageUp => to(at.map_or(0, |i| i.saturating_sub(10))),
            Action::PageDown => to(at.map_or(0, |i| (i + 10).min(last))),
            Action::Top => to(0),
            Action::Bottom => to(last),
            Action::Enter | Action::NextPane | Action::PrevPane if self.selected.is_some() => {
                vec![Msg::Focus(Focus::Form)]
            }
            Action::Cancel if !self.filter.is_empty() => {
                self.filter.clear();
                Vec::new()
            }
            Action::Cancel => vec![Msg::Info(s::ESC_NEVER_QUITS.into())],
            Action::Unset => vec![Msg::Info(s::UNSET_IN_FORM.into())],
            _ => Vec::new(),
        }
    }

    /// `/`: start typing a filter (the current one is kept for editing).
    pub(crate) fn start_filter(&mut self) {
        self.typing = Some(Input::new(&self.filter));
    }

    /// Stops typing, keeping the filter.
    pub(crate) fn stop_filter(&mut self) {
        self.typing = None;
    }

    /// After the filter changed, select the first visible block if needed.
    fn follow_filter(&mut self, cfg: &Config) {
        let rows = self.rows(cfg);
        if !self.selected.is_some_and(|s| rows.contains(&s)) {
            self.selected = rows.first().copied().or(self.selected);
        }
    }

    fn filter_line(&self, theme: &Theme, width: usize) -> Line<'static> {
        match &self.typing {
            Some(input) => {
                let (shown, _) = input.view(width.saturating_sub(2));
                Line::from(vec![Span::styled("/ ", theme.key()), Span::raw(shown)])
            }
            None => Line::from(vec![
                Span::styled("/ ", theme.key()),
                Span::raw(truncate(&escape(&self.filter), width.saturating_sub(16))),
                Span::styled(s::FILTER_CLEAR_HINT, theme.dim()),
            ]),
        }
    }

    fn line(
        &self,
        l: ListLine,
        (doc, cfg): (&Document, &Config),
        marks: &HashMap<BlockRef, Severity>,
        theme: &Theme,
        width: usize,
    ) -> Line<'static> {
        match l {
            ListLine::CommandsHeader => {
                Line::styled(s::section(s::COMMANDS, cfg.commands.len()), theme.title())
            }
            ListLine::ResponsesHeader => {
                Line::styled(s::section(s::RESPONSES, cfg.responses.len()), theme.title())
            }
            ListLine::Empty => Line::styled(s::NONE_MATCH, theme.dim()),
            ListLine::Row(b, part) => {
                let selected = self.selected == Some(b);
                let pointer = if selected && part == 0 { ">" } else { " " };
                let m = marks.get(&b).map_or(" ", |s| mark(*s));
                let text = match (b, part) {
                    (BlockRef::Command(n), _) => command_text(cfg, n),
                    (BlockRef::Response(n), 0) => response_head(cfg, n),
                    // In a shared agent.conf, the agents the block is meant for.
                    (BlockRef::Response(n), _) => cfg
                        .response(n)
                        .and_then(|r| super::shared::target(doc, cfg, r.placement))
                        .map_or_else(|| response_tail(cfg, n), |t| format!("   {t}")),
                };
                let body = truncate(&escape(&text), width.saturating_sub(4));
                let mark_style = marks.get(&b).map_or(theme.dim(), |s| theme.severity(*s));
                let mark_span = if part == 0 {
                    Span::styled(m, mark_style)
                } else {
                    Span::raw(" ")
                };
                let line = Line::from(vec![
                    Span::raw(pointer),
                    mark_span,
                    Span::raw(" "),
                    Span::raw(body),
                ]);
                let dim = matches!(b, BlockRef::Response(n) if cfg.response(n).is_some_and(|r| r.is_disabled()));
                match (selected, dim) {
                    (true, _) => line.style(theme.selected()),
                    (false, true) => line.style(theme.dim()),
                    _ => line,
                }
            }
        }
    }
}

impl Pane for ListPane {
    fn mode(&self) -> Mode {
        if self.typing() {
            Mode::Edit
        } else {
            Mode::Browse
        }
    }

    fn captures(&self) -> bool {
        self.typing()
    }

    /// While the filter is typed it applies as you type; else the list's moves.
    fn handle(&mut self, a: Option<Action>, k: &KeyEvent, ctx: &Ctx<'_>) -> Vec<Msg> {
        if self.typing() {
            type_filter(&mut self.typing, &mut self.filter, a, k);
            self.follow_filter(ctx.session.config());
            return Vec::new();
        }
        a.map_or_else(Vec::new, |a| self.browse(a, ctx))
    }

    /// A paste into the filter being typed, at once.
    fn paste(&mut self, text: &str, ctx: &Ctx<'_>) -> Option<Vec<Msg>> {
        let input = self.typing.as_mut()?;
        let cut = input.paste(text, MAX_PASTE);
        self.filter = input.value().to_string();
        self.follow_filter(ctx.session.config());
        Some(pasted(cut))
    }

    /// Draws the list.
    fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx<'_>, focused: bool) {
        let theme = ctx.theme;
        let cfg = ctx.session.config();
        let rows = self.rows(cfg);
        let marks = worst_by_block(ctx.diags);
        let title = match (&self.typing, self.filter.is_empty()) {
            (Some(_), _) | (None, false) => s::list_title_filtered(rows.len()),
            (None, true) => s::LIST_TITLE.to_string(),
        };
        let inner = theme.pane(f, area, title, focused);
        let (filter_rows, body) = if self.typing.is_some() || !self.filter.is_empty() {
            (1, 1)
        } else {
            (0, 0)
        };
        let width = inner.width as usize;
        let file = file_findings(ctx.diags);
        let file_rows = usize::from(!file.is_empty());
        let height = (inner.height as usize).saturating_sub(body + file_rows);
        let lines = Self::lines(&rows);
        let shown: Vec<Line> = lines
            .iter()
            .skip(self.offset)
            .take(height)
            .map(|l| self.line(*l, (ctx.session.doc(), cfg), &marks, theme, width))
            .collect();
        let mut text = Vec::with_capacity(height + 2);
        if filter_rows == 1 {
            text.push(self.filter_line(theme, width));
        }
        if let Some(first) = file.first() {
            text.push(file_line(first, file.len(), ctx, theme, width));
        }
        text.extend(shown);
        f.render_widget(Paragraph::new(text), inner);
        if let Some(input) = &self.typing {
            let (_, col) = input.view(width.saturating_sub(2));
            f.set_cursor_position((inner.x + 2 + col as u16, inner.y));
        }
    }
}

/// The findings about no block (XML syntax, the file as a whole), warnings and
/// errors: the list's top line shows them, the block marks cannot.
pub(crate) fn file_findings(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    let mut out: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.block.is_none() && d.severity > Severity::Note)
        .collect();
    // The worst first; in the same severity, the first in the file (for XML, where
    // the daemon stops).
    out.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.offset.cmp(&b.offset)));
    out
}

/// `E file, line 12 (+2 more): message`.
fn file_line(
    d: &Diagnostic,
    count: usize,
    ctx: &Ctx<'_>,
    theme: &Theme,
    width: usize,
) -> Line<'static> {
    let (line, _) = ctx.session.doc().line_col(d.offset);
    let text = s::file_finding(line, &d.message, count - 1);
    Line::from(vec![
        Span::raw(" "),
        Span::styled(mark(d.severity), theme.severity(d.severity)),
        Span::raw(" "),
        Span::styled(
            truncate_with_details(&escape(&text), width.saturating_sub(3)),
            theme.severity(d.severity),
        ),
    ])
}

/// The worst finding of each block.
pub(crate) fn worst_by_block(diags: &[Diagnostic]) -> HashMap<BlockRef, Severity> {
    let mut out: HashMap<BlockRef, Severity> = HashMap::new();
    for d in diags.iter().filter(|d| d.severity > Severity::Note) {
        if let Some(b) = d.block {
            let e = out.entry(b).or_insert(d.severity);
            *e = (*e).max(d.severity);
        }
    }
    out
}
