//! Cox proportional hazards regression, matching R's survival package
//! (`coxph`, `cox.zph`, `survSplit`; survival 3.5-3). Method: Therneau &
//! Grambsch, *Modeling Survival Data* (2000); Efron (1977) and Breslow (1974) ties.
//!
//! Layers, as in survival: [`fit`] takes a numeric design ([`CoxData`]) and
//! does the Newton–Raphson fit with one backward pass per iteration, and
//! reports the concordance (Harrell's C with its influence-based SE) and,
//! on request, the robust variance; [`cox_zph`] is the proportional-hazards
//! score test; [`split_at_cuts`] and [`split_at_switch`] build
//! counting-process rows for time-varying covariates. Building the design
//! matrix from a data table is the caller's job.

mod concordance;
mod exp;
mod factor;
mod fit;
mod prepared;
mod residuals;
mod riskset;
mod split;
mod zph;

pub use concordance::Concordance;
pub use fit::{
    fit, fit_factor_tallied, fit_hazard_ratios, fit_with_ph_test, ChiSquareTest, CoxFit,
    CoxOptions, RobustVariance, Ties,
};
pub use split::{split_at_cuts, split_at_switch, CountingProcessRows, SplitError, SwitchRows};
pub use zph::{cox_zph, ModelTerm, ZphOptions, ZphResult, ZphRow, ZphTransform};

use std::fmt;

/// The numeric input of a Cox fit: one row per subject, or per (start, stop]
/// episode for counting-process data.
///
/// `covariates` is column-major: `covariates[j][i]` is column `j` of row `i`,
/// one column per coefficient (a factor with k levels arrives as k - 1 dummy
/// columns). Rows with missing values must be dropped by the caller.
#[derive(Debug, Clone, Default)]
pub struct CoxData {
    /// Entry times for counting-process (start, stop] data; `None` means every
    /// row is followed from time 0 (right-censored data).
    pub start: Option<Vec<f64>>,
    /// Event or censoring times.
    pub stop: Vec<f64>,
    /// `true` when the row ends with the event.
    pub event: Vec<bool>,
    /// Covariate columns (column-major), each of length n.
    pub covariates: Vec<Vec<f64>>,
    /// One name per covariate column (R's coefficient names).
    pub term_names: Vec<String>,
    /// Stratum code per row (R's `strata()`): separate baseline hazards.
    pub strata: Option<Vec<u32>>,
    /// Case weights (R's `weights`), all 1 when `None`.
    pub weights: Option<Vec<f64>>,
    /// Cluster id per row (R's `cluster()`), e.g. the patient id of
    /// counting-process rows. Giving clusters requests the robust variance,
    /// as in R.
    pub cluster: Option<Vec<u64>>,
}

impl CoxData {
    /// Right-censored data with no strata, weights or clusters.
    pub fn right_censored(
        time: Vec<f64>,
        event: Vec<bool>,
        covariates: Vec<Vec<f64>>,
        term_names: Vec<String>,
    ) -> CoxData {
        CoxData {
            stop: time,
            event,
            covariates,
            term_names,
            ..CoxData::default()
        }
    }

    /// Counting-process (start, stop] data with no strata, weights or clusters.
    pub fn counting_process(
        start: Vec<f64>,
        stop: Vec<f64>,
        event: Vec<bool>,
        covariates: Vec<Vec<f64>>,
        term_names: Vec<String>,
    ) -> CoxData {
        CoxData {
            start: Some(start),
            stop,
            event,
            covariates,
            term_names,
            ..CoxData::default()
        }
    }

    /// Number of rows.
    pub fn n(&self) -> usize {
        self.stop.len()
    }
}

/// Why a Cox model could not be fitted.
#[derive(Debug, Clone, PartialEq)]
pub enum CoxError {
    /// No rows to analyse.
    NoRows,
    /// An input vector has the wrong length.
    LengthMismatch {
        what: String,
        expected: usize,
        found: usize,
    },
    /// A time is missing, infinite or negative (1-based row).
    InvalidTime { row: usize, value: f64 },
    /// A counting-process row whose start is not before its stop (1-based row).
    StartNotBeforeStop { row: usize, start: f64, stop: f64 },
    /// A covariate value is missing or infinite (1-based row).
    InvalidCovariate {
        term: String,
        row: usize,
        value: f64,
    },
    /// A case weight is not a positive finite number (1-based row).
    InvalidWeight { row: usize, value: f64 },
    /// No row ends with an event, so no hazard ratio can be estimated.
    NoEvents,
    /// An option is out of range.
    InvalidOption { name: &'static str, value: f64 },
    /// The information matrix could not be factorised (numerical breakdown).
    NumericalFailure,
    /// A `cox_zph` call whose fit does not belong to the data or terms given.
    FitMismatch { reason: String },
    /// Robust variance asked for (start, stop] rows without cluster ids.
    RobustNeedsCluster,
}

impl fmt::Display for CoxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoxError::NoRows => write!(f, "There are no rows to analyse: check the filters and missing values."),
            CoxError::LengthMismatch { what, expected, found } => write!(
                f,
                "The {what} has {found} values but the data have {expected} rows; every column must have one value per row."
            ),
            CoxError::InvalidTime { row, value } => write!(
                f,
                "Row {row} has an invalid time ({value}); times must be present, finite and not negative."
            ),
            CoxError::StartNotBeforeStop { row, start, stop } => write!(
                f,
                "Row {row} starts at {start} but stops at {stop}; each (start, stop] interval must have start before stop."
            ),
            CoxError::InvalidCovariate { term, row, value } => write!(
                f,
                "Covariate '{term}' has an invalid value ({value}) in row {row}; remove the row or fix the value."
            ),
            CoxError::InvalidWeight { row, value } => write!(
                f,
                "Row {row} has case weight {value}; weights must be positive finite numbers."
            ),
            CoxError::NoEvents => write!(
                f,
                "No row ends with an event, so a Cox model cannot estimate any hazard ratio. Check the event column coding."
            ),
            CoxError::InvalidOption { name, value } => write!(f, "The option {name} = {value} is out of range."),
            CoxError::NumericalFailure => write!(
                f,
                "The Cox fit broke down numerically (the information matrix is not positive definite); check for extreme or collinear covariates."
            ),
            CoxError::FitMismatch { reason } => write!(f, "The PH test does not match the fitted model: {reason}."),
            CoxError::RobustNeedsCluster => write!(
                f,
                "A robust variance for (start, stop] data needs the patient id as cluster, because one patient contributes several rows."
            ),
        }
    }
}

impl std::error::Error for CoxError {}
