//! The five agreement profiles shipped in `profiles/` load, and say what their agreements say.

use disclose::dates::Date;
use disclose::profile::{AgeAt, Catalog, Category, Marking, Profile, RuleTest};
use std::sync::OnceLock;

const IDS: [&str; 5] = [
    "orochi-rescue-response",
    "london-iom",
    "bexley-iom",
    "bromley-yot-victims",
    "merton-asb-panel",
];

fn catalog() -> Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG
        .get_or_init(|| {
            Catalog::embedded().unwrap_or_else(|e| panic!("embedded profiles must load: {e}"))
        })
        .clone()
}

fn profile(id: &str) -> Profile {
    catalog()
        .get(id)
        .unwrap_or_else(|| panic!("no embedded profile {id}"))
        .clone()
}

/// The id of the field an export column with this header maps to, if any.
fn maps(p: &Profile, header: &str) -> Option<String> {
    p.all_fields()
        .find(|f| f.is_header(header))
        .map(|f| f.id.clone())
}

/// Headers that may be anyone's: on a row holding a victim, a suspect, witnesses, parents or
/// an informant, each could be any of them. An alias must name the person instead, unless
/// the profile declares (with the reason) that its exports describe one person per row.
const BARE: &[&str] = &[
    "Name",
    "Full Name",
    "Names",
    "Surname",
    "Family Name",
    "Last Name",
    "Lastname",
    "Surname/Family Name",
    "Forename",
    "Forenames",
    "Forename(s)",
    "First Name",
    "First Names",
    "Firstname",
    "Given Name",
    "Given Names",
    "Christian Name",
    "Address",
    "Home Address",
    "Current Address",
    "Residential Address",
    "Full Address",
    "Last Known Address",
    "Home Addr",
    "Addr",
    "Age",
    "Current Age",
    "Age Now",
    "Age at Offence",
    "Age at Referral",
    "Sex",
    "Gender",
    "Sex/Gender",
    "DOB",
    "D.O.B",
    "Date of Birth",
    "Birth Date",
    "Birthdate",
    "Tel",
    "Tel No",
    "Telephone",
    "Telephone Number",
    "Phone",
    "Phone Number",
    "Mobile",
    "Mobile Number",
    "Mobile No",
    "Contact Number",
    "Contact Tel",
    "Contact Telephone",
    "Home Tel",
    "Email",
    "E-mail",
    "Email Address",
    "Contact Email",
    "Relationship",
    "Statement",
    "Personal Statement",
    "Victim Statement",
    "Vulnerability",
    "Known As",
    "Nickname",
    "Nicknames",
    "Moniker",
    "Street Name",
    "Alias",
];

fn key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[test]
fn no_alias_is_bare_about_whose_data_it_is_unless_the_export_holds_one_person() {
    let bare: Vec<String> = BARE.iter().map(|b| key(b)).collect();
    for p in catalog().profiles {
        if let Some(why) = &p.single_person {
            assert!(why.len() > 40, "{}: say why one person per row", p.id);
            continue;
        }
        for f in p.all_fields() {
            for name in std::iter::once(&f.label).chain(&f.aliases) {
                assert!(
                    !bare.contains(&key(name)),
                    "{}: field {} answers to the bare header {name:?}, which may be another person's",
                    p.id,
                    f.id
                );
            }
        }
    }
}

#[test]
fn the_bare_header_check_fails_on_a_bare_alias() {
    let text = include_str!("../../profiles/orochi-rescue-response.toml").replacen(
        "\"Subject Surname\",",
        "\"Surname\",",
        1,
    );
    let p = disclose::profile::parse("x.toml", &text).unwrap();
    let bare: Vec<String> = BARE.iter().map(|b| key(b)).collect();
    assert!(
        p.all_fields()
            .flat_map(|f| f.aliases.iter())
            .any(|a| bare.contains(&key(a)))
    );
}

#[test]
fn every_profile_caps_the_marking_and_never_above_confidential() {
    for p in catalog().profiles {
        assert!(p.agreement.max_marking <= Marking::Confidential, "{}", p.id);
        assert!(
            !p.agreement.max_marking_section.trim().is_empty(),
            "{}",
            p.id
        );
        let r = p
            .rules
            .iter()
            .find(|r| matches!(r.test, RuleTest::MarkingAtMost(_)))
            .unwrap_or_else(|| panic!("{}: marking rule", p.id));
        assert_eq!(r.test, RuleTest::MarkingAtMost(p.agreement.max_marking));
        assert!(r.built_in);
        for h in [
            "Protective Marking",
            "GPMS",
            "GSC Marking",
            "Security Classification",
        ] {
            assert_eq!(
                maps(&p, h).as_deref(),
                Some("protective_marking"),
                "{}",
                p.id
            );
        }
    }
    // Spellings beyond the list are marking columns too; a bare "Classification" (CRIS's crime
    // classification) and PNC "Warning Markers" are not.
    use disclose::profile::is_marking_header;
    for h in [
        "Protective Markings",
        "GPMS Level",
        "Security Class",
        "Government Protective Marking",
        "Classification (GSC)",
        "Prot. Marking",
    ] {
        assert!(is_marking_header(h), "{h}");
    }
    for h in [
        "Classification",
        "Crime Classification",
        "Warning Markers",
        "Marker",
    ] {
        assert!(!is_marking_header(h), "{h}");
    }
}

#[test]
fn all_five_profiles_load_with_the_exact_ids() {
    let cat = catalog();
    let mut ids = cat.ids();
    ids.sort();
    let mut want = IDS.to_vec();
    want.sort();
    assert_eq!(ids, want);
}

#[test]
fn every_field_rule_warning_and_checklist_item_cites_a_section() {
    for p in catalog().profiles {
        assert!(!p.agreement.source.is_empty(), "{}: agreement.source", p.id);
        assert!(
            !p.agreement.legal_basis.is_empty(),
            "{}: agreement.legal_basis",
            p.id
        );
        assert!(!p.fields.is_empty(), "{}: no shared fields", p.id);
        for f in p.all_fields() {
            assert!(!f.section.trim().is_empty(), "{}: field {}", p.id, f.id);
            assert!(!f.label.trim().is_empty(), "{}: field {} label", p.id, f.id);
        }
        for r in &p.rules {
            assert!(!r.section.trim().is_empty(), "{}: rule {}", p.id, r.id);
            assert!(!r.description.trim().is_empty(), "{}: rule {}", p.id, r.id);
        }
        for w in &p.warnings {
            assert!(!w.section.trim().is_empty(), "{}: warning {}", p.id, w.code);
            assert!(!w.message.trim().is_empty(), "{}: warning {}", p.id, w.code);
        }
        for c in &p.checklist {
            assert!(!c.section.trim().is_empty(), "{}: checklist", p.id);
            assert!(!c.question.trim().is_empty(), "{}: checklist", p.id);
        }
    }
}

#[test]
fn every_profile_names_its_seed_file() {
    let want = [
        ("orochi-rescue-response", "000_4d8b9fca2b5508aa.txt"),
        ("london-iom", "001_81c8dc8fc660f0a1.txt"),
        ("bexley-iom", "002_d8e9df51f4a8976f.txt"),
        ("bromley-yot-victims", "003_94cd174c14b295c2.txt"),
        ("merton-asb-panel", "004_6885a107a08dae46.txt"),
    ];
    for (id, source) in want {
        assert_eq!(profile(id).agreement.source, source, "{id}");
    }
}

#[test]
fn no_profile_lists_review_overdue_itself() {
    for p in catalog().profiles {
        assert!(
            p.warnings.iter().all(|w| w.code != "review-overdue"),
            "{}",
            p.id
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Bromley YOT victims

#[test]
fn bromley_shares_exactly_the_eight_agreed_fields() {
    let p = profile("bromley-yot-victims");
    let labels: Vec<&str> = p.fields.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Victim Name",
            "Victim Address",
            "Victim telephone number",
            "Victim Age",
            "Victim Sex",
            "Victim relationship to offender",
            "Victim Personal Statement",
            "Vulnerability Marker",
            "Vulnerability Marker: relevant details",
        ]
    );
    for id in ["vulnerability_marker", "vulnerability_details"] {
        assert_eq!(
            p.field(id).unwrap().item.as_deref(),
            Some("Vulnerability Marker with relevant details")
        );
    }
    assert!(p.agreement.prescriptive);
    assert!(p.fields.iter().all(|f| f.shared));
    assert!(p.rule_fields.iter().all(|f| !f.shared));
    // Rule-only fields are never among the shared ones.
    for id in [
        "offender_age_at_offence",
        "offender_date_of_birth",
        "offence_date",
        "victim_opt_out",
    ] {
        let f = p.field(id).unwrap_or_else(|| panic!("rule field {id}"));
        assert!(!f.shared, "{id} must be rule-only");
    }
}

#[test]
fn bromley_rules_offender_age_and_victim_opt_out() {
    let p = profile("bromley-yot-victims");
    let age = p
        .rules
        .iter()
        .find(|r| r.id == "offender-aged-10-to-17")
        .expect("offender age rule");
    assert_eq!(age.field, "offender_date_of_birth");
    assert_eq!(
        age.test,
        RuleTest::AgeBetween {
            min: Some(10),
            max: Some(17),
            at: AgeAt::Offence {
                date_field: "offence_date".into(),
                age_field: Some("offender_age_at_offence".into()),
            }
        }
    );
    let opt = p
        .rules
        .iter()
        .find(|r| r.field == "victim_opt_out")
        .expect("victim opt-out rule");
    assert_eq!(opt.test, RuleTest::ExcludeIfYes);
    assert!(opt.section.contains("5.27"));
    // An opt-out never recorded is not an opt-out: the agreement says so, and the profile
    // quotes it.
    let empty = opt.empty.as_ref().expect("empty meaning");
    assert!(
        empty
            .section
            .contains("unless the victim asks the Police not to")
    );
}

#[test]
fn bromley_warns_no_electronic_transfer() {
    let p = profile("bromley-yot-victims");
    let w = p
        .warnings
        .iter()
        .find(|w| w.code == "no-electronic-transfer")
        .expect("no-electronic-transfer warning");
    assert!(w.section.contains("4.14"));
    assert!(
        w.message
            .contains("No information will be passed electronically")
    );
}

#[test]
fn bromley_headers_map_to_victim_fields_only() {
    let p = profile("bromley-yot-victims");
    assert_eq!(
        maps(&p, "Victim Tel No").as_deref(),
        Some("victim_telephone")
    );
    assert_eq!(maps(&p, "VICTIM_NAME").as_deref(), Some("victim_name"));
    assert_eq!(
        maps(&p, "VPS").as_deref(),
        Some("victim_personal_statement")
    );
    assert_eq!(
        maps(&p, "Suspect Age"),
        None,
        "not clearly the age at the offence"
    );
    assert_eq!(
        maps(&p, "Suspect Age at Offence").as_deref(),
        Some("offender_age_at_offence")
    );
    assert_eq!(maps(&p, "VCOP Opt Out").as_deref(), Some("victim_opt_out"));
    for bare in [
        "Relationship",
        "Personal Statement",
        "Victim Statement",
        "Vulnerability",
    ] {
        assert_eq!(maps(&p, bare), None, "{bare}");
    }
    assert_eq!(maps(&p, "Victim Age").as_deref(), Some("victim_age"));
    // Not in the agreed list, or could be the suspect's: never mapped automatically.
    assert_eq!(maps(&p, "Victim DOB"), None);
    assert_eq!(maps(&p, "Date of Birth"), None);
    assert_eq!(maps(&p, "Address"), None);
    assert_eq!(maps(&p, "Ethnicity"), None);
}

// ---------------------------------------------------------------------------------------------
// Op Orochi / Rescue and Response

#[test]
fn orochi_shares_nothing_above_official() {
    let p = profile("orochi-rescue-response");
    assert_eq!(p.agreement.max_marking, Marking::Official);
    let r = p
        .rules
        .iter()
        .find(|r| matches!(r.test, RuleTest::MarkingAtMost(_)))
        .expect("marking rule");
    assert_eq!(r.test, RuleTest::MarkingAtMost(Marking::Official));
    assert_eq!(r.field, "protective_marking");
    assert!(!p.field("protective_marking").unwrap().shared);
    assert!(r.section.contains("3.1"));
    assert!(
        r.section
            .contains("no data with a classification higher than OFFICIAL")
    );
}

#[test]
fn orochi_subjects_aged_up_to_25() {
    let p = profile("orochi-rescue-response");
    let r = p
        .rules
        .iter()
        .find(|r| matches!(r.test, RuleTest::AgeBetween { .. }))
        .expect("age rule");
    assert_eq!(r.field, "date_of_birth");
    assert_eq!(
        r.test,
        RuleTest::AgeBetween {
            min: None,
            max: Some(25),
            at: AgeAt::Today,
        }
    );
    assert!(r.section.contains("2.1"));
}

#[test]
fn orochi_needs_spoc_authority_and_ethnicity_is_special() {
    let p = profile("orochi-rescue-response");
    let authority = p.agreement.authority.as_deref().expect("authority set");
    assert!(authority.contains("SPOC"));
    assert!(p.agreement.prescriptive);
    let eth = p.field("ethnicity").expect("ethnicity field");
    assert!(eth.shared);
    assert_eq!(eth.category, Category::SpecialCategory);
    for code in [
        "box-transfer-only",
        "record-on-crimint",
        "no-transfer-outside-eea",
    ] {
        assert!(p.warnings.iter().any(|w| w.code == code), "warning {code}");
    }
}

#[test]
fn orochi_headers_from_merlin_crimint_and_pnc_map() {
    let p = profile("orochi-rescue-response");
    let cases = [
        ("Subject D.O.B", "date_of_birth"),
        ("Subject Date of Birth", "date_of_birth"),
        ("Nominal DOB", "date_of_birth"),
        ("SUBJECT SURNAME", "surname"),
        ("Young Person Family Name", "surname"),
        ("Nominal Last Name", "surname"),
        ("Subject Forename(s)", "forenames"),
        ("Subject First Name", "forenames"),
        ("PNCID", "pnc_id"),
        ("PNC ID", "pnc_id"),
        ("PNC Number", "pnc_id"),
        ("Subject Home Address", "address"),
        ("Subject Tel", "telephone"),
        ("Nominal Mobile", "telephone"),
        ("Subject E-mail", "email"),
        ("Subject Moniker", "street_name"),
        ("Subject Nickname", "street_name"),
        ("Self Defined Ethnicity", "ethnicity"),
        ("SDE", "ethnicity"),
        ("IC Code", "ethnicity"),
        ("Ethnic Appearance", "ethnicity"),
        ("Gang Affiliation", "gang_affiliations"),
        ("Protective Marking", "protective_marking"),
        ("GSC", "protective_marking"),
    ];
    for (header, id) in cases {
        assert_eq!(maps(&p, header).as_deref(), Some(id), "header {header:?}");
    }
    assert_eq!(maps(&p, "Name"), None, "a bare 'Name' is ambiguous");
    // A Merlin row also holds parents' and carers' details: bare headers wait for the analyst.
    for bare in [
        "Surname",
        "DOB",
        "Address",
        "Contact Number",
        "Phone",
        "Mobile",
        "Known As",
    ] {
        assert_eq!(maps(&p, bare), None, "{bare}");
    }
    assert_eq!(maps(&p, "Religion"), None, "not in the Orochi list");
}

// ---------------------------------------------------------------------------------------------
// IOM and Merton: not prescriptive

#[test]
fn london_iom_and_merton_are_not_prescriptive() {
    assert!(!profile("london-iom").agreement.prescriptive);
    assert!(!profile("merton-asb-panel").agreement.prescriptive);
    assert!(!profile("bexley-iom").agreement.prescriptive);
}

#[test]
fn london_iom_has_the_appendix_d_checklist() {
    let p = profile("london-iom");
    assert_eq!(p.checklist.len(), 10);
    assert!(p.checklist.iter().all(|c| c.section == "Appendix D"));
    assert_eq!(p.checklist[0].question, "Whose information is this?");
    assert!(
        p.checklist
            .iter()
            .any(|c| c.question.contains("difference between fact and opinion"))
    );
    assert!(p.checklist.iter().any(|c| {
        c.question
            .contains("rationale for the decision, been recorded")
    }));
}

#[test]
fn london_iom_fields_cover_the_section_4_1_categories() {
    let p = profile("london-iom");
    assert!(p.fields.iter().all(|f| f.section.contains("4.1")));
    assert_eq!(maps(&p, "NHS No").as_deref(), Some("nhs_number"));
    assert_eq!(
        p.field("nhs_number").unwrap().category,
        Category::SpecialCategory
    );
    assert_eq!(maps(&p, "CRIS Number").as_deref(), Some("crime_reports"));
    assert_eq!(maps(&p, "Crimint Ref").as_deref(), Some("intelligence"));
    assert_eq!(
        maps(&p, "Custody Number").as_deref(),
        Some("custody_records")
    );
    assert_eq!(maps(&p, "Pre-Cons").as_deref(), Some("convictions"));
    assert_eq!(maps(&p, "Merlin Ref").as_deref(), Some("merlin_reports"));
    assert_eq!(
        p.field("convictions").unwrap().category,
        Category::CriminalOffence
    );
}

#[test]
fn bexley_minimum_necessary_and_restricted_ceiling() {
    let p = profile("bexley-iom");
    assert_eq!(p.agreement.review_due, Date::new(2012, 12, 1).unwrap());
    assert_eq!(p.agreement.max_marking_text, "RESTRICTED");
    assert!(
        p.fields
            .iter()
            .any(|f| f.id == "attendance" && f.section.contains("3.3"))
    );
    assert!(
        p.fields
            .iter()
            .any(|f| f.id == "compliance" && f.section.contains("3.3"))
    );
    let r = p
        .rules
        .iter()
        .find(|r| matches!(r.test, RuleTest::MarkingAtMost(_)))
        .expect("marking rule");
    assert_eq!(r.test, RuleTest::MarkingAtMost(Marking::Official));
    assert_eq!(maps(&p, "PNC No").as_deref(), Some("pnc_id"));
    // 3.3 "and other relevant information": a field, mapped by hand only.
    let other = p.field("other_relevant_information").expect("3.3 field");
    assert!(other.aliases.is_empty() && other.section.contains("3.3"));
    // Section 5: nine parties listed, four signed.
    assert_eq!(p.agreement.parties.len(), 9);
    assert_eq!(p.agreement.signatories.as_ref().map(Vec::len), Some(4));
    assert!(p.single_person.is_some());
}

#[test]
fn merton_referrals_confidential_and_secure_email() {
    let p = profile("merton-asb-panel");
    assert_eq!(p.agreement.max_marking, Marking::Confidential);
    for code in [
        "secure-email-only",
        "referrals-marked-confidential",
        "record-what-was-provided",
    ] {
        assert!(p.warnings.iter().any(|w| w.code == code), "warning {code}");
    }
    assert_eq!(maps(&p, "Surname"), None, "a referral holds several people");
    assert_eq!(maps(&p, "Perpetrator Surname").as_deref(), Some("surname"));
    assert_eq!(maps(&p, "Mental Health").as_deref(), Some("mental_health"));
}

#[test]
fn review_dates_come_from_the_agreements() {
    let want = [
        ("orochi-rescue-response", (2026, 2, 3)),
        ("london-iom", (2026, 5, 24)),
        ("bexley-iom", (2012, 12, 1)),
        ("bromley-yot-victims", (2013, 5, 30)),
        ("merton-asb-panel", (2013, 6, 30)),
    ];
    for (id, (y, m, d)) in want {
        assert_eq!(
            profile(id).agreement.review_due,
            Date::new(y, m, d).unwrap(),
            "{id}"
        );
    }
}

#[test]
fn common_export_headers_map_across_profiles() {
    for (id, who) in [
        ("london-iom", "Offender "),
        ("bexley-iom", ""),
        ("merton-asb-panel", "Perpetrator "),
    ] {
        let p = profile(id);
        assert_eq!(
            maps(&p, &format!("{who}DOB")).as_deref(),
            Some("date_of_birth"),
            "{id}"
        );
        assert_eq!(
            maps(&p, &format!("{who}Forename(s)")).as_deref(),
            Some("forenames"),
            "{id}"
        );
        assert_eq!(
            maps(&p, &format!("{who}Last Name")).as_deref(),
            Some("surname"),
            "{id}"
        );
    }
}
