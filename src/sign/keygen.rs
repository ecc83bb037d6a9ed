//! `disclose keygen --signing`: a new OpenSSH Ed25519 key pair (FILE, FILE.pub) for a sender
//! without ssh-keygen, and the `allowed_signers` line partners add to check its signatures.

use super::{NAMESPACE, SignError, SigningKey};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `keygen --signing` made.
#[derive(Debug)]
pub struct NewSigningKey {
    /// The private key file (owner-only).
    pub private_path: PathBuf,
    /// The public key file (`FILE.pub`): this is what the force publishes to partners.
    pub public_path: PathBuf,
    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fingerprint: String,
    /// The line for a partner's `allowed_signers` file.
    pub allowed_signers_line: String,
}

/// Writes a new Ed25519 key to `path` (owner-only, in OpenSSH's own format, no passphrase) and
/// its public half to `path.pub`; neither file may exist. `principal` names the sender in the
/// `allowed_signers` line (and is the key's comment).
pub fn keygen_signing(path: &Path, principal: &str) -> Result<NewSigningKey, SignError> {
    let mut public_path = path.as_os_str().to_owned();
    public_path.push(".pub");
    let public_path = PathBuf::from(public_path);
    for p in [path, public_path.as_path()] {
        if p.symlink_metadata().is_ok() {
            return Err(SignError::Exists {
                path: p.to_path_buf(),
            });
        }
    }
    let key = SigningKey::generate(principal)?;
    let private_text = key
        .private()
        .to_openssh(ssh_key::LineEnding::LF)
        .map_err(|e| SignError::Internal(e.to_string()))?;
    let public_line = key.public_line();
    write_new(path, private_text.as_bytes(), true)?;
    if let Err(e) = write_new(&public_path, format!("{public_line}\n").as_bytes(), false) {
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok(NewSigningKey {
        private_path: path.to_path_buf(),
        public_path,
        fingerprint: key.fingerprint().to_string(),
        allowed_signers_line: allowed_signers_line(principal, &public_line),
    })
}

/// `PRINCIPAL namespaces="disclose" ssh-ed25519 AAAA…` (the key's comment dropped).
pub(super) fn allowed_signers_line(principal: &str, public_line: &str) -> String {
    let mut parts = public_line.split_whitespace();
    let kind = parts.next().unwrap_or("");
    let blob = parts.next().unwrap_or("");
    let principal = if principal.chars().any(|c| c.is_whitespace() || c == '"') {
        format!("\"{}\"", principal.replace('"', ""))
    } else {
        principal.to_string()
    };
    format!("{principal} namespaces=\"{NAMESPACE}\" {kind} {blob}")
}

fn write_new(path: &Path, bytes: &[u8], secret: bool) -> Result<(), SignError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    let err = |source: std::io::Error| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            SignError::Exists {
                path: path.to_path_buf(),
            }
        } else {
            SignError::Io {
                what: "write",
                path: path.to_path_buf(),
                source,
            }
        }
    };
    let mut file = options.open(path).map_err(err)?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::SigningKeyFile;

    #[test]
    fn keygen_writes_a_pair_that_reads_back_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("signing");
        let k = keygen_signing(&p, "analyst@met").unwrap();
        let read = SigningKeyFile::read(&p).unwrap();
        assert_eq!(read.fingerprint(), k.fingerprint);
        assert!(!read.is_encrypted());
        let public = std::fs::read_to_string(&k.public_path).unwrap();
        assert!(public.starts_with("ssh-ed25519 AAAA"), "{public}");
        assert!(
            k.allowed_signers_line
                .starts_with("analyst@met namespaces=\"disclose\" ssh-ed25519 AAAA"),
            "{}",
            k.allowed_signers_line
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert!(matches!(
            keygen_signing(&p, "x"),
            Err(SignError::Exists { .. })
        ));
    }
}
