//! The headline figures of a generated history, as quoted in `data/samples/README.md` and printed by
//! `rota data generate`: the numbers a housing contact-centre manager would recognise.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Timelike, Weekday};

use crate::calendar;
use crate::history::History;

/// Offered, abandon and wait figures of the voice channel and daily volumes of every channel.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleFigures {
    /// First and last local date of the history.
    pub span: (NaiveDate, NaiveDate),
    /// Records (rows) in the history.
    pub rows: usize,
    /// Mean voice calls offered per open Monday-to-Friday day.
    pub voice_weekday_mean: f64,
    /// 10th and 90th percentile of voice calls offered per open Monday-to-Friday day.
    pub voice_weekday_p10_p90: (f64, f64),
    /// Mean voice calls offered on (open) Mondays.
    pub voice_monday_mean: f64,
    /// Mean voice calls offered on the first working day after a bank holiday (weekend).
    pub voice_after_bank_holiday_mean: f64,
    /// Voice abandon rate over the whole history.
    pub voice_abandon_rate: f64,
    /// Lowest, median and highest weekly (Monday-Sunday) voice abandon rate over full weeks.
    pub voice_weekly_abandon: (f64, f64, f64),
    /// Mean wait of answered calls (ASA), seconds, over the whole history.
    pub voice_asa_seconds: f64,
    /// ASA of Monday mornings (08:00-12:00), seconds.
    pub voice_monday_morning_asa_seconds: f64,
    /// Highest ASA of any single interval, seconds, and when.
    pub voice_worst_interval_asa: (f64, String),
    /// Per-channel volumes and outcomes, by channel name.
    pub channels: Vec<SampleChannel>,
}

/// Volumes and outcomes of one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleChannel {
    /// Channel name.
    pub name: String,
    /// Mean offered per working day (Monday to Friday, not a bank holiday).
    pub working_day_mean: f64,
    /// Mean offered per working day over the last 28 days of the history ("today").
    pub recent_working_day_mean: f64,
    /// Mean offered per calendar day (closed days count as zero).
    pub calendar_day_mean: f64,
    /// Abandoned / offered, where the channel reports abandoned.
    pub abandon_rate: Option<f64>,
    /// Handled / offered.
    pub handled_rate: f64,
    /// Mean wait (deferred channels: response time) of handled contacts, seconds.
    pub asa_seconds: f64,
    /// Mean handle time of handled contacts, seconds.
    pub aht_seconds: f64,
}

#[derive(Default)]
struct Acc {
    days: BTreeMap<NaiveDate, u64>,
    offered: u64,
    handled: u64,
    abandoned: Option<u64>,
    wait: f64,
    handle: f64,
}

impl SampleFigures {
    /// Computes the figures of `history` (voice is the channel named `voice`).
    pub fn of(history: &History) -> Self {
        let grid = history.grid();
        let mut first = NaiveDate::MAX;
        let mut last = NaiveDate::MIN;
        let mut voice_day: BTreeMap<NaiveDate, u64> = BTreeMap::new();
        let mut week: BTreeMap<NaiveDate, (u64, u64)> = BTreeMap::new();
        let (mut offered, mut abandoned, mut handled, mut wait) = (0u64, 0u64, 0u64, 0.0f64);
        let (mut mon_handled, mut mon_wait) = (0u64, 0.0f64);
        let mut worst = (0.0f64, String::new());
        let mut by_channel: BTreeMap<String, Acc> = BTreeMap::new();
        for r in history.records() {
            let t = r.interval_start();
            let date = t.date_naive();
            first = first.min(date);
            last = last.max(date);
            let acc = by_channel.entry(r.channel().to_string()).or_default();
            *acc.days.entry(date).or_default() += u64::from(r.offered());
            acc.offered += u64::from(r.offered());
            if let Some(a) = r.abandoned() {
                *acc.abandoned.get_or_insert(0) += u64::from(a);
            }
            if let Some(h) = r.handled() {
                acc.handled += u64::from(h);
                acc.wait += r.asa_seconds().unwrap_or(0.0) * f64::from(h);
                acc.handle += r.aht_seconds().unwrap_or(0.0) * f64::from(h);
            }
            if r.channel().as_str() != "voice" {
                continue;
            }
            let o = u64::from(r.offered());
            let a = u64::from(r.abandoned().unwrap_or(0));
            let h = u64::from(r.handled().unwrap_or(0));
            *voice_day.entry(date).or_default() += o;
            offered += o;
            abandoned += a;
            let monday =
                date - chrono::Duration::days(i64::from(date.weekday().num_days_from_monday()));
            let w = week.entry(monday).or_default();
            w.0 += o;
            w.1 += a;
            if let Some(asa) = r.asa_seconds() {
                handled += h;
                wait += asa * h as f64;
                if date.weekday() == Weekday::Mon && t.hour() < 12 {
                    mon_handled += h;
                    mon_wait += asa * h as f64;
                }
                if asa > worst.0 {
                    worst = (asa, crate::history::rfc3339(&t.with_timezone(&grid.tz)));
                }
            }
        }
        let weekday_totals: Vec<(NaiveDate, f64)> = voice_day
            .iter()
            .filter(|(d, _)| calendar::is_working_day(**d))
            .map(|(d, &n)| (*d, n as f64))
            .collect();
        let mean = |xs: &[f64]| {
            if xs.is_empty() {
                0.0
            } else {
                xs.iter().sum::<f64>() / xs.len() as f64
            }
        };
        let mut sorted: Vec<f64> = weekday_totals.iter().map(|x| x.1).collect();
        sorted.sort_by(f64::total_cmp);
        let pct = |xs: &[f64], p: f64| {
            if xs.is_empty() {
                0.0
            } else {
                xs[((xs.len() - 1) as f64 * p).round() as usize]
            }
        };
        let mondays: Vec<f64> = weekday_totals
            .iter()
            .filter(|(d, _)| d.weekday() == Weekday::Mon)
            .map(|x| x.1)
            .collect();
        let after_bh: Vec<f64> = weekday_totals
            .iter()
            .filter(|(d, _)| calendar::is_day_after_bank_holiday(*d))
            .map(|x| x.1)
            .collect();
        let mut weekly: Vec<f64> = week
            .iter()
            .filter(|(monday, _)| **monday >= first && **monday + chrono::Duration::days(6) <= last)
            .filter(|(_, (o, _))| *o > 0)
            .map(|(_, (o, a))| *a as f64 / *o as f64)
            .collect();
        weekly.sort_by(f64::total_cmp);
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
        let recent_from = last - chrono::Duration::days(27);
        let channels = by_channel
            .into_iter()
            .map(|(name, acc)| {
                let working = |from: NaiveDate| -> Vec<f64> {
                    acc.days
                        .iter()
                        .filter(|(d, _)| **d >= from && calendar::is_working_day(**d))
                        .map(|(_, &n)| n as f64)
                        .collect()
                };
                // Days without rows (closed) count as zero in the calendar-day mean.
                let span_days = ((last - first).num_days() + 1).max(1) as f64;
                SampleChannel {
                    name,
                    working_day_mean: mean(&working(first)),
                    recent_working_day_mean: mean(&working(recent_from)),
                    calendar_day_mean: acc.offered as f64 / span_days,
                    abandon_rate: acc.abandoned.map(|a| ratio(a as f64, acc.offered as f64)),
                    handled_rate: ratio(acc.handled as f64, acc.offered as f64),
                    asa_seconds: ratio(acc.wait, acc.handled as f64),
                    aht_seconds: ratio(acc.handle, acc.handled as f64),
                }
            })
            .collect();
        Self {
            span: (first, last),
            rows: history.len(),
            voice_weekday_mean: mean(&sorted),
            voice_weekday_p10_p90: (pct(&sorted, 0.1), pct(&sorted, 0.9)),
            voice_monday_mean: mean(&mondays),
            voice_after_bank_holiday_mean: mean(&after_bh),
            voice_abandon_rate: ratio(abandoned as f64, offered as f64),
            voice_weekly_abandon: (pct(&weekly, 0.0), pct(&weekly, 0.5), pct(&weekly, 1.0)),
            voice_asa_seconds: ratio(wait, handled as f64),
            voice_monday_morning_asa_seconds: ratio(mon_wait, mon_handled as f64),
            voice_worst_interval_asa: worst,
            channels,
        }
    }
}

impl std::fmt::Display for SampleFigures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "span {} .. {}, {} rows",
            self.span.0, self.span.1, self.rows
        )?;
        writeln!(
            f,
            "voice offered per weekday: mean {:.0} (p10 {:.0}, p90 {:.0}); Mondays {:.0}; after bank holidays {:.0}",
            self.voice_weekday_mean,
            self.voice_weekday_p10_p90.0,
            self.voice_weekday_p10_p90.1,
            self.voice_monday_mean,
            self.voice_after_bank_holiday_mean
        )?;
        writeln!(
            f,
            "voice abandoned: {:.1}% overall, weekly {:.1}% .. {:.1}% (median {:.1}%)",
            self.voice_abandon_rate * 100.0,
            self.voice_weekly_abandon.0 * 100.0,
            self.voice_weekly_abandon.2 * 100.0,
            self.voice_weekly_abandon.1 * 100.0
        )?;
        writeln!(
            f,
            "voice ASA: {:.1} min overall, {:.1} min on Monday mornings, worst interval {:.0} min at {}",
            self.voice_asa_seconds / 60.0,
            self.voice_monday_morning_asa_seconds / 60.0,
            self.voice_worst_interval_asa.0 / 60.0,
            self.voice_worst_interval_asa.1
        )?;
        for c in &self.channels {
            let abandon = c
                .abandon_rate
                .map(|a| format!("{:.1}% abandoned", a * 100.0))
                .unwrap_or_else(|| format!("{:.1}% handled", c.handled_rate * 100.0));
            writeln!(
                f,
                "{}: {:.0} offered per working day ({:.0} in the last 4 weeks), {:.0} per calendar day; {}, mean wait {:.1} min, AHT {:.1} min",
                c.name,
                c.working_day_mean,
                c.recent_working_day_mean,
                c.calendar_day_mean,
                abandon,
                c.asa_seconds / 60.0,
                c.aht_seconds / 60.0
            )?;
        }
        Ok(())
    }
}
