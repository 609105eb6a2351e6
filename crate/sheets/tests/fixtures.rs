//! The sheet reader on workbooks written by real programs
//! (tests/fixtures/sheets, README.md there says how each was made):
//! LibreOffice's .xlsx, .xls and .ods of the same sheets, openpyxl's .xlsx,
//! and a password-encrypted .xlsx. Each is read cell by cell against the
//! CSV it was made from.

use survcalc_sheets::{read_sheet, sheet_names, Cell, Sheet, SheetError};

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/sheets")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The CSV the workbooks were made from, as rows of cells.
fn patients_csv() -> Vec<Vec<String>> {
    let text = String::from_utf8(fixture("patients.csv")).unwrap();
    text.lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// A sheet's cells as text: numbers as Rust prints them, empty as "".
fn as_text(sheet: &Sheet) -> Vec<(u64, Vec<String>)> {
    sheet
        .rows
        .iter()
        .map(|r| {
            let cells = r
                .cells
                .iter()
                .map(|c| match c {
                    None => String::new(),
                    Some(Cell::Number(x)) => format!("{x}"),
                    Some(Cell::Text(t)) => t.clone(),
                })
                .collect();
            (r.row, cells)
        })
        .collect()
}

/// The CSV's cells as the sheet reader should give them: numbers in their
/// shortest form ("5.0" -> "5"), dates as written (ISO), empty as "".
fn expected_patients() -> Vec<(u64, Vec<String>)> {
    patients_csv()
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let mut cells: Vec<String> = row
                .into_iter()
                .map(|v| v.parse::<f64>().map_or(v.clone(), |x| format!("{x}")))
                .collect();
            while cells.last().is_some_and(String::is_empty) {
                cells.pop();
            }
            (i as u64 + 1, cells)
        })
        .collect()
}

#[test]
fn libreoffice_workbooks_in_three_formats_give_the_same_cells() {
    for file in ["workbook.xlsx", "workbook.xls", "workbook.ods"] {
        let bytes = fixture(file);
        assert_eq!(
            sheet_names(&bytes).unwrap(),
            ["Readme", "Patients", "Empty"],
            "{file}"
        );
        let sheet = read_sheet(&bytes, Some("Patients")).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(sheet.sheet, "Patients");
        assert_eq!(as_text(&sheet), expected_patients(), "{file}");
        // Dates are date cells in the workbook, ISO text here.
        assert_eq!(
            sheet.rows[1].cells[2],
            Some(Cell::Text("2020-01-23".into())),
            "{file}"
        );
        assert_eq!(sheet.rows[1].cells[5], Some(Cell::Number(10.25)), "{file}");
        // The first sheet when none is named.
        assert_eq!(read_sheet(&bytes, None).unwrap().sheet, "Readme");
        // An empty sheet has no rows.
        assert!(
            read_sheet(&bytes, Some("Empty")).unwrap().rows.is_empty(),
            "{file}"
        );
        let missing = read_sheet(&bytes, Some("Data")).unwrap_err();
        assert_eq!(missing.to_string(), "The workbook has no sheet named \"Data\". Its sheets: \"Readme\", \"Patients\", \"Empty\".");
    }
}

#[test]
fn a_csv_converted_by_libreoffice_reads_back_cell_for_cell() {
    let csv = String::from_utf8(
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../www/examples/aml.csv"),
        )
        .unwrap(),
    )
    .unwrap();
    let expected: Vec<Vec<String>> = csv
        .lines()
        .map(|l| {
            l.split(',')
                .map(|v| {
                    v.trim_matches('"')
                        .parse::<f64>()
                        .map_or(v.trim_matches('"').to_string(), |x| format!("{x}"))
                })
                .collect()
        })
        .collect();
    for file in ["aml.xlsx", "aml.xls", "aml.ods"] {
        let sheet = read_sheet(&fixture(file), None).unwrap_or_else(|e| panic!("{file}: {e}"));
        let got: Vec<Vec<String>> = as_text(&sheet).into_iter().map(|(_, c)| c).collect();
        assert_eq!(got, expected, "{file}");
    }
}

#[test]
fn openpyxl_dates_sheets_and_numbers() {
    let bytes = fixture("openpyxl.xlsx");
    assert_eq!(
        sheet_names(&bytes).unwrap(),
        ["Codes", "Patients", "With units"]
    );
    let sheet = read_sheet(&bytes, Some("Patients")).unwrap();
    assert_eq!(as_text(&sheet), expected_patients());
    let codes = read_sheet(&bytes, None).unwrap();
    assert_eq!(
        codes.rows[1].cells,
        [Some(Cell::Number(0.0)), Some(Cell::Text("censored".into()))]
    );
}

#[test]
fn merged_cells_are_reported() {
    let sheet = read_sheet(&fixture("merged_header.xlsx"), None).unwrap();
    assert_eq!(sheet.merged.len(), 1);
    let m = sheet.merged[0];
    assert_eq!(
        (m.first_row, m.last_row, m.first_column, m.last_column),
        (1, 1, 3, 5)
    );
    assert_eq!(sheet.rows[0].cells[2], Some(Cell::Text("labs".into())));
}

#[test]
fn a_password_protected_workbook_is_named() {
    let err = read_sheet(&fixture("password.xlsx"), None).unwrap_err();
    assert_eq!(err, SheetError::PasswordProtected);
    assert!(
        err.to_string()
            .starts_with("This workbook is protected by a password"),
        "{err}"
    );
    assert_eq!(
        sheet_names(&fixture("password.xlsx")).unwrap_err(),
        SheetError::PasswordProtected
    );
}

#[test]
fn random_bytes_after_a_signature_are_an_error_not_a_panic() {
    let mut state = 7u64;
    for len in [0usize, 10, 100, 2000] {
        for prefix in [&b"PK\x03\x04"[..], b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"] {
            let mut bytes = prefix.to_vec();
            bytes.extend((0..len).map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 33) as u8
            }));
            bytes.extend_from_slice(b"xl/workbook.xml");
            assert!(read_sheet(&bytes, None).is_err());
        }
    }
    // A real workbook cut short.
    let whole = fixture("workbook.xlsx");
    for cut in [100, whole.len() / 2, whole.len() - 10] {
        assert!(
            read_sheet(&whole[..cut], Some("Patients")).is_err(),
            "cut at {cut}"
        );
    }
}
