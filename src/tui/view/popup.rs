//! Popups over the screen: a yes/no question, a list to choose from, a line to type.

use super::{block, centered, cut, list};
use crate::tui::model::{Model, Popup};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

pub(super) fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.opts.theme;
    let width = area.width.saturating_sub(8).min(72);
    match &m.popup {
        Some(Popup::Confirm { title, lines, .. }) => {
            let text: Vec<Line> = lines
                .iter()
                .map(|l| Line::from(l.as_str()))
                .chain([
                    Line::default(),
                    Line::from(vec![
                        Span::styled("y", t.key()),
                        Span::raw(" yes    "),
                        Span::styled("n", t.key()),
                        Span::raw(" no"),
                    ]),
                ])
                .collect();
            let h = wrapped_height(&text, width.saturating_sub(2)) + 2;
            let r = centered(area, width, h);
            f.render_widget(Clear, r);
            f.render_widget(
                Paragraph::new(text).wrap(Wrap { trim: false }).block(block(
                    format!(" {title} "),
                    true,
                    t,
                )),
                r,
            );
        }
        Some(Popup::Pick {
            title,
            lines,
            items,
            cursor,
            ..
        }) => {
            let text: Vec<Line> = lines.iter().map(|l| Line::from(l.as_str())).collect();
            // What the choice is about, then a blank line, then the list.
            let above = if text.is_empty() {
                0
            } else {
                wrapped_height(&text, width.saturating_sub(2)) + 1
            };
            let h = (items.len() as u16 + above + 2).min(area.height);
            let r = centered(area, width, h);
            f.render_widget(Clear, r);
            let b = block(format!(" {title} "), true, t);
            let inner = b.inner(r);
            f.render_widget(b, r);
            let above = above.min(inner.height.saturating_sub(1));
            f.render_widget(
                Paragraph::new(text).wrap(Wrap { trim: false }),
                Rect {
                    height: above,
                    ..inner
                },
            );
            let list_area = Rect {
                y: inner.y + above,
                height: inner.height - above,
                ..inner
            };
            let w = list_area.width as usize;
            let lines = items.iter().map(|i| Line::from(cut(i, w))).collect();
            list(
                f,
                list_area,
                Block::default(),
                lines,
                Some(*cursor),
                true,
                t,
            );
        }
        Some(Popup::Prompt {
            title,
            lines,
            input,
            ..
        }) => {
            let text: Vec<Line> = lines.iter().map(|l| Line::from(l.as_str())).collect();
            let h = wrapped_height(&text, width.saturating_sub(2)) + 4;
            let r = centered(area, width, h);
            f.render_widget(Clear, r);
            let b = block(format!(" {title} "), true, t);
            let inner = b.inner(r);
            f.render_widget(b, r);
            let text_area = Rect {
                height: inner.height.saturating_sub(2),
                ..inner
            };
            f.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), text_area);
            let input_row = Rect {
                y: inner.y + inner.height.saturating_sub(1),
                height: 1,
                ..inner
            };
            let (shown, cur) = input.display(input_row.width.saturating_sub(3) as usize);
            f.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled("> ", t.key()),
                    Span::raw(shown),
                ])),
                input_row,
            );
            if m.help.is_none() {
                f.set_cursor_position(Position::new(input_row.x + 2 + cur as u16, input_row.y));
            }
        }
        Some(Popup::View {
            title,
            lines,
            marks,
            scroll,
        }) => {
            let (w, h) = super::viewer_size(m.size);
            let all = super::viewer_lines(lines, marks, w, t.found());
            let len = all.len();
            let scroll = (*scroll).min(len.saturating_sub(usize::from(h)));
            let r = centered(area, w + 2, h + 2);
            f.render_widget(Clear, r);
            let mut b = block(format!(" {title} "), true, t);
            if len > usize::from(h) {
                b = b.title_bottom(
                    Line::from(super::more_marker(t, scroll, usize::from(h), len)).right_aligned(),
                );
            }
            let shown: Vec<Line> = all.into_iter().skip(scroll).take(usize::from(h)).collect();
            f.render_widget(Paragraph::new(shown).block(b), r);
        }
        None => {}
    }
}

/// Lines `text` takes when wrapped at `width` (a close estimate: by characters).
fn wrapped_height(text: &[Line], width: u16) -> u16 {
    let w = width.max(1) as usize;
    text.iter()
        .map(|l| (l.width().max(1)).div_ceil(w) as u16)
        .sum()
}
