//! `update`: the only place state changes. It reads like the program's spec: each message,
//! and what it does on each screen. Screen-specific work is in the files beside this one.

mod carry;
mod columns;
mod fates;
mod free_text;
mod open;
mod package;
mod reader;
mod rows;
mod search;
mod suggestions;
mod verify;

pub use columns::rebuild_job;
pub use open::{add_input, enter as enter_open};

/// Open the Verify screen on a bundle (`disclose verify BUNDLE`).
pub fn enter_verify(m: &mut Model, bundle: std::path::PathBuf) {
    verify::enter(m, Some(bundle));
}

pub use super::model::START_MENU;
use super::model::{Model, Pending, PickFor, Popup, PromptFor, START_ITEMS, Screen};
use super::msg::{Action, Edit, Msg, Worker};

pub fn update(m: &mut Model, msg: Msg) {
    match msg {
        Msg::Worker(w) => worker(m, w),
        Msg::Resize(w, h) => m.size = (w, h),
        Msg::Paste(text) => paste(m, &text),
        Msg::Edit(e) => edit(m, &e),
        Msg::Action(a) => action(m, a),
    }
    carry::settle(m);
    rows::sync_page(m);
}

fn worker(m: &mut Model, w: Worker) {
    match w {
        Worker::Opened { .. } | Worker::Rows { .. } | Worker::RowsDone { .. } => open::worker(m, w),
        Worker::Found { .. } => search::found(m, w),
        Worker::PackProgress(_) | Worker::Packed(_) => package::worker(m, w),
        Worker::Verified { .. } | Worker::VerifyFailed(_) => verify::worker(m, w),
    }
}

fn paste(m: &mut Model, text: &str) {
    match &mut m.popup {
        Some(Popup::Prompt { input, .. }) => input.paste(text),
        None if m.screen == Screen::Open => {
            m.open.focus = super::model::OpenFocus::Path;
            m.open.path.paste(text);
        }
        _ => {}
    }
}

fn edit(m: &mut Model, e: &Edit) {
    match &mut m.popup {
        Some(Popup::Prompt { input, .. }) => input.edit(e),
        None if m.screen == Screen::Open => m.open.path.edit(e),
        _ => {}
    }
}

fn action(m: &mut Model, a: Action) {
    if let Some(scroll) = &mut m.help {
        match a {
            Action::Up => *scroll = scroll.saturating_sub(1),
            Action::Down => *scroll = scroll.saturating_add(1),
            _ => m.help = None,
        }
        return;
    }
    match a {
        Action::Help => {
            m.help = Some(0);
            return;
        }
        Action::Quit => return quit(m),
        _ => {}
    }
    if m.popup.is_some() {
        return popup(m, a);
    }
    m.status = None;
    match m.screen {
        Screen::Start => start(m, a),
        Screen::Open => open::action(m, a),
        Screen::Profile => columns::profile_action(m, a),
        Screen::Columns => columns::action(m, a),
        Screen::Rows => rows::action(m, a),
        Screen::Package => package::action(m, a),
        Screen::Writing => package::writing_action(m, a),
        Screen::Done => package::done_action(m, a),
        Screen::Verify => verify::action(m, a),
    }
}

/// `q` asks first when quitting would lose work; a second `q` (or Ctrl-C) at the question quits.
fn quit(m: &mut Model) {
    let asking = matches!(
        m.popup,
        Some(Popup::Confirm {
            then: Pending::Quit,
            ..
        })
    );
    if m.work_at_risk() && !asking {
        let mut lines = vec![
            "The choices made for this disclosure (rows excluded, cells redacted, recipients) will be lost.".to_string(),
            "The column mapping and justifications are remembered for next time.".to_string(),
        ];
        if m.writing.is_some() {
            lines.insert(
                0,
                "The bundle being written will be cancelled; nothing will be left behind.".into(),
            );
        }
        m.popup = Some(Popup::Confirm {
            title: "Quit?".into(),
            lines,
            then: Pending::Quit,
        });
    } else {
        quit_now(m);
    }
}

fn quit_now(m: &mut Model) {
    if let Some(w) = &m.writing {
        w.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    m.quit = true;
}

fn start(m: &mut Model, a: Action) {
    match a {
        Action::Select => match m.start_cursor {
            0 => open::enter(m),
            1 => verify::enter(m, None),
            _ => quit(m),
        },
        Action::Back => quit(m),
        _ => {
            nav(&mut m.start_cursor, START_ITEMS, a, START_ITEMS);
        }
    }
}

fn popup(m: &mut Model, a: Action) {
    match m.popup.as_mut() {
        Some(Popup::Confirm { .. }) => match a {
            Action::Yes => {
                if let Some(Popup::Confirm { then, .. }) = m.popup.take() {
                    match then {
                        Pending::Quit => quit_now(m),
                        Pending::Write => package::start_write(m),
                        Pending::Remembered(d) => columns::apply_remembered(m, d),
                        Pending::RemoveInput(i) => open::remove_input(m, i),
                        Pending::Include { input, index, row } => {
                            rows::include(m, input, index, row)
                        }
                        Pending::DropDecisions(id) => carry::answer(m, id, true),
                    }
                }
            }
            Action::No | Action::Back => {
                // Not dropping decisions is reading the file as before.
                if let Some(Popup::Confirm {
                    then: Pending::DropDecisions(id),
                    ..
                }) = m.popup.take()
                {
                    carry::answer(m, id, false);
                }
                m.popup = None;
            }
            _ => {}
        },
        Some(Popup::Pick { items, cursor, .. }) => match a {
            Action::Select => {
                if let Some(Popup::Pick {
                    items,
                    cursor,
                    purpose,
                    ..
                }) = m.popup.take()
                    && cursor < items.len()
                {
                    picked(m, purpose, cursor);
                }
            }
            Action::Back => m.popup = None,
            _ => {
                let len = items.len();
                nav(cursor, len, a, 10);
            }
        },
        Some(Popup::View { .. }) => reader::action(m, a),
        Some(Popup::Prompt { input, purpose, .. }) => match a {
            Action::Select => {
                if let Some(Popup::Prompt { input, purpose, .. }) = m.popup.take() {
                    prompted(m, purpose, input);
                }
            }
            Action::Complete if purpose.is_path() => {
                let any = !matches!(purpose, PromptFor::VerifyBundle);
                if let Some(c) = super::browse::complete(&m.opts.cwd, input.value(), any) {
                    input.set(&c);
                }
            }
            Action::Back => {
                if *purpose == PromptFor::PassphraseAgain {
                    m.package.passphrase_first = None;
                }
                m.popup = None;
            }
            _ => {}
        },
        None => {}
    }
}

fn picked(m: &mut Model, purpose: PickFor, index: usize) {
    match purpose {
        PickFor::Sheet(input) => open::set_sheet(m, input, index),
        PickFor::Field(col) => columns::map_column(m, col, index),
        PickFor::Basis => package::choose_basis(m, index),
        PickFor::Answer(k) => package::answer(m, k, package::YES_NO[index.min(1)]),
        PickFor::RedactKinds => free_text::redact_chosen(m, index),
    }
}

fn prompted(m: &mut Model, purpose: PromptFor, input: super::text_input::TextInput) {
    match purpose {
        PromptFor::Justify(field) => columns::justify(m, field, input.value()),
        PromptFor::Exclude {
            input: i,
            index,
            row,
        } => rows::exclude(m, i, index, row, input.value()),
        PromptFor::Redact {
            input: i,
            index,
            row,
            field,
        } => rows::redact(m, i, index, row, field, input.value()),
        PromptFor::FreeText {
            input: i,
            index,
            row,
            field,
            redact,
            only,
        } => free_text::decided(m, i, index, row, field, (redact, only), input.value()),
        PromptFor::Search => search::search(m, input.value()),
        PromptFor::VerifyBundle | PromptFor::VerifyIdentity | PromptFor::VerifyPassphrase => {
            verify::prompted(m, purpose, input)
        }
        other => package::prompted(m, other, input),
    }
}

/// Move a list cursor for a navigation action. Returns whether the action was one.
pub(super) fn nav(cursor: &mut usize, len: usize, a: Action, page: usize) -> bool {
    let last = len.saturating_sub(1);
    let page = page.max(1);
    *cursor = match a {
        Action::Up => cursor.saturating_sub(1),
        Action::Down => (*cursor + 1).min(last),
        Action::PageUp => cursor.saturating_sub(page),
        Action::PageDown => (*cursor + page).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return false,
    };
    true
}

/// Lines a list can show on the current screen (a page, for PgUp/PgDn).
pub(super) fn page(m: &Model) -> usize {
    super::layout::list_height(m.size) as usize
}
