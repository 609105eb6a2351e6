//! Maximum likelihood by IRLS (Newton–Raphson for the canonical logit
//! link), following R's `glm.fit`: start from `mustart = (y + 0.5)/(m + 1)`,
//! stop when |dev - dev_old| / (|dev| + 0.1) < epsilon.
//!
//! R computes its SEs from the weights of the penultimate iterate (up to
//! ~1e-6 relative off the converged values); here, after R's criterion is
//! met, Newton steps continue until the step is below 1e-8 standard errors,
//! and the covariance comes from the information at the final coefficients.
//! The same continuation, when it does not settle, is the separation probe.

use super::design::Problem;
use super::kernel::{accumulate, linear_predictor_range, logistic_parts, Factor, Pass};
use super::separation::{self, Certificate};
use super::LogisticError;
use crate::linalg::SymMatrix;

/// A Newton step restricted to the free coefficients.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    /// Full-length step (zero for fixed coefficients).
    pub delta: Vec<f64>,
    /// max |delta_j| / se_j over the free coefficients.
    pub size_in_se: f64,
    /// Free columns whose information is numerically singular (their step
    /// is 0, so the step cannot show convergence).
    pub aliased: Vec<usize>,
}

/// Solves info_ff delta_f = score_f. `None` when the free block is not
/// positive semi-definite.
pub(crate) fn newton_step(info: &SymMatrix, score: &[f64], free: &[bool]) -> Option<Step> {
    let idx: Vec<usize> = (0..info.dim())
        .filter(|&j| free.get(j).copied().unwrap_or(true))
        .collect();
    let k = idx.len();
    let mut sub = SymMatrix::zeros(k);
    for (a, &i) in idx.iter().enumerate() {
        for (b, &j) in idx.iter().enumerate().skip(a) {
            sub.set(a, b, info.get(i, j));
        }
    }
    let rhs: Vec<f64> = idx
        .iter()
        .map(|&i| score.get(i).copied().unwrap_or(0.0))
        .collect();
    let chol = Factor::new(&sub)?;
    let aliased: Vec<usize> = chol
        .aliased()
        .iter()
        .filter_map(|&a| idx.get(a).copied())
        .collect();
    let d = chol.solve(&rhs);
    let inv = chol.inverse();
    let mut delta = vec![0.0; info.dim()];
    let mut size: f64 = 0.0;
    for (a, &i) in idx.iter().enumerate() {
        let di = d.get(a).copied().unwrap_or(0.0);
        if !di.is_finite() {
            return None;
        }
        delta[i] = di;
        let var = inv.get(a, a);
        if var > 0.0 {
            size = size.max(di.abs() / var.sqrt());
        }
    }
    Some(Step {
        delta,
        size_in_se: size,
        aliased,
    })
}

/// The direction d with d_k = 1 along which the information is (nearly)
/// singular: d_rest = -I_rest^-1 I_rest,k. Rows with non-negligible weight
/// lie on x'd = 0, the others have fitted probabilities at 0 or 1, so under
/// separation this is the separating direction (or its negative).
fn null_direction(info: &SymMatrix, k: usize) -> Option<Vec<f64>> {
    let p = info.dim();
    let others: Vec<usize> = (0..p).filter(|&j| j != k).collect();
    let mut sub = SymMatrix::zeros(others.len());
    for (a, &i) in others.iter().enumerate() {
        for (b, &j) in others.iter().enumerate().skip(a) {
            sub.set(a, b, info.get(i, j));
        }
    }
    let rhs: Vec<f64> = others.iter().map(|&i| info.get(i, k)).collect();
    let x = Factor::new(&sub)?.solve(&rhs);
    let mut d = vec![0.0; p];
    *d.get_mut(k)? = 1.0;
    for (&i, v) in others.iter().zip(&x) {
        d[i] = -v;
    }
    d.iter().all(|v| v.is_finite()).then_some(d)
}

/// Steps below this many standard errors count as converged (the step is
/// still applied, so the coefficients are exact to its square).
pub(crate) const STEP_TOLERANCE_SE: f64 = 1e-8;
/// Largest change of any row's linear predictor in a step that counts as
/// converged (a separating step moves it by about 1).
const MAX_SETTLED_MOVE: f64 = 1e-6;
/// Newton steps allowed after R's criterion (polishing / separation probe).
const CONTINUATION_STEPS: usize = 60;

/// What the ML fitter returns (over the estimable columns).
#[derive(Debug, Clone)]
pub(crate) struct MlFit {
    pub beta: Vec<f64>,
    /// The pass at the reported coefficients (up to a final sub-1e-8-SE step).
    pub pass: Pass,
    pub iterations: usize,
    pub converged: bool,
    /// Newton steps continued to a fixed point (true MLE found).
    pub settled: bool,
    pub separation: Option<Certificate>,
    /// The last continuation step when the continuation neither settled nor
    /// certified separation (divergence suspected; zeros if no step could be
    /// taken).
    pub diverging_step: Option<Vec<f64>>,
}

/// Fits by IRLS as R does, then continues Newton steps to polish the
/// estimate or to certify separation.
pub(crate) fn fit(
    problem: &Problem,
    max_iter: usize,
    epsilon: f64,
) -> Result<MlFit, LogisticError> {
    let p = problem.p;
    let all_free = vec![true; p];
    let start = accumulate(problem, &vec![0.0; p], true);
    let mut dev_old = problem.deviance(start.loglik);
    let chol = Factor::new(&start.info).ok_or_else(numerical)?;
    let mut beta = chol.solve(&start.score);
    let mut iterations = 1;
    let mut converged = false;
    let mut pass;
    loop {
        pass = accumulate(problem, &beta, false);
        let dev = problem.deviance(pass.loglik);
        if !dev.is_finite() || beta.iter().any(|b| !b.is_finite()) {
            return Err(numerical());
        }
        if (dev - dev_old).abs() / (dev.abs() + 0.1) < epsilon {
            converged = true;
            break;
        }
        if iterations >= max_iter {
            break;
        }
        let step = newton_step(&pass.info, &pass.score, &all_free).ok_or_else(numerical)?;
        for (b, d) in beta.iter_mut().zip(&step.delta) {
            *b += d;
        }
        iterations += 1;
        dev_old = dev;
    }

    // Continuation from R's stopping point.
    let mut b = beta.clone();
    let mut a = pass.clone();
    let mut settled = None;
    let mut separation = None;
    let mut last_delta = None;
    for _ in 0..CONTINUATION_STEPS {
        let Some(step) = newton_step(&a.info, &a.score, &all_free) else {
            break;
        };
        if !step.aliased.is_empty() {
            // Weights have underflowed along some direction: test it (both
            // signs) as a separating direction, scaled to move eta by 1.
            separation = step
                .aliased
                .iter()
                .filter_map(|&k| null_direction(&a.info, k))
                .find_map(|d| {
                    let size = largest_move(problem, &d);
                    if size.is_nan() || size <= 0.0 {
                        return None;
                    }
                    let up: Vec<f64> = d.iter().map(|v| v / size).collect();
                    let down: Vec<f64> = up.iter().map(|v| -v).collect();
                    separation::certify(problem, &up)
                        .or_else(|| separation::certify(problem, &down))
                });
            break;
        }
        // Under separation the SEs grow as fast as the coefficients, so a
        // step can be tiny in SE units while it still moves the linear
        // predictor by ~1: both must be small.
        if step.size_in_se <= STEP_TOLERANCE_SE
            && moves_at_most(problem, &step.delta, MAX_SETTLED_MOVE)
        {
            for (bj, d) in b.iter_mut().zip(&step.delta) {
                *bj += d;
            }
            settled = Some(a);
            break;
        }
        if let Some(cert) = separation::certify(problem, &step.delta) {
            separation = Some(cert);
            break;
        }
        let (nb, na) = damped_step(problem, &b, &a, &step.delta);
        b = nb;
        a = na;
        last_delta = Some(step.delta);
    }
    let found_settled = settled.is_some();
    let diverging_step = if !found_settled && separation.is_none() {
        Some(last_delta.unwrap_or_else(|| vec![0.0; p]))
    } else {
        None
    };
    match settled {
        Some(final_pass) if converged => Ok(MlFit {
            beta: b,
            pass: final_pass,
            iterations,
            converged,
            settled: true,
            separation: None,
            diverging_step: None,
        }),
        _ => Ok(MlFit {
            beta,
            pass,
            iterations,
            converged,
            settled: found_settled,
            separation,
            diverging_step,
        }),
    }
}

/// A Newton step with step-halving when the log-likelihood falls (beyond
/// rounding); returns the new coefficients and their pass.
fn damped_step(problem: &Problem, beta: &[f64], current: &Pass, delta: &[f64]) -> (Vec<f64>, Pass) {
    let mut scale = 1.0;
    let slack = 1e-12 * current.loglik.abs().max(1.0);
    loop {
        let trial: Vec<f64> = beta.iter().zip(delta).map(|(b, d)| b + scale * d).collect();
        let pass = accumulate(problem, &trial, false);
        if pass.loglik >= current.loglik - slack || scale < 1e-6 {
            return (trial, pass);
        }
        scale *= 0.5;
    }
}

/// Restricted fits stop at a step below this many standard errors and add
/// the step's second-order gain (see [`second_order`]): the log-likelihood
/// is then exact to the cube of the step (~1e-12), one pass fewer per fit.
pub(crate) const RESTRICTED_TOLERANCE_SE: f64 = 1e-4;

/// Value and derivative d/d beta_j after a final step `delta` taken from the
/// point where `objective`, `score` and `info` were computed, without another
/// pass: L + score'delta/2 (the gain of a Newton step) and
/// score_j - info_j.delta.
pub(crate) fn second_order(
    objective: f64,
    score: &[f64],
    info: &SymMatrix,
    delta: &[f64],
    j: usize,
) -> (f64, f64) {
    let gain: f64 = score.iter().zip(delta).map(|(s, d)| s * d).sum();
    let slope = score.get(j).copied().unwrap_or(0.0)
        - (0..info.dim())
            .map(|k| info.get(j, k) * delta.get(k).copied().unwrap_or(0.0))
            .sum::<f64>();
    (objective + 0.5 * gain, slope)
}

/// Maximises the log-likelihood over the free coefficients, the others held
/// at their values in `beta` (used for profiles). On return `beta` holds the
/// optimum; the result is the pass at the last point and the final step
/// taken from it, or `None` when the fit does not settle.
pub(crate) fn constrained_fit(
    problem: &Problem,
    beta: &mut [f64],
    free: &[bool],
) -> Option<(Pass, Vec<f64>)> {
    let mut a = accumulate(problem, beta, false);
    for _ in 0..100 {
        let step = newton_step(&a.info, &a.score, free)?;
        if !step.aliased.is_empty() {
            return None;
        }
        if step.size_in_se <= RESTRICTED_TOLERANCE_SE {
            for (b, d) in beta.iter_mut().zip(&step.delta) {
                *b += d;
            }
            return Some((a, step.delta));
        }
        let (nb, na) = damped_step(problem, beta, &a, &step.delta);
        beta.copy_from_slice(&nb);
        a = na;
    }
    None
}

/// max_i |x_i' delta| <= limit, without a pass when the bound settles it.
fn moves_at_most(problem: &Problem, delta: &[f64], limit: f64) -> bool {
    problem.move_bound(delta) <= limit || largest_move(problem, delta) <= limit
}

/// max_i |x_i' delta|.
fn largest_move(problem: &Problem, delta: &[f64]) -> f64 {
    let (lo, hi) = linear_predictor_range(problem, delta);
    lo.abs().max(hi.abs())
}

/// Smallest and largest fitted probability: those of the smallest and
/// largest linear predictor (the mean is monotone in it), so one
/// transcendental pair per fit instead of one per row.
pub(crate) fn fitted_range(problem: &Problem, beta: &[f64]) -> (f64, f64) {
    if problem.n == 0 {
        return (1.0, 0.0);
    }
    let (lo, hi) = linear_predictor_range(problem, beta);
    (logistic_parts(lo).0, logistic_parts(hi).0)
}

fn numerical() -> LogisticError {
    LogisticError::NumericalFailure {
        detail: "the information matrix could not be factorised".to_string(),
    }
}
