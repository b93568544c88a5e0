//! The interval grid: fixed 15/30/60-minute slices of the day in the centre's local time zone.
//!
//! Interval starts are *local wall-clock* times aligned to the interval length (08:00, 08:15, ...),
//! mapped to real instants through the IANA time zone (`chrono-tz`). On the day the clocks go
//! forward the local times that do not exist are skipped (Europe/London: 92 intervals of 15 minutes,
//! 23 hours); on the day they go back the repeated local times occur twice, first with the summer
//! offset and then with the winter offset (100 intervals, 25 hours). Timestamps carry their offset, so
//! `2026-10-25T01:15:00+01:00` and `2026-10-25T01:15:00+00:00` are different intervals.
//! (In the rare zones whose clocks move by 30 minutes, such as Lord Howe Island, one interval of
//! the changeover day is 30 minutes shorter or longer than the others.)
//!
//! ```
//! use chrono::NaiveDate;
//! use rota_data::grid::{IntervalGrid, IntervalLength};
//! let grid = IntervalGrid::new(IntervalLength::M15, chrono_tz::Europe::London);
//! let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
//! assert_eq!(grid.interval_starts(day(28)).len(), 96);
//! assert_eq!(grid.interval_starts(day(29)).len(), 92); // clocks go forward
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The default time zone of a centre: Rota's first users are UK contact centres.
pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Europe::London;

/// Length of one planning interval. Only lengths that divide an hour evenly and are common in
/// ACD/CCaaS exports are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum IntervalLength {
    /// 15 minutes (the default, and the usual ACD export granularity).
    #[default]
    M15,
    /// 30 minutes.
    M30,
    /// 60 minutes.
    M60,
}

/// Why a value is not an [`IntervalLength`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid interval length {0:?}; expected 15, 30 or 60 minutes (\"15m\", \"30m\", \"60m\" or \"1h\")")]
pub struct IntervalLengthError(pub String);

impl IntervalLength {
    /// All lengths, shortest first.
    pub const ALL: [IntervalLength; 3] = [
        IntervalLength::M15,
        IntervalLength::M30,
        IntervalLength::M60,
    ];

    /// The length in minutes (15, 30 or 60).
    pub fn minutes(self) -> u32 {
        match self {
            IntervalLength::M15 => 15,
            IntervalLength::M30 => 30,
            IntervalLength::M60 => 60,
        }
    }

    /// The length in seconds.
    pub fn seconds(self) -> u32 {
        self.minutes() * 60
    }

    /// The length as a `chrono::Duration`.
    pub fn as_duration(self) -> Duration {
        Duration::minutes(i64::from(self.minutes()))
    }

    /// The number of intervals in a day of 24 hours (96, 48 or 24).
    pub fn per_standard_day(self) -> usize {
        (24 * 60 / self.minutes()) as usize
    }

    /// The length for a number of minutes, if it is 15, 30 or 60.
    ///
    /// ```
    /// use rota_data::grid::IntervalLength;
    /// assert_eq!(IntervalLength::from_minutes(30), Ok(IntervalLength::M30));
    /// assert!(IntervalLength::from_minutes(20).is_err());
    /// ```
    pub fn from_minutes(minutes: u32) -> Result<Self, IntervalLengthError> {
        match minutes {
            15 => Ok(IntervalLength::M15),
            30 => Ok(IntervalLength::M30),
            60 => Ok(IntervalLength::M60),
            other => Err(IntervalLengthError(other.to_string())),
        }
    }

    /// The canonical text form: `"15m"`, `"30m"` or `"60m"`.
    pub fn as_str(self) -> &'static str {
        match self {
            IntervalLength::M15 => "15m",
            IntervalLength::M30 => "30m",
            IntervalLength::M60 => "60m",
        }
    }
}

impl fmt::Display for IntervalLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for IntervalLength {
    type Err = IntervalLengthError;

    /// Accepts `15`, `15m`, `15min`, `30`, `30m`, `60`, `60m`, `1h` (surrounding space ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        let minutes = if let Some(h) = t.strip_suffix('h') {
            h.trim().parse::<u32>().ok().and_then(|h| h.checked_mul(60))
        } else {
            let m = t
                .strip_suffix("min")
                .or_else(|| t.strip_suffix('m'))
                .unwrap_or(&t);
            m.trim().parse::<u32>().ok()
        };
        minutes
            .ok_or_else(|| IntervalLengthError(s.to_string()))
            .and_then(|m| {
                IntervalLength::from_minutes(m).map_err(|_| IntervalLengthError(s.to_string()))
            })
    }
}

impl Serialize for IntervalLength {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for IntervalLength {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = IntervalLength;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "15, 30 or 60 minutes, as a number or a string such as \"15m\" or \"1h\"",
                )
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                u32::try_from(v)
                    .map_err(|_| IntervalLengthError(v.to_string()))
                    .and_then(IntervalLength::from_minutes)
                    .map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                u32::try_from(v)
                    .map_err(|_| IntervalLengthError(v.to_string()))
                    .and_then(IntervalLength::from_minutes)
                    .map_err(E::custom)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// The planning grid of a centre: an interval length and the local time zone.
///
/// All interval starts returned are `DateTime<Tz>` in the centre's zone, so they print (RFC 3339)
/// with the local offset in force at that instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IntervalGrid {
    /// Length of one interval.
    pub length: IntervalLength,
    /// IANA time zone of the centre (e.g. `Europe/London`).
    pub tz: Tz,
}

impl Default for IntervalGrid {
    /// 15-minute intervals in Europe/London.
    fn default() -> Self {
        Self {
            length: IntervalLength::M15,
            tz: DEFAULT_TIME_ZONE,
        }
    }
}

impl IntervalGrid {
    /// A grid of `length` intervals in time zone `tz`.
    pub fn new(length: IntervalLength, tz: Tz) -> Self {
        Self { length, tz }
    }

    fn minutes(&self) -> u32 {
        self.length.minutes()
    }

    /// The interval starts of a local calendar date, in time order.
    ///
    /// Every aligned local wall-clock time of the date (00:00, 00:15, ...) that exists in the zone
    /// is one start; wall times skipped by the clocks going forward are left out, wall times repeated
    /// when the clocks go back occur twice (summer offset first). Europe/London at 15 minutes: 96
    /// intervals on an ordinary day, 92 on the last Sunday of March, 100 on the last Sunday of
    /// October.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use rota_data::grid::{IntervalGrid, IntervalLength};
    /// let grid = IntervalGrid::new(IntervalLength::M60, chrono_tz::Europe::London);
    /// let starts = grid.interval_starts(NaiveDate::from_ymd_opt(2026, 10, 25).unwrap());
    /// assert_eq!(starts.len(), 25);
    /// assert_eq!(starts[1].to_rfc3339(), "2026-10-25T01:00:00+01:00");
    /// assert_eq!(starts[2].to_rfc3339(), "2026-10-25T01:00:00+00:00");
    /// ```
    pub fn interval_starts(&self, date: NaiveDate) -> Vec<DateTime<Tz>> {
        let step = self.minutes();
        let mut out = Vec::with_capacity(self.length.per_standard_day() + 8);
        let mut minute = 0u32;
        while minute < 24 * 60 {
            let naive = date.and_time(minute_to_time(minute));
            match self.tz.from_local_datetime(&naive) {
                chrono::LocalResult::Single(t) => out.push(t),
                chrono::LocalResult::Ambiguous(a, b) => {
                    out.push(a);
                    out.push(b);
                }
                chrono::LocalResult::None => {}
            }
            minute += step;
        }
        out.sort();
        out.dedup();
        out
    }

    /// The number of intervals on a local date (92/96/100 at 15 minutes in Europe/London).
    pub fn intervals_on(&self, date: NaiveDate) -> usize {
        self.interval_starts(date).len()
    }

    /// The start of the interval that contains instant `t` (any time zone), in the centre's zone.
    ///
    /// ```
    /// use chrono::DateTime;
    /// use rota_data::grid::IntervalGrid;
    /// let grid = IntervalGrid::default(); // 15 minutes, Europe/London
    /// let t = DateTime::parse_from_rfc3339("2026-11-23T08:07:31+00:00").unwrap();
    /// assert_eq!(grid.floor(&t).to_rfc3339(), "2026-11-23T08:00:00+00:00");
    /// ```
    pub fn floor<Z: TimeZone>(&self, t: &DateTime<Z>) -> DateTime<Tz> {
        let local = t.with_timezone(&self.tz);
        let wall = local.naive_local();
        let minute = wall.hour() * 60 + wall.minute();
        let back = Duration::minutes(i64::from(minute % self.minutes()))
            + Duration::seconds(i64::from(wall.second()))
            + Duration::nanoseconds(i64::from(wall.nanosecond()));
        let candidate = local - back;
        // Fast path: no offset change between the candidate and `t`, so the candidate's wall time
        // is the aligned wall time we subtracted to.
        if candidate.offset() == local.offset() {
            return candidate;
        }
        self.floor_by_scan(&local)
    }

    /// Exact floor by listing the starts of the local date (and the day before): used only when a
    /// clock change lies inside the interval.
    fn floor_by_scan(&self, local: &DateTime<Tz>) -> DateTime<Tz> {
        let date = local.date_naive();
        let mut best: Option<DateTime<Tz>> = None;
        for d in [date.pred_opt(), Some(date)].into_iter().flatten() {
            for s in self.interval_starts(d) {
                if s <= *local && best.is_none_or(|b| s > b) {
                    best = Some(s);
                }
            }
        }
        // Midnight always exists on some side of every clock change used in practice; if a zone
        // skipped an entire local date, fall back to the raw instant rather than panic.
        best.unwrap_or(*local)
    }

    /// True when `t` is exactly an interval start of this grid.
    ///
    /// ```
    /// use chrono::DateTime;
    /// use rota_data::grid::IntervalGrid;
    /// let grid = IntervalGrid::default();
    /// assert!(grid.is_aligned(&DateTime::parse_from_rfc3339("2026-11-23T08:15:00+00:00").unwrap()));
    /// assert!(!grid.is_aligned(&DateTime::parse_from_rfc3339("2026-11-23T08:20:00+00:00").unwrap()));
    /// ```
    pub fn is_aligned<Z: TimeZone>(&self, t: &DateTime<Z>) -> bool {
        self.floor(t) == *t
    }

    /// The first interval start strictly after interval start (or instant) `t`.
    pub fn next_start<Z: TimeZone>(&self, t: &DateTime<Z>) -> DateTime<Tz> {
        let s = self.floor(t);
        let candidate = s + self.length.as_duration();
        if candidate.offset() == s.offset() {
            // No clock change in between: the wall time moved by exactly one aligned step.
            return candidate;
        }
        // A clock change lies in between: take the earliest start after `s` among the starts of
        // this local date and the next one.
        let date = s.date_naive();
        let mut best: Option<DateTime<Tz>> = None;
        for d in [
            Some(date),
            date.succ_opt(),
            date.succ_opt().and_then(|d| d.succ_opt()),
        ]
        .into_iter()
        .flatten()
        {
            for x in self.interval_starts(d) {
                if x > s && best.is_none_or(|b| x < b) {
                    best = Some(x);
                }
            }
            if best.is_some() {
                break;
            }
        }
        // Every zone has interval starts on the following days; the fallback keeps the function
        // total (and strictly increasing) even for a pathological zone.
        best.unwrap_or(candidate)
    }

    /// The interval starts `s` with `from <= s < to`, in order (empty when `to <= from`).
    ///
    /// ```
    /// use chrono::DateTime;
    /// use rota_data::grid::IntervalGrid;
    /// let grid = IntervalGrid::default();
    /// let from = DateTime::parse_from_rfc3339("2026-11-23T08:00:00+00:00").unwrap();
    /// let to = DateTime::parse_from_rfc3339("2026-11-23T09:00:00+00:00").unwrap();
    /// assert_eq!(grid.intervals_between(&from, &to).len(), 4);
    /// ```
    pub fn intervals_between<Z1: TimeZone, Z2: TimeZone>(
        &self,
        from: &DateTime<Z1>,
        to: &DateTime<Z2>,
    ) -> Vec<DateTime<Tz>> {
        let to = to.with_timezone(&self.tz);
        let mut s = self.floor(from);
        if s < *from {
            s = self.next_start(&s);
        }
        let mut out = Vec::new();
        while s < to {
            out.push(s);
            let next = self.next_start(&s);
            if next <= s {
                break;
            }
            s = next;
        }
        out
    }

    /// The interval starts of every local date in `first..=last`.
    pub fn interval_starts_in_dates(&self, first: NaiveDate, last: NaiveDate) -> Vec<DateTime<Tz>> {
        first
            .iter_days()
            .take_while(|d| *d <= last)
            .flat_map(|d| self.interval_starts(d))
            .collect()
    }

    /// The instant `t` in the centre's zone.
    pub fn to_local<Z: TimeZone>(&self, t: &DateTime<Z>) -> DateTime<Tz> {
        t.with_timezone(&self.tz)
    }

    /// The local calendar date of `t` in the centre's zone.
    pub fn local_date<Z: TimeZone>(&self, t: &DateTime<Z>) -> NaiveDate {
        self.to_local(t).date_naive()
    }

    /// The local weekday of `t` in the centre's zone.
    pub fn weekday<Z: TimeZone>(&self, t: &DateTime<Z>) -> Weekday {
        self.local_date(t).weekday_of()
    }

    /// Local wall-clock minutes since midnight of `t` (0..1440). On the day the clocks go back the
    /// repeated hour gives the same minutes twice.
    pub fn minute_of_day<Z: TimeZone>(&self, t: &DateTime<Z>) -> u32 {
        let wall = self.to_local(t).naive_local();
        wall.hour() * 60 + wall.minute()
    }

    /// Index of the wall-clock slot of the day that contains `t`: `minute_of_day / length`
    /// (0..96 at 15 minutes). Useful as a "same time of day" key for seasonal profiles; on DST
    /// days some slots are missing or repeated.
    pub fn slot_of_day<Z: TimeZone>(&self, t: &DateTime<Z>) -> usize {
        (self.minute_of_day(t) / self.minutes()) as usize
    }

    /// Resolves a local wall-clock timestamp (as found in exports without an offset) to an
    /// instant: `Ok` when the wall time exists exactly once, otherwise an error saying whether it
    /// falls in the clock-change gap or the repeated hour.
    pub fn localize(&self, naive: NaiveDateTime) -> Result<DateTime<Tz>, LocalTimeError> {
        match self.tz.from_local_datetime(&naive) {
            chrono::LocalResult::Single(t) => Ok(t),
            chrono::LocalResult::Ambiguous(a, b) => Err(LocalTimeError::Ambiguous {
                naive,
                tz: self.tz,
                earliest: a.fixed_offset(),
                latest: b.fixed_offset(),
            }),
            chrono::LocalResult::None => Err(LocalTimeError::Nonexistent { naive, tz: self.tz }),
        }
    }
}

/// A local wall-clock time that does not map to exactly one instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocalTimeError {
    /// The wall time falls in the gap when the clocks go forward.
    #[error("local time {naive} does not exist in {tz} (the clocks go forward); give the offset explicitly")]
    Nonexistent {
        /// The wall time.
        naive: NaiveDateTime,
        /// The zone.
        tz: Tz,
    },
    /// The wall time occurs twice when the clocks go back.
    #[error("local time {naive} occurs twice in {tz} ({earliest} and {latest}); give the offset explicitly")]
    Ambiguous {
        /// The wall time.
        naive: NaiveDateTime,
        /// The zone.
        tz: Tz,
        /// The first occurrence.
        earliest: DateTime<chrono::FixedOffset>,
        /// The second occurrence.
        latest: DateTime<chrono::FixedOffset>,
    },
}

/// Weekday of a date (helper so callers need not import `chrono::Datelike`).
trait WeekdayOf {
    fn weekday_of(&self) -> Weekday;
}

impl WeekdayOf for NaiveDate {
    fn weekday_of(&self) -> Weekday {
        chrono::Datelike::weekday(self)
    }
}

fn minute_to_time(minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(minute / 60, minute % 60, 0).unwrap_or(NaiveTime::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn london(len: IntervalLength) -> IntervalGrid {
        IntervalGrid::new(len, chrono_tz::Europe::London)
    }

    #[test]
    fn interval_length_parses() {
        for (s, l) in [
            ("15m", IntervalLength::M15),
            ("15", IntervalLength::M15),
            ("30m", IntervalLength::M30),
            (" 60m ", IntervalLength::M60),
            ("1h", IntervalLength::M60),
            ("30min", IntervalLength::M30),
        ] {
            assert_eq!(s.parse::<IntervalLength>(), Ok(l), "{s}");
        }
        for s in ["", "20m", "2h", "abc", "-15", "0"] {
            assert!(s.parse::<IntervalLength>().is_err(), "{s}");
        }
        assert_eq!(IntervalLength::M30.as_duration(), Duration::minutes(30));
        assert_eq!(IntervalLength::M60.minutes(), 60);
    }

    #[test]
    fn interval_length_serde() {
        #[derive(Deserialize, Serialize)]
        struct W {
            interval: IntervalLength,
        }
        let w: W = toml::from_str("interval = 15").unwrap();
        assert_eq!(w.interval, IntervalLength::M15);
        let w: W = toml::from_str("interval = \"1h\"").unwrap();
        assert_eq!(w.interval, IntervalLength::M60);
        assert!(toml::from_str::<W>("interval = 20").is_err());
        assert_eq!(
            toml::to_string(&W {
                interval: IntervalLength::M30
            })
            .unwrap()
            .trim(),
            "interval = \"30m\""
        );
    }

    #[test]
    fn dst_days_in_london() {
        for (len, spring, normal, autumn) in [
            (IntervalLength::M15, 92, 96, 100),
            (IntervalLength::M30, 46, 48, 50),
            (IntervalLength::M60, 23, 24, 25),
        ] {
            let g = london(len);
            assert_eq!(g.intervals_on(d(2026, 3, 29)), spring);
            assert_eq!(g.intervals_on(d(2026, 3, 28)), normal);
            assert_eq!(g.intervals_on(d(2026, 10, 25)), autumn);
        }
    }

    #[test]
    fn dst_day_starts_are_contiguous() {
        let g = london(IntervalLength::M15);
        for date in [d(2026, 3, 29), d(2026, 10, 25), d(2026, 11, 23)] {
            let s = g.interval_starts(date);
            for w in s.windows(2) {
                assert_eq!(w[1] - w[0], Duration::minutes(15));
            }
            let next = g.interval_starts(date.succ_opt().unwrap());
            assert_eq!(next[0] - s[s.len() - 1], Duration::minutes(15));
        }
        let autumn = g.interval_starts(d(2026, 10, 25));
        assert_eq!(autumn[4].to_rfc3339(), "2026-10-25T01:00:00+01:00");
        assert_eq!(autumn[8].to_rfc3339(), "2026-10-25T01:00:00+00:00");
        let spring = g.interval_starts(d(2026, 3, 29));
        assert_eq!(spring[3].to_rfc3339(), "2026-03-29T00:45:00+00:00");
        assert_eq!(spring[4].to_rfc3339(), "2026-03-29T02:00:00+01:00");
    }

    #[test]
    fn floor_and_alignment() {
        let g = london(IntervalLength::M15);
        let t = DateTime::parse_from_rfc3339("2026-10-25T01:22:10+00:00").unwrap();
        assert_eq!(g.floor(&t).to_rfc3339(), "2026-10-25T01:15:00+00:00");
        let t = DateTime::parse_from_rfc3339("2026-10-25T01:22:10+01:00").unwrap();
        assert_eq!(g.floor(&t).to_rfc3339(), "2026-10-25T01:15:00+01:00");
        let t = DateTime::parse_from_rfc3339("2026-07-01T12:00:00Z").unwrap();
        assert!(g.is_aligned(&t));
        assert_eq!(g.floor(&t).to_rfc3339(), "2026-07-01T13:00:00+01:00");
    }

    #[test]
    fn half_hour_offset_zone_aligns_to_local_clock() {
        // India is UTC+05:30: hourly intervals start at local hh:00, i.e. hh:30 UTC.
        let g = IntervalGrid::new(IntervalLength::M60, chrono_tz::Asia::Kolkata);
        let t = DateTime::parse_from_rfc3339("2026-01-05T03:40:00Z").unwrap();
        assert_eq!(g.floor(&t).to_rfc3339(), "2026-01-05T09:00:00+05:30");
    }

    #[test]
    fn half_hour_dst_zone_is_contiguous() {
        // Lord Howe Island moves its clocks by 30 minutes: at 60-minute intervals one interval of
        // the changeover day is 30 minutes long, none is lost.
        let g = IntervalGrid::new(IntervalLength::M60, chrono_tz::Australia::Lord_Howe);
        let date = d(2026, 4, 5);
        let starts = g.interval_starts(date);
        let from = starts[0];
        let to = g.interval_starts(date.succ_opt().unwrap())[0];
        assert_eq!(g.intervals_between(&from, &to), starts);
        for s in &starts {
            assert!(g.is_aligned(s));
        }
    }

    #[test]
    fn local_fields() {
        let g = london(IntervalLength::M15);
        let t = DateTime::parse_from_rfc3339("2026-11-22T23:30:00-02:00").unwrap();
        assert_eq!(g.local_date(&t), d(2026, 11, 23));
        assert_eq!(g.weekday(&t), Weekday::Mon);
        assert_eq!(g.minute_of_day(&t), 90);
        assert_eq!(g.slot_of_day(&t), 6);
    }

    #[test]
    fn localize_reports_gaps_and_repeats() {
        let g = london(IntervalLength::M15);
        let n = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        assert!(g.localize(n("2026-11-23 08:00")).is_ok());
        assert!(matches!(
            g.localize(n("2026-03-29 01:30")),
            Err(LocalTimeError::Nonexistent { .. })
        ));
        assert!(matches!(
            g.localize(n("2026-10-25 01:30")),
            Err(LocalTimeError::Ambiguous { .. })
        ));
    }

    fn any_len() -> impl Strategy<Value = IntervalLength> {
        prop_oneof![
            Just(IntervalLength::M15),
            Just(IntervalLength::M30),
            Just(IntervalLength::M60)
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The last Sunday of March is 23 hours and the last Sunday of October 25 hours in London,
        /// in every year and at every interval length.
        #[test]
        fn dst_days_have_23_and_25_hours(year in 1997i32..2100, len in any_len()) {
            let g = london(len);
            let last_sunday = |month: u32| {
                let mut day = NaiveDate::from_ymd_opt(year, month, 31).unwrap();
                while day.weekday() != Weekday::Sun { day = day.pred_opt().unwrap(); }
                day
            };
            let per_hour = (60 / len.minutes()) as usize;
            prop_assert_eq!(g.intervals_on(last_sunday(3)), 23 * per_hour);
            prop_assert_eq!(g.intervals_on(last_sunday(10)), 25 * per_hour);
            prop_assert_eq!(g.intervals_on(last_sunday(10).succ_opt().unwrap()), 24 * per_hour);
        }

        /// floor(t) <= t < next_start(floor(t)), floor is aligned and idempotent.
        #[test]
        fn floor_properties(secs in 1_600_000_000i64..2_000_000_000, len in any_len()) {
            let g = london(len);
            let t = chrono::Utc.timestamp_opt(secs, 0).unwrap();
            let f = g.floor(&t);
            prop_assert!(f <= t);
            prop_assert!(g.is_aligned(&f));
            prop_assert_eq!(g.floor(&f), f);
            let n = g.next_start(&f);
            prop_assert!(t < n);
            prop_assert_eq!(n - f, len.as_duration());
            prop_assert_eq!(g.minute_of_day(&f) % len.minutes(), 0);
        }

        /// In zones with other clock rules (US dates, half-hour offsets, a 30-minute DST shift)
        /// floor(t) <= t < next_start(floor(t)) and floor is aligned and idempotent.
        #[test]
        fn floor_properties_in_other_zones(
            secs in 1_600_000_000i64..2_000_000_000,
            len in any_len(),
            tz in prop_oneof![
                Just(chrono_tz::America::New_York),
                Just(chrono_tz::Asia::Kolkata),
                Just(chrono_tz::Australia::Lord_Howe),
                Just(chrono_tz::Europe::Dublin),
            ],
        ) {
            let g = IntervalGrid::new(len, tz);
            let t = chrono::Utc.timestamp_opt(secs, 0).unwrap();
            let f = g.floor(&t);
            prop_assert!(f <= t);
            prop_assert!(g.is_aligned(&f));
            prop_assert_eq!(g.floor(&f), f);
            let n = g.next_start(&f);
            prop_assert!(t < n);
            prop_assert!(n - f <= len.as_duration() + Duration::minutes(30));
        }

        /// intervals_between over whole local days equals the per-date listing.
        #[test]
        fn between_matches_dates(day in 0i64..3000, len in any_len()) {
            let g = london(len);
            let first = d(2020, 1, 1) + Duration::days(day);
            let last = first + Duration::days(2);
            let expected = g.interval_starts_in_dates(first, last);
            let from = expected[0];
            let to = g.interval_starts(last.succ_opt().unwrap())[0];
            prop_assert_eq!(g.intervals_between(&from, &to), expected);
        }
    }
}
