//! The start screen: what the tool is for, and the two things it does.

use super::super::model::Model;
use crate::tui::model::START_MENU;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub(super) fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.opts.theme;
    let mut lines = vec![
        Line::default(),
        Line::from(Span::styled(
            "  Share exactly what the data sharing agreement allows: nothing more.",
            t.title(),
        )),
        Line::from("  Columns are withheld unless the agreement names them; rows leave only if"),
        Line::from("  they pass its rules. The bundle is encrypted to the partner and registered."),
        Line::default(),
    ];
    for (i, (name, about)) in START_MENU.iter().enumerate() {
        let selected = i == m.start_cursor;
        let marker = if selected { "▶ " } else { "  " };
        let style = if selected { t.cursor() } else { t.title() };
        lines.push(Line::from(vec![
            Span::raw("  "),
            Span::raw(marker),
            Span::styled(format!(" {name} "), style),
        ]));
        if !about.is_empty() {
            // Wrapped under its own first word, never back at the left edge.
            lines.extend(super::wrap::wrap(
                Line::styled(format!("       {about}"), t.dim()),
                area.width,
                7,
            ));
        }
        lines.push(Line::default());
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
