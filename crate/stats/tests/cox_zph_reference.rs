//! cox.zph (survival 3.x exact score test) against R 4.2.2 / survival 3.5-3
//! (reference.json section `cox_zph`; each block's `call` names the R call),
//! plus invariants.

mod cox_fixtures;
mod support;

use cox_fixtures::*;
use serde_json::Value;
use support::*;
use survcalc_stats::cox::{
    cox_zph, fit, split_at_cuts, CoxData, CoxOptions, ModelTerm, Ties, ZphOptions, ZphResult,
    ZphTransform,
};

fn check_zph(z: &ZphResult, r: &Value) {
    let call = r["call"].as_str().unwrap();
    let terms = names(&r["terms"]);
    let chisq = nums(&r["chisq"]);
    let df = nums(&r["df"]);
    let p = nums(&r["p"]);
    assert_eq!(z.terms.len() + 1, terms.len(), "{call}: rows");
    let rows = z.terms.iter().chain(std::iter::once(&z.global));
    for (k, row) in rows.enumerate() {
        assert_eq!(row.term, terms[k], "{call}: term {k}");
        assert_eq!(row.df as f64, df[k].unwrap(), "{call}: df of {}", row.term);
        assert_close(
            row.chisq,
            chisq[k].unwrap(),
            STAT_REL,
            &format!("{call}: chisq of {}", row.term),
        );
        assert_close(
            row.p,
            p[k].unwrap(),
            STAT_REL,
            &format!("{call}: p of {}", row.term),
        );
    }
}

fn transform_of(r: &Value) -> ZphTransform {
    match r["transform"].as_str().unwrap_or("km") {
        "identity" => ZphTransform::Identity,
        "km" => ZphTransform::Km,
        other => panic!("transform {other}"),
    }
}

fn lung_data() -> CoxData {
    let csv = Csv::read("02_lung", "data.csv");
    let rows = csv.complete(&["time", "event", "age", "sex", "ph.ecog"]);
    right_censored(&csv, &rows, "time", "event", &["age", "sex", "ph.ecog"])
}

#[test]
fn lung_zph_blocks() {
    // cox.zph(fit_efron | fit_breslow, transform = 'km' | 'identity')
    let r = reference("02_lung");
    let data = lung_data();
    for id in [
        "efron_km",
        "efron_identity",
        "breslow_km",
        "breslow_identity",
    ] {
        let block = &r["cox_zph"][id];
        let ties = if id.starts_with("breslow") {
            Ties::Breslow
        } else {
            Ties::Efron
        };
        let f = fit(
            &data,
            &CoxOptions {
                ties,
                ..CoxOptions::default()
            },
        )
        .unwrap();
        let z = cox_zph(
            &data,
            &f,
            &[],
            &ZphOptions {
                transform: transform_of(block),
            },
        )
        .unwrap();
        check_zph(&z, block);
    }
}

fn veteran_data() -> CoxData {
    let csv = Csv::read("03_veteran", "data.csv");
    let rows: Vec<usize> = (0..csv.rows.len()).collect();
    let (cell, cell_names) = dummies(
        &csv.text("celltype"),
        &["squamous", "smallcell", "adeno", "large"],
        "celltype",
    );
    let mut covariates = vec![csv.col("trt", &rows)];
    covariates.extend(cell);
    let mut term_names = vec!["trt".to_string()];
    term_names.extend(cell_names);
    for c in ["karno", "diagtime", "age", "prior"] {
        covariates.push(csv.col(c, &rows));
        term_names.push(c.to_string());
    }
    CoxData::right_censored(
        csv.col("time", &rows),
        csv.col("status", &rows).iter().map(|&s| s == 1.0).collect(),
        covariates,
        term_names,
    )
}

fn veteran_terms() -> Vec<ModelTerm> {
    let t = |name: &str, columns: &[usize]| ModelTerm {
        name: name.to_string(),
        columns: columns.to_vec(),
    };
    vec![
        t("trt", &[0]),
        t("celltype", &[1, 2, 3]),
        t("karno", &[4]),
        t("diagtime", &[5]),
        t("age", &[6]),
        t("prior", &[7]),
    ]
}

#[test]
fn veteran_zph_blocks() {
    // cox.zph(fit_efron, transform = 'km' | 'identity'), celltype as one 3-df term;
    // cox.zph(fit_efron, transform = 'km', terms = FALSE) per coefficient.
    let r = reference("03_veteran");
    let data = veteran_data();
    let f = fit(&data, &CoxOptions::default()).unwrap();
    for id in ["efron_km", "efron_identity"] {
        let block = &r["cox_zph"][id];
        let z = cox_zph(
            &data,
            &f,
            &veteran_terms(),
            &ZphOptions {
                transform: transform_of(block),
            },
        )
        .unwrap();
        check_zph(&z, block);
    }
    let z = cox_zph(&data, &f, &[], &ZphOptions::default()).unwrap();
    check_zph(&z, &r["cox_zph"]["efron_km_per_coefficient"]);
}

#[test]
fn rank_transform_is_identity_on_ranked_times() {
    // The Cox fit depends on the times only through their order, so the rank
    // transform equals the identity transform applied to data whose times
    // are replaced by their (average) ranks.
    let data = lung_data();
    let n = data.n();
    let mut ranked = data.clone();
    for i in 0..n {
        let below = data.stop.iter().filter(|&&t| t < data.stop[i]).count();
        let ties = data.stop.iter().filter(|&&t| t == data.stop[i]).count();
        ranked.stop[i] = below as f64 + (ties as f64 + 1.0) / 2.0;
    }
    let f = fit(&data, &CoxOptions::default()).unwrap();
    let fr = fit(&ranked, &CoxOptions::default()).unwrap();
    assert_all_close(&fr.coef, &f.coef, 1e-12, "fit on ranked times");
    let a = cox_zph(
        &data,
        &f,
        &[],
        &ZphOptions {
            transform: ZphTransform::Rank,
        },
    )
    .unwrap();
    let b = cox_zph(
        &ranked,
        &fr,
        &[],
        &ZphOptions {
            transform: ZphTransform::Identity,
        },
    )
    .unwrap();
    for (x, y) in a
        .terms
        .iter()
        .chain([&a.global])
        .zip(b.terms.iter().chain([&b.global]))
    {
        assert_close(x.chisq, y.chisq, 1e-9, &format!("rank chisq {}", x.term));
    }
    // And the identity transform differs from it (the test can fail).
    let c = cox_zph(
        &data,
        &f,
        &[],
        &ZphOptions {
            transform: ZphTransform::Identity,
        },
    )
    .unwrap();
    assert!((c.global.chisq - a.global.chisq).abs() > 1e-3);
}

#[test]
fn counting_process_split_data_give_the_same_test() {
    // survSplit rows with time-fixed covariates have the same risk sets, so
    // both the fit and the PH test (km and identity) equal the unsplit ones.
    let data = veteran_data();
    let split = split_at_cuts(None, &data.stop, &data.event, &[90.0, 180.0]).unwrap();
    let cp = CoxData::counting_process(
        split.start.clone(),
        split.stop.clone(),
        split.event.clone(),
        data.covariates
            .iter()
            .map(|c| split.row.iter().map(|&i| c[i]).collect())
            .collect(),
        data.term_names.clone(),
    );
    let f = fit(&data, &CoxOptions::default()).unwrap();
    let fc = fit(&cp, &CoxOptions::default()).unwrap();
    assert_all_close(&fc.coef, &f.coef, 1e-9, "split fit");
    // (Not the rank transform: ranks are over rows, which splitting changes.)
    for transform in [ZphTransform::Km, ZphTransform::Identity] {
        let a = cox_zph(&data, &f, &veteran_terms(), &ZphOptions { transform }).unwrap();
        let b = cox_zph(&cp, &fc, &veteran_terms(), &ZphOptions { transform }).unwrap();
        for (x, y) in a
            .terms
            .iter()
            .chain([&a.global])
            .zip(b.terms.iter().chain([&b.global]))
        {
            assert_close(
                y.chisq,
                x.chisq,
                1e-7,
                &format!("{transform:?} chisq {}", x.term),
            );
        }
    }
}

#[test]
fn shuffled_rows_and_relabelled_strata_give_the_same_test() {
    let data = lung_data();
    let f = fit(&data, &CoxOptions::default()).unwrap();
    let base = cox_zph(&data, &f, &[], &ZphOptions::default()).unwrap();
    let n = data.n();
    let perm: Vec<usize> = (0..n).map(|i| (i * 37 + 11) % n).collect();
    let mut sh = data.clone();
    sh.stop = perm.iter().map(|&i| data.stop[i]).collect();
    sh.event = perm.iter().map(|&i| data.event[i]).collect();
    sh.covariates = data
        .covariates
        .iter()
        .map(|c| perm.iter().map(|&i| c[i]).collect())
        .collect();
    let fs = fit(&sh, &CoxOptions::default()).unwrap();
    let z = cox_zph(&sh, &fs, &[], &ZphOptions::default()).unwrap();
    assert_close(z.global.chisq, base.global.chisq, 1e-9, "shuffled global");

    // Stratified model (ovarian, strata(resid.ds)): relabelling the strata.
    let csv = Csv::read("04_ovarian", "data.csv");
    let rows: Vec<usize> = (0..csv.rows.len()).collect();
    let mut ov = right_censored(&csv, &rows, "futime", "fustat", &["rx", "age"]);
    ov.strata = Some(
        csv.col("resid.ds", &rows)
            .iter()
            .map(|&v| v as u32)
            .collect(),
    );
    let f = fit(&ov, &CoxOptions::default()).unwrap();
    let a = cox_zph(&ov, &f, &[], &ZphOptions::default()).unwrap();
    let mut relabelled = ov.clone();
    relabelled.strata = Some(
        ov.strata
            .as_ref()
            .unwrap()
            .iter()
            .map(|&s| 50 - s)
            .collect(),
    );
    let fr = fit(&relabelled, &CoxOptions::default()).unwrap();
    let b = cox_zph(&relabelled, &fr, &[], &ZphOptions::default()).unwrap();
    for (x, y) in a
        .terms
        .iter()
        .chain([&a.global])
        .zip(b.terms.iter().chain([&b.global]))
    {
        assert_close(
            y.chisq,
            x.chisq,
            1e-10,
            &format!("relabelled strata chisq {}", x.term),
        );
    }
}
