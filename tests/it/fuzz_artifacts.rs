//! Every crash and out-of-memory input the fuzz campaign recorded (fuzz/artifacts/, git-ignored)
//! replayed through the public API, each pinned to its documented result. The inputs are copied
//! byte for byte into tests/data/fuzz/, named `TARGET-KIND-HASH` after the artifact; fuzz/README.md
//! tells what each one was and how it was resolved.

use disclose::load::{Encoding, Format, LoadError, LoadOptions, Row, Table};
use std::path::{Path, PathBuf};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz")
        .join(name)
}

/// Open with the default options (the fuzz targets' default too: no options byte).
fn open(path: &Path) -> Result<Table, LoadError> {
    Table::open(path, &LoadOptions::default())
}

/// Every row, and the rows read by the completed pass.
fn all_rows(table: &Table) -> (Vec<Row>, u64) {
    let mut rows = table.rows().expect("rows");
    let read: Vec<Row> = rows.by_ref().map(|r| r.expect("a row")).collect();
    let digest = rows.digest().expect("a digest after a clean pass");
    (read, digest.rows_read)
}

fn row(number: u64, cells: &[&str]) -> Row {
    Row {
        number,
        cells: cells.iter().map(|c| c.to_string()).collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// load_csv: both were the differential oracle disagreeing with the csv crate about a U+FEFF
// after a blank line (fixed in the target, e67cccc); disclose never panicked on them.

/// crash-7ebc7db7: `CR, U+FEFF "(", CR, "(", LF, CR`. A blank line, then a header whose U+FEFF
/// the parser drops as a byte-order mark (as the csv crate does), then one row.
#[test]
fn load_csv_crash_7ebc7db7_bom_after_a_blank_line_loads() {
    let table = open(&data("load_csv-crash-7ebc7db7.csv")).unwrap();
    assert_eq!(
        table.format,
        Format::Csv {
            encoding: Encoding::Utf8,
            delimiter: b','
        }
    );
    assert_eq!(table.headers, ["("]);
    assert_eq!(table.header_row, 2);
    let (rows, read) = all_rows(&table);
    assert_eq!(rows, [row(3, &["("])]);
    assert_eq!(read, 1);
}

/// crash-5f65665a: a blank line, a line holding only U+FEFF, then a header `\x05` on line 3,
/// blank lines and three data rows (lines 6, 9 and 10, lone CR, CR LF and LF all counted).
#[test]
fn load_csv_crash_5f65665a_bom_only_line_before_the_header_loads() {
    let table = open(&data("load_csv-crash-5f65665a.csv")).unwrap();
    assert!(matches!(
        table.format,
        Format::Csv {
            encoding: Encoding::Utf8,
            delimiter: b','
        }
    ));
    assert_eq!(table.headers, ["\u{5}"]);
    let (rows, read) = all_rows(&table);
    assert_eq!(rows, [row(6, &["\u{5}"]), row(9, &["r"]), row(10, &["r"])]);
    assert_eq!(read, 3);
}

/// Found while pinning crash-5f65665a: the header `\x05` starts on line 3, and was reported on
/// line 2 (csv_core took off the stray byte-order mark and the break after it, uncounted).
#[test]
fn load_csv_crash_5f65665a_header_row_is_the_line_it_starts_on() {
    let table = open(&data("load_csv-crash-5f65665a.csv")).unwrap();
    assert_eq!(table.header_row, 3);
    let again = Table::open(
        &data("load_csv-crash-5f65665a.csv"),
        &LoadOptions {
            header_row: Some(3),
            ..LoadOptions::default()
        },
    )
    .unwrap();
    assert_eq!(again.headers, ["\u{5}"]);
}

// ---------------------------------------------------------------------------------------------
// load_xlsx: OLE compound files (password-protected workbooks and .xls files start this way).

/// crash-9e5dd7ad: a mutated pass_protected.xlsx whose directory no longer names an
/// `EncryptedPackage` stream. calamine's compound-file reader panicked on it (a slice index
/// out of order in cfb.rs), which the loader's guard caught but libFuzzer counted as a crash.
/// The loader no longer hands OLE files to calamine at all (69b685b): it is refused as an
/// older Office file.
#[test]
fn load_xlsx_crash_9e5dd7ad_damaged_ole_file_is_refused_as_an_older_office_file() {
    let path = data("load_xlsx-crash-9e5dd7ad.xlsx");
    let e = open(&path).unwrap_err();
    let LoadError::Unsupported { what, .. } = &e else {
        panic!("expected Unsupported, got {e:?}");
    };
    assert_eq!(
        what,
        "it is an Excel 97-2003 workbook (.xls) or another older Office file, not an .xlsx workbook"
    );
    let advice = e.advice().say(|_| String::new());
    assert!(advice.contains("Save the export as CSV"), "{advice}");
}

/// oom-66a4c3d0: a mutated pass_protected.xlsx that made calamine's compound-file reader
/// allocate until the process was killed (24 GB in 80 s). Refused as password-protected by a
/// scan for the `EncryptedPackage` stream name (69b685b). Run through the CLI under a 1 GiB
/// address-space limit, so a regression fails this test instead of exhausting the host.
#[cfg(unix)]
#[test]
fn load_xlsx_oom_66a4c3d0_crafted_ole_file_is_refused_within_a_memory_limit() {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_disclose"))
        .args(["pack", "--profile", "merton-asb-panel", "--input"])
        .arg(data("load_xlsx-oom-66a4c3d0.xlsx"))
        .args(["--period", "2026-10", "--dry-run"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains("the workbook could not be read: it is password-protected (encrypted)"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// load_xlsx_parts: XML parts packed into a sound workbook by the target.

/// crash-67c8543d: a sheet whose `<dimension ref="A1:Cyyy...y3"/>` names a column of 44
/// letters. calamine's cell-reference arithmetic overflowed on it (a panic, which the loader's
/// guard turned into "an internal error"). The loader's own sheet reader counts with checked
/// arithmetic and says what is wrong. It was a crash only because libFuzzer's panic hook
/// aborted on the caught panic; the targets let a panic raised inside a dependency unwind to
/// the guard (`let_guards_catch_dependency_panics`).
#[test]
fn load_xlsx_parts_crash_67c8543d_overflowing_dimension_is_a_workbook_error() {
    let input = std::fs::read(data("load_xlsx_parts-crash-67c8543d.bin")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parts.xlsx");
    std::fs::write(&path, parts_package(&input)).unwrap();
    let e = open(&path).unwrap_err();
    let LoadError::Workbook { what, .. } = &e else {
        panic!("expected Workbook, got {e:?}");
    };
    assert_eq!(
        what,
        "a cell reference in it is malformed (before its first cell)"
    );
    // No cell value in the message (the sheet's first string is "Name").
    assert!(!e.to_string().contains("Name"), "{e}");
}

/// The packaging of fuzz/fuzz_targets/load_xlsx_parts.rs for an input without an options byte:
/// up to four NUL-separated parts (sheet, shared strings, styles, workbook) stored in a zip
/// with every relationship id rId1..rId8 leading to the one sheet. Keep the two in step.
fn parts_package(input: &[u8]) -> Vec<u8> {
    use std::io::Write;
    const RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut pieces = input.splitn(4, |&b| b == 0);
    let mut next = || pieces.next().filter(|p| !p.is_empty()).map(<[u8]>::to_vec);
    let sheet = next().expect("this input has a sheet part");
    let strings = next();
    let styles = next();
    let workbook = next().expect("this input has a workbook part");

    let mut types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for i in 1..=8 {
        rels.push_str(&format!(
            r#"<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>"#
        ));
    }
    if strings.is_some() {
        types.push_str(r#"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#);
        rels.push_str(&format!(
            r#"<Relationship Id="rIdS" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>"#
        ));
    }
    if styles.is_some() {
        types.push_str(r#"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#);
        rels.push_str(&format!(
            r#"<Relationship Id="rIdT" Type="{RELS}/styles" Target="styles.xml"/>"#
        ));
    }
    types.push_str("</Types>");
    rels.push_str("</Relationships>");
    let root_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let mut parts: Vec<(&str, Vec<u8>)> = vec![
        ("[Content_Types].xml", types.into_bytes()),
        ("_rels/.rels", root_rels.into_bytes()),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", rels.into_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if let Some(s) = strings {
        parts.push(("xl/sharedStrings.xml", s));
    }
    if let Some(s) = styles {
        parts.push(("xl/styles.xml", s));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(false);
    for (name, bytes) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(&bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

// ---------------------------------------------------------------------------------------------
// register_verify

/// crash-7c338ed2: a register holding three line breaks. `append` used to write the new entry
/// after them, and `verify` then reported blanked-out lines (8493b59). Now the blank register
/// verifies as empty, and after an append it holds one intact entry on its first line.
#[test]
fn register_verify_crash_7c338ed2_blank_register_takes_an_entry_and_stays_intact() {
    use disclose::keys::RecipientRecord;
    use disclose::register::{self, Disclosure, FileRecord};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.jsonl");
    std::fs::copy(data("register_verify-crash-7c338ed2.jsonl"), &path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"\n\n\n");

    let before = register::verify(&path).unwrap();
    assert!(before.ok(), "{:?}", before.problems);
    assert_eq!((before.entries, before.head.as_deref()), (0, None));
    assert!(register::list(&path).unwrap().is_empty());

    let file = |name: &str| FileRecord {
        name: name.into(),
        sha256: "0".repeat(64),
    };
    let entry = register::append(
        &path,
        &Disclosure {
            bundle_id: "0123456789abcdef0123456789abcdef".into(),
            created_utc: "2026-11-22T10:00:00Z".into(),
            profile_id: "bromley-yot-victims".into(),
            agreement_title: "Agreement".into(),
            period: "2026-10".into(),
            analyst: "A. Analyst".into(),
            authorised_by: String::new(),
            recipients: vec![RecipientRecord {
                label: "YOT".into(),
                fingerprint: "ab".repeat(8),
                role: "partner".into(),
            }],
            rows_shared: 1,
            rows_excluded: 0,
            shared_fields: vec!["victim_name".into()],
            withheld_count: 2,
            inputs: vec![file("in.csv")],
            bundle: file("b.zip.age"),
            signing_key: None,
            grounds: Default::default(),
        },
    )
    .unwrap();
    assert_eq!(entry.seq, 1);
    let after = register::verify(&path).unwrap();
    assert!(after.ok(), "{:?}", after.problems);
    assert_eq!(after.entries, 1);
    assert_eq!(after.head.as_deref(), Some(entry.hash.as_str()));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with('{'), "the blank lines stayed: {text:?}");
}
