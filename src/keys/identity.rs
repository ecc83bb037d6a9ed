//! Identities (the secret keys that open bundles) and making a new key pair in `age-keygen`'s
//! format, owner-only and never over an existing file.

use super::KeyError;
use age::secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;
use zeroize::Zeroizing;

/// Identities read from a file, with any warnings about how the file is kept.
pub struct IdentityFile {
    /// The secret keys.
    pub identities: Vec<age::x25519::Identity>,
    /// Sentences to show the user, e.g. that other users can read the file.
    pub warnings: Vec<String>,
}

impl fmt::Debug for IdentityFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "IdentityFile({} [REDACTED], {:?})",
            self.identities.len(),
            self.warnings
        )
    }
}

/// Reads an age identity file: `AGE-SECRET-KEY-1…` lines, with blank lines and `#` comments
/// (the format `age-keygen` and [`keygen`] write).
///
/// On Unix, warns when the file can be read or written by group or others.
pub fn read_identity_file(path: &Path) -> Result<IdentityFile, KeyError> {
    let file = super::key_file_result(path, crate::files::open_regular(path))?;
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut warnings = Vec::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = file.metadata() {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                warnings.push(format!(
                    "The key file {} can be read by other users of this computer (mode {:o}). \
                     Restrict it with: chmod 600 {}",
                    path.display(),
                    mode,
                    path.display()
                ));
            }
        }
    }
    let bytes = super::key_file_result(
        path,
        crate::files::read_small_from(&file, super::KEY_FILE_LIMIT),
    )?;
    let text = std::str::from_utf8(&bytes).map_err(|_| KeyError::BadIdentity {
        path: path.to_path_buf(),
        line: 1 + bytes
            .split(|&b| b == b'\n')
            .position(|l| std::str::from_utf8(l).is_err())
            .unwrap_or(0),
    })?;
    let mut identities = Vec::new();
    // A byte-order mark (Notepad's UTF-8) is not part of the first line.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match age::x25519::Identity::from_str(line) {
            Ok(id) => identities.push(id),
            Err(_) => {
                return Err(KeyError::BadIdentity {
                    path: path.to_path_buf(),
                    line: i + 1,
                });
            }
        }
    }
    if identities.is_empty() {
        return Err(KeyError::NoIdentities {
            path: path.to_path_buf(),
        });
    }
    Ok(IdentityFile {
        identities,
        warnings,
    })
}

/// A newly made key pair.
pub struct NewKey {
    /// The public key (`age1…`) to give to whoever will send bundles.
    pub public_key: String,
    /// The whole identity file text, when no path was given (for the caller to show once or
    /// pipe); `None` when it was written to a file.
    pub identity_text: Option<SecretString>,
}

impl fmt::Debug for NewKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NewKey({}, [REDACTED])", self.public_key)
    }
}

/// Makes a new X25519 key pair in `age-keygen`'s format:
///
/// ```text
/// # created: 2025-01-31T14:02:00Z
/// # public key: age1…
/// AGE-SECRET-KEY-1…
/// ```
///
/// With a path, the file is created new (never overwriting: an existing file is an error) and,
/// on Unix, with owner-only permissions (0600) from the start. On Windows the file takes the
/// folder's permissions; keep it in your own profile. Without a path the text is returned.
pub fn keygen(path: Option<&Path>) -> Result<NewKey, KeyError> {
    let identity = age::x25519::Identity::generate();
    let public_key = identity.to_public().to_string();
    let created = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let text = Zeroizing::new(format!(
        "# created: {created}\n# public key: {public_key}\n{}\n",
        identity.to_string().expose_secret()
    ));
    let Some(path) = path else {
        return Ok(NewKey {
            public_key,
            identity_text: Some(SecretString::from(text.as_str())),
        });
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let write_err = |source| KeyError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut file = options.open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            KeyError::KeyFileExists {
                path: path.to_path_buf(),
            }
        } else {
            write_err(source)
        }
    })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(write_err)?;
    Ok(NewKey {
        public_key,
        identity_text: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Recipient;

    #[test]
    fn identity_file_bad_line_is_named_not_shown() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("key.txt");
        std::fs::write(&p, "# c\n\nAGE-SECRET-KEY-1NOTREALLYAKEYATALL\n").unwrap();
        let e = read_identity_file(&p).unwrap_err().to_string();
        assert!(e.contains("line 3"), "{e}");
        assert!(!e.contains("NOTREALLY"), "{e}");
    }

    #[test]
    fn keygen_writes_owner_only_file_in_age_keygen_format_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("me.key");
        let k = keygen(Some(&p)).unwrap();
        assert!(k.identity_text.is_none());
        Recipient::parse(&k.public_key, "me", "keygen").unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("# created: "), "{text}");
        assert_eq!(lines[1], format!("# public key: {}", k.public_key));
        assert!(lines[2].starts_with("AGE-SECRET-KEY-1"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let ids = read_identity_file(&p).unwrap();
        assert!(ids.warnings.is_empty(), "{:?}", ids.warnings);
        assert_eq!(ids.identities[0].to_public().to_string(), k.public_key);
        // Never overwrite.
        let e = keygen(Some(&p)).unwrap_err();
        assert!(matches!(e, KeyError::KeyFileExists { .. }));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), text);
        // Without a path, the text comes back.
        let k2 = keygen(None).unwrap();
        assert!(
            k2.identity_text
                .unwrap()
                .expose_secret()
                .contains("AGE-SECRET-KEY-1")
        );
    }

    #[cfg(unix)]
    #[test]
    fn identity_file_readable_by_others_warns() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k");
        keygen(Some(&p)).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        let ids = read_identity_file(&p).unwrap();
        assert_eq!(ids.warnings.len(), 1);
        assert!(ids.warnings[0].contains("chmod 600"));
    }
}
