//! survcalc's WebAssembly API: a thin layer over survcalc-core. A `Dataset`
//! handle parses the CSV once and answers many analyses; every error reaches
//! JS as an `Error` whose message a clinician can act on (never a panic).
//! Charts are drawn here (plotters) on a canvas or to SVG. See docs/api.md.

pub mod analysis;
pub mod bench;
pub mod charts;
pub mod summary;

use charts::Frame;
use serde::de::DeserializeOwned;
use serde::Serialize;
use survcalc_core::table::{self, ReadOptions, Table};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Every error crosses into JS through here, as a plain `Error(message)`.
fn js_error(message: impl std::fmt::Display) -> JsError {
    JsError::new(&message.to_string())
}

/// Results become plain JS objects: `null` for missing values (R's NA),
/// objects (not Maps) for structs.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error(format!("could not return the result: {e}")))
}

/// Options arrive as plain JS objects; `undefined`/`null` mean "defaults".
fn from_js<T: DeserializeOwned + Default>(value: JsValue, what: &str) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| js_error(format!("Invalid {what}: {e}")))
}

/// The package version, e.g. "0.1.0".
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The default classification rules (SITC thresholds of the model paper),
/// for a form to start from.
#[wasm_bindgen(js_name = defaultResistanceRules)]
pub fn default_resistance_rules() -> Result<JsValue, JsError> {
    to_js(&survcalc_core::resistance::ResistanceOptions::default())
}

/// A parsed CSV file, kept in wasm memory so that each analysis reuses it.
#[wasm_bindgen]
pub struct Dataset {
    name: String,
    table: Table,
}

#[wasm_bindgen]
impl Dataset {
    /// Parses CSV text. `options` is a `ReadOptions` object (all optional:
    /// delimiter, decimal, missing_tokens, column_types, level_order);
    /// `progress(done, total)` is called every few MB when given.
    #[wasm_bindgen(js_name = fromCsv)]
    pub fn from_csv(
        text: &str,
        name: &str,
        options: JsValue,
        progress: Option<js_sys::Function>,
    ) -> Result<Dataset, JsError> {
        let options: ReadOptions = from_js(options, "read options")?;
        let report = |done: u64, total: u64| {
            if let Some(f) = &progress {
                // A throwing callback must not abort the parse.
                let _ = f.call2(&JsValue::NULL, &JsValue::from_f64(done as f64), &JsValue::from_f64(total as f64));
            }
        };
        let table = table::read_csv_with_progress(text.as_bytes(), &options, report).map_err(js_error)?;
        Ok(Dataset { name: name.to_string(), table })
    }

    /// Rows, columns with their types and a preview, and suggested columns
    /// for the survival analysis. See docs/api.md.
    pub fn summary(&self) -> Result<JsValue, JsError> {
        to_js(&summary::summarise(&self.name, &self.table))
    }

    /// Suggested columns for `classify` (treatment start, best response,
    /// progression, death, ... by name).
    #[wasm_bindgen(js_name = suggestCohortColumns)]
    pub fn suggest_cohort_columns(&self) -> Result<JsValue, JsError> {
        to_js(&analysis::cohort::suggest_columns(&self.table))
    }

    /// Derives OS/TTP/PFS/PPS and the resistance groups from date columns,
    /// adds them to the dataset as new columns, and returns the flow-chart
    /// counts, the rules in force and each patient's reason.
    pub fn classify(&mut self, request: JsValue) -> Result<JsValue, JsError> {
        let request: analysis::cohort::CohortRequest = from_js(request, "classification options")?;
        to_js(&analysis::cohort::run(&mut self.table, &request).map_err(js_error)?)
    }

    /// Kaplan–Meier curves (overall or by group) with medians, the
    /// log-rank test when grouped, formatted tables and the plot data.
    #[wasm_bindgen(js_name = kaplanMeier)]
    pub fn kaplan_meier(&self, options: JsValue) -> Result<JsValue, JsError> {
        let options: analysis::km::KmRequest = from_js(options, "Kaplan–Meier options")?;
        to_js(&analysis::km::run(&self.table, &options).map_err(js_error)?)
    }
}

/// plotters measures text through the page's DOM (a span in <body>); without
/// one (a worker, Node) it would panic, so drawing is refused up front.
fn require_document() -> Result<(), JsError> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
        .map(|_| ())
        .ok_or_else(|| js_error("Charts can only be drawn in a web page's main thread (text is measured in the page)."))
}

fn canvas_context(canvas: &web_sys::HtmlCanvasElement) -> Result<(), JsError> {
    canvas
        .get_context("2d")
        .map_err(|_| js_error("this browser cannot draw on a canvas"))?
        .ok_or_else(|| js_error("this browser cannot draw on a canvas"))?
        .dyn_into::<web_sys::CanvasRenderingContext2d>()
        .map(|_| ())
        .map_err(|_| js_error("this browser cannot draw on a canvas"))
}

/// A plotters backend on `canvas`, resized to the frame (checked first:
/// drawing without a page would panic inside plotters).
fn canvas_backend(
    canvas: web_sys::HtmlCanvasElement,
    frame: &Frame,
) -> Result<plotters_canvas::CanvasBackend, JsError> {
    require_document()?;
    canvas_context(&canvas)?;
    canvas.set_width(frame.width);
    canvas.set_height(frame.height);
    plotters_canvas::CanvasBackend::with_canvas_object(canvas)
        .ok_or_else(|| js_error("this browser cannot draw on a canvas"))
}

/// Draws a Kaplan–Meier plot (the `plot` field of a `kaplanMeier` result)
/// on a canvas whose pixel size is `frame.width` x `frame.height`.
#[wasm_bindgen(js_name = drawKaplanMeier)]
pub fn draw_kaplan_meier(canvas: web_sys::HtmlCanvasElement, plot: JsValue, frame: JsValue) -> Result<(), JsError> {
    let plot: charts::km::KmPlot =
        serde_wasm_bindgen::from_value(plot).map_err(|e| js_error(format!("Invalid plot data: {e}")))?;
    let frame: Frame = from_js(frame, "frame")?;
    let backend = canvas_backend(canvas, &frame)?;
    use plotters::prelude::IntoDrawingArea;
    charts::km::draw(&backend.into_drawing_area(), &plot, &frame).map_err(|e| js_error(format!("drawing failed: {e}")))
}

/// The same plot as an SVG document, for download.
#[wasm_bindgen(js_name = kaplanMeierSvg)]
pub fn kaplan_meier_svg(plot: JsValue, frame: JsValue) -> Result<String, JsError> {
    let plot: charts::km::KmPlot =
        serde_wasm_bindgen::from_value(plot).map_err(|e| js_error(format!("Invalid plot data: {e}")))?;
    let frame: Frame = from_js(frame, "frame")?;
    require_document()?;
    charts::km::to_svg(&plot, &frame).map_err(js_error)
}
