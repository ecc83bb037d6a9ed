//! Writing the bundle: the last check, the writing thread and its progress, then the Done screen.

use crate::keys::Encryption;
use crate::pack::{PackError, PackOptions};
use crate::tui::browse;
use crate::tui::model::{DoneInfo, Model, Pending, Popup, Screen, Writing};
use crate::tui::msg::{Action, Failure, Worker};
use crate::tui::readiness;
use crate::tui::worker::{Cmd, PackJob};
use age::secrecy::SecretString;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub(super) fn ask_write(m: &mut Model) {
    let blockers = readiness::blockers(m);
    if let Some(first) = blockers.first() {
        m.problem(Failure::new(
            format!("not ready to write: {} thing(s) to do", blockers.len()),
            first.clone(),
        ));
        return;
    }
    let out = browse::resolve(&m.opts.cwd, &m.package.out_dir);
    if !out.is_dir() {
        m.problem(Failure::new(
            format!(
                "the output folder {} does not exist",
                crate::text::printable(&out.display().to_string())
            ),
            "Choose an existing folder (Output folder, Enter).",
        ));
        return;
    }
    let rows: u64 = m.rows.counts.iter().map(|c| c.shared).sum();
    let to = if m.package.passphrase.is_some() {
        "a passphrase".to_string()
    } else {
        m.package
            .recipients
            .iter()
            .map(|r| crate::text::printable(r.label()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    m.popup = Some(Popup::Confirm {
        title: "Write the bundle?".into(),
        lines: vec![
            format!("{rows} row(s) will be encrypted to {to}."),
            format!(
                "Into {}",
                crate::text::printable(&out.display().to_string())
            ),
            "The disclosure will be entered in the register.".into(),
        ],
        then: Pending::Write,
    });
}

pub(crate) fn start_write(m: &mut Model) {
    let (Some(job), Some(profile)) = (&m.job, m.selected_profile()) else {
        return;
    };
    let encryption = match &m.package.passphrase {
        Some(p) => Encryption::Passphrase(SecretString::from(p.value())),
        None => Encryption::Recipients(m.package.recipients.clone()),
    };
    let options = PackOptions {
        out_dir: browse::resolve(&m.opts.cwd, &m.package.out_dir),
        encryption,
        grounds: m.package.grounds(),
        register: m.opts.register.clone(),
        signer: None,
        passphrase_given_to: (!m.package.passphrase_given_to.is_empty())
            .then(|| m.package.passphrase_given_to.clone()),
        level: Default::default(),
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let cmd = Cmd::Pack(Box::new(PackJob {
        profile: profile.clone(),
        tables: job.tables.clone(),
        decisions: m.decisions.clone(),
        period: m.period,
        acknowledged: m.acknowledged.clone(),
        today: m.opts.today,
        options,
        cancel: cancel.clone(),
    }));
    m.writing = Some(Writing {
        rows_done: vec![0; m.inputs.len()],
        rows_total: m.rows.counts.iter().map(|c| c.shared).sum(),
        cancel,
        cancelling: false,
    });
    m.screen = Screen::Writing;
    m.cmds.push(cmd);
}

pub(crate) fn worker(m: &mut Model, w: Worker) {
    match w {
        Worker::PackProgress(p) => {
            if let Some(slot) = m
                .writing
                .as_mut()
                .and_then(|w| w.rows_done.get_mut(p.input))
            {
                *slot = p.rows_done;
            }
        }
        Worker::Packed(result) => {
            m.writing = None;
            match *result {
                Ok(packed) => {
                    m.done = Some(DoneInfo {
                        bundle: packed.bundle,
                        checksum: packed.checksum,
                        sha256: packed.sha256,
                        register: packed.register,
                        register_seq: packed.register_seq,
                        rows_shared: packed.summary.rows.shared,
                        recipients: packed
                            .record
                            .recipients
                            .iter()
                            .map(|r| r.label.clone())
                            .collect(),
                        reason: packed.record.reason.clone(),
                        transfer_advice: packed.record.agreement.transfer_advice.clone(),
                        signing_key: packed
                            .record
                            .signing_key
                            .as_ref()
                            .map(|k| k.fingerprint.clone()),
                        key_to_publish: packed.signing_key_made.clone(),
                    });
                    m.screen = Screen::Done;
                    // What this run mended that an interrupted one left (see pack::Packed).
                    if !packed.recovered.is_empty() {
                        m.info(packed.recovered.join("; "));
                    }
                    super::super::columns::remember(m);
                }
                Err(PackError::Cancelled) => {
                    m.screen = Screen::Package;
                    m.info("Cancelled: nothing was written.");
                }
                // Stopped once the rows were read (details in free text no decision covers):
                // in the screens' words, with the keys that fix it.
                Err(PackError::Blocked(blockers)) => {
                    m.screen = Screen::Package;
                    let hint = m
                        .selected_profile()
                        .and_then(|p| blockers.first().map(|b| readiness::sentence(p, b)))
                        .unwrap_or_default();
                    m.problem(Failure::new("nothing was written", hint));
                }
                Err(e) => {
                    m.screen = Screen::Package;
                    m.problem(Failure::new(
                        e.to_string(),
                        crate::tui::words::advice(&e.advice()),
                    ));
                }
            }
        }
        _ => {}
    }
}

pub(crate) fn writing_action(m: &mut Model, a: Action) {
    if let (Action::Back, Some(w)) = (a, &mut m.writing) {
        w.cancel.store(true, Ordering::Relaxed);
        w.cancelling = true;
    }
}

pub(crate) fn done_action(m: &mut Model, a: Action) {
    if a == Action::VerifyNow {
        let bundle = m.done.as_ref().map(|d| d.bundle.clone());
        super::super::verify::enter(m, bundle);
    }
}
