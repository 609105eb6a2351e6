//! Deterministic synthetic data and the timed tasks of `make bench`: the same
//! generator and the same calls into the fits run natively (examples/bench.rs)
//! and in wasm (the binding crate's `benchmark`), so the two timings compare
//! one code path. No clocks here: std::time does not exist in wasm.

use crate::synthetic::SplitMix64;
use std::fmt::Write;
use survcalc_analysis::table::{self, ReadOptions};
use survcalc_stats::cox::{self, CoxData, CoxOptions, Ties};
use survcalc_stats::km::{self, Grouping, KmOptions};
use survcalc_stats::logistic::{self, CiMethod, LogisticInput, LogisticOptions};
use survcalc_stats::logrank::{self, LogrankInput, LogrankOptions};

/// Seed of every benchmark data set (any fixed value would do).
pub const SEED: u64 = 0x5EED_BE4C;

/// Arm labels, in code order.
const ARMS: [&str; 3] = ["control", "drug A", "drug B"];
/// Names of the five numeric covariates, in column order.
const COVARIATES: [&str; 5] = ["age", "biomarker", "female", "score", "ecog"];

/// What `make bench` times. Parsing the CSV is timed by [`parse_csv`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Kaplan–Meier: the overall curve plus one per arm (3 arms).
    Km,
    /// Log-rank test of the 3 arms.
    Logrank,
    /// Cox model, Efron ties, 7 covariates (5 numeric + 2 arm dummies).
    Cox,
    /// Logistic ML fit with Wald intervals, 10 terms + intercept.
    Logistic,
}

impl Task {
    /// The task named "km", "logrank", "cox" or "logistic".
    pub fn from_name(name: &str) -> Option<Task> {
        match name {
            "km" => Some(Task::Km),
            "logrank" => Some(Task::Logrank),
            "cox" => Some(Task::Cox),
            "logistic" => Some(Task::Logistic),
            _ => None,
        }
    }
}

/// A synthetic trial: exponential survival by arm and covariates, about 30%
/// independently censored, times in months rounded to 0.01 (many ties), and
/// a binary response from a logistic model with moderate effects.
#[derive(Debug, Clone)]
pub struct BenchData {
    pub time: Vec<f64>,
    pub event: Vec<bool>,
    /// Arm code per row, indexing `group_labels`.
    pub group: Vec<usize>,
    pub group_labels: Vec<String>,
    /// The five numeric covariates, column-major (`covariates[j][i]`).
    pub covariates: Vec<Vec<f64>>,
    pub covariate_names: Vec<String>,
    /// 0/1 response.
    pub outcome: Vec<f64>,
    /// The model designs, built here so that a timed task is the fit alone.
    cox: CoxData,
    logistic_columns: Vec<Vec<f64>>,
    logistic_names: Vec<String>,
}

/// `x` rounded to `decimals` places, as the nearest double to the decimal
/// (so it prints as written: 60.3, not 60.300000000000004).
fn round_to(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

/// The `n`-row data set (the same for a given `n` on every platform, up to
/// the last bit of `ln`/`exp`).
pub fn generate(n: usize) -> BenchData {
    let mut rng = SplitMix64::new(SEED);
    let arm_effect = [0.0, -0.3, -0.5];
    // Baseline median of 12 months; censoring rate chosen for ~30% censored.
    let baseline_rate = std::f64::consts::LN_2 / 12.0;
    let censoring_rate = 0.023;
    let mut time = Vec::with_capacity(n);
    let mut event = Vec::with_capacity(n);
    let mut group = Vec::with_capacity(n);
    let mut outcome = Vec::with_capacity(n);
    let mut covariates = vec![Vec::with_capacity(n); COVARIATES.len()];
    for _ in 0..n {
        let arm = rng.int_between(0, 2) as usize;
        // Rounded as a clinician would record them, so the CSV is exact.
        let age = round_to(60.0 + 10.0 * rng.normal(), 1);
        let biomarker = round_to(rng.normal(), 3);
        let female = if rng.bernoulli(0.45) { 1.0 } else { 0.0 };
        let score = round_to(10.0 * rng.uniform(), 2);
        let ecog = rng.int_between(0, 2) as f64;

        let log_hazard = arm_effect[arm] + 0.03 * (age - 60.0) + 0.4 * biomarker - 0.2 * female
            + 0.05 * (score - 5.0)
            + 0.3 * ecog;
        let death = -rng.uniform_open().ln() / (baseline_rate * log_hazard.exp());
        let censor = -rng.uniform_open().ln() / censoring_rate;
        time.push(round_to(death.min(censor), 2).max(0.01));
        event.push(death <= censor);

        let high_score = if score > 5.0 { 1.0 } else { 0.0 };
        let logit = -0.8 + 0.02 * (age - 60.0) + 0.5 * biomarker - 0.3 * female
            + 0.05 * (score - 5.0)
            + 0.2 * ecog
            + [0.0, 0.4, 0.7][arm]
            + 0.01 * (age - 60.0) * biomarker
            - 0.2 * biomarker * biomarker
            + 0.3 * high_score;
        outcome.push(if rng.uniform() < 1.0 / (1.0 + (-logit).exp()) {
            1.0
        } else {
            0.0
        });

        group.push(arm);
        for (column, value) in covariates
            .iter_mut()
            .zip([age, biomarker, female, score, ecog])
        {
            column.push(value);
        }
    }

    let dummy = |code: usize| -> Vec<f64> {
        group
            .iter()
            .map(|&g| if g == code { 1.0 } else { 0.0 })
            .collect()
    };
    let mut design = covariates.clone();
    design.push(dummy(1));
    design.push(dummy(2));
    let mut design_names: Vec<String> = COVARIATES.iter().map(|s| s.to_string()).collect();
    design_names.extend(ARMS[1..].iter().map(|a| format!("arm{a}")));

    let mut logistic_columns = design.clone();
    let (age, biomarker, score) = (&covariates[0], &covariates[1], &covariates[3]);
    logistic_columns.push(age.iter().zip(biomarker).map(|(a, b)| a * b).collect());
    logistic_columns.push(biomarker.iter().map(|b| b * b).collect());
    logistic_columns.push(
        score
            .iter()
            .map(|&s| if s > 5.0 { 1.0 } else { 0.0 })
            .collect(),
    );
    let mut logistic_names = design_names.clone();
    logistic_names.extend(["age:biomarker", "I(biomarker^2)", "I(score > 5)"].map(String::from));

    let cox = CoxData::right_censored(time.clone(), event.clone(), design, design_names);
    BenchData {
        time,
        event,
        group,
        group_labels: ARMS.iter().map(|s| s.to_string()).collect(),
        covariates,
        covariate_names: COVARIATES.iter().map(|s| s.to_string()).collect(),
        outcome,
        cox,
        logistic_columns,
        logistic_names,
    }
}

/// The data as CSV text (header `time,status,arm,<covariates>,response`;
/// numbers in shortest round-trip form, so reading it back gives `data`).
pub fn to_csv(data: &BenchData) -> String {
    let mut csv = String::with_capacity(data.time.len() * 48 + 64);
    csv.push_str("time,status,arm,");
    csv.push_str(&data.covariate_names.join(","));
    csv.push_str(",response\n");
    let missing = f64::NAN;
    for (i, (time, event)) in data.time.iter().zip(&data.event).enumerate() {
        let label = data
            .group
            .get(i)
            .and_then(|&g| data.group_labels.get(g))
            .map_or("", String::as_str);
        let _ = write!(csv, "{time},{},{label}", u8::from(*event));
        for column in &data.covariates {
            let _ = write!(csv, ",{}", column.get(i).unwrap_or(&missing));
        }
        let _ = writeln!(csv, ",{}", data.outcome.get(i).unwrap_or(&missing));
    }
    csv
}

/// Runs one task on `data` and returns a number that depends on the whole
/// fit (so nothing is optimised away, and native and wasm can be compared):
/// km the overall median, logrank the chi-square, cox and logistic the
/// first coefficient after the intercept.
pub fn run_task(task: Task, data: &BenchData) -> Result<f64, String> {
    let groups = Grouping {
        codes: &data.group,
        labels: &data.group_labels,
    };
    match task {
        Task::Km => {
            let options = KmOptions {
                include_overall: true,
                ..KmOptions::default()
            };
            let fit = km::fit(&data.time, &data.event, Some(&groups), &options)
                .map_err(|e| e.to_string())?;
            Ok(fit
                .curves
                .first()
                .and_then(|c| c.median.quantile)
                .unwrap_or(f64::NAN))
        }
        Task::Logrank => {
            let input = LogrankInput {
                time: &data.time,
                event: &data.event,
                groups,
                strata: None,
            };
            let fit =
                logrank::fit(&input, &LogrankOptions::default()).map_err(|e| e.to_string())?;
            Ok(fit.chisq)
        }
        Task::Cox => {
            let options = CoxOptions {
                ties: Ties::Efron,
                ..CoxOptions::default()
            };
            let fit = cox::fit(&data.cox, &options).map_err(|e| e.to_string())?;
            Ok(fit.coef.first().copied().flatten().unwrap_or(f64::NAN))
        }
        Task::Logistic => {
            let input = LogisticInput {
                y: &data.outcome,
                trials: None,
                columns: &data.logistic_columns,
                term_names: &data.logistic_names,
            };
            let options = LogisticOptions {
                ci: CiMethod::Wald,
                ..LogisticOptions::default()
            };
            let fit = logistic::fit(&input, &options).map_err(|e| e.to_string())?;
            Ok(fit.terms.get(1).and_then(|t| t.coef).unwrap_or(f64::NAN))
        }
    }
}

/// Reads CSV text into a table with the default options (type inference
/// included) and returns the number of rows read.
pub fn parse_csv(csv: &str) -> Result<f64, String> {
    let table =
        table::read_csv(csv.as_bytes(), &ReadOptions::default()).map_err(|e| e.to_string())?;
    Ok(table.n_rows() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_are_deterministic_and_have_the_intended_shape() {
        let a = generate(20_000);
        let b = generate(20_000);
        assert_eq!(a.time, b.time);
        assert_eq!(a.outcome, b.outcome);
        let censored = a.event.iter().filter(|e| !**e).count() as f64 / 20_000.0;
        assert!(
            (0.25..0.35).contains(&censored),
            "censored fraction {censored}"
        );
        let mut distinct = a.time.clone();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        assert!(
            distinct.len() < 10_000,
            "ties should be common: {} distinct times",
            distinct.len()
        );
        let response = a.outcome.iter().sum::<f64>() / 20_000.0;
        assert!((0.2..0.8).contains(&response), "response rate {response}");
        assert!(a.group.iter().all(|&g| g < 3));
    }

    #[test]
    fn every_task_runs_and_the_csv_reads_back() {
        let data = generate(3_000);
        for task in [Task::Km, Task::Logrank, Task::Cox, Task::Logistic] {
            let checksum = run_task(task, &data).unwrap();
            assert!(checksum.is_finite(), "{task:?}");
        }
        let csv = to_csv(&data);
        assert_eq!(parse_csv(&csv).unwrap(), 3_000.0);
        // The CSV holds the data exactly (values were rounded when drawn).
        let table = table::read_csv(csv.as_bytes(), &ReadOptions::default()).unwrap();
        let numbers = |name: &str| match &table.require(name).unwrap().data {
            table::ColumnData::Number(v) => v.iter().map(|x| x.unwrap()).collect::<Vec<f64>>(),
            other => panic!("{name} read as {other:?}"),
        };
        assert_eq!(numbers("time"), data.time);
        assert_eq!(numbers("age"), data.covariates[0]);
        assert_eq!(numbers("biomarker"), data.covariates[1]);
        assert_eq!(numbers("response"), data.outcome);
        assert!(
            csv.lines().nth(1).unwrap().len() < 60,
            "no long binary fractions: {}",
            csv.lines().nth(1).unwrap()
        );
        assert_eq!(Task::from_name("cox"), Some(Task::Cox));
        assert_eq!(Task::from_name("parse"), None);
    }
}
