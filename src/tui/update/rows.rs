//! The Rows screen: the data as it will leave. Each row's fate comes from `apply::fate_flagged`,
//! the call a pack makes; excluding a row or redacting a cell by hand changes the job's
//! `Decisions` and the row is decided again (in `fates`). Free text is reviewed in
//! `free_text`, searching is in `search`.

use super::fates::{number_at, read_failure, refate, refresh_visible, scroll, show_excluded};
use super::nav;
use crate::text::printable;
use crate::tui::model::{Fate, Model, Popup, PromptFor, Screen};
use crate::tui::msg::{Action, Failure};
use crate::tui::text_input::TextInput;

pub(super) fn enter(m: &mut Model) {
    m.screen = Screen::Rows;
    if m.rows.input >= m.inputs.len() {
        m.rows.input = 0;
    }
    refresh_visible(m);
}

/// Make the page hold the rows drawn, reading those it lacks. Called after every message, so
/// the view always finds them; a row already on the page is not read again.
pub(super) fn sync_page(m: &mut Model) {
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

fn shared_columns(m: &Model) -> usize {
    m.job
        .as_ref()
        .and_then(|j| j.plans.get(m.rows.input))
        .map(|p| p.shared.len())
        .unwrap_or(0)
}

pub(super) fn action(m: &mut Model, a: Action) {
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
pub(super) fn include(m: &mut Model, i: usize, index: usize, number: u64) {
    set_exclusion(m, i, index, number, None);
    m.info(format!("Row {number} is included again."));
}

pub(super) fn exclude(m: &mut Model, i: usize, index: usize, number: u64, reason: &str) {
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

pub(super) fn redact(
    m: &mut Model,
    i: usize,
    index: usize,
    number: u64,
    field: String,
    reason: &str,
) {
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
