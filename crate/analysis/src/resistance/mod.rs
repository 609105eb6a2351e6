//! Resistance to immune checkpoint inhibitors: the SITC taskforce categories
//! (Kluger et al., J Immunother Cancer 2020;8:e000398) with the four exclusions
//! and the "durable response" group of Cui et al., Cancer Immunol Immunother
//! 2025, or the simpler "progression within N months" rule (Zhang et al. 2024).
//!
//! Every threshold is a field of [`ResistanceOptions`]; [`describe_rules`]
//! prints the rule set in force, to be shown next to every result that depends
//! on it. Conventions used throughout:
//! - months are days / 30.4375 and weeks are 7 days; all durations are counted
//!   in whole days from the ICI start date (as the model paper measures "SD for
//!   less than six months"), and thresholds are compared in days, so 6 months
//!   = 182.625 days: progression on day 182 is "< 6 months", on day 183 is not;
//! - "at least" and "within" include the boundary, "more than" and "less
//!   than" exclude it (6 weeks of exposure = 42 days qualifies, 41 does not);
//! - the progression that matters is the first one; it "counts" when it
//!   happened on treatment or within the post-stop window (12 weeks) after the
//!   ICI stop date. "Without progression" in the exclusions means without a
//!   progression that counts.

mod best_response;
mod rules;

pub use best_response::BestResponse;

use serde::{Deserialize, Serialize};

use crate::dates::{Date, DAYS_PER_MONTH};

/// One patient's treatment course, as needed by the classification.
///
/// Build it with struct-update syntax from the table's columns (every field
/// except the start date may be missing):
/// ```
/// use survcalc_analysis::dates::Date;
/// use survcalc_analysis::resistance::{BestResponse, ResponseRecord};
/// let record = ResponseRecord {
///     patient_id: Some("P-017".into()),
///     best_response: Some(BestResponse::Sd),
///     first_evaluation: Date::from_ymd(2020, 3, 10),
///     progression: Date::from_ymd(2020, 5, 2),
///     last_contact: Date::from_ymd(2021, 1, 15),
///     ..ResponseRecord::new(Date::from_ymd(2020, 1, 20))
/// };
/// assert_eq!(record.start, Date::from_ymd(2020, 1, 20));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseRecord {
    /// Shown in reasons and problem lists; optional.
    pub patient_id: Option<String>,
    /// First dose of the immune checkpoint inhibitor (required).
    pub start: Option<Date>,
    /// Best overall response; `None` = not recorded (read cells with
    /// [`BestResponse::parse`]).
    pub best_response: Option<BestResponse>,
    /// Date of the first tumour response evaluation.
    pub first_evaluation: Option<Date>,
    /// Date of the first documented progression (RECIST PD).
    pub progression: Option<Date>,
    /// Date of the scan confirming the progression (used only when
    /// confirmation is required).
    pub confirmation_scan: Option<Date>,
    /// Rapid clinical deterioration at progression (waives the confirmation
    /// scan); `None` = not recorded, read as no.
    pub rapid_deterioration: Option<bool>,
    /// Last ICI dose / date the ICI was stopped; `None` = still on treatment
    /// at death or last contact.
    pub drug_stop: Option<Date>,
    /// Last date known alive (follow-up end when the patient is alive).
    pub last_contact: Option<Date>,
    /// Date of death from any cause.
    pub death: Option<Date>,
    /// Data cutoff: no date may be later; used as the follow-up end when
    /// neither death nor last contact is given.
    pub data_cutoff: Option<Date>,
}

impl ResponseRecord {
    /// A record with only the ICI start date set (`None` if the cell was
    /// empty or unreadable); fill the other fields with `..` syntax.
    pub fn new(start: Option<Date>) -> ResponseRecord {
        ResponseRecord {
            start,
            ..ResponseRecord::default()
        }
    }
}

/// Which rule set classifies the patients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleSet {
    /// SITC taskforce categories with the model paper's exclusions and
    /// durable-response group (Cui et al. 2025).
    Sitc,
    /// Primary resistance = first progression within N months of the start,
    /// secondary = later progression, "no progression" otherwise; no
    /// exclusions, best response not used (Zhang et al. 2024, N = 3).
    EarlyProgression,
}

/// How a CR/PR followed by progression within the SD-duration threshold
/// (6 months) is classed; Kluger et al. 2020 leave this case open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShortResponse {
    /// Primary resistance: the model paper's choice (its primary group holds 7
    /// patients with best response PR, Table 1) and that of later cohort
    /// papers.
    Primary,
    /// Secondary resistance (needs only the primary-resistance exposure).
    Secondary,
    /// Left unclassified, listed with the reason.
    Unclassifiable,
}

/// Thresholds and choices of the classification. Defaults follow the model
/// paper (Cui et al. 2025) and SITC (Kluger et al. 2020).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResistanceOptions {
    /// Rule set (default SITC).
    pub rule_set: RuleSet,
    /// Minimum ICI exposure for primary resistance, weeks (6).
    pub primary_min_exposure_weeks: f64,
    /// Minimum ICI exposure for secondary resistance, months (6).
    pub secondary_min_exposure_months: f64,
    /// Progression before this many months after the start makes SD (and,
    /// per `short_response`, CR/PR) primary resistance; at or after it,
    /// secondary (6).
    pub response_duration_months: f64,
    /// Minimum time without progression for durable response, months (6).
    pub durable_min_months: f64,
    /// Progression up to this many weeks after the ICI stop date still counts
    /// as resistance (12).
    pub post_stop_window_weeks: f64,
    /// Require a confirmation scan after the first PD (default false: the
    /// model paper describes none; SITC asks for one).
    pub require_confirmation: bool,
    /// Minimum weeks between first PD and the confirmation scan (4).
    pub confirmation_min_weeks: f64,
    /// Class of CR/PR with progression within `response_duration_months`
    /// (default primary, as the model paper).
    pub short_response: ShortResponse,
    /// Exclusion 2: first response evaluation more than this many months
    /// after the start (6).
    pub first_evaluation_max_months: f64,
    /// Exclusion 3: follow-up shorter than this many months without
    /// progression (6).
    pub min_follow_up_months: f64,
    /// N of the early-progression rule set, months (3).
    pub early_progression_months: f64,
}

impl Default for ResistanceOptions {
    fn default() -> Self {
        ResistanceOptions {
            rule_set: RuleSet::Sitc,
            primary_min_exposure_weeks: 6.0,
            secondary_min_exposure_months: 6.0,
            response_duration_months: 6.0,
            durable_min_months: 6.0,
            post_stop_window_weeks: 12.0,
            require_confirmation: false,
            confirmation_min_weeks: 4.0,
            short_response: ShortResponse::Primary,
            first_evaluation_max_months: 6.0,
            min_follow_up_months: 6.0,
            early_progression_months: 3.0,
        }
    }
}

/// The model paper's exclusions, in the order of its flow chart (Fig. 1),
/// which is also the order in which they are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionReason {
    /// No best overall response, or NE.
    ResponseUnevaluable,
    /// First response evaluation more than 6 months after the start.
    LateFirstEvaluation,
    /// Follow-up under 6 months without progression.
    ShortFollowUpWithoutProgression,
    /// ICI stopped without (counting) progression.
    DiscontinuedWithoutProgression,
}

impl ExclusionReason {
    /// All reasons in flow-chart order.
    pub const ALL: [ExclusionReason; 4] = [
        ExclusionReason::ResponseUnevaluable,
        ExclusionReason::LateFirstEvaluation,
        ExclusionReason::ShortFollowUpWithoutProgression,
        ExclusionReason::DiscontinuedWithoutProgression,
    ];

    /// Flow-chart wording, with the thresholds of `options`.
    pub fn label(self, options: &ResistanceOptions) -> String {
        match self {
            ExclusionReason::ResponseUnevaluable => "response unevaluable".to_string(),
            ExclusionReason::LateFirstEvaluation => format!(
                "first response evaluation > {} months from ICI initiation",
                fmt_number(options.first_evaluation_max_months)
            ),
            ExclusionReason::ShortFollowUpWithoutProgression => format!(
                "follow-up < {} months without PD",
                fmt_number(options.min_follow_up_months)
            ),
            ExclusionReason::DiscontinuedWithoutProgression => {
                "discontinuation of ICI treatment without PD".to_string()
            }
        }
    }
}

/// Why a patient could not be put in any group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnclassifiableReason {
    /// No ICI start date.
    MissingStartDate,
    /// No death, last-contact or data-cutoff date to end follow-up.
    MissingFollowUpDate,
    /// Dates contradict each other (e.g. progression before the start).
    InconsistentDates,
    /// Less ICI exposure than the group requires.
    InsufficientExposure,
    /// Confirmation required but no scan >= 4 weeks after PD and no rapid
    /// deterioration.
    UnconfirmedProgression,
    /// CR/PR then progression within 6 months, with `short_response =
    /// unclassifiable`.
    ShortResponse,
    /// No progression but followed for less than the durable-response time
    /// (possible only when that exceeds the follow-up exclusion threshold).
    ResponseTooShortForDurable,
}

impl UnclassifiableReason {
    /// All reasons, in the order they are reported.
    pub const ALL: [UnclassifiableReason; 7] = [
        UnclassifiableReason::MissingStartDate,
        UnclassifiableReason::MissingFollowUpDate,
        UnclassifiableReason::InconsistentDates,
        UnclassifiableReason::InsufficientExposure,
        UnclassifiableReason::UnconfirmedProgression,
        UnclassifiableReason::ShortResponse,
        UnclassifiableReason::ResponseTooShortForDurable,
    ];

    /// Short wording for counts.
    pub fn label(self) -> &'static str {
        match self {
            UnclassifiableReason::MissingStartDate => "no ICI start date",
            UnclassifiableReason::MissingFollowUpDate => "no follow-up end date",
            UnclassifiableReason::InconsistentDates => "contradictory dates",
            UnclassifiableReason::InsufficientExposure => "ICI exposure too short",
            UnclassifiableReason::UnconfirmedProgression => "progression not confirmed",
            UnclassifiableReason::ShortResponse => "CR/PR with early progression (left open)",
            UnclassifiableReason::ResponseTooShortForDurable => {
                "no progression, but too short for durable response"
            }
        }
    }
}

/// A patient's group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    PrimaryResistance,
    SecondaryResistance,
    /// CR/PR/SD without progression for at least 6 months (model paper).
    DurableResponse,
    /// Early-progression rule set only: no progression recorded.
    NoProgression,
    Excluded(ExclusionReason),
    Unclassifiable(UnclassifiableReason),
}

impl Group {
    /// True for the analysed groups (primary, secondary, durable, no
    /// progression).
    pub fn is_analysed(self) -> bool {
        !matches!(self, Group::Excluded(_) | Group::Unclassifiable(_))
    }

    /// "primary resistance", "excluded: response unevaluable", ...
    pub fn label(self, options: &ResistanceOptions) -> String {
        match self {
            Group::PrimaryResistance => "primary resistance".to_string(),
            Group::SecondaryResistance => "secondary resistance".to_string(),
            Group::DurableResponse => "durable response".to_string(),
            Group::NoProgression => "no progression".to_string(),
            Group::Excluded(reason) => format!("excluded: {}", reason.label(options)),
            Group::Unclassifiable(reason) => format!("unclassifiable: {}", reason.label()),
        }
    }
}

/// One patient's classification.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatientClassification {
    /// 0-based index of the record in the input.
    pub row: usize,
    pub patient_id: Option<String>,
    pub group: Group,
    /// Why, with the numbers, e.g. "BOR SD, progression at 3.1 months (< 6
    /// months after ICI start): primary resistance".
    pub reason: String,
}

/// Count of one exclusion reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExclusionCount {
    pub reason: ExclusionReason,
    pub label: String,
    pub count: usize,
}

/// Count of one unclassifiable reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnclassifiableCount {
    pub reason: UnclassifiableReason,
    pub label: String,
    pub count: usize,
}

/// The flow chart: screened = unclassifiable + excluded + analysed, and
/// analysed = primary + secondary + durable + no progression.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowCounts {
    pub screened: usize,
    pub unclassifiable: usize,
    /// Every reason, in [`UnclassifiableReason::ALL`] order, zeros included.
    pub unclassifiable_by_reason: Vec<UnclassifiableCount>,
    pub excluded: usize,
    /// The four exclusions in flow-chart order, zeros included.
    pub excluded_by_reason: Vec<ExclusionCount>,
    pub analysed: usize,
    pub primary_resistance: usize,
    pub secondary_resistance: usize,
    pub durable_response: usize,
    pub no_progression: usize,
}

impl FlowCounts {
    /// The flow chart as printable lines (zero counts of unclassifiable
    /// reasons and empty groups of the other rule set are left out).
    pub fn lines(&self, rule_set: RuleSet) -> Vec<String> {
        let mut lines = vec![format!("Screened: {}", self.screened)];
        if self.unclassifiable > 0 {
            lines.push(format!("Unclassifiable: {}", self.unclassifiable));
            for c in self.unclassifiable_by_reason.iter().filter(|c| c.count > 0) {
                lines.push(format!("  {}: {}", c.label, c.count));
            }
        }
        if rule_set == RuleSet::Sitc {
            lines.push(format!("Excluded: {}", self.excluded));
            for c in &self.excluded_by_reason {
                lines.push(format!("  {}: {}", c.label, c.count));
            }
        }
        lines.push(format!("Analysed: {}", self.analysed));
        let pct = |n: usize| {
            if self.analysed == 0 {
                String::new()
            } else {
                format!(" ({:.1}%)", 100.0 * n as f64 / self.analysed as f64)
            }
        };
        lines.push(format!(
            "  primary resistance: {}{}",
            self.primary_resistance,
            pct(self.primary_resistance)
        ));
        lines.push(format!(
            "  secondary resistance: {}{}",
            self.secondary_resistance,
            pct(self.secondary_resistance)
        ));
        match rule_set {
            RuleSet::Sitc => lines.push(format!(
                "  durable response: {}{}",
                self.durable_response,
                pct(self.durable_response)
            )),
            RuleSet::EarlyProgression => lines.push(format!(
                "  no progression: {}{}",
                self.no_progression,
                pct(self.no_progression)
            )),
        }
        lines
    }
}

/// Result of [`classify`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    pub rule_set: RuleSet,
    /// One entry per input record, in input order.
    pub patients: Vec<PatientClassification>,
    pub flow: FlowCounts,
    /// The rule set and thresholds in force ([`describe_rules`]).
    pub rules: Vec<String>,
    /// Counts of non-fatal problems (the cohort request words them).
    pub notes: ClassificationNotes,
}

/// Patients the rules could not judge fully, counted for the warnings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ClassificationNotes {
    /// A best response but no first-evaluation date: the exclusion "first
    /// response evaluation > `first_evaluation_max_months`" was not checked.
    pub no_first_evaluation: usize,
    /// Early-progression rules: without progression and followed for less
    /// than `early_progression_months`, counted as "no progression".
    pub short_follow_up_without_progression: usize,
}

/// Errors of this module.
#[derive(Debug, Clone, PartialEq)]
pub enum ResistanceError {
    /// No records to classify.
    EmptyInput,
    /// A threshold is negative, zero where it must be positive, or not a
    /// number.
    InvalidThreshold { name: &'static str, value: f64 },
    /// A best-response cell that is not a recognised spelling.
    UnknownBestResponse { value: String },
}

impl std::fmt::Display for ResistanceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResistanceError::EmptyInput => {
                write!(
                    f,
                    "There are no patients to classify: the data has no rows."
                )
            }
            ResistanceError::InvalidThreshold { name, value } => write!(
                f,
                "The resistance threshold '{name}' is {value}; it must be a number of 0 or more \
                 (the early-progression months must be more than 0)."
            ),
            ResistanceError::UnknownBestResponse { value } => write!(
                f,
                "The best overall response '{value}' is not recognised. Use CR, PR, SD, PD or NE \
                 (or the words, e.g. 'stable disease'); leave the cell empty if it is unknown."
            ),
        }
    }
}

impl std::error::Error for ResistanceError {}

/// Classifies every record with the chosen rule set.
///
/// SITC (default): checks, in this order, (a) data problems (missing start or
/// follow-up date, contradictory dates) -> unclassifiable; (b) the four
/// exclusions in the flow-chart order of the model paper (a patient meeting
/// several is counted once, under the first); (c) the groups. See the module
/// documentation for the conventions.
pub fn classify(
    records: &[ResponseRecord],
    options: &ResistanceOptions,
) -> Result<Classification, ResistanceError> {
    if records.is_empty() {
        return Err(ResistanceError::EmptyInput);
    }
    let limits = rules::Limits::from_options(options)?;
    let mut notes = ClassificationNotes::default();
    let patients: Vec<PatientClassification> = records
        .iter()
        .enumerate()
        .map(|(row, record)| {
            let verdict = rules::classify_record(record, options, &limits, &mut notes);
            PatientClassification {
                row,
                patient_id: record.patient_id.clone(),
                group: verdict.group,
                reason: verdict.reason,
            }
        })
        .collect();
    let flow = count_flow(&patients, options);
    Ok(Classification {
        rule_set: options.rule_set,
        patients,
        flow,
        rules: describe_rules(options),
        notes,
    })
}

fn count_flow(patients: &[PatientClassification], options: &ResistanceOptions) -> FlowCounts {
    let mut excluded = [0usize; 4];
    let mut unclassifiable = [0usize; UnclassifiableReason::ALL.len()];
    let mut flow = FlowCounts {
        screened: patients.len(),
        unclassifiable: 0,
        unclassifiable_by_reason: Vec::new(),
        excluded: 0,
        excluded_by_reason: Vec::new(),
        analysed: 0,
        primary_resistance: 0,
        secondary_resistance: 0,
        durable_response: 0,
        no_progression: 0,
    };
    for p in patients {
        match p.group {
            Group::PrimaryResistance => flow.primary_resistance += 1,
            Group::SecondaryResistance => flow.secondary_resistance += 1,
            Group::DurableResponse => flow.durable_response += 1,
            Group::NoProgression => flow.no_progression += 1,
            Group::Excluded(reason) => {
                if let Some(i) = ExclusionReason::ALL.iter().position(|r| *r == reason) {
                    excluded[i] += 1;
                }
            }
            Group::Unclassifiable(reason) => {
                if let Some(i) = UnclassifiableReason::ALL.iter().position(|r| *r == reason) {
                    unclassifiable[i] += 1;
                }
            }
        }
    }
    flow.excluded = excluded.iter().sum();
    flow.unclassifiable = unclassifiable.iter().sum();
    flow.analysed = flow.primary_resistance
        + flow.secondary_resistance
        + flow.durable_response
        + flow.no_progression;
    flow.excluded_by_reason = ExclusionReason::ALL
        .iter()
        .zip(excluded)
        .map(|(reason, count)| ExclusionCount {
            reason: *reason,
            label: reason.label(options),
            count,
        })
        .collect();
    flow.unclassifiable_by_reason = UnclassifiableReason::ALL
        .iter()
        .zip(unclassifiable)
        .map(|(reason, count)| UnclassifiableCount {
            reason: *reason,
            label: reason.label().to_string(),
            count,
        })
        .collect();
    flow
}

/// The rule set and every threshold as printable lines, to show next to any
/// result that depends on the classification.
pub fn describe_rules(options: &ResistanceOptions) -> Vec<String> {
    let n = fmt_number;
    let mut lines = Vec::new();
    match options.rule_set {
        RuleSet::Sitc => {
            lines.push(
                "Rule set: SITC immunotherapy resistance taskforce (Kluger et al. 2020), with the \
                 exclusions and durable-response group of Cui et al. 2025."
                    .to_string(),
            );
            lines.push(format!(
                "Exclusions, checked in this order (a patient meeting several is counted under the \
                 first): 1. response unevaluable (no best overall response, or NE); 2. first response \
                 evaluation more than {} months after ICI start; 3. follow-up under {} months without \
                 progression; 4. ICI stopped without progression.",
                n(options.first_evaluation_max_months),
                n(options.min_follow_up_months)
            ));
            lines.push(format!(
                "Primary resistance: ICI exposure of at least {} weeks and best overall response PD, \
                 or SD with progression less than {} months after ICI start.",
                n(options.primary_min_exposure_weeks),
                n(options.response_duration_months)
            ));
            lines.push(match options.short_response {
                ShortResponse::Primary => format!(
                    "CR/PR with progression less than {} months after ICI start: primary resistance \
                     (as in the model paper).",
                    n(options.response_duration_months)
                ),
                ShortResponse::Secondary => format!(
                    "CR/PR with progression less than {} months after ICI start: secondary resistance \
                     (needs {} weeks of exposure).",
                    n(options.response_duration_months),
                    n(options.primary_min_exposure_weeks)
                ),
                ShortResponse::Unclassifiable => format!(
                    "CR/PR with progression less than {} months after ICI start: left unclassified \
                     (SITC leaves this case open).",
                    n(options.response_duration_months)
                ),
            });
            lines.push(format!(
                "Secondary resistance: ICI exposure of at least {} months and best overall response \
                 CR, PR or SD, with progression {} months or more after ICI start.",
                n(options.secondary_min_exposure_months),
                n(options.response_duration_months)
            ));
            lines.push(format!(
                "Durable response: best overall response CR, PR or SD, ICI not stopped, and no \
                 progression during at least {} months of follow-up (to death, last contact or \
                 data cutoff).",
                n(options.durable_min_months)
            ));
            lines.push(format!(
                "Progression up to {} weeks after the last ICI dose counts as resistance; later \
                 progression does not (the patient stopped ICI without progression).",
                n(options.post_stop_window_weeks)
            ));
            lines.push(if options.require_confirmation {
                format!(
                    "Confirmation scan required: at least {} weeks after the first PD, unless rapid \
                     clinical deterioration is recorded.",
                    n(options.confirmation_min_weeks)
                )
            } else {
                "Confirmation scan not required (the model paper describes none; SITC recommends \
                 one at least 4 weeks after the first PD)."
                    .to_string()
            });
        }
        RuleSet::EarlyProgression => {
            lines.push(format!(
                "Rule set: progression within {} months of ICI start (Zhang et al. 2024); no \
                 exclusions, best overall response not used.",
                n(options.early_progression_months)
            ));
            lines.push(format!(
                "Primary resistance: first progression within {} months (boundary included); \
                 secondary resistance: first progression later; no progression: no progression \
                 date recorded, whatever the follow-up.",
                n(options.early_progression_months)
            ));
        }
    }
    lines.push(
        "Durations are counted in days from the ICI start date; months = days / 30.4375, weeks = \
         7 days."
            .to_string(),
    );
    lines
}

/// 6 -> "6", 5.5 -> "5.5".
fn fmt_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e9 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Days as months with one decimal; two decimals and the days when one decimal
/// would print the threshold itself (5.98 months would read "6.0").
fn fmt_months(days: i32, threshold_months: f64) -> String {
    let months = days as f64 / DAYS_PER_MONTH;
    if (months * 10.0).round() == (threshold_months * 10.0).round() {
        format!("{months:.2} months ({days} days)")
    } else {
        format!("{months:.1} months")
    }
}
