//! Firth's penalised logistic regression against the 07_separation `*_firth`
//! blocks (logistf's algorithm in R, cross-checked with brglm2's
//! `brglmFit(type = "AS_mean")` and firthlogist; the block's `call` names the
//! R function), a closed-form 2x2 case (Haldane's +1/2), and invariants.

mod support;

use serde_json::Value;
use support::*;
use survcalc_stats::logistic::{
    self, LogisticFit, LogisticInput, LogisticMethod, LogisticOptions, LogisticTerm,
};

fn firth() -> LogisticOptions {
    LogisticOptions {
        method: LogisticMethod::Firth,
        ..Default::default()
    }
}

fn read_columns(file: &str, names: &[&str]) -> Vec<Vec<f64>> {
    let text = data_file("07_separation", file);
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    names
        .iter()
        .map(|n| {
            let j = header.iter().position(|h| h == n).unwrap();
            rows.iter().map(|r| r[j]).collect()
        })
        .collect()
}

fn fit(y: &[f64], columns: &[Vec<f64>], names: &[&str], options: &LogisticOptions) -> LogisticFit {
    let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    logistic::fit(
        &LogisticInput {
            y,
            trials: None,
            columns,
            term_names: &names,
        },
        options,
    )
    .unwrap()
}

fn field(fit: &LogisticFit, f: fn(&LogisticTerm) -> Option<f64>) -> Vec<Option<f64>> {
    fit.terms.iter().map(f).collect()
}

/// Reads one per-term quantity.
type Getter = fn(&LogisticTerm) -> Option<f64>;

struct Case {
    block: &'static str,
    file: &'static str,
    outcome: &'static str,
    terms: &'static [&'static str],
}

const CASES: [Case; 3] = [
    Case {
        block: "endometrial_firth",
        file: "data.csv",
        outcome: "HG",
        terms: &["NV", "PI", "EH"],
    },
    Case {
        block: "constructed_y_complete_firth",
        file: "data_constructed.csv",
        outcome: "y_complete",
        terms: &["x"],
    },
    Case {
        block: "constructed_y_quasi_firth",
        file: "data_constructed.csv",
        outcome: "y_quasi",
        terms: &["x"],
    },
];

fn run_case(case: &Case) -> (LogisticFit, Value) {
    let reference = reference("07_separation");
    let block = reference["logistic"][case.block].clone();
    let y = read_columns(case.file, &[case.outcome]).remove(0);
    let cols = read_columns(case.file, case.terms);
    (fit(&y, &cols, case.terms, &firth()), block)
}

#[test]
fn firth_matches_logistf_algorithm_reference() {
    for case in &CASES {
        let (fit, block) = run_case(case);
        let label = case.block;
        let terms: Vec<&str> = block["terms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        let got: Vec<&str> = fit.terms.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(got, terms, "{label}");
        assert!(
            fit.converged && fit.warnings.is_empty(),
            "{label}: {:?}",
            fit.warnings
        );

        assert_all_close(
            &field(&fit, |t| t.coef),
            &nums(&block["coef"]),
            COEF_REL,
            &format!("{label} coef"),
        );
        assert_all_close(
            &field(&fit, |t| t.odds_ratio),
            &nums(&block["or"]),
            COEF_REL,
            &format!("{label} or"),
        );
        let stat_fields: [(&str, Getter); 11] = [
            ("se", |t| t.se),
            ("wald_z", |t| t.z),
            ("wald_p", |t| t.p),
            ("wald_ci_lower", |t| t.wald_ci_coef_lower),
            ("wald_ci_upper", |t| t.wald_ci_coef_upper),
            ("profile_pl_ci_lower", |t| t.profile_ci_coef_lower),
            ("profile_pl_ci_upper", |t| t.profile_ci_coef_upper),
            ("profile_pl_ci_or_lower", |t| t.profile_ci_or_lower),
            ("profile_pl_ci_or_upper", |t| t.profile_ci_or_upper),
            ("plr_chisq", |t| t.plr_chisq),
            ("plr_p", |t| t.plr_p),
        ];
        for (key, f) in stat_fields {
            assert_all_close(
                &field(&fit, f),
                &nums(&block[key]),
                STAT_REL,
                &format!("{label} {key}"),
            );
        }
        assert_close(
            fit.penalized_loglik.unwrap(),
            num(&block["penalized_loglik"]).unwrap(),
            STAT_REL,
            label,
        );
        assert_close(
            fit.penalized_loglik_null.unwrap(),
            num(&block["penalized_loglik_null"]).unwrap(),
            STAT_REL,
            label,
        );
        let lr = fit.lr_test.unwrap();
        let overall = &block["overall_plr_test"];
        assert_close(
            lr.stat,
            num(&overall["stat"]).unwrap(),
            STAT_REL,
            &format!("{label} overall stat"),
        );
        assert_eq!(lr.df as f64, num(&overall["df"]).unwrap());
        assert_close(
            lr.p,
            num(&overall["p"]).unwrap(),
            STAT_REL,
            &format!("{label} overall p"),
        );
        for (i, row) in matrix(&block["vcov"]).iter().enumerate() {
            for (j, &v) in row.iter().enumerate() {
                assert_close(
                    fit.vcov[i][j].unwrap(),
                    v,
                    STAT_REL,
                    &format!("{label} vcov[{i}][{j}]"),
                );
            }
        }
        // brglm2's independent implementation of Firth's modified score.
        let brglm2 = &block["brglm2_check"];
        assert_all_close(
            &field(&fit, |t| t.coef),
            &nums(&brglm2["coef"]),
            COEF_REL,
            &format!("{label} brglm2"),
        );
        assert_all_close(
            &field(&fit, |t| t.se),
            &nums(&brglm2["se"]),
            STAT_REL,
            &format!("{label} brglm2 se"),
        );
    }
}

#[test]
fn plr_test_and_profile_interval_agree() {
    // logistf's p-value and its profile interval come from the same profile:
    // 0 lies inside the 95% interval exactly when p > 0.05.
    for case in &CASES {
        let (fit, _) = run_case(case);
        for t in &fit.terms {
            let inside =
                t.profile_ci_coef_lower.unwrap() < 0.0 && 0.0 < t.profile_ci_coef_upper.unwrap();
            assert_eq!(inside, t.plr_p.unwrap() > 0.05, "{} {}", case.block, t.term);
        }
    }
}

/// Saturated 2x2 model: Firth's estimate is the log odds ratio with 1/2
/// added to every cell (each group's hat values sum to 1, so the modified
/// score is y + 1/2 - (m + 1) mu), finite even with an empty cell; the SE
/// is the inverse information at those fitted probabilities.
#[test]
fn two_by_two_with_an_empty_cell_closed_form() {
    let (a, b, c, d) = (6usize, 0usize, 4usize, 9usize);
    let mut y = Vec::new();
    let mut x = Vec::new();
    for (count, yi, xi) in [(a, 1.0, 1.0), (b, 0.0, 1.0), (c, 1.0, 0.0), (d, 0.0, 0.0)] {
        for _ in 0..count {
            y.push(yi);
            x.push(xi);
        }
    }
    let f = fit(&y, &[x.clone()], &["exposed"], &firth());
    let (af, bf, cf, df) = (
        a as f64 + 0.5,
        b as f64 + 0.5,
        c as f64 + 0.5,
        d as f64 + 0.5,
    );
    assert_close(
        f.terms[1].coef.unwrap(),
        (af * df / (bf * cf)).ln(),
        COEF_REL,
        "Firth log OR",
    );
    assert_close(
        f.terms[0].coef.unwrap(),
        (cf / df).ln(),
        COEF_REL,
        "Firth intercept",
    );
    let (m1, p1) = ((a + b) as f64, af / (af + bf));
    let (m0, p0) = ((c + d) as f64, cf / (cf + df));
    let se = (1.0 / (m1 * p1 * (1.0 - p1)) + 1.0 / (m0 * p0 * (1.0 - p0))).sqrt();
    assert_close(f.terms[1].se.unwrap(), se, COEF_REL, "Firth SE");
    // The ML fit of the same table is separated and says so.
    let ml = fit(&y, &[x], &["exposed"], &LogisticOptions::default());
    assert_eq!(ml.separation.unwrap().terms, vec!["exposed".to_string()]);
}

#[test]
fn firth_invariants_shuffle_and_outcome_swap() {
    let (base, _) = run_case(&CASES[0]);
    let y = read_columns("data.csv", &["HG"]).remove(0);
    let cols = read_columns("data.csv", CASES[0].terms);
    // Reverse the rows.
    let yr: Vec<f64> = y.iter().rev().copied().collect();
    let cr: Vec<Vec<f64>> = cols
        .iter()
        .map(|c| c.iter().rev().copied().collect())
        .collect();
    let rev = fit(&yr, &cr, CASES[0].terms, &firth());
    for (a, b) in base.terms.iter().zip(&rev.terms) {
        assert_close(b.coef.unwrap(), a.coef.unwrap(), COEF_REL, "reversed coef");
        assert_close(
            b.profile_ci_coef_upper.unwrap(),
            a.profile_ci_coef_upper.unwrap(),
            COEF_REL,
            "reversed profile",
        );
    }
    // Swap the outcome coding: the penalty is symmetric, so coefficients negate.
    let yf: Vec<f64> = y.iter().map(|v| 1.0 - v).collect();
    let flip = fit(&yf, &cols, CASES[0].terms, &firth());
    for (a, b) in base.terms.iter().zip(&flip.terms) {
        assert_close(b.coef.unwrap(), -a.coef.unwrap(), COEF_REL, "flipped coef");
        assert_close(b.se.unwrap(), a.se.unwrap(), COEF_REL, "flipped se");
        assert_close(
            b.profile_ci_coef_lower.unwrap(),
            -a.profile_ci_coef_upper.unwrap(),
            COEF_REL,
            "flipped profile",
        );
        assert_close(
            b.plr_chisq.unwrap(),
            a.plr_chisq.unwrap(),
            COEF_REL,
            "flipped plr",
        );
    }
    assert_close(
        flip.penalized_loglik.unwrap(),
        base.penalized_loglik.unwrap(),
        COEF_REL,
        "flipped pl",
    );
}

#[test]
fn firth_shrinks_ml_towards_zero_on_non_separated_data() {
    // With overlap the MLE exists; Firth's bias correction pulls it towards 0
    // and the two agree more closely as n grows.
    let x: Vec<f64> = (0..40).map(|i| (i % 10) as f64).collect();
    let y: Vec<f64> = (0..40)
        .map(|i| {
            if (i * 7 + 3) % 10 < (i % 10) {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    let ml = fit(
        &y,
        std::slice::from_ref(&x),
        &["x"],
        &LogisticOptions::default(),
    );
    let fi = fit(&y, &[x], &["x"], &firth());
    assert!(ml.separation.is_none());
    let (bm, bf) = (ml.terms[1].coef.unwrap(), fi.terms[1].coef.unwrap());
    assert!(
        bf.abs() < bm.abs() && bf.signum() == bm.signum(),
        "ML {bm}, Firth {bf}"
    );
}
