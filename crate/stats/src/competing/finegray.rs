//! Fine & Gray (1999) proportional subdistribution hazards regression, as
//! cmprsk 2.2's `crr` (one censoring group, no time-varying covariates):
//! patients with a competing event stay in the risk set with weight
//! G(t-)/G(T_i-), G the Kaplan–Meier of the censoring distribution; the
//! pseudo-likelihood is maximised by crr's Newton iterations (start at 0,
//! step halving, stop when max|score|·max(|b|,1) < max(|loglik|,1)·gtol), so
//! the estimates are those crr stops at, not a tighter optimum. The variance
//! is crr's robust sandwich: the inverse information around the sum of the
//! squared score residuals η_i + ψ_i (ψ_i the censoring-distribution term
//! of Fine & Gray's section 4), computed with running sums instead of crr's
//! nested loops (O(n·p²) instead of O(n³)).

use super::{order_by_time, validate, CompetingError};
use crate::distributions::normal_two_sided;
use crate::linalg::{Cholesky, SymMatrix, CHOLESKY_TOLERANCE};
use crate::wald::{wald_test_zero, WaldTest};
use crate::warning::{FitMethod, KernelWarning};
use serde::Serialize;

/// The input of [`crr`]: one row per patient.
#[derive(Debug, Clone, Default)]
pub struct CrrData {
    pub time: Vec<f64>,
    /// 0 = censored, else the cause (1..=n_causes).
    pub cause: Vec<usize>,
    pub n_causes: usize,
    /// Covariate columns (column-major), each of length n.
    pub covariates: Vec<Vec<f64>>,
    pub term_names: Vec<String>,
}

/// Options of [`crr`]; the defaults are crr's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CrrOptions {
    pub cause_of_interest: usize,
    pub conf_level: f64,
    /// crr's `gtol`.
    pub gtol: f64,
    /// crr's `maxiter`.
    pub max_iter: usize,
}

impl Default for CrrOptions {
    fn default() -> Self {
        CrrOptions {
            cause_of_interest: 1,
            conf_level: 0.95,
            gtol: 1e-6,
            max_iter: 10,
        }
    }
}

/// A Fine–Gray fit, with crr's names where it has them.
#[derive(Debug, Clone, Serialize)]
pub struct CrrFit {
    pub terms: Vec<String>,
    pub cause_of_interest: usize,
    pub conf_level: f64,
    pub n: usize,
    /// Events of the cause of interest, competing events, censored.
    pub n_events: usize,
    pub n_competing: usize,
    pub n_censored: usize,
    pub coef: Vec<f64>,
    /// Subdistribution hazard ratios exp(coef).
    pub shr: Vec<f64>,
    /// Robust SEs (crr's `var`).
    pub se: Vec<f64>,
    pub z: Vec<f64>,
    pub p: Vec<f64>,
    pub shr_lower: Vec<f64>,
    pub shr_upper: Vec<f64>,
    /// Robust variance matrix (crr's `var`).
    pub var: Vec<Vec<f64>>,
    /// Inverse information (crr's `invinf`), the model-based variance.
    pub naive_var: Vec<Vec<f64>>,
    /// Log pseudo-likelihood at the estimates and at 0 (crr's `loglik`,
    /// `loglik.null`).
    pub loglik: f64,
    pub loglik_null: f64,
    /// Wald test of all coefficients with the robust variance.
    pub wald_test: Option<WaldTest>,
    pub iterations: usize,
    pub converged: bool,
    pub warnings: Vec<KernelWarning>,
}

/// The sorted data and the censoring weights crr works with.
struct Prepared {
    time: Vec<f64>,
    /// 1 = cause of interest, 2 = other cause, 0 = censored.
    status: Vec<u8>,
    /// Row-major covariates of the sorted rows.
    x: Vec<Vec<f64>>,
    /// G(t_i-) of each sorted row.
    g: Vec<f64>,
    /// Distinct failure times of the cause of interest: first sorted index
    /// and number of failures.
    failures: Vec<(usize, usize)>,
    p: usize,
}

/// Negative log pseudo-likelihood, its gradient and Hessian (crr's `crrfsv`).
struct Objective {
    lik: f64,
    score: Vec<f64>,
    hessian: SymMatrix,
    /// S0 and S1/S0 at each distinct failure time.
    s0: Vec<f64>,
    xbar: Vec<Vec<f64>>,
}

/// Fine–Gray regression of `options.cause_of_interest`.
pub fn crr(data: &CrrData, options: &CrrOptions) -> Result<CrrFit, CompetingError> {
    validate(&data.time, &data.cause, data.n_causes, None)?;
    if options.cause_of_interest == 0 || options.cause_of_interest > data.n_causes {
        return Err(CompetingError::InvalidCauseOfInterest {
            cause: options.cause_of_interest,
            n_causes: data.n_causes,
        });
    }
    crate::km::z_value(options.conf_level)
        .map_err(|_| CompetingError::InvalidConfLevel(options.conf_level))?;
    let n = data.time.len();
    for (j, column) in data.covariates.iter().enumerate() {
        let term = data
            .term_names
            .get(j)
            .cloned()
            .unwrap_or_else(|| format!("x{}", j + 1));
        if column.len() != n {
            return Err(CompetingError::LengthMismatch {
                column: "covariate",
                expected: n,
                found: column.len(),
            });
        }
        if let Some((i, &v)) = column.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(CompetingError::InvalidCovariate {
                term,
                row: i + 1,
                value: v,
            });
        }
    }
    let prep = prepare(data, options.cause_of_interest);
    if prep.failures.is_empty() {
        return Err(CompetingError::NoEventsOfInterest);
    }
    let p = prep.p;
    let mut warnings = Vec::new();
    let mut b = vec![0.0; p];
    let mut converged = false;
    let mut iterations = 0;
    let mut obj = objective(&prep, &b);
    for ll in 0..=options.max_iter {
        iterations = ll;
        let grad = obj
            .score
            .iter()
            .zip(&b)
            .map(|(s, bj)| s.abs() * bj.abs().max(1.0))
            .fold(0.0_f64, f64::max);
        if grad < obj.lik.abs().max(1.0) * options.gtol {
            converged = true;
            break;
        }
        if ll == options.max_iter {
            break;
        }
        let chol = Cholesky::new(&obj.hessian, CHOLESKY_TOLERANCE)
            .ok_or(CompetingError::NumericalFailure)?;
        let mut step: Vec<f64> = chol.solve(&obj.score).into_iter().map(|v| -v).collect();
        let slope: f64 = step.iter().zip(&obj.score).map(|(a, s)| a * s).sum();
        let mut bn: Vec<f64> = b.iter().zip(&step).map(|(a, s)| a + s).collect();
        let mut fbn = likelihood(&prep, &bn);
        let mut halvings = 0;
        let mut armijo = slope;
        while !fbn.is_finite() || fbn > obj.lik + 1e-4 * armijo {
            halvings += 1;
            step.iter_mut().for_each(|s| *s *= 0.5);
            armijo *= 0.5;
            bn = b.iter().zip(&step).map(|(a, s)| a + s).collect();
            fbn = likelihood(&prep, &bn);
            if halvings > 20 {
                break;
            }
        }
        if halvings > 20 {
            break;
        }
        b = bn;
        obj = objective(&prep, &b);
    }
    if !converged {
        warnings.push(KernelWarning::NotConverged {
            method: FitMethod::FineGray,
            max_iter: options.max_iter,
        });
    }
    let info_chol =
        Cholesky::new(&obj.hessian, CHOLESKY_TOLERANCE).ok_or(CompetingError::NumericalFailure)?;
    if info_chol.rank() < p {
        for j in info_chol.aliased() {
            warnings.push(KernelWarning::CollinearCovariate {
                term: data.term_names.get(j).cloned().unwrap_or_default(),
            });
        }
        return Err(CompetingError::NumericalFailure);
    }
    let inv = info_chol.inverse();
    let meat = score_residual_crossproduct(&prep, &b, &obj);
    let var = sandwich(&inv, &meat);
    let z_crit = crate::km::z_value(options.conf_level).unwrap_or(1.959_963_984_540_054);
    let se: Vec<f64> = (0..p).map(|j| var.get(j, j).max(0.0).sqrt()).collect();
    let z: Vec<f64> = b.iter().zip(&se).map(|(c, s)| c / s).collect();
    let coef_opt: Vec<Option<f64>> = b.iter().map(|&c| Some(c)).collect();
    let var_rows = var.to_rows();
    let wald_test = wald_test_zero(
        &coef_opt,
        &crate::wald::rows_variance(&var_rows),
        &(0..p).collect::<Vec<_>>(),
    );
    let n_events = prep.status.iter().filter(|&&s| s == 1).count();
    let n_competing = prep.status.iter().filter(|&&s| s == 2).count();
    Ok(CrrFit {
        terms: (0..p)
            .map(|j| {
                data.term_names
                    .get(j)
                    .cloned()
                    .unwrap_or_else(|| format!("x{}", j + 1))
            })
            .collect(),
        cause_of_interest: options.cause_of_interest,
        conf_level: options.conf_level,
        n: prep.time.len(),
        n_events,
        n_competing,
        n_censored: prep.time.len() - n_events - n_competing,
        shr: b.iter().map(|c| c.exp()).collect(),
        p: z.iter().map(|&z| normal_two_sided(z)).collect(),
        shr_lower: b
            .iter()
            .zip(&se)
            .map(|(c, s)| (c - z_crit * s).exp())
            .collect(),
        shr_upper: b
            .iter()
            .zip(&se)
            .map(|(c, s)| (c + z_crit * s).exp())
            .collect(),
        z,
        se,
        var: var_rows,
        naive_var: inv.to_rows(),
        loglik: -obj.lik,
        loglik_null: -likelihood(&prep, &vec![0.0; p]),
        wald_test,
        iterations,
        converged,
        warnings,
        coef: b,
    })
}

/// Sorts the rows by time and computes the censoring weights G(t-).
fn prepare(data: &CrrData, cause_of_interest: usize) -> Prepared {
    let order = order_by_time(&data.time, 0..data.time.len());
    let time: Vec<f64> = order.iter().map(|&i| data.time[i]).collect();
    let status: Vec<u8> = order
        .iter()
        .map(|&i| match data.cause[i] {
            0 => 0,
            c if c == cause_of_interest => 1,
            _ => 2,
        })
        .collect();
    let p = data.covariates.len();
    let x: Vec<Vec<f64>> = order
        .iter()
        .map(|&i| data.covariates.iter().map(|c| c[i]).collect())
        .collect();
    let n = time.len();
    // Kaplan–Meier of the censoring times: G just before each time (at a
    // time of 0, G(0) itself, as crr's approx() reads it there).
    let mut g = vec![1.0; n];
    let mut surv = 1.0;
    let mut i = 0;
    while i < n {
        let t = time[i];
        let mut j = i;
        let mut censored = 0usize;
        while j < n && time[j] == t {
            censored += usize::from(status[j] == 0);
            j += 1;
        }
        let at_risk = (n - i) as f64;
        let after = surv * (at_risk - censored as f64) / at_risk;
        let value = if t == 0.0 { after } else { surv };
        g[i..j].iter_mut().for_each(|v| *v = value);
        surv = after;
        i = j;
    }
    let mut failures = Vec::new();
    let mut i = 0;
    while i < n {
        let mut j = i;
        let mut d = 0;
        while j < n && time[j] == time[i] {
            d += usize::from(status[j] == 1);
            j += 1;
        }
        if d > 0 {
            failures.push((i, d));
        }
        i = j;
    }
    Prepared {
        time,
        status,
        x,
        g,
        failures,
        p,
    }
}

fn linear_predictor(x: &[f64], b: &[f64]) -> f64 {
    x.iter().zip(b).map(|(a, c)| a * c).sum()
}

/// The risk-set sums S0, S1, S2 at each distinct failure time: patients
/// still under follow-up with weight 1, patients with an earlier competing
/// event with weight G(t-)/G(T_i-). Suffix sums run backwards, the
/// competing-event sums forwards.
fn risk_sums(prep: &Prepared, b: &[f64], second: bool) -> Vec<(f64, Vec<f64>, SymMatrix)> {
    let n = prep.time.len();
    let p = prep.p;
    let eta: Vec<f64> = prep
        .x
        .iter()
        .map(|x| linear_predictor(x, b).exp())
        .collect();
    let mut out = vec![
        (
            0.0,
            vec![0.0; p],
            SymMatrix::zeros(if second { p } else { 0 })
        );
        prep.failures.len()
    ];
    // Patients with t_i >= u_m.
    let (mut a0, mut a1, mut a2) = (
        0.0,
        vec![0.0; p],
        SymMatrix::zeros(if second { p } else { 0 }),
    );
    let mut next = n;
    for (m, &(first, _)) in prep.failures.iter().enumerate().rev() {
        while next > first {
            next -= 1;
            add_row(&mut a0, &mut a1, &mut a2, &prep.x[next], eta[next], second);
        }
        out[m].0 = a0;
        out[m].1.clone_from(&a1);
        if second {
            out[m].2 = a2.clone();
        }
    }
    // Competing events before u_m, weighted by 1/G(T_i-), then by G(u_m-).
    let (mut c0, mut c1, mut c2) = (
        0.0,
        vec![0.0; p],
        SymMatrix::zeros(if second { p } else { 0 }),
    );
    let mut next = 0;
    for (m, &(first, _)) in prep.failures.iter().enumerate() {
        while next < n && prep.time[next] < prep.time[first] {
            if prep.status[next] == 2 {
                add_row(
                    &mut c0,
                    &mut c1,
                    &mut c2,
                    &prep.x[next],
                    eta[next] / prep.g[next],
                    second,
                );
            }
            next += 1;
        }
        let gm = prep.g[first];
        let o = &mut out[m];
        o.0 += gm * c0;
        for k in 0..p {
            o.1[k] += gm * c1[k];
        }
        if second {
            for k in 0..p {
                for l in 0..=k {
                    o.2.add(k, l, gm * c2.get(k, l));
                }
            }
        }
    }
    out
}

fn add_row(s0: &mut f64, s1: &mut [f64], s2: &mut SymMatrix, x: &[f64], w: f64, second: bool) {
    *s0 += w;
    for (k, xk) in x.iter().enumerate() {
        s1[k] += w * xk;
    }
    if second {
        for k in 0..x.len() {
            for l in 0..=k {
                s2.add(k, l, w * x[k] * x[l]);
            }
        }
    }
}

/// crr's `crrf`: the negative log pseudo-likelihood.
fn likelihood(prep: &Prepared, b: &[f64]) -> f64 {
    let sums = risk_sums(prep, b, false);
    let mut lik = 0.0;
    for (m, &(first, d)) in prep.failures.iter().enumerate() {
        for i in first..first + fail_span(prep, first) {
            if prep.status[i] == 1 {
                lik -= linear_predictor(&prep.x[i], b);
            }
        }
        lik += d as f64 * sums[m].0.ln();
    }
    lik
}

/// Rows tied at the failure time starting at `first`.
fn fail_span(prep: &Prepared, first: usize) -> usize {
    let t = prep.time[first];
    prep.time[first..].iter().take_while(|&&x| x == t).count()
}

/// crr's `crrfsv`: value, gradient and Hessian of the negative log
/// pseudo-likelihood.
fn objective(prep: &Prepared, b: &[f64]) -> Objective {
    let p = prep.p;
    let sums = risk_sums(prep, b, true);
    let mut lik = 0.0;
    let mut score = vec![0.0; p];
    let mut hessian = SymMatrix::zeros(p);
    let mut s0s = Vec::with_capacity(sums.len());
    let mut xbars = Vec::with_capacity(sums.len());
    for (m, &(first, d)) in prep.failures.iter().enumerate() {
        for i in first..first + fail_span(prep, first) {
            if prep.status[i] == 1 {
                lik -= linear_predictor(&prep.x[i], b);
                for k in 0..p {
                    score[k] -= prep.x[i][k];
                }
            }
        }
        let (s0, s1, s2) = &sums[m];
        let df = d as f64;
        lik += df * s0.ln();
        let xbar: Vec<f64> = s1.iter().map(|v| v / s0).collect();
        for k in 0..p {
            score[k] += df * xbar[k];
            for l in 0..=k {
                hessian.add(k, l, df * (s2.get(k, l) / s0 - xbar[k] * xbar[l]));
            }
        }
        s0s.push(*s0);
        xbars.push(xbar);
    }
    Objective {
        lik,
        score,
        hessian,
        s0: s0s,
        xbar: xbars,
    }
}

/// Σ_i (η_i + ψ_i)(η_i + ψ_i)': crr's `crrvv` `v2`.
fn score_residual_crossproduct(prep: &Prepared, b: &[f64], obj: &Objective) -> SymMatrix {
    let n = prep.time.len();
    let p = prep.p;
    let nf = prep.failures.len();
    let eta: Vec<f64> = prep
        .x
        .iter()
        .map(|x| linear_predictor(x, b).exp())
        .collect();
    // Per failure time m: d/S0, d x̄/S0, and the same times G(u_m-).
    let w0: Vec<f64> = prep
        .failures
        .iter()
        .zip(&obj.s0)
        .map(|(&(_, d), s0)| d as f64 / s0)
        .collect();
    let w1: Vec<Vec<f64>> = w0
        .iter()
        .zip(&obj.xbar)
        .map(|(w, xb)| xb.iter().map(|x| w * x).collect())
        .collect();
    let gm: Vec<f64> = prep
        .failures
        .iter()
        .map(|&(first, _)| prep.g[first])
        .collect();
    // Suffix sums over failure times (u_m >= t) of G d/S0 and G d x̄/S0.
    let mut b0 = vec![0.0; nf + 1];
    let mut b1 = vec![vec![0.0; p]; nf + 1];
    for m in (0..nf).rev() {
        b0[m] = b0[m + 1] + gm[m] * w0[m];
        for k in 0..p {
            b1[m][k] = b1[m + 1][k] + gm[m] * w1[m][k];
        }
    }
    // Prefix sums (u_m <= t) of d/S0 and d x̄/S0.
    let mut p0 = vec![0.0; nf + 1];
    let mut p1 = vec![vec![0.0; p]; nf + 1];
    for m in 0..nf {
        p0[m + 1] = p0[m] + w0[m];
        for k in 0..p {
            p1[m + 1][k] = p1[m][k] + w1[m][k];
        }
    }
    let failure_index = |first: usize| prep.failures.binary_search_by(|&(f, _)| f.cmp(&first)).ok();
    let mut meat = SymMatrix::zeros(p);
    // ψ: running censoring part, and the competing-event sums C0, C1 over
    // t_j < t.
    let mut psi_running = vec![0.0; p];
    let (mut c0, mut c1) = (0.0, vec![0.0; p]);
    let mut next_competing = 0;
    let mut i = 0;
    while i < n {
        let t = prep.time[i];
        let span = prep.time[i..].iter().take_while(|&&x| x == t).count();
        let at_risk = (n - i) as f64;
        // Failure times at or before t: m_le = #{u_m <= t}; u_m >= t from m_ge.
        let m_le = prep.failures.partition_point(|&(f, _)| prep.time[f] <= t);
        let m_ge = prep.failures.partition_point(|&(f, _)| prep.time[f] < t);
        while next_competing < n && prep.time[next_competing] < t {
            if prep.status[next_competing] == 2 {
                let w = eta[next_competing] / prep.g[next_competing];
                c0 += w;
                for k in 0..p {
                    c1[k] += w * prep.x[next_competing][k];
                }
            }
            next_competing += 1;
        }
        let censored_here = prep.status[i..i + span].iter().filter(|&&s| s == 0).count();
        let q: Vec<f64> = if censored_here > 0 {
            (0..p)
                .map(|k| c1[k] * b0[m_ge] - c0 * b1[m_ge][k])
                .collect()
        } else {
            vec![0.0; p]
        };
        for k in 0..p {
            psi_running[k] -= censored_here as f64 * q[k] / (at_risk * at_risk);
        }
        let own = failure_index(i);
        for r in i..i + span {
            let x = &prep.x[r];
            let mut res = vec![0.0; p];
            if prep.status[r] == 1 {
                if let Some(m) = own {
                    for k in 0..p {
                        res[k] += x[k] - obj.xbar[m][k];
                    }
                }
            }
            for k in 0..p {
                res[k] -= eta[r] * (x[k] * p0[m_le] - p1[m_le][k]);
            }
            if prep.status[r] == 2 {
                let w = eta[r] / prep.g[r];
                for k in 0..p {
                    res[k] -= w * (x[k] * b0[m_le] - b1[m_le][k]);
                }
            }
            for k in 0..p {
                res[k] += psi_running[k];
                if prep.status[r] == 0 {
                    res[k] += q[k] / at_risk;
                }
            }
            for k in 0..p {
                for l in 0..=k {
                    meat.add(k, l, res[k] * res[l]);
                }
            }
        }
        i += span;
    }
    meat
}

/// inv · meat · inv.
fn sandwich(inv: &SymMatrix, meat: &SymMatrix) -> SymMatrix {
    let p = inv.dim();
    let mut tmp = vec![vec![0.0; p]; p];
    for i in 0..p {
        for j in 0..p {
            tmp[i][j] = (0..p).map(|k| inv.get(i, k) * meat.get(k, j)).sum();
        }
    }
    let mut out = SymMatrix::zeros(p);
    for i in 0..p {
        for j in 0..=i {
            out.set(i, j, (0..p).map(|k| tmp[i][k] * inv.get(k, j)).sum());
        }
    }
    out
}
