//! The cohort request (`analyses::cohort::run`) on the bundled synthetic
//! teaching cohort (www/examples/synthetic_hcc_cohort.csv, generated to
//! reproduce the flow chart of the model paper, Cui et al. 2025, Fig. 1):
//! the flow counts, the derived columns and their use by later analyses.

use survcalc_analysis::analyses::cohort::{self, CohortRequest, GROUP_COLUMN, REASON_COLUMN};
use survcalc_analysis::analyses::km::{self, KmRequest};
use survcalc_analysis::analyses::models::{self, ModelTableRequest, OutcomeRequest};
use survcalc_analysis::design::TermSpec;
use survcalc_analysis::table::{read_csv, ColumnData, ReadOptions, Table};

fn synthetic_cohort() -> Table {
    let path = format!(
        "{}/../../www/examples/synthetic_hcc_cohort.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    read_csv(text.as_bytes(), &ReadOptions::default()).unwrap()
}

fn classified() -> (Table, cohort::CohortResult) {
    let mut t = synthetic_cohort();
    let request = CohortRequest {
        columns: cohort::suggest_columns(&t),
        ..CohortRequest::default()
    };
    let r = cohort::run(&mut t, &request).unwrap();
    (t, r)
}

#[test]
fn the_synthetic_cohort_splits_as_the_papers_flow_chart() {
    let (t, r) = classified();
    let f = &r.flow;
    assert_eq!(f.screened, 601);
    assert_eq!(
        f.excluded_by_reason
            .iter()
            .map(|e| e.count)
            .collect::<Vec<_>>(),
        [58, 12, 26, 9]
    );
    assert_eq!(f.excluded, 105);
    assert_eq!(f.unclassifiable, 0);
    assert_eq!(f.analysed, 496);
    assert_eq!(
        (
            f.primary_resistance,
            f.secondary_resistance,
            f.durable_response
        ),
        (229, 141, 126)
    );
    // The chart shows the same counts.
    assert_eq!(r.flow_chart.screened.count, 601);
    assert_eq!(
        r.flow_chart
            .exclusions
            .iter()
            .map(|e| e.count)
            .collect::<Vec<_>>(),
        [58, 12, 26, 9]
    );
    assert_eq!(
        r.flow_chart
            .groups
            .iter()
            .map(|g| g.count)
            .collect::<Vec<_>>(),
        [229, 141, 126]
    );
    assert!(!r.rules.is_empty());

    // Derived columns: the group (missing for the excluded), the reason for
    // everyone, and time and event of OS, TTP, PFS and PPS.
    let expected: Vec<String> = [GROUP_COLUMN, REASON_COLUMN]
        .into_iter()
        .map(str::to_string)
        .chain(
            ["os", "ttp", "pfs", "pps"]
                .iter()
                .flat_map(|e| [format!("{e}_months"), format!("{e}_event")]),
        )
        .collect();
    assert_eq!(r.new_columns, expected);
    for name in &expected {
        assert!(t.column(name).is_some(), "column {name} added");
    }
    let group = t.column(GROUP_COLUMN).unwrap();
    assert_eq!(group.n_missing, 105);
    let ColumnData::Category { codes, levels } = &group.data else {
        panic!("{:?}", group.kind)
    };
    assert_eq!(
        levels,
        &[
            "primary resistance",
            "secondary resistance",
            "durable response"
        ]
    );
    let count = |k: u32| codes.iter().filter(|c| **c == Some(k)).count();
    assert_eq!((count(0), count(1), count(2)), (229, 141, 126));
    assert_eq!(t.column(REASON_COLUMN).unwrap().n_missing, 0);
    assert_eq!(r.n_patients, 601);
}

#[test]
fn derived_columns_feed_the_survival_and_model_analyses() {
    let (t, _) = classified();
    let ttp = KmRequest {
        time: "ttp_months".into(),
        event: "ttp_event".into(),
        event_values: vec!["1".into()],
        group: Some(GROUP_COLUMN.into()),
        ..KmRequest::default()
    };
    let r = km::run(&t, &ttp).unwrap();
    let curves: Vec<(&str, usize)> = r
        .fit
        .curves
        .iter()
        .filter(|c| c.group.is_some())
        .map(|c| (c.label.as_str(), c.n))
        .collect();
    assert_eq!(
        curves,
        [
            ("primary resistance", 229),
            ("secondary resistance", 141),
            ("durable response", 126)
        ]
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.code() == "rows_left_out" && w.message().contains("105 rows left out")),
        "{:?}",
        r.warnings
    );

    // Secondary resistance against durable response, primary resistance left out.
    let request = ModelTableRequest {
        outcome: OutcomeRequest {
            column: GROUP_COLUMN.into(),
            event_values: vec!["secondary resistance".into()],
            non_event_values: vec!["durable response".into()],
            ..OutcomeRequest::default()
        },
        candidates: vec![TermSpec::new("child_pugh"), TermSpec::new("bclc")],
        ..ModelTableRequest::default()
    };
    let m = models::run(&t, &request).unwrap();
    assert_eq!(
        (
            m.table.outcome.n,
            m.table.outcome.n_events,
            m.table.outcome.n_read
        ),
        (267, 141, 601)
    );
    assert!(
        m.settings_text
            .contains("229 patients with another value left out"),
        "{}",
        m.settings_text
    );
}

#[test]
fn reclassifying_replaces_the_columns() {
    let (mut t, _) = classified();
    let before = t.columns.len();
    let request = CohortRequest {
        columns: cohort::suggest_columns(&t),
        ..CohortRequest::default()
    };
    cohort::run(&mut t, &request).unwrap();
    assert_eq!(t.columns.len(), before);
}
