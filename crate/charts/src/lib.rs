//! survcalc-charts: the figures, laid out by Rust at their print size. Every
//! chart turns its plot data into a [`scene::Scene`] (marks in points), which
//! one painter ([`render::paint`]) draws through any plotters backend:
//! plotters-svg here, plotters-canvas on the page (wasm crate), the export
//! package's PDF backend (and PNG/TIFF from the canvas): one layout for
//! every output. The data of each figure comes from survcalc-analysis (`plot`
//! fields of its reports); nothing here computes statistics.

pub mod flow;
pub mod forest;
pub mod km;
pub mod metrics;
mod paint;
pub mod render;
pub mod scene;

use scene::Font;
use survcalc_analysis::plot::figure::PrintSpec;

/// Size of a forest plot or flow chart being laid out: points, and the
/// factor from the layouts' design sizes (13 for body text) to the print
/// font size.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    pub width: f64,
    /// 0: as tall as the content needs.
    pub height: f64,
    pub scale: f64,
}

impl Frame {
    /// The frame of a figure printed as `print` says: body text (13 in the
    /// layouts' units) at the print font size.
    pub fn of(print: &PrintSpec) -> Frame {
        let font = if print.font_size.is_finite() {
            print.font_size.clamp(6.0, 24.0)
        } else {
            8.0
        };
        let width = if print.width.is_finite() && print.width > 0.0 {
            print.width.clamp(72.0, 1440.0)
        } else {
            340.0
        };
        Frame {
            width,
            height: print
                .height
                .filter(|h| h.is_finite() && *h > 0.0)
                .unwrap_or(0.0),
            scale: font / 13.0,
        }
    }

    /// The scale, or that of 8 pt text when the frame holds nonsense (0, NaN).
    pub fn safe_scale(&self) -> f64 {
        if self.scale.is_finite() && self.scale > 0.0 {
            self.scale.min(8.0)
        } else {
            8.0 / 13.0
        }
    }
}

/// Width of `text` set in Arial at `size` (regular weight), in the unit of
/// `size`. One rule for every chart and reader keeps the layout identical
/// on the canvas, in SVG and in PDF.
pub fn text_width(text: &str, size: f64) -> f64 {
    metrics::text_width(text, size, false)
}

/// Greedy word wrap of `text` into lines no wider than `max_width`
/// (estimated with [`text_width`]). Words are never split unless a single
/// word is wider than a whole line; `keep_together` is appended as one
/// unbreakable token (e.g. "(n = 601)").
pub fn wrap_text(
    text: &str,
    keep_together: Option<&str>,
    max_width: f64,
    size: f64,
) -> Vec<String> {
    wrap_in(text, keep_together, max_width, Font::regular(size))
}

/// [`wrap_text`] in any font (bold headings wrap sooner).
pub fn wrap_in(text: &str, keep_together: Option<&str>, max_width: f64, font: Font) -> Vec<String> {
    let fits = |s: &str| !max_width.is_finite() || font.width(s) <= max_width;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let words = text
        .split_whitespace()
        .chain(keep_together.map(str::trim).filter(|t| !t.is_empty()));
    for word in words {
        let mut word: String = word.to_string();
        // A word longer than a line is cut, so nothing spills out of a box.
        while !fits(&word) && word.chars().count() > 1 {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let mut head = String::new();
            for c in word.chars() {
                head.push(c);
                if !fits(&head) {
                    head.pop();
                    break;
                }
            }
            if head.is_empty() {
                head = word.chars().next().map(String::from).unwrap_or_default();
            }
            word = word[head.len()..].to_string();
            lines.push(head);
        }
        let candidate = if line.is_empty() {
            word.clone()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && !fits(&candidate) {
            lines.push(std::mem::replace(&mut line, word));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` cut to at most `max_width` (measured), ending in "…" when cut.
pub fn truncate_text(text: &str, max_width: f64, size: f64) -> String {
    truncate_to(text, max_width, Font::regular(size))
}

/// [`truncate_text`] in any font.
pub fn truncate_to(text: &str, max_width: f64, font: Font) -> String {
    if font.width(text) <= max_width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if font.width(&out) + font.width("…") > max_width {
            out.pop();
            break;
        }
    }
    out.trim_end().to_string() + "…"
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
        let size = 10.0;
        let width = text_width("evaluation more than", size) + 0.01;
        let lines = wrap_text(
            "first response evaluation more than six months",
            Some("(n = 12)"),
            width,
            size,
        );
        assert_eq!(
            lines,
            vec![
                "first response",
                "evaluation more than",
                "six months (n = 12)"
            ]
        );
        assert!(lines.iter().all(|l| text_width(l, size) <= width));
        // Arial's digits share one width.
        let narrow = wrap_text("0123456789", None, text_width("0123", size) + 0.01, size);
        assert_eq!(narrow, vec!["0123", "4567", "89"]);
        assert_eq!(wrap_text("", None, 100.0, size), vec![""]);
        let cut = truncate_text(
            "BCLC stage: C vs B",
            text_width("BCLC stag…", size) + 0.01,
            size,
        );
        assert_eq!(cut, "BCLC stag…");
    }
}
