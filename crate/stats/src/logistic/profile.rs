//! Profile (penalised) likelihood confidence limits: the values b of one
//! coefficient where 2 (L_max - L_profile(b)) = qchisq(conf, 1), as R's
//! `confint` on a glm (solved exactly rather than by MASS's spline) and as
//! `logistf`'s profile penalised-likelihood intervals.
//!
//! The signed root r(b) = sign(b - b_hat) sqrt(2 (L_max - L(b))) is nearly
//! linear in b, and dr/db = -g / r where g = dL/db_j at the restricted
//! optimum (envelope theorem), so Newton on r converges in a few profile
//! fits; a bracket with bisection guards it. Each profile fit starts from
//! the previous one's optimum.

/// A restricted maximisation: given b_j and a warm start (overwritten with
/// the restricted optimum), returns (L, dL/db_j) there, or `None`.
pub(crate) trait Restricted {
    fn fit_at(&self, j: usize, value: f64, warm: &mut [f64]) -> Option<(f64, f64)>;
}

/// Outcome of one limit search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Limit {
    Found(f64),
    /// The profile never reaches the critical value (infinite limit).
    Unbounded,
    /// A restricted fit failed.
    Failed,
}

const MAX_EVALUATIONS: usize = 100;

/// Finds the lower (`upper = false`) or upper limit for coefficient `j`.
/// `z` = sqrt(qchisq(conf, 1)); `se` scales the first guess.
pub(crate) fn limit<R: Restricted>(
    model: &R,
    j: usize,
    beta_hat: &[f64],
    l_max: f64,
    se: f64,
    z: f64,
    upper: bool,
) -> Limit {
    let Some(&bj) = beta_hat.get(j) else {
        return Limit::Failed;
    };
    let s = if upper { 1.0 } else { -1.0 };
    let scale = if se.is_finite() && se > 0.0 { se } else { 1.0 };
    let t_max = 1e4 * (1.0 + bj.abs() + scale * z);
    let mut warm = beta_hat.to_vec();
    let mut t_lo = 0.0;
    let mut t_hi: Option<f64> = None;
    let mut t = z * scale;
    for _ in 0..MAX_EVALUATIONS {
        let b = bj + s * t;
        let Some((l, g)) = model.fit_at(j, b, &mut warm) else {
            return Limit::Failed;
        };
        let f = (2.0 * (l_max - l)).max(0.0);
        let r = f.sqrt();
        let h = r - z;
        if h == 0.0 {
            return Limit::Found(b);
        }
        if h < 0.0 {
            t_lo = t;
        } else {
            t_hi = Some(t);
        }
        let slope = if r > 0.0 { -s * g / r } else { f64::NAN };
        let newton = if slope.is_finite() && slope > 0.0 {
            t - h / slope
        } else {
            f64::NAN
        };
        let t_new = match t_hi {
            None => {
                if newton.is_finite() && newton > t {
                    newton.min(10.0 * t)
                } else {
                    2.0 * t
                }
            }
            Some(hi) => {
                if newton.is_finite() && newton > t_lo && newton < hi {
                    newton
                } else {
                    0.5 * (t_lo + hi)
                }
            }
        };
        if (t_new - t).abs() <= 1e-12 * (1.0 + b.abs()) {
            return Limit::Found(bj + s * t_new);
        }
        if t_hi.is_none() && t_new > t_max {
            return Limit::Unbounded;
        }
        t = t_new;
    }
    match t_hi {
        Some(hi) => Limit::Found(bj + s * 0.5 * (t_lo + hi)),
        None => Limit::Unbounded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// L(b) = -(b - 1)^2 / (2 * 0.25): a normal likelihood with se 0.5, whose
    /// profile limits are 1 -/+ z * 0.5 exactly.
    struct Quadratic;
    impl Restricted for Quadratic {
        fn fit_at(&self, _j: usize, value: f64, _warm: &mut [f64]) -> Option<(f64, f64)> {
            Some((-(value - 1.0).powi(2) / 0.5, -(value - 1.0) / 0.25))
        }
    }

    #[test]
    fn recovers_wald_limits_for_a_quadratic_likelihood() {
        let z = 1.959963984540054;
        for (upper, want) in [(false, 1.0 - z * 0.5), (true, 1.0 + z * 0.5)] {
            match limit(&Quadratic, 0, &[1.0], 0.0, 0.1, z, upper) {
                Limit::Found(b) => assert!((b - want).abs() < 1e-12, "{b} vs {want}"),
                other => panic!("{other:?}"),
            }
        }
    }

    /// A likelihood that levels off: the upper limit is infinite.
    struct Plateau;
    impl Restricted for Plateau {
        fn fit_at(&self, _j: usize, value: f64, _warm: &mut [f64]) -> Option<(f64, f64)> {
            // L = -ln(1 + exp(-b)) rises to 0 as b grows: 2 (L_max - L) < 3.84.
            let l = -(-value).exp().ln_1p();
            Some((l - 0.0, (-value).exp() / (1.0 + (-value).exp())))
        }
    }

    #[test]
    fn reports_an_unbounded_limit() {
        // L_max taken as 1 (a maximum elsewhere): 2 (1 - L) never reaches 3.84 upwards.
        assert_eq!(
            limit(&Plateau, 0, &[0.0], 1.0, 1.0, 1.96, true),
            Limit::Unbounded
        );
    }
}
