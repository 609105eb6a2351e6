//! Numbers for people: p-values, estimates with confidence intervals,
//! medians that may not be reached, counts with percentages. The page prints
//! only what these functions return, so the rules live (and are tested) here.

/// A p-value as journals print it: `<0.001`, three decimals below 0.1
/// (so 0.049 is not rounded to 0.05), two decimals above.
pub fn p_value(p: f64) -> String {
    if !p.is_finite() || p < 0.0 {
        "—".to_string()
    } else if p < 0.001 {
        "<0.001".to_string()
    } else if p < 0.0995 {
        format!("{p:.3}")
    } else if p > 0.99 {
        ">0.99".to_string()
    } else {
        format!("{p:.2}")
    }
}

/// A number with a fixed number of decimals; non-finite values print as
/// `Inf`, `-Inf` or `—` (undefined).
pub fn number(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        "—".to_string()
    } else if x == f64::INFINITY {
        "Inf".to_string()
    } else if x == f64::NEG_INFINITY {
        "-Inf".to_string()
    } else {
        let s = format!("{x:.decimals$}");
        // "-0.00" reads as a sign error to a clinician.
        if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
            s[1..].to_string()
        } else {
            s
        }
    }
}

/// `estimate (lower–upper)`, e.g. `0.62 (0.41–0.93)`.
pub fn estimate_ci(estimate: f64, lower: f64, upper: f64, decimals: usize) -> String {
    format!(
        "{} ({}–{})",
        number(estimate, decimals),
        number(lower, decimals),
        number(upper, decimals)
    )
}

/// A median survival time that may be "not reached", with its CI whose
/// limits may be undefined (printed `NR`, as R's `NA` in print.survfit).
pub fn median_ci(median: Option<f64>, lower: Option<f64>, upper: Option<f64>, decimals: usize) -> String {
    let limit = |v: Option<f64>| v.map_or_else(|| "NR".to_string(), |x| number(x, decimals));
    match median {
        None if lower.is_none() && upper.is_none() => "not reached".to_string(),
        None => format!("not reached ({}–{})", limit(lower), limit(upper)),
        Some(m) => format!("{} ({}–{})", number(m, decimals), limit(lower), limit(upper)),
    }
}

/// `n (x.x%)`; the percentage is omitted when the denominator is zero.
pub fn count_percent(n: usize, total: usize, decimals: usize) -> String {
    if total == 0 {
        format!("{n}")
    } else {
        format!("{n} ({}%)", number(100.0 * n as f64 / total as f64, decimals))
    }
}

/// Decimals that suit values of this magnitude for display (times in
/// months want one decimal, days none, probabilities two or three).
pub fn decimals_for(typical: f64) -> usize {
    let a = typical.abs();
    if !a.is_finite() || a >= 100.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        3
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_values() {
        assert_eq!(p_value(0.0004), "<0.001");
        assert_eq!(p_value(0.001), "0.001");
        assert_eq!(p_value(0.049), "0.049");
        assert_eq!(p_value(0.0999), "0.10");
        assert_eq!(p_value(0.065339), "0.065");
        assert_eq!(p_value(0.5), "0.50");
        assert_eq!(p_value(0.999), ">0.99");
        assert_eq!(p_value(f64::NAN), "—");
    }

    #[test]
    fn estimates_and_medians() {
        assert_eq!(estimate_ci(0.6234, 0.41, 0.929, 2), "0.62 (0.41–0.93)");
        assert_eq!(median_ci(Some(12.83), Some(10.36), None, 1), "12.8 (10.4–NR)");
        assert_eq!(median_ci(None, Some(20.0), None, 1), "not reached (20.0–NR)");
        assert_eq!(median_ci(None, None, None, 1), "not reached");
        assert_eq!(number(-0.0001, 2), "0.00");
        assert_eq!(count_percent(229, 496, 1), "229 (46.2%)");
        assert_eq!(count_percent(0, 0, 1), "0");
    }
}
