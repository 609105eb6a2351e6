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

#[cfg(feature = "bench")]
mod bench;
mod convert;
#[cfg(feature = "draw")]
mod draw;

use convert::js_error;
#[cfg(any(feature = "analysis", feature = "draw"))]
use convert::{request, to_js};
#[cfg(feature = "analysis")]
use survcalc_analysis::analyses;
#[cfg(any(feature = "full", feature = "draw"))]
use survcalc_analysis::analyses::DisplayTable;
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

/// The Statistical analysis paragraph of a session: `{ paragraph, references }`.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = methodsText)]
pub fn methods_text(analysis_file: JsValue) -> Result<JsValue, JsError> {
    to_js(&survcalc_analysis::methods::methods(
        &convert::analysis_file(analysis_file)?,
    ))
}

/// Reads an analysis file (`name.survcalc.json`, as text or as an object)
/// strictly and returns it as survcalc writes it (every option, its
/// version), or an error naming the step and option that cannot be read.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = readAnalysisFile)]
pub fn read_analysis_file(analysis_file: JsValue) -> Result<JsValue, JsError> {
    let session = convert::analysis_file(analysis_file)?;
    to_js(&session.to_value().map_err(js_error)?)
}

/// Reads a walkthrough (`name.walkthrough.json`: a lesson built on an
/// analysis file, docs/walkthrough.md) strictly and returns it as survcalc
/// reads it (every step's requests with all their options, the teacher's
/// texts and "try it" changes), or an error naming the step and option.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = readWalkthrough)]
pub fn read_walkthrough(walkthrough: JsValue) -> Result<JsValue, JsError> {
    to_js(&convert::walkthrough(walkthrough)?)
}

/// The analysis file that step `step` of a walkthrough runs (its shared
/// setup first), with the "try it" changes `tries` made: what the page
/// opens when a student takes the step to the analysis panels.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = walkthroughStepFile)]
pub fn walkthrough_step_file(
    walkthrough: JsValue,
    step: u32,
    tries: JsValue,
) -> Result<JsValue, JsError> {
    let lesson = convert::walkthrough(walkthrough)?;
    let tries: Vec<usize> = if tries.is_undefined() || tries.is_null() {
        Vec::new()
    } else {
        convert::data(&tries, "list of changes")?
    };
    let (session, _) = lesson
        .step_session(step as usize, &tries)
        .map_err(js_error)?;
    to_js(&session.to_value().map_err(js_error)?)
}

/// Every setting a "match another program" preset makes, for one program
/// ("r", "stata", "sas", "spss", "prism"): what it sets and how faithfully.
/// In the drawing module, where the page asks for it, and the full one; not
/// in the worker's start-up module, which nothing asks for it.
#[cfg(any(feature = "full", feature = "draw"))]
#[wasm_bindgen(js_name = presetChoices)]
pub fn preset_choices(program: JsValue) -> Result<JsValue, JsError> {
    let program: survcalc_analysis::presets::Program = request(program, "the preset")?;
    to_js(&survcalc_analysis::presets::choices(program))
}

/// Any result table (`{header, rows, numeric_columns}`) as "csv", "tsv" or
/// "html" text, for download and for the clipboard. The page's drawing
/// module makes them (www/js/dom.js); the full module has it for Node.
#[cfg(any(feature = "full", feature = "draw"))]
#[wasm_bindgen(js_name = exportTable)]
pub fn export_table(table: JsValue, format: JsValue) -> Result<String, JsError> {
    let table: DisplayTable = convert::display_table(&table)?;
    match format.as_string().as_deref() {
        Some("csv") => Ok(table.to_csv()),
        Some("tsv") => Ok(table.to_tsv()),
        Some("html") => Ok(table.to_html()),
        Some(other) => Err(js_error(format!(
            "Unknown table format \"{other}\" (use csv, tsv or html)."
        ))),
        None => Err(js_error(
            "The table format must be \"csv\", \"tsv\" or \"html\".",
        )),
    }
}

/// A file's bytes from a `Uint8Array` or an `ArrayBuffer`.
#[cfg(feature = "analysis")]
#[wasm_bindgen]
extern "C" {
    /// The engine's UTF-8 encoder (browsers, workers and Node).
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(
        this: &TextEncoder,
        text: &js_sys::JsString,
        into: &js_sys::Uint8Array,
    ) -> EncodeIntoResult;
    type EncodeIntoResult;
    #[wasm_bindgen(method, getter)]
    fn read(this: &EncodeIntoResult) -> u32;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeIntoResult) -> u32;
}

/// A JS string's UTF-8 bytes, written by the engine's `TextEncoder`
/// straight into wasm memory. wasm-bindgen's own string passing copies the
/// ASCII prefix one character at a time in JS, a fifth of the time of
/// reading a 37 MB CSV; the bytes are the same (lone surrogates become
/// U+FFFD either way).
#[cfg(feature = "analysis")]
fn utf8_of(text: &js_sys::JsString) -> Vec<u8> {
    let encoder = TextEncoder::new();
    let mut rest = text.clone();
    let mut bytes: Vec<u8> = Vec::new();
    // One byte per UTF-16 unit first (ASCII, the usual CSV); what did not
    // fit is then given 3 bytes per unit, always enough: two passes.
    let mut room = rest.length() as usize;
    for _pass in 0..2 {
        if rest.length() == 0 {
            break;
        }
        let start = bytes.len();
        if start == 0 {
            // Zeroed by the allocator (a bulk fill): `resize` writes the
            // 37 MB of a large file byte by byte at opt-level "z".
            bytes = vec![0; room];
        } else {
            bytes.resize(start + room, 0);
        }
        let Some(spare) = bytes.get_mut(start..) else {
            break;
        };
        // The view is made after the resize: growing memory detaches views.
        let view = js_sys::Uint8Array::new_with_byte_offset_and_length(
            &wasm_bindgen::memory()
                .unchecked_into::<js_sys::WebAssembly::Memory>()
                .buffer(),
            spare.as_mut_ptr() as u32,
            spare.len() as u32,
        );
        let done = encoder.encode_into(&rest, &view);
        bytes.truncate(start + done.written() as usize);
        rest = rest.slice(done.read(), rest.length());
        room = 3 * rest.length() as usize;
    }
    bytes
}

#[cfg(feature = "analysis")]
fn bytes_of(value: &JsValue, what: &str) -> Result<Vec<u8>, JsError> {
    if value.is_instance_of::<js_sys::Uint8Array>() || value.is_instance_of::<js_sys::ArrayBuffer>()
    {
        Ok(js_sys::Uint8Array::new(value).to_vec())
    } else {
        Err(js_error(format!(
            "{what} needs the file's bytes (a Uint8Array or an ArrayBuffer)."
        )))
    }
}

/// What a file is, from its first bytes: `{ kind, spreadsheet, label }`
/// (kind "text", "xlsx", "xls", "ods", "spss", "pdf", ...), so that a
/// page loads the sheets package only for a workbook.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = fileKind)]
pub fn file_kind(bytes: JsValue) -> Result<JsValue, JsError> {
    if !(bytes.is_instance_of::<js_sys::Uint8Array>()
        || bytes.is_instance_of::<js_sys::ArrayBuffer>())
    {
        return Err(js_error(
            "fileKind needs the file's bytes (a Uint8Array or an ArrayBuffer).",
        ));
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
    to_js(
        &serde_json::json!({ "kind": kind, "spreadsheet": kind.is_spreadsheet(), "label": kind.label() }),
    )
}

/// A data file read into typed columns, kept in wasm memory so that each
/// analysis reuses it.
#[cfg(feature = "analysis")]
#[wasm_bindgen]
pub struct Dataset {
    name: String,
    table: Table,
    /// Every patient's group and reason from the last classification, for
    /// `exportClassification` (both in the full module only).
    #[cfg_attr(not(feature = "full"), allow(dead_code))]
    classification: Option<Vec<analyses::cohort::PatientRow>>,
}

/// What the start-up module answers: reading text files, the summary, the
/// columns a classification would use, and Kaplan–Meier (what a visit needs
/// before its first click).
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
        let text = text.dyn_ref::<js_sys::JsString>().map(utf8_of);
        let text =
            text.ok_or_else(|| js_error("Dataset.fromCsv needs the file's text as a string."))?;
        let name = name.as_string().unwrap_or_default();
        let options: ReadOptions = request(options, "reading the file")?;
        let report = |done: u64, total: u64| {
            if let Some(f) = &progress {
                // A throwing callback must not abort the parse (`call2` catches).
                let _ = f.call2(
                    &JsValue::NULL,
                    &JsValue::from_f64(done as f64),
                    &JsValue::from_f64(total as f64),
                );
            }
        };
        let table = table::read_csv_with_progress(&text, &options, report).map_err(js_error)?;
        Ok(Dataset {
            name,
            table,
            classification: None,
        })
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
                let _ = f.call2(
                    &JsValue::NULL,
                    &JsValue::from_f64(done as f64),
                    &JsValue::from_f64(total as f64),
                );
            }
        };
        let table = table::read_csv_with_progress(&bytes, &options, report).map_err(js_error)?;
        Ok(Dataset {
            name,
            table,
            classification: None,
        })
    }

    /// Rows, columns with their types and a preview, and suggested columns
    /// for the survival analysis.
    pub fn summary(&self) -> Result<JsValue, JsError> {
        to_js(&survcalc_analysis::summary::summarise(
            &self.name,
            &self.table,
        ))
    }

    /// Suggested columns for `classify` (treatment start, best response,
    /// progression, death, ... by name).
    #[wasm_bindgen(js_name = suggestCohortColumns)]
    pub fn suggest_cohort_columns(&self) -> Result<JsValue, JsError> {
        to_js(&analyses::cohort::suggest_columns(&self.table))
    }

    /// The analysis set a filter selects (its description and how many
    /// rows), or the error that an analysis with it would give.
    #[wasm_bindgen(js_name = analysisSet)]
    pub fn analysis_set(&self, filter: JsValue) -> Result<JsValue, JsError> {
        let filter: survcalc_analysis::analysis_set::Filter = request(filter, "the analysis set")?;
        to_js(
            &survcalc_analysis::analysis_set::select(&self.table, &filter)
                .map_err(js_error)?
                .set,
        )
    }

    /// The dataset, derived columns included (all or the chosen columns), as
    /// CSV text made here; the page downloads it, nothing is sent.
    #[wasm_bindgen(js_name = exportCsv)]
    pub fn export_csv(&self, options: JsValue) -> Result<String, JsError> {
        let request = request(options, "the data download")?;
        survcalc_analysis::export::dataset_csv(&self.table, &request).map_err(js_error)
    }

    /// Kaplan–Meier curves (overall or by group) with medians, the
    /// log-rank family of tests when grouped, the tables and the plot data.
    #[wasm_bindgen(js_name = kaplanMeier)]
    pub fn kaplan_meier(&self, options: JsValue) -> Result<JsValue, JsError> {
        let request = request(options, "Kaplan–Meier")?;
        to_js(&analyses::km::run(&self.table, &request).map_err(js_error)?)
    }
}

#[cfg(feature = "full")]
impl Dataset {
    /// Every step of a session run on a copy of the data, in order.
    fn session_output(
        &self,
        analysis_file: JsValue,
    ) -> Result<survcalc_report::SessionOutput, JsError> {
        let session = convert::analysis_file(analysis_file)?;
        let mut table = self.table.clone();
        // Figures are scenes laid out with their own font metrics: they are
        // drawn without a page too (the worker, Node).
        Ok(survcalc_report::run(
            &session,
            &mut table,
            survcalc_report::Figures::All,
        ))
    }
}

/// The classification, regression models, Table 1, rates, derived columns
/// and reading workbooks: the "full" module only, which the page's worker
/// loads on their first use (the bulk of the code: Cox, logistic and Firth
/// fits, Fisher's exact tests; the classification, rates, derived columns
/// and workbooks moved here to keep the start-up module small).
#[cfg(feature = "full")]
#[wasm_bindgen]
impl Dataset {
    /// Derives OS/TTP/PFS/PPS and the resistance groups from date columns,
    /// adds them to the dataset as new columns, and returns the flow-chart
    /// counts, the rules in force and each patient's reason.
    pub fn classify(&mut self, options: JsValue) -> Result<JsValue, JsError> {
        let request = request(options, "classification")?;
        let mut result = analyses::cohort::run(&mut self.table, &request).map_err(js_error)?;
        self.classification = Some(std::mem::take(&mut result.all_patients));
        to_js(&result)
    }

    /// Every patient's classification (file line, id, group, reason) as CSV.
    #[wasm_bindgen(js_name = exportClassification)]
    pub fn export_classification(&self) -> Result<String, JsError> {
        let patients = self.classification.as_ref().ok_or_else(|| {
            js_error("Classify the patients first (endpoints and resistance groups).")
        })?;
        Ok(analyses::cohort::patients_csv(patients))
    }

    /// Reads one sheet of a workbook, as the sheets package's `readSheet`
    /// returns it (the object, or its JSON text). `options` as for
    /// `fromCsv` (the delimiter aside). Full module only: a workbook needs
    /// the sheets package's download anyway, and the start-up module is
    /// smaller without it (the worker reads workbooks into the full module).
    #[wasm_bindgen(js_name = fromSheet)]
    pub fn from_sheet(sheet: JsValue, name: JsValue, options: JsValue) -> Result<Dataset, JsError> {
        let sheet: table::SheetData = match sheet.as_string() {
            Some(json) => {
                serde_json::from_str(&json).map_err(|e| js_error(format!("Invalid sheet: {e}")))?
            }
            None if sheet.is_object() => convert::data(&sheet, "sheet")?,
            None => {
                return Err(js_error(
                    "Dataset.fromSheet needs the sheet that readSheet returned.",
                ))
            }
        };
        let name = name.as_string().unwrap_or_default();
        let options: ReadOptions = request(options, "reading the file")?;
        let table = table::read_sheet(&sheet, &options).map_err(js_error)?;
        Ok(Dataset {
            name,
            table,
            classification: None,
        })
    }

    /// Adds a derived column (a cut, transform, recode or time between
    /// dates) with its formula; a name in use gets another, with a note.
    pub fn derive(&mut self, options: JsValue) -> Result<JsValue, JsError> {
        let request = request(options, "a derived column")?;
        to_js(&survcalc_analysis::derive::derive(&mut self.table, &request).map_err(js_error)?)
    }

    /// Removes a column the user derived (never a column of the file).
    #[wasm_bindgen(js_name = removeDerived)]
    pub fn remove_derived(&mut self, name: JsValue) -> Result<JsValue, JsError> {
        let name = name
            .as_string()
            .ok_or_else(|| js_error("removeDerived needs the column's name as text."))?;
        to_js(&survcalc_analysis::derive::remove(&mut self.table, &name).map_err(js_error)?)
    }

    /// Response, disease-control or adverse-event rates: x / n with
    /// Clopper–Pearson or Wilson intervals, overall and by group, with the
    /// groups compared.
    pub fn rates(&self, options: JsValue) -> Result<JsValue, JsError> {
        let request = request(options, "rates")?;
        to_js(&analyses::rates::run(&self.table, &request).map_err(js_error)?)
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

    /// An R script reproducing the analyses of `analysisFile` (a saved
    /// session, or a one-step one) from the data of `exportCsv({})` saved as
    /// `dataFile`.
    #[wasm_bindgen(js_name = rScript)]
    pub fn r_script(&self, analysis_file: JsValue, data_file: JsValue) -> Result<String, JsError> {
        let session = convert::analysis_file(analysis_file)?;
        let data_file = data_file
            .as_string()
            .unwrap_or_else(|| "data.csv".to_string());
        survcalc_analysis::rscript::for_session(&session, &self.table, &data_file).map_err(js_error)
    }

    /// The report of a session as one self-contained HTML file (figures as
    /// inline SVG, the Statistical analysis paragraph, every table), made
    /// on a copy of the data so the dataset itself is unchanged.
    pub fn report(&self, analysis_file: JsValue) -> Result<String, JsError> {
        Ok(survcalc_report::html(&self.session_output(analysis_file)?))
    }

    /// The figures of a session's report, in order, as
    /// `[{ name, scene }]`: the page draws each scene at 300 dpi (the export
    /// package's PNG) for `reportDocx`.
    #[wasm_bindgen(js_name = reportScenes)]
    pub fn report_scenes(&self, analysis_file: JsValue) -> Result<JsValue, JsError> {
        let output = self.session_output(analysis_file)?;
        let figures: Vec<serde_json::Value> = output
            .steps
            .iter()
            .flat_map(|s| s.figures.iter().zip(&s.scenes))
            .map(|(f, scene)| serde_json::json!({ "name": f.name, "scene": scene }))
            .collect();
        to_js(&figures)
    }

    /// The report of a session as a Word document (.docx bytes): what
    /// `report` holds, tables as Word tables, each figure the PNG given in
    /// `images` (`[{ name, png: Uint8Array }]`, names as `reportScenes`).
    #[wasm_bindgen(js_name = reportDocx)]
    pub fn report_docx(&self, analysis_file: JsValue, images: JsValue) -> Result<Vec<u8>, JsError> {
        let output = self.session_output(analysis_file)?;
        let mut pictures = Vec::new();
        if !images.is_undefined() && !images.is_null() {
            let list: js_sys::Array = images
                .dyn_into()
                .map_err(|_| js_error("The report's images must be a list of { name, png }."))?;
            for item in list.iter() {
                let name = js_sys::Reflect::get(&item, &"name".into())
                    .ok()
                    .and_then(|v| v.as_string());
                let png = js_sys::Reflect::get(&item, &"png".into())
                    .ok()
                    .filter(|v| v.is_instance_of::<js_sys::Uint8Array>());
                let (Some(name), Some(png)) = (name, png) else {
                    return Err(js_error(
                        "Each image of the report needs a name and its PNG bytes (a Uint8Array).",
                    ));
                };
                pictures.push(survcalc_report::docx::FigureImage {
                    name,
                    png: js_sys::Uint8Array::new(&png).to_vec(),
                });
            }
        }
        survcalc_report::docx::docx(&output, &pictures).map_err(js_error)
    }

    /// A session rerun on (a copy of) this data: the report as `report`
    /// gives it, and each step's number, analysis, title and, when it could
    /// not run on this data, why; what the page lists after opening an
    /// analysis file, so that one that does not fit is named, not hidden.
    pub fn rerun(&self, analysis_file: JsValue) -> Result<JsValue, JsError> {
        let output = self.session_output(analysis_file)?;
        let steps: Vec<serde_json::Value> = output
            .steps
            .iter()
            .map(|s| serde_json::json!({ "number": s.number, "analysis": s.analysis, "title": s.title, "error": s.error }))
            .collect();
        to_js(&serde_json::json!({ "html": survcalc_report::html(&output), "steps": steps }))
    }

    /// One step of a walkthrough on (a copy of) this data, with the "try
    /// it" changes `tries` (their positions in the step's `try_it`) made:
    /// `{ step, tries, results }`, `results` one per request of the step as
    /// the report gives it (title, tables, figures as SVG, texts, warnings,
    /// error). The data are the walkthrough's example, read as it says.
    #[wasm_bindgen(js_name = walkthroughStep)]
    pub fn walkthrough_step(
        &self,
        walkthrough: JsValue,
        step: u32,
        tries: JsValue,
    ) -> Result<JsValue, JsError> {
        let lesson = convert::walkthrough(walkthrough)?;
        let tries: Vec<usize> = if tries.is_undefined() || tries.is_null() {
            Vec::new()
        } else {
            convert::data(&tries, "list of changes")?
        };
        let results = survcalc_report::lesson_step(&lesson, step as usize, &tries, &self.table)
            .map_err(js_error)?;
        // The tables go as the page shows them; their CSV copies stay out.
        let results: Vec<serde_json::Value> = results
            .iter()
            .map(|r| {
                serde_json::json!({
                    "number": r.number, "analysis": r.analysis, "title": r.title, "error": r.error,
                    "tables": r.tables.iter().map(|(name, t)| serde_json::json!({ "name": name, "table": t })).collect::<Vec<_>>(),
                    "figures": r.figures.iter().map(|f| &f.content).collect::<Vec<_>>(),
                    "texts": r.texts, "warnings": r.warnings,
                })
            })
            .collect();
        to_js(&serde_json::json!({ "step": step, "tries": tries, "results": results }))
    }

    /// Competing risks: cumulative incidence per group (Aalen–Johansen),
    /// Gray's test, Fine–Gray regression, the cause-specific Cox request.
    #[wasm_bindgen(js_name = competingRisks)]
    pub fn competing_risks(&self, options: JsValue) -> Result<JsValue, JsError> {
        let request = request(options, "competing risks")?;
        to_js(&analyses::competing::run(&self.table, &request).map_err(js_error)?)
    }

    /// Treatment effect by subgroup with interaction tests (FSTG02 forest plot).
    pub fn subgroups(&self, options: JsValue) -> Result<JsValue, JsError> {
        let request = request(options, "the subgroup analysis")?;
        to_js(&analyses::subgroup::run(&self.table, &request).map_err(js_error)?)
    }
}
