//! Calendar dates as day numbers, for follow-up intervals.
//!
//! Only whole days matter for survival intervals, so a date is the count of
//! days since 1970-01-01 in the proleptic Gregorian calendar (Hinnant's
//! `days_from_civil`). A date-time crate would add wasm size for time zones
//! and formatting we never use. Parsing of text dates lives in `table::dates`.

use serde::Serialize;

/// Days per month used to express intervals in months (365.25 / 12), as
/// R users and the model paper do.
pub const DAYS_PER_MONTH: f64 = 30.4375;
/// Days per year (Julian year).
pub const DAYS_PER_YEAR: f64 = 365.25;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Date(i32);

impl Date {
    /// A valid calendar date, or `None` (e.g. 2021-02-30).
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        if !(-100_000..=100_000).contains(&year) {
            return None;
        }
        let y = if month <= 2 { year - 1 } else { year };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = month as i32;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    pub fn from_days_since_epoch(days: i32) -> Date {
        Date(days)
    }

    pub fn days_since_epoch(self) -> i32 {
        self.0
    }

    /// (year, month, day)
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i32::from(m <= 2);
        (y, m, d)
    }

    /// Signed number of days from `self` to `later`.
    pub fn days_until(self, later: Date) -> i32 {
        later.0 - self.0
    }

    pub fn add_days(self, days: i32) -> Date {
        Date(self.0 + days)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// The unit of a follow-up time: an interval between dates is expressed in
/// it, and survival times can be shown in another (days / 30.4375 =
/// months). One definition for endpoints, classification and every axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    Days,
    Weeks,
    Months,
    Years,
}

impl TimeUnit {
    /// Length in days (a month is 365.25 / 12 = 30.4375 days, a year 365.25).
    pub fn days(self) -> f64 {
        match self {
            TimeUnit::Days => 1.0,
            TimeUnit::Weeks => 7.0,
            TimeUnit::Months => DAYS_PER_MONTH,
            TimeUnit::Years => DAYS_PER_YEAR,
        }
    }

    /// An interval of `days` days in this unit.
    pub fn from_days(self, days: f64) -> f64 {
        match self {
            TimeUnit::Days => days,
            unit => days / unit.days(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TimeUnit::Days => "days",
            TimeUnit::Weeks => "weeks",
            TimeUnit::Months => "months",
            TimeUnit::Years => "years",
        }
    }

    /// How a conversion from `self` to `to` is stated next to results.
    pub fn conversion_note(self, to: TimeUnit) -> Option<String> {
        if self == to {
            return None;
        }
        let note = match (self, to) {
            (TimeUnit::Days, TimeUnit::Months) => "months = days / 30.4375".to_string(),
            (TimeUnit::Days, TimeUnit::Years) => "years = days / 365.25".to_string(),
            (TimeUnit::Days, TimeUnit::Weeks) => "weeks = days / 7".to_string(),
            (from, to) => format!(
                "{} converted to {} (1 month = 30.4375 days, 1 year = 365.25 days)",
                from.label(),
                to.label()
            ),
        };
        Some(note)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_day_of_four_centuries() {
        let start = Date::from_ymd(1900, 1, 1).unwrap().days_since_epoch();
        for d in start..start + 146_097 {
            let date = Date::from_days_since_epoch(d);
            let (y, m, dd) = date.ymd();
            assert_eq!(Date::from_ymd(y, m, dd), Some(date));
        }
    }

    #[test]
    fn known_day_numbers() {
        assert_eq!(Date::from_ymd(1970, 1, 1).unwrap().days_since_epoch(), 0);
        assert_eq!(
            Date::from_ymd(2000, 3, 1).unwrap().days_since_epoch(),
            11_017
        );
        assert_eq!(Date::from_ymd(1900, 2, 29), None);
        assert!(Date::from_ymd(2000, 2, 29).is_some());
        assert_eq!(
            Date::from_ymd(2021, 3, 15).unwrap().to_string(),
            "2021-03-15"
        );
    }
}
