//! Competing risks: Aalen–Johansen cumulative incidence with Gray's (1988)
//! variance as cmprsk 2.2's `cuminc` and with the infinitesimal-jackknife
//! standard error of survival 3.5's multi-state `survfit`; Gray's test of
//! equal cumulative incidence between groups (cmprsk's `crstm`); and Fine &
//! Gray's (1999) subdistribution hazard regression as cmprsk's `crr`.
//!
//! Causes are coded per row: 0 = censored, 1..=k = the cause (the caller
//! maps an event column's codes onto them and decides which is of interest).

mod cuminc;
mod finegray;
mod gray;

pub use cuminc::{cuminc, CifAtTimes, CifCurve, CifFit, CifOptions, CifTable, CifVariance};
pub use finegray::{crr, CrrData, CrrFit, CrrOptions};
pub use gray::{gray_test, GrayTest};

use crate::km::Grouping;
use std::fmt;

/// Why a competing-risks analysis could not be computed.
#[derive(Debug, Clone, PartialEq)]
pub enum CompetingError {
    NoData,
    LengthMismatch {
        column: &'static str,
        expected: usize,
        found: usize,
    },
    /// A time is missing, infinite or negative (row is 1-based).
    InvalidTime {
        row: usize,
        value: f64,
    },
    /// A cause code above the number of causes (row is 1-based).
    InvalidCause {
        row: usize,
        code: usize,
        n_causes: usize,
    },
    InvalidGroup {
        row: usize,
        code: usize,
        n_labels: usize,
    },
    /// The cause of interest is not one of 1..=n_causes.
    InvalidCauseOfInterest {
        cause: usize,
        n_causes: usize,
    },
    InvalidConfLevel(f64),
    InvalidTimePoint(f64),
    /// A covariate value is missing or infinite (row is 1-based).
    InvalidCovariate {
        term: String,
        row: usize,
        value: f64,
    },
    /// No row has the event of interest: nothing to estimate.
    NoEventsOfInterest,
    /// The information matrix could not be inverted at the estimates.
    NumericalFailure,
}

impl fmt::Display for CompetingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompetingError::NoData => write!(f, "There are no patients to analyse: the time and event columns are empty."),
            CompetingError::LengthMismatch { column, expected, found } => write!(
                f,
                "The {column} column has {found} values but the time column has {expected}; every patient needs one value in each."
            ),
            CompetingError::InvalidTime { row, value } => {
                write!(f, "Row {row}: follow-up time {value} is not a non-negative number; fix or remove this row.")
            }
            CompetingError::InvalidCause { row, code, n_causes } => {
                write!(f, "Row {row}: cause code {code} is not 0 (censored) or one of the {n_causes} causes.")
            }
            CompetingError::InvalidGroup { row, code, n_labels } => {
                write!(f, "Row {row}: group code {code} does not match any of the {n_labels} group labels.")
            }
            CompetingError::InvalidCauseOfInterest { cause, n_causes } => {
                write!(f, "Cause {cause} is not one of the {n_causes} causes of the event column.")
            }
            CompetingError::InvalidConfLevel(c) => {
                write!(f, "Confidence level {c} must lie strictly between 0 and 1 (e.g. 0.95).")
            }
            CompetingError::InvalidTimePoint(t) => {
                write!(f, "Time point {t} must be a non-negative number in the units of the follow-up time.")
            }
            CompetingError::InvalidCovariate { term, row, value } => write!(
                f,
                "Covariate '{term}' has an invalid value ({value}) in row {row}; remove the row or fix the value."
            ),
            CompetingError::NoEventsOfInterest => write!(
                f,
                "No patient has the event of interest, so its cumulative incidence and subdistribution hazard cannot be estimated. Check which codes mean the event of interest."
            ),
            CompetingError::NumericalFailure => write!(
                f,
                "The Fine–Gray fit broke down numerically (the information matrix is singular); check for extreme or collinear covariates."
            ),
        }
    }
}

impl std::error::Error for CompetingError {}

/// Checks lengths, times (finite, >= 0), cause codes and group codes.
pub(crate) fn validate(
    time: &[f64],
    cause: &[usize],
    n_causes: usize,
    groups: Option<&Grouping>,
) -> Result<(), CompetingError> {
    if time.is_empty() {
        return Err(CompetingError::NoData);
    }
    if cause.len() != time.len() {
        return Err(CompetingError::LengthMismatch {
            column: "event",
            expected: time.len(),
            found: cause.len(),
        });
    }
    for (i, &t) in time.iter().enumerate() {
        if !(t.is_finite() && t >= 0.0) {
            return Err(CompetingError::InvalidTime {
                row: i + 1,
                value: t,
            });
        }
    }
    for (i, &c) in cause.iter().enumerate() {
        if c > n_causes {
            return Err(CompetingError::InvalidCause {
                row: i + 1,
                code: c,
                n_causes,
            });
        }
    }
    if let Some(g) = groups {
        if g.codes.len() != time.len() {
            return Err(CompetingError::LengthMismatch {
                column: "group",
                expected: time.len(),
                found: g.codes.len(),
            });
        }
        for (i, &code) in g.codes.iter().enumerate() {
            if code >= g.labels.len() {
                return Err(CompetingError::InvalidGroup {
                    row: i + 1,
                    code,
                    n_labels: g.labels.len(),
                });
            }
        }
    }
    Ok(())
}

/// Row indices sorted by time (stable: ties keep their order).
pub(crate) fn order_by_time(time: &[f64], rows: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut order: Vec<usize> = rows.collect();
    order.sort_by(|&a, &b| time[a].total_cmp(&time[b]));
    order
}

#[cfg(test)]
mod tests;
