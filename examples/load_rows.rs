//! The loader alone, for the XLSX benchmark: opens an export as `disclose` does and reads
//! every row, printing the time to open (checks, header) and to read the rows, and the cells
//! and bytes seen, so none of the work can be skipped. Compare with `calamine_range`.
//!
//! `cargo run --release --example load_rows -- IN.xlsx`

use disclose::load::{LoadOptions, Table};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: load_rows IN.xlsx|IN.csv");
        std::process::exit(2);
    };
    let start = Instant::now();
    let table = Table::open(path.as_ref(), &LoadOptions::default())?;
    let opened = start.elapsed();
    let (mut cells, mut bytes) = (0u64, 0u64);
    for row in table.rows()? {
        for cell in row?.cells {
            cells += 1;
            bytes += cell.len() as u64;
        }
    }
    let total = start.elapsed();
    println!(
        "{cells} cells, {bytes} bytes of text; open {:.3} s, rows {:.3} s",
        opened.as_secs_f64(),
        (total - opened).as_secs_f64()
    );
    Ok(())
}
