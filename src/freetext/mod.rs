//! Free-text review: finding other people's details typed into agreed free-text fields (a
//! suspect's phone number in a victim's statement, an informant's address in an intelligence
//! note). The agreement allows the field, not what an officer typed into it about somebody
//! else, so each kind of detail is found by its own recogniser, counted per column (never
//! shown outside the analyst's screen), and redacted as a span on request.
//!
//! Each recogniser is a small unit with its false-positive guards: check digits where the
//! identifier has one (NHS numbers, PNC IDs, CRO numbers, card numbers), the official shapes
//! where it has none (postcodes, National Insurance prefixes, vehicle registrations, UK
//! telephone ranges), and a cue word for a date of birth (a date alone is an incident date).

mod dob;
mod email;
mod ids;
mod numbers;

use serde::Serialize;

/// A kind of personal detail the recognisers find.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Phone,
    Email,
    NhsNumber,
    NiNumber,
    Postcode,
    PncId,
    CroNumber,
    Vehicle,
    DateOfBirth,
    CardNumber,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Phone,
        Kind::Email,
        Kind::NhsNumber,
        Kind::NiNumber,
        Kind::Postcode,
        Kind::PncId,
        Kind::CroNumber,
        Kind::Vehicle,
        Kind::DateOfBirth,
        Kind::CardNumber,
    ];

    /// The name flags, the record and `[REDACTED: …]` use.
    pub fn id(self) -> &'static str {
        match self {
            Kind::Phone => "phone",
            Kind::Email => "email",
            Kind::NhsNumber => "nhs-number",
            Kind::NiNumber => "ni-number",
            Kind::Postcode => "postcode",
            Kind::PncId => "pnc-id",
            Kind::CroNumber => "cro-number",
            Kind::Vehicle => "vehicle",
            Kind::DateOfBirth => "date-of-birth",
            Kind::CardNumber => "card-number",
        }
    }

    /// What the analyst reads.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Phone => "telephone number",
            Kind::Email => "e-mail address",
            Kind::NhsNumber => "NHS number",
            Kind::NiNumber => "National Insurance number",
            Kind::Postcode => "postcode",
            Kind::PncId => "PNC ID",
            Kind::CroNumber => "CRO number",
            Kind::Vehicle => "vehicle registration",
            Kind::DateOfBirth => "date of birth",
            Kind::CardNumber => "payment card number",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        Kind::ALL.into_iter().find(|k| k.id() == s)
    }

    /// The text a redacted span is replaced with.
    pub fn redacted(self) -> String {
        format!("[REDACTED: {}]", self.id())
    }
}

/// One detail found: bytes `start..end` of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

/// Every detail in `text`, in order, none overlapping (where two recognisers claim the same
/// characters, the one listed first in [`find`]'s order keeps them).
pub fn find(text: &str) -> Vec<Span> {
    // Every kind holds a digit but an e-mail address (which holds '@'): most prose is passed
    // over at the cost of one scan.
    let b = text.as_bytes();
    let digits = count_digits(b);
    let has_at = memchr::memchr(b'@', b).is_some();
    if digits == 0 && !has_at {
        return Vec::new();
    }
    let mut found = Vec::new();
    if has_at {
        email::find(text, &mut found);
    }
    if digits > 0 {
        dob::find(text, &mut found);
        ids::find(text, &mut found);
    }
    if digits >= numbers::FEWEST_DIGITS {
        numbers::find(text, &mut found);
    }
    // Earlier recognisers win overlaps: keep a span only if it overlaps none kept before it.
    let mut kept: Vec<Span> = Vec::with_capacity(found.len());
    for s in found {
        if !kept.iter().any(|k| s.start < k.end && k.start < s.end) {
            kept.push(s);
        }
    }
    kept.sort_by_key(|s| s.start);
    kept
}

/// The ASCII digits in `b`: whether any detail but an e-mail address can be there at all, and
/// whether a telephone or card number (ten digits at least) can. Counted 32 bytes at a time
/// into a byte-sized total, so that the compiler compares them 16 or 32 at once: three texts
/// in four have no digit, and this is all that is done with them.
fn count_digits(b: &[u8]) -> usize {
    let mut blocks = b.chunks_exact(32);
    let mut count = 0;
    for block in &mut blocks {
        let mut n = 0u8;
        for &c in block {
            n += u8::from(c.is_ascii_digit());
        }
        count += usize::from(n);
    }
    count
        + blocks
            .remainder()
            .iter()
            .filter(|c| c.is_ascii_digit())
            .count()
}

/// `text` with every span of the `kinds` given replaced by `[REDACTED: kind]`, and the spans
/// that were (`None` when nothing changed).
pub fn redact(text: &str, spans: &[Span], kinds: &[Kind]) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut changed = false;
    for s in spans.iter().filter(|s| kinds.contains(&s.kind)) {
        out.push_str(&text[at..s.start]);
        out.push_str(&s.kind.redacted());
        at = s.end;
        changed = true;
    }
    if !changed {
        return None;
    }
    out.push_str(&text[at..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        find(text)
            .into_iter()
            .map(|s| (s.kind, &text[s.start..s.end]))
            .collect()
    }

    #[test]
    fn a_statement_with_several_details_has_each_found_once_in_order() {
        let text = "He rang me on 07700 900123 and gave his address as 12 High St, SW1A 1AA. \
                    His email is j.bloggs@example.co.uk and his car is AB12 CDE.";
        assert_eq!(
            kinds(text),
            [
                (Kind::Phone, "07700 900123"),
                (Kind::Postcode, "SW1A 1AA"),
                (Kind::Email, "j.bloggs@example.co.uk"),
                (Kind::Vehicle, "AB12 CDE"),
            ]
        );
    }

    #[test]
    fn prose_without_details_is_not_flagged() {
        for text in [
            "The victim was scared and did not want to go out for 3 weeks.",
            "Incident on 12/03/2024 at 14:30, 2 males, 1 female. Ref 4829104857.",
            "Model QX12 3CV was found; order number 0123-456 pending.",
            "",
        ] {
            assert_eq!(kinds(text), [], "{text}");
        }
    }

    #[test]
    fn redaction_replaces_only_the_kinds_asked_for() {
        let text = "Call 07700 900123 or write to SW1A 1AA.";
        let spans = find(text);
        assert_eq!(
            redact(text, &spans, &[Kind::Phone]).unwrap(),
            "Call [REDACTED: phone] or write to SW1A 1AA."
        );
        assert_eq!(
            redact(text, &spans, &Kind::ALL).unwrap(),
            "Call [REDACTED: phone] or write to [REDACTED: postcode]."
        );
        assert_eq!(redact(text, &spans, &[Kind::Email]), None);
    }

    #[test]
    fn kinds_are_named_as_flags_name_them() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.id()), Some(k));
        }
        assert_eq!(Kind::parse("NHS_number"), Some(Kind::NhsNumber));
        assert_eq!(Kind::parse("phones"), None);
    }
}
