//! Interval history: what each channel was offered, handled and abandoned, interval by interval.
//!
//! A [`History`] is the validated, re-gridded form of an ACD/CCaaS interval export (see
//! [`crate::ingest`] for reading one). Every [`HistoryRecord`] sits on the centre's
//! [`IntervalGrid`] (local wall-clock interval starts in the centre's time zone, so the 25-hour day in
//! October has two `01:00` intervals, `+01:00` then `+00:00`), counts are consistent (handled +
//! abandoned never exceed offered) and there is at most one record per channel and interval.
//!
//! Forecasters read a channel as a dense [`DenseSeries`]: one slot per grid interval between two
//! instants, with the local date, weekday and time of day of each slot and `None` where the export
//! has no row.
//!
//! ```
//! use chrono::TimeZone;
//! use rota_data::grid::IntervalGrid;
//! use rota_data::history::{History, HistoryRecord, IntervalCounts};
//! let grid = IntervalGrid::default(); // 15 minutes, Europe/London
//! let at = |h, m| grid.tz.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap();
//! let voice = "voice".parse().unwrap();
//! let rec = HistoryRecord::new(at(8, 0), voice, IntervalCounts::offered(12)).unwrap();
//! let history = History::new(grid, vec![rec]).unwrap();
//! let series = history.series(&"voice".parse().unwrap(), &at(8, 0), &at(9, 0));
//! assert_eq!(series.offered(), vec![Some(12.0), None, None, None]);
//! assert_eq!(series.slots[1].time_of_day.to_string(), "08:15:00");
//! ```

use std::fmt;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveTime, SecondsFormat, Timelike, Weekday};
use chrono_tz::Tz;
use flate2::write::GzEncoder;
use flate2::{Compression, GzBuilder};

use crate::channel::ChannelName;
use crate::grid::IntervalGrid;

/// The column header of every history CSV Rota writes (and the canonical names ingest accepts).
pub const CSV_HEADER: [&str; 8] = [
    "interval_start",
    "channel",
    "offered",
    "handled",
    "abandoned",
    "aht_seconds",
    "asa_seconds",
    "agents_staffed",
];

/// The measured values of one channel in one interval, as an ACD reports them.
///
/// Only `offered` is required; platforms differ in what else they export. AHT (average handle
/// time: talk + hold + after-contact work) and ASA (average speed of answer: the mean wait of
/// answered contacts) are averages over the handled contacts of the interval, in seconds;
/// `agents_staffed` is the mean number of agents logged in on the channel.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct IntervalCounts {
    /// Contacts that arrived and wanted an agent.
    pub offered: u32,
    /// Contacts an agent took.
    pub handled: Option<u32>,
    /// Contacts that left before an agent took them.
    pub abandoned: Option<u32>,
    /// Average handle time of the handled contacts, seconds.
    pub aht_seconds: Option<f64>,
    /// Average speed of answer of the handled contacts, seconds.
    pub asa_seconds: Option<f64>,
    /// Mean number of agents logged in on the channel during the interval.
    pub agents_staffed: Option<f64>,
}

impl IntervalCounts {
    /// Counts with only `offered` known.
    pub fn offered(offered: u32) -> Self {
        Self {
            offered,
            ..Self::default()
        }
    }

    /// Checks the invariants of one interval: handled + abandoned <= offered, and averages finite
    /// and non-negative.
    pub fn validate(&self) -> Result<(), RecordError> {
        let handled = self.handled.unwrap_or(0);
        let abandoned = self.abandoned.unwrap_or(0);
        if u64::from(handled) + u64::from(abandoned) > u64::from(self.offered) {
            return Err(RecordError::MoreThanOffered {
                handled,
                abandoned,
                offered: self.offered,
            });
        }
        for (field, value) in [
            ("aht_seconds", self.aht_seconds),
            ("asa_seconds", self.asa_seconds),
            ("agents_staffed", self.agents_staffed),
        ] {
            if let Some(v) = value {
                if !v.is_finite() || v < 0.0 {
                    return Err(RecordError::BadAverage { field, value: v });
                }
            }
        }
        Ok(())
    }
}

/// Why interval values are inconsistent.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecordError {
    /// More contacts were handled or abandoned than were offered.
    #[error("handled ({handled}) + abandoned ({abandoned}) exceeds offered ({offered}); expected handled + abandoned <= offered")]
    MoreThanOffered {
        /// Handled contacts (0 when unknown).
        handled: u32,
        /// Abandoned contacts (0 when unknown).
        abandoned: u32,
        /// Offered contacts.
        offered: u32,
    },
    /// An average (AHT, ASA, agents) was negative, infinite or NaN.
    #[error("{field} is {value}; expected a finite number >= 0")]
    BadAverage {
        /// The column.
        field: &'static str,
        /// The value.
        value: f64,
    },
}

/// One channel in one interval of the centre's grid. Valid by construction (see
/// [`IntervalCounts::validate`]).
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRecord {
    interval_start: DateTime<Tz>,
    channel: ChannelName,
    counts: IntervalCounts,
}

impl HistoryRecord {
    /// A record, if its counts are consistent.
    pub fn new(
        interval_start: DateTime<Tz>,
        channel: ChannelName,
        counts: IntervalCounts,
    ) -> Result<Self, RecordError> {
        counts.validate()?;
        Ok(Self {
            interval_start,
            channel,
            counts,
        })
    }

    /// Start of the interval, in the centre's local time zone.
    pub fn interval_start(&self) -> DateTime<Tz> {
        self.interval_start
    }
    /// The channel.
    pub fn channel(&self) -> &ChannelName {
        &self.channel
    }
    /// All measured values.
    pub fn counts(&self) -> &IntervalCounts {
        &self.counts
    }
    /// Contacts offered.
    pub fn offered(&self) -> u32 {
        self.counts.offered
    }
    /// Contacts handled, when exported.
    pub fn handled(&self) -> Option<u32> {
        self.counts.handled
    }
    /// Contacts abandoned, when exported.
    pub fn abandoned(&self) -> Option<u32> {
        self.counts.abandoned
    }
    /// Average handle time, seconds, when exported.
    pub fn aht_seconds(&self) -> Option<f64> {
        self.counts.aht_seconds
    }
    /// Average speed of answer, seconds, when exported.
    pub fn asa_seconds(&self) -> Option<f64> {
        self.counts.asa_seconds
    }
    /// Mean agents logged in on the channel, when exported.
    pub fn agents_staffed(&self) -> Option<f64> {
        self.counts.agents_staffed
    }
}

/// Why records do not form a [`History`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HistoryError {
    /// Two records for the same channel and interval.
    #[error("duplicate interval: channel {channel} at {start} appears more than once")]
    Duplicate {
        /// The channel.
        channel: ChannelName,
        /// The interval start (RFC 3339).
        start: String,
    },
    /// A record that does not start on an interval of the grid.
    #[error("channel {channel} at {start} is not the start of a {minutes}-minute interval")]
    Misaligned {
        /// The channel.
        channel: ChannelName,
        /// The timestamp (RFC 3339).
        start: String,
        /// The grid's interval length.
        minutes: u32,
    },
}

/// First and last interval of a history (or of one channel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Start of the first interval.
    pub first: DateTime<Tz>,
    /// Start of the last interval.
    pub last: DateTime<Tz>,
    /// End of the last interval (exclusive).
    pub end: DateTime<Tz>,
}

impl Span {
    /// Local date of the first interval.
    pub fn first_date(&self) -> NaiveDate {
        self.first.date_naive()
    }
    /// Local date of the last interval.
    pub fn last_date(&self) -> NaiveDate {
        self.last.date_naive()
    }
    /// Calendar days covered, first and last included.
    pub fn days(&self) -> i64 {
        (self.last_date() - self.first_date()).num_days() + 1
    }
}

/// Validated interval history of a centre: records on one grid, sorted by (channel, interval
/// start), at most one per channel and interval.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    grid: IntervalGrid,
    records: Vec<HistoryRecord>,
    /// Index range in `records` of each channel, in channel order.
    channels: Vec<(ChannelName, Range<usize>)>,
}

impl History {
    /// Builds a history from records in any order. Interval starts are converted to the grid's
    /// zone; records must start on an interval of the grid and be unique per channel and interval.
    pub fn new(grid: IntervalGrid, mut records: Vec<HistoryRecord>) -> Result<Self, HistoryError> {
        for r in &mut records {
            r.interval_start = r.interval_start.with_timezone(&grid.tz);
            if !grid.is_aligned(&r.interval_start) {
                return Err(HistoryError::Misaligned {
                    channel: r.channel.clone(),
                    start: rfc3339(&r.interval_start),
                    minutes: grid.length.minutes(),
                });
            }
        }
        records.sort_by(|a, b| {
            a.channel
                .cmp(&b.channel)
                .then(a.interval_start.cmp(&b.interval_start))
        });
        let mut channels: Vec<(ChannelName, Range<usize>)> = Vec::new();
        for (i, r) in records.iter().enumerate() {
            match channels.last_mut() {
                Some((name, range)) if *name == r.channel => {
                    if records[i - 1].interval_start == r.interval_start {
                        return Err(HistoryError::Duplicate {
                            channel: r.channel.clone(),
                            start: rfc3339(&r.interval_start),
                        });
                    }
                    range.end = i + 1;
                }
                _ => channels.push((r.channel.clone(), i..i + 1)),
            }
        }
        Ok(Self {
            grid,
            records,
            channels,
        })
    }

    /// The interval grid (length and time zone) of every record.
    pub fn grid(&self) -> IntervalGrid {
        self.grid
    }

    /// All records, sorted by (channel, interval start).
    pub fn records(&self) -> &[HistoryRecord] {
        &self.records
    }

    /// True when there are no records.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// The channels that have at least one record, in name order.
    pub fn channels(&self) -> Vec<ChannelName> {
        self.channels.iter().map(|(c, _)| c.clone()).collect()
    }

    /// The records of one channel, in time order (empty when the channel has none).
    pub fn channel_records(&self, channel: &ChannelName) -> &[HistoryRecord] {
        self.channels
            .iter()
            .find(|(c, _)| c == channel)
            .map(|(_, r)| &self.records[r.clone()])
            .unwrap_or(&[])
    }

    /// First and last interval over all channels (`None` when empty).
    pub fn span(&self) -> Option<Span> {
        let first = self
            .channels
            .iter()
            .map(|(_, r)| self.records[r.start].interval_start)
            .min()?;
        let last = self
            .channels
            .iter()
            .map(|(_, r)| self.records[r.end - 1].interval_start)
            .max()?;
        Some(Span {
            first,
            last,
            end: self.grid.next_start(&last),
        })
    }

    /// First and last interval of one channel (`None` when it has no records).
    pub fn channel_span(&self, channel: &ChannelName) -> Option<Span> {
        let recs = self.channel_records(channel);
        let first = recs.first()?.interval_start;
        let last = recs.last()?.interval_start;
        Some(Span {
            first,
            last,
            end: self.grid.next_start(&last),
        })
    }

    /// The dense series of one channel over the grid intervals starting in `[from, to)`: one slot
    /// per interval (DST days have 92/100 slots at 15 minutes in London), `None` where there is no
    /// record. `from` is rounded up to the next interval start when it is not on the grid.
    pub fn series(
        &self,
        channel: &ChannelName,
        from: &DateTime<Tz>,
        to: &DateTime<Tz>,
    ) -> DenseSeries {
        let starts = self.grid.intervals_between(from, to);
        let recs = self.channel_records(channel);
        let mut i =
            recs.partition_point(|r| r.interval_start < starts.first().copied().unwrap_or(*from));
        let mut slots = Vec::with_capacity(starts.len());
        let mut values = Vec::with_capacity(starts.len());
        for start in starts {
            while i < recs.len() && recs[i].interval_start < start {
                i += 1;
            }
            let value = match recs.get(i) {
                Some(r) if r.interval_start == start => Some(r.counts),
                _ => None,
            };
            slots.push(IntervalSlot::new(&self.grid, start));
            values.push(value);
        }
        DenseSeries {
            channel: channel.clone(),
            grid: self.grid,
            slots,
            values,
        }
    }

    /// The dense series of one channel over whole local days from the first to the last day of the
    /// history (all channels), so every channel's series has the same slots.
    pub fn full_series(&self, channel: &ChannelName) -> DenseSeries {
        match self.span() {
            Some(span) => {
                let from = self.grid.interval_starts(span.first_date());
                let to = span
                    .last_date()
                    .succ_opt()
                    .and_then(|d| self.grid.interval_starts(d).first().copied())
                    .unwrap_or(span.end);
                let from = from.first().copied().unwrap_or(span.first);
                self.series(channel, &from, &to)
            }
            None => DenseSeries {
                channel: channel.clone(),
                grid: self.grid,
                slots: Vec::new(),
                values: Vec::new(),
            },
        }
    }

    /// The dense series of one channel over the local dates `first..=last` (whole days, so DST
    /// days have 92/100 slots at 15 minutes in London).
    pub fn series_for_dates(
        &self,
        channel: &ChannelName,
        first: NaiveDate,
        last: NaiveDate,
    ) -> DenseSeries {
        let starts = self.grid.interval_starts_in_dates(first, last);
        match (starts.first(), starts.last()) {
            (Some(from), Some(to)) => {
                let to = self.grid.next_start(to);
                self.series(channel, from, &to)
            }
            _ => DenseSeries {
                channel: channel.clone(),
                grid: self.grid,
                slots: Vec::new(),
                values: Vec::new(),
            },
        }
    }

    /// Writes the history as CSV (gzip-compressed when the path ends in `.gz`). The bytes are
    /// deterministic: same history, same file (the gzip header carries no timestamp or name).
    pub fn write_csv(&self, path: impl AsRef<Path>) -> Result<(), WriteError> {
        let path = path.as_ref();
        let io = |source| WriteError {
            path: path.to_path_buf(),
            source,
        };
        let file = File::create(path).map_err(io)?;
        let out = BufWriter::new(file);
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
        {
            let gz: GzEncoder<BufWriter<File>> =
                GzBuilder::new().mtime(0).write(out, Compression::default());
            let gz = self.write_csv_to(gz).map_err(io)?;
            let mut out = gz.finish().map_err(io)?;
            out.flush().map_err(io)?;
        } else {
            let mut out = self.write_csv_to(out).map_err(io)?;
            out.flush().map_err(io)?;
        }
        Ok(())
    }

    /// Writes the history as CSV to any writer and gives the writer back.
    pub fn write_csv_to<W: Write>(&self, mut w: W) -> std::io::Result<W> {
        writeln!(w, "{}", CSV_HEADER.join(","))?;
        for r in &self.records {
            let c = &r.counts;
            writeln!(
                w,
                "{},{},{},{},{},{},{},{}",
                rfc3339(&r.interval_start),
                r.channel,
                c.offered,
                Opt(c.handled),
                Opt(c.abandoned),
                Opt(c.aht_seconds),
                Opt(c.asa_seconds),
                Opt(c.agents_staffed),
            )?;
        }
        Ok(w)
    }
}

/// Prints `Some(x)` as `x` (shortest round-trip form for floats) and `None` as an empty cell.
struct Opt<T>(Option<T>);

impl<T: fmt::Display> fmt::Display for Opt<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(v) => write!(f, "{v}"),
            None => Ok(()),
        }
    }
}

/// RFC 3339 with the local offset and whole seconds, e.g. `2026-11-23T08:00:00+00:00`.
pub fn rfc3339(t: &DateTime<Tz>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// A history file could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {source}", path.display())]
pub struct WriteError {
    /// The file.
    pub path: PathBuf,
    /// The I/O error.
    #[source]
    pub source: std::io::Error,
}

/// Where an interval sits in the centre's calendar: what seasonal forecasters key on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntervalSlot {
    /// Interval start, local time zone.
    pub start: DateTime<Tz>,
    /// Local calendar date.
    pub date: NaiveDate,
    /// Local weekday.
    pub weekday: Weekday,
    /// Local wall-clock time of the start (the repeated hour in October gives the same time
    /// twice).
    pub time_of_day: NaiveTime,
    /// `time_of_day` in interval units since midnight (0..96 at 15 minutes): a "same time of
    /// day" key for intraday profiles.
    pub slot_of_day: usize,
}

impl IntervalSlot {
    /// The slot of interval start `start` on `grid`.
    pub fn new(grid: &IntervalGrid, start: DateTime<Tz>) -> Self {
        let local = start.with_timezone(&grid.tz);
        let wall = local.naive_local();
        let time_of_day = wall.time();
        let minute = time_of_day.hour() * 60 + time_of_day.minute();
        Self {
            start: local,
            date: wall.date(),
            weekday: chrono::Datelike::weekday(&wall.date()),
            time_of_day,
            slot_of_day: (minute / grid.length.minutes()) as usize,
        }
    }
}

/// A channel's history as a dense series over the grid: `slots[i]` is the interval, `values[i]`
/// its counts or `None` when the export had no row for it.
#[derive(Debug, Clone, PartialEq)]
pub struct DenseSeries {
    /// The channel.
    pub channel: ChannelName,
    /// The grid of the slots.
    pub grid: IntervalGrid,
    /// One entry per grid interval, in time order.
    pub slots: Vec<IntervalSlot>,
    /// Counts per slot, `None` where missing.
    pub values: Vec<Option<IntervalCounts>>,
}

impl DenseSeries {
    /// Number of slots.
    pub fn len(&self) -> usize {
        self.slots.len()
    }
    /// True when there are no slots.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
    /// Number of slots that have a record.
    pub fn observed(&self) -> usize {
        self.values.iter().filter(|v| v.is_some()).count()
    }
    /// Offered per slot as `f64`, `None` where missing.
    pub fn offered(&self) -> Vec<Option<f64>> {
        self.values
            .iter()
            .map(|v| v.map(|c| f64::from(c.offered)))
            .collect()
    }
    /// Handled per slot, `None` where missing or not exported.
    pub fn handled(&self) -> Vec<Option<f64>> {
        self.values
            .iter()
            .map(|v| v.and_then(|c| c.handled).map(f64::from))
            .collect()
    }
    /// Abandoned per slot, `None` where missing or not exported.
    pub fn abandoned(&self) -> Vec<Option<f64>> {
        self.values
            .iter()
            .map(|v| v.and_then(|c| c.abandoned).map(f64::from))
            .collect()
    }
    /// AHT (seconds) per slot, `None` where missing or not exported.
    pub fn aht_seconds(&self) -> Vec<Option<f64>> {
        self.values
            .iter()
            .map(|v| v.and_then(|c| c.aht_seconds))
            .collect()
    }
    /// ASA (seconds) per slot, `None` where missing or not exported.
    pub fn asa_seconds(&self) -> Vec<Option<f64>> {
        self.values
            .iter()
            .map(|v| v.and_then(|c| c.asa_seconds))
            .collect()
    }
    /// Agents staffed per slot, `None` where missing or not exported.
    pub fn agents_staffed(&self) -> Vec<Option<f64>> {
        self.values
            .iter()
            .map(|v| v.and_then(|c| c.agents_staffed))
            .collect()
    }
    /// Slots and values together.
    pub fn iter(&self) -> impl Iterator<Item = (&IntervalSlot, Option<&IntervalCounts>)> {
        self.slots
            .iter()
            .zip(self.values.iter().map(Option::as_ref))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::IntervalLength;
    use chrono::{Duration, TimeZone};

    fn voice() -> ChannelName {
        "voice".parse().unwrap()
    }

    fn london() -> IntervalGrid {
        IntervalGrid::new(IntervalLength::M15, chrono_tz::Europe::London)
    }

    #[test]
    fn record_validation() {
        let t = london().tz.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap();
        let bad = IntervalCounts {
            offered: 5,
            handled: Some(4),
            abandoned: Some(2),
            ..IntervalCounts::default()
        };
        assert!(matches!(
            HistoryRecord::new(t, voice(), bad),
            Err(RecordError::MoreThanOffered { .. })
        ));
        let nan = IntervalCounts {
            aht_seconds: Some(f64::NAN),
            ..IntervalCounts::offered(1)
        };
        assert!(HistoryRecord::new(t, voice(), nan).is_err());
        let neg = IntervalCounts {
            agents_staffed: Some(-1.0),
            ..IntervalCounts::offered(1)
        };
        assert!(HistoryRecord::new(t, voice(), neg).is_err());
    }

    #[test]
    fn history_rejects_duplicates_and_misaligned() {
        let g = london();
        let t = g.tz.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap();
        let r = HistoryRecord::new(t, voice(), IntervalCounts::offered(1)).unwrap();
        assert!(matches!(
            History::new(g, vec![r.clone(), r.clone()]),
            Err(HistoryError::Duplicate { .. })
        ));
        let off = HistoryRecord::new(
            t + Duration::minutes(5),
            voice(),
            IntervalCounts::offered(1),
        )
        .unwrap();
        assert!(matches!(
            History::new(g, vec![off]),
            Err(HistoryError::Misaligned { .. })
        ));
    }

    #[test]
    fn series_over_autumn_dst_day_has_100_slots() {
        let g = london();
        let date = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
        let starts = g.interval_starts(date);
        let recs = starts
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == 0)
            .map(|(i, s)| {
                HistoryRecord::new(*s, voice(), IntervalCounts::offered(i as u32)).unwrap()
            })
            .collect();
        let h = History::new(g, recs).unwrap();
        let s = h.full_series(&voice());
        assert_eq!(s, h.series_for_dates(&voice(), date, date));
        assert_eq!(
            h.series_for_dates(&voice(), date.succ_opt().unwrap(), date)
                .len(),
            0
        );
        assert_eq!(s.len(), 100);
        assert_eq!(s.observed(), 50);
        assert_eq!(s.offered()[8], Some(8.0));
        assert_eq!(s.offered()[9], None);
        // 01:00 occurs twice: slot 4 (BST) and slot 8 (GMT).
        assert_eq!(s.slots[4].time_of_day, s.slots[8].time_of_day);
        assert_eq!(s.slots[4].slot_of_day, 4);
        assert_eq!(s.slots[0].weekday, Weekday::Sun);
        let span = h.span().unwrap();
        assert_eq!(span.days(), 1);
        assert_eq!(rfc3339(&span.last), "2026-10-25T23:30:00+00:00");
        assert_eq!(rfc3339(&span.end), "2026-10-25T23:45:00+00:00");
    }

    #[test]
    fn csv_is_deterministic_and_gz_has_no_mtime() {
        let g = london();
        let t = g.tz.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).unwrap();
        let rec = HistoryRecord::new(
            t,
            voice(),
            IntervalCounts {
                offered: 10,
                handled: Some(6),
                abandoned: Some(4),
                aht_seconds: Some(912.5),
                asa_seconds: None,
                agents_staffed: Some(3.0),
            },
        )
        .unwrap();
        let h = History::new(g, vec![rec]).unwrap();
        let bytes = h.write_csv_to(Vec::new()).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "interval_start,channel,offered,handled,abandoned,aht_seconds,asa_seconds,agents_staffed\n\
             2026-07-01T09:00:00+01:00,voice,10,6,4,912.5,,3\n"
        );
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv.gz");
        let b = dir.path().join("b.csv.gz");
        h.write_csv(&a).unwrap();
        h.write_csv(&b).unwrap();
        let a = std::fs::read(a).unwrap();
        assert_eq!(a, std::fs::read(b).unwrap());
        assert_eq!(&a[4..8], &[0, 0, 0, 0], "gzip mtime must be zero");
    }
}
