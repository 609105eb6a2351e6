//! Table 1 against R 4.2.2 (tests/reference/08_colon_baseline: chisq.test,
//! fisher.test, kruskal.test, aov, oneway.test on survival::colon, etype 2;
//! each block's `call*` fields name the R calls), counts computed by hand,
//! exports, errors and invariants.

// One copy of the fixtures loader and the tolerances, shared by every crate's tests.
#[path = "../../stats/tests/support/mod.rs"]
mod support;

use serde_json::Value;
use support::*;
use survcalc_analysis::baseline::{
    fit, BaselineError, BaselineOptions, BaselineRow, BaselineRowKind, BaselineSpec, BaselineTable,
    BaselineVariable, BinaryRows, ContinuousSummary, ContinuousTest,
};
use survcalc_analysis::table::{read_csv, ReadOptions, Table};
use survcalc_analysis::warning::Warning;

const CATEGORICAL: [&str; 8] = [
    "sex", "obstruct", "perfor", "adhere", "differ", "extent", "surg", "node4",
];

fn colon() -> Table {
    read_csv(
        data_file("08_colon_baseline", "data.csv").as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap()
}

fn csv(text: &str) -> Table {
    read_csv(text.as_bytes(), &ReadOptions::default()).unwrap()
}

fn spec(group: &str, variables: Vec<BaselineVariable>) -> BaselineSpec {
    BaselineSpec {
        group: group.into(),
        variables,
    }
}

fn header<'a>(t: &'a BaselineTable, variable: &str) -> &'a BaselineRow {
    t.rows
        .iter()
        .find(|r| r.variable == variable && r.kind == BaselineRowKind::Variable)
        .unwrap()
}

fn rows_of<'a>(t: &'a BaselineTable, variable: &str) -> Vec<&'a BaselineRow> {
    t.rows.iter().filter(|r| r.variable == variable).collect()
}

#[test]
fn colon_categorical_p_values_follow_the_expected_count_rule() {
    // chisq.test(table(colon2$rx, colon2$x), correct = FALSE); fisher.test(same)
    let r = reference("08_colon_baseline");
    let t = colon();
    let variables = CATEGORICAL
        .iter()
        .map(|v| BaselineVariable::categorical(v))
        .collect();
    // Every level on its own row, to compare with R's table().
    let both = BaselineOptions {
        binary: BinaryRows::BothLevels,
        ..BaselineOptions::default()
    };
    let out = fit(&t, &spec("rx", variables), &both).unwrap();
    assert_eq!(out.n, 929);
    for v in CATEGORICAL {
        let block: &Value = &r["tests"][format!("rx_by_{v}")];
        let min_expected = num(&block["min_expected"]).unwrap();
        let test = out.tests.iter().find(|x| x.variable == v).unwrap();
        assert_close(
            test.min_expected.unwrap(),
            min_expected,
            CLOSED_FORM_REL,
            &format!("{v} min expected"),
        );
        let (expected_test, expected_p) = if min_expected < 5.0 {
            ("Fisher's exact test", num(&block["fisher_p"]).unwrap())
        } else {
            ("Pearson's chi-squared test", num(&block["p"]).unwrap())
        };
        assert_eq!(test.test, expected_test, "{v}");
        assert_close(test.p, expected_p, CLOSED_FORM_REL, &format!("{v} p"));
        let row = header(&out, v);
        assert_close(
            row.p.unwrap(),
            expected_p,
            CLOSED_FORM_REL,
            &format!("{v} row p"),
        );
        assert_eq!(row.test.as_deref(), Some(expected_test));
        assert_eq!(row.mark.as_deref(), Some("a"));
        // Level counts per group equal R's table (our groups are sorted: Lev, Lev+5FU, Obs).
        let m = matrix(&block["table"]);
        let r_groups: Vec<String> = block["levels_rx"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        let levels = rows_of(&out, v)
            .into_iter()
            .filter(|r| r.kind == BaselineRowKind::Level)
            .collect::<Vec<_>>();
        assert_eq!(levels.len(), m[0].len(), "{v} levels");
        for (j, level) in levels.iter().enumerate() {
            for (g, group) in out.groups.iter().enumerate() {
                let i = r_groups.iter().position(|x| *x == group.label).unwrap();
                assert_eq!(
                    level.counts.as_ref().unwrap()[g] as f64,
                    m[i][j],
                    "{v} {} {}",
                    group.label,
                    level.label
                );
            }
        }
        // Missing values: their own row, out of the test (R's table() drops NA).
        let n_missing = num(&block["n_missing"]).unwrap() as usize;
        let missing = rows_of(&out, v)
            .into_iter()
            .find(|r| r.kind == BaselineRowKind::Missing);
        assert_eq!(
            missing.map_or(0, |m| m.overall.parse::<usize>().unwrap()),
            n_missing,
            "{v} missing"
        );
    }
    assert_eq!(out.footnotes.len(), 1);
    assert_eq!(out.footnotes[0].test, "Pearson's chi-squared test");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
}

#[test]
fn colon_continuous_tests() {
    // kruskal.test / summary(aov()) / oneway.test(x ~ rx, data = colon2)
    let r = reference("08_colon_baseline");
    let t = colon();
    let vars = || vec![BaselineVariable::new("age"), BaselineVariable::new("nodes")];
    let cases = [
        (
            ContinuousTest::Rank,
            "kruskal",
            "Kruskal-Wallis rank sum test",
        ),
        (
            ContinuousTest::Anova,
            "anova",
            "One-way analysis of variance",
        ),
        (
            ContinuousTest::Welch,
            "welch",
            "One-way analysis of means (not assuming equal variances)",
        ),
    ];
    for (test, key, name) in cases {
        let out = fit(
            &t,
            &spec("rx", vars()),
            &BaselineOptions {
                continuous_test: test,
                ..BaselineOptions::default()
            },
        )
        .unwrap();
        for v in ["age", "nodes"] {
            let expected = num(&r["tests"][format!("{v}_by_rx")][key]["p"]).unwrap();
            let row = header(&out, v);
            assert_close(
                row.p.unwrap(),
                expected,
                CLOSED_FORM_REL,
                &format!("{v} {key}"),
            );
            assert_eq!(row.test.as_deref(), Some(name));
        }
        // nodes: 18 missing, shown and not tested.
        let missing = rows_of(&out, "nodes")
            .into_iter()
            .find(|r| r.kind == BaselineRowKind::Missing)
            .unwrap();
        assert_eq!(missing.overall, "18");
        assert_eq!(missing.counts.as_ref().unwrap().iter().sum::<usize>(), 18);
    }
    // Mean (SD) per group equals R's group means and SDs.
    let out = fit(
        &t,
        &spec("rx", vec![BaselineVariable::new("age")]),
        &BaselineOptions {
            summary: ContinuousSummary::MeanSd,
            decimals: Some(3),
            ..BaselineOptions::default()
        },
    )
    .unwrap();
    let block = &r["tests"]["age_by_rx"];
    let means = f64s(&block["group_means"]);
    let sds = f64s(&block["group_sd"]);
    // On the variable's own row (gtsummary), the statistic named in the label.
    let summary = header(&out, "age");
    assert_eq!(rows_of(&out, "age").len(), 1);
    assert_eq!(summary.label, "age, mean (SD)");
    // R's level order Obs, Lev, Lev+5FU; ours Lev, Lev+5FU, Obs.
    for (g, i) in [(0, 1), (1, 2), (2, 0)] {
        assert_eq!(summary.cells[g], format!("{:.3} ({:.3})", means[i], sds[i]));
    }
}

#[test]
fn counts_and_percentages_by_hand() {
    // sex by rx, counted from the raw CSV text.
    let text = data_file("08_colon_baseline", "data.csv");
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let (rx, sex) = (
        head.iter().position(|h| *h == "rx").unwrap(),
        head.iter().position(|h| *h == "sex").unwrap(),
    );
    let groups = ["Lev", "Lev+5FU", "Obs"];
    let mut counts = [[0usize; 2]; 3];
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let g = groups.iter().position(|x| *x == f[rx]).unwrap();
        counts[g][f[sex].parse::<usize>().unwrap()] += 1;
    }
    let both = BaselineOptions {
        binary: BinaryRows::BothLevels,
        ..BaselineOptions::default()
    };
    let out = fit(
        &colon(),
        &spec("rx", vec![BaselineVariable::categorical("sex")]),
        &both,
    )
    .unwrap();
    let sizes: Vec<usize> = counts.iter().map(|c| c[0] + c[1]).collect();
    let headers: Vec<String> = groups
        .iter()
        .zip(&sizes)
        .map(|(g, n)| format!("{g} (n = {n})"))
        .collect();
    assert_eq!(
        out.groups
            .iter()
            .map(|g| g.text.clone())
            .collect::<Vec<_>>(),
        headers
    );
    assert_eq!(out.overall.as_ref().unwrap().text, "Overall (n = 929)");
    let rows = rows_of(&out, "sex");
    assert_eq!(rows.len(), 3);
    for (level, row) in rows[1..].iter().enumerate() {
        assert_eq!(row.label, level.to_string());
        for g in 0..3 {
            let pct = 100.0 * counts[g][level] as f64 / sizes[g] as f64;
            assert_eq!(row.cells[g], format!("{} ({pct:.1}%)", counts[g][level]));
        }
        let total: usize = counts.iter().map(|c| c[level]).sum();
        assert_eq!(
            row.overall,
            format!("{total} ({:.1}%)", 100.0 * total as f64 / 929.0)
        );
    }
    // Obs, male: 166 of 315 = 52.7%.
    assert_eq!(rows[2].cells[2], "166 (52.7%)");
    // By default a 0/1 variable takes one row, the 1s (gtsummary's
    // dichotomous type), carrying the p-value of the same test.
    let out = fit(
        &colon(),
        &spec("rx", vec![BaselineVariable::categorical("sex")]),
        &BaselineOptions::default(),
    )
    .unwrap();
    let rows = rows_of(&out, "sex");
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0].kind,
            rows[0].label.as_str(),
            rows[0].level.as_deref()
        ),
        (BaselineRowKind::Variable, "sex", Some("1"))
    );
    for g in 0..3 {
        let pct = 100.0 * counts[g][1] as f64 / sizes[g] as f64;
        assert_eq!(rows[0].cells[g], format!("{} ({pct:.1}%)", counts[g][1]));
    }
    assert!(rows[0].p.is_some() && rows[0].mark.is_some());
    // Ages are whole numbers with whole medians and quartiles: no decimals.
    let out = fit(
        &colon(),
        &spec("rx", vec![BaselineVariable::new("age")]),
        &BaselineOptions::default(),
    )
    .unwrap();
    assert_eq!(rows_of(&out, "age")[0].overall, "61 [53–69]");
}

#[test]
fn fisher_when_an_expected_count_is_below_five() {
    // TeaTasting <- matrix(c(3, 1, 1, 3), nrow = 2); fisher.test(TeaTasting)
    let r = reference("08_colon_baseline");
    let tea = &r["tests"]["yates_2x2_tea_tasting"];
    let t = csv("poured,guess\nMilk,Milk\nMilk,Milk\nMilk,Milk\nMilk,Tea\nTea,Milk\nTea,Tea\nTea,Tea\nTea,Tea\n");
    let out = fit(
        &t,
        &spec("poured", vec![BaselineVariable::new("guess")]),
        &BaselineOptions::default(),
    )
    .unwrap();
    let row = header(&out, "guess");
    assert_eq!(row.test.as_deref(), Some("Fisher's exact test"));
    assert_close(
        row.p.unwrap(),
        num(&tea["fisher"]["p"]).unwrap(),
        CLOSED_FORM_REL,
        "Fisher p",
    );
    assert_eq!(out.tests[0].min_expected, Some(2.0));
}

#[test]
fn two_by_two_with_and_without_yates() {
    // chisq.test(table(colon2$sex, colon2$obstruct), correct = TRUE / FALSE)
    let r = reference("08_colon_baseline");
    let block = &r["tests"]["yates_2x2_sex_by_obstruct"];
    let t = colon();
    let s = spec("sex", vec![BaselineVariable::categorical("obstruct")]);
    let plain = fit(&t, &s, &BaselineOptions::default()).unwrap();
    assert_close(
        header(&plain, "obstruct").p.unwrap(),
        num(&block["uncorrected"]["p"]).unwrap(),
        CLOSED_FORM_REL,
        "uncorrected",
    );
    let yates = fit(
        &t,
        &s,
        &BaselineOptions {
            continuity_correction: true,
            ..BaselineOptions::default()
        },
    )
    .unwrap();
    let row = header(&yates, "obstruct");
    assert_close(
        row.p.unwrap(),
        num(&block["yates"]["p"]).unwrap(),
        CLOSED_FORM_REL,
        "Yates",
    );
    assert!(row.test.as_deref().unwrap().contains("Yates"));
    assert!(yates.settings.contains("Yates"));
    // Two groups: the Wilcoxon rank sum test for a continuous variable.
    let two = fit(
        &t,
        &spec("sex", vec![BaselineVariable::new("age")]),
        &BaselineOptions::default(),
    )
    .unwrap();
    assert!(
        header(&two, "age")
            .test
            .as_deref()
            .unwrap()
            .starts_with("Wilcoxon rank sum"),
        "{:?}",
        header(&two, "age").test
    );
}

#[test]
fn errors() {
    let t = colon();
    let one_group = csv("g,x\na,1\na,2\n,3\n");
    assert_eq!(
        fit(
            &one_group,
            &spec("g", vec![BaselineVariable::new("x")]),
            &BaselineOptions::default()
        )
        .unwrap_err(),
        BaselineError::TooFewGroups {
            column: "g".into(),
            groups: vec!["a".into()],
            n: 2
        }
    );
    let err = fit(
        &one_group,
        &spec("g", vec![BaselineVariable::new("x")]),
        &BaselineOptions::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("only one group (\"a\") among the 2 patients"),
        "{err}"
    );
    assert_eq!(
        fit(
            &t,
            &spec("rx", vec![BaselineVariable::new("rx")]),
            &BaselineOptions::default()
        )
        .unwrap_err(),
        BaselineError::GroupIsVariable {
            column: "rx".into()
        }
    );
    assert!(matches!(
        fit(&t, &spec("rx", vec![BaselineVariable::new("weight")]), &BaselineOptions::default()).unwrap_err(),
        BaselineError::UnknownColumn { name, .. } if name == "weight"
    ));
    assert!(matches!(
        fit(&t, &spec("arm", vec![BaselineVariable::new("age")]), &BaselineOptions::default()).unwrap_err(),
        BaselineError::UnknownColumn { name, .. } if name == "arm"
    ));
    assert_eq!(
        fit(&t, &spec("rx", vec![]), &BaselineOptions::default()).unwrap_err(),
        BaselineError::NoVariables
    );
    let dated = csv("g,d,s\na,2024-01-02,x\nb,2024-02-03,1\n");
    assert_eq!(
        fit(
            &dated,
            &spec("g", vec![BaselineVariable::new("d")]),
            &BaselineOptions::default()
        )
        .unwrap_err(),
        BaselineError::DateColumn { column: "d".into() }
    );
    let typo = csv("g,age\na,61\na,72\nb,55\nb,unknown\na,48\nb,66\n");
    assert_eq!(
        fit(
            &typo,
            &spec("g", vec![BaselineVariable::new("age")]),
            &BaselineOptions::default()
        )
        .unwrap_err(),
        BaselineError::NotANumber {
            column: "age".into(),
            line: 5,
            value: "unknown".into()
        }
    );
    let err = fit(
        &dated,
        &spec("g", vec![BaselineVariable::continuous("s")]),
        &BaselineOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        BaselineError::NotANumber {
            column: "s".into(),
            line: 2,
            value: "x".into()
        }
    );
}

#[test]
fn missing_group_rows_are_left_out_with_a_warning() {
    let t = csv("g,x,c\na,1,u\nb,2,v\n,3,u\na,4,\nb,5,v\na,6,v\n");
    let both = BaselineOptions {
        binary: BinaryRows::BothLevels,
        ..BaselineOptions::default()
    };
    let out = fit(
        &t,
        &spec(
            "g",
            vec![BaselineVariable::new("x"), BaselineVariable::new("c")],
        ),
        &both,
    )
    .unwrap();
    assert_eq!(out.n, 5);
    assert_eq!(out.n_missing_group, 1);
    assert!(
        matches!(&out.warnings[0], Warning::RowsLeftOut { column, count: 1, lines, .. } if column == "g" && lines == &[4]),
        "{:?}",
        out.warnings
    );
    assert_eq!(
        out.warnings[0].message(),
        "1 row left out because \"g\" is missing (line 4)."
    );
    // c: group a has u, (missing), v -> 1 (50.0%) and 1 (50.0%) of 2 non-missing.
    let c = rows_of(&out, "c");
    assert_eq!(c[1].label, "u");
    assert_eq!(c[1].cells, ["1 (50.0%)", "0 (0.0%)"]);
    assert_eq!(c[3].kind, BaselineRowKind::Missing);
    assert_eq!(c[3].cells, ["1", "0"]);
    // x: median [IQR] of a = {1, 4, 6}: 4 [2.5–5] (type 7 quartiles); whole
    // numbers with a fractional quartile print with one decimal.
    let x = rows_of(&out, "x");
    assert_eq!(x[0].cells[0], "4.0 [2.5–5.0]");
    // One row for u/v (neither is a yes: the second level, named), then
    // the missing row: a has v in 1 of 2, b in 2 of 2.
    let out = fit(
        &t,
        &spec("g", vec![BaselineVariable::new("c")]),
        &BaselineOptions::default(),
    )
    .unwrap();
    let c = rows_of(&out, "c");
    assert_eq!((c[0].label.as_str(), c.len()), ("c: v", 2));
    assert_eq!(c[0].cells, ["1 (50.0%)", "2 (100.0%)"]);
    assert_eq!(c[1].kind, BaselineRowKind::Missing);
    // Decimals on request.
    let out = fit(
        &t,
        &spec("g", vec![BaselineVariable::new("x")]),
        &BaselineOptions {
            decimals: Some(2),
            ..BaselineOptions::default()
        },
    )
    .unwrap();
    assert_eq!(rows_of(&out, "x")[0].cells[0], "4.00 [2.50–5.00]");
}

#[test]
fn shuffled_rows_give_the_same_table() {
    let text = data_file("08_colon_baseline", "data.csv");
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].reverse();
    let shuffled = csv(&lines.join("\n"));
    let s = spec(
        "rx",
        vec![
            BaselineVariable::new("age"),
            BaselineVariable::new("nodes"),
            BaselineVariable::categorical("differ"),
        ],
    );
    let a = fit(&colon(), &s, &BaselineOptions::default()).unwrap();
    let b = fit(&shuffled, &s, &BaselineOptions::default()).unwrap();
    assert_eq!(a.to_csv(), b.to_csv());
}

#[test]
fn exports_quote_and_escape() {
    let t =
        csv("arm,\"size, cm\",grade\nA<1>,1,\"x \"\"y\"\"\"\nA<1>,2,z\nB&C,3,z\nB&C,4,x \"y\"\n");
    let out = fit(
        &t,
        &spec(
            "arm",
            vec![
                BaselineVariable::new("size, cm"),
                BaselineVariable::categorical("grade"),
            ],
        ),
        &BaselineOptions {
            binary: BinaryRows::BothLevels,
            overall_last: true,
            ..BaselineOptions::default()
        },
    )
    .unwrap();
    let csv_text = out.to_csv();
    let first: Vec<&str> = csv_text.lines().collect();
    assert_eq!(
        first[0],
        "Variable,A<1> (n = 2),B&C (n = 2),Overall (n = 4),p-value,Test"
    );
    assert!(
        first[1].starts_with("\"size, cm, median [IQR]\","),
        "{}",
        first[1]
    );
    assert!(csv_text.contains("\"  x \"\"y\"\"\""), "{csv_text}");
    // Footnote letters in their own column, never glued to the p-value.
    assert!(first[1].ends_with(",a"), "{}", first[1]);
    assert!(
        !csv_text.contains('ᵃ') && !csv_text.contains('ᵇ'),
        "{csv_text}"
    );
    assert!(csv_text.contains("\r\na,Wilcoxon rank sum"), "{csv_text}");
    let tsv = out.to_tsv();
    assert!(
        tsv.starts_with("Variable\tA<1> (n = 2)\tB&C (n = 2)\tOverall (n = 4)\tp-value\tTest\r\n"),
        "{tsv}"
    );
    let html = out.to_html();
    assert!(
        html.starts_with("<table>\n<thead>\n<tr><th>Variable</th><th>A&lt;1&gt; (n = 2)</th><th>B&amp;C (n = 2)</th><th>Overall (n = 4)</th><th>p-value</th></tr>"),
        "{html}"
    );
    // gtsummary's default: the overall column first.
    let first_overall = fit(
        &t,
        &spec("arm", vec![BaselineVariable::new("size, cm")]),
        &BaselineOptions::default(),
    )
    .unwrap();
    assert!(first_overall
        .to_csv()
        .starts_with("Variable,Overall (n = 4),A<1> (n = 2),B&C (n = 2),p-value,Test\r\n"));
    assert!(
        html.contains("<td>&nbsp;&nbsp;&nbsp;&nbsp;x &quot;y&quot;</td>"),
        "{html}"
    );
    assert!(html.contains("<tbody>") && html.contains("</tbody>") && html.contains("<tfoot>"));
    assert!(html.contains("<sup>a</sup> "), "{html}");
    assert_eq!(out.footnotes.len(), 2);
}
