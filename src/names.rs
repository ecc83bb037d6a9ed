//! Names of the files inside a bundle, so that every bundle unpacks the same on Linux, macOS and
//! Windows: the rules [`crate::verify`] checks each entry against, and the payload names pack
//! chooses from its inputs so that its own bundles always pass them.
//!
//! Two names are one file somewhere when they differ only in case (Windows) or in how an accented
//! letter is encoded (macOS normalises to one form); Windows also reserves device names (`CON`,
//! `NUL`, `COM1`…, with any extension) and silently drops a trailing dot or space.

use std::collections::HashSet;
use unicode_normalization::UnicodeNormalization;

/// A name in Unicode's composed form (NFC): é as one character, whichever way it was written.
pub fn nfc(name: &str) -> String {
    name.nfc().collect()
}

/// The key under which two names land on one file somewhere: macOS folds Unicode
/// normalisation, Windows folds case, and some file systems do both.
pub fn folded(name: &str) -> String {
    nfc(&nfc(name).to_lowercase())
}

/// Whether Windows reserves the path component `part` for a device: `CON`, `PRN`, `AUX`, `NUL`,
/// `COM1`…`COM9` and `LPT1`…`LPT9` (also with a superscript digit), `CONIN$` and `CONOUT$`,
/// in any case, alone or before the first dot (`nul.csv`, `Con.tar.gz`), trailing spaces
/// ignored as Windows ignores them.
pub fn windows_reserved(part: &str) -> bool {
    let stem = part
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end_matches(' ')
        .to_uppercase();
    if matches!(
        stem.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) {
        return true;
    }
    let mut chars = stem.chars();
    let device: String = chars.by_ref().take(3).collect();
    let digit = chars.next();
    (device == "COM" || device == "LPT")
        && chars.next().is_none()
        && digit.is_some_and(|d| d.is_ascii_digit() || matches!(d, '¹' | '²' | '³'))
}

/// Why the path component `part` cannot be one file's name on Windows, if it cannot: a
/// reserved device name, a trailing dot or space, or a character Windows forbids.
pub fn windows_unsafe_component(part: &str) -> Option<&'static str> {
    if windows_reserved(part) {
        Some("a name Windows reserves for a device")
    } else if part.ends_with(['.', ' ']) {
        Some("a name ending in a dot or space, which Windows silently changes")
    } else if part
        .chars()
        .any(|c| c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*' | '\\'))
    {
        Some("a name with a character Windows forbids in file names (<>:\"|?*\\ or a control)")
    } else {
        None
    }
}

/// The longest payload file name pack chooses, before `-N.csv`: well inside the 128 characters
/// a bundle's path component may have.
const MAX_BASE: usize = 100;

/// Chooses payload names (`data/<name>.csv`) for a bundle's inputs: ASCII letters, digits, `-`,
/// `_` and `.` from the input's file name (and sheet); a device name Windows reserves gets `_`
/// (`CON.csv` → `data/CON_.csv`); a name already taken in any case gets `-2`, `-3`…
/// (`Upper.csv`, `upper.csv` → `data/Upper.csv`, `data/upper-2.csv`).
#[derive(Debug, Default)]
pub struct PayloadNames {
    taken: HashSet<String>,
}

impl PayloadNames {
    pub fn new() -> PayloadNames {
        PayloadNames::default()
    }

    /// The payload path for the input file `file_name` (its extension dropped), read from
    /// `sheet` when it is a workbook.
    pub fn choose(&mut self, file_name: &str, sheet: Option<&str>) -> String {
        let stem = std::path::Path::new(file_name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Composed first, so that one name slugs the same however its accents were encoded.
        let mut base = ascii_slug(&nfc(&stem));
        if base.is_empty() {
            base = "export".into();
        }
        if let Some(sheet) = sheet.map(|s| ascii_slug(&nfc(s))).filter(|s| !s.is_empty()) {
            base = format!("{base}-{sheet}");
        }
        base.truncate(MAX_BASE);
        let base = base.trim_end_matches(['-', '_', '.']).to_string();
        let base = if windows_reserved(&base) {
            // `_` after the device name, before any dot: `nul.old` → `nul_.old`.
            let (device, rest) = base.split_at(base.find('.').unwrap_or(base.len()));
            format!("{device}_{rest}")
        } else {
            base
        };
        let mut candidate = format!("data/{base}.csv");
        let mut n = 2;
        while self.taken.contains(&folded(&candidate)) {
            candidate = format!("data/{base}-{n}.csv");
            n += 1;
        }
        self.taken.insert(folded(&candidate));
        candidate
    }
}

/// `s` in ASCII letters, digits, `-`, `_` and single dots, starting with a letter or digit and
/// ending without punctuation: every other run of characters becomes one `_`.
fn ascii_slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '-' {
            out.push(c);
        } else if c == '.' {
            if !out.ends_with('.') {
                out.push(c);
            }
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out: String = out.trim_matches(['_', '.', '-']).chars().take(80).collect();
    out.trim_end_matches(['_', '.', '-']).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_names_are_plain_ascii() {
        assert_eq!(
            ascii_slug("CRIS Export (Oct) £.csv"),
            "CRIS_Export_Oct_.csv"
        );
        assert_eq!(ascii_slug("../../etc/passwd"), "etc_passwd");
        assert_eq!(ascii_slug("a..b"), "a.b");
        assert_eq!(ascii_slug("-rf"), "rf");
    }

    #[test]
    fn device_names_are_reserved_in_any_case_and_before_any_dot() {
        for n in [
            "CON",
            "con",
            "nul",
            "Aux",
            "PRN",
            "COM1",
            "lpt9",
            "com¹",
            "CONIN$",
            "nul.csv",
            "Con.tar.gz",
            "CON .csv",
        ] {
            assert!(windows_reserved(n), "{n}");
        }
        for n in [
            "console",
            "CON_",
            "COM",
            "COM10",
            "nullify.csv",
            "xnul",
            "con-2",
        ] {
            assert!(!windows_reserved(n), "{n}");
        }
    }

    #[test]
    fn pack_names_each_input_so_that_verify_takes_the_bundle() {
        let mut names = PayloadNames::new();
        let chosen: Vec<String> = [
            ("CON.csv", None),
            ("nul.csv", None),
            ("aux.xlsx", Some("Sheet1")),
            ("aux.xlsx", None),
            ("COM1.csv", None),
            ("nul.old.csv", None),
            ("Upper.csv", None),
            ("upper.csv", None),
            ("UPPER.xlsx", None),
            ("upper-2.csv", None),
            ("café.csv", None),
            ("cafe\u{301}.csv", None),
            ("£££.csv", None),
            ("", Some("£")),
        ]
        .iter()
        .map(|(f, s)| names.choose(f, *s))
        .collect();
        assert_eq!(
            chosen,
            [
                "data/CON_.csv",
                "data/nul_.csv",
                "data/aux-Sheet1.csv",
                "data/aux_.csv",
                "data/COM1_.csv",
                "data/nul_.old.csv",
                "data/Upper.csv",
                "data/upper-2.csv",
                "data/UPPER-3.csv",
                "data/upper-2-2.csv",
                "data/caf.csv",
                "data/caf-2.csv",
                "data/export.csv",
                "data/export-2.csv",
            ]
        );
        let mut seen = HashSet::new();
        for c in &chosen {
            assert!(seen.insert(folded(c)), "{c} twice");
            for part in c.split('/') {
                assert_eq!(windows_unsafe_component(part), None, "{c}");
            }
            crate::bundle::check_payload_path(c).unwrap();
        }
    }

    #[test]
    fn a_long_file_and_sheet_name_fit_a_bundle_path() {
        let mut names = PayloadNames::new();
        let long = "x".repeat(300);
        for _ in 0..12 {
            let c = names.choose(&format!("{long}.xlsx"), Some(&long));
            crate::bundle::check_payload_path(&c).unwrap();
        }
    }
}
