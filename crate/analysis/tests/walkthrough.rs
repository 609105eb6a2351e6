//! The walkthrough reader (docs/walkthrough.md): the bundled lesson reads,
//! a lesson survives writing and reading back, every mistake is refused with
//! a message naming where it is, and "try it" changes become exactly the
//! request a saved analysis could hold.

use serde_json::{json, Value};
use survcalc_analysis::analysis_file::AnalysisStep;
use survcalc_analysis::walkthrough::{Walkthrough, WALKTHROUGH_VERSION};

fn bundled_text() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../www/examples/walkthroughs/cui2025_resistance.walkthrough.json"
    );
    std::fs::read_to_string(path).unwrap()
}

/// A small lesson: one shared classification, one Kaplan–Meier step with two changes.
fn lesson() -> Value {
    json!({
        "version": 1,
        "title": "A lesson",
        "example": "examples/synthetic_hcc_cohort.csv",
        "analysis": {
            "version": 1,
            "dataset": { "file_name": "synthetic_hcc_cohort.csv" },
            "steps": [{ "analysis": "classify", "columns": { "start": "ici_start_date" } }]
        },
        "steps": [{
            "title": "OS by group",
            "method": "Kaplan–Meier.",
            "paper": ["median OS 12.83 [10.36–15.30] months"],
            "differs": "Synthetic data.",
            "requests": [{ "analysis": "kaplan_meier", "time": "os_months", "event": "os_event", "event_values": ["1"], "group": "resistance_group" }],
            "try_it": [
                { "label": "Landmark", "effect": "Later start.", "changes": [{ "request": 0, "option": "landmark", "value": 6 }] },
                { "label": "Symmetric", "effect": "As the paper.", "changes": [
                    { "request": 0, "option": "median_ci", "value": "symmetric" },
                    { "request": 0, "option": "figure.ci", "value": "band" }
                ] }
            ]
        }]
    })
}

fn error_of(value: &Value) -> String {
    Walkthrough::from_value(value).unwrap_err().to_string()
}

#[test]
fn the_bundled_walkthrough_reads_with_every_step_of_the_issue() {
    let lesson = Walkthrough::from_json(&bundled_text()).unwrap();
    assert_eq!(lesson.version, WALKTHROUGH_VERSION);
    assert_eq!(lesson.example, "examples/synthetic_hcc_cohort.csv");
    assert_eq!(lesson.analysis.steps.len(), 1);
    assert!(matches!(
        lesson.analysis.steps[0],
        AnalysisStep::Classify(_)
    ));
    // The classification step shows the flow chart itself, so it does not run the setup first.
    assert!(!lesson.steps[0].setup);
    assert!(lesson.steps[1..].iter().all(|s| s.setup));
    let kinds: Vec<Vec<&str>> = lesson
        .steps
        .iter()
        .map(|s| s.requests.iter().map(AnalysisStep::kind).collect())
        .collect();
    assert_eq!(
        kinds,
        vec![
            vec!["classify"],
            vec!["baseline_table"],
            vec!["kaplan_meier"],
            vec!["kaplan_meier"],
            vec!["model_table"],
            vec!["model_table"],
            vec!["kaplan_meier", "model_table"],
            vec!["kaplan_meier", "model_table"],
            vec!["kaplan_meier", "kaplan_meier", "cox"],
            vec!["cox"],
            vec!["rates"],
        ]
    );
    for step in &lesson.steps {
        assert!(
            !step.method.is_empty() && !step.paper.is_empty() && !step.differs.is_empty(),
            "{}",
            step.title
        );
        assert!(
            (1..=2).contains(&step.try_it.len()),
            "{}: one or two changes to try",
            step.title
        );
    }
    // The immortal-time step: from the start, from a landmark, time-varying.
    match &lesson.steps[8].requests[..] {
        [AnalysisStep::KaplanMeier(a), AnalysisStep::KaplanMeier(b), AnalysisStep::Cox(c)] => {
            assert_eq!(a.landmark, None);
            assert_eq!(b.landmark, Some(6.0));
            assert!(c.time_varying.is_some());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_walkthrough_written_out_reads_back_the_same() {
    for lesson in [
        Walkthrough::from_value(&lesson()).unwrap(),
        Walkthrough::from_json(&bundled_text()).unwrap(),
    ] {
        let written = serde_json::to_value(&lesson).unwrap();
        assert_eq!(Walkthrough::from_value(&written).unwrap(), lesson);
    }
}

#[test]
fn a_try_it_change_is_the_request_with_that_option_set() {
    let lesson = Walkthrough::from_value(&lesson()).unwrap();
    let (plain, hidden) = lesson.step_session(0, &[]).unwrap();
    assert_eq!(
        hidden, 1,
        "the shared classification runs first and is not shown"
    );
    assert_eq!(plain.steps.len(), 2);
    let (changed, _) = lesson.step_session(0, &[0, 1]).unwrap();
    let (AnalysisStep::KaplanMeier(before), AnalysisStep::KaplanMeier(after)) =
        (&plain.steps[1], &changed.steps[1])
    else {
        panic!("{changed:?}")
    };
    let mut expected = before.clone();
    expected.landmark = Some(6.0);
    expected.median_ci = after.median_ci;
    expected.figure.ci = after.figure.ci;
    assert_eq!(after, &expected, "nothing else changed");
    assert_ne!(after.median_ci, before.median_ci);
    assert_ne!(after.figure.ci, before.figure.ci);
    // The lesson itself is unchanged: "reset" is the step without changes.
    assert_eq!(lesson.step_session(0, &[]).unwrap().0, plain);
    let e = lesson.step_session(0, &[2]).unwrap_err().to_string();
    assert_eq!(e, "This walkthrough cannot be read: steps[0] (\"OS by group\"): it has 2 \"try it\" changes; there is no change 3.");
    let e = lesson.step_session(1, &[]).unwrap_err().to_string();
    assert_eq!(
        e,
        "This walkthrough cannot be read: it has 1 steps; there is no step 2."
    );
}

#[test]
fn the_version_is_required_and_a_newer_one_refused() {
    let mut v = lesson();
    v.as_object_mut().unwrap().remove("version");
    assert_eq!(error_of(&v), "This walkthrough cannot be read: it has no \"version\" (write \"version\": 1 at its start).");
    v["version"] = json!(WALKTHROUGH_VERSION + 1);
    assert_eq!(
        error_of(&v),
        "This walkthrough cannot be read: it was written for a newer version of survcalc (walkthrough format 2); this page \
         reads format 1 and older. Update survcalc to open it."
    );
    v["version"] = json!("one");
    assert_eq!(error_of(&v), "This walkthrough cannot be read: version: must be a whole number (the walkthrough format's version), not \"one\".");
    assert!(Walkthrough::from_json("not json")
        .unwrap_err()
        .to_string()
        .starts_with("This walkthrough cannot be read: it is not valid JSON"));
}

#[test]
fn mistakes_are_named_where_they_are() {
    let mut v = lesson();
    v.as_object_mut()
        .unwrap()
        .insert("titel".into(), json!("x"));
    let e = error_of(&v);
    assert!(e.starts_with("This walkthrough cannot be read: Unknown option \"titel\" for the walkthrough; did you mean \"title\"?"), "{e}");

    let mut v = lesson();
    v["steps"][0]["requests"][0]["tie"] = json!("breslow");
    let e = error_of(&v);
    assert!(
        e.starts_with("This walkthrough cannot be read: steps[0] (\"OS by group\"), requests[0]: Unknown option \"tie\" for Kaplan–Meier"),
        "{e}"
    );

    let mut v = lesson();
    v["steps"][0]["try_it"][0]["changes"][0]["option"] = json!("landmarc");
    let e = error_of(&v);
    assert!(
        e.starts_with(
            "This walkthrough cannot be read: steps[0] (\"OS by group\"), try_it[0]: setting \"landmarc\" gives a request survcalc \
             cannot read: Unknown option \"landmarc\" for Kaplan–Meier; did you mean \"landmark\"?"
        ),
        "{e}"
    );

    let mut v = lesson();
    v["steps"][0]["try_it"][0]["changes"][0]["value"] = json!("six");
    let e = error_of(&v);
    assert!(e.contains("try_it[0]: setting \"landmark\" gives a request survcalc cannot read: Option \"landmark\" of Kaplan–Meier"), "{e}");

    let mut v = lesson();
    v["steps"][0]["try_it"][0]["changes"][0]["request"] = json!(3);
    assert_eq!(
        error_of(&v),
        "This walkthrough cannot be read: steps[0] (\"OS by group\"), try_it[0]: change of \"landmark\" names requests[3], but the step has 1 requests."
    );

    let mut v = lesson();
    v["steps"][0]["try_it"][0]["changes"][0]["option"] = json!("analysis");
    assert!(error_of(&v).ends_with("\"analysis\" is not an option a change can set."));

    let mut v = lesson();
    v["steps"][0]["requests"] = json!([]);
    assert!(error_of(&v)
        .ends_with("has no requests; a step shows the result of at least one analysis."));

    let mut v = lesson();
    v["steps"] = json!([]);
    assert_eq!(
        error_of(&v),
        "This walkthrough cannot be read: steps: the walkthrough has no steps."
    );

    let mut v = lesson();
    v["example"] = json!("../secret.csv");
    assert!(error_of(&v).contains("\"../secret.csv\" is not a bundled data file"));

    let mut v = lesson();
    v["analysis"]["steps"][0]["analysis"] = json!("clasify");
    let e = error_of(&v);
    assert!(
        e.starts_with("This walkthrough cannot be read: analysis: "),
        "{e}"
    );
    assert!(e.contains("clasify"), "{e}");

    let mut v = lesson();
    v["steps"][0].as_object_mut().unwrap().remove("method");
    let e = error_of(&v);
    assert!(
        e.contains("steps[0] (\"OS by group\"): Option \"method\" is required"),
        "{e}"
    );
}
