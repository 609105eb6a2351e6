//! survcalc-devtools: what survcalc's developers use and users never
//! download. The synthetic teaching cohort's generator (its CSV is committed
//! under www/examples) and the deterministic data and timed tasks of
//! `make bench` (run natively by examples/bench.rs and in wasm through the
//! binding crate's `bench` feature), and the fuzz harness shared by the
//! libFuzzer targets under fuzz/ and the corpus test.

pub mod benchmark;
pub mod fuzz;
pub mod synthetic;
