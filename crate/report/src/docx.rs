//! The report as a Word document (Office Open XML, ECMA-376 Part 1): the
//! same content as the HTML report, with tables as real Word tables
//! (header row repeated across pages, numbers right-aligned), figures as
//! PNG pictures at their print size (drawn by the page at 300 dpi through
//! the export package; a figure without a picture is named instead), the
//! Statistical analysis paragraph, captions and references.
//!
//! The package is a zip of a handful of XML parts written here by hand:
//! WordprocessingML needs little for this content, and a docx crate would
//! bring far more than it is used for.

use crate::SessionOutput;
use std::io::Write;
use survcalc_analysis::analyses::DisplayTable;

/// A figure's picture: `name` is the figure's file name in the report
/// (`StepOutput.figures[].name`, e.g. "03_kaplan_meier.svg").
#[derive(Debug, Clone)]
pub struct FigureImage {
    pub name: String,
    pub png: Vec<u8>,
}

/// English Metric Units per inch (DrawingML's unit of length).
const EMU_PER_INCH: f64 = 914_400.0;
/// A4 with 2 cm margins: 17 cm of text width; wider figures are scaled to it.
const TEXT_WIDTH_INCH: f64 = 17.0 / 2.54;
const PAGE_WIDTH_TWIPS: u32 = 11_906;
const PAGE_HEIGHT_TWIPS: u32 = 16_838;
const MARGIN_TWIPS: u32 = 1_134;

/// Text as XML character data: markup escaped and the characters XML 1.0
/// forbids (control characters other than tab and line breaks) left out.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Width, height and dots per inch of a PNG (IHDR and pHYs; 300 dpi when
/// the file records none); `None` if it is not a PNG.
fn png_geometry(png: &[u8]) -> Option<(u32, u32, f64)> {
    if png.len() < 24 || &png[..8] != b"\x89PNG\r\n\x1a\n" || &png[12..16] != b"IHDR" {
        return None;
    }
    let be = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(png.get(at..at + 4)?.try_into().ok()?))
    };
    let (width, height) = (be(16)?, be(20)?);
    let mut dpi = 300.0;
    let mut at = 8;
    while at + 8 <= png.len() {
        let len = be(at)? as usize;
        if png.get(at + 4..at + 8) == Some(b"pHYs") && len >= 9 {
            let ppm = be(at + 8)?;
            if png.get(at + 16) == Some(&1) && ppm > 0 {
                // Whole pixels per metre cannot hold 300 dpi exactly (11811 ppm is
                // 299.9994 dpi): the dpi it was written from is the nearest whole one.
                dpi = (ppm as f64 * 0.0254).round();
            }
            break;
        }
        at += 12 + len;
    }
    (width > 0 && height > 0).then_some((width, height, dpi))
}

fn run(text: &str) -> String {
    format!("<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>", xml(text))
}

fn paragraph(style: Option<&str>, text: &str) -> String {
    let props = style
        .map(|s| format!("<w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>"))
        .unwrap_or_default();
    format!("<w:p>{props}{}</w:p>", run(text))
}

/// A caption: "Table 2." or "Figure 1." in bold, then its text.
fn caption(label: &str, text: &str, keep_with_next: bool) -> String {
    format!(
        "<w:p><w:pPr><w:pStyle w:val=\"Caption\"/>{}</w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">{} </w:t></w:r>{}</w:p>",
        if keep_with_next { "<w:keepNext/>" } else { "" },
        xml(label),
        run(text)
    )
}

fn table(t: &DisplayTable) -> String {
    let columns = t
        .header
        .len()
        .max(t.rows.iter().map(Vec::len).max().unwrap_or(0))
        .max(1);
    let mut out = String::from(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"ReportTable\"/><w:tblW w:w=\"0\" w:type=\"auto\"/>\
         <w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"1\" w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>",
    );
    for _ in 0..columns {
        out.push_str("<w:gridCol/>");
    }
    out.push_str("</w:tblGrid>");
    let cell = |text: &str, numeric: bool, header: bool| -> String {
        let border = if header {
            "<w:tcBorders><w:bottom w:val=\"single\" w:sz=\"8\" w:space=\"0\" w:color=\"000000\"/></w:tcBorders>"
        } else {
            ""
        };
        let align = if numeric {
            "<w:jc w:val=\"right\"/>"
        } else {
            ""
        };
        let bold = if header { "<w:rPr><w:b/></w:rPr>" } else { "" };
        format!(
            "<w:tc><w:tcPr><w:tcW w:w=\"0\" w:type=\"auto\"/>{border}</w:tcPr><w:p><w:pPr><w:pStyle w:val=\"TableText\"/>{align}</w:pPr><w:r>{bold}<w:t xml:space=\"preserve\">{}</w:t></w:r></w:p></w:tc>",
            xml(text)
        )
    };
    out.push_str("<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>");
    for j in 0..columns {
        out.push_str(&cell(
            t.header.get(j).map_or("", String::as_str),
            t.numeric_columns.contains(&j),
            true,
        ));
    }
    out.push_str("</w:tr>");
    for row in &t.rows {
        out.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for j in 0..columns {
            out.push_str(&cell(
                row.get(j).map_or("", String::as_str),
                t.numeric_columns.contains(&j),
                false,
            ));
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    out
}

/// An inline picture `cx` × `cy` EMU showing relationship `rel`.
fn picture(id: usize, rel: &str, name: &str, description: &str, cx: u64, cy: u64) -> String {
    format!(
        "<w:p><w:pPr><w:keepNext/></w:pPr><w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">\
         <wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:docPr id=\"{id}\" name=\"{name}\" descr=\"{description}\"/>\
         <wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr>\
         <a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:pic>\
         <pic:nvPicPr><pic:cNvPr id=\"{id}\" name=\"{name}\"/><pic:cNvPicPr/></pic:nvPicPr>\
         <pic:blipFill><a:blip r:embed=\"{rel}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>\
         <pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr>\
         </pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>",
        name = xml(name),
        description = xml(description)
    )
}

const NAMESPACES: &str =
    "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" \
xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" \
xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" \
xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"";

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="Arial" w:cs="Arial"/><w:sz w:val="21"/><w:szCs w:val="21"/><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:b/><w:sz w:val="36"/><w:szCs w:val="36"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="23"/><w:szCs w:val="23"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="120" w:after="120"/></w:pPr><w:rPr><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Note"><w:name w:val="Note"/><w:basedOn w:val="Normal"/><w:qFormat/><w:rPr><w:color w:val="444444"/><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Warning"><w:name w:val="Warning"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:pBdr><w:left w:val="single" w:sz="24" w:space="6" w:color="C77D00"/></w:pBdr><w:shd w:val="clear" w:color="auto" w:fill="FFF6E0"/></w:pPr><w:rPr><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table text"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="table" w:styleId="ReportTable"><w:name w:val="Report table"/><w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="8" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="8" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="2" w:space="0" w:color="D0D0D0"/></w:tblBorders></w:tblPr></w:style>
</w:styles>
"#;

/// The .docx of a session's report. `images` are the figures' pictures,
/// matched by figure name.
pub fn docx(output: &SessionOutput, images: &[FigureImage]) -> Result<Vec<u8>, String> {
    let mut body = String::new();
    let mut media: Vec<(String, &[u8])> = Vec::new();
    let mut relationships = String::from(
        "<Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>",
    );
    body.push_str(&paragraph(Some("Title"), "Survival analysis report"));
    body.push_str(&paragraph(
        Some("Note"),
        &format!(
            "Data: {} · survcalc {}",
            output.file_name,
            env!("CARGO_PKG_VERSION")
        ),
    ));
    body.push_str(&paragraph(Some("Heading1"), "Statistical analysis"));
    body.push_str(&paragraph(None, &output.methods.paragraph));
    let (mut table_number, mut figure_number) = (0, 0);
    for step in &output.steps {
        body.push_str(&paragraph(
            Some("Heading1"),
            &format!("{}. {}", step.number, step.title),
        ));
        if let Some(e) = &step.error {
            body.push_str(&paragraph(
                Some("Warning"),
                &format!("This step could not be run on this data: {e}"),
            ));
            continue;
        }
        for f in &step.figures {
            figure_number += 1;
            let title = format!("{} (step {}).", step.title, step.number);
            let geometry = images
                .iter()
                .find(|i| i.name == f.name)
                .and_then(|i| Some((i, png_geometry(&i.png)?)));
            match geometry {
                Some((image, (w, h, dpi))) => {
                    let mut width = w as f64 / dpi;
                    let mut height = h as f64 / dpi;
                    if width > TEXT_WIDTH_INCH {
                        height *= TEXT_WIDTH_INCH / width;
                        width = TEXT_WIDTH_INCH;
                    }
                    let rel = format!("rIdImage{figure_number}");
                    let target = format!("media/figure{figure_number}.png");
                    relationships.push_str(&format!(
                        "<Relationship Id=\"{rel}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"{target}\"/>"
                    ));
                    media.push((format!("word/{target}"), &image.png));
                    body.push_str(&picture(
                        figure_number,
                        &rel,
                        &format!("Figure {figure_number}"),
                        &title,
                        (width * EMU_PER_INCH).round() as u64,
                        (height * EMU_PER_INCH).round() as u64,
                    ));
                }
                None => body.push_str(&paragraph(
                    Some("Note"),
                    &format!(
                        "[Figure {figure_number}: {}, not drawn in this document]",
                        f.name
                    ),
                )),
            }
            body.push_str(&caption(&format!("Figure {figure_number}."), &title, false));
        }
        for (name, t) in &step.tables {
            table_number += 1;
            // "Table 1 by rx" needs no "Table 1: " before it.
            let text = if step.title.starts_with(name.as_str()) {
                format!("{}.", step.title)
            } else {
                format!("{name}: {}.", step.title)
            };
            body.push_str(&caption(&format!("Table {table_number}."), &text, true));
            body.push_str(&table(t));
        }
        for t in &step.texts {
            body.push_str(&paragraph(Some("Note"), t));
        }
        for w in &step.warnings {
            body.push_str(&paragraph(Some("Warning"), w));
        }
    }
    if !output.methods.references.is_empty() {
        body.push_str(&paragraph(Some("Heading1"), "References"));
        for (k, r) in output.methods.references.iter().enumerate() {
            let text = r.split_once(". ").map_or(r.as_str(), |(_, t)| t);
            body.push_str(&paragraph(None, &format!("{}. {text}", k + 1)));
        }
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document {NAMESPACES}><w:body>{body}\
         <w:sectPr><w:pgSz w:w=\"{PAGE_WIDTH_TWIPS}\" w:h=\"{PAGE_HEIGHT_TWIPS}\"/>\
         <w:pgMar w:top=\"{MARGIN_TWIPS}\" w:right=\"{MARGIN_TWIPS}\" w:bottom=\"{MARGIN_TWIPS}\" w:left=\"{MARGIN_TWIPS}\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/></w:sectPr>\
         </w:body></w:document>\n"
    );
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
        <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
        <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
        <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
        <Default Extension=\"png\" ContentType=\"image/png\"/>\
        <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
        <Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
        <Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
        </Types>\n";
    let package_rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
        <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
        <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
        <Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
        </Relationships>\n";
    let core = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\
         <dc:title>Survival analysis report: {}</dc:title><dc:creator>survcalc {}</dc:creator></cp:coreProperties>\n",
        xml(&output.file_name),
        env!("CARGO_PKG_VERSION")
    );
    let document_rels = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{relationships}</Relationships>\n"
    );

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    // PNGs are compressed already.
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let failed = |e: &dyn std::fmt::Display| format!("The Word report could not be written: {e}");
    let parts: [(&str, &[u8]); 6] = [
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", package_rels.as_bytes()),
        ("docProps/core.xml", core.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/_rels/document.xml.rels", document_rels.as_bytes()),
        ("word/styles.xml", STYLES.as_bytes()),
    ];
    for (name, content) in parts {
        zip.start_file(name, deflated).map_err(|e| failed(&e))?;
        zip.write_all(content).map_err(|e| failed(&e))?;
    }
    for (name, content) in media {
        zip.start_file(name, stored).map_err(|e| failed(&e))?;
        zip.write_all(content).map_err(|e| failed(&e))?;
    }
    Ok(zip.finish().map_err(|e| failed(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_forbidden_characters_dropped() {
        assert_eq!(xml("a < b & \"c\"\u{1}"), "a &lt; b &amp; &quot;c&quot;");
    }

    #[test]
    fn png_size_and_density_are_read() {
        // 2 × 1 pixels at 300 dpi = 11811 pixels per metre (pHYs, unit 1 = metre).
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend([0, 0, 0, 13]);
        png.extend(b"IHDR");
        png.extend([0, 0, 0, 2, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
        png.extend([0; 4]);
        png.extend([0, 0, 0, 9]);
        png.extend(b"pHYs");
        png.extend(11811u32.to_be_bytes());
        png.extend(11811u32.to_be_bytes());
        png.push(1);
        png.extend([0; 4]);
        let (w, h, dpi) = png_geometry(&png).unwrap();
        assert_eq!((w, h), (2, 1));
        assert_eq!(dpi, 300.0);
        assert!(png_geometry(b"GIF89a").is_none());
    }
}
