//! survcalc-core: the statistics behind survcalc, in plain Rust.
//!
//! Data flow: CSV text -> [`table::Table`] -> validated analysis input ->
//! `fit` -> named result struct. Nothing here depends on wasm; the binding
//! crate turns results into JS objects. Defaults follow R's survival package.

pub mod dates;
pub mod linalg;
pub mod sort;
pub mod format;

// Data in.
pub mod table;

// Survival.
pub mod cox;
pub mod km;
pub mod logrank;

// Regression and comparison tables.
pub mod baseline;
pub mod contingency;
pub mod design;
pub mod ksample;
pub mod logistic;
pub mod model_table;
pub mod rates;

// Clinical cohort: endpoints, resistance groups, teaching data.
pub mod endpoints;
pub mod resistance;
pub mod synthetic;

// Deterministic synthetic data for `make bench`.
pub mod benchmark;
