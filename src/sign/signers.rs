//! Checking `<bundle>.sig` against an OpenSSH `allowed_signers` file, before anything is
//! decrypted: who signed (the principals the file gives the key), or a sentence saying why the
//! origin cannot be trusted (missing, malformed, another namespace, an unknown key, or a bundle
//! changed after signing).
//!
//! The file's format is OpenSSH's (ssh-keygen(1), ALLOWED SIGNERS): `principals [options]
//! keytype base64 [comment]`, with the `namespaces=`, `valid-after=` and `valid-before=`
//! options honoured. `cert-authority` lines are not used: bundles are signed with plain keys.

use super::{NAMESPACE, signature_path};
use crate::verify::Report;
use sha2::Sha256;
use ssh_key::{HashAlg, SshSig};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest signature or allowed signers file read.
const MAX_SIG_FILE: u64 = 64 * 1024;
const MAX_SIGNERS_FILE: u64 = 4 * 1024 * 1024;

/// Who signed a bundle, as the allowed signers file names them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Origin {
    /// The principals of every line that lists the key (e.g. `analyst@met.police.uk`).
    pub principals: Vec<String>,
    /// The signing key's fingerprint (`SHA256:…`).
    pub fingerprint: String,
}

/// One usable line of an allowed signers file.
#[derive(Clone, Debug)]
struct Signer {
    line: usize,
    principals: String,
    namespaces: Option<String>,
    valid_after: Option<time::OffsetDateTime>,
    valid_before: Option<time::OffsetDateTime>,
    key_type: String,
    key_blob: String,
}

/// An `allowed_signers` file, read.
#[derive(Clone, Debug)]
pub struct AllowedSigners {
    path: PathBuf,
    signers: Vec<Signer>,
    /// Lines that were not used, each with why (malformed, cert-authority).
    pub notes: Vec<String>,
}

impl AllowedSigners {
    /// Reads an allowed signers file. A file with no usable line is an error; a line that
    /// cannot be read is noted (its key then cannot vouch for anything) rather than fatal.
    pub fn read(path: &Path) -> Result<AllowedSigners, String> {
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_SIGNERS_FILE + 1).read_to_end(&mut bytes))
            .map_err(|e| {
                format!(
                    "Could not read the allowed signers file {}: {e}. Check the path.",
                    path.display()
                )
            })?;
        if bytes.len() as u64 > MAX_SIGNERS_FILE {
            return Err(format!(
                "{} is larger than an allowed signers file can be (4 MiB).",
                path.display()
            ));
        }
        let text = String::from_utf8_lossy(&bytes);
        let parsed = AllowedSigners::parse(&text, path);
        if parsed.signers.is_empty() {
            return Err(format!(
                "{} lists no signer. Each line is `PRINCIPAL namespaces=\"disclose\" ssh-ed25519 \
                 AAAA…`, made from the public key the sending force publishes.{}",
                path.display(),
                parsed
                    .notes
                    .first()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            ));
        }
        Ok(parsed)
    }

    fn parse(text: &str, path: &Path) -> AllowedSigners {
        let mut signers = Vec::new();
        let mut notes = Vec::new();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match parse_line(line, i + 1) {
                Ok(Some(s)) => signers.push(s),
                Ok(None) => notes.push(format!(
                    "{} line {} is a cert-authority line; disclose checks plain keys only, so it \
                     was not used.",
                    path.display(),
                    i + 1
                )),
                Err(why) => notes.push(format!(
                    "{} line {} was not used: {why}",
                    path.display(),
                    i + 1
                )),
            }
        }
        AllowedSigners {
            path: path.to_path_buf(),
            signers,
            notes,
        }
    }
}

/// Splits off the next whitespace-separated token, keeping double-quoted spaces inside it.
fn token(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c.is_whitespace() && !quoted {
            return (&s[..i], &s[i..]);
        }
    }
    (s, "")
}

fn is_key_type(t: &str) -> bool {
    t.starts_with("ssh-") || t.starts_with("ecdsa-") || t.starts_with("sk-")
}

/// One line: `Ok(None)` for a cert-authority line.
fn parse_line(line: &str, number: usize) -> Result<Option<Signer>, String> {
    let (principals, rest) = token(line);
    // A quoted field is one pattern-list (quotes let it hold spaces); the quotes go.
    let principals = principals
        .strip_prefix('"')
        .and_then(|p| p.strip_suffix('"'))
        .unwrap_or(principals)
        .to_string();
    let (mut next, mut rest) = token(rest);
    let mut signer = Signer {
        line: number,
        principals,
        namespaces: None,
        valid_after: None,
        valid_before: None,
        key_type: String::new(),
        key_blob: String::new(),
    };
    if !is_key_type(next) {
        for option in split_options(next) {
            let (name, value) = match option.split_once('=') {
                Some((n, v)) => (
                    n.to_ascii_lowercase(),
                    Some(v.trim_matches('"').to_string()),
                ),
                None => (option.to_ascii_lowercase(), None),
            };
            match (name.as_str(), value) {
                ("cert-authority", None) => return Ok(None),
                ("namespaces", Some(v)) => signer.namespaces = Some(v),
                ("valid-after", Some(v)) => {
                    signer.valid_after =
                        Some(parse_time(&v).ok_or("its valid-after time cannot be read")?)
                }
                ("valid-before", Some(v)) => {
                    signer.valid_before =
                        Some(parse_time(&v).ok_or("its valid-before time cannot be read")?)
                }
                _ => return Err(format!("the option {option:?} is not one OpenSSH knows.")),
            }
        }
        (next, rest) = token(rest);
    }
    if !is_key_type(next) {
        return Err("it has no key type (such as ssh-ed25519) where one should be.".into());
    }
    let (blob, _comment) = token(rest);
    if blob.is_empty() {
        return Err("the key itself is missing after its type.".into());
    }
    signer.key_type = next.to_string();
    signer.key_blob = blob.to_string();
    Ok(Some(signer))
}

/// Options are comma-separated; commas inside double quotes belong to the value.
fn split_options(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// `YYYYMMDD[Z]` or `YYYYMMDDHHMM[SS][Z]`; without `Z`, local time (UTC if that is unknown).
fn parse_time(s: &str) -> Option<time::OffsetDateTime> {
    let (digits, utc) = match s.strip_suffix(['Z', 'z']) {
        Some(d) => (d, true),
        None => (s, false),
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) || ![8, 12, 14].contains(&digits.len()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| digits.get(r).and_then(|x| x.parse::<u32>().ok());
    let date = time::Date::from_calendar_date(
        n(0..4)? as i32,
        time::Month::try_from(n(4..6)? as u8).ok()?,
        n(6..8)? as u8,
    )
    .ok()?;
    let t = time::Time::from_hms(
        n(8..10).unwrap_or(0) as u8,
        n(10..12).unwrap_or(0) as u8,
        n(12..14).unwrap_or(0) as u8,
    )
    .ok()?;
    let offset = if utc {
        time::UtcOffset::UTC
    } else {
        time::UtcOffset::current_local_offset().unwrap_or(time::UtcOffset::UTC)
    };
    Some(time::PrimitiveDateTime::new(date, t).assume_offset(offset))
}

/// OpenSSH's pattern-list: comma-separated globs (`*`, `?`), a leading `!` negating one.
fn matches_pattern_list(name: &str, list: &str) -> bool {
    let mut found = false;
    for p in list.split(',') {
        let (negated, p) = match p.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, p),
        };
        if glob(p.as_bytes(), name.as_bytes()) {
            if negated {
                return false;
            }
            found = true;
        }
    }
    found
}

fn glob(p: &[u8], s: &[u8]) -> bool {
    match (p.first(), s.first()) {
        (None, None) => true,
        (Some(b'*'), _) => glob(&p[1..], s) || (!s.is_empty() && glob(p, &s[1..])),
        (Some(b'?'), Some(_)) => glob(&p[1..], &s[1..]),
        (Some(a), Some(b)) if a == b => glob(&p[1..], &s[1..]),
        _ => false,
    }
}

/// Checks `<bundle>.sig` against `signers` and adds the outcome to `report`, before the bundle
/// is decrypted. With no signers file, only a warning says plainly that the origin was not
/// checked (and that a `.sig` beside the bundle was not checked either). Returns who signed,
/// when the signature holds.
pub fn check_origin(
    bundle: &Path,
    signers: Option<&AllowedSigners>,
    report: &mut Report,
) -> Option<Origin> {
    let sig_path = signature_path(bundle);
    let sig_name = file_name(&sig_path);
    let Some(signers) = signers else {
        let present = sig_path.is_file();
        report.warn(if present {
            format!(
                "Who made this bundle was NOT checked: {sig_name} is beside it, but no allowed \
                 signers file was given. Give one (made from the key the sending force \
                 publishes) and verify again to check it."
            )
        } else {
            "Who made this bundle was NOT checked: no allowed signers file was given, so \
             nothing here shows it came from the sender."
                .to_string()
        });
        return None;
    };
    for n in &signers.notes {
        report.warn(n.clone());
    }
    let m = report.mark();
    let origin = check(bundle, &sig_path, &sig_name, signers, report);
    let detail = match &origin {
        Some(o) => format!(
            "Signed by {} (key {}), as {} lists them; the bundle is unchanged since it was signed.",
            o.principals.join(", "),
            o.fingerprint,
            file_name(&signers.path)
        ),
        None => String::new(),
    };
    report.close_check("Origin (signature)", m, detail);
    origin
}

fn check(
    bundle: &Path,
    sig_path: &Path,
    sig_name: &str,
    signers: &AllowedSigners,
    report: &mut Report,
) -> Option<Origin> {
    let mut text = Vec::new();
    let read =
        std::fs::File::open(sig_path).and_then(|f| f.take(MAX_SIG_FILE + 1).read_to_end(&mut text));
    match read {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            report.problem(format!(
                "The bundle is not signed: there is no {sig_name} beside it, so who made it cannot \
                 be checked. Ask the sender for the signature file."
            ));
            return None;
        }
        Err(e) => {
            report.problem(format!("Could not read {sig_name}: {e}."));
            return None;
        }
        Ok(_) => {}
    }
    let Some(sig) = (text.len() as u64 <= MAX_SIG_FILE)
        .then(|| SshSig::from_pem(&text).ok())
        .flatten()
    else {
        report.problem(format!(
            "{sig_name} is not a readable SSH signature (-----BEGIN SSH SIGNATURE-----), so who \
             made the bundle cannot be checked. Ask the sender to send it again."
        ));
        return None;
    };
    if sig.namespace() != NAMESPACE {
        report.problem(format!(
            "{sig_name} was made for the namespace {:?}, not {NAMESPACE:?}: it is not a \
             signature of a disclosure bundle, so it is not accepted.",
            sig.namespace()
        ));
        return None;
    }
    let public = ssh_key::PublicKey::from(sig.public_key().clone());
    let fingerprint = public.fingerprint(HashAlg::Sha256).to_string();
    let (key_type, key_blob) = match public.to_openssh() {
        Ok(line) => {
            let mut parts = line.split_whitespace();
            (
                parts.next().unwrap_or("").to_string(),
                parts.next().unwrap_or("").to_string(),
            )
        }
        Err(_) => (String::new(), String::new()),
    };
    let listed: Vec<&Signer> = signers
        .signers
        .iter()
        .filter(|s| s.key_type == key_type && s.key_blob == key_blob)
        .collect();
    let now = time::OffsetDateTime::now_utc();
    let usable: Vec<&&Signer> = listed
        .iter()
        .filter(|s| {
            s.namespaces
                .as_deref()
                .is_none_or(|n| matches_pattern_list(NAMESPACE, n))
                && s.valid_after.is_none_or(|t| now >= t)
                && s.valid_before.is_none_or(|t| now <= t)
        })
        .collect();
    let file = file_name(&signers.path);
    if listed.is_empty() {
        report.problem(format!(
            "The bundle was signed with the key {fingerprint}, which {file} does not list: it \
             cannot be shown to come from a sender you trust. Do not use it; ask the sender which \
             key they sign with."
        ));
        return None;
    }
    if usable.is_empty() {
        let lines: Vec<String> = listed.iter().map(|s| s.line.to_string()).collect();
        report.problem(format!(
            "The signing key {fingerprint} is in {file} (line {}), but not for signing \
             disclosure bundles now: its namespaces= or valid-after/valid-before option rules \
             this signature out.",
            lines.join(", ")
        ));
        return None;
    }
    let hash = match hash_file(bundle, sig.hash_alg()) {
        Ok(h) => h,
        Err(e) => {
            report.problem(format!(
                "Could not read the bundle to check its signature: {e}."
            ));
            return None;
        }
    };
    let blob = super::signed_blob(NAMESPACE, sig.hash_alg().as_str(), &hash);
    use signature::Verifier as _;
    if sig.public_key().verify(&blob, sig.signature()).is_err() {
        report.problem(format!(
            "The signature in {sig_name} does not match the bundle: the bundle was changed after \
             it was signed (or the signature is for another file). Do not use it."
        ));
        return None;
    }
    let mut principals: Vec<String> = usable.iter().map(|s| s.principals.clone()).collect();
    principals.dedup();
    Some(Origin {
        principals,
        fingerprint,
    })
}

fn hash_file(path: &Path, alg: HashAlg) -> std::io::Result<Vec<u8>> {
    match alg {
        HashAlg::Sha512 => super::hash_file::<sha2::Sha512>(path).map(|h| h.to_vec()),
        _ => super::hash_file::<Sha256>(path).map(|h| h.to_vec()),
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_with_options_and_quoted_principals_parse() {
        let text = "# comment\n\
            analyst@met,\"duty desk\" namespaces=\"disclose,file\",valid-after=\"20240101\" ssh-ed25519 AAAAC3Nz key comment\n\
            \"*@met\" cert-authority ssh-ed25519 AAAAB\n\
            x@y nonsense=1 ssh-ed25519 AAAA\n\
            \"plain desk@met\" ssh-ed25519 AAAAD\n";
        let s = AllowedSigners::parse(text, Path::new("allowed_signers"));
        assert_eq!(s.signers.len(), 2, "{:?}", s.notes);
        assert_eq!(s.signers[0].principals, "analyst@met,\"duty desk\"");
        assert_eq!(s.signers[0].namespaces.as_deref(), Some("disclose,file"));
        assert!(s.signers[0].valid_after.is_some());
        assert_eq!(s.signers[0].key_blob, "AAAAC3Nz");
        assert_eq!(s.signers[1].line, 5);
        assert_eq!(s.signers[1].principals, "plain desk@met");
        assert_eq!(s.notes.len(), 2);
        assert!(s.notes[0].contains("line 3"), "{:?}", s.notes);
        assert!(s.notes[1].contains("line 4"), "{:?}", s.notes);
    }

    #[test]
    fn namespace_pattern_lists_follow_openssh() {
        assert!(matches_pattern_list("disclose", "disclose"));
        assert!(matches_pattern_list("disclose", "file,disc*"));
        assert!(!matches_pattern_list("disclose", "file,git"));
        assert!(!matches_pattern_list("disclose", "*,!disclose"));
        assert!(matches_pattern_list("disclose", "d?sclose"));
    }

    #[test]
    fn times_read_as_openssh_writes_them() {
        let t = parse_time("20260131Z").unwrap();
        assert_eq!(t.date().to_string(), "2026-01-31");
        assert!(parse_time("202601311230Z").is_some());
        assert!(parse_time("20260131123045Z").is_some());
        assert!(parse_time("2026-01-31").is_none());
        assert!(parse_time("20261331Z").is_none());
    }
}
