//! Keys: who a bundle is encrypted to (recipients or a passphrase), what opens one on receipt
//! (identities or the passphrase), and making a new key pair for a partner.
//!
//! Private material never appears in an error, a `Debug` output or a record: errors name the
//! file and line, and what was expected, never the line itself.

use age::secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
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

// ---------------------------------------------------------------------------------------------
// Recipients

/// A partner's age X25519 public key, with a label saying whose it is.
#[derive(Clone)]
pub struct Recipient {
    key: age::x25519::Recipient,
    text: String,
    label: String,
}

/// What the disclosure record and register keep about a recipient: a label and a fingerprint,
/// never key material.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecipientRecord {
    /// Whose key it is, e.g. "Bromley YOT duty inbox".
    pub label: String,
    /// See [`Recipient::fingerprint`].
    pub fingerprint: String,
}

impl Recipient {
    /// Parses one recipient, e.g. `age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p`.
    ///
    /// `origin` names where the text came from, for errors ("recipients.txt line 3").
    /// Post-quantum (`age1pq1…`), hardware-tag (`age1tag1…`), plugin and SSH keys are refused
    /// with a sentence saying why and what to ask the partner for; a private key pasted by
    /// mistake is refused without being echoed.
    pub fn parse(text: &str, label: &str, origin: &str) -> Result<Recipient, KeyError> {
        let text = text.trim();
        let bad = |reason: &str| KeyError::BadRecipient {
            origin: origin.to_string(),
            reason: reason.to_string(),
        };
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("age-secret-key-") {
            return Err(bad(
                "this is a PRIVATE key (AGE-SECRET-KEY-…), not a public key. It is not shown. \
                 Remove it from here, keep it secret, and use the public key (age1…) instead.",
            ));
        }
        if lower.starts_with("age1pq1") {
            return Err(bad(
                "this is a post-quantum age key (age1pq1…). disclose cannot encrypt to it yet: \
                 the age library it is built on does not support post-quantum recipients. Ask \
                 the partner for an ordinary age key (age1…, made with `age-keygen`).",
            ));
        }
        if lower.starts_with("age1tag") {
            return Err(bad(
                "this is a hardware-key age recipient (age1tag…), which disclose does not \
                 support. Ask the partner for an ordinary age key (age1…, made with `age-keygen`).",
            ));
        }
        if lower.starts_with("ssh-") || lower.starts_with("ecdsa-") {
            return Err(bad(
                "SSH keys are not supported. Ask the partner for an age public key (age1…, made \
                 with `age-keygen` or `disclose keygen`).",
            ));
        }
        match age::x25519::Recipient::from_str(text) {
            Ok(key) => Ok(Recipient {
                text: key.to_string(),
                key,
                label: label.trim().to_string(),
            }),
            Err(_) if lower.starts_with("age1") => Err(bad(
                "this is not a valid age public key: it may be mistyped or cut short, or be a \
                 plugin key (e.g. age1yubikey1…), which disclose does not support. Copy the whole \
                 key (age1… and 58 more characters) again.",
            )),
            Err(_) => Err(bad(
                "this is not an age public key. A public key starts with age1 and is 62 \
                 characters long.",
            )),
        }
    }

    /// The public key as text (`age1…`, lower case).
    pub fn public_key(&self) -> &str {
        &self.text
    }

    /// Whose key this is.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// A short, stable identifier for the record: the first 16 hex characters of the SHA-256 of
    /// the public key text ([`Recipient::public_key`]). It identifies the key without being it.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.text)
    }

    /// Label and fingerprint, for the disclosure record and register.
    pub fn record(&self) -> RecipientRecord {
        RecipientRecord {
            label: self.label.clone(),
            fingerprint: self.fingerprint(),
        }
    }

    pub(crate) fn age(&self) -> &age::x25519::Recipient {
        &self.key
    }
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Recipient({} {:?})", self.text, self.label)
    }
}

/// First 16 hex characters of SHA-256 of `text`.
pub fn fingerprint(text: &str) -> String {
    let mut hex = hex(&Sha256::digest(text.as_bytes()));
    hex.truncate(16);
    hex
}

/// Parses recipients in age's recipients-file format: one key per line, blank lines and `#`
/// comments allowed.
///
/// Labels: a key takes the text of the comment line just above it (`# Bromley YOT inbox`),
/// if there is one since the previous key or blank line; otherwise `default_label` followed by
/// the line number ("partners.txt line 4"). `source` names the text in errors and labels.
pub fn parse_recipients(text: &str, source: &str) -> Result<Vec<Recipient>, KeyError> {
    let mut out = Vec::new();
    let mut comment: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            comment = None;
        } else if let Some(c) = line.strip_prefix('#') {
            let c = c.trim();
            comment = (!c.is_empty()).then(|| c.to_string());
        } else {
            let origin = format!("{source} line {}", i + 1);
            let label = comment.take().unwrap_or_else(|| origin.clone());
            out.push(Recipient::parse(line, &label, &origin)?);
        }
    }
    if out.is_empty() {
        return Err(KeyError::NoRecipients {
            origin: source.to_string(),
        });
    }
    Ok(out)
}

/// Reads a recipients file (see [`parse_recipients`]).
pub fn read_recipients_file(path: &Path) -> Result<Vec<Recipient>, KeyError> {
    let text = std::fs::read_to_string(path).map_err(|source| KeyError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_recipients(&text, &path.display().to_string())
}

// ---------------------------------------------------------------------------------------------
// Passphrases

/// Reads a passphrase from the first line of a file (without its line ending), held so that it
/// is wiped from memory when dropped and never shown by `Debug`.
pub fn read_passphrase_file(path: &Path) -> Result<SecretString, KeyError> {
    let mut bytes = Zeroizing::new(Vec::new());
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|source| KeyError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or(&[]);
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
        match (recipients.is_empty(), passphrase) {
            (false, Some(_)) => Err(KeyError::PassphraseAndRecipients),
            (true, None) => Err(KeyError::NothingToEncryptTo),
            (true, Some(p)) => Ok(Encryption::Passphrase(p)),
            (false, None) => Ok(Encryption::Recipients(recipients)),
        }
    }

    /// What the record keeps about who can open the bundle: each recipient's label and
    /// fingerprint, or one entry labelled "passphrase" with an empty fingerprint.
    pub fn records(&self) -> Vec<RecipientRecord> {
        match self {
            Encryption::Recipients(r) => r.iter().map(Recipient::record).collect(),
            Encryption::Passphrase(_) => vec![RecipientRecord {
                label: "passphrase".into(),
                fingerprint: String::new(),
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
    let mut bytes = Zeroizing::new(Vec::new());
    let file = std::fs::File::open(path).map_err(|source| KeyError::Read {
        path: path.to_path_buf(),
        source,
    })?;
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
    (&file)
        .read_to_end(&mut bytes)
        .map_err(|source| KeyError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    let text = std::str::from_utf8(&bytes).map_err(|_| KeyError::BadIdentity {
        path: path.to_path_buf(),
        line: 1 + bytes
            .split(|&b| b == b'\n')
            .position(|l| std::str::from_utf8(l).is_err())
            .unwrap_or(0),
    })?;
    let mut identities = Vec::new();
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

// ---------------------------------------------------------------------------------------------
// Key generation

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

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const PK: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

    #[test]
    fn recipients_file_labels_come_from_the_comment_above() {
        let text = format!("# Bromley YOT inbox\n{PK}\n\n{PK}\n");
        let r = parse_recipients(&text, "partners.txt").unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].label(), "Bromley YOT inbox");
        assert_eq!(r[1].label(), "partners.txt line 4");
        assert_eq!(r[0].public_key(), PK);
        assert_eq!(r[0].fingerprint().len(), 16);
        assert_eq!(r[0].fingerprint(), fingerprint(PK));
    }

    #[test]
    fn bad_recipient_names_the_line() {
        let text = format!("{PK}\n# x\nage1notakey\n");
        let e = parse_recipients(&text, "p.txt").unwrap_err().to_string();
        assert!(e.starts_with("p.txt line 3:"), "{e}");
    }

    #[test]
    fn post_quantum_recipient_is_refused_in_plain_words() {
        let e = Recipient::parse("age1pq1qqqqsomething", "x", "line 1")
            .unwrap_err()
            .to_string();
        assert!(e.contains("post-quantum"), "{e}");
        assert!(e.contains("does not support"), "{e}");
    }

    #[test]
    fn private_key_in_recipients_is_refused_and_not_echoed() {
        let id = age::x25519::Identity::generate();
        let secret = id.to_string().expose_secret().to_string();
        let e = parse_recipients(&secret, "r.txt").unwrap_err().to_string();
        assert!(e.contains("PRIVATE key"), "{e}");
        assert!(!e.contains(&secret[16..]), "secret echoed: {e}");
    }

    #[test]
    fn empty_recipients_file_is_an_error() {
        assert!(matches!(
            parse_recipients("# only a comment\n\n", "r.txt"),
            Err(KeyError::NoRecipients { .. })
        ));
    }

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
