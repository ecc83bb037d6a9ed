//! The screens' words for the core's advice: each [`Setting`] is the screen, line and key that
//! set it, never a command-line flag (those are `cli/words.rs`'s). Keys are read from the
//! keymap, so a sentence follows the table when a key changes.

use super::keymap::{Context, label};
use super::msg::{Action, Failure};
use crate::advice::{Advice, Setting};
use crate::text::printable;

/// How `s` is set on the screens.
pub fn setting(s: &Setting) -> String {
    let columns = |a| label(Context::Columns, a);
    let package = |a| label(Context::Package, a);
    match s {
        Setting::HeaderRow => format!(
            "{} or {} (Files screen)",
            label(Context::OpenInputs, Action::HeaderRowDown),
            label(Context::OpenInputs, Action::HeaderRowUp)
        ),
        Setting::Sheet => format!(
            "{} (Files screen)",
            label(Context::OpenInputs, Action::ChooseSheet)
        ),
        Setting::Map { header, field } => {
            let column = header
                .as_deref()
                .map_or("the column that holds it".into(), |h| {
                    format!("“{}”", printable(h))
                });
            let field = field.as_deref().unwrap_or("its agreed field");
            format!(
                "{column} mapped to {field} (Columns screen, {})",
                columns(Action::Map)
            )
        }
        Setting::Withhold { header } => format!(
            "{} withheld (Columns screen, {})",
            header
                .as_deref()
                .map_or("the column".into(), |h| format!("“{}”", printable(h))),
            columns(Action::Withhold)
        ),
        Setting::ShowProfile => "the Agreement screen (Tab reads it in full)".into(),
        Setting::Justify { field } => format!(
            "a justification for {} (Columns screen, {})",
            field.as_deref().unwrap_or("the field"),
            columns(Action::Justify)
        ),
        Setting::Acknowledge { code } => format!(
            "the warning {code} acknowledged (Package screen, {})",
            package(Action::Toggle)
        ),
        Setting::RedactFlagged { .. } => format!(
            "the details redacted (Package screen, Redact all, {})",
            package(Action::Toggle)
        ),
        Setting::Analyst => "the Analyst line (Package screen)".into(),
        Setting::Reason => "the Reason line (Package screen)".into(),
        Setting::Basis { .. } => "the Basis line (Package screen)".into(),
        Setting::AuthorisedBy => "the Authorised by line (Package screen)".into(),
        Setting::AuthorisedAt => "the Authorised at line (Package screen)".into(),
        Setting::Answer { .. } => format!(
            "the checklist's answer (Package screen, {})",
            package(Action::Yes)
        ),
        Setting::RecipientLabel { .. } => format!(
            "the recipient's organisation and role (Package screen, {})",
            package(Action::AddKey)
        ),
        Setting::PassphraseGivenTo => format!(
            "who the passphrase is given to (Package screen, {})",
            package(Action::UsePassphrase)
        ),
        // The screens make the sender's key themselves (beside the register) and cannot ask for
        // a key's passphrase: these are done at a command prompt.
        Setting::SigningKeygen => "disclose keygen --signing at a command prompt".into(),
        Setting::SignPassphraseFile => {
            "the command line (disclose pack --sign-passphrase-file)".into()
        }
        Setting::Register => "the DISCLOSE_REGISTER setting (the register's file)".into(),
        // The screens have no register check of their own.
        Setting::CheckRegister => "disclose register --verify at a command prompt".into(),
        Setting::Profiles => "the profiles folder".into(),
        Setting::Signers => "the allowed signers file (Verify screen)".into(),
    }
}

/// `a` in the screens' words.
pub fn advice(a: &Advice) -> String {
    a.say(setting)
}

/// A file that could not be read, in the screens' words: the keys that choose the header row
/// or the sheet, never the command line's flags.
pub fn load_failure(e: &crate::load::LoadError) -> Failure {
    Failure::new(e.to_string(), advice(&e.advice()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the screens can do it themselves; the rest are said as what to run at a
    /// command prompt. No wildcard: a new setting must be placed here before this compiles.
    fn on_screen(s: &Setting) -> bool {
        match s {
            Setting::SigningKeygen | Setting::SignPassphraseFile | Setting::CheckRegister => false,
            Setting::HeaderRow
            | Setting::Sheet
            | Setting::Map { .. }
            | Setting::Withhold { .. }
            | Setting::Justify { .. }
            | Setting::Acknowledge { .. }
            | Setting::RedactFlagged { .. }
            | Setting::Analyst
            | Setting::Reason
            | Setting::Basis { .. }
            | Setting::AuthorisedBy
            | Setting::AuthorisedAt
            | Setting::Answer { .. }
            | Setting::RecipientLabel { .. }
            | Setting::PassphraseGivenTo
            | Setting::ShowProfile
            | Setting::Register
            | Setting::Profiles
            | Setting::Signers => true,
        }
    }

    #[test]
    fn no_setting_the_screens_can_do_is_said_as_a_flag() {
        let all = [
            Setting::HeaderRow,
            Setting::Sheet,
            Setting::Map {
                header: Some("Suspect Age".into()),
                field: Some("offender_age_at_offence".into()),
            },
            Setting::Map {
                header: None,
                field: None,
            },
            Setting::Withhold {
                header: Some("DOB".into()),
            },
            Setting::ShowProfile,
            Setting::Justify { field: None },
            Setting::Acknowledge {
                code: "review-overdue".into(),
            },
            Setting::RedactFlagged { kinds: vec![] },
            Setting::Analyst,
            Setting::Reason,
            Setting::Basis { ids: vec![] },
            Setting::AuthorisedBy,
            Setting::AuthorisedAt,
            Setting::Answer {
                id: "a".into(),
                answer: "yes".into(),
            },
            Setting::RecipientLabel {
                public_key: "age1x".into(),
            },
            Setting::PassphraseGivenTo,
            Setting::Register,
            Setting::Profiles,
            Setting::Signers,
            Setting::SigningKeygen,
            Setting::SignPassphraseFile,
            Setting::CheckRegister,
        ];
        let kinds: std::collections::BTreeSet<String> = all
            .iter()
            .map(|s| {
                format!("{s:?}")
                    .split([' ', '{'])
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(kinds.len(), 22, "every setting is said here: {kinds:?}");
        for s in &all {
            let said = setting(s);
            if !on_screen(s) {
                assert!(said.contains("command"), "{s:?}: {said}");
                continue;
            }
            assert!(!said.contains("--"), "{s:?}: {said}");
            assert!(
                !said.contains('?'),
                "{s:?} names a key the keymap lacks: {said}"
            );
        }
        assert_eq!(setting(&Setting::HeaderRow), "+ or - (Files screen)");
    }
}
