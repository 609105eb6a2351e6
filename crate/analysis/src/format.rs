//! Numbers for people: p-values, estimates with confidence intervals,
//! confidence levels, test statistics, medians that may not be reached,
//! counts with percentages. Every analysis words its numbers through these
//! functions and the page prints only what they return, so each rule lives
//! (and is tested) here once: "p < 0.001" in every panel, a 97.5% interval
//! called 97.5%, never "p = >0.99".

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

/// A p-value cell, "—" when there is none.
pub fn p_value_or_dash(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_string(), p_value)
}

/// A p-value in a sentence: "p = 0.042", "p < 0.001", "p > 0.99";
/// "p not computable" when there is none.
pub fn p_phrase(p: f64) -> String {
    let text = p_value(p);
    if let Some(rest) = text.strip_prefix('<') {
        format!("p < {rest}")
    } else if let Some(rest) = text.strip_prefix('>') {
        format!("p > {rest}")
    } else if text == "—" {
        "p not computable".to_string()
    } else {
        format!("p = {text}")
    }
}

/// A chi-square test in a sentence: "χ² = 3.84, df = 1, p = 0.050".
pub fn chi_square(stat: f64, df: usize, p: f64) -> String {
    format!("χ² = {}, df = {df}, {}", number(stat, 2), p_phrase(p))
}

/// A named chi-square test: "Log-rank test: χ² = 3.84, df = 1, p = 0.050".
pub fn chi_square_line(name: &str, stat: f64, df: usize, p: f64) -> String {
    format!("{name}: {}", chi_square(stat, df, p))
}

/// A confidence level in percent as people write it: 0.95 -> "95",
/// 0.975 -> "97.5", 0.999 -> "99.9" (never rounded to a different level).
pub fn level_percent(conf_level: f64) -> String {
    let s = format!("{:.4}", 100.0 * conf_level);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// "95% CI" for a confidence level of 0.95.
pub fn ci_label(conf_level: f64) -> String {
    format!("{}% CI", level_percent(conf_level))
}

/// A standard error: three decimals, four below 0.1 so that small ones
/// keep three significant-looking digits; "—" when there is none.
pub fn standard_error(se: Option<f64>) -> String {
    match se {
        Some(x) if x.is_finite() => number(x, if x.abs() < 0.1 { 4 } else { 3 }),
        _ => "—".to_string(),
    }
}

/// Magnitudes from here on print in scientific notation: a fixed-decimal
/// rendering of 1e300 would be a 300-digit string in a table cell.
const SCIENTIFIC_FROM: f64 = 1e15;

/// A number with a fixed number of decimals; non-finite values print as
/// `∞`, `-∞` or `—` (undefined); magnitudes of 10^15 and more in scientific
/// notation ("1.00e+308").
pub fn number(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        "—".to_string()
    } else if x == f64::INFINITY {
        "∞".to_string()
    } else if x == f64::NEG_INFINITY {
        "-∞".to_string()
    } else if x.abs() >= SCIENTIFIC_FROM {
        let s = format!("{x:.2e}");
        match s.split_once('e') {
            Some((mantissa, exp)) if !exp.starts_with('-') => format!("{mantissa}e+{exp}"),
            _ => s,
        }
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
pub fn median_ci(
    median: Option<f64>,
    lower: Option<f64>,
    upper: Option<f64>,
    decimals: usize,
) -> String {
    let limit = |v: Option<f64>| v.map_or_else(|| "NR".to_string(), |x| number(x, decimals));
    match median {
        None if lower.is_none() && upper.is_none() => "not reached".to_string(),
        None => format!("not reached ({}–{})", limit(lower), limit(upper)),
        Some(m) => format!(
            "{} ({}–{})",
            number(m, decimals),
            limit(lower),
            limit(upper)
        ),
    }
}

/// `n (x.x%)`; the percentage is omitted when the denominator is zero.
pub fn count_percent(n: usize, total: usize, decimals: usize) -> String {
    if total == 0 {
        format!("{n}")
    } else {
        format!(
            "{n} ({}%)",
            number(100.0 * n as f64 / total as f64, decimals)
        )
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

/// A time as people write it: at most two decimals, no trailing zeros.
pub fn time_number(t: f64) -> String {
    let s = number(t, 2);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A number in a column's preview, for people: six significant digits at
/// most (a derived `os_months` of 15.244353182751539 shows as 15.2444), no
/// trailing zeros. Only the preview: values themselves stay exact.
pub fn preview_number(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return number(x, 0);
    }
    let magnitude = x.abs().log10().floor() as i64;
    let decimals = (5 - magnitude).clamp(0, 8) as usize;
    let s = number(x, decimals);
    if s.contains('.') && !s.contains('e') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// "6 months", or "time 6" when the unit is not known.
pub fn time_text(t: f64, unit: Option<&str>) -> String {
    let s = time_number(t);
    match unit {
        Some(u) => format!("{s} {u}"),
        None => format!("time {s}"),
    }
}

/// A p-value threshold as the user gave it (0.05, 0.1), rounded only when
/// it has more digits than a person types.
pub fn threshold(t: f64) -> String {
    let s = format!("{t}");
    if s.len() <= 6 {
        s
    } else {
        format!("{t:.4}")
    }
}

/// "" for one, "s" for any other count.
pub fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// A number from the user's options as JavaScript writes it ("Infinity",
/// "-Infinity", "NaN", "0.95"), so a message quotes what was given rather
/// than Rust's "inf".
pub fn given(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
    } else {
        format!("{x}")
    }
}

/// "1 value", "2 values": a count with its noun in the right number
/// (`noun` is the singular and takes a plain "s").
pub fn counted(count: usize, noun: &str) -> String {
    format!("{count} {noun}{}", plural(count))
}

/// The file lines of `count` rows of which the first few are `listed`:
/// "line 4", "lines 3, 7" or "lines 3, 7, ..." when some are not listed.
pub fn file_lines(count: usize, listed: &[u64]) -> String {
    let numbers: Vec<String> = listed.iter().map(u64::to_string).collect();
    let more = if count > listed.len() { ", ..." } else { "" };
    format!("line{} {}{more}", plural(count), numbers.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_round_to_six_significant_digits() {
        assert_eq!(preview_number(464.0 / 30.4375), "15.2444");
        assert_eq!(preview_number(1.5), "1.5");
        assert_eq!(preview_number(-0.000123456789), "-0.00012346");
        assert_eq!(preview_number(1234567.89), "1234568");
        assert_eq!(preview_number(0.0), "0");
        assert_eq!(preview_number(2e300), "2.00e+300");
    }

    #[test]
    fn given_numbers_are_written_as_javascript_writes_them() {
        assert_eq!(given(f64::INFINITY), "Infinity");
        assert_eq!(given(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(given(f64::NAN), "NaN");
        assert_eq!(given(0.95), "0.95");
    }

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(counted(0, "value"), "0 values");
        assert_eq!(counted(1, "value"), "1 value");
        assert_eq!(counted(2, "patient"), "2 patients");
    }

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
    fn p_values_in_sentences_have_one_form() {
        assert_eq!(p_phrase(0.0004), "p < 0.001");
        assert_eq!(p_phrase(0.9999), "p > 0.99");
        assert_eq!(p_phrase(0.042), "p = 0.042");
        assert_eq!(p_phrase(0.5), "p = 0.50");
        assert_eq!(p_phrase(f64::NAN), "p not computable");
        assert_eq!(chi_square(3.8415, 1, 0.05), "χ² = 3.84, df = 1, p = 0.050");
        assert_eq!(
            chi_square_line("Log-rank test", 12.3, 2, 0.0001),
            "Log-rank test: χ² = 12.30, df = 2, p < 0.001"
        );
        assert_eq!(p_value_or_dash(None), "—");
    }

    #[test]
    fn confidence_levels_are_never_rounded_to_another_level() {
        assert_eq!(level_percent(0.95), "95");
        assert_eq!(level_percent(0.975), "97.5");
        assert_eq!(level_percent(0.999), "99.9");
        assert_eq!(level_percent(0.9995), "99.95");
        assert_eq!(level_percent(0.9), "90");
        assert_eq!(ci_label(0.975), "97.5% CI");
    }

    #[test]
    fn huge_and_infinite_numbers_stay_readable() {
        assert_eq!(number(1e308, 2), "1.00e+308");
        assert_eq!(number(-2.5e20, 1), "-2.50e+20");
        assert_eq!(number(123456.789, 1), "123456.8");
        assert_eq!(number(f64::INFINITY, 2), "∞");
        assert_eq!(number(f64::NEG_INFINITY, 2), "-∞");
        assert_eq!(standard_error(Some(0.0123)), "0.0123");
        assert_eq!(standard_error(Some(0.5)), "0.500");
        assert_eq!(standard_error(None), "—");
    }

    #[test]
    fn estimates_and_medians() {
        assert_eq!(estimate_ci(0.6234, 0.41, 0.929, 2), "0.62 (0.41–0.93)");
        assert_eq!(
            median_ci(Some(12.83), Some(10.36), None, 1),
            "12.8 (10.4–NR)"
        );
        assert_eq!(
            median_ci(None, Some(20.0), None, 1),
            "not reached (20.0–NR)"
        );
        assert_eq!(median_ci(None, None, None, 1), "not reached");
        assert_eq!(number(-0.0001, 2), "0.00");
        assert_eq!(count_percent(229, 496, 1), "229 (46.2%)");
        assert_eq!(count_percent(0, 0, 1), "0");
    }

    #[test]
    fn file_lines_say_when_more_rows_are_not_listed() {
        assert_eq!(file_lines(1, &[4]), "line 4");
        assert_eq!(file_lines(2, &[3, 7]), "lines 3, 7");
        assert_eq!(file_lines(12, &[3, 7]), "lines 3, 7, ...");
        assert_eq!(threshold(0.05), "0.05");
        assert_eq!(threshold(0.123456789), "0.1235");
    }
}
