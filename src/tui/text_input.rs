//! A one-line text input: the value, a cursor, and whether it is masked (passphrases). The text
//! is wiped from memory when the input is dropped or cleared, because it may be a passphrase.

use zeroize::Zeroize;

/// An edit to the focused text input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    Insert(char),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    /// Ctrl-U: clear the line.
    Clear,
}

#[derive(Default)]
pub struct TextInput {
    value: String,
    /// Cursor position in characters.
    cursor: usize,
    pub masked: bool,
}

impl std::fmt::Debug for TextInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.masked {
            f.write_str("TextInput([REDACTED])")
        } else {
            write!(f, "TextInput({:?})", self.value)
        }
    }
}

impl Drop for TextInput {
    fn drop(&mut self) {
        self.value.zeroize();
    }
}

impl TextInput {
    pub fn new(value: &str) -> TextInput {
        TextInput {
            value: value.to_string(),
            cursor: value.chars().count(),
            masked: false,
        }
    }

    pub fn masked() -> TextInput {
        let mut t = TextInput::default();
        t.masked = true;
        t
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn set(&mut self, value: &str) {
        self.value.zeroize();
        self.value = value.to_string();
        self.cursor = self.value.chars().count();
    }

    pub fn clear(&mut self) {
        self.set("");
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn byte_at(&self, char_idx: usize) -> usize {
        self.value
            .char_indices()
            .nth(char_idx)
            .map(|(b, _)| b)
            .unwrap_or(self.value.len())
    }

    pub fn edit(&mut self, e: &Edit) {
        let len = self.value.chars().count();
        match e {
            Edit::Insert(c) => {
                let at = self.byte_at(self.cursor);
                self.value.insert(at, *c);
                self.cursor += 1;
            }
            Edit::Backspace if self.cursor > 0 => {
                let at = self.byte_at(self.cursor - 1);
                self.value.remove(at);
                self.cursor -= 1;
            }
            Edit::Delete if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.value.remove(at);
            }
            Edit::Left => self.cursor = self.cursor.saturating_sub(1),
            Edit::Right => self.cursor = (self.cursor + 1).min(len),
            Edit::Home => self.cursor = 0,
            Edit::End => self.cursor = len,
            Edit::Clear => self.clear(),
            _ => {}
        }
    }

    /// Pasted text: line breaks become spaces (a key pasted with its newline stays one line).
    pub fn paste(&mut self, text: &str) {
        for c in text.trim_end_matches(['\r', '\n']).chars() {
            let c = if c == '\r' || c == '\n' { ' ' } else { c };
            if !c.is_control() {
                self.edit(&Edit::Insert(c));
            }
        }
    }

    /// What to draw: the value (or one `*` per character when masked) and the cursor column,
    /// scrolled so the cursor stays inside `width` columns.
    pub fn display(&self, width: usize) -> (String, usize) {
        let shown: Vec<char> = if self.masked {
            vec!['*'; self.value.chars().count()]
        } else {
            crate::text::printable(&self.value).chars().collect()
        };
        // Escaped characters make the display longer than the value: keep the cursor at the end
        // in that (rare) case rather than misplace it.
        let cursor = if shown.len() == self.value.chars().count() {
            self.cursor
        } else {
            shown.len()
        };
        let width = width.max(1);
        let start = (cursor + 1).saturating_sub(width);
        let text: String = shown.iter().skip(start).take(width).collect();
        (text, cursor - start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_work_on_characters_not_bytes() {
        let mut t = TextInput::new("£ab");
        t.edit(&Edit::Home);
        t.edit(&Edit::Right);
        t.edit(&Edit::Insert('x'));
        assert_eq!(t.value(), "£xab");
        t.edit(&Edit::Backspace);
        t.edit(&Edit::Backspace);
        assert_eq!(t.value(), "ab");
        t.edit(&Edit::Delete);
        assert_eq!(t.value(), "b");
    }

    #[test]
    fn masked_input_never_shows_its_text() {
        let mut t = TextInput::masked();
        t.paste("secret words\n");
        assert_eq!(t.display(40).0, "************");
        assert!(!format!("{t:?}").contains("secret"));
    }

    #[test]
    fn long_values_scroll_to_keep_the_cursor_visible() {
        let t = TextInput::new("abcdefghij");
        assert_eq!(t.display(5), ("ghij".to_string(), 4));
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        let t = TextInput::new("a\u{1b}b");
        assert_eq!(t.display(40).0, "a\\u{001b}b");
    }
}
