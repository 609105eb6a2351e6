//! Kaplan–Meier figure: step curves with optional confidence bands, censor
//! marks, a legend, an annotation (log-rank p) and the number-at-risk table
//! aligned under the x-axis ticks, as in published survival figures.

use crate::{series_colour, svg_text_at_canvas_size, text_width, tick_label, truncate_text, Frame};
pub use survcalc_analysis::plot::km::{KmPlot, KmPlotCurve};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Staircase through (0, 1) and each (t, S(t)), flat to `end`.
fn steps(time: &[f64], values: &[f64], start: f64, end: f64) -> Staircase {
    let mut pts = Vec::with_capacity(2 * time.len() + 2);
    let mut last = start;
    pts.push((0.0, start));
    for (&t, &v) in time.iter().zip(values) {
        pts.push((t, last));
        pts.push((t, v));
        last = v;
    }
    pts.push((end.max(time.last().copied().unwrap_or(0.0)), last));
    pts
}

/// Points (time, survival) of a step function, as [`steps`] returns them.
type Staircase = Vec<(f64, f64)>;

/// Upper and lower confidence staircases. The band stops where a limit is
/// undefined (S = 0 on the log scale).
fn ci_band(c: &KmPlotCurve, start: f64) -> (Staircase, Staircase) {
    let defined = |(l, u): (&Option<f64>, &Option<f64>)| l.zip(*u);
    let (lo, hi): (Vec<f64>, Vec<f64>) = c.lower.iter().zip(&c.upper).map_while(defined).unzip();
    let n = lo.len().min(c.time.len());
    let end = c.time.get(n).copied().unwrap_or(c.max_time);
    (steps(&c.time[..n], &hi, start, end), steps(&c.time[..n], &lo, start, end))
}

/// An axis-aligned box in pixels, relative to the plotting area's top left.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rect {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Rect {
    /// The box around the segment a-b, widened by `pad` on every side.
    fn around(a: (f64, f64), b: (f64, f64), pad: f64) -> Rect {
        Rect { x0: a.0.min(b.0) - pad, y0: a.1.min(b.1) - pad, x1: a.0.max(b.0) + pad, y1: a.1.max(b.1) + pad }
    }
    fn overlap(&self, o: &Rect) -> f64 {
        let w = self.x1.min(o.x1) - self.x0.max(o.x0);
        let h = self.y1.min(o.y1) - self.y0.max(o.y0);
        if w > 0.0 && h > 0.0 {
            w * h
        } else {
            0.0
        }
    }
}

/// Pixel sizes the legend placement works with.
#[derive(Debug, Clone, Copy)]
struct LegendGeometry {
    /// Plotting area (width, height).
    area: (f64, f64),
    /// Legend box (width, height).
    legend: (f64, f64),
    /// Gap kept between the legend and the plotting area's edges.
    inset: f64,
    /// Distance between successive candidate positions.
    step: f64,
    /// Half the thickness counted around a curve (stroke plus clearance).
    line: f64,
    /// Half the height of a censor mark.
    mark: f64,
    /// Text the legend must never cover (the log-rank p).
    keep_clear: Option<Rect>,
}

/// A CI band is drawn faintly: hiding part of it weighs less than hiding a curve.
const BAND_WEIGHT: f64 = 0.1;

/// What the figure draws, as weighted boxes in pixels: thin boxes around
/// each step and censor mark, and one box per constant piece of a CI band.
fn ink(plot: &KmPlot, x_max: f64, g: &LegendGeometry) -> Vec<(Rect, f64)> {
    let (w, h) = g.area;
    let px = |(t, s): (f64, f64)| (t / x_max * w, (1.0 - s) * h);
    let mut out = Vec::new();
    for c in &plot.curves {
        let pts = steps(&c.time, &c.surv, plot.start, c.max_time);
        out.extend(pts.windows(2).map(|p| (Rect::around(px(p[0]), px(p[1]), g.line), 1.0)));
        for (&t, &s) in c.censor_time.iter().zip(&c.censor_surv) {
            let (x, y) = px((t, s));
            out.push((Rect { x0: x - g.line, y0: y - g.mark, x1: x + g.line, y1: y + g.mark }, 1.0));
        }
        if plot.show_ci {
            let (hi, lo) = ci_band(c, plot.start);
            // Both staircases share their x; piece i spans x_i..x_{i+1}.
            for (u, l) in hi.windows(2).zip(&lo) {
                out.push((Rect::around(px(u[0]), px((u[1].0, l.1)), 0.0), BAND_WEIGHT));
            }
        }
    }
    out.retain(|(r, _)| [r.x0, r.y0, r.x1, r.y1].iter().all(|v| v.is_finite()));
    out
}

/// Where the legend goes: its box, and whether it has to hide some data.
#[derive(Debug, Clone, Copy, PartialEq)]
struct LegendPlace {
    rect: Rect,
    covers_data: bool,
}

/// Picks the legend box that hides the least of the curves, censor marks
/// and CI bands, never covering `keep_clear`. Candidates in order of
/// preference: down the right-hand side from the upper right (the usual
/// place), along the top from right to left, then the lower left; the first
/// free one wins, otherwise the least covered.
fn place_legend(plot: &KmPlot, x_max: f64, g: &LegendGeometry) -> LegendPlace {
    let (w, h) = g.area;
    let (lw, lh) = g.legend;
    let step = g.step.max(1.0);
    let right = (w - lw - g.inset).max(g.inset);
    let bottom = (h - lh - g.inset).max(g.inset);
    let mut tops: Vec<(f64, f64)> = Vec::new();
    let mut y = g.inset;
    while y < bottom {
        tops.push((right, y));
        y += step;
    }
    tops.push((right, bottom));
    let mut x = right - step;
    while x > g.inset {
        tops.push((x, g.inset));
        x -= step;
    }
    tops.push((g.inset, g.inset));
    tops.push((g.inset, bottom));
    // The lower left is where the annotation sits: also try just above it.
    if let Some(k) = g.keep_clear {
        tops.push((g.inset, (k.y0 - lh - g.inset).max(g.inset)));
    }

    let ink = ink(plot, x_max, g);
    let mut best: Option<(f64, Rect)> = None;
    for (x, y) in tops {
        let rect = Rect { x0: x, y0: y, x1: x + lw, y1: y + lh };
        if g.keep_clear.is_some_and(|k| k.overlap(&rect) > 0.0) {
            continue;
        }
        let hidden: f64 = ink.iter().map(|(r, weight)| weight * r.overlap(&rect)).sum();
        if hidden == 0.0 {
            return LegendPlace { rect, covers_data: false };
        }
        if best.is_none_or(|(b, _)| hidden < b) {
            best = Some((hidden, rect));
        }
    }
    let rect = best.map_or(Rect { x0: right, y0: g.inset, x1: right + lw, y1: g.inset + lh }, |(_, r)| r);
    LegendPlace { rect, covers_data: true }
}

/// The legend, placed by [`place_legend`] on the plotting area `area`; its
/// background turns opaque when it cannot avoid hiding part of a curve.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &KmPlot,
    x_max: f64,
    frame: &Frame,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let size = frame.font(13.0);
    let row = 1.25 * size;
    let (pad, sample) = (frame.px(10.0) as f64, frame.px(30.0) as f64);
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as f64, h as f64);
    let labels: Vec<String> = plot.curves.iter().map(|c| truncate_text(&c.label, w / 2.0, size)).collect();
    let text_w = labels.iter().map(|l| text_width(l, size)).fold(0.0, f64::max);
    let annotation = plot.annotation.as_ref().map(|text| {
        // As drawn in `draw`: from 10 px right of the y axis, bottom 8 px above the x axis.
        let (x, bottom, gap) = (frame.px(10.0) as f64, h - frame.px(8.0) as f64, frame.px(4.0) as f64);
        Rect { x0: x - gap, y0: bottom - row - gap, x1: x + text_width(text, size) + gap, y1: bottom + gap }
    });
    let geometry = LegendGeometry {
        area: (w, h),
        legend: (2.0 * pad + sample + text_w, frame.px(16.0) as f64 + row * labels.len() as f64),
        inset: frame.px(5.0) as f64,
        step: frame.px(4.0) as f64,
        // Half the stroke (1 px) or mark (5 px) plus 3 px of air.
        line: frame.px(4.0) as f64,
        mark: frame.px(8.0) as f64,
        keep_clear: annotation,
    };
    let place = place_legend(plot, x_max, &geometry);
    let r = place.rect;
    let (x0, y0, x1, y1) = (r.x0.round() as i32, r.y0.round() as i32, r.x1.round() as i32, r.y1.round() as i32);
    let background = if place.covers_data { WHITE.filled() } else { WHITE.mix(0.85).filled() };
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], background))?;
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], RGBColor(200, 200, 200)))?;
    let x = x0 + pad as i32;
    for (i, label) in labels.iter().enumerate() {
        let y = (r.y0 + frame.px(8.0) as f64 + row * (i as f64 + 0.5)).round() as i32;
        let line = series_colour(i).stroke_width(frame.px(3.0).max(1) as u32);
        area.draw(&PathElement::new(vec![(x, y), (x + frame.px(20.0), y)], line))?;
        let style = ("sans-serif", size).into_font().into_text_style(area).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw_text(label, &style, (x + sample as i32, y))?;
    }
    Ok(())
}

pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &KmPlot,
    frame: &Frame,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let font = |px: f64| ("sans-serif", frame.font(px)).into_font();
    let row_h = frame.px(20.0);
    let table_h = if plot.risk_table {
        row_h * (plot.curves.iter().filter(|c| !c.at_risk.is_empty()).count() as i32 + 1) + frame.px(16.0)
    } else {
        0
    };
    let (_, total_h) = root.dim_in_pixel();
    let (upper, _) = root.split_vertically(total_h as i32 - table_h);
    let x_max = plot.ticks.last().copied().unwrap_or(1.0).max(f64::MIN_POSITIVE);
    // The risk table's group names need 170 px left of the plot; the y
    // axis's ticks and title need 64. The rest is margin, so that the title
    // sits next to its ticks instead of at the figure's edge.
    let label_w = frame.px(170.0);
    let y_axis_w = frame.px(64.0);

    let mut chart = ChartBuilder::on(&upper)
        .caption(&plot.title, font(17.0))
        .margin_top(frame.px(8.0))
        .margin_right(frame.px(24.0))
        .margin_left(label_w - y_axis_w)
        .x_label_area_size(frame.px(48.0))
        .y_label_area_size(y_axis_w)
        .build_cartesian_2d(0f64..x_max, 0f64..1.0)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        // x ticks are drawn below at the risk-table times, so they line up.
        .x_labels(0)
        .y_labels(6)
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(228, 228, 228))
        .x_desc(plot.x_label.as_str())
        .y_desc(plot.y_label.as_str())
        .y_label_formatter(&|v| format!("{v:.1}"))
        .label_style(font(13.0))
        .axis_desc_style(font(14.0))
        .draw()?;

    let tick_len = frame.px(5.0);
    for t in &plot.ticks {
        let (x, y) = chart.backend_coord(&(*t, 0.0));
        upper.draw(&PathElement::new(vec![(x, y), (x, y + tick_len)], BLACK.stroke_width(1)))?;
        upper.draw_text(
            &tick_label(*t),
            &font(13.0).into_text_style(&upper).pos(Pos::new(HPos::Center, VPos::Top)),
            (x, y + tick_len + frame.px(3.0)),
        )?;
    }

    for (i, c) in plot.curves.iter().enumerate() {
        let colour = series_colour(i);
        if plot.show_ci {
            let (mut band, mut lower) = ci_band(c, plot.start);
            lower.reverse();
            band.extend(lower);
            chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.14).filled())))?;
        }
        chart.draw_series(LineSeries::new(
            steps(&c.time, &c.surv, plot.start, c.max_time),
            colour.stroke_width(frame.px(2.0).max(1) as u32),
        ))?;
        let half = frame.px(5.0);
        chart.draw_series(c.censor_time.iter().zip(&c.censor_surv).map(|(&t, &s)| {
            EmptyElement::at((t, s))
                + PathElement::new(vec![(0, -half), (0, half)], colour.stroke_width(frame.px(1.5).max(1) as u32))
        }))?;
    }
    if plot.curves.len() > 1 || !plot.curves.first().is_none_or(|c| c.label.is_empty()) {
        draw_legend(&chart.plotting_area().strip_coord_spec(), plot, x_max, frame)?;
    }
    if let Some(text) = &plot.annotation {
        let (x, y) = chart.backend_coord(&(0.0, 0.0));
        upper.draw_text(
            text,
            &font(13.0).into_text_style(&upper).pos(Pos::new(HPos::Left, VPos::Bottom)),
            (x + frame.px(10.0), y - frame.px(8.0)),
        )?;
    }

    if plot.risk_table {
        let top = total_h as i32 - table_h + frame.px(6.0);
        let bold = ("sans-serif", frame.font(13.0), FontStyle::Bold).into_font();
        root.draw_text("Number at risk", &bold.into_text_style(root), (frame.px(8.0), top))?;
        // Curves without numbers at risk (a second cause of a group) have no row.
        for (row, (i, c)) in plot.curves.iter().enumerate().filter(|(_, c)| !c.at_risk.is_empty()).enumerate() {
            let y = top + row_h * (row as i32 + 1);
            let mut name = c.label.clone();
            if name.chars().count() > 22 {
                name = name.chars().take(21).collect::<String>() + "…";
            }
            let colour = series_colour(i);
            let label_style = font(13.0).into_text_style(root).color(&colour);
            root.draw_text(&name, &label_style, (frame.px(8.0), y))?;
            for (t, n) in plot.ticks.iter().zip(&c.at_risk) {
                let (x, _) = chart.backend_coord(&(*t, 0.0));
                let style = font(13.0).into_text_style(root).pos(Pos::new(HPos::Center, VPos::Top));
                root.draw_text(&n.to_string(), &style, (x, y))?;
            }
        }
    }
    root.present()
}

/// The figure as an SVG document (for export and for tests).
pub fn to_svg(plot: &KmPlot, frame: &Frame) -> Result<String, String> {
    let mut out = String::new();
    {
        let backend = SVGBackend::with_string(&mut out, (frame.width, frame.height));
        let root = backend.into_drawing_area();
        draw(&root, plot, frame).map_err(|e| format!("could not draw the Kaplan–Meier plot: {e}"))?;
    }
    // plotters writes SVG font sizes smaller than it draws them on a canvas.
    Ok(svg_text_at_canvas_size(&out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> KmPlot {
        KmPlot {
            title: "Overall survival".into(),
            caption: None,
            x_label: "Time (months)".into(),
            y_label: "Survival probability".into(),
            ticks: vec![0.0, 12.0, 24.0, 36.0],
            curves: vec![KmPlotCurve {
                label: "Primary resistance".into(),
                time: vec![3.0, 10.0, 20.0],
                surv: vec![0.8, 0.5, 0.25],
                lower: vec![Some(0.6), Some(0.3), None],
                upper: vec![Some(0.95), Some(0.7), None],
                max_time: 30.0,
                censor_time: vec![15.0],
                censor_surv: vec![0.5],
                at_risk: vec![10, 4, 2, 0],
            }],
            show_ci: true,
            annotation: Some("Log-rank p = 0.065".into()),
            risk_table: true,
            start: 1.0,
        }
    }

    #[test]
    fn svg_has_the_curve_labels_and_risk_numbers() {
        let svg = to_svg(&example(), &Frame::default()).unwrap();
        assert!(svg.starts_with("<svg"));
        // plotters writes each text on its own line inside <text>.
        let svg: String = svg.lines().map(str::trim).collect();
        for text in ["Primary resistance", "Number at risk", "Log-rank p = 0.065", ">10<", ">36<", "Time (months)"] {
            assert!(svg.contains(text), "missing {text}");
        }
    }

    fn flat_curve(level: f64, drop_at: f64, end: f64) -> KmPlotCurve {
        KmPlotCurve {
            label: format!("S = {level}"),
            time: vec![drop_at],
            surv: vec![level],
            lower: vec![Some(level - 0.05)],
            upper: vec![Some(level + 0.05)],
            max_time: end,
            censor_time: vec![end],
            censor_surv: vec![level],
            at_risk: vec![],
        }
    }

    fn plot_of(curves: Vec<KmPlotCurve>) -> KmPlot {
        KmPlot { ticks: vec![0.0, 60.0], curves, show_ci: false, annotation: None, ..example() }
    }

    // A 600 x 400 px plotting area, x from 0 to 60; 1 px is 0.1 time units and 0.0025 in S.
    fn geometry(keep_clear: Option<Rect>) -> LegendGeometry {
        LegendGeometry {
            area: (600.0, 400.0),
            legend: (150.0, 70.0),
            inset: 5.0,
            step: 4.0,
            line: 2.0,
            mark: 6.0,
            keep_clear,
        }
    }

    fn hidden(plot: &KmPlot, place: &LegendPlace) -> f64 {
        ink(plot, 60.0, &geometry(None)).iter().map(|(r, w)| w * r.overlap(&place.rect)).sum()
    }

    #[test]
    fn legend_stays_upper_right_when_the_curves_leave_it_free() {
        let plot = plot_of(vec![flat_curve(0.3, 2.0, 50.0), flat_curve(0.1, 5.0, 58.0)]);
        let place = place_legend(&plot, 60.0, &geometry(None));
        assert_eq!(place, LegendPlace { rect: Rect { x0: 445.0, y0: 5.0, x1: 595.0, y1: 75.0 }, covers_data: false });
    }

    #[test]
    fn legend_moves_off_a_curve_that_stays_high() {
        // A durable response at 0.9 to the end runs through the upper right.
        let mut plot = plot_of(vec![flat_curve(0.9, 3.0, 60.0), flat_curve(0.3, 2.0, 55.0)]);
        let place = place_legend(&plot, 60.0, &geometry(None));
        assert!(!place.covers_data);
        assert_eq!(hidden(&plot, &place), 0.0);
        assert_eq!(place.rect.x1, 595.0, "still on the right-hand side: {place:?}");
        assert!(place.rect.y0 > 0.1 * 400.0 && place.rect.y1 < 0.7 * 400.0, "between the curves: {place:?}");
        // The upper right itself would have hidden the curve.
        let upper_right = LegendPlace { rect: Rect { x0: 445.0, y0: 5.0, x1: 595.0, y1: 75.0 }, covers_data: false };
        assert!(hidden(&plot, &upper_right) > 0.0);
        // With CI bands shown, the band counts as data too.
        plot.show_ci = true;
        let place = place_legend(&plot, 60.0, &geometry(None));
        assert!(!place.covers_data);
        assert_eq!(ink(&plot, 60.0, &geometry(None)).iter().map(|(r, _)| r.overlap(&place.rect)).sum::<f64>(), 0.0);
    }

    #[test]
    fn legend_never_covers_the_annotation() {
        // Curves cross the whole right-hand side and the top; only the lower
        // left is free, and that is where the log-rank p is written.
        let mut curves = vec![flat_curve(0.95, 0.5, 60.0)];
        curves.extend([0.75, 0.55, 0.35, 0.15].iter().map(|&s| flat_curve(s, 25.0, 60.0)));
        let plot = plot_of(curves);
        let tall = |keep_clear| LegendGeometry { legend: (150.0, 90.0), ..geometry(keep_clear) };
        let free = place_legend(&plot, 60.0, &tall(None));
        assert_eq!(free.rect, Rect { x0: 5.0, y0: 305.0, x1: 155.0, y1: 395.0 });
        let annotation = Rect { x0: 6.0, y0: 350.0, x1: 200.0, y1: 396.0 };
        let place = place_legend(&plot, 60.0, &tall(Some(annotation)));
        assert_eq!(place.rect, Rect { x0: 5.0, y0: 255.0, x1: 155.0, y1: 345.0 }, "just above the annotation");
        assert!(!place.covers_data);

        // Curves everywhere: the least covered box, opaque, still off the annotation.
        let crowded = plot_of((0..10).map(|i| flat_curve(0.05 + 0.1 * i as f64, 0.5, 60.0)).collect());
        let place = place_legend(&crowded, 60.0, &tall(Some(annotation)));
        assert!(place.covers_data);
        assert_eq!(annotation.overlap(&place.rect), 0.0, "{place:?}");
        let upper_right = LegendPlace { rect: Rect { x0: 445.0, y0: 5.0, x1: 595.0, y1: 95.0 }, ..place };
        assert!(hidden(&crowded, &place) <= hidden(&crowded, &upper_right));
        // A plot too small for anything but the annotation still gets a legend.
        let tiny = LegendGeometry { area: (160.0, 80.0), keep_clear: Some(Rect { x0: 0.0, y0: 0.0, x1: 160.0, y1: 80.0 }), ..geometry(None) };
        assert!(place_legend(&plot, 60.0, &tiny).covers_data);
    }

    #[test]
    fn staircase_starts_at_one_and_ends_at_follow_up() {
        let pts = steps(&[2.0, 5.0], &[0.5, 0.25], 1.0, 9.0);
        assert_eq!(pts, vec![(0.0, 1.0), (2.0, 1.0), (2.0, 0.5), (5.0, 0.5), (5.0, 0.25), (9.0, 0.25)]);
    }
}
