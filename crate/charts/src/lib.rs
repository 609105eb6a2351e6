//! survcalc-charts: the figures, drawn by Rust with plotters. Every chart is
//! generic over the plotters backend, so the same code draws on the page's
//! canvas (through the wasm crate) and writes the SVG the user exports and
//! the native tests inspect. The data of each figure comes from
//! survcalc-analysis (`plot` fields of its reports); nothing here computes
//! statistics.

pub mod flow;
pub mod forest;
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

impl Frame {
    /// The device pixel ratio, or 1 when the page sent nonsense (0, NaN),
    /// so that a bad frame draws a plain chart instead of a degenerate one.
    pub fn safe_scale(&self) -> f64 {
        if self.scale.is_finite() && self.scale > 0.0 {
            self.scale.min(8.0)
        } else {
            1.0
        }
    }
}

/// Average advance of a sans-serif glyph, in em. Digits are 0.556 em in
/// Helvetica/Arial and lower-case text a little less, so this errs on the
/// wide side: columns and boxes sized with it never overlap their text.
pub const CHAR_WIDTH_EM: f64 = 0.55;

/// Estimated width of `text` drawn at plotters font size `size` (the size
/// given to `("sans-serif", size)`). One rule for every chart and backend
/// keeps the layout identical on canvas, in SVG and in native tests.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * CHAR_WIDTH_EM * size
}

/// Greedy word wrap of `text` into lines no wider than `max_width`
/// (estimated with [`text_width`]). Words are never split unless a single
/// word is wider than a whole line; `keep_together` is appended as one
/// unbreakable token (e.g. "(n = 601)").
pub fn wrap_text(text: &str, keep_together: Option<&str>, max_width: f64, size: f64) -> Vec<String> {
    let max_chars = if max_width.is_finite() && size > 0.0 {
        ((max_width / (CHAR_WIDTH_EM * size)).floor() as usize).max(1)
    } else {
        usize::MAX
    };
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut line_len = 0usize;
    let words = text.split_whitespace().chain(keep_together.map(str::trim).filter(|t| !t.is_empty()));
    for word in words {
        let mut word: String = word.to_string();
        let mut len = word.chars().count();
        // A word longer than a line is cut, so nothing spills out of a box.
        while len > max_chars {
            if line_len > 0 {
                lines.push(std::mem::take(&mut line));
                line_len = 0;
            }
            let head: String = word.chars().take(max_chars).collect();
            word = word.chars().skip(max_chars).collect();
            len -= max_chars;
            lines.push(head);
        }
        if line_len > 0 && line_len + 1 + len > max_chars {
            lines.push(std::mem::take(&mut line));
            line_len = 0;
        }
        if line_len > 0 {
            line.push(' ');
            line_len += 1;
        }
        line.push_str(&word);
        line_len += len;
    }
    if line_len > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` cut to at most `max_width` (estimated), ending in "…" when cut.
pub fn truncate_text(text: &str, max_width: f64, size: f64) -> String {
    if text_width(text, size) <= max_width {
        return text.to_string();
    }
    let keep = if size > 0.0 && max_width.is_finite() {
        (max_width / (CHAR_WIDTH_EM * size)).floor().max(1.0) as usize - 1
    } else {
        0
    };
    text.chars().take(keep).collect::<String>() + "…"
}

/// plotters' SVG backend writes `font-size` as the requested size / 1.24
/// while the canvas backend uses the size itself, so an exported SVG would
/// have smaller text than the chart on screen (and than the layout, which
/// measures text at the requested size). This puts the requested sizes back
/// so the export matches the canvas.
pub fn svg_text_at_canvas_size(svg: &str) -> String {
    const KEY: &str = "font-size=\"";
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(at) = rest.find(KEY) {
        let (head, tail) = rest.split_at(at + KEY.len());
        out.push_str(head);
        let end = tail.find('"').unwrap_or(tail.len());
        let (value, after) = tail.split_at(end);
        match value.parse::<f64>() {
            Ok(v) if v.is_finite() => out.push_str(&format!("{}", (v * 1.24 * 100.0).round() / 100.0)),
            _ => out.push_str(value),
        }
        rest = after;
    }
    out.push_str(rest);
    out
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
    fn tick_labels_drop_trailing_zeros() {
        assert_eq!(tick_label(2.5), "2.5");
        assert_eq!(tick_label(12.0), "12");
    }

    #[test]
    fn wrapping_keeps_words_and_the_count_together() {
        // 10 px font: 5.5 px per character, so 20 characters per 110 px line.
        let lines = wrap_text("first response evaluation more than six months", Some("(n = 12)"), 110.0, 10.0);
        assert_eq!(lines, vec!["first response", "evaluation more than", "six months (n = 12)"]);
        assert!(lines.iter().all(|l| text_width(l, 10.0) <= 110.0));
        assert_eq!(wrap_text("abcdefghij", None, 22.0, 10.0), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap_text("", None, 100.0, 10.0), vec![""]);
        assert_eq!(truncate_text("BCLC stage: C vs B", 55.0, 10.0), "BCLC stag…");
    }

    #[test]
    fn exported_svg_text_has_the_canvas_size() {
        let svg = r#"<text font-size="10.483870967741936" x="1">a</text><text font-size="x">"#;
        assert_eq!(svg_text_at_canvas_size(svg), r#"<text font-size="13" x="1">a</text><text font-size="x">"#);
    }
}
