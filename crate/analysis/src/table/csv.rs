//! CSV bytes -> [`Table`]: encoding, delimiter detection, the record loop
//! with line numbers, header checks, progress reports.
//!
//! Records come from BurntSushi's `csv` crate (RFC 4180 quoting, embedded
//! newlines, CR/LF/CRLF) as byte records, so numeric cells are parsed
//! without allocating. One pass reads the file; a second, partial pass runs
//! only when a column that looked numeric turns out to hold text.

use super::file_kind::{detect_file_kind, FileKind};
use super::infer::{CellRules, ColumnBuilder};
use super::number::MissingTokens;
use super::{ColumnType, DecimalMark, Delimiter, ReadOptions, Table, TableError};
use crate::warning::{CellValue, Warning};
use ::csv::{ByteRecord, Reader, ReaderBuilder, Terminator};
use std::borrow::Cow;
use std::collections::HashMap;

/// Bytes between two progress reports.
const PROGRESS_STEP: u64 = 4 << 20;
/// How much of the file the delimiter detection looks at.
const SNIFF_BYTES: usize = 64 << 10;
const SNIFF_RECORDS: usize = 50;
/// Characters of a value quoted in a message about its row.
const QUOTED_CHARS: usize = 40;
/// Lines of skipped empty rows listed in the warning.
const LISTED_LINES: usize = 10;

/// Reads a CSV file (see the module doc of `table` for the rules).
pub fn read_csv(input: &[u8], options: &ReadOptions) -> Result<Table, TableError> {
    read_csv_with_progress(input, options, |_, _| {})
}

/// Like [`read_csv`], calling `progress(bytes_done, bytes_total)` every
/// few MB and once at the end, so a web worker can show a progress bar.
/// Bytes count the UTF-8 text after removing a byte-order mark (after
/// conversion for UTF-16 files). A spreadsheet or a file of another kind
/// (SPSS, Word, PDF, ...) is an error naming its format
/// ([`detect_file_kind`]).
pub fn read_csv_with_progress<F: FnMut(u64, u64)>(
    input: &[u8],
    options: &ReadOptions,
    mut progress: F,
) -> Result<Table, TableError> {
    let kind = detect_file_kind(input);
    if kind != FileKind::Text {
        return Err(TableError::NotText { kind });
    }
    if looks_like_utf16_without_bom(input) {
        return Err(TableError::Utf16WithoutBom);
    }
    let text = decode(input);
    let data: &[u8] = &text;
    let total = data.len() as u64;
    let delimiter = match options.delimiter {
        Delimiter::Auto => sniff(data),
        Delimiter::Comma => b',',
        Delimiter::Semicolon => b';',
        Delimiter::Tab => b'\t',
    };
    let decimal_comma = match options.decimal {
        DecimalMark::Auto => delimiter == b';',
        DecimalMark::Point => false,
        DecimalMark::Comma => true,
    };
    let rules = cell_rules(options, decimal_comma);

    let mut rows = RowReader::new(data, delimiter);
    let (header_line, names) = rows.header()?;
    // A row count estimated from the first 64 kB keeps vectors from regrowing.
    let sample = data.get(..SNIFF_BYTES).unwrap_or(data);
    let sample_lines = sample.iter().filter(|&&b| b == b'\n').count().max(1);
    let rows_hint =
        (sample_lines as f64 * data.len() as f64 / sample.len().max(1) as f64 * 1.02) as usize + 16;
    // A row takes at least one byte per column (separators and line end).
    let rows_hint = rows_hint.min(data.len() / names.len().max(1) + 1);
    let mut builders = column_builders(&names, options, rows_hint)?;

    let mut lines: Vec<u64> = Vec::with_capacity(rows_hint);
    let mut next_report = PROGRESS_STEP;
    while let Some(line) = rows.next_row()? {
        // Indexing rather than zipping iterators: at the crate's opt-level
        // "z" the zip is a call per cell.
        let text = rows.text();
        for (i, builder) in builders.iter_mut().enumerate() {
            let Some(&(start, end)) = rows.cells.get(i) else {
                break;
            };
            builder.push(text.get(start..end).unwrap_or(&[]), line, &rules)?;
        }
        lines.push(line);
        let done = rows.byte_position();
        if done >= next_report {
            progress(done, total);
            next_report = done + PROGRESS_STEP;
        }
    }
    if lines.is_empty() {
        return Err(TableError::NoDataRows { header_line });
    }
    rows.check_unclosed_quote()?;

    let reread = builders
        .iter()
        .map(ColumnBuilder::prefix_rows)
        .max()
        .unwrap_or(0);
    if reread > 0 {
        let mut again = RowReader::new(data, delimiter);
        again.header()?;
        for _ in 0..reread {
            let Some(line) = again.next_row()? else { break };
            for (builder, field) in builders.iter_mut().zip(again.cells()) {
                builder.push_prefix(field, line, &rules)?;
            }
        }
    }

    let mut warnings = Vec::new();
    if rows.n_skipped > 0 {
        warnings.push(Warning::SkippedEmptyRows {
            count: rows.n_skipped,
            lines: rows.skipped_lines.clone(),
        });
    }
    let table = finish_table(builders, lines, header_line, &rules, options, warnings)?;
    progress(total, total);
    Ok(Table {
        delimiter: char::from(delimiter),
        ..table
    })
}

/// The per-cell rules of a file read with `options`.
pub(super) fn cell_rules(options: &ReadOptions, decimal_comma: bool) -> CellRules {
    CellRules {
        missing: MissingTokens::new(&options.missing_tokens),
        decimal_comma,
        decimal_declared: options.decimal != DecimalMark::Auto,
        level_order: options.level_order,
        max_levels: options.max_category_levels,
    }
}

/// One builder per header name, with the types and choices of `options`
/// (which must name columns of the header).
pub(super) fn column_builders(
    names: &[String],
    options: &ReadOptions,
    rows_hint: usize,
) -> Result<Vec<ColumnBuilder>, TableError> {
    for name in options
        .column_types
        .keys()
        .chain(&options.non_numbers_as_missing)
    {
        if !names.contains(name) {
            let listed: Vec<&str> = names.iter().map(String::as_str).collect();
            let nearest = crate::request::did_you_mean(name, &listed).map(str::to_string);
            return Err(TableError::UnknownColumn {
                name: name.clone(),
                nearest,
            });
        }
    }
    for name in &options.non_numbers_as_missing {
        match options.column_types.get(name) {
            None | Some(ColumnType::Number) => {}
            Some(_) => {
                return Err(TableError::NonNumbersAsMissingNotNumber {
                    column: name.clone(),
                })
            }
        }
    }
    Ok(names
        .iter()
        .map(|n| {
            let as_missing = options.non_numbers_as_missing.contains(n);
            let declared = if as_missing {
                Some(ColumnType::Number)
            } else {
                options.column_types.get(n).copied()
            };
            ColumnBuilder::new(n.clone(), declared, as_missing, rows_hint)
        })
        .collect())
}

/// The table once every row has been pushed: types decided, reading
/// warnings added. `delimiter` is ',' (the caller sets its own).
pub(super) fn finish_table(
    builders: Vec<ColumnBuilder>,
    lines: Vec<u64>,
    header_line: u64,
    rules: &CellRules,
    options: &ReadOptions,
    mut warnings: Vec<Warning>,
) -> Result<Table, TableError> {
    let columns = builders
        .into_iter()
        .map(|b| b.finish(&lines, rules))
        .collect::<Result<Vec<_>, _>>()?;
    for column in &columns {
        if let Some(n) = column
            .reading
            .non_numbers
            .as_ref()
            .filter(|n| n.read_as_missing)
        {
            warnings.push(Warning::NonNumbersReadAsMissing {
                column: column.name.clone(),
                count: n.count,
                cells: n
                    .cells
                    .iter()
                    .map(|c| CellValue {
                        line: c.line,
                        value: c.value.clone(),
                    })
                    .collect(),
            });
        }
    }
    Ok(Table {
        columns,
        lines,
        header_line,
        delimiter: ',',
        decimal_comma: rules.decimal_comma,
        synthetic: options.synthetic,
        sheet: None,
        warnings,
    })
}

/// The delimiter [`read_csv`] would detect: ',', ';' or '\t'.
pub fn sniff_delimiter(input: &[u8]) -> char {
    char::from(sniff(&decode(input)))
}

/// UTF-8 text without byte-order mark and with '\n' in its line ends.
fn decode(input: &[u8]) -> Cow<'_, [u8]> {
    let text = decode_encoding(input);
    // Excel for Mac's "Macintosh CSV" ends lines with a lone '\r'; the
    // reader splits records there but counts lines by '\n'.
    let sample = text.get(..SNIFF_BYTES).unwrap_or(&text);
    if sample.contains(&b'\r') && !sample.contains(&b'\n') {
        return Cow::Owned(
            text.iter()
                .map(|&b| if b == b'\r' { b'\n' } else { b })
                .collect(),
        );
    }
    text
}

/// UTF-8 text without byte-order mark; UTF-16 with a BOM is converted.
fn decode_encoding(input: &[u8]) -> Cow<'_, [u8]> {
    if let Some(rest) = input.strip_prefix(b"\xEF\xBB\xBF") {
        Cow::Borrowed(rest)
    } else if let Some(rest) = input.strip_prefix(b"\xFF\xFE") {
        Cow::Owned(utf16_to_utf8(rest, true))
    } else if let Some(rest) = input.strip_prefix(b"\xFE\xFF") {
        Cow::Owned(utf16_to_utf8(rest, false))
    } else {
        Cow::Borrowed(input)
    }
}

/// UTF-16 text without a byte-order mark: at least a quarter of the first
/// (up to) 4 kB pairs hold a NUL in the same position (the high byte of
/// ASCII characters) and almost none in the other. A UTF-8 CSV has no NUL
/// bytes at all, so a few stray ones do not trigger this.
fn looks_like_utf16_without_bom(input: &[u8]) -> bool {
    if input.starts_with(b"\xEF\xBB\xBF")
        || input.starts_with(b"\xFF\xFE")
        || input.starts_with(b"\xFE\xFF")
    {
        return false;
    }
    let sample = input.get(..4096).unwrap_or(input);
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return false;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even += usize::from(pair.first() == Some(&0));
        odd += usize::from(pair.get(1) == Some(&0));
    }
    let (many, few) = if even > odd { (even, odd) } else { (odd, even) };
    many * 4 >= pairs && few * 20 <= pairs
}

fn utf16_to_utf8(bytes: &[u8], little_endian: bool) -> Vec<u8> {
    let units = bytes.chunks_exact(2).map(|c| {
        let pair = [
            c.first().copied().unwrap_or(0),
            c.get(1).copied().unwrap_or(0),
        ];
        if little_endian {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect::<String>()
        .into_bytes()
}

fn reader(data: &[u8], delimiter: u8) -> Reader<&[u8]> {
    ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .terminator(Terminator::CRLF)
        .from_reader(data)
}

fn is_blank(record: &ByteRecord) -> bool {
    record.iter().all(|f| f.trim_ascii().is_empty())
}

/// Picks among ',', ';' and tab the delimiter under which the first
/// records agree with the header's field count (quotes respected), then
/// the one giving more columns; comma when nothing fits better.
fn sniff(data: &[u8]) -> u8 {
    let truncated = data.len() > SNIFF_BYTES;
    let sample = data.get(..SNIFF_BYTES).unwrap_or(data);
    let mut best = (b',', (false, 0usize, 0usize));
    for delimiter in [b',', b';', b'\t'] {
        let mut rdr = reader(sample, delimiter);
        let mut record = ByteRecord::new();
        let mut counts = Vec::new();
        while counts.len() < SNIFF_RECORDS {
            match rdr.read_byte_record(&mut record) {
                Ok(true) if is_blank(&record) => {}
                Ok(true) => counts.push(record.len()),
                _ => break,
            }
        }
        if truncated && counts.len() > 1 {
            // The last record of a cut sample may be incomplete.
            counts.pop();
        }
        let Some((&header, body)) = counts.split_first() else {
            continue;
        };
        let agreeing = body.iter().filter(|&&n| n == header).count();
        // Per mille of rows agreeing with the header (all agree when none).
        let agreement = if body.is_empty() {
            1000
        } else {
            agreeing * 1000 / body.len()
        };
        let score = (header > 1, agreement, header);
        if score > best.1 {
            best = (delimiter, score);
        }
    }
    best.0
}

/// Data rows of the file, each with the line where it starts.
///
/// Rows without a quote character are split here, in place: for them the
/// csv crate's rules (terminator CRLF, no comments) come down to "a record
/// is a run of bytes other than '\r' and '\n', its cells are split at the
/// delimiter, empty lines are skipped", and splitting without copying cells
/// into a record halves the cost of a large file. The first row holding a
/// quote hands the rest of the file to the csv crate (RFC 4180 quoting,
/// newlines inside quotes), which then reads exactly as it would have from
/// the start, since every record before was quote-free.
struct RowReader<'a> {
    data: &'a [u8],
    delimiter: u8,
    /// Bytes that stop the in-place splitter: delimiter, '\r', '\n', '"'.
    stops: [bool; 256],
    /// The next byte the splitter reads and its 1-based line.
    pos: usize,
    line: u64,
    /// The csv crate's reader once a row with a quote has been met.
    quoted: Option<QuotedRows<'a>>,
    /// The current row's cells: byte ranges of `data` while splitting in
    /// place, of the csv record's bytes afterwards.
    cells: Vec<(usize, usize)>,
    n_columns: usize,
    n_skipped: usize,
    skipped_lines: Vec<u64>,
    /// Byte offset of the current row's first byte.
    row_start: usize,
    /// Byte offset and line of the last data row returned.
    last_row: Option<(usize, u64)>,
}

/// The csv crate reading the file from `offset` (a record's first byte) on.
struct QuotedRows<'a> {
    rdr: Reader<&'a [u8]>,
    record: ByteRecord,
    offset: usize,
    /// Lines of the file before `offset` (the reader counts from 1).
    lines_before: u64,
}

impl<'a> RowReader<'a> {
    fn new(data: &'a [u8], delimiter: u8) -> Self {
        let mut stops = [false; 256];
        for b in [delimiter, b'\r', b'\n', b'"'] {
            stops[usize::from(b)] = true;
        }
        RowReader {
            data,
            delimiter,
            stops,
            pos: 0,
            line: 1,
            quoted: None,
            cells: Vec::new(),
            n_columns: 0,
            n_skipped: 0,
            skipped_lines: Vec::new(),
            row_start: 0,
            last_row: None,
        }
    }

    fn byte_position(&self) -> u64 {
        match &self.quoted {
            Some(q) => q.offset as u64 + q.rdr.position().byte(),
            None => self.pos as u64,
        }
    }

    /// The bytes `cells` index into.
    #[inline(always)]
    fn text(&self) -> &[u8] {
        match &self.quoted {
            Some(q) => q.record.as_slice(),
            None => self.data,
        }
    }

    /// The current row's cells.
    fn cells(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let text = self.text();
        self.cells
            .iter()
            .map(move |&(start, end)| text.get(start..end).unwrap_or(&[]))
    }

    fn is_blank(&self) -> bool {
        self.cells().all(|f| f.trim_ascii().is_empty())
    }

    /// Reads the next record; returns the line where it starts.
    fn read(&mut self) -> Result<Option<u64>, TableError> {
        if self.quoted.is_none() {
            match self.split_in_place() {
                Some(true) => return Ok(Some(self.line)),
                None => return Ok(None),
                Some(false) => {
                    self.quoted = Some(QuotedRows {
                        rdr: reader(self.data.get(self.pos..).unwrap_or(&[]), self.delimiter),
                        record: ByteRecord::new(),
                        offset: self.pos,
                        lines_before: self.line - 1,
                    })
                }
            }
        }
        let Some(q) = self.quoted.as_mut() else {
            return Ok(None);
        };
        match q.rdr.read_byte_record(&mut q.record) {
            Ok(false) => Ok(None),
            Ok(true) => {
                self.cells.clear();
                self.cells.extend(
                    (0..q.record.len())
                        .filter_map(|i| q.record.range(i))
                        .map(|r| (r.start, r.end)),
                );
                let (start, line) = self.start_of_quoted_record();
                self.row_start = start;
                Ok(Some(line))
            }
            Err(e) => Err(TableError::Csv {
                line: q.lines_before
                    + e.position()
                        .map_or_else(|| q.rdr.position().line(), |p| p.line()),
                message: e.to_string(),
            }),
        }
    }

    /// Splits the next record at `pos` into `cells`: `Some(true)` with
    /// `line` its line, `Some(false)` when it holds a quote (`pos` is then
    /// its first byte), `None` at the end of the file.
    #[inline]
    fn split_in_place(&mut self) -> Option<bool> {
        let data = self.data;
        let mut pos = self.pos;
        // Line ends between records, as the csv crate skips them.
        while let Some(&b) = data.get(pos) {
            match b {
                b'\n' => self.line += 1,
                b'\r' => {}
                _ => break,
            }
            pos += 1;
        }
        self.pos = pos;
        if pos >= data.len() {
            return None;
        }
        let start = pos;
        self.cells.clear();
        let mut cell_start = pos;
        loop {
            let rest = data.get(pos..).unwrap_or(&[]);
            let Some(skip) = rest.iter().position(|&b| self.stops[usize::from(b)]) else {
                pos = data.len();
                break;
            };
            pos += skip;
            match data.get(pos) {
                Some(&b) if b == self.delimiter => {
                    self.cells.push((cell_start, pos));
                    pos += 1;
                    cell_start = pos;
                }
                Some(b'"') => return Some(false),
                _ => break,
            }
        }
        self.cells.push((cell_start, pos));
        self.row_start = start;
        self.pos = pos;
        Some(true)
    }

    /// The csv crate positions a record just after the previous one's
    /// terminator, which may be the '\r' of a CRLF or precede blank lines
    /// (which it skips): step over those to the record's own first byte
    /// and line.
    fn start_of_quoted_record(&self) -> (usize, u64) {
        let Some(q) = &self.quoted else {
            return (self.pos, self.line);
        };
        let (mut byte, mut line) = match q.record.position() {
            Some(p) => (
                usize::try_from(p.byte()).map_or(usize::MAX, |b| b.saturating_add(q.offset)),
                p.line(),
            ),
            None => (usize::MAX, q.rdr.position().line()),
        };
        line += q.lines_before;
        while let Some(&b) = self.data.get(byte) {
            match b {
                b'\n' => line += 1,
                b'\r' => {}
                _ => break,
            }
            byte += 1;
        }
        (byte, line)
    }

    /// The header: trimmed, non-empty, distinct UTF-8 names.
    fn header(&mut self) -> Result<(u64, Vec<String>), TableError> {
        let line = loop {
            match self.read()? {
                None => return Err(TableError::EmptyFile),
                Some(_) if self.is_blank() && self.cells.len() <= 1 => continue,
                Some(line) => break line,
            }
        };
        let mut names = Vec::with_capacity(self.cells.len());
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, field) in self.cells().enumerate() {
            if field.contains(&b'\n') {
                self.check_header_quote(line)?;
            }
            let name = std::str::from_utf8(field.trim_ascii())
                .map_err(|_| TableError::NotUtf8 { line, column: None })?
                .to_string();
            if name.contains('\0') {
                return Err(TableError::NulInHeader {
                    column_number: i + 1,
                    line,
                    name: super::error::visible(&name),
                });
            }
            if name.is_empty() {
                return Err(TableError::EmptyHeaderName {
                    column_number: i + 1,
                    line,
                });
            }
            if let Some(&first) = seen.get(&name) {
                return Err(TableError::DuplicateHeaderName {
                    name,
                    first_column: first + 1,
                    second_column: i + 1,
                    line,
                });
            }
            seen.insert(name.clone(), i);
            names.push(name);
        }
        self.n_columns = names.len();
        Ok((line, names))
    }

    /// A header name that spans lines: when the file from the header on
    /// holds an odd number of quotes, a quote opened in the header is never
    /// closed and has swallowed the rest of the file.
    fn check_header_quote(&self, line: u64) -> Result<(), TableError> {
        let raw = self.data.get(self.row_start..).unwrap_or(&[]);
        if raw.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
            return Err(TableError::UnclosedQuote { line });
        }
        Ok(())
    }

    /// After the last row: an unclosed quote makes the reader take the rest
    /// of the file as one value, so the last row then spans lines and holds
    /// an odd number of quote characters.
    fn check_unclosed_quote(&self) -> Result<(), TableError> {
        let Some((byte, line)) = self.last_row else {
            return Ok(());
        };
        let raw = self.data.get(byte..).unwrap_or(&[]).trim_ascii();
        let quotes = raw.iter().filter(|&&b| b == b'"').count();
        if quotes % 2 == 1 && raw.contains(&b'\n') {
            return Err(TableError::UnclosedQuote { line });
        }
        Ok(())
    }

    /// Advances to the next data row (skipping rows of empty cells); the
    /// row's cells are then in `self.cells()`.
    fn next_row(&mut self) -> Result<Option<u64>, TableError> {
        loop {
            let Some(line) = self.read()? else {
                return Ok(None);
            };
            let blank = self.is_blank();
            if self.cells.len() == self.n_columns && !blank {
                self.last_row = Some((self.row_start, line));
                return Ok(Some(line));
            }
            if blank {
                self.n_skipped += 1;
                if self.skipped_lines.len() < LISTED_LINES {
                    self.skipped_lines.push(line);
                }
                continue;
            }
            let embedded_newlines = self
                .cells()
                .map(|v| v.iter().filter(|&&b| b == b'\n').count() as u64)
                .sum::<u64>();
            let found = self.cells.len();
            // A short row on one line is quoted whole, so the user sees
            // which values are there (a row swallowed by a quote is not).
            let present = if found < self.n_columns && embedded_newlines == 0 {
                self.cells()
                    .take(super::error::LISTED_VALUES)
                    .map(|v| {
                        let text = String::from_utf8_lossy(v.trim_ascii());
                        // A runaway cell is named by its start, not pasted whole.
                        if text.chars().count() > QUOTED_CHARS {
                            format!("{}…", text.chars().take(QUOTED_CHARS).collect::<String>())
                        } else {
                            text.into_owned()
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            return Err(TableError::RaggedRow {
                line,
                last_line: line + embedded_newlines,
                expected: self.n_columns,
                found,
                extra_value: self
                    .cells()
                    .skip(self.n_columns)
                    .map(<[u8]>::trim_ascii)
                    .find(|v| !v.is_empty())
                    .map(|v| String::from_utf8_lossy(v).into_owned()),
                present,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records as the csv crate reads the whole file: cells and the line
    /// of each record's first byte.
    fn csv_crate_rows(data: &[u8], delimiter: u8) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut rdr = reader(data, delimiter);
        let mut record = ByteRecord::new();
        let mut rows = Vec::new();
        while rdr.read_byte_record(&mut record).unwrap() {
            let p = record.position().unwrap();
            let (mut byte, mut line) = (p.byte() as usize, p.line());
            while let Some(&b) = data.get(byte).filter(|&&b| b == b'\n' || b == b'\r') {
                line += u64::from(b == b'\n');
                byte += 1;
            }
            rows.push((line, record.iter().map(<[u8]>::to_vec).collect()));
        }
        rows
    }

    fn row_reader_rows(data: &[u8], delimiter: u8) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut rows = RowReader::new(data, delimiter);
        let mut out = Vec::new();
        while let Some(line) = rows.read().unwrap() {
            out.push((line, rows.cells().map(<[u8]>::to_vec).collect()));
        }
        out
    }

    /// The in-place splitter and its hand-over to the csv crate at the
    /// first quote give the csv crate's records and lines on byte soup of
    /// delimiters, line ends (CR, LF, CRLF, blank lines) and quotes.
    #[test]
    fn rows_split_in_place_match_the_csv_crate() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let fixed: [&[u8]; 6] = [
            b"a,b\r\n1,2\r\n\r\n3,\r\n",
            b"\n\na,b\n1,2",
            b"a,b\n1,x\"y\"\n2,\"3\n4\"\n5,6\n",
            b"a;b\r1;2\r\r3;4",
            b"a,b\n,\n 1 , 2 \n,,,\n",
            b"",
        ];
        let mut inputs: Vec<Vec<u8>> = fixed.iter().map(|s| s.to_vec()).collect();
        for n in 0..3000 {
            // One input in three has no quote at all (split in place throughout).
            let alphabet: &[u8] = if n % 3 == 0 {
                b",;\t\n\r a1.-"
            } else {
                b",;\t\n\r a1.-\""
            };
            let len = (next() % 60) as usize;
            inputs.push(
                (0..len)
                    .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                    .collect(),
            );
        }
        for input in &inputs {
            for delimiter in [b',', b';', b'\t'] {
                assert_eq!(
                    row_reader_rows(input, delimiter),
                    csv_crate_rows(input, delimiter),
                    "{:?} with {:?}",
                    String::from_utf8_lossy(input),
                    char::from(delimiter)
                );
            }
        }
    }
}
