//! Keys: who a bundle is encrypted to (recipients or a passphrase), what opens one on receipt
//! (identities or the passphrase), and making a new key pair for a partner.
//!
//! Private material never appears in an error, a `Debug` output or a record: errors name the
//! file and line, and what was expected, never the line itself.

mod identity;
mod recipient;

pub use identity::{IdentityFile, NewKey, keygen, read_identity_file};
pub use recipient::{
    ROLE_ARCHIVE, ROLE_PARTNER, ROLE_PASSPHRASE, Recipient, RecipientRecord, parse_recipients,
    read_recipients_file,
};

use age::secrecy::SecretString;
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The scrypt work factor (log2 N) used when a bundle is protected by a passphrase.
///
/// 18 is what the reference `age` tool uses: about 256 MiB of memory and a second or so of
/// work, and every age implementation accepts it.
pub const PASSPHRASE_WORK_FACTOR: u8 = 18;

/// The largest scrypt work factor (log2 N) accepted when opening a passphrase bundle.
///
/// A hostile file could ask for a work factor that takes hours and tens of GiB of memory; 20
/// (1 GiB, a few seconds) leaves room above [`PASSPHRASE_WORK_FACTOR`] and above what other
/// age tools choose on ordinary machines, and no more.
pub const MAX_PASSPHRASE_WORK_FACTOR: u8 = 20;

/// The most recipients a bundle is encrypted to. Each is one stanza in the age header, which
/// verify reads only up to [`MAX_HEADER_STANZAS`], so that a header of thousands of stanzas (a
/// file built to exhaust the reader) is refused before any work. A data sharing agreement
/// names a handful of partners.
pub const MAX_RECIPIENTS: usize = 64;

/// The most stanzas an age header may hold when a bundle is verified: [`MAX_RECIPIENTS`], and
/// the one random "grease" stanza the age library adds to keep readers tolerant.
pub const MAX_HEADER_STANZAS: usize = MAX_RECIPIENTS + 1;

/// Something wrong with a key, a key file or a passphrase, worded for the person running the
/// tool: what went wrong, where, and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// A key file or passphrase file could not be read.
    #[error("Could not read {}: {source}. Check the path and that you may read it.", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A key, passphrase or recipients file that is not a regular file (a FIFO, a device such
    /// as `/dev/zero`, a folder), or is far larger than one can be ([`KEY_FILE_LIMIT`]).
    #[error(
        "{} {problem}. A key, passphrase or recipients file is a small text file: check the path \
         names that file.",
        .path.display()
    )]
    NotAKeyFile {
        /// The path given.
        path: PathBuf,
        /// What it is instead.
        problem: crate::files::Refused,
    },
    /// A recipient that is not an age X25519 public key.
    #[error("{origin}: {reason}")]
    BadRecipient {
        /// Where the recipient came from: "recipients.txt line 3" or "the recipient given".
        origin: String,
        /// What is wrong and what to do.
        reason: String,
    },
    /// A recipients file or list held no recipient at all.
    #[error("{origin} holds no recipient. Add the partner's age public key (age1…), one per line.")]
    NoRecipients {
        /// The file or list.
        origin: String,
    },
    /// A line of an identity file that is not an age secret key.
    #[error(
        "{} line {line} is not an age secret key (AGE-SECRET-KEY-1…). Lines may also be blank \
         or comments starting with #. (The line is not shown, as it may be secret.)",
        .path.display()
    )]
    BadIdentity {
        /// The identity file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
    },
    /// An identity file held no key.
    #[error("{} holds no age secret key (AGE-SECRET-KEY-1…).", .path.display())]
    NoIdentities {
        /// The identity file.
        path: PathBuf,
    },
    /// The passphrase file's first line is empty.
    #[error("The first line of {} is empty: put the passphrase on the first line.", .path.display())]
    EmptyPassphrase {
        /// The passphrase file.
        path: PathBuf,
    },
    /// Both recipients and a passphrase were given.
    #[error(
        "A bundle can be encrypted to recipients' public keys or to a passphrase, not both: age \
         files cannot mix the two. Choose one."
    )]
    PassphraseAndRecipients,
    /// More recipients than a bundle may have ([`MAX_RECIPIENTS`]).
    #[error(
        "{count} recipients were given; a bundle is encrypted to at most {max}. Check the \
         recipients file, or send separate bundles.",
        max = MAX_RECIPIENTS
    )]
    TooManyRecipients {
        /// How many were given.
        count: usize,
    },
    /// Neither recipients nor a passphrase were given.
    #[error("Say who may open the bundle: give the partner's public key(s) or a passphrase file.")]
    NothingToEncryptTo,
    /// `keygen` was pointed at a file that exists.
    #[error("{} already exists; a key file is never overwritten. Choose another name.", .path.display())]
    KeyFileExists {
        /// The file.
        path: PathBuf,
    },
    /// A new key file could not be written.
    #[error("Could not write the key file {}: {source}.", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The largest key, passphrase or recipients file read. An age secret key line is 74 bytes and
/// a public key 62: 64 KiB holds hundreds, and a path naming something else (a FIFO, a device,
/// a huge file) is refused before anything is read.
pub const KEY_FILE_LIMIT: u64 = 64 * 1024;

/// Reads a key, passphrase or recipients file whole (see [`KEY_FILE_LIMIT`]), into memory that
/// is wiped when dropped.
pub(crate) fn read_key_file(path: &Path) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    key_file_result(path, crate::files::read_small(path, KEY_FILE_LIMIT))
}

/// Maps a [`crate::files`] error to the key error naming `path`.
pub(crate) fn key_file_result<T>(
    path: &Path,
    r: Result<T, crate::files::FileError>,
) -> Result<T, KeyError> {
    r.map_err(|e| match e {
        crate::files::FileError::Refused(problem) => KeyError::NotAKeyFile {
            path: path.to_path_buf(),
            problem,
        },
        crate::files::FileError::Io(source) => KeyError::Read {
            path: path.to_path_buf(),
            source,
        },
    })
}

/// First 16 hex characters of SHA-256 of `text`.
pub fn fingerprint(text: &str) -> String {
    let mut hex = crate::hex::hex(&Sha256::digest(text.as_bytes()));
    hex.truncate(16);
    hex
}

// ---------------------------------------------------------------------------------------------
// Passphrases

/// Reads a passphrase from the first line of a file (without its line ending), held so that it
/// is wiped from memory when dropped and never shown by `Debug`.
pub fn read_passphrase_file(path: &Path) -> Result<SecretString, KeyError> {
    let bytes = read_key_file(path)?;
    // Notepad saves UTF-8 with a byte-order mark; it is not part of the passphrase.
    let text_bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let first = text_bytes.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let first = first.strip_suffix(b"\r").unwrap_or(first);
    let text = Zeroizing::new(String::from_utf8_lossy(first).into_owned());
    if text.is_empty() {
        return Err(KeyError::EmptyPassphrase {
            path: path.to_path_buf(),
        });
    }
    Ok(SecretString::from(text.as_str()))
}

// ---------------------------------------------------------------------------------------------
// What a bundle is encrypted to, and what opens it

/// Who can open a bundle: partners' public keys, or anyone with a passphrase. Never both: age
/// files cannot mix the two (see [`Encryption::new`]).
pub enum Encryption {
    /// Encrypt to these public keys; each partner opens it with their own secret key.
    Recipients(Vec<Recipient>),
    /// Encrypt to a passphrase (scrypt, work factor [`PASSPHRASE_WORK_FACTOR`]).
    Passphrase(SecretString),
}

impl Encryption {
    /// The encryption for what the analyst gave: recipients, or a passphrase, but not both and
    /// not neither.
    pub fn new(
        recipients: Vec<Recipient>,
        passphrase: Option<SecretString>,
    ) -> Result<Encryption, KeyError> {
        if recipients.len() > MAX_RECIPIENTS {
            return Err(KeyError::TooManyRecipients {
                count: recipients.len(),
            });
        }
        match (recipients.is_empty(), passphrase) {
            (false, Some(_)) => Err(KeyError::PassphraseAndRecipients),
            (true, None) => Err(KeyError::NothingToEncryptTo),
            (true, Some(p)) => Ok(Encryption::Passphrase(p)),
            (false, None) => Ok(Encryption::Recipients(recipients)),
        }
    }

    /// What the record keeps about who can open the bundle: each recipient's label, role and
    /// fingerprint, or one passphrase entry labelled with whom it was given to (`given_to`;
    /// "passphrase" when not said) and an empty fingerprint.
    pub fn records(&self, given_to: Option<&str>) -> Vec<RecipientRecord> {
        match self {
            Encryption::Recipients(r) => r.iter().map(Recipient::record).collect(),
            Encryption::Passphrase(_) => vec![RecipientRecord {
                label: given_to
                    .map(str::trim)
                    .filter(|g| !g.is_empty())
                    .unwrap_or("passphrase")
                    .to_string(),
                fingerprint: String::new(),
                role: ROLE_PASSPHRASE.into(),
            }],
        }
    }
}

impl fmt::Debug for Encryption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Encryption::Recipients(r) => f.debug_tuple("Recipients").field(r).finish(),
            Encryption::Passphrase(_) => f.write_str("Passphrase([REDACTED])"),
        }
    }
}

/// What opens a bundle on receipt: the partner's secret keys, or the passphrase.
pub enum Decryption {
    /// Secret keys, e.g. from [`read_identity_file`].
    Identities(Vec<age::x25519::Identity>),
    /// The passphrase; files asking for more scrypt work than [`MAX_PASSPHRASE_WORK_FACTOR`]
    /// are refused.
    Passphrase(SecretString),
}

impl fmt::Debug for Decryption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decryption::Identities(i) => write!(f, "Identities({} [REDACTED])", i.len()),
            Decryption::Passphrase(_) => f.write_str("Passphrase([REDACTED])"),
        }
    }
}

#[cfg(test)]
mod passphrase_tests {
    use super::*;
    use age::secrecy::ExposeSecret;

    #[test]
    fn passphrase_file_saved_by_notepad_with_a_bom_reads_without_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.txt");
        std::fs::write(&path, b"\xEF\xBB\xBFs3cret-pass\r\nignored\n").unwrap();
        assert_eq!(
            read_passphrase_file(&path).unwrap().expose_secret(),
            "s3cret-pass"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use age::secrecy::ExposeSecret;

    const PK: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

    #[test]
    fn passphrase_and_recipients_do_not_mix() {
        let r = parse_recipients(PK, "r").unwrap();
        let e = Encryption::new(r, Some(SecretString::from("pw"))).unwrap_err();
        assert!(matches!(e, KeyError::PassphraseAndRecipients));
        assert!(e.to_string().contains("not both"));
        assert!(matches!(
            Encryption::new(vec![], None),
            Err(KeyError::NothingToEncryptTo)
        ));
        assert!(matches!(
            Encryption::new(vec![], Some(SecretString::from("pw"))),
            Ok(Encryption::Passphrase(_))
        ));
    }

    #[test]
    fn passphrase_file_first_line_without_line_ending() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pw");
        std::fs::write(&p, "correct horse\r\nsecond line\n").unwrap();
        let pw = read_passphrase_file(&p).unwrap();
        assert_eq!(pw.expose_secret(), "correct horse");
        assert!(!format!("{:?}", Encryption::Passphrase(pw)).contains("horse"));
        std::fs::write(&p, "\nsecond").unwrap();
        assert!(matches!(
            read_passphrase_file(&p),
            Err(KeyError::EmptyPassphrase { .. })
        ));
    }
}
