//! Finding files by keyboard: a folder listed with only its sub-folders and `.csv`/`.xlsx`
//! files, and Tab completion of a typed path. Reads folder listings only, never file contents.

use super::model::Entry;
use std::path::{MAIN_SEPARATOR, Path, PathBuf};

/// Whether the file name is one the loader takes.
pub(super) fn is_export(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".csv") || lower.ends_with(".xlsx")
}

/// Sub-folders (first) and exports in `dir`, sorted by name; hidden entries left out.
pub(super) fn list(dir: &Path) -> std::io::Result<Vec<Entry>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let Ok(e) = e else { continue };
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let is_dir = e.path().is_dir();
        if is_dir || is_export(&name) {
            out.push(Entry { name, is_dir });
        }
    }
    out.sort_by(|a, b| {
        b.is_dir
            .cmp(&a.is_dir)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    Ok(out)
}

/// A typed path made absolute against `base`.
pub(super) fn resolve(base: &Path, typed: &str) -> PathBuf {
    let typed = typed.trim().trim_matches('"');
    let p = if let Some(rest) = typed.strip_prefix("~/") {
        std::env::var_os("HOME")
            .map(|h| PathBuf::from(h).join(rest))
            .unwrap_or_else(|| PathBuf::from(typed))
    } else {
        PathBuf::from(typed)
    };
    if p.is_absolute() { p } else { base.join(p) }
}

/// Complete `typed` as far as it is unambiguous: the longest common prefix of the names in
/// its folder that start with what was typed (folders get a trailing separator). `files`
/// says whether files other than exports may complete (a key file, say).
pub(super) fn complete(base: &Path, typed: &str, any_file: bool) -> Option<String> {
    let (dir_part, stem) = match typed.rfind(['/', MAIN_SEPARATOR]) {
        Some(i) => (&typed[..=i], &typed[i + 1..]),
        None => ("", typed),
    };
    let dir = resolve(base, if dir_part.is_empty() { "." } else { dir_part });
    let lower = stem.to_lowercase();
    let mut matches: Vec<(String, bool)> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                e.path().is_dir(),
            )
        })
        .filter(|(n, d)| {
            n.to_lowercase().starts_with(&lower)
                && (!n.starts_with('.') || stem.starts_with('.'))
                && (*d || any_file || is_export(n))
        })
        .collect();
    matches.sort();
    let first = matches.first()?;
    let mut common: String = first.0.clone();
    for (n, _) in &matches[1..] {
        let len = common
            .chars()
            .zip(n.chars())
            .take_while(|(a, b)| a.eq_ignore_ascii_case(b))
            .count();
        common = common.chars().take(len).collect();
    }
    let mut out = format!("{dir_part}{common}");
    if matches.len() == 1 && first.1 {
        out.push(MAIN_SEPARATOR);
    }
    (out != typed).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_folders_then_exports_only() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("sub")).unwrap();
        for f in ["b.csv", "A.xlsx", "notes.txt", ".hidden.csv"] {
            std::fs::write(d.path().join(f), "").unwrap();
        }
        let names: Vec<String> = list(d.path())
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["sub", "A.xlsx", "b.csv"]);
    }

    #[test]
    fn tab_completes_the_unambiguous_part() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("cris-oct.csv"), "").unwrap();
        std::fs::write(d.path().join("cris-nov.csv"), "").unwrap();
        std::fs::create_dir(d.path().join("exports")).unwrap();
        assert_eq!(complete(d.path(), "cr", false).as_deref(), Some("cris-"));
        assert_eq!(
            complete(d.path(), "cris-o", false).as_deref(),
            Some("cris-oct.csv")
        );
        assert_eq!(
            complete(d.path(), "ex", false),
            Some(format!("exports{MAIN_SEPARATOR}"))
        );
        assert_eq!(complete(d.path(), "zz", false), None);
    }
}
