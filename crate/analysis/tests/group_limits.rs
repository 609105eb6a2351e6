//! A group column with more groups than a comparison can draw or test (an
//! identifier, free text) is refused at once with a message naming it,
//! instead of a group test whose variance matrix grows with the square of
//! the number of groups (1,000 groups took 34 s in the page's engine).

use serde_json::json;
use survcalc_analysis::analyses::{competing, km, MAX_GROUPS};
use survcalc_analysis::request;
use survcalc_analysis::table::{read_csv, ReadOptions, Table};

fn groups(k: usize) -> Table {
    let mut text = String::from("time,status,g\n");
    for i in 0..(2 * k) {
        text.push_str(&format!("{},{},G{}\n", i % 37 + 1, i % 3, i % k));
    }
    read_csv(text.as_bytes(), &ReadOptions::default()).unwrap()
}

#[test]
fn too_many_groups_are_refused_quickly_with_the_column_named() {
    let many = groups(1000);
    let r: km::KmRequest = request::from_value(
        &json!({"time": "time", "event": "status", "event_values": ["1"], "group": "g"}),
        "t",
    )
    .unwrap();
    let start = std::time::Instant::now();
    let e = km::run(&many, &r).unwrap_err();
    assert!(start.elapsed().as_secs_f64() < 1.0);
    assert_eq!(
        e,
        format!("Column \"g\" has 1000 different values among the 2000 patients analysed, too many groups to compare (at most {MAX_GROUPS}); it looks like an identifier or free text. Choose another column, or merge its values into a few groups (Derived variables).")
    );
    let c: competing::CompetingRequest = request::from_value(
        &json!({"time": "time", "event": "status", "event_values": ["1"], "competing_values": ["2"], "group": "g"}),
        "t",
    )
    .unwrap();
    assert!(competing::run(&many, &c)
        .unwrap_err()
        .starts_with("Column \"g\" has 1000 different values"));
    // At the limit the comparison runs.
    let ok = groups(MAX_GROUPS);
    assert_eq!(
        km::run(&ok, &r)
            .unwrap()
            .fit
            .curves
            .iter()
            .filter(|c| c.group.is_some())
            .count(),
        MAX_GROUPS
    );
}

/// A misspelled column is named with the nearest column of the table, as a
/// misspelled option is.
#[test]
fn a_misspelled_column_gets_a_did_you_mean() {
    let t = groups(3);
    let r: km::KmRequest = request::from_value(
        &json!({"time": "tiem", "event": "status", "event_values": ["1"]}),
        "t",
    )
    .unwrap();
    assert_eq!(
        km::run(&t, &r).unwrap_err(),
        "There is no column named \"tiem\"; did you mean \"time\"?"
    );
    let r: km::KmRequest = request::from_value(
        &json!({"time": "weight", "event": "status", "event_values": ["1"]}),
        "t",
    )
    .unwrap();
    assert_eq!(
        km::run(&t, &r).unwrap_err(),
        "There is no column named \"weight\"."
    );
}
