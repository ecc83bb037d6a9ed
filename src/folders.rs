//! Where the tool keeps its own files on each platform, read from the environment only: the
//! data folder (the register, the sender's signing key) and the config folder (what the screens
//! remember). One place, so the register and the screens agree on every platform.
//!
//! | | data | config |
//! |---|---|---|
//! | Windows | `%APPDATA%\disclose` | `%APPDATA%\disclose` |
//! | macOS | `~/Library/Application Support/disclose` | the same |
//! | elsewhere | `$XDG_DATA_HOME/disclose` (`~/.local/share/disclose`) | `$XDG_CONFIG_HOME/disclose` (`~/.config/disclose`) |

use std::path::PathBuf;

/// An environment variable holding a path, if set and not empty.
pub fn env_path(key: &str) -> Option<PathBuf> {
    std::env::var_os(key)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The data folder (see the module docs); `None` when the environment names no home.
pub fn data_dir() -> Option<PathBuf> {
    platform_dir("XDG_DATA_HOME", ".local/share")
}

/// The config folder (see the module docs); `None` when the environment names no home.
pub fn config_dir() -> Option<PathBuf> {
    platform_dir("XDG_CONFIG_HOME", ".config")
}

fn platform_dir(xdg: &str, under_home: &str) -> Option<PathBuf> {
    let base = if cfg!(windows) {
        env_path("APPDATA")
    } else if cfg!(target_os = "macos") {
        env_path("HOME").map(|h| h.join("Library/Application Support"))
    } else {
        // A relative XDG path is to be ignored, as the XDG specification says.
        env_path(xdg)
            .filter(|p| p.is_absolute())
            .or_else(|| env_path("HOME").map(|h| h.join(under_home)))
    };
    base.map(|b| b.join("disclose"))
}
