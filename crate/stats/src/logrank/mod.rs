//! Log-rank test and the Fleming–Harrington G(rho, gamma) family for k
//! groups, optionally stratified, as R survival 3.5's `survdiff()` (rho = 1 is
//! what R calls Peto–Peto); plus the test for trend across ordered groups
//! (Collett 2015, 3.3.2) and pairwise comparisons with `p.adjust` corrections.

mod pairwise;
mod trend;

pub use pairwise::{
    p_adjust, pairwise, pairwise_tallied, PAdjust, PairComparison, PairwiseLogrank, PairwiseOptions,
};
pub use trend::{trend, LogrankTrend};

use crate::distributions::chi_square_upper;
use crate::km::{self, Grouping, KmError, Record};
use crate::linalg::{Cholesky, SymMatrix, CHOLESKY_TOLERANCE};
use crate::tally::TimeTallies;
use crate::warning::{GroupedMethod, KernelWarning};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// Weights of the test at each event time: S(t-)^rho (1 - S(t-))^gamma, S the
/// left-continuous Kaplan–Meier of all groups pooled (within stratum).
/// Defaults rho = gamma = 0: the log-rank test. `gamma` is not in survdiff
/// (which has only rho); gamma > 0 weights late differences.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct LogrankOptions {
    pub rho: f64,
    pub gamma: f64,
}

impl Default for LogrankOptions {
    fn default() -> Self {
        LogrankOptions {
            rho: 0.0,
            gamma: 0.0,
        }
    }
}

/// The data of a (stratified) k-group comparison.
#[derive(Debug, Clone, Copy)]
pub struct LogrankInput<'a> {
    pub time: &'a [f64],
    pub event: &'a [bool],
    pub groups: Grouping<'a>,
    /// Strata (R's `strata()` term): observed, expected and variance are
    /// computed within each stratum and summed.
    pub strata: Option<Grouping<'a>>,
}

/// Result of [`fit`], named as R's survdiff object.
#[derive(Debug, Clone, Serialize)]
pub struct LogrankFit {
    pub rho: f64,
    pub gamma: f64,
    pub groups: Vec<String>,
    pub n: Vec<usize>,
    /// Observed events (weighted when rho or gamma is not 0, as survdiff).
    pub obs: Vec<f64>,
    pub exp: Vec<f64>,
    pub o_minus_e: Vec<f64>,
    pub o_minus_e_sq_over_e: Vec<f64>,
    /// Variance matrix of O - E (rows = groups).
    pub var: Vec<Vec<f64>>,
    pub chisq: f64,
    /// Groups with expected > 0, minus 1.
    pub df: usize,
    pub p: f64,
    pub n_strata: usize,
    pub warnings: Vec<KernelWarning>,
}

/// Why a log-rank test could not be computed.
#[derive(Debug, Clone, PartialEq)]
pub enum LogrankError {
    /// Time, event or group column problem (shared with Kaplan–Meier).
    Input(KmError),
    /// A stratum code does not index the stratum labels (row is 1-based).
    InvalidStratum {
        row: usize,
        code: usize,
        n_labels: usize,
    },
    /// Fewer than two groups have patients.
    TooFewGroups(usize),
    /// No events at all: nothing to compare.
    NoEvents,
    /// Only one group has patients at risk at event times.
    NoComparison,
    /// rho or gamma negative or not finite.
    InvalidWeight { name: &'static str, value: f64 },
    /// Trend scores: wrong number, not finite, or all equal.
    InvalidScores(String),
    /// The variance matrix is not positive semi-definite (numerical failure).
    SingularVariance,
}

impl fmt::Display for LogrankError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogrankError::Input(e) => e.fmt(f),
            LogrankError::InvalidStratum { row, code, n_labels } => write!(
                f,
                "Row {row}: stratum code {code} does not match any of the {n_labels} stratum labels."
            ),
            LogrankError::TooFewGroups(n) => write!(
                f,
                "A log-rank test compares at least two groups, but {n} group(s) have patients; choose a grouping column with two or more values."
            ),
            LogrankError::NoEvents => write!(f, "No patient has an event, so survival cannot be compared between groups."),
            LogrankError::NoComparison => write!(
                f,
                "Only one group has patients at risk when events occur, so there is nothing to compare."
            ),
            LogrankError::InvalidWeight { name, value } => write!(
                f,
                "The weight parameter {name} = {value} must be a number >= 0 (0 gives the ordinary log-rank test)."
            ),
            LogrankError::InvalidScores(why) => write!(f, "Trend test scores: {why}."),
            LogrankError::SingularVariance => write!(
                f,
                "The variance of the observed-minus-expected counts could not be inverted; the groups may be too small."
            ),
        }
    }
}

impl std::error::Error for LogrankError {}

impl From<KmError> for LogrankError {
    fn from(e: KmError) -> Self {
        LogrankError::Input(e)
    }
}

/// k-group (stratified) log-rank / G(rho, gamma) test, as `survdiff(Surv(time,
/// event) ~ group + strata(s), rho = rho)`.
pub fn fit(input: &LogrankInput, options: &LogrankOptions) -> Result<LogrankFit, LogrankError> {
    check_weights(options)?;
    test(&SortedData::new(input)?, input.groups.labels, options)
}

/// The unstratified [`fit`] from data already tallied by `labels`' groups.
pub fn fit_tallied(
    tallies: &TimeTallies,
    labels: &[String],
    options: &LogrankOptions,
) -> Result<LogrankFit, LogrankError> {
    check_weights(options)?;
    test(&SortedData::tallied(tallies, labels)?, labels, options)
}

fn test(
    data: &SortedData,
    labels: &[String],
    options: &LogrankOptions,
) -> Result<LogrankFit, LogrankError> {
    let k = labels.len();
    let n = data.group_totals(k);
    let present = n.iter().filter(|&&m| m > 0).count();
    if present < 2 {
        return Err(LogrankError::TooFewGroups(present));
    }
    if !data.strata.iter().any(|t| t.events() > 0) {
        return Err(LogrankError::NoEvents);
    }
    let identity: Vec<Option<usize>> = (0..k).map(Some).collect();
    let acc = data.accumulate(&identity, k, options);

    let mut warnings = Vec::new();
    for (label, &m) in labels.iter().zip(&n) {
        if m == 0 {
            warnings.push(KernelWarning::EmptyGroup {
                group: label.clone(),
                method: GroupedMethod::Logrank,
            });
        }
    }
    let test = chi_square(&acc)?;
    if test.df == 0 {
        return Err(LogrankError::NoComparison);
    }
    if test.rank_deficient {
        warnings.push(KernelWarning::GeneralisedInverse);
    }
    let o_minus_e: Vec<f64> = acc.obs.iter().zip(&acc.exp).map(|(o, e)| o - e).collect();
    let o_minus_e_sq_over_e = o_minus_e
        .iter()
        .zip(&acc.exp)
        .map(|(d, e)| d * d / e)
        .collect();
    Ok(LogrankFit {
        rho: options.rho,
        gamma: options.gamma,
        groups: labels.to_vec(),
        n,
        obs: acc.obs,
        exp: acc.exp,
        o_minus_e,
        o_minus_e_sq_over_e,
        var: acc.var,
        chisq: test.chisq,
        df: test.df,
        p: test.p,
        n_strata: data.strata.len(),
        warnings,
    })
}

fn check_weights(options: &LogrankOptions) -> Result<(), LogrankError> {
    for (name, value) in [("rho", options.rho), ("gamma", options.gamma)] {
        if !(value.is_finite() && value >= 0.0) {
            return Err(LogrankError::InvalidWeight { name, value });
        }
    }
    Ok(())
}

/// Each non-empty stratum's rows sorted once and tallied by time: every
/// test (overall, pairwise) is then one pass over the distinct times.
struct SortedData<'a> {
    strata: Vec<Cow<'a, TimeTallies>>,
}

/// Weighted observed, expected and variance sums.
struct Accum {
    obs: Vec<f64>,
    exp: Vec<f64>,
    var: Vec<Vec<f64>>,
}

struct ChiSquare {
    chisq: f64,
    df: usize,
    p: f64,
    rank_deficient: bool,
}

impl<'a> SortedData<'a> {
    fn new(input: &LogrankInput) -> Result<SortedData<'static>, LogrankError> {
        let g = &input.groups;
        let Some(strata) = &input.strata else {
            let tallies = TimeTallies::new(input.time, input.event, Some(g))?;
            return Ok(SortedData {
                strata: vec![Cow::Owned(tallies)],
            });
        };
        km::validate(input.time, input.event, Some(g))?;
        if strata.codes.len() != input.time.len() {
            return Err(KmError::LengthMismatch {
                column: "stratum",
                expected: input.time.len(),
                found: strata.codes.len(),
            }
            .into());
        }
        for (i, &code) in strata.codes.iter().enumerate() {
            if code >= strata.labels.len() {
                return Err(LogrankError::InvalidStratum {
                    row: i + 1,
                    code,
                    n_labels: strata.labels.len(),
                });
            }
        }
        // Rows placed by stratum first (counting sort), then each stratum
        // sorted by time and tallied: the record needs no stratum field.
        let mut next = vec![0usize; strata.labels.len() + 1];
        for &code in strata.codes {
            next[code + 1] += 1;
        }
        for s in 1..next.len() {
            next[s] += next[s - 1];
        }
        let bounds = next.clone();
        let mut recs = vec![Record::new(0.0, 0, false); input.time.len()];
        for (i, &code) in strata.codes.iter().enumerate() {
            recs[next[code]] = Record::new(input.time[i], g.codes[i], input.event[i]);
            next[code] += 1;
        }
        let k = g.labels.len();
        let strata = bounds
            .windows(2)
            .filter(|w| w[1] > w[0])
            .map(|w| {
                let rows = &mut recs[w[0]..w[1]];
                km::sort_by_time(rows);
                Cow::Owned(TimeTallies::from_sorted(rows, k))
            })
            .collect();
        Ok(SortedData { strata })
    }

    fn tallied(
        tallies: &'a TimeTallies,
        labels: &[String],
    ) -> Result<SortedData<'a>, LogrankError> {
        if tallies.n_groups() != labels.len() {
            return Err(KmError::LengthMismatch {
                column: "group labels",
                expected: tallies.n_groups(),
                found: labels.len(),
            }
            .into());
        }
        Ok(SortedData {
            strata: vec![Cow::Borrowed(tallies)],
        })
    }

    /// Patients per group, over the strata.
    fn group_totals(&self, k: usize) -> Vec<usize> {
        let mut n = vec![0usize; k];
        for s in &self.strata {
            for (t, v) in n.iter_mut().zip(s.group_n()) {
                *t += v;
            }
        }
        n
    }

    /// One pass over the distinct times. `map[g]` is the position of group g in
    /// the test (None = not in this comparison); `k` is the number of positions.
    fn accumulate(&self, map: &[Option<usize>], k: usize, options: &LogrankOptions) -> Accum {
        let mut acc = Accum {
            obs: vec![0.0; k],
            exp: vec![0.0; k],
            var: vec![vec![0.0; k]; k],
        };
        let weighted = options.rho != 0.0 || options.gamma != 0.0;
        // Position of each group in the test, OUT for groups left out: one
        // compare per tally in the hot loop.
        const OUT: usize = usize::MAX;
        let pos: Vec<usize> = map.iter().map(|m| m.unwrap_or(OUT)).collect();
        let mut risk = vec![0.0f64; k];
        let mut deaths = vec![0u32; k];
        let mut leaving = vec![0u32; k];
        for tallies in &self.strata {
            risk.iter_mut().for_each(|r| *r = 0.0);
            for (&l, &c) in pos.iter().zip(tallies.group_n()) {
                if let Some(r) = risk.get_mut(l) {
                    *r += c as f64;
                }
            }
            let mut n_risk: f64 = risk.iter().sum();
            // Pooled Kaplan–Meier just before the current time (survdiff's
            // left-continuous curve).
            let mut km = 1.0f64;
            for (_, groups) in tallies.iter() {
                let mut total_deaths = 0u32;
                let mut total_leaving = 0u32;
                for tally in groups {
                    let l = pos.get(tally.group).copied().unwrap_or(OUT);
                    if l != OUT {
                        let (e, left) =
                            (tally.events as u32, (tally.events + tally.censored) as u32);
                        leaving[l] += left;
                        deaths[l] += e;
                        total_leaving += left;
                        total_deaths += e;
                    }
                }
                if total_leaving == 0 {
                    continue;
                }
                if total_deaths > 0 {
                    let d = total_deaths as f64;
                    let wt = if weighted {
                        km.powf(options.rho) * (1.0 - km).powf(options.gamma)
                    } else {
                        1.0
                    };
                    // One division per event time: 1/(n(n-1)) gives 1/n too.
                    let inv_nn1 = if n_risk > 1.0 {
                        1.0 / (n_risk * (n_risk - 1.0))
                    } else {
                        0.0
                    };
                    let inv_n = if n_risk > 1.0 {
                        (n_risk - 1.0) * inv_nn1
                    } else {
                        1.0 / n_risk
                    };
                    let share = wt * d * inv_n;
                    for l in 0..k {
                        acc.obs[l] += wt * deaths[l] as f64;
                        acc.exp[l] += share * risk[l];
                    }
                    // Hypergeometric variance: c r_j (delta_jk - r_k / n).
                    if n_risk > 1.0 {
                        let c = wt * wt * d * (n_risk - d) * inv_nn1;
                        for j in 0..k {
                            if risk[j] == 0.0 {
                                continue;
                            }
                            let tmp = c * risk[j];
                            let row = &mut acc.var[j];
                            row[j] += tmp;
                            let tmp_n = tmp * inv_n;
                            for (v, r) in row.iter_mut().zip(&risk) {
                                *v -= tmp_n * r;
                            }
                        }
                    }
                    km *= (n_risk - d) * inv_n;
                }
                for l in 0..k {
                    risk[l] -= leaving[l] as f64;
                    leaving[l] = 0;
                    deaths[l] = 0;
                }
                n_risk -= total_leaving as f64;
            }
        }
        acc
    }
}

/// survdiff's statistic: groups with expected > 0, the first of them dropped,
/// (O - E)' V⁻ (O - E). A generalised inverse (aliased pivots zeroed)
/// replaces R's `solve`, which would stop on a singular matrix.
fn chi_square(acc: &Accum) -> Result<ChiSquare, LogrankError> {
    let used: Vec<usize> = (0..acc.exp.len()).filter(|&g| acc.exp[g] > 0.0).collect();
    let df = used.len().saturating_sub(1);
    if df == 0 {
        return Ok(ChiSquare {
            chisq: 0.0,
            df,
            p: 1.0,
            rank_deficient: false,
        });
    }
    let kept = &used[1..];
    let u: Vec<f64> = kept.iter().map(|&g| acc.obs[g] - acc.exp[g]).collect();
    let rows: Vec<Vec<f64>> = kept
        .iter()
        .map(|&i| kept.iter().map(|&j| acc.var[i][j]).collect())
        .collect();
    let chol = Cholesky::new(&SymMatrix::from_rows(&rows), CHOLESKY_TOLERANCE)
        .ok_or(LogrankError::SingularVariance)?;
    let x = chol.solve(&u);
    let chisq: f64 = x.iter().zip(&u).map(|(a, b)| a * b).sum();
    Ok(ChiSquare {
        chisq,
        df,
        p: chi_square_upper(chisq, df as f64),
        rank_deficient: chol.rank() < df,
    })
}

#[cfg(test)]
mod tests;
