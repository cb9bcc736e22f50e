//! Styles, with and without colour. Everything that matters is visible without
//! colour too (docs/editor.md `NO_COLOR`, plain Linux console): selection is reversed and
//! bold with a `>` marker, problems carry `E`/`W` letters, not only red/yellow.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders};

use super::caps::{Caps, Colors};
use crate::model::Severity;

/// Pane borders drawn with ASCII only, for terminals without UTF-8 (docs/terminals.md).
pub(crate) const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// The look: colour or monochrome, box drawing or ASCII.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    color: bool,
    /// Has the terminal the bright colours (grey among them)?
    bright: bool,
    ascii: bool,
}

impl Theme {
    /// Colour when `color` is true, otherwise only bold/reverse/dim; box drawing.
    pub fn new(color: bool) -> Theme {
        Theme {
            color,
            bright: true,
            ascii: false,
        }
    }

    /// For a terminal with these abilities: colour only when wanted (`color`) and
    /// the terminal has some, ASCII borders without UTF-8.
    pub fn for_terminal(color: bool, caps: Caps) -> Theme {
        Theme {
            color: color && caps.colors != Colors::None,
            bright: caps.colors == Colors::Sixteen,
            ascii: !caps.unicode,
        }
    }

    /// The border characters of panes and popups.
    pub fn border_set(&self) -> border::Set<'static> {
        if self.ascii {
            ASCII_BORDER
        } else {
            border::PLAIN
        }
    }

    /// `NO_COLOR` set (to anything non-empty) means monochrome.
    pub fn from_env() -> Theme {
        Theme::new(std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()))
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    /// The selected row or field.
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    /// A pane or popup title.
    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// Labels and secondary text.
    pub fn dim(&self) -> Style {
        // Grey is a bright colour: the Linux console has none, and shows dim.
        if self.color && self.bright {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    /// A key in the hint bar or help.
    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// A finding of this severity.
    pub fn severity(&self, s: Severity) -> Style {
        match s {
            Severity::Error => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Severity::Warning => self.fg(Color::Yellow),
            Severity::Note => self.fg(Color::Cyan),
        }
    }

    /// A good outcome (saved).
    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }

    /// Lines added in a diff.
    pub fn added(&self) -> Style {
        self.fg(Color::Green)
    }

    /// Lines removed in a diff.
    pub fn removed(&self) -> Style {
        self.fg(Color::Red)
    }

    /// The border of the focused pane.
    pub fn focused_border(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// Draws a bordered pane titled `title` (the border stands out when focused) and
    /// returns the area inside it.
    pub fn pane(&self, f: &mut Frame<'_>, area: Rect, title: String, focused: bool) -> Rect {
        let border = if focused {
            self.focused_border()
        } else {
            self.dim()
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_set(self.border_set())
            .border_style(border)
            .title(Span::styled(title, self.title()));
        let inner = block.inner(area);
        f.render_widget(block, area);
        inner
    }
}

/// The letter that marks a finding without colour.
pub(crate) fn mark(s: Severity) -> &'static str {
    match s {
        Severity::Error => "E",
        Severity::Warning => "W",
        Severity::Note => "i",
    }
}
