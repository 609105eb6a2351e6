//! The bundled walkthrough (www/examples/walkthroughs) on the synthetic
//! cohort: every step and every "try it" runs without error.

use std::path::Path;
use survcalc_analysis::walkthrough::Walkthrough;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn every_step_and_change_of_the_bundled_walkthrough_runs() {
    let text = std::fs::read_to_string(
        root().join("www/examples/walkthroughs/cui2025_resistance.walkthrough.json"),
    )
    .unwrap();
    let lesson = Walkthrough::from_json(&text).unwrap();
    let data = std::fs::read(root().join("www").join(&lesson.example)).unwrap();
    let table =
        survcalc_analysis::table::read_csv(&data, &lesson.analysis.dataset.read_options).unwrap();
    for (i, step) in lesson.steps.iter().enumerate() {
        let tries: Vec<Vec<usize>> = std::iter::once(vec![])
            .chain((0..step.try_it.len()).map(|t| vec![t]))
            .collect();
        for t in tries {
            let out = survcalc_report::lesson_step(&lesson, i, &t, &table).unwrap();
            // One result per request, and the landmark comparison where the step has one.
            let comparisons = out.iter().filter(|o| o.analysis == "comparison").count();
            assert_eq!(out.len(), step.requests.len() + comparisons, "step {i}");
            for o in &out {
                if std::env::var("SHOW").is_ok() {
                    eprintln!("== step {i} tries {t:?}: {} ", o.title);
                    for (name, tb) in &o.tables {
                        eprintln!("  [{name}] {:?}", tb.header);
                        for r in tb.rows.iter().take(30) {
                            eprintln!("    {r:?}");
                        }
                    }
                    for x in &o.texts {
                        eprintln!("  t: {x}");
                    }
                    for x in &o.warnings {
                        eprintln!("  w: {x}");
                    }
                }
                assert!(
                    o.error.is_none(),
                    "step {} ({}) with {t:?}: {:?}",
                    i + 1,
                    step.title,
                    o.error
                );
            }
        }
    }
}

/// The TTP step's groups: durable response has no progression by definition,
/// so a hazard ratio against it runs off to infinity. The figure and the
/// table say "not estimable" rather than print the diverged fit's numbers.
#[test]
fn a_hazard_ratio_against_a_group_without_events_is_not_estimable() {
    let text = std::fs::read_to_string(
        root().join("www/examples/walkthroughs/cui2025_resistance.walkthrough.json"),
    )
    .unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["steps"][2]["requests"][0]["figure"]["show_hr"] = serde_json::json!(true);
    let lesson = Walkthrough::from_value(&value).unwrap();
    let data = std::fs::read(root().join("www").join(&lesson.example)).unwrap();
    let table =
        survcalc_analysis::table::read_csv(&data, &lesson.analysis.dataset.read_options).unwrap();
    let out = survcalc_report::lesson_step(&lesson, 2, &[], &table).unwrap();
    let (_, hr) = out[0]
        .tables
        .iter()
        .find(|(name, _)| name == "Hazard ratios (Cox)")
        .unwrap();
    let cells: Vec<(&str, &str)> = hr
        .rows
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        cells,
        vec![
            ("secondary resistance", "not estimable"),
            ("primary resistance", "not estimable")
        ]
    );
    // OS, where every group has deaths, keeps its hazard ratios.
    let out = survcalc_report::lesson_step(&lesson, 3, &[], &table).unwrap();
    let (_, hr) = out[0]
        .tables
        .iter()
        .find(|(name, _)| name == "Hazard ratios (Cox)")
        .unwrap();
    assert!(
        hr.rows
            .iter()
            .all(|r| r[2] != "not estimable" && r[3] != "—"),
        "{:?}",
        hr.rows
    );
}
