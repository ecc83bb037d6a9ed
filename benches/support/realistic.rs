//! The realistic shape of the benchmark export: what real CRIS exports look like to a
//! compressor. Categorical columns come from small vocabularies with skewed frequencies (a few
//! offences, stations, wards and outcomes make up most rows); people recur (repeat victims and
//! repeat offenders, each always with the same address, telephone, age and sex); statements are
//! built from a phrase bank; dates fall in one month. Same 25 columns as the random shape
//! (`export.rs`), every row passing the Bromley rules, so `xsv select 4-11` keeps what
//! `disclose pack` keeps.

use super::export::{PHRASES, Rng};
use std::io::{BufWriter, Write};
use std::path::Path;

const OFFENCES: &[&str] = &[
    "Theft person",
    "Assault ABH",
    "Common assault",
    "Criminal damage",
    "Robbery of personal property",
    "Harassment",
    "Theft from motor vehicle",
    "Burglary residential",
    "Malicious communications",
    "Assault with injury",
    "Public order",
    "Possession of offensive weapon",
    "Sexual assault",
    "Arson",
    "Threats to kill",
];
const RELATIONSHIPS: &[&str] = &[
    "Stranger",
    "School peer",
    "Acquaintance",
    "Neighbour",
    "Friend",
    "Sibling",
    "Ex-partner",
    "Parent",
    "Teacher",
];
const VULNERABILITY: &[&str] = &[
    "",
    "",
    "",
    "Child victim",
    "Elderly - lives alone",
    "Mental health",
    "Repeat victim",
    "Learning disability",
    "Vulnerable",
];
const FIRST: &[&str] = &[
    "Amira", "Derek", "Priya", "Graham", "Sandra", "Lucy", "Mohammed", "Helen", "Tom", "Nina",
    "Jayden", "Chloe", "Kwame", "Olivia", "Liam", "Aisha", "Noah", "Grace", "Tyler", "Zara",
    "Daniel", "Fatima", "Jack", "Maya", "Ethan", "Ruby", "Oscar", "Leah", "Kai", "Isla",
];
const LAST: &[&str] = &[
    "Okafor", "Mills", "Shah", "Tully", "Cole", "Grant", "Ali", "Ford", "Reyes", "Brooks", "Smith",
    "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Johnson", "Roberts", "Walker",
    "Khan", "Patel", "Begum", "Mensah", "Hughes", "Green", "Hall", "Wood", "Clarke",
];
const STREETS: &[&str] = &[
    "Elm Close",
    "Ash Road",
    "Oak Street",
    "Birch Way",
    "Pine Hill",
    "Cedar Lane",
    "High Street",
    "Station Road",
    "Church Lane",
    "Mead Way",
    "Crofton Road",
    "Masons Hill",
];
const TOWNS: &[(&str, &str)] = &[
    ("Bromley", "BR1"),
    ("Bromley", "BR2"),
    ("Beckenham", "BR3"),
    ("Orpington", "BR6"),
    ("Chislehurst", "BR7"),
    ("Penge", "SE20"),
];
const OFFICERS: &[&str] = &[
    "PC 101 Hart",
    "PC 214 Singh",
    "DC 388 Lowe",
    "PC 452 Adeyemi",
    "PC 517 Murphy",
    "DC 602 Chen",
    "PC 733 Walsh",
    "PC 845 Osei",
];
const WARDS: &[&str] = &[
    "Bromley Town",
    "Plaistow",
    "Crystal Palace",
    "Orpington",
    "Cray Valley West",
    "Penge and Cator",
    "Mottingham",
    "Biggin Hill",
];
const OUTCOMES: &[&str] = &[
    "Under investigation",
    "Charged",
    "Community resolution",
    "No further action",
    "Youth caution",
    "Referred to YOT",
];
const LOCATIONS: &[&str] = &[
    "Street",
    "Bus stop",
    "School",
    "Park",
    "Shopping centre",
    "Residential",
    "Railway station",
];
const WEAPONS: &[&str] = &["None", "None", "None", "Knife", "Bottle", "Bladed article"];
const MO: &[&str] = &[
    "Approached from behind and grabbed phone",
    "Punched victim in the face",
    "Threatened victim and demanded property",
    "Damaged window with a brick",
    "Sent abusive messages on social media",
    "Pushed victim to the ground",
];
const NOTES: &[&str] = &[
    "Victim contacted, statement taken",
    "CCTV requested",
    "Suspect identified via school",
    "Victim does not support prosecution",
    "Forensics submitted",
    "",
];

/// An index below `n`, skewed towards 0 (roughly Zipf-like: the first few values take most of
/// the draws, as the commonest offences and stations do).
fn skewed(rng: &mut Rng, n: usize) -> usize {
    let u = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
    ((u * u * u) * n as f64) as usize % n
}

/// A value of `xs`, skewed towards the first.
fn pick<'a>(rng: &mut Rng, xs: &[&'a str]) -> &'a str {
    xs[skewed(rng, xs.len())]
}

/// A person who recurs: always the same details.
struct Person {
    name: String,
    address: String,
    telephone: String,
    age: u64,
    sex: &'static str,
}

fn people(rng: &mut Rng, n: usize, ages: (u64, u64)) -> Vec<Person> {
    (0..n)
        .map(|_| {
            let (town, outward) = TOWNS[skewed(rng, TOWNS.len())];
            Person {
                name: format!(
                    "{} {}",
                    FIRST[(rng.next() % FIRST.len() as u64) as usize],
                    LAST[(rng.next() % LAST.len() as u64) as usize]
                ),
                address: format!(
                    "{} {}, {town} {outward} {}{}{}",
                    1 + rng.next() % 120,
                    STREETS[(rng.next() % STREETS.len() as u64) as usize],
                    1 + rng.next() % 9,
                    (b'A' + (rng.next() % 20) as u8) as char,
                    (b'A' + (rng.next() % 20) as u8) as char,
                ),
                telephone: format!("07700 {:06}", rng.next() % 1_000_000),
                age: ages.0 + rng.next() % (ages.1 - ages.0 + 1),
                sex: if rng.next().is_multiple_of(2) {
                    "F"
                } else {
                    "M"
                },
            }
        })
        .collect()
}

/// Writes about `mb` megabytes of the realistic shape to `out`; returns rows and bytes.
pub fn write_csv(out: &Path, mb: u64) -> std::io::Result<(u64, u64)> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    writeln!(w, "{}", super::export::HEADER)?;
    let mut written = super::export::HEADER.len() as u64 + 1;
    let target = mb * 1_000_000;
    let rng = &mut Rng(0x9e37_79b9_7f4a_7c15);
    // A borough's month: a few thousand victims, some of them victims again and again, and a
    // smaller group of young offenders who account for much of it.
    let victims = people(rng, 4000, (8, 90));
    let offenders = people(rng, 900, (10, 17));
    let mut n = 0u64;
    while written < target {
        n += 1;
        let v = &victims[skewed(rng, victims.len())];
        let o = &offenders[skewed(rng, offenders.len())];
        let mut statement = String::new();
        for i in 0..=(rng.next() % 3) {
            if i > 0 {
                statement.push(' ');
            }
            statement.push_str(pick(rng, PHRASES));
        }
        let day = 1 + rng.next() % 31;
        let line = format!(
            "52{n:05}/26,{},{day:02}/10/2026,{},\"{}\",{},{},{},{},\"{statement}\",{},{},{},N,{},\"{}\",Bromley,{},Beat {},{},{},{:02}/10/2026,{},{},{}\n",
            pick(rng, OFFENCES),
            v.name,
            v.address,
            v.telephone,
            v.age,
            v.sex,
            pick(rng, RELATIONSHIPS),
            pick(rng, VULNERABILITY),
            o.name,
            o.age,
            pick(rng, OFFICERS),
            pick(rng, NOTES),
            pick(rng, WARDS),
            1 + skewed(rng, 40),
            pick(rng, OFFENCES),
            pick(rng, OUTCOMES),
            (day + rng.next() % 3).min(31),
            pick(rng, LOCATIONS),
            pick(rng, WEAPONS),
            pick(rng, MO),
        );
        written += line.len() as u64;
        w.write_all(line.as_bytes())?;
    }
    w.flush()?;
    Ok((n, written))
}
