//! What still stops the bundle being written, in the screens' words. The list comes from the
//! core (`pack::blockers`, which includes `Job::blockers`), plus who can open the bundle.

use super::model::Model;
use crate::job::Blocker;
use crate::keys::Encryption;
use crate::pack::{self, PackOptions};
use crate::profile::{AnswerKind, ChecklistItem, Profile};
use crate::text::printable;

/// Each thing to do before writing, one sentence each. Empty when ready.
pub fn blockers(m: &Model) -> Vec<String> {
    let Some(job) = &m.job else {
        return vec![match &m.job_error {
            Some(f) => format!("{} {}", f.what, f.hint),
            None => "Choose the files and the agreement first.".into(),
        }];
    };
    let mut out = Vec::new();
    if m.package.recipients.is_empty() && m.package.passphrase.is_none() {
        out.push("Say who can open it: add the partner's key (a) or set a passphrase (p).".into());
    }
    if m.package.passphrase.is_some() && m.package.passphrase_given_to.trim().is_empty() {
        out.push(
            "Name who the passphrase goes to: set it again (p) and answer the last question."
                .into(),
        );
    }
    // The record names whose key each recipient is: a key read from a file needs its comment.
    if m.package.passphrase.is_none() {
        let keys = Encryption::Recipients(m.package.recipients.clone());
        for b in pack::recipient_blockers(&keys, None) {
            out.push(format!(
                "Say whose key {} is: put a line '# ORGANISATION, ROLE' just above it in the recipients file, remove the key here (highlight it, d) and add the file again (f).",
                printable(&b.item)
            ));
        }
    }
    let opts = PackOptions {
        out_dir: m.package.out_dir.clone().into(),
        // Only the blockers are asked for here; who it is encrypted to is checked above.
        encryption: Encryption::Recipients(Vec::new()),
        grounds: m.package.grounds(),
        register: None,
        signer: None,
        passphrase_given_to: None,
        level: Default::default(),
    };
    let profile = job.profile;
    // An answer with which the agreement says the sharing must not go ahead comes first:
    // nothing else matters until it is settled.
    let (stops, rest): (Vec<_>, Vec<_>) = pack::blockers(job, &opts)
        .into_iter()
        .partition(|b| b.kind == "checklist-stops");
    for b in stops.iter().chain(&rest) {
        out.push(sentence(profile, b));
    }
    // What only reading the rows shows (a pack would refuse at its end): details in free text
    // that no decision covers, unless the analyst has read them and said they may leave. The
    // counts are only whole once every row is checked.
    if (0..m.inputs.len()).any(|i| m.deciding(i)) {
        out.push(
            "Wait until every row is checked against the rules (What will leave says how far)."
                .into(),
        );
    }
    let left = m.unreviewed();
    if left > 0 && !m.acknowledged.contains(crate::job::FREE_TEXT_REVIEWED) {
        out.push(free_text_sentence(left));
    }
    out
}

/// The free-text blocker in the screens' words, with how many cells are left.
fn free_text_sentence(left: u64) -> String {
    format!(
        "Decide the {left} free-text cell(s) holding what looks like somebody's details: on Rows, ] finds each, then d redacts the details, a keeps the cell, r redacts it whole; or redact a kind everywhere (Redact all, Space); or, having read them, let them leave (Free text, Space)."
    )
}

/// A question cut to fit a line of the summary, in quotes.
fn question(c: &ChecklistItem) -> String {
    let q = printable(&c.question);
    if q.chars().count() <= QUESTION_MAX {
        format!("“{q}”")
    } else {
        let cut: String = q.chars().take(QUESTION_MAX - 1).collect();
        format!("“{}…”", cut.trim_end())
    }
}

/// The longest question quoted whole in a sentence.
const QUESTION_MAX: usize = 60;

/// The checklist question a blocker is about (its item starts with the question's id), and
/// its number on the screen.
fn checklist_item<'p>(profile: &'p Profile, item: &str) -> Option<(usize, &'p ChecklistItem)> {
    let id = item.split([' ', ':']).next()?;
    profile
        .checklist
        .iter()
        .enumerate()
        .find(|(_, c)| c.id == id)
}

/// One blocker in the screens' words: what to do, and the line and key that do it. Never a
/// command-line flag.
pub fn sentence(profile: &Profile, b: &Blocker) -> String {
    let role = || {
        profile
            .agreement
            .authority
            .as_deref()
            .map(printable)
            .unwrap_or_default()
    };
    let asked = checklist_item(profile, &b.item);
    let line = |k: usize, c: &ChecklistItem| match c.answer {
        AnswerKind::YesNo => format!("Checklist {}, y or n", k + 1),
        AnswerKind::Text => format!("Checklist {}, Enter", k + 1),
    };
    match (b.kind, asked) {
        ("unacknowledged-warning", _) => format!(
            "Read and acknowledge the warning “{}” (highlight it, press Space).",
            printable(&b.item)
        ),
        ("justification-missing", _) => format!(
            "Justify why “{}” is shared (Columns screen, e).",
            printable(&b.item)
        ),
        (crate::job::FREE_TEXT_UNREVIEWED, _) => {
            "Decide the free-text cells holding what looks like somebody's details: on Rows, ] finds each, then d redacts the details, a keeps the cell, r redacts it whole; or redact a kind everywhere (Redact all, Space); or, having read them, let them leave (Free text, Space).".into()
        }
        ("analyst-missing", _) => "Enter your name as the analyst (Analyst, Enter).".into(),
        ("analyst-unprintable", _) => {
            "Your name holds a control character: type it again (Analyst, Enter).".into()
        }
        ("reason-missing", _) => "Say why this bundle is made (Reason, Enter).".into(),
        ("reason-too-long", _) => format!(
            "Shorten the reason to a sentence or two, at most {} characters (Reason, Enter).",
            crate::grounds::REASON_MAX
        ),
        ("reason-unprintable", _) => {
            "The reason holds a control character: type it again as one line (Reason, Enter)."
                .into()
        }
        ("basis-missing", _) => "Choose the legal basis relied on (Basis, Enter).".into(),
        ("basis-unknown", _) if profile.agreement.bases.is_empty() => {
            "The agreement states its basis without alternatives: no basis is to be chosen."
                .into()
        }
        ("basis-unknown", _) => {
            "The legal basis named is not one the agreement lists: choose again (Basis, Enter)."
                .into()
        }
        ("authority-missing", _) => format!(
            "Enter the authorising officer: {} (Authorised by, Enter).",
            role()
        ),
        ("authoriser-is-analyst", _) => format!(
            "The authorising officer must be somebody other than you: {} (Authorised by, Enter).",
            role()
        ),
        ("authority-unprintable", _) => {
            "The authorising officer's name holds a control character: type it again (Authorised by, Enter).".into()
        }
        ("authorisation-time-missing", _) => {
            "Say when the authority was given (Authorised at, Enter; t for now).".into()
        }
        ("authorisation-time-unreadable", _) => {
            "Write when the authority was given as YYYY-MM-DD HH:MM (Authorised at, Enter)."
                .into()
        }
        ("authorisation-time-future", _) => {
            "The authorisation time is in the future: give the time authority was given (Authorised at, Enter).".into()
        }
        ("checklist-unanswered", Some((k, c))) => format!(
            "Answer the checklist question {} ({}).",
            question(c),
            line(k, c)
        ),
        ("checklist-answer-unreadable", Some((k, c))) => format!(
            "Answer {} again: {} ({}).",
            question(c),
            match c.answer {
                AnswerKind::YesNo => "yes or no",
                AnswerKind::Text => "one line of plain text",
            },
            line(k, c)
        ),
        ("checklist-answer-too-long", Some((k, c))) => format!(
            "Shorten the answer to {} to at most {} characters ({}).",
            question(c),
            crate::grounds::ANSWER_MAX,
            line(k, c)
        ),
        ("checklist-stops", Some((k, c))) => {
            let answered = if c.stops.as_ref().is_some_and(|s| s.on_yes) {
                "yes"
            } else {
                "no"
            };
            format!(
                "{} answered {answered}: the agreement says the sharing must not go ahead ({}). Do not share; if the answer was wrong, change it ({}).",
                question(c),
                c.stops
                    .as_ref()
                    .map(|s| printable(s.because.trim_end_matches('.')))
                    .unwrap_or_default(),
                line(k, c)
            )
        }
        // A kind this screen has no words for yet: what it is about, never the flag that
        // would fix it on the command line.
        _ => format!("{} (the Package screen cannot fix this).", printable(&b.item)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::{Date, Period};
    use crate::grounds::{self, Grounds};
    use crate::job::Job;
    use crate::profile::Catalog;
    use std::collections::BTreeSet;

    /// Every kind `grounds::blockers` can report, driven with profiles and grounds that
    /// produce each one; each gets a sentence of its own, in screen words, with no flag.
    #[test]
    fn every_grounds_blocker_has_a_sentence_in_screen_words() {
        let catalog = Catalog::embedded().unwrap();
        let profile = |id: &str| catalog.profiles.iter().find(|p| p.id == id).unwrap();
        let today = Date::new(2026, 11, 22).unwrap();
        let now = grounds::parse_time("2026-11-22 12:00").unwrap();
        let job = |p| Job {
            profile: p,
            tables: Vec::new(),
            plans: Vec::new(),
            decisions: Default::default(),
            period: Period::previous(today),
            acknowledged: BTreeSet::new(),
            warnings: Vec::new(),
            today,
        };
        let (orochi, london, bromley) = (
            profile("orochi-rescue-response"),
            profile("london-iom"),
            profile("bromley-yot-victims"),
        );
        let london_answers = |f: &dyn Fn(usize, &ChecklistItem) -> Option<String>| {
            london
                .checklist
                .iter()
                .enumerate()
                .map(|(i, c)| f(i, c))
                .collect::<Vec<_>>()
        };
        let cases: Vec<(&Profile, Grounds)> = vec![
            // Nothing given at all.
            (orochi, Grounds::default()),
            // Control characters; a basis the agreement does not list; an unreadable time.
            (
                orochi,
                Grounds {
                    analyst: "PC 1\u{1b}[2J".into(),
                    reason: "panel\u{7}".into(),
                    basis: Some("nope".into()),
                    authorised_by: Some("DI \u{1b}X".into()),
                    authorised_at: Some("soon".into()),
                    answers: Vec::new(),
                },
            ),
            // Too long a reason; the analyst authorising; a time in the future.
            (
                orochi,
                Grounds {
                    analyst: "PC 999 Quinn".into(),
                    reason: "x".repeat(grounds::REASON_MAX + 1),
                    basis: Some("children-act-2004".into()),
                    authorised_by: Some("pc 999 quinn".into()),
                    authorised_at: Some("2027-06-01 09:00".into()),
                    answers: Vec::new(),
                },
            ),
            // A basis where the agreement has no alternatives.
            (
                bromley,
                Grounds {
                    analyst: "PC 999 Quinn".into(),
                    reason: "panel".into(),
                    basis: Some("x".into()),
                    ..Grounds::default()
                },
            ),
            // The checklist: unanswered, unreadable, too long, and an answer that stops it.
            (london, Grounds::default()),
            (
                london,
                Grounds {
                    answers: london_answers(&|i, c| {
                        Some(match (c.answer, c.stops.is_some(), i % 2) {
                            (AnswerKind::YesNo, true, 0) => "maybe".into(),
                            (AnswerKind::YesNo, true, _) => "no".into(),
                            (AnswerKind::YesNo, false, _) => "yes".into(),
                            (AnswerKind::Text, _, _) => "y".repeat(grounds::ANSWER_MAX + 1),
                        })
                    }),
                    ..Grounds::default()
                },
            ),
        ];
        let mut kinds = BTreeSet::new();
        for (p, g) in &cases {
            for b in grounds::blockers(&job(p), g, now) {
                let s = sentence(p, &b);
                assert!(!s.contains("--"), "{}: {s}", b.kind);
                assert!(!s.contains("cannot fix this"), "{}: no words: {s}", b.kind);
                kinds.insert(b.kind);
            }
        }
        let all = [
            "analyst-missing",
            "analyst-unprintable",
            "authorisation-time-future",
            "authorisation-time-missing",
            "authorisation-time-unreadable",
            "authoriser-is-analyst",
            "authority-missing",
            "authority-unprintable",
            "basis-missing",
            "basis-unknown",
            "checklist-answer-too-long",
            "checklist-answer-unreadable",
            "checklist-stops",
            "checklist-unanswered",
            "reason-missing",
            "reason-too-long",
            "reason-unprintable",
        ];
        assert_eq!(kinds, all.into_iter().collect(), "every kind was driven");
    }

    /// Issue 19 item 3: the free-text blocker a pack raises once the rows are read is said
    /// in keys (never `--redact-flagged` or `--acknowledge`).
    #[test]
    fn the_free_text_blocker_is_said_in_keys() {
        let catalog = Catalog::embedded().unwrap();
        let bromley = catalog
            .profiles
            .iter()
            .find(|p| p.id == "bromley-yot-victims")
            .unwrap();
        let b = Blocker {
            kind: crate::job::FREE_TEXT_UNREVIEWED,
            item: crate::job::FREE_TEXT_REVIEWED.into(),
            fix: "--redact-flagged phone (or, once you have read them, --acknowledge free-text-reviewed)".into(),
        };
        for s in [sentence(bromley, &b), free_text_sentence(3)] {
            assert!(!s.contains("--"), "{s}");
            assert!(!s.contains("cannot fix this"), "{s}");
            assert!(
                s.contains("] finds each") && s.contains("(Free text, Space)"),
                "{s}"
            );
        }
    }

    #[test]
    fn a_stopping_answer_says_the_agreements_reason_and_the_key() {
        let catalog = Catalog::embedded().unwrap();
        let london = catalog
            .profiles
            .iter()
            .find(|p| p.id == "london-iom")
            .unwrap();
        let k = london
            .checklist
            .iter()
            .position(|c| c.id == "secure")
            .unwrap();
        let b = Blocker {
            kind: "checklist-stops",
            item: "secure answered \"no\": ...".into(),
            fix: Default::default(),
        };
        let s = sentence(london, &b);
        assert!(
            s.starts_with("“Is the information being shared in a secure way?” answered no"),
            "{s}"
        );
        assert!(s.contains("Section 4.4"), "{s}");
        assert!(s.contains(&format!("Checklist {}, y or n", k + 1)), "{s}");
    }
}
