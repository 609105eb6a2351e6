//! Analysis sets: the patients an analysis is about ("primary resistance",
//! "analysed cohort"), as R's `subset =` argument of survfit, coxph and glm
//! (or `subset(data, ...)` before gtsummary's tbl_summary).
//!
//! A [`Filter`] is named and holds conditions on columns, combined with AND;
//! each condition keeps the rows whose value is one of some values, passes
//! numeric thresholds (the side that includes the threshold is in the
//! option's name: `at_least` is ≥, `above` is >), lies in a date range (both
//! ends included) or is present. A row whose value is missing fails every
//! condition but none (R's `subset` drops rows where the condition is NA).
//! [`select`] turns it into a [`Selection`]: the table rows kept, computed
//! once from the table and passed down to the analysis as the candidate rows
//! of its inputs (no copy of the table), with an [`AnalysisSet`] that every
//! report carries and words ("Patients: resistance_group = primary
//! resistance, 229 of 601."). A new analysis (competing risks, say) takes the
//! same optional `filter` option, calls [`select_optional`] and reads its
//! inputs among [`Selection::rows`].

use crate::dates::Date;
use crate::design::outcome::parse_user_number;
use crate::request::did_you_mean;
use crate::summary::{distinct_values, MAX_LISTED_VALUES};
use crate::table::{
    numeric_column, parse_date, Column, ColumnData, ColumnKind, DateOrder, Table, TableError,
};
use crate::warning::Warning;
use serde::{Deserialize, Serialize};

/// The patients an analysis is restricted to: a name people read and the
/// conditions every kept row meets (all of them).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Filter {
    /// What people call the set ("Primary resistance"); empty: the
    /// conditions name it.
    pub name: String,
    pub conditions: Vec<Condition>,
}

/// One condition on one column. The tests given are combined with AND
/// (`at_least` 40 with `below` 60 is the range 40 ≤ x < 60); at least one
/// is needed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Condition {
    pub column: String,
    /// Keep rows whose value is one of these (category levels, texts, or
    /// numbers compared as numbers). Empty: no such test.
    pub values: Vec<String>,
    /// Keep rows with value ≥ this.
    pub at_least: Option<f64>,
    /// Keep rows with value > this.
    pub above: Option<f64>,
    /// Keep rows with value ≤ this.
    pub at_most: Option<f64>,
    /// Keep rows with value < this.
    pub below: Option<f64>,
    /// Keep rows with a date on or after this (year-month-day, 2020-01-31).
    pub from_date: Option<String>,
    /// Keep rows with a date on or before this (year-month-day).
    pub to_date: Option<String>,
    /// Keep rows where the column has a value.
    pub present: bool,
}

/// The set an analysis was restricted to, as every report states it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnalysisSet {
    /// The filter's name ("" when it has none).
    pub name: String,
    /// The conditions in words: "resistance_group = primary resistance and afp ≥ 400".
    pub description: String,
    /// Rows in the set.
    pub n_in: usize,
    /// Rows in the table.
    pub n_total: usize,
    /// "Patients: Primary resistance (resistance_group = primary resistance), 229 of 601."
    pub text: String,
}

impl AnalysisSet {
    /// The set as a figure names it under its title: "Primary resistance"
    /// or, without a name, its conditions.
    pub fn label(&self) -> &str {
        if self.name.is_empty() {
            &self.description
        } else {
            &self.name
        }
    }

    /// The note that rows outside the set were left out (none when every
    /// row is in it).
    pub fn left_out_warning(&self) -> Option<Warning> {
        (self.n_in < self.n_total).then(|| Warning::OutsideAnalysisSet {
            set: self.label().to_string(),
            count: self.n_total - self.n_in,
            n_total: self.n_total,
        })
    }

    /// "patients in “Primary resistance”" for n texts.
    pub fn patients_in(&self) -> String {
        format!("patients in “{}”", self.label())
    }
}

/// The rows of a filter: ascending table row indices, and whether each
/// table row is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    rows: Vec<usize>,
    kept: Vec<bool>,
    pub set: AnalysisSet,
}

impl Selection {
    /// The table rows in the set, ascending.
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }

    /// Whether table row `row` is in the set.
    pub fn contains(&self, row: usize) -> bool {
        self.kept.get(row).copied().unwrap_or(false)
    }
}

/// The rows of an optional selection, for the `_among` readers.
pub fn rows_of(selection: &Option<Selection>) -> Option<&[usize]> {
    selection.as_ref().map(Selection::rows)
}

/// The set of an optional selection, for the reports.
pub fn set_of(selection: &Option<Selection>) -> Option<AnalysisSet> {
    selection.as_ref().map(|s| s.set.clone())
}

/// [`select`] when a filter was given.
pub fn select_optional(
    table: &Table,
    filter: Option<&Filter>,
) -> Result<Option<Selection>, String> {
    filter.map(|f| select(table, f)).transpose()
}

/// One condition, checked against its column: which test applies to each row.
enum Test {
    Values {
        column_values: Vec<Option<usize>>,
        wanted: Vec<bool>,
    },
    Numbers {
        values: Vec<Option<f64>>,
        low: Option<(f64, bool)>,
        high: Option<(f64, bool)>,
    },
    Dates {
        values: Vec<Option<Date>>,
        from: Option<Date>,
        to: Option<Date>,
    },
}

struct Checked<'a> {
    column: &'a Column,
    tests: Vec<Test>,
}

impl Checked<'_> {
    fn keeps(&self, row: usize) -> bool {
        if self.column.data.is_missing(row) {
            return false;
        }
        self.tests.iter().all(|t| match t {
            Test::Values {
                column_values,
                wanted,
            } => column_values
                .get(row)
                .copied()
                .flatten()
                .is_some_and(|k| wanted.get(k).copied().unwrap_or(false)),
            Test::Numbers { values, low, high } => {
                values.get(row).copied().flatten().is_some_and(|x| {
                    low.is_none_or(|(l, included)| if included { x >= l } else { x > l })
                        && high.is_none_or(|(h, included)| if included { x <= h } else { x < h })
                })
            }
            Test::Dates { values, from, to } => values
                .get(row)
                .copied()
                .flatten()
                .is_some_and(|d| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t)),
        })
    }
}

/// The rows of `table` that meet every condition of `filter`. Errors name
/// the condition's column and what is wrong with it; a filter no row meets
/// is an error ("No patients match: ..."), not an empty analysis.
pub fn select(table: &Table, filter: &Filter) -> Result<Selection, String> {
    let checked: Vec<Checked> = filter
        .conditions
        .iter()
        .map(|c| check(table, c))
        .collect::<Result<_, _>>()?;
    let description = if filter.conditions.is_empty() {
        "all rows".to_string()
    } else {
        filter
            .conditions
            .iter()
            .map(|c| describe(table, c))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    let n_total = table.n_rows();
    let kept: Vec<bool> = (0..n_total)
        .map(|row| checked.iter().all(|c| c.keeps(row)))
        .collect();
    let rows: Vec<usize> = (0..n_total).filter(|&r| kept[r]).collect();
    let name = filter.name.trim().to_string();
    if rows.is_empty() {
        let named = if name.is_empty() {
            String::new()
        } else {
            format!(" (analysis set “{name}”)")
        };
        return Err(format!(
            "No patients match: {description}{named}. None of the {} meets {}; check the values and thresholds of the analysis set.",
            crate::format::counted(n_total, "row"),
            if filter.conditions.len() == 1 { "it" } else { "all the conditions" }
        ));
    }
    let n_in = rows.len();
    let text = if name.is_empty() || name == description {
        format!("Patients: {description}, {n_in} of {n_total}.")
    } else {
        format!("Patients: {name} ({description}), {n_in} of {n_total}.")
    };
    Ok(Selection {
        rows,
        kept,
        set: AnalysisSet {
            name,
            description,
            n_in,
            n_total,
            text,
        },
    })
}

fn finite(value: Option<f64>, option: &str, column: &str) -> Result<Option<f64>, String> {
    match value {
        Some(x) if !x.is_finite() => Err(format!(
            "Analysis set, column \"{column}\": \"{option}\" must be a finite number, not {x}."
        )),
        other => Ok(other),
    }
}

/// The column's values as numbers for `purpose` ("a threshold"), with an
/// error that says what the column holds when they are not numbers.
pub(crate) fn numbers(
    table: &Table,
    column: &Column,
    purpose: &str,
) -> Result<Vec<Option<f64>>, String> {
    if matches!(column.kind, ColumnKind::Date(_) | ColumnKind::AmbiguousDate) {
        return Err(format!(
            "Column \"{}\" holds dates; {purpose} needs a column of numbers.",
            column.name
        ));
    }
    match numeric_column(table, &column.name) {
        Ok(n) => Ok(n.values),
        Err(TableError::NotANumber {
            column: name,
            line,
            value,
        }) => {
            if crate::design::looks_numeric(table, column) || mostly_number_levels(table, column) {
                Err(format!(
                    "Column \"{name}\", line {line}: \"{value}\" is not a number, so {purpose} cannot use the column. Correct the value, or declare the column as numbers to read such cells as missing."
                ))
            } else {
                Err(format!(
                    "Column \"{name}\" holds {} (e.g. \"{value}\" on line {line}), not numbers; {purpose} needs a column of numbers.",
                    column.kind.describe()
                ))
            }
        }
        Err(e) => Err(e.to_string()),
    }
}

/// A category column whose levels are mostly numbers (a number column
/// with a stray word that became categories).
fn mostly_number_levels(table: &Table, column: &Column) -> bool {
    let ColumnData::Category { levels, .. } = &column.data else {
        return false;
    };
    let numbers = levels
        .iter()
        .filter(|l| {
            let t = l.trim();
            let t = if table.decimal_comma {
                t.replace(',', ".")
            } else {
                t.to_string()
            };
            t.parse::<f64>().is_ok_and(f64::is_finite)
        })
        .count();
    2 * numbers > levels.len()
}

/// The column of a condition or a derivation, with the columns' names when
/// it is not there.
pub(crate) fn require<'a>(table: &'a Table, name: &str, role: &str) -> Result<&'a Column, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("{role}: choose a column."));
    }
    table.column(name).ok_or_else(|| {
        let names = table.column_names();
        match did_you_mean(name, &names) {
            Some(best) => {
                format!("{role}: there is no column named \"{name}\"; did you mean \"{best}\"?")
            }
            None => format!("{role}: there is no column named \"{name}\"."),
        }
    })
}

fn check<'a>(table: &'a Table, condition: &Condition) -> Result<Checked<'a>, String> {
    let column = require(table, &condition.column, "Analysis set")?;
    let name = &column.name;
    let mut tests = Vec::new();
    let values: Vec<&str> = condition
        .values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    if !values.is_empty() {
        tests.push(values_test(table, column, &values)?);
    }
    let at_least = finite(condition.at_least, "at_least", name)?;
    let above = finite(condition.above, "above", name)?;
    let at_most = finite(condition.at_most, "at_most", name)?;
    let below = finite(condition.below, "below", name)?;
    if at_least.is_some() && above.is_some() {
        return Err(format!(
            "Analysis set, column \"{name}\": give \"at_least\" (≥) or \"above\" (>), not both."
        ));
    }
    if at_most.is_some() && below.is_some() {
        return Err(format!(
            "Analysis set, column \"{name}\": give \"at_most\" (≤) or \"below\" (<), not both."
        ));
    }
    let low = at_least.map(|x| (x, true)).or(above.map(|x| (x, false)));
    let high = at_most.map(|x| (x, true)).or(below.map(|x| (x, false)));
    if low.is_some() || high.is_some() {
        if let (Some((l, li)), Some((h, hi))) = (low, high) {
            if l > h || (l == h && !(li && hi)) {
                return Err(format!(
                    "Analysis set, column \"{name}\": no number is {} and {}; check the range.",
                    bound_text(name, low, true),
                    bound_text(name, high, false)
                ));
            }
        }
        let values = numbers(table, column, "a threshold")?;
        tests.push(Test::Numbers { values, low, high });
    }
    let from = condition
        .from_date
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let to = condition
        .to_date
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if from.is_some() || to.is_some() {
        let values = match (&column.data, column.kind) {
            (ColumnData::Date(v), _) => v.clone(),
            (_, ColumnKind::AmbiguousDate) => {
                return Err(format!(
                    "Column \"{name}\" holds dates whose day/month order the values do not show; choose it in the Data card before using a date range."
                ))
            }
            _ => {
                return Err(format!(
                    "Column \"{name}\" holds {}, not dates; a date range needs a date column.",
                    column.kind.describe()
                ))
            }
        };
        let parse = |text: &str, option: &str| {
            parse_date(text, DateOrder::YearMonthDay).ok_or_else(|| {
                format!("Analysis set, column \"{name}\": \"{option}\" must be a date written year-month-day (2020-01-31), not \"{text}\".")
            })
        };
        let from = from.map(|f| parse(f, "from_date")).transpose()?;
        let to = to.map(|t| parse(t, "to_date")).transpose()?;
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(format!("Analysis set, column \"{name}\": the date range ends ({t}) before it starts ({f})."));
            }
        }
        tests.push(Test::Dates { values, from, to });
    }
    if tests.is_empty() && !condition.present {
        return Err(format!(
            "Analysis set, column \"{name}\": say which rows to keep (values, at_least, above, at_most, below, from_date, to_date or present)."
        ));
    }
    Ok(Checked { column, tests })
}

/// Keeps rows whose value is one of `wanted`: category levels and texts as
/// written (after trimming), numbers as numbers. A value the column does
/// not have is an error (a typo would otherwise select nobody, or the
/// wrong patients, silently).
fn values_test(table: &Table, column: &Column, wanted: &[&str]) -> Result<Test, String> {
    let name = &column.name;
    // Worded only when a value is not there: the column's values are listed
    // (and a typo's correction suggested) when there are few of them.
    let unknown = |value: &str| {
        let listed = distinct_values(column, MAX_LISTED_VALUES).unwrap_or_default();
        let listed: Vec<&str> = listed.iter().map(String::as_str).collect();
        let hint = did_you_mean(value, &listed)
            .map(|b| format!(" Did you mean \"{b}\"?"))
            .unwrap_or_default();
        let values = if listed.is_empty() {
            String::new()
        } else {
            format!(
                " Its values: {}.",
                listed
                    .iter()
                    .map(|v| format!("\"{v}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        format!("Analysis set: column \"{name}\" has no value \"{value}\".{hint}{values}")
    };
    match &column.data {
        ColumnData::Number(values) => {
            let mut numbers = Vec::new();
            for w in wanted {
                let x = parse_user_number(w, table.decimal_comma).ok_or_else(|| {
                    format!("Analysis set: column \"{name}\" holds numbers, and \"{w}\" is not one.")
                })?;
                if !values.iter().any(|v| *v == Some(x)) {
                    return Err(unknown(w));
                }
                numbers.push(x);
            }
            // One "level" per row: whether the number is wanted.
            let column_values = values.iter().map(|v| v.map(|x| usize::from(numbers.contains(&x)))).collect();
            Ok(Test::Values { column_values, wanted: vec![false, true] })
        }
        ColumnData::Category { codes, levels } => {
            let mut keep = vec![false; levels.len()];
            for w in wanted {
                let k = levels.iter().position(|l| l == w).ok_or_else(|| unknown(w))?;
                keep[k] = true;
            }
            Ok(Test::Values { column_values: codes.iter().map(|c| c.map(|c| c as usize)).collect(), wanted: keep })
        }
        ColumnData::Text(values) => {
            for w in wanted {
                if !values.iter().flatten().any(|v| v.trim() == *w) {
                    return Err(unknown(w));
                }
            }
            let column_values =
                values.iter().map(|v| v.as_deref().map(|s| usize::from(wanted.contains(&s.trim())))).collect();
            Ok(Test::Values { column_values, wanted: vec![false, true] })
        }
        ColumnData::Date(_) => Err(format!(
            "Analysis set: column \"{name}\" holds dates; keep a range of them with from_date and to_date instead of values."
        )),
    }
}

fn number_text(x: f64) -> String {
    if x == 0.0 {
        "0".to_string()
    } else {
        format!("{x}")
    }
}

/// "x ≥ 40" / "x < 60" for one bound; `low` says which side it is.
fn bound_text(column: &str, bound: Option<(f64, bool)>, low: bool) -> String {
    match bound {
        None => String::new(),
        Some((x, included)) => {
            let sign = match (low, included) {
                (true, true) => "≥",
                (true, false) => ">",
                (false, true) => "≤",
                (false, false) => "<",
            };
            format!("{column} {sign} {}", number_text(x))
        }
    }
}

/// A condition in words, as it reads in a methods section.
fn describe(table: &Table, c: &Condition) -> String {
    let column = table
        .column(c.column.trim())
        .map_or(c.column.trim(), |col| col.name.as_str());
    let mut parts = Vec::new();
    let values: Vec<&str> = c
        .values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    if !values.is_empty() {
        parts.push(format!("{column} = {}", values.join(" or ")));
    }
    let low = c
        .at_least
        .map(|x| (x, true))
        .or(c.above.map(|x| (x, false)));
    let high = c.at_most.map(|x| (x, true)).or(c.below.map(|x| (x, false)));
    match (low, high) {
        (Some((l, li)), Some((h, hi))) => parts.push(format!(
            "{} {} {column} {} {}",
            number_text(l),
            if li { "≤" } else { "<" },
            if hi { "≤" } else { "<" },
            number_text(h)
        )),
        (Some(_), None) => parts.push(bound_text(column, low, true)),
        (None, Some(_)) => parts.push(bound_text(column, high, false)),
        (None, None) => {}
    }
    let from = c
        .from_date
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let to = c
        .to_date
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    match (from, to) {
        (Some(f), Some(t)) => parts.push(format!("{column} from {f} to {t}")),
        (Some(f), None) => parts.push(format!("{column} on or after {f}")),
        (None, Some(t)) => parts.push(format!("{column} on or before {t}")),
        (None, None) => {}
    }
    if parts.is_empty() && c.present {
        parts.push(format!("{column} not missing"));
    }
    parts.join(" and ")
}
