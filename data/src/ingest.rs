//! Reading interval history exported by an ACD/CCaaS platform (CSV or CSV.gz) into a [`History`].
//!
//! The reader is forgiving about *form* and strict about *content*:
//!
//! - **Files**: plain CSV or gzip (detected by the gzip magic bytes, not the file name); a UTF-8
//!   byte-order mark is ignored.
//! - **Columns**: `interval_start`, `channel` and `offered` are required; `handled`, `abandoned`,
//!   `aht_seconds`, `asa_seconds` and `agents_staffed` are optional. Header names are matched
//!   ignoring case, spaces and punctuation, against the canonical name, built-in aliases used by
//!   common exports (`Calls Offered`, `calls`, `Answered`, `AHT`, `ASA`, `Staffed`...) and any mapping
//!   given in [`IngestOptions::columns`] (from the centre configuration or the command line).
//! - **Timestamps**: RFC 3339 with an offset (`2026-11-23T08:00:00+00:00`), local
//!   `2026-11-23 08:00[:00]`, UK `23/11/2026 08:00[:00]`, or a configured `chrono` format. Local
//!   times are read in the centre's zone: in the repeated hour when the clocks go back, the first
//!   occurrence of a wall time (per channel, in file order) is summer time and the second is winter
//!   time; wall times skipped when the clocks go forward are an error.
//! - **Re-gridding**: the source step of each channel is the most common gap between its
//!   consecutive interval starts. A step that divides the centre's interval (5, 6, 10, 15 or 30
//!   minutes into 30 or 60) is summed: counts add up, AHT and ASA are averaged weighted by handled
//!   contacts (by offered when handled is not exported) and agents staffed is time-averaged. A
//!   step that is a multiple of the interval (60 minutes into 15) is split evenly: every part gets
//!   `floor(n / k)` and the `n mod k` remaining contacts go one each to the parts in a fixed spread
//!   order (first, middle, then the quarters: 0, 2, 1, 3 for four parts). This is the
//!   largest-remainder method with its ties broken by that order; because the order is fixed, a
//!   larger count never gets a smaller part, so handled + abandoned <= offered still holds in every
//!   part. Averages (AHT, ASA, agents) are copied to every part. Any other step is an error.
//!
//! - **Channels**: export labels are mapped through the channel aliases (`"Main Queue"` ->
//!   `voice`); when several queues map to one channel, their rows for the same interval are added
//!   up (counts and agents summed, AHT/ASA weighted by handled). The same label twice in one
//!   interval is a duplicate.
//!
//! Every problem is reported, not just the first: a [`Diagnostic`] per bad cell or row with file,
//! line, column (1-based, with its name) and what was expected, capped at [`MAX_DIAGNOSTICS`] with a
//! count of the rest. No input makes the reader panic.
//!
//! ```
//! use rota_data::ingest::{read_history_from, IngestOptions};
//! let csv = "Interval Start,Channel,Calls Offered\n\
//!            2026-11-23 08:00,voice,12\n2026-11-23 08:15,voice,15\n";
//! let got = read_history_from(csv.as_bytes(), "export.csv", &IngestOptions::default()).unwrap();
//! assert_eq!(got.history.len(), 2);
//! let bad = "interval_start,channel,offered\n2026-11-23 08:00,voice,twelve\n";
//! let err = read_history_from(bad.as_bytes(), "export.csv", &IngestOptions::default()).unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "export.csv:2:3: offered: expected a whole number of contacts, found \"twelve\"\n"
//! );
//! ```

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use chrono::{
    DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
    Timelike,
};
use chrono_tz::Tz;
use flate2::read::MultiGzDecoder;

use crate::channel::ChannelName;
use crate::grid::{IntervalGrid, IntervalLength, DEFAULT_TIME_ZONE};
use crate::history::{History, HistoryRecord, IntervalCounts};
use crate::line_index::LineIndex;

/// At most this many diagnostics are kept; the rest are counted.
pub const MAX_DIAGNOSTICS: usize = 200;

/// A column Rota knows how to read from a history export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// Start of the interval (required).
    IntervalStart,
    /// Channel or queue name (required).
    Channel,
    /// Contacts offered (required).
    Offered,
    /// Contacts handled (answered).
    Handled,
    /// Contacts abandoned.
    Abandoned,
    /// Average handle time, seconds (or `[h:]mm:ss`).
    AhtSeconds,
    /// Average speed of answer, seconds (or `[h:]mm:ss`).
    AsaSeconds,
    /// Mean agents logged in on the channel.
    AgentsStaffed,
    /// The date, when the export splits the interval start into a date and a time column
    /// (CMS-style reports: `Date`, `Interval`); ISO or UK `DD/MM/YYYY`.
    Date,
    /// The time of day with [`Field::Date`]: a start (`08:00`) or a range (`08:00-08:30`).
    Time,
}

impl Field {
    /// Every field, in the canonical column order.
    pub const ALL: [Field; 10] = [
        Field::IntervalStart,
        Field::Channel,
        Field::Offered,
        Field::Handled,
        Field::Abandoned,
        Field::AhtSeconds,
        Field::AsaSeconds,
        Field::AgentsStaffed,
        Field::Date,
        Field::Time,
    ];

    /// The canonical column name (as Rota writes it).
    pub fn name(self) -> &'static str {
        match self {
            Field::IntervalStart => "interval_start",
            Field::Channel => "channel",
            Field::Offered => "offered",
            Field::Handled => "handled",
            Field::Abandoned => "abandoned",
            Field::AhtSeconds => "aht_seconds",
            Field::AsaSeconds => "asa_seconds",
            Field::AgentsStaffed => "agents_staffed",
            Field::Date => "date",
            Field::Time => "time",
        }
    }

    /// True for the columns every export must have by name. The interval start is required too,
    /// but may come as one timestamp column or as a date and a time column, so the header check
    /// asks for it separately.
    pub fn is_required(self) -> bool {
        matches!(self, Field::Channel | Field::Offered)
    }

    /// Header names recognised without any mapping (normalised: lowercase, words joined by `_`).
    pub fn builtin_aliases(self) -> &'static [&'static str] {
        match self {
            Field::IntervalStart => &[
                "interval_start",
                "interval",
                "interval_start_time",
                "start",
                "start_time",
                "timestamp",
                "datetime",
                "date_time",
                "period_start",
            ],
            Field::Channel => &[
                "channel",
                "channel_name",
                "queue",
                "queue_name",
                "skill",
                "media_type",
            ],
            Field::Offered => &[
                "offered",
                "calls_offered",
                "contacts_offered",
                "offered_calls",
                "offered_contacts",
                "calls",
                "contacts",
                "arrivals",
                "volume",
            ],
            Field::Handled => &[
                "handled",
                "answered",
                "calls_handled",
                "calls_answered",
                "contacts_handled",
                "handled_calls",
                "answered_calls",
            ],
            Field::Abandoned => &[
                "abandoned",
                "calls_abandoned",
                "contacts_abandoned",
                "abandoned_calls",
                "abandons",
            ],
            Field::AhtSeconds => &[
                "aht_seconds",
                "aht",
                "aht_s",
                "aht_secs",
                "average_handle_time",
                "avg_handle_time",
            ],
            Field::AsaSeconds => &[
                "asa_seconds",
                "asa",
                "asa_s",
                "asa_secs",
                "average_speed_of_answer",
                "avg_speed_of_answer",
            ],
            Field::AgentsStaffed => &[
                "agents_staffed",
                "staffed",
                "staffed_agents",
                "agents",
                "agents_logged_in",
                "logged_in_agents",
            ],
            Field::Date => &["date", "day", "interval_date", "report_date"],
            Field::Time => &["time", "time_interval", "interval_time", "time_of_day"],
        }
    }

    /// The field with canonical name `name` (e.g. for `--column offered=calls`).
    pub fn from_name(name: &str) -> Option<Field> {
        let n = normalise_header(name);
        Field::ALL.into_iter().find(|f| f.name() == n)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Header names to read as Rota fields, e.g. `offered` <- `"Calls Offered"`. These take precedence
/// over the built-in aliases.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMapping {
    entries: Vec<(Field, String)>,
}

/// A `FIELD=HEADER` assignment that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnMappingError {
    /// No `=` in the assignment.
    #[error("column mapping {0:?} has no '='; expected FIELD=HEADER, e.g. offered=calls")]
    NoEquals(String),
    /// The field is not one Rota reads.
    #[error("unknown field {0:?} in column mapping; expected one of interval_start, channel, offered, handled, abandoned, aht_seconds, asa_seconds, agents_staffed")]
    UnknownField(String),
    /// The header name is empty.
    #[error("column mapping for {0} has an empty header name")]
    EmptyHeader(Field),
}

impl ColumnMapping {
    /// An empty mapping (built-in aliases only).
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads column `header` as `field` (replacing an earlier mapping of the same field).
    pub fn insert(&mut self, field: Field, header: impl Into<String>) {
        self.entries.retain(|(f, _)| *f != field);
        self.entries.push((field, header.into()));
    }

    /// Adds a `FIELD=HEADER` assignment such as `offered=Calls Offered`.
    ///
    /// ```
    /// use rota_data::ingest::{ColumnMapping, Field};
    /// let mut m = ColumnMapping::new();
    /// m.parse_assignment("offered=calls").unwrap();
    /// assert_eq!(m.header_for(Field::Offered), Some("calls"));
    /// assert!(m.parse_assignment("volume").is_err());
    /// ```
    pub fn parse_assignment(&mut self, s: &str) -> Result<(), ColumnMappingError> {
        let (field, header) = s
            .split_once('=')
            .ok_or_else(|| ColumnMappingError::NoEquals(s.to_string()))?;
        let field = Field::from_name(field)
            .ok_or_else(|| ColumnMappingError::UnknownField(field.trim().to_string()))?;
        let header = header.trim();
        if header.is_empty() {
            return Err(ColumnMappingError::EmptyHeader(field));
        }
        self.insert(field, header);
        Ok(())
    }

    /// The header mapped to `field`, if any.
    pub fn header_for(&self, field: Field) -> Option<&str> {
        self.entries
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, h)| h.as_str())
    }

    /// All mappings.
    pub fn iter(&self) -> impl Iterator<Item = (Field, &str)> {
        self.entries.iter().map(|(f, h)| (*f, h.as_str()))
    }
}

/// What to do with a row stamped in the hour the clocks skip in spring (it names no real time in
/// the centre's zone): usually a file from a centre in another zone, or an export that does not
/// know about summer time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MissingLocalTime {
    /// Reject the file, naming every such row (the default: nothing is guessed).
    #[default]
    Error,
    /// Leave those rows out; the summary says how many.
    Drop,
    /// Read them one hour later, as the clock on the wall would have shown.
    Shift,
}

/// The unit of plain numbers in the AHT column. Exports differ: most write seconds, some
/// milliseconds (a 150-hour handle time if read as seconds), some minutes. `mm:ss` / `h:mm:ss`
/// text is read as a duration whatever the unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(into = "&'static str")]
pub enum AhtUnit {
    /// Seconds (the default).
    #[default]
    Seconds,
    /// Milliseconds.
    Milliseconds,
    /// Minutes (decimals allowed: 7.5 = 7 min 30 s).
    Minutes,
    /// Only `[h:]mm:ss` text; a plain number is an error.
    Clock,
}

impl AhtUnit {
    /// Parses `s`, `ms`, `min` or `h:mm:ss` (as written in `--aht-unit` and `[history] aht_unit`).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "s" | "sec" | "secs" | "seconds" => Some(Self::Seconds),
            "ms" | "millis" | "milliseconds" => Some(Self::Milliseconds),
            "min" | "mins" | "minutes" => Some(Self::Minutes),
            "h:mm:ss" | "hh:mm:ss" | "mm:ss" | "clock" => Some(Self::Clock),
            _ => None,
        }
    }

    /// The name written in `[history] aht_unit` (and in JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Seconds => "s",
            Self::Milliseconds => "ms",
            Self::Minutes => "min",
            Self::Clock => "h:mm:ss",
        }
    }

    /// Seconds per unit of a plain number (`None` for [`AhtUnit::Clock`]).
    fn seconds_per_unit(self) -> Option<f64> {
        match self {
            Self::Seconds => Some(1.0),
            Self::Milliseconds => Some(0.001),
            Self::Minutes => Some(60.0),
            Self::Clock => None,
        }
    }
}

impl From<AhtUnit> for &'static str {
    fn from(u: AhtUnit) -> Self {
        u.as_str()
    }
}

/// Handle times outside this range (seconds) are almost certainly a unit mistake (milliseconds or
/// minutes read as seconds) and are warned about, naming the file and line.
pub const PLAUSIBLE_AHT_SECONDS: std::ops::RangeInclusive<f64> = 5.0..=7200.0;

/// A handle time above this (24 hours, in seconds) is an error, not a warning: no contact lasts a
/// day, and such values come from a broken export (`1e308`, a date read as a duration).
pub const MAX_AHT_SECONDS: f64 = 86_400.0;

/// Contacts offered in one row above this are an error: the busiest UK contact centres take a few
/// thousand contacts in an interval, so `4294967295` is an export's "unknown" marker or an
/// overflow, never a count.
pub const MAX_OFFERED_PER_INTERVAL: u32 = 100_000;

/// A history whose dates span more than this many days (20 years) is an error: every forecast
/// allocates by span, so one mistyped year must not decide how much memory a forecast takes.
pub const MAX_SPAN_DAYS: i64 = 20 * 366;

/// Rows further than this many days (or the bulk's own width, if wider) outside the bulk of a
/// history's dates are "probably a mistyped date".
pub const MISTYPED_DATE_MARGIN_DAYS: i64 = 731;

/// Default cap on the bytes of CSV read from one history, after decompression (512 MiB: ten
/// years of 15-minute intervals on twenty queues is about 400 MB of CSV).
pub const MAX_HISTORY_BYTES: u64 = 512 * 1024 * 1024;

/// Default cap on the data rows of one history (5 million: ten years of 15-minute intervals on
/// fourteen queues).
pub const MAX_HISTORY_ROWS: usize = 5_000_000;

/// Values echoed in diagnostics are cut to this many characters (with `…`).
pub const MAX_ECHOED_CHARS: usize = 80;

/// Caps on how much of a history is read, so that no file (a gzip bomb, a runaway export) can
/// take unbounded memory or time. Hitting one is an error naming it ([`HistoryErrors::cap`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputLimits {
    /// Bytes of CSV, after decompression.
    pub max_bytes: u64,
    /// Data rows.
    pub max_rows: usize,
}

impl Default for InputLimits {
    fn default() -> Self {
        Self {
            max_bytes: MAX_HISTORY_BYTES,
            max_rows: MAX_HISTORY_ROWS,
        }
    }
}

/// Which cap of [`InputLimits`] a history hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapExceeded {
    /// More than this many bytes of CSV (after decompression).
    Bytes(u64),
    /// More than this many data rows.
    Rows(usize),
}

impl fmt::Display for CapExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CapExceeded::Bytes(n) => write!(f, "{} MiB of CSV (decompressed)", n / (1024 * 1024)),
            CapExceeded::Rows(n) => write!(f, "{} data rows", crate::summary::thousands(*n as u64)),
        }
    }
}

/// How to read a history file.
///
/// Without a channel list every channel found in the file is accepted (labels are lowercased and
/// spaces turned into `_`, so `Main Queue` becomes `main_queue`); with one, any other channel is an
/// error. Without an interval the centre's interval is inferred: the shortest of 15, 30 and 60
/// minutes that the finest source step divides.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// The centre's time zone for local timestamps (default Europe/London).
    pub tz: Option<Tz>,
    /// The centre's interval length (default: inferred from the timestamps).
    pub interval: Option<IntervalLength>,
    /// The channels the centre has; `None` accepts the channels found in the file.
    pub channels: Option<Vec<ChannelName>>,
    /// Export labels to read as channels, e.g. `"Main Queue"` -> `voice` (matched ignoring case and
    /// surrounding space).
    pub channel_aliases: Vec<(String, ChannelName)>,
    /// Header names to read as fields.
    pub columns: ColumnMapping,
    /// A `chrono` format for timestamps (e.g. `%d.%m.%Y %H:%M`), tried before the built-in forms;
    /// with `%z` or `%:z` it carries an offset, otherwise it is local time.
    pub timestamp_format: Option<String>,
    /// Rows in the skipped spring hour.
    pub missing_local_time: MissingLocalTime,
    /// Unit of plain numbers in the AHT column.
    pub aht_unit: AhtUnit,
    /// Caps on the bytes and rows read.
    pub limits: InputLimits,
}

impl IngestOptions {
    /// Options taking the time zone, interval length, channels, channel aliases, column names
    /// and timestamp format from a centre configuration (`[centre]`, `[channels.*]`,
    /// `[history]`).
    pub fn from_config(config: &crate::config::CentreConfig) -> Self {
        let grid = config.grid();
        let mapping = config.history();
        let mut columns = ColumnMapping::new();
        for (field, header) in mapping.columns().pairs() {
            if let Some(f) = Field::from_name(field) {
                // A header equal to the field name is already recognised (with the aliases).
                if normalise_header(header) != f.name() {
                    columns.insert(f, header);
                }
            }
        }
        Self {
            tz: Some(grid.tz),
            interval: Some(grid.length),
            channels: Some(config.channel_names()),
            channel_aliases: mapping
                .channel_aliases()
                .iter()
                .map(|(label, name)| (label.clone(), name.clone()))
                .collect(),
            columns,
            timestamp_format: mapping.timestamp_format().map(str::to_string),
            missing_local_time: MissingLocalTime::Error,
            aht_unit: mapping.aht_unit(),
            limits: InputLimits::default(),
        }
    }
}

/// One problem found in a history file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file.
    pub file: PathBuf,
    /// 1-based line number (`None` for problems with the file as a whole).
    pub line: Option<u64>,
    /// The column, when the problem is in one cell.
    pub column: Option<DiagnosticColumn>,
    /// What is wrong and what was expected.
    pub message: String,
}

/// A column of a [`Diagnostic`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosticColumn {
    /// 1-based position in the row.
    pub index: usize,
    /// Its header name as written in the file.
    pub name: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(c) = &self.column {
                write!(f, ":{}", c.index)?;
            }
        }
        match &self.column {
            Some(c) => write!(f, ": {}: {}", c.name, self.message),
            None => write!(f, ": {}", self.message),
        }
    }
}

/// Every problem found in a history file (at most [`MAX_DIAGNOSTICS`], sorted by line and column,
/// plus a count of those left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryErrors {
    /// The diagnostics kept, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// How many more problems were found but not kept.
    pub omitted: usize,
    /// Set when reading stopped at a cap of [`InputLimits`] (an HTTP 413 rather than a 422).
    pub cap: Option<CapExceeded>,
}

impl HistoryErrors {
    /// Total number of problems found.
    pub fn total(&self) -> usize {
        self.diagnostics.len() + self.omitted
    }
}

impl fmt::Display for HistoryErrors {
    /// One `file:line:column: column-name: message` line per problem.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.diagnostics {
            writeln!(f, "{d}")?;
        }
        if self.omitted > 0 {
            writeln!(f, "... and {} more problems", self.omitted)?;
        }
        Ok(())
    }
}

impl std::error::Error for HistoryErrors {}

/// How one channel of the file was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelSource {
    /// The channel.
    pub channel: ChannelName,
    /// Data rows read for it.
    pub rows: usize,
    /// Its source step in minutes (most common gap between interval starts).
    pub step_minutes: u32,
    /// Centre intervals summed from fewer source rows than they span (rows missing in the export).
    pub incomplete_intervals: usize,
}

/// What the reader did, beyond the history itself: shown by `rota data check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestReport {
    /// The file read.
    pub file: PathBuf,
    /// Data rows read.
    pub rows: usize,
    /// Whether the file was gzip-compressed.
    pub gzip: bool,
    /// Per channel, in name order.
    pub channels: Vec<ChannelSource>,
    /// Columns of the file that Rota does not read.
    pub ignored_columns: Vec<String>,
    /// True when the interval length was inferred from the timestamps.
    pub interval_inferred: bool,
    /// Rows in the skipped spring hour that were left out (`MissingLocalTime::Drop`) or moved
    /// an hour later (`Shift`), with what was done.
    pub missing_local_times: Option<(MissingLocalTime, usize)>,
    /// The time zone read from the timestamps' offsets, when no zone was given and every
    /// timestamp carried an offset (a New York export with -05:00/-04:00 is read in
    /// America/New_York, so its days and hours are New York's, not London's).
    pub zone_from_offsets: Option<Tz>,
}

/// A history with the report of how it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Ingested {
    /// The validated, re-gridded history.
    pub history: History,
    /// How it was read.
    pub report: IngestReport,
}

/// Reads a history export (CSV or CSV.gz) into a validated [`History`] on the centre's grid.
///
/// Returns every problem found when the file is not valid; see the [module docs](self).
pub fn read_history(
    path: impl AsRef<Path>,
    options: &IngestOptions,
) -> Result<History, HistoryErrors> {
    read_history_with_report(path, options).map(|i| i.history)
}

/// [`read_history`] that also returns the [`IngestReport`].
pub fn read_history_with_report(
    path: impl AsRef<Path>,
    options: &IngestOptions,
) -> Result<Ingested, HistoryErrors> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|e| HistoryErrors {
        diagnostics: vec![Diagnostic {
            file: path.to_path_buf(),
            line: None,
            column: None,
            message: format!("cannot open: {e}"),
        }],
        omitted: 0,
        cap: None,
    })?;
    read_history_from(file, path, options)
}

/// Reads a history export from any reader; `file` names it in diagnostics.
pub fn read_history_from<R: Read>(
    reader: R,
    file: impl AsRef<Path>,
    options: &IngestOptions,
) -> Result<Ingested, HistoryErrors> {
    let file = file.as_ref();
    let span = tracing::info_span!("read_history", file = %file.display());
    let _guard = span.enter();
    let mut buffered = BufReader::with_capacity(1 << 16, reader);
    let gzip = match buffered.fill_buf() {
        Ok(head) => head.starts_with(&[0x1f, 0x8b]),
        Err(_) => false,
    };
    let reader = Reader::new(file, options, gzip);
    if gzip {
        reader.run(MultiGzDecoder::new(buffered))
    } else {
        reader.run(buffered)
    }
}

// ---------------------------------------------------------------------------------------------
// Diagnostics collection

/// Keeps the [`MAX_DIAGNOSTICS`] diagnostics earliest in the file, counting the rest.
struct Diagnostics {
    file: PathBuf,
    /// Position and name of the interval_start column, for problems about a row's interval.
    ts_column: Option<(usize, String)>,
    heap: BinaryHeap<Keyed>,
    total: usize,
    seq: u64,
}

struct Keyed {
    key: (u64, usize, u64),
    diag: Diagnostic,
}

impl PartialEq for Keyed {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Keyed {}
impl PartialOrd for Keyed {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Keyed {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

impl Diagnostics {
    fn new(file: &Path) -> Self {
        Self {
            file: file.to_path_buf(),
            ts_column: None,
            heap: BinaryHeap::new(),
            total: 0,
            seq: 0,
        }
    }

    fn push(&mut self, line: Option<u64>, column: Option<(usize, &str)>, message: String) {
        self.total += 1;
        self.seq += 1;
        let key = (line.unwrap_or(0), column.map_or(0, |c| c.0), self.seq);
        if self.heap.len() >= MAX_DIAGNOSTICS {
            match self.heap.peek() {
                Some(top) if top.key > key => {
                    self.heap.pop();
                }
                _ => return,
            }
        }
        let diag = Diagnostic {
            file: self.file.clone(),
            line,
            column: column.map(|(index, name)| DiagnosticColumn {
                index,
                name: name.to_string(),
            }),
            message,
        };
        self.heap.push(Keyed { key, diag });
    }

    /// A problem with the interval of a row (duplicate, overlap, granularity): reported at the
    /// interval_start column.
    fn push_interval(&mut self, line: Option<u64>, message: String) {
        let column = self.ts_column.clone();
        self.push(
            line,
            column.as_ref().map(|(i, n)| (*i, n.as_str())),
            message,
        );
    }

    fn is_empty(&self) -> bool {
        self.total == 0
    }

    fn into_errors(self) -> HistoryErrors {
        let kept = self.heap.into_sorted_vec();
        let omitted = self.total - kept.len();
        HistoryErrors {
            diagnostics: kept.into_iter().map(|k| k.diag).collect(),
            omitted,
            cap: None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing rows

/// Lowercase, words joined by single `_`, no leading/trailing punctuation: `" Calls Offered "` ->
/// `calls_offered`, `AHT (s)` -> `aht_s`.
fn normalise_header(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending = false;
    for c in s.trim().trim_start_matches('\u{feff}').chars() {
        if c.is_alphanumeric() {
            if pending && !out.is_empty() {
                out.push('_');
            }
            pending = false;
            out.extend(c.to_lowercase());
        } else {
            pending = true;
        }
    }
    out
}

/// A data row whose timestamp and channel could be read.
struct Row {
    line: u64,
    channel: u32,
    /// The export label (queue) the row came from.
    label: u32,
    start: DateTime<Tz>,
    /// Seconds since local midnight (wall clock).
    local_sod: u32,
    local_date: NaiveDate,
    /// `None` when a value of the row was invalid (already reported).
    counts: Option<IntervalCounts>,
}

enum ChannelSlot {
    /// (channel id, label id).
    Known(u32, u32),
    Bad,
}

struct Reader<'a> {
    options: &'a IngestOptions,
    tz: Tz,
    /// The offsets of the timestamps, for the zone when none was given.
    offsets: OffsetSamples,
    diags: Diagnostics,
    gzip: bool,
    file: PathBuf,
    /// Interned channels.
    channel_names: Vec<ChannelName>,
    channel_lookup: HashMap<String, ChannelSlot>,
    /// How often each ambiguous local time was seen per export label (DST fold rule).
    fold_seen: HashMap<(u32, NaiveDateTime), u32>,
    /// Rows in the skipped spring hour, dropped or shifted as the options say.
    missing_local: usize,
    /// Handle times outside the plausible range (warned about).
    implausible_aht: usize,
    /// The cap hit, if reading stopped at one.
    cap: Option<CapExceeded>,
    /// What the `a/b/YYYY` dates say about day/month order.
    slash: SlashDates,
    /// The field delimiter sniffed from the header line.
    delimiter: u8,
}

/// The `a/b/YYYY` dates of a file, for telling day/month/year (UK) from month/day/year (US).
#[derive(Default)]
struct SlashDates {
    /// Largest first and second number seen.
    max_first: u32,
    max_second: u32,
    /// The first date whose second number cannot be a month (line, text).
    us_only: Option<(u64, String)>,
    /// Rows whose date was rejected because its second number is over 12 (reported only if the
    /// file turns out not to be US).
    month_errors: Vec<(u64, (usize, String), String)>,
    /// Range of days (from CE) of the dates read both ways, when both are real dates.
    uk: Option<(i32, i32)>,
    us: Option<(i32, i32)>,
}

impl SlashDates {
    fn widen(range: &mut Option<(i32, i32)>, d: Option<NaiveDate>) {
        if let Some(d) = d.map(|d| d.num_days_from_ce()) {
            *range = Some(match *range {
                Some((lo, hi)) => (lo.min(d), hi.max(d)),
                None => (d, d),
            });
        }
    }
}

/// The leading `a/b/YYYY` of a timestamp, as (a, b, year).
fn slash_date(s: &str) -> Option<(u32, u32, i32)> {
    let mut c = Cursor {
        b: s.as_bytes(),
        i: 0,
    };
    let a = c.digits(1, 2)?;
    if !c.eat(b'/') {
        return None;
    }
    let b = c.digits(1, 2)?;
    if !c.eat(b'/') {
        return None;
    }
    let y = c.digits(4, 4)?;
    Some((a, b, y as i32))
}

/// A reader that fails (with `exceeded` set) once more than `cap` bytes have come through.
struct Capped<R> {
    inner: std::io::Take<R>,
    read: u64,
    cap: u64,
    exceeded: std::rc::Rc<std::cell::Cell<bool>>,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.cap {
            self.exceeded.set(true);
            return Err(std::io::Error::other(format!(
                "more than {} bytes after decompression",
                self.cap
            )));
        }
        Ok(n)
    }
}

/// The field delimiter of a header line: `,` when it has one, else `;` or tab, whichever is more
/// common (Excel in much of Europe saves "CSV" with `;`; some exports use tabs).
fn sniff_delimiter(head: &[u8]) -> u8 {
    let line = head.split(|&b| b == b'\n').next().unwrap_or(head);
    let (mut commas, mut semis, mut tabs, mut quoted) = (0, 0, 0, false);
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semis += 1,
            b'\t' if !quoted => tabs += 1,
            _ => {}
        }
    }
    if commas > 0 || (semis == 0 && tabs == 0) {
        b','
    } else if semis >= tabs {
        b';'
    } else {
        b'\t'
    }
}

/// The header's column names as echoed in a problem: each [`shown`], at most 20, with the
/// delimiter they were split at.
fn found_columns(names: &[String], delimiter: u8) -> String {
    let mut out: Vec<String> = names.iter().take(20).map(|n| shown(n)).collect();
    if names.len() > 20 {
        out.push(format!("and {} more", names.len() - 20));
    }
    let mut text = out.join(", ");
    if names.len() == 1 {
        text.push_str(&format!(
            " (one column: the header has no comma, semicolon or tab; expected a file delimited \
             by one of them{})",
            match names[0]
                .chars()
                .find(|c| matches!(c, '|' | ':' | '^' | '~'))
            {
                Some(c) => format!(", found {c:?}"),
                None => String::new(),
            }
        ));
    } else if delimiter != b',' {
        text.push_str(&format!(
            " (read as {}-delimited)",
            delimiter_name(delimiter)
        ));
    }
    text
}

fn delimiter_name(d: u8) -> &'static str {
    match d {
        b';' => "semicolon (;)",
        b'\t' => "tab",
        _ => "comma (,)",
    }
}

/// A value as shown in a diagnostic: quoted and escaped like `{:?}` (so control characters and
/// binary garbage print as `\u{1}` escapes), cut to [`MAX_ECHOED_CHARS`] characters with `…`.
pub fn shown(s: &str) -> String {
    let total = s.chars().count();
    if total <= MAX_ECHOED_CHARS {
        return format!("{s:?}");
    }
    let head: String = s.chars().take(MAX_ECHOED_CHARS).collect();
    let quoted = format!("{head:?}");
    format!(
        "{}…\" ({} characters)",
        &quoted[..quoted.len() - 1],
        crate::summary::thousands(total as u64)
    )
}

/// Column positions of the fields in the file (0-based) and their header names.
struct Columns {
    pos: [Option<usize>; 10],
    names: Vec<String>,
}

impl Columns {
    fn get(&self, f: Field) -> Option<usize> {
        self.pos[f as usize]
    }
    fn label(&self, i: usize) -> (usize, &str) {
        (i + 1, self.names.get(i).map_or("", String::as_str))
    }
}

impl<'a> Reader<'a> {
    fn new(file: &Path, options: &'a IngestOptions, gzip: bool) -> Self {
        Self {
            options,
            tz: options.tz.unwrap_or(DEFAULT_TIME_ZONE),
            offsets: OffsetSamples::default(),
            diags: Diagnostics::new(file),
            gzip,
            file: file.to_path_buf(),
            channel_names: Vec::new(),
            channel_lookup: HashMap::new(),
            fold_seen: HashMap::new(),
            missing_local: 0,
            implausible_aht: 0,
            cap: None,
            slash: SlashDates::default(),
            delimiter: b',',
        }
    }

    fn fail(self) -> HistoryErrors {
        let cap = self.cap;
        HistoryErrors {
            cap,
            ..self.diags.into_errors()
        }
    }

    fn run<S: Read>(mut self, source: S) -> Result<Ingested, HistoryErrors> {
        let limits = self.options.limits;
        let exceeded = std::rc::Rc::new(std::cell::Cell::new(false));
        let mut source = BufReader::with_capacity(
            1 << 16,
            Capped {
                inner: source.take(limits.max_bytes.saturating_add(1)),
                read: 0,
                cap: limits.max_bytes,
                exceeded: std::rc::Rc::clone(&exceeded),
            },
        );
        self.delimiter = source.fill_buf().map_or(b',', sniff_delimiter);
        // Line numbers come from our own newline index: csv's own count is off by one on CRLF.
        let lines = LineIndex::default();
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .from_reader(lines.wrap(source));
        let mut record = csv::ByteRecord::new();
        // Header.
        let header_line = match csv.read_byte_record(&mut record) {
            Ok(true) => record.position().map_or(1, |p| lines.line_of(p.byte())),
            Ok(false) => {
                self.diags.push(
                    None,
                    None,
                    "the file is empty; expected a header line with interval_start, channel, offered".into(),
                );
                return Err(self.fail());
            }
            Err(e) => {
                let message = self.read_error(&e, exceeded.get());
                self.diags.push(Some(1), None, message);
                return Err(self.fail());
            }
        };
        let Some(columns) = self.resolve_header(&record, header_line) else {
            return Err(self.fail());
        };
        self.diags.ts_column = columns
            .get(Field::IntervalStart)
            .or(columns.get(Field::Date))
            .map(|i| {
                let (index, name) = columns.label(i);
                (index, name.to_string())
            });
        let ignored_columns: Vec<String> = columns
            .names
            .iter()
            .enumerate()
            .filter(|(i, _)| !columns.pos.contains(&Some(*i)))
            .map(|(_, n)| n.clone())
            .collect();

        // Rows.
        // Rows per channel id (exports are usually sorted by time, so each channel's rows arrive
        // in order and sorting them later is cheap).
        let mut rows: Vec<Vec<Row>> = Vec::new();
        let mut n_rows = 0usize;
        {
            let _span = tracing::info_span!("parse_rows").entered();
            loop {
                match csv.read_byte_record(&mut record) {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(e) => {
                        let line = e
                            .position()
                            .map(|p| lines.line_of(p.byte()))
                            .or(Some(header_line + n_rows as u64 + 1));
                        let message = self.read_error(&e, exceeded.get());
                        self.diags.push(line, None, message);
                        break;
                    }
                }
                n_rows += 1;
                let line = record
                    .position()
                    .map_or(header_line + n_rows as u64, |p| lines.line_of(p.byte()));
                if n_rows > limits.max_rows {
                    self.cap = Some(CapExceeded::Rows(limits.max_rows));
                    self.diags.push(
                        Some(line),
                        None,
                        format!(
                            "the history has more than {}, the most Rota reads from one file; \
                             expected a shorter export (e.g. the last three years)",
                            CapExceeded::Rows(limits.max_rows)
                        ),
                    );
                    break;
                }
                if record.len() == 1
                    && record
                        .get(0)
                        .is_some_and(|f| f.iter().all(u8::is_ascii_whitespace))
                {
                    n_rows -= 1;
                    continue; // a blank line
                }
                if let Some(row) = self.parse_row(&record, line, &columns) {
                    let c = row.channel as usize;
                    if rows.len() <= c {
                        rows.resize_with(c + 1, Vec::new);
                    }
                    rows[c].push(row);
                }
            }
        }
        if n_rows == 0 && self.diags.is_empty() {
            self.diags.push(
                Some(header_line),
                None,
                "no data rows after the header; expected at least one interval".into(),
            );
        }
        if self.cap.is_some() {
            return Err(self.fail());
        }
        self.check_slash_dates();
        if self.options.tz.is_none() {
            self.zone_from_offsets(&mut rows);
        }
        self.check_span(&mut rows);
        let (history, channels, inferred) = self.build(rows);
        if !self.diags.is_empty() {
            return Err(self.fail());
        }
        if self.implausible_aht > 5 {
            tracing::warn!(
                "{}: {} handle times in all are outside 5 s to 2 h",
                self.file.display(),
                self.implausible_aht
            );
        }
        match history {
            Some(history) => Ok(Ingested {
                history,
                report: IngestReport {
                    file: self.file,
                    rows: n_rows,
                    gzip: self.gzip,
                    channels,
                    ignored_columns,
                    missing_local_times: (self.missing_local > 0)
                        .then_some((self.options.missing_local_time, self.missing_local)),
                    zone_from_offsets: self.offsets.zone,
                    interval_inferred: inferred,
                },
            }),
            None => Err(self.fail()),
        }
    }

    /// The message for a read error; hitting the byte cap sets [`Self::cap`].
    fn read_error(&mut self, e: &csv::Error, over_cap: bool) -> String {
        if over_cap {
            let cap = CapExceeded::Bytes(self.options.limits.max_bytes);
            self.cap = Some(cap);
            return format!(
                "the history is larger than {cap}, the most Rota reads from one file{}; \
                 expected a shorter export (e.g. the last three years)",
                if self.gzip {
                    " (a small .gz file can expand to far more)"
                } else {
                    ""
                }
            );
        }
        read_error_message(e, self.gzip)
    }

    /// Records what an `a/b/YYYY` timestamp says about day/month order (built-in forms only).
    fn note_slash_date(&mut self, s: &str, line: u64) {
        let Some((a, b, y)) = slash_date(s) else {
            return;
        };
        let sd = &mut self.slash;
        sd.max_first = sd.max_first.max(a);
        sd.max_second = sd.max_second.max(b);
        if b > 12 && a <= 12 && sd.us_only.is_none() {
            sd.us_only = Some((line, s.to_string()));
        }
        let uk = NaiveDate::from_ymd_opt(y, b, a);
        let us = NaiveDate::from_ymd_opt(y, a, b);
        if uk.is_some() && us.is_some() {
            SlashDates::widen(&mut sd.uk, uk);
            SlashDates::widen(&mut sd.us, us);
        }
    }

    /// US `MM/DD/YYYY` dates would be read as UK `DD/MM/YYYY`: when the file's dates are only
    /// consistent as month/day/year (a second number over 12, none first), or when all are
    /// ambiguous but read as day/month they scatter over months that month/day keeps within
    /// days, the file is rejected with one problem offering `--date-format`.
    fn check_slash_dates(&mut self) {
        let sd = std::mem::take(&mut self.slash);
        let advice = "Rota reads a/b/YYYY as day/month/year (UK); if the export is month/day/year \
                      (US), say so with --date-format \"%m/%d/%Y %H:%M\" (or [history] \
                      timestamp_format in the centre configuration)";
        if sd.max_first > 12 {
            // Day first: the UK reading is right; the rows with a second number over 12 are
            // simply wrong.
        } else if let Some((line, text)) = &sd.us_only {
            self.diags.push(
                None,
                None,
                format!(
                    "the dates are month/day/year (US): line {line} has {}, whose second number \
                     cannot be a month, and no date has a first number over 12; {advice}",
                    shown(text),
                    advice = advice
                ),
            );
            return;
        } else if let (Some(uk), Some(us)) = (sd.uk, sd.us) {
            let (uk_days, us_days) = (uk.1 - uk.0, us.1 - us.0);
            if uk_days >= 28 && us_days * 4 < uk_days {
                let day = |d: i32| {
                    NaiveDate::from_num_days_from_ce_opt(d)
                        .map_or_else(String::new, |d| d.to_string())
                };
                self.diags.push(
                    None,
                    None,
                    format!(
                        "the dates are ambiguous (no number over 12): read as day/month/year they \
                         scatter from {} to {} ({uk_days} days), read as month/day/year they run \
                         from {} to {} ({us_days} days); {advice}, or as day/month/year with \
                         --date-format \"%d/%m/%Y %H:%M\"",
                        day(uk.0),
                        day(uk.1),
                        day(us.0),
                        day(us.1),
                    ),
                );
            }
        }
        for (line, (index, name), message) in sd.month_errors {
            self.diags.push(Some(line), Some((index, &name)), message);
        }
    }

    /// A history's span is judged against its bulk: rows whose date is far outside the dates of
    /// the rest (by more than the bulk's own width, and at least [`MISTYPED_DATE_MARGIN_DAYS`])
    /// are rejected as probably mistyped, and so is a span over [`MAX_SPAN_DAYS`]. The bulk is
    /// the dates with the earliest and latest 1% of rows (at least one each way, from ten rows)
    /// left out. Rejected rows are dropped so that the rest is still checked.
    fn check_span(&mut self, rows: &mut [Vec<Row>]) {
        let mut days: Vec<i32> = rows
            .iter()
            .flatten()
            .map(|r| r.local_date.num_days_from_ce())
            .collect();
        let n = days.len();
        if n == 0 {
            return;
        }
        days.sort_unstable();
        let trim = if n >= 10 { (n / 100).max(1) } else { 0 };
        let (lo, hi) = (i64::from(days[trim]), i64::from(days[n - 1 - trim]));
        let margin = (hi - lo).max(MISTYPED_DATE_MARGIN_DAYS);
        let (min_ok, max_ok) = (lo - margin, hi + margin);
        let date = |d: i64| {
            NaiveDate::from_num_days_from_ce_opt(d as i32)
                .map_or_else(String::new, |d| d.to_string())
        };
        for g in rows.iter_mut() {
            let mut bad: Vec<(u64, String, i64)> = Vec::new();
            g.retain(|r| {
                let d = i64::from(r.local_date.num_days_from_ce());
                if d < min_ok || d > max_ok {
                    bad.push((
                        r.line,
                        r.start.naive_local().format("%Y-%m-%d %H:%M").to_string(),
                        d,
                    ));
                    false
                } else {
                    true
                }
            });
            for (line, value, d) in bad {
                let years = ((d - if d < lo { lo } else { hi }).abs() as f64 / 365.25).round();
                self.diags.push_interval(
                    Some(line),
                    format!(
                        "{value} is probably a mistyped date: it is {years} years {} the bulk of \
                         the rows ({} to {}); expected a date between {} and {}",
                        if d < lo { "before" } else { "after" },
                        date(lo),
                        date(hi),
                        date(min_ok),
                        date(max_ok)
                    ),
                );
            }
        }
        let kept = rows
            .iter()
            .flatten()
            .map(|r| i64::from(r.local_date.num_days_from_ce()));
        let (first, last) = kept.fold((i64::MAX, i64::MIN), |(a, b), d| (a.min(d), b.max(d)));
        if first <= last && last - first > MAX_SPAN_DAYS {
            self.diags.push(
                None,
                None,
                format!(
                    "the history spans {} to {} ({} years); expected at most {} years \
                     (is a year mistyped?)",
                    date(first),
                    date(last),
                    ((last - first) as f64 / 365.25).round(),
                    MAX_SPAN_DAYS / 366
                ),
            );
            for g in rows.iter_mut() {
                g.clear();
            }
        }
    }

    fn resolve_header(&mut self, record: &csv::ByteRecord, line: u64) -> Option<Columns> {
        let names: Vec<String> = record
            .iter()
            .map(|f| {
                String::from_utf8_lossy(f)
                    .trim()
                    .trim_start_matches('\u{feff}')
                    .trim()
                    .to_string()
            })
            .collect();
        let normalised: Vec<String> = names.iter().map(|n| normalise_header(n)).collect();
        let mut pos: [Option<usize>; 10] = [None; 10];
        let mut ok = true;
        for field in Field::ALL {
            let mapped = self.options.columns.header_for(field);
            let found: Vec<usize> = match mapped {
                Some(h) => {
                    let want = normalise_header(h);
                    let found: Vec<usize> = (0..names.len())
                        .filter(|i| normalised[*i] == want)
                        .collect();
                    if found.is_empty() {
                        self.diags.push(
                            Some(line),
                            None,
                            format!(
                                "column {} (mapped to {field}) is not in the header; found columns: {}",
                                shown(h),
                                found_columns(&names, self.delimiter)
                            ),
                        );
                        ok = false;
                        continue;
                    }
                    found
                }
                None => (0..names.len())
                    .filter(|i| {
                        field.builtin_aliases().contains(&normalised[*i].as_str())
                            // A column explicitly mapped to another field is not also an alias.
                            && !Field::ALL.iter().any(|other| {
                                *other != field
                                    && self
                                        .options
                                        .columns
                                        .header_for(*other)
                                        .is_some_and(|h| normalise_header(h) == normalised[*i])
                            })
                    })
                    .collect(),
            };
            match found.as_slice() {
                [] if field.is_required() => {
                    self.diags.push(
                        Some(line),
                        None,
                        format!(
                            "missing required column {field}; expected a column named one of: {} \
                             (or map yours with --column {field}=NAME or [history.columns] in the config); \
                             found columns: {}",
                            field.builtin_aliases().join(", "),
                            found_columns(&names, self.delimiter)
                        ),
                    );
                    ok = false;
                }
                [] => {}
                [i] => pos[field as usize] = Some(*i),
                [first, rest @ ..] => {
                    for i in rest {
                        self.diags.push(
                            Some(line),
                            Some((i + 1, names[*i].as_str())),
                            format!(
                                "column is read as {field}, like column {} ({}); expected one column per field",
                                first + 1,
                                shown(&names[*first])
                            ),
                        );
                    }
                    ok = false;
                }
            }
        }
        if !self.timestamp_columns(&mut pos, &names, line) {
            ok = false;
        }
        ok.then_some(Columns { pos, names })
    }

    /// Where the interval start comes from: one timestamp column, or a date column and a time
    /// column. CMS reports head them `Date` and `Interval`, and `Interval` is also a name for a
    /// whole timestamp, so with a date column present the interval column is read as the time.
    /// A lone `Date` column holding whole timestamps is read as the interval start. False (with
    /// the problem recorded) when there is no usable combination.
    fn timestamp_columns(
        &mut self,
        pos: &mut [Option<usize>; 10],
        names: &[String],
        line: u64,
    ) -> bool {
        let delimiter = self.delimiter;
        let (start, date, time) = (
            Field::IntervalStart as usize,
            Field::Date as usize,
            Field::Time as usize,
        );
        match (pos[start], pos[date], pos[time]) {
            (_, Some(_), Some(_)) => pos[start] = None,
            (Some(s), Some(_), None) => {
                pos[time] = Some(s);
                pos[start] = None;
            }
            (None, Some(d), None) => {
                pos[start] = Some(d);
                pos[date] = None;
            }
            (Some(_), None, _) => pos[time] = None,
            (None, None, _) => {
                self.diags.push(
                    Some(line),
                    None,
                    format!(
                        "missing required column interval_start; expected a column named one of: {} \
                         (or a date column and a time column, e.g. Date and Interval; map yours with \
                         --column interval_start=NAME, or --column date=NAME --column time=NAME, or \
                         [history.columns] in the config); found columns: {}",
                        Field::IntervalStart.builtin_aliases().join(", "),
                        found_columns(names, delimiter)
                    ),
                );
                return false;
            }
        }
        true
    }

    fn cell<'r>(
        &mut self,
        record: &'r csv::ByteRecord,
        line: u64,
        columns: &Columns,
        i: usize,
    ) -> Option<&'r str> {
        let bytes = record.get(i)?;
        match std::str::from_utf8(bytes) {
            Ok(s) => Some(s.trim()),
            Err(_) => {
                self.diags.push(
                    Some(line),
                    Some(columns.label(i)),
                    "not valid UTF-8 text; expected the file to be saved as UTF-8".into(),
                );
                None
            }
        }
    }

    fn parse_row(&mut self, record: &csv::ByteRecord, line: u64, columns: &Columns) -> Option<Row> {
        if record.len() != columns.names.len() {
            self.diags.push(
                Some(line),
                None,
                format!(
                    "row has {} fields; expected {} as in the header",
                    record.len(),
                    columns.names.len()
                ),
            );
            return None;
        }
        let mut ok = true;

        // Channel.
        let ch_col = columns.get(Field::Channel)?;
        let channel = match self.cell(record, line, columns, ch_col) {
            Some(label) => self.channel_id(label, line, columns.label(ch_col)),
            None => None,
        };

        // Timestamp: one column, or a date and a time column.
        let start = match (columns.get(Field::Date), columns.get(Field::Time)) {
            (Some(d), Some(t)) => {
                let time = match self.cell(record, line, columns, t) {
                    Some(s) => match time_of_day(s) {
                        Ok(time) => Some(time),
                        Err(m) => {
                            self.diags.push(Some(line), Some(columns.label(t)), m);
                            None
                        }
                    },
                    None => None,
                };
                match (self.cell(record, line, columns, d), time) {
                    (Some(date), Some(time)) => self.parse_start(
                        &format!("{date} {time}"),
                        channel.map(|c| c.1),
                        line,
                        columns.label(d),
                    ),
                    _ => None,
                }
            }
            _ => {
                let ts_col = columns.get(Field::IntervalStart)?;
                match self.cell(record, line, columns, ts_col) {
                    Some(s) => {
                        self.parse_start(s, channel.map(|c| c.1), line, columns.label(ts_col))
                    }
                    None => None,
                }
            }
        };

        // Counts.
        let mut counts = IntervalCounts::default();
        let count_at = |this: &mut Self, f: Field, required: bool| -> Result<Option<u32>, ()> {
            let Some(i) = columns.get(f) else {
                return Ok(None);
            };
            let Some(s) = this.cell(record, line, columns, i) else {
                return Err(());
            };
            match parse_count(s, required) {
                Ok(v) => Ok(v),
                Err(m) => {
                    this.diags.push(Some(line), Some(columns.label(i)), m);
                    Err(())
                }
            }
        };
        match count_at(self, Field::Offered, true) {
            Ok(Some(v)) => counts.offered = v,
            _ => ok = false,
        }
        match count_at(self, Field::Handled, false) {
            Ok(v) => counts.handled = v,
            Err(()) => ok = false,
        }
        match count_at(self, Field::Abandoned, false) {
            Ok(v) => counts.abandoned = v,
            Err(()) => ok = false,
        }
        let handled = counts.handled;
        for (f, slot, duration) in [
            (Field::AhtSeconds, &mut counts.aht_seconds, true),
            (Field::AsaSeconds, &mut counts.asa_seconds, true),
            (Field::AgentsStaffed, &mut counts.agents_staffed, false),
        ] {
            let Some(i) = columns.get(f) else { continue };
            let Some(s) = self.cell(record, line, columns, i) else {
                ok = false;
                continue;
            };
            let parsed = if f == Field::AhtSeconds {
                parse_aht(s, self.options.aht_unit)
            } else {
                parse_average(s, duration)
            };
            match parsed {
                Ok(Some(aht)) if f == Field::AhtSeconds && aht > MAX_AHT_SECONDS => {
                    self.diags.push(
                        Some(line),
                        Some(columns.label(i)),
                        format!(
                            "handle time {} is implausible: over 24 hours; expected 0 to 86,400 \
                             seconds (is the column in milliseconds? say so with --aht-unit ms or \
                             [history] aht_unit)",
                            shown(s)
                        ),
                    );
                    ok = false;
                }
                Ok(v) => {
                    if f == Field::AhtSeconds {
                        if let Some(aht) = v.filter(|a| *a > 0.0) {
                            self.check_plausible_aht(aht, handled, s, line, columns.label(i));
                        }
                    }
                    *slot = v
                }
                Err(m) => {
                    self.diags.push(Some(line), Some(columns.label(i)), m);
                    ok = false;
                }
            }
        }
        if ok {
            let h = counts.handled.unwrap_or(0);
            let a = counts.abandoned.unwrap_or(0);
            if u64::from(h) + u64::from(a) > u64::from(counts.offered) {
                let col = columns
                    .get(Field::Abandoned)
                    .or(columns.get(Field::Handled))
                    .unwrap_or(0);
                let what = match (counts.handled, counts.abandoned) {
                    (Some(_), Some(_)) => format!(
                        "handled ({h}) + abandoned ({a}) = {}",
                        u64::from(h) + u64::from(a)
                    ),
                    (Some(_), None) => format!("handled ({h})"),
                    _ => format!("abandoned ({a})"),
                };
                self.diags.push(
                    Some(line),
                    Some(columns.label(col)),
                    format!(
                        "{what} exceeds offered ({}); expected handled + abandoned <= offered",
                        counts.offered
                    ),
                );
                ok = false;
            }
        }
        let ((channel, label), start) = (channel?, start?);
        let local = start.naive_local();
        Some(Row {
            line,
            channel,
            label,
            local_sod: local.num_seconds_from_midnight(),
            local_date: local.date(),
            start,
            counts: ok.then_some(counts),
        })
    }

    /// The (channel, label) ids of an export label; several labels (queues) may map to one
    /// channel.
    fn channel_id(&mut self, label: &str, line: u64, col: (usize, &str)) -> Option<(u32, u32)> {
        if let Some(slot) = self.channel_lookup.get(label) {
            return match slot {
                ChannelSlot::Known(id, label_id) => Some((*id, *label_id)),
                ChannelSlot::Bad => {
                    let msg = self.channel_error(label);
                    self.diags.push(Some(line), Some(col), msg);
                    None
                }
            };
        }
        let resolved = self.resolve_channel(label);
        match resolved {
            Some(name) => {
                let id = match self.channel_names.iter().position(|n| *n == name) {
                    Some(i) => i as u32,
                    None => {
                        self.channel_names.push(name);
                        (self.channel_names.len() - 1) as u32
                    }
                };
                let label_id = self.channel_lookup.len() as u32;
                self.channel_lookup
                    .insert(label.to_string(), ChannelSlot::Known(id, label_id));
                Some((id, label_id))
            }
            None => {
                self.channel_lookup
                    .insert(label.to_string(), ChannelSlot::Bad);
                let msg = self.channel_error(label);
                self.diags.push(Some(line), Some(col), msg);
                None
            }
        }
    }

    fn resolve_channel(&self, label: &str) -> Option<ChannelName> {
        let trimmed = label.trim();
        if let Some((_, name)) = self
            .options
            .channel_aliases
            .iter()
            .find(|(alias, _)| alias.trim().eq_ignore_ascii_case(trimmed))
        {
            return Some(name.clone());
        }
        let candidate = channel_slug(trimmed);
        let name = ChannelName::parse(&candidate).ok()?;
        match &self.options.channels {
            Some(known) => known.contains(&name).then_some(name),
            None => Some(name),
        }
    }

    fn channel_error(&self, label: &str) -> String {
        match &self.options.channels {
            Some(known) => format!(
                "unknown channel {}; expected one of {} (or map the label to a channel with [history.channel_aliases])",
                shown(label),
                known.iter().map(ChannelName::as_str).collect::<Vec<_>>().join(", ")
            ),
            None if label.trim().is_empty() => "empty channel; expected a channel name such as voice".into(),
            None => format!(
                "channel {} is not a usable channel name; expected letters, digits, '_' or '-' (at most 64)",
                shown(label)
            ),
        }
    }

    /// Warns (through the log, which every command shows by default) about a handle time outside
    /// [`PLAUSIBLE_AHT_SECONDS`]: the first few with file and line, then how many in all. One
    /// contact can take over two hours (a vulnerable tenant, a complex repair), so an interval
    /// whose average rests on a single handled contact is only judged against the lower bound.
    fn check_plausible_aht(
        &mut self,
        aht: f64,
        handled: Option<u32>,
        cell: &str,
        line: u64,
        col: (usize, &str),
    ) {
        let single_long_contact = handled == Some(1) && aht > *PLAUSIBLE_AHT_SECONDS.end();
        if PLAUSIBLE_AHT_SECONDS.contains(&aht) || single_long_contact {
            return;
        }
        self.implausible_aht += 1;
        if self.implausible_aht <= 5 {
            tracing::warn!(
                "{}:{line}:{}: {}: handle time {} = {} is implausible (expected 5 s to 2 h); \
                 is the AHT column in milliseconds or minutes? Say so with --aht-unit ms|min or \
                 [history] aht_unit",
                self.file.display(),
                col.0,
                col.1,
                shown(cell),
                if aht >= 3600.0 {
                    format!("{:.1} hours", aht / 3600.0)
                } else {
                    format!("{aht:.1} s")
                }
            );
        }
    }

    /// With no zone given and an offset on every timestamp, reads the rows in the zone those
    /// offsets fit (London first), so days and hours are the centre's own.
    fn zone_from_offsets(&mut self, rows: &mut [Vec<Row>]) {
        // Only offsets other than UTC's say where the centre is: a file stamped `Z` or `+00:00`
        // all year is an export in UTC, whatever the centre's zone (and London reads it right).
        if self.offsets.local
            || self.offsets.samples.is_empty()
            || self.offsets.samples.iter().all(|&(_, off)| off == 0)
        {
            return;
        }
        let Some(zone) = self.offsets.fitting_zone() else {
            return;
        };
        self.offsets.zone = Some(zone);
        if zone == self.tz {
            return;
        }
        tracing::info!(%zone, "time zone read from the timestamps' offsets");
        self.tz = zone;
        for row in rows.iter_mut().flatten() {
            row.start = row.start.with_timezone(&zone);
            let local = row.start.naive_local();
            row.local_sod = local.num_seconds_from_midnight();
            row.local_date = local.date();
        }
    }

    fn parse_start(
        &mut self,
        s: &str,
        label: Option<u32>,
        line: u64,
        col: (usize, &str),
    ) -> Option<DateTime<Tz>> {
        let builtin = self.options.timestamp_format.is_none();
        if builtin {
            self.note_slash_date(s, line);
        }
        let stamp = match parse_timestamp(s, self.options.timestamp_format.as_deref()) {
            Ok(stamp) => stamp,
            Err(m) => {
                let us_like = builtin && slash_date(s).is_some_and(|(a, b, _)| a <= 12 && b > 12);
                if us_like {
                    // Reported once for the file if its dates turn out to be US.
                    if self.slash.month_errors.len() < MAX_DIAGNOSTICS {
                        self.slash
                            .month_errors
                            .push((line, (col.0, col.1.to_string()), m));
                    }
                } else {
                    self.diags.push(Some(line), Some(col), m);
                }
                return None;
            }
        };
        match stamp {
            Stamp::Fixed(t) => {
                self.offsets.note(&t);
                Some(t.with_timezone(&self.tz))
            }
            Stamp::Local(naive) => {
                self.offsets.local = true;
                self.local_start(naive, label, line, col)
            }
        }
    }

    /// A local wall-clock start placed in the centre's zone: the fold hour by order of
    /// appearance, the skipped hour as the options say.
    fn local_start(
        &mut self,
        naive: NaiveDateTime,
        label: Option<u32>,
        line: u64,
        col: (usize, &str),
    ) -> Option<DateTime<Tz>> {
        match self.tz.from_local_datetime(&naive) {
            LocalResult::Single(t) => Some(t),
            LocalResult::Ambiguous(early, late) => {
                // First occurrence (per export label, in file order) is summer time, the next
                // winter.
                let key = (label.unwrap_or(u32::MAX), naive);
                let seen = self.fold_seen.entry(key).or_insert(0);
                *seen += 1;
                Some(if *seen == 1 { early } else { late })
            }
            LocalResult::None if self.options.missing_local_time != MissingLocalTime::Error => {
                self.missing_local += 1;
                match self.options.missing_local_time {
                    MissingLocalTime::Shift => self
                        .tz
                        .from_local_datetime(&(naive + chrono::Duration::hours(1)))
                        .earliest(),
                    _ => None,
                }
            }
            LocalResult::None => {
                self.diags.push(
                        Some(line),
                        Some(col),
                        format!(
                            "local time {} does not exist in {} (the clocks go forward); expected a time outside the skipped hour, or an offset (--on-missing-local-time drop|shift to leave such rows out or read them an hour later)",
                            naive.format("%Y-%m-%d %H:%M"),
                            self.tz
                        ),
                    );
                None
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Per-channel checks and re-gridding

    fn build(&mut self, rows: Vec<Vec<Row>>) -> (Option<History>, Vec<ChannelSource>, bool) {
        let _span = tracing::info_span!("regrid", rows = rows.iter().map(Vec::len).sum::<usize>())
            .entered();
        let mut groups: Vec<(u32, Vec<Row>)> = rows
            .into_iter()
            .enumerate()
            .filter(|(_, g)| !g.is_empty())
            .map(|(c, mut g)| {
                g.sort_by(|a, b| a.start.cmp(&b.start).then(a.line.cmp(&b.line)));
                (c as u32, g)
            })
            .collect();
        // Duplicates, then source steps.
        let mut steps: Vec<Option<u32>> = Vec::with_capacity(groups.len());
        for (channel, g) in &mut groups {
            let name = self.channel_names[*channel as usize].clone();
            let mut kept: Vec<Row> = Vec::with_capacity(g.len());
            let mut labels_here: Vec<u32> = Vec::new();
            for row in g.drain(..) {
                match kept.last_mut() {
                    Some(prev) if prev.start == row.start && !labels_here.contains(&row.label) => {
                        // Another queue of the same channel: add it in.
                        labels_here.push(row.label);
                        prev.counts = match (prev.counts, row.counts) {
                            (Some(a), Some(b)) => {
                                let merged = merge_queues(&a, &b);
                                if merged.is_none() {
                                    self.diags.push(
                                        Some(row.line),
                                        None,
                                        format!("channel {name}: offered summed over its queues exceeds 4,294,967,295"),
                                    );
                                }
                                merged
                            }
                            _ => None,
                        };
                    }
                    Some(prev) if prev.start == row.start => {
                        let first_line = prev.line;
                        self.diags.push_interval(
                            Some(row.line),
                            format!(
                                "duplicate interval: channel {name} at {} is already on line {first_line}; expected one row per channel and interval",
                                crate::history::rfc3339(&row.start)
                            ),
                        );
                    }
                    _ => {
                        labels_here.clear();
                        labels_here.push(row.label);
                        kept.push(row);
                    }
                }
            }
            *g = kept;
            steps.push(self.infer_step(&name, g, self.options.interval.map(|l| l.seconds())));
        }
        let interval_inferred = self.options.interval.is_none();
        let length = match self.options.interval {
            Some(l) => l,
            None => {
                let finest = steps.iter().flatten().min().copied().unwrap_or(15 * 60);
                IntervalLength::ALL
                    .into_iter()
                    .find(|l| l.seconds() % finest == 0)
                    .unwrap_or(IntervalLength::M60)
            }
        };
        let grid = IntervalGrid::new(length, self.tz);
        let mut records = Vec::new();
        let mut sources = Vec::new();
        for ((channel, g), step) in groups.iter().zip(steps) {
            let name = self.channel_names[*channel as usize].clone();
            let step = step.unwrap_or(length.seconds());
            let aligned_ok = self.check_alignment(&name, g, step);
            let incomplete = if aligned_ok {
                self.regrid(&name, g, step, &grid, &mut records)
            } else {
                0
            };
            sources.push(ChannelSource {
                channel: name,
                rows: g.len(),
                step_minutes: step / 60,
                incomplete_intervals: incomplete,
            });
        }
        sources.sort_by(|a, b| a.channel.cmp(&b.channel));
        if !self.diags.is_empty() {
            return (None, sources, interval_inferred);
        }
        match History::new(grid, records) {
            Ok(h) => (Some(h), sources, interval_inferred),
            Err(e) => {
                self.diags.push(None, None, e.to_string());
                (None, sources, interval_inferred)
            }
        }
    }

    /// The source step (seconds) of a channel; `None` with fewer than two rows (or when the step
    /// cannot be used, which is reported).
    ///
    /// The step is the most common gap between consecutive interval starts (ties: the shortest).
    /// Exports that leave out empty intervals make gaps longer than the step, so a most common gap
    /// that does not divide an hour is reduced to the largest step that divides both (45 -> 15
    /// minutes) as long as that is at least 5 minutes. When many rows (over a tenth, and more
    /// than three) fall between the steps, the data are sparse at a finer step: the step is the
    /// finest one all rows sit on. With a known centre interval, a step coarser than it is only
    /// believed (and the data split) when it is also the exact gap of at least half the rows and
    /// every row sits on it; otherwise the rows are read as sparse data on the centre's own grid.
    fn infer_step(&mut self, name: &ChannelName, g: &[Row], length: Option<u32>) -> Option<u32> {
        let mut gaps: HashMap<i64, usize> = HashMap::new();
        for w in g.windows(2) {
            let gap = (w[1].start - w[0].start).num_seconds();
            *gaps.entry(gap).or_insert(0) += 1;
        }
        let n_gaps = g.len().saturating_sub(1);
        let (gap, count) = gaps
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
        let mut step = if gap > 0 && 3600 % gap == 0 {
            gap
        } else {
            gcd(gap.max(1), 3600)
        };
        if gap <= 0 || step % 60 != 0 || (step != gap && step < 300) {
            self.diags.push_interval(
                g.first().map(|r| r.line),
                format!(
                    "channel {name}: the most common gap between interval starts is {}; expected a step that divides an hour \
                     (5, 6, 10, 15, 20, 30 or 60 minutes)",
                    describe_seconds(gap)
                ),
            );
            return None;
        }
        let off_step = g
            .iter()
            .filter(|r| i64::from(r.local_sod) % step != 0)
            .count();
        if off_step > 3 && off_step * 10 > g.len() {
            let finest = g
                .iter()
                .fold(step, |acc, r| gcd(acc, i64::from(r.local_sod)));
            if finest >= 60 && finest % 60 == 0 {
                step = finest;
            }
        }
        if let Some(length) = length.map(i64::from) {
            let all_on_grid = g.iter().all(|r| i64::from(r.local_sod) % length == 0);
            if step > length && step % length == 0 && all_on_grid {
                let all_on_step = g.iter().all(|r| i64::from(r.local_sod) % step == 0);
                let coarse = gap == step && count * 2 >= n_gaps && all_on_step;
                if !coarse {
                    step = length;
                }
            }
        }
        Some(step as u32)
    }

    /// Checks that every interval start of a channel is on its step; reports runs of days at
    /// another granularity as one "mixed granularities" problem and other strays row by row.
    /// Returns true when the channel is clean.
    fn check_alignment(&mut self, name: &ChannelName, g: &[Row], step: u32) -> bool {
        let mut clean = true;
        // (kind, step of the run, first date, last date, first line, last line)
        let mut run: Option<(bool, u32, NaiveDate, NaiveDate, u64, u64)> = None;
        let flush =
            |this: &mut Self, run: &mut Option<(bool, u32, NaiveDate, NaiveDate, u64, u64)>| {
                if let Some((finer, day_step, d0, d1, l0, l1)) = run.take() {
                    this.diags.push_interval(
                    Some(l0),
                    format!(
                        "channel {name}: {}-minute intervals on {d0}..{d1} (lines {l0}-{l1}) but {}-minute intervals elsewhere \
                         (its most common step): mixed granularities in one channel; expected one interval length per channel{}",
                        day_step / 60,
                        step / 60,
                        if finer { "" } else { " (re-export the coarser days at the finer step, or read them from a separate file)" }
                    ),
                );
                }
            };
        let mut i = 0;
        while i < g.len() {
            let date = g[i].local_date;
            let mut j = i;
            while j < g.len() && g[j].local_date == date {
                j += 1;
            }
            let day = &g[i..j];
            i = j;
            let misaligned = day.iter().filter(|r| r.local_sod % step != 0).count();
            let class = day_granularity(day, step, misaligned > 0);
            match class {
                Some((finer, day_step)) => {
                    clean = false;
                    let (l0, l1) = (
                        day.iter().map(|r| r.line).min().unwrap_or(0),
                        day.iter().map(|r| r.line).max().unwrap_or(0),
                    );
                    match &mut run {
                        Some((f, s, _, d1, r0, r1)) if *f == finer && *s == day_step => {
                            *d1 = date;
                            *r0 = (*r0).min(l0);
                            *r1 = (*r1).max(l1);
                        }
                        _ => {
                            flush(self, &mut run);
                            run = Some((finer, day_step, date, date, l0, l1));
                        }
                    }
                }
                None => {
                    flush(self, &mut run);
                    if misaligned > 0 {
                        clean = false;
                        for r in day.iter().filter(|r| r.local_sod % step != 0) {
                            self.diags.push_interval(
                                Some(r.line),
                                format!(
                                    "interval starting {} overlaps the {}-minute intervals of channel {name}; expected a start on a multiple of {} minutes after midnight",
                                    r.start.naive_local().format("%Y-%m-%d %H:%M:%S"),
                                    step / 60,
                                    step / 60
                                ),
                            );
                        }
                    }
                }
            }
        }
        flush(self, &mut run);
        clean
    }

    /// Moves a channel's rows onto the centre grid (sum or even split); returns how many grid
    /// intervals were summed from fewer source rows than they span.
    fn regrid(
        &mut self,
        name: &ChannelName,
        g: &[Row],
        step: u32,
        grid: &IntervalGrid,
        out: &mut Vec<HistoryRecord>,
    ) -> usize {
        let length = grid.length.seconds();
        let push = |this: &mut Self,
                    out: &mut Vec<HistoryRecord>,
                    start: DateTime<Tz>,
                    counts: IntervalCounts,
                    line: u64| {
            match HistoryRecord::new(start, name.clone(), counts) {
                Ok(r) => out.push(r),
                Err(e) => this.diags.push(Some(line), None, e.to_string()),
            }
        };
        if step == length {
            for r in g {
                if let Some(c) = r.counts {
                    push(self, out, r.start, c, r.line);
                }
            }
            0
        } else if length % step == 0 {
            let mut incomplete = 0;
            let mut i = 0;
            while i < g.len() {
                let bucket = grid.floor(&g[i].start);
                let next = grid.next_start(&bucket);
                let mut j = i;
                while j < g.len() && g[j].start < next {
                    j += 1;
                }
                let part = &g[i..j];
                let expected = ((next - bucket).num_seconds() / i64::from(step)).max(1) as usize;
                if part.len() < expected {
                    incomplete += 1;
                }
                let line = part[0].line;
                i = j;
                if part.iter().any(|r| r.counts.is_none()) {
                    continue;
                }
                match sum_counts(part.iter().filter_map(|r| r.counts)) {
                    Some(c) => push(self, out, bucket, c, line),
                    None => self.diags.push(
                        Some(line),
                        None,
                        format!("channel {name}: offered in the interval starting at this row exceeds 4,294,967,295"),
                    ),
                }
            }
            incomplete
        } else if step % length == 0 {
            let k = (step / length) as usize;
            let order = spread_order(k);
            for r in g {
                let Some(c) = r.counts else { continue };
                let mut starts = Vec::with_capacity(k);
                let mut t = r.start;
                for _ in 0..k {
                    starts.push(t);
                    t = grid.next_start(&t);
                }
                for (p, start) in split_counts(&c, k, &order).into_iter().zip(starts) {
                    push(self, out, start, p, r.line);
                }
            }
            0
        } else {
            self.diags.push_interval(
                g.first().map(|r| r.line),
                format!(
                    "channel {name}: {}-minute source intervals cannot be re-gridded to {}-minute intervals; \
                     expected a step that divides {} minutes or is a multiple of it",
                    step / 60,
                    length / 60,
                    length / 60
                ),
            );
            0
        }
    }
}

/// Classifies a day of a channel whose step is `step`: `Some((true, f))` when the day is at a finer
/// step `f` (dividing `step`), `Some((false, c))` when it is consistently at a coarser step `c`,
/// `None` when it is at the channel's step (or too irregular to call: strays are reported one by
/// one).
fn day_granularity(day: &[Row], step: u32, has_misaligned: bool) -> Option<(bool, u32)> {
    let mut gaps: HashMap<i64, usize> = HashMap::new();
    for w in day.windows(2) {
        *gaps
            .entry((w[1].start - w[0].start).num_seconds())
            .or_insert(0) += 1;
    }
    let n_gaps = day.len().saturating_sub(1);
    let (gap, count) = gaps
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
    if gap <= 0 || gap % 60 != 0 || 3600 % gap != 0 {
        return None;
    }
    let gap = gap as u32;
    let all_on = |s: u32| day.iter().all(|r| r.local_sod % s == 0);
    if has_misaligned {
        (gap < step && step % gap == 0 && all_on(gap)).then_some((true, gap))
    } else {
        // Demand a full, regular day so that sparse exports (zero rows left out) are not mistaken
        // for coarser data.
        (gap > step && gap % step == 0 && day.len() >= 12 && count * 4 >= n_gaps * 3 && all_on(gap))
            .then_some((false, gap))
    }
}

/// Sums source intervals into one centre interval: counts add up (`None` unless every row has
/// the value), AHT and ASA are weighted by handled (by offered where handled is missing), agents
/// staffed is the mean of the rows that report it. `None` when offered overflows `u32`.
fn sum_counts(parts: impl Iterator<Item = IntervalCounts>) -> Option<IntervalCounts> {
    let mut n = 0usize;
    let mut offered = 0u64;
    let (mut handled, mut handled_n) = (0u64, 0usize);
    let (mut abandoned, mut abandoned_n) = (0u64, 0usize);
    let mut aht = Weighted::default();
    let mut asa = Weighted::default();
    let (mut agents, mut agents_n) = (0f64, 0usize);
    for c in parts {
        n += 1;
        offered += u64::from(c.offered);
        if let Some(h) = c.handled {
            handled += u64::from(h);
            handled_n += 1;
        }
        if let Some(a) = c.abandoned {
            abandoned += u64::from(a);
            abandoned_n += 1;
        }
        let w = f64::from(c.handled.unwrap_or(c.offered));
        aht.add(c.aht_seconds, w);
        asa.add(c.asa_seconds, w);
        if let Some(s) = c.agents_staffed {
            agents += s;
            agents_n += 1;
        }
    }
    Some(IntervalCounts {
        offered: u32::try_from(offered).ok()?,
        handled: if handled_n == n {
            u32::try_from(handled).ok()
        } else {
            None
        },
        abandoned: if abandoned_n == n {
            u32::try_from(abandoned).ok()
        } else {
            None
        },
        aht_seconds: aht.mean(),
        asa_seconds: asa.mean(),
        agents_staffed: (agents_n > 0).then(|| agents / agents_n as f64),
    })
}

/// Adds the same interval of two queues that feed one channel: counts and agents add up, AHT
/// and ASA are weighted by handled (by offered where handled is missing). `None` on overflow.
fn merge_queues(a: &IntervalCounts, b: &IntervalCounts) -> Option<IntervalCounts> {
    let add = |x: Option<u32>, y: Option<u32>| match (x, y) {
        (Some(x), Some(y)) => x.checked_add(y).map(Some),
        _ => Some(None),
    };
    let mean = |x: Option<f64>, y: Option<f64>| {
        let mut w = Weighted::default();
        w.add(x, f64::from(a.handled.unwrap_or(a.offered)));
        w.add(y, f64::from(b.handled.unwrap_or(b.offered)));
        w.mean()
    };
    Some(IntervalCounts {
        offered: a.offered.checked_add(b.offered)?,
        handled: add(a.handled, b.handled)?,
        abandoned: add(a.abandoned, b.abandoned)?,
        aht_seconds: mean(a.aht_seconds, b.aht_seconds),
        asa_seconds: mean(a.asa_seconds, b.asa_seconds),
        agents_staffed: match (a.agents_staffed, b.agents_staffed) {
            (Some(x), Some(y)) => Some(x + y),
            _ => None,
        },
    })
}

/// A weighted mean that falls back to the plain mean when every weight is zero (an interval
/// with no handled contacts still reporting an AHT).
#[derive(Default)]
struct Weighted {
    num: f64,
    den: f64,
    plain: f64,
    n: usize,
}

impl Weighted {
    fn add(&mut self, value: Option<f64>, weight: f64) {
        if let Some(v) = value {
            self.num += v * weight;
            self.den += weight;
            self.plain += v;
            self.n += 1;
        }
    }
    fn mean(&self) -> Option<f64> {
        if self.n == 0 {
            None
        } else if self.den > 0.0 {
            Some(self.num / self.den)
        } else {
            Some(self.plain / self.n as f64)
        }
    }
}

/// The order in which parts of a split interval receive the leftover contacts: the radical
/// inverse (base 2) order, which spreads them over the hour (`[0, 2, 1, 3]` for four parts).
fn spread_order(k: usize) -> Vec<usize> {
    let radical = |mut j: usize| {
        let (mut inv, mut base) = (0f64, 0.5f64);
        while j > 0 {
            if j & 1 == 1 {
                inv += base;
            }
            base /= 2.0;
            j >>= 1;
        }
        inv
    };
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|a, b| radical(*a).total_cmp(&radical(*b)));
    order
}

/// Splits `n` into `order.len()` parts by the largest-remainder method, ties broken by `order`:
/// monotone in `n` part by part.
fn split_count(n: u32, order: &[usize]) -> Vec<u32> {
    let k = order.len() as u32;
    let (base, rest) = (n / k, n % k);
    let mut parts = vec![base; order.len()];
    for &j in order.iter().take(rest as usize) {
        parts[j] += 1;
    }
    parts
}

/// Splits one coarse interval into `k` centre intervals (see the module docs).
fn split_counts(c: &IntervalCounts, k: usize, order: &[usize]) -> Vec<IntervalCounts> {
    let offered = split_count(c.offered, order);
    let handled = c.handled.map(|h| split_count(h, order));
    // Split handled + abandoned together so that each part keeps handled + abandoned <= offered.
    let answered_or_left = c
        .abandoned
        .map(|a| split_count(c.handled.unwrap_or(0).saturating_add(a), order));
    (0..k)
        .map(|j| IntervalCounts {
            offered: offered[j],
            handled: handled.as_ref().map(|h| h[j]),
            abandoned: answered_or_left
                .as_ref()
                .map(|t| t[j] - handled.as_ref().map_or(0, |h| h[j])),
            aht_seconds: c.aht_seconds,
            asa_seconds: c.asa_seconds,
            agents_staffed: c.agents_staffed,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Cells

fn read_error_message(e: &csv::Error, gzip: bool) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) if gzip => {
            format!("cannot read the gzip stream: {io}; expected a complete .csv.gz file")
        }
        csv::ErrorKind::Io(io) => format!("cannot read the file: {io}"),
        _ => format!("cannot read CSV: {e}"),
    }
}

/// Turns an export label into a channel name: lowercase, runs of spaces and punctuation other
/// than `-` become `_` (`"Main Queue"` -> `main_queue`).
fn channel_slug(label: &str) -> String {
    if ChannelName::parse(label).is_ok() {
        return label.to_string();
    }
    let mut out = String::with_capacity(label.len());
    let mut pending = false;
    for c in label.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            if pending && !out.is_empty() {
                out.push('_');
            }
            pending = false;
            out.push(c.to_ascii_lowercase());
        } else if c.is_whitespace() || c.is_ascii_punctuation() {
            pending = true;
        } else {
            // Leave other characters in so the name is rejected with a clear message.
            out.push(c);
        }
    }
    out
}

fn is_missing(s: &str) -> bool {
    s.is_empty()
        || s == "-"
        || s.eq_ignore_ascii_case("na")
        || s.eq_ignore_ascii_case("n/a")
        || s.eq_ignore_ascii_case("null")
}

/// A count of contacts: a whole number >= 0 (`12`, `12.0`); empty/`-`/`NA` is missing when the
/// column is optional.
fn parse_count(s: &str, required: bool) -> Result<Option<u32>, String> {
    if is_missing(s) {
        return if required {
            Err("empty cell; expected a whole number of contacts".into())
        } else {
            Ok(None)
        };
    }
    let too_many = || {
        Err(format!(
            "count {} is implausible for one interval; expected 0 to {} contacts",
            shown(s),
            crate::summary::thousands(u64::from(MAX_OFFERED_PER_INTERVAL))
        ))
    };
    if let Ok(v) = s.parse::<u32>() {
        if v > MAX_OFFERED_PER_INTERVAL {
            return too_many();
        }
        return Ok(Some(v));
    }
    if let Ok(v) = s.parse::<f64>() {
        if v.is_finite() && v < 0.0 {
            return Err(format!(
                "negative count {}; expected a whole number >= 0",
                shown(s).trim_matches('"')
            ));
        }
        if v.is_finite() && v > f64::from(MAX_OFFERED_PER_INTERVAL) {
            return too_many();
        }
        if v.is_finite() && v.fract() == 0.0 {
            return Ok(Some(v as u32));
        }
    }
    Err(format!(
        "expected a whole number of contacts, found {}",
        shown(s)
    ))
}

/// An average: a finite number >= 0; for durations also `mm:ss` or `h:mm:ss`.
/// An AHT cell in `unit`, as seconds.
fn parse_aht(s: &str, unit: AhtUnit) -> Result<Option<f64>, String> {
    if is_missing(s) || s.contains(':') || unit == AhtUnit::Seconds {
        return parse_average(s, true);
    }
    match unit.seconds_per_unit() {
        Some(k) => parse_average(s, false)
            .map(|v| v.map(|v| v * k))
            .map_err(|_| {
                format!(
                    "expected a handle time in {} (a number >= 0) or mm:ss / h:mm:ss, found {}",
                    unit.as_str(),
                    shown(s)
                )
            }),
        None => Err(format!(
            "expected a handle time as mm:ss or h:mm:ss (the configured unit), found {}",
            shown(s)
        )),
    }
}

fn parse_average(s: &str, duration: bool) -> Result<Option<f64>, String> {
    if is_missing(s) {
        return Ok(None);
    }
    let v = if duration && s.contains(':') {
        parse_clock_duration(s)
    } else {
        s.parse::<f64>().ok()
    };
    match v {
        Some(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
        Some(v) if v < 0.0 => Err(format!(
            "negative value {}; expected a number >= 0",
            shown(s).trim_matches('"')
        )),
        _ if duration => Err(format!(
            "expected seconds (e.g. 912 or 912.5) or mm:ss / h:mm:ss, found {}",
            shown(s)
        )),
        _ => Err(format!("expected a number >= 0, found {}", shown(s))),
    }
}

/// `mm:ss`, `h:mm:ss` (fractions of a second allowed) as seconds.
fn parse_clock_duration(s: &str) -> Option<f64> {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let mut total = 0f64;
    for (i, p) in parts.iter().enumerate() {
        let last = i == parts.len() - 1;
        let v: f64 = if last {
            p.parse().ok()?
        } else {
            f64::from(p.parse::<u32>().ok()?)
        };
        if i > 0 && v >= 60.0 {
            return None;
        }
        total = total * 60.0 + v;
    }
    Some(total)
}

/// The UTC offsets a file's timestamps carry, sampled where they change (the instants just before
/// and at each change, and the first), to find the zone they fit.
#[derive(Debug, Default)]
struct OffsetSamples {
    /// (instant, offset seconds east of UTC).
    samples: Vec<(i64, i32)>,
    /// The last stamp seen.
    last: Option<(i64, i32)>,
    /// A timestamp without an offset was seen: nothing to infer from.
    local: bool,
    /// The zone found.
    zone: Option<Tz>,
}

impl OffsetSamples {
    /// Most samples kept (a change of offset twice a year over 20 years is 80).
    const MAX: usize = 4096;

    fn note(&mut self, t: &DateTime<FixedOffset>) {
        let this = (t.timestamp(), t.offset().local_minus_utc());
        match self.last {
            None => self.samples.push(this),
            Some(prev) if prev.1 != this.1 && self.samples.len() + 2 <= Self::MAX => {
                self.samples.push(prev);
                self.samples.push(this);
            }
            _ => {}
        }
        self.last = Some(this);
    }

    /// The zone whose offset equals the file's at every sample: Europe/London first, then the
    /// zones contact centres most often run in, then every IANA zone; `None` if none fits.
    fn fitting_zone(&self) -> Option<Tz> {
        let mut samples = self.samples.clone();
        samples.extend(self.last);
        let fits = |z: &Tz| {
            samples.iter().all(|&(t, off)| {
                chrono::DateTime::from_timestamp(t, 0).is_some_and(|utc| {
                    use chrono::Offset;
                    z.offset_from_utc_datetime(&utc.naive_utc())
                        .fix()
                        .local_minus_utc()
                        == off
                })
            })
        };
        const PREFERRED: [Tz; 14] = [
            DEFAULT_TIME_ZONE,
            chrono_tz::Europe::Dublin,
            chrono_tz::Europe::Paris,
            chrono_tz::Europe::Berlin,
            chrono_tz::America::New_York,
            chrono_tz::America::Chicago,
            chrono_tz::America::Denver,
            chrono_tz::America::Phoenix,
            chrono_tz::America::Los_Angeles,
            chrono_tz::America::Toronto,
            chrono_tz::Australia::Sydney,
            chrono_tz::Asia::Kolkata,
            chrono_tz::Asia::Singapore,
            chrono_tz::Pacific::Auckland,
        ];
        PREFERRED
            .iter()
            .chain(chrono_tz::TZ_VARIANTS.iter())
            .find(|z| fits(z))
            .copied()
    }
}

/// A timestamp as found in an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stamp {
    /// Local wall-clock time in the centre's zone.
    Local(NaiveDateTime),
    /// An instant with its UTC offset.
    Fixed(DateTime<FixedOffset>),
}

/// The start of a time-of-day cell as `HH:MM[:SS]`: `08:00`, `8:00`, `08:00:00`, or the start of a
/// range `08:00-08:30` / `08:00 - 08:30` / `08:00 to 08:30`, as CMS interval reports write them.
fn time_of_day(s: &str) -> Result<String, String> {
    let start = s
        .split(['-', '\u{2013}'])
        .next()
        .unwrap_or(s)
        .split(" to ")
        .next()
        .unwrap_or(s)
        .trim();
    let parts: Vec<&str> = start.split(':').collect();
    let number = |p: &str, max: u32| {
        p.len() <= 2 && !p.is_empty() && p.parse::<u32>().is_ok_and(|v| v <= max)
    };
    let ok = matches!(parts.len(), 2 | 3)
        && number(parts[0], 23)
        && parts[1].len() == 2
        && number(parts[1], 59)
        && (parts.len() == 2 || (parts[2].len() == 2 && number(parts[2], 59)));
    if !ok {
        return Err(format!(
            "expected a time of day such as 08:00 or an interval such as 08:00-08:30, found {}",
            shown(s)
        ));
    }
    Ok(format!("{:0>2}:{}", parts[0], parts[1..].join(":")))
}

fn parse_timestamp(s: &str, format: Option<&str>) -> Result<Stamp, String> {
    if let Some(fmt) = format {
        let with_offset = fmt.contains("%z")
            || fmt.contains("%:z")
            || fmt.contains("%#z")
            || fmt.contains("%::z");
        let parsed = if with_offset {
            DateTime::parse_from_str(s, fmt).ok().map(Stamp::Fixed)
        } else {
            NaiveDateTime::parse_from_str(s, fmt).ok().map(Stamp::Local)
        };
        if let Some(p) = parsed {
            return Ok(p);
        }
    }
    match parse_builtin_timestamp(s) {
        Some(Ok(stamp)) => Ok(stamp),
        Some(Err(m)) => Err(m),
        None => Err(format!(
            "expected a timestamp such as 2026-11-23T08:00:00+00:00, 2026-11-23 08:00 or 23/11/2026 08:00{}, found {}",
            format.map(|f| format!(" (or the configured format {f:?})")).unwrap_or_default(),
            shown(s)
        )),
    }
}

/// A tiny cursor over ASCII bytes for the built-in timestamp forms (faster than trying several
/// `chrono` formats on every row).
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        let mut v: u32 = 0;
        while self.i < self.b.len() && self.i - start < max && self.b[self.i].is_ascii_digit() {
            v = v * 10 + u32::from(self.b[self.i] - b'0');
            self.i += 1;
        }
        (self.i - start >= min).then_some(v)
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn done(&self) -> bool {
        self.i == self.b.len()
    }
}

/// `None` when the text is in no built-in form; `Some(Err)` when it is, but names no real date
/// or time.
fn parse_builtin_timestamp(s: &str) -> Option<Result<Stamp, String>> {
    let mut c = Cursor {
        b: s.as_bytes(),
        i: 0,
    };
    let first = c.digits(1, 4)?;
    let (y, m, d) = if c.i == 4 && c.eat(b'-') {
        let m = c.digits(2, 2)?;
        if !c.eat(b'-') {
            return None;
        }
        (first as i32, m, c.digits(2, 2)?)
    } else if c.i <= 2 && c.eat(b'/') {
        let m = c.digits(1, 2)?;
        if !c.eat(b'/') {
            return None;
        }
        let y = c.digits(4, 4)?;
        (y as i32, m, first)
    } else {
        return None;
    };
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return None;
    }
    while c.eat(b' ') {}
    let hh = c.digits(1, 2)?;
    if !c.eat(b':') {
        return None;
    }
    let mm = c.digits(2, 2)?;
    let (mut ss, mut nanos) = (0, 0);
    if c.eat(b':') {
        ss = c.digits(2, 2)?;
        if c.eat(b'.') || c.eat(b',') {
            let start = c.i;
            let frac = c.digits(1, 9)?;
            nanos = frac * 10u32.pow((9 - (c.i - start)) as u32);
        }
    }
    while c.eat(b' ') {}
    let offset = if c.done() {
        None
    } else if c.eat(b'Z') || c.eat(b'z') {
        Some(0)
    } else {
        let sign = match c.peek() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return None,
        };
        c.i += 1;
        let oh = c.digits(2, 2)?;
        c.eat(b':');
        let om = if c.done() { 0 } else { c.digits(2, 2)? };
        if oh > 23 || om > 59 {
            return Some(Err(format!(
                "offset in {} is out of range; expected -23:59..+23:59",
                shown(s)
            )));
        }
        Some(sign * (oh * 3600 + om * 60) as i32)
    };
    if !c.done() {
        return None;
    }
    let Some(date) = NaiveDate::from_ymd_opt(y, m, d) else {
        return Some(Err(format!(
            "{} is not a real date; expected year-month-day or day/month/year",
            shown(s)
        )));
    };
    let Some(time) = NaiveTime::from_hms_nano_opt(hh, mm, ss, nanos).filter(|_| ss < 60) else {
        return Some(Err(format!(
            "{} is not a real time of day; expected hours 0-23 and minutes 0-59",
            shown(s)
        )));
    };
    let naive = date.and_time(time);
    Some(Ok(match offset {
        None => Stamp::Local(naive),
        Some(secs) => {
            match FixedOffset::east_opt(secs).and_then(|o| o.from_local_datetime(&naive).single()) {
                Some(t) => Stamp::Fixed(t),
                None => return Some(Err(format!("{} has an invalid offset", shown(s)))),
            }
        }
    }))
}

fn gcd(a: i64, b: i64) -> i64 {
    let (mut a, mut b) = (a.abs(), b.abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn describe_seconds(s: i64) -> String {
    if s % 60 == 0 {
        format!("{} minutes", s / 60)
    } else {
        format!("{s} seconds")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::rfc3339;
    use proptest::prelude::*;

    fn read(csv: &str, options: &IngestOptions) -> Result<Ingested, HistoryErrors> {
        read_history_from(csv.as_bytes(), "t.csv", options)
    }

    #[test]
    fn the_zone_is_read_from_the_offsets_when_none_is_given() {
        // A New York export across the US spring change (8 March 2026): -05:00, then -04:00.
        let mut csv = String::from("interval_start,channel,offered\n");
        for day in 2..=13 {
            let off = if day < 8 { "-05:00" } else { "-04:00" };
            for hour in 8..18 {
                csv.push_str(&format!("2026-03-{day:02}T{hour:02}:00:00{off},voice,5\n"));
            }
        }
        let got = read(&csv, &IngestOptions::default()).unwrap();
        assert_eq!(
            got.report.zone_from_offsets,
            Some(chrono_tz::America::New_York)
        );
        let h = got.history;
        assert_eq!(h.grid().tz, chrono_tz::America::New_York);
        // The 08:00 rows are 08:00 local on both sides of the change, not 13:00/12:00 in London.
        let starts = |date: &str| -> Vec<String> {
            h.records()
                .iter()
                .filter(|r| r.offered() > 0)
                .map(|r| r.interval_start().format("%Y-%m-%d %H:%M %:z").to_string())
                .filter(|t| t.starts_with(date))
                .collect()
        };
        assert_eq!(
            starts("2026-03-02").first().map(String::as_str),
            Some("2026-03-02 08:00 -05:00")
        );
        assert_eq!(
            starts("2026-03-09").first().map(String::as_str),
            Some("2026-03-09 08:00 -04:00")
        );

        // Given a zone, the offsets are only instants: no inference.
        let london = IngestOptions {
            tz: Some(chrono_tz::Europe::London),
            ..IngestOptions::default()
        };
        assert_eq!(read(&csv, &london).unwrap().report.zone_from_offsets, None);
        // Local timestamps say nothing about the zone.
        let local =
            "interval_start,channel,offered\n2026-03-02 08:00,voice,5\n2026-03-02 09:00,voice,5\n";
        assert_eq!(
            read(local, &IngestOptions::default())
                .unwrap()
                .report
                .zone_from_offsets,
            None
        );
    }

    fn ok(csv: &str, options: &IngestOptions) -> History {
        match read(csv, options) {
            Ok(i) => i.history,
            Err(e) => panic!("unexpected errors:\n{e}"),
        }
    }

    fn errs(csv: &str, options: &IngestOptions) -> Vec<String> {
        match read(csv, options) {
            Ok(_) => panic!("expected errors"),
            Err(e) => e.diagnostics.iter().map(ToString::to_string).collect(),
        }
    }

    fn m15() -> IngestOptions {
        IngestOptions {
            interval: Some(IntervalLength::M15),
            ..IngestOptions::default()
        }
    }

    fn starts(h: &History) -> Vec<String> {
        h.records()
            .iter()
            .map(|r| rfc3339(&r.interval_start()))
            .collect()
    }

    #[test]
    fn row_cap_is_named() {
        let mut csv = String::from("interval_start,channel,offered\n");
        for i in 0..30 {
            csv.push_str(&format!(
                "2026-11-23 {:02}:{:02},voice,1\n",
                8 + i / 4,
                (i % 4) * 15
            ));
        }
        let opts = IngestOptions {
            limits: InputLimits {
                max_bytes: MAX_HISTORY_BYTES,
                max_rows: 20,
            },
            ..m15()
        };
        let e = read_history_from(csv.as_bytes(), "x.csv", &opts).unwrap_err();
        assert_eq!(e.cap, Some(CapExceeded::Rows(20)));
        assert!(
            e.to_string()
                .contains("x.csv:22: the history has more than 20 data rows"),
            "{e}"
        );
        let opts = IngestOptions {
            limits: InputLimits {
                max_bytes: 100,
                max_rows: 20,
            },
            ..m15()
        };
        let e = read_history_from(csv.as_bytes(), "x.csv", &opts).unwrap_err();
        assert_eq!(e.cap, Some(CapExceeded::Bytes(100)));
    }

    #[test]
    fn a_date_far_outside_the_bulk_is_mistyped_but_a_real_tail_is_not() {
        let mut csv = String::from("interval_start,channel,offered\n");
        for d in 0..200 {
            let day =
                chrono::NaiveDate::from_ymd_opt(2025, 1, 6).unwrap() + chrono::Duration::days(d);
            csv.push_str(&format!("{day} 09:00,voice,3\n"));
        }
        // Three years before the bulk but 5% of the rows: a real (older) tail, kept.
        let mut tail = String::new();
        for d in 0..12 {
            let day =
                chrono::NaiveDate::from_ymd_opt(2022, 1, 3).unwrap() + chrono::Duration::days(d);
            tail.push_str(&format!("{day} 09:00,voice,3\n"));
        }
        assert!(read_history_from(format!("{csv}{tail}").as_bytes(), "x.csv", &m15()).is_ok());
        // One row in 2062 (2026 with its digits swapped): rejected.
        let bad = format!("{csv}2062-03-02 09:00,voice,3\n");
        let e = read_history_from(bad.as_bytes(), "x.csv", &m15()).unwrap_err();
        assert_eq!(e.total(), 1, "{e}");
        assert!(
            e.to_string().contains(
                "x.csv:202:1: interval_start: 2062-03-02 09:00 is probably a mistyped date"
            ),
            "{e}"
        );
    }

    #[test]
    fn timestamp_forms() {
        for (text, want) in [
            ("2026-11-23T08:00:00+00:00", "2026-11-23T08:00:00+00:00"),
            ("2026-07-01T08:00:00+01:00", "2026-07-01T08:00:00+01:00"),
            ("2026-07-01T07:00:00Z", "2026-07-01T08:00:00+01:00"),
            ("2026-07-01 08:00", "2026-07-01T08:00:00+01:00"),
            ("2026-07-01 08:00:00", "2026-07-01T08:00:00+01:00"),
            ("2026-07-01T08:00", "2026-07-01T08:00:00+01:00"),
            ("01/07/2026 08:00", "2026-07-01T08:00:00+01:00"),
            ("1/7/2026 8:00:00", "2026-07-01T08:00:00+01:00"),
        ] {
            let h = ok(
                &format!("interval_start,channel,offered\n{text},voice,1\n"),
                &m15(),
            );
            assert_eq!(starts(&h), vec![want], "{text}");
        }
        let custom = IngestOptions {
            timestamp_format: Some("%d.%m.%Y %H.%M".into()),
            ..m15()
        };
        let h = ok(
            "interval_start,channel,offered\n01.07.2026 08.15,voice,1\n",
            &custom,
        );
        assert_eq!(starts(&h), vec!["2026-07-01T08:15:00+01:00"]);
        let e = errs(
            "interval_start,channel,offered\n2026-02-30 08:00,voice,1\n",
            &m15(),
        );
        assert!(e[0].contains("not a real date"), "{e:?}");
    }

    #[test]
    fn headers_are_matched_loosely_and_mapped() {
        let csv = "\u{feff}Interval Start, Queue ,Calls Offered,Answered,Abandoned,AHT,ASA,Staffed,Notes\n\
                   2026-11-23 08:00,Main Queue,10,7,3,12:30,95,4.5,x\n";
        let got = read(csv, &m15()).unwrap();
        let r = &got.history.records()[0];
        assert_eq!(r.channel().as_str(), "main_queue");
        assert_eq!(
            (r.offered(), r.handled(), r.abandoned()),
            (10, Some(7), Some(3))
        );
        assert_eq!(r.aht_seconds(), Some(750.0));
        assert_eq!(r.asa_seconds(), Some(95.0));
        assert_eq!(r.agents_staffed(), Some(4.5));
        assert_eq!(got.report.ignored_columns, vec!["Notes"]);

        let mut columns = ColumnMapping::new();
        columns.parse_assignment("offered=Volume In").unwrap();
        let mapped = IngestOptions { columns, ..m15() };
        let h = ok(
            "when,channel,Volume In\n2026-11-23 08:00,voice,4\n",
            &IngestOptions {
                columns: {
                    let mut c = mapped.columns.clone();
                    c.insert(Field::IntervalStart, "when");
                    c
                },
                ..m15()
            },
        );
        assert_eq!(h.records()[0].offered(), 4);
        let e = errs(
            "interval_start,channel,offered\n2026-11-23 08:00,voice,4\n",
            &mapped,
        );
        assert!(
            e[0].starts_with(
                "t.csv:1: column \"Volume In\" (mapped to offered) is not in the header"
            ),
            "{e:?}"
        );
    }

    #[test]
    fn missing_required_columns_are_reported_on_the_header_line() {
        let e = errs(
            "time,queue_size,offered_x\n2026-11-23 08:00,voice,4\n",
            &m15(),
        );
        assert_eq!(e.len(), 3, "{e:?}");
        for column in ["interval_start", "channel", "offered"] {
            let want = format!("t.csv:1: missing required column {column}");
            assert!(e.iter().any(|m| m.starts_with(&want)), "{want} in {e:?}");
        }
        let e = errs("", &m15());
        assert!(e[0].contains("empty"), "{e:?}");
        let e = errs("interval_start,channel,offered\n", &m15());
        assert!(e[0].contains("no data rows"), "{e:?}");
    }

    #[test]
    fn every_cell_error_is_reported_with_line_and_column() {
        let csv = "interval_start,channel,offered,handled,abandoned,aht_seconds\n\
                   2026-11-23 08:00,voice,12x,,,\n\
                   2026-13-23 08:15,voice,12,,,\n\
                   2026-11-23 08:30,voice,-3,,,\n\
                   2026-11-23 08:45,voice,10,8,5,\n\
                   2026-11-23 09:00,voice,10,,,abc\n\
                   2026-11-23 09:15,voice,10\n\
                   2026-11-23 09:30,Voice Queue!?,10,,,\n";
        let e = errs(csv, &m15());
        assert_eq!(
            e,
            vec![
                "t.csv:2:3: offered: expected a whole number of contacts, found \"12x\"",
                "t.csv:3:1: interval_start: \"2026-13-23 08:15\" is not a real date; expected year-month-day or day/month/year",
                "t.csv:4:3: offered: negative count -3; expected a whole number >= 0",
                "t.csv:5:5: abandoned: handled (8) + abandoned (5) = 13 exceeds offered (10); expected handled + abandoned <= offered",
                "t.csv:6:6: aht_seconds: expected seconds (e.g. 912 or 912.5) or mm:ss / h:mm:ss, found \"abc\"",
                "t.csv:7: row has 3 fields; expected 6 as in the header",
            ],
            "{e:#?}"
        );
        // "Voice Queue!?" becomes voice_queue, a valid channel without a configured list.
    }

    #[test]
    fn unknown_channels_with_a_channel_list() {
        let opts = IngestOptions {
            channels: Some(vec!["voice".parse().unwrap(), "chat".parse().unwrap()]),
            channel_aliases: vec![("Main Queue".into(), "voice".parse().unwrap())],
            ..m15()
        };
        let h = ok("interval_start,channel,offered\n2026-11-23 08:00,main queue,1\n2026-11-23 08:00,chat,2\n", &opts);
        assert_eq!(h.channels().len(), 2);
        let e = errs(
            "interval_start,channel,offered\n2026-11-23 08:00,email,1\n2026-11-23 08:15,email,1\n",
            &opts,
        );
        assert_eq!(e.len(), 2);
        assert!(
            e[0].starts_with(
                "t.csv:2:2: channel: unknown channel \"email\"; expected one of voice, chat"
            ),
            "{e:?}"
        );
        assert!(e[1].starts_with("t.csv:3:2:"), "{e:?}");
    }

    #[test]
    fn duplicates_and_overlaps() {
        let csv = "interval_start,channel,offered\n\
                   2026-11-23 08:00,voice,1\n\
                   2026-11-23 08:15,voice,1\n\
                   2026-11-23T08:15:00+00:00,voice,1\n\
                   2026-11-23 08:30,voice,1\n\
                   2026-11-23 08:40,voice,1\n\
                   2026-11-23 08:45,voice,1\n\
                   2026-11-23 08:15,chat,1\n";
        let e = errs(csv, &m15());
        assert_eq!(e.len(), 2, "{e:#?}");
        assert!(e[0].starts_with("t.csv:4:1: interval_start: duplicate interval: channel voice at 2026-11-23T08:15:00+00:00 is already on line 3"), "{e:?}");
        assert!(e[1].starts_with("t.csv:6:1: interval_start: interval starting 2026-11-23 08:40:00 overlaps the 15-minute intervals of channel voice"), "{e:?}");
    }

    #[test]
    fn mixed_granularities_are_one_problem_per_run_of_days() {
        let mut csv = String::from("interval_start,channel,offered\n");
        // Three days at 15 minutes, then two days at 30 minutes, 08:00-18:00.
        for day in 1..=5 {
            let step = if day <= 3 { 15 } else { 30 };
            let mut m = 8 * 60;
            while m < 18 * 60 {
                csv.push_str(&format!(
                    "2026-06-0{day} {:02}:{:02},voice,3\n",
                    m / 60,
                    m % 60
                ));
                m += step;
            }
        }
        let e = errs(&csv, &m15());
        assert_eq!(e.len(), 1, "{e:#?}");
        assert!(
            e[0].starts_with("t.csv:122:1: interval_start: channel voice: 30-minute intervals on 2026-06-04..2026-06-05 (lines 122-161) but 15-minute intervals elsewhere"),
            "{e:?}"
        );
    }

    #[test]
    fn steps_that_do_not_divide_an_hour_are_rejected() {
        let mut csv = String::from("interval_start,channel,offered\n");
        for i in 0..10 {
            csv.push_str(&format!(
                "2026-06-01 {:02}:{:02},voice,3\n",
                8 + (i * 7) / 60,
                (i * 7) % 60
            ));
        }
        let e = errs(&csv, &m15());
        assert!(
            e[0].contains("most common gap between interval starts is 7 minutes"),
            "{e:?}"
        );
        // 20-minute data divides an hour but neither divides nor is a multiple of 15 minutes.
        let csv = "interval_start,channel,offered\n2026-06-01 08:00,voice,1\n2026-06-01 08:20,voice,1\n2026-06-01 08:40,voice,1\n";
        let e = errs(csv, &m15());
        assert!(
            e[0].contains("20-minute source intervals cannot be re-gridded to 15-minute intervals"),
            "{e:?}"
        );
    }

    #[test]
    fn six_minute_data_is_summed_into_30_minutes() {
        let mut csv = String::from("interval_start,channel,offered,handled,abandoned,aht_seconds,asa_seconds,agents_staffed\n");
        for i in 0..10 {
            // 08:00..08:54; handled 2 each with AHT 100 in the first half hour, 300 in the second.
            let aht = if i < 5 { 100 } else { 300 };
            let handled = if i == 9 { 0 } else { 2 };
            csv.push_str(&format!(
                "2026-06-01 08:{:02},voice,3,{handled},1,{aht},10,{}\n",
                i * 6,
                i % 2 + 1
            ));
        }
        let got = read(
            &csv,
            &IngestOptions {
                interval: Some(IntervalLength::M30),
                ..IngestOptions::default()
            },
        )
        .unwrap();
        let h = got.history;
        assert_eq!(
            starts(&h),
            vec!["2026-06-01T08:00:00+01:00", "2026-06-01T08:30:00+01:00"]
        );
        let a = h.records()[0].counts();
        assert_eq!((a.offered, a.handled, a.abandoned), (15, Some(10), Some(5)));
        assert_eq!(a.aht_seconds, Some(100.0));
        assert_eq!(a.agents_staffed, Some(1.4)); // (1+2+1+2+1)/5
        let b = h.records()[1].counts();
        assert_eq!((b.offered, b.handled, b.abandoned), (15, Some(8), Some(5)));
        assert_eq!(b.aht_seconds, Some(300.0));
        assert_eq!(got.report.channels[0].step_minutes, 6);
        assert_eq!(got.report.channels[0].incomplete_intervals, 0);
        // Inferred interval: 6-minute data goes to 30 minutes (15 is not a multiple of 6).
        let inferred = read(&csv, &IngestOptions::default()).unwrap();
        assert_eq!(inferred.history.grid().length, IntervalLength::M30);
        assert!(inferred.report.interval_inferred);
    }

    #[test]
    fn weighted_aht_when_summing() {
        let csv = "interval_start,channel,offered,handled,aht_seconds\n\
                   2026-06-01 08:00,voice,4,3,100\n2026-06-01 08:15,voice,1,1,500\n";
        let opts = IngestOptions {
            interval: Some(IntervalLength::M30),
            ..IngestOptions::default()
        };
        let h = ok(csv, &opts);
        assert_eq!(h.records()[0].aht_seconds(), Some(200.0)); // (3*100 + 1*500) / 4
    }

    #[test]
    fn hourly_data_is_split_into_quarters_by_largest_remainder() {
        let csv = "interval_start,channel,offered,handled,abandoned,aht_seconds\n\
                   2026-06-01 08:00,voice,10,5,3,600\n\
                   2026-06-01 09:00,voice,3,2,1,\n\
                   2026-06-01 10:00,voice,4,1,1,\n";
        let got = read(csv, &m15()).unwrap();
        let h = got.history;
        assert_eq!(h.len(), 12);
        let offered: Vec<u32> = h.records().iter().map(|r| r.offered()).collect();
        // 10 = 2+2+2+2 + 2 left, given to parts 0 and 2; 3 = 0+0+0+0 + 3 left to parts 0, 2, 1.
        assert_eq!(offered, vec![3, 2, 3, 2, 1, 1, 1, 0, 1, 1, 1, 1]);
        for r in h.records() {
            let c = r.counts();
            assert!(c.handled.unwrap() + c.abandoned.unwrap() <= c.offered);
        }
        let handled: u32 = h.records()[..4].iter().map(|r| r.handled().unwrap()).sum();
        let abandoned: u32 = h.records()[..4]
            .iter()
            .map(|r| r.abandoned().unwrap())
            .sum();
        assert_eq!((handled, abandoned), (5, 3));
        assert!(h.records()[..4]
            .iter()
            .all(|r| r.aht_seconds() == Some(600.0)));
        assert_eq!(got.report.channels[0].step_minutes, 60);
    }

    #[test]
    fn split_is_monotone_so_parts_stay_consistent() {
        for k in [2usize, 4] {
            let order = spread_order(k);
            for n in 0..200u32 {
                let a = split_count(n, &order);
                let b = split_count(n + 1, &order);
                assert_eq!(a.iter().sum::<u32>(), n);
                assert!(a.iter().zip(&b).all(|(x, y)| x <= y));
                assert!(a.iter().max().unwrap() - a.iter().min().unwrap() <= 1);
            }
        }
        assert_eq!(spread_order(4), vec![0, 2, 1, 3]);
    }

    #[test]
    fn autumn_fold_first_occurrence_is_summer_time() {
        let mut csv = String::from("interval_start,channel,offered\n");
        for (t, n) in [
            ("00:45", 1),
            ("01:00", 2),
            ("01:15", 3),
            ("01:30", 4),
            ("01:45", 5),
            ("01:00", 6),
            ("01:15", 7),
            ("01:30", 8),
            ("01:45", 9),
            ("02:00", 10),
        ] {
            csv.push_str(&format!("2026-10-25 {t},voice,{n}\n"));
        }
        let h = ok(&csv, &m15());
        let got: Vec<(String, u32)> = h
            .records()
            .iter()
            .map(|r| (rfc3339(&r.interval_start()), r.offered()))
            .collect();
        assert_eq!(got[1], ("2026-10-25T01:00:00+01:00".to_string(), 2));
        assert_eq!(got[5], ("2026-10-25T01:00:00+00:00".to_string(), 6));
        assert_eq!(got[9], ("2026-10-25T02:00:00+00:00".to_string(), 10));
        // A third 01:00 is a duplicate.
        csv.push_str("2026-10-25 01:00,voice,11\n");
        let e = errs(&csv, &m15());
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with("t.csv:12:1: interval_start: duplicate interval"),
            "{e:?}"
        );
    }

    #[test]
    fn spring_gap_is_an_error() {
        let csv = "interval_start,channel,offered\n2026-03-29 00:45,voice,1\n2026-03-29 01:30,voice,1\n2026-03-29 02:00,voice,1\n";
        let e = errs(csv, &m15());
        assert_eq!(
            e,
            vec!["t.csv:3:1: interval_start: local time 2026-03-29 01:30 does not exist in Europe/London (the clocks go forward); expected a time outside the skipped hour, or an offset (--on-missing-local-time drop|shift to leave such rows out or read them an hour later)"]
        );
    }

    #[test]
    fn diagnostics_are_capped_and_counted() {
        let mut csv = String::from("interval_start,channel,offered\n");
        for i in 0..300 {
            csv.push_str(&format!(
                "2026-06-{:02} {:02}:00,voice,x{i}\n",
                1 + i / 24,
                i % 24
            ));
        }
        let e = read(&csv, &m15()).unwrap_err();
        assert_eq!(e.diagnostics.len(), MAX_DIAGNOSTICS);
        assert_eq!(e.omitted, 100);
        assert_eq!(e.diagnostics[0].line, Some(2));
        assert!(e.to_string().ends_with("... and 100 more problems\n"));
    }

    #[test]
    fn gzip_is_sniffed_not_guessed_from_the_name() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"interval_start,channel,offered\n2026-06-01 08:00,voice,7\n")
            .unwrap();
        let bytes = gz.finish().unwrap();
        let got = read_history_from(&bytes[..], "export.csv", &m15()).unwrap();
        assert!(got.report.gzip);
        assert_eq!(got.history.records()[0].offered(), 7);
        // A truncated stream is reported, not a panic.
        let cut = &bytes[..bytes.len() - 6];
        assert!(read_history_from(cut, "export.csv.gz", &m15()).is_err());
    }

    fn config() -> crate::config::CentreConfig {
        crate::config::CentreConfig::from_toml_str(
            r#"
            [centre]
            name = "Test Homes"
            interval = "30m"
            [channels.voice]
            kind = "inbound"
            aht_seconds = 600
            hours = { weekdays = ["08:00-18:00"] }
            [channels.chat]
            kind = "chat"
            aht_seconds = 600
            hours = { weekdays = ["08:00-18:00"] }
            [history]
            timestamp_format = "%d.%m.%Y %H:%M"
            [history.columns]
            interval_start = "Period"
            offered = "Calls Offered"
            abandoned = "Calls Abandoned"
            [history.channel_aliases]
            "Main Queue" = "voice"
            "Repairs Line" = "voice"
            "#,
            "test.toml",
        )
        .unwrap()
    }

    #[test]
    fn configuration_supplies_grid_channels_aliases_columns_and_format() {
        let opts = IngestOptions::from_config(&config());
        assert_eq!(opts.interval, Some(IntervalLength::M30));
        let csv = "Period,Channel,Calls Offered,Calls Abandoned,AHT\n\
                   23.11.2026 08:00,Main Queue,10,2,600\n\
                   23.11.2026 08:00,Repairs Line,5,1,300\n\
                   23.11.2026 08:30,Main Queue,7,0,600\n\
                   23.11.2026 08:00,chat,3,0,900\n";
        let h = ok(csv, &opts);
        assert_eq!(h.grid().length, IntervalLength::M30);
        let voice = h.channel_records(&"voice".parse().unwrap());
        assert_eq!(voice.len(), 2);
        // Two queues of one channel in one interval are added up, AHT weighted by offered.
        assert_eq!((voice[0].offered(), voice[0].abandoned()), (15, Some(3)));
        assert_eq!(voice[0].aht_seconds(), Some(500.0));

        let bad = "Period,Channel,Calls Offered,Calls Abandoned\n\
                   23.11.2026 08:00,Main Queue,10,2\n\
                   23.11.2026 08:00,Main Queue,5,1\n\
                   23.11.2026 08:00,fax,1,0\n";
        let e = errs(bad, &opts);
        assert_eq!(e.len(), 2, "{e:#?}");
        assert!(
            e[0].starts_with("t.csv:3:1: Period: duplicate interval: channel voice"),
            "{e:?}"
        );
        assert!(
            e[1].starts_with("t.csv:4:2: Channel: unknown channel \"fax\"; expected one of"),
            "{e:?}"
        );
    }

    fn any_counts() -> impl Strategy<Value = IntervalCounts> {
        (
            0u32..500,
            any::<bool>(),
            any::<bool>(),
            proptest::option::of(0.0f64..3000.0),
            proptest::option::of(0.0f64..3000.0),
            proptest::option::of(0.0f64..60.0),
            0.0f64..1.0,
        )
            .prop_map(|(offered, has_h, has_a, aht, asa, agents, share)| {
                let handled = (f64::from(offered) * share) as u32;
                IntervalCounts {
                    offered,
                    handled: has_h.then_some(handled),
                    abandoned: has_a.then_some(offered - handled),
                    aht_seconds: aht,
                    asa_seconds: asa,
                    agents_staffed: agents,
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// write_csv then read_history gives back the same history, plain and gzip, across the
        /// autumn clock change.
        #[test]
        fn write_then_read_round_trips(
            values in proptest::collection::vec(proptest::option::weighted(0.9, any_counts()), 1..200),
            gz in any::<bool>(),
            len in prop_oneof![Just(IntervalLength::M15), Just(IntervalLength::M30), Just(IntervalLength::M60)],
        ) {
            let grid = IntervalGrid::new(len, chrono_tz::Europe::London);
            let first = NaiveDate::from_ymd_opt(2026, 10, 24).unwrap();
            let slots = grid.interval_starts_in_dates(first, first + chrono::Duration::days(3));
            let mut records = Vec::new();
            for (i, v) in values.iter().enumerate() {
                if let (Some(c), Some(t)) = (v, slots.get(i)) {
                    let ch = if i % 3 == 0 { "chat" } else { "voice" };
                    records.push(HistoryRecord::new(*t, ch.parse().unwrap(), *c).unwrap());
                }
            }
            prop_assume!(!records.is_empty());
            let history = History::new(grid, records).unwrap();
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(if gz { "h.csv.gz" } else { "h.csv" });
            history.write_csv(&path).unwrap();
            let opts = IngestOptions { interval: Some(len), ..IngestOptions::default() };
            let back = read_history(&path, &opts).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(back, history);
        }

        /// Random bytes never make the reader panic.
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = read_history_from(&bytes[..], "x.csv", &IngestOptions::default());
        }

        /// Random rows built from plausible and implausible cells never make the reader panic.
        #[test]
        fn random_rows_never_panic(rows in proptest::collection::vec(
            proptest::collection::vec(prop_oneof![
                Just("2026-10-25 01:00".to_string()),
                Just("2026-03-29 01:30".to_string()),
                Just("31/12/2026 23:45".to_string()),
                Just("2026-06-01T08:07:00+14:00".to_string()),
                Just("voice".to_string()),
                Just("-1".to_string()),
                Just("4294967295".to_string()),
                Just("1e400".to_string()),
                Just("NaN".to_string()),
                Just("99:99".to_string()),
                Just(String::new()),
                "[0-9]{1,3}",
                "[ -~]{0,12}",
            ], 0..9), 0..40),
            interval in proptest::option::of(prop_oneof![Just(IntervalLength::M15), Just(IntervalLength::M60)]),
        ) {
            let mut csv = String::from("interval_start,channel,offered,handled,abandoned,aht_seconds,asa_seconds,agents_staffed\n");
            for r in &rows {
                csv.push_str(&r.iter().map(|c| c.replace([',', '"', '\n', '\r'], " ")).collect::<Vec<_>>().join(","));
                csv.push('\n');
            }
            let opts = IngestOptions { interval, ..IngestOptions::default() };
            let _ = read_history_from(csv.as_bytes(), "x.csv", &opts);
        }
    }
}
