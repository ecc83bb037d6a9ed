//! The sheet reader (`cells`) against calamine's cells reader, cell by cell: on every sheet of
//! every workbook in the calamine suite and our fixtures, and on random sheets built from the
//! pieces real and broken files are made of. Both must give the same cells (position, value,
//! style id) in the same order, and fail at the same cell with the same sentence.

use super::cells::{Cells, Value};
use super::guarded::{open_workbook, xlsx_sentence};
use super::number_format::Kind;
use super::preflight::preflight;
use super::sheet::{Book, archive, cells_sentence, find_part, plan, zip_part};
use super::*;
use calamine::{DataRef, Reader, SheetType};
use proptest::prelude::*;
use std::fs::File;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// One reader's account of a sheet: its cells as text, then how it ended.
fn calamine_cells(wb: &mut Workbook, sheet: &str) -> Vec<String> {
    let mut out = Vec::new();
    let run = catch_unwind(AssertUnwindSafe(|| {
        let mut reader = match wb.worksheet_cells_reader(sheet) {
            Ok(r) => r,
            Err(e) => {
                out.push(format!("error: {}", xlsx_sentence(&e)));
                return;
            }
        };
        loop {
            match reader.next_cell_with_style_id() {
                Ok(Some((cell, style))) => {
                    let v = match cell.get_value() {
                        DataRef::Empty => "empty".to_string(),
                        DataRef::String(s) => format!("text {s:?}"),
                        DataRef::SharedString(s) => format!("text {s:?}"),
                        DataRef::Float(f) => format!("number {f:?}"),
                        DataRef::DateTime(dt) if dt.is_duration() => {
                            format!("duration {:?}", dt.as_f64())
                        }
                        DataRef::DateTime(dt) => format!("date {:?}", dt.as_f64()),
                        DataRef::DateTimeIso(s) => format!("iso {s:?}"),
                        DataRef::Error(e) => format!("error value {e:?}"),
                        DataRef::Bool(b) => format!("bool {b}"),
                        other => format!("other {other:?}"),
                    };
                    out.push(format!("{:?} {v} style {style}", cell.get_position()));
                }
                Ok(None) => {
                    out.push("end".into());
                    return;
                }
                Err(e) => {
                    out.push(format!("error: {}", xlsx_sentence(&e)));
                    return;
                }
            }
        }
    }));
    if run.is_err() {
        out.push("panic".into());
    }
    out
}

fn our_cells(path: &Path, file: &File, plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    let limits = Limits::default();
    let mut zip = archive(path, file).expect("the package opened for calamine");
    let book = match Book::read(path, &mut zip, plan, &limits) {
        Ok(b) => b,
        Err(e) => return vec![format!("error: {e}")],
    };
    let Some(i) = find_part(&zip, &plan.sheet_part) else {
        return vec!["no part".into()];
    };
    let part = zip_part(path, &mut zip, i).unwrap();
    let mut cells = Cells::new(
        part,
        &book.strings,
        &book.styles,
        token_cap(&limits) as usize,
    );
    loop {
        match cells.next_cell() {
            Ok(Some(cells::Cell { pos, value, style })) => {
                let v = match value {
                    Value::Empty => "empty".to_string(),
                    Value::Text(s) => format!("text {s:?}"),
                    Value::Number(f, Kind::Number) => format!("number {f:?}"),
                    Value::Number(f, Kind::Duration) => format!("duration {f:?}"),
                    Value::Number(f, Kind::DateTime) => format!("date {f:?}"),
                    Value::Iso(s) => format!("iso {s:?}"),
                    Value::Error(e) => format!("error value {e:?}"),
                    Value::Bool(b) => format!("bool {b}"),
                };
                out.push(format!("{pos:?} {v} style {style}"));
            }
            Ok(None) => {
                out.push("end".into());
                return out;
            }
            Err(e) => {
                out.push(format!("error: {}", cells_sentence(&e)));
                return out;
            }
        }
    }
}

/// Compare the two readers on every worksheet of the workbook at `path`. Workbooks that
/// calamine or the package checks refuse at open are skipped: the sheet reader never sees
/// them. Returns how many sheets were compared.
fn compare(path: &Path) -> usize {
    let file = File::open(path).unwrap();
    let no_cancel = AtomicBool::new(false);
    let Ok(package) = preflight(path, &file, &Limits::default(), &no_cancel, true) else {
        return 0;
    };
    let Ok(mut wb) = open_workbook(path, &file) else {
        return 0;
    };
    let is_1904 = wb.has_1904_epoch();
    let sheets: Vec<_> = wb
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    for sheet in &sheets {
        let theirs = calamine_cells(&mut wb, sheet);
        let plan = plan(path, &package, sheet, is_1904).unwrap_or_else(|e| {
            panic!("{}: sheet {sheet:?}: {e}", path.display());
        });
        let ours = our_cells(path, &file, &plan);
        // A panic in calamine (its overflow checks) may be a clear error here.
        if theirs.last().map(String::as_str) == Some("panic") {
            assert_eq!(ours[..theirs.len() - 1], theirs[..theirs.len() - 1]);
            assert!(ours[theirs.len() - 1].starts_with("error: "), "{ours:?}");
            continue;
        }
        assert_eq!(ours, theirs, "{}: sheet {sheet:?}", path.display());
    }
    sheets.len()
}

#[test]
fn every_suite_and_fixture_workbook_reads_the_same() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut compared = 0;
    for dir in ["tests/suites/calamine-xlsx", "fixtures"] {
        // A missing folder fails the test: it must never pass by comparing nothing.
        let entries =
            std::fs::read_dir(root.join(dir)).unwrap_or_else(|e| panic!("{dir} is missing: {e}"));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "xlsx") {
                compared += compare(&path);
            }
        }
    }
    // The calamine suite alone holds more than 30 worksheets.
    assert!(compared >= 30, "only {compared} sheets compared");
}

// ---------------------------------------------------------------------------------------------
// Random sheets

const STRINGS: &str = "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
    <si><t>plain</t></si>\
    <si><r><t>rich </t></r><r><t xml:space=\"preserve\"> runs </t></r><rPh><t>x</t></rPh></si>\
    <si><t>a_x000D_b&amp;c</t></si>\
    <si><t>  trimmed\r\n </t></si>\
    <si/></sst>";

const STYLES: &str = "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
    <numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/>\
    <numFmt numFmtId=\"165\" formatCode=\"[h]:mm\"/></numFmts>\
    <cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>\
    <xf numFmtId=\"165\"/><xf numFmtId=\"46\"/></cellXfs></styleSheet>";

/// Values as a `<v>` or `<t>` may hold them, from the ordinary to the broken.
fn text() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "1",
        "2.5",
        "-0",
        "1e3",
        "0",
        "3",
        "4",
        "99",
        "abc",
        " 1 ",
        "#N/A",
        "#DIV/0!",
        "#SPILL!",
        "true",
        "FALSE",
        "2",
        "2026-01-02T03:04:05",
        "a&amp;b",
        "&#49;2",
        "x\r\ny",
        "_x000D_",
        "  ",
        "",
        "45000.5",
        "<![CDATA[7]]>",
        "1<!-- c -->2",
        "inf",
        "NaN",
    ])
}

fn cell() -> impl Strategy<Value = String> {
    let reference = prop::option::of(prop::sample::select(vec![
        "A", "B", "C", "D", "AA", "a", "B", "C",
    ]));
    let style = prop::option::of(prop::sample::select(vec![
        "0", "1", "2", "3", "4", "9", "x", "",
    ]));
    let kind = prop::option::of(prop::sample::select(vec![
        "n",
        "s",
        "s",
        "str",
        "str",
        "inlineStr",
        "inlineStr",
        "b",
        "e",
        "d",
        "n",
        "zz",
    ]));
    // Weighted so that most sheets read to their end; the rare pieces make them fail.
    let body = prop_oneof![
        8 => text().prop_map(|t| format!("<v>{t}</v>")),
        2 => text().prop_map(|t| format!("<f>A1+1</f><v>{t}</v>")),
        1 => text().prop_map(|t| format!("<v>{t}</v><f/>")),
        3 => text().prop_map(|t| format!("<is><t>{t}</t></is>")),
        2 => text().prop_map(|t| format!("<is><t xml:space=\"preserve\">{t}</t></is>")),
        2 => text().prop_map(|t| format!("<is><r><t>{t}</t></r><r><t> b </t></r><rPh><t>p</t></rPh></is>")),
        1 => Just("<v/>".to_string()),
        2 => Just(String::new()),
        1 => Just("<v>1</v><extLst/>".to_string()),
    ];
    (reference, any::<u8>(), style, kind, body).prop_map(|(r, row, s, t, body)| {
        let mut tag = "<c".to_string();
        if let Some(r) = r {
            // Now and then a reference with row 0, which does not exist.
            let n = if row == 255 { 0 } else { 1 + row % 4 };
            tag.push_str(&format!(" r=\"{r}{n}\""));
        }
        if let Some(s) = s {
            tag.push_str(&format!(" s=\"{s}\""));
        }
        if let Some(t) = t {
            tag.push_str(&format!(" t=\"{t}\""));
        }
        if body.is_empty() && row % 2 == 0 {
            tag + "/>"
        } else {
            format!("{tag}>{body}</c>")
        }
    })
}

fn row() -> impl Strategy<Value = String> {
    (
        prop::option::of(1u32..6),
        prop::collection::vec(cell(), 0..5),
    )
        .prop_map(|(r, cells)| match r {
            Some(r) if cells.is_empty() => format!("<row r=\"{r}\"/>"),
            Some(r) => format!("<row r=\"{r}\">{}</row>", cells.concat()),
            None => format!("<row>{}</row>", cells.concat()),
        })
}

fn sheet() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(row(), 0..6),
        any::<bool>(),
        any::<bool>(),
        prop::option::weighted(0.2, any::<prop::sample::Index>()),
    )
        .prop_map(|(rows, prefixed, dimension, cut)| {
            let rows = rows.concat();
            let dim = if dimension {
                "<dimension ref=\"A1:D5\"/>"
            } else {
                ""
            };
            let xml = format!(
                "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
                 {dim}<sheetData>{rows}</sheetData></worksheet>"
            );
            let xml = if prefixed {
                // The same sheet with every element in a prefixed namespace.
                xml.replace("<", "<x:")
                    .replace("<x:/", "</x:")
                    .replace("<x:!", "<!")
                    .replace("<x:worksheet xmlns=", "<x:worksheet xmlns:x=")
            } else {
                xml
            };
            // Now and then the part ends early, anywhere.
            match cut {
                Some(at) => xml[..at.index(xml.len())].to_string(),
                None => xml,
            }
        })
}

fn package(dir: &Path, sheet: &str) -> PathBuf {
    const RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let parts = [
        (
            "[Content_Types].xml",
            "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"
                .to_string(),
        ),
        (
            "_rels/.rels",
            format!(
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                 <Relationship Id=\"rId1\" Type=\"{RELS}/officeDocument\" Target=\"xl/workbook.xml\"/>\
                 </Relationships>"
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
                 xmlns:r=\"{RELS}\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                 <Relationship Id=\"rId1\" Type=\"{RELS}/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
                 </Relationships>"
            ),
        ),
        ("xl/worksheets/sheet1.xml", sheet.to_string()),
        ("xl/sharedStrings.xml", STRINGS.to_string()),
        ("xl/styles.xml", STYLES.to_string()),
    ];
    let path = dir.join("random.xlsx");
    let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
    for (name, body) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    path
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_sheets_read_the_same(sheet in sheet()) {
        let dir = tempfile::tempdir().unwrap();
        let path = package(dir.path(), &sheet);
        prop_assert_eq!(compare(&path), 1, "{}", sheet);
    }
}
