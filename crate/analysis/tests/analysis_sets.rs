//! Analysis sets and derived variables against R, without new R runs: the
//! unfiltered code paths are checked against R's numbers elsewhere
//! (tests/reference), so a filtered, derived analysis is right when it
//! equals the same analysis on a file in which the test itself deleted the
//! other rows and wrote the derived column (computed here, independently).
//! Each test names the R call its numbers correspond to.

#[path = "../../stats/tests/support/mod.rs"]
mod support;

use serde::Serialize;
use serde_json::{json, Value};
use support::{data_file, ABS_FLOOR, CLOSED_FORM_REL};
use survcalc_analysis::analyses::{baseline, cox, km, models, rates};
use survcalc_analysis::analysis_set::{self, Condition, Filter};
use survcalc_analysis::derive::{self, Cut, DeriveRequest, LevelMap, Recode};
use survcalc_analysis::request;
use survcalc_analysis::table::{read_csv, ReadOptions, Table};

// ---------- a CSV edited by the test ----------

/// A fixture as cells, to delete rows and add columns by hand (the
/// fixtures have no quoted cells).
#[derive(Clone)]
struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn fixture(dataset: &str) -> Csv {
        let text = data_file(dataset, "data.csv");
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let split = |l: &str| l.split(',').map(str::to_string).collect::<Vec<_>>();
        let header = split(lines.next().unwrap());
        Csv {
            header,
            rows: lines.map(split).collect(),
        }
    }

    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    /// The rows whose `column` satisfies `keep` (R's subset).
    fn keep(&self, column: &str, keep: impl Fn(&str) -> bool) -> Csv {
        let c = self.col(column);
        Csv {
            header: self.header.clone(),
            rows: self.rows.iter().filter(|r| keep(&r[c])).cloned().collect(),
        }
    }

    /// A new column computed from `column`'s cells ("NA" stays "NA").
    fn with(&self, name: &str, column: &str, f: impl Fn(f64) -> String) -> Csv {
        let c = self.col(column);
        let mut out = self.clone();
        out.header.push(name.to_string());
        for r in &mut out.rows {
            let cell = r[c].clone();
            r.push(if cell == "NA" {
                "NA".to_string()
            } else {
                f(cell.parse::<f64>().unwrap())
            });
        }
        out
    }

    /// `column`'s cells replaced.
    fn replace(&self, column: &str, f: impl Fn(&str) -> String) -> Csv {
        let c = self.col(column);
        let mut out = self.clone();
        for r in &mut out.rows {
            r[c] = f(&r[c]);
        }
        out
    }

    fn table(&self) -> Table {
        let mut text = self.header.join(",") + "\n";
        for r in &self.rows {
            text.push_str(&r.join(","));
            text.push('\n');
        }
        read_csv(text.as_bytes(), &ReadOptions::default()).unwrap()
    }
}

fn fixture(dataset: &str) -> Table {
    read_csv(
        data_file(dataset, "data.csv").as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap()
}

fn read<T: serde::de::DeserializeOwned>(value: Value) -> T {
    request::from_value(&value, "a test").unwrap_or_else(|e| panic!("{e}"))
}

fn derived(table: &mut Table, value: Value) -> String {
    derive::derive(table, &read::<DeriveRequest>(value))
        .unwrap_or_else(|e| panic!("{e}"))
        .column
}

/// A number as the hand-made file holds it: the shortest text that reads
/// back to the same double.
fn cell(x: f64) -> String {
    format!("{x:?}")
}

/// Every number in `actual` equals the one in `expected` to
/// CLOSED_FORM_REL (the same computation on the same rows), every text and
/// flag is the same, every list as long.
#[track_caller]
fn assert_same<T: Serialize + ?Sized, U: Serialize + ?Sized>(actual: &T, expected: &U, what: &str) {
    fn walk(a: &Value, e: &Value, path: &str) {
        match (a, e) {
            (Value::Number(x), Value::Number(y)) => {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                let diff = (x - y).abs();
                assert!(
                    diff <= CLOSED_FORM_REL * y.abs() || diff <= ABS_FLOOR,
                    "{path}: {x:e} vs {y:e}"
                );
            }
            (Value::Array(x), Value::Array(y)) => {
                assert_eq!(x.len(), y.len(), "{path}: lengths");
                for (i, (x, y)) in x.iter().zip(y).enumerate() {
                    walk(x, y, &format!("{path}[{i}]"));
                }
            }
            (Value::Object(x), Value::Object(y)) => {
                let keys_x: Vec<&String> = x.keys().collect();
                let keys_y: Vec<&String> = y.keys().collect();
                assert_eq!(keys_x, keys_y, "{path}: fields");
                for (k, v) in x {
                    walk(v, &y[k], &format!("{path}.{k}"));
                }
            }
            (x, y) => assert_eq!(x, y, "{path}"),
        }
    }
    walk(
        &serde_json::to_value(actual).unwrap(),
        &serde_json::to_value(expected).unwrap(),
        what,
    );
}

/// `value` without the fields named `keys`, at any depth: file lines (a
/// hand-made file numbers its lines anew; the set keeps the original ones)
/// and warnings (levels unused within a set are noted there only).
fn without<T: Serialize + ?Sized>(value: &T, keys: &[&str]) -> Value {
    fn strip(v: &mut Value, keys: &[&str]) {
        match v {
            Value::Object(map) => {
                map.retain(|k, _| !keys.contains(&k.as_str()));
                map.values_mut().for_each(|v| strip(v, keys));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| strip(v, keys)),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(value).unwrap();
    strip(&mut v, keys);
    v
}

fn filter(name: &str, conditions: Value) -> Value {
    json!({ "name": name, "conditions": conditions })
}

// ---------- Cox: subset, I(x >= k), log(x) ----------

/// R: coxph(Surv(time, status) ~ I(ph.karno >= 80) + log(meal.cal) + age,
///          data = lung, subset = sex == 1)
/// as the same model on the men alone, with the indicator and the log
/// written into the file by the test.
#[test]
fn cox_within_a_set_with_a_cut_and_a_log_equals_the_hand_made_file() {
    let mut t = fixture("02_lung");
    let karno = derived(&mut t, json!({"cut": {"column": "ph.karno", "at": [80]}}));
    let log_meal = derived(
        &mut t,
        json!({"transform": {"column": "meal.cal", "function": "log"}}),
    );
    assert_eq!(
        (karno.as_str(), log_meal.as_str()),
        ("ph.karno_ge_80", "log_meal.cal")
    );
    let covariates =
        json!([{"column": karno, "reference": "< 80"}, {"column": log_meal}, {"column": "age"}]);
    let request: cox::CoxRequest = read(
        json!({"time": "time", "event": "status", "event_values": [2],
        "covariates": covariates, "filter": filter("Men", json!([{"column": "sex", "values": [1]}]))}),
    );
    let r = cox::run(&t, &request).unwrap();

    let hand = Csv::fixture("02_lung")
        .keep("sex", |s| s == "1")
        .with(&karno, "ph.karno", |x| {
            if x >= 80.0 {
                "≥ 80".into()
            } else {
                "< 80".into()
            }
        })
        .with(&log_meal, "meal.cal", |x| cell(x.ln()))
        .table();
    let plain = cox::CoxRequest {
        filter: None,
        ..request.clone()
    };
    let e = cox::run(&hand, &plain).unwrap();

    assert_same(&r.fit, &e.fit, "fit");
    assert_same(&r.hr_table, &e.hr_table, "hr_table");
    assert_same(&r.zph, &e.zph, "zph");
    assert_same(&r.tests_text, &e.tests_text, "tests_text");
    assert_same(&r.design_terms, &e.design_terms, "design_terms");
    assert_eq!(
        (r.n_read, r.n_used, r.n_events),
        (e.n_read, e.n_used, e.n_events)
    );
    assert_eq!(r.n_read, 138, "the men of lung");
    // The set is stated; rows outside it are counted apart from missing values.
    let set = r.analysis_set.as_ref().unwrap();
    assert_eq!((set.n_in, set.n_total), (138, 228));
    assert!(
        r.settings_text
            .starts_with("Patients: Men (sex = 1), 138 of 228. "),
        "{}",
        r.settings_text
    );
    assert!(
        r.settings_text
            .contains("ph.karno_ge_80 = ph.karno cut at 80 into \"< 80\", \"≥ 80\""),
        "{}",
        r.settings_text
    );
    assert!(
        r.settings_text.contains("log_meal.cal = log(meal.cal)"),
        "{}",
        r.settings_text
    );
    assert_eq!(
        r.n_text,
        e.n_text
            .replace("patients analysed", "patients in “Men” analysed")
    );
    assert_eq!(r.warnings[0].code(), "outside_analysis_set");
    assert_same(
        &without(&r.warnings[1..], &["lines", "message"]),
        &without(&e.warnings, &["lines", "message"]),
        "the other warnings",
    );
    assert_eq!(r.plot.caption.as_deref(), Some(set.text.as_str()));
    // Figures have no title unless asked (journals title them in the
    // legend): the caption under the figure names the set.
    assert!(r.plot.title.is_empty(), "{}", r.plot.title);
    assert!(set.text.contains("Men"), "{}", set.text);
    assert_same(
        &without(&r.dropped, &["lines"]),
        &without(&e.dropped, &["lines"]),
        "dropped (missing values in the set only)",
    );
}

/// The cut and the log are the columns computed here: I(ph.karno >= 80)
/// and log(meal.cal), NA where the value is NA.
#[test]
fn a_cut_and_a_log_are_the_columns_computed_by_hand() {
    let mut t = fixture("02_lung");
    derived(&mut t, json!({"cut": {"column": "ph.karno", "at": [80]}}));
    derived(
        &mut t,
        json!({"transform": {"column": "meal.cal", "function": "log"}}),
    );
    derived(
        &mut t,
        json!({"transform": {"column": "meal.cal", "function": "log10"}}),
    );
    derived(
        &mut t,
        json!({"transform": {"column": "meal.cal", "function": "log2"}}),
    );
    derived(
        &mut t,
        json!({"transform": {"column": "age", "function": "per_units", "per": 10}}),
    );
    derived(
        &mut t,
        json!({"cut": {"column": "age", "at": [60, 70], "cut_point_in": "lower"}}),
    );
    let lung = Csv::fixture("02_lung");
    let values = |name: &str| -> Vec<Option<f64>> {
        let c = lung.col(name);
        lung.rows.iter().map(|r| r[c].parse::<f64>().ok()).collect()
    };
    let column = |name: &str| {
        t.column(name)
            .unwrap_or_else(|| panic!("{name}"))
            .data
            .clone()
    };
    use survcalc_analysis::table::ColumnData;
    let ColumnData::Category { codes, levels } = column("ph.karno_ge_80") else {
        panic!()
    };
    assert_eq!(levels, ["< 80", "≥ 80"]);
    for (code, x) in codes.iter().zip(values("ph.karno")) {
        assert_eq!(*code, x.map(|x| u32::from(x >= 80.0)));
    }
    let ColumnData::Category { codes, levels } = column("age_groups") else {
        panic!()
    };
    // R: cut(age, c(-Inf, 60, 70, Inf)): (-Inf, 60], (60, 70], (70, Inf).
    assert_eq!(levels, ["≤ 60", "> 60 to ≤ 70", "> 70"]);
    for (code, x) in codes.iter().zip(values("age")) {
        let x = x.unwrap();
        assert_eq!(
            *code,
            Some(if x <= 60.0 {
                0
            } else if x <= 70.0 {
                1
            } else {
                2
            })
        );
    }
    let number = |name: &str| match column(name) {
        ColumnData::Number(v) => v,
        _ => panic!("{name}"),
    };
    let close = |a: Option<f64>, e: Option<f64>| match (a, e) {
        (Some(a), Some(e)) => assert!(
            (a - e).abs() <= CLOSED_FORM_REL * e.abs().max(1.0),
            "{a} vs {e}"
        ),
        (a, e) => assert_eq!(a, e),
    };
    for (((ln, l10), l2), meal) in number("log_meal.cal")
        .into_iter()
        .zip(number("log10_meal.cal"))
        .zip(number("log2_meal.cal"))
        .zip(values("meal.cal"))
    {
        close(ln, meal.map(f64::ln));
        close(l10, meal.map(f64::log10));
        close(l2, meal.map(f64::log2));
    }
    for (per10, age) in number("age_per_10").into_iter().zip(values("age")) {
        close(per10, age.map(|a| a / 10.0));
    }
}

/// R: scale(age): (age − mean(age)) / sd(age) over all 228 patients.
#[test]
fn standardising_uses_the_mean_and_the_sd_with_n_minus_1() {
    let mut t = fixture("02_lung");
    let r = derive::derive(
        &mut t,
        &read(json!({"transform": {"column": "age", "function": "standardise"}})),
    )
    .unwrap();
    let lung = Csv::fixture("02_lung");
    let c = lung.col("age");
    let ages: Vec<f64> = lung.rows.iter().map(|r| r[c].parse().unwrap()).collect();
    let n = ages.len() as f64;
    let mean = ages.iter().sum::<f64>() / n;
    let sd = (ages.iter().map(|a| (a - mean) * (a - mean)).sum::<f64>() / (n - 1.0)).sqrt();
    let survcalc_analysis::table::ColumnData::Number(z) = &t.column(&r.column).unwrap().data else {
        panic!()
    };
    for (z, a) in z.iter().zip(&ages) {
        let e = (a - mean) / sd;
        assert!((z.unwrap() - e).abs() <= CLOSED_FORM_REL * e.abs().max(1.0));
    }
    assert!(
        r.formula.contains("scale(age)") && r.formula.contains("228 values"),
        "{}",
        r.formula
    );
}

// ---------- Kaplan–Meier by a merged category within a set ----------

/// R: veteran$cell2 <- factor(ifelse(veteran$celltype %in% c("smallcell", "adeno"),
///        "smallcell or adeno", as.character(veteran$celltype)));
///    survfit(Surv(time, status) ~ cell2, data = veteran, subset = karno >= 50)
///    survdiff(Surv(time, status) ~ cell2, data = veteran, subset = karno >= 50)
#[test]
fn km_by_a_merged_category_within_a_set_equals_the_hand_made_file() {
    let mut t = fixture("03_veteran");
    let recode: DeriveRequest = DeriveRequest {
        name: "cell2".into(),
        recode: Some(Recode {
            column: "celltype".into(),
            levels: vec![LevelMap {
                from: vec!["smallcell".into(), "adeno".into()],
                to: "smallcell or adeno".into(),
            }],
            // The order R's factor() gives the hand-made column.
            order: vec!["large".into(), "smallcell or adeno".into()],
            ..Recode::default()
        }),
        ..DeriveRequest::default()
    };
    let result = derive::derive(&mut t, &recode).unwrap();
    assert_eq!(result.levels, ["large", "smallcell or adeno", "squamous"]);
    let request: km::KmRequest = read(
        json!({"time": "time", "event": "status", "event_values": [1], "group": "cell2",
        "times": [30, 90], "rmst_tau": 200, "pairwise": "holm",
        "filter": filter("", json!([{"column": "karno", "at_least": 50}]))}),
    );
    let r = km::run(&t, &request).unwrap();

    let hand = Csv::fixture("03_veteran")
        .keep("karno", |k| k.parse::<f64>().unwrap() >= 50.0)
        .replace("celltype", |c| {
            if c == "smallcell" || c == "adeno" {
                "smallcell or adeno".into()
            } else {
                c.into()
            }
        });
    let mut hand = hand.clone();
    let c = hand.col("celltype");
    hand.header[c] = "cell2".into();
    let e = km::run(
        &hand.table(),
        &km::KmRequest {
            filter: None,
            ..request.clone()
        },
    )
    .unwrap();

    assert_same(&r.fit, &e.fit, "fit");
    assert_same(&r.logrank, &e.logrank, "logrank");
    assert_same(&r.pairwise, &e.pairwise, "pairwise");
    assert_same(
        &r.survival_at_times,
        &e.survival_at_times,
        "survival_at_times",
    );
    assert_same(&r.rmst, &e.rmst, "rmst");
    assert_same(&r.follow_up, &e.follow_up, "follow_up");
    assert_same(&r.summary_table, &e.summary_table, "summary_table");
    assert_same(&r.plot.curves, &e.plot.curves, "plot curves");
    assert_eq!(r.n_used, 99);
    let set = r.analysis_set.as_ref().unwrap();
    assert_eq!(set.text, "Patients: karno ≥ 50, 99 of 137.");
    assert!(
        r.settings_text
            .starts_with("Patients: karno ≥ 50, 99 of 137. Kaplan–Meier"),
        "{}",
        r.settings_text
    );
    assert!(
        r.settings_text.contains(
            "cell2 = celltype recoded: \"smallcell\", \"adeno\" merged as \"smallcell or adeno\""
        ),
        "{}",
        r.settings_text
    );
    // No title unless asked: the caption under the figure names the set.
    assert!(r.plot.title.is_empty(), "{}", r.plot.title);
    assert!(
        r.plot
            .caption
            .as_deref()
            .is_some_and(|c| c.contains("karno ≥ 50")),
        "{:?}",
        r.plot.caption
    );
}

// ---------- model tables ----------

/// R: lung$age_std <- as.vector(scale(lung$age))   (over all 228 patients)
///    coxph(Surv(time, status) ~ age_std, data = lung, subset = sex == 2)
///    coxph(Surv(time, status) ~ factor(ph.ecog), data = lung, subset = sex == 2)
///    coxph(Surv(time, status) ~ age_std + factor(ph.ecog), data = lung, subset = sex == 2)
#[test]
fn cox_model_table_within_a_set_equals_the_hand_made_file() {
    let mut t = fixture("02_lung");
    let std = derived(
        &mut t,
        json!({"transform": {"column": "age", "function": "standardise"}}),
    );
    let request: models::ModelTableRequest = read(json!({
        "outcome": {"time": "time", "event": "status", "event_values": [2]},
        "candidates": [{"column": std}, {"column": "ph.ecog", "kind": "categorical"}],
        "multivariable": [std, "ph.ecog"],
        "filter": filter("Women", json!([{"column": "sex", "values": ["2"]}]))}));
    let r = models::run(&t, &request).unwrap();

    let lung = Csv::fixture("02_lung");
    let c = lung.col("age");
    let ages: Vec<f64> = lung.rows.iter().map(|r| r[c].parse().unwrap()).collect();
    let n = ages.len() as f64;
    let mean = ages.iter().sum::<f64>() / n;
    let sd = (ages.iter().map(|a| (a - mean) * (a - mean)).sum::<f64>() / (n - 1.0)).sqrt();
    let hand = lung
        .with(&std, "age", |a| cell((a - mean) / sd))
        .keep("sex", |s| s == "2")
        .table();
    let e = models::run(
        &hand,
        &models::ModelTableRequest {
            filter: None,
            ..request.clone()
        },
    )
    .unwrap();

    // The standardised values differ from the derived ones in the last bit
    // at most (computed twice), so the fits agree to rounding.
    assert_same(&r.table.rows, &e.table.rows, "rows");
    let ignored = ["warnings", "lines"];
    assert_same(
        &without(&r.table.univariate, &ignored),
        &without(&e.table.univariate, &ignored),
        "univariate",
    );
    assert_same(
        &without(&r.table.multivariable, &ignored),
        &without(&e.table.multivariable, &ignored),
        "multivariable",
    );
    assert_same(&r.display_table, &e.display_table, "display_table");
    assert_same(
        &without(&r.table.outcome, &ignored),
        &without(&e.table.outcome, &ignored),
        "outcome (n_read = the set's 90 women)",
    );
    // ECOG 3 occurs among men only: within the set it is an unused level, noted.
    let unused = r.table.univariate[1]
        .warnings
        .iter()
        .find(|w| w.code() == "unused_levels")
        .expect("noted");
    assert!(unused.message().contains("\"3\""), "{}", unused.message());
    assert_eq!(r.table.outcome.n_read, 90);
    assert_eq!(
        r.n_text,
        e.n_text.replace(
            "patients with a known outcome",
            "patients in “Women” with a known outcome"
        )
    );
    assert!(
        r.settings_text
            .starts_with("Patients: Women (sex = 2), 90 of 228. "),
        "{}",
        r.settings_text
    );
}

/// R: glm(case ~ spontaneous, family = binomial, data = infert, subset = age >= 30)
///    glm(case ~ induced, ...), glm(case ~ spontaneous + induced, ...)
#[test]
fn logistic_model_table_within_a_set_equals_the_hand_made_file() {
    let t = fixture("06_infert");
    let request: models::ModelTableRequest = read(json!({
        "outcome": {"type": "binary", "column": "case", "event_values": [1]},
        "candidates": [{"column": "spontaneous"}, {"column": "induced"}], "multivariable": ["spontaneous", "induced"],
        "filter": filter("", json!([{"column": "age", "at_least": 30}]))}));
    let r = models::run(&t, &request).unwrap();
    let hand = Csv::fixture("06_infert")
        .keep("age", |a| a.parse::<f64>().unwrap() >= 30.0)
        .table();
    let e = models::run(
        &hand,
        &models::ModelTableRequest {
            filter: None,
            ..request.clone()
        },
    )
    .unwrap();
    assert_same(&r.table.rows, &e.table.rows, "rows");
    assert_same(&r.table.univariate, &e.table.univariate, "univariate");
    assert_same(
        &r.table.multivariable,
        &e.table.multivariable,
        "multivariable",
    );
    assert_eq!((r.table.outcome.n_read, r.table.outcome.n), (146, 146));
    assert_eq!(r.warnings[0].code(), "outside_analysis_set");
}

/// Secondary vs durable response within a set: the compared outcome values
/// and the set together (R: glm(y ~ x, subset = grp %in% c("b", "c") & arm == "A")).
#[test]
fn compared_outcome_values_within_a_set() {
    let mut text = String::from("grp,arm,x\n");
    for i in 0..60 {
        let grp = ["a", "b", "c"][i % 3];
        let arm = if i % 4 == 0 { "B" } else { "A" };
        text.push_str(&format!("{grp},{arm},{}\n", (i * 7) % 11));
    }
    let t = read_csv(text.as_bytes(), &ReadOptions::default()).unwrap();
    let request: models::ModelTableRequest = read(json!({
        "outcome": {"type": "binary", "column": "grp", "event_values": ["b"], "non_event_values": ["c"]},
        "candidates": [{"column": "x"}], "multivariable": [],
        "filter": filter("Arm A", json!([{"column": "arm", "values": ["A"]}]))}));
    let r = models::run(&t, &request).unwrap();
    let hand_text: String = text
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || l.split(',').nth(1) == Some("A"))
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    let hand = read_csv(hand_text.as_bytes(), &ReadOptions::default()).unwrap();
    let e = models::run(
        &hand,
        &models::ModelTableRequest {
            filter: None,
            ..request.clone()
        },
    )
    .unwrap();
    assert_same(&r.table.univariate, &e.table.univariate, "univariate");
    assert_eq!(r.table.outcome.n_read, 45, "the set's rows");
    assert!(
        r.settings_text
            .contains("15 patients with another value left out"),
        "{}",
        r.settings_text
    );
    assert_eq!(
        r.settings_text.split("left out").count(),
        e.settings_text.split("left out").count()
    );
}

// ---------- Table 1 and rates ----------

/// R: colon$nodes4 <- cut(colon$nodes, c(-Inf, 4, Inf), right = FALSE)
///    tbl_summary(subset(colon, extent == 3), by = rx,
///                include = c(age, sex, nodes4)) |> add_p()
#[test]
fn table1_within_a_set_equals_the_hand_made_file() {
    let mut t = fixture("08_colon_baseline");
    let nodes = derived(
        &mut t,
        json!({"name": "nodes4", "cut": {"column": "nodes", "at": [4]}}),
    );
    let request: baseline::BaselineRequest = read(json!({"group": "rx",
        "variables": ["age", {"column": "sex", "kind": "categorical"}, nodes],
        "filter": filter("Extent 3", json!([{"column": "extent", "values": [3]}]))}));
    let r = baseline::run(&t, &request).unwrap();
    let hand = Csv::fixture("08_colon_baseline")
        .keep("extent", |e| e == "3")
        .with(&nodes, "nodes", |x| {
            if x >= 4.0 {
                "≥ 4".into()
            } else {
                "< 4".into()
            }
        })
        .table();
    let e = baseline::run(
        &hand,
        &baseline::BaselineRequest {
            filter: None,
            ..request.clone()
        },
    )
    .unwrap();
    assert_same(&r.table.rows, &e.table.rows, "rows");
    assert_same(&r.table.tests, &e.table.tests, "tests");
    assert_same(&r.display, &e.display, "display");
    assert_eq!((r.table.n, r.table.n_missing_group), (759, 0));
    assert!(
        r.settings_text
            .starts_with("Patients: Extent 3 (extent = 3), 759 of 929. Groups: rx"),
        "{}",
        r.settings_text
    );
    assert!(
        r.settings_text.contains("nodes4 = nodes cut at 4"),
        "{}",
        r.settings_text
    );
}

/// R: binom.test / chisq.test of table(ph.ecog == 0, sex) on subset(lung, age >= 65).
#[test]
fn rates_within_a_set_equal_the_hand_made_file() {
    let t = fixture("02_lung");
    let request: rates::RatesRequest = read(
        json!({"outcome": "ph.ecog", "success_values": [0], "group": "sex",
        "filter": filter("65 and over", json!([{"column": "age", "at_least": 65}]))}),
    );
    let r = rates::run(&t, &request).unwrap();
    let hand = Csv::fixture("02_lung")
        .keep("age", |a| a.parse::<f64>().unwrap() >= 65.0)
        .table();
    let e = rates::run(
        &hand,
        &rates::RatesRequest {
            filter: None,
            ..request.clone()
        },
    )
    .unwrap();
    assert_same(&r.overall, &e.overall, "overall");
    assert_same(&r.groups, &e.groups, "groups");
    assert_same(&r.test, &e.test, "test");
    assert_same(
        &r.left_out,
        &e.left_out,
        "left out (missing values in the set only)",
    );
    assert_eq!(r.n_used, e.n_used);
}

// ---------- Cox with (start, stop] rows, a time-varying status, a time split ----------

/// R: coxph(Surv(start, stop, event) ~ age + transplant, data = heart, subset = surgery == 0)
#[test]
fn counting_process_cox_within_a_set() {
    let t = fixture("05_heart");
    let request: cox::CoxRequest = read(
        json!({"time": "stop", "start": "start", "event": "event", "event_values": [1],
        "covariates": [{"column": "age"}, {"column": "transplant"}], "cluster": "id",
        "filter": filter("", json!([{"column": "surgery", "values": [0]}]))}),
    );
    let r = cox::run(&t, &request).unwrap();
    let e = cox::run(
        &Csv::fixture("05_heart")
            .keep("surgery", |s| s == "0")
            .table(),
        &cox::CoxRequest {
            filter: None,
            ..request.clone()
        },
    )
    .unwrap();
    assert_same(&r.fit, &e.fit, "fit");
    assert_eq!(r.n_read, 143);
    assert!(r.n_text.contains("rows in “surgery = 0”"), "{}", r.n_text);
}

/// R: tmerge(...) on the women of lung with meal.cal as the switch time,
///    coxph(Surv(tstart, tstop, status) ~ age + switched, data = split)
#[test]
fn time_varying_cox_within_a_set() {
    let t = fixture("02_lung");
    let request: cox::CoxRequest = read(
        json!({"time": "time", "event": "status", "event_values": [2],
        "covariates": [{"column": "age"}], "time_varying": {"column": "meal.cal"},
        "filter": filter("Women", json!([{"column": "sex", "values": [2]}]))}),
    );
    let r = cox::run(&t, &request).unwrap();
    let e = cox::run(
        &Csv::fixture("02_lung").keep("sex", |s| s == "2").table(),
        &cox::CoxRequest {
            filter: None,
            ..request.clone()
        },
    )
    .unwrap();
    assert_same(&r.fit, &e.fit, "fit");
    assert_same(&r.time_varying, &e.time_varying, "time_varying");
    assert!(
        r.n_text
            .starts_with("90 of 90 patients in “Women” analysed"),
        "{}",
        r.n_text
    );
}

/// R: survSplit(Surv(time, status) ~ ., data = subset(veteran, trt == 2), cut = c(90, 180), episode = "tgroup")
///    coxph(Surv(tstart, time, status) ~ karno:strata(tgroup) + celltype, data = split)
#[test]
fn time_split_cox_within_a_set() {
    let t = fixture("03_veteran");
    let request: cox::CoxRequest = read(
        json!({"time": "time", "event": "status", "event_values": [1],
        "covariates": [{"column": "karno"}, {"column": "celltype"}], "time_split": {"cuts": [90, 180], "covariates": ["karno"]},
        "filter": filter("", json!([{"column": "trt", "values": [2]}]))}),
    );
    let r = cox::run(&t, &request).unwrap();
    let e = cox::run(
        &Csv::fixture("03_veteran").keep("trt", |s| s == "2").table(),
        &cox::CoxRequest {
            filter: None,
            ..request.clone()
        },
    )
    .unwrap();
    assert_same(&r.fit, &e.fit, "fit");
    assert_same(&r.time_split, &e.time_split, "time_split");
    assert_same(&r.hr_table, &e.hr_table, "hr_table");
}

// ---------- what a set selects, and its mistakes ----------

fn small() -> Table {
    let text = "id,time,status,grp,score,start\n\
                1,5,1,a,10,2020-01-05\n\
                2,8,0,b,20,2020-02-10\n\
                3,,1,a,NA,2020-03-15\n\
                4,12,1,c,40,\n\
                5,3,0,a,50,2020-05-01\n\
                6,9,1,b,60,2020-06-30\n";
    read_csv(text.as_bytes(), &ReadOptions::default()).unwrap()
}

fn select(t: &Table, conditions: Value) -> Result<Vec<usize>, String> {
    analysis_set::select(t, &read::<Filter>(filter("", conditions))).map(|s| s.rows().to_vec())
}

#[test]
fn conditions_combine_with_and_and_missing_values_meet_none() {
    let t = small();
    assert_eq!(
        select(&t, json!([{"column": "grp", "values": ["a", "b"]}])).unwrap(),
        [0, 1, 2, 4, 5]
    );
    // Thresholds: the side that includes the value is in the name.
    assert_eq!(
        select(&t, json!([{"column": "score", "at_least": 20}])).unwrap(),
        [1, 3, 4, 5]
    );
    assert_eq!(
        select(&t, json!([{"column": "score", "above": 20}])).unwrap(),
        [3, 4, 5]
    );
    assert_eq!(
        select(&t, json!([{"column": "score", "at_most": 20}])).unwrap(),
        [0, 1]
    );
    assert_eq!(
        select(&t, json!([{"column": "score", "below": 20}])).unwrap(),
        [0]
    );
    assert_eq!(
        select(
            &t,
            json!([{"column": "score", "at_least": 20, "below": 50}])
        )
        .unwrap(),
        [1, 3]
    );
    // Numbers compare as numbers.
    assert_eq!(
        select(&t, json!([{"column": "score", "values": [20, "40.0"]}])).unwrap(),
        [1, 3]
    );
    // Dates: both ends included; a missing date meets no range.
    assert_eq!(
        select(
            &t,
            json!([{"column": "start", "from_date": "2020-02-10", "to_date": "2020-05-01"}])
        )
        .unwrap(),
        [1, 2, 4]
    );
    assert_eq!(
        select(&t, json!([{"column": "start", "to_date": "2020-02-10"}])).unwrap(),
        [0, 1]
    );
    assert_eq!(
        select(&t, json!([{"column": "time", "present": true}])).unwrap(),
        [0, 1, 3, 4, 5]
    );
    assert_eq!(
        select(
            &t,
            json!([{"column": "grp", "values": ["a"]}, {"column": "time", "present": true}])
        )
        .unwrap(),
        [0, 4]
    );
    let set = analysis_set::select(&t, &read::<Filter>(filter("A with a time", json!([
        {"column": "grp", "values": ["a"]}, {"column": "time", "present": true},
        {"column": "score", "at_least": 5, "at_most": 50}, {"column": "start", "from_date": "2020-01-01"}]))))
    .unwrap()
    .set;
    assert_eq!(
        set.text,
        "Patients: A with a time (grp = a and time not missing and 5 ≤ score ≤ 50 and start on or after 2020-01-01), 2 of 6."
    );
}

#[test]
fn mistakes_in_a_set_are_named() {
    let t = small();
    let e = select(&t, json!([{"column": "grp", "values": ["d"]}])).unwrap_err();
    assert!(
        e.contains("column \"grp\" has no value \"d\"") && e.contains("\"a\", \"b\", \"c\""),
        "{e}"
    );
    let e = select(&t, json!([{"column": "gpr", "values": ["a"]}])).unwrap_err();
    assert!(
        e.contains("no column named \"gpr\"; did you mean \"grp\"?"),
        "{e}"
    );
    // A threshold on a text column names the column, a cell and its line.
    let e = select(&t, json!([{"column": "grp", "at_least": 2}])).unwrap_err();
    assert_eq!(
        e,
        "Column \"grp\" holds categories (e.g. \"a\" on line 2), not numbers; a threshold needs a column of numbers."
    );
    let e = select(&t, json!([{"column": "score", "from_date": "2020-01-01"}])).unwrap_err();
    assert!(e.contains("holds numbers, not dates"), "{e}");
    let e = select(&t, json!([{"column": "start", "from_date": "01/02/2020"}])).unwrap_err();
    assert!(
        e.contains("year-month-day") && e.contains("01/02/2020"),
        "{e}"
    );
    let e = select(
        &t,
        json!([{"column": "score", "at_least": 50, "below": 20}]),
    )
    .unwrap_err();
    assert!(e.contains("no number is score ≥ 50 and score < 20"), "{e}");
    let e = select(&t, json!([{"column": "score", "at_least": 1, "above": 2}])).unwrap_err();
    assert!(e.contains("not both"), "{e}");
    let e = select(&t, json!([{"column": "score"}])).unwrap_err();
    assert!(e.contains("say which rows to keep"), "{e}");
    let e = select(&t, json!([{"column": "score", "at_least": "Infinity"}])).unwrap_err();
    assert!(e.contains("finite"), "{e}");
    // A set nobody is in: a clear error, not an empty analysis.
    let e = select(&t, json!([{"column": "score", "above": 1000}])).unwrap_err();
    assert_eq!(
        e,
        "No patients match: score > 1000. None of the 6 rows meets it; check the values and thresholds of the analysis set."
    );
    let request: km::KmRequest = read(
        json!({"time": "time", "event": "status", "event_values": [1],
        "filter": filter("Nobody", json!([{"column": "grp", "values": ["a"]}, {"column": "score", "above": 100}]))}),
    );
    let e = km::run(&t, &request).unwrap_err();
    assert!(
        e.starts_with("No patients match: grp = a and score > 100 (analysis set “Nobody”)."),
        "{e}"
    );
}

#[test]
fn rows_outside_the_set_are_counted_apart_from_missing_values() {
    let t = small();
    let request: km::KmRequest = read(
        json!({"time": "time", "event": "status", "event_values": [1],
        "filter": filter("Group a", json!([{"column": "grp", "values": ["a"]}]))}),
    );
    let r = km::run(&t, &request).unwrap();
    assert_eq!(r.n_used, 2, "rows 1 and 5; row 3 has no time");
    assert_eq!(r.dropped.len(), 1);
    assert_eq!(
        (r.dropped[0].count, r.dropped[0].lines.as_slice()),
        (1, &[4u64][..])
    );
    let codes: Vec<&str> = r.warnings.iter().map(|w| w.code()).collect();
    assert_eq!(codes[..2], ["outside_analysis_set", "rows_left_out"]);
    assert_eq!(
        r.warnings[0].message(),
        "3 of the 6 rows are outside the analysis set “Group a” and take no part in this analysis."
    );
    // Values outside the set are not checked: a bad time there is no error.
    let text = "time,status,grp\n5,1,a\n-3,1,b\n7,0,a\n";
    let t = read_csv(text.as_bytes(), &ReadOptions::default()).unwrap();
    assert!(km::run(&t, &request).is_ok());
    assert!(km::run(
        &t,
        &km::KmRequest {
            filter: None,
            ..request.clone()
        }
    )
    .unwrap_err()
    .contains("line 3"));
}

#[test]
fn a_set_without_conditions_is_every_row() {
    let t = small();
    let s = analysis_set::select(
        &t,
        &Filter {
            name: "All".into(),
            conditions: Vec::new(),
        },
    )
    .unwrap();
    assert_eq!(s.rows().len(), 6);
    assert_eq!(s.set.text, "Patients: All (all rows), 6 of 6.");
    assert!(s.set.left_out_warning().is_none());
    let c = Condition {
        column: "grp".into(),
        values: vec!["a".into()],
        ..Condition::default()
    };
    let s = analysis_set::select(
        &t,
        &Filter {
            name: String::new(),
            conditions: vec![c],
        },
    )
    .unwrap();
    assert_eq!(s.set.text, "Patients: grp = a, 3 of 6.");
}

// ---------- the model paper's Figure 4 on the synthetic cohort ----------

fn synthetic_cohort() -> Table {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../www/examples/synthetic_hcc_cohort.csv");
    read_csv(
        std::fs::read_to_string(path).unwrap().as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap()
}

/// Post-progression survival within primary resistance, univariate and
/// multivariable Cox with AFP ≥ 400 derived from afp (the model paper's
/// Figure 4): n is the primary-resistance patients with a PPS time, and the
/// derived cut agrees with the file's own afp_ge_400 column.
#[test]
fn figure_4_within_primary_resistance() {
    use survcalc_analysis::analyses::cohort;
    let mut t = synthetic_cohort();
    let columns = serde_json::to_value(cohort::suggest_columns(&t)).unwrap();
    let c = cohort::run(&mut t, &read(json!({ "columns": columns }))).unwrap();
    let primary = c
        .group_levels
        .iter()
        .find(|l| l.label == "primary resistance")
        .unwrap()
        .label
        .clone();
    let afp = derive::derive(
        &mut t,
        &DeriveRequest {
            cut: Some(Cut {
                column: "afp".into(),
                at: vec![400.0],
                ..Cut::default()
            }),
            ..DeriveRequest::default()
        },
    )
    .unwrap();
    assert_eq!(
        afp.column, "afp_ge_400_2",
        "the file has its own afp_ge_400, which is kept"
    );
    assert_eq!(afp.warnings[0].code(), "column_renamed");
    // The derived cut is the file's yes/no column wherever afp is known.
    let (ours, theirs) = (
        t.column("afp_ge_400_2").unwrap(),
        t.column("afp_ge_400").unwrap(),
    );
    for row in 0..t.n_rows() {
        match ours.data.display(row) {
            Some(level) => assert_eq!(
                theirs.data.display(row).as_deref(),
                Some(if level == "≥ 400" { "yes" } else { "no" })
            ),
            None => assert!(t.column("afp").unwrap().data.is_missing(row)),
        }
    }
    let request: models::ModelTableRequest = read(json!({
        "outcome": {"time": "pps_months", "event": "pps_event", "event_values": [1]},
        "candidates": [{"column": "afp_ge_400_2"}, {"column": "ecog", "kind": "categorical"}, {"column": "age"}],
        "multivariable": ["afp_ge_400_2", "ecog"],
        "filter": filter("Primary resistance", json!([{"column": "resistance_group", "values": [primary]}]))}));
    let r = models::run(&t, &request).unwrap();
    let group = t.column("resistance_group").unwrap();
    let pps = t.column("pps_months").unwrap();
    let expected = (0..t.n_rows())
        .filter(|&row| {
            group.data.display(row).as_deref() == Some("primary resistance")
                && !pps.data.is_missing(row)
        })
        .count();
    assert!(expected > 50, "{expected}");
    assert_eq!(r.table.outcome.n, expected);
    let set = r.analysis_set.as_ref().unwrap();
    assert_eq!(set.n_in, c.flow.primary_resistance);
    assert!(r.settings_text.starts_with(&format!(
        "Patients: Primary resistance (resistance_group = primary resistance), {} of 601.",
        c.flow.primary_resistance
    )));
    // No title unless asked: the caption under the figure names the set.
    assert!(
        r.plot
            .caption
            .as_deref()
            .is_some_and(|c| c.starts_with("Patients: Primary resistance")),
        "{:?}",
        r.plot.caption
    );
    // PPS is measured from progression, by when the group is known: no immortal-time caution.
    assert!(!r.warnings.iter().any(|w| w.code() == "immortal_time"));
}
