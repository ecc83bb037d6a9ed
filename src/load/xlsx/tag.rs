//! One tag of a part's XML, read from its raw bytes just enough for the hidden-cells pre-scan:
//! whether it ends an element, its local name, and its attributes, with their values' entity
//! references decoded. The pre-scan sees each whole tag once, so nothing here builds a tree.

/// A tag, parsed just enough: whether it ends an element, its local name (after any `x:`
/// prefix), whether it is empty (`<col .../>`), and its attributes' text.
pub(super) struct Tag<'a> {
    pub(super) end: bool,
    pub(super) local: &'a [u8],
    pub(super) empty: bool,
    attrs: &'a [u8],
}

impl<'a> Tag<'a> {
    pub(super) fn parse(raw: &'a [u8]) -> Option<Tag<'a>> {
        let inner = raw.strip_prefix(b"<")?;
        // A tag cut at TAG_BYTES has no closing '>'.
        let inner = inner.strip_suffix(b">").unwrap_or(inner);
        let (end, inner) = match inner.strip_prefix(b"/") {
            Some(rest) => (true, rest),
            None => (false, inner),
        };
        let (inner, empty) = match inner.strip_suffix(b"/") {
            Some(rest) => (rest, true),
            None => (inner, false),
        };
        let name_len = inner
            .iter()
            .position(u8::is_ascii_whitespace)
            .unwrap_or(inner.len());
        let (name, attrs) = inner.split_at(name_len);
        let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
        Some(Tag {
            end,
            local,
            empty,
            attrs,
        })
    }

    /// The raw value of the attribute named exactly `key` (no prefix).
    pub(super) fn attr(&self, key: &[u8]) -> Option<&'a [u8]> {
        attributes(self.attrs).find_map(|(k, v)| (k == key).then_some(v))
    }

    /// The raw value of the first attribute whose local name is `key` (`r:id` for `id`).
    pub(super) fn attr_local(&self, key: &[u8]) -> Option<&'a [u8]> {
        attributes(self.attrs)
            .find_map(|(k, v)| (k.rsplit(|&b| b == b':').next() == Some(key)).then_some(v))
    }
}

/// `name="value"` or `name='value'` pairs, in order; stops at anything malformed.
pub(super) fn attributes(mut s: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    std::iter::from_fn(move || {
        let skip = |s: &[u8]| s.iter().take_while(|b| b.is_ascii_whitespace()).count();
        s = &s[skip(s)..];
        let name_len = s
            .iter()
            .position(|&b| b == b'=' || b.is_ascii_whitespace())
            .unwrap_or(s.len());
        let (name, rest) = s.split_at(name_len);
        let rest = &rest[skip(rest)..];
        let rest = rest.strip_prefix(b"=")?;
        let rest = &rest[skip(rest)..];
        let (&quote, rest) = rest.split_first()?;
        if name.is_empty() || (quote != b'"' && quote != b'\'') {
            return None;
        }
        let len = rest.iter().position(|&b| b == quote)?;
        let value = &rest[..len];
        s = &rest[len + 1..];
        Some((name, value))
    })
}

pub(super) fn is_true(v: &[u8]) -> bool {
    matches!(v.trim_ascii(), b"1" | b"true")
}

pub(super) fn number<T: std::str::FromStr>(v: &[u8]) -> Option<T> {
    std::str::from_utf8(v.trim_ascii()).ok()?.parse().ok()
}

/// An attribute value with XML's references (`&amp;`, `&#38;`, `&#x26;` ...) replaced.
pub(super) fn decode(v: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(v).ok()?;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let end = tail.find(';')?;
        let name = &tail[..end];
        let c = match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = match name.strip_prefix("#x") {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => name.strip_prefix('#')?.parse().ok()?,
                };
                char::from_u32(code)?
            }
        };
        out.push(c);
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_read_with_either_quote_and_spaces() {
        let tag = Tag::parse(br#"<x:row r = '12' hidden="1" x14ac:dyDescent="0.25">"#).unwrap();
        assert_eq!(tag.local, b"row");
        assert!(!tag.end && !tag.empty);
        assert_eq!(tag.attr(b"r"), Some(&b"12"[..]));
        assert_eq!(tag.attr(b"hidden"), Some(&b"1"[..]));
        assert_eq!(tag.attr(b"dyDescent"), None);
        assert_eq!(tag.attr_local(b"dyDescent"), Some(&b"0.25"[..]));
        let tag = Tag::parse(br#"<col min="2" max="3" hidden="true"/>"#).unwrap();
        assert!(tag.empty);
        assert_eq!(tag.attr(b"max"), Some(&b"3"[..]));
        assert!(Tag::parse(b"</row>").unwrap().end);
    }

    #[test]
    fn references_are_decoded() {
        assert_eq!(
            decode(b"R&amp;D &#38; &#x41;&lt;&apos;").as_deref(),
            Some("R&D & A<'")
        );
        assert_eq!(decode(b"a &bogus; b"), None);
        assert_eq!(decode(b"a & b"), None);
    }
}
