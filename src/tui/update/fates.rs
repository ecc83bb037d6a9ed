//! Each row's fate, kept up to date: decided as a pack decides it, again on every change of the
//! job or of a decision by hand (on a worker's pass over the file where it can be read from the
//! middle), counted, and the rows in view rebuilt from it. No screen is entered from here, so
//! every screen's update can call it.

use crate::apply::FlagFate;
use crate::load::{LoadError, Row};
use crate::text::printable;
use crate::tui::model::{Fate, Fates, Model, RowCounts};
use crate::tui::msg::Failure;
use crate::tui::store::Store;
use crate::tui::worker::{Cmd, Deciding, PassId};

/// Row `row` of input `i` decided as a pack decides it (`apply::decide`, with the job's plan,
/// filter and decisions), keeping what the rules found so the counts match a pack's.
fn fate_of(m: &Model, i: usize, row: &Row) -> Fate {
    let Some(j) = &m.job else {
        return Fate::SHARED;
    };
    let Some(plan) = j.plans.get(i) else {
        return Fate::SHARED;
    };
    let (mut cells, mut flags) = (Vec::new(), Vec::new());
    match crate::apply::fate_flagged(
        i,
        &row.view(),
        plan,
        &j.filter(i),
        &j.decisions,
        &mut cells,
        &mut flags,
    ) {
        Ok(counts) => Fate::Shared(
            counts.judged,
            flags,
            u32::try_from(counts.neutralised).unwrap_or(u32::MAX),
        ),
        Err(why) => Fate::Excluded(why),
    }
}

pub(super) fn count(c: &mut RowCounts, f: &Fate, delta: i64) {
    let add = |n: &mut u64| *n = n.saturating_add_signed(delta);
    match f {
        Fate::Shared(judged, flags, neutralised) => {
            add(&mut c.shared);
            c.neutralised = c
                .neutralised
                .saturating_add_signed(delta * i64::from(*neutralised));
            // Each free-text cell once per kind, and once if anything in it is undecided.
            for (n, fl) in flags.iter().enumerate() {
                let seen = |g: &crate::apply::Flag| g.column == fl.column;
                if !flags[..n].iter().any(seen) {
                    add(&mut c.flagged_cells);
                }
                if !flags[..n].iter().any(|g| seen(g) && g.kind == fl.kind) {
                    let t = c.flagged.entry(fl.kind).or_default();
                    add(&mut t.cells);
                    if fl.fate == FlagFate::Unreviewed {
                        add(&mut t.unreviewed);
                    }
                    if t.cells == 0 {
                        c.flagged.remove(&fl.kind);
                    }
                }
                if fl.fate == FlagFate::Unreviewed
                    && !flags[..n]
                        .iter()
                        .any(|g| seen(g) && g.fate == FlagFate::Unreviewed)
                {
                    add(&mut c.unreviewed);
                }
            }
            for bit in (0..32).filter(|b| judged.empty_taken & (1 << b) != 0) {
                let n = c.empty_taken.entry(bit).or_insert(0);
                add(n);
                if *n == 0 {
                    c.empty_taken.remove(&bit);
                }
            }
            if let Some(slot) = judged
                .marking
                .and_then(|k| c.markings.get_mut(usize::from(k)))
            {
                add(slot);
            }
        }
        Fate::Excluded(why) => {
            let n = c.excluded.entry(why.clone()).or_insert(0);
            add(n);
            if *n == 0 {
                c.excluded.remove(why);
            }
        }
    }
}

/// Decide every row again (the mapping or the period changed). Rows held in memory are decided
/// here and now; rows left in their file by a new pass over it (see [`start_pass`]).
pub(super) fn refate_all(m: &mut Model) {
    m.rows.fates = vec![Fates::default(); m.inputs.len()];
    m.rows.counts = vec![RowCounts::default(); m.inputs.len()];
    for i in 0..m.inputs.len() {
        let from_file = m.inputs[i]
            .table
            .as_ref()
            .is_some_and(|t| t.can_read_from_middle());
        if from_file {
            start_pass(m, i);
        } else {
            extend_fates(m, i, 0);
        }
    }
    refresh_visible(m);
}

/// Replace the pass over input `i`'s file with one that decides every row against the job
/// (or, with no job, one that only finishes indexing the rows).
fn start_pass(m: &mut Model, i: usize) {
    let deciding = deciding(m, i).map(Box::new);
    let input = &mut m.inputs[i];
    let Some(table) = input.table.clone() else {
        return; // still opening: the load's own pass goes on
    };
    if input.failure.is_some() || (deciding.is_none() && input.rows_done) {
        input.next_pass(); // nothing to decide, and every row is indexed
        return;
    }
    let cancel = input.next_pass();
    m.cmds.push(Cmd::Pass {
        to: PassId {
            id: input.id,
            generation: input.generation,
            pass: input.pass,
        },
        table: Box::new(table),
        deciding,
        cancel,
    });
}

/// What a worker needs to decide input `i`'s rows as the job does; `None` without a job.
pub(super) fn deciding(m: &Model, i: usize) -> Option<Deciding> {
    let j = m.job.as_ref()?;
    Some(Deciding {
        index: i,
        profile: j.profile.clone(),
        plan: j.plans.get(i)?.clone(),
        decisions: j.decisions.clone(),
        period: j.period,
        today: j.today,
    })
}

/// Decide held rows `start..` of input `i` (just arrived from the reader).
pub(super) fn extend_fates(m: &mut Model, i: usize, start: usize) {
    if m.job.is_none() {
        return;
    }
    let Store::Held(rows) = &m.inputs[i].store else {
        return;
    };
    let new: Vec<Fate> = rows
        .get(start..)
        .unwrap_or(&[])
        .iter()
        .map(|row| fate_of(m, i, row))
        .collect();
    add_fates(m, i, start, new);
}

/// The fates of rows `first..` of input `i`, decided here or by a pass over the file.
pub(super) fn add_fates(m: &mut Model, i: usize, first: usize, new: Vec<Fate>) {
    if m.rows.fates.len() != m.inputs.len() {
        m.rows.fates.resize(m.inputs.len(), Fates::default());
        m.rows.counts.resize(m.inputs.len(), RowCounts::default());
    }
    if m.rows.fates[i].len() != first {
        return; // not the next rows: from a pass this one replaced
    }
    for (k, f) in new.into_iter().enumerate() {
        count(&mut m.rows.counts[i], &f, 1);
        if i == m.rows.input {
            m.rows.visible.push(first + k, f.is_shared());
        }
        m.rows.fates[i].push(f);
    }
}

/// Row `r` of input `i`: from the page if it is drawn, else from memory or the file.
pub(super) fn row_at(m: &Model, i: usize, r: usize) -> Result<Row, Failure> {
    if i == m.rows.input
        && let Ok(k) = m.rows.page.binary_search_by_key(&r, |(k, _)| *k)
    {
        return Ok(m.rows.page[k].1.clone());
    }
    let input = &m.inputs[i];
    let table = input
        .table
        .as_ref()
        .ok_or_else(|| Failure::new("the file is not open", "Open it again."))?;
    match input.store.read(table, &[r]) {
        Ok(mut rows) if !rows.is_empty() => Ok(rows.remove(0).1),
        Ok(_) => Err(Failure::new(
            format!("row {} of the file cannot be found", r + 1),
            "Open the file again.",
        )),
        Err(e) => Err(read_failure(&e, &input.file_name())),
    }
}

/// A row that could not be read again from its file, in the screens' words.
pub(super) fn read_failure(e: &LoadError, file: &str) -> Failure {
    match e {
        LoadError::Changed { .. } => Failure::new(
            format!(
                "{} has changed since it was opened: its rows cannot be shown",
                printable(file)
            ),
            "Go back to Files (Esc), remove it (d) and open it again; then check the rows again.",
        ),
        other => crate::tui::words::load_failure(other),
    }
}

/// The number (line) of row `r` of the input in view, if it is drawn.
pub(super) fn number_at(m: &Model, r: usize) -> Option<u64> {
    m.rows
        .page
        .binary_search_by_key(&r, |(k, _)| *k)
        .ok()
        .map(|k| m.rows.page[k].1.number)
}

/// Decide one row again after a change to it.
pub(super) fn refate(m: &mut Model, i: usize, r: usize) {
    let row = match row_at(m, i, r) {
        Ok(row) => row,
        Err(f) => return m.problem(f),
    };
    let new = fate_of(m, i, &row);
    if let Some(old) = m.rows.fates.get(i).and_then(|f| f.get(r)).cloned() {
        count(&mut m.rows.counts[i], &old, -1);
        count(&mut m.rows.counts[i], &new, 1);
        if i == m.rows.input {
            m.rows.visible.set(r, new.is_shared());
        }
        m.rows.fates[i].set(r, new);
    }
}

/// Rebuild the list of rows in view from the fates (another input is shown, or every row is
/// being decided again), keeping the cursor on the same row where it can.
pub(super) fn refresh_visible(m: &mut Model) {
    let i = m.rows.input;
    let current = m.rows.visible.get(m.rows.cursor);
    match m.rows.fates.get(i) {
        Some(f) => m.rows.visible.rebuild(f),
        None => m.rows.visible = Default::default(),
    }
    show_excluded(m, m.rows.show_excluded, current);
}

/// Show excluded rows too, or not, keeping the cursor on row `current` (or the nearest after
/// it) where it can.
pub(super) fn show_excluded(m: &mut Model, all: bool, current: Option<usize>) {
    m.rows.show_excluded = all;
    m.rows.visible.show_all(all);
    m.rows.cursor = current
        .map_or(0, |r| m.rows.visible.position(r))
        .min(m.rows.visible.len().saturating_sub(1));
    scroll(m);
}

/// Keep the cursor inside the drawn rows.
pub(super) fn scroll(m: &mut Model) {
    let h = crate::tui::layout::table_rows(m.size).max(1);
    if m.rows.cursor < m.rows.offset {
        m.rows.offset = m.rows.cursor;
    } else if m.rows.cursor >= m.rows.offset + h {
        m.rows.offset = m.rows.cursor + 1 - h;
    }
    m.rows.offset = m.rows.offset.min(m.rows.visible.len().saturating_sub(1));
}
