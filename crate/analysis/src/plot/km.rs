//! The data of a Kaplan–Meier figure, computed by the analysis and drawn by
//! survcalc-charts (or anything else that reads it).

use serde::{Deserialize, Serialize};

/// Everything the figure shows, already computed (by the fit).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KmPlot {
    pub title: String,
    /// The patients shown, for a caption under the figure ("Patients:
    /// resistance_group = primary resistance, 229 of 601."); `None` for all.
    #[serde(default)]
    pub caption: Option<String>,
    pub x_label: String,
    pub y_label: String,
    /// x-axis ticks; the risk table gives the number at risk at each.
    pub ticks: Vec<f64>,
    pub curves: Vec<KmPlotCurve>,
    pub show_ci: bool,
    /// E.g. "Log-rank p = 0.065"; drawn in the lower left of the plot.
    pub annotation: Option<String>,
    pub risk_table: bool,
    /// The curves' value at time 0: 1 for survival, 0 for a cumulative
    /// incidence (which rises from 0).
    #[serde(default = "survival_start")]
    pub start: f64,
}

fn survival_start() -> f64 {
    1.0
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
    /// Number at risk at each of `KmPlot::ticks`; empty: the curve has no
    /// row in the risk table (a second cause of the same group).
    pub at_risk: Vec<u64>,
}

