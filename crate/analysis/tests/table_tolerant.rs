//! Tolerant reading with everything reported (issue 11, item 4; issue 10's
//! messages): non-numbers in number columns, thousands separators, decimal
//! commas inside quotes, event columns with three or more codes, values
//! that overflow, impossible dates, Unicode spaces, and files that are not
//! CSV. Each case is a small file written out in the test.

use survcalc_analysis::summary::summarise;
use survcalc_analysis::table::{
    detect_file_kind, read_csv, survival_input, CellProblem, ColumnData, ColumnKind, ColumnType,
    DecimalMark, FileKind, ReadOptions, SeparatorEvidence, SurvivalColumns, Table, TableError,
};
use survcalc_analysis::warning::{CellValue, Warning};

fn read(text: &str) -> Table {
    read_csv(text.as_bytes(), &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn read_with(text: &str, options: ReadOptions) -> Result<Table, TableError> {
    read_csv(text.as_bytes(), &options)
}

fn numbers(t: &Table, name: &str) -> Vec<Option<f64>> {
    match &t.column(name).unwrap().data {
        ColumnData::Number(v) => v.clone(),
        other => panic!(
            "{name} is not numeric: {other:?} ({})",
            t.column(name).unwrap().reason
        ),
    }
}

fn evidence(separator: &str, line: u64, value: &str) -> Option<SeparatorEvidence> {
    Some(SeparatorEvidence {
        separator: separator.into(),
        line,
        value: value.into(),
    })
}

/// 20 patients' ages, one of them "unknown" on file line 6.
fn ages_with_unknown() -> String {
    let mut text = String::from("id,age\n");
    for i in 1..=20 {
        let age = if i == 5 {
            "unknown".to_string()
        } else {
            format!("{}", 40 + i)
        };
        text.push_str(&format!("{i},{age}\n"));
    }
    text
}

#[test]
fn a_stray_word_in_a_number_column_is_listed_and_can_be_read_as_missing() {
    let text = ages_with_unknown();
    let t = read(&text);
    let age = t.column("age").unwrap();
    assert_ne!(
        age.kind,
        ColumnKind::Number,
        "never guessed: the user chooses"
    );
    let flagged = age.reading.non_numbers.as_ref().expect("flagged");
    assert_eq!(flagged.count, 1);
    assert!(!flagged.read_as_missing);
    assert_eq!(
        (flagged.cells[0].line, flagged.cells[0].value.as_str()),
        (6, "unknown")
    );
    assert_eq!(flagged.cells[0].problem, CellProblem::NotANumber);
    assert!(
        age.reason
            .starts_with("19 of 20 values are numbers, but line 6: \"unknown\" is not a number"),
        "{}",
        age.reason
    );
    // The summary carries the same typed facts for the page.
    let summary = serde_json::to_value(summarise("ages.csv", &t)).unwrap();
    let column = &summary["columns"][1];
    assert_eq!(column["reading"]["non_numbers"]["count"], 1);
    assert_eq!(column["reading"]["non_numbers"]["cells"][0]["line"], 6);
    assert_eq!(
        column["reading"]["non_numbers"]["cells"][0]["value"],
        "unknown"
    );
    assert_eq!(
        column["reading"]["non_numbers"]["cells"][0]["problem"],
        "not_a_number"
    );

    // Declared a number: an error naming the cell...
    let declared = ReadOptions {
        column_types: [("age".to_string(), ColumnType::Number)].into(),
        ..Default::default()
    };
    let err = read_with(&text, declared).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Column \"age\", line 6: \"unknown\" is not a number. Correct the file, or choose to read such values as missing."
    );
    // ...unless the user chose to read such cells as missing.
    let as_missing = ReadOptions {
        non_numbers_as_missing: vec!["age".into()],
        ..Default::default()
    };
    let t = read_with(&text, as_missing).unwrap();
    let values = numbers(&t, "age");
    assert_eq!(values[4], None);
    assert_eq!(values[0], Some(41.0));
    assert_eq!(values.iter().flatten().count(), 19);
    let age = t.column("age").unwrap();
    assert_eq!(age.n_missing, 1);
    assert!(age.reading.non_numbers.as_ref().unwrap().read_as_missing);
    assert_eq!(
        age.reason,
        "declared as numbers; 1 non-number read as missing, line 6: \"unknown\""
    );
    assert_eq!(
        t.warnings,
        [Warning::NonNumbersReadAsMissing {
            column: "age".into(),
            count: 1,
            cells: vec![CellValue {
                line: 6,
                value: "unknown".into()
            }]
        }]
    );
    // The option names real columns of number type only.
    let unknown = ReadOptions {
        non_numbers_as_missing: vec!["weight".into()],
        ..Default::default()
    };
    assert_eq!(
        read_with(&text, unknown).unwrap_err(),
        TableError::UnknownColumn {
            name: "weight".into(),
            nearest: None
        }
    );
    let conflict = ReadOptions {
        non_numbers_as_missing: vec!["age".into()],
        column_types: [("age".to_string(), ColumnType::Category)].into(),
        ..Default::default()
    };
    assert_eq!(
        read_with(&text, conflict).unwrap_err(),
        TableError::NonNumbersAsMissingNotNumber {
            column: "age".into()
        }
    );
}

#[test]
fn a_column_of_words_is_not_flagged() {
    // More than a fifth of the values are not numbers: text, not numbers with strays.
    let t = read("id,dose\n1,10\n2,high\n3,low\n4,12\n5,high\n");
    assert_eq!(t.column("dose").unwrap().reading.non_numbers, None);
}

#[test]
fn space_like_thousands_separators_are_read_with_their_evidence() {
    // Semicolon file: decimal comma; a space, a narrow no-break space.
    let t = read("id;afp\n1;1 250,3\n2;980\n3;12\u{202F}500\n4;7,5\n");
    assert_eq!(
        numbers(&t, "afp"),
        [Some(1250.3), Some(980.0), Some(12500.0), Some(7.5)]
    );
    let afp = t.column("afp").unwrap();
    assert_eq!(afp.reading.thousands_separator, evidence(" ", 2, "1 250,3"));
    assert_eq!(
        afp.reason,
        "all 4 non-missing values are numbers, with a space as thousands separator (line 2: \"1 250,3\")"
    );
    // Apostrophe (Swiss) with a decimal point.
    let t = read("id,afp\n1,1'250.3\n2,3\n3,2'000'000\n");
    assert_eq!(
        numbers(&t, "afp"),
        [Some(1250.3), Some(3.0), Some(2_000_000.0)]
    );
    assert_eq!(
        t.column("afp").unwrap().reading.thousands_separator,
        evidence("'", 2, "1'250.3")
    );
}

#[test]
fn the_other_mark_separates_thousands_only_with_evidence() {
    // "1,250.3" uses both marks: the comma can only group thousands.
    let t = read("id,afp\n1,\"1,250.3\"\n2,\"2,500\"\n3,12\n");
    assert_eq!(numbers(&t, "afp"), [Some(1250.3), Some(2500.0), Some(12.0)]);
    assert_eq!(
        t.column("afp").unwrap().reading.thousands_separator,
        evidence(",", 2, "1,250.3")
    );
    // Two separators in one value: also evidence.
    let t = read("id,afp\n1,\"2,500\"\n2,\"1,250,000\"\n");
    assert_eq!(numbers(&t, "afp"), [Some(2500.0), Some(1_250_000.0)]);
    assert_eq!(
        t.column("afp").unwrap().reading.thousands_separator,
        evidence(",", 3, "1,250,000")
    );

    // Only "1,250"-shaped values: 1250 or 1.25? Never guessed.
    let text = "id,afp\n1,\"1,250\"\n2,980\n3,\"2,500\"\n";
    let t = read(text);
    let afp = t.column("afp").unwrap();
    assert_ne!(afp.kind, ColumnKind::Number);
    assert_eq!(afp.reading.ambiguous_separator, evidence(",", 2, "1,250"));
    assert_eq!(afp.reading.non_numbers, None);
    assert!(afp.reason.contains("line 2: \"1,250\" could be a number with a comma as thousands separator or as decimal mark"), "{}", afp.reason);
    // The user settles it: declared a number, the comma groups thousands...
    let declared = ReadOptions {
        column_types: [("afp".to_string(), ColumnType::Number)].into(),
        ..Default::default()
    };
    let t = read_with(text, declared).unwrap();
    assert_eq!(
        numbers(&t, "afp"),
        [Some(1250.0), Some(980.0), Some(2500.0)]
    );
    assert_eq!(
        t.column("afp").unwrap().reading.thousands_separator,
        evidence(",", 2, "1,250")
    );
    // ...with decimal commas, it is the decimal mark.
    let comma = ReadOptions {
        decimal: DecimalMark::Comma,
        ..Default::default()
    };
    let t = read_with(text, comma).unwrap();
    assert_eq!(numbers(&t, "afp"), [Some(1.25), Some(980.0), Some(2.5)]);
    // A declared decimal point leaves the comma nothing but thousands.
    let point = ReadOptions {
        decimal: DecimalMark::Point,
        ..Default::default()
    };
    let t = read_with(text, point).unwrap();
    assert_eq!(
        numbers(&t, "afp"),
        [Some(1250.0), Some(980.0), Some(2500.0)]
    );
}

#[test]
fn quoted_decimal_commas_in_a_comma_separated_file_are_flagged_and_read_on_request() {
    // 40 distinct decimal values, quoted as Excel writes them: once silently
    // a 40-level category.
    let mut text = String::from("id,bili\n");
    let mut expected = Vec::new();
    for i in 0..40 {
        let (whole, tenth) = (i / 10, i % 10);
        text.push_str(&format!("{i},\"{whole},{tenth}5\"\n"));
        expected.push(Some(whole as f64 + (tenth as f64 * 10.0 + 5.0) / 100.0));
    }
    let t = read(&text);
    let bili = t.column("bili").unwrap();
    assert_ne!(bili.kind, ColumnKind::Number);
    assert_eq!(bili.reading.other_decimal_mark, evidence(",", 2, "0,05"));
    assert!(
        bili.reason.starts_with(
            "all 40 non-missing values are numbers if read with a comma as decimal mark"
        ),
        "{}",
        bili.reason
    );
    let summary = serde_json::to_value(summarise("bili.csv", &t)).unwrap();
    assert_eq!(
        summary["columns"][1]["reading"]["other_decimal_mark"]["separator"],
        ","
    );
    // Read again with decimal commas: numbers.
    let comma = ReadOptions {
        decimal: DecimalMark::Comma,
        ..Default::default()
    };
    let t = read_with(&text, comma).unwrap();
    let got = numbers(&t, "bili");
    for (g, e) in got.iter().zip(&expected) {
        assert!((g.unwrap() - e.unwrap()).abs() < 1e-12, "{g:?} {e:?}");
    }
    assert_eq!(
        numbers(&t, "id"),
        (0..40).map(|i| Some(i as f64)).collect::<Vec<_>>()
    );
}

#[test]
fn an_event_column_with_three_codes_is_flagged_and_its_events_not_guessed() {
    let t = read("time,status\n5,0\n8,1\n9,2\n12,1\n15,0\n");
    let summary = summarise("cr.csv", &t);
    let status = summary.columns.iter().find(|c| c.name == "status").unwrap();
    assert!(status.several_event_codes);
    assert_eq!(summary.suggestions.event.as_deref(), Some("status"));
    assert!(
        summary.suggestions.event_values.is_empty(),
        "{:?}",
        summary.suggestions.event_values
    );
    // Two codes: the usual suggestion, no flag.
    let t = read("time,status\n5,0\n8,1\n9,1\n");
    let summary = summarise("km.csv", &t);
    assert!(!summary.columns[1].several_event_codes);
    assert_eq!(summary.suggestions.event_values, ["1"]);
}

#[test]
fn a_value_that_overflows_is_reported_as_written() {
    let t = read("id,x\n1,1\n2,2\n3,1e309\n4,4\n5,5\n6,6\n");
    let x = t.column("x").unwrap();
    assert!(
        x.reason
            .contains("line 4: \"1e309\" is too large to be a number (beyond ±1.8e308)"),
        "{}",
        x.reason
    );
    let cell = &x.reading.non_numbers.as_ref().unwrap().cells[0];
    assert_eq!(
        (cell.value.as_str(), cell.problem),
        ("1e309", CellProblem::TooLarge)
    );
    let declared = ReadOptions {
        column_types: [("x".to_string(), ColumnType::Number)].into(),
        ..Default::default()
    };
    let err = read_with("id,x\n1,1\n2,1e309\n", declared).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Column \"x\", line 3: \"1e309\" is too large to be a number (beyond ±1.8e308). Correct the file, or choose to read such values as missing."
    );
    // Chosen as the follow-up time, the cell is still quoted as written.
    let t = read("time,status\n1e309,1\n5,0\n");
    let spec = SurvivalColumns {
        time: "time".into(),
        event: "status".into(),
        event_values: vec!["1".into()],
        ..Default::default()
    };
    let err = survival_input(&t, &spec).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Column \"time\", line 2: \"1e309\" is not a finite number."
    );
    // "inf" is a word, not a number.
    let t = read("id,x\n1,1\n2,inf\n3,3\n4,4\n5,5\n");
    let cell = &t
        .column("x")
        .unwrap()
        .reading
        .non_numbers
        .as_ref()
        .unwrap()
        .cells[0];
    assert_eq!(
        (cell.value.as_str(), cell.problem),
        ("inf", CellProblem::NotANumber)
    );
}

#[test]
fn an_impossible_date_is_a_stray_value_not_the_example_of_an_ambiguous_column() {
    let t = read("id,visit\n1,01/02/2021\n2,31/31/2020\n3,03/04/2021\n4,05/06/2021\n");
    let visit = t.column("visit").unwrap();
    assert!(visit.looks_like_dates);
    assert!(
        visit.reason.starts_with("looks like dates, but line 3: \"31/31/2020\" is no date as day/month/year or as month/day/year"),
        "{}",
        visit.reason
    );
    // An ambiguous column cites a date that fits both orders.
    let t = read("id,visit\n1,01/02/2021\n2,03/04/2021\n");
    let visit = t.column("visit").unwrap();
    assert_eq!(visit.kind, ColumnKind::AmbiguousDate);
    assert!(
        visit.reason.contains("(e.g. line 2: \"01/02/2021\")"),
        "{}",
        visit.reason
    );
    // With evidence of the order, an impossible date still names itself.
    let t = read("id,visit\n1,25/02/2021\n2,31/31/2020\n");
    assert!(t
        .column("visit")
        .unwrap()
        .reason
        .contains("line 3: \"31/31/2020\" is not a valid date (day/month/year)"));
}

#[test]
fn spaces_around_numbers_are_trimmed_unicode_ones_included() {
    let t = read("id,x\n1,\"102 \"\n2,102\u{A0}\n3,\u{202F}7\n4, 8\n");
    assert_eq!(
        numbers(&t, "x"),
        [Some(102.0), Some(102.0), Some(7.0), Some(8.0)]
    );
    // A category keeps its level without the no-break space.
    let t = read("id,arm\n1,A\u{A0}\n2,A\n3,B\n4,B\n");
    match &t.column("arm").unwrap().data {
        ColumnData::Category { levels, .. } => assert_eq!(levels, &["A", "B"]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn files_of_other_kinds_are_named() {
    let spss = b"$FL2@(#) IBM SPSS STATISTICS 64-bit Linux 27.0.0.0";
    assert_eq!(detect_file_kind(spss), FileKind::Spss);
    let err = read_csv(spss, &ReadOptions::default()).unwrap_err();
    assert_eq!(
        err,
        TableError::NotText {
            kind: FileKind::Spss
        }
    );
    assert!(
        err.to_string().starts_with("This file is an SPSS data file (.sav), not a CSV or text file. In SPSS: File > Export > CSV Data"),
        "{err}"
    );
    // Real files written by pyreadstat (tests/fixtures/sheets/README.md).
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/sheets");
    for (file, kind) in [
        ("patients.sav", FileKind::Spss),
        ("patients.dta", FileKind::Stata),
    ] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        assert_eq!(detect_file_kind(&bytes), kind, "{file}");
        assert_eq!(
            read_csv(&bytes, &ReadOptions::default()).unwrap_err(),
            TableError::NotText { kind }
        );
    }
    for (file, kind) in [
        ("workbook.xls", FileKind::Xls),
        ("workbook.ods", FileKind::Ods),
        ("workbook.xlsx", FileKind::Xlsx),
        ("password.xlsx", FileKind::EncryptedOffice),
    ] {
        assert_eq!(
            detect_file_kind(&std::fs::read(dir.join(file)).unwrap()),
            kind,
            "{file}"
        );
    }
    let pdf = read_csv(b"%PDF-1.4\n%...", &ReadOptions::default()).unwrap_err();
    assert!(
        pdf.to_string()
            .starts_with("This file is a PDF document, not a CSV or text file."),
        "{pdf}"
    );
    // A workbook given to the CSV reader: named, never read as garbled text.
    let xlsx = b"PK\x03\x04\x14\x00\x00\x00[Content_Types].xml....xl/workbook.xml";
    let err = read_csv(xlsx, &ReadOptions::default()).unwrap_err();
    assert_eq!(
        err,
        TableError::NotText {
            kind: FileKind::Xlsx
        }
    );
    assert!(
        err.to_string().contains("an Excel workbook (.xlsx)"),
        "{err}"
    );
}
