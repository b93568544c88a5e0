//! The reader: one pass over the CSV records (header, then rows into per-channel lists), then
//! the whole-file checks and the re-gridding, collecting every problem on the way.

use std::cell::Cell;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike};
use chrono_tz::Tz;

use super::cells::{channel_slug, parse_aht, parse_average, parse_count};
use super::checks::SlashDates;
use super::columns::{sniff_delimiter, Columns};
use super::diagnostics::{shown, Diagnostics, HistoryErrors};
use super::timestamps::{time_of_day, OffsetSamples};
use super::{CapExceeded, Field, IngestOptions, IngestReport, Ingested, MAX_AHT_SECONDS};
use crate::channel::ChannelName;
use crate::grid::DEFAULT_TIME_ZONE;
use crate::history::IntervalCounts;
use crate::line_index::{Indexed, LineIndex};

/// A data row whose timestamp and channel could be read.
pub(super) struct Row {
    pub(super) line: u64,
    pub(super) channel: u32,
    /// The export label (queue) the row came from.
    pub(super) label: u32,
    pub(super) start: DateTime<Tz>,
    /// Seconds since local midnight (wall clock).
    pub(super) local_sod: u32,
    pub(super) local_date: NaiveDate,
    /// `None` when a value of the row was invalid (already reported).
    pub(super) counts: Option<IntervalCounts>,
}

enum ChannelSlot {
    /// (channel id, label id).
    Known(u32, u32),
    Bad,
}

pub(super) struct Reader<'a> {
    pub(super) options: &'a IngestOptions,
    pub(super) tz: Tz,
    /// The offsets of the timestamps, for the zone when none was given.
    pub(super) offsets: OffsetSamples,
    pub(super) diags: Diagnostics,
    pub(super) gzip: bool,
    pub(super) file: PathBuf,
    /// Interned channels.
    pub(super) channel_names: Vec<ChannelName>,
    channel_lookup: HashMap<String, ChannelSlot>,
    /// How often each ambiguous local time was seen per export label (DST fold rule).
    pub(super) fold_seen: HashMap<(u32, NaiveDateTime), u32>,
    /// Rows in the skipped spring hour, dropped or shifted as the options say.
    pub(super) missing_local: usize,
    /// Handle times outside the plausible range (warned about).
    pub(super) implausible_aht: usize,
    /// The cap hit, if reading stopped at one.
    pub(super) cap: Option<CapExceeded>,
    /// What the `a/b/YYYY` dates say about day/month order.
    pub(super) slash: SlashDates,
    /// The field delimiter sniffed from the header line.
    pub(super) delimiter: u8,
}

/// The records of a history file: the CSV reader over the byte-capped source, the record buffer
/// it fills and the newline index that numbers its lines.
struct Records<S> {
    csv: csv::Reader<Indexed<BufReader<Capped<S>>>>,
    record: csv::ByteRecord,
    lines: LineIndex,
    /// Set by [`Capped`] once the byte cap is passed, so that a read error can say why.
    exceeded: Rc<Cell<bool>>,
}

/// A reader that fails (with `exceeded` set) once more than `cap` bytes have come through.
struct Capped<R> {
    inner: std::io::Take<R>,
    pub(super) read: u64,
    pub(super) cap: u64,
    exceeded: Rc<Cell<bool>>,
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

impl<'a> Reader<'a> {
    pub(super) fn new(file: &Path, options: &'a IngestOptions, gzip: bool) -> Self {
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

    pub(super) fn fail(self) -> HistoryErrors {
        let cap = self.cap;
        HistoryErrors {
            cap,
            ..self.diags.into_errors()
        }
    }

    /// Reads the whole file: the header, every row (into lists per channel), then the
    /// whole-file checks and the re-gridding. Every problem found on the way is kept; the history
    /// is returned only when there is none.
    pub(super) fn run<S: Read>(mut self, source: S) -> Result<Ingested, HistoryErrors> {
        let mut records = self.open(source);
        let Some((header_line, columns)) = self.read_header(&mut records) else {
            return Err(self.fail());
        };
        let ignored_columns: Vec<String> = columns
            .names
            .iter()
            .enumerate()
            .filter(|(i, _)| !columns.pos.contains(&Some(*i)))
            .map(|(_, n)| n.clone())
            .collect();
        let (rows, n_rows) = self.read_rows(&mut records, header_line, &columns);
        if self.cap.is_some() {
            return Err(self.fail());
        }
        self.finish(rows, n_rows, ignored_columns)
    }

    /// Opens `source` as CSV: capped at the byte limit, split at the delimiter sniffed from the
    /// header line.
    fn open<S: Read>(&mut self, source: S) -> Records<S> {
        let limits = self.options.limits;
        let exceeded = Rc::new(Cell::new(false));
        let mut source = BufReader::with_capacity(
            1 << 16,
            Capped {
                inner: source.take(limits.max_bytes.saturating_add(1)),
                read: 0,
                cap: limits.max_bytes,
                exceeded: Rc::clone(&exceeded),
            },
        );
        self.delimiter = source.fill_buf().map_or(b',', sniff_delimiter);
        // Line numbers come from our own newline index: csv's own count is off by one on CRLF.
        let lines = LineIndex::default();
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .from_reader(lines.wrap(source));
        Records {
            csv,
            record: csv::ByteRecord::new(),
            lines,
            exceeded,
        }
    }

    /// Reads the header line and resolves its columns: the header's line number and the
    /// columns, or `None` (the problem recorded) for an empty or unreadable file or a header
    /// without the required columns.
    fn read_header<S: Read>(&mut self, records: &mut Records<S>) -> Option<(u64, Columns)> {
        let header_line = match records.csv.read_byte_record(&mut records.record) {
            Ok(true) => records
                .record
                .position()
                .map_or(1, |p| records.lines.line_of(p.byte())),
            Ok(false) => {
                self.diags.push(
                    None,
                    None,
                    "the file is empty; expected a header line with interval_start, channel, offered".into(),
                );
                return None;
            }
            Err(e) => {
                let message = self.read_error(&e, records.exceeded.get());
                self.diags.push(Some(1), None, message);
                return None;
            }
        };
        let columns = self.resolve_header(&records.record, header_line)?;
        self.diags.ts_column = columns
            .get(Field::IntervalStart)
            .or(columns.get(Field::Date))
            .map(|i| {
                let (index, name) = columns.label(i);
                (index, name.to_string())
            });
        Some((header_line, columns))
    }

    /// Reads the data rows into lists per channel id (exports are usually sorted by time, so
    /// each channel's rows arrive in order and sorting them later is cheap), until the end, a
    /// read error or the row cap. Returns the lists and the number of data rows (blank lines
    /// left out).
    fn read_rows<S: Read>(
        &mut self,
        records: &mut Records<S>,
        header_line: u64,
        columns: &Columns,
    ) -> (Vec<Vec<Row>>, usize) {
        let max_rows = self.options.limits.max_rows;
        let Records {
            csv,
            record,
            lines,
            exceeded,
        } = records;
        let mut rows: Vec<Vec<Row>> = Vec::new();
        let mut n_rows = 0usize;
        {
            let _span = tracing::info_span!("parse_rows").entered();
            loop {
                match csv.read_byte_record(record) {
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
                if n_rows > max_rows {
                    self.cap = Some(CapExceeded::Rows(max_rows));
                    self.diags.push(
                        Some(line),
                        None,
                        format!(
                            "the history has more than {}, the most Rota reads from one file; \
                             expected a shorter export (e.g. the last three years)",
                            CapExceeded::Rows(max_rows)
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
                if let Some(row) = self.parse_row(record, line, columns) {
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
        (rows, n_rows)
    }

    /// Once every row is read: the whole-file checks (date order, zone from the offsets, span)
    /// and the re-gridding, then the history with the report of how it was read, if no problem
    /// was found.
    fn finish(
        mut self,
        mut rows: Vec<Vec<Row>>,
        n_rows: usize,
        ignored_columns: Vec<String>,
    ) -> Result<Ingested, HistoryErrors> {
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

    pub(super) fn cell<'r>(
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

    /// Reads one data row: its channel, interval start and counts. `None` when the channel or
    /// the start cannot be read; a row whose counts are invalid is kept with `counts: None`, so
    /// that its interval still counts in the duplicate and alignment checks. Every problem in
    /// the row is recorded.
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

        // Channel.
        let ch_col = columns.get(Field::Channel)?;
        let channel = match self.cell(record, line, columns, ch_col) {
            Some(label) => self.channel_id(label, line, columns.label(ch_col)),
            None => None,
        };

        // Timestamp: one column, or a date and a time column.
        let label = channel.map(|c| c.1);
        let start = match (columns.get(Field::Date), columns.get(Field::Time)) {
            (Some(d), Some(t)) => self.date_time_start(record, line, columns, (d, t), label),
            _ => {
                let ts_col = columns.get(Field::IntervalStart)?;
                match self.cell(record, line, columns, ts_col) {
                    Some(s) => self.parse_start(s, label, line, columns.label(ts_col)),
                    None => None,
                }
            }
        };

        let counts = self.row_counts(record, line, columns);
        let ((channel, label), start) = (channel?, start?);
        let local = start.naive_local();
        Some(Row {
            line,
            channel,
            label,
            local_sod: local.num_seconds_from_midnight(),
            local_date: local.date(),
            start,
            counts,
        })
    }

    /// The interval start of an export that splits it into a date column and a time-of-day
    /// column (`(date, time)` positions).
    fn date_time_start(
        &mut self,
        record: &csv::ByteRecord,
        line: u64,
        columns: &Columns,
        (d, t): (usize, usize),
        label: Option<u32>,
    ) -> Option<DateTime<Tz>> {
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
            (Some(date), Some(time)) => {
                self.parse_start(&format!("{date} {time}"), label, line, columns.label(d))
            }
            _ => None,
        }
    }

    /// The counts and averages of a row; `None` when one of them is invalid or handled +
    /// abandoned exceeds offered (each problem recorded).
    fn row_counts(
        &mut self,
        record: &csv::ByteRecord,
        line: u64,
        columns: &Columns,
    ) -> Option<IntervalCounts> {
        let mut ok = true;
        let mut counts = IntervalCounts::default();
        match self.count_cell(record, line, columns, Field::Offered, true) {
            Ok(Some(v)) => counts.offered = v,
            _ => ok = false,
        }
        match self.count_cell(record, line, columns, Field::Handled, false) {
            Ok(v) => counts.handled = v,
            Err(()) => ok = false,
        }
        match self.count_cell(record, line, columns, Field::Abandoned, false) {
            Ok(v) => counts.abandoned = v,
            Err(()) => ok = false,
        }
        if !self.read_averages(record, line, columns, &mut counts) {
            ok = false;
        }
        if ok && !self.counts_consistent(line, columns, &counts) {
            ok = false;
        }
        ok.then_some(counts)
    }

    /// A count column of a row: `Ok(None)` when the file has no such column or an optional
    /// cell is empty, `Err` when the cell is invalid (recorded).
    fn count_cell(
        &mut self,
        record: &csv::ByteRecord,
        line: u64,
        columns: &Columns,
        f: Field,
        required: bool,
    ) -> Result<Option<u32>, ()> {
        let Some(i) = columns.get(f) else {
            return Ok(None);
        };
        let Some(s) = self.cell(record, line, columns, i) else {
            return Err(());
        };
        match parse_count(s, required) {
            Ok(v) => Ok(v),
            Err(m) => {
                self.diags.push(Some(line), Some(columns.label(i)), m);
                Err(())
            }
        }
    }

    /// Reads the AHT, ASA and agents-staffed cells of a row into `counts`; false when one is
    /// invalid (recorded). An AHT over a day is an error, an implausible one a warning.
    fn read_averages(
        &mut self,
        record: &csv::ByteRecord,
        line: u64,
        columns: &Columns,
        counts: &mut IntervalCounts,
    ) -> bool {
        let mut ok = true;
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
            // A `;` or tab delimited export comes from a locale that writes 912,5 for 912.5.
            let decimal_point;
            let s = match decimal_comma(s, self.delimiter) {
                Some(v) => {
                    decimal_point = v;
                    decimal_point.as_str()
                }
                None => s,
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
        ok
    }

    /// Handled + abandoned must not exceed offered; false (recorded at the abandoned or handled
    /// column) when they do.
    fn counts_consistent(&mut self, line: u64, columns: &Columns, counts: &IntervalCounts) -> bool {
        let h = counts.handled.unwrap_or(0);
        let a = counts.abandoned.unwrap_or(0);
        if u64::from(h) + u64::from(a) <= u64::from(counts.offered) {
            return true;
        }
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
        false
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
}

fn read_error_message(e: &csv::Error, gzip: bool) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) if gzip => {
            format!("cannot read the gzip stream: {io}; expected a complete .csv.gz file")
        }
        csv::ErrorKind::Io(io) => format!("cannot read the file: {io}"),
        _ => format!("cannot read CSV: {e}"),
    }
}

/// `912,5` as `912.5` when the file is split at `;` or tab (European Excel writes both); `None`
/// for any other cell, or in a comma-delimited file, where a comma cannot be inside a number.
fn decimal_comma(s: &str, delimiter: u8) -> Option<String> {
    let (whole, fraction) = s.split_once(',')?;
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    (delimiter != b',' && digits(whole) && digits(fraction)).then(|| format!("{whole}.{fraction}"))
}

#[cfg(test)]
mod decimal_comma_tests {
    use super::decimal_comma;

    #[test]
    fn a_decimal_comma_is_read_only_where_the_delimiter_allows_it() {
        assert_eq!(decimal_comma("180,5", b';').as_deref(), Some("180.5"));
        assert_eq!(decimal_comma("180,25", b'\t').as_deref(), Some("180.25"));
        assert_eq!(decimal_comma("180,5", b','), None);
        for other in ["180", "1,2,3", ",5", "5,", "1.5", "a,b", "3:00,5"] {
            assert_eq!(decimal_comma(other, b';'), None, "{other}");
        }
    }
}
