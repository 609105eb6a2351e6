//! Closed-form checks of the competing-risks kernels; the comparison with
//! cmprsk and survival on mgus2 is in tests/competing_reference.rs.

use super::*;
use crate::km::{self, ConfType, KmOptions};

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-12 * b.abs().max(1.0),
        "{what}: {a} vs {b}"
    );
}

/// With a single cause, the cumulative incidence is 1 - KM and its IJ
/// variance is Greenwood's variance of S (the cross terms of the case-weight
/// derivatives cancel). Gray's variance is not Greenwood's: at the first
/// death of 10 it is S(t-)² d/n² = 1/100, Greenwood's S² d/(n(n-d)) = 0.81/90.
#[test]
fn one_cause_is_one_minus_kaplan_meier_with_greenwood_variance() {
    let time = [1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 5.0, 6.0, 7.0, 8.0];
    let cause = [1, 1, 0, 1, 0, 1, 1, 0, 1, 0];
    let event: Vec<bool> = cause.iter().map(|&c| c == 1).collect();
    let fit = cuminc(&time, &cause, 1, None, &CifOptions::default()).unwrap();
    let kmfit = km::fit(&time, &event, None, &KmOptions::default()).unwrap();
    let kt = &kmfit.curves[0].table;
    let ct = &fit.curves[0].table;
    assert_eq!(ct.time, kt.time);
    close(ct.var_gray[0], 0.01, "Gray's variance at the first death");
    for i in 0..kt.len() {
        close(ct.estimate[i], 1.0 - kt.surv[i], "F = 1 - S");
        let greenwood_var = (kt.surv[i] * kt.std_err[i]).powi(2);
        close(
            ct.se_ij[i] * ct.se_ij[i],
            greenwood_var,
            "IJ variance = Greenwood",
        );
    }
}

/// Hand-worked Aalen–Johansen: 5 patients, times 1 (cause 1), 2 (cause 2),
/// 3 (censored), 4 (cause 1), 5 (cause 2).
/// S(1) = 4/5, F1(1) = 1/5; S(2) = 3/5, F2(2) = 4/5 · 1/4 = 1/5;
/// F1(4) = 1/5 + S(3) · 1/2 = 1/5 + 3/10 = 1/2; F2(5) = 1/5 + S(4) · 1 = 1/5 + 3/10 = 1/2.
#[test]
fn hand_worked_aalen_johansen() {
    let time = [1.0, 2.0, 3.0, 4.0, 5.0];
    let cause = [1, 2, 0, 1, 2];
    let fit = cuminc(&time, &cause, 2, None, &CifOptions::default()).unwrap();
    let f1 = &fit.curves[0].table.estimate;
    let f2 = &fit.curves[1].table.estimate;
    for (got, want) in f1.iter().zip([0.2, 0.2, 0.2, 0.5, 0.5]) {
        close(*got, want, "F1");
    }
    for (got, want) in f2.iter().zip([0.0, 0.2, 0.2, 0.2, 0.5]) {
        close(*got, want, "F2");
    }
    assert_eq!(
        (
            fit.curves[0].events,
            fit.curves[0].competing,
            fit.curves[0].censored
        ),
        (2, 2, 1)
    );
}

/// The IJ variance is the sum of squared case-weight derivatives: check the
/// closed form against numerical derivatives of F with respect to one
/// patient's weight, computed by a weighted Aalen–Johansen written here.
#[test]
fn infinitesimal_jackknife_equals_numerical_weight_derivatives() {
    let time = [1.0, 1.0, 2.0, 3.0, 3.0, 4.0, 5.0, 6.0, 6.0, 7.0];
    let cause = [1, 2, 0, 2, 1, 1, 0, 2, 1, 0];
    fn weighted_f1(time: &[f64], cause: &[usize], w: &[f64], t_end: f64) -> f64 {
        let mut times: Vec<f64> = time.to_vec();
        times.sort_by(f64::total_cmp);
        times.dedup();
        let (mut s, mut f) = (1.0, 0.0);
        for &t in times.iter().filter(|&&t| t <= t_end) {
            let n: f64 = (0..time.len())
                .filter(|&i| time[i] >= t)
                .map(|i| w[i])
                .sum();
            let d: f64 = (0..time.len())
                .filter(|&i| time[i] == t && cause[i] > 0)
                .map(|i| w[i])
                .sum();
            let d1: f64 = (0..time.len())
                .filter(|&i| time[i] == t && cause[i] == 1)
                .map(|i| w[i])
                .sum();
            f += s * d1 / n;
            s *= 1.0 - d / n;
        }
        f
    }
    let fit = cuminc(&time, &cause, 2, None, &CifOptions::default()).unwrap();
    let table = &fit.curves[0].table;
    for (k, &t) in table.time.iter().enumerate() {
        let h = 1e-6;
        let mut var = 0.0;
        for i in 0..time.len() {
            let mut up = vec![1.0; time.len()];
            let mut down = vec![1.0; time.len()];
            up[i] += h;
            down[i] -= h;
            let deriv = (weighted_f1(&time, &cause, &up, t) - weighted_f1(&time, &cause, &down, t))
                / (2.0 * h);
            var += deriv * deriv;
        }
        assert!(
            (table.se_ij[k].powi(2) - var).abs() <= 1e-8 * var.max(1e-12),
            "t = {t}: {} vs {var}",
            table.se_ij[k].powi(2)
        );
    }
}

#[test]
fn limits_transform_f_as_survfit_does() {
    let time = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let cause = [1, 2, 1, 0, 1, 2];
    let options = CifOptions {
        conf_type: ConfType::Log,
        variance: CifVariance::InfinitesimalJackknife,
        ..CifOptions::default()
    };
    let fit = cuminc(&time, &cause, 2, None, &options).unwrap();
    let tb = &fit.curves[0].table;
    let z = 1.959_963_984_540_054_f64;
    for i in 0..tb.time.len() {
        let f = tb.estimate[i];
        let w = (z * tb.se_ij[i] / f).exp();
        close(tb.lower[i].unwrap(), f / w, "lower");
        close(tb.upper[i].unwrap(), (f * w).min(1.0), "upper");
    }
}

/// Gray's statistic does not depend on which group's score is left out:
/// relabelling the groups (reversing their order) gives the same value.
#[test]
fn gray_test_does_not_depend_on_the_group_order() {
    let time = [
        1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 2.5, 3.5, 6.5, 8.5, 1.5, 4.5,
    ];
    let cause = [1, 0, 2, 1, 0, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 1];
    let codes = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2];
    let reversed: Vec<usize> = codes.iter().map(|c| 2 - c).collect();
    let labels = vec!["a".to_string(), "b".to_string(), "c".to_string()];
    let forward = gray_test(
        &time,
        &cause,
        2,
        1,
        &Grouping {
            codes: &codes,
            labels: &labels,
        },
        None,
        0.0,
    )
    .unwrap();
    let backward = gray_test(
        &time,
        &cause,
        2,
        1,
        &Grouping {
            codes: &reversed,
            labels: &labels,
        },
        None,
        0.0,
    )
    .unwrap();
    let (a, b) = (forward.stat.unwrap(), backward.stat.unwrap());
    assert_eq!(forward.df, 2);
    assert!((a - b).abs() <= 1e-10 * a, "{a} vs {b}");
}

/// Without competing events and without ties, Fine–Gray is Cox regression
/// (every weight is 1): the coefficient is the root of the Cox score, and
/// the information is Cox's.
#[test]
fn fine_gray_without_competing_events_is_cox() {
    let time = [
        5.0, 8.0, 12.0, 3.0, 9.0, 15.0, 7.0, 11.0, 4.0, 13.0, 6.0, 10.0,
    ];
    let cause = [1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1];
    let x = vec![vec![
        1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.5, 2.0,
    ]];
    let data = CrrData {
        time: time.to_vec(),
        cause: cause.to_vec(),
        n_causes: 1,
        covariates: x.clone(),
        term_names: vec!["x".into()],
    };
    let fg = crr(
        &data,
        &CrrOptions {
            gtol: 1e-12,
            max_iter: 50,
            ..CrrOptions::default()
        },
    )
    .unwrap();
    let event: Vec<bool> = cause.iter().map(|&c| c == 1).collect();
    let cox = crate::cox::fit(
        &crate::cox::CoxData::right_censored(time.to_vec(), event, x, vec!["x".into()]),
        &crate::cox::CoxOptions {
            ties: crate::cox::Ties::Breslow,
            eps: 1e-12,
            ..crate::cox::CoxOptions::default()
        },
    )
    .unwrap();
    let b = cox.coef[0].unwrap();
    assert!(
        (fg.coef[0] - b).abs() <= 1e-8 * b.abs(),
        "{} vs {b}",
        fg.coef[0]
    );
    assert!((fg.naive_var[0][0] - cox.var[0][0]).abs() <= 1e-7 * cox.var[0][0]);
    assert!((fg.loglik - cox.loglik_final).abs() <= 1e-9 * cox.loglik_final.abs());
}
