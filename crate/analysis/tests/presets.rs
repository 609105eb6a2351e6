//! "Match another program" presets: what each sets, checked against R's
//! fits of those settings (tests/reference/02_lung: survfit medians per
//! conf.type, coxph with ties = "breslow"), and SPSS's symmetric median CI
//! recomputed in the test from R's own Kaplan–Meier table with the formula
//! written out here.

#[path = "../../stats/tests/support/mod.rs"]
mod support;

use serde_json::{json, Value};
use support::*;
use survcalc_analysis::analyses::{baseline, cox, km, models};
use survcalc_analysis::presets::{self, Fidelity, PresetSetting, Program};
use survcalc_analysis::request;
use survcalc_analysis::table::{read_csv, ReadOptions, Table};

fn lung() -> Table {
    read_csv(
        data_file("02_lung", "data.csv").as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap()
}

fn km_with(preset: &str) -> km::KmResult {
    let req: km::KmRequest = request::from_value(
        &json!({"time": "time", "event": "status", "event_values": [2], "preset": preset, "conf_type": "plain"}),
        "Kaplan–Meier",
    )
    .unwrap();
    km::run(&lung(), &req).unwrap()
}

/// Stata and SAS: the log-log band and the median read off it, R's
/// `survfit(..., conf.type = "log-log")` median limits (284, 361), whatever
/// the request's own conf_type.
#[test]
fn stata_sets_the_log_log_band_and_median() {
    let r = km_with("stata");
    let reference = reference("02_lung");
    let m = &reference["km"]["overall"]["strata"]["all"]["summary"]["loglog"];
    let ours = &r.medians[0].estimate;
    assert_eq!(
        (ours.median, ours.lower, ours.upper),
        (
            num(&m["median"]),
            num(&m["median_lcl"]),
            num(&m["median_ucl"])
        )
    );
    assert_eq!(r.fit.conf_type, survcalc_stats::km::ConfType::LogLog);
    let preset = r.preset.as_ref().unwrap();
    assert_eq!(preset.program, Program::Stata);
    let settings: Vec<PresetSetting> = preset.choices.iter().map(|c| c.setting).collect();
    assert_eq!(
        settings,
        [
            PresetSetting::KmConfType,
            PresetSetting::MedianCi,
            PresetSetting::Logrank
        ]
    );
    assert!(
        r.settings_text.contains("Settings matched to Stata"),
        "{}",
        r.settings_text
    );
}

/// SPSS: median ± 1.96·SE, SE = se(S(median)) / f̂, f̂ the slope of S
/// between the last event time with S >= 0.55 and the first with S <= 0.45,
/// all read from R's survfit table of lung (overall).
#[test]
fn spss_sets_the_symmetric_median_ci_from_rs_curve() {
    let r = km_with("spss");
    let reference = reference("02_lung");
    let table = &reference["km"]["overall"]["strata"]["all"]["table"];
    let time = f64s(&table["time"]);
    let surv = f64s(&table["surv"]);
    let se_surv = nums(&table["std_err_surv"]);
    let n_event = f64s(&table["n_event"]);
    let events: Vec<usize> = (0..time.len()).filter(|&i| n_event[i] > 0.0).collect();
    let u = *events.iter().filter(|&&i| surv[i] >= 0.55).last().unwrap();
    let l = *events.iter().find(|&&i| surv[i] <= 0.45).unwrap();
    let density = (surv[u] - surv[l]) / (time[l] - time[u]);
    let median =
        num(&reference["km"]["overall"]["strata"]["all"]["summary"]["log"]["median"]).unwrap();
    let at_median = time.iter().rposition(|&t| t <= median).unwrap();
    let se = se_surv[at_median].unwrap() / density;
    let z = 1.959_963_984_540_054;
    let ours = &r.medians[0].estimate;
    assert_eq!(ours.median, Some(median));
    assert_close(ours.se.unwrap(), se, STAT_REL, "SE of the median");
    assert_close(ours.lower.unwrap(), median - z * se, STAT_REL, "lower");
    assert_close(ours.upper.unwrap(), median + z * se, STAT_REL, "upper");
    assert!(
        r.summary_table.rows[0][3].starts_with("310 ("),
        "{:?}",
        r.summary_table.rows[0]
    );
    assert!(
        r.settings_text.contains("symmetric, median ± z·SE"),
        "{}",
        r.settings_text
    );
    // The method is named, and what is not reproduced is said.
    let median_choice = r
        .preset
        .as_ref()
        .unwrap()
        .choices
        .iter()
        .find(|c| c.setting == PresetSetting::MedianCi)
        .unwrap();
    assert_eq!(median_choice.value, "symmetric");
    assert_eq!(median_choice.fidelity, Fidelity::Approximate);
    assert!(median_choice
        .note
        .as_deref()
        .unwrap()
        .contains("not compared with SPSS output"));
    let json: Value = serde_json::to_value(&r).unwrap();
    assert_eq!(json["medians"][0]["method"], "symmetric");
}

/// Stata's Cox: Breslow ties, R's `coxph(..., ties = "breslow")`.
#[test]
fn stata_sets_breslow_ties() {
    let req: cox::CoxRequest = request::from_value(
        &json!({"time": "time", "event": "status", "event_values": [2], "preset": "stata", "ties": "efron",
            "covariates": [{"column": "age"}, {"column": "sex"}, {"column": "ph.ecog"}]}),
        "Cox regression",
    )
    .unwrap();
    let r = cox::run(&lung(), &req).unwrap();
    let reference = reference("02_lung");
    let breslow = &reference["cox"]["breslow"];
    for j in 0..3 {
        assert_close(
            r.fit.coef[j].unwrap(),
            num(&breslow["coef"][j]).unwrap(),
            COEF_REL,
            "Breslow coef",
        );
    }
    assert_eq!(r.preset.as_ref().unwrap().choices[0].value, "breslow");
}

#[test]
fn table1_and_model_table_presets_say_what_they_set() {
    let colon = read_csv(
        data_file("08_colon_baseline", "data.csv").as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap();
    let req: baseline::BaselineRequest = request::from_value(
        &json!({"group": "rx", "variables": ["sex"], "yates": true, "preset": "sas"}),
        "Table 1",
    )
    .unwrap();
    let r = baseline::run(&colon, &req).unwrap();
    let p = r.preset.as_ref().unwrap();
    assert_eq!(
        (
            p.choices.len(),
            p.choices[0].setting,
            p.choices[0].value.as_str()
        ),
        (1, PresetSetting::Table1Yates, "false")
    );
    assert!(
        r.settings_text.contains("Settings matched to SAS"),
        "{}",
        r.settings_text
    );
    let infert = read_csv(
        data_file("06_infert", "data.csv").as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap();
    let req: models::ModelTableRequest = request::from_value(
        &json!({"outcome": {"type": "binary", "column": "case", "event_values": [1]},
            "candidates": [{"column": "spontaneous"}], "preset": "r", "ci": "wald"}),
        "the model table",
    )
    .unwrap();
    let r = models::run(&infert, &req).unwrap();
    let p = r.preset.as_ref().unwrap();
    assert_eq!(
        (p.choices[0].setting, p.choices[0].value.as_str()),
        (PresetSetting::LogisticCi, "profile")
    );
}

/// Every program has one choice per setting, and each that is not tested
/// against the program says so through its fidelity.
#[test]
fn every_program_sets_every_setting() {
    for program in [
        Program::R,
        Program::Stata,
        Program::Sas,
        Program::Spss,
        Program::Prism,
    ] {
        let choices = presets::choices(program);
        assert_eq!(choices.len(), 6, "{program:?}");
        if program != Program::R {
            assert!(
                choices.iter().all(|c| c.fidelity != Fidelity::Tested),
                "{program:?}"
            );
        }
        for c in &choices {
            if matches!(c.fidelity, Fidelity::Approximate | Fidelity::NotAvailable) {
                assert!(
                    c.note.is_some(),
                    "{program:?} {:?} must say what differs",
                    c.setting
                );
            }
        }
    }
}
