//! A backend wrapper that writes nothing when nothing changed (docs/editor.md: slow SSH,
//! draw only on change). ratatui already sends only the cells that differ, but it
//! resets colours after every draw and re-sends the cursor state every frame; this
//! wrapper drops those when they would repeat what the terminal already has.

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

/// Wraps a backend; see the module documentation.
#[derive(Debug)]
pub struct Quiet<B> {
    inner: B,
    cursor_shown: Option<bool>,
    cursor_at: Option<Position>,
}

impl<B> Quiet<B> {
    /// Wraps `inner`.
    pub fn new(inner: B) -> Quiet<B> {
        Quiet {
            inner,
            cursor_shown: None,
            cursor_at: None,
        }
    }

    /// The wrapped backend.
    pub fn inner(&self) -> &B {
        &self.inner
    }
}

impl<B: Backend> Backend for Quiet<B> {
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let mut cells = content.peekable();
        if cells.peek().is_none() {
            return Ok(());
        }
        // Drawing moves the terminal's cursor: its position must be sent again.
        self.cursor_at = None;
        self.inner.draw(cells)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        if self.cursor_shown != Some(false) {
            self.inner.hide_cursor()?;
            self.cursor_shown = Some(false);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        if self.cursor_shown != Some(true) {
            self.inner.show_cursor()?;
            self.cursor_shown = Some(true);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        let p = position.into();
        if self.cursor_at != Some(p) {
            self.inner.set_cursor_position(p)?;
            self.cursor_at = Some(p);
        }
        Ok(())
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.cursor_at = None;
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.cursor_at = None;
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()
    }
}
