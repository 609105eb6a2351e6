//! Test of proportional hazards (R survival >= 3.0 `cox.zph`): the exact
//! score test, at (beta-hat, 0), of adding g(t) x for every covariate x,
//! per term (all columns of a term together) and globally. Grambsch &
//! Therneau (1994); the pre-3.0 approximation (lifelines) is not used.

// Sorted positions index several parallel arrays; range loops read best.
#![allow(clippy::needless_range_loop)]

use super::fit::{CoxFit, PhSums, Ties};
use super::prepared::{validate, Prepared};
use super::riskset::{packed, walk, EventTerms};
use super::{CoxData, CoxError};
use crate::distributions::chi_square_upper;
use crate::linalg::{Cholesky, SymMatrix, CHOLESKY_TOLERANCE};
use crate::warning::KernelWarning;
use serde::{Deserialize, Serialize};

/// The time scale g(t) against which the effects are tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZphTransform {
    /// 1 - KM(t-) of all the data (R's default).
    #[default]
    Km,
    Identity,
    /// Rank of the times.
    Rank,
    Log,
}

/// Options of [`cox_zph`].
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ZphOptions {
    pub transform: ZphTransform,
}

impl Default for ZphOptions {
    fn default() -> Self {
        ZphOptions {
            transform: ZphTransform::Km,
        }
    }
}

/// A model term: its name and the covariate columns it spans (a factor with
/// k levels spans k - 1 dummy columns and is tested with k - 1 df).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ModelTerm {
    pub name: String,
    pub columns: Vec<usize>,
}

/// One line of the PH test table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZphRow {
    pub term: String,
    pub chisq: f64,
    pub df: usize,
    pub p: f64,
}

/// The PH test table: one row per term and the global test.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZphResult {
    pub transform: ZphTransform,
    pub terms: Vec<ZphRow>,
    pub global: ZphRow,
    pub warnings: Vec<KernelWarning>,
}

/// Time transform per row, centred at its mean over the event rows.
/// `descending`: the rows by stop time, latest first (the fit's order when
/// there are no strata), which spares the KM transform a sort of its own.
fn transformed_times(
    data: &CoxData,
    transform: ZphTransform,
    descending: Option<&[usize]>,
) -> Vec<f64> {
    let n = data.n();
    let times = &data.stop;
    let g: Vec<f64> = match transform {
        ZphTransform::Identity => times.clone(),
        ZphTransform::Log => times.iter().map(|t| t.ln()).collect(),
        ZphTransform::Rank => {
            let mut idx: Vec<usize> = (0..n).collect();
            crate::sort::indices_by(&mut idx, &|a, b| times[a].total_cmp(&times[b]));
            let mut rank = vec![0.0; n];
            let mut i = 0;
            while i < n {
                let mut j = i;
                while j < n && times[idx[j]] == times[idx[i]] {
                    j += 1;
                }
                let average = (i + j + 1) as f64 / 2.0; // mean of ranks i+1..=j
                for &k in &idx[i..j] {
                    rank[k] = average;
                }
                i = j;
            }
            rank
        }
        ZphTransform::Km => {
            // Left-continuous KM of all rows, unweighted and unstratified
            // (survfitKM in cox.zph); (start, stop] rows are at risk on
            // start < t <= stop.
            // Ties get the same value, so their order does not matter.
            let by_stop: Vec<usize> = match descending {
                Some(order) if order.len() == n => order.iter().rev().copied().collect(),
                _ => {
                    let mut by_stop: Vec<usize> = (0..n).collect();
                    crate::sort::indices_by(&mut by_stop, &|a, b| times[a].total_cmp(&times[b]));
                    by_stop
                }
            };
            let mut starts: Vec<f64> = data.start.clone().unwrap_or_default();
            crate::sort::floats(&mut starts);
            let mut out = vec![0.0; n];
            let mut surv = 1.0; // S(t-) for the current time
            let mut i = 0;
            let mut entered = if data.start.is_some() { 0 } else { n };
            while i < n {
                let t = times[by_stop[i]];
                let mut j = i;
                let mut deaths = 0usize;
                while j < n && times[by_stop[j]] == t {
                    deaths += usize::from(data.event[by_stop[j]]);
                    j += 1;
                }
                if data.start.is_some() {
                    entered = starts.partition_point(|&s| s < t);
                }
                let at_risk = entered - i;
                for &k in &by_stop[i..j] {
                    out[k] = 1.0 - surv;
                }
                if deaths > 0 && at_risk > 0 {
                    surv *= 1.0 - deaths as f64 / at_risk as f64;
                }
                i = j;
            }
            out
        }
    };
    centred_at_event_mean(g, &data.event)
}

/// `g` less its mean over the event rows (`event` parallel to it).
fn centred_at_event_mean(mut g: Vec<f64>, event: &[bool]) -> Vec<f64> {
    let (sum, count) = g
        .iter()
        .zip(event)
        .filter(|(_, &e)| e)
        .fold((0.0, 0usize), |(s, c), (v, _)| (s + v, c + 1));
    let mean = sum / count.max(1) as f64;
    g.iter_mut().for_each(|v| *v -= mean);
    g
}

/// The transformed time of each sorted position of `prep` (prepared from
/// `data`), centred at its mean over the event rows.
pub(crate) fn transformed_times_sorted(
    data: &CoxData,
    prep: &Prepared,
    transform: ZphTransform,
) -> Vec<f64> {
    // Without strata or start times the rows are in descending stop time:
    // the KM transform is then a pass over them, in their order.
    let one_descending = data.strata.is_none() && data.start.is_none() && prep.n == data.n();
    if one_descending && transform == ZphTransform::Km {
        return km_transform_descending(&prep.stop, &prep.event);
    }
    let descending = one_descending.then_some(prep.order.as_slice());
    let gtime_data = transformed_times(data, transform, descending);
    prep.order.iter().map(|&i| gtime_data[i]).collect()
}

/// The KM transform of [`transformed_times`] for rows sorted by descending
/// stop time (one stratum, no start times), in that order: a pass from the
/// earliest time reads the times and events in memory order instead of
/// gathering them through the sort's permutation. Equal to the data-order
/// transform up to the rounding of the mean it is centred at.
fn km_transform_descending(stop: &[f64], event: &[bool]) -> Vec<f64> {
    let n = stop.len();
    let mut out = vec![0.0; n];
    let mut surv = 1.0; // S(t-) for the current time
    let mut end = n; // rows [0, end) have stop >= the current time
    while end > 0 {
        let t = stop[end - 1];
        let mut begin = end - 1;
        while begin > 0 && stop[begin - 1] == t {
            begin -= 1;
        }
        let deaths = event[begin..end].iter().filter(|&&e| e).count();
        out[begin..end].fill(1.0 - surv);
        if deaths > 0 {
            surv *= 1.0 - deaths as f64 / end as f64;
        }
        end = begin;
    }
    centred_at_event_mean(out, event)
}

/// u' A^- u for the rows/columns `idx` of `imat`.
fn score_stat(imat: &SymMatrix, u: &[f64], idx: &[usize]) -> f64 {
    let mut sub = SymMatrix::zeros(idx.len());
    for (a, &j) in idx.iter().enumerate() {
        for (b, &k) in idx.iter().enumerate() {
            sub.set(a, b, imat.get(j, k));
        }
    }
    let uu: Vec<f64> = idx.iter().map(|&j| u[j]).collect();
    match Cholesky::new(&sub, CHOLESKY_TOLERANCE) {
        Some(ch) => uu.iter().zip(ch.solve(&uu)).map(|(a, b)| a * b).sum(),
        None => f64::NAN,
    }
}

/// The PH test for a fit of `data` (R: `cox.zph(fit, transform)`). `terms`
/// groups the columns into model terms; empty means one term per column (R's
/// `terms = FALSE`). Columns with NA coefficients are left out.
pub fn cox_zph(
    data: &CoxData,
    fit: &CoxFit,
    terms: &[ModelTerm],
    options: &ZphOptions,
) -> Result<ZphResult, CoxError> {
    validate(data)?;
    zph_with(data, fit, terms, options, None, None)
}

/// [`cox_zph`] on validated data; `fitted` is the fit's own sorted, centred
/// data (`Prepared::new(data)`), reused when no coefficient is aliased.
pub(crate) fn zph_with(
    data: &CoxData,
    fit: &CoxFit,
    terms: &[ModelTerm],
    options: &ZphOptions,
    fitted: Option<&Prepared>,
    from_fit: Option<&PhSums>,
) -> Result<ZphResult, CoxError> {
    let p_all = data.covariates.len();
    if fit.coef.len() != p_all {
        return Err(CoxError::FitMismatch {
            reason: format!(
                "the fit has {} coefficients but the data have {} columns",
                fit.coef.len(),
                p_all
            ),
        });
    }
    let default_terms: Vec<ModelTerm>;
    let terms = if terms.is_empty() {
        default_terms = (0..p_all)
            .map(|j| ModelTerm {
                name: data.term_names[j].clone(),
                columns: vec![j],
            })
            .collect();
        &default_terms
    } else {
        terms
    };
    if let Some(bad) = terms.iter().find(|t| t.columns.iter().any(|&c| c >= p_all)) {
        return Err(CoxError::FitMismatch {
            reason: format!("term '{}' refers to a column that does not exist", bad.name),
        });
    }
    let kept: Vec<usize> = (0..p_all).filter(|&j| fit.coef[j].is_some()).collect();
    if kept.is_empty() {
        return Err(CoxError::FitMismatch {
            reason: "the fit has no estimated coefficients".to_string(),
        });
    }
    // Aliased columns are left out; with none (the usual case) the data
    // are used as they are, not copied.
    let own;
    let uses_fit = matches!(fitted, Some(prep) if kept.len() == p_all && prep.n == data.n() && prep.p == p_all);
    let prep: &Prepared = match fitted {
        Some(prep) if uses_fit => prep,
        _ if kept.len() == p_all => {
            own = Prepared::new(data);
            &own
        }
        _ => {
            own = Prepared::new(&CoxData {
                covariates: kept.iter().map(|&j| data.covariates[j].clone()).collect(),
                term_names: kept.iter().map(|&j| data.term_names[j].clone()).collect(),
                start: data.start.clone(),
                stop: data.stop.clone(),
                event: data.event.clone(),
                strata: data.strata.clone(),
                weights: data.weights.clone(),
                cluster: None,
            });
            &own
        }
    };
    let p = prep.p;
    let beta: Vec<f64> = kept
        .iter()
        .enumerate()
        .map(|(a, &j)| fit.coef[j].unwrap_or(0.0) / prep.scale[a])
        .collect();
    let mut u2 = vec![0.0; p];
    let (i11, i12, i22) = match from_fit.filter(|_| uses_fit) {
        // The fit's last evaluation took the event times' sums at the
        // fitted beta: only the deaths' own g-weighted covariates are left.
        Some(PhSums { gtime, imat, sums }) => {
            for pos in (0..prep.n).filter(|&pos| prep.event[pos]) {
                let gw = gtime[pos] * prep.weight[pos];
                for (u, &x) in u2.iter_mut().zip(prep.row(pos)) {
                    *u += gw * x;
                }
            }
            u2.iter_mut().zip(&sums.mean).for_each(|(u, m)| *u -= m);
            let mut i11 = vec![0.0; p * (p + 1) / 2];
            for j in 0..p {
                for k in 0..=j {
                    i11[packed(j, k)] = imat.get(j, k);
                }
            }
            (i11, sums.info_g.clone(), sums.info_g2.clone())
        }
        None => {
            let gtime = transformed_times_sorted(data, prep, options.transform);
            let mut eta = Vec::with_capacity(prep.n);
            prep.linear_predictor(&beta, &mut eta);
            let efron = fit.ties == Ties::Efron;
            let mut i11 = vec![0.0; p * (p + 1) / 2];
            let mut i12 = vec![0.0; p * (p + 1) / 2];
            let mut i22 = vec![0.0; p * (p + 1) / 2];
            let mut et = EventTerms::new(p);
            walk(prep, &eta, true, |g| {
                let mut gt = 0.0;
                for pos in g.rows.0..g.rows.1 {
                    if prep.event[pos] {
                        gt = gtime[pos];
                        let w = prep.weight[pos];
                        for (u, &x) in u2.iter_mut().zip(prep.row(pos)) {
                            *u += gt * w * x;
                        }
                    }
                }
                et.compute(g, efron, true);
                u2.iter_mut().zip(&et.mean).for_each(|(u, m)| *u -= gt * m);
                for (k, &v) in et.info.iter().enumerate() {
                    i11[k] += v;
                    i12[k] += gt * v;
                    i22[k] += gt * gt * v;
                }
            });
            (i11, i12, i22)
        }
    };
    let mut imat = SymMatrix::zeros(2 * p);
    for j in 0..p {
        for k in 0..=j {
            let idx = packed(j, k);
            imat.set(j, k, i11[idx]);
            imat.set(p + j, p + k, i22[idx]);
            imat.set(j, p + k, i12[idx]);
            imat.set(k, p + j, i12[idx]);
        }
    }
    let mut u = vec![0.0; 2 * p];
    u[p..].copy_from_slice(&u2);

    let position = |col: usize| kept.iter().position(|&k| k == col);
    let mut rows = Vec::new();
    for term in terms {
        let cols: Vec<usize> = term.columns.iter().filter_map(|&c| position(c)).collect();
        if cols.is_empty() {
            continue;
        }
        let mut idx: Vec<usize> = (0..p).collect();
        idx.extend(cols.iter().map(|c| p + c));
        let chisq = score_stat(&imat, &u, &idx);
        rows.push(ZphRow {
            term: term.name.clone(),
            chisq,
            df: cols.len(),
            p: chi_square_upper(chisq, cols.len() as f64),
        });
    }
    let all: Vec<usize> = (0..2 * p).collect();
    let chisq = score_stat(&imat, &u, &all);
    let global = ZphRow {
        term: "GLOBAL".to_string(),
        chisq,
        df: p,
        p: chi_square_upper(chisq, p as f64),
    };
    let mut warnings = Vec::new();
    if options.transform == ZphTransform::Log && data.stop.iter().any(|&t| t <= 0.0) {
        warnings.push(KernelWarning::ZphLogOfZeroTime);
    }
    if kept.len() < p_all {
        warnings.push(KernelWarning::ZphAliasedLeftOut);
    }
    Ok(ZphResult {
        transform: options.transform,
        terms: rows,
        global,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fits_own_sums_give_the_test_of_a_pass_of_its_own() {
        // Tied times, censoring, three covariates (one 0/1), every transform.
        let n = 400;
        let mut s = 11u64;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let x1: Vec<f64> = (0..n).map(|_| next() * 4.0 - 2.0).collect();
        let x2: Vec<f64> = (0..n).map(|_| f64::from(next() < 0.4)).collect();
        let x3: Vec<f64> = (0..n).map(|_| (next() * 60.0).round()).collect();
        let stop: Vec<f64> = (0..n)
            .map(|i| ((next() * 30.0 * (-0.4 * x1[i] + 0.5 * x2[i]).exp()).round() + 1.0) / 2.0)
            .collect();
        let event: Vec<bool> = (0..n).map(|_| next() < 0.7).collect();
        let data = CoxData {
            start: None,
            stop,
            event,
            covariates: vec![x1, x2, x3],
            term_names: vec!["x1".into(), "x2".into(), "x3".into()],
            strata: None,
            weights: None,
            cluster: None,
        };
        for transform in [
            ZphTransform::Km,
            ZphTransform::Identity,
            ZphTransform::Rank,
            ZphTransform::Log,
        ] {
            let options = ZphOptions { transform };
            let (fit, fused) =
                crate::cox::fit_with_ph_test(&data, &Default::default(), &[], &options)
                    .expect("fit");
            let fused = fused.expect("test");
            let own = cox_zph(&data, &fit, &[], &options).expect("test");
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1e-3);
            for (a, b) in fused
                .terms
                .iter()
                .chain([&fused.global])
                .zip(own.terms.iter().chain([&own.global]))
            {
                assert_eq!(a.term, b.term);
                assert!(
                    close(a.chisq, b.chisq),
                    "{transform:?} {}: {} vs {}",
                    a.term,
                    a.chisq,
                    b.chisq
                );
                assert!(close(a.p, b.p), "{transform:?} {}", a.term);
            }
        }
    }

    #[test]
    fn km_transform_from_the_fits_order_equals_its_own_sort() {
        // Many ties and censored rows, in no particular order.
        let n = 500;
        let stop: Vec<f64> = (0..n).map(|i| ((i * 7919) % 97) as f64 / 4.0).collect();
        let event: Vec<bool> = (0..n).map(|i| (i * 31) % 5 != 0).collect();
        let data = CoxData {
            start: None,
            stop,
            event,
            covariates: vec![(0..n).map(|i| (i % 3) as f64).collect()],
            term_names: vec!["x".to_string()],
            strata: None,
            weights: None,
            cluster: None,
        };
        let prep = Prepared::new(&data);
        let shared = transformed_times(&data, ZphTransform::Km, Some(&prep.order));
        let sorted = transformed_times(&data, ZphTransform::Km, None);
        assert!(shared
            .iter()
            .zip(&sorted)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
        assert_eq!(shared.len(), n);
        // And the pass over the fit's own sorted rows, position by position
        // (its mean is summed in another order: equal to rounding).
        let descending = km_transform_descending(&prep.stop, &prep.event);
        for (pos, &i) in prep.order.iter().enumerate() {
            assert!((descending[pos] - shared[i]).abs() < 1e-14, "{pos}");
        }
        // Not a constant: the transform spreads over (0, 1).
        assert!(shared.iter().any(|&v| v != shared[0]));
    }
}
