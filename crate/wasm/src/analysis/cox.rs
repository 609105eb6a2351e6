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
use survcalc_core::format;
use survcalc_core::linalg::{Cholesky, SymMatrix, CHOLESKY_TOLERANCE};
use survcalc_core::table::{ColumnData, Table};
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
        }
    }
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
         (pps columns), use a landmark, or enter resistance as a time-varying covariate ((start, stop] rows)."
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

pub fn run(table: &Table, request: &CoxRequest) -> Result<CoxResult, String> {
    if request.covariates.is_empty() {
        return Err("Choose at least one covariate for the Cox model.".to_string());
    }
    if !(request.conf_level > 0.0 && request.conf_level < 1.0) {
        return Err(format!("The confidence level must be between 0 and 1 (got {}).", request.conf_level));
    }
    let decimals = request.decimals.min(6);
    let start = non_empty(&request.start);
    let strata = non_empty(&request.strata);
    let cluster = non_empty(&request.cluster);
    let censor_values = censor_values_or_rest(table, &request.event, &request.event_values, &request.censor_values)?;
    let outcome = survival_outcome(
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
    let design = build_design(table, &covariates, &outcome.rows).map_err(|e| e.to_string())?;
    let mut data: CoxData = outcome.cox_data(&design).map_err(|e| e.to_string())?;
    let mut n_clusters = None;
    if let Some(c) = &cluster {
        let (ids, n) = cluster_ids(table, c, &design)?;
        data.cluster = Some(ids);
        n_clusters = Some(n);
    }
    let robust = request.robust || cluster.is_some();
    let options = CoxOptions { ties: request.ties, robust, conf_level: request.conf_level, ..CoxOptions::default() };
    let fit = cox::fit(&data, &options).map_err(|e| e.to_string())?;

    let mut warnings: Vec<String> = Vec::new();
    if let Some(note) = immortal_time_note(&request.time, &covariates, start.is_some()) {
        warnings.push(note);
    }
    warnings.extend(outcome.warnings.iter().cloned());
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
    dropped.extend(design.missing.iter().cloned());
    // The rows left out are listed, with their lines, in the warnings.
    let n_text = format!(
        "{} of {} {} analysed ({} event{}).",
        fit.n,
        outcome.n_read,
        if start.is_some() { "rows" } else { "patients" },
        fit.nevent,
        if fit.nevent == 1 { "" } else { "s" }
    );

    let mut settings = vec![
        "Cox proportional hazards regression (as R's coxph).".to_string(),
        format!("{}.", capitalise(ties_text(request.ties))),
    ];
    match (robust, &cluster) {
        (true, Some(c)) => settings.push(format!(
            "Robust (sandwich) variance clustered by \"{c}\" ({} clusters); {level}% Wald confidence intervals and p-values use it (R's cluster()).",
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
    let numeric: Vec<&str> =
        design.terms.iter().filter(|t| t.kind == TermKind::Numeric).map(|t| t.column.as_str()).collect();
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
        title: format!("Cox model: {} ({} patients, {} events)", request.time, fit.n, fit.nevent),
        estimate_label: "Hazard ratio (log scale)".to_string(),
        column_label: format!("HR ({level}% CI)"),
        panels: vec![ForestPanel { title: "Hazard ratio".to_string() }],
        rows: forest_rows,
    };

    Ok(CoxResult {
        n_read: outcome.n_read,
        n_used: fit.n,
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
    })
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
}
