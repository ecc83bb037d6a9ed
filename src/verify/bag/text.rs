//! The bag's own text files: `bagit.txt` (read strictly: it is how a reader learns the version
//! and the encoding of every other tag file) and `bag-info.txt` (read leniently, as the
//! conformance suite's valid bags require).

use super::super::report::Report;
use super::{BagSource, TAG_LIMIT};
use crate::text::printable;
use encoding_rs::{Encoding, UTF_8};

/// What `bagit.txt` declares.
pub(super) struct Declaration {
    pub(super) version: (u32, u32),
    pub(super) encoding: &'static Encoding,
}

pub(super) fn declaration(src: &mut dyn BagSource, report: &mut Report) -> Declaration {
    let m = report.mark();
    let mut decl = Declaration {
        version: (1, 0),
        encoding: UTF_8,
    };
    if !src.files().contains_key("bagit.txt") {
        report.problem("bagit.txt is missing, so this is not a complete BagIt bag.");
        report.close_check("BagIt declaration", m, "");
        return decl;
    }
    let bytes = match src.read("bagit.txt", 4096) {
        Ok(b) => b,
        Err(e) => {
            report.problem(e);
            report.close_check("BagIt declaration", m, "");
            return decl;
        }
    };
    let body = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => {
            report.problem(
                "bagit.txt starts with a byte-order mark (BOM), which BagIt does not allow.",
            );
            rest
        }
        None => &bytes[..],
    };
    let Ok(text) = std::str::from_utf8(body) else {
        report.problem("bagit.txt is not valid UTF-8 text.");
        report.close_check("BagIt declaration", m, "");
        return decl;
    };
    let mut lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    if lines.len() != 2 {
        report.problem(format!(
            "bagit.txt must have exactly two lines (BagIt-Version, then \
             Tag-File-Character-Encoding); it has {}.",
            lines.len()
        ));
    }
    let line1 = lines.first().copied().unwrap_or("");
    match line1
        .strip_prefix("BagIt-Version: ")
        .and_then(parse_version)
    {
        Some(v) => decl.version = v,
        None => report.problem(format!(
            "bagit.txt line 1 should read \"BagIt-Version: <major>.<minor>\" but reads \"{}\".",
            printable(line1)
        )),
    }
    let supported = matches!(decl.version, (0, 93..=97) | (1, 0));
    if !supported {
        report.problem(format!(
            "bagit.txt declares BagIt version {}.{}, which disclose does not read (it reads 0.93 \
             to 0.97 and 1.0).",
            decl.version.0, decl.version.1
        ));
    }
    if let Some(line2) = lines.get(1) {
        let label = line2.strip_prefix("Tag-File-Character-Encoding: ");
        match label.filter(|l| !l.is_empty() && !l.contains(char::is_whitespace)) {
            Some(l) => match Encoding::for_label(l.as_bytes()) {
                Some(e) => decl.encoding = e,
                None => report.problem(format!(
                    "bagit.txt names the character encoding \"{}\", which disclose does not know.",
                    printable(l)
                )),
            },
            None => report.problem(format!(
                "bagit.txt line 2 should read \"Tag-File-Character-Encoding: <encoding>\" but \
                 reads \"{}\".",
                printable(line2)
            )),
        }
    }
    report.close_check(
        "BagIt declaration",
        m,
        format!(
            "bagit.txt declares BagIt {}.{}, tag files in {}.",
            decl.version.0,
            decl.version.1,
            decl.encoding.name()
        ),
    );
    decl
}

fn parse_version(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once('.')?;
    let digits = |x: &str| !x.is_empty() && x.len() <= 4 && x.bytes().all(|c| c.is_ascii_digit());
    (digits(a) && digits(b)).then(|| Some((a.parse().ok()?, b.parse().ok()?)))?
}

/// A tag file's text in the declared encoding.
pub(super) fn decode(
    src: &mut dyn BagSource,
    path: &str,
    decl: &Declaration,
) -> Result<String, String> {
    let bytes = src.read(path, TAG_LIMIT)?;
    let (text, _, errors) = decl.encoding.decode(&bytes);
    if errors {
        return Err(format!(
            "{} is not valid {} text, as bagit.txt says tag files are.",
            printable(path),
            decl.encoding.name()
        ));
    }
    Ok(text.into_owned())
}

pub(super) fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .enumerate()
        .map(|(i, l)| (i + 1, l))
}

pub(super) fn bag_info(
    src: &mut dyn BagSource,
    decl: &Declaration,
    report: &mut Report,
) -> Vec<(String, String)> {
    if !src.files().contains_key("bag-info.txt") {
        return Vec::new();
    }
    let text = match decode(src, "bag-info.txt", decl) {
        Ok(t) => t,
        Err(e) => {
            report.problem(e);
            return Vec::new();
        }
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (n, line) in lines(&text) {
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            match pairs.last_mut() {
                Some((_, v)) => {
                    v.push(' ');
                    v.push_str(line.trim());
                }
                None => report.problem(format!(
                    "bag-info.txt line {n} continues an entry, but there is none before it."
                )),
            }
        } else if let Some((l, v)) = line.split_once(':') {
            pairs.push((l.trim().to_string(), v.trim().to_string()));
        } else {
            report.problem(format!(
                "bag-info.txt line {n} is not in the form \"Label: value\"."
            ));
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(parse_version("1.0"), Some((1, 0)));
        assert_eq!(parse_version("0.97"), Some((0, 97)));
        assert_eq!(parse_version(".97"), None);
        assert_eq!(parse_version("1.0 "), None);
    }
}
