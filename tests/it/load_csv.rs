//! The CSV loader against the csv-spectrum suite, its own fixtures (tests/data/csv, written by
//! generate.py there) and files built here. Every value is synthetic.

use disclose::advice::Setting;
use disclose::load::{Digest, Encoding, Format, Limits, LoadError, LoadOptions, Row, Table};
use sha2::{Digest as _, Sha256};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/csv")
        .join(name)
}

fn spectrum() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suites/csv-spectrum")
}

fn opts() -> LoadOptions {
    LoadOptions::default()
}

fn header_at(row: u32) -> LoadOptions {
    LoadOptions {
        header_row: Some(row),
        ..LoadOptions::default()
    }
}

fn with_limits(limits: Limits) -> LoadOptions {
    LoadOptions {
        limits,
        ..LoadOptions::default()
    }
}

/// Opens and reads every row; panics on any error.
fn load(path: &Path, options: &LoadOptions) -> (Table, Vec<Row>, Digest) {
    let table =
        Table::open(path, options).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let mut rows = table.rows().expect("rows");
    let mut out = Vec::new();
    for row in rows.by_ref() {
        out.push(row.unwrap_or_else(|e| panic!("row of {}: {e}", path.display())));
    }
    let digest = rows.digest().expect("a digest after a clean read");
    (table, out, digest)
}

/// The error from opening or reading the file, whichever comes first.
fn load_err(path: &Path, options: &LoadOptions) -> LoadError {
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
            assert!(rows.next().is_none(), "the stream ends after an error");
            return e;
        }
    }
    panic!("{} loaded without error", path.display());
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn cells(rows: &[Row]) -> Vec<Vec<&str>> {
    rows.iter()
        .map(|r| r.cells.iter().map(String::as_str).collect())
        .collect()
}

fn numbers(rows: &[Row]) -> Vec<u64> {
    rows.iter().map(|r| r.number).collect()
}

fn temp_file(bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    std::io::Write::write_all(&mut f, bytes).expect("write temp file");
    f
}

fn csv_format(table: &Table) -> (Encoding, u8) {
    match table.format {
        Format::Csv {
            encoding,
            delimiter,
        } => (encoding, delimiter),
        ref other => panic!("not CSV: {other:?}"),
    }
}

const HEADER: [&str; 4] = ["Ref", "Name", "Town", "Amount"];
const ROWS: [[&str; 4]; 2] = [
    ["A1", "René Dubois", "Orléans", "£12.50"],
    ["A2", "Zoë O’Hara", "Bridgend", "€3"],
];

// ---------------------------------------------------------------------------------------------
// csv-spectrum

#[test]
fn csv_spectrum_every_file_parses_to_its_json() {
    let dir = spectrum();
    let mut names: Vec<String> = std::fs::read_dir(dir.join("csvs"))
        .expect("the csv-spectrum suite at tests/suites/csv-spectrum")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 11, "csv-spectrum has 11 cases: {names:?}");
    for name in names {
        let csv = dir.join("csvs").join(&name);
        let json = dir.join("json").join(name.replace(".csv", ".json"));
        let expected: Vec<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_slice(&std::fs::read(&json).expect("json")).expect("parse json");
        let (table, rows, digest) = load(&csv, &opts());
        assert_eq!(rows.len(), expected.len(), "{name}: row count");
        assert_eq!(digest.rows_read, expected.len() as u64, "{name}");
        for (row, object) in rows.iter().zip(&expected) {
            assert_eq!(row.cells.len(), table.headers.len(), "{name}");
            assert_eq!(object.len(), table.headers.len(), "{name}: columns");
            for (header, cell) in table.headers.iter().zip(&row.cells) {
                let want = object
                    .get(header)
                    .and_then(|v| v.as_str())
                    .unwrap_or_else(|| panic!("{name}: no key {header}"));
                assert_eq!(cell, want, "{name}, row {}, column {header}", row.number);
            }
        }
        let (encoding, delimiter) = csv_format(&table);
        assert_eq!(encoding, Encoding::Utf8, "{name}");
        assert_eq!(delimiter, b',', "{name}");
    }
}

#[test]
fn csv_spectrum_row_numbers_are_starting_lines() {
    let (_, rows, _) = load(&spectrum().join("csvs/newlines_crlf.csv"), &opts());
    assert_eq!(numbers(&rows), [2, 3, 5]);
    let (_, rows, _) = load(&spectrum().join("csvs/quotes_and_newlines.csv"), &opts());
    assert_eq!(numbers(&rows), [2, 5]);
}

// ---------------------------------------------------------------------------------------------
// Encodings and delimiters

fn assert_standard(name: &str, encoding: Encoding, delimiter: u8) {
    let (table, rows, _) = load(&fixture(name), &opts());
    assert_eq!(csv_format(&table), (encoding, delimiter), "{name}");
    assert_eq!(table.headers, HEADER, "{name}");
    assert_eq!(table.header_row, 1, "{name}");
    assert_eq!(cells(&rows), ROWS, "{name}");
    assert_eq!(numbers(&rows), [2, 3], "{name}");
}

#[test]
fn utf8_without_bom() {
    assert_standard("utf8.csv", Encoding::Utf8, b',');
}

#[test]
fn utf8_with_bom_is_stripped_from_the_first_header() {
    assert_standard("utf8_bom.csv", Encoding::Utf8Bom, b',');
}

#[test]
fn utf16le_with_bom_tab_separated_as_excel_unicode_text() {
    assert_standard("utf16le_bom.txt", Encoding::Utf16Le, b'\t');
}

#[test]
fn utf16be_with_bom() {
    assert_standard("utf16be_bom.csv", Encoding::Utf16Be, b',');
}

#[test]
fn windows_1252_when_not_utf8() {
    assert_standard("windows1252.csv", Encoding::Windows1252, b',');
    let table = Table::open(&fixture("windows1252.csv"), &opts()).unwrap();
    assert_eq!(table.format.encoding_name(), "Windows-1252");
}

#[test]
fn semicolon_tab_and_pipe_are_detected() {
    assert_standard("semicolon.csv", Encoding::Utf8, b';');
    assert_standard("tab.tsv", Encoding::Utf8, b'\t');
    assert_standard("pipe.txt", Encoding::Utf8, b'|');
    let table = Table::open(&fixture("semicolon.csv"), &opts()).unwrap();
    assert_eq!(table.format.delimiter_name(), Some("semicolon"));
}

#[test]
fn quoted_delimiters_quotes_and_crlf_line_breaks() {
    let (table, rows, _) = load(&fixture("quoted_crlf.csv"), &opts());
    assert_eq!(csv_format(&table), (Encoding::Utf8, b','));
    assert_eq!(table.headers, ["Ref", "Note", "Count"]);
    assert_eq!(
        cells(&rows),
        [
            ["B1", "Smith, J", "1"],
            ["B2", "line one\r\nline two\r\nsaid \"hi\"", "2"],
            ["B3", "semi;colon|pipe\ttab", "3"],
            ["B4", "", "4"],
        ]
    );
    assert_eq!(numbers(&rows), [2, 3, 6, 7]);
}

#[test]
fn semicolon_file_with_decimal_commas() {
    let f = temp_file(b"Ref;Amount;Rate\nN1;1,50;0,2\nN2;3,75;0,5\n");
    let (table, rows, _) = load(f.path(), &opts());
    assert_eq!(csv_format(&table).1, b';');
    assert_eq!(cells(&rows), [["N1", "1,50", "0,2"], ["N2", "3,75", "0,5"]]);
}

#[test]
fn a_comma_file_with_a_broken_row_is_still_comma_and_the_row_is_reported() {
    let f = temp_file(b"a,b,c\n1,2,3\n4,5\n6,7,8\n");
    match load_err(f.path(), &opts()) {
        LoadError::Ragged {
            row,
            expected,
            found,
            ..
        } => assert_eq!((row, expected, found), (3, 3, 2)),
        e => panic!("{e:?}"),
    }
}

#[test]
fn single_column_file() {
    let f = temp_file(b"Name\nAnn\nBob\n");
    let (table, rows, _) = load(f.path(), &opts());
    assert_eq!(table.headers, ["Name"]);
    assert_eq!(cells(&rows), [["Ann"], ["Bob"]]);
}

#[test]
fn windows_1252_found_after_64_kib_of_ascii() {
    let mut bytes = b"Ref,Name\n".to_vec();
    let mut n = 0;
    while bytes.len() < 200 * 1024 {
        n += 1;
        bytes.extend_from_slice(format!("P{n},plain\n").as_bytes());
    }
    bytes.extend_from_slice(b"Q1,Caf\xe9 \xa3\n");
    let f = temp_file(&bytes);
    let (table, rows, digest) = load(f.path(), &opts());
    assert_eq!(csv_format(&table).0, Encoding::Windows1252);
    let last = rows.last().unwrap();
    assert_eq!(last.cells, ["Q1", "Café £"]);
    assert_eq!(last.number, n + 2);
    assert_eq!(digest.rows_read, n + 1);
    assert_eq!(digest.sha256, sha256_hex(&bytes));
}

#[test]
fn utf8_after_64_kib_of_ascii_is_utf8() {
    let mut bytes = b"Ref,Name\n".to_vec();
    while bytes.len() < 100 * 1024 {
        bytes.extend_from_slice(b"P,plain\n");
    }
    bytes.extend_from_slice("Q1,Café\n".as_bytes());
    let f = temp_file(&bytes);
    let (table, rows, _) = load(f.path(), &opts());
    assert_eq!(csv_format(&table).0, Encoding::Utf8);
    assert_eq!(rows.last().unwrap().cells, ["Q1", "Café"]);
}

// ---------------------------------------------------------------------------------------------
// Reading once (LoadOptions::stream_once): no whole-file pass at open; every byte still checked

fn streaming() -> LoadOptions {
    LoadOptions {
        stream_once: true,
        ..LoadOptions::default()
    }
}

/// A header, then plain ASCII rows past `ascii_bytes`, then `tail`.
fn ascii_then(ascii_bytes: usize, tail: &[u8]) -> (Vec<u8>, u64) {
    let mut bytes = b"Ref,Name\n".to_vec();
    let mut line = 1;
    while bytes.len() < ascii_bytes {
        bytes.extend_from_slice(format!("P{line},plain\n").as_bytes());
        line += 1;
    }
    bytes.extend_from_slice(tail);
    (bytes, line + 1)
}

#[test]
fn read_once_a_utf8_file_is_read_and_hashed_as_after_a_whole_pass() {
    let (bytes, _) = ascii_then(300 * 1024, "Q1,Café\n".as_bytes());
    let f = temp_file(&bytes);
    let (table, rows, digest) = load(f.path(), &streaming());
    assert_eq!(csv_format(&table).0, Encoding::Utf8);
    assert_eq!(rows.last().unwrap().cells, ["Q1", "Café"]);
    assert_eq!(digest, load(f.path(), &opts()).2);
    assert_eq!(digest.sha256, sha256_hex(&bytes));
}

#[test]
fn read_once_a_windows_1252_byte_past_the_start_stops_the_rows_to_be_read_again() {
    let (bytes, bad_line) = ascii_then(2 * 1024 * 1024, b"Q1,Caf\xe9 \xa3\n");
    let f = temp_file(&bytes);
    let table = Table::open(f.path(), &streaming()).unwrap();
    assert_eq!(csv_format(&table).0, Encoding::Utf8, "taken from the start");
    match load_err(f.path(), &streaming()) {
        LoadError::EncodingUnsettled { row, .. } => assert_eq!(row, bad_line),
        e => panic!("{e:?}"),
    }
    // Opened again without the option, it is read whole first, as the error says to.
    let (table, rows, _) = load(f.path(), &opts());
    assert_eq!(csv_format(&table).0, Encoding::Windows1252);
    assert_eq!(rows.last().unwrap().cells, ["Q1", "Café £"]);
}

#[test]
fn read_once_a_windows_1252_byte_in_the_start_is_found_at_open() {
    let (mut bytes, _) = ascii_then(10 * 1024, b"Q1,Caf\xe9\n");
    while bytes.len() < 200 * 1024 {
        bytes.extend_from_slice(b"R,plain\n");
    }
    let f = temp_file(&bytes);
    let (table, rows, _) = load(f.path(), &streaming());
    assert_eq!(csv_format(&table).0, Encoding::Windows1252);
    assert!(rows.iter().any(|r| r.cells == ["Q1", "Café"]));
}

#[test]
fn read_once_a_windows_1252_byte_met_while_choosing_the_delimiter_is_read_whole() {
    // 50 rows of 16 KiB: choosing the delimiter reads all of them (up to 50 rows, 1 MiB), far
    // past the first read of the file, and the Windows-1252 byte is in row 40, before open
    // has finished.
    let mut bytes = b"Ref,Name\n".to_vec();
    for n in 0..50 {
        bytes.extend_from_slice(format!("P{n},{}\n", "x".repeat(16 * 1024)).as_bytes());
    }
    let at = 40 * 16 * 1024;
    assert!(bytes.len() > at && at > 512 * 1024);
    bytes[at] = 0xE9;
    let f = temp_file(&bytes);
    let (table, rows, _) = load(f.path(), &streaming());
    assert_eq!(csv_format(&table).0, Encoding::Windows1252);
    assert_eq!(rows.len(), 50);
}

#[test]
fn read_once_errors_that_no_encoding_would_cure_stay_errors() {
    // A byte-order mark settles the encoding: a bad byte is malformed, not a reason to retry.
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(ascii_then(100 * 1024, b"R2,Caf\xe9\n").0);
    let f = temp_file(&bytes);
    assert!(
        matches!(
            load_err(f.path(), &streaming()),
            LoadError::Malformed { .. }
        ),
        "a BOM file with a bad byte"
    );
    // A NUL byte is refused at once, wherever it is.
    let (bytes, nul_line) = ascii_then(100 * 1024, b"R2,a\0b\n");
    let f = temp_file(&bytes);
    match load_err(f.path(), &streaming()) {
        LoadError::Malformed { row, what, .. } => {
            assert_eq!(row, nul_line);
            assert!(what.contains("NUL"), "{what}");
        }
        e => panic!("{e:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Encoding errors

#[test]
fn mixed_encodings_far_down_the_file_are_refused() {
    let mut bytes = "Ref,Name\nK1,Renée\n".as_bytes().to_vec();
    let mut line = 2;
    while bytes.len() < 150 * 1024 {
        bytes.extend_from_slice(b"K,plain\n");
        line += 1;
    }
    bytes.extend_from_slice(b"K9,Ren\xe9e\n");
    let f = temp_file(&bytes);
    match load_err(f.path(), &opts()) {
        LoadError::Malformed { row, .. } => assert_eq!(row, line + 1),
        e => panic!("{e:?}"),
    }
}

#[test]
fn utf8_bom_with_invalid_bytes_is_refused() {
    let f = temp_file(b"\xef\xbb\xbfRef,Name\nR1,ok\nR2,Caf\xe9\n");
    match load_err(f.path(), &opts()) {
        LoadError::Malformed { row, what, .. } => {
            assert_eq!(row, 3);
            assert!(what.contains("UTF-8"), "{what}");
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn utf8_cut_off_at_the_end_is_not_utf8() {
    // "é" is C3 A9; a lone C3 at the very end is invalid, so the file is not UTF-8, and with no
    // valid multi-byte character it reads as Windows-1252: Ã.
    let f = temp_file(b"Ref,Name\nR1,ab\xc3");
    let (table, rows, _) = load(f.path(), &opts());
    assert_eq!(csv_format(&table).0, Encoding::Windows1252);
    assert_eq!(rows[0].cells, ["R1", "abÃ"]);
}

#[test]
fn utf16_without_bom_is_refused_with_a_clear_message() {
    match load_err(&fixture("utf16le_no_bom.csv"), &opts()) {
        LoadError::Unsupported { what, .. } => {
            assert!(what.contains("UTF-16"), "{what}");
            assert!(what.contains("little-endian"), "{what}");
        }
        e => panic!("{e:?}"),
    }
    let be = temp_file(
        &"Ref,Name\nS1,Ann\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect::<Vec<_>>(),
    );
    match load_err(be.path(), &opts()) {
        LoadError::Unsupported { what, .. } => assert!(what.contains("big-endian"), "{what}"),
        e => panic!("{e:?}"),
    }
}

#[test]
fn utf16_with_an_unpaired_surrogate_is_refused() {
    let mut bytes = vec![0xff, 0xfe];
    for u in "Ref,Name\nT1,A".encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    bytes.extend_from_slice(&0xD800u16.to_le_bytes());
    for u in "B\nT2,C\n".encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let f = temp_file(&bytes);
    match load_err(f.path(), &opts()) {
        LoadError::Malformed { row, what, .. } => {
            assert_eq!(row, 2);
            assert!(what.contains("UTF-16LE"), "{what}");
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn utf16_with_an_odd_number_of_bytes_is_refused() {
    let mut bytes = vec![0xff, 0xfe];
    for u in "Ref,Name\nT1,A\n".encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    bytes.push(b'x');
    let f = temp_file(&bytes);
    assert!(matches!(
        load_err(f.path(), &opts()),
        LoadError::Malformed { row: 3, .. }
    ));
}

// ---------------------------------------------------------------------------------------------
// Header

#[test]
fn header_on_row_4_below_title_lines() {
    let (table, rows, digest) = load(&fixture("title_lines.csv"), &header_at(4));
    assert_eq!(table.header_row, 4);
    assert_eq!(table.headers, ["Ref", "Name", "Town"]);
    assert_eq!(
        cells(&rows),
        [
            ["C1", "Ann Example", "Leeds"],
            ["C2", "Bob Example", "York"]
        ]
    );
    assert_eq!(numbers(&rows), [5, 7]);
    assert_eq!(digest.rows_read, 2);
}

#[test]
fn header_row_3_with_two_title_lines() {
    let f = temp_file(b"Report\nRun by X\nRef,Name\nU1,Ann\n");
    let (table, rows, _) = load(f.path(), &header_at(3));
    assert_eq!(table.header_row, 3);
    assert_eq!(table.headers, ["Ref", "Name"]);
    assert_eq!(cells(&rows), [["U1", "Ann"]]);
    assert_eq!(numbers(&rows), [4]);
}

#[test]
fn header_row_on_a_blank_line_is_an_error() {
    match load_err(&fixture("title_lines.csv"), &header_at(3)) {
        LoadError::BadHeader { row, problem, .. } => {
            assert_eq!(row, 3);
            assert!(problem.contains("blank"), "{problem}");
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn header_row_inside_a_multi_line_record_is_an_error() {
    match load_err(&fixture("quoted_crlf.csv"), &header_at(4)) {
        LoadError::BadHeader { row, problem, .. } => {
            assert_eq!(row, 4);
            assert!(problem.contains("row 3"), "{problem}");
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn header_row_past_the_end_and_zero_are_errors() {
    assert!(matches!(
        load_err(&fixture("utf8.csv"), &header_at(10)),
        LoadError::BadHeader { row: 10, .. }
    ));
    assert!(matches!(
        load_err(&fixture("utf8.csv"), &header_at(0)),
        LoadError::BadHeader { row: 0, .. }
    ));
}

#[test]
fn default_header_is_the_first_record_after_leading_blank_lines() {
    let f = temp_file(b"\r\n\r\nRef,Name\r\nW1,Ann\r\n");
    let (table, rows, _) = load(f.path(), &opts());
    assert_eq!(table.header_row, 3);
    assert_eq!(table.headers, ["Ref", "Name"]);
    assert_eq!(numbers(&rows), [4]);
}

#[test]
fn header_cells_are_trimmed_but_data_cells_are_not() {
    let f = temp_file(b" Ref ,\tName\n V1 , Ann \n");
    let (table, rows, _) = load(f.path(), &opts());
    assert_eq!(table.headers, ["Ref", "Name"]);
    assert_eq!(cells(&rows), [[" V1 ", " Ann "]]);
}

#[test]
fn duplicate_header_names_both_columns() {
    match load_err(&fixture("duplicate_header.csv"), &opts()) {
        LoadError::BadHeader { row, problem, .. } => {
            assert_eq!(row, 1);
            assert!(problem.contains("column 2"), "{problem}");
            assert!(problem.contains("column 4"), "{problem}");
            assert!(
                problem.contains("\"Name\"") && problem.contains("\"NAME\""),
                "{problem}"
            );
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn duplicate_header_name_is_shown_printable() {
    let f = temp_file(b"Ref,\"A\x1b]0;x\x07\",\"a\x1b]0;x\x07\"\n1,2,3\n");
    match load_err(f.path(), &opts()) {
        LoadError::BadHeader { problem, .. } => {
            assert!(!problem.contains('\x1b'), "{problem:?}");
            assert!(problem.contains("\\u{001b}"), "{problem:?}");
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn blank_header_names_the_column() {
    match load_err(&fixture("blank_header.csv"), &opts()) {
        LoadError::BadHeader { row, problem, .. } => {
            assert_eq!(row, 1);
            assert!(problem.contains("column 2"), "{problem}");
        }
        e => panic!("{e:?}"),
    }
    let f = temp_file(b" , \n1,2\n");
    assert!(matches!(
        load_err(f.path(), &opts()),
        LoadError::BadHeader { row: 1, .. }
    ));
}

#[test]
fn too_many_columns_counts_them_all() {
    let limits = Limits {
        max_columns: 3,
        ..Limits::default()
    };
    let f = temp_file(b"a,b,c,d,e\n1,2,3,4,5\n");
    match load_err(f.path(), &with_limits(limits)) {
        LoadError::TooManyColumns { found, limit, .. } => assert_eq!((found, limit), (5, 3)),
        e => panic!("{e:?}"),
    }
    let (table, _, _) = load(
        f.path(),
        &with_limits(Limits {
            max_columns: 5,
            ..Limits::default()
        }),
    );
    assert_eq!(table.headers.len(), 5);
}

// ---------------------------------------------------------------------------------------------
// Rows

#[test]
fn extra_empty_trailing_fields_are_dropped() {
    let (table, rows, _) = load(&fixture("trailing_empty.csv"), &opts());
    assert_eq!(table.headers, ["Ref", "Name", "Town"]);
    assert_eq!(
        cells(&rows),
        [
            ["D1", "Ann Example", "Leeds"],
            ["D2", "Bob Example", "York"],
            ["D3", "Cy Example", "Hull"],
        ]
    );
}

#[test]
fn blank_lines_are_skipped_and_rows_keep_their_line_numbers() {
    let f = temp_file(b"a,b\n\n1,2\r\n\r\n\r\n3,4\n\n");
    let (_, rows, digest) = load(f.path(), &opts());
    assert_eq!(cells(&rows), [["1", "2"], ["3", "4"]]);
    assert_eq!(numbers(&rows), [3, 6]);
    assert_eq!(digest.rows_read, 2);
}

#[test]
fn cr_only_line_endings_count_as_lines() {
    let (_, rows, _) = load(&fixture("cr_only.csv"), &opts());
    assert_eq!(cells(&rows), [["M1", "Ann"], ["M2", "Bob"]]);
    assert_eq!(numbers(&rows), [2, 4]);
}

#[test]
fn last_record_without_a_line_break() {
    let f = temp_file(b"a,b\n1,\"x\"");
    let (_, rows, _) = load(f.path(), &opts());
    assert_eq!(cells(&rows), [["1", "x"]]);
}

#[test]
fn unclosed_quote_swallowing_many_lines_names_the_opening_line() {
    let f = temp_file(b"a,b\n1,2\n3,\"four\r\n5,6\n7,8\r\n\r\n9,10");
    match load_err(f.path(), &opts()) {
        LoadError::Malformed { row, .. } => assert_eq!(row, 3),
        e => panic!("{e:?}"),
    }
    // In the header itself.
    let f = temp_file(b"a,\"b\n1,2\n");
    match load_err(f.path(), &opts()) {
        LoadError::Malformed { row, .. } => assert_eq!(row, 1),
        e => panic!("{e:?}"),
    }
    // An unclosed quote after an escaped quote.
    let f = temp_file(b"a,b\n1,\"x\"\"\n");
    assert!(matches!(
        load_err(f.path(), &opts()),
        LoadError::Malformed { row: 2, .. }
    ));
}

#[test]
fn closed_quotes_at_the_end_are_fine() {
    for bytes in [
        &b"a,b\n1,\"x\""[..],
        b"a,b\n1,\"x\"\"\"",
        b"a,b\n1,\"\"",
        b"a,b\n1,\"x\"\n",
        b"a,b\n1,\"x\ny\"",
    ] {
        let f = temp_file(bytes);
        let (_, rows, _) = load(f.path(), &opts());
        assert_eq!(rows.len(), 1, "{:?}", String::from_utf8_lossy(bytes));
    }
}

#[test]
fn cell_too_large_names_row_and_column() {
    let limits = Limits {
        max_cell_bytes: 10,
        ..Limits::default()
    };
    let f = temp_file(b"a,b,c\n1,2,3\n4,5,\"0123456789AB\"\n");
    match load_err(f.path(), &with_limits(limits)) {
        LoadError::CellTooLarge {
            row, column, limit, ..
        } => assert_eq!((row, column, limit), (3, 3, 10)),
        e => panic!("{e:?}"),
    }
    // Exactly at the limit is fine.
    let f = temp_file(b"a,b,c\n1,2,0123456789\n");
    load(f.path(), &with_limits(limits));
}

#[test]
fn cell_too_large_is_found_before_the_cell_is_all_read() {
    let limits = Limits {
        max_cell_bytes: 1000,
        max_record_bytes: 1_000_000_000,
        max_columns: 10,
    };
    let mut bytes = b"a,b\n1,\"".to_vec();
    bytes.resize(bytes.len() + 3_000_000, b'x');
    bytes.extend_from_slice(b"\"\n");
    let f = temp_file(&bytes);
    match load_err(f.path(), &with_limits(limits)) {
        LoadError::CellTooLarge { row, column, .. } => assert_eq!((row, column), (2, 2)),
        e => panic!("{e:?}"),
    }
}

#[test]
fn record_too_large_names_the_row() {
    let limits = Limits {
        max_cell_bytes: 10,
        max_record_bytes: 25,
        max_columns: 10,
    };
    let f = temp_file(b"a,b,c\n1,2,3\n\n0123456789,0123456789,0123456789\n");
    match load_err(f.path(), &with_limits(limits)) {
        LoadError::RecordTooLarge { row, limit, .. } => assert_eq!((row, limit), (4, 25)),
        e => panic!("{e:?}"),
    }
}

#[test]
fn a_row_of_millions_of_empty_fields_is_bounded() {
    let limits = Limits {
        max_record_bytes: 100,
        ..Limits::default()
    };
    let mut bytes = b"a,b\n1,2".to_vec();
    bytes.resize(bytes.len() + 2_000_000, b',');
    bytes.extend_from_slice(b"x\n");
    let f = temp_file(&bytes);
    match load_err(f.path(), &with_limits(limits)) {
        LoadError::Ragged {
            row,
            expected,
            found,
            ..
        } => assert_eq!((row, expected, found), (2, 2, 2_000_002)),
        e => panic!("{e:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Empty files

#[test]
fn empty_file() {
    assert!(matches!(
        load_err(&fixture("empty.csv"), &opts()),
        LoadError::Empty { .. }
    ));
    assert!(matches!(
        load_err(&fixture("blank_lines_only.csv"), &opts()),
        LoadError::Empty { .. }
    ));
    let f = temp_file(b"\xef\xbb\xbf");
    assert!(matches!(
        load_err(f.path(), &opts()),
        LoadError::Empty { .. }
    ));
}

#[test]
fn header_only_is_reported_by_open() {
    assert!(matches!(
        Table::open(&fixture("header_only.csv"), &opts()),
        Err(LoadError::HeaderOnly { .. })
    ));
    let f = temp_file(b"Title\n\nRef,Name\n\n\n");
    assert!(matches!(
        Table::open(f.path(), &header_at(3)),
        Err(LoadError::HeaderOnly { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Refused files: one mistake each, in tests/data/csv (made by its generate.py)

/// A file the loader must refuse, and what it must say: which error, at which row (where one
/// applies), and words the message holds.
struct Refused {
    file: &'static str,
    error: &'static str,
    row: Option<u64>,
    says: &'static [&'static str],
    /// The setting the advice must name, where one fixes it.
    fix: Option<Setting>,
}

#[rustfmt::skip]
const REFUSED: &[Refused] = &[
    Refused {
        file: "ambiguous.csv",
        error: "Unsupported",
        row: None,
        says: &["comma", "semicolon"],
        fix: None,
    },
    Refused {
        file: "mixed_encoding.csv",
        error: "Malformed",
        row: Some(3),
        says: &["mixes", "row 2"],
        fix: None,
    },
    Refused {
        file: "undefined_1252.csv",
        error: "Malformed",
        row: Some(3),
        says: &["0x81"],
        fix: None,
    },
    Refused {
        file: "nul.csv",
        error: "Malformed",
        row: Some(2),
        says: &["NUL"],
        fix: None,
    },
    Refused {
        file: "utf16le_no_bom.csv",
        error: "Unsupported",
        row: None,
        says: &["UTF-16", "little-endian"],
        fix: None,
    },
    Refused {
        file: "renamed_xls.csv",
        error: "Unsupported",
        row: None,
        says: &[".xls"],
        fix: None,
    },
    Refused {
        file: "ragged.csv",
        error: "Ragged",
        row: Some(3),
        says: &["3", "4"],
        fix: Some(Setting::HeaderRow),
    },
    // The title line is read as the header (one column); the real one, on row 4, has three.
    Refused {
        file: "title_lines.csv",
        error: "Ragged",
        row: Some(4),
        says: &["1", "3"],
        fix: Some(Setting::HeaderRow),
    },
    Refused {
        file: "ragged_short.csv",
        error: "Ragged",
        row: Some(3),
        says: &["3", "2"],
        fix: Some(Setting::HeaderRow),
    },
    Refused {
        file: "unclosed_quote.csv",
        error: "Malformed",
        row: Some(3),
        says: &["quote"],
        fix: None,
    },
    Refused {
        file: "duplicate_header.csv",
        error: "BadHeader",
        row: Some(1),
        says: &["column 2", "column 4", "\"Name\"", "\"NAME\""],
        fix: Some(Setting::HeaderRow),
    },
    Refused {
        file: "blank_header.csv",
        error: "BadHeader",
        row: Some(1),
        says: &["column 2"],
        fix: Some(Setting::HeaderRow),
    },
    Refused {
        file: "empty.csv",
        error: "Empty",
        row: None,
        says: &["empty"],
        fix: None,
    },
    Refused {
        file: "blank_lines_only.csv",
        error: "Empty",
        row: None,
        says: &["empty"],
        fix: None,
    },
    Refused {
        file: "header_only.csv",
        error: "HeaderOnly",
        row: None,
        says: &["no data rows"],
        fix: None,
    },
];

/// The error's name and the row it names, if any.
fn error_and_row(e: &LoadError) -> (&'static str, Option<u64>) {
    match e {
        LoadError::Unsupported { .. } => ("Unsupported", None),
        LoadError::Malformed { row, .. } => ("Malformed", Some(*row)),
        LoadError::Ragged { row, .. } => ("Ragged", Some(*row)),
        LoadError::BadHeader { row, .. } => ("BadHeader", Some(u64::from(*row))),
        LoadError::Empty { .. } => ("Empty", None),
        LoadError::HeaderOnly { .. } => ("HeaderOnly", None),
        other => panic!("not expected here: {other:?}"),
    }
}

#[test]
fn each_refused_file_says_what_is_wrong_where_and_what_to_do() {
    // Every other fixture loads: a new file one mistake in is added to the table.
    let dir = fixture("");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name == "generate.py" || name.starts_with('.') || REFUSED.iter().any(|c| c.file == name)
        {
            continue;
        }
        if let Ok(t) = Table::open(&dir.join(&name), &opts())
            && t.rows().is_ok_and(|mut rows| rows.all(|r| r.is_ok()))
        {
            continue;
        }
        panic!("{name} is refused but not in REFUSED");
    }
    for case in REFUSED {
        let path = fixture(case.file);
        let e = load_err(&path, &opts());
        assert_eq!(
            error_and_row(&e),
            (case.error, case.row),
            "{}: {e}",
            case.file
        );
        let message = e.to_string();
        assert!(message.contains(case.file), "names the file: {message}");
        for w in case.says {
            assert!(message.contains(w), "{}: {w:?} in {message}", case.file);
        }
        // What to do, in each face's words: the screens never name a flag.
        let advice = e.advice();
        assert!(!advice.is_empty(), "{}: no advice", case.file);
        if let Some(fix) = &case.fix {
            assert!(
                advice.settings().any(|s| s == fix),
                "{}: {advice:?}",
                case.file
            );
        }
        let on_screen = disclose::tui::words::advice(&advice);
        assert!(!on_screen.contains("--"), "{}: {on_screen}", case.file);

        // And through the binary, as the analyst meets it: exit 2, the error, then the advice.
        let out = crate::common::merton_dry_run(&path, &[]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {err}", case.file);
        let mut lines = err.lines();
        let first = lines.next().unwrap_or("");
        assert!(
            first.starts_with("error: ") && first.contains(case.file),
            "{}: {err}",
            case.file
        );
        let hint = lines.next().unwrap_or("").trim();
        assert_eq!(
            hint,
            disclose::cli::words::advice(&advice)
                .lines()
                .next()
                .unwrap_or(""),
            "{}",
            case.file
        );
        assert!(out.stdout.is_empty(), "{}", case.file);
    }
}

// ---------------------------------------------------------------------------------------------
// Digest and changes

#[test]
fn digest_is_the_sha256_of_the_raw_file() {
    for name in [
        "utf8.csv",
        "utf8_bom.csv",
        "utf16le_bom.txt",
        "utf16be_bom.csv",
        "windows1252.csv",
        "title_lines.csv",
        "quoted_crlf.csv",
    ] {
        let path = fixture(name);
        let bytes = std::fs::read(&path).unwrap();
        let options = if name == "title_lines.csv" {
            header_at(4)
        } else {
            opts()
        };
        let (table, rows, digest) = load(&path, &options);
        assert_eq!(digest.sha256, sha256_hex(&bytes), "{name}");
        assert_eq!(digest.rows_read, rows.len() as u64, "{name}");
        assert_eq!(table.size, bytes.len() as u64, "{name}");
    }
}

#[test]
fn digest_of_a_large_file_spanning_many_reads() {
    let mut bytes = "Ref,Name,Note\r\n".as_bytes().to_vec();
    let n = 40_000u64;
    for i in 0..n {
        bytes.extend_from_slice(format!("R{i},Ann Ö,\"a, \"\"b\"\"\r\nc\"\r\n").as_bytes());
    }
    let f = temp_file(&bytes);
    let (_, rows, digest) = load(f.path(), &opts());
    assert_eq!(digest.rows_read, n);
    assert_eq!(digest.sha256, sha256_hex(&bytes));
    assert_eq!(rows[1].number, 4);
    assert_eq!(rows.last().unwrap().number, 2 + 2 * (n - 1));
    assert_eq!(rows.last().unwrap().cells[2], "a, \"b\"\r\nc");
}

#[test]
fn digest_is_none_until_the_stream_ends() {
    let table = Table::open(&fixture("utf8.csv"), &opts()).unwrap();
    let mut rows = table.rows().unwrap();
    assert!(rows.digest().is_none());
    rows.next().unwrap().unwrap();
    assert!(rows.digest().is_none());
    rows.next().unwrap().unwrap();
    assert!(rows.digest().is_none());
    assert!(rows.next().is_none());
    assert!(rows.digest().is_some());
    assert!(rows.next().is_none());
}

#[test]
fn rows_can_be_streamed_twice() {
    let table = Table::open(&fixture("semicolon.csv"), &opts()).unwrap();
    let a: Vec<Row> = table.rows().unwrap().map(Result::unwrap).collect();
    let b: Vec<Row> = table.rows().unwrap().map(Result::unwrap).collect();
    assert_eq!(a, b);
    assert_eq!(a.len(), 2);
}

#[test]
fn a_file_changed_between_open_and_rows_is_refused() {
    let f = temp_file(b"a,b\n1,2\n");
    let table = Table::open(f.path(), &opts()).unwrap();
    std::fs::write(f.path(), b"a,b\n1,2\n3,4\n").unwrap();
    assert!(matches!(table.rows(), Err(LoadError::Changed { .. })));
}

#[test]
fn a_file_changed_while_rows_are_read_is_refused() {
    let mut bytes = b"a,b\n".to_vec();
    for i in 0..50_000 {
        bytes.extend_from_slice(format!("{i},x\n").as_bytes());
    }
    let f = temp_file(&bytes);
    let table = Table::open(f.path(), &opts()).unwrap();
    let mut rows = table.rows().unwrap();
    rows.next().unwrap().unwrap();
    // Append to the file while it is being read.
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(f.path())
        .unwrap();
    std::io::Write::write_all(&mut file, b"999999,y\n").unwrap();
    drop(file);
    let mut last = None;
    for row in rows.by_ref() {
        last = Some(row);
    }
    assert!(
        matches!(last, Some(Err(LoadError::Changed { .. }))),
        "{last:?}"
    );
    assert!(rows.digest().is_none());
}

#[test]
fn a_file_rewritten_in_place_while_rows_are_read_is_refused() {
    let mut bytes = b"a,b\n".to_vec();
    for i in 0..50_000 {
        bytes.extend_from_slice(format!("{i},x\n").as_bytes());
    }
    let f = temp_file(&bytes);
    let table = Table::open(f.path(), &opts()).unwrap();
    let mut rows = table.rows().unwrap();
    rows.next().unwrap().unwrap();
    // Same size, one byte changed near the end, and a new modification time (set explicitly,
    // so the test does not depend on the file system's clock resolution).
    let mut changed = bytes.clone();
    let at = changed.len() - 2;
    changed[at] = b'y';
    std::fs::write(f.path(), &changed).unwrap();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(f.path())
        .unwrap();
    file.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(60))
        .unwrap();
    drop(file);
    let last = rows.by_ref().last();
    assert!(
        matches!(last, Some(Err(LoadError::Changed { .. }))),
        "{last:?}"
    );
    assert!(rows.digest().is_none());
}

#[test]
fn a_header_changed_between_open_and_rows_is_refused() {
    let f = temp_file(b"a,b\n1,2\n");
    let table = Table::open(f.path(), &opts()).unwrap();
    std::fs::write(f.path(), b"a,c\n1,2\n").unwrap();
    assert!(matches!(table.rows(), Err(LoadError::Changed { .. })));
}

// ---------------------------------------------------------------------------------------------
// Never panic, never leak a cell

#[test]
fn errors_never_quote_cell_values() {
    let cases: [&[u8]; 5] = [
        b"a,b\nSECRET,1,SECRET\n",
        b"a,b\n1,\"SECRET\n",
        b"a,b\nSECRET\xc3\xa9,\xe9SECRET\n",
        b"a,b\nSECRET,\x00\n",
        b"a,b\nSECRET,SECRETSECRETSECRET\n",
    ];
    let limits = Limits {
        max_cell_bytes: 10,
        ..Limits::default()
    };
    for bytes in cases {
        let f = temp_file(bytes);
        let e = load_err(f.path(), &with_limits(limits));
        assert!(!e.to_string().contains("SECRET"), "{e}");
        assert!(!format!("{e:?}").contains("SECRET"), "{e:?}");
    }
}

/// A small deterministic pseudo-random generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Loads `bytes` as a file; if it loads without error, checks the digest and, for UTF-8 with
/// the header on the first record, that the csv crate reads the same header and cells.
/// Returns whether it loaded and whether it was compared.
fn load_and_compare(path: &Path, bytes: &[u8], options: &LoadOptions) -> (bool, bool) {
    std::fs::write(path, bytes).unwrap();
    let Ok(table) = Table::open(path, options) else {
        return (false, false);
    };
    let Ok(mut rows) = table.rows() else {
        return (false, false);
    };
    let mut got = Vec::new();
    for row in rows.by_ref() {
        match row {
            Ok(r) => {
                assert_eq!(r.cells.len(), table.headers.len());
                got.push(r);
            }
            Err(_) => return (false, false),
        }
    }
    assert_eq!(rows.digest().unwrap().sha256, sha256_hex(bytes));
    let (encoding, delimiter) = csv_format(&table);
    if options.header_row.is_some() || !matches!(encoding, Encoding::Utf8 | Encoding::Utf8Bom) {
        return (true, false);
    }
    let records: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let mut header: Vec<String> = records[0].iter().map(|h| h.trim().to_owned()).collect();
    while header.last().is_some_and(String::is_empty) {
        header.pop();
    }
    let shown = String::from_utf8_lossy(bytes);
    assert_eq!(header, table.headers, "{shown:?}");
    assert_eq!(records.len() - 1, got.len(), "{shown:?}");
    for (record, row) in records[1..].iter().zip(&got) {
        let width = table.headers.len();
        assert_eq!(&record[..width], &row.cells[..], "{shown:?}");
        assert!(record[width..].iter().all(String::is_empty), "{shown:?}");
    }
    (true, true)
}

#[test]
fn arbitrary_bytes_never_panic() {
    // Mostly ordinary text, with now and then a byte that makes trouble.
    let alphabet: &[u8] =
        b"aaaaaaaabbbb,,,,\n\n\"\";\t|\r \x00\xe9\xc3\xa9\xff\xfe\xef\xbb\xbf\x81\xd0\xcf";
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fuzz.csv");
    let limits = Limits {
        max_cell_bytes: 8,
        max_record_bytes: 20,
        max_columns: 6,
    };
    for i in 0..1500 {
        let len = rng.below(40);
        let mut bytes: Vec<u8> = (0..len).map(|_| *rng.pick(alphabet)).collect();
        if i % 3 == 0 {
            bytes.splice(0..0, *b"a,b\n");
        }
        let options = LoadOptions {
            limits,
            header_row: if i % 5 == 0 { Some(2) } else { None },
            ..LoadOptions::default()
        };
        load_and_compare(&path, &bytes, &options);
    }
}

#[test]
fn generated_csv_reads_as_the_csv_crate_reads_it() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gen.csv");
    let pieces = [
        "a", "b", "Zoë", "£", " ", "x y", ",", ";", "\t", "|", "\"", "\n", "\r\n", "\r", "1",
    ];
    let (mut loaded, mut compared) = (0, 0);
    for i in 0..1500 {
        let delimiter = *rng.pick(&[",", ";", "\t", "|"]);
        let eol = *rng.pick(&["\n", "\r\n", "\r"]);
        let width = 1 + rng.below(4);
        let mut text = String::new();
        if i % 4 == 0 {
            text.push('\u{feff}');
        }
        let header: Vec<String> = (0..width).map(|c| format!("H{c}")).collect();
        text.push_str(&header.join(delimiter));
        for _ in 0..rng.below(6) {
            text.push_str(eol);
            if rng.below(8) == 0 {
                text.push_str(eol); // a blank line
            }
            let fields: Vec<String> = (0..width)
                .map(|_| {
                    let value: String = (0..rng.below(4)).map(|_| *rng.pick(&pieces)).collect();
                    let special = value.contains(['"', '\n', '\r']) || value.contains(delimiter);
                    if special || rng.below(4) == 0 {
                        format!("\"{}\"", value.replace('"', "\"\""))
                    } else {
                        value
                    }
                })
                .collect();
            text.push_str(&fields.join(delimiter));
        }
        if rng.below(2) == 0 {
            text.push_str(eol);
        }
        let mut bytes = text.into_bytes();
        // Now and then, damage one byte.
        if i % 5 == 0 && !bytes.is_empty() {
            let at = rng.below(bytes.len());
            bytes[at] = *rng.pick(b"\",;\t\n\r\x00\xe9a");
        }
        let (l, c) = load_and_compare(&path, &bytes, &LoadOptions::default());
        loaded += usize::from(l);
        compared += usize::from(c);
    }
    // Most undamaged files with at least one row load (single-column files with a blank
    // row do not), and every UTF-8 one is compared.
    assert!(loaded > 800, "only {loaded} of 1500 loaded");
    assert!(compared > 800, "only {compared} of 1500 compared");
    eprintln!("{loaded} loaded, {compared} compared with the csv crate");
}

#[test]
fn rows_wanting_some_columns_leave_the_others_empty_and_read_the_file_whole() {
    let text = "URN,Name,Notes,Age\r\n1,Ann,\"long, quoted\",14\r\n2,Bob,\"multi\nline\",15\r\n";
    let file = temp_file(text.as_bytes());
    let (table, all, digest) = load(file.path(), &opts());
    let mut rows = table
        .rows_wanting(&[true, false, false, true])
        .expect("rows");
    let some: Vec<Row> = rows.by_ref().map(|r| r.expect("row")).collect();
    assert_eq!(cells(&some), [["1", "", "", "14"], ["2", "", "", "15"]]);
    assert_eq!(numbers(&some), numbers(&all));
    assert_eq!(rows.digest(), Some(digest.clone()));
    assert_eq!(digest.sha256, sha256_hex(text.as_bytes()));
}

#[test]
fn rows_wanting_still_refuse_bad_text_in_an_unwanted_column() {
    // Windows-1252 bytes under valid UTF-8 elsewhere: mixed encodings, refused even though
    // the column holding them is not wanted.
    let mut bytes = "URN,Name\r\n1,Zoë\r\n".as_bytes().to_vec();
    bytes.extend_from_slice(b"2,Zo\xEB\r\n");
    let file = temp_file(&bytes);
    let err = Table::open(file.path(), &opts())
        .and_then(|t| {
            t.rows_wanting(&[true, false])?
                .collect::<Result<Vec<_>, _>>()
        })
        .expect_err("mixed encodings");
    assert!(err.to_string().contains("row 3"), "{err}");
}

#[test]
fn a_byte_order_mark_before_the_first_record_is_dropped_later_ones_are_data_and_lines_stay_counted()
{
    // The file's own mark is taken off, and so is a second one before the first record.
    let file = temp_file(b"\xEF\xBB\xBF\xEF\xBB\xBFURN,Age\r\n1,14\r\n");
    let (table, rows, _) = load(file.path(), &opts());
    assert_eq!(table.headers, ["URN", "Age"]);
    assert_eq!(numbers(&rows), [2]);
    // A stray mark alone on a line after blank lines is skipped like a blank line, and the
    // lines after it are counted.
    let file = temp_file(b"\r\n\xEF\xBB\xBF\r\n\r\nURN,Age\r\n1,14\r\n\xEF\xBB\xBF2,15\r\n");
    let (table, rows, _) = load(file.path(), &opts());
    assert_eq!(table.header_row, 4);
    assert_eq!(table.headers, ["URN", "Age"]);
    assert_eq!(cells(&rows), [["1", "14"], ["\u{feff}2", "15"]]);
    assert_eq!(numbers(&rows), [5, 6]);
}

#[test]
fn next_into_reuses_one_row_and_gives_what_iterating_gives() {
    let text = "URN,Name,Notes\r\n1,A much longer name,\"x, y\"\r\n2,,\r\n3,Bo,\"multi\nline\"\r\n";
    let file = temp_file(text.as_bytes());
    let (table, all, digest) = load(file.path(), &opts());
    for wanted in [None, Some(vec![true, false, true])] {
        let mut rows = match &wanted {
            None => table.rows(),
            Some(w) => table.rows_wanting(w),
        }
        .expect("rows");
        let mut row = Row {
            number: 0,
            cells: vec!["left over".into(); 5],
        };
        let mut seen = Vec::new();
        while let Some(next) = rows.next_into(&mut row) {
            next.expect("row");
            seen.push(row.clone());
        }
        let expected: Vec<Row> = all
            .iter()
            .map(|r| Row {
                number: r.number,
                cells: r
                    .cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| match &wanted {
                        Some(w) if !w[i] => String::new(),
                        _ => c.clone(),
                    })
                    .collect(),
            })
            .collect();
        assert_eq!(seen, expected);
        assert_eq!(rows.digest(), Some(digest.clone()));
    }
}

/// Rows read wanting some columns, in place (as a pack reads them) and as owned rows.
fn wanted_rows(bytes: &[u8], wanted: &[bool]) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let file = temp_file(bytes);
    let table = Table::open(file.path(), &opts()).expect("open");
    let mut in_place = Vec::new();
    let mut rows = table.rows_wanting(wanted).expect("rows");
    while let Some(row) = rows.next_ref() {
        let row = row.unwrap_or_else(|e| panic!("{e}"));
        in_place.push((0..wanted.len()).map(|i| row.cell(i).to_string()).collect());
    }
    let owned = table
        .rows_wanting(wanted)
        .expect("rows")
        .map(|row| row.unwrap_or_else(|e| panic!("{e}")).cells)
        .collect();
    (in_place, owned)
}

#[test]
fn the_fields_after_the_last_one_wanted_are_counted_not_made() {
    let text = "A,B,C,D,E,F\n\
        a1,b1,c1,\"d,1\",e1,f1\n\
        a2,b2,c2,d2,\"e,2\",\"f\"\"2\"\n\
        a3,b3,c3,d3,e3,f3,,\n";
    let wanted = [false, true, false, true, false, false];
    let (in_place, owned) = wanted_rows(text.as_bytes(), &wanted);
    for row in [&in_place, &owned] {
        let shown: Vec<[&str; 2]> = row.iter().map(|r| [&*r[1], &*r[3]]).collect();
        assert_eq!(shown, [["b1", "d,1"], ["b2", "d2"], ["b3", "d3"]]);
        assert!(
            row.iter().all(|r| r[4].is_empty() && r[5].is_empty()),
            "{row:?}"
        );
    }
    assert!(owned.iter().all(|r| r[0].is_empty() && r[2].is_empty()));
}

#[test]
fn a_ragged_row_is_found_in_the_fields_after_the_last_one_wanted() {
    let wanted = [true, false, false];
    for (text, row) in [
        ("A,B,C\na,b,c\na,b\n", 3),
        ("A,B,C\na,b,c\na,b,\"c\",d\n", 3),
        ("A,B,C\na,\"b,c\"\n", 2),
    ] {
        let file = temp_file(text.as_bytes());
        let table = Table::open(file.path(), &opts()).expect("open");
        let mut rows = table.rows_wanting(&wanted).expect("rows");
        let err = loop {
            match rows.next_ref() {
                Some(Ok(_)) => continue,
                Some(Err(e)) => break e,
                None => panic!("{text:?} read without error"),
            }
        };
        assert!(
            matches!(err, LoadError::Ragged { row: r, .. } if r == row),
            "{text:?}: {err:?}"
        );
    }
}
