//! Warnings are data: each situation has one stable code, serialised as
//! `{code, message, ...facts}`, documented in docs/warnings.md; and each
//! analysis reports the code where the situation arises (asserted by code
//! and facts, the sentence only where its wording is the point).

use serde_json::{json, Value};
use survcalc_analysis::analyses::baseline::{self, BaselineRequest, VariableRequest};
use survcalc_analysis::analyses::cohort::{self, CohortColumns, CohortRequest};
use survcalc_analysis::analyses::cox::{self, CoxRequest};
use survcalc_analysis::analyses::km::{self, KmRequest};
use survcalc_analysis::analyses::models::{self, ModelTableRequest, OutcomeRequest};
use survcalc_analysis::analyses::rates::{self, RatesRequest};
use survcalc_analysis::design::TermSpec;
use survcalc_analysis::endpoints::Endpoint;
use survcalc_analysis::provenance::DerivedColumn;
use survcalc_analysis::table::{read_csv, ReadOptions, Table};
use survcalc_analysis::warning::{
    CellValue, Context, ImmortalTimeRole, LeftOutReason, MissingValues, NoTestReason, Warning,
};
use survcalc_stats::contingency::OddsRatioBoundary;
use survcalc_stats::ksample::KSampleError;
use survcalc_stats::logistic::SeparationKind;
use survcalc_stats::warning::{
    AliasReason, FitMethod, GroupedMethod, KSampleTest, KernelWarning, MedianOf, Side, TableAxis,
};

// ---------- one of each, their codes and their JSON ----------

/// One warning of every kernel variant. The match below has no wildcard,
/// so a new variant does not compile until it is listed here too.
fn every_kernel_warning() -> Vec<KernelWarning> {
    let all = vec![
        KernelWarning::EmptyGroup {
            group: "b".into(),
            method: GroupedMethod::Logrank,
        },
        KernelWarning::MedianNotReached {
            curve: "a".into(),
            quantity: MedianOf::Survival,
        },
        KernelWarning::QuantileNotReached {
            curve: "a".into(),
            prob: 0.25,
        },
        KernelWarning::RmstBeyondFollowUp {
            curve: "a".into(),
            tau: 12.0,
            last_time: 10.5,
        },
        KernelWarning::RmstDifferenceWithoutSe { tau: 12.0 },
        KernelWarning::GeneralisedInverse,
        KernelWarning::PairNotComparable {
            group_a: "a".into(),
            group_b: "b".into(),
        },
        KernelWarning::CollinearCovariate { term: "x2".into() },
        KernelWarning::InfiniteCoefficient {
            term: Some("g".into()),
            converged: true,
        },
        KernelWarning::NotConverged {
            method: FitMethod::Cox,
            max_iter: 20,
        },
        KernelWarning::ConcordanceUndefined,
        KernelWarning::ZphLogOfZeroTime,
        KernelWarning::ZphAliasedLeftOut,
        KernelWarning::AliasedTerm {
            term: "site".into(),
            reason: AliasReason::Constant { value: 2.0 },
        },
        KernelWarning::Separation {
            kind: SeparationKind::Complete,
            terms: vec!["x".into()],
        },
        KernelWarning::CoefficientsStillChanging {
            terms: vec!["x".into(), "z".into()],
        },
        KernelWarning::FittedProbabilitiesExtreme,
        KernelWarning::SingularInformation,
        KernelWarning::ProfileIntervalsSkipped,
        KernelWarning::ProfileLimitUnbounded {
            term: "x".into(),
            side: Side::Upper,
        },
        KernelWarning::ProfileLimitFailed {
            term: "x".into(),
            side: Side::Lower,
        },
        KernelWarning::FirthNullModelFailed,
        KernelWarning::PenalizedLrTestFailed { term: "x".into() },
        KernelWarning::ExactPWithTies,
        KernelWarning::ExactPTooLarge,
        KernelWarning::TestNotComputed {
            test: KSampleTest::KruskalWallis,
            error: KSampleError::AllValuesTied.to_string(),
        },
        KernelWarning::TooFewGroupsToCompare,
        KernelWarning::SameOutcomeForAll,
        KernelWarning::EmptyRowOrColumn {
            axis: TableAxis::Column,
            label: "3".into(),
        },
        KernelWarning::SmallExpectedCounts {
            cells: 2,
            min_expected: 1.25,
        },
        KernelWarning::FisherSimulated {
            n_rows: 4,
            n_cols: 5,
            n: 759,
            replicates: 10_000,
        },
    ];
    for w in &all {
        match w {
            KernelWarning::EmptyGroup { .. }
            | KernelWarning::MedianNotReached { .. }
            | KernelWarning::QuantileNotReached { .. }
            | KernelWarning::RmstBeyondFollowUp { .. }
            | KernelWarning::RmstDifferenceWithoutSe { .. }
            | KernelWarning::GeneralisedInverse
            | KernelWarning::PairNotComparable { .. }
            | KernelWarning::CollinearCovariate { .. }
            | KernelWarning::InfiniteCoefficient { .. }
            | KernelWarning::NotConverged { .. }
            | KernelWarning::ConcordanceUndefined
            | KernelWarning::ZphLogOfZeroTime
            | KernelWarning::ZphAliasedLeftOut
            | KernelWarning::AliasedTerm { .. }
            | KernelWarning::Separation { .. }
            | KernelWarning::CoefficientsStillChanging { .. }
            | KernelWarning::FittedProbabilitiesExtreme
            | KernelWarning::SingularInformation
            | KernelWarning::ProfileIntervalsSkipped
            | KernelWarning::ProfileLimitUnbounded { .. }
            | KernelWarning::ProfileLimitFailed { .. }
            | KernelWarning::FirthNullModelFailed
            | KernelWarning::PenalizedLrTestFailed { .. }
            | KernelWarning::ExactPWithTies
            | KernelWarning::ExactPTooLarge
            | KernelWarning::TestNotComputed { .. }
            | KernelWarning::TooFewGroupsToCompare
            | KernelWarning::SameOutcomeForAll
            | KernelWarning::EmptyRowOrColumn { .. }
            | KernelWarning::SmallExpectedCounts { .. }
            | KernelWarning::FisherSimulated { .. } => {}
        }
    }
    all
}

/// One warning of every analysis variant (kernel warnings apart), listed
/// exhaustively as above.
fn every_warning() -> Vec<Warning> {
    let all = vec![
        Warning::SkippedEmptyRows {
            count: 2,
            lines: vec![4, 6],
        },
        Warning::OutsideAnalysisSet {
            set: "Primary resistance".into(),
            count: 372,
            n_total: 601,
        },
        Warning::ColumnRenamed {
            requested: "os_months".into(),
            given: "os_months_2".into(),
        },
        Warning::NegativeTimeBetween {
            column: "start_to_death_months".into(),
            from: "start".into(),
            to: "death".into(),
            count: 1,
            lines: vec![9],
        },
        Warning::NonNumbersReadAsMissing {
            column: "age".into(),
            count: 1,
            cells: vec![CellValue {
                line: 5,
                value: "unknown".into(),
            }],
        },
        Warning::RowsLeftOut {
            column: "time".into(),
            reason: LeftOutReason::Missing,
            count: 12,
            lines: vec![3, 7],
            values: Vec::new(),
        },
        Warning::MissingCovariateValues {
            n_dropped: 1,
            n_candidates: 228,
            columns: vec![MissingValues {
                column: "ph.ecog".into(),
                count: 1,
                lines: vec![15],
            }],
        },
        Warning::ValueNotFound {
            column: "status".into(),
            value: "3".into(),
        },
        Warning::OnlyOneGroup {
            column: "arm".into(),
            group: "A".into(),
        },
        Warning::NoRowsLeft,
        Warning::NoEvents,
        Warning::OtherValuesCountAsZero {
            column: "y".into(),
            event_values: vec!["yes".into()],
            others: vec!["no".into(), "maybe".into()],
            more: false,
        },
        Warning::NoPatientHasOutcome { column: "y".into() },
        Warning::EveryPatientHasOutcome { column: "y".into() },
        Warning::OutcomeRestricted {
            column: "grp".into(),
            values: vec!["a".into(), "b".into()],
            removed: 3,
        },
        Warning::FreeTextAsCategory {
            column: "note".into(),
            levels: 12,
        },
        Warning::UnusedLevels {
            column: "g".into(),
            levels: vec!["c".into()],
            n: 4,
        },
        Warning::ImmortalTime {
            column: "resistance_group".into(),
            derived: DerivedColumn::ResistanceGroup,
            time_column: "os_months".into(),
            role: ImmortalTimeRole::Group,
            landmark: None,
        },
        Warning::LandmarkGroupLeftOut {
            landmark: 6.0,
            unit: Some("months".into()),
            group: "3".into(),
        },
        Warning::TrendNeedsThreeGroups,
        Warning::PhTestNotComputed {
            error: "The data have no events.".into(),
        },
        Warning::GroupTestNotComputed {
            error: "There are no events.".into(),
        },
        Warning::CutPointsIgnored {
            cuts: vec![2000.0],
            column: "time".into(),
            longest: 999.0,
        },
        Warning::IntervalWithoutEvents {
            interval: "(900+)".into(),
            column: "time".into(),
            covariates: vec!["age".into()],
        },
        Warning::NoCompetingEventChosen {
            column: "event".into(),
        },
        Warning::TimeBeyondFollowUp {
            curve: "M".into(),
            time: 400.0,
        },
        Warning::FineGrayNotComputed {
            error: "No patient has the event of interest.".into(),
        },
        Warning::InteractionTestNotComputed {
            variable: "sex".into(),
            error: "no interaction term can be estimated.".into(),
        },
        Warning::NoMultivariableModel { threshold: 0.05 },
        Warning::Separation {
            kind: SeparationKind::QuasiComplete,
            terms: vec!["NV".into()],
            univariate: true,
        },
        Warning::NoTest {
            variable: "x".into(),
            reason: NoTestReason::FewerThanTwoValues,
        },
        Warning::ValuesTooLargeToTest {
            variable: "marker".into(),
            largest: 1e200,
        },
        Warning::SeveralCensoringCodes {
            column: "status".into(),
            event_values: vec!["1".into()],
            censored_values: vec!["0".into(), "2".into()],
        },
        Warning::DecimalCommaNumbers {
            column: "x".into(),
            value: "1,5".into(),
        },
        Warning::OddsRatioAtBoundary {
            boundary: OddsRatioBoundary::Infinite,
        },
        Warning::EndpointRecordsLeftOut {
            endpoint: Endpoint::Os,
            count: 2,
        },
        Warning::CensoredWithoutAssessment {
            endpoint: Endpoint::Ttp,
            count: 1,
        },
        Warning::LastContactAfterDeath {
            endpoint: Endpoint::Os,
            count: 1,
        },
        Warning::EndpointWithoutPatients {
            endpoint: Endpoint::Pps,
        },
        Warning::FirstEvaluationUnchecked {
            count: 3,
            max_months: 6.0,
        },
        Warning::ShortFollowUpWithoutProgression {
            count: 2,
            months: 3.0,
        },
    ];
    for w in &all {
        match w {
            Warning::Kernel(_)
            | Warning::Within { .. }
            | Warning::SkippedEmptyRows { .. }
            | Warning::OutsideAnalysisSet { .. }
            | Warning::ColumnRenamed { .. }
            | Warning::NegativeTimeBetween { .. }
            | Warning::NonNumbersReadAsMissing { .. }
            | Warning::RowsLeftOut { .. }
            | Warning::MissingCovariateValues { .. }
            | Warning::ValueNotFound { .. }
            | Warning::OnlyOneGroup { .. }
            | Warning::NoRowsLeft
            | Warning::NoEvents
            | Warning::OtherValuesCountAsZero { .. }
            | Warning::NoPatientHasOutcome { .. }
            | Warning::EveryPatientHasOutcome { .. }
            | Warning::OutcomeRestricted { .. }
            | Warning::FreeTextAsCategory { .. }
            | Warning::UnusedLevels { .. }
            | Warning::ImmortalTime { .. }
            | Warning::LandmarkGroupLeftOut { .. }
            | Warning::TrendNeedsThreeGroups
            | Warning::PhTestNotComputed { .. }
            | Warning::GroupTestNotComputed { .. }
            | Warning::CutPointsIgnored { .. }
            | Warning::IntervalWithoutEvents { .. }
            | Warning::NoCompetingEventChosen { .. }
            | Warning::TimeBeyondFollowUp { .. }
            | Warning::FineGrayNotComputed { .. }
            | Warning::InteractionTestNotComputed { .. }
            | Warning::NoMultivariableModel { .. }
            | Warning::Separation { .. }
            | Warning::NoTest { .. }
            | Warning::ValuesTooLargeToTest { .. }
            | Warning::SeveralCensoringCodes { .. }
            | Warning::DecimalCommaNumbers { .. }
            | Warning::OddsRatioAtBoundary { .. }
            | Warning::EndpointRecordsLeftOut { .. }
            | Warning::CensoredWithoutAssessment { .. }
            | Warning::LastContactAfterDeath { .. }
            | Warning::EndpointWithoutPatients { .. }
            | Warning::FirstEvaluationUnchecked { .. }
            | Warning::ShortFollowUpWithoutProgression { .. } => {}
        }
    }
    all
}

fn all_warnings() -> Vec<Warning> {
    let mut all: Vec<Warning> = every_kernel_warning()
        .into_iter()
        .map(Warning::Kernel)
        .collect();
    all.extend(every_warning());
    all
}

fn is_snake_case(code: &str) -> bool {
    !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[test]
fn every_warning_serialises_as_its_code_its_message_and_its_facts() {
    for w in all_warnings() {
        let value = serde_json::to_value(&w).unwrap();
        assert_eq!(value["code"], w.code(), "{value}");
        assert_eq!(value["message"], w.message(), "{value}");
        assert!(is_snake_case(w.code()), "{}", w.code());
        let message = w.message();
        assert!(
            message.ends_with('.') || message.ends_with(')'),
            "a sentence: {message}"
        );
        assert!(
            !message.contains("{") && !message.contains("  "),
            "{message}"
        );
    }
    // The facts are fields beside the code and the message.
    assert_eq!(
        serde_json::to_value(Warning::RowsLeftOut {
            column: "bor".into(),
            reason: LeftOutReason::Excluded,
            count: 2,
            lines: vec![4, 9],
            values: vec!["NE".into()],
        })
        .unwrap(),
        json!({
            "code": "rows_left_out",
            "message": "2 rows left out: bor = NE (left out of the denominator as chosen) (lines 4, 9).",
            "column": "bor",
            "reason": "excluded",
            "count": 2,
            "lines": [4, 9],
            "values": ["NE"],
        })
    );
    assert_eq!(
        serde_json::to_value(Warning::NoTest {
            variable: "x".into(),
            reason: NoTestReason::Error {
                error: "why".into()
            }
        })
        .unwrap(),
        json!({ "code": "no_test", "message": "\"x\": no test: why", "variable": "x", "reason": "error", "error": "why" })
    );
}

#[test]
fn each_situation_has_its_own_code() {
    let mut codes: Vec<&str> = all_warnings().iter().map(Warning::code).collect();
    codes.sort_unstable();
    let n = codes.len();
    codes.dedup();
    // The model table's separation rewords the kernel's: the one shared code.
    assert_eq!(n - codes.len(), 1, "one code per situation");
}

#[test]
fn a_kernel_warning_keeps_its_code_and_facts_and_gains_a_sentence() {
    let w = Warning::Kernel(KernelWarning::RmstBeyondFollowUp {
        curve: "a".into(),
        tau: 12.0,
        last_time: 10.5,
    });
    assert_eq!(
        serde_json::to_value(&w).unwrap(),
        json!({
            "code": "rmst_beyond_follow_up",
            "message": "\"a\": the RMST horizon 12 is beyond the last follow-up time 10.5; survival is held at its last value up to 12.",
            "curve": "a",
            "tau": 12.0,
            "last_time": 10.5,
        })
    );
    // An error inside a warning is its (worded) text.
    let test = serde_json::to_value(Warning::Kernel(KernelWarning::TestNotComputed {
        test: KSampleTest::WelchT,
        error: KSampleError::AllValuesTied.to_string(),
    }))
    .unwrap();
    assert_eq!(test["test"], "welch_t");
    assert_eq!(test["error"], KSampleError::AllValuesTied.to_string());
}

#[test]
fn a_warning_within_a_part_of_a_report_keeps_the_inner_code() {
    let inner = Warning::Kernel(KernelWarning::ZphAliasedLeftOut);
    let w = inner.clone().within(Context::PhTest);
    assert_eq!(w.code(), "zph_aliased_left_out");
    assert_eq!(w.inner(), &inner);
    assert_eq!(
        serde_json::to_value(&w).unwrap(),
        json!({
            "code": "zph_aliased_left_out",
            "message": "PH test: Columns with NA (aliased) coefficients were left out of the PH test.",
            "context": { "kind": "ph_test" },
        })
    );
    let model = Warning::NoEvents.within(Context::UnivariateModel { term: "age".into() });
    assert_eq!(
        serde_json::to_value(&model).unwrap()["context"],
        json!({ "kind": "univariate_model", "term": "age" })
    );
    assert!(model.message().starts_with("Univariate model of \"age\": "));
}

#[test]
fn docs_list_every_code() {
    let docs = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/warnings.md"
    ))
    .unwrap();
    for w in all_warnings() {
        assert!(
            docs.contains(&format!("`{}`", w.code())),
            "docs/warnings.md does not list `{}`",
            w.code()
        );
    }
}

// ---------- the codes where the situations arise ----------

fn csv(text: &str) -> Table {
    read_csv(text.as_bytes(), &ReadOptions::default()).unwrap()
}

fn codes(warnings: &[Warning]) -> Vec<&'static str> {
    warnings.iter().map(Warning::code).collect()
}

fn km_request(group: Option<&str>) -> KmRequest {
    KmRequest {
        time: "time".into(),
        event: "status".into(),
        event_values: vec!["1".into()],
        group: group.map(str::to_string),
        ..KmRequest::default()
    }
}

#[test]
fn kaplan_meier_codes() {
    // Two groups, one never below 0.5; a missing time; a censoring value no row has.
    let t = csv("time,status,arm\n1,1,a\n2,1,a\n3,1,a\n,1,b\n4,0,b\n5,1,b\n6,0,b\n7,0,b\n,,\n");
    assert_eq!(codes(&t.warnings), ["skipped_empty_rows"]);
    let r = km::run(
        &t,
        &KmRequest {
            censor_values: Some(vec!["0".into(), "9".into()]),
            trend: true,
            ..km_request(Some("arm"))
        },
    )
    .unwrap();
    let c = codes(&r.warnings);
    assert!(
        r.warnings.contains(&Warning::ValueNotFound {
            column: "status".into(),
            value: "9".into()
        }),
        "{c:?}"
    );
    assert!(
        r.warnings.iter().any(|w| matches!(w, Warning::RowsLeftOut { column, reason: LeftOutReason::Missing, count: 1, .. } if column == "time")),
        "{c:?}"
    );
    assert!(
        r.warnings
            .contains(&Warning::Kernel(KernelWarning::MedianNotReached {
                curve: "b".into(),
                quantity: MedianOf::Survival
            })),
        "{c:?}"
    );
    assert!(c.contains(&"trend_needs_three_groups"), "{c:?}");
    // RMST beyond the last time of a curve; no events before the horizon in either.
    let r = km::run(
        &t,
        &KmRequest {
            rmst_tau: Some(10.0),
            ..km_request(Some("arm"))
        },
    )
    .unwrap();
    assert!(
        codes(&r.warnings).contains(&"rmst_beyond_follow_up"),
        "{:?}",
        codes(&r.warnings)
    );
    let quiet = csv("time,status,arm\n2,1,a\n3,0,a\n2,0,b\n4,0,b\n5,1,b\n");
    let r = km::run(
        &quiet,
        &KmRequest {
            rmst_tau: Some(1.0),
            ..km_request(Some("arm"))
        },
    )
    .unwrap();
    assert!(
        codes(&r.warnings).contains(&"rmst_difference_without_se"),
        "{:?}",
        codes(&r.warnings)
    );
    // Every time censored; only one group left.
    let censored = csv("time,status,arm\n1,0,a\n2,0,a\n3,0,a\n");
    let r = km::run(
        &censored,
        &KmRequest {
            censor_values: Some(vec!["0".into()]),
            ..km_request(Some("arm"))
        },
    )
    .unwrap();
    assert!(
        codes(&r.warnings).contains(&"no_events"),
        "{:?}",
        codes(&r.warnings)
    );
    assert!(r.warnings.contains(&Warning::OnlyOneGroup {
        column: "arm".into(),
        group: "a".into()
    }));
    // Codes 0 and 2 beside the event 1, no censoring values chosen: 2 may be
    // a competing event; choosing the censoring values says it is not.
    let coded = csv("time,status\n1,1\n2,0\n3,2\n4,1\n");
    let r = km::run(&coded, &km_request(None)).unwrap();
    assert_eq!(
        r.warnings,
        [Warning::SeveralCensoringCodes {
            column: "status".into(),
            event_values: vec!["1".into()],
            censored_values: vec!["0".into(), "2".into()]
        }]
    );
    assert_eq!(
        r.warnings[0].message(),
        "Column \"status\": \"0\" and \"2\" are both counted as censored (the event is \"1\"). If \"2\" marks another kind of event (e.g. death from another cause), it is a competing event, and censoring it overestimates the risk: see Competing risks. Choose the censoring values to confirm."
    );
    let chosen = KmRequest {
        censor_values: Some(vec!["0".into(), "2".into()]),
        ..km_request(None)
    };
    assert!(km::run(&coded, &chosen).unwrap().warnings.is_empty());
    let plain = km::run(&csv("time,status\n1,1\n2,0\n3,0\n"), &km_request(None)).unwrap();
    assert!(
        !codes(&plain.warnings).contains(&"several_censoring_codes"),
        "{:?}",
        codes(&plain.warnings)
    );
}

#[test]
fn reading_codes() {
    let t = csv("time,status\n1,1\n,\n2,0\n");
    assert_eq!(
        t.warnings,
        [Warning::SkippedEmptyRows {
            count: 1,
            lines: vec![3]
        }]
    );
    let options = ReadOptions {
        non_numbers_as_missing: vec!["age".into()],
        ..ReadOptions::default()
    };
    let t = read_csv(b"time,age\n1,61\n2,unknown\n3,70\n", &options).unwrap();
    assert_eq!(
        t.warnings,
        [Warning::NonNumbersReadAsMissing {
            column: "age".into(),
            count: 1,
            cells: vec![CellValue {
                line: 3,
                value: "unknown".into()
            }]
        }]
    );
    assert_eq!(
        t.warnings[0].message(),
        "Column \"age\": 1 value that is not a number was read as missing (line 3: \"unknown\")."
    );
}

#[test]
fn decimal_comma_numbers_as_a_covariate_are_named() {
    let t = csv("time,status,x\n1,1,\"1,5\"\n2,0,\"2,5\"\n3,1,\"3,5\"\n4,1,2\n");
    let request = CoxRequest {
        time: "time".into(),
        event: "status".into(),
        event_values: vec!["1".into()],
        covariates: vec![TermSpec::new("x")],
        ..CoxRequest::default()
    };
    let r = cox::run(&t, &request).unwrap();
    let named = Warning::DecimalCommaNumbers {
        column: "x".into(),
        value: "1,5".into(),
    };
    assert!(r.warnings.contains(&named), "{:?}", codes(&r.warnings));
    assert!(
        !codes(&r.warnings).contains(&"free_text_as_category"),
        "{:?}",
        codes(&r.warnings)
    );
    assert!(
        named
            .message()
            .contains("Read the file again with decimal comma"),
        "{}",
        named.message()
    );
}

#[test]
fn cox_and_design_codes() {
    // A free-text covariate, a level present only in a row left out, a missing covariate.
    let mut text = String::from("time,status,note,g,x\n");
    for i in 0..24 {
        let g = if i == 5 {
            "c"
        } else if i % 2 == 0 {
            "a"
        } else {
            "b"
        };
        let x = if i == 5 {
            String::new()
        } else {
            format!("{}", (i * 7) % 11)
        };
        text.push_str(&format!(
            "{},{},note {},{g},{x}\n",
            3 + i,
            i % 3 % 2,
            i % 13
        ));
    }
    let t = csv(&text);
    let request = CoxRequest {
        time: "time".into(),
        event: "status".into(),
        event_values: vec!["1".into()],
        covariates: vec![TermSpec::new("g"), TermSpec::new("x")],
        ..CoxRequest::default()
    };
    let r = cox::run(&t, &request).unwrap();
    let c = codes(&r.warnings);
    assert!(c.contains(&"missing_covariate_values"), "{c:?}");
    assert!(
        r.warnings.contains(&Warning::UnusedLevels {
            column: "g".into(),
            levels: vec!["c".into()],
            n: 23
        }),
        "{c:?}"
    );
    // Free text (13 distinct values in 24 rows) asked for as a category.
    let rows: Vec<usize> = (0..t.n_rows()).collect();
    let design =
        survcalc_analysis::design::build_design(&t, &[TermSpec::categorical("note")], &rows)
            .unwrap();
    assert_eq!(
        design.warnings,
        [Warning::FreeTextAsCategory {
            column: "note".into(),
            levels: 13
        }]
    );
    // A collinear covariate: the kernel's code, unchanged.
    let mut text = String::from("time,status,x,x2\n");
    for i in 0..20 {
        text.push_str(&format!(
            "{},{},{},{}\n",
            2 + i,
            i % 2,
            i % 5,
            2 * (i % 5) + 1
        ));
    }
    let r = cox::run(
        &csv(&text),
        &CoxRequest {
            covariates: vec![TermSpec::new("x"), TermSpec::new("x2")],
            ..request
        },
    )
    .unwrap();
    assert!(
        r.warnings
            .contains(&Warning::Kernel(KernelWarning::CollinearCovariate {
                term: "x2".into()
            })),
        "{:?}",
        codes(&r.warnings)
    );
}

fn binary_table() -> Table {
    let mut text = String::from("y,x,grp\n");
    for i in 0..30 {
        let y = ["yes", "no", "maybe"][i % 3];
        text.push_str(&format!(
            "{y},{},{}\n",
            (i * 7) % 13,
            ["a", "b", "c"][i % 3]
        ));
    }
    text.push_str(",4,a\n");
    csv(&text)
}

#[test]
fn model_table_codes() {
    let t = binary_table();
    let binary = |event: &[&str], non_event: &[&str], threshold: f64| ModelTableRequest {
        outcome: OutcomeRequest {
            column: "y".into(),
            event_values: event.iter().map(|s| s.to_string()).collect(),
            non_event_values: non_event.iter().map(|s| s.to_string()).collect(),
            ..OutcomeRequest::default()
        },
        candidates: vec![TermSpec::new("x")],
        threshold,
        ..ModelTableRequest::default()
    };
    // Every other value counts as 0, and the missing outcome is left out:
    // both said in the settings line, so not repeated as warnings.
    let r = models::run(&t, &binary(&["yes"], &[], 1e-9)).unwrap();
    assert_eq!(codes(&r.warnings), ["no_multivariable_model"]);
    assert_eq!(
        r.table
            .warnings
            .iter()
            .filter(|w| w.code() == "other_values_count_as_zero")
            .count(),
        1
    );
    // Two values compared: the third left out, said once.
    let r = models::run(&t, &binary(&["yes"], &["no"], 1e-9)).unwrap();
    assert!(
        r.warnings.contains(&Warning::OutcomeRestricted {
            column: "y".into(),
            values: vec!["yes".into(), "no".into()],
            removed: 10
        }),
        "{:?}",
        codes(&r.warnings)
    );
    // A perfectly predicting factor: the table's separation, within each model.
    let mut text = String::from("y,x,z\n");
    for i in 0..20 {
        text.push_str(&format!(
            "{},{},{}\n",
            i % 2,
            if i % 2 == 0 { "low" } else { "high" },
            (i * 3) % 7
        ));
    }
    let t = csv(&text);
    let request = ModelTableRequest {
        outcome: OutcomeRequest {
            column: "y".into(),
            event_values: vec!["1".into()],
            ..OutcomeRequest::default()
        },
        candidates: vec![TermSpec::new("x"), TermSpec::new("z")],
        multivariable: Some(vec!["x".into(), "z".into()]),
        ..ModelTableRequest::default()
    };
    let r = models::run(&t, &request).unwrap();
    let separation: Vec<&Warning> = r
        .warnings
        .iter()
        .filter(|w| w.code() == "separation")
        .collect();
    assert!(
        separation.iter().any(
            |w| matches!(w, Warning::Within { context: Context::UnivariateModel { term }, warning }
            if term == "x" && matches!(**warning, Warning::Separation { univariate: true, .. }))
        ),
        "{:?}",
        r.warnings
    );
    assert!(
        separation.iter().any(|w| matches!(
            w,
            Warning::Within {
                context: Context::MultivariableModel,
                ..
            }
        )),
        "{:?}",
        r.warnings
    );
}

#[test]
fn binary_outcome_codes() {
    let t = csv("y,x\nno,1\nno,2\nno,3\nno,4\n");
    let request = |values: &[&str]| ModelTableRequest {
        outcome: OutcomeRequest {
            column: "y".into(),
            event_values: values.iter().map(|s| s.to_string()).collect(),
            ..OutcomeRequest::default()
        },
        candidates: vec![TermSpec::new("x")],
        multivariable: Some(Vec::new()),
        ..ModelTableRequest::default()
    };
    // Nobody has the outcome: the fit fails, so look at the outcome's own warnings.
    let design = survcalc_analysis::design::binary_outcome(
        &t,
        &survcalc_analysis::design::BinaryOutcomeSpec {
            column: "y".into(),
            event_values: vec!["yes".into()],
            non_event_values: Vec::new(),
        },
    )
    .unwrap();
    assert!(
        codes(&design.warnings).contains(&"value_not_found"),
        "{:?}",
        codes(&design.warnings)
    );
    assert!(
        codes(&design.warnings).contains(&"no_patient_has_outcome"),
        "{:?}",
        codes(&design.warnings)
    );
    let all = survcalc_analysis::design::binary_outcome(
        &t,
        &survcalc_analysis::design::BinaryOutcomeSpec {
            column: "y".into(),
            event_values: vec!["no".into()],
            non_event_values: Vec::new(),
        },
    )
    .unwrap();
    assert_eq!(codes(&all.warnings), ["every_patient_has_outcome"]);
    assert!(models::run(&t, &request(&["yes"])).is_err());
}

#[test]
fn table1_codes() {
    let t = csv("g,x,c,k\na,1,u,same\nb,2,v,same\n,3,u,same\na,4,u,same\nb,5,v,same\na,6,v,same\n");
    let request = BaselineRequest {
        group: "g".into(),
        variables: vec![
            VariableRequest::Column("x".into()),
            VariableRequest::Column("c".into()),
            VariableRequest::Column("k".into()),
        ],
        ..BaselineRequest::default()
    };
    let r = baseline::run(&t, &request).unwrap();
    assert!(
        r.warnings.iter().any(|w| matches!(w, Warning::RowsLeftOut { column, lines, .. } if column == "g" && lines == &[4])),
        "{:?}",
        codes(&r.warnings)
    );
    // k is the same for everyone: no test.
    assert!(
        r.warnings.contains(&Warning::NoTest {
            variable: "k".into(),
            reason: NoTestReason::FewerThanTwoValues
        }),
        "{:?}",
        codes(&r.warnings)
    );
    // 1e200 overflows the sums of squares of the t-test and the ANOVA.
    for text in [
        "group,marker\nB,1\nA,1e200\nA,8\n",
        "group,marker\nB,1\nA,1e200\nA,8\nC,3\nC,4\nB,2\n",
    ] {
        let t = csv(text);
        let request = BaselineRequest {
            group: "group".into(),
            variables: vec![VariableRequest::Column("marker".into())],
            continuous_test: baseline::ContinuousTestChoice::Anova,
            ..BaselineRequest::default()
        };
        let r = baseline::run(&t, &request).unwrap();
        assert_eq!(
            r.warnings,
            [Warning::ValuesTooLargeToTest {
                variable: "marker".into(),
                largest: 1e200
            }],
            "{text}"
        );
    }
}

#[test]
fn rates_codes() {
    let t = csv("arm,bor\nA,PR\nA,\nA,PD\nB,NE\n,PR\nB,SD\nB,SD\n");
    let request = RatesRequest {
        outcome: "bor".into(),
        success_values: vec!["CR".into(), "PR".into()],
        exclude_values: vec!["NE".into()],
        group: Some("arm".into()),
        ..RatesRequest::default()
    };
    let r = rates::run(&t, &request).unwrap();
    assert!(r.warnings.contains(&Warning::ValueNotFound {
        column: "bor".into(),
        value: "CR".into()
    }));
    let left_out: Vec<(LeftOutReason, &str)> = r
        .warnings
        .iter()
        .filter_map(|w| match w {
            Warning::RowsLeftOut { reason, column, .. } => Some((*reason, column.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        left_out,
        [
            (LeftOutReason::Missing, "bor"),
            (LeftOutReason::Excluded, "bor"),
            (LeftOutReason::Missing, "arm")
        ]
    );
    // Everyone with the same outcome: the kernel says why there is no test.
    let none = csv("arm,bor\nA,PD\nA,SD\nB,PD\nB,SD\n");
    let r = rates::run(
        &none,
        &RatesRequest {
            exclude_values: Vec::new(),
            ..request
        },
    )
    .unwrap();
    assert!(
        r.warnings
            .contains(&Warning::Kernel(KernelWarning::SameOutcomeForAll)),
        "{:?}",
        codes(&r.warnings)
    );
    // A zero cell: Fisher's odds ratio is infinite, said by a code and in the test's line.
    let zero = csv("group,resp\nA,yes\nA,yes\nA,yes\nB,no\nB,no\nB,no\n");
    let request = RatesRequest {
        outcome: "resp".into(),
        success_values: vec!["yes".into()],
        group: Some("group".into()),
        ..RatesRequest::default()
    };
    let r = rates::run(&zero, &request).unwrap();
    assert_eq!(
        r.warnings,
        [Warning::OddsRatioAtBoundary {
            boundary: OddsRatioBoundary::Infinite
        }]
    );
    assert!(
        r.test_text
            .as_deref()
            .is_some_and(|t| t.ends_with("; odds ratio ∞ (not estimable: a cell is 0)")),
        "{:?}",
        r.test_text
    );
}

#[test]
fn cohort_codes() {
    // Two patients: one with a death before the start (left out of OS and
    // PPS), one who responded without a first-evaluation date and was
    // last seen after their death.
    let t = "id,start,first_eval,bor,death,last_contact\n\
             P1,2020-01-01,,PR,2020-06-01,2020-09-01\n\
             P2,2020-03-01,2020-04-01,SD,2019-01-01,2020-05-01\n";
    let mut table = csv(t);
    let request = CohortRequest {
        columns: CohortColumns {
            patient_id: Some("id".into()),
            start: Some("start".into()),
            first_evaluation: Some("first_eval".into()),
            best_response: Some("bor".into()),
            death: Some("death".into()),
            last_contact: Some("last_contact".into()),
            ..CohortColumns::default()
        },
        ..CohortRequest::default()
    };
    let r = cohort::run(&mut table, &request).unwrap();
    assert!(
        codes(&r.warnings).contains(&"first_evaluation_unchecked"),
        "{:?}",
        codes(&r.warnings)
    );
    let endpoint = |name: &str| {
        r.endpoints
            .iter()
            .find(|e| e.name == name)
            .expect("the endpoint")
    };
    let os = codes(&endpoint("os").warnings);
    assert!(
        os.contains(&"endpoint_records_left_out") && os.contains(&"last_contact_after_death"),
        "{os:?}"
    );
    assert!(codes(&endpoint("pps").warnings).contains(&"endpoint_without_patients"));
    assert!(codes(&endpoint("ttp").warnings).contains(&"censored_without_assessment"));
    let json: Value = serde_json::to_value(&endpoint("os").warnings[0]).unwrap();
    assert_eq!(
        (json["code"].as_str(), json["endpoint"].as_str()),
        (Some("endpoint_records_left_out"), Some("os"))
    );
}

#[test]
fn competing_risks_and_subgroup_codes() {
    use survcalc_analysis::analyses::{competing, subgroup};
    use survcalc_analysis::request;
    let mut text = String::from("time,status,arm,x,x2,site\n");
    for i in 0..40 {
        let status = [0, 1, 2, 1][i % 4];
        let arm = if i % 2 == 0 { "A" } else { "B" };
        let x = (i % 7) as f64;
        // site equals arm: each site has one arm only.
        text.push_str(&format!(
            "{},{status},{arm},{x},{},{}\n",
            1 + i,
            2.0 * x,
            if arm == "A" { "s1" } else { "s2" }
        ));
    }
    let t = csv(&text);
    let req = |v: serde_json::Value| -> competing::CompetingRequest {
        request::from_value(&v, "competing risks").unwrap()
    };
    let r = competing::run(
        &t,
        &req(json!({"time": "time", "event": "status", "event_values": [1], "times": [100]})),
    )
    .unwrap();
    let c = codes(&r.warnings);
    assert!(
        c.contains(&"no_competing_event_chosen") && c.contains(&"time_beyond_follow_up"),
        "{c:?}"
    );
    let r = competing::run(
        &t,
        &req(
            json!({"time": "time", "event": "status", "event_values": [1], "competing_values": [2],
            "covariates": [{"column": "x"}, {"column": "x2"}]}),
        ),
    )
    .unwrap();
    assert!(
        codes(&r.warnings).contains(&"fine_gray_not_computed"),
        "{:?}",
        codes(&r.warnings)
    );
    let s: subgroup::SubgroupRequest = request::from_value(
        &json!({"outcome": {"time": "time", "event": "status", "event_values": [1]},
            "treatment": {"column": "arm"}, "subgroups": ["site"]}),
        "subgroups",
    )
    .unwrap();
    let r = subgroup::run(&t, &s).unwrap();
    assert_eq!(codes(&r.warnings), ["interaction_test_not_computed"]);
}
