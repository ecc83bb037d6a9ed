//! The Verify screen: the bundle and what opens it; then every check with pass or fail, every
//! problem and warning, and what the disclosure record says was shared and why.

use super::{block, list, safe};
use crate::tui::model::{Model, VerifyItem};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use serde_json::Value;

pub(super) fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let t = &m.opts.theme;
    let [form, report] = Layout::vertical([Constraint::Length(4), Constraint::Min(3)]).areas(area);
    let v = &m.verify;
    let lines: Vec<Line> = m
        .verify_items()
        .iter()
        .map(|item| match item {
            VerifyItem::Bundle => Line::from(format!(
                "Bundle      {}",
                if v.bundle.is_empty() {
                    "(Enter to choose)".to_string()
                } else {
                    safe(&v.bundle)
                }
            )),
            VerifyItem::Key if v.use_passphrase => Line::from(format!(
                "Passphrase  {}",
                if v.passphrase.is_some() {
                    "********"
                } else {
                    "(Enter to type it; t for a key file)"
                }
            )),
            VerifyItem::Key => Line::from(format!(
                "Key file    {}",
                if v.identity.is_empty() {
                    "(Enter to choose; t for a passphrase)".to_string()
                } else {
                    safe(&v.identity)
                }
            )),
        })
        .collect();
    list(
        f,
        form,
        block(" Verify ", true, t),
        lines,
        Some(v.cursor),
        true,
        t,
    );

    let mut out: Vec<Line> = Vec::new();
    if v.running {
        out.push(Line::from("Checking the bundle…"));
    }
    if let Some(fail) = &v.failure {
        out.push(Line::from(Span::styled(
            format!("{} {}", t.no_mark(), safe(&fail.what)),
            t.bad(),
        )));
        out.push(Line::from(fail.hint.clone()));
    }
    if let Some((r, notes)) = &v.report {
        if r.ok() {
            out.push(Line::from(Span::styled(
                format!("{} VERIFIED: every check passed.", t.ok_mark()),
                t.good(),
            )));
        } else {
            out.push(Line::from(Span::styled(
                format!(
                    "{} NOT VERIFIED: do not use this bundle. Ask the sender to send it again.",
                    t.no_mark()
                ),
                t.bad(),
            )));
        }
        for c in &r.checks {
            let (mark, word, style) = if c.passed {
                (t.ok_mark(), "pass", t.shared())
            } else {
                (t.no_mark(), "FAIL", t.bad())
            };
            out.push(Line::from(vec![
                Span::styled(format!("{mark} {word}  {:<18}", c.name), style),
                Span::raw(safe(&c.detail)),
            ]));
        }
        for p in &r.problems {
            out.push(Line::from(Span::styled(
                format!("{} {}", t.no_mark(), safe(p)),
                t.bad(),
            )));
        }
        for w in r.warnings.iter().chain(notes) {
            out.push(Line::from(Span::styled(format!("! {}", safe(w)), t.warn())));
        }
        if let Some(rec) = &r.record {
            out.push(Line::default());
            record(rec, &mut out, t);
        }
    } else if !v.running && v.failure.is_none() {
        out.push(Line::from(Span::styled(
            "Choose the bundle and your key file (or the passphrase), then press v.",
            t.dim(),
        )));
    }
    f.render_widget(
        Paragraph::new(out)
            .wrap(Wrap { trim: false })
            .scroll((v.scroll, 0))
            .block(block(" Report (PgUp/PgDn scroll) ", false, t)),
        report,
    );
}

fn record<'a>(rec: &Value, out: &mut Vec<Line<'a>>, t: &crate::tui::theme::Theme) {
    let s = |v: &Value| safe(v.as_str().unwrap_or(""));
    let mut row = |k: &str, v: String| {
        out.push(Line::from(vec![
            Span::styled(format!("{k:<13}"), t.title()),
            Span::raw(v),
        ]));
    };
    row("Agreement", s(&rec["agreement"]["title"]));
    row("Period", s(&rec["period"]));
    row("Created", s(&rec["created_utc"]));
    row("Analyst", s(&rec["analyst"]));
    if rec["authorised_by"].is_string() {
        row("Authorised", s(&rec["authorised_by"]));
    }
    row(
        "Rows shared",
        rec["rows"]["shared"].as_u64().unwrap_or(0).to_string(),
    );
    if let Some(cols) = rec["columns"]["shared"].as_array() {
        let labels: Vec<String> = cols.iter().map(|c| s(&c["label"])).collect();
        row("Fields", labels.join(", "));
    }
    row("Retention", s(&rec["agreement"]["retention"]));
    row("Onward", s(&rec["agreement"]["onward_sharing"]));
}
