//! Reading a CSV file from the middle (`Rows::resume_point`, `Table::rows_from`), which lets
//! the screens show any row of a huge export without holding its rows in memory. From every
//! row's resume point, the rows read must be exactly the rows a full read gives from there on,
//! whatever the file's quoting, line breaks, blank lines and byte-order marks. Every value is
//! synthetic.

use disclose::load::{Encoding, Format, LoadError, LoadOptions, Resume, Row, Table};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every row of a full read, with where each starts.
fn read_all(table: &Table) -> Vec<(Row, Option<Resume>)> {
    let mut rows = table.rows().expect("rows");
    let mut out = Vec::new();
    while let Some(row) = rows.next() {
        let row = row.unwrap_or_else(|e| panic!("{}: {e}", table.path.display()));
        out.push((row, rows.resume_point()));
    }
    assert!(rows.digest().is_some(), "a full read ends with a digest");
    out
}

/// The rows from `at` to the end, and the stream's digest (which must be `None`).
fn read_from(table: &Table, at: Resume) -> Vec<Row> {
    let mut rows = table.rows_from(at, None).expect("rows_from");
    let out: Vec<Row> = rows
        .by_ref()
        .map(|r| r.unwrap_or_else(|e| panic!("{}: {e}", table.path.display())))
        .collect();
    assert!(
        rows.digest().is_none(),
        "a read from the middle is not hashed, so it has no digest"
    );
    out
}

/// From every row (or `every`-th row of a long file), the rest of the file reads the same.
fn check_every_resume(path: &Path, every: usize) {
    let table = Table::open(path, &LoadOptions::default())
        .unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let all = read_all(&table);
    assert!(!all.is_empty());
    for (k, (row, at)) in all.iter().enumerate().step_by(every) {
        let at = at.unwrap_or_else(|| panic!("{}: no resume point", path.display()));
        assert_eq!(at.number(), row.number, "{}: row {k}", path.display());
        let expected: Vec<Row> = all[k..].iter().map(|(r, _)| r.clone()).collect();
        assert_eq!(
            read_from(&table, at),
            expected,
            "{}: reading from row {k}",
            path.display()
        );
    }
}

#[test]
fn every_utf8_file_of_the_suites_reads_the_same_from_any_row() {
    let mut checked = 0;
    let dirs = [
        root().join("tests/suites/csv-spectrum/csvs"),
        root().join("tests/data/csv"),
        root().join("fixtures"),
    ];
    for dir in dirs {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("entry").path())
            .collect();
        paths.sort();
        for path in paths {
            let Ok(table) = Table::open(&path, &LoadOptions::default()) else {
                continue; // a file the loader refuses (tested elsewhere)
            };
            let utf8 = matches!(
                table.format,
                Format::Csv {
                    encoding: Encoding::Utf8 | Encoding::Utf8Bom,
                    ..
                }
            );
            if !utf8 || table.rows().expect("rows").any(|r| r.is_err()) {
                continue;
            }
            check_every_resume(&path, 1);
            checked += 1;
        }
    }
    // csv-spectrum's 10 loadable files, our UTF-8 fixtures and the two bundled exports.
    assert!(checked >= 20, "only {checked} files were checked");
}

#[test]
fn files_in_other_encodings_give_no_resume_point() {
    for name in ["windows1252.csv", "utf16be_bom.csv", "utf16le_bom.txt"] {
        let path = root().join("tests/data/csv").join(name);
        let table = Table::open(&path, &LoadOptions::default()).expect("open");
        let mut rows = table.rows().expect("rows");
        assert!(rows.next().expect("a row").is_ok());
        assert_eq!(rows.resume_point(), None, "{name}");
    }
}

#[test]
fn an_xlsx_sheet_gives_no_resume_point() {
    let path = root().join("fixtures/police-exports.xlsx");
    let table = Table::open(&path, &LoadOptions::default()).expect("open");
    let mut rows = table.rows().expect("rows");
    assert!(rows.next().expect("a row").is_ok());
    assert_eq!(rows.resume_point(), None);
}

#[test]
fn a_file_changed_since_it_was_opened_is_not_read_from_the_middle() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("export.csv");
    std::fs::write(&path, "id,name\n1,Ann\n2,Bob\n3,Cat\n").expect("write");
    let table = Table::open(&path, &LoadOptions::default()).expect("open");
    let all = read_all(&table);
    let at = all[1].1.expect("a resume point");
    assert_eq!(read_from(&table, at).len(), 2);

    // Same size, other content, a later modification time: what the offsets point at may
    // no longer be a row.
    std::fs::write(&path, "id,name\n1,Ann\n2,Bo\n33,Ca\n").expect("rewrite");
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(later))
        .expect("set mtime");
    match table.rows_from(at, None) {
        Err(LoadError::Changed { .. }) => {}
        Err(e) => panic!("expected Changed, got {e}"),
        Ok(_) => panic!("a changed file was read from the middle"),
    }

    // A different size is caught even where the system keeps no modification time.
    std::fs::write(&path, "id,name\n1,Ann\n").expect("shrink");
    assert!(matches!(
        table.rows_from(at, None),
        Err(LoadError::Changed { .. })
    ));
}

#[test]
fn a_read_from_the_middle_still_checks_the_rows_it_reads() {
    // Row 4 is ragged. A full read stops there; so does a read from row 3, with the same
    // row number in its error.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("export.csv");
    std::fs::write(&path, "id,name\n1,Ann\n2,Bob\n3,Cat,extra\n").expect("write");
    let table = Table::open(&path, &LoadOptions::default()).expect("open");
    let mut rows = table.rows().expect("rows");
    rows.next().expect("row 2").expect("ok");
    let second = rows.next().expect("row 3").expect("ok");
    assert_eq!(second.number, 3);
    let at = rows.resume_point().expect("resume point");
    let mut from = table.rows_from(at, None).expect("rows_from");
    assert_eq!(from.next().expect("row 3").expect("ok"), second);
    match from.next() {
        Some(Err(LoadError::Ragged { row: 4, .. })) => {}
        other => panic!("expected a ragged row 4, got {other:?}"),
    }
}

#[test]
fn wanted_columns_are_honoured_from_the_middle() {
    let path = root().join("fixtures/cris-victims.csv");
    let table = Table::open(&path, &LoadOptions::default()).expect("open");
    let all = read_all(&table);
    let at = all[2].1.expect("resume point");
    let wanted: Vec<bool> = (0..table.headers.len()).map(|c| c == 1).collect();
    let mut rows = table.rows_from(at, Some(&wanted)).expect("rows_from");
    let row = rows.next().expect("a row").expect("ok");
    assert_eq!(row.cells[1], all[2].0.cells[1]);
    assert!(!all[2].0.cells[0].is_empty());
    assert!(row.cells[0].is_empty(), "an unwanted cell comes back empty");
}

// ---------------------------------------------------------------------------------------------
// Any file: records of quoted and plain fields holding delimiters, quotes, line breaks of every
// kind and U+FEFF, separated by any line break, with blank lines between and an optional
// byte-order mark.

fn field() -> impl Strategy<Value = String> + Clone {
    proptest::collection::vec(
        prop_oneof![
            Just("a"),
            Just("Zo\u{eb}"),
            Just(","),
            Just("\""),
            Just("\r"),
            Just("\n"),
            Just("\r\n"),
            Just(" "),
            Just("\u{feff}"),
        ],
        0..5,
    )
    .prop_map(|parts| parts.concat())
}

fn quote(f: &str) -> String {
    let plain = !f.contains([',', '"', '\r', '\n']);
    if plain && !f.is_empty() {
        f.to_string()
    } else {
        format!("\"{}\"", f.replace('"', "\"\""))
    }
}

fn file_text() -> impl Strategy<Value = (Vec<Vec<String>>, Vec<String>, bool)> {
    let record = proptest::collection::vec(field(), 3);
    let gap = prop_oneof![
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just("\n\n".to_string()),
        Just("\r\n\r\n\n".to_string()),
    ];
    (1usize..12).prop_flat_map(move |n| {
        (
            proptest::collection::vec(record.clone(), n),
            proptest::collection::vec(gap.clone(), n + 1),
            any::<bool>(),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn any_utf8_file_reads_the_same_from_every_row((records, gaps, bom) in file_text()) {
        let mut text = String::new();
        if bom {
            text.push('\u{feff}');
        }
        text.push_str("one,two,three");
        for (record, gap) in records.iter().zip(&gaps) {
            text.push_str(gap);
            let cells: Vec<String> = record.iter().map(|f| quote(f)).collect();
            text.push_str(&cells.join(","));
        }
        text.push_str(&gaps[records.len()]);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("any.csv");
        std::fs::write(&path, &text).expect("write");
        let table = Table::open(&path, &LoadOptions::default()).expect("open");
        let all = read_all(&table);
        let cells: Vec<Vec<String>> = all.iter().map(|(r, _)| r.cells.clone()).collect();
        prop_assert_eq!(&cells, &records);
        for (k, (_, at)) in all.iter().enumerate() {
            let expected: Vec<Row> = all[k..].iter().map(|(r, _)| r.clone()).collect();
            prop_assert_eq!(read_from(&table, at.expect("resume point")), expected);
        }
    }
}
