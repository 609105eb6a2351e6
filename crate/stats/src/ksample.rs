//! Comparing a numeric variable across groups, as R's `kruskal.test`,
//! `summary(aov())`, `oneway.test` (Welch), `wilcox.test` (rank sum) and
//! `t.test` (Welch), with per-group summaries (`quantile` type 7) for a
//! baseline table.

use crate::distributions::{chi_square_upper, f_upper, normal_two_sided, t_quantile_two_sided};
use crate::warning::{GroupedMethod, KSampleTest, KernelWarning};
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};
use std::fmt;

/// A numeric variable with a group per patient; `None` is missing.
#[derive(Debug, Clone, Copy)]
pub struct GroupedValues<'a> {
    pub values: &'a [Option<f64>],
    /// Group codes indexing `labels`.
    pub groups: &'a [Option<usize>],
    pub labels: &'a [String],
}

/// Summary statistics of one group.
#[derive(Debug, Clone, Serialize)]
pub struct GroupSummary {
    pub label: String,
    /// Patients with a value.
    pub n: usize,
    /// Patients of this group without a value.
    pub n_missing: usize,
    pub mean: Option<f64>,
    /// Sample standard deviation (n - 1); `None` below two values.
    pub sd: Option<f64>,
    pub median: Option<f64>,
    /// Quartiles as R's `quantile(x, c(0.25, 0.75))` (type 7).
    pub q1: Option<f64>,
    pub q3: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// Kruskal–Wallis rank sum test with R's tie correction.
#[derive(Debug, Clone, Serialize)]
pub struct KruskalWallis {
    pub method: String,
    /// Kruskal–Wallis chi-squared.
    pub statistic: f64,
    pub df: usize,
    pub p: f64,
    pub n: usize,
    pub n_groups: usize,
}

/// One-way analysis of variance (equal variances), as `summary(aov())`.
#[derive(Debug, Clone, Serialize)]
pub struct OneWayAnova {
    pub method: String,
    pub f_value: f64,
    pub df1: usize,
    pub df2: usize,
    pub p: f64,
    pub ss_between: f64,
    pub ss_within: f64,
    pub ms_between: f64,
    pub ms_within: f64,
}

/// Welch's one-way analysis of means (`oneway.test(var.equal = FALSE)`).
#[derive(Debug, Clone, Serialize)]
pub struct WelchAnova {
    pub method: String,
    pub f_value: f64,
    pub df1: f64,
    pub df2: f64,
    pub p: f64,
}

/// Options of [`wilcoxon_rank_sum`]; defaults are R's.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct WilcoxonOptions {
    /// Exact p-value: `None` = R's `exact = NULL` (exact when both groups
    /// have fewer than 50 values and there are no ties).
    pub exact: Option<bool>,
    /// Continuity correction of the normal approximation.
    pub correct: bool,
}

impl Default for WilcoxonOptions {
    fn default() -> Self {
        WilcoxonOptions {
            exact: None,
            correct: true,
        }
    }
}

/// Wilcoxon rank sum (Mann–Whitney) test of two groups, as `wilcox.test`.
#[derive(Debug, Clone, Serialize)]
pub struct WilcoxonRankSum {
    pub method: String,
    /// R's W: rank sum of the first group minus n_x (n_x + 1) / 2.
    pub w: f64,
    pub p: f64,
    /// Whether the exact distribution of W was used.
    pub exact: bool,
    /// Normal deviate of the approximation (continuity-corrected when
    /// `correct`); `None` for the exact test.
    pub z: Option<f64>,
    pub label_x: String,
    pub label_y: String,
    pub n_x: usize,
    pub n_y: usize,
    pub warnings: Vec<KernelWarning>,
}

/// Options of [`welch_t_test`].
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct TTestOptions {
    pub conf_level: f64,
}

impl Default for TTestOptions {
    fn default() -> Self {
        TTestOptions { conf_level: 0.95 }
    }
}

/// Welch two-sample t-test (`t.test(var.equal = FALSE)`): first group
/// minus second.
#[derive(Debug, Clone, Serialize)]
pub struct WelchTTest {
    pub method: String,
    pub t: f64,
    pub df: f64,
    pub p: f64,
    pub mean_x: f64,
    pub mean_y: f64,
    pub mean_difference: f64,
    pub std_err: f64,
    pub conf_lower: f64,
    pub conf_upper: f64,
    pub conf_level: f64,
    pub label_x: String,
    pub label_y: String,
}

/// Options of [`fit`].
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct KSampleOptions {
    /// Confidence level of the t-test interval.
    pub conf_level: f64,
    pub wilcoxon: WilcoxonOptions,
}

impl Default for KSampleOptions {
    fn default() -> Self {
        KSampleOptions {
            conf_level: 0.95,
            wilcoxon: WilcoxonOptions::default(),
        }
    }
}

/// Everything a baseline table may show for a numeric variable: per-group
/// summaries and the tests that apply (two-group tests only with exactly
/// two non-empty groups). A test that cannot be computed is `None`, with a
/// warning saying why.
#[derive(Debug, Clone, Serialize)]
pub struct KSampleFit {
    /// Patients with both a value and a group.
    pub n: usize,
    /// Patients left out for a missing value or group.
    pub n_missing: usize,
    pub groups: Vec<GroupSummary>,
    pub kruskal: Option<KruskalWallis>,
    pub anova: Option<OneWayAnova>,
    pub welch: Option<WelchAnova>,
    pub wilcoxon: Option<WilcoxonRankSum>,
    pub welch_t: Option<WelchTTest>,
    pub warnings: Vec<KernelWarning>,
}

/// Why a comparison could not be computed.
#[derive(Debug, Clone, PartialEq)]
pub enum KSampleError {
    /// The value and group columns differ in length.
    LengthMismatch {
        values: usize,
        groups: usize,
    },
    /// A group code does not index the labels (1-based row).
    InvalidGroup {
        row: usize,
        code: usize,
        n_labels: usize,
    },
    /// A value is infinite or NaN (1-based row).
    InvalidValue {
        row: usize,
        value: f64,
    },
    /// Fewer non-empty groups than the test needs.
    TooFewGroups {
        found: usize,
        needed: usize,
    },
    /// A two-sample test with more than two non-empty groups.
    TooManyGroups {
        found: usize,
    },
    /// Fewer values than the test needs (overall or in a named group).
    TooFewValues {
        group: Option<String>,
        found: usize,
        needed: usize,
    },
    /// Every value is the same: ranks carry no information.
    AllValuesTied,
    /// No variation within groups (or within the named group).
    ZeroVariance {
        group: Option<String>,
    },
    InvalidConfLevel(f64),
}

impl fmt::Display for KSampleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KSampleError::LengthMismatch { values, groups } => write!(
                f,
                "The value column has {values} entries but the group column has {groups}; every patient needs one of each (blank if missing)."
            ),
            KSampleError::InvalidGroup { row, code, n_labels } => {
                write!(f, "Row {row}: group code {code} does not match any of the {n_labels} group labels.")
            }
            KSampleError::InvalidValue { row, value } => {
                write!(f, "Row {row}: value {value} is not a finite number; fix it or leave it blank.")
            }
            KSampleError::TooFewGroups { found, needed } => write!(
                f,
                "The comparison needs at least {needed} groups with values; only {found} group(s) have any."
            ),
            KSampleError::TooManyGroups { found } => write!(
                f,
                "A two-sample test compares exactly two groups; {found} groups have values (use Kruskal–Wallis or ANOVA)."
            ),
            KSampleError::TooFewValues { group: Some(g), found, needed } => write!(
                f,
                "Group \"{g}\" has {found} value(s); this test needs at least {needed} per group."
            ),
            KSampleError::TooFewValues { group: None, found, needed } => {
                write!(f, "Only {found} value(s) are available; this test needs at least {needed}.")
            }
            KSampleError::AllValuesTied => write!(f, "All values are identical, so the groups cannot be compared."),
            KSampleError::ZeroVariance { group: Some(g) } => write!(
                f,
                "All values in group \"{g}\" are identical; Welch's test needs variation within every group."
            ),
            KSampleError::ZeroVariance { group: None } => {
                write!(f, "There is no variation within the groups, so the F statistic is undefined.")
            }
            KSampleError::InvalidConfLevel(c) => {
                write!(f, "Confidence level {c} must lie strictly between 0 and 1 (e.g. 0.95).")
            }
        }
    }
}

impl std::error::Error for KSampleError {}

/// The values split by group, missing ones counted.
struct Samples {
    /// One entry per label, in label order.
    values: Vec<Vec<f64>>,
    n_missing: Vec<usize>,
    /// Rows without a group (value present or not).
    n_missing_group: usize,
    labels: Vec<String>,
}

impl Samples {
    fn new(input: &GroupedValues) -> Result<Samples, KSampleError> {
        if input.values.len() != input.groups.len() {
            return Err(KSampleError::LengthMismatch {
                values: input.values.len(),
                groups: input.groups.len(),
            });
        }
        let k = input.labels.len();
        let mut values = vec![Vec::new(); k];
        let mut n_missing = vec![0; k];
        let mut n_missing_group = 0;
        for (i, (v, g)) in input.values.iter().zip(input.groups).enumerate() {
            if let Some(v) = v {
                if !v.is_finite() {
                    return Err(KSampleError::InvalidValue {
                        row: i + 1,
                        value: *v,
                    });
                }
            }
            let Some(g) = *g else {
                n_missing_group += 1;
                continue;
            };
            let bad = KSampleError::InvalidGroup {
                row: i + 1,
                code: g,
                n_labels: k,
            };
            match v {
                Some(v) => values.get_mut(g).ok_or(bad)?.push(*v),
                None => *n_missing.get_mut(g).ok_or(bad)? += 1,
            }
        }
        Ok(Samples {
            values,
            n_missing,
            n_missing_group,
            labels: input.labels.to_vec(),
        })
    }

    /// Indices of the groups with values (R drops empty factor levels).
    fn non_empty(&self) -> Vec<usize> {
        (0..self.values.len())
            .filter(|&g| !self.values[g].is_empty())
            .collect()
    }

    fn label(&self, g: usize) -> String {
        self.labels.get(g).cloned().unwrap_or_default()
    }
}

/// Mean with R's second pass (corrects the rounding of the first sum).
fn mean(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    m + x.iter().map(|v| v - m).sum::<f64>() / n
}

fn sum_sq_dev(x: &[f64], m: f64) -> f64 {
    x.iter().map(|v| (v - m) * (v - m)).sum()
}

fn variance(x: &[f64]) -> f64 {
    sum_sq_dev(x, mean(x)) / (x.len() as f64 - 1.0)
}

/// R's `quantile(x, p, type = 7)` of sorted values.
fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let index = (n - 1) as f64 * p;
    let lo = index.floor();
    let h = index - lo;
    let lo = lo as usize;
    let hi = index.ceil() as usize;
    let (xl, xh) = (*sorted.get(lo)?, *sorted.get(hi)?);
    Some(if h > 0.0 && xh != xl {
        (1.0 - h) * xl + h * xh
    } else {
        xl
    })
}

fn summarize_group(label: String, values: &[f64], n_missing: usize) -> GroupSummary {
    let n = values.len();
    let mut sorted = values.to_vec();
    crate::sort::floats(&mut sorted);
    let median = match n {
        0 => None,
        _ if n % 2 == 1 => sorted.get(n / 2).copied(),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    };
    GroupSummary {
        label,
        n,
        n_missing,
        mean: (n > 0).then(|| mean(values)),
        sd: (n > 1).then(|| variance(values).sqrt()),
        median,
        q1: quantile_sorted(&sorted, 0.25),
        q3: quantile_sorted(&sorted, 0.75),
        min: sorted.first().copied(),
        max: sorted.last().copied(),
    }
}

/// Per-group n, missing, mean, SD, median, quartiles (type 7), min, max;
/// one entry per label, empty groups included.
pub fn summarize(input: &GroupedValues) -> Result<Vec<GroupSummary>, KSampleError> {
    let s = Samples::new(input)?;
    Ok(summaries(&s))
}

fn summaries(s: &Samples) -> Vec<GroupSummary> {
    (0..s.values.len())
        .map(|g| summarize_group(s.label(g), &s.values[g], s.n_missing[g]))
        .collect()
}

/// Average ranks (1-based) of the pooled values and sum(t³ - t) over ties.
fn ranks(pooled: &[f64]) -> (Vec<f64>, f64) {
    let mut order: Vec<usize> = (0..pooled.len()).collect();
    crate::sort::indices_by(&mut order, &|a, b| pooled[a].total_cmp(&pooled[b]));
    let mut r = vec![0.0; pooled.len()];
    let mut ties = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i + 1;
        while j < order.len() && pooled[order[j]] == pooled[order[i]] {
            j += 1;
        }
        let avg = (i + 1 + j) as f64 / 2.0;
        for &o in &order[i..j] {
            r[o] = avg;
        }
        let t = (j - i) as f64;
        ties += t * t * t - t;
        i = j;
    }
    (r, ties)
}

/// Kruskal–Wallis rank sum test as R's `kruskal.test(x ~ g)`.
pub fn kruskal_wallis(input: &GroupedValues) -> Result<KruskalWallis, KSampleError> {
    kruskal_of(&Samples::new(input)?)
}

fn kruskal_of(s: &Samples) -> Result<KruskalWallis, KSampleError> {
    let groups = s.non_empty();
    if groups.len() < 2 {
        return Err(KSampleError::TooFewGroups {
            found: groups.len(),
            needed: 2,
        });
    }
    let pooled: Vec<f64> = groups
        .iter()
        .flat_map(|&g| s.values[g].iter().copied())
        .collect();
    let n = pooled.len();
    let (r, ties) = ranks(&pooled);
    let nf = n as f64;
    let denom = 1.0 - ties / (nf * nf * nf - nf);
    if denom <= 0.0 {
        return Err(KSampleError::AllValuesTied);
    }
    let mut start = 0;
    let mut sum = 0.0;
    for &g in &groups {
        let len = s.values[g].len();
        let rank_sum: f64 = r[start..start + len].iter().sum();
        sum += rank_sum * rank_sum / len as f64;
        start += len;
    }
    let statistic = (12.0 * sum / (nf * (nf + 1.0)) - 3.0 * (nf + 1.0)) / denom;
    let df = groups.len() - 1;
    Ok(KruskalWallis {
        method: "Kruskal-Wallis rank sum test".to_string(),
        statistic,
        df,
        p: chi_square_upper(statistic, df as f64),
        n,
        n_groups: groups.len(),
    })
}

/// One-way ANOVA as `summary(aov(x ~ g))`.
pub fn oneway_anova(input: &GroupedValues) -> Result<OneWayAnova, KSampleError> {
    anova_of(&Samples::new(input)?)
}

fn anova_of(s: &Samples) -> Result<OneWayAnova, KSampleError> {
    let groups = s.non_empty();
    let k = groups.len();
    if k < 2 {
        return Err(KSampleError::TooFewGroups {
            found: k,
            needed: 2,
        });
    }
    let pooled: Vec<f64> = groups
        .iter()
        .flat_map(|&g| s.values[g].iter().copied())
        .collect();
    let n = pooled.len();
    if n <= k {
        return Err(KSampleError::TooFewValues {
            group: None,
            found: n,
            needed: k + 1,
        });
    }
    let grand = mean(&pooled);
    let mut ss_between = 0.0;
    let mut ss_within = 0.0;
    for &g in &groups {
        let x = &s.values[g];
        let m = mean(x);
        ss_between += x.len() as f64 * (m - grand) * (m - grand);
        ss_within += sum_sq_dev(x, m);
    }
    if ss_within <= 0.0 {
        return Err(KSampleError::ZeroVariance { group: None });
    }
    let (df1, df2) = (k - 1, n - k);
    let ms_between = ss_between / df1 as f64;
    let ms_within = ss_within / df2 as f64;
    let f_value = ms_between / ms_within;
    Ok(OneWayAnova {
        method: "One-way analysis of variance".to_string(),
        f_value,
        df1,
        df2,
        p: f_upper(f_value, df1 as f64, df2 as f64),
        ss_between,
        ss_within,
        ms_between,
        ms_within,
    })
}

/// Welch's heteroscedastic one-way ANOVA as `oneway.test(x ~ g)`.
pub fn welch_anova(input: &GroupedValues) -> Result<WelchAnova, KSampleError> {
    welch_of(&Samples::new(input)?)
}

fn welch_of(s: &Samples) -> Result<WelchAnova, KSampleError> {
    let groups = s.non_empty();
    let k = groups.len();
    if k < 2 {
        return Err(KSampleError::TooFewGroups {
            found: k,
            needed: 2,
        });
    }
    let mut stats = Vec::with_capacity(k);
    for &g in &groups {
        let x = &s.values[g];
        if x.len() < 2 {
            return Err(KSampleError::TooFewValues {
                group: Some(s.label(g)),
                found: x.len(),
                needed: 2,
            });
        }
        let v = variance(x);
        if v <= 0.0 {
            return Err(KSampleError::ZeroVariance {
                group: Some(s.label(g)),
            });
        }
        let n = x.len() as f64;
        stats.push((n, mean(x), n / v));
    }
    let kf = k as f64;
    let sum_w: f64 = stats.iter().map(|&(_, _, w)| w).sum();
    let tmp: f64 = stats
        .iter()
        .map(|&(n, _, w)| (1.0 - w / sum_w).powi(2) / (n - 1.0))
        .sum::<f64>()
        / (kf * kf - 1.0);
    let m: f64 = stats.iter().map(|&(_, m, w)| w * m).sum::<f64>() / sum_w;
    let f_value = stats
        .iter()
        .map(|&(_, mi, w)| w * (mi - m) * (mi - m))
        .sum::<f64>()
        / ((kf - 1.0) * (1.0 + 2.0 * (kf - 2.0) * tmp));
    let df1 = kf - 1.0;
    let df2 = 1.0 / (3.0 * tmp);
    Ok(WelchAnova {
        method: "One-way analysis of means (not assuming equal variances)".to_string(),
        f_value,
        df1,
        df2,
        p: f_upper(f_value, df1, df2),
    })
}

/// The two non-empty groups of a two-sample test, first label first.
fn two_groups(s: &Samples) -> Result<(usize, usize), KSampleError> {
    let groups = s.non_empty();
    match groups.as_slice() {
        [x, y] => Ok((*x, *y)),
        _ if groups.len() < 2 => Err(KSampleError::TooFewGroups {
            found: groups.len(),
            needed: 2,
        }),
        _ => Err(KSampleError::TooManyGroups {
            found: groups.len(),
        }),
    }
}

/// Wilcoxon rank sum test of the two non-empty groups as
/// `wilcox.test(x ~ g)`: exact when both groups have fewer than 50 values
/// and there are no ties, else the normal approximation with tie and
/// (by default) continuity correction.
pub fn wilcoxon_rank_sum(
    input: &GroupedValues,
    options: &WilcoxonOptions,
) -> Result<WilcoxonRankSum, KSampleError> {
    wilcoxon_of(&Samples::new(input)?, options)
}

fn wilcoxon_of(s: &Samples, options: &WilcoxonOptions) -> Result<WilcoxonRankSum, KSampleError> {
    let (gx, gy) = two_groups(s)?;
    let (x, y) = (&s.values[gx], &s.values[gy]);
    let (nx, ny) = (x.len(), y.len());
    let pooled: Vec<f64> = x.iter().chain(y).copied().collect();
    let (r, ties) = ranks(&pooled);
    let (nxf, nyf) = (nx as f64, ny as f64);
    let w = r[..nx].iter().sum::<f64>() - nxf * (nxf + 1.0) / 2.0;
    let has_ties = ties > 0.0;
    let mut warnings = Vec::new();
    let mut want_exact = options.exact.unwrap_or(nx < 50 && ny < 50);
    if want_exact && has_ties {
        warnings.push(KernelWarning::ExactPWithTies);
    }
    // The exact distribution needs a table of min(nx, ny) x (nx·ny) counts.
    let table_size = (nx.min(ny) as u64 + 1).saturating_mul(nx as u64 * ny as u64 + 1);
    if want_exact && !has_ties && table_size > MAX_EXACT_WILCOXON_TABLE {
        warnings.push(KernelWarning::ExactPTooLarge);
        want_exact = false;
    }
    let (label_x, label_y) = (s.label(gx), s.label(gy));
    if want_exact && !has_ties {
        let counts = rank_sum_counts(nx, ny);
        let total: f64 = counts.iter().sum();
        // W is an integer without ties.
        let wi = w.round() as usize;
        let one_sided = if w > nxf * nyf / 2.0 {
            counts.iter().skip(wi).sum::<f64>()
        } else {
            counts.iter().take(wi + 1).sum::<f64>()
        } / total;
        return Ok(WilcoxonRankSum {
            method: "Wilcoxon rank sum exact test".to_string(),
            w,
            p: (2.0 * one_sided).min(1.0),
            exact: true,
            z: None,
            label_x,
            label_y,
            n_x: nx,
            n_y: ny,
            warnings,
        });
    }
    let n = nxf + nyf;
    let sigma = ((nxf * nyf / 12.0) * ((n + 1.0) - ties / (n * (n - 1.0)))).sqrt();
    if sigma.is_nan() || sigma <= 0.0 {
        return Err(KSampleError::AllValuesTied);
    }
    let centred = w - nxf * nyf / 2.0;
    let correction = if options.correct {
        0.5 * centred.signum()
    } else {
        0.0
    };
    let z = (centred - correction) / sigma;
    let p = normal_two_sided(z);
    let method = if options.correct {
        "Wilcoxon rank sum test with continuity correction"
    } else {
        "Wilcoxon rank sum test"
    };
    Ok(WilcoxonRankSum {
        method: method.to_string(),
        w,
        p,
        exact: false,
        z: Some(z),
        label_x,
        label_y,
        n_x: nx,
        n_y: ny,
        warnings,
    })
}

/// Largest table of counts the exact rank-sum distribution may use (R's
/// default switches to the normal approximation from 50 per group anyway).
const MAX_EXACT_WILCOXON_TABLE: u64 = 4_000_000;

/// Number of ways each W = 0..=m·n arises when m of the ranks 1..m+n go to
/// the first group (R's `dwilcox` numerators), by adding one rank at a
/// time: a k-subset whose largest member is i has W = W(k-1 subset) + i - k.
fn rank_sum_counts(m: usize, n: usize) -> Vec<f64> {
    let (m, n) = (m.min(n), m.max(n));
    let max_w = m * n;
    // dp[k][w]: k-subsets of the ranks seen so far.
    let mut dp = vec![vec![0.0f64; max_w + 1]; m + 1];
    dp[0][0] = 1.0;
    for i in 1..=(m + n) {
        for k in (1..=m.min(i)).rev() {
            let shift = i - k;
            if shift > n {
                continue;
            }
            let (before, after) = dp.split_at_mut(k);
            let (prev, cur) = (&before[k - 1], &mut after[0]);
            // W of a (k-1)-subset of 1..i-1 is at most (k-1)(i-k).
            let top = ((k - 1) * (i - k)).min(max_w - shift);
            for w in 0..=top {
                cur[w + shift] += prev[w];
            }
        }
    }
    dp.pop().unwrap_or_default()
}

/// Welch two-sample t-test of the two non-empty groups as `t.test(x ~ g)`.
pub fn welch_t_test(
    input: &GroupedValues,
    options: &TTestOptions,
) -> Result<WelchTTest, KSampleError> {
    welch_t_of(&Samples::new(input)?, options)
}

fn welch_t_of(s: &Samples, options: &TTestOptions) -> Result<WelchTTest, KSampleError> {
    let conf_level = options.conf_level;
    if !(conf_level > 0.0 && conf_level < 1.0) {
        return Err(KSampleError::InvalidConfLevel(conf_level));
    }
    let (gx, gy) = two_groups(s)?;
    for g in [gx, gy] {
        if s.values[g].len() < 2 {
            return Err(KSampleError::TooFewValues {
                group: Some(s.label(g)),
                found: s.values[g].len(),
                needed: 2,
            });
        }
    }
    let (x, y) = (&s.values[gx], &s.values[gy]);
    let (nx, ny) = (x.len() as f64, y.len() as f64);
    let (mx, my) = (mean(x), mean(y));
    let (vx, vy) = (variance(x) / nx, variance(y) / ny);
    let std_err = (vx + vy).sqrt();
    // R: "data are essentially constant".
    if std_err.is_nan() || std_err == 0.0 || std_err < 10.0 * f64::EPSILON * mx.abs().max(my.abs())
    {
        return Err(KSampleError::ZeroVariance { group: None });
    }
    let df = (vx + vy).powi(2) / (vx * vx / (nx - 1.0) + vy * vy / (ny - 1.0));
    let t = (mx - my) / std_err;
    let dist =
        StudentsT::new(0.0, 1.0, df).map_err(|_| KSampleError::ZeroVariance { group: None })?;
    let p = 2.0 * dist.sf(t.abs());
    let q = t_quantile_two_sided(conf_level, df);
    Ok(WelchTTest {
        method: "Welch two-sample t-test".to_string(),
        t,
        df,
        p,
        mean_x: mx,
        mean_y: my,
        mean_difference: mx - my,
        std_err,
        conf_lower: (t - q) * std_err,
        conf_upper: (t + q) * std_err,
        conf_level,
        label_x: s.label(gx),
        label_y: s.label(gy),
    })
}

/// The result of a test for [`fit`], or a warning saying why there is none.
fn kept<T>(
    warnings: &mut Vec<KernelWarning>,
    test: KSampleTest,
    result: Result<T, KSampleError>,
) -> Option<T> {
    match result {
        Ok(v) => Some(v),
        Err(error) => {
            warnings.push(KernelWarning::TestNotComputed {
                test,
                error: error.to_string(),
            });
            None
        }
    }
}

/// Summaries and every applicable test for a numeric variable by group.
pub fn fit(input: &GroupedValues, options: &KSampleOptions) -> Result<KSampleFit, KSampleError> {
    if !(options.conf_level > 0.0 && options.conf_level < 1.0) {
        return Err(KSampleError::InvalidConfLevel(options.conf_level));
    }
    let s = Samples::new(input)?;
    let groups = summaries(&s);
    let n: usize = s.values.iter().map(Vec::len).sum();
    let n_missing = s.n_missing.iter().sum::<usize>() + s.n_missing_group;
    let mut warnings = Vec::new();
    for g in &groups {
        if g.n == 0 {
            warnings.push(KernelWarning::EmptyGroup {
                group: g.label.clone(),
                method: GroupedMethod::KSample,
            });
        }
    }
    let kruskal = kept(&mut warnings, KSampleTest::KruskalWallis, kruskal_of(&s));
    let anova = kept(&mut warnings, KSampleTest::Anova, anova_of(&s));
    let welch = kept(&mut warnings, KSampleTest::WelchAnova, welch_of(&s));
    let two = s.non_empty().len() == 2;
    let wilcoxon = if two {
        kept(
            &mut warnings,
            KSampleTest::WilcoxonRankSum,
            wilcoxon_of(&s, &options.wilcoxon),
        )
    } else {
        None
    };
    let t_options = TTestOptions {
        conf_level: options.conf_level,
    };
    let welch_t = if two {
        kept(
            &mut warnings,
            KSampleTest::WelchT,
            welch_t_of(&s, &t_options),
        )
    } else {
        None
    };
    if let Some(w) = &wilcoxon {
        warnings.extend(w.warnings.iter().cloned());
    }
    Ok(KSampleFit {
        n,
        n_missing,
        groups,
        kruskal,
        anova,
        welch,
        wilcoxon,
        welch_t,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_type_7() {
        let x = [1.0, 2.0, 3.0, 4.0];
        // index = 1 + 3p: p = 0.25 -> 1.75 -> 1.75; p = 0.75 -> 3.25.
        assert_eq!(quantile_sorted(&x, 0.25), Some(1.75));
        assert_eq!(quantile_sorted(&x, 0.75), Some(3.25));
        assert_eq!(quantile_sorted(&[5.0], 0.25), Some(5.0));
        assert_eq!(quantile_sorted(&[], 0.5), None);
    }

    #[test]
    fn rank_sum_counts_match_small_enumeration() {
        // m = 2, n = 2: subsets of {1,2,3,4} of size 2: W = sum - 3:
        // {1,2}=0 {1,3}=1 {1,4}=2 {2,3}=2 {2,4}=3 {3,4}=4.
        assert_eq!(rank_sum_counts(2, 2), vec![1.0, 1.0, 2.0, 1.0, 1.0]);
        let c = rank_sum_counts(7, 5);
        assert_eq!(c.iter().sum::<f64>(), 792.0); // C(12, 5)
        assert_eq!(c.len(), 36);
        // Symmetric about m·n/2.
        for w in 0..c.len() {
            assert_eq!(c[w], c[c.len() - 1 - w]);
        }
    }

    #[test]
    fn ranks_average_ties() {
        let (r, ties) = ranks(&[3.0, 1.0, 3.0, 2.0]);
        assert_eq!(r, vec![3.5, 1.0, 3.5, 2.0]);
        assert_eq!(ties, 6.0);
    }
}
