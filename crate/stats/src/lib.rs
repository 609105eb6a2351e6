//! survcalc-stats: the numerical kernels behind survcalc, in plain Rust.
//!
//! Each method takes plain vectors and options and returns a named result
//! struct; nothing here reads files, words numbers for people or knows of
//! wasm. The analysis layer (survcalc-analysis) builds the inputs from a
//! table and words the results. Defaults follow R's survival package.

pub mod distributions;
pub mod linalg;
pub mod sort;
pub mod wald;
pub mod warning;

// Survival.
pub mod competing;
pub mod cox;
pub mod km;
pub mod logrank;
pub mod rows;
pub mod tally;

// Regression and comparison tests.
pub mod contingency;
pub mod ksample;
pub mod logistic;
pub mod rates;
