//! The Package, Writing and Done screens: who can open the bundle, the period, who is
//! disclosing on whose authority, the agreement's checklist and warnings; then writing on a
//! thread with a cancellable progress gauge; then what was written.

use super::nav;
use crate::dates::Period;
use crate::keys::{Encryption, Recipient, read_recipients_file};
use crate::pack::{PackError, PackOptions};
use crate::tui::browse;
use crate::tui::model::{DoneInfo, Model, PackItem, Pending, Popup, PromptFor, Screen, Writing};
use crate::tui::msg::{Action, Failure, Worker};
use crate::tui::readiness;
use crate::tui::text_input::TextInput;
use crate::tui::worker::{Cmd, PackJob};
use age::secrecy::SecretString;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub fn enter(m: &mut Model) {
    m.screen = Screen::Package;
    if m.package.out_dir.is_empty() {
        m.package.out_dir = m.opts.cwd.display().to_string();
    }
    if m.package.analyst.is_empty() {
        m.package.analyst = m.memory.analyst.clone().unwrap_or_default();
    }
}

fn prompt(m: &mut Model, title: &str, lines: &[&str], value: &str, purpose: PromptFor) {
    let mut input = TextInput::new(value);
    input.masked = matches!(purpose, PromptFor::Passphrase | PromptFor::PassphraseAgain);
    m.popup = Some(Popup::Prompt {
        title: title.into(),
        lines: lines.iter().map(|s| s.to_string()).collect(),
        input,
        purpose,
    });
}

fn add_key(m: &mut Model) {
    prompt(
        m,
        "Add a partner's public key",
        &["Paste the key the partner sent: it starts with age1 and is 62 characters long."],
        "",
        PromptFor::RecipientKey,
    );
}

fn use_passphrase(m: &mut Model) {
    prompt(
        m,
        "Protect the bundle with a passphrase",
        &[
            "Type a long passphrase (several words). Tell it to the partner by phone, never in the email with the bundle.",
            "A passphrase replaces the recipients' keys: age cannot mix the two.",
        ],
        "",
        PromptFor::Passphrase,
    );
}

pub fn action(m: &mut Model, a: Action) {
    let items = m.package_items();
    let page = super::page(m);
    if nav(&mut m.package.cursor, items.len(), a, page) {
        return;
    }
    let item = items.get(m.package.cursor).copied();
    match (a, item) {
        (Action::Select, Some(PackItem::Recipient(_) | PackItem::NoRecipient))
        | (Action::AddKey, _) => add_key(m),
        (Action::AddKeyFile, _) => prompt(
            m,
            "Add keys from a recipients file",
            &["The file's path: one age1… key per line; a # comment above a key names it."],
            "",
            PromptFor::RecipientFile,
        ),
        (Action::Select, Some(PackItem::Passphrase)) | (Action::UsePassphrase, _) => {
            use_passphrase(m)
        }
        (Action::Select, Some(PackItem::Period)) => {
            let v = m.period.to_string();
            let latest = Period::previous(m.opts.today);
            prompt(
                m,
                "Reporting period",
                &[&format!(
                    "The month reported on, as YYYY-MM. It must have ended: the latest is {latest}."
                )],
                &v,
                PromptFor::Period,
            );
        }
        (Action::Select, Some(PackItem::Analyst)) => {
            let v = m.package.analyst.clone();
            prompt(
                m,
                "Analyst",
                &["Your name, as it should appear in the disclosure record and the register."],
                &v,
                PromptFor::Analyst,
            );
        }
        (Action::Select, Some(PackItem::AuthorisedBy)) => {
            let role = m
                .selected_profile()
                .and_then(|p| p.agreement.authority.clone())
                .unwrap_or_default();
            let v = m.package.authorised_by.clone();
            prompt(
                m,
                "Authorising officer",
                &[
                    &format!("The agreement requires authority: {role}"),
                    "Name the officer who authorised this disclosure.",
                ],
                &v,
                PromptFor::AuthorisedBy,
            );
        }
        (Action::Select, Some(PackItem::OutDir)) => {
            let v = m.package.out_dir.clone();
            prompt(
                m,
                "Output folder",
                &["The folder the bundle and its .sha256 are written into (Tab completes)."],
                &v,
                PromptFor::OutDir,
            );
        }
        (Action::Select, Some(PackItem::Checklist(k))) => {
            let q = m
                .selected_profile()
                .and_then(|p| p.checklist.get(k))
                .map(|c| format!("{} ({})", c.question, c.section))
                .unwrap_or_default();
            let v = m
                .package
                .checklist
                .get(k)
                .cloned()
                .flatten()
                .unwrap_or_default();
            prompt(
                m,
                "Checklist",
                &[&q, "Your answer goes into the disclosure record."],
                &v,
                PromptFor::Checklist(k),
            );
        }
        (Action::Select | Action::Toggle, Some(PackItem::Warning(k))) => toggle_warning(m, k),
        (Action::Remove, Some(PackItem::Recipient(k))) => {
            m.package.recipients.remove(k);
        }
        (Action::Remove, Some(PackItem::Passphrase)) => m.package.passphrase = None,
        (Action::Write, _) => ask_write(m),
        (Action::Back, _) => m.screen = Screen::Rows,
        _ => {}
    }
}

fn toggle_warning(m: &mut Model, k: usize) {
    let Some(code) = m
        .job
        .as_ref()
        .and_then(|j| j.warnings.get(k))
        .map(|w| w.code.clone())
    else {
        return;
    };
    if !m.acknowledged.remove(&code) {
        m.acknowledged.insert(code);
    }
    if let Some(j) = &mut m.job {
        j.acknowledged = m.acknowledged.clone();
    }
}

pub fn prompted(m: &mut Model, purpose: PromptFor, input: TextInput) {
    let text = input.value().trim().to_string();
    match purpose {
        PromptFor::RecipientKey if !text.is_empty() => {
            let n = m.package.recipients.len() + 1;
            match Recipient::parse(&text, &format!("key {n} (typed)"), "the key given") {
                Ok(r) => {
                    m.package.passphrase = None;
                    m.package.recipients.push(r);
                }
                Err(e) => m.problem(Failure::new(e.to_string(), "Press a to try again.")),
            }
        }
        PromptFor::RecipientFile if !text.is_empty() => {
            match read_recipients_file(&browse::resolve(&m.opts.cwd, &text)) {
                Ok(rs) => {
                    m.package.passphrase = None;
                    m.package.recipients.extend(rs);
                }
                Err(e) => m.problem(Failure::new(
                    e.to_string(),
                    "Press f to choose another file.",
                )),
            }
        }
        PromptFor::Passphrase => {
            if input.value().is_empty() {
                m.problem(Failure::new(
                    "no passphrase was typed",
                    "Press p to try again.",
                ));
                return;
            }
            m.package.passphrase_first = Some(input);
            prompt(
                m,
                "Type the passphrase again",
                &["To be sure it was typed as meant."],
                "",
                PromptFor::PassphraseAgain,
            );
        }
        PromptFor::PassphraseAgain => {
            let first = m.package.passphrase_first.take();
            if first.as_ref().map(|f| f.value()) == Some(input.value()) {
                m.package.recipients.clear();
                m.package.passphrase = Some(input);
                let given = m.package.passphrase_given_to.clone();
                prompt(
                    m,
                    "Who will you tell the passphrase to?",
                    &[
                        "Their name and organisation, as the record of this disclosure will name them (e.g. J. Smith, Bromley YOT).",
                    ],
                    &given,
                    PromptFor::PassphraseGivenTo,
                );
            } else {
                m.problem(Failure::new(
                    "the two passphrases differ",
                    "Press p and type it twice again.",
                ));
            }
        }
        PromptFor::PassphraseGivenTo => {
            let who = input.value().trim().to_string();
            if who.is_empty() {
                m.problem(Failure::new(
                    "the record must say who the passphrase goes to",
                    "Press p to set the passphrase again and name them.",
                ));
                return;
            }
            m.package.passphrase_given_to = who;
            m.info("The bundle will be protected by the passphrase.");
        }
        PromptFor::Period => match Period::parse(&text) {
            Some(p) => set_period(m, p),
            None => m.problem(Failure::new(
                format!("{} is not a month", crate::text::printable(&text)),
                "Write it as YYYY-MM, e.g. 2026-10.",
            )),
        },
        PromptFor::Analyst => {
            m.package.analyst = text.clone();
            m.memory.analyst = Some(text).filter(|t| !t.is_empty());
            let _ = m.memory.save();
        }
        PromptFor::AuthorisedBy => m.package.authorised_by = text,
        PromptFor::OutDir if !text.is_empty() => m.package.out_dir = text,
        PromptFor::Checklist(k) => {
            if let Some(slot) = m.package.checklist.get_mut(k) {
                *slot = Some(text).filter(|t| !t.is_empty());
            }
        }
        _ => {}
    }
}

/// Use period `p`, if it has ended (`job::check_period`): a month not yet over is refused and
/// the period stays as it was. One long past raises its warning to acknowledge.
fn set_period(m: &mut Model, p: Period) {
    if let Err(e) = crate::job::check_period(p, m.opts.today) {
        // The core's words, shortened to fit the status line at 80 columns.
        let what = match &e {
            crate::job::PeriodError::NotEnded { period, .. } => format!("{period} has not ended"),
        };
        return m.problem(Failure::new(what, e.hint()));
    }
    m.period = p;
    if let Err(f) = super::rebuild_job(m) {
        return m.problem(f);
    }
    let long_past = m.job.as_ref().is_some_and(|j| {
        j.warnings
            .iter()
            .any(|w| w.code == crate::job::PERIOD_LONG_PAST)
    });
    if long_past {
        m.info(format!(
            "The period is {p}, over {} months ago: acknowledge its warning below.",
            crate::job::PERIOD_MONTHS_BACK
        ));
    } else {
        m.info(format!("The period is {p}."));
    }
}

fn ask_write(m: &mut Model) {
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

pub fn start_write(m: &mut Model) {
    let (Some(job), Some(profile)) = (&m.job, m.selected_profile()) else {
        return;
    };
    let encryption = match &m.package.passphrase {
        Some(p) => Encryption::Passphrase(SecretString::from(p.value())),
        None => Encryption::Recipients(m.package.recipients.clone()),
    };
    let authorised = m.package.authorised_by.trim();
    let options = PackOptions {
        out_dir: browse::resolve(&m.opts.cwd, &m.package.out_dir),
        encryption,
        analyst: m.package.analyst.clone(),
        authorised_by: (!authorised.is_empty()).then(|| authorised.to_string()),
        register: m.opts.register.clone(),
        checklist_answers: m.package.checklist.clone(),
        signer: None,
        passphrase_given_to: (!m.package.passphrase_given_to.is_empty())
            .then(|| m.package.passphrase_given_to.clone()),
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

pub fn worker(m: &mut Model, w: Worker) {
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
                    });
                    m.screen = Screen::Done;
                    // What this run mended that an interrupted one left (see pack::Packed).
                    if !packed.recovered.is_empty() {
                        m.info(packed.recovered.join("; "));
                    }
                    super::columns::remember(m);
                }
                Err(PackError::Cancelled) => {
                    m.screen = Screen::Package;
                    m.info("Cancelled: nothing was written.");
                }
                Err(e) => {
                    m.screen = Screen::Package;
                    m.problem(Failure::new(e.to_string(), e.hint()));
                }
            }
        }
        _ => {}
    }
}

pub fn writing_action(m: &mut Model, a: Action) {
    if let (Action::Back, Some(w)) = (a, &mut m.writing) {
        w.cancel.store(true, Ordering::Relaxed);
        w.cancelling = true;
    }
}

pub fn done_action(m: &mut Model, a: Action) {
    match a {
        Action::VerifyNow => {
            let bundle = m.done.as_ref().map(|d| d.bundle.clone());
            super::verify::enter(m, bundle);
        }
        Action::Back => m.info("The bundle is written. Press v to verify it, or q to quit."),
        _ => {}
    }
}
