//! Decisions belong to the rows, not to one reading of the file. When an input is read another
//! way (another header row or sheet), the rows excluded, cells redacted and free-text cells
//! decided (details redacted as spans, or the cell kept) by hand are lifted
//! off it with each row's number and content hash; when the new reading is done they are put
//! back on the rows with the same content (at the same number, else the nearest), and where
//! some fit no row the analyst is told how many and asked before they are dropped.
//!
//! The hashes are keyed per run and held in memory only: never a cell value on disk.

use crate::load::Row;
use crate::tui::model::{ByHand, Carried, CarriedRow, Model, Pending, Popup};
use crate::tui::store::STRIDE;
use std::hash::{BuildHasher, Hash, Hasher};

/// The content hash of a row: its cells (trailing empty cells aside, so a reading that pads
/// rows to another header's width still matches), not its number.
pub(super) fn row_hash(m: &Model, row: &Row) -> u64 {
    let mut h = m.hash_key.build_hasher();
    let len = row
        .cells
        .iter()
        .rposition(|c| !c.trim().is_empty())
        .map_or(0, |k| k + 1);
    for c in &row.cells[..len] {
        c.hash(&mut h);
    }
    h.finish()
}

/// Remember row `index` (number `number`) of input `i`'s content, for a decision just made.
pub(super) fn remember(m: &mut Model, i: usize, index: usize, number: u64) {
    let row = m
        .inputs
        .get(i)
        .and_then(|input| input.store.read(input.table.as_ref()?, &[index]).ok())
        .and_then(|mut rows| (!rows.is_empty()).then(|| rows.remove(0).1));
    if let Some(row) = row {
        let h = row_hash(m, &row);
        m.row_hashes.insert((i, number), h);
    }
}

/// Forget the hash of a row no decision is made on any more.
pub(super) fn forget_unused(m: &mut Model) {
    let d = &m.decisions;
    m.row_hashes.retain(|(i, n), _| {
        d.manual_exclusions.contains_key(&(*i, *n))
            || d.redactions.keys().any(|(ri, rn, _)| ri == i && rn == n)
            || d.flagged.keys().any(|(ri, rn, _)| ri == i && rn == n)
    });
}

/// Input `i` is about to be read another way: lift its decisions off, to be put back on the
/// new reading's rows. `from` is how it was read until now.
pub(super) fn lift(m: &mut Model, i: usize) {
    let Some(input) = m.inputs.get(i) else { return };
    let id = input.id;
    if let Some(c) = m.carried.iter_mut().find(|c| c.input_id == id) {
        c.matched = None; // read again before the last reading was matched: match the next
        return;
    }
    let mut from = input.options.clone();
    // Going back reads the header where it was found, named, so the question can say where.
    from.header_row = from
        .header_row
        .or(input.table.as_ref().map(|t| t.header_row));
    let mut rows = Vec::new();
    let hash = |m: &Model, n: u64| m.row_hashes.get(&(i, n)).copied();
    let ex: Vec<_> = m
        .decisions
        .manual_exclusions
        .iter()
        .filter(|((k, _), _)| *k == i)
        .map(|((_, n), why)| (*n, why.clone()))
        .collect();
    for (n, why) in ex {
        m.decisions.manual_exclusions.remove(&(i, n));
        if let Some(h) = hash(m, n) {
            rows.push(CarriedRow {
                number: n,
                hash: h,
                by_hand: ByHand::Excluded(why),
            });
        }
    }
    let red: Vec<_> = m
        .decisions
        .redactions
        .iter()
        .filter(|((k, _, _), _)| *k == i)
        .map(|((_, n, f), why)| (*n, f.clone(), why.clone()))
        .collect();
    for (n, f, why) in red {
        m.decisions.redactions.remove(&(i, n, f.clone()));
        if let Some(h) = hash(m, n) {
            rows.push(CarriedRow {
                number: n,
                hash: h,
                by_hand: ByHand::Redacted {
                    field: f,
                    reason: why,
                },
            });
        }
    }
    let ft: Vec<_> = m
        .decisions
        .flagged
        .iter()
        .filter(|((k, _, _), _)| *k == i)
        .map(|((_, n, f), d)| (*n, f.clone(), d.clone()))
        .collect();
    for (n, field, decided) in ft {
        m.decisions.flagged.remove(&(i, n, field.clone()));
        if let Some(h) = hash(m, n) {
            rows.push(CarriedRow {
                number: n,
                hash: h,
                by_hand: ByHand::FreeText { field, decided },
            });
        }
    }
    m.row_hashes.retain(|(k, _), _| *k != i);
    if !rows.is_empty() {
        m.carried.push(Carried {
            input_id: id,
            from,
            rows,
            matched: None,
        });
    }
}

/// Input `i` is removed: its decisions go, and those of the inputs after it move up one.
pub(super) fn remove_input(m: &mut Model, i: usize) {
    if let Some(input) = m.inputs.get(i) {
        let id = input.id;
        m.carried.retain(|c| c.input_id != id);
    }
    let d = &mut m.decisions;
    d.manual_exclusions = std::mem::take(&mut d.manual_exclusions)
        .into_iter()
        .filter(|((k, _), _)| *k != i)
        .map(|((k, n), v)| ((if k > i { k - 1 } else { k }, n), v))
        .collect();
    d.redactions = std::mem::take(&mut d.redactions)
        .into_iter()
        .filter(|((k, _, _), _)| *k != i)
        .map(|((k, n, f), v)| ((if k > i { k - 1 } else { k }, n, f), v))
        .collect();
    d.flagged = std::mem::take(&mut d.flagged)
        .into_iter()
        .filter(|((k, _, _), _)| *k != i)
        .map(|((k, n, f), v)| ((if k > i { k - 1 } else { k }, n, f), v))
        .collect();
    m.row_hashes = std::mem::take(&mut m.row_hashes)
        .into_iter()
        .filter(|((k, _), _)| *k != i)
        .map(|((k, n), v)| ((if k > i { k - 1 } else { k }, n), v))
        .collect();
}

/// Decisions on input `i`'s rows: (rows excluded, cells redacted, free-text cells decided),
/// waiting ones included.
pub(super) fn decisions_on(m: &Model, i: usize) -> (usize, usize, usize) {
    let mut ex = m
        .decisions
        .manual_exclusions
        .keys()
        .filter(|(k, _)| *k == i)
        .count();
    let mut red = m
        .decisions
        .redactions
        .keys()
        .filter(|(k, _, _)| *k == i)
        .count();
    let mut ft = m
        .decisions
        .flagged
        .keys()
        .filter(|(k, _, _)| *k == i)
        .count();
    if let Some(c) = m
        .inputs
        .get(i)
        .and_then(|x| m.carried.iter().find(|c| c.input_id == x.id))
    {
        let (e, r, f) = tally(c.rows.iter());
        (ex, red, ft) = (ex + e, red + r, ft + f);
    }
    (ex, red, ft)
}

/// Carried decisions counted as (rows excluded, cells redacted, free-text cells decided).
fn tally<'a>(rows: impl Iterator<Item = &'a CarriedRow>) -> (usize, usize, usize) {
    rows.fold((0, 0, 0), |(e, r, f), row| match row.by_hand {
        ByHand::Excluded(_) => (e + 1, r, f),
        ByHand::Redacted { .. } => (e, r + 1, f),
        ByHand::FreeText { .. } => (e, r, f + 1),
    })
}

/// "2 rows excluded and 1 cell redacted by hand"; "1 free-text cell decided by hand"
pub(super) fn describe(ex: usize, red: usize, ft: usize) -> String {
    let plural = |n: usize, one: &str, many: &str| match n {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    };
    let parts: Vec<String> = [
        (ex, plural(ex, "row excluded", "rows excluded")),
        (red, plural(red, "cell redacted", "cells redacted")),
        (
            ft,
            plural(ft, "free-text cell decided", "free-text cells decided"),
        ),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(_, s)| s)
    .collect();
    match parts.as_slice() {
        [] => "0 rows excluded by hand".into(),
        [one] => format!("{one} by hand"),
        [first @ .., last] => format!("{} and {last} by hand", first.join(", ")),
    }
}

/// Whether any input's decisions are still waiting for its new reading.
pub(super) fn waiting(m: &Model) -> Option<String> {
    let c = m.carried.first()?;
    let name = m
        .inputs
        .iter()
        .find(|x| x.id == c.input_id)
        .map(|x| crate::text::printable(&x.file_name()))
        .unwrap_or_default();
    Some(name)
}

/// After every message: match the carried decisions of each input whose new reading is done,
/// put back those that fit, and ask about the rest.
pub(super) fn settle(m: &mut Model) {
    for k in 0..m.carried.len() {
        let id = m.carried[k].input_id;
        let Some(i) = m.inputs.iter().position(|x| x.id == id) else {
            continue;
        };
        let input = &m.inputs[i];
        if !input.rows_done || input.failure.is_some() {
            continue;
        }
        let generation = input.generation;
        if m.carried[k]
            .matched
            .as_ref()
            .is_none_or(|(g, _)| *g != generation)
        {
            let found = match_rows(m, i, &m.carried[k].rows);
            m.carried[k].matched = Some((generation, found));
        }
    }
    // Put back every input's decisions that all fit; ask about the first that do not.
    let mut k = 0;
    while k < m.carried.len() {
        let all_fit = m.carried[k]
            .matched
            .as_ref()
            .is_some_and(|(_, f)| f.iter().all(Option::is_some));
        if all_fit {
            let c = m.carried.remove(k);
            let n = c.rows.len();
            restore(m, c);
            m.info(format!(
                "Kept the {n} decision(s) made by hand: each is on the same row as before."
            ));
        } else {
            k += 1;
        }
    }
    if m.popup.is_some() {
        return;
    }
    let Some(c) = m.carried.iter().find(|c| c.matched.is_some()) else {
        return;
    };
    let lost: Vec<&CarriedRow> = c
        .rows
        .iter()
        .zip(&c.matched.as_ref().expect("checked").1)
        .filter(|(_, f)| f.is_none())
        .map(|(r, _)| r)
        .collect();
    let (ex, red, ft) = tally(lost.iter().copied());
    let Some(input) = m.inputs.iter().find(|x| x.id == c.input_id) else {
        return;
    };
    let how = |o: &crate::load::LoadOptions| {
        let mut s = match &o.sheet {
            Some(sh) => format!("sheet {}, ", crate::text::printable(sh)),
            None => String::new(),
        };
        match o.header_row {
            Some(r) => s.push_str(&format!("header on row {r}")),
            None => s.push_str("header where it was found"),
        }
        s
    };
    let rows: Vec<String> = lost.iter().map(|r| r.number.to_string()).collect();
    m.popup = Some(Popup::Confirm {
        title: "Drop decisions?".into(),
        lines: vec![
            format!(
                "Read this way, {} has no row with the content of {} ({}).",
                crate::text::printable(&input.file_name()),
                describe(ex, red, ft),
                if rows.len() == 1 {
                    format!("row {}", rows[0])
                } else {
                    format!("rows {}", rows.join(", "))
                }
            ),
            "y: keep this reading and drop those decisions (the others are kept).".into(),
            format!("n: go back to how it was read before ({}).", how(&c.from)),
        ],
        then: Pending::DropDecisions(c.input_id),
    });
}

/// The answer to "Drop decisions?": yes keeps the new reading with the decisions that fit;
/// no reads the file as before, and the decisions wait for that reading.
pub(super) fn answer(m: &mut Model, id: u64, drop: bool) {
    let Some(k) = m.carried.iter().position(|c| c.input_id == id) else {
        return;
    };
    if drop {
        let c = m.carried.remove(k);
        let lost = c
            .matched
            .as_ref()
            .map_or(0, |(_, f)| f.iter().filter(|x| x.is_none()).count());
        restore(m, c);
        m.info(format!(
            "{lost} decision(s) made by hand dropped; the others are kept."
        ));
    } else {
        let Some(i) = m.inputs.iter().position(|x| x.id == id) else {
            return;
        };
        let c = &mut m.carried[k];
        c.matched = None;
        m.inputs[i].options = c.from.clone();
        super::open::reload(m, i);
        m.info("Reading the file as before; the decisions will be put back on its rows.");
    }
}

/// Put the carried decisions that fit back on the rows they were matched to.
fn restore(m: &mut Model, c: Carried) {
    let Some(i) = m.inputs.iter().position(|x| x.id == c.input_id) else {
        return;
    };
    let Some((_, found)) = c.matched else { return };
    for (r, at) in c.rows.into_iter().zip(found) {
        let Some(n) = at else { continue };
        m.row_hashes.insert((i, n), r.hash);
        match r.by_hand {
            ByHand::Excluded(reason) => {
                m.decisions.manual_exclusions.insert((i, n), reason);
            }
            ByHand::Redacted { field, reason } => {
                m.decisions.redactions.insert((i, n, field), reason);
            }
            ByHand::FreeText { field, decided } => {
                m.decisions.flagged.insert((i, n, field), decided);
            }
        }
    }
    if let Some(j) = &mut m.job {
        j.decisions.manual_exclusions = m.decisions.manual_exclusions.clone();
        j.decisions.redactions = m.decisions.redactions.clone();
        j.decisions.flagged = m.decisions.flagged.clone();
        super::fates::refate_all(m);
    }
}

/// For each carried row, the number of the row of the new reading with the same content: the
/// one at the same number if it has it, else the nearest within a few rows that does.
fn match_rows(m: &Model, i: usize, rows: &[CarriedRow]) -> Vec<Option<u64>> {
    let input = &m.inputs[i];
    let Some(table) = input.table.as_ref() else {
        return vec![None; rows.len()];
    };
    let len = input.store.len();
    rows.iter()
        .map(|c| {
            // Where the row would be: data rows start under the header.
            let est = usize::try_from(c.number.saturating_sub(u64::from(table.header_row) + 1))
                .unwrap_or(usize::MAX)
                .min(len.saturating_sub(1));
            let from = est.saturating_sub(STRIDE);
            let to = est.saturating_add(STRIDE).min(len);
            let wanted: Vec<usize> = (from..to).collect();
            let near = input.store.read(table, &wanted).ok()?;
            near.iter()
                .filter(|(_, row)| row_hash(m, row) == c.hash)
                .map(|(_, row)| row.number)
                .min_by_key(|n| n.abs_diff(c.number))
        })
        .collect()
}
