//! Kaplan–Meier request: survfit-style curves, medians with CIs, the
//! log-rank test (survdiff) when grouped, the summary table and the plot.

use super::landmark::{self, LandmarkSummary};
use super::DisplayTable;
use crate::analysis_set::{self, rows_of, AnalysisSet, Filter};
use crate::dates::TimeUnit;
use crate::derive::formulas_text;
use crate::format;
use crate::labels::{self, Labels};
use crate::plot::figure::{
    CiStyle, EndpointName, KmFigure, PrintSpec, RiskTableLayout, SizePreset, SurvivalScale,
};
use crate::plot::km::{KmPlot, KmPlotCurve};
use crate::plot::{month_ticks, nice_ticks};
use crate::presets::{self, PresetReport, PresetSetting, Program};
use crate::provenance;
use crate::summary::{distinct_values, MAX_LISTED_VALUES};
use crate::table::{self, DroppedRows, SurvivalColumns, Table};
use crate::warning::{ImmortalTimeRole, Warning};
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};
use std::borrow::Cow;
use survcalc_stats::km::{
    self, ConfType, Grouping, KmCurve, KmFit, KmOptions, MedianCiMethod, MedianEstimate,
};
use survcalc_stats::logrank::{
    self, LogrankError, LogrankFit, LogrankInput, LogrankOptions, LogrankTrend, PAdjust,
    PairwiseLogrank, PairwiseOptions,
};
use survcalc_stats::tally::TimeTallies;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KmRequest {
    pub time: String,
    pub event: String,
    /// Values of the event column meaning "event".
    pub event_values: Vec<String>,
    /// Values meaning "censored"; when absent, every other value present in
    /// the column (at most 20 distinct values).
    pub censor_values: Option<Vec<String>>,
    pub group: Option<String>,
    /// The unit of the time column, if known (used in labels).
    pub time_unit: Option<TimeUnit>,
    /// Show times in this unit (needs `time_unit`).
    pub display_unit: Option<TimeUnit>,
    pub conf_type: ConfType,
    pub conf_level: f64,
    /// Survival at these times (in the displayed unit), e.g. 12, 24, 36
    /// months for the 1-, 2- and 3-year rates.
    pub times: Vec<f64>,
    /// Restricted mean survival time up to tau (displayed unit); with two
    /// groups also their difference.
    pub rmst_tau: Option<f64>,
    /// Fleming–Harrington weight S(t-)^rho: 0 = log-rank (R's default),
    /// 1 = Peto–Peto.
    pub rho: f64,
    /// Stratify the group comparison by this column (survdiff + strata()).
    pub strata: Option<String>,
    /// Test for trend across the groups in their level order (scores 1..k).
    pub trend: bool,
    /// Pairwise comparisons with this correction ("holm", "bh",
    /// "bonferroni", "none"); absent = none computed.
    pub pairwise: Option<PAdjust>,
    /// Landmark analysis at this time (displayed unit): only patients with
    /// follow-up beyond it, times measured from it; absent = none.
    pub landmark: Option<f64>,
    /// Which RMST difference to report, as `[group, reference]`: the RMST
    /// of `group` minus that of `reference` (needs `rmst_tau`). Absent:
    /// with exactly two groups, the second level minus the first, as
    /// survRM2's `rmst2` reports arm = 1 minus arm = 0; with more groups,
    /// no difference.
    pub rmst_contrast: Option<Vec<String>>,
    /// How the figure looks and prints (labels, ticks, risk table, size).
    pub figure: KmFigure,
    /// Only the patients of this analysis set (see [`Filter`]).
    pub filter: Option<Filter>,
    /// Variable labels (column -> label): the group column's label titles
    /// the legend unless `figure.legend_title` is given, and heads the group
    /// column of the summary, survival-at-times and RMST tables.
    pub labels: Labels,
    /// How the median's CI is computed: "band" (where the drawn band crosses
    /// 0.5, R's), Brookmeyer–Crowley on the "log", "log-log" or "plain"
    /// scale, or "symmetric" (median ± z·SE, SPSS's).
    pub median_ci: MedianCiMethod,
    /// Match another program's defaults: sets `conf_type`, `median_ci` and
    /// `rho` (overriding them) and reports what it set.
    pub preset: Option<Program>,
}

impl KmRequest {
    /// The request with a "match another program" preset applied: the
    /// settings the analysis runs with and the methods paragraph describes.
    pub fn resolved(&self) -> std::borrow::Cow<'_, Self> {
        match self.preset {
            None => std::borrow::Cow::Borrowed(self),
            Some(program) => std::borrow::Cow::Owned({
                let d = presets::defaults(program);
                KmRequest {
                    conf_type: d.km_conf_type,
                    median_ci: d.median_ci,
                    rho: d.logrank_rho,
                    ..self.clone()
                }
            }),
        }
    }
}

impl Default for KmRequest {
    fn default() -> Self {
        KmRequest {
            time: String::new(),
            event: String::new(),
            event_values: Vec::new(),
            censor_values: None,
            group: None,
            time_unit: None,
            display_unit: None,
            conf_type: ConfType::Log,
            conf_level: 0.95,
            times: Vec::new(),
            rmst_tau: None,
            rho: 0.0,
            strata: None,
            trend: false,
            pairwise: None,
            landmark: None,
            rmst_contrast: None,
            figure: KmFigure::default(),
            filter: None,
            labels: Labels::new(),
            median_ci: MedianCiMethod::Band,
            preset: None,
        }
    }
}

/// The median of one curve with its CI by the request's `median_ci`.
#[derive(Debug, Clone, Serialize)]
pub struct CurveMedian {
    /// The curve's group value ("All patients" for the overall curve); the
    /// tables print the group's `figure.group_labels` name.
    pub label: String,
    #[serde(flatten)]
    pub estimate: MedianEstimate,
}

/// Survival of one curve at the requested times, as R's `summary(fit,
/// times = ..., extend = TRUE)`: the numbers of `at_times_table`.
#[derive(Debug, Clone, Serialize)]
pub struct SurvivalAtTimes {
    /// The curve's group value ("All patients" for the overall curve); the
    /// tables print the group's `figure.group_labels` name.
    pub label: String,
    /// The requested times (displayed unit, from the landmark if any), ascending.
    pub time: Vec<f64>,
    pub n_risk: Vec<usize>,
    pub surv: Vec<f64>,
    /// Greenwood SE of S (`summary()$std.err`); `null` where R gives NaN.
    pub se: Vec<Option<f64>>,
    /// Pointwise limits at the request's `conf_level` and `conf_type`.
    pub lower: Vec<Option<f64>>,
    pub upper: Vec<Option<f64>>,
}

/// Restricted mean survival time of one curve up to `tau`: R's `rmean`
/// and `se(rmean)` of `print(survfit(...), rmean = tau)` (survival's
/// survmean, after Miller 1981). R prints no interval; `lower` and `upper`
/// are the Wald interval estimate ± z·se at the request's `conf_level`, as
/// survRM2's `rmst2` gives per arm.
#[derive(Debug, Clone, Serialize)]
pub struct RmstEstimate {
    /// The curve's group value ("All patients" for the overall curve); the
    /// tables print the group's `figure.group_labels` name.
    pub label: String,
    pub tau: f64,
    pub estimate: f64,
    pub se: f64,
    pub conf_level: f64,
    pub lower: f64,
    pub upper: f64,
}

/// RMST of `group` minus RMST of `reference` up to `tau`: SE =
/// sqrt(se_group² + se_reference²) (independent groups), Wald interval
/// estimate ± z·se and two-sided normal p, as survRM2's `rmst2` row
/// "RMST (arm=1)-(arm=0)" with `group` as arm 1.
#[derive(Debug, Clone, Serialize)]
pub struct RmstContrast {
    pub group: String,
    pub reference: String,
    pub tau: f64,
    pub estimate: f64,
    pub se: f64,
    /// `null` when both SEs are 0 (no event before `tau`): no test.
    pub z: Option<f64>,
    pub conf_level: f64,
    pub lower: f64,
    pub upper: f64,
    pub p: Option<f64>,
}

/// Median follow-up by the reverse Kaplan–Meier method (Schemper & Smith
/// 1996) with its CI: the numbers of `follow_up_text`; `null` where not
/// reached or undefined.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUp {
    pub median: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct KmResult {
    pub fit: KmFit,
    pub logrank: Option<LogrankFit>,
    pub summary_table: DisplayTable,
    /// Survival at the requested times, per curve (empty when none asked).
    pub at_times_table: Option<DisplayTable>,
    pub rmst_table: Option<DisplayTable>,
    /// Difference in RMST between two groups, when there are exactly two.
    pub rmst_difference_text: Option<String>,
    /// Median follow-up by the reverse Kaplan–Meier method.
    pub follow_up_text: String,
    pub test_text: Option<String>,
    pub trend: Option<LogrankTrend>,
    pub trend_text: Option<String>,
    pub pairwise: Option<PairwiseLogrank>,
    pub pairwise_table: Option<DisplayTable>,
    pub settings_text: String,
    pub plot: KmPlot,
    /// Who the landmark kept and excluded, when one was asked for.
    pub landmark: Option<LandmarkSummary>,
    /// Patients in the analysis (after the landmark, when one is set).
    pub n_used: usize,
    pub dropped: Vec<DroppedRows>,
    pub warnings: Vec<Warning>,
    /// Survival at the requested times, per curve (empty when none asked).
    pub survival_at_times: Vec<SurvivalAtTimes>,
    /// RMST per curve up to `rmst_tau` (empty when not asked).
    pub rmst: Vec<RmstEstimate>,
    /// The RMST difference chosen by `rmst_contrast` (or the default).
    pub rmst_difference: Option<RmstContrast>,
    /// The median follow-up of `follow_up_text`.
    pub follow_up: Option<FollowUp>,
    /// With `figure.show_hr` and two or more groups: each group's hazard
    /// ratio against the reference, as printed on the figure.
    pub hazard_ratios: Vec<GroupHazardRatio>,
    /// The analysis set the patients were restricted to (`filter`).
    pub analysis_set: Option<AnalysisSet>,
    /// Each curve's median and CI by `median_ci` (the summary table's).
    pub medians: Vec<CurveMedian>,
    /// What a `preset` set, when one was chosen.
    pub preset: Option<PresetReport>,
}

/// Group codes of the analysed patients and the labels they index.
type GroupCodes<'a> = (Cow<'a, [usize]>, Cow<'a, [String]>);

fn conf_type_text(c: ConfType) -> &'static str {
    match c {
        ConfType::Log => "log transform (R's default)",
        ConfType::LogLog => "log-log transform (Stata's and Prism's default)",
        ConfType::Plain => "plain (untransformed) scale",
    }
}

/// Groups defined by what happens after treatment starts (resistance needs
/// progression, secondary resistance needs months without it) compared on
/// times not measured from the event that settles them: the immortal-time
/// trap (docs/domain.md). The columns' provenance decides, whatever their
/// names. A landmark does not settle it for groups that can be decided
/// after any fixed landmark, so the note then says so.
fn immortal_time_note(table: &Table, request: &KmRequest) -> Option<Warning> {
    let group = table.column(request.group.as_deref()?)?;
    let derived = group.derived.as_ref()?;
    let time = table.column(&request.time).and_then(|c| c.derived.as_ref());
    provenance::immortal_time(Some(derived), time).then(|| Warning::ImmortalTime {
        column: group.name.clone(),
        derived: derived.column,
        time_column: request.time.clone(),
        role: ImmortalTimeRole::Group,
        landmark: request.landmark,
    })
}

pub fn run(table: &Table, request: &KmRequest) -> Result<KmResult, String> {
    let resolved = request.resolved();
    let request: &KmRequest = &resolved;
    request.figure.check()?;
    let censor_values = match &request.censor_values {
        Some(v) => v.clone(),
        None => {
            let column = table.require(&request.event).map_err(|e| e.to_string())?;
            let values = distinct_values(column, MAX_LISTED_VALUES).ok_or_else(|| {
                format!(
                    "Column \"{}\" has more than {MAX_LISTED_VALUES} different values; an event column holds a few codes such as 0/1 or alive/dead.",
                    column.name
                )
            })?;
            values
                .into_iter()
                .filter(|v| !request.event_values.iter().any(|e| e.trim() == v))
                .collect()
        }
    };
    let spec = SurvivalColumns {
        time: request.time.clone(),
        event: request.event.clone(),
        event_values: request.event_values.clone(),
        censor_values: censor_values.clone(),
        group: request.group.clone().filter(|g| !g.is_empty()),
    };
    let selection = analysis_set::select_optional(table, request.filter.as_ref())?;
    let input = table::survival_input_among(table, &spec, rows_of(&selection))
        .map_err(|e| e.to_string())?;
    super::check_group_count(input.group.as_ref(), input.time.len())?;
    let set = analysis_set::set_of(&selection);

    let (unit, factor) = match (request.time_unit, request.display_unit) {
        (Some(from), Some(to)) => (Some(to), from.days() / to.days()),
        (from, _) => (from, 1.0),
    };
    let mut time: Vec<f64> = if factor == 1.0 {
        input.time.clone()
    } else {
        input.time.iter().map(|t| t * factor).collect()
    };
    let unit_label = unit.map(|u| u.label());

    // The landmark is on the displayed time scale, as `times` and `rmst_tau`;
    // everything below sees only the patients it keeps, timed from it.
    let mut event: Cow<[bool]> = Cow::Borrowed(&input.event);
    let mut rows: Cow<[usize]> = Cow::Borrowed(&input.rows);
    let mut groups: Option<GroupCodes> = input.group.as_ref().map(|g| {
        (
            Cow::Borrowed(g.codes.as_slice()),
            Cow::Borrowed(g.labels.as_slice()),
        )
    });
    let landmark = match request.landmark {
        None => None,
        Some(at) => {
            let group_slices = groups
                .as_ref()
                .map(|(codes, labels)| (codes.as_ref(), labels.as_ref()));
            let sample = landmark::select(at, &time, &event, &rows, group_slices, unit_label)
                .map_err(|e| e.to_string())?;
            time = sample.time;
            event = Cow::Owned(sample.event);
            rows = Cow::Owned(sample.rows);
            groups = sample
                .codes
                .map(|codes| (Cow::Owned(codes), Cow::Owned(sample.labels)));
            Some(sample.summary)
        }
    };
    let event: &[bool] = &event;

    let grouping = groups
        .as_ref()
        .map(|(codes, labels)| Grouping { codes, labels });
    let options = KmOptions {
        conf_type: request.conf_type,
        conf_level: request.conf_level,
        include_overall: grouping.is_some(),
    };
    // Sorted once: the curves, the follow-up, the tests and the hazard
    // ratios all read these tallies.
    let tallies = TimeTallies::new(&time, event, grouping.as_ref()).map_err(|e| e.to_string())?;
    let fit = km::fit_tallied(&tallies, grouping.as_ref().map(|g| g.labels), &options)
        .map_err(|e| e.to_string())?;

    // The table layer already words each dropped-row count as a warning.
    let mut warnings: Vec<Warning> = input.warnings.clone();
    if let Some(note) = super::censoring_codes_note(
        &request.event,
        &request.event_values,
        &request.censor_values,
        &censor_values,
    ) {
        warnings.insert(0, note);
    }
    if let Some(note) = immortal_time_note(table, request) {
        warnings.insert(0, note);
    }
    if let Some(note) = set.as_ref().and_then(AnalysisSet::left_out_warning) {
        warnings.insert(0, note);
    }
    if let Some(l) = &landmark {
        warnings.extend(l.warnings(unit_label));
    }
    warnings.extend(Warning::from_kernel(&fit.warnings));

    // Strata codes (for the stratified test only), aligned with the used rows.
    let strata = match request.strata.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(name) => {
            let column = table::categorical_column(table, name).map_err(|e| e.to_string())?;
            let mut codes = Vec::with_capacity(rows.len());
            for &row in rows.iter() {
                match column.codes.get(row).copied().flatten() {
                    Some(c) => codes.push(c as usize),
                    None => {
                        return Err(format!(
                            "Column \"{name}\", line {}: the stratum is missing; stratified tests need it for every patient.",
                            table.line_of(row).unwrap_or(0)
                        ))
                    }
                }
            }
            Some((codes, column.levels.clone(), name.to_string()))
        }
    };
    let strata_grouping = strata
        .as_ref()
        .map(|(codes, labels, _)| Grouping { codes, labels });
    // Every table and text names a group as the legend does (its
    // `figure.group_labels` name); the results' own fields keep the value
    // in the data, which the page and the R script look curves up by.
    let shown_group =
        |level: &str| labels::label_of(&request.figure.group_labels, level).to_string();
    let test_options = LogrankOptions {
        rho: request.rho,
        ..LogrankOptions::default()
    };
    let test_name = if request.rho == 0.0 {
        "Log-rank test".to_string()
    } else if request.rho == 1.0 {
        "Peto–Peto test (rho = 1)".to_string()
    } else {
        format!("Fleming–Harrington test (rho = {})", request.rho)
    };
    let logrank = match &grouping {
        Some(g) if g.labels.len() >= 2 => {
            let test = match strata_grouping {
                None => logrank::fit_tallied(&tallies, g.labels, &test_options),
                Some(strata) => logrank::fit(
                    &LogrankInput {
                        time: &time,
                        event,
                        groups: *g,
                        strata: Some(strata),
                    },
                    &test_options,
                ),
            };
            match test {
                Ok(lr) => {
                    warnings.extend(Warning::from_kernel(&lr.warnings));
                    Some(lr)
                }
                // No event, or events in one group's risk set only: the
                // curves stand, only the comparison is undefined.
                Err(e @ (LogrankError::NoEvents | LogrankError::NoComparison)) => {
                    warnings.push(Warning::GroupTestNotComputed {
                        error: e.to_string(),
                    });
                    None
                }
                Err(e) => return Err(e.to_string()),
            }
        }
        _ => None,
    };
    let test_text = logrank.as_ref().map(|lr| {
        format!(
            "{test_name}{}: {}",
            strata
                .as_ref()
                .map(|(_, _, n)| format!(", stratified by {n}"))
                .unwrap_or_default(),
            format::chi_square(lr.chisq, lr.df, lr.p)
        )
    });
    let trend = match (&logrank, request.trend) {
        (Some(lr), true) if lr.groups.len() >= 3 => {
            Some(logrank::trend(lr, None).map_err(|e| e.to_string())?)
        }
        (Some(_), true) => {
            warnings.push(Warning::TrendNeedsThreeGroups);
            None
        }
        _ => None,
    };
    let trend_text = trend.as_ref().map(|t| {
        format!(
            "Test for trend across {} (scores 1 to {} in level order): {}",
            t.groups
                .iter()
                .map(|g| shown_group(g))
                .collect::<Vec<_>>()
                .join(" < "),
            t.groups.len(),
            format::chi_square(t.chisq, 1, t.p)
        )
    });
    let pairwise = match (&grouping, request.pairwise) {
        (Some(g), Some(adjust)) if g.labels.len() >= 3 && logrank.is_some() => Some(
            logrank::pairwise_tallied(
                &tallies,
                g.labels,
                &PairwiseOptions {
                    rho: request.rho,
                    gamma: 0.0,
                    p_adjust: adjust,
                },
            )
            .map_err(|e| e.to_string())?,
        ),
        _ => None,
    };
    let pairwise_table = pairwise.as_ref().map(|pw| DisplayTable {
        header: vec![
            "Comparison".into(),
            "χ²".into(),
            "p".into(),
            format!(
                "p ({})",
                match pw.p_adjust {
                    PAdjust::Holm => "Holm",
                    PAdjust::Bh => "Benjamini–Hochberg",
                    PAdjust::Bonferroni => "Bonferroni",
                    PAdjust::None => "not adjusted",
                }
            ),
        ],
        rows: pw
            .comparisons
            .iter()
            .map(|c| {
                vec![
                    format!("{} vs {}", shown_group(&c.group_a), shown_group(&c.group_b)),
                    c.chisq.map_or_else(|| "—".into(), |x| format::number(x, 2)),
                    format::p_value_or_dash(c.p),
                    format::p_value_or_dash(c.p_adjusted),
                ]
            })
            .collect(),
        numeric_columns: vec![1, 2, 3],
    });

    let max_time = time.iter().copied().fold(0.0_f64, f64::max);
    let decimals = format::decimals_for(max_time);
    let level = format::level_percent(request.conf_level);
    // The group column's label heads the tables' group column, as it titles the legend.
    let group_name = input
        .group
        .as_ref()
        .map(|g| labels::label_of(&request.labels, &g.column).to_string());
    // With a landmark, every time shown is counted from it; say so where shown.
    let from_landmark = if landmark.is_some() {
        " from landmark"
    } else {
        ""
    };
    let after_landmark = if landmark.is_some() {
        " after the landmark"
    } else {
        ""
    };

    let medians: Vec<(Option<usize>, MedianEstimate)> = fit
        .curves
        .iter()
        .map(|c| {
            c.median_ci(request.median_ci, request.conf_level)
                .map(|m| (c.group, m))
        })
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let summary_table = DisplayTable {
        header: vec![
            group_name.clone().unwrap_or_else(|| "Patients".into()),
            "n".into(),
            "Events".into(),
            match unit_label {
                Some(u) => format!("Median{from_landmark}, {u} ({level}% CI)"),
                None => format!("Median{from_landmark} ({level}% CI)"),
            },
        ],
        rows: fit
            .curves
            .iter()
            .map(|c| {
                vec![
                    if c.group.is_none() {
                        "All patients".to_string()
                    } else {
                        shown_group(&c.label)
                    },
                    c.n.to_string(),
                    c.events.to_string(),
                    medians
                        .iter()
                        .find(|m| m.0 == c.group)
                        .map_or_else(String::new, |(_, m)| {
                            format::median_ci(m.median, m.lower, m.upper, decimals)
                        }),
                ]
            })
            .collect(),
        numeric_columns: vec![1, 2, 3],
    };

    // Each curve's key in the results (its group value, "All patients" for
    // the overall curve) and its name in the tables.
    let shown_curves = || {
        fit.curves.iter().map(|c| match c.group {
            None => ("All patients".to_string(), "All patients".to_string(), c),
            Some(_) => (c.label.clone(), shown_group(&c.label), c),
        })
    };
    let unit_suffix = unit_label.map(|u| format!(" {u}")).unwrap_or_default();

    // A time that cannot be reported is refused, not dropped: a silently
    // missing row of the table would read as "no survival asked there".
    if let Some(&bad) = request
        .times
        .iter()
        .find(|t| !(t.is_finite() && **t >= 0.0))
    {
        return Err(format!(
            "Option \"times\": survival is reported at times of 0 or more (in the unit the times are shown in); {} is not.",
            crate::format::given(bad)
        ));
    }
    let mut times: Vec<f64> = request.times.clone();
    survcalc_stats::sort::floats(&mut times);
    times.dedup();
    let mut survival_at_times = Vec::new();
    let at_times_table = if times.is_empty() {
        None
    } else {
        let mut rows = Vec::new();
        for (label, shown, c) in shown_curves() {
            let at = c.at_times(&times).map_err(|e| e.to_string())?;
            survival_at_times.push(SurvivalAtTimes {
                label: label.clone(),
                time: at.time.clone(),
                n_risk: at.n_risk.clone(),
                surv: at.surv.clone(),
                se: at.std_err_surv.clone(),
                lower: at.lower.clone(),
                upper: at.upper.clone(),
            });
            for i in 0..at.time.len() {
                rows.push(vec![
                    shown.clone(),
                    format!(
                        "{}{unit_suffix}",
                        format::number(at.time[i], format::decimals_for(at.time[i]).min(2))
                    ),
                    at.n_risk[i].to_string(),
                    format!("{}%", format::number(100.0 * at.surv[i], 1)),
                    match (at.lower[i], at.upper[i]) {
                        (Some(l), Some(u)) => format!(
                            "{}–{}%",
                            format::number(100.0 * l, 1),
                            format::number(100.0 * u, 1)
                        ),
                        _ => "—".to_string(),
                    },
                ]);
            }
        }
        Some(DisplayTable {
            header: vec![
                group_name.clone().unwrap_or_else(|| "Patients".into()),
                if landmark.is_some() {
                    "Time since landmark".into()
                } else {
                    "Time".into()
                },
                "At risk".into(),
                "Survival".into(),
                format!("{level}% CI"),
            ],
            rows,
            numeric_columns: vec![1, 2, 3, 4],
        })
    };

    if request.rmst_contrast.is_some() && request.rmst_tau.is_none() {
        return Err("Option \"rmst_contrast\" chooses which RMST difference to report: set \"rmst_tau\" (the horizon) too.".to_string());
    }
    let mut rmst = Vec::new();
    let mut rmst_difference = None;
    let (rmst_table, rmst_difference_text) = match request.rmst_tau {
        Some(tau) if tau.is_finite() && tau > 0.0 => {
            let z = rmst_z(request.conf_level)?;
            let mut rows = Vec::new();
            for (label, shown, c) in shown_curves() {
                let r = c.rmst(tau).map_err(|e| e.to_string())?;
                warnings.extend(Warning::from_kernel(&r.warnings));
                rows.push(vec![
                    shown,
                    format::number(r.rmean, decimals.max(1)),
                    format::number(r.se_rmean, decimals.max(1) + 1),
                ]);
                rmst.push(RmstEstimate {
                    label,
                    tau,
                    estimate: r.rmean,
                    se: r.se_rmean,
                    conf_level: request.conf_level,
                    lower: r.rmean - z * r.se_rmean,
                    upper: r.rmean + z * r.se_rmean,
                });
            }
            let groups: Vec<&KmCurve> = fit.curves.iter().filter(|c| c.group.is_some()).collect();
            let difference = match rmst_pair(
                &groups,
                request.rmst_contrast.as_deref(),
                landmark.as_ref(),
            )? {
                Some((a, b)) => {
                    let d = km::rmst_difference(a, b, tau, request.conf_level)
                        .map_err(|e| e.to_string())?;
                    warnings.extend(Warning::from_kernel(&d.warnings));
                    let text = format!(
                        "RMST difference ({} − {}) up to {}{unit_suffix}{after_landmark}: {}{unit_suffix} ({level}% CI {} to {}), {}",
                        shown_group(&a.label),
                        shown_group(&b.label),
                        format::number(tau, format::decimals_for(tau).min(2)),
                        format::number(d.difference, decimals.max(1)),
                        format::number(d.lower, decimals.max(1)),
                        format::number(d.upper, decimals.max(1)),
                        d.p.map_or_else(|| "p not computable".to_string(), format::p_phrase)
                    );
                    rmst_difference = Some(RmstContrast {
                        group: a.label.clone(),
                        reference: b.label.clone(),
                        tau,
                        estimate: d.difference,
                        se: d.se,
                        z: d.z,
                        conf_level: d.conf_level,
                        lower: d.lower,
                        upper: d.upper,
                        p: d.p,
                    });
                    Some(text)
                }
                None => None,
            };
            let table = DisplayTable {
                header: vec![
                    group_name.clone().unwrap_or_else(|| "Patients".into()),
                    format!(
                        "RMST up to {}{unit_suffix}{after_landmark}",
                        format::number(tau, format::decimals_for(tau).min(2))
                    ),
                    "SE".into(),
                ],
                rows,
                numeric_columns: vec![1, 2],
            };
            (Some(table), difference)
        }
        Some(tau) => {
            return Err(format!(
                "The RMST horizon must be a positive time; {} is not.",
                crate::format::given(tau)
            ))
        }
        None => (None, None),
    };

    let follow = km::reverse_km_follow_up_tallied(
        &tallies,
        None,
        &KmOptions {
            include_overall: false,
            ..options.clone()
        },
    )
    .map_err(|e| e.to_string())?;
    let follow_up_text = match follow.curves.first() {
        Some(f) => format!(
            "Median follow-up{after_landmark} (reverse Kaplan–Meier): {}{unit_suffix}.",
            format::median_ci(f.median.quantile, f.median.lower, f.median.upper, decimals)
        ),
        None => String::new(),
    };
    let follow_up = follow.curves.first().map(|f| FollowUp {
        median: f.median.quantile,
        lower: f.median.lower,
        upper: f.median.upper,
    });

    let figure = &request.figure;
    let ticks = figure_ticks(figure, unit, max_time);
    let x_max = figure
        .x_max
        .unwrap_or(0.0)
        .max(ticks.last().copied().unwrap_or(1.0));
    let mut curves = Vec::new();
    for c in fit
        .curves
        .iter()
        .filter(|c| grouping.is_none() || c.group.is_some())
    {
        let t = &c.table;
        let events: Vec<usize> = (0..t.len()).filter(|&i| t.n_event[i] > 0).collect();
        let censored: Vec<usize> = (0..t.len()).filter(|&i| t.n_censor[i] > 0).collect();
        // Counts up to and including each tick: R's summary(fit, times)
        // n.event and n.censor cumulated from time 0.
        let so_far = |counts: &[usize]| -> Vec<u64> {
            ticks
                .iter()
                .map(|&tick| {
                    t.time
                        .iter()
                        .zip(counts)
                        .take_while(|(time, _)| **time <= tick)
                        .map(|(_, n)| *n as u64)
                        .sum()
                })
                .collect()
        };
        curves.push((
            c.label.clone(),
            KmPlotCurve {
                label: match &group_name {
                    Some(_) => shown_group(&c.label),
                    None => String::new(),
                },
                time: events.iter().map(|&i| t.time[i]).collect(),
                surv: events.iter().map(|&i| t.surv[i]).collect(),
                lower: events.iter().map(|&i| t.lower[i]).collect(),
                upper: events.iter().map(|&i| t.upper[i]).collect(),
                max_time: t.time.last().copied().unwrap_or(0.0),
                censor_time: censored.iter().map(|&i| t.time[i]).collect(),
                censor_surv: censored.iter().map(|&i| t.surv[i]).collect(),
                at_risk: c
                    .n_risk_at(&ticks)
                    .map_err(|e| e.to_string())?
                    .into_iter()
                    .map(|n| n as u64)
                    .collect(),
                censored: so_far(&t.n_censor),
                events: so_far(&t.n_event),
                median: c.median.quantile,
                style: Default::default(),
            },
        ));
    }
    let curves = in_figure_order(curves, &figure.group_order)?;
    let curves: Vec<KmPlotCurve> = curves
        .into_iter()
        .enumerate()
        .map(|(i, (_, mut c))| {
            c.style = figure.style.series(i);
            c
        })
        .collect();
    let mut annotation_lines = Vec::new();
    if figure.show_p {
        if let Some(lr) = &logrank {
            let name = if request.rho == 0.0 {
                "Log-rank"
            } else {
                test_name.as_str()
            };
            annotation_lines.push(format!("{name} {}", format::p_phrase(lr.p)));
        }
    }
    let hazard_ratios = match &groups {
        Some((codes, labels)) if labels.len() >= 2 && figure.show_hr => {
            group_hazard_ratios(&tallies, labels, &figure.group_order, request.conf_level)
        }
        _ => Vec::new(),
    };
    for hr in &hazard_ratios {
        let level = format::level_percent(request.conf_level);
        annotation_lines.push(format!(
            "{} vs {}: {}",
            shown_group(&hr.group),
            shown_group(&hr.reference),
            match (hr.hr, hr.lower, hr.upper) {
                (Some(e), Some(l), Some(u)) => format!(
                    "HR {} ({level}% CI {}–{})",
                    format::number(e, 2),
                    format::number(l, 2),
                    format::number(u, 2)
                ),
                _ => "HR not estimable".to_string(),
            }
        ));
    }
    let endpoint = figure
        .endpoint
        .or_else(|| endpoint_of(table, &request.time));
    let survival_word = endpoint.map_or("Survival probability", EndpointName::axis_label);
    let default_y = match figure.y_scale {
        SurvivalScale::Percent => format!(
            "{} (%)",
            endpoint.map_or("Survival", EndpointName::axis_label)
        ),
        SurvivalScale::Probability if endpoint.is_some() => format!("{survival_word} probability"),
        SurvivalScale::Probability => survival_word.to_string(),
    };
    let default_x = match (&landmark, unit_label) {
        (None, Some(u)) => format!("Time ({u})"),
        (None, None) => request.time.clone(),
        (Some(l), u) => {
            let name = match u {
                Some(u) => {
                    let mut chars = u.chars();
                    chars
                        .next()
                        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
                        .unwrap_or_default()
                }
                None => request.time.clone(),
            };
            let at = if u.is_some() {
                landmark::time_text(l.time, u)
            } else {
                landmark::time_number(l.time)
            };
            format!("{name} since landmark ({at})")
        }
    };
    let given = |text: &Option<String>| text.as_ref().map(|t| t.trim().to_string());
    let plot = KmPlot {
        title: given(&figure.title).unwrap_or_default(),
        caption: set.as_ref().map(|s| s.text.clone()),
        x_label: given(&figure.x_label).unwrap_or(default_x),
        y_label: given(&figure.y_label).unwrap_or(default_y),
        ticks,
        x_max,
        curves,
        show_ci: figure.ci == CiStyle::Band,
        ci: figure.ci,
        annotation: annotation_lines.first().cloned(),
        annotation_lines,
        risk_table: figure.risk_table != RiskTableLayout::None,
        risk_layout: figure.risk_table,
        legend: figure.legend,
        legend_title: given(&figure.legend_title)
            .or_else(|| {
                request
                    .group
                    .as_deref()
                    .and_then(|g| labels::given(&request.labels, g))
                    .map(String::from)
            })
            .unwrap_or_default(),
        y_scale: figure.y_scale,
        median_lines: figure.median_lines,
        censor_marks: figure.censor_marks,
        print: PrintSpec::new(
            &figure.output,
            SizePreset::OneAndHalfColumn,
            figure.style.line_width,
        ),
        start: 1.0,
    };

    let mut settings: Vec<String> = set.iter().map(|s| s.text.clone()).collect();
    settings.extend([
        "Kaplan–Meier estimate (as R's survfit).".to_string(),
        format!(
            "{level}% pointwise confidence intervals on the {}.",
            conf_type_text(request.conf_type)
        ),
        median_ci_text(request.median_ci, request.conf_type),
        format!(
            "Event: {} = {}; censored: {} = {}.",
            request.event,
            request.event_values.join(" or "),
            request.event,
            if censor_values.is_empty() {
                "(none)".to_string()
            } else {
                censor_values.join(" or ")
            }
        ),
    ]);
    if let (Some(from), Some(to)) = (request.time_unit, request.display_unit) {
        if let Some(note) = from.conversion_note(to) {
            settings.push(format!("Times in {} ({note}).", to.label()));
        }
    }
    if let Some(l) = &landmark {
        settings.push(l.settings_text(unit_label, grouping.is_some()));
    }
    if logrank.is_some() {
        settings.push(format!(
            "{test_name} as R's survdiff (rho = {}){}.",
            request.rho,
            if strata.is_some() {
                ", observed/expected/variance summed over strata"
            } else {
                ""
            }
        ));
    }
    let used = [
        Some(request.time.as_str()),
        Some(request.event.as_str()),
        request.group.as_deref(),
        request.strata.as_deref(),
    ];
    settings.extend(formulas_text(table, used.into_iter().flatten()));

    let preset = request.preset.map(|p| {
        let report = presets::report(
            p,
            &[
                PresetSetting::KmConfType,
                PresetSetting::MedianCi,
                PresetSetting::Logrank,
            ],
        );
        settings.push(report.text.clone());
        report
    });
    let medians = fit
        .curves
        .iter()
        .zip(medians)
        .map(|(c, (_, estimate))| CurveMedian {
            label: if c.group.is_none() {
                "All patients".to_string()
            } else {
                c.label.clone()
            },
            estimate,
        })
        .collect();
    Ok(KmResult {
        medians,
        preset,
        n_used: time.len(),
        dropped: input.dropped.clone(),
        fit,
        logrank,
        summary_table,
        at_times_table,
        rmst_table,
        rmst_difference_text,
        follow_up_text,
        test_text,
        trend,
        trend_text,
        pairwise,
        pairwise_table,
        settings_text: settings.join(" "),
        plot,
        landmark,
        warnings,
        survival_at_times,
        rmst,
        rmst_difference,
        follow_up,
        hazard_ratios,
        analysis_set: set,
    })
}

/// Ticks of the time axis: the list asked for (with 0), every `x_breaks`,
/// or round steps over the range (months in 3, 6 or 12).
fn figure_ticks(figure: &KmFigure, unit: Option<TimeUnit>, max_time: f64) -> Vec<f64> {
    let end = figure.x_max.unwrap_or(max_time);
    if !figure.x_ticks.is_empty() {
        let mut ticks: Vec<f64> = std::iter::once(0.0)
            .chain(figure.x_ticks.iter().copied())
            .collect();
        survcalc_stats::sort::floats(&mut ticks);
        ticks.dedup();
        return ticks;
    }
    if let Some(step) = figure.x_breaks {
        let n = (end / step).ceil();
        if n.is_finite() && (1.0..=40.0).contains(&n) {
            return (0..=n as usize).map(|i| i as f64 * step).collect();
        }
    }
    if unit == Some(TimeUnit::Months) {
        month_ticks(end)
    } else {
        nice_ticks(end, 8)
    }
}

/// The curves (keyed by their group's value) in the order the figure asks
/// for; groups not named keep their order after the named ones.
fn in_figure_order(
    mut curves: Vec<(String, KmPlotCurve)>,
    order: &[String],
) -> Result<Vec<(String, KmPlotCurve)>, String> {
    let mut out = Vec::with_capacity(curves.len());
    for name in order {
        let name = name.trim();
        match curves.iter().position(|(level, _)| level == name) {
            Some(i) => out.push(curves.remove(i)),
            None if out.iter().any(|(level, _)| level == name) => {
                return Err(format!(
                    "Option \"figure.group_order\" names \"{name}\" twice."
                ))
            }
            None => {
                let choices = curves
                    .iter()
                    .chain(&out)
                    .map(|(l, _)| format!("\"{l}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(format!("Option \"figure.group_order\": there is no group \"{name}\". Groups: {choices}."));
            }
        }
    }
    out.extend(curves);
    Ok(out)
}

/// The endpoint a derived time column measures (classification's OS, TTP,
/// PFS, PPS), for the survival axis' label.
fn endpoint_of(table: &Table, time: &str) -> Option<EndpointName> {
    use crate::endpoints::Endpoint;
    use crate::provenance::DerivedColumn;
    match table.column(time)?.derived.as_ref()?.column {
        DerivedColumn::EndpointTime { endpoint } => Some(match endpoint {
            Endpoint::Os => EndpointName::OverallSurvival,
            Endpoint::Ttp => EndpointName::TimeToProgression,
            Endpoint::Pfs => EndpointName::ProgressionFreeSurvival,
            Endpoint::Pps => EndpointName::PostProgressionSurvival,
        }),
        _ => None,
    }
}

/// The hazard ratio of one group against the reference group, from a Cox
/// model with the group as its only covariate (R's `coxph(Surv(time,
/// status) ~ group)`, Efron ties, Wald interval).
#[derive(Debug, Clone, Serialize)]
pub struct GroupHazardRatio {
    pub group: String,
    pub reference: String,
    pub hr: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub p: Option<f64>,
}

/// Each group against the reference (the first of `order`, else the first
/// level with patients). Empty when the model cannot be fitted.
fn group_hazard_ratios(
    tallies: &TimeTallies,
    labels: &[String],
    order: &[String],
    conf_level: f64,
) -> Vec<GroupHazardRatio> {
    use survcalc_stats::cox::{self, CoxOptions};
    let present: Vec<usize> = (0..labels.len())
        .filter(|&g| tallies.group_n().get(g).is_some_and(|&n| n > 0))
        .collect();
    let ordered: Vec<usize> = order
        .iter()
        .filter_map(|name| present.iter().copied().find(|&g| labels[g] == name.trim()))
        .chain(present.iter().copied())
        .fold(Vec::new(), |mut acc, g| {
            if !acc.contains(&g) {
                acc.push(g);
            }
            acc
        });
    let Some((&reference, others)) = ordered.split_first() else {
        return Vec::new();
    };
    if others.is_empty() {
        return Vec::new();
    }
    // The indicators of the other groups: level k + 1 for others[k].
    let mut levels = vec![0; labels.len()];
    for (k, &g) in others.iter().enumerate() {
        levels[g] = k + 1;
    }
    let names: Vec<String> = others.iter().map(|&g| labels[g].clone()).collect();
    // Hazard ratios only: the fit without its concordance and robust
    // variance, which keeps that code out of the page's start-up module.
    let Ok(fit) = cox::fit_factor_tallied(
        tallies,
        &levels,
        &names,
        &CoxOptions {
            conf_level,
            ..CoxOptions::default()
        },
    ) else {
        return Vec::new();
    };
    // A group with no events (or only events), against which the hazard ratio
    // runs off to 0 or infinity: the fit flags the coefficient as infinite,
    // and its numbers (1328775681.73, CI 0.00–∞, p > 0.99) mean nothing, so
    // it is "not estimable" on the figure.
    use survcalc_stats::warning::KernelWarning;
    let infinite = |name: &str| {
        fit.warnings.iter().any(|w| {
            matches!(w, KernelWarning::InfiniteCoefficient { term, .. } if term.as_deref().is_none_or(|t| t == name))
        })
    };
    others
        .iter()
        .enumerate()
        .map(|(k, &g)| {
            let estimable = !infinite(&labels[g]);
            let kept = |v: Option<&Option<f64>>| v.copied().flatten().filter(|_| estimable);
            GroupHazardRatio {
                group: labels[g].clone(),
                reference: labels[reference].clone(),
                hr: kept(fit.hr.get(k)),
                lower: kept(fit.hr_lower.get(k)),
                upper: kept(fit.hr_upper.get(k)),
                p: kept(fit.p.get(k)),
            }
        })
        .collect()
}

/// How the median's CI was computed, in words.
fn median_ci_text(method: MedianCiMethod, band: ConfType) -> String {
    let scale = |c: ConfType| match c {
        ConfType::Log => "log",
        ConfType::LogLog => "log-log",
        ConfType::Plain => "plain",
    };
    match method {
        MedianCiMethod::Band => format!(
            "Median CI: where the confidence limits ({} scale) cross 0.5 (Brookmeyer–Crowley, as R).",
            scale(band)
        ),
        MedianCiMethod::Log | MedianCiMethod::LogLog | MedianCiMethod::Plain => {
            let c = match method {
                MedianCiMethod::Log => ConfType::Log,
                MedianCiMethod::LogLog => ConfType::LogLog,
                _ => ConfType::Plain,
            };
            format!("Median CI: Brookmeyer–Crowley on the {} scale (where that band crosses 0.5).", scale(c))
        }
        MedianCiMethod::Symmetric => format!(
            "Median CI: symmetric, median ± z·SE with SE = Greenwood SE of S at the median / the density there (Collett's \
             estimate: slope of S between the last event time with S ≥ {0} and the first with S ≤ {1}), as SPSS prints it.",
            0.5 + km::SYMMETRIC_MEDIAN_EPSILON,
            0.5 - km::SYMMETRIC_MEDIAN_EPSILON
        ),
    }
}

/// Standard normal quantile of a two-sided interval at `conf_level`.
fn rmst_z(conf_level: f64) -> Result<f64, String> {
    super::check_conf_level(conf_level)?;
    Ok(Normal::standard().inverse_cdf(1.0 - (1.0 - conf_level) / 2.0))
}

/// The two curves of the RMST difference, `(group, reference)`: as the
/// request names them, or by default the second level minus the first when
/// there are exactly two groups (survRM2's arm 1 minus arm 0).
fn rmst_pair<'a>(
    groups: &[&'a KmCurve],
    contrast: Option<&[String]>,
    landmark: Option<&LandmarkSummary>,
) -> Result<Option<(&'a KmCurve, &'a KmCurve)>, String> {
    let Some(names) = contrast else {
        return Ok(match groups {
            [first, second] => Some((*second, *first)),
            _ => None,
        });
    };
    if groups.is_empty() {
        return Err(
            "Option \"rmst_contrast\" compares two groups: choose the group column too."
                .to_string(),
        );
    }
    let choices = groups
        .iter()
        .map(|c| format!("\"{}\"", c.label))
        .collect::<Vec<_>>()
        .join(", ");
    let [group, reference] = names else {
        return Err(format!(
            "Option \"rmst_contrast\" takes two groups, [group, reference] for the RMST of group minus that of reference; {} given. Groups: {choices}.",
            names.len()
        ));
    };
    let find = |name: &String| -> Result<&'a KmCurve, String> {
        let name = name.trim();
        if let Some(c) = groups.iter().find(|c| c.label == name) {
            return Ok(*c);
        }
        if landmark.is_some_and(|l| l.groups_left_out.iter().any(|g| g == name)) {
            return Err(format!(
                "Option \"rmst_contrast\": group \"{name}\" has no patient left after the landmark. Groups: {choices}."
            ));
        }
        Err(format!(
            "Option \"rmst_contrast\": there is no group \"{name}\". Groups: {choices}."
        ))
    };
    let (a, b) = (find(group)?, find(reference)?);
    if a.group == b.group {
        return Err(format!(
            "Option \"rmst_contrast\" names \"{}\" twice; choose two different groups.",
            a.label
        ));
    }
    Ok(Some((a, b)))
}
