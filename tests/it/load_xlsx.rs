//! The XLSX loader, on workbooks generated at test time (see `xlsx_fixtures`) and on calamine's
//! own test files, copied into `tests/suites/calamine-xlsx/`.

use crate::xlsx_fixtures;

use disclose::load::{Digest, Format, Limits, LoadError, LoadOptions, Row, SheetInfo, Table};
use sha2::Digest as _;
use std::path::{Path, PathBuf};
use xlsx_fixtures as fx;

fn opts() -> LoadOptions {
    LoadOptions::default()
}

fn sheet_opts(sheet: &str) -> LoadOptions {
    LoadOptions {
        sheet: Some(sheet.to_string()),
        ..LoadOptions::default()
    }
}

fn header_opts(row: u32) -> LoadOptions {
    LoadOptions {
        header_row: Some(row),
        ..LoadOptions::default()
    }
}

/// Open and read every row; panics on any error.
fn load(path: &Path, options: &LoadOptions) -> (Table, Vec<Row>, Digest) {
    let table = Table::open(path, options).unwrap_or_else(|e| panic!("open: {e}"));
    let mut rows = table.rows().unwrap_or_else(|e| panic!("rows: {e}"));
    let mut out = Vec::new();
    for row in rows.by_ref() {
        out.push(row.unwrap_or_else(|e| panic!("row: {e}")));
    }
    let digest = rows.digest().expect("a digest once the stream has ended");
    (table, out, digest)
}

/// Open, then read rows until the first error, which is returned.
fn first_error(path: &Path, options: &LoadOptions) -> LoadError {
    let table = match Table::open(path, options) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let mut rows = match table.rows() {
        Ok(r) => r,
        Err(e) => return e,
    };
    for row in rows.by_ref() {
        if let Err(e) = row {
            assert!(rows.digest().is_none(), "no digest after an error");
            return e;
        }
    }
    panic!("expected an error from {}", path.display())
}

fn cells(row: &Row) -> Vec<&str> {
    row.cells.iter().map(String::as_str).collect()
}

fn sha256_hex(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suites/calamine-xlsx")
}

fn suite(name: &str) -> PathBuf {
    suite_dir().join(name)
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

// ---------------------------------------------------------------------------------------------
// The CRIS-like workbook

#[test]
fn cris_header_guessed_below_title_rows_and_cells_exact() {
    let dir = tmp();
    let path = fx::cris(dir.path()).unwrap();
    let (table, rows, digest) = load(&path, &opts());

    assert_eq!(table.header_row, 3);
    assert_eq!(
        table.headers,
        [
            "CRIS Number",
            "Reported",
            "Offence",
            "Victim Phone",
            "Postcode",
            "Officer",
            "Closed"
        ]
    );
    assert_eq!(table.format.sheet(), Some("Offences"));
    assert_eq!(table.format.encoding_name(), "XLSX");
    assert_eq!(table.size, std::fs::metadata(&path).unwrap().len());

    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].number, 4);
    assert_eq!(
        cells(&rows[0]),
        [
            "0012345/26",
            "2026-10-01",
            "Theft from person",
            "7700900123",
            "SW1A 1AA",
            "007",
            "FALSE"
        ]
    );
    assert_eq!(rows[1].number, 5);
    assert_eq!(
        cells(&rows[1]),
        [
            "0012346/26",
            "2026-10-02T14:30:00",
            "  Burglary - dwelling\r\nsecond line ",
            "",
            "E1 6AN",
            "1.5",
            "TRUE"
        ]
    );
    // Row 6 is empty: skipped, and the next row keeps its Excel number.
    assert_eq!(rows[2].number, 7);
    assert_eq!(
        cells(&rows[2]),
        ["0012347/26", "", "Theft", "#N/A", "", "", ""]
    );

    assert_eq!(digest.rows_read, 3);
    assert_eq!(digest.sha256, sha256_hex(&path));
}

#[test]
fn cris_sheets_listed_with_visibility() {
    let dir = tmp();
    let path = fx::cris(dir.path()).unwrap();
    let table = Table::open(&path, &opts()).unwrap();
    let Format::Xlsx {
        sheet,
        sheets,
        hidden,
    } = &table.format
    else {
        panic!("not XLSX: {:?}", table.format);
    };
    assert_eq!(sheet, "Offences");
    // Hidden sheets, but no hidden rows or columns in the sheet being read.
    assert!(hidden.is_empty(), "{hidden:?}");
    let expected = [
        ("Lookups", "hidden"),
        ("Offences", "visible"),
        ("Summary", "visible"),
        ("Config", "very hidden"),
    ];
    let expected: Vec<SheetInfo> = expected
        .iter()
        .map(|(name, visibility)| SheetInfo {
            name: name.to_string(),
            visibility,
        })
        .collect();
    assert_eq!(sheets, &expected);
}

#[test]
fn cris_sheet_by_name_exact_then_ignoring_case() {
    let dir = tmp();
    let path = fx::cris(dir.path()).unwrap();

    let (table, rows, digest) = load(&path, &sheet_opts("Summary"));
    assert_eq!(table.format.sheet(), Some("Summary"));
    assert_eq!(table.header_row, 1);
    assert_eq!(table.headers, ["Offence", "Count"]);
    let got: Vec<(u64, Vec<&str>)> = rows.iter().map(|r| (r.number, cells(r))).collect();
    assert_eq!(
        got,
        [
            (2, vec!["Theft from person", "1"]),
            (3, vec!["Burglary - dwelling", "2"])
        ]
    );
    assert_eq!(digest.rows_read, 2);

    let table = Table::open(&path, &sheet_opts("sUMMARY")).unwrap();
    assert_eq!(table.format.sheet(), Some("Summary"));
}

#[test]
fn cris_hidden_sheets_can_be_chosen_by_name() {
    let dir = tmp();
    let path = fx::cris(dir.path()).unwrap();
    let (table, rows, _) = load(&path, &sheet_opts("Lookups"));
    assert_eq!(table.format.sheet(), Some("Lookups"));
    assert_eq!(table.headers, ["Code", "Meaning"]);
    assert_eq!(cells(&rows[0]), ["TH", "Theft"]);

    let (table, rows, _) = load(&path, &sheet_opts("config"));
    assert_eq!(table.format.sheet(), Some("Config"));
    assert_eq!(cells(&rows[0]), ["version", "3"]);
}

#[test]
fn cris_missing_sheet_lists_the_sheets() {
    let dir = tmp();
    let path = fx::cris(dir.path()).unwrap();
    match Table::open(&path, &sheet_opts("Offenses")) {
        Err(LoadError::NoSuchSheet {
            sheet, available, ..
        }) => {
            assert_eq!(sheet, "Offenses");
            assert_eq!(
                available,
                r#""Lookups" (hidden), "Offences", "Summary", "Config" (very hidden)"#
            );
        }
        other => panic!("expected NoSuchSheet, got {other:?}"),
    }
}

#[test]
fn cris_header_row_given() {
    let dir = tmp();
    let path = fx::cris(dir.path()).unwrap();
    let (table, rows, _) = load(&path, &header_opts(3));
    assert_eq!(table.header_row, 3);
    assert_eq!(rows.len(), 3);

    // The title row as header: one name, and the rows below hold values to its right.
    let err = first_error(&path, &header_opts(1));
    match err {
        LoadError::OutsideHeader {
            row, column, width, ..
        } => {
            assert_eq!((row, column.as_str(), width), (3, "B", 1));
        }
        other => panic!("expected OutsideHeader, got {other:?}"),
    }
    // An empty row as header.
    let err = first_error(&path, &header_opts(6));
    assert!(
        matches!(err, LoadError::BadHeader { row: 6, ref problem, .. } if problem.contains("empty")),
        "{err:?}"
    );
    // A row past the end.
    let err = first_error(&path, &header_opts(500));
    assert!(
        matches!(err, LoadError::BadHeader { row: 500, ref problem, .. } if problem.contains("ends before")),
        "{err:?}"
    );
    let err = first_error(&path, &header_opts(0));
    assert!(
        matches!(err, LoadError::BadHeader { row: 0, .. }),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Values

fn value_map(path: &Path) -> Vec<(String, String)> {
    let (table, rows, digest) = load(path, &opts());
    assert_eq!(table.headers, ["Case", "Value"]);
    assert_eq!(digest.rows_read as usize, rows.len());
    rows.into_iter()
        .map(|r| (r.cells[0].clone(), r.cells[1].clone()))
        .collect()
}

#[test]
fn values_keep_their_text_form() {
    let dir = tmp();
    let path = fx::values(dir.path()).unwrap();
    let got = value_map(&path);
    let expected = [
        ("phone", "7700900123"),
        ("one and a half", "1.5"),
        ("negative", "-42"),
        ("float artifact", "0.30000000000000004"),
        ("tiny", "0.0000001"),
        ("big integer", "123456789012345"),
        ("two decimals format", "2.5"),
        ("percent format", "0.25"),
        ("leading zeros text", "007"),
        ("spaces kept", "  padded  "),
        ("crlf kept", "line 1\r\nline 2"),
        ("date", "2026-10-01"),
        ("uk date", "2026-02-28"),
        ("datetime", "2026-10-01T14:30:05"),
        ("datetime at midnight", "2026-10-01T00:00:00"),
        ("date with hidden time", "2026-10-01T06:00:00"),
        ("time", "09:05:00"),
        ("duration", "36:00:00"),
        ("true", "TRUE"),
        ("false", "FALSE"),
        ("error n/a", "#N/A"),
        ("error div0", "#DIV/0!"),
        ("error ref", "#REF!"),
        ("error value", "#VALUE!"),
        ("error name", "#NAME?"),
        ("error num", "#NUM!"),
        ("error null", "#NULL!"),
        ("formula number", "42"),
        ("formula text", "ab"),
        ("empty", ""),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn merged_cells_value_in_top_left_only() {
    let dir = tmp();
    let path = fx::merged(dir.path()).unwrap();
    let (_, rows, _) = load(&path, &opts());
    let got: Vec<(u64, Vec<&str>)> = rows.iter().map(|r| (r.number, cells(r))).collect();
    assert_eq!(
        got,
        [
            (2, vec!["first", "merged", ""]),
            (3, vec!["tall", "x", ""]),
            (4, vec!["", "", "y"]),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Headers and widths

#[test]
fn header_duplicates_and_blanks_are_errors() {
    let dir = tmp();
    let dup = fx::strings(
        dir.path(),
        "dup.xlsx",
        &[(0, 0, "Name"), (0, 1, " name "), (1, 0, "a"), (1, 1, "b")],
    )
    .unwrap();
    match Table::open(&dup, &opts()) {
        Err(LoadError::BadHeader { row, problem, .. }) => {
            assert_eq!(row, 1);
            assert!(problem.contains("columns A and B"), "{problem}");
        }
        other => panic!("expected BadHeader, got {other:?}"),
    }

    let blank = fx::strings(
        dir.path(),
        "blank.xlsx",
        &[
            (0, 0, "Name"),
            (0, 1, "   "),
            (0, 2, "Area"),
            (0, 3, "Ward"),
            (1, 0, "a"),
        ],
    )
    .unwrap();
    match Table::open(&blank, &opts()) {
        Err(LoadError::BadHeader { row, problem, .. }) => {
            assert_eq!(row, 1);
            assert!(problem.contains("blank name in column B"), "{problem}");
        }
        other => panic!("expected BadHeader, got {other:?}"),
    }
}

#[test]
fn trailing_blank_header_cells_are_trimmed_off() {
    let dir = tmp();
    let path = fx::strings(
        dir.path(),
        "trailing.xlsx",
        &[
            (0, 0, "  Name"),
            (0, 1, "Area  "),
            (0, 2, " "),
            (0, 3, ""),
            (1, 0, "a"),
            (1, 1, "b"),
            (1, 2, ""),
        ],
    )
    .unwrap();
    let (table, rows, _) = load(&path, &opts());
    assert_eq!(table.headers, ["Name", "Area"]);
    assert_eq!(cells(&rows[0]), ["a", "b"]);
}

#[test]
fn value_right_of_the_header_is_an_error_not_dropped() {
    let dir = tmp();
    let path = fx::strings(
        dir.path(),
        "ragged.xlsx",
        &[
            (0, 0, "Name"),
            (0, 1, "Area"),
            (0, 2, "Ward"),
            (1, 0, "a"),
            (1, 1, "b"),
            (2, 0, "c"),
            (2, 4, "stray"),
        ],
    )
    .unwrap();
    let table = Table::open(&path, &opts()).unwrap();
    let mut rows = table.rows().unwrap();
    assert_eq!(cells(&rows.next().unwrap().unwrap()), ["a", "b", ""]);
    match rows.next() {
        Some(Err(LoadError::OutsideHeader {
            row, column, width, ..
        })) => assert_eq!((row, column.as_str(), width), (3, "E", 3)),
        other => panic!("expected OutsideHeader, got {other:?}"),
    }
    assert!(rows.next().is_none(), "the stream ends after an error");
    assert!(rows.digest().is_none());
}

#[test]
fn header_guess_fails_clearly() {
    let dir = tmp();
    // One column only: never taken for a header by the guess.
    let single = fx::strings(
        dir.path(),
        "single.xlsx",
        &[(0, 0, "Phone"), (1, 0, "0770"), (2, 0, "0771")],
    )
    .unwrap();
    let err = Table::open(&single, &opts()).unwrap_err();
    assert!(
        matches!(err, LoadError::BadHeader { row: 1, ref problem, .. } if problem.contains("give the header's row number")),
        "{err:?}"
    );
    let (table, rows, _) = load(&single, &header_opts(1));
    assert_eq!(table.headers, ["Phone"]);
    assert_eq!(rows.len(), 2);
}

#[test]
fn header_guess_refuses_a_rival_row_of_numbers_above() {
    let dir = tmp();
    let path = dir.path().join("rival.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_number(0, 0, 2024).unwrap();
    ws.write_number(0, 1, 2025).unwrap();
    ws.write_number(0, 2, 2026).unwrap();
    for c in 0..3u16 {
        ws.write_string(1, c, format!("text {c}")).unwrap();
    }
    wb.save(&path).unwrap();
    match Table::open(&path, &opts()) {
        Err(LoadError::BadHeader { row, problem, .. }) => {
            assert_eq!(row, 2);
            assert!(problem.contains("row 1"), "{problem}");
        }
        other => panic!("expected BadHeader, got {other:?}"),
    }
    // Given the row, it loads: numeric header cells become their text.
    let (table, rows, _) = load(&path, &header_opts(1));
    assert_eq!(table.headers, ["2024", "2025", "2026"]);
    assert_eq!(cells(&rows[0]), ["text 0", "text 1", "text 2"]);
}

#[test]
fn header_only_is_an_error() {
    let dir = tmp();
    let path = fx::strings(
        dir.path(),
        "header_only.xlsx",
        &[(0, 0, "Name"), (0, 1, "Area")],
    )
    .unwrap();
    let err = Table::open(&path, &opts()).unwrap_err();
    assert!(matches!(err, LoadError::HeaderOnly { .. }), "{err:?}");
}

// ---------------------------------------------------------------------------------------------
// Limits

#[test]
fn limits_cell_record_and_columns() {
    let dir = tmp();
    let path = fx::strings(
        dir.path(),
        "limits.xlsx",
        &[
            (0, 0, "Name"),
            (0, 1, "Note"),
            (0, 2, "More"),
            (1, 0, "a"),
            (1, 1, "short"),
            (2, 0, "b"),
            (2, 1, "this note is longer than twenty bytes"),
        ],
    )
    .unwrap();
    let small_cells = LoadOptions {
        limits: Limits {
            max_cell_bytes: 20,
            ..Limits::default()
        },
        ..LoadOptions::default()
    };
    match first_error(&path, &small_cells) {
        LoadError::CellTooLarge {
            row, column, limit, ..
        } => assert_eq!((row, column, limit), (3, 2, 20)),
        other => panic!("expected CellTooLarge, got {other:?}"),
    }

    let small_records = LoadOptions {
        limits: Limits {
            max_record_bytes: 30,
            ..Limits::default()
        },
        ..LoadOptions::default()
    };
    match first_error(&path, &small_records) {
        LoadError::RecordTooLarge { row, limit, .. } => assert_eq!((row, limit), (3, 30)),
        other => panic!("expected RecordTooLarge, got {other:?}"),
    }

    let few_columns = LoadOptions {
        limits: Limits {
            max_columns: 2,
            ..Limits::default()
        },
        ..LoadOptions::default()
    };
    match Table::open(&path, &few_columns) {
        Err(LoadError::TooManyColumns { found, limit, .. }) => assert_eq!((found, limit), (3, 2)),
        other => panic!("expected TooManyColumns, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Streaming, digest, changes

#[test]
fn many_rows_stream_with_digest() {
    let dir = tmp();
    let path = fx::many_rows(dir.path(), 5000).unwrap();
    let (table, rows, digest) = load(&path, &opts());
    assert_eq!(table.headers, ["Id", "Name", "Amount"]);
    assert_eq!(rows.len(), 5000);
    assert_eq!(digest.rows_read, 5000);
    assert_eq!(digest.sha256, sha256_hex(&path));
    for (i, row) in rows.iter().enumerate() {
        let n = i as u64 + 1;
        assert_eq!(row.number, n + 1);
        assert_eq!(row.cells[0], n.to_string());
        assert_eq!(row.cells[1], format!("person {n}"));
        assert_eq!(row.cells[2], (n as f64 / 4.0).to_string());
    }
    // A second pass gives the same.
    let mut again = table.rows().unwrap();
    assert_eq!(again.by_ref().count(), 5000);
    assert_eq!(again.digest(), Some(digest));
}

#[test]
fn dropping_the_stream_early_is_fine() {
    let dir = tmp();
    let path = fx::many_rows(dir.path(), 2000).unwrap();
    let table = Table::open(&path, &opts()).unwrap();
    for _ in 0..3 {
        let mut rows = table.rows().unwrap();
        assert_eq!(rows.next().unwrap().unwrap().number, 2);
        assert!(rows.digest().is_none(), "no digest before the end");
        drop(rows);
    }
    let (_, rows, _) = load(&path, &opts());
    assert_eq!(rows.len(), 2000);
}

#[test]
fn file_changed_after_open() {
    let dir = tmp();
    let path = fx::many_rows(dir.path(), 10).unwrap();
    let table = Table::open(&path, &opts()).unwrap();
    // Replace it with another workbook of another size.
    let other = fx::many_rows(dir.path(), 11).unwrap();
    std::fs::copy(&other, &path).unwrap();
    let err = match table.rows() {
        Err(e) => e,
        Ok(mut rows) => rows
            .find_map(Result::err)
            .expect("a changed file must not load"),
    };
    assert!(matches!(err, LoadError::Changed { .. }), "{err:?}");
}

#[test]
fn same_size_other_header_counts_as_changed() {
    let dir = tmp();
    let a = fx::strings(
        dir.path(),
        "a.xlsx",
        &[(0, 0, "Name"), (0, 1, "Area"), (1, 0, "x"), (1, 1, "y")],
    )
    .unwrap();
    let b = fx::strings(
        dir.path(),
        "b.xlsx",
        &[(0, 0, "Nome"), (0, 1, "Area"), (1, 0, "x"), (1, 1, "y")],
    )
    .unwrap();
    assert_eq!(
        std::fs::metadata(&a).unwrap().len(),
        std::fs::metadata(&b).unwrap().len(),
        "the fixture relies on both files having one size"
    );
    let table = Table::open(&a, &opts()).unwrap();
    std::fs::copy(&b, &a).unwrap();
    let mut rows = table.rows().unwrap();
    let err = rows.find_map(Result::err).expect("an error");
    assert!(matches!(err, LoadError::Changed { .. }), "{err:?}");
}

// ---------------------------------------------------------------------------------------------
// Crafted and broken files

#[test]
fn sparse_sheet_claiming_the_whole_grid_loads_without_allocating_it() {
    let dir = tmp();
    let rows = [
        format!(
            r#"<row r="1">{}{}</row>"#,
            fx::istr("A1", "Name"),
            fx::istr("B1", "Ref")
        ),
        format!(
            r#"<row r="1048576">{}{}</row>"#,
            fx::istr("A1048576", "last"),
            fx::istr("B1048576", "row")
        ),
    ]
    .concat();
    let path = fx::crafted(
        dir.path(),
        "sparse.xlsx",
        &fx::sheet_xml("A1:XFD1048576", &rows),
    )
    .unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 4096);
    // Were the declared grid allocated (17 billion cells) the process would abort here.
    let (table, rows, digest) = load(&path, &opts());
    assert_eq!(table.headers, ["Name", "Ref"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].number, 1_048_576);
    assert_eq!(cells(&rows[0]), ["last", "row"]);
    assert_eq!(digest.rows_read, 1);
}

#[test]
fn cells_at_the_far_right_are_checked_against_limits() {
    let dir = tmp();
    // A header cell at XFD1: 16384 columns, over a limit of 100.
    let header = format!(
        r#"<row r="1">{}{}</row><row r="2">{}</row>"#,
        fx::istr("A1", "Name"),
        fx::istr("XFD1", "Far"),
        fx::istr("A2", "x")
    );
    let path = fx::crafted(dir.path(), "far_header.xlsx", &fx::sheet_xml("", &header)).unwrap();
    let few = LoadOptions {
        header_row: Some(1),
        limits: Limits {
            max_columns: 100,
            ..Limits::default()
        },
        ..LoadOptions::default()
    };
    match Table::open(&path, &few) {
        Err(LoadError::TooManyColumns { found, limit, .. }) => {
            assert_eq!((found, limit), (16_384, 100))
        }
        other => panic!("expected TooManyColumns, got {other:?}"),
    }
    // A data cell at XFD5 below a two-column header.
    let data = format!(
        r#"<row r="1">{}{}</row><row r="5">{}{}</row>"#,
        fx::istr("A1", "Name"),
        fx::istr("B1", "Ref"),
        fx::istr("A5", "x"),
        fx::istr("XFD5", "far")
    );
    let path = fx::crafted(dir.path(), "far_data.xlsx", &fx::sheet_xml("", &data)).unwrap();
    match first_error(&path, &opts()) {
        LoadError::OutsideHeader {
            row, column, width, ..
        } => assert_eq!((row, column.as_str(), width), (5, "XFD", 2)),
        other => panic!("expected OutsideHeader, got {other:?}"),
    }
}

#[test]
fn cells_out_of_order_are_refused() {
    let dir = tmp();
    let header = format!(
        r#"<row r="1">{}{}</row>"#,
        fx::istr("A1", "Name"),
        fx::istr("B1", "Ref")
    );
    for (name, body) in [
        (
            "backwards_rows.xlsx",
            format!(
                r#"{header}<row r="3">{}</row><row r="2">{}</row>"#,
                fx::istr("A3", "three"),
                fx::istr("A2", "two")
            ),
        ),
        (
            "backwards_cols.xlsx",
            format!(
                r#"{header}<row r="2">{}{}</row>"#,
                fx::istr("B2", "b"),
                fx::istr("A2", "a")
            ),
        ),
        (
            "duplicate_cell.xlsx",
            format!(
                r#"{header}<row r="2">{}{}</row>"#,
                fx::istr("A2", "one"),
                fx::istr("A2", "two")
            ),
        ),
    ] {
        let path = fx::crafted(dir.path(), name, &fx::sheet_xml("", &body)).unwrap();
        match first_error(&path, &opts()) {
            LoadError::Workbook { what, .. } => {
                assert!(what.contains("not stored in order"), "{name}: {what}")
            }
            other => panic!("{name}: expected Workbook, got {other:?}"),
        }
    }
}

#[test]
fn unknown_error_value_is_refused_by_name() {
    let dir = tmp();
    let body = format!(
        r#"<row r="1">{}{}</row><row r="2">{}<c r="B2" t="e"><v>#SPILL!</v></c></row>"#,
        fx::istr("A1", "Name"),
        fx::istr("B1", "Total"),
        fx::istr("A2", "x")
    );
    let path = fx::crafted(dir.path(), "spill.xlsx", &fx::sheet_xml("", &body)).unwrap();
    match first_error(&path, &opts()) {
        LoadError::Workbook { what, .. } => {
            assert!(what.contains("#SPILL!"), "{what}");
            assert!(what.contains("after cell A2"), "{what}");
        }
        other => panic!("expected Workbook, got {other:?}"),
    }
}

#[test]
fn panics_inside_the_reader_become_errors() {
    let dir = tmp();
    // A backwards dimension makes calamine subtract past zero (a panic in debug builds); a
    // column name of many letters overflows its column arithmetic.
    for (name, xml) in [
        (
            "backwards_dimension.xlsx",
            fx::sheet_xml(
                "B2:A1",
                &format!(r#"<row r="1">{}</row>"#, fx::istr("A1", "x")),
            ),
        ),
        (
            "overflowing_ref.xlsx",
            fx::sheet_xml(
                "",
                &format!(
                    r#"<row r="1">{}{}</row><row r="2">{}</row>"#,
                    fx::istr("A1", "Name"),
                    fx::istr("B1", "Ref"),
                    fx::istr("AAAAAAAAAAAAAAAAAAAA2", "x")
                ),
            ),
        ),
    ] {
        let path = fx::crafted(dir.path(), name, &xml).unwrap();
        let outcome = std::panic::catch_unwind(|| first_error(&path, &opts()));
        let err = outcome.unwrap_or_else(|_| panic!("{name}: the loader panicked"));
        assert!(
            matches!(
                err,
                LoadError::Workbook { .. }
                    | LoadError::BadHeader { .. }
                    | LoadError::OutsideHeader { .. }
                    | LoadError::TooManyColumns { .. }
            ),
            "{name}: {err:?}"
        );
    }
}

#[test]
fn missing_sheet_part_is_a_clear_error() {
    let dir = tmp();
    let path = dir.path().join("no_sheet_part.xlsx");
    fx::write_zip(&path, &fx::minimal_parts(None), true).unwrap();
    match Table::open(&path, &opts()) {
        Err(LoadError::Workbook { what, .. }) => {
            assert!(what.contains("\"Data\""), "{what}");
            assert!(what.contains("missing"), "{what}");
        }
        other => panic!("expected Workbook, got {other:?}"),
    }
}

#[test]
fn truncated_and_fake_zips_are_clear_errors() {
    let dir = tmp();
    let good = fx::many_rows(dir.path(), 50).unwrap();
    let bytes = std::fs::read(&good).unwrap();

    let truncated = dir.path().join("truncated.xlsx");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    match Table::open(&truncated, &opts()) {
        Err(LoadError::Workbook { what, .. }) => {
            assert!(what.contains("damaged or incomplete"), "{what}")
        }
        other => panic!("expected Workbook, got {other:?}"),
    }

    let fake = dir.path().join("fake.xlsx");
    let mut junk = b"PK\x03\x04".to_vec();
    junk.extend((0..2000u32).map(|i| (i * 7 % 251) as u8));
    std::fs::write(&fake, &junk).unwrap();
    match Table::open(&fake, &opts()) {
        Err(LoadError::Workbook { what, .. }) => {
            assert!(what.contains("not a readable zip archive"), "{what}")
        }
        other => panic!("expected Workbook, got {other:?}"),
    }

    // A zip that is not a workbook.
    let plain = dir.path().join("plain.xlsx");
    fx::write_zip(&plain, &[("notes.txt".into(), b"hello".to_vec())], true).unwrap();
    match Table::open(&plain, &opts()) {
        Err(LoadError::Unsupported { what, .. }) => {
            assert!(what.contains("not an Excel workbook"), "{what}")
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }

    // Flip bytes a third of the way in (here: the theme, which calamine reads leniently): the
    // part's checksum no longer matches.
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 3;
    for b in &mut flipped[mid..mid + 64] {
        *b ^= 0x5A;
    }
    let flipped_path = dir.path().join("flipped.xlsx");
    std::fs::write(&flipped_path, &flipped).unwrap();
    match Table::open(&flipped_path, &opts()) {
        Err(LoadError::Workbook { what, .. }) => assert!(what.contains("damaged"), "{what}"),
        other => panic!("expected Workbook, got {other:?}"),
    }
}

#[test]
fn a_changed_byte_in_an_uncompressed_part_is_caught_by_its_checksum() {
    let dir = tmp();
    let body = format!(
        r#"<row r="1">{}{}</row><row r="2">{}{}</row>"#,
        fx::istr("A1", "Name"),
        fx::istr("B1", "Amount"),
        fx::istr("A2", "Smith"),
        r#"<c r="B2"><v>1000</v></c>"#
    );
    let path = dir.path().join("stored.xlsx");
    fx::write_zip(
        &path,
        &fx::minimal_parts(Some(&fx::sheet_xml("", &body))),
        false,
    )
    .unwrap();
    let (_, rows, _) = load(&path, &opts());
    assert_eq!(cells(&rows[0]), ["Smith", "1000"]);

    // Without the checksum this would silently read 9000.
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes
        .windows(9)
        .position(|w| w == b"<v>1000</")
        .expect("the stored value");
    bytes[at + 3] = b'9';
    std::fs::write(&path, &bytes).unwrap();
    match Table::open(&path, &opts()) {
        Err(LoadError::Workbook { what, .. }) => assert!(what.contains("damaged"), "{what}"),
        other => panic!("expected Workbook, got {other:?}"),
    }
}

#[test]
fn old_binary_office_file_is_unsupported() {
    let dir = tmp();
    let path = dir.path().join("old.xls");
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.resize(1024, 0);
    std::fs::write(&path, &bytes).unwrap();
    match Table::open(&path, &opts()) {
        Err(LoadError::Unsupported { what, .. }) => assert!(what.contains(".xls"), "{what}"),
        other => panic!("expected Unsupported, got {other:?}"),
    }
}

#[test]
fn text_named_xlsx_goes_to_the_csv_loader() {
    let dir = tmp();
    let path = dir.path().join("export.xlsx");
    std::fs::write(&path, "Name,Area\r\nSmith,North\r\n").unwrap();
    match Table::open(&path, &opts()) {
        Ok(table) => assert!(
            matches!(table.format, Format::Csv { .. }),
            "{:?}",
            table.format
        ),
        // The CSV loader may not be written yet in this branch; what matters is that the
        // workbook code did not take it.
        Err(e) => assert!(
            !matches!(e, LoadError::Workbook { .. }) && !e.to_string().contains("zip"),
            "{e:?}"
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Decompression bombs and memory

#[test]
fn huge_text_run_is_refused_before_parsing() {
    let dir = tmp();
    let huge = "a".repeat(17 * 1024 * 1024);
    let body = format!(
        r#"<row r="1">{}{}</row><row r="2">{}</row>"#,
        fx::istr("A1", "Name"),
        fx::istr("B1", "Ref"),
        fx::istr("A2", &huge)
    );
    let path = fx::crafted(dir.path(), "bomb.xlsx", &fx::sheet_xml("", &body)).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 200_000);
    match Table::open(&path, &opts()) {
        Err(LoadError::Workbook { what, .. }) => {
            assert!(what.contains("xl/worksheets/sheet1.xml"), "{what}");
            assert!(what.contains("16 MiB"), "{what}");
        }
        other => panic!("expected Workbook, got {other:?}"),
    }
}

#[test]
fn shared_strings_announcing_too_many_strings_are_refused() {
    let dir = tmp();
    let path = dir.path().join("sst_count.xlsx");
    let mut parts = fx::minimal_parts(Some(&fx::sheet_xml(
        "",
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>0</v></c></row>"#,
    )));
    parts.push((
        "xl/sharedStrings.xml".into(),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="{}" count="2" uniqueCount="4000000000000"><si><t>Name</t></si></sst>"#,
            fx::NS
        )
        .into_bytes(),
    ));
    fx::write_zip(&path, &parts, true).unwrap();
    match Table::open(&path, &opts()) {
        Err(LoadError::Workbook { what, .. }) => {
            assert!(what.contains("sharedstrings.xml"), "{what}");
            assert!(what.contains("more strings than it could hold"), "{what}");
        }
        other => panic!("expected Workbook, got {other:?}"),
    }
}

#[test]
fn shared_strings_count_hidden_behind_a_decoy_is_still_checked() {
    let dir = tmp();
    let path = dir.path().join("sst_decoy.xlsx");
    let mut parts = fx::minimal_parts(Some(&fx::sheet_xml(
        "",
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>0</v></c></row>"#,
    )));
    parts.push((
        "xl/sharedStrings.xml".into(),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!-- <sst uniqueCount="1"> --><x:sst xmlns:x="{}" uniqueCount="4000000000000"><x:si><x:t>Name</x:t></x:si></x:sst>"#,
            fx::NS
        )
        .into_bytes(),
    ));
    fx::write_zip(&path, &parts, true).unwrap();
    match Table::open(&path, &opts()) {
        Err(LoadError::Workbook { what, .. }) => {
            assert!(what.contains("more strings than it could hold"), "{what}");
        }
        other => panic!("expected Workbook, got {other:?}"),
    }
}

#[test]
fn oversized_shared_strings_are_refused() {
    let dir = tmp();
    let path = dir.path().join("sst_big.xlsx");
    let mut parts = fx::minimal_parts(Some(&fx::sheet_xml(
        "",
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
    )));
    parts.push((
        "xl/sharedStrings.xml".into(),
        format!(r#"<sst xmlns="{}"><si><t>Name</t></si></sst>"#, fx::NS).into_bytes(),
    ));
    fx::write_zip(&path, &parts, false).unwrap();
    // Claim 300 MiB unpacked: refused on the declared size, before anything is unpacked.
    fx::patch_declared_size(&path, "xl/sharedStrings.xml", 300 * 1024 * 1024).unwrap();
    match Table::open(&path, &opts()) {
        Err(LoadError::Workbook { what, .. }) => {
            assert!(what.contains("300 MiB"), "{what}");
        }
        other => panic!("expected Workbook, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// calamine's test files

/// What each file in the calamine suite must give with default options. `Ok` names the header
/// row and the number of data rows.
enum Expect {
    Ok {
        header_row: u32,
        rows: u64,
    },
    BadHeader(&'static str),
    Workbook(&'static str),
    Unsupported(&'static str),
    /// Not a zip or OLE file: sniffed as text, for the CSV loader.
    Text,
}

fn suite_expectation(name: &str) -> Expect {
    use Expect::*;
    match name {
        // Sheets of numbers only, or one column: no row looks like a header.
        "any_sheets.xlsx"
        | "column_row_ranges.xlsx"
        | "date.xlsx"
        | "date_1904.xlsx"
        | "date_iso.xlsx"
        | "empty_shared_string.xlsx"
        | "encoded_entities.xlsx"
        | "errors.xlsx"
        | "formula.issue.xlsx"
        | "has_x000D_.xlsx"
        | "has_x000D_inline.xlsx" => BadHeader("give the header's row number"),
        // The header's data starts on row 3 with one text cell and a number.
        "no-header.xlsx" => BadHeader("give the header's row number"),
        "empty_sheet.xlsx" => BadHeader("is empty"),
        // Merged or blank header cells.
        "inlineStr_with_value.xlsx" => BadHeader("blank name in column C"),
        "merge_cells.xlsx" => BadHeader("blank name in column B"),
        "merged_range.xlsx" => BadHeader("blank name in column D"),
        "richtext-namespaced.xlsx" => BadHeader("blank name in columns B, C"),
        "whitespace_trim.xlsx" => BadHeader("blank name in column C"),
        // A real arrest-bookings export: title rows, then a header repeating CHARGE.
        "minimal_package.xlsx" => BadHeader("the same name twice"),
        "empty_s_attribute.xlsx" => Ok {
            header_row: 1,
            rows: 4,
        },
        "empty_shared_string_value.xlsx" => Ok {
            header_row: 1,
            rows: 2,
        },
        "header-row.xlsx" => Ok {
            header_row: 9,
            rows: 1,
        },
        "hyperlinks.xlsx" => Ok {
            header_row: 1,
            rows: 7,
        },
        "inlineStr_cdata.xlsx" => Ok {
            header_row: 1,
            rows: 1,
        },
        "issue_261.xlsx" | "issue_261_fixed_by_excel.xlsx" => Ok {
            header_row: 10,
            rows: 51,
        },
        "nonstandard-xml-ns-prefix.xlsx" => Ok {
            header_row: 1,
            rows: 2,
        },
        "strict_iso_paths.xlsx" => Ok {
            header_row: 1,
            rows: 75,
        },
        "temperature.xlsx" => Ok {
            header_row: 1,
            rows: 2,
        },
        "pass_protected.xlsx" => Workbook("password-protected"),
        "issue_594_dos.ods" => Unsupported("OpenDocument"),
        "too_small.xls" => Text,
        other => panic!("no expectation written for the suite file {other}"),
    }
}

#[test]
fn calamine_suite_each_file_gives_its_documented_result() {
    let dir = suite_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "SOURCE.txt" && n != "LICENSE")
        .collect();
    names.sort();
    assert!(names.len() >= 30, "suite files missing: {names:?}");
    for name in &names {
        let path = dir.join(name);
        let outcome = std::panic::catch_unwind(|| {
            let table = Table::open(&path, &opts())?;
            let mut rows = table.rows()?;
            for row in rows.by_ref() {
                row?;
            }
            Ok::<_, LoadError>((table, rows.digest()))
        });
        let outcome = outcome.unwrap_or_else(|_| panic!("{name}: panicked"));
        match (suite_expectation(name), outcome) {
            (Expect::Ok { header_row, rows }, Ok((table, digest))) => {
                assert_eq!(table.header_row, header_row, "{name}");
                let digest = digest.unwrap_or_else(|| panic!("{name}: no digest"));
                assert_eq!(digest.rows_read, rows, "{name}");
                assert_eq!(digest.sha256, sha256_hex(&path), "{name}");
            }
            (Expect::BadHeader(part), Err(LoadError::BadHeader { problem, .. })) => {
                assert!(problem.contains(part), "{name}: {problem}")
            }
            (Expect::Workbook(part), Err(LoadError::Workbook { what, .. })) => {
                assert!(what.contains(part), "{name}: {what}")
            }
            (Expect::Unsupported(part), Err(LoadError::Unsupported { what, .. })) => {
                assert!(what.contains(part), "{name}: {what}")
            }
            (Expect::Text, Ok((table, _))) => {
                assert!(matches!(table.format, Format::Csv { .. }), "{name}")
            }
            (Expect::Text, Err(e)) => assert!(
                !matches!(e, LoadError::Workbook { .. }) && !e.to_string().contains("zip"),
                "{name}: {e}"
            ),
            (_, Err(e)) => panic!("{name}: unexpected error {e:?}"),
            (_, Ok((table, _))) => panic!("{name}: unexpectedly loaded: {:?}", table.headers),
        }
    }
}

#[test]
fn suite_date_1904_matches_date_1900() {
    // The same dates and durations, saved in the 1904 and the 1900 date systems.
    for name in ["date_1904.xlsx", "date.xlsx"] {
        let (table, rows, _) = load(&suite(name), &header_opts(1));
        assert_eq!(table.headers, ["2021-01-01", "15"], "{name}");
        let got: Vec<(u64, Vec<&str>)> = rows.iter().map(|r| (r.number, cells(r))).collect();
        assert_eq!(
            got,
            [(2, vec!["2021-01-02", "16"]), (3, vec!["255:10:10", "17"])],
            "{name}"
        );
    }
}

#[test]
fn suite_errors_give_excel_tokens() {
    let (table, rows, _) = load(&suite("errors.xlsx"), &header_opts(1));
    assert_eq!(table.headers, ["#DIV/0!"]);
    let got: Vec<&str> = rows.iter().map(|r| r.cells[0].as_str()).collect();
    assert_eq!(
        got,
        ["#NAME?", "#VALUE!", "#NULL!", "#REF!", "#NUM!", "#N/A"]
    );
}

#[test]
fn suite_merged_range_header_is_refused_and_data_keeps_top_left() {
    // C1:D1 is merged in the header row: D1 reads as blank.
    match Table::open(&suite("merged_range.xlsx"), &opts()) {
        Err(LoadError::BadHeader {
            row: 1, problem, ..
        }) => {
            assert!(problem.contains("column D"), "{problem}")
        }
        other => panic!("expected BadHeader, got {other:?}"),
    }
    // On Sheet2, with the header on row 3 (B3, C3, E3 named; A3 blank): refused too.
    let opts = LoadOptions {
        sheet: Some("Sheet2".into()),
        header_row: Some(3),
        ..LoadOptions::default()
    };
    match Table::open(&suite("merged_range.xlsx"), &opts) {
        Err(LoadError::BadHeader {
            row: 3, problem, ..
        }) => {
            assert!(problem.contains("columns A and D"), "{problem}")
        }
        other => panic!("expected BadHeader, got {other:?}"),
    }
}

#[test]
fn suite_any_sheets_visibility_and_chart_sheet() {
    let path = suite("any_sheets.xlsx");
    let (table, rows, _) = load(&path, &header_opts(1));
    let Format::Xlsx { sheet, sheets, .. } = &table.format else {
        panic!()
    };
    assert_eq!(sheet, "Visible");
    let got: Vec<(&str, &str)> = sheets
        .iter()
        .map(|s| (s.name.as_str(), s.visibility))
        .collect();
    assert_eq!(
        got,
        [
            ("Visible", "visible"),
            ("Hidden", "hidden"),
            ("VeryHidden", "very hidden"),
            ("Chart", "visible")
        ]
    );
    assert_eq!(table.headers, ["1", "2"]);
    let got: Vec<(u64, Vec<&str>)> = rows.iter().map(|r| (r.number, cells(r))).collect();
    assert_eq!(
        got,
        [
            (2, vec!["3", "4"]),
            (3, vec!["5", "6"]),
            (
                5,
                vec![
                    "This workbook contains 4 sheets: Visible, Hidden, VeryHidden and Chart",
                    ""
                ]
            ),
        ]
    );

    // The hidden sheets can be chosen; they are empty.
    for name in ["hidden", "VeryHidden"] {
        let err = Table::open(&path, &sheet_opts(name)).unwrap_err();
        assert!(
            matches!(err, LoadError::BadHeader { ref problem, .. } if problem.contains("is empty")),
            "{name}: {err:?}"
        );
    }
    // The chart sheet has no cells.
    match Table::open(&path, &sheet_opts("Chart")) {
        Err(LoadError::Workbook { what, .. }) => assert!(what.contains("chart"), "{what}"),
        other => panic!("expected Workbook, got {other:?}"),
    }
    match Table::open(&path, &sheet_opts("Nope")) {
        Err(LoadError::NoSuchSheet { available, .. }) => assert_eq!(
            available,
            r#""Visible", "Hidden" (hidden), "VeryHidden" (very hidden), "Chart" (chart or other non-worksheet)"#
        ),
        other => panic!("expected NoSuchSheet, got {other:?}"),
    }
}

#[test]
fn suite_header_row_guessed_below_a_note() {
    let (table, rows, digest) = load(&suite("header-row.xlsx"), &opts());
    assert_eq!(table.header_row, 9);
    assert_eq!(
        table.headers,
        ["Columns", "Column A", "Column B", "Column C"]
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].number, 10);
    assert_eq!(cells(&rows[0]), ["put data here", "1", "2", "3"]);
    assert_eq!(digest.rows_read, 1);
}

#[test]
fn suite_x000d_escape_gives_a_carriage_return() {
    // A single cell: as the header row it leaves no data.
    for name in ["has_x000D_.xlsx", "has_x000D_inline.xlsx"] {
        let err = Table::open(&suite(name), &header_opts(1)).unwrap_err();
        assert!(
            matches!(err, LoadError::HeaderOnly { .. }),
            "{name}: {err:?}"
        );
    }
    // The same shared strings part, under a sheet that puts the cell below a header: the
    // "_x000D_" escape reads as a carriage return.
    let dir = tmp();
    let source = std::fs::File::open(suite("has_x000D_.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(source).unwrap();
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(data).unwrap();
            let start = xml.find("<sheetData>").expect("sheetData");
            let end = xml.find("</sheetData>").expect("/sheetData") + "</sheetData>".len();
            let rows = format!(
                r#"<sheetData><row r="1">{}{}</row><row r="2"><c r="A2" t="s"><v>0</v></c>{}</row></sheetData>"#,
                fx::istr("A1", "Text"),
                fx::istr("B1", "Other"),
                fx::istr("B2", "x")
            );
            data = format!("{}{}{}", &xml[..start], rows, &xml[end..]).into_bytes();
        }
        parts.push((name, data));
    }
    let path = dir.path().join("x000d_below_header.xlsx");
    fx::write_zip(&path, &parts, true).unwrap();
    let (_, rows, _) = load(&path, &opts());
    assert_eq!(cells(&rows[0]), ["ABC\r\nDEF", "x"]);
}

#[test]
fn suite_minimal_package_is_a_real_export_with_repeated_names() {
    match Table::open(&suite("minimal_package.xlsx"), &opts()) {
        Err(LoadError::BadHeader { row, problem, .. }) => {
            assert_eq!(row, 3, "the header is found below the title rows");
            assert!(problem.contains("columns T and X"), "{problem}");
        }
        other => panic!("expected BadHeader, got {other:?}"),
    }
}
