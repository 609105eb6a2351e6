//! Binary logistic regression: maximum likelihood matching R's
//! `glm(family = binomial)` with Wald and profile-likelihood intervals
//! (`confint`), and Firth's penalised likelihood matching `logistf`
//! (Firth 1993; Heinze & Schemper 2002, Stat Med 21:2409).
//!
//! Layers as in R: [`fit`] checks the numeric design and finds aliased
//! columns (`design`), `ml` and `firth` fit, `profile` solves confidence
//! limits, `separation` certifies (quasi-)complete separation. The input is
//! numeric; building dummy columns from a data table happens upstream.

mod design;
mod firth;
mod kernel;
mod ml;
mod patterns;
mod profile;
mod separation;

use crate::distributions::{chi_square_upper, normal_quantile_two_sided, normal_two_sided};
use crate::linalg::SymMatrix;
use crate::warning::{FitMethod, KernelWarning, Side};
use design::{Design, Problem};
use kernel::Factor;
use profile::{Limit, Restricted};
use std::fmt;

/// R's name for the intercept term.
pub const INTERCEPT: &str = "(Intercept)";

/// Estimation method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogisticMethod {
    /// Maximum likelihood, R's `glm(family = binomial)`.
    Ml,
    /// Firth's penalised likelihood, `logistf`.
    Firth,
}

/// Which confidence interval to compute besides Wald (always given).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CiMethod {
    /// Profile (penalised) likelihood, as R's `confint(glm)` and `logistf`;
    /// Wald limits are computed too.
    Profile,
    /// Wald only (coef -/+ z se), what most papers print; cheapest.
    Wald,
}

/// Options; the defaults are R's (`glm.control()`, 95% intervals) and
/// `logistf`'s maximum step.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(default)]
pub struct LogisticOptions {
    /// Maximum likelihood (default) or Firth.
    pub method: LogisticMethod,
    /// Add an intercept column named "(Intercept)" (R's default).
    pub intercept: bool,
    /// Confidence level of every interval (0.95).
    pub conf_level: f64,
    /// Profile (default, R's `confint`) or Wald only. Each profile limit
    /// costs a handful of restricted fits: about 20 times a Wald-only fit.
    pub ci: CiMethod,
    /// IRLS iteration limit (`glm.control(maxit = 25)`). When R's criterion
    /// is not met within it, the last iterate is reported, unconverged, as R
    /// does.
    pub max_iter: usize,
    /// IRLS criterion |dev - dev_old| / (|dev| + 0.1) < epsilon
    /// (`glm.control(epsilon = 1e-8)`). After it is met, Newton steps continue
    /// until the step is below 1e-8 standard errors, so coefficients and SEs
    /// equal R's fully converged values (`epsilon = 1e-14`).
    pub epsilon: f64,
    /// Firth iteration limit. Higher than `logistf`'s 25 because iterations
    /// run to a step below 1e-10 standard errors, not `logistf`'s 1e-5.
    pub firth_max_iter: usize,
    /// Largest change of any coefficient in one Firth step (`logistf`: 5).
    pub firth_max_step: f64,
}

impl Default for LogisticOptions {
    fn default() -> Self {
        LogisticOptions {
            method: LogisticMethod::Ml,
            intercept: true,
            conf_level: 0.95,
            ci: CiMethod::Profile,
            max_iter: 25,
            epsilon: 1e-8,
            firth_max_iter: 200,
            firth_max_step: 5.0,
        }
    }
}

/// The numeric model: outcome, optional binomial trials and covariate
/// columns (without the intercept; see [`LogisticOptions::intercept`]).
#[derive(Debug, Clone, Copy)]
pub struct LogisticInput<'a> {
    /// 0/1 outcome, or successes per row when `trials` is given.
    pub y: &'a [f64],
    /// Binomial trials per row (positive integers); `None` for 0/1 data.
    pub trials: Option<&'a [f64]>,
    /// One column per term, each as long as `y`.
    pub columns: &'a [Vec<f64>],
    /// Term names, one per column (dummy columns named as R does, e.g.
    /// "education6-11yrs").
    pub term_names: &'a [String],
}

/// One row of the coefficient table. All numbers are `None` for an aliased
/// term (R's NA).
#[derive(Debug, Clone, serde::Serialize)]
pub struct LogisticTerm {
    pub term: String,
    /// Dropped because collinear with other terms.
    pub aliased: bool,
    pub coef: Option<f64>,
    pub odds_ratio: Option<f64>,
    pub se: Option<f64>,
    /// Wald z = coef / se.
    pub z: Option<f64>,
    /// Wald p = 2 pnorm(-|z|).
    pub p: Option<f64>,
    pub wald_ci_coef_lower: Option<f64>,
    pub wald_ci_coef_upper: Option<f64>,
    pub wald_ci_or_lower: Option<f64>,
    pub wald_ci_or_upper: Option<f64>,
    /// Profile (penalised, for Firth) likelihood limits; `None` when not
    /// requested, infinite, or not computable (see warnings).
    pub profile_ci_coef_lower: Option<f64>,
    pub profile_ci_coef_upper: Option<f64>,
    pub profile_ci_or_lower: Option<f64>,
    pub profile_ci_or_upper: Option<f64>,
    /// Firth only: penalised likelihood-ratio test of coef = 0 (`logistf`'s
    /// p-value), 1 df.
    pub plr_chisq: Option<f64>,
    pub plr_p: Option<f64>,
}

/// A chi-square test.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct LikelihoodRatioTest {
    pub stat: f64,
    pub df: usize,
    pub p: f64,
}

/// Kind of separation found (defined with the warnings, which report it).
pub use crate::warning::SeparationKind;

/// Separation in an ML fit: the listed terms' ML estimates are infinite.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Separation {
    pub kind: SeparationKind,
    pub terms: Vec<String>,
}

/// The fitted model.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LogisticFit {
    pub method: LogisticMethod,
    pub ci_method: CiMethod,
    pub conf_level: f64,
    /// Intercept first (when present), then the input columns in order.
    pub terms: Vec<LogisticTerm>,
    /// Covariance of the coefficients (inverse Fisher information), in term
    /// order; rows and columns of aliased terms are `None`.
    pub vcov: Vec<Vec<Option<f64>>>,
    /// Residual deviance (unpenalised, at the reported coefficients).
    pub deviance: f64,
    /// Deviance of the intercept-only ML model (eta = 0 without intercept).
    pub null_deviance: f64,
    pub df_residual: usize,
    pub df_null: usize,
    /// -2 logLik + 2 rank; `None` for Firth.
    pub aic: Option<f64>,
    /// R's `logLik` (binomial constant included) at the coefficients.
    pub loglik: f64,
    /// ML: deviance drop against the null model. Firth: `logistf`'s
    /// penalised likelihood-ratio test against the intercept-only model.
    /// `None` when the model has no term besides the intercept.
    pub lr_test: Option<LikelihoodRatioTest>,
    /// Firth only: penalised log-likelihood of the model and of the null
    /// model (`logistf`'s `loglik`).
    pub penalized_loglik: Option<f64>,
    pub penalized_loglik_null: Option<f64>,
    /// Rows used.
    pub n: usize,
    /// Total events (sum of y).
    pub n_events: u64,
    /// Total trials (= n for 0/1 data).
    pub n_trials: u64,
    /// Estimable coefficients.
    pub rank: usize,
    pub iterations: usize,
    pub converged: bool,
    /// ML only: separation found (estimates of these terms are not finite).
    pub separation: Option<Separation>,
    pub warnings: Vec<KernelWarning>,
}

/// Why a model could not be fitted.
#[derive(Debug, Clone, PartialEq)]
pub enum LogisticError {
    NoRows,
    NoTerms,
    TermCountMismatch {
        columns: usize,
        names: usize,
    },
    LengthMismatch {
        what: String,
        expected: usize,
        found: usize,
    },
    /// `row` is 1-based within the input.
    NonFinite {
        what: String,
        row: usize,
    },
    InvalidOutcome {
        row: usize,
        value: f64,
        binary: bool,
    },
    InvalidTrials {
        row: usize,
        value: f64,
    },
    NoEvents,
    AllEvents,
    NoEstimableTerms,
    InvalidOption {
        option: &'static str,
        value: String,
    },
    NumericalFailure {
        detail: String,
    },
}

impl fmt::Display for LogisticError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogisticError::NoRows => write!(f, "There are no rows to analyse."),
            LogisticError::NoTerms => {
                write!(f, "The model has no terms: add a covariate or keep the intercept.")
            }
            LogisticError::TermCountMismatch { columns, names } => write!(
                f,
                "{columns} covariate columns were given but {names} term names; give one name per column."
            ),
            LogisticError::LengthMismatch { what, expected, found } => write!(
                f,
                "The outcome has {expected} rows but {what} has {found}; every column must have one value per row."
            ),
            LogisticError::NonFinite { what, row } => write!(
                f,
                "Row {row}: {what} is missing or not a finite number; remove or fix the row before fitting."
            ),
            LogisticError::InvalidOutcome { row, value, binary: true } => write!(
                f,
                "Row {row}: the outcome is {value}, but logistic regression needs 0 (no event) or 1 (event)."
            ),
            LogisticError::InvalidOutcome { row, value, binary: false } => write!(
                f,
                "Row {row}: the number of events is {value}, but it must be a whole number between 0 and the number of trials."
            ),
            LogisticError::InvalidTrials { row, value } => write!(
                f,
                "Row {row}: the number of trials is {value}, but it must be a positive whole number."
            ),
            LogisticError::NoEvents => write!(
                f,
                "No row has the event (the outcome is 0 everywhere), so odds ratios cannot be estimated."
            ),
            LogisticError::AllEvents => write!(
                f,
                "Every row has the event (the outcome is 1 everywhere), so odds ratios cannot be estimated."
            ),
            LogisticError::NoEstimableTerms => write!(
                f,
                "No term can be estimated: every column is zero or collinear with earlier ones."
            ),
            LogisticError::InvalidOption { option, value } => {
                write!(f, "Option {option} = {value} is not valid.")
            }
            LogisticError::NumericalFailure { detail } => write!(
                f,
                "The model could not be fitted: {detail}. Check for terms that are nearly collinear or on very different scales."
            ),
        }
    }
}

impl std::error::Error for LogisticError {}

/// Firth convergence: step below this many standard errors (the iteration
/// converges linearly, so this keeps coefficients exact to ~1e-10 SE).
const FIRTH_TOLERANCE_SE: f64 = 1e-10;
/// Firth restricted fits inside profiles and tests (with the second-order
/// correction the penalised log-likelihood is exact to ~1e-12).
const FIRTH_RESTRICTED_TOLERANCE_SE: f64 = 1e-6;

/// Fits a binary logistic regression (ML or Firth).
// Never inlined, nor are the design and the fitters: inlined into a caller
// compiled for size (the analysis layer), their row loops ran at opt-level
// "z" (link-time inlining takes the caller's optimisation attributes).
#[inline(never)]
pub fn fit(input: &LogisticInput, options: &LogisticOptions) -> Result<LogisticFit, LogisticError> {
    validate(options)?;
    let qr_tolerance = (options.epsilon / 1000.0).min(1e-7);
    let design = Design::build(input, options.intercept, qr_tolerance)?;
    let z = normal_quantile_two_sided(options.conf_level).unwrap_or(f64::NAN);
    match options.method {
        LogisticMethod::Ml => fit_ml(design, options, z),
        LogisticMethod::Firth => fit_firth(design, options, z),
    }
}

fn validate(o: &LogisticOptions) -> Result<(), LogisticError> {
    if !(o.conf_level > 0.0 && o.conf_level < 1.0) {
        return Err(LogisticError::InvalidOption {
            option: "conf_level",
            value: o.conf_level.to_string(),
        });
    }
    if o.max_iter == 0 {
        return Err(LogisticError::InvalidOption {
            option: "max_iter",
            value: "0".to_string(),
        });
    }
    if !(o.epsilon > 0.0 && o.epsilon.is_finite()) {
        return Err(LogisticError::InvalidOption {
            option: "epsilon",
            value: o.epsilon.to_string(),
        });
    }
    if o.firth_max_iter == 0 {
        return Err(LogisticError::InvalidOption {
            option: "firth_max_iter",
            value: "0".to_string(),
        });
    }
    if o.firth_max_step.is_nan() || o.firth_max_step <= 0.0 {
        return Err(LogisticError::InvalidOption {
            option: "firth_max_step",
            value: o.firth_max_step.to_string(),
        });
    }
    Ok(())
}

fn numerical(detail: &str) -> LogisticError {
    LogisticError::NumericalFailure {
        detail: detail.to_string(),
    }
}

/// Per estimable column: estimates and intervals, before expansion to all terms.
struct Estimates {
    beta: Vec<f64>,
    vcov: SymMatrix,
    /// Columns whose variance could not be computed (singular information).
    singular: Vec<bool>,
    profile: Vec<(Option<f64>, Option<f64>)>,
    plr: Vec<Option<(f64, f64)>>,
}

/// ML log-likelihood kernel of the null model.
fn null_loglik(design: &Design) -> f64 {
    let (e, t) = (design.n_events, design.n_trials);
    if design.has_intercept {
        let mu = e / t;
        e * mu.ln() + (t - e) * (1.0 - mu).ln()
    } else {
        t * 0.5_f64.ln()
    }
}

/// Moves a warm start to b_j = value and the other coefficients along their
/// regression on b_j under the estimate's normal approximation
/// (V_kj / V_jj per unit of b_j), which is where the restricted optimum
/// lies to first order: restricted fits then need one or two iterations.
fn shift_warm_start(vcov: &SymMatrix, j: usize, value: f64, warm: &mut [f64]) -> Option<()> {
    let delta = value - *warm.get(j)?;
    let vjj = vcov.get(j, j);
    if vjj > 0.0 && delta.is_finite() {
        for (k, w) in warm.iter_mut().enumerate() {
            if k != j {
                *w += vcov.get(k, j) / vjj * delta;
            }
        }
    }
    *warm.get_mut(j)? = value;
    Some(())
}

struct MlRestricted<'a> {
    problem: &'a Problem,
    vcov: &'a SymMatrix,
}

impl Restricted for MlRestricted<'_> {
    fn fit_at(&self, j: usize, value: f64, warm: &mut [f64]) -> Option<(f64, f64)> {
        shift_warm_start(self.vcov, j, value, warm)?;
        let free: Vec<bool> = (0..self.problem.p).map(|k| k != j).collect();
        let (pass, step) = ml::constrained_fit(self.problem, warm, &free)?;
        Some(ml::second_order(
            pass.loglik,
            &pass.score,
            &pass.info,
            &step,
            j,
        ))
    }
}

struct FirthRestricted<'a> {
    problem: &'a Problem,
    vcov: &'a SymMatrix,
    max_iter: usize,
    max_step: f64,
}

impl Restricted for FirthRestricted<'_> {
    fn fit_at(&self, j: usize, value: f64, warm: &mut [f64]) -> Option<(f64, f64)> {
        shift_warm_start(self.vcov, j, value, warm)?;
        let free: Vec<bool> = (0..self.problem.p).map(|k| k != j).collect();
        let fit = firth::maximise(
            self.problem,
            warm,
            &free,
            FIRTH_RESTRICTED_TOLERANCE_SE,
            self.max_iter,
            self.max_step,
        )?;
        if !fit.converged {
            return None;
        }
        warm.copy_from_slice(&fit.beta);
        // Fisher information stands in for the penalised Hessian in the
        // second-order term: the error is O(step^2) with step <= 1e-6 SE.
        Some(ml::second_order(
            fit.penalized,
            &fit.modified_score,
            &fit.pass.info,
            &fit.last_step,
            j,
        ))
    }
}

/// Profile limits for every estimable column; failures become warnings.
fn profile_limits<R: Restricted>(
    model: &R,
    design: &Design,
    beta: &[f64],
    l_max: f64,
    se: &[f64],
    z: f64,
    warnings: &mut Vec<KernelWarning>,
) -> Vec<(Option<f64>, Option<f64>)> {
    let mut out = Vec::with_capacity(beta.len());
    for (j, &s) in se.iter().enumerate().take(beta.len()) {
        let term = || {
            design
                .kept
                .get(j)
                .and_then(|&t| design.names.get(t))
                .map_or("?", String::as_str)
                .to_string()
        };
        let mut pair = [None, None];
        for (k, upper) in [false, true].into_iter().enumerate() {
            let side = if upper { Side::Upper } else { Side::Lower };
            match profile::limit(model, j, beta, l_max, s, z, upper) {
                Limit::Found(b) => pair[k] = Some(b),
                Limit::Unbounded => {
                    warnings.push(KernelWarning::ProfileLimitUnbounded { term: term(), side })
                }
                Limit::Failed => {
                    warnings.push(KernelWarning::ProfileLimitFailed { term: term(), side })
                }
            }
        }
        out.push((pair[0], pair[1]));
    }
    out
}

#[inline(never)]
fn fit_ml(design: Design, options: &LogisticOptions, z: f64) -> Result<LogisticFit, LogisticError> {
    let problem = &design.problem;
    let mut warnings = design.warnings.clone();
    let res = ml::fit(problem, options.max_iter, options.epsilon)?;
    let chol = Factor::new(&res.pass.info)
        .ok_or_else(|| numerical("the information matrix is not positive definite"))?;
    let vcov = chol.inverse();
    let mut singular = vec![false; problem.p];
    for j in chol.aliased() {
        if let Some(s) = singular.get_mut(j) {
            *s = true;
        }
    }
    let kept_names: Vec<&str> = design
        .kept
        .iter()
        .filter_map(|&t| design.names.get(t))
        .map(String::as_str)
        .collect();
    let names_of = |cols: &[usize]| -> Vec<&str> {
        cols.iter()
            .filter_map(|&c| kept_names.get(c).copied())
            .collect()
    };

    if !res.converged {
        warnings.push(KernelWarning::NotConverged {
            method: FitMethod::Logistic,
            max_iter: options.max_iter,
        });
    }
    let mut separation = None;
    if let Some(cert) = &res.separation {
        let cols = separation::involved_columns(problem, &cert.direction);
        let names = names_of(&cols);
        let terms: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        warnings.push(KernelWarning::Separation {
            kind: cert.kind,
            terms: terms.clone(),
        });
        separation = Some(Separation {
            kind: cert.kind,
            terms,
        });
    } else if let Some(step) = &res.diverging_step {
        let names = names_of(&separation::involved_columns(problem, step));
        warnings.push(KernelWarning::CoefficientsStillChanging {
            terms: names.iter().map(|s| s.to_string()).collect(),
        });
    } else {
        // |eta| <= 30 everywhere keeps every fitted probability within
        // e^-30 (1e-13) of 0 and 1, far inside the warning's 10 eps: the
        // pass over the rows is needed only when the bound allows more.
        let eps = 10.0 * f64::EPSILON;
        let (lo, hi) = if problem.move_bound(&res.beta) <= 30.0 {
            (0.5, 0.5)
        } else {
            ml::fitted_range(problem, &res.beta)
        };
        if lo < eps || hi > 1.0 - eps {
            warnings.push(KernelWarning::FittedProbabilitiesExtreme);
        }
    }
    if singular.iter().any(|&s| s) {
        warnings.push(KernelWarning::SingularInformation);
    }

    let se: Vec<f64> = (0..problem.p)
        .map(|j| vcov.get(j, j).max(0.0).sqrt())
        .collect();
    let trustworthy = res.settled && res.converged && res.separation.is_none();
    let profile = if options.ci == CiMethod::Profile && trustworthy {
        let model = MlRestricted {
            problem,
            vcov: &vcov,
        };
        profile_limits(
            &model,
            &design,
            &res.beta,
            res.pass.loglik,
            &se,
            z,
            &mut warnings,
        )
    } else {
        if options.ci == CiMethod::Profile {
            warnings.push(KernelWarning::ProfileIntervalsSkipped);
        }
        vec![(None, None); problem.p]
    };

    let deviance = problem.deviance(res.pass.loglik);
    let loglik = res.pass.loglik + problem.loglik_constant;
    let null_deviance = problem.deviance(null_loglik(&design));
    let rank = problem.p;
    let intercept_df = usize::from(design.has_intercept);
    let df_test = rank.saturating_sub(intercept_df);
    let lr_test = (df_test > 0).then(|| {
        let stat = null_deviance - deviance;
        LikelihoodRatioTest {
            stat,
            df: df_test,
            p: chi_square_upper(stat, df_test as f64),
        }
    });
    let est = Estimates {
        beta: res.beta.clone(),
        vcov,
        singular,
        profile,
        plr: vec![None; problem.p],
    };
    let (terms, vcov_full) = expand(&design, &est, z);
    Ok(LogisticFit {
        method: LogisticMethod::Ml,
        ci_method: options.ci,
        conf_level: options.conf_level,
        terms,
        vcov: vcov_full,
        deviance,
        null_deviance,
        df_residual: design.n_rows.saturating_sub(rank),
        df_null: design.n_rows.saturating_sub(intercept_df),
        aic: Some(-2.0 * loglik + 2.0 * rank as f64),
        loglik,
        lr_test,
        penalized_loglik: None,
        penalized_loglik_null: None,
        n: design.n_rows,
        n_events: design.n_events as u64,
        n_trials: design.n_trials as u64,
        rank,
        iterations: res.iterations,
        converged: res.converged,
        separation,
        warnings,
    })
}

#[inline(never)]
fn fit_firth(
    design: Design,
    options: &LogisticOptions,
    z: f64,
) -> Result<LogisticFit, LogisticError> {
    let problem = &design.problem;
    let p = problem.p;
    let mut warnings = design.warnings.clone();
    let all_free = vec![true; p];
    let res = firth::maximise(
        problem,
        &vec![0.0; p],
        &all_free,
        FIRTH_TOLERANCE_SE,
        options.firth_max_iter,
        options.firth_max_step,
    )
    .ok_or_else(|| {
        numerical("the Fisher information became singular during the Firth iterations")
    })?;
    if !res.converged {
        warnings.push(KernelWarning::NotConverged {
            method: FitMethod::Firth,
            max_iter: options.firth_max_iter,
        });
    }
    let model = FirthRestricted {
        problem,
        vcov: &res.vcov,
        max_iter: options.firth_max_iter.max(200),
        max_step: options.firth_max_step,
    };

    // Null model: every coefficient but the intercept fixed at 0, full-design penalty.
    let null_free: Vec<bool> = (0..p).map(|j| problem.intercept == Some(j)).collect();
    let null = firth::maximise(
        problem,
        &vec![0.0; p],
        &null_free,
        FIRTH_RESTRICTED_TOLERANCE_SE,
        model.max_iter,
        options.firth_max_step,
    )
    .filter(|f| f.converged);
    if null.is_none() {
        warnings.push(KernelWarning::FirthNullModelFailed);
    }

    // Penalised likelihood-ratio test per coefficient (logistf's p-values).
    let mut plr = Vec::with_capacity(p);
    for j in 0..p {
        let mut warm = res.beta.clone();
        match model.fit_at(j, 0.0, &mut warm) {
            Some((pl0, _)) => {
                let chisq = (2.0 * (res.penalized - pl0)).max(0.0);
                plr.push(Some((chisq, chi_square_upper(chisq, 1.0))));
            }
            None => {
                let term = design
                    .kept
                    .get(j)
                    .and_then(|&t| design.names.get(t))
                    .map_or("?", String::as_str);
                warnings.push(KernelWarning::PenalizedLrTestFailed {
                    term: term.to_string(),
                });
                plr.push(None);
            }
        }
    }

    let se: Vec<f64> = (0..p).map(|j| res.vcov.get(j, j).max(0.0).sqrt()).collect();
    let profile = if options.ci == CiMethod::Profile {
        profile_limits(
            &model,
            &design,
            &res.beta,
            res.penalized,
            &se,
            z,
            &mut warnings,
        )
    } else {
        vec![(None, None); p]
    };

    let deviance = problem.deviance(res.pass.loglik);
    let loglik = res.pass.loglik + problem.loglik_constant;
    let intercept_df = usize::from(design.has_intercept);
    let df_test = p.saturating_sub(intercept_df);
    let penalized_loglik = res.penalized + problem.loglik_constant;
    let penalized_loglik_null = null.as_ref().map(|f| {
        ml::second_order(
            f.penalized,
            &f.modified_score,
            &f.pass.info,
            &f.last_step,
            0,
        )
        .0 + problem.loglik_constant
    });
    let lr_test = match penalized_loglik_null {
        Some(pl0) if df_test > 0 => {
            let stat = 2.0 * (penalized_loglik - pl0);
            Some(LikelihoodRatioTest {
                stat,
                df: df_test,
                p: chi_square_upper(stat, df_test as f64),
            })
        }
        _ => None,
    };
    let est = Estimates {
        beta: res.beta.clone(),
        vcov: res.vcov.clone(),
        singular: vec![false; p],
        profile,
        plr,
    };
    let (terms, vcov_full) = expand(&design, &est, z);
    Ok(LogisticFit {
        method: LogisticMethod::Firth,
        ci_method: options.ci,
        conf_level: options.conf_level,
        terms,
        vcov: vcov_full,
        deviance,
        null_deviance: problem.deviance(null_loglik(&design)),
        df_residual: design.n_rows.saturating_sub(p),
        df_null: design.n_rows.saturating_sub(intercept_df),
        aic: None,
        loglik,
        lr_test,
        penalized_loglik: Some(penalized_loglik),
        penalized_loglik_null,
        n: design.n_rows,
        n_events: design.n_events as u64,
        n_trials: design.n_trials as u64,
        rank: p,
        iterations: res.iterations,
        converged: res.converged,
        separation: None,
        warnings,
    })
}

/// Expands per-column estimates to every term (aliased ones as `None`).
fn expand(design: &Design, est: &Estimates, z: f64) -> (Vec<LogisticTerm>, Vec<Vec<Option<f64>>>) {
    let n_terms = design.names.len();
    let mut position = vec![None; n_terms];
    for (k, &t) in design.kept.iter().enumerate() {
        if let Some(slot) = position.get_mut(t) {
            *slot = Some(k);
        }
    }
    let terms = design
        .names
        .iter()
        .zip(&position)
        .map(|(name, pos)| {
            let mut row = LogisticTerm {
                term: name.clone(),
                aliased: pos.is_none(),
                coef: None,
                odds_ratio: None,
                se: None,
                z: None,
                p: None,
                wald_ci_coef_lower: None,
                wald_ci_coef_upper: None,
                wald_ci_or_lower: None,
                wald_ci_or_upper: None,
                profile_ci_coef_lower: None,
                profile_ci_coef_upper: None,
                profile_ci_or_lower: None,
                profile_ci_or_upper: None,
                plr_chisq: None,
                plr_p: None,
            };
            let Some(k) = *pos else { return row };
            let Some(&b) = est.beta.get(k) else {
                return row;
            };
            row.coef = Some(b);
            row.odds_ratio = Some(b.exp());
            let var = est.vcov.get(k, k);
            if !est.singular.get(k).copied().unwrap_or(false) && var > 0.0 {
                let se = var.sqrt();
                let zv = b / se;
                row.se = Some(se);
                row.z = Some(zv);
                row.p = Some(normal_two_sided(zv));
                row.wald_ci_coef_lower = Some(b - z * se);
                row.wald_ci_coef_upper = Some(b + z * se);
                row.wald_ci_or_lower = Some((b - z * se).exp());
                row.wald_ci_or_upper = Some((b + z * se).exp());
            }
            if let Some(&(lo, hi)) = est.profile.get(k) {
                row.profile_ci_coef_lower = lo;
                row.profile_ci_coef_upper = hi;
                row.profile_ci_or_lower = lo.map(f64::exp);
                row.profile_ci_or_upper = hi.map(f64::exp);
            }
            if let Some(Some((chisq, p))) = est.plr.get(k) {
                row.plr_chisq = Some(*chisq);
                row.plr_p = Some(*p);
            }
            row
        })
        .collect();
    let vcov = position
        .iter()
        .map(|pi| {
            position
                .iter()
                .map(|pj| match (pi, pj) {
                    (Some(a), Some(b)) if !est.singular[*a] && !est.singular[*b] => {
                        Some(est.vcov.get(*a, *b))
                    }
                    _ => None,
                })
                .collect()
        })
        .collect();
    (terms, vcov)
}

#[cfg(test)]
mod pattern_tests {
    //! The covariate-pattern fit (see `patterns`) against the row fit. The
    //! row fit is forced by giving every row one trial: binomial input is
    //! never grouped, and with m = 1 its start, passes and likelihood are the
    //! 0/1 outcome's.
    use super::*;

    /// Deterministic pseudo-random numbers in [0, 1).
    fn uniforms(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = s;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                z ^= z >> 31;
                (z >> 11) as f64 / (1u64 << 53) as f64
            })
            .collect()
    }

    /// A factor (two indicators), a 0/1 variable and a score with ties, and
    /// an outcome depending on all of them.
    fn tied_data(n: usize) -> (Vec<f64>, Vec<Vec<f64>>, Vec<String>) {
        let u = uniforms(4 * n, 7);
        let level: Vec<usize> = (0..n).map(|i| (u[i] * 3.0) as usize).collect();
        let b: Vec<f64> = (0..n).map(|i| f64::from(u[n + i] < 0.45)).collect();
        let score: Vec<f64> = (0..n)
            .map(|i| (u[2 * n + i] * 50.0).round() / 10.0)
            .collect();
        let y: Vec<f64> = (0..n)
            .map(|i| {
                let eta = -0.7 + [0.0, 0.4, 0.8][level[i]] - 0.3 * b[i] + 0.1 * score[i];
                f64::from(u[3 * n + i] < 1.0 / (1.0 + (-eta).exp()))
            })
            .collect();
        let l1: Vec<f64> = level.iter().map(|&l| f64::from(l == 1)).collect();
        let l2: Vec<f64> = level.iter().map(|&l| f64::from(l == 2)).collect();
        let names = ["armB", "armC", "female", "score"]
            .map(String::from)
            .to_vec();
        (y, vec![l1, l2, b, score], names)
    }

    fn both_fits(
        y: &[f64],
        columns: &[Vec<f64>],
        names: &[String],
        options: &LogisticOptions,
    ) -> (LogisticFit, LogisticFit) {
        let ones = vec![1.0; y.len()];
        let grouped = fit(
            &LogisticInput {
                y,
                trials: None,
                columns,
                term_names: names,
            },
            options,
        )
        .unwrap();
        let rows = fit(
            &LogisticInput {
                y,
                trials: Some(&ones),
                columns,
                term_names: names,
            },
            options,
        )
        .unwrap();
        (grouped, rows)
    }

    fn close(a: Option<f64>, b: Option<f64>, tol: f64, what: &str) {
        match (a, b) {
            (Some(a), Some(b)) => {
                assert!((a - b).abs() <= tol * (1.0 + b.abs()), "{what}: {a} vs {b}")
            }
            (a, b) => assert_eq!(a.is_some(), b.is_some(), "{what}"),
        }
    }

    fn assert_same(g: &LogisticFit, r: &LogisticFit, tol: f64) {
        assert_eq!(g.terms.len(), r.terms.len());
        for (a, b) in g.terms.iter().zip(&r.terms) {
            assert_eq!(a.term, b.term);
            assert_eq!(a.aliased, b.aliased);
            close(a.coef, b.coef, tol, "coef");
            close(a.se, b.se, tol, "se");
            close(a.p, b.p, tol, "p");
            close(
                a.profile_ci_coef_lower,
                b.profile_ci_coef_lower,
                1e-8,
                "profile lower",
            );
            close(
                a.profile_ci_coef_upper,
                b.profile_ci_coef_upper,
                1e-8,
                "profile upper",
            );
            close(a.plr_chisq, b.plr_chisq, 1e-8, "plr");
        }
        for (ra, rb) in g.vcov.iter().zip(&r.vcov) {
            for (a, b) in ra.iter().zip(rb) {
                close(*a, *b, tol, "vcov");
            }
        }
        close(Some(g.loglik), Some(r.loglik), tol, "loglik");
        close(Some(g.deviance), Some(r.deviance), tol, "deviance");
        close(
            Some(g.null_deviance),
            Some(r.null_deviance),
            tol,
            "null deviance",
        );
        close(g.aic, r.aic, tol, "aic");
        close(
            g.penalized_loglik,
            r.penalized_loglik,
            tol,
            "penalized loglik",
        );
        close(
            g.penalized_loglik_null,
            r.penalized_loglik_null,
            1e-9,
            "penalized loglik null",
        );
        close(
            g.lr_test.map(|t| t.stat),
            r.lr_test.map(|t| t.stat),
            1e-8,
            "lr stat",
        );
        assert_eq!(
            (
                g.n,
                g.n_events,
                g.n_trials,
                g.rank,
                g.df_residual,
                g.df_null
            ),
            (
                r.n,
                r.n_events,
                r.n_trials,
                r.rank,
                r.df_residual,
                r.df_null
            )
        );
        assert_eq!((g.converged, g.iterations), (r.converged, r.iterations));
        assert_eq!(
            g.separation.as_ref().map(|s| (s.kind, s.terms.clone())),
            r.separation.as_ref().map(|s| (s.kind, s.terms.clone()))
        );
        assert_eq!(g.warnings, r.warnings);
    }

    fn grouped_rows(y: &[f64], columns: &[Vec<f64>], names: &[String]) -> usize {
        let input = LogisticInput {
            y,
            trials: None,
            columns,
            term_names: names,
        };
        Design::build(&input, true, 1e-11).unwrap().problem.n
    }

    #[test]
    fn pattern_fit_equals_row_fit_with_ties_and_a_factor() {
        let (y, columns, names) = tied_data(20_000);
        // 3 levels x 2 x 51 scores.
        assert_eq!(grouped_rows(&y, &columns, &names), 306);
        let wald = LogisticOptions {
            ci: CiMethod::Wald,
            ..LogisticOptions::default()
        };
        let (g, r) = both_fits(&y, &columns, &names, &wald);
        assert_same(&g, &r, 1e-10);
        let (g, r) = both_fits(&y, &columns, &names, &LogisticOptions::default());
        assert_same(&g, &r, 1e-10);
        // Each column alone (a factor, a yes/no, a score), as a model table's
        // univariate models.
        for cols in [&columns[..2], &columns[2..3], &columns[3..]] {
            let nm = &names[..cols.len()];
            assert!(grouped_rows(&y, cols, nm) < 60);
            let (g, r) = both_fits(&y, cols, nm, &wald);
            assert_same(&g, &r, 1e-10);
        }
    }

    #[test]
    fn pattern_firth_fit_equals_row_fit() {
        let (y, columns, names) = tied_data(5_000);
        let firth = LogisticOptions {
            method: LogisticMethod::Firth,
            ..LogisticOptions::default()
        };
        let (g, r) = both_fits(&y, &columns[..3], &names[..3], &firth);
        assert_same(&g, &r, 1e-9);
    }

    #[test]
    fn pattern_fit_finds_the_same_separation_and_aliasing() {
        let (mut y, mut columns, mut names) = tied_data(5_000);
        // Every patient of level C has the event: quasi-complete separation.
        for (yi, &c) in y.iter_mut().zip(&columns[1]) {
            if c == 1.0 {
                *yi = 1.0;
            }
        }
        // And a column aliased with the factor (the QR on the rows decides).
        let both: Vec<f64> = columns[0]
            .iter()
            .zip(&columns[1])
            .map(|(a, b)| a + b)
            .collect();
        columns.push(both);
        names.push("armBC".to_string());
        let wald = LogisticOptions {
            ci: CiMethod::Wald,
            ..LogisticOptions::default()
        };
        let (g, r) = both_fits(&y, &columns, &names, &wald);
        assert!(g.separation.is_some());
        assert!(g.terms.iter().any(|t| t.aliased));
        assert_same(&g, &r, 1e-8);
        let (g, r) = both_fits(&y, &columns[..2], &names[..2], &wald);
        assert!(g.separation.is_some());
        assert_same(&g, &r, 1e-8);
    }

    #[test]
    fn continuous_covariates_fall_back_to_the_rows() {
        let n = 5_000;
        let (y, mut columns, mut names) = tied_data(n);
        columns.push(uniforms(n, 99));
        names.push("x".to_string());
        assert_eq!(grouped_rows(&y, &columns, &names), n);
        assert_eq!(grouped_rows(&y, &columns[4..], &names[4..]), n);
        // Few rows: not grouped however many ties.
        let small: Vec<Vec<f64>> = columns[..1].iter().map(|c| c[..500].to_vec()).collect();
        assert_eq!(grouped_rows(&y[..500], &small, &names[..1]), 500);
        let wald = LogisticOptions {
            ci: CiMethod::Wald,
            ..LogisticOptions::default()
        };
        let (g, r) = both_fits(&y, &columns, &names, &wald);
        assert_same(&g, &r, 0.0);
    }
}
