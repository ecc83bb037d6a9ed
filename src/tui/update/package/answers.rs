//! The Package screen's prompts: what each typed answer becomes (a key, a passphrase, a period).

use super::{answer, prompt};
use crate::dates::Period;
use crate::keys::{Recipient, read_recipients_file};
use crate::tui::browse;
use crate::tui::model::{Model, PromptFor};
use crate::tui::msg::Failure;
use crate::tui::text_input::TextInput;

pub(crate) fn prompted(m: &mut Model, purpose: PromptFor, input: TextInput) {
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
    if let Err(f) = super::super::rebuild_job(m) {
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
