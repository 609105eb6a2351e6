//! The data of a Kaplan–Meier figure, computed by the analysis and drawn by
//! survcalc-charts (or anything else that reads it): curves, the numbers of
//! the table under the plot, and every figure option already resolved
//! (labels, order, colours, ticks), so the drawing decides nothing.

use super::figure::{
    CiStyle, LegendPosition, PrintSpec, RiskTableLayout, SeriesStyle, SurvivalScale,
};
use serde::{Deserialize, Serialize};

/// Everything the figure shows, already computed (by the fit).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct KmPlot {
    /// Empty: no title.
    pub title: String,
    /// The patients shown, for a caption under the figure ("Patients:
    /// resistance_group = primary resistance, 229 of 601."); `None` for all.
    #[serde(default)]
    pub caption: Option<String>,
    pub x_label: String,
    pub y_label: String,
    /// x-axis ticks; the risk table gives its numbers at each.
    pub ticks: Vec<f64>,
    /// The axis ends here (≥ the last tick); curves are cut at it.
    pub x_max: f64,
    pub curves: Vec<KmPlotCurve>,
    /// Kept for readers of older plot data: a band when true.
    pub show_ci: bool,
    pub ci: CiStyle,
    /// Lines of the annotation: the group test's p, then each hazard ratio.
    pub annotation_lines: Vec<String>,
    /// E.g. "Log-rank p = 0.065" (the first annotation line, for older readers).
    pub annotation: Option<String>,
    /// Kept for readers of older plot data: a table when true.
    pub risk_table: bool,
    pub risk_layout: RiskTableLayout,
    pub legend: LegendPosition,
    pub legend_title: String,
    pub y_scale: SurvivalScale,
    pub median_lines: bool,
    pub censor_marks: bool,
    pub print: PrintSpec,
    /// The curves' value at time 0: 1 for survival, 0 for a cumulative
    /// incidence (which rises from 0). Missing in older plot data: 1.
    pub start: f64,
}

impl Default for KmPlot {
    fn default() -> Self {
        KmPlot {
            title: String::new(),
            caption: None,
            x_label: String::new(),
            y_label: String::new(),
            ticks: vec![0.0, 1.0],
            x_max: 1.0,
            curves: Vec::new(),
            show_ci: false,
            ci: CiStyle::None,
            annotation_lines: Vec::new(),
            annotation: None,
            risk_table: true,
            risk_layout: RiskTableLayout::AtRisk,
            legend: LegendPosition::Inside,
            legend_title: String::new(),
            y_scale: SurvivalScale::Percent,
            median_lines: false,
            censor_marks: true,
            print: PrintSpec::default(),
            start: 1.0,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
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
    /// Number at risk at each of `KmPlot::ticks` (R's `summary(fit, times)$n.risk`);
    /// empty: the curve has no row in the risk table (a second cause of the
    /// same group).
    pub at_risk: Vec<u64>,
    /// Censored up to and including each tick (cumulated `n.censor`).
    pub censored: Vec<u64>,
    /// Events up to and including each tick (cumulated `n.event`).
    pub events: Vec<u64>,
    /// The median, where reached (for median lines).
    pub median: Option<f64>,
    pub style: SeriesStyle,
}
