//! The Cox request's time-varying status: a 0/1 status that switches on at a
//! time or date during follow-up, entered as R's `tmerge(..., tdc(switch))`
//! builds it (one row per patient split into (start, stop] rows) before `coxph`.

use super::cox::non_empty;
use crate::dates::{Date, TimeUnit};
use crate::design::{Design, DesignTerm, MissingValues, SurvivalOutcome, TermKind, TermSpec};
use crate::table::{numeric_column, parse_date, ColumnData, ColumnKind, DateOrder, Table};
use crate::warning::{LeftOutReason, Warning};
use serde::{Deserialize, Serialize};
use survcalc_stats::cox::{self, CoxData};

/// A status known only later (resistance, response, transplant) entered as a
/// time-varying covariate: 0 before the patient's switch time, 1 after it
/// (R: `tmerge(..., tdc(switch))`, then `coxph` on the (start, stop] rows).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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

/// The requested status once its switch column is read: kept between reading
/// the outcome (which loses rows it cannot split) and fitting (which needs
/// the split rows), because the design is built in between.
pub(super) struct TimeVaryingStatus<'a> {
    spec: &'a TimeVaryingSpec,
    /// The covariate's label.
    name: String,
    plan: SwitchPlan,
}

impl<'a> TimeVaryingStatus<'a> {
    /// Checks the status against the outcome and the fixed covariates, reads
    /// its switches and keeps only the outcome rows that can be split.
    pub(super) fn plan(
        table: &Table,
        spec: &'a TimeVaryingSpec,
        time_column: &str,
        covariates: &[TermSpec],
        outcome: &mut SurvivalOutcome,
    ) -> Result<Self, String> {
        let name = non_empty(&spec.name)
            .unwrap_or_else(|| format!("{} (time-varying)", spec.column.trim()));
        let column = spec.column.trim();
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
        if covariates.iter().any(|c| c.column == name) {
            return Err(format!(
                "The time-varying status is named \"{name}\", like a covariate; give it another name."
            ));
        }
        let plan = switch_plan(table, spec, time_column, outcome)?;
        keep_outcome_rows(outcome, &plan.keep);
        Ok(TimeVaryingStatus { spec, name, plan })
    }

    /// Replaces `data` (one row per patient, over `design`'s rows) by its
    /// (start, stop] rows split at each switch, and adds the status to the
    /// design as its last, numeric, covariate. With `cluster_by_patient`
    /// each patient's rows form one cluster of the robust variance.
    pub(super) fn split(
        &self,
        design: &mut Design,
        data: &mut CoxData,
        cluster_by_patient: bool,
    ) -> Result<TimeVaryingSummary, String> {
        let name = &self.name;
        let switch = design.pick(&self.plan.switch).map_err(|e| e.to_string())?;
        let n_patients = data.n();
        let n_after_follow_up = switch
            .iter()
            .zip(&data.stop)
            .filter(|(s, t)| matches!(s, Some(s) if *s >= **t))
            .count();
        let (split_data, split) =
            split_data(std::mem::take(data), &switch, name, cluster_by_patient)?;
        *data = split_data;
        if split.switched.iter().all(|&s| s) || !split.switched.iter().any(|&s| s) {
            return Err(format!(
                "The time-varying status (column \"{}\") is {} for every patient throughout follow-up, so its effect cannot be estimated.",
                self.spec.column.trim(),
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
        Ok(TimeVaryingSummary {
            name: name.clone(),
            column: self.spec.column.trim().to_string(),
            source: self.plan.source,
            origin: self.plan.origin.clone(),
            unit: self.plan.unit,
            n_patients,
            n_rows: split.row.len(),
            n_switched: split.row.len().saturating_sub(n_patients),
            n_from_start: split
                .switched
                .iter()
                .zip(&split.start)
                .filter(|(s, a)| **s && **a == 0.0)
                .count(),
            n_after_follow_up,
        })
    }

    /// The rows left out because their switch time is unknown (a switch
    /// date without an origin date), for the result's `dropped`.
    pub(super) fn origin_missing(&self) -> Option<MissingValues> {
        self.plan.origin_missing.clone()
    }

    /// Rows left out while reading the switches, each named with its lines.
    pub(super) fn warnings(&self) -> Vec<Warning> {
        let plan = &self.plan;
        let left_out = |m: &MissingValues, reason| Warning::RowsLeftOut {
            column: m.column.clone(),
            reason,
            count: m.count,
            lines: m.lines.clone(),
            values: Vec::new(),
        };
        let mut warnings = Vec::new();
        if plan.zero_time.count > 0 {
            warnings.push(left_out(&plan.zero_time, LeftOutReason::ZeroTimeSwitch));
        }
        if let Some(m) = &plan.origin_missing {
            warnings.push(left_out(m, LeftOutReason::SwitchOriginMissing));
        }
        warnings
    }
}

/// The switch column's values as read (before rows are chosen).
enum SwitchSource {
    /// Switch times in the follow-up's units, per table row.
    Times(Vec<Option<f64>>),
    /// Switch and origin dates per table row, and the follow-up's unit.
    Dates {
        switch: Vec<Option<Date>>,
        origin: Vec<Option<Date>>,
        origin_column: String,
        unit: TimeUnit,
    },
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
    [DateOrder::DayMonthYear, DateOrder::MonthDayYear]
        .into_iter()
        .any(|o| parse_date(text, o).is_some())
}

fn looks_like_number(text: &str, decimal_comma: bool) -> bool {
    let t = text.trim();
    let t = if decimal_comma {
        t.replace(',', ".")
    } else {
        t.to_string()
    };
    t.parse::<f64>().is_ok_and(f64::is_finite)
}

/// The dates of column `name` at `rows` (other rows `None`). A column of
/// dates with one unreadable value is kept as text by the reader; that value
/// is named with its line.
fn dates_at(
    table: &Table,
    name: &str,
    role: &str,
    rows: &[usize],
) -> Result<Vec<Option<Date>>, String> {
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
    outcome: &SurvivalOutcome,
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
        SwitchSource::Dates {
            switch,
            origin,
            origin_column: origin_name,
            unit,
        }
    } else {
        SwitchSource::Times(
            numeric_column(table, name)
                .map_err(|e| e.to_string())?
                .values,
        )
    };

    let mut plan = SwitchPlan {
        keep: Vec::with_capacity(rows.len()),
        switch: Vec::with_capacity(rows.len()),
        origin_missing: None,
        zero_time: MissingValues {
            column: time_column.to_string(),
            count: 0,
            lines: Vec::new(),
        },
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
    if let SwitchSource::Dates {
        origin_column,
        unit,
        ..
    } = source
    {
        plan.origin = Some(origin_column);
        plan.unit = Some(unit);
    }
    Ok(plan)
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

/// `values` per source row, repeated for each of its (start, stop] rows.
fn per_episode<T: Copy>(values: &[T], source_rows: &[usize]) -> Vec<T> {
    source_rows
        .iter()
        .filter_map(|&k| values.get(k).copied())
        .collect()
}

/// The design with no covariate (a model of the time-varying status alone).
pub(super) fn empty_design(rows: &[usize]) -> Design {
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
    let mut covariates: Vec<Vec<f64>> = data
        .covariates
        .iter()
        .map(|c| per_episode(c, &split.row))
        .collect();
    covariates.push(
        split
            .switched
            .iter()
            .map(|&s| if s { 1.0 } else { 0.0 })
            .collect(),
    );
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

/// What the time-varying status is and how it was built, for the settings.
pub(super) fn time_varying_text(s: &TimeVaryingSummary, time: &str) -> String {
    let from = match (s.source, &s.origin, s.unit) {
        ("date", Some(origin), Some(unit)) => format!(
            "switch time = date in \"{}\" − date in \"{origin}\", in {}{}",
            s.column,
            unit.label(),
            match unit {
                TimeUnit::Days => "",
                TimeUnit::Weeks => " (1 week = 7 days)",
                TimeUnit::Months => " (1 month = 30.4375 days)",
                TimeUnit::Years => " (1 year = 365.25 days)",
            }
        ),
        _ => format!(
            "switch times from \"{}\", in the unit of \"{time}\"",
            s.column
        ),
    };
    let patients = |n: usize| format!("{n} patient{}", if n == 1 { "" } else { "s" });
    let mut counts = vec![format!(
        "{} switched during follow-up",
        patients(s.n_switched)
    )];
    if s.n_from_start > 0 {
        counts.push(format!(
            "{} had the status from the start",
            patients(s.n_from_start)
        ));
    }
    if s.n_after_follow_up > 0 {
        counts.push(format!(
            "{} switched only at or after their end of follow-up (0 throughout)",
            patients(s.n_after_follow_up)
        ));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyses::cox::tests::{request, table};
    use crate::analyses::cox::{run, CoxRequest};
    use crate::format;
    use crate::table::{read_csv, ReadOptions};

    /// heart (jasa1, one row per patient-period) as one row per patient:
    /// stop and event of the last row, covariates of the first, and the
    /// transplant switch time = start of the row with transplant = 1.
    /// Returns the wide CSV and the long rows (id, start, stop, event, transplant).
    type LongRow = (String, f64, f64, bool, bool);

    fn heart_wide() -> (String, Vec<LongRow>) {
        let path = format!(
            "{}/../../tests/reference/05_heart/data.csv",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        let (start, stop, event, tx, id) = (
            col("start"),
            col("stop"),
            col("event"),
            col("transplant"),
            col("id"),
        );
        let mut long = Vec::new();
        let mut wide: Vec<(String, Vec<String>, Option<String>)> = Vec::new();
        for line in lines {
            let f: Vec<&str> = line.split(',').collect();
            long.push((
                f[id].to_string(),
                f[start].parse().unwrap(),
                f[stop].parse().unwrap(),
                f[event] == "1",
                f[tx] == "1",
            ));
            let covs = vec![
                f[col("age")].to_string(),
                f[col("year")].to_string(),
                f[col("surgery")].to_string(),
            ];
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
                    wide.push((
                        f[id].to_string(),
                        values,
                        (f[tx] == "1").then(|| f[start].to_string()),
                    ));
                }
            }
        }
        let mut csv = String::from("id,stop,event,age,year,surgery,transplant_time\n");
        for (id, values, switch) in &wide {
            csv.push_str(&format!(
                "{id},{},{}\n",
                values.join(","),
                switch.clone().unwrap_or_default()
            ));
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
            ColumnData::Number(v) => v
                .iter()
                .map(|x| format::number(x.unwrap(), 0))
                .collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        let rows: Vec<LongRow> = (0..split.row.len())
            .map(|k| {
                (
                    ids[split.row[k]].clone(),
                    split.start[k],
                    split.stop[k],
                    split.event[k],
                    split.switched[k],
                )
            })
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
            let mut req = request(
                "stop",
                "event",
                "1",
                &["age", "year", "surgery", "transplant"],
            );
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
                let (a, b) = (
                    r.fit.robust.as_ref().unwrap(),
                    l.fit.robust.as_ref().unwrap(),
                );
                assert_eq!(a.n_clusters, 103);
                for j in 0..4 {
                    assert!(
                        (a.se[j].unwrap() - b.se[j].unwrap()).abs() <= 1e-10 * b.se[j].unwrap()
                    );
                }
                assert!(
                    r.settings_text
                        .contains("clustered by patient (103 patients"),
                    "{}",
                    r.settings_text
                );
            }
            assert_eq!(r.hr_table.rows.last().unwrap()[0], "transplant");
            assert_eq!(r.n_used, 103);
            assert_eq!(
                r.n_text,
                "103 of 103 patients analysed (172 rows after splitting at the switch; 69 switched), 75 events."
            );
            let tv = r.time_varying.as_ref().unwrap();
            assert_eq!((tv.n_switched, tv.n_from_start, tv.source), (69, 0, "time"));
            assert!(
                r.settings_text
                    .contains("Time-varying status \"transplant\""),
                "{}",
                r.settings_text
            );
            assert!(
                r.settings_text
                    .contains("Numeric covariates (age, year, surgery)"),
                "{}",
                r.settings_text
            );
        }
    }

    fn small(rows: &[(&str, &str, &str, &str)]) -> Table {
        // time (months), event, origin date, switch date
        let mut text = String::from("time,status,age,start_date,switch_date,switch_time\n");
        for (i, (time, status, origin, switch)) in rows.iter().enumerate() {
            text.push_str(&format!(
                "{time},{status},{},{origin},{switch},{}\n",
                50 + 3 * i,
                i % 3
            ));
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
        assert_eq!(
            (
                tv.n_patients,
                tv.n_switched,
                tv.n_from_start,
                tv.n_after_follow_up
            ),
            (7, 3, 1, 1)
        );
        assert_eq!(tv.name, "switch_date (time-varying)");
        let zero = r
            .warnings
            .iter()
            .find(|w| {
                matches!(
                    w,
                    Warning::RowsLeftOut {
                        reason: LeftOutReason::ZeroTimeSwitch,
                        ..
                    }
                )
            })
            .expect("the row with time 0 is named");
        assert!(
            zero.message()
                .starts_with("1 row left out (line 8): the follow-up time"),
            "{}",
            zero.message()
        );
        assert!(
            r.settings_text
                .contains("in months (1 month = 30.4375 days)"),
            "{}",
            r.settings_text
        );
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
            let s = if switch.is_empty() {
                String::new()
            } else {
                format!("{:?}", months(origin, switch))
            };
            text.push_str(&format!("{time},{status},{},{s}\n", 50 + 3 * i));
        }
        let n = read_csv(text.as_bytes(), &ReadOptions::default()).unwrap();
        let mut req = request("time", "status", "1", &["age"]);
        req.time_varying = Some(TimeVaryingSpec {
            column: "switch".into(),
            ..TimeVaryingSpec::default()
        });
        let rn = run(&n, &req).unwrap();
        assert_eq!(r.fit.coef, rn.fit.coef);
        // Without the unit or origin, or with a date before the origin: errors that say what to do.
        let err = run(&t, &date_request(None)).unwrap_err();
        assert!(err.contains("in which unit"), "{err}");
        let mut bad = SMALL;
        bad[2].3 = "2019-12-31";
        let err = run(&small(&bad), &date_request(Some(TimeUnit::Days))).unwrap_err();
        assert!(
            err.contains("line 4")
                && err.contains("2019-12-31 is before the origin date 2020-01-15"),
            "{err}"
        );
        bad[2].3 = "unknown";
        let err = run(&small(&bad), &date_request(Some(TimeUnit::Days))).unwrap_err();
        assert!(
            err.contains("Column \"switch_date\", line 4: \"unknown\" is not a date"),
            "{err}"
        );
        // A switch column combined with (start, stop] rows, or with no switch at all.
        let mut req = date_request(Some(TimeUnit::Days));
        req.start = Some("switch_time".into());
        assert!(run(&t, &req)
            .unwrap_err()
            .contains("cannot be combined with (start, stop] rows"));
        let none: Vec<_> = SMALL.iter().map(|&(a, b, c, _)| (a, b, c, "")).collect();
        let err = run(&small(&none), &date_request(Some(TimeUnit::Days))).unwrap_err();
        assert!(
            err.contains("0 (no switch during follow-up) for every patient"),
            "{err}"
        );
        // Negative switch time.
        let mut req = request("time", "status", "1", &["age"]);
        req.time_varying = Some(TimeVaryingSpec {
            column: "age".into(),
            ..TimeVaryingSpec::default()
        });
        assert!(run(&t, &req).unwrap_err().contains("untick it"));
    }
}
