//! The immortal-time caution follows the columns' provenance, not their
//! names: the synthetic teaching cohort classified by the cohort request,
//! then Kaplan–Meier, Cox and model tables on its derived columns, renamed
//! or next to a file column whose name merely looks like one.

use survcalc_analysis::analyses::cohort::{self, CohortRequest, GROUP_COLUMN};
use survcalc_analysis::analyses::cox::{self, CoxRequest};
use survcalc_analysis::analyses::km::{self, KmRequest};
use survcalc_analysis::analyses::models::{self, ModelTableRequest, OutcomeRequest};
use survcalc_analysis::design::TermSpec;
use survcalc_analysis::endpoints::Endpoint;
use survcalc_analysis::provenance::{DerivedColumn, TimeOrigin};
use survcalc_analysis::table::{read_csv, ReadOptions, Table};
use survcalc_analysis::warning::{ImmortalTimeRole, Warning};

/// The bundled synthetic cohort, classified with the suggested columns.
fn classified() -> Table {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../www/examples/synthetic_hcc_cohort.csv"
    );
    let text = std::fs::read_to_string(path).expect("the bundled example");
    let mut table = read_csv(text.as_bytes(), &ReadOptions::default()).unwrap();
    let request = CohortRequest {
        columns: cohort::suggest_columns(&table),
        ..CohortRequest::default()
    };
    cohort::run(&mut table, &request).unwrap();
    table
}

fn rename(table: &mut Table, from: &str, to: &str) {
    table
        .columns
        .iter_mut()
        .find(|c| c.name == from)
        .expect("the column")
        .name = to.to_string();
}

/// A column with the values of `from`, as it would be if read from the file
/// (no provenance).
fn copy_as_file_column(table: &mut Table, from: &str, to: &str) {
    let mut column = table.column(from).expect("the column").clone();
    column.name = to.to_string();
    column.derived = None;
    table.columns.push(column);
}

fn km_request(time: &str, event: &str, group: &str) -> KmRequest {
    KmRequest {
        time: time.into(),
        event: event.into(),
        event_values: vec!["1".into()],
        group: Some(group.into()),
        ..KmRequest::default()
    }
}

fn cox_request(time: &str, event: &str, covariates: &[&str]) -> CoxRequest {
    CoxRequest {
        time: time.into(),
        event: event.into(),
        event_values: vec!["1".into()],
        covariates: covariates.iter().map(|c| TermSpec::new(c)).collect(),
        ..CoxRequest::default()
    }
}

fn immortal(warnings: &[Warning]) -> Vec<&Warning> {
    warnings
        .iter()
        .filter(|w| w.code() == "immortal_time")
        .collect()
}

#[test]
fn the_cohort_request_records_what_each_column_depends_on() {
    let t = classified();
    let group = t
        .column(GROUP_COLUMN)
        .unwrap()
        .derived
        .clone()
        .expect("derived");
    assert_eq!(group.column, DerivedColumn::ResistanceGroup);
    assert!(group.defined_after_baseline);
    assert_eq!(group.known_by, Some(TimeOrigin::Progression));
    let pps = t
        .column("pps_months")
        .unwrap()
        .derived
        .clone()
        .expect("derived");
    assert_eq!(
        pps.column,
        DerivedColumn::EndpointTime {
            endpoint: Endpoint::Pps
        }
    );
    assert_eq!(pps.measured_from, Some(TimeOrigin::Progression));
    let os = t
        .column("os_months")
        .unwrap()
        .derived
        .clone()
        .expect("derived");
    assert_eq!(os.measured_from, Some(TimeOrigin::Baseline));
    let event = t
        .column("os_event")
        .unwrap()
        .derived
        .clone()
        .expect("derived");
    assert_eq!((event.defined_after_baseline, event.known_by), (true, None));
    // The page's reason is the same description; columns of the file have none.
    assert_eq!(
        t.column(GROUP_COLUMN).unwrap().reason,
        format!("derived: {}", group.description)
    );
    assert!(t.column("bclc").unwrap().derived.is_none());
}

#[test]
fn kaplan_meier_cautions_by_provenance_whatever_the_names() {
    let mut t = classified();
    let r = km::run(&t, &km_request("os_months", "os_event", GROUP_COLUMN)).unwrap();
    assert_eq!(
        immortal(&r.warnings),
        [&Warning::ImmortalTime {
            column: GROUP_COLUMN.into(),
            derived: DerivedColumn::ResistanceGroup,
            time_column: "os_months".into(),
            role: ImmortalTimeRole::Group,
            landmark: None,
        }]
    );
    // Post-progression survival is measured from the event that settles the groups.
    let pps = km::run(&t, &km_request("pps_months", "pps_event", GROUP_COLUMN)).unwrap();
    assert!(immortal(&pps.warnings).is_empty(), "{:?}", pps.warnings);

    // Renamed, the groups are still defined after treatment start.
    rename(&mut t, GROUP_COLUMN, "cohort_groups");
    let renamed = km::run(&t, &km_request("os_months", "os_event", "cohort_groups")).unwrap();
    let caution = immortal(&renamed.warnings);
    assert_eq!(caution.len(), 1, "{:?}", renamed.warnings);
    assert!(
        matches!(caution[0], Warning::ImmortalTime { column, .. } if column == "cohort_groups")
    );
    let landmark = KmRequest {
        landmark: Some(6.0),
        ..km_request("os_months", "os_event", "cohort_groups")
    };
    let with_landmark = km::run(&t, &landmark).unwrap();
    assert!(
        matches!(immortal(&with_landmark.warnings)[..], [Warning::ImmortalTime { landmark: Some(l), .. }] if *l == 6.0),
        "{:?}",
        with_landmark.warnings
    );

    // A file column merely named like a post-progression time does not silence it.
    copy_as_file_column(&mut t, "pps_months", "pps_x");
    let named_pps = km::run(&t, &km_request("pps_x", "pps_event", "cohort_groups")).unwrap();
    assert_eq!(
        immortal(&named_pps.warnings).len(),
        1,
        "{:?}",
        named_pps.warnings
    );
    // A file column named like the groups carries no caution.
    copy_as_file_column(&mut t, "cohort_groups", GROUP_COLUMN);
    let named_group = km::run(&t, &km_request("os_months", "os_event", GROUP_COLUMN)).unwrap();
    assert!(
        immortal(&named_group.warnings).is_empty(),
        "{:?}",
        named_group.warnings
    );
}

#[test]
fn cox_and_model_tables_caution_each_covariate_defined_after_baseline() {
    let mut t = classified();
    rename(&mut t, GROUP_COLUMN, "rg");
    let r = cox::run(&t, &cox_request("os_months", "os_event", &["bclc", "rg"])).unwrap();
    let caution = immortal(&r.warnings);
    assert!(
        matches!(caution[..], [Warning::ImmortalTime { column, role: ImmortalTimeRole::Covariate, .. }] if column == "rg"),
        "{:?}",
        r.warnings
    );
    assert_eq!(
        r.warnings[0].code(),
        "immortal_time",
        "the caution comes first"
    );
    assert!(
        caution[0]
            .message()
            .contains("\"rg\" is defined by events after treatment start"),
        "{}",
        caution[0].message()
    );
    // Another column defined after baseline: its own caution, worded for any such column.
    let event = cox::run(
        &t,
        &cox_request("os_months", "os_event", &["rg", "ttp_event"]),
    )
    .unwrap();
    let columns: Vec<&str> = immortal(&event.warnings)
        .iter()
        .filter_map(|w| match w {
            Warning::ImmortalTime { column, .. } => Some(column.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(columns, ["rg", "ttp_event"]);
    assert!(immortal(&event.warnings)[1]
        .message()
        .contains("\"ttp_event\" is known only after treatment start"));
    // From progression: none; from a file column named pps_x: the caution.
    let pps = cox::run(&t, &cox_request("pps_months", "pps_event", &["bclc", "rg"])).unwrap();
    assert!(immortal(&pps.warnings).is_empty(), "{:?}", pps.warnings);
    copy_as_file_column(&mut t, "pps_months", "pps_x");
    let named = cox::run(&t, &cox_request("pps_x", "pps_event", &["bclc", "rg"])).unwrap();
    assert_eq!(immortal(&named.warnings).len(), 1, "{:?}", named.warnings);

    let table = models::run(
        &t,
        &ModelTableRequest {
            outcome: OutcomeRequest {
                time: "os_months".into(),
                event: "os_event".into(),
                event_values: vec!["1".into()],
                ..OutcomeRequest::default()
            },
            candidates: vec![TermSpec::new("bclc"), TermSpec::new("rg")],
            multivariable: Some(Vec::new()),
            ..ModelTableRequest::default()
        },
    )
    .unwrap();
    assert_eq!(
        table.warnings[0].code(),
        "immortal_time",
        "{:?}",
        table.warnings
    );
}

#[test]
fn the_summary_shows_each_columns_provenance_as_data() {
    let t = classified();
    let summary =
        serde_json::to_value(survcalc_analysis::summary::summarise("cohort.csv", &t)).unwrap();
    let column = |name: &str| {
        summary["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
            .expect("the column")
    };
    assert_eq!(
        column(GROUP_COLUMN)["derived"],
        serde_json::json!({
            "kind": "resistance_group",
            "description": "resistance group (excluded patients are missing)",
            "defined_after_baseline": true,
            "known_by": "progression",
            "measured_from": null,
        })
    );
    assert_eq!(column("pps_months")["derived"]["kind"], "endpoint_time");
    assert_eq!(column("pps_months")["derived"]["endpoint"], "pps");
    assert_eq!(
        column("pps_months")["derived"]["measured_from"],
        "progression"
    );
    assert_eq!(column("bclc")["derived"], serde_json::Value::Null);
    assert_eq!(column("bclc")["looks_like_dates"], false);
}
