//! Detection of complete and quasi-complete separation (Albert & Anderson
//! 1984): a direction d with (2y - 1) x_i'd >= 0 for every row and x_i'd != 0
//! for some row, along which the likelihood rises for ever, so the ML
//! estimates are infinite.
//!
//! Rule: when Newton steps continued past R's stopping point do not settle,
//! the step itself is tested as such a direction. Under separation, each step
//! moves the linear predictor of the separated rows by about one unit while
//! the other coefficients converge, so the step is a separating direction up
//! to a tiny remainder. The step is accepted as a certificate when it moves
//! some linear predictor by more than 0.1 and no row moves against its
//! observed outcome by more than 1e-6 of the largest move. A finite MLE has
//! no such direction, so a converging fit never passes; rows with both
//! outcomes (binomial data with 0 < y < m) must not move at all.

use super::design::Problem;
use super::kernel::linear_predictor;
use super::SeparationKind;

/// A separating direction found in the data.
#[derive(Debug, Clone)]
pub(crate) struct Certificate {
    pub kind: SeparationKind,
    /// The separating direction in coefficient space (estimable columns).
    pub direction: Vec<f64>,
}

const MIN_MOVE: f64 = 0.1;
const SIGN_TOLERANCE: f64 = 1e-6;

/// Tests `d` as a separating direction.
pub(crate) fn certify(problem: &Problem, d: &[f64]) -> Option<Certificate> {
    let p = problem.p;
    if p == 0 || d.iter().any(|v| !v.is_finite()) {
        return None;
    }
    // A direction that cannot move any row by MIN_MOVE is no certificate:
    // known without the pass.
    if problem.move_bound(d) <= MIN_MOVE {
        return None;
    }
    let moves = linear_predictor(problem, d);
    let largest = moves.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    if largest <= MIN_MOVE {
        return None;
    }
    let tol = SIGN_TOLERANCE * largest;
    let mut quasi = false;
    for ((&v, &y), &m) in moves.iter().zip(&problem.y).zip(&problem.m) {
        let toward = if y == m {
            v
        } else if y == 0.0 {
            -v
        } else {
            -v.abs()
        };
        if toward < -tol {
            return None;
        }
        if toward <= tol {
            quasi = true;
        }
    }
    let kind = if quasi {
        SeparationKind::QuasiComplete
    } else {
        SeparationKind::Complete
    };
    Some(Certificate {
        kind,
        direction: d.to_vec(),
    })
}

/// Columns carrying a direction: those whose contribution |d_j| * range_j
/// to the linear predictor is at least 1e-3 of the largest (the intercept,
/// with range 0, is named only when nothing else qualifies).
pub(crate) fn involved_columns(problem: &Problem, d: &[f64]) -> Vec<usize> {
    let ranges = problem.column_ranges();
    let contrib: Vec<f64> = d
        .iter()
        .zip(&ranges)
        .map(|(dj, r)| (dj * r).abs())
        .collect();
    let largest = contrib.iter().fold(0.0_f64, |m, v| m.max(*v));
    let cols: Vec<usize> = if largest > 0.0 {
        (0..contrib.len())
            .filter(|&j| contrib[j] >= 1e-3 * largest)
            .collect()
    } else {
        Vec::new()
    };
    if cols.is_empty() {
        let big = d.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        return (0..d.len())
            .filter(|&j| big > 0.0 && d[j].abs() >= 1e-3 * big)
            .collect();
    }
    cols
}
