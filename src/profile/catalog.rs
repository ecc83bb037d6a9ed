//! The profiles available to a run: the embedded ones, and any added or overridden from a folder.

use super::EMBEDDED;
use super::Profile;
use super::error::{MAX_PROFILE_BYTES, ProfileError};
use super::parse::parse;
use std::path::Path;

/// The set of profiles available to a run: the embedded ones, with any from `--profiles DIR`
/// added or overriding by id.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub profiles: Vec<Profile>,
}

impl Catalog {
    pub fn embedded() -> Result<Catalog, ProfileError> {
        let mut profiles = Vec::new();
        for (name, text) in EMBEDDED {
            profiles.push(parse(&format!("(built in) {name}"), text)?);
        }
        Ok(Catalog { profiles })
    }

    /// The embedded profiles plus every `*.toml` in `dir`; a profile in `dir` with the id of an
    /// embedded one replaces it.
    pub fn with_dir(dir: &Path) -> Result<Catalog, ProfileError> {
        let mut cat = Catalog::embedded()?;
        let entries = std::fs::read_dir(dir).map_err(|e| ProfileError {
            file: dir.display().to_string(),
            line: None,
            what: format!("cannot read the profiles folder: {e}"),
        })?;
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("toml"))
            })
            .collect();
        paths.sort();
        for p in paths {
            let unreadable = |what: String| ProfileError {
                file: p.display().to_string(),
                line: None,
                what,
            };
            // Through `files`: a FIFO named `x.toml` would hang the read, `/dev/zero` linked
            // there would never end.
            let bytes = crate::files::read_small(&p, MAX_PROFILE_BYTES).map_err(|e| {
                unreadable(match e {
                    crate::files::FileError::Refused(r) => format!("cannot read: it {r}"),
                    crate::files::FileError::Io(e) => format!("cannot read: {e}"),
                })
            })?;
            let text = String::from_utf8(bytes.to_vec())
                .map_err(|_| unreadable("cannot read: it is not UTF-8 text".into()))?;
            let prof = parse(&p.display().to_string(), &text)?;
            match cat.profiles.iter_mut().find(|q| q.id == prof.id) {
                Some(slot) => *slot = prof,
                None => cat.profiles.push(prof),
            }
        }
        Ok(cat)
    }

    pub fn get(&self, id: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.profiles.iter().map(|p| p.id.as_str()).collect()
    }
}
