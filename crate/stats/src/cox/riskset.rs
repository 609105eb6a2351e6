//! The backward pass over event times with running risk-set sums, shared by
//! the fit, the score residuals and the PH test (R's coxfit6 / agfit4 /
//! zph1 / zph2 loops in one place). Rows enter the risk set as the walk
//! passes their stop time and, for (start, stop] data, leave it as it passes
//! their start time, so each pass is O(n p^2) with no rescans.

// Sorted positions index several parallel arrays; range loops read best.
#![allow(clippy::needless_range_loop)]

use super::exp::ExpTable;
use super::prepared::Prepared;

/// Weighted sums over a set of rows: sum of w exp(eta), of w exp(eta) x, and
/// (optionally) of w exp(eta) x x' packed as the lower triangle
/// (`cmat[j * (j + 1) / 2 + k]`, k <= j).
#[derive(Debug, Clone)]
pub(crate) struct RiskSums {
    pub denom: f64,
    pub a: Vec<f64>,
    pub cmat: Vec<f64>,
}

impl RiskSums {
    pub fn new(p: usize, with_cmat: bool) -> RiskSums {
        RiskSums {
            denom: 0.0,
            a: vec![0.0; p],
            cmat: if with_cmat {
                vec![0.0; p * (p + 1) / 2]
            } else {
                Vec::new()
            },
        }
    }

    pub fn clear(&mut self) {
        self.denom = 0.0;
        self.a.iter_mut().for_each(|v| *v = 0.0);
        self.cmat.iter_mut().for_each(|v| *v = 0.0);
    }

    /// Adds one row (a negative `risk` removes it). The hot loop of every
    /// pass: specialised for p <= 8 so that it unrolls without bounds checks,
    /// and inlined into the walk, whose loop then branches on p (always the
    /// same way) instead of calling a function per row.
    #[inline(always)]
    pub fn add(&mut self, risk: f64, x: &[f64]) {
        match self.a.len() {
            1 => self.add_fixed::<1>(risk, x),
            2 => self.add_fixed::<2>(risk, x),
            3 => self.add_fixed::<3>(risk, x),
            4 => self.add_fixed::<4>(risk, x),
            5 => self.add_fixed::<5>(risk, x),
            6 => self.add_fixed::<6>(risk, x),
            7 => self.add_fixed::<7>(risk, x),
            8 => self.add_fixed::<8>(risk, x),
            _ => self.add_any(risk, x),
        }
    }

    #[inline(always)]
    fn add_fixed<const P: usize>(&mut self, risk: f64, x: &[f64]) {
        let (Ok(x), Ok(a)) = (
            <&[f64; P]>::try_from(x),
            <&mut [f64; P]>::try_from(&mut self.a[..]),
        ) else {
            return self.add_any(risk, x);
        };
        self.denom += risk;
        let mut rx = [0.0; P];
        for j in 0..P {
            rx[j] = risk * x[j];
            a[j] += rx[j];
        }
        if self.cmat.len() == P * (P + 1) / 2 {
            let cmat = &mut self.cmat[..P * (P + 1) / 2];
            for j in 0..P {
                let base = j * (j + 1) / 2;
                for k in 0..=j {
                    cmat[base + k] += rx[j] * x[k];
                }
            }
        }
    }

    fn add_any(&mut self, risk: f64, x: &[f64]) {
        self.denom += risk;
        let with_cmat = !self.cmat.is_empty();
        let mut idx = 0;
        for (j, (aj, &xj)) in self.a.iter_mut().zip(x).enumerate() {
            let rx = risk * xj;
            *aj += rx;
            if with_cmat {
                for (c, &xk) in self.cmat[idx..idx + j + 1].iter_mut().zip(x) {
                    *c += rx * xk;
                }
                idx += j + 1;
            }
        }
    }

    fn merge(&mut self, other: &RiskSums) {
        self.denom += other.denom;
        self.a.iter_mut().zip(&other.a).for_each(|(s, o)| *s += o);
        self.cmat
            .iter_mut()
            .zip(&other.cmat)
            .for_each(|(s, o)| *s += o);
    }

    fn rescale(&mut self, factor: f64) {
        self.denom *= factor;
        self.a.iter_mut().for_each(|v| *v *= factor);
        self.cmat.iter_mut().for_each(|v| *v *= factor);
    }
}

/// One distinct event time within a stratum, as seen by a visitor.
pub(crate) struct EventGroup<'a> {
    /// Index into `Prepared::strata`.
    pub stratum: usize,
    pub time: f64,
    /// Sorted positions [begin, end) of all rows with this stop time in the
    /// stratum (the deaths are those with `event` set).
    pub rows: (usize, usize),
    pub ndead: usize,
    /// Sum of the case weights of the deaths.
    pub deadwt: f64,
    /// Risk scores are exp(eta - recenter); add `recenter` back to log(denom).
    pub recenter: f64,
    /// Rows at risk other than the deaths at this time.
    pub others: &'a RiskSums,
    /// The deaths at this time.
    pub deaths: &'a RiskSums,
}

/// When the mean linear predictor of the risk set drifts this far from the
/// current centring, the sums are rescaled (agfit4's guard against exp
/// overflow; it never triggers for ordinary data).
const RECENTER_LIMIT: f64 = 200.0;

/// exp(eta - recenter), skipping the exponential when it is exactly 1: the
/// evaluation at beta = 0 (the null log-likelihood and score test) then
/// costs no exp at all.
#[inline]
fn risk_score(exp: &ExpTable, eta: f64, recenter: f64) -> f64 {
    let shifted = eta - recenter;
    if shifted == 0.0 {
        1.0
    } else {
        exp.exp(shifted)
    }
}

/// Walks each stratum backwards in time and calls `visit` once per distinct
/// event time. `eta` is the linear predictor in sorted order.
pub(crate) fn walk<F>(prep: &Prepared, eta: &[f64], with_cmat: bool, mut visit: F)
where
    F: FnMut(&EventGroup),
{
    let p = prep.p;
    let mut others = RiskSums::new(p, with_cmat);
    let mut deaths = RiskSums::new(p, with_cmat);
    let exp = ExpTable::new();
    // Counting process: 0 = not yet seen, 1 = in the risk set, 2 = gone.
    let mut state = if prep.counting {
        vec![0u8; prep.n]
    } else {
        Vec::new()
    };

    for (s, &(begin, end)) in prep.strata.iter().enumerate() {
        others.clear();
        let mut recenter = 0.0;
        let mut etasum = 0.0;
        let mut nrisk = 0usize;
        let mut add = begin;
        let mut leave = begin;
        loop {
            let mut k = add;
            while k < end && !prep.event[k] {
                k += 1;
            }
            if k >= end {
                break;
            }
            let t = prep.stop[k];

            if prep.counting {
                while leave < end {
                    let pos = prep.start_order[leave];
                    if prep.start[pos] < t {
                        break;
                    }
                    if state[pos] == 1 {
                        nrisk -= 1;
                        if nrisk == 0 {
                            // Exact zero rather than the rounding residue.
                            others.clear();
                            etasum = 0.0;
                        } else {
                            etasum -= eta[pos];
                            let risk = risk_score(&exp, eta[pos], recenter) * prep.weight[pos];
                            others.add(-risk, prep.row(pos));
                        }
                    }
                    state[pos] = 2;
                    leave += 1;
                }
            }

            deaths.clear();
            let mut ndead = 0usize;
            let mut deadwt = 0.0;
            let mut group_begin = k;
            while group_begin > add && prep.stop[group_begin - 1] == t {
                group_begin -= 1;
            }
            while add < end && prep.stop[add] >= t {
                if prep.counting {
                    if state[add] == 2 {
                        add += 1;
                        continue;
                    }
                    state[add] = 1;
                }
                nrisk += 1;
                etasum += eta[add];
                // |mean eta - recenter| > limit, without a division per row.
                if (etasum - recenter * nrisk as f64).abs() > RECENTER_LIMIT * nrisk as f64 {
                    let drift = etasum / nrisk as f64 - recenter;
                    recenter += drift;
                    let factor = (-drift).exp();
                    others.rescale(factor);
                    deaths.rescale(factor);
                }
                let w = prep.weight[add];
                let risk = risk_score(&exp, eta[add], recenter) * w;
                if prep.event[add] && prep.stop[add] == t {
                    deaths.add(risk, prep.row(add));
                    ndead += 1;
                    deadwt += w;
                } else {
                    others.add(risk, prep.row(add));
                }
                add += 1;
            }

            visit(&EventGroup {
                stratum: s,
                time: t,
                rows: (group_begin, add),
                ndead,
                deadwt,
                recenter,
                others: &others,
                deaths: &deaths,
            });
            others.merge(&deaths);
        }
    }
}

/// The increments of one event time to the log partial likelihood, the score
/// and the information (Breslow, or Efron's averaging over the tied deaths
/// done in closed form: O(d + p^2) per time instead of O(d p^2)).
#[derive(Debug, Clone)]
pub(crate) struct EventTerms {
    /// sum over the tied deaths of (weight) log(denominator), excluding the
    /// `recenter` shift.
    pub log_denom: f64,
    /// Weighted mean covariate summed over the Efron steps (subtract from u).
    pub mean: Vec<f64>,
    /// Packed lower triangle of the information increment.
    pub info: Vec<f64>,
}

impl EventTerms {
    pub fn new(p: usize) -> EventTerms {
        EventTerms {
            log_denom: 0.0,
            mean: vec![0.0; p],
            info: vec![0.0; p * (p + 1) / 2],
        }
    }

    /// Fills the increments for event group `g`; `efron` selects Efron ties.
    /// `with_info` = false skips the information (score-only passes).
    pub fn compute(&mut self, g: &EventGroup, efron: bool, with_info: bool) {
        let d = if efron { g.ndead.max(1) } else { 1 };
        let wt = g.deadwt / d as f64;
        let (mut s1, mut sf1, mut s2, mut sf2, mut sff2, mut logsum) =
            (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        let dd = d as f64;
        // The sum of the d logarithms is taken as the log of running
        // products, flushed before they would overflow or underflow: one ln
        // per event time instead of one per tied death (ln dominates this
        // loop, and in wasm it is a software routine). The rounding differs
        // from summing logs only in the last bits.
        let mut product = 1.0;
        for k in 0..d {
            let f = (k + 1) as f64 / dd;
            let den = g.others.denom + f * g.deaths.denom;
            let inv = 1.0 / den;
            s1 += inv;
            sf1 += f * inv;
            s2 += inv * inv;
            sf2 += f * inv * inv;
            sff2 += f * f * inv * inv;
            let next = product * den;
            if next.is_normal() {
                product = next;
            } else {
                logsum += product.ln();
                product = den;
            }
        }
        logsum += product.ln();
        self.log_denom = wt * logsum;
        let a0 = &g.others.a;
        let a2 = &g.deaths.a;
        for (m, (&x0, &x2)) in self.mean.iter_mut().zip(a0.iter().zip(a2)) {
            *m = wt * (x0 * s1 + x2 * sf1);
        }
        if with_info {
            let c0 = &g.others.cmat;
            let c2 = &g.deaths.cmat;
            let mut idx = 0;
            for j in 0..a0.len() {
                for k in 0..=j {
                    let v = c0[idx] * s1 + c2[idx] * sf1
                        - a0[j] * a0[k] * s2
                        - (a0[j] * a2[k] + a2[j] * a0[k]) * sf2
                        - a2[j] * a2[k] * sff2;
                    self.info[idx] = wt * v;
                    idx += 1;
                }
            }
        }
    }
}

/// Index of (j, k) in a packed lower triangle.
#[inline]
pub(crate) fn packed(j: usize, k: usize) -> usize {
    if k <= j {
        j * (j + 1) / 2 + k
    } else {
        k * (k + 1) / 2 + j
    }
}
