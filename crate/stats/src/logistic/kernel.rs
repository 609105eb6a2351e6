//! The row passes behind every fit: one pass per iteration accumulates
//! X'WX, the score and the log-likelihood. Rows are processed in blocks of
//! `BLOCK` held in cache, column by column, so the inner loops are plain
//! vector operations (axpy and dot products with independent accumulators)
//! that compile to SIMD natively and in wasm.

use super::design::Problem;
use crate::linalg::{Cholesky, SymMatrix, CHOLESKY_TOLERANCE};

/// Rows per block: the block's slices of all columns stay in L1/L2.
pub(crate) const BLOCK: usize = 256;

/// Dot product with four independent accumulators (breaks the dependency
/// chain; the order of summation is fixed, so results are reproducible).
#[inline]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let ca = a.chunks_exact(4);
    let cb = b.chunks_exact(4);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        acc[0] += x[0] * y[0];
        acc[1] += x[1] * y[1];
        acc[2] += x[2] * y[2];
        acc[3] += x[3] * y[3];
    }
    let mut tail = 0.0;
    for (x, y) in ra.iter().zip(rb) {
        tail += x * y;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// `K` dot products a.b_k at once, each summed exactly as [`dot`] sums it
/// (the same four accumulators in the same order, so the results are
/// bitwise [`dot`]'s): `a` is loaded once for the K products, which the
/// information matrix's rows need (one weighted column against the rest).
#[inline]
fn dots<const K: usize>(a: &[f64], b: [&[f64]; K]) -> [f64; K] {
    let len = b.iter().fold(a.len(), |l, s| l.min(s.len()));
    let a = &a[..len];
    let b = b.map(|s| &s[..len]);
    let mut acc = [[0.0; 4]; K];
    let body = len - len % 4;
    let mut i = 0;
    while i < body {
        let x = &a[i..i + 4];
        for (acc, bk) in acc.iter_mut().zip(&b) {
            let y = &bk[i..i + 4];
            acc[0] += x[0] * y[0];
            acc[1] += x[1] * y[1];
            acc[2] += x[2] * y[2];
            acc[3] += x[3] * y[3];
        }
        i += 4;
    }
    let mut out = [0.0; K];
    for ((o, acc), bk) in out.iter_mut().zip(&acc).zip(&b) {
        let mut tail = 0.0;
        for (x, y) in a[body..].iter().zip(&bk[body..]) {
            tail += x * y;
        }
        *o = (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail;
    }
    out
}

/// y += a x
#[inline]
fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

/// mu, mu (1 - mu) and ln(1 + exp(-|eta|)), without cancellation or
/// overflow for large |eta|.
#[inline]
pub(crate) fn logistic_parts(eta: f64) -> (f64, f64, f64) {
    let e = (-eta.abs()).exp();
    let d = 1.0 + e;
    let mu = if eta >= 0.0 { 1.0 / d } else { e / d };
    (mu, e / (d * d), e.ln_1p())
}

/// mu, mu (1 - mu) and 1 + exp(-|eta|), whose logarithm is the
/// log-likelihood's term (the same arithmetic as [`logistic_parts`]).
#[inline]
fn logistic_mean(eta: f64) -> (f64, f64, f64) {
    let e = (-eta.abs()).exp();
    let d = 1.0 + e;
    let mu = if eta >= 0.0 { 1.0 / d } else { e / d };
    (mu, e / (d * d), d)
}

/// A row's parts at R's `mustart` = (y + 0.5) / (m + 1).
#[derive(Debug, Clone, Copy)]
struct StartParts {
    eta: f64,
    mu: f64,
    v: f64,
    l1p: f64,
}

impl StartParts {
    fn new(y: f64, m: f64) -> StartParts {
        let eta = ((y + 0.5) / (m - y + 0.5)).ln();
        let (mu, v, l1p) = logistic_parts(eta);
        StartParts { eta, mu, v, l1p }
    }
}

/// Upper triangle packed row by row into a full symmetric matrix.
fn unpack(tri: &[f64], p: usize) -> SymMatrix {
    let mut m = SymMatrix::zeros(p);
    let mut idx = 0;
    for j in 0..p {
        for k in j..p {
            m.set(j, k, tri.get(idx).copied().unwrap_or(0.0));
            idx += 1;
        }
    }
    m
}

/// Linear predictor of one block of rows.
fn block_eta(problem: &Problem, beta: &[f64], start: usize, eta: &mut [f64]) {
    eta.fill(0.0);
    let end = start + eta.len();
    for (j, &b) in beta.iter().enumerate() {
        if b != 0.0 {
            axpy(b, &problem.col(j)[start..end], eta);
        }
    }
}

/// The full linear predictor X beta.
pub(crate) fn linear_predictor(problem: &Problem, beta: &[f64]) -> Vec<f64> {
    let mut eta = vec![0.0; problem.n];
    for (j, &b) in beta.iter().enumerate() {
        axpy(b, problem.col(j), &mut eta);
    }
    eta
}

/// Smallest and largest entry of X beta (NaN propagates to both), a block
/// at a time.
pub(crate) fn linear_predictor_range(problem: &Problem, beta: &[f64]) -> (f64, f64) {
    let mut eta = [0.0; BLOCK];
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut start = 0;
    while start < problem.n {
        let len = BLOCK.min(problem.n - start);
        let eta = &mut eta[..len];
        block_eta(problem, beta, start, eta);
        for &e in eta.iter() {
            if e.is_nan() {
                return (f64::NAN, f64::NAN);
            }
            lo = lo.min(e);
            hi = hi.max(e);
        }
        start += len;
    }
    (lo, hi)
}

/// One pass over the rows at given coefficients.
#[derive(Debug, Clone)]
pub(crate) struct Pass {
    /// X'WX with W = m mu (1 - mu).
    pub info: SymMatrix,
    /// X'(y - m mu), or for the starting pass X'(W eta + y - m mu).
    pub score: Vec<f64>,
    /// Sum of y ln mu + (m - y) ln(1 - mu).
    pub loglik: f64,
}

/// The single pass per iteration: eta, mu, weights, log-likelihood, X'WX
/// and the score. With `from_start`, eta comes from R's `mustart`
/// ((y + 0.5) / (m + 1)) instead of `beta` and the score is the IRLS
/// right-hand side X'W z.
pub(crate) fn accumulate(problem: &Problem, beta: &[f64], from_start: bool) -> Pass {
    let (n, p) = (problem.n, problem.p);
    let mut tri = vec![0.0; p * (p + 1) / 2];
    let mut score = vec![0.0; p];
    let mut loglik = 0.0;
    let mut eta = [0.0; BLOCK];
    let mut w = [0.0; BLOCK];
    let mut r = [0.0; BLOCK];
    let mut wx = [0.0; BLOCK];
    let binary_start = [StartParts::new(0.0, 1.0), StartParts::new(1.0, 1.0)];
    let mut start = 0;
    while start < n {
        let len = BLOCK.min(n - start);
        let end = start + len;
        let (eta, w, r, wx) = (
            &mut eta[..len],
            &mut w[..len],
            &mut r[..len],
            &mut wx[..len],
        );
        let (y, m) = (&problem.y[start..end], &problem.m[start..end]);
        if from_start && problem.bernoulli_groups {
            // Covariate patterns of a 0/1 outcome: R starts each row from its
            // own outcome, so a pattern's terms are those of its y rows with
            // the event plus its m - y rows without (the sums the row pass
            // would form, see `patterns`).
            let (s0, s1) = (binary_start[0], binary_start[1]);
            for (((e, &yi), &mi), (wi, ri)) in eta
                .iter_mut()
                .zip(y)
                .zip(m)
                .zip(w.iter_mut().zip(r.iter_mut()))
            {
                let n0 = mi - yi;
                *e = 0.0;
                *wi = yi * s1.v + n0 * s0.v;
                loglik -= yi * (s1.l1p + (-s1.eta).max(0.0)) + n0 * (s0.l1p + s0.eta.max(0.0));
                *ri = yi * (1.0 - s1.mu + s1.v * s1.eta) + n0 * (s0.v * s0.eta - s0.mu);
            }
        } else if from_start {
            for (((e, &yi), &mi), (wi, ri)) in eta
                .iter_mut()
                .zip(y)
                .zip(m)
                .zip(w.iter_mut().zip(r.iter_mut()))
            {
                // A 0/1 outcome has two starting rows only: their parts are
                // looked up, not recomputed a million times.
                let StartParts {
                    eta: e0,
                    mu,
                    v,
                    l1p,
                } = match (yi, mi) {
                    (0.0, 1.0) => binary_start[0],
                    (1.0, 1.0) => binary_start[1],
                    _ => StartParts::new(yi, mi),
                };
                *e = e0;
                *wi = mi * v;
                loglik -= mi * l1p + yi * (-e0).max(0.0) + (mi - yi) * e0.max(0.0);
                *ri = yi - mi * mu + *wi * e0;
            }
        } else {
            block_eta(problem, beta, start, eta);
            // ln(1 + e^-|eta|) summed as the logarithm of the block's
            // product (each factor in [1, 2], so 256 of them stay finite):
            // one logarithm per block instead of one per row. The sum moves
            // by at most ~1e-16 per row; the fit's steps do not use it.
            let mut product = 1.0;
            for ((((&e, &yi), &mi), wi), ri) in
                eta.iter().zip(y).zip(m).zip(w.iter_mut()).zip(r.iter_mut())
            {
                // (No memo of recent linear predictors: designs with few
                // distinct rows are fitted on their patterns, see `patterns`.)
                let (mu, v, d) = logistic_mean(e);
                *wi = mi * v;
                if mi == 1.0 {
                    product *= d;
                } else {
                    loglik -= mi * d.ln();
                }
                loglik -= yi * (-e).max(0.0) + (mi - yi) * e.max(0.0);
                *ri = yi - mi * mu;
            }
            loglik -= product.ln();
        }
        let mut rest: &mut [f64] = &mut tri;
        for (j, s) in score.iter_mut().enumerate() {
            let xj = &problem.col(j)[start..end];
            *s += dot(xj, r);
            for ((t, &wi), &x) in wx.iter_mut().zip(w.iter()).zip(xj) {
                *t = wi * x;
            }
            // Row j of the packed upper triangle: entries (j, j..p).
            let (row, tail) = rest.split_at_mut(p - j);
            let col = |k: usize| problem.col(j + k).get(start..end).unwrap_or(&[]);
            let mut k = 0;
            while k + 4 <= row.len() {
                let d = dots(wx, [col(k), col(k + 1), col(k + 2), col(k + 3)]);
                for (t, v) in row[k..k + 4].iter_mut().zip(d) {
                    *t += v;
                }
                k += 4;
            }
            if k + 2 <= row.len() {
                let d = dots(wx, [col(k), col(k + 1)]);
                for (t, v) in row[k..k + 2].iter_mut().zip(d) {
                    *t += v;
                }
                k += 2;
            }
            if let Some(t) = row.get_mut(k) {
                *t += dot(wx, col(k));
            }
            rest = tail;
        }
        start = end;
    }
    Pass {
        info: unpack(&tri, p),
        score,
        loglik,
    }
}

/// Firth's modified score U* = X'(y - m mu + h (1/2 - mu)), with the hat
/// values h_i = w_i x_i' A x_i and A = I^-1 (a second pass: h needs A).
pub(crate) fn modified_score(problem: &Problem, beta: &[f64], inv: &SymMatrix) -> Vec<f64> {
    let (n, p) = (problem.n, problem.p);
    let mut score = vec![0.0; p];
    let mut eta = [0.0; BLOCK];
    let mut q = [0.0; BLOCK];
    let mut acc = [0.0; BLOCK];
    let mut r = [0.0; BLOCK];
    let mut start = 0;
    while start < n {
        let len = BLOCK.min(n - start);
        let end = start + len;
        let (eta, q, acc, r) = (
            &mut eta[..len],
            &mut q[..len],
            &mut acc[..len],
            &mut r[..len],
        );
        block_eta(problem, beta, start, eta);
        // q_i = x_i' A x_i = sum_j x_ij (A_jj x_ij + 2 sum_{k>j} A_jk x_ik)
        q.fill(0.0);
        for j in 0..p {
            let xj = &problem.col(j)[start..end];
            for (a, &x) in acc.iter_mut().zip(xj) {
                *a = inv.get(j, j) * x;
            }
            for k in (j + 1)..p {
                axpy(2.0 * inv.get(j, k), &problem.col(k)[start..end], acc);
            }
            for ((qi, &a), &x) in q.iter_mut().zip(acc.iter()).zip(xj) {
                *qi += a * x;
            }
        }
        let (y, m) = (&problem.y[start..end], &problem.m[start..end]);
        for ((((ri, &e), &qi), &yi), &mi) in
            r.iter_mut().zip(eta.iter()).zip(q.iter()).zip(y).zip(m)
        {
            let (mu, v, _) = logistic_parts(e);
            let h = mi * v * qi;
            *ri = yi - mi * mu + h * (0.5 - mu);
        }
        for (j, s) in score.iter_mut().enumerate() {
            *s += dot(&problem.col(j)[start..end], r);
        }
        start = end;
    }
    score
}

/// Cholesky factor of D^-1/2 A D^-1/2 (D = diag A): the aliasing tolerance
/// is then relative to each column's own scale, so a covariate in large
/// units (a timestamp, an income) does not make a small-scale column look
/// aliased, as R's column-wise QR tolerance also ensures.
#[derive(Debug, Clone)]
pub(crate) struct Factor {
    chol: Cholesky,
    /// D^-1/2 (1 for a zero diagonal).
    scale: Vec<f64>,
}

impl Factor {
    /// `None` when `a` is not positive semi-definite or not finite.
    pub fn new(a: &SymMatrix) -> Option<Factor> {
        let p = a.dim();
        let scale: Vec<f64> = (0..p)
            .map(|j| {
                if a.get(j, j) > 0.0 {
                    1.0 / a.get(j, j).sqrt()
                } else {
                    1.0
                }
            })
            .collect();
        let mut s = SymMatrix::zeros(p);
        for j in 0..p {
            for k in j..p {
                s.set(j, k, a.get(j, k) * scale[j] * scale[k]);
            }
        }
        let chol = Cholesky::new(&s, CHOLESKY_TOLERANCE)?;
        Some(Factor { chol, scale })
    }

    /// Columns found (numerically) linearly dependent.
    pub fn aliased(&self) -> Vec<usize> {
        self.chol.aliased()
    }

    /// Solves A x = b (aliased components 0).
    pub fn solve(&self, b: &[f64]) -> Vec<f64> {
        let sb: Vec<f64> = b.iter().zip(&self.scale).map(|(v, s)| v * s).collect();
        self.chol
            .solve(&sb)
            .iter()
            .zip(&self.scale)
            .map(|(v, s)| v * s)
            .collect()
    }

    /// A^-1 (rows and columns of aliased columns 0).
    pub fn inverse(&self) -> SymMatrix {
        let mut inv = self.chol.inverse();
        let p = inv.dim();
        for j in 0..p {
            for k in j..p {
                inv.set(j, k, inv.get(j, k) * self.scale[j] * self.scale[k]);
            }
        }
        inv
    }

    /// log det A over the non-aliased columns.
    pub fn log_det(&self) -> f64 {
        let aliased = self.chol.aliased();
        let log_d: f64 = self
            .scale
            .iter()
            .enumerate()
            .filter(|(j, _)| !aliased.contains(j))
            .map(|(_, s)| -2.0 * s.ln())
            .sum();
        self.chol.log_det() + log_d
    }
}

/// Cross-product matrix X'X of raw columns (for the collinearity screen),
/// or X'WX with the rows' `weights` (covariate patterns and their counts).
pub(crate) fn cross_products(cols: &[&[f64]], n: usize, weights: Option<&[f64]>) -> SymMatrix {
    let p = cols.len();
    let mut tri = vec![0.0; p * (p + 1) / 2];
    let mut wx = [0.0; BLOCK];
    let mut start = 0;
    while start < n {
        let end = (start + BLOCK).min(n);
        let mut idx = 0;
        for j in 0..p {
            let xj = &cols[j][start..end];
            let left: &[f64] = match weights {
                Some(w) => {
                    let wx = &mut wx[..end - start];
                    for ((t, &wi), &x) in wx.iter_mut().zip(&w[start..end]).zip(xj) {
                        *t = wi * x;
                    }
                    wx
                }
                None => xj,
            };
            for col_k in &cols[j..] {
                tri[idx] += dot(left, &col_k[start..end]);
                idx += 1;
            }
        }
        start = end;
    }
    unpack(&tri, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logistic_parts_are_stable_in_the_tails() {
        let (mu, v, l) = logistic_parts(800.0);
        assert_eq!(mu, 1.0);
        assert!(v >= 0.0 && l >= 0.0);
        let (mu, v, _) = logistic_parts(-40.0);
        assert!((mu / (-40f64).exp() - 1.0).abs() < 1e-12);
        assert!((v / (-40f64).exp() - 1.0).abs() < 1e-12);
        let (mu, v, l) = logistic_parts(0.0);
        assert_eq!(mu, 0.5);
        assert_eq!(v, 0.25);
        assert!((l - 2f64.ln()).abs() < 1e-16);
    }

    #[test]
    fn equilibrated_factor_ignores_column_scale() {
        // Second column in units 1e9 times larger: a global pivot tolerance
        // would alias the first column; the scaled factor does not.
        let a = SymMatrix::from_rows(&[vec![4.0, 2.0e9], vec![2.0e9, 3.0e18]]);
        let f = Factor::new(&a).unwrap();
        assert!(f.aliased().is_empty());
        let x = f.solve(&[2.0, 1.0e9]);
        // A [0.5, 0]' = [2, 1e9]'.
        assert!((x[0] - 0.5).abs() < 1e-12 && (x[1] * 1e9).abs() < 1e-9);
        assert!((f.log_det() - (8.0e18f64).ln()).abs() < 1e-10);
        let inv = f.inverse();
        assert!((inv.get(0, 0) - 3.0 / 8.0).abs() < 1e-12);
    }

    #[test]
    fn dots_are_dot_bit_for_bit() {
        for len in [0, 3, 4, 7, 256] {
            let a: Vec<f64> = (0..len).map(|i| (i as f64 * 0.37).sin()).collect();
            let b: Vec<Vec<f64>> = (0..4)
                .map(|k| {
                    (0..len)
                        .map(|i| ((i + 7 * k) as f64 * 1.3).cos() * 1e3)
                        .collect()
                })
                .collect();
            let d = dots(&a, [&b[0], &b[1], &b[2], &b[3]]);
            for k in 0..4 {
                assert_eq!(d[k].to_bits(), dot(&a, &b[k]).to_bits());
            }
        }
    }

    #[test]
    fn dot_handles_remainders() {
        let a: Vec<f64> = (0..7).map(f64::from).collect();
        let b = vec![1.0; 7];
        assert_eq!(dot(&a, &b), 21.0);
        assert_eq!(dot(&[], &[]), 0.0);
    }

    #[test]
    fn blocked_pass_matches_a_row_by_row_sum() {
        // 600 rows span three blocks (one partial).
        let n = 600;
        let x1: Vec<f64> = (0..n).map(|i| ((i * 37) % 11) as f64 / 5.0 - 1.0).collect();
        let y: Vec<f64> = (0..n).map(|i| ((i * 13) % 3 == 0) as u8 as f64).collect();
        let mut x = vec![1.0; n];
        x.extend_from_slice(&x1);
        let problem = Problem {
            n,
            p: 2,
            x,
            y: y.clone(),
            m: vec![1.0; n],
            loglik_saturated: 0.0,
            loglik_constant: 0.0,
            intercept: Some(0),
            bernoulli_groups: false,
            max_abs: vec![f64::INFINITY; 2],
        };
        let beta = [0.2, -0.7];
        let pass = accumulate(&problem, &beta, false);
        let (mut i11, mut ll, mut s1) = (0.0, 0.0, 0.0);
        for i in 0..n {
            let eta = beta[0] + beta[1] * x1[i];
            let mu = 1.0 / (1.0 + (-eta).exp());
            i11 += mu * (1.0 - mu) * x1[i] * x1[i];
            s1 += x1[i] * (y[i] - mu);
            ll += y[i] * mu.ln() + (1.0 - y[i]) * (1.0 - mu).ln();
        }
        assert!((pass.info.get(1, 1) - i11).abs() < 1e-10 * i11);
        assert!((pass.score[1] - s1).abs() < 1e-10);
        assert!((pass.loglik - ll).abs() < 1e-10 * ll.abs());
    }
}
