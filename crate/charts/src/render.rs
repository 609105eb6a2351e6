//! A scene painted through plotters' backend API (`plotters_backend::
//! DrawingBackend`): one painter for every output. The canvas of the page
//! (plotters-canvas, in the wasm crate), SVG (plotters-svg, here) and PDF
//! (the export package's backend) all receive the same primitive calls, so
//! they show one figure. The backend API has integer coordinates, integer
//! stroke widths, no dash patterns and text anchored at its top, centre or
//! bottom; [`Target`] says how points map onto a backend's units, dashes
//! are drawn as their segments, and texts placed by their baseline are
//! moved to the top anchor by the backend's own ascent.

use crate::scene::{Anchor, Mark, Rgb, Scene};
use plotters_backend::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontFamily, FontStyle, FontTransform,
};

/// How a scene's points become a backend's units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// Backend units per point (1/72 inch).
    pub units_per_pt: f64,
    /// The text size a backend is given for text `1` unit tall: plotters-svg
    /// divides the size it is given by 1.24 (plotters' line height), the
    /// canvas uses it as the CSS font size.
    pub font_size_factor: f64,
    /// Distance from the top anchor (`VPos::Top`) down to the alphabetic
    /// baseline, in ems: 0.76 in plotters-svg (its `dy`), the em box's
    /// ascent of the font on a canvas (measured by the browser).
    pub top_to_baseline_em: f64,
}

/// plotters-svg's text conventions (`font-size` = size / 1.24, `dy="0.76em"`).
pub const SVG_FONT_SIZE_FACTOR: f64 = 1.24;
pub const SVG_TOP_TO_BASELINE_EM: f64 = 0.76;

/// Units per point of vector files: coordinates are integers, so they are
/// written in 1/20 pt (0.018 mm), finer than any printer places ink.
pub const VECTOR_UNITS_PER_PT: f64 = 20.0;

impl Target {
    /// SVG and PDF: 1/20 pt units and plotters-svg's text conventions.
    pub fn vector() -> Target {
        Target {
            units_per_pt: VECTOR_UNITS_PER_PT,
            font_size_factor: SVG_FONT_SIZE_FACTOR,
            top_to_baseline_em: SVG_TOP_TO_BASELINE_EM,
        }
    }

    /// Pixels of a canvas `pixel_width` wide for a scene `scene_width` pt
    /// wide; `top_to_baseline_em` as the browser measures the font.
    pub fn pixels(pixel_width: f64, scene_width: f64, top_to_baseline_em: f64) -> Target {
        let scale = pixel_width / scene_width.max(1.0);
        Target {
            units_per_pt: if scale.is_finite() && scale > 0.0 {
                scale
            } else {
                1.0
            },
            font_size_factor: 1.0,
            top_to_baseline_em: if top_to_baseline_em.is_finite() && top_to_baseline_em > 0.0 {
                top_to_baseline_em
            } else {
                SVG_TOP_TO_BASELINE_EM
            },
        }
    }

    /// The backend's size for a scene `width` × `height` points.
    pub fn size(&self, width: f64, height: f64) -> (u32, u32) {
        let units = |v: f64| (v * self.units_per_pt).round().clamp(1.0, u32::MAX as f64) as u32;
        (units(width), units(height))
    }

    fn coord(&self, (x, y): (f64, f64)) -> BackendCoord {
        let units = |v: f64| {
            (v * self.units_per_pt)
                .round()
                .clamp(i32::MIN as f64, i32::MAX as f64) as i32
        };
        (units(x), units(y))
    }

    /// A stroke width: never 0, which would hide the line.
    fn width(&self, width: f64) -> u32 {
        (width * self.units_per_pt).round().clamp(1.0, 1e6) as u32
    }
}

fn colour(c: Rgb, alpha: f64) -> BackendColor {
    BackendColor {
        alpha: alpha.clamp(0.0, 1.0),
        rgb: (c.0, c.1, c.2),
    }
}

/// A pen of the backend API.
struct Pen {
    colour: BackendColor,
    width: u32,
}

impl BackendStyle for Pen {
    fn color(&self) -> BackendColor {
        self.colour
    }
    fn stroke_width(&self) -> u32 {
        self.width
    }
}

/// Text style of one text mark. Sizes were measured by the layout
/// (Arial's widths), so nothing here measures text.
pub struct MarkFont<'a> {
    pub family: &'a str,
    pub size: f64,
    pub bold: bool,
    pub colour: BackendColor,
    pub anchor: Pos,
    pub transform: FontTransform,
}

/// Asking a style to measure or rasterise text is an error: no backend
/// used here does (each draws text as text).
#[derive(Debug)]
pub struct NoGlyphs;
impl std::fmt::Display for NoGlyphs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("this backend needs glyph outlines, which survcalc's figures do not carry")
    }
}
impl std::error::Error for NoGlyphs {}

impl BackendTextStyle for MarkFont<'_> {
    type FontError = NoGlyphs;

    fn color(&self) -> BackendColor {
        self.colour
    }
    fn size(&self) -> f64 {
        self.size
    }
    fn transform(&self) -> FontTransform {
        self.transform.clone()
    }
    fn style(&self) -> FontStyle {
        if self.bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        }
    }
    fn anchor(&self) -> Pos {
        self.anchor
    }
    fn family(&self) -> FontFamily<'_> {
        FontFamily::Name(self.family)
    }
    fn layout_box(&self, _text: &str) -> Result<((i32, i32), (i32, i32)), NoGlyphs> {
        Err(NoGlyphs)
    }
    fn draw<E, F: FnMut(i32, i32, BackendColor) -> Result<(), E>>(
        &self,
        _text: &str,
        _pos: BackendCoord,
        _draw: F,
    ) -> Result<Result<(), E>, NoGlyphs> {
        Err(NoGlyphs)
    }
}

/// The dashes of a polyline: the pieces where the pattern (on, off, on,
/// off, ... in points) is "on", walked along the whole line so the pattern
/// runs on round corners as a stroked dash would.
pub fn dash_pieces(points: &[(f64, f64)], pattern: &[f64]) -> Vec<Vec<(f64, f64)>> {
    let usable = pattern.len() >= 2
        && pattern.iter().all(|d| d.is_finite() && *d >= 0.0)
        && pattern.iter().sum::<f64>() > 1e-6;
    if !usable {
        return vec![points.to_vec()];
    }
    let mut pieces = Vec::new();
    let (mut index, mut left, mut on) = (0usize, pattern[0], true);
    let mut current: Vec<(f64, f64)> = points.first().copied().into_iter().collect();
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let length = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let mut done = 0.0;
        while length - done > left {
            done += left;
            let t = done / length;
            let p = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
            if on {
                if current.last() != Some(&p) {
                    current.push(p);
                }
                if current.len() >= 2 {
                    pieces.push(std::mem::take(&mut current));
                }
                current.clear();
            } else {
                current = vec![p];
            }
            on = !on;
            index = (index + 1) % pattern.len();
            left = pattern[index];
        }
        left -= length - done;
        if on && current.last() != Some(&b) {
            current.push(b);
        }
    }
    if on && current.len() >= 2 {
        pieces.push(current);
    }
    pieces
}

/// Paints `scene` on `backend`: a white page, then every mark in order.
pub fn paint<B: DrawingBackend>(
    scene: &Scene,
    backend: &mut B,
    target: &Target,
) -> Result<(), DrawingErrorKind<B::ErrorType>> {
    backend.ensure_prepared()?;
    let page = Pen {
        colour: colour(Rgb::WHITE, 1.0),
        width: 1,
    };
    backend.draw_rect(
        (0, 0),
        target.coord((scene.width, scene.height)),
        &page,
        true,
    )?;
    for mark in &scene.marks {
        match mark {
            Mark::Path {
                points,
                closed,
                fill,
                stroke,
            } => {
                if let Some(f) = fill.filter(|f| f.opacity > 0.0) {
                    let pen = Pen {
                        colour: colour(f.colour, f.opacity),
                        width: 1,
                    };
                    backend.fill_polygon(points.iter().map(|p| target.coord(*p)), &pen)?;
                }
                if let Some(s) = stroke.as_ref().filter(|s| s.width > 0.0) {
                    let pen = Pen {
                        colour: colour(s.colour, 1.0),
                        width: target.width(s.width),
                    };
                    let mut line = points.clone();
                    if *closed {
                        line.extend(points.first().copied());
                    }
                    for piece in dash_pieces(&line, &s.dash) {
                        let coords: Vec<BackendCoord> =
                            piece.iter().map(|p| target.coord(*p)).collect();
                        match coords.as_slice() {
                            [from, to] => backend.draw_line(*from, *to, &pen)?,
                            _ => backend.draw_path(coords, &pen)?,
                        }
                    }
                }
            }
            Mark::Text {
                x,
                y,
                text,
                size,
                bold,
                anchor,
                colour: c,
                vertical,
            } => {
                // The layout gives the baseline; backends anchor at the top.
                let drop = target.top_to_baseline_em * size;
                let (at, transform) = if *vertical {
                    // Turned 90° anticlockwise: the text's "down" is +x.
                    ((x - drop, *y), FontTransform::Rotate270)
                } else {
                    ((*x, y - drop), FontTransform::None)
                };
                let h_pos = match anchor {
                    Anchor::Start => HPos::Left,
                    Anchor::Middle => HPos::Center,
                    Anchor::End => HPos::Right,
                };
                let font = MarkFont {
                    family: &scene.font_family,
                    size: size * target.units_per_pt * target.font_size_factor,
                    bold: *bold,
                    colour: colour(*c, 1.0),
                    anchor: Pos::new(h_pos, VPos::Top),
                    transform,
                };
                backend.draw_text(text, &font, target.coord(at))?;
            }
        }
    }
    backend.present()
}

const MM_PER_PT: f64 = 25.4 / 72.0;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The scene as a standalone SVG document written by plotters-svg: sized
/// in millimetres (the root's size is set to the print size; plotters
/// knows only unit counts) with a viewBox in 1/20 pt, the font family
/// named on the root and every text, every text a `<text>` element, and
/// nothing invisible (plotters-svg skips transparent marks).
pub fn to_svg(scene: &Scene) -> String {
    let target = Target::vector();
    let size = target.size(scene.width, scene.height);
    let mut body = String::new();
    {
        let mut svg = plotters_svg::SVGBackend::with_string(&mut body, size);
        // Writing into a String cannot fail; a failure would leave a shorter file.
        let _ = paint(scene, &mut svg, &target);
    }
    // plotters-svg opens with `<svg width="W" height="H" viewBox="0 0 W H" xmlns=...>`
    // in whole units; the root says the exact print size instead.
    let content = body
        .split_once(">\n")
        .map(|(_, rest)| rest)
        .unwrap_or("</svg>\n");
    let num = crate::scene::num;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{}mm\" height=\"{}mm\" viewBox=\"0 0 {} {}\" font-family=\"{}\" role=\"img\">\n",
        num(scene.width * MM_PER_PT),
        num(scene.height * MM_PER_PT),
        num(scene.width * target.units_per_pt),
        num(scene.height * target.units_per_pt),
        escape(&scene.font_family),
    );
    if !scene.title.trim().is_empty() {
        out.push_str(&format!("<title>{}</title>\n", escape(&scene.title)));
    }
    out.push_str(content);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::{Fill, Font, Stroke, VAlign};

    #[test]
    fn dashes_walk_the_whole_line() {
        // A right angle of 10 + 10 pt with a 4 on, 2 off pattern.
        let pieces = dash_pieces(&[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)], &[4.0, 2.0]);
        let length = |p: &Vec<(f64, f64)>| {
            p.windows(2)
                .map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt())
                .sum::<f64>()
        };
        let lengths: Vec<f64> = pieces.iter().map(length).collect();
        // on 0-4, 6-10, then 12-16 and 18-20 (2-6 and 8-10 down the second leg).
        assert_eq!(pieces.len(), 4, "{pieces:?}");
        for (got, want) in lengths.iter().zip([4.0, 4.0, 4.0, 2.0]) {
            assert!((got - want).abs() < 1e-12, "{lengths:?}");
        }
        assert_eq!(pieces[1], vec![(6.0, 0.0), (10.0, 0.0)]);
        assert_eq!(pieces[2], vec![(10.0, 2.0), (10.0, 6.0)]);
        // No pattern: the line as it is.
        assert_eq!(
            dash_pieces(&[(0.0, 0.0), (1.0, 1.0)], &[]),
            vec![vec![(0.0, 0.0), (1.0, 1.0)]]
        );
        assert_eq!(dash_pieces(&[(0.0, 0.0), (1.0, 1.0)], &[0.0, 0.0]).len(), 1);
    }

    #[test]
    fn svg_is_plotters_output_in_print_units_with_text_as_text() {
        let mut s = Scene::new(240.945, 100.0, "Arial, Helvetica, sans-serif");
        s.title = "A & B".into();
        s.text(
            10.0,
            20.0,
            "HR 0.59 (0.42–0.82) <x>",
            Font::bold(8.0),
            Anchor::Middle,
            VAlign::Baseline,
        );
        s.line(
            vec![(0.0, 0.0), (10.0, 0.0)],
            Stroke {
                colour: Rgb(0, 114, 178),
                width: 1.0,
                dash: vec![4.0, 2.0],
            },
        );
        s.line(
            vec![(0.0, f64::NAN), (1.0, 1.0)],
            Stroke::solid(Rgb::BLACK, 1.0),
        );
        s.polygon(
            vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)],
            Some(Fill {
                colour: Rgb::WHITE,
                opacity: 0.0,
            }),
            None,
        );
        s.vertical_text(5.0, 50.0, "Survival (%)", Font::regular(8.0));
        let svg = to_svg(&s);
        assert!(
            svg.starts_with(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"85mm\""
            ),
            "{svg}"
        );
        assert!(svg.contains("viewBox=\"0 0 4818.9 2000\""), "{svg}");
        assert!(svg.contains("<title>A &amp; B</title>"));
        assert!(
            svg.contains("\nHR 0.59 (0.42–0.82) &lt;x&gt;\n</text>"),
            "{svg}"
        );
        assert!(svg.contains("font-weight=\"bold\"") && svg.contains("text-anchor=\"middle\""));
        // 8 pt in 1/20 pt units, whatever plotters' 1.24 does to it.
        let sizes: Vec<f64> = svg
            .match_indices("font-size=\"")
            .map(|(i, m)| {
                svg[i + m.len()..]
                    .split('"')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            })
            .collect();
        assert_eq!(sizes.len(), 2);
        assert!(sizes.iter().all(|s| (s - 160.0).abs() < 1e-9), "{sizes:?}");
        // Baseline 20 pt = top anchor 20 - 0.76 em, moved back by plotters' dy.
        assert!(
            svg.contains(&format!(
                "y=\"{}\" dy=\"0.76em\"",
                (20.0 * 20.0 - 0.76 * 160.0f64).round()
            )),
            "{svg}"
        );
        assert!(
            svg.contains("transform=\"rotate(270"),
            "the y title reads upwards"
        );
        // The dashed 10 pt line: pieces 0-4 and 6-10 pt; nothing left of the NaN line or the invisible polygon.
        assert_eq!(svg.matches("<line").count(), 2, "{svg}");
        assert!(
            !svg.contains("<polyline") && !svg.contains("<polygon"),
            "{svg}"
        );
        assert!(!svg.contains("NaN"));
    }
}
