//! Building forecasting inputs from `rota_data`: the interval history of a channel becomes a
//! [`ChannelSeries`] (local date x slot of day), and the centre's calendar (England & Wales bank
//! holidays, special days, opening hours) becomes the [`DayInfo`] of each date.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Weekday};
use chrono_tz::Tz;
use rota_data::calendar;
use rota_data::channel::ChannelName;
use rota_data::config::CentreConfig;
use rota_data::demand::{DemandRecord, DemandSeries};
use rota_data::grid::IntervalGrid;
use rota_data::history::History;

use crate::error::ForecastError;
use crate::series::{working_day_of_month, ChannelSeries, DayInfo};

/// One channel's weekly calendar: from the configuration, or learned from history.
#[derive(Debug, Clone, Default)]
pub struct ChannelCalendar {
    /// Open slots per weekday (Monday first): the configured opening hours, or the weekdays
    /// history shows closed ([`CentreCalendar::learn_closed_weekdays`]).
    pub open_slots: Option<[Vec<bool>; 7]>,
    /// Configured default AHT, seconds.
    pub aht_seconds: Option<f64>,
    /// Whether the configuration says the channel is deferred (`None`: no configuration).
    pub deferred: Option<bool>,
}

/// What the forecaster needs to know about the centre's calendar, per channel.
#[derive(Debug, Clone, Default)]
pub struct CentreCalendar {
    /// Flag England & Wales bank holidays and the first working day after them.
    pub bank_holidays: bool,
    /// Per-channel calendars; channels not listed use `default`.
    pub channels: BTreeMap<String, ChannelCalendar>,
    /// Calendar of channels not listed.
    pub default: ChannelCalendar,
    /// The centre's configuration when the calendar comes from one: closed days (bank holidays
    /// the centre closes on, closed special days) and volume events are asked of its one calendar
    /// ([`CentreConfig::is_closed_on`], [`CentreConfig::volume_factor`]). Without one (the
    /// closures are learned from history), no day is closed and no volume is scaled.
    config: Option<Arc<CentreConfig>>,
}

impl CentreCalendar {
    /// England & Wales bank holidays, nothing else known (closures are learned from history).
    pub fn england_and_wales() -> Self {
        Self {
            bank_holidays: true,
            ..Self::default()
        }
    }

    /// The calendar of a configured centre: bank holidays (closed if the centre closes on them),
    /// special days (closures and volume events per channel), opening hours (live channels accept
    /// contacts only when open; deferred channels always) and the default AHT of each channel, on
    /// the configuration's interval grid.
    pub fn from_config(config: &CentreConfig) -> Self {
        let grid = config.grid();
        let spd = slots_per_day(&grid);
        let minutes = grid.length.minutes();
        let channels = config
            .channels()
            .iter()
            .map(|channel| {
                let open_slots = std::array::from_fn(|w| {
                    let weekday = Weekday::try_from(w as u8).unwrap_or(Weekday::Mon);
                    (0..spd)
                        .map(|s| {
                            let start = s as u32 * minutes;
                            (start..start + minutes)
                                .any(|m| channel.accepts_contacts_at(weekday, m))
                        })
                        .collect()
                });
                let cal = ChannelCalendar {
                    open_slots: Some(open_slots),
                    aht_seconds: Some(channel.aht_seconds()),
                    deferred: Some(channel.kind().is_deferred()),
                };
                (channel.name().as_str().to_string(), cal)
            })
            .collect();
        Self {
            bank_holidays: true,
            channels,
            default: ChannelCalendar::default(),
            config: Some(Arc::new(config.clone())),
        }
    }

    /// Without a configuration, the weekdays a channel never takes a contact on are closed: a
    /// weekday with no offered contact in any of the last `weeks` complete weeks of its history
    /// (missing rows count as none, as exports often leave closed days out). Otherwise a model
    /// smoothing across weekdays forecasts a few Saturday calls for a centre that is shut on
    /// Saturdays. A channel with fewer than `weeks` weeks of history learns nothing.
    pub fn learn_closed_weekdays(&mut self, history: &History, weeks: usize) {
        use chrono::Datelike;
        let spd = slots_per_day(&history.grid());
        for channel in history.channels() {
            let records = history.channel_records(&channel);
            let (Some(first), Some(last)) = (records.first(), records.last()) else {
                continue;
            };
            let tz = history.grid().tz;
            let first_day = first.interval_start().with_timezone(&tz).date_naive();
            let last_day = last.interval_start().with_timezone(&tz).date_naive();
            // The last complete Monday-to-Sunday weeks.
            let end = last_day
                - chrono::Duration::days(i64::from(
                    (last_day.weekday().num_days_from_monday() + 1) % 7,
                ));
            let start = end - chrono::Duration::days(7 * weeks as i64 - 1);
            if weeks == 0 || start < first_day {
                continue;
            }
            let mut offered = [0u64; 7];
            for r in records {
                let date = r.interval_start().with_timezone(&tz).date_naive();
                if date >= start && date <= end {
                    offered[date.weekday().num_days_from_monday() as usize] +=
                        u64::from(r.offered());
                }
            }
            if offered.iter().all(|&o| o == 0) {
                continue;
            }
            let default = self.default.clone();
            let cal = self
                .channels
                .entry(channel.as_str().to_string())
                .or_insert(default);
            let slots = cal
                .open_slots
                .get_or_insert_with(|| std::array::from_fn(|_| vec![true; spd]));
            for (w, &o) in offered.iter().enumerate() {
                if o == 0 {
                    slots[w] = vec![false; spd];
                }
            }
        }
    }

    fn channel(&self, channel: &str) -> &ChannelCalendar {
        self.channels.get(channel).unwrap_or(&self.default)
    }

    /// The configured default AHT of a channel.
    pub fn configured_aht(&self, channel: &str) -> Option<f64> {
        self.channel(channel).aht_seconds
    }

    /// Whether the configuration says `channel` is deferred (`None` without a configuration).
    pub fn deferred(&self, channel: &str) -> Option<bool> {
        self.channel(channel).deferred
    }

    /// Whether `channel` is closed all day on `date`, asked of the configuration's calendar.
    /// Bank holidays close it only where they are flagged (`holidays_known`: the years whose
    /// holidays are known, when [`Self::bank_holidays`]); a channel the configuration does not have
    /// is closed only on the bank holidays the centre closes on.
    fn is_closed(&self, channel: &str, date: NaiveDate, holidays_known: bool) -> bool {
        let Some(config) = self.config.as_deref() else {
            return false;
        };
        match config.channel(channel) {
            Some(ch) if holidays_known => config.is_closed_on(ch.name(), date),
            Some(ch) => config.is_closed_special(ch.name(), date),
            None => {
                holidays_known
                    && config.centre().closed_on_bank_holidays()
                    && calendar::is_bank_holiday(date)
            }
        }
    }

    /// The configured volume factor of `channel` on `date` (1 without events).
    fn volume_factor(&self, channel: &str, date: NaiveDate) -> f64 {
        self.config
            .as_deref()
            .and_then(|config| Some(config.volume_factor(config.channel(channel)?.name(), date)))
            .unwrap_or(1.0)
    }

    /// The calendar facts of `date` for `channel`.
    pub fn day(&self, channel: &str, date: NaiveDate) -> DayInfo {
        use chrono::Datelike;
        let in_range = calendar::SUPPORTED_YEARS.contains(&date.year());
        let holidays_known = self.bank_holidays && in_range;
        let bank_holiday = holidays_known && calendar::is_bank_holiday(date);
        let after = holidays_known && calendar::is_day_after_bank_holiday(date);
        let weekday = date.weekday().num_days_from_monday() as usize;
        let cal = self.channel(channel);
        DayInfo {
            date,
            bank_holiday,
            after_bank_holiday: after,
            closed: self.is_closed(channel, date, holidays_known),
            open_slots: cal.open_slots.as_ref().map(|o| o[weekday].clone()),
            volume_factor: self.volume_factor(channel, date),
            working_day_of_month: working_day_of_month(date, |d| {
                if self.bank_holidays && calendar::SUPPORTED_YEARS.contains(&d.year()) {
                    calendar::is_working_day(d)
                } else {
                    d.weekday().num_days_from_monday() < 5
                }
            }),
        }
    }

    /// `n` consecutive days from `first` for `channel`.
    pub fn days(&self, channel: &str, first: NaiveDate, n: usize) -> Vec<DayInfo> {
        first
            .iter_days()
            .take(n)
            .map(|d| self.day(channel, d))
            .collect()
    }
}

/// Intervals per day of a grid on a standard (non-DST) day.
pub fn slots_per_day(grid: &IntervalGrid) -> usize {
    grid.length.per_standard_day()
}

/// The series of one channel from the whole history, by local date and wall-clock slot. On the
/// 25-hour day the repeated hour's two intervals are averaged into one slot; on the 23-hour day the
/// skipped hour's slots are missing.
pub fn series_from_history(
    history: &History,
    channel: &ChannelName,
    calendar: &CentreCalendar,
) -> Result<ChannelSeries, ForecastError> {
    if !history.channels().contains(channel) {
        return Err(ForecastError::UnknownChannel {
            name: channel.as_str().to_string(),
            known: history
                .channels()
                .iter()
                .map(|c| c.as_str().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let dense = history.full_series(channel);
    let spd = slots_per_day(&history.grid());
    let (Some(first), Some(last)) = (dense.slots.first(), dense.slots.last()) else {
        return Err(ForecastError::HistoryTooShort {
            channel: channel.clone(),
            have: 0,
            need: 21,
            why: "the history has no interval for this channel",
        });
    };
    let first_date = first.date;
    let n_days = usize::try_from((last.date - first_date).num_days() + 1).unwrap_or(0);
    // (sum, count) per cell for offered, handled and handled-weighted AHT.
    let cells = n_days * spd;
    let mut offered = vec![(0.0, 0u32); cells];
    let mut handled = vec![(0.0, 0u32); cells];
    let mut aht = vec![(0.0, 0.0); cells];
    let mut any_aht = false;
    for (slot, counts) in dense.iter() {
        let Some(c) = counts else { continue };
        let day = usize::try_from((slot.date - first_date).num_days()).unwrap_or(usize::MAX);
        if day >= n_days || slot.slot_of_day >= spd {
            continue;
        }
        let i = day * spd + slot.slot_of_day;
        offered[i].0 += f64::from(c.offered);
        offered[i].1 += 1;
        if let Some(h) = c.handled {
            handled[i].0 += f64::from(h);
            handled[i].1 += 1;
        }
        if let Some(a) = c.aht_seconds {
            let w = f64::from(c.handled.unwrap_or(c.offered)).max(1e-9);
            aht[i].0 += a * w;
            aht[i].1 += w;
            any_aht = true;
        }
    }
    let mean = |(s, n): (f64, u32)| (n > 0).then(|| s / f64::from(n));
    let mut series = ChannelSeries::new(
        channel.as_str(),
        spd,
        calendar.days(channel.as_str(), first_date, n_days),
        offered.into_iter().map(mean).collect(),
    )?;
    if let Some(deferred) = calendar.deferred(channel.as_str()) {
        series = series.with_deferred(deferred);
    }
    if any_aht {
        series.with_handle_time(
            handled.into_iter().map(mean).collect(),
            aht.into_iter()
                .map(|(s, w)| (w > 0.0).then(|| s / w))
                .collect(),
        )
    } else {
        Ok(series)
    }
}

/// The real interval starts of a forecast day and the wall-clock slot each one takes its forecast
/// from (the repeated hour in October gets the same slot twice; the skipped hour in March none).
pub fn interval_starts(grid: &IntervalGrid, date: NaiveDate) -> Vec<(DateTime<Tz>, usize)> {
    let minutes = grid.length.minutes();
    grid.interval_starts(date)
        .into_iter()
        .map(|t| {
            let slot = rota_data::history::IntervalSlot::new(grid, t).slot_of_day;
            debug_assert!(slot < (1440 / minutes) as usize);
            (t, slot)
        })
        .collect()
}

/// The series of the requested channels (all channels of the history when `only` is empty), in
/// name order. An unknown channel is an error that lists the known ones.
pub fn channel_series(
    history: &History,
    calendar: &CentreCalendar,
    only: &[String],
) -> Result<Vec<ChannelSeries>, ForecastError> {
    let known = history.channels();
    let wanted: Vec<ChannelName> = if only.is_empty() {
        known.clone()
    } else {
        only.iter()
            .map(|name| {
                known
                    .iter()
                    .find(|c| c.as_str() == name)
                    .cloned()
                    .ok_or_else(|| ForecastError::UnknownChannel {
                        name: name.clone(),
                        known: known
                            .iter()
                            .map(|c| c.as_str().to_string())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
            })
            .collect::<Result<_, _>>()?
    };
    wanted
        .iter()
        .map(|c| series_from_history(history, c, calendar))
        .collect()
}

/// One row of the forecast file: `interval_start, channel, offered_mean, offered_p10, offered_p50,
/// offered_p90, aht_seconds`.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandRow {
    /// Interval start in the centre's time zone.
    pub interval_start: DateTime<Tz>,
    /// Channel.
    pub channel: ChannelName,
    /// Mean offered.
    pub offered_mean: f64,
    /// P10 offered.
    pub offered_p10: f64,
    /// P50 offered.
    pub offered_p50: f64,
    /// P90 offered.
    pub offered_p90: f64,
    /// AHT seconds (`None` in a volume forecast).
    pub aht_seconds: Option<f64>,
}

/// The forecast as real intervals of the grid (92/96/100 a day at 15 minutes in London), channel by
/// channel in time order.
pub fn demand_rows(
    forecasts: &[crate::pipeline::ChannelForecast],
    grid: &IntervalGrid,
) -> Vec<DemandRow> {
    let mut rows = Vec::new();
    for f in forecasts {
        for (d, day) in f.days.iter().enumerate() {
            for (t, slot) in interval_starts(grid, day.date) {
                let i = d * f.slots_per_day + slot.min(f.slots_per_day - 1);
                rows.push(DemandRow {
                    interval_start: t,
                    channel: f.channel.clone(),
                    offered_mean: f.mean[i],
                    offered_p10: f.p10[i],
                    offered_p50: f.p50[i],
                    offered_p90: f.p90[i],
                    aht_seconds: f.aht_seconds.as_ref().map(|a| a[i]),
                });
            }
        }
    }
    rows
}

/// The forecast file's figures: contacts rounded to 0.001 and AHT to 0.1 s, so what is written,
/// what is read back and what staffing plans for are the same numbers.
fn rounded(mut row: DemandRow) -> DemandRow {
    let round = |v: f64, per_unit: f64| (v * per_unit).round() / per_unit;
    row.offered_mean = round(row.offered_mean, 1000.0);
    row.offered_p10 = round(row.offered_p10, 1000.0);
    row.offered_p50 = round(row.offered_p50, 1000.0);
    row.offered_p90 = round(row.offered_p90, 1000.0);
    row.aht_seconds = row.aht_seconds.map(|a| round(a, 10.0));
    row
}

/// Writes the forecast as the demand CSV (gzip when `path` ends `.gz`). Unlike
/// [`demand_series`], a channel without a handle time is written too, with empty AHT cells: a
/// volume forecast needs no AHT, only staffing does. Returns the number of rows written.
pub fn write_forecast_csv(
    forecasts: &[crate::pipeline::ChannelForecast],
    grid: &IntervalGrid,
    path: &std::path::Path,
) -> Result<usize, rota_data::demand::DemandError> {
    let rows: Vec<DemandRow> = demand_rows(forecasts, grid)
        .into_iter()
        .map(rounded)
        .collect();
    rota_data::demand::write_lines_csv(
        path,
        rows.iter().map(|r| rota_data::demand::DemandLine {
            interval_start: r.interval_start.fixed_offset(),
            channel: r.channel.as_str(),
            offered: [r.offered_mean, r.offered_p10, r.offered_p50, r.offered_p90],
            aht_seconds: r.aht_seconds,
        }),
    )?;
    Ok(rows.len())
}

/// The forecast as a [`DemandSeries`] (the forecast file format shared with staffing), values rounded
/// to 0.001 contacts and 0.1 s of AHT. Staffing needs a handle time, so a channel without one is an
/// error that says how to give it.
pub fn demand_series(
    forecasts: &[crate::pipeline::ChannelForecast],
    grid: &IntervalGrid,
) -> Result<DemandSeries, ForecastError> {
    let mut records = Vec::new();
    for row in demand_rows(forecasts, grid).into_iter().map(rounded) {
        let Some(aht_seconds) = row.aht_seconds else {
            return Err(ForecastError::NoHandleTime {
                channel: row.channel,
            });
        };
        let record = DemandRecord::new(
            row.interval_start.fixed_offset(),
            row.channel.clone(),
            row.offered_mean,
            row.offered_p10,
            row.offered_p50,
            row.offered_p90,
            aht_seconds,
        )
        .map_err(|(column, message)| ForecastError::InvalidSeries {
            channel: row.channel.clone(),
            reason: format!("{column}: {message}"),
        })?;
        records.push(record);
    }
    DemandSeries::new_on_grid(records, grid)
        .map_err(|e| ForecastError::InvalidSetting(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_without_contacts_in_recent_weeks_are_learned_closed() {
        use rota_data::grid::IntervalLength;
        use rota_data::history::{HistoryRecord, IntervalCounts};
        let tz = chrono_tz::Europe::London;
        let grid = IntervalGrid::new(IntervalLength::M60, tz);
        let voice = ChannelName::parse("voice").unwrap();
        let mut records = Vec::new();
        // Six weeks from Monday 5 October 2026, Monday to Friday 09:00-12:00 only.
        for day in NaiveDate::from_ymd_opt(2026, 10, 5)
            .unwrap()
            .iter_days()
            .take(42)
        {
            use chrono::{Datelike, TimeZone};
            if day.weekday().num_days_from_monday() >= 5 {
                continue;
            }
            for hour in 9..12 {
                let t = tz
                    .from_local_datetime(&day.and_hms_opt(hour, 0, 0).unwrap())
                    .unwrap();
                records.push(
                    HistoryRecord::new(t, voice.clone(), IntervalCounts::offered(5)).unwrap(),
                );
            }
        }
        let history = History::new(grid, records).unwrap();
        let mut cal = CentreCalendar::england_and_wales();
        cal.learn_closed_weekdays(&history, 4);
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let saturday = cal.day("voice", d(11, 21));
        assert!(saturday.open_slots.unwrap().iter().all(|open| !open));
        let sunday = cal.day("voice", d(11, 22));
        assert!(sunday.open_slots.unwrap().iter().all(|open| !open));
        let monday = cal.day("voice", d(11, 16));
        assert!(monday.open_slots.unwrap().iter().all(|&open| open));
        // With more weeks asked for than the history holds, nothing is learned.
        let mut cal = CentreCalendar::england_and_wales();
        cal.learn_closed_weekdays(&history, 10);
        assert!(cal.day("voice", d(11, 21)).open_slots.is_none());
    }

    #[test]
    fn sample_configuration_gives_closures_hours_events_and_aht() {
        let config = CentreConfig::sample().expect("the bundled sample configuration is valid");
        let cal = CentreCalendar::from_config(&config);
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        // Boxing Day 2026 is a Saturday; Christmas Day a Friday: a bank holiday, closed.
        let xmas = cal.day("voice", d(2026, 12, 25));
        assert!(xmas.bank_holiday && xmas.closed);
        // Reception closed for training on 2 December, voice is not.
        assert!(cal.day("reception", d(2026, 12, 2)).closed);
        assert!(!cal.day("voice", d(2026, 12, 2)).closed);
        // Rent statements: voice x 1.25 on 19 November.
        assert_eq!(cal.day("voice", d(2026, 11, 19)).volume_factor, 1.25);
        assert_eq!(cal.day("chat", d(2026, 11, 19)).volume_factor, 1.0);
        // Opening hours: voice is closed at 03:00 on a Monday, open at 10:00.
        let monday = cal.day("voice", d(2026, 11, 23));
        let spd = slots_per_day(&config.grid());
        let open = monday.open_slots.expect("configured hours");
        assert_eq!(open.len(), spd);
        assert!(!open[3 * spd / 24]);
        assert!(open[10 * spd / 24]);
        assert!(cal.configured_aht("voice").is_some_and(|a| a > 0.0));
        // The first working day after the August bank holiday 2026 (Monday 31st).
        assert!(cal.day("voice", d(2026, 9, 1)).after_bank_holiday);
    }
}
