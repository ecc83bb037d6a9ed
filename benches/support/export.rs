//! The synthetic CRIS-like export the benchmarks read: 25 columns, of which the Bromley profile
//! shares 8 and reads 2 by rules; every row passes the rules, so the stock chain (`xsv select`)
//! and `disclose pack` keep the same rows. A fixed seed: the same size gives the same file.
//! Shared by `examples/gen_bench_csv.rs` (for `scripts/bench.sh`) and `benches/pack.rs`.

use std::io::{BufWriter, Write};
use std::path::Path;

pub const HEADER: &str = "Crime Reference,Offence,Committed Date,Victim Name,Victim Address,Victim Telephone,Victim Age,Victim Sex,Relationship to Offender,Victim Personal Statement,Vulnerability Marker,Suspect Name,Suspect Age at Offence,Victim Opt Out,Officer in Case,Notes,Borough,Ward,Beat,Crime Type,Outcome,Reported Date,Location,Weapon,Modus Operandi";

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

pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

/// Sentences victims' statements are built from (the free-text and realistic shapes):
/// CRIS statements repeat much the same words.
pub const PHRASES: &[&str] = &[
    "I was walking home from the bus stop when he came up behind me.",
    "Since the incident I have been scared to go out on my own.",
    "He took my phone and my bank card and ran towards the station.",
    "My daughter was with me and she has not slept properly since.",
    "I would like the court to know how this has affected my family.",
    "The damage to the car cost 450 pounds to repair.",
    "I have had to take 3 weeks off work because of my injuries.",
    "I do not want to meet the offender but I would like a letter.",
    "It happened at about 14:30 on 12/10/2026 outside the shop.",
    "I recognised him from school, he is in the year above my son.",
    "I am willing to take part in restorative justice.",
    "I do not feel safe in my own home any more.",
];
/// What an officer typed about somebody else, one in about twenty statements.
const DETAILS: &[&str] = &[
    "His friend rang me from 07700 900461 the next day.",
    "The other boy lives near BR6 0AB, I have seen him there.",
    "They drove off in a silver car, AB12 CDE.",
    "His mum emailed me at k.morris@example.org to say sorry.",
];

/// Writes about `mb` megabytes of export to `out`; returns the data rows and bytes written.
pub fn write_csv(out: &Path, mb: u64) -> std::io::Result<(u64, u64)> {
    write_csv_with(out, mb, false)
}

/// [`write_csv`], with the victim personal statement column holding statements (one to three
/// sentences, some with somebody's details) when `statements`, rather than Y or N.
pub fn write_csv_with(out: &Path, mb: u64, statements: bool) -> std::io::Result<(u64, u64)> {
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
            if statements {
                statement(&mut rng)
            } else if rng.next().is_multiple_of(2) {
                "Y".to_string()
            } else {
                "N".to_string()
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

/// A statement, quoted for CSV: one to three sentences, one in twenty with a detail.
fn statement(rng: &mut Rng) -> String {
    let mut s = String::from("\"");
    for i in 0..=(rng.next() % 3) {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(rng.pick(PHRASES));
    }
    if rng.next().is_multiple_of(20) {
        s.push(' ');
        s.push_str(rng.pick(DETAILS));
    }
    s.push('"');
    s
}
