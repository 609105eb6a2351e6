//! survcalc-analysis: every analysis survcalc offers, as a typed request in
//! and a report out, in plain Rust (no wasm).
//!
//! Data flow: file bytes -> [`table::Table`] (typed columns, file lines
//! kept) -> a request (e.g. [`analyses::km::KmRequest`]) -> validated
//! inputs -> the kernels of survcalc-stats -> a report with the numbers,
//! the words people read and the data of its figures. The wording of
//! numbers lives in [`format`], the table exports in
//! [`analyses::DisplayTable`]; the charts crate draws [`plot`].

pub mod dates;
pub mod export;
pub mod format;
pub mod labels;
pub mod methods;
pub mod presets;
pub mod provenance;
pub mod request;
pub mod rscript;
pub mod warning;

// Data in.
pub mod table;

// From columns to model inputs.
pub mod design;

// The patients an analysis is about, and the variables the user derives.
pub mod analysis_set;
pub mod derive;

// Clinical cohort: endpoints and resistance groups.
pub mod endpoints;
pub mod resistance;

// Tables built from columns.
pub mod baseline;
pub mod model_table;

// What figures show.
pub mod plot;

// What the page shows after a file is read.
pub mod summary;

// One module per analysis the page offers: request -> report.
pub mod analyses;

// A whole session (how the file was read, then every request) as one
// versioned document.
pub mod analysis_file;
pub mod walkthrough;
