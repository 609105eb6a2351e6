//! The Cox request's time split: covariates whose hazard ratio may differ
//! between intervals of follow-up, as R's `survSplit(..., cut = cuts,
//! episode = "tgroup")` then `coxph(... + x:strata(tgroup))` (timedep vignette 4.1).

use super::cox::TermWaldTest;
use super::cox_time_varying::TimeVaryingSpec;
use crate::design::{Design, DesignTerm, MissingValues, SurvivalOutcome, TermKind, TermSpec};
use crate::format::chi_square_line;
use crate::table::Table;
use crate::warning::{LeftOutReason, Warning};
use serde::{Deserialize, Serialize};
use survcalc_stats::cox::{self, CoxData, CoxFit};
use survcalc_stats::wald::{rows_variance, wald_test, Contrast, WaldTest};

/// Covariates with one hazard ratio per interval of follow-up: the rows are
/// split at `cuts` and each named covariate's design columns are replaced by
/// one column per interval (its value on rows of that interval, 0 elsewhere).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TimeSplitSpec {
    /// Cut points in the unit of the follow-up time (sorted, duplicates dropped).
    pub cuts: Vec<f64>,
    /// Chosen covariates (column names) that get one coefficient per interval.
    pub covariates: Vec<String>,
}

/// One design column of a split covariate before the split (a numeric
/// covariate has one; a categorical one, one per non-reference level).
#[derive(Debug, Clone, Serialize)]
pub struct SplitPart {
    /// The level compared with the reference; `None` for a numeric covariate.
    pub level: Option<String>,
    /// Its design column in each interval; `None` for an interval without
    /// events (the coefficient is not estimable there, NA in R).
    pub columns: Vec<Option<usize>>,
}

/// A covariate with a hazard ratio per interval.
#[derive(Debug, Clone, Serialize)]
pub struct SplitTerm {
    pub covariate: String,
    pub parts: Vec<SplitPart>,
}

/// How the follow-up was split and which coefficients the intervals got.
#[derive(Debug, Clone, Serialize)]
pub struct TimeSplitSummary {
    /// Cut points used (those beyond every follow-up time are dropped).
    pub cuts: Vec<f64>,
    /// Interval labels: "(0–90]", "(90–180]", "(180+)".
    pub intervals: Vec<String>,
    /// Events per interval.
    pub events: Vec<usize>,
    pub terms: Vec<SplitTerm>,
    pub n_patients: usize,
    /// (start, stop] rows after splitting (R's `n`, `fit.n`).
    pub n_rows: usize,
    /// Per split covariate: Wald test that its hazard ratio is the same in
    /// every interval (robust variance when robust).
    pub same_hr_tests: Vec<TermWaldTest>,
}

/// The checked choices of the request's `time_split`.
#[derive(Debug, Clone)]
pub(super) struct TimeSplit {
    cuts: Vec<f64>,
    covariates: Vec<String>,
}

/// `time_split` checked without the data: `None` when it is absent or empty.
pub(super) fn check(
    spec: Option<&TimeSplitSpec>,
    time: &str,
    start: Option<&str>,
    time_varying: Option<&TimeVaryingSpec>,
) -> Result<Option<TimeSplit>, String> {
    let Some(spec) = spec else { return Ok(None) };
    let mut covariates: Vec<String> = Vec::new();
    for c in spec
        .covariates
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    {
        if !covariates.iter().any(|k| k == c) {
            covariates.push(c.to_string());
        }
    }
    if spec.cuts.is_empty() && covariates.is_empty() {
        return Ok(None);
    }
    if let Some(s) = start {
        return Err(format!(
            "Splitting follow-up at cut points (effect changing over time) needs one row per patient followed from time 0, so it cannot be combined with (start, stop] rows (entry column \"{s}\")."
        ));
    }
    if time_varying.is_some() {
        return Err(
            "An effect changing over time (cut points) and a time-varying status are not supported together: fit them in separate models, or leave one of them empty."
                .to_string(),
        );
    }
    if spec.cuts.is_empty() {
        return Err(format!(
            "Enter at least one cut point (a time in the unit of \"{time}\", e.g. 6, 12) to split follow-up at."
        ));
    }
    if spec.cuts.iter().any(|c| c.is_nan()) {
        return Err(format!(
            "A cut point is not a number: type times in the unit of \"{time}\" separated by commas, e.g. 6, 12."
        ));
    }
    if let Some(c) = spec.cuts.iter().find(|c| !(c.is_finite() && **c > 0.0)) {
        return Err(format!(
            "The cut point {c} is not a time during follow-up: cut points must be finite and greater than 0 (in the unit of \"{time}\")."
        ));
    }
    if covariates.is_empty() {
        return Err(format!(
            "Choose which covariate(s) get a hazard ratio per interval of follow-up (cut at {}).",
            list(&spec.cuts)
        ));
    }
    let mut cuts = spec.cuts.clone();
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    // Each interval adds a coefficient per split covariate and a copy of
    // every patient's row: thousands of cuts cannot be meant.
    if cuts.len() > MAX_CUTS {
        return Err(format!(
            "{} cut points were given; at most {MAX_CUTS} are allowed (each adds a hazard ratio per \
             covariate and a row per patient). Choose a few times, e.g. 6, 12, 24.",
            cuts.len()
        ));
    }
    Ok(Some(TimeSplit { cuts, covariates }))
}

/// Most cut points of a time split.
const MAX_CUTS: usize = 20;

/// "90, 180".
fn list(cuts: &[f64]) -> String {
    cuts.iter()
        .map(f64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Interval labels for `cuts`: "(0–90]", "(90–180]", "(180+)".
fn interval_labels(cuts: &[f64]) -> Vec<String> {
    let mut labels = Vec::with_capacity(cuts.len() + 1);
    let mut from = 0.0;
    for &c in cuts {
        labels.push(format!("({from}–{c}]"));
        from = c;
    }
    labels.push(format!("({from}+)"));
    labels
}

/// The split as planned once the covariates are known, before the design
/// (which must not count rows that cannot be split).
pub(super) struct TimeSplitPlan {
    split: TimeSplit,
    time_column: String,
    /// Rows left out because their follow-up time is 0 (nothing to split).
    zero_time: MissingValues,
    /// Cuts dropped and intervals without events, found while splitting.
    notes: Vec<Warning>,
}

impl TimeSplitPlan {
    /// Checks the named covariates against the chosen ones and leaves out
    /// outcome rows with follow-up time 0.
    pub(super) fn plan(
        table: &Table,
        split: &TimeSplit,
        covariates: &[TermSpec],
        outcome: &mut SurvivalOutcome,
    ) -> Result<Self, String> {
        if let Some(name) = split
            .covariates
            .iter()
            .find(|n| !covariates.iter().any(|c| &c.column == *n))
        {
            return Err(format!(
                "\"{name}\" is to get a hazard ratio per interval but is not among the chosen covariates; tick it as a covariate too."
            ));
        }
        let mut zero_time = MissingValues {
            column: outcome.time_column.clone(),
            count: 0,
            lines: Vec::new(),
        };
        let keep: Vec<usize> = (0..outcome.time.len())
            .filter(|&i| {
                let positive = outcome.time.get(i).is_some_and(|&t| t > 0.0);
                if !positive {
                    zero_time.count += 1;
                    if zero_time.lines.len() < 5 {
                        let row = outcome.rows.get(i).copied().unwrap_or(0);
                        zero_time.lines.push(table.line_of(row).unwrap_or(0));
                    }
                }
                positive
            })
            .collect();
        if zero_time.count > 0 {
            keep_outcome_rows(outcome, &keep);
        }
        Ok(TimeSplitPlan {
            split: split.clone(),
            time_column: outcome.time_column.clone(),
            zero_time,
            notes: Vec::new(),
        })
    }

    /// Replaces `data` (one row per patient over `design`'s rows) by its
    /// (start, stop] rows split at the cuts, and each split covariate's
    /// design columns by one column per interval with events. Strata,
    /// weights and clusters follow their patient; with `cluster_by_patient`
    /// each patient's rows form one cluster (R's `cluster(id)`).
    pub(super) fn split(
        &mut self,
        design: &mut Design,
        data: &mut CoxData,
        cluster_by_patient: bool,
    ) -> Result<TimeSplitSummary, String> {
        let time = &self.time_column;
        let longest = data.stop.iter().copied().fold(0.0, f64::max);
        let (cuts, beyond): (Vec<f64>, Vec<f64>) =
            self.split.cuts.iter().partition(|&&c| c < longest);
        if cuts.is_empty() {
            return Err(format!(
                "No follow-up is longer than the cut point {} (the longest \"{time}\" is {longest}), so there is nothing to split.",
                list(&beyond)
            ));
        }
        if !beyond.is_empty() {
            self.notes.push(Warning::CutPointsIgnored {
                cuts: beyond.clone(),
                column: time.clone(),
                longest,
            });
        }
        let rows =
            cox::split_at_cuts(None, &data.stop, &data.event, &cuts).map_err(|e| e.to_string())?;
        let intervals = interval_labels(&cuts);
        let mut events = vec![0usize; intervals.len()];
        for (&e, &k) in rows.event.iter().zip(&rows.episode) {
            if let Some(slot) = events.get_mut(k.wrapping_sub(1)) {
                *slot += usize::from(e);
            }
        }

        // Which design columns belong to a split covariate.
        let split_term: Vec<Option<&DesignTerm>> = (0..data.covariates.len())
            .map(|j| {
                design
                    .terms
                    .iter()
                    .find(|t| t.columns.contains(&j) && self.split.covariates.contains(&t.column))
            })
            .collect();
        let mut columns: Vec<Vec<f64>> = Vec::new();
        let (mut names, mut r_names) = (Vec::new(), Vec::new());
        // Old column -> its new column in each interval (one entry when not split).
        let mut remap: Vec<Vec<Option<usize>>> = Vec::with_capacity(split_term.len());
        for (j, term) in split_term.iter().enumerate() {
            let (Some(x), Some(name), Some(r_name)) = (
                data.covariates.get(j),
                design.names.get(j),
                design.r_names.get(j),
            ) else {
                return Err(format!("Internal error: design column {j} is missing."));
            };
            if term.is_none() {
                remap.push(vec![Some(columns.len())]);
                columns.push(rows.row.iter().filter_map(|&r| x.get(r).copied()).collect());
                names.push(name.clone());
                r_names.push(r_name.clone());
                continue;
            }
            let mut per_interval = Vec::with_capacity(intervals.len());
            for (k, label) in intervals.iter().enumerate() {
                if events.get(k).copied().unwrap_or(0) == 0 {
                    per_interval.push(None);
                    continue;
                }
                per_interval.push(Some(columns.len()));
                columns.push(
                    rows.row
                        .iter()
                        .zip(&rows.episode)
                        .map(|(&r, &e)| {
                            if e == k + 1 {
                                x.get(r).copied().unwrap_or(0.0)
                            } else {
                                0.0
                            }
                        })
                        .collect(),
                );
                names.push(format!("{name} {label}"));
                r_names.push(format!("{r_name}:strata(tgroup)tgroup={}", k + 1));
            }
            remap.push(per_interval);
        }
        for (k, label) in intervals.iter().enumerate() {
            if events.get(k).copied().unwrap_or(0) == 0 {
                self.notes.push(Warning::IntervalWithoutEvents {
                    interval: label.clone(),
                    column: time.clone(),
                    covariates: self.split.covariates.clone(),
                });
            }
        }

        let terms = split_terms(design, &self.split.covariates, &remap);
        for term in &mut design.terms {
            term.columns = term
                .columns
                .iter()
                .flat_map(|&j| remap.get(j).into_iter().flatten().flatten().copied())
                .collect();
            // A split level points at its first interval with a coefficient.
            term.level_columns = term
                .level_columns
                .iter()
                .map(|c| {
                    c.and_then(|j| {
                        remap
                            .get(j)
                            .and_then(|m| m.iter().flatten().next().copied())
                    })
                })
                .collect();
        }
        design.names = names;
        design.r_names = r_names.clone();

        let n_patients = data.n();
        let old = std::mem::take(data);
        let cluster = match old.cluster {
            Some(ids) => Some(per_row(&ids, &rows.row)),
            None if cluster_by_patient => Some(rows.row.iter().map(|&r| r as u64).collect()),
            None => None,
        };
        *data = CoxData {
            start: Some(rows.start),
            stop: rows.stop,
            event: rows.event,
            covariates: columns,
            term_names: r_names,
            strata: old.strata.map(|s| per_row(&s, &rows.row)),
            weights: old.weights.map(|w| per_row(&w, &rows.row)),
            cluster,
        };
        Ok(TimeSplitSummary {
            cuts,
            intervals,
            events,
            terms,
            n_patients,
            n_rows: rows.row.len(),
            same_hr_tests: Vec::new(),
        })
    }

    /// Rows left out and cut points or intervals that could not be used.
    pub(super) fn warnings(&self) -> Vec<Warning> {
        let mut warnings = Vec::new();
        let m = &self.zero_time;
        if m.count > 0 {
            warnings.push(Warning::RowsLeftOut {
                column: m.column.clone(),
                reason: LeftOutReason::ZeroTimeSplit,
                count: m.count,
                lines: m.lines.clone(),
                values: Vec::new(),
            });
        }
        warnings.extend(self.notes.iter().cloned());
        warnings
    }
}

/// The split covariates' columns per level and interval, in design order.
fn split_terms(design: &Design, names: &[String], remap: &[Vec<Option<usize>>]) -> Vec<SplitTerm> {
    let new_columns = |j: usize| remap.get(j).cloned().unwrap_or_default();
    design
        .terms
        .iter()
        .filter(|t| names.contains(&t.column))
        .map(|t| {
            let parts = match t.kind {
                TermKind::Numeric => t
                    .columns
                    .iter()
                    .map(|&j| SplitPart {
                        level: None,
                        columns: new_columns(j),
                    })
                    .collect(),
                TermKind::Categorical => t
                    .levels
                    .iter()
                    .zip(&t.level_columns)
                    .filter_map(|(level, c)| {
                        c.map(|j| SplitPart {
                            level: Some(level.clone()),
                            columns: new_columns(j),
                        })
                    })
                    .collect(),
            };
            SplitTerm {
                covariate: t.column.clone(),
                parts,
            }
        })
        .collect()
}

/// Keeps the outcome's rows at `keep` (positions into its rows).
fn keep_outcome_rows(outcome: &mut SurvivalOutcome, keep: &[usize]) {
    outcome.time = keep
        .iter()
        .filter_map(|&i| outcome.time.get(i).copied())
        .collect();
    outcome.event = keep
        .iter()
        .filter_map(|&i| outcome.event.get(i).copied())
        .collect();
    outcome.rows = keep
        .iter()
        .filter_map(|&i| outcome.rows.get(i).copied())
        .collect();
    outcome.strata = outcome
        .strata
        .as_ref()
        .map(|s| keep.iter().filter_map(|&i| s.get(i).copied()).collect());
    outcome.n_events = outcome.event.iter().filter(|&&e| e).count();
}

/// A per-patient vector repeated on each of the patient's rows.
fn per_row<T: Copy>(values: &[T], source_rows: &[usize]) -> Vec<T> {
    source_rows
        .iter()
        .filter_map(|&k| values.get(k).copied())
        .collect()
}

/// One row of the hazard-ratio table for a split covariate.
pub(super) struct SplitRow {
    pub label: String,
    /// `None`: no events in the interval (not estimable).
    pub column: Option<usize>,
    /// "numeric" or "level" (see `CoxResult::hr_row_kinds`).
    pub kind: &'static str,
}

/// Printed instead of a hazard ratio for an interval without events.
pub(super) const NO_EVENTS: &str = "not estimable (no events in this interval)";

impl TimeSplitSummary {
    pub(super) fn term(&self, covariate: &str) -> Option<&SplitTerm> {
        self.terms.iter().find(|t| t.covariate == covariate)
    }

    /// The table rows of a split covariate: "karno (0–90]" per interval, or
    /// "smallcell (0–90]" per level and interval (under the covariate's header).
    pub(super) fn rows(&self, term: &SplitTerm) -> Vec<SplitRow> {
        term.parts
            .iter()
            .flat_map(|part| {
                part.columns
                    .iter()
                    .zip(&self.intervals)
                    .map(move |(&column, interval)| match &part.level {
                        Some(level) => SplitRow {
                            label: format!("{level} {interval}"),
                            column,
                            kind: "level",
                        },
                        None => SplitRow {
                            label: format!("{} {interval}", term.covariate),
                            column,
                            kind: "numeric",
                        },
                    })
            })
            .collect()
    }

    /// The summary with the tests that each split covariate's hazard ratio
    /// is the same in every interval (under the variance the table uses).
    pub(super) fn with_same_hr_tests(mut self, fit: &CoxFit) -> Self {
        let var = fit.robust.as_ref().map_or(&fit.var, |r| &r.var);
        self.same_hr_tests = self
            .terms
            .iter()
            .filter_map(|t| {
                same_hr_test(&fit.coef, var, t).map(|w| TermWaldTest {
                    term: t.covariate.clone(),
                    stat: w.stat,
                    df: w.df,
                    p: w.p,
                })
            })
            .collect();
        self
    }

    /// One line per same-HR test, for the model tests.
    pub(super) fn tests_text(&self) -> Vec<String> {
        self.same_hr_tests
            .iter()
            .map(|t| {
                chi_square_line(
                    &format!(
                        "Same hazard ratio of {} in every interval (Wald test)",
                        t.term
                    ),
                    t.stat,
                    t.df,
                    t.p,
                )
            })
            .collect()
    }

    /// What was split and how, with the R equivalent, for the settings.
    pub(super) fn settings_text(&self, time: &str, r_call: &str) -> String {
        let plural = if self.terms.len() == 1 { "" } else { "s" };
        let covariates: Vec<String> = self
            .terms
            .iter()
            .map(|t| format!("\"{}\"", t.covariate))
            .collect();
        let categorical = if self
            .terms
            .iter()
            .any(|t| t.parts.iter().any(|p| p.level.is_some()))
        {
            " A categorical covariate gets one column per level (vs its reference) and interval, as its 0/1 indicator columns each with :strata(tgroup) in R."
        } else {
            ""
        };
        format!(
            "Effect changing over time: follow-up split at {} (in the unit of \"{time}\") into the intervals {}; covariate{plural} {} \
             got one hazard ratio per interval (its value on the rows of that interval, 0 elsewhere), the other covariates one for the whole follow-up. \
             The {} patients' follow-up became {} (start, stop] rows. R: {r_call}.{categorical} The \"same hazard ratio in every interval\" line is the Wald test of the differences between the intervals' coefficients.",
            list(&self.cuts),
            self.intervals.join(", "),
            covariates.join(", "),
            self.n_patients,
            self.n_rows,
        )
    }
}

/// Wald test of coef[c_e] − coef[c_1] = 0 over the intervals e of every part
/// of `term` (aliased or missing coefficients left out).
fn same_hr_test(coef: &[Option<f64>], var: &[Vec<f64>], term: &SplitTerm) -> Option<WaldTest> {
    let mut contrasts: Vec<Contrast> = Vec::new();
    for part in &term.parts {
        let kept: Vec<usize> = part
            .columns
            .iter()
            .flatten()
            .copied()
            .filter(|&j| coef.get(j).copied().flatten().is_some())
            .collect();
        if let Some((&first, rest)) = kept.split_first() {
            contrasts.extend(rest.iter().map(|&j| vec![(j, 1.0), (first, -1.0)]));
        }
    }
    wald_test(coef, &rows_variance(var), &contrasts)
}

/// R's call for the split model: `survSplit` then `coxph` with
/// `x:strata(tgroup)` for the split covariates.
pub(super) fn r_call(
    time: &str,
    event: &str,
    event_values: &[String],
    design: &Design,
    summary: &TimeSplitSummary,
    strata: Option<&str>,
    cluster: Option<&str>,
) -> String {
    let name = |s: &str| {
        let plain = s
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '.')
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_');
        if plain {
            s.to_string()
        } else {
            format!("`{s}`")
        }
    };
    let quoted = |v: &str| {
        if v.parse::<f64>().is_ok() {
            v.to_string()
        } else {
            format!("\"{v}\"")
        }
    };
    let status = match event_values {
        [v] if v == "1" => name(event),
        [v] => format!("{} == {}", name(event), quoted(v)),
        vs => format!(
            "{} %in% c({})",
            name(event),
            vs.iter().map(|v| quoted(v)).collect::<Vec<_>>().join(", ")
        ),
    };
    let mut terms: Vec<String> = design
        .terms
        .iter()
        .map(|t| {
            let x = match t.kind {
                TermKind::Numeric => name(&t.column),
                TermKind::Categorical => format!("factor({})", name(&t.column)),
            };
            if summary.term(&t.column).is_some() {
                format!("{x}:strata(tgroup)")
            } else {
                x
            }
        })
        .collect();
    if let Some(s) = strata {
        terms.push(format!("strata({})", name(s)));
    }
    let cluster = cluster
        .map(|c| format!(", cluster = {}", name(c)))
        .unwrap_or_default();
    format!(
        "d2 <- survSplit(Surv({t}, {ev}) ~ ., data = d, cut = c({}), episode = \"tgroup\", id = \"id\"); coxph(Surv(tstart, {t}, {status}) ~ {}, data = d2{cluster})",
        list(&summary.cuts),
        terms.join(" + "),
        t = name(time),
        ev = name(event),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyses::cox::tests::{request, table};
    use crate::analyses::cox::{run, CoxRequest};

    fn split(cuts: &[f64], covariates: &[&str]) -> Option<TimeSplitSpec> {
        Some(TimeSplitSpec {
            cuts: cuts.to_vec(),
            covariates: covariates.iter().map(|c| c.to_string()).collect(),
        })
    }

    fn veteran(cuts: &[f64], covariates: &[&str]) -> CoxRequest {
        CoxRequest {
            time_split: split(cuts, covariates),
            ..request("time", "status", "1", &["trt", "prior", "karno"])
        }
    }

    #[test]
    fn labels_and_rows() {
        assert_eq!(
            interval_labels(&[90.0, 180.0]),
            ["(0–90]", "(90–180]", "(180+)"]
        );
        assert_eq!(interval_labels(&[0.5]), ["(0–0.5]", "(0.5+)"]);
        let r = run(
            &table("03_veteran"),
            &veteran(&[180.0, 90.0, 90.0], &["karno"]),
        )
        .unwrap();
        let labels: Vec<&str> = r.hr_table.rows.iter().map(|row| row[0].as_str()).collect();
        assert_eq!(
            labels,
            [
                "trt",
                "prior",
                "karno (0–90]",
                "karno (90–180]",
                "karno (180+)"
            ]
        );
        let names: Vec<&str> = r.coefficients.iter().map(|c| c.r_name.as_str()).collect();
        assert_eq!(names[2], "karno:strata(tgroup)tgroup=1");
        assert_eq!(r.coefficients[4].name, "karno (180+)");
        assert_eq!(r.coefficients[4].term, "karno");
        assert_eq!((r.fit.n, r.n_used), (225, 137));
        assert_eq!(
            r.n_text,
            "137 of 137 patients analysed (225 rows after splitting at 90, 180), 128 events."
        );
        let s = r.time_split.as_ref().unwrap();
        assert_eq!(s.events.iter().sum::<usize>(), 128);
        assert_eq!(s.same_hr_tests[0].df, 2);
        assert!(r
            .tests_text
            .iter()
            .any(|t| t
                .starts_with("Same hazard ratio of karno in every interval (Wald test): χ² = ")));
        assert!(
            r.settings_text.contains(
                "coxph(Surv(tstart, time, status) ~ trt + prior + karno:strata(tgroup), data = d2)"
            ),
            "{}",
            r.settings_text
        );
        // The PH test keeps karno as one 3-df term, as cox.zph does.
        let zph = r.zph.as_ref().unwrap();
        assert_eq!(
            zph.terms
                .iter()
                .map(|t| (t.term.as_str(), t.df))
                .collect::<Vec<_>>(),
            [("trt", 1), ("prior", 1), ("karno", 3)]
        );
    }

    #[test]
    fn a_categorical_covariate_per_level_and_interval() {
        let mut req = veteran(&[90.0], &["celltype"]);
        req.covariates
            .push(TermSpec::categorical("celltype").with_reference("squamous"));
        let r = run(&table("03_veteran"), &req).unwrap();
        let labels: Vec<&str> = r.hr_table.rows.iter().map(|row| row[0].as_str()).collect();
        assert_eq!(
            &labels[3..6],
            ["celltype", "squamous (n = 35)", "adeno (0–90]"]
        );
        assert_eq!(labels.len(), 3 + 2 + 6);
        assert!(
            r.coefficients
                .iter()
                .any(|c| c.name == "celltype: smallcell vs squamous (90+)"),
            "{:?}",
            r.coefficients
        );
        assert_eq!(r.term_tests[0].df, 6);
        assert_eq!(r.time_split.as_ref().unwrap().same_hr_tests[0].df, 3);
        // Cuts beyond every follow-up time are dropped (all of them: an error).
        let err = run(&table("03_veteran"), &veteran(&[999.0, 2000.0], &["karno"])).unwrap_err();
        assert!(
            err.contains("No follow-up is longer than the cut point 999, 2000"),
            "{err}"
        );
        let one = run(&table("03_veteran"), &veteran(&[500.0, 2000.0], &["karno"])).unwrap();
        assert!(
            one.warnings.contains(&Warning::CutPointsIgnored {
                cuts: vec![2000.0],
                column: "time".into(),
                longest: 999.0
            }),
            "{:?}",
            one.warnings
        );
        assert_eq!(
            (
                one.fit.coef.len(),
                one.time_split.as_ref().unwrap().cuts.as_slice()
            ),
            (4, &[500.0][..])
        );
    }

    #[test]
    fn an_interval_without_events_is_not_estimable() {
        // lung's last death is at 883 days; cut at 900: censored follow-up only after it.
        let req = CoxRequest {
            time_split: split(&[900.0], &["age"]),
            ..request("time", "status", "2", &["age", "sex"])
        };
        let r = run(&table("02_lung"), &req).unwrap();
        let s = r.time_split.as_ref().unwrap();
        assert_eq!(s.events, [165, 0]);
        let labels: Vec<&str> = r.hr_table.rows.iter().map(|row| row[0].as_str()).collect();
        assert_eq!(labels, ["age (0–900]", "age (900+)", "sex"]);
        assert_eq!(r.hr_table.rows[1][1], NO_EVENTS);
        let empty = r
            .warnings
            .iter()
            .find(|w| w.code() == "interval_without_events")
            .expect("the empty interval is named");
        assert_eq!(
            empty.message(),
            "No events in the interval (900+) of \"time\": the hazard ratio of age there is not estimable (R gives NA). \
             Choose cut points with events in every interval."
        );
        assert!(
            !r.warnings.iter().any(|w| w.code() == "collinear_covariate"),
            "{:?}",
            r.warnings
        );
        // Without the empty interval's column the fit is the unsplit one (same rows at every event time).
        let plain = run(
            &table("02_lung"),
            &request("time", "status", "2", &["age", "sex"]),
        )
        .unwrap();
        assert_eq!(r.fit.coef.len(), 2);
        for j in 0..2 {
            let (a, b) = (r.fit.coef[j].unwrap(), plain.fit.coef[j].unwrap());
            assert!((a - b).abs() <= 1e-9 * b.abs(), "{a} vs {b}");
        }
    }

    #[test]
    fn errors_name_the_problem() {
        let t = table("03_veteran");
        let err = |req: &CoxRequest| run(&t, req).unwrap_err();
        assert!(err(&veteran(&[], &["karno"])).contains("Enter at least one cut point"));
        assert!(err(&veteran(&[90.0], &[])).contains("Choose which covariate(s)"));
        assert!(err(&veteran(&[0.0], &["karno"]))
            .contains("The cut point 0 is not a time during follow-up"));
        assert!(err(&veteran(&[f64::NAN], &["karno"])).contains("A cut point is not a number"));
        assert!(err(&veteran(&[f64::INFINITY], &["karno"])).contains("must be finite"));
        assert!(err(&veteran(&[90.0], &["age"])).contains(
            "\"age\" is to get a hazard ratio per interval but is not among the chosen covariates"
        ));
        let mut req = veteran(&[90.0], &["karno"]);
        req.start = Some("diagtime".into());
        assert!(err(&req)
            .contains("cannot be combined with (start, stop] rows (entry column \"diagtime\")"));
        let mut req = veteran(&[90.0], &["karno"]);
        req.time_varying = Some(TimeVaryingSpec {
            column: "diagtime".into(),
            ..TimeVaryingSpec::default()
        });
        assert!(err(&req).contains("not supported together"));
        // Empty spec: no split.
        let r = run(&t, &veteran(&[], &[])).unwrap();
        assert!(r.time_split.is_none());
    }

    #[test]
    fn robust_clusters_by_patient() {
        let mut req = veteran(&[90.0, 180.0], &["karno"]);
        req.robust = true;
        let r = run(&table("03_veteran"), &req).unwrap();
        assert_eq!(r.fit.robust.as_ref().unwrap().n_clusters, 137);
        assert!(
            r.settings_text
                .contains("clustered by patient (137 patients"),
            "{}",
            r.settings_text
        );
    }
}
