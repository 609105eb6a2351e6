//! The fuzz harness: turns arbitrary bytes into a data file and a few
//! analysis requests, and runs them through survcalc-analysis exactly as the
//! page does (strict request reading, then the analysis, then the report's
//! JSON). A panic anywhere is a bug: in the page it would kill the wasm
//! engine and lose the user's data.
//!
//! Used three ways: by the coverage-guided libFuzzer targets under `fuzz/`
//! (`make fuzz`), by `cargo test` replaying the saved corpus and a fixed-seed
//! pass (tests/fuzz_corpus.rs), and by hand on a crashing input.
//!
//! The bytes are decoded with `arbitrary`'s Unstructured: most inputs become
//! a small typed table and requests that name its columns, with values
//! chosen from pools of troublemakers (NaN, 1e308, negative times, many
//! levels, formula text), so that the fuzzer gets past input validation into
//! the fits; some become raw bytes for the CSV reader alone. Requests may
//! carry an analysis set (`filter`), and derived columns are added and
//! removed between them, so that later requests use them.

use arbitrary::{Result as ArbResult, Unstructured};
use serde_json::{json, Map, Value};
use survcalc_analysis::analyses::{baseline, cohort, competing, cox, km, models, rates, subgroup};
use survcalc_analysis::analysis_set::{self, Filter};
use survcalc_analysis::derive::{self, DeriveRequest};
use survcalc_analysis::export::{dataset_csv, DataExportRequest};
use survcalc_analysis::request;
use survcalc_analysis::summary;
use survcalc_analysis::table::{self, ReadOptions};

/// What one input did, for the corpus test's statistics.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The file was read into a table.
    pub table_read: bool,
    /// Requests that passed the strict reader and were run.
    pub analyses_run: usize,
    /// Of those, how many returned a report (the rest a message).
    pub reports: usize,
}

/// Runs one input; panics only where survcalc has a bug.
pub fn exercise(data: &[u8]) -> Outcome {
    let mut u = Unstructured::new(data);
    // One input in eight is a spreadsheet's cells (as the sheets package
    // gives them), chosen by the last byte so that the saved corpus's CSV
    // inputs decode as before.
    let as_sheet = data.last().is_some_and(|b| b % 8 == 7);
    exercise_unstructured(&mut u, as_sheet).unwrap_or_default()
}

fn exercise_unstructured(u: &mut Unstructured, as_sheet: bool) -> ArbResult<Outcome> {
    let mut outcome = Outcome::default();
    let sheet = if as_sheet {
        Some(structured_sheet(u)?)
    } else {
        None
    };
    let csv = if sheet.is_some() {
        Vec::new()
    } else if u.ratio(1, 5)? {
        u.arbitrary::<Vec<u8>>()?
    } else {
        structured_csv(u)?
    };
    let read_json = read_options(u)?;
    let Ok(read) = request::from_value::<ReadOptions>(&read_json, "reading the file") else {
        return Ok(outcome);
    };
    let read_table = match &sheet {
        Some(sheet) => table::read_sheet(sheet, &read),
        None => table::read_csv(&csv, &read),
    };
    let Ok(mut table) = read_table else {
        return Ok(outcome);
    };
    outcome.table_read = true;
    report_json(&summary::summarise("fuzz.csv", &table));
    let n_requests = u.int_in_range(1..=4)?;
    for _ in 0..n_requests {
        // Derived columns added by earlier requests are columns too.
        let columns: Vec<String> = table.column_names().iter().map(|s| s.to_string()).collect();
        let kind = u.int_in_range(0..=10)?;
        let (ran, ok) = match kind {
            0 => run(&km_request(u, &columns)?, "Kaplan–Meier", |r| {
                km::run(&table, r)
            }),
            1 => run(&cox_request(u, &columns)?, "Cox regression", |r| {
                cox::run(&table, r)
            }),
            2 => run(&model_table_request(u, &columns)?, "the model table", |r| {
                models::run(&table, r)
            }),
            3 => run(&baseline_request(u, &columns)?, "Table 1", |r| {
                baseline::run(&table, r)
            }),
            4 => run(&rates_request(u, &columns)?, "rates", |r| {
                rates::run(&table, r)
            }),
            8 => run(&competing_request(u, &columns)?, "competing risks", |r| {
                competing::run(&table, r)
            }),
            9 => run(
                &subgroup_request(u, &columns)?,
                "the subgroup analysis",
                |r| subgroup::run(&table, r),
            ),
            5 => run(
                &derive_request(u, &columns)?,
                "a derived column",
                |r: &DeriveRequest| derive::derive(&mut table, r),
            ),
            6 => {
                let name = column(u, &columns)?;
                let name = name.as_str().unwrap_or_default().to_string();
                match derive::remove(&mut table, &name) {
                    Ok(r) => {
                        report_json(&r);
                        (true, true)
                    }
                    Err(message) => {
                        assert!(
                            !message.trim().is_empty(),
                            "removing a column: an empty error message"
                        );
                        (true, false)
                    }
                }
            }
            7 => {
                let filter = filter(u, &columns)?;
                let (ran, ok) = run(&filter, "the analysis set", |f: &Filter| {
                    analysis_set::select(&table, f).map(|s| s.set)
                });
                let chosen = column_list(u, &columns)?;
                let export = run(
                    &json!({ "columns": chosen }),
                    "the data download",
                    |r: &DataExportRequest| dataset_csv(&table, r),
                );
                (ran || export.0, ok || export.1)
            }
            _ => {
                let json = cohort_request(u, &columns)?;
                run(&json, "classification", |r| cohort::run(&mut table, r))
            }
        };
        outcome.analyses_run += usize::from(ran);
        outcome.reports += usize::from(ok);
    }
    Ok(outcome)
}

/// Reads `json` strictly; when it is a valid request, runs it and turns the
/// report into JSON as the binding does. (ran, returned a report).
fn run<R, T, F>(json: &Value, what: &'static str, analysis: F) -> (bool, bool)
where
    R: serde::de::DeserializeOwned,
    T: serde::Serialize,
    F: FnOnce(&R) -> Result<T, String>,
{
    let Ok(request) = request::from_value::<R>(json, what) else {
        return (false, false);
    };
    match analysis(&request) {
        Ok(report) => {
            report_json(&report);
            (true, true)
        }
        Err(message) => {
            assert!(!message.trim().is_empty(), "{what}: an empty error message");
            (true, false)
        }
    }
}

/// The report as the page receives it: serialisation must not fail.
fn report_json<T: serde::Serialize>(report: &T) {
    if let Err(e) = serde_json::to_value(report) {
        panic!("a report could not be serialised: {e}");
    }
}

// ---------------------------------------------------------------- data ---

const COLUMN_NAMES: [&str; 14] = [
    "time",
    "status",
    "group",
    "age",
    "x",
    "id",
    "date",
    "start",
    "os_months",
    "os_event",
    " ",
    "=cmd|' /C calc'!A0",
    "<b>",
    "a,b",
];

const CELLS: &[&str] = &[
    "0",
    "1",
    "2",
    "1",
    "0",
    "3.5",
    "-1",
    "12",
    "100",
    "1e308",
    "1e309",
    "-1e308",
    "1e-320",
    "NaN",
    "inf",
    "",
    "NA",
    ".",
    "-",
    "a",
    "b",
    "yes",
    "no",
    "dead",
    "alive",
    "2021-03-15",
    "15/03/2021",
    "03/15/2021",
    "31/31/2020",
    "44000",
    "1,5",
    "1 250,3",
    "\"q,uoted\"",
    "=SUM(A1)",
    "+1",
    "@x",
    "102 ",
    "x\u{0}y",
    "é",
    "99999999999999999999999999",
    // Separators and spaces the tolerant reader weighs.
    "\"1,250\"",
    "\"1,250.3\"",
    "1'250.3",
    "1\u{202F}250",
    "1\u{A0}250,5",
    "\"1,250,000\"",
    "102\u{A0}",
    "\u{200B}7",
    "unknown",
    "00/05/2020",
    "1.250",
    "-1,5e400",
    "\u{FEFF}",
];

fn structured_csv(u: &mut Unstructured) -> ArbResult<Vec<u8>> {
    let n_cols = u.int_in_range(1..=6)?;
    let delimiter = *u.choose(&[",", ";", "\t"])?;
    let mut names = Vec::with_capacity(n_cols);
    for _ in 0..n_cols {
        names.push(u.choose(&COLUMN_NAMES)?.to_string());
    }
    let mut text = names.join(delimiter);
    text.push('\n');
    let n_rows = u.int_in_range(0..=60)?;
    // Each column draws from a few cells (so groups and codes repeat) or,
    // sometimes, from an ever-growing set of levels.
    let mut pools: Vec<Vec<String>> = Vec::with_capacity(n_cols);
    for _ in 0..n_cols {
        let size = u.int_in_range(1..=4)?;
        let mut pool = Vec::with_capacity(size);
        for _ in 0..size {
            pool.push(u.choose(CELLS)?.to_string());
        }
        pools.push(pool);
    }
    let many_levels: Vec<bool> = (0..n_cols)
        .map(|_| u.ratio(1, 8))
        .collect::<ArbResult<_>>()?;
    for row in 0..n_rows {
        let mut cells = Vec::with_capacity(n_cols);
        for (j, pool) in pools.iter().enumerate() {
            let cell = if many_levels.get(j).copied().unwrap_or(false) {
                format!("L{row}")
            } else if u.ratio(1, 3)? {
                format!(
                    "{}",
                    u.int_in_range(0..=200)? as f64 / u.int_in_range(1..=4)? as f64
                )
            } else {
                u.choose(pool)?.clone()
            };
            cells.push(cell);
        }
        text.push_str(&cells.join(delimiter));
        text.push('\n');
    }
    Ok(text.into_bytes())
}

/// A sheet's cells: numbers (the troublemakers included), texts from the
/// pool, empty cells, rows that start late or run long, merged ranges.
fn structured_sheet(u: &mut Unstructured) -> ArbResult<table::SheetData> {
    use table::{SheetCell, SheetData, SheetMerge};
    let n_cols = u.int_in_range(1..=6)?;
    let mut row_number = u.int_in_range(1..=3)?;
    let mut rows = Vec::new();
    let header: Vec<Option<SheetCell>> = (0..n_cols)
        .map(|_| {
            Ok(if u.ratio(1, 12)? {
                None
            } else {
                Some(SheetCell::Text(u.choose(&COLUMN_NAMES)?.to_string()))
            })
        })
        .collect::<ArbResult<_>>()?;
    rows.push(table::SheetRow {
        row: row_number,
        cells: header,
    });
    for _ in 0..u.int_in_range(0..=40)? {
        row_number += u.int_in_range(1..=2)?;
        let width = n_cols + usize::from(u.ratio(1, 20)?);
        let mut cells = Vec::with_capacity(width);
        for _ in 0..width {
            cells.push(match u.int_in_range(0..=5)? {
                0 => None,
                1 | 2 => Some(SheetCell::Number(f64::from(u.int_in_range(0..=200)?) / 4.0)),
                3 => Some(SheetCell::Number(*u.choose(&[
                    1e308,
                    -1e308,
                    5e-324,
                    44270.0,
                    1e15,
                    f64::MAX,
                ])?)),
                _ => Some(SheetCell::Text(u.choose(CELLS)?.to_string())),
            });
        }
        rows.push(table::SheetRow {
            row: row_number,
            cells,
        });
    }
    let mut merged = Vec::new();
    if u.ratio(1, 5)? {
        let first_column = u.int_in_range(1..=n_cols)?;
        merged.push(SheetMerge {
            first_row: u.int_in_range(1..=4)?,
            last_row: u.int_in_range(1..=5)?,
            first_column,
            last_column: first_column + u.int_in_range(0..=2)?,
        });
    }
    Ok(SheetData {
        sheet: "Sheet1".to_string(),
        rows,
        merged,
    })
}

fn read_options(u: &mut Unstructured) -> ArbResult<Value> {
    let mut o = Map::new();
    if u.ratio(1, 4)? {
        o.insert(
            "delimiter".into(),
            json!(u.choose(&["auto", "comma", "semicolon", "tab", "pipe"])?),
        );
    }
    if u.ratio(1, 4)? {
        o.insert(
            "decimal".into(),
            json!(u.choose(&["auto", "point", "comma"])?),
        );
    }
    if u.ratio(1, 6)? {
        o.insert(
            "level_order".into(),
            json!(u.choose(&["sorted", "first_appearance"])?),
        );
    }
    if u.ratio(1, 6)? {
        o.insert("max_category_levels".into(), number(u)?);
    }
    if u.ratio(1, 5)? {
        let name = u.choose(&COLUMN_NAMES)?;
        let kinds = [
            json!("number"),
            json!("category"),
            json!("text"),
            json!({"date": "day_month_year"}),
            json!({"date": "excel_serial"}),
            json!("bogus"),
        ];
        let kind = u.choose(&kinds)?.clone();
        o.insert("column_types".into(), json!({ *name: kind }));
    }
    if u.ratio(1, 5)? {
        let names: Vec<&str> = vec![u.choose(&COLUMN_NAMES)?, u.choose(&COLUMN_NAMES)?];
        o.insert(
            "non_numbers_as_missing".into(),
            json!(names[..u.int_in_range(1..=2)?]),
        );
    }
    Ok(Value::Object(o))
}

// ------------------------------------------------------------ requests ---

/// A number from the troublemakers, as JSON (non-finite ones as the text
/// the binding sends for them).
fn number(u: &mut Unstructured) -> ArbResult<Value> {
    Ok(match u.int_in_range(0..=14)? {
        0 => json!(0),
        1 => json!(1),
        2 => json!(-1),
        3 => json!(0.5),
        4 => json!(0.95),
        5 => json!(0.999999),
        6 => json!(1e308),
        7 => json!(-1e308),
        8 => json!(5e-324),
        9 => json!("NaN"),
        10 => json!("inf"),
        11 => json!(1e15),
        12 => json!(1000),
        13 => json!(u.int_in_range(0..=120)?),
        _ => json!(u.int_in_range(0..=1000)? as f64 / 7.0),
    })
}

fn column(u: &mut Unstructured, columns: &[String]) -> ArbResult<Value> {
    if columns.is_empty() || u.ratio(1, 10)? {
        Ok(json!(u.choose(&["", "missing_column", "time"])?))
    } else {
        Ok(json!(u.choose(columns)?))
    }
}

fn codes(u: &mut Unstructured) -> ArbResult<Value> {
    let n = u.int_in_range(0..=3)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(json!(u.choose(CELLS)?));
    }
    Ok(if u.ratio(1, 6)? {
        json!(1)
    } else {
        Value::Array(out)
    })
}

fn numbers(u: &mut Unstructured) -> ArbResult<Value> {
    let n = u.int_in_range(0..=5)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(number(u)?);
    }
    Ok(Value::Array(out))
}

fn choice(u: &mut Unstructured, values: &[&str]) -> ArbResult<Value> {
    if u.ratio(1, 12)? {
        Ok(json!("bogus"))
    } else {
        Ok(json!(u.choose(values)?))
    }
}

fn term(u: &mut Unstructured, columns: &[String]) -> ArbResult<Value> {
    let mut t = Map::new();
    t.insert("column".into(), column(u, columns)?);
    if u.ratio(1, 2)? {
        t.insert("kind".into(), choice(u, &["numeric", "categorical"])?);
    }
    if u.ratio(1, 5)? {
        t.insert("reference".into(), json!(u.choose(CELLS)?));
    }
    Ok(Value::Object(t))
}

fn terms(u: &mut Unstructured, columns: &[String]) -> ArbResult<Value> {
    let n = u.int_in_range(0..=3)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(term(u, columns)?);
    }
    Ok(Value::Array(out))
}

fn column_list(u: &mut Unstructured, columns: &[String]) -> ArbResult<Value> {
    let n = u.int_in_range(0..=3)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(column(u, columns)?);
    }
    Ok(Value::Array(out))
}

/// Sets `key` with probability 1/2.
fn maybe(
    o: &mut Map<String, Value>,
    u: &mut Unstructured,
    key: &str,
    value: Value,
) -> ArbResult<()> {
    if u.ratio(1, 2)? {
        o.insert(key.into(), value);
    }
    Ok(())
}

fn survival_core(u: &mut Unstructured, columns: &[String]) -> ArbResult<Map<String, Value>> {
    let mut o = Map::new();
    o.insert("time".into(), column(u, columns)?);
    o.insert("event".into(), column(u, columns)?);
    o.insert("event_values".into(), codes(u)?);
    if u.ratio(1, 4)? {
        o.insert("censor_values".into(), codes(u)?);
    }
    if u.ratio(1, 15)? {
        // A misspelled option: the strict reader must name it.
        o.insert("tie".into(), json!("breslow"));
    }
    maybe_filter(&mut o, u, columns)?;
    Ok(o)
}

/// An analysis set on some of the columns, with values, thresholds and
/// dates from the troublemakers (and sometimes a misspelled test).
fn filter(u: &mut Unstructured, columns: &[String]) -> ArbResult<Value> {
    let n = u.int_in_range(0..=3)?;
    let mut conditions = Vec::with_capacity(n);
    for _ in 0..n {
        let mut c = Map::new();
        c.insert("column".into(), column(u, columns)?);
        let v = codes(u)?;
        maybe(&mut c, u, "values", v)?;
        for key in ["at_least", "above", "at_most", "below"] {
            if u.ratio(1, 4)? {
                c.insert(key.into(), number(u)?);
            }
        }
        for key in ["from_date", "to_date"] {
            if u.ratio(1, 6)? {
                c.insert(key.into(), json!(u.choose(&CELLS)?));
            }
        }
        let v = json!(u.arbitrary::<bool>()?);
        maybe(&mut c, u, "present", v)?;
        if u.ratio(1, 20)? {
            c.insert("at_lest".into(), json!(1));
        }
        conditions.push(Value::Object(c));
    }
    Ok(json!({ "name": u.choose(&CELLS)?, "conditions": conditions }))
}

/// Sets `filter` with probability 1/3.
fn maybe_filter(
    o: &mut Map<String, Value>,
    u: &mut Unstructured,
    columns: &[String],
) -> ArbResult<()> {
    if u.ratio(1, 3)? {
        o.insert("filter".into(), filter(u, columns)?);
    }
    Ok(())
}

/// A derived column of one of the four kinds (sometimes two, or none, which
/// must be refused by name).
fn derive_request(u: &mut Unstructured, columns: &[String]) -> ArbResult<Value> {
    let mut o = Map::new();
    if u.ratio(1, 2)? {
        o.insert("name".into(), column(u, columns)?);
    }
    let kinds = u.int_in_range(0..=9)?;
    if kinds == 0 || kinds >= 6 {
        let labels = if u.ratio(1, 3)? { codes(u)? } else { json!([]) };
        let side = choice(u, &["upper", "lower"])?;
        o.insert("cut".into(), json!({ "column": column(u, columns)?, "at": numbers(u)?, "cut_point_in": side, "labels": labels }));
    }
    if kinds == 1 || kinds == 5 {
        let function = choice(u, &["log", "log2", "log10", "per_units", "standardise"])?;
        let per = if u.ratio(1, 2)? {
            number(u)?
        } else {
            Value::Null
        };
        o.insert(
            "transform".into(),
            json!({ "column": column(u, columns)?, "function": function, "per": per }),
        );
    }
    if kinds == 2 {
        let from = codes(u)?;
        let to = json!(u.choose(&CELLS)?);
        let order = codes(u)?;
        let reference = if u.ratio(1, 2)? {
            json!(u.choose(&CELLS)?)
        } else {
            Value::Null
        };
        let missing = codes(u)?;
        o.insert(
            "recode".into(),
            json!({ "column": column(u, columns)?, "levels": [{ "from": from, "to": to }], "order": order,
                "reference": reference, "missing": missing }),
        );
    }
    if kinds == 3 {
        let unit = choice(u, &["days", "weeks", "months", "years"])?;
        o.insert(
            "time_between".into(),
            json!({ "from": column(u, columns)?, "to": column(u, columns)?, "unit": unit }),
        );
    }
    Ok(Value::Object(o))
}

fn km_request(u: &mut Unstructured, columns: &[String]) -> ArbResult<Value> {
    let mut o = survival_core(u, columns)?;
    let v = column(u, columns)?;
    maybe(&mut o, u, "group", v)?;
    let units = ["days", "weeks", "months", "years"];
    let v = choice(u, &units)?;
    maybe(&mut o, u, "time_unit", v)?;
    let v = choice(u, &units)?;
    maybe(&mut o, u, "display_unit", v)?;
    let v = choice(u, &["log", "log-log", "plain"])?;
    maybe(&mut o, u, "conf_type", v)?;
    let v = number(u)?;
    maybe(&mut o, u, "conf_level", v)?;
    let v = numbers(u)?;
    maybe(&mut o, u, "times", v)?;
    let v = number(u)?;
    maybe(&mut o, u, "rmst_tau", v)?;
    let v = number(u)?;
    maybe(&mut o, u, "rho", v)?;
    let v = column(u, columns)?;
    maybe(&mut o, u, "strata", v)?;
    let v = json!(u.arbitrary::<bool>()?);
    maybe(&mut o, u, "trend", v)?;
    let v = choice(u, &["holm", "bh", "bonferroni", "none"])?;
    maybe(&mut o, u, "pairwise", v)?;
    let v = number(u)?;
    maybe(&mut o, u, "landmark", v)?;
    let v = choice(u, &["band", "log", "log-log", "plain", "symmetric"])?;
    maybe(&mut o, u, "median_ci", v)?;
    let v = preset(u)?;
    maybe(&mut o, u, "preset", v)?;
    if u.ratio(1, 6)? {
        let a = json!(u.choose(CELLS)?);
        let b = json!(u.choose(CELLS)?);
        o.insert("rmst_contrast".into(), json!([a, b]));
    }
    Ok(Value::Object(o))
}

fn cox_request(u: &mut Unstructured, columns: &[String]) -> ArbResult<Value> {
    let mut o = survival_core(u, columns)?;
    o.insert("covariates".into(), terms(u, columns)?);
    let v = column(u, columns)?;
    if u.ratio(1, 6)? {
        o.insert("start".into(), v);
    }
    let v = column(u, columns)?;
    maybe(&mut o, u, "strata", v)?;
    let v = choice(u, &["efron", "breslow"])?;
    maybe(&mut o, u, "ties", v)?;
    let v = json!(u.arbitrary::<bool>()?);
    maybe(&mut o, u, "robust", v)?;
    if u.ratio(1, 5)? {
        let v = column(u, columns)?;
        o.insert("cluster".into(), v);
    }
    let v = number(u)?;
    maybe(&mut o, u, "conf_level", v)?;
    let v = choice(u, &["km", "identity", "rank", "log"])?;
    maybe(&mut o, u, "zph_transform", v)?;
    let v = preset(u)?;
    maybe(&mut o, u, "preset", v)?;
    if u.ratio(1, 5)? {
        let c = column(u, columns)?;
        let origin = column(u, columns)?;
        let unit = choice(u, &["days", "weeks", "months", "years"])?;
        o.insert(
            "time_varying".into(),
            json!({ "column": c, "origin": origin, "unit": unit }),
        );
    } else if u.ratio(1, 5)? {
        let cuts = numbers(u)?;
        let covs = column_list(u, columns)?;
        o.insert(
            "time_split".into(),
            json!({ "cuts": cuts, "covariates": covs }),
        );
    }
    Ok(Value::Object(o))
}

fn model_table_request(u: &mut Unstructured, columns: &[String]) -> ArbResult<Value> {
    let mut o = Map::new();
    let outcome = if u.ratio(1, 2)? {
        let outcome = json!({ "column": column(u, columns)?, "event_values": codes(u)? });
        let v = labels(u, columns)?;
        maybe(&mut o, u, "labels", v)?;
        maybe_filter(&mut o, u, columns)?;
        outcome
    } else {
        // The set goes with the table's options, not the outcome's.
        let mut core = survival_core(u, columns)?;
        if let Some(f) = core.remove("filter") {
            o.insert("filter".into(), f);
        }
        Value::Object(core)
    };
    o.insert("outcome".into(), outcome);
    o.insert("candidates".into(), terms(u, columns)?);
    if u.ratio(1, 3)? {
        let v = if u.ratio(1, 3)? {
            Value::Null
        } else {
            column_list(u, columns)?
        };
        o.insert("multivariable".into(), v);
    }
    let v = number(u)?;
    maybe(&mut o, u, "threshold", v)?;
    let v = json!(u.arbitrary::<bool>()?);
    maybe(&mut o, u, "firth", v)?;
    let v = choice(u, &["wald", "profile"])?;
    maybe(&mut o, u, "ci", v)?;
    let v = number(u)?;
    maybe(&mut o, u, "conf_level", v)?;
    let v = number(u)?;
    maybe(&mut o, u, "decimals", v)?;
    let v = preset(u)?;
    maybe(&mut o, u, "preset", v)?;
    Ok(Value::Object(o))
}

fn baseline_request(u: &mut Unstructured, columns: &[String]) -> ArbResult<Value> {
    let mut o = Map::new();
    o.insert("group".into(), column(u, columns)?);
    o.insert("variables".into(), column_list(u, columns)?);
    let v = choice(u, &["kruskal", "anova", "welch"])?;
    maybe(&mut o, u, "continuous_test", v)?;
    let v = choice(u, &["median_iqr", "mean_sd"])?;
    maybe(&mut o, u, "continuous_summary", v)?;
    let v = json!(u.arbitrary::<bool>()?);
    maybe(&mut o, u, "yates", v)?;
    let v = number(u)?;
    maybe(&mut o, u, "expected_threshold", v)?;
    let v = preset(u)?;
    maybe(&mut o, u, "preset", v)?;
    let v = number(u)?;
    maybe(&mut o, u, "decimals", v)?;
    let v = json!(u.arbitrary::<bool>()?);
    maybe(&mut o, u, "overall_last", v)?;
    let v = choice(u, &["one_row", "both_levels"])?;
    maybe(&mut o, u, "binary", v)?;
    let v = choice(u, &["point", "comma"])?;
    maybe(&mut o, u, "decimal_mark", v)?;
    let v = labels(u, columns)?;
    maybe(&mut o, u, "labels", v)?;
    maybe_filter(&mut o, u, columns)?;
    Ok(Value::Object(o))
}

/// A variable-label map over some of the columns (labels may be blank).
fn labels(u: &mut Unstructured, columns: &[String]) -> ArbResult<Value> {
    let mut m = Map::new();
    for _ in 0..u.int_in_range(0..=3)? {
        let Value::String(name) = column(u, columns)? else {
            continue;
        };
        let text = choice(u, &["Age, years", "", "  ", "Résistance <b>", "=1+1"])?;
        m.insert(name, text);
    }
    Ok(Value::Object(m))
}

fn rates_request(u: &mut Unstructured, columns: &[String]) -> ArbResult<Value> {
    let mut o = Map::new();
    o.insert("outcome".into(), column(u, columns)?);
    o.insert("success_values".into(), codes(u)?);
    let v = codes(u)?;
    maybe(&mut o, u, "exclude_values", v)?;
    let v = column(u, columns)?;
    maybe(&mut o, u, "group", v)?;
    let v = number(u)?;
    maybe(&mut o, u, "conf_level", v)?;
    let v = choice(u, &["clopper_pearson", "wilson"])?;
    maybe(&mut o, u, "ci", v)?;
    maybe_filter(&mut o, u, columns)?;
    Ok(Value::Object(o))
}

fn preset(u: &mut Unstructured) -> ArbResult<Value> {
    choice(u, &["r", "stata", "sas", "spss", "prism"])
}

fn competing_request(u: &mut Unstructured, columns: &[String]) -> ArbResult<Value> {
    let mut o = survival_core(u, columns)?;
    o.insert("competing_values".into(), codes(u)?);
    let v = column(u, columns)?;
    maybe(&mut o, u, "group", v)?;
    let v = choice(u, &["gray", "infinitesimal_jackknife"])?;
    maybe(&mut o, u, "variance", v)?;
    let v = choice(u, &["log", "log-log", "plain"])?;
    maybe(&mut o, u, "conf_type", v)?;
    let v = number(u)?;
    maybe(&mut o, u, "conf_level", v)?;
    let v = numbers(u)?;
    maybe(&mut o, u, "times", v)?;
    let v = number(u)?;
    maybe(&mut o, u, "rho", v)?;
    if u.ratio(1, 2)? {
        o.insert("covariates".into(), terms(u, columns)?);
    }
    let v = choice(u, &["per_cause", "stacked"])?;
    maybe(&mut o, u, "plot_style", v)?;
    Ok(Value::Object(o))
}

fn subgroup_request(u: &mut Unstructured, columns: &[String]) -> ArbResult<Value> {
    let mut o = Map::new();
    let outcome = if u.ratio(1, 2)? {
        json!({ "column": column(u, columns)?, "event_values": codes(u)? })
    } else {
        Value::Object(survival_core(u, columns)?)
    };
    o.insert("outcome".into(), outcome);
    o.insert("treatment".into(), term(u, columns)?);
    o.insert("subgroups".into(), column_list(u, columns)?);
    if u.ratio(1, 3)? {
        o.insert("adjust".into(), terms(u, columns)?);
    }
    let v = choice(u, &["efron", "breslow"])?;
    maybe(&mut o, u, "ties", v)?;
    let v = number(u)?;
    maybe(&mut o, u, "conf_level", v)?;
    Ok(Value::Object(o))
}

fn cohort_request(u: &mut Unstructured, columns: &[String]) -> ArbResult<Value> {
    let roles = [
        "patient_id",
        "start",
        "best_response",
        "first_evaluation",
        "progression",
        "drug_stop",
        "last_assessment",
        "last_contact",
        "death",
    ];
    let mut cols = Map::new();
    for role in roles {
        if u.ratio(2, 3)? {
            cols.insert(role.into(), column(u, columns)?);
        }
    }
    let mut o = Map::new();
    o.insert("columns".into(), Value::Object(cols));
    let v = choice(u, &["days", "months", "years"])?;
    maybe(&mut o, u, "unit", v)?;
    if u.ratio(1, 4)? {
        let v = number(u)?;
        o.insert("rules".into(), json!({ "rule_set": choice(u, &["sitc", "early_progression"])?, "early_progression_months": v }));
    }
    Ok(Value::Object(o))
}
