//! Where the time axis of a survival figure has its ticks: the risk table
//! under the figure gives the number at risk at each, so the analysis
//! chooses them (and reports the counts) before anything is drawn.

/// Most ticks an axis gets, whatever the data: a time column of epoch
/// milliseconds shown in months once asked for half a billion ticks and
/// aborted the page's engine.
const MAX_TICKS: usize = 40;

/// Ticks 0, step, 2·step, … up to the first at or beyond `max`; `None`
/// when that would be more than [`MAX_TICKS`] or the step is degenerate.
fn ticks_every(step: f64, max: f64) -> Option<Vec<f64>> {
    if !(step.is_finite() && step > 0.0) {
        return None;
    }
    let n = (max / step).ceil();
    (n.is_finite() && n <= MAX_TICKS as f64 && (n * step).is_finite())
        .then(|| (0..=n as usize).map(|i| i as f64 * step).collect())
}

/// Ticks at 1, 2, 2.5 or 5 times a power of ten, about `target` of them
/// from 0 to at least `max`. Survival plots put the risk table under them.
pub fn nice_ticks(max: f64, target: usize) -> Vec<f64> {
    if !max.is_finite() || max <= 0.0 {
        return vec![0.0, 1.0];
    }
    let raw = max / target.clamp(1, MAX_TICKS) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    // A max too small for a power-of-ten step (subnormal) gets one interval.
    ticks_every(step, max).unwrap_or_else(|| vec![0.0, max])
}

/// Ticks for months: multiples of 3, 6 or 12 read better than 2.5 or 5;
/// beyond 100 years of months, round powers of ten as for any unit.
pub fn month_ticks(max: f64) -> Vec<f64> {
    if !max.is_finite() || max <= 0.0 {
        return vec![0.0, 1.0];
    }
    [1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 60.0, 120.0]
        .into_iter()
        .find(|s| max / s <= 10.0)
        .and_then(|step| ticks_every(step, max))
        .unwrap_or_else(|| nice_ticks(max, 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_cover_the_range_with_round_steps() {
        assert_eq!(
            nice_ticks(161.0, 8),
            vec![0.0, 25.0, 50.0, 75.0, 100.0, 125.0, 150.0, 175.0]
        );
        assert_eq!(
            nice_ticks(1022.0, 6),
            vec![0.0, 200.0, 400.0, 600.0, 800.0, 1000.0, 1200.0]
        );
        assert_eq!(
            month_ticks(40.0),
            vec![0.0, 6.0, 12.0, 18.0, 24.0, 30.0, 36.0, 42.0]
        );
        assert_eq!(
            month_ticks(1150.0),
            (0..=10).map(|i| 120.0 * i as f64).collect::<Vec<_>>()
        );
    }

    #[test]
    fn absurd_ranges_get_a_handful_of_ticks() {
        // Epoch milliseconds read as days, shown in months.
        let months = 1.6e12 / 30.4375;
        for ticks in [
            month_ticks(months),
            nice_ticks(months, 8),
            nice_ticks(1e308, 8),
            nice_ticks(f64::MAX, 1000),
        ] {
            assert!(
                (2..=MAX_TICKS + 1).contains(&ticks.len()),
                "{}",
                ticks.len()
            );
            assert!(ticks.iter().all(|t| t.is_finite()));
        }
        assert_eq!(nice_ticks(5e-324, 8), vec![0.0, 5e-324]);
        assert_eq!(month_ticks(f64::INFINITY), vec![0.0, 1.0]);
    }
}
