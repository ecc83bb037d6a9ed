//! The Verify screen: choose a received bundle and what opens it (your key file or the
//! passphrase), check it on a thread, and show every check and the disclosure record.

use crate::tui::browse;
use crate::tui::model::{Model, Popup, PromptFor, Screen, VerifyItem};
use crate::tui::msg::{Action, Failure, Worker};
use crate::tui::text_input::TextInput;
use crate::tui::worker::{Cmd, VerifyKey};
use age::secrecy::SecretString;
use std::path::PathBuf;

pub(super) fn enter(m: &mut Model, bundle: Option<PathBuf>) {
    m.screen = Screen::Verify;
    if let Some(b) = bundle {
        m.verify.bundle = b.display().to_string();
        m.verify.report = None;
        m.verify.failure = None;
        m.verify.cursor = 1;
    }
}

fn prompt(m: &mut Model, title: &str, line: &str, value: &str, purpose: PromptFor) {
    let mut input = TextInput::new(value);
    input.masked = purpose == PromptFor::VerifyPassphrase;
    m.popup = Some(Popup::Prompt {
        title: title.into(),
        lines: vec![line.into()],
        input,
        purpose,
    });
}

pub(super) fn action(m: &mut Model, a: Action) {
    let items = m.verify_items();
    match a {
        Action::Up | Action::Down | Action::Top | Action::Bottom => {
            super::nav(&mut m.verify.cursor, items.len(), a, 1);
        }
        Action::PageDown => m.verify.scroll = m.verify.scroll.saturating_add(10),
        Action::PageUp => m.verify.scroll = m.verify.scroll.saturating_sub(10),
        Action::NextPane | Action::PrevPane => m.verify.cursor = 1 - m.verify.cursor.min(1),
        Action::SwitchKeyKind => m.verify.use_passphrase = !m.verify.use_passphrase,
        Action::Select => match items.get(m.verify.cursor) {
            Some(VerifyItem::Bundle) => {
                let v = m.verify.bundle.clone();
                prompt(
                    m,
                    "Bundle to verify",
                    "The .zip.age file received (Tab completes).",
                    &v,
                    PromptFor::VerifyBundle,
                );
            }
            Some(VerifyItem::Key) if m.verify.use_passphrase => {
                prompt(
                    m,
                    "Passphrase",
                    "The passphrase the sender gave you (by phone, not by email).",
                    "",
                    PromptFor::VerifyPassphrase,
                );
            }
            Some(VerifyItem::Key) => {
                let v = m.verify.identity.clone();
                prompt(
                    m,
                    "Your key file",
                    "The file holding your age secret key (AGE-SECRET-KEY-1…).",
                    &v,
                    PromptFor::VerifyIdentity,
                );
            }
            None => {}
        },
        Action::VerifyNow => run(m),
        Action::Back => m.screen = Screen::Start,
        _ => {}
    }
}

pub(super) fn prompted(m: &mut Model, purpose: PromptFor, input: TextInput) {
    match purpose {
        PromptFor::VerifyBundle => {
            m.verify.bundle = input.value().trim().to_string();
            m.verify.cursor = 1;
        }
        PromptFor::VerifyIdentity => m.verify.identity = input.value().trim().to_string(),
        PromptFor::VerifyPassphrase => m.verify.passphrase = Some(input),
        _ => {}
    }
}

fn run(m: &mut Model) {
    if m.verify.running {
        return;
    }
    if m.verify.bundle.trim().is_empty() {
        m.problem(Failure::new(
            "no bundle chosen",
            "Highlight “Bundle” and press Enter to type its path.",
        ));
        return;
    }
    let bundle = browse::resolve(&m.opts.cwd, &m.verify.bundle);
    let key = if m.verify.use_passphrase {
        match &m.verify.passphrase {
            Some(p) => VerifyKey::Passphrase(SecretString::from(p.value())),
            None => {
                m.problem(Failure::new(
                    "no passphrase typed",
                    "Highlight “Passphrase” and press Enter.",
                ));
                return;
            }
        }
    } else if m.verify.identity.trim().is_empty() && !bundle.is_dir() {
        m.problem(Failure::new(
            "no key file chosen",
            "Highlight “Key file” and press Enter, or press t to use a passphrase.",
        ));
        return;
    } else {
        VerifyKey::IdentityFile(browse::resolve(&m.opts.cwd, &m.verify.identity))
    };
    m.verify.running = true;
    m.verify.report = None;
    m.verify.failure = None;
    m.verify.scroll = 0;
    m.cmds.push(Cmd::Verify { bundle, key });
}

pub(super) fn worker(m: &mut Model, w: Worker) {
    m.verify.running = false;
    match w {
        Worker::Verified { report, notes } => m.verify.report = Some((*report, notes)),
        Worker::VerifyFailed(f) => m.verify.failure = Some(f),
        _ => {}
    }
}
