//! Tests of association in r x c tables of counts, as R's `chisq.test`
//! (Pearson, optional Yates correction for 2 x 2) and `fisher.test` (exact,
//! any r x c; conditional MLE odds ratio and exact CI for 2 x 2), and the
//! baseline-table rule of gtsummary: Fisher when an expected count is < 5.

mod fisher_2x2;
mod fisher_rxc;
mod fisher_simulated;

use crate::distributions::chi_square_upper;
use crate::warning::{KernelWarning, TableAxis};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Name of the test, as printed next to a p-value.
pub const PEARSON: &str = "Pearson's chi-squared test";
/// Name of the 2 x 2 test with continuity correction.
pub const PEARSON_YATES: &str = "Pearson's chi-squared test with Yates' continuity correction";
/// Name of Fisher's exact test.
pub const FISHER: &str = "Fisher's exact test";

/// Largest total the exact test accepts: the r x c work is bounded by
/// `max_steps`, but the 2 x 2 interval search is linear in the total.
const MAX_EXACT_TOTAL: u64 = 1_000_000;

/// An r x c table of counts with row and column labels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountTable {
    pub row_labels: Vec<String>,
    pub col_labels: Vec<String>,
    /// `counts[i][j]`: row i, column j.
    pub counts: Vec<Vec<u64>>,
}

impl CountTable {
    /// A table with labels "1", "2", ... for rows and columns.
    pub fn new(counts: Vec<Vec<u64>>) -> Result<Self, ContingencyError> {
        let n_rows = counts.len();
        let n_cols = counts.first().map_or(0, Vec::len);
        let row_labels = (1..=n_rows).map(|i| i.to_string()).collect();
        let col_labels = (1..=n_cols).map(|j| j.to_string()).collect();
        Self::with_labels(counts, row_labels, col_labels)
    }

    /// A table with the given labels (one per row and per column).
    pub fn with_labels(
        counts: Vec<Vec<u64>>,
        row_labels: Vec<String>,
        col_labels: Vec<String>,
    ) -> Result<Self, ContingencyError> {
        let n_cols = counts.first().map_or(0, Vec::len);
        if counts.is_empty() || n_cols == 0 {
            return Err(ContingencyError::EmptyTable);
        }
        for (i, row) in counts.iter().enumerate() {
            if row.len() != n_cols {
                return Err(ContingencyError::RaggedTable {
                    row: i + 1,
                    expected: n_cols,
                    found: row.len(),
                });
            }
        }
        if row_labels.len() != counts.len() {
            return Err(ContingencyError::LabelCount {
                which: "row",
                expected: counts.len(),
                found: row_labels.len(),
            });
        }
        if col_labels.len() != n_cols {
            return Err(ContingencyError::LabelCount {
                which: "column",
                expected: n_cols,
                found: col_labels.len(),
            });
        }
        let mut total: u64 = 0;
        for &x in counts.iter().flatten() {
            total = total
                .checked_add(x)
                .ok_or(ContingencyError::TotalTooLarge)?;
        }
        if total > (1u64 << 52) {
            return Err(ContingencyError::TotalTooLarge);
        }
        Ok(CountTable {
            row_labels,
            col_labels,
            counts,
        })
    }

    /// Checks a table whose public fields were set directly.
    fn check(&self) -> Result<(), ContingencyError> {
        CountTable::with_labels(
            self.counts.clone(),
            self.row_labels.clone(),
            self.col_labels.clone(),
        )
        .map(|_| ())
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.counts.len()
    }

    /// Number of columns.
    pub fn n_cols(&self) -> usize {
        self.counts.first().map_or(0, Vec::len)
    }

    /// Total of each row.
    pub fn row_totals(&self) -> Vec<u64> {
        self.counts.iter().map(|row| row.iter().sum()).collect()
    }

    /// Total of each column.
    pub fn col_totals(&self) -> Vec<u64> {
        (0..self.n_cols())
            .map(|j| {
                self.counts
                    .iter()
                    .map(|row| row.get(j).copied().unwrap_or(0))
                    .sum()
            })
            .collect()
    }

    /// Sum of all counts.
    pub fn total(&self) -> u64 {
        self.counts.iter().flatten().sum()
    }

    /// Rows become columns.
    pub fn transpose(&self) -> CountTable {
        let counts = (0..self.n_cols())
            .map(|j| {
                self.counts
                    .iter()
                    .map(|row| row.get(j).copied().unwrap_or(0))
                    .collect()
            })
            .collect();
        CountTable {
            row_labels: self.col_labels.clone(),
            col_labels: self.row_labels.clone(),
            counts,
        }
    }

    /// The table without all-zero rows and columns, with a warning for each
    /// one left out (R would return NaN for the chi-square statistic).
    fn without_empty(&self, warnings: &mut Vec<KernelWarning>) -> CountTable {
        let rows = self.row_totals();
        let cols = self.col_totals();
        for (label, _) in self.row_labels.iter().zip(&rows).filter(|(_, &t)| t == 0) {
            warnings.push(KernelWarning::EmptyRowOrColumn {
                axis: TableAxis::Row,
                label: label.clone(),
            });
        }
        for (label, _) in self.col_labels.iter().zip(&cols).filter(|(_, &t)| t == 0) {
            warnings.push(KernelWarning::EmptyRowOrColumn {
                axis: TableAxis::Column,
                label: label.clone(),
            });
        }
        let keep_cols: Vec<usize> = (0..cols.len()).filter(|&j| cols[j] > 0).collect();
        let mut out = CountTable {
            row_labels: Vec::new(),
            col_labels: Vec::new(),
            counts: Vec::new(),
        };
        out.col_labels = keep_cols
            .iter()
            .filter_map(|&j| self.col_labels.get(j).cloned())
            .collect();
        for (i, row) in self.counts.iter().enumerate() {
            if rows.get(i).copied().unwrap_or(0) == 0 {
                continue;
            }
            out.row_labels
                .push(self.row_labels.get(i).cloned().unwrap_or_default());
            out.counts.push(
                keep_cols
                    .iter()
                    .map(|&j| row.get(j).copied().unwrap_or(0))
                    .collect(),
            );
        }
        out
    }
}

/// A cross-tabulation and the rows left out because either value was
/// missing (as R's `table()`, which drops NA).
#[derive(Debug, Clone, Serialize)]
pub struct CrossTab {
    pub table: CountTable,
    pub n_missing: usize,
}

/// Counts of (row category, column category) pairs over patients; `None`
/// codes are missing. Every label gets a row/column, empty or not.
pub fn cross_tabulate(
    row_codes: &[Option<usize>],
    col_codes: &[Option<usize>],
    row_labels: &[String],
    col_labels: &[String],
) -> Result<CrossTab, ContingencyError> {
    if row_codes.len() != col_codes.len() {
        return Err(ContingencyError::LengthMismatch {
            expected: row_codes.len(),
            found: col_codes.len(),
        });
    }
    let mut counts = vec![vec![0u64; col_labels.len()]; row_labels.len()];
    let mut n_missing = 0;
    for (idx, (r, c)) in row_codes.iter().zip(col_codes).enumerate() {
        let (Some(r), Some(c)) = (*r, *c) else {
            n_missing += 1;
            continue;
        };
        let cell = counts.get_mut(r).ok_or(ContingencyError::InvalidCode {
            which: "row",
            row: idx + 1,
            code: r,
            n_labels: row_labels.len(),
        })?;
        let cell = cell.get_mut(c).ok_or(ContingencyError::InvalidCode {
            which: "column",
            row: idx + 1,
            code: c,
            n_labels: col_labels.len(),
        })?;
        *cell += 1;
    }
    let table = CountTable::with_labels(counts, row_labels.to_vec(), col_labels.to_vec())?;
    Ok(CrossTab { table, n_missing })
}

/// Options of [`chi_square`].
///
/// R's `chisq.test` applies the Yates correction to 2 x 2 tables by default
/// (`correct = TRUE`); baseline tables (gtsummary) do not, and neither does
/// this default. Tables larger than 2 x 2 are never corrected.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ChiSquareOptions {
    /// Yates' continuity correction for 2 x 2 tables, as R's `correct = TRUE`.
    pub continuity_correction: bool,
}

/// Pearson's chi-squared test of independence (R `chisq.test`).
#[derive(Debug, Clone, Serialize)]
pub struct ChiSquareTest {
    pub method: String,
    pub chisq: f64,
    pub df: usize,
    pub p: f64,
    /// The continuity correction subtracted from every |O - E|: R's
    /// min(0.5, min |O - E|) for a corrected 2 x 2 table, else 0.
    pub yates: f64,
    /// Expected counts under independence, row total × column total / n, of
    /// the table tested (empty rows and columns left out).
    pub expected: Vec<Vec<f64>>,
    pub min_expected: f64,
    pub n_cells_expected_lt5: usize,
    pub n: u64,
    pub row_labels: Vec<String>,
    pub col_labels: Vec<String>,
    pub warnings: Vec<KernelWarning>,
}

/// Pearson's chi-squared test as R's `chisq.test(x, correct = ...)`.
pub fn chi_square(
    table: &CountTable,
    options: &ChiSquareOptions,
) -> Result<ChiSquareTest, ContingencyError> {
    table.check()?;
    let mut warnings = Vec::new();
    let used = table.without_empty(&mut warnings);
    let (r, c) = (used.n_rows(), used.n_cols());
    if r < 2 || c < 2 {
        return Err(ContingencyError::TooFewCategories { rows: r, cols: c });
    }
    let rows = used.row_totals();
    let cols = used.col_totals();
    let n = used.total();
    let nf = n as f64;
    let expected: Vec<Vec<f64>> = rows
        .iter()
        .map(|&ri| cols.iter().map(|&cj| ri as f64 * cj as f64 / nf).collect())
        .collect();
    let deviations = || {
        used.counts
            .iter()
            .zip(&expected)
            .flat_map(|(o, e)| o.iter().zip(e).map(|(&o, &e)| (o as f64, e)))
    };
    let yates = if options.continuity_correction && r == 2 && c == 2 {
        deviations().map(|(o, e)| (o - e).abs()).fold(0.5, f64::min)
    } else {
        0.0
    };
    let chisq: f64 = deviations()
        .map(|(o, e)| ((o - e).abs() - yates).powi(2) / e)
        .sum();
    let df = (r - 1) * (c - 1);
    let p = chi_square_upper(chisq, df as f64);
    let min_expected = expected
        .iter()
        .flatten()
        .copied()
        .fold(f64::INFINITY, f64::min);
    let n_cells_expected_lt5 = expected.iter().flatten().filter(|&&e| e < 5.0).count();
    if n_cells_expected_lt5 > 0 {
        warnings.push(KernelWarning::SmallExpectedCounts {
            cells: n_cells_expected_lt5,
            min_expected,
        });
    }
    let method = if yates > 0.0 { PEARSON_YATES } else { PEARSON };
    Ok(ChiSquareTest {
        method: method.to_string(),
        chisq,
        df,
        p,
        yates,
        expected,
        min_expected,
        n_cells_expected_lt5,
        n,
        row_labels: used.row_labels,
        col_labels: used.col_labels,
        warnings,
    })
}

/// Options of [`fisher_exact`].
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct FisherOptions {
    /// Confidence level of the odds-ratio interval (2 x 2 tables).
    pub conf_level: f64,
    /// Work limit of the r x c algorithm in elementary steps (some 10⁷ per
    /// second natively, so the default gives up within a second or two);
    /// past it the test stops with an error instead of running on. Plays
    /// the role of R's `workspace`.
    pub max_steps: u64,
    /// Random tables of the Monte Carlo p-value used when the exact one is
    /// beyond its budget (R's `simulate.p.value = TRUE, B`).
    pub replicates: u64,
}

impl Default for FisherOptions {
    fn default() -> Self {
        FisherOptions {
            conf_level: 0.95,
            max_steps: 5_000_000,
            replicates: 10_000,
        }
    }
}

/// Odds ratio of a 2 x 2 table as `fisher.test` reports it.
#[derive(Debug, Clone, Serialize)]
pub struct FisherOddsRatio {
    /// Conditional maximum likelihood estimate (R's `estimate`): 0 or +inf
    /// when the top-left cell is at its smallest or largest possible value.
    pub or_conditional_mle: f64,
    /// Exact conditional confidence limits (R's `conf.int`), solved to
    /// machine precision (R's `uniroot` stops earlier).
    pub or_ci_lower: f64,
    pub or_ci_upper: f64,
    pub conf_level: f64,
    /// Sample odds ratio a·d / (b·c) (+inf or NaN with zero cells).
    pub or_sample: f64,
    /// Set when a zero cell puts the estimate at 0 or +∞ (+∞ reaches JS as
    /// null, so this says which and why; R prints `Inf`).
    pub estimate_at_boundary: Option<OddsRatioBoundary>,
}

/// Where a zero cell puts the conditional MLE odds ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OddsRatioBoundary {
    /// The top-left cell at its smallest possible value: the estimate is 0.
    Zero,
    /// The top-left cell at its largest possible value: the estimate is +∞
    /// and so is the upper confidence limit.
    Infinite,
}

/// Fisher's exact test (R `fisher.test`, two-sided).
#[derive(Debug, Clone, Serialize)]
pub struct FisherTest {
    pub method: String,
    /// Sum of the probabilities of all tables with the observed margins that
    /// are no more probable than the observed one (relative tolerance 1e-7
    /// for 2 x 2, as R; FEXACT's 3.45e-7 on the log scale for r x c).
    pub p: f64,
    pub n: u64,
    /// 2 x 2 tables only.
    pub odds_ratio: Option<FisherOddsRatio>,
    /// The number of random tables when the p-value was simulated (the
    /// exact computation being beyond its budget); `None` when exact.
    pub replicates: Option<u64>,
    pub warnings: Vec<KernelWarning>,
}

/// Fisher's exact test as R's `fisher.test(x)` (two-sided). 2 x 2 tables
/// also get the conditional MLE odds ratio and its exact CI; larger tables
/// are computed exactly by a network algorithm within `options.max_steps`
/// (and a memory budget), else [`ContingencyError::ExactTestTooLarge`]:
/// [`fisher_simulated`] then gives R's `simulate.p.value = TRUE` answer.
pub fn fisher_exact(
    table: &CountTable,
    options: &FisherOptions,
) -> Result<FisherTest, ContingencyError> {
    let conf_level = options.conf_level;
    if !(conf_level > 0.0 && conf_level < 1.0) {
        return Err(ContingencyError::InvalidConfLevel(conf_level));
    }
    table.check()?;
    let (r, c) = (table.n_rows(), table.n_cols());
    if r < 2 || c < 2 {
        return Err(ContingencyError::TooFewCategories { rows: r, cols: c });
    }
    let n = table.total();
    if n == 0 {
        return Err(ContingencyError::EmptyTable);
    }
    if n > MAX_EXACT_TOTAL {
        return Err(ContingencyError::ExactTestTooLarge {
            n_rows: r,
            n_cols: c,
            n,
            max_steps: options.max_steps,
        });
    }
    let mut warnings = Vec::new();
    let method = FISHER.to_string();
    if r == 2 && c == 2 {
        let x = &table.counts;
        let cell = |i: usize, j: usize| x.get(i).and_then(|row| row.get(j)).copied().unwrap_or(0);
        let f = fisher_2x2::fisher_2x2(cell(0, 0), cell(0, 1), cell(1, 0), cell(1, 1), conf_level);
        let odds_ratio = FisherOddsRatio {
            or_conditional_mle: f.or_conditional_mle,
            or_ci_lower: f.or_ci_lower,
            or_ci_upper: f.or_ci_upper,
            conf_level,
            or_sample: f.or_sample,
            estimate_at_boundary: if f.or_conditional_mle == f64::INFINITY {
                Some(OddsRatioBoundary::Infinite)
            } else if f.or_conditional_mle == 0.0 {
                Some(OddsRatioBoundary::Zero)
            } else {
                None
            },
        };
        return Ok(FisherTest {
            method,
            p: f.p,
            n,
            odds_ratio: Some(odds_ratio),
            replicates: None,
            warnings,
        });
    }
    let used = table.without_empty(&mut warnings);
    if used.n_rows() < 2 || used.n_cols() < 2 {
        // Only one table has these margins.
        return Ok(FisherTest {
            method,
            p: 1.0,
            n,
            odds_ratio: None,
            replicates: None,
            warnings,
        });
    }
    match fisher_rxc::p_value(&used.counts, options.max_steps) {
        Ok(exact) => Ok(FisherTest {
            method,
            p: exact.p,
            n,
            odds_ratio: None,
            replicates: None,
            warnings,
        }),
        Err(fisher_rxc::StepLimitReached) => Err(ContingencyError::ExactTestTooLarge {
            n_rows: r,
            n_cols: c,
            n,
            max_steps: options.max_steps,
        }),
    }
}

/// Fisher's test with a Monte Carlo p-value from `options.replicates`
/// random tables with the observed margins, as R's
/// `fisher.test(x, simulate.p.value = TRUE, B = replicates)`: for tables
/// whose exact p-value is beyond the budget. Seeded by the table, so the
/// same table gives the same p-value.
pub fn fisher_simulated(
    table: &CountTable,
    options: &FisherOptions,
) -> Result<FisherTest, ContingencyError> {
    table.check()?;
    if options.replicates == 0 {
        return Err(ContingencyError::InvalidReplicates);
    }
    let mut warnings = Vec::new();
    let used = table.without_empty(&mut warnings);
    let n = table.total();
    let p = if used.n_rows() < 2 || used.n_cols() < 2 {
        1.0
    } else {
        fisher_simulated::p_value(&used.counts, options.replicates)
    };
    Ok(FisherTest {
        method: format!(
            "{FISHER} (simulated p-value, {} replicates)",
            options.replicates
        ),
        p,
        n,
        odds_ratio: None,
        replicates: Some(options.replicates),
        warnings,
    })
}

/// Which test produced a baseline-table p-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineTestKind {
    ChiSquare,
    Fisher,
}

/// Options of [`baseline_test`]; defaults follow gtsummary.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct BaselineTestOptions {
    /// Fisher's test is used when any expected count is below this.
    pub expected_threshold: f64,
    /// Yates correction for 2 x 2 chi-square tests (tableone's choice;
    /// gtsummary and this default: none).
    pub continuity_correction: bool,
    pub fisher: FisherOptions,
}

impl Default for BaselineTestOptions {
    fn default() -> Self {
        BaselineTestOptions {
            expected_threshold: 5.0,
            continuity_correction: false,
            fisher: FisherOptions::default(),
        }
    }
}

/// The p-value of one baseline-table variable and the test that gave it.
#[derive(Debug, Clone, Serialize)]
pub struct BaselineTest {
    pub test: BaselineTestKind,
    /// Name to print next to the p-value, e.g. "Fisher's exact test".
    pub method: String,
    pub p: f64,
    pub min_expected: f64,
    pub chi_square: ChiSquareTest,
    /// Present when Fisher's test was chosen and could be computed.
    pub fisher: Option<FisherTest>,
    pub warnings: Vec<KernelWarning>,
}

/// gtsummary's rule for a categorical variable by group: Fisher's exact test
/// when any expected count is below 5, else Pearson's chi-squared test
/// without continuity correction. If the exact test is beyond its work limit
/// the chi-squared p-value is reported instead, with a warning.
pub fn baseline_test(
    table: &CountTable,
    options: &BaselineTestOptions,
) -> Result<BaselineTest, ContingencyError> {
    let chi = chi_square(
        table,
        &ChiSquareOptions {
            continuity_correction: options.continuity_correction,
        },
    )?;
    // Warnings about left-out rows/columns, without the chi-square advice.
    let mut warnings: Vec<KernelWarning> = chi
        .warnings
        .iter()
        .filter(|w| !matches!(w, KernelWarning::SmallExpectedCounts { .. }))
        .cloned()
        .collect();
    if chi.min_expected >= options.expected_threshold {
        warnings = chi.warnings.clone();
        return Ok(BaselineTest {
            test: BaselineTestKind::ChiSquare,
            method: chi.method.clone(),
            p: chi.p,
            min_expected: chi.min_expected,
            chi_square: chi,
            fisher: None,
            warnings,
        });
    }
    match fisher_exact(table, &options.fisher) {
        Ok(fisher) => Ok(BaselineTest {
            test: BaselineTestKind::Fisher,
            method: fisher.method.clone(),
            p: fisher.p,
            min_expected: chi.min_expected,
            chi_square: chi,
            fisher: Some(fisher),
            warnings,
        }),
        // Beyond the exact budget: R's answer is simulate.p.value = TRUE.
        Err(ContingencyError::ExactTestTooLarge {
            n_rows, n_cols, n, ..
        }) => {
            let fisher = fisher_simulated(table, &options.fisher)?;
            warnings.push(KernelWarning::FisherSimulated {
                n_rows,
                n_cols,
                n,
                replicates: options.fisher.replicates,
            });
            Ok(BaselineTest {
                test: BaselineTestKind::Fisher,
                method: fisher.method.clone(),
                p: fisher.p,
                min_expected: chi.min_expected,
                chi_square: chi,
                fisher: Some(fisher),
                warnings,
            })
        }
        Err(e) => Err(e),
    }
}

/// Why a contingency-table test could not be computed.
#[derive(Debug, Clone, PartialEq)]
pub enum ContingencyError {
    /// No rows, no columns, or no counts.
    EmptyTable,
    /// A row has a different number of cells (1-based row).
    RaggedTable {
        row: usize,
        expected: usize,
        found: usize,
    },
    /// Wrong number of row or column labels.
    LabelCount {
        which: &'static str,
        expected: usize,
        found: usize,
    },
    /// The counts add up to more than the tests can handle.
    TotalTooLarge,
    /// Fewer than two non-empty rows or columns.
    TooFewCategories {
        rows: usize,
        cols: usize,
    },
    /// The two category columns differ in length.
    LengthMismatch {
        expected: usize,
        found: usize,
    },
    /// A category code does not index the labels (1-based data row).
    InvalidCode {
        which: &'static str,
        row: usize,
        code: usize,
        n_labels: usize,
    },
    InvalidConfLevel(f64),
    /// A simulated p-value needs at least one random table.
    InvalidReplicates,
    /// The exact test would need more than the allowed work.
    ExactTestTooLarge {
        n_rows: usize,
        n_cols: usize,
        n: u64,
        max_steps: u64,
    },
}

impl fmt::Display for ContingencyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContingencyError::EmptyTable => write!(f, "The table has no patients to test."),
            ContingencyError::RaggedTable { row, expected, found } => write!(
                f,
                "Row {row} of the table has {found} counts but the first row has {expected}; every row needs one count per column."
            ),
            ContingencyError::LabelCount { which, expected, found } => write!(
                f,
                "The table has {expected} {which}s but {found} {which} labels were given."
            ),
            ContingencyError::TotalTooLarge => write!(f, "The counts in the table add up to more than can be tested."),
            ContingencyError::TooFewCategories { rows, cols } => write!(
                f,
                "A test needs at least two categories with patients on each side; this table has {rows} row(s) and {cols} column(s) with patients."
            ),
            ContingencyError::LengthMismatch { expected, found } => write!(
                f,
                "The two columns have {expected} and {found} values; every patient needs a value (or a blank) in each."
            ),
            ContingencyError::InvalidCode { which, row, code, n_labels } => write!(
                f,
                "Row {row}: {which} category code {code} does not match any of the {n_labels} {which} categories."
            ),
            ContingencyError::InvalidConfLevel(c) => {
                write!(f, "Confidence level {c} must lie strictly between 0 and 1 (e.g. 0.95).")
            }
            ContingencyError::InvalidReplicates => {
                write!(f, "A simulated p-value needs at least one random table (replicates >= 1).")
            }
            ContingencyError::ExactTestTooLarge { n_rows, n_cols, n, max_steps } => write!(
                f,
                "Fisher's exact test for this {n_rows} x {n_cols} table of {n} patients needs more than {max_steps} steps or more memory than allowed; merge sparse categories, or use the simulated p-value (R's simulate.p.value = TRUE) or the chi-squared test."
            ),
        }
    }
}

impl std::error::Error for ContingencyError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_square_of_a_hand_table() {
        // [[10, 20], [30, 40]]: E = [[12, 18], [28, 42]];
        // X² = 4/12 + 4/18 + 4/28 + 4/42.
        let t = CountTable::new(vec![vec![10, 20], vec![30, 40]]).unwrap();
        let chi = chi_square(&t, &ChiSquareOptions::default()).unwrap();
        let want = 4.0 / 12.0 + 4.0 / 18.0 + 4.0 / 28.0 + 4.0 / 42.0;
        assert!((chi.chisq - want).abs() < 1e-14);
        assert_eq!(chi.df, 1);
        assert_eq!(chi.method, PEARSON);
        // Yates: |O - E| = 2 -> 1.5.
        let yates = chi_square(
            &t,
            &ChiSquareOptions {
                continuity_correction: true,
            },
        )
        .unwrap();
        let want = 2.25 / 12.0 + 2.25 / 18.0 + 2.25 / 28.0 + 2.25 / 42.0;
        assert!((yates.chisq - want).abs() < 1e-14);
        assert_eq!(yates.method, PEARSON_YATES);
    }

    #[test]
    fn empty_rows_are_left_out_with_a_warning() {
        let t = CountTable::new(vec![vec![3, 4, 0], vec![0, 0, 0], vec![5, 1, 0]]).unwrap();
        let chi = chi_square(&t, &ChiSquareOptions::default()).unwrap();
        assert_eq!(chi.df, 1);
        assert_eq!(
            chi.warnings,
            [
                KernelWarning::EmptyRowOrColumn {
                    axis: TableAxis::Row,
                    label: "2".into()
                },
                KernelWarning::EmptyRowOrColumn {
                    axis: TableAxis::Column,
                    label: "3".into()
                },
                KernelWarning::SmallExpectedCounts {
                    cells: 4,
                    min_expected: chi.min_expected
                },
            ]
        );
        let one_row = CountTable::new(vec![vec![3, 4], vec![0, 0]]).unwrap();
        assert!(matches!(
            chi_square(&one_row, &ChiSquareOptions::default()),
            Err(ContingencyError::TooFewCategories { .. })
        ));
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert_eq!(CountTable::new(vec![]), Err(ContingencyError::EmptyTable));
        assert!(matches!(
            CountTable::new(vec![vec![1, 2], vec![3]]),
            Err(ContingencyError::RaggedTable { row: 2, .. })
        ));
        let t = CountTable::new(vec![vec![0, 0], vec![0, 0]]).unwrap();
        assert!(chi_square(&t, &ChiSquareOptions::default()).is_err());
        assert!(fisher_exact(&t, &FisherOptions::default()).is_err());
        let t = CountTable::new(vec![vec![1, 2], vec![3, 4]]).unwrap();
        let bad = FisherOptions {
            conf_level: 1.0,
            ..FisherOptions::default()
        };
        assert!(matches!(
            fisher_exact(&t, &bad),
            Err(ContingencyError::InvalidConfLevel(_))
        ));
        let codes = [Some(0), Some(5)];
        let labels = ["a".to_string(), "b".to_string()];
        assert!(cross_tabulate(&codes, &codes, &labels, &labels).is_err());
    }
}
