//! The file reader alone, on raw bytes: any encoding, any shape.
#![no_main]
use survcalc_analysis::table::{read_csv, ReadOptions};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(table) = read_csv(data, &ReadOptions::default()) {
        let _ = survcalc_analysis::summary::summarise("fuzz.csv", &table);
    }
});
