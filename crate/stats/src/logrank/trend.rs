//! Log-rank test for trend across ordered groups (Collett 2015, section
//! 3.3.2): U = s'(O - E), V = s' Var s, chi-square U²/V on 1 df. It equals
//! the score test of a Cox model with the score as a covariate and exact
//! ties; with strata, O - E and Var are the stratified sums.

use super::{LogrankError, LogrankFit};
use crate::distributions::chi_square_upper;
use serde::Serialize;

/// Result of [`trend`].
#[derive(Debug, Clone, Serialize)]
pub struct LogrankTrend {
    pub groups: Vec<String>,
    pub scores: Vec<f64>,
    /// s'(O - E).
    pub u: f64,
    /// s' Var s.
    pub v: f64,
    pub chisq: f64,
    pub df: usize,
    pub p: f64,
}

/// Trend test from a fitted k-group test. `scores` default to 1..k in group
/// order (any equally spaced scores give the same test).
pub fn trend(fit: &LogrankFit, scores: Option<&[f64]>) -> Result<LogrankTrend, LogrankError> {
    let k = fit.groups.len();
    let scores: Vec<f64> = match scores {
        Some(s) => s.to_vec(),
        None => (1..=k).map(|i| i as f64).collect(),
    };
    if scores.len() != k {
        return Err(LogrankError::InvalidScores(format!(
            "{} scores given for {k} groups",
            scores.len()
        )));
    }
    if let Some(bad) = scores.iter().find(|s| !s.is_finite()) {
        return Err(LogrankError::InvalidScores(format!(
            "{bad} is not a number"
        )));
    }
    let u: f64 = scores.iter().zip(&fit.o_minus_e).map(|(s, d)| s * d).sum();
    let v: f64 = fit
        .var
        .iter()
        .zip(&scores)
        .map(|(row, si)| {
            si * row
                .iter()
                .zip(&scores)
                .map(|(vij, sj)| vij * sj)
                .sum::<f64>()
        })
        .sum();
    // Var has zero row sums, so constant scores give v = 0 (up to rounding).
    let scale: f64 = fit
        .var
        .iter()
        .enumerate()
        .map(|(i, r)| r.get(i).copied().unwrap_or(0.0))
        .sum::<f64>()
        * scores.iter().map(|s| s * s).sum::<f64>();
    if v.is_nan() || v <= 1e-12 * scale {
        return Err(LogrankError::InvalidScores(
            "they do not vary between groups with events, so there is no trend to test".to_string(),
        ));
    }
    let chisq = u * u / v;
    Ok(LogrankTrend {
        groups: fit.groups.clone(),
        scores,
        u,
        v,
        chisq,
        df: 1,
        p: chi_square_upper(chisq, 1.0),
    })
}
