//! The tail probabilities and quantiles every test in survcalc uses, with
//! one rule for what cannot be computed. They follow R's `pchisq`, `pnorm`,
//! `pf` and `qnorm` (statrs underneath): an infinite statistic has p = 0, a
//! statistic a hair below 0 from rounding has p = 1, and a NaN statistic or
//! impossible degrees of freedom give NaN, which the analysis layer reports
//! as "not computable" (null in a report), never as a number.

use statrs::distribution::{Beta, ChiSquared, ContinuousCDF, FisherSnedecor, Normal, StudentsT};

/// Upper tail of the chi-square distribution, R's
/// `pchisq(stat, df, lower.tail = FALSE)`.
pub fn chi_square_upper(stat: f64, df: f64) -> f64 {
    if stat.is_nan() || !(df.is_finite() && df > 0.0) {
        return f64::NAN;
    }
    if stat == f64::INFINITY {
        return 0.0;
    }
    ChiSquared::new(df).map_or(f64::NAN, |d| d.sf(stat.max(0.0)))
}

/// Upper tail of the F distribution, R's `pf(f, df1, df2, lower.tail = FALSE)`.
pub fn f_upper(f: f64, df1: f64, df2: f64) -> f64 {
    if f.is_nan() || !(df1.is_finite() && df1 > 0.0 && df2.is_finite() && df2 > 0.0) {
        return f64::NAN;
    }
    if f == f64::INFINITY {
        return 0.0;
    }
    FisherSnedecor::new(df1, df2).map_or(f64::NAN, |d| d.sf(f.max(0.0)))
}

/// Two-sided p-value of a standard normal statistic, R's `2 * pnorm(-|z|)`.
pub fn normal_two_sided(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    2.0 * Normal::standard().cdf(-z.abs())
}

/// The standard normal quantile of a two-sided interval at `conf_level`
/// (1.959964 for 0.95), R's `qnorm((1 + conf_level) / 2)`; `None` unless
/// 0 < conf_level < 1.
pub fn normal_quantile_two_sided(conf_level: f64) -> Option<f64> {
    (conf_level > 0.0 && conf_level < 1.0)
        .then(|| Normal::standard().inverse_cdf(0.5 + 0.5 * conf_level))
}

/// The quantile of Student's t with `df` degrees of freedom for a two-sided
/// interval at `conf_level`, R's `qt((1 + conf_level) / 2, df)`; NaN
/// unless 0 < conf_level < 1 and df > 0.
pub fn t_quantile_two_sided(conf_level: f64, df: f64) -> f64 {
    if !(conf_level > 0.0 && conf_level < 1.0 && df > 0.0) {
        return f64::NAN;
    }
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |d| d.inverse_cdf(0.5 + 0.5 * conf_level))
}

/// The `p` quantile of the Beta(a, b) distribution, R's `qbeta(p, a, b)`;
/// NaN unless 0 <= p <= 1 and a, b > 0. (statrs panics outside [0, 1]:
/// every quantile goes through a checked function like this one.)
pub fn beta_quantile(p: f64, a: f64, b: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    Beta::new(a, b).map_or(f64::NAN, |d| d.inverse_cdf(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_square_edges_follow_r() {
        // pchisq(3.841459, 1, lower.tail = FALSE) = 0.05: qchisq(0.95, 1) is
        // the square of qnorm(0.975).
        let z = normal_quantile_two_sided(0.95).unwrap();
        assert!((chi_square_upper(z * z, 1.0) - 0.05).abs() < 1e-10);
        assert_eq!(chi_square_upper(f64::INFINITY, 3.0), 0.0);
        assert_eq!(chi_square_upper(-1e-13, 2.0), 1.0);
        assert!(chi_square_upper(f64::NAN, 1.0).is_nan());
        assert!(chi_square_upper(1.0, 0.0).is_nan());
        // With 2 df the upper tail is exp(-x/2).
        assert!((chi_square_upper(3.0, 2.0) - (-1.5f64).exp()).abs() < 1e-14);
    }

    #[test]
    fn normal_and_f_tails() {
        // The two-sided tail at the 95% quantile is 5%, and at 0 it is 1.
        let z = normal_quantile_two_sided(0.95).unwrap();
        assert!(
            (normal_two_sided(-z) - 0.05).abs() < 1e-10,
            "{}",
            normal_two_sided(-z)
        );
        assert_eq!(normal_two_sided(0.0), 1.0);
        assert!(normal_two_sided(f64::NAN).is_nan());
        assert_eq!(normal_quantile_two_sided(1.0), None);
        assert_eq!(normal_quantile_two_sided(f64::NAN), None);
        // F(1, d) is the square of t(d); with d = 1 (Cauchy) the two-sided
        // tail of t = 1 is 1/2, so P(F(1,1) > 1) = 0.5.
        assert!((f_upper(1.0, 1.0, 1.0) - 0.5).abs() < 1e-12);
        assert_eq!(f_upper(f64::INFINITY, 2.0, 10.0), 0.0);
        assert!(f_upper(1.0, 0.0, 3.0).is_nan());
    }

    #[test]
    fn quantiles_refuse_impossible_levels_instead_of_panicking() {
        // t with 1 df is Cauchy: qt(0.975, 1) = tan(0.475 * pi).
        let q = t_quantile_two_sided(0.95, 1.0);
        assert!((q - (0.475 * std::f64::consts::PI).tan()).abs() < 1e-9 * q);
        assert!(t_quantile_two_sided(1.5, 3.0).is_nan());
        assert!(t_quantile_two_sided(0.95, 0.0).is_nan());
        // Beta(1, 1) is uniform.
        assert!((beta_quantile(0.3, 1.0, 1.0) - 0.3).abs() < 1e-12);
        assert!(beta_quantile(1.2, 2.0, 3.0).is_nan());
        assert!(beta_quantile(f64::NAN, 2.0, 3.0).is_nan());
    }
}
