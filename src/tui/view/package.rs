//! The Package screen: who can open the bundle, the period, who discloses on whose authority,
//! the output folder, the agreement's checklist and warnings; beside them, exactly what will
//! leave and what still stops the bundle being written.

use super::wrap::wrap;
use super::{block, cut, list, safe};
use crate::apply::ColumnUse;
use crate::profile::{AnswerKind, ChecklistItem};
use crate::tui::model::{Model, PackItem};
use crate::tui::readiness;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub(super) fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.opts.theme;
    let Some(p) = m.selected_profile() else {
        return;
    };
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
    let [items_area, detail_area] =
        Layout::vertical([Constraint::Min(5), Constraint::Length(5)]).areas(left);
    let w = items_area.width.saturating_sub(4) as usize;
    // Labels padded to one width, with a space after the longest ("Authorised by").
    let name = |s: &str| format!("{s:<LABEL$}");
    let empty_cut = |s: &str, what: &str| {
        if s.trim().is_empty() {
            Span::styled(format!("({what})"), t.bad())
        } else {
            Span::raw(cut(&safe(s), w.saturating_sub(LABEL + 2)))
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
                        w.saturating_sub(LABEL + 2),
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
                empty_cut(&m.package.analyst, "your name"),
            ]),
            PackItem::Reason => Line::from(vec![
                Span::raw(format!("  {}", name("Reason"))),
                empty_cut(&m.package.reason, "required: why this bundle is made"),
            ]),
            PackItem::Basis => Line::from(vec![
                Span::raw(format!("  {}", name("Basis"))),
                match &m.package.basis {
                    Some(id) => Span::raw(cut(&safe(id), w.saturating_sub(LABEL + 2))),
                    None => Span::styled("(required: Enter to choose)", t.bad()),
                },
            ]),
            PackItem::AuthorisedBy => Line::from(vec![
                Span::raw(format!("  {}", name("Authorised by"))),
                empty_cut(&m.package.authorised_by, "required"),
            ]),
            PackItem::AuthorisedAt => Line::from(vec![
                Span::raw(format!("  {}", name("Authorised at"))),
                empty_cut(
                    &m.package.authorised_at,
                    "required: YYYY-MM-DD HH:MM, t for now",
                ),
            ]),
            PackItem::OutDir => Line::from(format!(
                "  {}{}",
                name("Folder"),
                cut(&safe(&m.package.out_dir), w.saturating_sub(LABEL + 2))
            )),
            PackItem::Checklist(k) => {
                let Some(c) = p.checklist.get(k) else {
                    return Line::default();
                };
                let q = safe(&c.question);
                let rest = w.saturating_sub(LABEL + 2);
                let label = name(&format!("Checklist {}", k + 1));
                match answer(c, m.package.checklist.get(k).cloned().flatten()) {
                    Answer::None => {
                        let how = match c.answer {
                            AnswerKind::YesNo => "y/n",
                            AnswerKind::Text => "Enter",
                        };
                        Line::from(vec![
                            Span::styled("? ", t.warn()),
                            Span::raw(label),
                            Span::raw(cut(&format!("({how}) {q}"), rest)),
                        ])
                    }
                    Answer::Taken(a) => Line::from(vec![
                        Span::styled(format!("{} ", t.ok_mark()), t.shared()),
                        Span::raw(label),
                        Span::raw(cut(&format!("{}: {q}", safe(&a)), rest)),
                    ]),
                    Answer::Stops(a, _) => Line::from(vec![
                        Span::styled(format!("{} ", t.warn_mark()), t.warn()),
                        Span::styled(label, t.warn()),
                        Span::styled(
                            cut(&format!("{a}: sharing must not go ahead"), rest),
                            t.warn(),
                        ),
                    ]),
                    Answer::Unreadable(_) => Line::from(vec![
                        Span::styled(format!("{} ", t.no_mark()), t.bad()),
                        Span::raw(label),
                        Span::styled(cut(&format!("(answer again) {q}"), rest), t.bad()),
                    ]),
                }
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
            PackItem::FreeText => {
                let (left, ack) = (
                    m.unreviewed(),
                    m.acknowledged.contains(crate::job::FREE_TEXT_REVIEWED),
                );
                let cells = m.flagged_cells();
                let (mark, style, text) = match (left, ack) {
                    (0, _) => (
                        t.ok_mark(),
                        t.shared(),
                        format!("all {cells} cell(s) decided"),
                    ),
                    (_, true) => (
                        t.ok_mark(),
                        t.shared(),
                        format!("{left} left, acknowledged"),
                    ),
                    _ => (t.warn_mark(), t.warn(), format!("{left} to decide (Space)")),
                };
                Line::from(vec![
                    Span::styled(format!("{mark} "), style),
                    Span::raw(name("Free text")),
                    Span::raw(cut(&text, w.saturating_sub(LABEL + 2))),
                ])
            }
            PackItem::RedactKind(k) => {
                let on = m.decisions.redact_flagged.contains(&k);
                let cells = m.flagged().get(&k).map_or(0, |t| t.cells);
                // (The detail under the list says Space redacts them all.)
                let text = format!("{cells} {}", k.label());
                Line::from(vec![
                    if on {
                        Span::styled(format!("{} ", t.ok_mark()), t.shared())
                    } else {
                        Span::raw("  ")
                    },
                    Span::raw(name(if on { "Redacted all" } else { "Redact all" })),
                    Span::raw(cut(&text, w.saturating_sub(LABEL + 2))),
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
    let detail: Vec<Line> = match items.get(m.package.cursor) {
        Some(PackItem::Checklist(k)) => {
            let c = &p.checklist[*k];
            let q = format!("{} ({})", safe(&c.question), safe(&c.section));
            match answer(c, m.package.checklist.get(*k).cloned().flatten()) {
                Answer::None => vec![
                    Line::from(q),
                    Line::from(match c.answer {
                        AnswerKind::YesNo => "Not answered: y yes, n no (or Enter).",
                        AnswerKind::Text => "Not answered: Enter to answer.",
                    }),
                ],
                Answer::Taken(a) => vec![Line::from(q), Line::from(format!("Answer: {}", safe(&a)))],
                Answer::Stops(a, because) => vec![Line::styled(
                    format!(
                        "Answered {a}: the agreement says the sharing must not go ahead. {}",
                        safe(&because)
                    ),
                    t.warn(),
                )],
                Answer::Unreadable(why) => vec![
                    Line::from(q),
                    Line::styled(format!("The answer cannot be taken: {}.", safe(&why)), t.bad()),
                ],
            }
        }
        Some(PackItem::Warning(k)) => vec![Line::from(
            m.job
                .as_ref()
                .and_then(|j| j.warnings.get(*k))
                .map(|w| format!("{} ({})", safe(&w.message), safe(&w.section)))
                .unwrap_or_default(),
        )],
        Some(PackItem::Recipient(k)) => {
            let r = &m.package.recipients[*k];
            vec![Line::from(format!("{} {}", safe(r.label()), r.public_key()))]
        }
        Some(PackItem::Reason) => vec![Line::from(if m.package.reason.trim().is_empty() {
            "Why this bundle is made (Enter). It is recorded in the bundle and the register: do not name a data subject.".to_string()
        } else {
            safe(&m.package.reason)
        })],
        Some(PackItem::Basis) => vec![Line::from(
            m.package
                .basis
                .as_deref()
                .and_then(|id| crate::grounds::basis(p, id))
                .map(|b| safe(&b.text))
                .unwrap_or_else(|| {
                    "The agreement lists alternative legal bases: Enter to choose the one this bundle relies on.".into()
                }),
        )],
        Some(PackItem::AuthorisedBy) => vec![Line::from(
            p.agreement
                .authority
                .as_deref()
                .map(|a| format!("{}: somebody other than you.", safe(a)))
                .unwrap_or_default(),
        )],
        Some(PackItem::FreeText) => vec![Line::from(free_text_detail(m))],
        Some(PackItem::RedactKind(k)) => vec![Line::from(format!(
            "Space redacts every {} found in free text as {}; again: undo.",
            k.label(),
            k.redacted()
        ))],
        Some(PackItem::AuthorisedAt) => vec![Line::from(
            "When the authority was given, local time, YYYY-MM-DD HH:MM (Enter); t fills in the time now.",
        )],
        _ => vec![Line::from(
            "Enter edits the highlighted line. a adds a partner's key, f a recipients file, p a passphrase.",
        )],
    };
    f.render_widget(
        Paragraph::new(detail)
            .wrap(Wrap { trim: true })
            .block(block("", false, t)),
        detail_area,
    );

    draw_summary(m, f, right);
}

/// The Free text line in full: what was found, by kind, and how to deal with it.
pub fn free_text_detail(m: &Model) -> String {
    let found: Vec<String> = m
        .flagged()
        .iter()
        .map(|(k, t)| format!("{} {}", t.cells, k.label()))
        .collect();
    format!(
        "Free text holds what looks like somebody's details: {}; {} cell(s) not decided. On Rows ] finds each, d/a/r decide it; Redact all takes a kind; Space here says you read them and they may leave.",
        found.join(", "),
        m.unreviewed()
    )
}

/// The width of the Package screen's labels ("Authorised by", and a space after it).
const LABEL: usize = 14;

/// A checklist answer as the screen shows it.
enum Answer {
    None,
    /// As recorded ("yes", "no" or the words given).
    Taken(String),
    /// An answer with which the agreement says the sharing must not go ahead, and its words.
    Stops(String, String),
    /// Why the answer cannot be taken.
    Unreadable(String),
}

fn answer(c: &ChecklistItem, given: Option<String>) -> Answer {
    let Some(given) = given else {
        return Answer::None;
    };
    match c.read_answer(&given) {
        Err(why) => Answer::Unreadable(why),
        Ok(a) => match c.stopped_by(&a) {
            Some(stop) => Answer::Stops(a, stop.because.clone()),
            None => Answer::Taken(a),
        },
    }
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
    // The marking right under the agreement, so it stays in view above the column lists.
    let at = 1;
    for (k, l) in wrap(Line::from(format!("Marking: {marking}")), width, 2)
        .into_iter()
        .enumerate()
    {
        lines.insert(at + k, l);
    }
    let by_hand = m.decisions.manual_exclusions.len();
    let redacted = m.decisions.redactions.len();
    let free_text = m.decisions.flagged.len();
    if by_hand + redacted + free_text > 0 {
        let mut said = format!("By hand: {by_hand} row(s) excluded, {redacted} cell(s) redacted");
        if free_text > 0 {
            said.push_str(&format!(", {free_text} free-text cell(s) decided"));
        }
        lines.extend(wrap(Line::from(said), width, 2));
    }
    let flagged = m.flagged();
    if !flagged.is_empty() {
        let kinds: Vec<String> = flagged
            .iter()
            .map(|(k, n)| format!("{} {}", n.cells, k.label()))
            .collect();
        let left = m.unreviewed();
        lines.extend(wrap(
            Line::styled(
                format!(
                    "Free text with somebody's details: {}; {left} to decide",
                    kinds.join(", ")
                ),
                if left > 0 { t.warn() } else { t.shared() },
            ),
            width,
            2,
        ));
    }
    // What still stops the bundle has a pane of its own under the summary, so both are in
    // view at 80×24 however long either is; o reads them in full.
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
    let blockers = readiness::blockers(m);
    let mut below = Vec::new();
    if blockers.is_empty() {
        below.push(Line::from(Span::styled(
            format!("{} Ready: press w to write the bundle.", t.ok_mark()),
            t.good(),
        )));
    } else {
        for b in blockers {
            below.push(Line::from(format!("{} {b}", t.no_mark())));
        }
    }
    pane(f, top, " What will leave ", lines, t);
    pane(f, bottom, " Before writing ", below, t);
}

/// A wrapped pane; when its text is longer than the pane, its bottom edge says so and that
/// o reads it all.
fn pane(f: &mut Frame, area: Rect, title: &str, lines: Vec<Line>, t: &crate::tui::theme::Theme) {
    let mut b = block(title, false, t);
    let inner = b.inner(area);
    let w = usize::from(inner.width.max(1));
    let need: usize = lines.iter().map(|l| l.width().max(1).div_ceil(w)).sum();
    if need > usize::from(inner.height) {
        let more = if t.ascii { "v" } else { "↓" };
        b = b.title_bottom(Line::from(format!(" more {more} o reads it all ")).right_aligned());
    }
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(b),
        area,
    );
}
