//! The `?` overlay, generated from the key map: one section per mode.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::frame;
use crate::tui::app::{Ctx, Msg};
use crate::tui::keys::{self, Action, Mode};
use crate::tui::pane::Pane;
use crate::tui::strings as s;
use crate::tui::text::wrap;
use crate::tui::theme::Theme;

/// The help overlay and how far it is scrolled.
#[derive(Debug, Clone, Default)]
pub(crate) struct Help {
    /// First line shown.
    pub(crate) scroll: usize,
}

/// The sections of the overlay, in order.
const SECTIONS: &[(Mode, &str)] = &[
    (Mode::Browse, s::HELP_BROWSE),
    (Mode::Sim, s::HELP_SIM),
    (Mode::Edit, s::HELP_EDIT),
    (Mode::Menu, s::HELP_MENU),
    (Mode::Pick, s::HELP_PICK),
    (Mode::Preview, s::HELP_PREVIEW),
    (Mode::Blocked, s::HELP_BLOCKED),
    (Mode::QuitPrompt, s::HELP_QUIT),
    (Mode::External, s::HELP_EXTERNAL),
    (Mode::Conflicts, s::HELP_CONFLICTS),
];

const KEYS: usize = 16;

/// Every line of the overlay, descriptions wrapped to `width`.
pub(crate) fn lines(theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for (mode, title) in SECTIONS {
        if !out.is_empty() {
            out.push(Line::raw(""));
        }
        out.push(Line::styled(*title, theme.title()));
        for b in keys::bindings(*mode) {
            let label = keys::keys_label(b);
            for (i, part) in wrap(b.help, width.saturating_sub(KEYS + 3))
                .into_iter()
                .enumerate()
            {
                let k = if i == 0 { label.as_str() } else { "" };
                out.push(Line::from(vec![
                    Span::styled(format!("  {k:<KEYS$} "), theme.key()),
                    Span::raw(part),
                ]));
            }
        }
    }
    out
}

/// Moves the first shown line of a scrolled text for the movement keys (the
/// renderer clamps it to the text).
pub(super) fn scroll(pos: &mut usize, a: Option<Action>) {
    match a {
        Some(Action::Up) => *pos = pos.saturating_sub(1),
        Some(Action::Down) => *pos += 1,
        Some(Action::PageUp) => *pos = pos.saturating_sub(10),
        Some(Action::PageDown) => *pos += 10,
        Some(Action::Top) => *pos = 0,
        Some(Action::Bottom) => *pos = usize::MAX / 2,
        _ => {}
    }
}

impl Pane for Help {
    fn mode(&self) -> Mode {
        Mode::Help
    }

    fn captures(&self) -> bool {
        true
    }

    /// Scrolls; Esc or `?` closes.
    fn handle(&mut self, a: Option<Action>, _k: &KeyEvent, _ctx: &Ctx<'_>) -> Vec<Msg> {
        if matches!(a, Some(Action::Cancel | Action::Help)) {
            return vec![Msg::Close];
        }
        scroll(&mut self.scroll, a);
        Vec::new()
    }

    /// Draws the overlay over most of the screen.
    fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx<'_>, _focused: bool) {
        let theme = ctx.theme;
        let inner = frame(
            f,
            area,
            s::HELP_TITLE,
            90,
            area.height.saturating_sub(2),
            theme,
        );
        let all = lines(theme, inner.width as usize);
        let rows = inner.height as usize;
        let scroll = self.scroll.min(all.len().saturating_sub(rows));
        let shown: Vec<Line> = all.into_iter().skip(scroll).take(rows).collect();
        f.render_widget(Paragraph::new(shown), inner);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_binding_of_every_section_is_listed() {
        let text: Vec<String> = lines(&Theme::new(false), 200)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        for (mode, _) in SECTIONS {
            for b in keys::bindings(*mode) {
                assert!(
                    text.iter().any(|l| l.contains(b.help)),
                    "{:?}: {}",
                    mode,
                    b.help
                );
            }
        }
        assert!(text.iter().any(|l| l.contains("s/Ctrl-s")));
    }
}
