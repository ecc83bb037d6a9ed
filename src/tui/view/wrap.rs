//! Word wrapping done by the view itself, so a pane that scrolls knows exactly how many lines
//! its text takes (and so where its end is) at the window's width.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// `line` wrapped at `width` columns, each line after the first indented by `indent` spaces
/// (so text beside a label stays beside it): breaks at spaces, words longer than a line broken
/// where they reach the edge; spaces at a break are dropped. An empty line stays one line.
pub(super) fn wrap(line: Line<'_>, width: u16, indent: u16) -> Vec<Line<'static>> {
    let width = usize::from(width.max(1));
    let pad = " ".repeat(usize::from(indent).min(width / 2));
    let mut out = Vec::new();
    let mut cur: Vec<(String, Style)> = Vec::new();
    let mut used = 0;
    let mut broke = false;
    let flush = |cur: &mut Vec<(String, Style)>, out: &mut Vec<Line<'static>>| {
        if let Some((last, _)) = cur.last_mut() {
            last.truncate(last.trim_end().len());
        }
        let spans: Vec<Span<'static>> = cur.drain(..).map(|(s, st)| Span::styled(s, st)).collect();
        out.push(Line::from(spans));
    };
    // Start a wrapped line: the last one out, this one indented; returns the columns used.
    let newline = |cur: &mut Vec<(String, Style)>, out: &mut Vec<Line<'static>>| {
        flush(cur, out);
        cur.push((pad.clone(), Style::default()));
        pad.len()
    };
    for span in line.spans {
        let style = span.style;
        for (token, space) in tokens(&span.content) {
            let w = columns(token);
            if space && used == pad.len() && broke {
                continue; // no space at the start of a wrapped line
            }
            if used + w <= width {
                push(&mut cur, token, style);
                used += w;
            } else if space {
                (used, broke) = (newline(&mut cur, &mut out), true);
            } else if w + pad.len() <= width {
                used = newline(&mut cur, &mut out) + w;
                broke = true;
                push(&mut cur, token, style);
            } else {
                // A word longer than a line: it starts a line of its own, broken at the edge.
                if used > pad.len() || !broke && used > 0 {
                    (used, broke) = (newline(&mut cur, &mut out), true);
                }
                for c in token.chars() {
                    let mut buf = [0; 4];
                    let c = &*c.encode_utf8(&mut buf);
                    let cw = columns(c);
                    if used + cw > width && used > pad.len() {
                        (used, broke) = (newline(&mut cur, &mut out), true);
                    }
                    push(&mut cur, c, style);
                    used += cw;
                }
            }
        }
    }
    // (A line that ends at a break leaves only the indent behind: not a line of its own.)
    if cur.iter().any(|(s, _)| !s.trim().is_empty()) || out.is_empty() {
        flush(&mut cur, &mut out);
    }
    out
}

/// Words and single whitespace characters, in order, each with whether it is a space.
fn tokens(s: &str) -> Vec<(&str, bool)> {
    let mut v = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if start < i {
                v.push((&s[start..i], false));
            }
            v.push((&s[i..i + c.len_utf8()], true));
            start = i + c.len_utf8();
        }
    }
    if start < s.len() {
        v.push((&s[start..], false));
    }
    v
}

fn push(cur: &mut Vec<(String, Style)>, s: &str, style: Style) {
    match cur.last_mut() {
        Some((text, st)) if *st == style => text.push_str(s),
        _ => cur.push((s.to_string(), style)),
    }
}

fn columns(s: &str) -> usize {
    Span::raw(s).width()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn breaks_at_spaces_and_drops_them() {
        let lines = wrap(Line::from("the quick brown fox"), 10, 0);
        assert_eq!(text(&lines), ["the quick", "brown fox"]);
    }

    #[test]
    fn a_long_word_is_broken_at_the_edge() {
        let lines = wrap(Line::from("ab abcdefghij"), 4, 0);
        assert_eq!(text(&lines), ["ab", "abcd", "efgh", "ij"]);
    }

    #[test]
    fn an_empty_line_stays_a_line() {
        assert_eq!(text(&wrap(Line::default(), 10, 2)), [""]);
    }

    #[test]
    fn wrapped_lines_are_indented_under_the_text_not_the_label() {
        let lines = wrap(Line::from("Label one two three"), 12, 6);
        assert_eq!(text(&lines), ["Label one", "      two", "      three"]);
    }
}
