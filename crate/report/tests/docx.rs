//! The Word report: a session rerun on the synthetic cohort written as a
//! .docx, opened again as a zip; every XML part must be well formed, the
//! parts Word needs present, each figure a picture at its print size, and
//! every number of the HTML report's text and tables present in the
//! document's text. When LibreOffice is installed it must also convert the
//! file to PDF (the check Word users cannot run for us).

use std::io::Read;
use std::path::Path;
use survcalc_report::docx::{docx, FigureImage};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

const SESSION: &str = r#"{"version": 1, "dataset": {"file_name": "synthetic_hcc_cohort.csv"}, "steps": [
    {"analysis": "classify", "columns": {"patient_id": "patient_id", "start": "ici_start_date",
      "best_response": "best_overall_response", "first_evaluation": "first_evaluation_date",
      "progression": "progression_date", "confirmation_scan": "pd_confirmation_date",
      "rapid_deterioration": "rapid_deterioration", "drug_stop": "ici_stop_date",
      "last_assessment": "last_assessment_date", "last_contact": "last_contact_date", "death": "death_date", "data_cutoff": "data_cutoff_date"}},
    {"analysis": "kaplan_meier", "time": "os_months", "event": "os_event", "event_values": ["1"], "group": "resistance_group", "times": [12, 24]},
    {"analysis": "cox", "time": "pps_months", "event": "pps_event", "event_values": ["1"], "covariates": [{"column": "bclc"}, {"column": "afp"}]},
    {"analysis": "model_table", "outcome": {"column": "resistance_group", "event_values": ["primary resistance"]},
      "candidates": [{"column": "age"}, {"column": "bclc"}, {"column": "combination"}], "multivariable": ["age", "bclc"]},
    {"analysis": "baseline_table", "group": "resistance_group", "variables": ["age", "sex", "bclc"]},
    {"analysis": "rates", "outcome": "best_overall_response", "success_values": ["CR", "PR"], "group": "resistance_group"},
    {"analysis": "kaplan_meier", "time": "no_such_column", "event": "os_event", "event_values": ["1"]}
]}"#;

/// A white RGB PNG of `width` × `height` pixels recording `dpi`.
fn blank_png(width: u32, height: u32, dpi: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let ppm = (dpi as f64 / 0.0254).round() as u32;
    encoder.set_pixel_dims(Some(png::PixelDimensions {
        xppu: ppm,
        yppu: ppm,
        unit: png::Unit::Meter,
    }));
    let mut writer = encoder.write_header().unwrap();
    writer
        .write_image_data(&vec![255u8; (3 * width * height) as usize])
        .unwrap();
    writer.finish().unwrap();
    out
}

/// The text of an XML part (character data and entities resolved), after
/// checking that it is well formed: quick-xml refuses mismatched end tags,
/// and every element opened must be closed. A newline follows each
/// `paragraph` element.
fn xml_text(name: &str, xml: &str, paragraph: &[u8]) -> String {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0i64;
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(e)) => {
                depth -= 1;
                if e.name().as_ref() == paragraph {
                    text.push('\n');
                }
            }
            Ok(Event::Text(t)) => text.push_str(&t.decode().unwrap()),
            Ok(Event::GeneralRef(r)) => {
                let entity = String::from_utf8(r.to_vec()).unwrap();
                text.push_str(match entity.as_str() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("{name}: unknown entity &{other};"),
                });
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "{name} is not well-formed XML at {}: {e}",
                reader.buffer_position()
            ),
        }
    }
    assert_eq!(depth, 0, "{name}: elements left open");
    text
}

/// Every number in `text` (digits with their decimal point), in order.
fn numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || (c == '.' && !current.is_empty()) {
            current.push(c);
        } else if !current.is_empty() {
            out.push(current.trim_end_matches('.').to_string());
            current.clear();
        }
    }
    out
}

/// The HTML report's visible text outside its figures (tags dropped, the
/// entities html_escape writes resolved).
fn html_text(html: &str) -> String {
    let body = html.split_once("<body>").map_or(html, |(_, b)| b);
    let mut out = String::new();
    let mut rest = body;
    while let Some(start) = rest.find("<figure>") {
        out.push_str(&rest[..start]);
        rest = rest[start..].split_once("</figure>").map_or("", |(_, r)| r);
    }
    out.push_str(rest);
    let mut text = String::new();
    let mut in_tag = false;
    for c in out.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn session_output() -> survcalc_report::SessionOutput {
    let data = root().join("www/examples/synthetic_hcc_cohort.csv");
    let mut table =
        survcalc_analysis::table::read_csv(&std::fs::read(data).unwrap(), &Default::default())
            .unwrap();
    let file = survcalc_analysis::analysis_file::AnalysisFile::from_json(SESSION).unwrap();
    survcalc_report::run(&file, &mut table, survcalc_report::Figures::All)
}

#[test]
fn the_word_report_holds_what_the_html_report_shows() {
    let output = session_output();
    // Pictures at print size and 300 dpi, as the page draws them.
    let mut images = Vec::new();
    for step in &output.steps {
        for (f, scene) in step.figures.iter().zip(&step.scenes) {
            let (w, h) = (
                (scene.width / 72.0 * 300.0).round() as u32,
                (scene.height / 72.0 * 300.0).round() as u32,
            );
            images.push((
                FigureImage {
                    name: f.name.clone(),
                    png: blank_png(w, h, 300),
                },
                w as f64 / 300.0,
                h as f64 / 300.0,
            ));
        }
    }
    assert!(
        images.len() >= 4,
        "flow chart, KM curve and two forest plots"
    );
    let pictures: Vec<FigureImage> = images.iter().map(|(i, _, _)| i.clone()).collect();
    let bytes = docx(&output, &pictures).unwrap();

    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let mut parts = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        parts.insert(file.name().to_string(), content);
    }
    for wanted in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/_rels/document.xml.rels",
        "word/styles.xml",
        "docProps/core.xml",
    ] {
        assert!(
            parts.contains_key(wanted),
            "{wanted} missing: {:?}",
            parts.keys().collect::<Vec<_>>()
        );
    }
    for (name, content) in &parts {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            xml_text(name, std::str::from_utf8(content).unwrap(), b"");
        }
    }
    // Each picture is in the package, byte for byte, and shown at its print size
    // (wider than the 17 cm text width: scaled to it, keeping its proportions).
    let document = std::str::from_utf8(&parts["word/document.xml"]).unwrap();
    let rels = std::str::from_utf8(&parts["word/_rels/document.xml.rels"]).unwrap();
    let extents: Vec<(f64, f64)> = document
        .split("<wp:extent ")
        .skip(1)
        .map(|s| {
            let attr = |name: &str| -> f64 {
                s.split_once(&format!("{name}=\""))
                    .unwrap()
                    .1
                    .split_once('"')
                    .unwrap()
                    .0
                    .parse()
                    .unwrap()
            };
            (attr("cx"), attr("cy"))
        })
        .collect();
    assert_eq!(extents.len(), images.len());
    for (k, ((image, width, height), (cx, cy))) in images.iter().zip(&extents).enumerate() {
        assert_eq!(parts[&format!("word/media/figure{}.png", k + 1)], image.png);
        assert!(rels.contains(&format!("Target=\"media/figure{}.png\"", k + 1)));
        let scale = (17.0 / 2.54 / width).min(1.0);
        // One EMU is 1/914400 in: the sizes are rounded to it.
        assert!(
            (cx / 914_400.0 - width * scale).abs() < 2e-6,
            "figure {k}: width {cx} EMU for {width} in"
        );
        assert!(
            (cy / 914_400.0 - height * scale).abs() < 2e-6,
            "figure {k}: height {cy} EMU for {height} in"
        );
    }
    // Real tables: one per table of the report, with a repeated header row.
    let n_tables: usize = output.steps.iter().map(|s| s.tables.len()).sum();
    assert_eq!(document.matches("<w:tbl>").count(), n_tables);
    assert_eq!(document.matches("<w:tblHeader/>").count(), n_tables);

    // Every number the HTML report prints (its text and tables) is in the document.
    let word = xml_text("word/document.xml", document, b"w:p");
    let html = html_text(&survcalc_report::html(&output));
    let mut ours = numbers(&word);
    let theirs = numbers(&html);
    assert!(
        theirs.len() > 200,
        "the HTML report has its numbers ({})",
        theirs.len()
    );
    let mut missing = Vec::new();
    for n in &theirs {
        match ours.iter().position(|x| x == n) {
            Some(k) => {
                ours.remove(k);
            }
            None => missing.push(n.clone()),
        }
    }
    assert!(
        missing.is_empty(),
        "numbers of the HTML report missing from the Word report: {missing:?}"
    );
    assert!(word.contains("Statistical analysis") && word.contains(&output.methods.paragraph));
    assert!(word.contains("could not be run on this data"));
    for (k, _) in images.iter().enumerate() {
        assert!(
            word.contains(&format!("Figure {}. ", k + 1)),
            "caption of figure {}",
            k + 1
        );
    }
    convert_with_libreoffice(&bytes, n_tables, images.len());
}

/// LibreOffice Writer converts the file to PDF, and poppler reads it back:
/// every table's and figure's caption is in the text and every figure is a
/// picture in the PDF. Without Writer the check is skipped, unless
/// SURVCALC_REQUIRE_LIBREOFFICE is set (`make test` installs Writer and sets it).
fn convert_with_libreoffice(bytes: &[u8], n_tables: usize, n_figures: usize) {
    // LibreOffice's Writer (Debian's libreoffice-writer-nogui), not only soffice:
    // Calc alone answers every document with "source file could not be loaded".
    let installed = std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        && Path::new("/usr/lib/libreoffice/program/libswlo.so").exists();
    if !installed {
        assert!(
            std::env::var_os("SURVCALC_REQUIRE_LIBREOFFICE").is_none(),
            "LibreOffice Writer is required (SURVCALC_REQUIRE_LIBREOFFICE is set)"
        );
        eprintln!("LibreOffice Writer not installed: the .docx is not converted");
        return;
    }
    let dir = std::env::temp_dir().join(format!("survcalc-docx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("report.docx"), bytes).unwrap();
    let out = std::process::Command::new("soffice")
        .arg("--headless")
        .arg(format!(
            "-env:UserInstallation=file://{}/profile",
            dir.display()
        ))
        .args(["--convert-to", "pdf", "--outdir"])
        .arg(&dir)
        .arg(dir.join("report.docx"))
        .output()
        .unwrap();
    let pdf_path = dir.join("report.pdf");
    let pdf = std::fs::read(&pdf_path)
        .unwrap_or_else(|_| panic!("no PDF: {}", String::from_utf8_lossy(&out.stderr)));
    assert!(pdf.starts_with(b"%PDF"));
    let run = |program: &str, args: &[&str]| {
        let out = std::process::Command::new(program)
            .args(args)
            .arg(&pdf_path)
            .args(["-"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{program}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // pdftotext joins a caption's words with single spaces.
    let text = run("pdftotext", &["-layout"])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for k in 1..=n_tables {
        assert!(
            text.contains(&format!("Table {k}.")),
            "caption of table {k} missing from the PDF"
        );
    }
    for k in 1..=n_figures {
        assert!(
            text.contains(&format!("Figure {k}.")),
            "caption of figure {k} missing from the PDF"
        );
    }
    assert!(text.contains("Statistical analysis"));
    // pdfimages -list: a header of two lines, then one line per picture.
    let list = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(&pdf_path)
        .output()
        .unwrap();
    let pictures = String::from_utf8_lossy(&list.stdout)
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .count();
    assert!(
        pictures >= n_figures,
        "{pictures} pictures in the PDF for {n_figures} figures"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_figure_without_its_picture_is_named() {
    let output = session_output();
    let bytes = docx(&output, &[]).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut document = String::new();
    archive
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut document)
        .unwrap();
    assert!(!document.contains("<w:drawing>"));
    assert!(document.contains("01_classify_flow.svg, not drawn in this document"));
}
