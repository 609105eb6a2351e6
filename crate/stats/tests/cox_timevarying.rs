//! Time-varying Cox models: survSplit-style splitting, a status switching on
//! at a date, tt() through its counting-process equivalent, and R's
//! counting-process fits (03_veteran split/tt/step blocks; 05_heart is in
//! cox_reference.rs).

mod cox_fixtures;
mod support;

use cox_fixtures::*;
use support::*;
use survcalc_stats::cox::{
    fit, split_at_cuts, split_at_switch, CoxData, CoxOptions, SplitError, Ties,
};

struct Veteran {
    time: Vec<f64>,
    event: Vec<bool>,
    /// Covariate columns by name (celltype as dummies).
    cols: Vec<(String, Vec<f64>)>,
}

fn veteran() -> Veteran {
    let csv = Csv::read("03_veteran", "data.csv");
    let rows: Vec<usize> = (0..csv.rows.len()).collect();
    let (cell, cell_names) = dummies(
        &csv.text("celltype"),
        &["squamous", "smallcell", "adeno", "large"],
        "celltype",
    );
    let mut cols = vec![("trt".to_string(), csv.col("trt", &rows))];
    cols.extend(cell_names.into_iter().zip(cell));
    for c in ["karno", "diagtime", "age", "prior"] {
        cols.push((c.to_string(), csv.col(c, &rows)));
    }
    Veteran {
        time: csv.col("time", &rows),
        event: csv.col("status", &rows).iter().map(|&s| s == 1.0).collect(),
        cols,
    }
}

impl Veteran {
    fn col(&self, name: &str) -> &Vec<f64> {
        &self.cols.iter().find(|(n, _)| n == name).unwrap().1
    }
}

#[test]
fn split_at_90_180_matches_survsplit() {
    // survSplit(Surv(time, status) ~ ., data = veteran, cut = c(90, 180), episode = 'tgroup', id = 'id')
    let v = veteran();
    let s = split_at_cuts(None, &v.time, &v.event, &[180.0, 90.0]).unwrap();
    let csv = Csv::read("03_veteran", "data_split_90_180.csv");
    let all: Vec<usize> = (0..csv.rows.len()).collect();
    assert_eq!(s.row.len(), csv.rows.len());
    let id: Vec<usize> = s.row.iter().map(|r| r + 1).collect();
    assert_eq!(
        id,
        csv.col("id", &all)
            .iter()
            .map(|&v| v as usize)
            .collect::<Vec<_>>()
    );
    assert_eq!(s.start, csv.col("tstart", &all));
    assert_eq!(s.stop, csv.col("time", &all));
    assert_eq!(
        s.event,
        csv.col("status", &all)
            .iter()
            .map(|&e| e == 1.0)
            .collect::<Vec<_>>()
    );
    assert_eq!(
        s.episode,
        csv.col("tgroup", &all)
            .iter()
            .map(|&v| v as usize)
            .collect::<Vec<_>>()
    );
}

fn event_times(v: &Veteran) -> Vec<f64> {
    let mut t: Vec<f64> = v
        .time
        .iter()
        .zip(&v.event)
        .filter(|(_, &e)| e)
        .map(|(t, _)| *t)
        .collect();
    t.sort_by(f64::total_cmp);
    t.dedup();
    t
}

#[test]
fn split_at_event_times_matches_survsplit() {
    // survSplit(..., cut = sort(unique(veteran$time[veteran$status == 1])), episode = 'tgroup', id = 'id');
    // karno_tt = karno * log(time + 20)
    let v = veteran();
    let s = split_at_cuts(None, &v.time, &v.event, &event_times(&v)).unwrap();
    let csv = Csv::read("03_veteran", "data_split_eventtimes.csv");
    let all: Vec<usize> = (0..csv.rows.len()).collect();
    assert_eq!(s.row.len(), 5959);
    assert_eq!(
        s.row.iter().map(|r| (r + 1) as f64).collect::<Vec<_>>(),
        csv.col("id", &all)
    );
    assert_eq!(s.start, csv.col("tstart", &all));
    assert_eq!(s.stop, csv.col("time", &all));
    assert_eq!(
        s.episode.iter().map(|&e| e as f64).collect::<Vec<_>>(),
        csv.col("tgroup", &all)
    );
    let karno = v.col("karno");
    let tt: Vec<Option<f64>> = s
        .row
        .iter()
        .zip(&s.stop)
        .map(|(&i, &t)| Some(karno[i] * (t + 20.0).ln()))
        .collect();
    assert_all_close(&tt, &csv.num("karno_tt"), 1e-15, "karno_tt");
}

#[test]
fn split_90_180_same_model_equals_r() {
    // coxph(Surv(tstart, time, status) ~ trt + celltype + karno + diagtime + age + prior, data = vet2)
    let r = reference("03_veteran");
    let v = veteran();
    let s = split_at_cuts(None, &v.time, &v.event, &[90.0, 180.0]).unwrap();
    let data = CoxData::counting_process(
        s.start.clone(),
        s.stop.clone(),
        s.event.clone(),
        v.cols
            .iter()
            .map(|(_, c)| s.row.iter().map(|&i| c[i]).collect())
            .collect(),
        v.cols.iter().map(|(n, _)| n.clone()).collect(),
    );
    let f = fit(&data, &CoxOptions::default()).unwrap();
    check_fit(&f, &r["cox"]["split_90_180_same_model"], &Check::default());
    // Time-fixed covariates: the same coefficients as the unsplit fit.
    assert_all_close(
        &f.coef,
        &nums(&r["cox"]["efron"]["coef"]),
        1e-9,
        "split vs unsplit",
    );
}

#[test]
fn step_function_karno_by_tgroup_equals_r() {
    // coxph(Surv(tstart, time, status) ~ trt + prior + karno:strata(tgroup), data = vet2)
    let r = reference("03_veteran");
    let block = &r["cox"]["step_karno_by_tgroup"];
    let v = veteran();
    let s = split_at_cuts(None, &v.time, &v.event, &[90.0, 180.0]).unwrap();
    let expand = |name: &str| s.row.iter().map(|&i| v.col(name)[i]).collect::<Vec<f64>>();
    let karno = expand("karno");
    let mut covariates = vec![expand("trt"), expand("prior")];
    for g in 1..=3 {
        covariates.push(
            karno
                .iter()
                .zip(&s.episode)
                .map(|(k, &e)| if e == g { *k } else { 0.0 })
                .collect(),
        );
    }
    let data = CoxData::counting_process(
        s.start.clone(),
        s.stop.clone(),
        s.event.clone(),
        covariates,
        names(&block["terms"]),
    );
    let f = fit(&data, &CoxOptions::default()).unwrap();
    check_fit(&f, block, &Check::default());
    let cc = &block["convergence_check"];
    assert_all_close(
        &f.coef,
        &nums(&cc["coef_tight"]),
        1e-7,
        "step coef vs coef_tight",
    );
}

fn tt_data(term: &str) -> CoxData {
    let v = veteran();
    let s = split_at_cuts(None, &v.time, &v.event, &event_times(&v)).unwrap();
    let expand = |name: &str| s.row.iter().map(|&i| v.col(name)[i]).collect::<Vec<f64>>();
    let karno = expand("karno");
    let karno_tt = karno
        .iter()
        .zip(&s.stop)
        .map(|(k, t)| k * (t + 20.0).ln())
        .collect();
    CoxData::counting_process(
        s.start.clone(),
        s.stop.clone(),
        s.event.clone(),
        vec![expand("trt"), expand("prior"), karno, karno_tt],
        vec!["trt".into(), "prior".into(), "karno".into(), term.into()],
    )
}

#[test]
fn tt_model_through_its_counting_process_equivalent() {
    // vet3 (split at every event time) + karno_tt = karno * log(time + 20):
    // coxph(Surv(tstart, time, status) ~ trt + prior + karno + karno_tt, data = vet3)
    let r = reference("03_veteran");
    let f = fit(&tt_data("karno_tt"), &CoxOptions::default()).unwrap();
    check_fit(
        &f,
        &r["cox"]["tt_equivalent_counting_process"],
        &Check::default(),
    );

    // coxph(Surv(time, status) ~ trt + prior + karno + tt(karno), data = veteran,
    //       tt = function(x, t, ...) x * log(t + 20)): the same partial
    // likelihood, so everything but n and the means (R expands the data into
    // one stratum per event time) agrees.
    let f = fit(&tt_data("tt(karno)"), &CoxOptions::default()).unwrap();
    let tt = &r["cox"]["tt_karno_log_t20"];
    check_fit(
        &f,
        tt,
        &Check {
            n_and_means: false,
            iterations: true,
        },
    );
    assert_all_close(
        &f.coef,
        &nums(&tt["convergence_check"]["coef_tight"]),
        1e-7,
        "tt coef vs coef_tight",
    );
}

// ---------------------------------------------------------------- switch

/// Three patients: A dies at 2 and switched at 1; B dies at 3, never
/// switched; C censored at 4, switched at 2.5. Risk sets: at t = 2 A (z = 1),
/// B (0), C (0); at t = 3 B (0), C (1). With r = exp(beta):
/// L = r / (r + 2) * 1 / (1 + r), U = 1 - r/(r + 2) - r/(1 + r) = (2 - r^2) /
/// ((r + 2)(r + 1)), so beta-hat = log(2) / 2; I = 2r/(r + 2)^2 + r/(1 + r)^2;
/// U(0) = 1/6, I(0) = 17/36, score test = 1/17.
fn switch_example() -> (Vec<f64>, Vec<bool>, Vec<Option<f64>>) {
    (
        vec![2.0, 3.0, 4.0],
        vec![true, true, false],
        vec![Some(1.0), None, Some(2.5)],
    )
}

fn switch_data(stop: &[f64], event: &[bool], switch: &[Option<f64>]) -> CoxData {
    let s = split_at_switch(stop, event, switch).unwrap();
    let mut d = CoxData::counting_process(
        s.start.clone(),
        s.stop.clone(),
        s.event.clone(),
        vec![s
            .switched
            .iter()
            .map(|&b| if b { 1.0 } else { 0.0 })
            .collect()],
        vec!["switched".into()],
    );
    d.cluster = Some(s.row.iter().map(|&r| r as u64).collect());
    d
}

#[test]
fn switch_rows_closed_form() {
    let (stop, event, switch) = switch_example();
    let s = split_at_switch(&stop, &event, &switch).unwrap();
    assert_eq!(s.row, vec![0, 0, 1, 2, 2]);
    assert_eq!(s.start, vec![0.0, 1.0, 0.0, 0.0, 2.5]);
    assert_eq!(s.stop, vec![1.0, 2.0, 3.0, 2.5, 4.0]);
    assert_eq!(s.event, vec![false, true, true, false, false]);
    assert_eq!(s.switched, vec![false, true, false, false, true]);

    let mut data = switch_data(&stop, &event, &switch);
    data.cluster = None;
    for ties in [Ties::Efron, Ties::Breslow] {
        let f = fit(
            &data,
            &CoxOptions {
                ties,
                eps: 1e-14,
                max_iter: 100,
                ..CoxOptions::default()
            },
        )
        .unwrap();
        let beta = 2f64.ln() / 2.0;
        let r = beta.exp();
        assert_close(f.coef[0].unwrap(), beta, CLOSED_FORM_REL, "beta = log(2)/2");
        let info = 2.0 * r / (r + 2.0).powi(2) + r / (1.0 + r).powi(2);
        assert_close(f.se[0].unwrap(), (1.0 / info).sqrt(), CLOSED_FORM_REL, "se");
        assert_close(
            f.loglik_final,
            beta - (r + 2.0).ln() - (1.0 + r).ln(),
            CLOSED_FORM_REL,
            "loglik",
        );
        assert_close(
            f.loglik_null,
            -(3f64.ln()) - 2f64.ln(),
            CLOSED_FORM_REL,
            "loglik at 0",
        );
        assert_close(f.score_test.stat, 1.0 / 17.0, CLOSED_FORM_REL, "score test");
    }
}

#[test]
fn switch_rows_fit_equals_hand_made_counting_process() {
    // Progression (switch) dates for the veteran patients, made up: every
    // third patient switches at 40% of follow-up, every fifth at time 0, the
    // rest never. The fit on split_at_switch rows must equal the fit on the
    // same rows written by hand.
    let v = veteran();
    let switch: Vec<Option<f64>> = (0..v.time.len())
        .map(|i| {
            if i % 3 == 0 {
                Some(0.4 * v.time[i])
            } else if i % 5 == 0 {
                Some(0.0)
            } else {
                None
            }
        })
        .collect();
    let mut start = vec![];
    let mut stop = vec![];
    let mut event = vec![];
    let mut status = vec![];
    let mut karno = vec![];
    let mut id = vec![];
    for (i, sw) in switch.iter().enumerate() {
        let mut push = |a: f64, b: f64, e: bool, z: f64| {
            start.push(a);
            stop.push(b);
            event.push(e);
            status.push(z);
            karno.push(v.col("karno")[i]);
            id.push(i as u64);
        };
        match *sw {
            Some(s) if s > 0.0 && s < v.time[i] => {
                push(0.0, s, false, 0.0);
                push(s, v.time[i], v.event[i], 1.0);
            }
            Some(_) => push(0.0, v.time[i], v.event[i], 1.0),
            None => push(0.0, v.time[i], v.event[i], 0.0),
        }
    }
    let mut hand = CoxData::counting_process(
        start,
        stop,
        event,
        vec![status, karno],
        vec!["progressed".into(), "karno".into()],
    );
    hand.cluster = Some(id);

    let s = split_at_switch(&v.time, &v.event, &switch).unwrap();
    let mut made = CoxData::counting_process(
        s.start.clone(),
        s.stop.clone(),
        s.event.clone(),
        vec![
            s.switched
                .iter()
                .map(|&b| if b { 1.0 } else { 0.0 })
                .collect(),
            s.row.iter().map(|&i| v.col("karno")[i]).collect(),
        ],
        vec!["progressed".into(), "karno".into()],
    );
    made.cluster = Some(s.row.iter().map(|&r| r as u64).collect());
    assert_eq!(made.stop, hand.stop);
    let a = fit(&made, &CoxOptions::default()).unwrap();
    let b = fit(&hand, &CoxOptions::default()).unwrap();
    assert_all_close(&a.coef, &b.coef, 1e-14, "coef");
    assert_all_close(
        &a.robust.as_ref().unwrap().se,
        &b.robust.as_ref().unwrap().se,
        1e-14,
        "robust se",
    );
    assert_eq!(a.concordance, b.concordance);
    // A switch at or after the event time leaves the status off.
    let s = split_at_switch(&[5.0, 5.0], &[true, true], &[Some(5.0), Some(7.0)]).unwrap();
    assert_eq!(s.switched, vec![false, false]);
    assert_eq!(s.row, vec![0, 1]);
}

#[test]
fn split_rejects_bad_input() {
    assert!(matches!(
        split_at_cuts(None, &[0.0, 3.0], &[true, false], &[1.0]),
        Err(SplitError::InvalidTime { row: 1, .. })
    ));
    assert!(matches!(
        split_at_cuts(Some(&[2.0]), &[2.0], &[true], &[1.0]),
        Err(SplitError::StartNotBeforeStop { row: 1, .. })
    ));
    assert!(matches!(
        split_at_cuts(None, &[2.0], &[true], &[f64::NAN]),
        Err(SplitError::InvalidCut { .. })
    ));
    assert!(matches!(
        split_at_switch(&[2.0], &[true], &[Some(f64::INFINITY)]),
        Err(SplitError::InvalidSwitchTime { row: 1, .. })
    ));
    assert!(matches!(
        split_at_switch(&[2.0], &[true, false], &[None]),
        Err(SplitError::LengthMismatch { .. })
    ));
    // Cuts outside follow-up, at the start or at the stop leave a row whole.
    let s = split_at_cuts(Some(&[1.0]), &[4.0], &[true], &[-1.0, 1.0, 4.0, 9.0]).unwrap();
    assert_eq!(
        (s.start, s.stop, s.episode),
        (vec![1.0], vec![4.0], vec![3])
    );
}
