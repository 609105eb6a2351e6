//! Survival at chosen times, as R's `summary(fit, times = ..., extend = TRUE)`:
//! the curve is read at the last time <= t (S = 1 and limits 1 before the
//! first time, as survfit0 adds), the number at risk is that of the first
//! time >= t, and events and censorings are counted within each interval.

use super::{check_time_point, KmCurve, KmError};
use serde::Serialize;

/// Column-wise table, one entry per requested time (sorted ascending, as R).
#[derive(Debug, Clone, Default, Serialize)]
pub struct KmAtTimes {
    pub label: String,
    pub time: Vec<f64>,
    pub n_risk: Vec<usize>,
    /// Events in (previous requested time, this time]; the first interval
    /// starts at 0 (R's `n.event` of summary with times).
    pub n_event: Vec<usize>,
    /// Censorings in the same interval.
    pub n_censor: Vec<usize>,
    pub surv: Vec<f64>,
    /// SE of -log S (the fit's `std.err`).
    pub std_err: Vec<f64>,
    /// SE of S, as `summary()$std.err` prints; `None` where R gives NaN.
    pub std_err_surv: Vec<Option<f64>>,
    pub lower: Vec<Option<f64>>,
    pub upper: Vec<Option<f64>>,
}

impl KmCurve {
    /// Survival, SE, CI and counts at each of `times` (extended past the last
    /// follow-up with the last value and 0 at risk, as `extend = TRUE`).
    pub fn at_times(&self, times: &[f64]) -> Result<KmAtTimes, KmError> {
        for &t in times {
            check_time_point(t)?;
        }
        let tb = &self.table;
        if tb.is_empty() {
            return Err(KmError::EmptyCurve(self.label.clone()));
        }
        let mut sorted = times.to_vec();
        crate::sort::floats(&mut sorted);

        let mut out = KmAtTimes {
            label: self.label.clone(),
            ..KmAtTimes::default()
        };
        // Rows with time <= t are consumed once, in order, into the interval sums.
        let mut next = 0usize;
        for &t in &sorted {
            let (mut d, mut c) = (0usize, 0usize);
            while next < tb.len() && tb.time[next] <= t {
                d += tb.n_event[next];
                c += tb.n_censor[next];
                next += 1;
            }
            let first_at_or_after = tb.time.partition_point(|&x| x < t);
            out.time.push(t);
            out.n_risk
                .push(tb.n_risk.get(first_at_or_after).copied().unwrap_or(0));
            out.n_event.push(d);
            out.n_censor.push(c);
            match next.checked_sub(1) {
                // Before the first observed time: survfit0's row at time 0.
                None => {
                    out.surv.push(1.0);
                    out.std_err.push(0.0);
                    out.std_err_surv.push(Some(0.0));
                    out.lower.push(Some(1.0));
                    out.upper.push(Some(1.0));
                }
                Some(k) => {
                    out.surv.push(tb.surv[k]);
                    out.std_err.push(tb.std_err[k]);
                    out.std_err_surv.push(tb.std_err_surv[k]);
                    out.lower.push(tb.lower[k]);
                    out.upper.push(tb.upper[k]);
                }
            }
        }
        Ok(out)
    }
}
