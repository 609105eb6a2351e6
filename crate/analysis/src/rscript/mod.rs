//! R scripts that reproduce survcalc's numbers: for one analysis or a whole
//! session, a script using base R and the survival package (plus cmprsk
//! and brglm2 where the analysis needs them) that reads the data survcalc
//! exported ([`crate::export::dataset_csv`]: the file's columns with the
//! classification's columns added, numbers and dates written plainly), sets
//! the same types and level orders, runs the same analyses and prints them,
//! so that a reviewer can rerun every number in R.
//!
//! Each number the page shows is also printed on a line
//! `survcalc_check<TAB>path<TAB>value`, where `path` names the same number
//! in survcalc's report (`fit.curves[label=a].median.quantile`): the tests
//! run the scripts with R and compare the two (crate/analysis/tests/rscript.rs).

mod baseline;
mod competing;
mod cox;
mod km;
mod models;
mod rates;
mod subgroup;

use crate::analysis_file::{AnalysisFile, AnalysisStep};
use crate::analysis_set::Filter;
use crate::table::{categorical_column, ColumnKind, Table};
use std::fmt::Write;

/// A script under construction.
#[derive(Debug, Default)]
pub(crate) struct Script {
    text: String,
}

impl Script {
    pub(crate) fn line(&mut self, line: impl AsRef<str>) {
        self.text.push_str(line.as_ref());
        self.text.push('\n');
    }

    pub(crate) fn blank(&mut self) {
        self.text.push('\n');
    }

    /// A `survcalc_check` line for the report's `path`.
    pub(crate) fn check(&mut self, path: &str, r_value: &str) {
        self.line(format!("survcalc_check({}, {r_value})", string(path)));
    }
}

/// An R string literal.
pub(crate) fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `c("a", "b")`.
pub(crate) fn strings(items: &[String]) -> String {
    format!(
        "c({})",
        items
            .iter()
            .map(|s| string(s))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// A number as R reads it back exactly.
pub(crate) fn number(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "Inf" } else { "-Inf" }.to_string()
    } else {
        format!("{x:?}")
    }
}

/// `c(1, 2.5)`.
pub(crate) fn numbers(items: &[f64]) -> String {
    format!(
        "c({})",
        items
            .iter()
            .map(|&x| number(x))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The column as groups: a factor with survcalc's level order (numbers by
/// value, as their exported text).
pub(crate) fn group_column(table: &Table, name: &str, data: &str) -> Result<String, String> {
    let levels = categorical_column(table, name)
        .map_err(|e| e.to_string())?
        .levels;
    Ok(format!(
        "factor({data}[[{}]], levels = {})",
        string(name),
        strings(&levels)
    ))
}

/// The script's start: packages, the exported data, the checking helper.
/// survcalc's design terms as columns `x1`, `x2`, ... of `dd` (so any column
/// name works in a formula): numbers as numbers, categories as factors with
/// survcalc's reference level first. Returns the columns' names.
pub(super) fn design_columns(s: &mut Script, terms: &[crate::design::DesignTerm]) -> Vec<String> {
    use crate::design::TermKind;
    let mut names = Vec::with_capacity(terms.len());
    for (k, t) in terms.iter().enumerate() {
        let x = format!("x{}", k + 1);
        let raw = format!("d[[{}]]", string(&t.column));
        match t.kind {
            TermKind::Numeric => s.line(format!("  dd${x} <- as.numeric({raw})  # {}", t.column)),
            TermKind::Categorical => {
                let reference = t.reference.clone().unwrap_or_default();
                let mut levels = vec![reference.clone()];
                levels.extend(t.levels.iter().filter(|l| **l != reference).cloned());
                s.line(format!(
                    "  dd${x} <- factor({raw}, levels = {})  # {}, reference \"{reference}\"",
                    strings(&levels),
                    t.column
                ));
            }
        }
        names.push(x);
    }
    names
}

fn preamble(
    script: &mut Script,
    data_file: &str,
    session: Option<&AnalysisFile>,
    packages: &[&str],
) {
    script.line(format!(
        "# R code written by survcalc {} to reproduce its numbers{}.",
        env!("CARGO_PKG_VERSION"),
        session
            .map(|s| format!(" for \"{}\"", s.dataset.file_name))
            .unwrap_or_default()
    ));
    script.line("# It reads the data as survcalc exported it (\"Download data\": the file's columns plus the");
    script.line(
        "# classification's), so that the classification need not be redone in R. Base R and",
    );
    script.line(format!("# {} only.", packages.join(", ")));
    for p in packages {
        script.line(format!("library({p})"));
    }
    script.blank();
    script.line(format!("data_file <- {}", string(data_file)));
    script.line("d <- read.csv(data_file, colClasses = \"character\", na.strings = \"\", check.names = FALSE,");
    script.line("              encoding = \"UTF-8\")");
    script.line(
        "# survcalc writes a leading ' before text a spreadsheet would run as a formula; undo it.",
    );
    script.line("d[] <- lapply(d, function(x) sub(\"^'(?=[-=+@\\t\\r])\", \"\", x, perl = TRUE))");
    script.blank();
    script.line("# Every number survcalc shows, as a line \"survcalc_check <path> <value>\" for comparison.");
    script.line("survcalc_check <- function(path, value) {");
    script.line("  value <- unname(value)");
    script.line("  if (length(value) == 0) value <- NA");
    script.line("  for (v in value) cat(\"survcalc_check\\t\", path, \"\\t\", if (is.na(v)) \"NA\" else format(v, digits = 17), \"\\n\", sep = \"\")");
    script.line("}");
    script.blank();
}

/// The R packages a step needs besides base R.
fn packages(step: &AnalysisStep) -> Vec<&'static str> {
    match step {
        AnalysisStep::KaplanMeier(_) | AnalysisStep::Cox(_) => vec!["survival"],
        AnalysisStep::ModelTable(m) if !m.outcome.time.trim().is_empty() => vec!["survival"],
        AnalysisStep::ModelTable(m) if m.firth => vec!["brglm2"],
        AnalysisStep::CompetingRisks(_) => vec!["survival", "cmprsk"],
        AnalysisStep::Subgroups(g) if subgroup::is_survival(g) => vec!["survival"],
        _ => Vec::new(),
    }
}

/// The script of one step: `None` for steps that need no R (the
/// classification, whose columns the exported data already holds).
fn step_script(
    script: &mut Script,
    step: &AnalysisStep,
    index: usize,
    table: &Table,
) -> Result<bool, String> {
    let Some(filter) = step.filter() else {
        return analysis_script(script, step, index, table);
    };
    // The analysis set: the step runs on the rows R's subset keeps, as in survcalc.
    let rows = filter_expression(filter, table)?;
    script.line(format!(
        "## Analysis set{}: {}",
        if filter.name.trim().is_empty() {
            String::new()
        } else {
            format!(" \"{}\"", filter.name.trim())
        },
        rows
    ));
    script.line("local({");
    script.line(format!("d <- d[which({rows}), , drop = FALSE]"));
    let written = analysis_script(script, step, index, table)?;
    script.line("})");
    Ok(written)
}

/// R's logical vector over `d` for a filter: every condition met (NA: not met).
fn filter_expression(filter: &Filter, table: &Table) -> Result<String, String> {
    let mut parts = Vec::new();
    for c in &filter.conditions {
        let column = table.require(c.column.trim()).map_err(|e| e.to_string())?;
        let x = format!("d[[{}]]", string(&column.name));
        let number = format!("as.numeric({x})");
        if !c.values.is_empty() {
            let values: Vec<String> = c.values.iter().map(|v| v.trim().to_string()).collect();
            match column.kind {
                ColumnKind::Number => {
                    let parsed: Vec<f64> = values
                        .iter()
                        .filter_map(|v| v.replace(',', ".").parse().ok())
                        .collect();
                    parts.push(format!("{number} %in% {}", numbers(&parsed)));
                }
                _ => parts.push(format!("{x} %in% {}", strings(&values))),
            }
        }
        for (bound, op) in [
            (c.at_least, ">="),
            (c.above, ">"),
            (c.at_most, "<="),
            (c.below, "<"),
        ] {
            if let Some(b) = bound {
                parts.push(format!("{number} {op} {}", self::number(b)));
            }
        }
        for (date, op) in [(&c.from_date, ">="), (&c.to_date, "<=")] {
            if let Some(date) = date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
                parts.push(format!("as.Date({x}) {op} as.Date({})", string(date)));
            }
        }
        if c.present {
            parts.push(format!("!is.na({x})"));
        }
    }
    Ok(if parts.is_empty() {
        "rep(TRUE, nrow(d))".to_string()
    } else {
        parts.join(" & ")
    })
}

fn analysis_script(
    script: &mut Script,
    step: &AnalysisStep,
    index: usize,
    table: &Table,
) -> Result<bool, String> {
    match step {
        AnalysisStep::KaplanMeier(r) => km::script(script, r, table, index).map(|_| true),
        AnalysisStep::Cox(r) => cox::script(script, r, table, index).map(|_| true),
        AnalysisStep::ModelTable(r) => models::script(script, r, table, index).map(|_| true),
        AnalysisStep::BaselineTable(r) => baseline::script(script, r, table, index).map(|_| true),
        AnalysisStep::Rates(r) => rates::script(script, r, table, index).map(|_| true),
        AnalysisStep::Classify(_) => Ok(false),
        AnalysisStep::Derive(r) => {
            script.line(format!(
                "## Step {}: derived column{}: already in the exported data, with its formula in survcalc's notes.",
                index + 1,
                if r.name.trim().is_empty() { String::new() } else { format!(" \"{}\"", r.name.trim()) }
            ));
            Ok(false)
        }
        AnalysisStep::CompetingRisks(r) => competing::script(script, r, table, index).map(|_| true),
        AnalysisStep::Subgroups(r) => subgroup::script(script, r, table, index).map(|_| true),
    }
}

/// The R script of one analysis on `table` (the data as survcalc holds it,
/// classification columns included), reading `data_file`.
pub fn for_step(step: &AnalysisStep, table: &Table, data_file: &str) -> Result<String, String> {
    let mut script = Script::default();
    preamble(&mut script, data_file, None, &packages(step));
    step_script(&mut script, step, 0, table)?;
    Ok(script.text)
}

/// The R script of a whole session.
pub fn for_session(
    session: &AnalysisFile,
    table: &Table,
    data_file: &str,
) -> Result<String, String> {
    let mut needed: Vec<&str> = Vec::new();
    for step in &session.steps {
        for p in packages(step) {
            if !needed.contains(&p) {
                needed.push(p);
            }
        }
    }
    let mut script = Script::default();
    preamble(&mut script, data_file, Some(session), &needed);
    for (i, step) in session.steps.iter().enumerate() {
        // A step that does not fit this data is named, and the rest written.
        if let Err(e) = step_script(&mut script, step, i, table) {
            script.line(format!(
                "## Step {}: not written, survcalc could not run it on this data: {}",
                i + 1,
                e.replace('\n', " ")
            ));
        }
        script.blank();
    }
    Ok(script.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_valid_r() {
        assert_eq!(string("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(strings(&["x".into(), "é".into()]), "c(\"x\", \"é\")");
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(1e300), "1e300");
        assert_eq!(number(f64::NEG_INFINITY), "-Inf");
        assert_eq!(numbers(&[1.0, 2.5]), "c(1.0, 2.5)");
    }
}
