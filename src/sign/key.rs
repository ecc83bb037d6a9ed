//! The sender's signing key: an OpenSSH Ed25519 private key file, as `ssh-keygen -t ed25519`
//! or `disclose keygen --signing` makes it, passphrase-protected or not.
//!
//! Its public half and fingerprint are readable without the passphrase (OpenSSH keeps them in
//! the clear), so a dry run can name the key without unlocking it.

use super::SignError;
use age::secrecy::{ExposeSecret, SecretString};
use ssh_key::{Algorithm, HashAlg, PrivateKey};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest key file read: an Ed25519 key file is about 400 bytes (460 with a passphrase).
const MAX_KEY_FILE: u64 = 64 * 1024;

/// A signing key file read and checked to be Ed25519, possibly still locked by a passphrase.
pub struct SigningKeyFile {
    path: PathBuf,
    key: PrivateKey,
}

impl SigningKeyFile {
    /// Reads an OpenSSH private key file, refusing anything but Ed25519 (and a `.pub` file, or
    /// an old PEM key, given by mistake) with a sentence saying what to use instead.
    pub fn read(path: &Path) -> Result<SigningKeyFile, SignError> {
        let io = |source| SignError::Io {
            what: "read",
            path: path.to_path_buf(),
            source,
        };
        let mut text = zeroize::Zeroizing::new(String::new());
        let file = std::fs::File::open(path).map_err(io)?;
        file.take(MAX_KEY_FILE + 1)
            .read_to_string(&mut text)
            .map_err(|_| SignError::NotAKey {
                path: path.to_path_buf(),
            })?;
        let not_a_key = || SignError::NotAKey {
            path: path.to_path_buf(),
        };
        if text.len() as u64 > MAX_KEY_FILE {
            return Err(not_a_key());
        }
        if !text.contains("-----BEGIN OPENSSH PRIVATE KEY-----") {
            return Err(not_a_key());
        }
        let key = PrivateKey::from_openssh(text.trim()).map_err(|e| match e {
            ssh_key::Error::AlgorithmUnknown | ssh_key::Error::AlgorithmUnsupported { .. } => {
                SignError::NotEd25519 {
                    path: path.to_path_buf(),
                    algorithm: "non-Ed25519".into(),
                }
            }
            _ => not_a_key(),
        })?;
        if key.algorithm() != Algorithm::Ed25519 {
            return Err(SignError::NotEd25519 {
                path: path.to_path_buf(),
                algorithm: key.algorithm().as_str().to_string(),
            });
        }
        Ok(SigningKeyFile {
            path: path.to_path_buf(),
            key,
        })
    }

    /// The key's SHA-256 fingerprint as `ssh-keygen -l` prints it (`SHA256:…`).
    pub fn fingerprint(&self) -> String {
        self.key.fingerprint(HashAlg::Sha256).to_string()
    }

    /// Whether a passphrase is needed to sign with it.
    pub fn is_encrypted(&self) -> bool {
        self.key.is_encrypted()
    }

    /// The file it was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The key ready to sign: opened with `passphrase` if it is protected by one.
    pub fn unlock(self, passphrase: Option<&SecretString>) -> Result<SigningKey, SignError> {
        let fingerprint = self.fingerprint();
        let key = if self.key.is_encrypted() {
            let Some(p) = passphrase else {
                return Err(SignError::PassphraseNeeded { path: self.path });
            };
            self.key
                .decrypt(p.expose_secret().as_bytes())
                .map_err(|_| SignError::WrongPassphrase {
                    path: self.path.clone(),
                })?
        } else {
            self.key
        };
        Ok(SigningKey { key, fingerprint })
    }
}

impl fmt::Debug for SigningKeyFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SigningKeyFile({} {})",
            self.path.display(),
            self.fingerprint()
        )
    }
}

/// An unlocked Ed25519 signing key. `Debug` shows only its fingerprint.
#[derive(Clone)]
pub struct SigningKey {
    key: PrivateKey,
    fingerprint: String,
}

impl SigningKey {
    /// A new random key (for `keygen --signing` and tests), with `comment` on its public line.
    pub fn generate(comment: &str) -> Result<SigningKey, SignError> {
        let mut key = PrivateKey::random(&mut ssh_key::rand_core::OsRng, Algorithm::Ed25519)
            .map_err(|e| SignError::Internal(e.to_string()))?;
        key.set_comment(comment);
        let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
        Ok(SigningKey { key, fingerprint })
    }

    /// The SHA-256 fingerprint (`SHA256:…`), as `ssh-keygen -l` prints it.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The public key as one OpenSSH line: `ssh-ed25519 AAAA… comment`.
    pub fn public_line(&self) -> String {
        self.key
            .public_key()
            .to_openssh()
            .unwrap_or_else(|_| String::from("(the public key could not be encoded)"))
    }

    pub(super) fn private(&self) -> &PrivateKey {
        &self.key
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({} [REDACTED])", self.fingerprint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_key_file_is_refused_as_not_a_private_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k.pub");
        let key = SigningKey::generate("x").unwrap();
        std::fs::write(&p, key.public_line()).unwrap();
        let e = SigningKeyFile::read(&p).unwrap_err();
        assert!(matches!(e, SignError::NotAKey { .. }), "{e}");
        let advice = e.advice().say(|_| String::new());
        assert!(advice.contains("not its .pub file"), "{advice}");
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = SigningKey::generate("x").unwrap();
        let text = key.private().to_openssh(ssh_key::LineEnding::LF).unwrap();
        let shown = format!("{key:?}");
        assert!(shown.starts_with("SigningKey(SHA256:"), "{shown}");
        assert!(!shown.contains(&text[40..60]));
    }
}
