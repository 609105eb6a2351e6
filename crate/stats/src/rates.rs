//! Proportions (response, disease control, grade 3–4 adverse-event rates)
//! with Clopper–Pearson exact intervals as R's `binom.test` and Wilson score
//! intervals as `prop.test(correct = FALSE)`, and their comparison across
//! groups by the baseline-table rule (chi-squared, or Fisher's exact test
//! when an expected count is below 5).

use crate::contingency::{
    baseline_test, BaselineTest, BaselineTestOptions, ContingencyError, CountTable,
};
use crate::distributions::{beta_quantile, normal_quantile_two_sided};
use crate::warning::{GroupedMethod, KernelWarning};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which interval [`Proportion::conf_lower`]/[`Proportion::conf_upper`]
/// repeat (both are always computed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateCiMethod {
    /// Exact binomial interval (R `binom.test`), the usual choice for ORR.
    #[default]
    ClopperPearson,
    /// Score interval without continuity correction (R `prop.test(correct = FALSE)`).
    Wilson,
}

/// Options of [`proportion`] and [`compare`].
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct RateOptions {
    pub conf_level: f64,
    pub ci_method: RateCiMethod,
    /// How groups are compared (test choice, Fisher work limit).
    pub comparison: BaselineTestOptions,
}

impl Default for RateOptions {
    fn default() -> Self {
        RateOptions {
            conf_level: 0.95,
            ci_method: RateCiMethod::default(),
            comparison: BaselineTestOptions::default(),
        }
    }
}

/// A confidence interval for a proportion.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ProportionCi {
    pub lower: f64,
    pub upper: f64,
}

/// x of n patients with the outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Proportion {
    pub label: String,
    pub x: u64,
    pub n: u64,
    /// x / n.
    pub proportion: f64,
    pub conf_level: f64,
    pub clopper_pearson: ProportionCi,
    pub wilson: ProportionCi,
    /// The interval chosen by `ci_method`.
    pub ci_method: RateCiMethod,
    pub conf_lower: f64,
    pub conf_upper: f64,
}

/// Counts of one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateCount {
    pub label: String,
    /// Patients with the outcome.
    pub x: u64,
    /// Patients evaluated.
    pub n: u64,
}

/// Counts per group from patient-level data.
#[derive(Debug, Clone, Serialize)]
pub struct RateCounts {
    pub groups: Vec<RateCount>,
    /// Patients without an outcome or a group.
    pub n_missing: usize,
}

/// Rates by group and their comparison.
#[derive(Debug, Clone, Serialize)]
pub struct RateComparison {
    pub groups: Vec<Proportion>,
    /// All groups together.
    pub overall: Proportion,
    /// Groups (rows) by outcome yes/no (columns) tested by the baseline rule;
    /// `None` when no test is possible (fewer than two groups with patients,
    /// or everyone with the same outcome), with a warning.
    pub test: Option<BaselineTest>,
    pub warnings: Vec<KernelWarning>,
}

/// Why a rate could not be computed.
#[derive(Debug, Clone, PartialEq)]
pub enum RateError {
    /// n = 0 in the named group.
    NoPatients {
        label: String,
    },
    /// More patients with the outcome than evaluated.
    CountExceedsTotal {
        label: String,
        x: u64,
        n: u64,
    },
    InvalidConfLevel(f64),
    /// Outcome and group columns differ in length.
    LengthMismatch {
        outcomes: usize,
        groups: usize,
    },
    /// A group code does not index the labels (1-based row).
    InvalidGroup {
        row: usize,
        code: usize,
        n_labels: usize,
    },
    NoGroups,
    /// The comparison test failed.
    Comparison(ContingencyError),
}

impl fmt::Display for RateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RateError::NoPatients { label } => {
                write!(f, "Group \"{label}\" has no evaluated patients, so its rate is undefined.")
            }
            RateError::CountExceedsTotal { label, x, n } => write!(
                f,
                "Group \"{label}\": {x} patients with the outcome but only {n} evaluated; the count cannot exceed the total."
            ),
            RateError::InvalidConfLevel(c) => {
                write!(f, "Confidence level {c} must lie strictly between 0 and 1 (e.g. 0.95).")
            }
            RateError::LengthMismatch { outcomes, groups } => write!(
                f,
                "The outcome column has {outcomes} values but the group column has {groups}; every patient needs one of each (blank if missing)."
            ),
            RateError::InvalidGroup { row, code, n_labels } => {
                write!(f, "Row {row}: group code {code} does not match any of the {n_labels} group labels.")
            }
            RateError::NoGroups => write!(f, "No groups were given."),
            RateError::Comparison(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for RateError {}

/// Clopper–Pearson interval as `binom.test`: beta quantiles, with the
/// limits 0 and 1 at x = 0 and x = n.
fn clopper_pearson(x: u64, n: u64, conf_level: f64) -> ProportionCi {
    let alpha = 1.0 - conf_level;
    let (xf, nf) = (x as f64, n as f64);
    let lower = if x == 0 {
        0.0
    } else {
        beta_quantile(alpha / 2.0, xf, nf - xf + 1.0)
    };
    let upper = if x == n {
        1.0
    } else {
        beta_quantile(1.0 - alpha / 2.0, xf + 1.0, nf - xf)
    };
    ProportionCi { lower, upper }
}

/// Wilson score interval as `prop.test(x, n, correct = FALSE)$conf.int`.
fn wilson(x: u64, n: u64, conf_level: f64) -> ProportionCi {
    let z = normal_quantile_two_sided(conf_level).unwrap_or(f64::NAN);
    let (xf, nf) = (x as f64, n as f64);
    let p = xf / nf;
    let z22n = z * z / (2.0 * nf);
    let half = z * (p * (1.0 - p) / nf + z22n / (2.0 * nf)).sqrt();
    let upper = if p >= 1.0 {
        1.0
    } else {
        (p + z22n + half) / (1.0 + 2.0 * z22n)
    };
    let lower = if p <= 0.0 {
        0.0
    } else {
        (p + z22n - half) / (1.0 + 2.0 * z22n)
    };
    ProportionCi { lower, upper }
}

fn proportion_of(
    label: String,
    x: u64,
    n: u64,
    options: &RateOptions,
) -> Result<Proportion, RateError> {
    let conf_level = options.conf_level;
    if !(conf_level > 0.0 && conf_level < 1.0) {
        return Err(RateError::InvalidConfLevel(conf_level));
    }
    if n == 0 {
        return Err(RateError::NoPatients { label });
    }
    if x > n {
        return Err(RateError::CountExceedsTotal { label, x, n });
    }
    let clopper_pearson = clopper_pearson(x, n, conf_level);
    let wilson = wilson(x, n, conf_level);
    let chosen = match options.ci_method {
        RateCiMethod::ClopperPearson => clopper_pearson,
        RateCiMethod::Wilson => wilson,
    };
    Ok(Proportion {
        label,
        x,
        n,
        proportion: x as f64 / n as f64,
        conf_level,
        clopper_pearson,
        wilson,
        ci_method: options.ci_method,
        conf_lower: chosen.lower,
        conf_upper: chosen.upper,
    })
}

/// The proportion x / n with both intervals.
pub fn proportion(x: u64, n: u64, options: &RateOptions) -> Result<Proportion, RateError> {
    proportion_of(String::new(), x, n, options)
}

/// Counts of patients with the outcome per group (`None` = missing).
pub fn tabulate(
    outcome: &[Option<bool>],
    groups: &[Option<usize>],
    labels: &[String],
) -> Result<RateCounts, RateError> {
    if outcome.len() != groups.len() {
        return Err(RateError::LengthMismatch {
            outcomes: outcome.len(),
            groups: groups.len(),
        });
    }
    let mut counts: Vec<RateCount> = labels
        .iter()
        .map(|l| RateCount {
            label: l.clone(),
            x: 0,
            n: 0,
        })
        .collect();
    let mut n_missing = 0;
    for (i, (o, g)) in outcome.iter().zip(groups).enumerate() {
        let (Some(o), Some(g)) = (*o, *g) else {
            n_missing += 1;
            continue;
        };
        let c = counts.get_mut(g).ok_or(RateError::InvalidGroup {
            row: i + 1,
            code: g,
            n_labels: labels.len(),
        })?;
        c.n += 1;
        c.x += u64::from(o);
    }
    Ok(RateCounts {
        groups: counts,
        n_missing,
    })
}

/// Each group's rate with intervals, the overall rate, and the groups
/// compared (groups × outcome table) by the baseline rule, naming the test.
/// Groups without patients are listed in the warnings and left out.
pub fn compare(counts: &[RateCount], options: &RateOptions) -> Result<RateComparison, RateError> {
    if counts.is_empty() {
        return Err(RateError::NoGroups);
    }
    let mut warnings = Vec::new();
    let mut groups = Vec::new();
    for c in counts {
        if c.n == 0 {
            warnings.push(KernelWarning::EmptyGroup {
                group: c.label.clone(),
                method: GroupedMethod::Rates,
            });
            continue;
        }
        groups.push(proportion_of(c.label.clone(), c.x, c.n, options)?);
    }
    let x_all: u64 = groups.iter().map(|g| g.x).sum();
    let n_all: u64 = groups.iter().map(|g| g.n).sum();
    let overall = proportion_of("Overall".to_string(), x_all, n_all, options)?;
    let test = if groups.len() < 2 {
        warnings.push(KernelWarning::TooFewGroupsToCompare);
        None
    } else if x_all == 0 || x_all == n_all {
        warnings.push(KernelWarning::SameOutcomeForAll);
        None
    } else {
        let rows = groups.iter().map(|g| vec![g.x, g.n - g.x]).collect();
        let labels = groups.iter().map(|g| g.label.clone()).collect();
        let table =
            CountTable::with_labels(rows, labels, vec!["yes".to_string(), "no".to_string()])
                .map_err(RateError::Comparison)?;
        let test = baseline_test(&table, &options.comparison).map_err(RateError::Comparison)?;
        warnings.extend(test.warnings.iter().cloned());
        Some(test)
    };
    Ok(RateComparison {
        groups,
        overall,
        test,
        warnings,
    })
}
