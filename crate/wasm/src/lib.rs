//! survcalc's WebAssembly binding, and nothing else: a `Dataset` handle that
//! reads a file once and answers many analyses (one method per analysis of
//! survcalc-analysis), the conversions between JS values and the typed
//! requests and reports, and the canvas entry points of survcalc-charts.
//! Every error reaches JS as an `Error` whose message a clinician can act on
//! (never a panic). See docs/api.md.

mod convert;
mod draw;
#[cfg(feature = "bench")]
mod bench;

use convert::{js_error, request, to_js};
use survcalc_analysis::analyses::{self, DisplayTable};
use survcalc_analysis::table::{self, ReadOptions, Table};
use wasm_bindgen::prelude::*;

/// The package version, e.g. "0.1.0".
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The default classification rules (SITC thresholds of the model paper),
/// for a form to start from.
#[wasm_bindgen(js_name = defaultResistanceRules)]
pub fn default_resistance_rules() -> Result<JsValue, JsError> {
    to_js(&survcalc_analysis::resistance::ResistanceOptions::default())
}

/// Any result table (`{header, rows, numeric_columns}`) as "csv", "tsv" or
/// "html" text, for download and for the clipboard.
#[wasm_bindgen(js_name = exportTable)]
pub fn export_table(table: JsValue, format: JsValue) -> Result<String, JsError> {
    let table: DisplayTable = convert::data(&table, "table")?;
    match format.as_string().as_deref() {
        Some("csv") => Ok(table.to_csv()),
        Some("tsv") => Ok(table.to_tsv()),
        Some("html") => Ok(table.to_html()),
        Some(other) => Err(js_error(format!("Unknown table format \"{other}\" (use csv, tsv or html)."))),
        None => Err(js_error("The table format must be \"csv\", \"tsv\" or \"html\".")),
    }
}

/// A file's bytes from a `Uint8Array` or an `ArrayBuffer`.
fn bytes_of(value: &JsValue, what: &str) -> Result<Vec<u8>, JsError> {
    if value.is_instance_of::<js_sys::Uint8Array>() || value.is_instance_of::<js_sys::ArrayBuffer>() {
        Ok(js_sys::Uint8Array::new(value).to_vec())
    } else {
        Err(js_error(format!("{what} needs the file's bytes (a Uint8Array or an ArrayBuffer).")))
    }
}

/// What a file is, from its first bytes: `{ kind, spreadsheet, label }`
/// (kind "text", "xlsx", "xls", "ods", "spss", "pdf", ...), so that a
/// page loads the sheets package only for a workbook.
#[wasm_bindgen(js_name = fileKind)]
pub fn file_kind(bytes: JsValue) -> Result<JsValue, JsError> {
    if !(bytes.is_instance_of::<js_sys::Uint8Array>() || bytes.is_instance_of::<js_sys::ArrayBuffer>()) {
        return Err(js_error("fileKind needs the file's bytes (a Uint8Array or an ArrayBuffer)."));
    }
    // The signatures are at the start, and a zip's entry names also at its
    // end (central directory): a large file is not copied whole for them.
    let all = js_sys::Uint8Array::new(&bytes);
    let (len, edge) = (all.length(), 1u32 << 20);
    let bytes = if len > 2 * edge {
        let mut head = all.subarray(0, edge).to_vec();
        head.extend(all.subarray(len - edge, len).to_vec());
        head
    } else {
        all.to_vec()
    };
    let kind = table::detect_file_kind(&bytes);
    to_js(&serde_json::json!({ "kind": kind, "spreadsheet": kind.is_spreadsheet(), "label": kind.label() }))
}

/// A data file read into typed columns, kept in wasm memory so that each
/// analysis reuses it.
#[wasm_bindgen]
pub struct Dataset {
    name: String,
    table: Table,
}

#[wasm_bindgen]
impl Dataset {
    /// Reads CSV text. `options` is a `ReadOptions` object (all optional:
    /// delimiter, decimal, missing_tokens, column_types, level_order);
    /// `progress(done, total)` is called every few MB when given.
    #[wasm_bindgen(js_name = fromCsv)]
    pub fn from_csv(
        text: JsValue,
        name: JsValue,
        options: JsValue,
        progress: Option<js_sys::Function>,
    ) -> Result<Dataset, JsError> {
        let text = text.as_string().ok_or_else(|| js_error("Dataset.fromCsv needs the file's text as a string."))?;
        let name = name.as_string().unwrap_or_default();
        let options: ReadOptions = request(options, "reading the file")?;
        let report = |done: u64, total: u64| {
            if let Some(f) = &progress {
                // A throwing callback must not abort the parse (`call2` catches).
                let _ = f.call2(&JsValue::NULL, &JsValue::from_f64(done as f64), &JsValue::from_f64(total as f64));
            }
        };
        let table = table::read_csv_with_progress(text.as_bytes(), &options, report).map_err(js_error)?;
        Ok(Dataset { name, table })
    }

    /// Reads a file's bytes (a `Uint8Array` or an `ArrayBuffer`): UTF-8,
    /// or UTF-16 with a byte-order mark (Excel's "Unicode text"), which
    /// the browser's text decoding would garble. A spreadsheet or another
    /// kind of file is an error naming its format (see `fileKind`).
    /// `options` and `progress` as for `fromCsv`.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(
        bytes: JsValue,
        name: JsValue,
        options: JsValue,
        progress: Option<js_sys::Function>,
    ) -> Result<Dataset, JsError> {
        let bytes = bytes_of(&bytes, "Dataset.fromBytes")?;
        let name = name.as_string().unwrap_or_default();
        let options: ReadOptions = request(options, "reading the file")?;
        let report = |done: u64, total: u64| {
            if let Some(f) = &progress {
                let _ = f.call2(&JsValue::NULL, &JsValue::from_f64(done as f64), &JsValue::from_f64(total as f64));
            }
        };
        let table = table::read_csv_with_progress(&bytes, &options, report).map_err(js_error)?;
        Ok(Dataset { name, table })
    }

    /// Reads one sheet of a workbook, as the sheets package's `readSheet`
    /// returns it (the object, or its JSON text). `options` as for
    /// `fromCsv` (the delimiter aside).
    #[wasm_bindgen(js_name = fromSheet)]
    pub fn from_sheet(sheet: JsValue, name: JsValue, options: JsValue) -> Result<Dataset, JsError> {
        let sheet: table::SheetData = match sheet.as_string() {
            Some(json) => serde_json::from_str(&json).map_err(|e| js_error(format!("Invalid sheet: {e}")))?,
            None if sheet.is_object() => convert::data(&sheet, "sheet")?,
            None => return Err(js_error("Dataset.fromSheet needs the sheet that readSheet returned.")),
        };
        let name = name.as_string().unwrap_or_default();
        let options: ReadOptions = request(options, "reading the file")?;
        let table = table::read_sheet(&sheet, &options).map_err(js_error)?;
        Ok(Dataset { name, table })
    }

    /// Rows, columns with their types and a preview, and suggested columns
    /// for the survival analysis.
    pub fn summary(&self) -> Result<JsValue, JsError> {
        to_js(&survcalc_analysis::summary::summarise(&self.name, &self.table))
    }

    /// Suggested columns for `classify` (treatment start, best response,
    /// progression, death, ... by name).
    #[wasm_bindgen(js_name = suggestCohortColumns)]
    pub fn suggest_cohort_columns(&self) -> Result<JsValue, JsError> {
        to_js(&analyses::cohort::suggest_columns(&self.table))
    }

    /// Derives OS/TTP/PFS/PPS and the resistance groups from date columns,
    /// adds them to the dataset as new columns, and returns the flow-chart
    /// counts, the rules in force and each patient's reason.
    pub fn classify(&mut self, options: JsValue) -> Result<JsValue, JsError> {
        let request = request(options, "classification")?;
        to_js(&analyses::cohort::run(&mut self.table, &request).map_err(js_error)?)
    }

    /// Kaplan–Meier curves (overall or by group) with medians, the
    /// log-rank family of tests when grouped, the tables and the plot data.
    #[wasm_bindgen(js_name = kaplanMeier)]
    pub fn kaplan_meier(&self, options: JsValue) -> Result<JsValue, JsError> {
        let request = request(options, "Kaplan–Meier")?;
        to_js(&analyses::km::run(&self.table, &request).map_err(js_error)?)
    }

    /// Cox proportional hazards regression (R's coxph) with the PH test
    /// (cox.zph), the hazard-ratio table, model tests and the forest plot.
    pub fn cox(&self, options: JsValue) -> Result<JsValue, JsError> {
        let request = request(options, "Cox regression")?;
        to_js(&analyses::cox::run(&self.table, &request).map_err(js_error)?)
    }

    /// Univariate and multivariable regression table (logistic or Cox) with
    /// its forest plot and CSV export.
    #[wasm_bindgen(js_name = modelTable)]
    pub fn model_table(&self, options: JsValue) -> Result<JsValue, JsError> {
        let request = request(options, "the model table")?;
        to_js(&analyses::models::run(&self.table, &request).map_err(js_error)?)
    }

    /// Table 1: every chosen variable by group with a p-value per variable,
    /// the laid-out rows, footnotes naming the tests and the exports.
    #[wasm_bindgen(js_name = baselineTable)]
    pub fn baseline_table(&self, options: JsValue) -> Result<JsValue, JsError> {
        let request = request(options, "Table 1")?;
        to_js(&analyses::baseline::run(&self.table, &request).map_err(js_error)?)
    }

    /// Response, disease-control or adverse-event rates: x / n with
    /// Clopper–Pearson or Wilson intervals, overall and by group, with the
    /// groups compared.
    pub fn rates(&self, options: JsValue) -> Result<JsValue, JsError> {
        let request = request(options, "rates")?;
        to_js(&analyses::rates::run(&self.table, &request).map_err(js_error)?)
    }
}
