//! The rates request (`analyses::rates::run`): patients counted from an
//! outcome column (success values, values left out of the denominator,
//! missing outcomes and groups), their intervals in closed form, and the
//! group comparison computed by hand. No R fixture holds these; each
//! expected value is derived in the test:
//! - Clopper–Pearson (R's binom.test) by the relation between binomial
//!   tails and beta quantiles: the lower limit p_L solves P(X >= x | n, p_L)
//!   = α/2 and the upper p_U solves P(X <= x | n, p_U) = α/2 (p_L = 0 when
//!   x = 0, p_U = 1 when x = n), checked through the binomial sums;
//! - Wilson (R's prop.test(correct = FALSE)): (p + z²/2n ± z·sqrt(p(1 − p)/n
//!   + z²/4n²)) / (1 + z²/n);
//! - Pearson's chi-squared Σ (O − E)²/E with E = row total × column total / n,
//!   and Fisher's two-sided p as the sum of the hypergeometric probabilities
//!   no larger than the observed one.

#[path = "../../stats/tests/support/mod.rs"]
mod support;

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};
use support::*;
use survcalc_analysis::analyses::rates::{run, RatesRequest};
use survcalc_analysis::table::{read_csv, ReadOptions, Table};
use survcalc_analysis::warning::LeftOutReason;
use survcalc_stats::rates::{Proportion, RateCiMethod};

/// One row per patient: (group, outcome, how many such patients); an
/// empty string is a missing cell.
fn cohort(spec: &[(&str, &str, usize)]) -> Table {
    let mut text = String::from("arm,bor\n");
    for (group, outcome, count) in spec {
        for _ in 0..*count {
            text.push_str(&format!("{group},{outcome}\n"));
        }
    }
    read_csv(text.as_bytes(), &ReadOptions::default()).unwrap()
}

fn values(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn orr(group: Option<&str>) -> RatesRequest {
    RatesRequest {
        outcome: "bor".into(),
        success_values: values(&["CR", "PR"]),
        group: group.map(str::to_string),
        ..RatesRequest::default()
    }
}

fn choose(n: u64, k: u64) -> f64 {
    (1..=k).fold(1.0, |c, i| c * (n - k + i) as f64 / i as f64)
}

/// P(X = k) for X ~ Binomial(n, p).
fn binomial(n: u64, k: u64, p: f64) -> f64 {
    choose(n, k) * p.powi(k as i32) * (1.0 - p).powi((n - k) as i32)
}

/// The Clopper–Pearson limits of `prop` against their defining tail equations.
fn check_clopper_pearson(prop: &Proportion, level: f64, what: &str) {
    let (x, n) = (prop.x, prop.n);
    let alpha = 1.0 - level;
    let cp = &prop.clopper_pearson;
    if x == 0 {
        assert_eq!(cp.lower, 0.0, "{what}: lower limit of 0 successes");
    } else {
        let upper_tail: f64 = (x..=n).map(|k| binomial(n, k, cp.lower)).sum();
        assert_close(
            upper_tail,
            alpha / 2.0,
            STAT_REL,
            &format!("{what}: P(X >= {x} | p_L)"),
        );
    }
    if x == n {
        assert_eq!(cp.upper, 1.0, "{what}: upper limit of n successes");
    } else {
        let lower_tail: f64 = (0..=x).map(|k| binomial(n, k, cp.upper)).sum();
        assert_close(
            lower_tail,
            alpha / 2.0,
            STAT_REL,
            &format!("{what}: P(X <= {x} | p_U)"),
        );
    }
}

fn check_wilson(prop: &Proportion, level: f64, what: &str) {
    let z = Normal::standard().inverse_cdf(1.0 - (1.0 - level) / 2.0);
    let n = prop.n as f64;
    let p = prop.x as f64 / n;
    let centre = p + z * z / (2.0 * n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    let denominator = 1.0 + z * z / n;
    assert_close(
        prop.wilson.lower,
        (centre - half) / denominator,
        CLOSED_FORM_REL,
        &format!("{what}: Wilson lower"),
    );
    assert_close(
        prop.wilson.upper,
        (centre + half) / denominator,
        CLOSED_FORM_REL,
        &format!("{what}: Wilson upper"),
    );
}

#[test]
fn response_rates_by_arm_count_the_right_patients_with_exact_and_score_intervals() {
    // Arm A: 2 CR, 5 PR, 6 SD, 7 PD, 2 NE; arm B: 1 CR, 9 PR, 4 SD, 3 PD;
    // one patient without a response, one without an arm.
    let t = cohort(&[
        ("A", "CR", 2),
        ("A", "PR", 5),
        ("A", "SD", 6),
        ("A", "PD", 7),
        ("A", "NE", 2),
        ("B", "CR", 1),
        ("B", "PR", 9),
        ("B", "SD", 4),
        ("B", "PD", 3),
        ("B", "", 1),
        ("", "PR", 1),
    ]);
    let request = RatesRequest {
        exclude_values: values(&["NE"]),
        ..orr(Some("arm"))
    };
    let r = run(&t, &request).unwrap();
    let counts: Vec<(&str, u64, u64)> = r
        .groups
        .iter()
        .map(|g| (g.label.as_str(), g.x, g.n))
        .collect();
    assert_eq!(counts, [("A", 7, 20), ("B", 10, 17)]);
    assert_eq!((r.overall.x, r.overall.n, r.n_used), (17, 37, 37));
    let left_out: Vec<(&str, LeftOutReason, usize)> = r
        .left_out
        .iter()
        .map(|l| (l.column.as_str(), l.reason, l.count))
        .collect();
    assert_eq!(
        left_out,
        [
            ("bor", LeftOutReason::Missing, 1),
            ("bor", LeftOutReason::Excluded, 2),
            ("arm", LeftOutReason::Missing, 1)
        ]
    );
    for p in r.groups.iter().chain([&r.overall]) {
        assert_close(
            p.proportion,
            p.x as f64 / p.n as f64,
            CLOSED_FORM_REL,
            &p.label,
        );
        check_clopper_pearson(p, 0.95, &p.label);
        check_wilson(p, 0.95, &p.label);
        // Clopper–Pearson is the default choice, and the table prints it.
        assert_eq!(
            (p.conf_lower, p.conf_upper),
            (p.clopper_pearson.lower, p.clopper_pearson.upper)
        );
    }
    let a = &r.groups[0];
    assert_eq!(
        r.table.rows[0],
        [
            "A",
            "7 / 20",
            &format!("{:.1}", 100.0 * a.proportion),
            &format!("{:.1}–{:.1}", 100.0 * a.conf_lower, 100.0 * a.conf_upper)
        ]
    );

    // Every expected count is at least 5: Pearson's chi-squared without correction.
    let observed = [[7.0, 13.0], [10.0, 7.0]];
    let (rows, cols, n) = ([20.0, 17.0], [17.0, 20.0], 37.0);
    let mut chisq = 0.0;
    for i in 0..2 {
        for j in 0..2 {
            let e = rows[i] * cols[j] / n;
            assert!(e >= 5.0);
            chisq += (observed[i][j] - e) * (observed[i][j] - e) / e;
        }
    }
    let test = r.test.as_ref().unwrap();
    assert_eq!(test.method, "Pearson's chi-squared test");
    assert_close(test.chi_square.chisq, chisq, CLOSED_FORM_REL, "chi-squared");
    assert_close(
        test.p,
        ChiSquared::new(1.0).unwrap().sf(chisq),
        STAT_REL,
        "p",
    );
    assert!(
        r.test_text
            .as_deref()
            .unwrap()
            .contains(&format!("χ² = {chisq:.2}, df = 1")),
        "{:?}",
        r.test_text
    );
}

#[test]
fn wilson_at_90_percent_is_the_chosen_interval() {
    let t = cohort(&[("A", "CR", 3), ("A", "PD", 9)]);
    let r = run(
        &t,
        &RatesRequest {
            ci: RateCiMethod::Wilson,
            conf_level: 0.9,
            ..orr(None)
        },
    )
    .unwrap();
    check_wilson(&r.overall, 0.9, "3 of 12");
    check_clopper_pearson(&r.overall, 0.9, "3 of 12");
    assert_eq!(
        (r.overall.conf_lower, r.overall.conf_upper),
        (r.overall.wilson.lower, r.overall.wilson.upper)
    );
    assert_eq!(r.table.header[3], "90% CI (Wilson), %");
}

#[test]
fn none_and_all_have_one_sided_exact_limits() {
    // x = 0: p_U = 1 − (α/2)^(1/n); x = n: p_L = (α/2)^(1/n).
    let none = run(&cohort(&[("A", "PD", 10)]), &orr(None)).unwrap();
    check_clopper_pearson(&none.overall, 0.95, "0 of 10");
    assert_close(
        none.overall.clopper_pearson.upper,
        1.0 - 0.025_f64.powf(0.1),
        CLOSED_FORM_REL,
        "0 of 10 upper",
    );
    let all = run(&cohort(&[("A", "PR", 10)]), &orr(None)).unwrap();
    check_clopper_pearson(&all.overall, 0.95, "10 of 10");
    assert_close(
        all.overall.clopper_pearson.lower,
        0.025_f64.powf(0.1),
        CLOSED_FORM_REL,
        "10 of 10 lower",
    );
}

#[test]
fn small_groups_are_compared_by_fishers_exact_test() {
    // A: 1 of 8 responders, B: 6 of 9; 7 responders in all.
    let r = run(
        &cohort(&[
            ("A", "PR", 1),
            ("A", "PD", 7),
            ("B", "PR", 6),
            ("B", "PD", 3),
        ]),
        &orr(Some("arm")),
    )
    .unwrap();
    let test = r.test.as_ref().unwrap();
    assert_eq!(test.method, "Fisher's exact test");
    let probability = |x: u64| choose(8, x) * choose(9, 7 - x) / choose(17, 7);
    let observed = probability(1);
    let p: f64 = (0..=7)
        .map(probability)
        .filter(|&q| q <= observed * (1.0 + 1e-7))
        .sum();
    assert_close(test.p, p, CLOSED_FORM_REL, "Fisher p");
}
