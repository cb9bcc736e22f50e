//! A single-line text input: the value, a cursor, and the editing keys of the key
//! map. Headless: it never draws; [`Input::view`] gives what to show.

use super::app::Msg;
use super::keys::Action;
use super::strings as s;
use super::text::escape;

/// The longest text a paste leaves in an input: one byte short of the longest text
/// os_xml reads (`XML_MAXSIZE`, 20480 bytes, docs/limits.md), which edits refuse to
/// write. Filters and pickers are cut there too: no value they search is longer.
pub(crate) const MAX_PASTE: usize = crate::xml::MAX_TEXT - 1;

/// The text being typed and where the cursor is (a char index).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Input {
    value: String,
    cursor: usize,
}

impl Input {
    /// An input holding `value`, cursor at the end.
    pub(crate) fn new(value: &str) -> Input {
        Input {
            value: value.to_string(),
            cursor: value.chars().count(),
        }
    }

    /// The text typed so far.
    pub(crate) fn value(&self) -> &str {
        &self.value
    }

    /// The cursor, in characters from the start.
    #[cfg(test)]
    pub(crate) fn cursor(&self) -> usize {
        self.cursor
    }

    fn byte_at(&self, char_index: usize) -> usize {
        self.value
            .char_indices()
            .nth(char_index)
            .map_or(self.value.len(), |(i, _)| i)
    }

    /// Types one character at the cursor.
    pub(crate) fn insert(&mut self, c: char) {
        let at = self.byte_at(self.cursor);
        self.value.insert(at, c);
        self.cursor += 1;
    }

    /// Types a whole text at the cursor at once (a paste: one copy, not one per
    /// character).
    pub(crate) fn insert_str(&mut self, text: &str) {
        let at = self.byte_at(self.cursor);
        self.value.insert_str(at, text);
        self.cursor += text.chars().count();
    }

    /// Pastes `text` at the cursor as one insertion (one copy, however long), line
    /// ends dropped, cut at a character boundary so that the value stays within
    /// `max` bytes; true when something was cut.
    pub(crate) fn paste(&mut self, text: &str, max: usize) -> bool {
        let text: String = text.chars().filter(|c| !matches!(c, '\n' | '\r')).collect();
        let room = max.saturating_sub(self.value.len());
        let mut cut = text.len().min(room);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        self.insert_str(&text[..cut]);
        cut < text.len()
    }

    /// Applies an editing action; returns false when the action is not an editing one.
    pub(crate) fn apply(&mut self, action: Action) -> bool {
        let len = self.value.chars().count();
        match action {
            Action::Left => self.cursor = self.cursor.saturating_sub(1),
            Action::Right => self.cursor = (self.cursor + 1).min(len),
            Action::Home => self.cursor = 0,
            Action::End => self.cursor = len,
            Action::Backspace if self.cursor > 0 => {
                let at = self.byte_at(self.cursor - 1);
                self.value.remove(at);
                self.cursor -= 1;
            }
            Action::DeleteChar if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.value.remove(at);
            }
            Action::ClearToStart => {
                let at = self.byte_at(self.cursor);
                self.value.drain(..at);
                self.cursor = 0;
            }
            Action::ClearToEnd => {
                let at = self.byte_at(self.cursor);
                self.value.truncate(at);
            }
            Action::DeleteWord => self.delete_word(),
            Action::Backspace | Action::DeleteChar => {}
            _ => return false,
        }
        true
    }

    /// Deletes back to the previous word start (spaces, then non-spaces).
    fn delete_word(&mut self) {
        let chars: Vec<char> = self.value.chars().collect();
        let mut start = self.cursor;
        while start > 0 && chars[start - 1].is_whitespace() {
            start -= 1;
        }
        while start > 0 && !chars[start - 1].is_whitespace() {
            start -= 1;
        }
        let (a, b) = (self.byte_at(start), self.byte_at(self.cursor));
        self.value.drain(a..b);
        self.cursor = start;
    }

    /// The text to show (control characters escaped) and the cursor's column in it,
    /// scrolled so that the cursor fits in `width` columns.
    pub(crate) fn view(&self, width: usize) -> (String, usize) {
        let before: String = self.value.chars().take(self.cursor).collect();
        let after: String = self.value.chars().skip(self.cursor).collect();
        let (before, after) = (escape(&before), escape(&after));
        let col = before.chars().count();
        let width = width.max(1);
        // Keep the cursor in view: drop characters from the left when it would not fit.
        let skip = (col + 1).saturating_sub(width);
        let shown: String = before
            .chars()
            .chain(after.chars())
            .skip(skip)
            .take(width)
            .collect();
        (shown, col - skip)
    }
}

/// What a paste into an input says: nothing, or that it was cut at [`MAX_PASTE`].
pub(crate) fn pasted(cut: bool) -> Vec<Msg> {
    if cut {
        vec![Msg::Error(s::paste_cut(MAX_PASTE))]
    } else {
        Vec::new()
    }
}

/// One key while a filter is typed (block list, simulator pane): Enter keeps the
/// filter, Esc clears it, other keys edit it; `filter` follows the text as typed.
pub(crate) fn type_filter(
    typing: &mut Option<Input>,
    filter: &mut String,
    a: Option<Action>,
    k: &crossterm::event::KeyEvent,
) {
    let Some(input) = typing.as_mut() else {
        return;
    };
    match (a, k.code) {
        (Some(Action::Enter), _) => *typing = None,
        (Some(Action::Cancel), _) => {
            *typing = None;
            filter.clear();
        }
        (Some(a), _) => {
            input.apply(a);
        }
        (None, crossterm::event::KeyCode::Char(c)) => input.insert(c),
        _ => {}
    }
    if let Some(i) = typing {
        *filter = i.value().to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(s: &str) -> Input {
        let mut i = Input::default();
        s.chars().for_each(|c| i.insert(c));
        i
    }

    #[test]
    fn a_paste_is_one_insertion_cut_at_the_limit_on_a_character() {
        let mut i = typed("ab");
        i.apply(Action::Left);
        assert!(!i.paste("x\ny\r\n", 10));
        assert_eq!((i.value(), i.cursor()), ("axyb", 3));
        // 4 bytes left: "é" (2 bytes) fits once, the second would pass the limit.
        let mut i = typed("1234");
        assert!(i.paste("ééé", 8));
        assert_eq!(i.value(), "1234éé");
        assert!(i.paste("z", 8));
        assert_eq!(i.value(), "1234éé");
    }

    #[test]
    fn typing_and_moving_edit_at_the_cursor() {
        let mut i = typed("6000");
        i.apply(Action::Left);
        i.apply(Action::Backspace);
        assert_eq!((i.value(), i.cursor()), ("600", 2));
        i.apply(Action::Home);
        i.insert('1');
        assert_eq!((i.value(), i.cursor()), ("1600", 1));
        i.apply(Action::DeleteChar);
        assert_eq!(i.value(), "100");
        i.apply(Action::ClearToEnd);
        assert_eq!(i.value(), "1");
        i.apply(Action::End);
        i.apply(Action::ClearToStart);
        assert_eq!((i.value(), i.cursor()), ("", 0));
    }

    #[test]
    fn multibyte_characters_are_one_cursor_step() {
        let mut i = typed("né");
        i.apply(Action::Backspace);
        assert_eq!(i.value(), "n");
        assert!(!i.apply(Action::Save), "not an editing action");
    }

    #[test]
    fn delete_word_removes_the_word_and_its_trailing_spaces() {
        let mut i = typed("-p tcp  ");
        i.apply(Action::DeleteWord);
        assert_eq!(i.value(), "-p ");
    }

    #[test]
    fn view_escapes_controls_and_scrolls_to_the_cursor() {
        let i = Input::new("a\u{1b}[2Jb");
        let (shown, col) = i.view(40);
        assert_eq!(shown, "a\\u{1b}[2Jb");
        assert_eq!(col, 11, "a + 6 escape chars + [2Jb");
        let (shown, col) = Input::new("0123456789").view(5);
        assert_eq!((shown.as_str(), col), ("6789", 4));
    }
}
