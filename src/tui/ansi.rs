//! The terminal backend of the editor: crossterm's, except that cells are written
//! with the plain ECMA-48 colour codes (SGR 30–37, 40–47, 90–97, 100–107) that every
//! colour terminal has, including the Linux console. crossterm writes even the eight
//! basic colours as 256-colour escapes (`ESC[38;5;Nm`), which terminals without 256
//! colours show wrongly or not at all (docs/terminals.md). On a terminal without
//! UTF-8, every character beyond ASCII is written as an ASCII look-alike.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};

use super::caps::{Caps, Colors};

/// A crossterm backend drawing with plain colour codes; see the module documentation.
#[derive(Debug)]
pub struct Ansi<W: Write> {
    inner: CrosstermBackend<W>,
    caps: Caps,
}

impl<W: Write> Ansi<W> {
    /// Writes to `writer` for a terminal with these abilities.
    pub fn new(writer: W, caps: Caps) -> Ansi<W> {
        Ansi {
            inner: CrosstermBackend::new(writer),
            caps,
        }
    }
}

/// The SGR code of a foreground colour the terminal has (`None`: the default).
fn fg_code(c: Color, colors: Colors) -> Option<u8> {
    let base = match c {
        Color::Black => 30,
        Color::Red => 31,
        Color::Green => 32,
        Color::Yellow => 33,
        Color::Blue => 34,
        Color::Magenta => 35,
        Color::Cyan => 36,
        Color::Gray => 37,
        Color::DarkGray => 90,
        Color::LightRed => 91,
        Color::LightGreen => 92,
        Color::LightYellow => 93,
        Color::LightBlue => 94,
        Color::LightMagenta => 95,
        Color::LightCyan => 96,
        Color::White => 97,
        Color::Indexed(n @ 0..=7) => 30 + n,
        Color::Indexed(n @ 8..=15) => 82 + n,
        // 256 colours and RGB are not among what this backend writes.
        Color::Reset | Color::Indexed(_) | Color::Rgb(..) => return None,
    };
    match colors {
        Colors::None => None,
        // Bright forms on an 8-colour terminal: the plain colour.
        Colors::Eight if base >= 90 => Some(base - 60),
        Colors::Eight | Colors::Sixteen => Some(base),
    }
}

/// The whole SGR sequence for a cell's look, starting from a reset.
fn sgr(fg: Color, bg: Color, m: Modifier, colors: Colors) -> String {
    let mut codes: Vec<u8> = vec![0];
    for (flag, code) in [
        (Modifier::BOLD, 1),
        (Modifier::DIM, 2),
        (Modifier::ITALIC, 3),
        (Modifier::UNDERLINED, 4),
        (Modifier::SLOW_BLINK, 5),
        (Modifier::RAPID_BLINK, 5),
        (Modifier::REVERSED, 7),
        (Modifier::HIDDEN, 8),
        (Modifier::CROSSED_OUT, 9),
    ] {
        if m.contains(flag) && !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes.extend(fg_code(fg, colors));
    codes.extend(fg_code(bg, colors).map(|c| c + 10));
    let list: Vec<String> = codes.iter().map(u8::to_string).collect();
    format!("\x1b[{}m", list.join(";"))
}

/// An ASCII stand-in for a symbol, for terminals without UTF-8.
pub(crate) fn ascii(symbol: &str) -> std::borrow::Cow<'_, str> {
    if symbol.is_ascii() {
        return symbol.into();
    }
    symbol
        .chars()
        .map(|c| match c {
            c if c.is_ascii() => c,
            // Box drawing: corners and crossings, then lines.
            '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' | '╭' | '╮' | '╯' | '╰' => {
                '+'
            }
            '─' | '━' | '═' | '╌' => '-',
            '│' | '┃' | '║' | '╎' => '|',
            '·' | '•' => '.',
            '…' => '~',
            '→' => '>',
            '←' => '<',
            _ => '?',
        })
        .collect::<String>()
        .into()
}

impl<W: Write> Backend for Ansi<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let colors = self.caps.colors;
        let mut look: Option<(Color, Color, Modifier)> = None;
        let mut last: Option<Position> = None;
        let out = &mut self.inner;
        for (x, y, cell) in content {
            if !matches!(last, Some(p) if x == p.x + 1 && y == p.y) {
                write!(out, "\x1b[{};{}H", u32::from(y) + 1, u32::from(x) + 1)?;
            }
            last = Some(Position { x, y });
            let now = (cell.fg, cell.bg, cell.modifier);
            if look != Some(now) {
                out.write_all(sgr(now.0, now.1, now.2, colors).as_bytes())?;
                look = Some(now);
            }
            let symbol = cell.symbol();
            if self.caps.unicode {
                out.write_all(symbol.as_bytes())?;
            } else {
                let plain = ascii(symbol);
                out.write_all(plain.as_bytes())?;
                // A wide character's second column is not drawn again: fill it.
                let wide = super::text::width(symbol).saturating_sub(plain.len());
                out.write_all("?".repeat(wide).as_bytes())?;
            }
        }
        out.write_all(b"\x1b[0m")
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::widgets::{Block, Borders};

    /// A writer whose bytes stay readable after the terminal took it.
    #[derive(Clone, Default)]
    struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn drawn(caps: Caps, color: Color) -> String {
        let out = Shared::default();
        let viewport = ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 6, 3));
        let opts = ratatui::TerminalOptions { viewport };
        let mut term =
            Terminal::with_options(Ansi::new(out.clone(), caps), opts).expect("terminal");
        term.draw(|f| {
            let b = Block::default()
                .borders(Borders::ALL)
                .border_style(ratatui::style::Style::new().fg(color));
            f.render_widget(b, f.area());
        })
        .expect("draw");
        drop(term);
        String::from_utf8_lossy(&out.0.borrow()).into_owned()
    }

    #[test]
    fn colours_are_plain_sgr_codes_never_256_or_rgb() {
        let full = drawn(Caps::FULL, Color::Cyan);
        assert!(full.contains("\x1b[0;36m"), "{full:?}");
        assert!(
            !full.contains("38;5;") && !full.contains("38;2;"),
            "{full:?}"
        );
        let grey = drawn(Caps::FULL, Color::DarkGray);
        assert!(grey.contains("\x1b[0;90m"), "{grey:?}");
        let eight = Caps {
            unicode: true,
            colors: Colors::Eight,
        };
        assert!(drawn(eight, Color::DarkGray).contains("\x1b[0;30m"));
        let rgb = drawn(Caps::FULL, Color::Rgb(1, 2, 3));
        assert!(!rgb.contains("38;2;") && !rgb.contains("38;5;"), "{rgb:?}");
    }

    #[test]
    fn without_utf8_box_drawing_becomes_ascii_and_without_colour_none_is_sent() {
        let caps = Caps {
            unicode: false,
            colors: Colors::None,
        };
        let out = drawn(caps, Color::Cyan);
        assert!(out.is_ascii(), "{out:?}");
        assert!(out.contains("+----+"), "{out:?}");
        assert!(!out.contains(";36m"), "{out:?}");
        assert_eq!(ascii("a · b…"), "a . b~");
        assert_eq!(ascii("é漢"), "??");
    }
}
