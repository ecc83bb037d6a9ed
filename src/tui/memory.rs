//! "Next month is faster": the column mapping and justifications the analyst chose, remembered
//! per agreement and export layout (its header names), and offered again next time.
//!
//! Kept as JSON in `mappings.json` in the config folder: `DISCLOSE_CONFIG_DIR` if set, else
//! [`crate::folders::config_dir`] (`%APPDATA%\disclose` on Windows, `~/Library/Application
//! Support/disclose` on macOS, `$XDG_CONFIG_HOME/disclose` or `~/.config/disclose` elsewhere). It holds profile ids, header names, field ids, justifications and the analyst's
//! name: never a cell value.

use crate::apply::Decisions;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FILE: &str = "mappings.json";

/// The remembered choices for one agreement and one export layout.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    pub profile: String,
    /// The export's header names, in file order.
    pub headers: Vec<String>,
    /// `(source header, field id or "-")`, as in [`Decisions::maps`].
    pub maps: Vec<(String, String)>,
    /// Field id → justification.
    pub justifications: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    #[serde(default)]
    pub layouts: Vec<Layout>,
    #[serde(default)]
    pub analyst: Option<String>,
    #[serde(skip)]
    dir: Option<PathBuf>,
}

/// The config folder from the environment (see the module docs).
pub fn config_dir() -> Option<PathBuf> {
    crate::folders::env_path("DISCLOSE_CONFIG_DIR").or_else(crate::folders::config_dir)
}

impl Memory {
    /// Read what was remembered in `dir`. A missing or unreadable file is an empty memory:
    /// remembering is a convenience, never a reason to stop.
    pub fn load(dir: Option<&Path>) -> Memory {
        let mut m = dir
            .and_then(|d| std::fs::read(d.join(FILE)).ok())
            .and_then(|b| serde_json::from_slice::<Memory>(&b).ok())
            .unwrap_or_default();
        m.dir = dir.map(Path::to_path_buf);
        m
    }

    /// The choices remembered for this agreement and these headers.
    pub fn find(&self, profile: &str, headers: &[String]) -> Option<&Layout> {
        self.layouts
            .iter()
            .find(|l| l.profile == profile && l.headers == headers)
    }

    /// Remember the choices that concern `headers` (maps of those headers; justifications of
    /// the fields `shared` from them).
    pub fn remember(
        &mut self,
        profile: &str,
        headers: &[String],
        decisions: &Decisions,
        shared: &[String],
    ) {
        let maps = decisions
            .maps
            .iter()
            .filter(|(src, _)| headers.contains(src))
            .cloned()
            .collect();
        let justifications = decisions
            .justifications
            .iter()
            .filter(|(f, _)| shared.contains(f))
            .map(|(f, t)| (f.clone(), t.clone()))
            .collect();
        let layout = Layout {
            profile: profile.to_string(),
            headers: headers.to_vec(),
            maps,
            justifications,
        };
        self.layouts
            .retain(|l| !(l.profile == profile && l.headers == headers));
        self.layouts.push(layout);
    }

    /// Write the memory, owner-only on Unix. Errors are returned for the caller to mention.
    pub fn save(&self) -> std::io::Result<()> {
        let Some(dir) = &self.dir else {
            return Ok(());
        };
        std::fs::create_dir_all(dir)?;
        let text = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut tmp, &text)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o600))?;
        }
        tmp.persist(dir.join(FILE)).map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_round_trip_per_profile_and_layout() {
        let dir = tempfile::tempdir().unwrap();
        let headers = vec!["Ref".to_string(), "Name".to_string()];
        let mut d = Decisions::default();
        d.maps.push(("Name".into(), "victim_name".into()));
        d.maps.push(("Elsewhere".into(), "x".into()));
        d.justifications
            .insert("victim_name".into(), "needed".into());
        let mut m = Memory::load(Some(dir.path()));
        m.remember("p", &headers, &d, &["victim_name".to_string()]);
        m.save().unwrap();
        let back = Memory::load(Some(dir.path()));
        let l = back.find("p", &headers).unwrap();
        assert_eq!(
            l.maps,
            vec![("Name".to_string(), "victim_name".to_string())]
        );
        assert_eq!(l.justifications["victim_name"], "needed");
        assert!(back.find("other", &headers).is_none());
        assert!(back.find("p", &headers[..1]).is_none());
    }
}
