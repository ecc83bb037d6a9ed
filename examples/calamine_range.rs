//! The XLSX benchmark's yardstick: what a Rust program gets from calamine's usual API,
//! `worksheet_range` (the whole grid in memory), reading every cell of the first sheet as text.
//! Prints the cells and bytes seen, so none of the work can be skipped.
//!
//! `cargo run --release --example calamine_range -- IN.xlsx`

use calamine::{Reader, Xlsx, open_workbook};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: calamine_range IN.xlsx");
        std::process::exit(2);
    };
    let mut workbook: Xlsx<_> = open_workbook(&path)?;
    let sheet = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or("the workbook has no sheets")?;
    let range = workbook.worksheet_range(&sheet)?;
    let (mut cells, mut bytes) = (0u64, 0u64);
    for row in range.rows() {
        for cell in row {
            cells += 1;
            bytes += cell.to_string().len() as u64;
        }
    }
    println!("{cells} cells, {bytes} bytes of text");
    Ok(())
}
