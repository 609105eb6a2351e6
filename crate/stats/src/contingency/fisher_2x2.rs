//! Fisher's exact test for a 2 x 2 table as R's `fisher.test`: two-sided
//! p-value from the hypergeometric distribution, conditional maximum
//! likelihood odds ratio and its exact confidence interval (the roots R finds
//! with `uniroot`, solved here to machine precision on the log scale).

use statrs::function::factorial::ln_factorial;

/// R's relative tolerance when comparing a table's probability with the
/// observed one (`relErr <- 1 + 10^(-7)`).
const REL_ERR: f64 = 1e-7;

pub(super) struct Fisher2x2 {
    pub p: f64,
    pub or_conditional_mle: f64,
    pub or_ci_lower: f64,
    pub or_ci_upper: f64,
    pub or_sample: f64,
}

/// The distribution of the top-left cell given the margins, under an odds
/// ratio: P(X = x) ∝ C(m, x) C(n, k - x) ψ^x on x = lo..=hi.
struct NoncentralHypergeometric {
    lo: u64,
    /// ln of the central (ψ = 1) probabilities, one per support point.
    log_central: Vec<f64>,
}

impl NoncentralHypergeometric {
    /// Margins as R names them: m = first column total, n = second column
    /// total, k = first row total.
    fn new(m: u64, n: u64, k: u64) -> Self {
        let lo = k.saturating_sub(n);
        let hi = k.min(m);
        let lchoose = |a: u64, b: u64| ln_factorial(a) - ln_factorial(b) - ln_factorial(a - b);
        let log_all = lchoose(m + n, k);
        let log_central = (lo..=hi)
            .map(|x| lchoose(m, x) + lchoose(n, k - x) - log_all)
            .collect();
        NoncentralHypergeometric { lo, log_central }
    }

    fn hi(&self) -> u64 {
        self.lo + self.log_central.len() as u64 - 1
    }

    /// Probabilities at log odds ratio `theta`, normalised as R's `dnhyper`.
    fn density(&self, theta: f64) -> Vec<f64> {
        let logs: Vec<f64> = self
            .log_central
            .iter()
            .enumerate()
            .map(|(i, &d)| d + theta * (self.lo + i as u64) as f64)
            .collect();
        let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let d: Vec<f64> = logs.iter().map(|&l| (l - top).exp()).collect();
        let total: f64 = d.iter().sum();
        d.iter().map(|&v| v / total).collect()
    }

    /// P(X <= x) (or P(X >= x) when `upper`) at log odds ratio `theta`.
    fn cdf(&self, x: u64, theta: f64, upper: bool) -> f64 {
        self.density(theta)
            .iter()
            .enumerate()
            .filter(|&(i, _)| {
                let s = self.lo + i as u64;
                if upper {
                    s >= x
                } else {
                    s <= x
                }
            })
            .map(|(_, &d)| d)
            .sum()
    }

    fn mean(&self, theta: f64) -> f64 {
        self.density(theta)
            .iter()
            .enumerate()
            .map(|(i, &d)| (self.lo + i as u64) as f64 * d)
            .sum()
    }
}

/// Root of an increasing function of the log odds ratio, to the last bit.
fn solve_increasing(f: impl Fn(f64) -> f64) -> f64 {
    let (mut lo, mut hi) = (-1.0f64, 1.0f64);
    // Bracket; beyond |theta| = 700 the odds ratio is not a finite double.
    while f(lo) > 0.0 && lo > -700.0 {
        lo *= 2.0;
    }
    while f(hi) < 0.0 && hi < 700.0 {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if f(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Table [[a, b], [c, d]] (rows then columns, as R's matrix prints).
pub(super) fn fisher_2x2(a: u64, b: u64, c: u64, d: u64, conf_level: f64) -> Fisher2x2 {
    let x = a;
    let (m, n, k) = (a + c, b + d, a + b);
    let dist = NoncentralHypergeometric::new(m, n, k);
    let (lo, hi) = (dist.lo, dist.hi());

    let central = dist.density(0.0);
    let at_x = central.get((x - lo) as usize).copied().unwrap_or(0.0);
    let p: f64 = central
        .iter()
        .filter(|&&v| v <= at_x * (1.0 + REL_ERR))
        .sum();

    let alpha = (1.0 - conf_level) / 2.0;
    // Upper limit: the odds ratio at which P(X <= x) falls to alpha.
    let or_ci_upper = if x == hi {
        f64::INFINITY
    } else {
        solve_increasing(|t| alpha - dist.cdf(x, t, false)).exp()
    };
    // Lower limit: the odds ratio at which P(X >= x) rises to alpha.
    let or_ci_lower = if x == lo {
        0.0
    } else {
        solve_increasing(|t| dist.cdf(x, t, true) - alpha).exp()
    };
    let or_conditional_mle = if x == lo {
        0.0
    } else if x == hi {
        f64::INFINITY
    } else {
        solve_increasing(|t| dist.mean(t) - x as f64).exp()
    };
    let or_sample = (a as f64 * d as f64) / (b as f64 * c as f64);
    Fisher2x2 {
        p: p.min(1.0),
        or_conditional_mle,
        or_ci_lower,
        or_ci_upper,
        or_sample,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetric_table_has_unit_odds_ratio_and_p_one() {
        let f = fisher_2x2(5, 5, 5, 5, 0.95);
        assert!((f.or_conditional_mle - 1.0).abs() < 1e-12);
        assert!((f.p - 1.0).abs() < 1e-12);
        // Limits are reciprocal by symmetry.
        assert!((f.or_ci_lower * f.or_ci_upper - 1.0).abs() < 1e-10);
    }

    #[test]
    fn zero_cell_gives_infinite_limit() {
        let f = fisher_2x2(4, 0, 1, 5, 0.95);
        assert_eq!(f.or_conditional_mle, f64::INFINITY);
        assert_eq!(f.or_ci_upper, f64::INFINITY);
        assert!(f.or_ci_lower > 0.0 && f.or_ci_lower.is_finite());
    }
}
