use super::*;

#[test]
fn a_name_two_fields_answer_to_is_refused_naming_both() {
    let text = include_str!("../../profiles/bromley-yot-victims.toml");
    assert!(parse("bromley-yot-victims.toml", text).is_ok());
    // Spelt differently, but the same name once case and punctuation are set aside.
    let clash = text.replacen("\"Victim Addr\",", "\"VICTIMS NAME\",", 1);
    assert_ne!(clash, text);
    let err = parse("clash.toml", &clash).unwrap_err().to_string();
    assert!(
        err.contains("matches both field \"victim_name\" and field \"victim_address\""),
        "{err}"
    );
}

#[test]
fn markings_share_rungs_as_gsc_says() {
    assert_eq!(
        Marking::parse("OFFICIAL-SENSITIVE"),
        Some(Marking::Official)
    );
    assert_eq!(
        Marking::parse("official sensitive personal"),
        Some(Marking::Official)
    );
    assert_eq!(Marking::parse("Restricted"), Some(Marking::Official));
    assert!(Marking::parse("SECRET").unwrap() > Marking::Official);
    assert!(Marking::parse("CONFIDENTIAL").unwrap() > Marking::Official);
    assert_eq!(
        Marking::parse("OFFICIAL-SENSITIVE: UK EYES ONLY"),
        Some(Marking::Official)
    );
    assert_eq!(Marking::parse("OFFICIAL SENSITIVE TOP SECRET STRAP1"), None);
    assert_eq!(Marking::parse("OFFICIAL-SENSITIVE DO NOT SHARE"), None);
    assert_eq!(Marking::parse("SECRET-ish"), None);
    // The spellings exports use.
    for (text, level, name) in [
        (
            "OFFICIAL - SENSITIVE",
            Marking::Official,
            "OFFICIAL-SENSITIVE",
        ),
        ("O/S", Marking::Official, "OFFICIAL-SENSITIVE"),
        (
            "Official (Sensitive)",
            Marking::Official,
            "OFFICIAL-SENSITIVE",
        ),
        ("PROTECT - PERSONAL", Marking::Official, "PROTECT"),
        ("Restricted - Staff", Marking::Official, "RESTRICTED"),
        (
            "N.P.M.",
            Marking::NotProtectivelyMarked,
            "NOT PROTECTIVELY MARKED",
        ),
        (
            "Confidential - Personal",
            Marking::Confidential,
            "CONFIDENTIAL",
        ),
        ("SECRET UK EYES ONLY", Marking::Secret, "SECRET"),
        ("Top-Secret", Marking::TopSecret, "TOP SECRET"),
    ] {
        let (m, i) = Marking::parse_named(text).unwrap_or_else(|| panic!("{text}"));
        assert_eq!((m, MARKING_NAMES[usize::from(i)]), (level, name), "{text}");
    }
    assert_eq!(Marking::parse(""), None);
    assert_eq!(Marking::parse("OFFICAL"), None);
}
