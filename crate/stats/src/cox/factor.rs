//! The Cox model of one factor (the indicators of its non-reference levels,
//! as the Kaplan–Meier figure's hazard ratios fit it): the partial
//! likelihood, its score and information depend on the data only through
//! how many patients of each level are at risk and die at each event time,
//! so every Newton step is O(event times x levels^2) instead of a pass over
//! all rows. The increments are [`EventTerms`]'s, R's coxfit6 arithmetic.

use super::fit::{Evaluation, EvaluationSums};
use super::prepared::Prepared;
use super::riskset::{packed, EventGroup, RiskSums};
use crate::tally::TimeTallies;

/// Per event time, the patients of each level at risk but not dying and
/// dying (level 0: no indicator set, the reference; level j + 1: column j).
#[derive(Debug, Clone)]
pub(crate) struct FactorTallies {
    /// Indicator columns.
    p: usize,
    /// Per event time (latest first), `2 (p + 1)` counts: the others at
    /// risk by level, then the deaths by level.
    counts: Vec<f64>,
    times: Vec<f64>,
}

impl FactorTallies {
    /// `None` unless the data are right-censored, unweighted and
    /// unstratified and every covariate is a 0/1 indicator with at most one
    /// set per row (any other model takes the pass over the rows).
    pub fn new(prep: &Prepared) -> Option<FactorTallies> {
        let p = prep.p;
        if p == 0 || prep.counting || prep.weighted || prep.strata.len() != 1 {
            return None;
        }
        let levels = p + 1;
        let mut level = Vec::with_capacity(prep.n);
        for pos in 0..prep.n {
            let mut l = 0;
            for (j, &x) in prep.row(pos).iter().enumerate() {
                if x == 1.0 && l == 0 {
                    l = j + 1;
                } else if x != 0.0 {
                    return None;
                }
            }
            level.push(l);
        }
        // Sorted by descending stop time: the risk set grows as the walk
        // goes; the censored at an event time are at risk at it.
        let mut at_risk = vec![0.0; levels];
        let mut dying = vec![0.0; levels];
        let (mut counts, mut times) = (Vec::new(), Vec::new());
        let mut i = 0;
        while i < prep.n {
            let t = prep.stop[i];
            dying.iter_mut().for_each(|d| *d = 0.0);
            let mut any = false;
            while i < prep.n && prep.stop[i] == t {
                let l = level[i];
                if prep.event[i] {
                    dying[l] += 1.0;
                    any = true;
                } else {
                    at_risk[l] += 1.0;
                }
                i += 1;
            }
            if any {
                counts.extend_from_slice(&at_risk);
                counts.extend_from_slice(&dying);
                times.push(t);
            }
            at_risk.iter_mut().zip(&dying).for_each(|(a, d)| *a += d);
        }
        Some(FactorTallies { p, counts, times })
    }

    /// The tallies of a grouping factor from the time tallies of its groups:
    /// group g's patients take level `levels[g]` (0 the reference, j + 1 the
    /// indicator of column j of `p`).
    pub fn from_time_tallies(tallies: &TimeTallies, levels: &[usize], p: usize) -> FactorTallies {
        let mut at_risk = vec![0.0; p + 1];
        let mut dying = vec![0.0; p + 1];
        let (mut counts, mut times) = (Vec::new(), Vec::new());
        // Latest time first: the risk set grows as the walk goes; the
        // censored at an event time are at risk at it.
        for (t, groups) in tallies.iter().rev() {
            dying.iter_mut().for_each(|d| *d = 0.0);
            let mut any = false;
            for g in groups {
                let l = levels[g.group];
                dying[l] += g.events as f64;
                at_risk[l] += g.censored as f64;
                any |= g.events > 0;
            }
            if any {
                counts.extend_from_slice(&at_risk);
                counts.extend_from_slice(&dying);
                times.push(t);
            }
            at_risk.iter_mut().zip(&dying).for_each(|(a, d)| *a += d);
        }
        FactorTallies { p, counts, times }
    }

    /// Log partial likelihood, score and information at `beta`.
    pub fn evaluate(&self, beta: &[f64], efron: bool) -> Evaluation {
        let p = self.p;
        let levels = p + 1;
        // Risk scores exp(eta - recenter) with the largest linear predictor
        // as the centre: none overflows, whatever the coefficients.
        let recenter = beta.iter().fold(0.0_f64, |m, &b| m.max(b));
        let risk: Vec<f64> = std::iter::once(0.0)
            .chain(beta.iter().copied())
            .map(|b| (b - recenter).exp())
            .collect();
        let mut others = RiskSums::new(p, true);
        let mut deaths = RiskSums::new(p, true);
        let mut sums = EvaluationSums::new(p);
        for (tally, &time) in self.counts.chunks_exact(2 * levels).zip(&self.times) {
            let (at_risk, dying) = tally.split_at(levels);
            fill(&mut others, at_risk, &risk);
            fill(&mut deaths, dying, &risk);
            let ndead: f64 = dying.iter().sum();
            for (j, (uj, &d)) in sums.u.iter_mut().zip(&dying[1..]).enumerate() {
                sums.loglik += d * beta[j];
                *uj += d;
            }
            let group = EventGroup {
                stratum: 0,
                time,
                rows: (0, 0),
                ndead: ndead as usize,
                deadwt: ndead,
                recenter,
                others: &others,
                deaths: &deaths,
            };
            sums.event_time(&group, efron);
        }
        sums.finish()
    }
}

/// The sums over `counts` patients per level: an indicator's square is
/// itself and two levels' indicators never meet, so x x' is diagonal.
fn fill(sums: &mut RiskSums, counts: &[f64], risk: &[f64]) {
    sums.clear();
    sums.denom = counts.iter().zip(risk).map(|(c, r)| c * r).sum();
    for (j, (a, (c, r))) in sums
        .a
        .iter_mut()
        .zip(counts[1..].iter().zip(&risk[1..]))
        .enumerate()
    {
        *a = c * r;
        sums.cmat[packed(j, j)] = *a;
    }
}

#[cfg(test)]
mod tests {
    use super::super::fit::{evaluate, newton_right, LinearPredictor};
    use super::super::{fit, CoxData, CoxOptions, Ties};
    use super::*;

    /// A 3-level factor (two indicators) with heavy ties and censoring.
    fn factor_data(n: usize) -> CoxData {
        let level: Vec<usize> = (0..n).map(|i| (i * 7) % 3).collect();
        let stop: Vec<f64> = (0..n)
            .map(|i| ((i * 7919 + level[i] * 13) % 61) as f64 / 2.0 + 0.5)
            .collect();
        let event: Vec<bool> = (0..n).map(|i| (i * 31 + level[i]) % 4 != 0).collect();
        let covariates = (1..3)
            .map(|l| {
                level
                    .iter()
                    .map(|&v| if v == l { 1.0 } else { 0.0 })
                    .collect()
            })
            .collect();
        CoxData::right_censored(
            stop,
            event,
            covariates,
            vec!["b".to_string(), "c".to_string()],
        )
    }

    #[test]
    fn tallies_give_the_row_pass_evaluation() {
        let data = factor_data(900);
        let prep = Prepared::new(&data);
        let tallies = FactorTallies::new(&prep).expect("a factor's indicators");
        for efron in [true, false] {
            for beta in [[0.0, 0.0], [0.4, -0.7], [3.0, 12.0], [-20.0, 1.5]] {
                let rows = evaluate(&prep, &beta, efron, &mut LinearPredictor::new(prep.n), None);
                let fast = tallies.evaluate(&beta, efron);
                let close = |a: f64, b: f64| (a - b).abs() <= 1e-11 * a.abs().max(1.0);
                assert!(
                    close(rows.loglik, fast.loglik),
                    "{beta:?} {} {}",
                    rows.loglik,
                    fast.loglik
                );
                for j in 0..2 {
                    assert!(close(rows.u[j], fast.u[j]), "{beta:?} u{j}");
                    for k in 0..2 {
                        assert!(
                            close(rows.imat.get(j, k), fast.imat.get(j, k)),
                            "{beta:?} i{j}{k}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn other_covariates_take_the_row_pass() {
        let mut data = factor_data(50);
        let prep = Prepared::new(&data);
        assert!(FactorTallies::new(&prep).is_some());
        // Both indicators set on one row: not one factor.
        data.covariates[0][3] = 1.0;
        data.covariates[1][3] = 1.0;
        assert!(FactorTallies::new(&Prepared::new(&data)).is_none());
        // A numeric covariate.
        let mut numeric = factor_data(50);
        numeric.covariates[0][5] = 2.5;
        assert!(FactorTallies::new(&Prepared::new(&numeric)).is_none());
    }

    #[test]
    fn newton_on_the_tallies_finds_the_row_pass_coefficients() {
        let data = factor_data(900);
        let prep = Prepared::new(&data);
        let tallies = FactorTallies::new(&prep).unwrap();
        for ties in [Ties::Efron, Ties::Breslow] {
            let options = CoxOptions {
                ties,
                ..CoxOptions::default()
            };
            let efron = ties == Ties::Efron;
            let mut lp = LinearPredictor::new(prep.n);
            let rows =
                newton_right(2, &options, |b| evaluate(&prep, b, efron, &mut lp, None)).unwrap();
            let fast = newton_right(2, &options, |b| tallies.evaluate(b, efron)).unwrap();
            assert!(rows.converged && fast.converged);
            assert_eq!(rows.iterations, fast.iterations);
            for (a, b) in rows.beta.iter().zip(&fast.beta) {
                assert!((a - b).abs() <= 1e-10 * a.abs().max(1e-3), "{a} {b}");
            }
            assert!(
                rows.beta.iter().any(|b| b.abs() > 1e-3),
                "the factor has an effect"
            );
            // And the public fit (which takes the tallies) agrees.
            let fitted = fit(&data, &options).unwrap();
            for (a, b) in rows.beta.iter().zip(&fitted.coef) {
                assert!((a - b.unwrap()).abs() <= 1e-10 * a.abs().max(1e-3));
            }
        }
    }

    #[test]
    fn the_time_tallies_give_the_fit_on_the_indicators() {
        use crate::km::Grouping;
        use crate::tally::TimeTallies;
        let n = 900;
        // Four groups: 2 is the reference, 0 and 3 have indicators, 1 is empty.
        let group: Vec<usize> = (0..n).map(|i| [0, 2, 3][(i * 7) % 3]).collect();
        let stop: Vec<f64> = (0..n)
            .map(|i| ((i * 7919 + group[i] * 13) % 61) as f64 / 2.0 + 0.5)
            .collect();
        let event: Vec<bool> = (0..n).map(|i| (i * 31 + group[i]) % 4 != 0).collect();
        let terms = vec!["zero".to_string(), "three".to_string()];
        let covariates = [0, 3]
            .iter()
            .map(|&g| {
                group
                    .iter()
                    .map(|&v| if v == g { 1.0 } else { 0.0 })
                    .collect()
            })
            .collect();
        let data = CoxData::right_censored(stop.clone(), event.clone(), covariates, terms.clone());
        let labels: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let tallies = TimeTallies::new(
            &stop,
            &event,
            Some(&Grouping {
                codes: &group,
                labels: &labels,
            }),
        )
        .unwrap();
        for ties in [Ties::Efron, Ties::Breslow] {
            let options = CoxOptions {
                ties,
                ..CoxOptions::default()
            };
            let rows = super::super::fit_hazard_ratios(&data, &options).unwrap();
            let tallied =
                super::super::fit_factor_tallied(&tallies, &[1, 0, 0, 2], &terms, &options)
                    .unwrap();
            assert_eq!(
                (rows.n, rows.nevent, rows.iterations),
                (tallied.n, tallied.nevent, tallied.iterations)
            );
            assert_eq!(rows.coef, tallied.coef, "the same arithmetic");
            assert_eq!(rows.se, tallied.se);
            assert_eq!(rows.p, tallied.p);
            assert_eq!(rows.loglik_final, tallied.loglik_final);
            assert_eq!(rows.score_test.stat, tallied.score_test.stat);
            assert_eq!(rows.warnings, tallied.warnings);
        }
        // A group with no events against the others: the same infinite-coefficient flags.
        let no_deaths: Vec<bool> = event
            .iter()
            .zip(&group)
            .map(|(&e, &g)| e && g != 3)
            .collect();
        let data = CoxData {
            event: no_deaths.clone(),
            ..data
        };
        let tallies = TimeTallies::new(
            &stop,
            &no_deaths,
            Some(&Grouping {
                codes: &group,
                labels: &labels,
            }),
        )
        .unwrap();
        let rows = super::super::fit_hazard_ratios(&data, &CoxOptions::default()).unwrap();
        let tallied = super::super::fit_factor_tallied(
            &tallies,
            &[1, 0, 0, 2],
            &terms,
            &CoxOptions::default(),
        )
        .unwrap();
        assert!(!rows.warnings.is_empty());
        assert_eq!(rows.warnings, tallied.warnings);
        assert_eq!(rows.coef, tallied.coef);
    }
}
