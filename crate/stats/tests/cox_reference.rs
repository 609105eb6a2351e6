//! Cox fits against R 4.2.2 / survival 3.5-3 (tests/reference/*/reference.json,
//! section `cox`; each block's `call` names the R call), plus the
//! Therneau–Grambsch closed-form data set and invariants.

mod cox_fixtures;
mod support;

use cox_fixtures::*;
use serde_json::Value;
use support::*;
use survcalc_stats::cox::{fit, fit_hazard_ratios, CoxData, CoxFit, CoxOptions, Ties};

fn options(ties: &str, robust: bool) -> CoxOptions {
    CoxOptions {
        ties: if ties == "breslow" {
            Ties::Breslow
        } else {
            Ties::Efron
        },
        robust,
        ..CoxOptions::default()
    }
}

fn block_options(r: &Value) -> CoxOptions {
    options(r["ties"].as_str().unwrap(), r.get("robust").is_some())
}

// ---------------------------------------------------------------- 02_lung

fn lung_data() -> CoxData {
    let csv = Csv::read("02_lung", "data.csv");
    let covs = ["age", "sex", "ph.ecog"];
    let rows = csv.complete(&["time", "event", "age", "sex", "ph.ecog"]);
    right_censored(&csv, &rows, "time", "event", &covs)
}

#[test]
fn lung_all_cox_blocks() {
    // coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung, ties, robust)
    let r = reference("02_lung");
    let data = lung_data();
    let csv = Csv::read("02_lung", "data.csv");
    for (id, block) in r["cox"].as_object().unwrap() {
        let dropped = csv.rows.len() - data.n();
        assert_eq!(
            dropped as f64,
            num(&block["n_dropped_missing"]).unwrap(),
            "{id}: dropped rows"
        );
        let f = fit(&data, &block_options(block)).unwrap();
        check_fit(&f, block, &Check::default());
        assert!(f.warnings.is_empty(), "{id}: {:?}", f.warnings);
    }
}

#[test]
fn lung_tight_convergence_agrees() {
    // convergence_check: update(fit, control = coxph.control(eps = 1e-13,
    // iter.max = 100, toler.chol = 1e-15)).
    let r = reference("02_lung");
    let data = lung_data();
    for id in ["efron", "breslow"] {
        let cc = &r["cox"][id]["convergence_check"];
        let opt = CoxOptions {
            eps: 1e-13,
            max_iter: 100,
            toler_chol: 1e-15,
            ..options(id, false)
        };
        let f = fit(&data, &opt).unwrap();
        assert_all_close(
            &f.coef,
            &nums(&cc["coef_tight"]),
            COEF_REL,
            &format!("{id} coef_tight"),
        );
        assert_all_close(
            &f.se,
            &nums(&cc["se_tight"]),
            STAT_REL,
            &format!("{id} se_tight"),
        );
        assert_close(
            f.loglik_final,
            num(&cc["loglik_final_tight"]).unwrap(),
            CLOSED_FORM_REL,
            "loglik tight",
        );
        assert_eq!(
            f.iterations as f64,
            num(&cc["iterations_tight"]).unwrap(),
            "{id} iterations_tight"
        );
    }
}

// ---------------------------------------------------------------- 03_veteran

fn veteran_data() -> CoxData {
    let csv = Csv::read("03_veteran", "data.csv");
    let rows: Vec<usize> = (0..csv.rows.len()).collect();
    let (cell, cell_names) = dummies(
        &csv.text("celltype"),
        &["squamous", "smallcell", "adeno", "large"],
        "celltype",
    );
    let mut covariates = vec![csv.col("trt", &rows)];
    covariates.extend(cell);
    for c in ["karno", "diagtime", "age", "prior"] {
        covariates.push(csv.col(c, &rows));
    }
    let mut term_names = vec!["trt".to_string()];
    term_names.extend(cell_names);
    term_names.extend(["karno", "diagtime", "age", "prior"].map(String::from));
    CoxData::right_censored(
        csv.col("time", &rows),
        csv.col("status", &rows).iter().map(|&s| s == 1.0).collect(),
        covariates,
        term_names,
    )
}

#[test]
fn veteran_full_model_efron_and_breslow() {
    // coxph(Surv(time, status) ~ trt + celltype + karno + diagtime + age + prior, data = veteran[, ties = 'breslow'])
    let r = reference("03_veteran");
    let data = veteran_data();
    for id in ["efron", "breslow"] {
        let block = &r["cox"][id];
        let f = fit(&data, &block_options(block)).unwrap();
        check_fit(&f, block, &Check::default());
        let cc = &block["convergence_check"];
        assert_all_close(
            &f.coef,
            &nums(&cc["coef_tight"]),
            1e-7,
            &format!("{id} coef vs coef_tight"),
        );
    }
}

#[test]
fn hazard_ratios_alone_match_r_and_the_full_fit() {
    // The Kaplan–Meier figure's hazard ratios come from fit_hazard_ratios
    // (the fit without concordance and robust variance): R's coefficients,
    // hazard ratios and Wald inference, and the full fit's numbers and
    // warnings to the last bit (the same code up to the concordance).
    let r = reference("03_veteran");
    let data = veteran_data();
    for id in ["efron", "breslow"] {
        let block = &r["cox"][id];
        let call = block["call"].as_str().unwrap();
        let options = block_options(block);
        let f = fit_hazard_ratios(&data, &options).unwrap();
        assert_all_close(
            &f.coef,
            &nums(&block["coef"]),
            COEF_REL,
            &format!("{call}: coef"),
        );
        assert_all_close(&f.hr, &nums(&block["hr"]), COEF_REL, &format!("{call}: hr"));
        assert_all_close(&f.se, &nums(&block["se"]), STAT_REL, &format!("{call}: se"));
        assert_all_close(&f.p, &nums(&block["p"]), STAT_REL, &format!("{call}: p"));
        assert_all_close(
            &f.hr_lower,
            &nums(&block["hr_lower95"]),
            STAT_REL,
            &format!("{call}: hr_lower95"),
        );
        assert_all_close(
            &f.hr_upper,
            &nums(&block["hr_upper95"]),
            STAT_REL,
            &format!("{call}: hr_upper95"),
        );
        assert!(
            f.concordance.is_none() && f.robust.is_none(),
            "{call}: nothing beyond the hazard ratios"
        );
        let full = fit(&data, &options).unwrap();
        assert_eq!(
            (&f.coef, &f.se, &f.p, &f.hr_lower, &f.hr_upper),
            (
                &full.coef,
                &full.se,
                &full.p,
                &full.hr_lower,
                &full.hr_upper
            ),
            "{call}"
        );
        assert_eq!(f.warnings, full.warnings, "{call}: warnings");
    }
}

// ---------------------------------------------------------------- 04_ovarian

fn ovarian_data(strata: bool) -> CoxData {
    let csv = Csv::read("04_ovarian", "data.csv");
    let rows: Vec<usize> = (0..csv.rows.len()).collect();
    let mut d = right_censored(&csv, &rows, "futime", "fustat", &["rx", "age"]);
    if strata {
        d.strata = Some(
            csv.col("resid.ds", &rows)
                .iter()
                .map(|&v| v as u32)
                .collect(),
        );
    }
    d
}

#[test]
fn ovarian_all_cox_blocks() {
    // coxph(Surv(futime, fustat) ~ rx + age [+ strata(resid.ds)], data = ovarian[, ties = 'breslow'])
    let r = reference("04_ovarian");
    for (id, block) in r["cox"].as_object().unwrap() {
        let data = ovarian_data(id.starts_with("strata"));
        let f = fit(&data, &block_options(block)).unwrap();
        check_fit(&f, block, &Check::default());
    }
}

// ---------------------------------------------------------------- 05_heart

pub fn heart_data() -> CoxData {
    let csv = Csv::read("05_heart", "data.csv");
    let rows: Vec<usize> = (0..csv.rows.len()).collect();
    let covs = ["age", "year", "surgery", "transplant"];
    let mut d = CoxData::counting_process(
        csv.col("start", &rows),
        csv.col("stop", &rows),
        csv.col("event", &rows).iter().map(|&e| e == 1.0).collect(),
        covs.iter().map(|c| csv.col(c, &rows)).collect(),
        vec![
            "age".into(),
            "year".into(),
            "surgery".into(),
            "transplant1".into(),
        ],
    );
    d.cluster = Some(csv.col("id", &rows).iter().map(|&v| v as u64).collect());
    d
}

#[test]
fn heart_all_cox_blocks() {
    // coxph(Surv(start, stop, event) ~ age + year + surgery + transplant, data = heart[, cluster = id][, ties = 'breslow'])
    let r = reference("05_heart");
    for (id, block) in r["cox"].as_object().unwrap() {
        let mut data = heart_data();
        if !id.ends_with("cluster_id") {
            data.cluster = None;
        }
        let f = fit(&data, &block_options(block)).unwrap();
        check_fit(&f, block, &Check::default());
        if let Some(rb) = &f.robust {
            assert_eq!(rb.n_clusters, 103);
        }
    }
}

// ---------------------------------------------------------------- closed form

/// Therneau & Grambsch (2000), appendix E data set 1 (survival's
/// tests/book1.R and book2.R): times 1, 1, 6, 6, 8, 9; x = 1, 1, 1, 0, 0, 0;
/// status 1, 0, 1, 1, 0, 1 (the row with a missing status is dropped). With
/// r = exp(beta), Breslow: loglik = 2 beta - log(3r + 3) - 2 log(r + 3),
/// U = (6 + 3r - r^2) / ((r + 1)(r + 3)), so beta-hat = log((3 + sqrt 33)/2);
/// Efron: loglik = 2 beta - log(3r + 3) - log((r + 5)/2) - log(r + 3),
/// U = (30 + 23r - r^3) / ((r + 1)(r + 3)(r + 5)), a cubic whose root gives
/// beta-hat = log(2 sqrt(23/3) cos(acos((45/23) sqrt(3/23)) / 3)) = 1.676857...
fn book_data() -> CoxData {
    CoxData::right_censored(
        vec![9.0, 1.0, 1.0, 6.0, 6.0, 8.0],
        vec![true, true, false, true, true, false],
        vec![vec![0.0, 1.0, 1.0, 1.0, 0.0, 0.0]],
        vec!["x".into()],
    )
}

fn tight() -> CoxOptions {
    CoxOptions {
        eps: 1e-14,
        max_iter: 100,
        ..CoxOptions::default()
    }
}

#[test]
fn book_breslow_closed_form() {
    let f = fit(
        &book_data(),
        &CoxOptions {
            ties: Ties::Breslow,
            ..tight()
        },
    )
    .unwrap();
    let beta = ((3.0 + 33f64.sqrt()) / 2.0).ln();
    assert_close(f.coef[0].unwrap(), beta, CLOSED_FORM_REL, "Breslow beta");
    let r = beta.exp();
    let loglik = |b: f64, r: f64| 2.0 * b - (3.0 * r + 3.0).ln() - 2.0 * (r + 3.0).ln();
    let imat = |r: f64| r / (r + 1.0).powi(2) + 6.0 * r / (r + 3.0).powi(2);
    assert_close(f.loglik_final, loglik(beta, r), CLOSED_FORM_REL, "loglik");
    assert_close(
        f.loglik_null,
        loglik(0.0, 1.0),
        CLOSED_FORM_REL,
        "loglik at 0",
    );
    assert_close(f.var[0][0], 1.0 / imat(r), CLOSED_FORM_REL, "variance");
    // Score test at 0: U(0)^2 / I(0) = 1 / (5/8).
    assert_close(f.score_test.stat, 1.6, CLOSED_FORM_REL, "score test");
    // One Newton step from 0 gives U(0) / I(0) = 8/5 (book1.R: iter = 1).
    let one = fit(
        &book_data(),
        &CoxOptions {
            ties: Ties::Breslow,
            max_iter: 1,
            ..CoxOptions::default()
        },
    )
    .unwrap();
    assert_close(one.coef[0].unwrap(), 1.6, CLOSED_FORM_REL, "one step");
}

#[test]
fn book_efron_closed_form() {
    let f = fit(&book_data(), &tight()).unwrap();
    let beta =
        (2.0 * (23f64 / 3.0).sqrt() * (((45.0 / 23.0) * (3f64 / 23.0).sqrt()).acos() / 3.0).cos())
            .ln();
    assert_close(f.coef[0].unwrap(), beta, CLOSED_FORM_REL, "Efron beta");
    assert!((beta - 1.676857).abs() < 5e-7);
    let r = beta.exp();
    let loglik = 2.0 * beta - (3.0 * r + 3.0).ln() - ((r + 5.0) / 2.0).ln() - (r + 3.0).ln();
    let t = |x: f64| x - x * x;
    let imat = t(r / (r + 1.0)) + t(r / (r + 5.0)) + t(r / (r + 3.0));
    assert_close(f.loglik_final, loglik, CLOSED_FORM_REL, "loglik");
    assert_close(f.var[0][0], 1.0 / imat, CLOSED_FORM_REL, "variance");
    // U(0) = 52 / 48, I(0) = 1/4 + 5/36 + 3/16.
    let score = (52.0f64 / 48.0).powi(2) / (0.25 + 5.0 / 36.0 + 3.0 / 16.0);
    assert_close(f.score_test.stat, score, CLOSED_FORM_REL, "score test");
}

#[test]
fn book_robust_variance_from_closed_form_score_residuals() {
    // Robust variance = sum_i (score_i * V)^2 with the book's score
    // residuals (book1.R `byhand1()$score`, Breslow; rows in time order).
    let f = fit(
        &book_data(),
        &CoxOptions {
            ties: Ties::Breslow,
            robust: true,
            ..tight()
        },
    )
    .unwrap();
    let beta = ((3.0 + 33f64.sqrt()) / 2.0).ln();
    let r = beta.exp();
    let a = 3.0 * (r + 1.0).powi(2);
    let b = (r + 3.0).powi(2);
    let score = [
        (2.0 * r + 3.0) / a,
        -r / a,
        -r / a + 3.0 * (3.0 - r) / b,
        r / a - r * (r + 1.0) / b,
        r / a + 2.0 * r / b,
        r / a + 2.0 * r / b,
    ];
    let v = 1.0 / (r / (r + 1.0).powi(2) + 6.0 * r / (r + 3.0).powi(2));
    let expected: f64 = score.iter().map(|s| (s * v).powi(2)).sum();
    let rb = f.robust.unwrap();
    assert_close(rb.var[0][0], expected, 1e-9, "robust variance");
    // Robust score test at 0: score residuals at beta = 0 (book1.R fit0):
    // 5/24, 5/12, -1/12, 7/24, -1/24, 5/24 sum to U(0) = 1.
    let s0 = [
        5.0 / 24.0,
        5.0 / 12.0,
        -1.0 / 12.0,
        7.0 / 24.0,
        -1.0 / 24.0,
        5.0 / 24.0,
    ];
    let ss: f64 = s0.iter().map(|s| s * s).sum();
    assert_close(
        rb.robust_score_test.stat,
        1.0 / ss,
        CLOSED_FORM_REL,
        "robust score test",
    );
}

// ---------------------------------------------------------------- invariants

fn permute(d: &CoxData, perm: &[usize]) -> CoxData {
    let pick = |v: &Vec<f64>| perm.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    CoxData {
        start: d.start.as_ref().map(pick),
        stop: pick(&d.stop),
        event: perm.iter().map(|&i| d.event[i]).collect(),
        covariates: d.covariates.iter().map(pick).collect(),
        term_names: d.term_names.clone(),
        strata: d
            .strata
            .as_ref()
            .map(|s| perm.iter().map(|&i| s[i]).collect()),
        weights: d.weights.as_ref().map(pick),
        cluster: d
            .cluster
            .as_ref()
            .map(|c| perm.iter().map(|&i| c[i]).collect()),
    }
}

fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut perm: Vec<usize> = (0..n).collect();
    let mut s = seed;
    for i in (1..n).rev() {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = ((s >> 33) as usize) % (i + 1);
        perm.swap(i, j);
    }
    perm
}

fn assert_same_fit(a: &CoxFit, b: &CoxFit, rel: f64, what: &str) {
    assert_all_close(&a.coef, &b.coef, rel, &format!("{what} coef"));
    assert_all_close(&a.se, &b.se, rel, &format!("{what} se"));
    assert_close(
        a.loglik_final,
        b.loglik_final,
        rel,
        &format!("{what} loglik"),
    );
    assert_close(
        a.score_test.stat,
        b.score_test.stat,
        rel,
        &format!("{what} score"),
    );
    let (ca, cb) = (a.concordance.unwrap(), b.concordance.unwrap());
    assert_close(ca.c, cb.c, rel, &format!("{what} C"));
    assert_close(ca.se, cb.se, rel, &format!("{what} se(C)"));
    if let (Some(ra), Some(rb)) = (&a.robust, &b.robust) {
        assert_all_close(&ra.se, &rb.se, rel, &format!("{what} robust se"));
    }
}

#[test]
fn shuffling_rows_changes_nothing() {
    for (data, opt) in [
        (lung_data(), options("efron", true)),
        (ovarian_data(true), options("breslow", false)),
        (heart_data(), options("efron", true)),
    ] {
        let base = fit(&data, &opt).unwrap();
        for seed in [1, 7, 42] {
            let perm = shuffled(data.n(), seed);
            let f = fit(&permute(&data, &perm), &opt).unwrap();
            assert_same_fit(&f, &base, 1e-10, "shuffled");
            assert_eq!(f.iterations, base.iterations);
        }
    }
}

#[test]
fn rescaling_a_covariate_rescales_its_coefficient() {
    let data = lung_data();
    let base = fit(&data, &CoxOptions::default()).unwrap();
    let mut scaled = data.clone();
    scaled.covariates[0].iter_mut().for_each(|v| *v *= 12.0); // age in months
    let f = fit(&scaled, &CoxOptions::default()).unwrap();
    assert_close(
        f.coef[0].unwrap() * 12.0,
        base.coef[0].unwrap(),
        1e-9,
        "age coef x 12",
    );
    assert_close(
        f.se[0].unwrap() * 12.0,
        base.se[0].unwrap(),
        1e-9,
        "age se x 12",
    );
    assert_close(
        f.coef[1].unwrap(),
        base.coef[1].unwrap(),
        1e-9,
        "sex coef unchanged",
    );
    assert_close(f.lr_test.stat, base.lr_test.stat, 1e-9, "LR unchanged");
}

#[test]
fn relabelling_strata_changes_nothing() {
    let data = ovarian_data(true);
    let base = fit(&data, &CoxOptions::default()).unwrap();
    let mut relabelled = data.clone();
    relabelled.strata = Some(
        data.strata
            .as_ref()
            .unwrap()
            .iter()
            .map(|&s| 1000 - 7 * s)
            .collect(),
    );
    assert_same_fit(
        &fit(&relabelled, &CoxOptions::default()).unwrap(),
        &base,
        1e-12,
        "relabelled strata",
    );
}

#[test]
fn unit_weights_and_singleton_clusters_change_nothing() {
    let data = lung_data();
    let base = fit(&data, &options("efron", true)).unwrap();
    let mut w = data.clone();
    w.weights = Some(vec![1.0; data.n()]);
    w.cluster = Some((0..data.n() as u64).map(|i| 1000 + 3 * i).collect());
    assert_same_fit(
        &fit(&w, &options("efron", false)).unwrap(),
        &base,
        1e-12,
        "weights/clusters",
    );
}

#[test]
fn case_weights_equal_duplicated_rows() {
    // Weight 2 on a row is the same model as the row twice (model-based
    // quantities; the robust variance differs by design). With Efron ties a
    // duplicated death becomes a tie, so there only censored rows are
    // duplicated.
    let data = ovarian_data(false);
    for (ties, rows) in [
        (Ties::Breslow, vec![0usize, 5, 11, 20]),
        (Ties::Efron, vec![3usize, 13, 20]),
    ] {
        let mut weights = vec![1.0; data.n()];
        let mut dup = data.clone();
        for &i in &rows {
            assert!(ties == Ties::Breslow || !data.event[i]);
            weights[i] = 2.0;
            dup.stop.push(data.stop[i]);
            dup.event.push(data.event[i]);
            for (c, col) in dup.covariates.iter_mut().zip(&data.covariates) {
                c.push(col[i]);
            }
        }
        let mut weighted = data.clone();
        weighted.weights = Some(weights);
        let opt = CoxOptions { ties, ..tight() };
        let a = fit(&weighted, &opt).unwrap();
        let b = fit(&dup, &opt).unwrap();
        assert_all_close(&a.coef, &b.coef, 1e-9, "weighted coef");
        assert_all_close(&a.se, &b.se, 1e-9, "weighted se");
        assert_close(a.loglik_final, b.loglik_final, 1e-12, "weighted loglik");
        let (ca, cb) = (a.concordance.unwrap(), b.concordance.unwrap());
        assert_close(ca.c, cb.c, 1e-12, "weighted C");
    }
}
