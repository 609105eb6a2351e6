//! Dense symmetric linear algebra for the small systems of Newton–Raphson
//! fits (Cox, logistic): p is the number of model terms, rarely above 30.
//!
//! The Cholesky factorisation follows R survival's `cholesky2`: a column
//! whose pivot falls below `tolerance * max|diag|` is treated as aliased
//! (zeroed) rather than failing, so a collinear design is detected and named
//! instead of producing NaNs. A general-purpose crate would pull in far more
//! wasm than these ~150 lines and would not give that behaviour.

// Matrix code indexes rows and columns together; range loops read best.
#![allow(clippy::needless_range_loop)]

/// A dense symmetric p x p matrix stored row-major (both triangles kept).
#[derive(Debug, Clone, PartialEq)]
pub struct SymMatrix {
    n: usize,
    data: Vec<f64>,
}

impl SymMatrix {
    pub fn zeros(n: usize) -> Self {
        SymMatrix {
            n,
            data: vec![0.0; n * n],
        }
    }

    pub fn dim(&self) -> usize {
        self.n
    }

    #[inline]
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.n + j]
    }

    #[inline]
    pub fn set(&mut self, i: usize, j: usize, v: f64) {
        self.data[i * self.n + j] = v;
        self.data[j * self.n + i] = v;
    }

    /// Adds `v` to element (i, j) and, off the diagonal, to (j, i).
    #[inline]
    pub fn add(&mut self, i: usize, j: usize, v: f64) {
        self.data[i * self.n + j] += v;
        if i != j {
            self.data[j * self.n + i] += v;
        }
    }

    pub fn diag(&self) -> Vec<f64> {
        (0..self.n).map(|i| self.get(i, i)).collect()
    }

    /// Rows as vectors, for serialising.
    pub fn to_rows(&self) -> Vec<Vec<f64>> {
        self.data
            .chunks(self.n.max(1))
            .map(|r| r.to_vec())
            .take(self.n)
            .collect()
    }

    pub fn from_rows(rows: &[Vec<f64>]) -> Self {
        let n = rows.len();
        let mut m = SymMatrix::zeros(n);
        for (i, r) in rows.iter().enumerate() {
            for (j, v) in r.iter().enumerate().take(n) {
                m.data[i * n + j] = *v;
            }
        }
        m
    }

    /// y = A x
    pub fn mul_vec(&self, x: &[f64]) -> Vec<f64> {
        (0..self.n)
            .map(|i| (0..self.n).map(|j| self.get(i, j) * x[j]).sum())
            .collect()
    }

    /// Quadratic form x' A x.
    pub fn quad_form(&self, x: &[f64]) -> f64 {
        self.mul_vec(x).iter().zip(x).map(|(a, b)| a * b).sum()
    }
}

/// LDL' factorisation of a symmetric positive semi-definite matrix, with the
/// columns found aliased (pivot below tolerance) recorded.
#[derive(Debug, Clone)]
pub struct Cholesky {
    n: usize,
    /// Unit lower triangle below the diagonal, D on the diagonal.
    ld: Vec<f64>,
    aliased: Vec<bool>,
}

/// Default pivot tolerance, R survival's `coxph.control()$toler.chol`
/// (`.Machine$double.eps^0.75`).
pub const CHOLESKY_TOLERANCE: f64 = 1.818_989_403_545_856e-12;

impl Cholesky {
    /// Factorises `a`. Returns `None` when a pivot is negative beyond the
    /// tolerance (the matrix is not positive semi-definite).
    pub fn new(a: &SymMatrix, tolerance: f64) -> Option<Cholesky> {
        let n = a.n;
        let mut ld = a.data.clone();
        let mut aliased = vec![false; n];
        // R's cholesky2: the tolerance is relative to the largest diagonal,
        // and absolute when every diagonal is 0 (a matrix of zeros, e.g. the
        // information of a covariate no risk set can compare, is of rank 0).
        let largest = (0..n).map(|i| a.get(i, i).abs()).fold(0.0_f64, f64::max);
        let eps = if largest == 0.0 {
            tolerance
        } else {
            largest * tolerance
        };
        for i in 0..n {
            let pivot = ld[i * n + i];
            if !pivot.is_finite() {
                return None;
            }
            if pivot < eps {
                if pivot < -8.0 * eps.max(f64::MIN_POSITIVE) {
                    return None;
                }
                aliased[i] = true;
                ld[i * n + i] = 0.0;
                for j in (i + 1)..n {
                    ld[j * n + i] = 0.0;
                }
                continue;
            }
            for j in (i + 1)..n {
                let temp = ld[j * n + i] / pivot;
                ld[j * n + i] = temp;
                ld[j * n + j] -= temp * temp * pivot;
                for k in (j + 1)..n {
                    ld[k * n + j] -= temp * ld[k * n + i];
                }
            }
        }
        Some(Cholesky { n, ld, aliased })
    }

    /// Indices of the columns found linearly dependent on earlier ones.
    pub fn aliased(&self) -> Vec<usize> {
        (0..self.n).filter(|&i| self.aliased[i]).collect()
    }

    pub fn rank(&self) -> usize {
        self.aliased.iter().filter(|a| !**a).count()
    }

    /// Solves A x = b; components of aliased columns are set to zero.
    pub fn solve(&self, b: &[f64]) -> Vec<f64> {
        let n = self.n;
        let mut x = b.to_vec();
        for i in 0..n {
            for j in 0..i {
                x[i] -= self.ld[i * n + j] * x[j];
            }
        }
        for i in 0..n {
            let d = self.ld[i * n + i];
            x[i] = if d == 0.0 { 0.0 } else { x[i] / d };
        }
        for i in (0..n).rev() {
            for j in (i + 1)..n {
                x[i] -= self.ld[j * n + i] * x[j];
            }
        }
        x
    }

    /// The (generalised) inverse: rows and columns of aliased terms are zero,
    /// as in R's `chinv2`.
    pub fn inverse(&self) -> SymMatrix {
        let n = self.n;
        let mut inv = SymMatrix::zeros(n);
        let mut e = vec![0.0; n];
        for j in 0..n {
            if self.aliased[j] {
                continue;
            }
            e.iter_mut().for_each(|v| *v = 0.0);
            e[j] = 1.0;
            let col = self.solve(&e);
            for i in 0..n {
                inv.data[i * n + j] = if self.aliased[i] { 0.0 } else { col[i] };
            }
        }
        // Symmetrise against rounding.
        for i in 0..n {
            for j in (i + 1)..n {
                let v = 0.5 * (inv.get(i, j) + inv.get(j, i));
                inv.set(i, j, v);
            }
        }
        inv
    }

    /// log det(A) over the non-aliased pivots.
    pub fn log_det(&self) -> f64 {
        (0..self.n)
            .filter(|&i| !self.aliased[i])
            .map(|i| self.ld[i * self.n + i].ln())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_inverts_a_known_system() {
        // A = [[4,2],[2,3]]: det 8, inverse [[3,-2],[-2,4]]/8, log det ln 8.
        let a = SymMatrix::from_rows(&[vec![4.0, 2.0], vec![2.0, 3.0]]);
        let c = Cholesky::new(&a, CHOLESKY_TOLERANCE).unwrap();
        let x = c.solve(&[2.0, 1.0]);
        assert!((x[0] - 0.5).abs() < 1e-15 && x[1].abs() < 1e-15);
        let inv = c.inverse();
        assert!((inv.get(0, 0) - 3.0 / 8.0).abs() < 1e-15);
        assert!((inv.get(0, 1) + 2.0 / 8.0).abs() < 1e-15);
        assert!((inv.get(1, 1) - 4.0 / 8.0).abs() < 1e-15);
        assert!((c.log_det() - 8f64.ln()).abs() < 1e-14);
    }

    #[test]
    fn flags_an_aliased_column() {
        // Third column = first + second.
        let a = SymMatrix::from_rows(&[
            vec![2.0, 1.0, 3.0],
            vec![1.0, 2.0, 3.0],
            vec![3.0, 3.0, 6.0],
        ]);
        let c = Cholesky::new(&a, 1e-9).unwrap();
        assert_eq!(c.aliased(), vec![2]);
        assert_eq!(c.rank(), 2);
        let inv = c.inverse();
        assert_eq!(inv.get(2, 2), 0.0);
    }

    #[test]
    fn a_matrix_of_zeros_has_rank_zero() {
        // As R's cholesky2 (eps = toler when no diagonal is positive): every
        // column aliased, a zero generalised inverse, not a full-rank zero.
        let c = Cholesky::new(&SymMatrix::zeros(2), CHOLESKY_TOLERANCE).unwrap();
        assert_eq!((c.rank(), c.aliased()), (0, vec![0, 1]));
        assert_eq!(c.inverse().get(1, 1), 0.0);
    }

    #[test]
    fn rejects_an_indefinite_matrix() {
        let a = SymMatrix::from_rows(&[vec![1.0, 2.0], vec![2.0, 1.0]]);
        assert!(Cholesky::new(&a, CHOLESKY_TOLERANCE).is_none());
    }
}
