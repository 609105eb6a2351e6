//! Covariate patterns: the rows of a 0/1 outcome collapsed to the distinct
//! covariate rows, each with its number of rows (trials) and of events
//! (successes).
//!
//! A univariate model of a factor, a yes/no variable, an integer score or a
//! measurement recorded to a few decimals has a few thousand distinct rows
//! at most, however many patients. The log-likelihood, its gradient and the
//! information are sums over rows whose terms depend on the row only
//! through its covariates and outcome, so they equal the same sums over the
//! patterns with each term multiplied by its count: the fitters' passes
//! then cost the patterns, not the rows. The kernel's log-likelihood term
//! y ln mu + (m - y) ln(1 - mu) is the Bernoulli sum n1 ln p + n0 ln(1 - p)
//! over the pattern's rows (no binomial constant), so deviance, logLik and
//! AIC are the row fit's. R's starting values differ per row outcome, which
//! the grouped start in `kernel::accumulate` reproduces (see
//! `Problem::bernoulli_groups`).
//!
//! Grouping is one pass over the rows with a small open-addressing hash
//! table keyed by the bits of the row's values; it stops as soon as there
//! are too many patterns to pay off (a continuous covariate, a
//! multivariable model), after a bounded number of rows.

/// Below this many rows a pass is cheap: the rows are fitted as they are.
pub(crate) const MIN_ROWS: usize = 1024;
/// Patterns must be at most 1 / RATIO of the rows to be worth the grouping
/// pass (the fits then take 8 or more times fewer operations per pass).
const RATIO: usize = 8;
/// Most patterns kept (bounds the table and the rows read before a
/// continuous design gives up: 2^16 rows, a few milliseconds).
const MAX_PATTERNS: usize = 1 << 16;

/// The distinct covariate rows of a 0/1 outcome.
#[derive(Debug, Clone)]
pub(crate) struct Patterns {
    /// Per input column, its value in each pattern (in order of first
    /// appearance in the rows).
    pub columns: Vec<Vec<f64>>,
    /// Rows per pattern.
    pub trials: Vec<f64>,
    /// Rows with the event per pattern.
    pub successes: Vec<f64>,
}

impl Patterns {
    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.trials.len()
    }
}

const EMPTY: u32 = u32::MAX;

/// Groups the rows of `columns` (each as long as `y`, finite) with the 0/1
/// outcome `y`. `None` when there are fewer than `MIN_ROWS` rows or too
/// many patterns for grouping to pay off.
pub(crate) fn collapse(columns: &[&[f64]], y: &[f64]) -> Option<Patterns> {
    let n = y.len();
    if n < MIN_ROWS || columns.iter().any(|c| c.len() != n) {
        return None;
    }
    let limit = (n / RATIO).min(MAX_PATTERNS);
    collapse_with_limit(columns, y, limit)
}

/// As [`collapse`], with at most `limit` patterns (for tests).
pub(crate) fn collapse_with_limit(columns: &[&[f64]], y: &[f64], limit: usize) -> Option<Patterns> {
    let n = y.len();
    let q = columns.len();
    // Load factor at most 1/2: probes stay short.
    let size = (2 * limit.max(1)).next_power_of_two();
    let mask = size - 1;
    let mut table = vec![EMPTY; size];
    let mut out = Patterns {
        columns: vec![Vec::new(); q],
        trials: Vec::new(),
        successes: Vec::new(),
    };
    for i in 0..n {
        let mut h: u64 = 0x243F_6A88_85A3_08D3;
        for c in columns {
            let bits = c.get(i).copied().unwrap_or(0.0).to_bits();
            h = (h ^ bits).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            h ^= h >> 29;
        }
        let mut slot = (h as usize) & mask;
        loop {
            let k = table[slot];
            if k == EMPTY {
                if out.trials.len() >= limit {
                    return None;
                }
                table[slot] = out.trials.len() as u32;
                for (pc, c) in out.columns.iter_mut().zip(columns) {
                    pc.push(c.get(i).copied().unwrap_or(0.0));
                }
                out.trials.push(1.0);
                out.successes.push(y.get(i).copied().unwrap_or(0.0));
                break;
            }
            let k = k as usize;
            // Equal bits: the rows have exactly the same values (every
            // value is finite, so there is no NaN to worry about).
            if out.columns.iter().zip(columns).all(|(pc, c)| pc.get(k).map(|v| v.to_bits()) == c.get(i).map(|v| v.to_bits())) {
                if let (Some(t), Some(s)) = (out.trials.get_mut(k), out.successes.get_mut(k)) {
                    *t += 1.0;
                    *s += y.get(i).copied().unwrap_or(0.0);
                }
                break;
            }
            slot = (slot + 1) & mask;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_equal_rows_and_counts_events() {
        let a = [1.0, 2.0, 1.0, 1.0, 2.0, 3.0];
        let b = [0.0, 0.0, 0.0, 1.0, 0.0, 0.0];
        let y = [1.0, 0.0, 0.0, 1.0, 1.0, 0.0];
        let p = collapse_with_limit(&[&a, &b], &y, 10).unwrap();
        assert_eq!(p.columns[0], vec![1.0, 2.0, 1.0, 3.0]);
        assert_eq!(p.columns[1], vec![0.0, 0.0, 1.0, 0.0]);
        assert_eq!(p.trials, vec![2.0, 2.0, 1.0, 1.0]);
        assert_eq!(p.successes, vec![1.0, 1.0, 1.0, 0.0]);
    }

    #[test]
    fn gives_up_past_the_limit() {
        let a: Vec<f64> = (0..100).map(f64::from).collect();
        let y = vec![0.0; 100];
        assert!(collapse_with_limit(&[&a], &y, 99).is_none());
        assert_eq!(collapse_with_limit(&[&a], &y, 100).map(|p| p.len()), Some(100));
        // Too few rows to bother.
        assert!(collapse(&[&a], &y).is_none());
    }

    #[test]
    fn no_columns_is_one_pattern() {
        let y = [1.0, 0.0, 1.0];
        let p = collapse_with_limit(&[], &y, 4).unwrap();
        assert_eq!((p.trials.clone(), p.successes.clone()), (vec![3.0], vec![2.0]));
    }
}
