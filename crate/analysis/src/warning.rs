//! Warnings and notes as data: each situation a report can warn about is
//! one variant with a stable snake_case code and its facts, and its sentence
//! is written here, once, for every panel. The page decides on codes and
//! facts only and shows `message`. Serialised as
//! `{"code": ..., "message": ..., ...facts}`; a kernel's warning keeps its
//! code and facts (survcalc_stats::warning) and gains its sentence here.
//!
//! This module imports no module that produces warnings, so the arrows stay
//! one way: the producers (table, design, analyses) import it.

use crate::endpoints::Endpoint;
use crate::format::{self, file_lines, plural};
use crate::provenance::DerivedColumn;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use survcalc_stats::logistic::{SeparationKind, INTERCEPT};
use survcalc_stats::warning::{
    AliasReason, FitMethod, GroupedMethod, KSampleTest, KernelWarning, MedianOf, Side, TableAxis,
};

/// Rows left out because a column has no value there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissingValues {
    pub column: String,
    /// Rows (among the candidates) without a value in this column; a row
    /// missing several columns counts in each.
    pub count: usize,
    /// The first few 1-based file lines concerned.
    pub lines: Vec<u64>,
}

/// One cell of the file, as written, at its 1-based line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellValue {
    pub line: u64,
    pub value: String,
}

/// Why rows were left out of an analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftOutReason {
    /// The column has no value there (R's na.omit).
    Missing,
    /// The column holds a value the user chose to leave out (`values`).
    Excluded,
    /// Follow-up time 0: no interval to split at the cut points.
    ZeroTimeSplit,
    /// Follow-up time 0: no interval to split at the switch.
    ZeroTimeSwitch,
    /// A switch date without the origin date (`column` is the origin).
    SwitchOriginMissing,
}

/// Where inside a report a warning arose; its sentence is prefixed with it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Context {
    /// The univariate model of one factor (model tables).
    UnivariateModel {
        term: String,
    },
    MultivariableModel,
    /// The test of proportional hazards (cox.zph).
    PhTest,
    /// One variable of Table 1.
    Variable {
        name: String,
    },
}

/// How a Cox model or a Kaplan–Meier comparison uses a column defined by
/// events after baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImmortalTimeRole {
    /// The groups of Kaplan–Meier curves and tests.
    Group,
    /// A fixed covariate of a Cox model.
    Covariate,
}

/// Why Table 1 has no p-value for a variable.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum NoTestReason {
    FewerThanTwoValues,
    /// The test failed; `error` says why.
    Error {
        error: String,
    },
}

/// One warning or note of a report. Serialise it through its `Serialize`
/// impl (code, message and facts); serde's `remote = "Self"` also derives
/// an associated `Warning::serialize(&w, serializer)` that writes the facts
/// alone, which that impl builds on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case", remote = "Self")]
pub enum Warning {
    /// A kernel's warning (serialised with the kernel's code and facts).
    #[serde(skip)]
    Kernel(KernelWarning),
    /// A warning that arose in one part of a report (serialised with the
    /// inner warning's code and facts, and `context`).
    #[serde(skip)]
    Within {
        context: Context,
        warning: Box<Warning>,
    },

    // --- reading the file ---
    /// Rows with every cell empty were skipped.
    SkippedEmptyRows {
        count: usize,
        lines: Vec<u64>,
    },
    /// Cells of a number column that are not numbers, read as missing as
    /// the user chose (`cells`: the first 20).
    NonNumbersReadAsMissing {
        column: String,
        count: usize,
        cells: Vec<CellValue>,
    },

    // --- rows and values chosen for an analysis ---
    /// Rows outside the analysis set (`set`: its name, or its conditions)
    /// take no part; counted apart from rows left out for missing values.
    OutsideAnalysisSet {
        set: String,
        count: usize,
        n_total: usize,
    },
    /// Rows left out for `reason` in `column` (`values`: the values left
    /// out, for `excluded`).
    RowsLeftOut {
        column: String,
        reason: LeftOutReason,
        count: usize,
        lines: Vec<u64>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        values: Vec<String>,
    },
    /// Patients left out of a model for missing covariate values.
    MissingCovariateValues {
        n_dropped: usize,
        n_candidates: usize,
        columns: Vec<MissingValues>,
    },
    /// A chosen value (event, censoring or outcome code) that no row has.
    ValueNotFound {
        column: String,
        value: String,
    },
    /// Only one group of the group column remains among the rows analysed.
    OnlyOneGroup {
        column: String,
        group: String,
    },
    NoRowsLeft,
    /// Every time is censored.
    NoEvents,

    // --- derived columns ---
    /// A new column was given another name than `requested`, because a
    /// column of that name exists and is kept as it is.
    ColumnRenamed {
        requested: String,
        given: String,
    },
    /// A time between two dates is negative in `count` rows: the second
    /// date is before the first.
    NegativeTimeBetween {
        column: String,
        from: String,
        to: String,
        count: usize,
        lines: Vec<u64>,
    },

    // --- a yes/no outcome ---
    /// Every value other than the event values counts as 0 (`others`: the
    /// first few of them, `more`: there are others not listed).
    OtherValuesCountAsZero {
        column: String,
        event_values: Vec<String>,
        others: Vec<String>,
        more: bool,
    },
    NoPatientHasOutcome {
        column: String,
    },
    EveryPatientHasOutcome {
        column: String,
    },
    /// Model tables: only the rows with one of `values` are compared.
    OutcomeRestricted {
        column: String,
        values: Vec<String>,
        removed: usize,
    },

    // --- covariates ---
    /// A free-text column used as a category with one level per text.
    FreeTextAsCategory {
        column: String,
        levels: usize,
    },
    /// Levels that occur in none of the `n` patients analysed.
    UnusedLevels {
        column: String,
        levels: Vec<String>,
        n: usize,
    },

    // --- survival comparisons ---
    /// Groups or a covariate defined by events after baseline (`derived`:
    /// what the column is) compared on times not measured from the event
    /// that settles it (`landmark`: of a Kaplan–Meier analysis).
    ImmortalTime {
        column: String,
        derived: DerivedColumn,
        time_column: String,
        role: ImmortalTimeRole,
        landmark: Option<f64>,
    },
    /// A landmark left no patient of `group` (`unit`: of the landmark).
    LandmarkGroupLeftOut {
        landmark: f64,
        unit: Option<String>,
        group: String,
    },
    TrendNeedsThreeGroups,
    /// The group comparison is undefined (no event, or events where only
    /// one group is at risk); the curves stand without it.
    GroupTestNotComputed {
        error: String,
    },
    /// cox.zph failed; the hazard ratios stand without it.
    PhTestNotComputed {
        error: String,
    },
    /// Cut points at or beyond the longest follow-up of `column`.
    CutPointsIgnored {
        cuts: Vec<f64>,
        column: String,
        longest: f64,
    },
    /// An interval between cut points without events.
    IntervalWithoutEvents {
        interval: String,
        column: String,
        covariates: Vec<String>,
    },

    // --- competing risks ---
    /// No code of the event column was chosen as a competing event: the
    /// cumulative incidence is then 1 - Kaplan–Meier.
    NoCompetingEventChosen {
        column: String,
    },
    /// A requested time after the last follow-up of `curve`: its value is
    /// carried forward (cmprsk's timepoints() gives NA there).
    TimeBeyondFollowUp {
        curve: String,
        time: f64,
    },
    /// The Fine–Gray model could not be fitted; the curves stand without it.
    FineGrayNotComputed {
        error: String,
    },

    // --- subgroup analyses ---
    /// The treatment × `variable` interaction test could not be computed.
    InteractionTestNotComputed {
        variable: String,
        error: String,
    },

    // --- model tables ---
    /// No factor passed the univariate threshold.
    NoMultivariableModel {
        threshold: f64,
    },
    /// Separation in an ML logistic model of a model table; the odds ratio
    /// is not shown (nor, in a `univariate` model, used for selection).
    Separation {
        kind: SeparationKind,
        terms: Vec<String>,
        univariate: bool,
    },

    /// Several numeric codes of the event column count as censored because
    /// the user chose only the event codes: one of them may be a competing
    /// event (R's Surv(time, status == 1) silently does the same).
    SeveralCensoringCodes {
        column: String,
        event_values: Vec<String>,
        censored_values: Vec<String>,
    },
    /// A categorical covariate whose values are all numbers written with a
    /// decimal comma ("1,5") in a file read with decimal points.
    DecimalCommaNumbers {
        column: String,
        value: String,
    },

    /// Fisher's odds ratio of a 2 x 2 comparison is 0 or infinite (a zero
    /// cell); infinite numbers are null in the result.
    OddsRatioAtBoundary {
        boundary: survcalc_stats::contingency::OddsRatioBoundary,
    },

    // --- Table 1 ---
    /// No p-value for `variable`.
    NoTest {
        variable: String,
        #[serde(flatten)]
        reason: NoTestReason,
    },
    /// No p-value for `variable`: its values are so large that the sums of
    /// squares overflow (`largest` is the largest absolute value).
    ValuesTooLargeToTest {
        variable: String,
        largest: f64,
    },

    // --- endpoints and resistance groups ---
    /// Records left out of an endpoint for missing or contradictory dates.
    EndpointRecordsLeftOut {
        endpoint: Endpoint,
        count: usize,
    },
    /// Patients without progression and without a last-assessment date,
    /// censored at the last contact (or death, for TTP) instead.
    CensoredWithoutAssessment {
        endpoint: Endpoint,
        count: usize,
    },
    /// Last contact after death: the date of death was used.
    LastContactAfterDeath {
        endpoint: Endpoint,
        count: usize,
    },
    /// No patient has the dates the endpoint needs.
    EndpointWithoutPatients {
        endpoint: Endpoint,
    },
    /// Patients with a best response but no first-evaluation date: the
    /// exclusion "first evaluation > `max_months`" could not be checked.
    FirstEvaluationUnchecked {
        count: usize,
        max_months: f64,
    },
    /// Patients without progression followed for less than `months`,
    /// counted as "no progression".
    ShortFollowUpWithoutProgression {
        count: usize,
        months: f64,
    },
}

impl From<KernelWarning> for Warning {
    fn from(w: KernelWarning) -> Self {
        Warning::Kernel(w)
    }
}

impl Warning {
    /// Kernel warnings as report warnings.
    pub fn from_kernel(warnings: &[KernelWarning]) -> impl Iterator<Item = Warning> + '_ {
        warnings.iter().cloned().map(Warning::Kernel)
    }

    /// This warning, said to have arisen in `context`.
    pub fn within(self, context: Context) -> Warning {
        Warning::Within {
            context,
            warning: Box::new(self),
        }
    }

    /// The warning itself, without the context it arose in.
    pub fn inner(&self) -> &Warning {
        match self {
            Warning::Within { warning, .. } => warning.inner(),
            w => w,
        }
    }

    /// The stable code (the serialised `code`).
    pub fn code(&self) -> &'static str {
        match self {
            Warning::Kernel(k) => k.code(),
            Warning::Within { warning, .. } => warning.code(),
            Warning::SkippedEmptyRows { .. } => "skipped_empty_rows",
            Warning::OutsideAnalysisSet { .. } => "outside_analysis_set",
            Warning::ColumnRenamed { .. } => "column_renamed",
            Warning::NegativeTimeBetween { .. } => "negative_time_between",
            Warning::NonNumbersReadAsMissing { .. } => "non_numbers_read_as_missing",
            Warning::RowsLeftOut { .. } => "rows_left_out",
            Warning::MissingCovariateValues { .. } => "missing_covariate_values",
            Warning::ValueNotFound { .. } => "value_not_found",
            Warning::OnlyOneGroup { .. } => "only_one_group",
            Warning::NoRowsLeft => "no_rows_left",
            Warning::NoEvents => "no_events",
            Warning::OtherValuesCountAsZero { .. } => "other_values_count_as_zero",
            Warning::NoPatientHasOutcome { .. } => "no_patient_has_outcome",
            Warning::EveryPatientHasOutcome { .. } => "every_patient_has_outcome",
            Warning::OutcomeRestricted { .. } => "outcome_restricted",
            Warning::FreeTextAsCategory { .. } => "free_text_as_category",
            Warning::UnusedLevels { .. } => "unused_levels",
            Warning::ImmortalTime { .. } => "immortal_time",
            Warning::LandmarkGroupLeftOut { .. } => "landmark_group_left_out",
            Warning::TrendNeedsThreeGroups => "trend_needs_three_groups",
            Warning::PhTestNotComputed { .. } => "ph_test_not_computed",
            Warning::GroupTestNotComputed { .. } => "group_test_not_computed",
            Warning::CutPointsIgnored { .. } => "cut_points_ignored",
            Warning::IntervalWithoutEvents { .. } => "interval_without_events",
            Warning::NoCompetingEventChosen { .. } => "no_competing_event_chosen",
            Warning::TimeBeyondFollowUp { .. } => "time_beyond_follow_up",
            Warning::FineGrayNotComputed { .. } => "fine_gray_not_computed",
            Warning::InteractionTestNotComputed { .. } => "interaction_test_not_computed",
            Warning::NoMultivariableModel { .. } => "no_multivariable_model",
            Warning::Separation { .. } => "separation",
            Warning::NoTest { .. } => "no_test",
            Warning::ValuesTooLargeToTest { .. } => "values_too_large_to_test",
            Warning::SeveralCensoringCodes { .. } => "several_censoring_codes",
            Warning::DecimalCommaNumbers { .. } => "decimal_comma_numbers",
            Warning::OddsRatioAtBoundary { .. } => "odds_ratio_at_boundary",
            Warning::EndpointRecordsLeftOut { .. } => "endpoint_records_left_out",
            Warning::CensoredWithoutAssessment { .. } => "censored_without_assessment",
            Warning::LastContactAfterDeath { .. } => "last_contact_after_death",
            Warning::EndpointWithoutPatients { .. } => "endpoint_without_patients",
            Warning::FirstEvaluationUnchecked { .. } => "first_evaluation_unchecked",
            Warning::ShortFollowUpWithoutProgression { .. } => {
                "short_follow_up_without_progression"
            }
        }
    }

    /// The sentence people read.
    pub fn message(&self) -> String {
        match self {
            Warning::Kernel(k) => kernel_message(k),
            Warning::Within { context, warning } => {
                let prefix = match context {
                    Context::UnivariateModel { term } => format!("Univariate model of \"{term}\""),
                    Context::MultivariableModel => "Multivariable model".to_string(),
                    Context::PhTest => "PH test".to_string(),
                    Context::Variable { name } => format!("\"{name}\""),
                };
                format!("{prefix}: {}", warning.message())
            }
            Warning::SkippedEmptyRows { count, lines } => {
                format!("Skipped {count} empty row{} ({}).", plural(*count), file_lines(*count, lines))
            }
            Warning::NonNumbersReadAsMissing { column, count, cells } => {
                let listed: Vec<String> = cells.iter().map(|c| format!("line {}: \"{}\"", c.line, c.value)).collect();
                let more = if *count > cells.len() { format!(", and {} more", count - cells.len()) } else { String::new() };
                let what = if *count == 1 {
                    "1 value that is not a number was".to_string()
                } else {
                    format!("{count} values that are not numbers were")
                };
                format!("Column \"{column}\": {what} read as missing ({}{more}).", listed.join(", "))
            }
            Warning::RowsLeftOut { column, reason, count, lines, values } => {
                let rows = format!("{count} row{}", plural(*count));
                let at = file_lines(*count, lines);
                match reason {
                    LeftOutReason::Missing => format!("{rows} left out because \"{column}\" is missing ({at})."),
                    LeftOutReason::Excluded => format!(
                        "{rows} left out: {column} = {} (left out of the denominator as chosen) ({at}).",
                        values.join(" or ")
                    ),
                    LeftOutReason::ZeroTimeSplit => format!(
                        "{rows} left out ({at}): the follow-up time \"{column}\" is 0, so there is no interval to split (R's coxph drops such survSplit rows: stop must be after start)."
                    ),
                    LeftOutReason::ZeroTimeSwitch => format!(
                        "{rows} left out ({at}): the follow-up time \"{column}\" is 0, so there is no interval to split at the switch (R's tmerge needs start < stop)."
                    ),
                    LeftOutReason::SwitchOriginMissing => format!(
                        "{rows} left out ({at}): the switch date is given but the origin \"{column}\" is missing, so the switch time is unknown."
                    ),
                }
            }
            Warning::OutsideAnalysisSet { set, count, n_total } => format!(
                "{count} of the {} are outside the analysis set “{set}” and take no part in this analysis.",
                crate::format::counted(*n_total, "row")
            ),
            Warning::ColumnRenamed { requested, given } => format!(
                "A column named \"{requested}\" already exists and is kept as it is; the new column is named \"{given}\"."
            ),
            Warning::NegativeTimeBetween { column, from, to, count, lines } => format!(
                "\"{column}\": in {count} row{} ({}) the date \"{to}\" is before \"{from}\", so the time is negative; check these dates before using it as a follow-up time.",
                plural(*count),
                file_lines(*count, lines)
            ),
            Warning::MissingCovariateValues { n_dropped, n_candidates, columns } => {
                let parts: Vec<String> = columns
                    .iter()
                    .map(|m| format!("\"{}\" missing in {} ({})", m.column, m.count, file_lines(m.count, &m.lines)))
                    .collect();
                format!("{n_dropped} of {n_candidates} patients left out for missing values: {}.", parts.join("; "))
            }
            Warning::ValueNotFound { column, value } => format!("Value \"{value}\" does not occur in column \"{column}\"."),
            Warning::OnlyOneGroup { column, group } => format!("Only one group (\"{group}\") of column \"{column}\" remains."),
            Warning::NoRowsLeft => "No rows remain for the analysis.".to_string(),
            Warning::NoEvents => "No events among the rows analysed: every time is censored.".to_string(),
            Warning::OtherValuesCountAsZero { column, event_values, others, more } => format!(
                "Column \"{column}\": every value other than {} counts as 0 ({}{}).",
                quoted_list(event_values),
                quoted_list(others),
                if *more { ", ..." } else { "" }
            ),
            Warning::NoPatientHasOutcome { column } => format!("No patient has the outcome in column \"{column}\"."),
            Warning::EveryPatientHasOutcome { column } => format!("Every patient has the outcome in column \"{column}\"."),
            Warning::OutcomeRestricted { column, values, removed } => format!(
                "Only patients with \"{column}\" = {} are compared; {removed} with another value and those with none are left out.",
                quoted_list(values)
            ),
            Warning::FreeTextAsCategory { column, levels } => format!(
                "Column \"{column}\" was read as free text ({levels} distinct values); it is used as a category with one level per distinct text."
            ),
            Warning::UnusedLevels { column, levels, n } => {
                let one = levels.len() == 1;
                format!(
                    "Column \"{column}\": {} occur{} in none of the {} analysed and {} left out.",
                    quoted_list(levels),
                    if one { "s" } else { "" },
                    crate::format::counted(*n, "patient"),
                    if one { "is" } else { "are" }
                )
            }
            Warning::ImmortalTime { column, derived, role, landmark, .. } => {
                immortal_time_message(column, *derived, *role, *landmark)
            }
            Warning::LandmarkGroupLeftOut { landmark, unit, group } => format!(
                "Landmark at {}: no patient of group \"{group}\" is event-free and under follow-up after it; the group is left out of the curves and tests.",
                format::time_text(*landmark, unit.as_deref())
            ),
            Warning::TrendNeedsThreeGroups => "The test for trend needs at least three ordered groups.".to_string(),
            Warning::GroupTestNotComputed { error } => format!("No comparison of the groups: {error}"),
            Warning::PhTestNotComputed { error } => {
                format!("The test of proportional hazards could not be computed: {error}")
            }
            Warning::CutPointsIgnored { cuts, column, longest } => format!(
                "Cut point{} {} ignored: no follow-up goes beyond it (the longest \"{column}\" is {longest}).",
                plural(cuts.len()),
                cuts.iter().map(f64::to_string).collect::<Vec<_>>().join(", ")
            ),
            Warning::IntervalWithoutEvents { interval, column, covariates } => format!(
                "No events in the interval {interval} of \"{column}\": the hazard ratio of {} there is not estimable (R gives NA). Choose cut points with events in every interval.",
                covariates.join(", ")
            ),
            Warning::NoCompetingEventChosen { column } => format!(
                "No code of \"{column}\" is chosen as a competing event, so the cumulative incidence equals 1 − Kaplan–Meier; \
                 choose the codes of the events that prevent the event of interest (e.g. death before progression)."
            ),
            Warning::TimeBeyondFollowUp { curve, time } => format!(
                "{curve}: time {} is after the last follow-up, so the cumulative incidence there is carried forward \
                 (cmprsk's timepoints() reports NA).",
                format::time_number(*time)
            ),
            Warning::FineGrayNotComputed { error } => format!("The Fine–Gray model could not be fitted: {error}"),
            Warning::InteractionTestNotComputed { variable, error } => {
                format!("No test of the treatment × \"{variable}\" interaction: {error}")
            }
            Warning::NoMultivariableModel { threshold } => format!(
                "No factor had univariate p < {}; no multivariable model was fitted.",
                format::threshold(*threshold)
            ),
            Warning::Separation { kind, terms, univariate } => {
                let names: Vec<String> = terms.iter().map(|t| format!("\"{t}\"")).collect();
                let (kind, part) = match kind {
                    SeparationKind::Complete => ("complete", ""),
                    SeparationKind::QuasiComplete => ("quasi-complete", " in part of the data"),
                };
                format!(
                    "Separation ({kind}) in {}: the outcome is perfectly predicted{part}, so the maximum-likelihood odds ratio is infinite and is not shown{}. Use Firth's penalised logistic regression for finite estimates.",
                    if names.is_empty() { "this model".to_string() } else { names.join(", ") },
                    if *univariate { " (nor used to propose the factor for the multivariable model)" } else { "" }
                )
            }
            Warning::ValuesTooLargeToTest { variable, largest } => format!(
                "\"{variable}\": no p-value, because its values (up to {}) are too large to test: the sums of squares exceed the largest number a computer holds. Rescale the column (e.g. another unit, or the logarithm).",
                crate::format::preview_number(*largest)
            ),
            Warning::SeveralCensoringCodes { column, event_values, censored_values } => {
                let others: Vec<&String> = censored_values.iter().filter(|v| v.as_str() != "0").collect();
                let other = others.first().map_or_else(|| "another code".to_string(), |v| format!("\"{v}\""));
                let quoted: Vec<String> = censored_values.iter().map(|v| format!("\"{v}\"")).collect();
                let (listed, all) = match quoted.split_last() {
                    Some((last, rest)) if rest.len() == 1 => (format!("{} and {last}", rest.join(", ")), "both"),
                    Some((last, rest)) => (format!("{} and {last}", rest.join(", ")), "all"),
                    None => (String::new(), "all"),
                };
                format!(
                    "Column \"{column}\": {listed} are {all} counted as censored (the event is {}). If {other} marks another kind of event (e.g. death from another cause), it is a competing event, and censoring it overestimates the risk: see Competing risks. Choose the censoring values to confirm.",
                    quoted_list(event_values)
                )
            }
            Warning::OddsRatioAtBoundary { boundary } => match boundary {
                survcalc_stats::contingency::OddsRatioBoundary::Infinite => "Fisher's exact test: a cell of the 2 × 2 table is 0, so the odds ratio is infinite (∞, not estimable) and so is its upper confidence limit; the result gives them as null.".to_string(),
                survcalc_stats::contingency::OddsRatioBoundary::Zero => "Fisher's exact test: a cell of the 2 × 2 table is 0, so the odds ratio is 0 (not estimable as a finite ratio) and so is its lower confidence limit.".to_string(),
            },
            Warning::DecimalCommaNumbers { column, value } => format!(
                "Column \"{column}\" holds numbers written with a decimal comma (e.g. \"{value}\"), so it was used as a category with one level per value. Read the file again with decimal comma (Decimal mark: comma) to use them as numbers."
            ),
            Warning::NoTest { variable, reason } => match reason {
                NoTestReason::FewerThanTwoValues => {
                    format!("\"{variable}\": no test, because it has fewer than two values among the patients.")
                }
                NoTestReason::Error { error } => format!("\"{variable}\": no test: {error}"),
            },
            Warning::EndpointRecordsLeftOut { endpoint, count } => format!(
                "{count} record(s) left out of {} because of missing or contradictory dates (listed under problems).",
                endpoint.abbreviation()
            ),
            Warning::CensoredWithoutAssessment { endpoint, count } => format!(
                "{count} patient(s) without progression had no last-assessment date and were censored at {} instead.",
                if *endpoint == Endpoint::Ttp { "the last contact (or death)" } else { "the last contact" }
            ),
            Warning::LastContactAfterDeath { count, .. } => format!(
                "{count} patient(s) have a last-contact date after their date of death; the date of death was used."
            ),
            Warning::EndpointWithoutPatients { endpoint } => {
                format!("No patient has the dates {} needs.", endpoint.abbreviation())
            }
            Warning::FirstEvaluationUnchecked { count, max_months } => format!(
                "{count} patient(s) have a best overall response but no date of first response evaluation, so the exclusion 'first response evaluation > {max_months} months' could not be checked for them."
            ),
            Warning::ShortFollowUpWithoutProgression { count, months } => format!(
                "{count} patient(s) without progression were followed for less than {months} months; they are counted as 'no progression' although they could still progress early."
            ),
        }
    }

    /// The facts as a JSON object, with `code` and `message`.
    fn to_object(&self) -> Result<Map<String, Value>, serde_json::Error> {
        let value = match self {
            Warning::Kernel(k) => serde_json::to_value(k)?,
            Warning::Within { context, warning } => {
                let mut inner = warning.to_object()?;
                inner.insert("context".to_string(), serde_json::to_value(context)?);
                Value::Object(inner)
            }
            w => Warning::serialize(w, serde_json::value::Serializer)?,
        };
        let mut object = match value {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        object.insert("code".to_string(), Value::from(self.code()));
        object.insert("message".to_string(), Value::from(self.message()));
        Ok(object)
    }
}

impl Serialize for Warning {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_object()
            .map_err(serde::ser::Error::custom)?
            .serialize(serializer)
    }
}

fn quoted_list(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A column defined after treatment start compared on times from it
/// (docs/domain.md); the resistance groups' sentence says why they are.
fn immortal_time_message(
    column: &str,
    derived: DerivedColumn,
    role: ImmortalTimeRole,
    landmark: Option<f64>,
) -> String {
    if derived != DerivedColumn::ResistanceGroup {
        return match (role, landmark) {
            (ImmortalTimeRole::Group, None) => format!(
                "Caution, immortal-time bias: \"{column}\" is known only after treatment start (it depends on later \
                 events such as response, progression or death), so comparing survival from treatment start between \
                 its groups credits the time before it was known to the group a patient ends in. Use a landmark \
                 (\"Landmark at\", with groups known by then), or Cox regression with it as a \"Time-varying status\"."
            ),
            (ImmortalTimeRole::Group, Some(_)) => format!(
                "Caution, immortal-time bias remains if \"{column}\" can be decided after the landmark: it depends on \
                 events after treatment start, and a landmark removes the bias only for groups known by then. Prefer \
                 Cox regression with it as a \"Time-varying status\"."
            ),
            (ImmortalTimeRole::Covariate, _) => format!(
                "Caution, immortal-time bias: \"{column}\" is known only after treatment start (it depends on later \
                 events such as response, progression or death), so as a fixed covariate of survival from treatment \
                 start it credits the time before it was known to its final value. Use a landmark, or enter it as a \
                 time-varying covariate (Cox regression's \"Time-varying status\", switching on at the date it becomes \
                 known)."
            ),
        };
    }
    let remedies = "Cox regression with resistance as a \"Time-varying status\", or post-progression survival \
                    (pps columns, measured from progression).";
    match (role, landmark) {
        (ImmortalTimeRole::Group, None) => format!(
            "Caution, immortal-time bias: resistance groups are defined by events after treatment start (a patient \
             must live 6 months without progression to be called secondary resistance or durable response), so \
             comparing survival from treatment start between them favours the later groups. Use a landmark \
             (\"Landmark at\", with groups known by then), {remedies}"
        ),
        (ImmortalTimeRole::Group, Some(_)) => format!(
            "Caution, immortal-time bias remains: a landmark removes it only for groups known by the landmark, and \
             resistance groups can be decided after it (secondary resistance needs a progression after 6 months of \
             benefit, whenever that comes), so the later groups are still favoured. Prefer {remedies}"
        ),
        (ImmortalTimeRole::Covariate, _) => format!(
            "Caution, immortal-time bias: \"{column}\" is defined by events after treatment start (a patient must live \
             6 months without progression to be called secondary resistance or durable response), so as a fixed \
             covariate of survival from treatment start it favours the later groups. Model post-progression survival \
             (pps columns), use a landmark, or enter resistance as a time-varying covariate (Cox regression's \"Time-varying status\", \
             switching on at the progression date)."
        ),
    }
}

/// A logistic term quoted for a sentence; the intercept is named in words.
fn quoted_term(name: &str) -> String {
    if name == INTERCEPT {
        "the intercept".to_string()
    } else {
        format!("'{name}'")
    }
}

/// Quoted terms as "'a', 'b' and 'c'".
fn term_list(names: &[String]) -> String {
    let q: Vec<String> = names.iter().map(|n| quoted_term(n)).collect();
    match q.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [first @ .., last] => format!("{} and {last}", first.join(", ")),
    }
}

fn side(s: Side) -> &'static str {
    match s {
        Side::Lower => "lower",
        Side::Upper => "upper",
    }
}

/// The sentence of a kernel's warning.
fn kernel_message(w: &KernelWarning) -> String {
    match w {
        KernelWarning::EmptyGroup { group, method } => match method {
            GroupedMethod::KaplanMeier => format!("Group \"{group}\" has no patients; its curve is empty."),
            GroupedMethod::Logrank => format!("Group \"{group}\" has no patients and is left out of the test."),
            GroupedMethod::KSample => format!("Group \"{group}\" has no values and is left out of the tests."),
            GroupedMethod::Rates => format!("Group \"{group}\" has no evaluated patients and is left out."),
            GroupedMethod::CumulativeIncidence => {
                format!("Group \"{group}\" has no patients; its cumulative incidence curves are empty.")
            }
        },
        KernelWarning::MedianNotReached { curve, quantity } => format!(
            "{} not reached for \"{curve}\": the curve stays above 0.5.",
            match quantity {
                MedianOf::Survival => "Median survival",
                MedianOf::FollowUp => "Median follow-up",
            }
        ),
        KernelWarning::QuantileNotReached { curve, prob } => format!(
            "\"{curve}\": the survival curve stays above {}, so the {} percentile of survival time is not reached.",
            1.0 - prob,
            prob * 100.0
        ),
        KernelWarning::RmstBeyondFollowUp { curve, tau, last_time } => format!(
            "\"{curve}\": the RMST horizon {tau} is beyond the last follow-up time {last_time}; survival is held at its last value up to {tau}."
        ),
        KernelWarning::RmstDifferenceWithoutSe { .. } => {
            "Neither curve has an event before the horizon, so the RMST difference has no standard error and no test."
                .to_string()
        }
        KernelWarning::GeneralisedInverse => {
            "The variance matrix is singular (a group contributes no information); a generalised inverse was used."
                .to_string()
        }
        KernelWarning::PairNotComparable { group_a, group_b } => format!(
            "\"{group_a}\" vs \"{group_b}\" cannot be compared (no events, or a group without patients at risk at event times)."
        ),
        KernelWarning::CollinearCovariate { term } => format!(
            "Covariate '{term}' is collinear with the other covariates (X matrix deemed singular); its coefficient is not estimable (NA)."
        ),
        KernelWarning::InfiniteCoefficient { term: Some(term), converged } => format!(
            "{} '{term}'; its coefficient may be infinite (e.g. no events in one group), so its hazard ratio, CI and Wald p-value are not meaningful. Use the likelihood-ratio test or a penalised (Firth) Cox model.",
            if *converged { "Loglik converged before variable" } else { "The iterations ran out while still moving variable" }
        ),
        KernelWarning::InfiniteCoefficient { term: None, .. } => {
            "One or more coefficients may be infinite (a group with no events, or complete separation).".to_string()
        }
        KernelWarning::NotConverged { method, max_iter } => match method {
            FitMethod::Cox => format!("The fit did not converge in {max_iter} iterations; estimates may be unreliable."),
            FitMethod::Logistic => format!(
                "The fit did not converge in {max_iter} iterations (R: 'glm.fit: algorithm did not converge'); the \
                 estimates are not reliable. Increase max_iter or check for separation."
            ),
            FitMethod::Firth => {
                format!("The Firth fit did not converge in {max_iter} iterations; increase firth_max_iter.")
            }
            FitMethod::FineGray => format!(
                "The Fine–Gray fit did not converge in {max_iter} iterations (cmprsk's crr would report converged = \
                 FALSE); the estimates are not reliable."
            ),
        },
        KernelWarning::ConcordanceUndefined => "No comparable pairs: the concordance is undefined.".to_string(),
        KernelWarning::ZphLogOfZeroTime => {
            "The log transform needs positive times; some times are 0, so the test is undefined.".to_string()
        }
        KernelWarning::ZphAliasedLeftOut => {
            "Columns with NA (aliased) coefficients were left out of the PH test.".to_string()
        }
        KernelWarning::AliasedTerm { term, reason } => {
            let tail = "so its coefficient cannot be estimated; it was dropped from the model (R reports NA).";
            match reason {
                AliasReason::Zero => format!("Term '{term}' is zero in every row, {tail}"),
                AliasReason::Constant { value } => format!(
                    "Term '{term}' has the same value ({value}) in every row, so it is collinear with the intercept; {tail}"
                ),
                AliasReason::LinearCombination { of } => format!(
                    "Term '{term}' is an exact linear combination of {} (collinear), {tail} Remove one of these terms \
                     or merge categories.",
                    if of.is_empty() { "earlier terms".to_string() } else { term_list(of) }
                ),
            }
        }
        KernelWarning::Separation { kind, terms } => {
            let list = term_list(terms);
            let one = terms.len() == 1;
            let (what, verb, s) = if one { ("coefficient", "is", "s") } else { ("coefficients", "are", "") };
            match kind {
                SeparationKind::Complete => format!(
                    "Complete separation: {list} perfectly predict{s} the outcome, so the maximum-likelihood {what} \
                     {verb} infinite. The coefficients, odds ratios and standard errors shown are arbitrary values \
                     where the iterations stopped, not estimates. Use Firth's penalised logistic regression \
                     (method = firth) for finite estimates."
                ),
                SeparationKind::QuasiComplete => format!(
                    "Quasi-complete separation: {list} perfectly predict{s} the outcome in part of the data, so the \
                     maximum-likelihood {what} {verb} infinite. The values shown for {} are arbitrary values where the \
                     iterations stopped, not estimates. Use Firth's penalised logistic regression (method = firth) \
                     for finite estimates.",
                    if one { "it" } else { "them" }
                ),
            }
        }
        KernelWarning::CoefficientsStillChanging { terms } if terms.is_empty() => {
            "The fit could not be confirmed to have converged to a finite maximum when it was \
             continued past R's convergence criterion; the estimates may be unreliable (possible \
             separation or near-collinearity)."
                .to_string()
        }
        KernelWarning::CoefficientsStillChanging { terms } => format!(
            "The coefficients of {} kept changing when the fit was continued past R's convergence \
             criterion, which suggests separation (an outcome perfectly predicted by these terms); the \
             estimates may be arbitrary. Consider Firth's penalised logistic regression (method = firth).",
            term_list(terms)
        ),
        KernelWarning::FittedProbabilitiesExtreme => "Fitted probabilities numerically 0 or 1 occurred (R: 'glm.fit: fitted probabilities \
                 numerically 0 or 1 occurred'); check for near-separation."
            .to_string(),
        KernelWarning::SingularInformation => "The information matrix is numerically singular at the estimates, so some standard errors \
             cannot be computed."
            .to_string(),
        KernelWarning::ProfileIntervalsSkipped => "Profile-likelihood intervals were not computed because the maximum-likelihood fit did \
                 not converge to finite estimates."
            .to_string(),
        KernelWarning::ProfileLimitUnbounded { term, side: s } => format!(
            "The profile likelihood for '{term}' never reaches the confidence bound on the {} side: \
             that limit is infinite and is left empty.",
            side(*s)
        ),
        KernelWarning::ProfileLimitFailed { term, side: s } => format!(
            "The {} profile-likelihood limit for '{term}' could not be computed; use the Wald interval.",
            side(*s)
        ),
        KernelWarning::FirthNullModelFailed => {
            "The penalised null model could not be fitted; the overall test is not available.".to_string()
        }
        KernelWarning::PenalizedLrTestFailed { term } => {
            format!("The penalised likelihood-ratio test for '{term}' could not be computed.")
        }
        KernelWarning::ExactPWithTies => {
            "The exact p-value cannot be computed with tied values; the normal approximation is used.".to_string()
        }
        KernelWarning::ExactPTooLarge => {
            "The groups are too large for the exact p-value; the normal approximation is used.".to_string()
        }
        KernelWarning::TestNotComputed { test, error } => format!(
            "{} not computed: {error}",
            match test {
                KSampleTest::KruskalWallis => "Kruskal–Wallis test",
                KSampleTest::Anova => "ANOVA",
                KSampleTest::WelchAnova => "Welch's ANOVA",
                KSampleTest::WilcoxonRankSum => "Wilcoxon rank sum test",
                KSampleTest::WelchT => "Welch t-test",
            }
        ),
        KernelWarning::TooFewGroupsToCompare => "Fewer than two groups have patients; no comparison is made.".to_string(),
        KernelWarning::SameOutcomeForAll => {
            "Every patient has the same outcome; the groups cannot be compared.".to_string()
        }
        KernelWarning::EmptyRowOrColumn { axis, label } => format!(
            "{} \"{label}\" has no patients and was left out of the test.",
            match axis {
                TableAxis::Row => "Row",
                TableAxis::Column => "Column",
            }
        ),
        KernelWarning::SmallExpectedCounts { cells, min_expected } => format!(
            "Chi-squared approximation may be inaccurate: {cells} cell(s) have an expected count below 5 (smallest {min_expected:.2}); Fisher's exact test is preferable."
        ),
        KernelWarning::FisherSimulated { n_rows, n_cols, n, replicates } => format!(
            "Fisher's exact test for this {n_rows} x {n_cols} table of {n} patients is beyond the budget of the exact \
             computation; its p-value is estimated from {replicates} random tables with the same margins (as R's \
             fisher.test(simulate.p.value = TRUE)), with a Monte Carlo standard error of at most {}.",
            format::number(0.5 / (*replicates as f64).sqrt(), 3)
        ),
    }
}
