//! Shared by the integration tests: the R reference fixtures and the
//! tolerances. Tolerances live here and only here (docs/testing.md); the
//! analysis and devtools crates include this file by path.
#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;

/// Coefficients and survival probabilities (relative).
pub const COEF_REL: f64 = 1e-8;
/// Standard errors, confidence limits, test statistics and p-values (relative).
pub const STAT_REL: f64 = 1e-6;
/// Closed-form quantities (KM, Greenwood, log-rank, chi-square) (relative).
pub const CLOSED_FORM_REL: f64 = 1e-10;
/// Absolute floor below which values are compared absolutely (p-values near 0,
/// coefficients near 0).
pub const ABS_FLOOR: f64 = 1e-12;

/// `tests/reference` at the repository root (copied from R runs; see its README).
pub fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/reference")
}

/// The parsed `reference.json` of one dataset folder, e.g. "01_aml".
pub fn reference(dataset: &str) -> Value {
    let path = reference_dir().join(dataset).join("reference.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Text of a data file in a dataset folder, e.g. ("01_aml", "data.csv").
pub fn data_file(dataset: &str, file: &str) -> String {
    let path = reference_dir().join(dataset).join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A JSON number, or the strings "Inf"/"-Inf"/"NaN"; `None` for null (R's NA).
pub fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Null => None,
        Value::Number(n) => n.as_f64(),
        Value::String(s) if s == "Inf" => Some(f64::INFINITY),
        Value::String(s) if s == "-Inf" => Some(f64::NEG_INFINITY),
        Value::String(s) if s == "NaN" => Some(f64::NAN),
        other => panic!("not a number: {other}"),
    }
}

/// A JSON array of numbers/nulls.
pub fn nums(v: &Value) -> Vec<Option<f64>> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(num)
        .collect()
}

/// A JSON array of numbers without nulls.
pub fn f64s(v: &Value) -> Vec<f64> {
    nums(v)
        .into_iter()
        .map(|x| x.expect("unexpected null"))
        .collect()
}

/// Matrix block {"rows": [[...]]} as rows.
pub fn matrix(v: &Value) -> Vec<Vec<f64>> {
    v["rows"]
        .as_array()
        .expect("matrix rows")
        .iter()
        .map(f64s)
        .collect()
}

/// Asserts |a - e| <= rel * |e| (or <= ABS_FLOOR), naming the quantity.
#[track_caller]
pub fn assert_close(actual: f64, expected: f64, rel: f64, what: &str) {
    if expected.is_infinite() || expected.is_nan() {
        assert!(
            actual == expected || (expected.is_nan() && actual.is_nan()),
            "{what}: got {actual}, R gives {expected}"
        );
        return;
    }
    let diff = (actual - expected).abs();
    assert!(
        diff <= rel * expected.abs() || diff <= ABS_FLOOR,
        "{what}: got {actual:.17e}, R gives {expected:.17e} (rel diff {:.3e} > {rel:e})",
        diff / expected.abs()
    );
}

/// Element-wise `assert_close`; `None` (R's NA) must match `None`.
#[track_caller]
pub fn assert_all_close(actual: &[Option<f64>], expected: &[Option<f64>], rel: f64, what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: length");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        match (a, e) {
            (Some(a), Some(e)) => assert_close(*a, *e, rel, &format!("{what}[{i}]")),
            (None, None) => {}
            _ => panic!("{what}[{i}]: got {a:?}, R gives {e:?}"),
        }
    }
}

/// MASS's spline-interpolated profile CIs (`confint(glm)`), accurate only to
/// ~1e-4..1e-6 relative (tests/reference/README.md); the exact roots are
/// compared at STAT_REL.
pub const MASS_PROFILE_REL: f64 = 1e-3;

/// cmprsk's `crr` stops at gtol = 1e-6 on the gradient, so its coefficients
/// are only that close to the optimum (tests/reference/11_mgus2_competing,
/// `meta.tolerance_notes`): coefficients at 1e-6, robust SEs and what
/// follows from them (z, limits) at 1e-5 relative.
pub const CRR_COEF_REL: f64 = 1e-6;
pub const CRR_SE_REL: f64 = 1e-5;
