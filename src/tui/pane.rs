//! The one contract of everything that takes keys and draws itself: the list, the
//! form, the simulator pane and every popup (docs/ARCHITECTURE.md "Habits" 6).
//!
//! `App` asks the pane that captures the keys (a popup, or a pane where text is
//! being typed) first, then handles its own global keys, then gives the key to the
//! focused pane. A pane answers with [`Msg`]s and never changes the document
//! itself; only `App` applies them.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::app::{Ctx, Msg};
use super::keys::{Action, Mode};

/// A part of the screen that takes keys and draws itself.
pub(crate) trait Pane {
    /// The key table the pane reads its keys with (also the hint line and the
    /// help section).
    fn mode(&self) -> Mode;

    /// Does it take every key before the editor's global keys: a popup, or a pane
    /// where text is being typed?
    fn captures(&self) -> bool;

    /// One key: `a` is its action in [`Pane::mode`], `k` the key itself (typed
    /// characters have no action).
    fn handle(&mut self, a: Option<Action>, k: &KeyEvent, ctx: &Ctx<'_>) -> Vec<Msg>;

    /// Pasted text, inserted at once into the text being typed; `None` when the
    /// pane types no text now.
    fn paste(&mut self, _text: &str, _ctx: &Ctx<'_>) -> Option<Vec<Msg>> {
        None
    }

    /// Draws the pane into `area`; `focused`: it has the keys (its frame says so).
    fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx<'_>, focused: bool);
}
