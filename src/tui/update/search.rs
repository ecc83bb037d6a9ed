//! Searching the Rows screen: text in the cells as they will leave (any case), in memory or,
//! for a file read from the middle, on a worker so the screen stays live. `n`/`N` go on; a
//! search that goes past the end says so.

use super::fates::{deciding, read_failure, scroll};
use crate::text::printable;
use crate::tui::model::Model;
use crate::tui::msg::{Failure, Worker};
use crate::tui::worker::{Cmd, SearchJob};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub(super) fn search(m: &mut Model, query: &str) {
    if query.trim().is_empty() {
        m.rows.search = None;
        return;
    }
    m.rows.search = Some(query.to_string());
    find(m, true, true);
}

/// Move to the next (or previous) row in view whose shared cells contain the search text.
/// `here` lets the current row match (a new search).
pub(super) fn find(m: &mut Model, forward: bool, here: bool) {
    let Some(q) = m.rows.search.as_ref().map(|q| q.to_lowercase()) else {
        m.info("Nothing to find yet: press / to search.");
        return;
    };
    let n = m.rows.visible.len();
    let cursor = m.rows.cursor.min(n);
    // The positions in `visible` to look at, as runs in file order: forward, from the row
    // after the cursor (or the cursor's, for a new search) to the end, then from the top;
    // backward, the rows above the cursor (nearest last), then those below it.
    let split = if forward {
        (cursor + usize::from(!here)).min(n)
    } else {
        cursor
    };
    let runs = if forward {
        [split..n, 0..split]
    } else {
        [0..split, split..n]
    };
    if m.inputs[m.rows.input].store.is_indexed() {
        return start_search(m, q, runs, forward);
    }
    for (k, run) in runs.into_iter().enumerate() {
        match find_in(m, &q, run, forward) {
            Ok(Some((pos, column))) => {
                m.rows.cursor = pos;
                m.rows.column = column;
                scroll(m);
                if k == 1 {
                    m.info(wrapped(forward));
                }
                return;
            }
            Ok(None) => {}
            Err(f) => return m.problem(f),
        }
    }
    m.info(format!(
        "Not found: “{}”",
        printable(m.rows.search.as_deref().unwrap_or(""))
    ));
}

/// Search a file's rows on a worker, so the screen stays live however big the file: the runs
/// of positions in view become runs of rows in the file (rows between those in view are
/// excluded, and an excluded row's cells do not leave, so it never matches).
fn start_search(m: &mut Model, query: String, runs: [std::ops::Range<usize>; 2], first: bool) {
    stop(m);
    let i = m.rows.input;
    let Some(deciding) = deciding(m, i) else {
        return;
    };
    let input = &m.inputs[i];
    let Some(table) = input.table.clone() else {
        return;
    };
    let (n, rows) = (m.rows.visible.len(), input.store.len());
    let row_at = |pos: usize| {
        if pos >= n {
            rows
        } else {
            m.rows.visible.get(pos).unwrap_or(rows)
        }
    };
    let runs = runs
        .into_iter()
        .filter(|run| run.start < run.end)
        .map(|run| row_at(run.start)..row_at(run.end))
        .collect();
    m.rows.searches += 1;
    m.rows.search_forward = first;
    let cancel = Arc::new(AtomicBool::new(false));
    m.rows.searching = Some((m.rows.searches, cancel.clone()));
    m.cmds.push(Cmd::Search(Box::new(SearchJob {
        id: input.id,
        generation: input.generation,
        search: m.rows.searches,
        table,
        store: input.store.clone(),
        runs,
        first,
        query,
        deciding,
        cancel,
    })));
    m.info("Searching the rows… (Esc stops)");
}

/// What a search that went past the end (or the start) and on round says.
fn wrapped(forward: bool) -> &'static str {
    if forward {
        "Search wrapped: found from the top."
    } else {
        "Search wrapped: found from the bottom."
    }
}

/// Stop a search under way, if any. Returns whether there was one.
pub(super) fn stop(m: &mut Model) -> bool {
    match m.rows.searching.take() {
        Some((_, cancel)) => {
            cancel.store(true, Ordering::Relaxed);
            true
        }
        None => false,
    }
}

/// A search's report: move to the row it found.
pub(super) fn found(m: &mut Model, w: Worker) {
    let Worker::Found {
        id,
        generation,
        search,
        result,
    } = w
    else {
        return;
    };
    if m.rows.searching.as_ref().map(|(n, _)| *n) != Some(search) {
        return; // stopped, or replaced by a newer search
    }
    m.rows.searching = None;
    let current = m
        .inputs
        .get(m.rows.input)
        .is_some_and(|x| x.id == id && x.generation == generation);
    if !current {
        return;
    }
    match result {
        Ok(Some((r, column))) => {
            let pos = m.rows.visible.position(r);
            if m.rows.visible.get(pos) == Some(r) {
                let forward = m.rows.search_forward;
                let went_round = if forward {
                    pos < m.rows.cursor
                } else {
                    pos > m.rows.cursor
                };
                m.rows.cursor = pos;
                m.rows.column = column;
                m.status = None;
                if went_round {
                    m.info(wrapped(forward));
                }
                scroll(m);
            }
        }
        Ok(None) => m.info(format!(
            "Not found: “{}”",
            printable(m.rows.search.as_deref().unwrap_or(""))
        )),
        Err(f) => m.problem(f),
    }
}

/// The first (or, not `first`, the last) position in `run` of `visible` whose shared cells
/// contain `q`, and the column it is in. The rows are read in one stream, in file order.
fn find_in(
    m: &Model,
    q: &str,
    run: std::ops::Range<usize>,
    first: bool,
) -> Result<Option<(usize, usize)>, Failure> {
    let (Some(job), Some(input)) = (&m.job, m.inputs.get(m.rows.input)) else {
        return Ok(None);
    };
    let (Some(from), Some(table)) = (m.rows.visible.get(run.start), &input.table) else {
        return Ok(None);
    };
    let i = m.rows.input;
    let wanted = job
        .plans
        .get(i)
        .map(|p| p.wanted_columns(table.headers.len()));
    let mut pos = run.start;
    let mut found = None;
    for item in input.store.scan(table, from, wanted.as_deref()) {
        if pos >= run.end {
            break;
        }
        let (r, row) = item.map_err(|e| read_failure(&e, &input.file_name()))?;
        if Some(r) != m.rows.visible.get(pos) {
            continue; // a row not in view
        }
        let cells = job.decide(i, &row).unwrap_or_default();
        if let Some(c) = cells.iter().position(|c| c.to_lowercase().contains(q)) {
            found = Some((pos, c));
            if first {
                break;
            }
        }
        pos += 1;
    }
    Ok(found)
}
