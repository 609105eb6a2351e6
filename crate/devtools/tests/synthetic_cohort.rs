//! The synthetic teaching cohort: the default SITC classification reproduces
//! the flow chart of Cui et al. 2025 exactly, its Table 1 counts hold, the
//! outcome medians are near the paper's, generation is deterministic and the
//! committed CSV is exactly a fresh generation.

// One copy of the fixtures loader and the tolerances, shared by every crate's tests.
#[path = "../../stats/tests/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::path::PathBuf;

use survcalc_analysis::dates::{Date, DAYS_PER_MONTH};
use survcalc_analysis::endpoints::{derive, Endpoint, EndpointOptions, EndpointTimes};
use survcalc_analysis::resistance::{
    classify, BestResponse, ClassificationNotes, ExclusionReason, Group, ResistanceOptions,
    ResponseRecord,
};
use survcalc_devtools::synthetic::{
    generate, SyntheticCohort, SyntheticOptions, COLUMNS, DEFAULT_SEED,
};

fn cohort() -> SyntheticCohort {
    generate(&SyntheticOptions::default())
}

fn committed_csv_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../www/examples/synthetic_hcc_cohort.csv")
}

/// Kaplan–Meier median in the endpoint's unit: the first time S(t) <= 0.5
/// (R's rule up to the averaging on a flat 0.5, irrelevant at these
/// tolerances); `None` when the curve stays above 0.5.
fn km_median(times: &[f64], events: &[bool]) -> Option<f64> {
    let mut order: Vec<usize> = (0..times.len()).collect();
    order.sort_by(|&a, &b| times[a].total_cmp(&times[b]));
    let mut at_risk = times.len() as f64;
    let mut survival = 1.0;
    let mut i = 0;
    while i < order.len() {
        let t = times[order[i]];
        let (mut deaths, mut leaving) = (0.0, 0.0);
        while i < order.len() && times[order[i]] == t {
            deaths += f64::from(u8::from(events[order[i]]));
            leaving += 1.0;
            i += 1;
        }
        survival *= 1.0 - deaths / at_risk;
        at_risk -= leaving;
        if survival <= 0.5 {
            return Some(t);
        }
    }
    None
}

fn median_by_group(endpoint: &EndpointTimes, groups: &[Group], group: Group) -> Option<f64> {
    let (mut t, mut e) = (Vec::new(), Vec::new());
    for (k, &row) in endpoint.rows.iter().enumerate() {
        if groups[row] == group {
            t.push(endpoint.time[k]);
            e.push(endpoint.event[k]);
        }
    }
    km_median(&t, &e)
}

#[test]
fn default_classification_reproduces_the_flow_chart_exactly() {
    let cohort = cohort();
    let result = classify(&cohort.response_records(), &ResistanceOptions::default()).unwrap();
    let flow = &result.flow;
    assert_eq!(flow.screened, 601);
    assert_eq!(
        flow.unclassifiable,
        0,
        "{:?}",
        result
            .patients
            .iter()
            .find(|p| !p.group.is_analysed() && matches!(p.group, Group::Unclassifiable(_)))
    );
    assert_eq!(flow.excluded, 105);
    let excluded: Vec<(ExclusionReason, usize)> = flow
        .excluded_by_reason
        .iter()
        .map(|c| (c.reason, c.count))
        .collect();
    assert_eq!(
        excluded,
        vec![
            (ExclusionReason::ResponseUnevaluable, 58),
            (ExclusionReason::LateFirstEvaluation, 12),
            (ExclusionReason::ShortFollowUpWithoutProgression, 26),
            (ExclusionReason::DiscontinuedWithoutProgression, 9),
        ]
    );
    assert_eq!(flow.analysed, 496);
    assert_eq!(
        (
            flow.primary_resistance,
            flow.secondary_resistance,
            flow.durable_response
        ),
        (229, 141, 126)
    );
    assert_eq!(result.notes, ClassificationNotes::default());
    // Patient by patient, the classifier finds the category the generator built.
    for (p, c) in cohort.patients.iter().zip(&result.patients) {
        assert_eq!(
            c.group,
            p.design_group.expected_group(),
            "{}: {}",
            p.patient_id,
            c.reason
        );
    }
}

#[test]
fn flow_counts_hold_for_other_seeds() {
    for seed in [1, 2, 3, 99, 123_456_789] {
        let cohort = generate(&SyntheticOptions { seed });
        let result = classify(&cohort.response_records(), &ResistanceOptions::default()).unwrap();
        for (p, c) in cohort.patients.iter().zip(&result.patients) {
            assert_eq!(
                c.group,
                p.design_group.expected_group(),
                "seed {seed}, {}: {}",
                p.patient_id,
                c.reason
            );
        }
        let f = &result.flow;
        assert_eq!(
            (f.screened, f.excluded, f.analysed),
            (601, 105, 496),
            "seed {seed}"
        );
        assert_eq!(
            (
                f.primary_resistance,
                f.secondary_resistance,
                f.durable_response
            ),
            (229, 141, 126)
        );
    }
}

#[test]
fn generation_is_deterministic() {
    let a = cohort();
    let b = generate(&SyntheticOptions { seed: DEFAULT_SEED });
    assert_eq!(a, b);
    assert_eq!(a.to_csv(), b.to_csv());
    let other = generate(&SyntheticOptions {
        seed: DEFAULT_SEED + 1,
    });
    assert_ne!(a.to_csv(), other.to_csv());
}

#[test]
fn committed_csv_is_a_fresh_generation() {
    let committed = std::fs::read_to_string(committed_csv_path()).expect(
        "www/examples/synthetic_hcc_cohort.csv (run the generate_synthetic_cohort example)",
    );
    let fresh = cohort().to_csv();
    assert!(
        committed == fresh,
        "the committed synthetic cohort differs from a fresh generation; regenerate it with \
         `cargo run -p survcalc-devtools --example generate_synthetic_cohort`"
    );
}

/// Reads the committed CSV back with a tiny parser (no quoting is needed:
/// no cell has a comma) and classifies it: the file itself gives the counts.
#[test]
fn committed_csv_classifies_to_the_flow_chart() {
    let text = std::fs::read_to_string(committed_csv_path()).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header, COLUMNS.to_vec());
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let date = |cell: &str| -> Option<Date> {
        if cell.is_empty() {
            return None;
        }
        let parts: Vec<&str> = cell.split('-').collect();
        Date::from_ymd(
            parts[0].parse().unwrap(),
            parts[1].parse().unwrap(),
            parts[2].parse().unwrap(),
        )
    };
    let mut records = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), header.len(), "{line}");
        assert!(cells[col("patient_id")].starts_with("SYN-"));
        assert_eq!(cells[col("synthetic")], "yes");
        records.push(ResponseRecord {
            patient_id: Some(cells[col("patient_id")].to_string()),
            best_response: BestResponse::parse(cells[col("best_overall_response")]).unwrap(),
            first_evaluation: date(cells[col("first_evaluation_date")]),
            progression: date(cells[col("progression_date")]),
            confirmation_scan: date(cells[col("pd_confirmation_date")]),
            rapid_deterioration: match cells[col("rapid_deterioration")] {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            drug_stop: date(cells[col("ici_stop_date")]),
            last_contact: date(cells[col("last_contact_date")]),
            death: date(cells[col("death_date")]),
            data_cutoff: date(cells[col("data_cutoff_date")]),
            ..ResponseRecord::new(date(cells[col("ici_start_date")]))
        });
    }
    assert_eq!(records.len(), 601);
    let flow = classify(&records, &ResistanceOptions::default())
        .unwrap()
        .flow;
    let excluded: Vec<usize> = flow.excluded_by_reason.iter().map(|c| c.count).collect();
    assert_eq!(excluded, vec![58, 12, 26, 9]);
    assert_eq!(
        (
            flow.primary_resistance,
            flow.secondary_resistance,
            flow.durable_response
        ),
        (229, 141, 126)
    );
}

#[test]
fn table1_counts_of_the_analysed_groups() {
    let cohort = cohort();
    let groups: Vec<Group> = cohort
        .patients
        .iter()
        .map(|p| p.design_group.expected_group())
        .collect();
    let count =
        |group: Group, f: &dyn Fn(&survcalc_devtools::synthetic::SyntheticPatient) -> bool| {
            cohort
                .patients
                .iter()
                .zip(&groups)
                .filter(|(p, g)| **g == group && f(p))
                .count()
        };
    let [p, s, d] = [
        Group::PrimaryResistance,
        Group::SecondaryResistance,
        Group::DurableResponse,
    ];
    let all = |f: &dyn Fn(&survcalc_devtools::synthetic::SyntheticPatient) -> bool| {
        [count(p, f), count(s, f), count(d, f)]
    };
    assert_eq!(all(&|x| x.age >= 60), [48, 42, 24]);
    assert_eq!(all(&|x| x.male), [201, 121, 108]);
    assert_eq!(all(&|x| x.hbv), [220, 132, 117]);
    assert_eq!(all(&|x| x.hbsag), [216, 123, 110]);
    assert_eq!(all(&|x| x.child_pugh_b), [29, 6, 5]);
    assert_eq!(all(&|x| x.ecog == 1), [77, 48, 31]);
    assert_eq!(all(&|x| x.bclc == "A"), [15, 20, 27]);
    assert_eq!(all(&|x| x.bclc == "C"), [149, 82, 74]);
    assert_eq!(all(&|x| x.macrovascular_invasion), [108, 53, 53]);
    assert_eq!(all(&|x| x.extrahepatic_spread), [76, 47, 29]);
    assert_eq!(all(&|x| x.afp.is_some_and(|v| v >= 400.0)), [112, 46, 57]);
    assert_eq!(all(&|x| x.afp.is_none()), [0, 0, 4]);
    assert_eq!(all(&|x| x.dcp.is_some_and(|v| v >= 400.0)), [156, 74, 74]);
    assert_eq!(all(&|x| x.dcp.is_none()), [1, 1, 6]);
    assert_eq!(all(&|x| x.first_line), [190, 119, 110]);
    assert_eq!(all(&|x| x.treatment_naive), [96, 59, 81]);
    assert_eq!(all(&|x| x.lrt), [169, 110, 111]);
    assert_eq!(all(&|x| x.prior_surgery), [88, 55, 32]);
    assert_eq!(all(&|x| x.prior_lrt), [118, 71, 40]);
    assert_eq!(all(&|x| x.prior_tki), [38, 20, 16]);
    assert_eq!(all(&|x| x.trae_any), [70, 66, 58]);
    assert_eq!(
        all(&|x| x.best_response == Some(BestResponse::Pd)),
        [187, 0, 0]
    );
    assert_eq!(
        all(&|x| x.best_response == Some(BestResponse::Pr)),
        [7, 34, 58]
    );
    assert_eq!(
        all(&|x| x.combination.label() == "ICI+bevacizumab"),
        [4, 2, 16]
    );
    assert_eq!(all(&|x| x.combination.label() == "ICI alone"), [56, 22, 13]);
    // Clinical links: BCLC C iff MVI or EHS; naive patients have no prior therapy.
    for x in &cohort.patients {
        let invasive = x.macrovascular_invasion || x.extrahepatic_spread;
        if x.design_group.expected_group().is_analysed() {
            assert_eq!(x.bclc == "C", invasive, "{}", x.patient_id);
        } else if invasive {
            assert_eq!(x.bclc, "C", "{}", x.patient_id);
        }
        if x.treatment_naive {
            assert!(
                !x.prior_surgery && !x.prior_lrt && !x.prior_tki && x.first_line,
                "{}",
                x.patient_id
            );
        }
        if x.hbsag {
            assert!(x.hbv, "{}", x.patient_id);
        }
    }
}

#[test]
fn outcome_medians_are_near_the_paper() {
    let cohort = cohort();
    let groups: Vec<Group> = cohort
        .patients
        .iter()
        .map(|p| p.design_group.expected_group())
        .collect();
    let dates = cohort.patient_dates();
    let options = EndpointOptions::default();
    let ttp = derive(&dates, Endpoint::Ttp, &options).unwrap();
    let os = derive(&dates, Endpoint::Os, &options).unwrap();
    let pps = derive(&dates, Endpoint::Pps, &options).unwrap();
    for e in [&ttp, &os, &pps] {
        assert!(e.problems.is_empty(), "{:?}", e.problems);
    }
    let [p, s, d] = [
        Group::PrimaryResistance,
        Group::SecondaryResistance,
        Group::DurableResponse,
    ];
    let m = |e: &EndpointTimes, g: Group| median_by_group(e, &groups, g);
    let report = format!(
        "TTP {:?} {:?} {:?}; OS {:?} {:?} {:?}; PPS {:?} {:?}",
        m(&ttp, p),
        m(&ttp, s),
        m(&ttp, d),
        m(&os, p),
        m(&os, s),
        m(&os, d),
        m(&pps, p),
        m(&pps, s)
    );
    println!("{report}");
    let near = |x: Option<f64>, target: f64, tol: f64| x.is_some_and(|v| (v - target).abs() <= tol);
    // Paper: TTP 2.83, 11.93, not reached; OS 12.83, 31.53, not reached;
    // PPS 9.2 and 19.2 months.
    assert!(near(m(&ttp, p), 2.83, 0.4), "{report}");
    assert!(near(m(&ttp, s), 11.93, 1.5), "{report}");
    assert_eq!(m(&ttp, d), None, "{report}");
    assert!(near(m(&os, p), 12.83, 2.0), "{report}");
    assert!(near(m(&os, s), 31.53, 4.0), "{report}");
    assert_eq!(m(&os, d), None, "{report}");
    assert!(near(m(&pps, p), 9.2, 2.0), "{report}");
    assert!(near(m(&pps, s), 19.2, 6.0), "{report}");

    // Not everyone dies; some in every analysed group do.
    let deaths = |g: Group| {
        cohort
            .patients
            .iter()
            .zip(&groups)
            .filter(|(x, gg)| **gg == g && x.death.is_some())
            .count()
    };
    let (dp, ds, dd) = (deaths(p), deaths(s), deaths(d));
    assert!(dp > 100 && dp < 229, "primary deaths {dp}");
    assert!(ds > 30 && ds < 141, "secondary deaths {ds}");
    assert!(dd > 0 && dd < 30, "durable deaths {dd}");
}

#[test]
fn dates_are_in_the_paper_windows_and_missing_values_exist() {
    let cohort = cohort();
    let first = Date::from_ymd(2016, 1, 1).unwrap();
    let last = Date::from_ymd(2021, 12, 31).unwrap();
    let cutoff = Date::from_ymd(2022, 10, 31).unwrap();
    let mut by_year: HashMap<i32, usize> = HashMap::new();
    for p in &cohort.patients {
        assert!(
            p.ici_start >= first && p.ici_start <= last,
            "{}",
            p.patient_id
        );
        assert!(
            p.last_contact <= cutoff && p.data_cutoff == cutoff,
            "{}",
            p.patient_id
        );
        *by_year.entry(p.ici_start.ymd().0).or_default() += 1;
    }
    assert!(by_year.len() >= 5, "{by_year:?}");
    let csv = cohort.to_csv();
    assert!(
        csv.lines().skip(1).any(|l| l.contains(",,")),
        "some cells are empty"
    );
    // Median follow-up (reverse Kaplan–Meier of OS) in the paper: 22.8 months.
    let os = derive(
        &cohort.patient_dates(),
        Endpoint::Os,
        &EndpointOptions::default(),
    )
    .unwrap();
    let groups: Vec<bool> = cohort
        .patients
        .iter()
        .map(|p| p.design_group.expected_group().is_analysed())
        .collect();
    let (mut t, mut e) = (Vec::new(), Vec::new());
    for (k, &row) in os.rows.iter().enumerate() {
        if groups[row] {
            t.push(os.time[k]);
            e.push(!os.event[k]);
        }
    }
    let follow_up = km_median(&t, &e).unwrap();
    println!(
        "median follow-up {follow_up:.1} months ({:.0} days)",
        follow_up * DAYS_PER_MONTH
    );
    assert!(
        (follow_up - 22.8).abs() < 6.0,
        "median follow-up {follow_up}"
    );
}
