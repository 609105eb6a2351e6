//! Charts drawn by Rust with plotters. Every chart is generic over the
//! plotters backend, so the same code draws on the page's canvas and writes
//! the SVG the user exports (and the SVG the native tests inspect).

pub mod km;

use plotters::style::RGBColor;
use serde::{Deserialize, Serialize};

/// Okabe–Ito colours: distinguishable with the common colour-vision
/// deficiencies and in greyscale print.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
];

pub fn series_colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Size and pixel density of a drawing. `scale` is the device pixel ratio:
/// the canvas holds width*scale pixels so text stays sharp on retina screens.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(default)]
pub struct Frame {
    pub width: u32,
    pub height: u32,
    pub scale: f64,
}

impl Default for Frame {
    fn default() -> Self {
        Frame { width: 860, height: 560, scale: 1.0 }
    }
}

impl Frame {
    pub fn px(&self, css_px: f64) -> i32 {
        (css_px * self.scale).round() as i32
    }
    pub fn font(&self, css_px: f64) -> f64 {
        css_px * self.scale
    }
}

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

/// Formats a tick value without trailing zeros.
pub fn tick_label(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_cover_the_range_with_round_steps() {
        assert_eq!(nice_ticks(161.0, 8), vec![0.0, 25.0, 50.0, 75.0, 100.0, 125.0, 150.0, 175.0]);
        assert_eq!(nice_ticks(1022.0, 6), vec![0.0, 200.0, 400.0, 600.0, 800.0, 1000.0, 1200.0]);
        assert_eq!(month_ticks(40.0), vec![0.0, 6.0, 12.0, 18.0, 24.0, 30.0, 36.0, 42.0]);
        assert_eq!(tick_label(2.5), "2.5");
        assert_eq!(tick_label(12.0), "12");
    }
}
