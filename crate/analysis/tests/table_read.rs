//! CSV parser cases, one tiny fixture file each (tests/fixtures/csv/).

// One copy of the fixtures loader and the tolerances, shared by every crate's tests.
#[path = "../../stats/tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use survcalc_analysis::dates::Date;
use survcalc_analysis::table::{
    read_csv, read_csv_with_progress, sniff_delimiter, ColumnData, ColumnKind, ColumnType,
    DateOrder, DecimalMark, Delimiter, LevelOrder, ReadOptions, Table, TableError,
};
use survcalc_analysis::warning::Warning;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/csv")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read(name: &str) -> Result<Table, TableError> {
    read_csv(&fixture(name), &ReadOptions::default())
}

fn read_with(name: &str, types: &[(&str, ColumnType)]) -> Result<Table, TableError> {
    let options = ReadOptions {
        column_types: types
            .iter()
            .map(|(n, t)| (n.to_string(), *t))
            .collect::<BTreeMap<_, _>>(),
        ..ReadOptions::default()
    };
    read_csv(&fixture(name), &options)
}

fn numbers(t: &Table, name: &str) -> Vec<Option<f64>> {
    match &t.column(name).unwrap().data {
        ColumnData::Number(v) => v.clone(),
        other => panic!("{name} is not numeric: {other:?}"),
    }
}

fn texts(t: &Table, name: &str) -> Vec<Option<String>> {
    match &t.column(name).unwrap().data {
        ColumnData::Text(v) => v.clone(),
        other => panic!("{name} is not text: {other:?}"),
    }
}

fn dates(t: &Table, name: &str) -> Vec<Option<Date>> {
    match &t.column(name).unwrap().data {
        ColumnData::Date(v) => v.clone(),
        other => panic!("{name} is not dates: {other:?}"),
    }
}

fn category(t: &Table, name: &str) -> (Vec<Option<u32>>, Vec<String>) {
    match &t.column(name).unwrap().data {
        ColumnData::Category { codes, levels } => (codes.clone(), levels.clone()),
        other => panic!("{name} is not a category: {other:?}"),
    }
}

fn ymd(y: i32, m: u32, d: u32) -> Option<Date> {
    Some(Date::from_ymd(y, m, d).unwrap())
}

#[test]
fn byte_order_mark_is_removed() {
    let t = read("bom.csv").unwrap();
    assert_eq!(t.column_names(), ["time", "status", "arm"]);
    assert_eq!(numbers(&t, "time"), [Some(5.0), Some(8.0), Some(12.0)]);
    assert_eq!(t.lines, [2, 3, 4]);
}

#[test]
fn crlf_line_endings_and_blank_line() {
    let t = read("crlf.csv").unwrap();
    assert_eq!(t.n_rows(), 3);
    assert_eq!(numbers(&t, "time"), [Some(5.0), Some(8.0), Some(12.0)]);
    // No '\r' left in the last column; the blank line 5 is skipped.
    assert_eq!(
        texts(&t, "arm"),
        [Some("A".into()), Some("B".into()), Some("A".into())]
    );
    assert_eq!(t.lines, [2, 3, 5]);
}

#[test]
fn old_mac_line_endings() {
    let t = read_csv(
        b"time,note\r5,\"two\rlines\"\r8,x\r",
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(numbers(&t, "time"), [Some(5.0), Some(8.0)]);
    assert_eq!(t.lines, [2, 4]);
}

#[test]
fn semicolon_means_decimal_comma() {
    let bytes = fixture("semicolon_decimal_comma.csv");
    assert_eq!(sniff_delimiter(&bytes), ';');
    let t = read("semicolon_decimal_comma.csv").unwrap();
    assert_eq!(t.delimiter, ';');
    assert!(t.decimal_comma);
    assert_eq!(numbers(&t, "time"), [Some(1.5), Some(2.0), Some(3.75)]);
    assert_eq!(numbers(&t, "age"), [Some(60.25), Some(71.0), Some(-0.5)]);
    // Forcing a decimal point makes "1,5" text, and the reason says why.
    let point = ReadOptions {
        decimal: DecimalMark::Point,
        ..ReadOptions::default()
    };
    let t = read_csv(&bytes, &point).unwrap();
    let time = t.column("time").unwrap();
    assert_eq!(time.kind, ColumnKind::Text);
    assert!(
        time.reason.contains(
            "line 2: \"1,5\" has a decimal comma, but the file is read with decimal points"
        ),
        "{}",
        time.reason
    );
    // The decimal point was chosen, so "1,5" is a non-number, not a hint.
    assert_eq!(time.reading.other_decimal_mark, None);
}

#[test]
fn forced_delimiter_overrides_detection() {
    let forced = ReadOptions {
        delimiter: Delimiter::Semicolon,
        ..ReadOptions::default()
    };
    let t = read_csv(&fixture("quoted_delimiter.csv"), &forced).unwrap();
    assert_eq!(t.delimiter, ';');
    assert_eq!(t.column_names(), ["id,note,time"]);
    assert_eq!(t.n_rows(), 3);
}

#[test]
fn tab_separated() {
    let t = read("tab.tsv").unwrap();
    assert_eq!(t.delimiter, '\t');
    assert!(!t.decimal_comma);
    assert_eq!(
        texts(&t, "note"),
        [Some("cough, fever".into()), Some("none".into())]
    );
}

#[test]
fn quoted_delimiter_and_doubled_quotes() {
    let t = read("quoted_delimiter.csv").unwrap();
    assert_eq!(sniff_delimiter(&fixture("quoted_delimiter.csv")), ',');
    assert_eq!(
        texts(&t, "note"),
        [
            Some("fever, cough".into()),
            Some("said \"fine\"".into()),
            Some("plain".into())
        ]
    );
    assert_eq!(numbers(&t, "time"), [Some(5.0), Some(6.0), Some(7.0)]);
}

#[test]
fn quoted_newline_keeps_line_numbers() {
    let t = read("quoted_newline.csv").unwrap();
    assert_eq!(
        texts(&t, "note")[0].as_deref(),
        Some("first line\nsecond line\nthird line")
    );
    // Row 1 starts on line 2 and spans to line 4; row 2 is on line 5.
    assert_eq!(t.lines, [2, 5]);
    assert_eq!(t.line_of(1), Some(5));
    assert_eq!(t.line_of(2), None);
    let err = read_with("quoted_newline.csv", &[("time", ColumnType::Number)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Column \"time\", line 5: \"abc\" is not a number. Correct the file, or choose to read such values as missing."
    );
}

#[test]
fn missing_value_tokens() {
    let t = read("missing_tokens.csv").unwrap();
    let x = t.column("x").unwrap();
    assert_eq!(x.kind, ColumnKind::Number);
    assert_eq!(x.n_missing, 7);
    assert_eq!(
        numbers(&t, "x"),
        [None, None, None, None, None, None, None, Some(2.5)]
    );
    // Missing stays explicit in categories too.
    let (codes, levels) = category(&t, "y");
    assert_eq!(levels, ["a", "b"]);
    assert_eq!(codes.last(), Some(&None));
    // Configurable: without "-" as a token, the column is text.
    let options = ReadOptions {
        missing_tokens: vec!["NA".into(), "n/a".into(), ".".into(), "NaN".into()],
        ..Default::default()
    };
    let t = read_csv(&fixture("missing_tokens.csv"), &options).unwrap();
    let x = t.column("x").unwrap();
    assert_ne!(x.kind, ColumnKind::Number);
    assert!(
        x.reason.contains("line 6: \"-\" is not a number"),
        "{}",
        x.reason
    );
}

#[test]
fn ragged_row_names_its_line() {
    let err = read("ragged_row.csv").unwrap_err();
    assert!(
        matches!(
            err,
            TableError::RaggedRow {
                line: 3,
                expected: 3,
                found: 4,
                ..
            }
        ),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.starts_with("Line 3 has 4 values but the header has 3 columns."),
        "{msg}"
    );
    assert!(msg.contains("\"extra\""), "{msg}");
    let err = read_csv(b"a,b\n1,2\n3,4,,\n", &ReadOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Line 3 has 4 values but the header has 2 columns. The extra values are empty: remove the separators at the end of the line."
    );
    let err = read_csv(b"a,b,c\n1,2,3\n4,5\n", &ReadOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            TableError::RaggedRow {
                line: 3,
                expected: 3,
                found: 2,
                extra_value: None,
                ..
            }
        ),
        "{err:?}"
    );
    // A short row quotes the values it has, in the singular for one.
    let err = read_csv(b"time,status\n1,1\n2\n", &ReadOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Line 3 has 1 value but the header has 2 columns. Its value is \"2\". Check for a missing separator; leave a cell empty rather than deleting it."
    );
    let long = format!("a,b\n1,2\n{}\n", "x".repeat(100));
    let err = read_csv(long.as_bytes(), &ReadOptions::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("Its value is \"{}…\".", "x".repeat(40))),
        "{err}"
    );
}

#[test]
fn a_quote_never_closed_in_the_header_is_named() {
    let err = read_csv(b"\"time,status\n1,1\n", &ReadOptions::default()).unwrap_err();
    assert_eq!(err, TableError::UnclosedQuote { line: 1 });
    // A quoted name spanning two lines is legitimate and still read.
    let table = read_csv(b"\"time\nin days\",status\n1,1\n", &ReadOptions::default()).unwrap();
    assert_eq!(table.columns[0].name, "time\nin days");
}

#[test]
fn utf16_without_byte_order_mark_is_named() {
    let utf16: Vec<u8> = "time,status\n5,1\n6,0\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let err = read_csv(&utf16, &ReadOptions::default()).unwrap_err();
    assert_eq!(err, TableError::Utf16WithoutBom);
    assert!(err.to_string().contains("looks like UTF-16 text"), "{err}");
    let big_endian: Vec<u8> = "time,status\n5,1\n"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    assert_eq!(
        read_csv(&big_endian, &ReadOptions::default()).unwrap_err(),
        TableError::Utf16WithoutBom
    );
    // One stray NUL in a UTF-8 file is not UTF-16.
    assert!(read_csv(
        b"time,status\n5,1\n6,0\n7,\x001\n8,1\n",
        &ReadOptions::default()
    )
    .is_ok());
}

#[test]
fn nul_characters_are_made_visible() {
    let err = read_csv(b"ti\x00me,status\n1,1\n", &ReadOptions::default()).unwrap_err();
    assert_eq!(
        err,
        TableError::NulInHeader {
            column_number: 1,
            line: 1,
            name: "ti␀me".to_string()
        }
    );
    let err = TableError::NotANumber {
        column: "time".into(),
        line: 2,
        value: "1\u{0}1".into(),
    };
    assert_eq!(
        err.to_string(),
        "Column \"time\", line 2: \"1␀1\" is not a number: it holds an invisible NUL character (shown as ␀). Remove it; the file may not be plain text."
    );
}

#[test]
fn unclosed_quote_is_reported_where_it_starts() {
    let text = b"id,note\n1,ok\n2,\"never closed\n3,x\n4,y\n";
    let err = read_csv(text, &ReadOptions::default()).unwrap_err();
    assert_eq!(err, TableError::UnclosedQuote { line: 3 });
    // A quote closed late makes a row too long: its lines are named.
    let text = b"id,note,x\n1,ok,2\n2,\"closed\nlate\",3,4\n5,y,6\n";
    let err = read_csv(text, &ReadOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            TableError::RaggedRow {
                line: 3,
                last_line: 4,
                found: 4,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("runs on to line 4"), "{err}");
}

#[test]
fn empty_file_and_header_only() {
    assert_eq!(read("empty.csv").unwrap_err(), TableError::EmptyFile);
    assert_eq!(
        read_csv(b"\n\r\n  \n", &ReadOptions::default()).unwrap_err(),
        TableError::EmptyFile
    );
    let err = read("header_only.csv").unwrap_err();
    assert_eq!(err, TableError::NoDataRows { header_line: 1 });
    assert!(err.to_string().contains("line 1"));
}

#[test]
fn header_names_must_be_present_and_distinct() {
    let err = read_csv(b"a,,c\n1,2,3\n", &ReadOptions::default()).unwrap_err();
    assert_eq!(
        err,
        TableError::EmptyHeaderName {
            column_number: 2,
            line: 1
        }
    );
    let err = read_csv(b"age,sex, age \n1,2,3\n", &ReadOptions::default()).unwrap_err();
    assert_eq!(
        err,
        TableError::DuplicateHeaderName {
            name: "age".into(),
            first_column: 1,
            second_column: 3,
            line: 1
        }
    );
    assert!(err.to_string().contains("\"age\""));
}

#[test]
fn rows_of_empty_cells_are_skipped_with_a_warning() {
    let t = read("blank_rows.csv").unwrap();
    assert_eq!(numbers(&t, "time"), [Some(5.0), Some(8.0)]);
    assert_eq!(t.lines, [3, 5]);
    assert_eq!(
        t.warnings,
        [Warning::SkippedEmptyRows {
            count: 2,
            lines: vec![4, 6]
        }]
    );
    assert_eq!(
        t.warnings[0].message(),
        "Skipped 2 empty rows (lines 4, 6)."
    );
}

#[test]
fn iso_dates() {
    let t = read("dates_iso.csv").unwrap();
    let c = t.column("start").unwrap();
    assert_eq!(c.kind, ColumnKind::Date(DateOrder::YearMonthDay));
    assert_eq!(
        dates(&t, "start"),
        [ymd(2021, 3, 15), ymd(2021, 3, 16), None, ymd(2020, 2, 29)]
    );
}

#[test]
fn day_month_year_dates() {
    let t = read("dates_dmy.csv").unwrap();
    let c = t.column("start").unwrap();
    assert_eq!(c.kind, ColumnKind::Date(DateOrder::DayMonthYear));
    assert!(c.reason.contains("line 3: \"25.12.2020\""), "{}", c.reason);
    // Read as dates: nothing to flag; read from the file: no provenance.
    assert!(!c.looks_like_dates && c.derived.is_none());
    assert_eq!(
        dates(&t, "start"),
        [ymd(2021, 2, 1), ymd(2020, 12, 25), ymd(2021, 4, 3)]
    );
}

#[test]
fn month_day_year_dates() {
    let t = read("dates_mdy.csv").unwrap();
    assert_eq!(
        t.column("start").unwrap().kind,
        ColumnKind::Date(DateOrder::MonthDayYear)
    );
    assert_eq!(
        dates(&t, "start"),
        [ymd(2021, 1, 2), ymd(2020, 12, 25), ymd(2021, 3, 4)]
    );
}

#[test]
fn ambiguous_dates_are_never_guessed() {
    let t = read("dates_ambiguous.csv").unwrap();
    let c = t.column("start").unwrap();
    assert_eq!(c.kind, ColumnKind::AmbiguousDate);
    assert!(c.reason.contains("choose the order"), "{}", c.reason);
    assert_eq!(texts(&t, "start")[0].as_deref(), Some("01/02/2021"));
    // Declaring a date without an order is an error that asks for one...
    let err = read_with(
        "dates_ambiguous.csv",
        &[("start", ColumnType::Date(DateOrder::Auto))],
    )
    .unwrap_err();
    assert_eq!(
        err,
        TableError::AmbiguousDateOrder {
            column: "start".into(),
            line: 2,
            value: "01/02/2021".into()
        }
    );
    // ...and either order, once chosen, reads every value.
    let dmy = read_with(
        "dates_ambiguous.csv",
        &[("start", ColumnType::Date(DateOrder::DayMonthYear))],
    )
    .unwrap();
    assert_eq!(
        dates(&dmy, "start"),
        [ymd(2021, 2, 1), ymd(2020, 11, 12), ymd(2021, 4, 3)]
    );
    assert!(dmy.column("start").unwrap().declared);
    let mdy = read_with(
        "dates_ambiguous.csv",
        &[("start", ColumnType::Date(DateOrder::MonthDayYear))],
    )
    .unwrap();
    assert_eq!(
        dates(&mdy, "start"),
        [ymd(2021, 1, 2), ymd(2020, 12, 11), ymd(2021, 3, 4)]
    );
}

#[test]
fn contradictory_date_orders_are_an_error() {
    let err = read("dates_contradictory.csv").unwrap_err();
    assert_eq!(
        err,
        TableError::ContradictoryDateOrder {
            column: "start".into(),
            day_first_line: 2,
            day_first_value: "25/02/2021".into(),
            month_first_line: 4,
            month_first_value: "02/25/2021".into(),
        }
    );
    // A declared order turns the other kind of value into an invalid date.
    let err = read_with(
        "dates_contradictory.csv",
        &[("start", ColumnType::Date(DateOrder::DayMonthYear))],
    )
    .unwrap_err();
    assert!(
        matches!(&err, TableError::InvalidDate { line: 4, value, .. } if value == "02/25/2021"),
        "{err:?}"
    );
    // Declared as text, the file reads.
    let t = read_with("dates_contradictory.csv", &[("start", ColumnType::Text)]).unwrap();
    assert_eq!(t.column("start").unwrap().kind, ColumnKind::Text);
}

#[test]
fn excel_serial_dates_when_declared() {
    // Undeclared, day numbers are numbers.
    let t = read("dates_excel_serial.csv").unwrap();
    assert_eq!(t.column("start").unwrap().kind, ColumnKind::Number);
    let t = read_with(
        "dates_excel_serial.csv",
        &[("start", ColumnType::Date(DateOrder::ExcelSerial))],
    )
    .unwrap();
    assert_eq!(
        t.column("start").unwrap().kind,
        ColumnKind::Date(DateOrder::ExcelSerial)
    );
    assert_eq!(
        dates(&t, "start"),
        [
            ymd(2021, 3, 15),
            ymd(1900, 1, 1),
            ymd(1900, 3, 1),
            None,
            ymd(2021, 3, 15)
        ]
    );
    let err = read_csv(
        b"d\n44270\n60\n",
        &ReadOptions {
            column_types: [("d".to_string(), ColumnType::Date(DateOrder::ExcelSerial))].into(),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(&err, TableError::InvalidExcelSerial { line: 3, value, .. } if value == "60"),
        "{err:?}"
    );
}

#[test]
fn invalid_date() {
    // Inferred: not a date column, with the reason.
    let t = read("date_invalid.csv").unwrap();
    let c = t.column("start").unwrap();
    assert_eq!(c.kind, ColumnKind::Text);
    assert!(
        c.reason
            .contains("line 3: \"2021-02-30\" is not a valid date"),
        "{}",
        c.reason
    );
    // The page offers it where dates are expected by this flag, not by the reason's words.
    assert!(c.looks_like_dates);
    assert!(!t.column("id").unwrap().looks_like_dates);
    // Declared: an error naming column, line and value.
    let err = read_with(
        "date_invalid.csv",
        &[("start", ColumnType::Date(DateOrder::Auto))],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Column \"start\", line 3: \"2021-02-30\" is not a valid date (read as year-month-day)."
    );
}

#[test]
fn two_digit_years_are_refused() {
    let t = read_csv(
        b"d\n15/03/21\n16/03/21\n17/03/21\n",
        &ReadOptions::default(),
    )
    .unwrap();
    let c = t.column("d").unwrap();
    assert_eq!(c.kind, ColumnKind::Text);
    assert!(c.reason.contains("2-digit year"), "{}", c.reason);
    assert!(c.looks_like_dates);
    let err = read_csv(
        b"d\n15/03/21\n",
        &ReadOptions {
            column_types: [("d".to_string(), ColumnType::Date(DateOrder::DayMonthYear))].into(),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, TableError::TwoDigitYear { line: 2, .. }),
        "{err:?}"
    );
}

#[test]
fn late_text_value_demotes_a_numeric_column() {
    // 10,000 numeric IDs, then one with a letter: the column becomes text
    // and keeps the texts as written ("007", not 7).
    let mut text = String::from("id,x\n");
    for i in 0..10_000 {
        text.push_str(&format!("{i:03},{}\n", i % 3));
    }
    text.push_str("A17,1\n");
    let t = read_csv(text.as_bytes(), &ReadOptions::default()).unwrap();
    let id = t.column("id").unwrap();
    assert_eq!(id.kind, ColumnKind::Text);
    assert!(
        id.reason.contains("line 10002: \"A17\" is not a number"),
        "{}",
        id.reason
    );
    let v = texts(&t, "id");
    assert_eq!(v[7].as_deref(), Some("007"));
    assert_eq!(v[10_000].as_deref(), Some("A17"));
    assert_eq!(t.column("x").unwrap().kind, ColumnKind::Number);
}

#[test]
fn category_inference_and_overrides() {
    let text = b"sex,grade,id\n1,grade 10,a\n2,grade 2,b\n1,grade 2,c\n2,Grade 1,d\n1,grade 10,e\n2,Grade 1,f\n";
    let t = read_csv(text, &ReadOptions::default()).unwrap();
    // Numbers stay numbers.
    assert_eq!(t.column("sex").unwrap().kind, ColumnKind::Number);
    let (codes, levels) = category(&t, "grade");
    assert_eq!(levels, ["Grade 1", "grade 2", "grade 10"]);
    assert_eq!(
        codes,
        [Some(2), Some(1), Some(1), Some(0), Some(2), Some(0)]
    );
    assert_eq!(t.column("id").unwrap().kind, ColumnKind::Text);
    // The user turns a numeric code into a category, levels in numeric order.
    let options = ReadOptions {
        column_types: [
            ("sex".to_string(), ColumnType::Category),
            ("id".to_string(), ColumnType::Category),
        ]
        .into(),
        level_order: LevelOrder::FirstAppearance,
        ..Default::default()
    };
    let t = read_csv(text, &options).unwrap();
    assert_eq!(category(&t, "sex").1, ["1", "2"]);
    assert_eq!(category(&t, "grade").1, ["grade 10", "grade 2", "Grade 1"]);
    assert_eq!(category(&t, "id").1.len(), 6);
    // Declared numbers must all be numbers.
    let err = read_csv(
        text,
        &ReadOptions {
            column_types: [("grade".to_string(), ColumnType::Number)].into(),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Column \"grade\", line 2: \"grade 10\" is not a number. 5 other values of the column are not numbers \
         either (line 3: \"grade 2\", line 4: \"grade 2\", line 5: \"Grade 1\", line 6: \"grade 10\", and 1 more). \
         Correct the file, or choose to read such values as missing."
    );
    // Overriding a column that does not exist is an error.
    let err = read_csv(
        text,
        &ReadOptions {
            column_types: [("age".to_string(), ColumnType::Number)].into(),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        err,
        TableError::UnknownColumn {
            name: "age".into(),
            nearest: None
        }
    );
}

#[test]
fn utf16_with_bom_is_converted_and_bad_utf8_is_an_error() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "time\tname\n5\tJosé\n".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let t = read_csv(&bytes, &ReadOptions::default()).unwrap();
    assert_eq!(texts(&t, "name"), [Some("José".into())]);
    let err = read_csv(b"time,name\n5,ok\n6,Jos\xe9\n", &ReadOptions::default()).unwrap_err();
    assert_eq!(
        err,
        TableError::NotUtf8 {
            line: 3,
            column: Some("name".into())
        }
    );
}

#[test]
fn progress_is_reported_up_to_the_total() {
    let mut text = String::from("a,b\n");
    while text.len() < 9 << 20 {
        text.push_str("123.5,text value\n");
    }
    let mut calls = Vec::new();
    let t = read_csv_with_progress(text.as_bytes(), &ReadOptions::default(), |done, total| {
        calls.push((done, total))
    })
    .unwrap();
    assert!(t.n_rows() > 500_000);
    assert!(calls.len() >= 3, "{calls:?}");
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
    assert_eq!(calls.last(), Some(&(text.len() as u64, text.len() as u64)));
}

/// Byte soup from CSV's special characters never panics, whatever the
/// declared types: every outcome is a table or an error.
#[test]
fn random_input_never_panics() {
    let alphabet = b",;\t\"\n\r a1290.-/eNAT:\xc3\xa9\xff";
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let declared = [
        None,
        Some(ColumnType::Number),
        Some(ColumnType::Category),
        Some(ColumnType::Text),
        Some(ColumnType::Date(DateOrder::Auto)),
        Some(ColumnType::Date(DateOrder::DayMonthYear)),
        Some(ColumnType::Date(DateOrder::ExcelSerial)),
    ];
    for case in 0..3000 {
        let len = (next() % 120) as usize;
        let mut bytes = b"a,b\n".to_vec();
        bytes.extend((0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]));
        let column_types = match declared[case % declared.len()] {
            Some(t) => [("a".to_string(), t)].into(),
            None => BTreeMap::new(),
        };
        let options = ReadOptions {
            column_types,
            ..Default::default()
        };
        if let Ok(t) = read_csv(&bytes, &options) {
            for c in &t.columns {
                assert_eq!(c.data.len(), t.n_rows());
            }
            let names = t.column_names();
            if let [a, b, ..] = names.as_slice() {
                let _ = survcalc_analysis::table::survival_input(
                    &t,
                    &survcalc_analysis::table::SurvivalColumns {
                        time: a.to_string(),
                        event: b.to_string(),
                        event_values: vec!["1".into()],
                        censor_values: vec!["0".into()],
                        group: Some(a.to_string()),
                    },
                );
            }
        }
    }
}

#[test]
fn the_synthetic_flag_is_declared_not_guessed_from_the_name() {
    let text = b"time,status\n1,1\n2,0\n";
    let plain = read_csv(text, &ReadOptions::default()).unwrap();
    assert!(!plain.synthetic);
    assert!(!survcalc_analysis::summary::summarise("synthetic.csv", &plain).synthetic);
    let declared = read_csv(
        text,
        &ReadOptions {
            synthetic: true,
            ..ReadOptions::default()
        },
    )
    .unwrap();
    assert!(declared.synthetic);
    assert!(survcalc_analysis::summary::summarise("data.csv", &declared).synthetic);
}
