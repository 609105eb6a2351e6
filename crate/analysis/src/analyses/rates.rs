//! Rates request: objective response rate, disease control rate, grade 3–4
//! adverse-event rate (any "x of n patients" outcome) overall and by group,
//! with Clopper–Pearson (R binom.test) or Wilson (R prop.test(correct =
//! FALSE)) intervals and the groups compared by the baseline-table rule.

use super::DisplayTable;
use crate::analysis_set::{self, AnalysisSet, Filter};
use crate::derive::formulas_text;
use crate::export::csv_line;
use crate::format;
use crate::table::{categorical_column, ColumnKind, Table};
use crate::warning::{LeftOutReason, Warning};
use serde::{Deserialize, Serialize};
use survcalc_stats::contingency::{BaselineTest, BaselineTestKind};
use survcalc_stats::rates::{self, Proportion, RateCiMethod, RateCount, RateOptions};

/// File lines listed per reason a row is left out.
const LISTED_LINES: usize = 10;

/// The values of a list option, trimmed, without blanks (a form's empty
/// box is not a value).
fn listed(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RatesRequest {
    /// Column holding each patient's outcome (e.g. best overall response).
    pub outcome: String,
    /// Values counted as success (e.g. CR and PR for the objective response
    /// rate); one value alone (`"yes"`) is read as a list of one.
    pub success_values: Vec<String>,
    /// Values left out of the denominator (e.g. NE for a rate among
    /// evaluable patients); by default every patient with a value counts.
    pub exclude_values: Vec<String>,
    /// Optional column defining groups to compare.
    pub group: Option<String>,
    pub conf_level: f64,
    pub ci: RateCiMethod,
    /// Only the patients of this analysis set.
    pub filter: Option<Filter>,
}

impl Default for RatesRequest {
    fn default() -> Self {
        RatesRequest {
            outcome: String::new(),
            success_values: Vec::new(),
            exclude_values: Vec::new(),
            group: None,
            conf_level: 0.95,
            ci: RateCiMethod::ClopperPearson,
            filter: None,
        }
    }
}

/// Rows left out of the rates, for one reason.
#[derive(Debug, Clone, Serialize)]
pub struct LeftOut {
    pub column: String,
    /// "missing" (blank / NA) or "excluded" (a value of `exclude_values`).
    pub reason: LeftOutReason,
    pub count: usize,
    /// The first few file lines concerned.
    pub lines: Vec<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RatesResult {
    pub outcome: String,
    pub success_values: Vec<String>,
    pub group: Option<String>,
    /// One per group with patients (empty without a group column); each
    /// carries both intervals and the chosen one as conf_lower/conf_upper.
    pub groups: Vec<Proportion>,
    pub overall: Proportion,
    /// Groups × (success, no success), chi-squared or Fisher's exact test
    /// by the expected-count rule; `None` without groups or when no test is
    /// possible (see warnings).
    pub test: Option<BaselineTest>,
    pub table: DisplayTable,
    pub test_text: Option<String>,
    pub settings_text: String,
    pub csv: String,
    /// Patients in the rates.
    pub n_used: usize,
    pub left_out: Vec<LeftOut>,
    pub warnings: Vec<Warning>,
    /// The analysis set the patients were restricted to (`filter`).
    pub analysis_set: Option<AnalysisSet>,
}

fn ci_name(method: RateCiMethod) -> &'static str {
    match method {
        RateCiMethod::ClopperPearson => "Clopper–Pearson",
        RateCiMethod::Wilson => "Wilson",
    }
}

fn test_text(test: &BaselineTest) -> String {
    match test.test {
        BaselineTestKind::Fisher => format!(
            "{}: {} (smallest expected count {} < 5){}",
            test.method,
            format::p_phrase(test.p),
            format::number(test.min_expected, 2),
            match test
                .fisher
                .as_ref()
                .and_then(|f| f.odds_ratio.as_ref())
                .and_then(|o| o.estimate_at_boundary)
            {
                Some(survcalc_stats::contingency::OddsRatioBoundary::Infinite) =>
                    "; odds ratio ∞ (not estimable: a cell is 0)",
                _ => "",
            }
        ),
        BaselineTestKind::ChiSquare => format!(
            "{}: {}",
            test.method,
            format::chi_square(test.chi_square.chisq, test.chi_square.df, test.p)
        ),
    }
}

/// Whether a value of the column is one of `wanted`: as text after trimming,
/// or as numbers ("1" matches "1.0") in a number column.
fn matches_value(level: &str, wanted: &[String], numeric: bool) -> bool {
    let level = level.trim();
    wanted.iter().any(|w| {
        w == level
            || (numeric
                && matches!((w.parse::<f64>(), level.parse::<f64>()), (Ok(a), Ok(b)) if a == b))
    })
}

pub fn run(table: &Table, request: &RatesRequest) -> Result<RatesResult, String> {
    if request.outcome.trim().is_empty() {
        return Err("Choose the outcome column (e.g. best overall response, or a yes/no adverse-event column).".into());
    }
    let success_values = listed(&request.success_values);
    let exclude_values = listed(&request.exclude_values);
    let outcome_col = table.require(&request.outcome).map_err(|e| e.to_string())?;
    if success_values.is_empty() {
        return Err(format!(
            "Choose at least one value of \"{}\" that counts as success (e.g. CR and PR for the objective response rate, or \"yes\" for an adverse event).",
            outcome_col.name
        ));
    }
    if let Some(v) = success_values.iter().find(|v| exclude_values.contains(v)) {
        return Err(format!("Value \"{v}\" is chosen both as success and as left out of the denominator; choose one."));
    }
    if matches!(
        outcome_col.kind,
        ColumnKind::Date(_) | ColumnKind::AmbiguousDate
    ) {
        return Err(format!(
            "Column \"{}\" holds dates; a rate needs an outcome such as a best response (CR/PR/SD/PD) or yes/no.",
            outcome_col.name
        ));
    }
    let numeric = outcome_col.kind == ColumnKind::Number;
    let outcome = categorical_column(table, &outcome_col.name).map_err(|e| e.to_string())?;
    // Per level: Some(success?) or None (left out of the denominator).
    let level_class: Vec<Option<bool>> = outcome
        .levels
        .iter()
        .map(|l| {
            if matches_value(l, &exclude_values, numeric) {
                None
            } else {
                Some(matches_value(l, &success_values, numeric))
            }
        })
        .collect();

    let group_name = request
        .group
        .as_ref()
        .map(|g| g.trim())
        .filter(|g| !g.is_empty());
    let grouping = match group_name {
        Some(g) => {
            let column = table.require(g).map_err(|e| e.to_string())?;
            if column.name == outcome_col.name {
                return Err(format!(
                    "Column \"{g}\" is the outcome; choose another column to compare groups."
                ));
            }
            if matches!(column.kind, ColumnKind::Date(_) | ColumnKind::AmbiguousDate) {
                return Err(format!("Column \"{g}\" holds dates; groups need a column of categories (e.g. treatment arm)."));
            }
            Some(categorical_column(table, g).map_err(|e| e.to_string())?)
        }
        None => None,
    };

    // Outcome per row; rows without an outcome, with an excluded value or
    // without a group are left out and reported by line; rows outside the
    // analysis set take no part and are counted apart.
    let selection = analysis_set::select_optional(table, request.filter.as_ref())?;
    let in_set = |row: usize| selection.as_ref().is_none_or(|s| s.contains(row));
    let n_rows = table.n_rows();
    let mut outcomes: Vec<Option<bool>> = Vec::with_capacity(n_rows);
    let mut groups: Vec<Option<usize>> = Vec::with_capacity(n_rows);
    let mut missing = (0usize, Vec::new());
    let mut excluded = (0usize, Vec::new());
    let mut missing_group = (0usize, Vec::new());
    let mut seen_success = vec![false; success_values.len()];
    let note = |acc: &mut (usize, Vec<u64>), row: usize| {
        acc.0 += 1;
        if acc.1.len() < LISTED_LINES {
            acc.1.push(table.line_of(row).unwrap_or(0));
        }
    };
    for row in 0..n_rows {
        if !in_set(row) {
            outcomes.push(None);
            groups.push(None);
            continue;
        }
        let code = outcome.codes.get(row).copied().flatten();
        let class = match code {
            None => {
                note(&mut missing, row);
                None
            }
            Some(c) => match level_class.get(c as usize).copied().flatten() {
                None => {
                    note(&mut excluded, row);
                    None
                }
                Some(success) => {
                    if success {
                        if let Some(level) = outcome.levels.get(c as usize) {
                            for (seen, v) in seen_success.iter_mut().zip(&success_values) {
                                *seen |= matches_value(level, std::slice::from_ref(v), numeric);
                            }
                        }
                    }
                    Some(success)
                }
            },
        };
        let group = match &grouping {
            None => Some(0),
            Some(g) => g.codes.get(row).copied().flatten().map(|c| c as usize),
        };
        if class.is_some() && group.is_none() {
            note(&mut missing_group, row);
        }
        outcomes.push(class);
        groups.push(group);
    }

    let set = analysis_set::set_of(&selection);
    let mut warnings: Vec<Warning> = set
        .as_ref()
        .and_then(AnalysisSet::left_out_warning)
        .into_iter()
        .collect();
    for (v, seen) in success_values.iter().zip(&seen_success) {
        if !seen {
            warnings.push(Warning::ValueNotFound {
                column: outcome_col.name.clone(),
                value: v.clone(),
            });
        }
    }
    let mut left_out = Vec::new();
    let mut report =
        |acc: (usize, Vec<u64>), column: &str, reason: LeftOutReason, values: &[String]| {
            if acc.0 > 0 {
                warnings.push(Warning::RowsLeftOut {
                    column: column.to_string(),
                    reason,
                    count: acc.0,
                    lines: acc.1.clone(),
                    values: values.to_vec(),
                });
                left_out.push(LeftOut {
                    column: column.to_string(),
                    reason,
                    count: acc.0,
                    lines: acc.1,
                });
            }
        };
    report(missing, &outcome_col.name, LeftOutReason::Missing, &[]);
    report(
        excluded,
        &outcome_col.name,
        LeftOutReason::Excluded,
        &exclude_values,
    );
    if let Some(g) = &grouping {
        report(missing_group, &g.name, LeftOutReason::Missing, &[]);
    }

    let options = RateOptions {
        conf_level: request.conf_level,
        ci_method: request.ci,
        ..RateOptions::default()
    };
    let labels: Vec<String> = match &grouping {
        Some(g) => g.levels.clone(),
        None => vec!["All patients".to_string()],
    };
    let counts = rates::tabulate(&outcomes, &groups, &labels).map_err(|e| e.to_string())?;
    let n_used: u64 = counts.groups.iter().map(|c| c.n).sum();
    if n_used == 0 {
        return Err(format!(
            "No patient has a value of \"{}\"{}; there is nothing to count.",
            outcome_col.name,
            if grouping.is_some() {
                " and a group"
            } else {
                ""
            }
        ));
    }
    let (groups_out, overall, test) = match &grouping {
        None => {
            let c = counts.groups.first().cloned().unwrap_or(RateCount {
                label: String::new(),
                x: 0,
                n: 0,
            });
            let mut p = rates::proportion(c.x, c.n, &options).map_err(|e| e.to_string())?;
            p.label = "All patients".to_string();
            (Vec::new(), p, None)
        }
        Some(g) => {
            // Levels with no row at all are not groups of this file.
            let mut used = vec![false; g.levels.len()];
            for (row, c) in g.codes.iter().enumerate() {
                if let Some(u) = c
                    .filter(|_| in_set(row))
                    .and_then(|c| used.get_mut(c as usize))
                {
                    *u = true;
                }
            }
            let present: Vec<RateCount> = counts
                .groups
                .iter()
                .zip(&used)
                .filter(|(_, u)| **u)
                .map(|(c, _)| c.clone())
                .collect();
            let comparison = rates::compare(&present, &options).map_err(|e| e.to_string())?;
            warnings.extend(Warning::from_kernel(&comparison.warnings));
            let boundary = comparison
                .test
                .as_ref()
                .and_then(|t| t.fisher.as_ref())
                .and_then(|f| f.odds_ratio.as_ref())
                .and_then(|o| o.estimate_at_boundary);
            warnings.extend(boundary.map(|boundary| Warning::OddsRatioAtBoundary { boundary }));
            (comparison.groups, comparison.overall, comparison.test)
        }
    };

    let level = format::level_percent(request.conf_level);
    let success_label = success_values.join(" or ");
    let pct = |x: f64| format::number(100.0 * x, 1);
    let row = |p: &Proportion| {
        vec![
            p.label.clone(),
            format!("{} / {}", p.x, p.n),
            pct(p.proportion),
            format!("{}–{}", pct(p.conf_lower), pct(p.conf_upper)),
        ]
    };
    let mut rows: Vec<Vec<String>> = groups_out.iter().map(row).collect();
    rows.push(row(&overall));
    if grouping.is_some() {
        if let Some(last) = rows.last_mut() {
            if let Some(first) = last.first_mut() {
                *first = "All patients".to_string();
            }
        }
    }
    let display = DisplayTable {
        header: vec![
            grouping
                .as_ref()
                .map_or_else(|| "Patients".to_string(), |g| g.name.clone()),
            format!("{success_label}: n / N"),
            "%".to_string(),
            format!("{level}% CI ({}), %", ci_name(request.ci)),
        ],
        rows,
        numeric_columns: vec![1, 2, 3],
    };
    let test_line = test.as_ref().map(test_text);

    let mut settings: Vec<String> = set.iter().map(|s| s.text.clone()).collect();
    settings.extend([
        format!(
            "Rate = patients with {} = {} (n) among patients with a value of {}{} (N).",
            outcome_col.name,
            success_label,
            outcome_col.name,
            if exclude_values.is_empty() {
                String::new()
            } else {
                format!(" other than {}", exclude_values.join(" or "))
            }
        ),
        match request.ci {
            RateCiMethod::ClopperPearson => format!(
                "{level}% confidence intervals: Clopper–Pearson exact (as R's binom.test); Wilson score intervals are in the result too."
            ),
            RateCiMethod::Wilson => format!(
                "{level}% confidence intervals: Wilson score without continuity correction (as R's prop.test(correct = FALSE)); exact Clopper–Pearson intervals are in the result too."
            ),
        },
    ]);
    if grouping.is_some() {
        settings.push(
            "Groups compared with Pearson's chi-squared test without continuity correction, or Fisher's exact test when an expected count is below 5 (gtsummary's rule)."
                .to_string(),
        );
    }
    settings.push("Patients without a value are left out and counted below.".to_string());
    let used = std::iter::once(outcome_col.name.as_str())
        .chain(grouping.as_ref().map(|g| g.name.as_str()));
    settings.extend(formulas_text(table, used));
    let settings_text = settings.join(" ");

    let mut csv = csv_line(&display.header);
    for r in &display.rows {
        csv.push_str(&csv_line(r));
    }
    csv.push_str("\r\n");
    if let Some(t) = &test_line {
        csv.push_str(&csv_line(std::slice::from_ref(t)));
    }
    csv.push_str(&csv_line(std::slice::from_ref(&settings_text)));

    Ok(RatesResult {
        outcome: outcome_col.name.clone(),
        success_values,
        group: grouping.as_ref().map(|g| g.name.clone()),
        groups: groups_out,
        overall,
        test,
        table: display,
        test_text: test_line,
        settings_text,
        csv,
        n_used: n_used as usize,
        left_out,
        warnings,
        analysis_set: set,
    })
}
