//! Table 1: baseline characteristics by group, n (%) for categories and
//! median [IQR] or mean (SD) for numbers, with one p-value per variable,
//! laid out as gtsummary's `tbl_summary() |> add_overall() |> add_p()`:
//! two-level variables on one row, continuous summaries on the variable's
//! row, the overall column first.
//! Tests follow gtsummary's defaults (Pearson's chi-squared without
//! continuity correction, Fisher's exact test when an expected count is
//! below 5; Kruskal–Wallis, or Wilcoxon rank sum for two groups); missing
//! values get their own row and stay out of the tests, as R's `table()`.

use crate::analysis_set::Selection;
use crate::design::looks_numeric;
use crate::export::{
    csv_field, csv_field_semicolon, html_cell, html_escape, tsv_field, DecimalMark,
};
use crate::format;
use crate::table::{categorical_column, numeric_column, ColumnKind, Table, TableError};
use crate::warning::{self, LeftOutReason, NoTestReason, Warning};
use serde::{Deserialize, Serialize};
use std::fmt;
use survcalc_stats::contingency::{baseline_test, BaselineTestOptions, CountTable};
use survcalc_stats::ksample::{
    kruskal_wallis, oneway_anova, summarize, welch_anova, welch_t_test, wilcoxon_rank_sum,
    GroupSummary, GroupedValues, TTestOptions, WilcoxonOptions,
};
use survcalc_stats::warning::KernelWarning;

/// File lines listed in warnings.
const LISTED_LINES: usize = 5;

/// How a variable is summarised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VariableKind {
    /// n (%) per level.
    Categorical,
    /// Median [IQR] or mean (SD).
    Continuous,
}

/// A row variable of the table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BaselineVariable {
    pub column: String,
    /// `None`: continuous for number columns, categorical otherwise.
    pub kind: Option<VariableKind>,
    /// Text of the variable's row; `None`: the column name.
    pub label: Option<String>,
}

impl BaselineVariable {
    /// A variable whose kind follows the column type.
    pub fn new(column: &str) -> BaselineVariable {
        BaselineVariable {
            column: column.to_string(),
            kind: None,
            label: None,
        }
    }

    pub fn categorical(column: &str) -> BaselineVariable {
        BaselineVariable {
            kind: Some(VariableKind::Categorical),
            ..BaselineVariable::new(column)
        }
    }

    pub fn continuous(column: &str) -> BaselineVariable {
        BaselineVariable {
            kind: Some(VariableKind::Continuous),
            ..BaselineVariable::new(column)
        }
    }
}

/// What the table shows.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BaselineSpec {
    /// Column defining the groups (2 or more).
    pub group: String,
    pub variables: Vec<BaselineVariable>,
}

/// Summary of a continuous variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContinuousSummary {
    /// Median [Q1–Q3] (R's `quantile` type 7).
    #[default]
    MedianIqr,
    /// Mean (SD).
    MeanSd,
}

/// Test for a continuous variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContinuousTest {
    /// Kruskal–Wallis; Wilcoxon rank sum with two groups.
    #[default]
    Rank,
    /// One-way ANOVA; with two groups the equal-variance t-test (same p).
    Anova,
    /// Welch's ANOVA; with two groups Welch's t-test.
    Welch,
}

/// How a variable with two values (yes/no, 0/1, two levels) is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinaryRows {
    /// One row with n (%) of the "yes" level (gtsummary's dichotomous type):
    /// yes, 1, true, y, present or positive, else the second level.
    #[default]
    OneRow,
    /// A row per level, as any categorical variable.
    BothLevels,
}

/// Options; the defaults are gtsummary's.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BaselineOptions {
    pub summary: ContinuousSummary,
    pub continuous_test: ContinuousTest,
    /// Fisher's exact test when any expected count is below this.
    pub expected_threshold: f64,
    /// Yates' correction for 2 x 2 chi-squared tests (tableone's choice).
    pub continuity_correction: bool,
    /// Decimals of percentages.
    pub percent_decimals: usize,
    /// Decimals of continuous summaries; `None`: none for whole numbers
    /// whose medians and quartiles are whole (one for their means), else
    /// by the size of the overall median or mean ([`format::decimals_for`]).
    pub decimals: Option<usize>,
    /// Show an "Overall" column.
    pub overall: bool,
    /// The overall column after the groups (gtsummary's
    /// `add_overall(last = TRUE)`); first by default, as gtsummary.
    pub overall_last: bool,
    pub binary: BinaryRows,
    /// Decimal mark of every number in the cells; with a comma the CSV is
    /// separated by semicolons (what Excel reads in such locales).
    pub decimal_mark: DecimalMark,
}

impl Default for BaselineOptions {
    fn default() -> Self {
        BaselineOptions {
            summary: ContinuousSummary::MedianIqr,
            continuous_test: ContinuousTest::Rank,
            expected_threshold: 5.0,
            continuity_correction: false,
            percent_decimals: 1,
            decimals: None,
            overall: true,
            overall_last: false,
            binary: BinaryRows::OneRow,
            decimal_mark: DecimalMark::Point,
        }
    }
}

/// A column header: group name and size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupHeader {
    pub label: String,
    pub n: usize,
    /// "Obs (n = 315)".
    pub text: String,
}

/// Kind of table row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineRowKind {
    /// The variable's label with its p-value, and its summary when it fits
    /// on one row (continuous: median [IQR] or mean (SD); two values: n (%)
    /// of the level shown).
    Variable,
    /// A level of a categorical variable: n (%).
    Level,
    /// Patients without a value (not in the percentages nor the test).
    Missing,
}

/// One row of the table.
#[derive(Debug, Clone, Serialize)]
pub struct BaselineRow {
    pub kind: BaselineRowKind,
    pub variable: String,
    pub label: String,
    /// One cell per group.
    pub cells: Vec<String>,
    /// Overall cell ("" when the overall column is off).
    pub overall: String,
    /// Level and missing rows, and the row of a two-valued variable: count
    /// per group.
    pub counts: Option<Vec<usize>>,
    /// The level counted on a two-valued variable's one row.
    pub level: Option<String>,
    pub p: Option<f64>,
    /// "0.028" / "<0.001" ("" on non-variable rows; "—" when not computable).
    pub p_text: String,
    /// Name of the test behind `p`.
    pub test: Option<String>,
    /// Footnote mark of the test ("a", "b", ...).
    pub mark: Option<String>,
}

/// A footnote naming a test.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Footnote {
    pub mark: String,
    pub test: String,
}

/// The test of one variable, with its statistic.
#[derive(Debug, Clone, Serialize)]
pub struct VariableTest {
    pub variable: String,
    pub test: String,
    /// Chi-squared, Kruskal–Wallis H, F, W or t (none for Fisher).
    pub statistic: Option<f64>,
    pub df: Option<f64>,
    pub p: f64,
    /// Categorical: smallest expected count (the rule's criterion).
    pub min_expected: Option<f64>,
}

/// The baseline table.
#[derive(Debug, Clone, Serialize)]
pub struct BaselineTable {
    pub group_column: String,
    pub groups: Vec<GroupHeader>,
    pub overall: Option<GroupHeader>,
    /// The overall column comes after the groups (else before them).
    pub overall_last: bool,
    /// Decimal mark of the cells (and the CSV separator it implies).
    pub decimal_mark: DecimalMark,
    pub rows: Vec<BaselineRow>,
    pub footnotes: Vec<Footnote>,
    pub tests: Vec<VariableTest>,
    /// Patients in the table (with a group).
    pub n: usize,
    /// Patients left out for a missing group.
    pub n_missing_group: usize,
    /// The methods in one printable line.
    pub settings: String,
    pub warnings: Vec<Warning>,
}

/// Why the table could not be made.
#[derive(Debug, Clone, PartialEq)]
pub enum BaselineError {
    UnknownColumn {
        name: String,
        nearest: Option<String>,
    },
    NoVariables,
    /// The grouping column chosen as a row variable.
    GroupIsVariable {
        column: String,
    },
    DuplicateVariable {
        column: String,
    },
    /// Fewer than two groups among the patients.
    TooFewGroups {
        column: String,
        groups: Vec<String>,
        n: usize,
    },
    /// A date column as grouping or row variable.
    DateColumn {
        column: String,
    },
    NotANumber {
        column: String,
        line: u64,
        value: String,
    },
    InvalidOption {
        name: &'static str,
        value: String,
    },
    /// The values of a variable could not be summarised.
    Values {
        column: String,
        message: String,
    },
    Table(TableError),
}

impl fmt::Display for BaselineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use BaselineError::*;
        match self {
            UnknownColumn { name, nearest } => write!(f, "There is no column named \"{name}\"{}", crate::request::did_you_mean_end(nearest.as_deref())),
            NoVariables => write!(f, "Choose at least one variable for the table."),
            GroupIsVariable { column } => write!(
                f,
                "Column \"{column}\" defines the groups; it cannot also be a row of the table."
            ),
            DuplicateVariable { column } => write!(f, "Column \"{column}\" is chosen twice; keep it once."),
            TooFewGroups { column, groups, n } => match groups.first() {
                Some(g) => write!(
                    f,
                    "Column \"{column}\" has only one group (\"{g}\") among the {}; a baseline table compares 2 or more groups.",
                    crate::format::counted(*n, "patient")
                ),
                None => write!(f, "Column \"{column}\" has no value in any row, so there are no groups to compare."),
            },
            DateColumn { column } => write!(
                f,
                "Column \"{column}\" holds dates; summarise a derived number (e.g. age, follow-up) instead."
            ),
            NotANumber { column, line, value } => write!(
                f,
                "Column \"{column}\", line {line}: \"{value}\" is not a number, so the column cannot be summarised as a continuous variable. Correct the value, or treat the column as categorical."
            ),
            InvalidOption { name, value } => write!(f, "Option {name} = {value} is not valid."),
            Values { column, message } => write!(f, "Column \"{column}\": {message}"),
            Table(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for BaselineError {}

impl From<TableError> for BaselineError {
    fn from(e: TableError) -> Self {
        match e {
            TableError::UnknownColumn { name, nearest } => {
                BaselineError::UnknownColumn { name, nearest }
            }
            TableError::NotANumber {
                column,
                line,
                value,
            } => BaselineError::NotANumber {
                column,
                line,
                value,
            },
            TableError::WrongColumnType { column, .. } => BaselineError::DateColumn { column },
            other => BaselineError::Table(other),
        }
    }
}

/// Assigns footnote marks to test names in order of first use.
struct Marks(Vec<Footnote>);

impl Marks {
    fn mark(&mut self, test: &str) -> String {
        if let Some(f) = self.0.iter().find(|f| f.test == test) {
            return f.mark.clone();
        }
        let k = self.0.len();
        let mark = match u8::try_from(k).ok().filter(|&k| k < 26) {
            Some(k) => char::from(b'a' + k).to_string(),
            None => format!("{}", k + 1),
        };
        self.0.push(Footnote {
            mark: mark.clone(),
            test: test.to_string(),
        });
        mark
    }
}

/// Result of one test before it goes on a row.
struct TestResult {
    test: String,
    statistic: Option<f64>,
    df: Option<f64>,
    p: f64,
    min_expected: Option<f64>,
}

/// Builds the baseline table (see the module doc for the rules).
pub fn fit(
    table: &Table,
    spec: &BaselineSpec,
    options: &BaselineOptions,
) -> Result<BaselineTable, BaselineError> {
    fit_within(table, spec, options, None)
}

/// As [`fit`], over the rows of an analysis set when given: the other
/// rows are in no group and not counted as missing a group.
pub fn fit_within(
    table: &Table,
    spec: &BaselineSpec,
    options: &BaselineOptions,
    selection: Option<&Selection>,
) -> Result<BaselineTable, BaselineError> {
    if !(options.expected_threshold >= 0.0 && options.expected_threshold.is_finite()) {
        return Err(BaselineError::InvalidOption {
            name: "expected_threshold",
            value: options.expected_threshold.to_string(),
        });
    }
    if options.percent_decimals > 6 || options.decimals.is_some_and(|d| d > 10) {
        return Err(BaselineError::InvalidOption {
            name: "decimals",
            value: format!("{:?}", options.decimals),
        });
    }
    if spec.variables.is_empty() {
        return Err(BaselineError::NoVariables);
    }
    let group_col = table.require(&spec.group)?;
    for (i, v) in spec.variables.iter().enumerate() {
        table.require(&v.column)?;
        if v.column == group_col.name {
            return Err(BaselineError::GroupIsVariable {
                column: v.column.clone(),
            });
        }
        if spec.variables[..i].iter().any(|u| u.column == v.column) {
            return Err(BaselineError::DuplicateVariable {
                column: v.column.clone(),
            });
        }
    }
    if matches!(
        group_col.kind,
        ColumnKind::Date(_) | ColumnKind::AmbiguousDate
    ) {
        return Err(BaselineError::DateColumn {
            column: group_col.name.clone(),
        });
    }

    // Groups: levels with at least one patient, in level order.
    let grouping = categorical_column(table, &group_col.name)?;
    let mut group_sizes = vec![0usize; grouping.levels.len()];
    let mut n_missing_group = 0;
    let mut missing_group_lines = Vec::new();
    let in_set = |row: usize| selection.is_none_or(|s| s.contains(row));
    for (row, code) in grouping.codes.iter().enumerate() {
        if !in_set(row) {
            continue;
        }
        match code.and_then(|c| group_sizes.get_mut(c as usize)) {
            Some(s) => *s += 1,
            None => {
                n_missing_group += 1;
                if missing_group_lines.len() < LISTED_LINES {
                    missing_group_lines.push(table.line_of(row).unwrap_or(0));
                }
            }
        }
    }
    let present: Vec<usize> = (0..grouping.levels.len())
        .filter(|&c| group_sizes[c] > 0)
        .collect();
    let n: usize = group_sizes.iter().sum();
    let level_name = |c: usize| grouping.levels.get(c).cloned().unwrap_or_default();
    if present.len() < 2 {
        return Err(BaselineError::TooFewGroups {
            column: group_col.name.clone(),
            groups: present.iter().map(|&c| level_name(c)).collect(),
            n,
        });
    }
    // Group index per row (0..k), None without a group.
    let mut new_index = vec![None; grouping.levels.len()];
    for (k, &c) in present.iter().enumerate() {
        new_index[c] = Some(k);
    }
    let group_of: Vec<Option<usize>> = grouping
        .codes
        .iter()
        .enumerate()
        .map(|(row, c)| {
            c.filter(|_| in_set(row))
                .and_then(|c| new_index.get(c as usize).copied().flatten())
        })
        .collect();
    let labels: Vec<String> = present.iter().map(|&c| level_name(c)).collect();
    let sizes: Vec<usize> = present.iter().map(|&c| group_sizes[c]).collect();
    let header = |label: &str, n: usize| GroupHeader {
        label: label.to_string(),
        n,
        text: format!("{label} (n = {n})"),
    };
    let groups: Vec<GroupHeader> = labels
        .iter()
        .zip(&sizes)
        .map(|(l, &s)| header(l, s))
        .collect();

    let mut warnings = Vec::new();
    if n_missing_group > 0 {
        warnings.push(Warning::RowsLeftOut {
            column: group_col.name.clone(),
            reason: LeftOutReason::Missing,
            count: n_missing_group,
            lines: missing_group_lines.clone(),
            values: Vec::new(),
        });
    }

    let mut marks = Marks(Vec::new());
    let mut rows = Vec::new();
    let mut tests = Vec::new();
    for v in &spec.variables {
        let column = table.require(&v.column)?;
        if matches!(column.kind, ColumnKind::Date(_) | ColumnKind::AmbiguousDate) {
            return Err(BaselineError::DateColumn {
                column: column.name.clone(),
            });
        }
        let kind = v.kind.unwrap_or(match column.kind {
            ColumnKind::Number => VariableKind::Continuous,
            // Mostly numbers with a stray word: report the word (see design).
            _ if looks_numeric(table, column) => VariableKind::Continuous,
            _ => VariableKind::Categorical,
        });
        let label = v.label.clone().unwrap_or_else(|| column.name.clone());
        let ctx = Context {
            table,
            group_of: &group_of,
            labels: &labels,
            options,
        };
        let (mut var_rows, test, mut var_warnings) = match kind {
            VariableKind::Categorical => categorical_rows(&ctx, &column.name, &label)?,
            VariableKind::Continuous => continuous_rows(&ctx, &column.name, &label)?,
        };
        if let (Some(t), Some(first)) = (&test, var_rows.first_mut()) {
            let mark = marks.mark(&t.test);
            first.p = Some(t.p);
            first.p_text = format::p_value(t.p);
            first.test = Some(t.test.clone());
            first.mark = Some(mark);
        } else if let Some(first) = var_rows.first_mut() {
            first.p_text = "—".to_string();
        }
        if let Some(t) = test {
            tests.push(VariableTest {
                variable: column.name.clone(),
                test: t.test,
                statistic: t.statistic,
                df: t.df,
                p: t.p,
                min_expected: t.min_expected,
            });
        }
        for r in &mut var_rows {
            if !options.overall {
                r.overall.clear();
            }
            if options.decimal_mark == DecimalMark::Comma {
                // Value cells hold only numbers survcalc wrote (and "—", "%",
                // brackets); labels are left alone.
                for cell in r.cells.iter_mut().chain([&mut r.overall, &mut r.p_text]) {
                    *cell = cell.replace('.', ",");
                }
            }
        }
        rows.append(&mut var_rows);
        warnings.append(&mut var_warnings);
    }

    let settings = settings_line(options);
    Ok(BaselineTable {
        group_column: group_col.name.clone(),
        groups,
        overall: options.overall.then(|| header("Overall", n)),
        overall_last: options.overall_last,
        decimal_mark: options.decimal_mark,
        rows,
        footnotes: marks.0,
        tests,
        n,
        n_missing_group,
        settings,
        warnings,
    })
}

fn settings_line(options: &BaselineOptions) -> String {
    let summary = match options.summary {
        ContinuousSummary::MedianIqr => "median [interquartile range]",
        ContinuousSummary::MeanSd => "mean (standard deviation)",
    };
    let continuous = match options.continuous_test {
        ContinuousTest::Rank => "Kruskal–Wallis test (Wilcoxon rank sum test for two groups)",
        ContinuousTest::Anova => "one-way ANOVA (t-test for two groups)",
        ContinuousTest::Welch => "Welch's ANOVA (Welch's t-test for two groups)",
    };
    let correction = if options.continuity_correction {
        " with Yates' correction for 2 x 2 tables"
    } else {
        " without continuity correction"
    };
    format!(
        "Categorical variables: n (%) of patients with a value; Pearson's chi-squared test{correction}, Fisher's exact test when an expected count is below {}. Continuous variables: {summary}; {continuous}. Missing values are shown but not tested.",
        format::number(options.expected_threshold, if options.expected_threshold.fract() == 0.0 { 0 } else { 1 })
    )
}

struct Context<'a> {
    table: &'a Table,
    group_of: &'a [Option<usize>],
    labels: &'a [String],
    options: &'a BaselineOptions,
}

fn blank_row(kind: BaselineRowKind, variable: &str, label: &str, k: usize) -> BaselineRow {
    BaselineRow {
        kind,
        variable: variable.to_string(),
        label: label.to_string(),
        cells: vec![String::new(); k],
        overall: String::new(),
        counts: None,
        level: None,
        p: None,
        p_text: String::new(),
        test: None,
        mark: None,
    }
}

fn missing_row(variable: &str, missing: &[usize]) -> BaselineRow {
    let mut row = blank_row(BaselineRowKind::Missing, variable, "Missing", missing.len());
    row.cells = missing.iter().map(usize::to_string).collect();
    row.overall = missing.iter().sum::<usize>().to_string();
    row.counts = Some(missing.to_vec());
    row
}

type VariableRows = (Vec<BaselineRow>, Option<TestResult>, Vec<Warning>);

/// A test's kernel warnings, said to be about the variable `name`.
fn about<'a>(name: &str, warnings: &'a [KernelWarning]) -> impl Iterator<Item = Warning> + 'a {
    let context = warning::Context::Variable {
        name: name.to_string(),
    };
    Warning::from_kernel(warnings).map(move |w| w.within(context.clone()))
}

/// Above this, squares of the values (about 1e308 at most) overflow.
const TOO_LARGE_TO_TEST: f64 = 1e150;

fn no_test(name: &str, reason: NoTestReason) -> Warning {
    Warning::NoTest {
        variable: name.to_string(),
        reason,
    }
}

fn categorical_rows(ctx: &Context, name: &str, label: &str) -> Result<VariableRows, BaselineError> {
    let k = ctx.labels.len();
    let cat = categorical_column(ctx.table, name)?;
    let n_levels = cat.levels.len();
    // counts[level][group]
    let mut counts = vec![vec![0usize; k]; n_levels];
    let mut missing = vec![0usize; k];
    for (code, group) in cat.codes.iter().zip(ctx.group_of) {
        let Some(g) = *group else { continue };
        match code
            .and_then(|c| counts.get_mut(c as usize))
            .and_then(|row| row.get_mut(g))
        {
            Some(cell) => *cell += 1,
            None => {
                if let Some(m) = missing.get_mut(g) {
                    *m += 1;
                }
            }
        }
    }
    let non_missing: Vec<usize> = (0..k)
        .map(|g| counts.iter().map(|row| row[g]).sum())
        .collect();
    let total: usize = non_missing.iter().sum();
    let pd = ctx.options.percent_decimals;

    let used_levels: Vec<(String, Vec<usize>)> = cat
        .levels
        .iter()
        .zip(&counts)
        .filter(|(_, row_counts)| row_counts.iter().sum::<usize>() > 0)
        .map(|(level, row_counts)| (level.clone(), row_counts.clone()))
        .collect();
    let fill = |row: &mut BaselineRow, row_counts: &[usize]| {
        row.cells = row_counts
            .iter()
            .zip(&non_missing)
            .map(|(&c, &d)| format::count_percent(c, d, pd))
            .collect();
        row.overall = format::count_percent(row_counts.iter().sum(), total, pd);
        row.counts = Some(row_counts.to_vec());
    };
    let mut rows = Vec::new();
    match (ctx.options.binary, shown_level(&used_levels)) {
        (BinaryRows::OneRow, Some((level, row_counts))) => {
            // "hbv" for yes/no, 0/1, true/false; "sex: male" when the level
            // shown is not a yes.
            let text = if is_yes(level) {
                label.to_string()
            } else {
                format!("{label}: {level}")
            };
            let mut row = blank_row(BaselineRowKind::Variable, name, &text, k);
            fill(&mut row, row_counts);
            row.level = Some(level.clone());
            rows.push(row);
        }
        _ => {
            rows.push(blank_row(BaselineRowKind::Variable, name, label, k));
            for (level, row_counts) in &used_levels {
                let mut row = blank_row(BaselineRowKind::Level, name, level, k);
                fill(&mut row, row_counts);
                rows.push(row);
            }
        }
    }
    if missing.iter().any(|&m| m > 0) {
        rows.push(missing_row(name, &missing));
    }

    let mut warnings = Vec::new();
    let test = if used_levels.len() < 2 {
        warnings.push(no_test(name, NoTestReason::FewerThanTwoValues));
        None
    } else {
        // Rows = groups, columns = levels (as R's table(group, variable)).
        let table_counts: Vec<Vec<u64>> = (0..k)
            .map(|g| {
                used_levels
                    .iter()
                    .map(|(_, c)| c.get(g).copied().unwrap_or(0) as u64)
                    .collect()
            })
            .collect();
        let level_labels: Vec<String> = used_levels.iter().map(|(l, _)| l.clone()).collect();
        let test_options = BaselineTestOptions {
            expected_threshold: ctx.options.expected_threshold,
            continuity_correction: ctx.options.continuity_correction,
            ..BaselineTestOptions::default()
        };
        match CountTable::with_labels(table_counts, ctx.labels.to_vec(), level_labels)
            .and_then(|t| baseline_test(&t, &test_options))
        {
            Ok(bt) => {
                warnings.extend(about(name, &bt.warnings));
                let chi = bt.fisher.is_none();
                Some(TestResult {
                    test: bt.method.clone(),
                    statistic: chi.then_some(bt.chi_square.chisq),
                    df: chi.then_some(bt.chi_square.df as f64),
                    p: bt.p,
                    min_expected: Some(bt.min_expected),
                })
            }
            Err(e) => {
                warnings.push(no_test(
                    name,
                    NoTestReason::Error {
                        error: e.to_string(),
                    },
                ));
                None
            }
        }
    };
    Ok((rows, test, warnings))
}

/// Values that mean "yes" in a two-valued column (case ignored).
fn is_yes(level: &str) -> bool {
    ["yes", "1", "true", "y", "present", "positive"]
        .iter()
        .any(|y| level.trim().eq_ignore_ascii_case(y))
}

/// The level a two-valued variable's one row counts: its "yes" level, else
/// the second (of `used`, in level order); `None` unless exactly two levels
/// have patients.
fn shown_level(used: &[(String, Vec<usize>)]) -> Option<&(String, Vec<usize>)> {
    match used {
        [first, second] => Some(if is_yes(&first.0) && !is_yes(&second.0) {
            first
        } else {
            second
        }),
        _ => None,
    }
}

fn continuous_rows(ctx: &Context, name: &str, label: &str) -> Result<VariableRows, BaselineError> {
    let k = ctx.labels.len();
    let values = numeric_column(ctx.table, name)?.values;
    if let Some(row) = values
        .iter()
        .position(|v| v.is_some_and(|x| !x.is_finite()))
    {
        let column = ctx.table.require(name)?;
        return Err(BaselineError::NotANumber {
            column: name.to_string(),
            line: ctx.table.line_of(row).unwrap_or(0),
            value: column.data.display(row).unwrap_or_default(),
        });
    }
    let input = GroupedValues {
        values: &values,
        groups: ctx.group_of,
        labels: ctx.labels,
    };
    let to_err = |e: survcalc_stats::ksample::KSampleError| BaselineError::Values {
        column: name.to_string(),
        message: e.to_string(),
    };
    let per_group = summarize(&input).map_err(to_err)?;
    let everyone: Vec<Option<usize>> = ctx.group_of.iter().map(|g| g.map(|_| 0)).collect();
    let overall_label = ["Overall".to_string()];
    let overall = summarize(&GroupedValues {
        values: &values,
        groups: &everyone,
        labels: &overall_label,
    })
    .map_err(to_err)?
    .into_iter()
    .next();

    let typical = overall.as_ref().and_then(|o| match ctx.options.summary {
        ContinuousSummary::MedianIqr => o.median,
        ContinuousSummary::MeanSd => o.mean,
    });
    let d = ctx.options.decimals.unwrap_or_else(|| {
        auto_decimals(
            &values,
            typical,
            &per_group,
            overall.as_ref(),
            ctx.options.summary,
        )
    });
    let text = |s: &GroupSummary| -> String {
        match ctx.options.summary {
            ContinuousSummary::MedianIqr => match (s.median, s.q1, s.q3) {
                (Some(m), Some(a), Some(b)) => {
                    format!(
                        "{} [{}–{}]",
                        format::number(m, d),
                        format::number(a, d),
                        format::number(b, d)
                    )
                }
                _ => "—".to_string(),
            },
            ContinuousSummary::MeanSd => match (s.mean, s.sd) {
                (Some(m), Some(sd)) => {
                    format!("{} ({})", format::number(m, d), format::number(sd, d))
                }
                (Some(m), None) => format!("{} (—)", format::number(m, d)),
                _ => "—".to_string(),
            },
        }
    };
    // gtsummary's add_stat_label(): the statistic named after the label.
    let statistic = match ctx.options.summary {
        ContinuousSummary::MedianIqr => "median [IQR]",
        ContinuousSummary::MeanSd => "mean (SD)",
    };
    let mut summary = blank_row(
        BaselineRowKind::Variable,
        name,
        &format!("{label}, {statistic}"),
        k,
    );
    summary.cells = per_group.iter().map(&text).collect();
    summary.overall = overall.as_ref().map_or_else(|| "—".to_string(), &text);
    let mut rows = vec![summary];
    let missing: Vec<usize> = per_group.iter().map(|g| g.n_missing).collect();
    if missing.iter().any(|&m| m > 0) {
        rows.push(missing_row(name, &missing));
    }

    let mut warnings = Vec::new();
    let with_values = per_group.iter().filter(|g| g.n > 0).count();
    let two = with_values == 2;
    let result: Result<TestResult, survcalc_stats::ksample::KSampleError> =
        match (ctx.options.continuous_test, two) {
            (ContinuousTest::Rank, false) => kruskal_wallis(&input).map(|t| TestResult {
                test: t.method,
                statistic: Some(t.statistic),
                df: Some(t.df as f64),
                p: t.p,
                min_expected: None,
            }),
            (ContinuousTest::Rank, true) => wilcoxon_rank_sum(&input, &WilcoxonOptions::default())
                .map(|t| {
                    warnings.extend(about(name, &t.warnings));
                    TestResult {
                        test: t.method,
                        statistic: Some(t.w),
                        df: None,
                        p: t.p,
                        min_expected: None,
                    }
                }),
            (ContinuousTest::Anova, false) => oneway_anova(&input).map(|t| TestResult {
                test: t.method,
                statistic: Some(t.f_value),
                df: Some(t.df1 as f64),
                p: t.p,
                min_expected: None,
            }),
            // With two groups the ANOVA F test is the equal-variance t-test (F = t²).
            (ContinuousTest::Anova, true) => oneway_anova(&input).map(|t| TestResult {
                test: "Two Sample t-test (equal variances)".to_string(),
                statistic: Some(t.f_value.sqrt()),
                df: Some(t.df2 as f64),
                p: t.p,
                min_expected: None,
            }),
            (ContinuousTest::Welch, false) => welch_anova(&input).map(|t| TestResult {
                test: t.method,
                statistic: Some(t.f_value),
                df: Some(t.df1),
                p: t.p,
                min_expected: None,
            }),
            (ContinuousTest::Welch, true) => {
                welch_t_test(&input, &TTestOptions::default()).map(|t| TestResult {
                    test: t.method,
                    statistic: Some(t.t),
                    df: Some(t.df),
                    p: t.p,
                    min_expected: None,
                })
            }
        };
    let test = match result {
        // Values near 1e155 and above overflow the sums of squares: the
        // test then has no p-value, which must not be a silent dash.
        Ok(t) if !t.p.is_finite() => {
            let largest = values.iter().flatten().fold(0.0_f64, |m, x| m.max(x.abs()));
            warnings.push(if largest > TOO_LARGE_TO_TEST {
                Warning::ValuesTooLargeToTest {
                    variable: name.to_string(),
                    largest,
                }
            } else {
                no_test(
                    name,
                    NoTestReason::Error {
                        error: "the test gave no p-value.".to_string(),
                    },
                )
            });
            None
        }
        Ok(t) => Some(t),
        Err(e) => {
            warnings.push(no_test(
                name,
                NoTestReason::Error {
                    error: e.to_string(),
                },
            ));
            None
        }
    };
    Ok((rows, test, warnings))
}

/// Decimals of a continuous summary: whole numbers print without decimals
/// when every median and quartile shown is whole too (counts, ages in
/// years), and with one for means; otherwise by the magnitude of `typical`.
fn auto_decimals(
    values: &[Option<f64>],
    typical: Option<f64>,
    per_group: &[GroupSummary],
    overall: Option<&GroupSummary>,
    summary: ContinuousSummary,
) -> usize {
    let whole_data = values.iter().flatten().all(|x| x.fract() == 0.0);
    if whole_data {
        return match summary {
            ContinuousSummary::MeanSd => 1,
            ContinuousSummary::MedianIqr => {
                let mut shown = per_group
                    .iter()
                    .chain(overall)
                    .flat_map(|s| [s.median, s.q1, s.q3])
                    .flatten();
                if shown.all(|x| x.fract() == 0.0) {
                    0
                } else {
                    1
                }
            }
        };
    }
    typical.map_or(1, format::decimals_for)
}

impl BaselineTable {
    /// The value columns in order: overall first unless `overall_last`.
    fn value_cells<'a>(&'a self, groups: Vec<&'a str>, overall: &'a str) -> Vec<&'a str> {
        match (&self.overall, self.overall_last) {
            (None, _) => groups,
            (Some(_), true) => groups.into_iter().chain([overall]).collect(),
            (Some(_), false) => std::iter::once(overall).chain(groups).collect(),
        }
    }

    fn has_marks(&self) -> bool {
        !self.footnotes.is_empty()
    }

    /// Header cells: "Variable", overall and groups, "p-value", and "Test"
    /// (the footnote letter) when there are tests.
    fn header_cells(&self) -> Vec<String> {
        let mut cells = vec!["Variable".to_string()];
        let overall = self.overall.as_ref().map_or("", |o| o.text.as_str());
        let groups = self.groups.iter().map(|g| g.text.as_str()).collect();
        cells.extend(
            self.value_cells(groups, overall)
                .into_iter()
                .map(String::from),
        );
        cells.push("p-value".to_string());
        if self.has_marks() {
            cells.push("Test".to_string());
        }
        cells
    }

    /// Plain-text cells of a row; levels indented by two spaces; the
    /// footnote letter in a column of its own (a superscript glued to the
    /// p-value would stop a spreadsheet reading it as a number).
    fn text_cells(&self, row: &BaselineRow) -> Vec<String> {
        let indent = if row.kind == BaselineRowKind::Variable {
            ""
        } else {
            "  "
        };
        let mut cells = vec![format!("{indent}{}", row.label)];
        let values = row.cells.iter().map(String::as_str).collect();
        cells.extend(
            self.value_cells(values, &row.overall)
                .into_iter()
                .map(String::from),
        );
        cells.push(row.p_text.clone());
        if self.has_marks() {
            cells.push(row.mark.clone().unwrap_or_default());
        }
        cells
    }

    fn delimited(&self, field: fn(&str) -> String, sep: &str) -> String {
        let mut out = String::new();
        let mut line = |cells: &[String]| {
            out.push_str(&cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(sep));
            out.push_str("\r\n");
        };
        line(&self.header_cells());
        for row in &self.rows {
            line(&self.text_cells(row));
        }
        if self.has_marks() {
            line(&[]);
            for f in &self.footnotes {
                line(&[f.mark.clone(), f.test.clone()]);
            }
        }
        out
    }

    /// The table as CSV (RFC 4180 quoting, CRLF), footnotes below: comma
    /// separated, or semicolon separated when the decimal mark is a comma.
    pub fn to_csv(&self) -> String {
        match self.decimal_mark {
            DecimalMark::Point => self.delimited(csv_field, ","),
            DecimalMark::Comma => self.delimited(csv_field_semicolon, ";"),
        }
    }

    /// The table as tab-separated text (the text/plain clipboard flavour).
    pub fn to_tsv(&self) -> String {
        self.delimited(tsv_field, "\t")
    }

    /// The HTML cells of a row's values, overall placed as in the header.
    fn html_values(&self, row: &BaselineRow) -> String {
        self.value_cells(row.cells.iter().map(String::as_str).collect(), &row.overall)
            .into_iter()
            .map(|c| format!("<td>{}</td>", html_cell(c)))
            .collect()
    }

    /// A minimal HTML table (thead, tbody, tfoot with the tests) that pastes
    /// into Word and Excel as a real table.
    pub fn to_html(&self) -> String {
        let mut out = String::from("<table>\n<thead>\n<tr>");
        let mut header = self.header_cells();
        if self.has_marks() {
            // The HTML marks the p-value with a superscript instead.
            header.pop();
        }
        for c in header {
            out.push_str(&format!("<th>{}</th>", html_cell(&c)));
        }
        out.push_str("</tr>\n</thead>\n<tbody>\n");
        for row in &self.rows {
            out.push_str("<tr>");
            let label = html_cell(&row.label);
            if row.kind == BaselineRowKind::Variable {
                out.push_str(&format!("<td><b>{label}</b></td>"));
            } else {
                // Non-breaking spaces survive pasting into Excel, padding does not.
                out.push_str(&format!("<td>&nbsp;&nbsp;&nbsp;&nbsp;{label}</td>"));
            }
            out.push_str(&self.html_values(row));
            let mark = row
                .mark
                .as_deref()
                .map(|m| format!("<sup>{}</sup>", html_escape(m)))
                .unwrap_or_default();
            out.push_str(&format!("<td>{}{mark}</td>", html_escape(&row.p_text)));
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n");
        if !self.footnotes.is_empty() {
            let span = self.header_cells().len() - usize::from(self.has_marks());
            out.push_str("<tfoot>\n");
            for f in &self.footnotes {
                out.push_str(&format!(
                    "<tr><td colspan=\"{span}\"><sup>{}</sup> {}</td></tr>\n",
                    html_escape(&f.mark),
                    html_escape(&f.test)
                ));
            }
            out.push_str("</tfoot>\n");
        }
        out.push_str("</table>\n");
        out
    }
}
