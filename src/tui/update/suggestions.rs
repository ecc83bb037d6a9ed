//! The core's suggestions on the Columns screen: accepting the highlighted one (a mapping by
//! hand, exactly as picking the field with m), saying why there is none, and naming the
//! suggested column when a rule cannot run without it. The scoring is the core's
//! (`suggest::suggest`, run in `rebuild_job`); nothing here re-ranks columns.

use crate::apply;
use crate::text::printable;
use crate::tui::model::{ColumnsPane, Model};

/// Accept the highlighted suggestion: the column is mapped exactly as picking the field with
/// m would (a decision by hand, recorded as such), and the status line says so. Without a
/// suggestion, the status line says why there is none.
pub(super) fn accept(m: &mut Model) {
    let Some(profile) = m.selected_profile() else {
        return;
    };
    let Some(s) = m.highlighted_suggestion().cloned() else {
        let why = no_suggestion(m);
        return m.info(why);
    };
    let Some(index) = profile.all_fields().position(|f| f.id == s.field) else {
        return;
    };
    match super::columns::remap(m, s.column, index + 1) {
        Some(Ok(what)) => m.info(format!("Suggestion accepted: {what}")),
        Some(Err(f)) => m.problem(f),
        None => {}
    }
}

/// Why the highlighted column (or field) has no suggestion, in a sentence that says what to
/// do instead.
fn no_suggestion(m: &Model) -> String {
    let Some(p) = m.selected_profile() else {
        return String::new();
    };
    let plan = m.plans.get(m.columns.input);
    let headers = m.inputs[m.columns.input]
        .table
        .as_ref()
        .map(|t| t.headers.as_slice())
        .unwrap_or(&[]);
    let label = |id: &str| p.field(id).map(|f| printable(&f.label)).unwrap_or_default();
    match m.columns.pane {
        ColumnsPane::Sources => {
            let col = m.columns.source_cursor;
            let Some(h) = headers.get(col).map(|h| printable(h)) else {
                return "No column is highlighted.".into();
            };
            match plan.and_then(|pl| pl.columns.get(col)) {
                Some(apply::ColumnUse::Shared { field }) => format!(
                    "No suggestion: “{h}” is already shared as {}.",
                    label(field)
                ),
                Some(apply::ColumnUse::RuleOnly { field }) => format!(
                    "No suggestion: “{h}” is already read by the rules as {}.",
                    label(field)
                ),
                _ if plan.is_some_and(|pl| pl.by_hand.get(col) == Some(&true)) => {
                    format!("No suggestion: you withheld “{h}” yourself (m maps it).")
                }
                _ => format!("No suggestion for “{h}”: it fits no missing field."),
            }
        }
        ColumnsPane::Fields => {
            let Some(f) = p.all_fields().nth(m.columns.field_cursor) else {
                return "No field is highlighted.".into();
            };
            match plan
                .and_then(|pl| pl.by_field.get(&f.id))
                .and_then(|&c| headers.get(c))
            {
                Some(h) => format!(
                    "No suggestion: {} already comes from “{}”.",
                    printable(&f.label),
                    printable(h)
                ),
                None => format!(
                    "No column fits {}: highlight the one that holds it, press m.",
                    printable(&f.label)
                ),
            }
        }
    }
}

/// What to do when a rule needs `field` (`label`) and the core suggests the column `header`:
/// the key that accepts it where the Columns screen offers that very suggestion, else m.
pub(super) fn rule_column_hint(m: &Model, field: &str, label: &str, header: &str) -> String {
    let offered = m.inputs.iter().zip(&m.suggestions).any(|(input, sg)| {
        input.table.as_ref().is_some_and(|t| {
            sg.iter().any(|s| {
                s.field == field && t.headers.get(s.column).map(String::as_str) == Some(header)
            })
        })
    });
    if offered {
        format!(
            "Suggested: “{}”. If it holds that, highlight it and press s; otherwise map the column that does with m.",
            printable(header),
        )
    } else {
        format!(
            "“{}” may hold it: highlight it and press m to map it to “{}”.",
            printable(header),
            printable(label)
        )
    }
}
