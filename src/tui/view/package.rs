//! The Package screen: who can open the bundle, the period, who discloses on whose authority,
//! the output folder, the agreement's checklist and warnings; beside them, exactly what will
//! leave and what still stops the bundle being written.

use super::wrap::wrap;
use super::{block, cut, list, safe};
use crate::apply::ColumnUse;
use crate::tui::model::{Model, PackItem};
use crate::tui::readiness;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.opts.theme;
    let Some(p) = m.selected_profile() else {
        return;
    };
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
    let [items_area, detail_area] =
        Layout::vertical([Constraint::Min(5), Constraint::Length(5)]).areas(left);
    let w = items_area.width.saturating_sub(4) as usize;
    let name = |s: &str| format!("{s:<13}");
    let empty = |s: &str, what: &str| {
        if s.trim().is_empty() {
            Span::styled(format!("({what})"), t.bad())
        } else {
            Span::raw(safe(s))
        }
    };
    let items = m.package_items();
    let lines: Vec<Line> = items
        .iter()
        .map(|item| match *item {
            PackItem::Recipient(k) => {
                let r = &m.package.recipients[k];
                Line::from(vec![
                    Span::styled(format!("{} ", t.ok_mark()), t.shared()),
                    Span::raw(name("Encrypt to")),
                    Span::raw(cut(
                        &format!("{} {}", safe(r.label()), r.fingerprint()),
                        w.saturating_sub(15),
                    )),
                ])
            }
            PackItem::NoRecipient => Line::from(vec![
                Span::styled(format!("{} ", t.no_mark()), t.bad()),
                Span::raw(name("Encrypt to")),
                Span::styled("nobody yet: a adds a key", t.bad()),
            ]),
            PackItem::Passphrase => Line::from(vec![
                Span::styled(format!("{} ", t.ok_mark()), t.shared()),
                Span::raw(name("Encrypt to")),
                Span::raw("a passphrase (********)"),
            ]),
            PackItem::Period => Line::from(format!("  {}{}", name("Period"), m.period)),
            PackItem::Analyst => Line::from(vec![
                Span::raw(format!("  {}", name("Analyst"))),
                empty(&m.package.analyst, "your name"),
            ]),
            PackItem::AuthorisedBy => Line::from(vec![
                Span::raw(format!("  {}", name("Authorised by"))),
                empty(&m.package.authorised_by, "required"),
            ]),
            PackItem::OutDir => Line::from(format!(
                "  {}{}",
                name("Folder"),
                cut(&safe(&m.package.out_dir), w.saturating_sub(15))
            )),
            PackItem::Checklist(k) => {
                let q = p
                    .checklist
                    .get(k)
                    .map(|c| safe(&c.question))
                    .unwrap_or_default();
                let answered = m.package.checklist.get(k).is_some_and(|a| a.is_some());
                Line::from(vec![
                    Span::raw(if answered {
                        format!("{} ", t.ok_mark())
                    } else {
                        "? ".into()
                    }),
                    Span::raw(name(&format!("Checklist {}", k + 1))),
                    Span::raw(cut(&q, w.saturating_sub(15))),
                ])
            }
            PackItem::Warning(k) => {
                let code = m
                    .job
                    .as_ref()
                    .and_then(|j| j.warnings.get(k))
                    .map(|w| w.code.clone())
                    .unwrap_or_default();
                let ack = m.acknowledged.contains(&code);
                Line::from(vec![
                    Span::styled(
                        if ack {
                            format!("{} ", t.ok_mark())
                        } else {
                            format!("{} ", t.warn_mark())
                        },
                        if ack { t.shared() } else { t.warn() },
                    ),
                    Span::raw(name("Warning")),
                    Span::raw(format!(
                        "{} {}",
                        safe(&code),
                        if ack { "(acknowledged)" } else { "(Space)" },
                    )),
                ])
            }
        })
        .collect();
    list(
        f,
        items_area,
        block(" Package ", true, t),
        lines,
        Some(m.package.cursor),
        true,
        t,
    );

    // The highlighted item in full.
    let detail = match items.get(m.package.cursor) {
        Some(PackItem::Checklist(k)) => {
            let c = &p.checklist[*k];
            let a = m.package.checklist[*k].clone().unwrap_or_else(|| "(not answered: Enter to answer)".into());
            format!("{} ({}) Answer: {}", safe(&c.question), safe(&c.section), safe(&a))
        }
        Some(PackItem::Warning(k)) => m
            .job
            .as_ref()
            .and_then(|j| j.warnings.get(*k))
            .map(|w| format!("{} ({})", safe(&w.message), safe(&w.section)))
            .unwrap_or_default(),
        Some(PackItem::Recipient(k)) => {
            let r = &m.package.recipients[*k];
            format!("{} {}", safe(r.label()), r.public_key())
        }
        Some(PackItem::AuthorisedBy) => p.agreement.authority.clone().map(|a| safe(&a)).unwrap_or_default(),
        _ => "Enter edits the highlighted line. a adds a partner's key, f a recipients file, p a passphrase.".into(),
    };
    f.render_widget(
        Paragraph::new(detail)
            .wrap(Wrap { trim: true })
            .block(block("", false, t)),
        detail_area,
    );

    draw_summary(m, f, right);
}

fn draw_summary(m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.opts.theme;
    let Some(job) = &m.job else { return };
    let width = area.width.saturating_sub(2);
    let mut lines = vec![Line::from(Span::styled(
        format!("Under {}", job.profile.id),
        t.title(),
    ))];
    for (i, input) in m.inputs.iter().enumerate() {
        let c = m.rows.counts.get(i).cloned().unwrap_or_default();
        let excluded: u64 = c.excluded.values().sum();
        lines.push(Line::from(if m.deciding(i) {
            // The rows are decided again (the period or a decision changed): counts so far.
            format!(
                "{}: checking the rows… {} leave so far",
                safe(&input.file_name()),
                c.shared
            )
        } else {
            format!(
                "{}: {} rows leave, {} excluded",
                safe(&input.file_name()),
                c.shared,
                excluded
            )
        }));
        for line in super::shared_as_agreed(&c, &job.filter(i)) {
            lines.extend(wrap(Line::styled(line, t.shared()), width, 4));
        }
        let labels: Vec<String> = job.output_header(i).iter().map(|h| safe(h)).collect();
        lines.push(Line::from(Span::styled(
            format!(
                "  {} {} column(s): {}",
                t.ok_mark(),
                labels.len(),
                labels.join(", ")
            ),
            t.shared(),
        )));
        let withheld = job.plans[i]
            .columns
            .iter()
            .filter(|u| **u == ColumnUse::Withheld)
            .count();
        lines.push(Line::from(Span::styled(
            format!("  {} {withheld} column(s) withheld", t.no_mark()),
            t.withheld(),
        )));
    }
    let marked = (0..m.inputs.len())
        .filter(|&i| super::reads_marking(job, i))
        .count();
    let highest = m
        .rows
        .counts
        .iter()
        .filter_map(|c| c.highest_marking())
        .max_by_key(|name| crate::profile::MARKING_NAMES.iter().position(|n| n == name));
    let marking = super::marking(marked, m.inputs.len() - marked, highest);
    lines.extend(wrap(Line::from(format!("Marking: {marking}")), width, 2));
    let by_hand = m.decisions.manual_exclusions.len();
    let redacted = m.decisions.redactions.len();
    if by_hand + redacted > 0 {
        lines.push(Line::from(format!(
            "By hand: {by_hand} row(s) excluded, {redacted} cell(s) redacted"
        )));
    }
    lines.push(Line::default());
    let blockers = readiness::blockers(m);
    if blockers.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("{} Ready: press w to write the bundle.", t.ok_mark()),
            t.good(),
        )));
    } else {
        lines.push(Line::from(Span::styled("Before writing:", t.bad())));
        for b in blockers {
            lines.push(Line::from(format!("{} {b}", t.no_mark())));
        }
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(" What will leave ", false, t)),
        area,
    );
}
