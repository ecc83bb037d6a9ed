//! Writing a verified bag's files into a folder: only inside it, never over anything, owner-only
//! on Unix, each file checked again as it is written. Any failure removes everything this
//! extraction wrote, so a folder either gets the whole bag or nothing.

use super::archive::ZipBag;
use super::bag::BagSource;
use super::report::{Report, count};
use crate::text::printable;
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

#[derive(Default)]
struct Created {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
}

impl Created {
    fn undo(&self) {
        for f in self.files.iter().rev() {
            let _ = std::fs::remove_file(f);
        }
        for d in self.dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    }
}

/// Extracts every file of `bag` (already fully verified) into `dir`.
pub(crate) fn extract<R: Read + Seek>(bag: &mut ZipBag<R>, dir: &Path, report: &mut Report) {
    let m = report.mark();
    let mut created = Created::default();
    match write_all(bag, dir, &mut created) {
        Ok(n) => {
            report.extracted_to = Some(dir.to_path_buf());
            report.close_check(
                "Extraction",
                m,
                format!(
                    "{} written to {}, each checked again as it was written.",
                    count(n as u64, "file", "files"),
                    dir.display()
                ),
            );
        }
        Err(e) => {
            created.undo();
            report.problem(format!("{e} Nothing was extracted."));
            report.close_check("Extraction", m, "");
        }
    }
}

fn write_all<R: Read + Seek>(
    bag: &mut ZipBag<R>,
    dir: &Path,
    created: &mut Created,
) -> Result<usize, String> {
    match dir.symlink_metadata() {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(format!("{} exists and is not a folder.", dir.display())),
        Err(_) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("Could not create the folder {}: {e}.", dir.display()))?;
            created.dirs.push(dir.to_path_buf());
        }
    }
    let files: Vec<String> = bag.files().keys().cloned().collect();
    // Refuse before writing anything if any target exists.
    for f in &files {
        let target = target_path(dir, f);
        if target.symlink_metadata().is_ok() {
            return Err(format!(
                "{} already exists, and disclose never overwrites a file.",
                target.display()
            ));
        }
    }
    for f in &files {
        let parts: Vec<&str> = f.split('/').collect();
        let mut cur = dir.to_path_buf();
        for part in &parts[..parts.len() - 1] {
            cur.push(part);
            make_dir(&cur, created)?;
        }
        cur.push(parts[parts.len() - 1]);
        let mut out = new_file(&cur)?;
        created.files.push(cur.clone());
        let mut hasher = Sha256::new();
        bag.copy_to(f, &mut |b| {
            hasher.update(b);
            out.write_all(b)
        })?;
        out.sync_all()
            .map_err(|e| format!("Could not write {}: {e}.", cur.display()))?;
        let got = crate::keys::hex(&hasher.finalize());
        if bag.sha256_of(f) != Some(got.as_str()) {
            return Err(format!(
                "{} read differently the second time, while being extracted.",
                printable(f)
            ));
        }
    }
    Ok(files.len())
}

fn target_path(dir: &Path, bag_path: &str) -> PathBuf {
    bag_path
        .split('/')
        .fold(dir.to_path_buf(), |p, c| p.join(c))
}

fn make_dir(path: &Path, created: &mut Created) -> Result<(), String> {
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    match builder.create(path) {
        Ok(()) => {
            created.dirs.push(path.to_path_buf());
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => match path.symlink_metadata() {
            Ok(meta) if meta.is_dir() => Ok(()),
            _ => Err(format!(
                "{} exists and is a link or a file, not a folder; disclose will not extract \
                 through it.",
                path.display()
            )),
        },
        Err(e) => Err(format!("Could not create {}: {e}.", path.display())),
    }
}

fn new_file(path: &Path) -> Result<std::fs::File, String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!(
                "{} already exists, and disclose never overwrites a file.",
                path.display()
            )
        } else {
            format!("Could not create {}: {e}.", path.display())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in files {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_file_reading_differently_on_the_second_pass_undoes_everything() {
        let zip = zip_of(&[
            ("data/a.csv", b"a\r\n"),
            ("data/b.csv", b"b\r\n"),
            ("x.txt", b"x"),
        ]);
        let mut report = Report::default();
        let mut bag = ZipBag::open(Cursor::new(zip), &mut report).unwrap();
        bag.read_rest(&mut report);
        assert!(report.ok(), "{:?}", report.problems);
        bag.set_sha256_for_test("data/b.csv", &"0".repeat(64));
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        extract(&mut bag, &out, &mut report);
        assert!(!report.ok());
        assert!(
            report.problems[0].contains("read differently"),
            "{:?}",
            report.problems
        );
        assert!(report.problems[0].ends_with("Nothing was extracted."));
        assert!(
            !out.exists(),
            "rollback left {:?}",
            std::fs::read_dir(&out).ok()
        );
        assert!(report.extracted_to.is_none());
    }

    #[test]
    fn extraction_into_an_existing_folder_keeps_the_folder_on_failure() {
        let zip = zip_of(&[("data/a.csv", b"a"), ("z.txt", b"z")]);
        let mut report = Report::default();
        let mut bag = ZipBag::open(Cursor::new(zip), &mut report).unwrap();
        bag.read_rest(&mut report);
        bag.set_sha256_for_test("z.txt", &"0".repeat(64));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("mine.txt"), b"keep").unwrap();
        extract(&mut bag, dir.path(), &mut report);
        assert!(!report.ok());
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("mine.txt")]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_the_way_is_not_followed() {
        let zip = zip_of(&[("data/a.csv", b"a")]);
        let mut report = Report::default();
        let mut bag = ZipBag::open(Cursor::new(zip), &mut report).unwrap();
        bag.read_rest(&mut report);
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("data")).unwrap();
        extract(&mut bag, dir.path(), &mut report);
        assert!(!report.ok());
        assert!(
            report.problems[0].contains("link or a file"),
            "{:?}",
            report.problems
        );
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }
}
