//! Subgroup analysis: the hazard ratio (Cox, as R's `coxph`) or odds ratio
//! (logistic, as `glm`) of one treatment or exposure within each level of
//! several subgroup variables, with n and events per level and per arm, the
//! overall estimate, and per subgroup variable the likelihood-ratio test of
//! treatment × subgroup against the main effects, as
//! `anova(coxph(y ~ trt + sub), coxph(y ~ trt * sub))` in R; laid out as
//! Roche's FSTG02 forest plot.

use super::cox::clean_terms;
use super::models::{OutcomeRequest, OutcomeType};
use super::DisplayTable;
use crate::analysis_set::{self, rows_of, AnalysisSet, Filter};
use crate::design::{
    binary_outcome, binary_outcome_among, build_design, survival_outcome_among, BinaryOutcomeSpec,
    Design, SurvivalOutcomeSpec, TermKind, TermSpec,
};
use crate::format;
use crate::labels::{self, Labels};
use crate::plot::figure::{FigureOutput, FigureStyle, PrintSpec, SizePreset};
use crate::plot::forest::{ForestEstimate, ForestPanel, ForestPlot, ForestRow};
use crate::table::Table;
use crate::warning::Warning;
use serde::{Deserialize, Serialize};
use survcalc_stats::cox::{self, CoxData, CoxOptions, Ties};
use survcalc_stats::distributions::chi_square_upper;
use survcalc_stats::logistic::{self, CiMethod, LogisticInput, LogisticOptions};

/// What the user asked for (see docs/api.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SubgroupRequest {
    /// A survival outcome (Cox, hazard ratios) or a yes/no one (logistic,
    /// odds ratios), as the model table's.
    pub outcome: OutcomeRequest,
    /// The treatment or exposure: a two-level category (its reference is
    /// the comparator) or a number (effect per unit).
    pub treatment: TermSpec,
    /// The subgroup variables (categories), one block of the plot each.
    pub subgroups: Vec<String>,
    /// Covariates in every model (the overall one, each subgroup's and the
    /// interaction tests'), e.g. stratification factors.
    pub adjust: Vec<TermSpec>,
    /// Cox ties.
    pub ties: Ties,
    pub conf_level: f64,
    pub decimals: usize,
    /// Only the patients of this analysis set (R's `subset =`).
    pub filter: Option<Filter>,
    /// Variable labels (column -> label): a subgroup variable's label heads
    /// its block in the table and the forest plot (the result's
    /// `subgroups[].variable` stays the column).
    pub labels: Labels,
}

impl Default for SubgroupRequest {
    fn default() -> Self {
        SubgroupRequest {
            outcome: OutcomeRequest::default(),
            treatment: TermSpec::default(),
            subgroups: Vec::new(),
            adjust: Vec::new(),
            ties: Ties::Efron,
            conf_level: 0.95,
            decimals: 2,
            filter: None,
            labels: Labels::new(),
        }
    }
}

/// Patients and events of one arm (level of a categorical treatment).
#[derive(Debug, Clone, Serialize)]
pub struct ArmCount {
    pub arm: String,
    pub n: usize,
    pub events: usize,
}

/// The treatment effect among the patients of one subgroup level (or all).
#[derive(Debug, Clone, Serialize)]
pub struct SubgroupEstimate {
    /// The subgroup variable ("" for the overall row) and its level.
    pub variable: String,
    pub level: String,
    pub n: usize,
    pub events: usize,
    pub arms: Vec<ArmCount>,
    /// HR or OR of the treatment with its CI and Wald p; `None` when not
    /// estimable (`note` says why).
    pub estimate: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub p: Option<f64>,
    pub note: Option<String>,
}

/// The likelihood-ratio test of treatment × subgroup.
#[derive(Debug, Clone, Serialize)]
pub struct InteractionTest {
    pub stat: f64,
    pub df: usize,
    pub p: f64,
    /// Log-likelihoods of the main-effects and the interaction model.
    pub loglik_main: f64,
    pub loglik_interaction: f64,
    /// Patients in both models (those with the subgroup known).
    pub n: usize,
}

/// One subgroup variable: its levels and its interaction test.
#[derive(Debug, Clone, Serialize)]
pub struct SubgroupVariable {
    pub variable: String,
    pub levels: Vec<SubgroupEstimate>,
    /// `None` when a model could not be fitted (a warning says why).
    pub interaction: Option<InteractionTest>,
}

#[derive(Debug, Serialize)]
pub struct SubgroupResult {
    /// "cox" or "logistic".
    pub model: &'static str,
    /// E.g. "B vs A", or the column of a numeric exposure ("per unit").
    pub comparison: String,
    pub overall: SubgroupEstimate,
    /// The treatment and adjustment covariates of the overall model as
    /// entered (kinds, levels, references), as Cox's `design_terms`.
    pub design_terms: Vec<crate::design::DesignTerm>,
    pub subgroups: Vec<SubgroupVariable>,
    /// Subgroup | n | Events | per arm | HR (CI) | p interaction.
    pub table: DisplayTable,
    pub plot: ForestPlot,
    pub settings_text: String,
    pub warnings: Vec<Warning>,
    /// The analysis set the patients were restricted to (`filter`).
    pub analysis_set: Option<AnalysisSet>,
}

/// The outcome over its rows, for either model.
enum Outcome {
    Survival(crate::design::SurvivalOutcome),
    Binary(crate::design::BinaryOutcome),
}

impl Outcome {
    fn rows(&self) -> &[usize] {
        match self {
            Outcome::Survival(o) => &o.rows,
            Outcome::Binary(o) => &o.rows,
        }
    }

    /// Whether each outcome row has the event.
    fn event(&self) -> Vec<bool> {
        match self {
            Outcome::Survival(o) => o.event.clone(),
            Outcome::Binary(o) => o.y.iter().map(|&y| y > 0.5).collect(),
        }
    }
}

/// A fitted model's treatment estimate and log-likelihood.
struct Fitted {
    estimate: Option<(f64, f64, f64, f64)>,
    loglik: f64,
    rank: usize,
}

fn fit_model(
    outcome: &Outcome,
    design: &Design,
    treatment_column: Option<usize>,
    request: &SubgroupRequest,
) -> Result<Fitted, String> {
    match outcome {
        Outcome::Survival(o) => {
            let data: CoxData = o.cox_data(design).map_err(|e| e.to_string())?;
            let fit = cox::fit(
                &data,
                &CoxOptions {
                    ties: request.ties,
                    conf_level: request.conf_level,
                    ..CoxOptions::default()
                },
            )
            .map_err(|e| e.to_string())?;
            let estimate = treatment_column.and_then(|j| {
                Some((
                    fit.hr.get(j).copied()??,
                    fit.hr_lower.get(j).copied()??,
                    fit.hr_upper.get(j).copied()??,
                    fit.p.get(j).copied()??,
                ))
            });
            Ok(Fitted {
                estimate,
                loglik: fit.loglik_final,
                rank: fit.coef.iter().filter(|c| c.is_some()).count(),
            })
        }
        Outcome::Binary(o) => {
            let y = o.y_for(design).map_err(|e| e.to_string())?;
            let input = LogisticInput {
                y: &y,
                trials: None,
                columns: &design.columns,
                term_names: &design.names,
            };
            let options = LogisticOptions {
                ci: CiMethod::Wald,
                conf_level: request.conf_level,
                ..LogisticOptions::default()
            };
            let fit = logistic::fit(&input, &options).map_err(|e| e.to_string())?;
            let estimate = treatment_column.and_then(|j| {
                let name = design.names.get(j)?;
                let t = fit.terms.iter().find(|t| &t.term == name)?;
                Some((
                    t.odds_ratio?,
                    t.wald_ci_or_lower?,
                    t.wald_ci_or_upper?,
                    t.p?,
                ))
            });
            Ok(Fitted {
                estimate,
                loglik: fit.loglik,
                rank: fit.rank,
            })
        }
    }
}

pub fn run(table: &Table, request: &SubgroupRequest) -> Result<SubgroupResult, String> {
    if request.treatment.column.trim().is_empty() {
        return Err(
            "Choose the treatment or exposure column whose effect is compared across subgroups."
                .to_string(),
        );
    }
    super::check_conf_level(request.conf_level)?;
    let o = &request.outcome;
    let kind = o.kind.unwrap_or(if o.time.trim().is_empty() {
        OutcomeType::Binary
    } else {
        OutcomeType::Survival
    });
    let selection = analysis_set::select_optional(table, request.filter.as_ref())?;
    let set = analysis_set::set_of(&selection);
    let outcome = match kind {
        OutcomeType::Survival => {
            let censor = super::cox::censor_values_or_rest(
                table,
                &o.event,
                &o.event_values,
                &o.censor_values,
            )?;
            Outcome::Survival(
                survival_outcome_among(
                    table,
                    &SurvivalOutcomeSpec {
                        time: o.time.clone(),
                        event: o.event.clone(),
                        event_values: o.event_values.clone(),
                        censor_values: censor,
                        start: None,
                        strata: o.strata.clone().filter(|s| !s.trim().is_empty()),
                    },
                    rows_of(&selection),
                )
                .map_err(|e| e.to_string())?,
            )
        }
        OutcomeType::Binary => {
            let spec = BinaryOutcomeSpec {
                column: o.column.clone(),
                event_values: o.event_values.clone(),
                non_event_values: o.non_event_values.clone(),
            };
            Outcome::Binary(
                match rows_of(&selection) {
                    Some(rows) => binary_outcome_among(table, &spec, rows),
                    None => binary_outcome(table, &spec),
                }
                .map_err(|e| e.to_string())?,
            )
        }
    };
    let mut warnings = match &outcome {
        Outcome::Survival(s) => s.warnings.clone(),
        Outcome::Binary(b) => b.warnings.clone(),
    };
    warnings.extend(set.as_ref().and_then(AnalysisSet::left_out_warning));
    let treatment = clean_terms(table, std::slice::from_ref(&request.treatment)).remove(0);
    let adjust = clean_terms(table, &request.adjust);
    let decimals = request.decimals.min(6);
    let level = format::level_percent(request.conf_level);
    let (ratio, ratio_name) = match kind {
        OutcomeType::Survival => ("HR", "Hazard ratio"),
        OutcomeType::Binary => ("OR", "Odds ratio"),
    };

    // Overall: outcome ~ treatment + adjust.
    let mut terms = vec![treatment.clone()];
    terms.extend(adjust.iter().cloned());
    let overall_design = build_design(table, &terms, outcome.rows()).map_err(|e| e.to_string())?;
    warnings.extend(overall_design.warnings.iter().cloned());
    let trt_term = overall_design
        .term(&treatment.column)
        .ok_or("The treatment column is not in the model.")?
        .clone();
    if trt_term.columns.len() != 1 {
        return Err(format!(
            "The treatment \"{}\" has {} levels among the patients; a subgroup analysis compares two arms (or a number per unit). Choose a two-level column.",
            treatment.column,
            trt_term.levels.len()
        ));
    }
    let arms: Vec<String> = if trt_term.kind == TermKind::Categorical {
        trt_term.levels.clone()
    } else {
        Vec::new()
    };
    let comparison = match (&trt_term.kind, trt_term.reference.as_ref()) {
        (TermKind::Categorical, Some(reference)) => {
            let other = arms
                .iter()
                .find(|a| *a != reference)
                .cloned()
                .unwrap_or_default();
            format!("{other} vs {reference}")
        }
        _ => format!(
            "{} (per unit)",
            labels::label_of(&request.labels, &treatment.column)
        ),
    };
    // A comparison of levels ("2 vs 1") does not say what was compared: the
    // title and the methods text name the treatment by its label.
    let treatment_named = match trt_term.kind {
        TermKind::Categorical => format!(
            "{} ({comparison})",
            labels::label_of(&request.labels, &treatment.column)
        ),
        _ => comparison.clone(),
    };
    let event_by_row: std::collections::HashMap<usize, bool> = outcome
        .rows()
        .iter()
        .copied()
        .zip(outcome.event())
        .collect();
    let event_of = |design: &Design| -> Vec<bool> {
        design
            .rows
            .iter()
            .map(|r| event_by_row.get(r).copied().unwrap_or(false))
            .collect()
    };
    // Each patient's arm, from the overall design (every subgroup's rows are among its rows).
    let arm_by_row: std::collections::HashMap<usize, usize> =
        match (trt_term.kind, trt_term.columns.first()) {
            (TermKind::Categorical, Some(&j)) => {
                let reference = trt_term
                    .level_columns
                    .iter()
                    .position(|c| c.is_none())
                    .unwrap_or(0);
                let other = trt_term
                    .level_columns
                    .iter()
                    .position(|c| c.is_some())
                    .unwrap_or(1);
                overall_design
                    .rows
                    .iter()
                    .enumerate()
                    .map(|(i, &r)| {
                        (
                            r,
                            if overall_design.columns[j][i] > 0.5 {
                                other
                            } else {
                                reference
                            },
                        )
                    })
                    .collect()
            }
            _ => std::collections::HashMap::new(),
        };
    let arm_of = |design: &Design| -> Vec<Option<usize>> {
        design
            .rows
            .iter()
            .map(|r| arm_by_row.get(r).copied())
            .collect()
    };
    let estimate_row = |variable: &str,
                        level_name: &str,
                        design: &Design,
                        fitted: Result<Fitted, String>|
     -> SubgroupEstimate {
        let events = event_of(design);
        let arm_codes = arm_of(design);
        let arm_counts = arms
            .iter()
            .enumerate()
            .map(|(k, a)| ArmCount {
                arm: a.clone(),
                n: arm_codes.iter().filter(|c| **c == Some(k)).count(),
                events: arm_codes
                    .iter()
                    .zip(&events)
                    .filter(|(c, e)| **c == Some(k) && **e)
                    .count(),
            })
            .collect();
        let (estimate, note) = match fitted {
            Ok(f) => match f.estimate {
                Some(e) => (Some(e), None),
                None => (
                    None,
                    Some(
                        "not estimable (no contrast between the arms in this subgroup)".to_string(),
                    ),
                ),
            },
            Err(e) => (None, Some(format!("not estimable: {e}"))),
        };
        SubgroupEstimate {
            variable: variable.to_string(),
            level: level_name.to_string(),
            n: design.n(),
            events: events.iter().filter(|&&e| e).count(),
            arms: arm_counts,
            estimate: estimate.map(|e| e.0),
            lower: estimate.map(|e| e.1),
            upper: estimate.map(|e| e.2),
            p: estimate.map(|e| e.3),
            note,
        }
    };
    let overall_fit = fit_model(
        &outcome,
        &overall_design,
        trt_term.columns.first().copied(),
        request,
    );
    let overall = estimate_row("", "All patients", &overall_design, overall_fit);

    let mut subgroups = Vec::new();
    for name in request
        .subgroups
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        if name == treatment.column || adjust.iter().any(|a| a.column == name) {
            return Err(format!("Column \"{name}\" is the treatment or an adjustment covariate; it cannot also define subgroups."));
        }
        let sub = TermSpec {
            column: name.to_string(),
            kind: Some(TermKind::Categorical),
            reference: None,
        };
        let mut terms = vec![treatment.clone(), sub.clone()];
        terms.extend(adjust.iter().cloned());
        let design = build_design(table, &terms, outcome.rows()).map_err(|e| e.to_string())?;
        let sub_term = design
            .term(name)
            .ok_or("The subgroup column is not in the model.")?
            .clone();
        // Each row's level of the subgroup variable.
        let level_of: Vec<usize> = (0..design.n())
            .map(|i| {
                sub_term
                    .level_columns
                    .iter()
                    .position(|c| c.is_some_and(|j| design.columns[j][i] > 0.5))
                    .or_else(|| sub_term.level_columns.iter().position(|c| c.is_none()))
                    .unwrap_or(0)
            })
            .collect();
        let mut levels = Vec::new();
        for (k, level_name) in sub_term.levels.iter().enumerate() {
            let rows: Vec<usize> = (0..design.n())
                .filter(|&i| level_of[i] == k)
                .map(|i| design.rows[i])
                .collect();
            let mut terms = vec![treatment.clone()];
            terms.extend(adjust.iter().cloned());
            match build_design(table, &terms, &rows) {
                Ok(level_design) => {
                    let j = level_design
                        .term(&treatment.column)
                        .and_then(|t| t.columns.first().copied());
                    let fitted =
                        fit_model(&outcome_subset(&outcome, &rows), &level_design, j, request);
                    levels.push(estimate_row(name, level_name, &level_design, fitted));
                }
                Err(e) => {
                    levels.push(estimate_row(
                        name,
                        level_name,
                        &empty_design(&rows),
                        Err(e.to_string()),
                    ));
                }
            }
        }
        let interaction = interaction_test(&outcome, &design, &trt_term, &sub_term, request);
        let interaction = match interaction {
            Ok(t) => Some(t),
            Err(e) => {
                warnings.push(Warning::InteractionTestNotComputed {
                    variable: name.to_string(),
                    error: e,
                });
                None
            }
        };
        subgroups.push(SubgroupVariable {
            variable: name.to_string(),
            levels,
            interaction,
        });
    }

    // Table and FSTG02 plot.
    let arm_header = |a: &str| format!("{a}: events/n");
    let mut header = vec![
        "Subgroup".to_string(),
        "n".to_string(),
        "Events".to_string(),
    ];
    header.extend(arms.iter().map(|a| arm_header(a)));
    header.push(format!("{ratio} ({level}% CI)"));
    header.push("p (interaction)".to_string());
    let cells = |e: &SubgroupEstimate| -> Vec<String> {
        let mut c = vec![e.n.to_string(), e.events.to_string()];
        c.extend(e.arms.iter().map(|a| format!("{}/{}", a.events, a.n)));
        c
    };
    let text = |e: &SubgroupEstimate| match (e.estimate, e.lower, e.upper) {
        (Some(x), Some(l), Some(u)) => format::estimate_ci(x, l, u, decimals),
        _ => "not estimable".to_string(),
    };
    let forest_estimate = |e: &SubgroupEstimate| ForestEstimate {
        estimate: e.estimate,
        lower: e.lower,
        upper: e.upper,
        p: None,
        text: text(e),
        p_text: String::new(),
    };
    let mut rows = Vec::new();
    let mut forest_rows = Vec::new();
    let mut first = vec!["All patients".to_string()];
    first.extend(cells(&overall));
    first.push(text(&overall));
    first.push(String::new());
    rows.push(first);
    forest_rows.push(ForestRow {
        label: "All patients".to_string(),
        is_header: true,
        estimates: vec![Some(forest_estimate(&overall))],
        counts: cells(&overall),
        ..ForestRow::default()
    });
    for s in &subgroups {
        let p_text = s
            .interaction
            .as_ref()
            .map_or_else(|| "—".to_string(), |t| format::p_value(t.p));
        let heading = labels::label_of(&request.labels, &s.variable).to_string();
        let mut row = vec![heading.clone()];
        row.extend(std::iter::repeat_n(String::new(), 2 + arms.len() + 1));
        row.push(p_text.clone());
        rows.push(row);
        forest_rows.push(ForestRow {
            label: heading,
            is_header: true,
            estimates: vec![Some(ForestEstimate {
                p: s.interaction.as_ref().map(|t| t.p),
                p_text,
                ..ForestEstimate::default()
            })],
            ..ForestRow::default()
        });
        for e in &s.levels {
            let mut row = vec![e.level.clone()];
            row.extend(cells(e));
            row.push(text(e));
            row.push(String::new());
            rows.push(row);
            forest_rows.push(ForestRow {
                label: e.level.clone(),
                indent: true,
                estimates: vec![Some(forest_estimate(e))],
                counts: cells(e),
                ..ForestRow::default()
            });
        }
    }
    let mut count_columns = vec!["n".to_string(), "Events".to_string()];
    count_columns.extend(arms.iter().map(|a| arm_header(a)));
    let n_numeric = 2 + arms.len() + 2;
    let table_out = DisplayTable {
        header,
        rows,
        numeric_columns: (1..=n_numeric).collect(),
    };
    let outcome_name = labels::label_of(
        &request.labels,
        match kind {
            OutcomeType::Survival => &o.time,
            OutcomeType::Binary => &o.column,
        },
    );
    let plot = ForestPlot {
        title: format!("{ratio_name} of {treatment_named} by subgroup: {outcome_name}"),
        estimate_label: format!("{ratio_name} (log scale)"),
        column_label: format!("{ratio} ({level}% CI)"),
        panels: vec![ForestPanel {
            title: String::new(),
        }],
        rows: forest_rows,
        count_columns,
        p_label: "p (interaction)".to_string(),
        caption: set.as_ref().map(|s| s.text.clone()),
        // No figure options here: the default look, printed two columns wide.
        style: FigureStyle::default().series(0),
        print: PrintSpec::new(&FigureOutput::default(), SizePreset::DoubleColumn, 1.0),
        ..ForestPlot::default()
    };
    let model_text = match kind {
        OutcomeType::Survival => format!(
            "Cox regression (as R's coxph, {} ties)",
            if request.ties == Ties::Efron {
                "Efron"
            } else {
                "Breslow"
            }
        ),
        OutcomeType::Binary => "Logistic regression (as R's glm) with Wald intervals".to_string(),
    };
    let adjusted = if adjust.is_empty() {
        String::new()
    } else {
        format!(
            ", adjusted for {}",
            adjust
                .iter()
                .map(|a| labels::label_of(&request.labels, &a.column))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let settings_text = set.as_ref().map(|s| format!("{} ", s.text)).unwrap_or_default()
        + &format!(
        "{model_text} of the treatment {treatment_named} within each subgroup level, fitted to that level's patients alone{adjusted}; \
         {level}% Wald intervals. p (interaction): likelihood-ratio test of treatment × subgroup against the main effects \
         on the patients with the subgroup known, as anova(model(y ~ treatment + subgroup), model(y ~ treatment * subgroup)) in R. \
         Subgroup estimates are descriptive: with several subgroups some interaction p-values are small by chance."
    );
    Ok(SubgroupResult {
        model: if kind == OutcomeType::Survival {
            "cox"
        } else {
            "logistic"
        },
        comparison,
        overall,
        design_terms: overall_design.terms.clone(),
        subgroups,
        table: table_out,
        plot,
        settings_text,
        warnings,
        analysis_set: set,
    })
}

/// The outcome restricted to the table rows `rows` (each among the
/// outcome's rows), in that order: a design built over `rows` picks its
/// values by position in them.
fn outcome_subset(outcome: &Outcome, rows: &[usize]) -> Outcome {
    let index = |all: &[usize]| -> Vec<usize> {
        let at: std::collections::HashMap<usize, usize> =
            all.iter().enumerate().map(|(i, &r)| (r, i)).collect();
        rows.iter()
            .map(|r| at.get(r).copied().unwrap_or(0))
            .collect()
    };
    match outcome {
        Outcome::Survival(o) => {
            let idx = index(&o.rows);
            let mut s = o.clone();
            s.time = idx.iter().map(|&i| o.time[i]).collect();
            s.event = idx.iter().map(|&i| o.event[i]).collect();
            s.strata = o
                .strata
                .as_ref()
                .map(|st| idx.iter().map(|&i| st[i]).collect());
            s.start = None;
            s.rows = rows.to_vec();
            Outcome::Survival(s)
        }
        Outcome::Binary(o) => {
            let idx = index(&o.rows);
            let mut b = o.clone();
            b.y = idx.iter().map(|&i| o.y[i]).collect();
            b.rows = rows.to_vec();
            Outcome::Binary(b)
        }
    }
}

/// A design with no columns over `rows`, for the counts of a level whose
/// model could not be built.
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

/// LR test of treatment × subgroup: the main-effects design plus the
/// products of the treatment column with each subgroup indicator.
fn interaction_test(
    outcome: &Outcome,
    design: &Design,
    trt: &crate::design::DesignTerm,
    sub: &crate::design::DesignTerm,
    request: &SubgroupRequest,
) -> Result<InteractionTest, String> {
    let main = fit_model(outcome, design, None, request)?;
    let j_trt = design
        .term(&trt.column)
        .and_then(|t| t.columns.first().copied())
        .ok_or("no treatment column")?;
    let mut full = design.clone();
    for &j in sub.level_columns.iter().flatten() {
        let product: Vec<f64> = (0..design.n())
            .map(|i| design.columns[j_trt][i] * design.columns[j][i])
            .collect();
        full.names
            .push(format!("{}:{}", design.names[j_trt], design.names[j]));
        full.r_names
            .push(format!("{}:{}", design.r_names[j_trt], design.r_names[j]));
        full.columns.push(product);
    }
    let interaction = fit_model(outcome, &full, None, request)?;
    let df = interaction.rank.saturating_sub(main.rank);
    if df == 0 {
        return Err(
            "no interaction term can be estimated (every level has one arm only).".to_string(),
        );
    }
    let stat = (2.0 * (interaction.loglik - main.loglik)).max(0.0);
    Ok(InteractionTest {
        stat,
        df,
        p: chi_square_upper(stat, df as f64),
        loglik_main: main.loglik,
        loglik_interaction: interaction.loglik,
        n: design.n(),
    })
}
