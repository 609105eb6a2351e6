//! Survival quantiles and their Brookmeyer–Crowley intervals: the median as
//! `summary.survfit()$table` reports it (survival's `survmean`), and any
//! quantile as `quantile.survfit()` computes it (its `findq`). Both read the
//! CI limits off the pointwise confidence curves where they cross the level.

use super::{KmCurve, KmError, KmTable};
use crate::warning::KernelWarning;
use serde::Serialize;

/// `sqrt(.Machine$double.eps)`, the tolerance both R routines use to treat a
/// survival value as exactly equal to the target (e.g. 0.5 + 1e-16 after
/// rounding).
const TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// A survival-time quantile with its CI; `None` = not reached.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KmQuantile {
    /// Probability of the event by then: 0.5 is the median, 0.25 the time by
    /// which a quarter have had the event (S = 0.75), as R's `probs`.
    pub prob: f64,
    pub quantile: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// Result of [`KmCurve::quantiles`].
#[derive(Debug, Clone, Serialize)]
pub struct KmQuantiles {
    pub label: String,
    pub quantiles: Vec<KmQuantile>,
    pub warnings: Vec<KernelWarning>,
}

/// Median and CI by survmean's rule: the first time the curve is <= 0.5
/// (within tolerance); if that value is 0.5 itself, the midpoint between it
/// and the next time the curve drops further. NA points are skipped.
pub(crate) fn median_summary(table: &KmTable) -> KmQuantile {
    let time = &table.time;
    KmQuantile {
        prob: 0.5,
        quantile: first_at_or_below_half(time, |i| table.surv.get(i).copied()),
        lower: first_at_or_below_half(time, |i| table.lower.get(i).copied().flatten()),
        upper: first_at_or_below_half(time, |i| table.upper.get(i).copied().flatten()),
    }
}

fn first_at_or_below_half(time: &[f64], y: impl Fn(usize) -> Option<f64>) -> Option<f64> {
    let below = |i: &usize| y(*i).is_some_and(|v| v < 0.5 + TOLERANCE);
    let mut kept = (0..time.len()).filter(below);
    let first = kept.next()?;
    let y1 = y(first)?;
    let t1 = *time.get(first)?;
    if (y1 - 0.5).abs() < TOLERANCE {
        if let Some(next) = kept.find(|&i| y(i).is_some_and(|v| v < y1)) {
            return time.get(next).map(|t2| (t1 + t2) / 2.0);
        }
    }
    Some(t1)
}

impl KmCurve {
    /// Quantiles of the survival time with CIs, as `quantile(fit, probs)`
    /// (e.g. `&[0.25, 0.5, 0.75]`). For the median this agrees with
    /// [`KmCurve::median`] except in two cases where R's two functions
    /// differ: a curve ending flat at exactly 0.5 (quantile.survfit takes the
    /// midpoint to the last follow-up time), and a CI limit curve that is not
    /// monotone (quantile.survfit reads it with `approx()` on its sorted
    /// values; e.g. aml overall, log CI: upper limit 48 here, 45 in summary,
    /// the first time the upper curve is <= 0.5). Show `median` for the median.
    pub fn quantiles(&self, probs: &[f64]) -> Result<KmQuantiles, KmError> {
        for &p in probs {
            if !(0.0..=1.0).contains(&p) {
                return Err(KmError::InvalidProbability(p));
            }
        }
        let tb = &self.table;
        // The curve of 1 - S starts at (0, 0), as quantile.survfit prepends.
        let mut x = Vec::with_capacity(tb.len() + 1);
        x.push(0.0);
        x.extend_from_slice(&tb.time);
        let cdf = |s: &[Option<f64>]| -> Vec<Option<f64>> {
            std::iter::once(Some(0.0))
                .chain(s.iter().map(|v| v.map(|s| 1.0 - s)))
                .collect()
        };
        let surv: Vec<Option<f64>> = tb.surv.iter().map(|&s| Some(s)).collect();
        let q = find_quantiles(&x, &cdf(&surv), probs);
        // The lower survival curve reaches a level first: it gives the lower limit.
        let lo = find_quantiles(&x, &cdf(&tb.lower), probs);
        let hi = find_quantiles(&x, &cdf(&tb.upper), probs);
        let mut warnings = Vec::new();
        let quantiles: Vec<KmQuantile> = probs
            .iter()
            .enumerate()
            .map(|(k, &prob)| {
                let quantile = q.get(k).copied().flatten();
                if quantile.is_none() {
                    warnings.push(KernelWarning::QuantileNotReached {
                        curve: self.label.clone(),
                        prob,
                    });
                }
                KmQuantile {
                    prob,
                    quantile,
                    lower: lo.get(k).copied().flatten(),
                    upper: hi.get(k).copied().flatten(),
                }
            })
            .collect();
        Ok(KmQuantiles {
            label: self.label.clone(),
            quantiles,
            warnings,
        })
    }
}

/// quantile.survfit's `findq`: where a horizontal line at `p` meets the
/// (possibly non-monotone, for CI curves) step function `y` of `x`. Repeated
/// y values (censoring times, clipped limits) are dropped first; a flat
/// stretch within tolerance of `p` gives the midpoint of the stretch.
fn find_quantiles(x: &[f64], y: &[Option<f64>], probs: &[f64]) -> Vec<Option<f64>> {
    let none = vec![None; probs.len()];
    let (Some(&xmax), Some(pmin)) = (x.last(), probs.iter().copied().reduce(f64::min)) else {
        return none;
    };
    let ymax = y
        .iter()
        .flatten()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    if ymax < pmin {
        return none;
    }
    // R's duplicated(): keep the first occurrence of each value (NA once).
    let mut seen = std::collections::HashSet::with_capacity(y.len());
    let mut xs = Vec::with_capacity(y.len());
    let mut ys = Vec::with_capacity(y.len());
    for (&xi, &yi) in x.iter().zip(y) {
        let key = yi.map(|v| (v + 0.0).to_bits());
        if seen.insert(key) {
            xs.push(xi);
            ys.push(yi);
        }
    }
    let last_y = ys.last().copied().flatten();
    probs
        .iter()
        .map(|&p| {
            if p == 0.0 {
                return xs.first().copied();
            }
            let i1 = step_index(&ys, TOLERANCE, p);
            if let Some(yn) = last_y {
                if (p - yn).abs() < TOLERANCE {
                    return i1.map(|i| (xs[i] + xmax) / 2.0);
                }
            }
            let i2 = step_index(&ys, -TOLERANCE, p);
            match (i1, i2) {
                (Some(a), Some(b)) => Some((xs[a] + xs[b]) / 2.0),
                _ => None,
            }
        })
        .collect()
}

/// `approx(y + shift, seq_along(y), p, method = "constant", f = 1)`: the
/// index of the smallest shifted y >= p, NA values skipped, and nothing when
/// p lies outside the range of the shifted values (approx's rule = 1).
fn step_index(y: &[Option<f64>], shift: f64, p: f64) -> Option<usize> {
    let mut best: Option<(f64, usize)> = None;
    let mut lowest = f64::INFINITY;
    for (i, v) in y.iter().enumerate() {
        let Some(v) = v else { continue };
        let v = v + shift;
        lowest = lowest.min(v);
        if v >= p && best.is_none_or(|(b, _)| v < b) {
            best = Some((v, i));
        }
    }
    if p < lowest {
        return None;
    }
    best.map(|(_, i)| i)
}

/// How the confidence interval of the median is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MedianCiMethod {
    /// Where the pointwise band of the curve's own transform crosses 0.5
    /// (R's `survfit`; Brookmeyer–Crowley on that scale).
    #[default]
    Band,
    /// Brookmeyer–Crowley on the log scale, whatever the curve's band.
    Log,
    /// Brookmeyer–Crowley on the log-log scale (Stata's `stci`, SAS's
    /// LIFETEST default).
    LogLog,
    /// Brookmeyer–Crowley on the plain scale (Brookmeyer & Crowley 1982).
    Plain,
    /// Median ± z·SE, SE = se(S(median)) / f̂(median) with Collett's
    /// density estimate (as SPSS's Kaplan–Meier prints).
    Symmetric,
}

/// A median with its CI by one [`MedianCiMethod`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MedianEstimate {
    pub method: MedianCiMethod,
    pub median: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// The median's standard error (symmetric method only).
    pub se: Option<f64>,
}

/// Collett's ε: the density at the median is the slope of S between the
/// last event time with S >= 0.5 + ε and the first with S <= 0.5 - ε.
pub const SYMMETRIC_MEDIAN_EPSILON: f64 = 0.05;

impl KmCurve {
    /// The median with its CI by `method` at `conf_level`; the median itself
    /// is survmean's (the same as [`KmCurve::median`]).
    pub fn median_ci(
        &self,
        method: MedianCiMethod,
        conf_level: f64,
    ) -> Result<MedianEstimate, KmError> {
        let z = super::z_value(conf_level)?;
        let tb = &self.table;
        let median = self.median.quantile;
        let band = |conf_type| {
            let limits: Vec<(Option<f64>, Option<f64>)> = (0..tb.len())
                .map(|i| super::confidence_limits(tb.surv[i], tb.std_err[i], conf_type, z))
                .collect();
            (
                first_at_or_below_half(&tb.time, |i| limits.get(i).and_then(|l| l.0)),
                first_at_or_below_half(&tb.time, |i| limits.get(i).and_then(|l| l.1)),
            )
        };
        let (lower, upper, se) = match method {
            MedianCiMethod::Band if conf_level == self.conf_level => {
                (self.median.lower, self.median.upper, None)
            }
            MedianCiMethod::Band => {
                let (l, u) = band(self.conf_type);
                (l, u, None)
            }
            MedianCiMethod::Log => {
                let (l, u) = band(super::ConfType::Log);
                (l, u, None)
            }
            MedianCiMethod::LogLog => {
                let (l, u) = band(super::ConfType::LogLog);
                (l, u, None)
            }
            MedianCiMethod::Plain => {
                let (l, u) = band(super::ConfType::Plain);
                (l, u, None)
            }
            MedianCiMethod::Symmetric => {
                let se = median.and_then(|m| symmetric_median_se(tb, m));
                match (median, se) {
                    (Some(m), Some(s)) => (Some((m - z * s).max(0.0)), Some(m + z * s), Some(s)),
                    _ => (None, None, se),
                }
            }
        };
        Ok(MedianEstimate {
            method,
            median,
            lower,
            upper,
            se,
        })
    }
}

/// se(Ŝ(m)) / f̂(m), f̂(m) = (Ŝ(u) - Ŝ(l)) / (l - u), with u the last event
/// time where Ŝ >= 0.5 + ε (time 0, Ŝ = 1, when there is none) and l the
/// first event time where Ŝ <= 0.5 - ε (Collett, *Modelling Survival Data
/// in Medical Research*, 3rd ed., section 2.4.1). `None` when the curve
/// never reaches 0.5 - ε.
pub(crate) fn symmetric_median_se(tb: &KmTable, median: f64) -> Option<f64> {
    let events = || (0..tb.len()).filter(|&i| tb.n_event[i] > 0);
    let (u_time, u_surv) = events()
        .filter(|&i| tb.surv[i] >= 0.5 + SYMMETRIC_MEDIAN_EPSILON)
        .last()
        .map_or((0.0, 1.0), |i| (tb.time[i], tb.surv[i]));
    let l = events().find(|&i| tb.surv[i] <= 0.5 - SYMMETRIC_MEDIAN_EPSILON)?;
    let density = (u_surv - tb.surv[l]) / (tb.time[l] - u_time);
    // Greenwood SE of S at the median: the last row at or before it.
    let k = tb.time.partition_point(|&t| t <= median).checked_sub(1)?;
    let se_surv = tb.surv[k] * tb.std_err[k];
    (density > 0.0 && se_surv.is_finite()).then(|| se_surv / density)
}
