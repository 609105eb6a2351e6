//! One module per analysis the page offers: each takes the user's request
//! (plain options from JS), runs the core fits and returns the numbers,
//! the formatted tables and the plot data together.

pub mod cohort;
pub mod km;
pub mod baseline;
pub mod rates;
pub mod cox;
pub mod models;
pub mod forest_drawing;

use serde::{Deserialize, Serialize};

/// A table already formatted for people: the page only lays it out.
#[derive(Debug, Clone, Serialize)]
pub struct DisplayTable {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Indices of right-aligned (numeric) columns.
    pub numeric_columns: Vec<usize>,
}

/// Units a follow-up time column can be in; times can be shown in another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Days,
    Weeks,
    Months,
    Years,
}

impl Unit {
    /// Length in days (months = 365.25 / 12 = 30.4375 days, years = 365.25).
    pub fn days(self) -> f64 {
        match self {
            Unit::Days => 1.0,
            Unit::Weeks => 7.0,
            Unit::Months => survcalc_core::dates::DAYS_PER_MONTH,
            Unit::Years => survcalc_core::dates::DAYS_PER_YEAR,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Unit::Days => "days",
            Unit::Weeks => "weeks",
            Unit::Months => "months",
            Unit::Years => "years",
        }
    }

    /// How a conversion from `self` to `to` is stated next to results.
    pub fn conversion_note(self, to: Unit) -> Option<String> {
        if self == to {
            return None;
        }
        let note = match (self, to) {
            (Unit::Days, Unit::Months) => "months = days / 30.4375".to_string(),
            (Unit::Days, Unit::Years) => "years = days / 365.25".to_string(),
            (Unit::Days, Unit::Weeks) => "weeks = days / 7".to_string(),
            (from, to) => format!("{} converted to {} (1 month = 30.4375 days, 1 year = 365.25 days)", from.label(), to.label()),
        };
        Some(note)
    }
}
