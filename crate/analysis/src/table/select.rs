//! The validated step between a [`Table`] and a fit: survival inputs
//! (time, event, group) and plain numeric/categorical columns, with rows
//! dropped for missing values counted per reason and bad values reported
//! with column, line and value.
//!
//! Event values: in a numeric column they compare as numbers ("1" matches
//! 1.0); in a category or text column as text, case-sensitively, after
//! trimming spaces. Every present value must be an event or a censoring
//! value. A row is dropped for its first missing input, in the order time,
//! event, group; invalid values are errors even on rows dropped otherwise.

use super::infer::{sort_levels, CellMap};
use super::number::{loose_reading, number_label, parse_number, Loose};
use super::{Column, ColumnData, Table, TableError};
use crate::warning::{LeftOutReason, Warning};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use survcalc_stats::rows::{survival_rows, LeftOut, RowProblem, StatusColumn, SurvivalRows};

/// Lines listed per drop reason.
const LISTED_LINES: usize = 10;

/// The user's choice of survival columns.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SurvivalColumns {
    /// Follow-up time (numbers >= 0).
    pub time: String,
    /// Event indicator column.
    pub event: String,
    /// Values of `event` meaning the event happened (e.g. "1", "dead").
    pub event_values: Vec<String>,
    /// Values of `event` meaning censored (e.g. "0", "alive").
    pub censor_values: Vec<String>,
    /// Optional grouping column (category, number or text).
    pub group: Option<String>,
}

/// Group membership of the used rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupCodes {
    pub column: String,
    /// `codes[i]` indexes `labels` for used row i.
    pub codes: Vec<usize>,
    /// Only the levels present among the used rows, in level order.
    pub labels: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    MissingTime,
    MissingEvent,
    MissingGroup,
}

/// Rows left out for one reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DroppedRows {
    pub reason: DropReason,
    pub column: String,
    pub count: usize,
    /// The first few file lines concerned.
    pub lines: Vec<u64>,
}

/// Validated input of Kaplan–Meier, log-rank and Cox fits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurvivalInput {
    pub time: Vec<f64>,
    /// True = event, false = censored.
    pub event: Vec<bool>,
    pub group: Option<GroupCodes>,
    /// Table row index of each used row (`table.line_of(rows[i])` is its line).
    pub rows: Vec<usize>,
    /// Rows read: the table's, or the candidate rows given (an analysis
    /// set's).
    pub n_read: usize,
    pub n_events: usize,
    pub dropped: Vec<DroppedRows>,
    pub warnings: Vec<Warning>,
}

/// A column as numbers, missing kept explicit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NumericColumn {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// A column as categories: `codes[row]` indexes `levels`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoricalColumn {
    pub name: String,
    pub codes: Vec<Option<u32>>,
    pub levels: Vec<String>,
}

fn wrong_type(column: &Column, role: &str, expected: &str) -> TableError {
    TableError::WrongColumnType {
        column: column.name.clone(),
        role: role.to_string(),
        found: column.kind.describe().to_string(),
        expected: expected.to_string(),
    }
}

fn parse_cell(text: &str, decimal_comma: bool) -> Option<f64> {
    parse_number(text.trim().as_bytes(), decimal_comma)
}

/// The values of `column` as numbers: number columns as they are, text
/// and category columns parsed (the first non-number is an error).
fn numbers_of<'a>(
    table: &Table,
    column: &'a Column,
    role: &str,
) -> Result<Cow<'a, [Option<f64>]>, TableError> {
    // "1e309" is written as a number but is none: say so, as written.
    let not_a_number = |row: usize, value: &str| {
        let (column, line, value) = (
            column.name.clone(),
            table.line_of(row).unwrap_or(0),
            value.to_string(),
        );
        match loose_reading(value.trim().as_bytes(), table.decimal_comma) {
            Loose::TooLarge => TableError::NotFinite {
                column,
                line,
                value,
            },
            _ => TableError::NotANumber {
                column,
                line,
                value,
            },
        }
    };
    match &column.data {
        ColumnData::Number(v) => Ok(Cow::Borrowed(v)),
        ColumnData::Category { codes, levels } => {
            let parsed: Vec<Option<f64>> = levels
                .iter()
                .map(|l| parse_cell(l, table.decimal_comma))
                .collect();
            let mut out = Vec::with_capacity(codes.len());
            for (row, code) in codes.iter().enumerate() {
                out.push(match code {
                    None => None,
                    Some(c) => match parsed.get(*c as usize).copied().flatten() {
                        Some(x) => Some(x),
                        None => {
                            let label = levels.get(*c as usize).map_or("", String::as_str);
                            return Err(not_a_number(row, label));
                        }
                    },
                });
            }
            Ok(Cow::Owned(out))
        }
        ColumnData::Text(v) => {
            let mut out = Vec::with_capacity(v.len());
            for (row, cell) in v.iter().enumerate() {
                out.push(match cell {
                    None => None,
                    Some(s) => Some(
                        parse_cell(s, table.decimal_comma).ok_or_else(|| not_a_number(row, s))?,
                    ),
                });
            }
            Ok(Cow::Owned(out))
        }
        ColumnData::Date(_) => Err(wrong_type(column, role, "numbers")),
    }
}

/// A column's values as numbers, borrowed when it is a number column (a
/// model term reads them once; a copy of a million rows costs more than
/// the reading).
pub fn numeric_values<'a>(
    table: &'a Table,
    name: &str,
) -> Result<Cow<'a, [Option<f64>]>, TableError> {
    let column = table.require(name)?;
    numbers_of(table, column, "numeric variable")
}

/// A column as numbers (for regression terms and continuous summaries).
pub fn numeric_column(table: &Table, name: &str) -> Result<NumericColumn, TableError> {
    let column = table.require(name)?;
    let values = numbers_of(table, column, "numeric variable")?.into_owned();
    Ok(NumericColumn {
        name: column.name.clone(),
        values,
    })
}

/// A column as categories: category columns as they are; numbers become
/// one level per distinct value (sorted by value); text one level per
/// distinct text (sorted as category levels are).
pub fn categorical_column(table: &Table, name: &str) -> Result<CategoricalColumn, TableError> {
    let column = table.require(name)?;
    let (codes, levels) = match &column.data {
        ColumnData::Category { codes, levels } => (codes.clone(), levels.clone()),
        ColumnData::Number(values) => {
            // +0.0 folds -0.0 into 0 so both are one level.
            let mut distinct: Vec<f64> = values.iter().flatten().map(|x| x + 0.0).collect();
            survcalc_stats::sort::floats(&mut distinct);
            distinct.dedup();
            let codes = values
                .iter()
                .map(|v| {
                    v.and_then(|x| distinct.binary_search_by(|d| d.total_cmp(&(x + 0.0))).ok())
                        .and_then(|i| u32::try_from(i).ok())
                })
                .collect();
            (codes, distinct.into_iter().map(number_label).collect())
        }
        ColumnData::Text(values) => {
            let mut index: CellMap<&str, u32> = CellMap::default();
            let mut labels: Vec<String> = Vec::new();
            let mut codes = Vec::with_capacity(values.len());
            for v in values {
                codes.push(match v {
                    None => None,
                    Some(s) => match index.get(s.as_str()) {
                        Some(&c) => Some(c),
                        None => {
                            let c =
                                u32::try_from(labels.len()).map_err(|_| TableError::TooLarge {
                                    column: column.name.clone(),
                                })?;
                            index.insert(s, c);
                            labels.push(s.clone());
                            Some(c)
                        }
                    },
                });
            }
            sort_levels(codes, labels, table.decimal_comma)
        }
        ColumnData::Date(_) => {
            return Err(wrong_type(
                column,
                "grouping variable",
                "categories, numbers or text",
            ))
        }
    };
    Ok(CategoricalColumn {
        name: column.name.clone(),
        codes,
        levels,
    })
}

/// Event or censored, per row, from the user's value lists.
enum EventMatcher<'a> {
    Numbers {
        values: &'a [Option<f64>],
        events: Vec<f64>,
        censors: Vec<f64>,
    },
    /// Status per level: Some(true) event, Some(false) censored, None neither.
    Codes {
        codes: &'a [Option<u32>],
        levels: &'a [String],
        status: Vec<Option<bool>>,
    },
    Texts {
        values: &'a [Option<String>],
        events: Vec<String>,
        censors: Vec<String>,
    },
}

fn trimmed(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

impl<'a> EventMatcher<'a> {
    fn new(table: &Table, column: &'a Column, spec: &SurvivalColumns) -> Result<Self, TableError> {
        let events = trimmed(&spec.event_values);
        let censors = trimmed(&spec.censor_values);
        if events.is_empty() {
            return Err(TableError::NoEventValues {
                column: column.name.clone(),
            });
        }
        let overlap = |value: &str| TableError::EventCensorOverlap {
            column: column.name.clone(),
            value: value.to_string(),
        };
        match &column.data {
            ColumnData::Number(values) => {
                let as_number = |v: &String| {
                    parse_cell(v, table.decimal_comma)
                        .or_else(|| parse_cell(v, false))
                        .ok_or_else(|| TableError::EventValueNotNumber {
                            column: column.name.clone(),
                            value: v.clone(),
                        })
                };
                let ev = events
                    .iter()
                    .map(as_number)
                    .collect::<Result<Vec<_>, _>>()?;
                let ce = censors
                    .iter()
                    .map(as_number)
                    .collect::<Result<Vec<_>, _>>()?;
                if let Some((i, _)) = ev.iter().enumerate().find(|(_, e)| ce.contains(e)) {
                    return Err(overlap(events.get(i).map_or("", String::as_str)));
                }
                Ok(EventMatcher::Numbers {
                    values,
                    events: ev,
                    censors: ce,
                })
            }
            ColumnData::Category { codes, levels } => {
                if let Some(v) = events.iter().find(|e| censors.contains(e)) {
                    return Err(overlap(v));
                }
                let status = levels
                    .iter()
                    .map(|l| {
                        if events.contains(l) {
                            Some(true)
                        } else if censors.contains(l) {
                            Some(false)
                        } else {
                            None
                        }
                    })
                    .collect();
                Ok(EventMatcher::Codes {
                    codes,
                    levels,
                    status,
                })
            }
            ColumnData::Text(values) => {
                if let Some(v) = events.iter().find(|e| censors.contains(e)) {
                    return Err(overlap(v));
                }
                Ok(EventMatcher::Texts {
                    values,
                    events,
                    censors,
                })
            }
            ColumnData::Date(_) => Err(wrong_type(
                column,
                "event indicator",
                "numbers, categories or text",
            )),
        }
    }
}

/// Builds the survival input from the chosen columns (see the module doc).
pub fn survival_input(table: &Table, spec: &SurvivalColumns) -> Result<SurvivalInput, TableError> {
    survival_input_among(table, spec, None)
}

/// As [`survival_input`], reading only the table rows `among` (ascending,
/// an analysis set's) when given: the other rows take no part, are not
/// counted as dropped, and their values are not checked.
pub fn survival_input_among(
    table: &Table,
    spec: &SurvivalColumns,
    among: Option<&[usize]>,
) -> Result<SurvivalInput, TableError> {
    let time_column = table.require(&spec.time)?;
    let times = numbers_of(table, time_column, "time")?;
    let event_column = table.require(&spec.event)?;
    let matcher = EventMatcher::new(table, event_column, spec)?;
    let groups = match &spec.group {
        Some(g) => Some(categorical_column(table, g)?),
        None => None,
    };

    // The per-row pass is a kernel (survcalc_stats::rows, built for speed);
    // here its findings are worded.
    const STATUS_OF_TEXT: [Option<bool>; 3] = [Some(true), Some(false), None];
    let text_codes: Vec<Option<u32>>;
    let status = match &matcher {
        EventMatcher::Numbers {
            values,
            events,
            censors,
        } => StatusColumn::Numbers {
            values,
            events,
            censors,
        },
        EventMatcher::Codes { codes, status, .. } => StatusColumn::Codes { codes, status },
        EventMatcher::Texts {
            values,
            events,
            censors,
        } => {
            // Texts as codes into STATUS_OF_TEXT: event, censored, neither.
            text_codes = values
                .iter()
                .map(|v| {
                    v.as_deref().map(|s| {
                        if events.iter().any(|e| e == s) {
                            0
                        } else if censors.iter().any(|c| c == s) {
                            1
                        } else {
                            2
                        }
                    })
                })
                .collect();
            StatusColumn::Codes {
                codes: &text_codes,
                status: &STATUS_OF_TEXT,
            }
        }
    };
    let group_codes = groups.as_ref().map(|g| g.codes.as_slice());
    let chosen =
        survival_rows(&times, status, group_codes, among, LISTED_LINES).map_err(|problem| {
            let line = |row: usize| table.line_of(row).unwrap_or(0);
            let time_value = |row: usize| {
                let t = times.get(row).copied().flatten().unwrap_or(f64::NAN);
                time_column
                    .data
                    .display(row)
                    .unwrap_or_else(|| number_label(t))
            };
            match problem {
                RowProblem::TimeNotFinite(row) => TableError::NotFinite {
                    column: time_column.name.clone(),
                    line: line(row),
                    value: time_value(row),
                },
                RowProblem::NegativeTime(row) => TableError::NegativeTime {
                    column: time_column.name.clone(),
                    line: line(row),
                    value: time_value(row),
                },
                RowProblem::UnknownStatus(row) => TableError::UnknownEventValue {
                    column: event_column.name.clone(),
                    line: line(row),
                    value: event_column.data.display(row).unwrap_or_default(),
                    event_values: trimmed(&spec.event_values),
                    censor_values: trimmed(&spec.censor_values),
                },
            }
        })?;
    let n = among.map_or(table.n_rows(), <[usize]>::len);
    let SurvivalRows {
        time,
        event,
        group: group_codes,
        rows,
        missing_time,
        missing_status,
        missing_group,
        status_value_seen,
    } = chosen;
    let lines = |left: LeftOut| {
        left.first_rows
            .iter()
            .map(|&row| table.line_of(row).unwrap_or(0))
            .collect()
    };
    let dropped_rows = [
        (
            DropReason::MissingTime,
            time_column.name.as_str(),
            missing_time,
        ),
        (
            DropReason::MissingEvent,
            event_column.name.as_str(),
            missing_status,
        ),
        (
            DropReason::MissingGroup,
            spec.group.as_deref().unwrap_or(""),
            missing_group,
        ),
    ];

    let mut warnings = Vec::new();
    let group = groups.map(|g| {
        // Keep only the levels that occur among the used rows, in level order.
        let mut used = vec![false; g.levels.len()];
        for &c in &group_codes {
            if let Some(u) = used.get_mut(c as usize) {
                *u = true;
            }
        }
        let mut new_code = vec![0usize; g.levels.len()];
        let mut labels = Vec::new();
        for (old, label) in g.levels.iter().enumerate() {
            if used.get(old).copied().unwrap_or(false) {
                if let Some(slot) = new_code.get_mut(old) {
                    *slot = labels.len();
                }
                labels.push(label.clone());
            }
        }
        if labels.len() == 1 {
            warnings.push(Warning::OnlyOneGroup {
                column: g.name.clone(),
                group: labels.join(""),
            });
        }
        let codes = group_codes
            .iter()
            .map(|&c| new_code.get(c as usize).copied().unwrap_or(0))
            .collect();
        GroupCodes {
            column: g.name,
            codes,
            labels,
        }
    });

    for (i, v) in trimmed(&spec.event_values)
        .iter()
        .chain(trimmed(&spec.censor_values).iter())
        .enumerate()
    {
        // Over the whole table, not only the rows read (the pass saw those).
        let seen = among.is_none() && status_value_seen.get(i).copied().unwrap_or(false);
        if !seen && !value_occurs(&matcher, v, table.decimal_comma) {
            warnings.push(Warning::ValueNotFound {
                column: event_column.name.clone(),
                value: v.clone(),
            });
        }
    }
    let dropped: Vec<DroppedRows> = dropped_rows
        .into_iter()
        .filter(|(_, _, left)| left.count > 0)
        .map(|(reason, column, left)| DroppedRows {
            reason,
            column: column.to_string(),
            count: left.count,
            lines: lines(left),
        })
        .collect();
    for d in &dropped {
        warnings.push(Warning::RowsLeftOut {
            column: d.column.clone(),
            reason: LeftOutReason::Missing,
            count: d.count,
            lines: d.lines.clone(),
            values: Vec::new(),
        });
    }
    let n_events = event.iter().filter(|&&e| e).count();
    if time.is_empty() {
        warnings.push(Warning::NoRowsLeft);
    } else if n_events == 0 {
        warnings.push(Warning::NoEvents);
    }
    Ok(SurvivalInput {
        time,
        event,
        group,
        rows,
        n_read: n,
        n_events,
        dropped,
        warnings,
    })
}

/// Whether a chosen event/censoring value occurs in the column at all.
fn value_occurs(matcher: &EventMatcher<'_>, value: &str, decimal_comma: bool) -> bool {
    match matcher {
        EventMatcher::Numbers { values, .. } => {
            let x = parse_cell(value, decimal_comma).or_else(|| parse_cell(value, false));
            x.is_some_and(|x| values.contains(&Some(x)))
        }
        // Levels are built from the rows, so every level occurs.
        EventMatcher::Codes { levels, .. } => levels.iter().any(|l| l == value),
        EventMatcher::Texts { values, .. } => values.iter().any(|v| v.as_deref() == Some(value)),
    }
}
