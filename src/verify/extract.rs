//! Writing a verified bag's files into a folder: only inside it, never over anything, owner-only
//! on Unix, each file checked again as it is written. The files are written into a temporary
//! folder inside the destination (`.disclose-extract-<pid>-…`) and moved into place only when
//! every one is written, synced and checked; so a run that fails removes what it wrote, and a
//! run that is killed leaves nothing under a final name (its temporary folder is removed by the
//! next extraction into that folder).

use super::archive::ZipBag;
use super::bag::BagSource;
use super::report::{Report, count};
use crate::files::size_text;
use crate::text::printable;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The start of the temporary folder's name, followed by the process id.
pub(super) const STAGING_PREFIX: &str = ".disclose-extract-";

/// Room kept free on the disk beyond the files themselves (file system overhead, and the
/// analyst's other work).
const SPARE_BYTES: u64 = 16 << 20;

/// Extracts every file of `bag` (already fully verified) into `dir`.
pub(crate) fn extract<R: Read + Seek>(bag: &mut ZipBag<R>, dir: &Path, report: &mut Report) {
    let m = report.mark();
    let mut made_dir = false;
    match write_all(bag, dir, &mut made_dir) {
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
            if made_dir {
                let _ = std::fs::remove_dir(dir);
            }
            report.problem(format!("{e} Nothing was extracted."));
            report.close_check("Extraction", m, "");
        }
    }
}

fn write_all<R: Read + Seek>(
    bag: &mut ZipBag<R>,
    dir: &Path,
    made_dir: &mut bool,
) -> Result<usize, String> {
    match dir.symlink_metadata() {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(format!("{} exists and is not a folder.", dir.display())),
        Err(_) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("Could not create the folder {}: {e}.", dir.display()))?;
            *made_dir = true;
        }
    }
    clean_stale_staging(dir, Duration::from_secs(600));
    let files: Vec<String> = bag.files().keys().cloned().collect();
    // What will be moved into `dir`: the top-level files and folders. Refuse before writing
    // anything if any is there already.
    let tops: BTreeSet<&str> = files
        .iter()
        .map(|f| f.split('/').next().unwrap_or(f))
        .collect();
    for top in &tops {
        let target = dir.join(top);
        if target.symlink_metadata().is_ok() {
            return Err(format!(
                "{} already exists, and disclose never overwrites anything: choose a new or empty folder.",
                target.display()
            ));
        }
    }
    let needed: u64 = bag.files().values().sum();
    if let Ok(free) = fs4::available_space(dir) {
        enough_space(needed, free, dir)?;
    }

    let staging = tempfile::Builder::new()
        .prefix(&format!("{STAGING_PREFIX}{}-", std::process::id()))
        .tempdir_in(dir)
        .map_err(|e| {
            format!(
                "Could not create a temporary folder in {}: {e}.",
                dir.display()
            )
        })?;
    for f in &files {
        let parts: Vec<&str> = f.split('/').collect();
        let mut cur = staging.path().to_path_buf();
        for part in &parts[..parts.len() - 1] {
            cur.push(part);
            make_dir(&cur)?;
        }
        cur.push(parts[parts.len() - 1]);
        let shown = target_path(dir, f);
        let mut out = new_file(&cur, &shown)?;
        let mut hasher = Sha256::new();
        bag.copy_to(f, &mut |b| {
            hasher.update(b);
            out.write_all(b)
        })?;
        out.sync_all()
            .map_err(|e| format!("Could not write {}: {e}.", shown.display()))?;
        let got = crate::hex::hex(&hasher.finalize());
        if bag.sha256_of(f) != Some(got.as_str()) {
            return Err(format!(
                "{} read differently the second time, while being extracted.",
                printable(f)
            ));
        }
    }
    // Every file is written and checked: move them into place, taking back the ones moved if
    // a move fails. Dropping `staging` removes whatever is left in it.
    let mut moved: Vec<&str> = Vec::new();
    for top in &tops {
        if let Err(e) = move_new(&staging.path().join(top), &dir.join(top)) {
            for back in moved.iter().rev() {
                let _ = std::fs::rename(dir.join(back), staging.path().join(back));
            }
            return Err(format!(
                "Could not move {} into place: {e}.",
                printable(top)
            ));
        }
        moved.push(top);
    }
    sync_dir(dir);
    Ok(files.len())
}

/// Moves `from` to `to`, never over anything: a file by linking it under the new name (which
/// fails if the name is taken) then removing the old one; a folder by renaming it, after
/// checking nothing has appeared under the name.
fn move_new(from: &Path, to: &Path) -> std::io::Result<()> {
    if from.symlink_metadata()?.is_dir() {
        if to.symlink_metadata().is_ok() {
            return Err(std::io::ErrorKind::AlreadyExists.into());
        }
        return std::fs::rename(from, to);
    }
    std::fs::hard_link(from, to)?;
    std::fs::remove_file(from)
}

/// Refuses an extraction that would not fit on the disk, with room to spare.
fn enough_space(needed: u64, free: u64, dir: &Path) -> Result<(), String> {
    if needed.checked_add(SPARE_BYTES).is_some_and(|n| n <= free) {
        return Ok(());
    }
    Err(format!(
        "The bundle unpacks to {} (its Payload-Oxum and tag files), but the disk holding {} has \
         only {} free. Free some space or choose a folder on another disk.",
        size_text(needed),
        dir.display(),
        size_text(free)
    ))
}

/// Removes temporary folders that a killed or failed extraction left in `dir`: those of a
/// process that has ended (known on Linux, from the process id in the name), or untouched for
/// `min_age`. Failures are ignored: they only leave a folder behind.
fn clean_stale_staging(dir: &Path, min_age: Duration) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(STAGING_PREFIX) else {
            continue;
        };
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        if !meta.is_dir() {
            continue;
        }
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let ended = pid.is_some_and(|p| {
            p != std::process::id()
                && cfg!(target_os = "linux")
                && !Path::new("/proc").join(p.to_string()).exists()
        });
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age >= min_age);
        if ended || old {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Makes the moves durable on Unix by syncing the folder; elsewhere a no-op.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

fn target_path(dir: &Path, bag_path: &str) -> PathBuf {
    bag_path
        .split('/')
        .fold(dir.to_path_buf(), |p, c| p.join(c))
}

fn make_dir(path: &Path) -> Result<(), String> {
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    match builder.create(path) {
        Ok(()) => Ok(()),
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

/// Creates `path` (in the temporary folder) for writing; errors name `shown`, where the file
/// is going.
fn new_file(path: &Path, shown: &Path) -> Result<std::fs::File, String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .map_err(|e| format!("Could not create {}: {e}.", shown.display()))
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
            report.problems[0].contains("data already exists"),
            "{:?}",
            report.problems
        );
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn files_are_written_in_a_temporary_folder_and_moved_into_place() {
        let zip = zip_of(&[
            ("data/a.csv", b"a"),
            ("data/sub/b.csv", b"b"),
            ("z.txt", b"z"),
        ]);
        let mut report = Report::default();
        let mut bag = ZipBag::open(Cursor::new(zip), &mut report).unwrap();
        bag.read_rest(&mut report);
        let dir = tempfile::tempdir().unwrap();
        extract(&mut bag, dir.path(), &mut report);
        assert!(report.ok(), "{:?}", report.problems);
        assert_eq!(names(dir.path()), ["data", "z.txt"]);
        assert_eq!(
            std::fs::read(dir.path().join("data/sub/b.csv")).unwrap(),
            b"b"
        );
    }

    #[test]
    fn a_killed_runs_temporary_folder_is_removed_by_the_next_and_a_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        // A process id that has ended (on Linux, none runs as u32::MAX - 1), and our own.
        let dead = dir
            .path()
            .join(format!("{STAGING_PREFIX}{}-x", u32::MAX - 1));
        let live = dir
            .path()
            .join(format!("{STAGING_PREFIX}{}-y", std::process::id()));
        for d in [&dead, &live] {
            std::fs::create_dir_all(d.join("data")).unwrap();
            std::fs::write(d.join("data/part.csv"), b"half a file").unwrap();
        }
        std::fs::write(dir.path().join("mine.txt"), b"keep").unwrap();
        clean_stale_staging(dir.path(), Duration::from_secs(600));
        let left = names(dir.path());
        assert!(left.contains(&"mine.txt".to_string()));
        assert!(left.iter().any(|n| n.ends_with("-y")), "{left:?}");
        if cfg!(target_os = "linux") {
            assert!(!left.iter().any(|n| n.ends_with("-x")), "{left:?}");
        }
        clean_stale_staging(dir.path(), Duration::ZERO);
        assert_eq!(names(dir.path()), ["mine.txt"]);
    }

    #[test]
    fn an_extraction_larger_than_the_free_space_is_refused_with_both_sizes() {
        let dir = Path::new("received");
        assert!(enough_space(100, 100 + SPARE_BYTES, dir).is_ok());
        let e = enough_space(5 << 30, 2 << 30, dir).unwrap_err();
        assert!(
            e.contains("unpacks to 5 GiB") && e.contains("has only 2 GiB free"),
            "{e}"
        );
        assert!(enough_space(u64::MAX, u64::MAX, dir).is_err());
    }
}
