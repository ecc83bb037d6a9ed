//! The verification report: named checks a partner can read, every problem found (not just the
//! first), and what the bag says about itself.

use std::path::PathBuf;

/// One named check and its outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// Short name, e.g. "Decryption".
    pub name: String,
    /// Whether it passed.
    pub passed: bool,
    /// A sentence saying what was found.
    pub detail: String,
}

/// A payload file as found in the bag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayloadFile {
    /// Path in the bag, e.g. `data/cris.csv`.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Lower-case hex SHA-256, when it was computed.
    pub sha256: Option<String>,
}

/// Everything a verification found. [`Report::ok`] is the verdict.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// The checks, in the order they ran.
    pub checks: Vec<Check>,
    /// Every problem, one sentence each. Any problem means the bundle must not be used.
    pub problems: Vec<String>,
    /// Things worth knowing that do not make the bundle unsafe (e.g. no `.sha256` to compare).
    pub warnings: Vec<String>,
    /// The `bag-info.txt` pairs, in file order (Source-Organization, Bagging-Date, …).
    pub bag_info: Vec<(String, String)>,
    /// The payload files.
    pub payload: Vec<PayloadFile>,
    /// The parsed `disclosure-record.json`, if present, for the caller to summarise.
    pub record: Option<serde_json::Value>,
    /// Where the files were extracted, when they were.
    pub extracted_to: Option<PathBuf>,
}

impl Report {
    /// True when every check passed and no problem was found.
    pub fn ok(&self) -> bool {
        self.problems.is_empty() && self.checks.iter().all(|c| c.passed)
    }

    pub(crate) fn problem(&mut self, sentence: impl Into<String>) {
        self.problems.push(sentence.into());
    }

    pub(crate) fn warn(&mut self, sentence: impl Into<String>) {
        self.warnings.push(sentence.into());
    }

    /// A mark to pass to [`Report::close_check`].
    pub(crate) fn mark(&self) -> usize {
        self.problems.len()
    }

    /// Records check `name`: passed with `ok_detail` if no problem was added since `mark`,
    /// otherwise failed, with the new problems as its detail.
    pub(crate) fn close_check(&mut self, name: &str, mark: usize, ok_detail: impl Into<String>) {
        let new = &self.problems[mark.min(self.problems.len())..];
        let (passed, detail) = match new.len() {
            0 => (true, ok_detail.into()),
            1 => (false, new[0].clone()),
            n => (
                false,
                format!("{} (and {} more problems below)", new[0], n - 1),
            ),
        };
        self.checks.push(Check {
            name: name.to_string(),
            passed,
            detail,
        });
    }

    /// Records a check that failed without adding a problem (the problems are elsewhere).
    pub(crate) fn failed_check(&mut self, name: &str, detail: impl Into<String>) {
        self.checks.push(Check {
            name: name.to_string(),
            passed: false,
            detail: detail.into(),
        });
    }
}

/// "1 file", "2 files".
pub(crate) fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_fails_when_problems_were_added_since_its_mark() {
        let mut r = Report::default();
        let m = r.mark();
        r.close_check("A", m, "fine");
        let m = r.mark();
        r.problem("one");
        r.problem("two");
        r.close_check("B", m, "fine");
        assert!(r.checks[0].passed);
        assert!(!r.checks[1].passed);
        assert_eq!(r.checks[1].detail, "one (and 1 more problems below)");
        assert!(!r.ok());
    }
}
