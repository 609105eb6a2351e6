//! Time-to-event endpoints from per-patient dates: overall survival (OS), time
//! to progression (TTP), progression-free survival (PFS) and post-progression
//! survival (PPS), as defined in Cui et al., Cancer Immunol Immunother 2025.
//!
//! Output is the (time, event) pair R's `Surv(time, event)` takes. Records
//! whose dates an endpoint needs are missing or contradictory are listed with
//! the reason and left out of that endpoint only. A record is judged only on
//! the dates the endpoint uses: an OS record is not dropped because its
//! progression date is wrong. Times of zero (e.g. progression on the start
//! date, death on the progression date) are kept, as R's survfit keeps them.

use serde::{Deserialize, Serialize};

use crate::dates::{Date, TimeUnit};

/// One patient's dates. Build it from the table's columns with
/// struct-update syntax; every field may be missing:
/// ```
/// use survcalc_analysis::dates::Date;
/// use survcalc_analysis::endpoints::PatientDates;
/// let patient = PatientDates {
///     patient_id: Some("P-001".into()),
///     progression: Date::from_ymd(2020, 4, 1),
///     last_contact: Date::from_ymd(2021, 2, 1),
///     ..PatientDates::new(Date::from_ymd(2020, 1, 1))
/// };
/// assert!(patient.death.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatientDates {
    /// Shown in the problem list; optional.
    pub patient_id: Option<String>,
    /// Start of treatment (ICI start): time zero of OS, TTP and PFS.
    pub start: Option<Date>,
    /// First documented progression: TTP event, time zero of PPS.
    pub progression: Option<Date>,
    /// Death from any cause.
    pub death: Option<Date>,
    /// Last date known alive (last contact / last follow-up).
    pub last_contact: Option<Date>,
    /// Last tumour evaluation: where TTP and PFS are censored.
    pub last_assessment: Option<Date>,
}

impl PatientDates {
    /// A record with only the start date set (`None` when the cell was empty
    /// or unreadable).
    pub fn new(start: Option<Date>) -> PatientDates {
        PatientDates {
            start,
            ..PatientDates::default()
        }
    }
}

/// The endpoint to derive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// Overall survival.
    Os,
    /// Time to progression.
    Ttp,
    /// Progression-free survival.
    Pfs,
    /// Post-progression survival.
    Pps,
}

impl Endpoint {
    /// All endpoints.
    pub const ALL: [Endpoint; 4] = [Endpoint::Os, Endpoint::Ttp, Endpoint::Pfs, Endpoint::Pps];

    /// "OS", "TTP", "PFS", "PPS".
    pub fn abbreviation(self) -> &'static str {
        match self {
            Endpoint::Os => "OS",
            Endpoint::Ttp => "TTP",
            Endpoint::Pfs => "PFS",
            Endpoint::Pps => "PPS",
        }
    }

    /// The definition, with the censoring rule, as printed next to results.
    pub fn definition(self) -> &'static str {
        match self {
            Endpoint::Os => {
                "Overall survival (OS): from treatment start to death from any cause; patients alive \
                 are censored at the last contact."
            }
            Endpoint::Ttp => {
                "Time to progression (TTP): from treatment start to first progression; patients \
                 without progression (deaths included) are censored at the last tumour assessment, \
                 or at the last contact (or death) when no assessment date is given."
            }
            Endpoint::Pfs => {
                "Progression-free survival (PFS): from treatment start to progression or death, \
                 whichever comes first; others are censored at the last tumour assessment, or at the \
                 last contact when no assessment date is given."
            }
            Endpoint::Pps => {
                "Post-progression survival (PPS): from first progression to death from any cause; \
                 patients alive are censored at the last contact. Only patients with progression."
            }
        }
    }
}

/// Options of [`derive`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EndpointOptions {
    /// Unit of `time` (default months = days / 30.4375, as the model paper).
    pub unit: TimeUnit,
}

impl Default for EndpointOptions {
    fn default() -> Self {
        EndpointOptions {
            unit: TimeUnit::Months,
        }
    }
}

/// Why a record was left out of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// No start date (OS, TTP, PFS).
    MissingStartDate,
    /// Neither an event nor a date to censor at.
    MissingEndDate,
    /// Progression or death before the start date.
    EventBeforeStart,
    /// Censoring date (last contact / last assessment) before the start.
    CensoringBeforeStart,
    /// Progression after death.
    ProgressionAfterDeath,
    /// Last assessment after death (TTP/PFS censoring).
    AssessmentAfterDeath,
    /// PPS: last contact before the progression.
    CensoringBeforeProgression,
}

/// A record left out of an endpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordProblem {
    /// 0-based index of the record in the input.
    pub row: usize,
    pub patient_id: Option<String>,
    pub kind: ProblemKind,
    /// A sentence naming the patient, the dates and the endpoint.
    pub message: String,
}

/// (time, event) of one endpoint for the usable records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EndpointTimes {
    pub endpoint: Endpoint,
    /// [`Endpoint::definition`], to print with the result.
    pub definition: String,
    /// Unit of `time`.
    pub unit: TimeUnit,
    /// Times in `unit`, one per included record.
    pub time: Vec<f64>,
    /// The same times in whole days.
    pub time_days: Vec<i32>,
    /// true = event (death, progression), false = censored.
    pub event: Vec<bool>,
    /// Input index (0-based) of each included record.
    pub rows: Vec<usize>,
    pub n_events: usize,
    /// Records left out, with the reason.
    pub problems: Vec<RecordProblem>,
    /// PPS: records without progression (not eligible, not a problem).
    pub not_applicable: usize,
    /// TTP/PFS: censored records censored at the last contact (or death)
    /// because no last-assessment date was given.
    pub censored_without_assessment: usize,
    /// OS/PPS: included records whose last contact is after their death
    /// (the date of death was used).
    pub last_contact_after_death: usize,
}

/// All four endpoints of the same records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AllEndpoints {
    pub os: EndpointTimes,
    pub ttp: EndpointTimes,
    pub pfs: EndpointTimes,
    pub pps: EndpointTimes,
}

/// Errors of this module.
#[derive(Debug, Clone, PartialEq)]
pub enum EndpointError {
    /// No records.
    EmptyInput,
}

impl std::fmt::Display for EndpointError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EndpointError::EmptyInput => write!(f, "There are no patients: the data has no rows."),
        }
    }
}

impl std::error::Error for EndpointError {}

/// One record's contribution.
struct Interval {
    days: i32,
    event: bool,
    without_assessment: bool,
}

enum Outcome {
    Included(Interval),
    NotApplicable,
    Problem(ProblemKind, String),
}

/// Derives one endpoint for every record. Records with missing or
/// contradictory dates go to `problems` (see [`ProblemKind`]); the result
/// lists the included rows.
pub fn derive(
    patients: &[PatientDates],
    endpoint: Endpoint,
    options: &EndpointOptions,
) -> Result<EndpointTimes, EndpointError> {
    if patients.is_empty() {
        return Err(EndpointError::EmptyInput);
    }
    let mut out = EndpointTimes {
        endpoint,
        definition: endpoint.definition().to_string(),
        unit: options.unit,
        time: Vec::with_capacity(patients.len()),
        time_days: Vec::with_capacity(patients.len()),
        event: Vec::with_capacity(patients.len()),
        rows: Vec::with_capacity(patients.len()),
        n_events: 0,
        problems: Vec::new(),
        not_applicable: 0,
        censored_without_assessment: 0,
        last_contact_after_death: 0,
    };
    for (row, p) in patients.iter().enumerate() {
        let outcome = match endpoint {
            Endpoint::Os => os(p),
            Endpoint::Ttp => ttp(p),
            Endpoint::Pfs => pfs(p),
            Endpoint::Pps => pps(p),
        };
        match outcome {
            Outcome::Included(iv) => {
                out.time_days.push(iv.days);
                out.time.push(options.unit.from_days(iv.days as f64));
                out.event.push(iv.event);
                out.rows.push(row);
                out.n_events += usize::from(iv.event);
                out.censored_without_assessment += usize::from(iv.without_assessment);
                if matches!(endpoint, Endpoint::Os | Endpoint::Pps) {
                    if let (Some(d), Some(c)) = (p.death, p.last_contact) {
                        if c > d {
                            out.last_contact_after_death += 1;
                        }
                    }
                }
            }
            Outcome::NotApplicable => out.not_applicable += 1,
            Outcome::Problem(kind, what) => out.problems.push(RecordProblem {
                row,
                patient_id: p.patient_id.clone(),
                kind,
                message: format!(
                    "{}: {what}; left out of {}.",
                    who(row, p),
                    endpoint.abbreviation()
                ),
            }),
        }
    }
    Ok(out)
}

/// OS, TTP, PFS and PPS of the same records.
pub fn derive_all(
    patients: &[PatientDates],
    options: &EndpointOptions,
) -> Result<AllEndpoints, EndpointError> {
    Ok(AllEndpoints {
        os: derive(patients, Endpoint::Os, options)?,
        ttp: derive(patients, Endpoint::Ttp, options)?,
        pfs: derive(patients, Endpoint::Pfs, options)?,
        pps: derive(patients, Endpoint::Pps, options)?,
    })
}

/// "patient P-7 (data row 8)" or "data row 8" (1-based, header not counted).
fn who(row: usize, p: &PatientDates) -> String {
    match &p.patient_id {
        Some(id) => format!("patient {id} (data row {})", row + 1),
        None => format!("data row {}", row + 1),
    }
}

fn event(days: i32) -> Outcome {
    Outcome::Included(Interval {
        days,
        event: true,
        without_assessment: false,
    })
}

fn censored(days: i32, without_assessment: bool) -> Outcome {
    Outcome::Included(Interval {
        days,
        event: false,
        without_assessment,
    })
}

fn problem(kind: ProblemKind, what: String) -> Outcome {
    Outcome::Problem(kind, what)
}

fn missing_start() -> Outcome {
    problem(ProblemKind::MissingStartDate, "no start date".to_string())
}

/// Checks of progression and death against the start and each other.
fn check_events(p: &PatientDates, start: Date) -> Option<Outcome> {
    for (name, date) in [("progression", p.progression), ("death", p.death)] {
        if let Some(d) = date {
            if d < start {
                return Some(problem(
                    ProblemKind::EventBeforeStart,
                    format!("{name} {d} is before the start {start}"),
                ));
            }
        }
    }
    if let (Some(prog), Some(death)) = (p.progression, p.death) {
        if prog > death {
            return Some(problem(
                ProblemKind::ProgressionAfterDeath,
                format!("progression {prog} is after death {death}"),
            ));
        }
    }
    None
}

fn os(p: &PatientDates) -> Outcome {
    let Some(start) = p.start else {
        return missing_start();
    };
    if let Some(death) = p.death {
        if death < start {
            return problem(
                ProblemKind::EventBeforeStart,
                format!("death {death} is before the start {start}"),
            );
        }
        return event(start.days_until(death));
    }
    match p.last_contact {
        None => problem(
            ProblemKind::MissingEndDate,
            "neither a date of death nor a last-contact date".to_string(),
        ),
        Some(c) if c < start => problem(
            ProblemKind::CensoringBeforeStart,
            format!("last contact {c} is before the start {start}"),
        ),
        Some(c) => censored(start.days_until(c), false),
    }
}

/// Where TTP and PFS are censored: last assessment, else last contact, else
/// (TTP only) death.
fn censor_at(p: &PatientDates, start: Date, allow_death: bool) -> Outcome {
    let (date, name, without_assessment) = match (p.last_assessment, p.last_contact, p.death) {
        (Some(a), _, _) => (a, "last assessment", false),
        (None, Some(c), _) => (c, "last contact", true),
        (None, None, Some(d)) if allow_death => (d, "death", true),
        _ => {
            return problem(
                ProblemKind::MissingEndDate,
                "no progression and neither a last-assessment nor a last-contact date".to_string(),
            )
        }
    };
    if date < start {
        return problem(
            ProblemKind::CensoringBeforeStart,
            format!("{name} {date} is before the start {start}"),
        );
    }
    if let (Some(a), Some(d)) = (p.last_assessment, p.death) {
        if a > d {
            return problem(
                ProblemKind::AssessmentAfterDeath,
                format!("last assessment {a} is after death {d}"),
            );
        }
    }
    censored(start.days_until(date), without_assessment)
}

fn ttp(p: &PatientDates) -> Outcome {
    let Some(start) = p.start else {
        return missing_start();
    };
    if let Some(bad) = check_events(p, start) {
        return bad;
    }
    match p.progression {
        Some(prog) => event(start.days_until(prog)),
        None => censor_at(p, start, true),
    }
}

fn pfs(p: &PatientDates) -> Outcome {
    let Some(start) = p.start else {
        return missing_start();
    };
    if let Some(bad) = check_events(p, start) {
        return bad;
    }
    // Progression is never after death here, so it comes first when present.
    match p.progression.or(p.death) {
        Some(first) => event(start.days_until(first)),
        None => censor_at(p, start, false),
    }
}

fn pps(p: &PatientDates) -> Outcome {
    let Some(prog) = p.progression else {
        return Outcome::NotApplicable;
    };
    if let Some(start) = p.start {
        if prog < start {
            return problem(
                ProblemKind::EventBeforeStart,
                format!("progression {prog} is before the start {start}"),
            );
        }
    }
    if let Some(death) = p.death {
        if death < prog {
            return problem(
                ProblemKind::ProgressionAfterDeath,
                format!("progression {prog} is after death {death}"),
            );
        }
        return event(prog.days_until(death));
    }
    match p.last_contact {
        None => problem(
            ProblemKind::MissingEndDate,
            "neither a date of death nor a last-contact date".to_string(),
        ),
        Some(c) if c < prog => problem(
            ProblemKind::CensoringBeforeProgression,
            format!("last contact {c} is before the progression {prog}"),
        ),
        Some(c) => censored(prog.days_until(c), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<Date> {
        Date::from_ymd(y, m, day)
    }

    #[test]
    fn os_event_and_censoring_in_days_and_months() {
        let dead = PatientDates {
            death: d(2020, 3, 1),
            ..PatientDates::new(d(2020, 1, 1))
        };
        let alive = PatientDates {
            last_contact: d(2021, 1, 1),
            ..PatientDates::new(d(2020, 1, 1))
        };
        let r = derive(&[dead, alive], Endpoint::Os, &EndpointOptions::default()).unwrap();
        // 2020 is a leap year: Jan 31 + Feb 29 = 60 days; the whole year 366.
        assert_eq!(r.time_days, vec![60, 366]);
        assert_eq!(r.event, vec![true, false]);
        assert_eq!(r.time, vec![60.0 / 30.4375, 366.0 / 30.4375]);
        assert_eq!(r.unit, TimeUnit::Months);
    }

    #[test]
    fn empty_input_is_an_error() {
        assert_eq!(
            derive(&[], Endpoint::Os, &EndpointOptions::default()),
            Err(EndpointError::EmptyInput)
        );
    }
}
