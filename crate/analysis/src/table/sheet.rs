//! A spreadsheet's cells -> [`Table`], by the same column rules as a CSV
//! file (see the module doc of `table`). The cells come from
//! survcalc-sheets (calamine), already plain: empty, a number, or text
//! (dates as ISO text, "2021-03-15"); a row's "line" is its row number in
//! the sheet, so every message points at a row the user can find.
//!
//! The header is the first row with a value. What a spreadsheet adds to
//! the CSV rules is its layouts that are not one table: a header cell
//! merged across columns, two header rows (group names above the names,
//! or units under them), and an empty sheet, each an error saying what to
//! change.

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
            !v.is_empty()
                && parse_number(v, false).is_none()
                && parse_number(v, true).is_none()
                && !v.first().is_some_and(u8::is_ascii_digit)
        }
        _ => false,
    }
}

/// Reads one sheet (see the module doc). The delimiter option does not
/// apply; `decimal` applies to text cells only (number cells are numbers).
pub fn read_sheet(data: &SheetData, options: &ReadOptions) -> Result<Table, TableError> {
    let sheet = data.sheet.clone();
    let mut rows = data.rows.iter().filter(|r| !r.cells.iter().all(is_blank));
    let header = rows.next().ok_or_else(|| TableError::EmptySheet { sheet: sheet.clone() })?;
    let body: Vec<&SheetRow> = rows.collect();
    let width = header.cells.iter().rposition(|c| !is_blank(c)).map_or(0, |i| i + 1);
    let names: Vec<String> = header.cells.iter().take(width).map(cell_text).collect();
    check_header(data, header, body.first().copied(), &names)?;
    check_second_header_row(&sheet, header, &body, width)?;

    let decimal_comma = options.decimal == DecimalMark::Comma;
    let rules = cell_rules(options, decimal_comma);
    let mut builders = column_builders(&names, options, body.len())?;
    let mut lines = Vec::with_capacity(body.len());
    for row in &body {
        if let Some((i, extra)) = row.cells.iter().enumerate().skip(width).find(|(_, c)| !is_blank(c)) {
            return Err(TableError::RaggedRow {
                line: row.row,
                last_line: row.row,
                expected: width,
                found: i + 1,
                extra_value: Some(format!("{} (cell {}{})", cell_text(extra), column_letters(i + 1), row.row)),
            });
        }
        push_row(&mut builders, row, &rules, false)?;
        lines.push(row.row);
    }
    if lines.is_empty() {
        return Err(TableError::NoDataRows { header_line: header.row });
    }
    let reread = builders.iter().map(ColumnBuilder::prefix_rows).max().unwrap_or(0);
    for row in body.iter().take(reread) {
        push_row(&mut builders, row, &rules, true)?;
    }
    let table = finish_table(builders, lines, header.row, &rules, options, Vec::new())?;
    Ok(Table { sheet: Some(sheet), ..table })
}

fn push_row(builders: &mut [ColumnBuilder], row: &SheetRow, rules: &CellRules, prefix: bool) -> Result<(), TableError> {
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
fn check_header(data: &SheetData, header: &SheetRow, next: Option<&SheetRow>, names: &[String]) -> Result<(), TableError> {
    let sheet = &data.sheet;
    for merge in &data.merged {
        let on_header = merge.first_row <= header.row && header.row <= merge.last_row;
        if !on_header || merge.first_column > names.len() {
            continue;
        }
        let value = header.cells.get(merge.first_column.saturating_sub(1)).map(cell_text).unwrap_or_default();
        if merge.last_row > merge.first_row {
            // A name merged down over two rows: the rows below it are a
            // second header row for the other columns.
            let second_row = next.map_or(merge.last_row, |r| r.row);
            let example = next
                .and_then(|r| r.cells.iter().find(|c| is_label(c)).map(cell_text))
                .unwrap_or_else(|| value.clone());
            return Err(TableError::TwoHeaderRows { sheet: sheet.clone(), first_row: header.row, second_row, example });
        }
        if merge.last_column > merge.first_column {
            let cells = format!(
                "{}{}:{}{}",
                column_letters(merge.first_column),
                merge.first_row,
                column_letters(merge.last_column),
                merge.last_row
            );
            return Err(TableError::MergedHeaderCell { sheet: sheet.clone(), cells, value });
        }
    }
    if let Some(empty) = names.iter().position(String::is_empty) {
        // Names over groups of columns (empty cells between them) and a
        // full row of names below: two header rows.
        if let Some(next) = next {
            let below = next.cells.get(empty);
            if is_label(below.unwrap_or(&None)) && next.cells.iter().take(names.len()).all(|c| is_blank(c) || is_label(c)) {
                return Err(TableError::TwoHeaderRows {
                    sheet: sheet.clone(),
                    first_row: header.row,
                    second_row: next.row,
                    example: below.map(cell_text).unwrap_or_default(),
                });
            }
        }
        return Err(TableError::EmptyHeaderName { column_number: empty + 1, line: header.row });
    }
    Ok(())
}

/// Units or labels under the names: a first data row of text over columns
/// whose other values are all numbers.
fn check_second_header_row(sheet: &str, header: &SheetRow, body: &[&SheetRow], width: usize) -> Result<(), TableError> {
    let Some((first, rest)) = body.split_first() else { return Ok(()) };
    if rest.is_empty() || !first.cells.iter().take(width).all(|c| is_blank(c) || is_label(c)) {
        return Ok(());
    }
    let numeric_below = |i: usize| {
        let mut numbers = 0;
        for row in rest {
            match row.cells.get(i).cloned().flatten() {
                None => {}
                Some(SheetCell::Number(_)) => numbers += 1,
                Some(SheetCell::Text(t)) if parse_number(trim_cell(t.as_bytes()), false).is_some() => numbers += 1,
                Some(SheetCell::Text(t)) if trim_cell(t.as_bytes()).is_empty() => {}
                Some(_) => return false,
            }
        }
        numbers > 0
    };
    let labelled: Vec<usize> = (0..width).filter(|&i| is_label(first.cells.get(i).unwrap_or(&None)) && numeric_below(i)).collect();
    if labelled.len() >= 2 {
        let example = labelled.first().and_then(|&i| first.cells.get(i)).map(cell_text).unwrap_or_default();
        return Err(TableError::TwoHeaderRows { sheet: sheet.to_string(), first_row: header.row, second_row: first.row, example });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(703), "AAA");
    }
}
