//! Recipients: partners' age X25519 public keys, alone or from a recipients file, each with a
//! label saying whose it is and a fingerprint for the record.

use super::{KeyError, fingerprint};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

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

/// Parses recipients in age's recipients-file format: one key per line, blank lines and `#`
/// comments allowed.
///
/// Labels: a key takes the text of the comment line just above it (`# Bromley YOT inbox`),
/// if there is one since the previous key or blank line; otherwise `default_label` followed by
/// the line number ("partners.txt line 4"). `source` names the text in errors and labels.
pub fn parse_recipients(text: &str, source: &str) -> Result<Vec<Recipient>, KeyError> {
    let mut out = Vec::new();
    let mut comment: Option<String> = None;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
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
    let bytes = super::read_key_file(path)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| KeyError::Read {
        path: path.to_path_buf(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ),
    })?;
    parse_recipients(text, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use age::secrecy::ExposeSecret;

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
}
