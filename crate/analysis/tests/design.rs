//! Model matrices from table columns: R's treatment contrasts and na.omit,
//! checked through Cox and logistic fits against R 4.2.2 fixtures
//! (tests/reference/*/reference.json; each block's `call` is the R call),
//! plus small hand-built cases, errors and invariants.

// One copy of the fixtures loader and the tolerances, shared by every crate's tests.
#[path = "../../stats/tests/support/mod.rs"]
mod support;

use serde_json::Value;
use support::*;
use survcalc_analysis::design::{
    all_rows, binary_outcome, build_design, survival_outcome, BinaryOutcomeSpec, DesignError,
    SurvivalOutcomeSpec, TermKind, TermSpec,
};
use survcalc_analysis::table::{read_csv, ReadOptions, Table};
use survcalc_analysis::warning::Warning;
use survcalc_stats::cox::{self, CoxOptions};
use survcalc_stats::logistic::{self, CiMethod, LogisticInput, LogisticOptions};

fn table(dataset: &str) -> Table {
    read_csv(
        data_file(dataset, "data.csv").as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap()
}

fn csv(text: &str) -> Table {
    read_csv(text.as_bytes(), &ReadOptions::default()).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn surv(time: &str, event: &str, events: &[&str], censors: &[&str]) -> SurvivalOutcomeSpec {
    SurvivalOutcomeSpec {
        time: time.into(),
        event: event.into(),
        event_values: events.iter().map(|s| s.to_string()).collect(),
        censor_values: censors.iter().map(|s| s.to_string()).collect(),
        ..SurvivalOutcomeSpec::default()
    }
}

fn veteran_terms() -> Vec<TermSpec> {
    vec![
        TermSpec::new("trt"),
        TermSpec::new("celltype").with_reference("squamous"),
        TermSpec::new("karno"),
        TermSpec::new("diagtime"),
        TermSpec::new("age"),
        TermSpec::new("prior"),
    ]
}

/// Compares a Cox fit with an R block, matching coefficients by R's names.
fn check_cox_by_name(fit: &cox::CoxFit, r_names: &[String], block: &Value) {
    let terms = strings(&block["terms"]);
    let coef = f64s(&block["coef"]);
    let se = f64s(&block["se"]);
    let p = f64s(&block["p"]);
    assert_eq!(r_names.len(), terms.len());
    for (k, name) in terms.iter().enumerate() {
        let j = r_names
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("no column {name}"));
        assert_close(
            fit.coef[j].unwrap(),
            coef[k],
            COEF_REL,
            &format!("coef {name}"),
        );
        assert_close(fit.se[j].unwrap(), se[k], STAT_REL, &format!("se {name}"));
        assert_close(fit.p[j].unwrap(), p[k], STAT_REL, &format!("p {name}"));
    }
    assert_close(
        fit.loglik_final,
        num(&block["loglik_final"]).unwrap(),
        COEF_REL,
        "loglik",
    );
    assert_eq!(fit.n as f64, num(&block["n"]).unwrap(), "n");
}

#[test]
fn veteran_celltype_dummies_reproduce_coxph() {
    // coxph(Surv(time, status) ~ trt + celltype + karno + diagtime + age + prior, data = veteran)
    let r = reference("03_veteran");
    let block = &r["cox"]["efron"];
    let t = table("03_veteran");
    let outcome = survival_outcome(&t, &surv("time", "status", &["1"], &["0"])).unwrap();
    let design = build_design(&t, &veteran_terms(), &outcome.rows).unwrap();
    assert_eq!(design.n(), 137);
    assert_eq!(design.n_dropped, 0);
    let celltype = design.term("celltype").unwrap();
    assert_eq!(celltype.kind, TermKind::Categorical);
    assert_eq!(celltype.reference.as_deref(), Some("squamous"));
    assert_eq!(celltype.levels, ["adeno", "large", "smallcell", "squamous"]);
    assert_eq!(celltype.level_counts, [27, 27, 48, 35]);
    assert_eq!(celltype.columns, [1, 2, 3]);
    assert_eq!(celltype.level_columns, [Some(1), Some(2), Some(3), None]);
    assert_eq!(design.names[3], "celltype: smallcell vs squamous");
    let mut expected = strings(&block["terms"]);
    let mut got = design.r_names.clone();
    expected.sort();
    got.sort();
    assert_eq!(got, expected, "R coefficient names");

    let data = outcome.cox_data(&design).unwrap();
    let fit = cox::fit(&data, &CoxOptions::default()).unwrap();
    check_cox_by_name(&fit, &design.r_names, block);
    // cox.zph's grouping: celltype spans three columns.
    let terms = design.model_terms();
    assert_eq!(terms[1].name, "celltype");
    assert_eq!(terms[1].columns, [1, 2, 3]);
}

#[test]
fn veteran_row_order_does_not_matter() {
    let text = data_file("03_veteran", "data.csv");
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].reverse();
    let t = csv(&lines.join("\n"));
    let outcome = survival_outcome(&t, &surv("time", "status", &["1"], &["0"])).unwrap();
    let design = build_design(&t, &veteran_terms(), &outcome.rows).unwrap();
    let fit = cox::fit(&outcome.cox_data(&design).unwrap(), &CoxOptions::default()).unwrap();
    check_cox_by_name(
        &fit,
        &design.r_names,
        &reference("03_veteran")["cox"]["efron"],
    );
}

#[test]
fn lung_drops_the_row_missing_ph_ecog() {
    // coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung): n = 227, 1 dropped.
    let r = reference("02_lung");
    let block = &r["cox"]["efron"];
    let t = table("02_lung");
    let outcome = survival_outcome(&t, &surv("time", "status", &["2"], &["1"])).unwrap();
    let terms = [
        TermSpec::new("age"),
        TermSpec::new("sex"),
        TermSpec::new("ph.ecog"),
    ];
    let design = build_design(&t, &terms, &outcome.rows).unwrap();
    assert_eq!(design.n(), 227);
    assert_eq!(
        design.n_dropped as f64,
        num(&block["n_dropped_missing"]).unwrap()
    );
    assert_eq!(design.missing.len(), 1);
    assert_eq!(design.missing[0].column, "ph.ecog");
    assert_eq!(design.missing[0].count, 1);
    // Line 15 of the file: "21,71,2,60,1,NA,...".
    assert_eq!(design.missing[0].lines, [15]);
    assert_eq!(
        design.warnings[0],
        Warning::MissingCovariateValues {
            n_dropped: 1,
            n_candidates: 228,
            columns: design.missing.clone()
        }
    );
    assert_eq!(
        design.warnings[0].message(),
        "1 of 228 patients left out for missing values: \"ph.ecog\" missing in 1 (line 15)."
    );
    let fit = cox::fit(&outcome.cox_data(&design).unwrap(), &CoxOptions::default()).unwrap();
    assert_all_close(&fit.coef, &nums(&block["coef"]), COEF_REL, "coef");
    assert_eq!(fit.n, 227);
}

#[test]
fn infert_education_dummies_reproduce_glm() {
    // glm(case ~ education, family = binomial, data = infert)
    let r = reference("06_infert");
    let block = &r["logistic"]["univariate_education"];
    let t = table("06_infert");
    let outcome = binary_outcome(
        &t,
        &BinaryOutcomeSpec {
            column: "case".into(),
            event_values: vec!["1".into()],
            non_event_values: vec!["0".into()],
        },
    )
    .unwrap();
    assert_eq!(outcome.n_events, 83);
    let design = build_design(&t, &[TermSpec::new("education")], &outcome.rows).unwrap();
    assert_eq!(design.r_names, ["education6-11yrs", "education12+ yrs"]);
    assert_eq!(strings(&block["terms"])[1..], design.r_names[..]);
    let y = outcome.y_for(&design).unwrap();
    let input = LogisticInput {
        y: &y,
        trials: None,
        columns: &design.columns,
        term_names: &design.names,
    };
    let fit = logistic::fit(
        &input,
        &LogisticOptions {
            ci: CiMethod::Wald,
            ..LogisticOptions::default()
        },
    )
    .unwrap();
    let or: Vec<Option<f64>> = fit.terms.iter().map(|t| t.odds_ratio).collect();
    let lo: Vec<Option<f64>> = fit.terms.iter().map(|t| t.wald_ci_or_lower).collect();
    let hi: Vec<Option<f64>> = fit.terms.iter().map(|t| t.wald_ci_or_upper).collect();
    let p: Vec<Option<f64>> = fit.terms.iter().map(|t| t.p).collect();
    assert_all_close(&or, &nums(&block["or"]), COEF_REL, "OR");
    assert_all_close(&lo, &nums(&block["wald_ci_or_lower"]), STAT_REL, "OR lower");
    assert_all_close(&hi, &nums(&block["wald_ci_or_upper"]), STAT_REL, "OR upper");
    assert_all_close(&p, &nums(&block["p"]), STAT_REL, "p");
}

#[test]
fn hand_built_design_and_na_omit() {
    let t = csv("g,x,y\nb,1,0\na,2,1\nc,,0\nb,4,1\n,5,0\na,6,1\n");
    let d = build_design(&t, &[TermSpec::new("g"), TermSpec::new("x")], &all_rows(&t)).unwrap();
    // Rows 3 (x missing) and 5 (g missing) are left out; lines 4 and 6.
    assert_eq!(d.rows, [0, 1, 3, 5]);
    assert_eq!(d.positions, [0, 1, 3, 5]);
    assert_eq!(d.n_dropped, 2);
    assert_eq!(d.missing.len(), 2);
    assert_eq!(
        (
            d.missing[0].column.as_str(),
            d.missing[0].count,
            d.missing[0].lines.clone()
        ),
        ("g", 1, vec![6])
    );
    assert_eq!(
        (
            d.missing[1].column.as_str(),
            d.missing[1].count,
            d.missing[1].lines.clone()
        ),
        ("x", 1, vec![4])
    );
    // Level c occurs only in a dropped row: left out, with a warning.
    assert_eq!(d.names, ["g: b vs a", "x"]);
    assert_eq!(
        d.columns,
        vec![vec![1.0, 0.0, 1.0, 0.0], vec![1.0, 2.0, 4.0, 6.0]]
    );
    assert!(
        d.warnings.contains(&Warning::UnusedLevels {
            column: "g".into(),
            levels: vec!["c".into()],
            n: 4
        }),
        "{:?}",
        d.warnings
    );
    // A subset of candidate rows: positions index into it.
    let d = build_design(&t, &[TermSpec::new("x")], &[5, 2, 0]).unwrap();
    assert_eq!(d.rows, [5, 0]);
    assert_eq!(d.positions, [0, 2]);
    assert_eq!(d.pick(&["r5", "r2", "r0"]).unwrap(), ["r5", "r0"]);
    // A number column declared categorical: levels by value.
    let d = build_design(&t, &[TermSpec::categorical("x")], &[0, 1, 3]).unwrap();
    assert_eq!(d.names, ["x: 2 vs 1", "x: 4 vs 1"]);
}

#[test]
fn errors_name_the_column_and_value() {
    let t =
        csv("g,x,when,s\na,1,2024-01-05,1\na,2,2024-02-05,2\na,3,2024-03-05,abc\nb,4,2024-04-05,3\nc,,2024-05-05,x\n");
    let rows = all_rows(&t);
    assert_eq!(
        build_design(&t, &[TermSpec::new("nope")], &rows).unwrap_err(),
        DesignError::UnknownColumn {
            name: "nope".into(),
            nearest: None
        }
    );
    let err = build_design(&t, &[TermSpec::new("g"), TermSpec::new("x")], &[0, 1, 2]).unwrap_err();
    assert_eq!(
        err,
        DesignError::SingleValue {
            column: "g".into(),
            value: "a".into(),
            n: 3
        }
    );
    assert_eq!(
        err.to_string(),
        "Column \"g\" has only one value (\"a\") among the 3 patients analysed; it cannot be a covariate."
    );
    let err = build_design(&t, &[TermSpec::new("g").with_reference("z")], &rows).unwrap_err();
    assert!(
        matches!(&err, DesignError::UnknownReference { column, reference, .. } if column == "g" && reference == "z")
    );
    assert!(err.to_string().contains("\"a\", \"b\", \"c\""), "{err}");
    // Reference c exists but its only row lacks x.
    let err = build_design(
        &t,
        &[TermSpec::new("g").with_reference("c"), TermSpec::new("x")],
        &rows,
    )
    .unwrap_err();
    assert_eq!(
        err,
        DesignError::ReferenceNotAnalysed {
            column: "g".into(),
            reference: "c".into(),
            n: 4
        }
    );
    assert_eq!(
        build_design(&t, &[TermSpec::new("when")], &rows).unwrap_err(),
        DesignError::DateColumn {
            column: "when".into()
        }
    );
    // A text column used as a number: the first value that is not a number.
    let err = build_design(&t, &[TermSpec::numeric("s")], &rows).unwrap_err();
    assert_eq!(
        err,
        DesignError::NotANumber {
            column: "s".into(),
            line: 4,
            value: "abc".into()
        }
    );
    assert!(
        err.to_string()
            .starts_with("Column \"s\", line 4: \"abc\" is not a number"),
        "{err}"
    );
    assert_eq!(
        build_design(&t, &[TermSpec::new("x"), TermSpec::new("x")], &rows).unwrap_err(),
        DesignError::DuplicateTerm { column: "x".into() }
    );
    assert_eq!(
        build_design(&t, &[], &rows).unwrap_err(),
        DesignError::NoTerms
    );
    assert_eq!(
        build_design(&t, &[TermSpec::new("x")], &[9]).unwrap_err(),
        DesignError::RowOutOfRange { row: 9, n_rows: 5 }
    );
    // A number column with a stray word is read as text; left to its default
    // kind it is reported, not split into one category per value.
    let typo = csv("age,y\n61,0\n72,1\n55,0\nunknown,1\n48,1\n66,0\n");
    let err = build_design(&typo, &[TermSpec::new("age")], &all_rows(&typo)).unwrap_err();
    assert_eq!(
        err,
        DesignError::NotANumber {
            column: "age".into(),
            line: 5,
            value: "unknown".into()
        }
    );
    // Declared categorical, it is a category.
    assert_eq!(
        build_design(&typo, &[TermSpec::categorical("age")], &all_rows(&typo))
            .unwrap()
            .p(),
        5
    );
    // A constant numeric covariate.
    let err = build_design(&t, &[TermSpec::new("x")], &[0]).unwrap_err();
    assert!(matches!(err, DesignError::SingleValue { n: 1, .. }));
}

#[test]
fn binary_outcome_values() {
    let t = csv("y,x\nyes,1\nno,2\n,3\nmaybe,4\nyes,5\n");
    let spec = |ones: &[&str], zeros: &[&str]| BinaryOutcomeSpec {
        column: "y".into(),
        event_values: ones.iter().map(|s| s.to_string()).collect(),
        non_event_values: zeros.iter().map(|s| s.to_string()).collect(),
    };
    let err = binary_outcome(&t, &spec(&["yes"], &["no"])).unwrap_err();
    assert!(
        matches!(&err, DesignError::UnknownOutcomeValue { line: 5, value, .. } if value == "maybe"),
        "{err:?}"
    );
    assert!(err.to_string().contains("line 5: \"maybe\""), "{err}");
    // Empty non-event list: every other value is 0, said in a warning.
    let o = binary_outcome(&t, &spec(&["yes"], &[])).unwrap();
    assert_eq!(o.y, [1.0, 0.0, 0.0, 1.0]);
    assert_eq!(o.rows, [0, 1, 3, 4]);
    assert_eq!(o.n_events, 2);
    assert_eq!(o.dropped.as_ref().unwrap().lines, [4]);
    let coding = o
        .warnings
        .iter()
        .find(|w| w.code() == "other_values_count_as_zero")
        .expect("the coding is said");
    assert!(
        matches!(coding, Warning::OtherValuesCountAsZero { others, .. } if others.contains(&"maybe".to_string())),
        "{coding:?}"
    );
    assert_eq!(
        binary_outcome(&t, &spec(&[], &["no"])).unwrap_err(),
        DesignError::NoEventValues { column: "y".into() }
    );
    assert_eq!(
        binary_outcome(&t, &spec(&["yes"], &["yes"])).unwrap_err(),
        DesignError::EventValueOverlap {
            column: "y".into(),
            value: "yes".into()
        }
    );
    // Numeric outcome compares numbers ("1.0" matches 1).
    let o = binary_outcome(
        &t,
        &BinaryOutcomeSpec {
            column: "x".into(),
            event_values: vec!["1.0".into(), "2".into()],
            non_event_values: vec![],
        },
    )
    .unwrap();
    assert_eq!(o.y, [1.0, 1.0, 0.0, 0.0, 0.0]);
}

#[test]
fn counting_process_start_and_strata() {
    let t = csv(
        "start,stop,event,s,x\n0,5,1,a,1\n5,9,0,a,2\n,4,1,b,3\n0,6,1,b,1\n2,8,1,b,2\n0,3,0,a,5\n",
    );
    let spec = SurvivalOutcomeSpec {
        start: Some("start".into()),
        strata: Some("s".into()),
        ..surv("stop", "event", &["1"], &["0"])
    };
    let o = survival_outcome(&t, &spec).unwrap();
    assert_eq!(o.rows, [0, 1, 3, 4, 5]);
    assert_eq!(o.start.as_ref().unwrap(), &[0.0, 5.0, 0.0, 2.0, 0.0]);
    assert_eq!(o.strata.as_ref().unwrap(), &[0, 0, 1, 1, 0]);
    assert_eq!(o.n_events, 3);
    assert_eq!(o.dropped[0].column, "start");
    assert_eq!(o.dropped[0].lines, [4]);
    let d = build_design(&t, &[TermSpec::new("x")], &o.rows).unwrap();
    let data = o.cox_data(&d).unwrap();
    assert_eq!(data.stop, [5.0, 9.0, 6.0, 8.0, 3.0]);
    assert_eq!(data.strata.unwrap(), [0, 0, 1, 1, 0]);

    let bad = csv("start,stop,event\n0,5,1\n6,5,0\n");
    let err = survival_outcome(
        &bad,
        &SurvivalOutcomeSpec {
            start: Some("start".into()),
            ..surv("stop", "event", &["1"], &["0"])
        },
    )
    .unwrap_err();
    assert!(
        matches!(&err, DesignError::StartNotBeforeStop { line: 3, .. }),
        "{err:?}"
    );
}
