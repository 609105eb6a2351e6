//! The data of the CONSORT-style flow chart, computed by the cohort
//! classification and drawn by survcalc-charts.

use super::figure::PrintSpec;
use serde::{Deserialize, Serialize};

/// The counts of the flow chart, with their wording.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FlowChart {
    pub title: String,
    /// Top box, e.g. "Patients screened" with 601.
    pub screened: FlowCount,
    /// Heading of the exclusion box; "Excluded" when empty. Its count is
    /// the sum of `exclusions` (the reasons are checked in order, so each
    /// patient is counted under one reason only).
    pub excluded_label: String,
    /// Reasons with counts, in the order they are checked; no box when empty.
    pub exclusions: Vec<FlowCount>,
    /// E.g. "Analysed" with 496.
    pub analysed: FlowCount,
    /// One box per group, left to right.
    pub groups: Vec<FlowCount>,
    /// Footnote lines, e.g. the rule set and its thresholds.
    pub notes: Vec<String>,
    pub print: PrintSpec,
}

/// A label and its count, printed "Label (n = 12)". The first letter of the
/// label is capitalised, as in a figure (core labels are lower case).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FlowCount {
    pub label: String,
    pub count: u64,
}
