//! The one place where values cross between JS and Rust.
//!
//! Options arrive as JS objects. They are turned into JSON text by JS's own
//! `JSON.stringify`, called through an import that catches exceptions, so a
//! throwing getter or a Proxy fails as a message instead of unwinding
//! through wasm frames; the text is then read strictly into the typed
//! request (survcalc_analysis::request). NaN and ±Infinity, which JSON
//! would turn into null, travel as the text "NaN" / "Infinity", so that a
//! nonsensical number is refused by name instead of read as "not given". Reports leave as plain JS objects
//! with `null` for every missing, undefined or infinite number (serde_json
//! turns NaN and ±Infinity into null), never NaN.

use serde::de::DeserializeOwned;
#[cfg(any(feature = "analysis", feature = "draw"))]
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// Every error crosses into JS through here, as a plain `Error(message)`.
pub fn js_error(message: impl std::fmt::Display) -> JsError {
    JsError::new(&message.to_string())
}

/// A JS value as plain JSON data (`undefined` and `null` are `Null`).
fn plain_json(value: &JsValue, what: &str) -> Result<Value, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(Value::Null);
    }
    let mut keep_non_finite =
        |_key: js_sys::JsString, value: JsValue| -> Result<Option<JsValue>, JsError> {
            Ok(Some(match value.as_f64() {
                Some(x) if !x.is_finite() => JsValue::from_str(&format!("{x}")),
                _ => value,
            }))
        };
    let text = js_sys::JSON::stringify_with_replacer_func(value, &mut keep_non_finite, None)
        .map_err(|e| {
            // The engine's first line says what; the rest draws the cycle for developers.
            let message = js_sys::Error::from(e)
                .message()
                .as_string()
                .unwrap_or_default();
            let reason = message
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            js_error(format!(
                "The {what} could not be read as plain data ({reason})."
            ))
        })?;
    let text = text
        .as_string()
        .ok_or_else(|| js_error(format!("The {what} must be an object.")))?;
    serde_json::from_str(&text)
        .map_err(|e| js_error(format!("The {what} could not be read ({e}).")))
}

/// Options of an analysis, read strictly: an unknown or misspelled option,
/// an impossible choice or a value of the wrong kind is an error naming it.
/// `what` names the analysis in those messages ("Cox regression").
#[cfg(any(feature = "analysis", feature = "draw"))]
pub fn request<T: DeserializeOwned>(value: JsValue, what: &'static str) -> Result<T, JsError> {
    let json = plain_json(&value, "options")?;
    survcalc_analysis::request::from_value(&json, what).map_err(js_error)
}

/// Data that survcalc itself produced and the page hands back (a plot, a
/// table, a frame): read leniently, defaults for what is absent.
#[cfg(any(feature = "full", feature = "draw"))]
pub fn data<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<T, JsError> {
    let json = plain_json(value, what)?;
    let json = if json.is_null() {
        Value::Object(Default::default())
    } else {
        json
    };
    serde_json::from_value(json).map_err(|e| js_error(format!("Invalid {what}: {e}")))
}

/// A result's table handed back for export: an object with `header` and
/// `rows` (what every result's `...table` holds). Anything else is named
/// for what it is, not in serde's words.
#[cfg(any(feature = "full", feature = "draw"))]
pub fn display_table(value: &JsValue) -> Result<survcalc_analysis::export::DisplayTable, JsError> {
    let json = plain_json(value, "table")?;
    let given = match &json {
        Value::Null => "nothing (null or undefined)".to_string(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text \"{}\"", s.chars().take(40).collect::<String>()),
        Value::Array(_) => "a list".to_string(),
        Value::Object(o) if !o.get("header").is_some_and(Value::is_array) => "an object without a \"header\" list".to_string(),
        Value::Object(o) if !o.get("rows").is_some_and(Value::is_array) => "an object without a \"rows\" list".to_string(),
        Value::Object(_) => {
            return serde_json::from_value(json).map_err(|_| {
                js_error("exportTable: the table's header and rows must hold text (the cells of a result's table).")
            })
        }
    };
    Err(js_error(format!(
        "exportTable needs one of a result's tables (e.g. result.table, with \"header\" and \"rows\"), but was given {given}."
    )))
}

/// A report as a plain JS object (objects, not Maps), `null` where a number
/// is missing or not finite.
#[cfg(any(feature = "analysis", feature = "draw"))]
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let json = serde_json::to_value(value)
        .map_err(|e| js_error(format!("could not return the result: {e}")))?;
    value_to_js(&json)
}

/// Lists of numbers this long or longer cross in bulk.
#[cfg(any(feature = "analysis", feature = "draw"))]
const BULK_NUMBERS: usize = 32;

/// serde-wasm-bindgen builds a JS array with one call into JS per element;
/// a Kaplan–Meier report at n = 1e6 holds some 10^5 numbers in such lists
/// (the curves' tables and plot data), and those calls were a third of the
/// request. A long list of numbers (and nulls) therefore crosses as one
/// Float64Array copied into a plain JS array (`plain_array`), its nulls set
/// afterwards; the objects and lists around such lists are built entry by
/// entry in the same (sorted) order; everything else is serde-wasm-bindgen's.
#[cfg(any(feature = "analysis", feature = "draw"))]
fn value_to_js(value: &Value) -> Result<JsValue, JsError> {
    match value {
        Value::Array(items) if is_bulk_numbers(items) => {
            let numbers: Vec<f64> = items
                .iter()
                .map(|v| v.as_f64().unwrap_or(f64::NAN))
                .collect();
            let array = plain_array(&js_sys::Float64Array::from(numbers.as_slice()));
            for (i, _) in items.iter().enumerate().filter(|(_, v)| v.is_null()) {
                array.set(i as u32, JsValue::NULL);
            }
            Ok(array.into())
        }
        Value::Array(items) if has_bulk_numbers(value) => {
            let array = js_sys::Array::new();
            for item in items {
                array.push(&value_to_js(item)?);
            }
            Ok(array.into())
        }
        Value::Object(fields) if has_bulk_numbers(value) => {
            let object = js_sys::Object::new();
            for (key, field) in fields {
                js_sys::Reflect::set(&object, &JsValue::from_str(key), &value_to_js(field)?)
                    .map_err(|_| js_error("could not return the result"))?;
            }
            Ok(object.into())
        }
        _ => value
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|e| js_error(format!("could not return the result: {e}"))),
    }
}

// A loop in JS copies a typed array into a plain one about ten times faster
// than `Array.from`, which goes through the iterator protocol.
#[cfg(any(feature = "analysis", feature = "draw"))]
#[wasm_bindgen(
    inline_js = "export function plain_array(typed) { const array = new Array(typed.length); for (let i = 0; i < typed.length; i++) array[i] = typed[i]; return array; }"
)]
extern "C" {
    fn plain_array(typed: &js_sys::Float64Array) -> js_sys::Array;
}

#[cfg(any(feature = "analysis", feature = "draw"))]
fn is_bulk_numbers(items: &[Value]) -> bool {
    items.len() >= BULK_NUMBERS && items.iter().all(|v| v.is_number() || v.is_null())
}

/// Whether `value` holds, at any depth, a list that crosses in bulk.
#[cfg(any(feature = "analysis", feature = "draw"))]
fn has_bulk_numbers(value: &Value) -> bool {
    match value {
        Value::Array(items) => is_bulk_numbers(items) || items.iter().any(has_bulk_numbers),
        Value::Object(fields) => fields.values().any(has_bulk_numbers),
        _ => false,
    }
}

/// An analysis file given as JSON text or as an object, read strictly.
#[cfg(feature = "full")]
pub fn analysis_file(
    value: JsValue,
) -> Result<survcalc_analysis::analysis_file::AnalysisFile, JsError> {
    use survcalc_analysis::analysis_file::AnalysisFile;
    match value.as_string() {
        Some(text) => AnalysisFile::from_json(&text).map_err(js_error),
        None => AnalysisFile::from_value(&plain_json(&value, "analysis file")?).map_err(js_error),
    }
}

/// A walkthrough (docs/walkthrough.md) given as JSON text or as an object, read strictly.
#[cfg(feature = "full")]
pub fn walkthrough(value: JsValue) -> Result<survcalc_analysis::walkthrough::Walkthrough, JsError> {
    use survcalc_analysis::walkthrough::Walkthrough;
    match value.as_string() {
        Some(text) => Walkthrough::from_json(&text).map_err(js_error),
        None => Walkthrough::from_value(&plain_json(&value, "walkthrough")?).map_err(js_error),
    }
}
