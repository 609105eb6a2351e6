//! SplitMix64 (Steele, Lea & Flood, OOPSLA 2014; Vigna's reference constants)
//! and the few distributions the generator needs.
//!
//! Only IEEE-exact operations (+, -, *, /, comparisons, `round`) are used, with
//! our own `ln`/`exp` series: the platform's libm may differ in the last bit
//! between x86, ARM and wasm, and one ulp can move a date by a day, which would
//! make the committed CSV differ from a fresh generation elsewhere.

/// SplitMix64 pseudo-random generator.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform on [0, 1), 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform on (0, 1): never 0, so its log is finite.
    pub fn uniform_open(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in [lo, hi] (inclusive); `lo` if hi < lo.
    pub fn int_between(&mut self, lo: i32, hi: i32) -> i32 {
        if hi <= lo {
            return lo;
        }
        let span = (hi as i64 - lo as i64 + 1) as u64;
        // Multiply-shift keeps the bias below 2^-32 for our small spans.
        let r = ((self.next_u64() >> 32) * span) >> 32;
        lo + r as i32
    }

    /// true with probability `p`.
    pub fn bernoulli(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// Exponential with the given median.
    pub fn exponential_median(&mut self, median: f64) -> f64 {
        -ln(self.uniform_open()) * median / std::f64::consts::LN_2
    }

    /// Standard normal, approximately (Irwin–Hall sum of 12 uniforms), which
    /// needs no transcendental function and is plenty for covariates.
    pub fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.uniform()).sum::<f64>() - 6.0
    }

    /// Log-normal with the given median and log-scale SD.
    pub fn lognormal(&mut self, median: f64, sdlog: f64) -> f64 {
        median * exp(sdlog * self.normal())
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.int_between(0, i as i32) as usize;
            items.swap(i, j);
        }
    }

    /// An index drawn with the given (non-negative) weights.
    pub fn weighted_index(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut u = self.uniform() * total;
        for (i, w) in weights.iter().enumerate() {
            if u < *w {
                return i;
            }
            u -= w;
        }
        weights.len().saturating_sub(1)
    }
}

/// Natural log for x > 0 by halving/doubling to [1/sqrt2, sqrt2] and the
/// atanh series; deterministic on every platform.
pub fn ln(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 || x.is_infinite() {
        return f64::NAN;
    }
    let mut m = x;
    let mut k = 0i32;
    while m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        k += 1;
    }
    while m < std::f64::consts::FRAC_1_SQRT_2 {
        m *= 2.0;
        k -= 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut term = s;
    let mut sum = 0.0;
    for n in 0..30 {
        sum += term / (2 * n + 1) as f64;
        term *= s2;
    }
    2.0 * sum + k as f64 * std::f64::consts::LN_2
}

/// e^x by reduction to |r| <= ln2/2 and the Taylor series; deterministic.
pub fn exp(x: f64) -> f64 {
    if !x.is_finite() {
        return if x == f64::NEG_INFINITY { 0.0 } else { x };
    }
    let k = (x / std::f64::consts::LN_2).round().clamp(-1000.0, 1000.0);
    let r = x - k * std::f64::consts::LN_2;
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..25 {
        term *= r / n as f64;
        sum += term;
    }
    let mut scale = 1.0;
    let (factor, steps) = if k >= 0.0 {
        (2.0, k as i32)
    } else {
        (0.5, -k as i32)
    };
    for _ in 0..steps {
        scale *= factor;
    }
    sum * scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_reference_outputs() {
        // Seed 1234567: the published test vector of the Rosetta Code SplitMix64
        // task (same algorithm and constants as Vigna's splitmix64.c).
        let mut rng = SplitMix64::new(1_234_567);
        let expected = [
            6_457_827_717_110_365_317u64,
            3_203_168_211_198_807_973,
            9_817_491_932_198_370_423,
            4_593_380_528_125_082_431,
            16_408_922_859_458_223_821,
        ];
        for e in expected {
            assert_eq!(rng.next_u64(), e);
        }
    }

    #[test]
    fn ln_and_exp_agree_with_std() {
        for &x in &[1e-12, 0.001, 0.3, 0.5, 1.0, 1.5, 2.0, 10.0, 400.0, 1e6] {
            assert!(
                (ln(x) - f64::ln(x)).abs() <= 1e-14 * f64::ln(x).abs().max(1.0),
                "ln {x}"
            );
        }
        for &x in &[-30.0, -2.5, -0.1, 0.0, 0.7, 3.0, 9.2, 11.5] {
            assert!(
                (exp(x) - f64::exp(x)).abs() <= 1e-14 * f64::exp(x),
                "exp {x}"
            );
        }
    }

    #[test]
    fn int_between_stays_in_range_and_covers_it() {
        let mut rng = SplitMix64::new(7);
        let mut seen = [false; 5];
        for _ in 0..1000 {
            let v = rng.int_between(3, 7);
            assert!((3..=7).contains(&v));
            seen[(v - 3) as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
    }
}
