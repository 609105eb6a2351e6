//! Column builders: typed storage while the file streams by, and the type
//! decision (with its reason) once every value has been seen.
//!
//! An undeclared column starts as numbers, parsed straight from the CSV
//! bytes (no per-cell allocation). Its first non-numeric value demotes it
//! to text; the texts of the rows before that are read again from the file
//! afterwards (numbers cannot be turned back into the text that was
//! written: "007", "1,50"). Text columns keep their trimmed bytes in one
//! arena until the end, when dates, categories and free text are told apart.

use super::dates::{date_shape, excel_serial_to_date, shape_to_date, DateOrder, DateShape};
use super::number::{
    loose_reading, number_text, parse_number, plain_decimal, trim_cell, Loose, MissingTokens,
};
use super::{
    CellNote, CellProblem, Column, ColumnData, ColumnKind, ColumnType, LevelOrder, NonNumbers,
    ReadingNotes, SeparatorEvidence, TableError, LISTED_CELLS,
};
use crate::dates::Date;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use survcalc_scan::Sink;

/// Per-file rules every cell is read with.
#[derive(Debug, Clone)]
pub(crate) struct CellRules {
    pub missing: MissingTokens,
    pub decimal_comma: bool,
    /// The user chose the decimal mark (so the other mark can only
    /// separate thousands).
    pub decimal_declared: bool,
    pub level_order: LevelOrder,
    pub max_levels: usize,
}

/// Trimmed cell texts of one column in one buffer; a missing cell is
/// stored empty (the empty cell is always missing).
#[derive(Debug, Default)]
pub(crate) struct Arena {
    bytes: Vec<u8>,
    ends: Vec<u32>,
}

impl Arena {
    /// False when the column text outgrows u32 offsets.
    fn push(&mut self, value: &[u8]) -> bool {
        self.bytes.extend_from_slice(value);
        match u32::try_from(self.bytes.len()) {
            Ok(end) => {
                self.ends.push(end);
                true
            }
            Err(_) => false,
        }
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let mut start = 0usize;
        self.ends.iter().map(move |&end| {
            let end = end as usize;
            let value = self.bytes.get(start..end).unwrap_or(&[]);
            start = end;
            value
        })
    }

    fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 {
            0
        } else {
            self.ends.get(i - 1).map_or(0, |&e| e as usize)
        };
        let end = self.ends.get(i).map_or(start, |&e| e as usize);
        self.bytes.get(start..end).unwrap_or(&[])
    }

    fn text(&self, i: usize) -> String {
        String::from_utf8_lossy(self.get(i)).into_owned()
    }

    /// Appends `other` after `self`; false on offset overflow.
    fn append(&mut self, other: Arena) -> bool {
        let Ok(shift) = u32::try_from(self.bytes.len()) else {
            return false;
        };
        self.bytes.extend_from_slice(&other.bytes);
        self.ends.reserve(other.ends.len());
        for end in other.ends {
            match end.checked_add(shift) {
                Some(e) => self.ends.push(e),
                None => return false,
            }
        }
        true
    }
}

/// Non-number cells of a column declared a number.
#[derive(Debug, Default)]
struct Refused {
    count: usize,
    cells: Vec<CellNote>,
}

impl Refused {
    fn add(&mut self, line: u64, value: &[u8], problem: CellProblem) {
        self.count += 1;
        if self.cells.len() < LISTED_CELLS {
            self.cells.push(CellNote {
                line,
                value: String::from_utf8_lossy(value).into_owned(),
                problem,
            });
        }
    }
}

/// The first value of a declared number column read with thousands separators.
fn separator_evidence(separator: char, line: u64, value: &[u8]) -> SeparatorEvidence {
    SeparatorEvidence {
        separator: separator.to_string(),
        line,
        value: String::from_utf8_lossy(value).into_owned(),
    }
}

#[derive(Debug)]
enum State {
    Numbers(Vec<Option<f64>>),
    Texts {
        /// Rows `0..prefix_rows` were numbers when the column was demoted;
        /// their texts arrive in `prefix` from a second read of the file.
        prefix: Arena,
        prefix_rows: usize,
        arena: Arena,
    },
}

/// Accumulates one column while the file is read.
#[derive(Debug)]
pub(crate) struct ColumnBuilder {
    name: String,
    declared: Option<ColumnType>,
    /// Declared a number with non-numbers read as missing.
    non_numbers_as_missing: bool,
    /// Declared numbers: cells that are not numbers.
    refused: Refused,
    /// Declared numbers: the first value with a thousands separator.
    thousands: Option<SeparatorEvidence>,
    state: State,
}

fn push_text(arena: &mut Arena, value: &[u8], name: &str, line: u64) -> Result<(), TableError> {
    if !value.is_ascii() && std::str::from_utf8(value).is_err() {
        return Err(TableError::NotUtf8 {
            line,
            column: Some(name.to_string()),
        });
    }
    if arena.push(value) {
        Ok(())
    } else {
        Err(TableError::TooLarge {
            column: name.to_string(),
        })
    }
}

impl ColumnBuilder {
    pub(crate) fn new(
        name: String,
        declared: Option<ColumnType>,
        non_numbers_as_missing: bool,
        rows_hint: usize,
    ) -> Self {
        let state = match declared {
            None | Some(ColumnType::Number) => State::Numbers(Vec::with_capacity(rows_hint)),
            Some(_) => State::Texts {
                prefix: Arena::default(),
                prefix_rows: 0,
                arena: Arena::default(),
            },
        };
        ColumnBuilder {
            name,
            declared,
            non_numbers_as_missing,
            refused: Refused::default(),
            thousands: None,
            state,
        }
    }

    /// Adds a cell that arrived as a number (a spreadsheet's number cell):
    /// no text to parse, unless the column is already text.
    pub(crate) fn push_number(
        &mut self,
        x: f64,
        line: u64,
        rules: &CellRules,
    ) -> Result<(), TableError> {
        match &mut self.state {
            State::Numbers(values) if x.is_finite() => {
                values.push(Some(x));
                Ok(())
            }
            _ => self.push(number_text(x, rules.decimal_comma).as_bytes(), line, rules),
        }
    }

    /// The column's values so far, lent to the bulk reader
    /// (`survcalc_scan::Rows::fast_rows`), which appends rows to them; they
    /// must be given back ([`Self::restore`]) before any other call.
    pub(crate) fn lend(&mut self) -> Sink {
        match &mut self.state {
            State::Numbers(values) => Sink::Numbers(std::mem::take(values)),
            State::Texts { arena, .. } => Sink::Texts {
                bytes: std::mem::take(&mut arena.bytes),
                ends: std::mem::take(&mut arena.ends),
            },
        }
    }

    /// Takes back what [`Self::lend`] gave (the state does not change
    /// while the values are lent, so the kinds match).
    pub(crate) fn restore(&mut self, sink: Sink) {
        match (&mut self.state, sink) {
            (State::Numbers(values), Sink::Numbers(lent)) => *values = lent,
            (State::Texts { arena, .. }, Sink::Texts { bytes, ends }) => {
                arena.bytes = bytes;
                arena.ends = ends;
            }
            _ => {}
        }
    }

    /// Adds the cell of the next row.
    #[inline(always)]
    pub(crate) fn push(
        &mut self,
        raw: &[u8],
        line: u64,
        rules: &CellRules,
    ) -> Result<(), TableError> {
        if let State::Numbers(values) = &mut self.state {
            if !rules.missing.plain_number_token() {
                if let Some(x) = plain_decimal(raw, if rules.decimal_comma { b',' } else { b'.' }) {
                    values.push(Some(x));
                    return Ok(());
                }
            }
        }
        self.push_cell(raw, line, rules)
    }

    /// [`Self::push`] for every cell that is not a plain decimal.
    fn push_cell(&mut self, raw: &[u8], line: u64, rules: &CellRules) -> Result<(), TableError> {
        let value = trim_cell(raw);
        let missing = rules.missing.is_missing(value);
        let ColumnBuilder {
            name,
            declared,
            refused,
            thousands,
            state,
            ..
        } = self;
        match state {
            State::Numbers(values) => {
                if missing {
                    values.push(None);
                } else if let Some(x) = parse_number(value, rules.decimal_comma) {
                    values.push(Some(x));
                } else if *declared == Some(ColumnType::Number) {
                    // Declared numbers: the other mark can only group
                    // thousands (see the module doc of `table`).
                    match loose_reading(value, rules.decimal_comma) {
                        Loose::Grouped {
                            value: x,
                            separator,
                            ..
                        } => {
                            thousands
                                .get_or_insert_with(|| separator_evidence(separator, line, value));
                            values.push(Some(x));
                        }
                        Loose::OtherMark { .. } => {
                            refused.add(line, value, CellProblem::OtherDecimalMark);
                            values.push(None);
                        }
                        Loose::TooLarge => {
                            refused.add(line, value, CellProblem::TooLarge);
                            values.push(None);
                        }
                        Loose::NotANumber => {
                            refused.add(line, value, CellProblem::NotANumber);
                            values.push(None);
                        }
                    }
                } else {
                    let mut arena = Arena::default();
                    push_text(&mut arena, value, name, line)?;
                    *state = State::Texts {
                        prefix: Arena::default(),
                        prefix_rows: values.len(),
                        arena,
                    };
                }
                Ok(())
            }
            State::Texts { arena, .. } => {
                push_text(arena, if missing { b"" } else { value }, name, line)
            }
        }
    }

    /// How many leading rows must be read again (see the module doc).
    pub(crate) fn prefix_rows(&self) -> usize {
        match &self.state {
            State::Texts { prefix_rows, .. } => *prefix_rows,
            State::Numbers(_) => 0,
        }
    }

    /// Adds the cell of the next leading row during the second read.
    pub(crate) fn push_prefix(
        &mut self,
        raw: &[u8],
        line: u64,
        rules: &CellRules,
    ) -> Result<(), TableError> {
        if let State::Texts {
            prefix,
            prefix_rows,
            ..
        } = &mut self.state
        {
            if prefix.len() < *prefix_rows {
                let value = trim_cell(raw);
                let value: &[u8] = if rules.missing.is_missing(value) {
                    b""
                } else {
                    value
                };
                return push_text(prefix, value, &self.name, line);
            }
        }
        Ok(())
    }

    /// Adds a cell of the leading rows that arrived as a number.
    pub(crate) fn push_prefix_number(
        &mut self,
        x: f64,
        line: u64,
        rules: &CellRules,
    ) -> Result<(), TableError> {
        self.push_prefix(number_text(x, rules.decimal_comma).as_bytes(), line, rules)
    }

    /// Decides the type and builds the column.
    pub(crate) fn finish(self, lines: &[u64], rules: &CellRules) -> Result<Column, TableError> {
        let ColumnBuilder {
            name,
            declared,
            non_numbers_as_missing,
            refused,
            thousands,
            state,
        } = self;
        match state {
            State::Numbers(values) => {
                if refused.count > 0 && !non_numbers_as_missing {
                    return Err(TableError::NonNumbers {
                        column: name,
                        count: refused.count,
                        cells: refused.cells,
                        decimal_comma: rules.decimal_comma,
                    });
                }
                let n_missing = survcalc_scan::count_missing(&values);
                let n_present = values.len() - n_missing;
                let mut reason = if declared.is_some() {
                    "declared as numbers".to_string()
                } else if n_present == 0 {
                    "every value is missing".to_string()
                } else {
                    format!("all {n_present} non-missing values are numbers")
                };
                if let Some(t) = &thousands {
                    reason.push_str(&format!(
                        ", with {} as thousands separator (line {}: \"{}\")",
                        t.separator_name(),
                        t.line,
                        t.value
                    ));
                }
                let non_numbers = (refused.count > 0).then(|| {
                    let first = refused
                        .cells
                        .first()
                        .map(|c| format!(", line {}: \"{}\"", c.line, c.value));
                    reason.push_str(&format!(
                        "; {} non-number{} read as missing{}",
                        refused.count,
                        if refused.count == 1 { "" } else { "s" },
                        first.unwrap_or_default()
                    ));
                    NonNumbers {
                        count: refused.count,
                        cells: refused.cells,
                        read_as_missing: true,
                    }
                });
                Ok(Column {
                    name,
                    kind: ColumnKind::Number,
                    reason,
                    declared: declared.is_some(),
                    n_missing,
                    data: ColumnData::Number(values),
                    looks_like_dates: false,
                    derived: None,
                    reading: ReadingNotes {
                        non_numbers,
                        thousands_separator: thousands,
                        ..ReadingNotes::default()
                    },
                })
            }
            State::Texts {
                mut prefix,
                prefix_rows: _,
                arena,
            } => {
                if !prefix.append(arena) {
                    return Err(TableError::TooLarge { column: name });
                }
                let texts = TextColumn {
                    name,
                    arena: prefix,
                    lines,
                    rules,
                };
                match declared {
                    Some(ColumnType::Text) => {
                        Ok(texts.text_column("declared as text".to_string(), true))
                    }
                    Some(ColumnType::Category) => texts.declared_category(),
                    Some(ColumnType::Date(order)) => texts.declared_dates(order),
                    None | Some(ColumnType::Number) => texts.infer(),
                }
            }
        }
    }
}

/// Why a column of text cells is not a clean date column.
#[derive(Debug, Clone, Copy, PartialEq)]
enum DateProblem {
    NotDate {
        row: usize,
        n_dates: usize,
    },
    TwoDigitYear {
        row: usize,
    },
    Ambiguous {
        row: usize,
    },
    /// Day and month parts that fit neither order ("31/31/2020").
    Impossible {
        row: usize,
    },
    Contradictory {
        day_first_row: usize,
        month_first_row: usize,
    },
    Invalid {
        row: usize,
        order: DateOrder,
    },
    BadSerial {
        row: usize,
        why: &'static str,
    },
}

struct Dates {
    values: Vec<Option<Date>>,
    order: DateOrder,
    /// A row whose value fixed the day/month order.
    evidence_row: Option<usize>,
}

/// Reads every cell as a date; the day/month order comes from `order` or,
/// with `Auto`, from the values (see `table::dates`).
fn convert_dates(
    arena: &Arena,
    order: DateOrder,
    decimal_comma: bool,
) -> Result<Dates, DateProblem> {
    if order == DateOrder::ExcelSerial {
        let mut values = Vec::with_capacity(arena.len());
        for (row, v) in arena.iter().enumerate() {
            if v.is_empty() {
                values.push(None);
            } else if let Some(x) = parse_number(v, decimal_comma) {
                values.push(Some(
                    excel_serial_to_date(x).map_err(|why| DateProblem::BadSerial { row, why })?,
                ));
            } else {
                let shape = date_shape(v);
                if !matches!(shape, DateShape::YearFirst { .. }) {
                    return Err(DateProblem::Invalid { row, order });
                }
                values.push(Some(
                    shape_to_date(shape, DateOrder::YearMonthDay)
                        .ok_or(DateProblem::Invalid { row, order })?,
                ));
            }
        }
        return Ok(Dates {
            values,
            order,
            evidence_row: None,
        });
    }

    let mut shapes = Vec::with_capacity(arena.len());
    let mut first_not_date = None;
    let mut first_two_digit = None;
    let mut first_parts = None;
    let mut first_impossible = None;
    let mut day_first = None;
    let mut month_first = None;
    let mut n_dates = 0usize;
    for (row, v) in arena.iter().enumerate() {
        if v.is_empty() {
            shapes.push(None);
            continue;
        }
        let shape = date_shape(v);
        match shape {
            DateShape::NotDate => {
                first_not_date.get_or_insert(row);
                if n_dates == 0 {
                    // Plain text: no need to count dates for the reason.
                    break;
                }
            }
            DateShape::TwoDigitYear => {
                n_dates += 1;
                first_two_digit.get_or_insert(row);
            }
            DateShape::YearFirst { .. } => n_dates += 1,
            DateShape::PartsFirst { first, second, .. } => {
                n_dates += 1;
                // 31/31/2020 or 00/05/2020 is no date in either order: a
                // stray value, never the example of an ambiguous column.
                let fits_both = shape_to_date(shape, DateOrder::DayMonthYear).is_some()
                    && shape_to_date(shape, DateOrder::MonthDayYear).is_some();
                if first > 12 && second > 12 {
                    first_impossible.get_or_insert(row);
                } else if first > 12 {
                    day_first.get_or_insert(row);
                } else if second > 12 {
                    month_first.get_or_insert(row);
                } else if fits_both {
                    first_parts.get_or_insert(row);
                } else {
                    first_impossible.get_or_insert(row);
                }
            }
        }
        shapes.push(Some(shape));
    }
    if let Some(row) = first_not_date {
        return Err(DateProblem::NotDate { row, n_dates });
    }
    if let Some(row) = first_two_digit {
        return Err(DateProblem::TwoDigitYear { row });
    }
    let resolved = match order {
        DateOrder::Auto => match (day_first, month_first) {
            (Some(d), Some(m)) => {
                return Err(DateProblem::Contradictory {
                    day_first_row: d,
                    month_first_row: m,
                })
            }
            (Some(_), None) => DateOrder::DayMonthYear,
            (None, Some(_)) => DateOrder::MonthDayYear,
            (None, None) => match (first_impossible, first_parts) {
                (Some(row), _) => return Err(DateProblem::Impossible { row }),
                (None, Some(row)) => return Err(DateProblem::Ambiguous { row }),
                (None, None) => DateOrder::YearMonthDay,
            },
        },
        DateOrder::YearMonthDay => match [first_parts, first_impossible, day_first, month_first]
            .into_iter()
            .flatten()
            .min()
        {
            Some(row) => return Err(DateProblem::Invalid { row, order }),
            None => order,
        },
        other => other,
    };
    let mut values = Vec::with_capacity(shapes.len());
    for (row, shape) in shapes.into_iter().enumerate() {
        values.push(match shape {
            None => None,
            Some(s) => Some(shape_to_date(s, resolved).ok_or(DateProblem::Invalid {
                row,
                order: resolved,
            })?),
        });
    }
    let evidence_row = match resolved {
        DateOrder::DayMonthYear => day_first,
        DateOrder::MonthDayYear => month_first,
        _ => None,
    };
    Ok(Dates {
        values,
        order: resolved,
        evidence_row,
    })
}

/// A multiply-rotate hash (FxHash's scheme) for distinct-value counting:
/// several times faster than SipHash on short cells, and the data are the
/// user's own, so hash flooding is no concern.
#[derive(Default, Clone, Copy)]
pub(crate) struct CellHasher(u64);

impl Hasher for CellHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            for (w, b) in word.iter_mut().zip(chunk) {
                *w = *b;
            }
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0.rotate_left(5) ^ n as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type CellMap<K, V> = HashMap<K, V, BuildHasherDefault<CellHasher>>;

/// Levels looked up by comparison rather than hashing.
const FEW_LEVELS: usize = 8;

/// Distinct values with codes; `None` when there are more than `limit`.
fn categorize(
    arena: &Arena,
    limit: usize,
    rules: &CellRules,
) -> Option<(Vec<Option<u32>>, Vec<String>)> {
    // A few levels (arms, sexes, stages): each cell compared with them by
    // survcalc-scan at opt-level 3 (this crate's "z" makes the comparisons
    // calls); the same codes (order of appearance) as the general pass,
    // which runs when there are more levels.
    let (codes, labels) =
        match survcalc_scan::few_levels(&arena.bytes, &arena.ends, FEW_LEVELS.min(limit)) {
            Some((codes, levels)) => {
                let text = |&(start, end): &(usize, usize)| {
                    String::from_utf8_lossy(arena.bytes.get(start..end).unwrap_or(&[])).into_owned()
                };
                (codes, levels.iter().map(text).collect())
            }
            None => distinct_values(arena, limit)?,
        };
    Some(match rules.level_order {
        LevelOrder::FirstAppearance => (codes, labels),
        LevelOrder::Sorted => sort_levels(codes, labels, rules.decimal_comma),
    })
}

/// Codes in order of appearance and the distinct values; `None` when
/// there are more than `limit`.
fn distinct_values(arena: &Arena, limit: usize) -> Option<(Vec<Option<u32>>, Vec<String>)> {
    let mut index: CellMap<&[u8], u32> = CellMap::default();
    let mut distinct: Vec<&[u8]> = Vec::new();
    let mut codes = Vec::with_capacity(arena.len());
    for v in arena.iter() {
        if v.is_empty() {
            codes.push(None);
            continue;
        }
        // A few levels (arms, sexes, stages) are found faster by comparing
        // than by hashing; the codes are the same (order of appearance).
        let known = if distinct.len() <= FEW_LEVELS {
            distinct
                .iter()
                .position(|d| *d == v)
                .and_then(|c| u32::try_from(c).ok())
        } else {
            index.get(v).copied()
        };
        let code = match known {
            Some(c) => c,
            None => {
                if distinct.len() >= limit {
                    return None;
                }
                let c = u32::try_from(distinct.len()).ok()?;
                index.insert(v, c);
                distinct.push(v);
                c
            }
        };
        codes.push(Some(code));
    }
    let labels: Vec<String> = distinct
        .iter()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    Some((codes, labels))
}

/// Sorts levels (numbers by value, else [`natural_cmp`]) and recodes.
pub(crate) fn sort_levels(
    codes: Vec<Option<u32>>,
    labels: Vec<String>,
    decimal_comma: bool,
) -> (Vec<Option<u32>>, Vec<String>) {
    let order = sorted_level_order(&labels, decimal_comma);
    let mut new_code = vec![0u32; labels.len()];
    for (new, &old) in order.iter().enumerate() {
        if let Some(slot) = new_code.get_mut(old) {
            // `new` < labels.len() <= u32::MAX + 1 (codes were u32).
            *slot = new as u32;
        }
    }
    let mut labels: Vec<Option<String>> = labels.into_iter().map(Some).collect();
    let sorted = order
        .iter()
        .filter_map(|&old| labels.get_mut(old).and_then(Option::take))
        .collect();
    // Recoded in place at survcalc-scan's opt-level 3 (a million codes).
    let mut codes = codes;
    survcalc_scan::recode(&mut codes, &new_code);
    (codes, sorted)
}

/// Old indices of `labels` in sorted order.
pub(crate) fn sorted_level_order(labels: &[String], decimal_comma: bool) -> Vec<usize> {
    let numbers: Option<Vec<f64>> = labels
        .iter()
        .map(|l| {
            parse_number(l.as_bytes(), decimal_comma).or_else(|| parse_number(l.as_bytes(), false))
        })
        .collect();
    let mut idx: Vec<usize> = (0..labels.len()).collect();
    let label = |i: usize| labels.get(i).map_or("", String::as_str);
    match numbers {
        Some(x) => {
            let value = |i: usize| x.get(i).copied().unwrap_or(f64::NAN);
            survcalc_stats::sort::indices_by(&mut idx, &|a, b| {
                value(a)
                    .total_cmp(&value(b))
                    .then_with(|| natural_cmp(label(a), label(b)))
            });
        }
        None => survcalc_stats::sort::indices_by(&mut idx, &|a, b| natural_cmp(label(a), label(b))),
    }
    idx
}

/// Text order for people: runs of digits compare by value ("grade 2" <
/// "grade 10"), other characters ignoring case; exact byte order breaks ties.
pub(crate) fn natural_cmp(a: &str, b: &str) -> Ordering {
    natural_key_cmp(a, b).then_with(|| a.cmp(b))
}

fn natural_key_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a, b);
    loop {
        match (x.chars().next(), y.chars().next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let (dx, rx) = x.split_at(x.bytes().take_while(u8::is_ascii_digit).count());
                let (dy, ry) = y.split_at(y.bytes().take_while(u8::is_ascii_digit).count());
                let (tx, ty) = (dx.trim_start_matches('0'), dy.trim_start_matches('0'));
                let ord = tx.len().cmp(&ty.len()).then_with(|| tx.cmp(ty));
                if ord != Ordering::Equal {
                    return ord;
                }
                x = rx;
                y = ry;
            }
            (Some(c), Some(d)) => {
                let ord = c.to_lowercase().cmp(d.to_lowercase());
                if ord != Ordering::Equal {
                    return ord;
                }
                x = x.get(c.len_utf8()..).unwrap_or("");
                y = y.get(d.len_utf8()..).unwrap_or("");
            }
        }
    }
}

/// False for a cell that neither [`parse_number`] nor [`loose_reading`]
/// reads as a number, known from its first bytes: after at most one sign,
/// something other than a digit, '.' or ','. (`parse_number` needs a
/// digit or mark there, or an "inf" that it refuses; `loose_reading`
/// refuses every such cell first thing.) Saves two calls per cell of a
/// text column, which this crate's opt-level "z" does not inline.
#[inline(always)]
fn could_be_number(value: &[u8]) -> bool {
    survcalc_scan::could_be_number(value)
}

/// A finished column of text cells, before its type is decided.
struct TextColumn<'a> {
    name: String,
    arena: Arena,
    lines: &'a [u64],
    rules: &'a CellRules,
}

impl TextColumn<'_> {
    fn line(&self, row: usize) -> u64 {
        self.lines.get(row).copied().unwrap_or(0)
    }

    fn n_missing(&self) -> usize {
        // Counted at survcalc-scan's opt-level 3 (a call per cell here).
        survcalc_scan::count_empty(&self.arena.ends)
    }

    fn column(self, kind: ColumnKind, reason: String, declared: bool, data: ColumnData) -> Column {
        let n_missing = self.n_missing();
        Column {
            name: self.name,
            kind,
            reason,
            declared,
            n_missing,
            data,
            looks_like_dates: false,
            derived: None,
            reading: ReadingNotes::default(),
        }
    }

    fn text_column(self, reason: String, declared: bool) -> Column {
        self.text_kind(ColumnKind::Text, reason, declared)
    }

    fn text_kind(self, kind: ColumnKind, reason: String, declared: bool) -> Column {
        let values = self
            .arena
            .iter()
            .map(|v| {
                if v.is_empty() {
                    None
                } else {
                    Some(String::from_utf8_lossy(v).into_owned())
                }
            })
            .collect();
        self.column(kind, reason, declared, ColumnData::Text(values))
    }

    fn date_column(self, dates: Dates, reason: String, declared: bool) -> Column {
        self.column(
            ColumnKind::Date(dates.order),
            reason,
            declared,
            ColumnData::Date(dates.values),
        )
    }

    fn declared_category(self) -> Result<Column, TableError> {
        match categorize(&self.arena, usize::MAX, self.rules) {
            Some((codes, levels)) => {
                let reason = format!("declared as a category ({} levels)", levels.len());
                Ok(self.column(
                    ColumnKind::Category,
                    reason,
                    true,
                    ColumnData::Category { codes, levels },
                ))
            }
            None => Err(TableError::TooLarge { column: self.name }),
        }
    }

    fn declared_dates(self, order: DateOrder) -> Result<Column, TableError> {
        match convert_dates(&self.arena, order, self.rules.decimal_comma) {
            Ok(dates) => {
                let reason = format!("declared as dates ({})", dates.order.label());
                Ok(self.date_column(dates, reason, true))
            }
            Err(problem) => Err(self.date_error(problem, order)),
        }
    }

    fn date_error(&self, problem: DateProblem, order: DateOrder) -> TableError {
        let column = self.name.clone();
        let cell = |row: usize| (self.line(row), self.arena.text(row));
        match problem {
            DateProblem::NotDate { row, .. } => {
                let (line, value) = cell(row);
                let expected = match order {
                    DateOrder::ExcelSerial => {
                        "expected an Excel date number or year-month-day".to_string()
                    }
                    DateOrder::Auto => {
                        "expected a date such as 2021-03-15 or 15/03/2021".to_string()
                    }
                    o => format!("expected {}", o.label()),
                };
                TableError::InvalidDate {
                    column,
                    line,
                    value,
                    expected,
                }
            }
            DateProblem::Invalid { row, order } => {
                let (line, value) = cell(row);
                let expected = match order {
                    DateOrder::ExcelSerial => {
                        "expected an Excel date number or year-month-day".to_string()
                    }
                    o => format!("read as {}", o.label()),
                };
                TableError::InvalidDate {
                    column,
                    line,
                    value,
                    expected,
                }
            }
            DateProblem::TwoDigitYear { row } => {
                let (line, value) = cell(row);
                TableError::TwoDigitYear {
                    column,
                    line,
                    value,
                }
            }
            DateProblem::Ambiguous { row } => {
                let (line, value) = cell(row);
                TableError::AmbiguousDateOrder {
                    column,
                    line,
                    value,
                }
            }
            DateProblem::Impossible { row } => {
                let (line, value) = cell(row);
                TableError::InvalidDate {
                    column,
                    line,
                    value,
                    expected: "no such day as day/month/year or as month/day/year".to_string(),
                }
            }
            DateProblem::Contradictory {
                day_first_row,
                month_first_row,
            } => {
                let (day_first_line, day_first_value) = cell(day_first_row);
                let (month_first_line, month_first_value) = cell(month_first_row);
                TableError::ContradictoryDateOrder {
                    column,
                    day_first_line,
                    day_first_value,
                    month_first_line,
                    month_first_value,
                }
            }
            DateProblem::BadSerial { row, why } => {
                let (line, value) = cell(row);
                TableError::InvalidExcelSerial {
                    column,
                    line,
                    value,
                    why: why.to_string(),
                }
            }
        }
    }

    /// The type decision for an undeclared column of text cells.
    fn infer(self) -> Result<Column, TableError> {
        let n_present = self.arena.len() - self.n_missing();
        let numbers = self.number_readings();
        if let Some(column) = self.numbers_with_separators(&numbers, n_present) {
            return Ok(column);
        }
        let n_numbers = numbers.n_numbers;
        let mut notes: Vec<String> = Vec::new();
        let mut reading = ReadingNotes::default();
        // Dates with a stray bad cell: kept as text, flagged for the page.
        let mut looks_like_dates = false;
        if let (Some(first), true) = (numbers.cells.first(), n_numbers > 0) {
            let are = if n_numbers == 1 {
                "values is a number"
            } else {
                "values are numbers"
            };
            let problem = first.problem.describe(self.rules.decimal_comma);
            let more = match numbers.count {
                1 => String::new(),
                2 => " (and 1 other)".to_string(),
                n => format!(" (and {} others)", n - 1),
            };
            notes.push(format!(
                "{n_numbers} of {n_present} {are}, but line {}: \"{}\" {problem}{more}",
                first.line, first.value
            ));
            // A few non-numbers in a column of numbers: listed for the page
            // to offer reading them as missing.
            if numbers.count * NON_NUMBER_SHARE <= n_present {
                reading.non_numbers = Some(NonNumbers {
                    count: numbers.count,
                    cells: numbers.cells.clone(),
                    read_as_missing: false,
                });
            }
        }
        if numbers.count == 0 && n_numbers > 0 {
            // Every value is a number once the separators are settled.
            if let Some(e) = numbers
                .other_mark
                .clone()
                .filter(|_| !self.rules.decimal_declared)
            {
                notes.push(format!(
                    "all {n_present} non-missing values are numbers if read with {} as decimal mark (line {}: \"{}\")",
                    if self.rules.decimal_comma { "a point" } else { "a comma" },
                    e.line,
                    e.value
                ));
                reading.other_decimal_mark = Some(e);
            } else if let Some(e) = numbers.ambiguous.clone() {
                notes.push(format!(
                    "line {}: \"{}\" could be a number with {} as thousands separator or as decimal mark: choose the decimal mark, or declare the column a number (thousands)",
                    e.line,
                    e.value,
                    e.separator_name()
                ));
                reading.ambiguous_separator = Some(e);
            }
        }
        if n_present > 0 {
            match convert_dates(&self.arena, DateOrder::Auto, self.rules.decimal_comma) {
                Ok(dates) => {
                    let mut reason = format!(
                        "all {n_present} non-missing values are dates, {}",
                        dates.order.label()
                    );
                    if let Some(row) = dates.evidence_row {
                        let (a, b) = (self.line(row), self.arena.text(row));
                        reason.push_str(&format!(" (line {a}: \"{b}\" shows the order)"));
                    }
                    return Ok(self.date_column(dates, reason, false));
                }
                Err(DateProblem::Ambiguous { row }) => {
                    let reason = format!(
                        "all {n_present} non-missing values are dates, but none has a day above 12 (e.g. line {}: \"{}\"), so day/month/year and month/day/year both fit: choose the order",
                        self.line(row),
                        self.arena.text(row)
                    );
                    return Ok(self.text_kind(ColumnKind::AmbiguousDate, reason, false));
                }
                Err(p @ DateProblem::Contradictory { .. }) => {
                    return Err(self.date_error(p, DateOrder::Auto))
                }
                Err(DateProblem::Impossible { row }) => {
                    looks_like_dates = true;
                    notes.push(format!(
                        "looks like dates, but line {}: \"{}\" is no date as day/month/year or as month/day/year",
                        self.line(row),
                        self.arena.text(row)
                    ))
                }
                Err(DateProblem::TwoDigitYear { row }) => {
                    looks_like_dates = true;
                    notes.push(format!(
                        "looks like dates, but line {}: \"{}\" has a 2-digit year",
                        self.line(row),
                        self.arena.text(row)
                    ))
                }
                Err(DateProblem::Invalid { row, order }) => {
                    looks_like_dates = true;
                    notes.push(format!(
                        "looks like dates, but line {}: \"{}\" is not a valid date ({})",
                        self.line(row),
                        self.arena.text(row),
                        order.label()
                    ))
                }
                Err(DateProblem::NotDate { row, n_dates }) if n_dates > 0 => {
                    looks_like_dates = true;
                    notes.push(format!(
                        "{n_dates} of {n_present} values look like dates, but line {}: \"{}\" is not one",
                        self.line(row),
                        self.arena.text(row)
                    ))
                }
                Err(_) => {}
            }
        }
        let max = self.rules.max_levels;
        // Why not numbers or dates first, then why category or text.
        let note = if notes.is_empty() {
            String::new()
        } else {
            format!("{}; ", notes.join("; "))
        };
        let column = match categorize(&self.arena, max, self.rules) {
            Some((codes, levels)) if 2 * levels.len() <= n_present => {
                let reason = format!(
                    "{note}{} distinct values in {n_present} non-missing rows",
                    levels.len()
                );
                self.column(
                    ColumnKind::Category,
                    reason,
                    false,
                    ColumnData::Category { codes, levels },
                )
            }
            Some((_, levels)) => {
                let reason = format!(
                    "{note}{} distinct values in {n_present} non-missing rows: too many for a category (at most half the rows)",
                    levels.len()
                );
                self.text_column(reason, false)
            }
            None => {
                let reason = format!(
                    "{note}more than {max} distinct values in {n_present} non-missing rows: too many for a category"
                );
                self.text_column(reason, false)
            }
        };
        Ok(Column {
            looks_like_dates,
            reading,
            ..column
        })
    }

    /// Every non-missing cell read as a number in each way it can be, and
    /// what the column shows (rules in the module doc of `table`).
    fn number_readings(&self) -> NumberReadings {
        let dc = self.rules.decimal_comma;
        let other = if dc { '.' } else { ',' };
        let evidence = |separator: char, row: usize| SeparatorEvidence {
            separator: separator.to_string(),
            line: self.line(row),
            value: self.arena.text(row),
        };
        let mut n_numbers = 0usize;
        let mut n_grouped = 0usize;
        // First row of each kind of separator use.
        let mut spaced: Option<(char, usize)> = None;
        let mut other_grouped: Option<usize> = None;
        let mut ambiguous: Option<usize> = None;
        let mut other_mark_rows: Vec<usize> = Vec::new();
        // Only the first LISTED_CELLS refused cells are listed, the rest
        // counted: a text column of 1e6 words would otherwise build a list
        // entry per cell.
        let mut strays: Vec<(usize, CellProblem)> = Vec::new();
        let mut n_strays = 0usize;
        // The usual text column, every non-empty cell a word ("drug A",
        // "male"): counted at survcalc-scan's opt-level 3, and no cell can
        // be read as a number, so the loop below would only list them.
        let words = survcalc_scan::words(&self.arena.bytes, &self.arena.ends, LISTED_CELLS);
        let all_words = words.n_empty + words.n_words == self.arena.len();
        if all_words {
            n_strays = words.n_words;
            strays = words
                .first_rows
                .iter()
                .map(|&row| (row, CellProblem::NotANumber))
                .collect();
        }
        let mut stray = |strays: &mut Vec<(usize, CellProblem)>, row, problem| {
            n_strays += 1;
            if strays.len() < LISTED_CELLS {
                strays.push((row, problem));
            }
        };
        for (row, v) in self
            .arena
            .iter()
            .take(if all_words { 0 } else { usize::MAX })
            .enumerate()
        {
            if v.is_empty() {
                continue;
            }
            if !could_be_number(v) {
                // Words ("drug A", "male"): refused by both readings below.
                stray(&mut strays, row, CellProblem::NotANumber);
                continue;
            }
            if parse_number(v, dc).is_some() {
                n_numbers += 1;
                continue;
            }
            match loose_reading(v, dc) {
                Loose::Grouped {
                    separator,
                    ambiguous: is_ambiguous,
                    ..
                } => {
                    n_numbers += 1;
                    n_grouped += 1;
                    if is_ambiguous {
                        ambiguous.get_or_insert(row);
                    } else if separator == other {
                        other_grouped.get_or_insert(row);
                    } else {
                        spaced.get_or_insert((separator, row));
                    }
                }
                Loose::OtherMark { .. } => other_mark_rows.push(row),
                Loose::TooLarge => stray(&mut strays, row, CellProblem::TooLarge),
                Loose::NotANumber => stray(&mut strays, row, CellProblem::NotANumber),
            }
        }
        let mut r = NumberReadings::default();
        // "1,5" with a decimal point: the other mark explains it unless the
        // column groups thousands with that mark or the user chose the mark.
        let other_mark_explains =
            !other_mark_rows.is_empty() && other_grouped.is_none() && !self.rules.decimal_declared;
        if !other_mark_explains && !other_mark_rows.is_empty() {
            // The first listed of both (each in row order, no row in both)
            // hold the first listed of all.
            n_strays += other_mark_rows.len();
            strays.extend(
                other_mark_rows
                    .iter()
                    .take(LISTED_CELLS)
                    .map(|&row| (row, CellProblem::OtherDecimalMark)),
            );
            strays.sort_by_key(|&(row, _)| row);
            strays.truncate(LISTED_CELLS);
        }
        if n_strays == 0 {
            if other_mark_explains {
                r.other_mark = other_mark_rows.first().map(|&row| evidence(other, row));
                n_numbers += other_mark_rows.len();
            } else if n_grouped > 0 {
                match (ambiguous, other_grouped) {
                    (Some(row), None) if !self.rules.decimal_declared => {
                        r.ambiguous = Some(evidence(other, row))
                    }
                    _ => {
                        let first = [
                            other_grouped.map(|row| (other, row)),
                            spaced,
                            ambiguous.map(|row| (other, row)),
                        ]
                        .into_iter()
                        .flatten()
                        .next();
                        r.thousands = first.map(|(separator, row)| evidence(separator, row));
                    }
                }
            }
        }
        r.n_numbers = n_numbers;
        r.count = n_strays;
        r.cells = strays
            .iter()
            .take(LISTED_CELLS)
            .map(|&(row, problem)| CellNote {
                line: self.line(row),
                value: self.arena.text(row),
                problem,
            })
            .collect();
        r
    }

    /// A column whose every value is a number once thousands separators
    /// are read (with evidence, see the module doc of `table`).
    fn numbers_with_separators(
        &self,
        numbers: &NumberReadings,
        n_present: usize,
    ) -> Option<Column> {
        if numbers.count > 0 || numbers.ambiguous.is_some() || numbers.other_mark.is_some() {
            return None;
        }
        let evidence = numbers.thousands.clone()?;
        let dc = self.rules.decimal_comma;
        let values: Vec<Option<f64>> = self
            .arena
            .iter()
            .map(|v| {
                if v.is_empty() {
                    return None;
                }
                parse_number(v, dc).or(match loose_reading(v, dc) {
                    Loose::Grouped { value, .. } => Some(value),
                    _ => None,
                })
            })
            .collect();
        let reason = format!(
            "all {n_present} non-missing values are numbers, with {} as thousands separator (line {}: \"{}\")",
            evidence.separator_name(),
            evidence.line,
            evidence.value
        );
        let n_missing = values.iter().filter(|v| v.is_none()).count();
        Some(Column {
            name: self.name.clone(),
            kind: ColumnKind::Number,
            reason,
            declared: false,
            n_missing,
            data: ColumnData::Number(values),
            looks_like_dates: false,
            derived: None,
            reading: ReadingNotes {
                thousands_separator: Some(evidence),
                ..ReadingNotes::default()
            },
        })
    }
}

/// A column is "numbers with a few non-numbers" when at most one value in
/// this many is not a number.
const NON_NUMBER_SHARE: usize = 5;

/// How the cells of a text column read as numbers.
#[derive(Debug, Default)]
struct NumberReadings {
    /// Values that are numbers (plain, with thousands separators, or with
    /// the other decimal mark when that explains the column).
    n_numbers: usize,
    /// The thousands separator the column shows, with its first value.
    thousands: Option<SeparatorEvidence>,
    /// The first "1,250" (thousands or decimals?) when nothing settles it.
    ambiguous: Option<SeparatorEvidence>,
    /// Every non-number is a number with the other decimal mark.
    other_mark: Option<SeparatorEvidence>,
    /// Cells that are not numbers, all counted, the first listed.
    count: usize,
    cells: Vec<CellNote>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cells `could_be_number` refuses are refused by both readings, under
    /// either decimal mark, so skipping them changes no column's type.
    #[test]
    fn could_be_number_refuses_only_non_numbers() {
        let cells = [
            "drug A",
            "inf",
            "-inf",
            "+Infinity",
            "nan",
            "NaN",
            "e5",
            "-e5",
            "E1",
            "+",
            "-",
            "--1",
            "+-1",
            "-+1",
            " 1",
            "\u{a0}12",
            "é",
            "x1",
            "'1",
            "1",
            ".5",
            ",5",
            "-.5",
            "+,5",
            "1 250",
            "-1",
            "i",
            "I",
        ];
        let mut refused = 0;
        for cell in cells {
            let v = cell.as_bytes();
            if !could_be_number(v) {
                refused += 1;
                for dc in [false, true] {
                    assert_eq!(parse_number(v, dc), None, "{cell}");
                    assert_eq!(loose_reading(v, dc), Loose::NotANumber, "{cell}");
                }
            }
        }
        assert!(refused > 15);
    }

    /// The plain-decimal fast path of `push` reads every cell as the
    /// general path does: same bits (Debug prints -0.0 and every digit),
    /// same types, missing cells and notes, under both decimal marks, with
    /// the default tokens and with a numeric one.
    #[test]
    fn plain_decimal_fast_path_agrees_with_the_general_reader() {
        let cells = [
            "0",
            "-0",
            "+3",
            "1.5",
            "-0.478",
            ".5",
            "5.",
            "-.5",
            "1e400",
            "1e5",
            "2.5E-3",
            "123456789012345",
            "1234567890123456",
            "12345678.9012345",
            "0.1234567890123456",
            "99999999999999.9",
            "0007",
            "1,250",
            "1.250",
            "1,5",
            "-0,25",
            " 12 ",
            "12\u{a0}",
            "\t-3.5",
            "NA",
            "na",
            ".",
            "-",
            "",
            "--1",
            "1.2.3",
            "1-2",
            "-99",
            "inf",
            "drug A",
        ];
        let default_tokens: Vec<String> = ["NA", "N/A", ".", "NaN", "-"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let numeric_token: Vec<String> = vec!["-99".into(), "NA".into()];
        let mut fast_path_used = 0;
        for decimal_comma in [false, true] {
            for tokens in [&default_tokens, &numeric_token] {
                let rules = CellRules {
                    missing: MissingTokens::new(tokens),
                    decimal_comma,
                    decimal_declared: false,
                    level_order: LevelOrder::Sorted,
                    max_levels: 50,
                };
                let mark = if decimal_comma { b',' } else { b'.' };
                for cell in cells {
                    if !rules.missing.plain_number_token()
                        && plain_decimal(cell.as_bytes(), mark).is_some()
                    {
                        fast_path_used += 1;
                    }
                    for declared in [None, Some(ColumnType::Number)] {
                        let mut fast = ColumnBuilder::new("x".into(), declared, false, 2);
                        let mut general = ColumnBuilder::new("x".into(), declared, false, 2);
                        for (line, c) in [(2, cell), (3, "1")] {
                            let a = fast.push(c.as_bytes(), line, &rules);
                            let b = general.push_cell(c.as_bytes(), line, &rules);
                            assert_eq!(a, b, "{cell:?}");
                        }
                        let (a, b) = (
                            fast.finish(&[2, 3], &rules),
                            general.finish(&[2, 3], &rules),
                        );
                        assert_eq!(
                            format!("{a:?}"),
                            format!("{b:?}"),
                            "{cell:?} {declared:?} {decimal_comma}"
                        );
                    }
                }
            }
        }
        // Both marks, default tokens: 0 -0 1.5 -0.478 .5 5. -.5 and the 15-digit ones...
        assert!(fast_path_used >= 20, "{fast_path_used}");
        assert_eq!(
            plain_decimal(b"-0", b'.').map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
        assert_eq!(plain_decimal(b"1234567890123456", b'.'), None);
        assert_eq!(plain_decimal(b"-99", b'.'), Some(-99.0));
        assert!(MissingTokens::new(&numeric_token).plain_number_token());
    }

    #[test]
    fn natural_order() {
        let mut v = vec![
            "grade 10", "Grade 2", "grade 1", "b", "A", "a", "x2y", "x10y", "007", "7", "8",
        ];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            v,
            ["007", "7", "8", "A", "a", "b", "grade 1", "Grade 2", "grade 10", "x2y", "x10y"]
        );
    }

    #[test]
    fn numeric_levels_sort_by_value() {
        let labels: Vec<String> = ["10", "-1", "2", "1.5"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (codes, levels) = sort_levels(
            vec![Some(0), Some(1), None, Some(2), Some(3)],
            labels,
            false,
        );
        assert_eq!(levels, ["-1", "1.5", "2", "10"]);
        assert_eq!(codes, [Some(3), Some(0), None, Some(2), Some(1)]);
    }

    fn arena(values: &[&str]) -> Arena {
        let mut a = Arena::default();
        for v in values {
            assert!(a.push(v.as_bytes()));
        }
        a
    }

    #[test]
    fn arena_round_trip_and_append() {
        let mut a = arena(&["x", "", "yz"]);
        assert!(a.append(arena(&["", "w"])));
        let got: Vec<&[u8]> = a.iter().collect();
        assert_eq!(got, [&b"x"[..], b"", b"yz", b"", b"w"]);
        assert_eq!(a.get(2), b"yz");
        assert_eq!(a.get(9), b"");
    }

    #[test]
    fn date_order_from_values() {
        let d = convert_dates(
            &arena(&["01/02/2021", "", "25/02/2021"]),
            DateOrder::Auto,
            false,
        )
        .unwrap();
        assert_eq!(d.order, DateOrder::DayMonthYear);
        assert_eq!(d.evidence_row, Some(2));
        assert_eq!(d.values[0], Date::from_ymd(2021, 2, 1));
        assert_eq!(d.values[1], None);
        let d = convert_dates(
            &arena(&["01/02/2021", "02/25/2021"]),
            DateOrder::Auto,
            false,
        )
        .unwrap();
        assert_eq!(d.order, DateOrder::MonthDayYear);
        assert_eq!(d.values[0], Date::from_ymd(2021, 1, 2));
        assert_eq!(
            convert_dates(
                &arena(&["01/02/2021", "2021-05-05"]),
                DateOrder::Auto,
                false
            )
            .err(),
            Some(DateProblem::Ambiguous { row: 0 })
        );
        assert_eq!(
            convert_dates(
                &arena(&["13/02/2021", "02/13/2021"]),
                DateOrder::Auto,
                false
            )
            .err(),
            Some(DateProblem::Contradictory {
                day_first_row: 0,
                month_first_row: 1
            })
        );
        assert_eq!(
            convert_dates(
                &arena(&["2021-01-31", "2021-02-30"]),
                DateOrder::Auto,
                false
            )
            .err(),
            Some(DateProblem::Invalid {
                row: 1,
                order: DateOrder::YearMonthDay
            })
        );
        assert_eq!(
            convert_dates(&arena(&["02/13/2021"]), DateOrder::DayMonthYear, false).err(),
            Some(DateProblem::Invalid {
                row: 0,
                order: DateOrder::DayMonthYear
            })
        );
    }
}
