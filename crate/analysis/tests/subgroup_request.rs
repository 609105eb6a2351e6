//! Subgroup analyses (`analyses::subgroup::run`), derived honestly: each
//! subgroup's estimate must equal the model fitted to that subgroup's rows
//! alone (the Cox and logistic kernels are checked against R in
//! crate/stats), and each interaction test must equal 2 × the difference of
//! the log-likelihoods of two fits made here, the main-effects model and
//! the one with treatment × subgroup products, as R's
//! `anova(coxph(Surv(time, status) ~ factor(trt) + celltype, veteran),
//!        coxph(Surv(time, status) ~ factor(trt) * celltype, veteran))`.

#[path = "../../stats/tests/support/mod.rs"]
mod support;

use serde_json::json;
use support::*;
use survcalc_analysis::analyses::subgroup::{run, SubgroupRequest};
use survcalc_analysis::request;
use survcalc_analysis::table::{read_csv, ReadOptions, Table};
use survcalc_stats::cox::{fit, CoxData, CoxOptions};
use survcalc_stats::distributions::chi_square_upper;
use survcalc_stats::logistic::{self, CiMethod, LogisticInput, LogisticOptions};

fn table(dataset: &str) -> Table {
    read_csv(
        data_file(dataset, "data.csv").as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap()
}

struct Veteran {
    time: Vec<f64>,
    status: Vec<bool>,
    trt2: Vec<f64>,
    celltype: Vec<String>,
    prior: Vec<String>,
}

fn veteran() -> Veteran {
    let text = data_file("03_veteran", "data.csv");
    let rows: Vec<Vec<String>> = text
        .lines()
        .skip(1)
        .map(|l| {
            l.split(',')
                .map(|f| f.trim_matches('"').to_string())
                .collect()
        })
        .collect();
    Veteran {
        time: rows.iter().map(|r| r[2].parse().unwrap()).collect(),
        status: rows.iter().map(|r| r[3] == "1").collect(),
        trt2: rows
            .iter()
            .map(|r| if r[0] == "2" { 1.0 } else { 0.0 })
            .collect(),
        celltype: rows.iter().map(|r| r[1].clone()).collect(),
        prior: rows.iter().map(|r| r[7].clone()).collect(),
    }
}

fn cox_fit(
    time: Vec<f64>,
    status: Vec<bool>,
    columns: Vec<Vec<f64>>,
) -> survcalc_stats::cox::CoxFit {
    let names = (0..columns.len()).map(|j| format!("x{j}")).collect();
    fit(
        &CoxData::right_censored(time, status, columns, names),
        &CoxOptions::default(),
    )
    .unwrap()
}

fn veteran_request() -> SubgroupRequest {
    request::from_value(
        &json!({"outcome": {"time": "time", "event": "status", "event_values": [1]},
            "treatment": {"column": "trt", "kind": "categorical"}, "subgroups": ["celltype", "prior"]}),
        "subgroup analysis",
    )
    .unwrap()
}

#[test]
fn subgroup_hazard_ratios_are_the_fits_on_each_subgroup() {
    let r = run(&table("03_veteran"), &veteran_request()).unwrap();
    let v = veteran();
    assert_eq!(r.model, "cox");
    assert_eq!(r.comparison, "2 vs 1");
    // Overall: coxph(Surv(time, status) ~ factor(trt), veteran).
    let all = cox_fit(v.time.clone(), v.status.clone(), vec![v.trt2.clone()]);
    assert_close(
        r.overall.estimate.unwrap(),
        all.hr[0].unwrap(),
        CLOSED_FORM_REL,
        "overall HR",
    );
    assert_close(
        r.overall.lower.unwrap(),
        all.hr_lower[0].unwrap(),
        CLOSED_FORM_REL,
        "overall lower",
    );
    assert_eq!(
        (r.overall.n, r.overall.events),
        (137, v.status.iter().filter(|&&s| s).count())
    );
    // Each level: coxph(Surv(time, status) ~ factor(trt), subset(veteran, celltype == level)).
    for (block, values) in [(&r.subgroups[0], &v.celltype), (&r.subgroups[1], &v.prior)] {
        for level in &block.levels {
            let keep: Vec<usize> = (0..v.time.len())
                .filter(|&i| values[i] == level.level)
                .collect();
            let f = cox_fit(
                keep.iter().map(|&i| v.time[i]).collect(),
                keep.iter().map(|&i| v.status[i]).collect(),
                vec![keep.iter().map(|&i| v.trt2[i]).collect()],
            );
            let what = format!("{} = {}", block.variable, level.level);
            assert_close(
                level.estimate.unwrap(),
                f.hr[0].unwrap(),
                CLOSED_FORM_REL,
                &what,
            );
            assert_close(
                level.upper.unwrap(),
                f.hr_upper[0].unwrap(),
                CLOSED_FORM_REL,
                &what,
            );
            assert_close(level.p.unwrap(), f.p[0].unwrap(), CLOSED_FORM_REL, &what);
            assert_eq!(level.n, keep.len(), "{what}");
            let events_arm2 = keep
                .iter()
                .filter(|&&i| v.status[i] && v.trt2[i] == 1.0)
                .count();
            assert_eq!(level.arms[1].events, events_arm2, "{what}");
        }
    }
}

#[test]
fn interaction_tests_are_likelihood_ratios_of_two_fits() {
    let r = run(&table("03_veteran"), &veteran_request()).unwrap();
    let v = veteran();
    for (block, values) in [(&r.subgroups[0], &v.celltype), (&r.subgroups[1], &v.prior)] {
        let mut levels: Vec<String> = values.clone();
        levels.sort();
        levels.dedup();
        // Treatment contrasts against the first level, as R's factor().
        let dummies: Vec<Vec<f64>> = levels[1..]
            .iter()
            .map(|l| {
                values
                    .iter()
                    .map(|x| if x == l { 1.0 } else { 0.0 })
                    .collect()
            })
            .collect();
        let mut main = vec![v.trt2.clone()];
        main.extend(dummies.iter().cloned());
        let mut full = main.clone();
        full.extend(dummies.iter().map(|d| {
            d.iter()
                .zip(&v.trt2)
                .map(|(a, b)| a * b)
                .collect::<Vec<f64>>()
        }));
        let m = cox_fit(v.time.clone(), v.status.clone(), main);
        let f = cox_fit(v.time.clone(), v.status.clone(), full);
        let stat = 2.0 * (f.loglik_final - m.loglik_final);
        let test = block.interaction.as_ref().unwrap();
        assert_eq!(test.df, levels.len() - 1, "{}", block.variable);
        assert_close(
            test.stat,
            stat,
            CLOSED_FORM_REL,
            &format!("{} LR", block.variable),
        );
        assert_close(
            test.p,
            chi_square_upper(stat, test.df as f64),
            CLOSED_FORM_REL,
            &format!("{} p", block.variable),
        );
    }
    // FSTG02 layout: counts before the estimates, interaction p on the header rows.
    assert_eq!(
        r.plot.count_columns,
        ["n", "Events", "1: events/n", "2: events/n"]
    );
    assert_eq!(r.plot.p_label, "p (interaction)");
    let header = r
        .plot
        .rows
        .iter()
        .find(|row| row.label == "celltype")
        .unwrap();
    assert_eq!(
        header.estimates[0].as_ref().unwrap().p,
        Some(r.subgroups[0].interaction.as_ref().unwrap().p)
    );
    assert_eq!(r.table.header.last().unwrap(), "p (interaction)");
}

/// Logistic: the odds ratio of sex for lung's status within each ECOG
/// level equals glm(status == 2 ~ factor(sex)) on that level's rows, and the
/// interaction test is the deviance difference of the two glm fits.
#[test]
fn logistic_subgroups_and_interaction() {
    let req: SubgroupRequest = request::from_value(
        &json!({"outcome": {"type": "binary", "column": "status", "event_values": [2]},
            "treatment": {"column": "sex", "kind": "categorical"}, "subgroups": ["ph.ecog"]}),
        "subgroup analysis",
    )
    .unwrap();
    let r = run(&table("02_lung"), &req).unwrap();
    assert_eq!(r.model, "logistic");
    let text = data_file("02_lung", "data.csv");
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let known: Vec<&Vec<&str>> = rows.iter().filter(|r| r[5] != "NA").collect();
    let y = |rs: &[&&Vec<&str>]| -> Vec<f64> {
        rs.iter()
            .map(|r| if r[2] == "2" { 1.0 } else { 0.0 })
            .collect()
    };
    let sex2 = |rs: &[&&Vec<&str>]| -> Vec<f64> {
        rs.iter()
            .map(|r| if r[4] == "2" { 1.0 } else { 0.0 })
            .collect()
    };
    let glm = |y: &[f64], columns: Vec<Vec<f64>>| {
        let names: Vec<String> = (0..columns.len()).map(|j| format!("x{j}")).collect();
        logistic::fit(
            &LogisticInput {
                y,
                trials: None,
                columns: &columns,
                term_names: &names,
            },
            &LogisticOptions {
                ci: CiMethod::Wald,
                ..LogisticOptions::default()
            },
        )
        .unwrap()
    };
    for level in &r.subgroups[0].levels {
        let sub: Vec<&&Vec<&str>> = known.iter().filter(|r| r[5] == level.level).collect();
        match level.estimate {
            Some(or) => {
                let f = glm(&y(&sub), vec![sex2(&sub)]);
                assert_close(
                    or,
                    f.terms[1].odds_ratio.unwrap(),
                    CLOSED_FORM_REL,
                    &format!("ph.ecog = {}", level.level),
                );
            }
            // ECOG 3 has one patient: no contrast between the sexes; the
            // counts per arm are still given.
            None => {
                assert!(sub.len() < 3 && level.note.is_some(), "{:?}", level);
                let arm_n: usize = level.arms.iter().map(|a| a.n).sum();
                assert_eq!(arm_n, sub.len());
            }
        }
    }
    let all: Vec<&&Vec<&str>> = known.iter().collect();
    let mut levels: Vec<&str> = all.iter().map(|r| r[5]).collect();
    levels.sort();
    levels.dedup();
    let dummies: Vec<Vec<f64>> = levels[1..]
        .iter()
        .map(|l| {
            all.iter()
                .map(|r| if r[5] == *l { 1.0 } else { 0.0 })
                .collect()
        })
        .collect();
    let s = sex2(&all);
    let mut main = vec![s.clone()];
    main.extend(dummies.iter().cloned());
    let mut full = main.clone();
    full.extend(
        dummies
            .iter()
            .map(|d| d.iter().zip(&s).map(|(a, b)| a * b).collect::<Vec<f64>>()),
    );
    let (m, f) = (glm(&y(&all), main), glm(&y(&all), full));
    let test = r.subgroups[0].interaction.as_ref().unwrap();
    assert_close(
        test.stat,
        2.0 * (f.loglik - m.loglik),
        CLOSED_FORM_REL,
        "LR",
    );
    assert_eq!(test.df, f.rank - m.rank);
}

#[test]
fn the_treatment_needs_two_arms() {
    let req: SubgroupRequest = request::from_value(
        &json!({"outcome": {"time": "time", "event": "status", "event_values": [1]},
            "treatment": {"column": "celltype"}, "subgroups": ["prior"]}),
        "subgroup analysis",
    )
    .unwrap();
    let e = run(&table("03_veteran"), &req).unwrap_err();
    assert!(e.contains("has 4 levels"), "{e}");
}
