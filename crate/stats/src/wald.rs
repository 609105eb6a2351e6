//! Wald tests of linear hypotheses about fitted coefficients: that some
//! coefficients are all 0 (a categorical covariate's levels together, R's
//! `coxph.wtest` / `car::linearHypothesis`), or that contrasts of them are
//! (equal hazard ratios across intervals). One implementation for Cox,
//! logistic and the model tables.

use crate::distributions::chi_square_upper;
use crate::linalg::{Cholesky, SymMatrix, CHOLESKY_TOLERANCE};

/// X² = (Lb)' (L V L')⁻ (Lb) on `df` degrees of freedom.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct WaldTest {
    pub stat: f64,
    pub df: usize,
    pub p: f64,
}

/// A linear combination of coefficients: (coefficient index, weight) pairs.
pub type Contrast = Vec<(usize, f64)>;

/// Tests that every contrast is 0, given the coefficients (`None` where
/// aliased) and their variance `var(j, k)`. `None` when a coefficient or a
/// variance entry a contrast needs is missing, when L V L' is singular (a
/// contrast is a combination of the others, or has no variance), or when
/// the statistic is not finite.
pub fn wald_test(
    coef: &[Option<f64>],
    var: &dyn Fn(usize, usize) -> Option<f64>,
    contrasts: &[Contrast],
) -> Option<WaldTest> {
    if contrasts.is_empty() {
        return None;
    }
    let mut lb = Vec::with_capacity(contrasts.len());
    for c in contrasts {
        let mut v = 0.0;
        for &(j, w) in c {
            v += w * coef.get(j).copied().flatten()?;
        }
        lb.push(v);
    }
    let mut lvl = SymMatrix::zeros(contrasts.len());
    for (a, ca) in contrasts.iter().enumerate() {
        for (b, cb) in contrasts.iter().enumerate().take(a + 1) {
            let mut v = 0.0;
            for &(j, wj) in ca {
                for &(k, wk) in cb {
                    v += wj * wk * var(j, k)?;
                }
            }
            lvl.set(a, b, v);
            lvl.set(b, a, v);
        }
    }
    let (stat, rank) = quadratic_form(&lvl, &lb, CHOLESKY_TOLERANCE)?;
    let df = contrasts.len();
    (rank == df && stat.is_finite()).then(|| WaldTest {
        stat,
        df,
        p: chi_square_upper(stat, df as f64),
    })
}

/// b' V⁻ b with V's generalised inverse (aliased directions, pivots below
/// `tolerance`, contribute nothing; R's `coxph.wtest`), and V's rank;
/// `None` when V is not positive semi-definite.
pub fn quadratic_form(v: &SymMatrix, b: &[f64], tolerance: f64) -> Option<(f64, usize)> {
    let chol = Cholesky::new(v, tolerance)?;
    let x = chol.solve(b);
    Some((b.iter().zip(&x).map(|(b, x)| b * x).sum(), chol.rank()))
}

/// Tests that the coefficients `columns` are all 0; aliased ones (no
/// coefficient) are left out, as R drops them.
pub fn wald_test_zero(
    coef: &[Option<f64>],
    var: &dyn Fn(usize, usize) -> Option<f64>,
    columns: &[usize],
) -> Option<WaldTest> {
    let contrasts: Vec<Contrast> = columns
        .iter()
        .copied()
        .filter(|&j| coef.get(j).copied().flatten().is_some())
        .map(|j| vec![(j, 1.0)])
        .collect();
    wald_test(coef, var, &contrasts)
}

/// The variance lookup of a matrix stored as rows (`var[j][k]`).
pub fn rows_variance(var: &[Vec<f64>]) -> impl Fn(usize, usize) -> Option<f64> + '_ {
    move |j, k| var.get(j).and_then(|row| row.get(k)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagonal_variance_sums_squared_z() {
        // Independent coefficients: X² is the sum of (b/se)².
        let coef = [Some(1.0), Some(-2.0), None];
        let var = vec![
            vec![0.25, 0.0, 0.0],
            vec![0.0, 4.0, 0.0],
            vec![0.0, 0.0, 1.0],
        ];
        let t = wald_test_zero(&coef, &rows_variance(&var), &[0, 1, 2]).unwrap();
        assert_eq!(t.df, 2);
        assert!((t.stat - (4.0 + 1.0)).abs() < 1e-12);
        assert!((t.p - (-2.5f64).exp()).abs() < 1e-12);
    }

    #[test]
    fn a_contrast_of_two_correlated_coefficients() {
        // b1 - b0 = 1 with var = V00 + V11 - 2 V01 = 1 + 2 - 2*0.5 = 2: X² = 1/2.
        let coef = [Some(0.5), Some(1.5)];
        let var = vec![vec![1.0, 0.5], vec![0.5, 2.0]];
        let t = wald_test(&coef, &rows_variance(&var), &[vec![(1, 1.0), (0, -1.0)]]).unwrap();
        assert!((t.stat - 0.5).abs() < 1e-12);
        assert_eq!(t.df, 1);
    }

    #[test]
    fn singular_or_missing_is_none() {
        let coef = [Some(1.0), Some(1.0)];
        let var = vec![vec![1.0, 1.0], vec![1.0, 1.0]];
        assert!(wald_test_zero(&coef, &rows_variance(&var), &[0, 1]).is_none());
        assert!(wald_test_zero(&[None], &rows_variance(&var), &[0]).is_none());
        assert!(wald_test(&coef, &rows_variance(&var), &[]).is_none());
    }
}
