//! Which column is which: the fields Rota reads, their built-in header aliases and the user's
//! mapping, the delimiter sniffed from the header line, and the header resolved to positions.

use std::fmt;

use super::diagnostics::shown;
use super::reader::Reader;

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

/// Lowercase, words joined by single `_`, no leading/trailing punctuation: `" Calls Offered "` ->
/// `calls_offered`, `AHT (s)` -> `aht_s`.
pub(super) fn normalise_header(s: &str) -> String {
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

/// The field delimiter of a header line: `,` when it has one, else `;` or tab, whichever is more
/// common (Excel in much of Europe saves "CSV" with `;`; some exports use tabs).
pub(super) fn sniff_delimiter(head: &[u8]) -> u8 {
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

/// Column positions of the fields in the file (0-based) and their header names.
pub(super) struct Columns {
    pub(super) pos: [Option<usize>; 10],
    pub(super) names: Vec<String>,
}

impl Columns {
    pub(super) fn get(&self, f: Field) -> Option<usize> {
        self.pos[f as usize]
    }
    pub(super) fn label(&self, i: usize) -> (usize, &str) {
        (i + 1, self.names.get(i).map_or("", String::as_str))
    }
}

impl Reader<'_> {
    pub(super) fn resolve_header(
        &mut self,
        record: &csv::ByteRecord,
        line: u64,
    ) -> Option<Columns> {
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
}
