//! Drawing `l` and `L` in the simulator pane: the prompt, the event's way through
//! the engine, the replay's progress and counts for the selected response
//! (docs/logs.md "In the editor").

use ratatui::text::{Line, Span};

use super::probe::Tone;
use super::sim::{LogsView, Prompt, Shown, SimPane};
use super::strings as s;
use super::text::{escape, truncate, wrap};
use super::theme::Theme;
use crate::model::Severity;
use crate::simulate::logs::LogCounts;

/// Source addresses shown for the selected response.
const TOP_SRCIPS: usize = 5;
/// Rules shown.
const TOP_RULES: usize = 3;

impl SimPane {
    /// The prompt line and where its cursor is (column), when the prompt is open.
    pub(crate) fn prompt_line(&self, theme: &Theme, w: usize) -> Option<(Line<'static>, usize)> {
        let (prompt, input) = self.prompt.as_ref()?;
        let label = match prompt {
            Prompt::Event => s::PROBE_PROMPT,
            Prompt::Log => s::LOGS_PROMPT,
        };
        let (shown, col) = input.view(w.saturating_sub(label.len() + 1));
        let line = Line::from(vec![Span::styled(label, theme.key()), Span::raw(shown)]);
        Some((line, label.len() + col))
    }

    /// The result that takes the rules' place, when one is shown.
    pub(crate) fn result_lines(&self, theme: &Theme, w: usize) -> Option<Vec<Line<'static>>> {
        match self.shown? {
            Shown::Probe => Some(self.probe_lines(theme, w)),
            Shown::Logs => Some(logs_lines(self.logs.as_ref()?, self.view.index, theme, w)),
        }
    }

    fn probe_lines(&self, theme: &Theme, w: usize) -> Vec<Line<'static>> {
        let mut out = Vec::new();
        for (tone, text) in &self.probe {
            let style = match tone {
                Tone::Head => theme.title(),
                Tone::Plain => ratatui::style::Style::default(),
                Tone::Dim => theme.dim(),
                Tone::Yes => theme.ok(),
                Tone::No => theme.severity(Severity::Warning),
            };
            // Wrapped lines keep the indent of the first.
            let body = text.trim_start();
            let indent = " ".repeat(text.len() - body.len());
            for l in wrap(&escape(body), w.saturating_sub(indent.len()))
                .into_iter()
                .take(4)
            {
                out.push(Line::styled(format!("{indent}{l}"), style));
            }
        }
        out.push(Line::styled(truncate(s::PROBE_KEYS, w), theme.dim()));
        out
    }
}

fn logs_lines(
    logs: &LogsView,
    index: Option<usize>,
    theme: &Theme,
    w: usize,
) -> Vec<Line<'static>> {
    let line = |text: String, style| Line::styled(truncate(&escape(&text), w), style);
    let plain = ratatui::style::Style::default();
    let c = match &logs.result {
        None => {
            let (lines, pct) = logs.progress;
            return vec![
                line(logs.path.clone(), theme.dim()),
                line(s::logs_progress(lines, pct), theme.key()),
            ];
        }
        Some(Err(why)) => {
            return vec![line(s::logs_failed(why), theme.severity(Severity::Warning))];
        }
        Some(Ok(c)) => c,
    };
    let mut out = vec![
        line(logs.path.clone(), theme.dim()),
        line(s::logs_totals(c.lines, c.undecoded, c.alerts), plain),
    ];
    if let Some(i) = index {
        selected(c, i, &mut out, theme, w);
    }
    if !c.rules.is_empty() {
        out.push(line(s::LOGS_TOP_RULES.to_string(), theme.title()));
    }
    for r in c.rules.iter().take(TOP_RULES) {
        out.push(line(
            format!("  rule {} (level {}): {} alerts", r.id, r.level, r.count),
            theme.dim(),
        ));
    }
    out
}

/// The counts of the selected response.
fn selected(c: &LogCounts, index: usize, out: &mut Vec<Line<'static>>, theme: &Theme, w: usize) {
    let line = |text: String, style| Line::styled(truncate(&escape(&text), w), style);
    let Some(e) = c.executions.iter().find(|e| e.index == index) else {
        out.push(line(
            s::logs_not_loaded(index),
            theme.severity(Severity::Warning),
        ));
        return;
    };
    let style = if e.count > 0 { theme.ok() } else { theme.dim() };
    out.push(line(s::logs_count(e.index, &e.name, e.count), style));
    let top = |m: &std::collections::BTreeMap<String, u64>, limit: usize| {
        let mut v: Vec<_> = m.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        v.iter()
            .take(limit)
            .map(|(k, n)| format!("{k}={n}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    if e.count > 0 {
        out.push(line(format!("  on: {}", top(&e.by_agent, 4)), theme.dim()));
        out.push(line(
            format!("  from: {}", top(&e.by_srcip, TOP_SRCIPS)),
            theme.dim(),
        ));
    }
}
