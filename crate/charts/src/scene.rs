//! A figure as a list of marks in points (1/72 inch) at its print size:
//! paths (lines, polygons, boxes) and text. Every chart lays itself out
//! into a `Scene`; the scene is then written as SVG (here), drawn on the
//! page's canvas (the wasm crate) or written as PDF and raster files (the
//! export package), so all of them show the same figure. Text is placed
//! by its alphabetic baseline and anchor, measured with Arial's widths
//! ([`crate::metrics`]), so no reader has to measure anything.

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
        Stroke { colour, width, dash: Vec::new() }
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
        Fill { colour, opacity: 1.0 }
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
        Font { size, bold: false, colour: Rgb::BLACK }
    }
    pub fn bold(size: f64) -> Font {
        Font { size, bold: true, colour: Rgb::BLACK }
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
        Scene { width, height, font_family: font_family.to_string(), title: String::new(), marks: Vec::new() }
    }

    pub fn line(&mut self, points: Vec<(f64, f64)>, stroke: Stroke) {
        if points.len() >= 2 && points.iter().all(|(x, y)| x.is_finite() && y.is_finite()) {
            self.marks.push(Mark::Path { points, closed: false, fill: None, stroke: Some(stroke) });
        }
    }

    pub fn polygon(&mut self, points: Vec<(f64, f64)>, fill: Option<Fill>, stroke: Option<Stroke>) {
        if points.len() >= 3 && points.iter().all(|(x, y)| x.is_finite() && y.is_finite()) {
            self.marks.push(Mark::Path { points, closed: true, fill, stroke });
        }
    }

    pub fn rect(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, fill: Option<Fill>, stroke: Option<Stroke>) {
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

/// A number for SVG and PDF: at most 3 decimals, no trailing zeros.
pub fn num(v: f64) -> String {
    let v = if v.is_finite() { (v * 1000.0).round() / 1000.0 } else { 0.0 };
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Control characters are not allowed in XML.
            c if (c as u32) < 0x20 && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

const MM_PER_PT: f64 = 25.4 / 72.0;

/// The scene as a standalone SVG 1.1 document: sized in millimetres with a
/// viewBox in points (so `font-size` is points at print size), the font
/// family named once on the root, every text a `<text>` element, and
/// nothing invisible (no empty groups, no transparent leftovers).
pub fn to_svg(scene: &Scene) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{}mm\" height=\"{}mm\" viewBox=\"0 0 {} {}\" font-family=\"{}\" role=\"img\">\n",
        num(scene.width * MM_PER_PT),
        num(scene.height * MM_PER_PT),
        num(scene.width),
        num(scene.height),
        escape(&scene.font_family),
    ));
    if !scene.title.trim().is_empty() {
        out.push_str(&format!("<title>{}</title>\n", escape(&scene.title)));
    }
    out.push_str(&format!("<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", num(scene.width), num(scene.height)));
    for mark in &scene.marks {
        match mark {
            Mark::Path { points, closed, fill, stroke } => {
                let visible_fill = fill.filter(|f| f.opacity > 0.0);
                let visible_stroke = stroke.as_ref().filter(|s| s.width > 0.0);
                if visible_fill.is_none() && visible_stroke.is_none() {
                    continue;
                }
                let mut d = String::new();
                for (i, (x, y)) in points.iter().enumerate() {
                    d.push_str(if i == 0 { "M" } else { " L" });
                    d.push_str(&format!("{} {}", num(*x), num(*y)));
                }
                if *closed {
                    d.push_str(" Z");
                }
                out.push_str(&format!("<path d=\"{d}\""));
                match visible_fill {
                    Some(f) => {
                        out.push_str(&format!(" fill=\"{}\"", f.colour.hex()));
                        if f.opacity < 1.0 {
                            out.push_str(&format!(" fill-opacity=\"{}\"", num(f.opacity)));
                        }
                    }
                    None => out.push_str(" fill=\"none\""),
                }
                if let Some(s) = visible_stroke {
                    out.push_str(&format!(" stroke=\"{}\" stroke-width=\"{}\"", s.colour.hex(), num(s.width)));
                    if !s.dash.is_empty() {
                        let dash: Vec<String> = s.dash.iter().map(|d| num(*d)).collect();
                        out.push_str(&format!(" stroke-dasharray=\"{}\"", dash.join(" ")));
                    }
                    if !*closed {
                        out.push_str(" stroke-linejoin=\"round\"");
                    }
                }
                out.push_str("/>\n");
            }
            Mark::Text { x, y, text, size, bold, anchor, colour, vertical } => {
                out.push_str(&format!("<text x=\"{}\" y=\"{}\" font-size=\"{}\"", num(*x), num(*y), num(*size)));
                if *bold {
                    out.push_str(" font-weight=\"bold\"");
                }
                match anchor {
                    Anchor::Start => {}
                    Anchor::Middle => out.push_str(" text-anchor=\"middle\""),
                    Anchor::End => out.push_str(" text-anchor=\"end\""),
                }
                if *colour != Rgb::BLACK {
                    out.push_str(&format!(" fill=\"{}\"", colour.hex()));
                }
                if *vertical {
                    out.push_str(&format!(" transform=\"rotate(-90 {} {})\"", num(*x), num(*y)));
                }
                out.push_str(&format!(">{}</text>\n", escape(text)));
            }
        }
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_is_in_print_units_with_text_as_text() {
        let mut s = Scene::new(240.945, 100.0, "Arial, Helvetica, sans-serif");
        s.title = "A & B".into();
        s.text(10.0, 20.0, "HR 0.59 (0.42–0.82) <x>", Font::regular(8.0), Anchor::Start, VAlign::Baseline);
        s.line(vec![(0.0, 0.0), (10.0, 10.0)], Stroke { colour: Rgb(0, 114, 178), width: 1.0, dash: vec![4.0, 2.0] });
        s.line(vec![(0.0, f64::NAN), (1.0, 1.0)], Stroke::solid(Rgb::BLACK, 1.0));
        s.polygon(vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)], Some(Fill { colour: Rgb::WHITE, opacity: 0.0 }), None);
        let svg = to_svg(&s);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"85mm\""), "{svg}");
        assert!(svg.contains("viewBox=\"0 0 240.945 100\""));
        assert!(svg.contains("<title>A &amp; B</title>"));
        assert!(svg.contains(">HR 0.59 (0.42–0.82) &lt;x&gt;</text>"));
        assert!(svg.contains("stroke-dasharray=\"4 2\""));
        // The NaN line and the invisible polygon leave nothing behind.
        assert_eq!(svg.matches("<path").count(), 1);
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn text_is_placed_by_its_baseline() {
        let mut s = Scene::new(100.0, 100.0, "Arial");
        let f = Font::regular(10.0);
        s.text(0.0, 50.0, "x", f, Anchor::Start, VAlign::Middle);
        s.text(0.0, 50.0, "x", f, Anchor::Start, VAlign::Top);
        let ys: Vec<f64> = s.marks.iter().map(|m| if let Mark::Text { y, .. } = m { *y } else { 0.0 }).collect();
        assert!((ys[0] - (50.0 + 0.5 * CAP_HEIGHT_EM * 10.0)).abs() < 1e-12);
        assert!((ys[1] - (50.0 + CAP_HEIGHT_EM * 10.0)).abs() < 1e-12);
        assert_eq!(Rgb::from_hex("#0072B2"), Rgb(0, 114, 178));
        assert_eq!(num(1.23456), "1.235");
        assert_eq!(num(-0.0001), "0");
    }
}
