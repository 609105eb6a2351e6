//! From raw dates to analysis columns: derived endpoints (OS, TTP, PFS,
//! PPS) and resistance groups (SITC or progression within N months), added
//! to the dataset as new columns that every later analysis can use.

use crate::dates::{Date, TimeUnit};
use crate::derive::free_name;
use crate::endpoints::{
    self, AllEndpoints, EndpointOptions, EndpointTimes, PatientDates, RecordProblem,
};
use crate::export::csv_line;
use crate::plot::figure::{FlowFigure, PrintSpec, SizePreset};
use crate::plot::flow::{FlowChart, FlowCount};
use crate::provenance::{Derivation, DerivedColumn};
use crate::resistance::{
    self, BestResponse, Classification, ClassificationNotes, FlowCounts, Group, ResistanceOptions,
    ResponseRecord, RuleSet,
};
use crate::table::{Column, ColumnData, ColumnKind, Table};
use crate::warning::Warning;
use serde::{Deserialize, Serialize};

/// Which column holds each date or fact (names; empty/absent = not in the file).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct CohortColumns {
    pub patient_id: Option<String>,
    pub start: Option<String>,
    pub best_response: Option<String>,
    pub first_evaluation: Option<String>,
    pub progression: Option<String>,
    pub confirmation_scan: Option<String>,
    pub rapid_deterioration: Option<String>,
    pub drug_stop: Option<String>,
    pub last_assessment: Option<String>,
    pub last_contact: Option<String>,
    pub death: Option<String>,
    pub data_cutoff: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CohortRequest {
    pub columns: CohortColumns,
    pub rules: ResistanceOptions,
    pub unit: TimeUnit,
    /// How the flow chart looks and prints.
    pub figure: FlowFigure,
}

impl Default for CohortRequest {
    fn default() -> Self {
        CohortRequest {
            columns: CohortColumns::default(),
            rules: ResistanceOptions::default(),
            unit: TimeUnit::Months,
            figure: FlowFigure::default(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct EndpointSummary {
    pub name: &'static str,
    pub definition: String,
    pub time_column: String,
    pub event_column: String,
    pub n: usize,
    pub n_events: usize,
    pub problems: Vec<RecordProblem>,
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PatientRow {
    pub line: u64,
    pub patient_id: String,
    pub group: String,
    pub reason: String,
}

/// One level of the group column: the group and its label (the value in
/// the column), so that the page can pick a group without reading words.
#[derive(Debug, Serialize)]
pub struct GroupLevel {
    pub group: Group,
    pub label: String,
}

#[derive(Debug, Serialize)]
pub struct CohortResult {
    /// Unit of the derived times ("months", "days", "years").
    pub unit: &'static str,
    pub flow: FlowCounts,
    pub flow_lines: Vec<String>,
    /// Input of `drawFlowChart` / `flowChartSvg`.
    pub flow_chart: FlowChart,
    pub rules: Vec<String>,
    pub group_column: String,
    /// The levels of `group_column`, in order.
    pub group_levels: Vec<GroupLevel>,
    pub endpoints: Vec<EndpointSummary>,
    /// One row per patient (at most `MAX_LISTED_PATIENTS`).
    pub patients: Vec<PatientRow>,
    pub n_patients: usize,
    /// The columns added (or replaced: a classification replaces the
    /// columns of an earlier one, never a column of the file or one the
    /// user derived; a name in use gets another, with a note).
    pub new_columns: Vec<String>,
    pub warnings: Vec<Warning>,
    /// Every patient's row, for the CSV export ([`patients_csv`]); not sent
    /// with the result.
    #[serde(skip)]
    pub all_patients: Vec<PatientRow>,
}

const MAX_LISTED_PATIENTS: usize = 2000;
pub const GROUP_COLUMN: &str = "resistance_group";
pub const REASON_COLUMN: &str = "resistance_reason";

fn dates(table: &Table, name: &Option<String>, role: &str) -> Result<Vec<Option<Date>>, String> {
    let Some(name) = name.as_ref().filter(|n| !n.is_empty()) else {
        return Ok(vec![None; table.n_rows()]);
    };
    let column = table.require(name).map_err(|e| e.to_string())?;
    match &column.data {
        ColumnData::Date(v) => Ok(v.clone()),
        _ if column.kind == ColumnKind::AmbiguousDate => Err(format!(
            "Column \"{name}\" ({role}) holds dates whose day/month order cannot be told from the values; choose day/month/year or month/day/year for it."
        )),
        _ => Err(format!(
            "Column \"{name}\" ({role}) holds {}, not dates; choose a date column or declare its date format.",
            column.kind.describe()
        )),
    }
}

fn texts(table: &Table, name: &Option<String>) -> Result<Vec<Option<String>>, String> {
    let Some(name) = name.as_ref().filter(|n| !n.is_empty()) else {
        return Ok(vec![None; table.n_rows()]);
    };
    let column = table.require(name).map_err(|e| e.to_string())?;
    Ok((0..table.n_rows())
        .map(|r| column.data.display(r))
        .collect())
}

fn yes_no(value: &str) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// Adds a column under its name, or the next free one (`os_months_2`)
/// when the name is taken by a column of the file or one the user derived:
/// only an earlier classification's column is replaced. Returns the name
/// used; a renaming is noted in `warnings`.
fn put_column(table: &mut Table, mut column: Column, warnings: &mut Vec<Warning>) -> String {
    let classification_column =
        |c: &Column| c.derived.as_ref().is_some_and(|d| !d.column.user_defined());
    let (name, replaces, note) = free_name(table, &column.name, classification_column);
    warnings.extend(note);
    column.name = name.clone();
    match table
        .columns
        .iter_mut()
        .find(|c| c.name == name)
        .filter(|_| replaces)
    {
        Some(existing) => *existing = column,
        None => table.columns.push(column),
    }
    name
}

/// The per-patient classification as CSV (file line, patient id, group,
/// reason), formula-defused like every export.
pub fn patients_csv(patients: &[PatientRow]) -> String {
    let mut out = csv_line(&[
        "line".to_string(),
        "patient_id".to_string(),
        "group".to_string(),
        "reason".to_string(),
    ]);
    for p in patients {
        out.push_str(&csv_line(&[
            p.line.to_string(),
            p.patient_id.clone(),
            p.group.clone(),
            p.reason.clone(),
        ]));
    }
    out
}

/// A column this request adds: its reason for the page ("derived: ...")
/// and its provenance (what the immortal-time caution reads).
fn derived_column(
    name: String,
    kind: ColumnKind,
    derived: Derivation,
    n_missing: usize,
    data: ColumnData,
) -> Column {
    Column {
        name,
        kind,
        reason: format!("derived: {}", derived.description),
        declared: false,
        n_missing,
        data,
        looks_like_dates: false,
        derived: Some(derived),
        reading: Default::default(),
    }
}

fn number_column(name: String, derived: Derivation, values: Vec<Option<f64>>) -> Column {
    let n_missing = values.iter().filter(|v| v.is_none()).count();
    derived_column(
        name,
        ColumnKind::Number,
        derived,
        n_missing,
        ColumnData::Number(values),
    )
}

fn add_endpoint(
    table: &mut Table,
    e: &EndpointTimes,
    short: &'static str,
    unit: TimeUnit,
    renamed: &mut Vec<Warning>,
) -> EndpointSummary {
    let n = table.n_rows();
    let mut time = vec![None; n];
    let mut event = vec![None; n];
    for ((&row, &t), &ev) in e.rows.iter().zip(&e.time).zip(&e.event) {
        if let (Some(tc), Some(ec)) = (time.get_mut(row), event.get_mut(row)) {
            *tc = Some(t);
            *ec = Some(if ev { 1.0 } else { 0.0 });
        }
    }
    let time_name = format!("{short}_{}", unit.label());
    let event_name = format!("{short}_event");
    let endpoint = e.endpoint;
    let time_name = put_column(
        table,
        number_column(
            time_name,
            Derivation::endpoint_time(endpoint, e.definition.clone()),
            time,
        ),
        renamed,
    );
    let event_definition = format!("{short} event (1 = event, 0 = censored)");
    let event_name = put_column(
        table,
        number_column(
            event_name,
            Derivation::endpoint_event(endpoint, event_definition),
            event,
        ),
        renamed,
    );
    EndpointSummary {
        name: short,
        definition: e.definition.clone(),
        time_column: time_name,
        event_column: event_name,
        n: e.rows.len(),
        n_events: e.n_events,
        problems: e.problems.clone(),
        warnings: endpoint_warnings(e),
    }
}

/// Records left out of an endpoint, and the dates it used instead of
/// missing or contradictory ones.
fn endpoint_warnings(e: &EndpointTimes) -> Vec<Warning> {
    let endpoint = e.endpoint;
    let mut warnings = Vec::new();
    if !e.problems.is_empty() {
        warnings.push(Warning::EndpointRecordsLeftOut {
            endpoint,
            count: e.problems.len(),
        });
    }
    if e.censored_without_assessment > 0 {
        warnings.push(Warning::CensoredWithoutAssessment {
            endpoint,
            count: e.censored_without_assessment,
        });
    }
    if e.last_contact_after_death > 0 {
        warnings.push(Warning::LastContactAfterDeath {
            endpoint,
            count: e.last_contact_after_death,
        });
    }
    if e.rows.is_empty() {
        warnings.push(Warning::EndpointWithoutPatients { endpoint });
    }
    warnings
}

/// The patients the classification rules could not judge fully.
fn classification_warnings(notes: &ClassificationNotes, rules: &ResistanceOptions) -> Vec<Warning> {
    let mut warnings = Vec::new();
    if notes.no_first_evaluation > 0 {
        warnings.push(Warning::FirstEvaluationUnchecked {
            count: notes.no_first_evaluation,
            max_months: rules.first_evaluation_max_months,
        });
    }
    if notes.short_follow_up_without_progression > 0 {
        warnings.push(Warning::ShortFollowUpWithoutProgression {
            count: notes.short_follow_up_without_progression,
            months: rules.early_progression_months,
        });
    }
    warnings
}

pub fn run(table: &mut Table, request: &CohortRequest) -> Result<CohortResult, String> {
    let c = &request.columns;
    if c.start.as_deref().unwrap_or("").is_empty() {
        return Err(
            "Choose the column with the treatment start date (e.g. the first ICI dose).".into(),
        );
    }
    let start = dates(table, &c.start, "treatment start")?;
    let first_evaluation = dates(table, &c.first_evaluation, "first response evaluation")?;
    let progression = dates(table, &c.progression, "progression")?;
    let confirmation = dates(table, &c.confirmation_scan, "confirmation scan")?;
    let drug_stop = dates(table, &c.drug_stop, "treatment stop")?;
    let last_assessment = dates(table, &c.last_assessment, "last assessment")?;
    let last_contact = dates(table, &c.last_contact, "last contact")?;
    let death = dates(table, &c.death, "death")?;
    let cutoff = dates(table, &c.data_cutoff, "data cutoff")?;
    let ids = texts(table, &c.patient_id)?;
    let bor_text = texts(table, &c.best_response)?;
    let deterioration = texts(table, &c.rapid_deterioration)?;

    let n = table.n_rows();
    let mut records = Vec::with_capacity(n);
    let mut patient_dates = Vec::with_capacity(n);
    for row in 0..n {
        let line = table.line_of(row).unwrap_or(0);
        let best_response = match &bor_text[row] {
            None => None,
            Some(text) => BestResponse::parse(text).map_err(|e| {
                format!(
                    "Column \"{}\", line {line}: \"{text}\" is not a best overall response ({e}). Use CR, PR, SD, PD or NE.",
                    c.best_response.as_deref().unwrap_or("")
                )
            })?,
        };
        let rapid = match &deterioration[row] {
            None => None,
            Some(text) => Some(yes_no(text).ok_or_else(|| {
                format!(
                    "Column \"{}\", line {line}: \"{text}\" is not yes/no.",
                    c.rapid_deterioration.as_deref().unwrap_or("")
                )
            })?),
        };
        records.push(ResponseRecord {
            patient_id: ids[row].clone(),
            start: start[row],
            best_response,
            first_evaluation: first_evaluation[row],
            progression: progression[row],
            confirmation_scan: confirmation[row],
            rapid_deterioration: rapid,
            drug_stop: drug_stop[row],
            last_contact: last_contact[row],
            death: death[row],
            data_cutoff: cutoff[row],
        });
        patient_dates.push(PatientDates {
            patient_id: ids[row].clone(),
            start: start[row],
            progression: progression[row],
            death: death[row],
            last_contact: last_contact[row].or(cutoff[row]),
            last_assessment: last_assessment[row],
        });
    }

    let classification: Classification =
        resistance::classify(&records, &request.rules).map_err(|e| e.to_string())?;
    let all: AllEndpoints =
        endpoints::derive_all(&patient_dates, &EndpointOptions { unit: request.unit })
            .map_err(|e| e.to_string())?;

    // The group column: the analysed groups as categories (excluded and
    // unclassifiable patients are missing, so analyses by group leave them
    // out and say so), and the reason for every patient as text.
    let analysed_levels: Vec<Group> = match request.rules.rule_set {
        RuleSet::Sitc => vec![
            Group::PrimaryResistance,
            Group::SecondaryResistance,
            Group::DurableResponse,
        ],
        RuleSet::EarlyProgression => vec![
            Group::PrimaryResistance,
            Group::SecondaryResistance,
            Group::NoProgression,
        ],
    };
    let levels: Vec<String> = analysed_levels
        .iter()
        .map(|g| g.label(&request.rules))
        .collect();
    let group_levels: Vec<GroupLevel> = analysed_levels
        .iter()
        .zip(&levels)
        .map(|(&group, label)| GroupLevel {
            group,
            label: label.clone(),
        })
        .collect();
    let codes: Vec<Option<u32>> = classification
        .patients
        .iter()
        .map(|p| {
            analysed_levels
                .iter()
                .position(|g| *g == p.group)
                .map(|i| i as u32)
        })
        .collect();
    let n_missing = codes.iter().filter(|c| c.is_none()).count();
    let mut renamed = Vec::new();
    let group_column = put_column(
        table,
        derived_column(
            GROUP_COLUMN.into(),
            ColumnKind::Category,
            Derivation::resistance(
                DerivedColumn::ResistanceGroup,
                "resistance group (excluded patients are missing)",
            ),
            n_missing,
            ColumnData::Category { codes, levels },
        ),
        &mut renamed,
    );
    let reasons: Vec<Option<String>> = classification
        .patients
        .iter()
        .map(|p| Some(format!("{}: {}", p.group.label(&request.rules), p.reason)))
        .collect();
    let reason_column = put_column(
        table,
        derived_column(
            REASON_COLUMN.into(),
            ColumnKind::Text,
            Derivation::resistance(
                DerivedColumn::ResistanceReason,
                "why each patient is in their group",
            ),
            0,
            ColumnData::Text(reasons),
        ),
        &mut renamed,
    );

    let endpoints = vec![
        add_endpoint(table, &all.os, "os", request.unit, &mut renamed),
        add_endpoint(table, &all.ttp, "ttp", request.unit, &mut renamed),
        add_endpoint(table, &all.pfs, "pfs", request.unit, &mut renamed),
        add_endpoint(table, &all.pps, "pps", request.unit, &mut renamed),
    ];
    let mut new_columns = vec![group_column.clone(), reason_column];
    for e in &endpoints {
        new_columns.push(e.time_column.clone());
        new_columns.push(e.event_column.clone());
    }

    let all_patients: Vec<PatientRow> = classification
        .patients
        .iter()
        .map(|p| PatientRow {
            line: table.line_of(p.row).unwrap_or(0),
            patient_id: p.patient_id.clone().unwrap_or_default(),
            group: p.group.label(&request.rules),
            reason: p.reason.clone(),
        })
        .collect();
    let patients = all_patients
        .iter()
        .take(MAX_LISTED_PATIENTS)
        .cloned()
        .collect();
    let mut warnings = renamed;
    warnings.extend(classification_warnings(
        &classification.notes,
        &request.rules,
    ));
    request.figure.check()?;
    let flow_chart = flow_chart(&classification, &request.rules, &request.figure);
    Ok(CohortResult {
        flow_chart,
        unit: request.unit.label(),
        flow_lines: classification.flow.lines(classification.rule_set),
        flow: classification.flow,
        rules: classification.rules,
        group_column,
        group_levels,
        endpoints,
        patients,
        n_patients: n,
        new_columns,
        warnings,
        all_patients,
    })
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// The CONSORT-style chart of the model paper's Fig. 1 from the counts;
/// unclassifiable patients (contradictory or missing dates) are listed
/// among the exclusions with their reason, so every screened patient is
/// accounted for.
fn flow_chart(c: &Classification, rules: &ResistanceOptions, figure: &FlowFigure) -> FlowChart {
    let f = &c.flow;
    let count = |label: String, n: usize| FlowCount {
        label,
        count: n as u64,
    };
    let mut exclusions: Vec<FlowCount> = f
        .excluded_by_reason
        .iter()
        .filter(|e| e.count > 0)
        .map(|e| count(capitalised(&e.label), e.count))
        .collect();
    exclusions.extend(
        f.unclassifiable_by_reason
            .iter()
            .filter(|u| u.count > 0)
            .map(|u| count(format!("Unclassifiable: {}", u.label), u.count)),
    );
    let groups: Vec<(Group, usize)> = match c.rule_set {
        RuleSet::Sitc => vec![
            (Group::PrimaryResistance, f.primary_resistance),
            (Group::SecondaryResistance, f.secondary_resistance),
            (Group::DurableResponse, f.durable_response),
        ],
        RuleSet::EarlyProgression => vec![
            (Group::PrimaryResistance, f.primary_resistance),
            (Group::SecondaryResistance, f.secondary_resistance),
            (Group::NoProgression, f.no_progression),
        ],
    };
    FlowChart {
        title: figure.title.clone().unwrap_or_default(),
        screened: count("Patients screened".into(), f.screened),
        excluded_label: "Excluded".into(),
        exclusions,
        analysed: count("Analysed".into(), f.analysed),
        groups: groups
            .into_iter()
            .map(|(g, n)| count(capitalised(&g.label(rules)), n))
            .collect(),
        notes: c.rules.iter().take(1).cloned().collect(),
        print: PrintSpec::new(&figure.output, SizePreset::OneAndHalfColumn, 1.0),
    }
}

/// Column suggestions for the cohort form, from names.
pub fn suggest_columns(table: &Table) -> CohortColumns {
    let find = |words: &[&str], want_date: bool| -> Option<String> {
        table
            .columns
            .iter()
            .filter(|c| {
                !want_date || matches!(c.kind, ColumnKind::Date(_) | ColumnKind::AmbiguousDate)
            })
            .find(|c| {
                let l = c.name.to_lowercase();
                words.iter().any(|w| l.contains(w))
            })
            .map(|c| c.name.clone())
    };
    CohortColumns {
        patient_id: find(&["patient_id", "patient", "id"], false),
        start: find(
            &["ici_start", "start", "first_dose", "treatment_date"],
            true,
        ),
        best_response: find(&["best_overall_response", "best_response", "bor"], false),
        first_evaluation: find(
            &["first_evaluation", "first_assessment", "first_response"],
            true,
        ),
        progression: find(&["progression_date", "progression", "pd_date"], true),
        confirmation_scan: find(&["confirmation"], true),
        rapid_deterioration: find(&["rapid_deterioration", "deterioration"], false),
        drug_stop: find(&["stop", "discontinu", "end_of_treatment"], true),
        last_assessment: find(&["last_assessment", "last_evaluation", "last_scan"], true),
        last_contact: find(
            &["last_contact", "last_follow", "last_seen", "last_known"],
            true,
        ),
        death: find(&["death", "died"], true),
        data_cutoff: find(&["cutoff", "cut_off"], true),
    }
}
