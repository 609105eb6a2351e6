//! The wasm entry points of the sheets package (www/pkg-sheets): the page's
//! worker imports it only when a workbook is dropped. Errors reach JS as
//! `Error(message)`; a result is a plain JS object.

use wasm_bindgen::prelude::*;

fn bytes_of(value: &JsValue) -> Result<Vec<u8>, JsError> {
    if value.is_instance_of::<js_sys::Uint8Array>() {
        Ok(js_sys::Uint8Array::new(value).to_vec())
    } else if value.is_instance_of::<js_sys::ArrayBuffer>() {
        Ok(js_sys::Uint8Array::new(value).to_vec())
    } else {
        Err(JsError::new(
            "The workbook must be given as bytes (a Uint8Array or an ArrayBuffer).",
        ))
    }
}

/// The package version, e.g. "0.1.0".
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The names of the workbook's sheets, in workbook order.
#[wasm_bindgen(js_name = sheetNames)]
pub fn sheet_names(bytes: JsValue) -> Result<Vec<String>, JsError> {
    crate::sheet_names(&bytes_of(&bytes)?).map_err(|e| JsError::new(&e.to_string()))
}

/// One sheet's cells (`name`: null or undefined for the first sheet):
/// `{ sheet, rows: [{ row, cells }], merged }`, for `Dataset.fromSheet`.
#[wasm_bindgen(js_name = readSheet)]
pub fn read_sheet(bytes: JsValue, name: JsValue) -> Result<JsValue, JsError> {
    let name = name.as_string();
    let sheet = crate::read_sheet(&bytes_of(&bytes)?, name.as_deref())
        .map_err(|e| JsError::new(&e.to_string()))?;
    serde::Serialize::serialize(&sheet, &serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("could not return the sheet: {e}")))
}
