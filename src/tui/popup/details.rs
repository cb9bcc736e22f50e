//! The details overlay (`i`): in full, what the screen had to cut: the file's whole
//! path, the last message of the status line (a save's backup path), the file-level
//! findings (an XML error) and every finding of the selected block.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::frame;
use crate::model::{BlockRef, Diagnostic};
use crate::tui::app::{App, Ctx, Msg};
use crate::tui::keys::{Action, Mode};
use crate::tui::pane::Pane;
use crate::tui::strings as s;
use crate::tui::text::{escape, wrap};
use crate::tui::theme::{Theme, mark};

/// One paragraph: a heading or a text, wrapped when drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Para {
    Heading(String),
    Text(String),
    Blank,
}

/// The overlay's text and how far it is scrolled.
#[derive(Debug, Clone)]
pub(crate) struct Details {
    paras: Vec<Para>,
    scroll: usize,
}

impl Details {
    /// The details of the editor as it stands.
    pub(crate) fn of(app: &App) -> Details {
        let mut paras = vec![
            Para::Heading(s::DETAILS_FILE.into()),
            Para::Text(escape(&app.path.display().to_string())),
        ];
        if let Some(n) = &app.last_notice {
            paras.extend([
                Para::Blank,
                Para::Heading(s::DETAILS_MESSAGE.into()),
                Para::Text(escape(&n.text)),
            ]);
        }
        let doc = app.session.doc();
        let finding = |d: &Diagnostic| {
            let line = doc.line_col(d.offset).0;
            Para::Text(escape(&format!(
                "{} line {line} [{}]: {}",
                mark(d.severity),
                d.code,
                d.message
            )))
        };
        let file = super::super::list::file_findings(&app.diags);
        if !file.is_empty() {
            paras.extend([Para::Blank, Para::Heading(s::DETAILS_FILE_FINDINGS.into())]);
            paras.extend(file.into_iter().map(finding));
        }
        if let Some(b) = app.list.selected {
            let of_block: Vec<&Diagnostic> =
                app.diags.iter().filter(|d| d.block == Some(b)).collect();
            let what = match b {
                BlockRef::Command(n) => format!("command #{n}"),
                BlockRef::Response(n) => format!("response #{n}"),
            };
            paras.extend([Para::Blank, Para::Heading(s::details_block(&what))]);
            if of_block.is_empty() {
                paras.push(Para::Text(s::DETAILS_NONE.into()));
            }
            paras.extend(of_block.into_iter().map(finding));
        }
        Details { paras, scroll: 0 }
    }

    /// Every line, wrapped to `width`.
    fn lines(&self, theme: &Theme, width: usize) -> Vec<Line<'static>> {
        let mut out = Vec::new();
        for p in &self.paras {
            match p {
                Para::Heading(h) => out.push(Line::styled(h.clone(), theme.title())),
                Para::Text(t) => out.extend(
                    wrap(t, width.saturating_sub(2))
                        .into_iter()
                        .map(|l| Line::styled(format!("  {l}"), Style::new())),
                ),
                Para::Blank => out.push(Line::raw("")),
            }
        }
        out
    }
}

impl Pane for Details {
    fn mode(&self) -> Mode {
        Mode::Help
    }

    fn captures(&self) -> bool {
        true
    }

    /// Scrolls; Esc or `i` closes.
    fn handle(&mut self, a: Option<Action>, _k: &KeyEvent, _ctx: &Ctx<'_>) -> Vec<Msg> {
        if matches!(a, Some(Action::Cancel | Action::Details | Action::Help)) {
            return vec![Msg::Close];
        }
        super::help::scroll(&mut self.scroll, a);
        Vec::new()
    }

    /// Draws the overlay over most of the screen.
    fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx<'_>, _focused: bool) {
        let theme = ctx.theme;
        let h = area.height.saturating_sub(2);
        let inner = frame(f, area, s::DETAILS_TITLE, 100, h, theme);
        let all = self.lines(theme, inner.width as usize);
        let rows = inner.height as usize;
        let scroll = self.scroll.min(all.len().saturating_sub(rows));
        let shown: Vec<Line> = all.into_iter().skip(scroll).take(rows).collect();
        f.render_widget(Paragraph::new(shown), inner);
    }
}
