//! Competing-risks request: an event column whose codes are each censored,
//! the event of interest or a competing event; Aalen–Johansen cumulative
//! incidence per group (cmprsk's `cuminc` with Gray's variance, or
//! survival's multi-state `survfit` with its infinitesimal-jackknife SE),
//! Gray's test, and Fine–Gray regression (cmprsk's `crr`) with the design
//! and forest plot of the Cox request. The cause-specific Cox model is the
//! Cox request with competing events censored, returned ready to run.

use super::cox::{clean_terms, CoxRequest};
use super::DisplayTable;
use crate::analysis_set::{self, rows_of, AnalysisSet, Filter};
use crate::dates::TimeUnit;
use crate::design::{build_design, DesignError, DesignTerm, MissingValues, TermKind, TermSpec};
use crate::format;
use crate::plot::figure::{FigureOutput, FigureStyle, PrintSpec, SizePreset};
use crate::plot::forest::{ForestEstimate, ForestPanel, ForestPlot, ForestRow};
use crate::plot::km::{KmPlot, KmPlotCurve};
use crate::plot::{month_ticks, nice_ticks};
use crate::summary::{distinct_values, MAX_LISTED_VALUES};
use crate::table::{self, DroppedRows, SurvivalColumns, Table};
use crate::warning::Warning;
use serde::{Deserialize, Serialize};
use survcalc_stats::competing::{
    self, CifAtTimes, CifFit, CifOptions, CifVariance, CrrData, CrrFit, CrrOptions, GrayTest,
};
use survcalc_stats::km::{ConfType, Grouping};

/// How the cumulative incidence curves are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CifPlotStyle {
    /// One curve per group for the event of interest and, dashed in the
    /// legend's order, one for the competing event.
    #[default]
    PerCause,
    /// Per group, the event of interest and then both causes added up, so
    /// the gap between the curves is the competing event's incidence.
    Stacked,
}

/// What the user asked for (see docs/api.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompetingRequest {
    pub time: String,
    pub event: String,
    /// Codes of the event column meaning the event of interest.
    pub event_values: Vec<String>,
    /// Codes meaning a competing event (one that prevents the event of interest).
    pub competing_values: Vec<String>,
    /// Codes meaning censored; when absent, every other value present.
    pub censor_values: Option<Vec<String>>,
    /// Names of the event of interest and the competing event in the
    /// report (default "event of interest", "competing event").
    pub event_label: Option<String>,
    pub competing_label: Option<String>,
    pub group: Option<String>,
    pub time_unit: Option<TimeUnit>,
    pub display_unit: Option<TimeUnit>,
    pub conf_level: f64,
    pub conf_type: ConfType,
    /// Which variance the confidence limits use.
    pub variance: CifVariance,
    /// Cumulative incidence at these times (displayed unit).
    pub times: Vec<f64>,
    /// Weight (1 - F(t-))^rho of Gray's test; 0 is cmprsk's default.
    pub rho: f64,
    /// Covariates of the Fine–Gray model; none: no model.
    pub covariates: Vec<TermSpec>,
    /// Decimals of subdistribution hazard ratios.
    pub decimals: usize,
    pub plot_style: CifPlotStyle,
    /// Only the patients of this analysis set (R's `subset =`).
    pub filter: Option<Filter>,
    /// Variable labels (column -> label): the group column's label names the
    /// groups in the tables, tests and figure title; a Fine–Gray covariate's
    /// label titles its rows.
    pub labels: crate::labels::Labels,
}

impl Default for CompetingRequest {
    fn default() -> Self {
        CompetingRequest {
            time: String::new(),
            event: String::new(),
            event_values: Vec::new(),
            competing_values: Vec::new(),
            censor_values: None,
            event_label: None,
            competing_label: None,
            group: None,
            time_unit: None,
            display_unit: None,
            conf_level: 0.95,
            conf_type: ConfType::Log,
            variance: CifVariance::Gray,
            times: Vec::new(),
            rho: 0.0,
            covariates: Vec::new(),
            decimals: 2,
            plot_style: CifPlotStyle::PerCause,
            filter: None,
            labels: crate::labels::Labels::new(),
        }
    }
}

/// Gray's test of one cause, with its name.
#[derive(Debug, Clone, Serialize)]
pub struct GrayTestReport {
    /// "event of interest" or "competing event" (or the labels given).
    pub cause_label: String,
    pub test: GrayTest,
}

/// The Fine–Gray model and its table and forest plot.
#[derive(Debug, Serialize)]
pub struct FineGrayReport {
    pub fit: CrrFit,
    pub design_terms: Vec<DesignTerm>,
    /// Covariate | SHR (CI) | p, rows as the Cox table's.
    pub shr_table: DisplayTable,
    pub n_text: String,
    /// Wald test (robust) and the pseudo log-likelihoods.
    pub tests_text: Vec<String>,
    pub plot: ForestPlot,
    pub dropped: Vec<MissingValues>,
}

#[derive(Debug, Serialize)]
pub struct CompetingResult {
    pub fit: CifFit,
    /// Labels of cause 1 (the event of interest) and cause 2 (competing).
    pub cause_labels: Vec<String>,
    /// Group | n | events of interest | competing events | censored.
    pub summary_table: DisplayTable,
    /// Cumulative incidence of each cause at the requested times, per curve.
    pub at_times: Vec<CifAtTimes>,
    pub at_times_table: Option<DisplayTable>,
    pub gray_tests: Vec<GrayTestReport>,
    pub test_text: Vec<String>,
    pub fine_gray: Option<FineGrayReport>,
    /// One sentence each: which question the cumulative incidence and
    /// Fine–Gray answer, and which the cause-specific Cox model answers.
    pub questions_text: String,
    /// The cause-specific Cox model: the Cox request with competing events
    /// censored, ready for `dataset.cox()` (None without covariates or group).
    pub cause_specific_cox: Option<CoxRequest>,
    pub settings_text: String,
    pub plot: KmPlot,
    pub n_used: usize,
    pub dropped: Vec<DroppedRows>,
    pub warnings: Vec<Warning>,
    /// The analysis set the patients were restricted to (`filter`).
    pub analysis_set: Option<AnalysisSet>,
}

/// The rows analysed, with their cause (0 censored, 1 interest, 2 competing).
struct CompetingInput {
    time: Vec<f64>,
    cause: Vec<usize>,
    rows: Vec<usize>,
    group: Option<table::GroupCodes>,
    censor_values: Vec<String>,
    dropped: Vec<DroppedRows>,
    warnings: Vec<Warning>,
}

fn trimmed(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

/// Reads time, event and group once for "any event" and once for "the event
/// of interest": both readings keep the same rows (a row is dropped for a
/// missing time, event or group in either), and their difference is the
/// competing event.
fn read_input(
    table: &Table,
    request: &CompetingRequest,
    among: Option<&[usize]>,
) -> Result<CompetingInput, String> {
    let interest = trimmed(&request.event_values);
    let competing = trimmed(&request.competing_values);
    if interest.is_empty() {
        return Err(
            "Choose the code(s) of the event column that mean the event of interest.".to_string(),
        );
    }
    if let Some(v) = interest.iter().find(|v| competing.contains(v)) {
        return Err(format!("Code \"{v}\" is chosen both as the event of interest and as a competing event; choose one."));
    }
    let censor_values = match &request.censor_values {
        Some(v) => trimmed(v),
        None => {
            let column = table.require(&request.event).map_err(|e| e.to_string())?;
            let values = distinct_values(column, MAX_LISTED_VALUES).ok_or_else(|| {
                format!(
                    "Column \"{}\" has more than {MAX_LISTED_VALUES} different values; an event column holds a few codes such as 0/1/2.",
                    column.name
                )
            })?;
            values
                .into_iter()
                .filter(|v| !interest.contains(v) && !competing.contains(v))
                .collect()
        }
    };
    if let Some(v) = censor_values
        .iter()
        .find(|v| interest.contains(v) || competing.contains(v))
    {
        return Err(format!(
            "Code \"{v}\" is chosen both as censored and as an event; choose one."
        ));
    }
    let group = request.group.clone().filter(|g| !g.trim().is_empty());
    let any_event = table::survival_input_among(
        table,
        &SurvivalColumns {
            time: request.time.clone(),
            event: request.event.clone(),
            event_values: interest.iter().chain(&competing).cloned().collect(),
            censor_values: censor_values.clone(),
            group: group.clone(),
        },
        among,
    )
    .map_err(|e| e.to_string())?;
    let of_interest = table::survival_input_among(
        table,
        &SurvivalColumns {
            time: request.time.clone(),
            event: request.event.clone(),
            event_values: interest.clone(),
            censor_values: censor_values.iter().chain(&competing).cloned().collect(),
            group,
        },
        among,
    )
    .map_err(|e| e.to_string())?;
    if of_interest.rows != any_event.rows {
        return Err(
            "The event column could not be read the same way twice; check its codes.".to_string(),
        );
    }
    let cause = any_event
        .event
        .iter()
        .zip(&of_interest.event)
        .map(|(&any, &mine)| match (any, mine) {
            (false, _) => 0,
            (true, true) => 1,
            (true, false) => 2,
        })
        .collect();
    let mut warnings = any_event.warnings;
    if competing.is_empty() {
        warnings.push(Warning::NoCompetingEventChosen {
            column: request.event.clone(),
        });
    }
    Ok(CompetingInput {
        time: any_event.time,
        cause,
        rows: any_event.rows,
        group: any_event.group,
        censor_values,
        dropped: any_event.dropped,
        warnings,
    })
}

pub fn run(table: &Table, request: &CompetingRequest) -> Result<CompetingResult, String> {
    super::check_conf_level(request.conf_level)?;
    let selection = analysis_set::select_optional(table, request.filter.as_ref())?;
    let input = read_input(table, request, rows_of(&selection))?;
    super::check_group_count(input.group.as_ref(), input.time.len())?;
    let set = analysis_set::set_of(&selection);
    let (unit, factor) = match (request.time_unit, request.display_unit) {
        (Some(from), Some(to)) => (Some(to), from.days() / to.days()),
        (from, _) => (from, 1.0),
    };
    let time: Vec<f64> = input.time.iter().map(|t| t * factor).collect();
    let unit_label = unit.map(|u| u.label());
    let unit_suffix = unit_label.map(|u| format!(" {u}")).unwrap_or_default();
    let cause_labels = vec![
        request
            .event_label
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "event of interest".to_string()),
        request
            .competing_label
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "competing event".to_string()),
    ];
    let mut warnings = input.warnings.clone();
    warnings.extend(set.as_ref().and_then(AnalysisSet::left_out_warning));
    if time.is_empty() {
        return Err("No patients remain for the analysis: every row misses the time, the event or the group.".to_string());
    }
    if !input.cause.contains(&1) {
        return Err(format!(
            "No patient has the event of interest: no row of \"{}\" is {}. Check which codes mean the event of interest.",
            request.event,
            trimmed(&request.event_values).iter().map(|v| format!("\"{v}\"")).collect::<Vec<_>>().join(" or ")
        ));
    }

    let grouping = input.group.as_ref().map(|g| Grouping {
        codes: &g.codes,
        labels: &g.labels,
    });
    let options = CifOptions {
        conf_level: request.conf_level,
        conf_type: request.conf_type,
        variance: request.variance,
    };
    let fit = competing::cuminc(&time, &input.cause, 2, grouping.as_ref(), &options)
        .map_err(|e| e.to_string())?;
    warnings.extend(Warning::from_kernel(&fit.warnings));

    let group_name = input
        .group
        .as_ref()
        .map(|g| crate::labels::label_of(&request.labels, &g.column).to_string());
    let shown = |label: &str, group: Option<usize>| {
        if group.is_none() {
            "All patients".to_string()
        } else {
            label.to_string()
        }
    };

    // Gray's test of each cause between the groups.
    let mut gray_tests = Vec::new();
    let mut test_text = Vec::new();
    if let Some(g) = grouping.as_ref().filter(|g| g.labels.len() >= 2) {
        for cause in [1usize, 2] {
            if cause == 2 && !input.cause.contains(&2) {
                continue;
            }
            let test = competing::gray_test(&time, &input.cause, 2, cause, g, None, request.rho)
                .map_err(|e| e.to_string())?;
            let label = &cause_labels[cause - 1];
            match (test.stat, test.p) {
                (Some(stat), Some(p)) => test_text.push(format!(
                    "Gray's test, {label} by {}: {}",
                    group_name.as_deref().unwrap_or("group"),
                    format::chi_square(stat, test.df, p)
                )),
                _ => warnings.push(Warning::GroupTestNotComputed {
                    error: format!("Gray's test of the {label}: the variance of the scores is singular (cmprsk reports -1)."),
                }),
            }
            gray_tests.push(GrayTestReport {
                cause_label: label.clone(),
                test,
            });
        }
    }

    let summary_table = DisplayTable {
        header: vec![
            group_name.clone().unwrap_or_else(|| "Patients".into()),
            "n".into(),
            capitalise(&cause_labels[0]),
            capitalise(&cause_labels[1]),
            "Censored".into(),
        ],
        rows: fit
            .curves
            .iter()
            .filter(|c| c.cause == 1)
            .map(|c| {
                vec![
                    shown(&c.label, c.group),
                    c.n.to_string(),
                    c.events.to_string(),
                    c.competing.to_string(),
                    c.censored.to_string(),
                ]
            })
            .collect(),
        numeric_columns: vec![1, 2, 3, 4],
    };

    // At the chosen times.
    let mut times: Vec<f64> = request
        .times
        .iter()
        .copied()
        .filter(|t| t.is_finite() && *t >= 0.0)
        .collect();
    survcalc_stats::sort::floats(&mut times);
    times.dedup();
    let level = format::level_percent(request.conf_level);
    let mut at_times = Vec::new();
    let at_times_table = if times.is_empty() {
        None
    } else {
        let mut rows = Vec::new();
        for c in fit.curves.iter().filter(|c| c.n > 0) {
            let at = c.at_times(&times, &options).map_err(|e| e.to_string())?;
            for (k, &t) in at.time.iter().enumerate() {
                if at.beyond_follow_up[k] && c.cause == 1 {
                    warnings.push(Warning::TimeBeyondFollowUp {
                        curve: shown(&c.label, c.group),
                        time: t,
                    });
                }
                let ci = match (at.lower[k], at.upper[k]) {
                    (Some(l), Some(u)) => format!(
                        "{}–{}%",
                        format::number(100.0 * l, 1),
                        format::number(100.0 * u, 1)
                    ),
                    _ => "—".to_string(),
                };
                rows.push(vec![
                    shown(&c.label, c.group),
                    cause_labels[c.cause - 1].clone(),
                    format!(
                        "{}{unit_suffix}",
                        format::number(t, format::decimals_for(t).min(2))
                    ),
                    at.n_risk[k].to_string(),
                    format!("{}%", format::number(100.0 * at.estimate[k], 1)),
                    ci,
                ]);
            }
            at_times.push(at);
        }
        Some(DisplayTable {
            header: vec![
                group_name.clone().unwrap_or_else(|| "Patients".into()),
                "Event".into(),
                "Time".into(),
                "At risk".into(),
                "Cumulative incidence".into(),
                format!("{level}% CI"),
            ],
            rows,
            numeric_columns: vec![2, 3, 4, 5],
        })
    };

    let fine_gray = fine_gray(table, request, &input, &time, &cause_labels, &mut warnings)?;
    let cause_specific_cox = cause_specific(request, &input);

    let max_time = time.iter().copied().fold(0.0_f64, f64::max);
    let ticks = if unit == Some(TimeUnit::Months) {
        month_ticks(max_time)
    } else {
        nice_ticks(max_time, 8)
    };
    let plot = cif_plot(
        request,
        &fit,
        &cause_labels,
        group_name.as_deref(),
        &ticks,
        unit_label,
        &gray_tests,
    )?;

    let interest = &cause_labels[0];
    let other = &cause_labels[1];
    let questions_text = format!(
        "The cumulative incidence and the Fine–Gray model answer \"what proportion of patients have had the {interest} by \
         time t, with the {other} preventing it, and which factors change that proportion\" (prognosis, the \
         subdistribution hazard); the cause-specific Cox model (Cox regression with the {other} censored) answers \"how \
         fast does the {interest} occur among patients still free of both events\" (aetiology, the cause-specific \
         hazard)."
    );
    let mut settings = vec![
        format!(
            "Cumulative incidence by the Aalen–Johansen estimator (as cmprsk's cuminc and survival's multi-state survfit), {interest}: {} = {}; {other}: {} = {}; censored: {} = {}.",
            request.event,
            trimmed(&request.event_values).join(" or "),
            request.event,
            if request.competing_values.is_empty() { "(none)".to_string() } else { trimmed(&request.competing_values).join(" or ") },
            request.event,
            if input.censor_values.is_empty() { "(none)".to_string() } else { input.censor_values.join(" or ") }
        ),
        format!("{level}% pointwise confidence intervals {} on the {}.", variance_text(request.variance), conf_type_text(request.conf_type)),
    ];
    if !gray_tests.is_empty() {
        settings.push(format!(
            "Gray's test (rho = {}) as cmprsk's cuminc.",
            request.rho
        ));
    }
    if let (Some(from), Some(to)) = (request.time_unit, request.display_unit) {
        if let Some(note) = from.conversion_note(to) {
            settings.push(format!("Times in {} ({note}).", to.label()));
        }
    }
    if fine_gray.is_some() {
        settings.push(
            "Fine–Gray subdistribution hazard regression as cmprsk's crr (its Newton iterations and stopping rule, gtol = 1e-6; \
             robust sandwich variance; censoring distribution by Kaplan–Meier over all patients)."
                .to_string(),
        );
    }

    Ok(CompetingResult {
        n_used: time.len(),
        dropped: input.dropped.clone(),
        cause_labels,
        summary_table,
        at_times,
        at_times_table,
        gray_tests,
        test_text,
        fine_gray,
        questions_text,
        cause_specific_cox,
        settings_text: set
            .iter()
            .map(|s| s.text.clone())
            .chain(settings)
            .collect::<Vec<_>>()
            .join(" "),
        plot: KmPlot {
            caption: set.as_ref().map(|s| s.text.clone()),
            ..plot
        },
        warnings,
        analysis_set: set,
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

fn variance_text(v: CifVariance) -> &'static str {
    match v {
        CifVariance::Gray => "with Gray's variance (cmprsk's cuminc)",
        CifVariance::InfinitesimalJackknife => {
            "with the infinitesimal-jackknife standard error (survival's multi-state survfit)"
        }
    }
}

fn conf_type_text(c: ConfType) -> &'static str {
    match c {
        ConfType::Log => "log scale (survfit's default)",
        ConfType::LogLog => "log-log scale",
        ConfType::Plain => "plain scale",
    }
}

/// The cause-specific Cox request: the event of interest, with competing
/// events censored; the Fine–Gray covariates, or the group when there are none.
fn cause_specific(request: &CompetingRequest, input: &CompetingInput) -> Option<CoxRequest> {
    let covariates = if request.covariates.is_empty() {
        vec![TermSpec {
            column: request.group.clone()?.trim().to_string(),
            kind: Some(TermKind::Categorical),
            reference: None,
        }]
    } else {
        request.covariates.clone()
    };
    Some(CoxRequest {
        time: request.time.clone(),
        event: request.event.clone(),
        event_values: trimmed(&request.event_values),
        censor_values: Some(
            input
                .censor_values
                .iter()
                .cloned()
                .chain(trimmed(&request.competing_values))
                .collect(),
        ),
        covariates,
        conf_level: request.conf_level,
        decimals: request.decimals,
        filter: request.filter.clone(),
        ..CoxRequest::default()
    })
}

/// The Fine–Gray model over the rows with every covariate known (crr on
/// complete cases). A failure is a warning: the curves stand without it.
fn fine_gray(
    table: &Table,
    request: &CompetingRequest,
    input: &CompetingInput,
    time: &[f64],
    cause_labels: &[String],
    warnings: &mut Vec<Warning>,
) -> Result<Option<FineGrayReport>, String> {
    if request.covariates.is_empty() {
        return Ok(None);
    }
    let covariates = clean_terms(table, &request.covariates);
    for c in &covariates {
        let role = if c.column == request.time {
            Some("time column")
        } else if c.column == request.event {
            Some("event column")
        } else {
            None
        };
        if let Some(role) = role {
            return Err(DesignError::TermIsOutcome {
                column: c.column.clone(),
                role: role.to_string(),
            }
            .to_string());
        }
    }
    let design = build_design(table, &covariates, &input.rows).map_err(|e| e.to_string())?;
    warnings.extend(design.warnings.iter().cloned());
    let data = CrrData {
        time: design.pick(time).map_err(|e| e.to_string())?,
        cause: design.pick(&input.cause).map_err(|e| e.to_string())?,
        n_causes: 2,
        covariates: design.columns.clone(),
        term_names: design.r_names.clone(),
    };
    let events = data.cause.iter().filter(|&&c| c == 1).count();
    if events > 0 && design.p() > events {
        return Err(DesignError::TooManyCoefficients {
            coefficients: design.p(),
            events,
            what: "events of interest",
        }
        .to_string());
    }
    let decimals = request.decimals.min(6);
    let fit = match competing::crr(
        &data,
        &CrrOptions {
            cause_of_interest: 1,
            conf_level: request.conf_level,
            ..CrrOptions::default()
        },
    ) {
        Ok(fit) => fit,
        Err(e) => {
            warnings.push(Warning::FineGrayNotComputed {
                error: e.to_string(),
            });
            return Ok(None);
        }
    };
    warnings.extend(Warning::from_kernel(&fit.warnings));
    let level = format::level_percent(request.conf_level);
    let cell =
        |j: usize| format::estimate_ci(fit.shr[j], fit.shr_lower[j], fit.shr_upper[j], decimals);
    let estimate = |j: usize| ForestEstimate {
        estimate: Some(fit.shr[j]),
        lower: Some(fit.shr_lower[j]),
        upper: Some(fit.shr_upper[j]),
        p: Some(fit.p[j]),
        text: cell(j),
        p_text: format::p_value(fit.p[j]),
    };
    let mut rows = Vec::new();
    let mut forest_rows = Vec::new();
    for term in &design.terms {
        let name = crate::labels::label_of(&request.labels, &term.column).to_string();
        match term.kind {
            TermKind::Numeric => {
                let j = term.columns.first().copied().unwrap_or(0);
                rows.push(vec![name.clone(), cell(j), format::p_value(fit.p[j])]);
                forest_rows.push(ForestRow {
                    label: name,
                    estimates: vec![Some(estimate(j))],
                    ..Default::default()
                });
            }
            TermKind::Categorical => {
                rows.push(vec![name.clone(), String::new(), String::new()]);
                forest_rows.push(ForestRow {
                    label: name,
                    is_header: true,
                    ..Default::default()
                });
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
                            rows.push(vec![label.clone(), "reference".into(), String::new()]);
                            forest_rows.push(ForestRow {
                                label,
                                indent: true,
                                is_reference: true,
                                ..Default::default()
                            });
                        }
                        Some(j) => {
                            rows.push(vec![label.clone(), cell(j), format::p_value(fit.p[j])]);
                            forest_rows.push(ForestRow {
                                label,
                                indent: true,
                                estimates: vec![Some(estimate(j))],
                                ..Default::default()
                            });
                        }
                    }
                }
            }
        }
    }
    let interest = &cause_labels[0];
    let mut tests_text = Vec::new();
    if let Some(w) = &fit.wald_test {
        tests_text.push(format::chi_square_line(
            "Wald test (robust variance)",
            w.stat,
            w.df,
            w.p,
        ));
    }
    tests_text.push(format!(
        "Log pseudo-likelihood {} (null model {}); a pseudo-likelihood, so its ratio is not a valid test (cmprsk prints no p-value for it).",
        format::number(fit.loglik, 2),
        format::number(fit.loglik_null, 2)
    ));
    let n_text = format!(
        "{} of {} patients analysed ({} {interest}, {} {}, {} censored).",
        fit.n,
        time.len(),
        fit.n_events,
        fit.n_competing,
        cause_labels[1],
        fit.n_censored
    );
    Ok(Some(FineGrayReport {
        shr_table: DisplayTable {
            header: vec!["Covariate".into(), format!("SHR ({level}% CI)"), "p".into()],
            rows,
            numeric_columns: vec![1, 2],
        },
        plot: ForestPlot {
            title: format!(
                "Fine–Gray model: {interest} ({} patients, {} events)",
                fit.n, fit.n_events
            ),
            estimate_label: "Subdistribution hazard ratio (log scale)".to_string(),
            column_label: format!("SHR ({level}% CI)"),
            panels: vec![ForestPanel {
                title: "Subdistribution hazard ratio".to_string(),
            }],
            rows: forest_rows,
            // No figure options here: the default look, printed two columns wide.
            style: FigureStyle::default().series(0),
            print: PrintSpec::new(&FigureOutput::default(), SizePreset::DoubleColumn, 1.0),
            ..ForestPlot::default()
        },
        n_text,
        tests_text,
        dropped: design.missing.clone(),
        design_terms: design.terms.clone(),
        fit,
    }))
}

/// The figure: per cause (the event of interest per group, then the
/// competing event per group) or stacked (per group, F1 then F1 + F2).
fn cif_plot(
    request: &CompetingRequest,
    fit: &CifFit,
    cause_labels: &[String],
    group_name: Option<&str>,
    ticks: &[f64],
    unit_label: Option<&str>,
    gray_tests: &[GrayTestReport],
) -> Result<KmPlot, String> {
    let mut curves = Vec::new();
    // No figure options here: the default look, one colour per curve.
    let style = FigureStyle::default();
    let label = |c: &competing::CifCurve, cause_label: &str| match group_name {
        Some(_) => format!("{}: {cause_label}", c.label),
        None => capitalise(cause_label),
    };
    let at_risk = |c: &competing::CifCurve| -> Vec<u64> {
        ticks
            .iter()
            .map(|&t| {
                let k = c.table.time.partition_point(|&x| x < t);
                c.table.n_risk.get(k).copied().unwrap_or(0) as u64
            })
            .collect()
    };
    let groups: Vec<&competing::CifCurve> = fit
        .curves
        .iter()
        .filter(|c| c.cause == 1 && c.n > 0)
        .collect();
    for first in &groups {
        let Some(second) = fit
            .curves
            .iter()
            .find(|c| c.cause == 2 && c.group == first.group)
        else {
            continue;
        };
        match request.plot_style {
            CifPlotStyle::PerCause => {
                for (c, cause_label, risk) in [
                    (*first, &cause_labels[0], true),
                    (second, &cause_labels[1], false),
                ] {
                    let t = &c.table;
                    let jumps: Vec<usize> =
                        (0..t.time.len()).filter(|&i| t.n_event[i] > 0).collect();
                    curves.push(KmPlotCurve {
                        label: label(c, cause_label),
                        time: jumps.iter().map(|&i| t.time[i]).collect(),
                        surv: jumps.iter().map(|&i| t.estimate[i]).collect(),
                        lower: jumps.iter().map(|&i| t.lower[i]).collect(),
                        upper: jumps.iter().map(|&i| t.upper[i]).collect(),
                        max_time: t.time.last().copied().unwrap_or(0.0),
                        censor_time: Vec::new(),
                        censor_surv: Vec::new(),
                        at_risk: if risk { at_risk(c) } else { Vec::new() },
                        style: style.series(curves.len()),
                        ..KmPlotCurve::default()
                    });
                }
            }
            CifPlotStyle::Stacked => {
                let t1 = &first.table;
                let t2 = &second.table;
                let jumps: Vec<usize> = (0..t1.time.len())
                    .filter(|&i| t1.n_event[i] > 0 || t2.n_event[i] > 0)
                    .collect();
                let only: Vec<usize> = (0..t1.time.len()).filter(|&i| t1.n_event[i] > 0).collect();
                curves.push(KmPlotCurve {
                    label: label(first, &cause_labels[0]),
                    time: only.iter().map(|&i| t1.time[i]).collect(),
                    surv: only.iter().map(|&i| t1.estimate[i]).collect(),
                    lower: vec![None; only.len()],
                    upper: vec![None; only.len()],
                    max_time: t1.time.last().copied().unwrap_or(0.0),
                    censor_time: Vec::new(),
                    censor_surv: Vec::new(),
                    at_risk: at_risk(first),
                    style: style.series(curves.len()),
                    ..KmPlotCurve::default()
                });
                curves.push(KmPlotCurve {
                    label: label(
                        first,
                        &format!("{} or {}", cause_labels[0], cause_labels[1]),
                    ),
                    time: jumps.iter().map(|&i| t1.time[i]).collect(),
                    surv: jumps
                        .iter()
                        .map(|&i| t1.estimate[i] + t2.estimate[i])
                        .collect(),
                    lower: vec![None; jumps.len()],
                    upper: vec![None; jumps.len()],
                    max_time: t1.time.last().copied().unwrap_or(0.0),
                    censor_time: Vec::new(),
                    censor_surv: Vec::new(),
                    at_risk: Vec::new(),
                    style: style.series(curves.len()),
                    ..KmPlotCurve::default()
                });
            }
        }
    }
    let annotation = gray_tests
        .iter()
        .find(|g| g.test.cause == 1)
        .and_then(|g| g.test.p)
        .map(|p| format!("Gray's test ({}) {}", cause_labels[0], format::p_phrase(p)));
    Ok(KmPlot {
        title: match group_name {
            Some(g) => format!("Cumulative incidence of {} by {g}", cause_labels[0]),
            None => format!("Cumulative incidence of {}", cause_labels[0]),
        },
        x_label: match unit_label {
            Some(u) => format!("Time ({u})"),
            None => request.time.clone(),
        },
        y_label: "Cumulative incidence (%)".into(),
        caption: None,
        ticks: ticks.to_vec(),
        x_max: ticks.last().copied().unwrap_or(1.0),
        curves,
        annotation_lines: annotation.iter().cloned().collect(),
        annotation,
        start: 0.0,
        ..KmPlot::default()
    })
}
