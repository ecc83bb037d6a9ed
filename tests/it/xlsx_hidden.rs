//! Hidden rows and columns in the sheet being read (issue 5): hiding changes only what Excel
//! shows, so their cells are read and may be shared like any other. The loader lists them on
//! the table, and `disclose pack` warns about them in its summary.

use crate::common;
use crate::tui_support;
use crate::xlsx_fixtures;

use disclose::load::{Format, HiddenCells, HiddenColumn, LoadOptions, Table};
use std::path::Path;
use xlsx_fixtures as fx;

fn open(path: &Path, sheet: Option<&str>) -> Table {
    let options = LoadOptions {
        sheet: sheet.map(str::to_string),
        ..LoadOptions::default()
    };
    Table::open(path, &options).unwrap_or_else(|e| panic!("{e}"))
}

fn hidden(table: &Table) -> &HiddenCells {
    match &table.format {
        Format::Xlsx { hidden, .. } => hidden,
        other => panic!("not a workbook: {other:?}"),
    }
}

fn column(letters: &str, header: &str) -> HiddenColumn {
    HiddenColumn {
        letters: letters.into(),
        header: header.into(),
    }
}

#[test]
fn hidden_rows_and_columns_of_the_sheet_being_read_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let path = fx::hidden(dir.path()).unwrap();
    let table = open(&path, None);
    assert_eq!(table.header_row, 1);
    // Row 50 is hidden but empty, and column H hidden beyond the header: neither can be shared.
    assert_eq!(
        hidden(&table),
        &HiddenCells {
            rows: 3,
            first_rows: vec![12, 15, 40],
            columns: vec![column("F", "Notes")],
        }
    );
    // And they are still read: hidden row 12 and hidden column F included.
    let rows: Vec<_> = table.rows().unwrap().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 40);
    let twelve = rows
        .iter()
        .find(|r| r.number == 12)
        .expect("row 12 is read");
    assert_eq!(twelve.cells[0], "0011");
    assert_eq!(twelve.cells[5], "note 11");
}

#[test]
fn hidden_rows_above_the_header_are_not_counted_and_only_five_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let path = fx::hidden(dir.path()).unwrap();
    // A sheet name with an XML escape in the workbook part (R&amp;D) is still found.
    let table = open(&path, Some("R&D"));
    assert_eq!(table.header_row, 3);
    assert_eq!(
        hidden(&table),
        &HiddenCells {
            rows: 7,
            first_rows: vec![5, 6, 7, 8, 9],
            columns: vec![column("B", "Value")],
        }
    );
}

#[test]
fn zero_heights_and_widths_hide_too_and_empty_hidden_rows_do_not_count() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{ns}"><cols><col min="2" max="2" width="0" customWidth="1"/></cols><sheetData>
<row r="1">{a1}{b1}</row>
<row r="2" ht="0" customHeight="1">{a2}</row>
<row r="3" hidden="1"><c r="A3" s="0"/></row>
<row r="4">{a4}</row>
</sheetData></worksheet>"#,
        ns = fx::NS,
        a1 = fx::istr("A1", "Name"),
        b1 = fx::istr("B1", "Area"),
        a2 = fx::istr("A2", "x"),
        a4 = fx::istr("A4", "y"),
    );
    let path = fx::crafted(dir.path(), "zero.xlsx", &sheet).unwrap();
    let table = open(&path, None);
    assert_eq!(
        hidden(&table),
        &HiddenCells {
            rows: 1,
            first_rows: vec![2],
            columns: vec![column("B", "Area")],
        }
    );
}

#[test]
fn a_sheet_hiding_nothing_lists_nothing_even_when_another_sheet_hides() {
    let dir = tempfile::tempdir().unwrap();
    let plain = fx::strings(
        dir.path(),
        "plain.xlsx",
        &[(0, 0, "Name"), (0, 1, "Area"), (1, 0, "x"), (1, 1, "y")],
    )
    .unwrap();
    assert!(hidden(&open(&plain, None)).is_empty());
    // The CRIS-like workbook hides whole sheets, but no row or column of the one being read.
    let cris = fx::cris(dir.path()).unwrap();
    assert!(hidden(&open(&cris, Some("Summary"))).is_empty());
}

/// `disclose pack --dry-run` (the text summary) under a profile without rules.
fn dry_run(input: &Path, extra: &[&str]) -> String {
    let out = common::merton_dry_run(input, extra);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn the_pack_summary_warns_of_hidden_rows_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = fx::hidden(dir.path()).unwrap();
    let out = dry_run(&path, &[]);
    assert!(
        out.lines().any(|l| l
            == "    ! Sheet 'Data' has 3 hidden rows (12, 15, 40) and 1 hidden column (F 'Notes'). \
                Hidden cells are still read: check they may be shared."),
        "{out}"
    );
    let out = dry_run(&path, &["--sheet", "R&D"]);
    assert!(
        out.lines().any(|l| l
            == "    ! Sheet 'R&D' has 7 hidden rows (first: 5, 6, 7, 8, 9) and 1 hidden column \
                (B 'Value'). Hidden cells are still read: check they may be shared."),
        "{out}"
    );

    let plain = fx::strings(
        dir.path(),
        "plain.xlsx",
        &[(0, 0, "Name"), (0, 1, "Area"), (1, 0, "x"), (1, 1, "y")],
    )
    .unwrap();
    let out = dry_run(&plain, &[]);
    assert!(out.contains("XLSX, sheet"), "{out}");
    assert!(!out.contains("hidden"), "{out}");
}

#[test]
fn the_json_summary_lists_hidden_rows_and_columns_and_null_when_none() {
    let dir = tempfile::tempdir().unwrap();
    let path = fx::hidden(dir.path()).unwrap();
    let json: serde_json::Value = serde_json::from_str(&dry_run(&path, &["--json"])).unwrap();
    assert_eq!(
        json["inputs"][0]["hidden"],
        serde_json::json!({
            "rows": 3,
            "first_rows": [12, 15, 40],
            "columns": [{"letters": "F", "header": "Notes"}],
        })
    );
    let plain = fx::strings(
        dir.path(),
        "plain.xlsx",
        &[(0, 0, "Name"), (0, 1, "Area"), (1, 0, "x"), (1, 1, "y")],
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&dry_run(&plain, &["--json"])).unwrap();
    assert_eq!(json["inputs"][0]["hidden"], serde_json::Value::Null);
}

#[test]
fn the_open_screen_warns_of_hidden_rows_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    fx::hidden(dir.path()).unwrap();
    let catalog = disclose::profile::Catalog::embedded().unwrap();
    // Wide enough for the warning to stand on one line of the details pane.
    let mut s = tui_support::Screen::new(&catalog, tui_support::options(dir.path()), 320, 30);
    s.enter().typ("hidden.xlsx").enter().settle();
    let text = s.text();
    assert!(
        text.contains(
            "! Sheet 'Data' has 3 hidden rows (12, 15, 40) and 1 hidden column (F 'Notes'). \
             Hidden cells are still read: check they may be shared."
        ),
        "{text}"
    );
}
