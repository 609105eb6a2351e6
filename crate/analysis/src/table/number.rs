//! Cell-level rules shared by every column: trimming, missing-value tokens,
//! numbers with a decimal point or a decimal comma, and the looser readings
//! of a cell that is not a plain number (thousands separators, the other
//! decimal mark, a number too large for a double), which the column's type
//! decision weighs (rules in the module doc of `table`).
//!
//! Numbers take a fast path for plain decimals of at most 15 digits
//! (Clinger's exact case: an integer below 2^53 divided by a power of ten
//! up to 1e22 is correctly rounded by one IEEE division), which covers
//! almost every clinical value; anything else goes to `str::parse`.

/// Missing-value tokens, compared after trimming ASCII whitespace and
/// ignoring ASCII case. The empty cell is always missing.
#[derive(Debug, Clone)]
pub(crate) struct MissingTokens {
    tokens: Vec<Vec<u8>>,
    /// `first_byte[b]` is true when some token starts with byte `b` in
    /// either case: most cells are rejected on their first byte.
    first_byte: [bool; 256],
    /// Some token is a plain decimal number (see `plain_number_token()`).
    plain_number_token: bool,
}

impl MissingTokens {
    pub(crate) fn new(tokens: &[String]) -> Self {
        let mut first_byte = [false; 256];
        let mut list = Vec::with_capacity(tokens.len());
        for t in tokens {
            let t = t.as_bytes().trim_ascii();
            if let Some(&b) = t.first() {
                first_byte[usize::from(b.to_ascii_lowercase())] = true;
                first_byte[usize::from(b.to_ascii_uppercase())] = true;
                list.push(t.to_vec());
            }
        }
        let plain_number_token = list
            .iter()
            .any(|t| plain_decimal(t, b'.').is_some() || plain_decimal(t, b',').is_some());
        MissingTokens {
            tokens: list,
            first_byte,
            plain_number_token,
        }
    }

    /// Whether a cell [`plain_decimal`] reads can be a missing token ("-99"):
    /// digits, '-' and the marks have no case, so such a cell equals the
    /// token byte for byte, and the token is itself a plain decimal.
    #[inline]
    pub(crate) fn plain_number_token(&self) -> bool {
        self.plain_number_token
    }

    /// `value` must already be trimmed.
    #[inline]
    pub(crate) fn is_missing(&self, value: &[u8]) -> bool {
        match value.first() {
            None => true,
            Some(&b) if !self.first_byte[usize::from(b)] => false,
            Some(_) => self.tokens.iter().any(|t| t.eq_ignore_ascii_case(value)),
        }
    }
}

/// Exact powers of ten representable in f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The first value with a comma when every one of `values` reads as a
/// number with a decimal comma ("1,5", "2"): numbers that a file read with
/// decimal points has kept as text.
pub fn decimal_comma_example(values: &[String]) -> Option<&str> {
    let all_numbers = !values.is_empty()
        && values
            .iter()
            .all(|v| parse_number(v.trim().as_bytes(), true).is_some());
    if all_numbers {
        values.iter().map(String::as_str).find(|v| v.contains(','))
    } else {
        None
    }
}

/// Parses a trimmed, non-missing cell as a number. With `decimal_comma`
/// the decimal mark is ',' and a '.' makes the cell non-numeric (it could
/// be a thousands separator: "1.234" must not silently become 1.234).
/// NaN is never a number here (it is a missing token by default), nor is
/// infinity: "inf" is a word and "1e309" overflows a double (see
/// [`loose_reading`], which tells the two apart for messages).
#[inline]
pub(crate) fn parse_number(value: &[u8], decimal_comma: bool) -> Option<f64> {
    let mark = if decimal_comma { b',' } else { b'.' };
    let (negative, digits) = match value.first() {
        Some(b'-') => (true, &value[1..]),
        Some(b'+') => (false, &value[1..]),
        _ => (false, value),
    };
    let mut mantissa: u64 = 0;
    let mut n_digits = 0usize;
    let mut n_fraction = 0usize;
    let mut seen_mark = false;
    for &b in digits {
        if b.is_ascii_digit() {
            if n_digits == 15 {
                return parse_slow(value, decimal_comma);
            }
            mantissa = mantissa * 10 + u64::from(b - b'0');
            n_digits += 1;
            n_fraction += usize::from(seen_mark);
        } else if b == mark && !seen_mark {
            seen_mark = true;
        } else if matches!(b, b'e' | b'E') && n_digits > 0
            || matches!(digits.first(), Some(b'i' | b'I'))
        {
            // Exponents and "inf": leave them to the standard parser.
            return parse_slow(value, decimal_comma);
        } else {
            return None;
        }
    }
    if n_digits == 0 {
        return None;
    }
    // At most 15 digits: mantissa < 2^53 and n_fraction <= 15, so both
    // operands are exact and the division rounds correctly.
    let x = mantissa as f64 / POW10[n_fraction];
    Some(if negative { -x } else { x })
}

/// The common cell of a large file, read without trimming, token lookup
/// or function calls: an untrimmed '-'?digits with at most one `mark` and
/// at most 15 digits. Gives exactly [`parse_number`]'s value (same
/// digits, same single division); `None` sends the cell down the general
/// path (spaces, '+', exponents, long numbers, words, empty cells).
#[inline(always)]
pub(crate) fn plain_decimal(raw: &[u8], mark: u8) -> Option<f64> {
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
    // 16 bytes are 15 digits only with the mark among them.
    if digits.len() == 16 && !seen_mark || digits.len() == usize::from(seen_mark) {
        return None;
    }
    let x = mantissa as f64 / *POW10.get(n_fraction)?;
    Some(if negative { -x } else { x })
}

#[cold]
fn parse_slow(value: &[u8], decimal_comma: bool) -> Option<f64> {
    let text = std::str::from_utf8(value).ok()?;
    let x = if decimal_comma {
        if text.contains('.') || text.matches(',').count() > 1 {
            return None;
        }
        text.replacen(',', ".", 1).parse::<f64>().ok()?
    } else {
        text.parse::<f64>().ok()?
    };
    if x.is_finite() {
        Some(x)
    } else {
        None
    }
}

/// Trims ASCII whitespace and, when the cell has non-ASCII bytes at an
/// end, every Unicode white space (no-break space U+00A0, narrow no-break
/// space U+202F, ...) and the zero-width space and stray byte-order mark
/// that copying from web pages and Word leaves: "102\u{a0}" is 102.
#[inline]
pub(crate) fn trim_cell(raw: &[u8]) -> &[u8] {
    let value = raw.trim_ascii();
    let ends_non_ascii =
        value.first().is_some_and(|b| !b.is_ascii()) || value.last().is_some_and(|b| !b.is_ascii());
    if !ends_non_ascii {
        return value;
    }
    match std::str::from_utf8(value) {
        Ok(text) => text
            .trim_matches(|c: char| c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}')
            .as_bytes(),
        Err(_) => value,
    }
}

/// Characters that separate thousands and are never a decimal mark: space,
/// no-break space, narrow no-break space (French typography), thin space,
/// figure space, apostrophe and right single quote (Swiss).
pub(crate) fn is_space_like_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{A0}' | '\u{202F}' | '\u{2009}' | '\u{2007}' | '\'' | '\u{2019}'
    )
}

/// How a cell that is not a plain number (under the file's decimal mark)
/// could still be read as one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Loose {
    /// Digits in groups of three with a thousands separator, then the
    /// file's decimal mark ("1 250,3" with a decimal comma). `ambiguous`:
    /// the separator is the other decimal mark, used once, with no decimal
    /// part ("1,250" under a decimal point), so it could equally be a
    /// decimal mark (1.25).
    Grouped {
        value: f64,
        separator: char,
        ambiguous: bool,
    },
    /// A number with the other decimal mark ("1,5" under a decimal point;
    /// thousands grouped with spaces allowed: "1 250,3").
    OtherMark {
        value: f64,
    },
    /// Written as a number but beyond the range of a double ("1e309").
    TooLarge,
    NotANumber,
}

/// The reading of a trimmed, non-missing cell that [`parse_number`] refused.
pub(crate) fn loose_reading(value: &[u8], decimal_comma: bool) -> Loose {
    // Every reading below needs a digit or a decimal mark after at most
    // one sign; words ("drug A", "NA") are refused here, which makes
    // categorical columns of a large file cheap to type.
    let unsigned = match value.first() {
        Some(b'-' | b'+') => value.get(1),
        _ => value.first(),
    };
    if !unsigned.is_some_and(|&b| b.is_ascii_digit() || b == b'.' || b == b',') {
        return Loose::NotANumber;
    }
    let Ok(text) = std::str::from_utf8(value) else {
        return Loose::NotANumber;
    };
    let (mark, other) = if decimal_comma {
        (',', '.')
    } else {
        ('.', ',')
    };
    if let Some((value, separator, ambiguous)) = grouped(text, mark, other) {
        return Loose::Grouped {
            value,
            separator,
            ambiguous,
        };
    }
    if let Some(value) = parse_number(value, !decimal_comma) {
        return Loose::OtherMark { value };
    }
    // Space-grouped thousands with the other decimal mark: "1 250,3" in a
    // file read with a decimal point.
    if let Some((value, separator, _)) = grouped(text, other, mark) {
        if is_space_like_separator(separator) {
            return Loose::OtherMark { value };
        }
    }
    if overflows(text, mark) {
        return Loose::TooLarge;
    }
    Loose::NotANumber
}

/// Whether `text` is a number written in digits whose magnitude exceeds
/// the largest double ("1e309", "-2E400"; not "inf").
fn overflows(text: &str, mark: char) -> bool {
    let digits_only = text.trim_start_matches(['+', '-']);
    if !digits_only.starts_with(|c: char| c.is_ascii_digit() || c == mark) {
        return false;
    }
    let normalised = if mark == ',' {
        text.replacen(',', ".", 1)
    } else {
        text.to_string()
    };
    normalised.parse::<f64>().is_ok_and(f64::is_infinite)
}

/// Reads "1 250 000,5"-style text: optional sign, a first group of 1 to 3
/// digits, then groups of exactly 3 digits each after the same kind of
/// separator (space-like ones may mix, since they are all spaces to the
/// eye; `other` alone), then optionally `mark` and digits. Returns the
/// value, the separator and whether the reading is ambiguous (see
/// [`Loose::Grouped`]).
fn grouped(text: &str, mark: char, other: char) -> Option<(f64, char, bool)> {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !body.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let negative = text.starts_with('-');
    let (int_part, fraction) = match body.split_once(mark) {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if let Some(f) = fraction {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let mut digits = String::with_capacity(int_part.len());
    let mut separator: Option<char> = None;
    let mut n_separators = 0usize;
    let mut group_len = 0usize;
    let mut first_group = true;
    for c in int_part.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            group_len += 1;
            if group_len > 3 {
                return None;
            }
        } else if c == other || is_space_like_separator(c) {
            let same_kind = match separator {
                None => true,
                Some(s) => (s == other) == (c == other),
            };
            if !same_kind || group_len == 0 || (!first_group && group_len != 3) {
                return None;
            }
            separator.get_or_insert(c);
            n_separators += 1;
            first_group = false;
            group_len = 0;
        } else {
            return None;
        }
    }
    let separator = separator?;
    if group_len != 3 {
        return None;
    }
    let mut number = digits;
    if let Some(f) = fraction {
        number.push('.');
        number.push_str(f);
    }
    let x: f64 = number.parse().ok().filter(|x: &f64| x.is_finite())?;
    let ambiguous = separator == other && n_separators == 1 && fraction.is_none();
    Some((if negative { -x } else { x }, separator, ambiguous))
}

/// A number as text with the given decimal mark, for cells that arrive as
/// numbers (spreadsheets) in a column read as text: shortest round-trip
/// digits, an exponent only for very large or small magnitudes.
pub(crate) fn number_text(x: f64, decimal_comma: bool) -> String {
    let text = if x != 0.0 && (x.abs() >= 1e15 || x.abs() < 1e-6) {
        format!("{x:e}")
    } else {
        number_label(x)
    };
    if decimal_comma {
        text.replacen('.', ",", 1)
    } else {
        text
    }
}

/// A number as people write it: shortest text that reads back to the same
/// double, no trailing ".0" ("2", "2.5", "-0.125").
pub(crate) fn number_label(x: f64) -> String {
    if x == 0.0 {
        // -0 and 0 are the same group.
        "0".to_string()
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_path_is_exact() {
        for s in [
            "0.1",
            "0.3",
            "1.5",
            "123.456",
            "-0.007",
            "999999999999999",
            "12345678.9012345",
            "5.",
            ".5",
            "+3",
        ] {
            assert_eq!(
                parse_number(s.as_bytes(), false),
                s.parse::<f64>().ok(),
                "{s}"
            );
        }
        // Long inputs take the slow path and still round correctly.
        for s in [
            "0.12345678901234567890",
            "1e5",
            "1E-3",
            "2.5e+2",
            "123456789012345678",
        ] {
            assert_eq!(
                parse_number(s.as_bytes(), false),
                s.parse::<f64>().ok(),
                "{s}"
            );
        }
    }

    #[test]
    fn infinity_is_not_a_number_and_overflow_is_told_apart() {
        for s in ["inf", "-Infinity", "1e309", "-2E400"] {
            assert_eq!(parse_number(s.as_bytes(), false), None, "{s}");
        }
        assert_eq!(loose_reading(b"1e309", false), Loose::TooLarge);
        assert_eq!(loose_reading(b"-2E400", false), Loose::TooLarge);
        assert_eq!(loose_reading(b"1,5e400", true), Loose::TooLarge);
        assert_eq!(loose_reading(b"inf", false), Loose::NotANumber);
        assert_eq!(loose_reading(b"Infinity", false), Loose::NotANumber);
    }

    /// Cells refused on their first bytes are refused by every reading
    /// `loose_reading` tries, so the early exit changes no result.
    #[test]
    fn loose_reading_refuses_words_early_and_rightly() {
        let words = [
            "drug A",
            "NA",
            "-x",
            "+-1e400",
            "--1",
            "inf",
            "-Infinity",
            "e5",
            "\u{a0}1 250",
            "'1'250",
            " 1",
            "",
            "-",
        ];
        for s in words {
            for dc in [false, true] {
                let (mark, other) = if dc { (',', '.') } else { ('.', ',') };
                assert_eq!(loose_reading(s.as_bytes(), dc), Loose::NotANumber, "{s}");
                assert_eq!(grouped(s, mark, other), None, "{s}");
                assert_eq!(grouped(s, other, mark), None, "{s}");
                assert_eq!(parse_number(s.as_bytes(), !dc), None, "{s}");
                assert!(!overflows(s, mark), "{s}");
            }
        }
        // Cells that start like numbers still get every reading.
        assert_eq!(
            loose_reading(b"-1,250", false),
            Loose::Grouped {
                value: -1250.0,
                separator: ',',
                ambiguous: true
            }
        );
        assert_eq!(
            loose_reading(b"+,5", false),
            Loose::OtherMark { value: 0.5 }
        );
        assert_eq!(loose_reading(b"-.5e400", false), Loose::TooLarge);
        assert_eq!(loose_reading(b",5e400", true), Loose::TooLarge);
    }

    #[test]
    fn thousands_separators() {
        let grouped = |s: &str, dc: bool| match loose_reading(s.as_bytes(), dc) {
            Loose::Grouped {
                value,
                separator,
                ambiguous,
            } => Some((value, separator, ambiguous)),
            _ => None,
        };
        assert_eq!(grouped("1 250,3", true), Some((1250.3, ' ', false)));
        assert_eq!(
            grouped("1\u{202F}250,3", true),
            Some((1250.3, '\u{202F}', false))
        );
        assert_eq!(
            grouped("1\u{A0}250\u{A0}000", false),
            Some((1_250_000.0, '\u{A0}', false))
        );
        assert_eq!(grouped("1'250.3", false), Some((1250.3, '\'', false)));
        assert_eq!(grouped("-1,250.3", false), Some((-1250.3, ',', false)));
        assert_eq!(grouped("1,250,000", false), Some((1_250_000.0, ',', false)));
        assert_eq!(
            grouped("1.250.000,5", true),
            Some((1_250_000.5, '.', false))
        );
        // One comma and three digits under a decimal point: 1250 or 1.25.
        assert_eq!(grouped("1,250", false), Some((1250.0, ',', true)));
        assert_eq!(grouped("1.250", true), Some((1250.0, '.', true)));
        // Not groups of three, or mixed kinds of separator.
        for s in [
            "1,25",
            "12,5000",
            "1 25",
            "1,250 000",
            "1,,250",
            ",250",
            "1 250.",
            "1 250,3,4",
        ] {
            assert_eq!(grouped(s, false), None, "{s}");
        }
        assert_eq!(
            loose_reading(b"1,5", false),
            Loose::OtherMark { value: 1.5 }
        );
        assert_eq!(
            loose_reading(b"1 250,3", false),
            Loose::OtherMark { value: 1250.3 }
        );
        assert_eq!(loose_reading(b"unknown", false), Loose::NotANumber);
    }

    #[test]
    fn unicode_spaces_are_trimmed() {
        assert_eq!(trim_cell(b" 102 "), b"102");
        assert_eq!(trim_cell("102\u{A0}".as_bytes()), b"102");
        assert_eq!(trim_cell("\u{202F}102\u{200B}".as_bytes()), b"102");
        assert_eq!(trim_cell("\u{FEFF}x".as_bytes()), b"x");
        assert_eq!(trim_cell("caf\u{e9}".as_bytes()), "caf\u{e9}".as_bytes());
        assert_eq!(trim_cell(b"\xff "), b"\xff");
    }

    #[test]
    fn numbers_as_text() {
        assert_eq!(number_text(1250.5, false), "1250.5");
        assert_eq!(number_text(1250.5, true), "1250,5");
        assert_eq!(number_text(1e300, false), "1e300");
        assert_eq!(
            parse_number(number_text(1.234e-9, true).as_bytes(), true),
            Some(1.234e-9)
        );
        assert_eq!(number_text(0.0, false), "0");
    }

    #[test]
    fn rejects_non_numbers() {
        for s in [
            "", "-", "+", ".", "1.2.3", "1,5", "abc", "1 2", "NaN", "nan", "0x10", "--1",
        ] {
            assert_eq!(parse_number(s.as_bytes(), false), None, "{s}");
        }
    }

    #[test]
    fn decimal_comma() {
        assert_eq!(parse_number(b"1,5", true), Some(1.5));
        assert_eq!(parse_number(b"-0,25", true), Some(-0.25));
        assert_eq!(parse_number(b"12", true), Some(12.0));
        assert_eq!(parse_number(b"1,5e3", true), Some(1500.0));
        assert_eq!(
            parse_number(b"0,12345678901234567", true),
            Some(0.12345678901234567)
        );
        assert_eq!(parse_number(b"1.5", true), None);
        assert_eq!(parse_number(b"1.234,5", true), None);
        assert_eq!(parse_number(b"1,2,3", true), None);
    }

    #[test]
    fn missing_tokens_ignore_case() {
        let m = MissingTokens::new(&[
            "NA".into(),
            "N/A".into(),
            ".".into(),
            "-".into(),
            " NaN ".into(),
        ]);
        for s in ["", "NA", "na", "n/a", ".", "-", "nan", "NAN"] {
            assert!(m.is_missing(s.as_bytes()), "{s}");
        }
        for s in ["0", "NAs", "-1", "none", "N"] {
            assert!(!m.is_missing(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn labels() {
        assert_eq!(number_label(2.0), "2");
        assert_eq!(number_label(2.5), "2.5");
        assert_eq!(number_label(-0.0), "0");
        assert_eq!(number_label(1e-7), "0.0000001");
    }
}
