//! The help overlay: every key in force where the analyst is, from the keymap's own tables.

use super::{block, centered};
use crate::tui::keymap;
use crate::tui::model::Model;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub(super) fn draw(m: &Model, f: &mut Frame, area: Rect, scroll: u16) {
    let t = &m.opts.theme;
    let mut lines = Vec::new();
    // Keys in a column at least 12 wide, and always a space after the longest.
    let width = keymap::tables(m.context_under_help())
        .iter()
        .flat_map(|(_, t)| t.iter())
        .map(|b| keys(b).chars().count() + 1)
        .max()
        .unwrap_or(0)
        .max(12);
    for (heading, table) in keymap::tables(m.context_under_help()) {
        if table.is_empty() {
            continue;
        }
        lines.push(Line::from(Span::styled(heading, t.title())));
        for b in table {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<width$}", keys(b)), t.key()),
                Span::raw(b.does),
            ]));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "Esc, ? or q closes this help.  ↑/↓ scroll.",
        t.dim(),
    )));
    let r = centered(area, 72, area.height.saturating_sub(2));
    f.render_widget(Clear, r);
    let max = (lines.len() as u16).saturating_sub(r.height.saturating_sub(2));
    f.render_widget(
        Paragraph::new(lines)
            .scroll((scroll.min(max), 0))
            .block(block(" Keys ", true, t)),
        r,
    );
}

/// Every key of a binding, written out: "↑/k", "Enter/c".
fn keys(b: &keymap::Binding) -> String {
    use keymap::Key::*;
    b.keys
        .iter()
        .map(|k| match k {
            Char(' ') => "Space".to_string(),
            Char(c) => c.to_string(),
            Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            F(n) => format!("F{n}"),
            Enter => "Enter".into(),
            Esc => "Esc".into(),
            Tab => "Tab".into(),
            BackTab => "Shift-Tab".into(),
            Up => "↑".into(),
            Down => "↓".into(),
            Left => "←".into(),
            Right => "→".into(),
            PageUp => "PgUp".into(),
            PageDown => "PgDn".into(),
            Home => "Home".into(),
            End => "End".into(),
            Backspace => "Backspace".into(),
            Delete => "Delete".into(),
        })
        .collect::<Vec<_>>()
        .join("/")
}
