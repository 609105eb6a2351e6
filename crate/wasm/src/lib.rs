//! survcalc's WebAssembly binding, and nothing else: a `Dataset` handle that
//! reads a file once and answers many analyses (one method per analysis of
//! survcalc-analysis), the conversions between JS values and the typed
//! requests and reports, and the canvas entry points of survcalc-charts.
//! Every error reaches JS as an `Error` whose message a clinician can act on
//! (never a panic). See docs/api.md.
//!
//! Built as three modules (Cargo features, see Cargo.toml): "analysis" (the
//! worker's small start-up module), "full" (adds the methods of the second
//! `impl Dataset` block below, loaded on their first use) and "draw" (the
//! page's figures). A new method goes in the second block unless the first
//! screens of the page need it: the first block is what every visit
//! downloads before the page is ready (docs/page.md).

mod convert;
#[cfg(feature = "draw")]
mod draw;
#[cfg(feature = "bench")]
mod bench;

use convert::js_error;
#[cfg(feature = "analysis")]
use convert::{request, to_js};
use survcalc_analysis::analyses::DisplayTable;
#[cfg(feature = "analysis")]
use survcalc_analysis::analyses;
#[cfg(feature = "analysis")]
use survcalc_analysis::table::{self, ReadOptions, Table};
use wasm_bindgen::prelude::*;

/// The package version, e.g. "0.1.0".
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The default classification rules (SITC thresholds of the model paper),
/// for a form to start from.
#[cfg(feature = "analysis")]
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

/// A data file read into typed columns, kept in wasm memory so that each
/// analysis reuses it.
#[cfg(feature = "analysis")]
#[wasm_bindgen]
pub struct Dataset {
    name: String,
    table: Table,
}

/// What the start-up module answers: reading, the summary, classification,
/// Kaplan–Meier and rates.
#[cfg(feature = "analysis")]
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

    /// Response, disease-control or adverse-event rates: x / n with
    /// Clopper–Pearson or Wilson intervals, overall and by group, with the
    /// groups compared.
    pub fn rates(&self, options: JsValue) -> Result<JsValue, JsError> {
        let request = request(options, "rates")?;
        to_js(&analyses::rates::run(&self.table, &request).map_err(js_error)?)
    }
}

/// The regression models and Table 1: the "full" module only, which the
/// page's worker loads on their first use (the bulk of the code: Cox,
/// logistic and Firth fits, Fisher's exact tests).
#[cfg(feature = "full")]
#[wasm_bindgen]
impl Dataset {
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
}
