//! The demand (forecast) format shared by forecasting, which writes it, and staffing, which reads it.
//!
//! One row per interval and channel: the expected number of contacts offered (mean and the 10th,
//! 50th and 90th percentiles of the forecast distribution) and the expected average handle time.
//! The CSV header is exactly
//!
//! ```text
//! interval_start,channel,offered_mean,offered_p10,offered_p50,offered_p90,aht_seconds
//! 2026-11-23T08:00:00+00:00,voice,41.2,31,41,52,905
//! ```
//!
//! with timestamps in RFC 3339 with the offset in force locally (so both 01:15 rows of the day the
//! clocks go back are distinct). Files ending `.gz` are gzip-compressed. A [`DemandSeries`] is
//! valid by construction: counts are finite and non-negative, `p10 <= p50 <= p90`, the AHT is
//! positive whenever contacts are expected, rows are sorted and there are no duplicate
//! (interval, channel) pairs.
//!
//! ```
//! use chrono::DateTime;
//! use rota_data::demand::{DemandRecord, DemandSeries};
//! let t = DateTime::parse_from_rfc3339("2026-11-23T08:00:00+00:00").unwrap();
//! let r = DemandRecord::new(t, "voice".parse().unwrap(), 41.2, 31.0, 41.0, 52.0, 905.0).unwrap();
//! let series = DemandSeries::new(vec![r]).unwrap();
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("forecast.csv.gz");
//! series.write_csv(&path).unwrap();
//! assert_eq!(DemandSeries::read_csv(&path).unwrap(), series);
//! ```

use std::collections::BTreeSet;
use std::fmt;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, SecondsFormat, TimeZone};
use serde::{Deserialize, Serialize};

use crate::channel::ChannelName;
use crate::config::{CentreConfig, DemandQuantile};
use crate::grid::IntervalGrid;

/// The header of a demand CSV, in order.
pub const DEMAND_HEADER: [&str; 7] = [
    "interval_start",
    "channel",
    "offered_mean",
    "offered_p10",
    "offered_p50",
    "offered_p90",
    "aht_seconds",
];

/// Most problems listed for one file before reading stops.
pub const MAX_PROBLEMS: usize = 50;

/// Offered contacts above this in one row of a forecast file are an error: the most one interval
/// of history may hold ([`MAX_OFFERED_PER_INTERVAL`](crate::ingest::MAX_OFFERED_PER_INTERVAL))
/// times the largest special-day volume factor
/// ([`MAX_VOLUME_FACTOR`](crate::config::MAX_VOLUME_FACTOR)), so every forecast Rota writes reads
/// back, and a `1e300` never reaches staffing.
pub const MAX_FORECAST_OFFERED: f64 =
    crate::ingest::MAX_OFFERED_PER_INTERVAL as f64 * crate::config::MAX_VOLUME_FACTOR;

/// Rows above this in one forecast file are an error (and reading stops): 92 days (the longest
/// `rota forecast --days`) of 15-minute intervals on 50 channels is 441,600 rows, so this only
/// stops a file no forecast wrote, in bounded memory and time.
pub const MAX_FORECAST_ROWS: usize = 500_000;

/// One problem in demand data: where (line, column) and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemandProblem {
    /// 1-based line of the CSV file (the header is line 1), when known.
    pub line: Option<u64>,
    /// Column name, when the problem is in one cell.
    pub column: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for DemandProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.line, &self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            (None, Some(c)) => write!(f, "column {c}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

/// Why demand data could not be read, built or written.
#[derive(Debug, thiserror::Error)]
pub enum DemandError {
    /// The file could not be opened, read or written.
    #[error("cannot {action} demand file {}: {source}", path.display())]
    Io {
        /// `read` or `write`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file has problems; every one found (up to [`MAX_PROBLEMS`]) is listed.
    #[error("{} has {} problem{}:\n{}", path.display(), problems.len(), if problems.len() == 1 { "" } else { "s" },
        problems.iter().map(|p| format!("  {}: {p}", path.display())).collect::<Vec<_>>().join("\n"))]
    File {
        /// The file.
        path: PathBuf,
        /// The problems.
        problems: Vec<DemandProblem>,
    },
    /// Records given in code are not valid.
    #[error("invalid demand data:\n{}", .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<DemandProblem>),
}

impl DemandError {
    /// The problems (empty for I/O errors).
    pub fn problems(&self) -> &[DemandProblem] {
        match self {
            DemandError::File { problems, .. } | DemandError::Invalid(problems) => problems,
            DemandError::Io { .. } => &[],
        }
    }
}

/// Expected demand of one channel in one interval. Valid by construction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawDemandRecord", into = "RawDemandRecord")]
pub struct DemandRecord {
    interval_start: DateTime<FixedOffset>,
    channel: ChannelName,
    offered_mean: f64,
    offered_p10: f64,
    offered_p50: f64,
    offered_p90: f64,
    aht_seconds: f64,
}

/// The plain row shape (serde and CSV).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct RawDemandRecord {
    interval_start: DateTime<FixedOffset>,
    channel: ChannelName,
    offered_mean: f64,
    offered_p10: f64,
    offered_p50: f64,
    offered_p90: f64,
    aht_seconds: f64,
}

impl TryFrom<RawDemandRecord> for DemandRecord {
    type Error = String;
    fn try_from(r: RawDemandRecord) -> Result<Self, String> {
        DemandRecord::new(
            r.interval_start,
            r.channel,
            r.offered_mean,
            r.offered_p10,
            r.offered_p50,
            r.offered_p90,
            r.aht_seconds,
        )
        .map_err(|(col, msg)| format!("{col}: {msg}"))
    }
}

impl From<DemandRecord> for RawDemandRecord {
    fn from(r: DemandRecord) -> Self {
        RawDemandRecord {
            interval_start: r.interval_start,
            channel: r.channel,
            offered_mean: r.offered_mean,
            offered_p10: r.offered_p10,
            offered_p50: r.offered_p50,
            offered_p90: r.offered_p90,
            aht_seconds: r.aht_seconds,
        }
    }
}

impl DemandRecord {
    /// Builds a record, checking the value rules; the error names the offending column.
    ///
    /// ```
    /// use chrono::DateTime;
    /// use rota_data::demand::DemandRecord;
    /// let t = DateTime::parse_from_rfc3339("2026-11-23T08:00:00+00:00").unwrap();
    /// let voice = "voice".parse().unwrap();
    /// assert!(DemandRecord::new(t, voice, 10.0, 12.0, 10.0, 14.0, 600.0).is_err()); // p10 > p50
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn new<Z: TimeZone>(
        interval_start: DateTime<Z>,
        channel: ChannelName,
        offered_mean: f64,
        offered_p10: f64,
        offered_p50: f64,
        offered_p90: f64,
        aht_seconds: f64,
    ) -> Result<Self, (&'static str, String)> {
        for (col, v) in [
            ("offered_mean", offered_mean),
            ("offered_p10", offered_p10),
            ("offered_p50", offered_p50),
            ("offered_p90", offered_p90),
            ("aht_seconds", aht_seconds),
        ] {
            if !v.is_finite() || v < 0.0 {
                return Err((
                    col,
                    format!("{v} is not valid; expected a finite number >= 0"),
                ));
            }
        }
        if offered_p10 > offered_p50 {
            return Err((
                "offered_p10",
                format!("p10 {offered_p10} is above p50 {offered_p50}; expected p10 <= p50 <= p90"),
            ));
        }
        if offered_p50 > offered_p90 {
            return Err((
                "offered_p90",
                format!("p90 {offered_p90} is below p50 {offered_p50}; expected p10 <= p50 <= p90"),
            ));
        }
        if aht_seconds <= 0.0 && (offered_mean > 0.0 || offered_p90 > 0.0) {
            return Err(("aht_seconds", "0 is not valid when contacts are expected; expected a positive handle time in seconds".to_string()));
        }
        Ok(Self {
            interval_start: interval_start.fixed_offset(),
            channel,
            offered_mean,
            offered_p10,
            offered_p50,
            offered_p90,
            aht_seconds,
        })
    }

    /// Start of the interval, with the local offset in force.
    pub fn interval_start(&self) -> DateTime<FixedOffset> {
        self.interval_start
    }
    /// The channel.
    pub fn channel(&self) -> &ChannelName {
        &self.channel
    }
    /// Expected contacts offered (mean of the forecast distribution).
    pub fn offered_mean(&self) -> f64 {
        self.offered_mean
    }
    /// 10th percentile of contacts offered.
    pub fn offered_p10(&self) -> f64 {
        self.offered_p10
    }
    /// Median of contacts offered.
    pub fn offered_p50(&self) -> f64 {
        self.offered_p50
    }
    /// 90th percentile of contacts offered.
    pub fn offered_p90(&self) -> f64 {
        self.offered_p90
    }
    /// The offered figure staffing plans to, per the configured [`DemandQuantile`].
    pub fn offered(&self, q: DemandQuantile) -> f64 {
        match q {
            DemandQuantile::Mean => self.offered_mean,
            DemandQuantile::P10 => self.offered_p10,
            DemandQuantile::P50 => self.offered_p50,
            DemandQuantile::P90 => self.offered_p90,
        }
    }
    /// Expected average handle time, seconds (0 only when no contacts are expected).
    pub fn aht_seconds(&self) -> f64 {
        self.aht_seconds
    }
    /// Offered load in Erlangs over an interval of `interval_seconds`: `offered * AHT / interval`.
    pub fn load_erlangs(&self, q: DemandQuantile, interval_seconds: f64) -> f64 {
        self.offered(q) * self.aht_seconds / interval_seconds
    }
}

/// Demand of one or more channels over a run of intervals: sorted by (interval start, channel),
/// without duplicates.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(try_from = "Vec<DemandRecord>", into = "Vec<DemandRecord>")]
pub struct DemandSeries {
    records: Vec<DemandRecord>,
}

impl TryFrom<Vec<DemandRecord>> for DemandSeries {
    type Error = DemandError;
    fn try_from(v: Vec<DemandRecord>) -> Result<Self, DemandError> {
        DemandSeries::new(v)
    }
}

impl From<DemandSeries> for Vec<DemandRecord> {
    fn from(s: DemandSeries) -> Self {
        s.records
    }
}

fn sort_key(r: &DemandRecord) -> (i64, u32, &str) {
    (
        r.interval_start.timestamp(),
        r.interval_start.timestamp_subsec_nanos(),
        r.channel.as_str(),
    )
}

impl DemandSeries {
    /// Sorts `records` and checks for duplicate (interval, channel) pairs.
    pub fn new(mut records: Vec<DemandRecord>) -> Result<Self, DemandError> {
        records.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
        let problems: Vec<DemandProblem> = records
            .windows(2)
            .filter(|w| sort_key(&w[0]) == sort_key(&w[1]))
            .take(MAX_PROBLEMS)
            .map(|w| DemandProblem {
                line: None,
                column: None,
                message: format!(
                    "duplicate demand for channel {} at {}",
                    w[0].channel,
                    rfc3339(&w[0].interval_start)
                ),
            })
            .collect();
        if problems.is_empty() {
            Ok(Self { records })
        } else {
            Err(DemandError::Invalid(problems))
        }
    }

    /// Like [`Self::new`], and also checks that every interval start lies on `grid`.
    pub fn new_on_grid(
        records: Vec<DemandRecord>,
        grid: &IntervalGrid,
    ) -> Result<Self, DemandError> {
        let s = Self::new(records)?;
        let problems = s.off_grid(grid, &[]);
        if problems.is_empty() {
            Ok(s)
        } else {
            Err(DemandError::Invalid(problems))
        }
    }

    fn off_grid(&self, grid: &IntervalGrid, lines: &[u64]) -> Vec<DemandProblem> {
        self.records
            .iter()
            .enumerate()
            .filter(|(_, r)| !grid.is_aligned(&r.interval_start))
            .take(MAX_PROBLEMS)
            .map(|(i, r)| DemandProblem {
                line: lines.get(i).copied(),
                column: Some("interval_start".into()),
                message: format!(
                    "{} is not the start of a {}-minute interval in {}",
                    rfc3339(&r.interval_start),
                    grid.length.minutes(),
                    grid.tz
                ),
            })
            .collect()
    }

    /// All records, sorted by interval start then channel.
    pub fn records(&self) -> &[DemandRecord] {
        &self.records
    }
    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }
    /// True when there are no records.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
    /// The channels present, sorted.
    pub fn channels(&self) -> Vec<ChannelName> {
        self.records
            .iter()
            .map(|r| r.channel.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }
    /// The records of one channel, in time order.
    pub fn for_channel<'a>(
        &'a self,
        channel: &'a ChannelName,
    ) -> impl Iterator<Item = &'a DemandRecord> + 'a {
        self.records.iter().filter(move |r| &r.channel == channel)
    }
    /// First and last interval start, if any.
    pub fn span(&self) -> Option<(DateTime<FixedOffset>, DateTime<FixedOffset>)> {
        Some((
            self.records.first()?.interval_start,
            self.records.last()?.interval_start,
        ))
    }
    /// The records, consuming the series.
    pub fn into_records(self) -> Vec<DemandRecord> {
        self.records
    }

    /// Reads a demand CSV (or CSV.gz when the path ends `.gz`), listing every problem found with
    /// its line and column.
    ///
    /// ```no_run
    /// let demand = rota_data::demand::DemandSeries::read_csv("forecast.csv").unwrap();
    /// for r in demand.records() {
    ///     println!("{} {} {:.1}", r.interval_start(), r.channel(), r.offered_mean());
    /// }
    /// ```
    #[tracing::instrument(level = "debug", skip_all, fields(path = %path.as_ref().display()))]
    pub fn read_csv(path: impl AsRef<Path>) -> Result<Self, DemandError> {
        let path = path.as_ref();
        Self::read_from(open_reader(path)?, path).map(|(s, _)| s)
    }

    /// Reads a demand CSV and checks that every interval start lies on `grid`.
    pub fn read_csv_on_grid(
        path: impl AsRef<Path>,
        grid: &IntervalGrid,
    ) -> Result<Self, DemandError> {
        let path = path.as_ref();
        Self::read_on_grid_from(open_reader(path)?, path, grid)
    }

    /// [`DemandSeries::read_csv_on_grid`] over any reader of plain CSV text; `label` names the
    /// source in errors (an upload's name, say), so nothing needs a temporary file.
    pub fn read_on_grid_from<R: Read>(
        reader: R,
        label: impl AsRef<Path>,
        grid: &IntervalGrid,
    ) -> Result<Self, DemandError> {
        Self::read_checked(reader, label.as_ref(), |s, lines| s.off_grid(grid, lines))
    }

    /// Reads a forecast for `config`'s centre: every interval start on its grid and every channel
    /// one it defines; an unknown channel is named with the file and the first line it is on,
    /// beside the channels the configuration has.
    pub fn read_csv_for(
        path: impl AsRef<Path>,
        config: &CentreConfig,
    ) -> Result<Self, DemandError> {
        let path = path.as_ref();
        Self::read_for_from(open_reader(path)?, path, config)
    }

    /// [`DemandSeries::read_csv_for`] over any reader of plain CSV text; `label` names the source
    /// in errors.
    pub fn read_for_from<R: Read>(
        reader: R,
        label: impl AsRef<Path>,
        config: &CentreConfig,
    ) -> Result<Self, DemandError> {
        let grid = config.grid();
        Self::read_checked(reader, label.as_ref(), |s, lines| {
            let mut problems = s.off_grid(&grid, lines);
            problems.extend(s.unknown_channels(config, lines));
            problems.sort_by_key(|p| p.line);
            problems.truncate(MAX_PROBLEMS);
            problems
        })
    }

    /// Reads the file, then lists what `check` finds wrong with the series (given each record's
    /// source line): an error naming `path` unless it finds nothing.
    fn read_checked<R: Read>(
        reader: R,
        path: &Path,
        check: impl FnOnce(&Self, &[u64]) -> Vec<DemandProblem>,
    ) -> Result<Self, DemandError> {
        let (s, lines) = Self::read_from(reader, path)?;
        let problems = check(&s, &lines);
        if problems.is_empty() {
            Ok(s)
        } else {
            Err(DemandError::File {
                path: path.to_path_buf(),
                problems,
            })
        }
    }

    /// One problem per channel `config` does not define, on the first line that has it.
    fn unknown_channels(&self, config: &CentreConfig, lines: &[u64]) -> Vec<DemandProblem> {
        let mut first: std::collections::BTreeMap<&ChannelName, (u64, usize)> = Default::default();
        for (i, r) in self.records.iter().enumerate() {
            if config.channel(r.channel.as_str()).is_none() {
                let line = lines.get(i).copied().unwrap_or(0);
                let e = first.entry(&r.channel).or_insert((line, 0));
                e.0 = e.0.min(line);
                e.1 += 1;
            }
        }
        let known: Vec<String> = config
            .channel_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        first
            .into_iter()
            .map(|(channel, (line, rows))| DemandProblem {
                line: (line > 0).then_some(line),
                column: Some("channel".into()),
                message: format!(
                    "`{channel}` ({rows} row{}) is not a channel of the centre configuration; \
                     expected one of {}",
                    if rows == 1 { "" } else { "s" },
                    known.join(", ")
                ),
            })
            .collect()
    }

    /// Reads demand CSV text from any reader; `path` only labels errors. Returns the series and
    /// the source line of each (sorted) record.
    fn read_from<R: Read>(reader: R, path: &Path) -> Result<(Self, Vec<u64>), DemandError> {
        let fail = |problems: Vec<DemandProblem>| DemandError::File {
            path: path.to_path_buf(),
            problems,
        };
        // Our own newline index gives the line numbers: csv's count is off by one on CRLF files.
        let lines = crate::line_index::LineIndex::default();
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(csv::Trim::All)
            .from_reader(lines.wrap(reader));
        let headers = rdr
            .headers()
            .map_err(|e| {
                fail(vec![DemandProblem {
                    line: Some(1),
                    column: None,
                    message: format!(
                        "cannot read the header: {}",
                        crate::line_index::csv_problem(&e)
                    ),
                }])
            })?
            .clone();
        let found: Vec<&str> = headers.iter().collect();
        if found != DEMAND_HEADER {
            return Err(fail(vec![DemandProblem {
                line: Some(1),
                column: None,
                message: format!(
                    "header is {}; expected exactly {}",
                    crate::ingest::shown(&found.join(",")),
                    DEMAND_HEADER.join(",")
                ),
            }]));
        }
        let mut problems = Vec::new();
        let mut rows: Vec<(DemandRecord, u64)> = Vec::new();
        let mut volume_only = BTreeSet::new();
        for (i, result) in rdr.records().enumerate() {
            if problems.len() >= MAX_PROBLEMS {
                break;
            }
            if i >= MAX_FORECAST_ROWS {
                // A bound on memory whatever the file (a gzip of one row repeated, say).
                problems.push(DemandProblem {
                    line: None,
                    column: None,
                    message: format!(
                        "more than {} rows, the most Rota reads from one forecast (92 days of \
                         15-minute intervals on 50 channels is 441,600)",
                        crate::summary::thousands(MAX_FORECAST_ROWS as u64)
                    ),
                });
                break;
            }
            let row = match result {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map(|p| lines.line_of(p.byte()));
                    problems.push(DemandProblem {
                        line,
                        column: None,
                        message: format!("malformed CSV: {}", crate::line_index::csv_problem(&e)),
                    });
                    continue;
                }
            };
            let line = row.position().map_or(0, |p| lines.line_of(p.byte()));
            let mut cell_problem = |col: &str, message: String| {
                problems.push(DemandProblem {
                    line: Some(line),
                    column: Some(col.to_string()),
                    message,
                });
            };
            if row.len() != DEMAND_HEADER.len() {
                problems.push(DemandProblem {
                    line: Some(line),
                    column: None,
                    message: format!("{} fields; expected {}", row.len(), DEMAND_HEADER.len()),
                });
                continue;
            }
            let start = DateTime::parse_from_rfc3339(&row[0]).map_err(|_| {
                format!("{} is not a timestamp; expected RFC 3339 with offset, e.g. 2026-11-23T08:00:00+00:00", crate::ingest::shown(&row[0]))
            });
            let start = start.map_err(|m| cell_problem("interval_start", m)).ok();
            let channel = ChannelName::parse(&row[1])
                .map_err(|e| cell_problem("channel", e.to_string()))
                .ok();
            let mut nums = [0.0f64; 5];
            let mut nums_ok = true;
            for (i, n) in nums.iter_mut().enumerate() {
                let col = DEMAND_HEADER[i + 2];
                if col == "aht_seconds" && row[i + 2].is_empty() {
                    nums_ok = false;
                    // Said once per channel: every row of a volume forecast is empty here.
                    if !volume_only.insert(row[1].to_string()) {
                        continue;
                    }
                    cell_problem(
                        col,
                        format!(
                            "empty: this is a volume-only forecast (its history had no handle \
                             time and the configuration sets none), and staffing needs one; set \
                             `aht_seconds` under [channels.{}] in the centre configuration, or map \
                             the export's AHT column, and forecast again (the channel's later rows \
                             are empty too)",
                            &row[1]
                        ),
                    );
                    continue;
                }
                match row[i + 2].parse::<f64>() {
                    Ok(v) => *n = v,
                    Err(_) => {
                        nums_ok = false;
                        cell_problem(
                            col,
                            format!(
                                "{} is not a number; expected a number >= 0",
                                crate::ingest::shown(&row[i + 2])
                            ),
                        );
                    }
                }
            }
            for (i, &v) in nums.iter().enumerate() {
                if let Some(m) = implausible(DEMAND_HEADER[i + 2], v, &row[i + 2]) {
                    nums_ok = false;
                    cell_problem(DEMAND_HEADER[i + 2], m);
                }
            }
            if let (Some(start), Some(channel), true) = (start, channel, nums_ok) {
                match DemandRecord::new(start, channel, nums[0], nums[1], nums[2], nums[3], nums[4])
                {
                    Ok(r) => rows.push((r, line)),
                    Err((col, m)) => cell_problem(col, m),
                }
            }
        }
        rows.sort_by(|a, b| sort_key(&a.0).cmp(&sort_key(&b.0)));
        for w in rows.windows(2) {
            if problems.len() >= MAX_PROBLEMS {
                break;
            }
            if sort_key(&w[0].0) == sort_key(&w[1].0) {
                let (first, second) = (w[0].1.min(w[1].1), w[0].1.max(w[1].1));
                problems.push(DemandProblem {
                    line: Some(second),
                    column: None,
                    message: format!(
                        "duplicate of line {first}: channel {} at {} appears twice",
                        w[0].0.channel,
                        rfc3339(&w[0].0.interval_start)
                    ),
                });
            }
        }
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.line);
            return Err(fail(problems));
        }
        let lines = rows.iter().map(|(_, l)| *l).collect();
        Ok((
            Self {
                records: rows.into_iter().map(|(r, _)| r).collect(),
            },
            lines,
        ))
    }

    /// Writes the series as CSV (gzip-compressed when the path ends `.gz`).
    #[tracing::instrument(level = "debug", skip_all, fields(path = %path.as_ref().display(), rows = self.records.len()))]
    pub fn write_csv(&self, path: impl AsRef<Path>) -> Result<(), DemandError> {
        write_lines_csv(path, self.lines())
    }

    /// Writes the CSV text (header + rows) to any writer.
    pub fn write_to<W: Write>(&self, w: &mut W) -> std::io::Result<()> {
        write_lines(w, self.lines())
    }

    /// The records as lines of the file.
    fn lines(&self) -> impl Iterator<Item = DemandLine<'_>> {
        self.records.iter().map(|r| DemandLine {
            interval_start: r.interval_start,
            channel: r.channel.as_str(),
            offered: [r.offered_mean, r.offered_p10, r.offered_p50, r.offered_p90],
            aht_seconds: Some(r.aht_seconds),
        })
    }
}

/// One line of a forecast file as written. Unlike a [`DemandRecord`], the handle time may be
/// missing: a volume forecast made from a counts-only history (no AHT column, none configured) is
/// still a forecast a planner can read, chart and compare with what happened. Its `aht_seconds`
/// cells are left empty, and reading it back for staffing says how to give a handle time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemandLine<'a> {
    /// Interval start with the offset in force locally.
    pub interval_start: DateTime<FixedOffset>,
    /// Channel name.
    pub channel: &'a str,
    /// Offered mean, P10, P50, P90.
    pub offered: [f64; 4],
    /// Expected AHT in seconds, when known.
    pub aht_seconds: Option<f64>,
}

/// Writes the header and `lines` as demand CSV to any writer (the one writer of the format).
pub fn write_lines<'a, W: Write>(
    w: &mut W,
    lines: impl IntoIterator<Item = DemandLine<'a>>,
) -> std::io::Result<()> {
    writeln!(w, "{}", DEMAND_HEADER.join(","))?;
    for l in lines {
        let [mean, p10, p50, p90] = l.offered;
        write!(
            w,
            "{},{},{mean},{p10},{p50},{p90},",
            rfc3339(&l.interval_start),
            l.channel,
        )?;
        match l.aht_seconds {
            Some(a) => writeln!(w, "{a}")?,
            None => writeln!(w)?,
        }
    }
    Ok(())
}

/// Writes `lines` as demand CSV to `path` (gzip-compressed when it ends `.gz`).
pub fn write_lines_csv<'a>(
    path: impl AsRef<Path>,
    lines: impl IntoIterator<Item = DemandLine<'a>>,
) -> Result<(), DemandError> {
    let path = path.as_ref();
    let io = |source| DemandError::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    };
    let file = File::create(path).map_err(io)?;
    if is_gz(path) {
        let mut gz =
            flate2::write::GzEncoder::new(BufWriter::new(file), flate2::Compression::default());
        write_lines(&mut gz, lines).map_err(io)?;
        gz.finish().map_err(io)?.flush().map_err(io)
    } else {
        let mut w = BufWriter::new(file);
        write_lines(&mut w, lines).map_err(io)?;
        w.flush().map_err(io)
    }
}

fn is_gz(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// RFC 3339 with an explicit offset (`+00:00`, never `Z`), seconds precision unless the instant
/// has sub-second parts.
fn rfc3339(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

/// Opens a demand file for reading, decompressing it when the name ends `.gz`.
/// Why a forecast file's value `v` in column `col` is implausible, if it is: offered counts over
/// [`MAX_FORECAST_OFFERED`], a handle time over
/// [`MAX_AHT_SECONDS`](crate::ingest::MAX_AHT_SECONDS) (a day).
fn implausible(col: &str, v: f64, text: &str) -> Option<String> {
    let text = crate::ingest::shown(text);
    let thousands = |x: f64| crate::summary::thousands(x as u64);
    if col == "aht_seconds" {
        (v > crate::ingest::MAX_AHT_SECONDS).then(|| {
            format!(
                "{text} is implausible: over 24 hours; expected 0 to {} seconds",
                thousands(crate::ingest::MAX_AHT_SECONDS)
            )
        })
    } else {
        (v > MAX_FORECAST_OFFERED).then(|| {
            format!(
                "{text} is implausible for one interval; expected 0 to {} contacts",
                thousands(MAX_FORECAST_OFFERED)
            )
        })
    }
}

fn open_reader(path: &Path) -> Result<Box<dyn Read>, DemandError> {
    let file = File::open(path).map_err(|source| DemandError::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    })?;
    Ok(if is_gz(path) {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(file)))
    } else {
        Box::new(BufReader::new(file))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn ch(s: &str) -> ChannelName {
        ChannelName::parse(s).unwrap()
    }

    fn write(text: &str, name: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn a_volume_forecast_is_written_and_staffing_is_told_once_per_channel_how_to_give_an_aht() {
        let line = |at: &str, channel: &'static str, aht: Option<f64>| DemandLine {
            interval_start: t(at),
            channel,
            offered: [4.0, 2.0, 4.0, 7.0],
            aht_seconds: aht,
        };
        let mut text = Vec::new();
        write_lines(
            &mut text,
            [
                line("2026-11-23T08:00:00+00:00", "voice", None),
                line("2026-11-23T08:30:00+00:00", "voice", None),
                line("2026-11-23T08:00:00+00:00", "email", Some(600.0)),
                line("2026-11-23T09:00:00+00:00", "voice", None),
            ],
        )
        .unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(
            text.contains("2026-11-23T08:00:00+00:00,voice,4,2,4,7,\n"),
            "{text}"
        );
        assert!(text.contains(",email,4,2,4,7,600\n"), "{text}");
        let (_dir, path) = write(&text, "volume.csv");
        let Err(DemandError::File { problems, .. }) = DemandSeries::read_csv(&path) else {
            panic!("a volume forecast cannot be staffed");
        };
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, Some(2));
        assert_eq!(problems[0].column.as_deref(), Some("aht_seconds"));
        assert!(
            problems[0].message.contains("[channels.voice]"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn record_rules() {
        let at = t("2026-11-23T08:00:00+00:00");
        assert!(
            DemandRecord::new(at, ch("voice"), 0.0, 0.0, 0.0, 0.0, 0.0).is_ok(),
            "closed interval"
        );
        assert_eq!(
            DemandRecord::new(at, ch("voice"), -1.0, 0.0, 0.0, 0.0, 1.0)
                .unwrap_err()
                .0,
            "offered_mean"
        );
        assert_eq!(
            DemandRecord::new(at, ch("voice"), f64::NAN, 0.0, 0.0, 0.0, 1.0)
                .unwrap_err()
                .0,
            "offered_mean"
        );
        assert_eq!(
            DemandRecord::new(at, ch("voice"), 5.0, 6.0, 5.0, 7.0, 1.0)
                .unwrap_err()
                .0,
            "offered_p10"
        );
        assert_eq!(
            DemandRecord::new(at, ch("voice"), 5.0, 4.0, 5.0, 4.5, 1.0)
                .unwrap_err()
                .0,
            "offered_p90"
        );
        assert_eq!(
            DemandRecord::new(at, ch("voice"), 5.0, 4.0, 5.0, 6.0, 0.0)
                .unwrap_err()
                .0,
            "aht_seconds"
        );
        let r = DemandRecord::new(at, ch("voice"), 40.0, 30.0, 40.0, 50.0, 900.0).unwrap();
        assert_eq!(r.offered(DemandQuantile::P90), 50.0);
        assert_eq!(r.load_erlangs(DemandQuantile::Mean, 900.0), 40.0);
    }

    #[test]
    fn series_sorts_and_rejects_duplicates() {
        let a = DemandRecord::new(
            t("2026-11-23T08:15:00+00:00"),
            ch("voice"),
            1.0,
            0.0,
            1.0,
            2.0,
            60.0,
        )
        .unwrap();
        let b = DemandRecord::new(
            t("2026-11-23T08:00:00+00:00"),
            ch("voice"),
            1.0,
            0.0,
            1.0,
            2.0,
            60.0,
        )
        .unwrap();
        let c = DemandRecord::new(
            t("2026-11-23T08:00:00+00:00"),
            ch("chat"),
            1.0,
            0.0,
            1.0,
            2.0,
            60.0,
        )
        .unwrap();
        let s = DemandSeries::new(vec![a.clone(), b.clone(), c.clone()]).unwrap();
        assert_eq!(s.records(), &[c.clone(), b.clone(), a.clone()]);
        assert_eq!(s.channels(), vec![ch("chat"), ch("voice")]);
        assert_eq!(s.for_channel(&ch("voice")).count(), 2);
        // The same instant written with another offset is the same interval.
        let b2 = DemandRecord::new(
            t("2026-11-23T09:00:00+01:00"),
            ch("voice"),
            1.0,
            0.0,
            1.0,
            2.0,
            60.0,
        )
        .unwrap();
        let err = DemandSeries::new(vec![a, b, b2]).unwrap_err();
        assert!(
            err.to_string()
                .contains("duplicate demand for channel voice"),
            "{err}"
        );
    }

    #[test]
    fn grid_check() {
        let grid = IntervalGrid::default();
        let ok = DemandRecord::new(
            t("2026-11-23T08:15:00+00:00"),
            ch("voice"),
            1.0,
            0.0,
            1.0,
            2.0,
            60.0,
        )
        .unwrap();
        let off = DemandRecord::new(
            t("2026-11-23T08:20:00+00:00"),
            ch("voice"),
            1.0,
            0.0,
            1.0,
            2.0,
            60.0,
        )
        .unwrap();
        assert!(DemandSeries::new_on_grid(vec![ok.clone()], &grid).is_ok());
        let err = DemandSeries::new_on_grid(vec![ok, off], &grid).unwrap_err();
        assert!(
            err.to_string()
                .contains("not the start of a 15-minute interval"),
            "{err}"
        );
    }

    #[test]
    fn read_reports_every_problem_with_line_and_column() {
        let text =
            "interval_start,channel,offered_mean,offered_p10,offered_p50,offered_p90,aht_seconds\n\
            2026-11-23T08:00:00+00:00,voice,10,8,10,12,900\n\
            2026-11-23 08:15,voice,10,8,10,12,900\n\
            2026-11-23T08:30:00+00:00,Voice,10,8,10,12,900\n\
            2026-11-23T08:45:00+00:00,voice,ten,8,10,12,900\n\
            2026-11-23T09:00:00+00:00,voice,10,11,10,12,900\n\
            2026-11-23T08:00:00+00:00,voice,10,8,10,12,900\n\
            2026-11-23T09:15:00+00:00,voice,10,8,10\n";
        let (_d, path) = write(text, "f.csv");
        let err = DemandSeries::read_csv(&path).unwrap_err();
        let p = err.problems();
        let find = |line: u64, col: Option<&str>| {
            p.iter()
                .any(|x| x.line == Some(line) && x.column.as_deref() == col)
        };
        assert!(find(3, Some("interval_start")), "{err}");
        assert!(find(4, Some("channel")), "{err}");
        assert!(find(5, Some("offered_mean")), "{err}");
        assert!(find(6, Some("offered_p10")), "{err}");
        assert!(find(7, None), "duplicate: {err}");
        assert!(find(8, None), "short row: {err}");
        let msg = err.to_string();
        assert!(
            msg.contains("f.csv: line 3, column interval_start"),
            "{msg}"
        );
        assert!(msg.contains("RFC 3339"), "{msg}");
    }

    #[test]
    fn read_checks_header() {
        let (_d, path) = write("start,channel,offered\n", "f.csv");
        let err = DemandSeries::read_csv(&path).unwrap_err();
        assert_eq!(err.problems()[0].line, Some(1));
        assert!(
            err.to_string()
                .contains("expected exactly interval_start,channel"),
            "{err}"
        );
        let err = DemandSeries::read_csv("/nonexistent/f.csv").unwrap_err();
        assert!(err.to_string().contains("/nonexistent/f.csv"), "{err}");
    }

    #[test]
    fn read_on_grid_names_the_line() {
        let text =
            "interval_start,channel,offered_mean,offered_p10,offered_p50,offered_p90,aht_seconds\n\
            2026-11-23T08:00:00+00:00,voice,10,8,10,12,900\n\
            2026-11-23T08:05:00+00:00,voice,10,8,10,12,900\n";
        let (_d, path) = write(text, "f.csv");
        assert_eq!(DemandSeries::read_csv(&path).unwrap().len(), 2);
        let err = DemandSeries::read_csv_on_grid(&path, &IntervalGrid::default()).unwrap_err();
        assert_eq!(err.problems()[0].line, Some(3));
    }

    const HEADER: &str =
        "interval_start,channel,offered_mean,offered_p10,offered_p50,offered_p90,aht_seconds\n";

    #[test]
    fn an_unknown_channel_names_the_file_line_and_the_known_channels() {
        let config = CentreConfig::sample().unwrap();
        let text = format!(
            "{HEADER}2026-11-23T08:00:00+00:00,voice,10,8,10,12,900\n\
             2026-11-23T08:00:00+00:00,fax,3,1,3,5,200\n\
             2026-11-23T08:15:00+00:00,fax,3,1,3,5,200\n"
        );
        let err = DemandSeries::read_for_from(text.as_bytes(), "f.csv", &config).unwrap_err();
        assert_eq!(err.problems().len(), 1, "{err}");
        assert_eq!(
            err.to_string(),
            "f.csv has 1 problem:\n  f.csv: line 3, column channel: `fax` (2 rows) is not a \
             channel of the centre configuration; expected one of voice, reception, chat, email, \
             social"
        );
        let ok = format!("{HEADER}2026-11-23T08:00:00+00:00,voice,10,8,10,12,900\n");
        assert_eq!(
            DemandSeries::read_for_from(ok.as_bytes(), "f.csv", &config)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn implausible_counts_and_handle_times_are_errors_showing_the_value_as_written() {
        let text = format!(
            "{HEADER}2026-11-23T08:00:00+00:00,voice,1e300,1e300,1e300,1e300,900\n\
             2026-11-23T08:15:00+00:00,voice,30,20,30,40,1e308\n\
             2026-11-23T08:30:00+00:00,voice,10000000,9000000,10000000,10000000,86400\n"
        );
        let err = DemandSeries::read_from(text.as_bytes(), Path::new("f.csv")).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(
                "line 2, column offered_mean: \"1e300\" is implausible for one interval; \
                 expected 0 to 10,000,000 contacts"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "line 3, column aht_seconds: \"1e308\" is implausible: over 24 hours; expected 0 \
                 to 86,400 seconds"
            ),
            "{text}"
        );
        assert!(
            !text.contains("line 4"),
            "the caps themselves are accepted: {text}"
        );
    }

    #[test]
    fn a_file_over_the_row_cap_stops_with_an_error() {
        // One row repeated, as a gzip bomb would hold it: reading stops at the cap.
        let row = "2026-11-23T08:00:00+00:00,voice,1,1,1,1,900\n";
        let text = format!("{HEADER}{}", row.repeat(MAX_FORECAST_ROWS + 1));
        let err = DemandSeries::read_from(text.as_bytes(), Path::new("f.csv")).unwrap_err();
        assert!(
            err.to_string()
                .contains("more than 500,000 rows, the most Rota reads from one forecast"),
            "{err}"
        );
    }

    #[test]
    fn binary_garbage_is_said_to_be_no_csv_once() {
        let err =
            DemandSeries::read_from(&b"\xff\xfe\x00PK\x03\x04,\x01\n"[..], Path::new("f.csv"))
                .unwrap_err();
        assert_eq!(
            err.to_string(),
            "f.csv has 1 problem:\n  f.csv: line 1: cannot read the header: field 1 is not UTF-8 \
             text; expected a CSV file (from Excel: Save As, \"CSV UTF-8\")"
        );
    }

    #[test]
    fn huge_cells_are_cut_when_echoed() {
        let big = "9".repeat(5_000_000) + "x";
        let text = format!("{HEADER}2026-11-23T08:00:00+00:00,voice,{big},1,1,1,900\n");
        let err = DemandSeries::read_from(text.as_bytes(), Path::new("f.csv")).unwrap_err();
        let shown = err.to_string();
        assert!(shown.len() < 400, "{} bytes", shown.len());
        assert!(shown.contains("(5,000,001 characters)"), "{shown}");
    }

    #[test]
    fn written_timestamps_carry_the_offset() {
        let grid = IntervalGrid::default();
        let starts = grid.interval_starts(chrono::NaiveDate::from_ymd_opt(2026, 10, 25).unwrap());
        let recs = starts
            .iter()
            .map(|s| DemandRecord::new(*s, ch("voice"), 0.0, 0.0, 0.0, 0.0, 0.0).unwrap())
            .collect();
        let s = DemandSeries::new_on_grid(recs, &grid).unwrap();
        assert_eq!(s.len(), 100);
        let mut buf = Vec::new();
        s.write_to(&mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(
            text.contains("\n2026-10-25T01:15:00+01:00,voice,0,0,0,0,0\n"),
            "{text}"
        );
        assert!(
            text.contains("\n2026-10-25T01:15:00+00:00,voice,0,0,0,0,0\n"),
            "{text}"
        );
    }

    fn arb_record() -> impl Strategy<Value = DemandRecord> {
        (
            0i64..200_000,
            prop_oneof![Just("voice"), Just("chat"), Just("email")],
            0.0f64..500.0,
            0.0f64..1.0,
            0.0f64..1.0,
            1.0f64..3000.0,
            prop_oneof![Just(0i32), Just(3600)],
        )
            .prop_map(|(slot, c, p50, lo, hi, aht, off)| {
                let utc = chrono::Utc
                    .timestamp_opt(1_780_000_000 + slot * 900, 0)
                    .unwrap();
                let at = utc.with_timezone(&FixedOffset::east_opt(off).unwrap());
                let mean = p50 * (1.0 + hi / 10.0);
                DemandRecord::new(at, ch(c), mean, p50 * lo, p50, p50 * (1.0 + hi), aht).unwrap()
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// read(write(x)) == x, plain and gzip.
        #[test]
        fn csv_round_trip(recs in proptest::collection::vec(arb_record(), 0..40), gz in any::<bool>()) {
            let mut seen = BTreeSet::new();
            let recs: Vec<_> = recs.into_iter().filter(|r| seen.insert((r.interval_start.timestamp(), r.channel.clone()))).collect();
            let s = DemandSeries::new(recs).unwrap();
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(if gz { "d.csv.gz" } else { "d.csv" });
            s.write_csv(&path).unwrap();
            prop_assert_eq!(DemandSeries::read_csv(&path).unwrap(), s);
        }
    }
}
