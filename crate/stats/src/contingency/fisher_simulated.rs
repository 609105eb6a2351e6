//! Fisher's exact test by simulation, as R's
//! `fisher.test(x, simulate.p.value = TRUE, B)`: when the exact network
//! algorithm exceeds its budget (R stops with "FEXACT error" and suggests
//! this), the p-value is estimated from `B` random tables with the observed
//! margins, drawn from their exact null (multivariate hypergeometric)
//! distribution: p = (1 + #{tables no more probable than the observed}) /
//! (B + 1). The draws are seeded from the table itself, so the same table
//! always gives the same p-value; R's own random numbers differ, so R's
//! simulated p-value differs by Monte Carlo error (its standard error is
//! about sqrt(p (1 - p) / B)).

use statrs::function::factorial::ln_factorial;

/// R's `almost.1 = 1 + 64 * .Machine$double.eps`: a simulated table tied
/// with the observed one counts despite rounding.
const ALMOST_ONE: f64 = 1.0 + 64.0 * f64::EPSILON;

/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast generator whose
/// whole state is one word, ample for shuffling.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..bound (bound > 0), without modulo bias (Lemire 2019).
    fn below(&mut self, bound: u64) -> u64 {
        loop {
            let m = u128::from(self.next_u64()) * u128::from(bound);
            let low = m as u64;
            if low >= bound || low >= bound.wrapping_neg() % bound {
                return (m >> 64) as u64;
            }
        }
    }
}

/// The seed of a table: a hash of its cells, so that equal tables give
/// equal p-values and different ones independent draws.
fn seed_of(table: &[Vec<u64>]) -> u64 {
    let mut h = SplitMix64(0x5EED_F15E);
    let mut seed = h.next_u64();
    for &x in table.iter().flatten() {
        seed = (seed ^ x).wrapping_mul(0x0000_0100_0000_01B3);
        seed ^= h.next_u64();
    }
    seed
}

/// Monte Carlo p-value of Fisher's exact test for `table` (rows of counts,
/// at least 2 x 2, no empty row or column) from `replicates` random tables.
/// Memory is one entry per patient plus the table; time is proportional to
/// replicates x (patients + cells).
pub(super) fn p_value(table: &[Vec<u64>], replicates: u64) -> f64 {
    let n_rows = table.len();
    let n_cols = table.first().map_or(0, Vec::len);
    let row_totals: Vec<u64> = table.iter().map(|r| r.iter().sum()).collect();
    let n: u64 = row_totals.iter().sum();
    // Each patient's column, in column order; a shuffle deals them to the rows.
    let mut columns: Vec<u32> = Vec::with_capacity(n as usize);
    for j in 0..n_cols {
        let total: u64 = table.iter().map(|r| r.get(j).copied().unwrap_or(0)).sum();
        columns.extend(std::iter::repeat_n(j as u32, total as usize));
    }
    let max_count = table.iter().flatten().copied().max().unwrap_or(0).max(n);
    let lf: Vec<f64> = (0..=max_count).map(ln_factorial).collect();
    let score = |cells: &[u64]| -> f64 {
        cells
            .iter()
            .map(|&x| lf.get(x as usize).copied().unwrap_or(f64::NAN))
            .sum()
    };
    let observed: Vec<u64> = table.iter().flatten().copied().collect();
    // Larger score = less probable table (P = exp(K - score)).
    let threshold = score(&observed) / ALMOST_ONE;

    let mut rng = SplitMix64(seed_of(table));
    let mut cells = vec![0u64; n_rows * n_cols];
    let mut at_least_as_extreme = 0u64;
    for _ in 0..replicates {
        // Fisher–Yates shuffle, then the first row_totals[0] patients go to
        // row 0, the next ones to row 1, and so on.
        for i in (1..columns.len()).rev() {
            let k = rng.below(i as u64 + 1) as usize;
            columns.swap(i, k);
        }
        cells.iter_mut().for_each(|c| *c = 0);
        let mut start = 0usize;
        for (i, &total) in row_totals.iter().enumerate() {
            let end = start + total as usize;
            for &j in columns.get(start..end).unwrap_or(&[]) {
                if let Some(c) = cells.get_mut(i * n_cols + j as usize) {
                    *c += 1;
                }
            }
            start = end;
        }
        if score(&cells) >= threshold {
            at_least_as_extreme += 1;
        }
    }
    (1 + at_least_as_extreme) as f64 / (replicates + 1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_exact_p_value_within_monte_carlo_error() {
        // A 2 x 3 table whose exact p-value is computed here by enumerating
        // every table with its margins (rows 6 and 6, columns 4, 4, 4).
        let table = vec![vec![4, 1, 1], vec![0, 3, 3]];
        let lf = |k: u64| ln_factorial(k);
        let s_obs: f64 = table.iter().flatten().map(|&x| lf(x)).sum();
        let k = 2.0 * lf(6) + 3.0 * lf(4) - lf(12);
        let mut exact = 0.0;
        for a in 0..=4u64 {
            for b in 0..=4u64 {
                let c = 6i64 - a as i64 - b as i64;
                if !(0..=4).contains(&c) {
                    continue;
                }
                let c = c as u64;
                let s = lf(a) + lf(b) + lf(c) + lf(4 - a) + lf(4 - b) + lf(4 - c);
                if s >= s_obs - 1e-7 {
                    exact += (k - s).exp();
                }
            }
        }
        let b = 20_000;
        let p = p_value(&table, b);
        let se = (exact * (1.0 - exact) / b as f64).sqrt();
        assert!(
            (p - exact).abs() < 4.0 * se,
            "simulated {p}, exact {exact}, se {se}"
        );
        // The same table gives the same p-value.
        assert_eq!(p, p_value(&table, b));
    }

    #[test]
    fn the_most_extreme_table_has_the_smallest_possible_p() {
        // Perfect association in a 3 x 3 table: no random table is as
        // extreme in practice, so p = 1 / (B + 1) (R's floor).
        let table = vec![vec![10, 0, 0], vec![0, 10, 0], vec![0, 0, 10]];
        assert_eq!(p_value(&table, 999), 1.0 / 1000.0);
    }
}
