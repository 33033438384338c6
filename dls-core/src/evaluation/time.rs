//! Europe/Amsterdam calendar days, Dutch public holidays and the Algemene termijnenwet.
//!
//! Instants are seconds since the Unix epoch (UTC). Legal terms speak in local calendar days, so
//! an instant is first turned into its Europe/Amsterdam date: UTC+1 (CET), or UTC+2 (CEST) from
//! the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC (the EU rule in
//! force since 1996; it is applied to every year).

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::error::EvalError;

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The civil date (year, month, day) of days since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Weekday of a day number: 0 = Monday … 6 = Sunday.
pub(crate) fn weekday(day: i64) -> u32 {
    // 1970-01-01 was a Thursday (3).
    ((day + 3).rem_euclid(7)) as u32
}

/// Day number of the last Sunday of a month.
fn last_sunday(y: i64, m: u32) -> i64 {
    let last = if m == 12 {
        days_from_civil(y + 1, 1, 1) - 1
    } else {
        days_from_civil(y, m + 1, 1) - 1
    };
    last - ((weekday(last) + 1) % 7) as i64
}

/// The UTC offset of Europe/Amsterdam, in seconds, at a UTC instant.
pub fn amsterdam_offset(utc_secs: i64) -> i64 {
    let (y, _, _) = civil_from_days(utc_secs.div_euclid(86_400));
    let start = last_sunday(y, 3) * 86_400 + 3_600;
    let end = last_sunday(y, 10) * 86_400 + 3_600;
    if utc_secs >= start && utc_secs < end {
        7_200
    } else {
        3_600
    }
}

/// The Europe/Amsterdam day number (days since 1970-01-01) of a UTC instant.
pub fn local_day(utc_secs: i64) -> i64 {
    (utc_secs + amsterdam_offset(utc_secs)).div_euclid(86_400)
}

/// A day number as a date.
pub fn day_to_date(day: i64) -> NaiveDate {
    let (y, m, d) = civil_from_days(day);
    NaiveDate::from_ymd_opt(y as i32, m, d).unwrap_or(NaiveDate::MIN)
}

/// A date as a day number.
pub fn date_to_day(date: NaiveDate) -> i64 {
    days_from_civil(date.year() as i64, date.month(), date.day())
}

/// Easter Sunday of a year (anonymous Gregorian algorithm), as a day number.
pub(crate) fn easter(y: i64) -> i64 {
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    days_from_civil(y, month as u32, day as u32)
}

/// Holidays recognised by the Algemene termijnenwet (art. 3), plus the days a royal decree
/// equates with them (art. 3 lid 3), which are calendar data.
///
/// The fixed list: New Year's Day, Good Friday, Easter Sunday and Monday, King's Day (27 April,
/// the 26th when the 27th is a Sunday), 5 May, Ascension Day, Whit Sunday and Monday, Christmas
/// Day and Boxing Day. (Easter and Whit Sunday fall on a Sunday and change nothing in practice.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayCalendar {
    /// Days equated with public holidays by royal decree.
    #[serde(default)]
    pub equated: BTreeSet<NaiveDate>,
}

/// The embedded default list of equated days.
pub const DEFAULT_EQUATED_DAYS_TOML: &str = include_str!("../../data/atw-equated-days.toml");

impl Default for HolidayCalendar {
    fn default() -> Self {
        match HolidayCalendar::from_toml(DEFAULT_EQUATED_DAYS_TOML) {
            Ok(c) => c,
            Err(e) => unreachable!("embedded holiday calendar does not parse: {e}"),
        }
    }
}

impl HolidayCalendar {
    /// A calendar with the fixed holidays only (no equated days).
    pub fn fixed_only() -> Self {
        HolidayCalendar {
            equated: BTreeSet::new(),
        }
    }

    /// Reads equated days from TOML: `equated = ["2026-05-15", …]`.
    pub fn from_toml(text: &str) -> Result<Self, EvalError> {
        toml::from_str(text).map_err(|e| EvalError::Calendar(e.message().to_string()))
    }

    /// Reads equated days from JSON: `{"equated": ["2026-05-15", …]}`.
    pub fn from_json(text: &str) -> Result<Self, EvalError> {
        serde_json::from_str(text).map_err(|e| EvalError::Calendar(e.to_string()))
    }

    /// True when `date` is a recognised public holiday or an equated day.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.is_holiday_day(date_to_day(date))
    }

    /// True when `date` is a Saturday, a Sunday or a holiday.
    pub fn is_non_working(&self, date: NaiveDate) -> bool {
        self.is_non_working_day(date_to_day(date))
    }

    pub(crate) fn is_holiday_day(&self, day: i64) -> bool {
        let (y, m, d) = civil_from_days(day);
        let fixed = matches!((m, d), (1, 1) | (5, 5) | (12, 25) | (12, 26))
            || (m == 4 && d == 27 && weekday(day) != 6)
            || (m == 4 && d == 26 && weekday(day + 1) == 6);
        if fixed {
            return true;
        }
        let e = easter(y);
        let rel = day - e;
        // Good Friday, Easter Sunday, Easter Monday, Ascension, Whit Sunday, Whit Monday.
        if matches!(rel, -2 | 0 | 1 | 39 | 49 | 50) {
            return true;
        }
        self.equated.contains(&day_to_date(day))
    }

    pub(crate) fn is_non_working_day(&self, day: i64) -> bool {
        weekday(day) >= 5 || self.is_holiday_day(day)
    }

    /// Algemene termijnenwet art. 1: a term ending on a Saturday, Sunday or holiday is extended to
    /// the next day that is none of these.
    pub(crate) fn atw_extend(&self, mut day: i64) -> i64 {
        while self.is_non_working_day(day) {
            day += 1;
        }
        day
    }

    /// The date `n` working days after `day` (the day itself not counted).
    pub(crate) fn add_working_days(&self, mut day: i64, n: u32) -> i64 {
        let mut left = n;
        while left > 0 {
            day += 1;
            if !self.is_non_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// The end of a term of `days` calendar days starting on `start`, moved by the Atw.
    pub fn term_end(&self, start: NaiveDate, days: u32) -> NaiveDate {
        day_to_date(self.atw_extend(date_to_day(start) + days as i64))
    }
}

/// True for Saturday or Sunday.
pub fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn civil_round_trip_matches_chrono() {
        for day in -800_000..800_000i64 {
            if day % 997 != 0 {
                continue;
            }
            let date = day_to_date(day);
            assert_eq!(date_to_day(date), day);
            let chrono_days = (date - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days();
            assert_eq!(chrono_days, day);
            assert_eq!(weekday(day), date.weekday().num_days_from_monday());
        }
    }

    #[test]
    fn dst_boundaries_2026() {
        // CEST starts 2026-03-29 01:00 UTC, ends 2026-10-25 01:00 UTC.
        let t = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp();
        assert_eq!(amsterdam_offset(t("2026-03-29T00:59:59Z")), 3600);
        assert_eq!(amsterdam_offset(t("2026-03-29T01:00:00Z")), 7200);
        assert_eq!(amsterdam_offset(t("2026-10-25T00:59:59Z")), 7200);
        assert_eq!(amsterdam_offset(t("2026-10-25T01:00:00Z")), 3600);
        // 22:30 UTC in summer is already the next local day.
        assert_eq!(
            day_to_date(local_day(t("2026-06-01T22:30:00Z"))),
            d("2026-06-02")
        );
        assert_eq!(
            day_to_date(local_day(t("2026-01-01T22:30:00Z"))),
            d("2026-01-01")
        );
    }

    #[test]
    fn holidays() {
        let c = HolidayCalendar::fixed_only();
        for h in [
            "2026-01-01",
            "2026-04-03", // Good Friday
            "2026-04-06", // Easter Monday
            "2026-04-27", // King's Day (Monday)
            "2026-05-05",
            "2026-05-14", // Ascension
            "2026-05-25", // Whit Monday
            "2026-12-25",
            "2026-12-26",
            "2025-04-26", // King's Day moved: 27 April 2025 is a Sunday
            "2024-03-29", // Good Friday 2024
        ] {
            assert!(c.is_holiday(d(h)), "{h}");
        }
        assert!(!c.is_holiday(d("2025-04-28")));
        assert!(!c.is_holiday(d("2026-05-15")));
        assert!(HolidayCalendar::default().is_holiday(d("2026-05-15")));
        assert!(c.is_non_working(d("2026-03-28")));
        assert!(!c.is_non_working(d("2026-03-30")));
    }

    #[test]
    fn atw_moves_to_next_working_day() {
        let c = HolidayCalendar::default();
        // Ends on Good Friday 2026-04-03 -> Sat, Sun, Easter Monday -> Tuesday 7 April.
        assert_eq!(c.term_end(d("2026-03-27"), 7), d("2026-04-07"));
        // Ends on Ascension Thursday 2026-05-14 -> equated Friday -> Monday 18 May.
        assert_eq!(c.term_end(d("2026-04-30"), 14), d("2026-05-18"));
        assert_eq!(c.add_working_days(date_to_day(d("2026-04-02")), 3), {
            date_to_day(d("2026-04-09"))
        });
    }

    #[test]
    fn calendar_loads_from_toml_and_json() {
        let c = HolidayCalendar::from_json(r#"{"equated":["2030-05-31"]}"#).unwrap();
        assert!(c.is_holiday(d("2030-05-31")));
        assert!(HolidayCalendar::from_toml("equated = [\"x\"]").is_err());
    }
}
