//! The bundled walkthrough (www/examples/walkthroughs) on the synthetic
//! cohort: every step and every "try it" runs without error.

use std::path::Path;
use survcalc_analysis::walkthrough::Walkthrough;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn every_step_and_change_of_the_bundled_walkthrough_runs() {
    let text = std::fs::read_to_string(root().join("www/examples/walkthroughs/cui2025_resistance.walkthrough.json")).unwrap();
    let lesson = Walkthrough::from_json(&text).unwrap();
    let data = std::fs::read(root().join("www").join(&lesson.example)).unwrap();
    let table = survcalc_analysis::table::read_csv(&data, &lesson.analysis.dataset.read_options).unwrap();
    for (i, step) in lesson.steps.iter().enumerate() {
        let tries: Vec<Vec<usize>> = std::iter::once(vec![]).chain((0..step.try_it.len()).map(|t| vec![t])).collect();
        for t in tries {
            let out = survcalc_report::lesson_step(&lesson, i, &t, &table).unwrap();
            // One result per request, and the landmark comparison where the step has one.
            let comparisons = out.iter().filter(|o| o.analysis == "comparison").count();
            assert_eq!(out.len(), step.requests.len() + comparisons, "step {i}");
            for o in &out {
                if std::env::var("SHOW").is_ok() {
                    eprintln!("== step {i} tries {t:?}: {} ", o.title);
                    for (name, tb) in &o.tables { eprintln!("  [{name}] {:?}", tb.header); for r in tb.rows.iter().take(30) { eprintln!("    {r:?}"); } }
                    for x in &o.texts { eprintln!("  t: {x}"); }
                    for x in &o.warnings { eprintln!("  w: {x}"); }
                }
                assert!(o.error.is_none(), "step {} ({}) with {t:?}: {:?}", i + 1, step.title, o.error);
            }
        }
    }
}
