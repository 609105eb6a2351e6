//! From a table to validated analysis inputs: survival (time, event,
//! group) and plain numeric/categorical columns.

// One copy of the fixtures loader and the tolerances, shared by every crate's tests.
#[path = "../../stats/tests/support/mod.rs"]
mod support;

use support::{data_file, num, reference};
use survcalc_analysis::table::{
    categorical_column, numeric_column, read_csv, survival_input, ColumnType, DropReason,
    ReadOptions, SurvivalColumns, Table, TableError,
};
use survcalc_analysis::warning::Warning;

fn fixture(name: &str) -> Table {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/csv")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    read_csv(&bytes, &ReadOptions::default()).unwrap()
}

fn spec(
    time: &str,
    event: &str,
    events: &[&str],
    censors: &[&str],
    group: Option<&str>,
) -> SurvivalColumns {
    SurvivalColumns {
        time: time.into(),
        event: event.into(),
        event_values: events.iter().map(|s| s.to_string()).collect(),
        censor_values: censors.iter().map(|s| s.to_string()).collect(),
        group: group.map(str::to_string),
    }
}

#[test]
fn non_numeric_time_names_column_line_and_value() {
    let t = fixture("time_not_numeric.csv");
    let err = survival_input(&t, &spec("time", "status", &["1"], &["0"], None)).unwrap_err();
    assert_eq!(
        err,
        TableError::NotANumber {
            column: "time".into(),
            line: 7,
            value: "abc".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "Column \"time\", line 7: \"abc\" is not a number."
    );
}

#[test]
fn negative_time_is_an_error() {
    let t = fixture("time_negative.csv");
    let err = survival_input(&t, &spec("time", "status", &["1"], &["0"], None)).unwrap_err();
    assert_eq!(
        err,
        TableError::NegativeTime {
            column: "time".into(),
            line: 3,
            value: "-3".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "Column \"time\", line 3: \"-3\" is negative; times must be 0 or more."
    );
}

#[test]
fn event_value_outside_both_lists_is_an_error() {
    let t = fixture("event_bad_value.csv");
    let err = survival_input(&t, &spec("time", "status", &["dead"], &["alive"], None)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Column \"status\", line 4: \"lost\" is neither an event value (\"dead\") nor a censoring value (\"alive\"). Add it to one of the two lists."
    );
    // Declaring it censored fixes it; text compares case-sensitively after trimming.
    let s = survival_input(
        &t,
        &spec("time", "status", &[" dead "], &["alive", "lost"], None),
    )
    .unwrap();
    assert_eq!(s.event, [true, false, false, true]);
    assert_eq!(s.n_events, 2);
    let err = survival_input(
        &t,
        &spec("time", "status", &["Dead"], &["alive", "lost"], None),
    )
    .unwrap_err();
    assert!(
        matches!(err, TableError::UnknownEventValue { line: 2, .. }),
        "{err:?}"
    );
}

#[test]
fn event_value_lists_are_checked() {
    let t = fixture("time_negative.csv");
    let err = survival_input(&t, &spec("id", "status", &[], &["0"], None)).unwrap_err();
    assert_eq!(
        err,
        TableError::NoEventValues {
            column: "status".into()
        }
    );
    let err = survival_input(&t, &spec("id", "status", &["1"], &["1.0"], None)).unwrap_err();
    assert_eq!(
        err,
        TableError::EventCensorOverlap {
            column: "status".into(),
            value: "1".into()
        }
    );
    let err = survival_input(&t, &spec("id", "status", &["dead"], &["0"], None)).unwrap_err();
    assert_eq!(
        err,
        TableError::EventValueNotNumber {
            column: "status".into(),
            value: "dead".into()
        }
    );
    let err = survival_input(&t, &spec("days", "status", &["1"], &["0"], None)).unwrap_err();
    assert_eq!(err.to_string(), "There is no column named \"days\".");
}

#[test]
fn missing_values_drop_rows_with_reasons() {
    let text = b"time,status,arm\n5,1,A\nNA,0,B\n7,,A\n8,1,\n9,0,B\n,NA,\n10,1,A\n";
    let t = read_csv(text, &ReadOptions::default()).unwrap();
    let s = survival_input(&t, &spec("time", "status", &["1"], &["0"], Some("arm"))).unwrap();
    assert_eq!(s.time, [5.0, 9.0, 10.0]);
    assert_eq!(s.event, [true, false, true]);
    assert_eq!(s.rows, [0, 4, 6]);
    assert_eq!(s.n_read, 7);
    let g = s.group.as_ref().unwrap();
    assert_eq!(g.labels, ["A", "B"]);
    assert_eq!(g.codes, [0, 1, 0]);
    let summary: Vec<(DropReason, usize, Vec<u64>)> = s
        .dropped
        .iter()
        .map(|d| (d.reason, d.count, d.lines.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (DropReason::MissingTime, 2, vec![3, 7]),
            (DropReason::MissingEvent, 1, vec![4]),
            (DropReason::MissingGroup, 1, vec![5]),
        ]
    );
    let time = s
        .warnings
        .iter()
        .find(|w| matches!(w, Warning::RowsLeftOut { column, .. } if column == "time"))
        .expect("the rows without a time are named");
    assert_eq!(
        time.message(),
        "2 rows left out because \"time\" is missing (lines 3, 7)."
    );
    assert_eq!(
        s.warnings
            .iter()
            .filter(|w| w.code() == "rows_left_out")
            .count(),
        3
    );
}

#[test]
fn numeric_groups_and_absent_levels() {
    let text = b"time,status,stage\n1,1,3\n2,0,1\n3,1,10\n4,1,3\n5,0,\n";
    let t = read_csv(text, &ReadOptions::default()).unwrap();
    let s = survival_input(&t, &spec("time", "status", &["1"], &["0"], Some("stage"))).unwrap();
    let g = s.group.unwrap();
    assert_eq!(g.labels, ["1", "3", "10"]);
    assert_eq!(g.codes, [1, 0, 2, 1]);
    // A level that only occurs on a dropped row is not a group.
    let text = b"time,status,arm\n1,1,A\n2,0,B\nNA,1,C\n4,1,A\n5,0,B\n6,1,A\n";
    let t = read_csv(text, &ReadOptions::default()).unwrap();
    let s = survival_input(&t, &spec("time", "status", &["1"], &["0"], Some("arm"))).unwrap();
    assert_eq!(s.group.unwrap().labels, ["A", "B"]);
}

#[test]
fn dates_cannot_be_times() {
    let text = b"start,status\n2021-01-01,1\n2021-02-01,0\n";
    let t = read_csv(text, &ReadOptions::default()).unwrap();
    let err = survival_input(&t, &spec("start", "status", &["1"], &["0"], None)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Column \"start\" holds dates, but the time must be numbers."
    );
}

#[test]
fn accessors_keep_missing_explicit() {
    let text = b"age,arm,code\n61,B,2\n,A,1\n70.5,NA,2\n55,B,1\n";
    let options = ReadOptions {
        column_types: [("code".to_string(), ColumnType::Category)].into(),
        ..Default::default()
    };
    let t = read_csv(text, &options).unwrap();
    assert_eq!(
        numeric_column(&t, "age").unwrap().values,
        [Some(61.0), None, Some(70.5), Some(55.0)]
    );
    // A category of numeric codes still reads as numbers when asked.
    assert_eq!(
        numeric_column(&t, "code").unwrap().values,
        [Some(2.0), Some(1.0), Some(2.0), Some(1.0)]
    );
    let arm = categorical_column(&t, "arm").unwrap();
    assert_eq!(arm.levels, ["A", "B"]);
    assert_eq!(arm.codes, [Some(1), Some(0), None, Some(1)]);
    let age = categorical_column(&t, "age").unwrap();
    assert_eq!(age.levels, ["55", "61", "70.5"]);
    assert_eq!(age.codes, [Some(1), None, Some(2), Some(0)]);
    let err = numeric_column(&t, "arm").unwrap_err();
    assert_eq!(
        err,
        TableError::NotANumber {
            column: "arm".into(),
            line: 2,
            value: "B".into()
        }
    );
}

/// R: survfit(Surv(time, status) ~ x, data = aml): records and events per stratum.
#[test]
fn aml_matches_survfit_counts() {
    let r = reference("01_aml");
    let t = read_csv(
        data_file("01_aml", "data.csv").as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap();
    let s = survival_input(&t, &spec("time", "status", &["1"], &["0"], Some("x"))).unwrap();
    let km = &r["km"]["by_x"];
    assert_eq!(s.time.len() as f64, num(&km["n"]).unwrap());
    let g = s.group.as_ref().unwrap();
    // Sorted levels give R's factor order here.
    assert_eq!(g.labels, ["Maintained", "Nonmaintained"]);
    for (code, label) in g.labels.iter().enumerate() {
        let summary = &km["strata"][format!("x={label}")]["summary"];
        let records = g.codes.iter().filter(|&&c| c == code).count();
        let events = g
            .codes
            .iter()
            .zip(&s.event)
            .filter(|(&c, &e)| c == code && e)
            .count();
        assert_eq!(records as f64, num(&summary["records"]).unwrap(), "{label}");
        assert_eq!(events as f64, num(&summary["events"]).unwrap(), "{label}");
    }
}

/// R: survfit(Surv(time, status) ~ sex, data = lung), status 2 = dead, 1 = censored;
/// coxph(Surv(time, status) ~ age + sex + ph.ecog) drops 1 row for missing ph.ecog.
#[test]
fn lung_matches_survfit_and_coxph_counts() {
    let r = reference("02_lung");
    let t = read_csv(
        data_file("02_lung", "data.csv").as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap();
    let s = survival_input(&t, &spec("time", "status", &["2"], &["1"], Some("sex"))).unwrap();
    let km = &r["km"]["by_sex"];
    assert_eq!(s.time.len() as f64, num(&km["n"]).unwrap());
    assert!(s.dropped.is_empty());
    let g = s.group.as_ref().unwrap();
    assert_eq!(g.labels, ["1", "2"]);
    for (code, label) in g.labels.iter().enumerate() {
        let summary = &km["strata"][format!("sex={label}")]["summary"];
        let events = g
            .codes
            .iter()
            .zip(&s.event)
            .filter(|(&c, &e)| c == code && e)
            .count();
        assert_eq!(events as f64, num(&summary["events"]).unwrap(), "{label}");
    }
    let overall = &r["km"]["overall"]["strata"]["all"]["summary"];
    assert_eq!(s.n_events as f64, num(&overall["events"]).unwrap());

    let cox = &r["cox"]["efron"];
    let ecog = numeric_column(&t, "ph.ecog").unwrap();
    let age = numeric_column(&t, "age").unwrap();
    let complete = (0..t.n_rows())
        .filter(|&i| ecog.values[i].is_some() && age.values[i].is_some())
        .count();
    assert_eq!(complete as f64, num(&cox["n"]).unwrap());
    assert_eq!(
        (t.n_rows() - complete) as f64,
        num(&cox["n_dropped_missing"]).unwrap()
    );
}

/// Same data, events coded as text in a category: same input as the codes.
#[test]
fn relabelling_events_keeps_the_input() {
    let csv = data_file("02_lung", "data.csv");
    let t = read_csv(csv.as_bytes(), &ReadOptions::default()).unwrap();
    let a = survival_input(&t, &spec("time", "status", &["2"], &["1"], None)).unwrap();
    let mut relabelled = String::new();
    for (i, line) in csv.lines().enumerate() {
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        if i > 0 {
            cells[2] = if cells[2] == "2" {
                "dead".into()
            } else {
                "alive".into()
            };
        }
        relabelled.push_str(&cells.join(","));
        relabelled.push('\n');
    }
    let t = read_csv(relabelled.as_bytes(), &ReadOptions::default()).unwrap();
    let b = survival_input(&t, &spec("time", "status", &["dead"], &["alive"], None)).unwrap();
    assert_eq!(a.time, b.time);
    assert_eq!(a.event, b.event);
    assert_eq!(a.rows, b.rows);
}
