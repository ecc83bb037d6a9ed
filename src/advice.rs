//! Advice as data. The core says what an analyst can do about a problem without saying how it
//! is done on either face: a setting such as the header row is a [`Setting`], which the command
//! line says as its flag (`cli/words.rs`) and the screens as the key that sets it
//! (`tui/words.rs`). So no core file names a flag or a key, and neither face re-words the
//! other's sentences by matching strings.

use serde::Serialize;
use std::borrow::Cow;

/// Something the analyst sets, named by what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "set", rename_all = "kebab-case")]
pub enum Setting {
    /// Which row of the file holds the column names.
    HeaderRow,
    /// Which sheet of a workbook is read.
    Sheet,
    /// The column that holds a field: `header` when a column is suggested, `field` when the
    /// field is known.
    Map {
        header: Option<String>,
        field: Option<String>,
    },
    /// A column kept back on purpose (`header`, when one is meant).
    Withhold {
        header: Option<String>,
    },
    /// Why a field is needed, where the profile asks.
    Justify {
        field: Option<String>,
    },
    /// A warning read and accepted.
    Acknowledge {
        code: String,
    },
    /// The details found in free text replaced by a marker, for these kinds (all when empty).
    RedactFlagged {
        kinds: Vec<String>,
    },
    Analyst,
    Reason,
    /// The legal basis relied on, one of `ids`.
    Basis {
        ids: Vec<String>,
    },
    AuthorisedBy,
    AuthorisedAt,
    /// A checklist question's answer.
    Answer {
        id: String,
        answer: String,
    },
    /// The organisation and role a recipient key belongs to.
    RecipientLabel {
        public_key: String,
    },
    /// Who a bundle's passphrase was given to.
    PassphraseGivenTo,
    /// Not a setting but where a profile's fields are listed with their ids.
    ShowProfile,
    /// Not a setting but making the sender's signing key.
    SigningKeygen,
    /// A file holding the signing key's passphrase.
    SignPassphraseFile,
    /// Which disclosure register is used.
    Register,
    /// Not a setting but the check of the register's whole chain, which shows what is wrong.
    CheckRegister,
    /// A folder of profiles read beside the embedded ones (said as "the … folder").
    Profiles,
    /// The file of senders' public keys a bundle's signature is checked against.
    Signers,
}

/// One piece of a sentence of advice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(Cow<'static, str>),
    Set(Setting),
}

/// A sentence (or two) of advice: text, with each setting it names kept as a [`Setting`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Advice(Vec<Part>);

impl Advice {
    /// Advice of plain text.
    pub fn text(text: impl Into<Cow<'static, str>>) -> Advice {
        Advice(vec![Part::Text(text.into())])
    }

    /// Advice that starts by naming a setting.
    pub fn set(setting: Setting) -> Advice {
        Advice(vec![Part::Set(setting)])
    }

    /// This advice, then more text.
    pub fn and(mut self, text: impl Into<Cow<'static, str>>) -> Advice {
        self.0.push(Part::Text(text.into()));
        self
    }

    /// This advice, then a setting.
    pub fn then(mut self, setting: Setting) -> Advice {
        self.0.push(Part::Set(setting));
        self
    }

    /// This advice, then all of `other`.
    pub fn append(mut self, other: &Advice) -> Advice {
        self.0.extend(other.0.iter().cloned());
        self
    }

    /// Nothing to say.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn parts(&self) -> &[Part] {
        &self.0
    }

    /// The settings it names, in order.
    pub fn settings(&self) -> impl Iterator<Item = &Setting> {
        self.0.iter().filter_map(|p| match p {
            Part::Set(s) => Some(s),
            Part::Text(_) => None,
        })
    }

    /// The sentence, with each setting said by `say`: each face passes its own words.
    pub fn say(&self, say: impl Fn(&Setting) -> String) -> String {
        self.0
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.to_string(),
                Part::Set(s) => say(s),
            })
            .collect()
    }
}

impl From<&'static str> for Advice {
    fn from(text: &'static str) -> Advice {
        Advice::text(text)
    }
}

impl From<String> for Advice {
    fn from(text: String) -> Advice {
        Advice::text(text)
    }
}

impl Serialize for Advice {
    /// As data (e.g. a blocker in the dry run's JSON) the advice is its settings; each face
    /// that writes JSON puts its own sentence beside them.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.settings())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_says_each_setting_in_the_words_given() {
        let a = Advice::text("Choose the right header row with ")
            .then(Setting::HeaderRow)
            .and(", or pick a sheet: ")
            .then(Setting::Sheet)
            .and(".");
        let said = a.say(|s| match s {
            Setting::HeaderRow => "ROW".into(),
            Setting::Sheet => "SHEET".into(),
            _ => unreachable!(),
        });
        assert_eq!(
            said,
            "Choose the right header row with ROW, or pick a sheet: SHEET."
        );
        assert_eq!(
            a.settings().collect::<Vec<_>>(),
            [&Setting::HeaderRow, &Setting::Sheet]
        );
    }
}
