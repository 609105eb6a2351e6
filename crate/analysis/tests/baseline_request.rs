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
use survcalc_analysis::analyses::baseline::{run, BaselineRequest, BaselineResult, ContinuousTestChoice, VariableRequest};
use survcalc_analysis::baseline::{BaselineRowKind, BaselineVariable, VariableKind};
use survcalc_analysis::format;
use survcalc_analysis::table::{read_csv, ReadOptions};

const CATEGORICAL: [&str; 8] = ["sex", "obstruct", "perfor", "adhere", "differ", "extent", "surg", "node4"];

fn colon(request: &BaselineRequest) -> BaselineResult {
    let t = read_csv(data_file("08_colon_baseline", "data.csv").as_bytes(), &ReadOptions::default()).unwrap();
    run(&t, request).unwrap()
}

/// The 0/1 columns are numbers in the file: named categorical, as the page
/// sends them; age and nodes by name alone (continuous, from the column type).
fn request(test: ContinuousTestChoice) -> BaselineRequest {
    let mut variables: Vec<VariableRequest> = CATEGORICAL
        .iter()
        .map(|c| VariableRequest::Full(BaselineVariable { kind: Some(VariableKind::Categorical), ..BaselineVariable::new(c) }))
        .collect();
    variables.extend(["age", "nodes"].map(|c| VariableRequest::Column(c.to_string())));
    BaselineRequest { group: "rx".into(), variables, continuous_test: test, ..BaselineRequest::default() }
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
        let call = block[if fisher { "call_fisher" } else { "call_chisq" }].as_str().unwrap();
        let test = r.table.tests.iter().find(|t| t.variable == v).unwrap();
        assert_close(test.p, expected, CLOSED_FORM_REL, &format!("{v}: {call}"));
        if !fisher {
            assert_close(test.statistic.unwrap(), num(&block["chisq"]).unwrap(), CLOSED_FORM_REL, &format!("{v} chisq"));
        }
    }
    for v in ["age", "nodes"] {
        let block = &reference["tests"][format!("{v}_by_rx")];
        let test = r.table.tests.iter().find(|t| t.variable == v).unwrap();
        assert_eq!(test.test, "Kruskal-Wallis rank sum test");
        assert_close(test.statistic.unwrap(), num(&block["kruskal"]["stat"]).unwrap(), CLOSED_FORM_REL, &format!("{v} H"));
        assert_close(test.p, num(&block["kruskal"]["p"]).unwrap(), CLOSED_FORM_REL, &format!("{v} Kruskal p"));
    }
    // Each variable's displayed p is its test's p, worded once.
    for row in r.display.rows.iter().filter(|x| x.kind == BaselineRowKind::Variable) {
        let test = r.table.tests.iter().find(|t| t.variable == row.cells[0]).unwrap();
        assert_eq!(row.p, format::p_value(test.p), "{}", row.cells[0]);
        let mark = row.mark.as_deref().unwrap();
        assert_eq!(r.footnotes.iter().find(|f| f.mark == mark).unwrap().test, test.test);
    }
    assert_eq!(r.display.header.last().map(String::as_str), Some("p"));
}

#[test]
fn colon_anova_and_welch_on_request_equal_aov_and_oneway_test() {
    let reference = reference("08_colon_baseline");
    for (choice, key) in [(ContinuousTestChoice::Anova, "anova"), (ContinuousTestChoice::Welch, "welch")] {
        let r = colon(&request(choice));
        for v in ["age", "nodes"] {
            let block = &reference["tests"][format!("{v}_by_rx")];
            let test = r.table.tests.iter().find(|t| t.variable == v).unwrap();
            assert_close(test.p, num(&block[key]["p"]).unwrap(), CLOSED_FORM_REL, &format!("{v} {key}: {}", block["call"]));
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
    let tsv_sex = r.tsv.split("\r\n").find(|l| l.starts_with("sex\t")).unwrap();
    let sex = r.display.rows.iter().find(|x| x.cells[0] == "sex").unwrap();
    assert!(tsv_sex.contains(&sex.p), "{tsv_sex}");
    assert!(r.html.starts_with("<table>"));
}
