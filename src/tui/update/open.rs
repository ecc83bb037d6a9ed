//! The Open screen: typing or browsing to export files, choosing an XLSX sheet and header row,
//! and the reports of the threads that read them.

use super::nav;
use crate::tui::browse;
use crate::tui::input::HEAD_ROWS;
use crate::tui::input::Input;
use crate::tui::model::{Model, OpenFocus, PickFor, Popup, Screen};
use crate::tui::msg::{Action, Chunk, Failure, Worker};
use crate::tui::store::Store;
use crate::tui::worker::{Cmd, PassId};
use std::path::{Path, PathBuf};

/// Arrive on the Open screen, listing the current folder.
pub fn enter(m: &mut Model) {
    m.screen = Screen::Open;
    if m.open.entries.is_empty() {
        let dir = m.open.dir.clone();
        list_dir(m, &dir);
    }
    if m.inputs.is_empty() {
        m.open.focus = OpenFocus::Path;
    }
}

fn list_dir(m: &mut Model, dir: &Path) {
    match browse::list(dir) {
        Ok(entries) => {
            m.open.dir = dir.to_path_buf();
            m.open.entries = entries;
            m.open.browse_cursor = 0;
        }
        Err(e) => m.problem(Failure::new(
            format!(
                "cannot list {}: {e}",
                crate::text::printable(&dir.display().to_string())
            ),
            "Check the folder exists and that you may read it.",
        )),
    }
}

/// Add a file to the inputs and start reading it.
pub fn add_input(m: &mut Model, path: PathBuf) {
    if m.inputs.iter().any(|i| i.path == path) {
        m.info("That file is already open.");
        return;
    }
    let id = m.next_input_id;
    m.next_input_id += 1;
    m.inputs.push(Input::new(id, path));
    m.open.inputs_cursor = m.inputs.len() - 1;
    inputs_changed(m);
    load(m, m.inputs.len() - 1);
}

fn load(m: &mut Model, i: usize) {
    let input = &mut m.inputs[i];
    input.restart();
    m.cmds.push(Cmd::Load {
        to: PassId {
            id: input.id,
            generation: input.generation,
            pass: input.pass,
        },
        path: input.path.clone(),
        options: input.options.clone(),
        cancel: input.cancel.clone(),
    });
}

/// Read input `i` again (its options changed), its decisions lifted off first by the caller.
pub(super) fn reload(m: &mut Model, i: usize) {
    inputs_changed(m);
    load(m, i);
}

/// The set of inputs (or how one is read) changed: the job and every row's fate go. Decisions
/// made by hand stay with their rows: an input read another way has had them lifted off
/// (`carry::lift`) to be put back on its new reading's rows.
fn inputs_changed(m: &mut Model) {
    m.job = None;
    m.plans.clear();
    m.rows.fates.clear();
    m.rows.visible = Default::default();
    m.rows.cursor = 0;
}

pub(super) fn action(m: &mut Model, a: Action) {
    match m.open.focus {
        OpenFocus::Path => path_action(m, a),
        OpenFocus::Browse => browse_action(m, a),
        OpenFocus::Inputs => inputs_action(m, a),
    }
}

fn focus(m: &mut Model, forward: bool) {
    use OpenFocus::*;
    let order = [Path, Browse, Inputs];
    let at = order.iter().position(|f| *f == m.open.focus).unwrap_or(0);
    let next = if forward { (at + 1) % 3 } else { (at + 2) % 3 };
    m.open.focus = order[next];
}

fn common(m: &mut Model, a: Action) -> bool {
    match a {
        Action::NextPane => focus(m, true),
        Action::PrevPane => focus(m, false),
        Action::Back => m.screen = Screen::Start,
        Action::Continue => continue_to_profile(m),
        _ => return false,
    }
    true
}

fn path_action(m: &mut Model, a: Action) {
    match a {
        Action::Select => {
            let typed = m.open.path.value().to_string();
            if typed.trim().is_empty() {
                return;
            }
            let path = browse::resolve(&m.open.dir, &typed);
            if path.is_dir() {
                list_dir(m, &path);
                m.open.path.clear();
            } else if path.is_file() {
                m.open.path.clear();
                add_input(m, path);
                m.open.focus = OpenFocus::Inputs;
            } else {
                m.problem(Failure::new(
                    format!("no such file or folder: {}", crate::text::printable(&typed)),
                    "Check the spelling; press Tab to complete a name.",
                ));
            }
        }
        Action::Complete => {
            let base = m.open.dir.clone();
            match browse::complete(&base, m.open.path.value(), false) {
                Some(c) => m.open.path.set(&c),
                None => m.info("No other completion: no name there starts with what is typed."),
            }
        }
        Action::Down => m.open.focus = OpenFocus::Browse,
        Action::Back => m.screen = Screen::Start,
        _ => {
            common(m, a);
        }
    }
}

fn browse_action(m: &mut Model, a: Action) {
    let page = super::page(m);
    if nav(&mut m.open.browse_cursor, m.open.entries.len(), a, page) {
        return;
    }
    match a {
        Action::Select => {
            let Some(e) = m.open.entries.get(m.open.browse_cursor).cloned() else {
                return;
            };
            let path = m.open.dir.join(&e.name);
            if e.is_dir {
                list_dir(m, &path);
            } else {
                add_input(m, path);
            }
        }
        Action::Left => {
            if let Some(parent) = m.open.dir.parent().map(Path::to_path_buf) {
                let came_from = m
                    .open
                    .dir
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned());
                list_dir(m, &parent);
                if let Some(pos) =
                    came_from.and_then(|n| m.open.entries.iter().position(|e| e.name == n))
                {
                    m.open.browse_cursor = pos;
                }
            }
        }
        _ => {
            common(m, a);
        }
    }
}

fn inputs_action(m: &mut Model, a: Action) {
    let page = super::page(m);
    if nav(&mut m.open.inputs_cursor, m.inputs.len(), a, page) {
        return;
    }
    let i = m.open.inputs_cursor;
    match a {
        Action::RemoveInput if i < m.inputs.len() => {
            let (ex, red, ft) = super::carry::decisions_on(m, i);
            if ex + red + ft == 0 {
                remove_input(m, i);
            } else {
                m.popup = Some(Popup::Confirm {
                    title: format!(
                        "Remove {}?",
                        crate::text::printable(&m.inputs[i].file_name())
                    ),
                    lines: vec![format!(
                        "Its {} will be dropped.",
                        super::carry::describe(ex, red, ft)
                    )],
                    then: crate::tui::model::Pending::RemoveInput(i),
                });
            }
        }
        Action::ChooseSheet => {
            let Some(crate::load::Format::Xlsx { sheets, sheet, .. }) = m
                .inputs
                .get(i)
                .and_then(|x| x.table.as_ref())
                .map(|t| t.format.clone())
            else {
                m.info("Only a workbook (.xlsx) has sheets to choose from.");
                return;
            };
            let items = sheets
                .iter()
                .map(|s| {
                    let mut line = crate::text::printable(&s.name);
                    if s.visibility != "visible" {
                        line.push_str(&format!("  ({})", s.visibility));
                    }
                    line
                })
                .collect();
            m.popup = Some(Popup::Pick {
                title: "Which sheet holds the data?".into(),
                lines: Vec::new(),
                items,
                cursor: sheets.iter().position(|s| s.name == sheet).unwrap_or(0),
                purpose: PickFor::Sheet(i),
            });
        }
        Action::HeaderRowDown | Action::HeaderRowUp => {
            let Some(input) = m.inputs.get_mut(i) else {
                return;
            };
            let current = input
                .table
                .as_ref()
                .map(|t| t.header_row)
                .or(input.options.header_row)
                .unwrap_or(1);
            let next = if a == Action::HeaderRowDown {
                current.saturating_add(1)
            } else {
                current.saturating_sub(1).max(1)
            };
            if next == current && input.table.is_some() {
                return;
            }
            super::carry::lift(m, i);
            m.inputs[i].options.header_row = Some(next);
            reload(m, i);
            m.info(format!("Reading again with the header on row {next}."));
        }
        _ => {
            common(m, a);
        }
    }
}

pub(super) fn set_sheet(m: &mut Model, i: usize, index: usize) {
    let Some(crate::load::Format::Xlsx { sheets, .. }) = m
        .inputs
        .get(i)
        .and_then(|x| x.table.as_ref())
        .map(|t| t.format.clone())
    else {
        return;
    };
    let Some(s) = sheets.get(index) else { return };
    super::carry::lift(m, i);
    let input = &mut m.inputs[i];
    input.options.sheet = Some(s.name.clone());
    input.options.header_row = None;
    reload(m, i);
}

/// Remove input `i` and the decisions on its rows (asked first when there are any).
pub(super) fn remove_input(m: &mut Model, i: usize) {
    if i >= m.inputs.len() {
        return;
    }
    super::carry::remove_input(m, i);
    m.inputs.remove(i);
    m.open.inputs_cursor = i.min(m.inputs.len().saturating_sub(1));
    inputs_changed(m);
}

fn continue_to_profile(m: &mut Model) {
    if m.inputs.is_empty() {
        m.problem(Failure::new(
            "no export is open yet",
            "Type a file's path and press Enter, or choose one from the folder list.",
        ));
        return;
    }
    if let Some(bad) = m.inputs.iter().find(|i| i.failure.is_some()) {
        m.problem(Failure::new(
            format!(
                "{} could not be read",
                crate::text::printable(&bad.file_name())
            ),
            "Remove it (d), or fix it and open it again.",
        ));
        return;
    }
    if m.inputs.iter().any(|i| i.table.is_none()) {
        m.info("Still opening the files: a moment.");
        return;
    }
    if let Some(name) = super::carry::waiting(m) {
        m.info(format!(
            "Still reading {name} again, to put your decisions back on its rows: a moment."
        ));
        return;
    }
    m.screen = Screen::Profile;
}

pub(super) fn worker(m: &mut Model, w: Worker) {
    let (id, generation, pass) = match &w {
        Worker::Opened { id, generation, .. } => (*id, *generation, None),
        Worker::Rows {
            id,
            generation,
            pass,
            ..
        }
        | Worker::RowsDone {
            id,
            generation,
            pass,
            ..
        } => (*id, *generation, Some(*pass)),
        _ => return,
    };
    let Some(i) = m
        .inputs
        .iter()
        .position(|x| x.id == id && x.generation == generation && pass.is_none_or(|p| p == x.pass))
    else {
        return; // from a load or pass that was superseded, or an input removed
    };
    match w {
        Worker::Opened { result, .. } => match result {
            Ok(t) => m.inputs[i].table = Some(*t),
            Err(f) => m.inputs[i].failure = Some(f),
        },
        Worker::Rows { first, chunk, .. } => match chunk {
            Chunk::Held(rows) => {
                let input = &mut m.inputs[i];
                let room = HEAD_ROWS.saturating_sub(input.head.len());
                input.head.extend(rows.iter().take(room).cloned());
                let start = input.store.len();
                if let Store::Held(held) = &mut input.store {
                    held.extend(rows);
                }
                super::fates::extend_fates(m, i, start);
            }
            Chunk::Indexed {
                count,
                marks,
                head,
                fates,
            } => {
                let input = &mut m.inputs[i];
                if input.head.is_empty() {
                    input.head = head; // a later pass sends them again
                }
                input.store.index(first, count, marks);
                if let Some(fates) = fates {
                    super::fates::add_fates(m, i, first, fates);
                }
            }
        },
        Worker::RowsDone { result, .. } => match result {
            Ok(()) => m.inputs[i].rows_done = true,
            Err(f) => m.inputs[i].failure = Some(f),
        },
        _ => {}
    }
}
