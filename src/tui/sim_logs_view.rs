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
use std::collections::BTreeMap;

use crate::simulate::Folded;
use crate::simulate::logs::LogCounts;

/// Targets shown for the selected response.
const TOP_AGENTS: usize = 4;
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
    if e.count > 0 {
        let on = top(&e.by_agent, e.other_agents, TOP_AGENTS);
        out.push(line(format!("  on: {on}"), theme.dim()));
        let from = top(&e.by_srcip, e.other_srcips, TOP_SRCIPS);
        out.push(line(format!("  from: {from}"), theme.dim()));
    }
}

/// The `limit` most counted keys, then how many more there are, as `simulate
/// --logs` prints them: "(+N)", or "(+about N)" once keys were folded past the cap
/// (docs/limits.md "Memory").
fn top(m: &BTreeMap<String, u64>, folded: Folded, limit: usize) -> String {
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let mut shown = v
        .iter()
        .take(limit)
        .map(|(k, n)| format!("{k}={n}"))
        .collect::<Vec<_>>()
        .join(" ");
    let more = v.len().saturating_sub(limit) as u64;
    if !folded.is_empty() {
        shown.push_str(&format!(" (+about {})", more + folded.distinct));
    } else if more > 0 {
        shown.push_str(&format!(" (+{more})"));
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::logs::LogExecution;

    fn keys(prefix: &str, n: u64) -> BTreeMap<String, u64> {
        (1..=n).map(|i| (format!("{prefix}{i}"), 10 + i)).collect()
    }

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn the_selected_response_says_how_many_keys_are_not_shown() {
        let exec = LogExecution {
            index: 1,
            name: "firewall-drop".into(),
            count: 30_200,
            // Six targets kept, 20,000 folded past the cap.
            by_agent: keys("a", 6),
            by_srcip: keys("10.0.0.", 7),
            other_agents: Folded {
                distinct: 20_000,
                executions: 30_000,
            },
            other_srcips: Folded::default(),
        };
        let c = LogCounts {
            lines: 40_000,
            undecoded: 0,
            alerts: 30_200,
            rules: Vec::new(),
            executions: vec![exec],
        };
        let mut out = Vec::new();
        selected(&c, 1, &mut out, &Theme::new(false), 200);
        assert_eq!(
            text(&out),
            [
                "#1 firewall-drop: 30200 runs in this log",
                // Four shown, two more kept and about 20,000 folded.
                "  on: a6=16 a5=15 a4=14 a3=13 (+about 20002)",
                // Five shown, two more kept, nothing folded: an exact count.
                "  from: 10.0.0.7=17 10.0.0.6=16 10.0.0.5=15 10.0.0.4=14 10.0.0.3=13 (+2)",
            ]
        );
    }

    #[test]
    fn nothing_is_added_when_every_key_is_shown() {
        assert_eq!(top(&keys("a", 2), Folded::default(), 4), "a2=12 a1=11");
    }
}
