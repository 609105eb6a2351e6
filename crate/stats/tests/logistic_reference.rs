//! Maximum-likelihood logistic regression against R 4.2.2
//! `glm(family = binomial)` (06_infert: multivariable and univariate models,
//! Wald and exact profile-likelihood CIs), separation warnings on the
//! 07_separation ML blocks (whose numbers are artefacts, see their `note`),
//! a closed-form 2x2 table, and invariants.

mod support;

use serde_json::Value;
use support::*;
use survcalc_stats::logistic::{
    self, CiMethod, LogisticError, LogisticFit, LogisticInput, LogisticOptions, SeparationKind,
};
use survcalc_stats::warning::{AliasReason, KernelWarning};

/// A CSV without quoting, as the fixture dictionaries describe.
struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn read(dataset: &str, file: &str) -> Csv {
        let text = data_file(dataset, file);
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let header = lines
            .next()
            .unwrap()
            .split(',')
            .map(str::to_string)
            .collect();
        let rows = lines
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect();
        Csv { header, rows }
    }
    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }
    fn num(&self, name: &str) -> Vec<f64> {
        let j = self.col(name);
        self.rows.iter().map(|r| r[j].parse().unwrap()).collect()
    }
    fn text(&self, name: &str) -> Vec<String> {
        let j = self.col(name);
        self.rows.iter().map(|r| r[j].clone()).collect()
    }
}

/// R's treatment coding of a factor against `reference`: one 0/1 column per
/// other level, named variable + level.
fn dummies(var: &str, values: &[String], levels: &[&str]) -> Vec<(String, Vec<f64>)> {
    levels
        .iter()
        .skip(1)
        .map(|lev| {
            (
                format!("{var}{lev}"),
                values
                    .iter()
                    .map(|v| if v == lev { 1.0 } else { 0.0 })
                    .collect(),
            )
        })
        .collect()
}

fn infert_columns(csv: &Csv, terms: &[&str]) -> Vec<(String, Vec<f64>)> {
    let mut out = Vec::new();
    for t in terms {
        if *t == "education" {
            out.extend(dummies(
                "education",
                &csv.text("education"),
                &["0-5yrs", "6-11yrs", "12+ yrs"],
            ));
        } else {
            out.push((t.to_string(), csv.num(t)));
        }
    }
    out
}

fn fit_columns(y: &[f64], cols: &[(String, Vec<f64>)], options: &LogisticOptions) -> LogisticFit {
    let names: Vec<String> = cols.iter().map(|c| c.0.clone()).collect();
    let columns: Vec<Vec<f64>> = cols.iter().map(|c| c.1.clone()).collect();
    let input = LogisticInput {
        y,
        trials: None,
        columns: &columns,
        term_names: &names,
    };
    logistic::fit(&input, options).unwrap()
}

fn field(
    fit: &LogisticFit,
    f: impl Fn(&logistic::LogisticTerm) -> Option<f64>,
) -> Vec<Option<f64>> {
    fit.terms.iter().map(f).collect()
}

/// Reads one per-term quantity.
type Getter = fn(&logistic::LogisticTerm) -> Option<f64>;

fn check_infert_block(fit: &LogisticFit, block: &Value, label: &str) {
    let terms: Vec<String> = block["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    let got: Vec<String> = fit.terms.iter().map(|t| t.term.clone()).collect();
    assert_eq!(got, terms, "{label}: terms");
    assert_eq!(fit.n as f64, num(&block["n"]).unwrap(), "{label}: n");
    assert!(fit.converged, "{label}: converged");
    assert!(
        fit.warnings.is_empty(),
        "{label}: warnings {:?}",
        fit.warnings
    );
    assert!(fit.separation.is_none());

    let c = |k: &str| nums(&block[k]);
    assert_all_close(
        &field(fit, |t| t.coef),
        &c("coef"),
        COEF_REL,
        &format!("{label} coef"),
    );
    assert_all_close(
        &field(fit, |t| t.odds_ratio),
        &c("or"),
        COEF_REL,
        &format!("{label} or"),
    );
    assert_all_close(
        &field(fit, |t| t.se),
        &c("se"),
        STAT_REL,
        &format!("{label} se"),
    );
    assert_all_close(
        &field(fit, |t| t.z),
        &c("z"),
        STAT_REL,
        &format!("{label} z"),
    );
    assert_all_close(
        &field(fit, |t| t.p),
        &c("p"),
        STAT_REL,
        &format!("{label} p"),
    );
    let pairs: [(&str, Getter); 8] = [
        ("wald_ci_coef_lower", |t| t.wald_ci_coef_lower),
        ("wald_ci_coef_upper", |t| t.wald_ci_coef_upper),
        ("wald_ci_or_lower", |t| t.wald_ci_or_lower),
        ("wald_ci_or_upper", |t| t.wald_ci_or_upper),
        ("profile_ci_exact_coef_lower", |t| t.profile_ci_coef_lower),
        ("profile_ci_exact_coef_upper", |t| t.profile_ci_coef_upper),
        ("profile_ci_exact_or_lower", |t| t.profile_ci_or_lower),
        ("profile_ci_exact_or_upper", |t| t.profile_ci_or_upper),
    ];
    for (key, f) in pairs {
        assert_all_close(&field(fit, f), &c(key), STAT_REL, &format!("{label} {key}"));
    }
    // MASS's spline-interpolated confint is only ~1e-4 accurate (README).
    assert_all_close(
        &field(fit, |t| t.profile_ci_coef_lower),
        &c("profile_ci_mass_coef_lower"),
        MASS_PROFILE_REL,
        &format!("{label} vs MASS"),
    );
    for (got, key) in [
        (fit.deviance, "deviance"),
        (fit.null_deviance, "null_deviance"),
        (fit.aic.unwrap(), "aic"),
        (fit.loglik, "loglik"),
    ] {
        assert_close(
            got,
            num(&block[key]).unwrap(),
            STAT_REL,
            &format!("{label} {key}"),
        );
    }
    assert_eq!(fit.df_residual as f64, num(&block["df_residual"]).unwrap());
    assert_eq!(fit.df_null as f64, num(&block["df_null"]).unwrap());
    let vcov = matrix(&block["vcov"]);
    for (i, row) in vcov.iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            assert_close(
                fit.vcov[i][j].unwrap(),
                v,
                STAT_REL,
                &format!("{label} vcov[{i}][{j}]"),
            );
        }
    }
    // Iteration count as R's with glm.control() defaults (same start, same rule).
    let dc = &block["default_control"];
    assert_eq!(
        fit.iterations as f64,
        num(&dc["iterations"]).unwrap(),
        "{label}: iterations"
    );
    // Likelihood-ratio test against the null model, derived from R's deviances.
    let lr = fit.lr_test.unwrap();
    let stat = num(&block["null_deviance"]).unwrap() - num(&block["deviance"]).unwrap();
    assert_close(lr.stat, stat, STAT_REL, &format!("{label} LR stat"));
    assert_eq!(lr.df, terms.len() - 1);
}

const INFERT_MODELS: [(&str, &[&str]); 4] = [
    ("multivariable", &["spontaneous", "induced", "education"]),
    ("univariate_spontaneous", &["spontaneous"]),
    ("univariate_induced", &["induced"]),
    ("univariate_education", &["education"]),
];

#[test]
fn infert_matches_glm_binomial() {
    let reference = reference("06_infert");
    let csv = Csv::read("06_infert", "data.csv");
    let y = csv.num("case");
    for (block, terms) in INFERT_MODELS {
        let cols = infert_columns(&csv, terms);
        let fit = fit_columns(&y, &cols, &LogisticOptions::default());
        check_infert_block(&fit, &reference["logistic"][block], block);
    }
}

#[test]
fn infert_lr_test_p_value() {
    // p of the model LR test = pchisq(null_dev - dev, df, lower = FALSE), R's anova(fit, test = "Chisq").
    let reference = reference("06_infert");
    let block = &reference["logistic"]["multivariable"];
    let csv = Csv::read("06_infert", "data.csv");
    let fit = fit_columns(
        &csv.num("case"),
        &infert_columns(&csv, INFERT_MODELS[0].1),
        &LogisticOptions::default(),
    );
    let lr = fit.lr_test.unwrap();
    // 4 df: the survival function is closed form, exp(-x/2) (1 + x/2).
    let x = num(&block["null_deviance"]).unwrap() - num(&block["deviance"]).unwrap();
    assert_close(lr.p, (-x / 2.0).exp() * (1.0 + x / 2.0), STAT_REL, "LR p");
}

#[test]
fn wald_only_skips_profiles_and_default_epsilon_still_matches_tight_values() {
    let reference = reference("06_infert");
    let block = &reference["logistic"]["multivariable"];
    let csv = Csv::read("06_infert", "data.csv");
    let cols = infert_columns(&csv, INFERT_MODELS[0].1);
    let opts = LogisticOptions {
        ci: CiMethod::Wald,
        ..Default::default()
    };
    let fit = fit_columns(&csv.num("case"), &cols, &opts);
    assert!(fit.terms.iter().all(|t| t.profile_ci_coef_lower.is_none()));
    // SEs equal the epsilon = 1e-14 values, not R's penultimate-weight ones
    // (which differ by ~1e-7 relative: the test must distinguish them).
    let se = field(&fit, |t| t.se);
    assert_all_close(&se, &nums(&block["se"]), CLOSED_FORM_REL, "se tight");
    let default_se = nums(&block["default_control"]["se"]);
    let rel = (se[0].unwrap() - default_se[0].unwrap()).abs() / default_se[0].unwrap();
    assert!(
        rel > COEF_REL,
        "R's default-control SE differs from the tight one: {rel}"
    );
}

#[test]
fn conf_level_changes_wald_and_profile_limits_consistently() {
    let csv = Csv::read("06_infert", "data.csv");
    let cols = infert_columns(&csv, &["spontaneous"]);
    let y = csv.num("case");
    let f95 = fit_columns(&y, &cols, &LogisticOptions::default());
    let f90 = fit_columns(
        &y,
        &cols,
        &LogisticOptions {
            conf_level: 0.90,
            ..Default::default()
        },
    );
    for (a, b) in f95.terms.iter().zip(&f90.terms) {
        assert!(b.profile_ci_coef_lower.unwrap() > a.profile_ci_coef_lower.unwrap());
        assert!(b.profile_ci_coef_upper.unwrap() < a.profile_ci_coef_upper.unwrap());
        let half90 = (b.wald_ci_coef_upper.unwrap() - b.wald_ci_coef_lower.unwrap()) / 2.0;
        assert_close(
            half90 / b.se.unwrap(),
            1.6448536269514722,
            CLOSED_FORM_REL,
            "qnorm(0.95)",
        );
    }
}

/// 2x2 table: a exposed cases, b exposed controls, c unexposed cases, d
/// unexposed controls. The ML fit of y ~ exposure is saturated, so the slope
/// is log(ad / bc), its SE sqrt(1/a + 1/b + 1/c + 1/d), the intercept
/// log(c / d) with SE sqrt(1/c + 1/d); the deviance is the G statistic's
/// complement: null deviance - deviance = 2 sum O ln(O/E).
#[test]
fn two_by_two_table_closed_form() {
    let (a, b, c, d) = (7usize, 3usize, 5usize, 11usize);
    let mut y = Vec::new();
    let mut x = Vec::new();
    for (count, yi, xi) in [(a, 1.0, 1.0), (b, 0.0, 1.0), (c, 1.0, 0.0), (d, 0.0, 0.0)] {
        for _ in 0..count {
            y.push(yi);
            x.push(xi);
        }
    }
    let fit = fit_columns(
        &y,
        &[("exposed".to_string(), x)],
        &LogisticOptions::default(),
    );
    let (af, bf, cf, df) = (a as f64, b as f64, c as f64, d as f64);
    let slope = &fit.terms[1];
    assert_close(
        slope.coef.unwrap(),
        (af * df / (bf * cf)).ln(),
        CLOSED_FORM_REL,
        "log OR",
    );
    assert_close(
        slope.odds_ratio.unwrap(),
        af * df / (bf * cf),
        CLOSED_FORM_REL,
        "OR",
    );
    let se = (1.0 / af + 1.0 / bf + 1.0 / cf + 1.0 / df).sqrt();
    assert_close(slope.se.unwrap(), se, CLOSED_FORM_REL, "SE log OR");
    assert_close(
        fit.terms[0].coef.unwrap(),
        (cf / df).ln(),
        CLOSED_FORM_REL,
        "intercept",
    );
    assert_close(
        fit.terms[0].se.unwrap(),
        (1.0 / cf + 1.0 / df).sqrt(),
        CLOSED_FORM_REL,
        "SE intercept",
    );
    // G statistic of the table.
    let n = af + bf + cf + df;
    let obs = [af, bf, cf, df];
    let exp = [
        (af + bf) * (af + cf) / n,
        (af + bf) * (bf + df) / n,
        (cf + df) * (af + cf) / n,
        (cf + df) * (bf + df) / n,
    ];
    let g: f64 = obs
        .iter()
        .zip(&exp)
        .map(|(o, e)| 2.0 * o * (o / e).ln())
        .sum();
    assert_close(fit.lr_test.unwrap().stat, g, CLOSED_FORM_REL, "G statistic");
    // Profile limits: the LR statistic at the limits equals qchisq(0.95, 1),
    // and the profile interval is asymmetric around the estimate unlike Wald.
    let lo = slope.profile_ci_coef_lower.unwrap();
    let hi = slope.profile_ci_coef_upper.unwrap();
    assert!(lo < slope.coef.unwrap() && slope.coef.unwrap() < hi);
    assert!(((hi - slope.coef.unwrap()) - (slope.coef.unwrap() - lo)).abs() > 1e-3);
}

/// Binomial (grouped) data give the same coefficients as the 0/1 rows they
/// summarise; R's deviance differs (saturated model per group), the
/// deviance difference to the null model does not.
#[test]
fn grouped_trials_match_individual_rows() {
    let (a, b, c, d) = (7.0, 3.0, 5.0, 11.0);
    let y = [a, c];
    let trials = [a + b, c + d];
    let cols = vec![vec![1.0, 0.0]];
    let names = vec!["exposed".to_string()];
    let input = LogisticInput {
        y: &y,
        trials: Some(&trials),
        columns: &cols,
        term_names: &names,
    };
    let g = logistic::fit(&input, &LogisticOptions::default()).unwrap();
    assert_close(
        g.terms[1].coef.unwrap(),
        (a * d / (b * c)).ln(),
        CLOSED_FORM_REL,
        "grouped log OR",
    );
    assert_close(
        g.deviance,
        0.0,
        CLOSED_FORM_REL,
        "saturated grouped model has deviance 0",
    );
    assert_eq!(g.n_events, 12);
    assert_eq!(g.n_trials, 26);
    // logLik includes log choose(m, y): -2 logLik + 2 * 2.
    let lchoose = |n: f64, k: f64| -> f64 {
        (1..=k as u32)
            .map(|i| ((n - k + i as f64) / i as f64).ln())
            .sum()
    };
    let ll = a * (a / (a + b)).ln()
        + b * (b / (a + b)).ln()
        + c * (c / (c + d)).ln()
        + d * (d / (c + d)).ln()
        + lchoose(a + b, a)
        + lchoose(c + d, c);
    assert_close(g.loglik, ll, CLOSED_FORM_REL, "grouped logLik");
    assert_close(
        g.aic.unwrap(),
        -2.0 * ll + 4.0,
        CLOSED_FORM_REL,
        "grouped AIC",
    );
}

fn permutation(n: usize, seed: u64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    let mut s = seed;
    for i in (1..n).rev() {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = ((s >> 33) % (i as u64 + 1)) as usize;
        idx.swap(i, j);
    }
    idx
}

#[test]
fn shuffled_rows_and_swapped_outcome_coding() {
    let csv = Csv::read("06_infert", "data.csv");
    let y = csv.num("case");
    let cols = infert_columns(&csv, INFERT_MODELS[0].1);
    let base = fit_columns(&y, &cols, &LogisticOptions::default());

    let perm = permutation(y.len(), 42);
    let ys: Vec<f64> = perm.iter().map(|&i| y[i]).collect();
    let cs: Vec<(String, Vec<f64>)> = cols
        .iter()
        .map(|(n, c)| (n.clone(), perm.iter().map(|&i| c[i]).collect()))
        .collect();
    let shuffled = fit_columns(&ys, &cs, &LogisticOptions::default());
    for (a, b) in base.terms.iter().zip(&shuffled.terms) {
        assert_close(
            b.coef.unwrap(),
            a.coef.unwrap(),
            CLOSED_FORM_REL,
            "shuffled coef",
        );
        assert_close(b.se.unwrap(), a.se.unwrap(), CLOSED_FORM_REL, "shuffled se");
        assert_close(
            b.profile_ci_coef_upper.unwrap(),
            a.profile_ci_coef_upper.unwrap(),
            CLOSED_FORM_REL,
            "shuffled profile",
        );
    }
    assert_close(
        shuffled.deviance,
        base.deviance,
        CLOSED_FORM_REL,
        "shuffled deviance",
    );

    let flipped_y: Vec<f64> = y.iter().map(|v| 1.0 - v).collect();
    let flipped = fit_columns(&flipped_y, &cols, &LogisticOptions::default());
    for (a, b) in base.terms.iter().zip(&flipped.terms) {
        assert_close(
            b.coef.unwrap(),
            -a.coef.unwrap(),
            CLOSED_FORM_REL,
            "flipped coef",
        );
        assert_close(b.se.unwrap(), a.se.unwrap(), CLOSED_FORM_REL, "flipped se");
        assert_close(
            b.odds_ratio.unwrap(),
            1.0 / a.odds_ratio.unwrap(),
            CLOSED_FORM_REL,
            "flipped OR",
        );
        assert_close(
            b.profile_ci_coef_lower.unwrap(),
            -a.profile_ci_coef_upper.unwrap(),
            CLOSED_FORM_REL,
            "flipped profile",
        );
        assert_close(b.p.unwrap(), a.p.unwrap(), CLOSED_FORM_REL, "flipped p");
    }
    assert_close(
        flipped.deviance,
        base.deviance,
        CLOSED_FORM_REL,
        "flipped deviance",
    );
}

#[test]
fn rescaling_a_covariate_rescales_its_coefficient() {
    let csv = Csv::read("06_infert", "data.csv");
    let y = csv.num("case");
    let age = csv.num("age");
    let base = fit_columns(
        &y,
        &[("age".into(), age.clone())],
        &LogisticOptions::default(),
    );
    let months: Vec<f64> = age.iter().map(|a| a * 12.0).collect();
    let scaled = fit_columns(
        &y,
        &[("age_months".into(), months)],
        &LogisticOptions::default(),
    );
    assert_close(
        scaled.terms[1].coef.unwrap() * 12.0,
        base.terms[1].coef.unwrap(),
        CLOSED_FORM_REL,
        "coef",
    );
    assert_close(
        scaled.terms[1].p.unwrap(),
        base.terms[1].p.unwrap(),
        CLOSED_FORM_REL,
        "p",
    );
    assert_close(
        scaled.terms[1].profile_ci_coef_upper.unwrap() * 12.0,
        base.terms[1].profile_ci_coef_upper.unwrap(),
        CLOSED_FORM_REL,
        "profile",
    );
}

#[test]
fn covariates_on_large_scales_give_the_same_inference() {
    // Age as a Unix-like timestamp in seconds (offset 1.7e9, 3.16e7 per year)
    // next to a 0/1 column: wildly different column scales must not make a
    // column look aliased, and the slope's z and p are location/scale free.
    let csv = Csv::read("06_infert", "data.csv");
    let y = csv.num("case");
    let age = csv.num("age");
    let induced = csv.num("induced");
    let base = fit_columns(
        &y,
        &[
            ("age".into(), age.clone()),
            ("induced".into(), induced.clone()),
        ],
        &LogisticOptions::default(),
    );
    let stamp: Vec<f64> = age.iter().map(|a| 1.7e9 + a * 3.156e7).collect();
    let big = fit_columns(
        &y,
        &[("age".into(), stamp), ("induced".into(), induced)],
        &LogisticOptions::default(),
    );
    assert!(big.warnings.is_empty(), "{:?}", big.warnings);
    assert_close(
        big.terms[1].coef.unwrap() * 3.156e7,
        base.terms[1].coef.unwrap(),
        COEF_REL,
        "slope",
    );
    assert_close(
        big.terms[1].z.unwrap(),
        base.terms[1].z.unwrap(),
        STAT_REL,
        "z",
    );
    assert_close(
        big.terms[2].coef.unwrap(),
        base.terms[2].coef.unwrap(),
        COEF_REL,
        "other term",
    );
    assert_close(big.deviance, base.deviance, CLOSED_FORM_REL, "deviance");
    assert_close(
        big.terms[1].profile_ci_coef_upper.unwrap() * 3.156e7,
        base.terms[1].profile_ci_coef_upper.unwrap(),
        STAT_REL,
        "profile",
    );
}

// ---------- separation (07_separation ML blocks: artefacts, test the warning) ----------

fn separation_fit(file: &str, y: &str, terms: &[&str]) -> LogisticFit {
    let csv = Csv::read("07_separation", file);
    let cols: Vec<(String, Vec<f64>)> = terms.iter().map(|t| (t.to_string(), csv.num(t))).collect();
    fit_columns(&csv.num(y), &cols, &LogisticOptions::default())
}

#[test]
fn endometrial_quasi_separation_is_reported_on_nv() {
    let reference = reference("07_separation");
    let block = &reference["logistic"]["endometrial_ml"];
    assert!(block["note"].as_str().unwrap().contains("artefacts"));
    let fit = separation_fit("data.csv", "HG", &["NV", "PI", "EH"]);
    let sep = fit
        .separation
        .as_ref()
        .expect("separation must be reported");
    assert_eq!(sep.kind, SeparationKind::QuasiComplete);
    assert_eq!(sep.terms, vec!["NV".to_string()]);
    assert!(
        fit.warnings.contains(&KernelWarning::Separation {
            kind: SeparationKind::QuasiComplete,
            terms: vec!["NV".into()]
        }),
        "{:?}",
        fit.warnings
    );
    // Like R (17 iterations, converged), the NV estimate is huge; it is shown only with the warning.
    assert!(fit.terms[1].coef.unwrap() > 10.0);
    // The finite coefficients agree with R's (they converge; NV's does not).
    let r = nums(&block["coef"]);
    assert_close(fit.terms[2].coef.unwrap(), r[2].unwrap(), STAT_REL, "PI");
    assert_close(fit.terms[3].coef.unwrap(), r[3].unwrap(), STAT_REL, "EH");
    assert!(fit.terms.iter().all(|t| t.profile_ci_coef_lower.is_none()));
}

#[test]
fn constructed_complete_separation_is_reported_on_x() {
    let reference = reference("07_separation");
    let block = &reference["logistic"]["constructed_y_complete_ml"];
    let fit = separation_fit("data_constructed.csv", "y_complete", &["x"]);
    let sep = fit.separation.as_ref().expect("separation");
    assert_eq!(sep.kind, SeparationKind::Complete);
    assert_eq!(sep.terms, vec!["x".to_string()]);
    // R does not converge in 25 iterations either.
    assert_eq!(block["converged"], Value::Bool(false));
    assert!(!fit.converged);
    assert_eq!(fit.iterations, 25);
    assert!(fit.warnings.contains(&KernelWarning::Separation {
        kind: SeparationKind::Complete,
        terms: vec!["x".into()]
    }));
}

#[test]
fn constructed_quasi_separation_is_reported_on_x() {
    let fit = separation_fit("data_constructed.csv", "y_quasi", &["x"]);
    let sep = fit.separation.as_ref().expect("separation");
    assert_eq!(sep.kind, SeparationKind::QuasiComplete);
    assert_eq!(sep.terms, vec!["x".to_string()]);
    assert!(fit.warnings.contains(&KernelWarning::Separation {
        kind: SeparationKind::QuasiComplete,
        terms: vec!["x".into()]
    }));
}

/// R's `tighter_control` refits (epsilon 1e-14, maxit 100) run the separated
/// coefficients much further (fitted probabilities exactly 0/1, information
/// numerically singular); the separation must still be reported.
#[test]
fn separation_is_reported_under_tight_control_too() {
    let reference = reference("07_separation");
    let tight = LogisticOptions {
        epsilon: 1e-14,
        max_iter: 100,
        ..Default::default()
    };
    for (block, file, y, terms, term) in [
        (
            "endometrial_ml",
            "data.csv",
            "HG",
            &["NV", "PI", "EH"][..],
            "NV",
        ),
        (
            "constructed_y_complete_ml",
            "data_constructed.csv",
            "y_complete",
            &["x"][..],
            "x",
        ),
        (
            "constructed_y_quasi_ml",
            "data_constructed.csv",
            "y_quasi",
            &["x"][..],
            "x",
        ),
    ] {
        assert!(reference["logistic"][block]["tighter_control"]["call"]
            .as_str()
            .unwrap()
            .contains("1e-14"));
        let csv = Csv::read("07_separation", file);
        let cols: Vec<(String, Vec<f64>)> =
            terms.iter().map(|t| (t.to_string(), csv.num(t))).collect();
        let fit = fit_columns(&csv.num(y), &cols, &tight);
        let sep = fit
            .separation
            .as_ref()
            .unwrap_or_else(|| panic!("{block}: {:?}", fit.warnings));
        assert_eq!(sep.terms, vec![term.to_string()], "{block}");
    }
}

#[test]
fn no_separation_warning_for_overlapping_data() {
    // As y_quasi but with an overlap at x = 5 and 8: the MLE exists.
    let x = vec![1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 6.0, 7.0, 8.0, 8.0, 9.0, 10.0];
    let y = vec![0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0];
    let fit = fit_columns(&y, &[("x".into(), x)], &LogisticOptions::default());
    assert!(fit.separation.is_none());
    assert!(fit.warnings.is_empty(), "{:?}", fit.warnings);
    assert!(fit.terms[1].profile_ci_coef_upper.is_some());
}

#[test]
fn a_small_separated_dummy_among_other_terms_is_named() {
    // 'treated' has 4 patients, all with the event: quasi-complete separation on that dummy only.
    let csv = Csv::read("06_infert", "data.csv");
    let mut y = csv.num("case");
    let spont = csv.num("spontaneous");
    let mut treated = vec![0.0; y.len()];
    for i in [3usize, 50, 100, 200] {
        treated[i] = 1.0;
        y[i] = 1.0;
    }
    let fit = fit_columns(
        &y,
        &[("spontaneous".into(), spont), ("treated".into(), treated)],
        &LogisticOptions::default(),
    );
    let sep = fit.separation.as_ref().expect("separation");
    assert_eq!(sep.terms, vec!["treated".to_string()]);
    assert_eq!(sep.kind, SeparationKind::QuasiComplete);
}

// ---------- collinearity and bad input ----------

#[test]
fn constant_and_collinear_columns_are_named_and_dropped() {
    let csv = Csv::read("06_infert", "data.csv");
    let y = csv.num("case");
    let spont = csv.num("spontaneous");
    let induced = csv.num("induced");
    let total: Vec<f64> = spont.iter().zip(&induced).map(|(a, b)| a + b).collect();
    let constant = vec![2.0; y.len()];
    let fit = fit_columns(
        &y,
        &[
            ("spontaneous".into(), spont.clone()),
            ("site".into(), constant),
            ("induced".into(), induced.clone()),
            ("abortions".into(), total),
        ],
        &LogisticOptions::default(),
    );
    let names: Vec<&str> = fit.terms.iter().map(|t| t.term.as_str()).collect();
    assert_eq!(
        names,
        ["(Intercept)", "spontaneous", "site", "induced", "abortions"]
    );
    assert!(fit.terms[2].aliased && fit.terms[2].coef.is_none() && fit.terms[2].se.is_none());
    assert!(fit.terms[4].aliased && fit.terms[4].coef.is_none());
    assert!(fit.vcov[2].iter().all(Option::is_none));
    assert_eq!(fit.rank, 3);
    assert_eq!(
        fit.warnings,
        [
            KernelWarning::AliasedTerm {
                term: "site".into(),
                reason: AliasReason::Constant { value: 2.0 }
            },
            KernelWarning::AliasedTerm {
                term: "abortions".into(),
                reason: AliasReason::LinearCombination {
                    of: vec!["spontaneous".into(), "induced".into()]
                }
            },
        ]
    );
    // The estimable terms equal the fit without the aliased columns (R's NA behaviour).
    let plain = fit_columns(
        &y,
        &[("spontaneous".into(), spont), ("induced".into(), induced)],
        &LogisticOptions::default(),
    );
    assert_close(
        fit.terms[3].coef.unwrap(),
        plain.terms[2].coef.unwrap(),
        CLOSED_FORM_REL,
        "induced",
    );
    assert_close(
        fit.aic.unwrap(),
        plain.aic.unwrap(),
        CLOSED_FORM_REL,
        "aic uses the rank",
    );
    assert_eq!(fit.df_residual, plain.df_residual);
}

#[test]
fn invalid_input_gives_clear_errors() {
    let names = vec!["x".to_string()];
    let opts = LogisticOptions::default();
    let x = vec![vec![1.0, 2.0, 3.0]];
    let run = |y: &[f64], cols: &[Vec<f64>]| {
        logistic::fit(
            &LogisticInput {
                y,
                trials: None,
                columns: cols,
                term_names: &names,
            },
            &opts,
        )
    };
    assert_eq!(
        run(&[0.0, 0.0, 0.0], &x).unwrap_err(),
        LogisticError::NoEvents
    );
    assert_eq!(
        run(&[1.0, 1.0, 1.0], &x).unwrap_err(),
        LogisticError::AllEvents
    );
    assert!(matches!(
        run(&[0.0, 2.0, 1.0], &x).unwrap_err(),
        LogisticError::InvalidOutcome { row: 2, .. }
    ));
    assert!(matches!(
        run(&[0.0, f64::NAN, 1.0], &x).unwrap_err(),
        LogisticError::NonFinite { row: 2, .. }
    ));
    assert!(matches!(
        run(&[0.0, 1.0, 1.0], &[vec![1.0, f64::INFINITY, 0.0]]).unwrap_err(),
        LogisticError::NonFinite { row: 2, .. }
    ));
    assert!(matches!(
        run(&[0.0, 1.0], &x).unwrap_err(),
        LogisticError::LengthMismatch { .. }
    ));
    assert_eq!(run(&[], &[vec![]]).unwrap_err(), LogisticError::NoRows);
    let msg = run(&[0.0, 0.0, 0.0], &x).unwrap_err().to_string();
    assert!(msg.contains("No row has the event"), "{msg}");
    let bad = LogisticOptions {
        conf_level: 1.0,
        ..Default::default()
    };
    let e = logistic::fit(
        &LogisticInput {
            y: &[0.0, 1.0, 1.0],
            trials: None,
            columns: &x,
            term_names: &names,
        },
        &bad,
    );
    assert!(matches!(
        e.unwrap_err(),
        LogisticError::InvalidOption {
            option: "conf_level",
            ..
        }
    ));
}

#[test]
fn intercept_only_and_no_intercept_models() {
    // Intercept only: coef = logit(mean y), no LR test.
    let y = [1.0, 0.0, 0.0, 1.0, 1.0];
    let fit = logistic::fit(
        &LogisticInput {
            y: &y,
            trials: None,
            columns: &[],
            term_names: &[],
        },
        &LogisticOptions::default(),
    )
    .unwrap();
    assert_close(
        fit.terms[0].coef.unwrap(),
        (3.0f64 / 2.0).ln(),
        CLOSED_FORM_REL,
        "logit",
    );
    assert!(fit.lr_test.is_none());
    assert_close(fit.deviance, fit.null_deviance, CLOSED_FORM_REL, "null");
    // Without intercept: null model is mu = 1/2, df_null = n.
    let cols = vec![vec![1.0, 1.0, 1.0, 1.0, 1.0]];
    let names = vec!["one".to_string()];
    let opts = LogisticOptions {
        intercept: false,
        ..Default::default()
    };
    let fit = logistic::fit(
        &LogisticInput {
            y: &y,
            trials: None,
            columns: &cols,
            term_names: &names,
        },
        &opts,
    )
    .unwrap();
    assert_eq!(fit.df_null, 5);
    assert_close(
        fit.null_deviance,
        10.0 * 2f64.ln(),
        CLOSED_FORM_REL,
        "null deviance at 1/2",
    );
    assert_eq!(fit.lr_test.unwrap().df, 1);
}

/// Small random designs with degenerate features (tiny n, duplicated or
/// constant columns, huge and tiny scales, separable outcomes): every fit
/// returns a result or an error, never panics, and reports no NaN.
#[test]
fn degenerate_random_designs_never_panic() {
    let mut s = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        (s.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11) as f64 / (1u64 << 53) as f64
    };
    for case in 0..300 {
        let n = 2 + (next() * 12.0) as usize;
        let p = 1 + (next() * 4.0) as usize;
        let mut cols: Vec<Vec<f64>> = Vec::new();
        for j in 0..p {
            let kind = (next() * 6.0) as usize;
            let col: Vec<f64> = match kind {
                0 => vec![3.0; n],
                1 if j > 0 => cols[0].clone(),
                2 => (0..n).map(|_| (next() * 2.0).floor()).collect(),
                3 => (0..n).map(|_| next() * 1e9).collect(),
                4 => (0..n).map(|_| next() * 1e-9).collect(),
                _ => (0..n).map(|_| next() - 0.5).collect(),
            };
            cols.push(col);
        }
        let separable = next() < 0.3;
        let y: Vec<f64> = (0..n)
            .map(|i| {
                if separable {
                    (cols[0][i] > cols[0][0]) as u8 as f64
                } else {
                    (next() < 0.5) as u8 as f64
                }
            })
            .collect();
        let names: Vec<String> = (0..p).map(|j| format!("v{j}")).collect();
        for method in [
            logistic::LogisticMethod::Ml,
            logistic::LogisticMethod::Firth,
        ] {
            let options = LogisticOptions {
                method,
                ..Default::default()
            };
            let input = LogisticInput {
                y: &y,
                trials: None,
                columns: &cols,
                term_names: &names,
            };
            if let Ok(fit) = logistic::fit(&input, &options) {
                for t in &fit.terms {
                    for v in [
                        t.coef,
                        t.se,
                        t.p,
                        t.profile_ci_coef_lower,
                        t.profile_ci_coef_upper,
                    ]
                    .into_iter()
                    .flatten()
                    {
                        assert!(!v.is_nan(), "case {case} {method:?}: NaN in {}", t.term);
                    }
                }
                assert!(!fit.deviance.is_nan(), "case {case}");
                // An odds ratio of e^30 across a column's range in <= 14 rows
                // only arises from separation: it must come with a warning.
                for (t, col) in fit.terms.iter().skip(1).zip(&cols) {
                    let range = col.iter().cloned().fold(f64::MIN, f64::max)
                        - col.iter().cloned().fold(f64::MAX, f64::min);
                    if let Some(b) = t.coef {
                        assert!(
                            (b * range).abs() < 30.0 || !fit.warnings.is_empty(),
                            "case {case} {method:?}: silent huge effect for {}",
                            t.term
                        );
                    }
                }
            }
        }
    }
}
