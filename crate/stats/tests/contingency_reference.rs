//! Contingency tests against R 4.2.2 (`chisq.test`, `fisher.test`) on
//! survival::colon (one row per patient, etype 2): tests/reference/08_colon_baseline.

mod support;

use serde_json::Value;
use support::*;
use survcalc_stats::contingency::{
    baseline_test, chi_square, cross_tabulate, fisher_exact, BaselineTestKind, BaselineTestOptions,
    ChiSquareOptions, CountTable, FisherOptions, FISHER, PEARSON, PEARSON_YATES,
};
use survcalc_stats::warning::{KernelWarning, TableAxis};

const DATASET: &str = "08_colon_baseline";

/// data.csv as columns of optional numbers (NA -> None), keyed by header.
struct Colon {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Colon {
    fn load() -> Colon {
        let text = data_file(DATASET, "data.csv");
        let mut lines = text.lines();
        let header = lines
            .next()
            .unwrap()
            .split(',')
            .map(str::to_string)
            .collect();
        let rows = lines
            .filter(|l| !l.is_empty())
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect();
        Colon { header, rows }
    }

    fn column(&self, name: &str) -> Vec<Option<f64>> {
        let j = self
            .header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"));
        self.rows
            .iter()
            .map(|r| {
                if r[j] == "NA" {
                    None
                } else {
                    Some(r[j].parse().unwrap())
                }
            })
            .collect()
    }

    /// Factor codes over the sorted distinct values (R's `factor()` of a
    /// numeric column), with the levels printed as R prints them.
    fn factor(&self, name: &str) -> (Vec<Option<usize>>, Vec<String>) {
        let x = self.column(name);
        let mut levels: Vec<f64> = x.iter().flatten().copied().collect();
        levels.sort_by(f64::total_cmp);
        levels.dedup();
        let codes = x
            .iter()
            .map(|v| v.map(|v| levels.iter().position(|&l| l == v).unwrap()))
            .collect();
        (codes, levels.iter().map(|l| format!("{l}")).collect())
    }

    /// rx as R's factor: Obs, Lev, Lev+5FU (rx_code 1..3).
    fn rx(&self) -> (Vec<Option<usize>>, Vec<String>) {
        let codes = self
            .column("rx_code")
            .iter()
            .map(|c| c.map(|c| c as usize - 1))
            .collect();
        (codes, vec!["Obs".into(), "Lev".into(), "Lev+5FU".into()])
    }
}

fn counts(block: &Value) -> Vec<Vec<u64>> {
    matrix(block)
        .iter()
        .map(|r| r.iter().map(|&x| x as u64).collect())
        .collect()
}

fn labels(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

const RX_BY: [&str; 8] = [
    "sex", "obstruct", "perfor", "adhere", "differ", "extent", "surg", "node4",
];

#[test]
fn rx_by_baseline_chi_square_matches_r() {
    let r = reference(DATASET);
    let colon = Colon::load();
    let (rx, rx_levels) = colon.rx();
    for var in RX_BY {
        let block = &r["tests"][format!("rx_by_{var}")];
        assert!(block["call_chisq"]
            .as_str()
            .unwrap()
            .contains("correct = FALSE"));
        let (codes, levels) = colon.factor(var);
        assert_eq!(levels, labels(&block["levels_var"]), "{var} levels");
        let tab = cross_tabulate(&rx, &codes, &rx_levels, &levels).unwrap();
        assert_eq!(
            tab.n_missing as f64,
            num(&block["n_missing"]).unwrap(),
            "{var} n_missing"
        );
        assert_eq!(tab.table.counts, counts(&block["table"]), "{var} table");
        assert_eq!(tab.table.total() as f64, num(&block["n"]).unwrap());

        let chi = chi_square(&tab.table, &ChiSquareOptions::default()).unwrap();
        assert_eq!(chi.method, PEARSON);
        assert_close(
            chi.chisq,
            num(&block["chisq"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{var} chisq"),
        );
        assert_eq!(chi.df as f64, num(&block["df"]).unwrap(), "{var} df");
        assert_close(
            chi.p,
            num(&block["p"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{var} p"),
        );
        let want = matrix(&block["expected"]);
        for (i, row) in want.iter().enumerate() {
            for (j, &e) in row.iter().enumerate() {
                assert_close(
                    chi.expected[i][j],
                    e,
                    CLOSED_FORM_REL,
                    &format!("{var} expected[{i}][{j}]"),
                );
            }
        }
        assert_close(
            chi.min_expected,
            num(&block["min_expected"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{var} min_expected"),
        );
        assert_eq!(
            chi.n_cells_expected_lt5 as f64,
            num(&block["n_cells_expected_lt5"]).unwrap()
        );
    }
}

#[test]
fn rx_by_baseline_fisher_rxc_matches_r() {
    let r = reference(DATASET);
    let colon = Colon::load();
    let (rx, rx_levels) = colon.rx();
    let mut slowest = (String::new(), 0.0f64);
    for var in RX_BY {
        let block = &r["tests"][format!("rx_by_{var}")];
        let (codes, levels) = colon.factor(var);
        let table = cross_tabulate(&rx, &codes, &rx_levels, &levels)
            .unwrap()
            .table;
        // Best of three runs: the machine is shared.
        let mut seconds = f64::INFINITY;
        let mut fisher = None;
        for _ in 0..3 {
            let start = std::time::Instant::now();
            fisher = Some(fisher_exact(&table, &FisherOptions::default()).unwrap());
            seconds = seconds.min(start.elapsed().as_secs_f64());
        }
        let fisher = fisher.unwrap();
        if seconds > slowest.1 {
            slowest = (
                format!("rx_by_{var} ({} x {})", table.n_rows(), table.n_cols()),
                seconds,
            );
        }
        assert_eq!(fisher.method, FISHER);
        assert!(fisher.odds_ratio.is_none());
        // R's FEXACT merges near-equal path probabilities, which moves its
        // p-value by up to ~5e-11 relative from the exact sum (see the
        // fixture's crosscheck against full enumeration).
        assert_close(
            fisher.p,
            num(&block["fisher_p"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{var} fisher_p"),
        );
        let r_seconds = num(&block["fisher_seconds"]).unwrap();
        println!(
            "rx_by_{var}: Fisher r x c {:.3} ms (R {:.0} ms)",
            seconds * 1e3,
            r_seconds * 1e3
        );
    }
    println!(
        "slowest Fisher r x c: {} {:.3} ms",
        slowest.0,
        slowest.1 * 1e3
    );
}

#[test]
fn baseline_rule_picks_chi_square_for_colon() {
    let r = reference(DATASET);
    let colon = Colon::load();
    let (rx, rx_levels) = colon.rx();
    for var in RX_BY {
        let block = &r["tests"][format!("rx_by_{var}")];
        let (codes, levels) = colon.factor(var);
        let table = cross_tabulate(&rx, &codes, &rx_levels, &levels)
            .unwrap()
            .table;
        let b = baseline_test(&table, &BaselineTestOptions::default()).unwrap();
        // Every expected count in these tables is at least 5.
        assert_eq!(b.test, BaselineTestKind::ChiSquare);
        assert_eq!(b.method, PEARSON);
        assert_close(b.p, num(&block["p"]).unwrap(), CLOSED_FORM_REL, var);
        // A threshold above the smallest expected count switches to Fisher.
        let strict = BaselineTestOptions {
            expected_threshold: b.min_expected + 1.0,
            ..Default::default()
        };
        let f = baseline_test(&table, &strict).unwrap();
        assert_eq!(f.test, BaselineTestKind::Fisher);
        assert_eq!(f.method, FISHER);
        assert_close(f.p, num(&block["fisher_p"]).unwrap(), CLOSED_FORM_REL, var);
    }
}

#[test]
fn baseline_rule_uses_fisher_for_sparse_tables() {
    let t = CountTable::new(vec![vec![3, 1], vec![1, 3]]).unwrap();
    let b = baseline_test(&t, &BaselineTestOptions::default()).unwrap();
    assert_eq!(b.test, BaselineTestKind::Fisher);
    assert_eq!(b.method, FISHER);
    assert!(b.warnings.is_empty());
}

fn two_by_two_blocks() -> Vec<(&'static str, Vec<Vec<u64>>)> {
    let r = reference(DATASET);
    let colon = Colon::load();
    let (sex, sex_levels) = colon.factor("sex");
    let (obstruct, obstruct_levels) = colon.factor("obstruct");
    let from_data = cross_tabulate(&sex, &obstruct, &sex_levels, &obstruct_levels)
        .unwrap()
        .table
        .counts;
    let block = &r["tests"]["yates_2x2_sex_by_obstruct"];
    assert!(block["call"]
        .as_str()
        .unwrap()
        .contains("table(colon2$sex, colon2$obstruct)"));
    assert_eq!(from_data, counts(&block["table"]));
    vec![
        ("yates_2x2_sex_by_obstruct", from_data),
        // matrix(c(3, 1, 1, 3), nrow = 2) and matrix(c(12, 5, 3, 10), nrow = 2)
        // fill by column.
        ("yates_2x2_tea_tasting", vec![vec![3, 1], vec![1, 3]]),
        ("yates_2x2_small", vec![vec![12, 3], vec![5, 10]]),
    ]
}

#[test]
fn two_by_two_yates_uncorrected_and_fisher_match_r() {
    let r = reference(DATASET);
    for (name, cells) in two_by_two_blocks() {
        let block = &r["tests"][name];
        assert_eq!(cells, counts(&block["table"]), "{name} table");
        let table = CountTable::new(cells).unwrap();

        let yates = chi_square(
            &table,
            &ChiSquareOptions {
                continuity_correction: true,
            },
        )
        .unwrap();
        assert_eq!(yates.method, PEARSON_YATES);
        assert_close(
            yates.chisq,
            num(&block["yates"]["chisq"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{name} yates chisq"),
        );
        assert_eq!(yates.df as f64, num(&block["yates"]["df"]).unwrap());
        assert_close(
            yates.p,
            num(&block["yates"]["p"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{name} yates p"),
        );

        let plain = chi_square(&table, &ChiSquareOptions::default()).unwrap();
        assert_close(
            plain.chisq,
            num(&block["uncorrected"]["chisq"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{name} chisq"),
        );
        assert_close(
            plain.p,
            num(&block["uncorrected"]["p"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{name} p"),
        );

        let fisher = fisher_exact(&table, &FisherOptions::default()).unwrap();
        assert_close(
            fisher.p,
            num(&block["fisher"]["p"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{name} fisher p"),
        );
        let or = fisher.odds_ratio.unwrap();
        assert_eq!(or.conf_level, 0.95);
        let tight = &block["fisher_tight"];
        assert_close(
            or.or_conditional_mle,
            num(&tight["or_conditional_mle"]).unwrap(),
            STAT_REL,
            &format!("{name} OR"),
        );
        assert_close(
            or.or_ci_lower,
            num(&tight["or_ci_lower"]).unwrap(),
            STAT_REL,
            &format!("{name} OR lower"),
        );
        assert_close(
            or.or_ci_upper,
            num(&tight["or_ci_upper"]).unwrap(),
            STAT_REL,
            &format!("{name} OR upper"),
        );
        // Solved to machine precision, they agree far beyond STAT_REL with
        // the uniroot(tol = 1e-13) reference.
        assert_close(
            or.or_conditional_mle,
            num(&tight["or_conditional_mle"]).unwrap(),
            1e-11,
            &format!("{name} OR tight"),
        );
        assert_close(
            or.or_ci_lower,
            num(&tight["or_ci_lower"]).unwrap(),
            1e-11,
            &format!("{name} lower tight"),
        );
        assert_close(
            or.or_ci_upper,
            num(&tight["or_ci_upper"]).unwrap(),
            1e-11,
            &format!("{name} upper tight"),
        );
        assert_close(
            or.or_sample,
            num(&block["or_sample"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{name} or_sample"),
        );
        // What fisher.test() prints is uniroot-limited: close, not equal.
        let printed = &block["fisher"];
        assert_close(
            or.or_ci_upper,
            num(&printed["or_ci_upper"]).unwrap(),
            1e-2,
            &format!("{name} printed upper"),
        );
    }
}

/// R's rule: YATES = min(0.5, |O - E|), so a table whose |O - E| is below
/// 0.5 gets a statistic of exactly 0.
#[test]
fn yates_correction_is_capped_at_the_deviation() {
    // [[5, 5], [5, 6]]: |O - E| = 5 - 50/21 ... = 0.238 < 0.5.
    let t = CountTable::new(vec![vec![5, 5], vec![5, 6]]).unwrap();
    let y = chi_square(
        &t,
        &ChiSquareOptions {
            continuity_correction: true,
        },
    )
    .unwrap();
    assert!((y.yates - (5.0 - 10.0 * 10.0 / 21.0)).abs() < 1e-14);
    assert!(y.chisq.abs() < 1e-24);
    assert_close(y.p, 1.0, CLOSED_FORM_REL, "p");
    // Larger tables are never corrected.
    let big = CountTable::new(vec![vec![5, 5, 3], vec![5, 6, 9]]).unwrap();
    let y = chi_square(
        &big,
        &ChiSquareOptions {
            continuity_correction: true,
        },
    )
    .unwrap();
    assert_eq!(y.yates, 0.0);
    assert_eq!(y.method, PEARSON);
}

/// Closed form: for [[a, b], [c, d]] the uncorrected X² is
/// n (ad - bc)² / (r1 r2 c1 c2), and the one-sided hypergeometric tables of
/// TeaTasting give Fisher's p = (1 + 16 + 1) / 70 ... two-sided: tables with
/// x = 0, 1, 3, 4 have probabilities 1, 16, 16, 1 over 70 (x = 2: 36/70).
#[test]
fn closed_form_two_by_two() {
    let (a, b, c, d) = (12.0, 3.0, 5.0, 10.0);
    let n = a + b + c + d;
    let want = n * (a * d - b * c) * (a * d - b * c) / ((a + b) * (c + d) * (a + c) * (b + d));
    let t = CountTable::new(vec![vec![12, 3], vec![5, 10]]).unwrap();
    let chi = chi_square(&t, &ChiSquareOptions::default()).unwrap();
    assert_close(chi.chisq, want, CLOSED_FORM_REL, "2x2 shortcut");
    let tea = CountTable::new(vec![vec![3, 1], vec![1, 3]]).unwrap();
    let f = fisher_exact(&tea, &FisherOptions::default()).unwrap();
    assert_close(f.p, 34.0 / 70.0, CLOSED_FORM_REL, "tea tasting p");
    assert_close(
        f.odds_ratio.unwrap().or_sample,
        9.0,
        CLOSED_FORM_REL,
        "sample OR",
    );
}

/// Transposing or permuting rows/columns keeps both statistics.
#[test]
fn invariant_under_transpose_and_permutation() {
    let colon = Colon::load();
    let (rx, rx_levels) = colon.rx();
    let (codes, levels) = colon.factor("differ");
    let table = cross_tabulate(&rx, &codes, &rx_levels, &levels)
        .unwrap()
        .table;
    let mut sparse_rows = vec![vec![4, 0, 2, 1], vec![0, 3, 1, 5], vec![2, 2, 0, 0]];
    let sparse = CountTable::new(sparse_rows.clone()).unwrap();
    for t in [table, sparse] {
        let base_chi = chi_square(&t, &ChiSquareOptions::default()).unwrap();
        let base_fisher = fisher_exact(&t, &FisherOptions::default()).unwrap();
        let mut permuted = t.clone();
        permuted.counts.reverse();
        permuted.row_labels.reverse();
        for row in permuted.counts.iter_mut() {
            row.rotate_left(1);
        }
        permuted.col_labels.rotate_left(1);
        for other in [t.transpose(), permuted.clone(), permuted.transpose()] {
            let chi = chi_square(&other, &ChiSquareOptions::default()).unwrap();
            assert_close(chi.chisq, base_chi.chisq, 1e-13, "chisq");
            assert_close(chi.p, base_chi.p, 1e-13, "chisq p");
            assert_eq!(chi.df, base_chi.df);
            let f = fisher_exact(&other, &FisherOptions::default()).unwrap();
            assert_close(f.p, base_fisher.p, 1e-12, "fisher p");
        }
    }
    // 2x2: transposing keeps the odds ratio; swapping rows inverts it.
    sparse_rows = vec![vec![12, 3], vec![5, 10]];
    let t = CountTable::new(sparse_rows).unwrap();
    let or = fisher_exact(&t, &FisherOptions::default())
        .unwrap()
        .odds_ratio
        .unwrap();
    let tr = fisher_exact(&t.transpose(), &FisherOptions::default())
        .unwrap()
        .odds_ratio
        .unwrap();
    assert_close(
        tr.or_conditional_mle,
        or.or_conditional_mle,
        1e-12,
        "transposed OR",
    );
    let mut swapped = t.clone();
    swapped.counts.swap(0, 1);
    let sw = fisher_exact(&swapped, &FisherOptions::default())
        .unwrap()
        .odds_ratio
        .unwrap();
    assert_close(
        sw.or_conditional_mle,
        1.0 / or.or_conditional_mle,
        1e-12,
        "swapped OR",
    );
    assert_close(sw.or_ci_lower, 1.0 / or.or_ci_upper, 1e-12, "swapped lower");
    assert_close(sw.or_ci_upper, 1.0 / or.or_ci_lower, 1e-12, "swapped upper");
}

/// The exact r x c p-value equals the 2 x 2 formula on 2 x 2 tables laid out
/// as 2 x 3 with an all-zero column (left out), and a table with a more
/// extreme association has a smaller p-value.
#[test]
fn fisher_rxc_consistency() {
    let with_empty = CountTable::new(vec![vec![12, 0, 3], vec![5, 0, 10]]).unwrap();
    let two = CountTable::new(vec![vec![12, 3], vec![5, 10]]).unwrap();
    let a = fisher_exact(&with_empty, &FisherOptions::default()).unwrap();
    let b = fisher_exact(&two, &FisherOptions::default()).unwrap();
    assert_close(a.p, b.p, 1e-12, "2x2 via r x c");
    assert_eq!(
        a.warnings,
        [KernelWarning::EmptyRowOrColumn {
            axis: TableAxis::Column,
            label: "2".into()
        }]
    );
    let weak = CountTable::new(vec![vec![5, 4, 3], vec![4, 5, 4], vec![3, 4, 5]]).unwrap();
    let strong = CountTable::new(vec![vec![9, 2, 1], vec![2, 9, 2], vec![1, 2, 9]]).unwrap();
    let pw = fisher_exact(&weak, &FisherOptions::default()).unwrap().p;
    let ps = fisher_exact(&strong, &FisherOptions::default()).unwrap().p;
    assert!(ps < pw && ps > 0.0 && pw <= 1.0);
}

/// A table too large for the step budget stops with an error; the baseline
/// rule then gives Fisher's test with a simulated p-value (R's
/// simulate.p.value = TRUE), the number of random tables stated.
#[test]
fn fisher_is_bounded() {
    let t = CountTable::new(vec![
        vec![1, 40, 50, 60, 45],
        vec![2, 35, 55, 40, 50],
        vec![1, 50, 40, 45, 55],
        vec![0, 45, 50, 55, 40],
    ])
    .unwrap();
    let opts = FisherOptions {
        max_steps: 100_000,
        ..FisherOptions::default()
    };
    let start = std::time::Instant::now();
    let e = fisher_exact(&t, &opts).unwrap_err();
    assert!(start.elapsed().as_secs_f64() < 5.0);
    assert!(e.to_string().contains("steps"));
    let b = baseline_test(
        &t,
        &BaselineTestOptions {
            fisher: opts.clone(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(b.test, BaselineTestKind::Fisher);
    let fisher = b.fisher.as_ref().unwrap();
    assert_eq!(fisher.replicates, Some(opts.replicates));
    assert!(
        b.method.contains("simulated p-value, 10000 replicates"),
        "{}",
        b.method
    );
    assert!(b.p > 0.0 && b.p <= 1.0);
    assert!(
        b.warnings.contains(&KernelWarning::FisherSimulated {
            n_rows: 4,
            n_cols: 5,
            n: 759,
            replicates: 10_000
        }),
        "{:?}",
        b.warnings
    );
}
