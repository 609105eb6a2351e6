//! The spreadsheet reader on raw bytes (calamine behind survcalc-sheets),
//! then its cells into the table reader, as the page's worker chains them.
//! Seeded from the workbooks of tests/fixtures/sheets (.ci/fuzz.sh).
#![no_main]
use survcalc_analysis::table::{read_sheet as table_from_sheet, ReadOptions, SheetData};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(names) = survcalc_sheets::sheet_names(data) else { return };
    for name in names.iter().take(4) {
        let Ok(sheet) = survcalc_sheets::read_sheet(data, Some(name)) else { continue };
        // Through JSON, the contract between the two wasm packages.
        let json = serde_json::to_string(&sheet).expect("cells serialise");
        let cells: SheetData = serde_json::from_str(&json).expect("the table reader reads the sheets package's JSON");
        if let Ok(table) = table_from_sheet(&cells, &ReadOptions::default()) {
            let _ = survcalc_analysis::summary::summarise("fuzz.xlsx", &table);
        }
    }
});
