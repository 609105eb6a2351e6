//! k-sample tests against R 4.2.2 (`kruskal.test`, `summary(aov())`,
//! `oneway.test`) on survival::colon (etype 2): tests/reference/08_colon_baseline;
//! closed-form cases and invariants for the rest.

mod support;

use support::*;
use survcalc_stats::ksample::{
    fit, kruskal_wallis, oneway_anova, summarize, welch_anova, welch_t_test, wilcoxon_rank_sum,
    GroupedValues, KSampleError, KSampleOptions, TTestOptions, WilcoxonOptions,
};
use survcalc_stats::warning::{KSampleTest, KernelWarning};

const DATASET: &str = "08_colon_baseline";

/// A numeric column of data.csv (NA -> None) and rx as codes 0..3 with
/// R's level order Obs, Lev, Lev+5FU.
fn colon(column: &str) -> (Vec<Option<f64>>, Vec<Option<usize>>, Vec<String>) {
    let text = data_file(DATASET, "data.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let jv = header.iter().position(|h| *h == column).unwrap();
    let jg = header.iter().position(|h| *h == "rx_code").unwrap();
    let mut values = Vec::new();
    let mut groups = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        values.push(if f[jv] == "NA" {
            None
        } else {
            Some(f[jv].parse().unwrap())
        });
        groups.push(Some(f[jg].parse::<usize>().unwrap() - 1));
    }
    (
        values,
        groups,
        vec!["Obs".into(), "Lev".into(), "Lev+5FU".into()],
    )
}

fn labels(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn colon_kruskal_anova_welch_match_r() {
    let r = reference(DATASET);
    for column in ["age", "nodes"] {
        let block = &r["tests"][format!("{column}_by_rx")];
        assert!(block["call"]
            .as_str()
            .unwrap()
            .contains(&format!("kruskal.test({column} ~ rx")));
        let (values, groups, labels) = colon(column);
        let input = GroupedValues {
            values: &values,
            groups: &groups,
            labels: &labels,
        };

        let kw = kruskal_wallis(&input).unwrap();
        let want = &block["kruskal"];
        assert_close(
            kw.statistic,
            num(&want["stat"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{column} KW"),
        );
        assert_eq!(kw.df as f64, num(&want["df"]).unwrap());
        assert_close(
            kw.p,
            num(&want["p"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{column} KW p"),
        );
        assert_eq!(kw.n as f64, num(&block["n"]).unwrap());

        let aov = oneway_anova(&input).unwrap();
        let want = &block["anova"];
        assert_close(
            aov.f_value,
            num(&want["F"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{column} F"),
        );
        assert_eq!(aov.df1 as f64, num(&want["df1"]).unwrap());
        assert_eq!(aov.df2 as f64, num(&want["df2"]).unwrap());
        assert_close(
            aov.p,
            num(&want["p"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{column} F p"),
        );
        assert_close(
            aov.ss_between,
            num(&want["ss_between"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{column} SSB"),
        );
        assert_close(
            aov.ss_within,
            num(&want["ss_within"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{column} SSW"),
        );

        let welch = welch_anova(&input).unwrap();
        let want = &block["welch"];
        assert_close(
            welch.f_value,
            num(&want["F"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{column} Welch F"),
        );
        assert_close(
            welch.df1,
            num(&want["df1"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{column} Welch df1"),
        );
        assert_close(
            welch.df2,
            num(&want["df2"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{column} Welch df2"),
        );
        assert_close(
            welch.p,
            num(&want["p"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{column} Welch p"),
        );

        let summaries = summarize(&input).unwrap();
        let means = f64s(&block["group_means"]);
        let sds = f64s(&block["group_sd"]);
        let ns = f64s(&block["group_n"]);
        for (g, s) in summaries.iter().enumerate() {
            assert_eq!(s.n as f64, ns[g]);
            assert_close(
                s.mean.unwrap(),
                means[g],
                CLOSED_FORM_REL,
                &format!("{column} mean[{g}]"),
            );
            assert_close(
                s.sd.unwrap(),
                sds[g],
                CLOSED_FORM_REL,
                &format!("{column} sd[{g}]"),
            );
        }

        let all = fit(&input, &KSampleOptions::default()).unwrap();
        assert_eq!(all.n as f64, num(&block["n"]).unwrap());
        assert_eq!(all.n_missing as f64, num(&block["n_missing"]).unwrap());
        assert_eq!(
            all.groups.iter().map(|g| g.n_missing).sum::<usize>() as f64,
            num(&block["n_missing"]).unwrap()
        );
        assert!(all.kruskal.is_some() && all.anova.is_some() && all.welch.is_some());
        // Three groups: no two-sample tests.
        assert!(all.wilcoxon.is_none() && all.welch_t.is_none());
    }
}

/// Shuffling patients and relabelling groups change nothing.
#[test]
fn invariant_under_row_order_and_group_labels() {
    let (values, groups, names) = colon("nodes");
    let input = GroupedValues {
        values: &values,
        groups: &groups,
        labels: &names,
    };
    let kw = kruskal_wallis(&input).unwrap();
    let aov = oneway_anova(&input).unwrap();
    let welch = welch_anova(&input).unwrap();
    // Deterministic shuffle (stride walk) and a permutation of the labels.
    let n = values.len();
    let order: Vec<usize> = (0..n).map(|i| (i * 389) % n).collect();
    let perm = [2usize, 0, 1];
    let v2: Vec<Option<f64>> = order.iter().map(|&i| values[i]).collect();
    let g2: Vec<Option<usize>> = order.iter().map(|&i| groups[i].map(|g| perm[g])).collect();
    let mut l2 = names.clone();
    for (g, &p) in perm.iter().enumerate() {
        l2[p] = names[g].clone();
    }
    let shuffled = GroupedValues {
        values: &v2,
        groups: &g2,
        labels: &l2,
    };
    assert_close(
        kruskal_wallis(&shuffled).unwrap().statistic,
        kw.statistic,
        1e-12,
        "KW",
    );
    assert_close(
        oneway_anova(&shuffled).unwrap().f_value,
        aov.f_value,
        1e-12,
        "F",
    );
    assert_close(
        welch_anova(&shuffled).unwrap().f_value,
        welch.f_value,
        1e-12,
        "Welch F",
    );
    let s = summarize(&shuffled).unwrap();
    assert_eq!(s[perm[0]].label, "Obs");
    assert_eq!(s[perm[0]].n, summarize(&input).unwrap()[0].n);
}

/// Hand-solvable groups {1,2,3} and {4,5,6}.
#[test]
fn closed_form_two_groups() {
    let values: Vec<Option<f64>> = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
        .iter()
        .map(|&x| Some(x))
        .collect();
    let groups: Vec<Option<usize>> = vec![Some(0), Some(0), Some(0), Some(1), Some(1), Some(1)];
    let names = labels(&["a", "b"]);
    let input = GroupedValues {
        values: &values,
        groups: &groups,
        labels: &names,
    };
    // ANOVA: means 2 and 5 around 3.5: SSB = 6 · 1.5² = 13.5, SSW = 2 + 2.
    let aov = oneway_anova(&input).unwrap();
    assert_close(aov.ss_between, 13.5, CLOSED_FORM_REL, "SSB");
    assert_close(aov.ss_within, 4.0, CLOSED_FORM_REL, "SSW");
    assert_close(aov.f_value, 13.5, CLOSED_FORM_REL, "F");
    assert_eq!((aov.df1, aov.df2), (1, 4));
    // Kruskal–Wallis: rank sums 6 and 15: 12·(36/3 + 225/3)/(6·7) - 21 = 27/7.
    let kw = kruskal_wallis(&input).unwrap();
    assert_close(kw.statistic, 27.0 / 7.0, CLOSED_FORM_REL, "KW");
    // Wilcoxon exact: W = 0, the most extreme of C(6,3) = 20 splits: p = 2/20.
    let w = wilcoxon_rank_sum(&input, &WilcoxonOptions::default()).unwrap();
    assert!(w.exact);
    assert_eq!(w.w, 0.0);
    assert_close(w.p, 0.1, CLOSED_FORM_REL, "exact p");
    assert_eq!(w.method, "Wilcoxon rank sum exact test");
    // Swapping the groups: W' = 9 - W, same p.
    let swapped: Vec<Option<usize>> = groups.iter().map(|g| g.map(|g| 1 - g)).collect();
    let w2 = wilcoxon_rank_sum(
        &GroupedValues {
            values: &values,
            groups: &swapped,
            labels: &names,
        },
        &WilcoxonOptions::default(),
    )
    .unwrap();
    assert_eq!(w2.w, 9.0);
    assert_close(w2.p, 0.1, CLOSED_FORM_REL, "swapped p");
}

/// Exact Wilcoxon p by brute force over all splits of the ranks.
#[test]
fn wilcoxon_exact_matches_enumeration() {
    let x = [0.3, 1.7, 2.2, 5.1, 0.9];
    let y = [1.1, 3.3, 4.0, 2.9, 6.5, 7.2, 0.1];
    let values: Vec<Option<f64>> = x.iter().chain(&y).map(|&v| Some(v)).collect();
    let groups: Vec<Option<usize>> = (0..12).map(|i| Some(usize::from(i >= 5))).collect();
    let names = labels(&["x", "y"]);
    let w = wilcoxon_rank_sum(
        &GroupedValues {
            values: &values,
            groups: &groups,
            labels: &names,
        },
        &Default::default(),
    )
    .unwrap();
    // Ranks of x among the 12 values.
    let mut all: Vec<f64> = x.iter().chain(&y).copied().collect();
    all.sort_by(f64::total_cmp);
    let rank = |v: f64| all.iter().position(|&a| a == v).unwrap() as f64 + 1.0;
    let w_obs = x.iter().map(|&v| rank(v)).sum::<f64>() - 15.0;
    assert_eq!(w.w, w_obs);
    // Distribution of W over all 5-subsets of 1..=12.
    let (mut le, mut ge, mut total) = (0u64, 0u64, 0u64);
    for mask in 0u32..(1 << 12) {
        if mask.count_ones() != 5 {
            continue;
        }
        let s: u32 = (0..12)
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| i + 1)
            .sum();
        let wv = f64::from(s) - 15.0;
        total += 1;
        le += u64::from(wv <= w_obs);
        ge += u64::from(wv >= w_obs);
    }
    let one_sided = if w_obs > 17.5 { ge } else { le } as f64 / total as f64;
    assert_close(w.p, (2.0 * one_sided).min(1.0), CLOSED_FORM_REL, "exact p");
}

/// With two groups, Kruskal–Wallis equals the squared normal deviate of the
/// uncorrected Wilcoxon test, and Welch's ANOVA equals the squared Welch t.
#[test]
fn two_group_identities() {
    let (values, groups, _) = colon("age");
    // Obs vs Lev+5FU only (ties present, n > 50: normal approximation).
    let keep: Vec<usize> = (0..values.len())
        .filter(|&i| groups[i] != Some(1))
        .collect();
    let v: Vec<Option<f64>> = keep.iter().map(|&i| values[i]).collect();
    let g: Vec<Option<usize>> = keep
        .iter()
        .map(|&i| groups[i].map(|g| usize::from(g == 2)))
        .collect();
    let names = labels(&["Obs", "Lev+5FU"]);
    let input = GroupedValues {
        values: &v,
        groups: &g,
        labels: &names,
    };
    let kw = kruskal_wallis(&input).unwrap();
    let plain = wilcoxon_rank_sum(
        &input,
        &WilcoxonOptions {
            exact: None,
            correct: false,
        },
    )
    .unwrap();
    assert!(!plain.exact);
    assert_close(kw.statistic, plain.z.unwrap().powi(2), 1e-12, "KW = z²");
    assert_close(kw.p, plain.p, 1e-10, "KW p = Wilcoxon p");
    let corrected = wilcoxon_rank_sum(&input, &WilcoxonOptions::default()).unwrap();
    assert_eq!(
        corrected.method,
        "Wilcoxon rank sum test with continuity correction"
    );
    assert!(corrected.p > plain.p);

    let welch = welch_anova(&input).unwrap();
    let t = welch_t_test(&input, &TTestOptions::default()).unwrap();
    assert_close(welch.f_value, t.t * t.t, 1e-12, "F = t²");
    assert_close(welch.df2, t.df, 1e-12, "df");
    assert_close(welch.p, t.p, 1e-10, "p");
    // The interval is centred on the difference and excludes 0 iff p < 0.05.
    assert_close(
        (t.conf_lower + t.conf_upper) / 2.0,
        t.mean_difference,
        1e-12,
        "centre",
    );
    assert_eq!(t.conf_lower > 0.0 || t.conf_upper < 0.0, t.p < 0.05);

    let all = fit(&input, &KSampleOptions::default()).unwrap();
    assert!(all.wilcoxon.is_some() && all.welch_t.is_some());
}

/// Welch t by hand: x = 1..4 (mean 2.5, var 5/3), y = 2,4,..,10 (mean 6,
/// var 10): se² = 5/12 + 2 = 29/12, df = (29/12)² / ((5/12)²/3 + 2²/4) = 2523/457.
#[test]
fn welch_t_closed_form() {
    let values: Vec<Option<f64>> = [1.0, 2.0, 3.0, 4.0, 2.0, 4.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|&x| Some(x))
        .collect();
    let groups: Vec<Option<usize>> = (0..9).map(|i| Some(usize::from(i >= 4))).collect();
    let names = labels(&["x", "y"]);
    let t = welch_t_test(
        &GroupedValues {
            values: &values,
            groups: &groups,
            labels: &names,
        },
        &TTestOptions::default(),
    )
    .unwrap();
    assert_close(t.mean_difference, -3.5, CLOSED_FORM_REL, "difference");
    assert_close(t.std_err, (29.0f64 / 12.0).sqrt(), CLOSED_FORM_REL, "se");
    assert_close(t.t, -3.5 / (29.0f64 / 12.0).sqrt(), CLOSED_FORM_REL, "t");
    assert_close(t.df, 2523.0 / 457.0, CLOSED_FORM_REL, "df");
}

/// Summaries: quantiles as R's type 7, missing values counted per group.
#[test]
fn summaries_by_hand() {
    let values = vec![
        Some(7.0),
        Some(1.0),
        None,
        Some(3.0),
        Some(10.0),
        Some(4.0),
        None,
    ];
    let groups = vec![Some(0), Some(0), Some(0), Some(0), Some(0), Some(1), None];
    let names = labels(&["a", "b", "empty"]);
    let s = summarize(&GroupedValues {
        values: &values,
        groups: &groups,
        labels: &names,
    })
    .unwrap();
    // a: 1, 3, 7, 10 -> type 7 quartiles at positions 1.75 and 3.25.
    let a = &s[0];
    assert_eq!((a.n, a.n_missing), (4, 1));
    assert_eq!(a.median, Some(5.0));
    assert_close(a.q1.unwrap(), 2.5, CLOSED_FORM_REL, "q1");
    assert_close(a.q3.unwrap(), 7.75, CLOSED_FORM_REL, "q3");
    assert_eq!((a.min, a.max), (Some(1.0), Some(10.0)));
    assert_close(a.mean.unwrap(), 5.25, CLOSED_FORM_REL, "mean");
    // var = (4.25² + 2.25² + 1.75² + 4.75²)/3 = 48.75/3.
    assert_close(
        a.sd.unwrap(),
        (48.75f64 / 3.0).sqrt(),
        CLOSED_FORM_REL,
        "sd",
    );
    assert_eq!(s[1].sd, None);
    assert_eq!(s[1].median, Some(4.0));
    assert_eq!((s[2].n, s[2].mean), (0, None));
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let names = labels(&["a", "b"]);
    let one = GroupedValues {
        values: &[Some(1.0), Some(2.0)],
        groups: &[Some(0), Some(0)],
        labels: &names,
    };
    assert_eq!(
        kruskal_wallis(&one).unwrap_err(),
        KSampleError::TooFewGroups {
            found: 1,
            needed: 2
        }
    );
    let mismatch = GroupedValues {
        values: &[Some(1.0)],
        groups: &[Some(0), Some(1)],
        labels: &names,
    };
    assert!(matches!(
        oneway_anova(&mismatch),
        Err(KSampleError::LengthMismatch { .. })
    ));
    let bad_code = GroupedValues {
        values: &[Some(1.0)],
        groups: &[Some(7)],
        labels: &names,
    };
    assert!(matches!(
        summarize(&bad_code),
        Err(KSampleError::InvalidGroup {
            row: 1,
            code: 7,
            ..
        })
    ));
    let nan = GroupedValues {
        values: &[Some(f64::NAN)],
        groups: &[Some(0)],
        labels: &names,
    };
    assert!(matches!(
        summarize(&nan),
        Err(KSampleError::InvalidValue { row: 1, .. })
    ));
    let tied = GroupedValues {
        values: &[Some(2.0), Some(2.0), Some(2.0), Some(2.0)],
        groups: &[Some(0), Some(0), Some(1), Some(1)],
        labels: &names,
    };
    assert_eq!(
        kruskal_wallis(&tied).unwrap_err(),
        KSampleError::AllValuesTied
    );
    assert!(welch_anova(&tied).is_err());
    assert!(welch_t_test(&tied, &TTestOptions::default()).is_err());
    assert!(oneway_anova(&tied).is_err());
    let f = fit(&tied, &KSampleOptions::default()).unwrap();
    assert!(f.kruskal.is_none());
    assert!(f.warnings.contains(&KernelWarning::TestNotComputed {
        test: KSampleTest::KruskalWallis,
        error: KSampleError::AllValuesTied.to_string()
    }));
    let empty = GroupedValues {
        values: &[],
        groups: &[],
        labels: &names,
    };
    assert!(fit(&empty, &KSampleOptions::default())
        .unwrap()
        .kruskal
        .is_none());
    let bad_level = KSampleOptions {
        conf_level: 2.0,
        ..Default::default()
    };
    assert!(fit(&one, &bad_level).is_err());
}

/// A forced exact test on groups too large for the exact distribution falls
/// back to the normal approximation, saying so.
#[test]
fn wilcoxon_exact_is_bounded() {
    let values: Vec<Option<f64>> = (0..3000)
        .map(|i| Some(f64::from(i) * 0.37 % 101.0))
        .collect();
    let groups: Vec<Option<usize>> = (0..3000).map(|i| Some(i % 2)).collect();
    let names = labels(&["a", "b"]);
    let input = GroupedValues {
        values: &values,
        groups: &groups,
        labels: &names,
    };
    let w = wilcoxon_rank_sum(
        &input,
        &WilcoxonOptions {
            exact: Some(true),
            correct: true,
        },
    )
    .unwrap();
    assert!(!w.exact);
    assert_eq!(w.warnings, [KernelWarning::ExactPTooLarge]);
}
