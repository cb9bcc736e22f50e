//! A list of choices with a one-line meaning each (the `location` dropdown, the
//! wizard's location step), and a picker: the same with a filter typed above it
//! (the command picker).

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::input::{Input, MAX_PASTE};
use crate::tui::keys::Action;
use crate::tui::text::{escape, truncate, width};
use crate::tui::theme::Theme;

/// One choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Choice {
    /// The value it stands for.
    pub(crate) value: String,
    /// What is shown (escaped when drawn).
    pub(crate) label: String,
    /// A dim explanation after the label.
    pub(crate) detail: String,
    /// A problem with choosing it, shown in place of the detail.
    pub(crate) warning: Option<String>,
}

impl Choice {
    /// A choice whose label is its value.
    pub(crate) fn new(value: &str, detail: &str) -> Choice {
        Choice {
            value: value.to_string(),
            label: value.to_string(),
            detail: detail.to_string(),
            warning: None,
        }
    }
}

/// What a key did to a menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pick {
    /// Still choosing.
    Open,
    /// Enter on this choice.
    Chosen(Choice),
    /// Esc.
    Cancelled,
}

/// Choices, the highlighted one, and (for a picker) the filter.
#[derive(Debug, Clone)]
pub(crate) struct Menu {
    /// Every choice.
    pub(crate) choices: Vec<Choice>,
    /// Index into [`Menu::visible`].
    pub(crate) at: usize,
    /// The filter typed, for a picker.
    pub(crate) filter: Option<Input>,
}

impl Menu {
    /// A dropdown with `current` highlighted when it is one of the choices.
    pub(crate) fn new(choices: Vec<Choice>, current: Option<&str>) -> Menu {
        let at = current
            .and_then(|c| choices.iter().position(|x| x.value == c))
            .unwrap_or(0);
        Menu {
            choices,
            at,
            filter: None,
        }
    }

    /// A picker: type to filter.
    pub(crate) fn picker(choices: Vec<Choice>, current: Option<&str>) -> Menu {
        let mut m = Menu::new(choices, current);
        m.filter = Some(Input::default());
        m
    }

    /// The choices the filter lets through, in order.
    pub(crate) fn visible(&self) -> Vec<&Choice> {
        let needle = self
            .filter
            .as_ref()
            .map(|f| f.value().to_lowercase())
            .unwrap_or_default();
        self.choices
            .iter()
            .filter(|c| {
                needle.is_empty()
                    || c.label.to_lowercase().contains(&needle)
                    || c.detail.to_lowercase().contains(&needle)
            })
            .collect()
    }

    /// Moves, filters, chooses or cancels.
    pub(crate) fn handle(&mut self, a: Option<Action>, k: &KeyEvent) -> Pick {
        let n = self.visible().len();
        let last = n.saturating_sub(1);
        match a {
            Some(Action::Up) => self.at = self.at.saturating_sub(1),
            Some(Action::Down) => self.at = (self.at + 1).min(last),
            Some(Action::PageUp | Action::Top) => self.at = 0,
            Some(Action::PageDown | Action::Bottom) => self.at = last,
            Some(Action::Cancel) => return Pick::Cancelled,
            Some(Action::Enter) => {
                if let Some(c) = self.visible().get(self.at) {
                    return Pick::Chosen((*c).clone());
                }
            }
            Some(other) => {
                if let Some(f) = self.filter.as_mut() {
                    f.apply(other);
                    self.at = 0;
                }
            }
            None => {
                if let (Some(f), KeyCode::Char(c)) = (self.filter.as_mut(), k.code) {
                    f.insert(c);
                    self.at = 0;
                }
            }
        }
        Pick::Open
    }

    /// A paste into the filter of a picker, at once (`None` for a dropdown, which
    /// has none); true when it was cut at [`MAX_PASTE`].
    pub(crate) fn paste(&mut self, text: &str) -> Option<bool> {
        let cut = self.filter.as_mut()?.paste(text, MAX_PASTE);
        self.at = 0;
        Some(cut)
    }

    /// The height it needs: one line per choice, plus the filter line.
    pub(crate) fn height(&self) -> u16 {
        let n = self.choices.len().max(1) + usize::from(self.filter.is_some());
        u16::try_from(n).unwrap_or(u16::MAX)
    }

    /// Draws the choices into `area` (the caller draws the frame around).
    pub(crate) fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let w = area.width as usize;
        let mut lines = Vec::new();
        let mut top = area.y;
        if let Some(input) = &self.filter {
            let (shown, col) = input.view(w.saturating_sub(3));
            lines.push(Line::from(vec![
                Span::styled("/ ", theme.key()),
                Span::raw(shown),
            ]));
            f.set_cursor_position((area.x + 2 + col as u16, area.y));
            top += 1;
        }
        let visible = self.visible();
        let rows = (area.height as usize).saturating_sub(lines.len());
        let offset = (self.at + 1).saturating_sub(rows);
        let label_w = visible
            .iter()
            .map(|c| width(&escape(&c.label)))
            .max()
            .unwrap_or(0)
            .min(w / 2);
        for (i, c) in visible.iter().enumerate().skip(offset).take(rows) {
            lines.push(self.line(c, i == self.at, label_w, w, theme));
        }
        if visible.is_empty() {
            lines.push(Line::styled(crate::tui::strings::NONE_MATCH, theme.dim()));
        }
        let _ = top;
        f.render_widget(Paragraph::new(lines), area);
    }

    fn line(&self, c: &Choice, on: bool, label_w: usize, w: usize, theme: &Theme) -> Line<'static> {
        let label = truncate(&escape(&c.label), label_w);
        let pad = label_w.saturating_sub(width(&label));
        let rest = w.saturating_sub(label_w + 4);
        let (detail, style) = match &c.warning {
            Some(warn) => (
                warn.clone(),
                theme.severity(crate::model::Severity::Warning),
            ),
            None => (c.detail.clone(), theme.dim()),
        };
        let detail = truncate(&escape(&detail), rest);
        let fill = rest.saturating_sub(width(&detail));
        let pointer = if on { "> " } else { "  " };
        let line = Line::from(vec![
            Span::raw(pointer),
            Span::raw(format!("{label}{}  ", " ".repeat(pad))),
            Span::styled(
                format!("{detail}{}", " ".repeat(fill)),
                if on { theme.selected() } else { style },
            ),
        ]);
        if on {
            line.style(theme.selected())
        } else {
            line
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn menu() -> Menu {
        Menu::picker(
            vec![
                Choice::new("firewall-drop", "iptables"),
                Choice::new("host-deny", "hosts.deny"),
                Choice::new("netsh", "windows firewall"),
            ],
            Some("host-deny"),
        )
    }

    #[test]
    fn picker_starts_on_the_current_value_and_filters_as_you_type() {
        let mut m = menu();
        assert_eq!(m.at, 1);
        for c in "win".chars() {
            assert_eq!(m.handle(None, &key(c)), Pick::Open);
        }
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        match m.handle(Some(Action::Enter), &enter) {
            Pick::Chosen(c) => assert_eq!(c.value, "netsh", "matched on its detail"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn moving_stops_at_the_ends_and_esc_cancels() {
        let mut m = Menu::new(
            vec![Choice::new("a", ""), Choice::new("b", "")],
            Some("zzz"),
        );
        assert_eq!(m.at, 0);
        m.handle(Some(Action::Up), &key('k'));
        assert_eq!(m.at, 0);
        m.handle(Some(Action::Down), &key('j'));
        m.handle(Some(Action::Down), &key('j'));
        assert_eq!(m.at, 1);
        assert_eq!(m.handle(Some(Action::Cancel), &key('x')), Pick::Cancelled);
    }
}
