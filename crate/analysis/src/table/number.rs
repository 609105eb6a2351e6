//! Cell-level rules shared by every column: missing-value tokens and
//! numbers with a decimal point or a decimal comma.
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
        MissingTokens { tokens: list, first_byte }
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
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// Parses a trimmed, non-missing cell as a number. With `decimal_comma`
/// the decimal mark is ',' and a '.' makes the cell non-numeric (it could
/// be a thousands separator: "1.234" must not silently become 1.234).
/// NaN is never a number here (it is a missing token by default).
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
        } else if matches!(b, b'e' | b'E') && n_digits > 0 || matches!(digits.first(), Some(b'i' | b'I')) {
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
    if x.is_nan() {
        None
    } else {
        Some(x)
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
        for s in ["0.1", "0.3", "1.5", "123.456", "-0.007", "999999999999999", "12345678.9012345", "5.", ".5", "+3"] {
            assert_eq!(parse_number(s.as_bytes(), false), s.parse::<f64>().ok(), "{s}");
        }
        // Long inputs take the slow path and still round correctly.
        for s in ["0.12345678901234567890", "1e5", "1E-3", "2.5e+2", "123456789012345678", "inf", "-Infinity"] {
            assert_eq!(parse_number(s.as_bytes(), false), s.parse::<f64>().ok(), "{s}");
        }
    }

    #[test]
    fn rejects_non_numbers() {
        for s in ["", "-", "+", ".", "1.2.3", "1,5", "abc", "1 2", "NaN", "nan", "0x10", "--1"] {
            assert_eq!(parse_number(s.as_bytes(), false), None, "{s}");
        }
    }

    #[test]
    fn decimal_comma() {
        assert_eq!(parse_number(b"1,5", true), Some(1.5));
        assert_eq!(parse_number(b"-0,25", true), Some(-0.25));
        assert_eq!(parse_number(b"12", true), Some(12.0));
        assert_eq!(parse_number(b"1,5e3", true), Some(1500.0));
        assert_eq!(parse_number(b"0,12345678901234567", true), Some(0.12345678901234567));
        assert_eq!(parse_number(b"1.5", true), None);
        assert_eq!(parse_number(b"1.234,5", true), None);
        assert_eq!(parse_number(b"1,2,3", true), None);
    }

    #[test]
    fn missing_tokens_ignore_case() {
        let m = MissingTokens::new(&["NA".into(), "N/A".into(), ".".into(), "-".into(), " NaN ".into()]);
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
