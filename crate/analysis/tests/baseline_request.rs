//! The Table 1 request (`analyses::baseline::run`) against R 4.2.2
//! (tests/reference/08_colon_baseline, survival::colon with etype 2; each
//! block's `call*` fields are the R calls: chisq.test(table(colon2$rx,
//! colon2$x), correct = FALSE) or fisher.test(same) by gtsummary's
//! expected-count rule, kruskal.test, summary(aov()), oneway.test). The
//! table's own layer (crate::baseline) is tested in baseline.rs; here the
//! request: variables by name or with a kind, the test choice, and the
//! laid-out rows printing the numbers of the result.

#[path = "../../stats/tests/support/mod.rs"]
mod support;

use support::*;
use survcalc_analysis::analyses::baseline::{
    run, BaselineRequest, BaselineResult, ContinuousTestChoice, VariableRequest,
};
use survcalc_analysis::baseline::{BaselineRowKind, BaselineVariable, BinaryRows, VariableKind};
use survcalc_analysis::export::DecimalMark;
use survcalc_analysis::format;
use survcalc_analysis::table::{read_csv, ReadOptions};

const CATEGORICAL: [&str; 8] = [
    "sex", "obstruct", "perfor", "adhere", "differ", "extent", "surg", "node4",
];

fn colon(request: &BaselineRequest) -> BaselineResult {
    let t = read_csv(
        data_file("08_colon_baseline", "data.csv").as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap();
    run(&t, request).unwrap()
}

/// The 0/1 columns are numbers in the file: named categorical, as the page
/// sends them; age and nodes by name alone (continuous, from the column type).
fn request(test: ContinuousTestChoice) -> BaselineRequest {
    let mut variables: Vec<VariableRequest> = CATEGORICAL
        .iter()
        .map(|c| {
            VariableRequest::Full(BaselineVariable {
                kind: Some(VariableKind::Categorical),
                ..BaselineVariable::new(c)
            })
        })
        .collect();
    variables.extend(["age", "nodes"].map(|c| VariableRequest::Column(c.to_string())));
    BaselineRequest {
        group: "rx".into(),
        variables,
        continuous_test: test,
        ..BaselineRequest::default()
    }
}

#[test]
fn colon_by_rx_every_p_value_equals_rs() {
    let reference = reference("08_colon_baseline");
    let r = colon(&request(ContinuousTestChoice::Kruskal));
    assert_eq!(r.table.n, 929);
    for v in CATEGORICAL {
        let block = &reference["tests"][format!("rx_by_{v}")];
        let fisher = num(&block["min_expected"]).unwrap() < 5.0;
        let expected = num(&block[if fisher { "fisher_p" } else { "p" }]).unwrap();
        let call = block[if fisher { "call_fisher" } else { "call_chisq" }]
            .as_str()
            .unwrap();
        let test = r.table.tests.iter().find(|t| t.variable == v).unwrap();
        assert_close(test.p, expected, CLOSED_FORM_REL, &format!("{v}: {call}"));
        if !fisher {
            assert_close(
                test.statistic.unwrap(),
                num(&block["chisq"]).unwrap(),
                CLOSED_FORM_REL,
                &format!("{v} chisq"),
            );
        }
    }
    for v in ["age", "nodes"] {
        let block = &reference["tests"][format!("{v}_by_rx")];
        let test = r.table.tests.iter().find(|t| t.variable == v).unwrap();
        assert_eq!(test.test, "Kruskal-Wallis rank sum test");
        assert_close(
            test.statistic.unwrap(),
            num(&block["kruskal"]["stat"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{v} H"),
        );
        assert_close(
            test.p,
            num(&block["kruskal"]["p"]).unwrap(),
            CLOSED_FORM_REL,
            &format!("{v} Kruskal p"),
        );
    }
    // Each variable's displayed p is its test's p, worded once.
    // (Display rows are the table's rows in order; labels may carry the
    // statistic, "age, median [IQR]", so the variable comes from the table.)
    for (row, table_row) in r
        .display
        .rows
        .iter()
        .zip(&r.table.rows)
        .filter(|(x, _)| x.kind == BaselineRowKind::Variable)
    {
        let test = r
            .table
            .tests
            .iter()
            .find(|t| t.variable == table_row.variable)
            .unwrap();
        assert_eq!(row.p, format::p_value(test.p), "{}", row.cells[0]);
        let mark = row.mark.as_deref().unwrap();
        assert_eq!(
            r.footnotes.iter().find(|f| f.mark == mark).unwrap().test,
            test.test
        );
    }
    assert_eq!(r.display.header.last().map(String::as_str), Some("p"));
}

#[test]
fn colon_anova_and_welch_on_request_equal_aov_and_oneway_test() {
    let reference = reference("08_colon_baseline");
    for (choice, key) in [
        (ContinuousTestChoice::Anova, "anova"),
        (ContinuousTestChoice::Welch, "welch"),
    ] {
        let r = colon(&request(choice));
        for v in ["age", "nodes"] {
            let block = &reference["tests"][format!("{v}_by_rx")];
            let test = r.table.tests.iter().find(|t| t.variable == v).unwrap();
            assert_close(
                test.p,
                num(&block[key]["p"]).unwrap(),
                CLOSED_FORM_REL,
                &format!("{v} {key}: {}", block["call"]),
            );
        }
    }
}

#[test]
fn exports_hold_the_displayed_table() {
    let r = colon(&request(ContinuousTestChoice::Kruskal));
    let csv_lines: Vec<&str> = r.csv.split("\r\n").collect();
    assert!(csv_lines[0].starts_with("Variable,"), "{}", csv_lines[0]);
    let tsv_header: Vec<&str> = r.tsv.split("\r\n").next().unwrap().split('\t').collect();
    // The group columns (the p column's title is the exports' own).
    let groups = r.display.header.len() - 1;
    assert_eq!(tsv_header[..groups], r.display.header[..groups]);
    let tsv_sex = r
        .tsv
        .split("\r\n")
        .find(|l| l.starts_with("sex\t"))
        .unwrap();
    let sex = r.display.rows.iter().find(|x| x.cells[0] == "sex").unwrap();
    assert!(tsv_sex.contains(&sex.p), "{tsv_sex}");
    assert!(r.html.starts_with("<table>"));
}

/// The synthetic cohort's text and its rows split into fields (the file
/// has no quoted fields).
fn cohort() -> (String, Vec<String>, Vec<Vec<String>>) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../www/examples/synthetic_hcc_cohort.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let head: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    (text, head, rows)
}

/// n (%) as the table prints it, counted here: `yes` of the rows with a
/// value in each group, groups in sorted order, overall first.
fn counted(
    head: &[String],
    rows: &[Vec<String>],
    group: &str,
    column: &str,
    yes: &str,
) -> Vec<String> {
    let (g, c) = (
        head.iter().position(|h| h == group).unwrap(),
        head.iter().position(|h| h == column).unwrap(),
    );
    let mut groups: Vec<&str> = rows.iter().map(|r| r[g].as_str()).collect();
    groups.sort_unstable();
    groups.dedup();
    let cell = |keep: &dyn Fn(&Vec<String>) -> bool| {
        let with_value: Vec<&Vec<String>> = rows
            .iter()
            .filter(|r| keep(r) && !r[c].is_empty())
            .collect();
        let n = with_value.iter().filter(|r| r[c] == yes).count();
        format!("{n} ({:.1}%)", 100.0 * n as f64 / with_value.len() as f64)
    };
    std::iter::once(cell(&|_| true))
        .chain(groups.iter().map(|name| cell(&|r| r[g] == *name)))
        .collect()
}

#[test]
fn synthetic_cohort_two_valued_variables_take_one_row_of_their_yes_level() {
    let (text, head, rows) = cohort();
    let t = read_csv(text.as_bytes(), &ReadOptions::default()).unwrap();
    let request = BaselineRequest {
        group: "combination".into(),
        variables: ["hbv", "sex", "afp_ge_400", "bclc", "age"]
            .map(|c| VariableRequest::Column(c.into()))
            .to_vec(),
        ..BaselineRequest::default()
    };
    let r = run(&t, &request).unwrap();
    let row = |label: &str| {
        r.display
            .rows
            .iter()
            .find(|x| x.cells[0] == label)
            .unwrap_or_else(|| panic!("{label}"))
    };
    // gtsummary: overall first; yes/no on one row counting "yes"; a
    // two-level text variable counts its second level and names it.
    assert!(
        r.display.header[1].starts_with("Overall (n = 601)"),
        "{:?}",
        r.display.header
    );
    assert_eq!(
        row("hbv").cells[1..],
        counted(&head, &rows, "combination", "hbv", "yes")[..]
    );
    assert_eq!(
        row("sex: male").cells[1..],
        counted(&head, &rows, "combination", "sex", "male")[..]
    );
    // afp_ge_400 has 5 missing values: percentages of those with a value,
    // the missing row under it.
    let afp = r
        .display
        .rows
        .iter()
        .position(|x| x.cells[0] == "afp_ge_400")
        .unwrap();
    assert_eq!(
        r.display.rows[afp].cells[1..],
        counted(&head, &rows, "combination", "afp_ge_400", "yes")[..]
    );
    assert_eq!(
        (
            r.display.rows[afp + 1].cells[0].as_str(),
            r.display.rows[afp + 1].cells[1].as_str()
        ),
        ("Missing", "5")
    );
    // Three levels: a variable row and a row per level.
    let bclc = r
        .display
        .rows
        .iter()
        .position(|x| x.cells[0] == "bclc")
        .unwrap();
    assert!(r.display.rows[bclc].cells[1..].iter().all(String::is_empty));
    assert_eq!(
        r.display.rows[bclc + 1].cells[1..],
        counted(&head, &rows, "combination", "bclc", "A")[..]
    );
    // The median on age's own row, with its p-value.
    let age = row("age, median [IQR]");
    assert_eq!((age.level, age.kind), (0, BaselineRowKind::Variable));
    assert!(!age.cells[1].is_empty() && !age.p.is_empty());

    // Both levels on request: hbv's "no" and "yes" rows under its name.
    let both = run(
        &t,
        &BaselineRequest {
            binary: BinaryRows::BothLevels,
            ..request.clone()
        },
    )
    .unwrap();
    let hbv = both
        .display
        .rows
        .iter()
        .position(|x| x.cells[0] == "hbv")
        .unwrap();
    let levels: Vec<&str> = both.display.rows[hbv + 1..hbv + 3]
        .iter()
        .map(|x| x.cells[0].as_str())
        .collect();
    assert_eq!(levels, ["no", "yes"]);
    assert_eq!(
        both.display.rows[hbv + 2].cells[1..],
        counted(&head, &rows, "combination", "hbv", "yes")[..]
    );
}

#[test]
fn a_decimal_comma_gives_a_semicolon_separated_csv() {
    let (text, head, rows) = cohort();
    let t = read_csv(text.as_bytes(), &ReadOptions::default()).unwrap();
    let request = BaselineRequest {
        group: "first_line".into(),
        variables: ["hbv", "age"]
            .map(|c| VariableRequest::Column(c.into()))
            .to_vec(),
        decimal_mark: DecimalMark::Comma,
        ..BaselineRequest::default()
    };
    let r = run(&t, &request).unwrap();
    let point = run(
        &t,
        &BaselineRequest {
            decimal_mark: DecimalMark::Point,
            ..request.clone()
        },
    )
    .unwrap();
    let lines: Vec<&str> = r.csv.split("\r\n").collect();
    let n_no = rows
        .iter()
        .filter(|r| r[head.iter().position(|h| h == "first_line").unwrap()] == "no")
        .count();
    assert_eq!(
        lines[0],
        format!(
            "Variable;Overall (n = 601);no (n = {n_no});yes (n = {});p-value;Test",
            601 - n_no
        )
    );
    // hbv: the counted cells with a decimal comma, the p-value with a comma,
    // its footnote letter in the last field.
    let cells: Vec<String> = counted(&head, &rows, "first_line", "hbv", "yes")
        .iter()
        .map(|c| c.replace('.', ","))
        .collect();
    let p = point
        .table
        .rows
        .iter()
        .find(|x| x.variable == "hbv")
        .unwrap()
        .p_text
        .replace('.', ",");
    assert!(p.contains(','), "{p}");
    assert_eq!(lines[1], format!("hbv;{};{p};a", cells.join(";")));
    // Age's median [IQR] is whole (no decimal to change); the footnotes
    // follow a blank line, letter and test in two fields.
    assert!(
        lines[2].starts_with("\"age, median [IQR]\";")
            || lines[2].starts_with("age, median [IQR];"),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3], "");
    assert_eq!(lines[4], format!("a;{}", r.footnotes[0].test));
    // No number in the semicolon file keeps a decimal point.
    assert!(
        !r.csv
            .split(';')
            .any(|f| f.chars().next().is_some_and(|c| c.is_ascii_digit()) && f.contains('.')),
        "{}",
        r.csv
    );
    // The point file is comma separated with the same cells.
    assert_eq!(
        point.csv.lines().next().unwrap(),
        lines[0].replace(';', ",")
    );
}
