//! Writes a synthetic CRIS-like CSV of about the size asked for, with a fixed seed, for the
//! benchmarks (see `benches/support/export.rs`).
//!
//! `cargo run --release --example gen_bench_csv -- OUT.csv MEGABYTES [statements|realistic]`:
//! with `statements`, the victim personal statement column holds free text (the free-text
//! shape); with `realistic`, the shape of a real export (see `benches/support/realistic.rs`).

#[path = "../benches/support/export.rs"]
mod export;
#[path = "../benches/support/realistic.rs"]
mod realistic;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(out), Some(mb)) = (args.get(1), args.get(2).and_then(|m| m.parse::<u64>().ok()))
    else {
        eprintln!("usage: gen_bench_csv OUT.csv MEGABYTES");
        std::process::exit(2);
    };
    let (rows, bytes) = match args.get(3).map(String::as_str) {
        Some("statements") => export::write_csv_with(out.as_ref(), mb, true)?,
        Some("realistic") => realistic::write_csv(out.as_ref(), mb)?,
        _ => export::write_csv(out.as_ref(), mb)?,
    };
    eprintln!("{out}: {rows} rows, {bytes} bytes");
    Ok(())
}
