//! Workbooks through the whole reading path the page takes: this crate's
//! cells, as JSON (the wasm boundary's contract), into survcalc-analysis's
//! `read_sheet`, against the CSV the workbooks were made from; and the
//! layouts that are not one table, each an error saying what to change.

use survcalc_analysis::table::{
    read_csv, read_sheet as table_from_sheet, ColumnKind, ReadOptions, SheetData, Table,
};
use survcalc_sheets::read_sheet;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/sheets")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Cells -> JSON -> typed table, as the worker hands them from one wasm
/// package to the other.
fn table(file: &str, sheet: Option<&str>) -> Result<Table, String> {
    let cells = read_sheet(&fixture(file), sheet).map_err(|e| e.to_string())?;
    let json = serde_json::to_string(&cells).unwrap();
    let data: SheetData = serde_json::from_str(&json).unwrap();
    table_from_sheet(&data, &ReadOptions::default()).map_err(|e| e.to_string())
}

#[test]
fn a_sheet_reads_into_the_same_table_as_its_csv() {
    let csv = read_csv(&fixture("patients.csv"), &ReadOptions::default()).unwrap();
    for file in [
        "workbook.xlsx",
        "workbook.xls",
        "workbook.ods",
        "openpyxl.xlsx",
    ] {
        let t = table(file, Some("Patients")).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(t.sheet.as_deref(), Some("Patients"));
        // A row's line is its row in the sheet: the header is row 1.
        assert_eq!(t.header_line, 1);
        assert_eq!(t.lines, (2..=13).collect::<Vec<u64>>(), "{file}");
        assert_eq!(t.column_names(), csv.column_names());
        for (a, b) in t.columns.iter().zip(&csv.columns) {
            assert_eq!(a.kind, b.kind, "{file}: {}", a.name);
            assert_eq!(a.data, b.data, "{file}: {}", a.name);
            assert_eq!(a.n_missing, b.n_missing, "{file}: {}", a.name);
        }
        assert_eq!(
            t.column("start").unwrap().kind,
            ColumnKind::Date(survcalc_analysis::table::DateOrder::YearMonthDay)
        );
    }
}

#[test]
fn layouts_that_are_not_one_table_say_what_to_change() {
    assert_eq!(
        table("merged_header.xlsx", None).unwrap_err(),
        "Sheet \"Patients\": the header cell \"labs\" is merged across C1:E1, so the columns under it have no name of \
         their own. Unmerge the cells and give each column its own name in one header row."
    );
    assert_eq!(
        table("two_header_rows.xlsx", None).unwrap_err(),
        "Sheet \"Patients\": rows 1 and 2 both look like header rows (row 2 has \"arm\" above the values). survcalc \
         needs one row of column names: delete row 2, or merge the two rows into one name per column (e.g. \
         \"afp_ug_l\"), then load the file again."
    );
    // Units under the names (openpyxl's third sheet).
    let units = table("openpyxl.xlsx", Some("With units")).unwrap_err();
    assert!(
        units.starts_with(
            "Sheet \"With units\": rows 1 and 2 both look like header rows (row 2 has \"0/1\""
        ),
        "{units}"
    );
    for file in ["workbook.xlsx", "workbook.xls", "workbook.ods"] {
        assert_eq!(
            table(file, Some("Empty")).unwrap_err(),
            "Sheet \"Empty\" is empty. Choose the sheet that holds the data."
        );
    }
    // A sheet of one line of text: a header without data rows.
    assert_eq!(
        table("workbook.xlsx", Some("Readme")).unwrap_err(),
        "The file has a header row (line 1) but no data rows below it."
    );
}
