//! Drawing the guided creation: a title with the step, what was chosen so far and
//! the step itself (its keys are in the hint bar).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::frame;
use super::wizard::{Review, Step, Wizard};
use crate::model::Field;
use crate::model::Severity;
use crate::tui::app::Ctx;
use crate::tui::strings as s;
use crate::tui::summary::predicate_of;
use crate::tui::text::{escape, expand_tabs, truncate, wrap};
use crate::tui::theme::{Theme, mark};

fn number(step: Step) -> (usize, &'static str) {
    match step {
        Step::Command => (1, s::STEP_COMMAND),
        Step::Trigger => (2, s::STEP_TRIGGER),
        Step::Location => (3, s::STEP_LOCATION),
        Step::Agent => (3, s::STEP_AGENT),
        Step::Timing => (4, s::STEP_TIMING),
        Step::Review => (5, s::STEP_REVIEW),
    }
}

impl Wizard {
    /// Draws the current step.
    pub(super) fn draw(&self, f: &mut Frame, area: Rect, ctx: &Ctx<'_>, theme: &Theme) {
        let (n, name) = number(self.step);
        let title = s::wizard_title(n, name);
        let inner = frame(f, area, &title, 100, area.height.saturating_sub(2), theme);
        let w = inner.width as usize;
        // The review's diff says it all and needs the room.
        let so_far = if self.step == Step::Review {
            Vec::new()
        } else {
            self.so_far()
        };
        let top = u16::try_from(so_far.len()).unwrap_or(0);
        let lines: Vec<Line> = so_far
            .into_iter()
            .map(|l| Line::styled(truncate(&escape(&l), w), theme.dim()))
            .collect();
        f.render_widget(
            Paragraph::new(lines),
            Rect {
                height: top,
                ..inner
            },
        );
        let gap = u16::from(top > 0);
        let body = Rect {
            y: inner.y + top + gap,
            height: inner.height.saturating_sub(top + gap),
            ..inner
        };
        self.render_step(f, body, ctx, theme);
        if let Some((field, menu)) = &self.picker {
            let h = (menu.height() + 2).min(area.height.saturating_sub(2));
            let inner = frame(f, area, s::rules_title(*field), 90, h, theme);
            menu.render(f, inner, theme);
        }
    }

    /// One line per step already done.
    fn so_far(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.step == Step::Command {
            out.push(s::WIZARD_INTRO.to_string());
            return out;
        }
        let cmd = self.command_name().unwrap_or_default();
        let new = if self.builtin.is_some() {
            s::WIZARD_NEW_COMMAND
        } else {
            ""
        };
        out.push(format!("{}{cmd}{new}", s::WIZARD_COMMAND));
        if matches!(self.step, Step::Trigger) {
            return out;
        }
        out.push(format!("{}{}", s::WIZARD_TRIGGER, self.predicate()));
        if matches!(self.step, Step::Location) {
            return out;
        }
        let mut loc = self.location_value().to_string();
        if loc == "defined-agent" && self.step != Step::Agent {
            loc = format!("{loc} {}", self.agent.field_value(Field::AgentId));
        }
        out.push(format!("{}{loc}", s::WIZARD_LOCATION));
        out
    }

    fn predicate(&self) -> String {
        let v = |field| Some(self.trigger.field_value(field)).filter(|v| !v.is_empty());
        predicate_of(v(Field::Level), v(Field::RulesGroup), v(Field::RulesId))
    }

    fn render_step(&self, f: &mut Frame, area: Rect, ctx: &Ctx<'_>, theme: &Theme) {
        let name = self.command_name();
        let cc = self.check_ctx(ctx, name.as_deref());
        let w = area.width as usize;
        let (used, notes): (u16, Vec<(Severity, String)>) = match self.step {
            Step::Command | Step::Location => {
                let menu = if self.step == Step::Command {
                    &self.command
                } else {
                    &self.location
                };
                menu.render(f, area, theme);
                (menu.height(), Vec::new())
            }
            Step::Trigger => {
                let h = self.trigger.render(f, area, &cc, theme);
                (h, self.trigger_notes(ctx))
            }
            Step::Agent => (self.agent.render(f, area, &cc, theme), Vec::new()),
            Step::Timing => {
                let h = self.timing.render(f, area, &cc, theme);
                (h, vec![(Severity::Note, s::TIMING_NOTE.to_string())])
            }
            Step::Review => {
                self.render_review(f, area, theme);
                return;
            }
        };
        let mut lines = Vec::new();
        for (sev, text) in notes {
            for (i, l) in wrap(&escape(&text), w.saturating_sub(2))
                .into_iter()
                .enumerate()
            {
                let m = if i == 0 { mark(sev) } else { " " };
                lines.push(Line::from(vec![
                    Span::styled(format!("{m} "), theme.severity(sev)),
                    Span::raw(l),
                ]));
            }
        }
        let rest = Rect {
            y: area.y + used + 1,
            height: area.height.saturating_sub(used + 1),
            ..area
        };
        f.render_widget(Paragraph::new(lines), rest);
    }

    /// The predicate in plain words and warnings about surprising combinations
    /// (docs/wazuh-config.md §4.2, §10 pitfalls 2 and 16).
    fn trigger_notes(&self, ctx: &Ctx<'_>) -> Vec<(Severity, String)> {
        let has = |field| !self.trigger.field_value(field).is_empty();
        let mut out = vec![(Severity::Note, self.predicate())];
        if has(Field::Level) && has(Field::RulesGroup) {
            out.push((Severity::Warning, s::LEVEL_AND_GROUP.to_string()));
        }
        if has(Field::RulesId) && (has(Field::Level) || has(Field::RulesGroup)) {
            out.push((Severity::Warning, s::IDS_ARE_OR.to_string()));
        }
        match ctx.rules {
            Some(rules) => {
                let v = |field| Some(self.trigger.field_value(field)).filter(|v| !v.is_empty());
                let n = ctx.counts.bound(
                    rules,
                    v(Field::Level),
                    v(Field::RulesGroup),
                    v(Field::RulesId),
                );
                let sev = if n == Some(0) {
                    Severity::Warning
                } else {
                    Severity::Note
                };
                out.push((sev, n.map_or_else(s::binds_matching, s::binds)));
                out.push((Severity::Note, s::PICK_RULES_HINT.to_string()));
            }
            None => out.push((Severity::Note, s::RULE_COUNTS_NEED_RULES.to_string())),
        }
        out
    }

    fn render_review(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        if let Some(review) = &self.review {
            render_review(review, f, area, theme);
        }
    }
}

/// The diff of a review step (or why the edits cannot be made), scrolled.
pub(crate) fn render_review(review: &Review, f: &mut Frame, area: Rect, theme: &Theme) {
    let w = area.width as usize;
    let rows = area.height as usize;
    let lines: Vec<Line> = match &review.diff {
        Err(why) => wrap(&escape(why), w)
            .into_iter()
            .map(|l| Line::styled(l, theme.severity(Severity::Error)))
            .collect(),
        Ok(diff) => {
            // The file names are in the title already; keep the hunks.
            let all: Vec<&str> = diff.lines().skip(2).collect();
            let scroll = review.scroll.min(all.len().saturating_sub(rows));
            let more = all.len().saturating_sub(scroll + rows);
            let take = if more > 0 {
                rows.saturating_sub(1)
            } else {
                rows
            };
            let mut out: Vec<Line> = all
                .iter()
                .skip(scroll)
                .take(take)
                .map(|l| diff_line(l, w, theme))
                .collect();
            if more > 0 {
                out.push(Line::styled(
                    s::more_below(all.len() - scroll - take),
                    theme.key(),
                ));
            }
            out
        }
    };
    f.render_widget(Paragraph::new(lines), area);
}

/// A diff line, green when added, red when removed.
pub(crate) fn diff_line(l: &str, w: usize, theme: &Theme) -> Line<'static> {
    let style = match l.as_bytes().first() {
        Some(b'+') if !l.starts_with("+++") => theme.added(),
        Some(b'-') if !l.starts_with("---") => theme.removed(),
        Some(b'@') => theme.dim(),
        _ => ratatui::style::Style::new(),
    };
    Line::styled(truncate(&escape(&expand_tabs(l)), w), style)
}
