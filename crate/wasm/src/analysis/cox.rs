//! Cox regression request: R's `coxph` (Efron or Breslow ties, strata,
//! (start, stop] rows, robust or clustered variance) with `cox.zph`'s test
//! of proportional hazards, the hazard-ratio table, the model tests and the
//! forest plot. The statistics are survcalc-core's; this layer words them.

use super::DisplayTable;
use crate::charts::forest::{ForestEstimate, ForestPanel, ForestPlot, ForestRow};
use crate::summary::{distinct_values, MAX_LISTED_VALUES};
use crate::Dataset;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use survcalc_core::cox::{self, CoxData, CoxFit, CoxOptions, Ties, ZphOptions, ZphResult, ZphTransform};
use survcalc_core::design::{
    build_design, survival_outcome, Design, DesignError, DesignTerm, MissingValues, SurvivalOutcomeSpec, TermKind,
    TermSpec,
};
use survcalc_core::dates::{Date, TimeUnit};
use survcalc_core::format;
use survcalc_core::linalg::{Cholesky, SymMatrix, CHOLESKY_TOLERANCE};
use survcalc_core::table::{numeric_column, parse_date, ColumnData, ColumnKind, DateOrder, Table};
use statrs::distribution::{ChiSquared, ContinuousCDF};
use wasm_bindgen::prelude::*;

/// What the user asked for (plain JS object; see docs/api.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CoxRequest {
    /// Follow-up time (or the stop time of (start, stop] rows).
    pub time: String,
    pub event: String,
    /// Values of the event column meaning "event".
    pub event_values: Vec<String>,
    /// Values meaning "censored"; when absent, every other value present in
    /// the column (at most 20 distinct values).
    pub censor_values: Option<Vec<String>>,
    /// Entry time of counting-process (start, stop] rows.
    pub start: Option<String>,
    pub covariates: Vec<TermSpec>,
    /// Stratification column (R's `strata()`).
    pub strata: Option<String>,
    pub ties: Ties,
    /// Robust (sandwich) variance, as `coxph(..., robust = TRUE)`.
    pub robust: bool,
    /// Cluster column (R's `cluster()`), e.g. the patient id of
    /// (start, stop] rows; implies the robust variance.
    pub cluster: Option<String>,
    pub conf_level: f64,
    /// Time scale of the PH test (R's `cox.zph(transform = )`).
    pub zph_transform: ZphTransform,
    /// Decimals of hazard ratios and their limits.
    pub decimals: usize,
    /// A 0/1 status that switches on during follow-up (right-censored data only).
    pub time_varying: Option<TimeVaryingSpec>,
}

impl Default for CoxRequest {
    fn default() -> Self {
        CoxRequest {
            time: String::new(),
            event: String::new(),
            event_values: Vec::new(),
            censor_values: None,
            start: None,
            covariates: Vec::new(),
            strata: None,
            ties: Ties::Efron,
            robust: false,
            cluster: None,
            conf_level: 0.95,
            zph_transform: ZphTransform::Km,
            decimals: 2,
            time_varying: None,
        }
    }
}

/// A status known only later (resistance, response, transplant) entered as a
/// time-varying covariate: 0 before the patient's switch time, 1 after it
/// (R: `tmerge(..., tdc(switch))`, then `coxph` on the (start, stop] rows).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TimeVaryingSpec {
    /// The switch column: the switch time in the follow-up's units, or a
    /// date. An empty cell means the status never switches.
    pub column: String,
    /// Date column the follow-up is measured from (required when `column`
    /// holds dates), e.g. the treatment start.
    pub origin: Option<String>,
    /// Unit of the follow-up time, to turn date differences into it
    /// (required with dates; months = days / 30.4375, years = days / 365.25).
    pub unit: Option<TimeUnit>,
    /// Label of the covariate; default "<column> (time-varying)".
    pub name: Option<String>,
}

/// How the follow-up was split at the switch.
#[derive(Debug, Clone, Serialize)]
pub struct TimeVaryingSummary {
    /// The covariate's label (its row in the tables).
    pub name: String,
    pub column: String,
    /// "time" (switch times given as numbers) or "date" (dates from `origin`).
    pub source: &'static str,
    pub origin: Option<String>,
    pub unit: Option<TimeUnit>,
    pub n_patients: usize,
    /// (start, stop] rows after splitting (R's `n`, `fit.n`).
    pub n_rows: usize,
    /// Patients whose status switches during follow-up (two rows each).
    pub n_switched: usize,
    /// Patients with the status from the start (switch at time 0).
    pub n_from_start: usize,
    /// Patients whose switch comes at or after their end of follow-up (0 throughout).
    pub n_after_follow_up: usize,
}

/// A design column under both names: R's coefficient name ("celltypeadeno")
/// and the readable one ("celltype: adeno vs squamous"), parallel to
/// `fit.terms`.
#[derive(Debug, Clone, Serialize)]
pub struct Coefficient {
    pub r_name: String,
    pub name: String,
    /// The covariate (column) it belongs to.
    pub term: String,
}

/// Whole-covariate Wald test of a categorical covariate with more than two
/// levels (all its indicator columns together).
#[derive(Debug, Clone, Serialize)]
pub struct TermWaldTest {
    pub term: String,
    pub stat: f64,
    pub df: usize,
    pub p: f64,
}

#[derive(Debug, Serialize)]
pub struct CoxResult {
    pub fit: CoxFit,
    pub coefficients: Vec<Coefficient>,
    /// The covariates as entered (kind, levels with counts, reference).
    pub design_terms: Vec<DesignTerm>,
    pub term_tests: Vec<TermWaldTest>,
    /// Term | HR (95% CI) | p (+ SE and robust SE when robust).
    pub hr_table: DisplayTable,
    /// Per row of `hr_table`: "numeric", "factor", "reference" or "level".
    pub hr_row_kinds: Vec<&'static str>,
    /// Likelihood-ratio, Wald and score tests and the concordance, one line each.
    pub tests_text: Vec<String>,
    pub zph: Option<ZphResult>,
    /// Term | χ² | df | p, the GLOBAL test last.
    pub zph_table: Option<DisplayTable>,
    /// What the PH test does and which time transform it used.
    pub zph_text: String,
    pub n_read: usize,
    pub n_used: usize,
    pub n_events: usize,
    /// Rows left out, per column with the first few file lines.
    pub dropped: Vec<MissingValues>,
    /// "227 of 228 patients analysed (164 events)."
    pub n_text: String,
    pub settings_text: String,
    pub warnings: Vec<String>,
    pub plot: ForestPlot,
    /// Present when the request had `time_varying`.
    pub time_varying: Option<TimeVaryingSummary>,
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// The censoring values: as given, or every other value of the event column.
pub(crate) fn censor_values_or_rest(
    table: &Table,
    event: &str,
    event_values: &[String],
    given: &Option<Vec<String>>,
) -> Result<Vec<String>, String> {
    if let Some(v) = given {
        return Ok(v.clone());
    }
    let column = table.require(event).map_err(|e| e.to_string())?;
    let values = distinct_values(column, MAX_LISTED_VALUES).ok_or_else(|| {
        format!(
            "Column \"{}\" has more than {MAX_LISTED_VALUES} different values; an event column holds a few codes such as 0/1 or alive/dead.",
            column.name
        )
    })?;
    Ok(values.into_iter().filter(|v| !event_values.iter().any(|e| e.trim() == v)).collect())
}

/// A category or text column (not declared so by the user) whose values
/// are mostly numbers: a number column with a stray word. As a covariate it
/// is taken as numeric, so that the word is named with its line instead of
/// the column silently becoming dozens of categories.
fn numbers_with_typos(table: &Table, name: &str) -> bool {
    let Some(column) = table.column(name) else { return false };
    if column.declared {
        return false;
    }
    let is_number = |s: &str| {
        let t = s.trim();
        let t = if table.decimal_comma { t.replace(',', ".") } else { t.to_string() };
        t.parse::<f64>().is_ok_and(f64::is_finite)
    };
    let (numbers, present) = match &column.data {
        ColumnData::Category { codes, levels } => {
            let numeric_level: Vec<bool> = levels.iter().map(|l| is_number(l)).collect();
            codes.iter().flatten().fold((0usize, 0usize), |(n, p), &c| {
                (n + usize::from(numeric_level.get(c as usize).copied().unwrap_or(false)), p + 1)
            })
        }
        ColumnData::Text(values) => values
            .iter()
            .flatten()
            .fold((0usize, 0usize), |(n, p), v| (n + usize::from(is_number(v)), p + 1)),
        _ => return false,
    };
    present > 0 && numbers < present && 2 * numbers > present
}

/// The user's terms, cleaned: empty references from a form ("") mean the
/// default (first level); an unstated kind follows the column, except for
/// number columns with a stray word (see [`numbers_with_typos`]).
pub(crate) fn clean_terms(table: &Table, terms: &[TermSpec]) -> Vec<TermSpec> {
    terms
        .iter()
        .map(|t| {
            let column = t.column.trim().to_string();
            let reference = non_empty(&t.reference);
            let kind = match t.kind {
                None if reference.is_none() && numbers_with_typos(table, &column) => Some(TermKind::Numeric),
                k => k,
            };
            TermSpec { column, kind, reference }
        })
        .collect()
}

/// "p = 0.042" or "p < 0.001", from survcalc's p-value format.
pub(crate) fn p_phrase(p: f64) -> String {
    let text = format::p_value(p);
    if let Some(rest) = text.strip_prefix('<') {
        format!("p < {rest}")
    } else if let Some(rest) = text.strip_prefix('>') {
        format!("p > {rest}")
    } else {
        format!("p = {text}")
    }
}

pub(crate) fn chi_square_line(name: &str, stat: f64, df: usize, p: f64) -> String {
    format!("{name}: χ² = {}, df = {df}, {}", format::number(stat, 2), p_phrase(p))
}

/// Standard errors keep three significant-looking decimals even when small.
fn se_text(se: Option<f64>) -> String {
    match se {
        Some(x) if x.is_finite() => format::number(x, if x.abs() < 0.1 { 4 } else { 3 }),
        _ => "—".to_string(),
    }
}

/// Wald test of the coefficients `cols` together under variance `var`
/// (aliased columns, with no coefficient, are left out).
pub(crate) fn wald_test(coef: &[Option<f64>], var: &[Vec<f64>], cols: &[usize]) -> Option<(f64, usize, f64)> {
    let kept: Vec<usize> = cols.iter().copied().filter(|&j| coef.get(j).copied().flatten().is_some()).collect();
    if kept.is_empty() {
        return None;
    }
    let b: Vec<f64> = kept.iter().filter_map(|&j| coef.get(j).copied().flatten()).collect();
    let mut v = SymMatrix::zeros(kept.len());
    for (a, &ja) in kept.iter().enumerate() {
        for (c, &jc) in kept.iter().enumerate() {
            let x = var.get(ja).and_then(|row| row.get(jc)).copied()?;
            v.set(a, c, x);
        }
    }
    let chol = Cholesky::new(&v, CHOLESKY_TOLERANCE)?;
    if chol.rank() < kept.len() {
        return None;
    }
    let x = chol.solve(&b);
    let stat: f64 = b.iter().zip(&x).map(|(b, x)| b * x).sum();
    let df = kept.len();
    let p = chisq_upper(stat, df);
    stat.is_finite().then_some((stat, df, p))
}

fn chisq_upper(stat: f64, df: usize) -> f64 {
    ChiSquared::new(df as f64).map_or(f64::NAN, |d| d.sf(stat.max(0.0)))
}

fn ties_text(ties: Ties) -> &'static str {
    match ties {
        Ties::Efron => "Efron's approximation for tied times (R's default; Stata's default is Breslow)",
        Ties::Breslow => "Breslow's approximation for tied times (Stata's default; R's default is Efron)",
    }
}

pub(crate) fn zph_transform_text(t: ZphTransform) -> &'static str {
    match t {
        ZphTransform::Km => "g(t) = 1 − Kaplan–Meier estimate at t (transform = \"km\", R's default)",
        ZphTransform::Identity => "g(t) = t (transform = \"identity\")",
        ZphTransform::Rank => "g(t) = rank of the event time (transform = \"rank\")",
        ZphTransform::Log => "g(t) = log t (transform = \"log\")",
    }
}

/// Groups defined by later events (resistance) as a covariate of survival
/// from treatment start: the immortal-time trap (docs/domain.md). Not for
/// post-progression times or (start, stop] rows, where it does not apply.
pub(crate) fn immortal_time_note(time: &str, covariates: &[TermSpec], counting_process: bool) -> Option<String> {
    let group = crate::analysis::cohort::GROUP_COLUMN;
    if counting_process || !covariates.iter().any(|c| c.column == group) || time.to_lowercase().starts_with("pps") {
        return None;
    }
    Some(format!(
        "Caution, immortal-time bias: \"{group}\" is defined by events after treatment start (a patient must live \
         6 months without progression to be called secondary resistance or durable response), so as a fixed \
         covariate of survival from treatment start it favours the later groups. Model post-progression survival \
         (pps columns), use a landmark, or enter resistance as a time-varying covariate (Cox regression's \"Time-varying status\", \
         switching on at the progression date)."
    ))
}

/// Cluster id per used row from the cluster column's values.
fn cluster_ids(table: &Table, column: &str, design: &Design) -> Result<(Vec<u64>, usize), String> {
    let col = table.require(column).map_err(|e| e.to_string())?;
    let mut ids: HashMap<String, u64> = HashMap::new();
    let mut out = Vec::with_capacity(design.rows.len());
    for &row in &design.rows {
        let value = col.data.display(row).ok_or_else(|| {
            format!(
                "Column \"{}\", line {}: the cluster (patient) id is missing; every row needs one for the robust variance.",
                col.name,
                table.line_of(row).unwrap_or(0)
            )
        })?;
        let next = ids.len() as u64;
        out.push(*ids.entry(value).or_insert(next));
    }
    Ok((out, ids.len()))
}

/// One formatted HR cell, "not estimable" for aliased coefficients.
fn hr_cell(hr: Option<f64>, lower: Option<f64>, upper: Option<f64>, decimals: usize) -> String {
    match hr {
        None => "not estimable (collinear)".to_string(),
        Some(h) => format::estimate_ci(h, lower.unwrap_or(f64::NAN), upper.unwrap_or(f64::NAN), decimals),
    }
}

/// The switch column's values as read (before rows are chosen).
enum SwitchSource {
    /// Switch times in the follow-up's units, per table row.
    Times(Vec<Option<f64>>),
    /// Switch and origin dates per table row, and the follow-up's unit.
    Dates { switch: Vec<Option<Date>>, origin: Vec<Option<Date>>, origin_column: String, unit: TimeUnit },
}

/// Where each patient's status switches, over the outcome's rows.
struct SwitchPlan {
    /// Positions (into the outcome's rows) kept for the fit.
    keep: Vec<usize>,
    /// Switch time of each kept row; `None`: never switches.
    switch: Vec<Option<f64>>,
    /// Rows left out because the switch is a date but the origin is missing.
    origin_missing: Option<MissingValues>,
    /// Rows left out because their follow-up time is 0 (nothing to split).
    zero_time: MissingValues,
    source: &'static str,
    origin: Option<String>,
    unit: Option<TimeUnit>,
}

/// A value written like a date (year first, or day/month in either order).
fn looks_like_date(text: &str) -> bool {
    [DateOrder::DayMonthYear, DateOrder::MonthDayYear].into_iter().any(|o| parse_date(text, o).is_some())
}

fn looks_like_number(text: &str, decimal_comma: bool) -> bool {
    let t = text.trim();
    let t = if decimal_comma { t.replace(',', ".") } else { t.to_string() };
    t.parse::<f64>().is_ok_and(f64::is_finite)
}

/// The dates of column `name` at `rows` (other rows `None`). A column of
/// dates with one unreadable value is kept as text by the reader; that value
/// is named with its line.
fn dates_at(table: &Table, name: &str, role: &str, rows: &[usize]) -> Result<Vec<Option<Date>>, String> {
    let column = table.require(name).map_err(|e| e.to_string())?;
    match (&column.data, column.kind) {
        (ColumnData::Date(values), _) => Ok(values.clone()),
        (_, ColumnKind::AmbiguousDate) => Err(format!(
            "Column \"{}\" holds dates whose day/month order the values do not show; choose the order for this column (in the data summary) before using it as the {role}.",
            column.name
        )),
        (ColumnData::Number(_), _) => Err(format!(
            "Column \"{}\" holds numbers, but the {role} must be a date column.",
            column.name
        )),
        _ => {
            let mut out = vec![None; table.n_rows()];
            for &row in rows {
                let Some(text) = column.data.display(row) else { continue };
                let date = parse_date(&text, DateOrder::Auto).ok_or_else(|| {
                    format!(
                        "Column \"{}\", line {}: \"{text}\" is not a date, so the column was read as text. Correct the value (leave the cell empty if there is no date) and load the file again.",
                        column.name,
                        table.line_of(row).unwrap_or(0)
                    )
                })?;
                if let Some(slot) = out.get_mut(row) {
                    *slot = Some(date);
                }
            }
            Ok(out)
        }
    }
}

/// Reads the switch column (times, or dates from the origin) over the
/// outcome's rows: missing origins and zero follow-up times are left out,
/// unreadable or negative switch values are errors naming their line.
fn switch_plan(
    table: &Table,
    spec: &TimeVaryingSpec,
    time_column: &str,
    outcome: &survcalc_core::design::SurvivalOutcome,
) -> Result<SwitchPlan, String> {
    let name = spec.column.trim();
    let column = table.require(name).map_err(|e| e.to_string())?;
    let rows = &outcome.rows;
    let is_dates = match (&column.data, column.kind) {
        (ColumnData::Date(_), _) | (_, ColumnKind::AmbiguousDate) => true,
        (ColumnData::Number(_), _) => false,
        _ => {
            // Text or categories: dates with a typo, or numbers with one.
            let (mut dates, mut numbers) = (0usize, 0usize);
            for &row in rows {
                if let Some(v) = column.data.display(row) {
                    dates += usize::from(looks_like_date(&v));
                    numbers += usize::from(looks_like_number(&v, table.decimal_comma));
                }
            }
            if dates == 0 && numbers == 0 {
                return Err(format!(
                    "Column \"{}\" holds {}, but the switch column must hold times (numbers in the follow-up's unit) or dates.",
                    column.name,
                    column.kind.describe()
                ));
            }
            dates > numbers
        }
    };
    let source = if is_dates {
        let origin_name = non_empty(&spec.origin).ok_or_else(|| {
            format!(
                "Column \"{}\" holds dates: choose the origin date column the follow-up is measured from (e.g. the treatment start).",
                column.name
            )
        })?;
        let unit = spec.unit.ok_or_else(|| {
            format!(
                "Column \"{}\" holds dates: say in which unit the follow-up time \"{time_column}\" is (days, months or years), so that the dates become times.",
                column.name
            )
        })?;
        let switch = dates_at(table, name, "time-varying status", rows)?;
        let origin = dates_at(table, &origin_name, "origin", rows)?;
        SwitchSource::Dates { switch, origin, origin_column: origin_name, unit }
    } else {
        SwitchSource::Times(numeric_column(table, name).map_err(|e| e.to_string())?.values)
    };

    let mut plan = SwitchPlan {
        keep: Vec::with_capacity(rows.len()),
        switch: Vec::with_capacity(rows.len()),
        origin_missing: None,
        zero_time: MissingValues { column: time_column.to_string(), count: 0, lines: Vec::new() },
        source: if is_dates { "date" } else { "time" },
        origin: None,
        unit: None,
    };
    let add_line = |tally: &mut MissingValues, line: u64| {
        tally.count += 1;
        if tally.lines.len() < 5 {
            tally.lines.push(line);
        }
    };
    for (i, (&row, &t)) in rows.iter().zip(&outcome.time).enumerate() {
        let line = table.line_of(row).unwrap_or(0);
        if t <= 0.0 {
            add_line(&mut plan.zero_time, line);
            continue;
        }
        let value = column.data.display(row).unwrap_or_default();
        let switch = match &source {
            SwitchSource::Times(values) => match values.get(row).copied().flatten() {
                None => None,
                Some(x) if !x.is_finite() => {
                    return Err(format!("Column \"{}\", line {line}: \"{value}\" is not a finite number.", column.name))
                }
                Some(x) if x < 0.0 => {
                    return Err(format!(
                        "Column \"{}\", line {line}: the switch time \"{value}\" is negative. A status present from the start has switch time 0; leave the cell empty if it never switched.",
                        column.name
                    ))
                }
                Some(x) => Some(x),
            },
            SwitchSource::Dates { switch, origin, origin_column, unit } => {
                match switch.get(row).copied().flatten() {
                    None => None,
                    Some(date) => match origin.get(row).copied().flatten() {
                        None => {
                            let tally = plan.origin_missing.get_or_insert_with(|| MissingValues {
                                column: origin_column.clone(),
                                count: 0,
                                lines: Vec::new(),
                            });
                            add_line(tally, line);
                            continue;
                        }
                        Some(from) => {
                            let days = from.days_until(date);
                            if days < 0 {
                                return Err(format!(
                                    "Column \"{}\", line {line}: the switch date {date} is before the origin date {from} (column \"{origin_column}\"). A status present from the start has the origin date as its switch date; correct the date, or leave the cell empty if the status never switched.",
                                    column.name
                                ));
                            }
                            Some(unit.from_days(f64::from(days)))
                        }
                    },
                }
            }
        };
        plan.keep.push(i);
        plan.switch.push(switch);
    }
    if let SwitchSource::Dates { origin_column, unit, .. } = source {
        plan.origin = Some(origin_column);
        plan.unit = Some(unit);
    }
    Ok(plan)
}

/// Keeps the outcome's rows at `keep` (positions into its rows).
fn keep_outcome_rows(outcome: &mut survcalc_core::design::SurvivalOutcome, keep: &[usize]) {
    outcome.time = keep.iter().filter_map(|&i| outcome.time.get(i).copied()).collect();
    outcome.event = keep.iter().filter_map(|&i| outcome.event.get(i).copied()).collect();
    outcome.rows = keep.iter().filter_map(|&i| outcome.rows.get(i).copied()).collect();
    outcome.strata = outcome.strata.as_ref().map(|s| keep.iter().filter_map(|&i| s.get(i).copied()).collect());
    outcome.n_events = outcome.event.iter().filter(|&&e| e).count();
}

/// `values` per source row, repeated for each of its (start, stop] rows.
fn per_episode<T: Copy>(values: &[T], source_rows: &[usize]) -> Vec<T> {
    source_rows.iter().filter_map(|&k| values.get(k).copied()).collect()
}

/// The design with no covariate (a model of the time-varying status alone).
fn empty_design(rows: &[usize]) -> Design {
    Design {
        columns: Vec::new(),
        names: Vec::new(),
        r_names: Vec::new(),
        terms: Vec::new(),
        rows: rows.to_vec(),
        positions: (0..rows.len()).collect(),
        n_candidates: rows.len(),
        n_dropped: 0,
        missing: Vec::new(),
        warnings: Vec::new(),
    }
}

/// Splits one-row-per-patient data at each patient's switch (R's `tmerge`)
/// and adds the 0/1 status as the last covariate. Strata and clusters follow
/// their patient; with `cluster_by_patient` (robust variance without a
/// cluster column) each patient is a cluster, as `cluster(id)` in R.
fn split_data(
    data: CoxData,
    switch: &[Option<f64>],
    name: &str,
    cluster_by_patient: bool,
) -> Result<(CoxData, cox::SwitchRows), String> {
    let split = cox::split_at_switch(&data.stop, &data.event, switch).map_err(|e| e.to_string())?;
    let mut covariates: Vec<Vec<f64>> = data.covariates.iter().map(|c| per_episode(c, &split.row)).collect();
    covariates.push(split.switched.iter().map(|&s| if s { 1.0 } else { 0.0 }).collect());
    let mut term_names = data.term_names;
    term_names.push(name.to_string());
    let cluster = match data.cluster {
        Some(ids) => Some(per_episode(&ids, &split.row)),
        None if cluster_by_patient => Some(split.row.iter().map(|&k| k as u64).collect()),
        None => None,
    };
    let split_data = CoxData {
        start: Some(split.start.clone()),
        stop: split.stop.clone(),
        event: split.event.clone(),
        covariates,
        term_names,
        strata: data.strata.map(|s| per_episode(&s, &split.row)),
        weights: data.weights.map(|w| per_episode(&w, &split.row)),
        cluster,
    };
    Ok((split_data, split))
}

pub fn run(table: &Table, request: &CoxRequest) -> Result<CoxResult, String> {
    let tv = request.time_varying.as_ref().filter(|t| !t.column.trim().is_empty());
    if request.covariates.is_empty() && tv.is_none() {
        return Err("Choose at least one covariate for the Cox model.".to_string());
    }
    if !(request.conf_level > 0.0 && request.conf_level < 1.0) {
        return Err(format!("The confidence level must be between 0 and 1 (got {}).", request.conf_level));
    }
    let decimals = request.decimals.min(6);
    let start = non_empty(&request.start);
    let strata = non_empty(&request.strata);
    let cluster = non_empty(&request.cluster);
    if let (Some(t), Some(s)) = (tv, &start) {
        return Err(format!(
            "The time-varying status (\"{}\") splits one row per patient at the switch, so it cannot be combined with (start, stop] rows (entry column \"{s}\"). Use one row per patient, or build the (start, stop] rows yourself and leave the time-varying status empty.",
            t.column.trim()
        ));
    }
    let censor_values = censor_values_or_rest(table, &request.event, &request.event_values, &request.censor_values)?;
    let mut outcome = survival_outcome(
        table,
        &SurvivalOutcomeSpec {
            time: request.time.clone(),
            event: request.event.clone(),
            event_values: request.event_values.clone(),
            censor_values: censor_values.clone(),
            start: start.clone(),
            strata: strata.clone(),
        },
    )
    .map_err(|e| e.to_string())?;

    let covariates = clean_terms(table, &request.covariates);
    for c in &covariates {
        if let Some((_, role)) = outcome.roles().into_iter().find(|(col, _)| *col == c.column) {
            return Err(DesignError::TermIsOutcome { column: c.column.clone(), role: role.to_string() }.to_string());
        }
    }
    let tv_name = tv.map(|t| non_empty(&t.name).unwrap_or_else(|| format!("{} (time-varying)", t.column.trim())));
    let plan = match (tv, &tv_name) {
        (Some(t), Some(name)) => {
            let column = t.column.trim();
            if let Some((_, role)) = outcome.roles().into_iter().find(|(col, _)| *col == column) {
                return Err(format!(
                    "Column \"{column}\" is the {role}; the time-varying status needs its own column (the switch time or date)."
                ));
            }
            if covariates.iter().any(|c| c.column == column) {
                return Err(format!(
                    "Column \"{column}\" is the time-varying status; untick it among the fixed covariates."
                ));
            }
            if covariates.iter().any(|c| c.column == *name) {
                return Err(format!(
                    "The time-varying status is named \"{name}\", like a covariate; give it another name."
                ));
            }
            let plan = switch_plan(table, t, &request.time, &outcome)?;
            keep_outcome_rows(&mut outcome, &plan.keep);
            Some(plan)
        }
        _ => None,
    };
    let mut design = if covariates.is_empty() {
        empty_design(&outcome.rows)
    } else {
        build_design(table, &covariates, &outcome.rows).map_err(|e| e.to_string())?
    };
    let mut data: CoxData = outcome.cox_data(&design).map_err(|e| e.to_string())?;
    let mut n_clusters = None;
    if let Some(c) = &cluster {
        let (ids, n) = cluster_ids(table, c, &design)?;
        data.cluster = Some(ids);
        n_clusters = Some(n);
    }
    let robust = request.robust || cluster.is_some();
    let mut tv_summary = None;
    if let (Some(t), Some(plan), Some(name)) = (tv, &plan, &tv_name) {
        let switch = design.pick(&plan.switch).map_err(|e| e.to_string())?;
        let n_patients = data.n();
        let n_after_follow_up =
            switch.iter().zip(&data.stop).filter(|(s, t)| matches!(s, Some(s) if *s >= **t)).count();
        let by_patient = robust && cluster.is_none();
        let (split_data, split) = split_data(data, &switch, name, by_patient)?;
        data = split_data;
        if split.switched.iter().all(|&s| s) || !split.switched.iter().any(|&s| s) {
            return Err(format!(
                "The time-varying status (column \"{}\") is {} for every patient throughout follow-up, so its effect cannot be estimated.",
                t.column.trim(),
                if split.switched.first().copied().unwrap_or(false) { "1 (on from the start)" } else { "0 (no switch during follow-up)" }
            ));
        }
        let j = design.names.len();
        design.names.push(name.clone());
        design.r_names.push(name.clone());
        design.terms.push(DesignTerm {
            column: name.clone(),
            kind: TermKind::Numeric,
            columns: vec![j],
            levels: Vec::new(),
            level_counts: Vec::new(),
            level_columns: Vec::new(),
            reference: None,
        });
        if by_patient {
            n_clusters = Some(n_patients);
        }
        tv_summary = Some(TimeVaryingSummary {
            name: name.clone(),
            column: t.column.trim().to_string(),
            source: plan.source,
            origin: plan.origin.clone(),
            unit: plan.unit,
            n_patients,
            n_rows: split.row.len(),
            n_switched: split.row.len().saturating_sub(n_patients),
            n_from_start: split.switched.iter().zip(&split.start).filter(|(s, a)| **s && **a == 0.0).count(),
            n_after_follow_up,
        });
    }
    let options = CoxOptions { ties: request.ties, robust, conf_level: request.conf_level, ..CoxOptions::default() };
    let fit = cox::fit(&data, &options).map_err(|e| e.to_string())?;

    let mut warnings: Vec<String> = Vec::new();
    if let Some(note) = immortal_time_note(&request.time, &covariates, start.is_some()) {
        warnings.push(note);
    }
    warnings.extend(outcome.warnings.iter().cloned());
    if let Some(plan) = &plan {
        let lines = |m: &MissingValues| {
            let listed: Vec<String> = m.lines.iter().map(u64::to_string).collect();
            let plural = if m.count == 1 { "" } else { "s" };
            let more = if m.count > listed.len() { ", ..." } else { "" };
            format!("{} row{plural} left out (line{plural} {}{more})", m.count, listed.join(", "))
        };
        if plan.zero_time.count > 0 {
            let m = &plan.zero_time;
            warnings.push(format!(
                "{}: the follow-up time \"{}\" is 0, so there is no interval to split at the switch (R's tmerge needs start < stop).",
                lines(m),
                m.column
            ));
        }
        if let Some(m) = &plan.origin_missing {
            warnings.push(format!(
                "{}: the switch date is given but the origin \"{}\" is missing, so the switch time is unknown.",
                lines(m),
                m.column
            ));
        }
    }
    warnings.extend(design.warnings.iter().cloned());
    warnings.extend(fit.warnings.iter().cloned());

    let zph = match cox::cox_zph(&data, &fit, &design.model_terms(), &ZphOptions { transform: request.zph_transform }) {
        Ok(z) => {
            warnings.extend(z.warnings.iter().map(|w| format!("PH test: {w}")));
            Some(z)
        }
        Err(e) => {
            warnings.push(format!("The test of proportional hazards could not be computed: {e}"));
            None
        }
    };

    // Inference as R's summary.coxph prints it: robust SE, CI and p when robust.
    let rv = fit.robust.as_ref();
    let p_of = |j: usize| match rv {
        Some(r) => r.p.get(j).copied().flatten(),
        None => fit.p.get(j).copied().flatten(),
    };
    let ci_of = |j: usize| match rv {
        Some(r) => (r.hr_lower.get(j).copied().flatten(), r.hr_upper.get(j).copied().flatten()),
        None => (fit.hr_lower.get(j).copied().flatten(), fit.hr_upper.get(j).copied().flatten()),
    };
    let var = rv.map_or(&fit.var, |r| &r.var);
    let hr_of = |j: usize| fit.hr.get(j).copied().flatten();
    let p_text = |p: Option<f64>| p.map_or_else(|| "—".to_string(), format::p_value);

    let level = format::number(100.0 * request.conf_level, if (request.conf_level * 100.0).fract() == 0.0 { 0 } else { 1 });
    let mut header = vec!["Covariate".to_string(), format!("HR ({level}% CI)"), "p".to_string()];
    if robust {
        header.push("SE (model)".to_string());
        header.push("Robust SE".to_string());
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut kinds: Vec<&'static str> = Vec::new();
    let mut forest_rows: Vec<ForestRow> = Vec::new();
    let mut term_tests = Vec::new();
    let se_cells = |j: usize| -> Vec<String> {
        if robust {
            vec![
                se_text(fit.se.get(j).copied().flatten()),
                se_text(rv.and_then(|r| r.se.get(j).copied().flatten())),
            ]
        } else {
            Vec::new()
        }
    };
    let estimate = |j: usize| -> Option<ForestEstimate> {
        let (lower, upper) = ci_of(j);
        let p = p_of(j);
        Some(ForestEstimate {
            estimate: hr_of(j),
            lower,
            upper,
            p,
            text: hr_cell(hr_of(j), lower, upper, decimals),
            p_text: p_text(p),
        })
    };
    for term in &design.terms {
        match term.kind {
            TermKind::Numeric => {
                let j = term.columns.first().copied().unwrap_or(0);
                let (lower, upper) = ci_of(j);
                let mut row = vec![term.column.clone(), hr_cell(hr_of(j), lower, upper, decimals), p_text(p_of(j))];
                row.extend(se_cells(j));
                rows.push(row);
                kinds.push("numeric");
                forest_rows.push(ForestRow { label: term.column.clone(), estimates: vec![estimate(j)], ..Default::default() });
            }
            TermKind::Categorical => {
                let whole = if term.columns.len() > 1 { wald_test(&fit.coef, var, &term.columns) } else { None };
                if let Some((stat, df, p)) = whole {
                    term_tests.push(TermWaldTest { term: term.column.clone(), stat, df, p });
                }
                let whole_p = whole.map(|(_, _, p)| p);
                let mut row = vec![term.column.clone(), String::new(), whole_p.map_or_else(String::new, format::p_value)];
                row.extend(std::iter::repeat_n(String::new(), if robust { 2 } else { 0 }));
                rows.push(row);
                kinds.push("factor");
                forest_rows.push(ForestRow {
                    label: term.column.clone(),
                    is_header: true,
                    estimates: vec![whole_p.map(|p| ForestEstimate { p: Some(p), p_text: format::p_value(p), ..Default::default() })],
                    ..Default::default()
                });
                // Reference first, as papers print it.
                let mut order: Vec<usize> = (0..term.levels.len()).collect();
                order.sort_by_key(|&k| term.level_columns.get(k).copied().flatten().is_some());
                for k in order {
                    let Some(level_name) = term.levels.get(k) else { continue };
                    let n = term.level_counts.get(k).copied().unwrap_or(0);
                    let label = format!("{level_name} (n = {n})");
                    match term.level_columns.get(k).copied().flatten() {
                        None => {
                            let mut row = vec![label.clone(), "reference".to_string(), String::new()];
                            row.extend(std::iter::repeat_n(String::new(), if robust { 2 } else { 0 }));
                            rows.push(row);
                            kinds.push("reference");
                            forest_rows.push(ForestRow { label, indent: true, is_reference: true, ..Default::default() });
                        }
                        Some(j) => {
                            let (lower, upper) = ci_of(j);
                            let mut row = vec![label.clone(), hr_cell(hr_of(j), lower, upper, decimals), p_text(p_of(j))];
                            row.extend(se_cells(j));
                            rows.push(row);
                            kinds.push("level");
                            forest_rows.push(ForestRow { label, indent: true, estimates: vec![estimate(j)], ..Default::default() });
                        }
                    }
                }
            }
        }
    }
    let numeric_columns = if robust { vec![1, 2, 3, 4] } else { vec![1, 2] };
    let hr_table = DisplayTable { header, rows, numeric_columns };

    let mut tests_text = vec![chi_square_line("Likelihood-ratio test", fit.lr_test.stat, fit.lr_test.df, fit.lr_test.p)];
    match rv {
        Some(r) => {
            tests_text.push(chi_square_line("Wald test (robust variance)", r.wald_test.stat, r.wald_test.df, r.wald_test.p));
            tests_text.push(chi_square_line("Score (log-rank) test", fit.score_test.stat, fit.score_test.df, fit.score_test.p));
            tests_text.push(chi_square_line(
                "Robust score test",
                r.robust_score_test.stat,
                r.robust_score_test.df,
                r.robust_score_test.p,
            ));
        }
        None => {
            tests_text.push(chi_square_line("Wald test", fit.wald_test.stat, fit.wald_test.df, fit.wald_test.p));
            tests_text.push(chi_square_line("Score (log-rank) test", fit.score_test.stat, fit.score_test.df, fit.score_test.p));
        }
    }
    if let Some(c) = &fit.concordance {
        tests_text.push(format!("Concordance (Harrell's C): {} (SE {})", format::number(c.c, 3), format::number(c.se, 3)));
    }
    if robust {
        tests_text.push(
            "The likelihood-ratio and score tests assume independent rows; the Wald and robust score tests do not (as R notes)."
                .to_string(),
        );
    }

    let zph_table = zph.as_ref().map(|z| DisplayTable {
        header: vec!["Covariate".into(), "χ²".into(), "df".into(), "p".into()],
        rows: z
            .terms
            .iter()
            .chain(std::iter::once(&z.global))
            .map(|r| vec![r.term.clone(), format::number(r.chisq, 2), r.df.to_string(), p_text(Some(r.p))])
            .collect(),
        numeric_columns: vec![1, 2, 3],
    });
    let zph_text = format!(
        "Test of proportional hazards as R's cox.zph (survival 3.x): for each covariate, a score test of whether its \
         effect changes with {}; GLOBAL tests all together. A small p suggests the hazard ratio is not constant over time.",
        zph_transform_text(request.zph_transform)
    );

    let mut dropped: Vec<MissingValues> = outcome.dropped.clone();
    if let Some(m) = plan.as_ref().and_then(|p| p.origin_missing.clone()) {
        dropped.push(m);
    }
    dropped.extend(design.missing.iter().cloned());
    let events = format!("{} event{}", fit.nevent, if fit.nevent == 1 { "" } else { "s" });
    // The rows left out are listed, with their lines, in the warnings.
    let n_text = match &tv_summary {
        Some(s) => format!(
            "{} of {} patients analysed ({} rows after splitting at the switch; {} switched), {events}.",
            s.n_patients, outcome.n_read, s.n_rows, s.n_switched
        ),
        None => format!(
            "{} of {} {} analysed ({events}).",
            fit.n,
            outcome.n_read,
            if start.is_some() { "rows" } else { "patients" },
        ),
    };

    let mut settings = vec![
        "Cox proportional hazards regression (as R's coxph).".to_string(),
        format!("{}.", capitalise(ties_text(request.ties))),
    ];
    match (robust, &cluster) {
        (true, Some(c)) => settings.push(format!(
            "Robust (sandwich) variance clustered by \"{c}\" ({} clusters); {level}% Wald confidence intervals and p-values use it (R's cluster()).",
            n_clusters.unwrap_or(0)
        )),
        (true, None) if tv_summary.is_some() => settings.push(format!(
            "Robust (sandwich) variance clustered by patient ({} patients: each patient's rows before and after the switch together, as R's cluster(id) on tmerge data); {level}% Wald confidence intervals and p-values use it.",
            n_clusters.unwrap_or(0)
        )),
        (true, None) => settings.push(format!(
            "Robust (sandwich) variance; {level}% Wald confidence intervals and p-values use it (R's robust = TRUE)."
        )),
        _ => settings.push(format!("{level}% Wald confidence intervals and Wald p-values (model-based variance).")),
    }
    if let Some(s) = &strata {
        settings.push(format!(
            "Stratified by \"{s}\" ({} strata): each stratum has its own baseline hazard, so no hazard ratio is estimated for it.",
            outcome.strata_labels.len()
        ));
    }
    if let Some(s) = &start {
        settings.push(format!("Counting-process (start, stop] rows: entry \"{s}\", exit \"{}\".", request.time));
    }
    if let Some(s) = &tv_summary {
        settings.push(time_varying_text(s, &request.time));
    }
    settings.push(format!(
        "Event: {} = {}; censored: {} = {}.",
        request.event,
        request.event_values.join(" or "),
        request.event,
        if censor_values.is_empty() { "(none)".to_string() } else { censor_values.join(" or ") }
    ));
    let references: Vec<String> = design
        .terms
        .iter()
        .filter_map(|t| t.reference.as_ref().map(|r| format!("{} = {r}", t.column)))
        .collect();
    if !references.is_empty() {
        settings.push(format!("Reference levels: {}.", references.join(", ")));
    }
    let tv_column = tv_summary.as_ref().map(|s| s.name.as_str());
    let numeric: Vec<&str> = design
        .terms
        .iter()
        .filter(|t| t.kind == TermKind::Numeric && Some(t.column.as_str()) != tv_column)
        .map(|t| t.column.as_str())
        .collect();
    if !numeric.is_empty() {
        settings.push(format!("Numeric covariates ({}): hazard ratio per one unit.", numeric.join(", ")));
    }
    if !term_tests.is_empty() {
        settings.push(
            "For a categorical covariate with more than two levels, its row's p is the Wald test of all its levels together."
                .to_string(),
        );
    }

    let coefficients = design
        .r_names
        .iter()
        .zip(&design.names)
        .enumerate()
        .map(|(j, (r, n))| Coefficient {
            r_name: r.clone(),
            name: n.clone(),
            term: design.terms.iter().find(|t| t.columns.contains(&j)).map(|t| t.column.clone()).unwrap_or_default(),
        })
        .collect();

    let plot = ForestPlot {
        title: format!(
            "Cox model: {} ({} patients, {} events)",
            request.time,
            tv_summary.as_ref().map_or(fit.n, |s| s.n_patients),
            fit.nevent
        ),
        estimate_label: "Hazard ratio (log scale)".to_string(),
        column_label: format!("HR ({level}% CI)"),
        panels: vec![ForestPanel { title: "Hazard ratio".to_string() }],
        rows: forest_rows,
    };

    Ok(CoxResult {
        n_read: outcome.n_read,
        n_used: tv_summary.as_ref().map_or(fit.n, |s| s.n_patients),
        n_events: fit.nevent,
        coefficients,
        design_terms: design.terms.clone(),
        term_tests,
        hr_table,
        hr_row_kinds: kinds,
        tests_text,
        zph_table,
        zph,
        zph_text,
        dropped,
        n_text,
        settings_text: settings.join(" "),
        warnings,
        plot,
        fit,
        time_varying: tv_summary,
    })
}

/// What the time-varying status is and how it was built, for the settings.
fn time_varying_text(s: &TimeVaryingSummary, time: &str) -> String {
    let from = match (s.source, &s.origin, s.unit) {
        ("date", Some(origin), Some(unit)) => format!(
            "switch time = date in \"{}\" − date in \"{origin}\", in {}{}",
            s.column,
            unit.label(),
            match unit {
                TimeUnit::Days => "",
                TimeUnit::Months => " (1 month = 30.4375 days)",
                TimeUnit::Years => " (1 year = 365.25 days)",
            }
        ),
        _ => format!("switch times from \"{}\", in the unit of \"{time}\"", s.column),
    };
    let patients = |n: usize| format!("{n} patient{}", if n == 1 { "" } else { "s" });
    let mut counts = vec![format!("{} switched during follow-up", patients(s.n_switched))];
    if s.n_from_start > 0 {
        counts.push(format!("{} had the status from the start", patients(s.n_from_start)));
    }
    if s.n_after_follow_up > 0 {
        counts.push(format!("{} switched only at or after their end of follow-up (0 throughout)", patients(s.n_after_follow_up)));
    }
    format!(
        "Time-varying status \"{}\": 0 until the patient's switch, 1 after it ({from}); each patient's follow-up is \
         split at the switch into (start, stop] rows, as R's tmerge(tdc()) before coxph, so no immortal time is \
         credited to the status. An empty cell means the status never switched; a switch at or after the end of \
         follow-up leaves it 0 (a change on the day of the event counts only after it, as tmerge); a switch at time 0 \
         means 1 from the start. {}",
        s.name,
        counts.join("; ") + "."
    )
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[wasm_bindgen]
impl Dataset {
    /// Cox proportional hazards regression (R's coxph) with the PH test
    /// (cox.zph), the hazard-ratio table, model tests and the forest plot.
    /// See docs/api.md for the options.
    pub fn cox(&self, options: JsValue) -> Result<JsValue, JsError> {
        let request: CoxRequest = crate::from_js(options, "Cox options")?;
        crate::to_js(&run(&self.table, &request).map_err(crate::js_error)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use survcalc_core::table::{read_csv, ReadOptions};

    fn table(dataset: &str) -> Table {
        let path = format!("{}/../../tests/reference/{dataset}/data.csv", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        read_csv(text.as_bytes(), &ReadOptions::default()).unwrap()
    }

    fn request(time: &str, event: &str, value: &str, covariates: &[&str]) -> CoxRequest {
        CoxRequest {
            time: time.into(),
            event: event.into(),
            event_values: vec![value.into()],
            covariates: covariates.iter().map(|c| TermSpec::new(c)).collect(),
            ..CoxRequest::default()
        }
    }

    #[test]
    fn lung_table_and_texts() {
        let r = run(&table("02_lung"), &request("time", "status", "2", &["age", "sex", "ph.ecog"])).unwrap();
        assert_eq!(r.n_used, 227);
        assert_eq!(r.n_text, "227 of 228 patients analysed (164 events).");
        assert!(r.warnings.iter().any(|w| w.contains("(line 15)")), "{:?}", r.warnings);
        assert_eq!(r.hr_table.rows.len(), 3);
        assert_eq!(r.plot.rows.len(), 3);
        assert_eq!(p_phrase(0.0001), "p < 0.001");
        assert_eq!(p_phrase(0.9999), "p > 0.99");
        assert_eq!(p_phrase(0.042), "p = 0.042");
    }

    #[test]
    fn whole_factor_wald_test_equals_the_model_tables() {
        // Two implementations of the 3-df Wald test of celltype: this one
        // and survcalc-core's model table (multivariable factor tests).
        use survcalc_core::model_table::{self, ModelTableOptions, ModelTableSpec, OutcomeSpec};
        let t = table("03_veteran");
        let mut req = request("time", "status", "1", &["trt", "celltype", "karno"]);
        let r = run(&t, &req).unwrap();
        let spec = ModelTableSpec {
            outcome: OutcomeSpec::Survival(SurvivalOutcomeSpec {
                time: "time".into(),
                event: "status".into(),
                event_values: vec!["1".into()],
                censor_values: vec!["0".into()],
                ..SurvivalOutcomeSpec::default()
            }),
            candidates: req.covariates.clone(),
            multivariable: Some(vec!["trt".into(), "celltype".into(), "karno".into()]),
        };
        let mt = model_table::fit(&t, &spec, &ModelTableOptions::default()).unwrap();
        let (_, core) = &mt.multivariable.unwrap().factor_tests[0];
        let mine = &r.term_tests[0];
        assert_eq!((mine.term.as_str(), mine.df), ("celltype", 3));
        assert!((mine.stat - core.stat).abs() <= 1e-10 * core.stat, "{} vs {}", mine.stat, core.stat);
        assert!((mine.p - core.p).abs() <= 1e-10 * core.p);
        // Robust: the same test under the robust variance differs.
        req.robust = true;
        let robust = run(&t, &req).unwrap();
        assert!((robust.term_tests[0].stat - mine.stat).abs() > 1e-3);
    }

    #[test]
    fn a_number_column_with_a_word_is_numeric() {
        let mut text = String::from("time,status,age,arm\n");
        for i in 0..30 {
            let age = if i == 7 { "seventy".to_string() } else { (40 + i).to_string() };
            text.push_str(&format!("{},{},{age},{}\n", 5 + i, i % 2, if i % 3 == 0 { "A" } else { "B" }));
        }
        let t = read_csv(text.as_bytes(), &ReadOptions::default()).unwrap();
        assert!(numbers_with_typos(&t, "age"));
        assert!(!numbers_with_typos(&t, "arm"));
        let err = run(&t, &request("time", "status", "1", &["age"])).unwrap_err();
        assert!(err.contains("line 9") && err.contains("\"seventy\""), "{err}");
        // Asked for as categories, it is one (the user's choice stands).
        let mut req = request("time", "status", "1", &["age"]);
        req.covariates[0].kind = Some(TermKind::Categorical);
        assert!(clean_terms(&t, &req.covariates)[0].kind == Some(TermKind::Categorical));
    }

    /// heart (jasa1, one row per patient-period) as one row per patient:
    /// stop and event of the last row, covariates of the first, and the
    /// transplant switch time = start of the row with transplant = 1.
    /// Returns the wide CSV and the long rows (id, start, stop, event, transplant).
    type LongRow = (String, f64, f64, bool, bool);

    fn heart_wide() -> (String, Vec<LongRow>) {
        let path = format!("{}/../../tests/reference/05_heart/data.csv", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        let (start, stop, event, tx, id) = (col("start"), col("stop"), col("event"), col("transplant"), col("id"));
        let mut long = Vec::new();
        let mut wide: Vec<(String, Vec<String>, Option<String>)> = Vec::new();
        for line in lines {
            let f: Vec<&str> = line.split(',').collect();
            long.push((f[id].to_string(), f[start].parse().unwrap(), f[stop].parse().unwrap(), f[event] == "1", f[tx] == "1"));
            let covs = vec![f[col("age")].to_string(), f[col("year")].to_string(), f[col("surgery")].to_string()];
            let row = [f[stop].to_string(), f[event].to_string()];
            match wide.iter_mut().find(|w| w.0 == f[id]) {
                Some(w) => {
                    w.1[0] = row[0].clone();
                    w.1[1] = row[1].clone();
                    if f[tx] == "1" && w.2.is_none() {
                        w.2 = Some(f[start].to_string());
                    }
                }
                None => {
                    let mut values = row.to_vec();
                    values.extend(covs);
                    wide.push((f[id].to_string(), values, (f[tx] == "1").then(|| f[start].to_string())));
                }
            }
        }
        let mut csv = String::from("id,stop,event,age,year,surgery,transplant_time\n");
        for (id, values, switch) in &wide {
            csv.push_str(&format!("{id},{},{}\n", values.join(","), switch.clone().unwrap_or_default()));
        }
        (csv, long)
    }

    fn heart_request(robust: bool) -> CoxRequest {
        CoxRequest {
            robust,
            time_varying: Some(TimeVaryingSpec {
                column: "transplant_time".into(),
                name: Some("transplant".into()),
                ..TimeVaryingSpec::default()
            }),
            ..request("stop", "event", "1", &["age", "year", "surgery"])
        }
    }

    #[test]
    fn switch_rows_of_the_wide_heart_table_are_jasa1s_rows() {
        let (csv, long) = heart_wide();
        let t = read_csv(csv.as_bytes(), &ReadOptions::default()).unwrap();
        let num = |name: &str| numeric_column(&t, name).unwrap().values;
        let stop: Vec<f64> = num("stop").iter().map(|v| v.unwrap()).collect();
        let event: Vec<bool> = num("event").iter().map(|v| v.unwrap() == 1.0).collect();
        let split = cox::split_at_switch(&stop, &event, &num("transplant_time")).unwrap();
        let ids = match &t.column("id").unwrap().data {
            ColumnData::Number(v) => v.iter().map(|x| format::number(x.unwrap(), 0)).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        let rows: Vec<LongRow> = (0..split.row.len())
            .map(|k| (ids[split.row[k]].clone(), split.start[k], split.stop[k], split.event[k], split.switched[k]))
            .collect();
        assert_eq!(rows, long);
        assert_eq!((t.n_rows(), rows.len()), (103, 172));
    }

    #[test]
    fn the_wide_heart_fit_equals_the_fit_on_jasa1s_rows() {
        let (csv, _) = heart_wide();
        let wide = read_csv(csv.as_bytes(), &ReadOptions::default()).unwrap();
        let long = table("05_heart");
        for robust in [false, true] {
            let r = run(&wide, &heart_request(robust)).unwrap();
            let mut req = request("stop", "event", "1", &["age", "year", "surgery", "transplant"]);
            req.start = Some("start".into());
            if robust {
                req.cluster = Some("id".into());
            }
            let l = run(&long, &req).unwrap();
            assert_eq!((r.fit.n, r.fit.nevent), (172, 75));
            for j in 0..4 {
                let (a, b) = (r.fit.coef[j].unwrap(), l.fit.coef[j].unwrap());
                assert!((a - b).abs() <= 1e-10 * b.abs(), "coef {j}: {a} vs {b}");
                let (a, b) = (r.fit.se[j].unwrap(), l.fit.se[j].unwrap());
                assert!((a - b).abs() <= 1e-10 * b, "se {j}");
            }
            assert!((r.fit.loglik_final - l.fit.loglik_final).abs() < 1e-9);
            if robust {
                let (a, b) = (r.fit.robust.as_ref().unwrap(), l.fit.robust.as_ref().unwrap());
                assert_eq!(a.n_clusters, 103);
                for j in 0..4 {
                    assert!((a.se[j].unwrap() - b.se[j].unwrap()).abs() <= 1e-10 * b.se[j].unwrap());
                }
                assert!(r.settings_text.contains("clustered by patient (103 patients"), "{}", r.settings_text);
            }
            assert_eq!(r.hr_table.rows.last().unwrap()[0], "transplant");
            assert_eq!(r.n_used, 103);
            assert_eq!(
                r.n_text,
                "103 of 103 patients analysed (172 rows after splitting at the switch; 69 switched), 75 events."
            );
            let tv = r.time_varying.as_ref().unwrap();
            assert_eq!((tv.n_switched, tv.n_from_start, tv.source), (69, 0, "time"));
            assert!(r.settings_text.contains("Time-varying status \"transplant\""), "{}", r.settings_text);
            assert!(r.settings_text.contains("Numeric covariates (age, year, surgery)"), "{}", r.settings_text);
        }
    }

    fn small(rows: &[(&str, &str, &str, &str)]) -> Table {
        // time (months), event, origin date, switch date
        let mut text = String::from("time,status,age,start_date,switch_date,switch_time\n");
        for (i, (time, status, origin, switch)) in rows.iter().enumerate() {
            text.push_str(&format!("{time},{status},{},{origin},{switch},{}\n", 50 + 3 * i, i % 3));
        }
        read_csv(text.as_bytes(), &ReadOptions::default()).unwrap()
    }

    fn date_request(unit: Option<TimeUnit>) -> CoxRequest {
        CoxRequest {
            time_varying: Some(TimeVaryingSpec {
                column: "switch_date".into(),
                origin: Some("start_date".into()),
                unit,
                name: None,
            }),
            ..request("time", "status", "1", &["age"])
        }
    }

    const SMALL: [(&str, &str, &str, &str); 8] = [
        ("12", "1", "2020-01-01", "2020-03-01"),
        ("3", "1", "2020-02-01", ""),
        ("20", "0", "2020-01-15", "2020-06-15"),
        ("7", "1", "2020-03-01", "2020-03-01"),
        ("15", "0", "2020-01-20", ""),
        ("9", "1", "2020-04-01", "2021-04-01"),
        ("0", "1", "2020-05-01", ""),
        ("11", "1", "2020-02-10", "2020-04-10"),
    ];

    #[test]
    fn switch_dates_from_an_origin() {
        let t = small(&SMALL);
        let r = run(&t, &date_request(Some(TimeUnit::Months))).unwrap();
        let tv = r.time_varying.as_ref().unwrap();
        // Line 8 (time 0) is left out; line 5 switches at the origin; line 7 after its follow-up.
        assert_eq!((tv.n_patients, tv.n_switched, tv.n_from_start, tv.n_after_follow_up), (7, 3, 1, 1));
        assert_eq!(tv.name, "switch_date (time-varying)");
        assert!(r.warnings.iter().any(|w| w.contains("1 row left out (line 8)") && w.contains("is 0")), "{:?}", r.warnings);
        assert!(r.settings_text.contains("in months (1 month = 30.4375 days)"), "{}", r.settings_text);
        // The same switches as numbers in months give the same fit.
        let months = |a: &str, b: &str| {
            let d = |s: &str| {
                let p: Vec<i32> = s.split('-').map(|x| x.parse().unwrap()).collect();
                Date::from_ymd(p[0], p[1] as u32, p[2] as u32).unwrap()
            };
            TimeUnit::Months.from_days(f64::from(d(a).days_until(d(b))))
        };
        let mut text = String::from("time,status,age,switch\n");
        for (i, (time, status, origin, switch)) in SMALL.iter().enumerate() {
            let s = if switch.is_empty() { String::new() } else { format!("{:?}", months(origin, switch)) };
            text.push_str(&format!("{time},{status},{},{s}\n", 50 + 3 * i));
        }
        let n = read_csv(text.as_bytes(), &ReadOptions::default()).unwrap();
        let mut req = request("time", "status", "1", &["age"]);
        req.time_varying = Some(TimeVaryingSpec { column: "switch".into(), ..TimeVaryingSpec::default() });
        let rn = run(&n, &req).unwrap();
        assert_eq!(r.fit.coef, rn.fit.coef);
        // Without the unit or origin, or with a date before the origin: errors that say what to do.
        let err = run(&t, &date_request(None)).unwrap_err();
        assert!(err.contains("in which unit"), "{err}");
        let mut bad = SMALL;
        bad[2].3 = "2019-12-31";
        let err = run(&small(&bad), &date_request(Some(TimeUnit::Days))).unwrap_err();
        assert!(err.contains("line 4") && err.contains("2019-12-31 is before the origin date 2020-01-15"), "{err}");
        bad[2].3 = "unknown";
        let err = run(&small(&bad), &date_request(Some(TimeUnit::Days))).unwrap_err();
        assert!(err.contains("Column \"switch_date\", line 4: \"unknown\" is not a date"), "{err}");
        // A switch column combined with (start, stop] rows, or with no switch at all.
        let mut req = date_request(Some(TimeUnit::Days));
        req.start = Some("switch_time".into());
        assert!(run(&t, &req).unwrap_err().contains("cannot be combined with (start, stop] rows"));
        let none: Vec<_> = SMALL.iter().map(|&(a, b, c, _)| (a, b, c, "")).collect();
        let err = run(&small(&none), &date_request(Some(TimeUnit::Days))).unwrap_err();
        assert!(err.contains("0 (no switch during follow-up) for every patient"), "{err}");
        // Negative switch time.
        let mut req = request("time", "status", "1", &["age"]);
        req.time_varying = Some(TimeVaryingSpec { column: "age".into(), ..TimeVaryingSpec::default() });
        assert!(run(&t, &req).unwrap_err().contains("untick it"));
    }
}
