//! Outcomes of the two regressions: a survival outcome (time, event,
//! optional start for (start, stop] rows, optional strata) for Cox, and a
//! binary outcome (which values mean 1) for logistic regression. Their
//! `rows` are the candidate rows of [`super::build_design`]; rows with a
//! missing outcome are left out and counted.

use super::{Design, DesignError, MissingValues, LISTED_LINES};
use crate::table::{
    numeric_column, survival_input_among, ColumnData, ColumnKind, SurvivalColumns, Table,
    TableError,
};
use crate::warning::{LeftOutReason, Warning};
use serde::{Deserialize, Serialize};
use survcalc_stats::cox::CoxData;

/// The survival outcome chosen by the user.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SurvivalOutcomeSpec {
    /// Follow-up time, or the stop time of (start, stop] rows.
    pub time: String,
    pub event: String,
    /// Values of `event` meaning the event happened (e.g. "1", "dead").
    pub event_values: Vec<String>,
    /// Values of `event` meaning censored (e.g. "0", "alive").
    pub censor_values: Vec<String>,
    /// Entry time of counting-process (start, stop] rows.
    pub start: Option<String>,
    /// Stratification column (R's `strata()`): separate baseline hazards.
    pub strata: Option<String>,
}

/// Validated survival outcome over the rows where it is known.
#[derive(Debug, Clone, Serialize)]
pub struct SurvivalOutcome {
    pub time_column: String,
    pub event_column: String,
    pub start_column: Option<String>,
    pub strata_column: Option<String>,
    pub start: Option<Vec<f64>>,
    /// Event or censoring (stop) times.
    pub time: Vec<f64>,
    pub event: Vec<bool>,
    /// Stratum per row, indexing `strata_labels`.
    pub strata: Option<Vec<u32>>,
    pub strata_labels: Vec<String>,
    /// Table row of each outcome value.
    pub rows: Vec<usize>,
    /// Rows in the table.
    pub n_read: usize,
    pub n_events: usize,
    /// Rows left out for a missing time, event, start or stratum.
    pub dropped: Vec<MissingValues>,
    pub warnings: Vec<Warning>,
}

impl SurvivalOutcome {
    /// Columns with an outcome role and the role's name (a covariate must
    /// not be one of them).
    pub fn roles(&self) -> Vec<(&str, &'static str)> {
        let mut roles = vec![
            (self.time_column.as_str(), "time column"),
            (self.event_column.as_str(), "event column"),
        ];
        if let Some(s) = &self.start_column {
            roles.push((s.as_str(), "start-time column"));
        }
        if let Some(s) = &self.strata_column {
            roles.push((s.as_str(), "stratification column"));
        }
        roles
    }

    /// The Cox input for the rows and columns of `design` (built over
    /// `self.rows`).
    pub fn cox_data(&self, design: &Design) -> Result<CoxData, DesignError> {
        self.cox_data_with(design, design.columns.clone())
    }

    /// As [`Self::cox_data`], moving the design's columns into the Cox input
    /// instead of copying them (56 MB at n = 1e6 with 7 columns): the design
    /// keeps its terms, names and rows, and its `columns` are left empty.
    pub fn cox_data_moving_columns(&self, design: &mut Design) -> Result<CoxData, DesignError> {
        let columns = std::mem::take(&mut design.columns);
        self.cox_data_with(design, columns)
    }

    fn cox_data_with(
        &self,
        design: &Design,
        covariates: Vec<Vec<f64>>,
    ) -> Result<CoxData, DesignError> {
        Ok(CoxData {
            start: self.start.as_ref().map(|s| design.pick(s)).transpose()?,
            stop: design.pick(&self.time)?,
            event: design.pick(&self.event)?,
            covariates,
            term_names: design.names.clone(),
            strata: self.strata.as_ref().map(|s| design.pick(s)).transpose()?,
            weights: None,
            cluster: None,
        })
    }
}

fn missing_values(column: &str, count: usize, lines: &[u64]) -> MissingValues {
    MissingValues {
        column: column.to_string(),
        count,
        lines: lines.iter().take(LISTED_LINES).copied().collect(),
    }
}

/// Reads the survival outcome (time, event via
/// [`crate::table::survival_input`], then the optional start column).
/// Invalid values are errors naming line and value.
pub fn survival_outcome(
    table: &Table,
    spec: &SurvivalOutcomeSpec,
) -> Result<SurvivalOutcome, DesignError> {
    survival_outcome_among(table, spec, None)
}

/// As [`survival_outcome`], reading only the table rows `among` (an
/// analysis set's, ascending) when given; `n_read` counts them.
pub fn survival_outcome_among(
    table: &Table,
    spec: &SurvivalOutcomeSpec,
    among: Option<&[usize]>,
) -> Result<SurvivalOutcome, DesignError> {
    let input = survival_input_among(
        table,
        &SurvivalColumns {
            time: spec.time.clone(),
            event: spec.event.clone(),
            event_values: spec.event_values.clone(),
            censor_values: spec.censor_values.clone(),
            group: spec.strata.clone(),
        },
        among,
    )?;
    let mut dropped: Vec<MissingValues> = input
        .dropped
        .iter()
        .map(|d| missing_values(&d.column, d.count, &d.lines))
        .collect();
    let mut warnings = input.warnings;
    let (strata, strata_labels) = match input.group {
        Some(g) => (
            Some(
                g.codes
                    .iter()
                    .map(|&c| u32::try_from(c).unwrap_or(u32::MAX))
                    .collect::<Vec<u32>>(),
            ),
            g.labels,
        ),
        None => (None, Vec::new()),
    };
    let mut out = SurvivalOutcome {
        time_column: spec.time.clone(),
        event_column: spec.event.clone(),
        start_column: spec.start.clone(),
        strata_column: spec.strata.clone(),
        start: None,
        time: input.time,
        event: input.event,
        strata,
        strata_labels,
        rows: input.rows,
        n_read: input.n_read,
        n_events: input.n_events,
        dropped: Vec::new(),
        warnings: Vec::new(),
    };
    if let Some(start_name) = &spec.start {
        let column = table.require(start_name)?;
        if matches!(column.kind, ColumnKind::Date(_) | ColumnKind::AmbiguousDate) {
            return Err(DesignError::Table(TableError::WrongColumnType {
                column: column.name.clone(),
                role: "start time".to_string(),
                found: column.kind.describe().to_string(),
                expected: "numbers".to_string(),
            }));
        }
        let values = numeric_column(table, start_name)?.values;
        let mut keep = Vec::with_capacity(out.rows.len());
        let mut start = Vec::with_capacity(out.rows.len());
        let mut tally = MissingValues {
            column: column.name.clone(),
            count: 0,
            lines: Vec::new(),
        };
        for (i, &row) in out.rows.iter().enumerate() {
            let line = table.line_of(row).unwrap_or(0);
            match values.get(row).copied().flatten() {
                None => {
                    tally.count += 1;
                    if tally.lines.len() < LISTED_LINES {
                        tally.lines.push(line);
                    }
                }
                Some(s) => {
                    let stop = out.time.get(i).copied().unwrap_or(f64::NAN);
                    if !s.is_finite() {
                        return Err(DesignError::NotFinite {
                            column: column.name.clone(),
                            line,
                            value: column.data.display(row).unwrap_or_default(),
                        });
                    }
                    if s.partial_cmp(&stop) != Some(std::cmp::Ordering::Less) {
                        let stop_text = table
                            .column(&spec.time)
                            .and_then(|c| c.data.display(row))
                            .unwrap_or_else(|| stop.to_string());
                        return Err(DesignError::StartNotBeforeStop {
                            start_column: column.name.clone(),
                            stop_column: spec.time.clone(),
                            line,
                            start: column.data.display(row).unwrap_or_default(),
                            stop: stop_text,
                        });
                    }
                    keep.push(i);
                    start.push(s);
                }
            }
        }
        if tally.count > 0 {
            warnings.push(Warning::RowsLeftOut {
                column: tally.column.clone(),
                reason: LeftOutReason::Missing,
                count: tally.count,
                lines: tally.lines.clone(),
                values: Vec::new(),
            });
            dropped.push(tally);
            out.time = keep
                .iter()
                .filter_map(|&i| out.time.get(i).copied())
                .collect();
            out.event = keep
                .iter()
                .filter_map(|&i| out.event.get(i).copied())
                .collect();
            out.rows = keep
                .iter()
                .filter_map(|&i| out.rows.get(i).copied())
                .collect();
            out.strata = out
                .strata
                .map(|s| keep.iter().filter_map(|&i| s.get(i).copied()).collect());
            out.n_events = out.event.iter().filter(|&&e| e).count();
        }
        out.start = Some(start);
    }
    out.dropped = dropped;
    out.warnings = warnings;
    Ok(out)
}

/// The binary outcome chosen by the user.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BinaryOutcomeSpec {
    pub column: String,
    /// Values meaning the outcome is present (coded 1), e.g. "1", "yes".
    pub event_values: Vec<String>,
    /// Values meaning it is absent (coded 0). Empty: every other value is 0.
    pub non_event_values: Vec<String>,
}

/// Validated 0/1 outcome over the rows where it is known.
#[derive(Debug, Clone, Serialize)]
pub struct BinaryOutcome {
    pub column: String,
    /// The values coded 1.
    pub event_values: Vec<String>,
    /// 0/1 per row.
    pub y: Vec<f64>,
    /// Table row of each outcome value.
    pub rows: Vec<usize>,
    pub n_read: usize,
    pub n_events: usize,
    /// Rows left out for a missing outcome.
    pub dropped: Option<MissingValues>,
    pub warnings: Vec<Warning>,
}

impl BinaryOutcome {
    /// The outcome at the rows of `design` (built over `self.rows`).
    pub fn y_for(&self, design: &Design) -> Result<Vec<f64>, DesignError> {
        design.pick(&self.y)
    }
}

fn trimmed(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

/// Per present value: Some(true) = 1, Some(false) = 0, None = neither.
enum Matcher<'a> {
    Numbers {
        values: &'a [Option<f64>],
        ones: Vec<f64>,
        zeros: Vec<f64>,
    },
    Codes {
        codes: &'a [Option<u32>],
        status: Vec<Option<bool>>,
    },
    Texts {
        values: &'a [Option<String>],
        ones: Vec<String>,
        zeros: Vec<String>,
    },
}

pub(crate) fn parse_user_number(text: &str, decimal_comma: bool) -> Option<f64> {
    let t = text.trim();
    let converted = if decimal_comma {
        t.replace(',', ".")
    } else {
        t.to_string()
    };
    converted
        .parse::<f64>()
        .ok()
        .or_else(|| t.parse::<f64>().ok())
        .filter(|x| x.is_finite())
}

impl Matcher<'_> {
    /// `Err(())`: missing; `Ok(None)`: present but in neither list.
    fn status(&self, row: usize) -> Result<Option<bool>, ()> {
        let verdict = |one: bool, zero: bool| {
            if one {
                Some(true)
            } else if zero {
                Some(false)
            } else {
                None
            }
        };
        match self {
            Matcher::Numbers {
                values,
                ones,
                zeros,
            } => {
                let x = values.get(row).copied().flatten().ok_or(())?;
                Ok(verdict(ones.contains(&x), zeros.contains(&x)))
            }
            Matcher::Codes { codes, status } => {
                let c = codes.get(row).copied().flatten().ok_or(())?;
                Ok(status.get(c as usize).copied().flatten())
            }
            Matcher::Texts {
                values,
                ones,
                zeros,
            } => {
                let s = values.get(row).and_then(Option::as_deref).ok_or(())?;
                Ok(verdict(
                    ones.iter().any(|o| o == s),
                    zeros.iter().any(|z| z == s),
                ))
            }
        }
    }
}

/// Reads a binary outcome: values in `event_values` are 1, values in
/// `non_event_values` 0 (every other value when that list is empty), any
/// other value is an error naming its line; missing values are left out.
pub fn binary_outcome(
    table: &Table,
    spec: &BinaryOutcomeSpec,
) -> Result<BinaryOutcome, DesignError> {
    read_binary_outcome(table, spec, 0..table.n_rows())
}

/// As [`binary_outcome`], reading only the table rows `rows` (ascending):
/// the others take no part, as when two outcome values are compared and
/// the rest left out, without a copy of the table. `n_read` stays the
/// table's row count.
pub fn binary_outcome_among(
    table: &Table,
    spec: &BinaryOutcomeSpec,
    rows: &[usize],
) -> Result<BinaryOutcome, DesignError> {
    read_binary_outcome(table, spec, rows.iter().copied())
}

fn read_binary_outcome(
    table: &Table,
    spec: &BinaryOutcomeSpec,
    candidate_rows: impl Iterator<Item = usize>,
) -> Result<BinaryOutcome, DesignError> {
    let column = table.require(&spec.column)?;
    let ones = trimmed(&spec.event_values);
    let zeros = trimmed(&spec.non_event_values);
    if ones.is_empty() {
        return Err(DesignError::NoEventValues {
            column: column.name.clone(),
        });
    }
    if let Some(v) = ones.iter().find(|o| zeros.contains(o)) {
        return Err(DesignError::EventValueOverlap {
            column: column.name.clone(),
            value: v.clone(),
        });
    }
    let matcher = match &column.data {
        ColumnData::Number(values) => {
            let as_number = |v: &String| {
                parse_user_number(v, table.decimal_comma).ok_or_else(|| {
                    DesignError::OutcomeValueNotNumber {
                        column: column.name.clone(),
                        value: v.clone(),
                    }
                })
            };
            let ones_n = ones.iter().map(as_number).collect::<Result<Vec<_>, _>>()?;
            let zeros_n = zeros.iter().map(as_number).collect::<Result<Vec<_>, _>>()?;
            if let Some(i) = ones_n.iter().position(|o| zeros_n.contains(o)) {
                let value = ones.get(i).cloned().unwrap_or_default();
                return Err(DesignError::EventValueOverlap {
                    column: column.name.clone(),
                    value,
                });
            }
            Matcher::Numbers {
                values,
                ones: ones_n,
                zeros: zeros_n,
            }
        }
        ColumnData::Category { codes, levels } => {
            let status = levels
                .iter()
                .map(|l| {
                    if ones.contains(l) {
                        Some(true)
                    } else if zeros.contains(l) {
                        Some(false)
                    } else {
                        None
                    }
                })
                .collect();
            Matcher::Codes { codes, status }
        }
        ColumnData::Text(values) => Matcher::Texts {
            values,
            ones: ones.clone(),
            zeros: zeros.clone(),
        },
        ColumnData::Date(_) => {
            return Err(DesignError::Table(TableError::WrongColumnType {
                column: column.name.clone(),
                role: "outcome".to_string(),
                found: column.kind.describe().to_string(),
                expected: "two values (e.g. 0/1 or yes/no)".to_string(),
            }))
        }
    };

    let n = table.n_rows();
    let mut y = Vec::with_capacity(n);
    let mut rows = Vec::with_capacity(n);
    let mut tally = MissingValues {
        column: column.name.clone(),
        count: 0,
        lines: Vec::new(),
    };
    // Distinct values counted as 0 by default, for the warning (a few suffice).
    let mut others: Vec<String> = Vec::new();
    let mut seen_one = vec![false; ones.len()];
    for row in candidate_rows {
        match matcher.status(row) {
            Err(()) => {
                tally.count += 1;
                if tally.lines.len() < LISTED_LINES {
                    tally.lines.push(table.line_of(row).unwrap_or(0));
                }
            }
            Ok(Some(one)) => {
                if one {
                    let shown = column.data.display(row).unwrap_or_default();
                    if let Some(k) = ones.iter().position(|o| *o == shown) {
                        seen_one[k] = true;
                    }
                }
                y.push(if one { 1.0 } else { 0.0 });
                rows.push(row);
            }
            Ok(None) if zeros.is_empty() => {
                if others.len() < 6 {
                    let v = column.data.display(row).unwrap_or_default();
                    if !others.contains(&v) {
                        others.push(v);
                    }
                }
                y.push(0.0);
                rows.push(row);
            }
            Ok(None) => {
                return Err(DesignError::UnknownOutcomeValue {
                    column: column.name.clone(),
                    line: table.line_of(row).unwrap_or(0),
                    value: column.data.display(row).unwrap_or_default(),
                    event_values: ones.clone(),
                    non_event_values: zeros.clone(),
                })
            }
        }
    }
    let mut warnings = Vec::new();
    if others.len() > 1 {
        warnings.push(Warning::OtherValuesCountAsZero {
            column: column.name.clone(),
            event_values: ones.clone(),
            others: others.iter().take(5).cloned().collect(),
            more: others.len() > 5,
        });
    }
    if tally.count > 0 {
        warnings.push(Warning::RowsLeftOut {
            column: tally.column.clone(),
            reason: LeftOutReason::Missing,
            count: tally.count,
            lines: tally.lines.clone(),
            values: Vec::new(),
        });
    }
    // Category levels compare as text; numbers are checked through the matched rows.
    let n_events = y.iter().filter(|&&v| v == 1.0).count();
    if matches!(matcher, Matcher::Texts { .. } | Matcher::Codes { .. }) {
        for (o, seen) in ones.iter().zip(&seen_one) {
            if !seen {
                warnings.push(Warning::ValueNotFound {
                    column: column.name.clone(),
                    value: o.clone(),
                });
            }
        }
    }
    if y.is_empty() {
        warnings.push(Warning::NoRowsLeft);
    } else if n_events == 0 {
        warnings.push(Warning::NoPatientHasOutcome {
            column: column.name.clone(),
        });
    } else if n_events == y.len() {
        warnings.push(Warning::EveryPatientHasOutcome {
            column: column.name.clone(),
        });
    }
    Ok(BinaryOutcome {
        column: column.name.clone(),
        event_values: ones,
        y,
        rows,
        n_read: n,
        n_events,
        dropped: (tally.count > 0).then_some(tally),
        warnings,
    })
}
