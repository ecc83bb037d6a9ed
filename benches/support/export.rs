//! The synthetic CRIS-like export the benchmarks read: 25 columns, of which the Bromley profile
//! shares 8 and reads 2 by rules; every row passes the rules, so the stock chain (`xsv select`)
//! and `disclose pack` keep the same rows. A fixed seed: the same size gives the same file.
//! Shared by `examples/gen_bench_csv.rs` (for `scripts/bench.sh`) and `benches/pack.rs`.

use std::io::{BufWriter, Write};
use std::path::Path;

const HEADER: &str = "Crime Reference,Offence,Committed Date,Victim Name,Victim Address,Victim Telephone,Victim Age,Victim Sex,Relationship to Offender,Victim Personal Statement,Vulnerability Marker,Suspect Name,Suspect Age,Victim Opt Out,Officer in Case,Notes,Borough,Ward,Beat,Crime Type,Outcome,Reported Date,Location,Weapon,Modus Operandi";

const OFFENCES: &[&str] = &[
    "Theft person",
    "Criminal damage",
    "Assault ABH",
    "Robbery",
    "Burglary",
    "Harassment",
];
const FIRST: &[&str] = &[
    "Amira", "Derek", "Priya", "Graham", "Sandra", "Lucy", "Mohammed", "Helen", "Tom", "Nina",
];
const LAST: &[&str] = &[
    "Okafor", "Mills", "Shah", "Tully", "Cole", "Grant", "Ali", "Ford", "Reyes", "Brooks",
];
const STREETS: &[&str] = &[
    "Elm Close",
    "Ash Road",
    "Oak Street",
    "Birch Way",
    "Pine Hill",
    "Cedar Lane",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

/// Writes about `mb` megabytes of export to `out`; returns the data rows and bytes written.
pub fn write_csv(out: &Path, mb: u64) -> std::io::Result<(u64, u64)> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    writeln!(w, "{HEADER}")?;
    let mut written = HEADER.len() as u64 + 1;
    let target = mb * 1_000_000;
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut n = 0u64;
    while written < target {
        n += 1;
        let line = format!(
            "{n:07}/26,{},{:02}/10/2026,{} {},\"{} {}, Bromley BR{} {}AA\",07700 {:06},{},{},Stranger,{},{},{} {},{},N,PC {} Hart,\"Notes for case {n}, see file\",Bromley,Ward {},Beat {},{},Under investigation,{:02}/10/2026,Street,None,Entered via rear door\n",
            rng.pick(OFFENCES),
            1 + rng.next() % 28,
            rng.pick(FIRST),
            rng.pick(LAST),
            1 + rng.next() % 99,
            rng.pick(STREETS),
            1 + rng.next() % 9,
            rng.next() % 9,
            rng.next() % 1_000_000,
            18 + rng.next() % 60,
            if rng.next().is_multiple_of(2) {
                "F"
            } else {
                "M"
            },
            if rng.next().is_multiple_of(2) {
                "Y"
            } else {
                "N"
            },
            if rng.next().is_multiple_of(5) {
                "Vulnerable"
            } else {
                ""
            },
            rng.pick(FIRST),
            rng.pick(LAST),
            10 + rng.next() % 8,
            100 + rng.next() % 900,
            rng.next() % 20,
            rng.next() % 50,
            rng.pick(OFFENCES),
            1 + rng.next() % 28,
        );
        written += line.len() as u64;
        w.write_all(line.as_bytes())?;
    }
    w.flush()?;
    Ok((n, written))
}
