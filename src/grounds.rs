//! The grounds of one disclosure: who makes it and why, the legal basis relied on, on whose
//! authority and when it was given, and the answers to the agreement's checklist. They go into
//! the record and the register (DPA 2018 s62 asks a log of disclosures for the justification),
//! and a bundle is not written until they are complete.

use crate::advice::{Advice, Setting};
use crate::job::{Blocker, Job};
use crate::profile::{Basis, ChecklistItem, Profile};
use time::PrimitiveDateTime;

/// What the analyst states about one disclosure. Plain text as typed; [`blockers`] says what
/// is missing or cannot be taken.
#[derive(Debug, Clone, Default)]
pub struct Grounds {
    /// Who makes the bundle.
    pub analyst: String,
    /// Why this bundle is made, e.g. "October panel, referrals list".
    pub reason: String,
    /// The id of the legal basis relied on, where the agreement lists alternatives.
    pub basis: Option<String>,
    /// The agreement's authorising officer, where it requires one (or the analyst names one).
    pub authorised_by: Option<String>,
    /// When the authority was given, local time, as typed ("YYYY-MM-DD HH:MM").
    pub authorised_at: Option<String>,
    /// Answers to the profile's checklist, by question index.
    pub answers: Vec<Option<String>>,
}

/// The longest reason taken: a sentence or two, not the case file.
pub const REASON_MAX: usize = 500;

/// The longest checklist answer taken.
pub const ANSWER_MAX: usize = 2000;

/// Reads an authorisation time: `YYYY-MM-DD HH:MM` (a `T` may stand for the space; seconds
/// are allowed and dropped).
pub fn parse_time(text: &str) -> Option<PrimitiveDateTime> {
    let t = text.trim().replacen('T', " ", 1);
    let (date, clock) = t.split_once(' ')?;
    let date = crate::dates::Date::parse_iso(date)?;
    let mut parts = clock.trim().split(':');
    let hour: u8 = parts.next()?.parse().ok()?;
    let minute: u8 = parts.next()?.parse().ok()?;
    if let Some(s) = parts.next()
        && s.parse::<u8>().ok().is_none_or(|s| s > 59)
    {
        return None;
    }
    if parts.next().is_some() {
        return None;
    }
    let month = time::Month::try_from(date.month).ok()?;
    let d = time::Date::from_calendar_date(date.year, month, date.day).ok()?;
    let clock = time::Time::from_hms(hour, minute, 0).ok()?;
    Some(PrimitiveDateTime::new(d, clock))
}

/// An authorisation time as recorded: `YYYY-MM-DD HH:MM (local time)`.
pub fn show_time(t: PrimitiveDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} (local time)",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// The local wall-clock time now, or UTC where the local offset cannot be known.
pub fn local_now() -> PrimitiveDateTime {
    let now = time::OffsetDateTime::now_local().unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    PrimitiveDateTime::new(now.date(), now.time())
}

/// How far ahead of this machine's clock an authorisation time may be: clocks differ, and the
/// local offset is not always known (then UTC is compared, up to 14 hours off).
const CLOCK_SLACK: time::Duration = time::Duration::hours(14);

/// The basis a profile's `id` names.
pub fn basis<'p>(profile: &'p Profile, id: &str) -> Option<&'p Basis> {
    profile.agreement.bases.iter().find(|b| b.id == id)
}

/// Names compared for "the authoriser must not be the analyst": case, spaces and punctuation
/// ignored, so "DS J. Smith" and "ds j smith" are one person.
fn same_person(a: &str, b: &str) -> bool {
    let key = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let (a, b) = (key(a), key(b));
    !a.is_empty() && a == b
}

/// Everything in `g` that stops a bundle under `job`'s profile, beside the job's own blockers.
/// `now` is the local time, to refuse an authorisation dated in the future.
pub fn blockers(job: &Job, g: &Grounds, now: PrimitiveDateTime) -> Vec<Blocker> {
    let p = job.profile;
    let mut out = Vec::new();
    // Names and reasons go into the record and the register as typed: one line of plain text,
    // no escape sequence to replay on whoever reads the register on a terminal.
    for (kind, text, what, setting) in [
        (
            "analyst-unprintable",
            Some(g.analyst.as_str()),
            "the analyst's name",
            Setting::Analyst,
        ),
        (
            "authority-unprintable",
            g.authorised_by.as_deref(),
            "the authorising officer's name",
            Setting::AuthorisedBy,
        ),
        (
            "reason-unprintable",
            Some(g.reason.as_str()),
            "the reason",
            Setting::Reason,
        ),
    ] {
        if let Some(c) = text.and_then(crate::text::unprintable_char) {
            out.push(Blocker {
                kind,
                item: format!("{what} holds the control character U+{:04X}", c as u32),
                fix: Advice::set(setting).and(" (plain text, one line)"),
            });
        }
    }
    if g.analyst.trim().is_empty() {
        out.push(Blocker {
            kind: "analyst-missing",
            item: "analyst".into(),
            fix: Advice::set(Setting::Analyst),
        });
    }
    let reason = g.reason.trim();
    if reason.is_empty() {
        out.push(Blocker {
            kind: "reason-missing",
            item: "why this bundle is made (recorded in the bundle and the register)".into(),
            fix: Advice::set(Setting::Reason),
        });
    } else if reason.chars().count() > REASON_MAX {
        out.push(Blocker {
            kind: "reason-too-long",
            item: format!("the reason is over {REASON_MAX} characters"),
            fix: Advice::set(Setting::Reason).and(" (a sentence or two)"),
        });
    }
    out.extend(basis_blockers(p, g.basis.as_deref()));
    out.extend(authority_blockers(p, g, now));
    out.extend(checklist_blockers(&p.checklist, &g.answers));
    out
}

fn basis_blockers(p: &Profile, chosen: Option<&str>) -> Vec<Blocker> {
    let ids: Vec<&str> = p.agreement.bases.iter().map(|b| b.id.as_str()).collect();
    match chosen.map(str::trim).filter(|c| !c.is_empty()) {
        None if ids.is_empty() => Vec::new(),
        None => vec![Blocker {
            kind: "basis-missing",
            item: format!(
                "the agreement lists {} alternative legal bases; name the one this bundle relies on",
                ids.len()
            ),
            fix: Advice::set(Setting::Basis {
                ids: ids.iter().map(|i| i.to_string()).collect(),
            }),
        }],
        Some(c) if ids.contains(&c) => Vec::new(),
        Some(c) if ids.is_empty() => vec![Blocker {
            kind: "basis-unknown",
            item: format!(
                "the basis {c}: the agreement states its basis without alternatives to choose"
            ),
            fix: Advice::text("(remove ")
                .then(Setting::Basis { ids: Vec::new() })
                .and(")"),
        }],
        Some(c) => vec![Blocker {
            kind: "basis-unknown",
            item: format!("the basis {c}: the agreement lists no basis with that id"),
            fix: Advice::set(Setting::Basis {
                ids: ids.iter().map(|i| i.to_string()).collect(),
            }),
        }],
    }
}

fn authority_blockers(p: &Profile, g: &Grounds, now: PrimitiveDateTime) -> Vec<Blocker> {
    let mut out = Vec::new();
    let Some(role) = &p.agreement.authority else {
        return out;
    };
    let by = g.authorised_by.as_deref().map(str::trim).unwrap_or("");
    if by.is_empty() {
        out.push(Blocker {
            kind: "authority-missing",
            item: role.clone(),
            fix: Advice::set(Setting::AuthorisedBy),
        });
    } else if same_person(by, &g.analyst) {
        out.push(Blocker {
            kind: "authoriser-is-analyst",
            item: format!(
                "{by} is named both as the analyst and as the authority ({role}); the agreement asks for somebody else to review the data first"
            ),
            fix: Advice::set(Setting::AuthorisedBy),
        });
    }
    match g
        .authorised_at
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => out.push(Blocker {
            kind: "authorisation-time-missing",
            item: format!("when {role} authorised this disclosure"),
            fix: Advice::set(Setting::AuthorisedAt),
        }),
        Some(t) => match parse_time(t) {
            None => out.push(Blocker {
                kind: "authorisation-time-unreadable",
                item: format!(
                    "the authorisation time {:?} is not a date and time",
                    crate::text::printable(t)
                ),
                fix: Advice::set(Setting::AuthorisedAt),
            }),
            Some(at) if at > now + CLOCK_SLACK => out.push(Blocker {
                kind: "authorisation-time-future",
                item: format!("the authorisation time {} is in the future", show_time(at)),
                fix: Advice::set(Setting::AuthorisedAt).and(" (when it was given)"),
            }),
            Some(_) => {}
        },
    }
    out
}

fn checklist_blockers(items: &[ChecklistItem], answers: &[Option<String>]) -> Vec<Blocker> {
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let given = answers.get(i).cloned().flatten();
        let hint = match item.answer {
            crate::profile::AnswerKind::YesNo => "yes|no",
            crate::profile::AnswerKind::Text => "YOUR ANSWER",
        };
        let fix = Advice::set(Setting::Answer {
            id: item.id.clone(),
            answer: hint.into(),
        });
        match given.as_deref().map(|g| item.read_answer(g)) {
            None => out.push(Blocker {
                kind: "checklist-unanswered",
                item: format!("{} ({}): {}", item.id, item.section, item.question),
                fix,
            }),
            Some(Err(why)) => out.push(Blocker {
                kind: "checklist-answer-unreadable",
                item: format!("{}: {why}", item.id),
                fix,
            }),
            Some(Ok(a)) if a.chars().count() > ANSWER_MAX => out.push(Blocker {
                kind: "checklist-answer-too-long",
                item: format!("{}: the answer is over {ANSWER_MAX} characters", item.id),
                fix,
            }),
            Some(Ok(a)) => {
                if let Some(stop) = item.stopped_by(&a) {
                    out.push(Blocker {
                        kind: "checklist-stops",
                        item: format!(
                            "{} answered {a:?}: the agreement says the sharing must not go ahead ({})",
                            item.id, stop.because
                        ),
                        fix: Advice::text("(do not share; if the answer was wrong, ")
                            .then(Setting::Answer {
                                id: item.id.clone(),
                                answer: if stop.on_yes { "no" } else { "yes" }.into(),
                            })
                            .and(")"),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> PrimitiveDateTime {
        parse_time(s).unwrap()
    }

    #[test]
    fn times_are_read_as_written_and_refused_when_not_times() {
        assert_eq!(
            show_time(at("2026-11-30 14:05")),
            "2026-11-30 14:05 (local time)"
        );
        assert_eq!(at("2026-11-30T14:05:59"), at("2026-11-30 14:05"));
        for bad in [
            "2026-11-30",
            "30/11/2026 14:05",
            "2026-11-30 25:00",
            "2026-02-30 10:00",
            "2026-11-30 10:00:61",
            "2026-11-30 10:00:00:00",
            "",
        ] {
            assert!(parse_time(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_same_person_ignores_case_spaces_and_dots_only() {
        assert!(same_person("DS J. Smith", "ds j smith"));
        assert!(!same_person("DS J. Smith", "DI J. Smith"));
        assert!(!same_person("", "  "));
    }
}
