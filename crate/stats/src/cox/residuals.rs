//! Score residuals of a Cox fit (R's coxscore2 / agscore2, Breslow or
//! Efron), computed in O(n p) with cumulative hazard sums instead of R's
//! rescan of every risk set; the robust variance sums them (times the
//! variance) within clusters.

use super::prepared::Prepared;
use super::riskset::walk;
use std::collections::HashMap;

/// Dense cluster numbers (0..k) for arbitrary ids, and k.
pub(crate) fn cluster_index(ids: &[u64]) -> (Vec<usize>, usize) {
    let mut map: HashMap<u64, usize> = HashMap::new();
    let idx = ids
        .iter()
        .map(|id| {
            let next = map.len();
            *map.entry(*id).or_insert(next)
        })
        .collect();
    (idx, map.len())
}

/// Per event time: the hazard terms of the score residuals.
struct HazardTerms {
    time: f64,
    /// Sum of hazard increments (others at risk), and the Efron-downweighted
    /// sum (the deaths themselves).
    temp1: f64,
    temp2: f64,
}

/// Score residuals (unweighted, in the centred and scaled units of `prep`),
/// row-major in sorted order. `eta` is the linear predictor in sorted order.
pub(crate) fn score_residuals(prep: &Prepared, eta: &[f64], efron: bool) -> Vec<f64> {
    let p = prep.p;
    let n = prep.n;
    // exp(eta) must not overflow; residuals depend only on exp(eta_i) times
    // hazards, so a common shift is harmless (R shifts the same way).
    let max_eta = eta.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let shift = if max_eta > 700.0 {
        max_eta - 700.0
    } else {
        0.0
    };
    let eta_shifted: Vec<f64>;
    let eta = if shift > 0.0 {
        eta_shifted = eta.iter().map(|e| e - shift).collect();
        &eta_shifted
    } else {
        eta
    };

    let mut times: Vec<HazardTerms> = Vec::new();
    // mh1 = sum of mean * hazard, mh2 = its Efron-downweighted version,
    // mh3 = average of the Efron means (the deaths' own expected covariate).
    let mut mh1: Vec<f64> = Vec::new();
    let mut mh2: Vec<f64> = Vec::new();
    let mut mh3: Vec<f64> = Vec::new();
    let mut stratum_end: Vec<usize> = vec![0; prep.strata.len()];
    let mut mean = vec![0.0; p];
    walk(prep, eta, false, |g| {
        let denom = g.others.denom + g.deaths.denom;
        let e_denom = g.deaths.denom;
        let unscale = (-g.recenter).exp();
        let base = mh1.len();
        mh1.resize(base + p, 0.0);
        mh2.resize(base + p, 0.0);
        mh3.resize(base + p, 0.0);
        let (mut temp1, mut temp2) = (0.0, 0.0);
        let d = if efron { g.ndead.max(1) } else { 1 };
        let dd = d as f64;
        let meanwt = g.deadwt / dd;
        for k in 0..d {
            let downwt = k as f64 / dd;
            let d2 = denom - downwt * e_denom;
            let hazard = meanwt / d2;
            temp1 += hazard;
            temp2 += (1.0 - downwt) * hazard;
            for (j, m) in mean.iter_mut().enumerate() {
                *m = (g.others.a[j] + g.deaths.a[j] - downwt * g.deaths.a[j]) / d2;
                mh1[base + j] += *m * hazard * unscale;
                mh2[base + j] += *m * (1.0 - downwt) * hazard * unscale;
                mh3[base + j] += *m / dd;
            }
        }
        times.push(HazardTerms {
            time: g.time,
            temp1: temp1 * unscale,
            temp2: temp2 * unscale,
        });
        stratum_end[g.stratum] = times.len();
    });

    let mut resid = vec![0.0; n * p];
    let mut ct: Vec<f64> = Vec::new();
    let mut cm: Vec<f64> = Vec::new();
    let mut asc_times: Vec<f64> = Vec::new();
    let mut first = 0;
    for (s, &(begin, end)) in prep.strata.iter().enumerate() {
        // Event times of this stratum are times[first..last], descending.
        let last = stratum_end[s].max(first);
        let m = last - first;
        asc_times.clear();
        asc_times.extend((first..last).rev().map(|e| times[e].time));
        ct.clear();
        ct.resize(m + 1, 0.0);
        cm.clear();
        cm.resize((m + 1) * p, 0.0);
        for (q, e) in (first..last).rev().enumerate() {
            ct[q + 1] = ct[q] + times[e].temp1;
            for j in 0..p {
                cm[(q + 1) * p + j] = cm[q * p + j] + mh1[e * p + j];
            }
        }
        for pos in begin..end {
            let kstop = asc_times.partition_point(|&t| t <= prep.stop[pos]);
            let kstart = if prep.counting {
                asc_times.partition_point(|&t| t <= prep.start[pos])
            } else {
                0
            };
            if kstop <= kstart {
                continue; // never at risk at an event time
            }
            let risk = eta[pos].exp();
            let x = prep.row(pos);
            let mut tsum = ct[kstop] - ct[kstart];
            let own = if prep.event[pos] && asc_times[kstop - 1] == prep.stop[pos] {
                let e = first + (m - kstop); // descending index of the own death time
                tsum += times[e].temp2 - times[e].temp1;
                Some(e)
            } else {
                None
            };
            let r = &mut resid[pos * p..(pos + 1) * p];
            for j in 0..p {
                let mut msum = cm[kstop * p + j] - cm[kstart * p + j];
                let mut v = 0.0;
                if let Some(e) = own {
                    msum += mh2[e * p + j] - mh1[e * p + j];
                    v += x[j] - mh3[e * p + j];
                }
                v -= risk * (x[j] * tsum - msum);
                r[j] = v;
            }
        }
        first = last;
    }
    resid
}
