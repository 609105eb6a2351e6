//! A figure as a list of marks in points (1/72 inch) at its print size:
//! paths (lines, polygons, boxes) and text. Every chart lays itself out
//! into a `Scene`; the scene is then painted through a plotters backend
//! ([`crate::render`]): plotters-svg here, plotters-canvas on the page (the
//! wasm crate), the PDF backend of the export package, so all of them show
//! the same figure. Text is placed by its alphabetic baseline and anchor,
//! measured with Arial's widths ([`crate::metrics`]), so no reader has to
//! measure anything.

use crate::metrics::{self, ASCENT_EM, CAP_HEIGHT_EM, DESCENT_EM};
use serde::{Deserialize, Serialize};

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const BLACK: Rgb = Rgb(0, 0, 0);
    pub const WHITE: Rgb = Rgb(255, 255, 255);

    /// "#rrggbb" (any case); black when unreadable.
    pub fn from_hex(hex: &str) -> Rgb {
        let h = hex.trim().trim_start_matches('#');
        let byte = |i: usize| h.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok());
        match (h.len(), byte(0), byte(2), byte(4)) {
            (6, Some(r), Some(g), Some(b)) => Rgb(r, g, b),
            _ => Rgb::BLACK,
        }
    }

    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Luminance as a grey printer renders it (Rec. 709 weights).
    pub fn grey(self) -> f64 {
        0.2126 * self.0 as f64 + 0.7152 * self.1 as f64 + 0.0722 * self.2 as f64
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stroke {
    pub colour: Rgb,
    /// Points.
    pub width: f64,
    /// Dash pattern in points; empty for a solid line.
    #[serde(default)]
    pub dash: Vec<f64>,
}

impl Stroke {
    pub fn solid(colour: Rgb, width: f64) -> Stroke {
        Stroke {
            colour,
            width,
            dash: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Fill {
    pub colour: Rgb,
    /// 0 (transparent) to 1.
    pub opacity: f64,
}

impl Fill {
    pub fn solid(colour: Rgb) -> Fill {
        Fill {
            colour,
            opacity: 1.0,
        }
    }
}

/// Horizontal anchor of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// Where a text's given y lies on the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VAlign {
    /// The top of capitals.
    Top,
    /// Halfway up the capitals.
    Middle,
    Baseline,
    /// The bottom of descenders.
    Bottom,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mark {
    /// A polyline (or polygon when `closed`), stroked and/or filled.
    Path {
        points: Vec<(f64, f64)>,
        #[serde(default)]
        closed: bool,
        #[serde(default)]
        fill: Option<Fill>,
        #[serde(default)]
        stroke: Option<Stroke>,
    },
    /// One line of text; `y` is its baseline. `vertical`: turned 90°
    /// anticlockwise about (x, y), reading upwards (a y-axis title).
    Text {
        x: f64,
        y: f64,
        text: String,
        size: f64,
        #[serde(default)]
        bold: bool,
        anchor: Anchor,
        colour: Rgb,
        #[serde(default)]
        vertical: bool,
    },
}

/// Text size and weight (and colour).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Font {
    pub size: f64,
    pub bold: bool,
    pub colour: Rgb,
}

impl Font {
    pub fn regular(size: f64) -> Font {
        Font {
            size,
            bold: false,
            colour: Rgb::BLACK,
        }
    }
    pub fn bold(size: f64) -> Font {
        Font {
            size,
            bold: true,
            colour: Rgb::BLACK,
        }
    }
    pub fn colour(self, colour: Rgb) -> Font {
        Font { colour, ..self }
    }
    /// Width of `text` in this font (points).
    pub fn width(&self, text: &str) -> f64 {
        metrics::text_width(text, self.size, self.bold)
    }
    /// Height of a line of text (ascender to descender).
    pub fn line_height(&self) -> f64 {
        (ASCENT_EM + DESCENT_EM) * self.size
    }
    pub fn cap_height(&self) -> f64 {
        CAP_HEIGHT_EM * self.size
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scene {
    /// Points.
    pub width: f64,
    pub height: f64,
    /// CSS font-family list, named in SVG files and used on the canvas.
    pub font_family: String,
    /// What the figure shows, in words (the SVG's title, the canvas' label).
    pub title: String,
    pub marks: Vec<Mark>,
}

impl Scene {
    pub fn new(width: f64, height: f64, font_family: &str) -> Scene {
        Scene {
            width,
            height,
            font_family: font_family.to_string(),
            title: String::new(),
            marks: Vec::new(),
        }
    }

    pub fn line(&mut self, points: Vec<(f64, f64)>, stroke: Stroke) {
        if points.len() >= 2 && points.iter().all(|(x, y)| x.is_finite() && y.is_finite()) {
            self.marks.push(Mark::Path {
                points,
                closed: false,
                fill: None,
                stroke: Some(stroke),
            });
        }
    }

    pub fn polygon(&mut self, points: Vec<(f64, f64)>, fill: Option<Fill>, stroke: Option<Stroke>) {
        if points.len() >= 3 && points.iter().all(|(x, y)| x.is_finite() && y.is_finite()) {
            self.marks.push(Mark::Path {
                points,
                closed: true,
                fill,
                stroke,
            });
        }
    }

    pub fn rect(
        &mut self,
        x0: f64,
        y0: f64,
        x1: f64,
        y1: f64,
        fill: Option<Fill>,
        stroke: Option<Stroke>,
    ) {
        self.polygon(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)], fill, stroke);
    }

    /// Text with its anchor at `x` and `valign` at `y`. Empty text draws nothing.
    pub fn text(&mut self, x: f64, y: f64, text: &str, font: Font, anchor: Anchor, valign: VAlign) {
        if text.trim().is_empty() || !(x.is_finite() && y.is_finite()) {
            return;
        }
        let baseline = match valign {
            VAlign::Top => y + font.cap_height(),
            VAlign::Middle => y + font.cap_height() / 2.0,
            VAlign::Baseline => y,
            VAlign::Bottom => y - DESCENT_EM * font.size,
        };
        self.marks.push(Mark::Text {
            x,
            y: baseline,
            text: text.to_string(),
            size: font.size,
            bold: font.bold,
            anchor,
            colour: font.colour,
            vertical: false,
        });
    }

    /// Text reading upwards, centred on (x, y) along its length, with `x`
    /// the middle of its capitals.
    pub fn vertical_text(&mut self, x: f64, y: f64, text: &str, font: Font) {
        if text.trim().is_empty() {
            return;
        }
        self.marks.push(Mark::Text {
            x: x + font.cap_height() / 2.0,
            y,
            text: text.to_string(),
            size: font.size,
            bold: font.bold,
            anchor: Anchor::Middle,
            colour: font.colour,
            vertical: true,
        });
    }

    /// Sizes of the texts (points), for checks of the print rules.
    pub fn text_sizes(&self) -> impl Iterator<Item = f64> + '_ {
        self.marks.iter().filter_map(|m| match m {
            Mark::Text { size, .. } => Some(*size),
            _ => None,
        })
    }
}

/// A caption under the figure (the patients of an analysis set): left
/// aligned, wrapped to the figure's width, below everything else, so that
/// an exported figure of a subset says which patients it shows.
#[derive(Debug, Clone)]
pub struct Caption {
    lines: Vec<String>,
    font: Font,
    margin: f64,
}

impl Caption {
    /// `text` (none or blank: no caption) in `font` for a figure `width`
    /// wide with `margin` on each side and below.
    pub fn new(text: Option<&str>, width: f64, font: Font, margin: f64) -> Caption {
        let lines = match text.map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => crate::wrap_in(t, None, (width - 2.0 * margin).max(font.size), font),
            None => Vec::new(),
        };
        Caption {
            lines,
            font,
            margin,
        }
    }

    /// What the caption adds to the figure's height (0 without one); the
    /// figure's own bottom margin is the gap above it.
    pub fn height(&self) -> f64 {
        if self.lines.is_empty() {
            0.0
        } else {
            self.lines.len() as f64 * self.font.line_height() + self.margin
        }
    }

    /// Adds the caption's height to `scene` and draws it in that strip.
    pub fn append_to(&self, scene: &mut Scene) {
        let top = scene.height;
        scene.height += self.height();
        for (k, line) in self.lines.iter().enumerate() {
            scene.text(
                self.margin,
                top + k as f64 * self.font.line_height(),
                line,
                self.font,
                Anchor::Start,
                VAlign::Top,
            );
        }
    }
}

/// The lowest point (largest y) any mark reaches, text by its baseline.
#[cfg(test)]
pub(crate) fn lowest_mark(scene: &Scene) -> f64 {
    scene
        .marks
        .iter()
        .flat_map(|m| match m {
            Mark::Path { points, .. } => points.iter().map(|p| p.1).collect::<Vec<_>>(),
            Mark::Text { y, .. } => vec![*y],
        })
        .fold(f64::NEG_INFINITY, f64::max)
}

/// The caption's checks, shared by the figures that take one: it is drawn
/// whole below everything else, the figure grows by its height, and a
/// height that was asked for still holds with it.
#[cfg(test)]
pub(crate) fn check_caption(make: impl Fn(Option<String>, Option<f64>) -> Scene) {
    let caption =
        "Patients: Primary resistance (resistance_group = primary resistance), 229 of 601.";
    let plain = make(None, None);
    let with = make(Some(caption.to_string()), None);
    let lines: Vec<(&str, f64)> = with
        .marks
        .iter()
        .skip(plain.marks.len())
        .filter_map(|m| match m {
            Mark::Text { text, y, .. } => Some((text.as_str(), *y)),
            Mark::Path { .. } => None,
        })
        .collect();
    let words: Vec<&str> = lines
        .iter()
        .flat_map(|(t, _)| t.split_whitespace())
        .collect();
    assert_eq!(words, caption.split_whitespace().collect::<Vec<_>>());
    assert!(
        lines
            .iter()
            .all(|(_, y)| *y > lowest_mark(&plain) && *y < with.height),
        "{lines:?}"
    );
    assert!(with.height > plain.height);
    let asked = plain.height + 30.0;
    assert!((make(Some(caption.to_string()), Some(asked)).height - asked).abs() < 1e-9);
}

/// A number for SVG and PDF: at most 3 decimals, no trailing zeros.
pub fn num(v: f64) -> String {
    let v = if v.is_finite() {
        (v * 1000.0).round() / 1000.0
    } else {
        0.0
    };
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// The scene as a standalone SVG document, written by plotters' SVG
/// backend ([`crate::render::to_svg`]).
pub fn to_svg(scene: &Scene) -> String {
    crate::render::to_svg(scene)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_placed_by_its_baseline() {
        let mut s = Scene::new(100.0, 100.0, "Arial");
        let f = Font::regular(10.0);
        s.text(0.0, 50.0, "x", f, Anchor::Start, VAlign::Middle);
        s.text(0.0, 50.0, "x", f, Anchor::Start, VAlign::Top);
        let ys: Vec<f64> = s
            .marks
            .iter()
            .map(|m| {
                if let Mark::Text { y, .. } = m {
                    *y
                } else {
                    0.0
                }
            })
            .collect();
        assert!((ys[0] - (50.0 + 0.5 * CAP_HEIGHT_EM * 10.0)).abs() < 1e-12);
        assert!((ys[1] - (50.0 + CAP_HEIGHT_EM * 10.0)).abs() < 1e-12);
        assert_eq!(Rgb::from_hex("#0072B2"), Rgb(0, 114, 178));
        assert_eq!(num(1.23456), "1.235");
        assert_eq!(num(-0.0001), "0");
    }
}
