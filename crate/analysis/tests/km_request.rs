//! The Kaplan–Meier request (`analyses::km::run`) against R 4.2.2 and
//! survival 3.5-3 (tests/reference; each block's `call` names the R call):
//! aml by x (survfit, survdiff rho 0 and 1), lung (survfit with
//! `summary(fit, times =)`, reverse KM follow-up, survdiff by sex and the
//! trend over ph.ecog), veteran (survdiff with strata). The kernels are
//! tested against the same fixtures in crate/stats; here the request is: its
//! columns and codes, options, the numbers it returns next to its texts, and
//! RMST, which the fixtures do not hold, in closed form from R's own curves.

#[path = "../../stats/tests/support/mod.rs"]
mod support;

use serde_json::Value;
use statrs::distribution::{ContinuousCDF, Normal};
use support::*;
use survcalc_analysis::analyses::km::{run, KmRequest, KmResult};
use survcalc_analysis::table::{read_csv, ReadOptions, Table};
use survcalc_stats::km::{ConfType, KmCurve};
use survcalc_stats::logrank::PAdjust;

fn table(dataset: &str) -> Table {
    csv_table(&data_file(dataset, "data.csv"))
}

fn csv_table(text: &str) -> Table {
    read_csv(text.as_bytes(), &ReadOptions::default()).unwrap()
}

fn request(time: &str, event: &str, value: &str, group: Option<&str>) -> KmRequest {
    KmRequest {
        time: time.into(),
        event: event.into(),
        event_values: vec![value.into()],
        group: group.map(str::to_string),
        ..KmRequest::default()
    }
}

fn aml(group: bool) -> KmRequest {
    request("time", "status", "1", group.then_some("x"))
}

fn lung(group: Option<&str>) -> KmRequest {
    request("time", "status", "2", group)
}

/// The curve of R stratum "x=Maintained" (or "all" for the overall curve).
fn curve<'a>(r: &'a KmResult, stratum: &str) -> &'a KmCurve {
    match stratum.split_once('=') {
        Some((_, level)) => r
            .fit
            .curves
            .iter()
            .find(|c| c.group.is_some() && c.label == level)
            .unwrap(),
        None => r.fit.curves.iter().find(|c| c.group.is_none()).unwrap(),
    }
}

/// R's NA and NaN are both "undefined" (`None`) in the results.
fn defined(v: &Value) -> Vec<Option<f64>> {
    nums(v)
        .into_iter()
        .map(|x| x.filter(|x| !x.is_nan()))
        .collect()
}

fn counts(v: &Value) -> Vec<usize> {
    f64s(v).into_iter().map(|x| x as usize).collect()
}

fn some(v: &[f64]) -> Vec<Option<f64>> {
    v.iter().map(|&x| Some(x)).collect()
}

#[test]
fn aml_by_x_equals_survfit_and_survdiff() {
    // survfit(Surv(time, status) ~ x, data = aml, conf.type = ct) for ct in
    // log, log-log, plain; survdiff(Surv(time, status) ~ x, data = aml, rho = 0).
    let reference = reference("01_aml");
    let t = table("01_aml");
    for (conf_type, suffix) in [
        (ConfType::Log, "log"),
        (ConfType::LogLog, "loglog"),
        (ConfType::Plain, "plain"),
    ] {
        let r = run(
            &t,
            &KmRequest {
                conf_type,
                ..aml(true)
            },
        )
        .unwrap();
        for (stratum, block) in reference["km"]["by_x"]["strata"].as_object().unwrap() {
            let c = curve(&r, stratum);
            let what = format!("{stratum} {suffix}");
            let tb = &block["table"];
            assert_eq!(c.table.time, f64s(&tb["time"]), "{what} time");
            assert_eq!(c.table.n_risk, counts(&tb["n_risk"]), "{what} n_risk");
            assert_eq!(c.table.n_event, counts(&tb["n_event"]), "{what} n_event");
            assert_all_close(
                &some(&c.table.surv),
                &nums(&tb["surv"]),
                CLOSED_FORM_REL,
                &format!("{what} surv"),
            );
            assert_all_close(
                &c.table.lower,
                &defined(&tb[format!("lower_{suffix}")]),
                STAT_REL,
                &format!("{what} lower"),
            );
            assert_all_close(
                &c.table.upper,
                &defined(&tb[format!("upper_{suffix}")]),
                STAT_REL,
                &format!("{what} upper"),
            );
            let m = &block["summary"][suffix];
            assert_eq!(c.median.quantile, num(&m["median"]), "{what} median");
            assert_eq!(c.median.lower, num(&m["median_lcl"]), "{what} median lcl");
            assert_eq!(c.median.upper, num(&m["median_ucl"]), "{what} median ucl");
        }
        let lr = r.logrank.as_ref().unwrap();
        let b = &reference["logrank"]["by_x_rho0"];
        assert_close(
            lr.chisq,
            num(&b["chisq"]).unwrap(),
            CLOSED_FORM_REL,
            "survdiff chisq",
        );
        assert_eq!(lr.df as f64, num(&b["df"]).unwrap());
        assert_close(lr.p, num(&b["p"]).unwrap(), STAT_REL, "survdiff p");
    }
    // survdiff(Surv(time, status) ~ x, data = aml, rho = 1).
    let r = run(
        &t,
        &KmRequest {
            rho: 1.0,
            ..aml(true)
        },
    )
    .unwrap();
    let b = &reference["logrank"]["by_x_rho1"];
    assert_close(
        r.logrank.as_ref().unwrap().chisq,
        num(&b["chisq"]).unwrap(),
        CLOSED_FORM_REL,
        "rho = 1 chisq",
    );
    assert_close(
        r.logrank.as_ref().unwrap().p,
        num(&b["p"]).unwrap(),
        STAT_REL,
        "rho = 1 p",
    );
    assert!(
        r.test_text
            .as_deref()
            .unwrap()
            .starts_with("Peto–Peto test (rho = 1)"),
        "{:?}",
        r.test_text
    );
}

/// R's `rmean` and `se(rmean)` of `print(survfit(...), rmean = tau)`, derived
/// from R's own survfit table (time, n.risk, n.event, surv of one curve):
///
///   rmean = ∫_0^tau S(u) du, the area under R's step function (S = 1
///           before the first time, held at its last value after the last);
///   var   = Σ_{t_j <= tau} h_j · A_j²,  h_j = d_j / (n_j (n_j − d_j)) (0 when
///           n_j = d_j),  A_j = ∫_{t_j}^tau S(u) du,
///
/// survival's `survmean` (the variance of Miller 1981, pp. 195–196).
fn rmst_from_r_table(tb: &Value, tau: f64) -> (f64, f64) {
    let time = f64s(&tb["time"]);
    let surv = f64s(&tb["surv"]);
    let n = f64s(&tb["n_risk"]);
    let d = f64s(&tb["n_event"]);
    // S(u) for u in [time[i], time[i + 1]) is surv[i]; before time[0] it is 1.
    let area = |from: f64| -> f64 {
        let mut total = 0.0;
        let mut left = from;
        let mut level = time
            .iter()
            .zip(&surv)
            .rfind(|(t, _)| **t <= from)
            .map_or(1.0, |(_, s)| *s);
        for (t, s) in time
            .iter()
            .zip(&surv)
            .filter(|(t, _)| **t > from && **t <= tau)
        {
            total += (t - left) * level;
            left = *t;
            level = *s;
        }
        total + (tau - left) * level
    };
    let var: f64 = (0..time.len())
        .filter(|&j| time[j] <= tau && n[j] > d[j])
        .map(|j| d[j] / (n[j] * (n[j] - d[j])) * area(time[j]).powi(2))
        .sum();
    (area(0.0), var.sqrt())
}

/// RMST of each curve and the difference `group − reference` against the
/// closed form from R's tables, with survRM2's Wald interval and test.
fn check_rmst(
    r: &KmResult,
    strata: &Value,
    pairs: &[(&str, &str)],
    tau: f64,
    group: &str,
    reference: &str,
) {
    let z_crit = Normal::standard().inverse_cdf(0.975);
    let mut by_label = std::collections::HashMap::new();
    for (label, stratum) in pairs {
        let (rmean, se) = rmst_from_r_table(&strata[*stratum]["table"], tau);
        let got = r
            .rmst
            .iter()
            .find(|e| e.label == *label)
            .unwrap_or_else(|| panic!("no RMST for {label}"));
        assert_eq!(got.tau, tau);
        assert_close(
            got.estimate,
            rmean,
            CLOSED_FORM_REL,
            &format!("{stratum} rmean"),
        );
        assert_close(got.se, se, CLOSED_FORM_REL, &format!("{stratum} se(rmean)"));
        assert_close(
            got.lower,
            rmean - z_crit * se,
            STAT_REL,
            &format!("{stratum} lower"),
        );
        assert_close(
            got.upper,
            rmean + z_crit * se,
            STAT_REL,
            &format!("{stratum} upper"),
        );
        by_label.insert(*label, (rmean, se));
    }
    let d = r.rmst_difference.as_ref().unwrap();
    assert_eq!(
        (d.group.as_str(), d.reference.as_str(), d.tau),
        (group, reference, tau)
    );
    let ((ma, sa), (mb, sb)) = (by_label[group], by_label[reference]);
    let (estimate, se) = (ma - mb, (sa * sa + sb * sb).sqrt());
    let z = estimate / se;
    assert_close(d.estimate, estimate, CLOSED_FORM_REL, "RMST difference");
    assert_close(d.se, se, CLOSED_FORM_REL, "RMST difference se");
    assert_close(d.z.unwrap(), z, STAT_REL, "RMST difference z");
    assert_close(
        d.lower,
        estimate - z_crit * se,
        STAT_REL,
        "RMST difference lower",
    );
    assert_close(
        d.upper,
        estimate + z_crit * se,
        STAT_REL,
        "RMST difference upper",
    );
    assert_close(
        d.p.unwrap(),
        2.0 * Normal::standard().sf(z.abs()),
        STAT_REL,
        "RMST difference p",
    );
    let text = r.rmst_difference_text.as_deref().unwrap();
    assert!(
        text.starts_with(&format!("RMST difference ({group} − {reference}) up to ")),
        "{text}"
    );
}

#[test]
fn aml_rmst_by_x_equals_rs_rmean() {
    // print(survfit(Surv(time, status) ~ x, data = aml), rmean = 40):
    // both curves have follow-up beyond 40 weeks (last times 161 and 45).
    let reference = reference("01_aml");
    let strata = &reference["km"]["by_x"]["strata"];
    let r = run(
        &table("01_aml"),
        &KmRequest {
            rmst_tau: Some(40.0),
            ..aml(true)
        },
    )
    .unwrap();
    assert_eq!(
        r.rmst.iter().map(|e| e.label.as_str()).collect::<Vec<_>>(),
        ["All patients", "Maintained", "Nonmaintained"]
    );
    // Default direction: the second level minus the first (survRM2's arm 1 − arm 0).
    let pairs = [
        ("Maintained", "x=Maintained"),
        ("Nonmaintained", "x=Nonmaintained"),
    ];
    check_rmst(&r, strata, &pairs, 40.0, "Nonmaintained", "Maintained");
    let overall = &reference["km"]["overall"]["strata"];
    let (rmean, se) = rmst_from_r_table(&overall["all"]["table"], 40.0);
    assert_close(r.rmst[0].estimate, rmean, CLOSED_FORM_REL, "overall rmean");
    assert_close(r.rmst[0].se, se, CLOSED_FORM_REL, "overall se(rmean)");
    // The table prints the same numbers.
    let rows = &r.rmst_table.as_ref().unwrap().rows;
    assert_eq!(rows[1][1], format!("{:.1}", r.rmst[1].estimate));
}

#[test]
fn lung_rmst_by_sex_equals_rs_rmean_in_either_direction() {
    // print(survfit(Surv(time, status) ~ sex, data = lung), rmean = 365).
    let reference = reference("02_lung");
    let strata = &reference["km"]["by_sex"]["strata"];
    let t = table("02_lung");
    let pairs = [("1", "sex=1"), ("2", "sex=2")];
    let r = run(
        &t,
        &KmRequest {
            rmst_tau: Some(365.0),
            ..lung(Some("sex"))
        },
    )
    .unwrap();
    check_rmst(&r, strata, &pairs, 365.0, "2", "1");
    let swapped = run(
        &t,
        &KmRequest {
            rmst_tau: Some(365.0),
            rmst_contrast: Some(vec!["1".into(), "2".into()]),
            ..lung(Some("sex"))
        },
    )
    .unwrap();
    check_rmst(&swapped, strata, &pairs, 365.0, "1", "2");
    let (a, b) = (r.rmst_difference.unwrap(), swapped.rmst_difference.unwrap());
    assert_eq!((a.estimate, a.lower, a.p), (-b.estimate, -b.upper, b.p));
    // Over the whole follow-up of sex 2 (the last time, 1022 days) too.
    let last = *f64s(&strata["sex=2"]["table"]["time"]).last().unwrap();
    let whole = run(
        &t,
        &KmRequest {
            rmst_tau: Some(last),
            ..lung(Some("sex"))
        },
    )
    .unwrap();
    check_rmst(&whole, strata, &pairs, last, "2", "1");
}

#[test]
fn rmst_contrast_names_two_groups_of_the_analysis() {
    let t = table("02_lung");
    let err = |contrast: &[&str], group: Option<&str>, tau: Option<f64>| {
        let req = KmRequest {
            rmst_tau: tau,
            rmst_contrast: Some(contrast.iter().map(|s| s.to_string()).collect()),
            ..lung(group)
        };
        run(&t, &req).unwrap_err()
    };
    let e = err(&["3", "1"], Some("sex"), Some(365.0));
    assert!(
        e.contains("there is no group \"3\"") && e.contains("Groups: \"1\", \"2\""),
        "{e}"
    );
    let e = err(&["1"], Some("sex"), Some(365.0));
    assert!(
        e.contains("takes two groups") && e.contains("1 given"),
        "{e}"
    );
    let e = err(&["1", "1"], Some("sex"), Some(365.0));
    assert!(e.contains("names \"1\" twice"), "{e}");
    let e = err(&["2", "1"], Some("sex"), None);
    assert!(e.contains("set \"rmst_tau\""), "{e}");
    let e = err(&["2", "1"], None, Some(365.0));
    assert!(e.contains("choose the group column"), "{e}");
    // As the page or a saved analysis sends it: codes may be numbers.
    let json = serde_json::json!({
        "time": "time", "event": "status", "event_values": [2], "group": "sex", "rmst_tau": 365, "rmst_contrast": [1, 2]
    });
    let read: KmRequest = survcalc_analysis::request::from_value(&json, "Kaplan–Meier").unwrap();
    assert_eq!(
        read.rmst_contrast.as_deref(),
        Some(&["1".to_string(), "2".to_string()][..])
    );
    let d = run(&t, &read).unwrap().rmst_difference.unwrap();
    assert_eq!((d.group.as_str(), d.reference.as_str()), ("1", "2"));
    // Three groups: no difference unless one is asked for, then any pair.
    let ecog = lung(Some("ph.ecog"));
    let none = run(
        &t,
        &KmRequest {
            rmst_tau: Some(365.0),
            ..ecog.clone()
        },
    )
    .unwrap();
    assert!(none.rmst_difference.is_none() && none.rmst_difference_text.is_none());
    let pair = run(
        &t,
        &KmRequest {
            rmst_tau: Some(365.0),
            rmst_contrast: Some(vec!["2".into(), "0".into()]),
            ..ecog
        },
    )
    .unwrap();
    let d = pair.rmst_difference.as_ref().unwrap();
    let rmean = |label: &str| {
        pair.rmst
            .iter()
            .find(|e| e.label == label)
            .unwrap()
            .estimate
    };
    assert_close(
        d.estimate,
        rmean("2") - rmean("0"),
        CLOSED_FORM_REL,
        "ph.ecog 2 − 0",
    );
    // A group emptied by the landmark is named as such.
    let lm = KmRequest {
        rmst_tau: Some(100.0),
        rmst_contrast: Some(vec!["3".into(), "0".into()]),
        landmark: Some(180.0),
        ..lung(Some("ph.ecog"))
    };
    let e = run(&t, &lm).unwrap_err();
    assert!(
        e.contains("group \"3\" has no patient left after the landmark"),
        "{e}"
    );
}

#[test]
fn lung_survival_at_times_and_follow_up_are_numbers_as_r() {
    // summary(survfit(Surv(time, status) ~ 1 | sex, data = lung), times = c(180, 365, 730), extend = TRUE);
    // reverse KM: survfit(Surv(time, status == 1) ~ 1, data = lung).
    let reference = reference("02_lung");
    let t = table("02_lung");
    for (group, strata) in [
        (None, &reference["km"]["overall"]["strata"]),
        (Some("sex"), &reference["km"]["by_sex"]["strata"]),
    ] {
        let r = run(
            &t,
            &KmRequest {
                times: vec![730.0, 180.0, 365.0],
                ..lung(group)
            },
        )
        .unwrap();
        let shown: Vec<&str> = r
            .survival_at_times
            .iter()
            .map(|s| s.label.as_str())
            .collect();
        assert_eq!(
            shown,
            if group.is_none() {
                vec!["All patients"]
            } else {
                vec!["All patients", "1", "2"]
            }
        );
        for (stratum, block) in strata.as_object().unwrap() {
            let label = stratum.split_once('=').map_or("All patients", |(_, l)| l);
            let s = r
                .survival_at_times
                .iter()
                .find(|s| s.label == label)
                .unwrap();
            let at = &block["at_times"];
            assert_eq!(s.time, f64s(&at["time"]), "{stratum} times, sorted");
            assert_eq!(s.n_risk, counts(&at["n_risk"]), "{stratum} n_risk");
            assert_all_close(
                &some(&s.surv),
                &nums(&at["surv"]),
                CLOSED_FORM_REL,
                &format!("{stratum} surv"),
            );
            assert_all_close(
                &s.se,
                &defined(&at["std_err_surv"]),
                CLOSED_FORM_REL,
                &format!("{stratum} se"),
            );
            assert_all_close(
                &s.lower,
                &defined(&at["lower_log"]),
                STAT_REL,
                &format!("{stratum} lower"),
            );
            assert_all_close(
                &s.upper,
                &defined(&at["upper_log"]),
                STAT_REL,
                &format!("{stratum} upper"),
            );
        }
        // The table shows these numbers, one row per curve and time.
        let rows = &r.at_times_table.as_ref().unwrap().rows;
        let first = &r.survival_at_times[0];
        assert_eq!(rows[0][2], first.n_risk[0].to_string());
        assert_eq!(rows[0][3], format!("{:.1}%", 100.0 * first.surv[0]));

        let f = r.follow_up.as_ref().unwrap();
        let follow =
            &reference["km"]["reverse_km_followup_overall"]["strata"]["all"]["summary"]["log"];
        assert_eq!(f.median, num(&follow["median"]), "median follow-up");
        assert_eq!(f.lower, num(&follow["median_lcl"]), "median follow-up lcl");
        assert_eq!(f.upper, num(&follow["median_ucl"]), "median follow-up ucl");
        let limit = |key: &str| num(&follow[key]).unwrap();
        assert_eq!(
            r.follow_up_text,
            format!(
                "Median follow-up (reverse Kaplan–Meier): {} ({}–{}).",
                limit("median"),
                limit("median_lcl"),
                limit("median_ucl")
            )
        );
    }
    // No times asked: no numbers, no table.
    let r = run(&t, &lung(None)).unwrap();
    assert!(r.survival_at_times.is_empty() && r.at_times_table.is_none() && r.rmst.is_empty());
}

#[test]
fn lung_trend_and_pairwise_over_ph_ecog() {
    // Trend: derived from survdiff(Surv(time, status) ~ ph.ecog, data = lung)
    // (block trend_ph_ecog: chisq = U²/V with scores 0..3; any equally spaced
    // scores give the same chisq because O − E and the rows of V sum to 0).
    let reference = reference("02_lung");
    let t = table("02_lung");
    let r = run(
        &t,
        &KmRequest {
            trend: true,
            pairwise: Some(PAdjust::Holm),
            ..lung(Some("ph.ecog"))
        },
    )
    .unwrap();
    let b = &reference["logrank"]["trend_ph_ecog"];
    let trend = r.trend.as_ref().unwrap();
    assert_close(
        trend.chisq,
        num(&b["chisq"]).unwrap(),
        CLOSED_FORM_REL,
        "trend chisq",
    );
    assert_close(trend.p, num(&b["p"]).unwrap(), STAT_REL, "trend p");
    let all = &reference["logrank"]["by_ph_ecog"];
    assert_close(
        r.logrank.as_ref().unwrap().chisq,
        num(&all["chisq"]).unwrap(),
        CLOSED_FORM_REL,
        "4-group chisq",
    );
    assert!(
        r.trend_text
            .as_deref()
            .unwrap()
            .starts_with("Test for trend across 0 < 1 < 2 < 3"),
        "{:?}",
        r.trend_text
    );

    // Each pair is the log-rank test of the file restricted to those two
    // groups; Holm's adjustment, written out: with the m raw p-values sorted
    // ascending, p_adj(i) = max_{j <= i} min(1, (m − j + 1) p(j)).
    let pw = r.pairwise.as_ref().unwrap();
    assert_eq!(pw.comparisons.len(), 6);
    let text = data_file("02_lung", "data.csv");
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let ecog = header.split(',').position(|h| h == "ph.ecog").unwrap();
    let rows: Vec<&str> = lines.collect();
    for c in &pw.comparisons {
        let kept: Vec<&str> = rows
            .iter()
            .copied()
            .filter(|l| {
                [&c.group_a, &c.group_b].contains(&&l.split(',').nth(ecog).unwrap().to_string())
            })
            .collect();
        let two = csv_table(&format!("{header}\n{}\n", kept.join("\n")));
        let alone = run(&two, &lung(Some("ph.ecog"))).unwrap();
        let lr = alone.logrank.as_ref().unwrap();
        assert_close(
            c.chisq.unwrap(),
            lr.chisq,
            CLOSED_FORM_REL,
            &format!("{} vs {} chisq", c.group_a, c.group_b),
        );
        assert_close(
            c.p.unwrap(),
            lr.p,
            CLOSED_FORM_REL,
            &format!("{} vs {} p", c.group_a, c.group_b),
        );
    }
    let mut order: Vec<usize> = (0..6).collect();
    order.sort_by(|&i, &j| {
        pw.comparisons[i]
            .p
            .unwrap()
            .total_cmp(&pw.comparisons[j].p.unwrap())
    });
    let mut running = 0.0_f64;
    for (rank, &i) in order.iter().enumerate() {
        running = running.max((((6 - rank) as f64) * pw.comparisons[i].p.unwrap()).min(1.0));
        assert_close(
            pw.comparisons[i].p_adjusted.unwrap(),
            running,
            CLOSED_FORM_REL,
            "Holm",
        );
    }
    assert_eq!(r.pairwise_table.as_ref().unwrap().rows.len(), 6);
}

#[test]
fn veteran_stratified_test_equals_survdiff_with_strata() {
    // survdiff(Surv(time, status) ~ trt + strata(celltype), data = veteran).
    let b = &reference("03_veteran")["logrank"]["by_trt_strata_celltype"];
    let req = KmRequest {
        strata: Some("celltype".into()),
        ..request("time", "status", "1", Some("trt"))
    };
    let r = run(&table("03_veteran"), &req).unwrap();
    let lr = r.logrank.as_ref().unwrap();
    assert_close(
        lr.chisq,
        num(&b["chisq"]).unwrap(),
        CLOSED_FORM_REL,
        "stratified chisq",
    );
    assert_eq!(lr.df as f64, num(&b["df"]).unwrap());
    assert_close(lr.p, num(&b["p"]).unwrap(), STAT_REL, "stratified p");
    assert_all_close(
        &some(&lr.exp),
        &nums(&b["exp"]),
        CLOSED_FORM_REL,
        "stratified expected",
    );
    assert!(
        r.test_text
            .as_deref()
            .unwrap()
            .contains("stratified by celltype"),
        "{:?}",
        r.test_text
    );
}

/// lung with time > `at` kept and shifted to time − `at`; rows with a
/// missing time stay (left out either way). Returns the CSV and the
/// numbers excluded with an event / censored by then.
fn landmarked_by_hand(at: f64) -> (String, usize, usize) {
    let text = data_file("02_lung", "data.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let (ti, si) = (
        header.iter().position(|h| *h == "time").unwrap(),
        header.iter().position(|h| *h == "status").unwrap(),
    );
    let mut out = vec![header.join(",")];
    let (mut events, mut censored) = (0, 0);
    for line in lines {
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        let time: f64 = cells[ti].parse().unwrap();
        if time > at {
            cells[ti] = format!("{}", time - at);
            out.push(cells.join(","));
        } else if cells[si] == "2" {
            events += 1;
        } else {
            censored += 1;
        }
    }
    (out.join("\n") + "\n", events, censored)
}

#[test]
fn a_landmark_is_the_analysis_of_the_filtered_shifted_file() {
    // Anderson, Cain & Gelber 1983: patients event-free and followed at L,
    // timed from L. Every number must equal that of the file filtered by hand.
    let at = 180.0;
    let (csv, events, censored) = landmarked_by_hand(at);
    let options = KmRequest {
        times: vec![90.0, 365.0],
        rmst_tau: Some(300.0),
        ..lung(Some("sex"))
    };
    let lm = run(
        &table("02_lung"),
        &KmRequest {
            landmark: Some(at),
            ..options.clone()
        },
    )
    .unwrap();
    let plain = run(&csv_table(&csv), &options).unwrap();
    assert_eq!(json(&lm.fit), json(&plain.fit));
    assert_eq!(json(&lm.logrank), json(&plain.logrank));
    assert_eq!(json(&lm.survival_at_times), json(&plain.survival_at_times));
    assert_eq!(json(&lm.rmst), json(&plain.rmst));
    assert_eq!(json(&lm.rmst_difference), json(&plain.rmst_difference));
    assert_eq!(json(&lm.follow_up), json(&plain.follow_up));
    assert_eq!(json(&lm.plot.curves), json(&plain.plot.curves));
    assert!(plain.rmst_difference.is_some() && !plain.survival_at_times.is_empty());
    let l = lm.landmark.as_ref().unwrap();
    assert_eq!(
        (l.n_kept, l.n_excluded_event, l.n_excluded_censored),
        (lm.n_used, events, censored)
    );
    assert_eq!(l.n_kept + events + censored, 228);
    assert!(events > 0 && censored > 0);
    assert_eq!(lm.n_used, plain.n_used);
}

/// A report part as the binding serialises it.
fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

/// The tables name the groups as the legend does (`figure.group_labels`);
/// the numbers and the results' own labels (group values, which the page
/// and the R script look curves up by) do not change.
#[test]
fn the_tables_name_the_groups_as_the_legend_does() {
    let t = table("02_lung");
    let names = [
        ("0", "ECOG 0, fully active"),
        ("1", "ECOG 1"),
        ("2", "ECOG 2"),
    ];
    // ph.ecog 3 has a blank name: it keeps its value, as in the legend.
    let plain = KmRequest {
        trend: true,
        pairwise: Some(PAdjust::Holm),
        times: vec![180.0, 365.0],
        rmst_tau: Some(365.0),
        ..lung(Some("ph.ecog"))
    };
    let mut named = plain.clone();
    named.figure.group_labels = names
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .chain([("3".to_string(), " ".to_string())])
        .collect();
    let a = run(&t, &plain).unwrap();
    let b = run(&t, &named).unwrap();
    let rename = |cell: &str| {
        names
            .iter()
            .find(|(k, _)| *k == cell)
            .map_or(cell.to_string(), |(_, v)| v.to_string())
    };
    // The legend's names, in the legend's order: what every table must print.
    let legend: Vec<String> = b.plot.curves.iter().map(|c| c.label.clone()).collect();
    assert_eq!(
        legend,
        a.plot
            .curves
            .iter()
            .map(|c| rename(&c.label))
            .collect::<Vec<_>>()
    );
    assert!(legend.contains(&"3".to_string()), "{legend:?}");
    for (name, x, y) in [
        ("summary", Some(&a.summary_table), Some(&b.summary_table)),
        (
            "at times",
            a.at_times_table.as_ref(),
            b.at_times_table.as_ref(),
        ),
        ("RMST", a.rmst_table.as_ref(), b.rmst_table.as_ref()),
    ] {
        let (x, y) = (x.unwrap(), y.unwrap());
        assert_eq!(x.rows.len(), y.rows.len(), "{name}");
        for (rx, ry) in x.rows.iter().zip(&y.rows) {
            assert_eq!(ry[0], rename(&rx[0]), "{name}");
            assert!(
                ry[0] == "All patients" || legend.contains(&ry[0]),
                "{name}: {} is not a legend entry",
                ry[0]
            );
            assert_eq!(rx[1..], ry[1..], "{name}: the numbers stay");
        }
        assert!(
            y.rows.iter().any(|r| r[0] == "ECOG 1") && !y.rows.iter().any(|r| r[0] == "1"),
            "{name}: {:?}",
            y.rows
        );
    }
    let pairs = |r: &KmResult| r.pairwise_table.as_ref().unwrap().rows.clone();
    for (rx, ry) in pairs(&a).iter().zip(&pairs(&b)) {
        let (first, second) = rx[0].split_once(" vs ").unwrap();
        assert_eq!(ry[0], format!("{} vs {}", rename(first), rename(second)));
        assert_eq!(rx[1..], ry[1..]);
    }
    assert!(
        b.trend_text.as_deref().unwrap().starts_with(
            "Test for trend across ECOG 0, fully active < ECOG 1 < ECOG 2 < 3 (scores"
        ),
        "{:?}",
        b.trend_text
    );
    // The results' labels stay the group values.
    let keys = |r: &KmResult| {
        (
            r.medians
                .iter()
                .map(|m| m.label.clone())
                .collect::<Vec<_>>(),
            r.survival_at_times
                .iter()
                .map(|s| s.label.clone())
                .collect::<Vec<_>>(),
            r.rmst.iter().map(|s| s.label.clone()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(keys(&a), keys(&b));
    assert!(keys(&b).0.contains(&"1".to_string()));

    // Two groups: the RMST difference names them too.
    let two = KmRequest {
        rmst_tau: Some(365.0),
        ..lung(Some("sex"))
    };
    let mut two_named = two.clone();
    two_named.figure.group_labels = [
        ("1".to_string(), "Male".to_string()),
        ("2".to_string(), "Female".to_string()),
    ]
    .into();
    let plain_text = run(&t, &two).unwrap().rmst_difference_text.unwrap();
    let named_text = run(&t, &two_named).unwrap().rmst_difference_text.unwrap();
    let (head, numbers) = plain_text.split_once(") up to").unwrap();
    let renamed_head = head
        .replace("(2 − 1", "(Female − Male")
        .replace("(1 − 2", "(Male − Female");
    assert_ne!(renamed_head, head, "{plain_text}");
    assert_eq!(named_text, format!("{renamed_head}) up to{numbers}"));
}
