//! The Rows screen: the data as it will leave. Each row's fate comes from `Job::decide`, the
//! same call a pack makes; excluding a row or redacting a cell by hand changes the job's
//! `Decisions` and the row is decided again.

use super::nav;
use crate::text::printable;
use crate::tui::model::{Fate, Model, Popup, PromptFor, RowCounts, Screen};
use crate::tui::msg::{Action, Failure};
use crate::tui::text_input::TextInput;

pub fn enter(m: &mut Model) {
    m.screen = Screen::Rows;
    if m.rows.input >= m.inputs.len() {
        m.rows.input = 0;
    }
    refresh_visible(m);
}

fn fate(m: &Model, i: usize, r: usize) -> Fate {
    match m.job.as_ref().map(|j| j.decide(i, &m.inputs[i].rows[r])) {
        Some(Err(why)) => Fate::Excluded(why),
        _ => Fate::Shared,
    }
}

fn count(c: &mut RowCounts, f: &Fate, delta: i64) {
    let add = |n: &mut u64| *n = n.saturating_add_signed(delta);
    match f {
        Fate::Shared => add(&mut c.shared),
        Fate::Excluded(why) => {
            let n = c.excluded.entry(why.clone()).or_insert(0);
            add(n);
            if *n == 0 {
                c.excluded.remove(why);
            }
        }
    }
}

/// Decide every loaded row again (the mapping or the period changed).
pub fn refate_all(m: &mut Model) {
    m.rows.fates = vec![Vec::new(); m.inputs.len()];
    m.rows.counts = vec![RowCounts::default(); m.inputs.len()];
    for i in 0..m.inputs.len() {
        extend_fates(m, i, 0);
    }
    refresh_visible(m);
}

/// Decide rows `start..` of input `i` (just arrived from the reader).
pub fn extend_fates(m: &mut Model, i: usize, start: usize) {
    if m.job.is_none() {
        return;
    }
    if m.rows.fates.len() != m.inputs.len() {
        m.rows.fates.resize(m.inputs.len(), Vec::new());
        m.rows.counts.resize(m.inputs.len(), RowCounts::default());
    }
    let new: Vec<Fate> = (start..m.inputs[i].rows.len())
        .map(|r| fate(m, i, r))
        .collect();
    for (k, f) in new.into_iter().enumerate() {
        count(&mut m.rows.counts[i], &f, 1);
        if i == m.rows.input && (m.rows.show_excluded || f == Fate::Shared) {
            m.rows.visible.push(start + k);
        }
        m.rows.fates[i].push(f);
    }
}

/// Decide one row again after a change to it.
fn refate(m: &mut Model, i: usize, r: usize) {
    let new = fate(m, i, r);
    if let Some(old) = m.rows.fates.get(i).and_then(|f| f.get(r)).cloned() {
        count(&mut m.rows.counts[i], &old, -1);
        count(&mut m.rows.counts[i], &new, 1);
        m.rows.fates[i][r] = new;
    }
}

/// Rebuild the list of rows in view, keeping the cursor on the same row where it can.
pub fn refresh_visible(m: &mut Model) {
    let i = m.rows.input;
    let current = m.rows.visible.get(m.rows.cursor).copied();
    let show = m.rows.show_excluded;
    m.rows.visible = m
        .rows
        .fates
        .get(i)
        .map(|f| {
            f.iter()
                .enumerate()
                .filter(|(_, f)| show || **f == Fate::Shared)
                .map(|(r, _)| r)
                .collect()
        })
        .unwrap_or_default();
    m.rows.cursor = match current {
        Some(r) => m.rows.visible.partition_point(|&v| v < r),
        None => 0,
    }
    .min(m.rows.visible.len().saturating_sub(1));
    scroll(m);
}

/// Keep the cursor inside the drawn rows.
fn scroll(m: &mut Model) {
    let h = crate::tui::view::rows::table_rows(m.size).max(1);
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
    let page = crate::tui::view::rows::table_rows(m.size);
    if nav(&mut m.rows.cursor, m.rows.visible.len(), a, page) {
        scroll(m);
        return;
    }
    let i = m.rows.input;
    let row = m.rows.visible.get(m.rows.cursor).copied();
    match a {
        Action::Left => m.rows.column = m.rows.column.saturating_sub(1),
        Action::Right => {
            m.rows.column = (m.rows.column + 1).min(shared_columns(m).saturating_sub(1))
        }
        Action::ToggleExcluded => {
            m.rows.show_excluded = !m.rows.show_excluded;
            refresh_visible(m);
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
            m.rows.visible.clear();
            refresh_visible(m);
        }
        Action::ExcludeRow => {
            let Some(r) = row else { return };
            let number = m.inputs[i].rows[r].number;
            if m.decisions.manual_exclusions.contains_key(&(i, number)) {
                set_exclusion(m, i, r, None);
                m.info(format!("Row {number} is included again."));
            } else if let Fate::Excluded(why) = &m.rows.fates[i][r] {
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
                    purpose: PromptFor::Exclude { input: i, row: number },
                });
            }
        }
        Action::RedactCell => {
            let Some(r) = row else { return };
            let number = m.inputs[i].rows[r].number;
            if m.rows.fates[i][r] != Fate::Shared {
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
                    purpose: PromptFor::Redact { input: i, row: number, field },
                });
            }
        }
        Action::Search => {
            let current = m.rows.search.clone().unwrap_or_default();
            m.popup = Some(Popup::Prompt {
                title: "Search the rows".into(),
                lines: vec!["Finds text in the cells that will leave (any case).".into()],
                input: TextInput::new(&current),
                purpose: PromptFor::Search,
            });
        }
        Action::SearchNext => find(m, true, false),
        Action::SearchPrev => find(m, false, false),
        Action::Continue => {
            if let Some(bad) = m.inputs.iter().find(|x| x.failure.is_some()) {
                let f = bad.failure.clone().expect("checked");
                m.problem(f);
            } else if m.inputs.iter().any(|x| !x.rows_done) {
                m.info("Still reading the rows: wait for the count to finish.");
            } else {
                super::package::enter(m);
            }
        }
        Action::Back => m.screen = Screen::Columns,
        _ => {}
    }
}

fn set_exclusion(m: &mut Model, i: usize, r: usize, reason: Option<String>) {
    let key = (i, m.inputs[i].rows[r].number);
    match reason {
        Some(why) => {
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
        }
    }
    refate(m, i, r);
    refresh_visible(m);
}

fn row_index(m: &Model, i: usize, number: u64) -> Option<usize> {
    m.inputs[i].rows.iter().position(|r| r.number == number)
}

pub fn exclude(m: &mut Model, i: usize, number: u64, reason: &str) {
    if reason.trim().is_empty() {
        m.problem(Failure::new(
            "the row was not excluded: a reason is needed",
            "Press x again and say why the row must not be shared.",
        ));
        return;
    }
    if let Some(r) = row_index(m, i, number) {
        set_exclusion(m, i, r, Some(reason.trim().to_string()));
        m.info(format!("Row {number} is excluded by hand."));
    }
}

pub fn redact(m: &mut Model, i: usize, number: u64, field: String, reason: &str) {
    if reason.trim().is_empty() {
        m.problem(Failure::new(
            "the cell was not redacted: a reason is needed",
            "Press r again and say why the cell must not be shared.",
        ));
        return;
    }
    let key = (i, number, field);
    m.decisions
        .redactions
        .insert(key.clone(), reason.trim().to_string());
    if let Some(j) = &mut m.job {
        j.decisions
            .redactions
            .insert(key, reason.trim().to_string());
    }
    m.info(format!(
        "The cell in row {number} will leave as [REDACTED]."
    ));
}

pub fn search(m: &mut Model, query: &str) {
    if query.trim().is_empty() {
        m.rows.search = None;
        return;
    }
    m.rows.search = Some(query.to_string());
    find(m, true, true);
}

/// Move to the next (or previous) row in view whose shared cells contain the search text.
/// `here` lets the current row match (a new search).
fn find(m: &mut Model, forward: bool, here: bool) {
    let Some(q) = m.rows.search.as_ref().map(|q| q.to_lowercase()) else {
        m.info("Nothing to find yet: press / to search.");
        return;
    };
    let Some(job) = &m.job else { return };
    let i = m.rows.input;
    let n = m.rows.visible.len();
    for step in 0..n {
        let k = if here { step } else { step + 1 };
        let pos = if forward {
            (m.rows.cursor + k) % n
        } else {
            (m.rows.cursor + n * 2 - k % n) % n
        };
        let row = &m.inputs[i].rows[m.rows.visible[pos]];
        let cells = job.decide(i, row).unwrap_or_default();
        if let Some(c) = cells.iter().position(|c| c.to_lowercase().contains(&q)) {
            m.rows.cursor = pos;
            m.rows.column = c;
            scroll(m);
            return;
        }
    }
    m.info(format!(
        "Not found: “{}”",
        printable(m.rows.search.as_deref().unwrap_or(""))
    ));
}
