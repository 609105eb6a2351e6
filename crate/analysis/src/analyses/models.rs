//! The regression table of the model paper's Figs. 2–5: every candidate
//! factor alone (univariate), then a multivariable model, as OR or HR
//! [95% CI] and p side by side, with the forest plot and a CSV export.
//! Logistic (R's glm, or logistf's Firth) or Cox (coxph) from
//! survcalc-analysis's `model_table`; this layer words and lays it out.

use super::cox::{censor_values_or_rest, clean_terms, immortal_time_notes};
use super::DisplayTable;
use crate::analysis_set::{self, AnalysisSet, Filter, Selection};
use crate::derive::formulas_text;
use crate::design::{BinaryOutcomeSpec, SurvivalOutcomeSpec, TermSpec};
use crate::export::{csv_line, csv_number};
use crate::format;
use crate::model_table::{
    self, Cell, ModelKind, ModelTable, ModelTableOptions, ModelTableSpec, OutcomeSpec, RowKind,
    TermTest,
};
use crate::plot::figure::{ForestFigure, PrintSpec, SizePreset};
use crate::plot::forest::{ForestEstimate, ForestPanel, ForestPlot, ForestRow};
use crate::presets::{self, PresetReport, PresetSetting, Program};
use crate::summary::{distinct_values, MAX_LISTED_VALUES};
use crate::table::{ColumnData, Table};
use crate::warning::{LeftOutReason, Warning};
use serde::{Deserialize, Serialize};
use survcalc_stats::cox::Ties;
use survcalc_stats::logistic::CiMethod;

/// Which kind of outcome the models explain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeType {
    /// Yes/no (logistic regression, odds ratios).
    Binary,
    /// Time to event (Cox regression, hazard ratios).
    Survival,
}

/// The outcome: binary `{ column, event_values, non_event_values? }` or
/// survival `{ time, event, event_values, censor_values?, strata? }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutcomeRequest {
    /// `None`: survival when `time` is given, else binary.
    #[serde(rename = "type")]
    pub kind: Option<OutcomeType>,
    /// Binary: the outcome column.
    pub column: String,
    /// Binary: values coded 1; survival: values meaning "event".
    pub event_values: Vec<String>,
    /// Binary: values coded 0. Empty: every other value; otherwise rows
    /// with any other value are left out (e.g. secondary vs durable,
    /// leaving out primary resistance).
    pub non_event_values: Vec<String>,
    pub time: String,
    pub event: String,
    /// Survival: values meaning censored; absent = every other value.
    pub censor_values: Option<Vec<String>>,
    pub strata: Option<String>,
}

/// What the user asked for (see docs/api.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelTableRequest {
    pub outcome: OutcomeRequest,
    pub candidates: Vec<TermSpec>,
    /// Columns of the multivariable model; `null` = the factors with
    /// univariate p < `threshold`; `[]` = no multivariable model.
    pub multivariable: Option<Vec<String>>,
    pub threshold: f64,
    /// Logistic: Firth's penalised likelihood.
    pub firth: bool,
    /// Logistic: "wald" (default) or "profile" intervals.
    pub ci: CiMethod,
    /// Cox: "efron" (R) or "breslow" (Stata).
    pub ties: Ties,
    pub term_test: TermTest,
    pub conf_level: f64,
    pub decimals: usize,
    /// How the forest plot looks and prints.
    pub figure: ForestFigure,
    /// Only the patients of this analysis set (R's `subset =`).
    pub filter: Option<Filter>,
    /// Variable labels (column -> label): a factor's forest-plot rows are
    /// titled by its label unless `figure.row_labels` names them.
    pub labels: crate::labels::Labels,
    /// Match another program's defaults: sets `ci` and `ties` (overriding
    /// them) and reports what it set.
    pub preset: Option<Program>,
}

impl ModelTableRequest {
    /// The request with a "match another program" preset applied: the
    /// settings the analysis runs with and the methods paragraph describes.
    pub fn resolved(&self) -> std::borrow::Cow<'_, Self> {
        match self.preset {
            None => std::borrow::Cow::Borrowed(self),
            Some(program) => std::borrow::Cow::Owned({
                let d = presets::defaults(program);
                ModelTableRequest {
                    ci: d.logistic_ci,
                    ties: d.cox_ties,
                    ..self.clone()
                }
            }),
        }
    }
}

impl Default for ModelTableRequest {
    fn default() -> Self {
        let d = ModelTableOptions::default();
        ModelTableRequest {
            outcome: OutcomeRequest::default(),
            candidates: Vec::new(),
            multivariable: None,
            threshold: d.threshold,
            firth: d.firth,
            ci: d.ci,
            ties: d.ties,
            term_test: d.term_test,
            conf_level: d.conf_level,
            decimals: d.decimals,
            figure: ForestFigure::default(),
            filter: None,
            labels: crate::labels::Labels::new(),
            preset: None,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ModelTableResult {
    /// The core table: rows with their numbers, the fits, the selection.
    pub table: ModelTable,
    /// Factor | Univariate OR (95% CI) | p | Multivariable OR (95% CI) | p.
    pub display_table: DisplayTable,
    /// Per row of `display_table`: "numeric", "factor", "reference" or "level".
    pub row_kinds: Vec<&'static str>,
    /// The p-threshold rule as a sentence.
    pub selection_text: String,
    /// Factors the rule proposes (for "use factors with p < threshold").
    pub proposed: Vec<String>,
    /// How the multivariable model was chosen, or why there is none.
    pub multivariable_text: String,
    /// Patients in each model.
    pub n_text: String,
    /// Fit of the multivariable model: deviance, AIC and likelihood-ratio
    /// test (logistic, as R's summary(glm) and anova), or the LR test and
    /// concordance (Cox).
    pub model_fit_text: Option<String>,
    /// The outcome coding and every method choice, in words.
    pub settings_text: String,
    pub warnings: Vec<Warning>,
    pub plot: ForestPlot,
    /// The table for a spreadsheet: formatted cells and full-precision numbers.
    pub csv: String,
    /// The analysis set the patients were restricted to (`filter`).
    pub analysis_set: Option<AnalysisSet>,
    /// What a `preset` set, when one was chosen.
    pub preset: Option<PresetReport>,
}

/// The multivariable model's overall fit, in one line.
fn model_fit_text(fit: &crate::model_table::FittedModel) -> String {
    use crate::format::number;
    use crate::model_table::FittedModel;
    match fit {
        FittedModel::Logistic(f) => {
            let lr = f.lr_test.as_ref().map_or_else(
                || "not available".to_string(),
                |t| format::chi_square(t.stat, t.df, t.p),
            );
            match (f.penalized_loglik, f.aic) {
                (Some(_), _) => format!("Multivariable model fit (Firth): penalised likelihood-ratio test against the null model {lr}."),
                (None, aic) => format!(
                    "Multivariable model fit: residual deviance {} on {} df (null deviance {} on {} df){}; likelihood-ratio test against the null model {lr}.",
                    number(f.deviance, 2),
                    f.df_residual,
                    number(f.null_deviance, 2),
                    f.df_null,
                    aic.map(|a| format!(", AIC {}", number(a, 2))).unwrap_or_default()
                ),
            }
        }
        FittedModel::Cox(f) => {
            let c = f
                .concordance
                .as_ref()
                .map(|c| format!("; concordance {} (SE {})", number(c.c, 3), number(c.se, 3)))
                .unwrap_or_default();
            format!(
                "Multivariable model fit: likelihood-ratio test {}; Wald test {}; score test {}{c}.",
                format::chi_square(f.lr_test.stat, f.lr_test.df, f.lr_test.p),
                format::chi_square(f.wald_test.stat, f.wald_test.df, f.wald_test.p),
                format::chi_square(f.score_test.stat, f.score_test.df, f.score_test.p)
            )
        }
    }
}

fn quote_list(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The table rows whose outcome value is one of `keep` or missing (those
/// still count as missing), and how many rows hold another value: only the
/// compared groups enter the models, selected by row instead of by a copy
/// of the table. Within the analysis set, when there is one.
fn compared_rows(
    table: &Table,
    column: &str,
    keep: &[String],
    selection: Option<&Selection>,
) -> Result<(Vec<usize>, usize), String> {
    let col = table.require(column).map_err(|e| e.to_string())?;
    let decimal_comma = table.decimal_comma;
    let wanted_numbers: Vec<f64> = keep
        .iter()
        .filter_map(|k| {
            let t = k.trim();
            let t = if decimal_comma {
                t.replace(',', ".")
            } else {
                t.to_string()
            };
            t.parse::<f64>().ok()
        })
        .collect();
    let kept: Vec<bool> = match &col.data {
        ColumnData::Number(values) => values
            .iter()
            .map(|v| v.is_none_or(|x| wanted_numbers.contains(&x)))
            .collect(),
        ColumnData::Category { codes, levels } => {
            let wanted: Vec<bool> = levels
                .iter()
                .map(|l| keep.iter().any(|k| k.trim() == l))
                .collect();
            codes
                .iter()
                .map(|c| c.is_none_or(|code| wanted.get(code as usize).copied().unwrap_or(false)))
                .collect()
        }
        ColumnData::Text(values) => values
            .iter()
            .map(|v| {
                v.as_deref()
                    .is_none_or(|s| keep.iter().any(|k| k.trim() == s))
            })
            .collect(),
        ColumnData::Date(_) => {
            return Err(format!(
                "Column \"{column}\" holds dates; an outcome needs two values such as yes/no."
            ))
        }
    };
    let in_set = |r: usize| selection.is_none_or(|s| s.contains(r));
    let rows: Vec<usize> = (0..kept.len()).filter(|&r| kept[r] && in_set(r)).collect();
    let removed = (0..kept.len()).filter(|&r| !kept[r] && in_set(r)).count();
    Ok((rows, removed))
}

fn forest_estimate(cell: &Cell) -> Option<ForestEstimate> {
    if cell.reference {
        // Printed as text so that a factor left out of the multivariable
        // model shows nothing there (the chart's reference flag would
        // print "reference" in every panel).
        return Some(ForestEstimate {
            text: "reference".to_string(),
            ..Default::default()
        });
    }
    if cell.text.is_empty() && cell.p_text.is_empty() {
        return None;
    }
    let estimable = !cell.text.starts_with("not estimable");
    Some(ForestEstimate {
        estimate: if estimable { cell.estimate } else { None },
        lower: if estimable { cell.lower } else { None },
        upper: if estimable { cell.upper } else { None },
        p: cell.p,
        text: cell.text.clone(),
        p_text: cell.p_text.clone(),
    })
}

fn kind_name(kind: RowKind) -> &'static str {
    match kind {
        RowKind::Numeric => "numeric",
        RowKind::Factor => "factor",
        RowKind::Reference => "reference",
        RowKind::Level => "level",
    }
}

fn table_csv(t: &ModelTable, level: &str) -> String {
    let e = &t.estimate_name;
    let header = [
        "Factor".to_string(),
        "Level".to_string(),
        "n".to_string(),
        format!("Univariate {e} ({level} CI)"),
        "Univariate p".to_string(),
        format!("Multivariable {e} ({level} CI)"),
        "Multivariable p".to_string(),
        format!("univariate_{}", e.to_lowercase()),
        "univariate_lower".to_string(),
        "univariate_upper".to_string(),
        "univariate_p".to_string(),
        format!("multivariable_{}", e.to_lowercase()),
        "multivariable_lower".to_string(),
        "multivariable_upper".to_string(),
        "multivariable_p".to_string(),
    ];
    let mut out = csv_line(&header);
    for r in &t.rows {
        let fields = [
            r.term.clone(),
            r.level.clone().unwrap_or_default(),
            r.n.map_or_else(String::new, |n| n.to_string()),
            r.univariate.text.clone(),
            r.univariate.p_text.clone(),
            r.multivariable.text.clone(),
            r.multivariable.p_text.clone(),
            csv_number(r.univariate.estimate),
            csv_number(r.univariate.lower),
            csv_number(r.univariate.upper),
            csv_number(r.univariate.p),
            csv_number(r.multivariable.estimate),
            csv_number(r.multivariable.lower),
            csv_number(r.multivariable.upper),
            csv_number(r.multivariable.p),
        ];
        out.push_str(&csv_line(&fields));
    }
    out
}

pub fn run(table: &Table, request: &ModelTableRequest) -> Result<ModelTableResult, String> {
    let resolved = request.resolved();
    let request: &ModelTableRequest = &resolved;
    request.figure.check()?;
    let o = &request.outcome;
    let kind = o.kind.unwrap_or(if o.time.trim().is_empty() {
        OutcomeType::Binary
    } else {
        OutcomeType::Survival
    });
    let candidates = clean_terms(table, &request.candidates);
    let options = ModelTableOptions {
        threshold: request.threshold,
        term_test: request.term_test,
        conf_level: request.conf_level,
        decimals: request.decimals,
        firth: request.firth,
        ci: request.ci,
        ties: request.ties,
        ..ModelTableOptions::default()
    };
    let selection = analysis_set::select_optional(table, request.filter.as_ref())?;
    let in_set = |r: usize| selection.as_ref().is_none_or(|s| s.contains(r));
    let mut outcome_sentence;
    let mut restricted: Option<(Vec<usize>, usize)> = None;
    let outcome_spec = match kind {
        OutcomeType::Binary => {
            if o.column.trim().is_empty() {
                return Err("Choose the outcome column.".to_string());
            }
            let column = table.require(&o.column).map_err(|e| e.to_string())?;
            let ones: Vec<String> = o
                .event_values
                .iter()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect();
            let zeros: Vec<String> = o
                .non_event_values
                .iter()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect();
            let n_missing = (0..table.n_rows())
                .filter(|&r| in_set(r) && column.data.is_missing(r))
                .count();
            let missing_note = if n_missing > 0 {
                format!(
                    " {n_missing} patient{} with no value in \"{}\" (e.g. excluded before classification) {} left out.",
                    if n_missing == 1 { "" } else { "s" },
                    column.name,
                    if n_missing == 1 { "is" } else { "are" }
                )
            } else {
                String::new()
            };
            if zeros.is_empty() {
                let others: Vec<String> = distinct_values(column, MAX_LISTED_VALUES)
                    .map(|v| v.into_iter().filter(|x| !ones.contains(x)).collect())
                    .unwrap_or_default();
                outcome_sentence = format!(
                    "Outcome: \"{}\" = {} (coded 1) against every other value{} (coded 0).{missing_note}",
                    column.name,
                    quote_list(&ones),
                    if others.is_empty() { String::new() } else { format!(": {}", quote_list(&others)) },
                );
            } else {
                let keep: Vec<String> = ones.iter().chain(&zeros).cloned().collect();
                let (rows, removed) =
                    compared_rows(table, &column.name, &keep, selection.as_ref())?;
                outcome_sentence = format!(
                    "Outcome: \"{}\" = {} (coded 1) against {} (coded 0); {removed} patient{} with another value left out.{missing_note}",
                    column.name,
                    quote_list(&ones),
                    quote_list(&zeros),
                    if removed == 1 { "" } else { "s" },
                );
                restricted = Some((rows, removed));
            }
            OutcomeSpec::Binary(BinaryOutcomeSpec {
                column: o.column.clone(),
                event_values: ones,
                non_event_values: zeros,
            })
        }
        OutcomeType::Survival => {
            let censor_values =
                censor_values_or_rest(table, &o.event, &o.event_values, &o.censor_values)?;
            let strata = o
                .strata
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            outcome_sentence = format!(
                "Outcome: time \"{}\"; event: {} = {}; censored: {} = {}.",
                o.time,
                o.event,
                o.event_values.join(" or "),
                o.event,
                if censor_values.is_empty() {
                    "(none)".to_string()
                } else {
                    censor_values.join(" or ")
                }
            );
            OutcomeSpec::Survival(SurvivalOutcomeSpec {
                time: o.time.clone(),
                event: o.event.clone(),
                event_values: o.event_values.clone(),
                censor_values,
                start: None,
                strata,
            })
        }
    };
    let immortal_time = match kind {
        OutcomeType::Survival => immortal_time_notes(table, &o.time, &candidates, false),
        OutcomeType::Binary => Vec::new(),
    };
    let spec = ModelTableSpec {
        outcome: outcome_spec,
        candidates,
        multivariable: request.multivariable.clone(),
    };
    let among = match (&restricted, &selection) {
        (Some((rows, _)), _) => Some(rows.as_slice()),
        (None, Some(s)) => Some(s.rows()),
        (None, None) => None,
    };
    let mut t = match among {
        Some(rows) => model_table::fit_among(table, rows, &spec, &options),
        None => model_table::fit(table, &spec, &options),
    }
    .map_err(|e| e.to_string())?;
    let set = analysis_set::set_of(&selection);
    if let Some(s) = &set {
        // The patients read are the set's ("X of 229 patients with a known
        // outcome"); rows outside it are counted apart.
        t.outcome.n_read = s.n_in;
    }

    let mut warnings = t.warnings.clone();
    if kind == OutcomeType::Binary {
        // The outcome coding and the rows without an outcome are stated in
        // the settings line; the core's warnings would repeat it.
        let column = &o.column;
        warnings.retain(|w| match w {
            Warning::OtherValuesCountAsZero { column: c, .. }
            | Warning::RowsLeftOut {
                column: c,
                reason: LeftOutReason::Missing,
                ..
            } => c != column,
            _ => true,
        });
    }
    warnings.splice(0..0, immortal_time);
    if let Some(note) = set.as_ref().and_then(AnalysisSet::left_out_warning) {
        warnings.insert(0, note);
    }
    if let Some((_, removed)) = &restricted {
        // The core counts the left-out comparison groups as missing values:
        // say what really happened instead.
        let column = &o.column;
        if *removed > 0 {
            warnings.insert(
                0,
                Warning::OutcomeRestricted {
                    column: column.clone(),
                    values: o
                        .event_values
                        .iter()
                        .chain(&o.non_event_values)
                        .cloned()
                        .collect(),
                    removed: *removed,
                },
            );
        }
    }

    let e = t.estimate_name.clone();
    let level = format!("{}%", format::level_percent(t.conf_level));
    let display_table = DisplayTable {
        header: vec![
            "Factor".to_string(),
            format!("Univariate {e} ({level} CI)"),
            "p".to_string(),
            format!("Multivariable {e} ({level} CI)"),
            "p".to_string(),
        ],
        rows: t
            .rows
            .iter()
            .map(|r| {
                let label = match (r.kind, r.n) {
                    (RowKind::Reference | RowKind::Level, Some(n)) => {
                        format!("{} (n = {n})", r.label)
                    }
                    _ => r.label.clone(),
                };
                vec![
                    label,
                    r.univariate.text.clone(),
                    r.univariate.p_text.clone(),
                    r.multivariable.text.clone(),
                    r.multivariable.p_text.clone(),
                ]
            })
            .collect(),
        numeric_columns: vec![1, 2, 3, 4],
    };
    let row_kinds: Vec<&'static str> = t.rows.iter().map(|r| kind_name(r.kind)).collect();
    let mut display_table = display_table;
    crate::labels::label_term_rows(&mut display_table.rows, &row_kinds, &request.labels);

    let has_multi = t.multivariable.is_some();
    let mut panels = vec![ForestPanel {
        title: "Univariate".to_string(),
    }];
    if has_multi {
        panels.push(ForestPanel {
            title: "Multivariable".to_string(),
        });
    }
    let forest_rows = t
        .rows
        .iter()
        .map(|r| {
            let mut estimates = vec![forest_estimate(&r.univariate)];
            if has_multi {
                estimates.push(forest_estimate(&r.multivariable));
            }
            ForestRow {
                label: match (r.kind, r.n) {
                    (RowKind::Reference | RowKind::Level, Some(n)) => {
                        format!("{} (n = {n})", r.label)
                    }
                    _ => r.label.clone(),
                },
                indent: matches!(r.kind, RowKind::Reference | RowKind::Level),
                is_header: r.kind == RowKind::Factor,
                is_reference: false,
                estimates,
                // Patients per level (univariate model); per numeric factor
                // the univariate model's patients and events.
                counts: match (r.kind, r.n) {
                    (RowKind::Reference | RowKind::Level, Some(n)) => {
                        vec![n.to_string(), String::new()]
                    }
                    (RowKind::Factor, _) => Vec::new(),
                    _ => t
                        .univariate
                        .iter()
                        .find(|u| u.term == r.term)
                        .map(|u| vec![u.n.to_string(), u.n_events.to_string()])
                        .unwrap_or_default(),
                },
            }
        })
        .collect();
    let estimate_label = match t.model {
        ModelKind::Logistic => "Odds ratio (log scale)",
        ModelKind::Cox => "Hazard ratio (log scale)",
    };
    let figure = &request.figure;
    let plot = ForestPlot {
        title: figure.title.clone().unwrap_or_default(),
        caption: set.as_ref().map(|s| s.text.clone()),
        estimate_label: figure
            .x_label
            .clone()
            .unwrap_or_else(|| estimate_label.to_string()),
        column_label: format!("{e} ({level} CI)"),
        panels,
        rows: super::cox::relabelled(forest_rows, figure, &request.labels),
        count_columns: if figure.show_counts {
            vec![
                "n".to_string(),
                if t.model == ModelKind::Logistic {
                    "Cases".to_string()
                } else {
                    "Events".to_string()
                },
            ]
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
    };

    let events_word = match t.model {
        ModelKind::Logistic => "with the outcome",
        ModelKind::Cox => "events",
    };
    let uni_n: Vec<String> = t
        .univariate
        .iter()
        .filter(|u| u.n != t.outcome.n)
        .map(|u| format!("{} n = {}", u.term, u.n))
        .collect();
    let patients = set
        .as_ref()
        .map_or_else(|| "patients".to_string(), AnalysisSet::patients_in);
    let mut n_text = format!(
        "{} of {} {patients} with a known outcome ({} {events_word}).",
        t.outcome.n, t.outcome.n_read, t.outcome.n_events
    );
    if !uni_n.is_empty() {
        n_text.push_str(&format!(
            " Univariate models use the patients with that factor recorded ({}).",
            uni_n.join("; ")
        ));
    }
    let multivariable_text = match &t.multivariable {
        Some(m) => {
            n_text.push_str(&format!(
                " Multivariable model: {} patients ({} {events_word}){}.",
                m.n,
                m.n_events,
                if m.n_dropped > 0 {
                    format!(", {} left out for a missing factor", m.n_dropped)
                } else {
                    String::new()
                }
            ));
            m.chosen_by.clone()
        }
        None if request.multivariable.as_ref().is_some_and(|m| m.is_empty()) => {
            "No multivariable model was requested.".to_string()
        }
        None => format!(
            "{} None qualified, so no multivariable model was fitted.",
            t.selection.rule
        ),
    };
    if kind == OutcomeType::Binary && request.firth {
        outcome_sentence.push_str(" Firth's correction is applied to every model (as logistf).");
    }
    let preset = request.preset.map(|p| {
        let setting = if kind == OutcomeType::Binary {
            PresetSetting::LogisticCi
        } else {
            PresetSetting::CoxTies
        };
        presets::report(p, &[setting])
    });
    let mut settings: Vec<String> = set.iter().map(|s| s.text.clone()).collect();
    settings.push(format!(
        "{outcome_sentence} {} Each univariate model uses the patients with its factor recorded; the multivariable model those with all its factors recorded.",
        t.settings
    ));
    let used = [o.column.as_str(), o.time.as_str(), o.event.as_str()]
        .into_iter()
        .chain(o.strata.as_deref())
        .chain(spec.candidates.iter().map(|c| c.column.as_str()));
    settings.extend(formulas_text(table, used));
    settings.extend(preset.as_ref().map(|p| p.text.clone()));
    let settings_text = settings.join(" ");
    let model_fit_text = t.multivariable.as_ref().map(|m| model_fit_text(&m.fit));
    let csv = table_csv(&t, &level);
    Ok(ModelTableResult {
        model_fit_text,
        display_table,
        row_kinds,
        selection_text: t.selection.rule.clone(),
        proposed: t.selection.proposed.clone(),
        multivariable_text,
        n_text,
        settings_text,
        warnings,
        plot,
        csv,
        preset,
        table: t,
        analysis_set: set,
    })
}
