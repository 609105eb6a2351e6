//! The data of a forest plot (hazard or odds ratios with their intervals,
//! in one or more panels), computed by the analyses and drawn by
//! survcalc-charts.

use super::figure::{PrintSpec, SeriesStyle};
use serde::{Deserialize, Serialize};

/// Everything the figure shows, already computed and formatted by the fit.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ForestPlot {
    pub title: String,
    /// The patients the models are fitted to, for a caption under the
    /// figure ("Patients: ..., 229 of 601."); `None` for all.
    #[serde(default)]
    pub caption: Option<String>,
    /// x-axis label, e.g. "Odds ratio" or "Hazard ratio".
    pub estimate_label: String,
    /// Header of the printed estimates, e.g. "OR (95% CI)"; when empty it is
    /// built from the initials of `estimate_label`.
    #[serde(default)]
    pub column_label: String,
    /// One panel per model, drawn side by side (e.g. "Univariate",
    /// "Multivariable"); all panels share one x-axis range.
    pub panels: Vec<ForestPanel>,
    pub rows: Vec<ForestRow>,
    /// Headers of text columns between the labels and the first panel,
    /// e.g. `["n", "Events"]` (Cox, or a subgroup plot, the FSTG02 layout) or
    /// `["n", "Cases"]` (logistic); each row gives its cells in
    /// `ForestRow::counts`; empty: no count columns.
    #[serde(default)]
    pub count_columns: Vec<String>,
    /// Header of the p column; empty: "p".
    #[serde(default)]
    pub p_label: String,
    /// Labels under the axis, left and right of 1 (e.g. "Favours
    /// treatment", "Favours control"); empty: none.
    #[serde(default)]
    pub favours: Vec<String>,
    /// Squares sized by the inverse variance of the log estimate.
    #[serde(default)]
    pub weight_squares: bool,
    /// Colour of the squares and intervals.
    #[serde(default)]
    pub style: SeriesStyle,
    #[serde(default)]
    pub print: PrintSpec,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ForestPanel {
    pub title: String,
}

/// One line of the figure: a term header, a level, or a one-row term.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ForestRow {
    /// E.g. "BCLC stage" (header) or "C vs B" (indented level).
    pub label: String,
    /// Printed a step to the right, under its header.
    pub indent: bool,
    /// A term's name in bold; its estimates (if any) are only printed, e.g.
    /// an overall p-value.
    pub is_header: bool,
    /// The reference level: prints "reference" in every panel.
    pub is_reference: bool,
    /// One entry per panel, in panel order; `None` (or missing) leaves the
    /// panel blank on this row (term not in that model).
    pub estimates: Vec<Option<ForestEstimate>>,
    /// Cells of `ForestPlot::count_columns`, in order, e.g. patients and
    /// events in this level; empty text prints nothing.
    pub counts: Vec<String>,
}

/// An estimate with its CI. Limits that are missing, infinite, NaN or not
/// positive mean the interval is unbounded on that side (e.g. separation;
/// JSON carries infinity as null) and are drawn as an arrow to the axis end.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ForestEstimate {
    pub estimate: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub p: Option<f64>,
    /// Printed estimate, e.g. "0.62 (0.41–0.93)".
    pub text: String,
    /// Printed p-value, e.g. "0.021" or "<0.001".
    pub p_text: String,
}
