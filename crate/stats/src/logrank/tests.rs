use super::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-13 * b.abs().max(1.0)
}

fn labels(k: usize) -> Vec<String> {
    (0..k).map(|i| format!("g{i}")).collect()
}

// Group 0: events at 1 and 3; group 1: event at 2, censored at 4.
const TIME: [f64; 4] = [1.0, 3.0, 2.0, 4.0];
const EVENT: [bool; 4] = [true, true, true, false];
const CODES: [usize; 4] = [0, 0, 1, 1];

fn tiny(options: &LogrankOptions) -> LogrankFit {
    let l = labels(2);
    let input = LogrankInput {
        time: &TIME,
        event: &EVENT,
        groups: Grouping {
            codes: &CODES,
            labels: &l,
        },
        strata: None,
    };
    fit(&input, options).unwrap()
}

#[test]
fn two_groups_by_hand() {
    // Risk sets (g0, g1): t=1 (2,2), t=2 (1,2), t=3 (1,1), one death each.
    // E0 = 1/2 + 1/3 + 1/2; V = 1/4 + 2/9 + 1/4; O0 = 2.
    let f = tiny(&LogrankOptions::default());
    assert!(close(f.exp[0], 4.0 / 3.0) && close(f.exp[1], 5.0 / 3.0));
    assert_eq!(f.obs, vec![2.0, 1.0]);
    assert!(close(f.var[0][0], 13.0 / 18.0) && close(f.var[0][1], -13.0 / 18.0));
    assert!(close(f.chisq, 8.0 / 13.0));
    assert_eq!(f.df, 1);
    assert!(close(f.o_minus_e_sq_over_e[0], (4.0 / 9.0) / (4.0 / 3.0)));
}

#[test]
fn peto_peto_weights_by_hand() {
    // Pooled S(t-) = 1, 3/4, 1/2 at t = 1, 2, 3.
    let f = tiny(&LogrankOptions {
        rho: 1.0,
        gamma: 0.0,
    });
    assert!(close(f.obs[0], 1.5) && close(f.exp[0], 1.0));
    assert!(close(f.var[0][0], 0.4375));
    assert!(close(f.chisq, 4.0 / 7.0));
    // gamma = 1 alone: weights 1 - S(t-) = 0, 1/4, 1/2.
    let g = tiny(&LogrankOptions {
        rho: 0.0,
        gamma: 1.0,
    });
    assert!(close(g.obs[0], 0.5));
    assert!(close(g.exp[0], 0.25 / 3.0 + 0.25));
}

#[test]
fn stratified_sums_the_strata() {
    let time = [1.0, 3.0, 2.0, 4.0, 5.0, 1.0, 2.5, 7.0];
    let event = [true, true, true, false, true, true, false, true];
    let codes = [0, 0, 1, 1, 0, 1, 0, 1];
    let strata = [0, 0, 0, 0, 1, 1, 1, 1];
    let l = labels(2);
    let sl = labels(2);
    let input = LogrankInput {
        time: &time,
        event: &event,
        groups: Grouping {
            codes: &codes,
            labels: &l,
        },
        strata: Some(Grouping {
            codes: &strata,
            labels: &sl,
        }),
    };
    let both = fit(&input, &LogrankOptions::default()).unwrap();
    assert_eq!(both.n_strata, 2);
    let mut exp = [0.0; 2];
    let mut var = 0.0;
    for s in 0..2 {
        let idx: Vec<usize> = (0..8).filter(|&i| strata[i] == s).collect();
        let t: Vec<f64> = idx.iter().map(|&i| time[i]).collect();
        let e: Vec<bool> = idx.iter().map(|&i| event[i]).collect();
        let c: Vec<usize> = idx.iter().map(|&i| codes[i]).collect();
        let one = fit(
            &LogrankInput {
                time: &t,
                event: &e,
                groups: Grouping {
                    codes: &c,
                    labels: &l,
                },
                strata: None,
            },
            &LogrankOptions::default(),
        )
        .unwrap();
        exp[0] += one.exp[0];
        exp[1] += one.exp[1];
        var += one.var[0][0];
    }
    assert!(close(both.exp[0], exp[0]) && close(both.exp[1], exp[1]));
    assert!(close(both.var[0][0], var));
    assert!(close(both.chisq, both.o_minus_e[1].powi(2) / var));
}

#[test]
fn trend_with_two_groups_is_the_log_rank_test() {
    let f = tiny(&LogrankOptions::default());
    let t = trend(&f, None).unwrap();
    assert!(close(t.chisq, f.chisq));
    assert!(trend(&f, Some(&[1.0])).is_err());
    assert!(trend(&f, Some(&[2.0, 2.0])).is_err());
    assert!(trend(&f, Some(&[f64::NAN, 2.0])).is_err());
}

#[test]
fn p_adjust_holm_and_bh() {
    let p = [Some(0.01), Some(0.04), Some(0.03)];
    let holm: Vec<f64> = p_adjust(&p, PAdjust::Holm)
        .into_iter()
        .map(Option::unwrap)
        .collect();
    let want = [0.03, 0.06, 0.06];
    assert!(holm.iter().zip(want).all(|(a, b)| close(*a, b)), "{holm:?}");
    let bh: Vec<f64> = p_adjust(&p, PAdjust::Bh)
        .into_iter()
        .map(Option::unwrap)
        .collect();
    let want = [0.03, 0.04, 0.04];
    assert!(bh.iter().zip(want).all(|(a, b)| close(*a, b)), "{bh:?}");
    // Missing p-values are skipped and not counted.
    let q = p_adjust(&[Some(0.01), None, Some(0.4)], PAdjust::Bonferroni);
    assert_eq!(q[1], None);
    assert!(close(q[0].unwrap(), 0.02) && close(q[2].unwrap(), 0.8));
    assert_eq!(
        p_adjust(&[Some(0.9), Some(0.8)], PAdjust::Bonferroni),
        vec![Some(1.0), Some(1.0)]
    );
}

#[test]
fn pairwise_matches_two_group_fits() {
    let time = [1.0, 3.0, 2.0, 4.0, 5.0, 1.5, 2.5, 7.0, 0.5];
    let event = [true, true, true, false, true, true, false, true, true];
    let codes = [0, 0, 1, 1, 2, 1, 2, 2, 0];
    let l = labels(3);
    let input = LogrankInput {
        time: &time,
        event: &event,
        groups: Grouping {
            codes: &codes,
            labels: &l,
        },
        strata: None,
    };
    let pw = pairwise(
        &input,
        &PairwiseOptions {
            rho: 1.0,
            ..PairwiseOptions::default()
        },
    )
    .unwrap();
    assert_eq!(pw.comparisons.len(), 3);
    for c in &pw.comparisons {
        let a: usize = c.group_a[1..].parse().unwrap();
        let b: usize = c.group_b[1..].parse().unwrap();
        let idx: Vec<usize> = (0..time.len())
            .filter(|&i| codes[i] == a || codes[i] == b)
            .collect();
        let t: Vec<f64> = idx.iter().map(|&i| time[i]).collect();
        let e: Vec<bool> = idx.iter().map(|&i| event[i]).collect();
        let g: Vec<usize> = idx.iter().map(|&i| usize::from(codes[i] == b)).collect();
        let l2 = vec![c.group_a.clone(), c.group_b.clone()];
        let one = fit(
            &LogrankInput {
                time: &t,
                event: &e,
                groups: Grouping {
                    codes: &g,
                    labels: &l2,
                },
                strata: None,
            },
            &LogrankOptions {
                rho: 1.0,
                gamma: 0.0,
            },
        )
        .unwrap();
        assert!(close(c.chisq.unwrap(), one.chisq));
        assert!(close(c.p.unwrap(), one.p));
    }
    let raw: Vec<Option<f64>> = pw.comparisons.iter().map(|c| c.p).collect();
    let adj = p_adjust(&raw, PAdjust::Holm);
    assert_eq!(
        pw.comparisons
            .iter()
            .map(|c| c.p_adjusted)
            .collect::<Vec<_>>(),
        adj
    );
}

#[test]
fn unusable_input_is_an_error() {
    let l = labels(2);
    let g = Grouping {
        codes: &[0, 0],
        labels: &l,
    };
    let one_group = LogrankInput {
        time: &[1.0, 2.0],
        event: &[true, true],
        groups: g,
        strata: None,
    };
    assert_eq!(
        fit(&one_group, &LogrankOptions::default()).unwrap_err(),
        LogrankError::TooFewGroups(1)
    );
    let g = Grouping {
        codes: &[0, 1],
        labels: &l,
    };
    let no_events = LogrankInput {
        time: &[1.0, 2.0],
        event: &[false, false],
        groups: g,
        strata: None,
    };
    assert_eq!(
        fit(&no_events, &LogrankOptions::default()).unwrap_err(),
        LogrankError::NoEvents
    );
    // Group 1 leaves before the only death: nothing to compare.
    let early = LogrankInput {
        time: &[1.0, 2.0],
        event: &[false, true],
        groups: Grouping {
            codes: &[1, 0],
            labels: &l,
        },
        strata: None,
    };
    assert_eq!(
        fit(&early, &LogrankOptions::default()).unwrap_err(),
        LogrankError::NoComparison
    );
    let ok = LogrankInput {
        time: &[1.0, 2.0],
        event: &[true, true],
        groups: g,
        strata: None,
    };
    let bad = LogrankOptions {
        rho: -1.0,
        gamma: 0.0,
    };
    assert!(matches!(
        fit(&ok, &bad),
        Err(LogrankError::InvalidWeight { .. })
    ));
    let nan = LogrankInput {
        time: &[1.0, f64::NAN],
        event: &[true, true],
        groups: g,
        strata: None,
    };
    assert!(matches!(
        fit(&nan, &LogrankOptions::default()),
        Err(LogrankError::Input(KmError::InvalidTime { row: 2, .. }))
    ));
    let sl = labels(1);
    let bad_stratum = LogrankInput {
        strata: Some(Grouping {
            codes: &[0, 3],
            labels: &sl,
        }),
        ..ok
    };
    assert!(matches!(
        fit(&bad_stratum, &LogrankOptions::default()),
        Err(LogrankError::InvalidStratum { row: 2, .. })
    ));
    assert!(!LogrankError::NoEvents.to_string().is_empty());
}

#[test]
fn empty_label_is_kept_with_a_warning() {
    let l = labels(3);
    let input = LogrankInput {
        time: &TIME,
        event: &EVENT,
        groups: Grouping {
            codes: &[0, 0, 2, 2],
            labels: &l,
        },
        strata: None,
    };
    let f = fit(&input, &LogrankOptions::default()).unwrap();
    assert_eq!(f.n, vec![2, 0, 2]);
    assert_eq!(f.df, 1);
    assert!(close(f.chisq, 8.0 / 13.0));
    assert_eq!(
        f.warnings,
        [KernelWarning::EmptyGroup {
            group: "g1".into(),
            method: GroupedMethod::Logrank
        }]
    );
}
