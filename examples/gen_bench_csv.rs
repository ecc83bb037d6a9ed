//! Writes a synthetic CRIS-like CSV of about the size asked for, with a fixed seed, for the
//! benchmarks (see `benches/support/export.rs`).
//!
//! `cargo run --release --example gen_bench_csv -- OUT.csv MEGABYTES [statements]`: with
//! `statements`, the victim personal statement column holds free text (the free-text shape).

#[path = "../benches/support/export.rs"]
mod export;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(out), Some(mb)) = (args.get(1), args.get(2).and_then(|m| m.parse::<u64>().ok()))
    else {
        eprintln!("usage: gen_bench_csv OUT.csv MEGABYTES");
        std::process::exit(2);
    };
    let statements = args.get(3).is_some_and(|a| a == "statements");
    let (rows, bytes) = if statements {
        export::write_csv_with(out.as_ref(), mb, true)?
    } else {
        export::write_csv(out.as_ref(), mb)?
    };
    eprintln!("{out}: {rows} rows, {bytes} bytes");
    Ok(())
}
