//! Proof of origin: a detached OpenSSH signature (`<bundle>.sig`, the SSHSIG format, Ed25519,
//! namespace `disclose`, hash SHA-256) over the bundle file, made with the sender's OpenSSH key
//! and checked against an `allowed_signers` file, by this tool or by stock `ssh-keygen -Y verify`.
//!
//! A bundle can be gigabytes, and ssh-key signs only a message held whole, so the file is hashed
//! as a stream and the blob SSHSIG signs is built here from that hash (PROTOCOL.sshsig:
//! `"SSHSIG" || string(namespace) || string(reserved) || string(hash_alg) || string(H(file))`);
//! ssh-key then signs that blob, wraps the signature and writes it as PEM.

mod key;
mod keygen;
mod signers;

pub use key::{SigningKey, SigningKeyFile};
pub use keygen::{NewSigningKey, keygen_signing};
pub use signers::{AllowedSigners, Origin, check_origin};

use crate::advice::{Advice, Setting};
use sha2::{Digest, Sha256};
use ssh_key::{HashAlg, LineEnding, SshSig};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The SSHSIG namespace of every bundle signature: what a partner passes to `ssh-keygen -Y
/// verify -n`. A signature made for another purpose (e.g. `git`, `file`) is never accepted.
pub const NAMESPACE: &str = "disclose";

/// The hash a bundle's SSHSIG is made over: the bundle's SHA-256, taken once as it is written
/// for the checksum file (PROTOCOL.sshsig allows `sha256` and `sha512`; `ssh-keygen -Y verify`
/// takes either, and so does `disclose verify`, so bundles signed over SHA-512 by earlier
/// versions still verify). A second hash of the whole bundle, SHA-512, cost a pack more than
/// the signature itself.
pub const BUNDLE_HASH_ALG: HashAlg = HashAlg::Sha256;

/// The file name of the sender's own signing key, kept beside the register it signs for
/// (`%APPDATA%\disclose\signing_ed25519` on Windows by default), with its `.pub` beside it.
pub const DEFAULT_KEY_NAME: &str = "signing_ed25519";

/// Where the signing key used when none is named lives: beside `register`.
pub fn default_key_path(register: &Path) -> PathBuf {
    register
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join(DEFAULT_KEY_NAME)
}

/// The sender's default signing key ([`default_key_path`]): read, or made on first use (an
/// Ed25519 key in OpenSSH's format, owner-only, no passphrase, named for `principal`), so that
/// every bundle is signed without the analyst having to make a key first. Returns the key and,
/// when it was just made, what was made (its `.pub` is what the force publishes).
pub fn default_key(
    register: &Path,
    principal: &str,
) -> Result<(SigningKeyFile, Option<NewSigningKey>), SignError> {
    let path = default_key_path(register);
    if path.symlink_metadata().is_ok() {
        return Ok((read_settled(&path)?, None));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| SignError::Io {
            what: "create the folder of",
            path: path.clone(),
            source,
        })?;
    }
    match keygen_signing(&path, principal) {
        Ok(made) => Ok((SigningKeyFile::read(&path)?, Some(made))),
        // Another pack is making it this moment: use theirs once it is written whole.
        Err(SignError::Exists { .. }) => Ok((read_settled(&path)?, None)),
        Err(e) => Err(e),
    }
}

/// Reads the default key, giving a pack that is making it this moment (packs run at once on
/// a first day) two seconds to finish writing it.
fn read_settled(path: &Path) -> Result<SigningKeyFile, SignError> {
    let mut tries = 0;
    loop {
        match SigningKeyFile::read(path) {
            Ok(k) => return Ok(k),
            Err(_) if tries < 40 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(e) => return Err(e),
        }
    }
}

/// The signature file beside a bundle: `<bundle>.sig`, as `ssh-keygen -Y sign` names it.
pub fn signature_path(bundle: &Path) -> PathBuf {
    let mut name = bundle.as_os_str().to_owned();
    name.push(".sig");
    PathBuf::from(name)
}

/// Something wrong with a signing key, a signature or an allowed signers file, worded for the
/// person running the tool: what went wrong, where, and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// A file could not be read or written.
    #[error("Could not {what} {}: {source}. Check the path and that you may use it.", .path.display())]
    Io {
        /// "read", "write", …
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The signing key file is not an OpenSSH private key.
    #[error(
        "{} is not an OpenSSH private key (one starting -----BEGIN OPENSSH PRIVATE KEY-----). \
         (The file is not shown, as it may be secret.)",
        .path.display()
    )]
    NotAKey {
        /// The file.
        path: PathBuf,
    },
    /// A key of another kind than Ed25519.
    #[error(
        "{} is an OpenSSH {algorithm} key; bundles are signed with Ed25519 keys only.",
        .path.display()
    )]
    NotEd25519 {
        /// The file.
        path: PathBuf,
        /// The key's algorithm, e.g. `ssh-rsa`.
        algorithm: String,
    },
    /// A passphrase-protected key with no passphrase to open it.
    #[error(
        "{} is protected by a passphrase, and none was given.",
        .path.display()
    )]
    PassphraseNeeded {
        /// The key file.
        path: PathBuf,
    },
    /// The passphrase did not open the key.
    #[error("The passphrase does not open the signing key {}. Check it and try again.", .path.display())]
    WrongPassphrase {
        /// The key file.
        path: PathBuf,
    },
    /// Making or encoding a signature failed (not expected in normal use).
    #[error("Could not make the signature: {0}.")]
    Internal(String),
    /// The file `keygen --signing` would write exists.
    #[error("{} already exists; a key file is never overwritten. Choose another name.", .path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
}

impl SignError {
    /// What the analyst can do about it.
    pub fn advice(&self) -> Advice {
        match self {
            SignError::NotAKey { .. } => {
                Advice::text("Give the private key `ssh-keygen -t ed25519` made, or one made by ")
                    .then(Setting::SigningKeygen)
                    .and(", not its .pub file.")
            }
            SignError::NotEd25519 { .. } => {
                Advice::text("Make one with `ssh-keygen -t ed25519 -f FILE` or ")
                    .then(Setting::SigningKeygen)
                    .and(".")
            }
            SignError::PassphraseNeeded { .. } => {
                Advice::text("Put the passphrase on the first line of a file and give it with ")
                    .then(Setting::SignPassphraseFile)
                    .and(", or run on a terminal to be asked for it.")
            }
            _ => Advice::default(),
        }
    }
}

/// A file's hash with `D`, read as a stream.
pub(crate) fn hash_file<D: Digest>(path: &Path) -> io::Result<sha2::digest::Output<D>> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = D::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(hasher.finalize())
}

/// The bytes an SSHSIG signature is made over, from the message's hash (PROTOCOL.sshsig): the
/// six bytes `SSHSIG`, then namespace, reserved (empty), hash algorithm and hash, each an SSH
/// `string` (a 32-bit big-endian length, then the bytes).
pub fn signed_blob(namespace: &str, hash_alg: &str, hash: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(6 + 4 * 4 + namespace.len() + hash_alg.len() + hash.len());
    out.extend_from_slice(b"SSHSIG");
    for field in [namespace.as_bytes(), b"", hash_alg.as_bytes(), hash] {
        out.extend_from_slice(&(field.len() as u32).to_be_bytes());
        out.extend_from_slice(field);
    }
    out
}

/// The PEM signature (`-----BEGIN SSH SIGNATURE-----`) of a message whose SHA-256 is
/// `sha256` (see [`BUNDLE_HASH_ALG`]).
pub fn sign_sha256(key: &SigningKey, sha256: &[u8; 32]) -> Result<String, SignError> {
    use signature::Signer as _;
    let internal = |e: ssh_key::Error| SignError::Internal(e.to_string());
    let blob = signed_blob(NAMESPACE, BUNDLE_HASH_ALG.as_str(), sha256);
    let sig = key
        .private()
        .try_sign(&blob)
        .map_err(|e| SignError::Internal(e.to_string()))?;
    let sshsig = SshSig::new(
        key.private().public_key().key_data().clone(),
        NAMESPACE,
        BUNDLE_HASH_ALG,
        sig,
    )
    .map_err(internal)?;
    sshsig.to_pem(LineEnding::LF).map_err(internal)
}

/// Signs a file already on disk (hashed as a stream) and returns the PEM signature.
pub fn sign_file(key: &SigningKey, path: &Path) -> Result<String, SignError> {
    let hash = hash_file::<Sha256>(path).map_err(|source| SignError::Io {
        what: "read",
        path: path.to_path_buf(),
        source,
    })?;
    sign_sha256(key, &hash.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blob_is_what_ssh_key_signs_over_the_whole_message() {
        let msg = b"a bundle, in miniature";
        let hash: [u8; 32] = Sha256::digest(msg).into();
        let ours = signed_blob(NAMESPACE, BUNDLE_HASH_ALG.as_str(), &hash);
        let theirs = SshSig::signed_data(NAMESPACE, HashAlg::Sha256, msg).unwrap();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn signature_path_adds_sig() {
        assert_eq!(
            signature_path(Path::new("out/b.zip.age")),
            PathBuf::from("out/b.zip.age.sig")
        );
    }

    #[test]
    fn a_signature_made_from_the_streamed_hash_verifies_with_ssh_key() {
        let dir = tempfile::tempdir().unwrap();
        let key = SigningKey::generate("test").unwrap();
        let file = dir.path().join("b.zip.age");
        let body: Vec<u8> = (0..700_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&file, &body).unwrap();
        let pem = sign_file(&key, &file).unwrap();
        let sig: SshSig = pem.parse().unwrap();
        key.private()
            .public_key()
            .verify(NAMESPACE, &body, &sig)
            .unwrap();
    }
}
