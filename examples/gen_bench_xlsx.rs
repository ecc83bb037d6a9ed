//! Writes a synthetic CRIS-like workbook for the XLSX benchmark: the first ROWS data rows of a
//! CSV made by `gen_bench_csv` (same 25 columns, fixed seed), ages as numbers, everything else
//! as text, one sheet.
//!
//! `cargo run --release --example gen_bench_xlsx -- IN.csv OUT.xlsx ROWS`

use rust_xlsxwriter::Workbook;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(input), Some(out), Some(rows)) = (
        args.get(1),
        args.get(2),
        args.get(3).and_then(|r| r.parse::<u32>().ok()),
    ) else {
        eprintln!("usage: gen_bench_xlsx IN.csv OUT.xlsx ROWS");
        std::process::exit(2);
    };
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("CRIS export")?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(input)?;
    let mut record = csv::StringRecord::new();
    let mut row = 0u32;
    while row <= rows && reader.read_record(&mut record)? {
        for (col, cell) in record.iter().enumerate() {
            let col = u16::try_from(col)?;
            match cell.parse::<f64>() {
                Ok(n) if row > 0 && !cell.starts_with('0') => sheet.write_number(row, col, n)?,
                _ => sheet.write_string(row, col, cell)?,
            };
        }
        row += 1;
    }
    workbook.save(out)?;
    eprintln!("{out}: {} data rows", row.saturating_sub(1));
    Ok(())
}
