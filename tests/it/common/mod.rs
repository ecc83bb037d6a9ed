//! Helpers shared by the integration tests: run a job on fixtures and collect what would leave.
#![allow(dead_code)]

use disclose::apply::Decisions;
use disclose::dates::{Date, Period};
use disclose::job::{Job, Summary};
use disclose::load::{LoadOptions, Table};
use disclose::profile::{Catalog, Profile};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The `disclose` binary this test run built, as a command to give arguments to.
pub fn bin() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_disclose"))
}

/// The warnings a Bromley YOT pack of the CRIS fixture raises for period 2026-10, each
/// acknowledged, as `pack` takes them.
pub const BROMLEY_ACKS: &[&str] = BROMLEY_READY.split_at(4).1;

/// Everything a Bromley pack needs but its recipients, output and register: a reason, an
/// analyst, then [`BROMLEY_ACKS`].
pub const BROMLEY_READY: &[&str] = &[
    "--reason",
    "monthly panel, test bundle",
    "--analyst",
    "A. Analyst",
    "--acknowledge",
    "review-overdue",
    "--acknowledge",
    "no-electronic-transfer",
    "--acknowledge",
    "victim-assessed-before-release",
    "--acknowledge",
    "rjo-signed-undertaking",
    "--acknowledge",
    "no-protective-marking",
    "--acknowledge",
    "period-over-12-months-ago",
];

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// A test suite copied into the project (`tests/suites/NAME`, see its `SOURCE.txt`). Missing is
/// a failure, never a reason to skip.
pub fn suite(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/suites")
        .join(name);
    assert!(p.is_dir(), "the test suite is missing at {}", p.display());
    p
}

pub fn profile(id: &str) -> Profile {
    Catalog::embedded()
        .expect("embedded profiles load")
        .get(id)
        .expect("profile exists")
        .clone()
}

pub const TODAY: Date = Date {
    year: 2026,
    month: 11,
    day: 22,
};
pub const PERIOD: Period = Period {
    year: 2026,
    month: 10,
};

/// What a run would share: the summary, and per input the output header and rows.
pub struct Shared {
    pub summary: Summary,
    pub headers: Vec<Vec<String>>,
    pub rows: Vec<Vec<Vec<String>>>,
    /// Source row numbers of the shared rows, per input.
    pub row_numbers: Vec<Vec<u64>>,
}

pub fn run(profile: &Profile, inputs: &[PathBuf], decisions: Decisions, ack: &[&str]) -> Shared {
    try_run(profile, inputs, decisions, ack).unwrap_or_else(|e| panic!("run failed: {e}"))
}

pub fn try_run(
    profile: &Profile,
    inputs: &[PathBuf],
    decisions: Decisions,
    ack: &[&str],
) -> Result<Shared, disclose::apply::ApplyError> {
    let tables = inputs
        .iter()
        .map(|p| Table::open(p, &LoadOptions::default()))
        .collect::<Result<Vec<_>, _>>()?;
    try_run_tables(profile, tables, decisions, ack)
}

/// [`run`] on tables already opened (e.g. a chosen workbook sheet).
pub fn run_tables(
    profile: &Profile,
    tables: Vec<Table>,
    decisions: Decisions,
    ack: &[&str],
) -> Shared {
    try_run_tables(profile, tables, decisions, ack).unwrap_or_else(|e| panic!("run failed: {e}"))
}

pub fn try_run_tables(
    profile: &Profile,
    tables: Vec<Table>,
    decisions: Decisions,
    ack: &[&str],
) -> Result<Shared, disclose::apply::ApplyError> {
    let acknowledged: BTreeSet<String> = ack.iter().map(|s| s.to_string()).collect();
    let job = Job::prepare(profile, tables, decisions, PERIOD, acknowledged, TODAY)?;
    let mut outcomes = Vec::new();
    let mut headers = Vec::new();
    let mut rows = Vec::new();
    let mut row_numbers = Vec::new();
    for i in 0..job.tables.len() {
        let mut these = Vec::new();
        let mut numbers = Vec::new();
        let outcome = job
            .run_input(i, |row, cells| {
                these.push(cells.iter().map(|c| c.text(row)).collect());
                numbers.push(row.number);
                Ok::<(), ()>(())
            })
            .map_err(|e| match e {
                disclose::apply::ProcessError::Apply(a) => a,
                disclose::apply::ProcessError::Sink(()) => unreachable!(),
            })?;
        outcomes.push(outcome);
        headers.push(job.output_header(i));
        rows.push(these);
        row_numbers.push(numbers);
    }
    Ok(Shared {
        summary: job.summary(&outcomes),
        headers,
        rows,
        row_numbers,
    })
}

/// The excluded counts as (rule or "manual", kind, count), sorted.
pub fn exclusions(s: &Summary) -> Vec<(String, String, u64)> {
    let mut v: Vec<_> = s
        .rows
        .excluded
        .iter()
        .map(|e| {
            (
                e.rule.clone().unwrap_or_else(|| "manual".into()),
                e.kind.to_string(),
                e.count,
            )
        })
        .collect();
    v.sort();
    v
}

/// `disclose pack --dry-run` of `input` for period 2026-10 under the Merton ASB panel profile,
/// which has no rules, so any header is accepted and every column not an agreed field is
/// withheld. `extra` goes after the other arguments.
pub fn merton_dry_run(input: &Path, extra: &[&str]) -> std::process::Output {
    bin()
        .args([
            "--today",
            "2026-11-22",
            "pack",
            "--profile",
            "merton-asb-panel",
        ])
        .arg("--input")
        .arg(input)
        .args(["--period", "2026-10", "--dry-run"])
        .args(extra)
        .output()
        .expect("the binary runs")
}
