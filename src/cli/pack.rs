//! `disclose pack`: load the inputs, apply the profile, and (for now) report what would leave.

use super::{Exit, PackArgs, fail, print};
use crate::apply::{self, Decisions};
use crate::dates::{Date, Period};
use crate::job::Job;
use crate::load::{LoadOptions, Table};
use crate::profile::Catalog;
use std::collections::BTreeSet;

pub(super) fn run(catalog: &Catalog, args: &PackArgs, today: Date) -> Exit {
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

    let mut decisions = Decisions::default();
    for spec in &args.maps {
        match apply::parse_map(spec) {
            Ok(m) => decisions.maps.push(m),
            Err(e) => return fail(&e.to_string(), Some(&e.hint())),
        }
    }
    for spec in &args.justify {
        match apply::parse_justify(profile, spec) {
            Ok((field, text)) => {
                decisions.justifications.insert(field, text);
            }
            Err(e) => return fail(&e.to_string(), Some(&e.hint())),
        }
    }

    let known: BTreeSet<String> = profile
        .warnings_on(today)
        .into_iter()
        .map(|w| w.code)
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

    let options = LoadOptions {
        sheet: args.sheet.clone(),
        header_row: args.header_row,
        ..LoadOptions::default()
    };
    let mut tables = Vec::new();
    for path in &args.inputs {
        match Table::open(path, &options) {
            Ok(t) => tables.push(t),
            Err(e) => return fail(&e.to_string(), Some(e.hint())),
        }
    }

    let job = match Job::prepare(profile, tables, decisions, period, acknowledged, today) {
        Ok(j) => j,
        Err(e) => return fail(&e.to_string(), Some(&e.hint())),
    };

    if !args.dry_run {
        return fail(
            "writing a bundle is not part of this build yet",
            Some("Add --dry-run to see what would be shared."),
        );
    }

    let outcomes = match job.run_dry() {
        Ok(o) => o,
        Err(e) => return fail(&e.to_string(), Some(&e.hint())),
    };
    let summary = job.summary(&outcomes);
    if args.json {
        print::json(&summary);
    } else {
        print::summary(&summary, true);
    }
    if summary.blockers.is_empty() {
        Exit::Ok
    } else {
        Exit::Refused
    }
}
