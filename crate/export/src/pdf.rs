//! A scene as a one-page PDF (ISO 32000-1) of the figure's print size,
//! painted through plotters' backend API like every other output: paths as
//! vector paths, text as text in an embedded TrueType font. The
//! font is Liberation Sans (SIL Open Font License), metric-compatible with
//! Arial and Helvetica, so text has the width the layout measured; it is
//! embedded as a CIDFontType2 subset of the glyphs used (Identity-H
//! encoding) with a ToUnicode map (section 9.10), so readers extract and
//! search the figure's words.

use miniz_oxide::deflate::compress_to_vec_zlib;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle, FontTransform,
};
use std::collections::BTreeMap;
use survcalc_charts::render::{self, Target, SVG_FONT_SIZE_FACTOR, SVG_TOP_TO_BASELINE_EM};
use survcalc_charts::scene::Scene;

/// The bytes of the two font files.
pub struct Fonts<'a> {
    pub regular: &'a [u8],
    pub bold: &'a [u8],
}

/// One embedded font: the glyphs used, remapped for the subset.
struct Embedded<'a> {
    face: ttf_parser::Face<'a>,
    data: &'a [u8],
    remapper: subsetter::GlyphRemapper,
    /// New glyph id -> the character it shows (for ToUnicode).
    chars: BTreeMap<u16, char>,
    name: &'static str,
}

impl<'a> Embedded<'a> {
    fn new(data: &'a [u8], name: &'static str) -> Result<Self, String> {
        let face = ttf_parser::Face::parse(data, 0)
            .map_err(|e| format!("the font {name} could not be read ({e})"))?;
        let mut remapper = subsetter::GlyphRemapper::new();
        // Glyph 0 (.notdef) stays glyph 0.
        remapper.remap(0);
        Ok(Embedded {
            face,
            data,
            remapper,
            chars: BTreeMap::new(),
            name,
        })
    }

    fn units(&self) -> f64 {
        self.face.units_per_em() as f64
    }

    /// The text as 2-byte CIDs of the subset, and its width at `size`.
    fn encode(&mut self, text: &str, size: f64) -> (Vec<u8>, f64) {
        let mut bytes = Vec::with_capacity(2 * text.len());
        let mut advance = 0.0;
        for c in text.chars() {
            let glyph = self.face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
            advance += self.face.glyph_hor_advance(glyph).unwrap_or(0) as f64;
            let cid = self.remapper.remap(glyph.0);
            self.chars.entry(cid).or_insert(c);
            bytes.extend_from_slice(&cid.to_be_bytes());
        }
        (bytes, advance / self.units() * size)
    }

    /// Width in thousandths of an em of each glyph of the subset, in CID order.
    fn widths(&self) -> Vec<f32> {
        self.remapper
            .remapped_gids()
            .map(|old| {
                let w = self
                    .face
                    .glyph_hor_advance(ttf_parser::GlyphId(old))
                    .unwrap_or(0) as f64;
                (w / self.units() * 1000.0) as f32
            })
            .collect()
    }
}

/// Six capital letters naming the subset (PDF 9.6.4), from its contents, so
/// the same figure gives the same file.
fn subset_tag(glyphs: &[u16], salt: u8) -> String {
    let mut h: u32 = 2166136261 ^ salt as u32;
    for g in glyphs {
        for b in g.to_be_bytes() {
            h = (h ^ b as u32).wrapping_mul(16777619);
        }
    }
    (0..6)
        .map(|i| (b'A' + ((h >> (i * 5)) % 26) as u8) as char)
        .collect()
}

/// A PDF failure, as plotters' backend API carries it.
#[derive(Debug)]
pub struct PdfError(String);
impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for PdfError {}

/// A PDF page's content stream as a plotters backend: the figure reaches it
/// through survcalc-charts' painter, the one the canvas and SVG get. Units
/// are [`Target::vector`]'s (1/20 pt, y down) and text follows plotters-svg's
/// conventions (size / 1.24; the top anchor 0.76 em above the baseline), so
/// one target fits both vector files.
pub struct PdfPage<'a> {
    content: Content,
    regular: Embedded<'a>,
    bold: Embedded<'a>,
    /// Opacity needs a graphics state per value; kept by value (thousandths).
    alphas: BTreeMap<u32, String>,
    size: (u32, u32),
    units_per_pt: f64,
}

impl<'a> PdfPage<'a> {
    pub fn new(fonts: &Fonts<'a>, size: (u32, u32), units_per_pt: f64) -> Result<Self, String> {
        Ok(PdfPage {
            content: Content::new(),
            regular: Embedded::new(fonts.regular, "LiberationSans")?,
            bold: Embedded::new(fonts.bold, "LiberationSans-Bold")?,
            alphas: BTreeMap::new(),
            size,
            units_per_pt,
        })
    }

    fn x(&self, x: i32) -> f32 {
        (x as f64 / self.units_per_pt) as f32
    }
    fn y(&self, y: i32) -> f32 {
        ((self.size.1 as f64 - y as f64) / self.units_per_pt) as f32
    }
    fn pt(&self, v: f64) -> f32 {
        (v / self.units_per_pt) as f32
    }

    /// Colour (and opacity, when not opaque) for the next fill or stroke.
    fn paint_with(&mut self, color: BackendColor, stroke: Option<u32>) {
        if color.alpha < 1.0 {
            let key = (color.alpha.clamp(0.0, 1.0) * 1000.0).round() as u32;
            let next = format!("A{}", self.alphas.len());
            let name = self.alphas.entry(key).or_insert(next).clone();
            self.content.set_parameters(Name(name.as_bytes()));
        }
        let (r, g, b) = color.rgb;
        let (r, g, b) = (r as f32 / 255.0, g as f32 / 255.0, b as f32 / 255.0);
        match stroke {
            Some(width) => {
                self.content.set_stroke_rgb(r, g, b);
                let width = self.pt(width as f64);
                self.content.set_line_width(width);
            }
            None => {
                self.content.set_fill_rgb(r, g, b);
            }
        }
    }

    fn polyline(&mut self, points: impl IntoIterator<Item = BackendCoord>) -> bool {
        let mut any = false;
        for (i, (px, py)) in points.into_iter().enumerate() {
            let (x, y) = (self.x(px), self.y(py));
            if i == 0 {
                self.content.move_to(x, y);
            } else {
                self.content.line_to(x, y);
            }
            any = true;
        }
        any
    }

    /// The page's content stream and what it refers to (opacity states).
    fn finish(self) -> (Vec<u8>, BTreeMap<u32, String>, Embedded<'a>, Embedded<'a>) {
        (
            self.content.finish().to_vec(),
            self.alphas,
            self.regular,
            self.bold,
        )
    }
}

type Drawn = Result<(), DrawingErrorKind<PdfError>>;

impl DrawingBackend for PdfPage<'_> {
    type ErrorType = PdfError;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }
    fn ensure_prepared(&mut self) -> Drawn {
        Ok(())
    }
    fn present(&mut self) -> Drawn {
        Ok(())
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Drawn {
        self.draw_rect(point, (point.0 + 1, point.1 + 1), &color, true)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Drawn {
        self.draw_path([from, to], style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Drawn {
        let (x0, y0, x1, y1) = (upper_left.0, upper_left.1, bottom_right.0, bottom_right.1);
        if fill {
            self.fill_polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], style)
        } else {
            self.draw_path([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)], style)
        }
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Drawn {
        if style.color().alpha <= 0.0 {
            return Ok(());
        }
        self.content.save_state();
        self.paint_with(style.color(), Some(style.stroke_width()));
        if self.polyline(path) {
            self.content.stroke();
        }
        self.content.restore_state();
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Drawn {
        if style.color().alpha <= 0.0 {
            return Ok(());
        }
        self.content.save_state();
        self.paint_with(style.color(), None);
        if self.polyline(vert) {
            self.content.close_path();
            self.content.fill_nonzero();
        }
        self.content.restore_state();
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Drawn {
        if style.color().alpha <= 0.0 {
            return Ok(());
        }
        // Four Bézier quarter arcs (k = 4(√2 − 1)/3).
        let (cx, cy, r) = (self.x(center.0), self.y(center.1), self.pt(radius as f64));
        let k = 0.552_284_8 * r;
        self.content.save_state();
        self.paint_with(style.color(), (!fill).then(|| style.stroke_width()));
        self.content.move_to(cx + r, cy);
        self.content
            .cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
        self.content
            .cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
        self.content
            .cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
        self.content
            .cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
        self.content.close_path();
        if fill {
            self.content.fill_nonzero();
        } else {
            self.content.stroke();
        }
        self.content.restore_state();
        Ok(())
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Drawn {
        if style.color().alpha <= 0.0 || text.is_empty() {
            return Ok(());
        }
        let is_bold = matches!(style.style(), FontStyle::Bold);
        // plotters-svg's conventions: font size = size / 1.24, in units.
        let size = style.size() / SVG_FONT_SIZE_FACTOR;
        let font = if is_bold {
            &mut self.bold
        } else {
            &mut self.regular
        };
        let x_height = font
            .face
            .x_height()
            .map(|v| v as f64 / font.units())
            .unwrap_or(0.519);
        let (bytes, width) = font.encode(text, size);
        // Down from the anchor to the baseline, as plotters-svg's dy.
        let drop = match style.anchor().v_pos {
            VPos::Top => SVG_TOP_TO_BASELINE_EM * size,
            VPos::Center => 0.5 * x_height * size,
            VPos::Bottom => -0.5 * x_height * size,
        };
        let shift = match style.anchor().h_pos {
            HPos::Left => 0.0,
            HPos::Center => width / 2.0,
            HPos::Right => width,
        };
        // Along the text and "down" for the text, in backend units (y down).
        let (along, down) = match style.transform() {
            FontTransform::None => ((1.0, 0.0), (0.0, 1.0)),
            FontTransform::Rotate90 => ((0.0, 1.0), (-1.0, 0.0)),
            FontTransform::Rotate180 => ((-1.0, 0.0), (0.0, -1.0)),
            FontTransform::Rotate270 => ((0.0, -1.0), (1.0, 0.0)),
        };
        let origin_x = pos.0 as f64 + down.0 * drop - along.0 * shift;
        let origin_y = pos.1 as f64 + down.1 * drop - along.1 * shift;
        let (e, f) = (self.pt(origin_x), self.pt(self.size.1 as f64 - origin_y));
        let color = style.color();
        self.content.save_state();
        self.paint_with(color, None);
        self.content.begin_text();
        self.content
            .set_font(Name(if is_bold { b"F2" } else { b"F1" }), self.pt(size));
        // PDF's y is up: the text's up is minus its down, mirrored.
        self.content.set_text_matrix([
            along.0 as f32,
            -along.1 as f32,
            -down.0 as f32,
            down.1 as f32,
            e,
            f,
        ]);
        self.content.show(Str(&bytes));
        self.content.end_text();
        self.content.restore_state();
        Ok(())
    }
}

pub fn write(scene: &Scene, fonts: &Fonts) -> Result<Vec<u8>, String> {
    let target = Target::vector();
    let (w, h) = (scene.width.max(1.0), scene.height.max(1.0));
    let mut page = PdfPage::new(fonts, target.size(w, h), target.units_per_pt)?;
    render::paint(scene, &mut page, &target)
        .map_err(|e| format!("The figure could not be written as PDF ({e})."))?;
    let (content, alphas, regular, bold) = page.finish();

    let mut pdf = Pdf::new();
    let mut next = 1;
    let mut id = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let (catalog, pages, page, contents, info) = (id(), id(), id(), id(), id());
    let font_ids: Vec<[Ref; 5]> = (0..2).map(|_| [id(), id(), id(), id(), id()]).collect();
    let alpha_ids: Vec<Ref> = alphas.iter().map(|_| id()).collect();

    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page]).count(1);
    {
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, w as f32, h as f32));
        p.parent(pages);
        p.contents(contents);
        let mut resources = p.resources();
        resources
            .fonts()
            .pair(Name(b"F1"), font_ids[0][0])
            .pair(Name(b"F2"), font_ids[1][0]);
        let mut states = resources.ext_g_states();
        for ((_, name), r) in alphas.iter().zip(&alpha_ids) {
            states.pair(Name(name.as_bytes()), *r);
        }
        states.finish();
        resources.finish();
        p.finish();
    }
    pdf.stream(contents, &compress_to_vec_zlib(&content, 6))
        .filter(Filter::FlateDecode);
    for ((key, _), r) in alphas.iter().zip(&alpha_ids) {
        pdf.ext_graphics(*r)
            .non_stroking_alpha(*key as f32 / 1000.0);
    }
    {
        let mut doc = pdf.document_info(info);
        if !scene.title.trim().is_empty() {
            doc.title(TextStr(&scene.title));
        }
        doc.producer(TextStr("survcalc"));
    }

    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    for (k, font) in [&regular, &bold].into_iter().enumerate() {
        let [type0, cid, descriptor, file, cmap] = font_ids[k];
        let glyphs: Vec<u16> = font.remapper.remapped_gids().collect();
        let base = format!("{}+{}", subset_tag(&glyphs, k as u8), font.name);
        let subset = subsetter::subset(font.data, 0, &font.remapper)
            .map_err(|e| format!("the font {} could not be subset ({e:?})", font.name))?;
        pdf.type0_font(type0)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        {
            let mut c = pdf.cid_font(cid);
            c.subtype(CidFontType::Type2);
            c.base_font(Name(base.as_bytes()));
            c.system_info(system_info);
            c.font_descriptor(descriptor);
            c.default_width(0.0);
            c.cid_to_gid_map_predefined(Name(b"Identity"));
            c.widths().consecutive(0, font.widths());
        }
        let units = font.units();
        let scale = |v: f64| (v / units * 1000.0) as f32;
        let bbox = font.face.global_bounding_box();
        pdf.font_descriptor(descriptor)
            .name(Name(base.as_bytes()))
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                scale(bbox.x_min as f64),
                scale(bbox.y_min as f64),
                scale(bbox.x_max as f64),
                scale(bbox.y_max as f64),
            ))
            .italic_angle(0.0)
            .ascent(scale(font.face.ascender() as f64))
            .descent(scale(font.face.descender() as f64))
            .cap_height(scale(font.face.capital_height().unwrap_or(1409) as f64))
            .stem_v(if k == 1 { 140.0 } else { 80.0 })
            .font_file2(file);
        pdf.stream(file, &compress_to_vec_zlib(&subset, 6))
            .filter(Filter::FlateDecode);
        let mut unicode = UnicodeCmap::new(Name(b"Custom"), system_info);
        for (glyph, c) in &font.chars {
            unicode.pair(*glyph, *c);
        }
        pdf.cmap(cmap, &unicode.finish());
    }
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use survcalc_charts::scene::{Anchor, Font, Rgb, Stroke, VAlign};

    fn fonts() -> (Vec<u8>, Vec<u8>) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../www/fonts");
        (
            std::fs::read(dir.join("LiberationSans-Regular.ttf")).unwrap(),
            std::fs::read(dir.join("LiberationSans-Bold.ttf")).unwrap(),
        )
    }

    #[test]
    fn the_layouts_widths_are_the_embedded_fonts() {
        // survcalc-charts lays text out with a table of Arial's widths; the
        // PDF places it with the font it embeds: they must agree.
        let (regular, bold) = fonts();
        for (data, is_bold) in [(&regular, false), (&bold, true)] {
            let face = ttf_parser::Face::parse(data, 0).unwrap();
            for text in [
                "Overall survival (%)",
                "HR 0.59 (95% CI 0.42–0.82)",
                "χ² ≥ 3.84; p < 0.001",
                "Äöü ñ é …",
            ] {
                let font_width: f64 = text
                    .chars()
                    .map(|c| {
                        face.glyph_hor_advance(face.glyph_index(c).unwrap())
                            .unwrap() as f64
                    })
                    .sum::<f64>()
                    / face.units_per_em() as f64
                    * 10.0;
                let table = survcalc_charts::metrics::text_width(text, 10.0, is_bold);
                assert!(
                    (font_width - table).abs() < 1e-9,
                    "{text}: {font_width} vs {table}"
                );
            }
        }
    }

    #[test]
    fn a_scene_becomes_a_pdf_with_its_text() {
        let (regular, bold) = fonts();
        let mut scene = Scene::new(240.0, 120.0, "Arial");
        scene.title = "Test figure".into();
        scene.text(
            10.0,
            20.0,
            "Overall survival",
            Font::regular(8.0),
            Anchor::Start,
            VAlign::Baseline,
        );
        scene.text(
            120.0,
            40.0,
            "Number at risk",
            Font::bold(8.0),
            Anchor::Middle,
            VAlign::Middle,
        );
        scene.vertical_text(5.0, 60.0, "Survival (%)", Font::regular(8.0));
        scene.line(
            vec![(0.0, 0.0), (100.0, 100.0)],
            Stroke {
                colour: Rgb(0, 114, 178),
                width: 1.0,
                dash: vec![4.0, 2.0],
            },
        );
        scene.polygon(
            vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)],
            Some(survcalc_charts::scene::Fill {
                colour: Rgb::BLACK,
                opacity: 0.15,
            }),
            None,
        );
        let file = write(
            &scene,
            &Fonts {
                regular: &regular,
                bold: &bold,
            },
        )
        .unwrap();
        assert!(file.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&file);
        assert!(
            text.contains("/MediaBox [0 0 240 120]"),
            "the page is the figure's size"
        );
        assert!(
            text.contains("+LiberationSans")
                && text.contains("/FontFile2")
                && text.contains("/ToUnicode")
        );
        // Subsets: far smaller than the 400 KB fonts.
        assert!(file.len() < 60_000, "{} bytes", file.len());
    }
}
