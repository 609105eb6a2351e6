//! Forest plot of regression estimates (odds or hazard ratios with 95% CIs)
//! laid out like the published figures: labels on the left, one log-scale
//! panel per model (univariate, multivariable) each followed by its printed
//! "OR (95% CI)" and p columns.
//!
//! Squares all have the same size: the rows are terms of one model, not
//! studies being pooled, so sizing them by 1/SE (a meta-analysis weight)
//! would only draw the eye to the precise, not the important, terms.

use crate::paint::{Canvas, Paint, PathElement, Polygon, Rectangle};
use crate::scene::{Anchor, Caption, Font, Rgb, Scene, VAlign};
use crate::{text_width, tick_label, truncate_text, Frame};
pub use survcalc_analysis::plot::forest::{ForestEstimate, ForestPanel, ForestPlot, ForestRow};

/// Limits beyond these are drawn as arrows: a CI of 0.001–5000 (near
/// separation) must not squeeze every other row into a sliver.
const AXIS_MIN: f64 = 0.01;
const AXIS_MAX: f64 = 100.0;

/// Candidate tick sets, tried in order; the first that covers the data
/// (with at most `MAX_TICKS` ticks) wins. Powers of two read naturally
/// as "half" and "double" and are symmetric about 1 on the log scale.
const TICK_SETS: [&[f64]; 4] = [
    &[0.25, 0.5, 1.0, 2.0, 4.0],
    &[0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0],
    &[
        0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0,
    ],
    &[0.01, 0.1, 1.0, 10.0, 100.0],
];
const MAX_TICKS: usize = 9;

/// Colour of the dashed line of no effect (tests find it by colour).
pub const REFERENCE_LINE: Rgb = Rgb(96, 96, 96);
const GRID: Rgb = Rgb(228, 228, 228);
const STRIPE: Rgb = Rgb(246, 246, 246);
const MUTED: Rgb = Rgb(90, 90, 90);

// Sizes in CSS pixels (multiplied by the frame's scale).
const MARGIN: f64 = 12.0;
const ROW_H: f64 = 24.0;
const TITLE_H: f64 = 30.0;
const PANEL_TITLE_H: f64 = 22.0;
const COLUMN_HEADER_H: f64 = 24.0;
const AXIS_H: f64 = 50.0;
const INDENT: f64 = 16.0;
const LABEL_FONT: f64 = 13.0;
const TITLE_FONT: f64 = 17.0;

fn positive(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite() && *x > 0.0)
}

fn present(text: &str) -> bool {
    !text.trim().is_empty()
}

fn has_content(plot: &ForestPlot) -> bool {
    !plot.panels.is_empty() && !plot.rows.is_empty()
}

/// "OR (95% CI)" from "Odds ratio" unless given.
fn column_header(plot: &ForestPlot) -> String {
    if present(&plot.column_label) {
        return plot.column_label.clone();
    }
    let initials: String = plot
        .estimate_label
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .collect();
    if initials.is_empty() {
        "Estimate (95% CI)".to_string()
    } else {
        format!("{initials} (95% CI)")
    }
}

/// The height (points) that shows every row at its natural height at the
/// frame's width (long labels wrap, so it depends on the width).
pub fn preferred_height(plot: &ForestPlot, frame: &Frame) -> f64 {
    let s = frame.safe_scale();
    let h = if has_content(plot) {
        Layout::new(plot, frame, frame.width, None).height
    } else {
        (2.0 * MARGIN + TITLE_H + 3.0 * ROW_H) * s
    };
    h.clamp(1.0, 1e6)
}

/// Size factors of the squares by row (keyed by the row's top) and panel:
/// area proportional to the inverse variance of the log estimate (read off
/// its 95% CI), the most precise row at 1.5 times the plain size and none
/// smaller than half of it.
fn square_scales(plot: &ForestPlot, lay: &Layout) -> std::collections::HashMap<(u64, usize), f64> {
    let mut out = std::collections::HashMap::new();
    if !plot.weight_squares {
        return out;
    }
    let mut weights = Vec::new();
    for (row, r) in plot.rows.iter().zip(&lay.rows) {
        for (p, e) in row.estimates.iter().enumerate() {
            let Some(e) = e else { continue };
            if let (Some(l), Some(u)) = (positive(e.lower), positive(e.upper)) {
                let se = (u.ln() - l.ln()) / (2.0 * 1.959963984540054);
                if se > 0.0 && se.is_finite() {
                    weights.push(((r.top.to_bits(), p), 1.0 / (se * se)));
                }
            }
        }
    }
    let max = weights.iter().map(|(_, w)| *w).fold(0.0, f64::max);
    for (key, w) in weights {
        out.insert(key, (1.5 * (w / max).sqrt()).max(0.5));
    }
    out
}

/// The axis range: every finite estimate and limit inside
/// [AXIS_MIN, AXIS_MAX], and 1.
fn data_range(plot: &ForestPlot) -> (f64, f64) {
    let (mut lo, mut hi) = (1.0f64, 1.0f64);
    for row in plot.rows.iter().filter(|r| !r.is_reference) {
        for e in row.estimates.iter().flatten() {
            let Some(est) = positive(e.estimate) else {
                continue;
            };
            // An unbounded side needs room beyond the square for its arrow.
            let lower = positive(e.lower).unwrap_or(est / 2.5);
            let upper = positive(e.upper).unwrap_or(est * 2.5);
            for v in [est, lower, upper] {
                let v = v.clamp(AXIS_MIN, AXIS_MAX);
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    (lo, hi)
}

/// Ticks on the log axis covering [lo, hi] (which contains 1).
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    // A limit of 0.2500001 must not pull in the next tick; an axis needs
    // a tick either side of 1.
    let (lo, hi) = ((lo * (1.0 + 1e-9)).min(0.99), (hi * (1.0 - 1e-9)).max(1.01));
    for set in TICK_SETS {
        let first = set.iter().rposition(|t| *t <= lo);
        let last = set.iter().position(|t| *t >= hi);
        if let (Some(a), Some(b)) = (first, last) {
            if b >= a && b - a < MAX_TICKS {
                return set[a..=b].to_vec();
            }
        }
    }
    TICK_SETS[3].to_vec()
}

struct PanelLayout {
    plot_x0: f64,
    plot_x1: f64,
    ci_x: f64,
    p_x: f64,
    right: f64,
}

struct RowLayout {
    centre: f64,
    top: f64,
    height: f64,
    /// The label, wrapped to the label column.
    lines: Vec<String>,
}

/// Positions in device pixels; computed once, used by `draw`,
/// `preferred_height` and the tests.
struct Layout {
    /// Device pixels per CSS pixel after fitting to the width: below the
    /// width the figure needs, everything shrinks (down to 60%) rather than
    /// overlapping.
    s: f64,
    width: f64,
    label_x: f64,
    panel_title_y: Option<f64>,
    header_y: f64,
    rows_top: f64,
    rows: Vec<RowLayout>,
    axis_y: f64,
    /// Bottom edge of the figure.
    height: f64,
    ticks: Vec<f64>,
    log_lo: f64,
    log_hi: f64,
    panels: Vec<PanelLayout>,
    /// Right edges of the count columns.
    count_x: Vec<f64>,
    /// Per panel, the "favours" labels left and right of 1, wrapped.
    favours: Vec<(Vec<String>, Vec<String>)>,
}

/// A label longer than this (CSS px) wraps before the plots shrink.
const LABEL_MAX_PREFERRED: f64 = 220.0;
const LABEL_MIN: f64 = 90.0;
const PLOT_MIN: f64 = 120.0;
const MAX_LABEL_LINES: usize = 3;
const LABEL_LINE_H: f64 = 16.0;
/// Room for the "favours" labels under the axis title.
const FAVOURS_H: f64 = 20.0;
/// Bold runs about 8% wider than the plain-text estimate.
const BOLD_WIDTH: f64 = 1.08;

/// Widths at scale `s` that do not depend on the room available.
struct Columns {
    label_need: f64,
    /// Per panel: the "OR (95% CI)" and p columns.
    text: Vec<(f64, f64)>,
    /// Widths of the count columns (n, events), right after the labels.
    counts: Vec<f64>,
    /// Everything but the label column and the plots.
    fixed: f64,
}

fn columns(plot: &ForestPlot, s: f64) -> Columns {
    let size = LABEL_FONT * s;
    let tw = |t: &str| text_width(t, size);
    let header = column_header(plot);
    let label_need = plot
        .rows
        .iter()
        .map(|r| {
            let indent = if r.indent { INDENT * s } else { 0.0 };
            indent + tw(&r.label) * if r.is_header { BOLD_WIDTH } else { 1.0 }
        })
        .fold(0.0, f64::max)
        + 12.0 * s;
    let n = plot.panels.len().max(1);
    let text: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let mut ci = tw(&header) * BOLD_WIDTH;
            let mut p = tw(&p_header(plot)) * BOLD_WIDTH;
            for row in &plot.rows {
                if row.is_reference {
                    ci = ci.max(tw("reference"));
                } else if let Some(Some(e)) = row.estimates.get(i) {
                    ci = ci.max(tw(&e.text));
                    p = p.max(tw(&e.p_text));
                }
            }
            (ci + 16.0 * s, p + 4.0 * s)
        })
        .collect();
    let counts: Vec<f64> = plot
        .count_columns
        .iter()
        .enumerate()
        .map(|(k, header)| {
            let widest = plot
                .rows
                .iter()
                .filter_map(|r| r.counts.get(k))
                .map(|c| tw(c))
                .fold(tw(header) * BOLD_WIDTH, f64::max);
            widest + GAP_TEXT * s
        })
        .collect();
    let fixed = text.iter().map(|(c, p)| GAP_TEXT * s + c + p).sum::<f64>()
        + counts.iter().sum::<f64>()
        + GAP_PANELS * s * (n as f64 - 1.0)
        + GAP_LABEL * s
        + 2.0 * MARGIN * s;
    Columns {
        label_need,
        text,
        counts,
        fixed,
    }
}

/// The p column's header.
fn p_header(plot: &ForestPlot) -> String {
    if present(&plot.p_label) {
        plot.p_label.clone()
    } else {
        "p".to_string()
    }
}

const GAP_LABEL: f64 = 8.0;
const GAP_TEXT: f64 = 14.0;
const GAP_PANELS: f64 = 28.0;

/// `label` wrapped to `width`, at most `MAX_LABEL_LINES` lines, the last
/// ending in "…" when the label had to be cut.
fn label_lines(label: &str, width: f64, size: f64) -> Vec<String> {
    let mut lines = super::wrap_text(label, None, width, size);
    if lines.len() > MAX_LABEL_LINES {
        lines.truncate(MAX_LABEL_LINES);
        if let Some(last) = lines.last_mut() {
            let mut cut = truncate_text(last, width - text_width("…", size), size);
            if !cut.ends_with('…') {
                cut.push('…');
            }
            *last = cut;
        }
    }
    lines
}

impl Layout {
    /// `height`: the canvas height, or `None` for the natural height.
    fn new(plot: &ForestPlot, frame: &Frame, width: f64, height: Option<f64>) -> Layout {
        let s0 = frame.safe_scale();
        let n = plot.panels.len().max(1) as f64;
        let natural = columns(plot, s0);
        let needed =
            natural.fixed + natural.label_need.min(LABEL_MAX_PREFERRED * s0) + n * PLOT_MIN * s0;
        // Text never shrinks below 6 pt (13 design units are the body text).
        let floor = (6.0 / (LABEL_FONT * s0)).clamp(0.6, 1.0);
        let fit = if needed > 0.0 && width.is_finite() {
            (width / needed).clamp(floor, 1.0)
        } else {
            1.0
        };
        let s = s0 * fit;
        let cols = if fit < 1.0 { columns(plot, s) } else { natural };

        let room_for_labels = width - cols.fixed - n * PLOT_MIN * s;
        // Labels get what they need up to a third of the page (longer ones
        // wrap), and give way to the plots on a narrow page.
        let label_w = cols
            .label_need
            .min((LABEL_MAX_PREFERRED * s).max(0.35 * width))
            .min(room_for_labels.max(LABEL_MIN * s));
        let plot_w = ((width - cols.fixed - label_w) / n).max(40.0 * s);

        let mut panels = Vec::with_capacity(cols.text.len());
        let mut x = MARGIN * s + label_w + GAP_LABEL * s;
        // Count columns, right-aligned at these x.
        let mut count_x = Vec::with_capacity(cols.counts.len());
        for w in &cols.counts {
            x += w;
            count_x.push(x - GAP_TEXT * s / 2.0);
        }
        for (ci_w, p_w) in &cols.text {
            let plot_x0 = x;
            let plot_x1 = x + plot_w;
            let ci_x = plot_x1 + GAP_TEXT * s;
            let p_x = ci_x + ci_w;
            let right = p_x + p_w;
            panels.push(PanelLayout {
                plot_x0,
                plot_x1,
                ci_x,
                p_x,
                right,
            });
            x = right + GAP_PANELS * s;
        }

        let mut y = MARGIN * s;
        if present(&plot.title) {
            y += TITLE_H * s;
        }
        let panel_title_y = if plot.panels.iter().any(|p| present(&p.title)) {
            let at = y;
            y += PANEL_TITLE_H * s;
            Some(at)
        } else {
            None
        };
        let header_y = y;
        y += COLUMN_HEADER_H * s;
        let rows_top = y;

        let size = LABEL_FONT * s;
        let mut rows: Vec<RowLayout> = plot
            .rows
            .iter()
            .map(|r| {
                let indent = if r.indent { INDENT * s } else { 0.0 };
                let room =
                    (label_w - indent - 8.0 * s) / if r.is_header { BOLD_WIDTH } else { 1.0 };
                let lines = label_lines(&r.label, room, size);
                let h = (LABEL_LINE_H * lines.len() as f64 + 8.0).max(ROW_H) * s;
                RowLayout {
                    centre: 0.0,
                    top: 0.0,
                    height: h,
                    lines,
                }
            })
            .collect();
        let natural_h: f64 = rows.iter().map(|r| r.height).sum();
        // A canvas shorter than the natural height squeezes the rows
        // rather than cutting off the axis.
        let squeeze = match height {
            Some(h) if natural_h > 0.0 => {
                ((h - rows_top - (AXIS_H + MARGIN) * s) / natural_h).clamp(0.5, 1.0)
            }
            _ => 1.0,
        };
        for r in &mut rows {
            r.height *= squeeze;
            r.top = y;
            r.centre = y + r.height / 2.0;
            y += r.height;
        }
        if rows.is_empty() {
            y += 2.0 * ROW_H * s;
        }
        let axis_y = y;

        let (lo, hi) = data_range(plot);
        let ticks = log_ticks(lo, hi);
        let log_lo = ticks.first().copied().unwrap_or(AXIS_MIN).ln();
        let log_hi = ticks.last().copied().unwrap_or(AXIS_MAX).ln();
        let mut lay = Layout {
            s,
            width,
            label_x: MARGIN * s,
            panel_title_y,
            header_y,
            rows_top,
            rows,
            axis_y,
            height: 0.0,
            ticks,
            log_lo,
            log_hi,
            panels,
            count_x,
            favours: Vec::new(),
        };
        lay.favours = (0..lay.panels.len())
            .map(|i| lay.favours_of(plot, i))
            .collect();
        let favours_lines = lay
            .favours
            .iter()
            .map(|(l, r)| l.len().max(r.len()))
            .max()
            .unwrap_or(0);
        let favours_h = match favours_lines {
            0 => 0.0,
            n => FAVOURS_H + LABEL_LINE_H * (n - 1) as f64,
        };
        lay.height = axis_y + (AXIS_H + MARGIN + favours_h) * s;
        lay
    }

    /// x of value `v` (> 0) in `panel`, not clipped.
    /// The "favours" labels of panel `i`: under the rows nothing else is
    /// drawn, so a label may run under the columns beside the plot, up to
    /// the previous panel (or the label column's edge) on the left and the
    /// panel's p column on the right; one that still does not fit wraps
    /// onto a second line ("Favours" / "treatment") rather than being cut.
    fn favours_of(&self, plot: &ForestPlot, i: usize) -> (Vec<String>, Vec<String>) {
        let ([left, right], Some(panel)) = (plot.favours.as_slice(), self.panels.get(i)) else {
            return (Vec::new(), Vec::new());
        };
        let s = self.s;
        let x1 = self.x_of(panel, 1.0);
        let left_bound = match i.checked_sub(1).and_then(|k| self.panels.get(k)) {
            Some(previous) => previous.right + 8.0 * s,
            None => self.label_x,
        };
        let font = Font::regular(LABEL_FONT * s);
        let wrapped = |text: &str, room: f64| -> Vec<String> {
            let room = (room - 4.0 * s).max(10.0 * s);
            let lines = crate::wrap_in(text, None, room, font);
            let (first, rest) = match lines.split_first() {
                Some((first, rest)) => (first.clone(), rest.join(" ")),
                None => return Vec::new(),
            };
            [first, rest]
                .iter()
                .filter(|l| !l.is_empty())
                .map(|l| crate::truncate_to(l, room, font))
                .collect()
        };
        (
            wrapped(left, x1 - left_bound),
            wrapped(right, panel.right - x1),
        )
    }

    fn x_of(&self, panel: &PanelLayout, v: f64) -> f64 {
        let span = self.log_hi - self.log_lo;
        let t = if span > 0.0 {
            (v.ln() - self.log_lo) / span
        } else {
            0.5
        };
        panel.plot_x0 + t * (panel.plot_x1 - panel.plot_x0)
    }

    /// Which tick labels to print: 1 always, then outwards each label that
    /// keeps a gap to the last one printed (0.25 and 0.5 collide on a
    /// narrow axis).
    fn visible_tick_labels(&self, panel: &PanelLayout) -> Vec<bool> {
        let size = LABEL_FONT * self.s;
        let gap = 6.0 * self.s;
        let spans: Vec<(f64, f64)> = self
            .ticks
            .iter()
            .map(|t| {
                let x = self.x_of(panel, *t);
                let half = text_width(&tick_label(*t), size) / 2.0;
                (x - half, x + half)
            })
            .collect();
        let mut show = vec![false; spans.len()];
        let one = self
            .ticks
            .iter()
            .position(|t| (*t - 1.0).abs() < 1e-12)
            .unwrap_or(0);
        if let Some(flag) = show.get_mut(one) {
            *flag = true;
        }
        let mut edge = spans.get(one).map_or(f64::NEG_INFINITY, |s| s.1);
        for i in one + 1..spans.len() {
            if spans[i].0 >= edge + gap {
                show[i] = true;
                edge = spans[i].1;
            }
        }
        let mut edge = spans.get(one).map_or(f64::INFINITY, |s| s.0);
        for i in (0..one).rev() {
            if spans[i].1 <= edge - gap {
                show[i] = true;
                edge = spans[i].0;
            }
        }
        show
    }
}

fn px(v: f64) -> f64 {
    v
}

/// Where the interval and the square of one estimate go, after clipping to
/// the axis: `None` when there is no usable estimate.
struct Interval {
    from: f64,
    to: f64,
    arrow_left: bool,
    arrow_right: bool,
    square: Option<f64>,
}

fn interval(e: &ForestEstimate, lo: f64, hi: f64) -> Option<Interval> {
    let est = positive(e.estimate)?;
    let lower = positive(e.lower).unwrap_or(0.0).min(est);
    let upper = match positive(e.upper) {
        Some(u) => u.max(est),
        None => f64::INFINITY,
    };
    Some(Interval {
        from: lower.clamp(lo, hi),
        to: upper.clamp(lo, hi),
        arrow_left: lower < lo,
        arrow_right: upper > hi,
        square: (lo..=hi).contains(&est).then_some(est),
    })
}

fn draw(root: &mut Scene, plot: &ForestPlot, frame: &Frame) {
    let (w, h) = (root.width, root.height);
    let lay = has_content(plot).then(|| Layout::new(plot, frame, w as f64, Some(h as f64)));
    let s = lay.as_ref().map_or(frame.safe_scale(), |l| l.s);
    let font = |size: f64| Font::regular(size * s);
    let bold = |size: f64| Font::bold(size * s);

    if present(&plot.title) {
        root.text_at(
            &plot.title,
            bold(TITLE_FONT),
            Anchor::Middle,
            VAlign::Top,
            w as f64 / 2.0,
            MARGIN * s,
        );
    }
    let Some(lay) = lay else {
        let msg = if plot.panels.is_empty() {
            "No model to plot."
        } else {
            "No model terms to plot."
        };
        root.text_at(
            msg,
            font(LABEL_FONT).colour(MUTED),
            Anchor::Middle,
            VAlign::Middle,
            w as f64 / 2.0,
            h as f64 / 2.0,
        );
        return;
    };
    let line_w = |css: f64| (css * s).max(0.25);
    let full_left = lay.label_x;
    let full_right = lay
        .panels
        .last()
        .map_or(lay.width - MARGIN * s, |p| p.right);

    // Stripes on alternate rows guide the eye from a label to its numbers.
    for r in lay.rows.iter().skip(1).step_by(2) {
        root.draw(&Rectangle::new(
            [
                (px(full_left), px(r.top)),
                (px(full_right), px(r.top + r.height)),
            ],
            STRIPE.filled(),
        ));
    }

    // Panel titles with a spanner rule, then column headers and a rule.
    for (panel, layout) in plot.panels.iter().zip(&lay.panels) {
        if let (Some(y), true) = (lay.panel_title_y, present(&panel.title)) {
            let centre = (layout.plot_x0 + layout.right) / 2.0;
            root.text_at(
                &panel.title,
                bold(14.0),
                Anchor::Middle,
                VAlign::Top,
                centre,
                y + 2.0 * s,
            );
            let rule_y = px(y + PANEL_TITLE_H * s - 2.0 * s);
            root.draw(&PathElement::new(
                vec![(px(layout.plot_x0), rule_y), (px(layout.right), rule_y)],
                Rgb::BLACK.stroke_width(line_w(1.0)),
            ));
        }
        let header_centre = lay.header_y + COLUMN_HEADER_H * s / 2.0;
        root.text_at(
            &column_header(plot),
            bold(LABEL_FONT),
            Anchor::Start,
            VAlign::Middle,
            layout.ci_x,
            header_centre,
        );
        root.text_at(
            &p_header(plot),
            bold(LABEL_FONT),
            Anchor::Start,
            VAlign::Middle,
            layout.p_x,
            header_centre,
        );
    }
    let header_centre = lay.header_y + COLUMN_HEADER_H * s / 2.0;
    for (label, x) in plot.count_columns.iter().zip(&lay.count_x) {
        root.text_at(
            label,
            bold(LABEL_FONT),
            Anchor::End,
            VAlign::Middle,
            *x,
            header_centre,
        );
    }
    let rule_y = px(lay.rows_top);
    root.draw(&PathElement::new(
        vec![(px(full_left), rule_y), (px(full_right), rule_y)],
        Rgb::BLACK.stroke_width(line_w(1.0)),
    ));

    let lo = lay.ticks.first().copied().unwrap_or(AXIS_MIN);
    let hi = lay.ticks.last().copied().unwrap_or(AXIS_MAX);
    let colour = Rgb::from_hex(&plot.style.colour);
    for (i, layout) in lay.panels.iter().enumerate() {
        // Gridlines, the line of no effect, the axis.
        for t in &lay.ticks {
            let x = px(lay.x_of(layout, *t));
            if (*t - 1.0).abs() > 1e-12 {
                root.draw(&PathElement::new(
                    vec![(x, px(lay.rows_top)), (x, px(lay.axis_y))],
                    GRID.stroke_width(line_w(1.0)),
                ));
            }
        }
        let x1 = px(lay.x_of(layout, 1.0));
        let (dash, gap) = (4.0 * s, 3.0 * s);
        let mut y = lay.rows_top;
        while y < lay.axis_y {
            let end = (y + dash).min(lay.axis_y);
            root.draw(&PathElement::new(
                vec![(x1, px(y)), (x1, px(end))],
                REFERENCE_LINE.stroke_width(line_w(1.0)),
            ));
            y += dash + gap;
        }
        let axis_y = px(lay.axis_y);
        root.draw(&PathElement::new(
            vec![(px(layout.plot_x0), axis_y), (px(layout.plot_x1), axis_y)],
            Rgb::BLACK.stroke_width(line_w(1.0)),
        ));
        for (t, show) in lay.ticks.iter().zip(lay.visible_tick_labels(layout)) {
            let x = px(lay.x_of(layout, *t));
            root.draw(&PathElement::new(
                vec![(x, axis_y), (x, axis_y + px(5.0 * s))],
                Rgb::BLACK.stroke_width(line_w(1.0)),
            ));
            if show {
                root.text_at(
                    &tick_label(*t),
                    font(LABEL_FONT),
                    Anchor::Middle,
                    VAlign::Top,
                    x,
                    lay.axis_y + 8.0 * s,
                );
            }
        }
        let centre = (layout.plot_x0 + layout.plot_x1) / 2.0;
        if let Some((left, right)) = lay.favours.get(i) {
            let x1 = lay.x_of(layout, 1.0);
            let y = lay.axis_y + (27.0 + FAVOURS_H) * s;
            for (k, line) in left.iter().enumerate() {
                let y = y + LABEL_LINE_H * s * k as f64;
                root.text_at(
                    line,
                    font(LABEL_FONT).colour(MUTED),
                    Anchor::End,
                    VAlign::Top,
                    x1 - 4.0 * s,
                    y,
                );
            }
            for (k, line) in right.iter().enumerate() {
                let y = y + LABEL_LINE_H * s * k as f64;
                root.text_at(
                    line,
                    font(LABEL_FONT).colour(MUTED),
                    Anchor::Start,
                    VAlign::Top,
                    x1 + 4.0 * s,
                    y,
                );
            }
        }
        root.text_at(
            &plot.estimate_label,
            font(14.0),
            Anchor::Middle,
            VAlign::Top,
            centre,
            lay.axis_y + 27.0 * s,
        );
    }

    let half = 4.5 * s;
    let weights = square_scales(plot, &lay);
    let head_len = 7.0 * s;
    let head_half = 4.0 * s;
    for (row, r) in plot.rows.iter().zip(&lay.rows) {
        let y = r.centre;
        let x = lay.label_x + if row.indent { INDENT * s } else { 0.0 };
        let first_line = y - (r.lines.len() as f64 - 1.0) * LABEL_LINE_H * s / 2.0;
        for (k, line) in r.lines.iter().enumerate() {
            let style = if row.is_header {
                bold(LABEL_FONT)
            } else {
                font(LABEL_FONT)
            };
            root.text_at(
                line,
                style,
                Anchor::Start,
                VAlign::Middle,
                x,
                first_line + k as f64 * LABEL_LINE_H * s,
            );
        }

        for (cell, x) in row.counts.iter().zip(&lay.count_x) {
            root.text_at(cell, font(LABEL_FONT), Anchor::End, VAlign::Middle, *x, y);
        }
        for (p, layout) in lay.panels.iter().enumerate() {
            if row.is_reference {
                root.text_at(
                    "reference",
                    font(LABEL_FONT).colour(MUTED),
                    Anchor::Start,
                    VAlign::Middle,
                    layout.ci_x,
                    y,
                );
                continue;
            }
            let Some(Some(e)) = row.estimates.get(p) else {
                continue;
            };
            if present(&e.text) {
                root.text_at(
                    &e.text,
                    font(LABEL_FONT),
                    Anchor::Start,
                    VAlign::Middle,
                    layout.ci_x,
                    y,
                );
            }
            if present(&e.p_text) {
                root.text_at(
                    &e.p_text,
                    font(LABEL_FONT),
                    Anchor::Start,
                    VAlign::Middle,
                    layout.p_x,
                    y,
                );
            }
            let Some(iv) = interval(e, lo, hi) else {
                continue;
            };
            let yi = px(y);
            let mut from = lay.x_of(layout, iv.from);
            let mut to = lay.x_of(layout, iv.to);
            if iv.arrow_left {
                let tip = layout.plot_x0;
                root.draw(&Polygon::new(
                    vec![
                        (px(tip), yi),
                        (px(tip + head_len), px(y - head_half)),
                        (px(tip + head_len), px(y + head_half)),
                    ],
                    colour.filled(),
                ));
                from = tip + head_len - 1.0;
            }
            if iv.arrow_right {
                let tip = layout.plot_x1;
                root.draw(&Polygon::new(
                    vec![
                        (px(tip), yi),
                        (px(tip - head_len), px(y - head_half)),
                        (px(tip - head_len), px(y + head_half)),
                    ],
                    colour.filled(),
                ));
                to = tip - head_len + 1.0;
            }
            if to > from {
                root.draw(&PathElement::new(
                    vec![(px(from), yi), (px(to), yi)],
                    colour.stroke_width(line_w(1.5)),
                ));
            }
            if let Some(est) = iv.square {
                let cx = lay.x_of(layout, est);
                let half = weights
                    .get(&(r.top.to_bits(), p))
                    .map_or(half, |w| half * w);
                root.draw(&Rectangle::new(
                    [(px(cx - half), px(y - half)), (px(cx + half), px(y + half))],
                    colour.filled(),
                ));
            }
        }
    }
}

/// The figure as a scene at its print size (natural height unless set).
pub fn scene(plot: &ForestPlot) -> Scene {
    let mut frame = Frame::of(&plot.print);
    if frame.height <= 0.0 {
        frame.height = preferred_height(plot, &frame);
    }
    let s = frame.safe_scale();
    let caption = Caption::new(
        plot.caption.as_deref(),
        frame.width,
        Font::regular(LABEL_FONT * s),
        MARGIN * s,
    );
    // A height that was asked for includes the caption.
    let figure_height = if plot.print.height.is_some_and(|h| h.is_finite() && h > 0.0) {
        (frame.height - caption.height()).max(frame.height / 2.0)
    } else {
        frame.height
    };
    let mut scene = Scene::new(frame.width, figure_height, plot.print.font_family.css());
    scene.title = if present(&plot.title) {
        plot.title.clone()
    } else {
        format!("Forest plot: {}", plot.estimate_label)
    };
    draw(&mut scene, plot, &frame);
    caption.append_to(&mut scene);
    scene
}

/// The figure as an SVG document at its print size.
pub fn to_svg(plot: &ForestPlot) -> String {
    crate::scene::to_svg(&scene(plot))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn est(
        estimate: f64,
        lower: f64,
        upper: f64,
        p: f64,
        text: &str,
        p_text: &str,
    ) -> Option<ForestEstimate> {
        Some(ForestEstimate {
            estimate: Some(estimate),
            lower: Some(lower),
            upper: Some(upper),
            p: Some(p),
            text: text.into(),
            p_text: p_text.into(),
        })
    }

    fn row(label: &str, indent: bool, estimates: Vec<Option<ForestEstimate>>) -> ForestRow {
        ForestRow {
            label: label.into(),
            indent,
            is_header: false,
            is_reference: false,
            estimates,
            counts: vec!["120".into(), "41".into()],
        }
    }

    pub(crate) fn example() -> ForestPlot {
        ForestPlot {
            title: "Primary resistance".into(),
            caption: None,
            estimate_label: "Odds ratio".into(),
            column_label: String::new(),
            panels: vec![
                ForestPanel {
                    title: "Univariate".into(),
                },
                ForestPanel {
                    title: "Multivariable".into(),
                },
            ],
            count_columns: vec!["n".into(), "Cases".into()],
            favours: vec!["Lower odds".into(), "Higher odds".into()],
            weight_squares: false,
            style: Default::default(),
            print: Default::default(),
            rows: vec![
                row(
                    "Age, per 10 years",
                    false,
                    vec![
                        est(0.91, 0.78, 1.06, 0.22, "0.91 (0.78–1.06)", "0.22"),
                        est(0.95, 0.80, 1.12, 0.54, "0.95 (0.80–1.12)", "0.54"),
                    ],
                ),
                ForestRow {
                    label: "BCLC stage".into(),
                    is_header: true,
                    ..Default::default()
                },
                ForestRow {
                    label: "B".into(),
                    indent: true,
                    is_reference: true,
                    ..Default::default()
                },
                row(
                    "C vs B",
                    true,
                    vec![
                        est(1.84, 1.21, 2.80, 0.004, "1.84 (1.21–2.80)", "0.004"),
                        est(1.62, 1.03, 2.55, 0.037, "1.62 (1.03–2.55)", "0.037"),
                    ],
                ),
                row(
                    "ALBI grade 2–3 vs 1",
                    false,
                    vec![
                        est(2.31, 1.55, 3.44, 0.00004, "2.31 (1.55–3.44)", "<0.001"),
                        Some(ForestEstimate {
                            estimate: Some(3.9),
                            lower: Some(1.6),
                            upper: None,
                            p: Some(0.002),
                            text: "3.90 (1.60–Inf)".into(),
                            p_text: "0.002".into(),
                        }),
                    ],
                ),
                row(
                    "Combination therapy",
                    false,
                    vec![
                        est(0.62, 0.41, 0.93, 0.021, "0.62 (0.41–0.93)", "0.021"),
                        None,
                    ],
                ),
            ],
            ..ForestPlot::default()
        }
    }

    fn flat(svg: &str) -> String {
        // plotters writes each text on its own line inside <text>.
        svg.lines().map(str::trim).collect()
    }

    fn svg_fitted(plot: &ForestPlot) -> String {
        let frame = fitted(plot);
        let mut scene = Scene::new(frame.width, frame.height, "Arial");
        draw(&mut scene, plot, &frame);
        crate::scene::to_svg(&scene)
    }

    /// Arrow heads: the only filled triangles (plotters-svg's polygons of three points).
    fn arrow_heads(svg: &str) -> usize {
        svg.lines()
            .filter(|l| l.starts_with("<polygon"))
            .filter_map(|l| l.split("points=\"").nth(1)?.split('"').next())
            .filter(|points| points.split_whitespace().count() == 3)
            .count()
    }

    fn fitted(plot: &ForestPlot) -> Frame {
        let mut frame = Frame {
            width: 1000 as f64,
            height: 0 as f64,
            scale: 1.0,
        };
        frame.height = preferred_height(plot, &frame);
        frame
    }

    /// Distinct x positions of the dashed line of no effect (drawn as its
    /// dashes: plotters-svg lines, or polylines where a dash turns a corner).
    fn reference_lines(svg: &str) -> Vec<String> {
        let colour = format!(
            "stroke=\"#{:02X}{:02X}{:02X}\"",
            REFERENCE_LINE.0, REFERENCE_LINE.1, REFERENCE_LINE.2
        );
        let mut xs: Vec<String> = svg
            .lines()
            .filter(|l| l.to_uppercase().contains(&colour.to_uppercase()))
            .filter_map(|l| {
                if l.starts_with("<line") {
                    l.split("x1=\"")
                        .nth(1)?
                        .split('"')
                        .next()
                        .map(str::to_string)
                } else {
                    l.split("points=\"")
                        .nth(1)?
                        .split(',')
                        .next()
                        .map(str::to_string)
                }
            })
            .collect();
        xs.sort();
        xs.dedup();
        xs
    }

    /// The text elements of an SVG: (x, text-anchor, text).
    fn svg_text_elements(svg: &str) -> Vec<(f64, String, String)> {
        let lines: Vec<&str> = svg.lines().map(str::trim).collect();
        let attr = |line: &str, name: &str| -> Option<String> {
            let start = line.find(&format!(" {name}=\""))? + name.len() + 3;
            Some(line[start..].split('"').next()?.to_string())
        };
        lines
            .windows(2)
            .filter(|w| w[0].starts_with("<text "))
            .filter_map(|w| {
                Some((
                    attr(w[0], "x")?.parse().ok()?,
                    attr(w[0], "text-anchor").unwrap_or_default(),
                    w[1].to_string(),
                ))
            })
            .collect()
    }

    #[test]
    fn favours_labels_are_whole_under_the_axis_on_each_side_of_one() {
        let mut plot = example();
        plot.favours = vec!["Favours treatment".into(), "Favours control".into()];
        let texts = svg_text_elements(&svg_fitted(&plot));
        let ones: Vec<f64> = texts
            .iter()
            .filter(|(_, _, t)| t == "1")
            .map(|(x, _, _)| *x)
            .collect();
        assert_eq!(ones.len(), 2, "one tick labelled 1 per panel");
        // Per panel: the lines ending just left of 1 read "Favours
        // treatment", those starting just right of it "Favours control"
        // (a narrow panel wraps them onto two lines, never cuts them); the
        // SVG is in twentieths of a point: 4 pt from 1 is 80.
        for one in &ones {
            let beside = |anchor: &str| -> String {
                let lines: Vec<&str> = texts
                    .iter()
                    .filter(|(x, a, t)| {
                        a == anchor && (x - one).abs() < 200.0 && t.starts_with(char::is_alphabetic)
                    })
                    .map(|(_, _, t)| t.as_str())
                    .collect();
                lines.join(" ")
            };
            assert_eq!(
                beside("end"),
                "Favours treatment",
                "left of 1 at {one}: {texts:?}"
            );
            assert_eq!(
                beside("start"),
                "Favours control",
                "right of 1 at {one}: {texts:?}"
            );
        }
        assert!(!texts.iter().any(|(_, _, t)| t.contains('…')), "{texts:?}");
        // Without the option, no such text and a shorter figure.
        let without = ForestPlot {
            favours: Vec::new(),
            ..plot.clone()
        };
        assert!(!svg_fitted(&without).contains("Favours"));
        assert!(fitted(&without).height < fitted(&plot).height);
    }

    #[test]
    fn svg_has_every_label_and_number() {
        let plot = example();
        let svg = svg_fitted(&plot);
        assert!(svg.starts_with("<svg"));
        let svg = flat(&svg);
        let mut expected: Vec<String> = vec![
            "Primary resistance".into(),
            "Univariate".into(),
            "Multivariable".into(),
            "OR (95% CI)".into(),
            ">p<".into(),
            ">reference<".into(),
            "Odds ratio".into(),
            ">0.5<".into(),
            ">1<".into(),
            ">4<".into(),
        ];
        for r in &plot.rows {
            expected.push(format!(">{}<", r.label));
            for e in r.estimates.iter().flatten() {
                expected.push(format!(">{}<", e.text));
                expected.push(format!(">{}<", e.p_text.replace('<', "&lt;")));
            }
        }
        for text in expected {
            assert!(svg.contains(&text), "missing {text}");
        }
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn an_unbounded_limit_is_drawn_as_an_arrow() {
        let plot = example();
        let svg = svg_fitted(&plot);
        // The only arrow: ALBI's multivariable upper limit (None = infinite).
        assert_eq!(arrow_heads(&svg), 1);

        let mut plot = example();
        plot.panels.truncate(1);
        plot.rows = vec![
            row(
                "Complete separation",
                false,
                vec![Some(ForestEstimate {
                    estimate: Some(f64::INFINITY),
                    lower: Some(f64::NAN),
                    upper: Some(f64::INFINITY),
                    p: Some(f64::NAN),
                    text: "Inf (NA–Inf)".into(),
                    p_text: "NA".into(),
                })],
            ),
            row(
                "Near separation",
                false,
                vec![est(
                    250.0,
                    0.004,
                    f64::INFINITY,
                    0.01,
                    "250 (0.004–Inf)",
                    "0.01",
                )],
            ),
            row(
                "Missing estimate",
                false,
                vec![Some(ForestEstimate {
                    estimate: Some(f64::NAN),
                    ..Default::default()
                })],
            ),
        ];
        let svg = svg_fitted(&plot);
        assert!(
            !svg.contains("NaN") && !svg.contains("inf"),
            "non-finite value in the SVG"
        );
        // Near separation: arrows both ways, no square (250 is off the axis).
        assert_eq!(arrow_heads(&svg), 2);
        assert!(flat(&svg).contains("Inf (NA–Inf)"));
    }

    #[test]
    fn two_panels_draw_two_reference_lines() {
        let plot = example();
        let svg = svg_fitted(&plot);
        assert_eq!(reference_lines(&svg).len(), 2);
        let mut one = example();
        one.panels.truncate(1);
        let svg = svg_fitted(&one);
        assert_eq!(reference_lines(&svg).len(), 1);
    }

    #[test]
    fn empty_inputs_draw_a_message() {
        let mut plot = example();
        plot.rows.clear();
        let svg = flat(&svg_fitted(&plot));
        assert!(svg.contains("No model terms to plot."));
        plot.panels.clear();
        let mut scene = Scene::new(100.0, 100.0, "Arial");
        draw(
            &mut scene,
            &plot,
            &Frame {
                width: 0.0,
                height: 0.0,
                scale: f64::NAN,
            },
        );
        let svg = flat(&crate::scene::to_svg(&scene));
        assert!(svg.contains("No model to plot.") && !svg.contains("NaN"));
    }

    #[test]
    fn columns_tick_labels_and_rows_do_not_overlap() {
        for (width, scale) in [
            (560.0, 1.0),
            (700.0, 1.0),
            (1000.0, 1.0),
            (1600.0, 1.0),
            (2000.0, 2.0),
        ] {
            let mut plot = example();
            plot.rows.push(row(
                "First response evaluation more than six months after the start of treatment (yes vs no)",
                false,
                vec![est(1.2, 0.1, 14.0, 0.8, "1.20 (0.10–14.0)", "0.80"), None],
            ));
            let frame = Frame {
                width,
                height: 0.0,
                scale,
            };
            let lay = Layout::new(&plot, &frame, width, None);
            let size = LABEL_FONT * lay.s;
            let label_right = lay.panels[0].plot_x0 - GAP_LABEL * lay.s;
            for (r, layout) in plot.rows.iter().zip(&lay.rows) {
                let indent = if r.indent { INDENT * lay.s } else { 0.0 };
                for line in &layout.lines {
                    let w = text_width(line, size) * if r.is_header { BOLD_WIDTH } else { 1.0 };
                    assert!(
                        lay.label_x + indent + w <= label_right,
                        "{line:?} too long at {width}"
                    );
                }
                assert!(layout.height >= LABEL_LINE_H * lay.s * layout.lines.len() as f64);
            }
            // The long label wraps instead of being cut (wide pages have room for it).
            if width <= 1000.0 {
                assert!(lay.rows.last().unwrap().lines.len() > 1, "at {width}");
            }
            let mut x = label_right;
            for p in &lay.panels {
                assert!(
                    p.plot_x0 >= x
                        && p.plot_x1 > p.plot_x0
                        && p.ci_x > p.plot_x1
                        && p.p_x > p.ci_x
                        && p.right > p.p_x
                );
                for r in &plot.rows {
                    if let Some(Some(e)) = r.estimates.first() {
                        assert!(p.ci_x + text_width(&e.text, size) <= p.p_x);
                    }
                }
                let mut last_right = f64::NEG_INFINITY;
                for (t, show) in lay.ticks.iter().zip(lay.visible_tick_labels(p)) {
                    if show {
                        let x = lay.x_of(p, *t);
                        let half = text_width(&tick_label(*t), size) / 2.0;
                        assert!(x - half > last_right, "tick labels overlap at {width}");
                        last_right = x + half;
                    }
                }
                x = p.right;
            }
            assert!(
                x <= width - MARGIN * lay.s + 0.5,
                "panels run off a {width} px page"
            );
        }
    }

    #[test]
    fn height_follows_the_rows() {
        let plot = example();
        let one = preferred_height(
            &plot,
            &Frame {
                width: 1000 as f64,
                height: 0 as f64,
                scale: 1.0,
            },
        );
        let mut more = example();
        more.rows.push(row("Extra", false, vec![]));
        let two = preferred_height(
            &more,
            &Frame {
                width: 1000 as f64,
                height: 0 as f64,
                scale: 1.0,
            },
        );
        assert!((two - one - ROW_H).abs() < 1e-9, "{two} - {one}");
        let retina = preferred_height(
            &plot,
            &Frame {
                width: 2000 as f64,
                height: 0 as f64,
                scale: 2.0,
            },
        );
        assert!((retina - 2.0 * one).abs() <= 1e-9, "{retina} vs 2 x {one}");
        // Wrapped labels make a narrow figure taller.
        more.rows.push(row(
            "First response evaluation more than six months after the start of treatment (yes vs no)",
            false,
            vec![],
        ));
        let three = preferred_height(
            &more,
            &Frame {
                width: 1000 as f64,
                height: 0 as f64,
                scale: 1.0,
            },
        );
        // It wraps onto two or three lines of 16 px (plus padding).
        assert!(
            [40.0, 56.0].iter().any(|d| (three - two - d).abs() < 1e-9),
            "{three} - {two}"
        );
    }

    #[test]
    fn log_ticks_cover_the_intervals() {
        assert_eq!(log_ticks(0.41, 2.8), vec![0.25, 0.5, 1.0, 2.0, 4.0]);
        assert_eq!(log_ticks(0.5, 2.0), vec![0.5, 1.0, 2.0]);
        assert_eq!(log_ticks(1.0, 1.0), vec![0.5, 1.0, 2.0]);
        assert_eq!(
            log_ticks(0.2, 6.0),
            vec![0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0]
        );
        assert_eq!(
            log_ticks(0.05, 3.0),
            vec![0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0]
        );
        assert_eq!(log_ticks(0.01, 100.0), vec![0.01, 0.1, 1.0, 10.0, 100.0]);
    }

    #[test]
    fn the_analysis_set_is_a_caption_under_the_figure() {
        crate::scene::check_caption(|caption, height| {
            let mut plot = example();
            plot.caption = caption;
            plot.print.height = height;
            scene(&plot)
        });
    }

    #[test]
    fn subgroup_columns_and_p_header_are_printed() {
        let mut plot = example();
        plot.count_columns = vec!["n".into(), "Events".into(), "A: events/n".into()];
        for r in &mut plot.rows {
            r.counts = vec!["120".into(), "41".into(), "20/60".into()];
        }
        plot.p_label = "p (interaction)".into();
        let texts: Vec<String> = scene(&plot)
            .marks
            .iter()
            .filter_map(|m| {
                if let crate::scene::Mark::Text { text, .. } = m {
                    Some(text.clone())
                } else {
                    None
                }
            })
            .collect();
        for wanted in ["A: events/n", "20/60", "p (interaction)"] {
            assert!(
                texts.iter().any(|t| t == wanted),
                "missing {wanted}: {texts:?}"
            );
        }
        assert!(!texts.iter().any(|t| t == "p"));
    }

    #[test]
    fn example_svg_for_review() {
        let plot = example();
        let _ = std::fs::write(
            std::env::temp_dir().join("forest_example.svg"),
            to_svg(&plot),
        );
    }
}
