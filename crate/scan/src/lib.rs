//! The hot loop of reading a large CSV file, in a crate of its own so that
//! it is compiled at opt-level 3 while survcalc-analysis, which calls it, is
//! compiled for size (opt-level "z", where the per-byte and per-cell calls
//! of this loop are not inlined and reading took 1.5-2x longer; issue 16).
//!
//! Only the common case is handled here: rows without a quote character,
//! number cells that are plain decimals ("12.34", "-0.5", "1") or empty,
//! text cells of printable ASCII that cannot be a missing-value token. Any
//! other row is handed back whole, already split, to the general reader in
//! survcalc-analysis (`table::csv`), which applies every rule (trimming,
//! missing tokens, loose numbers, quotes, errors with lines and values);
//! a row is either taken here completely or not at all, so the columns
//! hold exactly what the general reader would have stored.
//!
//! Every function is plain safe Rust and never panics on any input.

#![forbid(unsafe_code)]

/// Exact powers of ten representable in f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// An untrimmed '-'?digits cell with at most one `mark` and at most 15
/// digits, as a number; `None` for anything else (spaces, '+', exponents,
/// longer numbers, words, the empty cell), which the general parser reads.
///
/// At most 15 digits: the mantissa is below 2^53 and the power of ten at
/// most 1e15, both exact, so the one division rounds correctly (Clinger's
/// exact case) and equals `str::parse::<f64>` on the same text.
pub fn plain_decimal(raw: &[u8], mark: u8) -> Option<f64> {
    // Whole numbers of one digit (0/1 indicators, scores): a third of the
    // cells of a typical clinical file.
    if let [b] = raw {
        let d = b.wrapping_sub(b'0');
        return if d < 10 { Some(f64::from(d)) } else { None };
    }
    let (negative, digits) = match raw.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, raw),
    };
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut n_fraction = 0usize;
    let mut seen_mark = false;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d < 10 {
            mantissa = mantissa * 10 + u64::from(d);
            n_fraction += usize::from(seen_mark);
        } else if b == mark && !seen_mark {
            seen_mark = true;
        } else {
            return None;
        }
    }
    // 16 bytes are 15 digits only with the mark among them; a lone mark
    // is no number.
    if digits.len() == 16 && !seen_mark || digits.len() == usize::from(seen_mark) {
        return None;
    }
    // Whole numbers skip the division (by 1, exact: the same value).
    let x = if n_fraction == 0 {
        mantissa as f64
    } else {
        mantissa as f64 / *POW10.get(n_fraction)?
    };
    Some(if negative { -x } else { x })
}

/// What the general reader would store for one column, as far as this
/// crate fills it in.
#[derive(Debug)]
pub enum Sink {
    /// A column still read as numbers: a value per row, `None` if missing.
    Numbers(Vec<Option<f64>>),
    /// A column read as text: trimmed cells one after the other in
    /// `bytes`, `ends[row]` the end of the row's cell; missing cells empty.
    Texts { bytes: Vec<u8>, ends: Vec<u32> },
}

impl Sink {
    /// Removes the last value (a row taken back).
    fn pop(&mut self) {
        match self {
            Sink::Numbers(values) => {
                values.pop();
            }
            Sink::Texts { bytes, ends } => {
                ends.pop();
                bytes.truncate(ends.last().map_or(0, |&e| e as usize));
            }
        }
    }
}

/// The per-file rules the fast path needs.
#[derive(Debug, Clone)]
pub struct CellRules {
    /// Decimal mark of numbers: b'.' or b','.
    pub mark: u8,
    /// `missing_first[b]`: some missing-value token starts with byte `b`
    /// (either case). A text cell starting so goes to the general reader.
    pub missing_first: [bool; 256],
}

/// Why [`Rows::fast_rows`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The position reached the requested byte (a progress report is due).
    Progress,
    /// The current row (split in `cells`, at `line`) needs the general
    /// reader: a ragged or blank row, or a cell not read here.
    Slow,
    /// The row at `pos` holds a quote: the csv crate reads from there.
    Quote,
    /// End of the file.
    End,
}

/// How [`Rows::split`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// A row without quote, its cells in `cells`, its line in `line`.
    Row,
    /// The row at `pos` holds a quote (`pos` is its first byte).
    Quote,
    End,
}

/// Rows of a file split in place. For rows without a quote character the
/// csv crate's rules (terminator CRLF, no comments) come down to "a record
/// is a run of bytes other than '\r' and '\n', its cells are split at the
/// delimiter, empty lines are skipped".
#[derive(Debug)]
pub struct Rows<'a> {
    pub data: &'a [u8],
    pub delimiter: u8,
    /// Bytes that stop the splitter: delimiter, '\r', '\n', '"'.
    stops: [bool; 256],
    /// The next byte the splitter reads and its 1-based line.
    pub pos: usize,
    pub line: u64,
    /// The current row's cells (byte ranges; of `data` while splitting in
    /// place, of the csv crate's record once the caller hands over).
    pub cells: Vec<(usize, usize)>,
    /// Byte offset of the current row's first byte.
    pub row_start: usize,
    /// Byte offset and line of the last data row taken.
    pub last_row: Option<(usize, u64)>,
}

impl<'a> Rows<'a> {
    pub fn new(data: &'a [u8], delimiter: u8) -> Self {
        let mut stops = [false; 256];
        for b in [delimiter, b'\r', b'\n', b'"'] {
            stops[usize::from(b)] = true;
        }
        Rows {
            data,
            delimiter,
            stops,
            pos: 0,
            line: 1,
            cells: Vec::new(),
            row_start: 0,
            last_row: None,
        }
    }

    /// Splits the next record at `pos` into `cells`.
    pub fn split(&mut self) -> Split {
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
            return Split::End;
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
                Some(b'"') => return Split::Quote,
                _ => break,
            }
        }
        self.cells.push((cell_start, pos));
        self.row_start = start;
        self.pos = pos;
        Split::Row
    }

    /// Reads rows into `sinks` (one per column) while every cell of a row
    /// is read here, pushing each row's line to `lines`; stops after the
    /// row that reaches byte `report_at`, or at a row it does not take.
    pub fn fast_rows(
        &mut self,
        sinks: &mut [Sink],
        rules: &CellRules,
        lines: &mut Vec<u64>,
        report_at: usize,
    ) -> Stop {
        // A decimal mark that is also the delimiter ends the cell, as the
        // splitter reads it: no mark then.
        let mark = if rules.mark == self.delimiter {
            None
        } else {
            Some(rules.mark)
        };
        loop {
            // Line ends between records, as the csv crate skips them.
            let data = self.data;
            let mut pos = self.pos;
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
                return Stop::End;
            }
            if !self.fused_row(sinks, rules, mark) {
                // Not taken: the row split as the general reader needs it
                // (`pos` is still its first byte).
                return match self.split() {
                    Split::Row => Stop::Slow,
                    Split::Quote => Stop::Quote,
                    Split::End => Stop::End,
                };
            }
            lines.push(self.line);
            self.last_row = Some((self.row_start, self.line));
            if self.pos >= report_at {
                return Stop::Progress;
            }
        }
    }

    /// Reads the row at `pos` (not at a line end) straight into `sinks`,
    /// finding each cell's end while parsing it: true with `pos` after the
    /// row, or false with nothing pushed and `pos` unchanged when a cell
    /// is not read here, the row holds a quote, has another number of
    /// cells, or every cell is empty. Takes exactly the rows that
    /// [`Rows::split`] splits into `sinks.len()` cells which [`push_row`]
    /// takes, with the same values.
    fn fused_row(&mut self, sinks: &mut [Sink], rules: &CellRules, mark: Option<u8>) -> bool {
        let data = self.data;
        let start = self.pos;
        let mut pos = start;
        let mut present = false;
        let last = sinks.len().wrapping_sub(1);
        for (i, sink) in sinks.iter_mut().enumerate() {
            let cell_start = pos;
            let ok = match sink {
                Sink::Numbers(values) => {
                    let negative = data.get(pos) == Some(&b'-');
                    pos += usize::from(negative);
                    let digits_start = pos;
                    let mut mantissa: u64 = 0;
                    let mut mark_at = None;
                    while let Some(&b) = data.get(pos) {
                        let d = b.wrapping_sub(b'0');
                        if d < 10 {
                            // Wraps only past 19 digits, which are refused below.
                            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
                        } else if Some(b) == mark && mark_at.is_none() {
                            mark_at = Some(pos);
                        } else {
                            break;
                        }
                        pos += 1;
                    }
                    let len = pos - digits_start;
                    let n_marks = usize::from(mark_at.is_some());
                    if len == 0 && !negative {
                        // The empty cell is always missing.
                        values.push(None);
                        true
                    } else if len == n_marks || len > 16 || len == 16 && n_marks == 0 {
                        // "-", a lone mark, more than 15 digits (as plain_decimal).
                        false
                    } else {
                        let n_fraction = mark_at.map_or(0, |m| pos - m - 1);
                        match POW10.get(n_fraction) {
                            Some(&p) => {
                                // Whole numbers (0/1 indicators, counts) skip the
                                // division, whose latency dominates the loop:
                                // dividing by 1 is exact, so the value is the same.
                                let x = if n_fraction == 0 {
                                    mantissa as f64
                                } else {
                                    mantissa as f64 / p
                                };
                                values.push(Some(if negative { -x } else { x }));
                                present = true;
                                true
                            }
                            None => false,
                        }
                    }
                }
                Sink::Texts { bytes, ends } => {
                    let mut ascii = true;
                    while let Some(&b) = data.get(pos) {
                        if self.stops[usize::from(b)] {
                            break;
                        }
                        ascii &= b < 0x80;
                        pos += 1;
                    }
                    let raw = data.get(cell_start..pos).unwrap_or(&[]);
                    if raw.is_empty() || ascii && plain_text_ascii(raw, rules) {
                        match u32::try_from(bytes.len() + raw.len()) {
                            Ok(end) => {
                                bytes.extend_from_slice(raw);
                                ends.push(end);
                                present |= !raw.is_empty();
                                true
                            }
                            Err(_) => false,
                        }
                    } else {
                        false
                    }
                }
            };
            // The cell must end where the splitter ends it: at the
            // delimiter before the next column, at a line end or the end
            // of the file after the last.
            let ends_right = match data.get(pos) {
                Some(&b) if i < last => b == self.delimiter,
                Some(&b) => b == b'\n' || b == b'\r',
                None => i == last,
            };
            if !ok || !ends_right {
                take_back(sinks, i + usize::from(ok));
                return false;
            }
            pos += usize::from(i < last);
        }
        if !present {
            take_back(sinks, sinks.len());
            return false;
        }
        self.row_start = start;
        self.pos = pos;
        true
    }
}

/// A non-empty ASCII cell that the general reader stores unchanged as
/// text: nothing to trim, and not starting like a missing-value token.
#[inline(always)]
fn plain_text_ascii(raw: &[u8], rules: &CellRules) -> bool {
    let (Some(&first), Some(&last)) = (raw.first(), raw.last()) else {
        return false;
    };
    first > b' ' && last > b' ' && !rules.missing_first[usize::from(first)]
}

/// Takes back the last value of the first `n` sinks.
#[cold]
#[inline(never)]
fn take_back(sinks: &mut [Sink], n: usize) {
    for sink in sinks.iter_mut().take(n) {
        sink.pop();
    }
}

/// How many of `values` are missing.
pub fn count_missing(values: &[Option<f64>]) -> usize {
    values.iter().filter(|v| v.is_none()).count()
}

/// How many cells of a text column (cell ends `ends`) are empty: the
/// missing values of a column read as text.
pub fn count_empty(ends: &[u32]) -> usize {
    let mut start = 0u32;
    let mut n = 0usize;
    for &end in ends {
        n += usize::from(end == start);
        start = end;
    }
    n
}

/// False for a cell that cannot be read as a number by any reading (plain,
/// thousands separators, the other decimal mark): its first byte, after
/// one sign, is no digit, '.' or ','. Words ("drug A", "male", "nan").
pub fn could_be_number(value: &[u8]) -> bool {
    let unsigned = match value.first() {
        Some(b'-' | b'+') => value.get(1),
        _ => value.first(),
    };
    unsigned.is_some_and(|&b| b.is_ascii_digit() || b == b'.' || b == b',')
}

/// Words (non-empty cells that [`could_be_number`] refuses) of a text
/// column, counted in one pass at this crate's opt-level: for the usual
/// text column every non-empty cell is one, and the type decision needs
/// only their number and first rows, not a list entry per cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    /// Empty cells.
    pub n_empty: usize,
    /// Words.
    pub n_words: usize,
    /// Rows of the first `listed` words, in row order.
    pub first_rows: Vec<usize>,
}

/// The [`Words`] of the column with cells `bytes` ending at `ends`,
/// listing at most `listed` rows.
pub fn words(bytes: &[u8], ends: &[u32], listed: usize) -> Words {
    let mut w = Words {
        n_empty: 0,
        n_words: 0,
        first_rows: Vec::new(),
    };
    let mut start = 0usize;
    for (row, &end) in ends.iter().enumerate() {
        let end = end as usize;
        let v = bytes.get(start..end).unwrap_or(&[]);
        start = end;
        if v.is_empty() {
            w.n_empty += 1;
        } else if !could_be_number(v) {
            if w.first_rows.len() < listed {
                w.first_rows.push(row);
            }
            w.n_words += 1;
        }
    }
    w
}

/// Per row the code of its level (`None` for an empty cell), and the
/// levels as byte ranges.
pub type LevelCodes = (Vec<Option<u32>>, Vec<(usize, usize)>);

/// Codes of a text column with at most `max` distinct non-empty values
/// (in order of first appearance, empty cells `None`) and those values as
/// byte ranges of `bytes`; `None` when there are more. Comparing with a
/// few known levels is faster than hashing (arms, sexes, stages).
pub fn few_levels(bytes: &[u8], ends: &[u32], max: usize) -> Option<LevelCodes> {
    let mut levels: Vec<(usize, usize)> = Vec::new();
    let mut codes = Vec::with_capacity(ends.len());
    let mut start = 0usize;
    // Per level its length and, for a level of at most 8 bytes, those
    // bytes as one little-endian word (zero-padded; 0 for longer levels,
    // whose length no short cell has): a short cell ("drug A", "male",
    // "III") is then found by comparing two words per level instead of a
    // loop over its bytes.
    let mut keys: Vec<(usize, u64)> = Vec::new();
    for &end in ends {
        let end = end as usize;
        let v = bytes.get(start..end).unwrap_or(&[]);
        let range = (start, end);
        let key = (v.len(), short_word(bytes, start, v));
        start = end;
        if v.is_empty() {
            codes.push(None);
            continue;
        }
        let known = if v.len() <= 8 {
            keys.iter().position(|&k| k == key)
        } else {
            // Compared byte by byte: levels are short, and a loop beats a
            // call to memcmp per level.
            levels.iter().position(|&(s, e)| {
                bytes.get(s..e).is_some_and(|level| {
                    level.len() == v.len() && level.iter().zip(v).all(|(a, b)| a == b)
                })
            })
        };
        let code = match known {
            Some(c) => c,
            None => {
                if levels.len() >= max {
                    return None;
                }
                levels.push(range);
                keys.push(key);
                levels.len() - 1
            }
        };
        codes.push(Some(u32::try_from(code).ok()?));
    }
    Some((codes, levels))
}

/// Replaces each code `c` by `new_code[c]` (`None` if out of range), in
/// place: the level codes of a column once its levels are sorted.
pub fn recode(codes: &mut [Option<u32>], new_code: &[u32]) {
    for c in codes.iter_mut() {
        if let Some(old) = *c {
            *c = new_code.get(old as usize).copied();
        }
    }
}

/// The cell `v` (starting at `start` of `bytes`) as a little-endian word,
/// zero-padded, if it has at most 8 bytes; 0 otherwise.
fn short_word(bytes: &[u8], start: usize, v: &[u8]) -> u64 {
    let n = v.len();
    if n == 0 || n > 8 {
        return 0;
    }
    let mask = u64::MAX >> (64 - 8 * n);
    // One 8-byte load where the text goes on long enough (all but the
    // last cells), the bytes past the cell masked off.
    if let Some(word) = start
        .checked_add(8)
        .and_then(|e| bytes.get(start..e))
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
    {
        return u64::from_le_bytes(word) & mask;
    }
    let mut word = [0u8; 8];
    for (w, b) in word.iter_mut().zip(v) {
        *w = *b;
    }
    u64::from_le_bytes(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_decimals_equal_the_standard_parser() {
        for s in [
            "0",
            "1",
            "9",
            "12.34",
            "-0.5",
            "5.",
            ".5",
            "-7",
            "999999999999999",
            "12345678.9012345",
            "-0.00000000000001",
        ] {
            assert_eq!(
                plain_decimal(s.as_bytes(), b'.'),
                s.parse::<f64>().ok(),
                "{s}"
            );
        }
        for s in [
            "",
            "-",
            ".",
            "-.",
            "+1",
            " 1",
            "1 ",
            "1e5",
            "1.2.3",
            "1234567890123456",
            "a",
            "1,5",
            "0x1",
        ] {
            assert_eq!(plain_decimal(s.as_bytes(), b'.'), None, "{s}");
        }
        assert_eq!(plain_decimal(b"1,5", b','), Some(1.5));
        assert_eq!(plain_decimal(b"1.5", b','), None);
    }

    #[test]
    fn a_row_is_taken_whole_or_not_at_all() {
        let rules = CellRules {
            mark: b'.',
            missing_first: [false; 256],
        };
        let data = b"1,a,2\n3,b,x\n,,\n4,,5\n";
        let mut rows = Rows::new(data, b',');
        let mut sinks = vec![
            Sink::Numbers(Vec::new()),
            Sink::Texts {
                bytes: Vec::new(),
                ends: Vec::new(),
            },
            Sink::Numbers(Vec::new()),
        ];
        let mut lines = Vec::new();
        assert_eq!(
            rows.fast_rows(&mut sinks, &rules, &mut lines, usize::MAX),
            Stop::Slow
        );
        assert_eq!((rows.line, lines.clone()), (2, vec![1]));
        // The blank row is refused too, and the next one taken.
        assert_eq!(
            rows.fast_rows(&mut sinks, &rules, &mut lines, usize::MAX),
            Stop::Slow
        );
        assert_eq!(rows.line, 3);
        assert_eq!(
            rows.fast_rows(&mut sinks, &rules, &mut lines, usize::MAX),
            Stop::End
        );
        assert_eq!(lines, vec![1, 4]);
        match &sinks[..] {
            [Sink::Numbers(a), Sink::Texts { bytes, ends }, Sink::Numbers(c)] => {
                assert_eq!(a, &vec![Some(1.0), Some(4.0)]);
                assert_eq!(
                    (bytes.as_slice(), ends.as_slice()),
                    (&b"a"[..], &[1u32, 1][..])
                );
                assert_eq!(c, &vec![Some(2.0), Some(5.0)]);
            }
            _ => unreachable!(),
        }
    }

    #[test]
    fn words_and_empty_cells_counted() {
        // "a", "", "1", "-x", "", ".5", "b"
        let bytes = b"a1-x.5b";
        let ends = [1u32, 1, 2, 4, 4, 6, 7];
        assert_eq!(count_empty(&ends), 2);
        assert_eq!(
            words(bytes, &ends, 2),
            Words {
                n_empty: 2,
                n_words: 3,
                first_rows: vec![0, 3]
            }
        );
        assert_eq!(words(bytes, &ends, 9).first_rows, vec![0, 3, 6]);
        assert_eq!(count_empty(&[]), 0);
    }

    /// `few_levels` as first written (every cell compared byte by byte).
    fn few_levels_reference(bytes: &[u8], ends: &[u32], max: usize) -> Option<LevelCodes> {
        let mut levels: Vec<(usize, usize)> = Vec::new();
        let mut codes = Vec::new();
        let mut start = 0usize;
        for &end in ends {
            let end = end as usize;
            let v = &bytes[start..end];
            let range = (start, end);
            start = end;
            if v.is_empty() {
                codes.push(None);
                continue;
            }
            let code = match levels.iter().position(|&(s, e)| &bytes[s..e] == v) {
                Some(c) => c,
                None => {
                    if levels.len() >= max {
                        return None;
                    }
                    levels.push(range);
                    levels.len() - 1
                }
            };
            codes.push(Some(code as u32));
        }
        Some((codes, levels))
    }

    #[test]
    fn few_levels_equal_the_byte_by_byte_comparison() {
        // Random columns of cells from a small alphabet, 0-11 bytes long
        // (both sides of the 8-byte word), near-equal cells sharing
        // prefixes, zero bytes as in padding, last cells short of 8 bytes.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        for _ in 0..3000 {
            let n_rows = next(40) as usize;
            let max_len = 1 + next(12);
            let alphabet = [0u8, b'a', b'b', b' '];
            let n_letters = 1 + next(4);
            let mut bytes = Vec::new();
            let mut ends = Vec::new();
            for _ in 0..n_rows {
                let len = next(max_len + 1);
                for _ in 0..len {
                    bytes.push(alphabet[next(n_letters) as usize]);
                }
                ends.push(bytes.len() as u32);
            }
            let max = next(10) as usize;
            let fast = few_levels(&bytes, &ends, max);
            let reference = few_levels_reference(&bytes, &ends, max);
            assert_eq!(fast, reference, "{bytes:?} {ends:?} {max}");
            assert_eq!(
                count_empty(&ends),
                ends.iter()
                    .zip(std::iter::once(&0).chain(&ends))
                    .filter(|(e, s)| e == s)
                    .count()
            );
        }
    }

    #[test]
    fn recode_maps_codes_and_keeps_missing() {
        let mut codes = vec![Some(0), None, Some(2), Some(1), Some(7)];
        recode(&mut codes, &[2, 0, 1]);
        assert_eq!(codes, vec![Some(2), None, Some(1), Some(0), None]);
    }

    #[test]
    fn few_levels_in_order_of_appearance() {
        let bytes = b"bab";
        assert_eq!(
            few_levels(bytes, &[1, 2, 2, 3], 8),
            Some((vec![Some(0), Some(1), None, Some(0)], vec![(0, 1), (1, 2)]))
        );
        assert_eq!(few_levels(bytes, &[1, 2, 2, 3], 1), None);
    }
}
