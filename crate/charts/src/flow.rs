//! CONSORT-style flow chart of patient selection (CONSORT 2010 diagram
//! layout): screened, an exclusion box to the right listing the reasons,
//! analysed, then one box per group, and the rules in force as a footnote.

use crate::paint::{Canvas, Paint, PathElement, Polygon, Rectangle};
use crate::scene::{Anchor, Font, Rgb, Scene, VAlign};
use crate::{wrap_text, Frame};
pub use survcalc_analysis::plot::flow::{FlowChart, FlowCount};

fn count_text(c: &FlowCount) -> String {
    format!("(n = {})", c.count)
}

fn excluded(chart: &FlowChart) -> FlowCount {
    let label = if chart.excluded_label.trim().is_empty() {
        "Excluded"
    } else {
        chart.excluded_label.trim()
    };
    let count = chart
        .exclusions
        .iter()
        .fold(0u64, |acc, c| acc.saturating_add(c.count));
    FlowCount {
        label: label.to_string(),
        count,
    }
}

/// The height in the frame's pixels (scale included) that fits every box
/// of `chart` at the frame's width (long labels wrap, so it depends on width).
pub fn preferred_height(chart: &FlowChart, frame: &Frame) -> f64 {
    let lay = Layout::new(chart, frame, frame.width);
    lay.height.clamp(1.0, 1e6)
}

fn capitalised(text: &str) -> String {
    let text = text.trim();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

// Sizes in CSS pixels (multiplied by the frame's scale).
const MARGIN: f64 = 12.0;
const FONT: f64 = 13.0;
const NOTE_FONT: f64 = 12.0;
const LINE_H: f64 = 18.0;
const NOTE_LINE_H: f64 = 17.0;
const PAD_X: f64 = 10.0;
const PAD_Y: f64 = 8.0;
const ARROW_GAP: f64 = 20.0;
const GROUP_GAP: f64 = 16.0;
const BULLET_INDENT: f64 = 12.0;

const BORDER: Rgb = Rgb(40, 40, 40);
const MUTED: Rgb = Rgb(80, 80, 80);

struct TextLine {
    text: String,
    x: f64,
    y: f64,
    bold: bool,
    centred: bool,
}

struct BoxLayout {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    lines: Vec<TextLine>,
}

/// Positions in device pixels.
struct Layout {
    s: f64,
    title_y: Option<f64>,
    boxes: Vec<BoxLayout>,
    /// Polylines ending in an arrow head at their last point.
    arrows: Vec<Vec<(f64, f64)>>,
    /// Plain connector lines (the bus above the groups).
    lines: Vec<Vec<(f64, f64)>>,
    notes: Vec<TextLine>,
    height: f64,
}

/// A box of centred lines (label wrapped, count kept on one line) whose top
/// edge is at `y0` and horizontal centre at `cx`.
fn centred_box(c: &FlowCount, cx: f64, width: f64, y0: f64, s: f64) -> BoxLayout {
    let size = FONT * s;
    let lines = wrap_text(
        &capitalised(&c.label),
        Some(&count_text(c)),
        width - 2.0 * PAD_X * s,
        size,
    );
    let lines: Vec<TextLine> = lines
        .into_iter()
        .enumerate()
        .map(|(i, text)| TextLine {
            text,
            x: cx,
            y: y0 + (PAD_Y + LINE_H * (i as f64 + 0.5)) * s,
            bold: false,
            centred: true,
        })
        .collect();
    let h = (2.0 * PAD_Y + LINE_H * lines.len() as f64) * s;
    BoxLayout {
        x0: cx - width / 2.0,
        y0,
        x1: cx + width / 2.0,
        y1: y0 + h,
        lines,
    }
}

fn box_height(b: &BoxLayout) -> f64 {
    b.y1 - b.y0
}

fn shift_down(b: &mut BoxLayout, dy: f64) {
    b.y0 += dy;
    b.y1 += dy;
    for l in &mut b.lines {
        l.y += dy;
    }
}

/// The exclusion box: a bold heading, then one bullet per reason with a
/// hanging indent.
fn exclusion_box(chart: &FlowChart, x0: f64, x1: f64, y0: f64, s: f64) -> BoxLayout {
    let size = FONT * s;
    let heading = excluded(chart);
    let inner = x1 - x0 - 2.0 * PAD_X * s;
    let mut lines = Vec::new();
    let mut y = y0 + PAD_Y * s;
    // Bold runs about 8% wider than the estimate.
    for text in wrap_text(
        &capitalised(&heading.label),
        Some(&count_text(&heading)),
        inner / 1.08,
        size,
    ) {
        lines.push(TextLine {
            text,
            x: x0 + PAD_X * s,
            y: y + LINE_H * s / 2.0,
            bold: true,
            centred: false,
        });
        y += LINE_H * s;
    }
    for reason in &chart.exclusions {
        let wrapped = wrap_text(
            &capitalised(&reason.label),
            Some(&count_text(reason)),
            inner - BULLET_INDENT * s,
            size,
        );
        for (i, text) in wrapped.into_iter().enumerate() {
            let centre = y + LINE_H * s / 2.0;
            if i == 0 {
                lines.push(TextLine {
                    text: "•".into(),
                    x: x0 + PAD_X * s,
                    y: centre,
                    bold: false,
                    centred: false,
                });
            }
            lines.push(TextLine {
                text,
                x: x0 + (PAD_X + BULLET_INDENT) * s,
                y: centre,
                bold: false,
                centred: false,
            });
            y += LINE_H * s;
        }
    }
    BoxLayout {
        x0,
        y0,
        x1,
        y1: y + PAD_Y * s,
        lines,
    }
}

impl Layout {
    fn new(chart: &FlowChart, frame: &Frame, width: f64) -> Layout {
        let s = frame.safe_scale();
        let m = MARGIN * s;
        let content = (width - 2.0 * m).max(200.0 * s);
        let has_exclusions = !chart.exclusions.is_empty();
        let main_w = (0.34 * content).clamp(110.0 * s, 300.0 * s).min(content);
        let arrow_w = 36.0 * s;
        let min_exclusion_w = 110.0 * s;
        // The main column sits left of centre so the exclusion box fits
        // beside it, as in CONSORT diagrams.
        let exclusion_w = (0.5 * content).min(340.0 * s).max(min_exclusion_w);
        let main_cx = if has_exclusions {
            (m + 0.40 * content)
                .min(m + content - exclusion_w - arrow_w - main_w / 2.0)
                .max(m + main_w / 2.0)
        } else {
            m + content / 2.0
        };

        let mut y = m;
        let title_y = if chart.title.trim().is_empty() {
            None
        } else {
            y += 30.0 * s;
            Some(m)
        };
        let mut boxes = Vec::new();
        let mut arrows = Vec::new();
        let mut lines = Vec::new();

        let screened = centred_box(&chart.screened, main_cx, main_w, y, s);
        y = screened.y1;
        let stem_top = screened.y1;
        boxes.push(screened);

        if has_exclusions {
            let ex0 = main_cx + main_w / 2.0 + arrow_w;
            let ex1 = (m + content).max(ex0 + min_exclusion_w);
            let mut excluded = exclusion_box(chart, ex0, ex1, 0.0, s);
            shift_down(&mut excluded, y + ARROW_GAP * s);
            let mid = (excluded.y0 + excluded.y1) / 2.0;
            arrows.push(vec![(main_cx, mid), (ex0, mid)]);
            y = excluded.y1 + ARROW_GAP * s;
            boxes.push(excluded);
        } else {
            y += 2.0 * ARROW_GAP * s;
        }

        let analysed = centred_box(&chart.analysed, main_cx, main_w, y, s);
        arrows.push(vec![(main_cx, stem_top), (main_cx, analysed.y0)]);
        y = analysed.y1;
        let analysed_bottom = analysed.y1;
        boxes.push(analysed);

        if !chart.groups.is_empty() {
            let n = chart.groups.len() as f64;
            let gap = GROUP_GAP * s;
            let group_w = ((content - (n - 1.0) * gap) / n).clamp(60.0 * s, 260.0 * s);
            let row_w = n * group_w + (n - 1.0) * gap;
            // As close under the analysed box as the page allows.
            let row_cx = if row_w >= content {
                m + content / 2.0
            } else {
                main_cx.clamp(m + row_w / 2.0, m + content - row_w / 2.0)
            };
            let bus_y = y + ARROW_GAP * s;
            let top = bus_y + ARROW_GAP * s;
            let mut row: Vec<BoxLayout> = chart
                .groups
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    let cx = row_cx - row_w / 2.0 + group_w / 2.0 + i as f64 * (group_w + gap);
                    centred_box(g, cx, group_w, top, s)
                })
                .collect();
            // Equal heights keep the row tidy when one label wraps.
            let tallest = row.iter().map(box_height).fold(0.0, f64::max);
            for b in &mut row {
                let dy = (tallest - box_height(b)) / 2.0;
                for l in &mut b.lines {
                    l.y += dy;
                }
                b.y1 = b.y0 + tallest;
            }
            let centres: Vec<f64> = row.iter().map(|b| (b.x0 + b.x1) / 2.0).collect();
            let first = centres.first().copied().unwrap_or(main_cx).min(main_cx);
            let last = centres.last().copied().unwrap_or(main_cx).max(main_cx);
            lines.push(vec![(main_cx, analysed_bottom), (main_cx, bus_y)]);
            if last > first {
                lines.push(vec![(first, bus_y), (last, bus_y)]);
            }
            for cx in centres {
                arrows.push(vec![(cx, bus_y), (cx, top)]);
            }
            y = top + tallest;
            boxes.extend(row);
        }

        let mut notes = Vec::new();
        if chart.notes.iter().any(|n| !n.trim().is_empty()) {
            y += 14.0 * s;
            for note in chart.notes.iter().filter(|n| !n.trim().is_empty()) {
                for text in wrap_text(note, None, content, NOTE_FONT * s) {
                    notes.push(TextLine {
                        text,
                        x: m,
                        y: y + NOTE_LINE_H * s / 2.0,
                        bold: false,
                        centred: false,
                    });
                    y += NOTE_LINE_H * s;
                }
            }
        }
        Layout {
            s,
            title_y,
            boxes,
            arrows,
            lines,
            notes,
            height: y + m,
        }
    }
}

fn px(v: f64) -> f64 {
    v
}

fn draw(root: &mut Scene, chart: &FlowChart, frame: &Frame) {
    let w = root.width;
    let lay = Layout::new(chart, frame, w);
    let s = lay.s;
    let stroke = (0.8 * s).max(0.5);

    if let (Some(y), Some(title)) = (lay.title_y, chart_title(chart)) {
        root.text_at(
            title,
            Font::bold(17.0 * s),
            Anchor::Middle,
            VAlign::Top,
            w / 2.0,
            y,
        );
    }
    for b in &lay.boxes {
        root.draw(&Rectangle::new(
            [(px(b.x0), px(b.y0)), (px(b.x1), px(b.y1))],
            Rgb::WHITE.filled(),
        ));
        root.draw(&PathElement::new(
            vec![
                (b.x0, b.y0),
                (b.x1, b.y0),
                (b.x1, b.y1),
                (b.x0, b.y1),
                (b.x0, b.y0),
            ],
            BORDER.stroke_width(stroke),
        ));
        for l in &b.lines {
            draw_line_of_text(root, l, FONT * s, Rgb::BLACK);
        }
    }
    for path in &lay.lines {
        root.draw(&PathElement::new(path.clone(), BORDER.stroke_width(stroke)));
    }
    let head_len = 8.0 * s;
    let head_half = 4.5 * s;
    for path in &lay.arrows {
        let (Some(&tip), Some(&before)) = (
            path.last(),
            path.len().checked_sub(2).and_then(|i| path.get(i)),
        ) else {
            continue;
        };
        let (dx, dy) = (tip.0 - before.0, tip.1 - before.1);
        let len = dx.hypot(dy);
        if len.is_nan() || len <= 0.0 {
            continue;
        }
        let (ux, uy) = (dx / len, dy / len);
        let base = (tip.0 - ux * head_len, tip.1 - uy * head_len);
        let mut shaft: Vec<(f64, f64)> = path[..path.len() - 1].to_vec();
        shaft.push(base);
        root.draw(&PathElement::new(shaft, BORDER.stroke_width(stroke)));
        root.draw(&Polygon::new(
            vec![
                tip,
                (base.0 - uy * head_half, base.1 + ux * head_half),
                (base.0 + uy * head_half, base.1 - ux * head_half),
            ],
            BORDER.filled(),
        ));
    }
    for l in &lay.notes {
        draw_line_of_text(root, l, NOTE_FONT * s, MUTED);
    }
}

fn draw_line_of_text(root: &mut Scene, line: &TextLine, size: f64, colour: Rgb) {
    let font = if line.bold {
        Font::bold(size)
    } else {
        Font::regular(size)
    }
    .colour(colour);
    let anchor = if line.centred {
        Anchor::Middle
    } else {
        Anchor::Start
    };
    root.text_at(
        &line.text,
        font,
        anchor,
        VAlign::Middle,
        px(line.x),
        px(line.y),
    );
}

/// The chart's title: the figure option's, else none.
fn chart_title(chart: &FlowChart) -> Option<&str> {
    Some(chart.title.trim()).filter(|t| !t.is_empty())
}

/// The figure as a scene at its print size (natural height unless set).
pub fn scene(chart: &FlowChart) -> Scene {
    let mut frame = Frame::of(&chart.print);
    if frame.height <= 0.0 {
        frame.height = preferred_height(chart, &frame);
    }
    let mut scene = Scene::new(frame.width, frame.height, chart.print.font_family.css());
    scene.title = chart_title(chart)
        .unwrap_or("Flow chart of patient selection")
        .to_string();
    draw(&mut scene, chart, &frame);
    scene
}

/// The figure as an SVG document at its print size.
pub fn to_svg(chart: &FlowChart) -> String {
    crate::scene::to_svg(&scene(chart))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(label: &str, n: u64) -> FlowCount {
        FlowCount {
            label: label.into(),
            count: n,
        }
    }

    pub(crate) fn example() -> FlowChart {
        FlowChart {
            title: "Patient selection".into(),
            screened: count("Patients screened", 601),
            excluded_label: String::new(),
            exclusions: vec![
                count("response unevaluable", 58),
                count("first response evaluation > 6 months from ICI initiation", 12),
                count("follow-up < 6 months without progression", 26),
                count("ICI discontinued without progression", 9),
            ],
            analysed: count("Analysed", 496),
            groups: vec![
                count("primary resistance", 229),
                count("secondary resistance", 141),
                count("durable response", 126),
            ],
            notes: vec![
                "SITC rules: exposure >= 6 weeks; primary resistance = progression as best response or after stable disease < 6 months; secondary resistance = progression after response or stable disease >= 6 months.".into(),
            ],
            print: Default::default(),
        }
    }

    fn flat(svg: &str) -> String {
        // plotters writes each text on its own line inside <text>.
        let text: String = svg.lines().map(str::trim).collect();
        text.replace("&gt;", ">")
            .replace("&lt;", "<")
            .replace("&amp;", "&")
    }

    /// Arrow heads: the chart's only filled shapes in the border colour.
    fn arrow_heads(svg: &str) -> usize {
        svg.matches(&format!("fill=\"{}\"", BORDER.hex())).count()
    }

    fn svg_at(chart: &FlowChart, width: f64, scale: f64) -> String {
        let frame = frame_for(chart, width, scale);
        let mut scene = Scene::new(frame.width, frame.height, "Arial");
        draw(&mut scene, chart, &frame);
        crate::scene::to_svg(&scene)
    }

    fn frame_for(chart: &FlowChart, width: f64, scale: f64) -> Frame {
        let mut frame = Frame {
            width,
            height: 100.0,
            scale,
        };
        frame.height = preferred_height(chart, &frame);
        frame
    }

    #[test]
    fn svg_has_every_box_with_its_count() {
        let chart = example();
        let svg = svg_at(&chart, 860.0, 1.0);
        assert!(svg.starts_with("<svg"));
        let svg = flat(&svg);
        for text in [
            "Patient selection",
            "Patients screened (n = 601)",
            "Excluded (n = 105)",
            "Response unevaluable (n = 58)",
            "(n = 12)",
            "(n = 26)",
            "(n = 9)",
            "Analysed (n = 496)",
            "Primary resistance (n = 229)",
            "Secondary resistance (n = 141)",
            "Durable response (n = 126)",
            "SITC rules: exposure >= 6 weeks;",
        ] {
            assert!(svg.contains(text), "missing {text}");
        }
        assert!(!svg.contains("NaN"));
        // Screened to analysed, to the exclusions, and one into each group.
        assert_eq!(arrow_heads(&svg), 5);
    }

    #[test]
    fn boxes_do_not_overlap_and_text_fits_inside() {
        for (width, scale) in [(860, 1.0), (600, 1.0), (1200, 2.0), (420, 1.0)] {
            let chart = example();
            let frame = frame_for(&chart, width as f64, scale);
            let lay = Layout::new(&chart, &frame, frame.width as f64);
            for (i, a) in lay.boxes.iter().enumerate() {
                for b in &lay.boxes[i + 1..] {
                    let apart = a.x1 <= b.x0 || b.x1 <= a.x0 || a.y1 <= b.y0 || b.y1 <= a.y0;
                    assert!(apart, "boxes overlap at width {width}");
                }
                for l in &a.lines {
                    let w = super::super::text_width(&l.text, FONT * lay.s)
                        * if l.bold { 1.08 } else { 1.0 };
                    let (left, right) = if l.centred {
                        (l.x - w / 2.0, l.x + w / 2.0)
                    } else {
                        (l.x, l.x + w)
                    };
                    assert!(
                        left >= a.x0 && right <= a.x1 + 0.5,
                        "{:?} spills out at width {width}",
                        l.text
                    );
                    assert!(l.y > a.y0 && l.y < a.y1);
                }
                assert!(
                    a.x1 <= frame.width as f64 && a.x0 >= 0.0,
                    "box off the page at width {width}"
                );
            }
            let bottom = lay.boxes.iter().map(|b| b.y1).fold(0.0, f64::max);
            assert!(bottom < frame.height as f64);
        }
    }

    #[test]
    fn long_labels_wrap_and_the_chart_grows() {
        let chart = example();
        let wide = preferred_height(
            &chart,
            &Frame {
                width: 1400 as f64,
                height: 0 as f64,
                scale: 1.0,
            },
        );
        let narrow = preferred_height(
            &chart,
            &Frame {
                width: 500 as f64,
                height: 0 as f64,
                scale: 1.0,
            },
        );
        assert!(narrow > wide, "{narrow} <= {wide}");
        let retina = preferred_height(
            &chart,
            &Frame {
                width: 2800 as f64,
                height: 0 as f64,
                scale: 2.0,
            },
        );
        assert!(
            (retina as i64 - 2 * wide as i64).abs() <= 2,
            "{retina} vs 2 x {wide}"
        );
    }

    #[test]
    fn partial_and_empty_charts_draw() {
        let mut chart = example();
        chart.exclusions.clear();
        chart.groups.truncate(1);
        chart.notes.clear();
        let svg = flat(&svg_at(&chart, 860.0, 1.0));
        assert!(!svg.contains("Excluded"));
        assert!(svg.contains("Primary resistance (n = 229)"));
        assert_eq!(arrow_heads(&svg), 2);

        let empty = FlowChart::default();
        for frame in [
            Frame::of(&Default::default()),
            Frame {
                width: 0.0,
                height: 0.0,
                scale: f64::NAN,
            },
        ] {
            let mut scene = Scene::new(frame.width.max(1.0), frame.height.max(1.0), "Arial");
            draw(&mut scene, &empty, &frame);
            let svg = crate::scene::to_svg(&scene);
            assert!(svg.starts_with("<svg") && !svg.contains("NaN"));
        }
    }

    #[test]
    fn example_svg_for_review() {
        let chart = example();
        let _ = std::fs::write(
            std::env::temp_dir().join("flow_example.svg"),
            to_svg(&chart),
        );
    }
}
