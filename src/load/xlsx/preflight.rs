//! The package, checked before calamine sees it: the checks listed under "Hostile and broken
//! files" in the module above.

use super::MAX_HELD_PART_BYTES;
use super::at::At;
use super::bytes::find;
use super::guarded::{damaged_part, workbook, zip_sentence};
use super::hidden;
use super::letters::thousands;
use super::sheet::archive;
use super::tokens::{HARMLESS_STRING_COUNT, HELD_STRINGS, TokenScan};
use super::{Archive, token_cap};
use crate::load::{Limits, LoadError};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Check the zip package: a complete archive, of an Excel workbook, with no part that would
/// make calamine or its XML parser hold an unbounded amount of memory. With `learn`, it also
/// returns what the parts' tags say about hidden rows and columns (see [`hidden`]).
pub(super) fn preflight(
    path: &Path,
    file: &File,
    limits: &Limits,
    cancel: &AtomicBool,
    learn: bool,
) -> Result<hidden::Package, LoadError> {
    let (package, _) = preflight_but(path, file, limits, cancel, learn, |_| false)?;
    Ok(package)
}

/// [`preflight`], but the parts that `later` picks are left unread; they are returned, by
/// index and name, for [`check_parts`].
pub(super) fn preflight_but(
    path: &Path,
    file: &File,
    limits: &Limits,
    cancel: &AtomicBool,
    learn: bool,
    later: impl Fn(&str) -> bool,
) -> Result<(hidden::Package, Vec<(usize, String)>), LoadError> {
    let damaged = |e: zip::result::ZipError| workbook(path, zip_sentence(&e));
    let mut zip = archive(path, file)?;

    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let entry = zip.by_index_data(i).map_err(damaged)?;
        let name = entry.name().map_err(damaged)?;
        names.push(name.replace('\\', "/").to_ascii_lowercase());
    }
    // Two parts of one name (zip allows it; a package does not, and names in a package ignore
    // case): which one a program reads differs, so what is shared may not be what Excel shows.
    // Counted from the raw central directory: the zip crate keeps only one entry of a name.
    let raw: Vec<String> = {
        let mut reader = BufReader::new(At::new(file).map_err(|e| LoadError::io(path, e))?);
        crate::verify::archive::raw_central_names(&mut reader, zip.central_directory_start())
            .0
            .iter()
            .map(|n| String::from_utf8_lossy(n).replace('\\', "/").to_lowercase())
            .collect()
    };
    let mut seen = std::collections::HashSet::new();
    let listed = if raw.len() >= names.len() {
        &raw
    } else {
        &names
    };
    if let Some(twice) = listed.iter().find(|n| !seen.insert(n.as_str())) {
        return Err(workbook(
            path,
            format!(
                "it holds two parts named \"{}\": programs differ in which they read, so what \
                 would be shared may not be what Excel shows; the file is damaged or built to \
                 mislead",
                crate::text::printable(twice)
            ),
        ));
    }
    if let Some(i) = names.iter().position(|n| n == "mimetype") {
        let mut head = Vec::new();
        let entry = zip.by_index(i).map_err(damaged)?;
        let _ = entry.take(100).read_to_end(&mut head);
        if head.starts_with(b"application/vnd.oasis.opendocument") {
            return Err(LoadError::Unsupported {
                path: path.to_path_buf(),
                what: "it is an OpenDocument file (.ods), not an Excel workbook (.xlsx)".into(),
            });
        }
    }
    if names.iter().any(|n| n == "xl/workbook.bin") {
        return Err(LoadError::Unsupported {
            path: path.to_path_buf(),
            what: "it is an Excel binary workbook (.xlsb), not an .xlsx workbook".into(),
        });
    }
    if !names.iter().any(|n| n == "_rels/.rels") {
        return Err(LoadError::Unsupported {
            path: path.to_path_buf(),
            what: "it is a zip archive, but not an Excel workbook".into(),
        });
    }

    let mut package = hidden::Package::new();
    let mut left = Vec::new();
    for (i, name) in names.into_iter().enumerate() {
        if later(&name) {
            left.push((i, name));
            continue;
        }
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        check_part(
            path,
            &mut zip,
            i,
            &name,
            limits,
            cancel,
            learn,
            &mut package,
        )?;
    }
    Ok((package, left))
}

/// Check the parts left by [`preflight_but`], through a reader of their own.
pub(super) fn check_parts(
    path: &Path,
    file: &File,
    limits: &Limits,
    cancel: &AtomicBool,
    learn: bool,
    parts: &[(usize, String)],
) -> Result<hidden::Package, LoadError> {
    let mut zip = archive(path, file)?;
    let mut package = hidden::Package::new();
    for (i, name) in parts {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        check_part(
            path,
            &mut zip,
            *i,
            name,
            limits,
            cancel,
            learn,
            &mut package,
        )?;
    }
    Ok(package)
}

/// Check one part (`name` as the pre-scan lists it), adding what it learns to `package`.
#[allow(clippy::too_many_arguments)]
pub(super) fn check_part(
    path: &Path,
    zip: &mut Archive,
    i: usize,
    name: &str,
    limits: &Limits,
    cancel: &AtomicBool,
    learn: bool,
    package: &mut hidden::Package,
) -> Result<(), LoadError> {
    let damaged = |e: zip::result::ZipError| workbook(path, zip_sentence(&e));
    let cap = token_cap(limits);
    let (size, packed, encrypted, is_dir) = {
        let entry = zip.by_index_data(i).map_err(damaged)?;
        (
            entry.size(),
            entry.compressed_size(),
            entry.encrypted(),
            entry.is_dir(),
        )
    };
    if is_dir {
        return Ok(());
    }
    if encrypted {
        return Err(workbook(
            path,
            "its parts are encrypted with a zip password",
        ));
    }
    if is_held(name) && size > MAX_HELD_PART_BYTES {
        return Err(workbook(
            path,
            format!(
                "its part {name:?} would unpack to {} MiB, more than the limit of {} MiB: \
                 the file is damaged or built to exhaust memory",
                size / (1024 * 1024),
                MAX_HELD_PART_BYTES / (1024 * 1024)
            ),
        ));
    }
    // Read every part to its end, so that the zip checksums are verified (calamine stops
    // reading a sheet at its last cell and would never notice a damaged part), measuring
    // the longest XML token on the way.
    let binary = is_binary(name);
    let shared_strings = name.ends_with("sharedstrings.xml");
    let entry = zip.by_index(i).map_err(damaged)?;
    let strings_limit = shared_strings.then(|| packed.max(HELD_STRINGS));
    let mut scan = read_part(
        path,
        entry,
        !binary,
        shared_strings,
        strings_limit,
        learn,
        cancel,
        cap,
    )?;
    if scan.longest() > cap {
        return Err(workbook(
            path,
            format!(
                "its part {name:?} holds a single run of text or markup longer than {} MiB: \
                 the file is damaged, built to exhaust memory, or holds a cell far larger \
                 than any export should",
                cap / (1024 * 1024)
            ),
        ));
    }
    if shared_strings {
        check_string_count(path, name, size, &scan)?;
        check_strings_held(path, name, packed, &scan)?;
    }
    if let Some(facts) = scan.facts.take().and_then(hidden::PartScan::finish) {
        package.insert(name.to_string(), facts);
    }
    Ok(())
}

/// Parts calamine reads whole when it opens a workbook, by their usual names.
pub(super) fn is_held(name: &str) -> bool {
    [
        ".rels",
        "sharedstrings.xml",
        "styles.xml",
        "workbook.xml",
        "theme1.xml",
    ]
    .iter()
    .any(|end| name.ends_with(end))
}

pub(super) fn is_binary(name: &str) -> bool {
    BINARY_PARTS.iter().any(|end| name.ends_with(end))
}

/// A worksheet's part, which neither calamine nor the shared strings and formats read when
/// the workbook is opened: its check may run beside them.
pub(super) fn is_sheet(name: &str) -> bool {
    name.contains("worksheets/") && name.ends_with(".xml") && !is_held(name) && !is_binary(name)
}

/// calamine reserves room for the `uniqueCount` that the shared strings table announces; refuse
/// a count the part could not possibly hold (each string takes at least `<si></si>`), unless
/// it is small enough to be harmless (some writers put a wrong count there). The
/// count is read from the part's first element, which must be the table (`<sst>`): text that
/// merely looks like it, in a comment say, does not count.
pub(super) fn check_string_count(
    path: &Path,
    name: &str,
    size: u64,
    scan: &TokenScan,
) -> Result<(), LoadError> {
    let not_a_table = || {
        workbook(
            path,
            format!("its part {name:?} is not laid out as a shared strings table should be"),
        )
    };
    let Some(tag) = scan.first_tag.as_deref() else {
        // No element at all: calamine reports the part as incomplete.
        return Ok(());
    };
    if scan.first_tag_cut {
        return Err(not_a_table());
    }
    let tag_name = tag[1..]
        .split(|&b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))
        .next()
        .unwrap_or_default();
    if tag_name.rsplit(|&b| b == b':').next() != Some(b"sst".as_slice()) {
        return Err(not_a_table());
    }
    let most = (size / 9 + 1).max(HARMLESS_STRING_COUNT);
    let key = b"uniqueCount";
    let mut at = 0;
    while let Some(pos) = find(&tag[at..], key) {
        let mut j = at + pos + key.len();
        while j < tag.len() && matches!(tag[j], b' ' | b'\t' | b'\r' | b'\n' | b'=' | b'"' | b'\'')
        {
            j += 1;
        }
        let digits = tag[j..].iter().take_while(|b| b.is_ascii_digit()).count();
        let count = std::str::from_utf8(&tag[j..j + digits])
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(if digits > 0 { u64::MAX } else { 0 });
        if count > most {
            return Err(workbook(
                path,
                format!(
                    "its part {name:?} announces more strings than it could hold: the file is \
                     damaged or built to exhaust memory"
                ),
            ));
        }
        at = j;
    }
    Ok(())
}

/// calamine holds each shared string as a `String` (24 bytes, and a heap block for any that is
/// not empty) and the table again in `Strings`: about 60 bytes a string, whatever the part
/// spends on it. A part of tiny or empty strings (`<si/>`, 5 bytes, and deflated a
/// thousandfold) would make a 0.5 MB file hold a gigabyte. Every string of a real table is
/// different from the others, and costs the zip at least a byte: so a table may hold at most
/// as many strings as its part has packed bytes, or [`HELD_STRINGS`] (about 130 MB, for any
/// file), whichever is more. Memory is then bounded by the file's size.
pub(super) fn check_strings_held(
    path: &Path,
    name: &str,
    packed: u64,
    scan: &TokenScan,
) -> Result<(), LoadError> {
    let most = packed.max(HELD_STRINGS);
    if scan.strings > most {
        // Reading stopped at the first string too many: the count is "more than".
        return Err(workbook(
            path,
            format!(
                "its part \"{}\" holds more than {} shared strings in {} packed bytes, more \
                 than a workbook of that size can hold without repeating them: the file is \
                 damaged or built to exhaust memory",
                crate::text::printable(name),
                thousands(most),
                thousands(packed)
            ),
        ));
    }
    Ok(())
}

/// Counts the shared strings (`<si>`, `<si/>`, `<x:si ...>`) of a part as it is read, across
/// the blocks it is read in. Markup inside a comment is counted too: it can only count more.
#[derive(Default)]
pub(super) struct StringCount {
    /// The start of a tag cut off at the end of the last block.
    carry: Vec<u8>,
    count: u64,
}

impl StringCount {
    /// Longest tag name looked at: `<` and a prefix, `:si` and the byte after.
    const NAME: usize = 64;

    fn feed(&mut self, bytes: &[u8]) {
        let joined;
        let data = if self.carry.is_empty() {
            bytes
        } else {
            self.carry.extend_from_slice(bytes);
            joined = std::mem::take(&mut self.carry);
            &joined[..]
        };
        let mut at = 0;
        while let Some(p) = memchr::memchr(b'<', &data[at..]) {
            let start = at + p + 1;
            let end = data[start..]
                .iter()
                .take(Self::NAME)
                .position(|&b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/' | b'<'));
            match end {
                Some(n) => {
                    let tag = &data[start..start + n];
                    if tag.rsplit(|&b| b == b':').next() == Some(b"si".as_slice()) {
                        self.count += 1;
                    }
                    at = start + n;
                }
                None if data.len() - start < Self::NAME => {
                    self.carry = data[start - 1..].to_vec();
                    return;
                }
                None => at = start,
            }
        }
    }
}

/// Parts that are not XML (pictures, embedded objects, VBA, data models): read for their
/// checksum only. Random binary data would look like endless markup to [`TokenScan`].
pub(super) const BINARY_PARTS: &[&str] = &[
    ".bin", ".png", ".jpg", ".jpeg", ".jfif", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf",
    ".wdp", ".data", ".docx", ".xlsx", ".pptx", ".zip",
];

/// Read a part to its end (which makes the zip crate check its CRC-32). With `measure`, its XML
/// tokens are measured (reading stops once one is longer than the cap); with `first_tag`, its
/// first element's start tag is kept; with `strings_limit`, its shared strings are counted
/// (reading stops at the first one past the limit); with `measure` and `learn`, its tags go to
/// a [`hidden::PartScan`].
#[allow(clippy::too_many_arguments)]
pub(super) fn read_part(
    path: &Path,
    mut entry: impl Read,
    measure: bool,
    first_tag: bool,
    strings_limit: Option<u64>,
    learn: bool,
    cancel: &AtomicBool,
    cap: u64,
) -> Result<TokenScan, LoadError> {
    let mut scan = TokenScan::new(
        first_tag,
        (measure && learn).then(hidden::PartScan::default),
    );
    let mut buf = vec![0u8; 64 * 1024];
    let mut strings = strings_limit.map(|_| StringCount::default());
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Ok(TokenScan::default());
        }
        match entry.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                if let Some(count) = &mut strings {
                    count.feed(&buf[..n]);
                    if strings_limit.is_some_and(|most| count.count > most) {
                        scan.strings = count.count;
                        return Ok(scan);
                    }
                }
                if measure {
                    scan.feed(&buf[..n]);
                    if scan.longest() > cap {
                        break;
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(workbook(path, damaged_part(&e))),
        }
    }
    scan.strings = strings.map_or(0, |c| c.count);
    Ok(scan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_strings_are_counted_across_the_blocks_they_are_read_in() {
        let xml = br#"<sst><si/><si><t>a</t></si><x:si a="1"><x:t>b</x:t></x:si><sis/><s/><si
/><!-- <si/> --></sst>"#;
        for block in [1, 2, 3, 7, xml.len()] {
            let mut count = StringCount::default();
            for chunk in xml.chunks(block) {
                count.feed(chunk);
            }
            // The one in the comment counts too: counting can only be generous.
            assert_eq!(count.count, 5, "blocks of {block}");
        }
    }
}
