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

/// Hash of one row's value bits (multiply-xorshift: every input bit
/// reaches the high bits, from which the slot is taken).
#[inline]
fn hash(row: &[u64]) -> u64 {
    let mut h: u64 = 0x243F_6A88_85A3_08D3;
    for &bits in row {
        h = (h ^ bits).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^= h >> 32;
    }
    h.wrapping_mul(0xD6E8_FEB8_6659_FD93)
}

/// Open-addressing table of pattern indices (linear probing), kept at most
/// half full and no larger than needed, so that it stays in cache (a factor's
/// handful of patterns use a table of 64 slots).
struct Table {
    slots: Vec<u32>,
    shift: u32,
}

impl Table {
    fn with_bits(bits: u32) -> Table {
        Table {
            slots: vec![EMPTY; 1 << bits],
            shift: 64 - bits,
        }
    }

    #[inline]
    fn home(&self, h: u64) -> usize {
        (h >> self.shift) as usize
    }
}

/// As [`collapse`], with at most `limit` patterns (for tests).
// Not inlined: the caller may be compiled for size (the analysis layer),
// this loop runs once per row.
#[inline(never)]
pub(crate) fn collapse_with_limit(columns: &[&[f64]], y: &[f64], limit: usize) -> Option<Patterns> {
    if let [column] = columns {
        return collapse_one(column, y, limit);
    }
    let n = y.len();
    let q = columns.len();
    let mut table = Table::with_bits(6);
    // Pattern values row-major, as bits: keys[k * q..(k + 1) * q].
    let mut keys: Vec<u64> = Vec::new();
    let mut trials: Vec<f64> = Vec::new();
    let mut successes: Vec<f64> = Vec::new();
    let mut row = vec![0u64; q];
    for (i, &yi) in y.iter().enumerate() {
        for (r, c) in row.iter_mut().zip(columns) {
            *r = c.get(i).copied().unwrap_or(0.0).to_bits();
        }
        let h = hash(&row);
        let mask = table.slots.len() - 1;
        let mut slot = table.home(h);
        loop {
            let k = table.slots[slot];
            if k == EMPTY {
                let k = trials.len();
                if k >= limit {
                    return None;
                }
                table.slots[slot] = k as u32;
                keys.extend_from_slice(&row);
                trials.push(1.0);
                successes.push(yi);
                if 2 * (k + 1) > table.slots.len() {
                    table = grow(&table, &keys, q);
                }
                break;
            }
            let k = k as usize;
            // Equal bits: exactly the same values (all are finite, no NaN).
            // (An element loop: a slice comparison calls memcmp for a
            // handful of words.)
            let stored = keys.get(k * q..(k + 1) * q).unwrap_or(&[]);
            if stored.len() == q && stored.iter().zip(&row).all(|(a, b)| a == b) {
                if let (Some(t), Some(s)) = (trials.get_mut(k), successes.get_mut(k)) {
                    *t += 1.0;
                    *s += yi;
                }
                break;
            }
            slot = (slot + 1) & mask;
        }
    }
    let k = trials.len();
    let columns = (0..q)
        .map(|c| (0..k).map(|p| f64::from_bits(keys[p * q + c])).collect())
        .collect();
    debug_assert!(n == 0 || k > 0);
    Some(Patterns {
        columns,
        trials,
        successes,
    })
}

/// [`collapse_with_limit`] for one column (a univariate numeric model, the
/// common case): the table holds the value's bits next to the pattern
/// index, so a probe is one memory access.
fn collapse_one(column: &[f64], y: &[f64], limit: usize) -> Option<Patterns> {
    let mut bits = 6u32;
    let mut slots: Vec<(u64, u32)> = vec![(0, EMPTY); 1 << bits];
    let mut values: Vec<f64> = Vec::new();
    let mut trials: Vec<f64> = Vec::new();
    let mut successes: Vec<f64> = Vec::new();
    for (&x, &yi) in column.iter().zip(y) {
        let key = x.to_bits();
        let mask = slots.len() - 1;
        let mut slot = (hash(&[key]) >> (64 - bits)) as usize;
        loop {
            let (stored, k) = slots[slot];
            if k == EMPTY {
                let k = trials.len();
                if k >= limit {
                    return None;
                }
                slots[slot] = (key, k as u32);
                values.push(x);
                trials.push(1.0);
                successes.push(yi);
                if 2 * (k + 1) > slots.len() {
                    bits += 1;
                    slots = vec![(0, EMPTY); 1 << bits];
                    let mask = slots.len() - 1;
                    for (j, v) in values.iter().enumerate() {
                        let key = v.to_bits();
                        let mut slot = (hash(&[key]) >> (64 - bits)) as usize;
                        while slots[slot].1 != EMPTY {
                            slot = (slot + 1) & mask;
                        }
                        slots[slot] = (key, j as u32);
                    }
                }
                break;
            }
            if stored == key {
                let k = k as usize;
                if let (Some(t), Some(s)) = (trials.get_mut(k), successes.get_mut(k)) {
                    *t += 1.0;
                    *s += yi;
                }
                break;
            }
            slot = (slot + 1) & mask;
        }
    }
    Some(Patterns {
        columns: vec![values],
        trials,
        successes,
    })
}

/// The table at twice the size, the patterns re-inserted.
fn grow(old: &Table, keys: &[u64], q: usize) -> Table {
    let bits = 64 - old.shift + 1;
    let mut table = Table::with_bits(bits);
    let mask = table.slots.len() - 1;
    let count = if q == 0 {
        usize::from(!old.slots.iter().all(|&s| s == EMPTY))
    } else {
        keys.len() / q
    };
    for k in 0..count {
        let mut slot = table.home(hash(keys.get(k * q..(k + 1) * q).unwrap_or(&[])));
        while table.slots[slot] != EMPTY {
            slot = (slot + 1) & mask;
        }
        table.slots[slot] = k as u32;
    }
    table
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
    fn one_column_groups_as_several_do() {
        let a: Vec<f64> = (0..5000)
            .map(|i| f64::from((i * 37) % 301) / 10.0)
            .collect();
        let y: Vec<f64> = (0..5000).map(|i| f64::from(i % 3 == 0)).collect();
        let ones = vec![1.0; 5000];
        let one = collapse_with_limit(&[&a], &y, 1000).unwrap();
        let two = collapse_with_limit(&[&a, &ones], &y, 1000).unwrap();
        assert_eq!(one.len(), 301);
        assert_eq!(
            (&one.columns[0], &one.trials, &one.successes),
            (&two.columns[0], &two.trials, &two.successes)
        );
        assert!(collapse_with_limit(&[&a], &y, 300).is_none());
    }

    #[test]
    fn gives_up_past_the_limit() {
        let a: Vec<f64> = (0..100).map(f64::from).collect();
        let y = vec![0.0; 100];
        assert!(collapse_with_limit(&[&a], &y, 99).is_none());
        assert_eq!(
            collapse_with_limit(&[&a], &y, 100).map(|p| p.len()),
            Some(100)
        );
        // Too few rows to bother.
        assert!(collapse(&[&a], &y).is_none());
    }

    #[test]
    fn no_columns_is_one_pattern() {
        let y = [1.0, 0.0, 1.0];
        let p = collapse_with_limit(&[], &y, 4).unwrap();
        assert_eq!(
            (p.trials.clone(), p.successes.clone()),
            (vec![3.0], vec![2.0])
        );
    }
}
