//! The Rows screen: the data as it will leave. Each row's fate comes from `apply::fate_flagged`,
//! the call a pack makes; excluding a row or redacting a cell by hand changes the job's
//! `Decisions` and the row is decided again. Free text is reviewed in `free_text`, searching
//! is in `search`.

use super::nav;
use crate::apply::FlagFate;
use crate::load::{LoadError, Row};
use crate::text::printable;
use crate::tui::model::{Fate, Fates, Model, Popup, PromptFor, RowCounts, Screen};
use crate::tui::msg::{Action, Failure};
use crate::tui::store::Store;
use crate::tui::text_input::TextInput;
use crate::tui::worker::{Cmd, Deciding, PassId};

pub fn enter(m: &mut Model) {
    m.screen = Screen::Rows;
    if m.rows.input >= m.inputs.len() {
        m.rows.input = 0;
    }
    refresh_visible(m);
}

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

fn count(c: &mut RowCounts, f: &Fate, delta: i64) {
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
pub fn refate_all(m: &mut Model) {
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
pub fn extend_fates(m: &mut Model, i: usize, start: usize) {
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
pub fn add_fates(m: &mut Model, i: usize, first: usize, new: Vec<Fate>) {
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
pub fn refresh_visible(m: &mut Model) {
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
fn show_excluded(m: &mut Model, all: bool, current: Option<usize>) {
    m.rows.show_excluded = all;
    m.rows.visible.show_all(all);
    m.rows.cursor = current
        .map_or(0, |r| m.rows.visible.position(r))
        .min(m.rows.visible.len().saturating_sub(1));
    scroll(m);
}

/// Make the page hold the rows drawn, reading those it lacks. Called after every message, so
/// the view always finds them; a row already on the page is not read again.
pub fn sync_page(m: &mut Model) {
    if m.screen != Screen::Rows {
        return;
    }
    let i = m.rows.input;
    let Some(input) = m.inputs.get(i) else {
        return;
    };
    let key = (input.id, input.generation);
    if m.rows.page_of != Some(key) {
        m.rows.page.clear();
        m.rows.page_of = Some(key);
    }
    let h = crate::tui::layout::table_rows(m.size);
    let wanted = m.rows.visible.page(m.rows.offset, h);
    let mut page = std::mem::take(&mut m.rows.page);
    page.retain(|(r, _)| wanted.binary_search(r).is_ok());
    let missing: Vec<usize> = wanted
        .iter()
        .copied()
        .filter(|r| page.binary_search_by_key(r, |(k, _)| *k).is_err())
        .collect();
    if !missing.is_empty()
        && input.failure.is_none()
        && let Some(table) = &input.table
    {
        match input.store.read(table, &missing) {
            Ok(rows) => {
                page.extend(rows);
                page.sort_by_key(|(r, _)| *r);
            }
            Err(e) => {
                let f = read_failure(&e, &input.file_name());
                m.inputs[i].failure = Some(f.clone());
                m.problem(f);
            }
        }
    }
    m.rows.page = page;
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

fn shared_columns(m: &Model) -> usize {
    m.job
        .as_ref()
        .and_then(|j| j.plans.get(m.rows.input))
        .map(|p| p.shared.len())
        .unwrap_or(0)
}

pub fn action(m: &mut Model, a: Action) {
    let page = crate::tui::layout::table_rows(m.size);
    if nav(&mut m.rows.cursor, m.rows.visible.len(), a, page) {
        scroll(m);
        return;
    }
    let i = m.rows.input;
    let row = m.rows.visible.get(m.rows.cursor);
    match a {
        Action::Left => m.rows.column = m.rows.column.saturating_sub(1),
        Action::Right => {
            m.rows.column = (m.rows.column + 1).min(shared_columns(m).saturating_sub(1))
        }
        Action::ToggleExcluded => {
            let current = m.rows.visible.get(m.rows.cursor);
            show_excluded(m, !m.rows.show_excluded, current);
        }
        Action::PrevInput | Action::NextInput => {
            let n = m.inputs.len();
            m.rows.input = if a == Action::NextInput {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            m.rows.cursor = 0;
            m.rows.offset = 0;
            m.rows.column = 0;
            refresh_visible(m);
        }
        Action::ExcludeRow => {
            let Some(r) = row else { return };
            let Some(number) = number_at(m, r) else {
                return;
            };
            if let Some(why) = m.decisions.manual_exclusions.get(&(i, number)) {
                // Asked first: including it drops the reason given, from the record too.
                m.popup = Some(Popup::Confirm {
                    title: format!("Include row {number} again?"),
                    lines: vec![
                        format!("It was excluded by hand: “{}”.", printable(why)),
                        "Including it drops that reason: the row leaves if the rules let it."
                            .into(),
                    ],
                    then: crate::tui::model::Pending::Include {
                        input: i,
                        index: r,
                        row: number,
                    },
                });
            } else if let Some(Fate::Excluded(why)) = m.rows.fates[i].get(r) {
                let p = m.selected_profile().expect("a job has a profile");
                m.info(format!(
                    "Row {number} is already excluded: {}",
                    why.label(p)
                ));
            } else {
                m.popup = Some(Popup::Prompt {
                    title: format!("Exclude row {number}"),
                    lines: vec![
                        "Why must this row not be shared? The reason goes into the disclosure record.".into(),
                    ],
                    input: TextInput::default(),
                    purpose: PromptFor::Exclude { input: i, index: r, row: number },
                });
            }
        }
        Action::RedactCell => {
            let Some(r) = row else { return };
            let Some(number) = number_at(m, r) else {
                return;
            };
            if !m.rows.fates[i].get(r).is_some_and(Fate::is_shared) {
                m.info("This row is excluded: none of its cells leave.");
                return;
            }
            let Some(field) = m
                .job
                .as_ref()
                .and_then(|j| j.plans[i].shared.get(m.rows.column))
                .map(|(_, f)| f.clone())
            else {
                return;
            };
            let key = (i, number, field.clone());
            if m.decisions.redactions.contains_key(&key) {
                m.decisions.redactions.remove(&key);
                if let Some(j) = &mut m.job {
                    j.decisions.redactions.remove(&key);
                }
                super::carry::forget_unused(m);
                refate(m, i, r);
                m.info(format!("The cell in row {number} is shown again."));
            } else {
                let label = m
                    .selected_profile()
                    .and_then(|p| p.field(&field))
                    .map(|f| printable(&f.label))
                    .unwrap_or_default();
                m.popup = Some(Popup::Prompt {
                    title: format!("Redact {label}, row {number}"),
                    lines: vec![
                        "The cell will leave as [REDACTED]. Why? The reason goes into the disclosure record.".into(),
                    ],
                    input: TextInput::default(),
                    purpose: PromptFor::Redact { input: i, index: r, row: number, field },
                });
            }
        }
        Action::NextFlagged => super::free_text::next(m, true),
        Action::PrevFlagged => super::free_text::next(m, false),
        Action::RedactDetails => super::free_text::ask(m, true),
        Action::KeepDetails => super::free_text::ask(m, false),
        Action::Search => {
            // A new search starts empty, so typing never runs on from the last one; the last
            // is named, and n and N still find it.
            let mut lines = vec!["Finds text in the cells that will leave (any case).".into()];
            if let Some(last) = &m.rows.search {
                lines.push(format!(
                    "Last search: “{}” (Esc, then n or N, finds it again).",
                    printable(last)
                ));
            }
            m.popup = Some(Popup::Prompt {
                title: "Search the rows".into(),
                lines,
                input: TextInput::default(),
                purpose: PromptFor::Search,
            });
        }
        Action::Open => super::reader::open_row(m),
        Action::SearchNext => super::search::find(m, true, false),
        Action::SearchPrev => super::search::find(m, false, false),
        Action::Continue => {
            if let Some(bad) = m.inputs.iter().find(|x| x.failure.is_some()) {
                let f = bad.failure.clone().expect("checked");
                m.problem(f);
            } else if m.inputs.iter().any(|x| !x.rows_done) {
                m.info("Still reading the rows: wait for the count to finish.");
            } else if (0..m.inputs.len()).any(|k| m.deciding(k)) {
                m.info("Still checking the rows against the rules: wait for the count to finish.");
            } else {
                super::package::enter(m);
            }
        }
        Action::Back if super::search::stop(m) => m.info("Search stopped."),
        Action::Back => m.screen = Screen::Columns,
        _ => {}
    }
}

fn set_exclusion(m: &mut Model, i: usize, r: usize, number: u64, reason: Option<String>) {
    let key = (i, number);
    match reason {
        Some(why) => {
            super::carry::remember(m, i, r, number);
            m.decisions.manual_exclusions.insert(key, why.clone());
            if let Some(j) = &mut m.job {
                j.decisions.manual_exclusions.insert(key, why);
            }
        }
        None => {
            m.decisions.manual_exclusions.remove(&key);
            if let Some(j) = &mut m.job {
                j.decisions.manual_exclusions.remove(&key);
            }
            super::carry::forget_unused(m);
        }
    }
    refate(m, i, r);
    refresh_visible(m);
}

/// A row excluded by hand is included again (the analyst said yes).
pub fn include(m: &mut Model, i: usize, index: usize, number: u64) {
    set_exclusion(m, i, index, number, None);
    m.info(format!("Row {number} is included again."));
}

pub fn exclude(m: &mut Model, i: usize, index: usize, number: u64, reason: &str) {
    if reason.trim().is_empty() {
        m.problem(Failure::new(
            "the row was not excluded: a reason is needed",
            "Press x again and say why the row must not be shared.",
        ));
        return;
    }
    set_exclusion(m, i, index, number, Some(reason.trim().to_string()));
    m.info(format!("Row {number} is excluded by hand."));
}

pub fn redact(m: &mut Model, i: usize, index: usize, number: u64, field: String, reason: &str) {
    if reason.trim().is_empty() {
        m.problem(Failure::new(
            "the cell was not redacted: a reason is needed",
            "Press r again and say why the cell must not be shared.",
        ));
        return;
    }
    super::carry::remember(m, i, index, number);
    let key = (i, number, field);
    m.decisions
        .redactions
        .insert(key.clone(), reason.trim().to_string());
    if let Some(j) = &mut m.job {
        j.decisions
            .redactions
            .insert(key, reason.trim().to_string());
    }
    // A free-text cell redacted whole has nothing left to review in it.
    refate(m, i, index);
    m.info(format!(
        "The cell in row {number} will leave as [REDACTED]."
    ));
}
