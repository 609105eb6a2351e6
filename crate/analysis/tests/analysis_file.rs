//! The analysis file: a whole session written as one JSON document and read
//! back to the same session; mistakes named by step and option; a file from a
//! newer survcalc refused, never misread.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use survcalc_analysis::analyses::baseline::{BaselineRequest, VariableRequest};
use survcalc_analysis::analyses::cohort::{CohortColumns, CohortRequest};
use survcalc_analysis::analyses::competing::CompetingRequest;
use survcalc_analysis::analyses::cox::{CoxRequest, TimeSplitSpec};
use survcalc_analysis::analyses::km::KmRequest;
use survcalc_analysis::analyses::models::{ModelTableRequest, OutcomeRequest, OutcomeType};
use survcalc_analysis::analyses::rates::RatesRequest;
use survcalc_analysis::analyses::subgroup::SubgroupRequest;
use survcalc_analysis::plot::figure::{
    CiStyle, FigureOutput, FigureStyle, FlowFigure, KmFigure, LegendPosition, Palette,
    RiskTableLayout, SizePreset,
};

use survcalc_analysis::analysis_file::{AnalysisFile, AnalysisStep, ANALYSIS_KINDS};
use survcalc_analysis::analysis_set::{Condition, Filter};
use survcalc_analysis::dates::TimeUnit;
use survcalc_analysis::derive::{Cut, DeriveRequest};
use survcalc_analysis::design::TermSpec;
use survcalc_analysis::request::{RequestErrorKind, REQUEST_VERSION};
use survcalc_analysis::resistance::{ResistanceOptions, RuleSet};
use survcalc_analysis::table::{ColumnType, DateOrder, Delimiter, ReadOptions};
use survcalc_stats::cox::Ties;
use survcalc_stats::km::ConfType;
use survcalc_stats::logrank::PAdjust;
use survcalc_stats::rates::RateCiMethod;

/// A session touching every analysis, with options away from their defaults.
fn session() -> AnalysisFile {
    let read_options = ReadOptions {
        delimiter: Delimiter::Semicolon,
        column_types: BTreeMap::from([(
            "ici_start_date".to_string(),
            ColumnType::Date(DateOrder::DayMonthYear),
        )]),
        ..ReadOptions::default()
    };
    let mut file = AnalysisFile::new("hcc_cohort.csv", read_options);
    file.steps = vec![
        AnalysisStep::Classify(CohortRequest {
            columns: CohortColumns {
                start: Some("ici_start_date".into()),
                best_response: Some("best_overall_response".into()),
                progression: Some("progression_date".into()),
                death: Some("death_date".into()),
                ..CohortColumns::default()
            },
            rules: ResistanceOptions {
                rule_set: RuleSet::EarlyProgression,
                ..ResistanceOptions::default()
            },
            unit: TimeUnit::Months,
            figure: FlowFigure {
                title: Some("Patient selection".into()),
                ..FlowFigure::default()
            },
        }),
        AnalysisStep::Derive(DeriveRequest {
            name: "afp_400".into(),
            cut: Some(Cut {
                column: "afp".into(),
                at: vec![400.0],
                ..Cut::default()
            }),
            ..DeriveRequest::default()
        }),
        AnalysisStep::KaplanMeier(KmRequest {
            time: "os_months".into(),
            event: "os_event".into(),
            event_values: vec!["1".into()],
            group: Some("resistance_group".into()),
            time_unit: Some(TimeUnit::Months),
            conf_type: ConfType::LogLog,
            times: vec![12.0, 24.0],
            rmst_tau: Some(24.0),
            pairwise: Some(PAdjust::Holm),
            figure: KmFigure {
                output: FigureOutput {
                    preset: Some(SizePreset::SingleColumn),
                    font_size: 7.0,
                    dpi: 1200,
                    ..FigureOutput::default()
                },
                style: FigureStyle {
                    palette: Palette::Greyscale,
                    ..FigureStyle::default()
                },
                group_labels: BTreeMap::from([(
                    "primary resistance".to_string(),
                    "Primary".to_string(),
                )]),
                group_order: vec!["durable response".into()],
                x_breaks: Some(6.0),
                median_lines: true,
                ci: CiStyle::Lines,
                risk_table: RiskTableLayout::Kmunicate,
                legend: LegendPosition::Top,
                ..KmFigure::default()
            },
            filter: Some(Filter {
                name: "High AFP".into(),
                conditions: vec![Condition {
                    column: "afp_400".into(),
                    values: vec!["≥ 400".into()],
                    ..Condition::default()
                }],
            }),
            ..KmRequest::default()
        }),
        AnalysisStep::Cox(CoxRequest {
            time: "os_months".into(),
            event: "os_event".into(),
            event_values: vec!["1".into()],
            covariates: vec![
                TermSpec::new("age"),
                TermSpec::new("resistance_group").with_reference("durable response"),
            ],
            ties: Ties::Breslow,
            time_split: Some(TimeSplitSpec {
                cuts: vec![6.0],
                covariates: vec!["age".into()],
            }),
            ..CoxRequest::default()
        }),
        AnalysisStep::ModelTable(ModelTableRequest {
            outcome: OutcomeRequest {
                kind: Some(OutcomeType::Binary),
                column: "resistance_group".into(),
                event_values: vec!["primary resistance".into()],
                ..OutcomeRequest::default()
            },
            candidates: vec![TermSpec::new("age"), TermSpec::categorical("ecog")],
            firth: true,
            ..ModelTableRequest::default()
        }),
        AnalysisStep::BaselineTable(BaselineRequest {
            group: "resistance_group".into(),
            variables: vec![VariableRequest::Column("age".into())],
            yates: true,
            ..BaselineRequest::default()
        }),
        AnalysisStep::Rates(RatesRequest {
            outcome: "best_overall_response".into(),
            success_values: vec!["CR".into(), "PR".into()],
            exclude_values: vec!["NE".into()],
            ci: RateCiMethod::Wilson,
            ..RatesRequest::default()
        }),
        AnalysisStep::CompetingRisks(CompetingRequest {
            time: "ttp_months".into(),
            event: "ttp_status".into(),
            event_values: vec!["progression".into()],
            competing_values: vec!["death".into()],
            group: Some("resistance_group".into()),
            ..CompetingRequest::default()
        }),
        AnalysisStep::Subgroups(SubgroupRequest {
            treatment: TermSpec::new("arm").with_reference("control"),
            subgroups: vec!["sex".into()],
            ..SubgroupRequest::default()
        }),
    ];
    file
}

#[test]
fn a_whole_session_reads_back_as_written() {
    let file = session();
    let kinds: Vec<&str> = file.steps.iter().map(AnalysisStep::kind).collect();
    assert_eq!(
        kinds, ANALYSIS_KINDS,
        "the session has one step of each analysis"
    );
    let text = file.to_json().unwrap();
    let back = AnalysisFile::from_json(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(back, file);
    // Any serde reader gives the same session.
    let back: AnalysisFile = serde_json::from_str(&text).unwrap();
    assert_eq!(back, file);

    // The layout a person (or a later survcalc) reads.
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["version"], json!(REQUEST_VERSION));
    assert_eq!(value["dataset"]["file_name"], "hcc_cohort.csv");
    assert_eq!(
        value["dataset"]["read_options"]["column_types"]["ici_start_date"],
        json!({"date": "day_month_year"})
    );
    assert_eq!(value["steps"][1]["analysis"], "derive");
    assert_eq!(
        value["steps"][1]["cut"],
        json!({"column": "afp", "at": [400.0], "cut_point_in": "upper", "labels": []})
    );
    assert_eq!(value["steps"][2]["analysis"], "kaplan_meier");
    assert_eq!(value["steps"][2]["conf_type"], "log-log");
    assert_eq!(
        value["steps"][2]["filter"]["conditions"][0]["values"],
        json!(["≥ 400"])
    );
    assert_eq!(value["steps"][3]["analysis"], "cox");
    assert_eq!(value["steps"][3]["ties"], "breslow");
}

fn document(steps: Value) -> Value {
    json!({"version": 1, "dataset": {"file_name": "lung.csv"}, "steps": steps})
}

#[test]
fn a_mistake_in_a_step_is_named_by_the_step_and_option() {
    let steps = json!([
        {"analysis": "kaplan_meier", "time": "time", "event": "status", "event_values": [2]},
        {"analysis": "rates", "outcome": "ph.ecog", "success_values": [0, 1]},
        {"analysis": "cox", "time": "time", "event": "status", "event_values": [2], "tie": "breslow"},
    ]);
    let e = AnalysisFile::from_value(&document(steps)).unwrap_err();
    assert_eq!(e.step, Some((2, "Cox regression")));
    let m = e.to_string();
    assert!(m.starts_with("steps[2] (Cox regression): Unknown option \"tie\" for this step; did you mean \"ties\"? Options: time,"), "{m}");

    let steps = json!([{"analysis": "baseline_table", "group": "sex", "variables": [{"column": "age", "kind": "continous"}]}]);
    let m = AnalysisFile::from_value(&document(steps))
        .unwrap_err()
        .to_string();
    assert_eq!(
        m,
        "steps[0] (Table 1): Option \"variables[0].kind\" of this step cannot be \"continous\"; did you mean \"continuous\"? \
         Choose one of: \"categorical\", \"continuous\"."
    );
}

#[test]
fn steps_are_read_as_leniently_as_the_page_s_requests() {
    let steps = json!([{"analysis": "Kaplan-Meier", "time": "time", "event": "status", "event_values": 2, "conf_type": "Log-Log"}]);
    let file = AnalysisFile::from_value(&document(steps)).unwrap();
    let AnalysisStep::KaplanMeier(km) = &file.steps[0] else {
        panic!("{:?}", file.steps[0])
    };
    assert_eq!(km.event_values, vec!["2"]);
    assert_eq!(km.conf_type, ConfType::LogLog);
}

#[test]
fn an_unknown_analysis_is_named_with_the_choices() {
    let m = AnalysisFile::from_value(&document(json!([{"analysis": "kaplan_meir", "time": "t"}])))
        .unwrap_err()
        .to_string();
    assert_eq!(
        m,
        "Option \"steps[0].analysis\" of the analysis file cannot be \"kaplan_meir\"; did you mean \"kaplan_meier\"? \
         Choose one of: \"classify\", \"derive\", \"kaplan_meier\", \"cox\", \"model_table\", \"baseline_table\", \"rates\", \"competing_risks\", \"subgroups\"."
    );
    let m = AnalysisFile::from_value(&document(json!([{"time": "t"}])))
        .unwrap_err()
        .to_string();
    assert_eq!(
        m,
        "Option \"steps[0].analysis\" is required for the analysis file."
    );
    let m = AnalysisFile::from_value(&document(json!([{"analysis": "cox"}, "rates"])))
        .unwrap_err()
        .to_string();
    assert_eq!(m, "Option \"steps[1]\" of the analysis file must be an object with \"analysis\" and its options, not the text \"rates\".");
}

#[test]
fn the_top_level_and_the_dataset_are_strict() {
    let m = AnalysisFile::from_value(&json!({"version": 1, "dataset": {}, "step": []}))
        .unwrap_err()
        .to_string();
    assert!(
        m.starts_with("Unknown option \"step\" for the analysis file; did you mean \"steps\"?"),
        "{m}"
    );
    let m = AnalysisFile::from_value(
        &json!({"version": 1, "dataset": {"read_options": {"delimeter": ";"}}}),
    )
    .unwrap_err()
    .to_string();
    assert!(
        m.starts_with("Unknown option \"dataset.read_options.delimeter\" for the analysis file; did you mean \"delimiter\"?"),
        "{m}"
    );
    let m = AnalysisFile::from_value(&json!({"version": 1}))
        .unwrap_err()
        .to_string();
    assert_eq!(m, "Option \"dataset\" is required for the analysis file.");
}

#[test]
fn a_file_from_a_newer_survcalc_is_refused_not_misread() {
    let mut value = session().to_value().unwrap();
    value["version"] = json!(REQUEST_VERSION + 1);
    // Even with options this build does not know: the version is checked first.
    value["steps"][0]["new_option"] = json!(true);
    let e = AnalysisFile::from_value(&value).unwrap_err();
    assert_eq!(
        e.error.kind,
        RequestErrorKind::NewerVersion {
            found: REQUEST_VERSION + 1
        }
    );
    assert_eq!(
        e.to_string(),
        format!(
            "This analysis file was saved by a newer version of survcalc (format version {}); this page reads version {} \
             and older. Update survcalc to open it.",
            REQUEST_VERSION + 1,
            REQUEST_VERSION
        )
    );
}

#[test]
fn other_json_is_not_taken_for_an_analysis_file() {
    let m = AnalysisFile::from_value(&json!({"dataset": {}, "steps": []}))
        .unwrap_err()
        .to_string();
    assert_eq!(
        m,
        "This is not a survcalc analysis file (it has no \"version\")."
    );
    let m = AnalysisFile::from_value(&json!([1, 2]))
        .unwrap_err()
        .to_string();
    assert_eq!(
        m,
        "This is not a survcalc analysis file (it is not a JSON object)."
    );
    let m = AnalysisFile::from_json("time,status\n1,2\n")
        .unwrap_err()
        .to_string();
    assert!(
        m.starts_with("This is not a survcalc analysis file (not valid JSON:"),
        "{m}"
    );
    let m = AnalysisFile::from_value(&json!({"version": "one", "dataset": {}}))
        .unwrap_err()
        .to_string();
    assert_eq!(m, "Option \"version\" of the analysis file must be a whole number (the file format's version), not the text \"one\".");
}
