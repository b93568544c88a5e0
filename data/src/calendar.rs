//! England & Wales bank holidays, computed rather than looked up.
//!
//! Contact centres in UK social housing close on bank holidays, and the first working day after one
//! (or after a bank-holiday weekend) is among the busiest of the year: forecasting needs both facts
//! for any year in its history and horizon. The list is computed from the rules of the Banking and
//! Financial Dealings Act 1971 as applied by royal proclamation, checked against the published
//! gov.uk lists (<https://www.gov.uk/bank-holidays>):
//!
//! - New Year's Day (1 January; the next Monday when it falls on a weekend),
//! - Good Friday and Easter Monday (Easter Sunday by the anonymous Gregorian computus, also known as
//!   the Meeus/Jones/Butcher algorithm),
//! - the early May bank holiday (first Monday of May; moved to 8 May for the VE-day anniversaries of
//!   1995 and 2020),
//! - the spring bank holiday (last Monday of May; moved for the jubilees of 2002, 2012 and 2022),
//! - the summer bank holiday (last Monday of August),
//! - Christmas Day and Boxing Day, with substitute days on the next weekdays when they fall on a
//!   weekend,
//! - the one-off days: millennium eve (1999-12-31), the Golden Jubilee (2002-06-03), the royal
//!   wedding (2011-04-29), the Diamond Jubilee (2012-06-05), the Platinum Jubilee (2022-06-03), the
//!   state funeral of Queen Elizabeth II (2022-09-19) and the coronation of King Charles III
//!   (2023-05-08).
//!
//! The rules are exact for [`SUPPORTED_YEARS`] (1995-2100) as far as they are known today; for other
//! years the same standing rules are applied (before 1978 there was no early May bank holiday, and
//! future one-off days cannot be known).
//!
//! ```
//! use chrono::NaiveDate;
//! use rota_data::calendar::{bank_holidays, is_bank_holiday, is_day_after_bank_holiday};
//!
//! let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
//! assert_eq!(bank_holidays(2026).len(), 8);
//! assert!(is_bank_holiday(d(12, 28))); // Boxing Day (substitute day)
//! assert!(is_day_after_bank_holiday(d(4, 7))); // Tuesday after Easter Monday
//! ```

use std::ops::RangeInclusive;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Serialize;

/// Years for which the computed list matches the published one (and the known one-off days).
pub const SUPPORTED_YEARS: RangeInclusive<i32> = 1995..=2100;

/// One bank holiday: the date the offices are closed and the name gov.uk gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct BankHoliday {
    /// The (observed) date: for a substitute day, the weekday the holiday moved to.
    pub date: NaiveDate,
    /// The name as published, e.g. "Boxing Day (substitute day)".
    pub name: &'static str,
}

/// Easter Sunday of `year` in the Gregorian calendar (anonymous Gregorian computus,
/// Meeus/Jones/Butcher; valid for every Gregorian year).
///
/// ```
/// use chrono::NaiveDate;
/// assert_eq!(rota_data::calendar::easter_sunday(2026), NaiveDate::from_ymd_opt(2026, 4, 5).unwrap());
/// ```
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
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
    // month is 3 or 4 and day 1..=31 by construction of the algorithm.
    ymd(year, month as u32, day as u32)
}

/// All England & Wales bank holidays of `year`, sorted by date.
///
/// ```
/// use rota_data::calendar::bank_holidays;
/// let names: Vec<&str> = bank_holidays(2022).iter().map(|h| h.name).collect();
/// assert!(names.contains(&"Platinum Jubilee bank holiday"));
/// ```
pub fn bank_holidays(year: i32) -> Vec<BankHoliday> {
    let mut days = Vec::with_capacity(10);
    let mut push = |date: NaiveDate, name: &'static str| days.push(BankHoliday { date, name });

    // New Year's Day, moved to the next Monday when it falls on a weekend.
    let new_year = ymd(year, 1, 1);
    match new_year.weekday() {
        Weekday::Sat => push(ymd(year, 1, 3), "New Year's Day (substitute day)"),
        Weekday::Sun => push(ymd(year, 1, 2), "New Year's Day (substitute day)"),
        _ => push(new_year, "New Year's Day"),
    }

    let easter = easter_sunday(year);
    push(easter - Duration::days(2), "Good Friday");
    push(easter + Duration::days(1), "Easter Monday");

    match year {
        1995 | 2020 => push(ymd(year, 5, 8), "Early May bank holiday (VE day)"),
        _ => push(
            first_weekday_of_month(year, 5, Weekday::Mon),
            "Early May bank holiday",
        ),
    }

    match year {
        2002 | 2012 => push(ymd(year, 6, 4), "Spring bank holiday"),
        2022 => push(ymd(year, 6, 2), "Spring bank holiday"),
        _ => push(
            last_weekday_of_month(year, 5, Weekday::Mon),
            "Spring bank holiday",
        ),
    }

    push(
        last_weekday_of_month(year, 8, Weekday::Mon),
        "Summer bank holiday",
    );

    // Christmas and Boxing Day: a holiday on a weekend moves to the next weekday not already taken.
    let christmas = ymd(year, 12, 25);
    match christmas.weekday() {
        Weekday::Fri => {
            push(christmas, "Christmas Day");
            push(ymd(year, 12, 28), "Boxing Day (substitute day)");
        }
        Weekday::Sat => {
            push(ymd(year, 12, 27), "Christmas Day (substitute day)");
            push(ymd(year, 12, 28), "Boxing Day (substitute day)");
        }
        Weekday::Sun => {
            push(ymd(year, 12, 26), "Boxing Day");
            push(ymd(year, 12, 27), "Christmas Day (substitute day)");
        }
        _ => {
            push(christmas, "Christmas Day");
            push(ymd(year, 12, 26), "Boxing Day");
        }
    }

    for &(date, name) in ONE_OFF_DAYS {
        if date.0 == year {
            push(ymd(date.0, date.1, date.2), name);
        }
    }

    days.sort();
    days
}

/// Bank holidays declared by royal proclamation for a single occasion.
const ONE_OFF_DAYS: &[((i32, u32, u32), &str)] = &[
    ((1999, 12, 31), "Millennium celebrations"),
    ((2002, 6, 3), "Golden Jubilee bank holiday"),
    (
        (2011, 4, 29),
        "Wedding of Prince William and Catherine Middleton",
    ),
    ((2012, 6, 5), "Diamond Jubilee bank holiday"),
    ((2022, 6, 3), "Platinum Jubilee bank holiday"),
    (
        (2022, 9, 19),
        "Bank holiday for the State Funeral of Queen Elizabeth II",
    ),
    (
        (2023, 5, 8),
        "Bank holiday for the coronation of King Charles III",
    ),
];

/// The bank holiday on `date`, if there is one.
pub fn bank_holiday_on(date: NaiveDate) -> Option<BankHoliday> {
    bank_holidays(date.year())
        .into_iter()
        .find(|h| h.date == date)
}

/// Whether `date` is an England & Wales bank holiday.
///
/// ```
/// use chrono::NaiveDate;
/// use rota_data::calendar::is_bank_holiday;
/// assert!(is_bank_holiday(NaiveDate::from_ymd_opt(2026, 8, 31).unwrap()));
/// assert!(!is_bank_holiday(NaiveDate::from_ymd_opt(2026, 8, 24).unwrap()));
/// ```
pub fn is_bank_holiday(date: NaiveDate) -> bool {
    bank_holiday_on(date).is_some()
}

/// Whether `date` is a working day: Monday to Friday and not a bank holiday.
pub fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !is_bank_holiday(date)
}

/// The first working day strictly after `date`.
pub fn next_working_day(date: NaiveDate) -> NaiveDate {
    let mut d = date + Duration::days(1);
    while !is_working_day(d) {
        d += Duration::days(1);
    }
    d
}

/// Whether `date` is the first working day after a bank holiday or a bank-holiday weekend: a
/// working day whose run of preceding non-working days contains at least one bank holiday.
///
/// Tenants who could not get through over a long weekend all call on that day, so it is as busy as
/// (or busier than) a Monday. The Tuesday after Easter Monday, the Monday after a Friday bank
/// holiday and 2 January (when New Year's Day is a Monday to Thursday) all qualify; an ordinary
/// Monday does not.
pub fn is_day_after_bank_holiday(date: NaiveDate) -> bool {
    if !is_working_day(date) {
        return false;
    }
    let mut d = date - Duration::days(1);
    // A run of non-working days is at most a long Christmas (about six days); bound the walk anyway.
    for _ in 0..14 {
        if is_bank_holiday(d) {
            return true;
        }
        if is_working_day(d) {
            return false;
        }
        d -= Duration::days(1);
    }
    false
}

/// The bank holidays of every year from `first` to `last` (inclusive), sorted by date: a cheap
/// lookup table for code that asks about thousands of days.
pub fn bank_holidays_between(first: NaiveDate, last: NaiveDate) -> Vec<BankHoliday> {
    (first.year()..=last.year())
        .flat_map(bank_holidays)
        .filter(|h| h.date >= first && h.date <= last)
        .collect()
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    // Only called with month/day combinations valid in every year (1..=28, or fixed dates that
    // exist every year).
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

fn first_weekday_of_month(year: i32, month: u32, weekday: Weekday) -> NaiveDate {
    let first = ymd(year, month, 1);
    let offset = (7 + weekday.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
    first + Duration::days(i64::from(offset))
}

fn last_weekday_of_month(year: i32, month: u32, weekday: Weekday) -> NaiveDate {
    let next_month_first = if month == 12 {
        ymd(year + 1, 1, 1)
    } else {
        ymd(year, month + 1, 1)
    };
    let last = next_month_first - Duration::days(1);
    let offset = (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
    last - Duration::days(i64::from(offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(year: i32) -> Vec<String> {
        bank_holidays(year)
            .iter()
            .map(|h| h.date.format("%m-%d").to_string())
            .collect()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn matches_gov_uk_2024() {
        assert_eq!(
            dates(2024),
            ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"]
        );
    }

    #[test]
    fn matches_gov_uk_2025() {
        assert_eq!(
            dates(2025),
            ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"]
        );
    }

    #[test]
    fn matches_gov_uk_2026() {
        assert_eq!(
            dates(2026),
            ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"]
        );
        assert_eq!(
            bank_holiday_on(d(2026, 12, 28)).map(|h| h.name),
            Some("Boxing Day (substitute day)")
        );
    }

    #[test]
    fn matches_gov_uk_2027_and_2023() {
        // 2027: Christmas on a Saturday, both days substituted.
        assert_eq!(
            dates(2027),
            ["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"]
        );
        // 2023: New Year's Day on a Sunday, the coronation on 8 May.
        assert_eq!(
            dates(2023),
            ["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"]
        );
    }

    #[test]
    fn christmas_on_sunday_2022_and_jubilee_and_funeral() {
        assert_eq!(
            dates(2022),
            [
                "01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26",
                "12-27"
            ]
        );
        assert_eq!(
            bank_holiday_on(d(2022, 12, 27)).map(|h| h.name),
            Some("Christmas Day (substitute day)")
        );
    }

    #[test]
    fn special_years() {
        assert_eq!(
            dates(1995),
            ["01-02", "04-14", "04-17", "05-08", "05-29", "08-28", "12-25", "12-26"]
        );
        assert_eq!(
            dates(1999),
            ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28", "12-31"]
        );
        assert_eq!(
            dates(2002),
            ["01-01", "03-29", "04-01", "05-06", "06-03", "06-04", "08-26", "12-25", "12-26"]
        );
        assert_eq!(
            dates(2011),
            ["01-03", "04-22", "04-25", "04-29", "05-02", "05-30", "08-29", "12-26", "12-27"]
        );
        assert_eq!(
            dates(2012),
            ["01-02", "04-06", "04-09", "05-07", "06-04", "06-05", "08-27", "12-25", "12-26"]
        );
        assert_eq!(
            dates(2020),
            ["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"]
        );
    }

    #[test]
    fn easter_known_dates() {
        assert_eq!(easter_sunday(2000), d(2000, 4, 23));
        assert_eq!(easter_sunday(2019), d(2019, 4, 21));
        assert_eq!(easter_sunday(2038), d(2038, 4, 25));
        assert_eq!(easter_sunday(2100), d(2100, 3, 28));
        assert_eq!(easter_sunday(2285), d(2285, 3, 22));
    }

    #[test]
    fn every_supported_year_is_sane() {
        for year in SUPPORTED_YEARS {
            let days = bank_holidays(year);
            assert!((8..=10).contains(&days.len()), "{year}: {days:?}");
            for h in &days {
                assert_eq!(h.date.year(), year);
                assert!(
                    !matches!(h.date.weekday(), Weekday::Sat | Weekday::Sun),
                    "{year}: {h:?} on a weekend"
                );
            }
            for pair in days.windows(2) {
                assert!(pair[0].date < pair[1].date, "{year}: duplicate {pair:?}");
            }
        }
    }

    #[test]
    fn day_after_bank_holiday() {
        assert!(is_day_after_bank_holiday(d(2026, 4, 7))); // after Easter Monday
        assert!(is_day_after_bank_holiday(d(2026, 5, 26))); // after spring bank holiday
        assert!(is_day_after_bank_holiday(d(2026, 12, 29))); // after Boxing Day (substitute)
        assert!(is_day_after_bank_holiday(d(2026, 1, 2))); // Friday after New Year's Day
        assert!(is_day_after_bank_holiday(d(2020, 5, 11))); // Monday after Friday VE day
        assert!(!is_day_after_bank_holiday(d(2026, 4, 6))); // Easter Monday itself
        assert!(!is_day_after_bank_holiday(d(2026, 4, 13))); // ordinary Monday
        assert!(!is_day_after_bank_holiday(d(2026, 4, 8))); // two days after
        assert!(!is_day_after_bank_holiday(d(2026, 4, 11))); // Saturday
    }

    #[test]
    fn working_days() {
        assert!(!is_working_day(d(2026, 11, 15))); // Sunday
        assert!(is_working_day(d(2026, 11, 16)));
        assert_eq!(next_working_day(d(2026, 12, 24)), d(2026, 12, 29));
        assert_eq!(next_working_day(d(2026, 11, 13)), d(2026, 11, 16));
    }

    #[test]
    fn between_filters_dates() {
        let list = bank_holidays_between(d(2024, 11, 16), d(2026, 11, 15));
        assert_eq!(list.first().map(|h| h.date), Some(d(2024, 12, 25)));
        assert_eq!(list.last().map(|h| h.date), Some(d(2026, 8, 31)));
        assert_eq!(list.len(), 2 + 8 + 6);
    }
}
