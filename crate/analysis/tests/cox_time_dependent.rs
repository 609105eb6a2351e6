//! Cox regression requests whose covariates change during follow-up, against
//! R 4.2.2 / survival 3.5-3 (tests/reference; each block's `call` is the R
//! call):
//! - time splitting (`time_split`): veteran split at 90 and 180 days with
//!   karno per interval, 03_veteran's block `vet2 <- survSplit(Surv(time,
//!   status) ~ ., data = veteran, cut = c(90, 180), episode = 'tgroup', id =
//!   'id'); coxph(Surv(tstart, time, status) ~ trt + prior +
//!   karno:strata(tgroup), data = vet2)` (timedep vignette, section 4.1);
//! - a time-varying status (`time_varying`): heart as one row per patient
//!   with the transplant time (or date), split at the switch as
//!   `tmerge(tdc())` does, against 05_heart's `coxph(Surv(start, stop,
//!   event) ~ age + year + surgery + transplant, data = heart[, cluster =
//!   id][, ties = 'breslow'])` fitted on R's own (start, stop] rows (jasa1).

#[path = "../../stats/tests/cox_fixtures/mod.rs"]
mod cox_fixtures;
#[path = "../../stats/tests/support/mod.rs"]
mod support;

use cox_fixtures::{check_fit, Check};
use serde_json::Value;
use support::*;
use survcalc_analysis::analyses::cox::{
    run, CoxRequest, CoxResult, TimeSplitSpec, TimeVaryingSpec,
};
use survcalc_analysis::dates::{Date, TimeUnit};
use survcalc_analysis::design::TermSpec;
use survcalc_analysis::table::{read_csv, ReadOptions, Table};
use survcalc_stats::cox::Ties;

fn csv_table(text: &str) -> Table {
    read_csv(text.as_bytes(), &ReadOptions::default()).unwrap()
}

fn request(time: &str, event: &str, value: &str, covariates: Vec<TermSpec>) -> CoxRequest {
    CoxRequest {
        time: time.into(),
        event: event.into(),
        event_values: vec![value.into()],
        covariates,
        ..CoxRequest::default()
    }
}

/// The reference block produced by `call`, wherever it sits in reference.json.
fn block_by_call<'a>(reference: &'a Value, call: &str) -> &'a Value {
    reference["cox"]
        .as_object()
        .unwrap()
        .values()
        .find(|b| b["call"] == call)
        .unwrap_or_else(|| panic!("no block {call}"))
}

// ------------------------------------------------------------ time split

const SPLIT_CALL: &str = "vet2 <- survSplit(Surv(time, status) ~ ., data = veteran, cut = c(90, 180), episode = 'tgroup', id = 'id'); \
                          coxph(Surv(tstart, time, status) ~ trt + prior + karno:strata(tgroup), data = vet2)";

/// trt (1 = standard, 2 = test) and prior (0 / 10) are numbers in veteran,
/// as in R's call: one coefficient per unit each.
fn veteran_split(cuts: &[f64]) -> CoxRequest {
    CoxRequest {
        time_split: Some(TimeSplitSpec {
            cuts: cuts.to_vec(),
            covariates: vec!["karno".into()],
        }),
        ..request(
            "time",
            "status",
            "1",
            vec![
                TermSpec::numeric("trt"),
                TermSpec::numeric("prior"),
                TermSpec::new("karno"),
            ],
        )
    }
}

#[test]
fn veteran_split_at_90_and_180_equals_survsplit_and_karno_by_tgroup() {
    let veteran = reference("03_veteran");
    let block = block_by_call(&veteran, SPLIT_CALL);
    let r = run(
        &csv_table(&data_file("03_veteran", "data.csv")),
        &veteran_split(&[90.0, 180.0]),
    )
    .unwrap();
    let r_names: Vec<&str> = r.coefficients.iter().map(|c| c.r_name.as_str()).collect();
    assert_eq!(
        r_names,
        cox_fixtures::names(&block["terms"]),
        "R's coefficient names, in R's order"
    );
    // Coefficients, SEs, HRs and limits, variance, likelihoods, the three
    // tests and the concordance; n = rows after the split.
    check_fit(&r.fit, block, &Check::default());
    assert_eq!(r.n_used, 137);
    let s = r.time_split.as_ref().unwrap();
    assert_eq!(
        s.events.iter().sum::<usize>(),
        num(&block["nevent"]).unwrap() as usize
    );
    // The readable names and the table row printed from these numbers.
    let names: Vec<&str> = r.coefficients.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "trt",
            "prior",
            "karno (0–90]",
            "karno (90–180]",
            "karno (180+)"
        ]
    );
    let (hr, lo, hi) = (
        r.fit.hr[2].unwrap(),
        r.fit.hr_lower[2].unwrap(),
        r.fit.hr_upper[2].unwrap(),
    );
    assert_eq!(r.hr_table.rows[2][1], format!("{hr:.2} ({lo:.2}–{hi:.2})"));
}

#[test]
fn a_cut_order_or_duplicate_changes_nothing() {
    let t = csv_table(&data_file("03_veteran", "data.csv"));
    let a = run(&t, &veteran_split(&[90.0, 180.0])).unwrap();
    let mut shuffled = veteran_split(&[180.0, 90.0, 180.0]);
    shuffled
        .time_split
        .as_mut()
        .unwrap()
        .covariates
        .push("karno".into());
    let b = run(&t, &shuffled).unwrap();
    assert_eq!(a.fit.coef, b.fit.coef);
    assert_eq!(b.time_split.as_ref().unwrap().cuts, [90.0, 180.0]);
}

#[test]
fn a_negative_cut_is_refused_by_name() {
    let e = run(
        &csv_table(&data_file("03_veteran", "data.csv")),
        &veteran_split(&[-5.0, 90.0]),
    )
    .unwrap_err();
    assert!(e.contains("The cut point -5 is not a time during follow-up: cut points must be finite and greater than 0"), "{e}");
}

// ------------------------------------------------------ time-varying status

/// heart's rows (jasa1, one per patient-period) grouped by patient, in file order.
fn heart_patients() -> Vec<Vec<Vec<String>>> {
    let text = data_file("05_heart", "data.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        header,
        [
            "start",
            "stop",
            "event",
            "age",
            "year",
            "surgery",
            "transplant",
            "id"
        ]
    );
    let mut patients: Vec<Vec<Vec<String>>> = Vec::new();
    for line in lines {
        let row: Vec<String> = line.split(',').map(str::to_string).collect();
        match patients.last_mut() {
            Some(p) if p[0][7] == row[7] => p.push(row),
            _ => patients.push(vec![row]),
        }
    }
    patients
}

/// One patient of the wide table: stop and event of the last row,
/// age/year/surgery of the first (full precision, as text), and the
/// transplant switch time = start of the row with transplant = 1.
struct WidePatient {
    id: String,
    stop: String,
    event: String,
    covariates: [String; 3],
    switch: Option<String>,
}

fn wide_heart() -> Vec<WidePatient> {
    heart_patients()
        .into_iter()
        .map(|rows| {
            let (first, last) = (&rows[0], &rows[rows.len() - 1]);
            WidePatient {
                id: first[7].clone(),
                stop: last[1].clone(),
                event: last[2].clone(),
                covariates: [first[3].clone(), first[4].clone(), first[5].clone()],
                switch: rows.iter().find(|r| r[6] == "1").map(|r| r[0].clone()),
            }
        })
        .collect()
}

fn wide_csv(patients: &[WidePatient]) -> String {
    let mut csv = String::from("id,stop,event,age,year,surgery,transplant_time\n");
    for p in patients {
        csv.push_str(&format!(
            "{},{},{},{},{}\n",
            p.id,
            p.stop,
            p.event,
            p.covariates.join(","),
            p.switch.clone().unwrap_or_default()
        ));
    }
    csv
}

fn heart_request(ties: Ties, robust: bool) -> CoxRequest {
    CoxRequest {
        ties,
        robust,
        time_varying: Some(TimeVaryingSpec {
            column: "transplant_time".into(),
            name: Some("transplant".into()),
            ..TimeVaryingSpec::default()
        }),
        ..request(
            "stop",
            "event",
            "1",
            ["age", "year", "surgery"].map(TermSpec::new).to_vec(),
        )
    }
}

/// R's fit on jasa1 against ours: R names transplant `transplant1` (a 0/1 factor).
fn check_heart(r: &CoxResult, block: &Value) {
    let mut fit = r.fit.clone();
    fit.terms = r
        .coefficients
        .iter()
        .map(|c| {
            if c.r_name == "transplant" {
                "transplant1".into()
            } else {
                c.r_name.clone()
            }
        })
        .collect();
    check_fit(&fit, block, &Check::default());
}

#[test]
fn the_heart_data_have_the_switches_the_tests_assume() {
    // Checked rather than assumed: every patient starts untransplanted at
    // day 0 with at most one transplant row; 69 switch, all strictly inside
    // follow-up, one (patient 38) at day 4.5, half a day before death at 5
    // (R's heart data moved the same-day transplant).
    let patients = heart_patients();
    assert_eq!(patients.len(), 103);
    assert!(patients
        .iter()
        .all(|p| p[0][0] == "0" && p[0][6] == "0" && p.len() <= 2));
    let wide = wide_heart();
    let switched: Vec<&WidePatient> = wide.iter().filter(|p| p.switch.is_some()).collect();
    assert_eq!(switched.len(), 69);
    let time = |s: &str| s.parse::<f64>().unwrap();
    assert!(switched
        .iter()
        .all(|p| time(p.switch.as_deref().unwrap()) > 0.0
            && time(p.switch.as_deref().unwrap()) < time(&p.stop)));
    let fractional: Vec<(&str, &str, &str)> = switched
        .iter()
        .filter(|p| time(p.switch.as_deref().unwrap()).fract() != 0.0)
        .map(|p| (p.id.as_str(), p.switch.as_deref().unwrap(), p.stop.as_str()))
        .collect();
    assert_eq!(fractional, [("38", "4.5", "5")]);
}

#[test]
fn heart_one_row_per_patient_equals_coxph_on_jasa1() {
    let reference = reference("05_heart");
    let t = csv_table(&wide_csv(&wide_heart()));
    for (ties, key) in [(Ties::Efron, "efron"), (Ties::Breslow, "breslow")] {
        let r = run(&t, &heart_request(ties, false)).unwrap();
        check_heart(&r, &reference["cox"][key]);
        assert_eq!(r.n_used, 103);
        let tv = r.time_varying.as_ref().unwrap();
        assert_eq!(
            (
                tv.n_patients,
                tv.n_rows,
                tv.n_switched,
                tv.n_from_start,
                tv.n_after_follow_up
            ),
            (103, 172, 69, 0, 0)
        );
        assert_eq!(r.hr_table.rows.last().unwrap()[0], "transplant");
        assert_eq!(r.plot.rows.last().unwrap().label, "transplant");
        let zph: Vec<&str> = r
            .zph
            .as_ref()
            .unwrap()
            .terms
            .iter()
            .map(|z| z.term.as_str())
            .collect();
        assert_eq!(zph, ["age", "year", "surgery", "transplant"]);
    }
}

#[test]
fn heart_robust_variance_clusters_by_patient_as_coxph_cluster_id() {
    let reference = reference("05_heart");
    let t = csv_table(&wide_csv(&wide_heart()));
    for (ties, key) in [
        (Ties::Efron, "efron_cluster_id"),
        (Ties::Breslow, "breslow_cluster_id"),
    ] {
        let r = run(&t, &heart_request(ties, true)).unwrap();
        check_heart(&r, &reference["cox"][key]);
        assert_eq!(r.fit.robust.as_ref().unwrap().n_clusters, 103);
    }
}

/// The heart table with dates: an origin date per patient and the
/// transplant as a date. Times are doubled so that patient 38's transplant
/// at day 4.5 falls on a whole day; a strictly increasing change of the time
/// scale leaves the partial likelihood, and so every number compared,
/// unchanged. `stop_in` turns the doubled days into the file's unit.
fn dated_heart_csv(stop_in: impl Fn(f64) -> f64) -> String {
    let first = Date::from_ymd(1967, 11, 1).unwrap();
    let mut csv = String::from("id,stop,event,age,year,surgery,accepted,transplant_date\n");
    for (i, p) in wide_heart().iter().enumerate() {
        let origin = first.add_days(7 * i as i32);
        let days = |s: &str| 2.0 * s.parse::<f64>().unwrap();
        let switch = p
            .switch
            .as_deref()
            .map(|s| origin.add_days(days(s) as i32).to_string())
            .unwrap_or_default();
        csv.push_str(&format!(
            "{},{},{},{},{origin},{switch}\n",
            p.id,
            stop_in(days(&p.stop)),
            p.event,
            p.covariates.join(",")
        ));
    }
    csv
}

fn dated_request(unit: TimeUnit) -> CoxRequest {
    CoxRequest {
        time_varying: Some(TimeVaryingSpec {
            column: "transplant_date".into(),
            origin: Some("accepted".into()),
            unit: Some(unit),
            name: Some("transplant".into()),
        }),
        ..heart_request(Ties::Efron, false)
    }
}

#[test]
fn heart_with_switch_dates_in_days_or_months_gives_rs_fit() {
    let heart = reference("05_heart");
    let block = &heart["cox"]["efron"];
    let days = run(
        &csv_table(&dated_heart_csv(|d| d)),
        &dated_request(TimeUnit::Days),
    )
    .unwrap();
    check_heart(&days, block);
    let tv = days.time_varying.as_ref().unwrap();
    assert_eq!(
        (tv.source, tv.origin.as_deref(), tv.unit),
        ("date", Some("accepted"), Some(TimeUnit::Days))
    );
    // Follow-up in months (days / 30.4375, as the endpoints are derived).
    let months = run(
        &csv_table(&dated_heart_csv(|d| TimeUnit::Months.from_days(d))),
        &dated_request(TimeUnit::Months),
    )
    .unwrap();
    check_heart(&months, block);
    assert!(
        months
            .settings_text
            .contains("in months (1 month = 30.4375 days)"),
        "{}",
        months.settings_text
    );
}

#[test]
fn errors_name_the_column_line_and_value() {
    let csv = dated_heart_csv(|d| d);
    let t = csv_table(&csv);
    let no_origin = CoxRequest {
        time_varying: Some(TimeVaryingSpec {
            origin: None,
            ..dated_request(TimeUnit::Days).time_varying.unwrap()
        }),
        ..dated_request(TimeUnit::Days)
    };
    assert!(run(&t, &no_origin)
        .unwrap_err()
        .contains("holds dates: choose the origin date column"));
    let unknown = CoxRequest {
        time_varying: Some(TimeVaryingSpec {
            column: "no_such_column".into(),
            ..TimeVaryingSpec::default()
        }),
        ..dated_request(TimeUnit::Days)
    };
    assert!(run(&t, &unknown)
        .unwrap_err()
        .contains("no column named \"no_such_column\""));

    // A negative switch time, on file line 6 (the fifth patient).
    let mut wide = wide_heart();
    wide[4].switch = Some("-2".into());
    let e = run(
        &csv_table(&wide_csv(&wide)),
        &heart_request(Ties::Efron, false),
    )
    .unwrap_err();
    assert!(
        e.contains("Column \"transplant_time\", line 6: the switch time \"-2\" is negative"),
        "{e}"
    );
}

#[test]
fn the_status_alone_and_rows_missing_a_covariate() {
    let mut wide = wide_heart();
    wide[2].covariates[0] = "NA".into();
    let t = csv_table(&wide_csv(&wide));
    let alone = run(
        &t,
        &CoxRequest {
            covariates: Vec::new(),
            ..heart_request(Ties::Efron, false)
        },
    )
    .unwrap();
    assert_eq!(
        alone
            .hr_table
            .rows
            .iter()
            .map(|r| r[0].as_str())
            .collect::<Vec<_>>(),
        ["transplant"]
    );
    assert_eq!(alone.n_used, 103);
    let r = run(&t, &heart_request(Ties::Efron, false)).unwrap();
    assert_eq!(r.n_used, 102);
    assert_eq!(r.dropped.len(), 1);
    assert_eq!(
        (
            r.dropped[0].column.as_str(),
            r.dropped[0].count,
            r.dropped[0].lines.as_slice()
        ),
        ("age", 1, &[4][..])
    );
    let tv = r.time_varying.as_ref().unwrap();
    assert_eq!(
        r.n_text,
        format!("102 of 103 patients analysed ({} rows after splitting at the switch; {} switched), {} events.", tv.n_rows, tv.n_switched, r.fit.nevent)
    );
}
