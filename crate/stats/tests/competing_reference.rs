//! Competing risks against cmprsk 2.2-11 and survival 3.5-3 on mgus2
//! (tests/reference/11_mgus2_competing): PCM (1) vs death (2), by sex.

mod support;
mod survival_data;

use support::{
    assert_close, matrix, num, CLOSED_FORM_REL, COEF_REL, CRR_COEF_REL, CRR_SE_REL, STAT_REL,
};
use survcalc_stats::competing::{
    crr, cuminc, gray_test, CifOptions, CifVariance, CrrData, CrrOptions,
};
use survcalc_stats::km::{ConfType, Grouping};
use survival_data::Csv;

const DATASET: &str = "11_mgus2_competing";

struct Mgus2 {
    time: Vec<f64>,
    cause: Vec<usize>,
    sex: Vec<usize>,
    age: Vec<Option<f64>>,
    hgb: Vec<Option<f64>>,
}

fn mgus2() -> Mgus2 {
    let csv = Csv::load(DATASET);
    let parse = |v: &String| {
        if v == "NA" {
            None
        } else {
            Some(v.parse::<f64>().unwrap())
        }
    };
    Mgus2 {
        time: csv.col("etime").iter().map(|v| parse(v).unwrap()).collect(),
        cause: csv
            .col("event")
            .iter()
            .map(|v| v.parse::<usize>().unwrap())
            .collect(),
        // factor(sex): F first (R's level order).
        sex: csv
            .col("sex")
            .iter()
            .map(|v| usize::from(v == "M"))
            .collect(),
        age: csv.col("age").iter().map(parse).collect(),
        hgb: csv.col("hgb").iter().map(parse).collect(),
    }
}

fn labels() -> Vec<String> {
    vec!["F".to_string(), "M".to_string()]
}

/// cuminc's curves ("F 1" = group F, cause 1) at every jump: cmprsk returns
/// (0, 0), then each jump twice (the value before and after), then the
/// last follow-up time. Rebuilt here from our table to compare every entry.
#[test]
fn cuminc_curves_and_gray_variance_match_cmprsk() {
    let d = mgus2();
    let labels = labels();
    let fit = cuminc(
        &d.time,
        &d.cause,
        2,
        Some(&Grouping {
            codes: &d.sex,
            labels: &labels,
        }),
        &CifOptions::default(),
    )
    .unwrap();
    let reference = support::reference(DATASET);
    for curve in reference["cif"]["by_sex"]["curves"].as_array().unwrap() {
        let name = curve["name"].as_str().unwrap();
        let (group, cause) = name.split_once(' ').unwrap();
        let cause: usize = cause.parse().unwrap();
        let ours = fit
            .curves
            .iter()
            .find(|c| c.label == group && c.cause == cause)
            .unwrap();
        let tb = &ours.table;
        let (mut x, mut f, mut v) = (vec![0.0], vec![0.0], vec![0.0]);
        for i in 0..tb.time.len() {
            if tb.n_event[i] > 0 {
                let (fp, vp) = (*f.last().unwrap(), *v.last().unwrap());
                x.extend([tb.time[i], tb.time[i]]);
                f.extend([fp, tb.estimate[i]]);
                v.extend([vp, tb.var_gray[i]]);
            }
        }
        x.push(*tb.time.last().unwrap());
        f.push(*f.last().unwrap());
        v.push(*v.last().unwrap());
        let rt = support::f64s(&curve["time"]);
        let re = support::f64s(&curve["est"]);
        let rv = support::f64s(&curve["var"]);
        assert_eq!(x, rt, "{name}: times");
        for i in 0..re.len() {
            assert_close(f[i], re[i], COEF_REL, &format!("{name} est[{i}]"));
            assert_close(v[i], rv[i], COEF_REL, &format!("{name} var[{i}]"));
        }
    }
}

#[test]
fn cuminc_at_times_matches_timepoints() {
    let d = mgus2();
    let labels = labels();
    let options = CifOptions::default();
    let fit = cuminc(
        &d.time,
        &d.cause,
        2,
        Some(&Grouping {
            codes: &d.sex,
            labels: &labels,
        }),
        &options,
    )
    .unwrap();
    let block = &support::reference(DATASET)["cif"]["by_sex"]["at_times"];
    let times = support::f64s(&block["times"]);
    let est = matrix(&block["est"]);
    let var = matrix(&block["var"]);
    for (r, name) in block["rownames"].as_array().unwrap().iter().enumerate() {
        let (group, cause) = name.as_str().unwrap().split_once(' ').unwrap();
        let curve = fit
            .curves
            .iter()
            .find(|c| c.label == group && c.cause == cause.parse::<usize>().unwrap())
            .unwrap();
        let at = curve.at_times(&times, &options).unwrap();
        for k in 0..times.len() {
            assert!(!at.beyond_follow_up[k]);
            assert_close(
                at.estimate[k],
                est[r][k],
                COEF_REL,
                &format!("{name:?} est at {}", times[k]),
            );
            assert_close(
                at.var_gray[k],
                var[r][k],
                COEF_REL,
                &format!("{name:?} var at {}", times[k]),
            );
        }
    }
}

#[test]
fn gray_test_matches_cmprsk() {
    let d = mgus2();
    let labels = labels();
    let block = &support::reference(DATASET)["cif"]["by_sex"]["gray_test"];
    for (k, cause) in [1usize, 2].iter().enumerate() {
        let test = gray_test(
            &d.time,
            &d.cause,
            2,
            *cause,
            &Grouping {
                codes: &d.sex,
                labels: &labels,
            },
            None,
            0.0,
        )
        .unwrap();
        assert_close(
            test.stat.unwrap(),
            num(&block["stat"][k]).unwrap(),
            STAT_REL,
            &format!("Gray stat, cause {cause}"),
        );
        assert_close(
            test.p.unwrap(),
            num(&block["p"][k]).unwrap(),
            STAT_REL,
            &format!("Gray p, cause {cause}"),
        );
        assert_eq!(test.df as f64, num(&block["df"][k]).unwrap());
    }
}

/// survfit(Surv(etime, factor(event)) ~ sex): pstate, IJ std.err and log
/// CIs of the two causes at 60/120/240/360 (the (s0) column is 1 - F1 - F2).
#[test]
fn aalen_johansen_se_matches_multistate_survfit() {
    let d = mgus2();
    let labels = labels();
    let options = CifOptions {
        variance: CifVariance::InfinitesimalJackknife,
        conf_type: ConfType::Log,
        conf_level: 0.95,
    };
    let fit = cuminc(
        &d.time,
        &d.cause,
        2,
        Some(&Grouping {
            codes: &d.sex,
            labels: &labels,
        }),
        &options,
    )
    .unwrap();
    let block = &support::reference(DATASET)["aj"]["by_sex"];
    let strata: Vec<&str> = block["strata"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let times = support::f64s(&block["time"]);
    let (pstate, se, lower, upper) = (
        matrix(&block["pstate"]),
        matrix(&block["std_err"]),
        matrix(&block["lower"]),
        matrix(&block["upper"]),
    );
    for (row, stratum) in strata.iter().enumerate() {
        let group = stratum.trim_start_matches("sex=");
        let mut free = 1.0;
        for cause in [1usize, 2] {
            let curve = fit
                .curves
                .iter()
                .find(|c| c.label == group && c.cause == cause)
                .unwrap();
            let at = curve.at_times(&[times[row]], &options).unwrap();
            let what = format!("{stratum} cause {cause} at {}", times[row]);
            assert_close(
                at.estimate[0],
                pstate[row][cause],
                COEF_REL,
                &format!("{what}: pstate"),
            );
            assert_close(
                at.se_ij[0],
                se[row][cause],
                STAT_REL,
                &format!("{what}: std.err"),
            );
            assert_close(
                at.lower[0].unwrap(),
                lower[row][cause],
                STAT_REL,
                &format!("{what}: lower"),
            );
            assert_close(
                at.upper[0].unwrap(),
                upper[row][cause],
                STAT_REL,
                &format!("{what}: upper"),
            );
            free -= at.estimate[0];
        }
        assert_close(
            free,
            pstate[row][0],
            CLOSED_FORM_REL,
            &format!("{stratum}: (s0)"),
        );
    }
}

/// crr(etime, event, cov1 = model.matrix(~ age + sex + hgb)[, -1]) on the
/// complete cases, failcode 1 and 2.
#[test]
fn crr_matches_cmprsk() {
    let d = mgus2();
    let keep: Vec<usize> = (0..d.time.len())
        .filter(|&i| d.age[i].is_some() && d.hgb[i].is_some())
        .collect();
    let data = CrrData {
        time: keep.iter().map(|&i| d.time[i]).collect(),
        cause: keep.iter().map(|&i| d.cause[i]).collect(),
        n_causes: 2,
        covariates: vec![
            keep.iter().map(|&i| d.age[i].unwrap()).collect(),
            keep.iter().map(|&i| d.sex[i] as f64).collect(),
            keep.iter().map(|&i| d.hgb[i].unwrap()).collect(),
        ],
        term_names: vec!["age".into(), "sexM".into(), "hgb".into()],
    };
    let reference = support::reference(DATASET);
    for (name, cause) in [("pcm", 1usize), ("death", 2)] {
        let block = &reference["crr"][name];
        let fit = crr(
            &data,
            &CrrOptions {
                cause_of_interest: cause,
                ..CrrOptions::default()
            },
        )
        .unwrap();
        assert!(fit.converged);
        assert_eq!(fit.n as f64, num(&block["n"]).unwrap());
        for j in 0..3 {
            let what = format!("crr {name} {}", fit.terms[j]);
            assert_close(
                fit.coef[j],
                num(&block["coef"][j]).unwrap(),
                CRR_COEF_REL,
                &format!("{what}: coef"),
            );
            assert_close(
                fit.shr[j],
                num(&block["hr"][j]).unwrap(),
                CRR_COEF_REL,
                &format!("{what}: exp(coef)"),
            );
            assert_close(
                fit.se[j],
                num(&block["se"][j]).unwrap(),
                CRR_SE_REL,
                &format!("{what}: se"),
            );
            assert_close(
                fit.z[j],
                num(&block["z"][j]).unwrap(),
                CRR_SE_REL,
                &format!("{what}: z"),
            );
            assert_close(
                fit.shr_lower[j],
                num(&block["hr_lower"][j]).unwrap(),
                CRR_SE_REL,
                &format!("{what}: lower"),
            );
            assert_close(
                fit.shr_upper[j],
                num(&block["hr_upper"][j]).unwrap(),
                CRR_SE_REL,
                &format!("{what}: upper"),
            );
            // The fixture's p is crr's printed, rounded value: recompute it from R's z.
            let z_r = num(&block["z"][j]).unwrap();
            let p_r = survcalc_stats::distributions::normal_two_sided(z_r);
            assert_close(fit.p[j], p_r, CRR_SE_REL.max(1e-4), &format!("{what}: p"));
        }
        assert_close(
            fit.loglik,
            num(&block["loglik"]).unwrap(),
            CRR_COEF_REL,
            &format!("crr {name}: loglik"),
        );
        assert_close(
            fit.loglik_null,
            num(&block["loglik_null"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("crr {name}: loglik null"),
        );
    }
}

/// survival's `finegray()` data, built here as its R code and C routine do
/// (survival 3.5-3, R/finegray.R and src/finegray.c), then the weighted
/// Efron Cox fit of survcalc: `coxph(Surv(fgstart, fgstop, fgstatus) ~ age
/// + sex + hgb, weights = fgwt)`. The censoring distribution is the
/// Kaplan–Meier on the rank scale with events moved 0.2 earlier (events
/// leave before censorings at the same time); each competing event is
/// extended to the end of its censoring interval with weight 1, then over
/// every later interval that holds an event of interest with weight
/// G(interval)/G(own interval).
#[test]
fn finegray_expansion_and_weighted_cox_match_survival() {
    use survcalc_stats::cox::{fit, CoxData, CoxOptions, Ties};
    let d = mgus2();
    let keep: Vec<usize> = (0..d.time.len())
        .filter(|&i| d.age[i].is_some() && d.hgb[i].is_some())
        .collect();
    let time: Vec<f64> = keep.iter().map(|&i| d.time[i]).collect();
    let status: Vec<usize> = keep.iter().map(|&i| d.cause[i]).collect();
    let enum_ = 1;
    let min = time.iter().copied().fold(f64::INFINITY, f64::min);
    let zero = if min > 0.0 { 0.0 } else { 2.0 * min - 1.0 };
    let mut utime: Vec<f64> = time.clone();
    utime.push(zero);
    utime.sort_by(f64::total_cmp);
    utime.dedup();
    let rank = |t: f64| (utime.iter().position(|&u| u == t).unwrap() + 1) as f64;
    let stop_rank: Vec<f64> = time
        .iter()
        .zip(&status)
        .map(|(&t, &s)| rank(t) - if s != 0 { 0.2 } else { 0.0 })
        .collect();
    // Censoring Kaplan–Meier at each censoring rank.
    let mut censor_ranks: Vec<f64> = (0..time.len())
        .filter(|&i| status[i] == 0)
        .map(|i| stop_rank[i])
        .collect();
    censor_ranks.sort_by(f64::total_cmp);
    censor_ranks.dedup();
    let (mut ctime, mut cprob, mut g) = (Vec::new(), Vec::new(), 1.0);
    for &c in &censor_ranks {
        let at_risk = stop_rank.iter().filter(|&&s| s >= c).count() as f64;
        let m = (0..time.len())
            .filter(|&i| status[i] == 0 && stop_rank[i] == c)
            .count() as f64;
        g *= 1.0 - m / at_risk;
        ctime.push(utime[c as usize - 1]);
        cprob.push(g);
    }
    let maxtime = time.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut ct2 = ctime.clone();
    ct2.push(maxtime);
    let mut cp2 = vec![1.0];
    cp2.extend(&cprob);
    let ncut = ct2.len();
    let event_times: Vec<f64> = (0..time.len())
        .filter(|&i| status[i] == enum_)
        .map(|i| time[i])
        .collect();
    let keep_interval: Vec<bool> = (0..ncut)
        .map(|j| j == 0 || event_times.iter().any(|&t| ct2[j - 1] < t && t <= ct2[j]))
        .collect();
    let (mut start, mut stop, mut event, mut weight, mut rows) =
        (vec![], vec![], vec![], vec![], vec![]);
    for i in 0..time.len() {
        let competing = status[i] != 0 && status[i] != enum_;
        start.push(zero);
        event.push(status[i] == enum_);
        weight.push(1.0);
        rows.push(i);
        if !competing {
            stop.push(time[i]);
            continue;
        }
        let j = ct2.iter().position(|&c| c >= time[i]).unwrap();
        stop.push(ct2[j]);
        for k in (j + 1)..ncut {
            if keep_interval[k] {
                start.push(ct2[k - 1]);
                stop.push(ct2[k]);
                event.push(false);
                weight.push(cp2[k] / cp2[j]);
                rows.push(i);
            }
        }
    }
    let covariates = vec![
        rows.iter().map(|&r| d.age[keep[r]].unwrap()).collect(),
        rows.iter().map(|&r| d.sex[keep[r]] as f64).collect(),
        rows.iter().map(|&r| d.hgb[keep[r]].unwrap()).collect(),
    ];
    let mut data = CoxData::counting_process(
        start,
        stop,
        event,
        covariates,
        vec!["age".into(), "sexM".into(), "hgb".into()],
    );
    data.weights = Some(weight);
    // coxph makes the robust variance (one cluster per row) its default
    // when weights are not whole numbers (R/coxph.R: "any weights that are
    // not 0 or 1, then TRUE"), so the fixture's `se`, sqrt(diag(fit$var)),
    // is that sandwich, not the model-based SE its note names (0.00713 for
    // age here, against 0.005592).
    data.cluster = Some((0..data.n() as u64).collect());
    let cox = fit(
        &data,
        &CoxOptions {
            ties: Ties::Efron,
            robust: true,
            ..CoxOptions::default()
        },
    )
    .unwrap();
    let robust = cox.robust.as_ref().unwrap();
    let block = &support::reference(DATASET)["finegray"]["pcm"];
    for j in 0..3 {
        assert_close(
            cox.coef[j].unwrap(),
            num(&block["coef"][j]).unwrap(),
            COEF_REL,
            &format!("finegray coef {j}"),
        );
        assert_close(
            cox.hr[j].unwrap(),
            num(&block["hr"][j]).unwrap(),
            COEF_REL,
            &format!("finegray hr {j}"),
        );
        assert_close(
            robust.se[j].unwrap(),
            num(&block["se"][j]).unwrap(),
            STAT_REL,
            &format!("finegray robust se {j}"),
        );
    }
}
