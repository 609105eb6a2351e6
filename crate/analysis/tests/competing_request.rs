//! The competing-risks request (`analyses::competing::run`) against cmprsk
//! 2.2-11 and survival 3.5-3 on mgus2 (tests/reference/11_mgus2_competing):
//! the event column's codes 0/1/2 read as censored / PCM / death, the
//! curves at the chosen times (`timepoints(cuminc(etime, event, sex), ...)`
//! and `summary(survfit(Surv(etime, factor(event)) ~ sex), times = ...)`),
//! Gray's test, and the Fine–Gray model `crr(etime, event, cov1 =
//! model.matrix(~ age + sex + hgb)[, -1])`, whose complete cases the
//! request finds itself.

#[path = "../../stats/tests/support/mod.rs"]
mod support;

use serde_json::json;
use support::*;
use survcalc_analysis::analyses::competing::{run, CifPlotStyle, CompetingRequest};
use survcalc_analysis::analyses::cox;
use survcalc_analysis::request;
use survcalc_analysis::table::{read_csv, ReadOptions, Table};
use survcalc_stats::competing::CifVariance;

const DATASET: &str = "11_mgus2_competing";

fn mgus2() -> Table {
    read_csv(
        data_file(DATASET, "data.csv").as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap()
}

fn mgus2_request() -> CompetingRequest {
    request::from_value(
        &json!({"time": "etime", "event": "event", "event_values": [1], "competing_values": [2],
            "event_label": "progression", "competing_label": "death", "group": "sex",
            "times": [60, 120, 240, 360], "covariates": [{"column": "age"}, {"column": "sex"}, {"column": "hgb"}]}),
        "competing risks",
    )
    .unwrap()
}

#[test]
fn curves_tests_and_fine_gray_match_cmprsk() {
    let r = run(&mgus2(), &mgus2_request()).unwrap();
    let reference = reference(DATASET);
    assert_eq!(r.n_used, 1384);
    // timepoints(): rows "F 1", "M 1", "F 2", "M 2".
    let block = &reference["cif"]["by_sex"]["at_times"];
    let est = matrix(&block["est"]);
    let var = matrix(&block["var"]);
    for (row, name) in block["rownames"].as_array().unwrap().iter().enumerate() {
        let (group, cause) = name.as_str().unwrap().split_once(' ').unwrap();
        let at = r
            .at_times
            .iter()
            .find(|a| a.label == group && a.cause.to_string() == cause)
            .unwrap();
        for k in 0..4 {
            assert_close(
                at.estimate[k],
                est[row][k],
                COEF_REL,
                &format!("{name} est"),
            );
            assert_close(
                at.var_gray[k],
                var[row][k],
                COEF_REL,
                &format!("{name} var"),
            );
        }
    }
    let gray = &reference["cif"]["by_sex"]["gray_test"];
    assert_eq!(r.gray_tests.len(), 2);
    for (k, t) in r.gray_tests.iter().enumerate() {
        assert_close(
            t.test.stat.unwrap(),
            num(&gray["stat"][k]).unwrap(),
            STAT_REL,
            "Gray stat",
        );
        assert_close(
            t.test.p.unwrap(),
            num(&gray["p"][k]).unwrap(),
            STAT_REL,
            "Gray p",
        );
    }
    assert_eq!(r.gray_tests[0].cause_label, "progression");
    assert!(
        r.test_text[0].starts_with("Gray's test, progression by sex: χ² = 1.19"),
        "{}",
        r.test_text[0]
    );
    // Fine–Gray: 13 rows lack hgb; sex enters as sexM against F.
    let fg = r.fine_gray.as_ref().unwrap();
    let crr = &reference["crr"]["pcm"];
    assert_eq!(fg.fit.n, 1371);
    assert_eq!(
        fg.fit.terms,
        ["age", "sexM", "hgb"],
        "R's coefficient names, as crr's"
    );
    for j in 0..3 {
        assert_close(
            fg.fit.coef[j],
            num(&crr["coef"][j]).unwrap(),
            CRR_COEF_REL,
            "crr coef",
        );
        assert_close(
            fg.fit.se[j],
            num(&crr["se"][j]).unwrap(),
            CRR_SE_REL,
            "crr se",
        );
    }
    assert_eq!(
        fg.shr_table.rows.len(),
        5,
        "age, the sex header, F (reference), M, hgb"
    );
    assert_eq!(fg.shr_table.rows[2][1], "reference");
    assert_eq!(fg.plot.rows.len(), 5);
    // Events of each kind among the complete cases, counted from the file.
    let text = data_file(DATASET, "data.csv");
    let complete: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[1] != "NA" && f[4] != "NA")
        .collect();
    let count = |code: &str| complete.iter().filter(|f| f[8] == code).count();
    assert_eq!(complete.len(), 1371);
    assert_eq!(
        fg.n_text,
        format!(
            "1371 of 1384 patients analysed ({} progression, {} death, {} censored).",
            count("1"),
            count("2"),
            count("0")
        )
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.code() == "missing_covariate_values"),
        "{:?}",
        r.warnings
    );
    // Which question each answers, and the cause-specific model one call away.
    assert!(
        r.questions_text.contains("Fine–Gray") && r.questions_text.contains("cause-specific Cox")
    );
    let cs = r.cause_specific_cox.as_ref().unwrap();
    assert_eq!(
        cs.censor_values.as_deref(),
        Some(&["0".to_string(), "2".to_string()][..])
    );
    let cox_report = cox::run(&mgus2(), cs).unwrap();
    assert_eq!(cox_report.n_events, count("1"));
}

#[test]
fn jackknife_variance_matches_multistate_survfit() {
    let mut req = mgus2_request();
    req.variance = CifVariance::InfinitesimalJackknife;
    req.covariates.clear();
    let r = run(&mgus2(), &req).unwrap();
    let block = &reference(DATASET)["aj"]["by_sex"];
    let (pstate, se, lower, upper) = (
        matrix(&block["pstate"]),
        matrix(&block["std_err"]),
        matrix(&block["lower"]),
        matrix(&block["upper"]),
    );
    for (row, stratum) in block["strata"].as_array().unwrap().iter().enumerate() {
        let group = stratum.as_str().unwrap().trim_start_matches("sex=");
        let k = row % 4;
        for cause in [1usize, 2] {
            let at = r
                .at_times
                .iter()
                .find(|a| a.label == group && a.cause == cause)
                .unwrap();
            assert_close(at.estimate[k], pstate[row][cause], COEF_REL, "pstate");
            assert_close(at.se_ij[k], se[row][cause], STAT_REL, "std.err");
            assert_close(at.lower[k].unwrap(), lower[row][cause], STAT_REL, "lower");
            assert_close(at.upper[k].unwrap(), upper[row][cause], STAT_REL, "upper");
        }
    }
    assert!(
        r.settings_text.contains("infinitesimal-jackknife"),
        "{}",
        r.settings_text
    );
    assert!(r.fine_gray.is_none());
}

#[test]
fn plots_per_cause_and_stacked() {
    let mut req = mgus2_request();
    req.covariates.clear();
    let r = run(&mgus2(), &req).unwrap();
    assert_eq!(r.plot.start, 0.0);
    assert_eq!(r.plot.curves.len(), 4, "two groups x two causes");
    assert_eq!(
        r.plot
            .curves
            .iter()
            .filter(|c| !c.at_risk.is_empty())
            .count(),
        2,
        "one risk-table row per group"
    );
    assert!(r
        .plot
        .annotation
        .as_deref()
        .unwrap()
        .starts_with("Gray's test (progression)"));
    req.plot_style = CifPlotStyle::Stacked;
    let stacked = run(&mgus2(), &req).unwrap();
    let total = &stacked.plot.curves[1];
    // The upper stacked curve is F1 + F2 = 1 - S(t): it ends at the sum of
    // the two curves' last values.
    let f1 = r.plot.curves[0].surv.last().unwrap();
    let f2 = r.plot.curves[1].surv.last().unwrap();
    assert!((total.surv.last().unwrap() - (f1 + f2)).abs() < 1e-12);
}

#[test]
fn codes_must_not_overlap_and_an_event_must_be_chosen() {
    let t = mgus2();
    let mut req = mgus2_request();
    req.competing_values = vec!["1".into()];
    assert!(run(&t, &req)
        .unwrap_err()
        .contains("both as the event of interest and as a competing event"));
    req.competing_values.clear();
    req.event_values.clear();
    assert!(run(&t, &req).unwrap_err().contains("event of interest"));
    let mut req = mgus2_request();
    req.competing_values.clear();
    req.covariates.clear();
    let r = run(&t, &req).unwrap();
    assert!(r
        .warnings
        .iter()
        .any(|w| w.code() == "no_competing_event_chosen"));
    let mut req = mgus2_request();
    req.censor_values = Some(vec!["0".into(), "2".into()]);
    assert!(run(&t, &req)
        .unwrap_err()
        .contains("both as censored and as an event"));
}
