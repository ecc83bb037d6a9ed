//! XLSX loading with the XML fuzzed inside a sound package. The input (after the optional
//! options byte, see `common`) is up to four parts separated by NUL bytes, which XML never
//! holds: the sheet, the shared strings, the styles and the workbook. They are packed, stored,
//! into a zip with correct checksums, so mutations reach the XML reader and the loader's cell
//! handling instead of dying at a broken checksum. Missing parts take plain defaults.
#![no_main]

mod common;

use disclose::load::Table;
use libfuzzer_sys::fuzz_target;
use std::io::Write;

const NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn default_sheet() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1" t="inlineStr"><is><t>DOB</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c><c r="B2" s="1"><v>40000</v></c></row></sheetData></worksheet>"#
    )
}

fn default_workbook() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{NS}" xmlns:r="{RELS}"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    )
}

fn package(
    sheet: &[u8],
    strings: Option<&[u8]>,
    styles: Option<&[u8]>,
    workbook: &[u8],
) -> Vec<u8> {
    let mut types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#,
    );
    // Several relationship ids lead to the one sheet, so workbooks taken from real files (which
    // name sheets rId1, rId2, ...) still find a sheet.
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

    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", root_rels.as_bytes()),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
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
        zip.start_file(name, options).expect("zip entry");
        zip.write_all(bytes).expect("zip write");
    }
    zip.finish().expect("zip finish").into_inner()
}

fn nonempty(p: Option<&[u8]>) -> Option<&[u8]> {
    p.filter(|p| !p.is_empty())
}

fuzz_target!(init: common::let_guards_catch_dependency_panics(), |data: &[u8]| {
    let (options, body) = common::split_options(data);
    let mut pieces = body.splitn(4, |&b| b == 0);
    let sheet = nonempty(pieces.next());
    let strings = nonempty(pieces.next());
    let styles = nonempty(pieces.next());
    let workbook = nonempty(pieces.next());
    let default_sheet = default_sheet();
    let default_workbook = default_workbook();
    let file = package(
        sheet.unwrap_or(default_sheet.as_bytes()),
        strings,
        styles,
        workbook.unwrap_or(default_workbook.as_bytes()),
    );
    let path = common::write_scratch("parts.xlsx", &file);
    match Table::open(&path, &options) {
        Ok(table) => {
            let _ = common::check_table(&table, &options, &file);
        }
        Err(e) => {
            let _ = (e.to_string(), e.hint());
        }
    }
});
