//! One module per analysis the page offers: each takes the user's request
//! (plain options from JS), runs the core fits and returns the numbers,
//! the formatted tables and the plot data together.

pub mod baseline;
pub mod cohort;
pub mod competing;
pub mod cox;
pub mod cox_time_split;
pub mod cox_time_varying;
pub mod km;
pub mod landmark;
pub mod models;
pub mod rates;
pub mod subgroup;

pub use crate::export::DisplayTable;

/// Most groups a survival comparison (Kaplan–Meier, cumulative incidence)
/// draws and tests: the group test's variance matrix grows with the square
/// of their number, and a column with more is an identifier or free text.
pub const MAX_GROUPS: usize = crate::design::MAX_LEVELS;

/// The one check of a confidence level, worded alike for every analysis:
/// strictly between 0 and 1, quoting what the user gave ("Infinity").
pub(crate) fn check_conf_level(conf_level: f64) -> Result<(), String> {
    if conf_level > 0.0 && conf_level < 1.0 {
        Ok(())
    } else {
        Err(format!(
            "The confidence level must be between 0 and 1 (e.g. 0.95); {} is not.",
            crate::format::given(conf_level)
        ))
    }
}

/// A note when the user chose only the event codes and two or more small
/// numeric codes (0/2 beside event 1) are therefore counted as censored:
/// a code such as 2 is often a competing event.
pub(crate) fn censoring_codes_note(
    column: &str,
    event_values: &[String],
    given: &Option<Vec<String>>,
    censored: &[String],
) -> Option<crate::warning::Warning> {
    let small_code = |v: &String| v.trim().parse::<u8>().is_ok_and(|c| c <= 9);
    (given.is_none() && censored.len() >= 2 && censored.iter().all(small_code)).then(|| {
        crate::warning::Warning::SeveralCensoringCodes {
            column: column.to_string(),
            event_values: event_values
                .iter()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect(),
            censored_values: censored.to_vec(),
        }
    })
}

/// An error naming the column when it has more groups than [`MAX_GROUPS`].
pub(crate) fn check_group_count(
    group: Option<&crate::table::GroupCodes>,
    n: usize,
) -> Result<(), String> {
    match group {
        Some(g) if g.labels.len() > MAX_GROUPS => Err(format!(
            "Column \"{}\" has {} different values among the {n} patients analysed, too many groups to compare (at most {MAX_GROUPS}); it looks like an identifier or free text. Choose another column, or merge its values into a few groups (Derived variables).",
            g.column,
            g.labels.len()
        )),
        _ => Ok(()),
    }
}
