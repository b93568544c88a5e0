//! A history's summary as plain figures for machines: what `rota data check --json` prints and
//! what the API stores and returns for an upload. One definition, so the two never disagree.

use chrono::NaiveDate;
use serde::Serialize;

use crate::channel::ChannelName;
use crate::summary::HistorySummary;

/// The summary of a history as JSON-ready figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryFigures {
    /// Interval length, minutes.
    pub interval_minutes: u32,
    /// IANA time zone of the centre.
    pub time_zone: String,
    /// Start of the first interval (RFC 3339), `None` for an empty history.
    pub first_interval: Option<String>,
    /// Start of the last interval (RFC 3339).
    pub last_interval: Option<String>,
    /// One entry per channel with records, in name order.
    pub channels: Vec<ChannelFigures>,
    /// Configured channels without a record.
    pub channels_without_history: Vec<ChannelName>,
}

/// One channel's figures over the history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelFigures {
    /// Channel name (serialised as a plain string, e.g. `"voice"`).
    pub channel: ChannelName,
    /// Its kind from the configuration (`inbound`, `walk_in`, `chat`, `deferred`).
    pub kind: Option<String>,
    /// Intervals with a record.
    pub intervals: usize,
    /// Contacts offered.
    pub offered: u64,
    /// Contacts handled, when exported.
    pub handled: Option<u64>,
    /// Contacts abandoned, when exported.
    pub abandoned: Option<u64>,
    /// Abandoned / offered (a fraction, 0.38 = 38%).
    pub abandon_rate: Option<f64>,
    /// The configured abandon-rate target (a fraction).
    pub abandon_target: Option<f64>,
    /// Average handle time, seconds.
    pub aht_seconds: Option<f64>,
    /// Average speed of answer, seconds.
    pub asa_seconds: Option<f64>,
    /// Busiest weekday on average.
    pub peak_weekday: Option<String>,
    /// Busiest interval of the week on average, e.g. "Mon 09:45 (39.8)".
    pub peak_interval: Option<String>,
    /// Missing intervals where rows were expected.
    pub missing_intervals: usize,
    /// Intervals where rows were expected.
    pub expected_intervals: usize,
    /// Outlier days, most extreme first.
    pub outlier_days: Vec<NaiveDate>,
}

impl From<&HistorySummary> for HistoryFigures {
    fn from(summary: &HistorySummary) -> Self {
        HistoryFigures {
            interval_minutes: summary.grid.length.minutes(),
            time_zone: summary.grid.tz.name().to_string(),
            first_interval: summary.span.as_ref().map(|s| s.first.to_rfc3339()),
            last_interval: summary.span.as_ref().map(|s| s.last.to_rfc3339()),
            channels: summary
                .channels
                .iter()
                .map(|c| ChannelFigures {
                    channel: c.channel.clone(),
                    kind: c.kind.map(|k| format!("{k:?}").to_lowercase()),
                    intervals: c.intervals,
                    offered: c.totals.offered,
                    handled: c.totals.handled,
                    abandoned: c.totals.abandoned,
                    abandon_rate: c.totals.abandon_rate,
                    abandon_target: c.abandon_target,
                    aht_seconds: c.totals.aht_seconds,
                    asa_seconds: c.totals.asa_seconds,
                    peak_weekday: c.peak_weekday.map(|w| w.to_string()),
                    peak_interval: c.peak_interval.map(|p| p.to_string()),
                    missing_intervals: c.gaps.missing,
                    expected_intervals: c.gaps.expected,
                    outlier_days: c.outliers.iter().map(|o| o.date).collect(),
                })
                .collect(),
            channels_without_history: summary.channels_without_history.clone(),
        }
    }
}
