//! The Profile screen: every agreement with its purpose on one line; the highlighted one in
//! full: parties, legal basis, marking, review date and its warnings, plainly.

use super::{block, cut, list, safe};
use crate::tui::model::Model;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.opts.theme;
    let n = m.catalog.profiles.len().clamp(1, 8) as u16 + 2;
    let [top, bottom] = Layout::vertical([Constraint::Length(n), Constraint::Min(4)]).areas(area);
    let w = top.width.saturating_sub(4) as usize;
    let lines: Vec<Line> = m
        .catalog
        .profiles
        .iter()
        .map(|p| {
            let id = format!("{:<26}", p.id);
            Line::from(vec![
                Span::styled(id, t.title()),
                Span::raw(cut(&safe(&p.agreement.purpose), w.saturating_sub(27))),
            ])
        })
        .collect();
    list(
        f,
        top,
        block(" Which agreement is this disclosure under? ", true, t),
        lines,
        Some(m.profile_cursor),
        true,
        t,
    );

    let Some(p) = m.catalog.profiles.get(m.profile_cursor) else {
        return;
    };
    let a = &p.agreement;
    let label = |s: &str| Span::styled(format!("{s:<14}"), t.title());
    // What must not be missed first: the review date and the warnings; then the detail.
    let mut lines = vec![Line::from(vec![
        label("Agreement"),
        Span::raw(safe(&a.title)),
    ])];
    let mut review = vec![label("Review due"), Span::raw(a.review_due.to_string())];
    if m.opts.today > a.review_due {
        review.push(Span::styled(
            format!("  {} OVERDUE", t.warn_mark()),
            t.warn(),
        ));
    }
    lines.push(Line::from(review));
    for w in p.warnings_on(m.opts.today) {
        lines.push(Line::from(vec![
            Span::styled(format!("{} Warning     ", t.warn_mark()), t.warn()),
            Span::raw(format!("{}: {}", safe(&w.code), safe(&w.message))),
        ]));
    }
    lines.extend([
        Line::from(vec![
            label("Marking"),
            Span::raw(format!("no higher than {}", safe(&a.max_marking_text))),
        ]),
        Line::from(vec![
            label("Fields"),
            Span::raw(format!(
                "{} may be shared{}",
                p.fields.len(),
                if a.prescriptive {
                    ""
                } else {
                    "; each shared field must be justified"
                }
            )),
        ]),
        Line::from(vec![label("Purpose"), Span::raw(safe(&a.purpose))]),
        Line::from(vec![
            label("Parties"),
            Span::raw(safe(&a.parties.join("; "))),
        ]),
        Line::from(vec![
            label("Legal basis"),
            Span::raw(safe(&a.legal_basis.join("; "))),
        ]),
    ]);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(format!(" {} ", p.id), false, t)),
        bottom,
    );
}
