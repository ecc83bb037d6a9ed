//! The engine end to end on the synthetic fixtures: exact shared columns, exact shared rows,
//! exclusion counts by reason, and that withheld values never reach the output.

use crate::common;

use common::*;
use disclose::advice::Setting;
use disclose::apply::{ApplyError, Decisions};

fn bromley() -> Shared {
    run(
        &profile("bromley-yot-victims"),
        &[fixture("cris-victims.csv")],
        Decisions::default(),
        &[],
    )
}

#[test]
fn bromley_shares_exactly_the_eight_agreed_fields_in_agreement_order() {
    let s = bromley();
    assert_eq!(
        s.headers[0],
        [
            "Victim Name",
            "Victim Address",
            "Victim telephone number",
            "Victim Age",
            "Victim Sex",
            "Victim relationship to offender",
            "Victim Personal Statement",
            "Vulnerability Marker",
        ]
    );
    let withheld: Vec<&str> = s
        .summary
        .columns
        .withheld
        .iter()
        .map(|c| c.source.as_str())
        .collect();
    assert_eq!(
        withheld,
        [
            "Crime Reference",
            "Offence",
            "Suspect Name",
            "Officer in Case",
            "Notes"
        ]
    );
    let rule_only: Vec<(&str, &str)> = s
        .summary
        .columns
        .rule_only
        .iter()
        .map(|c| (c.source.as_str(), c.field.as_str()))
        .collect();
    assert_eq!(
        rule_only,
        [
            ("Committed Date", "offence_date"),
            ("Suspect Age at Offence", "offender_age_at_offence"),
            ("Victim Opt Out", "victim_opt_out")
        ]
    );
    // The fixture has the marker but not the details column of "Vulnerability Marker with
    // relevant details".
    let missing: Vec<&str> = s
        .summary
        .columns
        .not_in_export
        .iter()
        .map(|m| m.field.as_str())
        .collect();
    assert_eq!(missing, ["vulnerability_details"]);
}

#[test]
fn bromley_rows_follow_the_age_and_opt_out_rules_failing_closed() {
    let s = bromley();
    // Data rows start on line 2; the third record spans lines 4-5, so later rows are one
    // line further down than their record index suggests.
    // Row 12 (Nina Brooks) has no opt-out recorded: not an opt-out, so she is shared, and
    // counted on a line of her own.
    assert_eq!(s.row_numbers[0], [2, 3, 4, 12, 14, 15, 16]);
    let names: Vec<&str> = s.rows[0].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        names,
        [
            "Amira Okafor",
            "Derek Mills",
            "Priya Shah",
            "Nina Brooks",
            "'=HYPERLINK(\"http://example.invalid\",\"click\")",
            "Grace Adeyemi",
            "Jack O'Neill",
        ]
    );
    assert_eq!(s.rows[0][2][1], "Flat 4, 9 Oak Street, Bromley BR2 9AA");
    assert_eq!(s.rows[0][5][2], "'+44 7700 900113");
    assert_eq!(s.summary.rows.read, 15);
    assert_eq!(s.summary.rows.shared, 7);
    assert_eq!(s.summary.rows.shared_as_agreed.len(), 1);
    assert_eq!(s.summary.rows.shared_as_agreed[0].count, 1);
    assert_eq!(
        exclusions(&s.summary),
        [
            ("offender-aged-10-to-17".into(), "failed".into(), 3),
            ("offender-aged-10-to-17".into(), "missing".into(), 1),
            ("offender-aged-10-to-17".into(), "unreadable".into(), 1),
            ("victim-opt-out".into(), "failed".into(), 2),
            ("victim-opt-out".into(), "unreadable".into(), 1),
        ]
    );
    assert_eq!(s.summary.cells.neutralised, 2);
}

#[test]
fn withheld_and_rule_only_values_never_reach_the_output() {
    let s = bromley();
    let everything: Vec<&str> = s.rows[0].iter().flatten().map(String::as_str).collect();
    for secret in [
        "WITHHELD-CANARY-7731",
        "Kyle Fenwick",
        "PC 101 Hart",
        "5201234/26",
        "Theft person",
    ] {
        assert!(
            !everything.iter().any(|c| c.contains(secret)),
            "{secret} leaked"
        );
    }
    // Suspect ages (rule-only) are whole numbers like 15; victim ages are shared. No output
    // column holds a suspect age next to a victim: the output is exactly 8 wide.
    assert!(s.rows[0].iter().all(|r| r.len() == 8));
}

#[test]
fn bromley_raises_its_warnings_and_blocks_until_acknowledged() {
    let s = bromley();
    let codes: Vec<&str> = s.summary.warnings.iter().map(|w| w.code.as_str()).collect();
    assert!(codes.contains(&"no-electronic-transfer"));
    assert!(
        codes.contains(&"review-overdue"),
        "the Bromley agreement's review date is long past"
    );
    assert_eq!(s.summary.blockers.len(), codes.len());

    let all: Vec<&str> = codes.clone();
    let acked = run(
        &profile("bromley-yot-victims"),
        &[fixture("cris-victims.csv")],
        Decisions::default(),
        &all,
    );
    assert!(acked.summary.blockers.is_empty());
    assert!(acked.summary.warnings.iter().all(|w| w.acknowledged));
}

#[test]
fn orochi_applies_the_marking_ceiling_and_the_age_limit_on_the_day_the_data_leaves() {
    let s = run(
        &profile("orochi-rescue-response"),
        &[fixture("merlin-orochi.csv")],
        Decisions::default(),
        &[],
    );
    let refs: Vec<u64> = s.row_numbers[0].clone();
    // MER-0001 (17, OFFICIAL), MER-0009 (15, caveated OFFICIAL-SENSITIVE). MER-0002 was 25 at
    // the end of October but turned 26 on 1 November, before the data leaves (22 November).
    assert_eq!(refs, [2, 10]);
    assert_eq!(s.summary.rows.read, 9);
    assert_eq!(
        exclusions(&s.summary),
        [
            ("aged-up-to-25".into(), "failed".into(), 2),
            ("aged-up-to-25".into(), "missing".into(), 1),
            ("aged-up-to-25".into(), "unreadable".into(), 1),
            ("protective-marking".into(), "failed".into(), 1),
            ("protective-marking".into(), "missing".into(), 1),
            ("protective-marking".into(), "unreadable".into(), 1),
        ]
    );
    assert_eq!(
        s.summary.marking.highest_shared.as_deref(),
        Some("OFFICIAL-SENSITIVE")
    );
    let shared: Vec<&str> = s
        .summary
        .columns
        .shared
        .iter()
        .map(|c| c.field.as_str())
        .collect();
    assert!(shared.contains(&"ethnicity") && shared.contains(&"date_of_birth"));
    let withheld: Vec<&str> = s
        .summary
        .columns
        .withheld
        .iter()
        .map(|c| c.source.as_str())
        .collect();
    assert_eq!(
        withheld,
        [
            "Merlin Ref",
            "Parent/Carer Name",
            "Parent/Carer Contact Number",
            "Reporting Officer",
            "Missing Episode Notes"
        ]
    );
    let ethnicity = s
        .summary
        .columns
        .shared
        .iter()
        .find(|c| c.field == "ethnicity")
        .unwrap();
    assert_eq!(ethnicity.category, "special category");
    // "-Referral accepted" in a shared intelligence column would run as a formula.
    assert_eq!(s.summary.cells.neutralised, 1);
}

#[test]
fn map_overrides_an_alias_and_can_withhold_a_column() {
    let mut d = Decisions::default();
    d.maps
        .push(("Victim Personal Statement".into(), "-".into()));
    d.maps.push(("Notes".into(), "Vulnerability Marker".into()));
    d.maps.push(("Vulnerability Marker".into(), "-".into()));
    let s = run(
        &profile("bromley-yot-victims"),
        &[fixture("cris-victims.csv")],
        d,
        &[],
    );
    let notes = s
        .summary
        .columns
        .shared
        .iter()
        .find(|c| c.field == "vulnerability_marker")
        .unwrap();
    assert_eq!(notes.source, "Notes");
    assert_eq!(notes.mapped_by, "analyst");
    assert!(
        s.headers[0]
            .iter()
            .all(|h| h != "Victim Personal Statement")
    );
    assert!(
        s.summary
            .columns
            .not_in_export
            .iter()
            .any(|m| m.field == "victim_personal_statement")
    );
}

#[test]
fn a_rule_column_that_cannot_be_found_stops_the_run_and_names_the_map_that_fixes_it() {
    let mut d = Decisions::default();
    d.maps.push(("Suspect Age at Offence".into(), "-".into()));
    let err = try_run(
        &profile("bromley-yot-victims"),
        &[fixture("cris-victims.csv")],
        d,
        &[],
    )
    .err()
    .unwrap();
    match &err {
        ApplyError::RuleColumnMissing {
            rule,
            field,
            candidates,
            ..
        } => {
            assert_eq!(rule, "offender-aged-10-to-17");
            assert_eq!(field, "offender_age_at_offence");
            // The column withheld by hand is the analyst's decision: not offered again.
            assert!(!candidates.contains(&"Suspect Age at Offence".to_string()));
            assert!(candidates.contains(&"Notes".to_string()));
        }
        other => panic!("wrong error: {other}"),
    }
    // The advice names the setting that fixes it: a column mapped to the field.
    assert!(
        err.advice().settings().any(|s| matches!(
            s,
            Setting::Map { header: Some(_), field: Some(f) } if f == "offender_age_at_offence"
        )),
        "{:?}",
        err.advice()
    );
}

#[test]
fn a_map_naming_no_column_or_no_field_is_refused() {
    let mut d = Decisions::default();
    d.maps.push(("Victim Nmae".into(), "victim_name".into()));
    let err = try_run(
        &profile("bromley-yot-victims"),
        &[fixture("cris-victims.csv")],
        d,
        &[],
    )
    .err()
    .unwrap();
    assert!(matches!(err, ApplyError::MapSourceUnknown { .. }), "{err}");

    let mut d = Decisions::default();
    d.maps.push(("Notes".into(), "shoe size".into()));
    let err = try_run(
        &profile("bromley-yot-victims"),
        &[fixture("cris-victims.csv")],
        d,
        &[],
    )
    .err()
    .unwrap();
    assert!(matches!(err, ApplyError::MapFieldUnknown { .. }), "{err}");
}

#[test]
fn two_columns_for_one_field_is_an_error_naming_both() {
    let mut d = Decisions::default();
    // Victim Age is one column (a name may come as several: surname and forenames).
    d.maps.push(("Notes".into(), "victim_age".into()));
    let err = try_run(
        &profile("bromley-yot-victims"),
        &[fixture("cris-victims.csv")],
        d,
        &[],
    )
    .err()
    .unwrap();
    match err {
        ApplyError::FieldClaimedTwice {
            field,
            first,
            second,
            ..
        } => {
            assert_eq!(field, "victim_age");
            assert_eq!((first.as_str(), second.as_str()), ("Victim Age", "Notes"));
        }
        other => panic!("wrong error: {other}"),
    }
}

#[test]
fn manual_exclusions_and_redactions_are_applied_and_counted() {
    let mut d = Decisions::default();
    d.manual_exclusions
        .insert((0, 3), "duplicate of another referral".into());
    d.redactions
        .insert((0, 2, "victim_address".into()), "refuge address".into());
    let s = run(
        &profile("bromley-yot-victims"),
        &[fixture("cris-victims.csv")],
        d,
        &[],
    );
    assert_eq!(s.row_numbers[0], [2, 4, 12, 14, 15, 16]);
    assert_eq!(s.rows[0][0][1], "[REDACTED]");
    assert_eq!(s.summary.cells.redacted, 1);
    assert!(exclusions(&s.summary).contains(&("manual".into(), "manual".into(), 1)));
}

#[test]
fn not_prescriptive_agreements_need_a_justification_for_each_shared_field() {
    let p = profile("london-iom");
    let s = run(
        &p,
        &[fixture("merlin-orochi.csv")],
        Decisions::default(),
        &[],
    );
    let missing: Vec<&str> = s
        .summary
        .blockers
        .iter()
        .filter(|b| b.kind == "justification-missing")
        .map(|b| b.item.as_str())
        .collect();
    let shared: Vec<&str> = s
        .summary
        .columns
        .shared
        .iter()
        .map(|c| c.field.as_str())
        .collect();
    assert!(!shared.is_empty());
    assert_eq!(missing.len(), shared.len());

    let mut d = Decisions::default();
    for f in &shared {
        d.justifications.insert(
            f.to_string(),
            "Needed for the IOM panel to manage the offender".into(),
        );
    }
    let s = run(&p, &[fixture("merlin-orochi.csv")], d, &[]);
    assert!(
        s.summary
            .blockers
            .iter()
            .all(|b| b.kind != "justification-missing")
    );
}

#[test]
fn several_inputs_stay_separate_tables() {
    let p = profile("bromley-yot-victims");
    let s = run(
        &p,
        &[fixture("cris-victims.csv"), fixture("cris-victims.csv")],
        Decisions::default(),
        &[],
    );
    assert_eq!(s.rows.len(), 2);
    assert_eq!(s.summary.inputs.len(), 2);
    assert_eq!(s.summary.rows.read, 30);
    assert_eq!(s.summary.rows.shared, 14);
}
