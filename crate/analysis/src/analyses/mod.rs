//! One module per analysis the page offers: each takes the user's request
//! (plain options from JS), runs the core fits and returns the numbers,
//! the formatted tables and the plot data together.

pub mod cohort;
pub mod km;
pub mod landmark;
pub mod baseline;
pub mod rates;
pub mod cox;
pub mod cox_time_varying;
pub mod cox_time_split;
pub mod models;

use serde::{Deserialize, Serialize};

/// A table already formatted for people: the page only lays it out.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
            Unit::Months => crate::dates::DAYS_PER_MONTH,
            Unit::Years => crate::dates::DAYS_PER_YEAR,
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

impl DisplayTable {
    fn lines(&self) -> impl Iterator<Item = &Vec<String>> {
        std::iter::once(&self.header).chain(self.rows.iter())
    }

    /// RFC 4180 CSV: fields with a comma, quote or line break are quoted.
    pub fn to_csv(&self) -> String {
        let field = |f: &String| {
            if f.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        };
        self.lines().map(|r| r.iter().map(field).collect::<Vec<_>>().join(",") + "\r\n").collect()
    }

    /// Tab-separated text (what spreadsheets paste as cells).
    pub fn to_tsv(&self) -> String {
        let field = |f: &String| f.replace(['\t', '\n', '\r'], " ");
        self.lines().map(|r| r.iter().map(field).collect::<Vec<_>>().join("\t") + "\n").collect()
    }

    /// A minimal HTML table (what word processors paste as a table).
    pub fn to_html(&self) -> String {
        let escape = |f: &str| f.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
        let row = |cells: &Vec<String>, tag: &str| {
            format!("<tr>{}</tr>", cells.iter().map(|c| format!("<{tag}>{}</{tag}>", escape(c))).collect::<String>())
        };
        format!(
            "<table><thead>{}</thead><tbody>{}</tbody></table>",
            row(&self.header, "th"),
            self.rows.iter().map(|r| row(r, "td")).collect::<String>()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_quote_and_escape() {
        let t = DisplayTable {
            header: vec!["Group".into(), "Median (95% CI)".into()],
            rows: vec![vec!["a, \"b\"".into(), "1 <2>".into()]],
            numeric_columns: vec![1],
        };
        assert_eq!(t.to_csv(), "Group,Median (95% CI)\r\n\"a, \"\"b\"\"\",1 <2>\r\n");
        assert_eq!(t.to_tsv(), "Group\tMedian (95% CI)\na, \"b\"\t1 <2>\n");
        assert!(t.to_html().contains("<td>1 &lt;2&gt;</td>"));
    }
}
