//! A bag already extracted to a folder, as a [`BagSource`]: every regular file under it, with
//! links and special files reported rather than followed.

use super::bag::BagSource;
use super::digest::{Algorithm, MultiHasher};
use super::report::{Report, count};
use crate::text::printable;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

pub(crate) struct DirBag {
    root: PathBuf,
    files: BTreeMap<String, u64>,
}

impl DirBag {
    /// Walks `root`, recording regular files and reporting anything else.
    pub(crate) fn open(root: &Path, report: &mut Report) -> Option<DirBag> {
        let m = report.mark();
        // The folder named may itself be a link (the caller chose it); nothing inside is followed.
        match root.metadata() {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                report.problem(format!("{} is not a folder.", root.display()));
                report.close_check("Bag folder", m, "");
                return None;
            }
            Err(e) => {
                report.problem(format!(
                    "Could not open the folder {}: {e}.",
                    root.display()
                ));
                report.close_check("Bag folder", m, "");
                return None;
            }
        }
        let mut bag = DirBag {
            root: root.to_path_buf(),
            files: BTreeMap::new(),
        };
        bag.walk(root, "", report);
        report.close_check(
            "Bag folder",
            m,
            format!(
                "The folder holds {}, and no links or special files.",
                count(bag.files.len() as u64, "file", "files")
            ),
        );
        Some(bag)
    }

    fn walk(&mut self, dir: &Path, prefix: &str, report: &mut Report) {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                report.problem(format!("Could not list {}: {e}.", dir.display()));
                return;
            }
        };
        let mut children: Vec<_> = entries.filter_map(Result::ok).collect();
        children.sort_by_key(|e| e.file_name());
        for entry in children {
            let Some(name) = entry.file_name().to_str().map(String::from) else {
                report.problem(format!(
                    "A file name in {} is not valid text: {}.",
                    dir.display(),
                    printable(&entry.file_name().to_string_lossy())
                ));
                continue;
            };
            let rel = format!("{prefix}{name}");
            let path = entry.path();
            match path.symlink_metadata() {
                Ok(meta) if meta.file_type().is_symlink() => report.problem(format!(
                    "{} is a link; a bag holds only ordinary files, and links are not followed.",
                    printable(&rel)
                )),
                Ok(meta) if meta.is_dir() => self.walk(&path, &format!("{rel}/"), report),
                Ok(meta) if meta.is_file() => {
                    self.files.insert(rel, meta.len());
                }
                Ok(_) => report.problem(format!(
                    "{} is a special file (not an ordinary file or folder).",
                    printable(&rel)
                )),
                Err(e) => report.problem(format!("Could not read {}: {e}.", printable(&rel))),
            }
        }
    }

    fn open_file(&self, path: &str) -> Result<std::fs::File, String> {
        std::fs::File::open(self.root.join(path))
            .map_err(|e| format!("Could not read {}: {e}.", printable(path)))
    }
}

impl BagSource for DirBag {
    fn files(&self) -> &BTreeMap<String, u64> {
        &self.files
    }

    fn read(&mut self, path: &str, limit: u64) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        self.open_file(path)?
            .take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("Could not read {}: {e}.", printable(path)))?;
        if out.len() as u64 > limit {
            return Err(format!(
                "{} is too large to be a tag file (over {limit} bytes).",
                printable(path)
            ));
        }
        Ok(out)
    }

    fn hash(
        &mut self,
        path: &str,
        algs: &[Algorithm],
    ) -> Result<(u64, Vec<(Algorithm, String)>), String> {
        let mut file = self.open_file(path)?;
        let mut hasher = MultiHasher::new(algs);
        let mut buf = vec![0u8; 64 * 1024];
        let mut total = 0u64;
        loop {
            match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    hasher.update(&buf[..n]);
                    total += n as u64;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("Could not read {}: {e}.", printable(path))),
            }
        }
        Ok((total, hasher.finish()))
    }
}
