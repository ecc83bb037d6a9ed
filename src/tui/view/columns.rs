//! The Columns screen: every source column with what happens to it (✓ shared as a field,
//! · read by rules only, ✗ withheld: the default), and every agreed field with the column it
//! comes from or "not in this export", with its justification where one is required.

use super::{block, cut, list, safe};
use crate::apply::ColumnUse;
use crate::tui::model::{ColumnsPane, Model};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.opts.theme;
    let (Some(p), Some(input)) = (m.selected_profile(), m.inputs.get(m.columns.input)) else {
        return;
    };
    let headers = input
        .table
        .as_ref()
        .map(|t| t.headers.as_slice())
        .unwrap_or(&[]);
    let plan = m.plans.get(m.columns.input);
    let banner = match &m.job_error {
        Some(_) => 3,
        None => 1,
    };
    let [top, panes, detail] = Layout::vertical([
        Constraint::Length(banner),
        Constraint::Min(3),
        Constraint::Length(3),
    ])
    .areas(area);
    let mut head = vec![Line::from(vec![
        Span::styled(format!(" {} ", safe(&input.file_name())), t.title()),
        Span::raw(if m.inputs.len() > 1 {
            format!(
                "(file {} of {}, [ and ] to switch)  ",
                m.columns.input + 1,
                m.inputs.len()
            )
        } else {
            String::new()
        }),
        Span::styled(format!("under {}", p.id), t.dim()),
    ])];
    if let Some(e) = &m.job_error {
        head.push(Line::from(Span::styled(
            format!(" {} {}", t.no_mark(), safe(&e.what)),
            t.bad(),
        )));
        head.push(Line::from(format!("   {}", e.hint)));
    }
    f.render_widget(Paragraph::new(head), top);

    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(panes);
    let lw = left.width.saturating_sub(4) as usize;
    let label = |id: &str| {
        p.field(id)
            .map(|f| safe(&f.label))
            .unwrap_or_else(|| id.to_string())
    };
    let sources: Vec<Line> = headers
        .iter()
        .enumerate()
        .map(|(c, h)| {
            let (mark, style, what) = match plan.and_then(|p| p.columns.get(c)) {
                Some(ColumnUse::Shared { field }) => {
                    (t.ok_mark(), t.shared(), format!("→ {}", label(field)))
                }
                Some(ColumnUse::RuleOnly { field }) => (
                    t.rule_mark(),
                    t.rule_only(),
                    format!("rules only: {}", label(field)),
                ),
                _ => (t.no_mark(), t.withheld(), "withheld".to_string()),
            };
            let h = cut(&safe(h), lw / 2);
            Line::from(vec![
                Span::styled(format!("{mark} "), style),
                Span::raw(format!("{h:<w$} ", w = lw / 2)),
                Span::styled(cut(&what, lw.saturating_sub(lw / 2 + 1)), style),
            ])
        })
        .collect();
    let focus = m.columns.pane;
    list(
        f,
        left,
        block(" Source columns ", focus == ColumnsPane::Sources, t),
        sources,
        Some(m.columns.source_cursor),
        focus == ColumnsPane::Sources,
        t,
    );

    let rw = right.width.saturating_sub(4) as usize;
    let needs_why = !p.agreement.prescriptive;
    let fields: Vec<Line> = p
        .all_fields()
        .map(|fld| {
            let col = plan.and_then(|pl| pl.by_field.get(&fld.id)).copied();
            let mut spans = match (col, fld.shared) {
                (Some(c), true) => vec![
                    Span::styled(format!("{} ", t.ok_mark()), t.shared()),
                    Span::raw(cut(&safe(&fld.label), rw / 2)),
                    Span::styled(format!(" ← {}", safe(&headers[c])), t.shared()),
                ],
                (Some(c), false) => vec![
                    Span::styled(format!("{} ", t.rule_mark()), t.rule_only()),
                    Span::raw(cut(&safe(&fld.label), rw / 2)),
                    Span::styled(format!(" ← {} (rules)", safe(&headers[c])), t.rule_only()),
                ],
                (None, _) => vec![
                    Span::styled("- ", t.dim()),
                    Span::styled(cut(&safe(&fld.label), rw / 2), t.dim()),
                    Span::styled("  not in this export", t.dim()),
                ],
            };
            if needs_why && col.is_some() && fld.shared {
                if m.decisions.justifications.contains_key(&fld.id) {
                    spans.push(Span::styled(" [justified]", t.shared()));
                } else {
                    spans.push(Span::styled(" [why? e]", t.bad()));
                }
            }
            Line::from(spans)
        })
        .collect();
    list(
        f,
        right,
        block(" Agreed fields ", focus == ColumnsPane::Fields, t),
        fields,
        Some(m.columns.field_cursor),
        focus == ColumnsPane::Fields,
        t,
    );

    // What the highlighted field is, and its justification.
    let field = match focus {
        ColumnsPane::Fields => p.all_fields().nth(m.columns.field_cursor),
        ColumnsPane::Sources => match plan.and_then(|pl| pl.columns.get(m.columns.source_cursor)) {
            Some(ColumnUse::Shared { field } | ColumnUse::RuleOnly { field }) => p.field(field),
            _ => None,
        },
    };
    let text = match field {
        Some(fld) => {
            let mut s = format!(
                "{}: {} data, agreement {}.",
                safe(&fld.label),
                fld.category.name(),
                safe(&fld.section)
            );
            if let Some(j) = m.decisions.justifications.get(&fld.id) {
                s.push_str(&format!(" Why: {}", safe(j)));
            }
            s
        }
        None => "Withheld columns never leave and are not read. Map a column (m) only if the agreement names what it holds.".into(),
    };
    f.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .style(t.dim()),
        detail,
    );
}
