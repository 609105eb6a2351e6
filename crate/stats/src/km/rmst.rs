//! Restricted mean survival time (area under the KM curve up to tau) and its
//! SE, as R's `print(fit, rmean = tau)` (survival's `survmean`, following
//! Miller 1981, pp. 195-196); and the difference between two curves.

use super::{check_time_point, z_value, KmCurve, KmError};
use crate::distributions::normal_two_sided;
use crate::warning::KernelWarning;
use serde::Serialize;

/// Restricted mean survival time of one curve.
#[derive(Debug, Clone, Serialize)]
pub struct KmRmst {
    pub label: String,
    /// The horizon (R's `rmean` upper limit).
    pub tau: f64,
    /// R's `rmean`.
    pub rmean: f64,
    /// R's `se(rmean)`.
    pub se_rmean: f64,
    pub warnings: Vec<KernelWarning>,
}

/// Difference of the restricted means of two curves, `a - b`.
///
/// SE = sqrt(se_a² + se_b²) (independent groups), Wald interval
/// difference ± z·SE and two-sided normal p-value, as in survRM2's
/// `rmst2` "RMST (arm=1)-(arm=0)" row.
#[derive(Debug, Clone, Serialize)]
pub struct RmstDifference {
    pub tau: f64,
    pub a: KmRmst,
    pub b: KmRmst,
    pub difference: f64,
    pub se: f64,
    pub conf_level: f64,
    pub lower: f64,
    pub upper: f64,
    /// `None` when both SEs are 0 (no events before tau).
    pub z: Option<f64>,
    pub p: Option<f64>,
    pub warnings: Vec<KernelWarning>,
}

impl KmCurve {
    /// Restricted mean survival up to `tau`. Beyond the last follow-up time
    /// the curve is held at its last value, as R does (with a warning).
    pub fn rmst(&self, tau: f64) -> Result<KmRmst, KmError> {
        check_time_point(tau)?;
        let tb = &self.table;
        if tb.is_empty() {
            return Err(KmError::EmptyCurve(self.label.clone()));
        }
        let m = tb.time.partition_point(|&t| t <= tau);
        // Rectangles under the curve: widths between 0, the kept times and
        // tau, heights the survival just before each right edge.
        let mut rect = Vec::with_capacity(m + 1);
        let mut prev_t = 0.0;
        let mut prev_s = 1.0;
        for i in 0..m {
            rect.push((tb.time[i] - prev_t) * prev_s);
            prev_t = tb.time[i];
            prev_s = tb.surv[i];
        }
        rect.push((tau - prev_t) * prev_s);
        let rmean: f64 = rect.iter().sum();

        // var = sum_j h_j (area from t_j to tau)^2, h_j = d/(n(n-d)), 0 when
        // n = d; the area after t_j is the sum of the rectangles right of it.
        let mut area_after = 0.0;
        let mut var = 0.0;
        for j in (0..m).rev() {
            area_after += rect[j + 1];
            let (n, d) = (tb.n_risk[j] as f64, tb.n_event[j] as f64);
            let h = if n - d == 0.0 { 0.0 } else { d / (n * (n - d)) };
            var += area_after * area_after * h;
        }

        let mut warnings = Vec::new();
        if let Some(&last) = tb.time.last() {
            if tau > last {
                warnings.push(KernelWarning::RmstBeyondFollowUp {
                    curve: self.label.clone(),
                    tau,
                    last_time: last,
                });
            }
        }
        Ok(KmRmst {
            label: self.label.clone(),
            tau,
            rmean,
            se_rmean: var.sqrt(),
            warnings,
        })
    }
}

/// Difference in restricted mean survival time `a - b` up to `tau`, with a
/// Wald CI at `conf_level` and a two-sided p-value.
pub fn rmst_difference(
    a: &KmCurve,
    b: &KmCurve,
    tau: f64,
    conf_level: f64,
) -> Result<RmstDifference, KmError> {
    let z_crit = z_value(conf_level)?;
    let ra = a.rmst(tau)?;
    let rb = b.rmst(tau)?;
    let difference = ra.rmean - rb.rmean;
    let se = ra.se_rmean.hypot(rb.se_rmean);
    let mut warnings: Vec<KernelWarning> =
        ra.warnings.iter().chain(&rb.warnings).cloned().collect();
    let (z, p) = if se > 0.0 {
        let z = difference / se;
        (Some(z), Some(normal_two_sided(z)))
    } else {
        warnings.push(KernelWarning::RmstDifferenceWithoutSe { tau });
        (None, None)
    };
    Ok(RmstDifference {
        tau,
        difference,
        se,
        conf_level,
        lower: difference - z_crit * se,
        upper: difference + z_crit * se,
        z,
        p,
        a: ra,
        b: rb,
        warnings,
    })
}
