//! Endpoint derivation: intervals computed by hand from calendar dates (2020
//! is a leap year: 2020-01-01 -> 2020-03-01 is 31 + 29 = 60 days), every
//! problem kind, the censoring fallbacks, units and an invariant.

// One copy of the fixtures loader and the tolerances, shared by every crate's tests.
#[path = "../../stats/tests/support/mod.rs"]
mod support;

use survcalc_analysis::dates::{Date, TimeUnit};
use survcalc_analysis::endpoints::{
    derive, derive_all, Endpoint, EndpointError, EndpointOptions, EndpointTimes, PatientDates,
    ProblemKind,
};

fn d(y: i32, m: u32, day: u32) -> Option<Date> {
    Date::from_ymd(y, m, day)
}

/// Start 2020-01-01. Day numbers from it: 03-01 = 60, 04-10 = 100, 05-01 =
/// 121, 06-01 = 152, 07-19 = 200, 09-01 = 244, 12-31 = 365, 2021-01-01 = 366.
fn base() -> PatientDates {
    PatientDates::new(d(2020, 1, 1))
}

fn months() -> EndpointOptions {
    EndpointOptions::default()
}

fn one(p: PatientDates, endpoint: Endpoint) -> EndpointTimes {
    derive(&[p], endpoint, &months()).unwrap()
}

/// (days, event) of a single included record.
fn interval(p: PatientDates, endpoint: Endpoint) -> (i32, bool) {
    let r = one(p, endpoint);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(r.rows, vec![0]);
    (r.time_days[0], r.event[0])
}

fn problem(p: PatientDates, endpoint: Endpoint) -> ProblemKind {
    let r = one(p, endpoint);
    assert!(r.rows.is_empty(), "{endpoint:?} included the record");
    assert_eq!(r.problems.len(), 1);
    r.problems[0].kind
}

#[test]
fn overall_survival() {
    assert_eq!(
        interval(
            PatientDates {
                death: d(2020, 3, 1),
                ..base()
            },
            Endpoint::Os
        ),
        (60, true)
    );
    assert_eq!(
        interval(
            PatientDates {
                last_contact: d(2021, 1, 1),
                ..base()
            },
            Endpoint::Os
        ),
        (366, false)
    );
    // Death wins over a last contact on an earlier date.
    let both = PatientDates {
        death: d(2020, 7, 19),
        last_contact: d(2020, 6, 1),
        ..base()
    };
    assert_eq!(interval(both, Endpoint::Os), (200, true));
}

#[test]
fn time_to_progression_and_its_censoring() {
    let pd = PatientDates {
        progression: d(2020, 4, 10),
        last_assessment: d(2020, 6, 1),
        ..base()
    };
    assert_eq!(interval(pd, Endpoint::Ttp), (100, true));
    // No progression: censored at the last assessment, not the last contact.
    let assessed = PatientDates {
        last_assessment: d(2020, 6, 1),
        last_contact: d(2020, 9, 1),
        ..base()
    };
    assert_eq!(interval(assessed, Endpoint::Ttp), (152, false));
    // Death without progression is censored for TTP (at the last assessment).
    let died = PatientDates {
        death: d(2020, 9, 1),
        last_assessment: d(2020, 6, 1),
        ..base()
    };
    assert_eq!(interval(died, Endpoint::Ttp), (152, false));
    // No assessment date: the last contact, counted in the result.
    let contact = PatientDates {
        last_contact: d(2020, 9, 1),
        ..base()
    };
    let r = one(contact, Endpoint::Ttp);
    assert_eq!(
        (r.time_days[0], r.event[0], r.censored_without_assessment),
        (244, false, 1)
    );
    assert_eq!(r.last_contact_after_death, 0);
    // Neither: the date of death.
    assert_eq!(
        interval(
            PatientDates {
                death: d(2020, 5, 1),
                ..base()
            },
            Endpoint::Ttp
        ),
        (121, false)
    );
}

#[test]
fn progression_free_survival() {
    let both = PatientDates {
        progression: d(2020, 4, 10),
        death: d(2020, 7, 19),
        ..base()
    };
    assert_eq!(interval(both, Endpoint::Pfs), (100, true));
    let death_first = PatientDates {
        death: d(2020, 5, 1),
        last_assessment: d(2020, 3, 1),
        ..base()
    };
    assert_eq!(interval(death_first, Endpoint::Pfs), (121, true));
    let censored = PatientDates {
        last_assessment: d(2020, 6, 1),
        last_contact: d(2020, 9, 1),
        ..base()
    };
    assert_eq!(interval(censored, Endpoint::Pfs), (152, false));
    let contact_only = PatientDates {
        last_contact: d(2020, 9, 1),
        ..base()
    };
    assert_eq!(interval(contact_only, Endpoint::Pfs), (244, false));
}

#[test]
fn post_progression_survival() {
    let died = PatientDates {
        progression: d(2020, 4, 10),
        death: d(2020, 7, 19),
        ..base()
    };
    assert_eq!(interval(died, Endpoint::Pps), (100, true));
    let alive = PatientDates {
        progression: d(2020, 4, 10),
        last_contact: d(2020, 12, 31),
        ..base()
    };
    assert_eq!(interval(alive, Endpoint::Pps), (265, false));
    // PPS does not need the start date.
    let no_start = PatientDates {
        start: None,
        progression: d(2020, 4, 10),
        death: d(2020, 7, 19),
        ..base()
    };
    assert_eq!(interval(no_start, Endpoint::Pps), (100, true));
    // Without progression the record is not eligible, and not a problem.
    let r = one(
        PatientDates {
            death: d(2020, 5, 1),
            ..base()
        },
        Endpoint::Pps,
    );
    assert!(r.rows.is_empty() && r.problems.is_empty());
    assert_eq!(r.not_applicable, 1);
}

#[test]
fn ties_give_zero_times_and_are_kept() {
    let at_start = PatientDates {
        progression: d(2020, 1, 1),
        last_contact: d(2020, 3, 1),
        ..base()
    };
    assert_eq!(interval(at_start.clone(), Endpoint::Ttp), (0, true));
    assert_eq!(interval(at_start, Endpoint::Pfs), (0, true));
    let same_day = PatientDates {
        progression: d(2020, 4, 10),
        death: d(2020, 4, 10),
        ..base()
    };
    assert_eq!(interval(same_day.clone(), Endpoint::Pps), (0, true));
    assert_eq!(interval(same_day.clone(), Endpoint::Pfs), (100, true));
    assert_eq!(interval(same_day, Endpoint::Os), (100, true));
}

#[test]
fn every_problem_kind_is_reported_and_excluded() {
    let no_start = PatientDates {
        start: None,
        death: d(2020, 3, 1),
        ..base()
    };
    for e in [Endpoint::Os, Endpoint::Ttp, Endpoint::Pfs] {
        assert_eq!(problem(no_start.clone(), e), ProblemKind::MissingStartDate);
    }
    assert_eq!(problem(base(), Endpoint::Os), ProblemKind::MissingEndDate);
    assert_eq!(problem(base(), Endpoint::Ttp), ProblemKind::MissingEndDate);
    assert_eq!(problem(base(), Endpoint::Pfs), ProblemKind::MissingEndDate);
    assert_eq!(
        problem(
            PatientDates {
                progression: d(2020, 4, 10),
                ..base()
            },
            Endpoint::Pps
        ),
        ProblemKind::MissingEndDate
    );

    assert_eq!(
        problem(
            PatientDates {
                death: d(2019, 12, 1),
                ..base()
            },
            Endpoint::Os
        ),
        ProblemKind::EventBeforeStart
    );
    let pd_before = PatientDates {
        progression: d(2019, 12, 31),
        last_contact: d(2020, 6, 1),
        ..base()
    };
    for e in Endpoint::ALL.into_iter().filter(|e| *e != Endpoint::Os) {
        assert_eq!(
            problem(pd_before.clone(), e),
            ProblemKind::EventBeforeStart,
            "{e:?}"
        );
    }
    // OS does not use the progression date.
    assert_eq!(interval(pd_before, Endpoint::Os), (152, false));

    let contact_before = PatientDates {
        last_contact: d(2019, 6, 1),
        ..base()
    };
    assert_eq!(
        problem(contact_before.clone(), Endpoint::Os),
        ProblemKind::CensoringBeforeStart
    );
    assert_eq!(
        problem(contact_before, Endpoint::Ttp),
        ProblemKind::CensoringBeforeStart
    );
    let assessed_before = PatientDates {
        last_assessment: d(2019, 6, 1),
        last_contact: d(2020, 6, 1),
        ..base()
    };
    assert_eq!(
        problem(assessed_before, Endpoint::Pfs),
        ProblemKind::CensoringBeforeStart
    );

    let pd_after_death = PatientDates {
        progression: d(2020, 9, 1),
        death: d(2020, 6, 1),
        ..base()
    };
    for e in [Endpoint::Ttp, Endpoint::Pfs, Endpoint::Pps] {
        assert_eq!(
            problem(pd_after_death.clone(), e),
            ProblemKind::ProgressionAfterDeath,
            "{e:?}"
        );
    }
    assert_eq!(interval(pd_after_death, Endpoint::Os), (152, true));

    let assessed_after_death = PatientDates {
        last_assessment: d(2020, 9, 1),
        death: d(2020, 6, 1),
        ..base()
    };
    assert_eq!(
        problem(assessed_after_death, Endpoint::Ttp),
        ProblemKind::AssessmentAfterDeath
    );

    let contact_before_pd = PatientDates {
        progression: d(2020, 6, 1),
        last_contact: d(2020, 4, 10),
        ..base()
    };
    assert_eq!(
        problem(contact_before_pd, Endpoint::Pps),
        ProblemKind::CensoringBeforeProgression
    );
}

#[test]
fn problems_name_the_patient_and_row_and_the_rest_is_kept() {
    let patients = vec![
        PatientDates {
            patient_id: Some("A-1".into()),
            death: d(2020, 3, 1),
            ..base()
        },
        PatientDates {
            patient_id: Some("A-2".into()),
            death: d(2019, 3, 1),
            ..base()
        },
        PatientDates {
            death: d(2019, 3, 1),
            ..base()
        },
        PatientDates {
            last_contact: d(2021, 1, 1),
            ..base()
        },
    ];
    let r = derive(&patients, Endpoint::Os, &months()).unwrap();
    assert_eq!(r.rows, vec![0, 3]);
    assert_eq!(r.time_days, vec![60, 366]);
    assert_eq!(r.n_events, 1);
    assert_eq!(r.problems.len(), 2);
    assert_eq!(r.problems[0].row, 1);
    assert_eq!(r.problems[0].patient_id.as_deref(), Some("A-2"));
    assert!(r.problems[0]
        .message
        .starts_with("patient A-2 (data row 2): death 2019-03-01 is before the start 2020-01-01"));
    assert!(
        r.problems[0].message.ends_with("left out of OS."),
        "{}",
        r.problems[0].message
    );
    assert!(
        r.problems[1].message.starts_with("data row 3:"),
        "{}",
        r.problems[1].message
    );
    assert_eq!(r.censored_without_assessment, 0);
}

#[test]
fn units_are_carried_and_converted() {
    let p = vec![PatientDates {
        death: d(2021, 1, 1),
        ..base()
    }];
    let in_months = derive(&p, Endpoint::Os, &months()).unwrap();
    assert_eq!(in_months.unit, TimeUnit::Months);
    assert_eq!(in_months.time, vec![366.0 / 30.4375]);
    let in_years = derive(
        &p,
        Endpoint::Os,
        &EndpointOptions {
            unit: TimeUnit::Years,
        },
    )
    .unwrap();
    assert_eq!(in_years.time, vec![366.0 / 365.25]);
    let in_days = derive(
        &p,
        Endpoint::Os,
        &EndpointOptions {
            unit: TimeUnit::Days,
        },
    )
    .unwrap();
    assert_eq!(in_days.time, vec![366.0]);
    assert!(in_days.definition.starts_with("Overall survival (OS)"));
}

#[test]
fn last_contact_after_death_is_a_warning() {
    let p = PatientDates {
        death: d(2020, 3, 1),
        last_contact: d(2022, 10, 31),
        ..base()
    };
    let r = one(p, Endpoint::Os);
    assert_eq!((r.time_days[0], r.event[0]), (60, true));
    assert_eq!(r.last_contact_after_death, 1);
}

#[test]
fn empty_input_is_an_error_and_derive_all_matches_derive() {
    assert_eq!(
        derive(&[], Endpoint::Pps, &months()).unwrap_err(),
        EndpointError::EmptyInput
    );
    assert_eq!(
        derive_all(&[], &months()).unwrap_err(),
        EndpointError::EmptyInput
    );
    let patients = vec![
        PatientDates {
            progression: d(2020, 4, 10),
            death: d(2020, 7, 19),
            ..base()
        },
        PatientDates {
            last_assessment: d(2020, 6, 1),
            last_contact: d(2020, 9, 1),
            ..base()
        },
    ];
    let all = derive_all(&patients, &months()).unwrap();
    assert_eq!(all.os, derive(&patients, Endpoint::Os, &months()).unwrap());
    assert_eq!(all.ttp.time_days, vec![100, 152]);
    assert_eq!(all.pfs.event, vec![true, false]);
    assert_eq!(all.pps.rows, vec![0]);
}

#[test]
fn reversing_the_records_reverses_the_output() {
    let patients: Vec<PatientDates> = (0..30)
        .map(|i| {
            let start = Date::from_ymd(2019, 1, 1).unwrap().add_days(7 * i);
            PatientDates {
                patient_id: Some(format!("P{i}")),
                start: Some(start),
                progression: (i % 3 != 0).then(|| start.add_days(20 + 5 * i)),
                death: (i % 2 == 0).then(|| start.add_days(100 + 9 * i)),
                last_contact: Some(start.add_days(400)),
                last_assessment: (i % 5 != 0).then(|| start.add_days(60)),
            }
        })
        .collect();
    let mut reversed = patients.clone();
    reversed.reverse();
    for e in Endpoint::ALL {
        let a = derive(&patients, e, &months()).unwrap();
        let b = derive(&reversed, e, &months()).unwrap();
        let pairs_a: Vec<(usize, i32, bool)> = a
            .rows
            .iter()
            .zip(&a.time_days)
            .zip(&a.event)
            .map(|((r, t), ev)| (29 - r, *t, *ev))
            .rev()
            .collect();
        let pairs_b: Vec<(usize, i32, bool)> = b
            .rows
            .iter()
            .zip(&b.time_days)
            .zip(&b.event)
            .map(|((r, t), ev)| (*r, *t, *ev))
            .collect();
        assert_eq!(pairs_a, pairs_b, "{e:?}");
        assert_eq!(a.problems.len(), b.problems.len());
    }
}
