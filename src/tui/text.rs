//! Making file text safe and fitting for the screen: control characters escaped (a
//! value from the file never drives the terminal), truncation and word wrap by
//! display width.

use ratatui::text::Span;

/// Replaces control characters (tab, newline, ESC, C1 controls, DEL…) by their
/// Rust escapes, so `\u{1b}[2J` is shown, never sent to the terminal.
pub(crate) fn escape(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Tabs as spaces to the next multiple of 4 columns, for file text shown as
/// layout (a diff), where `\t` would read as noise.
pub(crate) fn expand_tabs(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut col = 0;
    for c in s.chars() {
        if c == '\t' {
            let n = 4 - col % 4;
            out.extend(std::iter::repeat_n(' ', n));
            col += n;
        } else {
            out.push(c);
            col += 1;
        }
    }
    out
}

/// A value as the form shows it: escaped, and quoted when blanks around it would
/// otherwise be invisible (the daemon keeps them: `<name>fw </name>` is `fw `).
pub(crate) fn show_value(s: &str) -> String {
    if s.trim() != s || s.is_empty() {
        format!("\"{}\"", escape(s))
    } else {
        escape(s)
    }
}

/// Display width in terminal columns.
pub(crate) fn width(s: &str) -> usize {
    // Most text is ASCII: one column per byte, no grapheme walk needed.
    if s.is_ascii() {
        s.len()
    } else {
        Span::raw(s).width()
    }
}

/// Cuts `s` to `max` columns, ending with `~` when something was cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if s.is_ascii() {
        let mut out = s[..max.saturating_sub(1)].to_string();
        if max > 0 {
            out.push('~');
        }
        return out;
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = width(c.encode_utf8(&mut [0; 4]));
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    if max > 0 {
        out.push('~');
    }
    out
}

/// Cuts `s` to `max` columns like [`truncate`], saying at the end which key shows
/// the whole text (`i`, the details overlay) when something was cut.
pub(crate) fn truncate_with_details(s: &str, max: usize) -> String {
    const MORE: &str = " (i)";
    if width(s) <= max || max < MORE.len() + 12 {
        return truncate(s, max);
    }
    format!("{}{MORE}", truncate(s, max - MORE.len()))
}

/// Greedy word wrap to `max` columns; a word longer than a line is cut.
pub(crate) fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(8);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split(' ') {
        let mut word = word.to_string();
        while width(&word) > max {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let head: String = word.chars().take(max).collect();
            word = word.chars().skip(max).collect();
            lines.push(head);
        }
        let sep = usize::from(!line.is_empty());
        if width(&line) + sep + width(&word) > max {
            lines.push(std::mem::take(&mut line));
        } else if sep == 1 {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_keeps_text_and_shows_controls() {
        assert_eq!(escape("firewall-drop"), "firewall-drop");
        assert_eq!(escape("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(escape("x\ty\r\n"), "x\\ty\\r\\n");
        assert_eq!(escape("\u{9b}"), "\\u{9b}");
    }

    #[test]
    fn tabs_expand_to_the_next_stop() {
        assert_eq!(expand_tabs("+\t<name>"), "+   <name>");
        assert_eq!(expand_tabs("ab\tc\t"), "ab  c   ");
    }

    #[test]
    fn show_value_quotes_invisible_blanks() {
        assert_eq!(show_value("600"), "600");
        assert_eq!(show_value(" 600"), "\" 600\"");
        assert_eq!(show_value(""), "\"\"");
    }

    #[test]
    fn truncate_and_wrap_by_width() {
        assert_eq!(truncate("firewall-drop", 8), "firewal~");
        assert_eq!(truncate("fd", 8), "fd");
        assert_eq!(
            wrap("a comma is a literal comma here", 12),
            vec!["a comma is a", "literal", "comma here"]
        );
        assert_eq!(wrap("", 10), vec![""]);
        assert_eq!(wrap("abcdefghijkl", 8), vec!["abcdefgh", "ijkl"]);
    }
}
