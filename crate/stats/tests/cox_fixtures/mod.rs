//! Shared by the Cox integration tests: reading the fixture CSVs and
//! comparing a `CoxFit` with an R `cox` block.
#![allow(dead_code)]

use crate::support::*;
use serde_json::Value;
use survcalc_stats::cox::{CoxData, CoxFit};

/// A CSV file as named columns of raw strings (`NA` kept as text).
pub struct Csv {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    pub fn read(dataset: &str, file: &str) -> Csv {
        let text = data_file(dataset, file);
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let header = lines
            .next()
            .unwrap()
            .split(',')
            .map(|s| s.trim().to_string())
            .collect();
        let rows = lines
            .map(|l| l.split(',').map(|s| s.trim().to_string()).collect())
            .collect();
        Csv { header, rows }
    }

    fn index(&self, col: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == col)
            .unwrap_or_else(|| panic!("no column {col}"))
    }

    /// Numeric column; `NA` becomes `None`.
    pub fn num(&self, col: &str) -> Vec<Option<f64>> {
        let j = self.index(col);
        self.rows
            .iter()
            .map(|r| {
                if r[j] == "NA" {
                    None
                } else {
                    Some(r[j].parse::<f64>().unwrap())
                }
            })
            .collect()
    }

    pub fn text(&self, col: &str) -> Vec<String> {
        let j = self.index(col);
        self.rows.iter().map(|r| r[j].clone()).collect()
    }

    /// Rows with no missing value in any of `cols` (R's na.omit on the
    /// model frame).
    pub fn complete(&self, cols: &[&str]) -> Vec<usize> {
        let idx: Vec<usize> = cols.iter().map(|c| self.index(c)).collect();
        (0..self.rows.len())
            .filter(|&i| idx.iter().all(|&j| self.rows[i][j] != "NA"))
            .collect()
    }

    /// Numeric column restricted to `rows` (must be complete).
    pub fn col(&self, col: &str, rows: &[usize]) -> Vec<f64> {
        let v = self.num(col);
        rows.iter().map(|&i| v[i].unwrap()).collect()
    }
}

pub fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn some(v: &[f64]) -> Vec<Option<f64>> {
    v.iter().map(|x| Some(*x)).collect()
}

fn check_test(actual: &survcalc_stats::cox::ChiSquareTest, r: &Value, what: &str) {
    assert_close(
        actual.stat,
        num(&r["stat"]).unwrap(),
        STAT_REL,
        &format!("{what}.stat"),
    );
    assert_eq!(actual.df as f64, num(&r["df"]).unwrap(), "{what}.df");
    assert_close(
        actual.p,
        num(&r["p"]).unwrap(),
        STAT_REL,
        &format!("{what}.p"),
    );
}

fn check_matrix(actual: &[Vec<f64>], r: &Value, rel: f64, what: &str) {
    let m = matrix(r);
    assert_eq!(actual.len(), m.len(), "{what} rows");
    for (i, (a, e)) in actual.iter().zip(&m).enumerate() {
        assert_all_close(&some(a), &some(e), rel, &format!("{what} row {i}"));
    }
}

/// What to compare besides the always-checked quantities.
pub struct Check {
    /// Compare `n` and `means` (off for a tt() model fitted through its
    /// counting-process equivalent: R expands the data differently).
    pub n_and_means: bool,
    pub iterations: bool,
}

impl Default for Check {
    fn default() -> Self {
        Check {
            n_and_means: true,
            iterations: true,
        }
    }
}

/// Compares every quantity of an R `cox` block. Coefficients: the fit follows
/// R's Newton path and stopping rule, so it agrees with R's default-control
/// coefficients (not only with the tightly converged ones) at COEF_REL.
pub fn check_fit(fit: &CoxFit, r: &Value, check: &Check) {
    let call = r["call"].as_str().unwrap();
    let what = |q: &str| format!("{call}: {q}");
    assert_eq!(fit.terms, names(&r["terms"]), "{}", what("terms"));
    if check.n_and_means {
        assert_eq!(fit.n as f64, num(&r["n"]).unwrap(), "{}", what("n"));
        assert_all_close(
            &some(&fit.means),
            &nums(&r["means"]),
            CLOSED_FORM_REL,
            &what("means"),
        );
    }
    assert_eq!(
        fit.nevent as f64,
        num(&r["nevent"]).unwrap(),
        "{}",
        what("nevent")
    );
    if check.iterations {
        assert_eq!(
            fit.iterations as f64,
            num(&r["iterations"]).unwrap(),
            "{}",
            what("iterations")
        );
    }
    assert!(fit.converged, "{}", what("converged"));
    assert_all_close(&fit.coef, &nums(&r["coef"]), COEF_REL, &what("coef"));
    assert_all_close(&fit.hr, &nums(&r["hr"]), COEF_REL, &what("hr"));
    assert_all_close(&fit.se, &nums(&r["se"]), STAT_REL, &what("se"));
    assert_all_close(&fit.z, &nums(&r["z"]), STAT_REL, &what("z"));
    assert_all_close(&fit.p, &nums(&r["p"]), STAT_REL, &what("p"));
    assert_all_close(
        &fit.hr_lower,
        &nums(&r["hr_lower95"]),
        STAT_REL,
        &what("hr_lower95"),
    );
    assert_all_close(
        &fit.hr_upper,
        &nums(&r["hr_upper95"]),
        STAT_REL,
        &what("hr_upper95"),
    );
    check_matrix(&fit.var, &r["var"], STAT_REL, &what("var"));
    assert_close(
        fit.loglik_null,
        num(&r["loglik_null"]).unwrap(),
        STAT_REL,
        &what("loglik_null"),
    );
    assert_close(
        fit.loglik_final,
        num(&r["loglik_final"]).unwrap(),
        STAT_REL,
        &what("loglik_final"),
    );
    check_test(&fit.lr_test, &r["lr_test"], &what("lr_test"));
    check_test(&fit.wald_test, &r["wald_test"], &what("wald_test"));
    check_test(&fit.score_test, &r["score_test"], &what("score_test"));

    let c = fit.concordance.as_ref().expect("concordance");
    let rc = &r["concordance"];
    assert_close(
        c.c,
        num(&rc["c"]).unwrap(),
        STAT_REL,
        &what("concordance.c"),
    );
    assert_close(
        c.se,
        num(&rc["se"]).unwrap(),
        STAT_REL,
        &what("concordance.se"),
    );
    for (a, key) in [
        (c.concordant, "concordant"),
        (c.discordant, "discordant"),
        (c.tied_x, "tied_x"),
        (c.tied_y, "tied_y"),
        (c.tied_xy, "tied_xy"),
    ] {
        assert_eq!(
            a,
            num(&rc[key]).unwrap(),
            "{}",
            what(&format!("concordance.{key}"))
        );
    }

    match (&fit.robust, r.get("robust")) {
        (Some(rb), Some(rr)) => {
            assert_all_close(&rb.se, &nums(&rr["se"]), STAT_REL, &what("robust.se"));
            assert_all_close(&rb.z, &nums(&rr["z"]), STAT_REL, &what("robust.z"));
            assert_all_close(&rb.p, &nums(&rr["p"]), STAT_REL, &what("robust.p"));
            assert_all_close(
                &rb.hr_lower,
                &nums(&rr["hr_lower95"]),
                STAT_REL,
                &what("robust.hr_lower95"),
            );
            assert_all_close(
                &rb.hr_upper,
                &nums(&rr["hr_upper95"]),
                STAT_REL,
                &what("robust.hr_upper95"),
            );
            check_matrix(&rb.var, &rr["var"], STAT_REL, &what("robust.var"));
            check_test(&rb.wald_test, &rr["wald_test"], &what("robust.wald_test"));
            check_test(
                &rb.robust_score_test,
                &rr["robust_score_test"],
                &what("robust.robust_score_test"),
            );
        }
        (None, None) => {}
        (a, b) => panic!(
            "{}: robust block present in fit: {}, in R: {}",
            call,
            a.is_some(),
            b.is_some()
        ),
    }
}

/// `CoxData` for right-censored rows of `csv` with numeric covariates.
pub fn right_censored(
    csv: &Csv,
    rows: &[usize],
    time: &str,
    event: &str,
    covs: &[&str],
) -> CoxData {
    CoxData::right_censored(
        csv.col(time, rows),
        csv.col(event, rows).iter().map(|&e| e == 1.0).collect(),
        covs.iter().map(|c| csv.col(c, rows)).collect(),
        covs.iter().map(|c| c.to_string()).collect(),
    )
}

/// Treatment-coded dummies of a text column (first level = reference), as
/// R's model.matrix with `levels` in R's order.
pub fn dummies(values: &[String], levels: &[&str], prefix: &str) -> (Vec<Vec<f64>>, Vec<String>) {
    let cols = levels[1..]
        .iter()
        .map(|l| {
            values
                .iter()
                .map(|v| if v == l { 1.0 } else { 0.0 })
                .collect()
        })
        .collect();
    let names = levels[1..].iter().map(|l| format!("{prefix}{l}")).collect();
    (cols, names)
}
