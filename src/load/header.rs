//! The checks both loaders make of a header's names: at least one name, none blank before the
//! last, none used twice ignoring case (a profile matches headers ignoring case, so two such
//! names could not be told apart). Each loader words the problem itself: a CSV file's columns
//! are counted from 1 and an XLSX sheet's named by letter, as the analyst sees each file.

use std::collections::HashMap;

/// What is wrong with a header's names. Columns are 0-based.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    /// Every name is blank.
    NoNames,
    /// These columns have a blank name, left to right (none of them the last).
    Blank(Vec<usize>),
    /// The name in column `again` is the one in column `first`, ignoring case.
    Twice { first: usize, again: usize },
}

/// Checks names already trimmed, with the blank names at the end dropped.
pub(crate) fn check(names: &[String]) -> Result<(), Problem> {
    if names.is_empty() {
        return Err(Problem::NoNames);
    }
    let blanks: Vec<usize> = (0..names.len()).filter(|&i| names[i].is_empty()).collect();
    if !blanks.is_empty() {
        return Err(Problem::Blank(blanks));
    }
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(names.len());
    for (again, name) in names.iter().enumerate() {
        if let Some(first) = seen.insert(name.to_lowercase(), again) {
            return Err(Problem::Twice { first, again });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn every_blank_is_listed_and_the_first_repeat_is_named() {
        assert_eq!(check(&[]), Err(Problem::NoNames));
        assert_eq!(
            check(&names(&["a", "", "b", ""])),
            Err(Problem::Blank(vec![1, 3]))
        );
        assert_eq!(
            check(&names(&["Name", "b", "NAME", "B"])),
            Err(Problem::Twice { first: 0, again: 2 })
        );
        assert_eq!(check(&names(&["a", "b"])), Ok(()));
    }
}
