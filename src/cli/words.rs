//! The command line's words for the core's advice: each [`Setting`] is the flag that sets it,
//! with a placeholder for what to write. The screens say the same advice as keys
//! (`tui/words.rs`).

use crate::advice::{Advice, Setting};

/// The flag that sets `s`, as the analyst would type it.
pub fn setting(s: &Setting) -> String {
    match s {
        Setting::HeaderRow => "--header-row N".into(),
        Setting::Sheet => "--sheet NAME".into(),
        Setting::Map { header, field } => format!(
            "--map '{}={}'",
            header.as_deref().unwrap_or("COLUMN HEADER"),
            field.as_deref().unwrap_or("FIELD")
        ),
        Setting::Withhold { header } => {
            format!("--map '{}=-'", header.as_deref().unwrap_or("COLUMN HEADER"))
        }
        Setting::ShowProfile => "`disclose profiles show ID`".into(),
        Setting::Justify { field } => format!(
            "--justify '{}=WHY THIS FIELD IS NEEDED'",
            field.as_deref().unwrap_or("FIELD")
        ),
        Setting::Acknowledge { code } => format!("--acknowledge {code}"),
        Setting::RedactFlagged { kinds } if kinds.is_empty() => "--redact-flagged all".into(),
        Setting::RedactFlagged { kinds } => format!("--redact-flagged {}", kinds.join(",")),
        Setting::Analyst => "--analyst 'YOUR NAME'".into(),
        Setting::Reason => "--reason 'WHY, e.g. October panel, referrals list'".into(),
        // With no ids: the flag alone ("remove --basis").
        Setting::Basis { ids } if ids.is_empty() => "--basis".into(),
        Setting::Basis { ids } => format!("--basis {}", ids.join("|")),
        Setting::AuthorisedBy => "--authorised-by 'NAME OF THE AUTHORISING OFFICER'".into(),
        Setting::AuthorisedAt => "--authorised-at 'YYYY-MM-DD HH:MM'".into(),
        Setting::Answer { id, answer } => format!("--answer '{id}={answer}'"),
        Setting::RecipientLabel { public_key } => {
            format!("--recipient 'ORGANISATION, ROLE={public_key}'")
        }
        Setting::PassphraseGivenTo => "--passphrase-given-to 'NAME, ORGANISATION'".into(),
        Setting::SigningKeygen => "`disclose keygen --signing -o FILE`".into(),
        Setting::SignPassphraseFile => "--sign-passphrase-file FILE".into(),
        Setting::Register => "--register FILE".into(),
        Setting::CheckRegister => "`disclose register --verify`".into(),
        Setting::Profiles => "--profiles folder".into(),
        Setting::Signers => "--signers FILE".into(),
    }
}

/// `a` in the command line's words.
pub fn advice(a: &Advice) -> String {
    a.say(setting)
}

/// `a` as the hint line under an error, if it says anything.
pub fn hint(a: &Advice) -> Option<String> {
    Some(advice(a)).filter(|h| !h.is_empty())
}

/// A job's summary as JSON, each blocker's `fix` the command line's sentence (as the text
/// output prints it).
pub fn summary_json(s: &crate::job::Summary) -> serde_json::Value {
    let mut v = serde_json::to_value(s).unwrap_or_default();
    if let Some(blockers) = v.get_mut("blockers").and_then(|b| b.as_array_mut()) {
        for (json, b) in blockers.iter_mut().zip(&s.blockers) {
            json["fix"] = advice(&b.fix).into();
        }
    }
    v
}
