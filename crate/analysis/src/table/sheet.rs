//! A spreadsheet's cells -> [`Table`], by the same column rules as a CSV
//! file (see the module doc of `table`). The cells come from
//! survcalc-sheets (calamine), already plain: empty, a number, or text
//! (dates as ISO text, "2021-03-15"); a row's "line" is its row number in
//! the sheet, so every message points at a row the user can find.
//!
//! The header is the first row with a value. What a spreadsheet adds to
//! the CSV rules is its layouts that are not one table: a title above the
//! table, a header cell merged across columns, two header rows (group
//! names above the names, or units under them), and an empty sheet, each
//! an error saying what to change.

use super::csv::{cell_rules, column_builders, finish_table};
use super::infer::{CellRules, ColumnBuilder};
use super::number::{number_text, parse_number, trim_cell};
use super::{DecimalMark, ReadOptions, Table, TableError};
use serde::{Deserialize, Serialize};

/// One sheet as survcalc-sheets returns it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SheetData {
    /// The sheet's name.
    pub sheet: String,
    /// Rows with at least one value, in order.
    pub rows: Vec<SheetRow>,
    /// Merged cell ranges (xlsx and xls; OpenDocument's are not reported).
    pub merged: Vec<SheetMerge>,
}

/// One row: its 1-based row number and its cells from column A on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SheetRow {
    pub row: u64,
    pub cells: Vec<Option<SheetCell>>,
}

/// A non-empty cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SheetCell {
    Number(f64),
    Text(String),
}

/// A merged range, 1-based rows and columns, inclusive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SheetMerge {
    pub first_row: u64,
    pub last_row: u64,
    pub first_column: usize,
    pub last_column: usize,
}

/// Column letters as a spreadsheet shows them (1 = A, 27 = AA).
fn column_letters(mut column: usize) -> String {
    let mut letters = Vec::new();
    while column > 0 {
        let rem = (column - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        column = (column - 1) / 26;
    }
    letters.iter().rev().collect()
}

fn cell_text(cell: &Option<SheetCell>) -> String {
    match cell {
        None => String::new(),
        Some(SheetCell::Number(x)) => number_text(*x, false),
        Some(SheetCell::Text(t)) => String::from_utf8_lossy(trim_cell(t.as_bytes())).into_owned(),
    }
}

fn is_blank(cell: &Option<SheetCell>) -> bool {
    match cell {
        None => true,
        Some(SheetCell::Number(_)) => false,
        Some(SheetCell::Text(t)) => trim_cell(t.as_bytes()).is_empty(),
    }
}

/// A text cell that is not a number or a date: a name, a unit.
fn is_label(cell: &Option<SheetCell>) -> bool {
    match cell {
        Some(SheetCell::Text(t)) => {
            let v = trim_cell(t.as_bytes());
            !v.is_empty() && parse_number(v, false).is_none() && parse_number(v, true).is_none()
        }
        _ => false,
    }
}

/// Reads one sheet (see the module doc). The delimiter option does not
/// apply; `decimal` applies to text cells only (number cells are numbers).
pub fn read_sheet(data: &SheetData, options: &ReadOptions) -> Result<Table, TableError> {
    // A table that starts in column B or later: the empty columns before it
    // are no part of it.
    let offset = data
        .rows
        .iter()
        .filter_map(|r| r.cells.iter().position(|c| !is_blank(c)))
        .min()
        .unwrap_or(0);
    let shifted;
    let data = if offset == 0 {
        data
    } else {
        shifted = SheetData {
            sheet: data.sheet.clone(),
            rows: data
                .rows
                .iter()
                .map(|r| SheetRow {
                    row: r.row,
                    cells: r.cells.get(offset..).unwrap_or(&[]).to_vec(),
                })
                .collect(),
            merged: data
                .merged
                .iter()
                .filter(|m| m.last_column > offset)
                .map(|m| SheetMerge {
                    first_column: m.first_column.saturating_sub(offset).max(1),
                    last_column: m.last_column - offset,
                    ..*m
                })
                .collect(),
        };
        &shifted
    };
    let letters = |column: usize| column_letters(column + offset);
    let sheet = data.sheet.clone();
    let mut rows = data.rows.iter().filter(|r| !r.cells.iter().all(is_blank));
    let header = rows.next().ok_or_else(|| TableError::EmptySheet {
        sheet: sheet.clone(),
    })?;
    let body: Vec<&SheetRow> = rows.collect();
    let width = header
        .cells
        .iter()
        .rposition(|c| !is_blank(c))
        .map_or(0, |i| i + 1);
    let names: Vec<String> = header.cells.iter().take(width).map(cell_text).collect();
    check_header(data, header, body.first().copied(), &names, offset)?;
    check_second_header_row(&sheet, header, &body, width)?;

    let decimal_comma = options.decimal == DecimalMark::Comma;
    let rules = cell_rules(options, decimal_comma);
    let mut builders = column_builders(&names, options, body.len())?;
    let mut lines = Vec::with_capacity(body.len());
    for row in &body {
        if let Some((i, extra)) = row
            .cells
            .iter()
            .enumerate()
            .skip(width)
            .find(|(_, c)| !is_blank(c))
        {
            return Err(TableError::ValueBeyondHeader {
                sheet,
                cell: format!("{}{}", letters(i + 1), row.row),
                value: cell_text(extra),
                last_named: letters(width),
            });
        }
        push_row(&mut builders, row, &rules, false)?;
        lines.push(row.row);
    }
    if lines.is_empty() {
        return Err(TableError::NoDataRows {
            header_line: header.row,
        });
    }
    let reread = builders
        .iter()
        .map(ColumnBuilder::prefix_rows)
        .max()
        .unwrap_or(0);
    for row in body.iter().take(reread) {
        push_row(&mut builders, row, &rules, true)?;
    }
    let table = finish_table(builders, lines, header.row, &rules, options, Vec::new())?;
    Ok(Table {
        sheet: Some(sheet),
        ..table
    })
}

fn push_row(
    builders: &mut [ColumnBuilder],
    row: &SheetRow,
    rules: &CellRules,
    prefix: bool,
) -> Result<(), TableError> {
    for (i, builder) in builders.iter_mut().enumerate() {
        let line = row.row;
        match (row.cells.get(i).cloned().flatten(), prefix) {
            (None, false) => builder.push(b"", line, rules)?,
            (None, true) => builder.push_prefix(b"", line, rules)?,
            (Some(SheetCell::Number(x)), false) => builder.push_number(x, line, rules)?,
            (Some(SheetCell::Number(x)), true) => builder.push_prefix_number(x, line, rules)?,
            (Some(SheetCell::Text(t)), false) => builder.push(t.as_bytes(), line, rules)?,
            (Some(SheetCell::Text(t)), true) => builder.push_prefix(t.as_bytes(), line, rules)?,
        }
    }
    Ok(())
}

/// Empty header cells: under a merged cell, above a second header row, or
/// simply unnamed (the CSV rule's message).
fn check_header(
    data: &SheetData,
    header: &SheetRow,
    next: Option<&SheetRow>,
    names: &[String],
    offset: usize,
) -> Result<(), TableError> {
    let letters = |column: usize| column_letters(column + offset);
    let sheet = &data.sheet;
    // One value over a row of names below it: a title, not a header.
    let next_names = next.map_or(0, |r| r.cells.iter().filter(|c| is_label(c)).count());
    if names.len() == 1 && next_names >= 2 {
        let value = names.first().cloned().unwrap_or_default();
        return Err(TableError::TitleRow {
            sheet: sheet.clone(),
            row: header.row,
            value,
        });
    }
    for merge in &data.merged {
        let on_header = merge.first_row <= header.row && header.row <= merge.last_row;
        if !on_header || merge.first_column > names.len() {
            continue;
        }
        let value = header
            .cells
            .get(merge.first_column.saturating_sub(1))
            .map(cell_text)
            .unwrap_or_default();
        if merge.last_row > merge.first_row {
            // A name merged down over two rows: the rows below it are a
            // second header row for the other columns.
            let second_row = next.map_or(merge.last_row, |r| r.row);
            let example = next
                .and_then(|r| r.cells.iter().find(|c| is_label(c)).map(cell_text))
                .unwrap_or_else(|| value.clone());
            return Err(TableError::TwoHeaderRows {
                sheet: sheet.clone(),
                first_row: header.row,
                second_row,
                example,
            });
        }
        if merge.last_column > merge.first_column {
            let cells = format!(
                "{}{}:{}{}",
                letters(merge.first_column),
                merge.first_row,
                letters(merge.last_column),
                merge.last_row
            );
            return Err(TableError::MergedHeaderCell {
                sheet: sheet.clone(),
                cells,
                value,
            });
        }
    }
    if let Some(empty) = names.iter().position(String::is_empty) {
        // Names over groups of columns (empty cells between them) and a
        // full row of names below: two header rows.
        if let Some(next) = next {
            let below = next.cells.get(empty);
            if is_label(below.unwrap_or(&None))
                && next
                    .cells
                    .iter()
                    .take(names.len())
                    .all(|c| is_blank(c) || is_label(c))
            {
                return Err(TableError::TwoHeaderRows {
                    sheet: sheet.clone(),
                    first_row: header.row,
                    second_row: next.row,
                    example: below.map(cell_text).unwrap_or_default(),
                });
            }
        }
        return Err(TableError::EmptySheetHeaderCell {
            sheet: sheet.clone(),
            cell: format!("{}{}", letters(empty + 1), header.row),
        });
    }
    Ok(())
}

/// Units or labels under the names: a first data row of text over columns
/// whose other values are all numbers.
fn check_second_header_row(
    sheet: &str,
    header: &SheetRow,
    body: &[&SheetRow],
    width: usize,
) -> Result<(), TableError> {
    let Some((first, rest)) = body.split_first() else {
        return Ok(());
    };
    if rest.is_empty()
        || !first
            .cells
            .iter()
            .take(width)
            .all(|c| is_blank(c) || is_label(c))
    {
        return Ok(());
    }
    let numeric_below = |i: usize| {
        let mut numbers = 0;
        for row in rest {
            match row.cells.get(i).cloned().flatten() {
                None => {}
                Some(SheetCell::Number(_)) => numbers += 1,
                Some(SheetCell::Text(t))
                    if parse_number(trim_cell(t.as_bytes()), false).is_some() =>
                {
                    numbers += 1
                }
                Some(SheetCell::Text(t)) if trim_cell(t.as_bytes()).is_empty() => {}
                Some(_) => return false,
            }
        }
        numbers > 0
    };
    let labelled: Vec<usize> = (0..width)
        .filter(|&i| is_label(first.cells.get(i).unwrap_or(&None)) && numeric_below(i))
        .collect();
    if labelled.len() >= 2 {
        let example = labelled
            .first()
            .and_then(|&i| first.cells.get(i))
            .map(cell_text)
            .unwrap_or_default();
        return Err(TableError::TwoHeaderRows {
            sheet: sheet.to_string(),
            first_row: header.row,
            second_row: first.row,
            example,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(row: u64, cells: &[&str]) -> SheetRow {
        let cells = cells
            .iter()
            .map(|c| match c.parse::<f64>() {
                _ if c.is_empty() => None,
                Ok(x) => Some(SheetCell::Number(x)),
                Err(_) => Some(SheetCell::Text(c.to_string())),
            })
            .collect();
        SheetRow { row, cells }
    }

    #[test]
    fn a_title_above_the_table_is_named() {
        let data = SheetData {
            sheet: "Data".into(),
            rows: vec![
                row(1, &["Cohort 2021"]),
                row(3, &["id", "age", "sex"]),
                row(4, &["1", "61", "F"]),
            ],
            merged: vec![SheetMerge {
                first_row: 1,
                last_row: 1,
                first_column: 1,
                last_column: 3,
            }],
        };
        let err = read_sheet(&data, &ReadOptions::default()).unwrap_err();
        assert_eq!(
            err,
            TableError::TitleRow {
                sheet: "Data".into(),
                row: 1,
                value: "Cohort 2021".into()
            }
        );
        // Without the merge too.
        let data = SheetData {
            merged: Vec::new(),
            ..data
        };
        assert!(matches!(
            read_sheet(&data, &ReadOptions::default()),
            Err(TableError::TitleRow { row: 1, .. })
        ));
    }

    #[test]
    fn rows_keep_their_sheet_row_numbers() {
        let data = SheetData {
            sheet: "S".into(),
            rows: vec![
                row(2, &["", "time", "status"]),
                row(3, &["", "5", "1"]),
                row(7, &["", "8", "0"]),
            ],
            merged: Vec::new(),
        };
        // Column A is empty: the table starts at B.
        let t = read_sheet(&data, &ReadOptions::default()).unwrap();
        assert_eq!(t.column_names(), ["time", "status"]);
        assert_eq!(t.lines, [3, 7]);
        let data = SheetData {
            rows: vec![
                row(2, &["time", "status"]),
                row(3, &["5", "1"]),
                row(7, &["8", "0"]),
                row(8, &["9", "1", "x"]),
            ],
            ..data
        };
        let err = read_sheet(&data, &ReadOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Sheet \"S\": cell C8 (\"x\") is to the right of the last named column (B). Name its column in the header row, or delete the value."
        );
        let gap = SheetData {
            rows: vec![
                row(1, &["", "time", "", "status"]),
                row(2, &["", "5", "", "1"]),
            ],
            ..data.clone()
        };
        assert_eq!(
            read_sheet(&gap, &ReadOptions::default()).unwrap_err().to_string(),
            "Sheet \"S\": header cell C1 is empty. Give every column a name in the header row, or delete the empty column."
        );
        let data = SheetData {
            rows: data.rows[..3].to_vec(),
            ..data
        };
        let t = read_sheet(&data, &ReadOptions::default()).unwrap();
        assert_eq!(t.lines, [3, 7]);
        assert_eq!(t.header_line, 2);
    }

    #[test]
    fn letters() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(703), "AAA");
    }
}
