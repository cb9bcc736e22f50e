//! Drawing the simulator pane: the event, the rules that trigger the response
//! (filterable, one highlighted), and what firing the highlighted rule does.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::sim::{SimPane, SimView};
use super::strings as s;
use super::text::{escape, truncate, wrap};
use super::theme::{Theme, mark};
use crate::model::Severity;
use crate::simulate::{Execution, Message};

impl SimPane {
    /// Draws the pane into the form's place.
    pub(super) fn draw(
        &self,
        f: &mut Frame,
        area: Rect,
        has_rules: bool,
        theme: &Theme,
        focused: bool,
    ) {
        let v = &self.view;
        let title = match v.index {
            Some(n) => s::sim_title(n, (has_rules && !v.matching).then_some(v.total)),
            None => s::SIM_TITLE.to_string(),
        };
        let inner = theme.pane(f, area, title, focused);
        let w = inner.width as usize;
        let mut lines = self.head(has_rules, theme, w);
        if let Some((line, col)) = self.prompt_line(theme, w) {
            let y = inner.y + u16::try_from(lines.len()).unwrap_or(0);
            lines.push(line);
            f.set_cursor_position((inner.x + u16::try_from(col).unwrap_or(0), y));
        }
        if let Some(result) = self.result_lines(theme, w) {
            lines.extend(result);
            f.render_widget(Paragraph::new(lines), inner);
            return;
        }
        if v.index.is_none() || v.inactive.is_some() || !has_rules {
            f.render_widget(Paragraph::new(lines), inner);
            return;
        }
        let filter_line = lines.len();
        self.rule_lines(&mut lines, inner, theme);
        let used = lines.len();
        let rule = v.rows.get(self.at).map(|r| r.id);
        let details = details(v, rule, theme, w);
        let room = (inner.height as usize).saturating_sub(used);
        let scroll = self.scroll.min(details.len().saturating_sub(room));
        lines.extend(details.into_iter().skip(scroll).take(room));
        f.render_widget(Paragraph::new(lines), inner);
        if let Some(input) = &self.typing {
            let (_, col) = input.view(w.saturating_sub(2));
            let y = inner.y + u16::try_from(filter_line).unwrap_or(0);
            f.set_cursor_position((inner.x + 2 + col as u16, y));
        }
    }

    /// The event, then why there is nothing to list (no response, a block that
    /// yields nothing, no rules) and the binding's notes.
    fn head(&self, has_rules: bool, theme: &Theme, w: usize) -> Vec<Line<'static>> {
        let v = &self.view;
        let e = &self.event;
        let event = s::event_line(&e.agent, &e.srcip, &e.user);
        let mut lines = vec![Line::styled(truncate(&escape(&event), w), theme.dim())];
        let mut note = |sev: Severity, text: &str| {
            for (i, l) in wrap(&escape(text), w.saturating_sub(2))
                .into_iter()
                .enumerate()
            {
                let m = if i == 0 { mark(sev) } else { " " };
                lines.push(Line::styled(format!("{m} {l}"), theme.severity(sev)));
            }
        };
        match (v.index, &v.inactive) {
            (None, _) => note(Severity::Note, s::SIM_SELECT_RESPONSE),
            (Some(_), Some(why)) => note(Severity::Warning, &s::yields_nothing(why)),
            (Some(_), None) if !has_rules => note(Severity::Note, s::RULE_COUNTS_NEED_RULES),
            _ => {}
        }
        for n in &v.notes {
            note(Severity::Warning, n);
        }
        lines
    }

    /// The filter line, then about a third of the height of rule rows around the
    /// highlighted one.
    fn rule_lines(&self, lines: &mut Vec<Line<'static>>, inner: Rect, theme: &Theme) {
        let w = inner.width as usize;
        let v = &self.view;
        if let Some(input) = &self.typing {
            let (shown, _) = input.view(w.saturating_sub(2));
            lines.push(Line::from(vec![
                Span::styled("/ ", theme.key()),
                Span::raw(shown),
            ]));
        } else if !self.filter.is_empty() {
            lines.push(Line::styled(
                format!("/ {}", truncate(&escape(&self.filter), w.saturating_sub(2))),
                theme.key(),
            ));
        }
        if v.matching {
            lines.push(Line::styled(s::MATCHING, theme.dim()));
            return;
        }
        if v.rows.is_empty() {
            lines.push(Line::styled(
                s::NO_RULE_TRIGGERS,
                theme.severity(Severity::Warning),
            ));
            return;
        }
        let rows = ((inner.height as usize) / 3).max(3).min(v.rows.len());
        let offset = (self.at + 1).saturating_sub(rows);
        for (i, r) in v.rows.iter().enumerate().skip(offset).take(rows) {
            let on = i == self.at;
            let text = format!(
                "{} {:>6} {:>2} {}",
                if on { ">" } else { " " },
                r.id,
                r.level,
                r.description
            );
            let line = Line::raw(truncate(&escape(&text), w));
            lines.push(if on {
                line.style(theme.selected())
            } else {
                line
            });
        }
    }
}

/// What firing the highlighted rule does for this response.
fn details(v: &SimView, rule: Option<u32>, theme: &Theme, w: usize) -> Vec<Line<'static>> {
    let (Some(x), Some(rule)) = (v.fired.as_ref(), rule) else {
        return vec![Line::styled(s::NOT_FIRED, theme.dim())];
    };
    let x: &Execution = x;
    let mut out = vec![Line::styled(
        truncate(&s::fired_header(rule), w),
        theme.dim(),
    )];
    let mut push = |text: String| {
        for l in wrap(&escape(&text), w) {
            out.push(Line::raw(l));
        }
    };
    push(s::runs_on(&x.runs_on));
    push(s::ar_name_line(&x.name));
    // A response that runs nowhere (a white-listed source IP, no agent to run on)
    // has nothing to undo: its timeout does not apply (docs/wazuh-config.md §5.1).
    if x.runs_on.is_empty() {
        push(s::NOTHING_TO_UNDO_NOT_RUN.to_string());
    } else {
        push(s::delete_after(x.delete_after));
        if x.schedule.len() > 1 {
            push(s::schedule(&x.schedule));
        }
    }
    for n in &x.notes {
        for (i, l) in wrap(&escape(n), w.saturating_sub(2))
            .into_iter()
            .enumerate()
        {
            let bullet = if i == 0 { "- " } else { "  " };
            out.push(Line::styled(format!("{bullet}{l}"), theme.dim()));
        }
    }
    if let Some(m) = &x.message {
        out.push(Line::styled(s::MESSAGE_HEADER, theme.title()));
        let text = match m {
            Message::Json(j) => serde_json::to_string_pretty(j).unwrap_or_default(),
            Message::Text(t) => t.clone(),
        };
        for l in text.lines() {
            out.push(Line::raw(truncate(&escape(l), w)));
        }
    }
    out
}
