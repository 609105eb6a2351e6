//! Tables leave survcalc as CSV (download), tab-separated text and HTML (the
//! two clipboard flavours that spreadsheets and word processors paste as
//! real tables). One quoting rule per format, used by every analysis, and
//! one defence against spreadsheet formula injection (OWASP's "CSV
//! injection"): a cell that a spreadsheet would run as a formula (`=…`,
//! `@…`, `+…`/`-…` that is not a number, a leading tab or carriage return)
//! gets a leading apostrophe, so Excel shows it as text. Real numbers such
//! as -1.5 and survcalc's own "-0.25 (-0.50 to 0.10)" are left alone.

use crate::table::Table;
use serde::{Deserialize, Serialize};

/// A table already formatted for people: the page only lays it out.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DisplayTable {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Indices of right-aligned (numeric) columns.
    pub numeric_columns: Vec<usize>,
}

impl DisplayTable {
    fn lines(&self) -> impl Iterator<Item = &Vec<String>> {
        std::iter::once(&self.header).chain(self.rows.iter())
    }

    /// RFC 4180 CSV with CRLF line ends.
    pub fn to_csv(&self) -> String {
        self.lines().map(|r| csv_line(r)).collect()
    }

    /// Tab-separated text (what spreadsheets paste as cells).
    pub fn to_tsv(&self) -> String {
        self.lines()
            .map(|r| {
                r.iter()
                    .map(|c| tsv_field(c))
                    .collect::<Vec<_>>()
                    .join("\t")
                    + "\n"
            })
            .collect()
    }

    /// A minimal HTML table (what word processors paste as a table).
    pub fn to_html(&self) -> String {
        let row = |cells: &Vec<String>, tag: &str| {
            format!(
                "<tr>{}</tr>",
                cells
                    .iter()
                    .map(|c| format!("<{tag}>{}</{tag}>", html_cell(c)))
                    .collect::<String>()
            )
        };
        format!(
            "<table><thead>{}</thead><tbody>{}</tbody></table>",
            row(&self.header, "th"),
            self.rows.iter().map(|r| row(r, "td")).collect::<String>()
        )
    }
}

/// Which columns of the dataset to download.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataExportRequest {
    /// Columns in the order wanted; empty: every column, derived ones
    /// included.
    pub columns: Vec<String>,
}

/// The dataset (its columns as read, plus every derived column) as CSV:
/// comma-separated with a point as decimal mark whatever the file used,
/// numbers at full precision, dates as year-month-day, missing values
/// empty, cells formula-defused.
pub fn dataset_csv(table: &Table, request: &DataExportRequest) -> Result<String, String> {
    let chosen: Vec<&str> = request
        .columns
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    let columns = if chosen.is_empty() {
        table.columns.iter().collect::<Vec<_>>()
    } else {
        let mut columns = Vec::with_capacity(chosen.len());
        for (i, name) in chosen.iter().enumerate() {
            if chosen[..i].contains(name) {
                return Err(format!(
                    "Column \"{name}\" is chosen twice for the download; keep it once."
                ));
            }
            columns.push(table.require(name).map_err(|e| e.to_string())?);
        }
        columns
    };
    let mut out = csv_line(&columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>());
    for row in 0..table.n_rows() {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| c.data.display(row).unwrap_or_default())
            .collect();
        out.push_str(&csv_line(&cells));
    }
    Ok(out)
}

/// Whether a spreadsheet would evaluate `cell` as a formula.
fn looks_like_formula(cell: &str) -> bool {
    match cell.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !is_numeric_text(cell),
        _ => false,
    }
}

/// A number, or a number with an interval as survcalc writes them
/// ("-0.25 (-0.50 to 0.10)", "-3.2 (1.1)", "-12%"): digits, signs, decimal
/// marks, spaces, brackets, dashes and the word "to" only, so no function
/// name or cell reference can hide in it.
fn is_numeric_text(cell: &str) -> bool {
    let rest = cell.replace(" to ", " ");
    rest.chars().any(|c| c.is_ascii_digit())
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || " .,()+-–−%".contains(c))
}

/// The cell with a leading apostrophe when it looks like a formula.
fn defused(cell: &str) -> std::borrow::Cow<'_, str> {
    if looks_like_formula(cell) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Decimal mark of numbers written for people. With a comma, CSV files are
/// separated by semicolons: what Excel and LibreOffice expect where the
/// comma is the decimal mark (their list separator is then `;`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecimalMark {
    #[default]
    Point,
    Comma,
}

/// One CSV field: formula-defused, quoted when it holds a comma, a quote,
/// a line break or leading/trailing spaces (which spreadsheets would trim).
pub fn csv_field(cell: &str) -> String {
    delimited_field(cell, ',')
}

/// As [`csv_field`] for semicolon-separated CSV: quoted when it holds a
/// semicolon (a decimal comma needs no quotes).
pub fn csv_field_semicolon(cell: &str) -> String {
    delimited_field(cell, ';')
}

fn delimited_field(cell: &str, separator: char) -> String {
    let cell = defused(cell);
    if cell.contains([separator, '"', '\n', '\r']) || cell.starts_with(' ') || cell.ends_with(' ') {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.into_owned()
    }
}

/// One CSV line (CRLF-terminated).
pub fn csv_line(cells: &[String]) -> String {
    let mut line = cells
        .iter()
        .map(|c| csv_field(c))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// A number at full precision for a spreadsheet ("" when missing, "Inf" or
/// "-Inf" when infinite, as spreadsheets and R read them).
pub fn csv_number(value: Option<f64>) -> String {
    match value {
        Some(x) if x.is_finite() => format!("{x:?}"),
        Some(x) if x.is_infinite() => if x > 0.0 { "Inf" } else { "-Inf" }.to_string(),
        _ => String::new(),
    }
}

/// One tab-separated field: formula-defused, tabs and line breaks as spaces.
pub fn tsv_field(cell: &str) -> String {
    defused(cell).replace(['\t', '\n', '\r'], " ")
}

/// Text escaped for an HTML element or attribute.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A table cell's HTML: formula-defused (Excel evaluates pasted cells too),
/// then escaped.
pub fn html_cell(cell: &str) -> String {
    html_escape(&defused(cell))
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
        assert_eq!(
            t.to_csv(),
            "Group,Median (95% CI)\r\n\"a, \"\"b\"\"\",1 <2>\r\n"
        );
        assert_eq!(t.to_tsv(), "Group\tMedian (95% CI)\na, \"b\"\t1 <2>\n");
        assert!(t.to_html().contains("<td>1 &lt;2&gt;</td>"));
        assert_eq!(csv_field(" padded"), "\" padded\"");
    }

    #[test]
    fn formulas_are_defused_and_numbers_are_not() {
        // OWASP's examples of CSV injection payloads.
        assert_eq!(csv_field("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(csv_field("+SUM(A1:A2)"), "'+SUM(A1:A2)");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(
            csv_field("-2+3+cmd|' /C calc'!A0"),
            "'-2+3+cmd|' /C calc'!A0"
        );
        assert_eq!(csv_field("=1,2"), "\"'=1,2\"");
        assert_eq!(tsv_field("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(html_cell("=A1"), "&#39;=A1");
        // Numbers and survcalc's own number cells stay as they are.
        for number in [
            "-1.5",
            "+3",
            "-0.25 (-0.50 to 0.10)",
            "-3.20 (1.10)",
            "-12%",
            "1e-5",
            "0.05",
        ] {
            assert_eq!(csv_field(number), number);
        }
        assert_eq!(csv_field("-"), "'-");
        assert_eq!(csv_number(Some(-1.5)), "-1.5");
        assert_eq!(csv_number(Some(f64::NEG_INFINITY)), "-Inf");
        assert_eq!(csv_number(None), "");
    }
}
