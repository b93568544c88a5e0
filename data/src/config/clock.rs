//! Times of day, opening-hour ranges and weekly hours, as written in the centre configuration
//! (`"08:00-18:00"`, `mon = ["08:00-12:00", "13:00-18:00"]`).

use std::fmt;
use std::str::FromStr;

use chrono::Weekday;
use serde::{Deserialize, Serialize};

/// Minutes in a day; `24:00` is accepted as the end of a range.
pub const MINUTES_PER_DAY: u16 = 24 * 60;

/// Weekdays in file order, Monday first.
pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// The three-letter lowercase key of a weekday (`mon` ... `sun`).
pub fn weekday_key(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

/// Parses `mon`, `Monday`, `TUE`... into a weekday.
pub fn parse_weekday(s: &str) -> Option<Weekday> {
    let t = s.trim().to_ascii_lowercase();
    WEEKDAYS
        .into_iter()
        .find(|d| t.len() >= 3 && long_name(*d).starts_with(&t))
}

fn long_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
        Weekday::Sun => "sunday",
    }
}

/// Formats minutes since midnight as `HH:MM`.
pub fn format_clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Parses `HH:MM` (00:00 to 24:00) into minutes since midnight.
pub fn parse_clock(s: &str) -> Result<u16, String> {
    let bad = || {
        format!(
            "{s:?} is not a time of day; expected HH:MM between 00:00 and 24:00, e.g. \"08:30\""
        )
    };
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: u16 = h.parse().map_err(|_| bad())?;
    let m: u16 = m.parse().map_err(|_| bad())?;
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// A range of local wall-clock time within one day, `[start, end)` in minutes since midnight.
///
/// Valid by construction: `start < end <= 24:00`. Written `"08:00-18:00"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeRange {
    start: u16,
    end: u16,
}

impl TimeRange {
    /// A range from `start` to `end` minutes after midnight.
    ///
    /// ```
    /// use rota_data::config::TimeRange;
    /// let r = TimeRange::new(8 * 60, 18 * 60).unwrap();
    /// assert_eq!(r.to_string(), "08:00-18:00");
    /// assert!(TimeRange::new(18 * 60, 8 * 60).is_err());
    /// ```
    pub fn new(start: u16, end: u16) -> Result<Self, String> {
        if end > MINUTES_PER_DAY {
            return Err(format!("end {} is after 24:00", end));
        }
        if start >= end {
            return Err(format!(
                "range {}-{} is empty or reversed; expected start before end (ranges cannot cross midnight)",
                format_clock(start),
                format_clock(end)
            ));
        }
        Ok(Self { start, end })
    }

    /// Start, minutes since local midnight.
    pub fn start_minute(&self) -> u16 {
        self.start
    }

    /// End (exclusive), minutes since local midnight (1440 = 24:00).
    pub fn end_minute(&self) -> u16 {
        self.end
    }

    /// Length in minutes.
    pub fn minutes(&self) -> u16 {
        self.end - self.start
    }

    /// True when `minute` (since midnight) lies in `[start, end)`.
    pub fn contains_minute(&self, minute: u32) -> bool {
        u32::from(self.start) <= minute && minute < u32::from(self.end)
    }

    /// True when `[from, to)` lies inside this range.
    pub fn covers(&self, from: u32, to: u32) -> bool {
        u32::from(self.start) <= from && to <= u32::from(self.end)
    }
}

impl fmt::Display for TimeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", format_clock(self.start), format_clock(self.end))
    }
}

impl FromStr for TimeRange {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (a, b) = s.split_once('-').ok_or_else(|| {
            format!("{s:?} is not a time range; expected \"HH:MM-HH:MM\", e.g. \"08:00-18:00\"")
        })?;
        TimeRange::new(parse_clock(a)?, parse_clock(b)?)
    }
}

impl Serialize for TimeRange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeRange {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Hours per weekday: zero or more non-overlapping [`TimeRange`]s for each day, Monday first.
///
/// A day without ranges is closed (or, for availability, unavailable).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct WeeklyHours {
    days: [Vec<TimeRange>; 7],
}

impl WeeklyHours {
    /// Builds weekly hours from per-day ranges; ranges of a day are sorted and must not overlap.
    ///
    /// ```
    /// use chrono::Weekday;
    /// use rota_data::config::{TimeRange, WeeklyHours};
    /// let r = |s: &str| s.parse::<TimeRange>().unwrap();
    /// let hours = WeeklyHours::new([(Weekday::Mon, vec![r("08:00-18:00")]), (Weekday::Sat, vec![r("09:00-13:00")])]).unwrap();
    /// assert!(hours.is_open_at(Weekday::Sat, 10 * 60));
    /// assert!(!hours.is_open_at(Weekday::Sun, 10 * 60));
    /// ```
    pub fn new(days: impl IntoIterator<Item = (Weekday, Vec<TimeRange>)>) -> Result<Self, String> {
        let mut out = WeeklyHours::default();
        for (d, mut ranges) in days {
            ranges.sort();
            for w in ranges.windows(2) {
                if w[1].start < w[0].end {
                    return Err(format!(
                        "{}: ranges {} and {} overlap",
                        weekday_key(d),
                        w[0],
                        w[1]
                    ));
                }
            }
            out.days[d.num_days_from_monday() as usize] = ranges;
        }
        Ok(out)
    }

    /// Open every day, all day.
    pub fn always() -> Self {
        let all = TimeRange {
            start: 0,
            end: MINUTES_PER_DAY,
        };
        Self {
            days: std::array::from_fn(|_| vec![all]),
        }
    }

    /// The ranges of a weekday, sorted (empty = closed).
    pub fn ranges(&self, day: Weekday) -> &[TimeRange] {
        &self.days[day.num_days_from_monday() as usize]
    }

    /// True when `minute` (local, since midnight) on `day` lies in one of its ranges.
    pub fn is_open_at(&self, day: Weekday, minute: u32) -> bool {
        self.ranges(day).iter().any(|r| r.contains_minute(minute))
    }

    /// True when `[from, to)` minutes on `day` lies inside one range.
    pub fn covers(&self, day: Weekday, from: u32, to: u32) -> bool {
        self.ranges(day).iter().any(|r| r.covers(from, to))
    }

    /// True when no day has any range.
    pub fn is_never(&self) -> bool {
        self.days.iter().all(Vec::is_empty)
    }

    /// Total open minutes in a week.
    pub fn minutes_per_week(&self) -> u32 {
        self.days
            .iter()
            .flatten()
            .map(|r| u32::from(r.minutes()))
            .sum()
    }

    /// Days that have at least one range.
    pub fn open_days(&self) -> impl Iterator<Item = Weekday> + '_ {
        WEEKDAYS.into_iter().filter(|d| !self.ranges(*d).is_empty())
    }
}

impl Serialize for WeeklyHours {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        for d in WEEKDAYS {
            let r = self.ranges(d);
            if !r.is_empty() {
                m.serialize_entry(weekday_key(d), r)?;
            }
        }
        m.end()
    }
}

#[cfg(test)]
mod tests;
