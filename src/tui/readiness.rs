//! What still stops the bundle being written, in the screens' words. The list comes from the
//! core (`pack::blockers`, which includes `Job::blockers`), plus who can open the bundle.

use super::model::Model;
use crate::keys::Encryption;
use crate::pack::{self, PackOptions};
use crate::text::printable;

/// Each thing to do before writing, one sentence each. Empty when ready.
pub fn blockers(m: &Model) -> Vec<String> {
    let Some(job) = &m.job else {
        return vec![match &m.job_error {
            Some(f) => format!("{} {}", f.what, f.hint),
            None => "Choose the files and the agreement first.".into(),
        }];
    };
    let mut out = Vec::new();
    if m.package.recipients.is_empty() && m.package.passphrase.is_none() {
        out.push("Say who can open it: add the partner's key (a) or set a passphrase (p).".into());
    }
    if m.package.passphrase.is_some() && m.package.passphrase_given_to.trim().is_empty() {
        out.push(
            "Name who the passphrase goes to: set it again (p) and answer the last question."
                .into(),
        );
    }
    // The record names whose key each recipient is: a key read from a file needs its comment.
    if m.package.passphrase.is_none() {
        let keys = Encryption::Recipients(m.package.recipients.clone());
        for b in pack::recipient_blockers(&keys, None) {
            out.push(format!(
                "Say whose key {} is: put a line '# ORGANISATION, ROLE' just above it in the recipients file, remove the key here (highlight it, d) and add the file again (f).",
                printable(&b.item)
            ));
        }
    }
    let opts = PackOptions {
        out_dir: m.package.out_dir.clone().into(),
        // Only the blockers are asked for here; who it is encrypted to is checked above.
        encryption: Encryption::Recipients(Vec::new()),
        grounds: m.package.grounds(),
        register: None,
        signer: None,
        passphrase_given_to: None,
    };
    for b in pack::blockers(job, &opts) {
        out.push(match b.kind {
            "unacknowledged-warning" => format!(
                "Read and acknowledge the warning “{}” (highlight it, press Space).",
                printable(&b.item)
            ),
            "justification-missing" => format!(
                "Justify why “{}” is shared (Columns screen, e).",
                printable(&b.item)
            ),
            "analyst-missing" => "Enter your name as the analyst.".into(),
            "authority-missing" => {
                format!("Enter the authorising officer: {}.", printable(&b.item))
            }
            _ => format!("{} ({})", printable(&b.item), printable(&b.fix)),
        });
    }
    out
}
