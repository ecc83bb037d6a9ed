//! The headless CLI contract: flags, the --json shape, exit codes, and error sentences.

use crate::common;

use common::fixture;
use serde_json::Value;
use std::process::Output;

fn disclose(args: &[&str]) -> Output {
    common::bin()
        .args(["--today", "2026-11-22"])
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn bromley_dry_run(extra: &[&str]) -> Output {
    let input = fixture("cris-victims.csv");
    let mut args = vec![
        "pack",
        "--profile",
        "bromley-yot-victims",
        "--input",
        input.to_str().unwrap(),
    ];
    args.extend(["--period", "2026-10", "--dry-run"]);
    args.extend(extra);
    disclose(&args)
}

#[test]
fn dry_run_json_has_the_contracted_shape_and_no_cell_values() {
    let mut extra = vec!["--json"];
    extra.extend(crate::common::BROMLEY_READY);
    let out = bromley_dry_run(&extra);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON object");
    assert_eq!(v["profile"], "bromley-yot-victims");
    let input = &v["inputs"][0];
    for key in ["path", "sha256", "encoding", "sheet", "rows_read"] {
        assert!(input.get(key).is_some(), "inputs[0].{key} missing");
    }
    assert_eq!(input["encoding"], "UTF-8");
    assert_eq!(input["rows_read"], 15);
    assert_eq!(input["sha256"].as_str().unwrap().len(), 64);
    let shared = v["columns"]["shared"].as_array().unwrap();
    assert_eq!(shared.len(), 8);
    for key in ["source", "field", "input"] {
        assert!(
            shared[0].get(key).is_some(),
            "columns.shared[0].{key} missing"
        );
    }
    assert!(
        v["columns"]["withheld"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["source"] == "Notes")
    );
    assert_eq!(v["columns"]["rule_only"].as_array().unwrap().len(), 3);
    assert_eq!(v["columns"]["suggested"].as_array().unwrap().len(), 0);
    assert_eq!(v["rows"]["read"], 15);
    assert_eq!(v["rows"]["shared"], 7);
    assert_eq!(v["rows"]["shared_as_agreed"][0]["rule"], "victim-opt-out");
    assert_eq!(v["rows"]["shared_as_agreed"][0]["count"], 1);
    assert_eq!(v["marking"]["ceiling"], "RESTRICTED");
    assert_eq!(v["marking"]["inputs_unmarked"], 1);
    assert!(v["marking"]["highest_shared"].is_null());
    let excluded: u64 = v["rows"]["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["count"].as_u64().unwrap())
        .sum();
    assert_eq!(excluded, 8);
    assert!(v["rows"]["excluded"][0].get("reason").is_some());
    assert!(
        v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "no-electronic-transfer" && w.get("message").is_some())
    );

    let stdout = text(&out.stdout);
    for value in [
        "Amira",
        "Okafor",
        "Elm Close",
        "07700",
        "Kyle",
        "WITHHELD-CANARY",
    ] {
        assert!(!stdout.contains(value), "{value} leaked into the JSON");
    }
}

#[test]
fn dry_run_with_an_unacknowledged_warning_is_refused_with_exit_1_and_says_which_codes() {
    let out = bromley_dry_run(&[]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("--acknowledge no-electronic-transfer"),
        "{stdout}"
    );
    assert!(stdout.contains("Dry run: nothing was written."));
    assert!(stdout.contains("✗ Notes"));
}

#[test]
fn human_summary_lists_shared_withheld_and_excluded() {
    let out = bromley_dry_run(crate::common::BROMLEY_READY);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("Shared columns (8)"));
    assert!(s.contains("Withheld columns (5)"));
    assert!(s.contains("15 read, 7 shared, 8 excluded"));
    assert!(s.contains("1  shared, no opt-out recorded"), "{s}");
    assert!(s.contains("Marking   NOT MARKED in the export"), "{s}");
    assert!(s.contains("CSV, UTF-8, comma-separated"));
    assert!(s.contains("Ready: a bundle can be written."));
}

#[test]
fn usage_errors_exit_2_with_a_sentence_and_a_hint() {
    let input = fixture("cris-victims.csv");
    let input = input.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["pack", "--profile", "nope", "--input", input, "--dry-run"],
            "there is no profile \"nope\"",
        ),
        (
            &[
                "pack",
                "--profile",
                "bromley-yot-victims",
                "--input",
                "/no/such/file.csv",
                "--dry-run",
            ],
            "cannot read /no/such/file.csv",
        ),
        (
            &[
                "pack",
                "--profile",
                "bromley-yot-victims",
                "--input",
                input,
                "--period",
                "2026-13",
                "--dry-run",
            ],
            "--period \"2026-13\" is not a month",
        ),
        (
            &[
                "pack",
                "--profile",
                "bromley-yot-victims",
                "--input",
                input,
                "--map",
                "Nope=victim_name",
                "--dry-run",
            ],
            "no input has a column headed \"Nope\"",
        ),
        (
            &[
                "pack",
                "--profile",
                "bromley-yot-victims",
                "--input",
                input,
                "--map",
                "Suspect Age at Offence=-",
                "--dry-run",
            ],
            "needs the field \"offender_age_at_offence\"",
        ),
        (
            &[
                "pack",
                "--profile",
                "bromley-yot-victims",
                "--input",
                input,
                "--acknowledge",
                "nope",
                "--dry-run",
            ],
            "has no warning with that code",
        ),
        (
            &["pack", "--profile", "bromley-yot-victims", "--dry-run"],
            "--input",
        ),
    ];
    for (args, expected) in cases {
        let out = disclose(args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(expected),
            "{args:?}: expected {expected:?} in {err}"
        );
    }
}

#[test]
fn profiles_lists_all_five_and_show_prints_one() {
    let out = disclose(&["profiles"]);
    assert_eq!(out.status.code(), Some(0));
    let s = text(&out.stdout);
    for id in [
        "orochi-rescue-response",
        "london-iom",
        "bexley-iom",
        "bromley-yot-victims",
        "merton-asb-panel",
    ] {
        assert!(s.contains(id), "{id} missing from: {s}");
    }
    let out = disclose(&["profiles", "show", "bromley-yot-victims"]);
    assert_eq!(out.status.code(), Some(0));
    let s = text(&out.stdout);
    assert!(s.contains("Victim Personal Statement"));
    assert!(s.contains("offender-aged-10-to-17"));
    assert!(s.contains("no-electronic-transfer"));

    let out = disclose(&["profiles", "show", "bromley-yot-victims", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Eight items; "Vulnerability Marker with relevant details" is two columns.
    assert_eq!(v["fields"].as_array().unwrap().len(), 9);
    assert!(s.contains("one column of the item"));
    assert!(s.contains("shared, no opt-out recorded"));
}

#[test]
fn a_broken_profile_file_is_named_with_its_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "id = \"bad\"\n[agreement]\ntitle = \"t\"\nsource = \"s\"\nparties = []\npurpose = \"p\"\nlegal_basis = []\nmax_marking = \"OFFICIAL\"\nmax_marking_section = \"1\"\nreview_due = \"2030-01-01\"\nretention = \"r\"\ntransfer = \"t\"\ntransfer_advice = \"a\"\nonward_sharing = \"o\"\nprescriptive = true\n\n[[fields]]\nid = \"x\"\nlabel = \"X\"\ncategory = \"personel\"\nsection = \"1\"\n",
    )
    .unwrap();
    let out = disclose(&["--profiles", dir.path().to_str().unwrap(), "profiles"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("bad.toml, line 20"), "{err}");
    assert!(err.contains("fields.category"), "{err}");

    std::fs::write(dir.path().join("bad.toml"), "id = \"bad\"\nagreement = 3\n").unwrap();
    let out = disclose(&["--profiles", dir.path().to_str().unwrap(), "profiles"]);
    let err = text(&out.stderr);
    assert!(err.contains("bad.toml, line 2"), "{err}");
}

#[test]
fn a_profiles_folder_overrides_a_built_in_profile_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let builtin = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/bexley-iom.toml"),
    )
    .unwrap();
    let changed = builtin.replacen(
        "review_due = \"2012-12-01\"",
        "review_due = \"2099-12-01\"",
        1,
    );
    assert_ne!(builtin, changed, "the fixture edit must apply");
    std::fs::write(dir.path().join("bexley.toml"), changed).unwrap();
    let out = disclose(&[
        "--profiles",
        dir.path().to_str().unwrap(),
        "profiles",
        "--json",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let bexley = v
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "bexley-iom")
        .unwrap();
    assert_eq!(bexley["review_due"], "2099-12-01");
    assert_eq!(bexley["review_overdue"], false);
}

#[test]
fn today_is_for_dry_runs_only_so_a_bundle_cannot_dodge_review_overdue() {
    let input = fixture("cris-victims.csv");
    let dir = tempfile::tempdir().unwrap();
    let out = disclose(&[
        "pack",
        "--profile",
        "bromley-yot-victims",
        "--input",
        input.to_str().unwrap(),
        "--recipient",
        "Bromley YOT, victim contact=age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
        "--out",
        dir.path().to_str().unwrap(),
        "--reason",
        "monthly panel, test bundle",
        "--analyst",
        "A",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--today applies to dry runs only"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_dry_run_is_ready_only_when_the_real_pack_would_be() {
    // Orochi requires an authorising officer (section 3.1) and every pack needs an analyst.
    let input = fixture("merlin-orochi.csv");
    let mut args = vec![
        "pack",
        "--profile",
        "orochi-rescue-response",
        "--input",
        input.to_str().unwrap(),
    ];
    args.extend(["--period", "2026-10", "--dry-run", "--json"]);
    for code in [
        "review-overdue",
        "box-transfer-only",
        "record-on-crimint",
        "subjects-at-risk-of-exploitation",
        "consent-refused",
        "no-transfer-outside-eea",
        "no-third-party-without-permission",
    ] {
        args.extend(["--acknowledge", code]);
    }
    let out = disclose(&args);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = v["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "analyst-missing",
            "reason-missing",
            "basis-missing",
            "authority-missing",
            "authorisation-time-missing"
        ]
    );

    args.extend([
        "--analyst",
        "A. Analyst",
        "--authorised-by",
        "DI Spoc",
        "--authorised-at",
        "2026-11-02 09:30",
        "--basis",
        "children-act-2004",
        "--reason",
        "monthly panel, test bundle",
    ]);
    let out = disclose(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn a_map_source_fitting_two_headers_loosely_is_refused_and_an_exact_one_wins() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("dup.csv");
    std::fs::write(
        &csv,
        "Victim_Name,Victim Name,Suspect Age at Offence,Victim Opt Out\nDECOY,REAL,15,N\n",
    )
    .unwrap();
    let base = [
        "pack",
        "--profile",
        "bromley-yot-victims",
        "--input",
        csv.to_str().unwrap(),
        "--dry-run",
        "--json",
    ];

    let mut exact = base.to_vec();
    exact.extend(["--map", "Victim Name=-"]);
    let v: Value = serde_json::from_slice(&disclose(&exact).stdout).unwrap();
    let withheld: Vec<&str> = v["columns"]["withheld"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        withheld,
        ["Victim Name"],
        "the column named exactly is the one withheld"
    );

    let mut loose = base.to_vec();
    loose.extend(["--map", "victim name=-"]);
    let out = disclose(&loose);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("fits more than one column"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_same_input_twice_is_refused() {
    let input = fixture("cris-victims.csv");
    let i = input.to_str().unwrap();
    let out = disclose(&[
        "pack",
        "--profile",
        "bromley-yot-victims",
        "--input",
        i,
        "--input",
        i,
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("is given twice"));
}

#[test]
fn a_crafted_workbook_that_trips_the_xlsx_library_prints_no_panic() {
    // A cell reference with twenty column letters overflows calamine's arithmetic.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crafted.xlsx");
    let sheet = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1" t="inlineStr"><is><t>Ref</t></is></c></row><row r="2"><c r="AAAAAAAAAAAAAAAAAAAA2" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#;
    let parts: [(&str, &str); 4] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        for (name, body) in parts
            .iter()
            .chain([("xl/worksheets/sheet1.xml", sheet)].iter())
        {
            zip.start_file(*name, opts).unwrap();
            std::io::Write::write_all(&mut zip, body.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    let out = disclose(&[
        "pack",
        "--profile",
        "bromley-yot-victims",
        "--input",
        path.to_str().unwrap(),
        "--dry-run",
    ]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("overflow"),
        "{err}"
    );
    assert!(err.starts_with("error: "), "{err}");
}
