//! The data layer: CSV text -> typed [`Table`] -> validated analysis inputs.
//!
//! Reads what clinicians export (Excel in any locale: BOM, CRLF, semicolon
//! and decimal comma, quoted newlines, "NA"/"."/"-" for missing values),
//! infers a type per column with a stated reason, lets the user override
//! any of them, and keeps the 1-based file line of every row so that every
//! later error can point at a line. Missing values stay explicit (`None`).
//!
//! Choices (documented once, here):
//! - The header row is required; an empty or duplicate column name is an
//!   error (no silent renaming: analyses refer to columns by name).
//! - Rows whose cells are all empty are skipped with a warning (Excel often
//!   exports trailing ",,,," rows); any other row with a different number of
//!   values than the header is an error naming its line.
//! - Cells are trimmed of spaces, Unicode ones included (a no-break space
//!   after "102" is not part of the value, and nobody sees it in Excel);
//!   the empty cell is always missing and the missing tokens (default: NA,
//!   N/A, ., NaN, -) are matched ignoring case.
//! - Numeric-looking columns stay numbers (sex coded 1/2 included); the
//!   user declares a category when that is what they mean. "inf" is a word
//!   and "1e309" is too large for a number: both are non-numbers, reported
//!   as written.
//! - Thousands separators: a space, no-break or narrow no-break space, thin
//!   space, apostrophe or right quote between groups of three digits is a
//!   thousands separator ("1 250,3", "1'250.3"): none of them is ever a
//!   decimal mark. The mark opposite the decimal mark (',' with a decimal
//!   point, '.' with a decimal comma) is read as a thousands separator only
//!   with evidence in the same column: a value using both marks
//!   ("1,250.3") or the separator twice ("1,250,000"), or when the user
//!   declared the decimal mark or declared the column a number. A column
//!   whose only such values are "1,250" (one separator, three digits, no
//!   decimals) is not guessed: 1250 and 1.25 both fit, so it stays text
//!   and is flagged ([`ReadingNotes::ambiguous_separator`]); the evidence
//!   read is shown in the column's reason and flags.
//! - Decimal commas in a file read with a decimal point (a quoted "1,5" in
//!   a comma-separated file): a column whose values are all numbers once
//!   read with the other mark is flagged
//!   ([`ReadingNotes::other_decimal_mark`]) and kept as text: the user
//!   re-reads with `decimal: "comma"`.
//! - A column of numbers with a few non-numbers (at most a fifth of its
//!   values, e.g. one "unknown" in age) is kept as text or categories and
//!   flagged with every offending cell ([`ReadingNotes::non_numbers`]).
//!   Declared a number, such a cell is an error naming it, unless the
//!   column is listed in [`ReadOptions::non_numbers_as_missing`]: then the
//!   cells are read as missing and listed in a warning.
//! - A text column is a category when it has at most
//!   [`ReadOptions::max_category_levels`] distinct values and at most half
//!   as many distinct values as non-missing rows; otherwise text.
//! - Category levels are sorted as R sorts factor levels, but numbers by
//!   value and digit runs inside text by value ("grade 2" < "grade 10"),
//!   letters ignoring case; [`LevelOrder::FirstAppearance`] keeps file order.
//! - Dates: see [`dates`]. Two-digit years are refused; a day/month column
//!   whose values never show the order is [`ColumnKind::AmbiguousDate`]
//!   (kept as text) until the user chooses; a column mixing both orders is
//!   an error.
//! - Text must be UTF-8 (UTF-16 with a byte-order mark, Excel's "Unicode
//!   text", is converted); other encodings are an error naming the line.

mod csv;
pub mod dates;
mod error;
mod file_kind;
mod infer;
mod number;
mod select;
mod sheet;

pub use self::csv::{read_csv, read_csv_with_progress, sniff_delimiter};
pub use dates::{excel_serial_to_date, parse_date, DateOrder};
pub use error::TableError;
pub use file_kind::{detect_file_kind, FileKind};
pub use number::decimal_comma_example;
pub use select::{
    categorical_column, numeric_column, numeric_values, survival_input, survival_input_among,
    CategoricalColumn, DropReason, DroppedRows, GroupCodes, NumericColumn, SurvivalColumns,
    SurvivalInput,
};
pub use sheet::{read_sheet, SheetCell, SheetData, SheetMerge, SheetRow};

use crate::dates::Date;
use crate::provenance::Derivation;
use crate::warning::Warning;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The type a user can impose on a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    Number,
    Category,
    Text,
    Date(DateOrder),
}

/// The type a column ended up with (inferred or declared).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    Number,
    Category,
    /// Dates, with the order they were read in (never `Auto`).
    Date(DateOrder),
    /// Day/month dates whose order the values do not reveal; stored as text
    /// until the user declares `Date(DayMonthYear)` or `Date(MonthDayYear)`.
    AmbiguousDate,
    Text,
}

impl ColumnKind {
    /// What the column holds, for messages ("numbers", "dates", ...).
    pub fn describe(self) -> &'static str {
        match self {
            ColumnKind::Number => "numbers",
            ColumnKind::Category => "categories",
            ColumnKind::Date(_) => "dates",
            ColumnKind::AmbiguousDate => "dates of unknown day/month order",
            ColumnKind::Text => "text",
        }
    }
}

/// The values of a column, one per row, `None` where missing.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnData {
    Number(Vec<Option<f64>>),
    /// `codes[row]` indexes `levels`.
    Category {
        codes: Vec<Option<u32>>,
        levels: Vec<String>,
    },
    Date(Vec<Option<Date>>),
    Text(Vec<Option<String>>),
}

impl ColumnData {
    pub fn len(&self) -> usize {
        match self {
            ColumnData::Number(v) => v.len(),
            ColumnData::Category { codes, .. } => codes.len(),
            ColumnData::Date(v) => v.len(),
            ColumnData::Text(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the value of `row` is missing (also for rows out of range).
    pub fn is_missing(&self, row: usize) -> bool {
        match self {
            ColumnData::Number(v) => !matches!(v.get(row), Some(Some(_))),
            ColumnData::Category { codes, .. } => !matches!(codes.get(row), Some(Some(_))),
            ColumnData::Date(v) => !matches!(v.get(row), Some(Some(_))),
            ColumnData::Text(v) => !matches!(v.get(row), Some(Some(_))),
        }
    }

    /// The value of `row` as text for messages; `None` when missing.
    pub fn display(&self, row: usize) -> Option<String> {
        match self {
            ColumnData::Number(v) => v.get(row).copied().flatten().map(number::number_label),
            ColumnData::Category { codes, levels } => codes
                .get(row)
                .copied()
                .flatten()
                .and_then(|c| levels.get(c as usize).cloned()),
            ColumnData::Date(v) => v.get(row).copied().flatten().map(|d| d.to_string()),
            ColumnData::Text(v) => v.get(row).cloned().flatten(),
        }
    }
}

/// One column with its type, the reason for it, and its values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub name: String,
    pub kind: ColumnKind,
    /// Why the column has this type, in a sentence fragment for the UI
    /// ("all 228 non-missing values are numbers").
    pub reason: String,
    /// True when the type came from [`ReadOptions::column_types`].
    pub declared: bool,
    pub n_missing: usize,
    pub data: ColumnData,
    /// Read as text or categories although most values are dates (one has
    /// a typo or a 2-digit year): offered where dates are expected, so
    /// that the analysis can name the bad cell.
    pub looks_like_dates: bool,
    /// How survcalc derived the column; `None` for a column of the file.
    pub derived: Option<Derivation>,
    /// What reading the file found about the column's values (non-numbers,
    /// separators), for the page to act on; empty for derived columns.
    pub reading: ReadingNotes,
}

/// Facts about a column's cells that the user may want to act on, typed so
/// that the page decides on them and never on the reason's words.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReadingNotes {
    /// Cells that are not numbers in a column that otherwise is.
    pub non_numbers: Option<NonNumbers>,
    /// The thousands separator read, with a value that shows it.
    pub thousands_separator: Option<SeparatorEvidence>,
    /// A separator that may mark thousands or decimals ("1,250" read with
    /// a decimal point): the column stays text until the user says which.
    pub ambiguous_separator: Option<SeparatorEvidence>,
    /// The values read as numbers only with the other decimal mark (a
    /// quoted "1,5" in a comma-separated file): re-read with that mark.
    pub other_decimal_mark: Option<SeparatorEvidence>,
}

impl ReadingNotes {
    pub fn is_empty(&self) -> bool {
        *self == ReadingNotes::default()
    }
}

/// The cells of a mostly numeric column that are not numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NonNumbers {
    /// How many cells (all of them, not only those listed).
    pub count: usize,
    /// The first [`LISTED_CELLS`] of them, in file order.
    pub cells: Vec<CellNote>,
    /// The cells were read as missing, as `non_numbers_as_missing` asked.
    pub read_as_missing: bool,
}

/// Cells listed per column in [`NonNumbers`].
pub const LISTED_CELLS: usize = 20;

/// One cell, as written, at its 1-based file line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellNote {
    pub line: u64,
    pub value: String,
    pub problem: CellProblem,
}

/// Why a cell is not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellProblem {
    /// Text, or a number in a form not read ("1.2.3", "12 mg").
    NotANumber,
    /// Written as a number, but beyond ±1.8e308 ("1e309").
    TooLarge,
    /// A number with the other decimal mark ("1,5" read with a point).
    OtherDecimalMark,
}

impl CellProblem {
    /// The words after the quoted cell in messages.
    pub fn describe(self, decimal_comma: bool) -> &'static str {
        match self {
            CellProblem::NotANumber => "is not a number",
            CellProblem::TooLarge => "is too large to be a number (beyond ±1.8e308)",
            CellProblem::OtherDecimalMark if decimal_comma => {
                "has a decimal point, but the file is read with decimal commas"
            }
            CellProblem::OtherDecimalMark => {
                "has a decimal comma, but the file is read with decimal points"
            }
        }
    }
}

/// A separator seen in a column, with the first value showing it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeparatorEvidence {
    /// The character, as text (" ", "\u{202F}", "'", ",", ".").
    pub separator: String,
    pub line: u64,
    pub value: String,
}

impl SeparatorEvidence {
    /// The separator named for people (a space is invisible when quoted).
    pub fn separator_name(&self) -> String {
        match self.separator.as_str() {
            " " => "a space".to_string(),
            "\u{A0}" => "a no-break space".to_string(),
            "\u{202F}" => "a narrow no-break space".to_string(),
            "\u{2009}" => "a thin space".to_string(),
            "\u{2007}" => "a figure space".to_string(),
            "'" | "\u{2019}" => "an apostrophe".to_string(),
            "," => "a comma".to_string(),
            "." => "a point".to_string(),
            other => format!("\"{other}\""),
        }
    }
}

/// A typed table. Every column has `n_rows` values; row `i` came from file
/// line `line_of(i)` (the lines are kept once for all columns).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub columns: Vec<Column>,
    /// 1-based file line where each row starts.
    pub lines: Vec<u64>,
    pub header_line: u64,
    /// The delimiter used (detected or chosen).
    pub delimiter: char,
    /// Whether numbers were read with a decimal comma.
    pub decimal_comma: bool,
    /// The sheet the table was read from, for a spreadsheet (its lines are
    /// the sheet's row numbers); `None` for a CSV file.
    pub sheet: Option<String>,
    /// Generated data, not real patients, as [`ReadOptions::synthetic`]
    /// declared.
    pub synthetic: bool,
    /// Non-fatal notes (skipped empty rows, ...).
    pub warnings: Vec<Warning>,
}

impl Table {
    pub fn n_rows(&self) -> usize {
        self.lines.len()
    }

    pub fn n_columns(&self) -> usize {
        self.columns.len()
    }

    /// The column named `name` (exact, case-sensitive match after trimming
    /// the header cell).
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Like [`Table::column`], with an error naming the missing column.
    pub fn require(&self, name: &str) -> Result<&Column, TableError> {
        self.column(name).ok_or_else(|| {
            let names = self.column_names();
            let nearest = crate::request::did_you_mean(name, &names).map(str::to_string);
            TableError::UnknownColumn {
                name: name.to_string(),
                nearest,
            }
        })
    }

    pub fn column_names(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }

    /// The 1-based file line of `row` (0-based row index).
    pub fn line_of(&self, row: usize) -> Option<u64> {
        self.lines.get(row).copied()
    }
}

/// Field separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Delimiter {
    /// Detected from the first lines among comma, semicolon and tab.
    #[default]
    Auto,
    Comma,
    Semicolon,
    Tab,
}

/// Decimal mark of numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DecimalMark {
    /// Comma when the delimiter is a semicolon (European Excel), else point.
    #[default]
    Auto,
    Point,
    Comma,
}

/// Order of category levels (the first level is the reference of
/// regressions, as in R).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LevelOrder {
    /// Sorted like R's `factor()`, numbers by value (see the module doc).
    #[default]
    Sorted,
    /// In order of first appearance in the file.
    FirstAppearance,
}

/// How to read a CSV file. The defaults detect everything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReadOptions {
    pub delimiter: Delimiter,
    pub decimal: DecimalMark,
    /// Cells meaning "missing" besides the empty cell (trimmed, any case).
    pub missing_tokens: Vec<String>,
    /// Types imposed by the user, by column name.
    pub column_types: BTreeMap<String, ColumnType>,
    pub level_order: LevelOrder,
    /// Most distinct values an inferred category may have.
    pub max_category_levels: usize,
    /// The data are generated, not real patients. Declared by whoever
    /// supplies the file (the bundled examples' manifest,
    /// www/examples/index.json), never guessed from its name; the page
    /// shows a banner.
    pub synthetic: bool,
    /// Columns read as numbers whose non-number cells ("unknown", "?")
    /// are read as missing, each listed in a `non_numbers_read_as_missing`
    /// warning. Listing a column declares it a number.
    pub non_numbers_as_missing: Vec<String>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            delimiter: Delimiter::Auto,
            decimal: DecimalMark::Auto,
            missing_tokens: ["NA", "N/A", ".", "NaN", "-"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            column_types: BTreeMap::new(),
            level_order: LevelOrder::Sorted,
            max_category_levels: 50,
            synthetic: false,
            non_numbers_as_missing: Vec::new(),
        }
    }
}
