//! The fields both this session and another writer changed, side by side, each
//! settled with `o` (keep yours) or `t` (keep theirs); Enter merges once all are
//! settled and shows the diff against the file as it is now (docs/ARCHITECTURE.md
//! "Two writers"). Everything else of both sides is merged without asking.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{frame, hint_line};
use crate::session::merge::{Choose, Conflict, Side};
use crate::tui::app::{Ctx, Msg};
use crate::tui::keys::{Action, Mode};
use crate::tui::pane::Pane;
use crate::tui::strings as s;
use crate::tui::text::{escape, wrap};
use crate::tui::theme::Theme;

/// The conflicts of a merge onto `theirs`, with the side chosen for each so far.
#[derive(Debug, Clone)]
pub(crate) struct Conflicts {
    /// The file as re-read: the choices settle the merge onto exactly this text.
    /// `None`: the merge re-applies the edits a reload set aside (`R`).
    theirs: Option<String>,
    items: Vec<Conflict>,
    choices: Vec<Option<Side>>,
    selected: usize,
}

impl Conflicts {
    /// The conflicts found merging onto `theirs` (`None`: re-applying the edits a
    /// reload set aside), none settled yet.
    pub(crate) fn new(theirs: Option<String>, conflicts: Vec<Conflict>) -> Conflicts {
        let choices = vec![None; conflicts.len()];
        Conflicts {
            theirs,
            items: conflicts,
            choices,
            selected: 0,
        }
    }

    /// Records the side of the highlighted conflict and moves to the next unsettled.
    fn settle(&mut self, side: Side) {
        if let Some(c) = self.choices.get_mut(self.selected) {
            *c = Some(side);
        }
        let n = self.choices.len();
        if let Some(next) = (1..n)
            .map(|d| (self.selected + d) % n)
            .find(|&i| self.choices[i].is_none())
        {
            self.selected = next;
        }
    }

    fn finish(&self) -> Vec<Msg> {
        let chosen: Option<Vec<Side>> = self.choices.iter().copied().collect();
        match chosen {
            Some(sides) => {
                let choose = Choose::Each(sides);
                let merge = match &self.theirs {
                    Some(t) => Msg::Merge(t.clone(), choose),
                    None => Msg::Reapply(choose),
                };
                vec![Msg::Close, merge]
            }
            None => {
                let left = self.choices.iter().filter(|c| c.is_none()).count();
                vec![Msg::Error(s::conflicts_left(left))]
            }
        }
    }

    fn heading(&self, i: usize, c: &Conflict, w: usize, theme: &Theme) -> Line<'static> {
        let mark = if i == self.selected { "> " } else { "  " };
        let what = s::conflict_place(c.block.as_deref(), c.field.as_deref(), c.line);
        let choice = match self.choices[i] {
            Some(Side::Ours) => s::KEEP_YOURS,
            Some(Side::Theirs) => s::KEEP_THEIRS,
            None => s::UNDECIDED,
        };
        let room = w.saturating_sub(mark.len() + choice.len() + 1);
        let what: String = escape(&what).chars().take(room).collect();
        let pad = w.saturating_sub(mark.len() + what.chars().count() + choice.len());
        let style = match i == self.selected {
            true => theme.selected(),
            false => theme.title(),
        };
        Line::from(vec![
            Span::styled(format!("{mark}{what}{}", " ".repeat(pad)), style),
            Span::styled(choice.to_string(), theme.key()),
        ])
    }
}

impl Pane for Conflicts {
    fn mode(&self) -> Mode {
        Mode::Conflicts
    }

    fn captures(&self) -> bool {
        true
    }

    /// Moves, settles the highlighted conflict, merges or goes back.
    fn handle(&mut self, a: Option<Action>, _k: &KeyEvent, _ctx: &Ctx<'_>) -> Vec<Msg> {
        let last = self.items.len().saturating_sub(1);
        match a {
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Action::Down) => self.selected = (self.selected + 1).min(last),
            Some(Action::Top) => self.selected = 0,
            Some(Action::Bottom) => self.selected = last,
            Some(Action::KeepOurs) => self.settle(Side::Ours),
            Some(Action::KeepTheirs) => self.settle(Side::Theirs),
            Some(Action::Enter) => return self.finish(),
            Some(Action::Cancel) => {
                let why = match self.theirs {
                    Some(_) => s::MERGE_CANCELLED,
                    None => s::REAPPLY_CANCELLED,
                };
                return vec![Msg::Close, Msg::Info(why.into())];
            }
            _ => {}
        }
        Vec::new()
    }

    /// Each conflict: where it is, then yours and theirs side by side.
    fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx<'_>, _focused: bool) {
        let theme = ctx.theme;
        let title = s::conflicts_title(self.items.len());
        let inner = frame(f, area, &title, 100, area.height, theme);
        let w = inner.width as usize;
        let mut lines: Vec<Line> = wrap(s::CONFLICTS_HEAD, w)
            .into_iter()
            .map(Line::raw)
            .collect();
        let mut at = 0;
        for (i, c) in self.items.iter().enumerate() {
            if i == self.selected {
                at = lines.len();
            }
            lines.push(self.heading(i, c, w, theme));
            lines.extend(side_by_side(c, w, theme));
        }
        let rows = (inner.height as usize).saturating_sub(1);
        // Keep the highlighted conflict's heading and values in view.
        let scroll = (at + 4).saturating_sub(rows).min(at);
        let mut shown: Vec<Line> = lines.into_iter().skip(scroll).take(rows).collect();
        shown.resize(rows, Line::raw(""));
        shown.push(hint_line(Mode::Conflicts, theme));
        f.render_widget(Paragraph::new(shown), inner);
    }
}

/// Yours on the left, theirs on the right, one source line per row (indentation
/// dropped, control characters shown escaped).
fn side_by_side(c: &Conflict, w: usize, theme: &Theme) -> Vec<Line<'static>> {
    let col = w.saturating_sub(7) / 2;
    let cells = |text: &str, head: &str| -> Vec<String> {
        let mut v = vec![head.to_string()];
        match text.is_empty() {
            true => v.push(s::REMOVED.to_string()),
            false => v.extend(text.lines().map(|l| escape(l.trim()))),
        }
        v
    };
    let (ours, theirs) = (
        cells(&c.ours, s::YOURS_HEAD),
        cells(&c.theirs, s::THEIRS_HEAD),
    );
    let cut = |t: Option<&String>| -> String {
        let t: String = t.map_or("", |t| t.as_str()).chars().take(col).collect();
        let pad = col.saturating_sub(t.chars().count());
        format!("{t}{}", " ".repeat(pad))
    };
    (0..ours.len().max(theirs.len()))
        .map(|i| {
            let style = if i == 0 {
                theme.key()
            } else {
                ratatui::style::Style::default()
            };
            Line::from(vec![
                Span::raw("    "),
                Span::styled(cut(ours.get(i)), style),
                Span::raw(format!(" {} ", theme.border_set().vertical_left)),
                Span::styled(cut(theirs.get(i)), style),
            ])
        })
        .collect()
}
