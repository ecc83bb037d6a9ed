//! The Profile screen: every agreement with its purpose on one line; the highlighted one in
//! full: parties, legal basis, marking, review date and its warnings, plainly. The detail
//! scrolls (Tab to it), so every word can be read in an 80×24 window.

use super::{block, body_height, cut, list, safe, wrap::wrap};
use crate::profile::Profile;
use crate::tui::model::Model;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The list of agreements above, the highlighted one's detail below.
fn panes(m: &Model, area: Rect) -> [Rect; 2] {
    let n = m.catalog.profiles.len().clamp(1, 8) as u16 + 2;
    Layout::vertical([Constraint::Length(n), Constraint::Min(4)]).areas(area)
}

/// The detail of the highlighted agreement at the current window size: (lines it takes once
/// wrapped, lines the pane shows). Update uses it to keep the scroll in range.
pub fn detail_extent(m: &Model) -> (usize, usize) {
    let body = Rect::new(0, 1, m.size.0, body_height(m.size));
    let [_, bottom] = panes(m, body);
    let inner = block("", false, &m.opts.theme).inner(bottom);
    let lines = m
        .catalog
        .profiles
        .get(m.profile_cursor)
        .map_or(0, |p| detail(m, p, inner.width).len());
    (lines, usize::from(inner.height))
}

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.opts.theme;
    let [top, bottom] = panes(m, area);
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
    // The period is chosen here, before the rows it decides; it is never a silent default.
    let latest = crate::dates::Period::previous(m.opts.today);
    let period = format!(
        " Period {}{}: p changes it ",
        m.period,
        if m.period == latest {
            ", last month"
        } else {
            ""
        }
    );
    list(
        f,
        top,
        block(
            " Which agreement is this disclosure under? ",
            !m.profile_detail,
            t,
        )
        .title_bottom(Line::from(period)),
        lines,
        Some(m.profile_cursor),
        !m.profile_detail,
        t,
    );

    let Some(p) = m.catalog.profiles.get(m.profile_cursor) else {
        return;
    };
    let mut pane = block(format!(" {} ", p.id), m.profile_detail, t);
    let inner = pane.clone().inner(bottom);
    let lines = detail(m, p, inner.width);
    let h = usize::from(inner.height);
    let last = lines.len().saturating_sub(h);
    let scroll = usize::from(m.profile_scroll).min(last);
    if lines.len() > h {
        pane = pane.title_bottom(Line::from(position(m, scroll, h, lines.len())).right_aligned());
    }
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(h).collect();
    f.render_widget(Paragraph::new(shown).block(pane), bottom);
}

/// Where the detail is scrolled to, and whether there is more: " lines 1–12 of 20 · more ↓ ".
fn position(m: &Model, scroll: usize, h: usize, len: usize) -> String {
    let ascii = m.opts.theme.ascii;
    let (dash, dot) = if ascii { ("-", ",") } else { ("–", " ·") };
    let mut s = format!(
        " lines {}{dash}{} of {len}",
        scroll + 1,
        (scroll + h).min(len)
    );
    if scroll + h < len {
        s.push_str(&format!("{dot} more {}", if ascii { "v" } else { "↓" }));
    } else if scroll > 0 {
        s.push_str(&format!("{dot} more {}", if ascii { "^" } else { "↑" }));
    }
    if !m.profile_detail {
        s.push_str(&format!("{dot} Tab to scroll"));
    }
    s.push(' ');
    s
}

/// Columns taken by the labels on the left; wrapped text stays to the right of them.
const LABEL: u16 = 14;

/// The agreement in full, wrapped at `width`.
fn detail(m: &Model, p: &Profile, width: u16) -> Vec<Line<'static>> {
    let t = &m.opts.theme;
    let a = &p.agreement;
    let label = |s: &str| Span::styled(format!("{s:<w$}", w = usize::from(LABEL)), t.title());
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
    ]);
    let mut lines: Vec<(Line, u16)> = lines.into_iter().map(|l| (l, LABEL)).collect();
    // One party and one legal basis a line, each a bullet when there are several: each is a
    // sentence of its own, and must not run into the next.
    let bullet = if t.ascii { "- " } else { "• " };
    for (name, items) in [("Parties", &a.parties), ("Legal basis", &a.legal_basis)] {
        let several = items.len() > 1;
        for (i, item) in items.iter().enumerate() {
            let name = if i == 0 { name } else { "" };
            let mark = if several { bullet } else { "" };
            lines.push((
                Line::from(vec![
                    label(name),
                    Span::raw(format!("{mark}{}", safe(item))),
                ]),
                LABEL + if several { 2 } else { 0 },
            ));
        }
    }
    lines
        .into_iter()
        .flat_map(|(l, indent)| wrap(l, width, indent))
        .collect()
}
