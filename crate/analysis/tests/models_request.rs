//! The model-table request (`analyses::models::run`) against R 4.2.2
//! (tests/reference; each block's `call` is the R call): infert's logistic
//! models (`glm(case ~ x, family = binomial, data = infert)` per x and
//! `glm(case ~ spontaneous + induced + education, ...)`), lung's Cox model
//! (`coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung)`). The
//! table's own layer (crate::model_table) is tested in model_table.rs; here
//! the request: outcome type and codes from the options, the numbers behind
//! every printed cell and line, and the comparison of two outcome values
//! that leaves the other rows out.

#[path = "../../stats/tests/support/mod.rs"]
mod support;

use serde_json::Value;
use support::*;
use survcalc_analysis::analyses::models::{
    run, ModelTableRequest, ModelTableResult, OutcomeRequest,
};
use survcalc_analysis::design::TermSpec;
use survcalc_analysis::format;
use survcalc_analysis::model_table::{Cell, FittedModel};
use survcalc_analysis::table::{read_csv, ReadOptions, Table};

fn csv_table(text: &str) -> Table {
    read_csv(text.as_bytes(), &ReadOptions::default()).unwrap()
}

fn binary(column: &str, ones: &[&str], zeros: &[&str]) -> OutcomeRequest {
    OutcomeRequest {
        column: column.into(),
        event_values: ones.iter().map(|s| s.to_string()).collect(),
        non_event_values: zeros.iter().map(|s| s.to_string()).collect(),
        ..OutcomeRequest::default()
    }
}

fn candidates(columns: &[&str]) -> Vec<TermSpec> {
    columns.iter().map(|c| TermSpec::new(c)).collect()
}

/// infert as the page sends it: no outcome type (binary, as there is no time).
fn infert() -> ModelTableRequest {
    ModelTableRequest {
        outcome: binary("case", &["1"], &[]),
        candidates: candidates(&["spontaneous", "induced", "education"]),
        multivariable: Some(vec![
            "spontaneous".into(),
            "induced".into(),
            "education".into(),
        ]),
        ..ModelTableRequest::default()
    }
}

fn cells<'a>(r: &'a ModelTableResult, term: &str, level: Option<&str>) -> (&'a Cell, &'a Cell) {
    let row = r
        .table
        .rows
        .iter()
        .find(|x| x.term == term && x.level.as_deref() == level)
        .unwrap();
    (&row.univariate, &row.multivariable)
}

/// A cell against coefficient `k` of an R block, for OR ("or",
/// "wald_ci_or_*") or HR ("hr", "hr_*95") names.
fn check_cell(
    cell: &Cell,
    block: &Value,
    k: usize,
    [estimate, lower, upper]: [&str; 3],
    what: &str,
) {
    assert_close(
        cell.estimate.unwrap(),
        f64s(&block[estimate])[k],
        COEF_REL,
        &format!("{what} estimate"),
    );
    assert_close(
        cell.lower.unwrap(),
        f64s(&block[lower])[k],
        STAT_REL,
        &format!("{what} lower"),
    );
    assert_close(
        cell.upper.unwrap(),
        f64s(&block[upper])[k],
        STAT_REL,
        &format!("{what} upper"),
    );
    assert_close(
        cell.p.unwrap(),
        f64s(&block["p"])[k],
        STAT_REL,
        &format!("{what} p"),
    );
    // What the table prints is these numbers.
    let (e, l, u) = (
        cell.estimate.unwrap(),
        cell.lower.unwrap(),
        cell.upper.unwrap(),
    );
    assert_eq!(cell.text, format::estimate_ci(e, l, u, 2), "{what} text");
    assert_eq!(
        cell.p_text,
        format::p_value(cell.p.unwrap()),
        "{what} p text"
    );
}

const OR: [&str; 3] = ["or", "wald_ci_or_lower", "wald_ci_or_upper"];
const HR: [&str; 3] = ["hr", "hr_lower95", "hr_upper95"];

#[test]
fn infert_odds_ratios_deviance_and_aic_equal_glm() {
    let reference = reference("06_infert");
    let l = &reference["logistic"];
    let r = run(&csv_table(&data_file("06_infert", "data.csv")), &infert()).unwrap();
    check_cell(
        cells(&r, "spontaneous", None).0,
        &l["univariate_spontaneous"],
        1,
        OR,
        "uni spontaneous",
    );
    check_cell(
        cells(&r, "induced", None).0,
        &l["univariate_induced"],
        1,
        OR,
        "uni induced",
    );
    check_cell(
        cells(&r, "education", Some("6-11yrs")).0,
        &l["univariate_education"],
        1,
        OR,
        "uni 6-11yrs",
    );
    check_cell(
        cells(&r, "education", Some("12+ yrs")).0,
        &l["univariate_education"],
        2,
        OR,
        "uni 12+ yrs",
    );
    let m = &l["multivariable"];
    for (k, (term, level)) in [
        ("spontaneous", None),
        ("induced", None),
        ("education", Some("6-11yrs")),
        ("education", Some("12+ yrs")),
    ]
    .iter()
    .enumerate()
    {
        check_cell(
            cells(&r, term, *level).1,
            m,
            k + 1,
            OR,
            &format!("multi {term} {level:?}"),
        );
    }
    // The display table prints the cells; the reference level is named.
    let row = &r.display_table.rows[0];
    let (uni, multi) = cells(&r, "spontaneous", None);
    assert_eq!(
        row[1..],
        [
            uni.text.clone(),
            uni.p_text.clone(),
            multi.text.clone(),
            multi.p_text.clone()
        ]
    );
    assert_eq!(r.display_table.rows[3][0], "0-5yrs (n = 12)");
    assert_eq!(
        r.row_kinds,
        [
            "numeric",
            "numeric",
            "factor",
            "reference",
            "level",
            "level"
        ]
    );

    // The model-fit line: deviance, AIC and the LR test against the null model.
    let Some(FittedModel::Logistic(fit)) = r.table.multivariable.as_ref().map(|m| &m.fit) else {
        panic!("logistic fit")
    };
    assert_close(
        fit.deviance,
        num(&m["deviance"]).unwrap(),
        STAT_REL,
        "deviance",
    );
    assert_close(
        fit.null_deviance,
        num(&m["null_deviance"]).unwrap(),
        STAT_REL,
        "null deviance",
    );
    assert_close(fit.aic.unwrap(), num(&m["aic"]).unwrap(), STAT_REL, "AIC");
    assert_eq!(fit.df_residual as f64, num(&m["df_residual"]).unwrap());
    let lr = fit.lr_test.as_ref().unwrap();
    assert_close(
        lr.stat,
        num(&m["null_deviance"]).unwrap() - num(&m["deviance"]).unwrap(),
        STAT_REL,
        "LR statistic",
    );
    let text = r.model_fit_text.as_deref().unwrap();
    for printed in [
        format::number(fit.deviance, 2),
        format::number(fit.aic.unwrap(), 2),
        format::number(lr.stat, 2),
    ] {
        assert!(text.contains(&printed), "{printed} in {text}");
    }
    assert_eq!(
        r.table.multivariable.as_ref().unwrap().n as f64,
        num(&m["n"]).unwrap()
    );
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn the_csv_holds_every_cell_at_full_precision() {
    let r = run(&csv_table(&data_file("06_infert", "data.csv")), &infert()).unwrap();
    let lines: Vec<&str> = r.csv.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 1 + r.table.rows.len());
    let header: Vec<&str> = lines[0].split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for (line, row) in lines[1..].iter().zip(&r.table.rows) {
        let fields: Vec<&str> = line.split(',').collect();
        let number = |name: &str| fields[column(name)].parse::<f64>().ok();
        assert_eq!(number("univariate_or"), row.univariate.estimate, "{line}");
        assert_eq!(number("univariate_lower"), row.univariate.lower, "{line}");
        assert_eq!(
            number("multivariable_upper"),
            row.multivariable.upper,
            "{line}"
        );
        assert_eq!(number("multivariable_p"), row.multivariable.p, "{line}");
    }
}

#[test]
fn lung_cox_table_equals_coxph_with_the_censoring_values_inferred() {
    // The outcome type follows from `time`; censored = every other value of status (1).
    let reference = reference("02_lung");
    let b = &reference["cox"]["efron"];
    let request = ModelTableRequest {
        outcome: OutcomeRequest {
            time: "time".into(),
            event: "status".into(),
            event_values: vec!["2".into()],
            ..OutcomeRequest::default()
        },
        candidates: candidates(&["age", "sex", "ph.ecog"]),
        multivariable: Some(vec!["age".into(), "sex".into(), "ph.ecog".into()]),
        ..ModelTableRequest::default()
    };
    let r = run(&csv_table(&data_file("02_lung", "data.csv")), &request).unwrap();
    for (k, term) in ["age", "sex", "ph.ecog"].iter().enumerate() {
        check_cell(cells(&r, term, None).1, b, k, HR, term);
    }
    let Some(FittedModel::Cox(fit)) = r.table.multivariable.as_ref().map(|m| &m.fit) else {
        panic!("Cox fit")
    };
    for (test, key) in [
        (&fit.lr_test, "lr_test"),
        (&fit.wald_test, "wald_test"),
        (&fit.score_test, "score_test"),
    ] {
        assert_close(test.stat, num(&b[key]["stat"]).unwrap(), STAT_REL, key);
        assert_close(test.p, num(&b[key]["p"]).unwrap(), STAT_REL, key);
    }
    assert_close(
        fit.concordance.as_ref().unwrap().c,
        num(&b["concordance"]["c"]).unwrap(),
        STAT_REL,
        "concordance",
    );
    let text = r.model_fit_text.as_deref().unwrap();
    assert!(
        text.contains(&format!(
            "χ² = {}, df = 3",
            format::number(fit.lr_test.stat, 2)
        )),
        "{text}"
    );
    assert_eq!(r.display_table.header[1], "Univariate HR (95% CI)");
    assert!(
        r.settings_text.contains("censored: status = 1."),
        "{}",
        r.settings_text
    );
    assert!(
        r.n_text.contains(
            "Multivariable model: 227 patients (164 events), 1 left out for a missing factor"
        ),
        "{}",
        r.n_text
    );
}

/// `text` without the data lines whose `column` (by header) is `value`.
fn without_value(text: &str, column: &str, value: &str) -> String {
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let k = header.split(',').position(|h| h == column).unwrap();
    let kept: Vec<&str> = lines
        .filter(|l| l.split(',').nth(k) != Some(value))
        .collect();
    format!("{header}\n{}\n", kept.join("\n"))
}

#[test]
fn comparing_two_outcome_values_equals_the_file_without_the_others() {
    // 12+ yrs against 0-5yrs of education, 6-11yrs left out (a category
    // column), and parity 1 against 2 (a number column): the models must be
    // those of the file with the other rows deleted by hand.
    let text = data_file("06_infert", "data.csv");
    for (column, one, zero, other, n_other) in [
        ("education", "12+ yrs", "0-5yrs", "6-11yrs", 120),
        ("parity", "1", "2", "", 0),
    ] {
        let request = ModelTableRequest {
            outcome: binary(column, &[one], &[zero]),
            candidates: candidates(&["age", "spontaneous", "induced"]),
            multivariable: Some(vec!["age".into(), "spontaneous".into(), "induced".into()]),
            ..ModelTableRequest::default()
        };
        let full = csv_table(&text);
        let r = run(&full, &request).unwrap();
        // By hand: keep only rows whose value is `one` or `zero`.
        let mut by_hand = text.clone();
        let values: Vec<String> = {
            let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
            let k = header.iter().position(|h| *h == column).unwrap();
            let mut v: Vec<String> = text
                .lines()
                .skip(1)
                .map(|l| l.split(',').nth(k).unwrap().to_string())
                .collect();
            v.sort();
            v.dedup();
            v
        };
        for v in values.iter().filter(|v| *v != one && *v != zero) {
            by_hand = without_value(&by_hand, column, v);
        }
        let removed = full.n_rows() - csv_table(&by_hand).n_rows();
        if !other.is_empty() {
            assert_eq!(removed, n_other, "rows of {other}");
        }
        let h = run(&csv_table(&by_hand), &request).unwrap();
        assert_eq!(r.table.outcome.n, h.table.outcome.n);
        assert_eq!(r.table.outcome.n_events, h.table.outcome.n_events);
        assert_eq!(r.table.outcome.n_read, full.n_rows());
        for (a, b) in r.table.rows.iter().zip(&h.table.rows) {
            assert_eq!(
                (a.univariate.estimate, a.univariate.p),
                (b.univariate.estimate, b.univariate.p),
                "{}",
                a.label
            );
            assert_eq!(
                (a.multivariable.lower, a.multivariable.upper),
                (b.multivariable.lower, b.multivariable.upper)
            );
        }
        assert_eq!(r.display_table.rows, h.display_table.rows);
        // The left-out rows are said to be left out, not missing.
        assert!(r.warnings[0].message().starts_with(&format!("Only patients with \"{column}\" = \"{one}\", \"{zero}\" are compared; {removed} with another value")), "{:?}", r.warnings);
        assert!(
            !r.warnings
                .iter()
                .any(|w| w.message().contains("is missing")),
            "{:?}",
            r.warnings
        );
        assert!(
            r.table.outcome.dropped.is_empty(),
            "no value is missing: {:?}",
            r.table.outcome.dropped
        );
        assert!(
            r.settings_text.contains(&format!(
                "; {removed} patients with another value left out."
            )),
            "{}",
            r.settings_text
        );
    }
}

#[test]
fn a_date_outcome_or_a_missing_column_is_refused_by_name() {
    let t = csv_table("d,x\n2020-01-01,1\n2020-02-01,2\n2020-03-01,3\n");
    let request = ModelTableRequest {
        outcome: binary("d", &["2020-01-01"], &["2020-02-01"]),
        candidates: candidates(&["x"]),
        ..ModelTableRequest::default()
    };
    assert!(run(&t, &request).unwrap_err().contains("holds dates"));
    let request = ModelTableRequest {
        outcome: binary("nope", &["1"], &["0"]),
        ..request
    };
    assert!(run(&t, &request)
        .unwrap_err()
        .contains("no column named \"nope\""));
}
