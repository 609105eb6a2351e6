//! The R scripts survcalc writes, run with R: every number they print on a
//! `survcalc_check` line must equal the same number of survcalc's report.
//! R (r-base-core, r-cran-survival from Debian) is installed by `make test`;
//! without it these tests are skipped, unless SURVCALC_REQUIRE_R is set
//! (as `make test` does), where a missing R is a failure.

// One copy of the fixtures loader and the tolerances, shared by every crate's tests.
#[path = "../../stats/tests/support/mod.rs"]
mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use survcalc_analysis::analyses::{baseline, competing, cox, km, models, rates, subgroup};
use survcalc_analysis::analysis_file::AnalysisStep;
use survcalc_analysis::export::{dataset_csv, DataExportRequest};
use survcalc_analysis::rscript;
use survcalc_analysis::table::{read_csv, ReadOptions, Table};

fn r_available() -> bool {
    let found = Command::new("Rscript")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("SURVCALC_REQUIRE_R").is_none(),
            "Rscript is required (SURVCALC_REQUIRE_R is set)"
        );
        eprintln!("Rscript not found: the R comparison is skipped (make test installs R)");
    }
    found
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("survcalc-rscript-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `script` with the table exported next to it; the check lines.
fn run_r(name: &str, table: &Table, step: &AnalysisStep) -> Vec<(String, Option<f64>)> {
    let dir = scratch(name);
    std::fs::write(
        dir.join("data.csv"),
        dataset_csv(table, &DataExportRequest::default()).unwrap(),
    )
    .unwrap();
    let script = rscript::for_step(step, table, "data.csv").unwrap();
    std::fs::write(dir.join("analysis.R"), &script).unwrap();
    let out = Command::new("Rscript")
        .arg("--vanilla")
        .arg("analysis.R")
        .current_dir(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "R failed on {name}:\n{}\n--- script ---\n{script}",
        String::from_utf8_lossy(&out.stderr)
    );
    let checks: Vec<(String, Option<f64>)> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("survcalc_check\t"))
        .map(|l| {
            let (path, value) = l.split_once('\t').unwrap();
            (
                path.to_string(),
                if value == "NA" {
                    None
                } else {
                    Some(value.parse::<f64>().unwrap())
                },
            )
        })
        .collect();
    assert!(
        !checks.is_empty(),
        "{name}: R printed no checks:\n{stdout}\n--- script ---\n{script}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    checks
}

/// The value at `path` in a report: `a.b[2].c`, `curves[label=x].n` (the
/// element of a list whose `label` is "x").
fn lookup<'a>(report: &'a Value, path: &str) -> Option<&'a Value> {
    let mut v = report;
    let mut rest = path;
    while !rest.is_empty() {
        rest = rest.strip_prefix('.').unwrap_or(rest);
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let (name, after) = rest.split_at(end);
        if !name.is_empty() {
            v = v.get(name)?;
        }
        rest = after;
        while let Some(inner) = rest.strip_prefix('[') {
            let close = inner.find(']')?;
            let selector = &inner[..close];
            v = match selector.split_once('=') {
                Some((key, wanted)) => v
                    .as_array()?
                    .iter()
                    .find(|x| x.get(key).and_then(Value::as_str) == Some(wanted))?,
                None => v.get(selector.parse::<usize>().ok()?)?,
            };
            rest = &inner[close + 1..];
        }
    }
    Some(v)
}

/// Every check must find its number in the report, equal at `rel`.
fn compare(name: &str, report: &impl serde::Serialize, checks: &[(String, Option<f64>)], rel: f64) {
    let report = serde_json::to_value(report).unwrap();
    assert!(!checks.is_empty(), "{name}: R printed no checks");
    let mut failures = Vec::new();
    for (path, r) in checks {
        let ours = lookup(&report, path);
        let ok = match (ours.and_then(Value::as_f64), r) {
            (Some(a), Some(b)) => {
                (a - b).abs() <= rel * b.abs().max(1e-300) || (a - b).abs() <= 1e-12
            }
            (None, None) => ours.is_none_or(Value::is_null),
            // JSON has no infinity: survcalc's report writes an infinite limit
            // (exp of a huge coefficient, as R's Inf) as null.
            (None, Some(b)) if b.is_infinite() => ours.is_some_and(Value::is_null),
            _ => false,
        };
        if !ok {
            failures.push(format!("{path}: survcalc {ours:?}, R {r:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{name}: {} of {} checks differ:\n{}",
        failures.len(),
        checks.len(),
        failures.join("\n")
    );
    eprintln!("{name}: {} numbers equal R's", checks.len());
}

fn fixture(dataset: &str) -> Table {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/reference")
        .join(dataset)
        .join("data.csv");
    read_csv(&std::fs::read(path).unwrap(), &ReadOptions::default()).unwrap()
}

fn km_request(json: Value) -> km::KmRequest {
    survcalc_analysis::request::from_value(&json, "Kaplan–Meier").unwrap()
}

fn cox_request(json: Value) -> cox::CoxRequest {
    survcalc_analysis::request::from_value(&json, "Cox regression").unwrap()
}

#[test]
fn kaplan_meier_scripts_reproduce_the_numbers() {
    if !r_available() {
        return;
    }
    let lung = fixture("02_lung");
    let cases = [
        (
            "lung by sex",
            &lung,
            serde_json::json!({"time": "time", "event": "status", "event_values": [2], "group": "sex",
            "times": [180, 365, 730], "rmst_tau": 365, "time_unit": "days"}),
        ),
        (
            "lung log-log, months, landmark",
            &lung,
            serde_json::json!({"time": "time", "event": "status", "event_values": [2],
            "group": "ph.ecog", "conf_type": "log-log", "conf_level": 0.9, "time_unit": "days", "display_unit": "months",
            "landmark": 3, "times": [6, 12]}),
        ),
        (
            "lung overall, Peto",
            &lung,
            serde_json::json!({"time": "time", "event": "status", "event_values": [2], "rho": 1, "rmst_tau": 500}),
        ),
    ];
    for (name, table, json) in cases {
        let request = km_request(json);
        let report = km::run(table, &request).unwrap();
        let checks = run_r(name, table, &AnalysisStep::KaplanMeier(request));
        compare(name, &report, &checks, support::STAT_REL);
    }
    let veteran = fixture("03_veteran");
    let request = km_request(
        serde_json::json!({"time": "time", "event": "status", "event_values": [1], "group": "trt", "strata": "celltype"}),
    );
    let report = km::run(&veteran, &request).unwrap();
    let checks = run_r(
        "veteran stratified",
        &veteran,
        &AnalysisStep::KaplanMeier(request),
    );
    compare("veteran stratified", &report, &checks, support::STAT_REL);
}

#[test]
fn cox_scripts_reproduce_the_numbers() {
    if !r_available() {
        return;
    }
    let lung = fixture("02_lung");
    let veteran = fixture("03_veteran");
    let cases = [
        (
            "lung efron",
            &lung,
            serde_json::json!({"time": "time", "event": "status", "event_values": [2],
            "covariates": [{"column": "age"}, {"column": "sex"}, {"column": "ph.ecog"}]}),
        ),
        (
            "lung breslow robust",
            &lung,
            serde_json::json!({"time": "time", "event": "status", "event_values": [2],
            "covariates": [{"column": "age"}, {"column": "ph.ecog", "kind": "categorical", "reference": "1"}], "ties": "breslow", "robust": true}),
        ),
        (
            "veteran categorical, strata",
            &veteran,
            serde_json::json!({"time": "time", "event": "status", "event_values": [1],
            "covariates": [{"column": "celltype", "reference": "squamous"}, {"column": "karno"}], "strata": "trt", "zph_transform": "identity"}),
        ),
    ];
    for (name, table, json) in cases {
        let request = cox_request(json);
        let report = cox::run(table, &request).unwrap();
        let checks = run_r(name, table, &AnalysisStep::Cox(request));
        compare(name, &report, &checks, support::STAT_REL);
    }
}

fn step(json: Value) -> AnalysisStep {
    AnalysisStep::from_value(&json).unwrap()
}

/// Runs a step in survcalc, then its R script, and compares.
fn check_step(name: &str, table: &Table, json: Value) {
    let s = step(json);
    let report: Value = match &s {
        AnalysisStep::KaplanMeier(r) => serde_json::to_value(km::run(table, r).unwrap()).unwrap(),
        AnalysisStep::Cox(r) => serde_json::to_value(cox::run(table, r).unwrap()).unwrap(),
        AnalysisStep::ModelTable(r) => {
            serde_json::to_value(models::run(table, r).unwrap()).unwrap()
        }
        AnalysisStep::BaselineTable(r) => {
            serde_json::to_value(baseline::run(table, r).unwrap()).unwrap()
        }
        AnalysisStep::Rates(r) => serde_json::to_value(rates::run(table, r).unwrap()).unwrap(),
        AnalysisStep::CompetingRisks(r) => {
            serde_json::to_value(competing::run(table, r).unwrap()).unwrap()
        }
        AnalysisStep::Subgroups(r) => {
            serde_json::to_value(subgroup::run(table, r).unwrap()).unwrap()
        }
        AnalysisStep::Classify(_) | AnalysisStep::Derive(_) => {
            panic!("no R script checked for {}", s.kind())
        }
    };
    let checks = run_r(name, table, &s);
    compare(name, &report, &checks, support::STAT_REL);
}

#[test]
fn model_table_scripts_reproduce_the_numbers() {
    if !r_available() {
        return;
    }
    let infert = fixture("06_infert");
    check_step(
        "infert logistic",
        &infert,
        serde_json::json!({"analysis": "model_table",
        "outcome": {"column": "case", "event_values": [1]},
        "candidates": [{"column": "age"}, {"column": "parity"}, {"column": "education", "kind": "categorical"}, {"column": "spontaneous"}],
        "multivariable": ["age", "education", "spontaneous"]}),
    );
    let endometrial = fixture("07_separation");
    check_step(
        "endometrial Firth",
        &endometrial,
        serde_json::json!({"analysis": "model_table",
        "outcome": {"column": "HG", "event_values": [1]}, "firth": true,
        "candidates": [{"column": "NV"}, {"column": "PI"}, {"column": "EH"}], "multivariable": ["NV", "PI", "EH"]}),
    );
    let lung = fixture("02_lung");
    check_step(
        "lung Cox table",
        &lung,
        serde_json::json!({"analysis": "model_table",
        "outcome": {"time": "time", "event": "status", "event_values": [2]},
        "candidates": [{"column": "age"}, {"column": "sex"}, {"column": "ph.ecog", "kind": "categorical"}],
        "multivariable": ["age", "sex", "ph.ecog"], "ties": "breslow"}),
    );
}

#[test]
fn table1_and_rate_scripts_reproduce_the_numbers() {
    if !r_available() {
        return;
    }
    let colon = fixture("08_colon_baseline");
    check_step(
        "colon Table 1",
        &colon,
        serde_json::json!({"analysis": "baseline_table", "group": "rx",
        "variables": ["age", "sex", "obstruct", "differ", "extent", "nodes"]}),
    );
    check_step(
        "colon Table 1 anova",
        &colon,
        serde_json::json!({"analysis": "baseline_table", "group": "sex",
        "variables": ["age", "nodes", "differ"], "continuous_test": "anova", "yates": true}),
    );
    check_step(
        "colon Table 1 welch",
        &colon,
        serde_json::json!({"analysis": "baseline_table", "group": "rx",
        "variables": ["age", "nodes"], "continuous_test": "welch"}),
    );
    check_step(
        "colon rates",
        &colon,
        serde_json::json!({"analysis": "rates", "outcome": "status", "success_values": [1], "group": "rx"}),
    );
    check_step(
        "colon rates small",
        &colon,
        serde_json::json!({"analysis": "rates", "outcome": "perfor", "success_values": [1], "group": "extent"}),
    );
}

/// cmprsk's cuminc and crr (and survival's multi-state survfit for the
/// infinitesimal-jackknife SE) print the curves, Gray's tests and the
/// Fine–Gray model survcalc shows, at the statistics' tolerance.
#[test]
fn competing_risk_scripts_reproduce_the_numbers() {
    if !r_available() {
        return;
    }
    let mgus2 = fixture("11_mgus2_competing");
    check_step(
        "mgus2 by sex, Fine–Gray",
        &mgus2,
        serde_json::json!({"analysis": "competing_risks", "time": "etime", "event": "event",
        "event_values": [1], "competing_values": [2], "group": "sex", "times": [60, 120, 240, 360],
        "covariates": [{"column": "age"}, {"column": "sex", "kind": "categorical"}, {"column": "hgb"}]}),
    );
    check_step(
        "mgus2 overall, IJ log-log, years",
        &mgus2,
        serde_json::json!({"analysis": "competing_risks", "time": "etime", "event": "event",
        "event_values": [2], "competing_values": [1], "censor_values": [0], "time_unit": "months", "display_unit": "years",
        "conf_type": "log-log", "variance": "infinitesimal_jackknife", "conf_level": 0.9, "times": [5, 10, 20]}),
    );
    check_step(
        "mgus2 by sex, rho 1, plain",
        &mgus2,
        serde_json::json!({"analysis": "competing_risks", "time": "etime", "event": "event",
        "event_values": [1], "competing_values": [2], "group": "sex", "rho": 1, "conf_type": "plain", "times": [100, 400],
        "filter": {"conditions": [{"column": "age", "at_least": 60}]},
        "covariates": [{"column": "mspike"}, {"column": "creat"}]}),
    );
}

/// Per-level coxph / glm fits and the likelihood-ratio interaction tests,
/// in all patients and in an analysis set.
#[test]
fn subgroup_scripts_reproduce_the_numbers() {
    if !r_available() {
        return;
    }
    let colon = fixture("08_colon_baseline");
    check_step(
        "colon Cox by subgroup",
        &colon,
        serde_json::json!({"analysis": "subgroups",
        "outcome": {"time": "time", "event": "status", "event_values": [1]},
        "treatment": {"column": "sex", "kind": "categorical"}, "subgroups": ["rx", "differ", "obstruct"],
        "adjust": [{"column": "age"}, {"column": "nodes"}]}),
    );
    check_step(
        "colon logistic by subgroup in a set",
        &colon,
        serde_json::json!({"analysis": "subgroups",
        "outcome": {"column": "status", "event_values": [1]},
        "treatment": {"column": "obstruct", "kind": "categorical"}, "subgroups": ["rx", "sex", "differ"],
        "filter": {"conditions": [{"column": "age", "at_least": 40}]}}),
    );
    let lung = fixture("02_lung");
    check_step(
        "lung Cox, Breslow, numeric treatment, strata",
        &lung,
        serde_json::json!({"analysis": "subgroups",
        "outcome": {"time": "time", "event": "status", "event_values": [2], "strata": "inst"},
        "treatment": {"column": "age"}, "subgroups": ["sex", "ph.ecog"], "ties": "breslow", "conf_level": 0.9}),
    );
}

/// An analysis set is R's subset: the same conditions on the exported data
/// give the same patients and so the same numbers, for every kind of step.
#[test]
fn analysis_sets_are_the_same_subset_in_r() {
    if !r_available() {
        return;
    }
    let lung = fixture("02_lung");
    let older = serde_json::json!({"name": "Older, ECOG 0-1", "conditions": [
        {"column": "age", "at_least": 60}, {"column": "ph.ecog", "values": [0, 1]}, {"column": "wt.loss", "present": true}]});
    check_step(
        "lung KM in a set",
        &lung,
        serde_json::json!({"analysis": "kaplan_meier", "time": "time", "event": "status",
        "event_values": [2], "group": "sex", "filter": older}),
    );
    check_step(
        "lung Cox in a set",
        &lung,
        serde_json::json!({"analysis": "cox", "time": "time", "event": "status",
        "event_values": [2], "covariates": [{"column": "age"}, {"column": "sex", "kind": "categorical"}], "filter": older}),
    );
    let colon = fixture("08_colon_baseline");
    let women = serde_json::json!({"conditions": [{"column": "sex", "values": [0]}, {"column": "age", "above": 40, "below": 75}]});
    check_step(
        "colon Table 1 in a set",
        &colon,
        serde_json::json!({"analysis": "baseline_table", "group": "rx",
        "variables": ["age", "obstruct", "differ"], "filter": women}),
    );
    check_step(
        "colon rates in a set",
        &colon,
        serde_json::json!({"analysis": "rates", "outcome": "status", "success_values": [1],
        "group": "rx", "filter": women}),
    );
    let infert = fixture("06_infert");
    check_step(
        "infert logistic in a set",
        &infert,
        serde_json::json!({"analysis": "model_table",
        "outcome": {"column": "case", "event_values": [1]}, "candidates": [{"column": "age"}, {"column": "spontaneous"}],
        "multivariable": ["age", "spontaneous"], "filter": {"conditions": [{"column": "parity", "at_most": 3}]}}),
    );
}

#[test]
fn a_whole_session_on_the_classified_synthetic_cohort() {
    if !r_available() {
        return;
    }
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../www/examples/synthetic_hcc_cohort.csv");
    let mut table = read_csv(&std::fs::read(path).unwrap(), &ReadOptions::default()).unwrap();
    let columns = survcalc_analysis::analyses::cohort::suggest_columns(&table);
    let classify: survcalc_analysis::analyses::cohort::CohortRequest =
        survcalc_analysis::request::from_value(
            &serde_json::json!({"columns": serde_json::to_value(&columns).unwrap()}),
            "classification",
        )
        .unwrap();
    survcalc_analysis::analyses::cohort::run(&mut table, &classify).unwrap();
    for (name, json) in [
        (
            "synthetic OS by group",
            serde_json::json!({"analysis": "kaplan_meier", "time": "os_months", "event": "os_event", "event_values": [1],
            "group": "resistance_group", "times": [12, 24], "rmst_tau": 24}),
        ),
        (
            "synthetic PPS Cox",
            serde_json::json!({"analysis": "cox", "time": "pps_months", "event": "pps_event", "event_values": [1],
            "covariates": [{"column": "bclc"}, {"column": "afp"}, {"column": "resistance_group"}]}),
        ),
        (
            "synthetic primary vs rest",
            serde_json::json!({"analysis": "model_table",
            "outcome": {"column": "resistance_group", "event_values": ["primary resistance"]},
            "candidates": [{"column": "age"}, {"column": "bclc"}, {"column": "afp_ge_400"}, {"column": "combination"}], "multivariable": null}),
        ),
        (
            "synthetic Table 1",
            serde_json::json!({"analysis": "baseline_table", "group": "resistance_group",
            "variables": ["age", "sex", "ecog", "child_pugh", "bclc", "afp", "combination"]}),
        ),
        (
            "synthetic ORR",
            serde_json::json!({"analysis": "rates", "outcome": "best_overall_response", "success_values": ["CR", "PR"], "group": "resistance_group"}),
        ),
        (
            "synthetic OS by subgroup",
            serde_json::json!({"analysis": "subgroups",
            "outcome": {"time": "os_months", "event": "os_event", "event_values": [1]},
            "treatment": {"column": "sex", "kind": "categorical"}, "subgroups": ["resistance_group", "bclc"],
            "adjust": [{"column": "age"}]}),
        ),
    ] {
        check_step(name, &table, json);
    }
}
