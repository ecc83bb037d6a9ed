//! The Writing screen (a progress gauge; Esc cancels and nothing is left behind) and the Done
//! screen: where the bundle is, its SHA-256 as plain text to select and read out, and where
//! the register entry went.

use super::wrap::wrap;
use super::{block, safe};
use crate::tui::model::Model;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph, Wrap};

pub(super) fn draw_writing(m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.opts.theme;
    let Some(w) = &m.writing else { return };
    let done: u64 = w.rows_done.iter().sum();
    let ratio = if w.rows_total == 0 {
        0.0
    } else {
        (done as f64 / w.rows_total as f64).clamp(0.0, 1.0)
    };
    let [_, msg, gauge, note, _] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(2),
        Constraint::Length(3),
        Constraint::Length(2),
        Constraint::Min(0),
    ])
    .areas(area);
    let text = if w.cancelling {
        "Cancelling: removing the unfinished file…"
    } else {
        "Writing the encrypted bundle…"
    };
    f.render_widget(
        Paragraph::new(Line::from(Span::styled(format!("  {text}"), t.title()))),
        msg,
    );
    f.render_widget(
        Gauge::default()
            .block(block(" Progress ", false, t))
            .gauge_style(t.shared())
            .ratio(ratio)
            .label(format!("{done} of {} rows", w.rows_total)),
        gauge,
    );
    f.render_widget(
        Paragraph::new("  Esc cancels: nothing is left behind, not even a partial file."),
        note,
    );
}

pub(super) fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.opts.theme;
    let Some(d) = &m.done else { return };
    // No borders, and each value on a line of its own: the path and the SHA-256 can be
    // selected with the mouse and copied cleanly, and a long path is not broken across lines.
    let label = |s: &str| Line::from(Span::styled(format!("  {s}"), t.title()));
    let value = |s: String| Line::from(format!("    {s}"));
    let mut lines = vec![
        Line::default(),
        Line::from(Span::styled(
            format!("  {} The bundle is written.", t.ok_mark()),
            t.good(),
        )),
        Line::default(),
        label("Bundle"),
        value(safe(&d.bundle.display().to_string())),
        label("SHA-256 (also in the .sha256 file beside it)"),
        value(d.sha256.clone()),
        label("Register entry"),
        value(format!(
            "{} (entry {})",
            safe(&d.register.display().to_string()),
            d.register_seq
        )),
        label("Shared"),
        value(format!(
            "{} row(s), encrypted to {}",
            d.rows_shared,
            safe(&d.recipients.join(", "))
        )),
        label("Reason"),
    ];
    // How the agreement says the bundle travels, in place of any general advice to send it
    // (one agreement forbids sending it at all).
    let width = area.width.saturating_sub(1);
    lines.extend(wrap(value(safe(&d.reason)), width, 4));
    lines.push(Line::default());
    lines.extend(wrap(
        Line::from(vec![
            Span::styled("  How it travels: ", t.title()),
            Span::raw(safe(&d.transfer_advice)),
        ]),
        width,
        4,
    ));
    match (&d.signing_key, &d.key_to_publish) {
        (Some(k), Some(public)) => lines.extend(wrap(
            Line::from(format!(
                "  Signed with a new key ({k}): give partners {}",
                safe(&public.display().to_string())
            )),
            width,
            4,
        )),
        (Some(k), None) => lines.extend(wrap(
            Line::from(format!(
                "  Signed with {k}: the .sig beside the bundle shows the partner it came from you."
            )),
            width,
            4,
        )),
        (None, _) => lines.extend(wrap(
            Line::from("  Confirm the SHA-256 with whoever receives it, by a separate route."),
            width,
            4,
        )),
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
