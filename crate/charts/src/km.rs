//! Kaplan–Meier figure laid out at print size (points): step curves with
//! censor marks, optional confidence bands or dashed limits and median
//! lines, a legend (inside where it hides nothing, else right of the
//! plot, as narrow as its names allow; or above, to the right, or none), an
//! annotation (log-rank p, hazard ratios) placed where it hides nothing (in
//! a strip across the figure under the plot when every place inside would
//! hide part of a curve), and the table under the plot aligned with the x ticks:
//! numbers at risk, at risk (censored), or the KMunicate layout (at risk,
//! censored, events; Morris et al., BMJ Open 2019), its rows labelled by the
//! groups' names, or by their line samples alone when the names would crowd
//! the plot (survminer's `tables.y.text = FALSE`).

use crate::scene::{Anchor, Caption, Fill, Font, Rgb, Scene, Stroke, VAlign};
use crate::tick_label;
use survcalc_analysis::plot::figure::{CiStyle, LegendPosition, RiskTableLayout, SurvivalScale};
pub use survcalc_analysis::plot::km::{KmPlot, KmPlotCurve};

/// Staircase through (0, `start`) and each (t, S(t)), flat to `end`.
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

/// The staircase cut at `x_max` (the axis' end).
fn clip(points: Staircase, x_max: f64) -> Staircase {
    let mut out = Vec::with_capacity(points.len());
    for (t, s) in points {
        if t > x_max {
            if let Some(&(_, last)) = out.last() {
                out.push((x_max, last));
            }
            break;
        }
        out.push((t, s));
    }
    out
}

/// Upper and lower confidence staircases. The band stops where a limit is
/// undefined (S = 0 on the log scale).
fn ci_band(c: &KmPlotCurve, start: f64) -> (Staircase, Staircase) {
    let defined = |(l, u): (&Option<f64>, &Option<f64>)| l.zip(*u);
    let (lo, hi): (Vec<f64>, Vec<f64>) = c.lower.iter().zip(&c.upper).map_while(defined).unzip();
    let n = lo.len().min(c.time.len());
    let end = c.time.get(n).copied().unwrap_or(c.max_time);
    (
        steps(&c.time[..n], &hi, start, end),
        steps(&c.time[..n], &lo, start, end),
    )
}

/// An axis-aligned box in points, relative to the plotting area's top left.
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
        Rect {
            x0: a.0.min(b.0) - pad,
            y0: a.1.min(b.1) - pad,
            x1: a.0.max(b.0) + pad,
            y1: a.1.max(b.1) + pad,
        }
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
    fn shifted(&self, dx: f64, dy: f64) -> Rect {
        Rect {
            x0: self.x0 + dx,
            y0: self.y0 + dy,
            x1: self.x1 + dx,
            y1: self.y1 + dy,
        }
    }
}

/// Sizes the placement of a box inside the plot works with.
#[derive(Debug, Clone)]
struct BoxGeometry {
    /// Plotting area (width, height).
    area: (f64, f64),
    /// The box (width, height).
    size: (f64, f64),
    /// Gap kept between the box and the plotting area's edges.
    inset: f64,
    /// Distance between successive candidate positions.
    step: f64,
    /// Half the thickness counted around a curve (stroke plus clearance).
    line: f64,
    /// Half the height of a censor mark.
    mark: f64,
    /// Boxes already placed, never to be covered (the annotation).
    keep_clear: Vec<Rect>,
}

/// A CI band is drawn faintly: hiding part of it weighs less than hiding a curve.
const BAND_WEIGHT: f64 = 0.1;

/// What the figure draws, as weighted boxes in points: thin boxes around
/// each step and censor mark, and one box per constant piece of a CI band.
fn ink(plot: &KmPlot, x_max: f64, g: &BoxGeometry) -> Vec<(Rect, f64)> {
    let (w, h) = g.area;
    let px = |(t, s): (f64, f64)| (t / x_max * w, (1.0 - s) * h);
    let mut out = Vec::new();
    for c in &plot.curves {
        let pts = clip(steps(&c.time, &c.surv, plot.start, c.max_time), x_max);
        out.extend(
            pts.windows(2)
                .map(|p| (Rect::around(px(p[0]), px(p[1]), g.line), 1.0)),
        );
        if plot.censor_marks {
            for (&t, &s) in c
                .censor_time
                .iter()
                .zip(&c.censor_surv)
                .filter(|(t, _)| **t <= x_max)
            {
                let (x, y) = px((t, s));
                out.push((
                    Rect {
                        x0: x - g.line,
                        y0: y - g.mark,
                        x1: x + g.line,
                        y1: y + g.mark,
                    },
                    1.0,
                ));
            }
        }
        if ci_style(plot) != CiStyle::None {
            let (hi, lo) = ci_band(c, plot.start);
            let (hi, lo) = (clip(hi, x_max), clip(lo, x_max));
            // Both staircases share their x; piece i spans x_i..x_{i+1}.
            for (u, l) in hi.windows(2).zip(&lo) {
                out.push((Rect::around(px(u[0]), px((u[1].0, l.1)), 0.0), BAND_WEIGHT));
            }
        }
    }
    out.retain(|(r, _)| [r.x0, r.y0, r.x1, r.y1].iter().all(|v| v.is_finite()));
    out
}

/// Where a box goes: its place, and whether it has to hide some data.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Placement {
    rect: Rect,
    covers_data: bool,
}

/// Which corner a box prefers to start from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Prefer {
    /// The legend: down the right-hand side from the upper right (the usual
    /// place), along the top from right to left, then the lower left.
    UpperRight,
    /// The annotation: along the bottom from the lower left (survival
    /// curves fall towards the lower right and rarely reach the lower
    /// left), then up the left-hand side, then the upper right.
    LowerLeft,
}

/// Picks the box that hides the least of the curves, censor marks and CI
/// bands, never covering the boxes to keep clear; the first free candidate
/// wins, otherwise the least covered.
fn place_box(plot: &KmPlot, x_max: f64, g: &BoxGeometry, prefer: Prefer) -> Placement {
    let (w, h) = g.area;
    let (lw, lh) = g.size;
    let step = g.step.max(0.5);
    let right = (w - lw - g.inset).max(g.inset);
    let bottom = (h - lh - g.inset).max(g.inset);
    let mut tops: Vec<(f64, f64)> = Vec::new();
    match prefer {
        Prefer::UpperRight => {
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
            // The lower left is where an annotation sits: also try just above it.
            for k in &g.keep_clear {
                tops.push((g.inset, (k.y0 - lh - g.inset).max(g.inset)));
            }
        }
        Prefer::LowerLeft => {
            let mut x = g.inset;
            while x < right {
                tops.push((x, bottom));
                x += step;
            }
            tops.push((right, bottom));
            let mut y = bottom - step;
            while y > g.inset {
                tops.push((g.inset, y));
                y -= step;
            }
            tops.push((right, g.inset));
        }
    }

    let ink = ink(plot, x_max, g);
    let mut best: Option<(f64, Rect)> = None;
    for (x, y) in tops {
        let rect = Rect {
            x0: x,
            y0: y,
            x1: x + lw,
            y1: y + lh,
        };
        if g.keep_clear.iter().any(|k| k.overlap(&rect) > 0.0) {
            continue;
        }
        let hidden: f64 = ink
            .iter()
            .map(|(r, weight)| weight * r.overlap(&rect))
            .sum();
        if hidden == 0.0 {
            return Placement {
                rect,
                covers_data: false,
            };
        }
        if best.is_none_or(|(b, _)| hidden < b) {
            best = Some((hidden, rect));
        }
    }
    let fallback = match prefer {
        Prefer::UpperRight => Rect {
            x0: right,
            y0: g.inset,
            x1: right + lw,
            y1: g.inset + lh,
        },
        Prefer::LowerLeft => Rect {
            x0: g.inset,
            y0: bottom,
            x1: g.inset + lw,
            y1: bottom + lh,
        },
    };
    Placement {
        rect: best.map_or(fallback, |(_, r)| r),
        covers_data: true,
    }
}

fn ci_style(plot: &KmPlot) -> CiStyle {
    // Older plot data only had `show_ci`.
    if plot.ci == CiStyle::None && plot.show_ci {
        CiStyle::Band
    } else {
        plot.ci
    }
}

fn risk_layout(plot: &KmPlot) -> RiskTableLayout {
    if plot.risk_table {
        plot.risk_layout
    } else {
        RiskTableLayout::None
    }
}

fn show_legend(plot: &KmPlot) -> bool {
    plot.legend != LegendPosition::None && plot.curves.iter().any(|c| !c.label.trim().is_empty())
}

/// Every size of the figure, in points, derived from the base font size.
struct Metrics {
    f: f64,
    base: Font,
    small: Font,
    title: Font,
    line_w: f64,
    axis_w: f64,
    tick_len: f64,
    gap: f64,
    /// Length of the line sample in the legend: long enough to show a dash pattern.
    sample: f64,
}

impl Metrics {
    fn new(plot: &KmPlot) -> Metrics {
        let f = if plot.print.font_size.is_finite() {
            plot.print.font_size.clamp(6.0, 24.0)
        } else {
            8.0
        };
        let line_w = if plot.print.line_width.is_finite() {
            plot.print.line_width.clamp(0.25, 6.0)
        } else {
            1.0
        };
        Metrics {
            f,
            base: Font::regular(f),
            small: Font::regular(f.max(6.0)),
            title: Font::bold(f * 1.2),
            line_w,
            axis_w: (0.06 * f).max(0.5),
            tick_len: 0.4 * f,
            gap: 0.35 * f,
            sample: 2.4 * f,
        }
    }
}

/// One row of the table under the plot.
struct RiskRow {
    /// The row's label ("At risk", or the group's name).
    label: String,
    bold_label: bool,
    /// Line sample of this group before the label.
    sample: Option<usize>,
    /// Cells at each tick (empty for a heading row).
    cells: Vec<String>,
}

fn risk_rows(plot: &KmPlot) -> (String, Vec<RiskRow>) {
    let named = |c: &KmPlotCurve| {
        if c.label.trim().is_empty() {
            "All patients".to_string()
        } else {
            c.label.clone()
        }
    };
    let sample = |i: usize| (plot.curves.len() > 1).then_some(i);
    // Curves without numbers at risk (a second cause of the same group, in
    // a competing-risks figure) have no rows.
    let tabled = || {
        plot.curves
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.at_risk.is_empty())
    };
    match risk_layout(plot) {
        RiskTableLayout::None => (String::new(), Vec::new()),
        RiskTableLayout::AtRisk => (
            "Number at risk".into(),
            tabled()
                .map(|(i, c)| RiskRow {
                    label: named(c),
                    bold_label: false,
                    sample: sample(i),
                    cells: c.at_risk.iter().map(|n| n.to_string()).collect(),
                })
                .collect(),
        ),
        RiskTableLayout::AtRiskCensored => (
            "Number at risk (number censored)".into(),
            tabled()
                .map(|(i, c)| RiskRow {
                    label: named(c),
                    bold_label: false,
                    sample: sample(i),
                    cells: c
                        .at_risk
                        .iter()
                        .enumerate()
                        .map(|(k, n)| format!("{n} ({})", c.censored.get(k).copied().unwrap_or(0)))
                        .collect(),
                })
                .collect(),
        ),
        RiskTableLayout::Kmunicate => {
            let mut rows = Vec::new();
            for (i, c) in tabled() {
                if plot.curves.len() > 1 || !c.label.trim().is_empty() {
                    rows.push(RiskRow {
                        label: named(c),
                        bold_label: true,
                        sample: sample(i),
                        cells: Vec::new(),
                    });
                }
                let counts = |v: &[u64]| v.iter().map(|n| n.to_string()).collect::<Vec<_>>();
                rows.push(RiskRow {
                    label: "At risk".into(),
                    bold_label: false,
                    sample: None,
                    cells: counts(&c.at_risk),
                });
                rows.push(RiskRow {
                    label: "Censored".into(),
                    bold_label: false,
                    sample: None,
                    cells: counts(&c.censored),
                });
                rows.push(RiskRow {
                    label: "Events".into(),
                    bold_label: false,
                    sample: None,
                    cells: counts(&c.events),
                });
            }
            (String::new(), rows)
        }
    }
}

/// The table's row labels take at most this share of the figure's width
/// as names; beyond it each group's row is labelled by the curve's line
/// sample alone, as the legend shows it, and the legend names the groups
/// (survminer's `tables.y.text = FALSE`). Names up to a fifth of the figure
/// are worth their room: "secondary resistance" with its sample takes 18%
/// of a double column (175 mm) and keeps its place. Longer, they cost the
/// plot what the legend already says: 26% at 120 mm, 37% at 85 mm, where
/// they left the plot 31% of the figure (57% with samples).
const ROW_NAMES_MAX_SHARE: f64 = 0.20;

/// Positions of the figure's parts, in points.
struct Layout {
    m: Metrics,
    width: f64,
    height: f64,
    title_y: Option<f64>,
    /// Legend above the plot: (y of the row's middle, item x positions).
    top_legend: Option<(f64, Vec<f64>)>,
    /// Legend right of the plot: x of its left edge.
    right_legend_x: Option<f64>,
    /// Its lines (title and entries wrapped to its width).
    right_legend: Option<LegendColumn>,
    plot_x0: f64,
    plot_x1: f64,
    plot_y0: f64,
    plot_y1: f64,
    y_title_x: f64,
    x_title_y: f64,
    /// Top of the annotation's strip under the x-axis title, when no place
    /// inside the plot leaves every curve visible.
    annotation_below_y: Option<f64>,
    /// Table under the plot: heading y and the y of each row's middle.
    table_heading_y: Option<f64>,
    table_rows_y: Vec<f64>,
    table_font: Font,
    table_label_x: f64,
    /// Widest table label (text only).
    label_w: f64,
    /// Whether each group's row is labelled by its name (beside a short
    /// line sample), or, when the names would take more than
    /// [`ROW_NAMES_MAX_SHARE`] of the figure, by its line sample alone.
    row_names: bool,
    caption: Caption,
}

fn y_ticks(plot: &KmPlot) -> Vec<(f64, String)> {
    [0.0, 0.25, 0.5, 0.75, 1.0]
        .iter()
        .map(|&s| {
            let text = match plot.y_scale {
                SurvivalScale::Percent => format!("{}", (100.0 * s) as i64),
                SurvivalScale::Probability => format!("{s:.2}"),
            };
            (s, text)
        })
        .collect()
}

/// Legend entries' widths (sample, gap, text).
fn legend_items(plot: &KmPlot, m: &Metrics) -> Vec<f64> {
    plot.curves
        .iter()
        .map(|c| m.sample + m.gap + m.base.width(&c.label))
        .collect()
}

/// A legend right of the plot takes at most this share of the figure's
/// width when its entries can wrap (a long name then takes two lines), and
/// never more than `RIGHT_LEGEND_MAX`: every point it takes is taken from
/// the plot.
const RIGHT_LEGEND_SHARE: f64 = 0.22;
const RIGHT_LEGEND_MAX: f64 = 0.35;

/// The legend right of the plot: as wide as its longest entry (or title)
/// needs, up to [`RIGHT_LEGEND_SHARE`] of the figure; longer names wrap
/// between words (a word is never split unless it alone is wider than
/// [`RIGHT_LEGEND_MAX`] of the figure).
#[derive(Debug, Clone, PartialEq)]
struct LegendColumn {
    /// Width from the line sample's left end to the widest text's right end.
    width: f64,
    title: Vec<String>,
    /// Each curve's name, as lines.
    entries: Vec<Vec<String>>,
    /// From one line of a name to the next, and from one name (or the
    /// title) to the next: wider apart than a name's lines when any wraps,
    /// so each name reads as one block.
    line_step: f64,
    entry_step: f64,
}

impl LegendColumn {
    fn new(plot: &KmPlot, m: &Metrics, figure_width: f64) -> LegendColumn {
        let title_font = Font::bold(m.f);
        let indent = m.sample + m.gap;
        let title = plot.legend_title.trim();
        let widest_word = |text: &str, font: Font| {
            text.split_whitespace()
                .map(|w| font.width(w))
                .fold(0.0, f64::max)
        };
        let needed = legend_items(plot, m)
            .into_iter()
            .fold(title_font.width(title), f64::max);
        let unbreakable = plot
            .curves
            .iter()
            .map(|c| indent + widest_word(&c.label, m.base))
            .fold(widest_word(title, title_font), f64::max);
        let cap = (RIGHT_LEGEND_SHARE * figure_width)
            .max(unbreakable)
            .min(RIGHT_LEGEND_MAX * figure_width);
        let width = needed.min(cap);
        let wrap = |text: &str, room: f64, font: Font| {
            if font.width(text) <= room {
                vec![text.to_string()]
            } else {
                crate::wrap_in(text, None, room, font)
            }
        };
        let title = if title.is_empty() {
            Vec::new()
        } else {
            wrap(title, width, title_font)
        };
        let entries: Vec<Vec<String>> = plot
            .curves
            .iter()
            .map(|c| wrap(&c.label, width - indent, m.base))
            .collect();
        let wrapped = entries.iter().any(|e| e.len() > 1) || title.len() > 1;
        let row = 1.25 * m.f;
        LegendColumn {
            title,
            entries,
            width,
            line_step: if wrapped { m.base.line_height() } else { row },
            entry_step: if wrapped { row + 0.35 * m.f } else { row },
        }
    }

    /// The y of the middle of each title line and of each entry's lines,
    /// the first line's middle at `top`.
    fn rows(&self, top: f64) -> (Vec<f64>, Vec<Vec<f64>>) {
        let mut y = top;
        let mut title = Vec::new();
        for (k, _) in self.title.iter().enumerate() {
            if k > 0 {
                y += self.line_step;
            }
            title.push(y);
        }
        if !self.title.is_empty() {
            y += self.entry_step;
        }
        let mut entries = Vec::new();
        for (i, lines) in self.entries.iter().enumerate() {
            if i > 0 {
                y += self.entry_step;
            }
            let mut at = Vec::new();
            for (k, _) in lines.iter().enumerate() {
                if k > 0 {
                    y += self.line_step;
                }
                at.push(y);
            }
            entries.push(at);
        }
        (title, entries)
    }

    /// From the top of its first line to the bottom of its last.
    fn height(&self, m: &Metrics) -> f64 {
        let (title, entries) = self.rows(0.0);
        let last = entries
            .iter()
            .flatten()
            .chain(&title)
            .copied()
            .fold(0.0, f64::max);
        last + m.base.line_height()
    }
}

impl Layout {
    #[cfg(test)]
    fn new(plot: &KmPlot) -> Layout {
        Layout::with_annotation_below(plot, 0, false)
    }

    /// The layout with a strip of `below` annotation lines between the
    /// x-axis title and the table; `legend_right` puts an inside legend
    /// right of the plot (no place inside left every curve visible).
    fn with_annotation_below(plot: &KmPlot, below: usize, legend_right: bool) -> Layout {
        let m = Metrics::new(plot);
        let f = m.f;
        let width = if plot.print.width.is_finite() && plot.print.width > 0.0 {
            plot.print.width.clamp(72.0, 1440.0)
        } else {
            340.0
        };
        let margin = 0.5 * f;

        let (heading, rows) = risk_rows(plot);
        // The table's labels sit left of the plot, so the plot starts right of
        // the widest; a label longer than a third of the figure is cut. A row
        // without numbers (a KMunicate group's heading) runs over the
        // columns instead and takes no room from the plot.
        let mut table_font = m.small;
        let label_of = |r: &RiskRow, font: Font| {
            let bold = Font {
                bold: r.bold_label,
                ..font
            };
            bold.width(&r.label)
                + if r.sample.is_some() {
                    m.sample * 0.6 + m.gap
                } else {
                    0.0
                }
        };
        let numbered = || rows.iter().filter(|r| !r.cells.is_empty());
        let named_w = numbered()
            .map(|r| label_of(r, table_font))
            .fold(0.0, f64::max);
        // Names wider than ROW_NAMES_MAX_SHARE of the figure give way to the
        // curves' line samples, when a legend names the groups.
        let row_names = named_w <= ROW_NAMES_MAX_SHARE * width || !show_legend(plot);
        let label_w = if row_names {
            named_w
        } else {
            numbered()
                .map(|r| {
                    if r.sample.is_some() {
                        m.sample
                    } else {
                        label_of(r, table_font)
                    }
                })
                .fold(0.0, f64::max)
        }
        .min(width / 3.0);
        let y_tick_w = y_ticks(plot)
            .iter()
            .map(|(_, t)| m.base.width(t))
            .fold(0.0, f64::max);
        let axis_left = margin + m.base.line_height() + m.gap + y_tick_w + m.gap + m.tick_len;
        // The first column of numbers is centred on x = 0: keep half of the
        // widest clear of the labels.
        let first_cell = rows
            .iter()
            .filter_map(|r| r.cells.first())
            .map(|c| table_font.width(c))
            .fold(0.0, f64::max);
        let table_left = margin + label_w + 2.0 * m.gap + first_cell / 2.0;
        let plot_x0 = axis_left.max(table_left);

        let mut right_edge = width
            - margin
            - 0.5
                * m.base
                    .width(&tick_label(*plot.ticks.last().unwrap_or(&1.0)));
        let right_legend = (show_legend(plot)
            && (plot.legend == LegendPosition::Right || legend_right))
            .then(|| LegendColumn::new(plot, &m, width));
        // The legend ends at the right margin, two gaps right of the plot.
        let right_legend_x = right_legend.as_ref().map(|l| {
            right_edge = width - margin - l.width - 2.0 * m.gap;
            right_edge + 2.0 * m.gap
        });
        let plot_x1 = right_edge.max(plot_x0 + 40.0);

        let mut y = margin;
        let title_y = (!plot.title.trim().is_empty()).then(|| {
            let at = y;
            y += m.title.line_height() + m.gap;
            at
        });
        let top_legend = (show_legend(plot) && plot.legend == LegendPosition::Top).then(|| {
            let mut xs = Vec::new();
            let mut x = plot_x0;
            for w in legend_items(plot, &m) {
                xs.push(x);
                x += w + 1.5 * f;
            }
            let mid = y + m.base.line_height() / 2.0;
            y += m.base.line_height() + m.gap;
            (mid, xs)
        });
        // Room above the top tick label.
        let plot_y0 = y + 0.5 * m.base.cap_height();

        let below_axis = m.tick_len + m.gap + m.base.cap_height() + m.gap + m.base.line_height();
        let row_h = 1.35 * table_font.size;
        // The 1.2 f under the x-axis title is kept with or without a table;
        // a heading without rows is neither drawn nor given room.
        let table_h = 1.2 * f
            + if heading.is_empty() || rows.is_empty() {
                0.0
            } else {
                row_h
            }
            + row_h * rows.len() as f64;
        // A legend right of the plot must not run into the tick labels under it.
        let legend_h = right_legend.as_ref().map_or(0.0, |l| l.height(&m));
        let natural_plot_h = ((plot_x1 - plot_x0) * 0.62)
            .clamp(60.0, 400.0)
            .max(legend_h);
        let caption = Caption::new(plot.caption.as_deref(), width, m.base, margin);
        let annotation_h = if below == 0 {
            0.0
        } else {
            annotation_height(&m, below) + m.gap
        };
        let fixed = plot_y0 + below_axis + annotation_h + table_h + margin + caption.height();
        let plot_h = match plot.print.height {
            Some(h) if h.is_finite() => (h - fixed).max(40.0),
            _ => natural_plot_h,
        };
        let plot_y1 = plot_y0 + plot_h;
        let x_title_y = plot_y1 + m.tick_len + m.gap + m.base.cap_height() + m.gap;
        let mut y = x_title_y + m.base.line_height() + m.gap;
        let annotation_below_y = (below > 0).then(|| {
            let at = y;
            y += annotation_h;
            at
        });
        y += 1.2 * f - m.gap;
        let table_heading_y = (!heading.is_empty() && !rows.is_empty()).then(|| {
            let at = y;
            y += row_h;
            at
        });
        let table_rows_y: Vec<f64> = rows
            .iter()
            .map(|_| {
                let at = y;
                y += row_h;
                at
            })
            .collect();
        // The caption is drawn in the strip added under this height.
        let height = match plot.print.height {
            Some(h) if h.is_finite() => (h - caption.height()).max(y + margin),
            _ => y + margin,
        };
        // Cells must not run into each other: the table's text shrinks
        // (never below 6 pt) when the ticks are close.
        let spacing = plot
            .ticks
            .windows(2)
            .map(|w| (w[1] - w[0]) / plot.x_max.max(f64::MIN_POSITIVE) * (plot_x1 - plot_x0))
            .fold(f64::INFINITY, f64::min);
        let widest = rows
            .iter()
            .flat_map(|r| &r.cells)
            .map(|c| table_font.width(c))
            .fold(0.0, f64::max);
        if widest > 0.0 && spacing.is_finite() && widest + m.gap > spacing {
            table_font = Font::regular((table_font.size * spacing / (widest + m.gap)).max(6.0));
        }
        Layout {
            width,
            height,
            title_y,
            top_legend,
            right_legend_x,
            right_legend,
            plot_x0,
            plot_x1,
            plot_y0,
            plot_y1,
            // The axis title beside its tick labels, however wide the table's labels.
            y_title_x: plot_x0 - m.tick_len - 2.0 * m.gap - y_tick_w - m.base.line_height() / 2.0,
            x_title_y,
            annotation_below_y,
            table_heading_y,
            table_rows_y,
            table_font,
            table_label_x: margin,
            label_w,
            row_names,
            caption,
            m,
        }
    }

    /// Width of a strip across the figure, between its side margins.
    fn strip_width(&self) -> f64 {
        self.width - 2.0 * self.table_label_x
    }

    fn x(&self, t: f64, x_max: f64) -> f64 {
        self.plot_x0 + t / x_max * (self.plot_x1 - self.plot_x0)
    }
    fn y(&self, s: f64) -> f64 {
        self.plot_y1 - s * (self.plot_y1 - self.plot_y0)
    }
}

/// The height (points) the figure takes at its print width when no height is set.
pub fn natural_height(plot: &KmPlot) -> f64 {
    let (lay, _) = arrange(plot);
    lay.height + lay.caption.height()
}

/// Height of an annotation box of `lines` lines (padding included).
fn annotation_height(m: &Metrics, lines: usize) -> f64 {
    1.25 * m.f * lines as f64 + 0.4 * m.f
}

/// The x axis' end.
fn axis_end(plot: &KmPlot) -> f64 {
    plot.x_max
        .max(plot.ticks.last().copied().unwrap_or(0.0))
        .max(f64::MIN_POSITIVE)
}

/// The annotation's lines (log-rank p, hazard ratios), a line wider than
/// `room` broken after "A vs B:" first, so the HR and its CI stay on one
/// line, rather than run off the figure.
fn annotation_text(plot: &KmPlot, m: &Metrics, room: f64) -> Vec<String> {
    let lines: Vec<&String> = plot
        .annotation_lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let lines: Vec<&String> = if lines.is_empty() {
        plot.annotation.iter().collect()
    } else {
        lines
    };
    lines
        .into_iter()
        .flat_map(|l| {
            if m.base.width(l) <= room {
                return vec![l.clone()];
            }
            let parts: Vec<String> = match l.split_once(": ") {
                Some((head, tail)) => vec![format!("{head}:"), tail.to_string()],
                None => vec![l.clone()],
            };
            parts
                .iter()
                .flat_map(|p| crate::wrap_in(p, None, room, m.base))
                .collect()
        })
        .collect()
}

/// The sizes a box inside the plot is placed with.
fn box_geometry(lay: &Layout, size: (f64, f64), keep_clear: Vec<Rect>) -> BoxGeometry {
    let m = &lay.m;
    BoxGeometry {
        area: (lay.plot_x1 - lay.plot_x0, lay.plot_y1 - lay.plot_y0),
        size,
        inset: 0.3 * m.f,
        step: 0.25 * m.f,
        line: 0.5 * m.line_w + 0.25 * m.f,
        mark: 0.3 * m.f + 0.25 * m.f,
        keep_clear,
    }
}

/// Where the annotation goes.
#[derive(Debug, Clone, PartialEq)]
enum AnnotationPlace {
    None,
    /// Inside the plot, hiding nothing (plotting-area coordinates).
    Inside {
        rect: Rect,
        lines: Vec<String>,
    },
    /// Under the x-axis title (the layout's `annotation_below_y`): every
    /// place inside would have hidden part of a curve, a censor mark or a
    /// band.
    Below {
        lines: Vec<String>,
    },
}

/// The layout and the annotation's place: inside the plot where it hides
/// nothing, else in a strip of its own under the plot (the layout then
/// makes room for it). An inside legend that would hide data goes right
/// of the plot instead (the plot narrows and the annotation is placed again).
fn arrange(plot: &KmPlot) -> (Layout, AnnotationPlace) {
    let (lay, annotation) = arrange_with(plot, false);
    let legend_hides_data = inside_legend(plot, &lay, &annotation).is_some_and(|p| p.covers_data);
    if legend_hides_data {
        arrange_with(plot, true)
    } else {
        (lay, annotation)
    }
}

fn arrange_with(plot: &KmPlot, legend_right: bool) -> (Layout, AnnotationPlace) {
    let lay = Layout::with_annotation_below(plot, 0, legend_right);
    let pad = 0.4 * lay.m.f;
    let lines = annotation_text(
        plot,
        &lay.m,
        (lay.plot_x1 - lay.plot_x0) - 2.0 * pad - 0.6 * lay.m.f,
    );
    if lines.is_empty() {
        return (lay, AnnotationPlace::None);
    }
    let w = lines
        .iter()
        .map(|l| lay.m.base.width(l))
        .fold(0.0, f64::max)
        + 2.0 * pad;
    let h = annotation_height(&lay.m, lines.len());
    let place = place_box(
        plot,
        axis_end(plot),
        &box_geometry(&lay, (w, h), Vec::new()),
        Prefer::LowerLeft,
    );
    if place.covers_data {
        // The strip under the plot spans the figure, not just the plot (a
        // legend right of the plot does not reach down to it): a hazard
        // ratio line then rarely needs a second line.
        let lines = annotation_text(plot, &lay.m, lay.strip_width());
        let below = Layout::with_annotation_below(plot, lines.len(), legend_right);
        (below, AnnotationPlace::Below { lines })
    } else {
        (
            lay,
            AnnotationPlace::Inside {
                rect: place.rect,
                lines,
            },
        )
    }
}

/// The legend box inside the plot (plotting-area coordinates), off the
/// annotation; None when the legend is not drawn inside.
fn inside_legend(plot: &KmPlot, lay: &Layout, annotation: &AnnotationPlace) -> Option<Placement> {
    if !show_legend(plot) || lay.top_legend.is_some() || lay.right_legend_x.is_some() {
        return None;
    }
    let m = &lay.m;
    let (pad, row) = (0.4 * m.f, 1.25 * m.f);
    let heading = !plot.legend_title.trim().is_empty();
    let entries = plot.curves.len() as f64 + if heading { 1.0 } else { 0.0 };
    let item_w = legend_items(plot, m)
        .into_iter()
        .fold(m.base.width(&plot.legend_title) * 1.1, f64::max);
    let keep_clear = match annotation {
        AnnotationPlace::Inside { rect, .. } => vec![*rect],
        _ => Vec::new(),
    };
    let size = (item_w + 2.0 * pad, row * entries + pad);
    Some(place_box(
        plot,
        axis_end(plot),
        &box_geometry(lay, size, keep_clear),
        Prefer::UpperRight,
    ))
}

fn curve_stroke(c: &KmPlotCurve, width: f64) -> Stroke {
    Stroke {
        colour: Rgb::from_hex(&c.style.colour),
        width,
        dash: c.style.dash.clone(),
    }
}

/// A short piece of the curve's line, as in the legend.
fn line_sample(scene: &mut Scene, c: &KmPlotCurve, x: f64, y: f64, len: f64, width: f64) {
    scene.line(vec![(x, y), (x + len, y)], curve_stroke(c, width));
}

/// The figure as a scene at its print size.
pub fn scene(plot: &KmPlot) -> Scene {
    let (lay, annotation) = arrange(plot);
    let m = &lay.m;
    let mut scene = Scene::new(lay.width, lay.height, plot.print.font_family.css());
    scene.title = if plot.title.trim().is_empty() {
        format!(
            "Kaplan–Meier curves: {} against {}",
            plot.y_label, plot.x_label
        )
    } else {
        plot.title.clone()
    };
    let x_max = axis_end(plot);
    let axis = Stroke::solid(Rgb::BLACK, m.axis_w);

    if let Some(y) = lay.title_y {
        scene.text(
            lay.width / 2.0,
            y,
            &plot.title,
            m.title,
            Anchor::Middle,
            VAlign::Top,
        );
    }

    // Axes: y from 0 to 1, x from 0 to the last tick, ticks outside.
    scene.line(
        vec![
            (lay.plot_x0, lay.plot_y0),
            (lay.plot_x0, lay.plot_y1),
            (lay.plot_x1, lay.plot_y1),
        ],
        axis.clone(),
    );
    for (s, text) in y_ticks(plot) {
        let y = lay.y(s);
        scene.line(
            vec![(lay.plot_x0 - m.tick_len, y), (lay.plot_x0, y)],
            axis.clone(),
        );
        scene.text(
            lay.plot_x0 - m.tick_len - m.gap,
            y,
            &text,
            m.base,
            Anchor::End,
            VAlign::Middle,
        );
    }
    for t in &plot.ticks {
        let x = lay.x(*t, x_max);
        scene.line(
            vec![(x, lay.plot_y1), (x, lay.plot_y1 + m.tick_len)],
            axis.clone(),
        );
        scene.text(
            x,
            lay.plot_y1 + m.tick_len + m.gap,
            &tick_label(*t),
            m.base,
            Anchor::Middle,
            VAlign::Top,
        );
    }
    scene.vertical_text(
        lay.y_title_x,
        (lay.plot_y0 + lay.plot_y1) / 2.0,
        &plot.y_label,
        m.base,
    );
    scene.text(
        (lay.plot_x0 + lay.plot_x1) / 2.0,
        lay.x_title_y,
        &plot.x_label,
        m.base,
        Anchor::Middle,
        VAlign::Top,
    );

    let to_xy = |(t, s): (f64, f64)| (lay.x(t, x_max), lay.y(s));
    let ci = ci_style(plot);
    for c in &plot.curves {
        let colour = Rgb::from_hex(&c.style.colour);
        let (hi, lo) = ci_band(c, plot.start);
        let (hi, lo) = (clip(hi, x_max), clip(lo, x_max));
        match ci {
            CiStyle::Band => {
                let mut band: Vec<(f64, f64)> = hi.iter().copied().map(to_xy).collect();
                band.extend(lo.iter().rev().copied().map(to_xy));
                scene.polygon(
                    band,
                    Some(Fill {
                        colour,
                        opacity: 0.15,
                    }),
                    None,
                );
            }
            CiStyle::Lines => {
                let limit = Stroke {
                    colour,
                    width: (0.5 * m.line_w).max(0.25),
                    dash: vec![2.0, 1.5],
                };
                scene.line(hi.iter().copied().map(to_xy).collect(), limit.clone());
                scene.line(lo.iter().copied().map(to_xy).collect(), limit);
            }
            CiStyle::None => {}
        }
    }
    if plot.median_lines {
        let reached: Vec<f64> = plot
            .curves
            .iter()
            .filter_map(|c| c.median)
            .filter(|t| *t <= x_max)
            .collect();
        if let Some(last) = reached.iter().copied().reduce(f64::max) {
            let guide = Stroke {
                colour: Rgb(90, 90, 90),
                width: (0.5 * m.line_w).max(0.25),
                dash: vec![1.0, 1.5],
            };
            scene.line(vec![to_xy((0.0, 0.5)), to_xy((last, 0.5))], guide.clone());
            for t in reached {
                scene.line(vec![to_xy((t, 0.5)), to_xy((t, 0.0))], guide.clone());
            }
        }
    }
    for c in &plot.curves {
        let pts = clip(steps(&c.time, &c.surv, plot.start, c.max_time), x_max);
        scene.line(
            pts.into_iter().map(to_xy).collect(),
            curve_stroke(c, m.line_w),
        );
        if plot.censor_marks {
            let half = 0.3 * m.f;
            let mark = Stroke::solid(Rgb::from_hex(&c.style.colour), (0.75 * m.line_w).max(0.25));
            for (&t, &s) in c
                .censor_time
                .iter()
                .zip(&c.censor_surv)
                .filter(|(t, _)| **t <= x_max)
            {
                let (x, y) = to_xy((t, s));
                scene.line(vec![(x, y - half), (x, y + half)], mark.clone());
            }
        }
    }

    // The annotation first (it must stay readable, and hides nothing),
    // then the legend where it hides the least.
    let pad = 0.4 * m.f;
    let row = 1.25 * m.f;
    match &annotation {
        AnnotationPlace::None => {}
        AnnotationPlace::Inside { rect, lines } => {
            let r = rect.shifted(lay.plot_x0, lay.plot_y0);
            for (i, l) in lines.iter().enumerate() {
                let y = r.y0 + pad / 2.0 + row * (i as f64 + 0.5);
                scene.text(r.x0 + pad, y, l, m.base, Anchor::Start, VAlign::Middle);
            }
        }
        AnnotationPlace::Below { lines } => {
            let top = lay.annotation_below_y.unwrap_or(lay.x_title_y);
            for (i, l) in lines.iter().enumerate() {
                let y = top + pad / 2.0 + row * (i as f64 + 0.5);
                // From the left margin, where the table's labels start.
                scene.text(
                    lay.table_label_x,
                    y,
                    l,
                    m.base,
                    Anchor::Start,
                    VAlign::Middle,
                );
            }
        }
    }
    if show_legend(plot) {
        let heading = !plot.legend_title.trim().is_empty();
        match (plot.legend, lay.top_legend.as_ref(), lay.right_legend_x) {
            (LegendPosition::Top, Some((y, xs)), _) => {
                for (c, x) in plot.curves.iter().zip(xs) {
                    line_sample(&mut scene, c, *x, *y, m.sample, m.line_w);
                    scene.text(
                        x + m.sample + m.gap,
                        *y,
                        &c.label,
                        m.base,
                        Anchor::Start,
                        VAlign::Middle,
                    );
                }
            }
            // Asked for on the right, or moved there by `arrange`.
            (_, _, Some(x)) => {
                if let Some(column) = &lay.right_legend {
                    let (title_y, entries_y) =
                        column.rows(lay.plot_y0 + m.base.line_height() / 2.0);
                    for (line, y) in column.title.iter().zip(title_y) {
                        scene.text(x, y, line, Font::bold(m.f), Anchor::Start, VAlign::Middle);
                    }
                    for ((c, lines), ys) in plot.curves.iter().zip(&column.entries).zip(entries_y) {
                        // The sample beside the name's first line.
                        if let Some(&first) = ys.first() {
                            line_sample(&mut scene, c, x, first, m.sample, m.line_w);
                        }
                        for (line, y) in lines.iter().zip(ys) {
                            scene.text(
                                x + m.sample + m.gap,
                                y,
                                line,
                                m.base,
                                Anchor::Start,
                                VAlign::Middle,
                            );
                        }
                    }
                }
            }
            _ => {
                // `arrange` moved a legend that hides data out of the plot:
                // this one hides nothing, so it needs no white box.
                if let Some(place) = inside_legend(plot, &lay, &annotation) {
                    let r = place.rect.shifted(lay.plot_x0, lay.plot_y0);
                    let mut y = r.y0 + pad / 2.0 + row / 2.0;
                    if heading {
                        scene.text(
                            r.x0 + pad,
                            y,
                            &plot.legend_title,
                            Font::bold(m.f),
                            Anchor::Start,
                            VAlign::Middle,
                        );
                        y += row;
                    }
                    for c in &plot.curves {
                        line_sample(&mut scene, c, r.x0 + pad, y, m.sample, m.line_w);
                        scene.text(
                            r.x0 + pad + m.sample + m.gap,
                            y,
                            &c.label,
                            m.base,
                            Anchor::Start,
                            VAlign::Middle,
                        );
                        y += row;
                    }
                }
            }
        }
    }

    // The table under the plot, each number centred under its tick.
    let (heading, rows) = risk_rows(plot);
    let tf = lay.table_font;
    if let Some(y) = lay.table_heading_y {
        scene.text(
            lay.table_label_x,
            y,
            &heading,
            Font::bold(tf.size),
            Anchor::Start,
            VAlign::Middle,
        );
    }
    for (r, y) in rows.iter().zip(&lay.table_rows_y) {
        let mut x = lay.table_label_x;
        let sample_only = !lay.row_names && !r.cells.is_empty() && r.sample.is_some();
        if let Some(c) = r.sample.and_then(|i| plot.curves.get(i)) {
            // Alone, as long as the legend's, so its dash pattern shows.
            let len = if sample_only {
                m.sample
            } else {
                m.sample * 0.6
            };
            line_sample(&mut scene, c, x, *y, len, m.line_w);
            x += len + m.gap;
        }
        let font = Font {
            bold: r.bold_label,
            ..tf
        };
        // A row without numbers may run to the right margin.
        let end = if r.cells.is_empty() {
            lay.width - lay.table_label_x
        } else {
            lay.table_label_x + lay.label_w
        };
        let room = (end - x).max(m.f);
        if !sample_only {
            scene.text(
                x,
                *y,
                &crate::truncate_to(&r.label, room, font),
                font,
                Anchor::Start,
                VAlign::Middle,
            );
        }
        for (t, cell) in plot.ticks.iter().zip(&r.cells) {
            scene.text(
                lay.x(*t, x_max),
                *y,
                cell,
                tf,
                Anchor::Middle,
                VAlign::Middle,
            );
        }
    }
    lay.caption.append_to(&mut scene);
    scene
}

/// The figure as an SVG document at its print size.
pub fn to_svg(plot: &KmPlot) -> String {
    crate::scene::to_svg(&scene(plot))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::Mark;
    use survcalc_analysis::plot::figure::{FigureStyle, Palette, PrintSpec};

    pub(crate) fn example() -> KmPlot {
        let style = FigureStyle::default();
        KmPlot {
            x_label: "Time (months)".into(),
            y_label: "Overall survival (%)".into(),
            ticks: vec![0.0, 12.0, 24.0, 36.0],
            x_max: 36.0,
            curves: vec![
                KmPlotCurve {
                    label: "Primary resistance".into(),
                    time: vec![3.0, 10.0, 20.0],
                    surv: vec![0.8, 0.5, 0.25],
                    lower: vec![Some(0.6), Some(0.3), None],
                    upper: vec![Some(0.95), Some(0.7), None],
                    max_time: 30.0,
                    censor_time: vec![15.0],
                    censor_surv: vec![0.5],
                    at_risk: vec![10, 4, 2, 0],
                    censored: vec![0, 1, 1, 2],
                    events: vec![0, 2, 3, 3],
                    median: Some(10.0),
                    style: style.series(0),
                },
                KmPlotCurve {
                    label: "Durable response".into(),
                    time: vec![8.0],
                    surv: vec![0.9],
                    lower: vec![Some(0.7)],
                    upper: vec![Some(1.0)],
                    max_time: 34.0,
                    censor_time: vec![20.0, 34.0],
                    censor_surv: vec![0.9, 0.9],
                    at_risk: vec![10, 9, 8, 0],
                    censored: vec![0, 0, 1, 9],
                    events: vec![0, 1, 1, 1],
                    median: None,
                    style: style.series(1),
                },
            ],
            annotation_lines: vec![
                "Log-rank p = 0.065".into(),
                "Durable response vs Primary resistance: HR 0.21 (95% CI 0.05–0.90)".into(),
            ],
            ..KmPlot::default()
        }
    }

    fn texts(scene: &Scene) -> Vec<String> {
        scene
            .marks
            .iter()
            .filter_map(|m| {
                if let Mark::Text { text, .. } = m {
                    Some(text.clone())
                } else {
                    None
                }
            })
            .collect()
    }

    #[test]
    fn svg_has_the_labels_annotation_and_risk_numbers() {
        let svg = to_svg(&example());
        assert!(svg.starts_with("<svg") && svg.contains("width=\"120mm\""));
        // plotters-svg writes each text on its own line inside <text>.
        let svg: String = svg.lines().map(str::trim).collect();
        for text in [
            "Primary resistance",
            "Number at risk",
            "Log-rank p = 0.065",
            ">10<",
            ">36<",
            "Time (months)",
            "HR 0.21 (95% CI 0.05–0.90)",
        ] {
            assert!(svg.contains(text), "missing {text}");
        }
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn kmunicate_prints_at_risk_censored_and_events_per_group() {
        let mut plot = example();
        plot.risk_layout = RiskTableLayout::Kmunicate;
        let t = texts(&scene(&plot));
        assert_eq!(t.iter().filter(|s| *s == "At risk").count(), 2);
        assert_eq!(t.iter().filter(|s| *s == "Censored").count(), 2);
        assert_eq!(t.iter().filter(|s| *s == "Events").count(), 2);
        plot.risk_layout = RiskTableLayout::AtRiskCensored;
        let t = texts(&scene(&plot));
        assert!(
            t.contains(&"4 (1)".to_string()) && t.contains(&"0 (9)".to_string()),
            "{t:?}"
        );
    }

    #[test]
    fn risk_numbers_sit_under_their_ticks() {
        let plot = example();
        let s = scene(&plot);
        let x_of = |wanted: &str, size_check: bool| -> Vec<f64> {
            s.marks
                .iter()
                .filter_map(|m| match m {
                    Mark::Text {
                        text,
                        x,
                        anchor: Anchor::Middle,
                        size,
                        ..
                    } if text == wanted && (!size_check || *size >= 6.0) => Some(*x),
                    _ => None,
                })
                .collect()
        };
        // "24" is a tick label; the 2 and 8 at risk at 24 months share its x.
        let tick = x_of("24", false)[0];
        for n in ["2", "8"] {
            assert!(
                x_of(n, true).iter().any(|x| (x - tick).abs() < 1e-9),
                "{n} not under 24"
            );
        }
    }

    #[test]
    fn no_text_is_smaller_than_six_points_even_when_crowded() {
        let mut plot = example();
        plot.print = PrintSpec {
            width: 85.0 * 72.0 / 25.4,
            font_size: 6.0,
            ..PrintSpec::default()
        };
        plot.ticks = (0..=12).map(|i| 3.0 * i as f64).collect();
        for c in &mut plot.curves {
            c.at_risk = vec![1234; 13];
            c.censored = vec![99; 13];
        }
        plot.risk_layout = RiskTableLayout::AtRiskCensored;
        let s = scene(&plot);
        assert!(s.text_sizes().all(|size| size >= 6.0));
    }

    #[test]
    fn curves_are_cut_at_the_axis_end() {
        let mut plot = example();
        plot.ticks = vec![0.0, 6.0, 12.0];
        plot.x_max = 12.0;
        let s = scene(&plot);
        let lay = Layout::new(&plot);
        for m in &s.marks {
            if let Mark::Path { points, .. } = m {
                assert!(
                    points.iter().all(|(x, _)| *x <= lay.plot_x1 + 1e-9),
                    "drawn past the axis"
                );
            }
        }
    }

    #[test]
    fn greyscale_groups_differ_by_dash() {
        let mut plot = example();
        let grey = FigureStyle {
            palette: Palette::Greyscale,
            ..FigureStyle::default()
        };
        for (i, c) in plot.curves.iter_mut().enumerate() {
            c.style = grey.series(i);
        }
        let svg = to_svg(&plot);
        // Dashes are drawn as their pieces: a dashed curve is many strokes of its grey.
        let strokes = |c: &KmPlotCurve| {
            svg.matches(&format!("stroke=\"{}\"", c.style.colour.to_uppercase()))
                .count()
        };
        let dashed: Vec<&KmPlotCurve> = plot
            .curves
            .iter()
            .filter(|c| !c.style.dash.is_empty())
            .collect();
        assert!(!dashed.is_empty());
        for c in dashed {
            assert!(
                strokes(c) > 10,
                "{} is drawn in {} strokes",
                c.label,
                strokes(c)
            );
        }
    }

    // Legend placement (plotting area of 600 x 400 pt, x from 0 to 60).
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
            ..KmPlotCurve::default()
        }
    }

    fn plot_of(curves: Vec<KmPlotCurve>) -> KmPlot {
        KmPlot {
            ticks: vec![0.0, 60.0],
            x_max: 60.0,
            curves,
            ..KmPlot::default()
        }
    }

    fn geometry(keep_clear: Vec<Rect>) -> BoxGeometry {
        BoxGeometry {
            area: (600.0, 400.0),
            size: (150.0, 70.0),
            inset: 5.0,
            step: 4.0,
            line: 2.0,
            mark: 6.0,
            keep_clear,
        }
    }

    fn hidden(plot: &KmPlot, place: &Placement) -> f64 {
        ink(plot, 60.0, &geometry(Vec::new()))
            .iter()
            .map(|(r, w)| w * r.overlap(&place.rect))
            .sum()
    }

    #[test]
    fn legend_stays_upper_right_when_the_curves_leave_it_free() {
        let plot = plot_of(vec![flat_curve(0.3, 2.0, 50.0), flat_curve(0.1, 5.0, 58.0)]);
        let place = place_box(&plot, 60.0, &geometry(Vec::new()), Prefer::UpperRight);
        assert_eq!(
            place,
            Placement {
                rect: Rect {
                    x0: 445.0,
                    y0: 5.0,
                    x1: 595.0,
                    y1: 75.0
                },
                covers_data: false
            }
        );
    }

    #[test]
    fn legend_moves_off_a_curve_that_stays_high() {
        let mut plot = plot_of(vec![flat_curve(0.9, 3.0, 60.0), flat_curve(0.3, 2.0, 55.0)]);
        let place = place_box(&plot, 60.0, &geometry(Vec::new()), Prefer::UpperRight);
        assert!(!place.covers_data);
        assert_eq!(hidden(&plot, &place), 0.0);
        assert_eq!(
            place.rect.x1, 595.0,
            "still on the right-hand side: {place:?}"
        );
        assert!(
            place.rect.y0 > 0.1 * 400.0 && place.rect.y1 < 0.7 * 400.0,
            "between the curves: {place:?}"
        );
        plot.ci = CiStyle::Band;
        let place = place_box(&plot, 60.0, &geometry(Vec::new()), Prefer::UpperRight);
        assert!(!place.covers_data);
        assert_eq!(
            ink(&plot, 60.0, &geometry(Vec::new()))
                .iter()
                .map(|(r, _)| r.overlap(&place.rect))
                .sum::<f64>(),
            0.0
        );
    }

    #[test]
    fn the_annotation_avoids_the_curves_and_the_legend_avoids_it() {
        // Curves cross the whole right-hand side and the top; the lower left is free.
        let mut curves = vec![flat_curve(0.95, 0.5, 60.0)];
        curves.extend(
            [0.75, 0.55, 0.35, 0.15]
                .iter()
                .map(|&s| flat_curve(s, 25.0, 60.0)),
        );
        let plot = plot_of(curves);
        let note = BoxGeometry {
            size: (194.0, 46.0),
            ..geometry(Vec::new())
        };
        let annotation = place_box(&plot, 60.0, &note, Prefer::LowerLeft);
        assert!(!annotation.covers_data, "{annotation:?}");
        let tall = BoxGeometry {
            size: (150.0, 90.0),
            ..geometry(vec![annotation.rect])
        };
        let legend = place_box(&plot, 60.0, &tall, Prefer::UpperRight);
        assert_eq!(annotation.rect.overlap(&legend.rect), 0.0);

        // Curves everywhere: the least covered box, still off the annotation.
        let crowded = plot_of(
            (0..10)
                .map(|i| flat_curve(0.05 + 0.1 * i as f64, 0.5, 60.0))
                .collect(),
        );
        let legend = place_box(&crowded, 60.0, &tall, Prefer::UpperRight);
        assert!(legend.covers_data);
        assert_eq!(annotation.rect.overlap(&legend.rect), 0.0, "{legend:?}");
    }

    #[test]
    fn staircase_starts_at_one_and_ends_at_follow_up() {
        let pts = steps(&[2.0, 5.0], &[0.5, 0.25], 1.0, 9.0);
        assert_eq!(
            pts,
            vec![
                (0.0, 1.0),
                (2.0, 1.0),
                (2.0, 0.5),
                (5.0, 0.5),
                (5.0, 0.25),
                (9.0, 0.25)
            ]
        );
        assert_eq!(
            clip(pts, 4.0),
            vec![(0.0, 1.0), (2.0, 1.0), (2.0, 0.5), (4.0, 0.5)]
        );
    }

    #[test]
    fn the_analysis_set_is_a_caption_under_the_figure() {
        crate::scene::check_caption(|caption, height| {
            let mut plot = example();
            plot.caption = caption;
            plot.print.height = height;
            scene(&plot)
        });
        let mut plot = example();
        plot.caption = Some("Patients: High AFP (afp ≥ 400), 88 of 601.".into());
        assert!((natural_height(&plot) - scene(&plot).height).abs() < 1e-9);
    }

    #[test]
    fn a_cumulative_incidence_starts_at_zero_and_a_curve_without_numbers_has_no_table_row() {
        let mut plot = example();
        plot.start = 0.0;
        for c in &mut plot.curves {
            c.surv = c.surv.iter().map(|s| 1.0 - s).collect();
        }
        plot.curves[1].at_risk.clear();
        let s = scene(&plot);
        let t = texts(&s);
        // One row: the first curve's, with its numbers; none for the second.
        assert!(t.contains(&"Primary resistance".to_string()));
        assert_eq!(
            t.iter().filter(|x| *x == "Durable response").count(),
            1,
            "legend only: {t:?}"
        );
        let lay = Layout::new(&plot);
        assert_eq!(lay.table_rows_y.len(), 1);
        // The first curve's line begins at the axis' 0 (the bottom of the plot).
        let first_line = s.marks.iter().find_map(|m| match m {
            Mark::Path {
                points,
                closed: false,
                stroke: Some(st),
                ..
            } if st.colour == Rgb::from_hex(&plot.curves[0].style.colour) && points.len() > 4 => {
                Some(points[0])
            }
            _ => None,
        });
        assert_eq!(first_line.map(|p| p.1), Some(lay.y(0.0)));
    }

    /// Curve vertices (censor marks included) that a white box painted
    /// after them hides.
    fn hidden_vertices(scene: &Scene) -> Vec<(f64, f64)> {
        let mut drawn: Vec<(f64, f64)> = Vec::new();
        let mut hidden = Vec::new();
        for mark in &scene.marks {
            if let Mark::Path {
                points,
                fill,
                stroke,
                ..
            } = mark
            {
                match (fill, stroke) {
                    (Some(f), _) if f.colour == Rgb::WHITE && f.opacity >= 1.0 => {
                        let (x0, x1) = points
                            .iter()
                            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                                (a.min(p.0), b.max(p.0))
                            });
                        let (y0, y1) = points
                            .iter()
                            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                                (a.min(p.1), b.max(p.1))
                            });
                        hidden.extend(
                            drawn
                                .iter()
                                .filter(|(x, y)| *x > x0 && *x < x1 && *y > y0 && *y < y1),
                        );
                    }
                    (None, Some(st)) if st.colour != Rgb::BLACK => drawn.extend(points),
                    _ => {}
                }
            }
        }
        hidden
    }

    /// The synthetic cohort's OS by resistance group, in shape: one curve
    /// falls to 3% with a censor mark at 56 months, two stay high; the
    /// annotation is three lines wide. No place inside hides nothing.
    fn crowded_with_annotation() -> KmPlot {
        let style = FigureStyle::default();
        let steep: Vec<f64> = (1..=40).map(|i| i as f64 * 1.2).collect();
        let falling: Vec<f64> = (1..=40).map(|i| 1.0 - i as f64 * 0.97 / 40.0).collect();
        let mut plot = plot_of(vec![
            KmPlotCurve {
                time: steep,
                surv: falling,
                max_time: 56.3,
                censor_time: vec![56.3],
                censor_surv: vec![0.03],
                style: style.series(0),
                ..flat_curve(0.0, 0.0, 56.3)
            },
            KmPlotCurve {
                style: style.series(1),
                ..flat_curve(0.42, 30.0, 58.0)
            },
            KmPlotCurve {
                style: style.series(2),
                ..flat_curve(0.82, 49.0, 59.0)
            },
        ]);
        plot.ticks = vec![0.0, 12.0, 24.0, 36.0, 48.0, 60.0, 72.0];
        plot.x_max = 72.0;
        plot.legend = LegendPosition::None;
        for (c, n) in plot.curves.iter_mut().zip([229, 141, 126]) {
            c.at_risk = vec![n, n / 2, n / 4, n / 8, n / 16, 1, 0];
        }
        plot.annotation_lines = vec![
            "Log-rank p < 0.001".into(),
            "secondary resistance vs primary resistance: HR 0.28 (95% CI 0.20–0.38)".into(),
            "durable response vs primary resistance: HR 0.04 (95% CI 0.02–0.09)".into(),
        ];
        plot
    }

    #[test]
    fn the_annotation_goes_under_the_plot_when_every_place_inside_hides_a_curve() {
        let plot = crowded_with_annotation();
        let (lay, place) = arrange(&plot);
        let AnnotationPlace::Below { lines } = &place else {
            panic!("{place:?}")
        };
        let s = scene(&plot);
        // Every curve vertex and censor mark stays visible: the stray mark
        // at 56 months under the synthetic OS figure was the tail of a curve
        // hidden by the annotation's white box, which no longer exists.
        assert_eq!(hidden_vertices(&s), Vec::<(f64, f64)>::new());
        assert!(!s
            .marks
            .iter()
            .any(|m| matches!(m, Mark::Path { fill: Some(f), .. } if f.colour == Rgb::WHITE)));
        // Its lines sit between the x-axis title and the table, left-aligned
        // with the table's labels, and the figure grew to hold them.
        let at = |text: &str| {
            s.marks.iter().find_map(|m| match m {
                Mark::Text { text: t, x, y, .. } if t == text => Some((*x, *y)),
                _ => None,
            })
        };
        let first = at(&lines[0]).unwrap();
        let last = at(lines.last().unwrap()).unwrap();
        // From the left margin: the strip spans the figure.
        assert!((first.0 - lay.table_label_x).abs() < 1e-9);
        assert!(
            first.1 > lay.x_title_y + lay.m.base.line_height() - 1e-9,
            "{first:?} under the x title at {}",
            lay.x_title_y
        );
        let table_top = lay
            .table_heading_y
            .or(lay.table_rows_y.first().copied())
            .unwrap();
        assert!(
            last.1 < table_top - lay.m.gap,
            "{last:?} above the table at {table_top}"
        );
        let without = KmPlot {
            annotation_lines: Vec::new(),
            ..plot.clone()
        };
        assert!(natural_height(&plot) > natural_height(&without) + 2.0 * lay.m.f);
        // At a fixed print height the plot shrinks instead.
        let mut fixed = plot.clone();
        fixed.print.height = Some(natural_height(&without));
        let (fixed_lay, _) = arrange(&fixed);
        let fixed_h = fixed_lay.height + fixed_lay.caption.height();
        assert!(
            (fixed_h - natural_height(&without)).abs() < 1e-6,
            "{fixed_h} {} {}",
            natural_height(&without),
            fixed_lay.plot_y1 - fixed_lay.plot_y0
        );
    }

    #[test]
    fn the_annotation_stays_inside_where_it_hides_nothing() {
        // Curves that stay high leave the lower left free.
        let style = FigureStyle::default();
        let mut plot = plot_of(vec![
            KmPlotCurve {
                style: style.series(0),
                ..flat_curve(0.8, 10.0, 50.0)
            },
            KmPlotCurve {
                style: style.series(1),
                ..flat_curve(0.6, 20.0, 55.0)
            },
        ]);
        plot.annotation_lines = vec![
            "Log-rank p = 0.012".into(),
            "B vs A: HR 0.50 (95% CI 0.29–0.86)".into(),
        ];
        let (lay, place) = arrange(&plot);
        let AnnotationPlace::Inside { rect, .. } = place else {
            panic!("{place:?}")
        };
        assert!(
            rect.y1 > 0.8 * (lay.plot_y1 - lay.plot_y0),
            "lower left: {rect:?}"
        );
        assert_eq!(lay.annotation_below_y, None);
        assert_eq!(hidden_vertices(&scene(&plot)), Vec::<(f64, f64)>::new());
        // The example's annotation finds a free place too, now that its
        // long group names give way to line samples in the table and the
        // plot is wider (it went under the plot before).
        assert!(!Layout::new(&example()).row_names);
        assert!(matches!(
            arrange(&example()).1,
            AnnotationPlace::Inside { .. }
        ));
        assert_eq!(
            hidden_vertices(&scene(&example())),
            Vec::<(f64, f64)>::new()
        );
    }

    /// The text marks' positions, by text.
    fn text_at(s: &Scene, text: &str) -> Option<(f64, f64)> {
        s.marks.iter().find_map(|m| match m {
            Mark::Text { text: t, x, y, .. } if t == text => Some((*x, *y)),
            _ => None,
        })
    }

    #[test]
    fn the_legend_goes_right_of_the_plot_when_every_place_inside_hides_a_curve() {
        // The synthetic cohort's OS by resistance group, legend inside, the
        // two upper groups falling steadily (to 42% and 82%) as they do
        // there: no place inside leaves every step and censor mark visible.
        let mut plot = crowded_with_annotation();
        let falling_to = |level: f64, end: f64| {
            let time: Vec<f64> = (1..=30).map(|i| i as f64 * end / 31.0).collect();
            let surv: Vec<f64> = (1..=30)
                .map(|i| 1.0 - i as f64 * (1.0 - level) / 30.0)
                .collect();
            (time, surv)
        };
        for (c, (level, end)) in plot
            .curves
            .iter_mut()
            .skip(1)
            .zip([(0.42, 58.0), (0.82, 59.0)])
        {
            (c.time, c.surv) = falling_to(level, end);
        }
        plot.legend = LegendPosition::Inside;
        plot.legend_title = "Resistance group".into();
        // A single column, as there: at 120 mm the plot, no longer narrowed
        // by the names in the table (line samples instead), leaves room.
        plot.print.width = 85.0 * 72.0 / 25.4;
        for (c, name) in plot.curves.iter_mut().zip([
            "primary resistance",
            "secondary resistance",
            "durable response",
        ]) {
            c.label = name.into();
        }
        let inside = arrange_with(&plot, false);
        let p = inside_legend(&plot, &inside.0, &inside.1);
        assert!(
            p.is_some_and(|p| p.covers_data),
            "the figure must leave no free place inside: {p:?} {:?} {:?}",
            inside.1,
            (
                inside.0.plot_x1 - inside.0.plot_x0,
                inside.0.plot_y1 - inside.0.plot_y0
            )
        );
        let (lay, annotation) = arrange(&plot);
        assert!(lay.right_legend_x.is_some());
        let s = scene(&plot);
        assert_eq!(hidden_vertices(&s), Vec::<(f64, f64)>::new());
        assert!(!s
            .marks
            .iter()
            .any(|m| matches!(m, Mark::Path { fill: Some(f), .. } if f.colour == Rgb::WHITE)));
        let _ = std::fs::write(
            std::env::temp_dir().join("km_legend_right.svg"),
            crate::scene::to_svg(&s),
        );
        // The plot gives the legend no more than RIGHT_LEGEND_SHARE of the
        // figure (it gave up to 35% before names could wrap), or, at this
        // single column's width, what its widest word needs ("resistance").
        let m = &lay.m;
        let widest_word = plot
            .curves
            .iter()
            .flat_map(|c| c.label.split_whitespace())
            .map(|w| m.sample + m.gap + m.base.width(w))
            .fold(0.0, f64::max);
        assert!(
            widest_word > RIGHT_LEGEND_SHARE * lay.width,
            "{widest_word}"
        );
        let legend_room = widest_word + 2.0 * m.gap + lay.table_label_x;
        assert!(
            lay.width - lay.plot_x1 <= legend_room + 1e-9,
            "{} of {}",
            lay.plot_x1,
            lay.width
        );
        // Title and every entry's lines right of the plot, within the figure,
        // in order (the last tick's label and numbers are centred on the
        // plot's end, give or take rounding).
        let column = lay.right_legend.clone().unwrap();
        let right_of_plot: Vec<(String, f64, f64)> = text_marks(&s)
            .into_iter()
            .filter(|t| t.1 > lay.plot_x1 + 1e-9)
            .map(|(text, x, y, ..)| (text, x, y))
            .collect();
        let expected: Vec<&String> = column
            .title
            .iter()
            .chain(column.entries.iter().flatten())
            .collect();
        assert_eq!(
            right_of_plot.iter().map(|t| &t.0).collect::<Vec<_>>(),
            expected
        );
        let mut last_y = f64::NEG_INFINITY;
        for (text, x, y) in &right_of_plot {
            assert!(
                *x < lay.width,
                "{text} at x = {x}, plot ends at {}",
                lay.plot_x1
            );
            assert!(
                *y > last_y && *y >= lay.plot_y0 && *y <= lay.plot_y1,
                "{text} at y = {y}"
            );
            last_y = *y;
        }
        // The annotation still finds its place (under the plot here) and its
        // lines are all drawn.
        let AnnotationPlace::Below { lines } = &annotation else {
            panic!("{annotation:?}")
        };
        assert!(lines.iter().all(|l| text_at(&s, l).is_some()));
        // A fixed print height is kept with the legend moved out.
        let mut fixed = plot.clone();
        let height = natural_height(&plot) - 20.0;
        fixed.print.height = Some(height);
        let (fixed_lay, _) = arrange(&fixed);
        assert!(fixed_lay.right_legend_x.is_some());
        assert!((fixed_lay.height + fixed_lay.caption.height() - height).abs() < 1e-6);
        assert_eq!(hidden_vertices(&scene(&fixed)), Vec::<(f64, f64)>::new());
    }

    #[test]
    fn the_legend_stays_inside_where_it_hides_nothing() {
        // Curves that stay low leave the upper right free.
        let style = FigureStyle::default();
        let mut plot = plot_of(vec![
            KmPlotCurve {
                style: style.series(0),
                ..flat_curve(0.3, 2.0, 50.0)
            },
            KmPlotCurve {
                style: style.series(1),
                ..flat_curve(0.1, 5.0, 58.0)
            },
        ]);
        plot.legend_title = "Group".into();
        let (lay, annotation) = arrange(&plot);
        assert_eq!(lay.right_legend_x, None);
        let place = inside_legend(&plot, &lay, &annotation).expect("legend inside");
        assert!(!place.covers_data);
        let s = scene(&plot);
        let (x, y) = text_at(&s, &plot.curves[0].label).unwrap();
        assert!(
            x > (lay.plot_x0 + lay.plot_x1) / 2.0 && x < lay.plot_x1,
            "upper right: {x}"
        );
        assert!(y < (lay.plot_y0 + lay.plot_y1) / 2.0, "upper right: {y}");
        assert_eq!(hidden_vertices(&s), Vec::<(f64, f64)>::new());
        assert!(!s
            .marks
            .iter()
            .any(|m| matches!(m, Mark::Path { fill: Some(f), .. } if f.colour == Rgb::WHITE)));
    }

    #[test]
    fn a_risk_table_heading_without_rows_takes_no_room_at_a_fixed_height() {
        // Curves without numbers at risk (a competing-risks figure's second
        // cause): the table has its heading but no row.
        let mut plot = plot_of(vec![flat_curve(0.6, 10.0, 50.0)]);
        plot.risk_table = true;
        plot.risk_layout = RiskTableLayout::AtRisk;
        assert!(plot.curves.iter().all(|c| c.at_risk.is_empty()));
        let (heading, rows) = risk_rows(&plot);
        assert!(!heading.is_empty() && rows.is_empty());
        plot.print.height = Some(250.0);
        let (lay, _) = arrange(&plot);
        assert!(
            (lay.height + lay.caption.height() - 250.0).abs() < 1e-6,
            "{}",
            lay.height + lay.caption.height()
        );
        assert_eq!(lay.table_heading_y, None);
        assert!(text_at(&scene(&plot), &heading).is_none());
        // Same as without a table at all.
        let mut none = plot.clone();
        none.risk_table = false;
        assert_eq!(Layout::new(&none).plot_y1, lay.plot_y1);
    }

    /// The bundled synthetic cohort's overall survival by resistance group,
    /// as the page draws it (legend inside, log-rank p and hazard ratios),
    /// printed `preset` wide.
    fn cohort_os(preset: survcalc_analysis::plot::figure::SizePreset) -> KmPlot {
        use survcalc_analysis::analyses::{cohort, km};
        use survcalc_analysis::table::{read_csv, ReadOptions};
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../www/examples/synthetic_hcc_cohort.csv"
        );
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut table = read_csv(text.as_bytes(), &ReadOptions::default()).unwrap();
        let classify = cohort::CohortRequest {
            columns: cohort::suggest_columns(&table),
            ..cohort::CohortRequest::default()
        };
        cohort::run(&mut table, &classify).unwrap();
        let mut request = km::KmRequest {
            time: "os_months".into(),
            event: "os_event".into(),
            event_values: vec!["1".into()],
            group: Some(cohort::GROUP_COLUMN.into()),
            time_unit: Some(survcalc_analysis::dates::TimeUnit::Months),
            labels: [(
                cohort::GROUP_COLUMN.to_string(),
                "Resistance group".to_string(),
            )]
            .into(),
            ..km::KmRequest::default()
        };
        request.figure.output.preset = Some(preset);
        km::run(&table, &request).unwrap().plot
    }

    /// Where each text mark is, with its font.
    fn text_marks(s: &Scene) -> Vec<(String, f64, f64, Font, Anchor)> {
        s.marks
            .iter()
            .filter_map(|m| match m {
                Mark::Text {
                    text,
                    x,
                    y,
                    size,
                    bold,
                    anchor,
                    ..
                } => Some((
                    text.clone(),
                    *x,
                    *y,
                    Font {
                        bold: *bold,
                        ..Font::regular(*size)
                    },
                    *anchor,
                )),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_strip_under_the_plot_spans_the_figure_and_the_legend_right_of_it_is_as_narrow_as_its_names_allow(
    ) {
        use survcalc_analysis::plot::figure::SizePreset;
        let presets = [
            SizePreset::SingleColumn,
            SizePreset::OneAndHalfColumn,
            SizePreset::DoubleColumn,
        ];
        // Written first, to be looked at whatever the checks say.
        for preset in presets {
            let _ = std::fs::write(
                std::env::temp_dir().join(format!("km_cohort_{}mm.svg", preset.width_mm())),
                to_svg(&cohort_os(preset)),
            );
        }
        for preset in presets {
            let plot = cohort_os(preset);
            let (lay, annotation) = arrange(&plot);
            let s = scene(&plot);
            let marks = text_marks(&s);
            let margin = lay.table_label_x;
            // The primary-resistance curve crosses the lower left at every width.
            let AnnotationPlace::Below { lines } = &annotation else {
                panic!("{preset:?}: {annotation:?}")
            };
            // Each line starts at the left margin and fits between the
            // margins; a line is broken only when it is wider than that.
            for asked in &plot.annotation_lines {
                let fits = lay.m.base.width(asked) <= lay.width - 2.0 * margin;
                assert_eq!(
                    lines.contains(asked),
                    fits,
                    "{preset:?}: {asked} in {lines:?}"
                );
            }
            for line in lines {
                let (_, x, _, font, _) = marks
                    .iter()
                    .find(|t| &t.0 == line)
                    .unwrap_or_else(|| panic!("{line} drawn"));
                assert_eq!(*x, margin);
                assert!(
                    x + font.width(line) <= lay.width - margin + 1e-9,
                    "{preset:?}: {line}"
                );
            }
            let widest = lines
                .iter()
                .map(|l| lay.m.base.width(l))
                .fold(0.0, f64::max);
            if preset == SizePreset::SingleColumn {
                // The plot's width would have broken the lines more often.
                assert!(widest > lay.plot_x1 - lay.plot_x0, "{lines:?}");
            }
            if preset == SizePreset::OneAndHalfColumn {
                // Each hazard ratio stays on one line. (The strip's width
                // was needed for that when the group names in the table
                // narrowed the plot; since they give way to line samples
                // here, the plot would nearly hold them too.)
                assert_eq!(lines.len(), plot.annotation_lines.len(), "{lines:?}");
            }
            assert_eq!(hidden_vertices(&s), Vec::<(f64, f64)>::new());
        }

        // At 85 mm every place inside hides a curve: the legend goes right.
        let plot = cohort_os(SizePreset::SingleColumn);
        let (lay, _) = arrange(&plot);
        let s = scene(&plot);
        let marks = text_marks(&s);
        let legend_x = lay.right_legend_x.expect("legend right of the plot");
        let column = lay.right_legend.clone().unwrap();
        let (m, margin) = (&lay.m, lay.table_label_x);
        // No wider than the longest name needs; when that is more than
        // RIGHT_LEGEND_SHARE of the figure, as wide as its widest word.
        let indent = m.sample + m.gap;
        let unwrapped = legend_items(&plot, m)
            .into_iter()
            .fold(Font::bold(m.f).width(&plot.legend_title), f64::max);
        let widest_word = plot
            .curves
            .iter()
            .flat_map(|c| c.label.split_whitespace())
            .map(|w| indent + m.base.width(w))
            .fold(0.0, f64::max);
        assert!(
            unwrapped > RIGHT_LEGEND_SHARE * lay.width,
            "the names are long enough to wrap"
        );
        assert!(column.width <= (RIGHT_LEGEND_SHARE * lay.width).max(widest_word) + 1e-9);
        assert!(column.width < unwrapped);
        // The plot ends where the legend needs it to (two gaps before it),
        // and the legend ends at the right margin.
        assert!((legend_x - lay.plot_x1 - 2.0 * m.gap).abs() < 1e-9);
        assert!((legend_x + column.width - (lay.width - margin)).abs() < 1e-9);
        let legend_texts: Vec<&str> = column
            .title
            .iter()
            .chain(column.entries.iter().flatten())
            .map(String::as_str)
            .collect();
        for text in &legend_texts {
            let (_, x, y, font, _) = marks
                .iter()
                .find(|t| t.0 == *text)
                .unwrap_or_else(|| panic!("{text} drawn"));
            assert!(
                *x >= legend_x && x + font.width(text) <= lay.width - margin + 1e-9,
                "{text} at {x}"
            );
            // Beside the plot, above its tick labels (y is the baseline).
            assert!(
                *y <= lay.plot_y1 && *y - font.cap_height() >= lay.plot_y0 - 1e-9,
                "{text} at y = {y}"
            );
        }
        // Every word of every name is shown once, in order, none split.
        let shown: Vec<&str> = legend_texts
            .iter()
            .flat_map(|t| t.split_whitespace())
            .collect();
        let asked: Vec<&str> = std::iter::once(plot.legend_title.as_str())
            .chain(plot.curves.iter().map(|c| c.label.as_str()))
            .flat_map(str::split_whitespace)
            .collect();
        assert_eq!(shown, asked);
        assert!(column.entries.iter().any(|e| e.len() > 1));
        // A name's lines sit closer together than the names do.
        let (_, entries_y) = column.rows(0.0);
        let within = entries_y
            .iter()
            .find(|ys| ys.len() > 1)
            .map(|ys| ys[1] - ys[0])
            .unwrap();
        let between = entries_y[1][0] - entries_y[0].last().unwrap();
        assert!(within < between, "{within} {between}");

        // The table's rows: at 85 mm the names ("secondary resistance")
        // would take a third of the figure and leave the plot 31% of it;
        // each row is labelled by its curve's line sample instead, the
        // legend's own (colour and dash), and the plot keeps more than half
        // the figure: what a journal column figure needs to show its curves.
        // 55% is what stays after the y axis (about 15% at 85 mm, 8 pt) and
        // a legend right of the plot as wide as "resistance" (about 24%)
        // with the margins and gaps between: any name left in the table
        // would take that room.
        const PLOT_SHARE_MIN: f64 = 0.55;
        let share = (lay.plot_x1 - lay.plot_x0) / lay.width;
        assert!(
            share >= PLOT_SHARE_MIN,
            "the plot keeps {:.0}% of the figure",
            100.0 * share
        );
        assert!(!lay.row_names);
        let samples = |s: &Scene| -> Vec<(Vec<(f64, f64)>, Stroke)> {
            s.marks
                .iter()
                .filter_map(|mk| match mk {
                    Mark::Path {
                        points,
                        stroke: Some(st),
                        closed: false,
                        ..
                    } if points.len() == 2 && points[0].1 == points[1].1 => {
                        Some((points.clone(), st.clone()))
                    }
                    _ => None,
                })
                .collect()
        };
        let drawn = samples(&s);
        assert_eq!(lay.table_rows_y.len(), plot.curves.len());
        for ((c, y), entry_y) in plot
            .curves
            .iter()
            .zip(&lay.table_rows_y)
            .zip(column.rows(lay.plot_y0 + m.base.line_height() / 2.0).1)
        {
            let stroke = curve_stroke(c, m.line_w);
            // No text on the row left of the plot: its numbers only.
            let beside: Vec<&String> = marks
                .iter()
                .filter(|t| (t.2 - y).abs() < t.3.size && t.1 < lay.plot_x0)
                .map(|t| &t.0)
                .collect();
            assert!(beside.is_empty(), "{}: {beside:?}", c.label);
            assert!(
                drawn.contains(&(vec![(margin, *y), (margin + m.sample, *y)], stroke.clone())),
                "{}: no line sample on its row",
                c.label
            );
            // The same sample in the legend, beside the group's name.
            assert!(
                drawn.contains(&(
                    vec![(legend_x, entry_y[0]), (legend_x + m.sample, entry_y[0])],
                    stroke
                )),
                "{}: legend sample",
                c.label
            );
        }
        // The y axis' title stays clear of its tick labels and inside the figure.
        let tick_left = y_ticks(&plot)
            .iter()
            .map(|(_, t)| lay.plot_x0 - m.tick_len - m.gap - m.base.width(t))
            .fold(f64::INFINITY, f64::min);
        assert!(
            lay.y_title_x - m.base.line_height() / 2.0 >= 0.0
                && lay.y_title_x + m.base.line_height() / 2.0 <= tick_left + 1e-9,
            "{} {tick_left}",
            lay.y_title_x
        );

        // Double column: the names fit and label the rows, after a short sample.
        let plot = cohort_os(SizePreset::DoubleColumn);
        let (lay, _) = arrange(&plot);
        let s = scene(&plot);
        assert!(lay.row_names);
        for (c, y) in plot.curves.iter().zip(&lay.table_rows_y) {
            let x = lay.table_label_x + 0.6 * lay.m.sample + lay.m.gap;
            let found = text_marks(&s)
                .into_iter()
                .any(|t| t.0 == c.label && (t.1 - x).abs() < 1e-9 && (t.2 - y).abs() < t.3.size);
            assert!(found, "{} names its row", c.label);
        }
        assert!(lay.label_w <= ROW_NAMES_MAX_SHARE * lay.width);
    }

    #[test]
    fn without_a_legend_the_rows_keep_their_names_and_a_kmunicate_group_heading_takes_no_room_from_the_plot(
    ) {
        use survcalc_analysis::plot::figure::SizePreset;
        let narrow = cohort_os(SizePreset::SingleColumn);
        // No legend: the names are the only key to the curves, so they stay
        // in the table (cut to a third of the figure), however narrow.
        let none = KmPlot {
            legend: LegendPosition::None,
            ..narrow.clone()
        };
        let _ = std::fs::write(
            std::env::temp_dir().join("km_cohort_85mm_no_legend.svg"),
            to_svg(&none),
        );
        let (lay, _) = arrange(&none);
        assert!(lay.row_names);
        let shown: Vec<String> = text_marks(&scene(&none))
            .into_iter()
            .filter(|t| t.1 < lay.plot_x0)
            .map(|t| t.0)
            .collect();
        for c in &none.curves {
            let prefix = c.label.split_whitespace().next().unwrap();
            assert!(
                shown
                    .iter()
                    .any(|t| t == &c.label || (t.starts_with(prefix) && t.ends_with('…'))),
                "{} in {shown:?}",
                c.label
            );
        }

        // KMunicate: each group's heading row has no numbers and runs over
        // the columns; only "At risk", "Censored", "Events" sit left of the
        // plot, so the group names keep their place, whole, at 85 mm too.
        let kmunicate = KmPlot {
            risk_layout: RiskTableLayout::Kmunicate,
            ..narrow.clone()
        };
        let _ = std::fs::write(
            std::env::temp_dir().join("km_cohort_85mm_kmunicate.svg"),
            to_svg(&kmunicate),
        );
        let (lay, _) = arrange(&kmunicate);
        let tf = lay.table_font;
        let longest = ["At risk", "Censored", "Events"]
            .iter()
            .map(|t| tf.width(t))
            .fold(0.0, f64::max);
        assert!(
            (lay.label_w - longest).abs() < 1e-9,
            "{} {longest}",
            lay.label_w
        );
        let s = scene(&kmunicate);
        let marks = text_marks(&s);
        for c in &kmunicate.curves {
            let (_, x, _, font, _) = marks
                .iter()
                .find(|t| t.0 == c.label && t.3.bold)
                .unwrap_or_else(|| panic!("{} heads its rows", c.label));
            assert!(x + font.width(&c.label) <= lay.width - lay.table_label_x + 1e-9);
        }
        assert_eq!(hidden_vertices(&s), Vec::<(f64, f64)>::new());
    }

    #[test]
    fn example_svg_for_review() {
        let _ = std::fs::write(
            std::env::temp_dir().join("km_example.svg"),
            to_svg(&example()),
        );
    }
}
