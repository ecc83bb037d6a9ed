//! Recipients: partners' age X25519 public keys, alone or from a recipients file, each with a
//! label saying whose it is (an organisation and role, never "recipient 1": a key nobody named
//! is left unlabelled, and the pack refuses it) and a fingerprint for the record.

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
    origin: String,
    /// Read from a recipients list, where a comment line above the key labels it.
    in_list: bool,
    archive: bool,
}

/// The role of a partner's key in the record.
pub const ROLE_PARTNER: &str = "partner";
/// The role of the sending force's own archive key: the sender's copy of what it sent.
pub const ROLE_ARCHIVE: &str = "sender's archive copy";
/// The role of a passphrase, recorded with whom it was given to.
pub const ROLE_PASSPHRASE: &str = "passphrase";

/// What the disclosure record and register keep about a recipient: a label, its role and a
/// fingerprint, never key material.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecipientRecord {
    /// Who it is (organisation and role), e.g. "Bromley YOT, duty inbox"; for a passphrase,
    /// whom it was given to.
    pub label: String,
    /// See [`Recipient::fingerprint`]; empty for a passphrase.
    pub fingerprint: String,
    /// [`ROLE_PARTNER`], [`ROLE_ARCHIVE`] or [`ROLE_PASSPHRASE`] (empty in entries made before
    /// roles were recorded).
    #[serde(default)]
    pub role: String,
}

impl Recipient {
    /// Parses one recipient, e.g. `age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p`.
    ///
    /// `origin` names where the text came from, for errors ("recipients.txt line 3"). An empty
    /// `label` leaves the key unlabelled ([`Recipient::is_labelled`]).
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
                origin: origin.to_string(),
                in_list: false,
                archive: false,
            }),
            // Only once it is not an ordinary key: one of those may itself begin "age1tag" or
            // "age1pq1" (its data is random), and must never be refused for it.
            Err(_) if lower.starts_with("age1pq1") => Err(bad(
                "this is a post-quantum age key (age1pq1…). disclose cannot encrypt to it yet: \
                 the age library it is built on does not support post-quantum recipients. Ask \
                 the partner for an ordinary age key (age1…, made with `age-keygen`).",
            )),
            Err(_) if lower.starts_with("age1tag") => Err(bad(
                "this is a hardware-key age recipient (age1tag…), which disclose does not \
                 support. Ask the partner for an ordinary age key (age1…, made with `age-keygen`).",
            )),
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

    /// Parses `LABEL=age1…` (the label naming whose key it is) or a bare `age1…` (left
    /// unlabelled). Age keys never hold `=`, so the text after the last `=` is the key.
    pub fn parse_spec(spec: &str, origin: &str) -> Result<Recipient, KeyError> {
        match spec.rsplit_once('=') {
            Some((label, key)) => Recipient::parse(key, label, origin),
            None => Recipient::parse(spec, "", origin),
        }
    }

    /// This key as the sending force's own archive key: the sender's copy of every bundle,
    /// labelled so in the record (by default "sending force's archive").
    pub fn into_archive(mut self) -> Recipient {
        self.archive = true;
        if self.label.is_empty() {
            self.label = "sending force's archive".into();
        }
        self
    }

    /// Whether this is the sender's archive key.
    pub fn is_archive(&self) -> bool {
        self.archive
    }

    /// Whether someone said whose key this is.
    pub fn is_labelled(&self) -> bool {
        !self.label.is_empty()
    }

    /// Where the key came from ("--recipient #2", "partners.txt line 4").
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Whether it was read from a recipients list (labelled by the comment line above it)
    /// rather than given on its own.
    pub fn in_list(&self) -> bool {
        self.in_list
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

    /// Label, role and fingerprint, for the disclosure record and register.
    pub fn record(&self) -> RecipientRecord {
        RecipientRecord {
            label: self.label.clone(),
            fingerprint: self.fingerprint(),
            role: if self.archive {
                ROLE_ARCHIVE
            } else {
                ROLE_PARTNER
            }
            .to_string(),
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
/// if there is one since the previous key or blank line; otherwise it is left unlabelled, with
/// its line ("partners.txt line 4") as its origin. `source` names the text in errors.
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
            let label = comment.take().unwrap_or_default();
            let mut r = Recipient::parse(line, &label, &origin)?;
            r.in_list = true;
            out.push(r);
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
        assert!(!r[1].is_labelled());
        assert_eq!(r[1].origin(), "partners.txt line 4");
        assert!(r[0].is_labelled());
        assert_eq!(r[0].public_key(), PK);
        assert_eq!(r[0].fingerprint().len(), 16);
        assert_eq!(r[0].fingerprint(), fingerprint(PK));
    }

    #[test]
    fn a_label_given_before_the_key_names_it() {
        let r = Recipient::parse_spec(&format!("Bromley YOT, case manager={PK}"), "--recipient #1")
            .unwrap();
        assert_eq!(r.label(), "Bromley YOT, case manager");
        assert_eq!(r.public_key(), PK);
        assert_eq!(r.record().role, ROLE_PARTNER);
        let bare = Recipient::parse_spec(PK, "--recipient #2").unwrap();
        assert!(!bare.is_labelled());
        let archive = bare.into_archive();
        assert!(archive.is_labelled());
        assert_eq!(archive.record().role, ROLE_ARCHIVE);
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

    /// An ordinary key's data is random, so it may begin "tag": found when a
    /// generated partner key was refused as a hardware key.
    #[test]
    fn an_ordinary_key_that_happens_to_begin_like_a_hardware_key_is_accepted() {
        fn bech32(hrp: &str, data: &[u8]) -> String {
            const CHARSET: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
            let (mut five, mut acc, mut bits) = (Vec::new(), 0u32, 0);
            for &b in data {
                acc = (acc << 8) | u32::from(b);
                bits += 8;
                while bits >= 5 {
                    bits -= 5;
                    five.push(((acc >> bits) & 31) as u8);
                }
            }
            if bits > 0 {
                five.push(((acc << (5 - bits)) & 31) as u8);
            }
            let polymod = |v: &[u8]| {
                let g = [
                    0x3b6a57b2u32,
                    0x26508e6d,
                    0x1ea119fa,
                    0x3d4233dd,
                    0x2a1462b3,
                ];
                let mut chk = 1u32;
                for &x in v {
                    let top = chk >> 25;
                    chk = ((chk & 0x1ff_ffff) << 5) ^ u32::from(x);
                    for (i, gi) in g.iter().enumerate() {
                        if (top >> i) & 1 == 1 {
                            chk ^= gi;
                        }
                    }
                }
                chk
            };
            let mut v: Vec<u8> = hrp.bytes().map(|c| c >> 5).collect();
            v.push(0);
            v.extend(hrp.bytes().map(|c| c & 31));
            v.extend(&five);
            v.extend([0u8; 6]);
            let pm = polymod(&v) ^ 1;
            let mut out = format!("{hrp}1");
            out.extend(five.iter().map(|&d| CHARSET[usize::from(d)] as char));
            out.extend((0..6).map(|i| CHARSET[((pm >> (5 * (5 - i))) & 31) as usize] as char));
            out
        }
        // 01011 11101 01000 = "t" "a" "g". ("age1pq1" cannot happen: "1" is not a data
        // character.)
        let mut bytes = [7u8; 32];
        bytes[..2].copy_from_slice(&[0x5f, 0x50]);
        let key = bech32("age", &bytes);
        assert!(key.starts_with("age1tag"), "{key}");
        let r = Recipient::parse(&key, "Partner", "test").unwrap_or_else(|e| panic!("{key}: {e}"));
        assert_eq!(r.public_key(), key);
    }
}
