//! The command line on the synthetic cohort: a saved session rerun writes
//! the tables byte-identical to what the report gives the page, the
//! figures, the report and the R script; a step that does not fit the data
//! is reported and the others still run.

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn session() -> String {
    serde_json_like()
}

/// The analysis file a user would save after classifying and analysing.
fn serde_json_like() -> String {
    r#"{"version": 1, "dataset": {"file_name": "synthetic_hcc_cohort.csv"}, "steps": [
        {"analysis": "classify", "columns": {"patient_id": "patient_id", "start": "ici_start_date",
          "best_response": "best_overall_response", "first_evaluation": "first_evaluation_date",
          "progression": "progression_date", "confirmation_scan": "pd_confirmation_date",
          "rapid_deterioration": "rapid_deterioration", "drug_stop": "ici_stop_date",
          "last_assessment": "last_assessment_date", "last_contact": "last_contact_date", "death": "death_date", "data_cutoff": "data_cutoff_date"}},
        {"analysis": "kaplan_meier", "time": "os_months", "event": "os_event", "event_values": ["1"], "group": "resistance_group"},
        {"analysis": "cox", "time": "pps_months", "event": "pps_event", "event_values": ["1"], "covariates": [{"column": "bclc"}, {"column": "afp"}]},
        {"analysis": "baseline_table", "group": "resistance_group", "variables": ["age", "sex", "bclc"]},
        {"analysis": "rates", "outcome": "best_overall_response", "success_values": ["CR", "PR"], "group": "resistance_group"},
        {"analysis": "kaplan_meier", "time": "no_such_column", "event": "os_event", "event_values": ["1"]}
    ]}"#
    .to_string()
}

#[test]
fn reruns_a_session_and_writes_every_output() {
    let dir = std::env::temp_dir().join(format!("survcalc-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let analysis = dir.join("a.survcalc.json");
    std::fs::write(&analysis, session()).unwrap();
    let out = dir.join("out");
    let data = root().join("www/examples/synthetic_hcc_cohort.csv");
    let status = Command::new(env!("CARGO_BIN_EXE_survcalc"))
        .args([
            "run",
            analysis.to_str().unwrap(),
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&status.stderr);
    // The last step names a column the data lacks: reported, not fatal.
    assert_eq!(status.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("step 6 (kaplan_meier): not run: ") && stderr.contains("no_such_column"),
        "{stderr}"
    );
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for wanted in [
        "01_classify_flow.svg",
        "02_kaplan_meier.svg",
        "02_kaplan_meier_summary.csv",
        "03_cox_forest.svg",
        "03_cox_hazard_ratios.csv",
        "04_baseline_table.csv",
        "05_rates.csv",
        "report.html",
        "analysis.R",
        "data.csv",
    ] {
        assert!(
            names.iter().any(|n| n == wanted),
            "{wanted} missing from {names:?}"
        );
    }
    // The CSV is the page's: the same bytes as the report's table export.
    let mut table =
        survcalc_analysis::table::read_csv(&std::fs::read(&data).unwrap(), &Default::default())
            .unwrap();
    let file = survcalc_analysis::analysis_file::AnalysisFile::from_json(&session()).unwrap();
    let output = survcalc_report::run(&file, &mut table, survcalc_report::Figures::All);
    let km = &output.steps[1];
    assert_eq!(
        std::fs::read_to_string(out.join("02_kaplan_meier_summary.csv")).unwrap(),
        km.csv[0].content
    );
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("Statistical analysis") && report.contains("Kaplan–Meier method"));
    assert!(
        report.contains("<svg") && !report.contains("http://www.w3.org/1999/xhtml\" src"),
        "figures inline"
    );
    assert!(!report.contains("<script"), "no script in the report");
    assert!(report.contains("could not be run on this data"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_say_what_is_expected() {
    let o = Command::new(env!("CARGO_BIN_EXE_survcalc"))
        .args(["run", "a.json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Usage: survcalc run"));
}
