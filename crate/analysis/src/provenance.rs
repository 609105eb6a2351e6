//! Where a column came from when survcalc derived it (the cohort request's
//! endpoints and resistance groups, or the user's own derived variables of
//! [`crate::derive`]: cuts, transforms, recodes, times between dates): what
//! it holds and the formula that made it, whether its value
//! depends on events after baseline, and what a derived time is measured
//! from. The immortal-time caution reads this, not the column's name, so it
//! follows the data whatever the column is called (docs/domain.md).
//! Columns read from the file have no provenance: their times are taken as
//! measured from baseline, and nothing marks them as defined after it.

use crate::endpoints::Endpoint;
use serde::Serialize;

/// The event a time is measured from, or by which a value is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeOrigin {
    /// Time zero of the analysis: treatment start for the derived endpoints.
    Baseline,
    /// The first progression (post-progression survival).
    Progression,
}

/// What a derived column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DerivedColumn {
    /// The resistance group of each patient (classification rules).
    ResistanceGroup,
    /// Why each patient is in their group.
    ResistanceReason,
    /// An endpoint's follow-up time.
    EndpointTime { endpoint: Endpoint },
    /// An endpoint's event indicator.
    EndpointEvent { endpoint: Endpoint },
    /// A number cut at thresholds into labelled categories (user-derived).
    Cut,
    /// A number transformed: log, per k units, standardised (user-derived).
    Transform,
    /// The levels of a category recoded, merged, renamed or reordered (user-derived).
    Recode,
    /// The time between two date columns (user-derived).
    TimeBetween,
}

impl DerivedColumn {
    /// Derived by the user (a [`crate::derive`] request), not by the
    /// classification: its formula is stated next to results, it can be
    /// removed, and a classification never replaces it.
    pub fn user_defined(self) -> bool {
        matches!(
            self,
            DerivedColumn::Cut
                | DerivedColumn::Transform
                | DerivedColumn::Recode
                | DerivedColumn::TimeBetween
        )
    }
}

/// The provenance of a derived column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Derivation {
    #[serde(flatten)]
    pub column: DerivedColumn,
    /// What the column holds, for people ("OS: time from treatment start ...").
    pub description: String,
    /// Its value depends on events after baseline (response, progression,
    /// death): as a group or a fixed covariate of times measured from
    /// baseline it credits the time before it was known (immortal time).
    pub defined_after_baseline: bool,
    /// For a column defined after baseline: the event by which its value is
    /// known for every patient who has that event (resistance groups: by
    /// the first progression). Times measured from that event carry no
    /// immortal time. `None`: known only at the end of follow-up.
    pub known_by: Option<TimeOrigin>,
    /// For a derived time: the event it is measured from.
    pub measured_from: Option<TimeOrigin>,
    /// The columns a user-derived column is computed from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

impl Derivation {
    /// The resistance group or its reason: decided by response and
    /// progression, so known by the first progression.
    pub fn resistance(column: DerivedColumn, description: impl Into<String>) -> Derivation {
        Derivation {
            column,
            description: description.into(),
            defined_after_baseline: true,
            known_by: Some(TimeOrigin::Progression),
            measured_from: None,
            sources: Vec::new(),
        }
    }

    /// An endpoint's time: measured from progression for PPS, from
    /// baseline otherwise. Its length depends on later events, so as a
    /// covariate it is defined after baseline.
    pub fn endpoint_time(endpoint: Endpoint, description: impl Into<String>) -> Derivation {
        Derivation {
            column: DerivedColumn::EndpointTime { endpoint },
            description: description.into(),
            defined_after_baseline: true,
            known_by: None,
            measured_from: Some(match endpoint {
                Endpoint::Pps => TimeOrigin::Progression,
                Endpoint::Os | Endpoint::Ttp | Endpoint::Pfs => TimeOrigin::Baseline,
            }),
            sources: Vec::new(),
        }
    }

    /// An endpoint's event indicator: known only at the end of follow-up.
    pub fn endpoint_event(endpoint: Endpoint, description: impl Into<String>) -> Derivation {
        Derivation {
            column: DerivedColumn::EndpointEvent { endpoint },
            description: description.into(),
            defined_after_baseline: true,
            known_by: None,
            measured_from: None,
            sources: Vec::new(),
        }
    }

    /// A column the user derived from `sources`: it is known when they all
    /// are, so it inherits their timing (a cut of a column defined after
    /// baseline is defined after baseline too, known by the same event).
    /// `keeps_time_origin`: the values are still times on the source's scale
    /// (a time per k units), so they are measured from the same event.
    pub fn user_defined(
        column: DerivedColumn,
        description: impl Into<String>,
        sources: &[Option<&Derivation>],
        source_names: Vec<String>,
        keeps_time_origin: bool,
    ) -> Derivation {
        let after: Vec<&Derivation> = sources
            .iter()
            .flatten()
            .copied()
            .filter(|d| d.defined_after_baseline)
            .collect();
        let known_by = match after.as_slice() {
            [] => None,
            [first, rest @ ..] => first
                .known_by
                .filter(|k| rest.iter().all(|d| d.known_by == Some(*k))),
        };
        let measured_from = match sources {
            [Some(single)] if keeps_time_origin => single.measured_from,
            _ => None,
        };
        Derivation {
            column,
            description: description.into(),
            defined_after_baseline: !after.is_empty(),
            known_by,
            measured_from,
            sources: source_names,
        }
    }
}

/// Whether a column with provenance `column`, used as a group or a fixed
/// covariate of follow-up times in a column with provenance `time`,
/// credits immortal time: it is defined after baseline and the times are
/// not measured from the event by which it is known. A time column without
/// provenance (read from the file) is measured from baseline.
pub fn immortal_time(column: Option<&Derivation>, time: Option<&Derivation>) -> bool {
    let Some(derived) = column.filter(|d| d.defined_after_baseline) else {
        return false;
    };
    let origin = time
        .and_then(|t| t.measured_from)
        .unwrap_or(TimeOrigin::Baseline);
    derived.known_by != Some(origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caution_follows_the_derivation_not_the_name() {
        let group = Derivation::resistance(DerivedColumn::ResistanceGroup, "resistance group");
        let os = Derivation::endpoint_time(Endpoint::Os, "OS");
        let pps = Derivation::endpoint_time(Endpoint::Pps, "PPS");
        let pps_event = Derivation::endpoint_event(Endpoint::Pps, "PPS event");
        // From baseline (derived or read from the file): the groups are not known yet.
        assert!(immortal_time(Some(&group), Some(&os)));
        assert!(immortal_time(Some(&group), None));
        // From progression, when every patient's group is known: no immortal time.
        assert!(!immortal_time(Some(&group), Some(&pps)));
        // An event indicator is known only at the end, whatever the time scale.
        assert!(immortal_time(Some(&pps_event), Some(&pps)));
        // A column read from the file is not marked.
        assert!(!immortal_time(None, Some(&os)));
        assert!(!immortal_time(None, None));
    }
}
