//! Free-text review (issue 19), end to end through the binary: a CRIS-like export of 2,000
//! victims whose agreed free-text fields (Bromley's "Victim Personal Statement" and
//! "Vulnerability Marker: relevant details") hold ordinary prose, and in about a third of the
//! cells somebody else's details, planted valid by this file's own implementation of each rule
//! (NHS modulus 11, PNC and CRO check letters, Luhn, National Insurance prefixes, postcode
//! shapes, registrations, UK telephone ranges, a date after a cue). The generator is seeded, so
//! every run sees the same export; this file keeps its own ground truth of what it planted.
//!
//! Checked: the dry run finds (per kind) at least 95% of the planted cells and flags next to
//! nothing in the same prose with nothing planted; a pack is refused until the details are
//! reviewed, and writes nothing; `--redact-flagged all` removes every planted value and keeps
//! the prose and the columns that are themselves a telephone number or an address; and
//! `--acknowledge free-text-reviewed` writes the bundle and records the acknowledgement.
//!
//! Run with `cargo test --test free_text -- --nocapture` to see the per-kind tables.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

const ROWS: usize = 2000;
const SEED: u64 = 0x1919_5eed_2026_0a11;

const KINDS: [&str; 10] = [
    "phone",
    "email",
    "nhs-number",
    "ni-number",
    "postcode",
    "pnc-id",
    "cro-number",
    "vehicle",
    "date-of-birth",
    "card-number",
];

/// The export's free-text columns, and their labels in the bundle.
const VPS: &str = "Victim Personal Statement";
const VULN: &str = "Vulnerability Details";
const FREE: [&str; 2] = [VPS, VULN];
const FREE_OUT: [&str; 2] = [
    "Victim Personal Statement",
    "Vulnerability Marker: relevant details",
];
/// Columns that are themselves a detail (an address, a telephone number): never flagged.
const ADDRESS: &str = "Victim Address";
const TELEPHONE: &str = "Victim Telephone";
const ADDRESS_OUT: &str = "Victim Address";
const TELEPHONE_OUT: &str = "Victim telephone number";

/// A sentence of prose kept in every cell that holds it, whatever is redacted around it.
const KNOWN: &str = "My mum had to take time off work to look after me.";

const HEADER: [&str; 17] = [
    "Crime Reference",
    "Offence",
    "Committed Date",
    "Victim Name",
    ADDRESS,
    TELEPHONE,
    "Victim Age",
    "Victim Sex",
    "Relationship to Offender",
    VPS,
    "Vulnerability Marker",
    VULN,
    "Suspect Name",
    "Suspect Age at Offence",
    "Victim Opt Out",
    "Officer in Case",
    "Notes",
];

// ---------------------------------------------------------------------------------------------
// A seeded generator.

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    /// xorshift64*.
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        (self.next() >> 11) % n
    }

    /// `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    /// True `num` times in `den`.
    fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }

    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }

    fn letter(&mut self, set: &[u8]) -> char {
        char::from(*self.pick(set))
    }
}

// ---------------------------------------------------------------------------------------------
// Each kind of detail, made valid by its rule (written here from the rules, not from src/).

/// NHS number check digit of nine digits: weights 10 down to 2, 11 minus the sum mod 11
/// (11 is 0; 10 is never issued).
fn nhs_check(nine: &str) -> Option<u8> {
    let sum: u32 = nine
        .bytes()
        .enumerate()
        .map(|(i, c)| u32::from(c - b'0') * (10 - i as u32))
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        c => Some(c as u8),
    }
}

fn nhs_valid(ten: &str) -> bool {
    ten.len() == 10
        && !ten.starts_with('0')
        && nhs_check(&ten[..9]) == Some(ten.as_bytes()[9] - b'0')
}

fn nine_digits(rng: &mut Rng) -> String {
    format!("{}{}", rng.range(1, 9), rng.digits(8))
}

fn group_334(d: &str, sep: &str) -> String {
    format!("{}{sep}{}{sep}{}", &d[..3], &d[3..6], &d[6..])
}

fn nhs_number(rng: &mut Rng) -> String {
    loop {
        let nine = nine_digits(rng);
        if let Some(c) = nhs_check(&nine) {
            let d = format!("{nine}{c}");
            return match rng.below(3) {
                0 => d,
                1 => group_334(&d, " "),
                _ => group_334(&d, "-"),
            };
        }
    }
}

/// An NHS-like number, grouped as NHS numbers are, whose check digit is wrong.
fn nhs_wrong(rng: &mut Rng) -> String {
    let nine = nine_digits(rng);
    let right = nhs_check(&nine);
    let last = loop {
        let d = rng.below(10) as u8;
        if Some(d) != right {
            break d;
        }
    };
    group_334(&format!("{nine}{last}"), " ")
}

/// A 10-digit order or reference number. One in eleven random ten-digit numbers passes the
/// NHS check and is then an NHS number to anybody reading it: those are left out.
fn order_number(rng: &mut Rng) -> String {
    loop {
        let d = format!("{}{}", rng.range(1, 9), rng.digits(9));
        if !nhs_valid(&d) {
            return d;
        }
    }
}

/// PNC IDs and CRO numbers: the value modulo 23 indexes these letters.
const CHECK_LETTERS: &[u8; 23] = b"ZABCDEFGHJKLMNPQRTUVWXY";

fn check_letter(value: &str) -> char {
    let v: u64 = value.parse().unwrap();
    char::from(CHECK_LETTERS[(v % 23) as usize])
}

fn two_digit_year(rng: &mut Rng) -> u64 {
    if rng.chance(1, 2) {
        rng.range(70, 99)
    } else {
        rng.range(0, 25)
    }
}

/// `YY/NNNNNNNA`: check letter of the two-digit year and the serial padded to seven digits.
fn pnc_id(rng: &mut Rng) -> String {
    let yy = two_digit_year(rng);
    let serial = rng.range(1, 9_999_999);
    let c = check_letter(&format!("{yy:02}{serial:07}"));
    match rng.below(4) {
        0 => format!("{yy:02}/{serial:07}{c}"),
        1 => format!(
            "{}/{serial:07}{c}",
            if yy >= 70 { 1900 + yy } else { 2000 + yy }
        ),
        _ => format!("{yy:02}/{serial}{c}"),
    }
}

/// `NNNNNN/YYA` (check letter of the year and the serial padded to six digits) or
/// `SFYY/NNNNNNA`.
fn cro_number(rng: &mut Rng) -> String {
    let yy = two_digit_year(rng);
    if rng.chance(1, 4) {
        let serial = rng.range(100_000, 999_999);
        let c = check_letter(&format!("{yy:02}{serial}"));
        format!("SF{yy:02}/{serial}{c}")
    } else {
        let serial = rng.range(1_000, 999_999);
        let c = check_letter(&format!("{yy:02}{serial:06}"));
        format!("{serial}/{yy:02}{c}")
    }
}

/// Two prefix letters HMRC allocates, six digits, A to D.
fn ni_number(rng: &mut Rng) -> String {
    const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let (a, b) = loop {
        let a = rng.letter(LETTERS);
        let b = rng.letter(LETTERS);
        let pair: String = [a, b].iter().collect();
        if !"DFIQUV".contains(a)
            && !"DFIOQUV".contains(b)
            && !["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"].contains(&pair.as_str())
        {
            break (a, b);
        }
    };
    let d = rng.digits(6);
    let s = rng.letter(b"ABCD");
    if rng.chance(1, 3) {
        format!("{a}{b} {} {} {} {s}", &d[..2], &d[2..4], &d[4..])
    } else {
        format!("{a}{b}{d}{s}")
    }
}

/// Real outward codes, in every shape (A9, A99, AA9, AA99, A9A, AA9A).
const OUTWARD: [&str; 30] = [
    "SW1A", "BR6", "BR1", "BR2", "BR3", "BR5", "BR7", "M1", "EC1A", "W1A", "B33", "CR2", "CR0",
    "SE9", "SE18", "SE20", "DA15", "TN16", "NW10", "E14", "G12", "LS1", "CF10", "EH1", "BT7", "N1",
    "SE1", "WC2N", "L1", "S1",
];

fn inward(rng: &mut Rng) -> String {
    const UNIT: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    format!("{}{}{}", rng.below(10), rng.letter(UNIT), rng.letter(UNIT))
}

fn postcode(rng: &mut Rng) -> String {
    let o = *rng.pick(&OUTWARD);
    let i = inward(rng);
    match rng.below(10) {
        0 => format!("{o}{i}"),
        1 => format!("{o} {i}").to_lowercase(),
        _ => format!("{o} {i}"),
    }
}

/// `AB12 CDE` (memory tag, age identifier, three letters) or `P123 ABC` (prefix).
fn vehicle(rng: &mut Rng) -> String {
    const TAG: &[u8] = b"ABCDEFGHJKLMNOPRSTUVWXY";
    const LAST: &[u8] = b"ABCDEFGHJKLMNOPRSTUVWXYZ";
    const PREFIX: &[u8] = b"ABCDEFGHJKLMNPRSTVWXY";
    let last: String = (0..3).map(|_| rng.letter(LAST)).collect();
    if rng.chance(1, 4) {
        format!("{}{} {last}", rng.letter(PREFIX), rng.range(1, 999))
    } else {
        let age = if rng.chance(1, 2) {
            rng.range(2, 26)
        } else {
            rng.range(51, 76)
        };
        let tag = format!("{}{}{age:02}", rng.letter(TAG), rng.letter(TAG));
        if rng.chance(1, 6) {
            format!("{tag}{last}")
        } else {
            format!("{tag} {last}")
        }
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn ordinal(d: u64) -> String {
    let suffix = match d {
        1 | 21 | 31 => "st",
        2 | 22 => "nd",
        3 | 23 => "rd",
        _ => "th",
    };
    format!("{d}{suffix}")
}

/// A date of birth as written (the cue is the sentence's).
fn birth_date(rng: &mut Rng) -> String {
    let (d, m, y) = (rng.range(1, 28), rng.range(1, 12), rng.range(1960, 2012));
    let month = MONTHS[m as usize - 1];
    match rng.below(7) {
        0 | 1 => format!("{d:02}/{m:02}/{y}"),
        2 => format!("{d} {month} {y}"),
        3 => format!("{} {month} {y}", ordinal(d)),
        4 => format!("{d:02}-{m:02}-{y}"),
        5 => format!("{d:02}.{m:02}.{y}"),
        _ => format!("{month} {d}, {y}"),
    }
}

fn luhn_complete(partial: &str) -> String {
    // The check digit that makes partial + digit pass Luhn.
    for c in 0..10u8 {
        let candidate = format!("{partial}{c}");
        let sum: u32 = candidate
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| {
                let v = u32::from(b - b'0');
                if i % 2 == 1 {
                    let w = v * 2;
                    if w > 9 { w - 9 } else { w }
                } else {
                    v
                }
            })
            .sum();
        if sum.is_multiple_of(10) {
            return candidate;
        }
    }
    unreachable!()
}

fn card_number(rng: &mut Rng) -> String {
    if rng.chance(1, 5) {
        // American Express: 15 digits, 34 or 37, written 4-6-5.
        let d = luhn_complete(&format!("3{}{}", rng.pick(&[4, 7]), rng.digits(12)));
        return format!("{} {} {}", &d[..4], &d[4..10], &d[10..]);
    }
    let start = if rng.chance(1, 2) {
        "4".to_string()
    } else {
        format!("5{}", rng.range(1, 5))
    };
    let d = luhn_complete(&format!("{start}{}", rng.digits(15 - start.len())));
    let groups = [&d[..4], &d[4..8], &d[8..12], &d[12..]];
    match rng.below(3) {
        0 => d.clone(),
        1 => groups.join(" "),
        _ => groups.join("-"),
    }
}

fn phone(rng: &mut Rng) -> String {
    let mobile = format!("7{}", rng.digits(9));
    match rng.below(10) {
        0 => format!("0{} {}", &mobile[..4], &mobile[4..]),
        1 => format!("+44 {} {}", &mobile[..4], &mobile[4..]),
        2 => format!("0{}-{}-{}", &mobile[..4], &mobile[4..7], &mobile[7..]),
        3 => format!("0{mobile}"),
        4 => format!(
            "020 {}{} {}",
            rng.pick(&[3, 7, 8]),
            rng.digits(3),
            rng.digits(4)
        ),
        5 => format!(
            "+44 (0)20 {}{} {}",
            rng.pick(&[3, 7, 8]),
            rng.digits(3),
            rng.digits(4)
        ),
        6 => format!("(01632) {}", rng.digits(6)),
        7 => format!("0161 {} {}", rng.digits(3), rng.digits(4)),
        8 => format!("01689 {}", rng.digits(6)),
        _ => format!("0{} {} {}", &mobile[..4], &mobile[4..7], &mobile[7..]),
    }
}

const FIRST: [&str; 12] = [
    "kyle", "jayden", "tyler", "amira", "priya", "derek", "chloe", "mohammed", "olivia", "connor",
    "aisha", "liam",
];
const LAST: [&str; 12] = [
    "fenwick", "price", "moss", "okafor", "shah", "mills", "o'neill", "nowak", "adeyemi", "walsh",
    "hughes", "begum",
];
const DOMAINS: [&str; 8] = [
    "gmail.com",
    "hotmail.co.uk",
    "outlook.com",
    "example.co.uk",
    "yahoo.com",
    "btinternet.com",
    "bromley.sch.uk",
    "nhs.net",
];

fn email(rng: &mut Rng) -> String {
    let f = *rng.pick(&FIRST);
    let l = rng.pick(&LAST).replace('\'', "");
    let d = *rng.pick(&DOMAINS);
    match rng.below(5) {
        0 => format!("{f}.{l}@{d}"),
        1 => format!("{f}{l}{}@{d}", rng.range(1, 99)),
        2 => format!("{}{l}@{d}", &f[..1]),
        3 => format!("{f}_{l}@{d}"),
        _ => {
            let cap = |s: &str| format!("{}{}", s[..1].to_uppercase(), &s[1..]);
            format!("{}.{}@{d}", cap(f), cap(&l))
        }
    }
}

/// One planted detail of `kind`, in a sentence: (before, value, after).
fn planted(rng: &mut Rng, kind: &'static str) -> (String, String, String) {
    let (value, templates): (String, &[(&str, &str)]) = match kind {
        "phone" => (
            phone(rng),
            &[
                ("The suspect's mum rang me on ", " and told me to drop it."),
                ("His number is ", "."),
                ("He kept texting me from ", " after it happened."),
                ("Contact the aunt on ", " if there is no answer."),
            ],
        ),
        "email" => (
            email(rng),
            &[
                ("He messaged me from ", " to say sorry."),
                ("The suspect's email is ", "."),
                ("His friend wrote to my mum from ", ", which upset her."),
            ],
        ),
        "nhs-number" => (
            nhs_number(rng),
            &[
                (
                    "The suspect's NHS number ",
                    " was on the hospital letter he dropped.",
                ),
                ("NHS no. ", " (suspect) on the paperwork."),
            ],
        ),
        "ni-number" => (
            ni_number(rng),
            &[
                ("His NI number is ", "."),
                (
                    "Suspect's National Insurance number ",
                    " was on his payslip.",
                ),
            ],
        ),
        "postcode" => (
            postcode(rng),
            &[
                ("He lives at 14 Hill Road, ", "."),
                ("The suspect's family moved to ", " last year."),
                (
                    "The boy's address is 3 Oak Way, Orpington ",
                    ", near the park.",
                ),
            ],
        ),
        "pnc-id" => (
            pnc_id(rng),
            &[
                ("Suspect PNC ID ", "."),
                ("PNC ", " refers to the older brother."),
            ],
        ),
        "cro-number" => (
            cro_number(rng),
            &[
                ("CRO ", " (suspect's father)."),
                ("His CRO number is ", "."),
            ],
        ),
        "vehicle" => (
            vehicle(rng),
            &[
                ("They drove off in a silver Corsa ", "."),
                ("The car, reg ", ", was parked outside my house."),
                ("His brother picked him up in ", " every day."),
            ],
        ),
        "date-of-birth" => (
            birth_date(rng),
            &[
                ("The suspect was born ", " according to his friend."),
                ("Suspect DOB: ", "."),
                ("His brother (D.O.B. ", ") was also there."),
                ("The other boy's date of birth is ", "."),
                ("His cousin was born on ", " and goes to my school."),
            ],
        ),
        "card-number" => (
            card_number(rng),
            &[
                ("He used my card ", " at the shop."),
                ("The stolen card number was ", "."),
            ],
        ),
        _ => unreachable!(),
    };
    let (before, after) = *rng.pick(templates);
    (before.to_string(), value, after.to_string())
}

// ---------------------------------------------------------------------------------------------
// Ordinary prose: what victims and officers write, with the numbers prose has in it.

fn incident_date(rng: &mut Rng) -> String {
    let (d, m, y) = (rng.range(1, 28), rng.range(1, 12), rng.range(2024, 2026));
    if rng.chance(1, 4) {
        format!("{d} {} {y}", MONTHS[m as usize - 1])
    } else {
        format!("{d:02}/{m:02}/{y}")
    }
}

fn time(rng: &mut Rng) -> String {
    let (h, m) = (rng.range(0, 23), rng.range(0, 11) * 5);
    if rng.chance(1, 4) {
        format!("{h:02}{m:02} hrs")
    } else {
        format!("{h:02}:{m:02}")
    }
}

fn money(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => format!("£{}", rng.range(5, 999)),
        1 => format!("£{},{:03}", rng.range(1, 9), rng.range(0, 999)),
        _ => format!("£{}.{:02}", rng.range(1, 99), rng.range(0, 99)),
    }
}

fn crime_ref(rng: &mut Rng) -> String {
    format!("52{}/{}", rng.digits(5), rng.pick(&[24, 25, 26]))
}

/// Product codes that look a little like postcodes but are not on the pattern.
fn product_code(rng: &mut Rng) -> String {
    let up = b"ABCDEFGHJKLMNPRSTUWXY";
    match rng.below(3) {
        0 => format!(
            "{}{}{} {}{}{}",
            rng.letter(b"QVX"),
            rng.letter(up),
            rng.range(10, 99),
            rng.below(10),
            rng.letter(b"CIKMOV"),
            rng.letter(up)
        ),
        1 => format!(
            "{}{}{} {}{}{}",
            rng.letter(b"ABDEGHKLMNPRSTW"),
            rng.letter(up),
            rng.range(1, 9),
            rng.below(10),
            rng.letter(b"CIKMOV"),
            rng.letter(up)
        ),
        _ => format!("{}{}-{}", rng.letter(up), rng.letter(up), rng.digits(4)),
    }
}

const BUSES: [&str; 14] = [
    "61", "119", "126", "138", "162", "208", "227", "261", "269", "314", "320", "R1", "R3", "N3",
];
const STREETS: [&str; 8] = [
    "Elm Close",
    "Ash Road",
    "High Street",
    "Oak Street",
    "Masons Hill",
    "Crofton Road",
    "Widmore Road",
    "Chislehurst Road",
];

fn statement_sentence(rng: &mut Rng) -> String {
    match rng.below(24) {
        0 => format!(
            "I was walking home from school on {} at {} when the group surrounded me.",
            incident_date(rng),
            time(rng)
        ),
        1 => format!("They took my phone and {} in cash.", money(rng)),
        2 => format!(
            "I have not been able to sleep properly for {} weeks.",
            rng.range(2, 9)
        ),
        3 => KNOWN.to_string(),
        4 => format!(
            "The boy was aged {} and I recognised him from the estate.",
            rng.range(12, 17)
        ),
        5 => format!(
            "It happened near number {} {}, by the stop for the {} bus.",
            rng.range(1, 240),
            rng.pick(&STREETS),
            rng.pick(&BUSES)
        ),
        6 => format!(
            "Police gave me the crime reference {} and said someone would call.",
            crime_ref(rng)
        ),
        7 => format!(
            "The replacement phone cost {} and the order number was {}.",
            money(rng),
            order_number(rng)
        ),
        8 => format!("I now get the {} bus instead of walking.", rng.pick(&BUSES)),
        9 => format!(
            "The bike they damaged was a model {} and it cannot be repaired.",
            product_code(rng)
        ),
        10 => format!(
            "The letter from the hospital had the number {} on it, which the nurse said was wrong.",
            nhs_wrong(rng)
        ),
        11 => "she is scared to go out and stays in her room most evenings.".to_string(),
        12 => "i dont want him coming near my house again, he knows where i live.".to_string(),
        13 => format!(
            "There were 2 males and 1 female, all about {} years old.",
            rng.range(13, 17)
        ),
        14 => format!(
            "He said he would come back in {} weeks and do it again.",
            rng.range(2, 6)
        ),
        15 => format!(
            "I was off school for {} days after the incident on {}.",
            rng.range(2, 15),
            incident_date(rng)
        ),
        16 => format!(
            "The incident was logged at {} on {}, ref {}.",
            time(rng),
            incident_date(rng),
            order_number(rng)
        ),
        17 => "I would like to meet the young person to explain how it affected me.".to_string(),
        18 => format!(
            "My coat cost {} and my trainers cost {}, both were ruined.",
            money(rng),
            money(rng)
        ),
        19 => format!("CAD {}/{:02}OCT26 refers.", rng.digits(4), rng.range(1, 28)),
        20 => format!(
            "we live on the {}th floor and the lift is always broken.",
            rng.range(4, 19)
        ),
        21 => format!(
            "Since {} I have had {} panic attacks.",
            incident_date(rng),
            rng.range(2, 12)
        ),
        22 => format!(
            "The shop on {} gave the police their CCTV from {} to {}.",
            rng.pick(&STREETS),
            time(rng),
            time(rng)
        ),
        _ => "I just want it to stop and for him to understand what he did.".to_string(),
    }
}

fn vulnerability_sentence(rng: &mut Rng) -> String {
    match rng.below(14) {
        0 => format!("Victim is {} and has ADHD.", rng.range(10, 17)),
        1 => format!(
            "Child victim, aged {}; contact via mother after {}.",
            rng.range(10, 17),
            time(rng)
        ),
        2 => format!(
            "Repeat victim: {} incident since {}.",
            rng.pick(&["2nd", "3rd", "4th"]),
            incident_date(rng)
        ),
        3 => "Intimidated: suspect lives in the same road.".to_string(),
        4 => "Hearing impaired; prefers contact by text or e-mail.".to_string(),
        5 => format!(
            "Victim has anxiety and has been on a CAMHS waiting list since {}.",
            incident_date(rng)
        ),
        6 => format!(
            "Interpreter needed ({}).",
            rng.pick(&["Polish", "Romanian", "Somali", "Urdu"])
        ),
        7 => "Lives in supported housing; key worker visits on Tuesdays.".to_string(),
        8 => format!(
            "Uses a wheelchair, needs step-free access; {} previous referrals.",
            rng.range(1, 4)
        ),
        9 => format!("Elderly, lives alone at number {}.", rng.range(1, 120)),
        10 => format!(
            "Mild learning difficulties. Reviewed by PC {} on {}.",
            rng.range(100, 999),
            incident_date(rng)
        ),
        11 => "victim very distressed, mum asks for a female officer.".to_string(),
        12 => format!(
            "Off school for {} weeks, school aware (ref {}).",
            rng.range(1, 6),
            order_number(rng)
        ),
        _ => KNOWN.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// The export and its ground truth.

enum Piece {
    Prose(String),
    Detail {
        kind: &'static str,
        before: String,
        value: String,
        after: String,
    },
}

struct Planted {
    row: usize,
    /// Index into [`FREE`].
    column: usize,
    kind: &'static str,
    value: String,
}

struct Export {
    /// Every row as written to the export with details planted.
    rows: Vec<Vec<String>>,
    /// The free-text cells of each row with nothing planted (the same prose).
    clean: Vec<[String; 2]>,
    /// The free-text cells of each row as `--redact-flagged all` should leave them.
    redacted: Vec<[String; 2]>,
    /// (column, kind) -> cells planted with at least one of that kind.
    planted_cells: BTreeMap<(&'static str, &'static str), u64>,
    values: Vec<Planted>,
}

fn cell(rng: &mut Rng, row: usize, column: usize, values: &mut Vec<Planted>) -> Vec<Piece> {
    let mut pieces: Vec<Piece> = Vec::new();
    let sentences = if column == 0 {
        rng.range(2, 6)
    } else {
        rng.range(1, 3)
    };
    for _ in 0..sentences {
        pieces.push(Piece::Prose(if column == 0 {
            statement_sentence(rng)
        } else {
            vulnerability_sentence(rng)
        }));
    }
    if rng.chance(1, 3) {
        // One or two kinds, sometimes a kind twice.
        let kinds = rng.range(1, 2);
        for _ in 0..kinds {
            let kind = *rng.pick(&KINDS);
            let times = if rng.chance(1, 8) { 2 } else { 1 };
            for _ in 0..times {
                let (before, value, after) = planted(rng, kind);
                values.push(Planted {
                    row,
                    column,
                    kind,
                    value: value.clone(),
                });
                // After the first sentence, so each cell starts as prose.
                let at = rng.range(1, pieces.len() as u64) as usize;
                pieces.insert(
                    at,
                    Piece::Detail {
                        kind,
                        before,
                        value,
                        after,
                    },
                );
            }
        }
    }
    pieces
}

fn render(pieces: &[Piece], how: u8) -> String {
    let parts: Vec<String> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Prose(s) => Some(s.clone()),
            Piece::Detail { .. } if how == 0 => None,
            Piece::Detail {
                kind,
                before,
                value,
                after,
            } => Some(if how == 1 {
                format!("{before}{value}{after}")
            } else {
                format!("{before}[REDACTED: {kind}]{after}")
            }),
        })
        .collect();
    parts.join(" ")
}

fn generate() -> Export {
    let mut rng = Rng::new(SEED);
    let names = [
        "Amira Okafor",
        "Derek Mills",
        "Priya Shah",
        "Chloe Walsh",
        "Tom Hughes",
        "Fatima Begum",
        "Jan Nowak",
        "Grace Adeyemi",
    ];
    let offences = [
        "Theft person",
        "Criminal damage",
        "Assault ABH",
        "Robbery personal property",
        "Common assault",
        "Harassment",
    ];
    let mut rows = Vec::new();
    let mut clean = Vec::new();
    let mut redacted = Vec::new();
    let mut values = Vec::new();
    for r in 0..ROWS {
        let vps = cell(&mut rng, r, 0, &mut values);
        let vuln = cell(&mut rng, r, 1, &mut values);
        // The victim's own address and telephone: details, in columns that are that detail.
        let (number, street) = (rng.range(1, 200), rng.pick(&STREETS));
        let outward = rng.pick(&["BR1", "BR2", "BR3", "BR6", "BR7"]);
        let address = format!("{number} {street}, Bromley {outward} {}", inward(&mut rng));
        let telephone = loop {
            let p = phone(&mut rng);
            if !p.starts_with('+') {
                break p;
            }
        };
        let notes = if rng.chance(1, 5) {
            format!("Suspect's phone {} seized", phone(&mut rng))
        } else {
            "NFA".to_string()
        };
        let row = vec![
            format!("52{:05}/26", r),
            rng.pick(&offences).to_string(),
            format!("{:02}/10/2026", rng.range(1, 31)),
            rng.pick(&names).to_string(),
            address,
            telephone,
            rng.range(8, 80).to_string(),
            rng.pick(&["F", "M"]).to_string(),
            rng.pick(&["Stranger", "Neighbour", "School peer", "Acquaintance"])
                .to_string(),
            render(&vps, 1),
            rng.pick(&["Y", "N"]).to_string(),
            render(&vuln, 1),
            format!("Suspect {r}"),
            rng.range(10, 17).to_string(),
            rng.pick(&["N", "No", "", "n"]).to_string(),
            format!("PC {} Hart", rng.range(100, 999)),
            notes,
        ];
        rows.push(row);
        clean.push([render(&vps, 0), render(&vuln, 0)]);
        redacted.push([render(&vps, 2), render(&vuln, 2)]);
    }
    let mut planted_cells: BTreeMap<(&'static str, &'static str), u64> = BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();
    for p in &values {
        if seen.insert((p.row, p.column, p.kind)) {
            *planted_cells.entry((FREE[p.column], p.kind)).or_insert(0) += 1;
        }
    }
    Export {
        rows,
        clean,
        redacted,
        planted_cells,
        values,
    }
}

fn write_csv(path: &Path, rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(HEADER).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

// ---------------------------------------------------------------------------------------------
// Running the binary.

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A temporary folder with a partner's age key, a register and an output folder.
struct Desk {
    dir: tempfile::TempDir,
    recipient: String,
}

impl Desk {
    fn new() -> Desk {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("out")).unwrap();
        let id = age::x25519::Identity::generate();
        use age::secrecy::ExposeSecret;
        std::fs::write(
            dir.path().join("partner.txt"),
            format!("{}\n", id.to_string().expose_secret()),
        )
        .unwrap();
        Desk {
            recipient: format!("Bromley YOT, victim contact={}", id.to_public()),
            dir,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Output {
        crate::common::bin()
            .args(args)
            .current_dir(self.dir.path())
            .env("DISCLOSE_REGISTER", self.path("register.jsonl"))
            .env_remove("DISCLOSE_SIGN_KEY")
            .env_remove("DISCLOSE_SIGNERS")
            .env_remove("DISCLOSE_ARCHIVE_RECIPIENT")
            .stdin(Stdio::null())
            .output()
            .expect("the binary runs")
    }

    /// Writes the export (planted, or `clean`) and returns its path.
    fn export(&self, e: &Export, clean: bool) -> PathBuf {
        let name = if clean {
            "cris-victims-clean.csv"
        } else {
            "cris-victims-free-text.csv"
        };
        let path = self.path(name);
        if clean {
            let rows: Vec<Vec<String>> = e
                .rows
                .iter()
                .zip(&e.clean)
                .map(|(r, c)| {
                    let mut r = r.clone();
                    r[col(VPS)] = c[0].clone();
                    r[col(VULN)] = c[1].clone();
                    r
                })
                .collect();
            write_csv(&path, &rows);
        } else {
            write_csv(&path, &e.rows);
        }
        path
    }

    /// `disclose pack` of `input` under the Bromley profile, every profile warning
    /// acknowledged, with `extra`.
    fn pack(&self, input: &Path, extra: &[&str]) -> Output {
        let mut args = vec![
            "pack",
            "--profile",
            "bromley-yot-victims",
            "--input",
            input.to_str().unwrap(),
            "--period",
            "2026-10",
            "--out",
            "out",
            "--reason",
            "monthly RJ referrals, free-text test",
            "--analyst",
            "A. Analyst",
            "--recipient",
            &self.recipient,
        ];
        args.extend(crate::common::BROMLEY_ACKS);
        args.extend(extra);
        self.run(&args)
    }

    /// `disclose verify BUNDLE --identity partner.txt --extract DIR`: the extracted CSV's rows
    /// (header first) and the record.
    fn open(&self, bundle: &Path, into: &str) -> (Vec<Vec<String>>, Value) {
        let out = self.run(&[
            "verify",
            bundle.to_str().unwrap(),
            "--identity",
            "partner.txt",
            "--extract",
            into,
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "verify: {}\n{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        let files = walk(&self.path(into));
        let csv_path = files
            .iter()
            .find(|p| p.extension().is_some_and(|x| x == "csv"))
            .unwrap_or_else(|| panic!("no CSV extracted: {files:?}"));
        let record_path = files
            .iter()
            .find(|p| p.file_name().is_some_and(|n| n == "disclosure-record.json"))
            .unwrap_or_else(|| panic!("no disclosure-record.json extracted: {files:?}"));
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(csv_path)
            .unwrap();
        let rows: Vec<Vec<String>> = rd
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        let record: Value = serde_json::from_slice(&std::fs::read(record_path).unwrap()).unwrap();
        (rows, record)
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn col(name: &str) -> usize {
    HEADER.iter().position(|h| *h == name).unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: stdout {} stderr {}",
            text(&out.stdout),
            text(&out.stderr)
        )
    })
}

/// `cells.flagged` as (source column, kind) -> count.
fn flagged(summary: &Value) -> BTreeMap<(String, String), u64> {
    let mut m = BTreeMap::new();
    for f in summary["cells"]["flagged"]
        .as_array()
        .unwrap_or_else(|| panic!("no cells.flagged in {summary}"))
    {
        *m.entry((
            f["source"].as_str().unwrap().to_string(),
            f["kind"].as_str().unwrap().to_string(),
        ))
        .or_insert(0) += f["count"].as_u64().unwrap();
    }
    m
}

/// The bundle a pack wrote (its path is given relative to the folder the pack ran in).
fn bundle_of(desk: &Desk, out: &Output) -> PathBuf {
    assert_eq!(
        out.status.code(),
        Some(0),
        "pack: {}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let p = desk.dir.path().join(json(out)["bundle"].as_str().unwrap());
    assert!(p.is_file(), "{}", p.display());
    p
}

fn pct(a: u64, b: u64) -> f64 {
    if b == 0 {
        100.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

// ---------------------------------------------------------------------------------------------

#[test]
fn the_generated_details_pass_this_files_own_rules() {
    // The generator is checked against known published examples of each rule, so a mistake
    // here cannot pass as the product's.
    assert!(nhs_valid("9434765919"));
    assert!(nhs_valid("4010232137"));
    assert!(!nhs_valid("9434765918"));
    assert_eq!(luhn_complete("411111111111111"), "4111111111111111");
    assert_eq!(luhn_complete("37828224631000"), "378282246310005");
    let mut rng = Rng::new(SEED);
    for _ in 0..1000 {
        let n: String = nhs_number(&mut rng)
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        assert!(nhs_valid(&n), "{n}");
        let w: String = nhs_wrong(&mut rng)
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        assert!(!nhs_valid(&w), "{w}");
        assert!(!nhs_valid(&order_number(&mut rng)));
    }
    let e = generate();
    assert_eq!(e.rows.len(), ROWS);
    for kind in KINDS {
        let n: u64 = FREE
            .iter()
            .map(|c| e.planted_cells.get(&(*c, kind)).copied().unwrap_or(0))
            .sum();
        assert!(n >= 60, "only {n} cells planted with {kind}");
    }
    // About a third of the free-text cells hold a detail.
    let cells: std::collections::BTreeSet<(usize, usize)> =
        e.values.iter().map(|p| (p.row, p.column)).collect();
    let share = pct(cells.len() as u64, 2 * ROWS as u64);
    assert!((28.0..=38.0).contains(&share), "{share}% of cells planted");
}

#[test]
fn a_dry_run_finds_the_planted_details_and_flags_almost_nothing_in_ordinary_prose() {
    let e = generate();
    let desk = Desk::new();
    let planted_path = desk.export(&e, false);
    let clean_path = desk.export(&e, true);

    let out = desk.pack(&planted_path, &["--dry-run", "--json"]);
    // Unreviewed details block the dry run as they would the pack.
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let summary = json(&out);
    assert_eq!(summary["rows"]["read"], ROWS as u64, "{}", summary["rows"]);
    assert_eq!(
        summary["rows"]["shared"], ROWS as u64,
        "every generated row passes the rules: {}",
        summary["rows"]
    );
    let shared: Vec<&str> = summary["columns"]["shared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["source"].as_str().unwrap())
        .collect();
    for c in [VPS, VULN, ADDRESS, TELEPHONE] {
        assert!(shared.contains(&c), "{c} not shared: {shared:?}");
    }
    let found = flagged(&summary);
    // Each count names its column's agreed field, and nothing is decided yet.
    for f in summary["cells"]["flagged"].as_array().unwrap() {
        let want = if f["source"] == VPS {
            "victim_personal_statement"
        } else {
            "vulnerability_details"
        };
        assert_eq!(f["field"], want, "{f}");
        assert_eq!(f["redacted"], 0, "{f}");
        assert_eq!(f["kept"], 0, "{f}");
        assert_eq!(f["unreviewed"], f["count"], "{f}");
        assert!(
            f["input"]
                .as_str()
                .unwrap()
                .ends_with("cris-victims-free-text.csv"),
            "{f}"
        );
    }

    let clean_out = desk.pack(&clean_path, &["--dry-run", "--json"]);
    let clean_summary = json(&clean_out);
    let clean_found = flagged(&clean_summary);

    // Columns that are themselves an address or a telephone number, and withheld columns,
    // are never flagged.
    for (source, kind) in found.keys().chain(clean_found.keys()) {
        assert!(
            FREE.contains(&source.as_str()),
            "{source} flagged for {kind}: only free-text fields are scanned"
        );
    }

    let mut table = String::from("\nkind            planted   found  found%  clean-export flags\n");
    let mut recall_failures = Vec::new();
    let (mut excess, mut total_flagged, mut total_planted, mut total_clean) = (0, 0, 0, 0);
    for kind in KINDS {
        let (mut p, mut f, mut hit, mut c) = (0, 0, 0, 0);
        for column in FREE {
            let planted = e.planted_cells.get(&(column, kind)).copied().unwrap_or(0);
            let got = found
                .get(&(column.to_string(), kind.to_string()))
                .copied()
                .unwrap_or(0);
            p += planted;
            f += got;
            hit += got.min(planted);
            excess += got.saturating_sub(planted);
            c += clean_found
                .get(&(column.to_string(), kind.to_string()))
                .copied()
                .unwrap_or(0);
        }
        total_flagged += f;
        total_planted += p;
        total_clean += c;
        table.push_str(&format!(
            "{kind:<14} {p:>8} {f:>7} {:>6.1}% {c:>8}\n",
            pct(hit, p)
        ));
        if pct(hit, p) < 95.0 {
            recall_failures.push(format!("{kind}: {hit} of {p} planted cells found"));
        }
    }
    table.push_str(&format!(
        "total          {total_planted:>8} {total_flagged:>7}          {total_clean:>8}\n\
         flagged beyond planted (per column and kind): {excess} ({:.2}% of flagged); \
         clean export flagged {total_clean} cells ({:.2}% of planted), flagged_unreviewed {}\n",
        pct(excess, total_flagged),
        pct(total_clean, total_planted),
        clean_summary["cells"]["flagged_unreviewed"]
    ));
    eprintln!("{table}");

    assert!(recall_failures.is_empty(), "{recall_failures:?}{table}");
    assert!(
        pct(excess, total_flagged) <= 2.0,
        "{excess} cells flagged beyond those planted{table}"
    );
    assert!(
        pct(total_clean, total_planted) <= 2.0,
        "the same prose with nothing planted had {total_clean} cells flagged{table}"
    );
    // The unreviewed count is per cell, whatever the kinds in it.
    let planted_cells: std::collections::BTreeSet<(usize, usize)> =
        e.values.iter().map(|p| (p.row, p.column)).collect();
    let unreviewed = summary["cells"]["flagged_unreviewed"].as_u64().unwrap();
    assert!(
        unreviewed >= planted_cells.len() as u64 * 95 / 100
            && unreviewed <= planted_cells.len() as u64 + total_clean + excess,
        "flagged_unreviewed {unreviewed}, cells planted {}",
        planted_cells.len()
    );
    let blockers = summary["blockers"].as_array().unwrap();
    assert!(
        blockers.iter().any(|b| b["kind"] == "free-text-unreviewed"
            && b["fix"].as_str().unwrap().contains("--redact-flagged")
            && b["fix"].as_str().unwrap().contains("free-text-reviewed")),
        "{blockers:?}"
    );
    if total_clean == 0 {
        // Nothing to review: the clean export's dry run is ready.
        assert_eq!(
            clean_out.status.code(),
            Some(0),
            "{}",
            clean_summary["blockers"]
        );
    }
}

#[test]
fn a_pack_with_unreviewed_details_is_refused_and_writes_nothing() {
    let e = generate();
    let desk = Desk::new();
    let input = desk.export(&e, false);
    let out = desk.pack(&input, &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("free-text-reviewed"), "{stderr}");
    assert!(stderr.contains("--redact-flagged"), "{stderr}");
    let left = walk(&desk.path("out"));
    assert!(
        left.is_empty(),
        "a refused pack left files in --out: {left:?}"
    );
    // Nor anywhere else.
    let bundles: Vec<PathBuf> = walk(desk.dir.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".age"))
        .collect();
    assert!(bundles.is_empty(), "{bundles:?}");
}

#[test]
fn redacting_every_kind_removes_each_planted_detail_and_keeps_the_rest() {
    let e = generate();
    let desk = Desk::new();
    let input = desk.export(&e, false);
    let out = desk.pack(&input, &["--redact-flagged", "all", "--json"]);
    let bundle = bundle_of(&desk, &out);
    let (rows, record) = desk.open(&bundle, "opened");

    let header = &rows[0];
    let at = |label: &str| {
        header
            .iter()
            .position(|h| h == label)
            .unwrap_or_else(|| panic!("no {label} in {header:?}"))
    };
    let free_at = [at(FREE_OUT[0]), at(FREE_OUT[1])];
    let (address_at, telephone_at) = (at(ADDRESS_OUT), at(TELEPHONE_OUT));
    let body = &rows[1..];
    assert_eq!(body.len(), ROWS);

    // Every planted value is gone from its cell, replaced by its own kind's marker; none
    // is anywhere in the bundle's free text.
    let mut by_kind: BTreeMap<&str, (u64, u64, u64)> = BTreeMap::new();
    let mut missed = Vec::new();
    let mut wrong_kind = Vec::new();
    for p in &e.values {
        let got = &body[p.row][free_at[p.column]];
        let entry = by_kind.entry(p.kind).or_insert((0, 0, 0));
        entry.0 += 1;
        if got.contains(&p.value) {
            missed.push(format!("{}: {:?}", p.kind, p.value));
        } else {
            entry.1 += 1;
            if got.contains(&format!("[REDACTED: {}]", p.kind)) {
                entry.2 += 1;
            } else {
                wrong_kind.push(format!("{}: {:?} -> {got:?}", p.kind, p.value));
            }
        }
    }
    let mut table = String::from("\nkind            planted values  removed  as own kind\n");
    for (kind, (n, removed, own)) in &by_kind {
        table.push_str(&format!("{kind:<14} {n:>15} {removed:>8} {own:>12}\n"));
    }
    eprintln!("{table}");

    // Cells whose text is not exactly the prose with the planted details replaced.
    let mut differing = Vec::new();
    let mut known_in = 0;
    let mut known_out = 0;
    for (i, row) in body.iter().enumerate() {
        for c in 0..2 {
            let want = &e.redacted[i][c];
            let got = &row[free_at[c]];
            known_in += want.matches(KNOWN).count();
            known_out += got.matches(KNOWN).count();
            if got != want {
                differing.push(format!("want {want:?}\n     got  {got:?}"));
            }
        }
        // The columns that are themselves an address or a telephone number leave as they are.
        assert_eq!(row[address_at], e.rows[i][col(ADDRESS)], "row {i}");
        assert_eq!(row[telephone_at], e.rows[i][col(TELEPHONE)], "row {i}");
    }
    let all_free: String = body
        .iter()
        .flat_map(|r| free_at.iter().map(|&c| r[c].as_str()))
        .collect::<Vec<_>>()
        .join("\n");
    let anywhere: Vec<&str> = e
        .values
        .iter()
        .filter(|p| all_free.contains(&p.value))
        .map(|p| p.value.as_str())
        .collect();
    assert!(
        missed.is_empty() && anywhere.is_empty(),
        "{} planted values left in the bundle, e.g. {:?}{table}",
        missed.len(),
        &missed[..missed.len().min(20)]
    );
    for kind in KINDS {
        let marker = format!("[REDACTED: {kind}]");
        assert!(all_free.contains(&marker), "no {marker} in the bundle");
    }
    assert!(known_in > 100, "the known sentence is in {known_in} cells");
    assert_eq!(
        known_out, known_in,
        "ordinary prose was redacted: {KNOWN:?}"
    );
    assert!(
        wrong_kind.is_empty(),
        "{} planted values redacted as another kind, e.g. {:?}",
        wrong_kind.len(),
        &wrong_kind[..wrong_kind.len().min(10)]
    );
    assert!(
        pct(differing.len() as u64, 2 * ROWS as u64) <= 2.0,
        "{} free-text cells differ from the prose with the planted details redacted, e.g.\n{}",
        differing.len(),
        differing[..differing.len().min(10)].join("\n")
    );
    if !differing.is_empty() {
        eprintln!(
            "{} cells redacted beyond what was planted, e.g.\n{}",
            differing.len(),
            differing[..differing.len().min(10)].join("\n")
        );
    }

    // The record counts what was found and redacted, per column and kind; nothing is left
    // unreviewed, so there is no review to acknowledge.
    let cells = &record["cells"];
    assert_eq!(cells["flagged_unreviewed"], 0, "{cells}");
    let mut redacted_kinds = Vec::new();
    for f in cells["flagged"].as_array().unwrap() {
        assert_eq!(f["unreviewed"], 0, "{f}");
        assert!(f["count"].as_u64().unwrap() > 0, "{f}");
        assert!(
            f["redacted"].as_u64().unwrap() >= f["count"].as_u64().unwrap(),
            "every cell counted had its details redacted: {f}"
        );
        redacted_kinds.push(f["kind"].as_str().unwrap().to_string());
    }
    for kind in KINDS {
        assert!(redacted_kinds.iter().any(|k| k == kind), "{kind}: {cells}");
    }
    let warnings = record["warnings"].as_array().unwrap();
    assert!(
        !warnings.iter().any(|w| w["code"] == "free-text-reviewed"),
        "{warnings:?}"
    );
}

#[test]
fn acknowledging_the_review_writes_the_bundle_with_the_details_and_records_it() {
    let e = generate();
    let desk = Desk::new();
    let input = desk.export(&e, false);
    let out = desk.pack(&input, &["--acknowledge", "free-text-reviewed", "--json"]);
    let bundle = bundle_of(&desk, &out);
    let (rows, record) = desk.open(&bundle, "opened");

    let w = record["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "free-text-reviewed")
        .unwrap_or_else(|| panic!("no free-text-reviewed warning: {}", record["warnings"]));
    assert_eq!(w["acknowledged_by"], "A. Analyst", "{w}");
    let cells = &record["cells"];
    let unreviewed = cells["flagged_unreviewed"].as_u64().unwrap();
    assert!(unreviewed > 0, "{cells}");
    assert!(
        w["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{unreviewed} free-text cells")),
        "{w}"
    );
    for f in cells["flagged"].as_array().unwrap() {
        assert_eq!(f["redacted"], 0, "{f}");
        assert_eq!(f["unreviewed"], f["count"], "{f}");
    }

    // The details leave as they were typed: the statement is shared whole.
    let header = &rows[0];
    let vps = header.iter().position(|h| h == FREE_OUT[0]).unwrap();
    let vuln = header.iter().position(|h| h == FREE_OUT[1]).unwrap();
    assert_eq!(rows.len(), ROWS + 1);
    for (i, row) in rows[1..].iter().enumerate() {
        assert_eq!(row[vps], e.rows[i][col(VPS)], "row {i}");
        assert_eq!(row[vuln], e.rows[i][col(VULN)], "row {i}");
        assert!(!row[vps].contains("[REDACTED"), "row {i}");
    }
}

/// Single statements, each in its own row: forms of a detail a UK analyst plainly expects to
/// be found, and plain prose that must not be flagged, with the spans `--redact-flagged all`
/// should replace (none for prose). The first few are controls the recognisers handle.
const PLAIN_CASES: &[(&str, &[(&str, &str)])] = &[
    // Controls.
    (
        "He rang me on 07700 900123 after six.",
        &[("07700 900123", "phone")],
    ),
    (
        "Suspect DOB: 12/03/1988.",
        &[("12/03/1988", "date-of-birth")],
    ),
    ("Victim walked along the A21 and into the park.", &[]),
    // A label and a colon with no space, as officers type them.
    (
        "Mob:07700900123 called me twice.",
        &[("07700900123", "phone")],
    ),
    (
        "Suspect's mum Tel:07700 900123.",
        &[("07700 900123", "phone")],
    ),
    (
        "Suspect NHS no:9434765919.",
        &[("9434765919", "nhs-number")],
    ),
    // Two numbers with a slash between them.
    (
        "Suspect's numbers 07700 900123/020 7946 0018.",
        &[("07700 900123", "phone"), ("020 7946 0018", "phone")],
    ),
    // Dates of birth as the British write them.
    (
        "His date of birth is 12th of March 1988.",
        &[("12th of March 1988", "date-of-birth")],
    ),
    (
        "The suspect was born on the 12th March 1988.",
        &[("12th March 1988", "date-of-birth")],
    ),
    // Plain prose: the victim's own stolen phone's IMEI (15 digits, Luhn by design), and
    // statements typed in capitals (school years, roads).
    (
        "My phone's IMEI is 356938035643809 and it has not been found.",
        &[],
    ),
    ("VICTIM IS IN Y10 AND WAS WALKING WITH FRIENDS.", &[]),
    ("SUSPECT RAN ALONG THE A21 AND INTO THE PARK.", &[]),
];

#[test]
fn plain_forms_are_found_and_plain_prose_is_left_alone() {
    let e = generate();
    let desk = Desk::new();
    let input = desk.path("plain-cases.csv");
    let rows: Vec<Vec<String>> = PLAIN_CASES
        .iter()
        .enumerate()
        .map(|(i, (statement, _))| {
            let mut r = e.rows[i].clone();
            r[col(VPS)] = statement.to_string();
            r[col(VULN)] = "Child victim.".to_string();
            r
        })
        .collect();
    write_csv(&input, &rows);
    let out = desk.pack(&input, &["--redact-flagged", "all", "--json"]);
    let bundle = bundle_of(&desk, &out);
    let (shared, _) = desk.open(&bundle, "opened");
    let vps = shared[0].iter().position(|h| h == FREE_OUT[0]).unwrap();
    assert_eq!(shared.len(), PLAIN_CASES.len() + 1);
    let mut wrong = Vec::new();
    for ((statement, spans), row) in PLAIN_CASES.iter().zip(&shared[1..]) {
        let mut want = statement.to_string();
        for (value, kind) in *spans {
            assert!(want.contains(value), "{statement}: {value}");
            want = want.replacen(value, &format!("[REDACTED: {kind}]"), 1);
        }
        if row[vps] != want {
            wrong.push(format!(
                "{statement:?}\n    want {want:?}\n    got  {:?}",
                row[vps]
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} statements not redacted as expected:\n{}",
        wrong.len(),
        PLAIN_CASES.len(),
        wrong.join("\n")
    );
}
