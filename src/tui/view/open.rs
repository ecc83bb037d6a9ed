//! The Open screen: a path to type (Tab completes), the current folder's sub-folders and
//! exports, and the files opened so far with what the loader found in the selected one.

use super::{block, cut, list, safe};
use crate::tui::input::{Input, LoadState};
use crate::tui::model::{Model, OpenFocus};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub(super) fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.opts.theme;
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
    let [path_area, browse_area] =
        Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(left);

    // The path input.
    let focused = m.open.focus == OpenFocus::Path;
    let pb = block(" File or folder ", focused, t);
    let inner = pb.inner(path_area);
    f.render_widget(pb, path_area);
    let (text, cur) = m.open.path.display(inner.width.saturating_sub(1) as usize);
    f.render_widget(Paragraph::new(text), inner);
    if focused && m.popup.is_none() && m.help.is_none() {
        f.set_cursor_position(Position::new(inner.x + cur as u16, inner.y));
    }

    // The folder list.
    let focused = m.open.focus == OpenFocus::Browse;
    let dir = safe(&m.open.dir.display().to_string());
    let title = format!(
        " {} ",
        cut(&dir, browse_area.width.saturating_sub(4) as usize)
    );
    let lines: Vec<Line> = if m.open.entries.is_empty() {
        vec![Line::from(Span::styled(
            "(no folders, .csv or .xlsx files here)",
            t.dim(),
        ))]
    } else {
        m.open
            .entries
            .iter()
            .map(|e| {
                if e.is_dir {
                    Line::from(format!("▸ {}/", safe(&e.name)))
                } else {
                    Line::from(format!("  {}", safe(&e.name)))
                }
            })
            .collect()
    };
    let cursor = (!m.open.entries.is_empty()).then_some(m.open.browse_cursor);
    list(
        f,
        browse_area,
        block(title, focused, t),
        lines,
        cursor,
        focused,
        t,
    );

    // The inputs, and the selected one's details.
    let n = m.inputs.len().clamp(1, 4) as u16 + 2;
    let [inputs_area, detail_area] =
        Layout::vertical([Constraint::Length(n), Constraint::Min(3)]).areas(right);
    let focused = m.open.focus == OpenFocus::Inputs;
    let lines: Vec<Line> = if m.inputs.is_empty() {
        vec![Line::from(Span::styled("No file opened yet.", t.dim()))]
    } else {
        m.inputs.iter().map(|i| input_line(m, i)).collect()
    };
    let cursor = (!m.inputs.is_empty()).then_some(m.open.inputs_cursor);
    list(
        f,
        inputs_area,
        block(" Files opened ", focused, t),
        lines,
        cursor,
        focused,
        t,
    );

    let detail = m
        .inputs
        .get(m.open.inputs_cursor)
        .map(|i| details(m, i, detail_area.width.saturating_sub(2) as usize))
        .unwrap_or_else(|| {
            vec![
                Line::from("Open each export to share: CSV or Excel (.xlsx)."),
                Line::from(""),
                Line::from("Type a path and press Enter, or move to the folder list (↓) and press Enter on a file."),
            ]
        });
    f.render_widget(
        Paragraph::new(detail)
            .wrap(Wrap { trim: false })
            .block(block(" What was found ", false, t)),
        detail_area,
    );
}

fn input_line<'a>(m: &Model, i: &Input) -> Line<'a> {
    let t = &m.opts.theme;
    let (mark, style, what) = match i.state() {
        LoadState::Opening => ("…", t.dim(), "opening".to_string()),
        LoadState::Reading(n) => ("…", t.dim(), format!("reading, {n} rows so far")),
        LoadState::Ready(n) => (t.ok_mark(), t.shared(), format!("{n} rows")),
        LoadState::Failed => (t.no_mark(), t.bad(), "cannot be read".to_string()),
    };
    Line::from(vec![
        Span::styled(format!("{mark} "), style),
        Span::raw(safe(&i.file_name())),
        Span::styled(format!("  {what}"), t.dim()),
    ])
}

fn details<'a>(m: &Model, i: &Input, width: usize) -> Vec<Line<'a>> {
    let t = &m.opts.theme;
    let mut out = Vec::new();
    if let Some(table) = &i.table {
        let mut about = format!("Encoding: {}", table.format.encoding_name());
        if let Some(d) = table.format.delimiter_name() {
            about.push_str(&format!(", {d}-separated"));
        }
        if let Some(s) = table.format.sheet() {
            about = format!("Sheet: {} (s to choose another)", safe(s));
        }
        out.push(Line::from(about));
        if let crate::load::Format::Xlsx { sheet, hidden, .. } = &table.format
            && !hidden.is_empty()
        {
            out.push(Line::from(Span::styled(
                format!(
                    "{} {}",
                    t.warn_mark(),
                    crate::text::hidden_cells_warning(sheet, hidden)
                ),
                t.warn(),
            )));
        }
        let rows = match i.state() {
            LoadState::Ready(n) => format!("{n} data rows"),
            LoadState::Reading(n) => format!("counting rows: {n} so far…"),
            _ => String::new(),
        };
        out.push(Line::from(format!(
            "Header on row {} (+/- to move it); {} columns; {rows}",
            table.header_row,
            table.headers.len()
        )));
        let headers: Vec<String> = table.headers.iter().map(|h| safe(h)).collect();
        out.push(Line::from(vec![
            Span::styled("Header: ", t.title()),
            Span::raw(cut(&headers.join(" | "), width.saturating_sub(8) * 2)),
        ]));
        if !i.head.is_empty() {
            out.push(Line::from(Span::styled(
                "First rows under it (check the header is right):",
                t.dim(),
            )));
            for r in &i.head {
                let cells: Vec<String> = r.cells.iter().map(|c| safe(c)).collect();
                out.push(Line::from(cut(
                    &format!("{:>4}: {}", r.number, cells.join(" | ")),
                    width,
                )));
            }
        }
    }
    if let Some(fail) = &i.failure {
        out.push(Line::from(Span::styled(
            format!("{} {}", t.no_mark(), safe(&fail.what)),
            t.bad(),
        )));
        out.push(Line::from(fail.hint.clone()));
    }
    out
}
