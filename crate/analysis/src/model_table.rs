//! The regression table of clinical papers: each candidate factor fitted
//! alone (univariate), then a multivariable model of the chosen factors,
//! printed side by side as OR or HR [95% CI] and p, with the reference
//! level of each categorical factor marked "reference". Logistic fits
//! follow R's `glm(family = binomial)` (or `logistf`'s Firth regression),
//! Cox fits `coxph`; as when one fits each model separately in R, every
//! model uses the rows complete for its own terms.

use crate::design::{
    binary_outcome, binary_outcome_among, build_design, survival_outcome_among, BinaryOutcome,
    BinaryOutcomeSpec, Design, DesignError, DesignTerm, MissingValues, SurvivalOutcome,
    SurvivalOutcomeSpec, TermKind, TermSpec,
};
use crate::format;
use crate::table::Table;
use crate::warning::{Context, Warning};
use serde::{Deserialize, Serialize};
use std::fmt;
use survcalc_stats::cox::{self, CoxError, CoxFit, CoxOptions, Ties};
use survcalc_stats::logistic::{
    self, CiMethod, LogisticError, LogisticFit, LogisticInput, LogisticMethod, LogisticOptions,
};
use survcalc_stats::wald::wald_test_zero;
use survcalc_stats::warning::KernelWarning;

/// The outcome of the models: binary (logistic regression) or survival (Cox).
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OutcomeSpec {
    Binary(BinaryOutcomeSpec),
    Survival(SurvivalOutcomeSpec),
}

/// What to fit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelTableSpec {
    pub outcome: OutcomeSpec,
    /// Factors screened one at a time, in the order the table lists them.
    pub candidates: Vec<TermSpec>,
    /// Columns of the multivariable model (each must be a candidate).
    /// `None`: the factors proposed by the selection rule; empty: no
    /// multivariable model.
    pub multivariable: Option<Vec<String>>,
}

/// Test of a whole factor (all indicator columns of a categorical term).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermTest {
    /// Likelihood-ratio test of the univariate model against the null model
    /// (R: `anova(fit, test = "Chisq")`; penalised for Firth, as `logistf`).
    #[default]
    LikelihoodRatio,
    /// Wald test of the factor's coefficients together.
    Wald,
}

impl TermTest {
    fn name(self, firth: bool) -> &'static str {
        match (self, firth) {
            (TermTest::LikelihoodRatio, false) => "likelihood-ratio test",
            (TermTest::LikelihoodRatio, true) => "penalised likelihood-ratio test",
            (TermTest::Wald, _) => "Wald test",
        }
    }
}

/// Options; defaults print what papers print (Wald intervals, 2 decimals)
/// and fit as R does (ML logistic regression, Efron ties).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelTableOptions {
    /// Univariate p below which a factor is proposed for the multivariable model.
    pub threshold: f64,
    /// Whole-factor test for categorical factors with more than two levels.
    pub term_test: TermTest,
    pub conf_level: f64,
    /// Decimals of estimates and confidence limits.
    pub decimals: usize,
    /// Logistic only: Firth's penalised likelihood for every fit.
    pub firth: bool,
    /// Logistic only: Wald (default) or profile-likelihood intervals.
    pub ci: CiMethod,
    /// Logistic only: warn, naming the factor, when an ML fit is separated.
    pub separation_warnings: bool,
    /// Cox only.
    pub ties: Ties,
}

impl Default for ModelTableOptions {
    fn default() -> Self {
        ModelTableOptions {
            threshold: 0.05,
            term_test: TermTest::LikelihoodRatio,
            conf_level: 0.95,
            decimals: 2,
            firth: false,
            ci: CiMethod::Wald,
            separation_warnings: true,
            ties: Ties::Efron,
        }
    }
}

/// Which regression the table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    Logistic,
    Cox,
}

/// A chi-square test of a whole factor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactorTest {
    /// "likelihood-ratio test", "penalised likelihood-ratio test" or "Wald test".
    pub test: String,
    pub stat: f64,
    pub df: usize,
    pub p: f64,
}

/// One cell pair of the table (estimate [CI] and p) with its numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    /// OR or HR.
    pub estimate: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub p: Option<f64>,
    /// The reference level of a factor in this model.
    pub reference: bool,
    /// "1.23 (0.98–1.55)", "reference", "not estimable ..." or "".
    pub text: String,
    /// "0.042", "<0.001" or "".
    pub p_text: String,
}

impl Cell {
    fn empty() -> Cell {
        Cell {
            estimate: None,
            lower: None,
            upper: None,
            p: None,
            reference: false,
            text: String::new(),
            p_text: String::new(),
        }
    }

    fn reference() -> Cell {
        Cell {
            reference: true,
            text: "reference".to_string(),
            ..Cell::empty()
        }
    }

    fn factor_p(p: f64) -> Cell {
        Cell {
            p: Some(p),
            p_text: format::p_value(p),
            ..Cell::empty()
        }
    }
}

/// Kind of table row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    /// A numeric factor: one row with its estimates.
    Numeric,
    /// The header of a categorical factor (p of the whole factor when it
    /// has more than two levels).
    Factor,
    /// The reference level of a categorical factor.
    Reference,
    /// A non-reference level of a categorical factor.
    Level,
}

/// One row of the printed table.
#[derive(Debug, Clone, Serialize)]
pub struct ModelTableRow {
    pub kind: RowKind,
    /// The column (factor) the row belongs to: rows with the same `term`
    /// form one group of the forest plot.
    pub term: String,
    pub level: Option<String>,
    /// First-column text: the column name, or the level.
    pub label: String,
    /// Patients at this level in the univariate model.
    pub n: Option<usize>,
    pub univariate: Cell,
    pub multivariable: Cell,
}

/// The fitted model behind a column of the table.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum FittedModel {
    Logistic(Box<LogisticFit>),
    Cox(Box<CoxFit>),
}

/// A univariate model (one factor).
#[derive(Debug, Clone, Serialize)]
pub struct UnivariateModel {
    pub term: String,
    pub kind: TermKind,
    /// Coefficients of the factor (levels - 1 for a categorical factor).
    pub n_columns: usize,
    pub n: usize,
    /// Patients with the outcome (logistic) or events (Cox).
    pub n_events: usize,
    /// Rows with a known outcome left out for a missing value of the factor.
    pub n_dropped: usize,
    /// Whole-factor test (also given for one-column factors).
    pub factor_test: Option<FactorTest>,
    /// The p used by the selection rule: the coefficient's p for a
    /// one-column factor, `factor_test` otherwise.
    pub selection_p: Option<f64>,
    pub fit: FittedModel,
    pub warnings: Vec<Warning>,
}

/// The multivariable model.
#[derive(Debug, Clone, Serialize)]
pub struct MultivariableModel {
    pub terms: Vec<String>,
    /// "selected by the rule" or "chosen by the user", as a sentence.
    pub chosen_by: String,
    pub n: usize,
    pub n_events: usize,
    pub n_dropped: usize,
    pub missing: Vec<MissingValues>,
    /// Wald test of each factor with more than two levels (term, test).
    pub factor_tests: Vec<(String, FactorTest)>,
    pub fit: FittedModel,
    pub warnings: Vec<Warning>,
}

/// The factors proposed by the univariate screen, and the rule as a sentence.
#[derive(Debug, Clone, Serialize)]
pub struct Selection {
    pub threshold: f64,
    pub term_test: TermTest,
    pub proposed: Vec<String>,
    /// "Factors with univariate p < 0.05 entered the multivariable model ..."
    pub rule: String,
}

/// The outcome as analysed.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeSummary {
    pub n_read: usize,
    /// Rows with a known outcome.
    pub n: usize,
    pub n_events: usize,
    pub dropped: Vec<MissingValues>,
}

/// The univariate and multivariable table.
#[derive(Debug, Clone, Serialize)]
pub struct ModelTable {
    pub model: ModelKind,
    /// "OR" or "HR".
    pub estimate_name: String,
    pub conf_level: f64,
    pub rows: Vec<ModelTableRow>,
    pub univariate: Vec<UnivariateModel>,
    pub multivariable: Option<MultivariableModel>,
    pub selection: Selection,
    pub outcome: OutcomeSummary,
    /// The methods in one printable line.
    pub settings: String,
    pub warnings: Vec<Warning>,
}

/// Why the table could not be made.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelTableError {
    NoCandidates,
    /// The outcome columns are unusable.
    Outcome(Box<DesignError>),
    /// A factor cannot enter a model.
    Term {
        column: String,
        source: Box<DesignError>,
    },
    /// A multivariable column that is not among the candidates.
    NotACandidate {
        column: String,
    },
    Logistic {
        model: String,
        source: Box<LogisticError>,
    },
    Cox {
        model: String,
        source: Box<CoxError>,
    },
    /// A model that cannot be fitted as specified (e.g. too many coefficients).
    Model {
        model: String,
        source: Box<DesignError>,
    },
    InvalidOption {
        name: &'static str,
        value: String,
    },
}

impl fmt::Display for ModelTableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelTableError::NoCandidates => write!(f, "Choose at least one factor for the table."),
            ModelTableError::Outcome(e) => write!(f, "Outcome: {e}"),
            ModelTableError::Term { source, .. } => source.fmt(f),
            ModelTableError::NotACandidate { column } => write!(
                f,
                "Column \"{column}\" is in the multivariable model but not among the factors of the table; add it to the factors first."
            ),
            ModelTableError::Logistic { model, source } => write!(f, "{model}: {source}"),
            ModelTableError::Cox { model, source } => write!(f, "{model}: {source}"),
            ModelTableError::Model { model, source } => write!(f, "{model}: {source}"),
            ModelTableError::InvalidOption { name, value } => write!(f, "Option {name} = {value} is not valid."),
        }
    }
}

impl std::error::Error for ModelTableError {}

enum Outcome {
    Binary(BinaryOutcome),
    Survival(SurvivalOutcome),
}

impl Outcome {
    fn rows(&self) -> &[usize] {
        match self {
            Outcome::Binary(b) => &b.rows,
            Outcome::Survival(s) => &s.rows,
        }
    }

    fn roles(&self) -> Vec<(&str, &'static str)> {
        match self {
            Outcome::Binary(b) => vec![(b.column.as_str(), "outcome")],
            Outcome::Survival(s) => s.roles(),
        }
    }

    fn summary(&self) -> OutcomeSummary {
        match self {
            Outcome::Binary(b) => OutcomeSummary {
                n_read: b.n_read,
                n: b.rows.len(),
                n_events: b.n_events,
                dropped: b.dropped.iter().cloned().collect(),
            },
            Outcome::Survival(s) => OutcomeSummary {
                n_read: s.n_read,
                n: s.rows.len(),
                n_events: s.n_events,
                dropped: s.dropped.clone(),
            },
        }
    }
}

/// Estimates of one design column.
#[derive(Clone, Copy)]
struct ColumnEstimate {
    coef: Option<f64>,
    estimate: Option<f64>,
    lower: Option<f64>,
    upper: Option<f64>,
    p: Option<f64>,
    separated: bool,
}

/// A fit reduced to what the table needs.
struct Fitted {
    columns: Vec<ColumnEstimate>,
    /// Covariance of the design columns (None where not estimable).
    var: Vec<Vec<Option<f64>>>,
    n: usize,
    n_events: usize,
    /// LR (or penalised LR) test against the null model.
    lr: Option<(f64, usize, f64)>,
    fit: FittedModel,
    warnings: Vec<Warning>,
}

/// Wald test of the design columns `cols` together (aliased ones skipped).
fn wald_test(fitted: &Fitted, cols: &[usize]) -> Option<FactorTest> {
    let coef: Vec<Option<f64>> = fitted.columns.iter().map(|c| c.coef).collect();
    let var = |j: usize, k: usize| {
        fitted
            .var
            .get(j)
            .and_then(|row| row.get(k))
            .copied()
            .flatten()
    };
    wald_test_zero(&coef, &var, cols).map(|w| FactorTest {
        test: TermTest::Wald.name(false).to_string(),
        stat: w.stat,
        df: w.df,
        p: w.p,
    })
}

fn fit_model(
    outcome: &Outcome,
    design: &Design,
    options: &ModelTableOptions,
    model: &str,
    univariate: bool,
) -> Result<Fitted, ModelTableError> {
    let p = design.p();
    match outcome {
        Outcome::Binary(b) => {
            let y = b.y_for(design).map_err(outcome_error)?;
            // More coefficients than the rarer outcome can estimate is not
            // a model anyone means (and hundreds of them took minutes).
            let ones = y.iter().filter(|&&v| v == 1.0).count();
            let rarer = ones.min(y.len() - ones);
            if rarer > 0 && p > rarer {
                let what = if rarer == ones {
                    "patients with the outcome"
                } else {
                    "patients without the outcome"
                };
                return Err(ModelTableError::Model {
                    model: model.to_string(),
                    source: Box::new(DesignError::TooManyCoefficients {
                        coefficients: p,
                        events: rarer,
                        what,
                    }),
                });
            }
            let lopts = LogisticOptions {
                method: if options.firth {
                    LogisticMethod::Firth
                } else {
                    LogisticMethod::Ml
                },
                ci: options.ci,
                conf_level: options.conf_level,
                ..LogisticOptions::default()
            };
            let input = LogisticInput {
                y: &y,
                trials: None,
                columns: &design.columns,
                term_names: &design.names,
            };
            let fit =
                logistic::fit(&input, &lopts).map_err(|source| ModelTableError::Logistic {
                    model: model.to_string(),
                    source: Box::new(source),
                })?;
            let offset = fit.terms.len().saturating_sub(p);
            let separated: Vec<String> = fit
                .separation
                .as_ref()
                .map(|s| s.terms.clone())
                .unwrap_or_default();
            let columns = (0..p)
                .map(|j| {
                    let t = fit.terms.get(offset + j);
                    let get = |f: fn(&logistic::LogisticTerm) -> Option<f64>| t.and_then(f);
                    let (lower, upper) = match options.ci {
                        CiMethod::Wald => {
                            (get(|t| t.wald_ci_or_lower), get(|t| t.wald_ci_or_upper))
                        }
                        CiMethod::Profile => (
                            get(|t| t.profile_ci_or_lower),
                            get(|t| t.profile_ci_or_upper),
                        ),
                    };
                    ColumnEstimate {
                        coef: get(|t| t.coef),
                        estimate: get(|t| t.odds_ratio),
                        lower,
                        upper,
                        p: if options.firth {
                            get(|t| t.plr_p).or(get(|t| t.p))
                        } else {
                            get(|t| t.p)
                        },
                        separated: design.names.get(j).is_some_and(|n| separated.contains(n)),
                    }
                })
                .collect();
            let var = (0..p)
                .map(|a| {
                    (0..p)
                        .map(|c| {
                            fit.vcov
                                .get(offset + a)
                                .and_then(|row| row.get(offset + c))
                                .copied()
                                .flatten()
                        })
                        .collect()
                })
                .collect();
            // The table words separation its own way (the odds ratio is not shown).
            let mut warnings: Vec<Warning> = fit
                .warnings
                .iter()
                .filter(|w| !matches!(w, KernelWarning::Separation { .. }))
                .cloned()
                .map(Warning::Kernel)
                .collect();
            if options.separation_warnings {
                if let Some(s) = &fit.separation {
                    warnings.push(Warning::Separation {
                        kind: s.kind,
                        terms: s.terms.clone(),
                        univariate,
                    });
                }
            }
            Ok(Fitted {
                columns,
                var,
                n: fit.n,
                n_events: usize::try_from(fit.n_events).unwrap_or(usize::MAX),
                lr: fit.lr_test.map(|t| (t.stat, t.df, t.p)),
                warnings,
                fit: FittedModel::Logistic(Box::new(fit)),
            })
        }
        Outcome::Survival(s) => {
            let data = s.cox_data(design).map_err(outcome_error)?;
            let events = data.event.iter().filter(|&&e| e).count();
            if events > 0 && p > events {
                return Err(ModelTableError::Model {
                    model: model.to_string(),
                    source: Box::new(DesignError::TooManyCoefficients {
                        coefficients: p,
                        events,
                        what: "events",
                    }),
                });
            }
            let copts = CoxOptions {
                ties: options.ties,
                conf_level: options.conf_level,
                ..CoxOptions::default()
            };
            let fit = cox::fit(&data, &copts).map_err(|source| ModelTableError::Cox {
                model: model.to_string(),
                source: Box::new(source),
            })?;
            let at = |v: &[Option<f64>], j: usize| v.get(j).copied().flatten();
            let columns = (0..p)
                .map(|j| ColumnEstimate {
                    coef: at(&fit.coef, j),
                    estimate: at(&fit.hr, j),
                    lower: at(&fit.hr_lower, j),
                    upper: at(&fit.hr_upper, j),
                    p: at(&fit.p, j),
                    separated: false,
                })
                .collect();
            let var = (0..p)
                .map(|a| {
                    (0..p)
                        .map(|c| fit.var.get(a).and_then(|row| row.get(c)).copied())
                        .collect()
                })
                .collect();
            Ok(Fitted {
                columns,
                var,
                n: fit.n,
                n_events: fit.nevent,
                lr: Some((fit.lr_test.stat, fit.lr_test.df, fit.lr_test.p)),
                warnings: Warning::from_kernel(&fit.warnings).collect(),
                fit: FittedModel::Cox(Box::new(fit)),
            })
        }
    }
}

fn estimate_cell(e: &ColumnEstimate, decimals: usize) -> Cell {
    let mut cell = Cell {
        estimate: e.estimate,
        lower: e.lower,
        upper: e.upper,
        p: e.p,
        reference: false,
        text: String::new(),
        p_text: String::new(),
    };
    match e.estimate {
        _ if e.separated => {
            cell.text = "not estimable (separation)".to_string();
            cell.p_text = "—".to_string();
        }
        None => {
            cell.text = "not estimable".to_string();
            cell.p_text = "—".to_string();
        }
        Some(est) => {
            cell.text = format::estimate_ci(
                est,
                e.lower.unwrap_or(f64::NAN),
                e.upper.unwrap_or(f64::NAN),
                decimals,
            );
            cell.p_text = e.p.map_or_else(|| "—".to_string(), format::p_value);
        }
    }
    cell
}

/// The factors whose univariate p is below `threshold` (one-column factors:
/// the coefficient's p; others: the whole-factor test of `term_test`).
pub fn select_terms(
    univariate: &[UnivariateModel],
    threshold: f64,
    term_test: TermTest,
    firth: bool,
) -> Selection {
    let proposed = univariate
        .iter()
        .filter(|u| u.selection_p.is_some_and(|p| p < threshold))
        .map(|u| u.term.clone())
        .collect();
    let multi_level = univariate.iter().any(|u| u.n_columns > 1);
    let mut rule = format!(
        "Factors with univariate p < {} entered the multivariable model",
        format::threshold(threshold)
    );
    if multi_level {
        rule.push_str(&format!(
            " (for factors with more than two categories, the p of the {} of the whole factor)",
            term_test.name(firth)
        ));
    }
    rule.push('.');
    Selection {
        threshold,
        term_test,
        proposed,
        rule,
    }
}

fn settings_line(kind: ModelKind, options: &ModelTableOptions, strata: Option<&str>) -> String {
    let level = format!("{}%", format::level_percent(options.conf_level));
    match kind {
        ModelKind::Logistic => {
            let method = if options.firth {
                "Firth's penalised likelihood"
            } else {
                "maximum likelihood"
            };
            let ci = match (options.ci, options.firth) {
                (CiMethod::Wald, _) => "Wald",
                (CiMethod::Profile, false) => "profile-likelihood",
                (CiMethod::Profile, true) => "profile penalised-likelihood",
            };
            let p = if options.firth {
                "penalised likelihood-ratio test"
            } else {
                "Wald test"
            };
            format!(
                "Logistic regression ({method}); odds ratios with {level} {ci} confidence intervals; p-values: {p}; factors with more than two categories: {} (univariate), Wald test (multivariable).",
                options.term_test.name(options.firth)
            )
        }
        ModelKind::Cox => {
            let ties = match options.ties {
                Ties::Efron => "Efron",
                Ties::Breslow => "Breslow",
            };
            let strata = strata
                .map(|s| format!(", stratified by \"{s}\""))
                .unwrap_or_default();
            format!(
                "Cox proportional hazards regression ({ties} ties{strata}); hazard ratios with {level} Wald confidence intervals; p-values: Wald test; factors with more than two categories: {} (univariate), Wald test (multivariable).",
                options.term_test.name(false)
            )
        }
    }
}

fn check_options(o: &ModelTableOptions) -> Result<(), ModelTableError> {
    if !(o.threshold > 0.0 && o.threshold <= 1.0) {
        return Err(ModelTableError::InvalidOption {
            name: "threshold",
            value: crate::format::given(o.threshold),
        });
    }
    if !(o.conf_level > 0.0 && o.conf_level < 1.0) {
        return Err(ModelTableError::InvalidOption {
            name: "conf_level",
            value: crate::format::given(o.conf_level),
        });
    }
    if o.decimals > 10 {
        return Err(ModelTableError::InvalidOption {
            name: "decimals",
            value: o.decimals.to_string(),
        });
    }
    Ok(())
}

fn outcome_error(e: DesignError) -> ModelTableError {
    ModelTableError::Outcome(Box::new(e))
}

fn term_error(column: &str) -> impl Fn(DesignError) -> ModelTableError + '_ {
    move |source| ModelTableError::Term {
        column: column.to_string(),
        source: Box::new(source),
    }
}

/// Fits every candidate alone, then the multivariable model, and lays the
/// results out as the paper's table.
pub fn fit(
    table: &Table,
    spec: &ModelTableSpec,
    options: &ModelTableOptions,
) -> Result<ModelTable, ModelTableError> {
    fit_rows(table, None, spec, options)
}

/// As [`fit`], with the outcome read only at the table rows `rows`
/// (ascending), without copying the table: an analysis set's rows, or a
/// comparison of some outcome values (secondary resistance vs durable
/// response) that leaves the other rows out. A binary outcome's `n_read`
/// stays the table's row count; a survival outcome's counts `rows`.
pub fn fit_among(
    table: &Table,
    rows: &[usize],
    spec: &ModelTableSpec,
    options: &ModelTableOptions,
) -> Result<ModelTable, ModelTableError> {
    fit_rows(table, Some(rows), spec, options)
}

fn fit_rows(
    table: &Table,
    among: Option<&[usize]>,
    spec: &ModelTableSpec,
    options: &ModelTableOptions,
) -> Result<ModelTable, ModelTableError> {
    check_options(options)?;
    if spec.candidates.is_empty() {
        return Err(ModelTableError::NoCandidates);
    }
    let (kind, outcome) = match (&spec.outcome, among) {
        (OutcomeSpec::Binary(b), None) => (
            ModelKind::Logistic,
            Outcome::Binary(binary_outcome(table, b).map_err(outcome_error)?),
        ),
        (OutcomeSpec::Binary(b), Some(rows)) => (
            ModelKind::Logistic,
            Outcome::Binary(binary_outcome_among(table, b, rows).map_err(outcome_error)?),
        ),
        (OutcomeSpec::Survival(s), among) => (
            ModelKind::Cox,
            Outcome::Survival(survival_outcome_among(table, s, among).map_err(outcome_error)?),
        ),
    };
    let firth = options.firth && kind == ModelKind::Logistic;
    for (i, c) in spec.candidates.iter().enumerate() {
        if let Some((_, role)) = outcome
            .roles()
            .into_iter()
            .find(|(col, _)| *col == c.column)
        {
            return Err(ModelTableError::Term {
                column: c.column.clone(),
                source: Box::new(DesignError::TermIsOutcome {
                    column: c.column.clone(),
                    role: role.to_string(),
                }),
            });
        }
        if spec.candidates[..i].iter().any(|d| d.column == c.column) {
            return Err(ModelTableError::Term {
                column: c.column.clone(),
                source: Box::new(DesignError::DuplicateTerm {
                    column: c.column.clone(),
                }),
            });
        }
    }
    let mut warnings: Vec<Warning> = match &outcome {
        Outcome::Binary(b) => b.warnings.clone(),
        Outcome::Survival(s) => s.warnings.clone(),
    };

    // Univariate screen.
    let mut univariate = Vec::with_capacity(spec.candidates.len());
    let mut uni_designs: Vec<(Design, Fitted)> = Vec::with_capacity(spec.candidates.len());
    for c in &spec.candidates {
        let design = build_design(table, std::slice::from_ref(c), outcome.rows())
            .map_err(term_error(&c.column))?;
        let model = format!("Univariate model of \"{}\"", c.column);
        let context = Context::UnivariateModel {
            term: c.column.clone(),
        };
        let fitted = fit_model(&outcome, &design, options, &model, true)?;
        let term = design
            .terms
            .first()
            .cloned()
            .ok_or(ModelTableError::NoCandidates)?;
        let factor_test = match options.term_test {
            TermTest::LikelihoodRatio => fitted
                .lr
                .map(|(stat, df, p)| FactorTest {
                    test: TermTest::LikelihoodRatio.name(firth).to_string(),
                    stat,
                    df,
                    p,
                })
                .or_else(|| wald_test(&fitted, &term.columns)),
            TermTest::Wald => wald_test(&fitted, &term.columns),
        };
        let selection_p = if term.columns.len() == 1 {
            term.columns
                .first()
                .and_then(|&j| fitted.columns.get(j))
                .and_then(|e| if e.separated { None } else { e.p })
        } else {
            factor_test.as_ref().map(|t| t.p)
        };
        let mut model_warnings: Vec<Warning> = design.warnings.clone();
        model_warnings.extend(fitted.warnings.iter().cloned());
        warnings.extend(
            model_warnings
                .iter()
                .map(|w| w.clone().within(context.clone())),
        );
        univariate.push(UnivariateModel {
            term: c.column.clone(),
            kind: term.kind,
            n_columns: term.columns.len(),
            n: fitted.n,
            n_events: fitted.n_events,
            n_dropped: design.n_dropped,
            factor_test,
            selection_p,
            fit: fitted.fit.clone(),
            warnings: model_warnings,
        });
        uni_designs.push((design, fitted));
    }
    let selection = select_terms(&univariate, options.threshold, options.term_test, firth);

    // Multivariable model, its factors in candidate order.
    let (chosen, chosen_by): (Vec<String>, String) = match &spec.multivariable {
        Some(list) => {
            for col in list {
                if !spec.candidates.iter().any(|c| &c.column == col) {
                    return Err(ModelTableError::NotACandidate {
                        column: col.clone(),
                    });
                }
            }
            let chosen: Vec<String> = spec
                .candidates
                .iter()
                .filter(|c| list.contains(&c.column))
                .map(|c| c.column.clone())
                .collect();
            let sentence = format!(
                "The multivariable model includes the factors chosen by the user: {}.",
                chosen.join(", ")
            );
            (chosen, sentence)
        }
        None => (selection.proposed.clone(), selection.rule.clone()),
    };
    if chosen.is_empty() && spec.multivariable.is_none() {
        warnings.push(Warning::NoMultivariableModel {
            threshold: options.threshold,
        });
    }
    let mut multi: Option<(Design, Fitted, MultivariableModel)> = None;
    if !chosen.is_empty() {
        // Keep each factor's univariate reference, even if the first level
        // drops out of the multivariable rows.
        let specs: Vec<TermSpec> = spec
            .candidates
            .iter()
            .zip(&uni_designs)
            .filter(|(c, _)| chosen.contains(&c.column))
            .map(|(c, (d, _))| {
                let reference = d.terms.first().and_then(|t| t.reference.clone());
                TermSpec {
                    column: c.column.clone(),
                    kind: d.terms.first().map(|t| t.kind),
                    reference,
                }
            })
            .collect();
        let design = build_design(table, &specs, outcome.rows()).map_err(|source| {
            let column = match &source {
                DesignError::SingleValue { column, .. }
                | DesignError::ReferenceNotAnalysed { column, .. } => column.clone(),
                _ => String::new(),
            };
            ModelTableError::Term {
                column,
                source: Box::new(source),
            }
        })?;
        let model = "Multivariable model".to_string();
        let fitted = fit_model(&outcome, &design, options, &model, false)?;
        let factor_tests = design
            .terms
            .iter()
            .filter(|t| t.columns.len() > 1)
            .filter_map(|t| wald_test(&fitted, &t.columns).map(|w| (t.column.clone(), w)))
            .collect();
        let mut model_warnings: Vec<Warning> = design.warnings.clone();
        model_warnings.extend(fitted.warnings.iter().cloned());
        warnings.extend(
            model_warnings
                .iter()
                .map(|w| w.clone().within(Context::MultivariableModel)),
        );
        let summary = MultivariableModel {
            terms: chosen.clone(),
            chosen_by,
            n: fitted.n,
            n_events: fitted.n_events,
            n_dropped: design.n_dropped,
            missing: design.missing.clone(),
            factor_tests,
            fit: fitted.fit.clone(),
            warnings: model_warnings,
        };
        multi = Some((design, fitted, summary));
    }

    let rows = table_rows(
        &uni_designs,
        multi.as_ref().map(|(d, f, m)| (d, f, m)),
        options,
    );
    let strata = match &outcome {
        Outcome::Survival(s) => s.strata_column.as_deref(),
        Outcome::Binary(_) => None,
    };
    Ok(ModelTable {
        model: kind,
        estimate_name: match kind {
            ModelKind::Logistic => "OR",
            ModelKind::Cox => "HR",
        }
        .to_string(),
        conf_level: options.conf_level,
        rows,
        univariate,
        settings: settings_line(kind, options, strata),
        multivariable: multi.map(|(_, _, m)| m),
        selection,
        outcome: outcome.summary(),
        warnings,
    })
}

/// Cell of `level` of a factor in a fitted model (None: not in the model).
fn level_cell(term: &DesignTerm, fitted: &Fitted, level: &str, decimals: usize) -> Cell {
    match term.levels.iter().position(|l| l == level) {
        None => Cell {
            text: "not estimable (no patients)".to_string(),
            p_text: "—".to_string(),
            ..Cell::empty()
        },
        Some(k) => match term.level_columns.get(k).copied().flatten() {
            None => Cell::reference(),
            Some(j) => fitted
                .columns
                .get(j)
                .map_or_else(Cell::empty, |e| estimate_cell(e, decimals)),
        },
    }
}

fn table_rows(
    uni: &[(Design, Fitted)],
    multi: Option<(&Design, &Fitted, &MultivariableModel)>,
    options: &ModelTableOptions,
) -> Vec<ModelTableRow> {
    let d = options.decimals;
    let mut rows = Vec::new();
    for (design, fitted) in uni {
        let Some(term) = design.terms.first() else {
            continue;
        };
        let multi_term = multi.and_then(|(md, mf, mm)| md.term(&term.column).map(|t| (t, mf, mm)));
        match term.kind {
            TermKind::Numeric => {
                let j = term.columns.first().copied().unwrap_or(0);
                rows.push(ModelTableRow {
                    kind: RowKind::Numeric,
                    term: term.column.clone(),
                    level: None,
                    label: term.column.clone(),
                    n: None,
                    univariate: fitted
                        .columns
                        .get(j)
                        .map_or_else(Cell::empty, |e| estimate_cell(e, d)),
                    multivariable: multi_term
                        .and_then(|(t, mf, _)| t.columns.first().and_then(|&mj| mf.columns.get(mj)))
                        .map_or_else(Cell::empty, |e| estimate_cell(e, d)),
                });
            }
            TermKind::Categorical => {
                let several = term.columns.len() > 1;
                let uni_p = if several {
                    match options.term_test {
                        TermTest::LikelihoodRatio => fitted
                            .lr
                            .map(|(_, _, p)| p)
                            .or_else(|| wald_test(fitted, &term.columns).map(|t| t.p)),
                        TermTest::Wald => wald_test(fitted, &term.columns).map(|t| t.p),
                    }
                } else {
                    None
                };
                let multi_p = multi_term.and_then(|(t, mf, _)| {
                    (t.columns.len() > 1)
                        .then(|| wald_test(mf, &t.columns).map(|w| w.p))
                        .flatten()
                });
                rows.push(ModelTableRow {
                    kind: RowKind::Factor,
                    term: term.column.clone(),
                    level: None,
                    label: term.column.clone(),
                    n: None,
                    univariate: uni_p.map_or_else(Cell::empty, Cell::factor_p),
                    multivariable: multi_p.map_or_else(Cell::empty, Cell::factor_p),
                });
                // Reference level first, as papers print it, then the others in level order.
                let mut order: Vec<usize> = (0..term.levels.len()).collect();
                let estimable = |k: usize| term.level_columns.get(k).copied().flatten().is_some();
                survcalc_stats::sort::indices_by(&mut order, &|a, b| {
                    estimable(a).cmp(&estimable(b))
                });
                for k in order {
                    let Some(level) = term.levels.get(k) else {
                        continue;
                    };
                    let is_reference = term.level_columns.get(k).copied().flatten().is_none();
                    let univariate = level_cell(term, fitted, level, d);
                    let multivariable = multi_term
                        .map_or_else(Cell::empty, |(t, mf, _)| level_cell(t, mf, level, d));
                    rows.push(ModelTableRow {
                        kind: if is_reference {
                            RowKind::Reference
                        } else {
                            RowKind::Level
                        },
                        term: term.column.clone(),
                        level: Some(level.clone()),
                        label: level.clone(),
                        n: term.level_counts.get(k).copied(),
                        univariate,
                        multivariable,
                    });
                }
            }
        }
    }
    rows
}
