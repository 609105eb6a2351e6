//! Where the time axis of a survival figure has its ticks: the risk table
//! under the figure gives the number at risk at each, so the analysis
//! chooses them (and reports the counts) before anything is drawn.

/// Ticks at 1, 2, 2.5 or 5 times a power of ten, about `target` of them
/// from 0 to at least `max`. Survival plots put the risk table under them.
pub fn nice_ticks(max: f64, target: usize) -> Vec<f64> {
    if !max.is_finite() || max <= 0.0 {
        return vec![0.0, 1.0];
    }
    let raw = max / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let n = (max / step).ceil() as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// Ticks for months: multiples of 3, 6 or 12 read better than 2.5 or 5.
pub fn month_ticks(max: f64) -> Vec<f64> {
    if !max.is_finite() || max <= 0.0 {
        return vec![0.0, 1.0];
    }
    let step = [1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 60.0]
        .into_iter()
        .find(|s| max / s <= 10.0)
        .unwrap_or(120.0);
    let n = (max / step).ceil() as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_cover_the_range_with_round_steps() {
        assert_eq!(nice_ticks(161.0, 8), vec![0.0, 25.0, 50.0, 75.0, 100.0, 125.0, 150.0, 175.0]);
        assert_eq!(nice_ticks(1022.0, 6), vec![0.0, 200.0, 400.0, 600.0, 800.0, 1000.0, 1200.0]);
        assert_eq!(month_ticks(40.0), vec![0.0, 6.0, 12.0, 18.0, 24.0, 30.0, 36.0, 42.0]);
    }
}
