//! Errors of the data layer. Every variant names what the user has to look
//! at: the column (quoted), the 1-based line of the file and the value.

use super::file_kind::FileKind;
use super::CellNote;
use crate::format::counted;
use std::fmt;

/// Why a CSV file could not be read, or a column could not serve as an
/// analysis input. Lines are physical lines of the file (header = line 1
/// unless blank lines precede it); a row whose quoted value spans several
/// lines is named by the line where it starts.
#[derive(Debug, Clone, PartialEq)]
pub enum TableError {
    /// No header row at all.
    EmptyFile,
    /// A header row but no data rows.
    NoDataRows { header_line: u64 },
    /// A header cell is empty (`column_number` is 1-based).
    EmptyHeaderName { column_number: usize, line: u64 },
    /// Two header cells hold the same name (1-based column numbers).
    DuplicateHeaderName {
        name: String,
        first_column: usize,
        second_column: usize,
        line: u64,
    },
    /// A row with another number of values than the header.
    RaggedRow {
        line: u64,
        /// Last physical line of the row (> `line` when a quoted value spans lines).
        last_line: u64,
        expected: usize,
        found: usize,
        /// The first non-empty value beyond the header's columns, when the
        /// row is too long.
        extra_value: Option<String>,
        /// The values of a row that is too short and ends on its own line,
        /// as written (trimmed; at most [`LISTED_VALUES`]).
        present: Vec<String>,
    },
    /// A quoted value that is never closed swallows the rest of the file.
    UnclosedQuote { line: u64 },
    /// UTF-16 text without a byte-order mark (Excel's "Unicode text"
    /// saved by some tools): every other byte is NUL.
    Utf16WithoutBom,
    /// A NUL character (byte 0) in a column name, invisible on screen.
    NulInHeader {
        column_number: usize,
        line: u64,
        /// The name with the NUL shown as "␀".
        name: String,
    },
    /// Bytes that are not UTF-8 (e.g. a file saved as Windows-1252).
    NotUtf8 { line: u64, column: Option<String> },
    /// The CSV reader itself failed.
    Csv { line: u64, message: String },
    /// A column name (in an override or an analysis choice) that the table lacks.
    UnknownColumn {
        name: String,
        /// The table's column closest to `name`, when it looks like a typo.
        nearest: Option<String>,
    },
    NotANumber {
        column: String,
        line: u64,
        value: String,
    },
    NotFinite {
        column: String,
        line: u64,
        value: String,
    },
    NegativeTime {
        column: String,
        line: u64,
        value: String,
    },
    /// A value that is not a valid date in the column's date format.
    InvalidDate {
        column: String,
        line: u64,
        value: String,
        expected: String,
    },
    /// A date written with a 2-digit year (the century would be a guess).
    TwoDigitYear {
        column: String,
        line: u64,
        value: String,
    },
    /// Every slash/dot date fits both day/month/year and month/day/year.
    AmbiguousDateOrder {
        column: String,
        line: u64,
        value: String,
    },
    /// Some dates only fit day/month/year, others only month/day/year.
    ContradictoryDateOrder {
        column: String,
        day_first_line: u64,
        day_first_value: String,
        month_first_line: u64,
        month_first_value: String,
    },
    /// An Excel day number that is no date (0, negative, 60 = 1900-02-29, after 9999).
    InvalidExcelSerial {
        column: String,
        line: u64,
        value: String,
        why: String,
    },
    /// A column of the wrong kind for the role it was chosen for.
    WrongColumnType {
        column: String,
        role: String,
        found: String,
        expected: String,
    },
    /// The user chose no event value.
    NoEventValues { column: String },
    /// A value listed both as event and as censoring value.
    EventCensorOverlap { column: String, value: String },
    /// An event/censoring value that cannot match a numeric column.
    EventValueNotNumber { column: String, value: String },
    /// A value of the event column that is neither an event nor a censoring value.
    UnknownEventValue {
        column: String,
        line: u64,
        value: String,
        event_values: Vec<String>,
        censor_values: Vec<String>,
    },
    /// The file is too large for this reader (column text above 4 GB).
    TooLarge { column: String },
    /// Cells of a column declared a number that are not numbers (`cells`:
    /// the first 20 of `count`).
    NonNumbers {
        column: String,
        count: usize,
        cells: Vec<CellNote>,
        decimal_comma: bool,
    },
    /// A column listed in `non_numbers_as_missing` but declared another type.
    NonNumbersAsMissingNotNumber { column: String },
    /// Not a text file: a spreadsheet (for the sheet reader) or a file of
    /// another kind.
    NotText { kind: FileKind },
    /// A sheet without any value.
    EmptySheet { sheet: String },
    /// The sheet's first rows both look like header rows (names over
    /// groups of columns, or units under the names).
    TwoHeaderRows {
        sheet: String,
        first_row: u64,
        second_row: u64,
        /// A cell of the second row, as written ("years").
        example: String,
    },
    /// A sheet's value right of the last named column.
    ValueBeyondHeader {
        sheet: String,
        /// "C8".
        cell: String,
        value: String,
        /// The letter of the last named column.
        last_named: String,
    },
    /// An empty header cell among the names of a sheet ("C1").
    EmptySheetHeaderCell { sheet: String, cell: String },
    /// A title above the table (one cell, often merged across it) where the
    /// column names should be.
    TitleRow {
        sheet: String,
        row: u64,
        value: String,
    },
    /// A header cell merged across several columns, so that the columns
    /// under it have no name of their own.
    MergedHeaderCell {
        sheet: String,
        /// "B1:D1".
        cells: String,
        value: String,
    },
}

/// Values of a short row quoted in its message.
pub const LISTED_VALUES: usize = 5;

/// A cell as written, with invisible NUL characters made visible ("␀").
pub(crate) fn visible(value: &str) -> String {
    value.replace('\0', "␀")
}

fn list(values: &[String]) -> String {
    if values.is_empty() {
        "none".to_string()
    } else {
        values
            .iter()
            .map(|v| format!("\"{v}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use TableError::*;
        match self {
            EmptyFile => write!(
                f,
                "The file is empty. A CSV file needs a header row naming the columns, then one row per patient."
            ),
            NoDataRows { header_line } => write!(
                f,
                "The file has a header row (line {header_line}) but no data rows below it."
            ),
            EmptyHeaderName { column_number, line } => write!(
                f,
                "Column {column_number} has no name in the header row (line {line}). Give every column a name, or delete the empty column."
            ),
            DuplicateHeaderName { name, first_column, second_column, line } => write!(
                f,
                "Two columns are named \"{name}\" (columns {first_column} and {second_column} of the header, line {line}). Rename one of them."
            ),
            RaggedRow { line, last_line, expected, found, extra_value, present } => {
                write!(
                    f,
                    "Line {line} has {} but the header has {}.",
                    counted(*found, "value"),
                    counted(*expected, "column")
                )?;
                if !present.is_empty() {
                    let quoted: Vec<String> = present.iter().map(|v| format!("\"{}\"", visible(v))).collect();
                    let more = if *found > present.len() { ", ..." } else { "" };
                    write!(f, " {} {}{more}.", if *found == 1 { "Its value is" } else { "Its values are" }, quoted.join(", "))?;
                }
                if let Some(v) = extra_value {
                    write!(f, " The first extra value is \"{v}\".")?;
                }
                if last_line > line {
                    write!(
                        f,
                        " This row runs on to line {last_line} because of a quote (\"): check that every quoted value is closed."
                    )
                } else if found > expected && extra_value.is_none() {
                    write!(f, " The extra values are empty: remove the separators at the end of the line.")
                } else if found > expected {
                    write!(f, " A value that contains the separator must be put in double quotes.")
                } else {
                    write!(f, " Check for a missing separator; leave a cell empty rather than deleting it.")
                }
            }
            UnclosedQuote { line } => write!(
                f,
                "Line {line}: a quote (\") opens a value that is never closed, so the rest of the file would be one value. Close the quote or remove it."
            ),
            Utf16WithoutBom => write!(
                f,
                "This file looks like UTF-16 text (every other byte is empty), e.g. Excel's \"Unicode text\". Save it as \"CSV UTF-8\" and load it again."
            ),
            NulInHeader { column_number, line, name } => write!(
                f,
                "Column {column_number} of the header row (line {line}) has an invisible NUL character (shown as ␀) in its name \"{name}\". Remove it (the file may not be plain text), then load the file again."
            ),
            NotUtf8 { line, column } => {
                write!(f, "Line {line}")?;
                if let Some(c) = column {
                    write!(f, ", column \"{c}\"")?;
                }
                write!(f, ": the text is not UTF-8. Save the file as \"CSV UTF-8\" and load it again.")
            }
            Csv { line, message } => write!(f, "Line {line}: the CSV file could not be read ({message})."),
            UnknownColumn { name, nearest } => write!(f, "There is no column named \"{name}\"{}", crate::request::did_you_mean_end(nearest.as_deref())),
            NotANumber { column, line, value } => {
                if value.contains('\0') {
                    write!(
                        f,
                        "Column \"{column}\", line {line}: \"{}\" is not a number: it holds an invisible NUL character (shown as ␀). Remove it; the file may not be plain text.",
                        visible(value)
                    )
                } else {
                    write!(f, "Column \"{column}\", line {line}: \"{value}\" is not a number.")
                }
            }
            NotFinite { column, line, value } => {
                write!(f, "Column \"{column}\", line {line}: \"{value}\" is not a finite number.")
            }
            NegativeTime { column, line, value } => write!(
                f,
                "Column \"{column}\", line {line}: \"{value}\" is negative; times must be 0 or more."
            ),
            InvalidDate { column, line, value, expected } => write!(
                f,
                "Column \"{column}\", line {line}: \"{value}\" is not a valid date ({expected})."
            ),
            TwoDigitYear { column, line, value } => write!(
                f,
                "Column \"{column}\", line {line}: \"{value}\" has a 2-digit year, so the century is unknown. Write years with 4 digits (in Excel, format the cells as dd/mm/yyyy)."
            ),
            AmbiguousDateOrder { column, line, value } => write!(
                f,
                "Column \"{column}\": every date has day and month 12 or less (line {line}: \"{value}\"), so the dates read equally as day/month/year or month/day/year. Choose the order for this column."
            ),
            ContradictoryDateOrder { column, day_first_line, day_first_value, month_first_line, month_first_value } => write!(
                f,
                "Column \"{column}\" mixes day/month/year dates (line {day_first_line}: \"{day_first_value}\") and month/day/year dates (line {month_first_line}: \"{month_first_value}\"). Correct the file, or declare the column as text."
            ),
            InvalidExcelSerial { column, line, value, why } => write!(
                f,
                "Column \"{column}\", line {line}: \"{value}\" is not an Excel date number ({why})."
            ),
            WrongColumnType { column, role, found, expected } => write!(
                f,
                "Column \"{column}\" holds {found}, but the {role} must be {expected}."
            ),
            NoEventValues { column } => write!(
                f,
                "Choose at least one value of column \"{column}\" that marks an event."
            ),
            EventCensorOverlap { column, value } => write!(
                f,
                "Value \"{value}\" of column \"{column}\" is chosen both as an event and as censored."
            ),
            EventValueNotNumber { column, value } => write!(
                f,
                "Column \"{column}\" holds numbers, but the chosen value \"{value}\" is not a number."
            ),
            UnknownEventValue { column, line, value, event_values, censor_values } => write!(
                f,
                "Column \"{column}\", line {line}: \"{value}\" is neither an event value ({}) nor a censoring value ({}). Add it to one of the two lists.",
                list(event_values),
                list(censor_values)
            ),
            NonNumbers { column, count, cells, decimal_comma } => {
                let Some(first) = cells.first() else {
                    return write!(f, "Column \"{column}\" has values that are not numbers.");
                };
                write!(
                    f,
                    "Column \"{column}\", line {}: \"{}\" {}.",
                    first.line,
                    first.value,
                    first.problem.describe(*decimal_comma)
                )?;
                if *count > 1 {
                    let others: Vec<String> =
                        cells.iter().skip(1).take(4).map(|c| format!("line {}: \"{}\"", c.line, c.value)).collect();
                    let more = count - 1 - others.len();
                    write!(
                        f,
                        " {} other value{} of the column {} not numbers either ({}{}).",
                        count - 1,
                        if *count == 2 { "" } else { "s" },
                        if *count == 2 { "is" } else { "are" },
                        others.join(", "),
                        if more > 0 { format!(", and {more} more") } else { String::new() }
                    )?;
                }
                write!(f, " Correct the file, or choose to read such values as missing.")
            }
            NonNumbersAsMissingNotNumber { column } => write!(
                f,
                "Column \"{column}\" is listed to have its non-numbers read as missing, but it is declared another type than number."
            ),
            NotText { kind } => write!(f, "This file is {}, not a CSV or text file. {}", kind.label(), kind.advice()),
            EmptySheet { sheet } => write!(f, "Sheet \"{sheet}\" is empty. Choose the sheet that holds the data."),
            TwoHeaderRows { sheet, first_row, second_row, example } => write!(
                f,
                "Sheet \"{sheet}\": rows {first_row} and {second_row} both look like header rows (row {second_row} has \"{example}\" above the values). survcalc needs one row of column names: delete row {second_row}, or merge the two rows into one name per column (e.g. \"afp_ug_l\"), then load the file again."
            ),
            ValueBeyondHeader { sheet, cell, value, last_named } => write!(
                f,
                "Sheet \"{sheet}\": cell {cell} (\"{value}\") is to the right of the last named column ({last_named}). Name its column in the header row, or delete the value."
            ),
            EmptySheetHeaderCell { sheet, cell } => write!(
                f,
                "Sheet \"{sheet}\": header cell {cell} is empty. Give every column a name in the header row, or delete the empty column."
            ),
            TitleRow { sheet, row, value } => write!(
                f,
                "Sheet \"{sheet}\": row {row} (\"{value}\") looks like a title above the table. Delete it (and any blank row below it) so that the first row holds the column names, then load the file again."
            ),
            MergedHeaderCell { sheet, cells, value } => write!(
                f,
                "Sheet \"{sheet}\": the header cell \"{value}\" is merged across {cells}, so the columns under it have no name of their own. Unmerge the cells and give each column its own name in one header row."
            ),
            TooLarge { column } => write!(
                f,
                "Column \"{column}\" holds more than 4 GB of text, too much for this reader. Split the file."
            ),
        }
    }
}

impl std::error::Error for TableError {}
