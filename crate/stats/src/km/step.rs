//! The points of a Kaplan–Meier step plot, as R's `plot.survfit` draws it:
//! from (0, 1), a step down at each event time, a horizontal run to the last
//! follow-up time, and a tick at each censoring time.

use super::KmCurve;
use serde::Serialize;

/// Corner points of the step function (each value holds until the next
/// time) and the censoring marks.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KmStepCurve {
    pub label: String,
    pub time: Vec<f64>,
    pub surv: Vec<f64>,
    pub lower: Vec<Option<f64>>,
    pub upper: Vec<Option<f64>>,
    pub censor_time: Vec<f64>,
    pub censor_surv: Vec<f64>,
}

impl KmCurve {
    /// Step-curve points for plotting: (0, 1) first, then every event time,
    /// then the last follow-up time if it is a censoring.
    pub fn step_curve(&self) -> KmStepCurve {
        let tb = &self.table;
        let mut out = KmStepCurve {
            label: self.label.clone(),
            ..KmStepCurve::default()
        };
        out.time.push(0.0);
        out.surv.push(1.0);
        out.lower.push(Some(1.0));
        out.upper.push(Some(1.0));
        let last = tb.len().saturating_sub(1);
        for i in 0..tb.len() {
            if tb.n_event[i] > 0 || (i == last && tb.time[i] > 0.0) {
                out.time.push(tb.time[i]);
                out.surv.push(tb.surv[i]);
                out.lower.push(tb.lower[i]);
                out.upper.push(tb.upper[i]);
            }
            if tb.n_censor[i] > 0 {
                out.censor_time.push(tb.time[i]);
                out.censor_surv.push(tb.surv[i]);
            }
        }
        out
    }
}
