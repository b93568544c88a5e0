//! The `rota data check` summary of a history: what a planner looks at before trusting the data.
//!
//! For the history as a whole: the span (first and last day, days, weeks), the interval grid and the
//! channels. Per channel: totals (offered, handled, abandoned, abandon rate = abandoned / offered,
//! AHT and ASA weighted by handled contacts), the mean offered per weekday with the peak weekday and
//! the busiest interval of the week (e.g. `Mon 09:00`), the weekly abandon rate (worst, median, best
//! and the last four weeks), gaps (intervals with no row where rows were expected), and outlier
//! days.
//!
//! *Where rows are expected*: with a centre configuration, inside the channel's opening hours;
//! without one, in the (weekday, time of day) slots where the channel has rows on at least half of
//! that weekday's dates, so closed nights and weekends are not counted as gaps.
//!
//! *Outliers*: days whose offered total is far from the median of the same weekday, by the robust
//! z-score `0.6745 (x - median) / MAD` with the cut-off 3.5 (Iglewicz & Hoaglin 1993, "How to
//! Detect and Handle Outliers"); when the MAD is zero the mean absolute deviation is used instead
//! (`(x - median) / (1.2533 MeanAD)`).

use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Write as _};

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Timelike, Weekday};

use crate::calendar;
use crate::channel::{ChannelKind, ChannelName};
use crate::config::CentreConfig;
use crate::grid::IntervalGrid;
use crate::history::{History, HistoryRecord, Span};
use crate::ingest::IngestReport;

/// Robust z-score above which a day is an outlier (Iglewicz & Hoaglin 1993).
pub const OUTLIER_Z: f64 = 3.5;

/// What the summary knows about the centre beyond the history (from its configuration).
pub trait CentreCalendar {
    /// The kind of a channel, if known.
    fn channel_kind(&self, channel: &ChannelName) -> Option<ChannelKind>;
    /// Whether the channel is open (contacts expected) on `date` at local wall time `time`.
    fn is_open(&self, channel: &ChannelName, date: NaiveDate, time: NaiveTime) -> bool;
    /// The channel's abandon-rate target (e.g. 0.10), if it has one.
    fn abandon_target(&self, _channel: &ChannelName) -> Option<f64> {
        None
    }
}

/// A centre configuration as a calendar: contacts are expected when the configuration's one
/// opening calendar accepts them ([`CentreConfig::accepts_contacts_on`]): a live channel in its
/// opening hours except on England & Wales bank holidays (when the centre closes on them) and on
/// configured closed days; deferred channels (email, social) at any time.
impl CentreCalendar for CentreConfig {
    fn channel_kind(&self, channel: &ChannelName) -> Option<ChannelKind> {
        self.channel(channel.as_str()).map(|c| c.kind())
    }

    fn is_open(&self, channel: &ChannelName, date: NaiveDate, time: NaiveTime) -> bool {
        self.channel(channel.as_str())
            .is_some_and(|c| self.accepts_contacts_on(c, date, time.hour() * 60 + time.minute()))
    }

    fn abandon_target(&self, channel: &ChannelName) -> Option<f64> {
        self.channel(channel.as_str())
            .and_then(|c| c.targets().max_abandon_rate())
    }
}

/// The summary of a history, ready to print with [`fmt::Display`].
#[derive(Debug, Clone, PartialEq)]
pub struct HistorySummary {
    /// Grid of the history.
    pub grid: IntervalGrid,
    /// First and last interval (`None` for an empty history).
    pub span: Option<Span>,
    /// One entry per channel with records, in name order.
    pub channels: Vec<ChannelSummary>,
    /// Configured channels that have no records.
    pub channels_without_history: Vec<ChannelName>,
    /// How the file was read, when known.
    pub source: Option<IngestReport>,
    /// True when gaps were judged against configured opening hours.
    pub gaps_from_opening_hours: bool,
}

/// Summary of one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelSummary {
    /// The channel.
    pub channel: ChannelName,
    /// Its kind, from the configuration.
    pub kind: Option<ChannelKind>,
    /// Intervals with a record.
    pub intervals: usize,
    /// Totals.
    pub totals: Totals,
    /// Mean offered per day, Monday first (`None` for a weekday without any record).
    pub mean_offered_by_weekday: [Option<f64>; 7],
    /// The weekday with the highest mean offered per day.
    pub peak_weekday: Option<Weekday>,
    /// The busiest interval of the week on average.
    pub peak_interval: Option<PeakInterval>,
    /// Abandon rate per week (weeks starting Monday), in time order; only for channels that export
    /// abandoned.
    pub weekly_abandon: Vec<WeekRate>,
    /// The channel's abandon-rate target from the configuration (e.g. 0.10).
    pub abandon_target: Option<f64>,
    /// Missing intervals where rows were expected.
    pub gaps: Gaps,
    /// Outlier days, most extreme first.
    pub outliers: Vec<Outlier>,
}

/// Totals of a channel over the history.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Totals {
    /// Contacts offered.
    pub offered: u64,
    /// Contacts handled (`None` when not exported).
    pub handled: Option<u64>,
    /// Contacts abandoned (`None` when not exported).
    pub abandoned: Option<u64>,
    /// Abandoned / offered over the intervals that export abandoned.
    pub abandon_rate: Option<f64>,
    /// Average handle time, seconds, weighted by handled contacts.
    pub aht_seconds: Option<f64>,
    /// Average speed of answer, seconds, weighted by handled contacts.
    pub asa_seconds: Option<f64>,
}

/// The busiest interval of the week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeakInterval {
    /// Weekday.
    pub weekday: Weekday,
    /// Local start time.
    pub time: NaiveTime,
    /// Mean offered in that interval over the weeks with a record.
    pub mean_offered: f64,
}

impl fmt::Display for PeakInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.weekday, self.time.format("%H:%M"))
    }
}

/// Abandon rate of one week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekRate {
    /// Monday of the week.
    pub week_start: NaiveDate,
    /// Offered in the intervals that export abandoned.
    pub offered: u64,
    /// Abandoned.
    pub abandoned: u64,
    /// Abandoned / offered.
    pub rate: f64,
}

/// Missing intervals of a channel.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Gaps {
    /// Intervals where a row was expected.
    pub expected: usize,
    /// Of those, intervals without a row.
    pub missing: usize,
    /// Dates where every expected interval is missing.
    pub missing_days: Vec<NaiveDate>,
    /// Runs of consecutive missing intervals on days that have some rows, longest first (at most
    /// 5 kept).
    pub runs: Vec<GapRun>,
    /// Number of such runs in all.
    pub run_count: usize,
}

/// Consecutive missing intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GapRun {
    /// Start of the first missing interval (local).
    pub start: chrono::DateTime<chrono_tz::Tz>,
    /// Number of missing intervals.
    pub intervals: usize,
}

/// A day whose offered total is far from the median of its weekday.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outlier {
    /// The date.
    pub date: NaiveDate,
    /// Offered that day.
    pub offered: u64,
    /// Median offered on the same weekday.
    pub median: f64,
    /// Robust z-score.
    pub z: f64,
}

impl HistorySummary {
    /// Summarises a history; with the centre configuration, gaps are judged against opening
    /// hours (bank holidays and closed days excluded), channel kinds are shown and configured
    /// channels without any history are listed.
    pub fn of(history: &History, config: Option<&CentreConfig>) -> Self {
        let mut summary = Self::with_calendar(history, config.map(|c| c as &dyn CentreCalendar));
        if let Some(config) = config {
            let present = history.channels();
            summary.channels_without_history = config
                .channel_names()
                .into_iter()
                .filter(|c| !present.contains(c))
                .collect();
        }
        summary
    }

    /// Summarises a history against any [`CentreCalendar`] (or none).
    pub fn with_calendar(history: &History, calendar: Option<&dyn CentreCalendar>) -> Self {
        let _span = tracing::info_span!("summary", records = history.len()).entered();
        let grid = history.grid();
        let channels = history
            .channels()
            .into_iter()
            .map(|c| summarise_channel(history, &c, calendar))
            .collect();
        Self {
            grid,
            span: history.span(),
            channels,
            channels_without_history: Vec::new(),
            source: None,
            gaps_from_opening_hours: calendar.is_some(),
        }
    }

    /// Adds how the file was read (rows, source steps, ignored columns).
    pub fn with_report(mut self, report: IngestReport) -> Self {
        self.source = Some(report);
        self
    }
}

fn summarise_channel(
    history: &History,
    channel: &ChannelName,
    calendar: Option<&dyn CentreCalendar>,
) -> ChannelSummary {
    let grid = history.grid();
    let recs = history.channel_records(channel);
    let totals = totals(recs);

    // Daily totals and per-(weekday, time) means.
    let mut daily: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    let mut slot_sum: HashMap<(Weekday, NaiveTime), (f64, usize)> = HashMap::new();
    let mut weekly: BTreeMap<NaiveDate, (u64, u64)> = BTreeMap::new();
    for r in recs {
        let wall = r.interval_start().naive_local();
        let date = wall.date();
        *daily.entry(date).or_insert(0) += u64::from(r.offered());
        let e = slot_sum
            .entry((date.weekday(), wall.time()))
            .or_insert((0.0, 0));
        e.0 += f64::from(r.offered());
        e.1 += 1;
        if let Some(a) = r.abandoned() {
            let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
            let w = weekly.entry(monday).or_insert((0, 0));
            w.0 += u64::from(r.offered());
            w.1 += u64::from(a);
        }
    }
    let mut by_weekday: [Vec<u64>; 7] = Default::default();
    for (date, total) in &daily {
        by_weekday[date.weekday().num_days_from_monday() as usize].push(*total);
    }
    let mean_offered_by_weekday = by_weekday
        .each_ref()
        .map(|v| (!v.is_empty()).then(|| v.iter().sum::<u64>() as f64 / v.len() as f64));
    let peak_weekday = mean_offered_by_weekday
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.map(|m| (i, m)))
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .and_then(|(i, _)| weekday_from_monday(i));
    let peak_interval = slot_sum
        .iter()
        .map(|((w, t), (s, n))| PeakInterval {
            weekday: *w,
            time: *t,
            mean_offered: s / *n as f64,
        })
        .max_by(|a, b| {
            a.mean_offered
                .total_cmp(&b.mean_offered)
                // Ties: the earliest in the week.
                .then(
                    b.weekday
                        .num_days_from_monday()
                        .cmp(&a.weekday.num_days_from_monday()),
                )
                .then(b.time.cmp(&a.time))
        });
    let weekly_abandon = weekly
        .into_iter()
        .filter(|(_, (o, _))| *o > 0)
        .map(|(week_start, (offered, abandoned))| WeekRate {
            week_start,
            offered,
            abandoned,
            rate: abandoned as f64 / offered as f64,
        })
        .collect();

    ChannelSummary {
        channel: channel.clone(),
        kind: calendar.and_then(|c| c.channel_kind(channel)),
        intervals: recs.len(),
        totals,
        mean_offered_by_weekday,
        peak_weekday,
        peak_interval,
        weekly_abandon,
        abandon_target: calendar.and_then(|c| c.abandon_target(channel)),
        gaps: gaps(&grid, recs, calendar.map(|c| (c, channel))),
        outliers: outliers(&daily),
    }
}

fn weekday_from_monday(i: usize) -> Option<Weekday> {
    Weekday::try_from(u8::try_from(i).ok()?).ok()
}

fn totals(recs: &[HistoryRecord]) -> Totals {
    let mut t = Totals::default();
    let (mut rate_offered, mut rate_abandoned) = (0u64, 0u64);
    let (mut aht_num, mut aht_den, mut asa_num, mut asa_den) = (0f64, 0f64, 0f64, 0f64);
    for r in recs {
        t.offered += u64::from(r.offered());
        if let Some(h) = r.handled() {
            *t.handled.get_or_insert(0) += u64::from(h);
        }
        if let Some(a) = r.abandoned() {
            *t.abandoned.get_or_insert(0) += u64::from(a);
            rate_offered += u64::from(r.offered());
            rate_abandoned += u64::from(a);
        }
        let w = f64::from(r.handled().unwrap_or(r.offered()));
        if let Some(v) = r.aht_seconds() {
            aht_num += v * w;
            aht_den += w;
        }
        if let Some(v) = r.asa_seconds() {
            asa_num += v * w;
            asa_den += w;
        }
    }
    t.abandon_rate = (rate_offered > 0).then(|| rate_abandoned as f64 / rate_offered as f64);
    t.aht_seconds = (aht_den > 0.0).then(|| aht_num / aht_den);
    t.asa_seconds = (asa_den > 0.0).then(|| asa_num / asa_den);
    t
}

/// Missing intervals between the channel's first and last day, where rows are expected.
fn gaps(
    grid: &IntervalGrid,
    recs: &[HistoryRecord],
    calendar: Option<(&dyn CentreCalendar, &ChannelName)>,
) -> Gaps {
    let (Some(first), Some(last)) = (recs.first(), recs.last()) else {
        return Gaps::default();
    };
    let first_date = first.interval_start().date_naive();
    let last_date = last.interval_start().date_naive();
    // Without a calendar: slots seen on at least half of their weekday's dates.
    let usual = if calendar.is_none() {
        let mut dates_per_weekday = [0usize; 7];
        for d in first_date.iter_days().take_while(|d| *d <= last_date) {
            dates_per_weekday[d.weekday().num_days_from_monday() as usize] += 1;
        }
        let mut seen: HashMap<(Weekday, NaiveTime), usize> = HashMap::new();
        for r in recs {
            let wall = r.interval_start().naive_local();
            *seen
                .entry((wall.date().weekday(), wall.time()))
                .or_insert(0) += 1;
        }
        seen.retain(|(w, _), n| *n * 2 >= dates_per_weekday[w.num_days_from_monday() as usize]);
        Some(seen)
    } else {
        None
    };
    let expected_at = |date: NaiveDate, time: NaiveTime| match (calendar, &usual) {
        (Some((cal, channel)), _) => cal.is_open(channel, date, time),
        (None, Some(usual)) => usual.contains_key(&(date.weekday(), time)),
        (None, None) => false,
    };
    let mut g = Gaps::default();
    let mut i = 0usize;
    let mut runs: Vec<GapRun> = Vec::new();
    for date in first_date.iter_days().take_while(|d| *d <= last_date) {
        let (mut day_expected, mut day_missing) = (0usize, 0usize);
        let mut day_runs: Vec<GapRun> = Vec::new();
        let mut current: Option<GapRun> = None;
        for start in grid.interval_starts(date) {
            while i < recs.len() && recs[i].interval_start() < start {
                i += 1;
            }
            let present = recs.get(i).is_some_and(|r| r.interval_start() == start);
            let expected = expected_at(date, start.naive_local().time());
            if !expected {
                if let Some(run) = current.take() {
                    day_runs.push(run);
                }
                continue;
            }
            day_expected += 1;
            if present {
                if let Some(run) = current.take() {
                    day_runs.push(run);
                }
            } else {
                day_missing += 1;
                match &mut current {
                    Some(run) => run.intervals += 1,
                    None => {
                        current = Some(GapRun {
                            start,
                            intervals: 1,
                        })
                    }
                }
            }
        }
        if let Some(run) = current.take() {
            day_runs.push(run);
        }
        g.expected += day_expected;
        g.missing += day_missing;
        if day_expected > 0 && day_missing == day_expected {
            g.missing_days.push(date);
        } else {
            runs.extend(day_runs);
        }
    }
    g.run_count = runs.len();
    runs.sort_by(|a, b| b.intervals.cmp(&a.intervals).then(a.start.cmp(&b.start)));
    runs.truncate(5);
    g.runs = runs;
    g
}

/// Outlier days by the robust z-score against the same weekday (needs 5+ days of that weekday).
fn outliers(daily: &BTreeMap<NaiveDate, u64>) -> Vec<Outlier> {
    let mut by_weekday: [Vec<(NaiveDate, u64)>; 7] = Default::default();
    for (d, v) in daily {
        by_weekday[d.weekday().num_days_from_monday() as usize].push((*d, *v));
    }
    let mut out = Vec::new();
    for days in by_weekday.iter().filter(|d| d.len() >= 5) {
        let values: Vec<f64> = days.iter().map(|(_, v)| *v as f64).collect();
        let med = median(&values);
        let deviations: Vec<f64> = values.iter().map(|v| (v - med).abs()).collect();
        let mad = median(&deviations);
        let mean_ad = deviations.iter().sum::<f64>() / deviations.len() as f64;
        for (date, v) in days {
            let x = *v as f64 - med;
            let z = if mad > 0.0 {
                0.6745 * x / mad
            } else if mean_ad > 0.0 {
                x / (1.253314 * mean_ad)
            } else {
                0.0
            };
            if z.abs() > OUTLIER_Z {
                out.push(Outlier {
                    date: *date,
                    offered: *v,
                    median: med,
                    z,
                });
            }
        }
    }
    out.sort_by(|a, b| b.z.abs().total_cmp(&a.z.abs()).then(a.date.cmp(&b.date)));
    out
}

fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering

/// `1234567` -> `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn pct(r: Option<f64>) -> String {
    r.map_or_else(|| "-".to_string(), |r| format!("{:.1}%", r * 100.0))
}

/// Seconds as `m:ss` (or `h:mm:ss`).
fn clock(s: Option<f64>) -> String {
    let Some(s) = s else { return "-".into() };
    let s = s.round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

fn mean_cell(m: Option<f64>) -> String {
    match m {
        None => "-".into(),
        Some(m) if m >= 100.0 => thousands(m.round() as u64),
        Some(m) => format!("{m:.1}"),
    }
}

fn short_weekday(d: NaiveDate) -> Weekday {
    d.weekday()
}

impl fmt::Display for HistorySummary {
    /// The report `rota data check` prints: what was read (span, source, channels), then one
    /// table per question: totals, the weekday profile, weekly abandon rates, gaps and outlier
    /// days.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name_w = self
            .channels
            .iter()
            .map(|c| c.channel.as_str().len())
            .max()
            .unwrap_or(7)
            .max(14);
        self.write_overview(f)?;
        self.write_totals(f, name_w)?;
        self.write_weekday_profile(f, name_w)?;
        self.write_weekly_abandon(f, name_w)?;
        self.write_gaps(f, name_w)?;
        self.write_outliers(f, name_w)
    }
}

/// The sections of the report, one method each; `name_w` is the width of the channel column.
impl HistorySummary {
    /// The span of the history, where it was read from and how, and its channels.
    fn write_overview(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.span {
            Some(span) => writeln!(
                f,
                "Span       {} ({}) .. {} ({}): {} days, {:.1} weeks; {}-minute intervals, {}",
                span.first_date(),
                short_weekday(span.first_date()),
                span.last_date(),
                short_weekday(span.last_date()),
                span.days(),
                span.days() as f64 / 7.0,
                self.grid.length.minutes(),
                self.grid.tz
            )?,
            None => writeln!(f, "Span       empty history")?,
        }
        if let Some(src) = &self.source {
            let steps: Vec<String> = src
                .channels
                .iter()
                .map(|c| format!("{} {} min", c.channel, c.step_minutes))
                .collect();
            writeln!(
                f,
                "Source     {} rows from {}{}; source steps: {}{}",
                thousands(src.rows as u64),
                src.file.display(),
                if src.gzip { " (gzip)" } else { "" },
                steps.join(", "),
                if src.interval_inferred {
                    " (interval inferred)"
                } else {
                    ""
                }
            )?;
            if let Some(zone) = src.zone_from_offsets {
                writeln!(
                    f,
                    "Time zone  {zone}, read from the timestamps' offsets (give --tz or a \
                     configuration to choose another)"
                )?;
            }
            if let Some((what, n)) = src.missing_local_times {
                let done = match what {
                    crate::ingest::MissingLocalTime::Shift => "read one hour later",
                    _ => "left out",
                };
                writeln!(
                    f,
                    "           {n} row(s) in the hour the clocks skip in spring: {done}"
                )?;
            }
            if !src.ignored_columns.is_empty() {
                writeln!(
                    f,
                    "           ignored columns: {}",
                    src.ignored_columns.join(", ")
                )?;
            }
            let incomplete: Vec<String> = src
                .channels
                .iter()
                .filter(|c| c.incomplete_intervals > 0)
                .map(|c| format!("{} {}", c.channel, thousands(c.incomplete_intervals as u64)))
                .collect();
            if !incomplete.is_empty() {
                writeln!(
                    f,
                    "           intervals summed from incomplete source rows: {}",
                    incomplete.join(", ")
                )?;
            }
        }
        let names: Vec<String> = self
            .channels
            .iter()
            .map(|c| match c.kind {
                Some(k) => format!("{} ({k})", c.channel),
                None => c.channel.to_string(),
            })
            .collect();
        writeln!(f, "Channels   {}", names.join(", "))?;
        if !self.channels_without_history.is_empty() {
            let missing: Vec<&str> = self
                .channels_without_history
                .iter()
                .map(ChannelName::as_str)
                .collect();
            writeln!(
                f,
                "           configured but without history: {}",
                missing.join(", ")
            )?;
        }
        Ok(())
    }

    /// Offered, handled and abandoned over the whole history, with abandon rate, AHT and ASA.
    fn write_totals(&self, f: &mut fmt::Formatter<'_>, name_w: usize) -> fmt::Result {
        writeln!(f)?;
        writeln!(
            f,
            "{:<name_w$} {:>11} {:>11} {:>11} {:>8} {:>8} {:>8}",
            "Totals", "offered", "handled", "abandoned", "abandon", "AHT", "ASA"
        )?;
        for c in &self.channels {
            let t = &c.totals;
            writeln!(
                f,
                "{:<name_w$} {:>11} {:>11} {:>11} {:>8} {:>8} {:>8}",
                c.channel.as_str(),
                thousands(t.offered),
                t.handled.map_or("-".into(), thousands),
                t.abandoned.map_or("-".into(), thousands),
                pct(t.abandon_rate),
                clock(t.aht_seconds),
                clock(t.asa_seconds)
            )?;
        }
        Ok(())
    }

    /// Mean offered per weekday, the peak day and the busiest interval of the week.
    fn write_weekday_profile(&self, f: &mut fmt::Formatter<'_>, name_w: usize) -> fmt::Result {
        writeln!(f)?;
        write!(f, "{:<name_w$}", "Per day")?;
        for w in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] {
            write!(f, " {w:>6}")?;
        }
        writeln!(f, "  peak day  busiest interval (mean offered)")?;
        for c in &self.channels {
            write!(f, "{:<name_w$}", c.channel.as_str())?;
            for m in c.mean_offered_by_weekday {
                write!(f, " {:>6}", mean_cell(m))?;
            }
            let peak = c.peak_weekday.map_or("-".to_string(), |w| w.to_string());
            let interval = c
                .peak_interval
                .map_or("-".to_string(), |p| format!("{p} ({:.1})", p.mean_offered));
            writeln!(f, "  {peak:<8}  {interval}")?;
        }
        Ok(())
    }

    /// Weekly abandon rates: worst, median and best week, weeks over target, the last four.
    fn write_weekly_abandon(&self, f: &mut fmt::Formatter<'_>, name_w: usize) -> fmt::Result {
        let with_weeks: Vec<&ChannelSummary> = self
            .channels
            .iter()
            .filter(|c| !c.weekly_abandon.is_empty())
            .collect();
        if !with_weeks.is_empty() {
            writeln!(f)?;
            writeln!(
                f,
                "{:<name_w$} {:>6} {:>19} {:>7} {:>19} {:>14}  last 4 weeks",
                "Weekly abandon",
                "weeks",
                "worst (week of)",
                "median",
                "best (week of)",
                "over target"
            )?;
            for c in with_weeks {
                let weeks = &c.weekly_abandon;
                let worst = weeks.iter().max_by(|a, b| a.rate.total_cmp(&b.rate));
                let best = weeks.iter().min_by(|a, b| a.rate.total_cmp(&b.rate));
                let rates: Vec<f64> = weeks.iter().map(|w| w.rate).collect();
                let cell = |w: Option<&WeekRate>| {
                    w.map_or("-".to_string(), |w| {
                        format!("{} ({})", pct(Some(w.rate)), w.week_start)
                    })
                };
                let last: Vec<String> = weeks[weeks.len().saturating_sub(4)..]
                    .iter()
                    .map(|w| pct(Some(w.rate)))
                    .collect();
                let over = c.abandon_target.map_or("-".to_string(), |t| {
                    let n = weeks.iter().filter(|w| w.rate > t).count();
                    format!("{n} (>{:.0}%)", t * 100.0)
                });
                writeln!(
                    f,
                    "{:<name_w$} {:>6} {:>19} {:>7} {:>19} {:>14}  {}",
                    c.channel.as_str(),
                    weeks.len(),
                    cell(worst),
                    pct(Some(median(&rates))),
                    cell(best),
                    over,
                    last.join(" ")
                )?;
            }
        }
        Ok(())
    }

    /// Missing intervals per channel: whole days (bank holidays named) and the longest partial
    /// gaps.
    fn write_gaps(&self, f: &mut fmt::Formatter<'_>, name_w: usize) -> fmt::Result {
        writeln!(f)?;
        writeln!(
            f,
            "Gaps ({})",
            if self.gaps_from_opening_hours {
                "missing intervals inside opening hours"
            } else {
                "missing intervals in the slots each channel usually has rows for"
            }
        )?;
        for c in &self.channels {
            let g = &c.gaps;
            let mut line = String::new();
            if g.missing == 0 {
                line.push_str("none");
            } else {
                let _ = write!(
                    line,
                    "{} of {} intervals missing",
                    thousands(g.missing as u64),
                    thousands(g.expected as u64)
                );
                if !g.missing_days.is_empty() {
                    let shown: Vec<String> = g
                        .missing_days
                        .iter()
                        .take(4)
                        .map(|d| match calendar::bank_holiday_on(*d) {
                            Some(_) => format!("{d} ({}, bank holiday)", d.weekday()),
                            None => format!("{d} ({})", d.weekday()),
                        })
                        .collect();
                    let holidays = g
                        .missing_days
                        .iter()
                        .filter(|d| calendar::is_bank_holiday(**d))
                        .count();
                    let more = g.missing_days.len().saturating_sub(4);
                    let _ = write!(
                        line,
                        "; {} whole days{}: {}{}",
                        g.missing_days.len(),
                        if holidays > 0 {
                            format!(" ({holidays} England & Wales bank holidays)")
                        } else {
                            String::new()
                        },
                        shown.join(", "),
                        if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        }
                    );
                }
                if g.run_count > 0 {
                    let longest = g
                        .runs
                        .iter()
                        .take(3)
                        .map(|r| format!("{} x{}", r.start.format("%Y-%m-%d %H:%M"), r.intervals))
                        .collect::<Vec<_>>();
                    let _ = write!(
                        line,
                        "; {} partial gaps, longest: {}",
                        g.run_count,
                        longest.join(", ")
                    );
                }
            }
            writeln!(f, "  {:<name_w$} {line}", c.channel.as_str())?;
        }
        writeln!(
            f,
            "Duplicates none (duplicate intervals are rejected when the file is read)"
        )?;
        Ok(())
    }

    /// Outlier days per channel, most extreme first.
    fn write_outliers(&self, f: &mut fmt::Formatter<'_>, name_w: usize) -> fmt::Result {
        writeln!(f)?;
        writeln!(
            f,
            "Outlier days (offered vs the same weekday's median, robust z > {OUTLIER_Z})"
        )?;
        for c in &self.channels {
            if c.outliers.is_empty() {
                writeln!(f, "  {:<name_w$} none", c.channel.as_str())?;
                continue;
            }
            let shown: Vec<String> = c
                .outliers
                .iter()
                .take(5)
                .map(|o| {
                    format!(
                        "{} {} {} (median {}, z {:+.1})",
                        o.date,
                        o.date.weekday(),
                        thousands(o.offered),
                        thousands(o.median.round() as u64),
                        o.z
                    )
                })
                .collect();
            let more = c.outliers.len().saturating_sub(5);
            writeln!(
                f,
                "  {:<name_w$} {}{}",
                c.channel.as_str(),
                shown.join("; "),
                if more > 0 {
                    format!("; and {more} more")
                } else {
                    String::new()
                }
            )?;
        }
        Ok(())
    }
}

/// What the centre's historic staffing delivered per channel over its last complete weeks: the
/// comparison a planner wants beside a new requirement ("we used to staff 310 agent-hours of voice
/// a week and lost 40% of calls; the targets need 520").
///
/// Agent-hours are `agents_staffed` (logged-in agents, as the platform reports them) times the
/// interval length, summed; weeks are Monday-to-Sunday in the centre's local time and only complete
/// weeks count, so a history ending mid-week does not understate the weekly figure.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StaffingDelivered {
    /// Channel.
    pub channel: ChannelName,
    /// Complete weeks averaged over.
    pub weeks: usize,
    /// First local date of the weeks averaged.
    pub from: NaiveDate,
    /// Last local date of the weeks averaged.
    pub to: NaiveDate,
    /// Mean logged-in agent-hours per week (`None` when the export has no `agents_staffed`).
    pub agent_hours_per_week: Option<f64>,
    /// Largest number of agents logged in in any interval of those weeks.
    pub peak_agents: Option<f64>,
    /// Mean offered contacts per week.
    pub offered_per_week: f64,
    /// Abandoned / offered over those weeks (`None` when the export has no abandoned counts).
    pub abandon_rate: Option<f64>,
    /// ASA of answered contacts over those weeks, weighted by handled (seconds).
    pub asa_seconds: Option<f64>,
}

impl StaffingDelivered {
    /// The last `weeks` complete Monday-to-Sunday weeks of every channel in `history`.
    /// Channels with no complete week in the history are left out.
    pub fn last_weeks(history: &History, weeks: usize) -> Vec<StaffingDelivered> {
        let interval_hours = f64::from(history.grid().length.minutes()) / 60.0;
        let mut out = Vec::new();
        let Some(span) = history.span() else {
            return out;
        };
        // The last Sunday on or before the end of the history closes the last complete week.
        let last = span.last_date();
        let last_sunday = last - Duration::days(i64::from(last.weekday().num_days_from_sunday()));
        let to = if last.weekday() == Weekday::Sun {
            last
        } else {
            last_sunday
        };
        let first_monday_available = {
            let f = span.first_date();
            let back = i64::from(f.weekday().num_days_from_monday());
            if back == 0 {
                f
            } else {
                f + Duration::days(7 - back)
            }
        };
        let available_weeks = ((to - first_monday_available).num_days() + 1).max(0) / 7;
        let weeks = weeks.min(usize::try_from(available_weeks).unwrap_or(0));
        if weeks == 0 {
            return out;
        }
        let from = to - Duration::days(7 * weeks as i64 - 1);
        for channel in history.channels() {
            let mut staffed_hours = 0.0;
            let mut staffed_seen = false;
            let mut peak: Option<f64> = None;
            let (mut offered, mut abandoned) = (0u64, 0u64);
            let mut abandoned_seen = false;
            let (mut asa_weighted, mut asa_handled) = (0.0, 0.0);
            for r in history.channel_records(&channel) {
                let date = r.interval_start().date_naive();
                if date < from || date > to {
                    continue;
                }
                offered += u64::from(r.offered());
                if let Some(a) = r.abandoned() {
                    abandoned += u64::from(a);
                    abandoned_seen = true;
                }
                if let (Some(h), Some(asa)) = (r.handled(), r.asa_seconds()) {
                    asa_weighted += asa * f64::from(h);
                    asa_handled += f64::from(h);
                }
                if let Some(n) = r.agents_staffed() {
                    staffed_hours += n * interval_hours;
                    staffed_seen = true;
                    peak = Some(peak.map_or(n, |p: f64| p.max(n)));
                }
            }
            let w = weeks as f64;
            out.push(StaffingDelivered {
                channel,
                weeks,
                from,
                to,
                agent_hours_per_week: staffed_seen.then_some(staffed_hours / w),
                peak_agents: peak,
                offered_per_week: offered as f64 / w,
                abandon_rate: (abandoned_seen && offered > 0)
                    .then(|| abandoned as f64 / offered as f64),
                asa_seconds: (asa_handled > 0.0).then(|| asa_weighted / asa_handled),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests;
