//! Spreadsheets -> plain cells: `.xlsx`/`.xlsm`, `.xlsb`, `.xls` and
//! `.ods` through calamine (pure Rust, maintained; <https://docs.rs/calamine>),
//! for survcalc-analysis's `read_sheet`, which reads them into the same
//! typed table as a CSV file. Built as its own wasm package
//! (www/pkg-sheets), which the page loads only when a workbook is dropped,
//! so CSV users never download it.
//!
//! A cell becomes empty (`null`), a number, or text. Excel stores dates as
//! day numbers with a date format; they leave here as ISO dates
//! ("2021-03-15", plus the time when it is not midnight), in the workbook's
//! own date system (1900 or 1904), so a date is never read as 44270.
//! Booleans become "TRUE"/"FALSE" and error cells their code ("#N/A"), so
//! that the table reader reports them like any other stray value. A row's
//! number is its row in the sheet (1-based), the "line" of every message.

mod binding;

use calamine::{Data, Dimensions, Ods, Range, Reader, Xls, Xlsb, Xlsx};
use serde::Serialize;
use std::fmt;
use std::io::Cursor;

/// One sheet's cells, as survcalc-analysis's `SheetData` reads them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sheet {
    pub sheet: String,
    /// Rows with at least one value.
    pub rows: Vec<Row>,
    /// Merged ranges, 1-based (xlsx and xls report them).
    pub merged: Vec<Merge>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// 1-based row number in the sheet.
    pub row: u64,
    /// Cells from column A on; `None` for an empty cell.
    pub cells: Vec<Option<Cell>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Number(f64),
    Text(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Merge {
    pub first_row: u64,
    pub last_row: u64,
    pub first_column: usize,
    pub last_column: usize,
}

/// The spreadsheet formats read here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

impl Format {
    fn label(self) -> &'static str {
        match self {
            Format::Xlsx => "Excel workbook (.xlsx)",
            Format::Xlsb => "Excel binary workbook (.xlsb)",
            Format::Xls => "Excel 97–2003 workbook (.xls)",
            Format::Ods => "OpenDocument spreadsheet (.ods)",
        }
    }
}

/// Why a workbook could not be read; each message says what to do.
#[derive(Debug, Clone, PartialEq)]
pub enum SheetError {
    /// Not a spreadsheet this reader knows.
    NotASpreadsheet,
    /// Encrypted with a password (calamine reports it; an encrypted .xlsx
    /// is an OLE2 container holding an "EncryptedPackage").
    PasswordProtected,
    NoSheets {
        format: Format,
    },
    NoSuchSheet {
        name: String,
        sheets: Vec<String>,
    },
    /// calamine could not read the file or the sheet.
    Damaged {
        format: Format,
        detail: String,
    },
}

impl fmt::Display for SheetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SheetError::NotASpreadsheet => write!(
                f,
                "This file is not a spreadsheet that survcalc can read (.xlsx, .xlsm, .xlsb, .xls or .ods). Save the data as .xlsx or CSV."
            ),
            SheetError::PasswordProtected => write!(
                f,
                "This workbook is protected by a password, so its cells cannot be read. Open it in Excel with the password and save a copy without one (File > Info > Protect Workbook > Encrypt with Password: clear it), or save the sheet as CSV."
            ),
            SheetError::NoSheets { format } => write!(f, "This {} has no worksheet.", format.label()),
            SheetError::NoSuchSheet { name, sheets } => write!(
                f,
                "The workbook has no sheet named \"{name}\". Its sheets: {}.",
                sheets.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ")
            ),
            SheetError::Damaged { format, detail } => write!(
                f,
                "This {} could not be read ({detail}). It may be damaged or written by an unusual program: open it in Excel or LibreOffice and save it again, or save the sheet as CSV.",
                format.label()
            ),
        }
    }
}

impl std::error::Error for SheetError {}

const OLE2: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The format from the bytes (the same signatures as survcalc-analysis's
/// `detect_file_kind`, which names every other kind of file).
pub fn detect_format(bytes: &[u8]) -> Result<Format, SheetError> {
    if bytes.starts_with(b"PK\x03\x04") {
        let head = bytes.get(30..120).unwrap_or(&[]);
        if contains(head, b"application/vnd.oasis.opendocument.spreadsheet") {
            Ok(Format::Ods)
        } else if contains(bytes, b"xl/workbook.bin") {
            Ok(Format::Xlsb)
        } else if contains(bytes, b"xl/workbook.xml") {
            Ok(Format::Xlsx)
        } else if contains(bytes, b"content.xml") {
            Ok(Format::Ods)
        } else {
            Err(SheetError::NotASpreadsheet)
        }
    } else if bytes.starts_with(OLE2) {
        let encrypted: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        if contains(bytes, &encrypted) {
            Err(SheetError::PasswordProtected)
        } else {
            Ok(Format::Xls)
        }
    } else {
        Err(SheetError::NotASpreadsheet)
    }
}

/// An open workbook of any of the formats.
enum Workbook<'a> {
    Xlsx(Xlsx<Cursor<&'a [u8]>>),
    Xlsb(Xlsb<Cursor<&'a [u8]>>),
    Xls(Xls<Cursor<&'a [u8]>>),
    Ods(Ods<Cursor<&'a [u8]>>),
}

fn damaged(format: Format, error: impl fmt::Display) -> SheetError {
    let detail = error.to_string();
    if detail.to_lowercase().contains("password") {
        SheetError::PasswordProtected
    } else {
        SheetError::Damaged { format, detail }
    }
}

impl<'a> Workbook<'a> {
    fn open(bytes: &'a [u8]) -> Result<(Self, Format), SheetError> {
        let format = detect_format(bytes)?;
        let cursor = Cursor::new(bytes);
        let book = match format {
            Format::Xlsx => Workbook::Xlsx(Xlsx::new(cursor).map_err(|e| damaged(format, e))?),
            Format::Xlsb => Workbook::Xlsb(Xlsb::new(cursor).map_err(|e| damaged(format, e))?),
            Format::Xls => Workbook::Xls(Xls::new(cursor).map_err(|e| damaged(format, e))?),
            Format::Ods => Workbook::Ods(Ods::new(cursor).map_err(|e| damaged(format, e))?),
        };
        Ok((book, format))
    }

    fn sheet_names(&self) -> Vec<String> {
        match self {
            Workbook::Xlsx(b) => b.sheet_names(),
            Workbook::Xlsb(b) => b.sheet_names(),
            Workbook::Xls(b) => b.sheet_names(),
            Workbook::Ods(b) => b.sheet_names(),
        }
    }

    fn range(&mut self, name: &str, format: Format) -> Result<Range<Data>, SheetError> {
        match self {
            Workbook::Xlsx(b) => b.worksheet_range(name).map_err(|e| damaged(format, e)),
            Workbook::Xlsb(b) => b.worksheet_range(name).map_err(|e| damaged(format, e)),
            Workbook::Xls(b) => b.worksheet_range(name).map_err(|e| damaged(format, e)),
            Workbook::Ods(b) => b.worksheet_range(name).map_err(|e| damaged(format, e)),
        }
    }

    fn merged(&mut self, name: &str) -> Vec<Dimensions> {
        match self {
            Workbook::Xlsx(b) => b
                .worksheet_merge_cells(name)
                .and_then(Result::ok)
                .unwrap_or_default(),
            Workbook::Xls(b) => b.worksheet_merge_cells(name).unwrap_or_default(),
            Workbook::Xlsb(_) | Workbook::Ods(_) => Vec::new(),
        }
    }
}

/// The names of the workbook's sheets, in workbook order.
pub fn sheet_names(bytes: &[u8]) -> Result<Vec<String>, SheetError> {
    let (book, _) = Workbook::open(bytes)?;
    Ok(book.sheet_names())
}

/// The cells of the sheet named `name` (the first sheet when `None`).
pub fn read_sheet(bytes: &[u8], name: Option<&str>) -> Result<Sheet, SheetError> {
    let (mut book, format) = Workbook::open(bytes)?;
    let sheets = book.sheet_names();
    let name = match name {
        Some(n) if sheets.iter().any(|s| s == n) => n.to_string(),
        Some(n) => {
            return Err(SheetError::NoSuchSheet {
                name: n.to_string(),
                sheets,
            })
        }
        None => sheets
            .first()
            .cloned()
            .ok_or(SheetError::NoSheets { format })?,
    };
    let range = book.range(&name, format)?;
    let merged = book
        .merged(&name)
        .iter()
        .map(|d| Merge {
            first_row: u64::from(d.start.0) + 1,
            last_row: u64::from(d.end.0) + 1,
            first_column: d.start.1 as usize + 1,
            last_column: d.end.1 as usize + 1,
        })
        .collect();
    Ok(Sheet {
        sheet: name,
        rows: rows(&range),
        merged,
    })
}

fn rows(range: &Range<Data>) -> Vec<Row> {
    let Some((first_row, first_column)) = range.start() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        // Cells from column A, so that a cell's index is its column.
        let mut row: Vec<Option<Cell>> = vec![None; first_column as usize];
        row.extend(cells.iter().map(cell));
        while row.last().is_some_and(Option::is_none) {
            row.pop();
        }
        if !row.is_empty() {
            out.push(Row {
                row: u64::from(first_row) + i as u64 + 1,
                cells: row,
            });
        }
    }
    out
}

/// One cell as plain data (see the module doc).
fn cell(data: &Data) -> Option<Cell> {
    match data {
        Data::Empty => None,
        Data::Int(i) => Some(Cell::Number(*i as f64)),
        Data::Float(x) if x.is_finite() => Some(Cell::Number(*x)),
        Data::Float(_) => Some(Cell::Text("#NUM!".to_string())),
        Data::String(s) if s.trim().is_empty() => None,
        Data::String(s) => Some(Cell::Text(s.clone())),
        Data::Bool(b) => Some(Cell::Text(if *b { "TRUE" } else { "FALSE" }.to_string())),
        Data::DateTime(dt) if dt.is_datetime() => Some(Cell::Text(excel_datetime_text(
            dt.as_f64(),
            dt.to_ymd_hms_milli(),
        ))),
        // A duration ([h]:mm): its length in days, as Excel stores it.
        Data::DateTime(dt) => Some(Cell::Number(dt.as_f64())),
        Data::DateTimeIso(s) => Some(Cell::Text(iso_text(s))),
        Data::DurationIso(s) => Some(Cell::Text(s.clone())),
        Data::Error(e) => Some(Cell::Text(e.to_string())),
    }
}

/// "2021-03-15", "2021-03-15 14:30:00", or "14:30:00" for a time of day
/// alone (a day number below 1).
fn excel_datetime_text(
    serial: f64,
    (y, mo, d, h, mi, s, _ms): (u16, u8, u8, u8, u8, u8, u16),
) -> String {
    let time = format!("{h:02}:{mi:02}:{s:02}");
    if (0.0..1.0).contains(&serial) {
        time
    } else if (h, mi, s) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{d:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02} {time}")
    }
}

/// OpenDocument's ISO date-times: midnight dropped, 'T' as a space.
fn iso_text(s: &str) -> String {
    match s.split_once('T') {
        Some((date, time)) if time.trim_start_matches(['0', ':', '.']).is_empty() => {
            date.to_string()
        }
        Some((date, time)) => format!("{date} {time}"),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_texts() {
        assert_eq!(
            excel_datetime_text(44270.0, (2021, 3, 15, 0, 0, 0, 0)),
            "2021-03-15"
        );
        assert_eq!(
            excel_datetime_text(44270.6, (2021, 3, 15, 14, 24, 0, 0)),
            "2021-03-15 14:24:00"
        );
        assert_eq!(
            excel_datetime_text(0.5, (1899, 12, 31, 12, 0, 0, 0)),
            "12:00:00"
        );
        assert_eq!(iso_text("2021-03-15T00:00:00"), "2021-03-15");
        assert_eq!(iso_text("2021-03-15T14:30:00"), "2021-03-15 14:30:00");
        assert_eq!(iso_text("2021-03-15"), "2021-03-15");
    }

    #[test]
    fn not_a_workbook() {
        assert_eq!(
            detect_format(b"time,status\n"),
            Err(SheetError::NotASpreadsheet)
        );
        assert_eq!(
            detect_format(b"PK\x03\x04 just a zip"),
            Err(SheetError::NotASpreadsheet)
        );
        assert!(matches!(
            read_sheet(b"PK\x03\x04....xl/workbook.xml", None),
            Err(SheetError::Damaged { .. })
        ));
    }
}
