//! The whole screen (docs/editor.md): list on the left, form on the right, a status line
//! and a hint line at the bottom, the popup on top. Reads `&App`, never changes it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::{App, Focus};
use super::pane::Pane;
use super::popup::hint_line;
use super::strings as s;
use super::text::{escape, truncate_with_details, width};
use crate::model::{ConfigKind, Severity};

/// The smallest usable terminal: one pane at a time (docs/terminals.md "Size").
pub const MIN_SIZE: (u16, u16) = (60, 15);

/// The smallest terminal with the list and the form side by side (docs/editor.md).
pub const TWO_PANES: (u16, u16) = (80, 24);

/// Rows of the panes from which the form and the simulator are shown together, one
/// above the other.
const STACKED_ROWS: u16 = 34;

/// Is the terminal below the minimum?
pub fn too_small(size: (u16, u16)) -> bool {
    size.0 < MIN_SIZE.0 || size.1 < MIN_SIZE.1
}

/// Is only one pane shown (the list, or the form / simulator), Tab switching?
pub fn one_pane(size: (u16, u16)) -> bool {
    !too_small(size) && (size.0 < TWO_PANES.0 || size.1 < TWO_PANES.1)
}

/// Rows the list shows at this terminal size (the list's scroll depends on it).
pub fn list_height(size: (u16, u16)) -> usize {
    usize::from(size.1.saturating_sub(2 + 2))
}

/// The list's share of the width.
fn panes(area: Rect) -> [Rect; 2] {
    let list = (area.width * 2 / 5).clamp(34, 56);
    Layout::horizontal([Constraint::Length(list), Constraint::Min(0)]).areas(area)
}

/// Draws the screen.
pub fn render(app: &App, f: &mut Frame) {
    let area = f.area();
    if too_small((area.width, area.height)) {
        let quitting = matches!(app.popup, Some(super::popup::Popup::QuitPrompt));
        render_too_small(f, area, quitting);
        return;
    }
    let [main, status, hints] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let ctx = app.ctx();
    let typing = app.popup.is_none();
    let right = if one_pane((area.width, area.height)) {
        (app.focus != Focus::List).then_some(main)
    } else {
        let [left, right] = panes(main);
        app.list
            .render(f, left, &ctx, app.focus == Focus::List && typing);
        Some(right)
    };
    match right {
        Some(right) => render_right(app, f, right, typing),
        None => app.list.render(f, main, &ctx, typing),
    }
    f.render_widget(
        Paragraph::new(status_line(app, status.width as usize)),
        status,
    );
    f.render_widget(Paragraph::new(hints_line(app, hints.width as usize)), hints);
    if let Some(p) = &app.popup {
        p.render(f, main, &ctx, true);
    }
}

/// The form of the selected block and the simulator, when open: one above the other
/// when there is room, else the one the focus is on (the simulator for the list).
fn render_right(app: &App, f: &mut Frame, area: Rect, typing: bool) {
    let ctx = app.ctx();
    let form = |f: &mut Frame, r: Rect| {
        let focused = app.focus == Focus::Form && typing;
        app.form.render(f, r, &ctx, focused);
    };
    let sim = |f: &mut Frame, r: Rect, sim: &super::sim::SimPane| {
        let focused = app.focus == Focus::Sim && typing;
        sim.render(f, r, &ctx, focused);
    };
    match &app.sim {
        Some(s) if area.height >= STACKED_ROWS => {
            let [top, bottom] =
                Layout::vertical([Constraint::Percentage(45), Constraint::Min(0)]).areas(area);
            form(f, top);
            sim(f, bottom, s);
        }
        Some(_) if app.focus == Focus::Form => form(f, area),
        Some(s) => sim(f, area, s),
        None => form(f, area),
    }
}

fn render_too_small(f: &mut Frame, area: Rect, quitting: bool) {
    let text = if quitting {
        s::QUIT_SMALL.to_string()
    } else {
        s::too_small(area.width, area.height, MIN_SIZE)
    };
    let lines: Vec<Line> = super::text::wrap(&text, area.width as usize)
        .into_iter()
        .map(Line::raw)
        .collect();
    let h = u16::try_from(lines.len()).unwrap_or(1).min(area.height);
    let y = area.y + (area.height - h) / 2;
    f.render_widget(
        Paragraph::new(lines),
        Rect {
            y,
            height: h,
            ..area
        },
    );
}

/// `…/etc/ossec.conf  manager · wazuh  modified  1 error, 2 warnings`: the path
/// gives way (from its left) so that the counts always fit.
fn status_line(app: &App, w: usize) -> Line<'static> {
    let theme = &app.theme;
    let cfg = app.session.config();
    let kind = match cfg.kind {
        _ if super::shared::is_centralized(cfg) => s::CENTRALIZED,
        ConfigKind::Manager => s::MANAGER,
        ConfigKind::Agent => s::AGENT,
    };
    let count = |sev| app.diags.iter().filter(|d| d.severity == sev).count();
    let (e, wn) = (count(Severity::Error), count(Severity::Warning));
    let style = |n: usize, sev| {
        if n > 0 {
            theme.severity(sev)
        } else {
            theme.dim()
        }
    };
    let rules = app
        .rules
        .as_ref()
        .map_or_else(|| s::NO_RULES.to_string(), |r| s::rules_loaded(r.len()));
    let partial = if app.findings_pending.is_some() {
        s::RULES_MATCHING
    } else if app.rule_checks_partial() {
        s::RULES_SELECTED_ONLY
    } else {
        ""
    };
    let mut right = vec![Span::raw(format!(
        "  {kind} · {} · {rules}{partial} ",
        app.profile.as_str()
    ))];
    if app.is_modified() {
        right.push(Span::styled(s::MODIFIED, theme.selected()));
    }
    right.push(Span::raw(" "));
    right.push(Span::styled(
        s::count(e, "error"),
        style(e, Severity::Error),
    ));
    right.push(Span::raw(", "));
    right.push(Span::styled(
        s::count(wn, "warning"),
        style(wn, Severity::Warning),
    ));
    let used: usize = right.iter().map(|s| width(&s.content)).sum();
    let path = escape(&app.path.display().to_string());
    let mut spans = vec![Span::styled(
        format!(" {}", truncate_left(&path, w.saturating_sub(used + 1))),
        theme.title(),
    )];
    spans.extend(right);
    Line::from(spans)
}

/// Keeps the end of `s` (the file name matters most), `~` marking the cut.
fn truncate_left(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let tail: String = s.chars().skip(n + 1 - max.max(1)).collect();
    format!("~{tail}")
}

/// The notice of the last key, or the keys of the current mode.
fn hints_line(app: &App, w: usize) -> Line<'static> {
    let theme = &app.theme;
    if let Some(n) = &app.notice {
        let style = if n.error {
            theme.severity(Severity::Error)
        } else {
            theme.ok()
        };
        return Line::styled(
            format!(
                " {}",
                truncate_with_details(&escape(&n.text), w.saturating_sub(1))
            ),
            style,
        );
    }
    let mut line = hint_line(app.mode(), theme);
    if one_pane(app.size) && app.mode() == super::keys::Mode::Browse {
        // One pane at a time: say how to reach the other first.
        let (key, word) = match (app.focus, app.sim.is_some()) {
            (Focus::List, false) => ("Tab", s::PANE_FORM),
            (Focus::List, true) => ("Tab", s::PANE_SIM),
            _ => ("Esc", s::PANE_LIST),
        };
        let mut first = vec![
            Span::styled(key, theme.key()),
            Span::raw(format!(" {word}  ")),
        ];
        first.append(&mut line.spans);
        line.spans = first;
    }
    // Drop hints from the right until the line fits.
    while width(
        &line
            .spans
            .iter()
            .map(|s| s.content.as_ref())
            .collect::<String>(),
    ) + 1
        > w
        && line.spans.len() > 3
    {
        line.spans.truncate(line.spans.len() - 3);
    }
    line.spans.insert(0, Span::raw(" "));
    line
}
