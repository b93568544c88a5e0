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
//!     "export.csv:2:3: offered: expected a whole number of contacts, found \"twelve\""
//! );
//! ```

// One file per concern: `columns` (header mapping), `cells` (values), `timestamps`, `checks`
// (whole-file validation and warnings), `regrid`, `diagnostics`, and `reader`, which runs them
// in order. Everything public is re-exported here.
mod cells;
mod checks;
mod columns;
mod diagnostics;
mod reader;
mod regrid;
mod timestamps;

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use flate2::read::MultiGzDecoder;

use crate::channel::ChannelName;
use crate::grid::IntervalLength;
use crate::history::History;

pub use cells::{AhtUnit, MAX_AHT_SECONDS, MAX_OFFERED_PER_INTERVAL};
pub use checks::{MAX_SPAN_DAYS, MISTYPED_DATE_MARGIN_DAYS, PLAUSIBLE_AHT_SECONDS};
pub use columns::{ColumnMapping, ColumnMappingError, Field};
pub use diagnostics::{
    shown, Diagnostic, DiagnosticColumn, HistoryErrors, MAX_DIAGNOSTICS, MAX_ECHOED_CHARS,
};
pub use timestamps::MissingLocalTime;

use columns::normalise_header;
use reader::Reader;

/// Default cap on the bytes of CSV read from one history, after decompression (512 MiB: ten
/// years of 15-minute intervals on twenty queues is about 400 MB of CSV).
pub const MAX_HISTORY_BYTES: u64 = 512 * 1024 * 1024;

/// Default cap on the data rows of one history (5 million: ten years of 15-minute intervals on
/// fourteen queues).
pub const MAX_HISTORY_ROWS: usize = 5_000_000;

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

#[cfg(test)]
mod tests;
