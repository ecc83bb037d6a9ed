//! `disclose keygen`: a new age key pair for a partner without age-keygen.

use super::{Exit, fail};
use age::secrecy::ExposeSecret;
use std::io::Write;
use std::path::Path;

pub(super) fn run(output: Option<&Path>) -> Exit {
    match crate::keys::keygen(output) {
        Err(e) => fail(&e.to_string(), None),
        Ok(key) => {
            let mut out = std::io::stdout().lock();
            match (&key.identity_text, output) {
                (Some(text), _) => {
                    let _ = out.write_all(text.expose_secret().as_bytes());
                }
                (None, Some(path)) => {
                    let _ = writeln!(
                        out,
                        "Secret key written to {} (keep it private; back it up securely).",
                        path.display()
                    );
                }
                (None, None) => {}
            }
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "Public key: {}", key.public_key);
            let _ = writeln!(err, "Give the public key to whoever will send you bundles.");
            Exit::Ok
        }
    }
}

/// `disclose keygen --signing -o FILE`: the sender's OpenSSH Ed25519 key pair, and the line a
/// partner puts in their allowed_signers file to check its signatures.
pub(super) fn run_signing(output: &Path, principal: Option<&str>) -> Exit {
    let principal = principal.unwrap_or("disclosures@your-force").trim();
    if principal.is_empty() {
        return fail(
            "--principal is empty",
            Some("Name the sender as partners will know them, e.g. disclosures@met.police.uk."),
        );
    }
    match crate::sign::keygen_signing(output, principal) {
        Err(e) => fail(&e.to_string(), super::words::hint(&e.advice()).as_deref()),
        Ok(key) => {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "Signing key written to {} (keep it private; back it up securely).",
                key.private_path.display()
            );
            let _ = writeln!(
                out,
                "Public key written to {}: publish it to the partners you send bundles to.",
                key.public_path.display()
            );
            let _ = writeln!(out, "Fingerprint: {}", key.fingerprint);
            let _ = writeln!(
                out,
                "Sign bundles with: disclose pack ... --sign-key {}",
                key.private_path.display()
            );
            let _ = writeln!(out, "Partners add this line to their allowed_signers file:");
            let _ = writeln!(out, "{}", key.allowed_signers_line);
            Exit::Ok
        }
    }
}
