//! How the XLSX loader names places in a sheet in what it says: columns by Excel's letters,
//! cells by reference, and large counts with thousands separators.

/// "A, C and F", at most five named.
pub(super) fn letter_list(cols: &[u32]) -> String {
    let mut names: Vec<String> = cols.iter().take(5).map(|&c| column_letters(c)).collect();
    if cols.len() > 5 {
        names.push(format!("{} more", cols.len() - 5));
    }
    match names.len() {
        0 => String::new(),
        1 => names.remove(0),
        n => {
            let last = names.remove(n - 1);
            format!("{} and {last}", names.join(", "))
        }
    }
}

/// Excel's letters for a 0-based column index: 0 → "A", 26 → "AA".
/// `1048576` as `1,048,576`.
pub(super) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

pub(super) fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        out.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

pub(super) fn cell_ref(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), u64::from(row) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_match_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(column_letters(16_383), "XFD");
        assert_eq!(column_letters(u32::MAX), "MWLQKWV");
    }
}
