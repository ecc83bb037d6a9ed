//! The same export in every encoding and layout an analyst meets gives exactly the same
//! shared rows: UTF-8 with and without BOM, UTF-16 LE/BE (Excel's "Unicode text", tabs),
//! Windows-1252, semicolons, CRLF, and an XLSX workbook with title rows and several sheets.

use crate::common;

use common::*;
use disclose::apply::Decisions;
use disclose::load::{Encoding, Format, LoadOptions, Table};
use std::path::PathBuf;

/// The Bromley fixture with one accented name, so every encoding has a non-ASCII character to
/// get right.
fn source() -> String {
    std::fs::read_to_string(fixture("cris-victims.csv"))
        .unwrap()
        .replace("Amira Okafor", "Amira Okafór")
}

/// Re-delimit a simple CSV (the fixture's quoted fields hold commas and one a newline).
fn with_delimiter(text: &str, delim: char) -> String {
    let mut out = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(delim as u8)
            .from_writer(&mut out);
        for r in reader.records() {
            w.write_record(&r.unwrap()).unwrap();
        }
    }
    String::from_utf8(out).unwrap()
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        out.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

fn shared_names(s: &Shared) -> Vec<String> {
    s.rows[0].iter().map(|r| r[0].clone()).collect()
}

fn expected_names() -> Vec<String> {
    [
        "Amira Okafór",
        "Derek Mills",
        "Priya Shah",
        "Nina Brooks",
        "'=HYPERLINK(\"http://example.invalid\",\"click\")",
        "Grace Adeyemi",
        "Jack O'Neill",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[test]
fn every_encoding_and_delimiter_shares_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let text = source();
    let tabbed = with_delimiter(&text, '\t');
    let cases: Vec<(&str, Vec<u8>, Encoding, u8)> = vec![
        ("utf8.csv", text.clone().into_bytes(), Encoding::Utf8, b','),
        (
            "utf8-bom.csv",
            [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
            Encoding::Utf8Bom,
            b',',
        ),
        (
            "crlf.csv",
            text.replace('\n', "\r\n").into_bytes(),
            Encoding::Utf8,
            b',',
        ),
        (
            "semicolon.csv",
            with_delimiter(&text, ';').into_bytes(),
            Encoding::Utf8,
            b';',
        ),
        (
            "unicode-text-le.txt",
            utf16(&tabbed, false),
            Encoding::Utf16Le,
            b'\t',
        ),
        (
            "unicode-text-be.txt",
            utf16(&tabbed, true),
            Encoding::Utf16Be,
            b'\t',
        ),
        (
            "windows-1252.csv",
            encoding_rs::WINDOWS_1252.encode(&text).0.into_owned(),
            Encoding::Windows1252,
            b',',
        ),
    ];
    let p = profile("bromley-yot-victims");
    for (name, bytes, encoding, delimiter) in cases {
        let path: PathBuf = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let table =
            Table::open(&path, &LoadOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            table.format,
            Format::Csv {
                encoding,
                delimiter
            },
            "{name}"
        );
        let s = run(&p, &[path], Decisions::default(), &[]);
        assert_eq!(shared_names(&s), expected_names(), "{name}");
        assert_eq!(
            s.rows[0][2][1], "Flat 4, 9 Oak Street, Bromley BR2 9AA",
            "{name}"
        );
        assert_eq!(
            exclusions(&s.summary).iter().map(|e| e.2).sum::<u64>(),
            8,
            "{name}"
        );
        assert_eq!(s.summary.inputs[0].encoding, encoding.name(), "{name}");
    }
}

fn open_sheet(sheet: &str) -> Table {
    let options = LoadOptions {
        sheet: Some(sheet.into()),
        ..LoadOptions::default()
    };
    Table::open(&fixture("police-exports.xlsx"), &options).unwrap()
}

#[test]
fn the_workbook_lists_its_sheets_and_finds_the_header_below_the_title_rows() {
    let t = Table::open(&fixture("police-exports.xlsx"), &LoadOptions::default()).unwrap();
    match &t.format {
        Format::Xlsx { sheet, sheets, .. } => {
            assert_eq!(
                sheet, "CRIS victims",
                "the first visible sheet is the default"
            );
            let listed: Vec<(&str, &str)> = sheets
                .iter()
                .map(|s| (s.name.as_str(), s.visibility))
                .collect();
            assert_eq!(
                listed,
                [
                    ("CRIS victims", "visible"),
                    ("Merlin Orochi", "visible"),
                    ("Lookups", "hidden")
                ]
            );
        }
        other => panic!("not read as a workbook: {other:?}"),
    }
    assert_eq!(t.header_row, 4);
}

#[test]
fn an_xlsx_sheet_gives_the_same_bromley_rows_as_the_csv() {
    let p = profile("bromley-yot-victims");
    let s = run_tables(
        &p,
        vec![open_sheet("CRIS victims")],
        Decisions::default(),
        &[],
    );
    // Excel rows: header on 4, data from 5; the CSV's multi-line record is one Excel row.
    assert_eq!(s.row_numbers[0], [5, 6, 7, 14, 16, 17, 18]);
    assert_eq!(s.rows[0][0][0], "Amira Okafor");
    assert_eq!(
        s.rows[0][4][0],
        "'=HYPERLINK(\"http://example.invalid\",\"click\")"
    );
    // Ages were numbers in the workbook: they keep their text form.
    assert_eq!(s.rows[0][0][3], "34");
    assert_eq!(s.summary.rows.read, 15);
    assert_eq!(exclusions(&s.summary).iter().map(|e| e.2).sum::<u64>(), 8);
}

#[test]
fn an_xlsx_sheet_with_real_dates_gives_the_same_orochi_rows_as_the_csv() {
    let p = profile("orochi-rescue-response");
    let csv = run(
        &p,
        &[fixture("merlin-orochi.csv")],
        Decisions::default(),
        &[],
    );
    let xlsx = run_tables(
        &p,
        vec![open_sheet("Merlin Orochi")],
        Decisions::default(),
        &[],
    );
    assert_eq!(xlsx.summary.rows.shared, 2);
    assert_eq!(exclusions(&xlsx.summary), exclusions(&csv.summary));
    // Same people; the date of birth comes out as ISO from the workbook, UK form from the CSV.
    let dob = csv.headers[0]
        .iter()
        .position(|h| h == "Subject date of birth")
        .unwrap();
    assert_eq!(xlsx.rows[0].len(), csv.rows[0].len());
    for (x, c) in xlsx.rows[0].iter().zip(&csv.rows[0]) {
        assert_eq!(x[0], c[0]);
        let from_csv = disclose::dates::Date::parse_export(&c[dob]).unwrap();
        assert_eq!(x[dob], from_csv.to_string());
    }
}
