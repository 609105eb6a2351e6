//! Log-rank family against R 4.2.2 / survival 3.5-3 `survdiff()`: every
//! `logrank` block of 01_aml (rho 0 and 1), 02_lung (sex, ph.ecog, trend),
//! 03_veteran (trt, trt + strata(celltype)) and 04_ovarian (rx); plus
//! invariants (row order, group labels).

mod support;
mod survival_data;

use serde_json::Value;
use support::*;
use survcalc_stats::km::Grouping;
use survcalc_stats::logrank::{
    self, LogrankFit, LogrankInput, LogrankOptions, PAdjust, PairwiseOptions,
};
use survival_data::{factor, permutation, Csv};

struct Spec {
    dataset: &'static str,
    block: &'static str,
    time: &'static str,
    status: &'static str,
    dead: f64,
    group: &'static str,
    strata: Option<&'static str>,
}

const SPECS: [Spec; 8] = [
    Spec {
        dataset: "01_aml",
        block: "by_x_rho0",
        time: "time",
        status: "status",
        dead: 1.0,
        group: "x",
        strata: None,
    },
    Spec {
        dataset: "01_aml",
        block: "by_x_rho1",
        time: "time",
        status: "status",
        dead: 1.0,
        group: "x",
        strata: None,
    },
    Spec {
        dataset: "02_lung",
        block: "by_sex",
        time: "time",
        status: "status",
        dead: 2.0,
        group: "sex",
        strata: None,
    },
    Spec {
        dataset: "02_lung",
        block: "by_ph_ecog",
        time: "time",
        status: "status",
        dead: 2.0,
        group: "ph.ecog",
        strata: None,
    },
    Spec {
        dataset: "03_veteran",
        block: "by_trt",
        time: "time",
        status: "status",
        dead: 1.0,
        group: "trt",
        strata: None,
    },
    Spec {
        dataset: "03_veteran",
        block: "by_trt_strata_celltype",
        time: "time",
        status: "status",
        dead: 1.0,
        group: "trt",
        strata: Some("celltype"),
    },
    Spec {
        dataset: "04_ovarian",
        block: "by_rx",
        time: "futime",
        status: "fustat",
        dead: 1.0,
        group: "rx",
        strata: None,
    },
    // The trend test is derived from the ph.ecog survdiff (see its block).
    Spec {
        dataset: "02_lung",
        block: "trend_ph_ecog",
        time: "time",
        status: "status",
        dead: 2.0,
        group: "ph.ecog",
        strata: None,
    },
];

const BLOCK_KEYS: [&str; 16] = [
    "call",
    "note",
    "n_dropped_missing",
    "rho",
    "groups",
    "n",
    "obs",
    "exp",
    "o_minus_e",
    "o_minus_e_sq_over_e",
    "var",
    "chisq",
    "df",
    "p",
    "strata",
    "scores",
];

struct Data {
    time: Vec<f64>,
    event: Vec<bool>,
    codes: Vec<usize>,
    labels: Vec<String>,
    strata: Option<(Vec<usize>, Vec<String>)>,
    n_dropped: usize,
}

fn load(spec: &Spec) -> Data {
    let all = Csv::load(spec.dataset);
    let mut cols = vec![spec.time, spec.status, spec.group];
    cols.extend(spec.strata);
    let csv = all.complete(&cols);
    let (codes, labels) = factor(&csv.col(spec.group));
    Data {
        time: csv.num(spec.time),
        event: csv
            .num(spec.status)
            .iter()
            .map(|&s| s == spec.dead)
            .collect(),
        codes,
        labels,
        strata: spec.strata.map(|s| factor(&csv.col(s))),
        n_dropped: all.rows.len() - csv.rows.len(),
    }
}

fn input(data: &Data) -> LogrankInput<'_> {
    LogrankInput {
        time: &data.time,
        event: &data.event,
        groups: Grouping {
            codes: &data.codes,
            labels: &data.labels,
        },
        strata: data.strata.as_ref().map(|(c, l)| Grouping {
            codes: c,
            labels: l,
        }),
    }
}

fn check_fit(fit: &LogrankFit, b: &Value, data: &Data, what: &str) {
    for key in b.as_object().unwrap().keys() {
        assert!(
            BLOCK_KEYS.contains(&key.as_str()),
            "{what}: fixture field {key} is not compared"
        );
    }
    if let Some(d) = b.get("n_dropped_missing") {
        assert_eq!(
            num(d),
            Some(data.n_dropped as f64),
            "{what}: rows dropped for missing values"
        );
    }
    assert_eq!(num(&b["rho"]), Some(fit.rho));
    let groups: Vec<String> = b["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap().to_string())
        .collect();
    let ours: Vec<String> = fit
        .groups
        .iter()
        .map(|g| format!("{}={g}", b_group_name(&groups)))
        .collect();
    assert_eq!(ours, groups, "{what}: groups");
    let n: Vec<usize> = f64s(&b["n"]).iter().map(|&x| x as usize).collect();
    assert_eq!(fit.n, n, "{what}: n");
    let cf = CLOSED_FORM_REL;
    let some = |v: &[f64]| v.iter().map(|&x| Some(x)).collect::<Vec<_>>();
    assert_all_close(
        &some(&fit.obs),
        &nums(&b["obs"]),
        cf,
        &format!("{what}: obs"),
    );
    assert_all_close(
        &some(&fit.exp),
        &nums(&b["exp"]),
        cf,
        &format!("{what}: exp"),
    );
    assert_all_close(
        &some(&fit.o_minus_e),
        &nums(&b["o_minus_e"]),
        cf,
        &format!("{what}: o_minus_e"),
    );
    assert_all_close(
        &some(&fit.o_minus_e_sq_over_e),
        &nums(&b["o_minus_e_sq_over_e"]),
        cf,
        &format!("{what}: (O-E)^2/E"),
    );
    let var = matrix(&b["var"]);
    assert_eq!(var.len(), fit.var.len());
    for (i, (got, want)) in fit.var.iter().zip(&var).enumerate() {
        let want: Vec<Option<f64>> = want.iter().map(|&x| Some(x)).collect();
        assert_all_close(&some(got), &want, cf, &format!("{what}: var row {i}"));
    }
    assert_close(
        fit.chisq,
        num(&b["chisq"]).unwrap(),
        cf,
        &format!("{what}: chisq"),
    );
    assert_eq!(num(&b["df"]), Some(fit.df as f64), "{what}: df");
    assert_close(
        fit.p,
        num(&b["p"]).unwrap(),
        STAT_REL,
        &format!("{what}: p"),
    );
}

/// The variable name R puts before "=" in the group labels.
fn b_group_name(groups: &[String]) -> String {
    groups[0].split_once('=').unwrap().0.to_string()
}

fn check_spec(spec: &Spec) {
    let r = reference(spec.dataset);
    let b = &r["logrank"][spec.block];
    let data = load(spec);
    let rho = num(&b["rho"]).unwrap();
    let fit = logrank::fit(&input(&data), &LogrankOptions { rho, gamma: 0.0 }).unwrap();
    check_fit(&fit, b, &data, &format!("{}/{}", spec.dataset, spec.block));
    if spec.strata.is_some() {
        assert_eq!(fit.n_strata, 4);
    }
}

#[test]
fn aml_rho_0_and_1() {
    check_spec(&SPECS[0]);
    check_spec(&SPECS[1]);
}

#[test]
fn lung_by_sex_and_ph_ecog() {
    check_spec(&SPECS[2]);
    check_spec(&SPECS[3]);
}

#[test]
fn veteran_plain_and_stratified() {
    check_spec(&SPECS[4]);
    check_spec(&SPECS[5]);
}

#[test]
fn ovarian_by_rx() {
    check_spec(&SPECS[6]);
}

#[test]
fn lung_trend_over_ph_ecog() {
    let r = reference("02_lung");
    let b = &r["logrank"]["trend_ph_ecog"];
    let data = load(&SPECS[7]);
    let fit = logrank::fit(&input(&data), &LogrankOptions::default()).unwrap();
    let scores = f64s(&b["scores"]);
    let t = logrank::trend(&fit, Some(&scores)).unwrap();
    assert_eq!(t.scores, scores);
    assert_close(t.u, num(&b["U"]).unwrap(), CLOSED_FORM_REL, "U");
    assert_close(t.v, num(&b["V"]).unwrap(), CLOSED_FORM_REL, "V");
    assert_close(t.chisq, num(&b["chisq"]).unwrap(), CLOSED_FORM_REL, "chisq");
    assert_eq!(num(&b["df"]), Some(t.df as f64));
    assert_close(t.p, num(&b["p"]).unwrap(), STAT_REL, "p");
    // Equal to the score test of coxph(ties = "exact"), as the fixture notes.
    assert_close(
        t.chisq,
        num(&b["coxph_exact_score_test"]).unwrap(),
        STAT_REL,
        "Cox exact score test",
    );
    // Default scores 1..k are a shift of 0..k-1: same test.
    let d = logrank::trend(&fit, None).unwrap();
    assert_close(d.chisq, t.chisq, CLOSED_FORM_REL, "default scores");
    for key in b.as_object().unwrap().keys() {
        assert!(
            [
                "call",
                "note",
                "scores",
                "U",
                "V",
                "chisq",
                "df",
                "p",
                "coxph_exact_score_test"
            ]
            .contains(&key.as_str()),
            "trend: fixture field {key} is not compared"
        );
    }
}

#[test]
fn every_logrank_block_is_covered() {
    for dataset in ["01_aml", "02_lung", "03_veteran", "04_ovarian"] {
        let r = reference(dataset);
        for block in r["logrank"].as_object().unwrap().keys() {
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
fn shuffled_rows_give_the_same_test() {
    for spec in [&SPECS[3], &SPECS[5], &SPECS[1]] {
        let data = load(spec);
        let rho = if spec.block.ends_with("rho1") {
            1.0
        } else {
            0.0
        };
        let opts = LogrankOptions { rho, gamma: 0.0 };
        let a = logrank::fit(&input(&data), &opts).unwrap();
        let p = permutation(data.time.len(), 11);
        let shuffled = Data {
            time: p.iter().map(|&i| data.time[i]).collect(),
            event: p.iter().map(|&i| data.event[i]).collect(),
            codes: p.iter().map(|&i| data.codes[i]).collect(),
            labels: data.labels.clone(),
            strata: data
                .strata
                .as_ref()
                .map(|(c, l)| (p.iter().map(|&i| c[i]).collect(), l.clone())),
            n_dropped: 0,
        };
        let b = logrank::fit(&input(&shuffled), &opts).unwrap();
        assert_close(b.chisq, a.chisq, CLOSED_FORM_REL, "chisq after shuffling");
        assert_eq!(a.n, b.n);
        for g in 0..a.exp.len() {
            assert_close(b.exp[g], a.exp[g], CLOSED_FORM_REL, "exp after shuffling");
        }
    }
}

#[test]
fn relabelled_groups_permute_but_keep_chisq() {
    let data = load(&SPECS[3]);
    let a = logrank::fit(&input(&data), &LogrankOptions::default()).unwrap();
    // Reverse the level order: group g becomes k-1-g.
    let k = data.labels.len();
    let relabelled = Data {
        time: data.time.clone(),
        event: data.event.clone(),
        codes: data.codes.iter().map(|&c| k - 1 - c).collect(),
        labels: data.labels.iter().rev().cloned().collect(),
        strata: None,
        n_dropped: 0,
    };
    let b = logrank::fit(&input(&relabelled), &LogrankOptions::default()).unwrap();
    assert_close(b.chisq, a.chisq, 1e-9, "chisq after relabelling");
    assert_eq!(b.df, a.df);
    for g in 0..k {
        assert_eq!(b.groups[k - 1 - g], a.groups[g]);
        assert_close(b.exp[k - 1 - g], a.exp[g], CLOSED_FORM_REL, "exp");
    }
    // Trend reverses sign of U but keeps chisq.
    let ta = logrank::trend(&a, None).unwrap();
    let tb = logrank::trend(&b, None).unwrap();
    assert_close(tb.u, -ta.u, CLOSED_FORM_REL, "U");
    assert_close(tb.chisq, ta.chisq, CLOSED_FORM_REL, "trend chisq");
}

#[test]
fn lung_pairwise_by_ph_ecog() {
    let data = load(&SPECS[3]);
    for adjust in [PAdjust::Holm, PAdjust::Bh] {
        let pw = logrank::pairwise(
            &input(&data),
            &PairwiseOptions {
                p_adjust: adjust,
                ..PairwiseOptions::default()
            },
        )
        .unwrap();
        assert_eq!(pw.comparisons.len(), 6);
        let raw: Vec<Option<f64>> = pw.comparisons.iter().map(|c| c.p).collect();
        for (c, adj) in pw.comparisons.iter().zip(logrank::p_adjust(&raw, adjust)) {
            assert_eq!(c.p_adjusted, adj);
            assert!(c.p_adjusted.unwrap() >= c.p.unwrap());
        }
    }
    // The sex pair in lung equals the two-group fixture (one pair, no adjustment effect).
    let r = reference("02_lung");
    let sex = load(&SPECS[2]);
    let pw = logrank::pairwise(&input(&sex), &PairwiseOptions::default()).unwrap();
    assert_close(
        pw.comparisons[0].chisq.unwrap(),
        num(&r["logrank"]["by_sex"]["chisq"]).unwrap(),
        CLOSED_FORM_REL,
        "pair chisq",
    );
    assert_close(
        pw.comparisons[0].p_adjusted.unwrap(),
        num(&r["logrank"]["by_sex"]["p"]).unwrap(),
        STAT_REL,
        "pair p",
    );
}
