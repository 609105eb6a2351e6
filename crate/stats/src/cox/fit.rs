//! The Cox partial-likelihood fit: Newton–Raphson with R's step halving and
//! convergence rule (coxfit6 for right-censored, agfit4 for (start, stop]
//! data), model-based and robust (sandwich / grouped dfbeta) variances, the
//! likelihood-ratio, Wald and score tests, and the concordance of the fit.

// Sorted positions index several parallel arrays; range loops read best.
#![allow(clippy::needless_range_loop)]

use super::concordance::{concordance, Concordance};
use super::factor::FactorTallies;
use super::prepared::{validate, Prepared};
use super::residuals::{cluster_index, score_residuals};
use super::riskset::{packed, walk, EventGroup, EventTerms};
use super::zph::{
    transformed_times_sorted, zph_with, ModelTerm, ZphOptions, ZphResult, ZphTransform,
};
use super::{CoxData, CoxError};
use crate::distributions::{chi_square_upper, normal_quantile_two_sided, normal_two_sided};
use crate::linalg::{Cholesky, SymMatrix, CHOLESKY_TOLERANCE};
use crate::tally::TimeTallies;
use crate::wald::quadratic_form;
use crate::warning::{FitMethod, KernelWarning};
use serde::{Deserialize, Serialize};

/// Handling of tied event times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ties {
    /// Efron's approximation (R's default).
    #[default]
    Efron,
    /// Breslow's approximation (Stata's default).
    Breslow,
}

/// Options of [`fit`], defaulting to R's `coxph()` / `coxph.control()`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CoxOptions {
    pub ties: Ties,
    /// Robust (sandwich) variance; implied when the data carry cluster ids.
    pub robust: bool,
    /// Level of the hazard-ratio confidence intervals.
    pub conf_level: f64,
    /// Maximum Newton–Raphson iterations (`iter.max`).
    pub max_iter: usize,
    /// Convergence: relative change of the log partial likelihood (`eps`).
    pub eps: f64,
    /// Pivot tolerance for detecting collinear columns (`toler.chol`).
    pub toler_chol: f64,
    /// Threshold of the infinite-coefficient check (`toler.inf`); `None`
    /// means sqrt(eps), as in R.
    pub toler_inf: Option<f64>,
}

impl Default for CoxOptions {
    fn default() -> Self {
        CoxOptions {
            ties: Ties::Efron,
            robust: false,
            conf_level: 0.95,
            max_iter: 20,
            eps: 1e-9,
            toler_chol: CHOLESKY_TOLERANCE,
            toler_inf: None,
        }
    }
}

/// A chi-square test: statistic, degrees of freedom, upper-tail p-value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ChiSquareTest {
    pub stat: f64,
    pub df: usize,
    pub p: f64,
}

impl ChiSquareTest {
    pub(crate) fn new(stat: f64, df: usize) -> ChiSquareTest {
        ChiSquareTest {
            stat,
            df,
            p: chi_square_upper(stat, df as f64),
        }
    }
}

/// Robust (sandwich) variance and the inference based on it, as R reports
/// for `coxph(..., robust = TRUE)` or with `cluster()`.
#[derive(Debug, Clone, Serialize)]
pub struct RobustVariance {
    pub se: Vec<Option<f64>>,
    pub z: Vec<Option<f64>>,
    pub p: Vec<Option<f64>>,
    pub hr_lower: Vec<Option<f64>>,
    pub hr_upper: Vec<Option<f64>>,
    /// D'D with D the (cluster-summed) dfbeta residuals.
    pub var: Vec<Vec<f64>>,
    /// Wald test with the robust variance (R's `fit$wald.test` when robust).
    pub wald_test: ChiSquareTest,
    /// Robust score test at beta = 0 (R's `fit$rscore`).
    pub robust_score_test: ChiSquareTest,
    /// Number of clusters (rows when no cluster ids were given).
    pub n_clusters: usize,
}

/// A fitted Cox model. Per-term vectors follow `terms`; `None` marks a
/// coefficient R reports as NA (a column aliased with earlier ones).
#[derive(Debug, Clone, Serialize)]
pub struct CoxFit {
    pub terms: Vec<String>,
    pub ties: Ties,
    pub conf_level: f64,
    /// Rows used.
    pub n: usize,
    /// Rows ending with an event.
    pub nevent: usize,
    pub coef: Vec<Option<f64>>,
    /// exp(coef): hazard ratio per unit of the covariate.
    pub hr: Vec<Option<f64>>,
    pub se: Vec<Option<f64>>,
    pub z: Vec<Option<f64>>,
    pub p: Vec<Option<f64>>,
    pub hr_lower: Vec<Option<f64>>,
    pub hr_upper: Vec<Option<f64>>,
    /// Model-based variance (inverse information); rows and columns of
    /// aliased terms are zero, as in R.
    pub var: Vec<Vec<f64>>,
    /// Centring values R reports as `fit$means` (0 for columns coded 0/1).
    pub means: Vec<f64>,
    pub loglik_null: f64,
    pub loglik_final: f64,
    pub lr_test: ChiSquareTest,
    /// Model-based Wald test.
    pub wald_test: ChiSquareTest,
    /// Score (log-rank type) test at beta = 0.
    pub score_test: ChiSquareTest,
    /// Harrell's C of the linear predictor, as `coxph` reports it.
    pub concordance: Option<Concordance>,
    /// Newton–Raphson iterations, counted as R counts them.
    pub iterations: usize,
    pub converged: bool,
    pub robust: Option<RobustVariance>,
    pub warnings: Vec<KernelWarning>,
}

/// Log partial likelihood, score and information at one beta (scaled units).
pub(crate) struct Evaluation {
    pub loglik: f64,
    pub u: Vec<f64>,
    pub imat: SymMatrix,
    /// The PH test's sums at this beta, when the evaluation was asked to
    /// weight its event times ([`evaluate`] with `gtime`).
    pub time_weighted: Option<TimeWeighted>,
}

/// The event-time increments of an evaluation weighted by the PH test's
/// transformed time g(t) (R's cox.zph): sum of g times the risk set's mean
/// covariates (as subtracted from the score), and of g and g^2 times the
/// information increment (packed lower triangles). With these from the
/// fit's last evaluation the test needs no pass of its own over the rows.
#[derive(Debug, Clone)]
pub(crate) struct TimeWeighted {
    pub mean: Vec<f64>,
    pub info_g: Vec<f64>,
    pub info_g2: Vec<f64>,
}

/// x'beta of every row in sorted order, with the beta it belongs to: the
/// fit's closing passes reuse the last Newton evaluation's instead of
/// recomputing it.
pub(crate) struct LinearPredictor {
    eta: Vec<f64>,
    beta: Option<Vec<f64>>,
}

impl LinearPredictor {
    pub(crate) fn new(n: usize) -> LinearPredictor {
        LinearPredictor {
            eta: Vec::with_capacity(n),
            beta: None,
        }
    }

    fn at(&mut self, prep: &Prepared, beta: &[f64]) -> &[f64] {
        if self.beta.as_deref() != Some(beta) {
            prep.linear_predictor(beta, &mut self.eta);
            self.beta = Some(beta.to_vec());
        }
        &self.eta
    }
}

/// Log partial likelihood, score and information at `beta`; with `gtime`
/// (the PH test's transformed time at each sorted position) also the
/// test's [`TimeWeighted`] sums.
pub(crate) fn evaluate(
    prep: &Prepared,
    beta: &[f64],
    efron: bool,
    lp: &mut LinearPredictor,
    gtime: Option<&[f64]>,
) -> Evaluation {
    let eta = lp.at(prep, beta);
    let mut sums = EvaluationSums::new(prep.p);
    if gtime.is_some() {
        sums.weight_times();
    }
    walk(prep, eta, true, |g| {
        for pos in g.rows.0..g.rows.1 {
            if prep.event[pos] {
                let w = prep.weight[pos];
                sums.loglik += w * eta[pos];
                for (uj, &xj) in sums.u.iter_mut().zip(prep.row(pos)) {
                    *uj += w * xj;
                }
            }
        }
        sums.event_time(g, efron);
        if let Some(gtime) = gtime {
            // g is a function of time: any row of the group gives it.
            sums.add_time_weighted(gtime[g.rows.0]);
        }
    });
    sums.finish()
}

/// An evaluation's running sums: the caller adds each event time's deaths
/// (their linear predictors to `loglik`, their covariates to `u`), then
/// [`EvaluationSums::event_time`] takes off the risk set's terms.
pub(crate) struct EvaluationSums {
    pub loglik: f64,
    pub u: Vec<f64>,
    /// Packed lower triangle of the information.
    info: Vec<f64>,
    terms: EventTerms,
    time_weighted: Option<TimeWeighted>,
}

impl EvaluationSums {
    pub(crate) fn new(p: usize) -> EvaluationSums {
        EvaluationSums {
            loglik: 0.0,
            u: vec![0.0; p],
            info: vec![0.0; p * (p + 1) / 2],
            terms: EventTerms::new(p),
            time_weighted: None,
        }
    }

    /// Also keep the PH test's [`TimeWeighted`] sums.
    fn weight_times(&mut self) {
        let (p, q) = (self.u.len(), self.info.len());
        self.time_weighted = Some(TimeWeighted {
            mean: vec![0.0; p],
            info_g: vec![0.0; q],
            info_g2: vec![0.0; q],
        });
    }

    /// Adds the last event time's increments, weighted by its transformed
    /// time `g`, to the [`TimeWeighted`] sums (when kept).
    fn add_time_weighted(&mut self, g: f64) {
        let Some(tw) = &mut self.time_weighted else {
            return;
        };
        tw.mean
            .iter_mut()
            .zip(&self.terms.mean)
            .for_each(|(s, m)| *s += g * m);
        for ((a, b), &v) in tw
            .info_g
            .iter_mut()
            .zip(&mut tw.info_g2)
            .zip(&self.terms.info)
        {
            *a += g * v;
            *b += g * g * v;
        }
    }

    pub(crate) fn event_time(&mut self, g: &EventGroup, efron: bool) {
        let terms = &mut self.terms;
        terms.compute(g, efron, true);
        self.loglik -= terms.log_denom + g.deadwt * g.recenter;
        self.u
            .iter_mut()
            .zip(&terms.mean)
            .for_each(|(uj, m)| *uj -= m);
        self.info
            .iter_mut()
            .zip(&terms.info)
            .for_each(|(s, v)| *s += v);
    }

    pub(crate) fn finish(self) -> Evaluation {
        let p = self.u.len();
        let mut imat = SymMatrix::zeros(p);
        for j in 0..p {
            for k in 0..=j {
                imat.set(j, k, self.info[packed(j, k)]);
            }
        }
        Evaluation {
            loglik: self.loglik,
            u: self.u,
            imat,
            time_weighted: self.time_weighted,
        }
    }
}

fn all_finite(e: &Evaluation) -> bool {
    e.loglik.is_finite()
        && e.u.iter().all(|v| v.is_finite())
        && (0..e.imat.dim()).all(|j| (0..e.imat.dim()).all(|k| e.imat.get(j, k).is_finite()))
}

/// Result of the Newton–Raphson iterations, in scaled units.
pub(crate) struct Newton {
    pub beta: Vec<f64>,
    loglik_null: f64,
    score_stat: f64,
    last: Evaluation,
    pub iterations: usize,
    pub converged: bool,
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// R's coxfit6 iteration (right-censored data): convergence may be declared
/// while step halving; on running out of iterations the last accepted beta
/// is kept.
pub(crate) fn newton_right(
    p: usize,
    opt: &CoxOptions,
    mut evaluate: impl FnMut(&[f64]) -> Evaluation,
) -> Result<Newton, CoxError> {
    let mut beta = vec![0.0; p];
    let first = evaluate(&beta);
    let loglik_null = first.loglik;
    let chol = Cholesky::new(&first.imat, opt.toler_chol).ok_or(CoxError::NumericalFailure)?;
    let step = chol.solve(&first.u);
    let score_stat = dot(&first.u, &step);
    if opt.max_iter == 0 || !loglik_null.is_finite() || p == 0 {
        return Ok(Newton {
            beta,
            loglik_null,
            score_stat,
            last: first,
            iterations: 0,
            converged: p == 0,
        });
    }
    let mut best = loglik_null;
    let mut newbeta: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + s).collect();
    let mut halving = 0.0;
    let mut last_at_beta: Option<Evaluation> = Some(first);
    for iter in 1..=opt.max_iter {
        let ev = evaluate(&newbeta);
        let chol = Cholesky::new(&ev.imat, opt.toler_chol);
        let finite = all_finite(&ev) && chol.is_some();
        if finite && (1.0 - best / ev.loglik).abs() <= opt.eps {
            return Ok(Newton {
                beta: newbeta,
                loglik_null,
                score_stat,
                last: ev,
                iterations: iter,
                converged: true,
            });
        }
        match chol {
            Some(chol) if finite && ev.loglik >= best => {
                halving = 0.0;
                best = ev.loglik;
                let step = chol.solve(&ev.u);
                beta.clone_from(&newbeta);
                newbeta.iter_mut().zip(&step).for_each(|(b, s)| *b += s);
                last_at_beta = Some(ev);
            }
            _ => {
                halving += 1.0;
                newbeta
                    .iter_mut()
                    .zip(&beta)
                    .for_each(|(nb, b)| *nb = (*nb + halving * b) / (halving + 1.0));
            }
        }
    }
    let last = match last_at_beta {
        Some(ev) => ev,
        None => evaluate(&beta),
    };
    Ok(Newton {
        beta,
        loglik_null,
        score_stat,
        last,
        iterations: opt.max_iter,
        converged: false,
    })
}

/// R's agfit4 iteration ((start, stop] data): no convergence while halving,
/// a change of rank counts as failure, and on running out of iterations the
/// last beta is kept unless it is worse than the best by more than eps.
fn newton_counting(
    prep: &Prepared,
    opt: &CoxOptions,
    efron: bool,
    lp: &mut LinearPredictor,
) -> Result<Newton, CoxError> {
    let p = prep.p;
    let mut beta = vec![0.0; p];
    let first = evaluate(prep, &beta, efron, lp, None);
    let loglik_null = first.loglik;
    let chol = Cholesky::new(&first.imat, opt.toler_chol).ok_or(CoxError::NumericalFailure)?;
    let rank = chol.rank();
    let step = chol.solve(&first.u);
    let score_stat = dot(&first.u, &step);
    if opt.max_iter == 0 || !loglik_null.is_finite() || p == 0 {
        return Ok(Newton {
            beta,
            loglik_null,
            score_stat,
            last: first,
            iterations: 0,
            converged: p == 0,
        });
    }
    let mut best = loglik_null;
    let mut oldbeta = beta.clone();
    beta.iter_mut().zip(&step).for_each(|(b, s)| *b += s);
    let mut halving = 0.0;
    for iter in 1..=opt.max_iter {
        let ev = evaluate(prep, &beta, efron, lp, None);
        let chol = Cholesky::new(&ev.imat, opt.toler_chol);
        let fail = !all_finite(&ev) || chol.as_ref().is_none_or(|c| c.rank() != rank);
        if !fail && halving == 0.0 && (1.0 - best / ev.loglik).abs() <= opt.eps {
            return Ok(Newton {
                beta,
                loglik_null,
                score_stat,
                last: ev,
                iterations: iter,
                converged: true,
            });
        }
        if iter == opt.max_iter {
            let worse = (ev.loglik - best) / best.abs() < -opt.eps || !ev.loglik.is_finite();
            if opt.max_iter > 1 && worse {
                let last = evaluate(prep, &oldbeta, efron, lp, None);
                return Ok(Newton {
                    beta: oldbeta,
                    loglik_null,
                    score_stat,
                    last,
                    iterations: iter,
                    converged: false,
                });
            }
            return Ok(Newton {
                beta,
                loglik_null,
                score_stat,
                last: ev,
                iterations: iter,
                converged: false,
            });
        }
        match chol {
            Some(chol) if !fail && ev.loglik >= best => {
                halving = 0.0;
                best = ev.loglik;
                let step = chol.solve(&ev.u);
                oldbeta.clone_from(&beta);
                beta.iter_mut().zip(&step).for_each(|(b, s)| *b += s);
            }
            _ => {
                halving += 1.0;
                beta.iter_mut()
                    .zip(&oldbeta)
                    .for_each(|(b, o)| *b = (o * halving + *b) / (halving + 1.0));
            }
        }
    }
    // Unreachable for max_iter >= 1 (the last iteration returns above).
    let last = evaluate(prep, &beta, efron, lp, None);
    Ok(Newton {
        beta,
        loglik_null,
        score_stat,
        last,
        iterations: opt.max_iter,
        converged: false,
    })
}

/// Wald statistic b' V^- b over the non-aliased coefficients (R's coxph.wtest).
pub(crate) fn wald_stat(var: &SymMatrix, b: &[f64], keep: &[bool], toler: f64) -> f64 {
    let idx: Vec<usize> = (0..b.len()).filter(|&j| keep[j]).collect();
    if idx.is_empty() {
        return 0.0;
    }
    let mut sub = SymMatrix::zeros(idx.len());
    for (a, &j) in idx.iter().enumerate() {
        for (c, &k) in idx.iter().enumerate() {
            sub.set(a, c, var.get(j, k));
        }
    }
    let bb: Vec<f64> = idx.iter().map(|&j| b[j]).collect();
    quadratic_form(&sub, &bb, toler).map_or(f64::NAN, |(stat, _)| stat)
}

/// Per-term inference from coefficients and standard errors.
struct Inference {
    se: Vec<Option<f64>>,
    z: Vec<Option<f64>>,
    p: Vec<Option<f64>>,
    lower: Vec<Option<f64>>,
    upper: Vec<Option<f64>>,
}

fn inference(coef: &[Option<f64>], var_diag: &[f64], zcrit: f64) -> Inference {
    let mut out = Inference {
        se: vec![],
        z: vec![],
        p: vec![],
        lower: vec![],
        upper: vec![],
    };
    for (c, v) in coef.iter().zip(var_diag) {
        match c {
            Some(b) => {
                let se = v.max(0.0).sqrt();
                let z = b / se;
                out.se.push(Some(se));
                out.z.push(Some(z));
                out.p.push(Some(normal_two_sided(z)));
                out.lower.push(Some((b - zcrit * se).exp()));
                out.upper.push(Some((b + zcrit * se).exp()));
            }
            None => {
                out.se.push(None);
                out.z.push(None);
                out.p.push(None);
                out.lower.push(None);
                out.upper.push(None);
            }
        }
    }
    out
}

fn check_options(opt: &CoxOptions) -> Result<(), CoxError> {
    if !(opt.conf_level > 0.0 && opt.conf_level < 1.0) {
        return Err(CoxError::InvalidOption {
            name: "conf_level",
            value: opt.conf_level,
        });
    }
    if !(opt.eps > 0.0 && opt.eps.is_finite()) {
        return Err(CoxError::InvalidOption {
            name: "eps",
            value: opt.eps,
        });
    }
    if !(opt.toler_chol > 0.0 && opt.toler_chol < 1.0) {
        return Err(CoxError::InvalidOption {
            name: "toler_chol",
            value: opt.toler_chol,
        });
    }
    if let Some(t) = opt.toler_inf {
        if !(t > 0.0 && t.is_finite()) {
            return Err(CoxError::InvalidOption {
                name: "toler_inf",
                value: t,
            });
        }
    }
    Ok(())
}

/// Fits the Cox model (R: `coxph(Surv(...) ~ ..., ties, robust)`).
pub fn fit(data: &CoxData, options: &CoxOptions) -> Result<CoxFit, CoxError> {
    fit_full(data, options, None).map(|(fit, ..)| fit)
}

/// [`fit`] and the PH test of the fit ([`super::cox_zph`]), which reuses the
/// fit's sorted, centred data instead of preparing them again. The test's
/// failure is its own result: the fit stands without it.
pub fn fit_with_ph_test(
    data: &CoxData,
    options: &CoxOptions,
    terms: &[ModelTerm],
    zph: &ZphOptions,
) -> Result<(CoxFit, Result<ZphResult, CoxError>), CoxError> {
    let (fit, prep, sums) = fit_full(data, options, Some(zph.transform))?;
    let test = zph_with(data, &fit, terms, zph, Some(&prep), sums.as_ref());
    Ok((fit, test))
}

/// What the PH test takes from the fit's last evaluation: the transformed
/// times it was weighted with (sorted order), its information and its
/// time-weighted sums.
pub(crate) struct PhSums {
    pub gtime: Vec<f64>,
    pub imat: SymMatrix,
    pub sums: TimeWeighted,
}

/// The fit with its concordance and robust variance; with `zph`, the fit's
/// evaluations also keep the PH test's sums for that time transform (when
/// the data allow: right-censored rows fitted row by row).
fn fit_full(
    data: &CoxData,
    options: &CoxOptions,
    zph: Option<ZphTransform>,
) -> Result<(CoxFit, Prepared, Option<PhSums>), CoxError> {
    let Fitted {
        prep,
        mut lp,
        beta,
        efron,
        robust,
        var,
        keep,
        zcrit,
        df,
        mut fit,
        ph_sums,
    } = fit_model(data, options, zph)?;
    let eta = lp.at(&prep, &beta);
    let clusters = if robust {
        Some(match &data.cluster {
            Some(c) => cluster_index(c),
            None => ((0..prep.n).collect(), prep.n),
        })
    } else {
        None
    };
    fit.concordance = concordance(&prep, eta, clusters.as_ref());
    if fit.concordance.is_none() {
        fit.warnings.push(KernelWarning::ConcordanceUndefined);
    }
    fit.robust = match &clusters {
        Some(cl) if df > 0 => Some(robust_variance(
            &prep,
            eta,
            efron,
            &var,
            cl,
            &fit.coef,
            &keep,
            zcrit,
            options.toler_chol,
        )),
        _ => None,
    };
    Ok((fit, prep, ph_sums))
}

/// The same fit without the concordance and the robust variance: the
/// coefficients, hazard ratios, their model-based Wald inference, the model
/// tests and the warnings, exactly as [`fit`] gives them; `concordance` and
/// `robust` are `None` (`options.robust` and cluster ids are not used). For
/// callers that report hazard ratios only (the Kaplan–Meier figure's
/// annotation), so that the page's start-up wasm module does not carry the
/// concordance and sandwich-variance code.
pub fn fit_hazard_ratios(data: &CoxData, options: &CoxOptions) -> Result<CoxFit, CoxError> {
    fit_model(data, options, None).map(|fitted| fitted.fit)
}

/// The Cox model of a grouping factor, from the groups' time tallies (as
/// the Kaplan–Meier figure's hazard ratios): `levels[g]` is group g's level,
/// 0 for the reference and j + 1 for the indicator named `terms[j]`. The
/// same fit as [`fit_hazard_ratios`] on those indicators (and the same
/// arithmetic), with no pass over the patients.
pub fn fit_factor_tallied(
    tallies: &TimeTallies,
    levels: &[usize],
    terms: &[String],
    options: &CoxOptions,
) -> Result<CoxFit, CoxError> {
    check_options(options)?;
    let p = terms.len();
    if levels.len() != tallies.n_groups() {
        return Err(CoxError::LengthMismatch {
            what: "list of group levels".to_string(),
            expected: tallies.n_groups(),
            found: levels.len(),
        });
    }
    if p == 0 || levels.iter().any(|&l| l > p) {
        return Err(CoxError::LengthMismatch {
            what: "list of term names".to_string(),
            expected: levels.iter().max().copied().unwrap_or(0),
            found: p,
        });
    }
    if tallies.is_empty() {
        return Err(CoxError::NoRows);
    }
    if tallies.events() == 0 {
        return Err(CoxError::NoEvents);
    }
    let efron = options.ties == Ties::Efron;
    let factor = FactorTallies::from_time_tallies(tallies, levels, p);
    let newton = newton_right(p, options, |beta| factor.evaluate(beta, efron))?;
    // Indicators are neither centred nor scaled (R's `nocenter`), and a
    // patient's linear predictor is their level's coefficient.
    let present: Vec<bool> = (0..=p)
        .map(|l| (0..levels.len()).any(|g| levels[g] == l && tallies.group_n()[g] > 0))
        .collect();
    let shape = FitShape {
        n: tallies.n(),
        nevent: tallies.events(),
        scale: &vec![1.0; p],
        means: &vec![0.0; p],
        terms,
        counting: false,
        eta_over_500: newton
            .beta
            .iter()
            .zip(&present[1..])
            .any(|(&b, &here)| here && b > 500.0),
    };
    Ok(summarise(&newton, &shape, options)?.fit)
}

/// [`fit`]'s model, and what its concordance and robust variance need.
struct Fitted {
    prep: Prepared,
    lp: LinearPredictor,
    /// The final beta, in scaled units.
    beta: Vec<f64>,
    efron: bool,
    robust: bool,
    var: SymMatrix,
    keep: Vec<bool>,
    zcrit: f64,
    df: usize,
    fit: CoxFit,
    ph_sums: Option<PhSums>,
}

fn fit_model(
    data: &CoxData,
    options: &CoxOptions,
    zph: Option<ZphTransform>,
) -> Result<Fitted, CoxError> {
    validate(data)?;
    check_options(options)?;
    let prep = Prepared::new(data);
    let robust = options.robust || data.cluster.is_some();
    if robust && prep.counting && data.cluster.is_none() {
        return Err(CoxError::RobustNeedsCluster);
    }
    let efron = options.ties == Ties::Efron;
    let p = prep.p;
    let mut lp = LinearPredictor::new(prep.n);
    let mut gtime = None;
    let newton = if prep.counting {
        newton_counting(&prep, options, efron, &mut lp)?
    } else if let Some(tallies) = FactorTallies::new(&prep) {
        newton_right(p, options, |beta| tallies.evaluate(beta, efron))?
    } else {
        gtime = zph.map(|transform| transformed_times_sorted(data, &prep, transform));
        newton_right(p, options, |beta| {
            evaluate(&prep, beta, efron, &mut lp, gtime.as_deref())
        })?
    };
    let ph_sums = gtime.and_then(|gtime| {
        let sums = newton.last.time_weighted.clone()?;
        Some(PhSums {
            gtime,
            imat: newton.last.imat.clone(),
            sums,
        })
    });
    // Linear predictor at the final beta, in sorted order (centred; a shift
    // changes neither the concordance nor the residuals).
    let eta = lp.at(&prep, &newton.beta);
    let shape = FitShape {
        n: prep.n,
        nevent: prep.nevent,
        scale: &prep.scale,
        means: &prep.means,
        terms: &data.term_names,
        counting: prep.counting,
        eta_over_500: eta.iter().any(|&v| v > 500.0),
    };
    let Summary {
        var,
        keep,
        zcrit,
        df,
        fit,
    } = summarise(&newton, &shape, options)?;
    Ok(Fitted {
        prep,
        lp,
        beta: newton.beta,
        efron,
        robust,
        var,
        keep,
        zcrit,
        df,
        fit,
        ph_sums,
    })
}

/// What the summary of a fit needs to know of its data.
struct FitShape<'a> {
    n: usize,
    nevent: usize,
    /// Multiplier of each covariate in the fit (beta is in scaled units).
    scale: &'a [f64],
    means: &'a [f64],
    terms: &'a [String],
    counting: bool,
    /// Some patient's linear predictor exceeds 500 at the final beta.
    eta_over_500: bool,
}

/// The fit's summary and what its concordance and robust variance need.
struct Summary {
    var: SymMatrix,
    keep: Vec<bool>,
    zcrit: f64,
    df: usize,
    fit: CoxFit,
}

/// Variance, aliasing, R's infinite-coefficient check, Wald intervals and
/// the three global tests of a converged (or stopped) Newton iteration.
fn summarise(newton: &Newton, shape: &FitShape, options: &CoxOptions) -> Result<Summary, CoxError> {
    let p = shape.scale.len();
    let mut warnings = Vec::new();
    let chol =
        Cholesky::new(&newton.last.imat, options.toler_chol).ok_or(CoxError::NumericalFailure)?;
    let inv_scaled = chol.inverse();
    let mut var = SymMatrix::zeros(p);
    for j in 0..p {
        for k in 0..=j {
            var.set(j, k, inv_scaled.get(j, k) * shape.scale[j] * shape.scale[k]);
        }
    }
    let aliased: Vec<bool> = if chol.rank() < p {
        (0..p).map(|j| var.get(j, j) == 0.0).collect()
    } else {
        vec![false; p]
    };
    let beta_orig: Vec<f64> = newton
        .beta
        .iter()
        .zip(shape.scale)
        .map(|(b, s)| b * s)
        .collect();
    let coef: Vec<Option<f64>> = beta_orig
        .iter()
        .zip(&aliased)
        .map(|(&b, &a)| {
            if a && options.max_iter > 0 {
                None
            } else {
                Some(b)
            }
        })
        .collect();
    for (j, a) in aliased.iter().enumerate() {
        if *a {
            warnings.push(KernelWarning::CollinearCovariate {
                term: shape.terms[j].clone(),
            });
        }
    }

    // R's check for coefficients running off to infinity: the size of the
    // Newton step that would still be taken at the final beta.
    if options.max_iter > 1 && p > 0 {
        let u_orig: Vec<f64> = newton
            .last
            .u
            .iter()
            .zip(shape.scale)
            .map(|(u, s)| u / s)
            .collect();
        let infs: Vec<f64> = var.mul_vec(&u_orig).iter().map(|v| v.abs()).collect();
        let toler_inf = options.toler_inf.unwrap_or_else(|| options.eps.sqrt());
        let mut flagged_any = false;
        for j in (0..p).filter(|&j| !aliased[j]) {
            let flagged = if !newton.converged || shape.counting {
                // agreg.fit's rule; also applied (beyond R, which then only
                // says "did not converge") to a fit that ran out of
                // iterations, where it names the coefficients still moving.
                !u_orig[j].is_finite() || infs[j] > toler_inf * (1.0 + beta_orig[j].abs())
            } else {
                !u_orig[j].is_finite()
                    || (infs[j] > options.eps && infs[j] > toler_inf * beta_orig[j].abs())
            };
            if flagged {
                flagged_any = true;
                warnings.push(KernelWarning::InfiniteCoefficient {
                    term: Some(shape.terms[j].clone()),
                    converged: newton.converged,
                });
            }
        }
        if !newton.converged {
            warnings.push(KernelWarning::NotConverged {
                method: FitMethod::Cox,
                max_iter: options.max_iter,
            });
            if !flagged_any && (shape.eta_over_500 || infs.iter().any(|v| !v.is_finite())) {
                warnings.push(KernelWarning::InfiniteCoefficient {
                    term: None,
                    converged: false,
                });
            }
        }
    }

    let zcrit = normal_quantile_two_sided(options.conf_level).unwrap_or(f64::NAN);
    let inf = inference(&coef, &var.diag(), zcrit);
    let keep: Vec<bool> = coef.iter().map(Option::is_some).collect();
    let df = keep.iter().filter(|&&k| k).count();
    let coef0: Vec<f64> = coef.iter().map(|c| c.unwrap_or(0.0)).collect();
    let wald = wald_stat(&var, &coef0, &keep, options.toler_chol);
    let loglik_final = newton.last.loglik;
    let lr = 2.0 * (loglik_final - newton.loglik_null);

    let fit = CoxFit {
        terms: shape.terms.to_vec(),
        ties: options.ties,
        conf_level: options.conf_level,
        n: shape.n,
        nevent: shape.nevent,
        hr: coef.iter().map(|c| c.map(f64::exp)).collect(),
        coef,
        se: inf.se,
        z: inf.z,
        p: inf.p,
        hr_lower: inf.lower,
        hr_upper: inf.upper,
        var: var.to_rows(),
        means: shape.means.to_vec(),
        loglik_null: newton.loglik_null,
        loglik_final,
        lr_test: ChiSquareTest::new(lr, df),
        wald_test: ChiSquareTest::new(wald, df),
        score_test: ChiSquareTest::new(newton.score_stat, df),
        concordance: None,
        iterations: newton.iterations,
        converged: newton.converged,
        robust: None,
        warnings,
    };
    Ok(Summary {
        var,
        keep,
        zcrit,
        df,
        fit,
    })
}

/// Sandwich variance from the cluster-summed, weighted dfbeta residuals,
/// and the robust score test from the score residuals at beta = 0.
#[allow(clippy::too_many_arguments)]
fn robust_variance(
    prep: &Prepared,
    eta: &[f64],
    efron: bool,
    var: &SymMatrix,
    clusters: &(Vec<usize>, usize),
    coef: &[Option<f64>],
    keep: &[bool],
    zcrit: f64,
    toler: f64,
) -> RobustVariance {
    let p = prep.p;
    let (cluster_of, ncl) = clusters;
    // Cluster-summed weighted score residuals in original units.
    let collapse = |resid: &[f64]| {
        let mut sums = vec![0.0; ncl * p];
        for pos in 0..prep.n {
            let c = cluster_of[prep.order[pos]];
            let w = prep.weight[pos];
            for j in 0..p {
                sums[c * p + j] += w * resid[pos * p + j] / prep.scale[j];
            }
        }
        sums
    };
    let scores = collapse(&score_residuals(prep, eta, efron));
    let mut rvar = SymMatrix::zeros(p);
    let mut dfb = vec![0.0; p];
    for c in 0..*ncl {
        let s = &scores[c * p..(c + 1) * p];
        for (j, d) in dfb.iter_mut().enumerate() {
            *d = (0..p).map(|k| s[k] * var.get(k, j)).sum();
        }
        for j in 0..p {
            for k in 0..=j {
                rvar.add(j, k, dfb[j] * dfb[k]);
            }
        }
    }
    let zero_eta = vec![0.0; prep.n];
    let scores0 = collapse(&score_residuals(prep, &zero_eta, efron));
    let mut ss = SymMatrix::zeros(p);
    let mut u0 = vec![0.0; p];
    for c in 0..*ncl {
        let s = &scores0[c * p..(c + 1) * p];
        for j in 0..p {
            u0[j] += s[j];
            for k in 0..=j {
                ss.add(j, k, s[j] * s[k]);
            }
        }
    }
    let all = vec![true; p];
    let rscore = wald_stat(&ss, &u0, &all, toler);
    let df = keep.iter().filter(|&&k| k).count();
    let coef0: Vec<f64> = coef.iter().map(|c| c.unwrap_or(0.0)).collect();
    let inf = inference(coef, &rvar.diag(), zcrit);
    RobustVariance {
        se: inf.se,
        z: inf.z,
        p: inf.p,
        hr_lower: inf.lower,
        hr_upper: inf.upper,
        wald_test: ChiSquareTest::new(wald_stat(&rvar, &coef0, keep, toler), df),
        robust_score_test: ChiSquareTest::new(rscore, df),
        var: rvar.to_rows(),
        n_clusters: *ncl,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(s: &mut u64) -> f64 {
        *s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*s >> 11) as f64 / (1u64 << 53) as f64
    }

    fn random_data(s: &mut u64, n: usize, p: usize, counting: bool) -> CoxData {
        let stop: Vec<f64> = (0..n).map(|_| 1.0 + (lcg(s) * 10.0).floor()).collect();
        let start: Vec<f64> = stop
            .iter()
            .map(|t| (lcg(s) * t).floor().min(t - 1.0))
            .collect();
        let mut d = CoxData {
            start: counting.then_some(start),
            event: (0..n).map(|_| lcg(s) < 0.6).collect(),
            covariates: (0..p)
                .map(|j| {
                    (0..n)
                        .map(|_| {
                            if j == 0 {
                                (lcg(s) < 0.5) as u8 as f64
                            } else {
                                lcg(s) * 3.0 - 1.0
                            }
                        })
                        .collect()
                })
                .collect(),
            term_names: (0..p).map(|j| format!("x{j}")).collect(),
            stop,
            ..CoxData::default()
        };
        d.event[0] = true;
        d
    }

    /// Log partial likelihood, score and information from the definition,
    /// rescanning every risk set (O(n^2)), Efron or Breslow.
    fn naive(d: &CoxData, beta: &[f64], efron: bool) -> (f64, Vec<f64>, Vec<Vec<f64>>) {
        let n = d.n();
        let p = beta.len();
        let w = |i: usize| d.weights.as_ref().map_or(1.0, |w| w[i]);
        let st = |i: usize| d.strata.as_ref().map_or(0, |s| s[i]);
        let start = |i: usize| d.start.as_ref().map_or(f64::NEG_INFINITY, |s| s[i]);
        let x = |i: usize, j: usize| d.covariates[j][i];
        let eta: Vec<f64> = (0..n)
            .map(|i| (0..p).map(|j| beta[j] * x(i, j)).sum())
            .collect();
        let (mut ll, mut u, mut info) = (0.0, vec![0.0; p], vec![vec![0.0; p]; p]);
        let mut done: Vec<(u32, u64)> = vec![];
        for i0 in 0..n {
            if !d.event[i0] || done.contains(&(st(i0), d.stop[i0].to_bits())) {
                continue;
            }
            let t = d.stop[i0];
            done.push((st(i0), t.to_bits()));
            let risk: Vec<usize> = (0..n)
                .filter(|&i| st(i) == st(i0) && start(i) < t && t <= d.stop[i])
                .collect();
            let dead: Vec<usize> = risk
                .iter()
                .copied()
                .filter(|&i| d.event[i] && d.stop[i] == t)
                .collect();
            let m = if efron { dead.len() } else { 1 };
            let wt: f64 = dead.iter().map(|&i| w(i)).sum::<f64>() / m as f64;
            for &i in &dead {
                ll += w(i) * eta[i];
                for j in 0..p {
                    u[j] += w(i) * x(i, j);
                }
            }
            for k in 0..m {
                let f = if efron { k as f64 / m as f64 } else { 0.0 };
                let sc =
                    |i: usize| w(i) * eta[i].exp() * if dead.contains(&i) { 1.0 - f } else { 1.0 };
                let den: f64 = risk.iter().map(|&i| sc(i)).sum();
                ll -= wt * den.ln();
                let mean: Vec<f64> = (0..p)
                    .map(|j| risk.iter().map(|&i| sc(i) * x(i, j)).sum::<f64>() / den)
                    .collect();
                for j in 0..p {
                    u[j] -= wt * mean[j];
                    for l in 0..p {
                        let c: f64 =
                            risk.iter().map(|&i| sc(i) * x(i, j) * x(i, l)).sum::<f64>() / den;
                        info[j][l] += wt * (c - mean[j] * mean[l]);
                    }
                }
            }
        }
        (ll, u, info)
    }

    #[test]
    fn one_pass_equals_risk_set_rescans() {
        let mut s = 99u64;
        for case in 0..60 {
            let n = 3 + (lcg(&mut s) * 50.0) as usize;
            let p = 1 + case % 3;
            let mut d = random_data(&mut s, n, p, case % 2 == 1);
            if case % 3 == 0 {
                d.strata = Some((0..n).map(|_| (lcg(&mut s) * 3.0) as u32).collect());
            }
            if case % 4 == 0 {
                d.weights = Some((0..n).map(|_| 0.5 + lcg(&mut s)).collect());
            }
            let beta: Vec<f64> = (0..p).map(|_| lcg(&mut s) * 2.0 - 1.0).collect();
            let prep = Prepared::new(&d);
            let beta_s: Vec<f64> = beta.iter().zip(&prep.scale).map(|(b, sc)| b / sc).collect();
            for efron in [true, false] {
                let ev = evaluate(
                    &prep,
                    &beta_s,
                    efron,
                    &mut LinearPredictor::new(prep.n),
                    None,
                );
                let (ll, u, info) = naive(&d, &beta, efron);
                let close = |a: f64, e: f64| (a - e).abs() <= 1e-10 * e.abs().max(1.0);
                assert!(
                    close(ev.loglik, ll),
                    "case {case}: loglik {} vs {}",
                    ev.loglik,
                    ll
                );
                for j in 0..p {
                    assert!(close(ev.u[j] / prep.scale[j], u[j]), "case {case}: u[{j}]");
                    for l in 0..p {
                        let v = ev.imat.get(j, l) / (prep.scale[j] * prep.scale[l]);
                        assert!(
                            close(v, info[j][l]),
                            "case {case}: info[{j}][{l}] {v} vs {}",
                            info[j][l]
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn random_inputs_never_panic() {
        let mut s = 7u64;
        for case in 0..300 {
            let n = 1 + (lcg(&mut s) * 30.0) as usize;
            let p = (lcg(&mut s) * 4.0) as usize;
            let mut d = random_data(&mut s, n, p, case % 2 == 1);
            if case % 3 == 0 {
                d.strata = Some((0..n).map(|_| (lcg(&mut s) * 4.0) as u32).collect());
            }
            if case % 5 == 0 {
                d.cluster = Some((0..n).map(|_| (lcg(&mut s) * 4.0) as u64).collect());
            }
            if case % 7 == 0 && p > 0 {
                // Extreme scales and a copied column.
                d.covariates[0].iter_mut().for_each(|v| *v *= 1e6);
                if p > 1 {
                    d.covariates[p - 1] = d.covariates[0].clone();
                }
            }
            if case % 11 == 0 {
                d.event.iter_mut().for_each(|e| *e = false);
            }
            if case % 13 == 0 && n > 1 {
                d.stop[1] = f64::NAN;
            }
            let opt = CoxOptions {
                ties: if case % 2 == 0 {
                    Ties::Efron
                } else {
                    Ties::Breslow
                },
                robust: case % 4 == 0,
                max_iter: case % 25,
                ..CoxOptions::default()
            };
            if let Ok(f) = fit(&d, &opt) {
                assert_eq!(f.coef.len(), p);
                let _ = crate::cox::cox_zph(&d, &f, &[], &crate::cox::ZphOptions::default());
            }
        }
    }

    fn small() -> CoxData {
        CoxData::right_censored(
            vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            vec![true, false, true, true, false, true],
            vec![vec![0.5, 1.5, 0.2, 2.0, 1.0, 0.1]],
            vec!["x".into()],
        )
    }

    #[test]
    fn invalid_input_is_an_error_naming_the_problem() {
        let opt = CoxOptions::default();
        let mut d = small();
        d.stop.clear();
        d.event.clear();
        d.covariates[0].clear();
        assert_eq!(fit(&d, &opt).unwrap_err(), CoxError::NoRows);
        let mut d = small();
        d.event.pop();
        assert!(matches!(
            fit(&d, &opt),
            Err(CoxError::LengthMismatch { .. })
        ));
        let mut d = small();
        d.covariates[0][2] = f64::NAN;
        let e = fit(&d, &opt).unwrap_err();
        assert!(matches!(&e, CoxError::InvalidCovariate { term, row: 3, .. } if term == "x"));
        assert!(e.to_string().contains("'x'") && e.to_string().contains("row 3"));
        let mut d = small();
        d.stop[4] = -1.0;
        assert!(matches!(
            fit(&d, &opt),
            Err(CoxError::InvalidTime { row: 5, .. })
        ));
        let mut d = small();
        d.start = Some(vec![0.0, 2.0, 0.0, 0.0, 0.0, 0.0]);
        assert!(matches!(
            fit(&d, &opt),
            Err(CoxError::StartNotBeforeStop { row: 2, .. })
        ));
        let mut d = small();
        d.weights = Some(vec![1.0, 1.0, 0.0, 1.0, 1.0, 1.0]);
        assert!(matches!(
            fit(&d, &opt),
            Err(CoxError::InvalidWeight { row: 3, .. })
        ));
        let mut d = small();
        d.event = vec![false; 6];
        assert_eq!(fit(&d, &opt).unwrap_err(), CoxError::NoEvents);
        let mut d = small();
        d.start = Some(vec![0.0; 6]);
        let robust = CoxOptions {
            robust: true,
            ..CoxOptions::default()
        };
        assert_eq!(fit(&d, &robust).unwrap_err(), CoxError::RobustNeedsCluster);
        let bad = CoxOptions {
            conf_level: 1.5,
            ..CoxOptions::default()
        };
        assert!(matches!(
            fit(&small(), &bad),
            Err(CoxError::InvalidOption {
                name: "conf_level",
                ..
            })
        ));
    }

    #[test]
    fn null_model_gives_the_log_likelihood() {
        let mut d = small();
        d.covariates.clear();
        d.term_names.clear();
        let f = fit(&d, &CoxOptions::default()).unwrap();
        assert!(f.coef.is_empty());
        // No ties: loglik = -sum log(number at risk) = -log(6 * 4 * 3 * 1).
        assert!((f.loglik_null + 72f64.ln()).abs() < 1e-12);
        assert_eq!(f.loglik_final, f.loglik_null);
        assert_eq!(f.concordance.unwrap().c, 0.5);
    }

    #[test]
    fn infinite_coefficient_is_flagged_not_hidden() {
        // Group g = 1 has no events: the MLE of its log-HR is -infinity.
        let d = CoxData::right_censored(
            vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
            vec![true, false, true, false, true, false, true, false],
            vec![
                vec![0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0],
                vec![3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0],
            ],
            vec!["g".into(), "z".into()],
        );
        for ties in [Ties::Efron, Ties::Breslow] {
            let f = fit(
                &d,
                &CoxOptions {
                    ties,
                    ..CoxOptions::default()
                },
            )
            .unwrap();
            assert!(f.coef[0].unwrap() < -5.0, "{:?}", f.coef);
            let infinite = |term: &str| {
                f.warnings.iter().any(|w| matches!(w, KernelWarning::InfiniteCoefficient { term: Some(t), .. } if t == term))
            };
            assert!(infinite("g"), "{:?}", f.warnings);
            assert!(!infinite("z"), "{:?}", f.warnings);
            assert!(f.lr_test.stat.is_finite());
        }
        let mut cp = d.clone();
        cp.start = Some(vec![0.0; 8]);
        let f = fit(&cp, &CoxOptions::default()).unwrap();
        assert!(
            f.warnings.iter().any(|w| matches!(w, KernelWarning::InfiniteCoefficient { term: Some(t), .. } if t == "g")),
            "{:?}",
            f.warnings
        );
    }

    #[test]
    fn aliased_column_is_na_with_a_warning() {
        let mut d = small();
        d.covariates
            .push(d.covariates[0].iter().map(|v| 2.0 * v + 1.0).collect());
        d.term_names.push("x2".into());
        let f = fit(&d, &CoxOptions::default()).unwrap();
        let alone = fit(&small(), &CoxOptions::default()).unwrap();
        assert_eq!(f.coef[1], None);
        assert!((f.coef[0].unwrap() - alone.coef[0].unwrap()).abs() < 1e-10);
        assert_eq!(
            f.warnings,
            [KernelWarning::CollinearCovariate { term: "x2".into() }]
        );
        assert_eq!(f.var[1], vec![0.0, 0.0]);
        assert_eq!(f.wald_test.df, 1);
    }

    #[test]
    fn huge_linear_predictors_stay_finite() {
        // Covariate values ~1e3 with a coefficient near 1 give eta ~ 1e3,
        // far beyond exp overflow without recentring.
        let n = 40;
        let stop: Vec<f64> = (0..n).map(|i| (i + 1) as f64).collect();
        let x: Vec<f64> = (0..n)
            .map(|i| 1000.0 - 20.0 * i as f64 + if i % 3 == 0 { 30.0 } else { 0.0 })
            .collect();
        let d = CoxData::counting_process(
            vec![0.0; n],
            stop,
            (0..n).map(|i| i % 4 != 3).collect(),
            vec![x],
            vec!["x".into()],
        );
        let mut opt = CoxOptions {
            max_iter: 0,
            ..CoxOptions::default()
        };
        let f0 = fit(&d, &opt).unwrap();
        assert!(f0.loglik_null.is_finite());
        opt.max_iter = 30;
        let f = fit(&d, &opt).unwrap();
        assert!(f.loglik_final.is_finite() && f.loglik_final >= f.loglik_null);
    }

    #[test]
    fn stratum_without_events_is_harmless() {
        let mut d = small();
        d.stop.extend([2.5, 3.5]);
        d.event.extend([false, false]);
        d.covariates[0].extend([0.3, 0.9]);
        d.strata = Some(vec![0, 0, 0, 0, 0, 0, 1, 1]);
        let f = fit(&d, &CoxOptions::default()).unwrap();
        let g = fit(&small(), &CoxOptions::default()).unwrap();
        assert!((f.coef[0].unwrap() - g.coef[0].unwrap()).abs() < 1e-12);
        assert_eq!(f.n, 8);
    }
}
