//! The zip inside a bundle, checked before anything in it is trusted: entry names that could
//! escape a folder, duplicates (counted from the raw central directory, since the zip library
//! keeps only the last of a name), links and special files, headers that disagree, and sizes no
//! deflate stream can produce. Then a [`BagSource`] over the safe entries that reads each one in
//! full, capped at its declared size, with its CRC checked.

use super::bag::{BagSource, unsafe_path};
use super::digest::{Algorithm, MultiHasher};
use super::report::{Report, count};
use crate::names::{folded, nfc};
use crate::text::printable;
use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Seek, SeekFrom};
use zip::ZipArchive;

/// More entries than any bundle needs; a zip claiming more is refused before reading them.
const MAX_ENTRIES: usize = 10_000;
/// Deflate cannot expand data more than about 1032 times; anything claiming more is a lie.
const MAX_RATIO: u64 = 1100;

pub(crate) struct ZipBag<R> {
    archive: ZipArchive<R>,
    files: BTreeMap<String, u64>,
    index: BTreeMap<String, usize>,
    sha256: BTreeMap<String, String>,
}

impl<R: Read + Seek> ZipBag<R> {
    /// Opens the zip and checks its structure. `None` if it cannot be read at all.
    pub(crate) fn open(reader: R, report: &mut Report) -> Option<ZipBag<R>> {
        let m = report.mark();
        let not_zip = |e: zip::result::ZipError, report: &mut Report| {
            report.problem(format!(
                "The decrypted content is not a readable zip archive ({}).",
                printable(&e.to_string())
            ));
            report.close_check("Zip structure", m, "");
        };
        let archive = match ZipArchive::new(reader) {
            Ok(a) => a,
            Err(e) => {
                not_zip(e, report);
                return None;
            }
        };
        if archive.len() > MAX_ENTRIES {
            report.problem(format!(
                "The zip claims {} entries; a bundle never needs more than {MAX_ENTRIES}.",
                archive.len()
            ));
            report.close_check("Zip structure", m, "");
            return None;
        }
        if archive.offset() != 0 {
            report.problem("The zip archive has unexpected data in front of it.");
        }
        let dir_start = archive.central_directory_start();
        let mut reader = archive.into_inner();
        let (raw, dir_end) = raw_central_names(&mut reader, dir_start);
        if let Some(extra) = dir_end.and_then(|end| bytes_after_end(&mut reader, end)) {
            report.problem(format!(
                "The zip archive has {} of unexpected data after its end: it was altered, or \
                 built to hide something from other unzip tools.",
                count(extra, "byte", "bytes")
            ));
        }
        let mut archive = match ZipArchive::new(reader) {
            Ok(a) => a,
            Err(e) => {
                not_zip(e, report);
                return None;
            }
        };

        // Duplicates, exact and by case, from the raw directory.
        let mut counts: BTreeMap<&[u8], usize> = BTreeMap::new();
        for n in &raw {
            *counts.entry(n.as_slice()).or_default() += 1;
        }
        let mut by_case: HashMap<String, Vec<&[u8]>> = HashMap::new();
        for (name, count) in &counts {
            let shown = printable(&String::from_utf8_lossy(name));
            if *count > 1 {
                report.problem(format!(
                    "The zip holds {count} entries named \"{shown}\": when unpacked, one copy \
                     would silently replace another."
                ));
            }
            by_case
                .entry(folded(&String::from_utf8_lossy(name)))
                .or_default()
                .push(name);
        }
        let mut clashes: Vec<_> = by_case.values().filter(|v| v.len() > 1).collect();
        clashes.sort();
        for names in clashes {
            let text: Vec<String> = names
                .iter()
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .collect();
            let shown: Vec<String> = text
                .iter()
                .map(|n| format!("\"{}\"", printable(n)))
                .collect();
            let same_letters = text.iter().all(|n| nfc(n) == nfc(&text[0]));
            let same_case = text
                .iter()
                .all(|n| n.to_lowercase() == text[0].to_lowercase());
            let how = if same_letters {
                "only in how their accented letters are encoded (Unicode normalisation): on \
                 macOS they are one file, so one would overwrite the other"
            } else if same_case {
                "only in upper and lower case: on Windows one would overwrite the other"
            } else {
                "only in upper and lower case and in how their accented letters are encoded \
                 (Unicode normalisation): on Windows and macOS one would overwrite the other"
            };
            report.problem(format!(
                "The zip holds entries whose names differ {how} ({}).",
                shown.join(", ")
            ));
        }
        let duplicates = counts.values().any(|&c| c > 1);
        if !duplicates && let Err(e) = archive.validate_header_consistency() {
            report.problem(format!(
                "The zip's internal headers disagree with its directory ({}): it was built to \
                 confuse unzip tools, or it is damaged.",
                printable(&e.to_string())
            ));
        }

        let mut files = BTreeMap::new();
        let mut index = BTreeMap::new();
        for i in 0..archive.len() {
            let Ok(entry) = archive.by_index_data(i) else {
                report.problem(format!("Zip entry {} cannot be read.", i + 1));
                continue;
            };
            let Ok(name) = std::str::from_utf8(entry.name_raw()) else {
                report.problem(format!(
                    "The name of zip entry {} is not valid text: \"{}\".",
                    i + 1,
                    printable(&String::from_utf8_lossy(entry.name_raw()))
                ));
                continue;
            };
            let shown = printable(name);
            let is_dir = name.ends_with('/');
            if let Some(reason) = unsafe_entry_name(name.trim_end_matches('/')) {
                report.problem(format!("The zip entry \"{shown}\" has {reason}."));
                continue;
            }
            if entry.is_symlink() {
                report.problem(format!(
                    "The zip entry \"{shown}\" is a symbolic link; a bundle holds only ordinary \
                     files."
                ));
                continue;
            }
            if let Some(mode) = entry.unix_mode() {
                let kind = mode & 0o170000;
                if !matches!(kind, 0 | 0o100000 | 0o040000) {
                    report.problem(format!(
                        "The zip entry \"{shown}\" is a special file (a device, pipe or socket); \
                         a bundle holds only ordinary files."
                    ));
                    continue;
                }
            }
            if is_dir || entry.is_dir() {
                continue;
            }
            if entry.encrypted() {
                report.problem(format!(
                    "The zip entry \"{shown}\" is encrypted with a zip password; disclose \
                     bundles never are (the age layer encrypts them)."
                ));
                continue;
            }
            let method = entry.compression();
            let (size, packed) = (entry.size(), entry.compressed_size());
            match method {
                zip::CompressionMethod::Deflated => {
                    if size > packed.saturating_mul(MAX_RATIO).saturating_add(4096) {
                        report.problem(format!(
                            "The zip entry \"{shown}\" claims to unpack to {size} bytes from \
                             {packed}, more than deflate can produce: it is a zip bomb or damaged."
                        ));
                        continue;
                    }
                    if super::inflates_too_far(size, packed) {
                        report.problem(format!(
                            "The zip entry \"{shown}\" would unpack to {} from {}, {}-fold: past \
                             {} a disclose bundle's files expand at most {}-fold (a real export, \
                             5 to 20-fold), so it is a zip bomb or damaged. It was not unpacked.",
                            crate::files::size_text(size),
                            crate::files::size_text(packed),
                            size / packed.max(1),
                            crate::files::size_text(super::INFLATION_CHECKED_FROM),
                            super::MAX_INFLATION
                        ));
                        continue;
                    }
                }
                zip::CompressionMethod::Stored if size == packed => {}
                zip::CompressionMethod::Stored => {
                    report.problem(format!(
                        "The zip entry \"{shown}\" is stored uncompressed but declares two \
                         different sizes ({packed} and {size}): it is damaged."
                    ));
                    continue;
                }
                other => {
                    report.problem(format!(
                        "The zip entry \"{shown}\" uses the compression method {other}, which \
                         disclose bundles never use."
                    ));
                    continue;
                }
            }
            if counts.get(entry.name_raw()).copied().unwrap_or(0) > 1 {
                continue;
            }
            files.insert(name.to_string(), size);
            index.insert(name.to_string(), i);
        }
        report.close_check(
            "Zip structure",
            m,
            format!(
                "The zip holds {}, with safe, distinct names, no links or special files, \
                 consistent headers and plausible sizes.",
                count(files.len() as u64, "file", "files")
            ),
        );
        Some(ZipBag {
            archive,
            files,
            index,
            sha256: BTreeMap::new(),
        })
    }

    /// Reads every file not yet read, so each has passed its CRC check and has a SHA-256.
    pub(crate) fn read_rest(&mut self, report: &mut Report) {
        let unread: Vec<String> = self
            .files
            .keys()
            .filter(|p| !self.sha256.contains_key(*p))
            .cloned()
            .collect();
        for p in unread {
            if let Err(e) = self.hash(&p, &[]) {
                report.problem(e);
            }
        }
    }

    /// The SHA-256 computed when the file was read.
    pub(crate) fn sha256_of(&self, path: &str) -> Option<&str> {
        self.sha256.get(path).map(String::as_str)
    }

    #[cfg(test)]
    pub(crate) fn set_sha256_for_test(&mut self, path: &str, hex: &str) {
        self.sha256.insert(path.to_string(), hex.to_string());
    }

    /// Streams a file's bytes to `sink`, capped at its declared size; returns the byte count.
    pub(crate) fn copy_to(
        &mut self,
        path: &str,
        sink: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
    ) -> Result<u64, String> {
        let shown = printable(path);
        let (&i, &size) = self
            .index
            .get(path)
            .zip(self.files.get(path))
            .ok_or_else(|| format!("{shown} is not in the zip."))?;
        let damaged = |e: &dyn std::fmt::Display| {
            let e = e.to_string();
            if e.contains("checksum") {
                format!("{shown} fails its CRC check inside the zip: it is damaged.")
            } else {
                format!(
                    "{shown} cannot be read from the zip ({}): it is damaged.",
                    printable(&e)
                )
            }
        };
        let entry = self.archive.by_index(i).map_err(|e| damaged(&e))?;
        let mut capped = entry.take(size.saturating_add(1));
        let mut buf = vec![0u8; 64 * 1024];
        let mut total = 0u64;
        loop {
            match capped.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    total += n as u64;
                    if total > size {
                        return Err(format!(
                            "{shown} holds more data than the zip declares ({size} bytes)."
                        ));
                    }
                    sink(&buf[..n]).map_err(|e| format!("Could not write {shown}: {e}."))?;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(damaged(&e)),
            }
        }
        if total != size {
            return Err(format!(
                "{shown} holds {total} bytes, not the {size} the zip declares: it is damaged."
            ));
        }
        Ok(total)
    }
}

impl<R: Read + Seek> BagSource for ZipBag<R> {
    fn files(&self) -> &BTreeMap<String, u64> {
        &self.files
    }

    fn read(&mut self, path: &str, limit: u64) -> Result<Vec<u8>, String> {
        if self.files.get(path).is_some_and(|&s| s > limit) {
            return Err(format!(
                "{} is too large to be a tag file (over {limit} bytes).",
                printable(path)
            ));
        }
        let mut out = Vec::new();
        self.copy_to(path, &mut |b| {
            out.extend_from_slice(b);
            Ok(())
        })?;
        let mut h = MultiHasher::new(&[Algorithm::Sha256]);
        h.update(&out);
        self.sha256.insert(path.to_string(), h.finish().remove(0).1);
        Ok(out)
    }

    fn hash(
        &mut self,
        path: &str,
        algs: &[Algorithm],
    ) -> Result<(u64, Vec<(Algorithm, String)>), String> {
        let mut all = algs.to_vec();
        all.push(Algorithm::Sha256);
        let mut h = MultiHasher::new(&all);
        let n = self.copy_to(path, &mut |b| {
            h.update(b);
            Ok(())
        })?;
        let digests = h.finish();
        if let Some((_, s)) = digests.iter().find(|(a, _)| *a == Algorithm::Sha256) {
            self.sha256.insert(path.to_string(), s.clone());
        }
        Ok((n, digests))
    }
}

/// Why an entry name is unsafe to unpack anywhere (Linux, macOS or Windows), if it is.
fn unsafe_entry_name(name: &str) -> Option<&'static str> {
    if let Some(r) = unsafe_path(name) {
        return Some(r);
    }
    name.split('/')
        .find_map(crate::names::windows_unsafe_component)
}

/// Every file name in the central directory, duplicates included, read from the raw bytes
/// (the zip library keeps only the last entry of a name), and where the directory ends (`None`
/// if it could not be read to its end).
pub(crate) fn raw_central_names<R: Read + Seek>(
    r: &mut R,
    start: u64,
) -> (Vec<Vec<u8>>, Option<u64>) {
    let mut names = Vec::new();
    if r.seek(SeekFrom::Start(start)).is_err() {
        return (names, None);
    }
    let mut pos = start;
    while names.len() <= MAX_ENTRIES {
        let mut fixed = [0u8; 46];
        if r.read_exact(&mut fixed).is_err() || fixed[..4] != [0x50, 0x4b, 0x01, 0x02] {
            return (names, Some(pos));
        }
        let u16_at = |i: usize| u16::from_le_bytes([fixed[i], fixed[i + 1]]) as usize;
        let (name_len, extra, comment) = (u16_at(28), u16_at(30), u16_at(32));
        let mut name = vec![0u8; name_len];
        if r.read_exact(&mut name).is_err()
            || r.seek(SeekFrom::Current((extra + comment) as i64)).is_err()
        {
            return (names, None);
        }
        pos += (46 + name_len + extra + comment) as u64;
        names.push(name);
    }
    (names, None)
}

/// How many bytes follow the zip's end-of-central-directory record (and its comment), given
/// where the central directory ends; `None` when there are none, or the records after the
/// directory cannot be read (the zip library has already refused those).
///
/// After the directory come, in order: a Zip64 end record and its locator (only in a Zip64
/// archive), then the end record, 22 bytes and a comment. Nothing may follow: the zip library
/// finds the end record by searching backwards, so bytes appended after it are silently
/// ignored by some unzip tools and read by others.
fn bytes_after_end<R: Read + Seek>(r: &mut R, dir_end: u64) -> Option<u64> {
    let len = r.seek(SeekFrom::End(0)).ok()?;
    let mut pos = dir_end;
    let read_at = |r: &mut R, at: u64, n: usize| -> Option<Vec<u8>> {
        let mut b = vec![0u8; n];
        r.seek(SeekFrom::Start(at)).ok()?;
        r.read_exact(&mut b).ok()?;
        Some(b)
    };
    let sig = read_at(r, pos, 4)?;
    if sig == [0x50, 0x4b, 0x06, 0x06] {
        let head = read_at(r, pos, 12)?;
        let size = u64::from_le_bytes(head[4..12].try_into().ok()?);
        pos = pos.checked_add(12)?.checked_add(size)?;
        if read_at(r, pos, 4)? != [0x50, 0x4b, 0x06, 0x07] {
            return None;
        }
        pos += 20;
    }
    let end = read_at(r, pos, 22)?;
    if end[..4] != [0x50, 0x4b, 0x05, 0x06] {
        return None;
    }
    let comment = u16::from_le_bytes([end[20], end[21]]) as u64;
    let stop = pos + 22 + comment;
    (len > stop).then(|| len - stop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_hazards_are_unsafe() {
        assert!(unsafe_entry_name("data/CON.csv").is_some());
        assert!(unsafe_entry_name("data/com1").is_some());
        assert!(unsafe_entry_name("data/x.csv.").is_some());
        assert!(unsafe_entry_name("data/cris.csv").is_none());
        assert!(unsafe_entry_name("data/console.csv").is_none());
    }
}
