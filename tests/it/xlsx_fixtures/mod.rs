//! Fixture generator for the XLSX loader tests: synthetic workbooks written at test time into a
//! temporary directory, so no binary fixture is committed.
//!
//! - Workbooks as Excel would write them come from `rust_xlsxwriter` (dev-dependency).
//! - Crafted packages (a sheet claiming a huge dimension, broken or hostile parts) are built
//!   by hand with the `zip` crate from minimal workbook XML.
#![allow(dead_code)]

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use std::io::Write;
use std::path::{Path, PathBuf};

pub type BoxResult<T> = Result<T, Box<dyn std::error::Error>>;

/// The CRIS-like workbook: four sheets, in this order:
///
/// 1. "Lookups" (hidden): a small code table.
/// 2. "Offences" (visible, the first visible one): two title rows, the header on row 3, data
///    from row 4 with an empty row 6 in the middle.
/// 3. "Summary" (visible): header on row 1.
/// 4. "Config" (very hidden).
pub fn cris(dir: &Path) -> BoxResult<PathBuf> {
    let path = dir.join("cris_extract.xlsx");
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let stamp = Format::new().set_num_format("dd/mm/yyyy hh:mm");

    let lookups = wb.add_worksheet();
    lookups.set_name("Lookups")?;
    lookups.write_string(0, 0, "Code")?;
    lookups.write_string(0, 1, "Meaning")?;
    lookups.write_string(1, 0, "TH")?;
    lookups.write_string(1, 1, "Theft")?;
    lookups.set_hidden(true);

    let offences = wb.add_worksheet();
    offences.set_name("Offences")?;
    offences.set_active(true);
    offences.write_string(0, 0, "Monthly CRIS extract - October 2026")?;
    offences.write_string(1, 0, "Produced by the Performance Unit; OFFICIAL-SENSITIVE")?;
    let headers = [
        "CRIS Number",
        "Reported",
        "Offence",
        "Victim Phone",
        "Postcode",
        " Officer ",
        "Closed",
    ];
    for (c, h) in headers.iter().enumerate() {
        offences.write_string(2, c as u16, *h)?;
    }
    // Row 4
    offences.write_string(3, 0, "0012345/26")?;
    offences.write_datetime_with_format(3, 1, ExcelDateTime::from_ymd(2026, 10, 1)?, &date)?;
    offences.write_string(3, 2, "Theft from person")?;
    offences.write_number(3, 3, 7_700_900_123.0)?;
    offences.write_string(3, 4, "SW1A 1AA")?;
    offences.write_string(3, 5, "007")?;
    offences.write_boolean(3, 6, false)?;
    // Row 5
    offences.write_string(4, 0, "0012346/26")?;
    offences.write_datetime_with_format(
        4,
        1,
        ExcelDateTime::from_ymd(2026, 10, 2)?.and_hms(14, 30, 0)?,
        &stamp,
    )?;
    offences.write_string(4, 2, "  Burglary - dwelling\r\nsecond line ")?;
    offences.write_string(4, 4, "E1 6AN")?;
    offences.write_number(4, 5, 1.5)?;
    offences.write_boolean(4, 6, true)?;
    // Row 6 is empty; row 7:
    offences.write_string(6, 0, "0012347/26")?;
    offences.write_formula(6, 2, Formula::new("=Lookups!B2").set_result("Theft"))?;
    offences.write_formula(6, 3, Formula::new("=NA()").set_result("#N/A"))?;

    let summary = wb.add_worksheet();
    summary.set_name("Summary")?;
    summary.write_string(0, 0, "Offence")?;
    summary.write_string(0, 1, "Count")?;
    summary.write_string(1, 0, "Theft from person")?;
    summary.write_number(1, 1, 1)?;
    summary.write_string(2, 0, "Burglary - dwelling")?;
    summary.write_formula(2, 1, Formula::new("=1+1").set_result("2"))?;

    let config = wb.add_worksheet();
    config.set_name("Config")?;
    config.write_string(0, 0, "Key")?;
    config.write_string(0, 1, "Value")?;
    config.write_string(1, 0, "version")?;
    config.write_number(1, 1, 3)?;
    config.set_very_hidden(true);

    wb.save(&path)?;
    Ok(path)
}

/// One value per row under the header "Case" | "Value": column A names the case.
pub fn values(dir: &Path) -> BoxResult<PathBuf> {
    let path = dir.join("values.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Values")?;
    ws.write_string(0, 0, "Case")?;
    ws.write_string(0, 1, "Value")?;
    let mut row = 1u32;
    let mut case = |name: &str| {
        let r = row;
        row += 1;
        (r, name.to_string())
    };

    let (r, n) = case("phone");
    ws.write_string(r, 0, n)?;
    ws.write_number(r, 1, 7_700_900_123.0)?;
    let (r, n) = case("one and a half");
    ws.write_string(r, 0, n)?;
    ws.write_number(r, 1, 1.5)?;
    let (r, n) = case("negative");
    ws.write_number(r, 1, -42.0)?;
    ws.write_string(r, 0, n)?;
    let (r, n) = case("float artifact");
    ws.write_string(r, 0, n)?;
    ws.write_number(r, 1, 0.1 + 0.2)?;
    let (r, n) = case("tiny");
    ws.write_string(r, 0, n)?;
    ws.write_number(r, 1, 0.000_000_1)?;
    let (r, n) = case("big integer");
    ws.write_string(r, 0, n)?;
    ws.write_number(r, 1, 123_456_789_012_345.0)?;
    let (r, n) = case("two decimals format");
    ws.write_string(r, 0, n)?;
    ws.write_number_with_format(r, 1, 2.5, &Format::new().set_num_format("0.00"))?;
    let (r, n) = case("percent format");
    ws.write_string(r, 0, n)?;
    ws.write_number_with_format(r, 1, 0.25, &Format::new().set_num_format("0%"))?;
    let (r, n) = case("leading zeros text");
    ws.write_string(r, 0, n)?;
    ws.write_string(r, 1, "007")?;
    let (r, n) = case("spaces kept");
    ws.write_string(r, 0, n)?;
    ws.write_string(r, 1, "  padded  ")?;
    let (r, n) = case("crlf kept");
    ws.write_string(r, 0, n)?;
    ws.write_string(r, 1, "line 1\r\nline 2")?;
    let (r, n) = case("date");
    ws.write_string(r, 0, n)?;
    ws.write_datetime_with_format(
        r,
        1,
        ExcelDateTime::from_ymd(2026, 10, 1)?,
        &Format::new().set_num_format("yyyy-mm-dd"),
    )?;
    let (r, n) = case("uk date");
    ws.write_string(r, 0, n)?;
    ws.write_datetime_with_format(
        r,
        1,
        ExcelDateTime::from_ymd(2026, 2, 28)?,
        &Format::new().set_num_format("dd/mm/yyyy"),
    )?;
    let (r, n) = case("datetime");
    ws.write_string(r, 0, n)?;
    ws.write_datetime_with_format(
        r,
        1,
        ExcelDateTime::from_ymd(2026, 10, 1)?.and_hms(14, 30, 5)?,
        &Format::new().set_num_format("dd/mm/yyyy hh:mm:ss"),
    )?;
    let (r, n) = case("datetime at midnight");
    ws.write_string(r, 0, n)?;
    ws.write_datetime_with_format(
        r,
        1,
        ExcelDateTime::from_ymd(2026, 10, 1)?,
        &Format::new().set_num_format("dd/mm/yyyy hh:mm"),
    )?;
    let (r, n) = case("date with hidden time");
    ws.write_string(r, 0, n)?;
    ws.write_datetime_with_format(
        r,
        1,
        ExcelDateTime::from_ymd(2026, 10, 1)?.and_hms(6, 0, 0)?,
        &Format::new().set_num_format("dd/mm/yyyy"),
    )?;
    let (r, n) = case("time");
    ws.write_string(r, 0, n)?;
    ws.write_datetime_with_format(
        r,
        1,
        ExcelDateTime::from_hms(9, 5, 0)?,
        &Format::new().set_num_format("hh:mm"),
    )?;
    let (r, n) = case("duration");
    ws.write_string(r, 0, n)?;
    ws.write_number_with_format(r, 1, 1.5, &Format::new().set_num_format("[h]:mm:ss"))?;
    let (r, n) = case("true");
    ws.write_string(r, 0, n)?;
    ws.write_boolean(r, 1, true)?;
    let (r, n) = case("false");
    ws.write_string(r, 0, n)?;
    ws.write_boolean(r, 1, false)?;
    for (name, token) in [
        ("error n/a", "#N/A"),
        ("error div0", "#DIV/0!"),
        ("error ref", "#REF!"),
        ("error value", "#VALUE!"),
        ("error name", "#NAME?"),
        ("error num", "#NUM!"),
        ("error null", "#NULL!"),
    ] {
        let (r, n) = case(name);
        ws.write_string(r, 0, n)?;
        ws.write_formula(r, 1, Formula::new("=1/0").set_result(token))?;
    }
    let (r, n) = case("formula number");
    ws.write_string(r, 0, n)?;
    ws.write_formula(r, 1, Formula::new("=6*7").set_result("42"))?;
    let (r, n) = case("formula text");
    ws.write_string(r, 0, n)?;
    ws.write_formula(r, 1, Formula::new("=\"a\"&\"b\"").set_result("ab"))?;
    let (r, n) = case("empty");
    ws.write_string(r, 0, n)?;

    wb.save(&path)?;
    Ok(path)
}

/// A header row and a table; `cells` are (row, col, text) written as strings.
pub fn strings(dir: &Path, name: &str, cells: &[(u32, u16, &str)]) -> BoxResult<PathBuf> {
    let path = dir.join(name);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Data")?;
    for (r, c, text) in cells {
        ws.write_string(*r, *c, *text)?;
    }
    wb.save(&path)?;
    Ok(path)
}

/// Header "Name" | "Area" | "Note"; row 2 has B2:C2 merged holding "merged"; row 3 has
/// A3:A4 merged holding "tall".
pub fn merged(dir: &Path) -> BoxResult<PathBuf> {
    let path = dir.join("merged.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Name", "Area", "Note"].iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    ws.write_string(1, 0, "first")?;
    ws.merge_range(1, 1, 1, 2, "merged", &Format::new())?;
    ws.merge_range(2, 0, 3, 0, "tall", &Format::new())?;
    ws.write_string(2, 1, "x")?;
    ws.write_string(3, 2, "y")?;
    wb.save(&path)?;
    Ok(path)
}

/// A workbook that hides rows and columns, as Excel's Hide writes them. Two sheets:
///
/// 1. "Data": the header "Id" | "Name" | "DOB" | "Area" | "Officer" | "Notes" on row 1 and
///    data on rows 2 to 41. Rows 12, 15 and 40 are hidden (they hold data); row 50 is hidden
///    and empty. Column F ("Notes") is hidden, and so is column H, beyond the header and empty.
/// 2. "R&D": a title on row 1 (hidden), the header "Case" | "Value" | "Note" on row 3, data on
///    rows 4 to 20; rows 5 to 11 are hidden, and column B ("Value").
pub fn hidden(dir: &Path) -> BoxResult<PathBuf> {
    let path = dir.join("hidden.xlsx");
    let mut wb = Workbook::new();

    let data = wb.add_worksheet();
    data.set_name("Data")?;
    let headers = ["Id", "Name", "DOB", "Area", "Officer", "Notes"];
    for (c, h) in headers.iter().enumerate() {
        data.write_string(0, c as u16, *h)?;
    }
    for r in 1..=40u32 {
        data.write_string(r, 0, format!("{r:04}"))?;
        data.write_string(r, 1, format!("Person {r}"))?;
        data.write_string(r, 3, "Bromley")?;
        data.write_string(r, 5, format!("note {r}"))?;
    }
    for excel_row in [12u32, 15, 40, 50] {
        data.set_row_hidden(excel_row - 1)?;
    }
    data.set_column_hidden(5)?;
    data.set_column_hidden(7)?;

    let rd = wb.add_worksheet();
    rd.set_name("R&D")?;
    rd.write_string(0, 0, "Monthly extract - October 2026")?;
    rd.set_row_hidden(0)?;
    for (c, h) in ["Case", "Value", "Note"].iter().enumerate() {
        rd.write_string(2, c as u16, *h)?;
    }
    for r in 3..20u32 {
        rd.write_string(r, 0, format!("case {r}"))?;
        rd.write_number(r, 1, f64::from(r))?;
    }
    for excel_row in 5..=11u32 {
        rd.set_row_hidden(excel_row - 1)?;
    }
    rd.set_column_hidden(1)?;

    wb.save(&path)?;
    Ok(path)
}

/// `rows` data rows under the header "Id" | "Name" | "Amount".
pub fn many_rows(dir: &Path, rows: u32) -> BoxResult<PathBuf> {
    let path = dir.join(format!("rows_{rows}.xlsx"));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Id")?;
    ws.write_string(0, 1, "Name")?;
    ws.write_string(0, 2, "Amount")?;
    for r in 1..=rows {
        ws.write_number(r, 0, r)?;
        ws.write_string(r, 1, format!("person {r}"))?;
        ws.write_number(r, 2, f64::from(r) / 4.0)?;
    }
    wb.save(&path)?;
    Ok(path)
}

// ---------------------------------------------------------------------------------------------
// Crafted packages

pub const NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// An inline-string cell.
pub fn istr(cell_ref: &str, text: &str) -> String {
    format!(r#"<c r="{cell_ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>"#)
}

/// A sheet part from `<dimension>` (may be empty) and rows given as XML.
pub fn sheet_xml(dimension: &str, rows: &str) -> String {
    let dim = if dimension.is_empty() {
        String::new()
    } else {
        format!(r#"<dimension ref="{dimension}"/>"#)
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{NS}">{dim}<sheetData>{rows}</sheetData></worksheet>"#
    )
}

/// The parts of a minimal one-sheet workbook ("Data"), with `sheet` as its sheet part, or no
/// sheet part at all when `sheet` is `None`.
pub fn minimal_parts(sheet: Option<&str>) -> Vec<(String, Vec<u8>)> {
    let mut parts = vec![
        (
            "[Content_Types].xml".to_string(),
            br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#
                .to_vec(),
        ),
        (
            "_rels/.rels".to_string(),
            br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
                .to_vec(),
        ),
        (
            "xl/workbook.xml".to_string(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            )
            .into_bytes(),
        ),
        (
            "xl/_rels/workbook.xml.rels".to_string(),
            br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
                .to_vec(),
        ),
    ];
    if let Some(sheet) = sheet {
        parts.push(("xl/worksheets/sheet1.xml".into(), sheet.as_bytes().to_vec()));
    }
    parts
}

/// Write the parts as a zip archive, deflated or stored.
pub fn write_zip(path: &Path, parts: &[(String, Vec<u8>)], deflate: bool) -> BoxResult<()> {
    use zip::write::SimpleFileOptions;
    let file = std::fs::File::create(path)?;
    let mut zip = zip::ZipWriter::new(file);
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let options = SimpleFileOptions::default()
        .compression_method(method)
        .large_file(false);
    for (name, data) in parts {
        zip.start_file(name.as_str(), options)?;
        zip.write_all(data)?;
    }
    zip.finish()?;
    Ok(())
}

/// A minimal workbook with this sheet part.
pub fn crafted(dir: &Path, name: &str, sheet: &str) -> BoxResult<PathBuf> {
    let path = dir.join(name);
    write_zip(&path, &minimal_parts(Some(sheet)), true)?;
    Ok(path)
}

/// Rewrite the uncompressed size that the central directory declares for `part`.
pub fn patch_declared_size(path: &Path, part: &str, size: u32) -> BoxResult<()> {
    let mut bytes = std::fs::read(path)?;
    let mut i = 0;
    let mut patched = false;
    while i + 46 <= bytes.len() {
        if bytes[i..i + 4] == *b"PK\x01\x02" {
            let name_len = u16::from_le_bytes([bytes[i + 28], bytes[i + 29]]) as usize;
            let name = &bytes[i + 46..i + 46 + name_len];
            if name == part.as_bytes() {
                bytes[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
                patched = true;
            }
            i += 46 + name_len;
        } else {
            i += 1;
        }
    }
    if !patched {
        return Err(format!("no central directory entry for {part}").into());
    }
    std::fs::write(path, bytes)?;
    Ok(())
}
