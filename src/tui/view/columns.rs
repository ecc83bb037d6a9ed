//! The Columns screen: every source column with what happens to it (✓ shared as a field,
//! · read by rules only, ✗ withheld: the default), and every agreed field with the column it
//! comes from or "not in this export", with its justification where one is required.

use super::wrap::wrap;
use super::{block, cut, list, safe};
use crate::apply::ColumnUse;
use crate::tui::model::{ColumnsPane, Model};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub(super) fn draw(m: &Model, f: &mut Frame, area: Rect) {
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
    // Why the job cannot be prepared, wrapped so every word of it (the hint names the key
    // that fixes it) can be read at 80 columns.
    let mut problem = Vec::new();
    if let Some(e) = &m.job_error {
        problem.extend(wrap(
            Line::from(Span::styled(
                format!(" {} {}", t.no_mark(), safe(&e.what)),
                t.bad(),
            )),
            area.width,
            3,
        ));
        problem.extend(wrap(Line::from(format!("   {}", e.hint)), area.width, 3));
    }
    let banner = 1 + problem.len() as u16;
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
    head.extend(problem);
    f.render_widget(Paragraph::new(head), top);

    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(panes);
    let lw = left.width.saturating_sub(4) as usize;
    let label = |id: &str| {
        p.field(id)
            .map(|f| safe(&f.label))
            .unwrap_or_else(|| id.to_string())
    };
    let suggestions = m
        .suggestions
        .get(m.columns.input)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let sources: Vec<Line> = headers
        .iter()
        .enumerate()
        .map(|(c, h)| {
            if let Some(sg) = suggestions.iter().find(|s| s.column == c) {
                return suggested_source(t, h, &label(&sg.field), lw);
            }
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
                (None, _) => {
                    let mut v = vec![
                        Span::styled("- ", t.dim()),
                        Span::styled(cut(&safe(&fld.label), rw / 2), t.dim()),
                    ];
                    match suggestions
                        .iter()
                        .find(|s| s.field == fld.id)
                        .and_then(|s| headers.get(s.column))
                    {
                        Some(h) => {
                            v.push(Span::styled(format!("  suggest: {}", safe(h)), t.warn()))
                        }
                        None => v.push(Span::styled("  not in this export", t.dim())),
                    }
                    v
                }
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
    let suggested = m.highlighted_suggestion();
    let text = match (suggested, field) {
        (Some(sg), _) => {
            let h = headers.get(sg.column).map(|h| safe(h)).unwrap_or_default();
            let lbl = p.field(&sg.field).map(|f| safe(&f.label)).unwrap_or_default();
            format!(
                "“{h}” is withheld. Its header fits {lbl}, which no column supplies: if it holds exactly that, press s to map it."
            )
        }
        (None, Some(fld)) => {
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
        (None, None) => "Withheld columns never leave and are not read. Map a column (m) only if the agreement names what it holds.".into(),
    };
    f.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .style(t.dim()),
        detail,
    );
}

/// A withheld column with a suggestion: its header (cut to half the pane, as on the other
/// lines), two spaces, then what the core suggests in the rest of the line, not padded to the
/// other lines' column so the field's name can be read: `✗ Surname  withheld · suggest:
/// Subject surname` where that fits, `✗ Surname  suggest: Subject surname` where it does not.
fn suggested_source<'a>(t: &Theme, header: &str, label: &str, lw: usize) -> Line<'a> {
    let h = cut(&safe(header), lw / 2);
    let used = h.chars().count() + 2;
    let room = lw.saturating_sub(used);
    let full = format!("suggest: {label}");
    let mut spans = vec![
        Span::styled(format!("{} ", t.no_mark()), t.withheld()),
        Span::raw(format!("{h}  ")),
    ];
    // The old console's fonts may lack the middle dot.
    let withheld = format!("withheld {} ", if t.ascii { "-" } else { "·" });
    if withheld.chars().count() + full.chars().count() <= room {
        spans.push(Span::styled(withheld, t.withheld()));
        spans.push(Span::styled(full, t.warn()));
    } else {
        spans.push(Span::styled(cut(&full, room), t.warn()));
    }
    Line::from(spans)
}
