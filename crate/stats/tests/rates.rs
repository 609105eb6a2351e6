//! Proportions with Clopper–Pearson (R `binom.test`) and Wilson
//! (`prop.test(correct = FALSE)`) intervals, and their comparison across
//! groups: closed forms, binomial identities and invariants.

mod support;

use statrs::distribution::{Binomial, ContinuousCDF, DiscreteCDF, Normal};
use support::*;
use survcalc_stats::contingency::{
    fisher_exact, BaselineTestKind, CountTable, FisherOptions, FISHER, PEARSON,
};
use survcalc_stats::rates::{
    compare, proportion, tabulate, RateCiMethod, RateCount, RateError, RateOptions,
};
use survcalc_stats::warning::{GroupedMethod, KernelWarning};

fn options(conf_level: f64) -> RateOptions {
    RateOptions {
        conf_level,
        ..RateOptions::default()
    }
}

/// x = 0: P(X = 0) = (1 - p)^n = alpha/2 at the upper limit; x = n
/// mirrors it at the lower limit.
#[test]
fn clopper_pearson_at_the_edges() {
    for n in [1u64, 2, 7, 25, 120, 1000] {
        for conf in [0.9, 0.95, 0.99] {
            let half_alpha: f64 = (1.0 - conf) / 2.0;
            let edge = half_alpha.powf(1.0 / n as f64);
            let zero = proportion(0, n, &options(conf)).unwrap();
            assert_eq!(zero.clopper_pearson.lower, 0.0);
            assert_close(
                zero.clopper_pearson.upper,
                1.0 - edge,
                CLOSED_FORM_REL,
                &format!("x=0 n={n}"),
            );
            let all = proportion(n, n, &options(conf)).unwrap();
            assert_eq!(all.clopper_pearson.upper, 1.0);
            assert_close(
                all.clopper_pearson.lower,
                edge,
                CLOSED_FORM_REL,
                &format!("x=n n={n}"),
            );
        }
    }
}

/// The exact limits are where the binomial tails reach alpha/2:
/// P(X >= x | p_lower) = alpha/2 and P(X <= x | p_upper) = alpha/2.
#[test]
fn clopper_pearson_binomial_tails() {
    for (x, n) in [
        (1u64, 10u64),
        (3, 10),
        (17, 40),
        (45, 120),
        (2, 496),
        (229, 496),
    ] {
        let p = proportion(x, n, &RateOptions::default()).unwrap();
        let upper = Binomial::new(p.clopper_pearson.upper, n).unwrap();
        assert_close(
            upper.cdf(x),
            0.025,
            CLOSED_FORM_REL,
            &format!("upper tail {x}/{n}"),
        );
        let lower = Binomial::new(p.clopper_pearson.lower, n).unwrap();
        assert_close(
            lower.sf(x - 1),
            0.025,
            CLOSED_FORM_REL,
            &format!("lower tail {x}/{n}"),
        );
        assert!(p.clopper_pearson.lower < p.proportion && p.proportion < p.clopper_pearson.upper);
    }
}

/// Wilson's interval is the set of p with (p̂ - p)² <= z² p (1 - p) / n: the
/// roots of (1 + z²/n) p² - (2 p̂ + z²/n) p + p̂² = 0.
#[test]
fn wilson_is_the_score_interval() {
    for (x, n) in [
        (0u64, 12u64),
        (1, 12),
        (6, 12),
        (12, 12),
        (45, 120),
        (3, 496),
    ] {
        for conf in [0.9, 0.95] {
            let z = Normal::standard().inverse_cdf((1.0 + conf) / 2.0);
            let (xf, nf) = (x as f64, n as f64);
            let ph = xf / nf;
            let a = 1.0 + z * z / nf;
            let b = -(2.0 * ph + z * z / nf);
            let c = ph * ph;
            let disc = (b * b - 4.0 * a * c).max(0.0).sqrt();
            let (lo, hi) = ((-b - disc) / (2.0 * a), (-b + disc) / (2.0 * a));
            let w = proportion(x, n, &options(conf)).unwrap().wilson;
            // prop.test sets the limit to 0 (1) exactly when p̂ = 0 (1).
            let lo = if x == 0 { 0.0 } else { lo };
            let hi = if x == n { 1.0 } else { hi };
            assert_close(
                w.lower,
                lo,
                CLOSED_FORM_REL,
                &format!("wilson lower {x}/{n}"),
            );
            assert_close(
                w.upper,
                hi,
                CLOSED_FORM_REL,
                &format!("wilson upper {x}/{n}"),
            );
        }
    }
}

/// The chosen interval is repeated in conf_lower/conf_upper.
#[test]
fn ci_method_selects_the_interval() {
    let cp = proportion(17, 40, &RateOptions::default()).unwrap();
    assert_eq!(cp.ci_method, RateCiMethod::ClopperPearson);
    assert_eq!(
        (cp.conf_lower, cp.conf_upper),
        (cp.clopper_pearson.lower, cp.clopper_pearson.upper)
    );
    let w = proportion(
        17,
        40,
        &RateOptions {
            ci_method: RateCiMethod::Wilson,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        (w.conf_lower, w.conf_upper),
        (w.wilson.lower, w.wilson.upper)
    );
    assert_close(w.proportion, 17.0 / 40.0, CLOSED_FORM_REL, "p");
    // Narrower with more patients at the same rate.
    let big = proportion(170, 400, &RateOptions::default()).unwrap();
    assert!(big.conf_upper - big.conf_lower < cp.conf_upper - cp.conf_lower);
}

#[test]
fn comparison_names_its_test() {
    // ORR 20/60 vs 35/62: every expected count >= 5 -> chi-squared.
    let counts = vec![
        RateCount {
            label: "A".into(),
            x: 20,
            n: 60,
        },
        RateCount {
            label: "B".into(),
            x: 35,
            n: 62,
        },
    ];
    let c = compare(&counts, &RateOptions::default()).unwrap();
    let test = c.test.as_ref().unwrap();
    assert_eq!(test.test, BaselineTestKind::ChiSquare);
    assert_eq!(test.method, PEARSON);
    assert_eq!((c.overall.x, c.overall.n), (55, 122));
    // Uncorrected 2x2 chi-square: n (ad - bc)² / (r1 r2 c1 c2).
    let (a, b, cc, d) = (20.0, 40.0, 35.0, 27.0);
    let want = 122.0 * (a * d - b * cc) * (a * d - b * cc) / (60.0 * 62.0 * 55.0 * 67.0);
    assert_close(test.chi_square.chisq, want, CLOSED_FORM_REL, "chisq");
    // Grade 3-4 AEs 2/30 vs 6/31 vs 1/29: sparse -> Fisher, as fisher.test.
    let sparse = vec![
        RateCount {
            label: "A".into(),
            x: 2,
            n: 30,
        },
        RateCount {
            label: "B".into(),
            x: 6,
            n: 31,
        },
        RateCount {
            label: "C".into(),
            x: 1,
            n: 29,
        },
    ];
    let c = compare(&sparse, &RateOptions::default()).unwrap();
    let test = c.test.as_ref().unwrap();
    assert_eq!(test.test, BaselineTestKind::Fisher);
    assert_eq!(test.method, FISHER);
    let table = CountTable::new(vec![vec![2, 28], vec![6, 25], vec![1, 28]]).unwrap();
    let direct = fisher_exact(&table, &FisherOptions::default()).unwrap();
    assert_close(test.p, direct.p, CLOSED_FORM_REL, "fisher p");
    // Group order does not matter.
    let mut reversed = sparse.clone();
    reversed.reverse();
    let r = compare(&reversed, &RateOptions::default()).unwrap();
    assert_close(r.test.unwrap().p, test.p, 1e-12, "reordered p");
    assert_eq!(r.groups[0].label, "C");
}

#[test]
fn comparison_without_a_possible_test() {
    let none = vec![
        RateCount {
            label: "A".into(),
            x: 0,
            n: 10,
        },
        RateCount {
            label: "B".into(),
            x: 0,
            n: 12,
        },
    ];
    let c = compare(&none, &RateOptions::default()).unwrap();
    assert!(c.test.is_none());
    assert_eq!(c.warnings, [KernelWarning::SameOutcomeForAll]);
    let with_empty = vec![
        RateCount {
            label: "A".into(),
            x: 3,
            n: 10,
        },
        RateCount {
            label: "B".into(),
            x: 0,
            n: 0,
        },
    ];
    let c = compare(&with_empty, &RateOptions::default()).unwrap();
    assert_eq!(c.groups.len(), 1);
    assert!(c.test.is_none());
    assert_eq!(
        c.warnings,
        [
            KernelWarning::EmptyGroup {
                group: "B".into(),
                method: GroupedMethod::Rates
            },
            KernelWarning::TooFewGroupsToCompare
        ]
    );
}

#[test]
fn tabulate_counts_patients() {
    let outcome = vec![
        Some(true),
        Some(false),
        None,
        Some(true),
        Some(true),
        Some(false),
    ];
    let groups = vec![Some(0), Some(0), Some(1), Some(1), None, Some(1)];
    let labels = vec!["ICI".to_string(), "ICI + TKI".to_string()];
    let t = tabulate(&outcome, &groups, &labels).unwrap();
    assert_eq!(t.n_missing, 2);
    assert_eq!(
        t.groups[0],
        RateCount {
            label: "ICI".into(),
            x: 1,
            n: 2
        }
    );
    assert_eq!(
        t.groups[1],
        RateCount {
            label: "ICI + TKI".into(),
            x: 1,
            n: 2
        }
    );
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    assert_eq!(
        proportion(0, 0, &RateOptions::default()).unwrap_err(),
        RateError::NoPatients {
            label: String::new()
        }
    );
    assert!(matches!(
        proportion(5, 4, &RateOptions::default()),
        Err(RateError::CountExceedsTotal { .. })
    ));
    assert!(matches!(
        proportion(1, 4, &options(1.0)),
        Err(RateError::InvalidConfLevel(_))
    ));
    assert!(matches!(
        proportion(1, 4, &options(f64::NAN)),
        Err(RateError::InvalidConfLevel(_))
    ));
    assert!(matches!(
        compare(&[], &RateOptions::default()),
        Err(RateError::NoGroups)
    ));
    let labels = vec!["a".to_string()];
    assert!(matches!(
        tabulate(&[Some(true)], &[Some(3)], &labels),
        Err(RateError::InvalidGroup { .. })
    ));
    assert!(matches!(
        tabulate(&[Some(true)], &[], &labels),
        Err(RateError::LengthMismatch { .. })
    ));
}
