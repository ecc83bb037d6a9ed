//! `disclose pack`: load the inputs, apply the profile, and report what would leave
//! (`--dry-run`) or write the bundle, signed and encrypted to named recipients.

use super::sending::{self, Sending};
use super::words::advice;
use super::{Exit, PackArgs, fail, print};
use crate::apply::{ApplyError, Decisions};
use crate::dates::{Date, Period};
use crate::job::Job;
use crate::load::{LoadError, LoadOptions, Table};
use crate::pack::{self, PackError, PackOptions};
use crate::profile::Catalog;
use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

pub(super) fn run(catalog: &Catalog, args: &PackArgs, today: Date, today_given: bool) -> Exit {
    if today_given && !args.dry_run {
        return fail(
            "--today applies to dry runs only: a bundle is always made with today's date",
            Some("Remove --today, or add --dry-run."),
        );
    }
    for (flag, name) in [
        ("--analyst", &args.analyst),
        ("--authorised-by", &args.authorised_by),
        ("--reason", &args.reason),
    ] {
        if let Some(c) = name.as_deref().and_then(crate::text::unprintable_char) {
            return fail(
                &format!(
                    "{flag} holds the control character U+{:04X}: a name is recorded in the \
                     register as given, and a control character there would replay on the \
                     terminal of whoever reads it",
                    c as u32
                ),
                Some(&format!("Give {flag} as one line of plain text.")),
            );
        }
    }
    let Some(profile) = catalog.get(&args.profile) else {
        return fail(
            &format!("there is no profile {:?}", args.profile),
            Some(&format!("Choose one of: {}.", catalog.ids().join(", "))),
        );
    };

    let period = match &args.period {
        None => Period::previous(today),
        Some(s) => match Period::parse(s) {
            Some(p) => p,
            None => {
                return fail(
                    &format!("--period {s:?} is not a month"),
                    Some("Write it as YYYY-MM, e.g. --period 2026-10."),
                );
            }
        },
    };
    if let Err(e) = crate::job::check_period(period, today) {
        return fail(&format!("--period: {e}"), Some(&advice(&e.advice())));
    }

    if let Err(e) = super::specs::read_answers(profile, &args.answers) {
        return fail(
            &e,
            Some("List the checklist with `disclose profiles show ID`; give each answer once."),
        );
    }

    let mut decisions = Decisions::default();
    for name in &args.redact_flagged {
        if name.trim().eq_ignore_ascii_case("all") {
            decisions.redact_flagged.extend(crate::freetext::Kind::ALL);
            continue;
        }
        match crate::freetext::Kind::parse(name) {
            Some(k) => {
                decisions.redact_flagged.insert(k);
            }
            None => {
                let kinds: Vec<&str> = crate::freetext::Kind::ALL.iter().map(|k| k.id()).collect();
                return fail(
                    &format!(
                        "--redact-flagged {:?}: there is no kind of detail by that name",
                        crate::text::printable(name)
                    ),
                    Some(&format!(
                        "Name one or more of: {}, or all.",
                        kinds.join(", ")
                    )),
                );
            }
        }
    }
    for spec in &args.maps {
        match super::specs::read_map(spec) {
            Ok(m) => decisions.maps.push(m),
            Err(e) => return fail(&e.what, Some(e.example)),
        }
    }
    for spec in &args.justify {
        match super::specs::read_justify(profile, spec) {
            Ok((field, text)) => {
                decisions.justifications.insert(field, text);
            }
            Err(e) => return fail(&e.what, Some(e.example)),
        }
    }

    // The profile's warnings, and those the job raises from the exports and the period (which
    // may be acknowledged ahead of knowing whether they will be raised).
    let known: BTreeSet<String> = profile
        .warnings_on(today)
        .into_iter()
        .map(|w| w.code)
        .chain(crate::job::JOB_WARNINGS.iter().map(|c| c.to_string()))
        .collect();
    let mut acknowledged = BTreeSet::new();
    for code in &args.acknowledge {
        if !known.contains(code) {
            let list: Vec<&str> = known.iter().map(String::as_str).collect();
            return fail(
                &format!(
                    "--acknowledge {code:?}: profile {} has no warning with that code",
                    profile.id
                ),
                Some(&if list.is_empty() {
                    "This profile raises no warnings today; remove the flag.".to_string()
                } else {
                    format!("Its warnings are: {}.", list.join(", "))
                }),
            );
        }
        acknowledged.insert(code.clone());
    }

    for (i, path) in args.inputs.iter().enumerate() {
        if args.inputs[..i].iter().any(|p| same_file(p, path)) {
            return fail(
                &format!("--input {} is given twice", path.display()),
                Some("Give each export once; its rows would otherwise be shared twice."),
            );
        }
    }

    let run = |stream_once| {
        attempt(
            profile,
            args,
            &decisions,
            period,
            &acknowledged,
            today,
            stream_once,
        )
    };
    match run(true) {
        Attempt::Done(exit) => exit,
        Attempt::Again(e) => {
            let mut err = super::console::stderr();
            let _ = writeln!(
                err,
                "note: {}\n  Reading each input whole first to find its encoding, then starting again.",
                crate::text::printable(&e.to_string())
            );
            match run(false) {
                Attempt::Done(exit) => exit,
                Attempt::Again(e) => fail(&e.to_string(), Some(&advice(&e.advice()))),
            }
        }
    }
}

/// How one attempt went: to its end, or stopped before anything was written because a CSV
/// file taken to be UTF-8 from its start turned out not to be (see
/// [`LoadOptions::stream_once`]), to be made again reading each file whole first.
enum Attempt {
    Done(Exit),
    Again(LoadError),
}

/// Opens the inputs, prepares the job, and writes the bundle or (`--dry-run`) reports on it.
/// `stream_once`: each CSV file is read only once, as the rows go into the bundle, rather than
/// once first to find its encoding; it is what makes a large export quick to pack.
fn attempt(
    profile: &crate::profile::Profile,
    args: &PackArgs,
    decisions: &Decisions,
    period: Period,
    acknowledged: &BTreeSet<String>,
    today: Date,
    stream_once: bool,
) -> Attempt {
    let options = LoadOptions {
        sheet: args.sheet.clone(),
        header_row: args.header_row,
        stream_once,
        ..LoadOptions::default()
    };
    let mut tables = Vec::new();
    for path in &args.inputs {
        match Table::open(path, &options) {
            Ok(t) => tables.push(t),
            Err(e) => return Attempt::Done(fail(&e.to_string(), Some(&advice(&e.advice())))),
        }
    }

    // Kept to list every suggestion should a rule's column be missing (cheap: no rows).
    let opened = tables.clone();
    let job = match Job::prepare(
        profile,
        tables,
        decisions.clone(),
        period,
        acknowledged.clone(),
        today,
    ) {
        Ok(j) => j,
        Err(e @ ApplyError::RuleColumnMissing { .. }) => {
            let mut hint = advice(&e.advice());
            let all = crate::suggest::before_rules(profile, &opened, decisions);
            if !all.is_empty() {
                hint.push_str("\nSuggested for this export (check each column holds the field):");
                for (input, header, field) in all {
                    let from = if opened.len() > 1 {
                        format!("  ({})", crate::text::printable(&input))
                    } else {
                        String::new()
                    };
                    hint.push_str(&format!(
                        "\n  suggest: --map '{}={field}'{from}",
                        crate::text::printable(&header).replace('\'', "'\\''")
                    ));
                }
            }
            return Attempt::Done(fail(&e.to_string(), Some(&hint)));
        }
        Err(e) => return Attempt::Done(fail(&e.to_string(), Some(&advice(&e.advice())))),
    };

    if !args.dry_run {
        return write(&job, args);
    }

    let outcomes = match job.run_dry() {
        Ok(o) => o,
        Err(ApplyError::Load(e @ LoadError::EncodingUnsettled { .. })) => {
            return Attempt::Again(e);
        }
        Err(e) => return Attempt::Done(fail(&e.to_string(), Some(&advice(&e.advice())))),
    };
    let send = match sending::read(&job, args, true) {
        Ok(s) => s,
        Err(exit) => return Attempt::Done(exit),
    };
    let given_to = args.passphrase_given_to.as_deref();
    let mut summary = job.summary(&outcomes);
    // The dry run rehearses the real run: it is ready only when a pack with the same flags
    // would be (the bundle's own needs, analyst, authority and named recipients, included).
    let late = summary.late_blockers();
    summary.blockers = pack::blockers_for(&job, &grounds(job.profile, args));
    summary.blockers.extend(late);
    if let Some(e) = &send.encryption {
        summary
            .blockers
            .extend(pack::recipient_blockers(e, given_to));
    }
    if args.json {
        let mut v = super::words::summary_json(&summary);
        v["sending"] = sending::json(&send, given_to);
        print::json(&v);
    } else {
        print::summary(
            &summary,
            &job.tables,
            true,
            &sending::lines(&send, given_to),
        );
    }
    Attempt::Done(if summary.blockers.is_empty() {
        Exit::Ok
    } else {
        Exit::Refused
    })
}

/// The grounds as the flags give them (answers were checked when the run began).
fn grounds(profile: &crate::profile::Profile, args: &PackArgs) -> crate::grounds::Grounds {
    crate::grounds::Grounds {
        analyst: args.analyst.clone().unwrap_or_default(),
        reason: args.reason.clone().unwrap_or_default(),
        basis: args.basis.clone(),
        authorised_by: args.authorised_by.clone(),
        authorised_at: args.authorised_at.clone(),
        answers: super::specs::read_answers(profile, &args.answers).unwrap_or_default(),
    }
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

fn write(job: &Job, args: &PackArgs) -> Attempt {
    let out_dir: PathBuf = args.out.clone().unwrap_or_else(|| ".".into());
    if !out_dir.is_dir() {
        return Attempt::Done(fail(
            &format!("--out {}: no such folder", out_dir.display()),
            Some("Create the folder first, or name an existing one."),
        ));
    }
    let Sending {
        encryption,
        sign_key,
        make_key_beside,
        mut notes,
    } = match sending::read(job, args, false) {
        Ok(s) => s,
        Err(exit) => return Attempt::Done(exit),
    };
    let Some(encryption) = encryption else {
        return Attempt::Done(Exit::BadInput);
    };
    let given_to = args.passphrase_given_to.as_deref();
    // What stops the bundle is found before the signing key asks for its passphrase.
    let blocked = !pack::recipient_blockers(&encryption, given_to).is_empty()
        || !pack::blockers_for(job, &grounds(job.profile, args)).is_empty();
    let sign_key = match (sign_key, make_key_beside) {
        (None, Some(register)) if !blocked => {
            match sending::make_default_key(&register, args, &mut notes) {
                Ok(k) => Some(k),
                Err(exit) => return Attempt::Done(exit),
            }
        }
        (k, _) => k,
    };
    let signer = match sign_key {
        Some(k) if !blocked => match sending::unlock(k, args) {
            Ok(k) => Some(k),
            Err(exit) => return Attempt::Done(exit),
        },
        _ => None,
    };
    let notes: Vec<String> = notes.iter().map(|n| format!("! {n}")).collect();
    let opts = PackOptions {
        out_dir,
        encryption,
        grounds: grounds(job.profile, args),
        register: args.register.clone(),
        signer,
        passphrase_given_to: given_to.map(str::to_string),
        level: args.level,
    };
    let cancel = AtomicBool::new(false);
    Attempt::Done(match pack::write(job, &opts, &mut |_| {}, &cancel) {
        Ok(packed) => {
            if args.json {
                let mut v = super::words::summary_json(&packed.summary);
                v["bundle"] = packed.bundle.display().to_string().into();
                v["checksum"] = packed.checksum.display().to_string().into();
                v["signature"] = packed
                    .signature
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .into();
                v["signing_key"] = packed
                    .record
                    .signing_key
                    .as_ref()
                    .map(|k| k.fingerprint.clone())
                    .into();
                v["recipients"] =
                    serde_json::to_value(&packed.record.recipients).unwrap_or_default();
                v["sha256"] = packed.sha256.clone().into();
                v["bundle_id"] = packed.bundle_id.clone().into();
                v["register"] = packed.register.display().to_string().into();
                if !packed.recovered.is_empty() {
                    v["recovered"] = packed.recovered.clone().into();
                }
                print::json(&v);
            } else {
                print::summary(&packed.summary, &job.tables, false, &[]);
                print::written(&packed, &notes);
                let mut o = super::console::stdout();
                for r in &packed.recovered {
                    let _ = writeln!(o, "! {}", crate::text::printable(r));
                }
            }
            Exit::Ok
        }
        Err(PackError::Apply(ApplyError::Load(e @ LoadError::EncodingUnsettled { .. }))) => {
            return Attempt::Again(e);
        }
        Err(PackError::Blocked(blockers)) => {
            let mut summary = match job.run_dry() {
                Ok(o) => job.summary(&o),
                Err(ApplyError::Load(e @ LoadError::EncodingUnsettled { .. })) => {
                    return Attempt::Again(e);
                }
                Err(e) => return Attempt::Done(fail(&e.to_string(), Some(&advice(&e.advice())))),
            };
            summary.blockers = blockers.clone();
            if args.json {
                print::json(&summary);
            } else {
                print::summary(&summary, &job.tables, false, &[]);
            }
            let stops: Vec<&str> = blockers
                .iter()
                .filter(|b| b.kind == "checklist-stops")
                .map(|b| b.item.as_str())
                .collect();
            let fixes: Vec<String> = blockers
                .iter()
                .filter(|b| b.kind != "checklist-stops")
                .map(|b| advice(&b.fix))
                .collect();
            let mut hint = String::new();
            for s in &stops {
                hint.push_str(&format!("{}\n", crate::text::printable(s)));
            }
            if !fixes.is_empty() {
                hint.push_str(&format!("Run again with: {}", fixes.join(" ")));
            }
            let _ = super::fail("refused: the bundle was not written", Some(hint.trim_end()));
            Exit::Refused
        }
        Err(e) => fail(&e.to_string(), Some(&advice(&e.advice()))),
    })
}
