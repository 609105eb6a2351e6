//! survcalc-devtools: what survcalc's developers use and users never
//! download. The synthetic teaching cohort's generator (its CSV is committed
//! under www/examples) and the deterministic data and timed tasks of
//! `make bench` (run natively by examples/bench.rs and in wasm through the
//! binding crate's `bench` feature).

pub mod benchmark;
pub mod synthetic;
