//! Writes `fixtures/police-exports.xlsx` from the CSV fixtures, the way an analyst's workbook
//! looks: title rows above each header, dates as real Excel dates, ages as numbers, a hidden
//! lookup sheet. Run `cargo run --example make_fixtures` after changing a CSV fixture.

use disclose::dates::Date;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};
use std::error::Error;
use std::path::Path;

fn main() -> Result<(), Box<dyn Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");

    let sheet = wb.add_worksheet();
    sheet.set_name("CRIS victims")?;
    copy(
        sheet,
        &root.join("cris-victims.csv"),
        "CRIS victim extract - Bromley BCU - October 2026",
        &["Committed Date"],
        &["Victim Age", "Suspect Age at Offence"],
        &date,
    )?;

    let sheet = wb.add_worksheet();
    sheet.set_name("Merlin Orochi")?;
    copy(
        sheet,
        &root.join("merlin-orochi.csv"),
        "Merlin referrals - Operation Orochi - October 2026",
        &["Subject DOB"],
        &[],
        &date,
    )?;

    let lookups = wb.add_worksheet();
    lookups.set_name("Lookups")?;
    lookups.write_string(0, 0, "Code")?;
    lookups.write_string(0, 1, "Meaning")?;
    lookups.write_string(1, 0, "OS")?;
    lookups.write_string(1, 1, "OFFICIAL-SENSITIVE")?;
    lookups.set_hidden(true);

    let out = root.join("police-exports.xlsx");
    wb.save(&out)?;
    println!("wrote {}", out.display());
    Ok(())
}

/// Two title rows, a blank row, then the CSV's header on row 4 and its records below.
fn copy(
    sheet: &mut Worksheet,
    csv_path: &Path,
    title: &str,
    date_columns: &[&str],
    number_columns: &[&str],
    date: &Format,
) -> Result<(), Box<dyn Error>> {
    sheet.write_string(0, 0, title)?;
    sheet.write_string(
        1,
        0,
        "Synthetic data for testing. OFFICIAL-SENSITIVE when real.",
    )?;
    let mut reader = csv::Reader::from_path(csv_path)?;
    let headers = reader.headers()?.clone();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(3, c as u16, h)?;
    }
    for (r, record) in reader.records().enumerate() {
        let row = 4 + r as u32;
        for (c, value) in record?.iter().enumerate() {
            let col = c as u16;
            let header = &headers[c];
            if value.is_empty() {
                continue;
            }
            if date_columns.contains(&header)
                && let Some(d) = Date::parse_export(value)
            {
                let when = ExcelDateTime::from_ymd(d.year as u16, d.month, d.day)?;
                sheet.write_datetime_with_format(row, col, when, date)?;
            } else if number_columns.contains(&header)
                && let Ok(n) = value.parse::<f64>()
            {
                sheet.write_number(row, col, n)?;
            } else {
                sheet.write_string(row, col, value)?;
            }
        }
    }
    Ok(())
}
