//! The Package, Writing and Done screens: who can open the bundle, the period, who is
//! disclosing on whose authority, the agreement's checklist and warnings; then writing on a
//! thread with a cancellable progress gauge; then what was written.

use super::nav;
use crate::dates::Period;
use crate::keys::{Encryption, Recipient, read_recipients_file};
use crate::pack::{PackError, PackOptions};
use crate::profile::AnswerKind;
use crate::tui::browse;
use crate::tui::model::{
    DoneInfo, Model, PackItem, Pending, PickFor, Popup, PromptFor, Screen, Writing,
};
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
        (Action::Select, Some(PackItem::Period)) => ask_period(m),
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
        (Action::Select, Some(PackItem::Reason)) => {
            let v = m.package.reason.clone();
            prompt(
                m,
                "Reason for this disclosure",
                &[
                    "Why this bundle is made, in a sentence or two (e.g. October panel, referrals list).",
                    "It is recorded in the bundle and in the register: do not name a data subject.",
                ],
                &v,
                PromptFor::Reason,
            );
        }
        (Action::Select, Some(PackItem::Basis)) => choose_basis_popup(m),
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
                    "Name the officer who authorised this disclosure: somebody other than you.",
                ],
                &v,
                PromptFor::AuthorisedBy,
            );
        }
        (Action::Select, Some(PackItem::AuthorisedAt)) => {
            let v = m.package.authorised_at.clone();
            prompt(
                m,
                "When was the authority given?",
                &[
                    "The date and time the authorising officer gave authority, local time, as YYYY-MM-DD HH:MM (e.g. 2026-11-20 14:05).",
                    "(On the Package screen, t fills in the time now.)",
                ],
                &v,
                PromptFor::AuthorisedAt,
            );
        }
        (Action::Now, Some(PackItem::AuthorisedAt)) => {
            let now = crate::grounds::local_now();
            m.package.authorised_at = format!(
                "{:04}-{:02}-{:02} {:02}:{:02}",
                now.year(),
                u8::from(now.month()),
                now.day(),
                now.hour(),
                now.minute()
            );
            m.info(format!(
                "Authorised at {}: change it (Enter) if authority was given earlier.",
                m.package.authorised_at
            ));
        }
        (Action::Now, _) => m.info("t fills in the time now on the line Authorised at."),
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
        (Action::Select, Some(PackItem::Checklist(k))) => checklist_popup(m, k),
        (Action::Yes | Action::No, Some(PackItem::Checklist(k))) => {
            let yes_no = m
                .selected_profile()
                .and_then(|p| p.checklist.get(k))
                .is_some_and(|c| c.answer == AnswerKind::YesNo);
            if yes_no {
                answer(m, k, if a == Action::Yes { "yes" } else { "no" });
            } else {
                m.info("This question is answered in words: press Enter.");
            }
        }
        (Action::Yes | Action::No, _) => {
            m.info("y and n answer a yes-or-no checklist question: highlight one first.")
        }
        (Action::Toggle, Some(PackItem::Warning(k))) => toggle_warning(m, k),
        (Action::Toggle, Some(PackItem::FreeText)) => {
            toggle_code(m, crate::job::FREE_TEXT_REVIEWED.to_string())
        }
        (Action::Toggle, Some(PackItem::RedactKind(k))) => redact_kind(m, k),
        (Action::Select, Some(PackItem::Warning(_) | PackItem::FreeText)) | (Action::Open, _) => {
            super::reader::open_package(m)
        }
        (Action::Remove, Some(PackItem::Recipient(k))) => {
            m.package.recipients.remove(k);
        }
        (Action::Remove, Some(PackItem::Passphrase)) => m.package.passphrase = None,
        (Action::Write, _) => ask_write(m),
        (Action::Back, _) => m.screen = Screen::Rows,
        _ => {}
    }
}

/// Ask for the reporting period (from Package, or from the Agreement screen, before the rows
/// are decided by it).
pub fn ask_period(m: &mut Model) {
    let v = m.period.to_string();
    let latest = Period::previous(m.opts.today);
    prompt(
        m,
        "Reporting period",
        &[
            &format!(
                "The month reported on, as YYYY-MM. It must have ended: the latest is {latest}."
            ),
            "Ages are worked out for it, so it decides which rows leave.",
        ],
        &v,
        PromptFor::Period,
    );
}

/// The answers a yes-no question's chooser offers, in its order.
pub const YES_NO: [&str; 2] = ["yes", "no"];

/// Offer the agreement's alternative legal bases, the chosen one highlighted.
fn choose_basis_popup(m: &mut Model) {
    let Some(p) = m.selected_profile() else {
        return;
    };
    let items: Vec<String> = p
        .agreement
        .bases
        .iter()
        .map(|b| format!("{}  {}", b.id, b.text))
        .collect();
    let cursor = m
        .package
        .basis
        .as_deref()
        .and_then(|id| p.agreement.bases.iter().position(|b| b.id == id))
        .unwrap_or(0);
    m.popup = Some(Popup::Pick {
        title: "Legal basis relied on".into(),
        lines: vec![
            "The agreement lists these as alternatives: choose the one this bundle relies on. It is recorded in the bundle and the register.".into(),
        ],
        items,
        cursor,
        purpose: PickFor::Basis,
    });
}

/// The basis at `index` of the agreement's alternatives is the one relied on.
pub fn choose_basis(m: &mut Model, index: usize) {
    let Some(id) = m
        .selected_profile()
        .and_then(|p| p.agreement.bases.get(index))
        .map(|b| b.id.clone())
    else {
        return;
    };
    m.package.basis = Some(id.clone());
    m.info(format!("The legal basis relied on is {id}."));
}

/// Ask checklist question `k`: yes or no from a chooser, or an answer in words.
fn checklist_popup(m: &mut Model, k: usize) {
    let Some(c) = m.selected_profile().and_then(|p| p.checklist.get(k)) else {
        return;
    };
    let question = format!("{} ({})", c.question, c.section);
    let given = m.package.checklist.get(k).cloned().flatten();
    match c.answer {
        AnswerKind::YesNo => {
            let cursor = match given.as_deref().map(|g| c.read_answer(g)) {
                Some(Ok(a)) if a == "no" => 1,
                _ => 0,
            };
            m.popup = Some(Popup::Pick {
                title: format!("Checklist {}", k + 1),
                lines: vec![
                    question,
                    "Your answer goes into the disclosure record.".into(),
                ],
                items: YES_NO.iter().map(|s| s.to_string()).collect(),
                cursor,
                purpose: PickFor::Answer(k),
            });
        }
        AnswerKind::Text => {
            let v = given.unwrap_or_default();
            prompt(
                m,
                &format!("Checklist {}", k + 1),
                &[&question, "Your answer goes into the disclosure record."],
                &v,
                PromptFor::Checklist(k),
            );
        }
    }
}

/// Checklist question `k` is answered `text` (empty: not answered). An answer with which the
/// agreement says the sharing must not go ahead is taken, and said so at once.
pub fn answer(m: &mut Model, k: usize, text: &str) {
    let text = text.trim();
    if let Some(slot) = m.package.checklist.get_mut(k) {
        *slot = Some(text.to_string()).filter(|t| !t.is_empty());
    }
    let stop = m
        .selected_profile()
        .and_then(|p| p.checklist.get(k))
        .and_then(|c| {
            let a = c.read_answer(text).ok()?;
            c.stopped_by(&a).map(|_| a)
        });
    if let Some(a) = stop {
        m.problem(Failure::new(
            format!("checklist {} answered {a}", k + 1),
            "The agreement says the sharing must not go ahead.",
        ));
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
    toggle_code(m, code);
}

/// Redact every detail of kind `k` found in free text (again: stop), and decide every row
/// again so the counts follow.
fn redact_kind(m: &mut Model, k: crate::freetext::Kind) {
    let on = !m.decisions.redact_flagged.remove(&k);
    if on {
        m.decisions.redact_flagged.insert(k);
    }
    if let Some(j) = &mut m.job {
        j.decisions.redact_flagged = m.decisions.redact_flagged.clone();
    }
    super::rows::refate_all(m);
    m.info(if on {
        format!(
            "Every {} found in free text will leave as {}.",
            k.label(),
            k.redacted()
        )
    } else {
        format!(
            "{}s found in free text are no longer redacted all at once.",
            k.label()
        )
    });
}

fn toggle_code(m: &mut Model, code: String) {
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
            match Recipient::parse(&text, "", "the key given") {
                // Then whose it is, for the record.
                Ok(_) => prompt(
                    m,
                    "Whose key is this?",
                    &[
                        "Their organisation and role, as the record of this disclosure will name them (e.g. Bromley YOT, RJ officer).",
                    ],
                    "",
                    PromptFor::RecipientLabel(text),
                ),
                // The question stays open with what was typed or pasted, and says why in
                // full, wrapped: nothing is lost to a typo.
                Err(e) => {
                    prompt(
                        m,
                        "Add a partner's public key",
                        &[
                            "Paste the key the partner sent: it starts with age1 and is 62 characters long.",
                            &format!("✗ {e}"),
                            "Correct it here, or Esc to give up.",
                        ],
                        input.value(),
                        PromptFor::RecipientKey,
                    );
                }
            }
        }
        PromptFor::RecipientLabel(key) => {
            if text.is_empty() {
                return prompt(
                    m,
                    "Whose key is this?",
                    &[
                        "The record must say whose key it is: their organisation and role (e.g. Bromley YOT, RJ officer).",
                    ],
                    "",
                    PromptFor::RecipientLabel(key),
                );
            }
            match Recipient::parse(&key, &text, "the key given") {
                Ok(r) => {
                    m.package.passphrase = None;
                    m.info(format!(
                        "The bundle will be encrypted to {} too.",
                        crate::text::printable(r.label())
                    ));
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
        PromptFor::Reason => m.package.reason = text,
        PromptFor::AuthorisedBy => m.package.authorised_by = text,
        PromptFor::AuthorisedAt => m.package.authorised_at = text,
        PromptFor::OutDir if !text.is_empty() => m.package.out_dir = text,
        PromptFor::Checklist(k) => answer(m, k, &text),
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
        return m.problem(Failure::new(what, crate::tui::words::advice(&e.advice())));
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
                    super::columns::remember(m);
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

pub fn writing_action(m: &mut Model, a: Action) {
    if let (Action::Back, Some(w)) = (a, &mut m.writing) {
        w.cancel.store(true, Ordering::Relaxed);
        w.cancelling = true;
    }
}

pub fn done_action(m: &mut Model, a: Action) {
    if a == Action::VerifyNow {
        let bundle = m.done.as_ref().map(|d| d.bundle.clone());
        super::verify::enter(m, bundle);
    }
}
