//! From the caller's columns to the fitters' working problem: input checks,
//! the intercept, and aliased (collinear) columns found by a Householder QR
//! with R's `dqrdc2` rule, so the dropped terms are the ones R reports as NA.

use super::kernel::cross_products;
use super::patterns::{self, Patterns};
use super::{LogisticError, LogisticInput, INTERCEPT};
use crate::linalg::{Cholesky, SymMatrix};
use crate::warning::{AliasReason, KernelWarning};

/// The numeric problem the fitters work on: estimable columns only, stored
/// column by column so that the blocked passes in `kernel` read contiguous
/// slices.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    /// Rows.
    pub n: usize,
    /// Estimable columns.
    pub p: usize,
    /// Column-major n x p: column j is `x[j * n..(j + 1) * n]`.
    pub x: Vec<f64>,
    /// Successes per row.
    pub y: Vec<f64>,
    /// Trials per row (all 1 for a 0/1 outcome).
    pub m: Vec<f64>,
    /// Sum of the saturated model's log-likelihood kernel (0 for 0/1 data).
    pub loglik_saturated: f64,
    /// Sum of log binomial coefficients (0 for 0/1 data): turns the kernel
    /// into R's `logLik`.
    pub loglik_constant: f64,
    /// Position of the intercept among the estimable columns.
    pub intercept: Option<usize>,
    /// The rows are covariate patterns of a 0/1 outcome (`y` events of `m`
    /// rows, see `patterns`): R's starting values are then those of the
    /// pattern's rows with and without the event, not of a binomial row.
    pub bernoulli_groups: bool,
    /// Largest |value| of each column: bounds |x_i'd| without a pass (see
    /// [`Problem::move_bound`]).
    pub max_abs: Vec<f64>,
}

impl Problem {
    /// Column j (empty when out of range).
    #[inline]
    pub fn col(&self, j: usize) -> &[f64] {
        self.x.get(j * self.n..(j + 1) * self.n).unwrap_or(&[])
    }

    /// Residual deviance from a log-likelihood kernel.
    pub fn deviance(&self, loglik_kernel: f64) -> f64 {
        2.0 * (self.loglik_saturated - loglik_kernel)
    }

    /// An upper bound on max_i |x_i'd|, sum_j |d_j| max_i |x_ij|, enlarged by
    /// 1e-9 of itself to cover rounding in both it and a computed x_i'd. A
    /// pass that only compares max |x_i'd| with a threshold above the bound
    /// need not run: its answer is known.
    pub fn move_bound(&self, d: &[f64]) -> f64 {
        let b: f64 = d
            .iter()
            .zip(&self.max_abs)
            .map(|(dj, m)| dj.abs() * m)
            .sum();
        if self.max_abs.len() < d.len() {
            return f64::INFINITY;
        }
        b * (1.0 + 1e-9)
    }

    /// Range (max - min) of each column, used to judge which coefficients
    /// carry a separating direction.
    pub fn column_ranges(&self) -> Vec<f64> {
        (0..self.p)
            .map(|j| {
                let c = self.col(j);
                let hi = c.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
                let lo = c.iter().fold(f64::INFINITY, |a, &b| a.min(b));
                if c.is_empty() {
                    0.0
                } else {
                    hi - lo
                }
            })
            .collect()
    }
}

/// The prepared design: every term (aliased ones included, for reporting)
/// and the working problem over the estimable ones.
#[derive(Debug, Clone)]
pub(crate) struct Design {
    pub problem: Problem,
    /// Rows of the data (the problem's rows may be covariate patterns).
    pub n_rows: usize,
    /// All term names, intercept first when present.
    pub names: Vec<String>,
    /// For each estimable column of `problem`, its index in `names`.
    pub kept: Vec<usize>,
    pub n_events: f64,
    pub n_trials: f64,
    pub has_intercept: bool,
    pub warnings: Vec<KernelWarning>,
}

impl Design {
    /// Checks the input and builds the working problem. `qr_tolerance` is
    /// R's `min(1e-7, epsilon / 1000)`.
    #[inline(never)]
    pub fn build(
        input: &LogisticInput,
        intercept: bool,
        qr_tolerance: f64,
    ) -> Result<Design, LogisticError> {
        let n = input.y.len();
        if n == 0 {
            return Err(LogisticError::NoRows);
        }
        if input.columns.len() != input.term_names.len() {
            return Err(LogisticError::TermCountMismatch {
                columns: input.columns.len(),
                names: input.term_names.len(),
            });
        }
        if !intercept && input.columns.is_empty() {
            return Err(LogisticError::NoTerms);
        }
        let mut input_max_abs: Vec<f64> = Vec::with_capacity(input.columns.len());
        for (col, name) in input.columns.iter().zip(input.term_names) {
            if col.len() != n {
                return Err(LogisticError::LengthMismatch {
                    what: format!("term '{name}'"),
                    expected: n,
                    found: col.len(),
                });
            }
            // Largest |value|, read in the same pass as the finiteness check
            // (f64::max skips NaN, hence the flag).
            let (big, nan) = largest_abs(col);
            if nan || !big.is_finite() {
                let i = col.iter().position(|v| !v.is_finite()).unwrap_or(0);
                return Err(LogisticError::NonFinite {
                    what: format!("term '{name}'"),
                    row: i + 1,
                });
            }
            input_max_abs.push(big);
        }
        // Trials per row; `None` for a 0/1 outcome (one each: the vector is
        // only built when the rows are fitted as they are).
        let m: Option<Vec<f64>> = match input.trials {
            Some(t) => {
                if t.len() != n {
                    return Err(LogisticError::LengthMismatch {
                        what: "trials".to_string(),
                        expected: n,
                        found: t.len(),
                    });
                }
                if let Some(i) = t
                    .iter()
                    .position(|v| !(v.is_finite() && *v >= 1.0 && v.fract() == 0.0 && *v <= 1e15))
                {
                    return Err(LogisticError::InvalidTrials {
                        row: i + 1,
                        value: t[i],
                    });
                }
                Some(t.to_vec())
            }
            None => None,
        };
        // A 0/1 outcome is checked first without a branch per row (the
        // outcome's order is random, so a branch mispredicts half the
        // time); the loop below finds the first bad row when there is one.
        let binary_valid = m.is_none()
            && input
                .y
                .iter()
                .fold(true, |ok, &y| ok & ((y == 0.0) | (y == 1.0)));
        let to_check: &[f64] = if binary_valid { &[] } else { input.y };
        for (i, &y) in to_check.iter().enumerate() {
            let mi = match &m {
                Some(m) => m.get(i).copied().unwrap_or(1.0),
                None => 1.0,
            };
            if !y.is_finite() {
                return Err(LogisticError::NonFinite {
                    what: "the outcome".to_string(),
                    row: i + 1,
                });
            }
            // (A 0/1 outcome is checked without `fract`, a libm call per
            // row on targets without a rounding instruction.)
            let valid = if m.is_none() {
                y == 0.0 || y == 1.0
            } else {
                !(y < 0.0 || y > mi || y.fract() != 0.0)
            };
            if !valid {
                return Err(LogisticError::InvalidOutcome {
                    row: i + 1,
                    value: y,
                    binary: input.trials.is_none(),
                });
            }
        }
        let n_events: f64 = input.y.iter().sum();
        let n_trials: f64 = match &m {
            Some(m) => m.iter().sum(),
            None => n as f64,
        };
        if n_events == 0.0 {
            return Err(LogisticError::NoEvents);
        }
        if n_events == n_trials {
            return Err(LogisticError::AllEvents);
        }

        // A 0/1 outcome with few distinct covariate rows is fitted on its
        // patterns (same estimates, SEs and likelihood; see `patterns`).
        let mut grouped: Option<Patterns> = if input.trials.is_none() {
            let raw: Vec<&[f64]> = input.columns.iter().map(Vec::as_slice).collect();
            patterns::collapse(&raw, input.y)
        } else {
            None
        };

        let mut names: Vec<String> = Vec::with_capacity(input.columns.len() + 1);
        if intercept {
            names.push(INTERCEPT.to_string());
        }
        names.extend(input.term_names.iter().cloned());

        // The screen on the patterns is X'X of the rows (each pattern
        // weighted by its count); when it cannot rule aliasing out, the
        // exact QR runs on the rows, as without patterns.
        let screen_passed = match &grouped {
            Some(g) => {
                let ones = if intercept {
                    vec![1.0; g.len()]
                } else {
                    Vec::new()
                };
                let cols = with_intercept(&ones, &g.columns, intercept);
                screen_finds_no_collinearity(&cols, g.len(), Some(&g.trials))
            }
            None => false,
        };
        let ones_rows = if intercept && !(screen_passed && grouped.is_some()) {
            vec![1.0; n]
        } else {
            Vec::new()
        };
        let row_cols = with_intercept(&ones_rows, input.columns, intercept);
        let aliasing = if screen_passed
            || (grouped.is_none() && screen_finds_no_collinearity(&row_cols, n, None))
        {
            vec![None; names.len()]
        } else {
            grouped = None;
            find_aliased_columns(&row_cols, n, qr_tolerance)
        };
        let mut warnings = Vec::new();
        let mut kept = Vec::new();
        for (j, status) in aliasing.iter().enumerate() {
            match status {
                None => kept.push(j),
                Some(deps) => warnings.push(aliased_warning(&names, &row_cols, j, deps, intercept)),
            }
        }
        if kept.is_empty() {
            return Err(LogisticError::NoEstimableTerms);
        }

        let p = kept.len();
        let max_abs: Vec<f64> = kept
            .iter()
            .map(|&j| match (intercept, j) {
                (true, 0) => 1.0,
                (true, j) => input_max_abs.get(j - 1).copied().unwrap_or(f64::INFINITY),
                (false, j) => input_max_abs.get(j).copied().unwrap_or(f64::INFINITY),
            })
            .collect();
        if let Some(g) = grouped {
            let k = g.len();
            let ones = if intercept { vec![1.0; k] } else { Vec::new() };
            let cols = with_intercept(&ones, &g.columns, intercept);
            let mut x = Vec::with_capacity(k * p);
            for &j in &kept {
                if let Some(col) = cols.get(j) {
                    x.extend_from_slice(col);
                }
            }
            let problem = Problem {
                n: k,
                p,
                x,
                y: g.successes,
                m: g.trials,
                loglik_saturated: 0.0,
                loglik_constant: 0.0,
                intercept: if intercept { Some(0) } else { None },
                bernoulli_groups: true,
                max_abs,
            };
            return Ok(Design {
                problem,
                n_rows: n,
                names,
                kept,
                n_events,
                n_trials,
                has_intercept: intercept,
                warnings,
            });
        }
        let mut x = Vec::with_capacity(n * p);
        for &j in &kept {
            if intercept && j == 0 {
                x.resize(x.len() + n, 1.0);
            } else if let Some(col) = row_cols.get(j) {
                x.extend_from_slice(col);
            }
        }
        let y = input.y.to_vec();
        let m = m.unwrap_or_else(|| vec![1.0; n]);
        let mut loglik_saturated = 0.0;
        let mut loglik_constant = 0.0;
        if input.trials.is_some() {
            for (&yi, &mi) in y.iter().zip(&m) {
                if mi > 1.0 {
                    let f = yi / mi;
                    if yi > 0.0 {
                        loglik_saturated += yi * f.ln();
                    }
                    if yi < mi {
                        loglik_saturated += (mi - yi) * (1.0 - f).ln();
                    }
                    loglik_constant += statrs::function::gamma::ln_gamma(mi + 1.0)
                        - statrs::function::gamma::ln_gamma(yi + 1.0)
                        - statrs::function::gamma::ln_gamma(mi - yi + 1.0);
                }
            }
        }
        let problem = Problem {
            n,
            p,
            x,
            y,
            m,
            loglik_saturated,
            loglik_constant,
            intercept: if intercept { Some(0) } else { None },
            bernoulli_groups: false,
            max_abs,
        };
        Ok(Design {
            problem,
            n_rows: n,
            names,
            kept,
            n_events,
            n_trials,
            has_intercept: intercept,
            warnings,
        })
    }
}

/// Largest |value| of `col` and whether it holds a NaN (which f64::max
/// would skip), with four independent maxima: one pass, no serial chain.
fn largest_abs(col: &[f64]) -> (f64, bool) {
    let mut big = [0.0_f64; 4];
    let mut nan = false;
    let chunks = col.chunks_exact(4);
    let rest = chunks.remainder();
    for c in chunks {
        for (b, v) in big.iter_mut().zip(c) {
            let a = v.abs();
            *b = if a > *b { a } else { *b };
            nan |= v.is_nan();
        }
    }
    for v in rest {
        let a = v.abs();
        big[0] = if a > big[0] { a } else { big[0] };
        nan |= v.is_nan();
    }
    (big[0].max(big[1]).max(big[2].max(big[3])), nan)
}

/// The intercept column (when present) followed by `columns`.
fn with_intercept<'a>(ones: &'a [f64], columns: &'a [Vec<f64>], intercept: bool) -> Vec<&'a [f64]> {
    let mut cols: Vec<&[f64]> = Vec::with_capacity(columns.len() + 1);
    if intercept {
        cols.push(ones);
    }
    cols.extend(columns.iter().map(Vec::as_slice));
    cols
}

/// Why column `j` (aliased on `deps`) cannot be estimated.
fn aliased_warning(
    names: &[String],
    cols: &[&[f64]],
    j: usize,
    deps: &[usize],
    intercept: bool,
) -> KernelWarning {
    let term = names.get(j).cloned().unwrap_or_else(|| "?".to_string());
    let col = cols.get(j).copied().unwrap_or(&[]);
    let first = col.first().copied().unwrap_or(0.0);
    let constant = col.iter().all(|&v| v == first);
    let reason = if constant && first == 0.0 {
        AliasReason::Zero
    } else if constant && intercept {
        AliasReason::Constant { value: first }
    } else {
        AliasReason::LinearCombination {
            of: deps.iter().filter_map(|&d| names.get(d).cloned()).collect(),
        }
    };
    KernelWarning::AliasedTerm { term, reason }
}

/// Cheap screen: the Cholesky pivots of the correlation-scaled X'X are the
/// squared residual-norm ratios that R's QR compares with tol^2 (1e-22);
/// when every pivot exceeds 1e-8 no column can be aliased and the QR is
/// skipped. Otherwise the exact QR decides.
fn screen_finds_no_collinearity(cols: &[&[f64]], n: usize, weights: Option<&[f64]>) -> bool {
    let g = cross_products(cols, n, weights);
    let p = g.dim();
    let d: Vec<f64> = (0..p).map(|j| g.get(j, j)).collect();
    if d.iter().any(|&v| !(v > 0.0 && v.is_finite())) {
        return false;
    }
    let mut s = SymMatrix::zeros(p);
    for j in 0..p {
        for k in j..p {
            s.set(j, k, g.get(j, k) / (d[j] * d[k]).sqrt());
        }
    }
    matches!(Cholesky::new(&s, 1e-8), Some(c) if c.aliased().is_empty())
}

/// For each column, `None` when it is estimable or `Some(earlier columns it
/// depends on)` when aliased. Householder QR in the given column order with
/// `dqrdc2`'s limited pivoting rule: a column whose norm, after removing the
/// earlier estimable columns, falls below `tol` times its original norm is
/// aliased (R moves it to the end and reports NA).
fn find_aliased_columns(cols: &[&[f64]], n: usize, tol: f64) -> Vec<Option<Vec<usize>>> {
    let p = cols.len();
    let mut a: Vec<Vec<f64>> = cols.iter().map(|c| c.to_vec()).collect();
    let norm0: Vec<f64> = a.iter().map(|c| norm(c)).collect();
    let mut result: Vec<Option<Vec<usize>>> = vec![None; p];
    let mut kept: Vec<usize> = Vec::new();
    let mut rank = 0usize;
    for j in 0..p {
        let res = a.get(j).map_or(0.0, |c| norm(c.get(rank..).unwrap_or(&[])));
        let scale = if norm0[j] > 0.0 { norm0[j] } else { 1.0 };
        if rank >= n || res < tol * scale {
            result[j] = Some(dependencies(&a, &kept, j, rank, &norm0));
            continue;
        }
        // Householder vector v = x - alpha e1 on rows rank..n.
        let (head, rest) = a.split_at_mut(j + 1);
        let col = &mut head[j];
        let x0 = col[rank];
        let alpha = if x0 >= 0.0 { -res } else { res };
        let mut v: Vec<f64> = col[rank..].to_vec();
        v[0] -= alpha;
        let vv: f64 = v.iter().map(|t| t * t).sum();
        if vv > 0.0 {
            for other in rest.iter_mut() {
                let seg = &mut other[rank..];
                let dot: f64 = seg.iter().zip(&v).map(|(s, t)| s * t).sum();
                let f = 2.0 * dot / vv;
                for (s, t) in seg.iter_mut().zip(&v) {
                    *s -= f * t;
                }
            }
        }
        col[rank] = alpha;
        for s in col[rank + 1..].iter_mut() {
            *s = 0.0;
        }
        kept.push(j);
        rank += 1;
    }
    result
}

/// Earlier estimable columns that column `j` (aliased) is built from: the
/// non-negligible coefficients of R c = Q'x_j.
fn dependencies(
    a: &[Vec<f64>],
    kept: &[usize],
    j: usize,
    rank: usize,
    norm0: &[f64],
) -> Vec<usize> {
    let b: Vec<f64> = a[j].iter().take(rank).copied().collect();
    let mut c = vec![0.0; rank];
    for k in (0..rank).rev() {
        let mut s = b.get(k).copied().unwrap_or(0.0);
        for l in (k + 1)..rank {
            s -= a[kept[l]][k] * c[l];
        }
        let d = a[kept[k]][k];
        c[k] = if d != 0.0 { s / d } else { 0.0 };
    }
    let scale = norm0[j].max(f64::MIN_POSITIVE);
    kept.iter()
        .zip(&c)
        .filter(|(&col, &ck)| (ck * norm0[col]).abs() > 1e-7 * scale)
        .map(|(&col, _)| col)
        .collect()
}

fn norm(v: &[f64]) -> f64 {
    // Scaled to avoid overflow for columns with huge values.
    let big = v.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    if big == 0.0 || !big.is_finite() {
        return big;
    }
    let s: f64 = v.iter().map(|x| (x / big) * (x / big)).sum();
    big * s.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_constant_column_and_a_sum() {
        let one = [1.0; 5];
        let a = [1.0, 2.0, 3.0, 4.0, 6.0];
        let c = [3.0; 5];
        let b = [0.0, 1.0, 0.0, 1.0, 1.0];
        let s: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x + 2.0 * y).collect();
        let cols: Vec<&[f64]> = vec![&one, &a, &c, &b, &s];
        let r = find_aliased_columns(&cols, 5, 1e-11);
        assert!(r[0].is_none() && r[1].is_none() && r[3].is_none());
        assert_eq!(r[2], Some(vec![0]));
        assert_eq!(r[4], Some(vec![1, 3]));
    }

    #[test]
    fn largest_abs_sees_every_value() {
        assert_eq!(largest_abs(&[1.0, -7.0, 2.0, 3.0, 0.5, -8.5]), (8.5, false));
        assert_eq!(largest_abs(&[]), (0.0, false));
        assert!(largest_abs(&[1.0, f64::NAN, 2.0]).1);
        assert!(largest_abs(&[1.0, 2.0, 3.0, 4.0, f64::NAN]).1);
        assert_eq!(largest_abs(&[1.0, f64::NEG_INFINITY, 2.0]).0, f64::INFINITY);
    }

    #[test]
    fn more_columns_than_rows_are_aliased() {
        let one = [1.0; 2];
        let a = [1.0, 2.0];
        let b = [5.0, -1.0];
        let cols: Vec<&[f64]> = vec![&one, &a, &b];
        let r = find_aliased_columns(&cols, 2, 1e-11);
        assert!(r[0].is_none() && r[1].is_none());
        assert!(r[2].is_some());
    }
}
