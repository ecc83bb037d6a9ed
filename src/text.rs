//! Small text helpers shared by every stage: how headers and aliases are compared, how
//! untrusted text (file names, headers) is made safe to print on a terminal, and the warning
//! about hidden rows and columns that both the CLI and the interactive screens show.

/// The form in which a header and an alias are compared: lower case, letters and digits only.
/// "Date of Birth", "date_of_birth" and "DATE-OF-BIRTH " all become "dateofbirth".
pub fn match_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Text from an input file (a header, a sheet name, a file name) as it may be shown on a
/// terminal: control characters, escape sequences and bidirectional overrides are written as
/// visible escapes, so a hostile export cannot retitle a window, write to the clipboard or
/// reorder what the analyst reads.
pub fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || is_bidi_control(c) => {
                out.push_str(&format!("\\u{{{:04x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// The first character [`printable`] would escape (a control character, an escape sequence's
/// start, a bidirectional override), if `s` holds one: a name typed for the record must not.
pub fn unprintable_char(s: &str) -> Option<char> {
    s.chars().find(|&c| c.is_control() || is_bidi_control(c))
}

/// JSON text with the bidirectional overrides JSON leaves as they are written as `\uXXXX`
/// escapes: the same JSON value, that cannot reorder what is shown on a terminal. (JSON already
/// escapes control characters; these can only be inside strings, where the escape is valid.)
pub fn json_without_bidi(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_bidi_control(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The warning for rows and columns hidden in the sheet being read, shown by the CLI summary
/// and the interactive Open screen: "Sheet 'Data' has 3 hidden rows (12, 15, 40) and 1 hidden
/// column (F 'Notes'). Hidden cells are still read: check they may be shared."
pub fn hidden_cells_warning(sheet: &str, h: &crate::load::hidden_cells::HiddenCells) -> String {
    /// Hidden columns named before "and N more".
    const COLUMNS_LISTED: usize = 8;
    let plural = |n: u64, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    let mut parts = Vec::new();
    if h.rows > 0 {
        let numbers: Vec<String> = h.first_rows.iter().map(u64::to_string).collect();
        let first = if h.rows > h.first_rows.len() as u64 {
            "first: "
        } else {
            ""
        };
        parts.push(format!(
            "{} ({first}{})",
            plural(h.rows, "hidden row"),
            numbers.join(", ")
        ));
    }
    if !h.columns.is_empty() {
        let mut names: Vec<String> = h
            .columns
            .iter()
            .take(COLUMNS_LISTED)
            .map(|c| format!("{} '{}'", c.letters, printable(&c.header)))
            .collect();
        if h.columns.len() > COLUMNS_LISTED {
            names.push(format!("and {} more", h.columns.len() - COLUMNS_LISTED));
        }
        parts.push(format!(
            "{} ({})",
            plural(h.columns.len() as u64, "hidden column"),
            names.join(", ")
        ));
    }
    format!(
        "Sheet '{}' has {}. Hidden cells are still read: check they may be shared.",
        printable(sheet),
        parts.join(" and ")
    )
}

/// Whether a spreadsheet would run `cell` as a formula: a leading `=`, `+`, `-`, `@`, tab or
/// CR. Such a cell is written after a `'` ([`crate::apply::SharedCell::Neutralised`]); the
/// register's CSV export follows the same rule. Plain numbers such as
/// `-5` or `+44` are left alone: they are data, and a quote would corrupt them.
pub fn needs_neutralising(cell: &str) -> bool {
    matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    ) && !is_plain_number(cell)
}

fn is_plain_number(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let mut parts = body.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    match frac {
        None => digits(int),
        Some(f) => (digits(int) || int.is_empty()) && digits(f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_key_ignores_case_space_and_punctuation() {
        assert_eq!(match_key("Date of Birth"), "dateofbirth");
        assert_eq!(match_key(" DATE_OF-BIRTH "), "dateofbirth");
        assert_ne!(match_key("DOB"), match_key("Date of Birth"));
    }

    #[test]
    fn printable_escapes_terminal_controls() {
        assert_eq!(
            printable("a\u{1b}]52;c;x\u{7}b"),
            "a\\u{001b}]52;c;x\\u{0007}b"
        );
        assert_eq!(printable("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(printable("Smith, Jo"), "Smith, Jo");
    }
}
