//! Resistance classification: every threshold at and beside its boundary,
//! the exclusion order, the options, and invariants. Expected groups follow
//! from the rules (Kluger et al. 2020; Cui et al. 2025) by hand: months are
//! days / 30.4375, so 6 months = 182.625 days and 3 months = 91.3125 days.

// One copy of the fixtures loader and the tolerances, shared by every crate's tests.
#[path = "../../stats/tests/support/mod.rs"]
mod support;

use survcalc_analysis::dates::Date;
use survcalc_analysis::resistance::{
    classify, describe_rules, BestResponse, ClassificationNotes, ExclusionReason as X, Group,
    ResistanceError, ResistanceOptions, ResponseRecord, RuleSet, ShortResponse,
    UnclassifiableReason as U,
};

fn start() -> Date {
    Date::from_ymd(2020, 1, 1).unwrap()
}

fn day(n: i32) -> Option<Date> {
    Some(start().add_days(n))
}

/// A patient with the given best response, first evaluation on day 56 and
/// last contact on day 400, nothing else.
fn patient(bor: &str) -> ResponseRecord {
    ResponseRecord {
        best_response: BestResponse::parse(bor).unwrap(),
        first_evaluation: day(56),
        last_contact: day(400),
        ..ResponseRecord::new(Some(start()))
    }
}

fn group_with(record: ResponseRecord, options: &ResistanceOptions) -> Group {
    let result = classify(&[record], options).unwrap();
    result.patients[0].group
}

fn group(record: ResponseRecord) -> Group {
    group_with(record, &ResistanceOptions::default())
}

fn reason(record: ResponseRecord) -> String {
    classify(&[record], &ResistanceOptions::default())
        .unwrap()
        .patients[0]
        .reason
        .clone()
}

#[test]
fn primary_exposure_of_exactly_six_weeks_qualifies_and_41_days_does_not() {
    let pd = |stop: i32| ResponseRecord {
        first_evaluation: day(35),
        progression: day(35),
        drug_stop: day(stop),
        ..patient("PD")
    };
    assert_eq!(group(pd(42)), Group::PrimaryResistance);
    assert_eq!(
        group(pd(41)),
        Group::Unclassifiable(U::InsufficientExposure)
    );
    assert!(reason(pd(41)).contains("41 days"), "{}", reason(pd(41)));
    // Without a stop date the drug ran to the end of follow-up (death, day 41).
    let died = ResponseRecord {
        drug_stop: None,
        death: day(41),
        ..pd(0)
    };
    assert_eq!(group(died), Group::Unclassifiable(U::InsufficientExposure));
    // The threshold is a parameter: 8 weeks makes 42 days too short.
    let eight = ResistanceOptions {
        primary_min_exposure_weeks: 8.0,
        ..Default::default()
    };
    assert_eq!(
        group_with(pd(42), &eight),
        Group::Unclassifiable(U::InsufficientExposure)
    );
    assert_eq!(group_with(pd(56), &eight), Group::PrimaryResistance);
}

#[test]
fn stable_disease_for_5_9_months_is_primary_and_6_1_months_secondary() {
    let sd = |pd_day: i32| ResponseRecord {
        progression: day(pd_day),
        ..patient("SD")
    };
    // 5.9 months = 179.6 days, 6.1 months = 185.7 days.
    assert_eq!(group(sd(180)), Group::PrimaryResistance);
    assert_eq!(group(sd(186)), Group::SecondaryResistance);
    // The boundary itself: day 182 < 182.625 <= day 183.
    assert_eq!(group(sd(182)), Group::PrimaryResistance);
    assert_eq!(group(sd(183)), Group::SecondaryResistance);
    let text = reason(sd(94));
    assert!(
        text.starts_with("BOR SD, progression at 3.1 months (< 6 months"),
        "{text}"
    );
    assert!(text.ends_with("primary resistance"), "{text}");
    // Day 182 is 5.98 months: printed with two decimals and the days, never "6.0".
    assert!(
        reason(sd(182)).contains("5.98 months (182 days)"),
        "{}",
        reason(sd(182))
    );
}

#[test]
fn secondary_resistance_needs_six_months_of_exposure() {
    let pr = |stop: i32| ResponseRecord {
        progression: day(250),
        drug_stop: day(stop),
        ..patient("PR")
    };
    // Stopped on day 183 (>= 182.625), progression 67 days later: within 12 weeks.
    assert_eq!(group(pr(183)), Group::SecondaryResistance);
    // Stopped on day 182: progression still counts, but exposure < 6 months.
    assert_eq!(
        group(pr(182)),
        Group::Unclassifiable(U::InsufficientExposure)
    );
}

#[test]
fn progression_after_stopping_counts_only_inside_the_window() {
    let stopped = |pd_day: i32| ResponseRecord {
        drug_stop: day(60),
        progression: day(pd_day),
        ..patient("SD")
    };
    // 12 weeks = 84 days after the stop on day 60: day 144 is inside.
    assert_eq!(group(stopped(144)), Group::PrimaryResistance);
    assert!(reason(stopped(144)).contains("12.0 weeks after the last ICI dose (within 12 weeks)"));
    // Day 145 is outside: the patient stopped ICI without (counting) progression.
    assert_eq!(
        group(stopped(145)),
        Group::Excluded(X::DiscontinuedWithoutProgression)
    );
    assert!(
        reason(stopped(145)).contains("more than 12 weeks"),
        "{}",
        reason(stopped(145))
    );
    // Secondary resistance with progression 50 days after a stop at day 250.
    let late = ResponseRecord {
        drug_stop: day(250),
        progression: day(300),
        ..patient("CR")
    };
    assert_eq!(group(late), Group::SecondaryResistance);
    // The window is a parameter.
    let four = ResistanceOptions {
        post_stop_window_weeks: 4.0,
        ..Default::default()
    };
    assert_eq!(group_with(stopped(88), &four), Group::PrimaryResistance);
    assert_eq!(
        group_with(stopped(89), &four),
        Group::Excluded(X::DiscontinuedWithoutProgression)
    );
}

#[test]
fn stopping_without_progression_is_exclusion_four() {
    let stopped = ResponseRecord {
        drug_stop: day(200),
        ..patient("PR")
    };
    assert_eq!(
        group(stopped),
        Group::Excluded(X::DiscontinuedWithoutProgression)
    );
    // A stop on the date of death is treatment until death, not a discontinuation.
    let until_death = ResponseRecord {
        drug_stop: day(300),
        death: day(300),
        ..patient("SD")
    };
    assert_eq!(group(until_death), Group::DurableResponse);
}

#[test]
fn missing_or_not_evaluable_best_response_is_exclusion_one() {
    assert_eq!(group(patient("")), Group::Excluded(X::ResponseUnevaluable));
    assert_eq!(
        group(patient("NA")),
        Group::Excluded(X::ResponseUnevaluable)
    );
    assert_eq!(
        group(patient("not evaluable")),
        Group::Excluded(X::ResponseUnevaluable)
    );
    // Even with a progression date: without a best response SITC cannot class it.
    let with_pd = ResponseRecord {
        progression: day(80),
        ..patient("")
    };
    assert_eq!(group(with_pd), Group::Excluded(X::ResponseUnevaluable));
}

#[test]
fn first_evaluation_after_six_months_is_exclusion_two() {
    let first = |d: i32| ResponseRecord {
        first_evaluation: day(d),
        ..patient("SD")
    };
    assert_eq!(group(first(182)), Group::DurableResponse);
    assert_eq!(group(first(183)), Group::Excluded(X::LateFirstEvaluation));
}

#[test]
fn short_follow_up_without_progression_is_exclusion_three_and_durable_needs_six_months() {
    let followed = |d: i32| ResponseRecord {
        last_contact: day(d),
        ..patient("SD")
    };
    assert_eq!(
        group(followed(182)),
        Group::Excluded(X::ShortFollowUpWithoutProgression)
    );
    assert_eq!(group(followed(183)), Group::DurableResponse);
    let died = ResponseRecord {
        death: day(120),
        ..patient("PR")
    };
    assert_eq!(
        group(died),
        Group::Excluded(X::ShortFollowUpWithoutProgression)
    );
    // Progression ends the question: short follow-up with PD is classified.
    let pd = ResponseRecord {
        progression: day(70),
        last_contact: day(100),
        ..patient("PD")
    };
    assert_eq!(group(pd), Group::PrimaryResistance);
    // With the exclusion at 3 months but durable at 6, 4 months is neither.
    let options = ResistanceOptions {
        min_follow_up_months: 3.0,
        ..Default::default()
    };
    assert_eq!(
        group_with(followed(122), &options),
        Group::Unclassifiable(U::ResponseTooShortForDurable)
    );
}

#[test]
fn a_patient_meeting_several_exclusions_is_counted_once_under_the_first() {
    // NE + first evaluation late + short follow-up + stopped: reason 1.
    let all = ResponseRecord {
        first_evaluation: day(150),
        last_contact: day(160),
        drug_stop: day(100),
        ..patient("NE")
    };
    // Late first evaluation + short follow-up + stopped: reason 2.
    let two = ResponseRecord {
        best_response: Some(BestResponse::Sd),
        first_evaluation: day(190),
        last_contact: day(195),
        drug_stop: day(191),
        ..patient("")
    };
    // Short follow-up + stopped: reason 3.
    let three = ResponseRecord {
        last_contact: day(150),
        drug_stop: day(100),
        ..patient("SD")
    };
    let result = classify(&[all, two, three], &ResistanceOptions::default()).unwrap();
    let groups: Vec<Group> = result.patients.iter().map(|p| p.group).collect();
    assert_eq!(
        groups,
        vec![
            Group::Excluded(X::ResponseUnevaluable),
            Group::Excluded(X::LateFirstEvaluation),
            Group::Excluded(X::ShortFollowUpWithoutProgression)
        ]
    );
    let counts: Vec<usize> = result
        .flow
        .excluded_by_reason
        .iter()
        .map(|c| c.count)
        .collect();
    assert_eq!(counts, vec![1, 1, 1, 0]);
    assert_eq!(result.flow.excluded, 3);
    assert_eq!(result.flow.analysed, 0);
    let order: Vec<X> = result
        .flow
        .excluded_by_reason
        .iter()
        .map(|c| c.reason)
        .collect();
    assert_eq!(order, X::ALL.to_vec());
}

#[test]
fn ties_between_dates() {
    // Progression on the start date (BOR PD), drug continued to death on day 100.
    let at_start = ResponseRecord {
        first_evaluation: day(0),
        progression: day(0),
        death: day(100),
        ..patient("PD")
    };
    assert_eq!(group(at_start), Group::PrimaryResistance);
    // Death on the progression date.
    let same_day = ResponseRecord {
        progression: day(150),
        death: day(150),
        ..patient("SD")
    };
    assert_eq!(group(same_day), Group::PrimaryResistance);
    let same_day_late = ResponseRecord {
        progression: day(200),
        death: day(200),
        ..patient("SD")
    };
    assert_eq!(group(same_day_late), Group::SecondaryResistance);
    // Progression on the stop date counts (on treatment).
    let on_stop = ResponseRecord {
        progression: day(100),
        drug_stop: day(100),
        ..patient("SD")
    };
    assert_eq!(group(on_stop), Group::PrimaryResistance);
    // First evaluation on the start date is allowed.
    let first_at_start = ResponseRecord {
        first_evaluation: day(0),
        ..patient("SD")
    };
    assert_eq!(group(first_at_start), Group::DurableResponse);
}

#[test]
fn confirmation_scan_option() {
    let pd = |confirm: Option<i32>, rapid: Option<bool>| ResponseRecord {
        progression: day(100),
        confirmation_scan: confirm.and_then(day),
        rapid_deterioration: rapid,
        ..patient("SD")
    };
    let on = ResistanceOptions {
        require_confirmation: true,
        ..Default::default()
    };
    // 4 weeks = 28 days after the first PD.
    assert_eq!(
        group_with(pd(Some(128), None), &on),
        Group::PrimaryResistance
    );
    assert_eq!(
        group_with(pd(Some(127), None), &on),
        Group::Unclassifiable(U::UnconfirmedProgression)
    );
    assert_eq!(
        group_with(pd(None, None), &on),
        Group::Unclassifiable(U::UnconfirmedProgression)
    );
    assert_eq!(
        group_with(pd(None, Some(false)), &on),
        Group::Unclassifiable(U::UnconfirmedProgression)
    );
    assert_eq!(
        group_with(pd(None, Some(true)), &on),
        Group::PrimaryResistance
    );
    // Off (the default): no scan needed.
    for case in [pd(Some(127), None), pd(None, None)] {
        assert_eq!(group(case), Group::PrimaryResistance);
    }
    // BOR PD without a progression date cannot be checked when required.
    let undated = ResponseRecord { ..patient("PD") };
    assert_eq!(group(undated.clone()), Group::PrimaryResistance);
    assert_eq!(
        group_with(undated, &on),
        Group::Unclassifiable(U::UnconfirmedProgression)
    );
    // The confirmation interval is a parameter.
    let six = ResistanceOptions {
        require_confirmation: true,
        confirmation_min_weeks: 6.0,
        ..Default::default()
    };
    assert_eq!(
        group_with(pd(Some(128), None), &six),
        Group::Unclassifiable(U::UnconfirmedProgression)
    );
    assert_eq!(
        group_with(pd(Some(142), None), &six),
        Group::PrimaryResistance
    );
}

#[test]
fn early_progression_of_a_responder_follows_the_setting() {
    let pr = || ResponseRecord {
        progression: day(120),
        ..patient("PR")
    };
    assert_eq!(group(pr()), Group::PrimaryResistance);
    let secondary = ResistanceOptions {
        short_response: ShortResponse::Secondary,
        ..Default::default()
    };
    assert_eq!(group_with(pr(), &secondary), Group::SecondaryResistance);
    let open = ResistanceOptions {
        short_response: ShortResponse::Unclassifiable,
        ..Default::default()
    };
    assert_eq!(
        group_with(pr(), &open),
        Group::Unclassifiable(U::ShortResponse)
    );
    // SD is never affected by the setting.
    let sd = ResponseRecord {
        progression: day(120),
        ..patient("SD")
    };
    assert_eq!(group_with(sd, &open), Group::PrimaryResistance);
}

#[test]
fn alternative_rule_at_exactly_n_months() {
    let early = |n: f64| ResistanceOptions {
        rule_set: RuleSet::EarlyProgression,
        early_progression_months: n,
        ..Default::default()
    };
    let pd = |d: i32| ResponseRecord {
        progression: day(d),
        last_contact: day(600),
        ..patient("")
    };
    // 3 months = 91.3125 days.
    assert_eq!(group_with(pd(91), &early(3.0)), Group::PrimaryResistance);
    assert_eq!(group_with(pd(92), &early(3.0)), Group::SecondaryResistance);
    // 16 months = 487 days exactly: "within" includes it.
    assert_eq!(group_with(pd(487), &early(16.0)), Group::PrimaryResistance);
    assert_eq!(
        group_with(pd(488), &early(16.0)),
        Group::SecondaryResistance
    );
    // No exclusions and best response unused; non-progressors are "no progression".
    assert_eq!(group_with(patient(""), &early(3.0)), Group::NoProgression);
    let short = ResponseRecord {
        last_contact: day(60),
        ..patient("SD")
    };
    let result = classify(&[short, pd(30)], &early(3.0)).unwrap();
    assert_eq!(result.flow.no_progression, 1);
    assert_eq!(result.flow.primary_resistance, 1);
    assert_eq!(result.flow.excluded, 0);
    assert_eq!(
        result.notes.short_follow_up_without_progression, 1,
        "{:?}",
        result.notes
    );
    assert_eq!(result.notes.no_first_evaluation, 0);
    assert!(
        result.rules[0].contains("within 3 months"),
        "{:?}",
        result.rules
    );
}

#[test]
fn data_problems_are_unclassifiable_with_the_dates_named() {
    let no_start = ResponseRecord {
        start: None,
        ..patient("SD")
    };
    assert_eq!(group(no_start), Group::Unclassifiable(U::MissingStartDate));
    let no_end = ResponseRecord {
        last_contact: None,
        ..patient("SD")
    };
    assert_eq!(group(no_end), Group::Unclassifiable(U::MissingFollowUpDate));
    // The data cutoff ends follow-up when nothing else does.
    let cutoff_only = ResponseRecord {
        last_contact: None,
        data_cutoff: day(365),
        ..patient("SD")
    };
    assert_eq!(group(cutoff_only), Group::DurableResponse);
    let pd_before_start = ResponseRecord {
        progression: day(-3),
        ..patient("PD")
    };
    assert_eq!(
        group(pd_before_start.clone()),
        Group::Unclassifiable(U::InconsistentDates)
    );
    assert!(reason(pd_before_start)
        .contains("progression date 2019-12-29 is before the ICI start 2020-01-01"));
    let pd_after_death = ResponseRecord {
        progression: day(90),
        death: day(80),
        ..patient("PD")
    };
    assert!(reason(pd_after_death).contains("after the death"));
    let pd_after_contact = ResponseRecord {
        progression: day(450),
        ..patient("SD")
    };
    assert_eq!(
        group(pd_after_contact),
        Group::Unclassifiable(U::InconsistentDates)
    );
    let after_cutoff = ResponseRecord {
        data_cutoff: day(300),
        ..patient("SD")
    };
    assert_eq!(
        group(after_cutoff),
        Group::Unclassifiable(U::InconsistentDates)
    );
    let confirm_before = ResponseRecord {
        progression: day(90),
        confirmation_scan: day(80),
        ..patient("PD")
    };
    assert_eq!(
        group(confirm_before),
        Group::Unclassifiable(U::InconsistentDates)
    );
}

#[test]
fn flow_counts_add_up_and_print() {
    let records = vec![
        ResponseRecord {
            progression: day(70),
            ..patient("PD")
        },
        ResponseRecord {
            progression: day(300),
            ..patient("PR")
        },
        patient("SD"),
        patient(""),
        ResponseRecord {
            start: None,
            ..patient("SD")
        },
    ];
    let result = classify(&records, &ResistanceOptions::default()).unwrap();
    let f = &result.flow;
    assert_eq!(f.screened, 5);
    assert_eq!(
        (
            f.primary_resistance,
            f.secondary_resistance,
            f.durable_response
        ),
        (1, 1, 1)
    );
    assert_eq!((f.excluded, f.unclassifiable, f.analysed), (1, 1, 3));
    assert_eq!(f.screened, f.excluded + f.unclassifiable + f.analysed);
    let lines = f.lines(result.rule_set);
    assert_eq!(lines[0], "Screened: 5");
    assert!(
        lines.contains(&"  response unevaluable: 1".to_string()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"  primary resistance: 1 (33.3%)".to_string()),
        "{lines:?}"
    );
    // Patients without a first-evaluation date are flagged, not excluded.
    let no_first = ResponseRecord {
        first_evaluation: None,
        ..patient("SD")
    };
    let r = classify(&[no_first], &ResistanceOptions::default()).unwrap();
    assert_eq!(r.patients[0].group, Group::DurableResponse);
    assert_eq!(
        r.notes,
        ClassificationNotes {
            no_first_evaluation: 1,
            short_follow_up_without_progression: 0
        }
    );
}

#[test]
fn rule_description_shows_the_thresholds_in_force() {
    let default = describe_rules(&ResistanceOptions::default()).join("\n");
    assert!(default.contains("at least 6 weeks"));
    assert!(default.contains("up to 12 weeks after the last ICI dose"));
    assert!(default.contains("Confirmation scan not required"));
    let custom = ResistanceOptions {
        primary_min_exposure_weeks: 8.0,
        post_stop_window_weeks: 16.0,
        require_confirmation: true,
        response_duration_months: 4.5,
        ..Default::default()
    };
    let text = describe_rules(&custom).join("\n");
    assert!(text.contains("at least 8 weeks"), "{text}");
    assert!(text.contains("up to 16 weeks"), "{text}");
    assert!(text.contains("less than 4.5 months"), "{text}");
    assert!(
        text.contains("Confirmation scan required: at least 4 weeks"),
        "{text}"
    );
    let result = classify(&[patient("SD")], &custom).unwrap();
    assert_eq!(result.rules, describe_rules(&custom));
}

#[test]
fn invalid_options_and_empty_input_are_errors() {
    assert_eq!(
        classify(&[], &ResistanceOptions::default()).unwrap_err(),
        ResistanceError::EmptyInput
    );
    for bad in [
        ResistanceOptions {
            primary_min_exposure_weeks: -1.0,
            ..Default::default()
        },
        ResistanceOptions {
            response_duration_months: f64::NAN,
            ..Default::default()
        },
        ResistanceOptions {
            early_progression_months: 0.0,
            ..Default::default()
        },
    ] {
        let err = classify(&[patient("SD")], &bad).unwrap_err();
        assert!(
            matches!(err, ResistanceError::InvalidThreshold { .. }),
            "{err}"
        );
        assert!(!err.to_string().is_empty());
    }
    let err = BestResponse::parse("stable-ish").unwrap_err();
    assert!(err.to_string().contains("'stable-ish'"), "{err}");
}

#[test]
fn shuffling_records_permutes_the_groups_and_keeps_the_counts() {
    let records: Vec<ResponseRecord> = (0..40)
        .map(|i| {
            let bor = ["PD", "SD", "PR", "CR", "", "NE"][i % 6];
            ResponseRecord {
                patient_id: Some(format!("P{i}")),
                progression: if i % 4 == 0 {
                    None
                } else {
                    day(40 + 11 * i as i32)
                },
                drug_stop: if i % 7 == 0 { day(100) } else { None },
                last_contact: day(150 + 9 * i as i32),
                ..patient(bor)
            }
        })
        .collect();
    let options = ResistanceOptions::default();
    let straight = classify(&records, &options).unwrap();
    let mut reversed_records = records.clone();
    reversed_records.reverse();
    let reversed = classify(&reversed_records, &options).unwrap();
    assert_eq!(straight.flow, reversed.flow);
    for (a, b) in straight.patients.iter().zip(reversed.patients.iter().rev()) {
        assert_eq!(a.patient_id, b.patient_id);
        assert_eq!(a.group, b.group);
        assert_eq!(a.reason, b.reason);
    }
}
