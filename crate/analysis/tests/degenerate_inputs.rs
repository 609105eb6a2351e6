//! Every analysis on degenerate data (one patient, no events, every patient
//! censored, a group emptied by a landmark, constant covariates): it must not
//! panic; where the analysis is possible its report serialises as the binding
//! sends it (serde_json, so NaN and ±Infinity become `null`) with `null`
//! exactly where a value is undefined; where it is impossible the run returns
//! an error that names the problem.

use serde::Serialize;
use serde_json::Value;
use survcalc_analysis::analyses::{baseline, cohort, cox, km, models, rates};
use survcalc_analysis::design::TermSpec;
use survcalc_analysis::table::{read_csv, ColumnData, ReadOptions, Table};
use survcalc_stats::logrank::PAdjust;

fn table(text: &str) -> Table {
    read_csv(text.as_bytes(), &ReadOptions::default()).unwrap()
}

/// The report as the binding sends it to JS.
fn report<T: Serialize>(r: &T) -> Value {
    serde_json::to_value(r).unwrap()
}

/// The value at a JSON pointer, which must exist.
#[track_caller]
fn at<'a>(v: &'a Value, pointer: &str) -> &'a Value {
    v.pointer(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in the report"))
}

#[track_caller]
fn assert_null(v: &Value, pointer: &str) {
    assert_eq!(at(v, pointer), &Value::Null, "{pointer}");
}

#[track_caller]
fn assert_number(v: &Value, pointer: &str) -> f64 {
    at(v, pointer)
        .as_f64()
        .unwrap_or_else(|| panic!("{pointer} is {} , not a number", at(v, pointer)))
}

fn km_request(group: Option<&str>) -> km::KmRequest {
    km::KmRequest {
        time: "time".into(),
        event: "status".into(),
        event_values: vec!["1".into()],
        censor_values: Some(vec!["0".into()]),
        group: group.map(str::to_string),
        times: vec![1.0, 10.0],
        rmst_tau: Some(3.0),
        ..km::KmRequest::default()
    }
}

#[test]
fn km_one_patient_with_an_event() {
    let r = report(&km::run(&table("time,status\n5,1\n"), &km_request(None)).unwrap());
    assert_eq!(assert_number(&r, "/fit/curves/0/median/quantile"), 5.0);
    // n = d at the only time: Greenwood's variance is infinite (R: Inf),
    // the limits undefined (R: NA), the median's limits too.
    assert_null(&r, "/fit/curves/0/table/std_err/0");
    assert_null(&r, "/fit/curves/0/table/lower/0");
    assert_null(&r, "/fit/curves/0/median/lower");
    assert_null(&r, "/fit/curves/0/median/upper");
    // Survival at 10 is 0 with an undefined SE and interval; at 1, before any event, 1 exactly.
    assert_eq!(assert_number(&r, "/survival_at_times/0/surv/1"), 0.0);
    assert_null(&r, "/survival_at_times/0/se/1");
    assert_null(&r, "/survival_at_times/0/lower/1");
    assert_eq!(assert_number(&r, "/survival_at_times/0/se/0"), 0.0);
    // Nobody censored: the median follow-up is not reached.
    assert_null(&r, "/follow_up/median");
    assert_null(&r, "/logrank");
    assert_eq!(assert_number(&r, "/rmst/0/estimate"), 3.0);
    assert_eq!(assert_number(&r, "/rmst/0/se"), 0.0);
}

#[test]
fn km_one_patient_censored() {
    let r = report(&km::run(&table("time,status\n5,0\n"), &km_request(None)).unwrap());
    assert_null(&r, "/fit/curves/0/median/quantile");
    assert_eq!(assert_number(&r, "/follow_up/median"), 5.0);
    assert_null(&r, "/follow_up/lower");
    let warnings = at(&r, "/warnings").to_string();
    assert!(warnings.contains("every time is censored"), "{warnings}");
}

#[test]
fn km_every_patient_censored_keeps_the_curves_without_a_test() {
    let t = table("time,status,g\n5,0,a\n6,0,b\n7,0,a\n8,0,b\n9,0,c\n");
    let request = km::KmRequest {
        trend: true,
        pairwise: Some(PAdjust::Holm),
        ..km_request(Some("g"))
    };
    let result = km::run(&t, &request).unwrap();
    assert!(result.warnings.iter().any(|w| w.code() == "group_test_not_computed"
        && w.message() == "No comparison of the groups: No patient has an event, so survival cannot be compared between groups."), "{:?}", result.warnings);
    let r = report(&result);
    for key in [
        "/logrank",
        "/test_text",
        "/trend",
        "/pairwise",
        "/plot/annotation",
        "/rmst_difference",
    ] {
        assert_null(&r, key);
    }
    assert_eq!(at(&r, "/fit/curves").as_array().unwrap().len(), 4);
    assert_null(&r, "/fit/curves/1/median/quantile");
    // Two groups, nobody with an event before tau: a difference of 0 without SE-based test.
    let two = report(
        &km::run(
            &table("time,status,g\n5,0,a\n6,0,b\n"),
            &km_request(Some("g")),
        )
        .unwrap(),
    );
    assert_eq!(assert_number(&two, "/rmst_difference/estimate"), 0.0);
    assert_null(&two, "/rmst_difference/z");
    assert_null(&two, "/rmst_difference/p");
}

#[test]
fn km_groups_emptied_by_a_landmark() {
    // Landmark at 6.5: group b (times 6 and earlier) has nobody left; then a and c.
    let t = table("time,status,g\n5,1,a\n6,1,b\n7,1,a\n8,1,c\n9,0,a\n10,1,c\n");
    let request = km::KmRequest {
        landmark: Some(6.5),
        trend: true,
        ..km_request(Some("g"))
    };
    let result = km::run(&t, &request).unwrap();
    assert_eq!(result.landmark.as_ref().unwrap().groups_left_out, ["b"]);
    assert!(
        result
            .warnings
            .iter()
            .any(|w| w.code() == "landmark_group_left_out"
                && w.message().contains("no patient of group \"b\"")),
        "{:?}",
        result.warnings
    );
    let r = report(&result);
    assert_null(&r, "/trend");
    let labels: Vec<&str> = result.rmst.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(labels, ["All patients", "a", "c"]);
    assert_eq!(at(&r, "/rmst_difference/group"), "c");
    // At 8.5: a (censored at 0.5) and c (an event at 1.5): nobody of a is
    // at risk at c's event, so there is no test; the RMST difference has no SE.
    let apart = km::run(
        &t,
        &km::KmRequest {
            landmark: Some(8.5),
            ..km_request(Some("g"))
        },
    )
    .unwrap();
    assert!(
        apart
            .warnings
            .iter()
            .any(|w| w.code() == "group_test_not_computed"
                && w.message()
                    .contains("Only one group has patients at risk when events occur")),
        "{:?}",
        apart.warnings
    );
    let r = report(&apart);
    assert_null(&r, "/logrank");
    assert_null(&r, "/rmst_difference/z");
    assert_null(&r, "/rmst_difference/p");
    // At 9.5 only c is left: no test and no difference, but its curve and numbers.
    let one = km::run(
        &t,
        &km::KmRequest {
            landmark: Some(9.5),
            ..km_request(Some("g"))
        },
    )
    .unwrap();
    let r = report(&one);
    assert_null(&r, "/logrank");
    assert_null(&r, "/rmst_difference");
    assert_eq!(one.landmark.as_ref().unwrap().groups_left_out, ["a", "b"]);
    assert_eq!((one.n_used, one.rmst.len()), (1, 2));
}

fn cox_request(covariates: &[&str]) -> cox::CoxRequest {
    cox::CoxRequest {
        time: "time".into(),
        event: "status".into(),
        event_values: vec!["1".into()],
        covariates: covariates.iter().map(|c| TermSpec::new(c)).collect(),
        ..cox::CoxRequest::default()
    }
}

#[test]
fn cox_without_a_fit_to_make_says_why() {
    let one = cox::run(&table("time,status,x\n5,1,2\n"), &cox_request(&["x"])).unwrap_err();
    assert!(
        one.contains("Column \"x\" has only one value (\"2\")"),
        "{one}"
    );
    let none = cox::run(
        &table("time,status,x\n5,0,2\n6,0,3\n7,0,1\n"),
        &cox_request(&["x"]),
    )
    .unwrap_err();
    assert!(none.contains("No row ends with an event"), "{none}");
    let constant = "time,status,x,z\n5,1,2,1\n6,0,2,2\n7,1,2,5\n8,1,2,3\n9,0,2,1\n";
    let e = cox::run(&table(constant), &cox_request(&["z", "x"])).unwrap_err();
    assert!(
        e.contains("Column \"x\" has only one value (\"2\") among the 5 patients analysed"),
        "{e}"
    );
    // Without the constant column the same data fit.
    let fit = report(&cox::run(&table(constant), &cox_request(&["z"])).unwrap());
    assert_number(&fit, "/fit/coef/0");
}

#[test]
fn cox_with_no_comparable_risk_set_has_no_estimate() {
    // One patient per stratum: every risk set holds only the patient with
    // the event, the information is 0 and R's coefficient NA ("X matrix
    // deemed to be singular"), not a hazard ratio of 1 with SE 0.
    let t = table(
        "time,status,x,s
5,1,2,a
6,0,3,b
7,1,1,c
8,1,4,d
",
    );
    let result = cox::run(
        &t,
        &cox::CoxRequest {
            strata: Some("s".into()),
            ..cox_request(&["x"])
        },
    )
    .unwrap();
    let r = report(&result);
    for key in [
        "/fit/coef/0",
        "/fit/hr/0",
        "/fit/se/0",
        "/fit/hr_lower/0",
        "/fit/p/0",
        "/fit/lr_test/p",
        "/fit/concordance",
    ] {
        assert_null(&r, key);
    }
    assert_eq!(result.hr_table.rows[0][1], "not estimable (collinear)");
    // The same for a time-varying status of a single patient.
    let one = cox::CoxRequest {
        time_varying: Some(cox::TimeVaryingSpec {
            column: "switch".into(),
            ..cox::TimeVaryingSpec::default()
        }),
        ..cox_request(&[])
    };
    let r = report(
        &cox::run(
            &table(
                "time,status,switch
5,1,2
",
            ),
            &one,
        )
        .unwrap(),
    );
    assert_null(&r, "/fit/coef/0");
    assert_eq!(assert_number(&r, "/time_varying/n_rows"), 2.0);
}

fn binary_table(covariates: &[&str], text: &str) -> Result<models::ModelTableResult, String> {
    let request = models::ModelTableRequest {
        outcome: models::OutcomeRequest {
            column: "y".into(),
            event_values: vec!["1".into()],
            ..models::OutcomeRequest::default()
        },
        candidates: covariates.iter().map(|c| TermSpec::new(c)).collect(),
        ..models::ModelTableRequest::default()
    };
    models::run(&table(text), &request)
}

#[test]
fn model_tables_without_a_fit_to_make_say_why() {
    let constant = "y,x,z\n1,2,1\n0,2,2\n1,2,5\n0,2,3\n1,2,1\n0,2,4\n";
    let e = binary_table(&["z", "x"], constant).unwrap_err();
    assert!(e.contains("Column \"x\" has only one value"), "{e}");
    let e = binary_table(&["x"], "y,x\n1,2\n").unwrap_err();
    assert!(e.contains("only one value"), "{e}");
    let e = binary_table(&["x"], "y,x\n1,2\n1,3\n1,4\n").unwrap_err();
    assert!(e.contains("Every row has the event"), "{e}");
    let survival = models::ModelTableRequest {
        outcome: models::OutcomeRequest {
            time: "time".into(),
            event: "status".into(),
            event_values: vec!["1".into()],
            ..models::OutcomeRequest::default()
        },
        candidates: vec![TermSpec::new("x")],
        ..models::ModelTableRequest::default()
    };
    let e = models::run(&table("time,status,x\n5,0,2\n6,0,3\n7,0,1\n"), &survival).unwrap_err();
    assert!(e.contains("No row ends with an event"), "{e}");
    // A factor with one usable level next to the constant one: the table fits the other.
    let r = report(&binary_table(&["z"], constant).unwrap());
    assert_number(&r, "/table/rows/0/univariate/estimate");
}

fn rates_request(group: Option<&str>) -> rates::RatesRequest {
    rates::RatesRequest {
        outcome: "y".into(),
        success_values: vec!["1".into()],
        group: group.map(str::to_string),
        ..rates::RatesRequest::default()
    }
}

#[test]
fn rates_of_one_patient_and_of_groups_without_any_success() {
    let one = report(&rates::run(&table("y\n1\n"), &rates_request(None)).unwrap());
    // 1 of 1: the exact lower limit solves p = α/2.
    assert!((assert_number(&one, "/overall/clopper_pearson/lower") - 0.025).abs() < 1e-12);
    assert_eq!(assert_number(&one, "/overall/clopper_pearson/upper"), 1.0);
    assert_null(&one, "/test");
    let none = rates::run(&table("y,g\n0,a\n0,b\n0,a\n"), &rates_request(Some("g"))).unwrap();
    assert!(
        none.warnings
            .iter()
            .any(|w| w.message().contains("Every patient has the same outcome")),
        "{:?}",
        none.warnings
    );
    assert_null(&report(&none), "/test");
    let e = rates::run(&table("y,g\n,a\n,b\n"), &rates_request(Some("g"))).unwrap_err();
    assert!(e.contains("No patient has a value of \"y\""), "{e}");
}

#[test]
fn table_1_with_constant_variables_has_no_p() {
    let request = baseline::BaselineRequest {
        group: "g".into(),
        variables: ["x", "c"]
            .map(|v| baseline::VariableRequest::Column(v.into()))
            .to_vec(),
        ..baseline::BaselineRequest::default()
    };
    let result = baseline::run(&table("g,x,c\na,1,u\nb,1,u\na,1,u\nb,1,u\n"), &request).unwrap();
    let r = report(&result);
    for (i, row) in result
        .table
        .rows
        .iter()
        .enumerate()
        .filter(|(_, row)| row.kind == survcalc_analysis::baseline::BaselineRowKind::Variable)
    {
        assert_null(&r, &format!("/table/rows/{i}/p"));
        assert_eq!(row.p_text, "—", "{}", row.variable);
    }
    assert_eq!(result.warnings.len(), 2, "{:?}", result.warnings);
    // One patient per group: tests exist and have a p.
    let one = baseline::run(&table("g,x,c\na,1,u\nb,2,v\n"), &request).unwrap();
    assert!(one.table.tests.iter().all(|t| t.p.is_finite()));
}

#[test]
fn a_cohort_of_one_unclassifiable_patient() {
    let mut t = table("id,start,bor,progression_date\nA,2020-01-01,PR,\n");
    let request = cohort::CohortRequest {
        columns: cohort::suggest_columns(&t),
        ..cohort::CohortRequest::default()
    };
    let r = cohort::run(&mut t, &request).unwrap();
    assert_eq!(
        (r.flow.screened, r.flow.unclassifiable, r.flow.analysed),
        (1, 1, 0)
    );
    assert!(r.endpoints.iter().all(|e| e.n == 0));
    let group = t.column(cohort::GROUP_COLUMN).unwrap();
    assert!(matches!(&group.data, ColumnData::Category { codes, .. } if codes == &[None]));
    report(&r);
}
