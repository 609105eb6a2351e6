//! The univariate + multivariable table through the table API, against R
//! 4.2.2 fixtures: infert (glm, 06_infert), endometrial (Firth, 07_separation),
//! ovarian and lung (coxph, 04_ovarian, 02_lung). Each block's `call` field
//! names the R call.

// One copy of the fixtures loader and the tolerances, shared by every crate's tests.
#[path = "../../stats/tests/support/mod.rs"]
mod support;

use serde_json::Value;
use statrs::distribution::{ChiSquared, ContinuousCDF};
use support::*;
use survcalc_analysis::design::{BinaryOutcomeSpec, SurvivalOutcomeSpec, TermSpec};
use survcalc_analysis::format;
use survcalc_analysis::model_table::{
    fit, Cell, ModelKind, ModelTable, ModelTableError, ModelTableOptions, ModelTableSpec,
    OutcomeSpec, RowKind, TermTest,
};
use survcalc_analysis::table::{read_csv, ReadOptions, Table};
use survcalc_analysis::warning::{Context, Warning};
use survcalc_stats::cox::Ties;
use survcalc_stats::logistic::{CiMethod, SeparationKind};

fn table(dataset: &str, file: &str) -> Table {
    read_csv(data_file(dataset, file).as_bytes(), &ReadOptions::default()).unwrap()
}

fn binary(column: &str) -> OutcomeSpec {
    OutcomeSpec::Binary(BinaryOutcomeSpec {
        column: column.into(),
        event_values: vec!["1".into()],
        non_event_values: vec!["0".into()],
    })
}

fn infert_spec(multivariable: Option<&[&str]>) -> ModelTableSpec {
    ModelTableSpec {
        outcome: binary("case"),
        candidates: vec![
            TermSpec::new("spontaneous"),
            TermSpec::new("induced"),
            TermSpec::new("education"),
        ],
        multivariable: multivariable.map(|m| m.iter().map(|s| s.to_string()).collect()),
    }
}

fn row<'a>(t: &'a ModelTable, term: &str, level: Option<&str>) -> &'a Cell {
    &t.rows
        .iter()
        .find(|r| r.term == term && r.level.as_deref() == level)
        .unwrap()
        .univariate
}

fn multi<'a>(t: &'a ModelTable, term: &str, level: Option<&str>) -> &'a Cell {
    &t.rows
        .iter()
        .find(|r| r.term == term && r.level.as_deref() == level)
        .unwrap()
        .multivariable
}

/// Compares a cell with coefficient `k` of an R logistic block (Wald CI).
fn check_logistic_cell(cell: &Cell, block: &Value, k: usize, what: &str) {
    let or = f64s(&block["or"])[k];
    let lo = f64s(&block["wald_ci_or_lower"])[k];
    let hi = f64s(&block["wald_ci_or_upper"])[k];
    let p = f64s(&block["p"])[k];
    assert_close(cell.estimate.unwrap(), or, COEF_REL, &format!("{what} OR"));
    assert_close(cell.lower.unwrap(), lo, STAT_REL, &format!("{what} lower"));
    assert_close(cell.upper.unwrap(), hi, STAT_REL, &format!("{what} upper"));
    assert_close(cell.p.unwrap(), p, STAT_REL, &format!("{what} p"));
    assert_eq!(cell.text, format::estimate_ci(or, lo, hi, 2), "{what} text");
    assert_eq!(cell.p_text, format::p_value(p), "{what} p text");
    assert!(!cell.reference);
}

#[test]
fn infert_univariate_and_multivariable_rows_equal_glm() {
    // glm(case ~ spontaneous + induced + education, family = binomial, data = infert)
    // and glm(case ~ x, ...) for each x.
    let r = reference("06_infert");
    let l = &r["logistic"];
    let t = table("06_infert", "data.csv");
    let out = fit(
        &t,
        &infert_spec(Some(&["spontaneous", "induced", "education"])),
        &ModelTableOptions::default(),
    )
    .unwrap();
    assert_eq!(out.model, ModelKind::Logistic);
    assert_eq!(out.estimate_name, "OR");

    check_logistic_cell(
        row(&out, "spontaneous", None),
        &l["univariate_spontaneous"],
        1,
        "uni spontaneous",
    );
    check_logistic_cell(
        row(&out, "induced", None),
        &l["univariate_induced"],
        1,
        "uni induced",
    );
    check_logistic_cell(
        row(&out, "education", Some("6-11yrs")),
        &l["univariate_education"],
        1,
        "uni 6-11",
    );
    check_logistic_cell(
        row(&out, "education", Some("12+ yrs")),
        &l["univariate_education"],
        2,
        "uni 12+",
    );
    let m = &l["multivariable"];
    check_logistic_cell(multi(&out, "spontaneous", None), m, 1, "multi spontaneous");
    check_logistic_cell(multi(&out, "induced", None), m, 2, "multi induced");
    check_logistic_cell(
        multi(&out, "education", Some("6-11yrs")),
        m,
        3,
        "multi 6-11",
    );
    check_logistic_cell(multi(&out, "education", Some("12+ yrs")), m, 4, "multi 12+");

    // Layout: numeric rows, then the factor header, reference and levels.
    let kinds: Vec<(RowKind, &str)> = out
        .rows
        .iter()
        .map(|r| (r.kind, r.label.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (RowKind::Numeric, "spontaneous"),
            (RowKind::Numeric, "induced"),
            (RowKind::Factor, "education"),
            (RowKind::Reference, "0-5yrs"),
            (RowKind::Level, "6-11yrs"),
            (RowKind::Level, "12+ yrs"),
        ]
    );
    let reference_row = &out.rows[3];
    assert!(reference_row.univariate.reference && reference_row.multivariable.reference);
    assert_eq!(reference_row.univariate.text, "reference");
    assert_eq!(reference_row.n, Some(12));
    assert_eq!(out.rows[4].n, Some(120));

    // Whole-factor LR test of education: null deviance - deviance on 2 df.
    let ue = &l["univariate_education"];
    let lr = num(&ue["null_deviance"]).unwrap() - num(&ue["deviance"]).unwrap();
    let lr_p = ChiSquared::new(2.0).unwrap().sf(lr);
    let edu = out
        .univariate
        .iter()
        .find(|u| u.term == "education")
        .unwrap();
    let test = edu.factor_test.as_ref().unwrap();
    assert_eq!(test.test, "likelihood-ratio test");
    assert_eq!(test.df, 2);
    assert_close(test.stat, lr, STAT_REL, "education LR");
    assert_close(edu.selection_p.unwrap(), lr_p, STAT_REL, "education LR p");
    assert_close(
        out.rows[2].univariate.p.unwrap(),
        lr_p,
        STAT_REL,
        "factor row p",
    );
    // Multivariable factor p: Wald test of both education coefficients.
    assert!(out.rows[2].multivariable.p.is_some());
    assert_eq!(
        out.multivariable.as_ref().unwrap().factor_tests[0].1.test,
        "Wald test"
    );

    for u in &out.univariate {
        assert_eq!(u.n, 248);
    }
    let mv = out.multivariable.as_ref().unwrap();
    assert_eq!(mv.n as f64, num(&m["n"]).unwrap());
    assert_eq!(mv.n_events, 83);
    assert!(mv.chosen_by.contains("chosen by the user"));
    assert!(
        out.settings.contains("95% Wald confidence intervals"),
        "{}",
        out.settings
    );
    assert_eq!(out.selection.proposed, ["spontaneous"]);
    assert_eq!(
        out.selection.rule,
        "Factors with univariate p < 0.05 entered the multivariable model (for factors with more than two categories, the p of the likelihood-ratio test of the whole factor)."
    );
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
}

#[test]
fn infert_selection_rule_builds_the_multivariable_model() {
    let r = reference("06_infert");
    let t = table("06_infert", "data.csv");
    let out = fit(&t, &infert_spec(None), &ModelTableOptions::default()).unwrap();
    let mv = out.multivariable.as_ref().unwrap();
    assert_eq!(mv.terms, ["spontaneous"]);
    assert_eq!(mv.chosen_by, out.selection.rule);
    // One factor: the multivariable model is the univariate one.
    check_logistic_cell(
        multi(&out, "spontaneous", None),
        &r["logistic"]["univariate_spontaneous"],
        1,
        "selected",
    );
    assert_eq!(multi(&out, "induced", None).text, "");
    assert_eq!(multi(&out, "education", Some("0-5yrs")).text, "");
    assert!(!multi(&out, "education", Some("0-5yrs")).reference);

    // A threshold no factor meets: no multivariable model, with a warning.
    let strict = ModelTableOptions {
        threshold: 1e-9,
        ..ModelTableOptions::default()
    };
    let out = fit(&t, &infert_spec(None), &strict).unwrap();
    assert!(out.multivariable.is_none());
    assert!(
        out.warnings
            .contains(&Warning::NoMultivariableModel { threshold: 1e-9 }),
        "{:?}",
        out.warnings
    );

    // Wald whole-factor test on request.
    let wald = ModelTableOptions {
        term_test: TermTest::Wald,
        ..ModelTableOptions::default()
    };
    let out = fit(&t, &infert_spec(None), &wald).unwrap();
    let edu = out
        .univariate
        .iter()
        .find(|u| u.term == "education")
        .unwrap();
    assert_eq!(edu.factor_test.as_ref().unwrap().test, "Wald test");
    assert!(out.selection.rule.contains("Wald test of the whole factor"));
}

#[test]
fn infert_profile_intervals_on_request() {
    let r = reference("06_infert");
    let t = table("06_infert", "data.csv");
    let options = ModelTableOptions {
        ci: CiMethod::Profile,
        ..ModelTableOptions::default()
    };
    let out = fit(
        &t,
        &infert_spec(Some(&["spontaneous", "induced", "education"])),
        &options,
    )
    .unwrap();
    let m = &r["logistic"]["multivariable"];
    let cell = multi(&out, "induced", None);
    assert_close(
        cell.lower.unwrap(),
        f64s(&m["profile_ci_exact_or_lower"])[2],
        STAT_REL,
        "profile lower",
    );
    assert_close(
        cell.upper.unwrap(),
        f64s(&m["profile_ci_exact_or_upper"])[2],
        STAT_REL,
        "profile upper",
    );
    assert!(
        out.settings.contains("profile-likelihood"),
        "{}",
        out.settings
    );
}

#[test]
fn endometrial_separation_warning_and_firth() {
    // ML: glm(HG ~ NV + PI + EH) is quasi-separated by NV; Firth as logistf.
    let r = reference("07_separation");
    let t = table("07_separation", "data.csv");
    let spec = ModelTableSpec {
        outcome: binary("HG"),
        candidates: vec![
            TermSpec::new("NV"),
            TermSpec::new("PI"),
            TermSpec::new("EH"),
        ],
        multivariable: Some(vec!["NV".into(), "PI".into(), "EH".into()]),
    };
    let ml = fit(&t, &spec, &ModelTableOptions::default()).unwrap();
    let separation = |context: Context, univariate: bool| {
        Warning::Separation {
            kind: SeparationKind::QuasiComplete,
            terms: vec!["NV".into()],
            univariate,
        }
        .within(context)
    };
    assert!(
        ml.warnings.contains(&separation(
            Context::UnivariateModel { term: "NV".into() },
            true
        )),
        "{:?}",
        ml.warnings
    );
    assert!(
        ml.warnings
            .contains(&separation(Context::MultivariableModel, false)),
        "{:?}",
        ml.warnings
    );
    // The table's own sentence replaces the kernel's (which names Firth's method option).
    assert!(!ml
        .warnings
        .iter()
        .any(|w| matches!(w.inner(), Warning::Kernel(_)) && w.code() == "separation"));
    assert_eq!(multi(&ml, "NV", None).text, "not estimable (separation)");
    // NV is not proposed on the strength of an arbitrary ML p-value.
    assert!(!ml.selection.proposed.contains(&"NV".to_string()));

    let options = ModelTableOptions {
        firth: true,
        ci: CiMethod::Profile,
        ..ModelTableOptions::default()
    };
    let firth = fit(&t, &spec, &options).unwrap();
    let b = &r["logistic"]["endometrial_firth"];
    for (k, term) in ["NV", "PI", "EH"].iter().enumerate() {
        let cell = multi(&firth, term, None);
        assert_close(
            cell.estimate.unwrap(),
            f64s(&b["or"])[k + 1],
            COEF_REL,
            &format!("{term} OR"),
        );
        assert_close(
            cell.lower.unwrap(),
            f64s(&b["profile_pl_ci_or_lower"])[k + 1],
            STAT_REL,
            &format!("{term} lower"),
        );
        assert_close(
            cell.upper.unwrap(),
            f64s(&b["profile_pl_ci_or_upper"])[k + 1],
            STAT_REL,
            &format!("{term} upper"),
        );
        assert_close(
            cell.p.unwrap(),
            f64s(&b["plr_p"])[k + 1],
            STAT_REL,
            &format!("{term} p"),
        );
    }
    assert!(
        !firth.warnings.iter().any(|w| w.code() == "separation"),
        "{:?}",
        firth.warnings
    );
    assert!(
        firth.settings.contains("Firth") && firth.settings.contains("penalised likelihood-ratio")
    );
}

fn check_cox_cell(cell: &Cell, block: &Value, k: usize, what: &str) {
    assert_close(
        cell.estimate.unwrap(),
        f64s(&block["hr"])[k],
        COEF_REL,
        &format!("{what} HR"),
    );
    assert_close(
        cell.lower.unwrap(),
        f64s(&block["hr_lower95"])[k],
        STAT_REL,
        &format!("{what} lower"),
    );
    assert_close(
        cell.upper.unwrap(),
        f64s(&block["hr_upper95"])[k],
        STAT_REL,
        &format!("{what} upper"),
    );
    assert_close(
        cell.p.unwrap(),
        f64s(&block["p"])[k],
        STAT_REL,
        &format!("{what} p"),
    );
}

#[test]
fn ovarian_stratified_cox_multivariable() {
    // coxph(Surv(futime, fustat) ~ rx + age + strata(resid.ds), data = ovarian, ties = 'breslow')
    let r = reference("04_ovarian");
    let t = table("04_ovarian", "data.csv");
    let spec = ModelTableSpec {
        outcome: OutcomeSpec::Survival(SurvivalOutcomeSpec {
            time: "futime".into(),
            event: "fustat".into(),
            event_values: vec!["1".into()],
            censor_values: vec!["0".into()],
            strata: Some("resid.ds".into()),
            ..SurvivalOutcomeSpec::default()
        }),
        candidates: vec![TermSpec::new("rx"), TermSpec::new("age")],
        multivariable: Some(vec!["rx".into(), "age".into()]),
    };
    for (ties, id) in [
        (Ties::Breslow, "strata_resid_ds_breslow"),
        (Ties::Efron, "strata_resid_ds_efron"),
    ] {
        let out = fit(
            &t,
            &spec,
            &ModelTableOptions {
                ties,
                ..ModelTableOptions::default()
            },
        )
        .unwrap();
        assert_eq!(out.estimate_name, "HR");
        let b = &r["cox"][id];
        check_cox_cell(multi(&out, "rx", None), b, 0, id);
        check_cox_cell(multi(&out, "age", None), b, 1, id);
        assert_eq!(out.multivariable.as_ref().unwrap().n, 26);
        assert!(
            out.settings.contains("stratified by \"resid.ds\""),
            "{}",
            out.settings
        );
    }
    // The stratification column cannot also be a factor.
    let mut bad = spec.clone();
    bad.candidates.push(TermSpec::new("resid.ds"));
    let err = fit(&t, &bad, &ModelTableOptions::default()).unwrap_err();
    assert!(err.to_string().contains("stratification column"), "{err}");
}

#[test]
fn lung_models_use_their_own_complete_rows() {
    // coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung): 227 rows;
    // the univariate age and sex models keep all 228.
    let r = reference("02_lung");
    let t = table("02_lung", "data.csv");
    let spec = ModelTableSpec {
        outcome: OutcomeSpec::Survival(SurvivalOutcomeSpec {
            time: "time".into(),
            event: "status".into(),
            event_values: vec!["2".into()],
            censor_values: vec!["1".into()],
            ..SurvivalOutcomeSpec::default()
        }),
        candidates: vec![
            TermSpec::new("age"),
            TermSpec::new("sex"),
            TermSpec::new("ph.ecog"),
        ],
        multivariable: Some(vec!["age".into(), "sex".into(), "ph.ecog".into()]),
    };
    let out = fit(&t, &spec, &ModelTableOptions::default()).unwrap();
    let n: Vec<usize> = out.univariate.iter().map(|u| u.n).collect();
    assert_eq!(n, [228, 228, 227]);
    assert_eq!(out.univariate[2].n_dropped, 1);
    let mv = out.multivariable.as_ref().unwrap();
    assert_eq!(mv.n, 227);
    assert_eq!(mv.missing[0].lines, [15]);
    let b = &r["cox"]["efron"];
    for (k, term) in ["age", "sex", "ph.ecog"].iter().enumerate() {
        check_cox_cell(multi(&out, term, None), b, k, term);
    }
    assert_eq!(out.outcome.n, 228);
}

#[test]
fn errors() {
    let t = table("06_infert", "data.csv");
    let mut spec = infert_spec(Some(&["parity"]));
    assert_eq!(
        fit(&t, &spec, &ModelTableOptions::default()).unwrap_err(),
        ModelTableError::NotACandidate {
            column: "parity".into()
        }
    );
    spec.multivariable = None;
    spec.candidates.push(TermSpec::new("case"));
    let err = fit(&t, &spec, &ModelTableOptions::default()).unwrap_err();
    assert!(err.to_string().contains("is the outcome"), "{err}");
    spec.candidates.pop();
    spec.candidates.push(TermSpec::new("nope"));
    assert_eq!(
        fit(&t, &spec, &ModelTableOptions::default())
            .unwrap_err()
            .to_string(),
        "There is no column named \"nope\"."
    );
    spec.candidates.clear();
    assert_eq!(
        fit(&t, &spec, &ModelTableOptions::default()).unwrap_err(),
        ModelTableError::NoCandidates
    );
}
