//! Log-rank (or G(rho, gamma)) tests between every pair of groups, each on the
//! two groups' patients alone (as survminer's `pairwise_survdiff`), with the
//! p-values adjusted for multiplicity as R's `p.adjust`.

use super::{check_weights, chi_square, LogrankError, LogrankInput, LogrankOptions, SortedData};
use crate::tally::TimeTallies;
use crate::warning::KernelWarning;
use serde::{Deserialize, Serialize};

/// Multiplicity correction, as R's `p.adjust(method = )`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PAdjust {
    /// Holm's step-down (R's default).
    #[default]
    Holm,
    /// Benjamini–Hochberg false discovery rate (R "BH" / "fdr").
    #[serde(alias = "BH", alias = "fdr")]
    Bh,
    Bonferroni,
    None,
}

/// Options of [`pairwise`]: the test weights and the correction.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PairwiseOptions {
    pub rho: f64,
    pub gamma: f64,
    pub p_adjust: PAdjust,
}

/// One pair's test; `None` where the pair cannot be compared (a group
/// without patients, or no events in the pair).
#[derive(Debug, Clone, Serialize)]
pub struct PairComparison {
    pub group_a: String,
    pub group_b: String,
    pub n_a: usize,
    pub n_b: usize,
    pub chisq: Option<f64>,
    pub p: Option<f64>,
    pub p_adjusted: Option<f64>,
}

/// Result of [`pairwise`]: pairs in the order (1,2), (1,3), ..., (2,3), ...
#[derive(Debug, Clone, Serialize)]
pub struct PairwiseLogrank {
    pub rho: f64,
    pub gamma: f64,
    pub p_adjust: PAdjust,
    pub comparisons: Vec<PairComparison>,
    pub warnings: Vec<KernelWarning>,
}

/// All pairwise comparisons; the data are sorted once and each pair is one
/// pass over the distinct times.
pub fn pairwise(
    input: &LogrankInput,
    options: &PairwiseOptions,
) -> Result<PairwiseLogrank, LogrankError> {
    check_weights(&LogrankOptions {
        rho: options.rho,
        gamma: options.gamma,
    })?;
    compare_pairs(&SortedData::new(input)?, input.groups.labels, options)
}

/// The unstratified [`pairwise`] from data already tallied by `labels`' groups.
pub fn pairwise_tallied(
    tallies: &TimeTallies,
    labels: &[String],
    options: &PairwiseOptions,
) -> Result<PairwiseLogrank, LogrankError> {
    check_weights(&LogrankOptions {
        rho: options.rho,
        gamma: options.gamma,
    })?;
    compare_pairs(&SortedData::tallied(tallies, labels)?, labels, options)
}

fn compare_pairs(
    data: &SortedData,
    labels: &[String],
    options: &PairwiseOptions,
) -> Result<PairwiseLogrank, LogrankError> {
    let test = LogrankOptions {
        rho: options.rho,
        gamma: options.gamma,
    };
    let k = labels.len();
    let n = data.group_totals(k);
    if n.iter().filter(|&&m| m > 0).count() < 2 {
        return Err(LogrankError::TooFewGroups(
            n.iter().filter(|&&m| m > 0).count(),
        ));
    }
    let mut comparisons = Vec::new();
    let mut warnings = Vec::new();
    let mut map = vec![None; k];
    for a in 0..k {
        for b in (a + 1)..k {
            map[a] = Some(0);
            map[b] = Some(1);
            let acc = data.accumulate(&map, 2, &test);
            map[a] = None;
            map[b] = None;
            let result = match chi_square(&acc) {
                Ok(t) if t.df == 1 => Some((t.chisq, t.p)),
                _ => None,
            };
            if result.is_none() {
                warnings.push(KernelWarning::PairNotComparable {
                    group_a: labels[a].clone(),
                    group_b: labels[b].clone(),
                });
            }
            comparisons.push(PairComparison {
                group_a: labels[a].clone(),
                group_b: labels[b].clone(),
                n_a: n[a],
                n_b: n[b],
                chisq: result.map(|r| r.0),
                p: result.map(|r| r.1),
                p_adjusted: None,
            });
        }
    }
    let raw: Vec<Option<f64>> = comparisons.iter().map(|c| c.p).collect();
    for (c, adj) in comparisons.iter_mut().zip(p_adjust(&raw, options.p_adjust)) {
        c.p_adjusted = adj;
    }
    Ok(PairwiseLogrank {
        rho: options.rho,
        gamma: options.gamma,
        p_adjust: options.p_adjust,
        comparisons,
        warnings,
    })
}

/// R's `p.adjust(p, method)`: missing p-values stay missing and do not count
/// towards the number of tests.
pub fn p_adjust(p: &[Option<f64>], method: PAdjust) -> Vec<Option<f64>> {
    let present: Vec<usize> = (0..p.len())
        .filter(|&i| p[i].is_some_and(|v| !v.is_nan()))
        .collect();
    let vals: Vec<f64> = present.iter().map(|&i| p[i].unwrap_or(f64::NAN)).collect();
    let m = vals.len();
    let nf = m as f64;
    let mut adjusted = vec![0.0; m];
    match method {
        PAdjust::None => adjusted.copy_from_slice(&vals),
        PAdjust::Bonferroni => {
            for (a, v) in adjusted.iter_mut().zip(&vals) {
                *a = (nf * v).min(1.0);
            }
        }
        PAdjust::Holm => {
            let mut order: Vec<usize> = (0..m).collect();
            crate::sort::indices_by(&mut order, &|a, b| vals[a].total_cmp(&vals[b]));
            let mut running = f64::NEG_INFINITY;
            for (i, &o) in order.iter().enumerate() {
                running = running.max((nf - i as f64) * vals[o]);
                adjusted[o] = running.min(1.0);
            }
        }
        PAdjust::Bh => {
            let mut order: Vec<usize> = (0..m).collect();
            crate::sort::indices_by(&mut order, &|a, b| vals[b].total_cmp(&vals[a]));
            let mut running = f64::INFINITY;
            for (i, &o) in order.iter().enumerate() {
                let rank = (m - i) as f64;
                running = running.min(nf / rank * vals[o]);
                adjusted[o] = running.min(1.0);
            }
        }
    }
    let mut out = vec![None; p.len()];
    for (&i, a) in present.iter().zip(adjusted) {
        out[i] = Some(a);
    }
    out
}
