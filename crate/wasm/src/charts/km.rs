//! Kaplan–Meier figure: step curves with optional confidence bands, censor
//! marks, a legend, an annotation (log-rank p) and the number-at-risk table
//! aligned under the x-axis ticks, as in published survival figures.

use super::{series_colour, svg_text_at_canvas_size, tick_label, Frame};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::{Deserialize, Serialize};

/// Everything the figure shows, already computed (by the fit).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KmPlot {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// x-axis ticks; the risk table gives the number at risk at each.
    pub ticks: Vec<f64>,
    pub curves: Vec<KmPlotCurve>,
    pub show_ci: bool,
    /// E.g. "Log-rank p = 0.065"; drawn in the lower left of the plot.
    pub annotation: Option<String>,
    pub risk_table: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KmPlotCurve {
    pub label: String,
    /// Distinct times at which the curve or its CI changes (events), ascending.
    pub time: Vec<f64>,
    pub surv: Vec<f64>,
    pub lower: Vec<Option<f64>>,
    pub upper: Vec<Option<f64>>,
    /// End of follow-up: the curve is drawn flat to here.
    pub max_time: f64,
    pub censor_time: Vec<f64>,
    pub censor_surv: Vec<f64>,
    /// Number at risk at each of `KmPlot::ticks`.
    pub at_risk: Vec<u64>,
}

/// Staircase through (0, 1) and each (t, S(t)), flat to `end`.
fn steps(time: &[f64], values: &[f64], start: f64, end: f64) -> Vec<(f64, f64)> {
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

pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &KmPlot,
    frame: &Frame,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let font = |px: f64| ("sans-serif", frame.font(px)).into_font();
    let row_h = frame.px(20.0);
    let table_h = if plot.risk_table {
        row_h * (plot.curves.len() as i32 + 1) + frame.px(16.0)
    } else {
        0
    };
    let (_, total_h) = root.dim_in_pixel();
    let (upper, _) = root.split_vertically(total_h as i32 - table_h);
    let x_max = plot.ticks.last().copied().unwrap_or(1.0).max(f64::MIN_POSITIVE);
    let label_w = frame.px(170.0);

    let mut chart = ChartBuilder::on(&upper)
        .caption(&plot.title, font(17.0))
        .margin_top(frame.px(8.0))
        .margin_right(frame.px(24.0))
        .x_label_area_size(frame.px(48.0))
        .y_label_area_size(label_w)
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
            // The band stops where a limit is undefined (S = 0 on the log scale).
            let n = c.lower.iter().zip(&c.upper).take_while(|(l, u)| l.is_some() && u.is_some()).count();
            let lo: Vec<f64> = c.lower[..n].iter().map(|v| v.unwrap_or(0.0)).collect();
            let hi: Vec<f64> = c.upper[..n].iter().map(|v| v.unwrap_or(1.0)).collect();
            let end = if n == c.time.len() { c.max_time } else { c.time[n] };
            let mut band = steps(&c.time[..n], &hi, 1.0, end);
            let mut lower = steps(&c.time[..n], &lo, 1.0, end);
            lower.reverse();
            band.extend(lower);
            chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.14).filled())))?;
        }
        chart
            .draw_series(LineSeries::new(
                steps(&c.time, &c.surv, 1.0, c.max_time),
                colour.stroke_width(frame.px(2.0).max(1) as u32),
            ))?
            .label(c.label.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(3)));
        let half = frame.px(5.0);
        chart.draw_series(c.censor_time.iter().zip(&c.censor_surv).map(|(&t, &s)| {
            EmptyElement::at((t, s))
                + PathElement::new(vec![(0, -half), (0, half)], colour.stroke_width(frame.px(1.5).max(1) as u32))
        }))?;
    }
    if plot.curves.len() > 1 || !plot.curves.first().map_or(true, |c| c.label.is_empty()) {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .margin(frame.px(10.0))
            .label_font(font(13.0))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(200, 200, 200))
            .draw()?;
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
        for (i, c) in plot.curves.iter().enumerate() {
            let y = top + row_h * (i as i32 + 1);
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

    #[test]
    fn staircase_starts_at_one_and_ends_at_follow_up() {
        let pts = steps(&[2.0, 5.0], &[0.5, 0.25], 1.0, 9.0);
        assert_eq!(pts, vec![(0.0, 1.0), (2.0, 1.0), (2.0, 0.5), (5.0, 0.5), (5.0, 0.25), (9.0, 0.25)]);
    }
}
