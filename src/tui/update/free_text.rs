//! Free text on the Rows screen: the cells of agreed free-text fields holding what looks like
//! somebody else's details (found by the core as the rows are decided). `]`/`[` go to them, and
//! each is decided by hand with a reason: the details redacted as spans, or the cell kept. A
//! decision is keyed by row and field like the others, carried across re-reads, and recorded.

use super::fates::{number_at, refate, row_at, scroll};
use crate::apply::Flagged;
use crate::freetext::Kind;
use crate::text::printable;
use crate::tui::model::{Fate, Model, PickFor, Popup, PromptFor};
use crate::tui::msg::Failure;
use crate::tui::text_input::TextInput;

/// The kinds of detail found in output column `column` of a row, in the analyst's words:
/// "telephone number, postcode".
fn found_in(fate: &Fate, column: usize) -> String {
    kinds_in(fate, column)
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Move to the next (or previous) free-text cell holding somebody's details: among those
/// not yet decided while any are left, else among them all. Wraps at the ends.
pub(super) fn next(m: &mut Model, forward: bool) {
    let i = m.rows.input;
    let Some(fates) = m.rows.fates.get(i) else {
        return;
    };
    let undecided = m.rows.counts.get(i).map_or(0, |c| c.unreviewed);
    let wanted = |f: &Fate, c: usize| {
        if undecided > 0 {
            f.unreviewed_in(c)
        } else {
            f.flags().iter().any(|x| x.column == c)
        }
    };
    let n = m.rows.visible.len();
    if n == 0 {
        return;
    }
    let cursor = m.rows.cursor.min(n - 1);
    let column = m.rows.column;
    // Positions from the cursor round to it again; on the cursor's own row, only columns
    // past (or, going back, before) the highlighted one, then (step n) the rest of it.
    let mut found = None;
    for step in 0..=n {
        let pos = if forward {
            (cursor + step) % n
        } else {
            (cursor + n - step % n) % n
        };
        let Some(f) = m.rows.visible.get(pos).and_then(|r| fates.get(r)) else {
            continue;
        };
        let mut cols = f.flagged_columns();
        if !forward {
            cols.reverse();
        }
        let hit = cols
            .into_iter()
            .filter(|&c| wanted(f, c))
            .find(|&c| match step {
                0 if forward => c > column,
                0 => c < column,
                _ => true,
            });
        if let Some(c) = hit {
            found = Some((pos, c, f.clone()));
            break;
        }
    }
    let Some((pos, c, f)) = found else {
        let elsewhere = m.unreviewed();
        return m.info(if elsewhere > 0 {
            format!(
                "None in this file; {elsewhere} to decide in the others: }} goes to the next file."
            )
        } else {
            "No free-text cell here holds what looks like somebody's details.".to_string()
        });
    };
    let wrapped = if forward {
        (pos, c) <= (cursor, column)
    } else {
        (pos, c) >= (cursor, column)
    };
    m.rows.cursor = pos;
    m.rows.column = c;
    scroll(m);
    let number = m
        .rows
        .visible
        .get(pos)
        .and_then(|r| row_at(m, i, r).ok())
        .map_or(String::new(), |row| format!("Row {}: ", row.number));
    let state = if f.unreviewed_in(c) {
        format!("not decided ({undecided} left)")
    } else {
        "decided".into()
    };
    // Short enough for the status line at 80 columns; the column is highlighted above.
    m.info(format!(
        "{}{number}{} found, {state}. o read, d redact, a keep",
        match (wrapped, forward) {
            (false, _) => "",
            (true, true) => "(from the top) ",
            (true, false) => "(from the bottom) ",
        },
        found_in(&f, c)
    ));
}

/// The kinds of detail found in one column of a row, each once, in [`Kind`]'s order.
fn kinds_in(fate: &Fate, column: usize) -> Vec<Kind> {
    let mut kinds: Vec<Kind> = fate
        .flags()
        .iter()
        .filter(|f| f.column == column)
        .map(|f| f.kind)
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

/// d or a on a free-text cell: ask why (or, on a cell already decided that way, undo it). A
/// cell holding details of several kinds is first asked which to redact: all of them, or one
/// (the victim's own postcode may leave beside a suspect's telephone number).
pub(super) fn ask(m: &mut Model, redact: bool) {
    ask_only(m, redact, None);
}

/// The kind (or all, item 0) chosen to redact in the cell under the cursor.
pub(super) fn redact_chosen(m: &mut Model, item: usize) {
    let i = m.rows.input;
    let Some(r) = m.rows.visible.get(m.rows.cursor) else {
        return;
    };
    let Some(fate) = m.rows.fates.get(i).and_then(|f| f.get(r)).cloned() else {
        return;
    };
    let kinds = kinds_in(&fate, m.rows.column);
    let only = match item {
        0 => Vec::new(),
        k => kinds.get(k - 1).map(|k| vec![*k]).unwrap_or_default(),
    };
    ask_only(m, true, Some(only));
}

fn ask_only(m: &mut Model, redact: bool, only: Option<Vec<Kind>>) {
    let i = m.rows.input;
    let Some(r) = m.rows.visible.get(m.rows.cursor) else {
        return;
    };
    let Some(number) = number_at(m, r) else {
        return;
    };
    let Some(fate) = m.rows.fates.get(i).and_then(|f| f.get(r)).cloned() else {
        return;
    };
    let c = m.rows.column;
    // The field (for its label and a whole-cell redaction) and the name the decision is kept
    // under, which tells apart the columns of a field that takes several.
    let Some((field, name)) = m.job.as_ref().and_then(|j| {
        let plan = &j.plans[i];
        plan.shared
            .get(c)
            .map(|(_, f)| (f.clone(), crate::apply::cell_key(plan, c)))
    }) else {
        return;
    };
    let key = (i, number, name.clone());
    let before = m.decisions.flagged.get(&key).cloned();
    match before {
        Some(Flagged::RedactSpans { .. }) if redact => {
            return set_free_text(
                m,
                i,
                r,
                key,
                None,
                "The details found are shown again: decide again (d or a).",
            );
        }
        Some(Flagged::Keep { .. }) if !redact => {
            return set_free_text(m, i, r, key, None, "No longer kept: decide again (d or a).");
        }
        _ => {}
    }
    if !fate.flags().iter().any(|f| f.column == c) {
        let why = if m
            .decisions
            .redactions
            .contains_key(&(i, number, field.clone()))
        {
            "This cell is redacted whole (r undoes that)."
        } else if !fate.is_shared() {
            "This row is excluded: none of its cells leave."
        } else {
            "Nothing that looks like somebody's details was found in this cell: ] finds the next that has."
        };
        return m.info(why);
    }
    let found = found_in(&fate, c);
    let label = m
        .selected_profile()
        .and_then(|p| p.field(&field))
        .map(|f| printable(&f.label))
        .unwrap_or_default();
    let kinds = kinds_in(&fate, c);
    let only = match only {
        Some(only) => only,
        None if redact && kinds.len() > 1 => {
            let mut items = vec![format!("All of them ({found})")];
            items.extend(kinds.iter().map(|k| format!("Only the {}", k.label())));
            m.popup = Some(Popup::Pick {
                title: format!("Redact which details, {label}, row {number}?"),
                lines: vec![
                    "The details chosen leave as [REDACTED: kind]; the others leave as written, by this decision.".into(),
                ],
                items,
                cursor: 0,
                purpose: PickFor::RedactKinds,
            });
            return;
        }
        None => Vec::new(),
    };
    let (title, line) = if redact && !only.is_empty() {
        let chosen: Vec<&str> = only.iter().map(|k| k.label()).collect();
        let others: Vec<&str> = kinds
            .iter()
            .filter(|k| !only.contains(k))
            .map(|k| k.label())
            .collect();
        (
            format!("Redact the {}, {label}, row {number}", chosen.join(", ")),
            format!(
                "The {} will leave as [REDACTED: kind]; the {} and the rest of the text leave as written. Why? The reason goes into the disclosure record.",
                chosen.join(", "),
                others.join(", ")
            ),
        )
    } else if redact {
        (
            format!("Redact the details, {label}, row {number}"),
            format!(
                "What was found ({found}) will leave as [REDACTED: kind]; the rest of the text leaves. Why? The reason goes into the disclosure record."
            ),
        )
    } else {
        (
            format!("Keep {label}, row {number}, as it is"),
            format!(
                "The cell will leave as written, with what was found ({found}) in it. Why may it leave (e.g. it is the victim's own)? The reason goes into the disclosure record."
            ),
        )
    };
    m.popup = Some(Popup::Prompt {
        title,
        lines: vec![line],
        input: TextInput::default(),
        purpose: PromptFor::FreeText {
            input: i,
            index: r,
            row: number,
            field: name,
            redact,
            only,
        },
    });
}

/// The reason for a decision on a free-text cell is given.
pub(super) fn decided(
    m: &mut Model,
    i: usize,
    index: usize,
    number: u64,
    field: String,
    (redact, only): (bool, Vec<Kind>),
    reason: &str,
) {
    let reason = reason.trim().to_string();
    if reason.is_empty() {
        return m.problem(Failure::new(
            "nothing was decided: a reason is needed",
            format!(
                "Press {} again and say why.",
                if redact { "d" } else { "a" }
            ),
        ));
    }
    let what = match (redact, only.as_slice()) {
        (false, _) => "kept as it is".to_string(),
        (true, []) => "the details leave as [REDACTED: kind]".to_string(),
        (true, only) => format!(
            "the {} leave(s) as [REDACTED: kind], the rest as written",
            only.iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let decided = if redact {
        Flagged::RedactSpans { reason, only }
    } else {
        Flagged::Keep { reason }
    };
    super::carry::remember(m, i, index, number);
    set_free_text(m, i, index, (i, number, field), Some(decided), "");
    let left: u64 = m.unreviewed();
    m.info(format!(
        "Row {number}: {what}; {left} free-text cell(s) to decide (] next)."
    ));
}

/// Set (or, `None`, undo) the decision on one free-text cell, and decide its row again.
fn set_free_text(
    m: &mut Model,
    i: usize,
    r: usize,
    key: (usize, u64, String),
    decided: Option<Flagged>,
    say: &str,
) {
    match decided {
        Some(d) => {
            m.decisions.flagged.insert(key.clone(), d.clone());
            if let Some(j) = &mut m.job {
                j.decisions.flagged.insert(key, d);
            }
        }
        None => {
            m.decisions.flagged.remove(&key);
            if let Some(j) = &mut m.job {
                j.decisions.flagged.remove(&key);
            }
            super::carry::forget_unused(m);
        }
    }
    refate(m, i, r);
    if !say.is_empty() {
        m.info(say);
    }
}
