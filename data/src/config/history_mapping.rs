//! The `[history]` section: how to read the centre's ACD/CCaaS exports (column headers, channel
//! label aliases, timestamp format and AHT unit).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::raw::{RawColumns, RawHistory};
use super::validate::Ctx;
use crate::channel::ChannelName;

/// Header names of the history CSV columns (defaults: the field names themselves).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryColumns {
    /// Interval start timestamp.
    pub interval_start: String,
    /// Channel / queue label.
    pub channel: String,
    /// Contacts offered.
    pub offered: String,
    /// Contacts handled (answered).
    pub handled: String,
    /// Contacts abandoned.
    pub abandoned: String,
    /// Average handle time, seconds.
    pub aht_seconds: String,
    /// Average speed of answer, seconds.
    pub asa_seconds: String,
    /// Agents logged in on the channel.
    pub agents_staffed: String,
    /// The date, for exports that split the interval start into a date and a time column.
    pub date: String,
    /// The time of day (a start or a range such as `08:00-08:30`), with `date`.
    pub time: String,
}

impl Default for HistoryColumns {
    fn default() -> Self {
        Self {
            interval_start: "interval_start".into(),
            channel: "channel".into(),
            offered: "offered".into(),
            handled: "handled".into(),
            abandoned: "abandoned".into(),
            aht_seconds: "aht_seconds".into(),
            asa_seconds: "asa_seconds".into(),
            agents_staffed: "agents_staffed".into(),
            date: "date".into(),
            time: "time".into(),
        }
    }
}

impl HistoryColumns {
    /// `(field, header)` pairs in the canonical field order.
    pub fn pairs(&self) -> [(&'static str, &str); 10] {
        [
            ("interval_start", &self.interval_start),
            ("channel", &self.channel),
            ("offered", &self.offered),
            ("handled", &self.handled),
            ("abandoned", &self.abandoned),
            ("aht_seconds", &self.aht_seconds),
            ("asa_seconds", &self.asa_seconds),
            ("agents_staffed", &self.agents_staffed),
            ("date", &self.date),
            ("time", &self.time),
        ]
    }
}

/// How to read the centre's ACD/CCaaS history exports: column headers, channel label aliases and
/// an optional timestamp format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct HistoryMapping {
    pub(super) columns: HistoryColumns,
    pub(super) channel_aliases: BTreeMap<String, ChannelName>,
    pub(super) timestamp_format: Option<String>,
    pub(super) aht_unit: crate::ingest::AhtUnit,
}

impl HistoryMapping {
    /// Header names.
    pub fn columns(&self) -> &HistoryColumns {
        &self.columns
    }
    /// Export label -> channel, e.g. `"Main Queue"` -> `voice`.
    pub fn channel_aliases(&self) -> &BTreeMap<String, ChannelName> {
        &self.channel_aliases
    }
    /// The channel an export label stands for: an alias (matched ignoring case and surrounding
    /// space) or the label itself when it is a channel name.
    pub fn resolve_channel(&self, label: &str) -> Option<ChannelName> {
        let t = label.trim();
        self.channel_aliases
            .iter()
            .find(|(a, _)| a.trim().eq_ignore_ascii_case(t))
            .map(|(_, c)| c.clone())
            .or_else(|| ChannelName::parse(t).ok())
    }
    /// A `chrono` strftime format for the timestamp column (e.g. `%d/%m/%Y %H:%M`).
    pub fn timestamp_format(&self) -> Option<&str> {
        self.timestamp_format.as_deref()
    }
    /// Unit of plain numbers in the export's AHT column (`aht_unit = "ms"`; default seconds).
    pub fn aht_unit(&self) -> crate::ingest::AhtUnit {
        self.aht_unit
    }

    pub(super) fn from_raw(
        ctx: &mut Ctx,
        raw: &RawHistory,
        channels: &BTreeSet<ChannelName>,
    ) -> Self {
        let mut columns = HistoryColumns::default();
        if let Some(c) = &raw.columns {
            let slots: [(&str, &Option<String>, &mut String); 10] = [
                (
                    "interval_start",
                    &c.interval_start,
                    &mut columns.interval_start,
                ),
                ("channel", &c.channel, &mut columns.channel),
                ("offered", &c.offered, &mut columns.offered),
                ("handled", &c.handled, &mut columns.handled),
                ("abandoned", &c.abandoned, &mut columns.abandoned),
                ("aht_seconds", &c.aht_seconds, &mut columns.aht_seconds),
                ("asa_seconds", &c.asa_seconds, &mut columns.asa_seconds),
                (
                    "agents_staffed",
                    &c.agents_staffed,
                    &mut columns.agents_staffed,
                ),
                ("date", &c.date, &mut columns.date),
                ("time", &c.time, &mut columns.time),
            ];
            for (f, v, slot) in slots {
                if let Some(v) = v {
                    if v.trim().is_empty() {
                        ctx.err(format!("history.columns.{f}"), "empty header name");
                    }
                    *slot = v.clone();
                }
            }
        }
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for (f, h) in columns.pairs() {
            if let Some(other) = seen.insert(h.trim().to_ascii_lowercase(), f) {
                ctx.err(
                    format!("history.columns.{f}"),
                    format!(
                        "header {h:?} is also mapped to {other}; expected one column per field"
                    ),
                );
            }
        }
        let mut channel_aliases = BTreeMap::new();
        for (label, target) in raw.channel_aliases.iter().flatten() {
            let key = format!("history.channel_aliases.{label:?}");
            if label.trim().is_empty() {
                ctx.err(&key, "empty export label");
            }
            if let Some(n) = ctx.channel_name(&key, target, channels) {
                channel_aliases.insert(label.clone(), n);
            }
        }
        if let Some(fmt) = &raw.timestamp_format {
            use chrono::format::{Item, StrftimeItems};
            if fmt.trim().is_empty() || StrftimeItems::new(fmt).any(|i| matches!(i, Item::Error)) {
                ctx.err(
                    "history.timestamp_format",
                    format!(
                        "{fmt:?} is not a valid chrono format; expected e.g. \"%d/%m/%Y %H:%M\""
                    ),
                );
            }
        }
        let aht_unit = match &raw.aht_unit {
            None => crate::ingest::AhtUnit::Seconds,
            Some(u) => crate::ingest::AhtUnit::parse(u).unwrap_or_else(|| {
                ctx.err(
                    "history.aht_unit",
                    format!(
                        "{u:?} is not an AHT unit; expected \"s\", \"ms\", \"min\" or \"h:mm:ss\""
                    ),
                );
                crate::ingest::AhtUnit::Seconds
            }),
        };
        Self {
            columns,
            channel_aliases,
            timestamp_format: raw.timestamp_format.clone(),
            aht_unit,
        }
    }

    pub(super) fn to_raw(&self) -> RawHistory {
        let c = &self.columns;
        RawHistory {
            timestamp_format: self.timestamp_format.clone(),
            aht_unit: (self.aht_unit != crate::ingest::AhtUnit::Seconds)
                .then(|| self.aht_unit.as_str().to_string()),
            columns: Some(RawColumns {
                interval_start: Some(c.interval_start.clone()),
                channel: Some(c.channel.clone()),
                offered: Some(c.offered.clone()),
                handled: Some(c.handled.clone()),
                abandoned: Some(c.abandoned.clone()),
                aht_seconds: Some(c.aht_seconds.clone()),
                asa_seconds: Some(c.asa_seconds.clone()),
                agents_staffed: Some(c.agents_staffed.clone()),
                // Written only when mapped, so configurations that never split date and time
                // read and write as before.
                date: (c.date != "date").then(|| c.date.clone()),
                time: (c.time != "time").then(|| c.time.clone()),
            }),
            channel_aliases: (!self.channel_aliases.is_empty()).then(|| {
                self.channel_aliases
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_string()))
                    .collect()
            }),
        }
    }
}
