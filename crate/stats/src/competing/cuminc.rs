//! Aalen–Johansen cumulative incidence per group and cause, with two
//! variances: Gray's (1988) delta-method estimate exactly as cmprsk 2.2's
//! Fortran `cinc` accumulates it, and the infinitesimal-jackknife (IJ)
//! variance that survival 3.5's multi-state `survfit` reports (the sum over
//! patients of the squared derivative of F_k(t) with respect to the
//! patient's case weight).
//!
//! The IJ derivative of patient i with exit time T_i has a closed form: with
//! S the all-cause Kaplan–Meier, n(s) and d(s) the numbers at risk and with
//! an event, g(u) = Σ_{s<=u} d/(n(n-d)) (Greenwood's sum) and
//! A_k(u) = Σ_{s<=u} S(s-) dΛ_k(s) (g(s-) - 1/n(s)), it is A_k(t) while
//! i is at risk (T_i > t), and α_i - B_i F_k(t) after, where
//! B_i = -g(T_i) (censored) or -g(T_i-) + 1/n(T_i) (any event) and
//! α_i = A_k(T_i) + [cause k] S(T_i-)/n(T_i) + B_i F_k(T_i). The variance
//! at every time is then a running sum, O(n) per curve.

use super::{order_by_time, validate, CompetingError};
use crate::km::{check_time_point, confidence_limits, z_value, ConfType, Grouping};
use crate::warning::KernelWarning;
use serde::{Deserialize, Serialize};

/// Which variance the confidence limits use. Both are always computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CifVariance {
    /// Gray's (1988) variance, as cmprsk's `cuminc` returns it.
    #[default]
    Gray,
    /// The infinitesimal-jackknife variance of survival's multi-state
    /// `survfit` (its `std.err`).
    InfinitesimalJackknife,
}

/// Options of [`cuminc`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CifOptions {
    pub conf_level: f64,
    /// Transform of the pointwise interval, applied to F as survfit applies
    /// `conf.type` to a state probability (log: F·exp(±z·se/F)).
    pub conf_type: ConfType,
    pub variance: CifVariance,
}

impl Default for CifOptions {
    fn default() -> Self {
        CifOptions {
            conf_level: 0.95,
            conf_type: ConfType::Log,
            variance: CifVariance::Gray,
        }
    }
}

/// One curve's table, one entry per distinct time of its group (censoring
/// and competing-event times included), column-wise.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CifTable {
    pub time: Vec<f64>,
    pub n_risk: Vec<usize>,
    /// Events of this curve's cause at the time.
    pub n_event: Vec<usize>,
    /// Events of the other causes at the time.
    pub n_competing: Vec<usize>,
    pub n_censor: Vec<usize>,
    /// Cumulative incidence F_k(t).
    pub estimate: Vec<f64>,
    /// Gray's variance as cmprsk reports it: its value at the last jump of
    /// this cause at or before t (cmprsk updates it only there).
    pub var_gray: Vec<f64>,
    /// Infinitesimal-jackknife SE of F_k(t) (survfit's multi-state `std.err`).
    pub se_ij: Vec<f64>,
    /// Pointwise limits with the chosen variance and transform; `None`
    /// where undefined (e.g. F = 0 on the log scale).
    pub lower: Vec<Option<f64>>,
    pub upper: Vec<Option<f64>>,
}

/// The cumulative incidence of one cause in one group.
#[derive(Debug, Clone, Serialize)]
pub struct CifCurve {
    /// The group label, or "all" without groups.
    pub label: String,
    pub group: Option<usize>,
    /// The cause (1-based, as coded in the input).
    pub cause: usize,
    /// Patients in the group.
    pub n: usize,
    /// Events of this cause, of the other causes, and censorings.
    pub events: usize,
    pub competing: usize,
    pub censored: usize,
    pub table: CifTable,
}

/// Result of [`cuminc`]: for each group (label order; one "all" curve
/// without groups) the curves of causes 1..=n_causes.
#[derive(Debug, Clone, Serialize)]
pub struct CifFit {
    pub n_causes: usize,
    pub conf_level: f64,
    pub conf_type: ConfType,
    pub variance: CifVariance,
    pub curves: Vec<CifCurve>,
    pub warnings: Vec<KernelWarning>,
}

/// A curve read at chosen times, as cmprsk's `timepoints()` (the estimate
/// at the last time at or before t) and survfit's `summary(times = )`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CifAtTimes {
    pub label: String,
    pub cause: usize,
    pub time: Vec<f64>,
    /// At risk at the first time at or after t (0 past the end).
    pub n_risk: Vec<usize>,
    pub estimate: Vec<f64>,
    pub var_gray: Vec<f64>,
    pub se_ij: Vec<f64>,
    pub lower: Vec<Option<f64>>,
    pub upper: Vec<Option<f64>>,
    /// Whether t lies after the group's last follow-up time (cmprsk's
    /// `timepoints` gives NA there; the values are carried forward, as
    /// survfit's `extend = TRUE`).
    pub beyond_follow_up: Vec<bool>,
}

/// Cumulative incidence of every cause, per group. `cause[i]` is 0 for a
/// censored row, else its cause in 1..=n_causes.
pub fn cuminc(
    time: &[f64],
    cause: &[usize],
    n_causes: usize,
    groups: Option<&Grouping>,
    options: &CifOptions,
) -> Result<CifFit, CompetingError> {
    validate(time, cause, n_causes, groups)?;
    let z = z_value(options.conf_level)
        .map_err(|_| CompetingError::InvalidConfLevel(options.conf_level))?;
    let mut curves = Vec::new();
    let mut warnings = Vec::new();
    let members: Vec<(String, Option<usize>, Vec<usize>)> = match groups {
        None => vec![("all".to_string(), None, order_by_time(time, 0..time.len()))],
        Some(g) => g
            .labels
            .iter()
            .enumerate()
            .map(|(code, label)| {
                let rows = (0..time.len()).filter(|&i| g.codes[i] == code);
                (label.clone(), Some(code), order_by_time(time, rows))
            })
            .collect(),
    };
    for (label, group, order) in members {
        if order.is_empty() {
            warnings.push(KernelWarning::EmptyGroup {
                group: label.clone(),
                method: crate::warning::GroupedMethod::CumulativeIncidence,
            });
        }
        curves.extend(group_curves(
            time, cause, n_causes, &order, &label, group, options, z,
        ));
    }
    Ok(CifFit {
        n_causes,
        conf_level: options.conf_level,
        conf_type: options.conf_type,
        variance: options.variance,
        curves,
        warnings,
    })
}

/// Running sums of one cause's curve.
struct CauseState {
    estimate: f64,
    /// Gray's v1, v2, v3 and the variance last written (at a jump).
    v1: f64,
    v2: f64,
    v3: f64,
    var: f64,
    /// A_k of the IJ derivative.
    a: f64,
    /// Σ α_i², Σ α_i B_i over patients who have left the risk set.
    sum_aa: f64,
    sum_ab: f64,
    table: CifTable,
    events: usize,
}

/// The curves of every cause for the rows `order` (sorted by time).
#[allow(clippy::too_many_arguments)]
fn group_curves(
    time: &[f64],
    cause: &[usize],
    n_causes: usize,
    order: &[usize],
    label: &str,
    group: Option<usize>,
    options: &CifOptions,
    z: f64,
) -> Vec<CifCurve> {
    let n = order.len();
    let mut states: Vec<CauseState> = (0..n_causes)
        .map(|_| CauseState {
            estimate: 0.0,
            v1: 0.0,
            v2: 0.0,
            v3: 0.0,
            var: 0.0,
            a: 0.0,
            sum_aa: 0.0,
            sum_ab: 0.0,
            table: CifTable::default(),
            events: 0,
        })
        .collect();
    // Kaplan–Meier of any event (left value), Greenwood's sum, Σ B_i².
    let mut surv = 1.0_f64;
    let mut greenwood = 0.0_f64;
    let mut sum_bb = 0.0_f64;
    let mut at_risk = n;
    let mut censored_total = 0usize;
    let mut d_by_cause = vec![0usize; n_causes + 1];
    let mut i = 0;
    while i < n {
        let t = time[order[i]];
        let mut j = i;
        d_by_cause.iter_mut().for_each(|d| *d = 0);
        while j < n && time[order[j]] == t {
            d_by_cause[cause[order[j]]] += 1;
            j += 1;
        }
        let censored = d_by_cause[0];
        let d: usize = d_by_cause[1..].iter().sum();
        let rs = at_risk as f64;
        let fk = surv;
        let fkn = fk * (rs - d as f64) / rs;
        let g_before = greenwood;
        let g_after = if d > 0 && d < at_risk {
            greenwood + d as f64 / (rs * (rs - d as f64))
        } else {
            greenwood
        };
        // B of the patients leaving now (0 where the curve ends at 0: their
        // B multiplies no later increment).
        let b_censored = if d < at_risk { -g_after } else { 0.0 };
        let b_event = -g_before + 1.0 / rs;
        for (k0, st) in states.iter_mut().enumerate() {
            let k = k0 + 1;
            let nd1 = d_by_cause[k];
            let nd2 = d - nd1;
            let f_before = st.estimate;
            if d > 0 {
                if nd1 > 0 {
                    st.estimate = f_before + fk * nd1 as f64 / rs;
                }
                gray_update(st, fk, fkn, rs, nd1, nd2);
                st.a += fk * (nd1 as f64 / rs) * (g_before - 1.0 / rs);
            }
            // Leavers: censored, events of cause k, events of other causes.
            let f_now = st.estimate;
            let alpha_c = st.a + b_censored * f_now;
            let alpha_k = st.a + fk / rs + b_event * f_now;
            let alpha_o = st.a + b_event * f_now;
            let (c, dk, dothers) = (censored as f64, nd1 as f64, nd2 as f64);
            st.sum_aa +=
                c * alpha_c * alpha_c + dk * alpha_k * alpha_k + dothers * alpha_o * alpha_o;
            st.sum_ab += c * alpha_c * b_censored + (dk * alpha_k + dothers * alpha_o) * b_event;
            st.events += nd1;
        }
        sum_bb += censored as f64 * b_censored * b_censored + d as f64 * b_event * b_event;
        let remaining = (at_risk - d - censored) as f64;
        for (k0, st) in states.iter_mut().enumerate() {
            let f = st.estimate;
            let ij = remaining * st.a * st.a + st.sum_aa - 2.0 * f * st.sum_ab + f * f * sum_bb;
            let se_ij = ij.max(0.0).sqrt();
            let se = match options.variance {
                CifVariance::Gray => st.var.max(0.0).sqrt(),
                CifVariance::InfinitesimalJackknife => se_ij,
            };
            let (lower, upper) = cif_limits(f, se, options.conf_type, z);
            let tb = &mut st.table;
            tb.time.push(t);
            tb.n_risk.push(at_risk);
            tb.n_event.push(d_by_cause[k0 + 1]);
            tb.n_competing.push(d - d_by_cause[k0 + 1]);
            tb.n_censor.push(censored);
            tb.estimate.push(f);
            tb.var_gray.push(st.var);
            tb.se_ij.push(se_ij);
            tb.lower.push(lower);
            tb.upper.push(upper);
        }
        surv = fkn;
        greenwood = g_after;
        censored_total += censored;
        at_risk -= d + censored;
        i = j;
    }
    let total_events: usize = states.iter().map(|s| s.events).sum();
    states
        .into_iter()
        .enumerate()
        .map(|(k0, st)| CifCurve {
            label: label.to_string(),
            group,
            cause: k0 + 1,
            n,
            events: st.events,
            competing: total_events - st.events,
            censored: censored_total,
            table: st.table,
        })
        .collect()
}

/// One time of cmprsk's `cinc` for cause k: `nd1` events of k and `nd2` of
/// the other causes among `rs` at risk, `fk` = S(t-), `fkn` = S(t). The
/// order of the operations is the Fortran's.
fn gray_update(st: &mut CauseState, fk: f64, fkn: f64, rs: f64, nd1: usize, nd2: usize) {
    let f = st.estimate;
    if nd2 > 0 && fkn > 0.0 {
        let t5 = if nd2 > 1 {
            1.0 - (nd2 as f64 - 1.0) / (rs - 1.0)
        } else {
            1.0
        };
        let t6 = fk * fk * t5 * nd2 as f64 / (rs * rs);
        let t3 = 1.0 / fkn;
        let t4 = f / fkn;
        st.v1 += t4 * t4 * t6;
        st.v2 += t3 * t4 * t6;
        st.v3 += t3 * t3 * t6;
    }
    if nd1 > 0 {
        let t5 = if nd1 > 1 {
            1.0 - (nd1 as f64 - 1.0) / (rs - 1.0)
        } else {
            1.0
        };
        let t6 = fk * fk * t5 * nd1 as f64 / (rs * rs);
        let t3 = if fkn > 0.0 { 1.0 / fkn } else { 0.0 };
        let t4 = 1.0 + t3 * f;
        st.v1 += t4 * t4 * t6;
        st.v2 += t3 * t4 * t6;
        st.v3 += t3 * t3 * t6;
        st.var = st.v1 + f * f * st.v3 - 2.0 * f * st.v2;
    }
}

/// Pointwise limits of F with standard error `se`; survfit's transforms
/// take the SE of log F, se/F.
fn cif_limits(f: f64, se: f64, conf_type: ConfType, z: f64) -> (Option<f64>, Option<f64>) {
    if f == 0.0 {
        return match conf_type {
            ConfType::Plain => (Some(0.0), Some(0.0)),
            _ => (None, None),
        };
    }
    confidence_limits(f, se / f, conf_type, z)
}

impl CifCurve {
    /// The curve at each of `times` (sorted ascending): the estimate and
    /// variances at the last time at or before t; 0 before the first time.
    pub fn at_times(
        &self,
        times: &[f64],
        options: &CifOptions,
    ) -> Result<CifAtTimes, CompetingError> {
        for &t in times {
            check_time_point(t).map_err(|_| CompetingError::InvalidTimePoint(t))?;
        }
        let z = z_value(options.conf_level)
            .map_err(|_| CompetingError::InvalidConfLevel(options.conf_level))?;
        let mut sorted = times.to_vec();
        crate::sort::floats(&mut sorted);
        let tb = &self.table;
        let last = tb.time.last().copied().unwrap_or(0.0);
        let mut out = CifAtTimes {
            label: self.label.clone(),
            cause: self.cause,
            ..CifAtTimes::default()
        };
        for &t in &sorted {
            let after = tb.time.partition_point(|&x| x <= t);
            let first_at_or_after = tb.time.partition_point(|&x| x < t);
            out.time.push(t);
            out.n_risk
                .push(tb.n_risk.get(first_at_or_after).copied().unwrap_or(0));
            out.beyond_follow_up.push(t > last);
            match after.checked_sub(1) {
                None => {
                    out.estimate.push(0.0);
                    out.var_gray.push(0.0);
                    out.se_ij.push(0.0);
                    let (l, u) = cif_limits(0.0, 0.0, options.conf_type, z);
                    out.lower.push(l);
                    out.upper.push(u);
                }
                Some(k) => {
                    out.estimate.push(tb.estimate[k]);
                    out.var_gray.push(tb.var_gray[k]);
                    out.se_ij.push(tb.se_ij[k]);
                    let se = match options.variance {
                        CifVariance::Gray => tb.var_gray[k].max(0.0).sqrt(),
                        CifVariance::InfinitesimalJackknife => tb.se_ij[k],
                    };
                    let (l, u) = cif_limits(tb.estimate[k], se, options.conf_type, z);
                    out.lower.push(l);
                    out.upper.push(u);
                }
            }
        }
        Ok(out)
    }
}
