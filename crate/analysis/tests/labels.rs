//! Variable labels set once (`labels`, column -> text) title Table 1's rows,
//! the KM legend and the KM tables' group column, the forest plots' rows of
//! Cox and model tables, subgroup blocks, and give way to the options that name one
//! figure's text.

#[path = "../../stats/tests/support/mod.rs"]
mod support;

use serde_json::{json, Value};
use support::*;
use survcalc_analysis::analyses::{baseline, competing, cox, km, models, subgroup};
use survcalc_analysis::request;
use survcalc_analysis::table::{read_csv, ReadOptions, Table};

fn lung() -> Table {
    read_csv(
        data_file("02_lung", "data.csv").as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap()
}

fn read<T: serde::de::DeserializeOwned>(value: Value) -> T {
    request::from_value(&value, "a test").unwrap_or_else(|e| panic!("{e}"))
}

fn labels() -> Value {
    json!({ "age": "Age, years", "sex": "Sex", "ph.ecog": "ECOG PS", "status": "  " })
}

#[test]
fn table_1_rows_take_the_labels_and_a_row_label_wins() {
    let request: baseline::BaselineRequest = read(json!({
        "group": "sex",
        "variables": ["age", { "column": "ph.ecog", "kind": "categorical", "label": "ECOG performance status" }, { "column": "status", "kind": "categorical" }],
        "labels": labels(),
    }));
    let r = baseline::run(&lung(), &request).unwrap();
    let firsts: Vec<&str> = r
        .display
        .rows
        .iter()
        .filter(|x| x.level == 0)
        .map(|x| x.cells[0].as_str())
        .collect();
    // A blank label is no label: status keeps its name.
    assert_eq!(
        firsts,
        [
            "Age, years, median [IQR]",
            "ECOG performance status",
            "status"
        ]
    );
    assert!(
        r.settings_text.contains("Groups: Sex ("),
        "{}",
        r.settings_text
    );
    // Without labels, the column names.
    let plain = baseline::run(
        &lung(),
        &baseline::BaselineRequest {
            labels: Default::default(),
            ..request
        },
    )
    .unwrap();
    assert_eq!(plain.display.rows[0].cells[0], "age, median [IQR]");
}

#[test]
fn the_km_legend_is_titled_by_the_group_label_unless_a_title_is_given() {
    let base = json!({ "time": "time", "event": "status", "event_values": ["2"], "group": "sex", "labels": labels() });
    let r = km::run(&lung(), &read(base.clone())).unwrap();
    assert_eq!(r.plot.legend_title, "Sex");
    // The summary table's group column is headed by the label too.
    assert_eq!(r.summary_table.header[0], "Sex");
    let mut titled = base.clone();
    titled["figure"] = json!({ "legend_title": "Patients" });
    assert_eq!(
        km::run(&lung(), &read(titled)).unwrap().plot.legend_title,
        "Patients"
    );
    let mut unlabelled = base;
    unlabelled["labels"] = json!({});
    let plain = km::run(&lung(), &read(unlabelled)).unwrap();
    assert_eq!(plain.plot.legend_title, "");
    assert_eq!(plain.summary_table.header[0], "sex");
}

#[test]
fn cox_and_model_tables_and_their_forest_rows_take_the_labels() {
    let cox_request = json!({
        "time": "time", "event": "status", "event_values": ["2"],
        "covariates": [{ "column": "age" }, { "column": "sex", "kind": "categorical" }],
        "labels": labels(),
    });
    let rows = |plot: &survcalc_analysis::plot::forest::ForestPlot| {
        plot.rows
            .iter()
            .map(|r| r.label.clone())
            .collect::<Vec<_>>()
    };
    let r = cox::run(&lung(), &read(cox_request.clone())).unwrap();
    let labelled = rows(&r.plot);
    assert!(
        labelled.contains(&"Age, years".to_string()) && labelled.contains(&"Sex".to_string()),
        "{labelled:?}"
    );
    assert!(
        !labelled.iter().any(|l| l == "age" || l == "sex"),
        "{labelled:?}"
    );
    // figure.row_labels names one figure's row: it wins.
    let mut named = cox_request;
    named["figure"] = json!({ "row_labels": { "age": "Age (per year)" } });
    let named = rows(&cox::run(&lung(), &read(named)).unwrap().plot);
    assert!(
        named.contains(&"Age (per year)".to_string()) && named.contains(&"Sex".to_string()),
        "{named:?}"
    );

    let table: models::ModelTableRequest = read(json!({
        "outcome": { "type": "survival", "time": "time", "event": "status", "event_values": ["2"] },
        "candidates": [{ "column": "age" }, { "column": "ph.ecog", "kind": "categorical" }],
        "labels": labels(),
    }));
    let result = models::run(&lung(), &table).unwrap();
    let forest = rows(&result.plot);
    assert!(
        forest.contains(&"Age, years".to_string()) && forest.contains(&"ECOG PS".to_string()),
        "{forest:?}"
    );
    // The tables too: the rows naming a variable, not its levels.
    let firsts = |t: &survcalc_analysis::export::DisplayTable| {
        t.rows.iter().map(|r| r[0].clone()).collect::<Vec<_>>()
    };
    let model_rows = firsts(&result.display_table);
    assert!(
        model_rows.contains(&"Age, years".to_string())
            && model_rows.contains(&"ECOG PS".to_string()),
        "{model_rows:?}"
    );
    assert!(
        !model_rows.iter().any(|l| l == "age" || l == "ph.ecog"),
        "{model_rows:?}"
    );
    let cox_rows = firsts(&r.hr_table);
    assert!(
        cox_rows.contains(&"Age, years".to_string()) && cox_rows.contains(&"Sex".to_string()),
        "{cox_rows:?}"
    );
    assert!(
        !cox_rows.iter().any(|l| l == "age" || l == "sex"),
        "{cox_rows:?}"
    );
}

#[test]
fn subgroup_blocks_are_headed_by_the_labels() {
    let base = json!({
        "outcome": { "time": "time", "event": "status", "event_values": ["2"] },
        "treatment": { "column": "sex", "kind": "categorical" },
        "subgroups": ["ph.ecog"],
        "labels": labels(),
    });
    let r = subgroup::run(&lung(), &read(base.clone())).unwrap();
    let headings: Vec<&str> = r
        .plot
        .rows
        .iter()
        .filter(|x| x.is_header)
        .map(|x| x.label.as_str())
        .collect();
    assert_eq!(headings, ["All patients", "ECOG PS"]);
    assert!(
        r.table.rows.iter().any(|row| row[0] == "ECOG PS"),
        "{:?}",
        r.table.rows
    );
    // The result's variable stays the column, for the page and the R script.
    assert_eq!(r.subgroups[0].variable, "ph.ecog");
    let mut unlabelled = base;
    unlabelled["labels"] = json!({});
    let plain = subgroup::run(&lung(), &read(unlabelled)).unwrap();
    assert!(plain.table.rows.iter().any(|row| row[0] == "ph.ecog"));
    assert!(!plain.table.rows.iter().any(|row| row[0] == "ECOG PS"));
}

#[test]
fn the_subgroup_title_and_methods_name_the_treatment_outcome_and_covariates_by_their_labels() {
    let base = json!({
        "outcome": { "time": "time", "event": "status", "event_values": ["2"] },
        "treatment": { "column": "sex", "kind": "categorical" },
        "subgroups": ["ph.ecog"],
        "adjust": [{ "column": "age" }],
        "labels": { "sex": "Sex", "age": "Age, years", "time": "Overall survival" },
    });
    let r = subgroup::run(&lung(), &read(base.clone())).unwrap();
    assert_eq!(
        r.plot.title,
        format!(
            "Hazard ratio of Sex ({}) by subgroup: Overall survival",
            r.comparison
        )
    );
    assert!(
        r.settings_text
            .contains(&format!("of the treatment Sex ({})", r.comparison)),
        "{}",
        r.settings_text
    );
    assert!(
        r.settings_text.contains("adjusted for Age, years;"),
        "{}",
        r.settings_text
    );
    let mut unlabelled = base.clone();
    unlabelled["labels"] = json!({});
    let plain = subgroup::run(&lung(), &read(unlabelled)).unwrap();
    assert_eq!(
        plain.plot.title,
        format!(
            "Hazard ratio of sex ({}) by subgroup: time",
            plain.comparison
        )
    );
    assert!(
        plain.settings_text.contains("adjusted for age;"),
        "{}",
        plain.settings_text
    );
    // The words change, not the numbers.
    assert_eq!(r.comparison, plain.comparison);
    assert_eq!(r.overall.estimate, plain.overall.estimate);
    assert_eq!(r.overall.lower, plain.overall.lower);
    let interaction = |x: &subgroup::SubgroupResult| {
        x.subgroups
            .iter()
            .map(|s| s.interaction.as_ref().map(|t| t.stat))
            .collect::<Vec<_>>()
    };
    assert_eq!(interaction(&r), interaction(&plain));
    assert_eq!(
        r.table
            .rows
            .iter()
            .map(|row| row[1..].to_vec())
            .collect::<Vec<_>>(),
        plain
            .table
            .rows
            .iter()
            .map(|row| row[1..].to_vec())
            .collect::<Vec<_>>()
    );

    // A numeric exposure is named by its label in the comparison itself.
    let mut numeric = base;
    numeric["treatment"] = json!({ "column": "age", "kind": "numeric" });
    numeric["adjust"] = json!([{ "column": "sex", "kind": "categorical" }]);
    let r = subgroup::run(&lung(), &read(numeric.clone())).unwrap();
    assert_eq!(r.comparison, "Age, years (per unit)");
    assert_eq!(
        r.plot.title,
        "Hazard ratio of Age, years (per unit) by subgroup: Overall survival"
    );
    assert!(
        r.settings_text.contains("adjusted for Sex;"),
        "{}",
        r.settings_text
    );
    numeric["labels"] = json!({});
    let plain = subgroup::run(&lung(), &read(numeric)).unwrap();
    assert_eq!(plain.comparison, "age (per unit)");
    assert_eq!(r.overall.estimate, plain.overall.estimate);
}

#[test]
fn competing_risks_name_the_groups_and_fine_gray_rows_by_their_labels() {
    let mgus2 = read_csv(
        data_file("11_mgus2_competing", "data.csv").as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap();
    let base = json!({
        "time": "etime", "event": "event", "event_values": ["1"], "competing_values": ["2"],
        "group": "sex", "times": [120], "covariates": [{ "column": "age" }, { "column": "sex" }, { "column": "hgb" }],
    });
    let mut labelled = base.clone();
    labelled["labels"] = json!({ "sex": "Sex", "age": "Age, years" });
    let plain = competing::run(&mgus2, &read(base)).unwrap();
    let r = competing::run(&mgus2, &read(labelled)).unwrap();
    assert_eq!(plain.summary_table.header[0], "sex");
    assert_eq!(r.summary_table.header[0], "Sex");
    assert!(
        r.test_text.iter().all(|t| !t.contains("by sex"))
            && r.test_text.iter().any(|t| t.contains("by Sex")),
        "{:?}",
        r.test_text
    );
    assert!(r.plot.title.ends_with("by Sex"), "{}", r.plot.title);
    let fine_gray = r.fine_gray.as_ref().expect("a Fine–Gray model");
    let firsts: Vec<&str> = fine_gray
        .shr_table
        .rows
        .iter()
        .map(|row| row[0].as_str())
        .collect();
    assert!(
        firsts.contains(&"Age, years") && firsts.contains(&"Sex") && firsts.contains(&"hgb"),
        "{firsts:?}"
    );
    let forest: Vec<&str> = fine_gray
        .plot
        .rows
        .iter()
        .map(|row| row.label.as_str())
        .collect();
    assert!(
        forest.contains(&"Age, years") && !forest.contains(&"age"),
        "{forest:?}"
    );
    // The numbers do not change with the words.
    assert_eq!(
        r.fine_gray.as_ref().unwrap().fit.shr,
        plain.fine_gray.as_ref().unwrap().fit.shr
    );
}
