//! Landmark analysis (Anderson, Cain & Gelber, J Clin Oncol 1983): keep the
//! patients still event-free and under follow-up after the landmark L and
//! measure time from L, so no group is credited with time survived before it.

use crate::warning::Warning;
use serde::Serialize;
use std::fmt;

/// Who a landmark kept and who it left out.
#[derive(Debug, Clone, Serialize)]
pub struct LandmarkSummary {
    /// The landmark, in the displayed time unit.
    pub time: f64,
    /// Patients followed beyond the landmark (time > L), analysed from it.
    pub n_kept: usize,
    /// Patients excluded because their event came at or before L.
    pub n_excluded_event: usize,
    /// Patients excluded because they were censored at or before L.
    pub n_excluded_censored: usize,
    /// Groups with no patient left, left out of the curves and tests.
    pub groups_left_out: Vec<String>,
}

/// The patients a landmark keeps, with times measured from it; `codes`
/// index `labels`, which hold only the groups that still have patients.
#[derive(Debug, Clone)]
pub struct LandmarkSample {
    pub time: Vec<f64>,
    pub event: Vec<bool>,
    /// Table row of each kept patient (for the strata column).
    pub rows: Vec<usize>,
    pub codes: Option<Vec<usize>>,
    pub labels: Vec<String>,
    pub summary: LandmarkSummary,
}

/// Why a landmark analysis could not be done.
#[derive(Debug, Clone, PartialEq)]
pub enum LandmarkError {
    /// The landmark is negative or not a number.
    InvalidTime(f64),
    /// Nobody is followed beyond the landmark.
    NoPatientLeft { landmark: String, longest: String },
}

impl fmt::Display for LandmarkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LandmarkError::InvalidTime(t) => write!(
                f,
                "The landmark must be a time of 0 or more (in the unit the times are shown in); {} is not.",
                crate::format::given(*t)
            ),
            LandmarkError::NoPatientLeft { landmark, longest } => write!(
                f,
                "No patient is event-free and under follow-up after the landmark at {landmark} (the longest \
                 follow-up is {longest}); choose an earlier landmark."
            ),
        }
    }
}

impl std::error::Error for LandmarkError {}

pub use crate::format::{time_number, time_text};

/// Keep the patients with `time > landmark` (those with an event or
/// censored at or before it are excluded) and shift their times by
/// `-landmark`. `group` is (codes, labels) aligned with `time`; `unit`
/// names the time unit in messages.
pub fn select(
    landmark: f64,
    time: &[f64],
    event: &[bool],
    rows: &[usize],
    group: Option<(&[usize], &[String])>,
    unit: Option<&str>,
) -> Result<LandmarkSample, LandmarkError> {
    if !landmark.is_finite() || landmark < 0.0 {
        return Err(LandmarkError::InvalidTime(landmark));
    }
    let n = time.len().min(event.len()).min(rows.len());
    let mut kept_time = Vec::new();
    let mut kept_event = Vec::new();
    let mut kept_rows = Vec::new();
    let mut kept_codes = Vec::new();
    let (mut n_excluded_event, mut n_excluded_censored) = (0, 0);
    let mut longest = f64::NEG_INFINITY;
    for i in 0..n {
        longest = longest.max(time[i]);
        if time[i] > landmark {
            kept_time.push(time[i] - landmark);
            kept_event.push(event[i]);
            kept_rows.push(rows[i]);
            if let Some((codes, _)) = group {
                kept_codes.push(codes.get(i).copied().unwrap_or(usize::MAX));
            }
        } else if event[i] {
            n_excluded_event += 1;
        } else {
            n_excluded_censored += 1;
        }
    }
    if kept_time.is_empty() {
        return Err(LandmarkError::NoPatientLeft {
            landmark: time_text(landmark, unit),
            longest: if longest.is_finite() {
                time_text(longest, unit)
            } else {
                "none".to_string()
            },
        });
    }

    // Groups emptied by the landmark are dropped from the labels, as the
    // table layer drops levels absent from the used rows.
    let (codes, labels, groups_left_out) = match group {
        None => (None, Vec::new(), Vec::new()),
        Some((_, labels)) => {
            let mut count = vec![0usize; labels.len()];
            for &c in &kept_codes {
                if let Some(k) = count.get_mut(c) {
                    *k += 1;
                }
            }
            let mut new_code = vec![usize::MAX; labels.len()];
            let mut kept_labels = Vec::new();
            let mut left_out = Vec::new();
            for (g, label) in labels.iter().enumerate() {
                if count[g] > 0 {
                    new_code[g] = kept_labels.len();
                    kept_labels.push(label.clone());
                } else {
                    left_out.push(label.clone());
                }
            }
            // An out-of-range code stays out of range, for km::fit to report.
            let codes = kept_codes
                .iter()
                .map(|&c| new_code.get(c).copied().unwrap_or(c))
                .collect();
            (Some(codes), kept_labels, left_out)
        }
    };

    Ok(LandmarkSample {
        summary: LandmarkSummary {
            time: landmark,
            n_kept: kept_time.len(),
            n_excluded_event,
            n_excluded_censored,
            groups_left_out,
        },
        time: kept_time,
        event: kept_event,
        rows: kept_rows,
        codes,
        labels,
    })
}

impl LandmarkSummary {
    /// The sentence for the settings line.
    pub fn settings_text(&self, unit: Option<&str>, grouped: bool) -> String {
        let at = time_text(self.time, unit);
        let excluded = self.n_excluded_event + self.n_excluded_censored;
        let patients = |n: usize| {
            if n == 1 {
                "1 patient".to_string()
            } else {
                format!("{n} patients")
            }
        };
        let mut text = format!(
            "Landmark analysis at {at}: {} event-free and under follow-up at {at} ({} excluded: {} had the event \
             and {} {} censored by then); times are measured from the landmark.",
            patients(self.n_kept),
            excluded,
            self.n_excluded_event,
            self.n_excluded_censored,
            if self.n_excluded_censored == 1 { "was" } else { "were" },
        );
        if grouped {
            text.push_str(" Groups should be defined by what was known at the landmark.");
        }
        text
    }

    /// One warning per group the landmark emptied.
    pub fn warnings(&self, unit: Option<&str>) -> Vec<Warning> {
        self.groups_left_out
            .iter()
            .map(|g| Warning::LandmarkGroupLeftOut {
                landmark: self.time,
                unit: unit.map(str::to_string),
                group: g.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_times_beyond_the_landmark_and_shifts_them() {
        let time = [1.0, 2.0, 2.0, 3.0, 5.0, 8.0];
        let event = [true, false, true, true, false, true];
        let rows = [0, 1, 2, 3, 4, 5];
        let labels = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let codes = [0, 1, 2, 2, 0, 2];
        let s = select(
            2.0,
            &time,
            &event,
            &rows,
            Some((&codes, &labels)),
            Some("months"),
        )
        .unwrap();
        // Exactly at the landmark counts as "by then": excluded.
        assert_eq!(s.time, vec![1.0, 3.0, 6.0]);
        assert_eq!(s.event, vec![true, false, true]);
        assert_eq!(s.rows, vec![3, 4, 5]);
        assert_eq!(s.labels, vec!["a".to_string(), "c".to_string()]);
        assert_eq!(s.codes, Some(vec![1, 0, 1]));
        assert_eq!(
            (
                s.summary.n_kept,
                s.summary.n_excluded_event,
                s.summary.n_excluded_censored
            ),
            (3, 2, 1)
        );
        assert_eq!(s.summary.groups_left_out, vec!["b".to_string()]);
        let warnings = s.summary.warnings(Some("months"));
        assert_eq!(
            warnings.iter().map(Warning::code).collect::<Vec<_>>(),
            ["landmark_group_left_out"]
        );
        assert_eq!(
            warnings[0].message(),
            "Landmark at 2 months: no patient of group \"b\" is event-free and under follow-up after it; the group is \
             left out of the curves and tests."
        );
        assert_eq!(
            s.summary.settings_text(Some("months"), false),
            "Landmark analysis at 2 months: 3 patients event-free and under follow-up at 2 months (3 excluded: \
             2 had the event and 1 was censored by then); times are measured from the landmark."
        );
    }

    #[test]
    fn bad_landmarks_and_empty_results_are_errors() {
        let (time, event, rows) = ([1.0, 4.5], [true, false], [0, 1]);
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                select(bad, &time, &event, &rows, None, None),
                Err(LandmarkError::InvalidTime(_))
            ));
        }
        let e = select(4.5, &time, &event, &rows, None, Some("days")).unwrap_err();
        assert!(
            e.to_string().contains("longest follow-up is 4.5 days"),
            "{e}"
        );
        assert!(select(0.0, &time, &event, &rows, None, None).is_ok());
    }

    #[test]
    fn time_text_drops_trailing_zeros() {
        assert_eq!(time_text(6.0, Some("months")), "6 months");
        assert_eq!(time_text(182.6251, None), "time 182.63");
        assert_eq!(time_text(0.5, Some("years")), "0.5 years");
    }
}
