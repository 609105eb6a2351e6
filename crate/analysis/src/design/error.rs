//! Errors of the design step: each names the column (and line and value
//! where one is at fault) and says what to change.

use crate::format::counted;
use crate::table::TableError;
use std::fmt;

/// Why a model matrix or an outcome could not be built from the table.
#[derive(Debug, Clone, PartialEq)]
pub enum DesignError {
    /// The model has no terms.
    NoTerms,
    /// A column name the table lacks.
    UnknownColumn {
        name: String,
        nearest: Option<String>,
    },
    /// The same column chosen twice as a term.
    DuplicateTerm { column: String },
    /// A term that is also the outcome (or the time, start or strata column).
    TermIsOutcome { column: String, role: String },
    /// A date column chosen as a covariate.
    DateColumn { column: String },
    /// A value of a numeric term that is not a number (1-based file line).
    NotANumber {
        column: String,
        line: u64,
        value: String,
    },
    /// An infinite value in a numeric term.
    NotFinite {
        column: String,
        line: u64,
        value: String,
    },
    /// A term with a single value among the rows analysed.
    SingleValue {
        column: String,
        value: String,
        n: usize,
    },
    /// A chosen reference level that the column does not have.
    UnknownReference {
        column: String,
        reference: String,
        levels: Vec<String>,
    },
    /// A reference level with no patient among the rows analysed.
    ReferenceNotAnalysed {
        column: String,
        reference: String,
        n: usize,
    },
    /// Every candidate row misses a value of some term.
    NoCompleteRows {
        n_candidates: usize,
        columns: Vec<String>,
    },
    /// A row index beyond the table (a caller bug, reported rather than panicking).
    RowOutOfRange { row: usize, n_rows: usize },
    /// No value of the outcome column was chosen as the event (1).
    NoEventValues { column: String },
    /// A value chosen both as event (1) and as non-event (0).
    EventValueOverlap { column: String, value: String },
    /// An outcome value given for a numeric column that is not a number.
    OutcomeValueNotNumber { column: String, value: String },
    /// An outcome value that is in neither list.
    UnknownOutcomeValue {
        column: String,
        line: u64,
        value: String,
        event_values: Vec<String>,
        non_event_values: Vec<String>,
    },
    /// A counting-process row whose start is not before its stop.
    StartNotBeforeStop {
        start_column: String,
        stop_column: String,
        line: u64,
        start: String,
        stop: String,
    },
    /// A categorical covariate with more levels than a model can mean (an
    /// identifier, or free text).
    TooManyLevels {
        column: String,
        levels: usize,
        n: usize,
    },
    /// More coefficients than the events (or non-events) can estimate.
    TooManyCoefficients {
        coefficients: usize,
        events: usize,
        what: &'static str,
    },
    /// A data-layer error (time/event columns, CSV-level problems).
    Table(TableError),
}

fn quoted_list(values: &[String]) -> String {
    if values.is_empty() {
        "none".to_string()
    } else {
        values
            .iter()
            .map(|v| format!("\"{v}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for DesignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DesignError::*;
        match self {
            NoTerms => write!(f, "Choose at least one covariate for the model."),
            UnknownColumn { name, nearest } => write!(f, "There is no column named \"{name}\"{}", crate::request::did_you_mean_end(nearest.as_deref())),
            DuplicateTerm { column } => {
                write!(f, "Column \"{column}\" is chosen twice as a covariate; keep it once.")
            }
            TermIsOutcome { column, role } => write!(
                f,
                "Column \"{column}\" is the {role}; it cannot also be a covariate."
            ),
            DateColumn { column } => write!(
                f,
                "Column \"{column}\" holds dates, which cannot be a covariate as they are. Use a derived number (e.g. age or time since diagnosis) or a category instead."
            ),
            NotANumber { column, line, value } => write!(
                f,
                "Column \"{column}\", line {line}: \"{value}\" is not a number, so the column cannot be a numeric covariate. Correct the value, or use the column as a category."
            ),
            NotFinite { column, line, value } => write!(
                f,
                "Column \"{column}\", line {line}: \"{value}\" is not a finite number; correct it or leave the cell empty."
            ),
            SingleValue { column, value, n } => write!(
                f,
                "Column \"{column}\" has only one value (\"{value}\") among the {} analysed; it cannot be a covariate.",
                counted(*n, "patient")
            ),
            UnknownReference { column, reference, levels } => write!(
                f,
                "Column \"{column}\" has no value \"{reference}\" to serve as the reference; its values are {}.",
                quoted_list(levels)
            ),
            ReferenceNotAnalysed { column, reference, n } => write!(
                f,
                "The reference \"{reference}\" of column \"{column}\" occurs in none of the {} analysed; choose another reference.",
                counted(*n, "patient")
            ),
            NoCompleteRows { n_candidates, columns } => write!(
                f,
                "{1} a value in every chosen column ({0}); fill in the missing values or choose fewer covariates.",
                quoted_list(columns),
                if *n_candidates == 1 { "The only patient lacks".to_string() } else { format!("None of the {n_candidates} patients has") }
            ),
            RowOutOfRange { row, n_rows } => {
                write!(f, "Row {row} was requested but the table has {}.", counted(*n_rows, "row"))
            }
            NoEventValues { column } => {
                write!(f, "Choose at least one value of column \"{column}\" that marks the outcome (coded 1).")
            }
            EventValueOverlap { column, value } => write!(
                f,
                "Value \"{value}\" of column \"{column}\" is chosen both as the outcome (1) and as its absence (0)."
            ),
            OutcomeValueNotNumber { column, value } => write!(
                f,
                "Column \"{column}\" holds numbers, but the chosen value \"{value}\" is not a number."
            ),
            UnknownOutcomeValue { column, line, value, event_values, non_event_values } => write!(
                f,
                "Column \"{column}\", line {line}: \"{value}\" is neither an outcome value ({}) nor a non-outcome value ({}). Add it to one of the two lists or leave the cell empty.",
                quoted_list(event_values),
                quoted_list(non_event_values)
            ),
            StartNotBeforeStop { start_column, stop_column, line, start, stop } => write!(
                f,
                "Line {line}: the start \"{start}\" (column \"{start_column}\") is not before the stop \"{stop}\" (column \"{stop_column}\"); each (start, stop] interval needs start < stop."
            ),
            TooManyLevels { column, levels, n } => write!(
                f,
                "Column \"{column}\" has {levels} different values among the {n} patients analysed, too many for a categorical covariate (one coefficient per value; at most {}); it looks like an identifier or free text. Leave it out, use it as a number, or merge its values into a few groups.",
                super::MAX_LEVELS
            ),
            TooManyCoefficients { coefficients, events, what } => write!(
                f,
                "The model has {coefficients} coefficients but only {events} {what}, so they cannot all be estimated. Choose fewer covariates or merge the levels of categorical ones (a common rule of thumb is at least 10 {what} per coefficient)."
            ),
            Table(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for DesignError {}

impl From<TableError> for DesignError {
    fn from(e: TableError) -> Self {
        match e {
            TableError::UnknownColumn { name, nearest } => {
                DesignError::UnknownColumn { name, nearest }
            }
            other => DesignError::Table(other),
        }
    }
}
