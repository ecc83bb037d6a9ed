//! Flags written as `NAME=VALUE` (`--answer`, `--map`, `--justify`): read into the core's
//! types here, so their mistakes are told as the flags the analyst typed.

use crate::profile::Profile;

/// Reads `--answer ID=TEXT` flags into answers by question index. Errors name the flag.
pub(super) fn read_answers(
    profile: &Profile,
    specs: &[String],
) -> Result<Vec<Option<String>>, String> {
    let mut answers = vec![None; profile.checklist.len()];
    for spec in specs {
        let Some((id, text)) = spec.split_once('=') else {
            return Err(format!(
                "--answer {spec:?}: write it as ID=ANSWER, e.g. --answer 'proportionate=yes'"
            ));
        };
        let id = id.trim();
        let Some(i) = profile.checklist.iter().position(|c| c.id == id) else {
            let ids: Vec<&str> = profile.checklist.iter().map(|c| c.id.as_str()).collect();
            return Err(if ids.is_empty() {
                format!("--answer {id}: profile {} has no checklist", profile.id)
            } else {
                format!(
                    "--answer {id}: profile {} has no checklist question with that id; its questions are: {}",
                    profile.id,
                    ids.join(", ")
                )
            });
        };
        if answers[i].is_some() {
            return Err(format!("--answer {id} is given twice"));
        }
        answers[i] = Some(text.to_string());
    }
    Ok(answers)
}

/// A `NAME=VALUE` flag that could not be read: what is wrong, and an example.
pub(super) struct SpecError {
    pub what: String,
    pub example: &'static str,
}

/// `--map SOURCE=FIELD`, split at the last `=` (headers may contain `=`, field names do not).
pub(super) fn read_map(spec: &str) -> Result<(String, String), SpecError> {
    match spec.rsplit_once('=') {
        Some((src, field)) if !src.trim().is_empty() && !field.trim().is_empty() => {
            Ok((src.trim().to_string(), field.trim().to_string()))
        }
        _ => Err(SpecError {
            what: format!("--map {spec:?}: write it as 'SOURCE HEADER=FIELD'"),
            example: "Example: --map 'Victim Tel=victim_telephone'",
        }),
    }
}

/// `--justify FIELD=TEXT`, split at the first `=`, FIELD resolved to a shared field's id.
pub(super) fn read_justify(profile: &Profile, spec: &str) -> Result<(String, String), SpecError> {
    let bad = || SpecError {
        what: format!(
            "--justify {spec:?}: write it as FIELD=TEXT, naming a shared field of the profile"
        ),
        example: "Example: --justify 'address=Needed to contact the victim to offer restorative justice'",
    };
    let (name, text) = spec.split_once('=').ok_or_else(bad)?;
    let field = profile
        .field_named(name.trim())
        .filter(|f| f.shared)
        .ok_or_else(bad)?;
    if text.trim().is_empty() {
        return Err(bad());
    }
    Ok((field.id.clone(), text.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_splits_at_the_last_equals_sign() {
        assert_eq!(
            read_map("A=B=surname").ok(),
            Some(("A=B".to_string(), "surname".to_string()))
        );
        assert!(read_map("surname").is_err());
        assert!(read_map("=surname").is_err());
        assert!(read_map("A=").is_err());
    }
}
