use super::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-14 * b.abs().max(1.0)
}

fn one_curve(time: &[f64], event: &[bool]) -> KmCurve {
    let fit = fit(time, event, None, &KmOptions::default()).unwrap();
    assert_eq!(fit.curves.len(), 1);
    fit.curves.into_iter().next().unwrap()
}

#[test]
fn four_patients_by_hand() {
    // Events at 1, 3, 4; censored at 2. S = 3/4, 3/4, 3/8, 0.
    let c = one_curve(&[3.0, 1.0, 4.0, 2.0], &[true, true, true, false]);
    let tb = &c.table;
    assert_eq!(tb.time, vec![1.0, 2.0, 3.0, 4.0]);
    assert_eq!(tb.n_risk, vec![4, 3, 2, 1]);
    assert_eq!(tb.n_event, vec![1, 0, 1, 1]);
    assert_eq!(tb.n_censor, vec![0, 1, 0, 0]);
    let s = [0.75, 0.75, 0.375, 0.0];
    for (a, b) in tb.surv.iter().zip(s) {
        assert!(close(*a, b), "{a} vs {b}");
    }
    // Greenwood: 1/(4*3), then + 1/(2*1); infinite once S = 0.
    assert!(close(tb.std_err[0], (1.0f64 / 12.0).sqrt()));
    assert!(close(tb.std_err[2], (7.0f64 / 12.0).sqrt()));
    assert!(tb.std_err[3].is_infinite());
    assert_eq!(tb.std_err_surv[3], None);
    // Nelson–Aalen 1/4, 1/4 + 1/2, + 1; variance 1/16, + 1/4, + 1.
    assert!(close(tb.cumhaz[3], 1.75));
    assert!(close(tb.std_chaz[2], (5.0f64 / 16.0).sqrt()));
    assert!(close(tb.std_chaz[3], (21.0f64 / 16.0).sqrt()));
    // log CI at t = 1: 0.75 exp(±z sqrt(1/12)), upper clipped at 1.
    let z = 1.959963984540054;
    assert!(close(
        tb.lower[0].unwrap(),
        0.75 * (-z * (1.0f64 / 12.0).sqrt()).exp()
    ));
    assert_eq!(tb.upper[0], Some(1.0));
    assert_eq!((tb.lower[3], tb.upper[3]), (None, None));
    assert_eq!(c.median.quantile, Some(3.0));
    assert_eq!((c.n, c.events), (4, 3));
}

#[test]
fn median_midpoint_on_a_flat_at_one_half() {
    // S = 3/4, 1/2, 1/4, 0: exactly 0.5 on [2, 3) -> median 2.5.
    let c = one_curve(&[1.0, 2.0, 3.0, 4.0], &[true; 4]);
    assert_eq!(c.median.quantile, Some(2.5));
    let q = c.quantiles(&[0.25, 0.5, 0.75, 1.0]).unwrap();
    let got: Vec<Option<f64>> = q.quantiles.iter().map(|q| q.quantile).collect();
    // 1 - S = 1/4 exactly on [1, 2): midpoint 1.5; likewise 3.5 at 3/4; the
    // 100th percentile is the time S reaches 0.
    assert_eq!(got, vec![Some(1.5), Some(2.5), Some(3.5), Some(4.0)]);
}

#[test]
fn median_not_reached_is_none_with_a_warning() {
    let fit = fit(
        &[1.0, 2.0, 3.0, 4.0],
        &[true, false, false, false],
        None,
        &KmOptions::default(),
    )
    .unwrap();
    assert_eq!(fit.curves[0].median.quantile, None);
    assert_eq!(
        fit.warnings,
        [KernelWarning::MedianNotReached {
            curve: "all".into(),
            quantity: MedianOf::Survival
        }]
    );
    let q = fit.curves[0].quantiles(&[0.5]).unwrap();
    assert_eq!(q.quantiles[0].quantile, None);
    assert_eq!(
        q.warnings,
        [KernelWarning::QuantileNotReached {
            curve: "all".into(),
            prob: 0.5
        }]
    );
}

#[test]
fn log_log_limits_are_undefined_at_one_and_zero() {
    let o = KmOptions {
        conf_type: ConfType::LogLog,
        ..KmOptions::default()
    };
    let fit = fit(&[1.0, 2.0, 3.0], &[false, true, true], None, &o).unwrap();
    let tb = &fit.curves[0].table;
    assert_eq!((tb.lower[0], tb.upper[0]), (None, None)); // S = 1
    assert!(tb.lower[1].is_some());
    assert_eq!((tb.lower[2], tb.upper[2]), (None, None)); // S = 0
}

#[test]
fn plain_limits_are_clipped_and_undefined_at_zero() {
    let o = KmOptions {
        conf_type: ConfType::Plain,
        ..KmOptions::default()
    };
    let fit = fit(&[1.0, 2.0], &[true, true], None, &o).unwrap();
    let tb = &fit.curves[0].table;
    assert_eq!(tb.lower[0], Some(0.0)); // 0.5 - 1.96 * 0.5 < 0
    assert_eq!((tb.lower[1], tb.upper[1]), (None, None));
}

#[test]
fn overall_and_groups_in_one_pass_equal_separate_fits() {
    let time = [5.0, 1.0, 4.0, 2.0, 2.0, 7.0, 3.0, 6.0];
    let event = [true, true, false, true, true, false, true, true];
    let codes = [0, 1, 0, 1, 0, 1, 0, 1];
    let labels = vec!["a".to_string(), "b".to_string()];
    let g = Grouping {
        codes: &codes,
        labels: &labels,
    };
    let opts = KmOptions {
        include_overall: true,
        ..KmOptions::default()
    };
    let both = fit(&time, &event, Some(&g), &opts).unwrap();
    assert_eq!(both.curves.len(), 3);
    assert_eq!(both.curves[0].label, "all");
    assert_eq!(both.curves[0].group, None);
    let all = one_curve(&time, &event);
    assert_eq!(both.curves[0].table.surv, all.table.surv);
    for code in 0..2 {
        let (t, e): (Vec<f64>, Vec<bool>) = (0..8)
            .filter(|&i| codes[i] == code)
            .map(|i| (time[i], event[i]))
            .unzip();
        let sep = one_curve(&t, &e);
        let c = &both.curves[code + 1];
        assert_eq!(c.group, Some(code));
        assert_eq!(c.table.time, sep.table.time);
        assert_eq!(c.table.surv, sep.table.surv);
        assert_eq!(c.table.std_err, sep.table.std_err);
        assert_eq!(c.median, sep.median);
    }
}

#[test]
fn empty_group_gives_an_empty_curve_and_a_warning() {
    let labels = vec!["a".to_string(), "b".to_string()];
    let g = Grouping {
        codes: &[0, 0],
        labels: &labels,
    };
    let fit = fit(&[1.0, 2.0], &[true, true], Some(&g), &KmOptions::default()).unwrap();
    assert_eq!(fit.curves[1].n, 0);
    assert!(fit.curves[1].table.is_empty());
    assert!(fit.warnings.contains(&KernelWarning::EmptyGroup {
        group: "b".into(),
        method: GroupedMethod::KaplanMeier
    }));
    assert!(fit.curves[1].at_times(&[1.0]).is_err());
    assert!(fit.curves[1].rmst(1.0).is_err());
    assert_eq!(fit.curves[1].n_risk_at(&[0.0]).unwrap(), vec![0]);
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let o = KmOptions::default();
    assert_eq!(fit(&[], &[], None, &o).unwrap_err(), KmError::NoData);
    assert!(matches!(
        fit(&[1.0], &[true, false], None, &o),
        Err(KmError::LengthMismatch { .. })
    ));
    assert!(matches!(
        fit(&[1.0, f64::NAN], &[true, false], None, &o),
        Err(KmError::InvalidTime { row: 2, .. })
    ));
    assert!(matches!(
        fit(&[-1.0], &[true], None, &o),
        Err(KmError::InvalidTime { row: 1, .. })
    ));
    assert!(matches!(
        fit(&[f64::INFINITY], &[true], None, &o),
        Err(KmError::InvalidTime { .. })
    ));
    let labels = vec!["a".to_string()];
    let g = Grouping {
        codes: &[0, 1],
        labels: &labels,
    };
    assert!(matches!(
        fit(&[1.0, 2.0], &[true, true], Some(&g), &o),
        Err(KmError::InvalidGroup {
            row: 2,
            code: 1,
            ..
        })
    ));
    let g = Grouping {
        codes: &[0],
        labels: &labels,
    };
    assert!(matches!(
        fit(&[1.0, 2.0], &[true, true], Some(&g), &o),
        Err(KmError::LengthMismatch { .. })
    ));
    let bad = KmOptions {
        conf_level: 1.0,
        ..KmOptions::default()
    };
    assert!(matches!(
        fit(&[1.0], &[true], None, &bad),
        Err(KmError::InvalidConfLevel(_))
    ));
    let c = one_curve(&[1.0], &[true]);
    assert!(c.quantiles(&[1.5]).is_err());
    assert!(c.at_times(&[f64::NAN]).is_err());
    assert!(c.rmst(-1.0).is_err());
    assert!(c.n_risk_at(&[-2.0]).is_err());
    assert!(!KmError::NoData.to_string().is_empty());
}

#[test]
fn all_censored_curve_is_flat_at_one() {
    let c = one_curve(&[1.0, 2.0], &[false, false]);
    assert_eq!(c.table.surv, vec![1.0, 1.0]);
    assert_eq!(c.events, 0);
    assert_eq!(c.median.quantile, None);
    let r = c.rmst(3.0).unwrap();
    assert!(close(r.rmean, 3.0));
    assert_eq!(r.se_rmean, 0.0);
    assert_eq!(
        r.warnings,
        [KernelWarning::RmstBeyondFollowUp {
            curve: "all".into(),
            tau: 3.0,
            last_time: 2.0
        }]
    );
}

#[test]
fn ties_at_time_zero() {
    let c = one_curve(&[0.0, 0.0, 1.0, 2.0], &[true, false, true, false]);
    assert_eq!(c.table.time, vec![0.0, 1.0, 2.0]);
    assert!(close(c.table.surv[0], 0.75));
    // After one event and one censoring at 0, two remain at risk at 1.
    assert_eq!(c.table.n_risk, vec![4, 2, 1]);
    let a = c.at_times(&[0.0, 1.5]).unwrap();
    assert!(close(a.surv[0], 0.75));
    assert_eq!(a.n_risk, vec![4, 1]);
    assert_eq!(a.n_event, vec![1, 1]);
    assert_eq!(a.n_censor, vec![1, 0]);
}

#[test]
fn at_times_reads_the_step_function_and_counts_intervals() {
    // Events at 1, 3, 4; censored at 2.
    let c = one_curve(&[1.0, 2.0, 3.0, 4.0], &[true, false, true, true]);
    let a = c.at_times(&[5.0, 0.5, 2.5]).unwrap();
    assert_eq!(a.time, vec![0.5, 2.5, 5.0]);
    assert_eq!(a.n_risk, vec![4, 2, 0]);
    assert_eq!(a.n_event, vec![0, 1, 2]);
    assert_eq!(a.n_censor, vec![0, 1, 0]);
    assert_eq!(a.surv[0], 1.0);
    assert_eq!((a.lower[0], a.upper[0]), (Some(1.0), Some(1.0)));
    assert!(close(a.surv[1], 0.75));
    assert_eq!(a.surv[2], 0.0);
    assert_eq!(
        c.n_risk_at(&[0.0, 1.0, 1.5, 4.0, 4.5]).unwrap(),
        vec![4, 4, 3, 1, 0]
    );
}

#[test]
fn rmst_of_uncensored_data_is_the_sample_mean() {
    // Without censoring, RMST to the last time is the mean and R's
    // se(rmean)^2 = sum((x - mean)^2) / n^2.
    let x = [2.0, 3.0, 3.0, 7.0, 10.0];
    let c = one_curve(&x, &[true; 5]);
    let r = c.rmst(10.0).unwrap();
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let ss: f64 = x.iter().map(|v| (v - mean).powi(2)).sum();
    assert!(close(r.rmean, mean));
    assert!(close(r.se_rmean, ss.sqrt() / n));
    assert!(r.warnings.is_empty());
    // Truncated before the first event: area tau, no variance.
    let r = c.rmst(1.5).unwrap();
    assert!(close(r.rmean, 1.5) && r.se_rmean == 0.0);
}

#[test]
fn rmst_difference_by_hand() {
    let a = one_curve(&[1.0, 2.0, 3.0], &[true; 3]);
    let b = one_curve(&[2.0, 4.0, 6.0], &[true; 3]);
    let d = rmst_difference(&a, &b, 3.0, 0.95).unwrap();
    // a: mean 2, var 2/9. b up to 3: 2 + (1)(2/3) = 8/3, var (2/3)^2/6 = 2/27.
    assert!(close(d.a.rmean, 2.0) && close(d.b.rmean, 8.0 / 3.0));
    assert!(close(d.b.se_rmean, (2.0f64 / 27.0).sqrt()));
    let se = (2.0f64 / 9.0 + 2.0 / 27.0).sqrt();
    assert!(close(d.difference, -2.0 / 3.0));
    assert!(close(d.se, se));
    let z = d.z.unwrap();
    assert!(close(z, -2.0 / 3.0 / se));
    let p = 2.0
        * statrs::distribution::ContinuousCDF::sf(
            &statrs::distribution::Normal::standard(),
            z.abs(),
        );
    assert!(close(d.p.unwrap(), p));
    assert!(close(d.upper - d.lower, 2.0 * 1.959963984540054 * se));
}

#[test]
fn step_curve_points() {
    let c = one_curve(&[1.0, 2.0, 3.0, 5.0], &[true, false, true, false]);
    let s = c.step_curve();
    assert_eq!(s.time, vec![0.0, 1.0, 3.0, 5.0]);
    assert_eq!(s.surv[0], 1.0);
    assert_eq!(s.surv[3], s.surv[2]);
    assert_eq!(s.censor_time, vec![2.0, 5.0]);
    assert!(close(s.censor_surv[0], 0.75));
}

#[test]
fn reverse_km_swaps_events_and_censoring() {
    let time = [1.0, 2.0, 3.0, 4.0];
    let event = [true, false, true, false];
    let rev = reverse_km_follow_up(&time, &event, None, &KmOptions::default()).unwrap();
    let direct = one_curve(&time, &[false, true, false, true]);
    assert_eq!(rev.curves[0].table.surv, direct.table.surv);
    assert_eq!(rev.curves[0].median, direct.median);
}

#[test]
fn options_deserialise_with_r_defaults_and_names() {
    let o: KmOptions = serde_json::from_str(r#"{"conf_type": "log-log"}"#).unwrap();
    assert_eq!(o.conf_type, ConfType::LogLog);
    assert_eq!(o.conf_level, 0.95);
    let o: KmOptions = serde_json::from_str("{}").unwrap();
    assert_eq!(o.conf_type, ConfType::Log);
}

/// SPSS-style symmetric median CI, worked by hand. Nine deaths at 1..9:
/// S(4) = 5/9 >= 0.55 and S(5) = 4/9 <= 0.45, so u = 4, l = 5 and
/// f̂ = (5/9 - 4/9) / (5 - 4) = 1/9. Without censoring Greenwood's variance
/// of S(5) is S(1 - S)/n = (4/9)(5/9)/9 = 20/729, so se(S) = √20/27 and
/// SE(median) = (√20/27)·9 = √20/3; the 95% CI is 5 ± z·√20/3.
#[test]
fn symmetric_median_ci_by_hand() {
    let time: Vec<f64> = (1..=9).map(f64::from).collect();
    let event = vec![true; 9];
    let fit = fit(&time, &event, None, &KmOptions::default()).unwrap();
    let m = fit.curves[0]
        .median_ci(MedianCiMethod::Symmetric, 0.95)
        .unwrap();
    let se = 20f64.sqrt() / 3.0;
    let z = 1.959_963_984_540_054;
    assert_eq!(m.median, Some(5.0));
    assert!((m.se.unwrap() - se).abs() < 1e-12, "{:?}", m.se);
    assert!((m.lower.unwrap() - (5.0 - z * se)).abs() < 1e-12);
    assert!((m.upper.unwrap() - (5.0 + z * se)).abs() < 1e-12);
}

/// When no event time has S >= 0.55, u is time 0 with S = 1. Deaths at 1
/// and 2 of two: S(1) = 0.5 (flat to 2), so the median is 1.5 (R's
/// midpoint); l = 2 with S = 0, f̂ = (1 - 0)/(2 - 0) = 1/2; Greenwood's
/// variance of S(1) is 0.5² · 1/(2·1) = 1/8, so SE(median) = √(1/8)/(1/2)
/// = √2/2.
#[test]
fn symmetric_median_ci_from_time_zero() {
    let fit = fit(&[1.0, 2.0], &[true, true], None, &KmOptions::default()).unwrap();
    let m = fit.curves[0]
        .median_ci(MedianCiMethod::Symmetric, 0.95)
        .unwrap();
    assert_eq!(m.median, Some(1.5));
    assert!(
        (m.se.unwrap() - 2f64.sqrt() / 2.0).abs() < 1e-12,
        "{:?}",
        m.se
    );
}

/// Brookmeyer–Crowley on a scale other than the band's: the log-log limits
/// of a log-transformed fit equal those of a fit made with the log-log band.
#[test]
fn median_ci_on_another_scale_equals_that_bands_median() {
    let time = [1.0, 2.0, 3.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 12.0];
    let event = [
        true, true, false, true, true, false, true, true, true, false, true, true,
    ];
    let log = fit(&time, &event, None, &KmOptions::default()).unwrap();
    let loglog = fit(
        &time,
        &event,
        None,
        &KmOptions {
            conf_type: ConfType::LogLog,
            ..KmOptions::default()
        },
    )
    .unwrap();
    let m = log.curves[0]
        .median_ci(MedianCiMethod::LogLog, 0.95)
        .unwrap();
    assert_eq!(
        (m.lower, m.upper),
        (loglog.curves[0].median.lower, loglog.curves[0].median.upper)
    );
    let band = log.curves[0].median_ci(MedianCiMethod::Band, 0.95).unwrap();
    assert_eq!(
        (band.lower, band.upper),
        (log.curves[0].median.lower, log.curves[0].median.upper)
    );
}

#[test]
fn grouped_tallies_without_labels_give_the_overall_curves() {
    // The KM request sorts once by group and reads the overall curve and
    // the overall follow-up from those tallies.
    let time: Vec<f64> = (0..300).map(|i| ((i * 37) % 41) as f64 / 4.0).collect();
    let event: Vec<bool> = (0..300).map(|i| (i * 13) % 5 != 0).collect();
    let codes: Vec<usize> = (0..300).map(|i| (i * 7) % 3).collect();
    let labels: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    let tallies = TimeTallies::new(
        &time,
        &event,
        Some(&Grouping {
            codes: &codes,
            labels: &labels,
        }),
    )
    .unwrap();
    let options = KmOptions::default();
    for (tallied, direct) in [
        (
            fit_tallied(&tallies, None, &options),
            fit(&time, &event, None, &options),
        ),
        (
            reverse_km_follow_up_tallied(&tallies, None, &options),
            reverse_km_follow_up(&time, &event, None, &options),
        ),
    ] {
        let (tallied, direct) = (tallied.unwrap(), direct.unwrap());
        assert_eq!(tallied.curves.len(), 1);
        let (a, b) = (&tallied.curves[0].table, &direct.curves[0].table);
        assert_eq!(
            (&a.time, &a.n_risk, &a.n_event, &a.n_censor),
            (&b.time, &b.n_risk, &b.n_event, &b.n_censor)
        );
        assert_eq!(
            (&a.surv, &a.std_err, &a.lower),
            (&b.surv, &b.std_err, &b.lower)
        );
        assert_eq!(
            tallied.curves[0].median.quantile,
            direct.curves[0].median.quantile
        );
    }
    // Labels that do not match the tallies' groups are refused.
    assert!(fit_tallied(&tallies, Some(&labels[..2]), &options).is_err());
}
