//! Kaplan–Meier against R 4.2.2 / survival 3.5-3: every `km` block of
//! 01_aml, 02_lung, 03_veteran and 04_ovarian (the R call is each block's
//! `call`; CI types from `survfit(..., conf.type = "log" | "log-log" |
//! "plain")`, medians from `summary(fit)$table`, fixed times from
//! `summary(fit, times = c(180, 365, 730), extend = TRUE)`), plus invariants.

mod support;
mod survival_data;

use serde_json::Value;
use support::*;
use survcalc_stats::km::{self, ConfType, Grouping, KmCurve, KmFit, KmOptions};
use survival_data::{factor, permutation, Csv};

const CONF_TYPES: [(ConfType, &str); 3] = [
    (ConfType::Log, "log"),
    (ConfType::LogLog, "loglog"),
    (ConfType::Plain, "plain"),
];

const TABLE_KEYS: [&str; 15] = [
    "time",
    "n_risk",
    "n_event",
    "n_censor",
    "surv",
    "std_err_cumhaz",
    "std_err_surv",
    "cumhaz",
    "std_chaz",
    "lower_log",
    "upper_log",
    "lower_loglog",
    "upper_loglog",
    "lower_plain",
    "upper_plain",
];
const SUMMARY_KEYS: [&str; 7] = [
    "records", "n_max", "n_start", "events", "log", "loglog", "plain",
];
const AT_TIMES_KEYS: [&str; 12] = [
    "time",
    "n_risk",
    "n_event_cum_interval",
    "n_censor_interval",
    "surv",
    "std_err_surv",
    "lower_log",
    "upper_log",
    "lower_loglog",
    "upper_loglog",
    "lower_plain",
    "upper_plain",
];

/// How one fixture block was produced.
struct Spec {
    dataset: &'static str,
    block: &'static str,
    time: &'static str,
    status: &'static str,
    /// Value of `status` that marks a death.
    dead: f64,
    group: Option<&'static str>,
    /// Reverse KM (`Surv(time, status == censored)`).
    reverse: bool,
}

const SPECS: [Spec; 9] = [
    Spec {
        dataset: "01_aml",
        block: "overall",
        time: "time",
        status: "status",
        dead: 1.0,
        group: None,
        reverse: false,
    },
    Spec {
        dataset: "01_aml",
        block: "by_x",
        time: "time",
        status: "status",
        dead: 1.0,
        group: Some("x"),
        reverse: false,
    },
    Spec {
        dataset: "02_lung",
        block: "overall",
        time: "time",
        status: "status",
        dead: 2.0,
        group: None,
        reverse: false,
    },
    Spec {
        dataset: "02_lung",
        block: "by_sex",
        time: "time",
        status: "status",
        dead: 2.0,
        group: Some("sex"),
        reverse: false,
    },
    Spec {
        dataset: "02_lung",
        block: "reverse_km_followup_overall",
        time: "time",
        status: "status",
        dead: 2.0,
        group: None,
        reverse: true,
    },
    Spec {
        dataset: "02_lung",
        block: "reverse_km_followup_by_sex",
        time: "time",
        status: "status",
        dead: 2.0,
        group: Some("sex"),
        reverse: true,
    },
    Spec {
        dataset: "03_veteran",
        block: "by_trt",
        time: "time",
        status: "status",
        dead: 1.0,
        group: Some("trt"),
        reverse: false,
    },
    Spec {
        dataset: "04_ovarian",
        block: "by_rx",
        time: "futime",
        status: "fustat",
        dead: 1.0,
        group: Some("rx"),
        reverse: false,
    },
    // Same data as the lung reverse KM blocks, read through `fit` with the
    // event column inverted by hand, so both entry points are covered.
    Spec {
        dataset: "02_lung",
        block: "reverse_km_followup_overall",
        time: "time",
        status: "status",
        dead: 1.0,
        group: None,
        reverse: false,
    },
];

struct Data {
    time: Vec<f64>,
    event: Vec<bool>,
    codes: Option<Vec<usize>>,
    labels: Vec<String>,
}

fn load(spec: &Spec) -> Data {
    let csv = Csv::load(spec.dataset);
    let time = csv.num(spec.time);
    let event = csv
        .num(spec.status)
        .iter()
        .map(|&s| s == spec.dead)
        .collect();
    let (codes, labels) = match spec.group {
        Some(g) => {
            let (c, l) = factor(&csv.col(g));
            (Some(c), l)
        }
        None => (None, Vec::new()),
    };
    Data {
        time,
        event,
        codes,
        labels,
    }
}

fn run(spec: &Spec, data: &Data, conf_type: ConfType) -> KmFit {
    let options = KmOptions {
        conf_type,
        ..KmOptions::default()
    };
    let groups = data.codes.as_ref().map(|c| Grouping {
        codes: c,
        labels: &data.labels,
    });
    if spec.reverse {
        km::reverse_km_follow_up(&data.time, &data.event, groups.as_ref(), &options).unwrap()
    } else {
        km::fit(&data.time, &data.event, groups.as_ref(), &options).unwrap()
    }
}

/// R's NA and NaN are both "undefined" (`None`) in the Rust results.
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

fn curve_for<'a>(fit: &'a KmFit, stratum: &str) -> &'a KmCurve {
    let label = stratum.split_once('=').map_or(stratum, |(_, v)| v);
    fit.curves
        .iter()
        .find(|c| c.label == label)
        .unwrap_or_else(|| panic!("no curve for {stratum}"))
}

fn check_keys(v: &Value, allowed: &[&str], what: &str) {
    for key in v.as_object().unwrap().keys() {
        assert!(
            allowed.contains(&key.as_str()),
            "{what}: fixture field {key} is not compared"
        );
    }
    for key in allowed {
        assert!(v.get(*key).is_some(), "{what}: fixture lacks {key}");
    }
}

fn check_spec(spec: &Spec) {
    let reference = reference(spec.dataset);
    let block = &reference["km"][spec.block];
    let data = load(spec);
    assert_eq!(num(&block["conf_int"]), Some(0.95));
    assert_eq!(num(&block["n"]), Some(data.time.len() as f64));
    let strata = block["strata"].as_object().unwrap();
    for (conf_type, ct) in CONF_TYPES {
        let fit = run(spec, &data, conf_type);
        assert_eq!(
            fit.curves.len(),
            strata.len(),
            "{}: number of curves",
            spec.block
        );
        for (name, sb) in strata {
            let what = format!("{}/{}/{name}/{ct}", spec.dataset, spec.block);
            let curve = curve_for(&fit, name);
            check_table(curve, &sb["table"], ct, &what);
            check_summary(curve, &sb["summary"], ct, &what);
            // The median CI on any scale, whatever the band drawn: R's
            // median_lcl/ucl of the fit made with that conf.type.
            for (scale, sct) in CONF_TYPES {
                let method = match scale {
                    ConfType::Log => km::MedianCiMethod::Log,
                    ConfType::LogLog => km::MedianCiMethod::LogLog,
                    ConfType::Plain => km::MedianCiMethod::Plain,
                };
                let m = curve.median_ci(method, 0.95).unwrap();
                let r = &sb["summary"][sct];
                assert_eq!(
                    (m.median, m.lower, m.upper),
                    (
                        num(&r["median"]),
                        num(&r["median_lcl"]),
                        num(&r["median_ucl"])
                    ),
                    "{what}: median CI on the {sct} scale"
                );
            }
            if let Some(at) = sb.get("at_times") {
                check_at_times(curve, at, ct, &what);
            }
            // quantile(fit, 0.5) agrees with summary's median except where a
            // CI curve is not monotone: quantile.survfit reads it with approx()
            // on the curve's sorted values. aml overall, log: the upper limit
            // is 0.458 at 45 and 0.462 at 48, so summary says 45 (the first
            // time the upper curve is <= 0.5) and quantile.survfit 48.
            let q = curve.quantiles(&[0.5]).unwrap().quantiles[0].clone();
            if what == "01_aml/overall/all/log" {
                assert_eq!(
                    (q.quantile, q.lower, q.upper),
                    (Some(27.0), Some(18.0), Some(48.0))
                );
                assert_eq!(curve.median.upper, Some(45.0));
            } else {
                assert_eq!(q, curve.median, "{what}: quantile(fit, 0.5)");
            }
        }
    }
}

fn check_table(curve: &KmCurve, t: &Value, ct: &str, what: &str) {
    check_keys(t, &TABLE_KEYS, what);
    let tb = &curve.table;
    assert_eq!(tb.time, f64s(&t["time"]), "{what}: time");
    assert_eq!(tb.n_risk, counts(&t["n_risk"]), "{what}: n_risk");
    assert_eq!(tb.n_event, counts(&t["n_event"]), "{what}: n_event");
    assert_eq!(tb.n_censor, counts(&t["n_censor"]), "{what}: n_censor");
    let cf = CLOSED_FORM_REL;
    assert_all_close(
        &some(&tb.surv),
        &nums(&t["surv"]),
        cf,
        &format!("{what}: surv"),
    );
    assert_all_close(
        &some(&tb.std_err),
        &nums(&t["std_err_cumhaz"]),
        cf,
        &format!("{what}: std_err"),
    );
    assert_all_close(
        &tb.std_err_surv,
        &defined(&t["std_err_surv"]),
        cf,
        &format!("{what}: std_err_surv"),
    );
    assert_all_close(
        &some(&tb.cumhaz),
        &nums(&t["cumhaz"]),
        cf,
        &format!("{what}: cumhaz"),
    );
    assert_all_close(
        &some(&tb.std_chaz),
        &nums(&t["std_chaz"]),
        cf,
        &format!("{what}: std_chaz"),
    );
    assert_all_close(
        &tb.lower,
        &defined(&t[format!("lower_{ct}")]),
        STAT_REL,
        &format!("{what}: lower"),
    );
    assert_all_close(
        &tb.upper,
        &defined(&t[format!("upper_{ct}")]),
        STAT_REL,
        &format!("{what}: upper"),
    );
}

fn check_summary(curve: &KmCurve, s: &Value, ct: &str, what: &str) {
    check_keys(s, &SUMMARY_KEYS, what);
    for key in ["records", "n_max", "n_start"] {
        assert_eq!(num(&s[key]), Some(curve.n as f64), "{what}: {key}");
    }
    assert_eq!(
        num(&s["events"]),
        Some(curve.events as f64),
        "{what}: events"
    );
    let m = &s[ct];
    // Medians and their limits are observed times (or midpoints): exact.
    assert_eq!(curve.median.quantile, num(&m["median"]), "{what}: median");
    assert_eq!(
        curve.median.lower,
        num(&m["median_lcl"]),
        "{what}: median_lcl"
    );
    assert_eq!(
        curve.median.upper,
        num(&m["median_ucl"]),
        "{what}: median_ucl"
    );
}

fn check_at_times(curve: &KmCurve, a: &Value, ct: &str, what: &str) {
    check_keys(a, &AT_TIMES_KEYS, what);
    let times = f64s(&a["time"]);
    let got = curve.at_times(&times).unwrap();
    assert_eq!(got.time, times, "{what}: at_times time");
    assert_eq!(got.n_risk, counts(&a["n_risk"]), "{what}: at_times n_risk");
    assert_eq!(
        got.n_event,
        counts(&a["n_event_cum_interval"]),
        "{what}: at_times n_event"
    );
    assert_eq!(
        got.n_censor,
        counts(&a["n_censor_interval"]),
        "{what}: at_times n_censor"
    );
    assert_all_close(
        &some(&got.surv),
        &nums(&a["surv"]),
        CLOSED_FORM_REL,
        &format!("{what}: at_times surv"),
    );
    assert_all_close(
        &got.std_err_surv,
        &defined(&a["std_err_surv"]),
        CLOSED_FORM_REL,
        &format!("{what}: at_times se"),
    );
    assert_all_close(
        &got.lower,
        &defined(&a[format!("lower_{ct}")]),
        STAT_REL,
        &format!("{what}: at_times lower"),
    );
    assert_all_close(
        &got.upper,
        &defined(&a[format!("upper_{ct}")]),
        STAT_REL,
        &format!("{what}: at_times upper"),
    );
    // The risk-table helper agrees with summary's n.risk.
    assert_eq!(
        curve.n_risk_at(&times).unwrap(),
        got.n_risk,
        "{what}: n_risk_at"
    );
}

#[test]
fn aml_overall_and_by_x() {
    check_spec(&SPECS[0]);
    check_spec(&SPECS[1]);
}

#[test]
fn lung_overall_and_by_sex_with_fixed_times() {
    check_spec(&SPECS[2]);
    check_spec(&SPECS[3]);
}

#[test]
fn lung_reverse_km_follow_up() {
    check_spec(&SPECS[4]);
    check_spec(&SPECS[5]);
    check_spec(&SPECS[8]);
}

#[test]
fn veteran_by_trt() {
    check_spec(&SPECS[6]);
}

#[test]
fn ovarian_by_rx() {
    check_spec(&SPECS[7]);
}

#[test]
fn every_km_block_is_covered() {
    for dataset in ["01_aml", "02_lung", "03_veteran", "04_ovarian"] {
        let r = reference(dataset);
        for block in r["km"].as_object().unwrap().keys() {
            assert!(
                SPECS
                    .iter()
                    .any(|s| s.dataset == dataset && s.block == block),
                "{dataset}/{block} has no test"
            );
        }
    }
}

#[test]
fn lung_overall_and_groups_from_one_call() {
    // include_overall gives the same overall curve as a separate fit.
    let data = load(&SPECS[3]);
    let g = Grouping {
        codes: data.codes.as_ref().unwrap(),
        labels: &data.labels,
    };
    let opts = KmOptions {
        include_overall: true,
        ..KmOptions::default()
    };
    let both = km::fit(&data.time, &data.event, Some(&g), &opts).unwrap();
    let all = km::fit(&data.time, &data.event, None, &KmOptions::default()).unwrap();
    assert_eq!(both.curves.len(), 3);
    assert_eq!(both.curves[0].table.surv, all.curves[0].table.surv);
    assert_eq!(both.curves[0].median, all.curves[0].median);
}

#[test]
fn shuffled_rows_give_the_same_curves() {
    let data = load(&SPECS[3]);
    let codes = data.codes.as_ref().unwrap();
    let p = permutation(data.time.len(), 7);
    let time: Vec<f64> = p.iter().map(|&i| data.time[i]).collect();
    let event: Vec<bool> = p.iter().map(|&i| data.event[i]).collect();
    let shuffled_codes: Vec<usize> = p.iter().map(|&i| codes[i]).collect();
    let opts = KmOptions {
        include_overall: true,
        ..KmOptions::default()
    };
    let a = km::fit(
        &data.time,
        &data.event,
        Some(&Grouping {
            codes,
            labels: &data.labels,
        }),
        &opts,
    )
    .unwrap();
    let b = km::fit(
        &time,
        &event,
        Some(&Grouping {
            codes: &shuffled_codes,
            labels: &data.labels,
        }),
        &opts,
    )
    .unwrap();
    for (x, y) in a.curves.iter().zip(&b.curves) {
        assert_eq!(x.table.time, y.table.time);
        assert_eq!(x.table.n_risk, y.table.n_risk);
        assert_eq!(x.table.surv, y.table.surv);
        assert_eq!(x.table.std_err, y.table.std_err);
        assert_eq!(x.table.lower, y.table.lower);
        assert_eq!(x.median, y.median);
    }
}

#[test]
fn relabelled_groups_permute_the_curves() {
    let data = load(&SPECS[3]);
    let codes: Vec<usize> = data
        .codes
        .as_ref()
        .unwrap()
        .iter()
        .map(|&c| 1 - c)
        .collect();
    let labels: Vec<String> = data.labels.iter().rev().cloned().collect();
    let a = km::fit(
        &data.time,
        &data.event,
        Some(&Grouping {
            codes: data.codes.as_ref().unwrap(),
            labels: &data.labels,
        }),
        &KmOptions::default(),
    )
    .unwrap();
    let b = km::fit(
        &data.time,
        &data.event,
        Some(&Grouping {
            codes: &codes,
            labels: &labels,
        }),
        &KmOptions::default(),
    )
    .unwrap();
    assert_eq!(a.curves[0].label, b.curves[1].label);
    assert_eq!(a.curves[0].table.surv, b.curves[1].table.surv);
    assert_eq!(a.curves[1].table.surv, b.curves[0].table.surv);
}

#[test]
fn survival_never_increases_and_limits_bracket_it() {
    for spec in &SPECS {
        let data = load(spec);
        for (conf_type, _) in CONF_TYPES {
            for c in &run(spec, &data, conf_type).curves {
                let tb = &c.table;
                assert!(
                    tb.surv.windows(2).all(|w| w[1] <= w[0]),
                    "{}: S increases",
                    spec.block
                );
                assert!(tb.cumhaz.windows(2).all(|w| w[1] >= w[0]));
                assert!(tb.time.windows(2).all(|w| w[1] > w[0]));
                for i in 0..tb.len() {
                    if let (Some(lo), Some(hi)) = (tb.lower[i], tb.upper[i]) {
                        assert!(lo <= tb.surv[i] && tb.surv[i] <= hi && hi <= 1.0 && lo >= 0.0);
                    }
                }
                let s = c.step_curve();
                assert!(s.surv.windows(2).all(|w| w[1] <= w[0]));
            }
        }
    }
}

#[test]
fn three_patients_by_hand() {
    // Deaths at 2 and 5, one censored at 3: S = 2/3, 2/3, 0.
    let fit = km::fit(
        &[5.0, 2.0, 3.0],
        &[true, true, false],
        None,
        &KmOptions::default(),
    )
    .unwrap();
    let tb = &fit.curves[0].table;
    assert_eq!(tb.time, vec![2.0, 3.0, 5.0]);
    assert_close(tb.surv[0], 2.0 / 3.0, CLOSED_FORM_REL, "S(2)");
    assert_close(tb.surv[1], 2.0 / 3.0, CLOSED_FORM_REL, "S(3)");
    assert_eq!(tb.surv[2], 0.0);
    assert_close(
        tb.std_err[0],
        (1.0f64 / 6.0).sqrt(),
        CLOSED_FORM_REL,
        "Greenwood",
    );
    assert_eq!(fit.curves[0].median.quantile, Some(5.0));
    // RMST to 5: 2 + 3 * 2/3 = 4; se^2 = (1/6) * 2^2.
    let r = fit.curves[0].rmst(5.0).unwrap();
    assert_close(r.rmean, 4.0, CLOSED_FORM_REL, "rmean");
    assert_close(
        r.se_rmean,
        (4.0f64 / 6.0).sqrt(),
        CLOSED_FORM_REL,
        "se_rmean",
    );
}

#[test]
fn lung_quartiles_and_rmst_are_consistent() {
    // No rmean in the fixtures: check internal consistency on real data.
    let data = load(&SPECS[3]);
    let g = Grouping {
        codes: data.codes.as_ref().unwrap(),
        labels: &data.labels,
    };
    let fit = km::fit(&data.time, &data.event, Some(&g), &KmOptions::default()).unwrap();
    for c in &fit.curves {
        let q = c.quantiles(&[0.25, 0.5, 0.75]).unwrap();
        let t: Vec<f64> = q.quantiles.iter().map(|q| q.quantile.unwrap()).collect();
        assert!(t[0] <= t[1] && t[1] <= t[2]);
        for q in &q.quantiles {
            if let (Some(lo), Some(hi), Some(x)) = (q.lower, q.upper, q.quantile) {
                assert!(lo <= x && x <= hi);
            }
        }
        // RMST to the last time equals the area under the step function.
        let last = *c.table.time.last().unwrap();
        let r = c.rmst(last).unwrap();
        let mut area = 0.0;
        let mut prev = (0.0, 1.0);
        for (t, s) in c.table.time.iter().zip(&c.table.surv) {
            area += (t - prev.0) * prev.1;
            prev = (*t, *s);
        }
        assert_close(r.rmean, area, CLOSED_FORM_REL, "rmean vs area");
        assert!(r.se_rmean > 0.0);
    }
    let d = km::rmst_difference(&fit.curves[1], &fit.curves[0], 730.0, 0.95).unwrap();
    assert_close(
        d.difference,
        d.a.rmean - d.b.rmean,
        CLOSED_FORM_REL,
        "difference",
    );
    assert!(d.difference > 0.0 && d.lower < d.difference && d.p.unwrap() < 0.05);
}
