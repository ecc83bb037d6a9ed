//! The Rows screen: the data exactly as it will leave, in a table that draws only the rows in
//! view. The row number and the key (first shared) column stay put while scrolling right.
//! Excluded rows (hidden unless asked for) show their reason instead of their cells.

use super::wrap::wrap;
use super::{block, cut, safe};
pub use crate::tui::layout::table_rows;
use crate::tui::model::{Fate, Model};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

const SIDE: u16 = 26;
/// The row-number column's least width, with the space after it.
const ROW_NO: usize = 7;
const MAX_COL: usize = 24;

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.opts.theme;
    let i = m.rows.input;
    let (Some(job), Some(input)) = (&m.job, m.inputs.get(i)) else {
        return;
    };
    let [top, main] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    let [table_area, side] =
        Layout::horizontal([Constraint::Min(20), Constraint::Length(SIDE)]).areas(main);
    let showing = if m.rows.show_excluded {
        "all rows"
    } else {
        "rows that leave"
    };
    let mut head = vec![Span::styled(
        format!(" {} ", safe(&input.file_name())),
        t.title(),
    )];
    if m.inputs.len() > 1 {
        head.push(Span::raw(format!(
            "(file {} of {}) ",
            i + 1,
            m.inputs.len()
        )));
    }
    head.push(Span::styled(
        format!("period {}, showing {showing}", m.period),
        t.dim(),
    ));
    f.render_widget(Paragraph::new(Line::from(head)), top);

    let outer = block(" As it will leave ", true, t);
    let inner = outer.inner(table_area);
    f.render_widget(outer, table_area);
    let plan = &job.plans[i];
    let labels: Vec<String> = job.output_header(i).iter().map(|h| safe(h)).collect();
    let h = (inner.height as usize).saturating_sub(1);
    let shown = m.rows.visible.page(m.rows.offset, h);
    let fates = m.rows.fates.get(i);

    // Each row in view: its cells as they will leave, or why it does not.
    // The rows come from the page that update keeps (read from memory or the file).
    // With each row, the output columns holding a detail found in free text and not decided.
    type Decided = (u64, Result<Vec<String>, String>, Vec<usize>);
    let decided: Vec<Decided> = shown
        .iter()
        .filter_map(|&r| {
            let k = m.rows.page.binary_search_by_key(&r, |(k, _)| *k).ok()?;
            let row = &m.rows.page[k].1;
            let fate = fates.and_then(|f| f.get(r));
            let d = match fate {
                Some(Fate::Excluded(why)) => Err(why.label(job.profile)),
                _ => job.decide(i, row).map_err(|why| why.label(job.profile)),
            };
            let undecided = fate.map_or_else(Vec::new, |f| {
                f.flagged_columns()
                    .into_iter()
                    .filter(|&c| f.unreviewed_in(c))
                    .collect()
            });
            Some((
                row.number,
                d.map(|cells| cells.iter().map(|c| safe(c)).collect()),
                undecided,
            ))
        })
        .collect();

    let mut widths: Vec<usize> = labels
        .iter()
        .map(|l| l.chars().count().clamp(4, MAX_COL))
        .collect();
    for (_, d, _) in &decided {
        if let Ok(cells) = d {
            for (w, c) in widths.iter_mut().zip(cells) {
                *w = (*w).max(c.chars().count().min(MAX_COL));
            }
        }
    }

    // Wide enough for the largest row number in view (a big export runs to millions).
    let row_no = decided
        .iter()
        .map(|(n, _, _)| n.to_string().len() + 1)
        .max()
        .unwrap_or(0)
        .max(ROW_NO);

    // Columns drawn: the key column, then from `start` so the selected column is in view.
    let width = inner.width as usize;
    let key_w = widths.first().copied().unwrap_or(0) + 1;
    let room = width.saturating_sub(row_no + key_w + 1);
    let sel = m.rows.column.min(widths.len().saturating_sub(1));
    let mut start = sel.max(1);
    while start > 1 && widths[start - 1..=sel].iter().map(|w| w + 1).sum::<usize>() <= room {
        start -= 1;
    }
    let mut cols = vec![0];
    let mut used = 0;
    for (c, w) in widths.iter().enumerate().skip(start) {
        if used + w + 1 > room && !(cols.len() == 1 && c == start) {
            break;
        }
        cols.push(c);
        used += w + 1;
    }

    let buf = f.buffer_mut();
    let y0 = inner.y;
    put(buf, inner.x, y0, "Row", row_no, t.title());
    let mut x = inner.x + row_no as u16;
    for (k, &c) in cols.iter().enumerate() {
        let style = if c == sel { t.cursor() } else { t.title() };
        put(buf, x, y0, &cut(&labels[c], widths[c]), widths[c], style);
        x += widths[c] as u16;
        let sep = if k == 0 && cols.len() > 1 {
            t.divider()
        } else {
            " "
        };
        put(buf, x, y0, sep, 1, t.dim());
        x += 1;
    }
    let right_edge = inner.x + inner.width;
    for (k, (number, d, undecided)) in decided.iter().enumerate() {
        let y = y0 + 1 + k as u16;
        let on_cursor = m.rows.offset + k == m.rows.cursor;
        let row_style = if on_cursor {
            t.cursor_unfocused()
        } else {
            Style::default()
        };
        let shown = format!("{number:>w$}", w = row_no - 1);
        put(buf, inner.x, y, &shown, row_no, row_style);
        // A row with free text still to decide is marked at its number too, so it shows
        // whichever columns are in view.
        if !undecided.is_empty() {
            put(buf, inner.x, y, t.warn_mark(), 1, t.warn());
        }
        let mut x = inner.x + row_no as u16;
        match d {
            Ok(cells) => {
                for (j, &c) in cols.iter().enumerate() {
                    let field = &plan.shared[c].1;
                    let redacted =
                        m.decisions
                            .redactions
                            .contains_key(&(i, *number, field.clone()));
                    // Free text holding somebody's details, not yet decided: marked with the
                    // warning sign, so it reads without colour too.
                    let flagged = undecided.contains(&c);
                    let mut style = if redacted || flagged {
                        t.warn()
                    } else {
                        Style::default()
                    };
                    if on_cursor {
                        style = if c == sel {
                            t.cursor()
                        } else {
                            style.patch(t.cursor_unfocused())
                        };
                    }
                    let cell = cells.get(c).map(String::as_str).unwrap_or("");
                    let text = if flagged {
                        cut(&format!("{} {cell}", t.warn_mark()), widths[c])
                    } else {
                        cut(cell, widths[c])
                    };
                    if x >= right_edge {
                        break;
                    }
                    let w = widths[c].min((right_edge - x) as usize);
                    put(buf, x, y, &text, w, style);
                    x += widths[c] as u16;
                    if x < right_edge {
                        let sep = if j == 0 && cols.len() > 1 {
                            t.divider()
                        } else {
                            " "
                        };
                        put(buf, x, y, sep, 1, t.dim());
                    }
                    x += 1;
                }
            }
            Err(why) => {
                let style = if on_cursor { t.cursor() } else { t.withheld() };
                let text = format!("{} excluded: {}", t.no_mark(), safe(why));
                put(buf, x, y, &text, (right_edge - x) as usize, style);
            }
        }
    }
    if m.rows.visible.is_empty() {
        let msg = if !input.rows_done {
            "Reading rows…"
        } else if m.deciding(i) {
            "Checking rows against the rules…"
        } else {
            "No rows to show."
        };
        put(
            buf,
            inner.x + 1,
            y0 + 1,
            msg,
            inner.width as usize - 1,
            t.dim(),
        );
    }

    draw_side(m, f, side);
}

fn put(buf: &mut Buffer, x: u16, y: u16, s: &str, w: usize, style: Style) {
    let area = buf.area;
    if y >= area.y + area.height || x >= area.x + area.width {
        return;
    }
    buf.set_stringn(x, y, s, w, style);
}

fn draw_side(m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.opts.theme;
    let i = m.rows.input;
    let input = &m.inputs[i];
    let counts = m.rows.counts.get(i).cloned().unwrap_or_default();
    let excluded: u64 = counts.excluded.values().sum();
    let mut lines = vec![Line::from(format!(
        "Read      {}{}",
        input.store.len(),
        if input.rows_done { "" } else { " …" }
    ))];
    if m.deciding(i) {
        let checked = m.rows.fates.get(i).map_or(0, |f| f.len());
        lines.push(Line::from(Span::styled(
            format!("Checking  {checked} …"),
            t.dim(),
        )));
    }
    lines.push(Line::from(Span::styled(
        format!("{} shared  {}", t.ok_mark(), counts.shared),
        t.shared(),
    )));
    let job = m.job.as_ref();
    if let Some(job) = job {
        for line in super::shared_as_agreed(&counts, &job.filter(i)) {
            lines.extend(wrap(Line::styled(line, t.shared()), SIDE - 2, 4));
        }
    }
    lines.push(Line::from(Span::styled(
        format!("{} excluded {excluded}", t.no_mark()),
        if excluded > 0 {
            t.warn()
        } else {
            Style::default()
        },
    )));
    let profile = m.selected_profile().expect("rows need a profile");
    // Grouped by rule: the rule's id, then how many failed it, had no value, or an unreadable
    // one; then those excluded by hand.
    let mut by_rule: Vec<(&str, Vec<(&str, u64)>)> = Vec::new();
    for (why, n) in &counts.excluded {
        let rule = why.rule().unwrap_or("by hand");
        match by_rule.iter_mut().find(|(r, _)| *r == rule) {
            Some((_, kinds)) => kinds.push((why.kind(), *n)),
            None => by_rule.push((rule, vec![(why.kind(), *n)])),
        }
    }
    for (rule, kinds) in by_rule {
        lines.push(Line::from(Span::styled(
            format!(" {}", cut(rule, SIDE as usize - 3)),
            t.dim(),
        )));
        for (kind, n) in kinds {
            lines.push(Line::from(Span::styled(
                format!("  {n:>4} {kind}"),
                t.dim(),
            )));
        }
    }
    let redacted = m
        .decisions
        .redactions
        .keys()
        .filter(|(k, _, _)| *k == i)
        .count();
    if redacted > 0 {
        lines.push(Line::from(format!("Redacted  {redacted}")));
    }
    // Cells that start like a formula leave after a ', so no spreadsheet runs them.
    if counts.neutralised > 0 {
        lines.push(Line::from(format!(
            "Formulas  {} made safe",
            counts.neutralised
        )));
    }
    // Free-text cells holding what looks like somebody's details, by kind, and how many are
    // still to decide (] finds them).
    if !counts.flagged.is_empty() {
        lines.push(Line::from(format!(
            "Free text {} with details",
            counts.flagged_cells
        )));
        let kinds: Vec<String> = counts
            .flagged
            .iter()
            .map(|(kind, n)| format!("{} {}", n.cells, kind.id()))
            .collect();
        lines.extend(wrap(
            Line::styled(format!("  {}", kinds.join(", ")), t.dim()),
            SIDE - 2,
            2,
        ));
        if counts.unreviewed > 0 {
            lines.push(Line::from(Span::styled(
                format!("{} {} to decide (])", t.warn_mark(), counts.unreviewed),
                t.warn(),
            )));
        }
    }
    if let Some(job) = job {
        let marked = super::reads_marking(job, i);
        let marking = super::marking(
            usize::from(marked),
            usize::from(!marked),
            counts.highest_marking(),
        );
        lines.extend(wrap(Line::from(format!("Marking: {marking}")), SIDE - 2, 2));
    }
    if let Some(q) = &m.rows.search {
        lines.push(Line::from(format!("Search “{}”", cut(&safe(q), 12))));
        if m.rows.searching.is_some() {
            lines.push(Line::from(Span::styled(" searching… Esc stops", t.dim())));
        }
    }
    lines.push(Line::default());
    // The highlighted row's reason, in full, if it is excluded.
    if let Some(Fate::Excluded(why)) = m
        .rows
        .visible
        .get(m.rows.cursor)
        .and_then(|r| m.rows.fates.get(i).and_then(|f| f.get(r)))
    {
        lines.push(Line::from(Span::styled(safe(&why.label(profile)), t.dim())));
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(" Counts ", false, t)),
        area,
    );
}
