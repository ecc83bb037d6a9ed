//! Writes a synthetic CRIS-like CSV of about the size asked for, with a fixed seed, for the
//! benchmarks (see `benches/support/export.rs`).
//!
//! `cargo run --release --example gen_bench_csv -- OUT.csv MEGABYTES`

#[path = "../benches/support/export.rs"]
mod export;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(out), Some(mb)) = (args.get(1), args.get(2).and_then(|m| m.parse::<u64>().ok()))
    else {
        eprintln!("usage: gen_bench_csv OUT.csv MEGABYTES");
        std::process::exit(2);
    };
    let (rows, bytes) = export::write_csv(out.as_ref(), mb)?;
    eprintln!("{out}: {rows} rows, {bytes} bytes");
    Ok(())
}
