//! Text dates and Excel day numbers -> [`Date`].
//!
//! Accepted: year first (2021-03-15, 2021/3/15, 2021.03.15), day or month
//! first with '/', '.' or '-' (15/03/2021, 03-15-2021), a 4-digit year
//! always. Two-digit years are refused: the century would be a guess. A
//! time of day after a space or 'T' (Excel writes "15/03/2021 00:00" or
//! "3/15/2021 12:00:00 AM") is accepted and dropped, since intervals are
//! counted in whole days. Whether "03/04/2021" is 3 April or 4 March is
//! decided for the whole column from values whose day exceeds 12, never
//! guessed: a column without such a value is ambiguous and the user chooses.

use crate::dates::Date;
use serde::{Deserialize, Serialize};

/// How the dates of a column are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// Year first, or day/month order decided from the values (an error
    /// when they never show it).
    #[default]
    Auto,
    /// Year first only (ISO 8601: 2021-03-15).
    YearMonthDay,
    /// 15/03/2021 (year-first values are also accepted).
    DayMonthYear,
    /// 03/15/2021 (year-first values are also accepted).
    MonthDayYear,
    /// Excel's day numbers, 1900 system (44270 = 2021-03-15); year-first
    /// text dates are also accepted.
    ExcelSerial,
}

impl DateOrder {
    /// How the format is described to a user.
    pub fn label(self) -> &'static str {
        match self {
            DateOrder::Auto => "a date",
            DateOrder::YearMonthDay => "year-month-day",
            DateOrder::DayMonthYear => "day/month/year",
            DateOrder::MonthDayYear => "month/day/year",
            DateOrder::ExcelSerial => "an Excel date number",
        }
    }
}

/// The layout of one cell, before the column's day/month order is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateShape {
    /// Year first: unambiguous.
    YearFirst {
        year: i32,
        month: u32,
        day: u32,
    },
    /// Day/month or month/day: `first`/`second` are the two leading parts.
    PartsFirst {
        first: u32,
        second: u32,
        year: i32,
    },
    /// Looks like a date but with a 2-digit year.
    TwoDigitYear,
    NotDate,
}

/// Reads the leading run of ASCII digits (at most `max` of them).
fn digits(s: &[u8], max: usize) -> Option<(u32, usize)> {
    let n = s
        .iter()
        .take(max + 1)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if n == 0 || n > max {
        return None;
    }
    let v = s[..n]
        .iter()
        .fold(0u32, |acc, &b| acc * 10 + u32::from(b - b'0'));
    Some((v, n))
}

/// Whether the text is a time of day ("00:00", "14:30:05.123",
/// "12:00:00 AM", with optional trailing "Z").
fn is_time_of_day(s: &[u8]) -> bool {
    let Some((hour, n)) = digits(s, 2) else {
        return false;
    };
    let mut rest = &s[n..];
    let mut parts = 1;
    while let Some(r) = rest.strip_prefix(b":") {
        let Some((v, n)) = digits(r, 2) else {
            return false;
        };
        if n != 2 || v > 60 || parts == 3 {
            return false;
        }
        parts += 1;
        rest = &r[n..];
    }
    if parts == 1 {
        return false;
    }
    if let Some(r) = rest.strip_prefix(b".") {
        let n = r.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &r[n..];
    }
    let rest = rest.trim_ascii_start();
    let twelve_hour = rest.eq_ignore_ascii_case(b"AM") || rest.eq_ignore_ascii_case(b"PM");
    if twelve_hour {
        (1..=12).contains(&hour)
    } else {
        (rest.is_empty() || rest == b"Z") && hour <= 24
    }
}

/// Classifies a trimmed, non-missing cell.
pub(crate) fn date_shape(value: &[u8]) -> DateShape {
    let Some((a, na)) = digits(value, 4) else {
        return DateShape::NotDate;
    };
    let Some(&sep) = value.get(na) else {
        return DateShape::NotDate;
    };
    if !matches!(sep, b'-' | b'/' | b'.') {
        return DateShape::NotDate;
    }
    let rest = &value[na + 1..];
    let Some((b, nb)) = digits(rest, 2) else {
        return DateShape::NotDate;
    };
    if rest.get(nb) != Some(&sep) {
        return DateShape::NotDate;
    }
    let rest = &rest[nb + 1..];
    let Some((c, nc)) = digits(rest, 4) else {
        return DateShape::NotDate;
    };
    let tail = &rest[nc..];
    if !tail.is_empty() {
        let time = match tail.first() {
            Some(b'T') => &tail[1..],
            Some(b' ') => tail.trim_ascii_start(),
            _ => return DateShape::NotDate,
        };
        if !is_time_of_day(time) {
            return DateShape::NotDate;
        }
    }
    // Whole-number parts fit i32: at most 4 digits each.
    match (na, nc) {
        (4, 1..=2) => DateShape::YearFirst {
            year: a as i32,
            month: b,
            day: c,
        },
        (1..=2, 4) => DateShape::PartsFirst {
            first: a,
            second: b,
            year: c as i32,
        },
        (1..=2, 2) => DateShape::TwoDigitYear,
        _ => DateShape::NotDate,
    }
}

/// The date of a shape under a known order; `None` for no such day.
pub(crate) fn shape_to_date(shape: DateShape, order: DateOrder) -> Option<Date> {
    match shape {
        DateShape::YearFirst { year, month, day } => Date::from_ymd(year, month, day),
        DateShape::PartsFirst {
            first,
            second,
            year,
        } => match order {
            DateOrder::DayMonthYear => Date::from_ymd(year, second, first),
            DateOrder::MonthDayYear => Date::from_ymd(year, first, second),
            _ => None,
        },
        DateShape::TwoDigitYear | DateShape::NotDate => None,
    }
}

/// Largest Excel day number (9999-12-31).
const EXCEL_LAST_SERIAL: f64 = 2_958_465.0;

/// Excel's day number in the 1900 system -> date. Excel counts 1900 as a
/// leap year (Lotus 1-2-3 compatibility): serial 1 = 1900-01-01, 59 =
/// 1900-02-28, 60 = the non-existent 1900-02-29, and from 61 on the day is
/// 1899-12-30 + serial. A fraction (time of day) is dropped.
pub fn excel_serial_to_date(serial: f64) -> Result<Date, &'static str> {
    if !serial.is_finite() {
        return Err("not a finite number");
    }
    let day = serial.floor();
    if day < 1.0 {
        return Err("Excel's day numbers start at 1 = 1900-01-01");
    }
    if day == 60.0 {
        return Err("day 60 is 29 February 1900, which did not exist");
    }
    if day > EXCEL_LAST_SERIAL {
        return Err("after 9999-12-31");
    }
    let base = if day < 60.0 {
        Date::from_ymd(1899, 12, 31)
    } else {
        Date::from_ymd(1899, 12, 30)
    };
    // `day` is a whole number in 1..=2_958_465, so the cast is exact.
    base.map(|b| b.add_days(day as i32))
        .ok_or("outside the calendar")
}

/// Parses one text date. With `Auto`, a day/month date is accepted only
/// when it is unambiguous (one of its first two parts exceeds 12); with
/// `ExcelSerial` the text may also be a day number. For whole columns the
/// table reader decides the order from all values instead.
pub fn parse_date(text: &str, order: DateOrder) -> Option<Date> {
    let value = text.trim().as_bytes();
    if order == DateOrder::ExcelSerial {
        if let Some(x) = super::number::parse_number(value, false) {
            return excel_serial_to_date(x).ok();
        }
    }
    let shape = date_shape(value);
    match (shape, order) {
        (DateShape::PartsFirst { .. }, DateOrder::YearMonthDay | DateOrder::ExcelSerial) => None,
        (DateShape::PartsFirst { first, second, .. }, DateOrder::Auto) => {
            if first > 12 && second <= 12 {
                shape_to_date(shape, DateOrder::DayMonthYear)
            } else if second > 12 && first <= 12 {
                shape_to_date(shape, DateOrder::MonthDayYear)
            } else {
                None
            }
        }
        _ => shape_to_date(shape, order),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Date {
        Date::from_ymd(y, m, d).unwrap()
    }

    #[test]
    fn shapes() {
        assert_eq!(
            date_shape(b"2021-03-15"),
            DateShape::YearFirst {
                year: 2021,
                month: 3,
                day: 15
            }
        );
        assert_eq!(
            date_shape(b"2021/3/5"),
            DateShape::YearFirst {
                year: 2021,
                month: 3,
                day: 5
            }
        );
        assert_eq!(
            date_shape(b"15.03.2021"),
            DateShape::PartsFirst {
                first: 15,
                second: 3,
                year: 2021
            }
        );
        assert_eq!(
            date_shape(b"3-15-2021"),
            DateShape::PartsFirst {
                first: 3,
                second: 15,
                year: 2021
            }
        );
        assert_eq!(date_shape(b"15/03/21"), DateShape::TwoDigitYear);
        assert_eq!(
            date_shape(b"15/03/2021 00:00"),
            DateShape::PartsFirst {
                first: 15,
                second: 3,
                year: 2021
            }
        );
        assert_eq!(
            date_shape(b"3/15/2021 12:00:00 AM"),
            DateShape::PartsFirst {
                first: 3,
                second: 15,
                year: 2021
            }
        );
        assert_eq!(
            date_shape(b"2021-03-15T14:30:00.5Z"),
            DateShape::YearFirst {
                year: 2021,
                month: 3,
                day: 15
            }
        );
        for s in [
            "2021-03",
            "15/03-2021",
            "2021-03-15x",
            "1.5",
            "44270",
            "2021-03-15 noon",
            "12345-01-01",
            "15/03/2021 25",
            "a/b/c",
        ] {
            assert_eq!(date_shape(s.as_bytes()), DateShape::NotDate, "{s}");
        }
    }

    #[test]
    fn single_values() {
        assert_eq!(
            parse_date("2021-03-15", DateOrder::Auto),
            Some(ymd(2021, 3, 15))
        );
        assert_eq!(
            parse_date("15/03/2021", DateOrder::Auto),
            Some(ymd(2021, 3, 15))
        );
        assert_eq!(parse_date("03/04/2021", DateOrder::Auto), None);
        assert_eq!(
            parse_date("03/04/2021", DateOrder::DayMonthYear),
            Some(ymd(2021, 4, 3))
        );
        assert_eq!(
            parse_date("03/04/2021", DateOrder::MonthDayYear),
            Some(ymd(2021, 3, 4))
        );
        assert_eq!(parse_date("2021-02-30", DateOrder::Auto), None);
        assert_eq!(parse_date("15/03/2021", DateOrder::YearMonthDay), None);
        assert_eq!(
            parse_date("44270", DateOrder::ExcelSerial),
            Some(ymd(2021, 3, 15))
        );
    }

    #[test]
    fn excel_1900_system() {
        assert_eq!(excel_serial_to_date(1.0), Ok(ymd(1900, 1, 1)));
        assert_eq!(excel_serial_to_date(59.0), Ok(ymd(1900, 2, 28)));
        assert!(excel_serial_to_date(60.0).is_err());
        assert_eq!(excel_serial_to_date(61.0), Ok(ymd(1900, 3, 1)));
        assert_eq!(excel_serial_to_date(25_569.0), Ok(ymd(1970, 1, 1)));
        assert_eq!(excel_serial_to_date(44_270.75), Ok(ymd(2021, 3, 15)));
        assert_eq!(excel_serial_to_date(2_958_465.0), Ok(ymd(9999, 12, 31)));
        assert!(excel_serial_to_date(0.0).is_err());
        assert!(excel_serial_to_date(-3.0).is_err());
        assert!(excel_serial_to_date(2_958_466.0).is_err());
        assert!(excel_serial_to_date(f64::NAN).is_err());
    }
}
