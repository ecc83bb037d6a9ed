//! The Package, Writing and Done screens: who can open the bundle, the period, who is
//! disclosing on whose authority, the agreement's checklist and warnings; then writing on a
//! thread with a cancellable progress gauge; then what was written.

mod answers;
mod write;

pub(super) use answers::prompted;
use write::ask_write;
pub(super) use write::{done_action, start_write, worker, writing_action};

use super::nav;
use crate::dates::Period;
use crate::profile::AnswerKind;
use crate::tui::model::{Model, PackItem, PickFor, Popup, PromptFor, Screen};
use crate::tui::msg::{Action, Failure};
use crate::tui::text_input::TextInput;

pub(super) fn enter(m: &mut Model) {
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

pub(super) fn action(m: &mut Model, a: Action) {
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
pub(super) fn ask_period(m: &mut Model) {
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
pub(super) const YES_NO: [&str; 2] = ["yes", "no"];

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
pub(super) fn choose_basis(m: &mut Model, index: usize) {
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
pub(super) fn answer(m: &mut Model, k: usize, text: &str) {
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
    super::fates::refate_all(m);
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
