//! The diff shown before saving (docs/editor.md "Saving" step 2): `y` writes; errors the edits
//! added block it unless the user saves anyway (visudo's choice).

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::frame;
use crate::model::Severity;
use crate::tui::app::{Ctx, Effect, Msg};
use crate::tui::keys::{Action, Mode};
use crate::tui::pane::Pane;
use crate::tui::strings as s;
use crate::tui::text::{escape, wrap};

/// The diff, the new errors and the scroll.
#[derive(Debug, Clone)]
pub(crate) struct Preview {
    /// The unified diff.
    pub(crate) diff: String,
    /// Messages of the errors the edits added.
    pub(crate) errors: Vec<String>,
    /// First diff line shown.
    pub(crate) scroll: usize,
}

impl Preview {
    /// A preview of `diff`.
    pub(crate) fn new(diff: String, errors: Vec<String>) -> Preview {
        Preview {
            diff,
            errors,
            scroll: 0,
        }
    }
}

impl Pane for Preview {
    fn mode(&self) -> Mode {
        if self.errors.is_empty() {
            Mode::Preview
        } else {
            Mode::Blocked
        }
    }

    fn captures(&self) -> bool {
        true
    }

    /// `y` writes (unless blocked), `!` writes anyway, `n`/Esc go back.
    fn handle(&mut self, a: Option<Action>, _k: &KeyEvent, ctx: &Ctx<'_>) -> Vec<Msg> {
        let save = || {
            Msg::Effect(Effect::Save {
                text: ctx.session.source().to_string(),
                expected: ctx.session.original().to_string(),
            })
        };
        match a {
            Some(Action::Yes) if self.errors.is_empty() => return vec![save()],
            Some(Action::Yes) => return vec![Msg::Error(s::save_blocked(self.errors.len()))],
            Some(Action::SaveAnyway) => return vec![save()],
            Some(Action::No | Action::Cancel) => return vec![Msg::Close],
            Some(Action::Up) => self.scroll = self.scroll.saturating_sub(1),
            Some(Action::Down) => self.scroll += 1,
            Some(Action::PageUp) => self.scroll = self.scroll.saturating_sub(10),
            Some(Action::PageDown) => self.scroll += 10,
            Some(Action::Top) => self.scroll = 0,
            Some(Action::Bottom) => self.scroll = self.diff.lines().count(),
            _ => {}
        }
        Vec::new()
    }

    /// Draws the diff over most of the screen, errors first.
    fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx<'_>, _focused: bool) {
        let theme = ctx.theme;
        let inner = frame(f, area, s::PREVIEW_TITLE, area.width, area.height, theme);
        let w = inner.width as usize;
        let mut head: Vec<Line> = Vec::new();
        let err = theme.severity(Severity::Error);
        if !self.errors.is_empty() {
            for l in wrap(&s::save_blocked(self.errors.len()), w) {
                head.push(Line::styled(l, err));
            }
            for e in &self.errors {
                for l in wrap(&format!("E {}", escape(e)), w) {
                    head.push(Line::styled(l, err));
                }
            }
        }
        let rows = (inner.height as usize).saturating_sub(head.len());
        let all: Vec<&str> = self.diff.lines().collect();
        let scroll = self.scroll.min(all.len().saturating_sub(rows));
        let more = all.len().saturating_sub(scroll + rows);
        let take = if more > 0 {
            rows.saturating_sub(1)
        } else {
            rows
        };
        let body = all
            .iter()
            .skip(scroll)
            .take(take)
            .map(|l| super::wizard_view::diff_line(l, w, theme));
        let mut lines = head;
        lines.extend(body);
        if more > 0 {
            lines.push(Line::styled(
                s::more_below(all.len() - scroll - take),
                theme.key(),
            ));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
}
