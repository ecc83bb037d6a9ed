//! Profile parsing: any text through `disclose::profile::parse`. A profile that parses must be
//! consistent (every rule reads a field it defines; every field answers to its own id and to no
//! other field's), and must drive a real job: a CSV headed by its field ids (plus a column no
//! field claims) is planned and streamed, and only shared fields may come out.
#![no_main]

mod common;

use disclose::apply::{ColumnUse, Decisions};
use disclose::dates::{Date, Period};
use disclose::job::Job;
use disclose::load::{LoadOptions, Table};
use disclose::profile::{self, RuleTest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let profile = match profile::parse("fuzz.toml", text) {
        Ok(p) => p,
        Err(e) => {
            let _ = (e.to_string(), e.hint());
            return;
        }
    };
    for rule in &profile.rules {
        assert!(
            profile.field(&rule.field).is_some(),
            "a rule reads an undefined field"
        );
    }
    for field in profile.all_fields() {
        let named = profile
            .field_named(&field.id)
            .expect("a field answers to its id");
        assert_eq!(named.id, field.id, "a field id names another field");
    }

    // A CSV with one column per field, headed by its label (an id is a --map name, never a
    // header), and a column no field claims.
    let mut csv = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = profile.all_fields().map(|f| f.label.clone()).collect();
    header.push("zz unclaimed zz 0".into());
    csv.write_record(&header).expect("csv header");
    for variant in 0..3 {
        let mut row: Vec<String> = Vec::new();
        for field in profile.all_fields() {
            let rule = profile.rules.iter().find(|r| r.field == field.id);
            row.push(match (rule.map(|r| &r.test), variant) {
                (_, 2) => String::new(),
                (Some(RuleTest::AgeBetween { .. }), 0) => "2010-06-15".into(),
                (Some(RuleTest::AgeBetween { .. }), _) => "15/06/1990".into(),
                (Some(RuleTest::NumberBetween { min, .. }), _) => min.unwrap_or(0).to_string(),
                (Some(RuleTest::ExcludeIfYes), _) => "N".into(),
                (Some(RuleTest::MarkingAtMost(_)), _) => "OFFICIAL".into(),
                (None, _) => format!("value {variant}"),
            });
        }
        row.push("unclaimed".into());
        csv.write_record(&row).expect("csv row");
    }
    let bytes = csv.into_inner().expect("csv bytes");
    let path = common::write_scratch("profile-input.csv", &bytes);
    let Ok(table) = Table::open(&path, &LoadOptions::default()) else {
        return;
    };
    let today = Date::new(2026, 11, 22).expect("a date");
    let period = Period {
        year: 2026,
        month: 10,
    };
    let acknowledged = profile
        .warnings_on(today)
        .into_iter()
        .map(|w| w.code)
        .collect();
    let job = match Job::prepare(
        &profile,
        vec![table],
        Decisions::default(),
        period,
        acknowledged,
        today,
    ) {
        Ok(j) => j,
        Err(e) => {
            let _ = (e.to_string(), e.hint());
            return;
        }
    };
    let plan = &job.plans[0];
    assert_eq!(
        plan.columns.last(),
        Some(&ColumnUse::Withheld),
        "a column no field claims is not withheld"
    );
    for (_, field) in &plan.shared {
        let f = profile
            .field(field)
            .expect("a shared column's field exists");
        assert!(f.shared, "a rule-only field is in the output");
    }
    if let Ok(outcomes) = job.run_dry() {
        let summary = job.summary(&outcomes);
        for c in &summary.columns.shared {
            assert!(profile.field(&c.field).is_some_and(|f| f.shared));
        }
        let _ = touch(&summary);
    }
});

/// Touch every string of the summary, as printing it would.
fn touch(summary: &disclose::job::Summary) -> usize {
    format!("{summary:?}").len()
}
