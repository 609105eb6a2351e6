//! Cox regression request: R's `coxph` (Efron or Breslow ties, strata,
//! (start, stop] rows, robust or clustered variance) with `cox.zph`'s test
//! of proportional hazards, the hazard-ratio table, the model tests and the
//! forest plot. The statistics are survcalc-stats'; this layer words them.

use super::cox_time_split::{self as time_split, SplitRow, TimeSplit, TimeSplitPlan, NO_EVENTS};
pub use super::cox_time_split::{TimeSplitSpec, TimeSplitSummary};
use super::cox_time_varying::{empty_design, time_varying_text, TimeVaryingStatus};
pub use super::cox_time_varying::{TimeVaryingSpec, TimeVaryingSummary};
use super::DisplayTable;
use crate::analysis_set::{self, rows_of, AnalysisSet, Filter};
use crate::derive::formulas_text;
use crate::design::{
    build_design, survival_outcome_among, Design, DesignError, DesignTerm, MissingValues,
    SurvivalOutcome, SurvivalOutcomeSpec, TermKind, TermSpec,
};
use crate::format;
use crate::labels::Labels;
use crate::plot::figure::{ForestFigure, PrintSpec, SizePreset};
use crate::plot::forest::{ForestEstimate, ForestPanel, ForestPlot, ForestRow};
use crate::presets::{self, PresetReport, PresetSetting, Program};
use crate::provenance;
use crate::summary::{distinct_values, MAX_LISTED_VALUES};
use crate::table::{ColumnData, Table};
use crate::warning::{Context, ImmortalTimeRole, Warning};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use survcalc_stats::cox::{
    self, CoxData, CoxFit, CoxOptions, RobustVariance, Ties, ZphOptions, ZphResult, ZphTransform,
};
use survcalc_stats::wald::{rows_variance, wald_test_zero};

/// What the user asked for (plain JS object; see docs/api.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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
    /// Covariates with one hazard ratio per interval between cut points
    /// (right-censored data only; not with `time_varying`).
    pub time_split: Option<TimeSplitSpec>,
    /// How the forest plot looks and prints.
    pub figure: ForestFigure,
    /// Only the patients of this analysis set (R's `subset =`).
    pub filter: Option<Filter>,
    /// Variable labels (column -> label): a covariate's rows in the forest
    /// plot are titled by its label unless `figure.row_labels` names them.
    pub labels: Labels,
    /// Match another program's defaults: sets `ties` (overriding it) and
    /// reports what it set.
    pub preset: Option<Program>,
}

impl CoxRequest {
    /// The request with a "match another program" preset applied: the
    /// settings the analysis runs with and the methods paragraph describes.
    pub fn resolved(&self) -> std::borrow::Cow<'_, Self> {
        match self.preset {
            None => std::borrow::Cow::Borrowed(self),
            Some(program) => std::borrow::Cow::Owned({
                CoxRequest {
                    ties: presets::defaults(program).cox_ties,
                    ..self.clone()
                }
            }),
        }
    }
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
            time_split: None,
            figure: ForestFigure::default(),
            filter: None,
            labels: Labels::new(),
            preset: None,
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
    pub warnings: Vec<Warning>,
    pub plot: ForestPlot,
    /// Present when the request had `time_varying`.
    pub time_varying: Option<TimeVaryingSummary>,
    /// Present when the request had `time_split`.
    pub time_split: Option<TimeSplitSummary>,
    /// The analysis set the patients were restricted to (`filter`).
    pub analysis_set: Option<AnalysisSet>,
    /// What a `preset` set, when one was chosen.
    pub preset: Option<PresetReport>,
}

pub(super) fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
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
    Ok(values
        .into_iter()
        .filter(|v| !event_values.iter().any(|e| e.trim() == v))
        .collect())
}

/// A category or text column (not declared so by the user) whose values
/// are mostly numbers: a number column with a stray word. As a covariate it
/// is taken as numeric, so that the word is named with its line instead of
/// the column silently becoming dozens of categories.
fn numbers_with_typos(table: &Table, name: &str) -> bool {
    let Some(column) = table.column(name) else {
        return false;
    };
    if column.declared {
        return false;
    }
    let is_number = |s: &str| {
        let t = s.trim();
        let t = if table.decimal_comma {
            t.replace(',', ".")
        } else {
            t.to_string()
        };
        t.parse::<f64>().is_ok_and(f64::is_finite)
    };
    let (numbers, present) = match &column.data {
        ColumnData::Category { codes, levels } => {
            let numeric_level: Vec<bool> = levels.iter().map(|l| is_number(l)).collect();
            codes.iter().flatten().fold((0usize, 0usize), |(n, p), &c| {
                (
                    n + usize::from(numeric_level.get(c as usize).copied().unwrap_or(false)),
                    p + 1,
                )
            })
        }
        ColumnData::Text(values) => values.iter().flatten().fold((0usize, 0usize), |(n, p), v| {
            (n + usize::from(is_number(v)), p + 1)
        }),
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
                None if reference.is_none() && numbers_with_typos(table, &column) => {
                    Some(TermKind::Numeric)
                }
                k => k,
            };
            TermSpec {
                column,
                kind,
                reference,
            }
        })
        .collect()
}

fn ties_text(ties: Ties) -> &'static str {
    match ties {
        Ties::Efron => {
            "Efron's approximation for tied times (R's default; Stata's default is Breslow)"
        }
        Ties::Breslow => {
            "Breslow's approximation for tied times (Stata's default; R's default is Efron)"
        }
    }
}

pub(crate) fn zph_transform_text(t: ZphTransform) -> &'static str {
    match t {
        ZphTransform::Km => {
            "g(t) = 1 − Kaplan–Meier estimate at t (transform = \"km\", R's default)"
        }
        ZphTransform::Identity => "g(t) = t (transform = \"identity\")",
        ZphTransform::Rank => "g(t) = rank of the event time (transform = \"rank\")",
        ZphTransform::Log => "g(t) = log t (transform = \"log\")",
    }
}

/// Covariates defined by later events (resistance groups, an endpoint's
/// event) entered as fixed covariates of times not measured from the event
/// that settles them: the immortal-time trap (docs/domain.md), one caution
/// per such column, by provenance whatever its name. Not for (start, stop]
/// rows, where the user has split follow-up at the change already.
pub(crate) fn immortal_time_notes(
    table: &Table,
    time: &str,
    covariates: &[TermSpec],
    counting_process: bool,
) -> Vec<Warning> {
    if counting_process {
        return Vec::new();
    }
    let time_derived = table.column(time).and_then(|c| c.derived.as_ref());
    covariates
        .iter()
        .filter_map(|c| table.column(&c.column))
        .filter_map(|column| {
            let derived = column.derived.as_ref()?;
            provenance::immortal_time(Some(derived), time_derived).then(|| Warning::ImmortalTime {
                column: column.name.clone(),
                derived: derived.column,
                time_column: time.to_string(),
                role: ImmortalTimeRole::Covariate,
                landmark: None,
            })
        })
        .collect()
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
        Some(h) => format::estimate_ci(
            h,
            lower.unwrap_or(f64::NAN),
            upper.unwrap_or(f64::NAN),
            decimals,
        ),
    }
}

/// The request's choices that need no data, checked, with its optional
/// columns trimmed; every later step reads them from here.
struct Choices<'a> {
    /// The time-varying status, when its switch column is chosen.
    time_varying: Option<&'a TimeVaryingSpec>,
    /// The cut points and the covariates split at them, when asked for.
    time_split: Option<TimeSplit>,
    start: Option<String>,
    strata: Option<String>,
    cluster: Option<String>,
    /// Robust variance: asked for, or implied by a cluster column.
    robust: bool,
    /// Decimals of hazard ratios (at most 6).
    decimals: usize,
    /// The confidence level in percent as printed ("95").
    level: String,
}

/// The rows and columns the model is fitted to, and what was left out on
/// the way (for the warnings, `dropped` and the settings).
struct ModelInput<'a> {
    /// The event column's values meaning "censored".
    censor_values: Vec<String>,
    outcome: SurvivalOutcome,
    /// The fixed covariates, cleaned (see [`clean_terms`]).
    covariates: Vec<TermSpec>,
    time_varying: Option<TimeVaryingStatus<'a>>,
    time_split: Option<TimeSplitPlan>,
    design: Design,
    data: CoxData,
    /// Clusters of the robust variance, when clustered.
    n_clusters: Option<usize>,
    /// The analysis set, when the request had a filter.
    set: Option<AnalysisSet>,
}

/// Runs the Cox request as a recipe: check the choices, read the rows,
/// split them at the switch or the cut points, fit, then word the numbers.
pub fn run(table: &Table, request: &CoxRequest) -> Result<CoxResult, String> {
    let resolved = request.resolved();
    let request: &CoxRequest = &resolved;
    let preset = request
        .preset
        .map(|p| presets::report(p, &[PresetSetting::CoxTies]));
    let choices = check_request(request)?;
    request.figure.check()?;
    let mut input = read_model_input(table, request, &choices)?;
    let time_varying = apply_time_varying(&mut input, &choices)?;
    let time_split = apply_time_split(&mut input, &choices)?;
    let options = CoxOptions {
        ties: request.ties,
        robust: choices.robust,
        conf_level: request.conf_level,
        ..CoxOptions::default()
    };
    let zph_options = ZphOptions {
        transform: request.zph_transform,
    };
    let (fit, zph) = cox::fit_with_ph_test(
        &input.data,
        &options,
        &input.design.model_terms(),
        &zph_options,
    )
    .map_err(|e| e.to_string())?;
    let time_split = time_split.map(|s| s.with_same_hr_tests(&fit));
    let mut warnings = input_warnings(table, request, &choices, &input);
    warnings.extend(Warning::from_kernel(&fit.warnings));
    let zph = ph_test(zph, &mut warnings);
    // Patients and events per row only where a row is a patient (no
    // splitting at a switch or at cut points).
    let events =
        (time_varying.is_none() && time_split.is_none()).then_some(input.data.event.as_slice());
    let mut hr = hr_rows(
        &fit,
        &input.design,
        &input.data.covariates,
        &choices,
        time_split.as_ref(),
        events,
    );
    crate::labels::label_term_rows(&mut hr.table.rows, &hr.kinds, &request.labels);
    let n_used = time_varying
        .as_ref()
        .map(|s| s.n_patients)
        .or(time_split.as_ref().map(|s| s.n_patients))
        .unwrap_or(fit.n);
    Ok(CoxResult {
        n_read: input.outcome.n_read,
        n_used,
        n_events: fit.nevent,
        coefficients: coefficients(&input.design),
        design_terms: input.design.terms.clone(),
        tests_text: tests_text(&fit, choices.robust, time_split.as_ref()),
        zph_table: zph.as_ref().map(zph_table),
        zph,
        zph_text: zph_text(request.zph_transform),
        dropped: dropped_rows(&input),
        n_text: n_text(
            &fit,
            &input,
            &choices,
            time_varying.as_ref(),
            time_split.as_ref(),
        ),
        settings_text: settings_text(
            table,
            request,
            &choices,
            &input,
            (time_varying.as_ref(), time_split.as_ref()),
            !hr.term_tests.is_empty(),
        ) + &preset
            .as_ref()
            .map(|p| format!(" {}", p.text))
            .unwrap_or_default(),
        preset,
        warnings,
        plot: forest_plot(request, &choices, hr.forest_rows, input.set.as_ref()),
        term_tests: hr.term_tests,
        hr_table: hr.table,
        hr_row_kinds: hr.kinds,
        fit,
        time_varying,
        time_split,
        analysis_set: input.set,
    })
}

/// Checks what needs no data (a covariate chosen, the confidence level, no
/// switch column with (start, stop] rows), so that a mistake in the form is
/// named before any column is read.
fn check_request(request: &CoxRequest) -> Result<Choices<'_>, String> {
    let time_varying = request
        .time_varying
        .as_ref()
        .filter(|t| !t.column.trim().is_empty());
    if request.covariates.is_empty() && time_varying.is_none() {
        return Err("Choose at least one covariate for the Cox model.".to_string());
    }
    super::check_conf_level(request.conf_level)?;
    let start = non_empty(&request.start);
    let cluster = non_empty(&request.cluster);
    if let (Some(t), Some(s)) = (time_varying, &start) {
        return Err(format!(
            "The time-varying status (\"{}\") splits one row per patient at the switch, so it cannot be combined with (start, stop] rows (entry column \"{s}\"). Use one row per patient, or build the (start, stop] rows yourself and leave the time-varying status empty.",
            t.column.trim()
        ));
    }
    let time_split = time_split::check(
        request.time_split.as_ref(),
        &request.time,
        start.as_deref(),
        time_varying,
    )?;
    let conf_level = request.conf_level;
    Ok(Choices {
        time_varying,
        time_split,
        start,
        strata: non_empty(&request.strata),
        robust: request.robust || cluster.is_some(),
        cluster,
        decimals: request.decimals.min(6),
        level: format::level_percent(conf_level),
    })
}

/// Reads the outcome, the switches of the time-varying status and the
/// covariates' design over the rows where all are known: every error about
/// a column or a value (naming its line) comes from here, before fitting.
fn read_model_input<'a>(
    table: &Table,
    request: &CoxRequest,
    choices: &Choices<'a>,
) -> Result<ModelInput<'a>, String> {
    let censor_values = censor_values_or_rest(
        table,
        &request.event,
        &request.event_values,
        &request.censor_values,
    )?;
    let selection = analysis_set::select_optional(table, request.filter.as_ref())?;
    let mut outcome = survival_outcome_among(
        table,
        &SurvivalOutcomeSpec {
            time: request.time.clone(),
            event: request.event.clone(),
            event_values: request.event_values.clone(),
            censor_values: censor_values.clone(),
            start: choices.start.clone(),
            strata: choices.strata.clone(),
        },
        rows_of(&selection),
    )
    .map_err(|e| e.to_string())?;

    let covariates = clean_terms(table, &request.covariates);
    for c in &covariates {
        if let Some((_, role)) = outcome
            .roles()
            .into_iter()
            .find(|(col, _)| *col == c.column)
        {
            return Err(DesignError::TermIsOutcome {
                column: c.column.clone(),
                role: role.to_string(),
            }
            .to_string());
        }
    }
    // Before the design: rows whose switch cannot be used leave the outcome.
    let time_varying = choices
        .time_varying
        .map(|spec| TimeVaryingStatus::plan(table, spec, &request.time, &covariates, &mut outcome))
        .transpose()?;
    let time_split = choices
        .time_split
        .as_ref()
        .map(|s| TimeSplitPlan::plan(table, s, &covariates, &mut outcome))
        .transpose()?;
    let mut design = if covariates.is_empty() {
        empty_design(&outcome.rows)
    } else {
        build_design(table, &covariates, &outcome.rows).map_err(|e| e.to_string())?
    };
    // From here on the columns are `data.covariates` (the splits at a
    // switch or at cut points replace them there).
    let mut data: CoxData = outcome
        .cox_data_moving_columns(&mut design)
        .map_err(|e| e.to_string())?;
    // Before fitting: a model with more coefficients than events cannot be
    // meant (and with hundreds of them would run for minutes).
    let events = data.event.iter().filter(|&&e| e).count();
    if events > 0 && design.p() > events {
        return Err(DesignError::TooManyCoefficients {
            coefficients: design.p(),
            events,
            what: "events",
        }
        .to_string());
    }
    let mut n_clusters = None;
    if let Some(c) = &choices.cluster {
        let (ids, n) = cluster_ids(table, c, &design)?;
        data.cluster = Some(ids);
        n_clusters = Some(n);
    }
    let set = analysis_set::set_of(&selection);
    Ok(ModelInput {
        censor_values,
        outcome,
        covariates,
        time_varying,
        time_split,
        design,
        data,
        n_clusters,
        set,
    })
}

/// Splits each patient's follow-up at the switch when a time-varying status
/// was asked for. The robust variance then clusters by patient unless a
/// cluster column was chosen, as R's cluster(id) on tmerge data.
fn apply_time_varying(
    input: &mut ModelInput,
    choices: &Choices,
) -> Result<Option<TimeVaryingSummary>, String> {
    let Some(status) = &input.time_varying else {
        return Ok(None);
    };
    let by_patient = choices.robust && choices.cluster.is_none();
    let summary = status.split(&mut input.design, &mut input.data, by_patient)?;
    if by_patient {
        input.n_clusters = Some(summary.n_patients);
    }
    Ok(Some(summary))
}

/// Splits the follow-up at the cut points when an effect changing over time
/// was asked for; the robust variance then clusters by patient unless a
/// cluster column was chosen, as R's cluster(id) on survSplit data.
fn apply_time_split(
    input: &mut ModelInput,
    choices: &Choices,
) -> Result<Option<TimeSplitSummary>, String> {
    let Some(plan) = input.time_split.as_mut() else {
        return Ok(None);
    };
    let by_patient = choices.robust && choices.cluster.is_none();
    let summary = plan.split(&mut input.design, &mut input.data, by_patient)?;
    if by_patient {
        input.n_clusters = Some(summary.n_patients);
    }
    Ok(Some(summary))
}

/// Warnings about the data, in the order a reader meets them: the
/// immortal-time caution, then rows left out (outcome, switch, covariates).
fn input_warnings(
    table: &Table,
    request: &CoxRequest,
    choices: &Choices,
    input: &ModelInput,
) -> Vec<Warning> {
    let mut warnings: Vec<Warning> = Vec::new();
    warnings.extend(input.set.as_ref().and_then(AnalysisSet::left_out_warning));
    warnings.extend(immortal_time_notes(
        table,
        &request.time,
        &input.covariates,
        choices.start.is_some(),
    ));
    warnings.extend(super::censoring_codes_note(
        &request.event,
        &request.event_values,
        &request.censor_values,
        &input.censor_values,
    ));
    warnings.extend(input.outcome.warnings.iter().cloned());
    if let Some(status) = &input.time_varying {
        warnings.extend(status.warnings());
    }
    if let Some(plan) = &input.time_split {
        warnings.extend(plan.warnings());
    }
    warnings.extend(input.design.warnings.iter().cloned());
    warnings
}

/// R's cox.zph on the fitted model. A failure is a warning, not an error:
/// the hazard ratios stand without it.
fn ph_test(
    test: Result<ZphResult, cox::CoxError>,
    warnings: &mut Vec<Warning>,
) -> Option<ZphResult> {
    match test {
        Ok(z) => {
            warnings.extend(Warning::from_kernel(&z.warnings).map(|w| w.within(Context::PhTest)));
            Some(z)
        }
        Err(e) => {
            warnings.push(Warning::PhTestNotComputed {
                error: e.to_string(),
            });
            None
        }
    }
}

/// Inference as R's summary.coxph prints it: the robust SE, CI and p when
/// the variance is robust, the model-based ones otherwise.
struct Inference<'a> {
    fit: &'a CoxFit,
    rv: Option<&'a RobustVariance>,
    /// Whether the table has the two SE columns.
    robust: bool,
    decimals: usize,
}

impl Inference<'_> {
    fn hr(&self, j: usize) -> Option<f64> {
        self.fit.hr.get(j).copied().flatten()
    }

    fn p(&self, j: usize) -> Option<f64> {
        match self.rv {
            Some(r) => r.p.get(j).copied().flatten(),
            None => self.fit.p.get(j).copied().flatten(),
        }
    }

    fn ci(&self, j: usize) -> (Option<f64>, Option<f64>) {
        match self.rv {
            Some(r) => (
                r.hr_lower.get(j).copied().flatten(),
                r.hr_upper.get(j).copied().flatten(),
            ),
            None => (
                self.fit.hr_lower.get(j).copied().flatten(),
                self.fit.hr_upper.get(j).copied().flatten(),
            ),
        }
    }

    fn var(&self) -> &[Vec<f64>] {
        self.rv.map_or(&self.fit.var, |r| &r.var)
    }

    /// The table row of coefficient `j`: label, HR (CI), p, and the SEs when robust.
    fn cells(&self, label: String, j: usize) -> Vec<String> {
        let (lower, upper) = self.ci(j);
        let mut row = vec![
            label,
            hr_cell(self.hr(j), lower, upper, self.decimals),
            format::p_value_or_dash(self.p(j)),
        ];
        if self.robust {
            row.push(format::standard_error(
                self.fit.se.get(j).copied().flatten(),
            ));
            row.push(format::standard_error(
                self.rv.and_then(|r| r.se.get(j).copied().flatten()),
            ));
        }
        row
    }

    /// Empty SE cells for rows without a coefficient.
    fn blank_se_cells(&self) -> impl Iterator<Item = String> {
        std::iter::repeat_n(String::new(), if self.robust { 2 } else { 0 })
    }

    fn estimate(&self, j: usize) -> Option<ForestEstimate> {
        let (lower, upper) = self.ci(j);
        let p = self.p(j);
        Some(ForestEstimate {
            estimate: self.hr(j),
            lower,
            upper,
            p,
            text: hr_cell(self.hr(j), lower, upper, self.decimals),
            p_text: format::p_value_or_dash(p),
        })
    }
}

/// The hazard-ratio table, the kind of each of its rows and the forest
/// plot's rows, built together so that table and plot list the same rows.
struct HrRows<'a> {
    table: DisplayTable,
    kinds: Vec<&'static str>,
    forest_rows: Vec<ForestRow>,
    term_tests: Vec<TermWaldTest>,
    /// Event of each row when rows are patients (for the counts); borrowed,
    /// as the design's columns: copying them cost more than the counting.
    events: Option<&'a [bool]>,
    design_columns: &'a [Vec<f64>],
    /// The counts of every row (each numeric covariate's), counted once.
    all_rows: std::cell::OnceCell<Vec<String>>,
}

/// One row per numeric covariate; a header row then one row per level
/// (reference first) for a categorical one.
fn hr_rows<'a>(
    fit: &CoxFit,
    design: &Design,
    design_columns: &'a [Vec<f64>],
    choices: &Choices,
    time_split: Option<&TimeSplitSummary>,
    events: Option<&'a [bool]>,
) -> HrRows<'a> {
    let robust = choices.robust;
    let inference = Inference {
        fit,
        rv: fit.robust.as_ref(),
        robust,
        decimals: choices.decimals,
    };
    let mut header = vec![
        "Covariate".to_string(),
        format!("HR ({}% CI)", choices.level),
        "p".to_string(),
    ];
    if robust {
        header.push("SE (model)".to_string());
        header.push("Robust SE".to_string());
    }
    let numeric_columns = if robust { vec![1, 2, 3, 4] } else { vec![1, 2] };
    let mut out = HrRows {
        table: DisplayTable {
            header,
            rows: Vec::new(),
            numeric_columns,
        },
        kinds: Vec::new(),
        forest_rows: Vec::new(),
        term_tests: Vec::new(),
        events,
        design_columns,
        all_rows: std::cell::OnceCell::new(),
    };
    for term in &design.terms {
        let split = time_split.and_then(|s| s.term(&term.column).map(|t| s.rows(t)));
        match (term.kind, split) {
            (TermKind::Numeric, None) => out.push_numeric(term, &inference),
            (TermKind::Numeric, Some(rows)) => out.push_split(rows, &inference),
            (TermKind::Categorical, split) => out.push_categorical(term, &inference, split),
        }
    }
    out
}

impl HrRows<'_> {
    /// Patients and events among the rows where design column `one` (when
    /// given) is 1 and every design column in `zero` is 0 (all rows when
    /// neither is given); empty when rows are not patients. Counted by a
    /// survcalc_stats kernel: here, at the size setting, the per-row
    /// comparisons took a tenth of the Cox request at n = 1e6.
    fn counts(&self, zero: &[usize], one: Option<usize>) -> Vec<String> {
        let Some(events) = self.events else {
            return Vec::new();
        };
        if zero.is_empty() && one.is_none() {
            return self
                .all_rows
                .get_or_init(|| {
                    let (n, e) = survcalc_stats::rows::indicator_counts(events, &[], None);
                    vec![n.to_string(), e.to_string()]
                })
                .clone();
        }
        // A column that is not there matches no row (as an empty one).
        let column = |c: usize| self.design_columns.get(c).map_or(&[][..], Vec::as_slice);
        let zero: Vec<&[f64]> = zero.iter().map(|&c| column(c)).collect();
        let (n, e) = survcalc_stats::rows::indicator_counts(events, &zero, one.map(column));
        vec![n.to_string(), e.to_string()]
    }

    fn push(&mut self, cells: Vec<String>, kind: &'static str, forest_row: ForestRow) {
        self.table.rows.push(cells);
        self.kinds.push(kind);
        self.forest_rows.push(forest_row);
    }

    fn push_numeric(&mut self, term: &DesignTerm, inference: &Inference) {
        let j = term.columns.first().copied().unwrap_or(0);
        let counts = self.counts(&[], None);
        let forest_row = ForestRow {
            label: term.column.clone(),
            estimates: vec![inference.estimate(j)],
            counts,
            ..Default::default()
        };
        self.push(
            inference.cells(term.column.clone(), j),
            "numeric",
            forest_row,
        );
    }

    /// The header row carries the whole-covariate Wald test when the
    /// covariate has more than two levels. A covariate split at cut points
    /// lists its `split` rows (level and interval) after the reference.
    fn push_categorical(
        &mut self,
        term: &DesignTerm,
        inference: &Inference,
        split: Option<Vec<SplitRow>>,
    ) {
        let whole = if term.columns.len() > 1 {
            wald_test_zero(
                &inference.fit.coef,
                &rows_variance(inference.var()),
                &term.columns,
            )
        } else {
            None
        };
        if let Some(w) = whole {
            self.term_tests.push(TermWaldTest {
                term: term.column.clone(),
                stat: w.stat,
                df: w.df,
                p: w.p,
            });
        }
        let whole_p = whole.map(|w| w.p);
        let mut row = vec![
            term.column.clone(),
            String::new(),
            whole_p.map_or_else(String::new, format::p_value),
        ];
        row.extend(inference.blank_se_cells());
        let forest_row = ForestRow {
            label: term.column.clone(),
            is_header: true,
            estimates: vec![whole_p.map(|p| ForestEstimate {
                p: Some(p),
                p_text: format::p_value(p),
                ..Default::default()
            })],
            ..Default::default()
        };
        self.push(row, "factor", forest_row);
        // Reference first, as papers print it.
        let mut order: Vec<usize> = (0..term.levels.len()).collect();
        order.sort_by_key(|&k| term.level_columns.get(k).copied().flatten().is_some());
        for k in order {
            let Some(level_name) = term.levels.get(k) else {
                continue;
            };
            let n = term.level_counts.get(k).copied().unwrap_or(0);
            let label = format!("{level_name} (n = {n})");
            match term.level_columns.get(k).copied().flatten() {
                None => {
                    let mut row = vec![label.clone(), "reference".to_string(), String::new()];
                    row.extend(inference.blank_se_cells());
                    let counts = self.counts(&term.columns, None);
                    self.push(
                        row,
                        "reference",
                        ForestRow {
                            label,
                            indent: true,
                            is_reference: true,
                            counts,
                            ..Default::default()
                        },
                    );
                }
                Some(_) if split.is_some() => {}
                Some(j) => {
                    let row = inference.cells(label.clone(), j);
                    let counts = self.counts(&[], Some(j));
                    let forest_row = ForestRow {
                        label,
                        indent: true,
                        estimates: vec![inference.estimate(j)],
                        counts,
                        ..Default::default()
                    };
                    self.push(row, "level", forest_row);
                }
            }
        }
        if let Some(rows) = split {
            self.push_split(rows, inference);
        }
    }

    /// The rows of a covariate with one coefficient per interval.
    fn push_split(&mut self, rows: Vec<SplitRow>, inference: &Inference) {
        for SplitRow {
            label,
            column,
            kind,
        } in rows
        {
            let indent = kind == "level";
            match column {
                Some(j) => {
                    let cells = inference.cells(label.clone(), j);
                    self.push(
                        cells,
                        kind,
                        ForestRow {
                            label,
                            indent,
                            estimates: vec![inference.estimate(j)],
                            ..Default::default()
                        },
                    );
                }
                None => {
                    let mut cells = vec![label.clone(), NO_EVENTS.to_string(), "—".to_string()];
                    cells.extend(inference.blank_se_cells());
                    let estimate = ForestEstimate {
                        text: NO_EVENTS.to_string(),
                        p_text: "—".to_string(),
                        ..Default::default()
                    };
                    self.push(
                        cells,
                        kind,
                        ForestRow {
                            label,
                            indent,
                            estimates: vec![Some(estimate)],
                            ..Default::default()
                        },
                    );
                }
            }
        }
    }
}

/// The model tests, one line each, as summary.coxph lists them (with the
/// robust Wald and score tests when robust) and the concordance.
fn tests_text(fit: &CoxFit, robust: bool, time_split: Option<&TimeSplitSummary>) -> Vec<String> {
    let mut tests_text = vec![format::chi_square_line(
        "Likelihood-ratio test",
        fit.lr_test.stat,
        fit.lr_test.df,
        fit.lr_test.p,
    )];
    match fit.robust.as_ref() {
        Some(r) => {
            tests_text.push(format::chi_square_line(
                "Wald test (robust variance)",
                r.wald_test.stat,
                r.wald_test.df,
                r.wald_test.p,
            ));
            tests_text.push(format::chi_square_line(
                "Score (log-rank) test",
                fit.score_test.stat,
                fit.score_test.df,
                fit.score_test.p,
            ));
            tests_text.push(format::chi_square_line(
                "Robust score test",
                r.robust_score_test.stat,
                r.robust_score_test.df,
                r.robust_score_test.p,
            ));
        }
        None => {
            tests_text.push(format::chi_square_line(
                "Wald test",
                fit.wald_test.stat,
                fit.wald_test.df,
                fit.wald_test.p,
            ));
            tests_text.push(format::chi_square_line(
                "Score (log-rank) test",
                fit.score_test.stat,
                fit.score_test.df,
                fit.score_test.p,
            ));
        }
    }
    if let Some(s) = time_split {
        tests_text.extend(s.tests_text());
    }
    if let Some(c) = &fit.concordance {
        tests_text.push(format!(
            "Concordance (Harrell's C): {} (SE {})",
            format::number(c.c, 3),
            format::number(c.se, 3)
        ));
    }
    if robust {
        tests_text.push(
            "The likelihood-ratio and score tests assume independent rows; the Wald and robust score tests do not (as R notes)."
                .to_string(),
        );
    }
    tests_text
}

/// Covariate | χ² | df | p of the PH test, the GLOBAL test last.
fn zph_table(z: &ZphResult) -> DisplayTable {
    DisplayTable {
        header: vec!["Covariate".into(), "χ²".into(), "df".into(), "p".into()],
        rows: z
            .terms
            .iter()
            .chain(std::iter::once(&z.global))
            .map(|r| {
                vec![
                    r.term.clone(),
                    format::number(r.chisq, 2),
                    r.df.to_string(),
                    format::p_value_or_dash(Some(r.p)),
                ]
            })
            .collect(),
        numeric_columns: vec![1, 2, 3],
    }
}

/// What the PH test does and on which time scale, under its table.
fn zph_text(transform: ZphTransform) -> String {
    format!(
        "Test of proportional hazards as R's cox.zph (survival 3.x): for each covariate, a score test of whether its \
         effect changes with {}; GLOBAL tests all together. A small p suggests the hazard ratio is not constant over time.",
        zph_transform_text(transform)
    )
}

/// Rows left out, per column: outcome, then switch origin, then covariates.
fn dropped_rows(input: &ModelInput) -> Vec<MissingValues> {
    let mut dropped: Vec<MissingValues> = input.outcome.dropped.clone();
    if let Some(m) = input
        .time_varying
        .as_ref()
        .and_then(TimeVaryingStatus::origin_missing)
    {
        dropped.push(m);
    }
    dropped.extend(input.design.missing.iter().cloned());
    dropped
}

/// "227 of 228 patients analysed (164 events)."; patients, not rows, when
/// the follow-up was split at a switch. The rows left out are listed, with
/// their lines, in the warnings.
fn n_text(
    fit: &CoxFit,
    input: &ModelInput,
    choices: &Choices,
    time_varying: Option<&TimeVaryingSummary>,
    time_split: Option<&TimeSplitSummary>,
) -> String {
    let events = format!(
        "{} event{}",
        fit.nevent,
        if fit.nevent == 1 { "" } else { "s" }
    );
    let patients = input
        .set
        .as_ref()
        .map_or_else(|| "patients".to_string(), AnalysisSet::patients_in);
    match (time_varying, time_split) {
        (Some(s), _) => format!(
            "{} of {} {patients} analysed ({} rows after splitting at the switch; {} switched), {events}.",
            s.n_patients, input.outcome.n_read, s.n_rows, s.n_switched
        ),
        (None, Some(s)) => format!(
            "{} of {} {patients} analysed ({} rows after splitting at {}), {events}.",
            s.n_patients,
            input.outcome.n_read,
            s.n_rows,
            s.cuts.iter().map(f64::to_string).collect::<Vec<_>>().join(", ")
        ),
        (None, None) => format!(
            "{} of {} {} analysed ({events}).",
            fit.n,
            input.outcome.n_read,
            match (&input.set, choices.start.is_some()) {
                (Some(set), true) => format!("rows in “{}”", set.label()),
                (None, true) => "rows".to_string(),
                (_, false) => patients.clone(),
            },
        ),
    }
}

/// Every choice behind the numbers, in words, so that the result can be
/// reported (and reproduced in R) without the form.
fn settings_text(
    table: &Table,
    request: &CoxRequest,
    choices: &Choices,
    input: &ModelInput,
    (time_varying, time_split): (Option<&TimeVaryingSummary>, Option<&TimeSplitSummary>),
    has_term_tests: bool,
) -> String {
    let by_patient = match (time_varying, time_split) {
        (Some(_), _) => Some("each patient's rows before and after the switch together, as R's cluster(id) on tmerge data"),
        (None, Some(_)) => Some("each patient's rows of the different intervals together, as R's cluster(id) on survSplit data"),
        (None, None) => None,
    };
    let mut settings: Vec<String> = input.set.iter().map(|s| s.text.clone()).collect();
    settings.extend([
        "Cox proportional hazards regression (as R's coxph).".to_string(),
        format!("{}.", capitalise(ties_text(request.ties))),
        variance_setting(choices, input.n_clusters, by_patient),
    ]);
    if let Some(s) = &choices.strata {
        settings.push(format!(
            "Stratified by \"{s}\" ({} strata): each stratum has its own baseline hazard, so no hazard ratio is estimated for it.",
            input.outcome.strata_labels.len()
        ));
    }
    if let Some(s) = &choices.start {
        settings.push(format!(
            "Counting-process (start, stop] rows: entry \"{s}\", exit \"{}\".",
            request.time
        ));
    }
    if let Some(s) = time_varying {
        settings.push(time_varying_text(s, &request.time));
    }
    if let Some(s) = time_split {
        let cluster = choices
            .cluster
            .as_deref()
            .or(by_patient.filter(|_| choices.robust).map(|_| "id"));
        let r_call = time_split::r_call(
            &request.time,
            &request.event,
            &request.event_values,
            &input.design,
            s,
            choices.strata.as_deref(),
            cluster,
        );
        settings.push(s.settings_text(&request.time, &r_call));
    }
    let censor_values = &input.censor_values;
    settings.push(format!(
        "Event: {} = {}; censored: {} = {}.",
        request.event,
        request.event_values.join(" or "),
        request.event,
        if censor_values.is_empty() {
            "(none)".to_string()
        } else {
            censor_values.join(" or ")
        }
    ));
    let terms = &input.design.terms;
    let references: Vec<String> = terms
        .iter()
        .filter_map(|t| t.reference.as_ref().map(|r| format!("{} = {r}", t.column)))
        .collect();
    if !references.is_empty() {
        settings.push(format!("Reference levels: {}.", references.join(", ")));
    }
    let tv_column = time_varying.map(|s| s.name.as_str());
    let numeric: Vec<&str> = terms
        .iter()
        .filter(|t| t.kind == TermKind::Numeric && Some(t.column.as_str()) != tv_column)
        .map(|t| t.column.as_str())
        .collect();
    if !numeric.is_empty() {
        settings.push(format!(
            "Numeric covariates ({}): hazard ratio per one unit.",
            numeric.join(", ")
        ));
    }
    if has_term_tests {
        settings.push(
            "For a categorical covariate with more than two levels, its row's p is the Wald test of all its levels together."
                .to_string(),
        );
    }
    let mut used: Vec<&str> = vec![request.time.as_str(), request.event.as_str()];
    used.extend(choices.start.as_deref());
    used.extend(choices.strata.as_deref());
    used.extend(choices.cluster.as_deref());
    used.extend(input.covariates.iter().map(|c| c.column.as_str()));
    used.extend(choices.time_varying.map(|t| t.column.trim()));
    settings.extend(formulas_text(table, used));
    settings.join(" ")
}

/// Which variance the intervals and p-values use, and how it is clustered.
/// `by_patient` says how rows are clustered by patient when the follow-up
/// was split and no cluster column was chosen.
fn variance_setting(
    choices: &Choices,
    n_clusters: Option<usize>,
    by_patient: Option<&str>,
) -> String {
    let level = &choices.level;
    match (choices.robust, &choices.cluster) {
        (true, Some(c)) => format!(
            "Robust (sandwich) variance clustered by \"{c}\" ({} clusters); {level}% Wald confidence intervals and p-values use it (R's cluster()).",
            n_clusters.unwrap_or(0)
        ),
        (true, None) if by_patient.is_some() => format!(
            "Robust (sandwich) variance clustered by patient ({} patients: {}); {level}% Wald confidence intervals and p-values use it.",
            n_clusters.unwrap_or(0),
            by_patient.unwrap_or_default()
        ),
        (true, None) => format!(
            "Robust (sandwich) variance; {level}% Wald confidence intervals and p-values use it (R's robust = TRUE)."
        ),
        _ => format!("{level}% Wald confidence intervals and Wald p-values (model-based variance)."),
    }
}

/// Each design column under R's name and the readable one, with its covariate.
fn coefficients(design: &Design) -> Vec<Coefficient> {
    design
        .r_names
        .iter()
        .zip(&design.names)
        .enumerate()
        .map(|(j, (r, n))| Coefficient {
            r_name: r.clone(),
            name: n.clone(),
            term: design
                .terms
                .iter()
                .find(|t| t.columns.contains(&j))
                .map(|t| t.column.clone())
                .unwrap_or_default(),
        })
        .collect()
}

/// The forest plot of the hazard ratios, with the figure options applied.
fn forest_plot(
    request: &CoxRequest,
    choices: &Choices,
    rows: Vec<ForestRow>,
    set: Option<&AnalysisSet>,
) -> ForestPlot {
    let figure = &request.figure;
    let with_counts = figure.show_counts && rows.iter().any(|r| !r.counts.is_empty());
    ForestPlot {
        title: figure.title.clone().unwrap_or_default(),
        caption: set.map(|s| s.text.clone()),
        estimate_label: figure
            .x_label
            .clone()
            .unwrap_or_else(|| "Hazard ratio (log scale)".to_string()),
        column_label: format!("HR ({}% CI)", choices.level),
        panels: vec![ForestPanel {
            title: String::new(),
        }],
        rows: relabelled(rows, figure, &request.labels),
        count_columns: if with_counts {
            vec!["n".to_string(), "Events".to_string()]
        } else {
            Vec::new()
        },
        favours: figure.favours.clone(),
        weight_squares: figure.weight_squares,
        style: figure.style.series(0),
        print: PrintSpec::new(
            &figure.output,
            SizePreset::DoubleColumn,
            figure.style.line_width,
        ),
        p_label: String::new(),
    }
}

/// Rows with the labels the figure options give them (by the label the
/// report gives), else a row named after a column with that column's
/// variable label, and without counts when they are not shown.
pub(crate) fn relabelled(
    rows: Vec<ForestRow>,
    figure: &ForestFigure,
    labels: &Labels,
) -> Vec<ForestRow> {
    rows.into_iter()
        .map(|mut r| {
            if let Some(label) = figure.row_labels.get(&r.label) {
                r.label = label.clone();
            } else if let Some(label) = crate::labels::given(labels, &r.label) {
                r.label = label.to_string();
            }
            if !figure.show_counts {
                r.counts.clear();
            }
            r
        })
        .collect()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::table::{read_csv, ReadOptions};

    pub(crate) fn table(dataset: &str) -> Table {
        let path = format!(
            "{}/../../tests/reference/{dataset}/data.csv",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).unwrap();
        read_csv(text.as_bytes(), &ReadOptions::default()).unwrap()
    }

    pub(crate) fn request(time: &str, event: &str, value: &str, covariates: &[&str]) -> CoxRequest {
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
        let r = run(
            &table("02_lung"),
            &request("time", "status", "2", &["age", "sex", "ph.ecog"]),
        )
        .unwrap();
        assert_eq!(r.n_used, 227);
        assert_eq!(r.n_text, "227 of 228 patients analysed (164 events).");
        let missing = r
            .warnings
            .iter()
            .find(|w| w.code() == "missing_covariate_values")
            .expect("the row is named");
        assert!(
            missing.message().contains("(line 15)"),
            "{}",
            missing.message()
        );
        assert_eq!(r.hr_table.rows.len(), 3);
        assert_eq!(r.plot.rows.len(), 3);
    }

    #[test]
    fn whole_factor_wald_test_equals_the_model_tables() {
        // Two implementations of the 3-df Wald test of celltype: this one
        // and the model table's (multivariable factor tests).
        use crate::model_table::{self, ModelTableOptions, ModelTableSpec, OutcomeSpec};
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
        assert!(
            (mine.stat - core.stat).abs() <= 1e-10 * core.stat,
            "{} vs {}",
            mine.stat,
            core.stat
        );
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
            let age = if i == 7 {
                "seventy".to_string()
            } else {
                (40 + i).to_string()
            };
            text.push_str(&format!(
                "{},{},{age},{}\n",
                5 + i,
                i % 2,
                if i % 3 == 0 { "A" } else { "B" }
            ));
        }
        let t = read_csv(text.as_bytes(), &ReadOptions::default()).unwrap();
        assert!(numbers_with_typos(&t, "age"));
        assert!(!numbers_with_typos(&t, "arm"));
        let err = run(&t, &request("time", "status", "1", &["age"])).unwrap_err();
        assert!(
            err.contains("line 9") && err.contains("\"seventy\""),
            "{err}"
        );
        // Asked for as categories, it is one (the user's choice stands).
        let mut req = request("time", "status", "1", &["age"]);
        req.covariates[0].kind = Some(TermKind::Categorical);
        assert!(clean_terms(&t, &req.covariates)[0].kind == Some(TermKind::Categorical));
    }
}
