//! A scene as a one-page PDF (ISO 32000-1) of the figure's print size:
//! paths as vector paths, text as text in an embedded TrueType font. The
//! font is Liberation Sans (SIL Open Font License), metric-compatible with
//! Arial and Helvetica, so text has the width the layout measured; it is
//! embedded as a CIDFontType2 subset of the glyphs used (Identity-H
//! encoding) with a ToUnicode map (section 9.10), so readers extract and
//! search the figure's words.

use miniz_oxide::deflate::compress_to_vec_zlib;
use pdf_writer::types::{CidFontType, FontFlags, LineJoinStyle, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use std::collections::BTreeMap;
use survcalc_charts::scene::{Anchor, Mark, Scene};

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
        let face = ttf_parser::Face::parse(data, 0).map_err(|e| format!("the font {name} could not be read ({e})"))?;
        let mut remapper = subsetter::GlyphRemapper::new();
        // Glyph 0 (.notdef) stays glyph 0.
        remapper.remap(0);
        Ok(Embedded { face, data, remapper, chars: BTreeMap::new(), name })
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
                let w = self.face.glyph_hor_advance(ttf_parser::GlyphId(old)).unwrap_or(0) as f64;
                (w / self.units() * 1000.0) as f32
            })
            .collect()
    }
}

fn colour(c: survcalc_charts::scene::Rgb) -> (f32, f32, f32) {
    (c.0 as f32 / 255.0, c.1 as f32 / 255.0, c.2 as f32 / 255.0)
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
    (0..6).map(|i| (b'A' + ((h >> (i * 5)) % 26) as u8) as char).collect()
}

pub fn write(scene: &Scene, fonts: &Fonts) -> Result<Vec<u8>, String> {
    let mut regular = Embedded::new(fonts.regular, "LiberationSans")?;
    let mut bold = Embedded::new(fonts.bold, "LiberationSans-Bold")?;
    let (w, h) = (scene.width.max(1.0), scene.height.max(1.0));
    let y = |v: f64| (h - v) as f32;

    let mut content = Content::new();
    // Opacity needs a graphics state per value; keep them by value.
    let mut alphas: BTreeMap<u32, String> = BTreeMap::new();
    content.set_fill_rgb(1.0, 1.0, 1.0);
    content.rect(0.0, 0.0, w as f32, h as f32);
    content.fill_nonzero();
    for mark in &scene.marks {
        match mark {
            Mark::Path { points, closed, fill, stroke } => {
                let Some((first, rest)) = points.split_first() else { continue };
                let fill = fill.filter(|f| f.opacity > 0.0);
                let stroke = stroke.as_ref().filter(|s| s.width > 0.0);
                if fill.is_none() && stroke.is_none() {
                    continue;
                }
                content.save_state();
                content.move_to(first.0 as f32, y(first.1));
                for (px, py) in rest {
                    content.line_to(*px as f32, y(*py));
                }
                if *closed {
                    content.close_path();
                }
                if let Some(f) = fill {
                    if f.opacity < 1.0 {
                        let key = (f.opacity.clamp(0.0, 1.0) * 1000.0).round() as u32;
                        let next = format!("A{}", alphas.len());
                        let name = alphas.entry(key).or_insert(next).clone();
                        content.set_parameters(Name(name.as_bytes()));
                    }
                    let (r, g, b) = colour(f.colour);
                    content.set_fill_rgb(r, g, b);
                }
                if let Some(s) = stroke {
                    let (r, g, b) = colour(s.colour);
                    content.set_stroke_rgb(r, g, b);
                    content.set_line_width(s.width as f32);
                    content.set_line_join(LineJoinStyle::RoundJoin);
                    if !s.dash.is_empty() {
                        content.set_dash_pattern(s.dash.iter().map(|d| *d as f32), 0.0);
                    }
                }
                match (fill.is_some(), stroke.is_some()) {
                    (true, true) => content.fill_nonzero_and_stroke(),
                    (true, false) => content.fill_nonzero(),
                    _ => content.stroke(),
                };
                content.restore_state();
            }
            Mark::Text { x, y: baseline, text, size, bold: is_bold, anchor, colour: c, vertical } => {
                let font = if *is_bold { &mut bold } else { &mut regular };
                let (bytes, width) = font.encode(text, *size);
                let shift = match anchor {
                    Anchor::Start => 0.0,
                    Anchor::Middle => width / 2.0,
                    Anchor::End => width,
                };
                let (r, g, b) = colour(*c);
                content.set_fill_rgb(r, g, b);
                content.begin_text();
                content.set_font(Name(if *is_bold { b"F2" } else { b"F1" }), *size as f32);
                if *vertical {
                    // Reading upwards: turned 90° anticlockwise about (x, baseline).
                    content.set_text_matrix([0.0, 1.0, -1.0, 0.0, *x as f32, (h - baseline + shift) as f32]);
                } else {
                    content.set_text_matrix([1.0, 0.0, 0.0, 1.0, (x - shift) as f32, y(*baseline)]);
                }
                content.show(Str(&bytes));
                content.end_text();
            }
        }
    }
    let content = content.finish();

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
        resources.fonts().pair(Name(b"F1"), font_ids[0][0]).pair(Name(b"F2"), font_ids[1][0]);
        let mut states = resources.ext_g_states();
        for ((_, name), r) in alphas.iter().zip(&alpha_ids) {
            states.pair(Name(name.as_bytes()), *r);
        }
        states.finish();
        resources.finish();
        p.finish();
    }
    pdf.stream(contents, &compress_to_vec_zlib(&content, 6)).filter(Filter::FlateDecode);
    for ((key, _), r) in alphas.iter().zip(&alpha_ids) {
        pdf.ext_graphics(*r).non_stroking_alpha(*key as f32 / 1000.0);
    }
    {
        let mut doc = pdf.document_info(info);
        if !scene.title.trim().is_empty() {
            doc.title(TextStr(&scene.title));
        }
        doc.producer(TextStr("survcalc"));
    }

    let system_info = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };
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
        pdf.stream(file, &compress_to_vec_zlib(&subset, 6)).filter(Filter::FlateDecode);
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
    use survcalc_charts::scene::{Font, Rgb, Stroke, VAlign};

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
            for text in ["Overall survival (%)", "HR 0.59 (95% CI 0.42–0.82)", "χ² ≥ 3.84; p < 0.001", "Äöü ñ é …"] {
                let font_width: f64 = text
                    .chars()
                    .map(|c| face.glyph_hor_advance(face.glyph_index(c).unwrap()).unwrap() as f64)
                    .sum::<f64>()
                    / face.units_per_em() as f64
                    * 10.0;
                let table = survcalc_charts::metrics::text_width(text, 10.0, is_bold);
                assert!((font_width - table).abs() < 1e-9, "{text}: {font_width} vs {table}");
            }
        }
    }

    #[test]
    fn a_scene_becomes_a_pdf_with_its_text() {
        let (regular, bold) = fonts();
        let mut scene = Scene::new(240.0, 120.0, "Arial");
        scene.title = "Test figure".into();
        scene.text(10.0, 20.0, "Overall survival", Font::regular(8.0), Anchor::Start, VAlign::Baseline);
        scene.text(120.0, 40.0, "Number at risk", Font::bold(8.0), Anchor::Middle, VAlign::Middle);
        scene.vertical_text(5.0, 60.0, "Survival (%)", Font::regular(8.0));
        scene.line(vec![(0.0, 0.0), (100.0, 100.0)], Stroke { colour: Rgb(0, 114, 178), width: 1.0, dash: vec![4.0, 2.0] });
        scene.polygon(vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)], Some(survcalc_charts::scene::Fill { colour: Rgb::BLACK, opacity: 0.15 }), None);
        let file = write(&scene, &Fonts { regular: &regular, bold: &bold }).unwrap();
        assert!(file.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&file);
        assert!(text.contains("/MediaBox [0 0 240 120]"), "the page is the figure's size");
        assert!(text.contains("+LiberationSans") && text.contains("/FontFile2") && text.contains("/ToUnicode"));
        // Subsets: far smaller than the 400 KB fonts.
        assert!(file.len() < 60_000, "{} bytes", file.len());
    }
}
