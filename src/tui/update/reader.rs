//! The viewer: any text the screens cut short, read in full and scrolled like `less`. On Rows,
//! the highlighted cell and its row as they will leave, or why the row does not and the values
//! the rule read; on Package, the highlighted line in full and everything that still stops
//! the bundle. Nothing here is written anywhere: the text lives in the popup until it closes.

use crate::text::printable as safe;
use crate::tui::model::{Fate, Model, PackItem, Popup};
use crate::tui::msg::Action;

/// Keys in the viewer: the moving keys scroll, Esc (q, o, Enter) closes.
pub(super) fn action(m: &mut Model, a: Action) {
    let size = m.size;
    let Some(Popup::View {
        lines,
        marks,
        scroll,
        ..
    }) = &mut m.popup
    else {
        return;
    };
    let (w, h) = crate::tui::layout::viewer_size(size);
    let total = crate::tui::view::viewer_lines(lines, marks, w, Default::default()).len();
    let h = usize::from(h).max(1);
    let last = total.saturating_sub(h);
    *scroll = match a {
        Action::Up => scroll.saturating_sub(1),
        Action::Down => (*scroll + 1).min(last),
        Action::PageUp => scroll.saturating_sub(h),
        Action::PageDown => (*scroll + h).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        Action::Back => {
            m.popup = None;
            return;
        }
        // A cell read from Rows: decide it as Rows does (the cursor is still on it).
        Action::RedactDetails | Action::KeepDetails | Action::RedactCell
            if m.screen == crate::tui::model::Screen::Rows =>
        {
            m.popup = None;
            return super::rows::action(m, a);
        }
        _ => *scroll,
    };
}

fn show(m: &mut Model, title: String, lines: Vec<String>) {
    show_marked(m, title, lines, Vec::new());
}

fn show_marked(
    m: &mut Model,
    title: String,
    lines: Vec<String>,
    marks: Vec<(usize, std::ops::Range<usize>)>,
) {
    m.popup = Some(Popup::View {
        title,
        lines,
        marks,
        scroll: 0,
    });
}

/// `text` made safe to draw, with the byte ranges (in what is drawn) of the details found in
/// it.
fn with_spans(text: &str) -> (String, Vec<std::ops::Range<usize>>) {
    let (mut out, mut ranges, mut at) = (String::new(), Vec::new(), 0);
    for s in crate::freetext::find(text) {
        out.push_str(&safe(&text[at..s.start]));
        let start = out.len();
        out.push_str(&safe(&text[s.start..s.end]));
        ranges.push(start..out.len());
        at = s.end;
    }
    out.push_str(&safe(&text[at..]));
    (out, ranges)
}

/// Rows: the highlighted cell in full, then the whole row as it will leave; or, for an
/// excluded row, why, and the value behind the rule's verdict.
pub(super) fn open_row(m: &mut Model) {
    let i = m.rows.input;
    let Some(r) = m.rows.visible.get(m.rows.cursor) else {
        return m.info("No row is highlighted.");
    };
    let row = match super::fates::row_at(m, i, r) {
        Ok(row) => row,
        Err(f) => return m.problem(f),
    };
    let (Some(job), Some(input)) = (&m.job, m.inputs.get(i)) else {
        return;
    };
    let Some(table) = input.table.as_ref() else {
        return;
    };
    let n = row.number;
    let plan = &job.plans[i];
    let labels = job.output_header(i);
    let cell = |col: usize| {
        let v = row.cells.get(col).map_or("", String::as_str);
        if v.is_empty() {
            "(empty)".to_string()
        } else {
            safe(v)
        }
    };
    match m.rows.fates.get(i).and_then(|f| f.get(r)).cloned() {
        Some(Fate::Excluded(why)) => {
            let mut lines = vec![
                format!("Row {n} does not leave: {}", safe(&why.label(job.profile))),
                String::new(),
            ];
            if let Some(rule) = why
                .rule()
                .and_then(|id| job.profile.rules.iter().find(|x| x.id == id))
            {
                lines.push(format!(
                    "The rule ({}): {}",
                    safe(&rule.section),
                    safe(&rule.description)
                ));
                lines.push("What it read in this row:".into());
                for field in rule.fields() {
                    match plan.by_field.get(field) {
                        Some(&col) => lines.push(format!(
                            "  {}: {}",
                            safe(table.headers.get(col).map_or("", String::as_str)),
                            cell(col)
                        )),
                        None => lines.push(format!("  {field}: no column in this export")),
                    }
                }
            }
            let title = format!("Row {n}, excluded");
            show(m, title, lines);
        }
        _ => {
            let out = match job.decide(i, &row) {
                Ok(cells) => cells,
                Err(_) => return,
            };
            let sel = m.rows.column.min(out.len().saturating_sub(1));
            let Some(label) = labels.get(sel) else { return };
            let mut lines = Vec::new();
            let mut marks = Vec::new();
            let (col, field) = &plan.shared[sel];
            let key = (i, n, field.clone());
            let flags: Vec<crate::apply::Flag> = m
                .rows
                .fates
                .get(i)
                .and_then(|f| f.get(r))
                .map(|f| {
                    f.flags()
                        .iter()
                        .filter(|x| x.column == sel)
                        .copied()
                        .collect()
                })
                .unwrap_or_default();
            if let Some(why) = m.decisions.redactions.get(&key) {
                lines.push(format!("Redacted by hand: {}", safe(why)));
                lines.push(safe(&out[sel]));
            } else if !flags.is_empty() {
                // Free text holding what looks like somebody's details: the text as written,
                // each detail highlighted, then what becomes of it and the keys that decide.
                let mut kinds: Vec<&str> = flags.iter().map(|f| f.kind.label()).collect();
                kinds.sort_unstable();
                kinds.dedup();
                lines.push(format!(
                    "Found in this free text (highlighted): {}.",
                    kinds.join(", ")
                ));
                let flag_key = (i, n, crate::apply::cell_key(plan, sel));
                lines.push(match m.decisions.flagged.get(&flag_key) {
                    Some(crate::apply::Flagged::RedactSpans { reason, only }) if !only.is_empty() => {
                        let chosen: Vec<&str> = only.iter().map(|k| k.label()).collect();
                        format!(
                            "Decided: the {} leave(s) as [REDACTED: kind], the other details as written ({}). d again undoes it.",
                            chosen.join(", "),
                            safe(reason)
                        )
                    }
                    Some(crate::apply::Flagged::RedactSpans { reason, .. }) => format!(
                        "Decided: the details leave as [REDACTED: kind] ({}). d again undoes it.",
                        safe(reason)
                    ),
                    Some(crate::apply::Flagged::Keep { reason }) => format!(
                        "Decided: the cell leaves as it is ({}). a again undoes it.",
                        safe(reason)
                    ),
                    None if flags
                        .iter()
                        .all(|f| f.fate == crate::apply::FlagFate::Redacted) =>
                    {
                        "Redacted with every detail of its kind (Package, Redact all).".into()
                    }
                    None => "Not decided: d redacts the details, a keeps the cell as it is, r redacts the whole cell; each asks why.".into(),
                });
                lines.push(String::new());
                lines.push("As written:".into());
                let (text, ranges) = with_spans(row.cells.get(*col).map_or("", String::as_str));
                marks.extend(ranges.into_iter().map(|r| (lines.len(), r)));
                lines.push(text);
                if out[sel] != row.cells.get(*col).cloned().unwrap_or_default() {
                    lines.push(String::new());
                    lines.push("As it will leave:".into());
                    lines.push(safe(&out[sel]));
                }
            } else {
                lines.push(safe(&out[sel]));
            }
            lines.push(String::new());
            lines.push("The whole row, as it will leave:".into());
            for (l, v) in labels.iter().zip(&out) {
                lines.push(format!("  {}: {}", safe(l), safe(v)));
            }
            // The marking this row carries (issue 18 item 8): the partner handles each row as
            // marked, and the bundle is labelled with the highest.
            let marking = match m.rows.fates.get(i).and_then(|f| f.get(r)) {
                Some(Fate::Shared(judged, ..)) => judged.marking.map_or_else(
                    || "none read (the export has no marking column)".to_string(),
                    |k| {
                        crate::profile::MARKING_NAMES
                            .get(usize::from(k))
                            .map_or("(unknown)", |n| n)
                            .to_string()
                    },
                ),
                _ => String::new(),
            };
            if !marking.is_empty() {
                lines.push(format!("  Protective marking: {marking}"));
            }
            let title = format!("Row {n}, {}", safe(label));
            show_marked(m, title, lines, marks);
        }
    }
}

/// Package: the highlighted line in full (a warning, a checklist question and its answer),
/// then what will leave and what still stops the bundle.
pub(super) fn open_package(m: &mut Model) {
    let items = m.package_items();
    let Some(p) = m.selected_profile() else {
        return;
    };
    let mut lines = Vec::new();
    let title = match items.get(m.package.cursor) {
        Some(PackItem::Warning(k)) => {
            let Some(w) = m.job.as_ref().and_then(|j| j.warnings.get(*k)) else {
                return;
            };
            let ack = m.acknowledged.contains(&w.code);
            lines.push(format!("{} ({})", safe(&w.message), safe(&w.section)));
            lines.push(String::new());
            lines.push(if ack {
                "Acknowledged (Space on the line undoes it).".into()
            } else {
                "Not acknowledged yet: Space on the line acknowledges it.".into()
            });
            format!("Warning {}", safe(&w.code))
        }
        Some(PackItem::Checklist(k)) => {
            let Some(c) = p.checklist.get(*k) else { return };
            lines.push(format!("{} ({})", safe(&c.question), safe(&c.section)));
            lines.push(String::new());
            lines.push(match m.package.checklist.get(*k).cloned().flatten() {
                Some(a) => format!("Answer: {}", safe(&a)),
                None => "Not answered yet.".into(),
            });
            format!("Checklist question {}", k + 1)
        }
        Some(PackItem::FreeText) => {
            lines.push(crate::tui::view::free_text_detail(m));
            let ack = m.acknowledged.contains(crate::job::FREE_TEXT_REVIEWED);
            lines.push(String::new());
            lines.push(if ack {
                "Acknowledged: the cells not decided may leave as they are (Space on the line undoes it).".into()
            } else {
                "Not acknowledged: Space on the line says you have read them and they may leave.".into()
            });
            "Free text".to_string()
        }
        _ => "Package".to_string(),
    };
    if !lines.is_empty() {
        lines.push(String::new());
    }
    if let Some(job) = &m.job {
        lines.push("What will leave:".into());
        for (i, input) in m.inputs.iter().enumerate() {
            let c = m.rows.counts.get(i).cloned().unwrap_or_default();
            let excluded: u64 = c.excluded.values().sum();
            lines.push(format!(
                "  {}: {} rows leave, {excluded} excluded",
                safe(&input.file_name()),
                c.shared
            ));
            let labels: Vec<String> = job.output_header(i).iter().map(|h| safe(h)).collect();
            lines.push(format!(
                "  {} column(s): {}",
                labels.len(),
                labels.join(", ")
            ));
        }
        if !m.flagged().is_empty() {
            lines.push(crate::tui::view::free_text_detail(m));
        }
        lines.push(String::new());
    }
    let blockers = crate::tui::readiness::blockers(m);
    if blockers.is_empty() {
        lines.push("Ready: press w to write the bundle.".into());
    } else {
        lines.push("Before writing:".into());
        lines.extend(blockers.iter().map(|b| format!("  - {b}")));
    }
    show(m, title, lines);
}
