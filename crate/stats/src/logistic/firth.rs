//! Firth's penalised likelihood logistic regression as in `logistf`
//! (Firth 1993; Heinze & Schemper 2002): maximise l(beta) + 1/2 log det I(beta)
//! by the modified score U*_r = sum x_ir (y_i - m_i mu_i + h_i (1/2 - mu_i)),
//! with h the hat-matrix diagonal of the full design, steps I^-1 U* capped at
//! `max_step`, and step-halving when the penalised log-likelihood falls.
//!
//! Restricted fits (profile limits, penalised LR tests, the null model) keep
//! the full-design penalty and only hold some coefficients fixed, as
//! `logistf`'s C code does.

use super::design::Problem;
use super::kernel::Factor;
use super::kernel::{accumulate, modified_score, Pass};
use super::ml::newton_step;
use crate::linalg::SymMatrix;

/// Penalised log-likelihood and its pieces at one point.
struct Evaluation {
    pass: Pass,
    chol: Factor,
    /// Log-likelihood kernel + 1/2 log det I.
    penalized: f64,
}

fn evaluate(problem: &Problem, beta: &[f64]) -> Option<Evaluation> {
    let pass = accumulate(problem, beta, false);
    let chol = Factor::new(&pass.info)?;
    if !chol.aliased().is_empty() {
        return None;
    }
    let penalized = pass.loglik + 0.5 * chol.log_det();
    if !penalized.is_finite() {
        return None;
    }
    Some(Evaluation {
        pass,
        chol,
        penalized,
    })
}

/// A penalised-likelihood maximum (over the free coefficients).
#[derive(Debug, Clone)]
pub(crate) struct FirthFit {
    pub beta: Vec<f64>,
    /// Pass at the estimate: its `info` is the Fisher information.
    pub pass: Pass,
    /// Inverse Fisher information (logistf's `var`).
    pub vcov: SymMatrix,
    /// Penalised log-likelihood kernel (without the binomial constant).
    pub penalized: f64,
    /// Modified score at the estimate (zero on the free coefficients).
    pub modified_score: Vec<f64>,
    /// The final step added to `beta` after the values above were computed.
    pub last_step: Vec<f64>,
    pub iterations: usize,
    pub converged: bool,
}

/// Maximises the penalised likelihood over the `free` coefficients from
/// `beta`. Converged when the step is below `tol` standard errors. `None`
/// when the information matrix becomes singular.
pub(crate) fn maximise(
    problem: &Problem,
    beta: &[f64],
    free: &[bool],
    tol: f64,
    max_iter: usize,
    max_step: f64,
) -> Option<FirthFit> {
    let mut beta = beta.to_vec();
    let mut ev = evaluate(problem, &beta)?;
    let mut iterations = 0;
    loop {
        let vcov = ev.chol.inverse();
        let u = modified_score(problem, &beta, &vcov);
        let step = newton_step(&ev.pass.info, &u, free)?;
        let done = step.size_in_se <= tol;
        if done || iterations >= max_iter {
            let mut last_step = vec![0.0; beta.len()];
            if done {
                for (b, d) in beta.iter_mut().zip(&step.delta) {
                    *b += d;
                }
                last_step = step.delta;
            }
            return Some(FirthFit {
                beta,
                pass: ev.pass,
                vcov,
                penalized: ev.penalized,
                modified_score: u,
                last_step,
                iterations,
                converged: done,
            });
        }
        let mut delta = step.delta;
        let biggest = delta.iter().fold(0.0_f64, |m, d| m.max(d.abs()));
        if biggest > max_step {
            let f = max_step / biggest;
            delta.iter_mut().for_each(|d| *d *= f);
        }
        let slack = 1e-12 * ev.penalized.abs().max(1.0);
        let mut scale = 1.0;
        let mut accepted = None;
        for _ in 0..30 {
            let trial: Vec<f64> = beta
                .iter()
                .zip(&delta)
                .map(|(b, d)| b + scale * d)
                .collect();
            if let Some(t) = evaluate(problem, &trial) {
                if t.penalized >= ev.penalized - slack {
                    accepted = Some((trial, t));
                    break;
                }
            }
            scale *= 0.5;
        }
        let (nb, nev) = accepted?;
        beta = nb;
        ev = nev;
        iterations += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modified_score_is_the_gradient_of_the_penalised_loglik() {
        // Small design with an intercept; compare U* with central differences.
        // Column-major: intercept, then x.
        let x = vec![1.0, 1.0, 1.0, 1.0, 1.0, 0.5, -1.0, 2.0, 0.0, 3.0];
        let problem = Problem {
            n: 5,
            p: 2,
            x,
            y: vec![1.0, 0.0, 1.0, 0.0, 1.0],
            m: vec![1.0; 5],
            loglik_saturated: 0.0,
            loglik_constant: 0.0,
            intercept: Some(0),
            bernoulli_groups: false,
            max_abs: vec![f64::INFINITY; 2],
        };
        let beta = [0.3, -0.2];
        let ev = evaluate(&problem, &beta).unwrap();
        let u = modified_score(&problem, &beta, &ev.chol.inverse());
        for j in 0..2 {
            let h = 1e-5;
            let mut b1 = beta;
            let mut b2 = beta;
            b1[j] += h;
            b2[j] -= h;
            let d = (evaluate(&problem, &b1).unwrap().penalized
                - evaluate(&problem, &b2).unwrap().penalized)
                / (2.0 * h);
            assert!((d - u[j]).abs() < 1e-8, "{j}: {d} vs {}", u[j]);
        }
    }
}
