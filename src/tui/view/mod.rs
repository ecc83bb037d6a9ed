//! The view: a pure function of the model that draws one frame. No I/O happens here. Every
//! piece of text that came from a file (cell, header, file name, sheet) goes through
//! [`crate::text::printable`] before it is drawn.

mod columns;
mod done;
mod help;
mod open;
mod package;
pub use package::free_text_detail;
mod popup;
pub mod profile;
pub mod rows;
mod start;
mod verify;
mod wrap;

use super::keymap;
pub use super::layout::{MIN_HEIGHT, MIN_WIDTH, body_height, list_height, viewer_size};
use super::model::{Model, Screen, Status};
use super::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// The viewer's lines wrapped at `width`, as it draws them, the `marks` drawn in `mark`.
pub fn viewer_lines(
    lines: &[String],
    marks: &[(usize, std::ops::Range<usize>)],
    width: u16,
    mark: Style,
) -> Vec<Line<'static>> {
    lines
        .iter()
        .enumerate()
        .flat_map(|(n, l)| {
            let mut spans = Vec::new();
            let mut at = 0;
            for (_, r) in marks.iter().filter(|(k, r)| *k == n && r.end <= l.len()) {
                if r.start < at || !l.is_char_boundary(r.start) || !l.is_char_boundary(r.end) {
                    continue;
                }
                spans.push(Span::raw(l[at..r.start].to_string()));
                spans.push(Span::styled(l[r.clone()].to_string(), mark));
                at = r.end;
            }
            spans.push(Span::raw(l[at..].to_string()));
            wrap::wrap(Line::from(spans), width, 2)
        })
        .collect()
}

pub fn draw(m: &Model, f: &mut Frame) {
    let area = f.area();
    let t = &m.opts.theme;
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = vec![
            Line::from(Span::styled("Please enlarge the window.", t.warn())),
            Line::from(format!(
                "It is {}×{}; disclose needs at least {MIN_WIDTH}×{MIN_HEIGHT}.",
                area.width, area.height
            )),
        ];
        f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    let [title, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_title(m, f, title);
    match m.screen {
        Screen::Start => start::draw(m, f, body),
        Screen::Open => open::draw(m, f, body),
        Screen::Profile => profile::draw(m, f, body),
        Screen::Columns => columns::draw(m, f, body),
        Screen::Rows => rows::draw(m, f, body),
        Screen::Package => package::draw(m, f, body),
        Screen::Writing => done::draw_writing(m, f, body),
        Screen::Done => done::draw(m, f, body),
        Screen::Verify => verify::draw(m, f, body),
    }
    draw_status(m, f, status);
    draw_footer(m, f, footer);
    if m.popup.is_some() {
        popup::draw(m, f, body);
    }
    if let Some(scroll) = m.help {
        help::draw(m, f, area, scroll);
    }
}

const STEPS: [(Screen, &str); 6] = [
    (Screen::Open, "1 Files"),
    (Screen::Profile, "2 Agreement"),
    (Screen::Columns, "3 Columns"),
    (Screen::Rows, "4 Rows"),
    (Screen::Package, "5 Package"),
    (Screen::Done, "6 Done"),
];

fn draw_title(m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.opts.theme;
    let mut spans = vec![Span::styled(" disclose ", t.title()), Span::raw(" ")];
    match m.screen {
        Screen::Start => spans.push(Span::raw(
            "police data disclosures, as the agreement allows",
        )),
        Screen::Verify => spans.push(Span::styled("Verify a received bundle", t.title())),
        current => {
            let current = if current == Screen::Writing {
                Screen::Package
            } else {
                current
            };
            for (i, (s, name)) in STEPS.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::styled(" › ", t.dim()));
                }
                if *s == current {
                    spans.push(Span::styled(format!("[{name}]"), t.cursor()));
                } else {
                    spans.push(Span::styled(*name, t.dim()));
                }
            }
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_status(m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.opts.theme;
    let line = match &m.status {
        None => Line::default(),
        Some(Status::Info(s)) => Line::from(format!(" {s}")),
        Some(Status::Problem(p)) => Line::from(vec![
            Span::styled(format!(" {} {}", t.no_mark(), p.what), t.bad()),
            Span::raw(format!(". {}", p.hint)),
        ]),
    };
    f.render_widget(Paragraph::new(line), area);
}

fn draw_footer(m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.opts.theme;
    let mut spans = vec![Span::raw(" ")];
    for (key, word) in keymap::footer(m.context_under_help()) {
        spans.push(Span::styled(key, t.key()));
        spans.push(Span::raw(format!(" {word}  ")));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A bordered block, its border bold when it has the focus.
pub(super) fn block<'a>(title: impl Into<Line<'a>>, focused: bool, t: &Theme) -> Block<'a> {
    let b = Block::default().borders(Borders::ALL).title(title);
    if focused {
        b.border_style(t.focus_border())
    } else {
        b
    }
}

/// Draw `lines` in `area` as a list with a cursor, scrolled so the cursor is in view.
pub(super) fn list(
    f: &mut Frame,
    area: Rect,
    block: Block<'_>,
    lines: Vec<Line<'_>>,
    cursor: Option<usize>,
    focused: bool,
    t: &Theme,
) {
    let inner = block.inner(area);
    let h = inner.height as usize;
    let offset = cursor.map(|c| (c + 1).saturating_sub(h)).unwrap_or(0);
    // A list longer than its pane says so on its bottom border, and which way the rest is.
    let block = if lines.len() > h && inner.bottom() < area.bottom() {
        block.title_bottom(Line::from(more_marker(t, offset, h, lines.len())).right_aligned())
    } else {
        block
    };
    f.render_widget(block, area);
    for (k, line) in lines.into_iter().skip(offset).take(h).enumerate() {
        let row = Rect {
            y: inner.y + k as u16,
            height: 1,
            ..inner
        };
        let mut style = Style::default();
        if cursor == Some(offset + k) {
            style = if focused {
                t.cursor()
            } else {
                t.cursor_unfocused()
            };
        }
        f.render_widget(Paragraph::new(line).style(style), row);
    }
}

/// Where a scrolled text or list is, for its bottom border: " 3–20 of 41 · more ↑↓ ".
pub(super) fn more_marker(t: &Theme, offset: usize, h: usize, len: usize) -> String {
    let (dash, up, down) = if t.ascii {
        ("-", "^", "v")
    } else {
        ("–", "↑", "↓")
    };
    let end = (offset + h).min(len);
    let arrows = match (offset > 0, end < len) {
        (true, true) => format!("{up}{down}"),
        (true, false) => up.to_string(),
        (false, true) => down.to_string(),
        (false, false) => String::new(),
    };
    format!(" {}{dash}{end} of {len}, more {arrows} ", offset + 1)
}

/// A centred rectangle of at most `w`×`h` inside `area`.
pub(super) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Text from a file, made safe to draw.
pub(super) fn safe(s: &str) -> String {
    crate::text::printable(s)
}

/// `s` cut to `n` characters, with … when cut.
pub(super) fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// The shared rows an agreement's reading of an empty value let through, one line a rule:
/// "  of which 7 shared, no opt-out recorded", in the words the record uses.
pub(super) fn shared_as_agreed(
    counts: &super::model::RowCounts,
    filter: &crate::apply::Filter<'_>,
) -> Vec<String> {
    counts
        .shared_as_agreed(filter)
        .into_iter()
        .filter_map(|(rule, n)| Some(format!("  of which {n} {}", rule.empty.as_ref()?.label)))
        .collect()
}

/// Whether input `i` is read against a protective marking column.
pub(super) fn reads_marking(job: &crate::job::Job<'_>, i: usize) -> bool {
    job.plans
        .get(i)
        .is_some_and(|p| p.by_field.contains_key(crate::profile::MARKING_FIELD))
}

/// The protective marking of what leaves: the highest marking among the shared rows of the
/// inputs that carry one, or that the export carries none (as the record says).
pub(super) fn marking(marked: usize, unmarked: usize, highest: Option<&str>) -> String {
    match (highest, marked, unmarked) {
        (_, 0, _) => "NOT MARKED in the export".into(),
        (Some(h), _, 0) => h.into(),
        (Some(h), _, _) => format!("{h} (an export is NOT MARKED)"),
        (None, _, 0) => "no marked row leaves".into(),
        (None, _, _) => "NOT MARKED in an export; no marked row leaves".into(),
    }
}
