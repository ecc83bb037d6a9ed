//! E-mail addresses: a local part, `@`, and a domain of at least two labels ending in letters.

use super::{Kind, Span};

pub(super) fn find(text: &str, out: &mut Vec<Span>) {
    let b = text.as_bytes();
    for at in memchr::memchr_iter(b'@', b) {
        let local = |c: u8| c.is_ascii_alphanumeric() || b"._%+-'".contains(&c);
        let mut s = at;
        while s > 0 && local(b[s - 1]) {
            s -= 1;
        }
        while s < at && matches!(b[s], b'.' | b'\'') {
            s += 1;
        }
        let mut e = at + 1;
        while e < b.len() && (b[e].is_ascii_alphanumeric() || matches!(b[e], b'.' | b'-')) {
            e += 1;
        }
        // A full stop after the address ends the sentence, not the domain.
        while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
            e -= 1;
        }
        if s == at || e <= at + 1 {
            continue;
        }
        let domain = &text[at + 1..e];
        let labels: Vec<&str> = domain.split('.').collect();
        let tld = labels.last().copied().unwrap_or("");
        if labels.len() >= 2
            && labels.iter().all(|l| !l.is_empty())
            && tld.len() >= 2
            && tld.bytes().all(|c| c.is_ascii_alphabetic())
        {
            out.push(Span {
                start: s,
                end: e,
                kind: Kind::Email,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::find as find_all;
    use super::*;

    #[test]
    fn addresses_with_their_ends_where_people_put_them() {
        for (text, addr) in [
            ("email j.bloggs@example.co.uk.", "j.bloggs@example.co.uk"),
            (
                "(mo'neill+tag@mail.example.org)",
                "mo'neill+tag@mail.example.org",
            ),
            ("A.N.Other@nhs.net, tomorrow", "A.N.Other@nhs.net"),
        ] {
            let f = find_all(text);
            assert_eq!(f.len(), 1, "{text}");
            assert_eq!(
                (f[0].kind, &text[f[0].start..f[0].end]),
                (Kind::Email, addr)
            );
        }
    }

    #[test]
    fn an_at_sign_alone_is_not_an_address() {
        for text in [
            "meet @ 3pm",
            "user@localhost",
            "twitter @handle",
            "a@b.c1",
            "x@.uk",
        ] {
            assert!(
                find_all(text).iter().all(|s| s.kind != Kind::Email),
                "{text}"
            );
        }
    }
}
