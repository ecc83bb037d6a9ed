//! Faithful to the agreements in both directions, on exports written the way police systems
//! write them: several people per row, headers as CRIS, Merlin and CrimInt spell them, and
//! protective markings in every spelling. Each test asserts the exact columns and rows that
//! would leave.

use crate::common;

use common::{PERIOD, TODAY, profile, try_run};
use disclose::advice::Setting;
use disclose::apply::{ApplyError, Decisions};
use std::path::PathBuf;
use std::process::Output;

/// Write `text` as `name` in a fresh temporary folder (kept alive by the returned guard).
fn export(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn maps(pairs: &[(&str, &str)]) -> Decisions {
    Decisions {
        maps: pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        ..Decisions::default()
    }
}

fn disclose(args: &[&str]) -> Output {
    common::bin().args(args).output().expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// (source header, field id) of the shared columns, in output order.
fn shared(s: &common::Shared) -> Vec<(String, String)> {
    s.summary
        .columns
        .shared
        .iter()
        .map(|c| (c.source.clone(), c.field.clone()))
        .collect()
}

/// The headers of the withheld columns, in file order.
fn withheld(s: &common::Shared) -> Vec<&str> {
    s.summary
        .columns
        .withheld
        .iter()
        .map(|c| c.source.as_str())
        .collect()
}

fn suggested(s: &common::Shared) -> Vec<(String, String)> {
    let mut v: Vec<_> = s
        .summary
        .columns
        .suggested
        .iter()
        .map(|c| (c.source.clone(), c.field.clone()))
        .collect();
    v.sort();
    v
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// A CRIS victims extract under Bromley: victim, suspect and witness on each row.

const CRIS: &str = "\
CRIS No,Offence,Committed Date From,Victim Name,Victim Address,Victim Tel No,Victim Age,Victim Gender,Victim/Suspect Relationship,VPS,Vulnerability Marker,Vulnerability Details,Suspect Name,Suspect DOB,Suspect Age,Witness Name,Witness Tel,Witness Statement,VCOP Opt Out,Protective Marking,OIC
5201001/26,Theft person,03/10/2026,Amira Okafor,\"12 Elm Close, Bromley\",07700 900101,34,F,Stranger,Y,VI,Hearing impaired,Kyle Fenwick,14/02/2011,15,Sam Lee,07700 900401,Saw it,N,OFFICIAL,PC 1
5201002/26,Robbery,04/10/2026,Derek Mills,\"3 Ash Road, Orpington\",07700 900102,61,M,Stranger,N,,,Jayden Price,01/10/2008,18,,,,,OFFICIAL-SENSITIVE,PC 2
5201003/26,Assault,05/10/2026,Priya Shah,\"9 Oak Street, Bromley\",07700 900103,15,F,School peer,Y,,,Tyler Moss,20/03/2012,14,,,,Y,RESTRICTED,PC 3
5201004/26,Theft,06/10/2026,Graham Tully,\"77 Birch Way, Beckenham\",07700 900104,45,M,Stranger,N,,,Connor Blake,12/12/2010,15,,,,N,SECRET,PC 4
5201005/26,Theft,07/10/2026,Sandra Cole,\"5 Pine Hill, Bromley\",07700 900105,29,F,Stranger,N,,,Ethan Ward,,,,,,N,Official,PC 5
5201006/26,Theft,08/10/2026,Lucy Grant,\"18 Cedar Lane, Bromley\",07700 900106,52,F,Stranger,N,,,Reece Hart,05/05/2009,17,,,,,Top Secret,PC 6
";

#[test]
fn a_cris_export_shares_exactly_the_eight_items_and_no_suspect_or_witness_column() {
    let (_d, path) = export("cris.csv", CRIS);
    let s = try_run(
        &profile("bromley-yot-victims"),
        &[path],
        Decisions::default(),
        &[],
    )
    .unwrap();
    assert_eq!(
        shared(&s),
        pairs(&[
            ("Victim Name", "victim_name"),
            ("Victim Address", "victim_address"),
            ("Victim Tel No", "victim_telephone"),
            ("Victim Age", "victim_age"),
            ("Victim Gender", "victim_sex"),
            (
                "Victim/Suspect Relationship",
                "victim_relationship_to_offender"
            ),
            ("VPS", "victim_personal_statement"),
            ("Vulnerability Marker", "vulnerability_marker"),
            ("Vulnerability Details", "vulnerability_details"),
        ])
    );
    // The item "Vulnerability Marker with relevant details" is two columns, each labelled with
    // its part.
    assert_eq!(
        &s.headers[0][7..],
        [
            "Vulnerability Marker",
            "Vulnerability Marker: relevant details"
        ]
    );
    let withheld = withheld(&s);
    assert_eq!(
        withheld,
        [
            "CRIS No",
            "Offence",
            "Suspect Name",
            "Suspect Age",
            "Witness Name",
            "Witness Tel",
            "Witness Statement",
            "OIC"
        ]
    );
    // Nothing is missing, so nothing is suggested: not the suspect's age, not the witness's
    // statement.
    assert!(suggested(&s).is_empty(), "{:?}", suggested(&s));
    // Rows: 1 shared; 2 offender 18 at the offence (from DOB and date); 3 opted out; 4 SECRET;
    // 5 offender's DOB missing; 6 TOP SECRET, with no opt-out recorded.
    assert_eq!(s.row_numbers[0], [2]);
    assert_eq!(
        common::exclusions(&s.summary),
        vec![
            ("offender-aged-10-to-17".into(), "failed".into(), 1),
            ("offender-aged-10-to-17".into(), "missing".into(), 1),
            ("protective-marking".into(), "failed".into(), 2),
            ("victim-opt-out".into(), "failed".into(), 1),
        ]
    );
    assert_eq!(
        s.summary.marking.highest_shared.as_deref(),
        Some("OFFICIAL")
    );
}

#[test]
fn an_empty_opt_out_is_shared_and_counted_on_its_own_line() {
    // The same export without its marking column, to see the opt-out alone.
    let unmarked: String = CRIS
        .lines()
        .map(|l| {
            format!(
                "{}\n",
                l.rsplitn(3, ',')
                    .nth(2)
                    .map(|head| {
                        let oic = l.rsplit(',').next().unwrap_or("");
                        format!("{head},{oic}")
                    })
                    .unwrap_or_default()
            )
        })
        .collect();
    assert!(!unmarked.contains("Protective Marking") && !unmarked.contains("SECRET"));
    let (_d, path) = export("cris.csv", &unmarked);
    let s = try_run(
        &profile("bromley-yot-victims"),
        &[path],
        Decisions::default(),
        &[],
    )
    .unwrap();
    // Row 3 (Derek Mills) has no opt-out recorded but his offender was 18: excluded for age.
    // Row 7 (Lucy Grant): no opt-out recorded, offender 17 at the offence: shared, and counted.
    assert_eq!(s.row_numbers[0], [2, 5, 7]);
    let noted: Vec<(String, String, u64)> = s
        .summary
        .rows
        .shared_as_agreed
        .iter()
        .map(|e| (e.rule.clone(), e.reason.clone(), e.count))
        .collect();
    assert_eq!(
        noted,
        [(
            "victim-opt-out".to_string(),
            "shared, no opt-out recorded".to_string(),
            1
        )]
    );
    assert!(s.summary.rows.shared_as_agreed[0].section.contains("5.27"));
    // The export now carries no marking: the analyst must confirm it.
    assert!(
        s.summary
            .blockers
            .iter()
            .any(|b| b.item == "no-protective-marking")
    );
    assert!(s.summary.marking.shown().contains("NOT MARKED"));
}

#[test]
fn the_offender_age_is_taken_at_the_offence_from_an_age_at_offence_column_first() {
    // The age-at-offence column says 17; the DOB would make him 18 on the offence date. The
    // column the agreement means is read.
    let csv = "Committed Date,Victim Name,Suspect Age at Offence,Suspect DOB,Victim Opt Out,GPMS\n\
               01/10/2026,A,17,01/09/2008,N,OFFICIAL\n\
               01/10/2026,B,18,01/11/2009,N,OFFICIAL\n\
               01/10/2026,C,,01/11/2009,N,OFFICIAL\n";
    let (_d, path) = export("ages.csv", csv);
    let s = try_run(
        &profile("bromley-yot-victims"),
        &[path],
        Decisions::default(),
        &[],
    )
    .unwrap();
    assert_eq!(s.row_numbers[0], [2]);
    assert_eq!(
        common::exclusions(&s.summary),
        vec![
            ("offender-aged-10-to-17".into(), "failed".into(), 1),
            ("offender-aged-10-to-17".into(), "missing".into(), 1),
        ]
    );
}

#[test]
fn a_bare_suspect_age_is_not_the_age_at_the_offence_but_is_suggested() {
    let csv = "Committed Date,Victim Name,Suspect Age,Victim Opt Out\n01/10/2026,A,15,N\n";
    let (_d, path) = export("bare.csv", csv);
    let err = match try_run(
        &profile("bromley-yot-victims"),
        &[path],
        Decisions::default(),
        &[],
    ) {
        Err(e) => e,
        Ok(_) => panic!("a bare age column must not be read as the age at the offence"),
    };
    let ApplyError::RuleColumnMissing {
        rule, suggested, ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(rule, "offender-aged-10-to-17");
    assert_eq!(suggested.as_deref(), Some("Suspect Age"));
    assert!(
        err.advice().settings().any(|s| *s
            == Setting::Map {
                header: Some("Suspect Age".into()),
                field: Some("offender_age_at_offence".into())
            }),
        "{:?}",
        err.advice()
    );
}

// ---------------------------------------------------------------------------------------------
// A Merlin export under Orochi: bare headers for the young person, and the parents' details.

const MERLIN: &str = "\
Merlin Ref,Surname,Forename(s),DOB,PNC ID,Home Address,Contact Number,Email Address,Known As,Known Gang Affiliations,Gang & Criminal Activity Intelligence,Associates & Locations Intelligence,Ethnicity (Self-Defined),Criminal Convictions,Parent/Carer Name,Parent/Carer Contact Number,Parent Address,GPMS Marking,Reporting Officer
MER-1,Osei,Daniel,14/03/2009,09/123456A,\"4 Harrow Road\",07700 900201,d@example.invalid,Dee,Brent Crew,Seen in Norfolk,Trap house,Black British,None,Grace Osei,07700 900301,\"4 Harrow Road\",OFFICIAL,DC 1
MER-2,Walsh,Kayla,01/11/2000,05/223344B,\"17 Church Road\",07700 900202,,K,,Cuckooed,,White British,,,,,OFFICIAL-SENSITIVE,DC 2
MER-3,Hughes,Aaron,22/07/2008,10/445566D,\"9 Park Lane\",07700 900204,,AJ,,Runner,,Mixed,,Carl Hughes,07700 900304,,SECRET,DC 3
";

const MERLIN_SUGGESTED: &[(&str, &str)] = &[
    (
        "Associates & Locations Intelligence",
        "associates_locations",
    ),
    ("Contact Number", "telephone"),
    ("Criminal Convictions", "convictions"),
    ("DOB", "date_of_birth"),
    ("Email Address", "email"),
    ("Ethnicity (Self-Defined)", "ethnicity"),
    ("Forename(s)", "forenames"),
    (
        "Gang & Criminal Activity Intelligence",
        "gang_criminal_intelligence",
    ),
    ("Home Address", "address"),
    ("Known As", "street_name"),
    ("Known Gang Affiliations", "gang_affiliations"),
    ("Surname", "surname"),
];

#[test]
fn a_merlin_export_with_bare_headers_stops_for_the_date_of_birth_and_suggests_the_column() {
    let (_d, path) = export("merlin.csv", MERLIN);
    let err = match try_run(
        &profile("orochi-rescue-response"),
        &[path],
        Decisions::default(),
        &[],
    ) {
        Err(e) => e,
        Ok(_) => panic!("the age rule has no column"),
    };
    assert!(
        err.advice().settings().any(|s| *s
            == Setting::Map {
                header: Some("DOB".into()),
                field: Some("date_of_birth".into())
            }),
        "{:?}",
        err.advice()
    );
}

#[test]
fn every_suggestion_accepted_shares_exactly_the_agreed_columns_and_no_parents_details() {
    let (_d, path) = export("merlin.csv", MERLIN);
    let p = profile("orochi-rescue-response");
    let first = try_run(
        &p,
        std::slice::from_ref(&path),
        maps(&[("DOB", "date_of_birth")]),
        &[],
    )
    .unwrap();
    let mut expected = pairs(MERLIN_SUGGESTED);
    expected.retain(|(h, _)| h != "DOB");
    assert_eq!(suggested(&first), expected);
    // Only PNC ID and the marking match by alias: every bare personal header waits.
    assert_eq!(
        shared(&first),
        pairs(&[("DOB", "date_of_birth"), ("PNC ID", "pnc_id")])
    );

    let all: Vec<(&str, &str)> = MERLIN_SUGGESTED.to_vec();
    let s = try_run(&p, &[path], maps(&all), &[]).unwrap();
    let mut got: Vec<String> = shared(&s).into_iter().map(|(_, f)| f).collect();
    got.sort();
    let mut agreed: Vec<String> = p.fields.iter().map(|f| f.id.clone()).collect();
    agreed.sort();
    assert_eq!(got, agreed, "exactly the 13 agreed fields");
    assert!(suggested(&s).is_empty());
    assert!(s.summary.columns.not_in_export.is_empty());
    let withheld = withheld(&s);
    assert_eq!(
        withheld,
        [
            "Merlin Ref",
            "Parent/Carer Name",
            "Parent/Carer Contact Number",
            "Parent Address",
            "Reporting Officer"
        ]
    );
    // Every accepted suggestion is recorded as mapped by the analyst.
    assert!(
        s.summary
            .columns
            .shared
            .iter()
            .filter(|c| c.source != "PNC ID")
            .all(|c| c.mapped_by == "analyst")
    );
    // The SECRET row never leaves; Kayla turned 26 on 1 November, before the data leaves.
    assert_eq!(s.row_numbers[0], [2]);
    assert_eq!(
        s.summary.marking.highest_shared.as_deref(),
        Some("OFFICIAL")
    );
}

#[test]
fn the_dry_run_prints_each_suggestion_as_a_map_and_lists_them_in_json() {
    let (_d, path) = export("merlin.csv", MERLIN);
    let p = path.to_str().unwrap();
    let args = [
        "--today",
        "2026-11-22",
        "pack",
        "--profile",
        "orochi-rescue-response",
        "--input",
        p,
        "--period",
        "2026-10",
        "--dry-run",
        "--map",
        "DOB=date_of_birth",
    ];
    let out = disclose(&args);
    let t = text(&out.stdout);
    assert!(
        t.contains("suggest: --map 'Known Gang Affiliations=gang_affiliations'"),
        "{t}"
    );
    assert!(!t.contains("Parent/Carer Contact Number=telephone"), "{t}");
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let out = disclose(&json_args);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(String, String)> = v["columns"]["suggested"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s["input"], p);
            (
                s["source"].as_str().unwrap().to_string(),
                s["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(got.len(), MERLIN_SUGGESTED.len() - 1);
    assert!(got.contains(&("Ethnicity (Self-Defined)".into(), "ethnicity".into())));
}

#[test]
fn orochi_measures_the_age_on_the_day_the_data_leaves_whatever_the_period() {
    // 25 at the end of October 2026, 26 on 1 November: on 22 November he is outside the
    // agreement, though the period is October. An old period changes nothing.
    let csv = "Subject DOB,Subject Surname,Protective Marking\n01/11/2000,Walsh,OFFICIAL\n02/12/2000,Reyes,OFFICIAL\n";
    let (_d, path) = export("ages.csv", csv);
    let s = try_run(
        &profile("orochi-rescue-response"),
        &[path],
        Decisions::default(),
        &[],
    )
    .unwrap();
    assert_eq!(s.row_numbers[0], [3]);
    assert_eq!(PERIOD.to_string(), "2026-10");
    assert_eq!(TODAY.to_string(), "2026-11-22");
}

// ---------------------------------------------------------------------------------------------
// Markings, in every spelling, under every profile.

const MARKINGS: &[(&str, Option<&str>)] = &[
    // (as written, Some(name) when a RESTRICTED/OFFICIAL ceiling lets it through)
    ("OFFICIAL", Some("OFFICIAL")),
    ("Official", Some("OFFICIAL")),
    ("OFFICIAL-SENSITIVE", Some("OFFICIAL-SENSITIVE")),
    ("Official Sensitive", Some("OFFICIAL-SENSITIVE")),
    ("OFFICIAL-SENSITIVE PERSONAL", Some("OFFICIAL-SENSITIVE")),
    (
        "official sensitive: uk eyes only",
        Some("OFFICIAL-SENSITIVE"),
    ),
    ("RESTRICTED", Some("RESTRICTED")),
    ("Protect", Some("PROTECT")),
    ("NPM", Some("NOT PROTECTIVELY MARKED")),
    ("Not Protectively Marked", Some("NOT PROTECTIVELY MARKED")),
    ("UNCLASSIFIED", Some("NOT PROTECTIVELY MARKED")),
    ("CONFIDENTIAL", None),
    ("SECRET", None),
    ("Secret", None),
    ("TOP SECRET", None),
    ("Top-Secret", None),
    ("OFFICAL", None),
    ("OFFICIAL SENSITIVE TOP SECRET", None),
    ("", None),
];

#[test]
fn london_iom_states_no_marking_and_still_never_shares_above_official() {
    let mut csv = String::from("Offender Surname,Security Classification\n");
    for (m, _) in MARKINGS {
        csv.push_str(&format!("X,{m}\n"));
    }
    let (_d, path) = export("iom.csv", &csv);
    let s = try_run(&profile("london-iom"), &[path], Decisions::default(), &[]).unwrap();
    let kept: Vec<u64> = MARKINGS
        .iter()
        .enumerate()
        .filter(|(_, (_, ok))| ok.is_some())
        .map(|(i, _)| i as u64 + 2)
        .collect();
    assert_eq!(s.row_numbers[0], kept);
    assert_eq!(
        s.summary.marking.highest_shared.as_deref(),
        Some("OFFICIAL-SENSITIVE")
    );
    assert_eq!(s.summary.marking.ceiling, "OFFICIAL");
}

#[test]
fn merton_allows_confidential_referrals_but_nothing_secret() {
    let csv = "Perpetrator Surname,Protective Marking\nA,CONFIDENTIAL\nB,SECRET\nC,RESTRICTED\nD,Top Secret\n";
    let (_d, path) = export("asb.csv", csv);
    let s = try_run(
        &profile("merton-asb-panel"),
        &[path],
        Decisions::default(),
        &[],
    )
    .unwrap();
    assert_eq!(s.row_numbers[0], [2, 4]);
    assert_eq!(
        s.summary.marking.highest_shared.as_deref(),
        Some("CONFIDENTIAL")
    );
}

#[test]
fn a_profile_cannot_allow_secret_material() {
    let text = include_str!("../../profiles/merton-asb-panel.toml").replacen(
        "max_marking = \"CONFIDENTIAL\"",
        "max_marking = \"SECRET\"",
        1,
    );
    let err = disclose::profile::parse("x.toml", &text)
        .unwrap_err()
        .to_string();
    assert!(err.contains("never disclosed"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Merton and Bexley: whose data, and the agreement's own categories.

#[test]
fn an_asb_referral_shares_the_perpetrator_and_never_the_complainant() {
    let csv = "Referral Ref,Perpetrator Surname,Perpetrator Forename,Perpetrator DOB,Address,Complainant Name,Complainant Address,Children in Household,ASB Incidents,Protective Marking\n\
               R1,Jones,Lee,01/01/1990,\"1 High St\",Ann Smith,\"2 High St\",2,Noise,RESTRICTED\n";
    let (_d, path) = export("asb.csv", csv);
    let s = try_run(
        &profile("merton-asb-panel"),
        &[path],
        Decisions::default(),
        &[],
    )
    .unwrap();
    assert_eq!(
        shared(&s),
        pairs(&[
            ("Perpetrator Surname", "surname"),
            ("Perpetrator Forename", "forenames"),
            ("Perpetrator DOB", "date_of_birth"),
            ("ASB Incidents", "asb_incidents"),
            ("Children in Household", "social_child_concerns"),
        ])
    );
    // The bare Address may be the complainant's: offered, not shared; the complainant's never.
    assert_eq!(suggested(&s), pairs(&[("Address", "address")]));
}

#[test]
fn bexley_other_relevant_information_is_mapped_by_hand_with_a_justification() {
    let csv = "Surname,Attendance,Probation Notes,GPMS\nSmith,Attended,Engaging well,RESTRICTED\n";
    let (_d, path) = export("iom.csv", csv);
    let p = profile("bexley-iom");
    let s = try_run(
        &p,
        &[path],
        maps(&[("Probation Notes", "other_relevant_information")]),
        &[],
    )
    .unwrap();
    assert!(shared(&s).contains(&(
        "Probation Notes".to_string(),
        "other_relevant_information".to_string()
    )));
    assert!(
        s.summary
            .blockers
            .iter()
            .any(|b| b.kind == "justification-missing" && b.item == "other_relevant_information")
    );
    assert_eq!(
        p.agreement.signatories.as_ref().map(Vec::len),
        Some(4),
        "four of nine parties signed (Section 5)"
    );
}

// ---------------------------------------------------------------------------------------------
// The period.

fn bromley_pack(period: &str, extra: &[&str]) -> Output {
    let fixture = common::fixture("cris-victims.csv");
    let mut args = vec![
        "--today",
        "2026-11-22",
        "pack",
        "--profile",
        "bromley-yot-victims",
        "--input",
        fixture.to_str().unwrap(),
        "--period",
        period,
        "--dry-run",
    ];
    args.extend_from_slice(extra);
    disclose(&args)
}

#[test]
fn a_period_that_has_not_ended_is_a_usage_error() {
    for period in ["2026-11", "2027-01"] {
        let out = bromley_pack(period, &[]);
        assert_eq!(out.status.code(), Some(2), "{period}");
        let err = text(&out.stderr);
        assert!(err.contains("has not ended"), "{err}");
        assert!(err.contains("2026-10"), "names the latest month: {err}");
    }
}

#[test]
fn a_period_more_than_twelve_months_back_needs_an_acknowledgement() {
    let out = bromley_pack("2025-10", &["--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["blockers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["item"] == "period-over-12-months-ago"),
        "{v}"
    );
    let out = bromley_pack("2025-11", &["--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        !v["blockers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["item"] == "period-over-12-months-ago"),
        "twelve months back is still recent: {v}"
    );
}

// ---------------------------------------------------------------------------------------------
// Under every profile, nothing SECRET or TOP SECRET ever leaves.

mod never_secret {
    use super::*;
    use proptest::prelude::*;

    /// Columns that let a row pass each profile's own rules, so only the marking decides; and
    /// the profile's ceiling as a rung of the ladder (0 NPM, 1 OFFICIAL, 2 CONFIDENTIAL),
    /// written here from the agreements, not read from the profile.
    fn passing_columns(id: &str) -> (Vec<(&'static str, &'static str)>, u8) {
        match id {
            "bromley-yot-victims" => (
                vec![
                    ("Victim Name", "V"),
                    ("Suspect Age at Offence", "15"),
                    ("Victim Opt Out", "N"),
                ],
                1,
            ),
            "orochi-rescue-response" => (
                vec![("Subject Surname", "S"), ("Subject DOB", "01/01/2010")],
                1,
            ),
            "bexley-iom" => (vec![("Surname", "S"), ("Attendance", "Attended")], 1),
            "london-iom" => (vec![("Offender Surname", "S")], 1),
            "merton-asb-panel" => (vec![("Perpetrator Surname", "S")], 2),
            other => panic!("a profile this test does not know: {other}"),
        }
    }

    /// Markings as exports spell them, with the rung each is (None: not a marking the tool may
    /// read, so the row is excluded).
    const MARKINGS: &[(&str, Option<u8>)] = &[
        ("SECRET", Some(3)),
        ("TOP SECRET", Some(4)),
        ("TOP-SECRET", Some(4)),
        ("top secret", Some(4)),
        ("Secret", Some(3)),
        ("SECRET UK EYES ONLY", Some(3)),
        ("CONFIDENTIAL", Some(2)),
        ("OFFICIAL", Some(1)),
        ("OFFICIAL-SENSITIVE", Some(1)),
        ("O/S", Some(1)),
        ("RESTRICTED", Some(1)),
        ("PROTECT", Some(1)),
        ("NPM", Some(0)),
        ("OFFICIAL-SENSITIVE SECRET", None),
        ("None", None),
        ("", None),
    ];

    /// A spelling of one of [`MARKINGS`]: as it is, lower case, padded, or with underscores.
    fn marking() -> impl Strategy<Value = (String, Option<u8>)> {
        (0..MARKINGS.len(), 0u8..4).prop_map(|(i, style)| {
            let (m, rung) = MARKINGS[i];
            let text = match style {
                0 => m.to_string(),
                1 => m.to_lowercase(),
                2 if !m.is_empty() => format!("  {m} "),
                _ => m.replace(' ', "_"),
            };
            (text, rung)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
        #[test]
        fn no_secret_row_reaches_a_bundle_under_any_profile(
            which in 0usize..5,
            headers in prop::collection::vec(
                prop::sample::select(disclose::profile::MARKING_HEADERS.to_vec()), 1..3),
            rows in prop::collection::vec(prop::collection::vec(marking(), 2), 1..12),
        ) {
            let catalog = disclose::profile::Catalog::embedded().unwrap();
            let p = catalog.profiles[which].clone();
            let (cols, ceiling) = passing_columns(&p.id);
            let mut headers = headers;
            headers.dedup();
            let mut csv = String::new();
            for (h, _) in &cols {
                csv.push_str(h);
                csv.push(',');
            }
            csv.push_str(&headers.join(","));
            csv.push('\n');
            for row in &rows {
                for (_, v) in &cols {
                    csv.push_str(v);
                    csv.push(',');
                }
                let marks: Vec<String> = row[..headers.len()]
                    .iter()
                    .map(|(m, _)| format!("\"{m}\""))
                    .collect();
                csv.push_str(&marks.join(","));
                csv.push('\n');
            }
            let (_d, path) = export("m.csv", &csv);
            let s = try_run(&p, &[path], Decisions::default(), &[]).unwrap();
            prop_assert_eq!(s.summary.marking.inputs_marked, 1);
            for (i, row) in rows.iter().enumerate() {
                let rungs: Vec<Option<u8>> = row[..headers.len()].iter().map(|(_, r)| *r).collect();
                let shared = s.row_numbers[0].contains(&(i as u64 + 2));
                // Nothing SECRET or above leaves, in any column...
                if rungs.iter().any(|r| r.is_some_and(|r| r >= 3)) {
                    prop_assert!(!shared, "{} shared {:?}", p.id, row);
                }
                // ...and a row leaves exactly when every marking is read and within the ceiling.
                let ok = rungs.iter().all(|r| r.is_some_and(|r| r <= ceiling));
                prop_assert_eq!(ok, shared, "{} {:?}", p.id, row);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A CrimInt intelligence log under Orochi: the nominal, the source and the officer on one row.

#[test]
fn a_crimint_log_shares_the_nominal_and_never_the_source_or_officer() {
    let csv = "\
CrimInt Ref,Nominal Surname,Nominal Forename,Nominal DOB,PNC No,Nominal AKA,Intelligence Text,Source Ref,Source Grading,Handling Code,Informant Name,Submitting Officer,GPMS Marking
CI-1,Osei,Daniel,14/03/2009,09/123456A,Dee,Seen with line holder,S-77,B2,P,Jo Bloggs,DC 1,O/S
CI-2,Walsh,Kayla,01/01/2005,05/223344B,K,Cuckooed,S-78,C3,C,Al Smith,DC 2,SECRET UK EYES ONLY
CI-3,Reyes,Tom,01/01/2006,07/111111C,,Runner,S-79,B2,P,,DC 3,N.P.M.
";
    let (_d, path) = export("crimint.csv", csv);
    let s = try_run(
        &profile("orochi-rescue-response"),
        &[path],
        Decisions::default(),
        &[],
    )
    .unwrap();
    assert_eq!(
        shared(&s),
        pairs(&[
            ("Nominal Surname", "surname"),
            ("Nominal Forename", "forenames"),
            ("Nominal DOB", "date_of_birth"),
            ("PNC No", "pnc_id"),
            ("Nominal AKA", "street_name"),
            ("Intelligence Text", "gang_criminal_intelligence"),
        ])
    );
    // The informant and the submitting officer name other people: never suggested.
    for (source, _) in suggested(&s) {
        assert!(
            !["Informant Name", "Submitting Officer", "Source Ref"].contains(&source.as_str()),
            "{source}"
        );
    }
    assert_eq!(s.row_numbers[0], [2, 4]);
    assert_eq!(
        common::exclusions(&s.summary),
        vec![("protective-marking".into(), "failed".into(), 1)]
    );
    assert_eq!(
        s.summary.marking.highest_shared.as_deref(),
        Some("OFFICIAL-SENSITIVE")
    );
}

#[test]
fn a_marking_column_can_be_neither_withheld_nor_shared() {
    let (_d, path) = export("cris.csv", CRIS);
    for spec in [
        ("Protective Marking", "-"),
        ("Protective Marking", "victim_name"),
    ] {
        let err = match try_run(
            &profile("bromley-yot-victims"),
            std::slice::from_ref(&path),
            maps(&[spec]),
            &[],
        ) {
            Err(e) => e,
            Ok(_) => panic!("{spec:?} took the marking out of the ceiling"),
        };
        assert!(matches!(err, ApplyError::MapMarking { .. }), "{err}");
        assert!(
            err.to_string().contains("neither withheld nor shared"),
            "{err}"
        );
    }
}

#[test]
fn every_marking_column_is_read_and_the_highest_counts() {
    // A second marking column, under spellings the list does not hold word for word.
    let csv = "Offender Surname,Protective Markings,GPMS Level,Security Class\n\
               A,OFFICIAL,SECRET,OFFICIAL\n\
               B,OFFICIAL,OFFICIAL-SENSITIVE,RESTRICTED\n\
               C,OFFICIAL,,OFFICIAL\n\
               D,None,OFFICIAL,OFFICIAL\n\
";
    let (_d, path) = export("iom.csv", csv);
    let s = try_run(&profile("london-iom"), &[path], Decisions::default(), &[]).unwrap();
    let rule_only: Vec<&str> = s
        .summary
        .columns
        .rule_only
        .iter()
        .map(|c| c.source.as_str())
        .collect();
    assert_eq!(
        rule_only,
        ["Protective Markings", "GPMS Level", "Security Class"]
    );
    // A: SECRET in the second column; C: one marking column empty; D: "None" recorded.
    assert_eq!(s.row_numbers[0], [3]);
    assert_eq!(
        common::exclusions(&s.summary),
        vec![
            ("protective-marking".into(), "failed".into(), 1),
            ("protective-marking".into(), "missing".into(), 1),
            ("protective-marking".into(), "unreadable".into(), 1),
        ]
    );
    assert_eq!(
        s.summary.marking.highest_shared.as_deref(),
        Some("OFFICIAL-SENSITIVE")
    );
}

#[test]
fn a_crime_classification_is_not_a_marking_but_the_analyst_is_asked_to_check_it() {
    let csv = "Offender Surname,Classification\n\
A,Burglary Dwelling\n\
";
    let (_d, path) = export("iom.csv", csv);
    let s = try_run(&profile("london-iom"), &[path], Decisions::default(), &[]).unwrap();
    assert_eq!(s.row_numbers[0], [2]);
    let w = s
        .summary
        .warnings
        .iter()
        .find(|w| w.code == "no-protective-marking")
        .expect("the analyst must confirm the marking");
    assert!(
        w.message
            .contains("check whether \"Classification\" holds a marking"),
        "{}",
        w.message
    );
}

#[test]
fn a_cris_export_with_abbreviated_and_split_columns() {
    // Surname and forename apart, the address over two columns, CRIS's "Susp" and "NOK".
    let csv = "Victim Surname,Victim Forename,Victim Address Line 1,Victim Postcode,Victim Mob No,Susp Address,Susp Tel,Susp Age,Susp Sex,NOK Tel,Offence Address,Suspect Age at Offence,Victim Opt Out,GPMS\n\
               Okafor,Amira,12 Elm Close,BR1 1AA,07700 900101,1 Other St,07700 2,15,M,07700 3,Bus stop,15,N,OFFICIAL\n\
";
    let (_d, path) = export("cris.csv", csv);
    let s = try_run(
        &profile("bromley-yot-victims"),
        &[path],
        Decisions::default(),
        &[],
    )
    .unwrap();
    assert_eq!(
        s.headers[0],
        [
            "Victim Name (Victim Surname)",
            "Victim Name (Victim Forename)",
            "Victim Address (Victim Address Line 1)",
            "Victim Address (Victim Postcode)",
            "Victim telephone number",
        ]
    );
    assert_eq!(
        s.rows[0],
        [["Okafor", "Amira", "12 Elm Close", "BR1 1AA", "07700 900101"]]
    );
    // Nothing of the suspect's, the next of kin's or the offence's is offered for the victim.
    for (source, field) in suggested(&s) {
        assert!(
            !source.starts_with("Susp") && source != "NOK Tel" && source != "Offence Address",
            "{source} suggested for {field}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// A broad category of a not-prescriptive agreement comes in several columns.

#[test]
fn a_broad_category_takes_each_of_its_columns_under_a_label_naming_it() {
    let csv = "Offender Surname,OASys Score,Licence Conditions,Offender Manager,PNC ID,CRO No,Victim Name,Security Classification\n\
               Smith,55,Curfew,OM Jones,90/1A,1234/90,Ann,OFFICIAL\n";
    let (_d, path) = export("iom.csv", csv);
    let s = try_run(&profile("london-iom"), &[path], Decisions::default(), &[]).unwrap();
    assert_eq!(
        s.headers[0],
        [
            "name and contact details: surname",
            "police information: PNC ID",
            "police information: CRO number",
            "probation service data (Licence Conditions)",
            "probation service data (Offender Manager)",
        ]
    );
    // Every column of the category is read and leaves as it is.
    assert_eq!(
        s.rows[0],
        [["Smith", "90/1A", "1234/90", "Curfew", "OM Jones"]]
    );
    // Another column of the same kind is offered, never added on its own; the victim never.
    assert_eq!(suggested(&s), pairs(&[("OASys Score", "probation")]));
    // An identifier stays one column: two for one field is still an error naming both.
    let csv = "Offender Surname,Nominal Surname,Security Classification\nA,B,OFFICIAL\n";
    let (_d2, path) = export("two.csv", csv);
    let err = match try_run(&profile("london-iom"), &[path], Decisions::default(), &[]) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("two surnames"),
    };
    assert!(err.contains("both map to the field \"surname\""), "{err}");
}

#[test]
fn a_run_stopped_by_a_missing_rule_column_lists_every_suggestion_at_once() {
    let (_d, path) = export("merlin.csv", MERLIN);
    let out = disclose(&[
        "--today",
        "2026-11-22",
        "pack",
        "--profile",
        "orochi-rescue-response",
        "--input",
        path.to_str().unwrap(),
        "--period",
        "2026-10",
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    for (header, field) in MERLIN_SUGGESTED {
        assert!(
            err.contains(&format!("suggest: --map '{header}={field}'")),
            "{header}: {err}"
        );
    }
    assert!(
        !err.lines()
            .any(|l| l.contains("suggest:") && l.contains("Parent")),
        "{err}"
    );
}

#[test]
fn an_age_at_the_offence_may_come_as_a_date_of_birth_and_an_offence_date() {
    let csv = "Victim Name,Suspect Age,Victim Opt Out\nA,15,N\n";
    let (_d, path) = export("bare.csv", csv);
    let err = match try_run(
        &profile("bromley-yot-victims"),
        &[path],
        Decisions::default(),
        &[],
    ) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("no age at the offence"),
    };
    assert!(
        err.contains("or else Date of birth of the young offender and Date of the offence"),
        "{err}"
    );
}
