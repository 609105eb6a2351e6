//! Variable labels: the names people give their columns ("Age, years" for
//! `age`), set once and printed by every table and figure in place of the
//! column name (gtsummary's `label =`, Stata's `label variable`). Requests
//! that print column names carry the map as `labels`; the page fills it
//! from the labels the user set, so one label serves every analysis.

use std::collections::BTreeMap;

/// Column name -> label.
pub type Labels = BTreeMap<String, String>;

/// The label of `column`, or the column's own name when none (or a blank
/// one) is set.
pub fn label_of<'a>(labels: &'a Labels, column: &'a str) -> &'a str {
    match labels.get(column).map(|l| l.trim()) {
        Some(label) if !label.is_empty() => label,
        _ => column,
    }
}

/// The label of `column` when one is set.
pub fn given<'a>(labels: &'a Labels, column: &str) -> Option<&'a str> {
    labels
        .get(column)
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
}

/// A regression table's rows that name a variable (`kinds`: a number, or the
/// heading of a factor's levels) show its label in their first cell; level
/// rows and reference rows keep the level.
pub fn label_term_rows(rows: &mut [Vec<String>], kinds: &[&str], labels: &Labels) {
    for (row, kind) in rows.iter_mut().zip(kinds) {
        if !matches!(*kind, "numeric" | "factor") {
            continue;
        }
        if let Some(first) = row.first_mut() {
            if let Some(label) = given(labels, first) {
                *first = label.to_string();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_label_falls_back_to_the_column() {
        let labels: Labels = [
            ("age".to_string(), "Age, years".to_string()),
            ("sex".to_string(), "  ".to_string()),
        ]
        .into();
        assert_eq!(label_of(&labels, "age"), "Age, years");
        assert_eq!(label_of(&labels, "sex"), "sex");
        assert_eq!(label_of(&labels, "ecog"), "ecog");
        assert_eq!(given(&labels, "sex"), None);
    }

    #[test]
    fn only_the_rows_naming_a_variable_take_its_label() {
        let labels: Labels = [
            ("age".to_string(), "Age, years".to_string()),
            ("bclc".to_string(), "BCLC stage".to_string()),
        ]
        .into();
        let mut rows: Vec<Vec<String>> = [
            ["age", "1.02"],
            ["bclc", ""],
            ["A (n = 3)", "reference"],
            ["bclc", "2.0"],
        ]
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
        label_term_rows(
            &mut rows,
            &["numeric", "factor", "reference", "level"],
            &labels,
        );
        let firsts: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(firsts, ["Age, years", "BCLC stage", "A (n = 3)", "bclc"]);
    }
}
