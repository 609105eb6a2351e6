//! Derived variables as the user makes them: never replacing a column,
//! mistakes named by column, line and value, formulas stated next to the
//! results, removable; the classification's columns likewise never replace
//! the user's; the data downloaded as CSV; and the suggestions on load said
//! to be unambiguous or only suggestions.

use serde_json::{json, Value};
use survcalc_analysis::analyses::{cohort, cox, km};
use survcalc_analysis::derive::{self, DeriveRequest};
use survcalc_analysis::export::{dataset_csv, DataExportRequest};
use survcalc_analysis::request;
use survcalc_analysis::summary::{self, SuggestionBasis};
use survcalc_analysis::table::{read_csv, ColumnData, ReadOptions, Table};

fn csv(text: &str) -> Table {
    read_csv(text.as_bytes(), &ReadOptions::default()).unwrap()
}

fn derive(table: &mut Table, value: Value) -> Result<derive::DeriveResult, String> {
    derive::derive(
        table,
        &request::from_value::<DeriveRequest>(&value, "a test").unwrap(),
    )
}

fn small() -> Table {
    csv("id,afp,sex,arm,start,death,score\n\
         1,12,m,ICI alone,2020-01-01,2020-07-01,1\n\
         2,512,f,ICI+bev,2020-02-01,,2\n\
         3,,m,ICI+len,2020-03-01,2020-02-01,x\n\
         4,400,f,ICI alone,2020-04-01,2021-04-01,4\n\
         5,0,m,ICI+bev,,2020-06-01,5\n")
}

#[test]
fn a_derived_column_never_replaces_one() {
    let mut t = small();
    let r = derive(
        &mut t,
        json!({"name": "afp", "cut": {"column": "afp", "at": [400]}}),
    )
    .unwrap();
    assert_eq!(r.column, "afp_2");
    assert_eq!(r.warnings[0].code(), "column_renamed");
    assert_eq!(
        r.warnings[0].message(),
        "A column named \"afp\" already exists and is kept as it is; the new column is named \"afp_2\"."
    );
    assert!(
        matches!(t.column("afp").unwrap().data, ColumnData::Number(_)),
        "the file's column is kept"
    );
    let r = derive(
        &mut t,
        json!({"name": "afp", "cut": {"column": "afp", "at": [100]}}),
    )
    .unwrap();
    assert_eq!(r.column, "afp_3");
    // The default name, taken the second time.
    assert_eq!(
        derive(&mut t, json!({"cut": {"column": "afp", "at": [400]}}))
            .unwrap()
            .column,
        "afp_ge_400"
    );
    assert_eq!(
        derive(&mut t, json!({"cut": {"column": "afp", "at": [400]}}))
            .unwrap()
            .column,
        "afp_ge_400_2"
    );
}

#[test]
fn a_cut_states_which_side_holds_the_cut_point() {
    let mut t = small();
    let r = derive(&mut t, json!({"cut": {"column": "afp", "at": [400]}})).unwrap();
    assert_eq!(r.levels, ["< 400", "≥ 400"]);
    assert_eq!(
        r.formula,
        "afp cut at 400 into \"< 400\", \"≥ 400\" (400 itself in \"≥ 400\"; R: cut(afp, c(-Inf, 400, Inf), right = FALSE))"
    );
    let shown: Vec<Option<String>> = (0..5)
        .map(|row| t.column("afp_ge_400").unwrap().data.display(row))
        .collect();
    assert_eq!(
        shown,
        [
            Some("< 400".into()),
            Some("≥ 400".into()),
            None,
            Some("≥ 400".into()),
            Some("< 400".into())
        ]
    );
    let r = derive(&mut t, json!({"cut": {"column": "afp", "at": [400], "cut_point_in": "lower", "labels": ["low", "high"]}})).unwrap();
    assert_eq!(r.column, "afp_gt_400");
    assert_eq!(
        t.column("afp_gt_400").unwrap().data.display(3).as_deref(),
        Some("low"),
        "400 is in the lower group"
    );
    assert!(
        r.formula
            .contains("400 itself in \"low\"; R: cut(afp, c(-Inf, 400, Inf)))"),
        "{}",
        r.formula
    );
    // The summary shows the formula as the column's reason and provenance.
    let s = summary::summarise("t.csv", &t);
    let c = s.columns.iter().find(|c| c.name == "afp_ge_400").unwrap();
    assert_eq!(
        c.reason,
        format!("derived: {}", c.derived.as_ref().unwrap().description)
    );
    assert_eq!(c.derived.as_ref().unwrap().sources, ["afp"]);
}

#[test]
fn mistakes_are_named_with_column_line_and_value() {
    let mut t = small();
    let e = derive(&mut t, json!({"cut": {"column": "sex", "at": [1]}})).unwrap_err();
    assert_eq!(e, "Column \"sex\" holds categories (e.g. \"m\" on line 2), not numbers; a cut point needs a column of numbers.");
    let e = derive(&mut t, json!({"cut": {"column": "score", "at": [2]}})).unwrap_err();
    assert!(
        e.starts_with("Column \"score\", line 4: \"x\" is not a number"),
        "{e}"
    );
    let e = derive(&mut t, json!({"cut": {"column": "start", "at": [2]}})).unwrap_err();
    assert!(e.contains("holds dates"), "{e}");
    let e = derive(&mut t, json!({"cut": {"column": "afp", "at": [400, 100]}})).unwrap_err();
    assert!(e.contains("ascending"), "{e}");
    let e = derive(&mut t, json!({"cut": {"column": "afp", "at": []}})).unwrap_err();
    assert!(e.contains("at least one cut point"), "{e}");
    let e = derive(
        &mut t,
        json!({"cut": {"column": "afp", "at": [400], "labels": ["a"]}}),
    )
    .unwrap_err();
    assert!(e.contains("give 2 labels"), "{e}");
    let e = derive(
        &mut t,
        json!({"transform": {"column": "afp", "function": "log"}}),
    )
    .unwrap_err();
    assert!(
        e.starts_with("Column \"afp\", line 6: \"0\" is not positive"),
        "{e}"
    );
    let e = derive(
        &mut t,
        json!({"transform": {"column": "afp", "function": "per_units"}}),
    )
    .unwrap_err();
    assert!(e.contains("give \"per\""), "{e}");
    let e = derive(
        &mut t,
        json!({"transform": {"column": "afp", "function": "per_units", "per": 0}}),
    )
    .unwrap_err();
    assert!(e.contains("other than 0"), "{e}");
    let e = derive(
        &mut t,
        json!({"transform": {"column": "afp", "function": "log10", "per": 10}}),
    )
    .unwrap_err();
    assert!(e.contains("per_units"), "{e}");
    let e = derive(
        &mut t,
        json!({"transform": {"column": "afpp", "function": "log10"}}),
    )
    .unwrap_err();
    assert!(
        e.contains("no column named \"afpp\"; did you mean \"afp\"?"),
        "{e}"
    );
    let e = derive(&mut t, json!({})).unwrap_err();
    assert!(e.contains("cut, transform, recode or time_between"), "{e}");
    let e = derive(
        &mut t,
        json!({"cut": {"column": "afp", "at": [1]}, "transform": {"column": "afp"}}),
    )
    .unwrap_err();
    assert!(e.contains("cut and transform"), "{e}");
    let constant = &mut csv("x\n3\n3\n3\n");
    assert!(derive(
        constant,
        json!({"transform": {"column": "x", "function": "standardise"}})
    )
    .unwrap_err()
    .contains("same value"));
    // Nothing was added by the failed requests.
    assert_eq!(t.n_columns(), 7);
}

#[test]
fn recoding_merges_renames_reorders_and_chooses_the_reference() {
    let mut t = small();
    let r = derive(&mut t, json!({"name": "therapy", "recode": {"column": "arm",
        "levels": [{"from": ["ICI+bev"], "to": "ICI + bevacizumab"}, {"from": ["ICI+len"], "to": "ICI + lenvatinib"}],
        "order": ["ICI + bevacizumab"], "reference": "ICI alone"}})).unwrap();
    assert_eq!(
        r.levels,
        ["ICI alone", "ICI + bevacizumab", "ICI + lenvatinib"]
    );
    assert!(
        r.formula.contains("\"ICI+bev\" → \"ICI + bevacizumab\""),
        "{}",
        r.formula
    );
    assert!(
        r.formula.ends_with("(reference \"ICI alone\")"),
        "{}",
        r.formula
    );
    let shown: Vec<String> = (0..5)
        .map(|row| t.column("therapy").unwrap().data.display(row).unwrap())
        .collect();
    assert_eq!(
        shown,
        [
            "ICI alone",
            "ICI + bevacizumab",
            "ICI + lenvatinib",
            "ICI alone",
            "ICI + bevacizumab"
        ]
    );
    let r = derive(&mut t, json!({"recode": {"column": "arm", "levels": [{"from": ["ICI+bev", "ICI+len"], "to": "combination"}],
        "missing": ["ICI alone"]}})).unwrap();
    assert_eq!(
        (r.levels.clone(), r.n_missing),
        (vec!["combination".to_string()], 2)
    );
    assert!(
        r.formula.contains("merged as \"combination\"")
            && r.formula.contains("\"ICI alone\" made missing"),
        "{}",
        r.formula
    );
    // A number column is recoded level by level.
    let r = derive(
        &mut t,
        json!({"recode": {"column": "id", "levels": [{"from": [1, 2], "to": "early"}]}}),
    )
    .unwrap();
    assert_eq!(r.levels, ["early", "3", "4", "5"]);

    let e = derive(
        &mut t,
        json!({"recode": {"column": "arm", "levels": [{"from": ["ICI+bevv"], "to": "b"}]}}),
    )
    .unwrap_err();
    assert!(
        e.contains("no level \"ICI+bevv\". Did you mean \"ICI+bev\"?"),
        "{e}"
    );
    let e = derive(&mut t, json!({"recode": {"column": "arm", "levels": [{"from": ["ICI+bev"], "to": "b"}, {"from": ["ICI+bev"], "to": "c"}]}}))
        .unwrap_err();
    assert!(e.contains("recoded twice"), "{e}");
    let e = derive(
        &mut t,
        json!({"recode": {"column": "arm", "reference": "ICI+bevacizumab"}}),
    )
    .unwrap_err();
    assert!(e.contains("not one of the new levels"), "{e}");
    let e = derive(&mut t, json!({"recode": {"column": "start"}})).unwrap_err();
    assert!(e.contains("holds dates"), "{e}");
}

/// Days between two dates counted here, month by month, independently of
/// survcalc's calendar.
fn days_between(from: (i32, u32, u32), to: (i32, u32, u32)) -> i64 {
    fn days_from_year_zero((y, m, d): (i32, u32, u32)) -> i64 {
        let leap = |y: i32| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let mut days = 0i64;
        for year in 1900..y {
            days += if leap(year) { 366 } else { 365 };
        }
        let lengths = [
            31,
            if leap(y) { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        days += lengths[..(m - 1) as usize].iter().sum::<i64>();
        days + i64::from(d)
    }
    days_from_year_zero(to) - days_from_year_zero(from)
}

#[test]
fn a_time_between_dates_is_days_over_the_unit() {
    let mut t = small();
    let r = derive(
        &mut t,
        json!({"time_between": {"from": "start", "to": "death"}}),
    )
    .unwrap();
    assert_eq!(r.column, "start_to_death_months");
    assert_eq!(r.formula, "months from start to death (days / 30.4375)");
    let ColumnData::Number(months) = &t.column("start_to_death_months").unwrap().data else {
        panic!()
    };
    let expected = [
        Some(days_between((2020, 1, 1), (2020, 7, 1)) as f64 / 30.4375),
        None,
        Some(days_between((2020, 3, 1), (2020, 2, 1)) as f64 / 30.4375),
        Some(days_between((2020, 4, 1), (2021, 4, 1)) as f64 / 30.4375),
        None,
    ];
    assert_eq!(months.as_slice(), expected.as_slice());
    // Row 3's death is before its start: said, with its line.
    assert_eq!(r.warnings[0].code(), "negative_time_between");
    let w = serde_json::to_value(&r.warnings[0]).unwrap();
    assert_eq!(
        (w["count"].clone(), w["lines"].clone()),
        (json!(1), json!([4]))
    );
    let r = derive(&mut t, json!({"name": "fu_weeks", "time_between": {"from": "start", "to": "death", "unit": "weeks"}})).unwrap();
    let ColumnData::Number(weeks) = &t.column("fu_weeks").unwrap().data else {
        panic!()
    };
    assert_eq!(
        weeks[3],
        Some(days_between((2020, 4, 1), (2021, 4, 1)) as f64 / 7.0)
    );
    assert_eq!(
        serde_json::to_value(&r.warnings[0]).unwrap()["column"],
        "fu_weeks"
    );
    let e = derive(
        &mut t,
        json!({"time_between": {"from": "afp", "to": "death"}}),
    )
    .unwrap_err();
    assert!(e.contains("\"afp\" holds numbers, not dates"), "{e}");
    let e = derive(
        &mut t,
        json!({"time_between": {"from": "death", "to": "death"}}),
    )
    .unwrap_err();
    assert!(e.contains("both \"death\""), "{e}");
}

#[test]
fn only_derived_columns_are_removed() {
    let mut t = small();
    derive(
        &mut t,
        json!({"transform": {"column": "afp", "function": "per_units", "per": 100}}),
    )
    .unwrap();
    derive(&mut t, json!({"cut": {"column": "afp_per_100", "at": [1]}})).unwrap();
    let r = derive::remove(&mut t, "afp_per_100").unwrap();
    assert_eq!(r.used_by, ["afp_per_100_ge_1"]);
    assert!(t.column("afp_per_100").is_none() && t.column("afp_per_100_ge_1").is_some());
    let e = derive::remove(&mut t, "afp").unwrap_err();
    assert_eq!(
        e,
        "Column \"afp\" is from the file; only derived columns can be removed."
    );
    assert!(derive::remove(&mut t, "nope")
        .unwrap_err()
        .contains("no column named \"nope\""));
}

/// A small cohort with dates, and the user's own os_months.
fn cohort_file() -> Table {
    csv(
        "id,start,progression,death,last_contact,os_months,resistance_group\n\
         1,2020-01-01,2020-03-01,2020-09-01,2020-09-01,8.1,mine\n\
         2,2020-01-15,,,2021-06-01,16.5,mine\n\
         3,2020-02-01,2020-12-01,2021-05-01,2021-05-01,15.0,mine\n\
         4,2020-03-01,2020-04-15,2020-08-01,2020-08-01,5.0,mine\n",
    )
}

fn classify(t: &mut Table) -> cohort::CohortResult {
    let request = request::from_value(
        &json!({"columns": {"patient_id": "id", "start": "start", "progression": "progression", "death": "death",
            "last_contact": "last_contact"}, "rules": {"rule_set": "early_progression"}}),
        "a test",
    )
    .unwrap();
    cohort::run(t, &request).unwrap()
}

#[test]
fn the_classification_never_replaces_a_users_column() {
    let mut t = cohort_file();
    let before = t.column("os_months").unwrap().clone();
    let r = classify(&mut t);
    assert_eq!(
        t.column("os_months").unwrap(),
        &before,
        "the user's os_months is untouched"
    );
    assert_eq!(r.endpoints[0].time_column, "os_months_2");
    assert_eq!(r.group_column, "resistance_group_2");
    assert!(
        r.new_columns.contains(&"os_months_2".to_string())
            && !r.new_columns.contains(&"os_months".to_string())
    );
    let renamed: Vec<Value> = r
        .warnings
        .iter()
        .filter(|w| w.code() == "column_renamed")
        .map(|w| serde_json::to_value(w).unwrap())
        .collect();
    assert_eq!(renamed.len(), 2);
    assert_eq!(renamed[0]["given"], "resistance_group_2");
    // Classifying again replaces its own columns, not the user's.
    let n = t.n_columns();
    let r = classify(&mut t);
    assert_eq!(t.n_columns(), n);
    assert_eq!(r.endpoints[0].time_column, "os_months_2");
    assert!(
        r.warnings
            .iter()
            .filter(|w| w.code() == "column_renamed")
            .count()
            == 2
    );
    // Nor a column the user derived.
    let mut t = csv("id,start,death,last_contact\n1,2020-01-01,2020-09-01,2020-09-01\n2,2020-01-15,,2021-06-01\n");
    derive(
        &mut t,
        json!({"name": "os_months", "time_between": {"from": "start", "to": "last_contact"}}),
    )
    .unwrap();
    let request = request::from_value(
        &json!({"columns": {"start": "start", "death": "death", "last_contact": "last_contact"}}),
        "t",
    )
    .unwrap();
    let r = cohort::run(&mut t, &request).unwrap();
    assert_eq!(r.endpoints[0].time_column, "os_months_2");
    assert!(t
        .column("os_months")
        .unwrap()
        .derived
        .as_ref()
        .unwrap()
        .column
        .user_defined());
    // The per-patient classification, all patients, for download.
    let csv_text = cohort::patients_csv(&r.all_patients);
    let lines: Vec<&str> = csv_text.lines().collect();
    assert_eq!(lines[0], "line,patient_id,group,reason");
    assert_eq!(lines.len(), 3);
}

#[test]
fn formulas_follow_the_columns_into_results_and_provenance_into_cautions() {
    let mut t = cohort_file();
    let r = classify(&mut t);
    let group = r.group_column.clone();
    // A recode of the resistance groups is known when they are: by progression.
    derive(&mut t, json!({"name": "early", "recode": {"column": group, "levels": [{"from": ["primary resistance"], "to": "early"}]}}))
        .unwrap();
    let km_by = |time: &str, event: &str| -> km::KmResult {
        let request = request::from_value(
            &json!({"time": time, "event": event, "event_values": [1], "group": "early"}),
            "t",
        )
        .unwrap();
        km::run(&t, &request).unwrap()
    };
    let os = km_by("os_months_2", "os_event");
    assert_eq!(
        os.warnings[0].code(),
        "immortal_time",
        "from treatment start: the caution stays"
    );
    assert!(
        os.settings_text.contains("Derived column: early = "),
        "{}",
        os.settings_text
    );
    assert!(
        !os.settings_text.contains("os_months_2 ="),
        "the classification's columns keep their own descriptions"
    );
    let pps = km_by("pps_months", "pps_event");
    assert!(
        !pps.warnings.iter().any(|w| w.code() == "immortal_time"),
        "from progression, when it is known"
    );
    // A Cox covariate's formula.
    derive(
        &mut t,
        json!({"transform": {"column": "os_months", "function": "per_units", "per": 12}}),
    )
    .unwrap();
    let request = request::from_value(
        &json!({"time": "os_months_2", "event": "os_event", "event_values": [1], "covariates": [{"column": "os_months_per_12"}]}),
        "t",
    )
    .unwrap();
    let r = cox::run(&t, &request).unwrap();
    assert!(r.settings_text.ends_with("Derived column: os_months_per_12 = os_months / 12 (effects per 12 units of os_months)."), "{}", r.settings_text);
}

#[test]
fn the_data_download_has_every_derived_column_at_full_precision() {
    let mut t = csv("id,x,note\n1,2.5,=cmd\n2,NA,plain\n3,7,\"a, b\"\n");
    derive(
        &mut t,
        json!({"transform": {"column": "x", "function": "log"}}),
    )
    .unwrap();
    let all = dataset_csv(&t, &DataExportRequest::default()).unwrap();
    let lines: Vec<&str> = all.lines().collect();
    assert_eq!(lines[0], "id,x,note,log_x");
    assert_eq!(
        lines[1],
        format!("1,2.5,'=cmd,{}", 2.5f64.ln()),
        "formula-defused, full precision"
    );
    assert_eq!(lines[2], "2,,plain,");
    assert_eq!(lines[3], format!("3,7,\"a, b\",{}", 7f64.ln()));
    // Read back, the derived column is the same numbers.
    let back = csv(&all);
    assert_eq!(
        back.column("log_x").unwrap().data,
        t.column("log_x").unwrap().data
    );
    let chosen = dataset_csv(
        &t,
        &DataExportRequest {
            columns: vec!["log_x".into(), "id".into()],
        },
    )
    .unwrap();
    assert_eq!(chosen.lines().next(), Some("log_x,id"));
    assert!(dataset_csv(
        &t,
        &DataExportRequest {
            columns: vec!["nope".into()]
        }
    )
    .unwrap_err()
    .contains("\"nope\""));
    assert!(dataset_csv(
        &t,
        &DataExportRequest {
            columns: vec!["id".into(), "id".into()]
        }
    )
    .unwrap_err()
    .contains("twice"));
}

#[test]
fn suggestions_say_whether_the_names_identify_the_columns() {
    use SuggestionBasis::{Suggestion, Unambiguous};
    let lung = csv(&std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/reference/02_lung/data.csv"
    ))
    .unwrap());
    let s = summary::summarise("lung.csv", &lung).suggestions;
    assert_eq!(
        (
            s.time.as_deref(),
            s.event.as_deref(),
            s.event_values.clone()
        ),
        (Some("time"), Some("status"), vec!["2".to_string()])
    );
    assert_eq!(
        (s.basis.time, s.basis.event, s.basis.event_values),
        (Some(Unambiguous), Some(Unambiguous), Some(Unambiguous))
    );
    assert!(s.unambiguous);

    // The synthetic cohort before classification: no time column is named
    // as one, so nothing is suggested (never age by its position, nor ecog
    // by its values) and nothing runs.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../www/examples/synthetic_hcc_cohort.csv"
    );
    let mut cohort = csv(&std::fs::read_to_string(path).unwrap());
    let s = summary::summarise("c.csv", &cohort).suggestions;
    assert_eq!((s.time, s.event, s.unambiguous), (None, None, false));
    // After classification four times are named as times: only a suggestion.
    let columns = serde_json::to_value(cohort::suggest_columns(&cohort)).unwrap();
    cohort::run(
        &mut cohort,
        &request::from_value(&json!({ "columns": columns }), "t").unwrap(),
    )
    .unwrap();
    let s = summary::summarise("c.csv", &cohort).suggestions;
    assert_eq!(
        (s.time.as_deref(), s.basis.time, s.unambiguous),
        (Some("os_months"), Some(Suggestion), false)
    );
    assert_eq!(
        (s.event.as_deref(), s.basis.event),
        (Some("os_event"), Some(Unambiguous)),
        "os_event beside os_months"
    );

    let s = summary::summarise("x", &csv("os_months,os_event,arm\n3,1,a\n5,0,b\n")).suggestions;
    assert!(s.unambiguous, "{s:?}");
    assert_eq!(
        (s.group.as_deref(), s.basis.group),
        (Some("arm"), Some(Unambiguous))
    );
    // A third code (competing events?) and a "censored" column are for the
    // user to say: with three codes none is even guessed.
    let s = summary::summarise("x", &csv("time,status\n3,1\n5,0\n6,2\n")).suggestions;
    assert_eq!(
        (
            s.event_values.is_empty(),
            s.basis.event_values,
            s.unambiguous
        ),
        (true, None, false)
    );
    let s = summary::summarise("x", &csv("time,censored\n3,1\n5,0\n")).suggestions;
    assert_eq!(
        (s.basis.event_values, s.unambiguous),
        (Some(Suggestion), false)
    );
    // Two event-named columns that disagree: a suggestion. Lung's status
    // (1/2) and event (0/1) say the same of every patient: unambiguous.
    let s = summary::summarise("x", &csv("time,status,death\n3,1,0\n5,0,1\n")).suggestions;
    assert_eq!((s.basis.event, s.unambiguous), (Some(Suggestion), false));
    let s = summary::summarise("x", &csv("time,status,event\n3,2,1\n5,1,0\n7,2,1\n")).suggestions;
    assert_eq!(
        (s.event.as_deref(), s.basis.event, s.unambiguous),
        (Some("status"), Some(Unambiguous), true)
    );
}
