//! The disclosure register: appends chain, and any edit, reorder or deletion is named.

use disclose::keys::RecipientRecord;
use disclose::register::{self, Disclosure, FileRecord};
use std::path::Path;

fn disclosure(n: u64) -> Disclosure {
    Disclosure {
        bundle_id: format!("{n:032x}"),
        created_utc: format!("2025-01-0{n}T10:00:00Z"),
        profile_id: "bromley-yot-victims".into(),
        agreement_title: "Bromley YOT victim contact".into(),
        period: "2025-01".into(),
        analyst: "A. Analyst".into(),
        authorised_by: "DS Example".into(),
        recipients: vec![RecipientRecord {
            label: "Bromley YOT".into(),
            fingerprint: "0123456789abcdef".into(),
            role: "partner".into(),
        }],
        rows_shared: 10 * n,
        rows_excluded: n,
        shared_fields: vec!["URN".into(), "Offence".into()],
        withheld_count: 3,
        inputs: vec![FileRecord {
            name: "cris.csv".into(),
            sha256: "ab".repeat(32),
        }],
        bundle: FileRecord {
            name: format!("bromley_2025-01_{n:08x}.zip.age"),
            sha256: "cd".repeat(32),
        },
        signing_key: None,
        grounds: Default::default(),
    }
}

fn three(path: &Path) -> Vec<String> {
    for n in 1..=3 {
        let e = register::append(path, &disclosure(n)).unwrap();
        assert_eq!(e.seq, n);
    }
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

#[test]
fn three_appends_chain_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/register.jsonl");
    let lines = three(&path);
    assert_eq!(lines.len(), 3);
    let check = register::verify(&path).unwrap();
    assert!(check.ok(), "{:?}", check.problems);
    assert_eq!(check.entries, 3);
    let entries = register::list(&path).unwrap();
    assert_eq!(entries[0].prev, register::GENESIS);
    assert_eq!(entries[1].prev, entries[0].hash);
    assert_eq!(entries[2].prev, entries[1].hash);
    assert_eq!(check.head.as_deref(), Some(entries[2].hash.as_str()));
    assert_eq!(entries[1].disclosure, disclosure(2));
    // Metadata only, one object per line.
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(v.is_object());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn edited_field_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.jsonl");
    let mut lines = three(&path);
    assert!(lines[1].contains("\"rows_shared\":20"));
    lines[1] = lines[1].replace("\"rows_shared\":20", "\"rows_shared\":2");
    write_lines(&path, &lines);
    let check = register::verify(&path).unwrap();
    assert_eq!(check.problems.len(), 1, "{:?}", check.problems);
    assert!(
        check.problems[0].starts_with("Line 2 (entry 2"),
        "{:?}",
        check.problems
    );
    assert!(check.problems[0].contains("changed"));
}

#[test]
fn reformatting_without_changing_content_is_not_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.jsonl");
    let mut lines = three(&path);
    let v: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    lines[0] = serde_json::to_string(&v).unwrap().replace(",\"", ", \"");
    write_lines(&path, &lines);
    assert!(register::verify(&path).unwrap().ok());
}

#[test]
fn reordered_entries_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.jsonl");
    let mut lines = three(&path);
    lines.swap(1, 2);
    write_lines(&path, &lines);
    let check = register::verify(&path).unwrap();
    assert!(!check.ok());
    assert!(
        check
            .problems
            .iter()
            .any(|p| p.starts_with("Line 2 (entry 3")),
        "{:?}",
        check.problems
    );
    assert!(
        check
            .problems
            .iter()
            .any(|p| p.starts_with("Line 3 (entry 2")),
        "{:?}",
        check.problems
    );
    assert!(!check.problems.iter().any(|p| p.starts_with("Line 1")));
}

#[test]
fn deleted_middle_entry_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.jsonl");
    let mut lines = three(&path);
    lines.remove(1);
    write_lines(&path, &lines);
    let check = register::verify(&path).unwrap();
    assert!(!check.ok());
    assert!(
        check
            .problems
            .iter()
            .all(|p| p.starts_with("Line 2 (entry 3")),
        "{:?}",
        check.problems
    );
    assert!(
        check
            .problems
            .iter()
            .any(|p| p.contains("should be entry 2"))
    );
}

#[test]
fn inserted_entry_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.jsonl");
    let mut lines = three(&path);
    let forged = lines[0].replace(&format!("{:032x}", 1), &format!("{:032x}", 9));
    lines.insert(1, forged);
    write_lines(&path, &lines);
    let check = register::verify(&path).unwrap();
    assert!(
        check
            .problems
            .iter()
            .any(|p| p.starts_with("Line 2 (entry 1, bundle 00000000000000000000000000000009)")),
        "{:?}",
        check.problems
    );
}

#[test]
fn deleting_the_last_entry_is_caught_by_the_head_file_and_not_by_the_chain_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.jsonl");
    let mut lines = three(&path);
    let head = register::head(&path).unwrap();
    lines.pop();
    write_lines(&path, &lines);
    let check = register::verify(&path).unwrap();
    assert_eq!(
        check.problems,
        [format!(
            "The register ends at entry 2, but its head file register.jsonl.head says entry 3 \
             (hash {}…) was written to it: the entries after 2 were removed, or the register \
             was deleted and a new chain begun.",
            &head.as_ref().unwrap()[..12]
        )]
    );
    assert!(register::append(&path, &disclosure(4)).is_err());
    // Documented limitation: with the head file deleted too, the file alone cannot show it;
    // compare the head with the one in the last bundle's record.
    std::fs::remove_file(register::head_path(&path)).unwrap();
    let check = register::verify(&path).unwrap();
    assert!(check.ok());
    assert_ne!(check.head, head);
}

#[test]
fn damaged_last_line_stops_append() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.jsonl");
    let lines = three(&path);
    std::fs::write(
        &path,
        format!("{}\n{}\n{}", lines[0], lines[1], &lines[2][..40]),
    )
    .unwrap();
    let e = register::append(&path, &disclosure(4)).unwrap_err();
    assert!(e.to_string().contains("Line 3"), "{e}");
    assert!(!register::verify(&path).unwrap().ok());
}

#[test]
fn csv_export_has_one_row_per_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.jsonl");
    three(&path);
    let mut d = disclosure(4);
    d.analyst = "=cmd|' /C calc'!A0".into();
    register::append(&path, &d).unwrap();
    let mut out = Vec::new();
    register::to_csv(&path, &mut out).unwrap();
    let mut r = csv::Reader::from_reader(out.as_slice());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        register::CSV_COLUMNS
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(&rows[1][0], "2");
    assert_eq!(&rows[1][8], "Bromley YOT [0123456789abcdef]");
    assert_eq!(&rows[1][11], "URN; Offence");
    assert_eq!(&rows[3][6], "'=cmd|' /C calc'!A0");
}

#[test]
fn default_location_honours_disclose_register() {
    // Through the binary, each run with its own environment: the tests share one process, so
    // none may change its environment.
    let dir = tempfile::tempdir().unwrap();
    let said = |cmd: &mut std::process::Command| {
        let out = cmd.arg("register").output().unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let named = dir.path().join("x").join("register.jsonl");
    let err = said(crate::common::bin().env("DISCLOSE_REGISTER", &named));
    assert!(
        err.contains(&format!("no register at {}", named.display())),
        "{err}"
    );
    let home = dir.path().join("home");
    let err = said(
        crate::common::bin()
            .env_remove("DISCLOSE_REGISTER")
            .env_remove("XDG_DATA_HOME")
            .env("HOME", &home),
    );
    let default = home.join(".local/share/disclose/register.jsonl");
    assert!(
        err.contains(&format!("no register at {}", default.display())),
        "{err}"
    );
    assert_eq!(
        register::resolve(Some(Path::new("r.jsonl"))).unwrap(),
        Path::new("r.jsonl")
    );
}
