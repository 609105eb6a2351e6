//! The per-patient decision: data checks, the model paper's exclusions in
//! flow-chart order, then the groups of the chosen rule set.

use super::{
    fmt_months, fmt_number, BestResponse, ClassificationNotes, ExclusionReason, Group,
    ResistanceError, ResistanceOptions, ResponseRecord, RuleSet, ShortResponse,
    UnclassifiableReason,
};
use crate::dates::{Date, DAYS_PER_MONTH};

/// Thresholds converted to days once.
pub(super) struct Limits {
    primary_exposure: f64,
    secondary_exposure: f64,
    response_duration: f64,
    durable: f64,
    post_stop_window: f64,
    confirmation: f64,
    first_evaluation_max: f64,
    min_follow_up: f64,
    early_progression: f64,
}

impl Limits {
    pub(super) fn from_options(o: &ResistanceOptions) -> Result<Limits, ResistanceError> {
        let check = |name: &'static str, value: f64| {
            if value.is_finite() && value >= 0.0 {
                Ok(value)
            } else {
                Err(ResistanceError::InvalidThreshold { name, value })
            }
        };
        let early = check("early_progression_months", o.early_progression_months)?;
        if early == 0.0 {
            return Err(ResistanceError::InvalidThreshold {
                name: "early_progression_months",
                value: early,
            });
        }
        Ok(Limits {
            primary_exposure: 7.0
                * check("primary_min_exposure_weeks", o.primary_min_exposure_weeks)?,
            secondary_exposure: DAYS_PER_MONTH
                * check(
                    "secondary_min_exposure_months",
                    o.secondary_min_exposure_months,
                )?,
            response_duration: DAYS_PER_MONTH
                * check("response_duration_months", o.response_duration_months)?,
            durable: DAYS_PER_MONTH * check("durable_min_months", o.durable_min_months)?,
            post_stop_window: 7.0 * check("post_stop_window_weeks", o.post_stop_window_weeks)?,
            confirmation: 7.0 * check("confirmation_min_weeks", o.confirmation_min_weeks)?,
            first_evaluation_max: DAYS_PER_MONTH
                * check("first_evaluation_max_months", o.first_evaluation_max_months)?,
            min_follow_up: DAYS_PER_MONTH * check("min_follow_up_months", o.min_follow_up_months)?,
            early_progression: DAYS_PER_MONTH * early,
        })
    }
}

pub(super) struct Verdict {
    pub(super) group: Group,
    pub(super) reason: String,
}

fn verdict(group: Group, reason: String) -> Verdict {
    Verdict { group, reason }
}

fn unclassifiable(reason: UnclassifiableReason, text: String) -> Verdict {
    verdict(Group::Unclassifiable(reason), text)
}

fn excluded(reason: ExclusionReason, text: String, o: &ResistanceOptions) -> Verdict {
    let label = reason.label(o);
    verdict(
        Group::Excluded(reason),
        format!("{text}: excluded ({label})"),
    )
}

pub(super) fn classify_record(
    record: &ResponseRecord,
    o: &ResistanceOptions,
    limits: &Limits,
    notes: &mut ClassificationNotes,
) -> Verdict {
    let Some(start) = record.start else {
        return unclassifiable(
            UnclassifiableReason::MissingStartDate,
            "no ICI start date".to_string(),
        );
    };
    let end = record.death.or(record.last_contact).or(record.data_cutoff);
    if let Some(problem) = contradiction(record, start, end) {
        return unclassifiable(UnclassifiableReason::InconsistentDates, problem);
    }
    match o.rule_set {
        RuleSet::Sitc => match end {
            Some(end) => classify_sitc(record, start, end, o, limits, notes),
            None => unclassifiable(
                UnclassifiableReason::MissingFollowUpDate,
                "no date of death, last contact or data cutoff, so follow-up is unknown"
                    .to_string(),
            ),
        },
        RuleSet::EarlyProgression => classify_early(record, start, end, o, limits, notes),
    }
}

/// The first contradiction between dates, as a sentence naming them.
fn contradiction(r: &ResponseRecord, start: Date, end: Option<Date>) -> Option<String> {
    let dated = [
        ("first response evaluation", r.first_evaluation),
        ("progression", r.progression),
        ("confirmation scan", r.confirmation_scan),
        ("ICI stop", r.drug_stop),
        ("death", r.death),
        ("last contact", r.last_contact),
    ];
    for (name, date) in dated {
        if let Some(d) = date {
            if d < start {
                return Some(format!("{name} date {d} is before the ICI start {start}"));
            }
        }
    }
    if let (Some(p), Some(c)) = (r.progression, r.confirmation_scan) {
        if c < p {
            return Some(format!(
                "confirmation scan {c} is before the progression {p}"
            ));
        }
    }
    // Last contact is not compared with death: many sheets put the cutoff or
    // the death date there, and death ends follow-up anyway.
    let end_name = if r.death.is_some() {
        "death"
    } else if r.last_contact.is_some() {
        "last contact"
    } else {
        "data cutoff"
    };
    if let Some(end) = end {
        for (name, date) in dated.iter().take(4) {
            if let Some(d) = date {
                if *d > end {
                    return Some(format!("{name} date {d} is after the {end_name} {end}"));
                }
            }
        }
    }
    if let Some(cutoff) = r.data_cutoff {
        for (name, date) in dated {
            if let Some(d) = date {
                if d > cutoff {
                    return Some(format!("{name} date {d} is after the data cutoff {cutoff}"));
                }
            }
        }
    }
    None
}

fn classify_sitc(
    r: &ResponseRecord,
    start: Date,
    end: Date,
    o: &ResistanceOptions,
    l: &Limits,
    notes: &mut ClassificationNotes,
) -> Verdict {
    let n = fmt_number;
    let days = |d: Date| start.days_until(d);

    // Exclusion 1.
    let bor = match r.best_response {
        None => {
            return excluded(
                ExclusionReason::ResponseUnevaluable,
                "no best overall response recorded".to_string(),
                o,
            )
        }
        Some(BestResponse::Ne) => {
            return excluded(
                ExclusionReason::ResponseUnevaluable,
                "best overall response NE".to_string(),
                o,
            )
        }
        Some(b) => b,
    };

    // Exclusion 2.
    match r.first_evaluation {
        Some(first) => {
            let d = days(first);
            if d as f64 > l.first_evaluation_max {
                return excluded(
                    ExclusionReason::LateFirstEvaluation,
                    format!(
                        "first response evaluation at {} (> {} months after ICI start)",
                        fmt_months(d, o.first_evaluation_max_months),
                        n(o.first_evaluation_max_months)
                    ),
                    o,
                );
            }
        }
        None => notes.no_first_evaluation += 1,
    }

    let follow_up = days(end);
    let progression = r.progression.map(days);
    let stop = r.drug_stop.map(days);
    // A stop on or after the date of death is treatment until death, not a
    // discontinuation.
    let stopped_alive = match (r.drug_stop, r.death) {
        (Some(s), Some(d)) => s < d,
        (Some(_), None) => true,
        (None, _) => false,
    };
    let progression_counts = match (progression, stop) {
        (Some(p), Some(s)) if stopped_alive => p as f64 <= s as f64 + l.post_stop_window,
        (Some(_), _) => true,
        // BOR PD is progression even when its date was not entered.
        (None, _) => bor == BestResponse::Pd,
    };

    if !progression_counts {
        // Exclusion 3.
        if (follow_up as f64) < l.min_follow_up {
            return excluded(
                ExclusionReason::ShortFollowUpWithoutProgression,
                format!(
                    "no progression and follow-up of {} (< {} months)",
                    fmt_months(follow_up, o.min_follow_up_months),
                    n(o.min_follow_up_months)
                ),
                o,
            );
        }
        // Exclusion 4.
        if let Some(s) = stop.filter(|_| stopped_alive) {
            let mut text = format!("ICI stopped at {} without progression", fmt_months(s, 6.0));
            if let Some(p) = progression {
                text.push_str(&format!(
                    " (progression {:.1} weeks after the last dose, more than {} weeks)",
                    (p - s) as f64 / 7.0,
                    n(o.post_stop_window_weeks)
                ));
            }
            return excluded(ExclusionReason::DiscontinuedWithoutProgression, text, o);
        }
        // Durable response (BOR PD always has counting progression).
        if (follow_up as f64) >= l.durable {
            return verdict(
                Group::DurableResponse,
                format!(
                    "BOR {bor}, no progression during {} of follow-up (>= {} months): durable response",
                    fmt_months(follow_up, o.durable_min_months),
                    n(o.durable_min_months)
                ),
            );
        }
        return unclassifiable(
            UnclassifiableReason::ResponseTooShortForDurable,
            format!(
                "BOR {bor}, no progression, but only {} of follow-up (< {} months for durable response)",
                fmt_months(follow_up, o.durable_min_months),
                n(o.durable_min_months)
            ),
        );
    }

    // Progression that counts.
    let exposure = stop.filter(|_| stopped_alive).unwrap_or(follow_up);
    let mut context = String::new();
    if let (Some(p), Some(s)) = (progression, stop) {
        if stopped_alive && p > s {
            context = format!(
                ", {:.1} weeks after the last ICI dose (within {} weeks)",
                (p - s) as f64 / 7.0,
                n(o.post_stop_window_weeks)
            );
        }
    }
    if o.require_confirmation {
        if let Some(problem) = unconfirmed(r, progression, o, l) {
            return unclassifiable(UnclassifiableReason::UnconfirmedProgression, problem);
        }
    }

    let progression_text = match progression {
        Some(p) => format!(
            "progression at {}",
            fmt_months(p, o.response_duration_months)
        ),
        None => "progression date not recorded".to_string(),
    };
    let primary = |why: String| {
        if exposure as f64 >= l.primary_exposure {
            verdict(
                Group::PrimaryResistance,
                format!(
                    "{why}{context}, ICI exposure {exposure} days (>= {} weeks): primary resistance",
                    n(o.primary_min_exposure_weeks)
                ),
            )
        } else {
            unclassifiable(
                UnclassifiableReason::InsufficientExposure,
                format!(
                    "{why}{context}, but ICI exposure only {exposure} days (< {} weeks = {} days) for \
                     primary resistance",
                    n(o.primary_min_exposure_weeks),
                    n(l.primary_exposure)
                ),
            )
        }
    };
    let secondary = |why: String, min_days: f64, min_text: String| {
        if exposure as f64 >= min_days {
            verdict(
                Group::SecondaryResistance,
                format!("{why}{context}, ICI exposure {exposure} days (>= {min_text}): secondary resistance"),
            )
        } else {
            unclassifiable(
                UnclassifiableReason::InsufficientExposure,
                format!(
                    "{why}{context}, but ICI exposure only {exposure} days (< {min_text}) for secondary \
                     resistance"
                ),
            )
        }
    };
    let secondary_min = format!("{} months", n(o.secondary_min_exposure_months));

    let p = match (bor, progression) {
        (BestResponse::Pd, _) => return primary(format!("BOR PD, {progression_text}")),
        (_, Some(p)) => p,
        // Unreachable: without a date only BOR PD counts as progression.
        (_, None) => {
            return unclassifiable(
                UnclassifiableReason::InconsistentDates,
                format!("BOR {bor} with progression but no progression date"),
            )
        }
    };
    let early = (p as f64) < l.response_duration;
    let relation = if early { "<" } else { ">=" };
    let why = format!(
        "BOR {bor}, {progression_text} ({relation} {} months after ICI start)",
        n(o.response_duration_months)
    );
    match (bor, early) {
        (BestResponse::Sd, true) => primary(why),
        (_, false) => secondary(why, l.secondary_exposure, secondary_min),
        (_, true) => match o.short_response {
            ShortResponse::Primary => primary(why),
            ShortResponse::Secondary => secondary(
                why,
                l.primary_exposure,
                format!(
                    "{} weeks, as set for early-progressing responders",
                    n(o.primary_min_exposure_weeks)
                ),
            ),
            ShortResponse::Unclassifiable => unclassifiable(
                UnclassifiableReason::ShortResponse,
                format!("{why}: CR/PR with early progression is left unclassified by the settings"),
            ),
        },
    }
}

/// `Some(reason)` when the progression lacks the required confirmation.
fn unconfirmed(
    r: &ResponseRecord,
    progression: Option<i32>,
    o: &ResistanceOptions,
    l: &Limits,
) -> Option<String> {
    if r.rapid_deterioration == Some(true) {
        return None;
    }
    let weeks = fmt_number(o.confirmation_min_weeks);
    let Some(p) = r.progression else {
        return Some(
            "progression date not recorded, so its confirmation scan cannot be checked".to_string(),
        );
    };
    match r.confirmation_scan {
        Some(c) if p.days_until(c) as f64 >= l.confirmation => None,
        Some(c) => Some(format!(
            "confirmation scan only {} days after the first PD (< {weeks} weeks) and no rapid clinical \
             deterioration recorded",
            p.days_until(c)
        )),
        None => Some(format!(
            "progression at day {} not confirmed by a scan at least {weeks} weeks later, and no rapid \
             clinical deterioration recorded",
            progression.unwrap_or(0)
        )),
    }
}

fn classify_early(
    r: &ResponseRecord,
    start: Date,
    end: Option<Date>,
    o: &ResistanceOptions,
    l: &Limits,
    notes: &mut ClassificationNotes,
) -> Verdict {
    let n = fmt_number(o.early_progression_months);
    if let Some(p) = r.progression {
        let d = start.days_until(p);
        let at = fmt_months(d, o.early_progression_months);
        return if d as f64 <= l.early_progression {
            verdict(
                Group::PrimaryResistance,
                format!("progression at {at} (within {n} months of ICI start): primary resistance"),
            )
        } else {
            verdict(
                Group::SecondaryResistance,
                format!("progression at {at} (more than {n} months after ICI start): secondary resistance"),
            )
        };
    }
    match end {
        Some(end) => {
            let follow_up = start.days_until(end);
            if (follow_up as f64) < l.early_progression {
                notes.short_follow_up_without_progression += 1;
            }
            verdict(
                Group::NoProgression,
                format!(
                    "no progression recorded during {} of follow-up: no progression",
                    fmt_months(follow_up, o.early_progression_months)
                ),
            )
        }
        None => verdict(
            Group::NoProgression,
            "no progression recorded (follow-up end unknown): no progression".to_string(),
        ),
    }
}
