//! Every analysis with arbitrary data and options (crate/devtools/src/fuzz.rs).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    survcalc_devtools::fuzz::exercise(data);
});
