//! Every R reference CSV parses with the right row count, missing values
//! and types; the same data written with other delimiters, decimal marks,
//! line endings or a BOM gives the identical table.

// One copy of the fixtures loader and the tolerances, shared by every crate's tests.
#[path = "../../stats/tests/support/mod.rs"]
mod support;

use support::{data_file, reference_dir};
use survcalc_analysis::table::{read_csv, ColumnData, ColumnKind, ReadOptions, Table};

/// Text columns of the reference data and their levels in R's factor order
/// where R's order is alphabetical (veteran's and colon's R levels are not:
/// sorted levels then differ from R's, and the user picks the reference).
const CATEGORIES: &[(&str, &str, &[&str])] = &[
    ("01_aml", "x", &["Maintained", "Nonmaintained"]),
    (
        "03_veteran",
        "celltype",
        &["adeno", "large", "smallcell", "squamous"],
    ),
    ("06_infert", "education", &["0-5yrs", "6-11yrs", "12+ yrs"]),
    ("08_colon_baseline", "rx", &["Lev", "Lev+5FU", "Obs"]),
    ("11_mgus2_competing", "sex", &["F", "M"]),
];

fn all_reference_csvs() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(reference_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs.into_iter().filter(|d| d.is_dir()) {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "csv"))
        {
            out.push((
                dir.file_name().unwrap().to_string_lossy().into_owned(),
                f.file_name().unwrap().to_string_lossy().into_owned(),
            ));
        }
    }
    out
}

/// The reference files quote at most whole cells without commas or quotes
/// inside (R's `write.csv`): a plain split, then dropping the enclosing
/// quotes, is an independent reader. A cell it could misread fails the test.
fn naive_cells(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let cells = |line: &str| -> Vec<String> {
        line.split(',')
            .map(
                |c| match c.strip_prefix('"').and_then(|c| c.strip_suffix('"')) {
                    Some(inner) if !inner.contains('"') => inner.to_string(),
                    _ => {
                        assert!(!c.contains('"'), "a cell the naive reader cannot read: {c}");
                        c.to_string()
                    }
                },
            )
            .collect()
    };
    let mut lines = text.lines();
    let header = cells(lines.next().unwrap());
    let rows = lines.filter(|l| !l.is_empty()).map(cells).collect();
    (header, rows)
}

#[test]
fn every_reference_csv_parses_with_counts_and_types() {
    let files = all_reference_csvs();
    assert!(files.len() >= 11, "{files:?}");
    for (dataset, file) in files {
        let text = data_file(&dataset, &file);
        let t = read_csv(text.as_bytes(), &ReadOptions::default()).unwrap();
        let (header, rows) = naive_cells(&text);
        assert_eq!(t.column_names(), header, "{dataset}/{file}");
        assert_eq!(t.n_rows(), rows.len(), "{dataset}/{file}");
        assert_eq!(t.line_of(0), Some(2));
        assert_eq!(t.line_of(rows.len() - 1), Some(rows.len() as u64 + 1));
        for (j, column) in t.columns.iter().enumerate() {
            let cells: Vec<&str> = rows.iter().map(|r| r[j].as_str()).collect();
            let n_na = cells.iter().filter(|c| **c == "NA").count();
            assert_eq!(column.n_missing, n_na, "{dataset}/{file} {}", column.name);
            let category = CATEGORIES
                .iter()
                .find(|(d, c, _)| *d == dataset && *c == column.name);
            match (&column.data, category) {
                (ColumnData::Category { codes, levels }, Some((_, _, expected))) => {
                    assert_eq!(column.kind, ColumnKind::Category);
                    assert_eq!(levels, expected, "{dataset}/{file} {}", column.name);
                    for (code, cell) in codes.iter().zip(&cells) {
                        assert_eq!(levels[code.unwrap() as usize], *cell);
                    }
                }
                (ColumnData::Number(values), None) => {
                    assert_eq!(column.kind, ColumnKind::Number);
                    for (v, cell) in values.iter().zip(&cells) {
                        let expected = if *cell == "NA" {
                            None
                        } else {
                            Some(cell.parse::<f64>().unwrap())
                        };
                        assert_eq!(*v, expected, "{dataset}/{file} {}", column.name);
                    }
                }
                _ => panic!(
                    "{dataset}/{file} {}: unexpected {:?} ({})",
                    column.name, column.kind, column.reason
                ),
            }
        }
    }
}

#[test]
fn lung_has_missing_values_where_r_has_na() {
    let t = read_csv(
        data_file("02_lung", "data.csv").as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(t.n_rows(), 228);
    // survival::lung: NAs in inst (1), ph.ecog (1), ph.karno (1), pat.karno (3),
    // meal.cal (47), wt.loss (14); counted independently in the test above.
    let missing: Vec<(&str, usize)> = t
        .columns
        .iter()
        .filter(|c| c.n_missing > 0)
        .map(|c| (c.name.as_str(), c.n_missing))
        .collect();
    assert_eq!(
        missing,
        [
            ("inst", 1),
            ("ph.ecog", 1),
            ("ph.karno", 1),
            ("pat.karno", 3),
            ("meal.cal", 47),
            ("wt.loss", 14)
        ]
    );
    let veteran = read_csv(
        data_file("03_veteran", "data.csv").as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(
        veteran.column("celltype").unwrap().kind,
        ColumnKind::Category
    );
    assert_eq!(veteran.column("trt").unwrap().kind, ColumnKind::Number);
}

/// Rewrites comma-separated, unquoted, point-decimal text.
fn rewrite(text: &str, delimiter: &str, decimal_comma: bool, newline: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let cells: Vec<String> = line
            .split(',')
            .map(|c| {
                if decimal_comma && c.parse::<f64>().is_ok() {
                    c.replace('.', ",")
                } else {
                    c.to_string()
                }
            })
            .collect();
        out.push_str(&cells.join(delimiter));
        out.push_str(newline);
    }
    out
}

fn assert_same_table(a: &Table, b: &Table, what: &str) {
    assert_eq!(a.columns, b.columns, "{what}");
    assert_eq!(a.lines, b.lines, "{what}");
}

#[test]
fn delimiter_decimal_mark_line_ending_and_bom_do_not_change_the_table() {
    for dataset in ["02_lung", "05_heart", "08_colon_baseline"] {
        let text = data_file(dataset, "data.csv");
        let base = read_csv(text.as_bytes(), &ReadOptions::default()).unwrap();
        let semicolon = read_csv(
            rewrite(&text, ";", true, "\n").as_bytes(),
            &ReadOptions::default(),
        )
        .unwrap();
        assert_eq!((semicolon.delimiter, semicolon.decimal_comma), (';', true));
        assert_same_table(&base, &semicolon, dataset);
        let tab = read_csv(
            rewrite(&text, "\t", false, "\r\n").as_bytes(),
            &ReadOptions::default(),
        )
        .unwrap();
        assert_eq!(tab.delimiter, '\t');
        assert_same_table(&base, &tab, dataset);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(rewrite(&text, ",", false, "\r\n").as_bytes());
        assert_same_table(
            &base,
            &read_csv(&bom, &ReadOptions::default()).unwrap(),
            dataset,
        );
    }
}

#[test]
fn fixture_written_three_ways_reads_identically() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/csv");
    let read = |name: &str| {
        read_csv(
            &std::fs::read(dir.join(name)).unwrap(),
            &ReadOptions::default(),
        )
        .unwrap()
    };
    let comma = read("same_comma.csv");
    let semicolon = read("same_semicolon.csv");
    let tab = read("same_tab.tsv");
    assert_same_table(&comma, &semicolon, "semicolon");
    assert_same_table(&comma, &tab, "tab");
    let kinds: Vec<ColumnKind> = comma.columns.iter().map(|c| c.kind).collect();
    use survcalc_analysis::table::DateOrder::DayMonthYear;
    assert_eq!(
        kinds,
        [
            ColumnKind::Text,
            ColumnKind::Number,
            ColumnKind::Number,
            ColumnKind::Category,
            ColumnKind::Number,
            ColumnKind::Date(DayMonthYear),
            ColumnKind::Text
        ]
    );
}

/// Shuffling rows permutes every column and its lines, nothing else.
#[test]
fn shuffling_rows_permutes_the_table() {
    let text = data_file("03_veteran", "data.csv");
    let (header, rows) = naive_cells(&text);
    // A fixed permutation (multiplicative, 137 is prime).
    let n = rows.len();
    let perm: Vec<usize> = (0..n).map(|i| (i * 29 + 7) % n).collect();
    let mut shuffled = header.join(",") + "\n";
    for &p in &perm {
        shuffled.push_str(&rows[p].join(","));
        shuffled.push('\n');
    }
    let a = read_csv(text.as_bytes(), &ReadOptions::default()).unwrap();
    let b = read_csv(shuffled.as_bytes(), &ReadOptions::default()).unwrap();
    for (ca, cb) in a.columns.iter().zip(&b.columns) {
        assert_eq!(ca.kind, cb.kind);
        for (i, &p) in perm.iter().enumerate() {
            assert_eq!(
                ca.data.display(p),
                cb.data.display(i),
                "{} row {i}",
                ca.name
            );
        }
    }
}
