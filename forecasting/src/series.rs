//! The input every model sees: one channel's history as a day x interval-of-day matrix in the
//! centre's local wall-clock time, with the calendar facts of each day.
//!
//! Contact-centre demand follows the local clock (people ring after breakfast, not at "UTC 07:00"), so
//! models index intervals by *local date* and *slot of the day* (slot 0 = 00:00 local). On the two DST
//! days a year the real intervals are mapped to wall-clock slots by the adapter: on the 23-hour day the
//! skipped hour's slots are missing, on the 25-hour day the repeated hour is averaged (and forecast
//! with the same value twice). This keeps weekly seasonality exact (672 slots a week at 15 minutes).

use chrono::{Datelike, NaiveDate, Weekday};
use rota_data::channel::ChannelName;

use crate::error::ForecastError;

/// What the calendar says about one local date; built by the adapter from the England & Wales
/// bank-holiday calendar and the centre's special days, or by hand for other countries.
#[derive(Debug, Clone, PartialEq)]
pub struct DayInfo {
    /// The local date.
    pub date: NaiveDate,
    /// A public/bank holiday (England & Wales by default).
    pub bank_holiday: bool,
    /// The first working day after a bank holiday (busy: the backlog of the holiday arrives).
    pub after_bank_holiday: bool,
    /// The centre is closed all day (special day from the configuration).
    pub closed: bool,
    /// Open slots from the configured opening hours (`None` = unknown: learn closures from history).
    pub open_slots: Option<Vec<bool>>,
    /// Configured event: the forecast volume is multiplied by this (1.0 = ordinary day).
    pub volume_factor: f64,
    /// 1 for the first working day of the month, 2 for the second...; `None` on non-working days.
    pub working_day_of_month: Option<u8>,
}

impl DayInfo {
    /// A plain day: no holiday, no configured closure or opening hours.
    pub fn plain(date: NaiveDate) -> Self {
        Self {
            date,
            bank_holiday: false,
            after_bank_holiday: false,
            closed: false,
            open_slots: None,
            volume_factor: 1.0,
            working_day_of_month: working_day_of_month(date, |d| {
                d.weekday().num_days_from_monday() < 5
            }),
        }
    }

    /// Day of the week, Monday = 0.
    pub fn weekday_index(&self) -> usize {
        self.date.weekday().num_days_from_monday() as usize
    }

    /// The weekday.
    pub fn weekday(&self) -> Weekday {
        self.date.weekday()
    }

    /// Rent days: the first three working days of the month are busy in UK social housing (rent is
    /// due on the 1st, and arrears calls follow).
    pub fn start_of_month(&self) -> bool {
        self.working_day_of_month.is_some_and(|w| w <= 3)
    }

    /// Whether the configuration says slot `slot` is closed on this day.
    pub fn configured_closed(&self, slot: usize) -> bool {
        self.closed
            || self
                .open_slots
                .as_ref()
                .is_some_and(|open| !open.get(slot).copied().unwrap_or(false))
    }
}

/// One channel's history: `days.len() x slots_per_day` values, row-major by day. Valid once built:
/// consecutive dates, matching lengths, finite non-negative values.
#[derive(Debug, Clone)]
pub struct ChannelSeries {
    channel: ChannelName,
    slots_per_day: usize,
    days: Vec<DayInfo>,
    offered: Vec<Option<f64>>,
    handled: Option<Vec<Option<f64>>>,
    aht_seconds: Option<Vec<Option<f64>>>,
    /// Whether the channel is deferred (email, social): `None` when no configuration says.
    deferred: Option<bool>,
}

impl ChannelSeries {
    /// Build a series of offered contacts. `offered[d * slots_per_day + s]` is the count of day `d`,
    /// slot `s`; `None` = not observed (missing day, DST gap).
    pub fn new(
        channel: impl AsRef<str>,
        slots_per_day: usize,
        days: Vec<DayInfo>,
        offered: Vec<Option<f64>>,
    ) -> Result<Self, ForecastError> {
        let channel = ChannelName::parse(channel.as_ref())
            .map_err(|e| ForecastError::InvalidSetting(format!("a series' channel name: {e}")))?;
        let invalid = |reason: String| ForecastError::InvalidSeries {
            channel: channel.clone(),
            reason,
        };
        if slots_per_day == 0 || 1440 % slots_per_day != 0 {
            return Err(invalid(format!(
                "{slots_per_day} intervals a day does not divide the day into whole minutes"
            )));
        }
        if offered.len() != days.len() * slots_per_day {
            return Err(invalid(format!(
                "{} values for {} days of {} intervals",
                offered.len(),
                days.len(),
                slots_per_day
            )));
        }
        for pair in days.windows(2) {
            if pair[0].date.succ_opt() != Some(pair[1].date) {
                return Err(invalid(format!(
                    "days must be consecutive: {} is followed by {}",
                    pair[0].date, pair[1].date
                )));
            }
        }
        if let Some((i, v)) = offered
            .iter()
            .enumerate()
            .find_map(|(i, v)| v.filter(|x| !x.is_finite() || *x < 0.0).map(|x| (i, x)))
        {
            return Err(invalid(format!(
                "offered on {} interval {} is {v}: counts must be finite and >= 0",
                days[i / slots_per_day].date,
                i % slots_per_day
            )));
        }
        Ok(Self {
            channel,
            slots_per_day,
            days,
            offered,
            handled: None,
            aht_seconds: None,
            deferred: None,
        })
    }

    /// Say whether the channel is deferred (email, social: planned over the day from a backlog)
    /// or live. It sets the grain the backtest judges and selects at
    /// ([`crate::backtest::PlanningGrain`]); without it the grain follows the volume alone.
    pub fn with_deferred(mut self, deferred: bool) -> Self {
        self.deferred = Some(deferred);
        self
    }

    /// Whether the channel is deferred, when known.
    pub fn deferred(&self) -> Option<bool> {
        self.deferred
    }

    /// Attach handled counts and AHT (seconds) per interval, used by the AHT forecast.
    pub fn with_handle_time(
        mut self,
        handled: Vec<Option<f64>>,
        aht_seconds: Vec<Option<f64>>,
    ) -> Result<Self, ForecastError> {
        if handled.len() != self.offered.len() || aht_seconds.len() != self.offered.len() {
            return Err(ForecastError::InvalidSeries {
                channel: self.channel.clone(),
                reason: "handled/AHT series do not match the offered series in length".into(),
            });
        }
        self.handled = Some(handled);
        self.aht_seconds = Some(aht_seconds);
        Ok(self)
    }

    /// Channel name.
    pub fn channel(&self) -> &str {
        self.channel.as_str()
    }
    /// Channel name, parsed.
    pub fn channel_name(&self) -> &ChannelName {
        &self.channel
    }
    /// Intervals per day (96 at 15 minutes, 48 at 30).
    pub fn slots_per_day(&self) -> usize {
        self.slots_per_day
    }
    /// Interval length in minutes.
    pub fn interval_minutes(&self) -> usize {
        1440 / self.slots_per_day
    }
    /// Calendar facts of every day.
    pub fn days(&self) -> &[DayInfo] {
        &self.days
    }
    /// Number of days.
    pub fn n_days(&self) -> usize {
        self.days.len()
    }
    /// Offered contacts, row-major by day.
    pub fn offered(&self) -> &[Option<f64>] {
        &self.offered
    }
    /// Handled contacts, if known.
    pub fn handled(&self) -> Option<&[Option<f64>]> {
        self.handled.as_deref()
    }
    /// AHT seconds, if known.
    pub fn aht_seconds(&self) -> Option<&[Option<f64>]> {
        self.aht_seconds.as_deref()
    }
    /// Offered on day `d`, slot `s`.
    pub fn value(&self, d: usize, s: usize) -> Option<f64> {
        self.offered[d * self.slots_per_day + s]
    }
    /// Days with at least one observed interval.
    pub fn observed_days(&self) -> usize {
        self.offered
            .chunks(self.slots_per_day)
            .filter(|day| day.iter().any(Option::is_some))
            .count()
    }
    /// The first `end` days as training data.
    pub fn training(&self, end: usize) -> Training<'_> {
        Training {
            series: self,
            end: end.min(self.days.len()),
        }
    }
    /// All days as training data.
    pub fn all(&self) -> Training<'_> {
        self.training(self.days.len())
    }
}

/// A view of the first `end` days of a series: what a model may learn from (a backtest origin).
#[derive(Debug, Clone, Copy)]
pub struct Training<'a> {
    series: &'a ChannelSeries,
    end: usize,
}

impl<'a> Training<'a> {
    /// The underlying series (models must not read past [`Training::n_days`]).
    pub fn series(&self) -> &'a ChannelSeries {
        self.series
    }
    /// Channel name.
    pub fn channel(&self) -> &'a str {
        self.series.channel()
    }
    /// Number of training days.
    pub fn n_days(&self) -> usize {
        self.end
    }
    /// Intervals per day.
    pub fn slots_per_day(&self) -> usize {
        self.series.slots_per_day
    }
    /// Slots per week.
    pub fn slots_per_week(&self) -> usize {
        7 * self.series.slots_per_day
    }
    /// Calendar facts of the training days.
    pub fn days(&self) -> &'a [DayInfo] {
        &self.series.days[..self.end]
    }
    /// Offered on day `d` (< n_days), slot `s`.
    pub fn value(&self, d: usize, s: usize) -> Option<f64> {
        debug_assert!(d < self.end);
        self.series.value(d, s)
    }
    /// Offered values of the training days, row-major.
    pub fn offered(&self) -> &'a [Option<f64>] {
        &self.series.offered[..self.end * self.series.slots_per_day]
    }
    /// Observed total of day `d`; `None` when no interval of the day is observed. Partly observed days
    /// (DST gaps: night intervals with little volume) sum what was observed.
    pub fn day_total(&self, d: usize) -> Option<f64> {
        let row = &self.series.offered[d * self.slots_per_day()..(d + 1) * self.slots_per_day()];
        if row.iter().all(Option::is_none) {
            None
        } else {
            Some(row.iter().flatten().sum())
        }
    }
    /// Days that have data.
    pub fn observed_days(&self) -> usize {
        (0..self.end)
            .filter(|&d| self.day_total(d).is_some())
            .count()
    }
    /// Error unless at least `weeks` whole weeks of days exist and at least `weeks*7 - 2` have data.
    pub fn require_weeks(&self, weeks: usize, why: &'static str) -> Result<(), ForecastError> {
        let need = weeks * 7;
        let have = self.observed_days();
        if self.end < need || have + 2 < need {
            return Err(ForecastError::HistoryTooShort {
                channel: self.series.channel_name().clone(),
                have,
                need,
                why,
            });
        }
        Ok(())
    }
}

/// The days to forecast: `start` is the index of the first day counted from the first day of the
/// series (so a forecast may start after a gap), `days` their calendar facts.
#[derive(Debug, Clone, Copy)]
pub struct ForecastHorizon<'a> {
    /// Index of the first forecast day relative to the series start (>= training days).
    pub start: usize,
    /// The forecast days.
    pub days: &'a [DayInfo],
}

impl ForecastHorizon<'_> {
    /// Number of forecast days.
    pub fn len(&self) -> usize {
        self.days.len()
    }
    /// Whether no day is asked for.
    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }
}

/// The rank of `date` among the working days of its month (`None` if it is not one).
pub fn working_day_of_month(date: NaiveDate, is_working: impl Fn(NaiveDate) -> bool) -> Option<u8> {
    if !is_working(date) {
        return None;
    }
    let first = date.with_day(1)?;
    let rank = first
        .iter_days()
        .take_while(|d| *d <= date)
        .filter(|d| is_working(*d))
        .count();
    u8::try_from(rank).ok()
}

/// Consecutive dates from `first`, `n` of them, as plain days (handy for tests and for data without
/// a calendar).
pub fn plain_days(first: NaiveDate, n: usize) -> Vec<DayInfo> {
    first.iter_days().take(n).map(DayInfo::plain).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn rejects_inconsistent_input() {
        let days = plain_days(date(2026, 11, 2), 2);
        let err = ChannelSeries::new("voice", 24, days.clone(), vec![Some(1.0); 47]).unwrap_err();
        assert!(err.to_string().contains("47 values for 2 days"), "{err}");
        let mut gap = days.clone();
        gap[1].date = date(2026, 11, 4);
        let err = ChannelSeries::new("voice", 24, gap, vec![Some(1.0); 48]).unwrap_err();
        assert!(err.to_string().contains("consecutive"), "{err}");
        let mut values = vec![Some(1.0); 48];
        values[30] = Some(-2.0);
        let err = ChannelSeries::new("voice", 24, days.clone(), values).unwrap_err();
        assert!(err.to_string().contains("2026-11-03 interval 6"), "{err}");
        assert!(ChannelSeries::new("voice", 7, days, vec![Some(1.0); 14]).is_err());
    }

    #[test]
    fn rent_days_are_the_first_three_working_days() {
        // 1 November 2026 is a Sunday: Monday 2nd, Tuesday 3rd, Wednesday 4th are the rent days.
        let weekdays = |d: NaiveDate| d.weekday().num_days_from_monday() < 5;
        assert_eq!(working_day_of_month(date(2026, 11, 1), weekdays), None);
        assert_eq!(working_day_of_month(date(2026, 11, 2), weekdays), Some(1));
        assert_eq!(working_day_of_month(date(2026, 11, 4), weekdays), Some(3));
        assert!(DayInfo::plain(date(2026, 11, 4)).start_of_month());
        assert!(!DayInfo::plain(date(2026, 11, 5)).start_of_month());
        assert!(!DayInfo::plain(date(2026, 11, 1)).start_of_month());
    }
}
